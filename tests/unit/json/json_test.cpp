// The serialisation rules of Python's json.dumps(..., sort_keys=True), one by one.
#include "json/parse.hpp"
#include "json/write.hpp"
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

using namespace chain;
using json::dump;
using json::dump_canonical;
using json::parse;

namespace {
std::string canon(std::string_view text) {
    return dump_canonical(parse(text));
}
std::string float_repr(double d) {
    std::string out;
    json::write_float(d, out);
    return out;
}
} // namespace

TEST_CASE("separators are comma-space and colon-space with no other whitespace", "[json]") {
    CHECK(canon(R"({ "b" :[1 ,2,{"c":null}] ,"a":true })") ==
          R"({"a": true, "b": [1, 2, {"c": null}]})");
    CHECK(canon("[]") == "[]");
    CHECK(canon("{}") == "{}");
    CHECK(canon(" [ [ ] , { } ] ") == "[[], {}]");
}

TEST_CASE("keys are sorted at every depth by code point", "[json]") {
    CHECK(canon(R"({"b": {"z": 1, "y": {"d": 0, "c": 0}}, "a": [{"k": 1, "j": 2}]})") ==
          R"({"a": [{"j": 2, "k": 1}], "b": {"y": {"c": 0, "d": 0}, "z": 1}})");
    // Upper case sorts before lower case, digits before letters.
    CHECK(canon(R"({"a": 1, "B": 2, "1": 3, "_": 4})") == R"({"1": 3, "B": 2, "_": 4, "a": 1})");
    // U+FFFF sorts before U+1F600 by code point (UTF-16 code units would say the opposite).
    CHECK(canon(R"({"\ud83d\ude00": 1, "\uffff": 2, "\u00e9": 3, "z": 4})") ==
          R"({"z": 4, "\u00e9": 3, "\uffff": 2, "\ud83d\ude00": 1})");
    // A prefix sorts before its extensions.
    CHECK(canon(R"({"ab": 1, "a": 2})") == R"({"a": 2, "ab": 1})");
}

TEST_CASE("insertion order is kept when keys are not sorted", "[json]") {
    CHECK(dump(parse(R"({"b": 1, "a": 2})")) == R"({"b": 1, "a": 2})");
}

TEST_CASE("a repeated key keeps its first place and its last value", "[json]") {
    CHECK(dump(parse(R"({"a": 1, "b": 2, "a": 3})")) == R"({"a": 3, "b": 2})");
    std::string big = "{";
    for (int i = 0; i < 40; ++i)
        big += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
    big += "\"k3\": 99}";
    json::Value v = parse(big);
    CHECK(v.as_object().size() == 40);
    CHECK(v.find("k3")->as_int() == 99);
    CHECK(v.as_object()[3].key == "k3");
}

TEST_CASE("a repeated key means what it means to Python at every object size and depth", "[json]") {
    // The key that arrives as the 16th, 17th ... member is repeated later: the last value wins,
    // in the first place, as json.loads does (a large object once kept such a key twice).
    for (int members = 1; members <= 40; ++members) {
        for (int repeat = 0; repeat < members; ++repeat) {
            std::string text = "{";
            std::string expected = "{";
            for (int i = 0; i < members; ++i) {
                text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
                expected += (i ? ", " : "") + std::string("\"k") + std::to_string(i) +
                            "\": " + std::to_string(i == repeat ? 1000 : i);
            }
            text += "\"k" + std::to_string(repeat) + "\": 1000}";
            expected += "}";
            INFO(members << " members, k" << repeat << " repeated");
            CHECK(dump(parse(text)) == expected);
            // Both ways to the canonical form agree, nested too.
            std::string nested = "[{\"x\": " + text + "}]";
            std::string scanned;
            json::Reader reader(nested);
            reader.read_canonical(scanned);
            CHECK(scanned == dump_canonical(parse(nested)));
        }
    }
    // The reproducer of the defect: a transaction with 16 members, then "d" twice.
    std::string tx = R"({"author":"a","content":"b","k1":1,"k2":2,"k3":3,"k4":4,"k5":5,)"
                     R"("k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,)"
                     R"("k14":14,"d":1,"d":2})";
    json::Value v = parse(tx);
    CHECK(v.as_object().size() == 17);
    CHECK(v.find("d")->as_int() == 2);
    std::string scanned;
    json::Reader reader(tx);
    reader.read_canonical(scanned);
    CHECK(scanned == dump_canonical(v));
}

