#include "proc/child_process.hpp"

#include "error.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sstream>
#include <string_view>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace chain::proc {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr const char* k_default_path = "/usr/local/bin:/usr/bin:/bin";
constexpr milliseconds k_longest_poll_pause{10};
// After the child closed its output, how long read_line waits to learn how it ended: it usually
// exits right after, and a child that keeps running is not worth the caller's whole timeout.
constexpr milliseconds k_exit_after_eof{2000};

/// What the child reports through the CLOEXEC pipe when it cannot start: which step failed and
/// errno. Nothing arrives when execve succeeds, since the pipe closes with it.
enum class Stage : int { Session, Directory, Redirect, Exec };
struct StartFailure {
    Stage stage;
    int error;
};

/// Everything the child needs, built before fork: between fork and execve it only reads this and
/// calls async-signal-safe functions (another thread may have held the allocator's lock at fork).
struct Launch {
    std::string path;
    std::vector<char*> argv;
    std::vector<std::string> environment;
    std::vector<char*> envp;
    std::string cwd;
    bool detached = false;
    pid_t parent = 0;
    int stdin_fd = -1;
    int stdout_fd = -1; // -1: inherit
    int stderr_fd = -1; // -1: inherit
    int report_fd = -1;
    struct sigaction default_action {};
    sigset_t no_signals;
};

[[noreturn]] void report_and_exit(int fd, Stage stage) {
    StartFailure failure{stage, errno};
    while (::write(fd, &failure, sizeof failure) < 0 && errno == EINTR) {
    }
    _exit(127);
}

bool redirect(int from, int to) {
    if (from < 0) return true;
    while (::dup2(from, to) < 0) // the copy has no FD_CLOEXEC: from is always above 2
        if (errno != EINTR) return false;
    return true;
}

[[noreturn]] void run_child(const Launch& launch) {
    // The program gets normal signals: ignored dispositions and the mask survive execve, and this
    // process may have blocked SIGINT and SIGTERM (StopSignals) or ignored SIGPIPE.
    for (int sig = 1; sig < NSIG; ++sig)
        if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &launch.default_action, nullptr);
    if (launch.detached) {
        if (::setsid() < 0) report_and_exit(launch.report_fd, Stage::Session);
    } else {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        // The parent may have died before prctl took effect: then nobody would kill this child.
        if (::getppid() != launch.parent) _exit(127);
    }
    if (!launch.cwd.empty() && ::chdir(launch.cwd.c_str()) < 0)
        report_and_exit(launch.report_fd, Stage::Directory);
    if (!redirect(launch.stdin_fd, STDIN_FILENO) || !redirect(launch.stdout_fd, STDOUT_FILENO) ||
        !redirect(launch.stderr_fd, STDERR_FILENO))
        report_and_exit(launch.report_fd, Stage::Redirect);
    // Descriptors opened elsewhere without O_CLOEXEC (a listening socket) must not leak into the
    // program, where they would outlive this process. Old kernels lack it: best effort.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    ::sigprocmask(SIG_SETMASK, &launch.no_signals, nullptr);
    ::execve(launch.path.c_str(), launch.argv.data(), launch.envp.data());
    report_and_exit(launch.report_fd, Stage::Exec);
}

[[noreturn]] void fail_to_start(const std::string& name, const std::string& why) {
    throw Error("cannot start " + name + ": " + why);
}

/// argv[0] as execve needs it: a path, absolute so that cwd does not change its meaning.
std::string resolve_program(const SpawnOptions& options) {
    const std::string& name = options.argv.front();
    if (name.empty()) throw Error("cannot start a program with an empty name");
    if (name.find('/') != std::string::npos) return fs::absolute(name).string();
    const char* inherited = std::getenv("PATH");
    std::string search = inherited ? inherited : k_default_path;
    for (const auto& [key, value] : options.env)
        if (key == "PATH") search = value;
    std::istringstream dirs(search);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return fs::absolute(candidate).string();
    }
    fail_to_start(name, "no such program in PATH");
}

std::vector<std::string> child_environment(const SpawnOptions& options) {
    auto overridden = [&](std::string_view name, std::size_t from) {
        return std::any_of(options.env.begin() + static_cast<std::ptrdiff_t>(from),
                           options.env.end(), [&](const auto& kv) { return kv.first == name; });
    };
    std::vector<std::string> out;
    for (char** entry = environ; entry && *entry; ++entry) {
        std::string_view text(*entry);
        if (!overridden(text.substr(0, text.find('=')), 0)) out.emplace_back(text);
    }
    for (std::size_t i = 0; i < options.env.size(); ++i) {
        const auto& [key, value] = options.env[i];
        if (key.empty() || key.find('=') != std::string::npos)
            fail_to_start(options.argv.front(), "invalid environment variable name '" + key + "'");
        if (!overridden(key, i + 1)) out.push_back(key + "=" + value); // the last setting wins
    }
    return out;
}

