#include "ledger/validate.hpp"

#include "ledger/block.hpp"

#include "json/write.hpp"
#include <algorithm>

namespace chain::ledger {

namespace {

std::string describe_value(const json::Value& v) {
    std::string text = json::dump(v);
    if (text.size() > 80) text = text.substr(0, 77) + "...";
    return text;
}

bool is_genesis(const json::Value& block) {
    static const json::Value genesis = genesis_block();
    // Compare serialised forms: 0 and 0.0 are different blocks even though they compare equal.
    return json::dump_canonical(block) == json::dump_canonical(genesis);
}

std::string zeros_needed(int difficulty) {
    return std::to_string(difficulty) + (difficulty == 1 ? " leading zero" : " leading zeros");
}

} // namespace

std::string short_hash(std::string_view hash) {
    if (hash.size() <= 12) return std::string(hash);
    return std::string(hash.substr(0, 12)) + "\xE2\x80\xA6";
}

void ChainValidator::add(const json::Value& block, std::vector<Problem>& problems) {
    const std::size_t position = m_count++;
    auto report = [&](std::string reason) { problems.push_back({position, std::move(reason)}); };
    const json::Value* stored_hash = block.is_object() ? block.find("hash") : nullptr;
    std::string stored = stored_hash && stored_hash->is_string() ? stored_hash->as_string() : "";

    if (position == 0) {
        m_zeros.push_back(-1);
        if (!is_genesis(block))
            report("genesis mismatch: block 0 must be the genesis block "
                   "{\"index\": 0, \"transactions\": [], \"timestamp\": 0, \"previous_hash\": "
                   "\"0\", \"nonce\": 0, \"hash\": \"" +
                   std::string(k_genesis_hash) + "\"}, found " + describe_value(block));
        m_previous_hash = stored;
        return;
    }

    std::int8_t zeros = -1;
    if (auto problem = field_problem(block)) {
        report(*problem);
    } else {
        const json::Value& index = *block.find("index");
        if (index.type() != json::Type::Int ||
            index.as_int() != static_cast<std::int64_t>(position))
            report("index mismatch: expected " + std::to_string(position) + ", found " +
                   describe_value(index));
        const std::string& previous = block.find("previous_hash")->as_string();
        if (previous != m_previous_hash)
            report("previous_hash mismatch: block " + std::to_string(position - 1) + " has hash " +
                   m_previous_hash + ", this block names " + previous);
        m_preimage = block_preimage(block);
        Digest digest = m_sha.digest(m_preimage);
        std::string computed = to_hex(digest);
        if (computed != stored)
            report("hash mismatch: stored " + stored + " computed " + computed);
        else
            zeros = static_cast<std::int8_t>(leading_zero_nibbles(digest));
    }
    m_zeros.push_back(zeros);
    m_previous_hash = stored;
}

void ChainValidator::finish(int difficulty, std::vector<Problem>& problems) const {
    if (m_count == 0) problems.push_back({std::nullopt, "no genesis block: the chain is empty"});
    for (std::size_t i = 0; i < m_zeros.size(); ++i) {
        if (m_zeros[i] >= 0 && m_zeros[i] < difficulty)
            problems.push_back({i, "proof of work below difficulty: the hash has " +
                                       std::to_string(m_zeros[i]) + " leading zeros, difficulty " +
                                       std::to_string(difficulty) + " needs " +
                                       zeros_needed(difficulty)});
    }
    // File-level problems first, then by block; the order within a block is kept.
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
        if (!a.block || !b.block) return !a.block && b.block;
        return *a.block < *b.block;
    });
}

std::vector<Problem> validate_chain(const json::Array& blocks, int difficulty) {
    ChainValidator validator;
    std::vector<Problem> problems;
    for (const json::Value& block : blocks)
        validator.add(block, problems);
    validator.finish(difficulty, problems);
    return problems;
}

std::optional<std::string> check_next_block(const json::Value& block, std::int64_t tip_index,
                                            const std::string& tip_hash, int difficulty) {
    if (auto problem = field_problem(block)) return problem;
    const json::Value& index = *block.find("index");
    if (index.type() != json::Type::Int || index.as_int() != tip_index + 1)
        return "index " + describe_value(index) + " does not extend the tip (expected " +
               std::to_string(tip_index + 1) + ")";
    const std::string& previous = block.find("previous_hash")->as_string();
    if (previous != tip_hash)
        return "previous_hash " + previous + " is not the hash of block " +
               std::to_string(tip_index) + " (" + tip_hash + ")";
    std::string computed = block_hash(block);
    const std::string& stored = block.find("hash")->as_string();
    if (computed != stored) return "hash mismatch: stored " + stored + " computed " + computed;
    if (leading_zero_chars(computed) < difficulty)
        return "proof of work below difficulty: the hash needs " + zeros_needed(difficulty);
    return std::nullopt;
}

} // namespace chain::ledger
