#include "proc/stop_signals.hpp"

#include "error.hpp"
#include "io/file_io.hpp"

#include <cstdlib>
#include <pthread.h>
#include <system_error>
#include <unistd.h>

namespace chain::proc {

namespace {

// The one piece of global state, forced by POSIX: dispositions, pending signals and sigwait belong
// to the whole process, so two StopSignals would take each other's signals at random.
std::atomic<bool> instance_exists{false};

/// Ends the process by sig, as its default action would: the shell sees 128+sig, not an exit.
[[noreturn]] void die_by(int sig) {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(sig, &action, nullptr);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, sig);
    pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
    raise(sig); // this thread now lets it through, and its default action ends the process
    // Not reached for SIGINT, SIGTERM or SIGHUP; if the kernel somehow returned, ending with the
    // status a shell would show is the closest to what was asked.
    std::_Exit(128 + sig);
}

} // namespace

StopSignals::StopSignals() {
    if (instance_exists.exchange(true))
        throw Error("stop signals are already handled in this process (one StopSignals at a time)");
    sigemptyset(&m_signals);
    sigaddset(&m_signals, SIGINT);
    sigaddset(&m_signals, SIGTERM);
    sigaddset(&m_signals, SIGHUP);
    int error = pthread_sigmask(SIG_BLOCK, &m_signals, &m_previous_mask);
    if (error != 0) {
        instance_exists = false;
        throw Error("cannot block stop signals: " + io::errno_text(error));
    }
    try {
        m_thread = std::thread([this] { take_signals(); });
    } catch (const std::system_error& e) {
        pthread_sigmask(SIG_SETMASK, &m_previous_mask, nullptr);
        instance_exists = false;
        throw Error(std::string("cannot start the stop-signal thread: ") + e.what());
    }
}

StopSignals::~StopSignals() {
    m_stopping.store(true, std::memory_order_release);
    // Sent to the thread itself, so only its sigwait takes it; it tells it from a real SIGTERM by
    // the sender, this process (see take_signals).
    pthread_kill(m_thread.native_handle(), SIGTERM);
    m_thread.join();
    pthread_sigmask(SIG_SETMASK, &m_previous_mask, nullptr);
    instance_exists = false;
}

void StopSignals::take_signals() {
    for (;;) {
        siginfo_t info{};
        int sig = sigwaitinfo(&m_signals, &info);
        if (sig < 0) continue; // EINTR: a signal outside the set, handled elsewhere
        // Not si_code == SI_TKILL: some kernels report SI_USER for pthread_kill.
        bool from_destructor =
            info.si_pid == getpid() && m_stopping.load(std::memory_order_acquire);
        if (from_destructor) return;
        handle(sig);
    }
}

void StopSignals::handle(int sig) {
    // A second signal ends the process even if on_stop or ~Scope holds the mutex.
    if (m_received.load(std::memory_order_acquire) != 0) die_by(sig);
    std::lock_guard lock(m_mutex);
    m_received.store(sig, std::memory_order_release);
    if (m_scopes.empty()) die_by(sig);
    m_scopes.back().second();
}

StopSignals::Scope::Scope(StopSignals& signals, std::function<void()> on_stop)
    : m_signals(signals) {
    std::unique_lock lock(signals.m_mutex);
    m_id = signals.m_next_id++;
    // Read under the mutex: the signal thread sets it under the mutex and then calls the innermost
    // scope, so each scope's on_stop runs exactly once, here or there.
    bool already = signals.received() != 0;
    if (!already) {
        signals.m_scopes.emplace_back(m_id, std::move(on_stop));
        return;
    }
    lock.unlock();
    on_stop();
}

StopSignals::Scope::~Scope() {
    std::lock_guard lock(m_signals.m_mutex);
    std::erase_if(m_signals.m_scopes, [this](const auto& scope) { return scope.first == m_id; });
}

} // namespace chain::proc
