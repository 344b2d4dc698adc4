// chainctl mine [--threads N]
#include "commands.hpp"
#include "format.hpp"
#include "progress.hpp"

#include "json/write.hpp"
#include <cstdio>

namespace chainctl {

namespace {

std::string rate(double hashes_per_s) {
    char buf[32];
    if (hashes_per_s >= 1e6)
        std::snprintf(buf, sizeof buf, "%.2f MH/s", hashes_per_s / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.0f kH/s", hashes_per_s / 1e3);
    return buf;
}

void print_block(const chain::ledger::MineOutcome& m, Context& ctx) {
    const chain::json::Value& b = m.block;
    if (!b.is_object()) { // a reference node only says which block it mined
        ctx.out().line(m.message);
        return;
    }
    const auto& txs = b.find("transactions")->as_array();
    Output& out = ctx.out();
    if (m.status == chain::ledger::MineOutcome::Status::Orphaned)
        out.line(m.message);
    else
        out.line("Block #" + std::to_string(b.find("index")->as_int()) + " is mined.");
    if (ctx.options.quiet) return;
    out.line("  hash:          " + ctx.paint(b.find("hash")->as_string(), "32"));
    out.line("  previous_hash: " + b.find("previous_hash")->as_string());
    out.line("  timestamp:     " + chain::json::dump(*b.find("timestamp")) + " (" +
             local_time(*b.find("timestamp")) + ")");
    out.line("  nonce:         " + chain::json::dump(*b.find("nonce")));
    out.line("  transactions:  " + std::to_string(txs.size()));
    for (const chain::json::Value& tx : txs)
        out.line("    " + ctx.paint(display_field(tx, "author"), "1") + ": " +
                 hanging_indent(display_field(tx, "content"), "      "));
    if (m.stats.threads == 0) return; // a node that did not say how long it took
    char stats[160];
    std::snprintf(
        stats, sizeof stats, "  %llu hashes in %.3f s on %u thread%s (%s)",
        static_cast<unsigned long long>(m.stats.hashes_tried), m.stats.elapsed_s, m.stats.threads,
        m.stats.threads == 1 ? "" : "s",
        rate(m.stats.elapsed_s > 0 ? m.stats.hashes_tried / m.stats.elapsed_s : 0).c_str());
    out.line(stats);
}

} // namespace

void add_mine_command(CLI::App& parent, Context& ctx) {
    auto threads = std::make_shared<unsigned>(0);
    CLI::App* cmd = parent.add_subcommand(
        "mine", "Mine all pending transactions into one block and append it to the chain");
    cmd->add_option("--threads", *threads, "Proof-of-work threads (default: one per core)")
        ->check(CLI::Range(1u, 1024u))
        ->option_text("N");
    add_node_option(*cmd, ctx);
    cmd->footer("Exits 1 with 'nothing to mine' when no transaction is pending. Ctrl-C cancels "
                "the search (exit 130); nothing is written then. When a node serves the "
                "repository, or with --node, the node mines.");
    cmd->callback([threads, &ctx] {
        chain::ledger::MineOptions options;
        options.threads = *threads;
        options.cancel = &ctx.stop_on_signal(); // Ctrl-C stops the search, or the wait
        Progress progress(ctx);
        if (progress.enabled())
            options.progress = [&](std::uint64_t hashes, double elapsed) {
                progress.update("mining: " + std::to_string(hashes) + " hashes, " +
                                std::to_string(static_cast<int>(elapsed)) + " s, " +
                                rate(static_cast<double>(hashes) / elapsed));
            };
        chain::ledger::MineOutcome m;
        std::string location;
        {
            auto ledger = ctx.ledger();
            location = ledger->location();
            m = ledger->mine(options);
        }
        using Status = chain::ledger::MineOutcome::Status;
        if (m.status == Status::NothingToMine)
            throw chain::Error("nothing to mine: no pending transactions at " + location +
                               " (add one with 'chainctl tx add')");
        if (m.status == Status::Cancelled) {
            // A local search wrote nothing; a node asked to mine may still add its block.
            std::string line =
                "chainctl: " +
                (m.message.empty() ? "mining cancelled; nothing was written" : m.message) + "\n";
            std::fputs(line.c_str(), stderr);
            ctx.exit_code = k_exit_cancelled;
            return;
        }
        if (m.status == Status::Orphaned) ctx.exit_code = k_exit_failure;
        if (ctx.options.json && !m.block.is_object())
            ctx.print_json(chain::json::Object{{"message", m.message}});
        else if (ctx.options.json)
            ctx.print_json(
                chain::json::Object{{"status", m.status == Status::Orphaned ? "orphaned" : "mined"},
                                    {"message", m.message},
                                    {"block", m.block},
                                    {"hashes_tried", m.stats.hashes_tried},
                                    {"elapsed_s", m.stats.elapsed_s},
                                    {"threads", m.stats.threads}});
        else
            print_block(m, ctx);
    });
}

} // namespace chainctl
