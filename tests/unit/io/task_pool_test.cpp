// The task pool's overload policy and the cancellation flag.
#include "io/cancellation.hpp"
#include "io/task_pool.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

using namespace chain::io;
using namespace std::chrono_literals;

TEST_CASE("a full task pool refuses new tasks instead of queueing without bound", "[task_pool]") {
    std::atomic<bool> release{false};
    std::atomic<int> done{0};
    {
        TaskPool pool(1, 2);
        auto blocker = [&] {
            while (!release)
                std::this_thread::sleep_for(1ms);
            ++done;
        };
        REQUIRE(pool.post(blocker)); // runs
        std::this_thread::sleep_for(50ms);
        CHECK(pool.post(blocker));       // queued
        CHECK(pool.post(blocker));       // queued
        CHECK_FALSE(pool.post(blocker)); // the queue holds two: refused
        release = true;
        while (done < 3)
            std::this_thread::sleep_for(1ms);
        CHECK(pool.post([&] { ++done; }));
        while (done < 4)
            std::this_thread::sleep_for(1ms);
    }
    CHECK(done == 4);
}

TEST_CASE("a task that throws does not end the pool", "[task_pool]") {
    std::atomic<int> done{0};
    TaskPool pool(1, 10);
    pool.post([] { throw std::runtime_error("boom"); });
    pool.post([&] { ++done; });
    for (int i = 0; i < 1000 && done == 0; ++i)
        std::this_thread::sleep_for(1ms);
    CHECK(done == 1);
}

TEST_CASE("tasks not started when the pool goes are dropped, running ones finish", "[task_pool]") {
    std::atomic<int> started{0}, finished{0};
    {
        TaskPool pool(1, 10);
        for (int i = 0; i < 5; ++i)
            pool.post([&] {
                ++started;
                std::this_thread::sleep_for(30ms);
                ++finished;
            });
        std::this_thread::sleep_for(10ms);
    }
    CHECK(started == finished);
    CHECK(started < 5);
}

TEST_CASE("a cancellation runs its callbacks once, and at once when already cancelled",
          "[cancellation]") {
    Cancellation c;
    int calls = 0;
    {
        CancelCallback watch(&c, [&] { ++calls; });
        CHECK_FALSE(c.cancelled());
        c.cancel();
        c.cancel();
        CHECK(c.cancelled());
        CHECK(c.flag().load());
    }
    CHECK(calls == 1);
    CancelCallback late(&c, [&] { ++calls; });
    CHECK(calls == 2);
    // A removed callback never runs.
    Cancellation other;
    auto id = other.on_cancel([&] { calls += 100; });
    other.remove(id);
    other.cancel();
    CHECK(calls == 2);
}
