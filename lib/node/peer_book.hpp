#pragma once
// What a node has learned about each of its peers at run time (the list itself is in chain.json,
// kept by NodeState): its kind, its node id, how long its chain is, whether it answers and why
// not, and when to try it again. Gossip, sync and /health read it; every call to a peer reports
// back to it. A peer found to be this very node (its id is ours) is marked self and left alone.

#include "node/node_client.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace chain::node {

struct PeerInfo {
    std::string url;
    NodeKind kind = NodeKind::Unknown;
    std::string id;                    // a chainctl peer's node id, once known
    std::optional<std::size_t> length; // its chain's length, as last seen
    std::string tip;
    bool self = false;      // this node itself, reached through another address
    bool reachable = true;  // the last call got an answer
    std::string last_error; // why the last failed call failed
    unsigned failures = 0;  // calls failed in a row
    double last_seen = 0;   // seconds since the epoch of the last answer, 0: never
    double retry_at = 0;    // no background call before this time (backoff)
    bool probing = false;   // a background probe is under way
};

class PeerBook {
public:
    /// A snapshot of one peer (a default entry for one never heard of).
    PeerInfo get(const std::string& url) const;
    /// Every peer known here, in no particular order.
    std::vector<PeerInfo> all() const;

    /// A call to url was answered.
    void answered(const std::string& url);
    /// A call to url got no answer: unreachable, with the reason. Background calls to it back
    /// off: 1 s, 2 s, 4 s ... up to a minute.
    void failed(const std::string& url, const std::string& why);
    /// Whether url failed lately and its backoff has not ended: background calls skip it.
    bool backed_off(const std::string& url) const;
    /// Whether a background probe of url may start now; if so, it is marked under way.
    bool start_probe(const std::string& url);
    /// The probe of url is over; the next one no sooner than `after` seconds from now.
    void end_probe(const std::string& url, double after);
    /// What a chainctl peer's /health said.
    void heard_health(const std::string& url, const Health& health);
    /// A reference peer (no /health) with this chain length, if known.
    void heard_reference(const std::string& url, std::optional<std::size_t> length);
    /// The peer's chain is at least this long (it announced such a block, or served it).
    void heard_length(const std::string& url, std::size_t length, const std::string& tip = "");
    /// url leads back to this node.
    void mark_self(const std::string& url);
    void forget(const std::string& url);

    /// The longest chain a reachable peer is known to hold, with that peer, if any.
    std::optional<std::pair<std::string, std::size_t>> longest() const;
    /// Whether url is known to lead back to this node.
    bool is_self(const std::string& url) const;
    /// The peer (url) whose node id is id, if any.
    std::optional<std::string> url_of_id(const std::string& id) const;

private:
    static double now();
    mutable std::mutex m_mutex;
    std::map<std::string, PeerInfo> m_peers;
};

} // namespace chain::node
