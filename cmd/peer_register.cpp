// chainctl peer register --with URL [--node URL]
#include "commands.hpp"
#include "progress.hpp"

namespace chainctl {

void add_peer_register_command(CLI::App& parent, Context& ctx) {
    auto with = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    CLI::App* cmd = parent.add_subcommand(
        "register", "Have the node register with another node and sync from it (/register_with)");
    cmd->add_option("--with", *with, "The node to register with")
        ->required()
        ->check(node_url_check())
        ->option_text("URL");
    cmd->add_flag("--force", *force,
                  "Register a reference node even when it would lose blocks (it replaces its "
                  "chain with the other node's, whatever their lengths)");
    add_node_option(*cmd, ctx);
    cmd->footer("The same as: curl -X POST NODE/register_with -H 'Content-Type: application/json' "
                "-d '{\"node_address\": \"URL\"}'. When NODE is a reference node, chainctl first "
                "compares the two chains and refuses if NODE would lose blocks, unless --force.");
    cmd->callback([with, force, &ctx] {
        auto ledger = ctx.ledger();
        std::string message;
        {
            ProgressTicker ticker(ctx, "registering with " + *with + " and syncing");
            message = ledger->register_with(*with, *force);
        }
        if (ctx.options.json)
            ctx.print_json(chain::json::Object{
                {"node", ledger->location()}, {"with", *with}, {"message", message}});
        else if (!ctx.options.quiet)
            ctx.out().line(message);
    });
}

} // namespace chainctl
