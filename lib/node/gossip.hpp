#pragma once
// Gossip: every block this node adds is announced to its peers as the reference does
// (POST /add_block with json.dumps(block, sort_keys=True)), but never back to the peer it came
// from and never twice: a node relays only a block it has just added, so a block crosses lines
// and rings and then stops, and an announcement names the nodes known to hold the block
// (X-Chainctl-Held-By) so that nobody further on sends it to them. A chain adopted from a peer
// is announced by its new tip, to the others. A reference peer, which answers 500 to a block it
// holds or cannot place, is instead brought up to date: its length is read and it is sent the
// blocks it lacks, in order. The calls run on the node's pool for peer calls: a slow peer delays
// nobody.

#include "io/task_pool.hpp"
#include "node/events.hpp"
#include "node/node_client.hpp"
#include "node/node_state.hpp"
#include "node/peer_book.hpp"

#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace chain::node {

/// Makes a client for a peer (with the node's id and address in its headers).
using ClientFor = std::function<NodeClient(const std::string& url, double read_timeout_s)>;

class Gossip {
public:
    Gossip(NodeState& state, PeerBook& peers, io::TaskPool& calls, ClientFor client_for,
           std::function<void(const std::string&)> log);
    ~Gossip();
    Gossip(const Gossip&) = delete;
    Gossip& operator=(const Gossip&) = delete;

    /// Starts announcing what the node adds from now on.
    void start();
    void stop();

    /// Brings a reference peer up to date in the background (see above); the prober calls it
    /// too when it finds one behind, so that an update that failed is repaired.
    void update_reference(const std::string& peer);

private:
    void on_event(const Event& event);
    void announce(std::uint64_t height, const Source& except);
    void bring_up_to_date(const std::string& peer);
    void note(const std::string& peer, const std::string& line);
    void calling(const std::string& peer, const std::function<void()>& call);

    NodeState& m_state;
    PeerBook& m_peers;
    io::TaskPool& m_calls;
    ClientFor m_client_for;
    std::function<void(const std::string&)> m_log;
    EventBus::Subscription m_subscription;
    std::mutex m_updates_mutex;
    std::map<std::string, bool> m_updates;      // reference peers being updated: true = once more
    std::map<std::string, std::string> m_notes; // the last problem logged per reference peer
};

/// The most blocks a reference peer is sent to catch up; further behind, it is re-registered.
inline constexpr std::size_t k_max_reference_catch_up = 1000;

} // namespace chain::node
