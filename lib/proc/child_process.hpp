#pragma once
// Child processes: nodes, relays and helpers started by a command. Spawning is safe in a threaded
// program (everything is prepared before fork; the child only calls async-signal-safe functions),
// a failure to start is reported by the child itself, not guessed, and there are no orphans by
// accident: an attached child dies with this process, a detached one is meant to outlive it and is
// found again by a later command through its pid and start time, which together name one process
// even after the pid is reused.

#include "io/file_io.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace chain::proc {

enum class Output { Inherit, Pipe, File, Null };

struct SpawnOptions {
    /// argv[0]: a path (a relative one is taken from this process's working directory, not from
    /// cwd), or a name looked up in PATH (the PATH of env if it sets one, else this process's).
    std::vector<std::string> argv;
    std::filesystem::path cwd; // empty: inherit
    /// Set in the child's environment; every other variable is inherited.
    std::vector<std::pair<std::string, std::string>> env;
    /// false (attached): the child is killed (SIGKILL) when this process dies, and exits at once
    /// if this process is already gone when it starts. Caveat of PR_SET_PDEATHSIG: it fires when
    /// the *thread* that spawned the child ends, so spawn attached children from a thread that
    /// lives as long as they should (main, not a worker of a pool).
    /// true: its own session and process group (setsid); it outlives this process and is not
    /// killed by Child's destructor. Give it a File or Null output: a pipe to a process that is
    /// gone breaks its writes.
    bool detached = false;
    Output stdout_mode = Output::Pipe;
    std::filesystem::path stdout_file;    // Output::File: opened O_APPEND|O_CREAT
    Output stderr_mode = Output::Inherit; // Pipe is not offered: nothing would read it
    std::filesystem::path stderr_file;
    // stdin is always /dev/null.
};

/// One process, owned by one Child at a time and used from one thread at a time.
class Child {
public:
    /// The status of a process that is not our child (found with find()) once it ended: only its
    /// parent can learn how it ended.
    static constexpr int k_unknown_status = -1;

    /// Starts the program; throws chain::Error naming the program and why (not found, not
    /// executable: the exec failure is reported back through a CLOEXEC pipe, not guessed).
    static Child spawn(const SpawnOptions& options);
    /// A detached child found again by its recorded pid and start time (/proc/PID/stat field 22),
    /// e.g. by a later command; nothing when that process is gone (or a zombie) or the pid now
    /// belongs to another process. The result is never killed by its destructor.
    static std::optional<Child> find(pid_t pid, std::uint64_t start_time);
    /// The start time of a process (clock ticks since boot, /proc/PID/stat field 22), or nothing.
    static std::optional<std::uint64_t> start_time_of(pid_t pid);

    Child(Child&& other) noexcept;
    Child& operator=(Child&& other) noexcept;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    /// Attached and still running: SIGKILL and reap. Detached, found or released: left running.
    ~Child();

    pid_t pid() const { return m_pid; }
    std::uint64_t start_time() const { return m_start_time; }

    /// One line of the child's stdout (Output::Pipe), without the newline, waiting at most
    /// timeout. Throws chain::Error saying why not: timed out (with the duration), or the child
    /// closed its output / exited (with its exit status or signal, e.g. "exited with status 1" /
    /// "killed by signal 9"). A last line without a newline is returned as a line.
    std::string read_line(std::chrono::milliseconds timeout);
    /// The stdout pipe's fd (for callers that stream it), or -1. Do not mix with read_line.
    int stdout_fd() const { return m_stdout.get(); }

    bool running();
    /// Waits for the child to end; its status (exit code, or 128+signal; k_unknown_status for a
    /// found process), or nothing on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    /// SIGTERM (and SIGCONT, so a stopped child can act on it), then SIGKILL if it has not ended
    /// within grace; returns its status as wait() does.
    int terminate(std::chrono::milliseconds grace);
    /// Sends sig (e.g. SIGSTOP, SIGCONT, SIGKILL); nothing if the child already ended. Throws
    /// chain::Error if it may not be signalled.
    void signal(int sig);
    /// Forgets the child without stopping it (the destructor then does nothing).
    void release();

private:
    Child() = default;
    /// Collects the exit of our own child; blocking or not. True once it has ended.
    bool reap(bool block);
    /// Closes the pipe and, for an attached child of ours, kills and reaps it.
    void dispose() noexcept;
    std::string ended_text() const;

    pid_t m_pid = -1;
    std::uint64_t m_start_time = 0;
    std::string m_name;         // for messages: argv[0], or the command name of a found process
    bool m_ours = false;        // our child, so waitpid applies
    bool m_kill_at_end = false; // attached, not released: the destructor kills it
    std::optional<int> m_wait_status; // as waitpid gives it, or k_unknown_status, once ended
    io::FileDescriptor m_stdout;
    std::string m_buffer; // read from m_stdout, not yet returned by read_line
    bool m_eof = false;
};

} // namespace chain::proc
