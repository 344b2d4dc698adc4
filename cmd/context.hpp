#pragma once
// What every command shares: the global flags (defined once, in main.cpp), the output streams and
// the repository lookup.

#include "error.hpp"
#include "io/cancellation.hpp"
#include "proc/stop_signals.hpp"
#include "store/local_ledger.hpp"
#include "store/repository.hpp"

#include "json/value.hpp"
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace CLI {
class App;
class Validator;
} // namespace CLI

namespace chainctl {

/// stdout was closed by the reader (`chainctl chain show | head -1`): stop quietly.
struct StdoutClosed {};

/// A usage error found after parsing (exit 2), e.g. two options that cannot go together.
class UsageError : public chain::Error {
public:
    using chain::Error::Error;
};

/// Exit codes; documented in chainctl(1).
enum ExitCode : int {
    k_exit_ok = 0,
    k_exit_failure = 1,
    k_exit_usage = 2,
    k_exit_cancelled = 130,
    k_exit_stdout_closed = 141,
};

struct GlobalOptions {
    std::string directory; // -C
    bool json = false;
    bool quiet = false;
    bool verbose = false;
    std::string color = "auto";
    std::string node; // --node URL, on the commands that take it
};

/// Buffered writes to a file descriptor that report a closed pipe and other failures.
class Output {
public:
    explicit Output(int fd) : m_fd(fd) {}
    ~Output();
    void write(std::string_view text);
    void line(std::string_view text = {});
    void flush();
    bool is_terminal() const;

private:
    int m_fd;
    std::string m_buffer;
};

class Context {
public:
    explicit Context(chain::proc::StopSignals& signals) : m_signals(signals) {}

    GlobalOptions options;
    int exit_code = k_exit_ok;

    /// A cancellation that SIGINT or SIGTERM sets from now on, for work that honours it (a
    /// search, a call to a node): the signal then stops that work instead of the process.
    const chain::io::Cancellation& stop_on_signal();
    chain::proc::StopSignals& signals() { return m_signals; }

    Output& out() { return m_out; }
    /// Prints one JSON document (the --json output) on stdout.
    void print_json(const chain::json::Value& value);
    /// A diagnostic line on stderr, unless -q.
    void note(std::string_view text) const;
    /// A warning on stderr ("chainctl: warning: ..."), shown even with -q.
    void warn(std::string_view text) const;

    /// Whether human output on stdout may use colour (--color, NO_COLOR, a terminal).
    bool color() const;
    /// Wraps text in an ANSI style when colour is on ("1" bold, "2" dim, "31" red, "32" green).
    std::string paint(std::string_view text, std::string_view style) const;
    bool stderr_is_terminal() const;

    /// The repository the command works on (-C, CHAINCTL_DIR, or the working directory upwards).
    chain::store::Repository repository() const;
    /// The ledger the command works on: the node named by --node; else the repository, through
    /// the node that serves it if one does (so there is never a second writer), or directly.
    /// Calls to a node stop at once on SIGINT or SIGTERM.
    std::unique_ptr<chain::ledger::LedgerApi> ledger();

private:
    Output m_out{1};
    chain::proc::StopSignals& m_signals;
    chain::io::Cancellation m_stop;
    std::optional<chain::proc::StopSignals::Scope> m_stop_scope;
};

/// Adds --node URL to a command; defined once so every command describes it alike.
void add_node_option(CLI::App& command, Context& ctx);

/// A CLI11 check that a value is a node address (http or https URL): a bad one is a usage
/// error, found before the command does anything.
CLI::Validator node_url_check();

/// "1 block", "2 blocks": a count in English.
std::string counted(std::size_t n, const char* one, const char* many);

} // namespace chainctl
