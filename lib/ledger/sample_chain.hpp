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

/// A valid chain (genesis first) of about target_bytes as a chain file, each block holding about
/// block_bytes of transactions and mined at difficulty.
json::Array sample_chain(std::size_t target_bytes, std::size_t block_bytes, int difficulty,
                         std::uint64_t seed);

} // namespace chain::ledger
