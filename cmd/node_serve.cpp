// chainctl node serve [-C DIR] [--host H] [--port P] [--advertise URL] [--peer URL ...]
#include "commands.hpp"
#include "node/node_server.hpp"
#include "proc/stop_signals.hpp"
#include "store/serve_marker.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace chainctl {

namespace {

struct ServeOptions {
    chain::node::NodeOptions node;
    double max_body_mib = 1;
};

// The repository to serve: -C DIR (created there if it holds none), else the one commands would
// find, else a new one in the working directory.
chain::store::Repository repository_to_serve(Context& ctx) {
    namespace fs = std::filesystem;
    fs::path dir = ctx.options.directory;
    if (dir.empty()) {
        try {
            return ctx.repository();
        } catch (const chain::Error&) {
            if (const char* env = std::getenv("CHAINCTL_DIR"); env && *env) throw;
            dir = fs::current_path();
        }
    }
    if (!chain::store::Repository::exists_at(dir)) {
        chain::store::InitResult r = chain::store::Repository::init(dir, std::nullopt);
        ctx.note("Initialized empty chainctl repository in " + r.root.string());
    }
    return chain::store::Repository::open(dir);
}

void serve(ServeOptions& o, Context& ctx) {
    chain::proc::StopSignals signals; // before the threads below start

    chain::store::Repository repo = repository_to_serve(ctx);
    chain::store::ServeMarker marker = chain::store::ServeMarker::acquire(repo);
    chain::node::NodeState state(repo);
    o.node.max_body = static_cast<std::size_t>(o.max_body_mib * 1024 * 1024);
    if (!ctx.options.quiet)
        o.node.log = [](const std::string& line) {
            std::string out = line + "\n";
            std::fwrite(out.data(), 1, out.size(), stderr);
        };
    chain::node::Node node(state, o.node);
    node.bind();
    marker.publish(node.local_url());

    chain::node::NodeSummary s = state.summary();
    if (ctx.options.json)
        ctx.print_json(chain::json::Object{{"url", node.local_url()},
                                           {"repository", repo.root().string()},
                                           {"length", s.length},
                                           {"pending", s.pending},
                                           {"peers", s.peers}});
    else
        ctx.out().line("Serving " + repo.root().string() + " at " + node.local_url() + " (" +
                       std::to_string(s.length) + " blocks, " + std::to_string(s.pending) +
                       " pending, " + std::to_string(s.peers) + " peers)");
    ctx.out().flush(); // scripts wait for this line, e.g. to learn the port chosen by --port 0

    signals.run([&] { node.serve(); }, [&] { node.stop(); });
    ctx.note("Stopped; everything acknowledged is on disk in " + repo.root().string());
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
        ->option_text("URL");
    cmd->add_option("--peer", o->node.peers, "Register with this node at start (repeatable)")
        ->option_text("URL");
    cmd->add_option("--max-body", o->max_body_mib, "Largest request body in MiB (default 1)")
        ->check(CLI::Range(0.001, 1024.0))
        ->option_text("MIB");
    cmd->add_option("--threads", o->node.mining_threads,
                    "Proof-of-work threads (default: one per core)")
        ->check(CLI::Range(1u, 1024u))
        ->option_text("N");
    cmd->add_option("--peer-timeout", o->node.peer_timeout_s,
                    "Seconds to wait for a peer to connect or answer a small call (default 2)")
        ->check(CLI::Range(0.05, 600.0))
        ->option_text("S");
    cmd->add_option("--client-timeout", o->node.client_timeout_s,
                    "Seconds a client may stay silent before it is dropped (default 5)")
        ->check(CLI::Range(0.1, 3600.0))
        ->option_text("S");
    cmd->add_option("--sync-interval", o->node.sync_interval_s,
                    "Seconds between background syncs with the peers (default 30; 0: only when a "
                    "block does not fit)")
        ->check(CLI::Range(0.0, 86400.0))
        ->option_text("S");
    cmd->footer(
        "Runs until SIGINT or SIGTERM, then finishes the requests in flight and exits 0.\n"
        "Endpoints: POST /new_transaction, GET /chain, GET|POST /mine, GET /pending_tx,\n"
        "POST /register_node, POST /register_with, POST /add_block, GET /health, GET /peers.\n"
        "See chainctl-node-serve(1).");
    cmd->callback([o, &ctx] { serve(*o, ctx); });
}

} // namespace chainctl
