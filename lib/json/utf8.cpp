#include "json/utf8.hpp"

namespace chain::json {

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

namespace {
bool is_continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}
} // namespace

std::size_t utf8_sequence_length(std::string_view text) {
    if (text.empty()) return 0;
    auto b = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char c = b(0);
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0; // continuation byte or overlong 2-byte form
    if (c < 0xE0) return text.size() >= 2 && is_continuation(b(1)) ? 2 : 0;
    if (c < 0xF0) {
        if (text.size() < 3 || !is_continuation(b(1)) || !is_continuation(b(2))) return 0;
        if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
        if (c == 0xED && b(1) >= 0xA0) return 0; // encoded surrogate
        return 3;
    }
    if (c < 0xF5) {
        if (text.size() < 4 || !is_continuation(b(1)) || !is_continuation(b(2)) ||
            !is_continuation(b(3)))
            return 0;
        if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
        if (c == 0xF4 && b(1) >= 0x90) return 0; // beyond U+10FFFF
        return 4;
    }
    return 0;
}

std::uint32_t decode_utf8(std::string_view text, std::size_t& pos) {
    auto b = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char c = b(pos);
    if (c < 0x80) {
        ++pos;
        return c;
    }
    std::size_t need = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (need == 0 || pos + need >= text.size()) {
        ++pos;
        return 0xFFFD;
    }
    std::uint32_t cp = c & (0x3F >> need);
    for (std::size_t i = 1; i <= need; ++i) {
        if (!is_continuation(b(pos + i))) {
            ++pos;
            return 0xFFFD;
        }
        cp = (cp << 6) | (b(pos + i) & 0x3F);
    }
    pos += need + 1;
    return cp;
}

} // namespace chain::json
