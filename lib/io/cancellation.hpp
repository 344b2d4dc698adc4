#pragma once
// A one-way "stop" flag that can be watched: set once, from any thread (a signal thread, a
// caller giving up), and seen by whoever does the long work: a proof-of-work search polls it,
// a blocking HTTP call registers a callback that aborts its socket at once.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace chain::io {

class Cancellation {
public:
    Cancellation() = default;
    Cancellation(const Cancellation&) = delete;
    Cancellation& operator=(const Cancellation&) = delete;

    /// Sets the flag and runs every registered callback once, on this thread. Later calls do
    /// nothing.
    void cancel();
    bool cancelled() const { return m_flag.load(std::memory_order_acquire); }
    /// The flag itself, for loops that poll it (ledger::MineOptions::cancel).
    const std::atomic<bool>& flag() const { return m_flag; }

    /// Runs f when cancel() is called, or at once (on this thread) if it already was. Returns an
    /// id for remove(). f must be quick and must not call back into this object.
    std::uint64_t on_cancel(std::function<void()> f) const;
    /// Unregisters a callback; once it returns, the callback is not running and will not run.
    void remove(std::uint64_t id) const;

private:
    std::atomic<bool> m_flag{false};
    // Watching does not change the flag, so watchers may hold a const Cancellation.
    mutable std::mutex m_mutex; // held while callbacks run, so remove() waits for a running one
    mutable std::map<std::uint64_t, std::function<void()>> m_callbacks;
    mutable std::uint64_t m_next = 1;
};

/// Registers a callback for the lifetime of a scope (nothing when cancellation is null).
class CancelCallback {
public:
    CancelCallback(const Cancellation* cancellation, std::function<void()> f)
        : m_cancellation(cancellation),
          m_id(cancellation ? cancellation->on_cancel(std::move(f)) : 0) {}
    ~CancelCallback() {
        if (m_cancellation) m_cancellation->remove(m_id);
    }
    CancelCallback(const CancelCallback&) = delete;
    CancelCallback& operator=(const CancelCallback&) = delete;

private:
    const Cancellation* m_cancellation;
    std::uint64_t m_id;
};

} // namespace chain::io
