#pragma once
// The HTTP node: the reference node's API (/new_transaction, /chain, /mine, /pending_tx,
// /register_node, /register_with, /add_block) with its paths, methods and success bodies, plus
// /health, /peers and /events, over a NodeState. On top of the reference it really reaches
// consensus, registers both ways, relays blocks across multi-hop topologies, never waits on a
// dead peer, keeps mining off the read path, and answers bad input with a 4xx and a one-line
// reason.
//
// A node has an id, random for each run of its process, shown in /health and sent with every
// request it makes (X-Chainctl-Node): it knows its own requests when they come back, through a
// relay or under another address, without comparing URLs.

#include "http/client.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "io/cancellation.hpp"
#include "io/task_pool.hpp"
#include "node/events.hpp"
#include "node/gossip.hpp"
#include "node/mining.hpp"
#include "node/node_client.hpp"
#include "node/node_state.hpp"
#include "node/peer_book.hpp"
#include "node/sync.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace chain::node {

struct NodeOptions {
    std::string host = "127.0.0.1";
    int port = 8000;                // 0: any free port
    std::string advertise;          // the URL peers should use for this node
    std::vector<std::string> peers; // registered with at start (as /register_with)
    http::ServerLimits http_limits; // request size and time limits (max_body 1 MiB)
    StateLimits state_limits;       // pending transactions and peers held at most
    std::size_t max_chain_bytes = k_default_max_chain_bytes; // a peer's chain, at most
    unsigned mining_threads = 0;                             // 0: one per core
    double peer_timeout_s = 2;      // connecting to a peer, and small calls to it
    double sync_interval_s = 30;    // background consensus with the peers; 0: only when needed
    double probe_interval_s = 2;    // how often each peer is asked how long its chain is; 0: never
    double register_timeout_s = 60; // the whole of a /register_with (reaching the other node,
                                    // and its chain arriving)
    /// One line per request ("GET /chain 200 0.4 ms") and per chain event; unset: silent.
    std::function<void(const std::string&)> log;
};

class Node {
public:
    Node(NodeState& state, NodeOptions options);
    ~Node();
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    /// Listens on host:port; throws chain::Error when it cannot. Returns the port.
    int bind();
    /// Starts serving and the background work (sync, registration with --peer nodes).
    void start();
    /// Stops everything; answers in flight finish. Safe from any thread.
    void stop();
    /// Returns once stopped.
    void wait();

    /// The local URL of the bound node ("http://127.0.0.1:8000/").
    std::string local_url() const;
    /// The URL this node gives to peers: --advertise, else the local URL.
    std::string public_url() const;
    const std::string& id() const { return m_id; }
    NodeState& state() { return m_state; }
    PeerBook& peer_book() { return m_peers; }
    const NodeOptions& options() const { return m_options; }
    /// The route table, to call endpoints without a socket (tests, fuzzing).
    const http::Router& router() const { return m_router; }

    // The operations behind the routes (node/routes.cpp).

    /// Mines every pending transaction into a block; done gets the report.
    void mine(std::function<void(const MineReport&)> done) { m_miner.request(std::move(done)); }
    MineReport mine() { return m_miner.mine(); }
    /// A block announced by a peer: added (and relayed on), known, refused, or not next (a gap
    /// or fork: this node syncs, preferring the sender).
    BlockResult receive_block(const json::Value& block, const Source& source);
    /// A /register_node: adds the caller (normalised address) as a peer.
    void add_peer(const std::string& url);
    /// The /register_with operation: registers this node (as self_url) with the node at url,
    /// adopts its chain if longer and merges its peers. Throws http::StatusError (502/504 when
    /// that node cannot be reached or refuses).
    void register_with(const std::string& url, const std::string& self_url);
    /// The /health document.
    json::Value health() const;
    /// What this node knows of each peer: [{"url", "kind", "id", "state" (up, unreachable,
    /// self, unknown), "length", "last_seen", and when unreachable "last_error", "failures",
    /// "retry_in_s"}].
    json::Value peer_status() const;
    /// Whether a request came from this very node (it carries this node's id).
    bool from_self(const http::Request& request) const;
    /// Whether url names this node by one of the addresses it was configured with.
    bool is_own_address(const std::string& url) const;

    /// The reference peer at this client address, when exactly one is known there; "".
    std::string reference_peer_at(const std::string& remote) const;
    /// A client for a peer, sending this node's id and address.
    NodeClient client_for(const std::string& url, double read_timeout_s = 0);

private:
    void log(const std::string& line) const;
    void log_event(const Event& event) const;
    void probe_loop();
    void probe(const std::string& peer);
    /// Before mining: when a peer is known (from the background) to hold a longer chain, sync
    /// first, waiting a bounded time for it.
    void catch_up();

    NodeState& m_state;
    NodeOptions m_options;
    const std::string m_id;
    std::vector<std::string> m_own_addresses; // from configuration, never from a request
    http::Client m_client;
    PeerBook m_peers;
    io::Cancellation m_stopping;
    io::TaskPool m_peer_calls;
    Miner m_miner;
    Gossip m_gossip;
    Syncer m_syncer;
    http::Router m_router;
    http::Server m_server;
    EventBus::Subscription m_log_events;

    std::atomic<std::uint64_t> m_registrations{0};
    std::mutex m_probe_mutex;
    std::condition_variable m_probe_cv;
    bool m_probe_stop = false;
    std::thread m_prober;
};

/// A new random node id: 16 hex digits.
std::string new_node_id();

} // namespace chain::node
