// chainctl peer register --with URL [--node URL]
#include "commands.hpp"
#include "progress.hpp"

namespace chainctl {

void add_peer_register_command(CLI::App& parent, Context& ctx) {
    auto with = std::make_shared<std::string>();
    CLI::App* cmd = parent.add_subcommand(
        "register", "Have the node register with another node and sync from it (/register_with)");
    cmd->add_option("--with", *with, "The node to register with")->required()->option_text("URL");
    add_node_option(*cmd, ctx);
    cmd->footer("The same as: curl -X POST NODE/register_with -H 'Content-Type: application/json' "
                "-d '{\"node_address\": \"URL\"}'");
    cmd->callback([with, &ctx] {
        auto ledger = ctx.ledger();
        std::string message;
        {
            ProgressTicker ticker(ctx, "registering with " + *with + " and syncing");
            message = ledger->register_with(*with);
        }
        if (ctx.options.json)
            ctx.print_json(chain::json::Object{
                {"node", ledger->location()}, {"with", *with}, {"message", message}});
        else if (!ctx.options.quiet)
            ctx.out().line(message);
    });
}

} // namespace chainctl
