#include "ledger/sample_chain.hpp"

#include "ledger/block.hpp"
#include "ledger/miner.hpp"

#include "json/write.hpp"
#include <array>

namespace chain::ledger {

namespace {

constexpr std::array<std::string_view, 8> k_authors = {
    "alice", "bob", "Jos\xC3\xA9", "\xE6\x9D\x8E", "Emiliano", "carol", "Zo\xC3\xAB", "dmitri"};
constexpr std::array<std::string_view, 16> k_words = {"hola",
                                                      "mundo",
                                                      "block",
                                                      "chain",
                                                      "node",
                                                      "peer",
                                                      "hash",
                                                      "nonce",
                                                      "se\xC3\xB1"
                                                      "al",
                                                      "\xE4\xB8\xAD\xE6\x96\x87",
                                                      "\xF0\x9F\x98\x80",
                                                      "consensus",
                                                      "lab",
                                                      "post",
                                                      "caf\xC3\xA9",
                                                      "fork"};

} // namespace

json::Value sample_transaction(std::mt19937_64& rng, double timestamp) {
    std::string content;
    std::size_t target = 20 + rng() % 180;
    while (content.size() < target) {
        if (!content.empty()) content += rng() % 12 == 0 ? '\n' : ' ';
        content += k_words[rng() % k_words.size()];
    }
    return json::Object{{"author", k_authors[rng() % k_authors.size()]},
                        {"content", content},
                        {"timestamp", timestamp + static_cast<double>(rng() % 1000000) / 1e6}};
}

json::Array sample_transactions(std::mt19937_64& rng, std::size_t target_bytes, double timestamp) {
    json::Array txs;
    std::size_t size = 200; // the block's own fields
    while (size < target_bytes) {
        txs.push_back(sample_transaction(rng, timestamp));
        size += json::dump(txs.back()).size() + 2;
    }
    return txs;
}

json::Array sample_chain(const SampleChainOptions& o) {
    std::mt19937_64 rng(o.seed);
    json::Array blocks{genesis_block()};
    std::size_t size = 0;
    double timestamp = 1795279524.0;
    MineOptions options;
    options.difficulty = o.difficulty;
    options.threads = 1;
    auto more = [&] { return o.blocks ? blocks.size() < o.blocks : size < o.target_bytes; };
    while (more()) {
        timestamp += 1.25;
        const json::Value& tip = blocks.back();
        json::Array txs = sample_transactions(rng, o.block_bytes, timestamp);
        std::int64_t index = static_cast<std::int64_t>(blocks.size());
        std::string previous = tip.find("hash")->as_string();
        Preimage parts = preimage_parts(json::Value(index), json::Value(previous),
                                        json::Value(timestamp), json::Value(txs));
        MineResult mined = mine(parts, options);
        blocks.push_back(make_block(index, std::move(txs), timestamp, std::move(previous),
                                    mined.nonce, mined.hash));
        size += json::dump(blocks.back()).size() + 2;
    }
    return blocks;
}

} // namespace chain::ledger
