#pragma once
// Stopping a server cleanly on SIGINT or SIGTERM. The signals are blocked and taken by one thread
// with sigwait, so they never interrupt a worker in the middle of a write.

#include <csignal>
#include <functional>

namespace chain::proc {

class StopSignals {
public:
    /// Blocks SIGINT and SIGTERM. Create it before any thread starts: threads inherit the mask.
    StopSignals();
    /// Runs serve() until it returns, calling stop() from another thread when a signal arrives.
    void run(const std::function<void()>& serve, const std::function<void()>& stop);

private:
    sigset_t m_signals;
};

} // namespace chain::proc
