#pragma once
// What the proc tests share: the helper program, and guards that stop every process a test
// started, also when an assertion fails half way.

#include "proc/child_process.hpp"

#include <chrono>
#include <csignal>
#include <cstdint>
#include <sstream>
#include <string>
#include <thread>

namespace chain::proc::test {

using namespace std::chrono_literals;

/// proc_spawner in the given mode, its stdout piped to the test (tests/unit/proc/spawner).
inline Child spawn_spawner(const std::string& mode) {
    SpawnOptions options;
    options.argv = {CHAINCTL_PROC_SPAWNER, mode};
    return Child::spawn(options);
}

/// A process the test did not spawn itself (a grandchild): terminated at the end of the scope if
/// it still runs.
class ProcessGuard {
public:
    ProcessGuard(pid_t pid, std::uint64_t start_time) : m_pid(pid), m_start_time(start_time) {}
    ~ProcessGuard() {
        try {
            if (std::optional<Child> child = Child::find(m_pid, m_start_time))
                child->terminate(0ms);
        } catch (...) {
        }
    }
    ProcessGuard(const ProcessGuard&) = delete;
    ProcessGuard& operator=(const ProcessGuard&) = delete;

private:
    pid_t m_pid;
    std::uint64_t m_start_time;
};

/// "PID START_TIME", as proc_spawner prints a grandchild.
struct ProcessId {
    pid_t pid = 0;
    std::uint64_t start_time = 0;
};

inline ProcessId parse_process_id(const std::string& line) {
    ProcessId id;
    std::istringstream in(line);
    in >> id.pid >> id.start_time;
    return id;
}

/// Whether the process has ended (or become a zombie) within timeout.
inline bool ends_within(const ProcessId& id, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Child::find(id.pid, id.start_time)) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

} // namespace chain::proc::test
