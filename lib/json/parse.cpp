#include "json/parse.hpp"

#include "json/scan.hpp"
#include "json/utf8.hpp"
#include <array>
#include <charconv>
#include <cstdlib>
#include <unordered_map>

namespace chain::json {

namespace {

constexpr std::size_t k_max_depth = 512;
// Objects up to this size find repeated keys by a linear scan; larger ones use a hash map so a
// hostile document cannot make parsing quadratic.
constexpr std::size_t k_linear_dedup_limit = 16;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string describe_char(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
    static const char* const hex = "0123456789abcdef";
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
}

} // namespace

std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

Reader::Reader(std::string_view text) : m_text(text) {
    if (m_text.starts_with("\xEF\xBB\xBF")) m_pos = 3;
}

void Reader::fail(std::string_view what) const {
    auto [line, column] = line_column(m_text, m_pos);
    throw ParseError("malformed JSON at line " + std::to_string(line) + ", column " +
                         std::to_string(column) + ": " + std::string(what),
                     m_pos);
}

void Reader::skip_ws() {
    while (m_pos < m_text.size()) {
        char c = m_text[m_pos];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
        ++m_pos;
    }
}

char Reader::peek() {
    skip_ws();
    return m_pos < m_text.size() ? m_text[m_pos] : '\0';
}

bool Reader::at_end() {
    skip_ws();
    return m_pos >= m_text.size();
}

void Reader::expect_end() {
    if (!at_end()) fail("unexpected " + describe_char(m_text[m_pos]) + " after the JSON value");
}

void Reader::expect_literal(std::string_view literal) {
    if (m_text.substr(m_pos, literal.size()) != literal) {
        if (m_pos + literal.size() > m_text.size() && literal.starts_with(m_text.substr(m_pos)))
            fail("unexpected end of input (truncated?)");
        fail("unexpected " + describe_char(m_text[m_pos]));
    }
    m_pos += literal.size();
}

void Reader::read_string(std::string& out) {
    out.clear();
    const char* const begin = m_text.data();
    const char* const end = begin + m_text.size();
    const char* p = begin + m_pos + 1; // past the opening quote
    auto fail_at = [&](const char* where, std::string_view what) {
        m_pos = static_cast<std::size_t>(where - begin);
        fail(what);
    };
    for (;;) {
        const char* run = p;
        p = find_string_stop(p, end);
        out.append(run, p);
        if (p == end) fail_at(p, "unexpected end of input inside a string (truncated?)");
        auto c = static_cast<unsigned char>(*p);
        if (c == '"') {
            ++p;
            break;
        }
        if (c == '\\') {
            const char* escape = p;
            if (++p == end) fail_at(p, "unexpected end of input inside a string");
            switch (*p++) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                auto read_hex4 = [&](const char* at) -> int {
                    if (end - at < 4) return -1;
                    int v = 0;
                    for (int i = 0; i < 4; ++i) {
                        int h = hex_value(at[i]);
                        if (h < 0) return -1;
                        v = v * 16 + h;
                    }
                    return v;
                };
                int unit = read_hex4(p);
                if (unit < 0) fail_at(escape, "invalid \\u escape (needs four hex digits)");
                p += 4;
                auto code_point = static_cast<std::uint32_t>(unit);
                // A high surrogate followed by an escaped low surrogate is one character.
                if (unit >= 0xD800 && unit <= 0xDBFF && end - p >= 6 && p[0] == '\\' &&
                    p[1] == 'u') {
                    int low = read_hex4(p + 2);
                    if (low >= 0xDC00 && low <= 0xDFFF) {
                        code_point = 0x10000 + ((static_cast<std::uint32_t>(unit) - 0xD800) << 10) +
                                     (static_cast<std::uint32_t>(low) - 0xDC00);
                        p += 6;
                    }
                }
                append_utf8(out, code_point);
                break;
            }
            default:
                fail_at(escape, "invalid escape " + describe_char(p[-1]) + " in string");
            }
            continue;
        }
        if (c < 0x20)
            fail_at(p, "control character " + describe_char(*p) + " in string (escape it)");
        std::size_t n =
            utf8_sequence_length(std::string_view(p, static_cast<std::size_t>(end - p)));
        if (n == 0) fail_at(p, "invalid UTF-8 in string");
        out.append(p, n);
        p += n;
    }
    m_pos = static_cast<std::size_t>(p - begin);
}

