#pragma once
// Fast scans over string bytes, 16 at a time with SSE2 (part of every x86-64 CPU), for the runs
// of plain characters that make up most of a JSON document.

namespace chain::json {

/// First byte in [p, end) that ends a plain run inside a JSON string being read: '"', '\\', a
/// control character (< 0x20) or a non-ASCII byte (>= 0x80). end if there is none.
const char* find_string_stop(const char* p, const char* end);

/// First byte in [p, end) that cannot be written as it is in ASCII-only JSON output: '"', '\\',
/// < 0x20 or >= 0x7F. end if there is none.
const char* find_escape_needed(const char* p, const char* end);

} // namespace chain::json
