#include "node/event_stream.hpp"

#include "ledger/block.hpp"

#include "json/write.hpp"
#include <memory>
#include <mutex>

namespace chain::node {

namespace {

constexpr std::size_t k_max_buffered = std::size_t{1} << 20;

class EventStream : public http::BodySource, public std::enable_shared_from_this<EventStream> {
public:
    EventStream(EventBus& bus, std::string node_id) : m_bus(bus), m_node_id(std::move(node_id)) {}

    void open(std::optional<std::uint64_t> since) {
        // The sequence number hello tells is where the stream resumes from, so that an event
        // published meanwhile is delivered, not lost.
        const std::uint64_t now = m_bus.last_seq();
        json::Object hello{{"node", m_node_id}, {"seq", now}, {"time", ledger::now_seconds()}};
        m_buffer = "event: hello\ndata: " + json::dump(json::Value(std::move(hello))) + "\n\n";
        m_delivered = m_buffered = since.value_or(now);
        std::weak_ptr<EventStream> weak = weak_from_this();
        m_subscription = m_bus.subscribe(
            [weak](const Event& e) {
                if (auto self = weak.lock()) self->add(e);
            },
            since.value_or(now));
    }

    ~EventStream() override { m_subscription.reset(); }

    std::optional<std::uint64_t> size() const override { return std::nullopt; }

    void next(Deliver deliver) override {
        std::unique_lock lock(m_mutex);
        if (m_buffer.empty() && !m_ended) {
            m_waiting = std::move(deliver);
            return;
        }
        std::string piece = take_locked();
        const bool last = m_ended;
        lock.unlock();
        deliver(std::move(piece), last);
    }

    /// Ends the stream (the server stops, the client went away): a reader waiting gets the end.
    void cancel() override {
        m_subscription.reset();
        Deliver waiting;
        {
            std::lock_guard lock(m_mutex);
            m_ended = true;
            waiting = std::move(m_waiting);
            m_waiting = nullptr;
        }
        if (waiting) waiting("", true);
    }

private:
    // The buffered text goes to the reader: what it holds counts as delivered.
    std::string take_locked() {
        std::string piece = std::move(m_buffer);
        m_buffer.clear();
        m_delivered = m_buffered;
        return piece;
    }

    void add(const Event& e) {
        Deliver deliver;
        std::string piece;
        bool last = false;
        {
            std::lock_guard lock(m_mutex);
            if (m_ended) return;
            if (m_buffer.size() > k_max_buffered) {
                // The reader is too slow: what it has not taken is dropped, and it is told the
                // last event it did get, to resume after that with ?since=.
                json::Object gap{
                    {"node", m_node_id}, {"type", "gap"}, {"resume_after", m_delivered}};
                m_buffer = "event: gap\ndata: " + json::dump(json::Value(std::move(gap))) + "\n\n";
                m_buffered = m_delivered;
                m_ended = true;
            } else {
                m_buffer += sse_event(e, m_node_id);
                if (e.seq) m_buffered = e.seq;
            }
            if (!m_waiting) return;
            deliver = std::move(m_waiting);
            m_waiting = nullptr;
            piece = take_locked();
            last = m_ended;
        }
        deliver(std::move(piece), last);
    }

    EventBus& m_bus;
    std::string m_node_id;
    EventBus::Subscription m_subscription;
    std::mutex m_mutex;
    std::string m_buffer;
    Deliver m_waiting;
    bool m_ended = false;
    std::uint64_t m_buffered = 0;  // the last event in the buffer
    std::uint64_t m_delivered = 0; // the last event handed to the reader
};

} // namespace

std::string sse_event(const Event& event, const std::string& node_id) {
    std::string out;
    if (event.seq) out += "id: " + std::to_string(event.seq) + "\n";
    out += "event: " + std::string(event_type(event.data)) + "\n";
    out += "data: " + json::dump(event_json(event, node_id)) + "\n\n";
    return out;
}

http::Response event_stream(EventBus& bus, const std::string& node_id,
                            std::optional<std::uint64_t> since) {
    auto stream = std::make_shared<EventStream>(bus, node_id);
    stream->open(since);
    http::Response r = http::Response::stream(200, stream, "text/event-stream");
    r.headers.set("Cache-Control", "no-store");
    return r;
}

} // namespace chain::node
