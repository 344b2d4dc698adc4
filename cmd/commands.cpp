#include "commands.hpp"

namespace chainctl {

namespace {

// Subcommands inherit their parent's footer when created; give each its own, ending with a
// reminder that the global flags work after the subcommand too.
void note_global_options(CLI::App& app, const std::string& root_footer) {
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        std::string own = sub->get_footer();
        if (own == root_footer) own.clear();
        if (!own.empty()) own += "\n";
        sub->footer(own + "Global options -C DIR, --json, -q, -v and --color WHEN work here too "
                          "(see chainctl --help).");
        note_global_options(*sub, root_footer);
    }
}

} // namespace

void add_commands(CLI::App& app, Context& ctx) {
    add_init_command(app, ctx);

    CLI::App* tx = app.add_subcommand("tx", "Add and list pending transactions");
    tx->require_subcommand(1);
    add_tx_add_command(*tx, ctx);
    add_tx_list_command(*tx, ctx);

    add_mine_command(app, ctx);

    CLI::App* chain = app.add_subcommand("chain", "Show the chain");
    chain->require_subcommand(1);
    add_chain_show_command(*chain, ctx);

    add_verify_command(app, ctx);

    CLI::App* block = app.add_subcommand("block", "Inspect blocks");
    block->require_subcommand(1);
    add_block_hash_command(*block, ctx);

    CLI::App* node = app.add_subcommand("node", "Run a network node");
    node->require_subcommand(1);
    add_node_serve_command(*node, ctx);

    CLI::App* peer = app.add_subcommand("peer", "Register with nodes and manage peers");
    peer->require_subcommand(1);
    add_peer_register_command(*peer, ctx);
    add_peer_add_command(*peer, ctx);
    add_peer_list_command(*peer, ctx);

    CLI::App* ui = app.add_subcommand("ui", "Serve the web page");
    ui->require_subcommand(1);
    add_ui_serve_command(*ui, ctx);

    add_bench_command(app, ctx);
    // Handled in main() as "CMD --help"; listed here so --help shows it.
    app.add_subcommand("help",
                       "Show the help of a command: chainctl help CMD is chainctl CMD --help")
        ->allow_extras();
    add_completion_command(app, ctx);

    note_global_options(app, app.get_footer());
}

} // namespace chainctl
