// libFuzzer: the canonical writer against the fast scanner. dump_canonical(parse(text)) and
// Reader::read_canonical(text), the two ways chainctl makes a block-hash preimage, must agree
// byte for byte, and accept and refuse the same texts.
#include "json/parse.hpp"
#include "json/write.hpp"
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace chain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string written, scanned;
    bool by_value = true, by_scan = true;
    try {
        written = json::dump_canonical(json::parse(text));
    } catch (const json::ParseError&) {
        by_value = false;
    }
    try {
        json::Reader reader(text);
        reader.read_canonical(scanned);
        reader.expect_end();
    } catch (const json::ParseError&) {
        by_scan = false;
    }
    if (by_value != by_scan) std::abort();
    if (by_value && written != scanned) std::abort();
    return 0;
}
