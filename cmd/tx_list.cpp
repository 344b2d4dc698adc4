// chainctl tx list
#include "commands.hpp"
#include "format.hpp"

namespace chainctl {

void add_tx_list_command(CLI::App& parent, Context& ctx) {
    CLI::App* cmd = parent.add_subcommand("list", "List the pending transactions, oldest first");
    add_node_option(*cmd, ctx);
    cmd->callback([&ctx] {
        std::vector<chain::json::Value> pending = ctx.ledger()->pending();
        if (ctx.options.json) {
            ctx.print_json(chain::json::Array(pending.begin(), pending.end()));
            return;
        }
        if (pending.empty()) {
            if (!ctx.options.quiet) ctx.out().line("No pending transactions.");
            return;
        }
        for (const chain::json::Value& tx : pending) {
            const chain::json::Value* ts = tx.find("timestamp");
            ctx.out().line(ctx.paint(ts ? local_time(*ts) : "(no time)", "2") + "  " +
                           ctx.paint(display_field(tx, "author"), "1"));
            ctx.out().line(indent(display_field(tx, "content"), "    "));
        }
    });
}

} // namespace chainctl