/// The descriptor moved above 0, 1 and 2, so that redirecting one standard stream in the child
/// cannot overwrite another one's source (this process may run with a standard stream closed).
io::FileDescriptor above_stdio(io::FileDescriptor fd, const std::string& name) {
    if (fd.get() > STDERR_FILENO) return fd;
    int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (moved < 0) fail_to_start(name, "cannot duplicate a descriptor: " + io::errno_text(errno));
    return io::FileDescriptor(moved);
}

io::FileDescriptor open_output(const fs::path& path, const std::string& name) {
    if (path.empty()) fail_to_start(name, "no file given for its output");
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        fail_to_start(name,
                      "cannot open " + path.string() + " for its output: " + io::errno_text(errno));
    return above_stdio(io::FileDescriptor(fd), name);
}

struct Pipe {
    io::FileDescriptor read;
    io::FileDescriptor write;
};

Pipe make_pipe(const std::string& name) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0)
        fail_to_start(name, "cannot create a pipe: " + io::errno_text(errno));
    io::FileDescriptor read(fds[0]);
    io::FileDescriptor write(fds[1]);
    return {above_stdio(std::move(read), name), above_stdio(std::move(write), name)};
}

/// The child's descriptor for one output stream, keeping what it refers to open in `keep`.
int output_fd(Output mode, const fs::path& file, int null_fd, const std::string& name,
              std::vector<io::FileDescriptor>& keep, io::FileDescriptor* pipe_read) {
    switch (mode) {
    case Output::Inherit:
        return -1;
    case Output::Null:
        return null_fd;
    case Output::File:
        keep.push_back(open_output(file, name));
        return keep.back().get();
    case Output::Pipe: {
        Pipe pipe = make_pipe(name);
        *pipe_read = std::move(pipe.read);
        keep.push_back(std::move(pipe.write));
        return keep.back().get();
    }
    }
    return -1;
}

/// Reads the child's report; nothing when execve succeeded (the pipe closed without a word).
std::optional<StartFailure> read_report(int fd) {
    StartFailure failure{};
    std::size_t got = 0;
    while (got < sizeof failure) {
        ssize_t n = ::read(fd, reinterpret_cast<char*>(&failure) + got, sizeof failure - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got == sizeof failure) return failure;
    return std::nullopt;
}

std::string failure_text(const StartFailure& failure, const SpawnOptions& options) {
    std::string error = io::errno_text(failure.error);
    switch (failure.stage) {
    case Stage::Session:
        return "cannot start a new session: " + error;
    case Stage::Directory:
        return "cannot change to directory " + options.cwd.string() + ": " + error;
    case Stage::Redirect:
        return "cannot redirect its standard streams: " + error;
    case Stage::Exec:
        break;
    }
    return error;
}

void reap_blocking(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

struct ProcessStat {
    std::string command;
    char state = '?';
    std::uint64_t start_time = 0;
};

/// /proc/PID/stat: the command name (field 2), state (3) and start time (22).
std::optional<ProcessStat> read_stat(pid_t pid) {
    if (pid <= 0) return std::nullopt;
    std::string path = "/proc/" + std::to_string(pid) + "/stat";
    io::FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return std::nullopt;
    std::string text;
    char buffer[1024];
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt; // the process vanished while being read
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    // The command name may hold spaces and parentheses: it runs to the last ')'.
    std::size_t open = text.find('(');
    std::size_t close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open)
        return std::nullopt;
    ProcessStat stat;
    stat.command = text.substr(open + 1, close - open - 1);
    std::istringstream fields(text.substr(close + 1));
    fields >> stat.state;
    std::string skipped;
    for (int field = 4; field < 22; ++field)
        fields >> skipped;
    fields >> stat.start_time;
    if (!fields) return std::nullopt;
    return stat;
}

bool alive(const std::optional<ProcessStat>& stat) {
    // A zombie has ended; it only waits for its parent (or init) to collect it.
    return stat && stat->state != 'Z' && stat->state != 'X';
}

int status_code(int wait_status) {
    if (wait_status < 0) return Child::k_unknown_status;
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return Child::k_unknown_status;
}

std::string signal_name(int sig) {
    const char* abbreviation = ::sigabbrev_np(sig);
    return abbreviation ? std::string("SIG") + abbreviation : "signal " + std::to_string(sig);
}

std::string describe_status(int wait_status) {
    if (wait_status >= 0 && WIFEXITED(wait_status))
        return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
    if (wait_status >= 0 && WIFSIGNALED(wait_status)) {
        int sig = WTERMSIG(wait_status);
        return "killed by signal " + std::to_string(sig) + " (" + signal_name(sig) + ")";
    }
    return "ended"; // not our child: only its parent learns how
}

} // namespace

