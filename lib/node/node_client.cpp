#include "node/node_client.hpp"

#include "io/file_io.hpp"
#include "ledger/chain_file.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <cctype>
#include <fcntl.h>

namespace chain::node {

namespace {

constexpr std::size_t k_small_answer = std::size_t{1} << 20; // health, messages, peers
constexpr std::size_t k_pending_answer = std::size_t{256} << 20;

std::optional<std::int64_t> int_member(const json::Value& v, std::string_view key) {
    const json::Value* m = v.find(key);
    if (!m || m->type() != json::Type::Int) return std::nullopt;
    return m->as_int();
}

std::string string_member(const json::Value& v, std::string_view key) {
    const json::Value* m = v.find(key);
    return m && m->is_string() ? m->as_string() : std::string();
}

std::string trimmed(std::string text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.pop_back();
    return text;
}

} // namespace

std::string_view kind_name(NodeKind kind) {
    switch (kind) {
    case NodeKind::Chainctl:
        return "chainctl";
    case NodeKind::Reference:
        return "reference";
    case NodeKind::Unknown:
        break;
    }
    return "unknown";
}

std::optional<std::size_t> leading_length(std::string_view text) {
    try {
        json::Reader reader(text);
        reader.begin_object();
        std::string key;
        if (!reader.next_member(key) || key != "length") return std::nullopt;
        json::Value length = reader.read_value();
        if (length.type() != json::Type::Int || length.as_int() < 0) return std::nullopt;
        return static_cast<std::size_t>(length.as_int());
    } catch (const Error&) {
        return std::nullopt;
    }
}

NodeClient::NodeClient(http::Client& client, const std::string& url, NodeClientOptions options)
    : m_client(client), m_url(http::parse_url(url)), m_options(std::move(options)) {}

http::Answer NodeClient::call(std::string_view method, std::string_view endpoint,
                              std::string_view body, double read_timeout_s,
                              std::size_t max_response, const io::Cancellation* cancel,
                              double deadline_s, std::function<bool(std::string_view)> sink,
                              const http::Headers* extra) {
    http::CallOptions o;
    o.connect_timeout_s = m_options.connect_timeout_s;
    o.read_timeout_s = read_timeout_s > 0 ? read_timeout_s : m_options.read_timeout_s;
    o.deadline_s = deadline_s;
    o.max_response = max_response ? max_response : k_small_answer;
    o.cancel = cancel ? cancel : m_options.cancel;
    o.sink = std::move(sink);
    o.headers.add("Accept", "application/json");
    if (!m_options.self_id.empty()) o.headers.add(std::string(k_node_id_header), m_options.self_id);
    if (!m_options.self_url.empty())
        o.headers.add(std::string(k_origin_header), m_options.self_url);
    if (extra)
        for (const auto& [name, value] : *extra)
            o.headers.add(name, value);
    http::Answer a = m_client.request(m_url, method, endpoint, body, o);
    if (a.headers.get(k_self_header) == "1")
        throw IsSelf("the node at " + m_url.str() + " is this node itself");
    return a;
}

std::uint64_t NodeClient::call_to_file(std::string_view method, std::string_view endpoint,
                                       std::string_view body, const std::filesystem::path& path,
                                       double read_timeout_s, double deadline_s,
                                       std::string_view what) {
    io::FileDescriptor file = io::open_file(path, O_RDWR | O_CREAT | O_TRUNC);
    std::uint64_t written = 0;
    http::Answer a = call(method, endpoint, body, read_timeout_s, m_options.max_chain_bytes,
                          nullptr, deadline_s, [&](std::string_view piece) {
                              io::write_all(file.get(), piece, path);
                              written += piece.size();
                              return true;
                          });
    if (a.status != 200) {
        a.body = io::read_at(file.get(), 0, 4096, path); // the start of it gives the reason
        refused(a, what);
    }
    return written;
}

void NodeClient::refused(const http::Answer& a, std::string_view what) const {
    throw http::StatusError(a.status, "the node at " + m_url.str() + " refused to " +
                                          std::string(what) + " (HTTP " + std::to_string(a.status) +
                                          "): " + a.reason());
}

json::Value NodeClient::parse(const http::Answer& a, std::string_view what) const {
    try {
        return json::parse(a.body);
    } catch (const Error& e) {
        throw BadAnswer("the node at " + m_url.str() + " sent " + std::string(what) +
                        " that is not JSON: " + e.what());
    }
}

std::optional<Health> NodeClient::health() {
    http::Answer a = call("GET", "health");

    if (a.status == 404 || a.status == 405) {
        m_kind = NodeKind::Reference;
        return std::nullopt;
    }
    if (a.status != 200) refused(a, "say how it is");
    json::Value v = parse(a, "a health report");
    if (!v.is_object())
        throw BadAnswer("the node at " + m_url.str() +
                        " sent a health report that is not an object");
    Health h;
    h.id = string_member(v, "id");
    h.url = string_member(v, "url");
    h.tip = string_member(v, "tip");
    h.version = string_member(v, "version");
    h.length =
        static_cast<std::size_t>(std::max<std::int64_t>(0, int_member(v, "length").value_or(0)));
    h.pending =
        static_cast<std::size_t>(std::max<std::int64_t>(0, int_member(v, "pending").value_or(0)));
    h.peers =
        static_cast<std::size_t>(std::max<std::int64_t>(0, int_member(v, "peers").value_or(0)));
    h.difficulty = static_cast<int>(int_member(v, "difficulty").value_or(0));
    m_kind = NodeKind::Chainctl;
    return h;
}

NodeKind NodeClient::kind() {
    if (m_kind == NodeKind::Unknown) health();
    return m_kind;
}

std::size_t NodeClient::length() {
    if (kind() == NodeKind::Chainctl) return health()->length;
    // The reference's /chain starts {"length": N: read that much and hang up.
    std::string start;
    http::Answer a = call(
        "GET", "chain", {}, 0, m_options.max_chain_bytes, nullptr, 0, [&](std::string_view piece) {
            start.append(piece.substr(0, 64 - std::min<std::size_t>(64, start.size())));
            return start.size() < 64;
        });
    if (a.status != 200) {
        a.body = start;
        refused(a, "send its chain");
    }
    std::size_t comma = start.find(',');
    auto length = leading_length(start.substr(0, comma) + "}");
    if (!length)
        throw BadAnswer("the node at " + m_url.str() +
                        " sent a chain that does not start with its length");
    return *length;
}

std::string NodeClient::chain_text(double read_timeout_s) {
    http::Answer a = call("GET", "chain", {}, read_timeout_s, m_options.max_chain_bytes);
    if (a.status != 200) refused(a, "send its chain");
    return std::move(a.body);
}

std::uint64_t NodeClient::chain_to_file(const std::filesystem::path& path, double read_timeout_s) {
    return call_to_file("GET", "chain", {}, path, read_timeout_s, 0, "send its chain");
}

ledger::ChainDocument NodeClient::chain() {
    std::string text = chain_text();
    try {
        return ledger::parse_chain_file(text);
    } catch (const Error& e) {
        throw BadAnswer("the node at " + m_url.str() +
                        " sent a chain that cannot be read: " + e.what());
    }
}

std::vector<json::Value> NodeClient::pending() {
    http::Answer a = call("GET", "pending_tx", {}, 0, k_pending_answer);
    if (a.status != 200) refused(a, "list pending transactions");
    json::Value list = parse(a, "a pending list");
    if (!list.is_array())
        throw BadAnswer("the node at " + m_url.str() + " sent a pending list that is not an array");
    return std::move(list.as_array());
}

json::Value NodeClient::add_transaction(const json::Value& tx) {
    http::Answer a = call("POST", "new_transaction", json::dump(tx));
    if (a.status != 201 && a.status != 200) refused(a, "add the transaction");
    if (a.is_json()) {
        json::Value stored = parse(a, "a transaction");
        if (stored.is_object()) return stored;
    }
    return tx; // the reference only says "Success"
}

ledger::MineOutcome NodeClient::mine(double timeout_s, const io::Cancellation* cancel) {
    ledger::MineOutcome outcome;
    http::Answer a;
    try {
        // GET, which the reference supports too (chainctl's node also takes POST). Mining takes
        // as long as the difficulty makes it: the silence allowed is the whole wait.
        constexpr double k_no_limit = 365.0 * 24 * 3600;
        a = call("GET", "mine", {}, timeout_s > 0 ? timeout_s : k_no_limit, k_small_answer, cancel,
                 timeout_s);
    } catch (const http::Unreachable& e) {
        if (e.why() != http::Unreachable::Why::Cancelled) throw;
        outcome.status = ledger::MineOutcome::Status::Cancelled;
        outcome.message = "stopped waiting for " + m_url.str() +
                          " to mine; the node may still add the block to its chain";
        return outcome;
    }
    if (a.status != 200) refused(a, "mine");
    if (!a.is_json()) {
        outcome.message = trimmed(a.body);
        if (outcome.message.starts_with("Block #"))
            outcome.status = ledger::MineOutcome::Status::Mined;
        return outcome;
    }
    json::Value v = parse(a, "a mining result");
    outcome.message = string_member(v, "message");
    const std::string status = string_member(v, "status");
    if (const json::Value* b = v.find("block"); b && b->is_object()) {
        outcome.block = *b;
        outcome.status = status == "orphaned" ? ledger::MineOutcome::Status::Orphaned
                                              : ledger::MineOutcome::Status::Mined;
    }
    if (auto h = int_member(v, "hashes_tried"))
        outcome.stats.hashes_tried = static_cast<std::uint64_t>(*h);
    if (const json::Value* e = v.find("elapsed_s"); e && e->is_number())
        outcome.stats.elapsed_s = e->is_float() ? e->as_float() : static_cast<double>(e->as_int());
    if (auto t = int_member(v, "threads")) outcome.stats.threads = static_cast<unsigned>(*t);
    return outcome;
}

BlockAnswer NodeClient::add_block(std::string_view block_json,
                                  const std::vector<std::string>& held_by) {
    http::Headers extra;
    std::string list;
    for (std::size_t i = 0; i < held_by.size() && i < k_max_held_by; ++i)
        list += (i ? "," : "") + held_by[i];
    if (!list.empty()) extra.add(std::string(k_held_by_header), list);
    http::Answer a = call("POST", "add_block", block_json, 0, 0, nullptr, 0, nullptr, &extra);
    return {a.status, a.is_json() ? a.reason() : trimmed(a.body)};
}

std::uint64_t NodeClient::register_node_to_file(const std::string& self_url,
                                                const std::filesystem::path& path,
                                                double deadline_s) {
    return call_to_file("POST", "register_node",
                        json::dump(json::Object{{"node_address", self_url}}), path, 0, deadline_s,
                        "add the peer");
}

std::string NodeClient::register_node(const std::string& self_url, double deadline_s) {
    http::Answer a =
        call("POST", "register_node", json::dump(json::Object{{"node_address", self_url}}), 0,
             m_options.max_chain_bytes, nullptr, deadline_s);
    if (a.status != 200) refused(a, "add the peer");
    return std::move(a.body);
}

std::string NodeClient::register_with(const std::string& url, double timeout_s) {
    http::Answer a = call("POST", "register_with", json::dump(json::Object{{"node_address", url}}),
                          timeout_s, k_small_answer, nullptr, timeout_s);
    if (a.status != 200) refused(a, "register with " + url);
    if (a.is_json()) {
        json::Value v = parse(a, "an answer");
        if (const json::Value* m = v.find("message"); m && m->is_string()) return m->as_string();
    }
    return a.reason();
}

json::Value NodeClient::peer_status() {
    http::Answer a = call("GET", "peers?detail=1");
    if (a.status != 200) refused(a, "list its peers");
    json::Value list = parse(a, "a peer list");
    if (!list.is_array())
        throw BadAnswer("the node at " + m_url.str() + " sent a peer list that is not an array");
    return list;
}

std::vector<std::string> NodeClient::peers() {
    if (kind() == NodeKind::Reference) return chain().meta.peers;
    http::Answer a = call("GET", "peers");
    if (a.status != 200) refused(a, "list its peers");
    json::Value list = parse(a, "a peer list");
    std::vector<std::string> out;
    if (list.is_array())
        for (const json::Value& p : list.as_array()) {
            if (p.is_string())
                out.push_back(p.as_string());
            else if (p.is_object())
                out.push_back(string_member(p, "url"));
        }
    return out;
}

} // namespace chain::node
