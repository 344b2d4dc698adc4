// chainctl node serve [-C DIR] [--host H] [--port P] [--advertise URL] [--peer URL ...]
#include "commands.hpp"
#include "http/url.hpp"
#include "log_sink.hpp"
#include "node/served_node.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>

namespace chainctl {

namespace {

struct ServeOptions {
    chain::node::NodeOptions node;
    double max_body_mib = 1;
    double client_timeout_s = 5;
    double max_pending_mib = 32;
    double max_chain_mib = 1024;
};

// The repository to serve: -C DIR (created there if it holds none), else the one commands would
// find, else a new one in the working directory.
std::filesystem::path directory_to_serve(Context& ctx) {
    namespace fs = std::filesystem;
    if (!ctx.options.directory.empty()) return ctx.options.directory;
    try {
        return ctx.repository().root();
    } catch (const chain::Error&) {
        if (const char* env = std::getenv("CHAINCTL_DIR"); env && *env) throw;
        return fs::current_path();
    }
}

// Every argument is checked before anything is created or changed.
void check_arguments(ServeOptions& o) {
    try {
        if (!o.node.advertise.empty())
            o.node.advertise = chain::http::normalize_peer_url(o.node.advertise);
    } catch (const chain::Error& e) {
        throw UsageError(std::string("--advertise: ") + e.what());
    }
    for (std::string& peer : o.node.peers) {
        try {
            peer = chain::http::normalize_peer_url(peer);
        } catch (const chain::Error& e) {
            throw UsageError(std::string("--peer: ") + e.what());
        }
    }
}

void serve(ServeOptions& o, Context& ctx) {
    check_arguments(o);
    o.node.http_limits.max_body = static_cast<std::size_t>(o.max_body_mib * 1024 * 1024);
    o.node.state_limits.max_pending_bytes =
        static_cast<std::size_t>(o.max_pending_mib * 1024 * 1024);
    o.node.max_chain_bytes = static_cast<std::size_t>(o.max_chain_mib * 1024 * 1024);
    o.node.http_limits.head_timeout_s = o.client_timeout_s;
    o.node.http_limits.idle_timeout_s = o.client_timeout_s;
    o.node.http_limits.body_idle_s = o.client_timeout_s;
    std::optional<LogSink> log;
    if (!ctx.options.quiet) o.node.log = log.emplace().writer();
    // A stop signal during start-up stops the node as soon as it has started.
    std::mutex starting;
    bool stop_asked = false;
    chain::node::ServedNode* running = nullptr;
    chain::proc::StopSignals::Scope stop(ctx.signals(), [&] {
        std::lock_guard lock(starting);
        stop_asked = true;
        if (running) running->stop();
    });
    auto served = chain::node::ServedNode::start(directory_to_serve(ctx), o.node);
    {
        std::lock_guard lock(starting);
        running = served.get();
        if (stop_asked) served->stop();
    }
    struct Forget { // before the node goes, the signal thread stops seeing it
        std::mutex& mutex;
        chain::node::ServedNode*& node;
        ~Forget() {
            std::lock_guard lock(mutex);
            node = nullptr;
        }
    } forget{starting, running};
    if (served->created())
        ctx.note("Initialized empty chainctl repository in " +
                 served->repository().root().string());

    chain::node::NodeSummary s = served->state().summary();
    if (ctx.options.json) {
        // The start-up handshake: one line that other programs wait for (and node.json holds).
        chain::json::Value line = served->handshake();
        line.set("length", s.length);
        line.set("pending", s.pending);
        line.set("peers", s.peers);
        ctx.print_json(line);
    } else {
        ctx.out().line("Serving " + served->repository().root().string() + " at " + served->url() +
                       " (" + counted(s.length, "block", "blocks") + ", " +
                       std::to_string(s.pending) + " pending, " +
                       counted(s.peers, "peer", "peers") + ")");
    }
    ctx.out().flush(); // scripts wait for this line, e.g. to learn the port chosen by --port 0

    served->wait();
    ctx.note("Stopped; everything acknowledged is on disk in " +
             served->repository().root().string());
}

} // namespace

void add_node_serve_command(CLI::App& parent, Context& ctx) {
    auto o = std::make_shared<ServeOptions>();
    CLI::App* cmd = parent.add_subcommand(
        "serve", "Serve the repository as a network node (the reference node's HTTP API)");
    cmd->add_option("--host", o->node.host, "Address to listen on (default 127.0.0.1)")
        ->option_text("HOST");
    cmd->add_option("--port", o->node.port, "Port to listen on (default 8000; 0: any free port)")
        ->check(CLI::Range(0, 65535))
        ->option_text("PORT");
    cmd->add_option("--advertise", o->node.advertise,
                    "URL peers should use for this node (default: the address a caller used)")
        ->check(node_url_check())
        ->option_text("URL");
    cmd->add_option("--peer", o->node.peers, "Register with this node at start (repeatable)")
        ->check(node_url_check())
        ->option_text("URL");
    cmd->add_option("--max-body", o->max_body_mib, "Largest request body in MiB (default 1)")
        ->check(CLI::Range(0.001, 1024.0))
        ->option_text("MIB");
    cmd->add_option("--max-pending", o->node.state_limits.max_pending,
                    "Most pending transactions held; beyond, new ones get 503 (default 50000)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))
        ->option_text("N");
    cmd->add_option("--max-pending-mib", o->max_pending_mib,
                    "Most MiB of pending transactions held; beyond, new ones get 503 (default 32)")
        ->check(CLI::Range(0.001, 65536.0))
        ->option_text("MIB");
    cmd->add_option("--max-peers", o->node.state_limits.max_peers,
                    "Most peers; beyond, a registration gets 409 (default 64)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
        ->option_text("N");
    cmd->add_option("--max-peers-per-host", o->node.state_limits.max_peers_per_host,
                    "Most peers on one host, by name or address (default 16)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
        ->option_text("N");
    cmd->add_option("--max-chain-mib", o->max_chain_mib,
                    "Largest chain taken from a peer, in MiB (default 1024)")
        ->check(CLI::Range(1.0, 1048576.0))
        ->option_text("MIB");
    cmd->add_option("--threads", o->node.mining_threads,
                    "Proof-of-work threads (default: one per core)")
        ->check(CLI::Range(1u, 1024u))
        ->option_text("N");
    cmd->add_option("--peer-timeout", o->node.peer_timeout_s,
                    "Seconds to wait for a peer to connect or answer a small call (default 2)")
        ->check(CLI::Range(0.05, 600.0))
        ->option_text("S");
    cmd->add_option("--client-timeout", o->client_timeout_s,
                    "Seconds a client has to send a whole request head, to start its next "
                    "request, and the longest silence within a body (default 5)")
        ->check(CLI::Range(0.1, 3600.0))
        ->option_text("S");
    cmd->add_option("--sync-interval", o->node.sync_interval_s,
                    "Seconds between background syncs with the peers (default 30; 0: only when a "
                    "block does not fit)")
        ->check(CLI::Range(0.0, 86400.0))
        ->option_text("S");
    cmd->add_option("--register-timeout", o->node.register_timeout_s,
                    "Seconds a /register_with may take in all: reaching the other node and its "
                    "chain arriving (default 60)")
        ->check(CLI::Range(0.1, 86400.0))
        ->option_text("S");
    cmd->add_option("--probe-interval", o->node.probe_interval_s,
                    "Seconds between asking each peer how long its chain is (default 2; 0: never)")
        ->check(CLI::Range(0.0, 86400.0))
        ->option_text("S");
    cmd->footer(
        "Runs until SIGINT or SIGTERM, then finishes the requests in flight and exits 0.\n"
        "With --json, the first line of output is {\"url\", \"pid\", \"id\", ...}.\n"
        "Endpoints: POST /new_transaction, GET /chain, GET|POST /mine, GET /pending_tx,\n"
        "POST /register_node, POST /register_with, POST /add_block, GET /health, GET /peers,\n"
        "GET /events. See chainctl-node-serve(1).");
    cmd->callback([o, &ctx] { serve(*o, ctx); });
}

} // namespace chainctl
