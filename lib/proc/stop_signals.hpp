#pragma once
// The one stop-signal mechanism of the CLI. SIGINT, SIGTERM and SIGHUP are blocked in every thread
// and taken by one thread with sigwait, so they never interrupt a worker in the middle of a write.
// A command that can stop cleanly (a server, a long run) opens a Scope saying how; everywhere else
// a signal ends the process exactly as it would without this class, so a shell sees 128+N.

#include <atomic>
#include <csignal>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace chain::proc {

class StopSignals {
public:
    /// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (so in every thread it starts
    /// later) and starts the one thread that takes them with sigwait. Create it first in main(),
    /// before any other thread, and destroy it on the same thread. One per process: a second one
    /// throws chain::Error, since signals belong to the whole process.
    StopSignals();
    /// Stops the signal thread and restores the signal mask. A signal still pending then is
    /// delivered as if this object had never existed.
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    /// While a Scope lives, the first signal calls its on_stop (on the signal thread) instead of
    /// ending the process; a second signal ends the process as the default action would.
    /// Without a Scope, a signal ends the process at once as its default action would (dies by
    /// that signal, so a shell sees 128+N). Scopes nest: the innermost (latest) one gets the
    /// signal. A Scope opened after a signal was already received calls on_stop at once, on the
    /// constructing thread, so work started between two scopes is stopped too.
    ///
    /// on_stop must be quick and must not wait for the thread that owns the Scope (ask the work
    /// to stop: set a flag, cancel, close a socket): while it runs, a second signal waits for it,
    /// and ~Scope waits for it.
    class Scope {
    public:
        Scope(StopSignals& signals, std::function<void()> on_stop);
        /// Once it returns, on_stop is not running and will not run.
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        StopSignals& m_signals;
        std::uint64_t m_id;
    };

    /// The signal that arrived (SIGINT, SIGTERM, SIGHUP), or 0.
    int received() const { return m_received.load(std::memory_order_acquire); }

private:
    void take_signals();
    void handle(int sig);

    sigset_t m_signals;
    sigset_t m_previous_mask;
    std::atomic<int> m_received{0};
    std::atomic<bool> m_stopping{false};
    std::mutex m_mutex; // held while on_stop runs, so ~Scope waits for a running one
    std::vector<std::pair<std::uint64_t, std::function<void()>>> m_scopes; // innermost last
    std::uint64_t m_next_id = 1;
    std::thread m_thread;
};

} // namespace chain::proc
