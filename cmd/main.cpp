// chainctl: one binary of composable subcommands over the chain library.
#include "commands.hpp"
#include "http/failure.hpp"
#include "proc/stop_signals.hpp"
#include "suggest.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>

namespace {

void print_error(std::string_view message) {
    std::string line = "chainctl: error: " + std::string(message) + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace

int main(int argc, char** argv) {
    // A closed pipe is reported by write() as EPIPE and handled, instead of killing the process.
    std::signal(SIGPIPE, SIG_IGN);
    // Before any thread starts: SIGINT and SIGTERM end the process as usual, except where a
    // command has said how to stop cleanly (a server, a search, a call to a node).
    chain::proc::StopSignals signals;

    chainctl::Context ctx(signals);
    CLI::App app("chainctl: build, run, break and watch a small proof-of-work blockchain.\n"
                 "Speaks the HTTP API, JSON and block hashes of the Python teaching node.",
                 "chainctl");
    app.set_version_flag("--version", std::string("chainctl ") + CHAINCTL_VERSION);
    app.require_subcommand(1);
    app.fallthrough(); // global flags may also follow the subcommand

    chainctl::GlobalOptions& g = ctx.options;
    app.add_option("-C", g.directory, "Run in DIR: find the repository there (as git -C)")
        ->option_text("DIR");
    app.add_flag("--json", g.json, "Print one JSON document instead of human output");
    app.add_flag("-q,--quiet", g.quiet, "Print less: only data and errors");
    app.add_flag("-v,--verbose", g.verbose, "Print more detail (full hashes, timings)");
    app.add_option("--color", g.color, "Colour human output: auto (on a terminal), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->option_text("WHEN");
    app.footer("Exit status: 0 success, 1 failure or invalid chain, 2 usage error.\n"
               "Run 'chainctl COMMAND --help' for a command's options.");
    chainctl::add_commands(app, ctx);

    // "chainctl help CMD..." is "chainctl CMD... --help", so the two print the same.
    std::vector<std::string> args(argv + 1, argv + argc);
    auto asks_help = [](const std::string& a) { return a == "--help" || a == "-h"; };
    if (!args.empty() && args.front() == "help" &&
        std::none_of(args.begin() + 1, args.end(), asks_help)) {
        args.erase(args.begin());
        if (!chainctl::is_command_path(app, args)) {
            print_error(chainctl::explain_usage_error(app, args, ""));
            return chainctl::k_exit_usage;
        }
        args.push_back("--help");
    }

    try {
        try {
            std::vector<std::string> reversed(args.rbegin(), args.rend()); // CLI11 wants them so
            app.parse(reversed);
        } catch (const CLI::ParseError& e) {
            if (e.get_exit_code() == 0) return app.exit(e); // --help, --version
            print_error(chainctl::explain_usage_error(app, args, e.what()));
            return chainctl::k_exit_usage;
        }
        ctx.out().flush();
        return ctx.exit_code;
    } catch (const chainctl::StdoutClosed&) {
        return chainctl::k_exit_stdout_closed;
    } catch (const chain::http::Unreachable& e) {
        if (e.why() != chain::http::Unreachable::Why::Cancelled) {
            print_error(e.what());
            return chainctl::k_exit_failure;
        }
        print_error("interrupted while waiting for " + e.url() +
                    "; the node may still carry out the request");
        return chainctl::k_exit_cancelled;
    } catch (const chainctl::UsageError& e) {
        print_error(e.what());
        return chainctl::k_exit_usage;
    } catch (const chain::Error& e) {
        try {
            ctx.out().flush();
        } catch (...) {
        }
        print_error(e.what());
        return chainctl::k_exit_failure;
    } catch (const std::exception& e) {
        print_error(std::string("unexpected failure: ") + e.what());
        return chainctl::k_exit_failure;
    }
}
