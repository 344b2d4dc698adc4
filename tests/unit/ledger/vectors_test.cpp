// The golden vectors made with the reference node's own code: every line of block-hash.jsonl and
// every chain file with its expected verdict.
#include "io/file_io.hpp"
#include "ledger/block.hpp"
#include "ledger/verify.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <catch2/catch.hpp>
#include <fstream>

using namespace chain;

namespace {
const std::filesystem::path k_vectors = CHAINCTL_VECTORS_DIR;
}

TEST_CASE("every block-hash vector gives its preimage and hash", "[vectors]") {
    std::ifstream in(k_vectors / "block-hash.jsonl");
    REQUIRE(in);
    std::string line;
    int count = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        ++count;
        json::Value record = json::parse(line);
        const json::Value& block = *record.find("block");
        INFO("vector line " << count);
        CHECK(ledger::block_preimage(block) == record.find("preimage")->as_string());
        CHECK(ledger::block_hash(block) == record.find("hash")->as_string());
    }
    CHECK(count >= 300);
}

TEST_CASE("the first vector is the genesis block", "[vectors]") {
    std::ifstream in(k_vectors / "block-hash.jsonl");
    std::string line;
    std::getline(in, line);
    json::Value record = json::parse(line);
    CHECK(record.find("hash")->as_string() == ledger::k_genesis_hash);
    CHECK(ledger::block_hash(ledger::genesis_block()) == ledger::k_genesis_hash);
    CHECK(ledger::block_preimage(ledger::genesis_block()) ==
          R"({"index": 0, "nonce": 0, "previous_hash": "0", "timestamp": 0, "transactions": []})");
}

TEST_CASE("every vector chain file gets its expected verdict and first bad block", "[vectors]") {
    json::Value expected = json::parse(io::read_file(k_vectors / "chains" / "expected.json"));
    REQUIRE(expected.as_object().size() >= 16);
    for (const json::Member& m : expected.as_object()) {
        INFO("chain file " << m.key);
        std::string text = io::read_file(k_vectors / "chains" / m.key);
        ledger::VerifyReport report = ledger::verify_chain_text(text, std::nullopt, 2);
        CHECK(report.valid == m.value.find("valid")->as_bool());
        if (report.valid) {
            CHECK(report.problems.empty());
            continue;
        }
        REQUIRE_FALSE(report.problems.empty());
        const json::Value& first_bad = *m.value.find("first_bad");
        const ledger::Problem& first = report.problems.front();
        INFO("first problem: " << first.reason);
        if (first_bad.is_null()) {
            CHECK_FALSE(first.block.has_value());
        } else {
            REQUIRE(first.block.has_value());
            CHECK(*first.block == static_cast<std::size_t>(first_bad.as_int()));
        }
        // The reason names the expected kind of defect ("hash mismatch or previous_hash
        // mismatch" accepts either).
        std::string why = m.value.find("why")->as_string();
        bool named = false;
        std::size_t start = 0;
        while (start <= why.size()) {
            std::size_t end = why.find(" or ", start);
            std::string alternative =
                why.substr(start, end == std::string::npos ? end : end - start);
            for (const ledger::Problem& p : report.problems)
                if (p.block == first.block && p.reason.find(alternative) != std::string::npos)
                    named = true;
            if (end == std::string::npos) break;
            start = end + 4;
        }
        CHECK(named);
    }
}
