#pragma once
// Proof of work: find a nonce such that the block hash starts with `difficulty` zero hex digits.
// The search is split into chunks of consecutive nonces taken by N threads; it always returns
// the smallest nonce that works, the same one the reference's sequential search from 0 finds,
// so the mined block does not depend on the thread count.

#include "io/cancellation.hpp"
#include "ledger/block.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace chain::ledger {

struct MineOptions {
    int difficulty = k_default_difficulty;
    unsigned threads = 0; // 0: one per core
    /// Cancelled from another thread (a stop signal, a new tip) to stop the search.
    const io::Cancellation* cancel = nullptr;
    /// Called on the calling thread about every interval with the hashes tried so far.
    std::function<void(std::uint64_t hashes, double elapsed_s)> progress;
    double progress_interval_s = 0.1;
};

struct MineResult {
    bool found = false; // false only when cancelled
    std::uint64_t nonce = 0;
    std::string hash;
    std::uint64_t hashes_tried = 0;
    double elapsed_s = 0;
    unsigned threads = 0;
};

/// Searches nonces from 0 for the block described by parts.
MineResult mine(const Preimage& parts, const MineOptions& options);

/// Hashes the preimage with every nonce in [first, first + count), for benchmarks: returns the
/// number of nonces that met the difficulty.
std::uint64_t hash_nonce_range(const Preimage& parts, std::uint64_t first, std::uint64_t count,
                               int difficulty);

/// The number of hardware threads, at least 1.
unsigned hardware_threads();

} // namespace chain::ledger
