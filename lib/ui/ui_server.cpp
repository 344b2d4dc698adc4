#include "ui/ui_server.hpp"

#include "error.hpp"
#include "http/failure.hpp"
#include "ledger/transaction.hpp"
#include "ui/embedded_files.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>

namespace chain::ui {

namespace {

using http::Request;
using http::Response;

constexpr double k_mine_timeout_s = 600;

const char* const k_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The headers every answer of the page's server carries.
Response secured(Response r) {
    r.headers.set("Content-Security-Policy", k_security_policy);
    r.headers.set("X-Content-Type-Options", "nosniff");
    r.headers.set("Referrer-Policy", "no-referrer");
    r.headers.set("Cache-Control", "no-store");
    return r;
}

Response reply_json(int status, const json::Value& v) {
    return secured(Response::json(status, json::dump(v)));
}

Response reply_error(int status, const std::string& message) {
    return reply_json(status, json::Object{{"error", message}});
}

std::string as_text(const json::Value* v) {
    if (!v) return "";
    return v->is_string() ? v->as_string() : json::dump(*v);
}

json::Value post_json(const json::Value& tx) {
    const json::Value* ts = tx.find("timestamp");
    json::Value timestamp = ts && ts->is_number() ? *ts : json::Value();
    return json::Object{{"author", as_text(tx.find("author"))},
                        {"content", as_text(tx.find("content"))},
                        {"timestamp", timestamp}};
}

double seconds_of(const json::Value& post) {
    const json::Value* ts = post.find("timestamp");
    if (!ts || !ts->is_number()) return 0;
    return ts->is_float()                  ? ts->as_float()
           : ts->type() == json::Type::Int ? static_cast<double>(ts->as_int())
                                           : 0;
}

} // namespace

json::Value posts_of(const json::Array& blocks) {
    json::Array posts;
    for (const json::Value& block : blocks) {
        const json::Value* txs = block.is_object() ? block.find("transactions") : nullptr;
        if (!txs || !txs->is_array()) continue;
        const json::Value* index = block.find("index");
        for (const json::Value& tx : txs->as_array()) {
            if (!tx.is_object()) continue;
            json::Value post = post_json(tx);
            post.set("block", index ? *index : json::Value());
            post.set("hash", as_text(block.find("hash")));
            posts.push_back(std::move(post));
        }
    }
    // Newest first, as the reference app shows them.
    std::stable_sort(posts.begin(), posts.end(), [](const json::Value& a, const json::Value& b) {
        return seconds_of(a) > seconds_of(b);
    });
    return posts;
}

namespace {

http::ServerOptions server_options(const UiOptions& o) {
    http::ServerOptions s;
    s.host = o.host;
    s.port = o.port;
    s.slow_workers = 16; // every /api call waits on a node
    s.log = o.log;
    return s;
}

node::NodeClientOptions node_options(const UiOptions& o, const io::Cancellation& stopping) {
    node::NodeClientOptions n;
    n.connect_timeout_s = o.node_timeout_s;
    n.read_timeout_s = 4 * o.node_timeout_s;
    n.cancel = &stopping;
    return n;
}

} // namespace

UiServer::UiServer(UiOptions options)
    : m_options(std::move(options)), m_pool(m_options.nodes, node_options(m_options, m_stopping)),
      m_server(m_router, server_options(m_options)) {
    install_routes();
}

UiServer::~UiServer() {
    stop();
    m_server.wait();
}

int UiServer::bind() {
    return m_server.bind();
}

std::string UiServer::local_url() const {
    return m_server.url();
}

void UiServer::serve() {
    m_server.start();
    m_server.wait();
}

void UiServer::stop() {
    m_stopping.cancel();
    m_server.stop();
}

http::Response UiServer::post(const json::Value& author, const json::Value& content) {
    json::Value tx = json::Object{{"author", author}, {"content", content}};
    try {
        ledger::check_new_transaction(tx); // the same rule as every node's
    } catch (const Error& e) {
        return reply_error(400, e.what());
    }
    try {
        std::string used = m_pool.with_node([&](node::NodeClient& n) { n.add_transaction(tx); });
        return reply_json(201, json::Object{{"ok", true}, {"node", used}});
    } catch (const http::StatusError& e) {
        return reply_error(400, e.what());
    } catch (const Error& e) {
        return reply_error(502, e.what());
    }
}

std::string UiServer::state_json() {
    json::Object state;
    try {
        ledger::ChainDocument doc;
        std::vector<json::Value> pending;
        std::string used = m_pool.with_node(
            [&](node::NodeClient& n) {
                doc = n.chain();
                try {
                    pending = n.pending();
                } catch (const http::StatusError&) {
                    // a node that will not list them: no pending posts to show
                }
            },
            30);
        json::Array pending_posts;
        for (const json::Value& tx : pending)
            if (tx.is_object()) pending_posts.push_back(post_json(tx));
        state = {{"node", used},
                 {"reachable", true},
                 {"height", doc.blocks.size()},
                 {"peers", doc.meta.peers.size()},
                 {"pending", pending_posts},
                 {"posts", posts_of(doc.blocks)}};
    } catch (const Error& e) {
        state = {{"node", json::Value()}, {"reachable", false}, {"error", e.what()},
                 {"height", 0},           {"peers", 0},         {"pending", json::Array{}},
                 {"posts", json::Array{}}};
    }
    json::Array nodes;
    for (const NodeStatus& s : m_pool.status()) {
        const char* st = s.state == NodeStatus::State::Up     ? "up"
                         : s.state == NodeStatus::State::Down ? "down"
                                                              : "not tried yet";
        nodes.push_back(json::Object{{"url", s.url}, {"state", st}});
    }
    state.push_back({"nodes", nodes});
    return json::dump(json::Value(std::move(state)));
}

namespace {

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// The name in a Host header: "127.0.0.1:5000" -> "127.0.0.1", "[::1]:5000" -> "::1".
std::string host_name(std::string_view host) {
    if (host.starts_with('[')) return lower(std::string(host.substr(1, host.find(']') - 1)));
    return lower(std::string(
        host.substr(0, host.rfind(':') == std::string_view::npos ? host.size() : host.rfind(':'))));
}

bool is_ip_literal(const std::string& name) {
    unsigned char buffer[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, name.c_str(), buffer) == 1 ||
           ::inet_pton(AF_INET6, name.c_str(), buffer) == 1;
}

} // namespace

std::optional<std::string> UiServer::refusal(const Request& q, const http::Route& route) const {
    const std::string host = q.header("Host");
    if (!host.empty()) {
        const std::string name = host_name(host);
        bool known = is_ip_literal(name) || name == "localhost" || name == lower(m_options.host);
        for (const std::string& allowed : m_options.allowed_hosts)
            known = known || name == lower(allowed);
        if (!known)
            return "this page is not served for the host " + name.substr(0, 100) +
                   "; start ui serve with --allow-host " + name.substr(0, 100) +
                   " to reach it by that name";
    }
    if (route.method != "GET") {
        const std::string origin = q.header("Origin");
        if (!origin.empty() && lower(origin) != "http://" + lower(host))
            return "a page from " + origin.substr(0, 100) + " may not post here";
    }
    return std::nullopt;
}

void UiServer::install_routes() {
    m_router.set_error_format([](const Request& q, int status, const std::string& message) {
        return reply_error(status, status == 404 ? "no such page: " + q.path : message);
    });
    m_router.set_guard(
        [this](const Request& q, const http::Route& route) -> std::optional<Response> {
            if (auto why = refusal(q, route)) return reply_error(403, *why);
            return std::nullopt;
        });
    auto file = [&](const char* path, const char* name, const char* type) {
        m_router.add(
            "GET", path,
            [name, type](const Request&) {
                std::string_view content = *embedded_file(name);
                Response r;
                r.headers.set("Content-Type", type);
                r.body = std::string(content);
                return secured(std::move(r));
            },
            http::Lane::Inline);
    };
    file("/", "index.html", "text/html; charset=utf-8");
    file("/index.html", "index.html", "text/html; charset=utf-8");
    file("/app.js", "app.js", "text/javascript; charset=utf-8");
    file("/app.css", "app.css", "text/css; charset=utf-8");

    m_router.add(
        "GET", "/api/state",
        [this](const Request&) { return secured(Response::json(200, state_json())); },
        http::Lane::Slow);

    m_router.add(
        "POST", "/api/post",
        [this](const Request& q) {
            if (!q.has_json_body())
                return reply_error(415,
                                   "send the post as JSON, with Content-Type: application/json");
            json::Value body;
            try {
                body = json::parse(q.body);
            } catch (const Error& e) {
                return reply_error(400, e.what());
            }
            const json::Value* author = body.is_object() ? body.find("author") : nullptr;
            const json::Value* content = body.is_object() ? body.find("content") : nullptr;
            return post(author ? *author : json::Value(), content ? *content : json::Value());
        },
        http::Lane::Slow);

    // The reference web client's form: author and content, form-encoded; like the reference
    // client, it answers with a redirect to the page whatever the node said.
    m_router.add(
        "POST", "/submit",
        [this](const Request& q) {
            json::Value author(""), content("");
            for (auto& [key, value] : http::parse_form(q.body)) {
                if (key == "author") author = std::move(value);
                if (key == "content") content = std::move(value);
            }
            Response answer = post(author, content);
            Response r = secured(Response::text(
                302, answer.status == 201 ? "posted" : std::string(answer.body_text())));
            r.headers.set("Location", "/");
            return r;
        },
        http::Lane::Slow);

    m_router.add(
        "POST", "/api/mine",
        [this](const Request&) {
            try {
                ledger::MineOutcome outcome;
                std::string used = m_pool.with_node(
                    [&](node::NodeClient& n) { outcome = n.mine(k_mine_timeout_s); },
                    k_mine_timeout_s);
                return secured(
                    reply_json(200, json::Object{{"message", outcome.message}, {"node", used}}));
            } catch (const http::StatusError& e) {
                return reply_error(502, e.what());
            } catch (const Error& e) {
                return reply_error(502, e.what());
            }
        },
        http::Lane::Slow);
}

} // namespace chain::ui
