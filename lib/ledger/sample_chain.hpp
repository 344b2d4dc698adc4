#pragma once
// Synthetic but realistic transactions and chains (mixed-language text, emoji, newlines), for
// benchmarks and tests. Deterministic for a given seed.

#include "json/value.hpp"
#include <cstdint>
#include <random>

namespace chain::ledger {

/// One transaction like the lab's posts: author, content (20 to 200 bytes) and timestamp.
json::Value sample_transaction(std::mt19937_64& rng, double timestamp);

/// Transactions for one block whose preimage comes to roughly target_bytes.
json::Array sample_transactions(std::mt19937_64& rng, std::size_t target_bytes, double timestamp);

struct SampleChainOptions {
    std::size_t target_bytes = 0; // stop once the chain file is about this large
    std::size_t blocks = 0;       // or once it has this many blocks (whichever is set)
    std::size_t block_bytes = 1024;
    int difficulty = 1;
    std::uint64_t seed = 42;
};

/// A valid chain (genesis first), each block holding about block_bytes of transactions and mined
/// at difficulty.
json::Array sample_chain(const SampleChainOptions& options);

} // namespace chain::ledger
