#include "ui/ui_server.hpp"

#include "error.hpp"
#include "http/server.hpp"
#include "ledger/chain_file.hpp"
#include "ui/embedded_files.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <algorithm>
#include <httplib.h>

namespace chain::ui {

namespace {

using httplib::Request;
using httplib::Response;

constexpr double k_mine_timeout_s = 600;

const char* const k_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

void reply_json(Response& r, int status, const json::Value& v) {
    r.status = status;
    r.set_content(json::dump(v), "application/json");
}

void reply_error(Response& r, int status, const std::string& message) {
    reply_json(r, status, json::Object{{"error", message}});
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
        for (const json::Value& tx : txs->as_array()) {
            if (!tx.is_object()) continue;
            json::Value post = post_json(tx);
            post.set("block", *block.find("index"));
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

UiServer::UiServer(UiOptions options)
    : m_options(std::move(options)),
      m_pool(m_options.nodes, {m_options.node_timeout_s, 4 * m_options.node_timeout_s}),
      m_http(std::make_unique<httplib::Server>()) {
    install_routes();
}

UiServer::~UiServer() {
    stop();
}

int UiServer::bind() {
    m_http->set_payload_max_length(1 << 20);
    m_port = http::listen_on(*m_http, m_options.host, m_options.port);
    return m_port;
}

std::string UiServer::local_url() const {
    std::string host = m_options.host == "0.0.0.0" ? "127.0.0.1" : m_options.host;
    return "http://" + host + ":" + std::to_string(m_port) + "/";
}

void UiServer::serve() {
    m_http->listen_after_bind();
}

void UiServer::stop() {
    m_http->stop();
}

std::string UiServer::state_json() {
    json::Object state;
    try {
        PoolAnswer chain = m_pool.request("GET", "chain", {}, 30);
        if (chain.response.status != 200)
            throw Error(chain.node + " answered /chain with HTTP " +
                        std::to_string(chain.response.status));
        ledger::ChainDocument doc = ledger::parse_chain_file(chain.response.body);
        PoolAnswer pending = m_pool.request("GET", "pending_tx");
        json::Array pending_posts;
        if (pending.response.status == 200) {
            json::Value list = json::parse(pending.response.body);
            if (list.is_array())
                for (const json::Value& tx : list.as_array())
                    if (tx.is_object()) pending_posts.push_back(post_json(tx));
        }
        state = {{"node", chain.node},          {"reachable", true},
                 {"height", doc.blocks.size()}, {"peers", doc.meta.peers.size()},
                 {"pending", pending_posts},    {"posts", posts_of(doc.blocks)}};
    } catch (const Error& e) {
        state = {{"node", json::Value()}, {"reachable", false}, {"error", e.what()},
                 {"height", 0},           {"peers", 0},         {"pending", json::Array{}},
                 {"posts", json::Array{}}};
    }
    json::Array nodes;
    for (const NodeStatus& s : m_pool.status()) {
        const char* state = s.state == NodeStatus::State::Up     ? "up"
                            : s.state == NodeStatus::State::Down ? "down"
                                                                 : "not tried yet";
        nodes.push_back(json::Object{{"url", s.url}, {"state", state}});
    }
    state.push_back({"nodes", nodes});
    return json::dump(json::Value(std::move(state)));
}

void UiServer::install_routes() {
    httplib::Server& s = *m_http;
    s.set_default_headers({{"Content-Security-Policy", k_security_policy},
                           {"X-Content-Type-Options", "nosniff"},
                           {"Referrer-Policy", "no-referrer"},
                           {"Cache-Control", "no-store"}});
    auto file = [&](const std::string& path, const char* name, const char* type) {
        s.Get(path, [name, type](const Request&, Response& r) {
            std::string_view content = *embedded_file(name);
            r.set_content(content.data(), content.size(), type);
        });
    };
    file("/", "index.html", "text/html; charset=utf-8");
    file("/index.html", "index.html", "text/html; charset=utf-8");
    file("/app.js", "app.js", "text/javascript; charset=utf-8");
    file("/app.css", "app.css", "text/css; charset=utf-8");

    s.Get("/api/state",
          [this](const Request&, Response& r) { r.set_content(state_json(), "application/json"); });

    s.Post("/api/post", [this](const Request& q, Response& r) {
        json::Value body;
        try {
            body = json::parse(q.body);
        } catch (const Error& e) {
            return reply_error(r, 400, e.what());
        }
        const json::Value* author = body.is_object() ? body.find("author") : nullptr;
        const json::Value* content = body.is_object() ? body.find("content") : nullptr;
        if (!author || !author->is_string() || author->as_string().empty() || !content ||
            !content->is_string() || content->as_string().empty())
            return reply_error(r, 400, "both the author and the content are needed");
        try {
            PoolAnswer a = m_pool.request(
                "POST", "new_transaction",
                json::dump(json::Object{{"author", *author}, {"content", *content}}));
            if (a.response.status != 201 && a.response.status != 200)
                return reply_error(r, 400, a.node + " refused the post: " + a.response.reason());
            reply_json(r, 201, json::Object{{"ok", true}, {"node", a.node}});
        } catch (const Error& e) {
            reply_error(r, 502, e.what());
        }
    });

    auto mine = [this](const Request&, Response& r) {
        try {
            PoolAnswer a = m_pool.request("GET", "mine", {}, k_mine_timeout_s);
            if (a.response.status != 200)
                return reply_error(r, 502, a.node + " could not mine: " + a.response.reason());
            std::string message = a.response.body;
            if (a.response.is_json()) {
                json::Value v = json::parse(a.response.body);
                if (const json::Value* m = v.find("message"); m && m->is_string())
                    message = m->as_string();
            }
            reply_json(r, 200, json::Object{{"message", message}, {"node", a.node}});
        } catch (const Error& e) {
            reply_error(r, 502, e.what());
        }
    };
    s.Post("/api/mine", mine);

    s.set_error_handler(httplib::Server::HandlerWithResponse([mine](const Request& q, Response& r) {
        if (!r.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (r.status == 400 && http::is_bodyless_post(q) && q.path == "/api/mine") {
            mine(q, r);
            return httplib::Server::HandlerResponse::Handled;
        }
        reply_error(r, r.status,
                    r.status == 404 ? "no such page: " + q.path
                                    : "HTTP error " + std::to_string(r.status));
        return httplib::Server::HandlerResponse::Handled;
    }));
    http::log_requests(s, m_options.log);
}

} // namespace chain::ui
