#include "json/write.hpp"

#include "json/scan.hpp"
#include "json/utf8.hpp"
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace chain::json {

namespace {

void append_u_escape(std::string& out, std::uint32_t unit) {
    static const char* const hex = "0123456789abcdef";
    char buf[6] = {
        '\\',          'u', hex[(unit >> 12) & 15], hex[(unit >> 8) & 15], hex[(unit >> 4) & 15],
        hex[unit & 15]};
    out.append(buf, 6);
}

void write_integer(std::int64_t value, std::string& out) {
    char buf[24];
    auto result = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, result.ptr);
}

void write_value(const Value& value, std::string& out, KeyOrder order);

void write_object(const Object& object, std::string& out, KeyOrder order) {
    if (object.empty()) {
        out += "{}";
        return;
    }
    auto write_member = [&](const Member& m, bool first) {
        if (!first) out += ", ";
        write_string(m.key, out);
        out += ": ";
        write_value(m.value, out, order);
    };
    out += '{';
    if (order == KeyOrder::Insertion || object.size() == 1) {
        bool first = true;
        for (const Member& m : object) {
            write_member(m, first);
            first = false;
        }
    } else {
        // Keys compare by UTF-8 bytes, which is code point order, as Python sorts str keys.
        constexpr std::size_t k_inline = 16;
        std::array<const Member*, k_inline> small;
        std::vector<const Member*> large;
        const Member** begin = small.data();
        if (object.size() > k_inline) {
            large.resize(object.size());
            begin = large.data();
        }
        const Member** end = begin + object.size();
        std::transform(object.begin(), object.end(), begin, [](const Member& m) { return &m; });
        std::sort(begin, end, [](const Member* a, const Member* b) { return a->key < b->key; });
        for (const Member** it = begin; it != end; ++it)
            write_member(**it, it == begin);
    }
    out += '}';
}

void write_value(const Value& value, std::string& out, KeyOrder order) {
    switch (value.type()) {
    case Type::Null:
        out += "null";
        return;
    case Type::Bool:
        out += value.as_bool() ? "true" : "false";
        return;
    case Type::Int:
        write_integer(value.as_int(), out);
        return;
    case Type::BigInt:
        out += value.as_big_int().digits;
        return;
    case Type::Float:
        write_float(value.as_float(), out);
        return;
    case Type::String:
        write_string(value.as_string(), out);
        return;
    case Type::Array: {
        const Array& array = value.as_array();
        out += '[';
        for (std::size_t i = 0; i < array.size(); ++i) {
            if (i) out += ", ";
            write_value(array[i], out, order);
        }
        out += ']';
        return;
    }
    case Type::Object:
        write_object(value.as_object(), out, order);
        return;
    }
}

} // namespace

void write_string(std::string_view s, std::string& out) {
    out += '"';
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t run = i;
        i = static_cast<std::size_t>(find_escape_needed(s.data() + i, s.data() + s.size()) -
                                     s.data());
        out.append(s.data() + run, i - run);
        if (i == s.size()) break;
        auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"':
            out += "\\\"";
            ++i;
            continue;
        case '\\':
            out += "\\\\";
            ++i;
            continue;
        case '\b':
            out += "\\b";
            ++i;
            continue;
        case '\f':
            out += "\\f";
            ++i;
            continue;
        case '\n':
            out += "\\n";
            ++i;
            continue;
        case '\r':
            out += "\\r";
            ++i;
            continue;
        case '\t':
            out += "\\t";
            ++i;
            continue;
        default:
            break;
        }
        std::uint32_t cp = decode_utf8(s, i);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            append_u_escape(out, 0xD800 + (cp >> 10));
            append_u_escape(out, 0xDC00 + (cp & 0x3FF));
        } else {
            append_u_escape(out, cp);
        }
    }
    out += '"';
}

void write_float(double value, std::string& out) {
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    if (std::isinf(value)) {
        out += value < 0 ? "-Infinity" : "Infinity";
        return;
    }
    // Shortest round-trip digits, in scientific form d[.ddd]e[+-]x.
    char sci[32];
    auto result = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
    std::string_view text(sci, static_cast<std::size_t>(result.ptr - sci));
    bool negative = text.front() == '-';
    if (negative) text.remove_prefix(1);
    std::size_t e_pos = text.find('e');
    char digits[24];
    std::size_t n_digits = 0;
    for (char c : text.substr(0, e_pos))
        if (c != '.') digits[n_digits++] = c;
    int exponent = 0;
    std::string_view exp_text = text.substr(e_pos + 1);
    if (exp_text.front() == '+') exp_text.remove_prefix(1);
    std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);

    if (negative) out += '-';
    // Python's repr switches to exponent form when the decimal point position (exponent + 1)
    // is at most -4 or above 16.
    const int point = exponent + 1;
    if (point <= -4 || point > 16) {
        out += digits[0];
        if (n_digits > 1) {
            out += '.';
            out.append(digits + 1, n_digits - 1);
        }
        out += 'e';
        out += exponent < 0 ? '-' : '+';
        int magnitude = std::abs(exponent);
        if (magnitude < 10) out += '0';
        write_integer(magnitude, out);
        return;
    }
    if (point <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-point), '0');
        out.append(digits, n_digits);
    } else if (static_cast<std::size_t>(point) >= n_digits) {
        out.append(digits, n_digits);
        out.append(static_cast<std::size_t>(point) - n_digits, '0');
        out += ".0";
    } else {
        out.append(digits, static_cast<std::size_t>(point));
        out += '.';
        out.append(digits + point, n_digits - static_cast<std::size_t>(point));
    }
}

void write(const Value& value, std::string& out, KeyOrder order) {
    write_value(value, out, order);
}

std::string dump(const Value& value, KeyOrder order) {
    std::string out;
    write_value(value, out, order);
    return out;
}

} // namespace chain::json