TEST_CASE("strings are ASCII-only with Python's escapes", "[json]") {
    CHECK(canon(R"("quote \" backslash \\ slash / \/")") == R"("quote \" backslash \\ slash / /")");
    CHECK(canon(R"("\b\f\n\r\t")") == R"("\b\f\n\r\t")");
    CHECK(canon(R"("\u0000\u0001\u001f\u007f\u0080")") == R"("\u0000\u0001\u001f\u007f\u0080")");
    CHECK(canon("\"\x7f\"") == R"("\u007f")");
    CHECK(canon(R"("\u2028\u2029")") == R"("\u2028\u2029")");
    CHECK(canon("\"caf\xc3\xa9 \xe4\xb8\xad\"") == R"("caf\u00e9 \u4e2d")");
    CHECK(canon("\"\xf0\x9f\x98\x80\"") == R"("\ud83d\ude00")");
    CHECK(canon(R"("\ud83d\ude00")") == R"("\ud83d\ude00")");
    CHECK(canon(R"("\uD83D\uDE00")") == R"("\ud83d\ude00")");
    CHECK(canon("\"\xf4\x8f\xbf\xbf\"") == R"("\udbff\udfff")");
    CHECK(canon(R"(" ~")") == R"(" ~")");
}

TEST_CASE("lone surrogates survive a round trip", "[json]") {
    CHECK(canon(R"("\ud800")") == R"("\ud800")");
    CHECK(canon(R"("\udc00x")") == R"("\udc00x")");
    CHECK(canon(R"("\ud800\u0041")") == R"("\ud800A")");
    CHECK(canon(R"("\ud83d\ud83d\ude00")") == R"("\ud83d\ud83d\ude00")");
}

TEST_CASE("integers are exact at any size", "[json]") {
    CHECK(canon("18446744073709551616") == "18446744073709551616");
    CHECK(canon("1000000000000000000000000000000") == "1000000000000000000000000000000");
    CHECK(canon("-10000000000000000000000000") == "-10000000000000000000000000");
    CHECK(canon("9223372036854775807") == "9223372036854775807");
    CHECK(canon("9223372036854775808") == "9223372036854775808");
    CHECK(canon("-9223372036854775808") == "-9223372036854775808");
    CHECK(canon("-9223372036854775809") == "-9223372036854775809");
    CHECK(canon("18446744073709551615") == "18446744073709551615");
    CHECK(canon("-0") == "0");
    CHECK(canon("0") == "0");
    CHECK(parse("9223372036854775807").type() == json::Type::Int);
    CHECK(parse("9223372036854775808").type() == json::Type::BigInt);
    CHECK(parse("-9223372036854775808").type() == json::Type::Int);
    CHECK(parse("-9223372036854775808").as_int() == std::numeric_limits<std::int64_t>::min());
    std::string huge(500, '7');
    CHECK(canon(huge) == huge);
}

TEST_CASE("integers and floats stay distinct", "[json]") {
    CHECK(canon("5") == "5");
    CHECK(canon("5.0") == "5.0");
    CHECK(canon("[0, 0.0, -0.0]") == "[0, 0.0, -0.0]");
    CHECK(parse("5") != parse("5.0"));
}

TEST_CASE("floats are written as Python's repr", "[json]") {
    CHECK(float_repr(0.1) == "0.1");
    CHECK(float_repr(100.0) == "100.0");
    CHECK(float_repr(-0.0) == "-0.0");
    CHECK(float_repr(0.0) == "0.0");
    CHECK(float_repr(0.0001) == "0.0001");
    CHECK(float_repr(0.00001) == "1e-05");
    CHECK(float_repr(0.000123) == "0.000123");
    CHECK(float_repr(0.0000123) == "1.23e-05");
    CHECK(float_repr(1e15) == "1000000000000000.0");
    CHECK(float_repr(1e16) == "1e+16");
    CHECK(float_repr(12345678901234568.0) == "1.2345678901234568e+16");
    CHECK(float_repr(9999999999999998.0) == "9999999999999998.0");
    CHECK(float_repr(5e-324) == "5e-324");
    CHECK(float_repr(2.2250738585072014e-308) == "2.2250738585072014e-308");
    CHECK(float_repr(1.7976931348623157e308) == "1.7976931348623157e+308");
    CHECK(float_repr(1.5e300) == "1.5e+300");
    CHECK(float_repr(1e22) == "1e+22");
    CHECK(float_repr(1e100) == "1e+100");
    CHECK(float_repr(-1.5e-7) == "-1.5e-07");
    CHECK(float_repr(1795279524.8227901) == "1795279524.8227901");
    CHECK(float_repr(123.456) == "123.456");
    CHECK(float_repr(0.30000000000000004) == "0.30000000000000004");
    CHECK(float_repr(std::numeric_limits<double>::infinity()) == "Infinity");
    CHECK(float_repr(-std::numeric_limits<double>::infinity()) == "-Infinity");
    CHECK(float_repr(std::nan("")) == "NaN");
}

TEST_CASE("input numbers are parsed to values first", "[json]") {
    CHECK(canon("1E2") == "100.0");
    CHECK(canon("1e2") == "100.0");
    CHECK(canon("1.10") == "1.1");
    CHECK(canon("1.0e0") == "1.0");
    CHECK(canon("-0.0e5") == "-0.0");
    CHECK(canon("10E-1") == "1.0");
    CHECK(canon("0.1e-3") == "0.0001");
    CHECK(canon("123456789012345678901234567890.0") == "1.2345678901234568e+29");
    CHECK(canon("1e400") == "Infinity");
    CHECK(canon("-1e400") == "-Infinity");
    CHECK(canon("1e-400") == "0.0");
    CHECK(canon("-1e-400") == "-0.0");
    CHECK(canon("4.9406564584124654e-324") == "5e-324");
    CHECK(canon("[NaN, Infinity, -Infinity]") == "[NaN, Infinity, -Infinity]");
}

TEST_CASE("malformed JSON is refused with line and column", "[json]") {
    auto fails_with = [](std::string_view text, std::string_view fragment) {
        try {
            parse(text);
        } catch (const json::ParseError& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(fragment) != std::string::npos);
            return;
        }
        FAIL("accepted: " << text);
    };
    fails_with("", "line 1, column 1");
    fails_with("{\"a\": 1,}", "trailing comma");
    fails_with("[1,]", "trailing comma");
    fails_with("[1 2]", "expected ','");
    fails_with("{\"a\" 1}", "expected ':'");
    fails_with("{1: 2}", "expected a string key");
    fails_with("01", "after the JSON value");
    fails_with("1.", "digits must follow '.'");
    fails_with(".5", "unexpected '.'");
    fails_with("1e", "exponent");
    fails_with("+1", "unexpected '+'");
    fails_with("\"a\tb\"", "control character");
    fails_with("\"\\x\"", "invalid escape");
    fails_with("\"\\u12\"", "four hex digits");
    fails_with("\"abc", "end of input inside a string");
    fails_with("\"\xff\"", "invalid UTF-8");
    fails_with("\"\xed\xa0\x80\"", "invalid UTF-8"); // an encoded surrogate is not UTF-8
    fails_with("\"\xc0\xaf\"", "invalid UTF-8");     // overlong
    fails_with("[1, 2", "truncated");
    fails_with("{\"a\": [1, {\"b\": tru", "truncated");
    fails_with("nul", "truncated");
    fails_with("[1]\n[2]", "line 2, column 1");
    fails_with(std::string(600, '[') + std::string(600, ']'), "nesting deeper than 512");
    fails_with("'single'", "unexpected");
}

TEST_CASE("a byte-order mark before the document is skipped", "[json]") {
    CHECK(canon("\xEF\xBB\xBF{\"a\": 1}") == R"({"a": 1})");
}

TEST_CASE("values can be built and edited like Python dicts", "[json]") {
    json::Value tx(json::Object{{"author", "a"}, {"timestamp", 1}, {"content", "c"}});
    tx.set("timestamp", json::Value(2.5));
    tx.set("extra", json::Value(true));
    CHECK(dump(tx) == R"({"author": "a", "timestamp": 2.5, "content": "c", "extra": true})");
    CHECK(tx.erase("extra"));
    CHECK_FALSE(tx.erase("missing"));
    CHECK(json::Value(std::uint64_t{18446744073709551615u}).type() == json::Type::BigInt);
    CHECK(dump(json::Value(std::uint64_t{18446744073709551615u})) == "18446744073709551615");
    CHECK_THROWS_AS(json::Value("s").as_int(), Error);
}
