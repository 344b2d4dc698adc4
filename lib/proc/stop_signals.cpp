#include "proc/stop_signals.hpp"

#include <pthread.h>
#include <thread>

namespace chain::proc {

StopSignals::StopSignals() {
    sigemptyset(&m_signals);
    sigaddset(&m_signals, SIGINT);
    sigaddset(&m_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &m_signals, nullptr);
}

void StopSignals::run(const std::function<void()>& serve, const std::function<void()>& stop) {
    std::thread waiter([&] {
        int signal = 0;
        sigwait(&m_signals, &signal);
        stop();
    });
    serve();
    pthread_kill(waiter.native_handle(), SIGTERM); // wakes the waiter if serve() ended by itself
    waiter.join();
}

} // namespace chain::proc
