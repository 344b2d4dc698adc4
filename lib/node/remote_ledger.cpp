#include "node/remote_ledger.hpp"

#include "error.hpp"
#include "ledger/transaction.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"

namespace chain::node {

namespace {

json::Value parse_answer(const http::HttpResponse& r, const http::Url& url, std::string_view what) {
    try {
        return json::parse(r.body);
    } catch (const Error& e) {
        throw Error("the node at " + url.str() + " sent " + std::string(what) +
                    " that is not JSON: " + e.what());
    }
}

// Mining can take as long as the difficulty makes it; wait for it.
constexpr double k_mine_timeout_s = 24 * 3600;

} // namespace

RemoteLedger::RemoteLedger(const std::string& url, http::HttpTimeouts timeouts)
    : m_url(http::parse_url(url)), m_timeouts(timeouts) {}

http::HttpResponse RemoteLedger::call(std::string_view method, std::string_view endpoint,
                                      std::string_view body, double io_s) const {
    http::HttpTimeouts t = m_timeouts;
    if (io_s > 0) t.io_s = io_s;
    return http::http_request(m_url, method, endpoint, body, {{"Accept", "application/json"}}, t);
}

void RemoteLedger::refused(const http::HttpResponse& r, std::string_view what) const {
    throw Error("the node at " + m_url.str() + " refused to " + std::string(what) + " (HTTP " +
                std::to_string(r.status) + "): " + r.reason());
}

json::Value RemoteLedger::add_transaction(json::Value tx) {
    // The same check as the node's, so that a reference node's bare "404" gets a reason too.
    ledger::check_new_transaction(tx);
    http::HttpResponse r = call("POST", "new_transaction", json::dump(tx));
    if (r.status != 201 && r.status != 200) refused(r, "add the transaction");
    if (r.is_json()) {
        json::Value stored = parse_answer(r, m_url, "a transaction");
        if (stored.is_object()) return stored;
    }
    return tx; // the reference only says "Success"
}

std::vector<json::Value> RemoteLedger::pending() {
    http::HttpResponse r = call("GET", "pending_tx");
    if (r.status != 200) refused(r, "list pending transactions");
    json::Value list = parse_answer(r, m_url, "a pending list");
    if (!list.is_array())
        throw Error("the node at " + m_url.str() + " sent a pending list that is not an array");
    return list.as_array();
}

ledger::MineOutcome RemoteLedger::mine(ledger::MineOptions) {
    // GET, which the reference supports too (chainctl's node also takes POST).
    http::HttpResponse r = call("GET", "mine", {}, k_mine_timeout_s);
    if (r.status != 200) refused(r, "mine");
    ledger::MineOutcome outcome;
    if (r.is_json()) {
        json::Value v = parse_answer(r, m_url, "a mining result");
        if (const json::Value* m = v.find("message"); m && m->is_string())
            outcome.message = m->as_string();
        if (const json::Value* b = v.find("block"); b && b->is_object()) {
            outcome.status = ledger::MineOutcome::Status::Mined;
            outcome.block = *b;
        }
        if (const json::Value* h = v.find("hashes_tried"); h && h->type() == json::Type::Int)
            outcome.stats.hashes_tried = static_cast<std::uint64_t>(h->as_int());
        if (const json::Value* e = v.find("elapsed_s"); e && e->is_number())
            outcome.stats.elapsed_s =
                e->is_float() ? e->as_float() : static_cast<double>(e->as_int());
        if (const json::Value* t = v.find("threads"); t && t->type() == json::Type::Int)
            outcome.stats.threads = static_cast<unsigned>(t->as_int());
        return outcome;
    }
    outcome.message = r.body;
    while (!outcome.message.empty() &&
           std::isspace(static_cast<unsigned char>(outcome.message.back())))
        outcome.message.pop_back();
    if (outcome.message.starts_with("Block #")) outcome.status = ledger::MineOutcome::Status::Mined;
    return outcome;
}

ledger::ChainDocument RemoteLedger::chain() {
    http::HttpResponse r = call("GET", "chain", {}, std::max(m_timeouts.io_s, 60.0));
    if (r.status != 200) refused(r, "send its chain");
    try {
        return ledger::parse_chain_file(r.body);
    } catch (const Error& e) {
        throw Error("the node at " + m_url.str() +
                    " sent a chain that cannot be read: " + e.what());
    }
}

std::vector<std::string> RemoteLedger::peers() {
    http::HttpResponse r = call("GET", "peers");
    if (r.status == 404 || r.status == 405)
        return chain().meta.peers; // the reference has no /peers
    if (r.status != 200) refused(r, "list its peers");
    json::Value list = parse_answer(r, m_url, "a peer list");
    std::vector<std::string> out;
    if (list.is_array())
        for (const json::Value& p : list.as_array())
            if (p.is_string()) out.push_back(p.as_string());
    return out;
}

std::vector<std::string> RemoteLedger::add_peer(const std::string& url) {
    std::string peer = http::normalize_peer_url(url);
    http::HttpResponse r =
        call("POST", "register_node", json::dump(json::Object{{"node_address", peer}}));
    if (r.status != 200) refused(r, "add the peer");
    // The answer's peer list leaves out the peer just added (it is meant for that peer).
    return peers();
}

std::string RemoteLedger::register_with(const std::string& url) {
    std::string target = http::normalize_peer_url(url);
    http::HttpResponse r =
        call("POST", "register_with", json::dump(json::Object{{"node_address", target}}),
             std::max(m_timeouts.io_s, 120.0));
    if (r.status != 200) refused(r, "register with " + target);
    if (r.is_json()) {
        json::Value v = parse_answer(r, m_url, "an answer");
        if (const json::Value* m = v.find("message"); m && m->is_string()) return m->as_string();
    }
    return r.reason();
}

} // namespace chain::node
