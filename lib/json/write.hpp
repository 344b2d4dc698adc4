#pragma once
// Serialisation exactly as Python's json.dumps with its defaults (ensure_ascii=True, separators
// ", " and ": ", allow_nan=True). With sorted keys this is the block-hash preimage; in insertion
// order it is how the reference node writes /chain and its data file.

#include "json/value.hpp"
#include <string>
#include <string_view>

namespace chain::json {

enum class KeyOrder { Insertion, Sorted };

/// Appends json.dumps(value, sort_keys=(order == Sorted)) to out.
void write(const Value& value, std::string& out, KeyOrder order = KeyOrder::Insertion);
std::string dump(const Value& value, KeyOrder order = KeyOrder::Insertion);
/// json.dumps(value, sort_keys=True): the canonical form that block hashes are taken over.
inline std::string dump_canonical(const Value& value) {
    return dump(value, KeyOrder::Sorted);
}

/// Appends a string as a JSON string literal, ASCII only (\u escapes, surrogate pairs above
/// U+FFFF), exactly as Python's ensure_ascii encoder does.
void write_string(std::string_view utf8, std::string& out);

/// Appends Python's repr() of a float: shortest round-trip digits, exponent form below 1e-4 or
/// from 1e16 on (1e-05, 1e+16), otherwise fixed with a fraction (100.0); NaN, Infinity and
/// -Infinity as json.dumps writes them.
void write_float(double value, std::string& out);

} // namespace chain::json
