#pragma once
// UTF-8 helpers. Strings are held as UTF-8; a lone surrogate (which JSON can carry as a \u escape
// and Python keeps) is held as its 3-byte generalised encoding ("WTF-8"), which still sorts by
// code point.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chain::json {

/// Appends a code point (surrogates allowed) as UTF-8.
void append_utf8(std::string& out, std::uint32_t code_point);

/// Length of the strict UTF-8 sequence at the start of text (1 to 4), or 0 if it is invalid
/// (overlong, surrogate, beyond U+10FFFF or cut short).
std::size_t utf8_sequence_length(std::string_view text);

/// Decodes the sequence at text[pos] (lone surrogates allowed), advancing pos. Returns U+FFFD
/// for bytes that are not UTF-8, so a writer never stops on them.
std::uint32_t decode_utf8(std::string_view text, std::size_t& pos);

} // namespace chain::json
