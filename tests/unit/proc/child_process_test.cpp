// Child: spawning, reading lines, exit statuses, stopping, finding again, and the destructor.
#include "error.hpp"
#include "proc/child_process.hpp"
#include "process_guard.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace chain::proc;
using namespace chain::proc::test;
using Catch::Matchers::Contains;
using std::chrono::steady_clock;

namespace {

namespace fs = std::filesystem;

SpawnOptions command(std::vector<std::string> argv) {
    SpawnOptions options;
    options.argv = std::move(argv);
    return options;
}

SpawnOptions shell(const std::string& script) {
    return command({"/bin/sh", "-c", script});
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const chain::Error& e) {
        return e.what();
    }
    return "(no error)";
}

/// A fresh directory, removed with everything in it at the end of the scope.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "chainctl-proc-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        m_path = fs::canonical(pattern);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

std::string file_text(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST_CASE("a piped child's lines come one by one and then its exit status", "[proc][child]") {
    Child child = Child::spawn(shell("echo hello; echo world"));
    CHECK(child.stdout_fd() >= 0);
    CHECK(child.read_line(5s) == "hello");
    CHECK(child.read_line(5s) == "world");
    CHECK_THROWS_WITH(child.read_line(5s), Contains("exited with status 0"));
    CHECK(child.wait(5s) == 0);
    CHECK_FALSE(child.running());
}

TEST_CASE("a failing command gives its exit status", "[proc][child]") {
    Child child = Child::spawn(shell("exit 3"));
    CHECK(child.wait(5s) == 3);
    CHECK_THROWS_WITH(child.read_line(5s), Contains("exited with status 3"));
}

TEST_CASE("a program that cannot start throws naming it and why", "[proc][child]") {
    SECTION("not in PATH") {
        std::string message = error_of([] {
            Child::spawn(command({"chainctl-no-such-program", "x"}));
        });
        CHECK_THAT(message, Contains("chainctl-no-such-program"));
        CHECK_THAT(message, Contains("no such program in PATH"));
    }
    SECTION("a path that does not exist: reported by the child's execve") {
        std::string message = error_of([] { Child::spawn(command({"/nonexistent/dir/prog"})); });
        CHECK_THAT(message, Contains("/nonexistent/dir/prog"));
        CHECK_THAT(message, Contains("no such file or directory"));
    }
    SECTION("a file that is not executable") {
        TempDir dir;
        fs::path script = dir.path() / "not-executable";
        std::ofstream(script) << "#!/bin/sh\necho hi\n";
        ::chmod(script.c_str(), 0644);
        std::string message = error_of([&] { Child::spawn(command({script.string()})); });
        CHECK_THAT(message, Contains(script.string()));
        CHECK_THAT(message, Contains("permission denied"));
    }
    SECTION("a working directory that does not exist") {
        SpawnOptions options = shell("true");
        options.cwd = "/nonexistent/dir";
        std::string message = error_of([&] { Child::spawn(options); });
        CHECK_THAT(message, Contains("/bin/sh"));
        CHECK_THAT(message, Contains("cannot change to directory /nonexistent/dir"));
    }
    SECTION("no command") {
        CHECK_THROWS_AS(Child::spawn(SpawnOptions{}), chain::Error);
    }
}

TEST_CASE("read_line on a silent child times out after about the timeout", "[proc][child]") {
    Child child = Child::spawn(command({"sleep", "5"}));
    auto started = steady_clock::now();
    std::string message = error_of([&] { child.read_line(300ms); });
    auto took = steady_clock::now() - started;
    CHECK_THAT(message, Contains("timed out after 300 ms"));
    CHECK_THAT(message, Contains("sleep"));
    CHECK(took >= 300ms);
    CHECK(took < 1500ms);
    CHECK(child.running());
}

TEST_CASE("read_line keeps partial output across calls", "[proc][child]") {
    Child child = Child::spawn(shell("printf par; sleep 0.3; printf 'tial\\nlast'"));
    CHECK_THROWS_WITH(child.read_line(50ms), Contains("timed out"));
    CHECK(child.read_line(5s) == "partial");
    CHECK(child.read_line(5s) == "last"); // a last line without a newline is still a line
    CHECK_THROWS_WITH(child.read_line(5s), Contains("exited with status 0"));
}

TEST_CASE("output goes to a file (appended) or nowhere", "[proc][child]") {
    TempDir dir;
    fs::path out = dir.path() / "out.log";
    fs::path err = dir.path() / "err.log";
    for (int run = 0; run < 2; ++run) {
        SpawnOptions options = shell("echo one; echo two >&2");
        options.stdout_mode = Output::File;
        options.stdout_file = out;
        options.stderr_mode = Output::File;
        options.stderr_file = err;
        Child child = Child::spawn(options);
        CHECK(child.stdout_fd() == -1);
        REQUIRE(child.wait(5s) == 0);
    }
    CHECK(file_text(out) == "one\none\n");
    CHECK(file_text(err) == "two\ntwo\n");

    SpawnOptions silent = shell("echo lost");
    silent.stdout_mode = Output::Null;
    Child child = Child::spawn(silent);
    CHECK(child.stdout_fd() == -1);
    CHECK_THROWS_WITH(child.read_line(1s), Contains("not a pipe"));
    CHECK(child.wait(5s) == 0);

    SpawnOptions piped_stderr = shell("true");
    piped_stderr.stderr_mode = Output::Pipe;
    CHECK_THROWS_AS(Child::spawn(piped_stderr), chain::Error);
}

TEST_CASE("the child gets its working directory and environment and an empty stdin",
          "[proc][child]") {
    TempDir dir;
    ::setenv("CHAINCTL_PROC_INHERITED", "from parent", 1);
    SpawnOptions options =
        shell("pwd; echo \"$CHAINCTL_PROC_SET\"; echo \"$CHAINCTL_PROC_INHERITED\";"
              " cat; echo end of input");
    options.cwd = dir.path();
    options.env = {{"CHAINCTL_PROC_SET", "first"}, {"CHAINCTL_PROC_SET", "chosen"}};
    Child child = Child::spawn(options);
    CHECK(child.read_line(5s) == dir.path().string());
    CHECK(child.read_line(5s) == "chosen");
    CHECK(child.read_line(5s) == "from parent");
    CHECK(child.read_line(5s) == "end of input"); // cat read /dev/null, not the test's stdin
    CHECK(child.wait(5s) == 0);
    ::unsetenv("CHAINCTL_PROC_INHERITED");
}

TEST_CASE("a name is looked up in PATH (the child's own if env sets one)", "[proc][child]") {
    TempDir dir;
    fs::path tool = dir.path() / "chainctl-proc-tool";
    std::ofstream(tool) << "#!/bin/sh\necho tool ran\n";
    ::chmod(tool.c_str(), 0755);
    SpawnOptions options = command({"chainctl-proc-tool"});
    options.env = {{"PATH", dir.path().string() + ":/usr/bin:/bin"}};
    Child child = Child::spawn(options);
    CHECK(child.read_line(5s) == "tool ran");
    CHECK(child.wait(5s) == 0);
}

TEST_CASE("the child gets a normal signal mask and dispositions", "[proc][child]") {
    // This thread blocks SIGTERM and ignores SIGUSR2 for a moment, as a server would.
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigset_t previous_mask;
    pthread_sigmask(SIG_BLOCK, &term, &previous_mask);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction previous_action {};
    sigaction(SIGUSR2, &ignore, &previous_action);
    std::optional<Child> child;
    try {
        child = Child::spawn(command({"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"}));
    } catch (...) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    sigaction(SIGUSR2, &previous_action, nullptr);
    REQUIRE(child);
    CHECK(child->read_line(5s) == "SigBlk:\t0000000000000000");
    CHECK(child->read_line(5s) == "SigIgn:\t0000000000000000");
    CHECK(child->wait(5s) == 0);
}

TEST_CASE("wait gives nothing while the child runs and then 128+signal", "[proc][child]") {
    Child child = Child::spawn(command({"sleep", "5"}));
    CHECK(child.wait(100ms) == std::nullopt);
    CHECK(child.running());
    child.signal(SIGKILL);
    CHECK(child.wait(5s) == 128 + SIGKILL);
    CHECK_FALSE(child.running());
    child.signal(SIGKILL); // already ended: nothing to do, no error
}

TEST_CASE("read_line names the signal that killed the child", "[proc][child]") {
    Child child = Child::spawn(shell("echo up; exec sleep 5"));
    REQUIRE(child.read_line(5s) == "up");
    child.signal(SIGKILL);
    CHECK_THROWS_WITH(child.read_line(5s), Contains("killed by signal 9"));
}

TEST_CASE("terminate sends SIGTERM and then SIGKILL after the grace period", "[proc][child]") {
    SECTION("a child that ignores SIGTERM is killed") {
        Child child = Child::spawn(shell("trap '' TERM; echo ready; exec sleep 30"));
        REQUIRE(child.read_line(5s) == "ready"); // the trap is set
        auto started = steady_clock::now();
        CHECK(child.terminate(300ms) == 128 + SIGKILL);
        auto took = steady_clock::now() - started;
        CHECK(took >= 300ms);
        CHECK(took < 3s);
        CHECK_FALSE(child.running());
    }
    SECTION("a normal child ends on SIGTERM") {
        Child child = Child::spawn(command({"sleep", "30"}));
        CHECK(child.terminate(5s) == 128 + SIGTERM);
    }
    SECTION("a stopped child still ends on SIGTERM") {
        Child child = Child::spawn(command({"sleep", "30"}));
        child.signal(SIGSTOP);
        auto started = steady_clock::now();
        CHECK(child.terminate(5s) == 128 + SIGTERM);
        CHECK(steady_clock::now() - started < 3s);
    }
    SECTION("an ended child just gives its status") {
        Child child = Child::spawn(shell("exit 4"));
        REQUIRE(child.wait(5s) == 4);
        CHECK(child.terminate(5s) == 4);
    }
}

TEST_CASE("find: a pid with another start time is another process", "[proc][child]") {
    Child child = Child::spawn(command({"sleep", "30"}));
    std::optional<std::uint64_t> start = Child::start_time_of(child.pid());
    REQUIRE(start);
    CHECK(*start == child.start_time());
    CHECK(*start > 0);

    CHECK_FALSE(Child::find(child.pid(), child.start_time() + 1));
    CHECK_FALSE(Child::find(child.pid(), child.start_time() - 1));
    std::optional<Child> found = Child::find(child.pid(), child.start_time());
    REQUIRE(found);
    CHECK(found->pid() == child.pid());
    CHECK(found->running());

    child.signal(SIGKILL);
    REQUIRE(child.wait(5s) == 128 + SIGKILL);
    CHECK_FALSE(Child::find(child.pid(), child.start_time()));
    CHECK_FALSE(found->running());
    CHECK_FALSE(Child::start_time_of(child.pid()));
    CHECK_FALSE(Child::find(-1, 0));
}

TEST_CASE("the destructor kills an attached child but not a released or detached one",
          "[proc][child]") {
    SECTION("attached") {
        ProcessId id;
        {
            Child child = Child::spawn(command({"sleep", "30"}));
            id = {child.pid(), child.start_time()};
        }
        // Killed and reaped by the destructor: not even a zombie is left.
        CHECK_FALSE(Child::find(id.pid, id.start_time));
        CHECK_FALSE(Child::start_time_of(id.pid));
    }
    SECTION("moved, then destroyed once") {
        ProcessId id;
        {
            Child first = Child::spawn(command({"sleep", "30"}));
            id = {first.pid(), first.start_time()};
            Child second = std::move(first);
            Child third = Child::spawn(command({"true"}));
            third = std::move(second);
            CHECK(third.running());
        }
        CHECK_FALSE(Child::find(id.pid, id.start_time));
    }
    SECTION("released or detached") {
        bool detached = GENERATE(false, true);
        INFO((detached ? "detached" : "released"));
        ProcessId id;
        {
            SpawnOptions options = command({"sleep", "30"});
            options.detached = detached;
            options.stdout_mode = Output::Null;
            Child child = Child::spawn(options);
            id = {child.pid(), child.start_time()};
            if (!detached) child.release();
        }
        ProcessGuard guard(id.pid, id.start_time);
        std::optional<Child> found = Child::find(id.pid, id.start_time);
        REQUIRE(found);
        CHECK(found->running());
        CHECK(found->terminate(5s) == 128 + SIGTERM); // ours still, so its status is known
        CHECK_FALSE(Child::find(id.pid, id.start_time));
    }
}

TEST_CASE("an attached child dies with the process that spawned it", "[proc][child][lifetime]") {
    Child spawner = spawn_spawner("attached");
    ProcessId grandchild = parse_process_id(spawner.read_line(5s));
    ProcessGuard guard(grandchild.pid, grandchild.start_time);
    REQUIRE(Child::find(grandchild.pid, grandchild.start_time));

    spawner.signal(SIGKILL);
    REQUIRE(spawner.wait(5s) == 128 + SIGKILL);
    CHECK(ends_within(grandchild, 2s));
}

TEST_CASE("a detached child outlives the process that spawned it", "[proc][child][lifetime]") {
    Child spawner = spawn_spawner("detached");
    ProcessId grandchild = parse_process_id(spawner.read_line(5s));
    ProcessGuard guard(grandchild.pid, grandchild.start_time);

    spawner.signal(SIGKILL);
    REQUIRE(spawner.wait(5s) == 128 + SIGKILL);
    CHECK_FALSE(ends_within(grandchild, 300ms));

    std::optional<Child> found = Child::find(grandchild.pid, grandchild.start_time);
    REQUIRE(found);
    CHECK(found->pid() == grandchild.pid);
    CHECK(found->running());
    // Its own session: a Ctrl-C in the spawner's terminal does not reach it.
    CHECK(::getsid(grandchild.pid) == grandchild.pid);
    CHECK(found->terminate(5s) == Child::k_unknown_status); // not our child: how is unknown
    CHECK_FALSE(found->running());
    CHECK_FALSE(Child::find(grandchild.pid, grandchild.start_time));
}
