// libFuzzer: the JSON reader. Whatever it accepts it must write back and read again to the same
// value (compared by canonical form, so NaN and -0.0 count), and skip_value must accept exactly
// what read_value accepts. Whatever it refuses must be a ParseError, never a crash.
#include "json/parse.hpp"
#include "json/write.hpp"
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace chain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    json::Value value;
    bool parsed = true;
    try {
        value = json::parse(text);
    } catch (const json::ParseError&) {
        parsed = false;
    }
    bool skipped = true;
    try {
        json::Reader reader(text);
        reader.skip_value();
        reader.expect_end();
    } catch (const json::ParseError&) {
        skipped = false;
    }
    if (parsed != skipped) std::abort();
    if (!parsed) return 0;
    const std::string canonical = json::dump_canonical(value);
    for (json::KeyOrder order : {json::KeyOrder::Insertion, json::KeyOrder::Sorted}) {
        json::Value again = json::parse(json::dump(value, order));
        if (json::dump_canonical(again) != canonical) std::abort();
    }
    return 0;
}