Child Child::spawn(const SpawnOptions& options) {
    if (options.argv.empty()) throw Error("cannot start a program: no command given");
    const std::string& name = options.argv.front();
    if (options.stderr_mode == Output::Pipe)
        fail_to_start(name, "its standard error can be inherited, a file or discarded, not a pipe");

    Launch launch;
    launch.path = resolve_program(options);
    for (const std::string& arg : options.argv)
        launch.argv.push_back(const_cast<char*>(arg.c_str())); // execve does not write them
    launch.argv.push_back(nullptr);
    launch.environment = child_environment(options);
    for (std::string& entry : launch.environment)
        launch.envp.push_back(entry.data());
    launch.envp.push_back(nullptr);
    launch.cwd = options.cwd.string();
    launch.detached = options.detached;
    launch.parent = ::getpid();
    launch.default_action.sa_handler = SIG_DFL;
    sigemptyset(&launch.default_action.sa_mask);
    sigemptyset(&launch.no_signals);

    io::FileDescriptor null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null_fd.valid()) fail_to_start(name, "cannot open /dev/null: " + io::errno_text(errno));
    null_fd = above_stdio(std::move(null_fd), name);
    launch.stdin_fd = null_fd.get();
    std::vector<io::FileDescriptor> child_ends; // closed here once the child has its copies
    child_ends.reserve(3);
    io::FileDescriptor stdout_read;
    launch.stdout_fd = output_fd(options.stdout_mode, options.stdout_file, null_fd.get(), name,
                                 child_ends, &stdout_read);
    launch.stderr_fd = output_fd(options.stderr_mode, options.stderr_file, null_fd.get(), name,
                                 child_ends, nullptr);
    Pipe report = make_pipe(name);
    launch.report_fd = report.write.get();

    // No signal handler of this process may run in the child before it resets the dispositions.
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = ::fork();
    if (pid == 0) run_child(launch);
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (pid < 0) fail_to_start(name, io::errno_text(fork_error));

    report.write = io::FileDescriptor(); // else read_report would wait for our own copy
    child_ends.clear();
    null_fd = io::FileDescriptor();
    if (std::optional<StartFailure> failure = read_report(report.read.get())) {
        reap_blocking(pid);
        fail_to_start(name, failure_text(*failure, options));
    }

    Child child;
    child.m_pid = pid;
    child.m_start_time = start_time_of(pid).value_or(0); // not reaped yet, so still readable
    child.m_name = name;
    child.m_ours = true;
    child.m_kill_at_end = !options.detached;
    child.m_stdout = std::move(stdout_read);
    return child;
}

std::optional<Child> Child::find(pid_t pid, std::uint64_t start_time) {
    std::optional<ProcessStat> stat = read_stat(pid);
    if (!alive(stat) || stat->start_time != start_time) return std::nullopt;
    Child child;
    child.m_pid = pid;
    child.m_start_time = start_time;
    child.m_name = stat->command;
    // Usually another process's child; but if it is ours, waitpid must collect it.
    siginfo_t info{};
    child.m_ours = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0;
    return child;
}

std::optional<std::uint64_t> Child::start_time_of(pid_t pid) {
    std::optional<ProcessStat> stat = read_stat(pid);
    if (!stat) return std::nullopt;
    return stat->start_time;
}

Child::Child(Child&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)), m_start_time(other.m_start_time),
      m_name(std::move(other.m_name)), m_ours(std::exchange(other.m_ours, false)),
      m_kill_at_end(std::exchange(other.m_kill_at_end, false)), m_wait_status(other.m_wait_status),
      m_stdout(std::move(other.m_stdout)), m_buffer(std::move(other.m_buffer)), m_eof(other.m_eof) {
}

Child& Child::operator=(Child&& other) noexcept {
    if (this == &other) return *this;
    dispose();
    m_pid = std::exchange(other.m_pid, -1);
    m_start_time = other.m_start_time;
    m_name = std::move(other.m_name);
    m_ours = std::exchange(other.m_ours, false);
    m_kill_at_end = std::exchange(other.m_kill_at_end, false);
    m_wait_status = other.m_wait_status;
    m_stdout = std::move(other.m_stdout);
    m_buffer = std::move(other.m_buffer);
    m_eof = other.m_eof;
    return *this;
}

