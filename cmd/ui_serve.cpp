// chainctl ui serve --node URL [--node URL ...] [--host 127.0.0.1] [--port 5000]
#include "commands.hpp"
#include "http/url.hpp"
#include "log_sink.hpp"
#include "ui/ui_server.hpp"

#include <optional>

namespace chainctl {

void add_ui_serve_command(CLI::App& parent, Context& ctx) {
    auto o = std::make_shared<chain::ui::UiOptions>();
    CLI::App* cmd = parent.add_subcommand(
        "serve", "Serve the web page where people post and mine (the lab's client app)");
    cmd->add_option("--node", o->nodes,
                    "A node to use, chainctl or reference (repeatable; the first that answers is "
                    "used, the next ones when it goes down)")
        ->required()
        ->check(node_url_check())
        ->option_text("URL");
    cmd->add_option("--host", o->host, "Address to listen on (default 127.0.0.1)")
        ->option_text("HOST");
    cmd->add_option("--port", o->port, "Port to listen on (default 5000; 0: any free port)")
        ->check(CLI::Range(0, 65535))
        ->option_text("PORT");
    cmd->add_option("--allow-host", o->allowed_hosts,
                    "A host name the page may be reached by, besides IP addresses, localhost and "
                    "--host (repeatable)")
        ->option_text("NAME");
    cmd->add_option("--node-timeout", o->node_timeout_s,
                    "Seconds to wait for a node to accept a connection (default 2)")
        ->check(CLI::Range(0.05, 600.0))
        ->option_text("S");
    cmd->footer("Open the printed URL in a browser. The page works offline: everything it needs "
                "is in the binary. See chainctl-ui-serve(1).");
    cmd->callback([o, &ctx] {
        std::optional<LogSink> log;
        if (!ctx.options.quiet) o->log = log.emplace().writer();
        chain::ui::UiServer server(*o);
        server.bind();
        chain::proc::StopSignals::Scope stop(ctx.signals(), [&] { server.stop(); });
        std::string nodes;
        for (const std::string& n : o->nodes)
            nodes += (nodes.empty() ? "" : ", ") + n;
        if (ctx.options.json)
            ctx.print_json(chain::json::Object{
                {"url", server.local_url()},
                {"nodes", chain::json::Array(o->nodes.begin(), o->nodes.end())}});
        else
            ctx.out().line("Serving the page at " + server.local_url() + " for " + nodes);
        ctx.out().flush();
        server.serve();
        ctx.note("Stopped.");
    });
}

} // namespace chainctl
