#pragma once
// Human-readable renderings shared by several commands.

#include "json/value.hpp"
#include <string>
#include <string_view>

namespace chainctl {

/// Local time of a Unix timestamp as "YYYY-MM-DD HH:MM:SS" (format as for strftime), or the
/// number itself when it is not a plausible time.
std::string local_time(const chain::json::Value& timestamp,
                       const char* format = "%Y-%m-%d %H:%M:%S");

/// A string field of a transaction for display, or its JSON text when it is not a string.
std::string display_field(const chain::json::Value& tx, std::string_view key);

/// Replaces control characters (other than newline) so user text cannot move the cursor or
/// change colours on the terminal.
std::string terminal_safe(std::string_view text);

/// Indents every line of text by prefix.
std::string indent(std::string_view text, std::string_view prefix);
/// Indents the lines after the first by prefix, for text that follows a label on its first line.
std::string hanging_indent(std::string_view text, std::string_view prefix);

/// Shortens every 64-hex-digit hash in text to its first 12 digits and an ellipsis.
std::string shorten_hashes(std::string_view text);

} // namespace chainctl
