#include "commands.hpp"

namespace chainctl {

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

    add_bench_command(app, ctx);
}

} // namespace chainctl
