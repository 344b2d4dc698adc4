#pragma once
// Small helpers the HTTP server and client share: durations from seconds, and the way they
// write a duration or a system error in a message.

#include <chrono>
#include <cstdio>
#include <string>

namespace chain::http {

/// A duration of s seconds (fractions kept).
inline std::chrono::steady_clock::duration to_duration(double s) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(s));
}

/// "0.5 s", "2 s".
inline std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g s", s);
    return buf;
}

/// A system error's text as chainctl's messages put it: "Connection refused" -> "connection
/// refused".
inline std::string lower_first(std::string text) {
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z')
        text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return text;
}

} // namespace chain::http
