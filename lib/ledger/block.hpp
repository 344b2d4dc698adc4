#pragma once
// A block is a JSON object with six fields: index (int), transactions (array of objects),
// timestamp (number), previous_hash (string), nonce (int) and hash (string). Its hash is the
// lowercase hex SHA-256 of json.dumps(block_without_hash, sort_keys=True), as the reference
// Python node computes it. Blocks are kept as json::Value so that any JSON a client put in a
// transaction survives a round trip unchanged.

#include "json/value.hpp"
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chain::ledger {

inline constexpr std::string_view k_genesis_hash =
    "6dbf23122cb5046cc5c0c1b245c75f8e43c59ca8ffeac292715e5078e631d0c9";
inline constexpr int k_default_difficulty = 2;
inline constexpr int k_max_difficulty = 64;

/// The genesis block of every chain, hash included: index 0, no transactions, timestamp 0,
/// previous_hash "0", nonce 0.
json::Value genesis_block();

/// A block's canonical preimage, split around the nonce so the miner can vary it cheaply:
/// preimage = head + nonce digits + tail. The five hashed keys sort as index, nonce,
/// previous_hash, timestamp, transactions, which is why the nonce sits near the front.
struct Preimage {
    std::string head;
    std::string tail;
};

Preimage preimage_parts(const json::Value& index, const json::Value& previous_hash,
                        const json::Value& timestamp, const json::Value& transactions);

/// The exact string that is hashed for a block. Only the five hashed fields are used (a hash
/// field or any other is left out, as the reference node does when it rebuilds a Block).
/// Throws chain::Error naming a missing field.
std::string block_preimage(const json::Value& block);
/// Lowercase hex SHA-256 of block_preimage(block).
std::string block_hash(const json::Value& block);

/// A new block in the reference key order (index, transactions, timestamp, previous_hash, nonce,
/// hash), as the reference's Block.__dict__ and therefore its /chain and data file have it.
json::Value make_block(std::int64_t index, json::Array transactions, double timestamp,
                       std::string previous_hash, std::uint64_t nonce, std::string hash);

/// The first problem with a block's fields, or nothing: every field present with its type and no
/// others. Reasons read "missing field: nonce", "bad field type: index must be an integer, found
/// string" or "unexpected field: extra (not covered by the hash)".
std::optional<std::string> field_problem(const json::Value& block);

/// The same block with its six fields in the reference's order (index, transactions, timestamp,
/// previous_hash, nonce, hash), as the reference stores every block it receives; the
/// transactions keep their own key order. Call on a block without a field_problem.
json::Value in_reference_order(const json::Value& block);

// The block rules' reasons, one wording for verify, /add_block and the store.

/// "hash mismatch: stored X computed Y"
std::string hash_mismatch(std::string_view stored, std::string_view computed);
/// "proof of work below difficulty: the hash has 1 leading zeros, difficulty 2 needs 2 leading
/// zeros"
std::string proof_of_work_problem(int zeros, int difficulty);
/// "index mismatch: expected 3, found 4"
std::string index_mismatch(std::size_t expected, const json::Value& found);
/// "previous_hash mismatch: block 2 has hash X, this block names Y"
std::string previous_hash_mismatch(std::size_t previous, std::string_view previous_hash,
                                   std::string_view named);

/// The first problem a block has by itself, wherever it stands in a chain: its fields
/// (field_problem), its stored hash against the computed one, and its proof of work at
/// difficulty. Nothing when it could be part of a valid chain.
std::optional<std::string> intrinsic_problem(const json::Value& block, int difficulty);

/// Current time as float seconds since the epoch, like Python's time.time().
double now_seconds();

} // namespace chain::ledger
