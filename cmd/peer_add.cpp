// chainctl peer add URL [--node URL]
#include "commands.hpp"
#include "http/url.hpp"

namespace chainctl {

void add_peer_add_command(CLI::App& parent, Context& ctx) {
    auto url = std::make_shared<std::string>();
    CLI::App* cmd = parent.add_subcommand("add", "Add a peer to the node's list (/register_node)");
    cmd->add_option("url", *url, "The peer's address")
        ->required()
        ->check(node_url_check())
        ->option_text("URL");
    add_node_option(*cmd, ctx);
    cmd->footer("Without a node, the peer is written to the repository's chain.json for the node "
                "to use when it starts.");
    cmd->callback([url, &ctx] {
        std::vector<std::string> peers =
            ctx.ledger()->add_peer(chain::http::normalize_peer_url(*url));
        if (ctx.options.json)
            ctx.print_json(
                chain::json::Object{{"peers", chain::json::Array(peers.begin(), peers.end())}});
        else if (!ctx.options.quiet)
            ctx.out().line("Peers: " + std::to_string(peers.size()));
    });
}

} // namespace chainctl
