#include "node/node_server.hpp"

#include "error.hpp"
#include "http/server.hpp"
#include "ledger/block.hpp"
#include "ledger/chain_file.hpp"
#include "ledger/transaction.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <chrono>
#include <httplib.h>
#include <regex>

namespace chain::node {

namespace {

using httplib::Request;
using httplib::Response;

/// Bad input from the client: 400 with this message.
class BadRequest : public Error {
public:
    using Error::Error;
};

bool wants_json(const Request& q) {
    return q.get_header_value("Accept").find("application/json") != std::string::npos;
}

// A plain-text answer like the reference's, or {"message"}/{"error"} for a JSON client.
void reply(const Request& q, Response& r, int status, const std::string& message) {
    r.status = status;
    if (wants_json(q))
        r.set_content(json::dump(json::Object{{status >= 400 ? "error" : "message", message}}),
                      "application/json");
    else
        r.set_content(message, "text/plain; charset=utf-8");
}

void reply_json(Response& r, int status, const json::Value& value) {
    r.status = status;
    r.set_content(json::dump(value), "application/json");
}

// Serves an immutable shared body without copying it (and without compressing it: a chain is
// sent far more often than it changes).
void reply_body(Response& r, std::shared_ptr<const std::string> body) {
    r.status = 200;
    const std::size_t size = body->size();
    r.set_content_provider(size, "application/json",
                           [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                               return sink.write(body->data() + offset, length);
                           });
}

json::Value body_json(const Request& q) {
    if (q.body.empty()) throw BadRequest("the request has no body; send a JSON object");
    try {
        return json::parse(q.body);
    } catch (const json::ParseError& e) {
        throw BadRequest(e.what());
    }
}

std::string node_address(const Request& q) {
    json::Value body = body_json(q);
    const json::Value* address = body.is_object() ? body.find("node_address") : nullptr;
    if (!address) throw BadRequest("send {\"node_address\": \"http://host:port/\"}");
    if (!address->is_string() || address->as_string().empty())
        throw BadRequest("node_address must be a non-empty string");
    try {
        return http::normalize_peer_url(address->as_string());
    } catch (const Error& e) {
        throw BadRequest(e.what());
    }
}

const char* const k_allowed_get = "GET, HEAD";
const char* const k_allowed_post = "POST";
const char* const k_allowed_both = "GET, HEAD, POST";

} // namespace

Node::Node(NodeState& state, NodeOptions options)
    : m_state(state), m_options(std::move(options)), m_http(std::make_unique<httplib::Server>()),
      m_peer_calls(8, 10000) {
    install_routes();
}

Node::~Node() {
    stop();
    if (m_sync_thread.joinable()) m_sync_thread.join();
}

void Node::log(const std::string& line) const {
    if (m_options.log) m_options.log(line);
}

int Node::bind() {
    if (!m_options.advertise.empty()) {
        try {
            m_options.advertise = http::normalize_peer_url(m_options.advertise);
        } catch (const Error& e) {
            throw Error(std::string("--advertise: ") + e.what());
        }
    }
    const unsigned threads = m_options.http_threads;
    m_http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    m_http->set_keep_alive_max_count(100000);
    m_http->set_keep_alive_timeout(5);
    const auto client_s = static_cast<time_t>(m_options.client_timeout_s);
    m_http->set_read_timeout(
        client_s,
        static_cast<time_t>((m_options.client_timeout_s - static_cast<double>(client_s)) * 1e6));
    m_http->set_write_timeout(30, 0);
    m_http->set_payload_max_length(m_options.max_body);
    m_port = http::listen_on(*m_http, m_options.host, m_options.port);
    for (const char* host : {"127.0.0.1", "localhost", "[::1]"})
        remember_self(std::string("http://") + host + ":" + std::to_string(m_port) + "/");
    remember_self("http://" + m_options.host + ":" + std::to_string(m_port) + "/");
    if (!m_options.advertise.empty()) remember_self(m_options.advertise);
    return m_port;
}

std::string Node::local_url() const {
    std::string host =
        m_options.host == "0.0.0.0" || m_options.host == "::" ? "127.0.0.1" : m_options.host;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(m_port) + "/";
}

std::string Node::public_url() const {
    return m_options.advertise.empty() ? local_url()
                                       : http::normalize_peer_url(m_options.advertise);
}

void Node::remember_self(const std::string& url) {
    try {
        std::string normal = http::normalize_peer_url(url);
        std::lock_guard lock(m_self_mutex);
        m_self_urls.insert(normal);
    } catch (const Error&) {
        // not a URL: nothing to remember
    }
}

bool Node::is_self(const std::string& url) {
    std::lock_guard lock(m_self_mutex);
    return m_self_urls.contains(url);
}

void Node::serve() {
    m_sync_thread = std::thread([this] { sync_loop(); });
    for (const std::string& peer : m_options.peers) {
        m_peer_calls.post([this, peer] {
            try {
                register_with(http::normalize_peer_url(peer), public_url());
                log("registered with " + peer);
            } catch (const Error& e) {
                log("cannot register with " + peer + ": " + e.what());
            }
        });
    }
    request_sync(""); // catch up with what the peers did while this node was down
    m_http->listen_after_bind();
    stop();
}

void Node::stop() {
    m_stopping = true;
    {
        std::lock_guard lock(m_cancel_mutex);
        if (m_mining_cancel) m_mining_cancel->store(true);
    }
    m_http->stop();
    { std::lock_guard lock(m_sync_mutex); }
    m_sync_cv.notify_all();
}

MineReport Node::mine() {
    std::unique_lock serial(m_mine_mutex);
    MineReport report;
    ledger::MineOptions options;
    options.difficulty = m_state.difficulty();
    options.threads = m_options.mining_threads;
    for (;;) {
        if (m_stopping) {
            report.message = "the node is shutting down";
            return report;
        }
        std::optional<MiningJob> job = m_state.mining_job();
        if (!job) {
            report.message = "No transactions to mine";
            return report;
        }
        std::atomic<bool> cancel{false};
        {
            std::lock_guard lock(m_cancel_mutex);
            m_mining_cancel = &cancel;
        }
        m_state.watch_tip(&cancel); // a block for this height from a peer restarts the search
        const double timestamp = ledger::now_seconds();
        ledger::Preimage parts =
            ledger::preimage_parts(json::Value(job->index), json::Value(job->previous_hash),
                                   json::Value(timestamp), json::Value(job->transactions));
        options.cancel = &cancel;
        ledger::MineResult result = ledger::mine(parts, options);
        m_state.watch_tip(nullptr);
        {
            std::lock_guard lock(m_cancel_mutex);
            m_mining_cancel = nullptr;
        }
        if (!result.found) { // the tip moved, or the node is stopping
            if (!m_stopping)
                log("mining: the tip moved while searching for block #" +
                    std::to_string(job->index) + "; searching again on the new tip");
            continue;
        }
        json::Value block = ledger::make_block(job->index, job->transactions, timestamp,
                                               job->previous_hash, result.nonce, result.hash);
        if (!m_state.commit_mined(*job, block)) continue;
        report.mined = true;
        report.block = std::move(block);
        report.stats = result;
        break;
    }
    serial.unlock();

    // As the reference intends: make sure this node still holds the longest chain before
    // announcing. Peers that do not answer in time are left out.
    std::vector<std::string> peers;
    for (const std::string& p : m_state.peers())
        if (!is_self(p)) peers.push_back(p);
    ConsensusOptions consensus;
    consensus.probe = {m_options.peer_timeout_s, m_options.peer_timeout_s};
    consensus.fetch = {m_options.peer_timeout_s, 60};
    consensus.log = m_options.log;
    run_consensus(m_state, peers, consensus);
    const auto index = static_cast<std::size_t>(report.block.find("index")->as_int());
    std::optional<json::Value> held = m_state.block(index);
    if (held && *held->find("hash") == *report.block.find("hash")) announce(report.block, "");
    report.message = "Block #" + std::to_string(index) + " is mined.";
    return report;
}

void Node::announce(const json::Value& block, const std::string& except) {
    // The reference's announcement: json.dumps(block, sort_keys=True), hash included.
    auto body = std::make_shared<const std::string>(json::dump_canonical(block));
    const std::string origin = public_url();
    for (const std::string& peer : m_state.peers()) {
        if (peer == except || is_self(peer)) continue;
        bool queued = m_peer_calls.post([this, peer, body, origin] {
            try {
                http::HttpResponse r = http::http_request(
                    http::parse_url(peer), "POST", "add_block", *body,
                    {{"X-Chainctl-Origin", origin}}, {m_options.peer_timeout_s, 10});
                if (r.status >= 400)
                    log("announce to " + peer + ": HTTP " + std::to_string(r.status) + ": " +
                        r.reason());
            } catch (const Error& e) {
                log("announce: " + std::string(e.what()));
            }
        });
        if (!queued) log("announce to " + peer + " dropped: too many calls to slow peers");
    }
}

void Node::request_sync(const std::string& preferred) {
    {
        std::lock_guard lock(m_sync_mutex);
        m_sync_requested = true;
        if (!preferred.empty()) m_sync_preferred = preferred;
    }
    m_sync_cv.notify_all();
}

void Node::sync_loop() {
    std::unique_lock lock(m_sync_mutex);
    while (!m_stopping) {
        const auto interval = m_options.sync_interval_s > 0
                                  ? std::chrono::duration<double>(m_options.sync_interval_s)
                                  : std::chrono::duration<double>(3600.0 * 24 * 365);
        m_sync_cv.wait_for(lock, interval, [&] { return m_stopping || m_sync_requested; });
        if (m_stopping) return;
        std::string preferred = std::move(m_sync_preferred);
        m_sync_preferred.clear();
        m_sync_requested = false;
        lock.unlock();
        std::vector<std::string> peers;
        for (const std::string& p : m_state.peers())
            if (!is_self(p)) peers.push_back(p);
        if (!preferred.empty() && !is_self(preferred) &&
            std::find(peers.begin(), peers.end(), preferred) == peers.end())
            peers.push_back(preferred);
        ConsensusOptions consensus;
        consensus.probe = {m_options.peer_timeout_s, m_options.peer_timeout_s};
        consensus.fetch = {m_options.peer_timeout_s, 60};
        consensus.log = m_options.log;
        try {
            if (auto source = run_consensus(m_state, peers, consensus)) {
                NodeSummary s = m_state.summary();
                log("synced from " + *source + ": now " + std::to_string(s.length) + " blocks");
                if (auto tip = m_state.block(s.length - 1)) announce(*tip, *source);
            }
        } catch (const Error& e) {
            log("sync failed: " + std::string(e.what()));
        }
        lock.lock();
    }
}

void Node::register_with(const std::string& url, const std::string& self_url) {
    if (is_self(url))
        throw BadRequest("that is this node's own address; a node never peers with itself");
    http::HttpResponse r;
    try {
        // The read timeout is per read: a long chain still arrives as long as it keeps coming.
        r = http::http_request(http::parse_url(url), "POST", "register_node",
                               json::dump(json::Object{{"node_address", self_url}}), {},
                               {m_options.peer_timeout_s, 5 * m_options.peer_timeout_s});
    } catch (const Error& e) {
        std::string why = e.what();
        bool timed_out = why.find("no connection after") != std::string::npos ||
                         why.find("no answer") != std::string::npos;
        throw HttpFailure(why, timed_out ? 504 : 502);
    }
    if (r.status != 200)
        throw HttpFailure("the node at " + url + " refused the registration (HTTP " +
                              std::to_string(r.status) + "): " + r.reason(),
                          502);
    AdoptResult adopted = m_state.adopt(r.body);
    if (adopted.outcome == AdoptResult::Outcome::Invalid)
        throw HttpFailure(
            "the node at " + url + " sent a chain that is not valid: " + adopted.reason, 502);
    std::vector<ledger::Problem> ignored;
    ledger::ChainFileMeta meta = ledger::read_chain_file(
        r.body, [](json::Reader& reader) { reader.skip_value(); }, ignored);
    for (const std::string& peer : meta.peers) {
        try {
            std::string normal = http::normalize_peer_url(peer);
            if (!is_self(normal)) m_state.add_peer(normal);
        } catch (const Error&) {
            // a peer list entry that is not a URL is skipped
        }
    }
    m_state.add_peer(url); // the reference forgets this: registration goes both ways
    log("registered with " + url +
        (adopted.adopted() ? ", adopted its chain of " + std::to_string(adopted.length) + " blocks"
                           : ""));
}

void Node::install_routes() {
    httplib::Server& s = *m_http;
    using Handler = std::function<void(const Request&, Response&)>;

    // Every route answers its methods, 405 with Allow for the others, and turns errors into a
    // status with a one-line reason.
    auto route = [&](const std::string& name, const char* allow, Handler get, Handler post) {
        const std::string pattern = "/+" + name + "/*";
        auto guarded = [this](Handler h) {
            return [this, h](const Request& q, Response& r) {
                try {
                    h(q, r);
                } catch (const BadRequest& e) {
                    reply(q, r, 400, e.what());
                } catch (const HttpFailure& e) {
                    reply(q, r, e.status(), e.what());
                } catch (const std::exception& e) {
                    reply(q, r, 500, std::string("internal error: ") + e.what());
                    log(std::string("internal error: ") + e.what());
                }
            };
        };
        auto not_allowed = [allow, name](const Request& q, Response& r) {
            r.set_header("Allow", allow);
            reply(q, r, 405, q.method + " is not allowed on /" + name + "; use " + allow);
        };
        s.Get(pattern, get ? guarded(get) : Handler(not_allowed));
        s.Post(pattern, post ? guarded(post) : Handler(not_allowed));
        s.Put(pattern, not_allowed);
        s.Patch(pattern, not_allowed);
        s.Delete(pattern, not_allowed);
    };

    route(
        "chain", k_allowed_get,
        [this](const Request&, Response& r) { reply_body(r, m_state.chain_body()); }, nullptr);
    route(
        "pending_tx", k_allowed_get,
        [this](const Request&, Response& r) { reply_body(r, m_state.pending_body()); }, nullptr);
    route("new_transaction", k_allowed_post, nullptr, [this](const Request& q, Response& r) {
        json::Value tx = body_json(q);
        try {
            ledger::check_new_transaction(tx);
        } catch (const Error& e) {
            throw BadRequest(e.what());
        }
        json::Value stored = m_state.add_transaction(std::move(tx));
        if (wants_json(q))
            reply_json(r, 201, stored);
        else
            reply(q, r, 201, "Success");
    });
    Handler mine_handler = [this](const Request& q, Response& r) {
        MineReport report = this->mine();
        if (!report.mined && m_stopping) return reply(q, r, 503, report.message);
        if (!wants_json(q)) return reply(q, r, 200, report.message);
        json::Object out{{"message", report.message}};
        if (report.mined) {
            out.push_back({"block", report.block});
            out.push_back({"hashes_tried", report.stats.hashes_tried});
            out.push_back({"elapsed_s", report.stats.elapsed_s});
            out.push_back({"threads", report.stats.threads});
        }
        reply_json(r, 200, json::Value(std::move(out)));
    };
    route("mine", k_allowed_both, mine_handler, mine_handler);
    m_mine_handler = mine_handler;
    route("register_node", k_allowed_post, nullptr, [this](const Request& q, Response& r) {
        std::string peer = node_address(q);
        if (std::string host = q.get_header_value("Host"); !host.empty())
            remember_self("http://" + host + "/");
        if (is_self(peer))
            throw BadRequest("node_address " + peer +
                             " is this node's own address; a node never peers with itself");
        m_state.add_peer(peer);
        // The /chain body, without the caller in its peer list (it would add itself).
        std::shared_ptr<const std::string> body = m_state.chain_body();
        std::vector<std::string> others;
        for (const std::string& p : m_state.peers())
            if (p != peer) others.push_back(p);
        std::size_t tail = body->rfind("\n], \"peers\": ");
        auto trimmed = std::make_shared<std::string>(body->substr(0, tail));
        *trimmed += ledger::layout_tail(others, m_state.difficulty());
        reply_body(r, std::move(trimmed));
    });
    route("register_with", k_allowed_post, nullptr, [this](const Request& q, Response& r) {
        std::string target = node_address(q);
        // The address the caller used to reach this node is the one to register, as the
        // reference does with request.host_url, unless --advertise says otherwise.
        std::string self = m_options.advertise;
        if (self.empty()) {
            std::string host = q.get_header_value("Host");
            self = host.empty() ? public_url() : "http://" + host + "/";
        }
        self = http::normalize_peer_url(self);
        remember_self(self);
        register_with(target, self);
        reply(q, r, 200, "Registration successful");
    });
    route("add_block", k_allowed_post, nullptr, [this](const Request& q, Response& r) {
        json::Value block = body_json(q);
        std::string origin = q.get_header_value("X-Chainctl-Origin");
        try {
            if (!origin.empty()) origin = http::normalize_peer_url(origin);
        } catch (const Error&) {
            origin.clear();
        }
        BlockResult result = m_state.add_block(block);
        switch (result.verdict) {
        case BlockVerdict::Added:
            reply(q, r, 201, "Block added to the chain");
            announce(block, origin); // relay onwards, not back to the sender
            return;
        case BlockVerdict::Known:
            return reply(q, r, 200, "Block already in the chain");
        case BlockVerdict::NotNext:
            reply(q, r, 202,
                  "The block does not extend this node's chain (" + result.reason +
                      "); syncing with peers");
            request_sync(origin);
            return;
        case BlockVerdict::Invalid:
            return reply(q, r, 400, "The block was discarded by the node: " + result.reason);
        }
    });
    route(
        "health", k_allowed_get,
        [this](const Request&, Response& r) {
            NodeSummary s = m_state.summary();
            reply_json(r, 200,
                       json::Object{{"status", "ok"},
                                    {"version", "chainctl " CHAINCTL_VERSION},
                                    {"url", public_url()},
                                    {"length", s.length},
                                    {"tip", s.tip_hash},
                                    {"pending", s.pending},
                                    {"peers", s.peers},
                                    {"difficulty", s.difficulty}});
        },
        nullptr);
    route(
        "peers", k_allowed_get,
        [this](const Request&, Response& r) {
            std::vector<std::string> peers = m_state.peers();
            reply_json(r, 200, json::Array(peers.begin(), peers.end()));
        },
        nullptr);

    s.set_error_handler(httplib::Server::HandlerWithResponse([this](const Request& q, Response& r) {
        if (!r.body.empty() || r.content_length_ > 0)
            return httplib::Server::HandlerResponse::Unhandled;
        if (r.status == 400 && http::is_bodyless_post(q)) {
            std::smatch m;
            static const std::regex mine_path("/+mine/*");
            if (std::regex_match(q.path, m, mine_path)) {
                r.status = -1;
                m_mine_handler(q, r);
                return httplib::Server::HandlerResponse::Handled;
            }
            reply(q, r, 400, "the request has no body; send a JSON object");
            return httplib::Server::HandlerResponse::Handled;
        }
        std::string message;
        if (r.status == 404)
            message = "no such endpoint: " + q.method + " " + q.path;
        else if (r.status == 413)
            message =
                "the request body is larger than " + std::to_string(m_options.max_body) + " bytes";
        else if (r.status == 400)
            message = "malformed HTTP request";
        else
            message = "HTTP error " + std::to_string(r.status);
        reply(q, r, r.status, message);
        return httplib::Server::HandlerResponse::Handled;
    }));
    http::log_requests(s, m_options.log);
}

} // namespace chain::node
