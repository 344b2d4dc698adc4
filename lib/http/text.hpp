#pragma once
// Small helpers the HTTP server and client (and the node's routes) share: durations from seconds,
// the way they write a duration or a system error in a message, and comma-separated header lists.

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

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

/// The items of a comma-separated header value ("keep-alive, Upgrade"), each trimmed of spaces
/// and tabs; empty items are kept, so callers see the list as it was written.
inline std::vector<std::string_view> header_list(std::string_view list) {
    std::vector<std::string_view> items;
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
            item.remove_suffix(1);
        items.push_back(item);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return items;
}

} // namespace chain::http
