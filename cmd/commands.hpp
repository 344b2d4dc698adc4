#pragma once
// One function per subcommand, each defined in its own file; commands.cpp builds the tree.

#include "context.hpp"

#include <CLI/CLI.hpp>

namespace chainctl {

/// Builds the whole command tree on app, in the order --help lists it.
void add_commands(CLI::App& app, Context& ctx);

void add_init_command(CLI::App& parent, Context& ctx);
void add_tx_add_command(CLI::App& parent, Context& ctx);
void add_tx_list_command(CLI::App& parent, Context& ctx);
void add_mine_command(CLI::App& parent, Context& ctx);
void add_chain_show_command(CLI::App& parent, Context& ctx);
void add_verify_command(CLI::App& parent, Context& ctx);
void add_block_hash_command(CLI::App& parent, Context& ctx);
void add_bench_command(CLI::App& parent, Context& ctx);
void add_node_serve_command(CLI::App& parent, Context& ctx);
void add_peer_register_command(CLI::App& parent, Context& ctx);
void add_peer_add_command(CLI::App& parent, Context& ctx);
void add_peer_list_command(CLI::App& parent, Context& ctx);
void add_ui_serve_command(CLI::App& parent, Context& ctx);
void add_completion_command(CLI::App& parent, Context& ctx);

} // namespace chainctl
