// StopSignals. The signals are sent to proc_spawner, never to the test runner: what must happen
// is that a process dies by a signal.
#include "proc/stop_signals.hpp"
#include "process_guard.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <pthread.h>

using namespace chain::proc;
using namespace chain::proc::test;
using Catch::Matchers::Contains;

namespace {

bool blocked_here(int sig) {
    sigset_t mask;
    pthread_sigmask(SIG_SETMASK, nullptr, &mask);
    return sigismember(&mask, sig) == 1;
}

} // namespace

TEST_CASE("StopSignals blocks the stop signals while it lives and allows one at a time",
          "[proc][signals]") {
    REQUIRE_FALSE(blocked_here(SIGHUP));
    {
        StopSignals signals;
        CHECK(signals.received() == 0);
        CHECK(blocked_here(SIGINT));
        CHECK(blocked_here(SIGTERM));
        CHECK(blocked_here(SIGHUP));
        CHECK_THROWS_WITH(StopSignals(), Contains("already"));
        StopSignals::Scope scope(signals, [] {});
    }
    CHECK_FALSE(blocked_here(SIGHUP));
    StopSignals again; // the first one is gone
    CHECK(again.received() == 0);
}

TEST_CASE("in a Scope the first signal calls on_stop", "[proc][signals]") {
    Child spawner = spawn_spawner("signals-scope");
    REQUIRE(spawner.read_line(5s) == "ready");
    spawner.signal(SIGTERM);
    CHECK(spawner.read_line(5s) == "stopping");
    CHECK(spawner.read_line(5s) == "received " + std::to_string(SIGTERM));
    CHECK(spawner.wait(5s) == 0);
}

TEST_CASE("the innermost Scope gets the signal", "[proc][signals]") {
    Child spawner = spawn_spawner("signals-nested");
    REQUIRE(spawner.read_line(5s) == "ready");
    spawner.signal(SIGHUP);
    CHECK(spawner.read_line(5s) == "inner");
    CHECK_THROWS_WITH(spawner.read_line(5s), Contains("exited with status 0")); // no "outer"
    CHECK(spawner.wait(5s) == 0);
}

TEST_CASE("without a Scope a signal ends the process by that signal", "[proc][signals]") {
    int sig = GENERATE(SIGINT, SIGTERM, SIGHUP);
    INFO("signal " << sig);
    Child spawner = spawn_spawner("signals-none");
    REQUIRE(spawner.read_line(5s) == "ready");
    spawner.signal(sig);
    // Killed by it, not an exit(128+N) look-alike: read_line tells the two apart.
    CHECK_THROWS_WITH(spawner.read_line(5s), Contains("killed by signal " + std::to_string(sig)));
    CHECK(spawner.wait(5s) == 128 + sig);
}

TEST_CASE("in a Scope a second signal ends the process", "[proc][signals]") {
    Child spawner = spawn_spawner("signals-twice");
    REQUIRE(spawner.read_line(5s) == "ready");
    spawner.signal(SIGTERM);
    REQUIRE(spawner.read_line(5s) == "first");
    CHECK(spawner.wait(200ms) == std::nullopt); // on_stop did not end it
    spawner.signal(SIGTERM);
    CHECK_THROWS_WITH(spawner.read_line(5s), Contains("killed by signal 15"));
    CHECK(spawner.wait(5s) == 128 + SIGTERM);
}

TEST_CASE("a child spawned under StopSignals gets a normal signal mask", "[proc][signals]") {
    Child spawner = spawn_spawner("signals-child");
    ProcessId grandchild = parse_process_id(spawner.read_line(5s));
    ProcessGuard guard(grandchild.pid, grandchild.start_time);
    REQUIRE(Child::find(grandchild.pid, grandchild.start_time));
    REQUIRE(::kill(grandchild.pid, SIGTERM) == 0);
    CHECK(ends_within(grandchild, 2s));
    CHECK(spawner.running()); // SIGTERM went to the grandchild only
}
