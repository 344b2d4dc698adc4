// Reader::read_canonical (text straight to canonical form) must agree byte for byte with
// dump_canonical(read_value()), and the validator's fast path with its full path.
#include "io/file_io.hpp"
#include "ledger/chain_file.hpp"
#include "ledger/validate.hpp"
#include "ledger/verify.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <catch2/catch.hpp>
#include <fstream>
#include <random>

using namespace chain;

namespace {

const std::filesystem::path k_vectors = CHAINCTL_VECTORS_DIR;

// Random JSON text using every form the grammar allows for the same value: escapes in upper
// and lower case, \/, raw UTF-8, surrogate pairs and lone surrogates, numbers with exponents,
// trailing zeros and -0, repeated and unsorted keys, and random whitespace.
class JsonTextGenerator {
public:
    explicit JsonTextGenerator(std::uint64_t seed) : m_rng(seed) {}

    std::string value(int depth = 0) {
        std::string out;
        write_value(out, depth);
        return out;
    }

private:
    std::size_t pick(std::size_t n) { return m_rng() % n; }

    void ws(std::string& out) {
        static const char* const spaces[] = {"", "", "", " ", "\n", "\t ", "\r\n  "};
        out += spaces[pick(7)];
    }

    void write_value(std::string& out, int depth) {
        ws(out);
        std::size_t kind = depth > 4 ? pick(5) : pick(7);
        switch (kind) {
        case 0:
            out += std::array<const char*, 6>{"true", "false",    "null",
                                              "NaN",  "Infinity", "-Infinity"}[pick(6)];
            break;
        case 1:
        case 2:
            number(out);
            break;
        case 3:
        case 4:
            string(out);
            break;
        case 5: {
            out += '[';
            std::size_t n = pick(5);
            for (std::size_t i = 0; i < n; ++i) {
                if (i) out += ',';
                write_value(out, depth + 1);
            }
            ws(out);
            out += ']';
            break;
        }
        default: {
            out += '{';
            std::size_t n = pick(6);
            std::vector<std::string> keys;
            for (std::size_t i = 0; i < n; ++i) {
                if (i) out += ',';
                ws(out);
                if (!keys.empty() && pick(4) == 0)
                    out += keys[pick(keys.size())]; // a repeated key
                else {
                    std::string k;
                    string(k);
                    keys.push_back(k);
                    out += k;
                }
                ws(out);
                out += ':';
                write_value(out, depth + 1);
            }
            ws(out);
            out += '}';
        }
        }
    }

    void number(std::string& out) {
        static const char* const fixed[] = {"0",
                                            "-0",
                                            "-0.0",
                                            "1E2",
                                            "1.10",
                                            "1e-05",
                                            "100.0",
                                            "1e16",
                                            "1e400",
                                            "-1e-400",
                                            "5e-324",
                                            "18446744073709551616",
                                            "-9223372036854775809",
                                            "9223372036854775807",
                                            "123456789012345678901234567890",
                                            "0.1e1",
                                            "2.50E+3"};
        if (pick(3) == 0) {
            out += fixed[pick(std::size(fixed))];
            return;
        }
        if (pick(2)) out += '-';
        out += std::to_string(m_rng() % 100000);
        if (pick(2)) out += "." + std::to_string(m_rng() % 10000);
        if (pick(3) == 0)
            out +=
                std::string(pick(2) ? "e" : "E") + (pick(2) ? "-" : "+") + std::to_string(pick(30));
    }

    void string(std::string& out) {
        static const char* const pieces[] = {"a",
                                             "Z",
                                             " ",
                                             "/",
                                             "\\/",
                                             "\\\"",
                                             "\\\\",
                                             "\\n",
                                             "\\t",
                                             "\\b",
                                             "\\f",
                                             "\\r",
                                             "\\u0041",
                                             "\\u00e9",
                                             "\\u00E9",
                                             "\\u0000",
                                             "\\u001f",
                                             "\\u007f",
                                             "\\u2028",
                                             "\\ud83d\\ude00",
                                             "\\uD83D\\uDE00",
                                             "\\ud800",
                                             "\\udfff",
                                             "\\u000a",
                                             "\xc3\xa9",
                                             "\xe4\xb8\xad",
                                             "\xf0\x9f\x98\x80",
                                             "\x7f",
                                             "hello world",
                                             "0123456789abcdef"};
        out += '"';
        std::size_t n = pick(6);
        for (std::size_t i = 0; i < n; ++i)
            out += pieces[pick(std::size(pieces))];
        out += '"';
    }

