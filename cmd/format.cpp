#include "format.hpp"

#include "ledger/validate.hpp"

#include "json/write.hpp"
#include <cmath>
#include <ctime>

namespace chainctl {

std::string local_time(const chain::json::Value& timestamp, const char* format) {
    double seconds = 0;
    if (timestamp.type() == chain::json::Type::Int)
        seconds = static_cast<double>(timestamp.as_int());
    else if (timestamp.is_float())
        seconds = timestamp.as_float();
    else
        return chain::json::dump(timestamp);
    // Years 1 to 9999 only; anything else is shown as the number it is.
    if (!std::isfinite(seconds) || seconds < -62135596800.0 || seconds > 253402300799.0)
        return chain::json::dump(timestamp);
    std::time_t t = static_cast<std::time_t>(std::floor(seconds));
    std::tm tm{};
    if (!localtime_r(&t, &tm)) return chain::json::dump(timestamp);
    char buf[64];
    std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
    return std::string(buf, n);
}

std::string display_field(const chain::json::Value& tx, std::string_view key) {
    const chain::json::Value* v = tx.is_object() ? tx.find(key) : nullptr;
    if (!v) return "";
    return terminal_safe(v->is_string() ? v->as_string() : chain::json::dump(*v));
}

std::string terminal_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (c == '\n' || c == '\t' || (u >= 0x20 && u != 0x7f)) {
            out += c;
        } else {
            static const char* const hex = "0123456789abcdef";
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

std::string indent(std::string_view text, std::string_view prefix) {
    std::string out(prefix);
    for (char c : text) {
        out += c;
        if (c == '\n') out += prefix;
    }
    return out;
}

std::string hanging_indent(std::string_view text, std::string_view prefix) {
    return indent(text, prefix).substr(prefix.size());
}

std::string shorten_hashes(std::string_view text) {
    std::string out;
    std::size_t i = 0;
    auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
    while (i < text.size()) {
        std::size_t run = i;
        while (run < text.size() && is_hex(text[run]))
            ++run;
        bool word_start = i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1]));
        bool word_end = run == text.size() || !std::isalnum(static_cast<unsigned char>(text[run]));
        if (run - i == 64 && word_start && word_end) {
            out += chain::ledger::short_hash(text.substr(i, 64));
            i = run;
        } else if (run > i) {
            out.append(text.substr(i, run - i));
            i = run;
        } else {
            out += text[i++];
        }
    }
    return out;
}

} // namespace chainctl
