#include "node/events.hpp"

#include "ledger/block.hpp"

#include <algorithm>
#include <atomic>

namespace chain::node {

struct EventBus::Subscription::State {
    std::function<void(const Event&)> callback;
    std::deque<Event> queue;
    std::uint64_t missed = 0;
    bool delivering = false;          // the callback runs now (outside the bus's lock)
    std::atomic<bool> removed{false}; // read while delivering, without the lock
};

namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

json::Value source_json(const Source& s) {
    json::Object o{{"kind", std::string(source_name(s.kind))}};
    if (!s.peer.empty()) o.push_back({"peer", s.peer});
    if (!s.peer_id.empty()) o.push_back({"peer_id", s.peer_id});
    return json::Value(std::move(o));
}

json::Array strings(const std::vector<std::string>& v) {
    return json::Array(v.begin(), v.end());
}

} // namespace

std::string_view source_name(Source::Kind kind) {
    switch (kind) {
    case Source::Kind::Local:
        return "local";
    case Source::Kind::Mined:
        return "mined";
    case Source::Kind::Peer:
        return "peer";
    case Source::Kind::Sync:
        return "sync";
    }
    return "local";
}

std::string_view event_type(const EventData& data) {
    return std::visit(
        Overloaded{[](const BlockAppended&) { return std::string_view("block"); },
                   [](const ChainAdopted&) { return std::string_view("adopted"); },
                   [](const PeersChanged&) { return std::string_view("peers"); },
                   [](const TransactionsAdded&) { return std::string_view("transactions"); },
                   [](const Gap&) { return std::string_view("gap"); }},
        data);
}

json::Value event_json(const Event& event, const std::string& node_id) {
    json::Object o{{"seq", event.seq},
                   {"time", event.time},
                   {"node", node_id},
                   {"type", std::string(event_type(event.data))}};
    std::visit(Overloaded{[&](const BlockAppended& e) {
                              o.push_back({"height", e.height});
                              o.push_back({"hash", e.hash});
                              o.push_back({"transactions", e.transactions});
                              o.push_back({"source", source_json(e.source)});
                          },
                          [&](const ChainAdopted& e) {
                              o.push_back({"fork_point", e.fork_point});
                              o.push_back({"old_length", e.old_length});
                              o.push_back({"new_length", e.new_length});
                              o.push_back({"tip", e.tip});
                              o.push_back({"orphaned", strings(e.orphaned)});
                              o.push_back({"returned_to_pending", e.returned_to_pending});
                              o.push_back({"source", source_json(e.source)});
                          },
                          [&](const PeersChanged& e) {
                              o.push_back({"added", strings(e.added)});
                              o.push_back({"removed", strings(e.removed)});
                              o.push_back({"count", e.count});
                          },
                          [&](const TransactionsAdded& e) {
                              o.push_back({"count", e.count});
                              o.push_back({"pending", e.pending});
                          },
                          [&](const Gap& e) {
                              o.push_back({"missed", e.missed});
                          }},
               event.data);
    return json::Value(std::move(o));
}

EventBus::EventBus(std::size_t history, std::size_t queue)
    : m_history_size(std::max<std::size_t>(1, history)),
      m_queue_size(std::max<std::size_t>(1, queue)), m_thread([this] { run(); }) {}

EventBus::~EventBus() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

std::uint64_t EventBus::publish(EventData data) {
    std::uint64_t seq;
    {
        std::lock_guard lock(m_mutex);
        Event event{++m_seq, ledger::now_seconds(), std::move(data)};
        seq = event.seq;
        for (auto& s : m_subscribers) {
            if (s->queue.size() >= m_queue_size) {
                s->queue.pop_front(); // the oldest is lost; the subscriber hears how many
                ++s->missed;
            }
            s->queue.push_back(event);
        }
        m_history.push_back(std::move(event));
        if (m_history.size() > m_history_size) m_history.pop_front();
    }
    m_cv.notify_all();
    return seq;
}

std::uint64_t EventBus::last_seq() const {
    std::lock_guard lock(m_mutex);
    return m_seq;
}

EventBus::Subscription EventBus::subscribe(std::function<void(const Event&)> f,
                                           std::optional<std::uint64_t> since) {
    auto state = std::make_shared<Subscription::State>();
    state->callback = std::move(f);
    {
        std::lock_guard lock(m_mutex);
        if (since) {
            std::uint64_t oldest = m_history.empty() ? m_seq + 1 : m_history.front().seq;
            if (*since + 1 < oldest) {
                Event& gap = state->queue.emplace_back();
                gap.time = ledger::now_seconds();
                gap.data = Gap{oldest - *since - 1};
            }
            for (const Event& e : m_history)
                if (e.seq > *since) state->queue.push_back(e);
        }
        m_subscribers.push_back(state);
    }
    m_cv.notify_all();
    return Subscription(this, std::move(state));
}

void EventBus::unsubscribe(const std::shared_ptr<Subscription::State>& state) {
    std::unique_lock lock(m_mutex);
    state->removed = true;
    std::erase(m_subscribers, state);
    // Wait for a delivery in progress, unless this is that delivery's own thread.
    if (std::this_thread::get_id() != m_thread.get_id())
        m_cv.wait(lock, [&] { return !state->delivering; });
}

EventBus::Subscription& EventBus::Subscription::operator=(Subscription&& other) noexcept {
    if (this != &other) {
        reset();
        m_bus = other.m_bus;
        m_state = std::move(other.m_state);
        other.m_bus = nullptr;
    }
    return *this;
}

EventBus::Subscription::~Subscription() {
    reset();
}

void EventBus::Subscription::reset() {
    if (m_bus && m_state) m_bus->unsubscribe(m_state);
    m_bus = nullptr;
    m_state.reset();
}

void EventBus::run() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        std::shared_ptr<Subscription::State> ready;
        for (auto& s : m_subscribers)
            if (!s->queue.empty() || s->missed) {
                ready = s;
                break;
            }
        if (!ready) {
            if (m_stopping) return;
            m_cv.wait(lock);
            continue;
        }
        // Deliver what this subscriber has, a Gap first if it lost some.
        std::deque<Event> batch;
        batch.swap(ready->queue);
        if (ready->missed) {
            batch.emplace_front().data = Gap{ready->missed};
            batch.front().time = ledger::now_seconds();
            ready->missed = 0;
        }
        ready->delivering = true;
        lock.unlock();
        for (const Event& e : batch) {
            if (ready->removed) break;
            try {
                ready->callback(e);
            } catch (...) {
                // A subscriber's failure is its own; the others still get their events.
            }
        }
        lock.lock();
        ready->delivering = false;
        m_cv.notify_all();
        // Round robin: move this subscriber to the back so the others get their turn.
        auto it = std::find(m_subscribers.begin(), m_subscribers.end(), ready);
        if (it != m_subscribers.end()) std::rotate(it, it + 1, m_subscribers.end());
    }
}

} // namespace chain::node
