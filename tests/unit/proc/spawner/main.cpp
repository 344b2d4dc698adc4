// proc_spawner: a process for the unit tests of lib/proc to start, kill and signal, so that what
// must happen to a whole process (dying with its parent, ending by a signal) never happens to the
// test runner itself. Every mode prints one line when it is ready, then waits.
//
//   attached | detached   spawns `sleep 60` in that mode, prints "PID START_TIME", waits forever
//   signals-scope         StopSignals and a Scope whose on_stop prints "stopping"; then main prints
//                         "received N" and returns 0
//   signals-nested        two Scopes; the inner one's on_stop prints "inner", the outer's "outer"
//   signals-none          StopSignals without a Scope; a signal must end it by that signal
//   signals-twice         a Scope whose on_stop prints "first" and does nothing else
//   signals-child         StopSignals active, spawns `sleep 60` attached, prints "PID START_TIME"

#include "proc/child_process.hpp"
#include "proc/stop_signals.hpp"

#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>
#include <unistd.h>

namespace {

using chain::proc::Child;
using chain::proc::Output;
using chain::proc::SpawnOptions;
using chain::proc::StopSignals;

void say(const std::string& line) {
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
}

[[noreturn]] void wait_forever() {
    for (;;)
        pause();
}

Child spawn_sleep(bool detached) {
    SpawnOptions options;
    options.argv = {"sleep", "60"};
    options.detached = detached;
    options.stdout_mode = Output::Null;
    return Child::spawn(options);
}

void print_child(const Child& child) {
    say(std::to_string(child.pid()) + " " + std::to_string(child.start_time()));
}

/// A one-shot event the signal thread sets and main waits for.
class Event {
public:
    void set() {
        std::lock_guard lock(m_mutex);
        m_set = true;
        m_changed.notify_all();
    }
    void wait() {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_set; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_set = false;
};

int run(const std::string& mode) {
    if (mode == "attached" || mode == "detached") {
        Child child = spawn_sleep(mode == "detached");
        print_child(child);
        wait_forever();
    }
    StopSignals signals;
    if (mode == "signals-scope") {
        Event stopped;
        {
            StopSignals::Scope scope(signals, [&] {
                say("stopping");
                stopped.set();
            });
            say("ready");
            stopped.wait();
        }
        say("received " + std::to_string(signals.received()));
        return 0;
    }
    if (mode == "signals-nested") {
        Event stopped;
        {
            StopSignals::Scope outer(signals, [&] { say("outer"); });
            StopSignals::Scope inner(signals, [&] {
                say("inner");
                stopped.set();
            });
            say("ready");
            stopped.wait();
        }
        return 0;
    }
    if (mode == "signals-none") {
        say("ready");
        wait_forever();
    }
    if (mode == "signals-twice") {
        StopSignals::Scope scope(signals, [] { say("first"); });
        say("ready");
        wait_forever();
    }
    if (mode == "signals-child") {
        Child child = spawn_sleep(false);
        print_child(child);
        wait_forever();
    }
    std::fputs(("proc_spawner: unknown mode " + mode + "\n").c_str(), stderr);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fputs("usage: proc_spawner MODE\n", stderr);
        return 2;
    }
    try {
        return run(argv[1]);
    } catch (const std::exception& e) {
        std::fputs((std::string("proc_spawner: ") + e.what() + "\n").c_str(), stderr);
        return 1;
    }
}