Value Reader::read_number() {
    const std::size_t start = m_pos;
    const std::size_t size = m_text.size();
    bool is_float = false;
    if (m_text[m_pos] == '-') ++m_pos;
    if (m_pos >= size) fail("unexpected end of input in a number");
    if (m_text[m_pos] == '0') {
        ++m_pos;
    } else if (is_digit(m_text[m_pos])) {
        while (m_pos < size && is_digit(m_text[m_pos]))
            ++m_pos;
    } else {
        fail("invalid number");
    }
    if (m_pos < size && m_text[m_pos] == '.') {
        ++m_pos;
        if (m_pos >= size || !is_digit(m_text[m_pos]))
            fail("invalid number: digits must follow '.'");
        while (m_pos < size && is_digit(m_text[m_pos]))
            ++m_pos;
        is_float = true;
    }
    if (m_pos < size && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
        ++m_pos;
        if (m_pos < size && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
        if (m_pos >= size || !is_digit(m_text[m_pos]))
            fail("invalid number: digits must follow the exponent");
        while (m_pos < size && is_digit(m_text[m_pos]))
            ++m_pos;
        is_float = true;
    }
    std::string_view token = m_text.substr(start, m_pos - start);
    if (is_float) {
        double d = 0;
        auto result = std::from_chars(token.data(), token.data() + token.size(), d);
        if (result.ec == std::errc::result_out_of_range) {
            // Overflow gives +-inf and underflow +-0.0, as Python's float() does.
            d = std::strtod(std::string(token).c_str(), nullptr);
        }
        return Value(d);
    }
    bool negative = token[0] == '-';
    std::string_view digits = token.substr(negative ? 1 : 0);
    // Accumulate as a negative number so that INT64_MIN fits.
    std::int64_t value = 0;
    constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
    for (char ch : digits) {
        int d = ch - '0';
        if (value < (min + d) / 10) return Value(BigInt{std::string(token)});
        value = value * 10 - d;
    }
    if (!negative) {
        if (value == min) return Value(BigInt{std::string(token)});
        value = -value;
    }
    return Value(value);
}

void Reader::read_object_into(Object& object, std::size_t depth) {
    ++m_pos;                                            // '{'
    std::unordered_map<std::string, std::size_t> index; // used only for large objects
    std::string key;
    bool first = true;
    while (separator('}', first)) {
        if (peek() != '"') fail("expected a string key");
        read_string(key);
        if (peek() != ':') fail("expected ':' after an object key");
        ++m_pos;
        Value value = read_value_at_depth(depth + 1);
        // A repeated key keeps its first place and takes the last value, as in a Python dict.
        // Small objects find it by a linear scan; past k_linear_dedup_limit members, every key
        // (the new one included) is in the index, so a hostile document cannot make parsing
        // quadratic.
        std::size_t found = object.size();
        if (index.empty()) {
            for (std::size_t i = 0; i < object.size(); ++i)
                if (object[i].key == key) found = i;
        } else if (auto it = index.find(key); it != index.end()) {
            found = it->second;
        }
        if (found < object.size()) {
            object[found].value = std::move(value);
            continue;
        }
        object.push_back(Member{key, std::move(value)});
        if (!index.empty())
            index.emplace(object.back().key, object.size() - 1);
        else if (object.size() > k_linear_dedup_limit)
            for (std::size_t i = 0; i < object.size(); ++i)
                index.emplace(object[i].key, i);
    }
}

// Between members or elements: true when another one follows, false when `close` ended the
// container. Enforces the commas.
bool Reader::separator(char close, bool& first) {
    char c = peek();
    if (c == close) {
        ++m_pos;
        return false;
    }
    if (!first) {
        if (c == ',') {
            ++m_pos;
            if (peek() == close) fail("trailing comma before " + describe_char(close));
            return true;
        }
        if (c == '\0') fail("unexpected end of input (truncated?)");
        fail(std::string("expected ',' or '") + close + "', found " + describe_char(c));
    }
    first = false;
    if (c == '\0') fail("unexpected end of input (truncated?)");
    return true;
}

Value Reader::read_value_at_depth(std::size_t depth) {
    if (depth > k_max_depth) fail("nesting deeper than 512 levels");
    char c = peek();
    switch (c) {
    case '{': {
        Object object;
        read_object_into(object, depth);
        return Value(std::move(object));
    }
    case '[': {
        ++m_pos;
        Array array;
        bool first = true;
        while (separator(']', first))
            array.push_back(read_value_at_depth(depth + 1));
        return Value(std::move(array));
    }
    case '"': {
        std::string s;
        read_string(s);
        return Value(std::move(s));
    }
    case 't':
        expect_literal("true");
        return Value(true);
    case 'f':
        expect_literal("false");
        return Value(false);
    case 'n':
        expect_literal("null");
        return Value(nullptr);
    case 'N':
        expect_literal("NaN");
        return Value(std::numeric_limits<double>::quiet_NaN());
    case 'I':
        expect_literal("Infinity");
        return Value(std::numeric_limits<double>::infinity());
    case '-':
        if (m_pos + 1 < m_text.size() && m_text[m_pos + 1] == 'I') {
            expect_literal("-Infinity");
            return Value(-std::numeric_limits<double>::infinity());
        }
        return read_number();
    case '\0':
        if (m_pos >= m_text.size()) fail("unexpected end of input (truncated?)");
        fail("unexpected " + describe_char(c));
    default:
        if (is_digit(c)) return read_number();
        fail("unexpected " + describe_char(c));
    }
}

Value Reader::read_value() {
    return read_value_at_depth(m_first.size());
}

void Reader::skip_value() {
    skip_value_at_depth(m_first.size());
}

// Checks one value like read_value but builds nothing: strings are scanned, not decoded (their
// UTF-8 and escapes still checked), and numbers are only matched against the grammar.
void Reader::skip_value_at_depth(std::size_t depth) {
    if (depth > k_max_depth) fail("nesting deeper than 512 levels");
    switch (peek()) {
    case '{': {
        ++m_pos;
        bool first = true;
        while (separator('}', first)) {
            if (peek() != '"') fail("expected a string key");
            skip_string();
            if (peek() != ':') fail("expected ':' after an object key");
            ++m_pos;
            skip_value_at_depth(depth + 1);
        }
        return;
    }
    case '[': {
        ++m_pos;
        bool first = true;
        while (separator(']', first))
            skip_value_at_depth(depth + 1);
        return;
    }
    case '"':
        skip_string();
        return;
    default:
        (void)read_value_at_depth(depth); // a scalar: as cheap to read as to skip
    }
}

void Reader::skip_string() {
    const char* const begin = m_text.data();
    const char* const end = begin + m_text.size();
    const char* p = begin + m_pos + 1;
    for (;;) {
        p = find_string_stop(p, end);
        if (p == end) break;
        if (*p == '"') {
            m_pos = static_cast<std::size_t>(p + 1 - begin);
            return;
        }
        if (*p == '\\' && end - p >= 2 &&
            std::string_view("\"\\/bfnrt").find(p[1]) != std::string_view::npos) {
            p += 2;
            continue;
        }
        break; // \u escapes, non-ASCII and errors: let the decoder check them
    }
    read_string(m_scratch);
}

void Reader::begin_object() {
    if (peek() != '{') fail("expected an object");
    ++m_pos;
    m_first.push_back(true);
}

bool Reader::next_member(std::string& key) {
    bool first = m_first.back();
    if (!separator('}', first)) {
        m_first.pop_back();
        return false;
    }
    m_first.back() = false;
    if (peek() != '"') fail("expected a string key");
    read_string(key);
    if (peek() != ':') fail("expected ':' after an object key");
    ++m_pos;
    return true;
}

void Reader::begin_array() {
    if (peek() != '[') fail("expected an array");
    ++m_pos;
    m_first.push_back(true);
}

bool Reader::next_element() {
    bool first = m_first.back();
    if (!separator(']', first)) {
        m_first.pop_back();
        return false;
    }
    m_first.back() = false;
    return true;
}

Value parse(std::string_view text) {
    Reader reader(text);
    Value value = reader.read_value();
    reader.expect_end();
    return value;
}

} // namespace chain::json
