// chainctl peer list [--node URL]
#include "commands.hpp"

namespace chainctl {

void add_peer_list_command(CLI::App& parent, Context& ctx) {
    CLI::App* cmd = parent.add_subcommand("list", "List the node's peers, one per line");
    add_node_option(*cmd, ctx);
    cmd->callback([&ctx] {
        std::vector<std::string> peers = ctx.ledger()->peers();
        if (ctx.options.json) {
            ctx.print_json(chain::json::Array(peers.begin(), peers.end()));
            return;
        }
        for (const std::string& p : peers)
            ctx.out().line(p);
        if (peers.empty() && !ctx.options.quiet) ctx.note("No peers.");
    });
}

} // namespace chainctl
