// chainctl bench [--json] [--runs N] [--seconds S] [--verify-mb N] [--write-chain FILE]
#include "bench/benchmarks.hpp"
#include "commands.hpp"

#include <cstdio>

namespace chainctl {

namespace {

struct BenchOptions {
    chain::bench::Settings settings;
    double verify_mb = 16;
    std::string write_chain;
    double chain_mb = 50;
    std::size_t chain_blocks = 0;
    std::size_t chain_block_bytes = 1024;
    int chain_difficulty = 1;
};

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

} // namespace

void add_bench_command(CLI::App& parent, Context& ctx) {
    auto o = std::make_shared<BenchOptions>();
    CLI::App* cmd = parent.add_subcommand(
        "bench", "Measure hashing, proof of work, canonical JSON and verify speed on this machine");
    cmd->add_option("--runs", o->settings.runs, "Runs per measurement; the median is reported")
        ->check(CLI::Range(1, 101))
        ->option_text("N");
    cmd->add_option("--seconds", o->settings.seconds_per_run, "Length of one run in seconds")
        ->check(CLI::Range(0.01, 60.0))
        ->option_text("S");
    cmd->add_option("--threads", o->settings.threads, "Threads for the all-threads figure")
        ->check(CLI::Range(1u, 1024u))
        ->option_text("N");
    cmd->add_option("--verify-mb", o->verify_mb, "Size of the chain generated for verify (MB)")
        ->check(CLI::Range(0.1, 4096.0))
        ->option_text("MB");
    CLI::Option* write = cmd->add_option("--write-chain", o->write_chain,
                                         "Only write a generated valid chain file to FILE")
                             ->option_text("FILE");
    cmd->add_option("--chain-mb", o->chain_mb, "Size of the chain --write-chain makes (MB)")
        ->check(CLI::Range(0.001, 4096.0))
        ->option_text("MB");
    cmd->add_option("--chain-blocks", o->chain_blocks,
                    "Make the --write-chain chain this many blocks long instead")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}))
        ->option_text("N");
    cmd->add_option("--chain-block-bytes", o->chain_block_bytes,
                    "Transaction bytes per block of the --write-chain chain (default 1024)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 24))
        ->option_text("BYTES");
    cmd->add_option("--chain-difficulty", o->chain_difficulty,
                    "Difficulty of the chain --write-chain makes")
        ->check(CLI::Range(0, 6))
        ->option_text("N");
    cmd->callback([o, write, &ctx] {
        if (write->count() > 0) {
            chain::ledger::SampleChainOptions sample;
            sample.target_bytes = static_cast<std::size_t>(o->chain_mb * 1e6);
            sample.blocks = o->chain_blocks;
            sample.block_bytes = o->chain_block_bytes;
            sample.difficulty = o->chain_difficulty;
            std::string file = chain::bench::sample_chain_file(sample);
            chain::io::write_file_atomic(o->write_chain, file);
            ctx.note("wrote " + o->write_chain + " (" + fixed(file.size() / 1e6, 1) + " MB)");
            return;
        }
        o->settings.verify_bytes = static_cast<std::size_t>(o->verify_mb * 1e6);
        chain::bench::Report r = chain::bench::run(o->settings);
        if (ctx.options.json) {
            ctx.print_json(chain::json::Object{
                {"sha256_mb_s", r.sha256_mb_s},
                {"block_bytes", r.block_bytes},
                {"pow_hashes_per_s_1_thread", r.pow_hashes_per_s_1_thread},
                {"pow_hashes_per_s_all_threads", r.pow_hashes_per_s_all_threads},
                {"threads", r.threads},
                {"canonical_json_mb_s", r.canonical_json_mb_s},
                {"verify_mb_s", r.verify_mb_s},
                {"verify_file_bytes", r.verify_file_bytes},
                {"runs", o->settings.runs}});
            return;
        }
        double block_mb = r.block_bytes / 1e6;
        Output& out = ctx.out();
        out.line("medians of " + std::to_string(o->settings.runs) + " runs of " +
                 fixed(o->settings.seconds_per_run, 2) + " s");
        out.line("sha256 (" + std::to_string(r.block_bytes) + "-byte message)   " +
                 fixed(r.sha256_mb_s, 0) + " MB/s  (" + fixed(r.sha256_mb_s / block_mb, 0) +
                 " hashes/s)");
        out.line("proof of work, 1 thread          " + fixed(r.pow_hashes_per_s_1_thread, 0) +
                 " hashes/s  (" +
                 fixed(100 * r.pow_hashes_per_s_1_thread * block_mb / r.sha256_mb_s, 1) +
                 "% of raw sha256)");
        out.line("proof of work, " + std::to_string(r.threads) + " threads         " +
                 fixed(r.pow_hashes_per_s_all_threads, 0) + " hashes/s  (" +
                 fixed(r.pow_hashes_per_s_all_threads / r.pow_hashes_per_s_1_thread, 2) + "x)");
        out.line("canonical json                   " + fixed(r.canonical_json_mb_s, 0) + " MB/s");
        out.line("verify (" + fixed(r.verify_file_bytes / 1e6, 1) + " MB chain)          " +
                 fixed(r.verify_mb_s, 0) + " MB/s");
    });
}

} // namespace chainctl
