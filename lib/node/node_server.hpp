#pragma once
// The HTTP node: the reference node's API (/new_transaction, /chain, /mine, /pending_tx,
// /register_node, /register_with, /add_block) with its paths, methods and success bodies, plus
// /health and /peers, over a NodeState. On top of the reference it really reaches consensus,
// registers both ways, relays blocks across multi-hop topologies, never waits on a dead peer,
// keeps mining off the read path, and answers bad input with a 4xx and a one-line reason.

#include "io/task_pool.hpp"
#include "ledger/miner.hpp"
#include "node/consensus.hpp"
#include "node/node_state.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
} // namespace httplib

namespace chain::node {

struct NodeOptions {
    std::string host = "127.0.0.1";
    int port = 8000;                // 0: any free port
    std::string advertise;          // the URL peers should use for this node
    std::vector<std::string> peers; // registered with at start (as /register_with)
    std::size_t max_body = 1 << 20; // larger request bodies get 413
    unsigned http_threads = 64;     // requests served at once (keep-alive connections hold one)
    unsigned mining_threads = 0;    // 0: one per core
    double peer_timeout_s = 2;      // connecting to a peer, and small calls to it
    double sync_interval_s = 30;    // background consensus with the peers; 0: only when needed
    double client_timeout_s = 5;    // a client that sends nothing for this long is dropped
    /// One line per request ("GET /chain 200 0.4 ms") and per peer failure; unset: silent.
    std::function<void(const std::string&)> log;
};

struct MineReport {
    bool mined = false;
    std::string message; // the reference's text
    json::Value block;
    ledger::MineResult stats;
};

class Node {
public:
    Node(NodeState& state, NodeOptions options);
    ~Node();
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    /// Listens on host:port; throws chain::Error when it cannot. Returns the port.
    int bind();
    /// The local URL of the bound node ("http://127.0.0.1:8000/").
    std::string local_url() const;
    /// Serves until stop(); requests in flight finish first.
    void serve();
    /// Safe from any thread.
    void stop();

    /// Mines every pending transaction into a block, makes sure this node still holds the longest
    /// chain, and announces the block to the peers. Serialised: one search at a time.
    MineReport mine();
    /// The /register_with operation: registers this node (as self_url) with the node at url,
    /// adopts its chain if longer and merges its peers. Throws chain::Error (HttpFailure for an
    /// unreachable node).
    void register_with(const std::string& url, const std::string& self_url);

private:
    void install_routes();
    void announce(const json::Value& block, const std::string& except);
    void request_sync(const std::string& preferred);
    void sync_loop();
    bool is_self(const std::string& url);
    void remember_self(const std::string& url);
    std::string public_url() const;
    void log(const std::string& line) const;

    NodeState& m_state;
    NodeOptions m_options;
    std::unique_ptr<httplib::Server> m_http;
    int m_port = 0;
    std::atomic<bool> m_stopping{false};

    std::mutex m_mine_mutex;
    std::mutex m_cancel_mutex;
    std::atomic<bool>* m_mining_cancel = nullptr;

    mutable std::mutex m_self_mutex;
    std::set<std::string> m_self_urls;

    std::mutex m_sync_mutex;
    std::condition_variable m_sync_cv;
    bool m_sync_requested = false;
    std::string m_sync_preferred;
    std::thread m_sync_thread;

    // POST /mine, kept so that a body-less POST (which httplib refuses) can still be served.
    std::function<void(const httplib::Request&, httplib::Response&)> m_mine_handler;

    io::TaskPool m_peer_calls;
};

/// An unreachable node: 504 when it timed out, 502 otherwise.
class HttpFailure : public Error {
public:
    HttpFailure(const std::string& message, int status) : Error(message), m_status(status) {}
    int status() const { return m_status; }

private:
    int m_status;
};

} // namespace chain::node
