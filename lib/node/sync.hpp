#pragma once
// Consensus, as the reference intends it but with chains that are really validated: the longest
// valid chain among the peers' wins, if it is longer than this node's. It runs in the background
// (on request: a block that did not fit, a peer found longer; and every sync interval), never on
// a client's request. Each round asks the peers how long their chains are, a few at a time, then
// downloads the longest into a file (never into memory), checks it and adopts it, or the next
// longest if it is not valid. Peers that did not answer lately are left out until their backoff
// ends.

#include "node/gossip.hpp"
#include "node/node_state.hpp"
#include "node/peer_book.hpp"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace chain::node {

struct SyncOptions {
    double interval_s = 30;     // between background rounds; 0: only on request
    double read_timeout_s = 60; // the longest silence while a chain arrives
    unsigned parallel = 8;      // peers asked for their length at once
    double min_gap_s = 1;       // between rounds asked for (a flood of gaps is one round a second)
};

class Syncer {
public:
    Syncer(NodeState& state, PeerBook& peers, ClientFor client_for, SyncOptions options,
           std::function<void(const std::string&)> log);
    ~Syncer();
    Syncer(const Syncer&) = delete;
    Syncer& operator=(const Syncer&) = delete;

    void start();
    void stop();
    /// Asks for a round soon, also asking `preferred` (the peer whose block did not fit) even if
    /// it is not a peer.
    void request(const std::string& preferred = "");
    /// One round now, on this thread: the peer whose chain was adopted, if any.
    std::optional<std::string> run_once(const std::string& preferred = "");

private:
    void loop();

    NodeState& m_state;
    PeerBook& m_peers;
    ClientFor m_client_for;
    SyncOptions m_options;
    std::function<void(const std::string&)> m_log;

    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_requested = false;
    bool m_stopping = false;
    std::string m_preferred;
    std::thread m_thread;
};

} // namespace chain::node