Child::~Child() {
    dispose();
}

void Child::dispose() noexcept {
    m_stdout = io::FileDescriptor();
    if (m_pid > 0 && m_ours && m_kill_at_end && !m_wait_status) {
        ::kill(m_pid, SIGKILL);
        reap(true);
    }
    m_pid = -1;
}

void Child::release() {
    m_kill_at_end = false;
}

bool Child::reap(bool block) {
    if (m_wait_status) return true;
    int status = 0;
    for (;;) {
        pid_t done = ::waitpid(m_pid, &status, block ? 0 : WNOHANG);
        if (done == m_pid) {
            m_wait_status = status;
            return true;
        }
        if (done == 0) return false;
        if (errno == EINTR) continue;
        // ECHILD: collected elsewhere (SIGCHLD ignored, a waitpid(-1) in another thread), so how
        // it ended is lost, but it has ended.
        m_wait_status = k_unknown_status;
        return true;
    }
}

bool Child::running() {
    if (m_pid <= 0 || m_wait_status) return false;
    if (m_ours) return !reap(false);
    std::optional<ProcessStat> stat = read_stat(m_pid);
    if (alive(stat) && stat->start_time == m_start_time) return true;
    m_wait_status = k_unknown_status;
    return false;
}

std::optional<int> Child::wait(milliseconds timeout) {
    Clock::time_point deadline = Clock::now() + std::max(timeout, milliseconds(0));
    milliseconds pause(1);
    for (;;) {
        if (!running()) return status_code(m_wait_status.value_or(k_unknown_status));
        Clock::time_point now = Clock::now();
        if (now >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
        pause = std::min(pause * 2, k_longest_poll_pause);
    }
}

int Child::terminate(milliseconds grace) {
    if (!running()) return status_code(m_wait_status.value_or(k_unknown_status));
    signal(SIGTERM);
    signal(SIGCONT);
    if (std::optional<int> status = wait(grace)) return *status;
    signal(SIGKILL);
    if (m_ours) {
        reap(true);
        return status_code(*m_wait_status);
    }
    for (;;)
        if (std::optional<int> status = wait(std::chrono::minutes(1))) return *status;
}

void Child::signal(int sig) {
    // For a process that is not our child, running() rechecks the start time: the pid may have
    // been reused. Our own child's pid cannot be until we reap it.
    if (!running()) return;
    if (::kill(m_pid, sig) == 0 || errno == ESRCH) return;
    throw Error("cannot send " + signal_name(sig) + " to " + m_name + " (pid " +
                std::to_string(m_pid) + "): " + io::errno_text(errno));
}

std::string Child::read_line(milliseconds timeout) {
    if (!m_stdout.valid())
        throw Error("no line from " + m_name + ": its output is not a pipe to this process");
    Clock::time_point deadline = Clock::now() + timeout;
    for (;;) {
        if (std::size_t end = m_buffer.find('\n'); end != std::string::npos) {
            std::string line = m_buffer.substr(0, end);
            m_buffer.erase(0, end + 1);
            return line;
        }
        if (m_eof) {
            if (!m_buffer.empty()) return std::exchange(m_buffer, std::string());
            milliseconds left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
            wait(std::clamp(left, milliseconds(0), k_exit_after_eof));
            throw Error("no line from " + m_name + ": it " + ended_text());
        }
        auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
        pollfd ready{m_stdout.get(), POLLIN, 0};
        int polled =
            ::poll(&ready, 1, static_cast<int>(std::clamp<long long>(left.count(), 0, INT_MAX)));
        if (polled < 0 && errno == EINTR) continue;
        if (polled < 0) throw Error("cannot read from " + m_name + ": " + io::errno_text(errno));
        if (polled == 0)
            throw Error("no line from " + m_name + ": timed out after " +
                        std::to_string(timeout.count()) + " ms");
        char buffer[4096];
        ssize_t n = ::read(m_stdout.get(), buffer, sizeof buffer);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) throw Error("cannot read from " + m_name + ": " + io::errno_text(errno));
        if (n == 0)
            m_eof = true;
        else
            m_buffer.append(buffer, static_cast<std::size_t>(n));
    }
}

std::string Child::ended_text() const {
    if (!m_wait_status) return "closed its output but is still running";
    return describe_status(*m_wait_status);
}

} // namespace chain::proc
