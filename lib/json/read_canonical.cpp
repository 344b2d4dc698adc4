// Reader::read_canonical: canonical JSON straight from text, for verifying large chain files
// without building every block in memory. It must agree byte for byte with
// dump_canonical(read_value()); the unit tests check that on the vectors and on generated input.
#include "json/parse.hpp"
#include "json/scan.hpp"
#include "json/write.hpp"
#include <algorithm>

namespace chain::json {

namespace {

constexpr std::size_t k_max_depth = 512;

int lower_hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1; // upper case is valid JSON but not what Python writes
}

// Whether the escape at p (p[0] == '\\') is exactly what Python's ensure_ascii encoder writes
// for the character it stands for; sets length to the escape's size.
bool canonical_escape(const char* p, const char* end, std::size_t& length) {
    if (end - p < 2) return false;
    switch (p[1]) {
    case '"':
    case '\\':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
        length = 2;
        return true;
    case 'u': {
        if (end - p < 6) return false;
        int unit = 0;
        for (int i = 2; i < 6; ++i) {
            int h = lower_hex_value(p[i]);
            if (h < 0) return false;
            unit = unit * 16 + h;
        }
        // Printable ASCII is written as itself, and these five have short escapes.
        bool short_form =
            unit == '\b' || unit == '\f' || unit == '\n' || unit == '\r' || unit == '\t';
        if ((unit >= 0x20 && unit < 0x7f) || short_form) return false;
        length = 6;
        return true;
    }
    default:
        return false;
    }
}

} // namespace

Type Reader::read_canonical(std::string& out) {
    return read_canonical_at_depth(out, m_first.size());
}

void Reader::read_canonical_string(std::string& out) {
    const char* const begin = m_text.data();
    const char* const end = begin + m_text.size();
    const char* const start = begin + m_pos;
    const char* p = start + 1;
    for (;;) {
        p = find_escape_needed(p, end);
        if (p == end) break;
        if (*p == '"') {
            ++p;
            out.append(start, p);
            m_pos = static_cast<std::size_t>(p - begin);
            return;
        }
        std::size_t length = 0;
        if (*p != '\\' || !canonical_escape(p, end, length)) break;
        p += length;
    }
    // Not in canonical form (raw UTF-8, a \u escape Python would not write, or an error):
    // decode and encode again, which also reports malformed input.
    read_string(m_scratch);
    write_string(m_scratch, out);
}

void Reader::read_canonical_object(std::string& out, std::size_t depth) {
    if (m_canonical_levels.size() <= depth) m_canonical_levels.resize(depth + 1);
    std::size_t count = 0;
    bool sorted = true;
    out += '{';
    ++m_pos;
    bool first = true;
    while (separator('}', first)) {
        // Index into the level each time: deeper levels may grow m_canonical_levels.
        if (m_canonical_levels[depth].size() <= count) m_canonical_levels[depth].emplace_back();
        if (peek() != '"') fail("expected a string key");
        read_string(m_canonical_levels[depth][count].key);
        if (peek() != ':') fail("expected ':' after an object key");
        ++m_pos;
        if (count > 0) {
            out += ", ";
            if (m_canonical_levels[depth][count].key <= m_canonical_levels[depth][count - 1].key)
                sorted = false;
        }
        std::size_t member_begin = out.size();
        write_string(m_canonical_levels[depth][count].key, out);
        out += ": ";
        read_canonical_at_depth(out, depth + 1);
        m_canonical_levels[depth][count].begin = member_begin;
        m_canonical_levels[depth][count].end = out.size();
        ++count;
    }
    if (!sorted) {
        // Reorder the members written so far by key; of repeated keys the last value wins, as
        // in a Python dict.
        auto& members = m_canonical_levels[depth];
        std::vector<std::size_t> order(count);
        for (std::size_t i = 0; i < count; ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return members[a].key < members[b].key;
        });
        std::size_t region = members[0].begin;
        std::string written = out.substr(region);
        out.resize(region);
        bool first_out = true;
        for (std::size_t i = 0; i < count; ++i) {
            if (i + 1 < count && members[order[i]].key == members[order[i + 1]].key) continue;
            const CanonicalMember& m = members[order[i]];
            if (!first_out) out += ", ";
            first_out = false;
            out.append(written, m.begin - region, m.end - m.begin);
        }
    }
    out += '}';
}

Type Reader::read_canonical_at_depth(std::string& out, std::size_t depth) {
    if (depth > k_max_depth) fail("nesting deeper than 512 levels");
    char c = peek();
    switch (c) {
    case '{':
        read_canonical_object(out, depth);
        return Type::Object;
    case '[': {
        ++m_pos;
        out += '[';
        bool first = true;
        bool any = false;
        while (separator(']', first)) {
            if (any) out += ", ";
            any = true;
            read_canonical_at_depth(out, depth + 1);
        }
        out += ']';
        return Type::Array;
    }
    case '"':
        read_canonical_string(out);
        return Type::String;
    default: {
        // Scalars: the same parsing as read_value, then the same writer.
        Value v = read_value_at_depth(depth);
        write(v, out, KeyOrder::Sorted);
        return v.type();
    }
    }
}

} // namespace chain::json
