// chainctl init [DIR] [--difficulty N]
#include "commands.hpp"
#include "http/url.hpp"

#include <filesystem>

namespace chainctl {

namespace {

struct InitOptions {
    std::string dir = ".";
    int difficulty = chain::ledger::k_default_difficulty;
};

void run_init(const InitOptions& o, bool difficulty_given, Context& ctx) {
    namespace fs = std::filesystem;
    fs::path base =
        ctx.options.directory.empty() ? fs::current_path() : fs::path(ctx.options.directory);
    // The peers of an adopted chain.json are kept as the reference needs them (normalised, with
    // the trailing slash); anything that is not a node address is left out.
    chain::store::InitResult r = chain::store::Repository::init(
        base / o.dir, difficulty_given ? std::optional<int>(o.difficulty) : std::nullopt,
        chain::http::try_normalize_peer_url);
    if (r.peers_dropped)
        ctx.warn(counted(r.peers_dropped, "peer", "peers") + " of chain.json " +
                 (r.peers_dropped == 1 ? "was" : "were") +
                 " left out: not a node address, or repeated");
    if (ctx.options.json) {
        ctx.print_json(
            chain::json::Object{{"root", r.root.string()},
                                {"chain_file", (r.root / chain::store::k_chain_file).string()},
                                {"difficulty", r.difficulty},
                                {"blocks", r.blocks},
                                {"adopted", r.adopted}});
        return;
    }
    if (ctx.options.quiet) return;
    if (r.adopted)
        ctx.out().line("Initialized chainctl repository in " + r.root.string() +
                       " around the existing chain.json (" + counted(r.blocks, "block", "blocks") +
                       ", difficulty " + std::to_string(r.difficulty) + ")");
    else
        ctx.out().line("Initialized empty chainctl repository in " + r.root.string() +
                       " (difficulty " + std::to_string(r.difficulty) + ")");
}

} // namespace

void add_init_command(CLI::App& parent, Context& ctx) {
    auto o = std::make_shared<InitOptions>();
    CLI::App* cmd = parent.add_subcommand(
        "init", "Create a repository: DIR/chain.json with the genesis block, and DIR/.chainctl/");
    cmd->add_option("dir", o->dir, "Directory to create it in (default: the current directory)")
        ->option_text("DIR");
    CLI::Option* difficulty =
        cmd->add_option("--difficulty", o->difficulty,
                        "Leading zero hex digits a block hash needs (default 2, as the reference)")
            ->check(CLI::Range(0, chain::ledger::k_max_difficulty))
            ->option_text("N");
    cmd->footer("An existing valid chain.json in DIR (a reference node's data file, say) is kept.");
    cmd->callback([o, difficulty, &ctx] { run_init(*o, difficulty->count() > 0, ctx); });
}

} // namespace chainctl
