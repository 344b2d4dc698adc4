#include "node/routes.hpp"

#include "http/failure.hpp"
#include "http/text.hpp"
#include "ledger/transaction.hpp"
#include "node/event_stream.hpp"
#include "node/node.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"

namespace chain::node {

namespace {

using http::Request;
using http::Respond;
using http::Response;

constexpr std::size_t k_chain_piece = 256 * 1024;

// A plain-text answer like the reference's, or {"message"}/{"error"} for a JSON client.
Response reply(const Request& q, int status, const std::string& message) {
    if (q.wants_json())
        return Response::json(
            status, json::dump(json::Object{{status >= 400 ? "error" : "message", message}}));
    return Response::text(status, message);
}

Response reply_json(int status, const json::Value& value) {
    return Response::json(status, json::dump(value));
}

json::Value body_json(const Request& q) {
    if (q.body.empty()) throw http::BadRequest("the request has no body; send a JSON object");
    // As the reference requires it: a page from another site cannot send JSON without asking
    // first (CORS), so this also refuses cross-site form posts.
    if (!q.has_json_body())
        throw http::StatusError(
            415,
            "send the body as JSON, with Content-Type: application/json" +
                std::string(q.header("Content-Type").empty()
                                ? ""
                                : " (this is " + q.header("Content-Type").substr(0, 60) + ")"));
    try {
        return json::parse(q.body);
    } catch (const json::ParseError& e) {
        throw http::BadRequest(e.what());
    }
}

std::string node_address(const Request& q) {
    json::Value body = body_json(q);
    const json::Value* address = body.is_object() ? body.find("node_address") : nullptr;
    if (!address) throw http::BadRequest("send {\"node_address\": \"http://host:port/\"}");
    if (!address->is_string() || address->as_string().empty())
        throw http::BadRequest("node_address must be a non-empty string");
    try {
        return http::normalize_peer_url(address->as_string());
    } catch (const Error& e) {
        throw http::BadRequest(e.what());
    }
}

// Who sent a request, from the headers a chainctl node sends with its calls.
Source source_of(const Request& q) {
    Source s = Source::of(Source::Kind::Peer);
    s.peer_id = q.header(k_node_id_header);
    s.remote = q.remote;
    std::string origin = q.header(k_origin_header);
    try {
        if (!origin.empty()) s.peer = http::normalize_peer_url(origin);
    } catch (const Error&) {
        // an origin that is not a URL names nobody
    }
    // "url,url,...": the nodes the sender knows to hold the block; what is not a URL is ignored.
    const std::string held_header = q.header(k_held_by_header);
    for (std::string_view item : http::header_list(held_header)) {
        if (s.held_by.size() >= k_max_held_by) break;
        if (auto url = http::try_normalize_peer_url(std::string(item))) s.held_by.push_back(*url);
    }
    return s;
}

// chain.json as it stood when the request came, read from the file in pieces.
class ChainBody : public http::BodySource {
public:
    explicit ChainBody(store::ChainSnapshot snapshot) : m_snapshot(std::move(snapshot)) {}
    std::optional<std::uint64_t> size() const override { return m_snapshot.size(); }
    void next(Deliver deliver) override {
        std::string piece = m_snapshot.read(m_offset, k_chain_piece);
        m_offset += piece.size();
        deliver(std::move(piece), m_offset >= m_snapshot.size());
    }

private:
    store::ChainSnapshot m_snapshot;
    std::uint64_t m_offset = 0;
};

Response chain_response(store::ChainSnapshot snapshot) {
    return Response::stream(200, std::make_shared<ChainBody>(std::move(snapshot)),
                            "application/json");
}

void get_chain(Node& node, const Request&, Respond respond) {
    respond(chain_response(node.state().chain()));
}

void get_pending(Node& node, const Request&, Respond respond) {
    respond(Response::shared(200, node.state().pending_body(), "application/json"));
}

void post_transaction(Node& node, const Request& q, Respond respond) {
    json::Value tx = body_json(q);
    try {
        ledger::check_new_transaction(tx);
    } catch (const Error& e) {
        throw http::BadRequest(e.what());
    }
    const bool json_answer = q.wants_json();
    try {
        node.state().add_transaction(
            std::move(tx), [respond, json_answer](const json::Value* stored, std::exception_ptr e) {
                if (e) {
                    try {
                        std::rethrow_exception(e);
                    } catch (const std::exception& failure) {
                        Request as;
                        if (json_answer) as.headers.add("Accept", "application/json");
                        return respond(
                            reply(as, 500,
                                  std::string("cannot store the transaction: ") + failure.what()));
                    }
                }
                if (json_answer) return respond(reply_json(201, *stored));
                respond(Response::text(201, "Success"));
            });
    } catch (const Overloaded& e) {
        Response busy = reply(q, 503, e.what());
        busy.headers.set("Retry-After", "1");
        respond(std::move(busy));
    }
}

void mine(Node& node, const Request& q, Respond respond) {
    const bool json_answer = q.wants_json();
    node.mine([respond, json_answer](const MineReport& report) {
        if (report.status == MineReport::Status::Stopped) {
            Request as;
            if (json_answer) as.headers.add("Accept", "application/json");
            return respond(reply(as, 503, report.message));
        }
        if (!json_answer) return respond(Response::text(200, report.message));
        json::Object out{{"message", report.message}};
        if (report.status == MineReport::Status::Mined ||
            report.status == MineReport::Status::Orphaned) {
            out.push_back(
                {"status", report.status == MineReport::Status::Mined ? "mined" : "orphaned"});
            out.push_back({"block", report.block});
            out.push_back({"hashes_tried", report.stats.hashes_tried});
            out.push_back({"elapsed_s", report.stats.elapsed_s});
            out.push_back({"threads", report.stats.threads});
        } else {
            out.push_back({"status", "nothing"});
        }
        respond(reply_json(200, json::Value(std::move(out))));
    });
}

void register_node(Node& node, const Request& q, Respond respond) {
    std::string peer = node_address(q);
    node.add_peer(peer);
    // The /chain body, without the caller in its peer list (it would add itself).
    respond(chain_response(node.state().chain_without_peer(peer)));
}

void register_with(Node& node, const Request& q, Respond respond) {
    std::string target = node_address(q);
    // The address the caller used to reach this node is the one to register, as the reference
    // does with request.host_url, unless --advertise says otherwise.
    std::string self = node.options().advertise;
    if (self.empty()) {
        std::string host = q.header("Host");
        self = host.empty() ? node.public_url() : "http://" + host + "/";
    }
    try {
        self = http::normalize_peer_url(self);
    } catch (const Error& e) {
        throw http::BadRequest("the Host header does not make an address: " +
                               std::string(e.what()));
    }
    node.register_with(target, self);
    respond(reply(q, 200, "Registration successful"));
}

void add_block(Node& node, const Request& q, Respond respond) {
    json::Value block = body_json(q);
    BlockResult result = node.receive_block(block, source_of(q));
    switch (result.verdict) {
    case BlockVerdict::Added:
        return respond(reply(q, 201, "Block added to the chain"));
    case BlockVerdict::Known:
        return respond(reply(q, 200, "Block already in the chain"));
    case BlockVerdict::NotNext:
        return respond(reply(q, 202,
                             "The block does not extend this node's chain (" + result.reason +
                                 "); syncing with peers"));
    case BlockVerdict::Invalid:
        return respond(reply(q, 400, "The block was discarded by the node: " + result.reason));
    }
}

void health(Node& node, const Request&, Respond respond) {
    respond(reply_json(200, node.health()));
}

void peers(Node& node, const Request& q, Respond respond) {
    // The reference has no /peers; its shape follows /chain's "peers": addresses. With
    // ?detail=1, what this node knows of each.
    if (q.query_param("detail").value_or("0") != "0")
        return respond(reply_json(200, node.peer_status()));
    std::vector<std::string> list = node.state().peers();
    respond(reply_json(200, json::Array(list.begin(), list.end())));
}

void events(Node& node, const Request& q, Respond respond) {
    std::optional<std::uint64_t> since;
    if (auto text = q.query_param("since")) {
        try {
            std::size_t used = 0;
            since = std::stoull(*text, &used);
            if (used != text->size()) throw std::invalid_argument("junk");
        } catch (const std::exception&) {
            throw http::BadRequest("since must be an event number, like ?since=42");
        }
    }
    respond(event_stream(node.state().events(), node.id(), since));
}

} // namespace

void install_routes(http::Router& router, Node& node) {
    router.set_error_format([](const Request& q, int status, const std::string& message) {
        return reply(q, status, message);
    });
    // Every endpoint refuses a request that this node sent itself (through a relay or an
    // alias): the caller learns that the address leads back to it.
    router.set_guard([&node](const Request& q, const http::Route&) -> std::optional<Response> {
        if (!node.from_self(q)) return std::nullopt;
        Response r = reply(q, 409, "this request came from this node itself");
        r.headers.set(k_self_header, "1");
        return r;
    });
    using Function = void (*)(Node&, const Request&, Respond);
    auto add = [&](const char* method, const char* path, Function f, http::Lane lane) {
        router.add(method, path, http::Handler([&node, f](const Request& q, Respond respond) {
                       f(node, q, std::move(respond));
                   }),
                   lane);
    };
    using http::Lane;
    add("GET", "/chain", get_chain, Lane::Inline);
    add("GET", "/pending_tx", get_pending, Lane::Inline);
    add("POST", "/new_transaction", post_transaction, Lane::Inline);
    add("GET", "/mine", mine, Lane::Inline);
    add("POST", "/mine", mine, Lane::Inline);
    add("POST", "/register_node", register_node, Lane::Worker);
    add("POST", "/register_with", register_with, Lane::Slow);
    add("POST", "/add_block", add_block, Lane::Worker);
    add("GET", "/health", health, Lane::Inline);
    add("GET", "/peers", peers, Lane::Inline);
    add("GET", "/events", events, Lane::Inline);
}

} // namespace chain::node
