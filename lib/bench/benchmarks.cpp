#include "bench/benchmarks.hpp"

#include "ledger/block.hpp"
#include "ledger/chain_file.hpp"
#include "ledger/miner.hpp"
#include "ledger/sample_chain.hpp"
#include "ledger/sha256.hpp"
#include "ledger/verify.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

namespace chain::bench {

namespace {

using Clock = std::chrono::steady_clock;

// Runs work(n) with growing n until one call lasts seconds; returns units per second, where
// work(n) returns the units it processed.
double rate(double seconds, const std::function<double(std::uint64_t)>& work) {
    std::uint64_t n = 1;
    for (;;) {
        auto start = Clock::now();
        double units = work(n);
        double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        if (elapsed >= seconds) return units / elapsed;
        n = elapsed < seconds / 16 ? n * 8
                                   : static_cast<std::uint64_t>(n * seconds / elapsed * 1.1) + 1;
    }
}

double median_rate(const Settings& s, const std::function<double(std::uint64_t)>& work) {
    std::vector<double> rates;
    for (int i = 0; i < s.runs; ++i)
        rates.push_back(rate(s.seconds_per_run, work));
    std::sort(rates.begin(), rates.end());
    return rates[rates.size() / 2];
}

// A block of the size the lab's nodes produce with a few posts: about 1 KB.
json::Value realistic_block() {
    std::mt19937_64 rng(7);
    json::Array txs = ledger::sample_transactions(rng, 1024, 1795279524.0);
    return ledger::make_block(12345, std::move(txs), 1795279530.5,
                              "00b9a0f1df2415b2de6bf2fa4b1d4acb506201c0fbc6b507a68a90f439b8573f", 0,
                              "");
}

} // namespace

std::string sample_chain_file(const ledger::SampleChainOptions& options) {
    return ledger::chain_file_text(ledger::sample_chain(options), {}, options.difficulty);
}

Report run(const Settings& s) {
    Report r;
    r.threads = s.threads ? s.threads : ledger::hardware_threads();
    json::Value block = realistic_block();
    ledger::Preimage parts =
        ledger::preimage_parts(*block.find("index"), *block.find("previous_hash"),
                               *block.find("timestamp"), *block.find("transactions"));
    const std::string message = parts.head + "1000000" + parts.tail;
    r.block_bytes = message.size();

    r.sha256_mb_s = median_rate(s,
                                [&](std::uint64_t n) {
                                    ledger::Sha256 sha;
                                    std::string m = message;
                                    for (std::uint64_t i = 0; i < n; ++i) {
                                        m[0] =
                                            static_cast<char>('{' + (i & 1)); // defeat any caching
                                        (void)sha.digest(m);
                                    }
                                    return static_cast<double>(n * message.size());
                                }) /
                    1e6;

    // Difficulty 64 is never met, so every call hashes the full count: the miner's inner loop.
    r.pow_hashes_per_s_1_thread = median_rate(s, [&](std::uint64_t n) {
        ledger::hash_nonce_range(parts, 1000000, n, 64);
        return static_cast<double>(n);
    });
    r.pow_hashes_per_s_all_threads = median_rate(s, [&](std::uint64_t n) {
        std::vector<std::thread> workers;
        for (unsigned t = 0; t < r.threads; ++t)
            workers.emplace_back(
                [&, t] { ledger::hash_nonce_range(parts, 1000000 + t * n, n, 64); });
        for (std::thread& w : workers)
            w.join();
        return static_cast<double>(n * r.threads);
    });

    std::vector<json::Value> blocks;
    std::mt19937_64 rng(11);
    for (int i = 0; i < 64; ++i)
        blocks.push_back(ledger::make_block(i, ledger::sample_transactions(rng, 1024, 1795279524.0),
                                            1795279524.0 + i, std::string(64, 'a'), 1234, ""));
    r.canonical_json_mb_s =
        median_rate(s,
                    [&](std::uint64_t n) {
                        std::string out;
                        std::size_t bytes = 0;
                        for (std::uint64_t i = 0; i < n; ++i) {
                            out.clear();
                            json::write(blocks[i % blocks.size()], out, json::KeyOrder::Sorted);
                            bytes += out.size();
                        }
                        return static_cast<double>(bytes);
                    }) /
        1e6;

    ledger::SampleChainOptions chain;
    chain.target_bytes = s.verify_bytes;
    chain.difficulty = 1;
    const std::string file = sample_chain_file(chain);
    r.verify_file_bytes = file.size();
    r.verify_mb_s = median_rate(s,
                                [&](std::uint64_t n) {
                                    for (std::uint64_t i = 0; i < n; ++i)
                                        if (!ledger::verify_chain_text(file, 1, 1).valid)
                                            return 0.0;
                                    return static_cast<double>(n * file.size());
                                }) /
                    1e6;
    return r;
}

} // namespace chain::bench
