#pragma once
// HTTP/1.1 message parsing, without sockets: a request or response head, how its body is framed,
// and chunked bodies. Every limit is checked as the bytes arrive, so a hostile peer can never
// make the caller hold more than the limits allow, and ambiguous framing (two different
// Content-Length values, Content-Length with chunked) is refused rather than guessed.

#include "http/message.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chain::http {

struct HeadLimits {
    std::size_t max_head = 64 * 1024;  // the request line (or status line) and every header
    std::size_t max_target = 8 * 1024; // the request target (URL)
    std::size_t max_headers = 100;     // header fields
};

/// A refusal to parse, with the status a server answers (400, 413, 414, 431, 501, 505) and a
/// one-line reason. The connection cannot be trusted afterwards: close it.
struct ParseFailure {
    int status = 400;
    std::string reason;
};

/// Where the head ends: the offset just past the blank line ("\r\n\r\n"; a bare "\n\n" is
/// accepted too), or nothing when more bytes are needed. `from` is where to resume searching.
std::optional<std::size_t> find_head_end(std::string_view buffer, std::size_t from = 0);

/// Parses a request head (the request line and headers, up to and including the blank line).
/// Fills method, target, path, query, minor_version and headers. Returns a failure instead.
std::optional<ParseFailure> parse_request_head(std::string_view head, const HeadLimits& limits,
                                               Request& out);

struct ResponseHead {
    int status = 0;
    int minor_version = 1;
    Headers headers;
};

/// Parses a response head (status line and headers).
std::optional<ParseFailure> parse_response_head(std::string_view head, const HeadLimits& limits,
                                                ResponseHead& out);

/// How a message body is delimited.
struct Framing {
    enum class Kind { None, Length, Chunked, UntilClose };
    Kind kind = Kind::None;
    std::uint64_t length = 0;
};

/// A request's body framing: Content-Length (one value, or repeats of the same value), chunked,
/// or none. Refuses other transfer codings, Content-Length with Transfer-Encoding, conflicting or
/// malformed lengths.
std::optional<ParseFailure> request_framing(const Headers& headers, Framing& out);

/// A response's body framing, given the request method (HEAD answers have no body) and status
/// (1xx, 204 and 304 have none); a response with neither length nor chunked ends at close.
std::optional<ParseFailure> response_framing(const Headers& headers, std::string_view method,
                                             int status, Framing& out);

/// Decodes a chunked body incrementally. Feed it bytes as they arrive; it appends the decoded
/// data to out and stops with a failure as soon as the decoded size passes max_body (413) or
/// the framing is malformed (400).
class ChunkedDecoder {
public:
    explicit ChunkedDecoder(std::size_t max_body) : m_max_body(max_body) {}

    /// Consumes what it can of data (returns how much); done() once the last chunk and its
    /// trailers have been read. Bytes after the end are left unconsumed.
    std::size_t feed(std::string_view data, std::string& out);
    bool done() const { return m_state == State::Done; }
    const std::optional<ParseFailure>& failure() const { return m_failure; }

private:
    enum class State { Size, SizeLineEnd, Data, DataEnd, Trailer, Done, Failed };
    std::size_t fail(int status, std::string reason);

    std::size_t m_max_body;
    State m_state = State::Size;
    std::uint64_t m_chunk_left = 0;
    std::uint64_t m_total = 0;
    std::string m_line; // the size line or a trailer line being read
    bool m_size_digits = false;
    std::optional<ParseFailure> m_failure;
};

} // namespace chain::http
