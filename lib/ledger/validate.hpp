#pragma once
// Chain validation, one block at a time, so that a chain file of any size can be checked while
// it streams past. Every problem is collected (not only the first), each with the index of the
// block it concerns.

#include "ledger/sha256.hpp"

#include "json/parse.hpp"
#include "json/value.hpp"
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chain::ledger {

struct Problem {
    std::optional<std::size_t> block; // nullopt: the file as a whole
    std::string reason;
};

/// Checks blocks in chain order. Rules: block 0 is exactly the genesis block; every later block
/// i has well-typed fields, index == i, previous_hash equal to block i-1's hash, a stored hash
/// equal to the recomputed one, and that hash starts with `difficulty` zeros. The difficulty is
/// applied in finish(), because a chain file may name it after the blocks.
class ChainValidator {
public:
    /// Checks the next block; problems found are appended to `problems`.
    void add(const json::Value& block, std::vector<Problem>& problems);
    /// Reads the next block from reader and checks it. A block in the usual form is checked
    /// straight from its text; any other (and any block with a problem) is parsed and goes
    /// through add(Value), so the rules and the reasons live in one place.
    void add(json::Reader& reader, std::vector<Problem>& problems);
    /// Adds the proof-of-work problems for `difficulty` and the "no genesis block" problem for an
    /// empty chain, then orders all problems by block.
    void finish(int difficulty, std::vector<Problem>& problems) const;

    std::size_t count() const { return m_count; }
    /// Forgets every block seen, to check another chain from its genesis.
    void reset();
    /// Stored hash of the last block seen (empty before the first).
    const std::string& tip_hash() const { return m_previous_hash; }

private:
    bool scan(json::Reader& reader);
    bool check_scanned();

    Sha256 m_sha;
    // Canonical text of each field of the block being scanned, in the reference order.
    std::array<std::string, 6> m_fields;
    std::string m_decoded_hash;
    std::string m_preimage;
    std::string m_previous_hash;
    std::size_t m_count = 0;
    // Leading zero hex digits of each block whose stored hash checked out; -1 where it did not
    // (that block already has a hash problem) or for genesis, which is exempt.
    std::vector<std::int8_t> m_zeros;
};

/// Validates a whole chain held in memory; returns every problem (empty when valid).
std::vector<Problem> validate_chain(const json::Array& blocks, int difficulty);

/// "d2a84f4b8b650937ec8f73cd8be2c74add5a911ba64df27458ed8229da804a26" -> "d2a84f4b8b65…"
std::string short_hash(std::string_view hash);

} // namespace chain::ledger
