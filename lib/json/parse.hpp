#pragma once
// A strict JSON reader with the semantics of Python's json.loads: numbers become values (an
// integer stays an exact integer at any size, anything with a fraction or exponent becomes a
// double), \u escapes of surrogate pairs combine into one character, a lone surrogate is kept
// (stored as WTF-8), a repeated key keeps its first place and its last value, and NaN, Infinity
// and -Infinity are accepted. Input must be UTF-8; a leading byte-order mark is skipped.

#include "error.hpp"

#include "json/value.hpp"
#include <cstddef>
#include <string>
#include <string_view>

namespace chain::json {

/// Text that is not valid JSON. The message names the line and column.
class ParseError : public Error {
public:
    ParseError(const std::string& message, std::size_t offset) : Error(message), m_offset(offset) {}
    std::size_t offset() const { return m_offset; }

private:
    std::size_t m_offset;
};

/// Parses a whole document: one value, with only whitespace around it.
Value parse(std::string_view text);

/// A pull parser over one buffer, for callers that stream a large document (a chain file) one
/// member or element at a time instead of building it all in memory. The buffer must outlive it.
class Reader {
public:
    explicit Reader(std::string_view text);

    /// Reads one complete value at the current position.
    Value read_value();
    /// Reads one complete value and appends json.dumps(value, sort_keys=True) to out without
    /// building it: strings whose text is already in that form (all of them, in files written
    /// by Python or chainctl) are copied through. Returns the value's type.
    Type read_canonical(std::string& out);
    /// Skips one complete value, checking it, without building it.
    void skip_value();

    /// Consumes '{'. Then call next_member() until it returns false.
    void begin_object();
    /// Reads the next key (and its ':') into key; false when the object ends ('}' consumed).
    bool next_member(std::string& key);
    /// Consumes '['. Then call next_element() until it returns false.
    void begin_array();
    /// True when another element follows (positioned at it); false when the array ends.
    bool next_element();

    /// The next significant character without consuming it, or '\0' at the end of input.
    char peek();
    /// Fails unless only whitespace remains.
    void expect_end();
    bool at_end();

    std::size_t offset() const { return m_pos; }
    std::string_view text() const { return m_text; }

    /// Throws ParseError for the current position.
    [[noreturn]] void fail(std::string_view what) const;

private:
    void skip_ws();
    void read_string(std::string& out);
    Value read_number();
    void expect_literal(std::string_view literal);
    Value read_value_at_depth(std::size_t depth);
    void read_object_into(Object& object, std::size_t depth);
    bool separator(char close, bool& first);
    Type read_canonical_at_depth(std::string& out, std::size_t depth);
    void skip_value_at_depth(std::size_t depth);
    void skip_string();
    void read_canonical_string(std::string& out);
    void read_canonical_object(std::string& out, std::size_t depth);

    // Scratch for read_canonical: one list of members per nesting level, reused between calls.
    struct CanonicalMember {
        std::string key;
        std::size_t begin = 0;
        std::size_t end = 0;
    };
    std::vector<std::vector<CanonicalMember>> m_canonical_levels;
    std::string m_scratch;

    std::string_view m_text;
    std::size_t m_pos = 0;
    // Pull-parsing state: whether the next member/element is the first of its container.
    std::vector<bool> m_first;
};

/// Line and column (both from 1) of a byte offset, for messages.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset);

} // namespace chain::json
