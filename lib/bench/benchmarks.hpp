#pragma once
// The measurements behind `chainctl bench`. Each runs a workload repeatedly for a fixed time and
// reports the median of several runs, so that the figures compared in one report come from the
// same run on the same machine.

#include "ledger/sample_chain.hpp"

#include <cstddef>
#include <string>

namespace chain::bench {

struct Settings {
    double seconds_per_run = 0.4;
    int runs = 5;
    unsigned threads = 0;                // 0: one per core
    std::size_t verify_bytes = 16 << 20; // size of the generated chain verify runs on
};

struct Report {
    double sha256_mb_s = 0;               // raw SHA-256 of a block-sized message
    std::size_t block_bytes = 0;          // size of that message: a realistic block preimage
    double pow_hashes_per_s_1_thread = 0; // the miner's inner loop on that block
    double pow_hashes_per_s_all_threads = 0;
    unsigned threads = 0;
    double canonical_json_mb_s = 0; // json.dumps(sort_keys=True) of parsed blocks, output bytes
    double verify_mb_s = 0;         // verify_chain_text over a generated chain file
    std::size_t verify_file_bytes = 0;
};

Report run(const Settings& settings);

/// A generated valid chain file in chainctl's layout (see ledger::SampleChainOptions).
std::string sample_chain_file(const ledger::SampleChainOptions& options);

} // namespace chain::bench