    std::mt19937_64 m_rng;
};

std::string via_dom(std::string_view text) {
    return json::dump_canonical(json::parse(text));
}

std::string via_scan(std::string_view text) {
    json::Reader reader(text);
    std::string out;
    reader.read_canonical(out);
    reader.expect_end();
    return out;
}

} // namespace

TEST_CASE("read_canonical agrees with dump_canonical on generated JSON", "[json][canonical]") {
    JsonTextGenerator gen(12345);
    for (int i = 0; i < 20000; ++i) {
        std::string text = gen.value();
        INFO("input: " << text);
        REQUIRE(via_scan(text) == via_dom(text));
    }
}

TEST_CASE("read_canonical agrees with dump_canonical on every vector block", "[json][canonical]") {
    std::ifstream in(k_vectors / "block-hash.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        json::Value record = json::parse(line);
        std::string block = json::dump(*record.find("block"));
        CHECK(via_scan(block) == record.find("preimage")->as_string());
    }
}

TEST_CASE("read_canonical reports malformed input like the parser", "[json][canonical]") {
    for (std::string_view bad :
         {"\"abc", "\"\\x\"", "\"\xff\"", "{\"a\" 1}", "[1,]", "\"\\u12\""}) {
        std::string dom_error, scan_error;
        try {
            json::parse(bad);
        } catch (const json::ParseError& e) {
            dom_error = e.what();
        }
        try {
            via_scan(bad);
        } catch (const json::ParseError& e) {
            scan_error = e.what();
        }
        CHECK_FALSE(dom_error.empty());
        CHECK(scan_error == dom_error);
    }
}

namespace {

// Problems from the streaming verifier (fast path) and from validating parsed blocks.
std::pair<std::vector<std::string>, std::vector<std::string>> both_paths(std::string_view text) {
    auto flatten = [](const std::vector<ledger::Problem>& problems) {
        std::vector<std::string> out;
        for (const auto& p : problems)
            if (p.reason.find("length mismatch") == std::string::npos)
                out.push_back((p.block ? std::to_string(*p.block) : "-") + ": " + p.reason);
        return out;
    };
    ledger::VerifyReport streamed = ledger::verify_chain_text(text, 2, 2);
    ledger::ChainDocument doc = ledger::parse_chain_file(text);
    return {flatten(streamed.problems), flatten(ledger::validate_chain(doc.blocks, 2))};
}

} // namespace

TEST_CASE("the fast validator reports exactly what the full validator does",
          "[ledger][canonical]") {
    for (const char* name :
         {"valid-medium.json", "invalid-content.json", "invalid-difficulty.json",
          "invalid-genesis.json", "invalid-index-type.json", "invalid-missing-block.json",
          "invalid-missing-field.json", "invalid-nonce.json", "invalid-previous-hash.json",
          "invalid-swapped.json"}) {
        INFO(name);
        auto [fast, full] = both_paths(io::read_file(k_vectors / "chains" / name));
        CHECK(fast == full);
    }
}

TEST_CASE("the fast validator agrees with the full one on damaged chains", "[ledger][canonical]") {
    const std::string original = io::read_file(k_vectors / "chains" / "valid-medium.json");
    std::mt19937_64 rng(99);
    static const char replacements[] = "0123456789abcdef\"\\{}[],: xE.-eu";
    int compared = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string text = original;
        for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k)
            text[rng() % text.size()] = replacements[rng() % (sizeof replacements - 1)];
        std::vector<std::string> fast, full;
        try {
            std::tie(fast, full) = both_paths(text);
        } catch (const Error&) {
            continue; // no longer JSON or no longer a chain file: nothing to compare
        }
        ++compared;
        INFO("mutation " << i);
        REQUIRE(fast == full);
    }
    CHECK(compared > 500);
}

TEST_CASE("skip_value accepts and rejects exactly what read_value does", "[json]") {
    JsonTextGenerator gen(777);
    std::mt19937_64 rng(5);
    static const char damage[] = "\"\\{}[],:0eE.-xu \x01\xff";
    for (int i = 0; i < 20000; ++i) {
        std::string text = gen.value();
        if (i % 2) text[rng() % text.size()] = damage[rng() % (sizeof damage - 1)];
        std::string read_error, skip_error;
        std::size_t read_end = 0, skip_end = 0;
        try {
            json::Reader r(text);
            r.read_value();
            read_end = r.offset();
        } catch (const json::ParseError& e) {
            read_error = e.what();
        }
        try {
            json::Reader r(text);
            r.skip_value();
            skip_end = r.offset();
        } catch (const json::ParseError& e) {
            skip_error = e.what();
        }
        INFO("input: " << text);
        REQUIRE(skip_error == read_error);
        REQUIRE(skip_end == read_end);
    }
}
