#pragma once
// Chain events: what happened to a node's chain, peers and pending list, as typed facts with a
// sequence number. The node's state publishes them as it commits; the log, the miner, gossip,
// the GET /events stream (and later metrics) subscribe.
//
// Publishing only queues: an event is never delivered under the state's lock, and a subscriber
// never makes the node wait. Each subscriber has a bounded queue; one that falls behind loses
// the oldest events it has not taken and gets a Gap saying how many (it can resync from the
// history, or from the node itself).

#include "json/value.hpp"
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace chain::node {

/// Where a change came from.
struct Source {
    enum class Kind { Local, Mined, Peer, Sync };
    Kind kind = Kind::Local;
    std::string peer;    // the peer's address, when known
    std::string peer_id; // the peer's node id, when it sent one
    std::string remote;  // the address the request came from, for a request
    /// Peers the sender says already hold the block (X-Chainctl-Held-By): it is not announced
    /// to them. Honoured only when the sender is a peer.
    std::vector<std::string> held_by;

    /// A source of that kind, and the peer's address when there is one.
    static Source of(Kind kind, std::string peer = {}) {
        Source s;
        s.kind = kind;
        s.peer = std::move(peer);
        return s;
    }
};

/// "local", "mined", "peer" or "sync".
std::string_view source_name(Source::Kind kind);

/// A block was added at the tip.
struct BlockAppended {
    std::uint64_t height = 0; // the block's index
    std::string hash;
    std::size_t transactions = 0;
    Source source;
};

/// The chain was replaced by a longer one.
struct ChainAdopted {
    std::uint64_t fork_point = 0; // the first index that differs
    std::uint64_t old_length = 0;
    std::uint64_t new_length = 0;
    std::string tip;
    std::vector<std::string> orphaned; // hashes of the blocks that left the chain, in order
    std::size_t returned_to_pending = 0;
    Source source;
};

struct PeersChanged {
    std::vector<std::string> added;
    std::vector<std::string> removed;
    std::size_t count = 0;
};

struct TransactionsAdded {
    std::size_t count = 0;   // in this commit
    std::size_t pending = 0; // pending afterwards
};

/// A subscriber missed events (its queue was full).
struct Gap {
    std::uint64_t missed = 0;
};

using EventData = std::variant<BlockAppended, ChainAdopted, PeersChanged, TransactionsAdded, Gap>;

struct Event {
    std::uint64_t seq = 0; // 1, 2, ... for this run of the node; 0 for a Gap
    double time = 0;       // seconds since the epoch
    EventData data;
};

/// "block", "adopted", "peers", "transactions" or "gap".
std::string_view event_type(const EventData& data);
/// {"seq", "time", "node", "type", ...the event's fields}.
json::Value event_json(const Event& event, const std::string& node_id);

/// Subscriptions must end before their bus does.
class EventBus {
public:
    /// Keeps the last `history` events for readers that resume; each subscriber may fall up to
    /// `queue` events behind.
    explicit EventBus(std::size_t history = 4096, std::size_t queue = 4096);
    ~EventBus();
    EventBus(const EventBus&) = delete;
    EventBus& operator=(const EventBus&) = delete;

    /// Queues an event for every subscriber and returns its sequence number. Never blocks on a
    /// subscriber.
    std::uint64_t publish(EventData data);

    class Subscription {
    public:
        Subscription() = default;
        Subscription(Subscription&&) noexcept = default;
        Subscription& operator=(Subscription&&) noexcept;
        /// Unsubscribes; once it returns, the callback is not running and will not run.
        ~Subscription();
        void reset();

    private:
        friend class EventBus;
        struct State;
        Subscription(EventBus* bus, std::shared_ptr<State> state)
            : m_bus(bus), m_state(std::move(state)) {}
        EventBus* m_bus = nullptr;
        std::shared_ptr<State> m_state;
    };

    /// Calls f, on the bus's delivery thread, for each event published from now on (or, with
    /// `since`, first for the kept events after that sequence number: a Gap first if some are
    /// no longer kept). f must be quick: it holds up delivery to the other subscribers.
    Subscription subscribe(std::function<void(const Event&)> f,
                           std::optional<std::uint64_t> since = std::nullopt);

    /// The sequence number of the last event published (0 before the first).
    std::uint64_t last_seq() const;

private:
    void run();
    void unsubscribe(const std::shared_ptr<Subscription::State>& state);

    const std::size_t m_history_size;
    const std::size_t m_queue_size;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Event> m_history;
    std::vector<std::shared_ptr<Subscription::State>> m_subscribers;
    std::uint64_t m_seq = 0;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace chain::node
