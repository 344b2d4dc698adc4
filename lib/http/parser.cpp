#include "http/parser.hpp"

#include <charconv>

namespace chain::http {

namespace {

constexpr std::size_t k_max_chunk_line = 1024;
constexpr std::size_t k_max_trailers = 8 * 1024;

bool is_tchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_tchar(c)) return false;
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// The next line of a head (without its "\r\n" or "\n"); advances pos past it.
std::string_view next_line(std::string_view head, std::size_t& pos) {
    std::size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) nl = head.size();
    std::string_view line = head.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl < head.size() ? nl + 1 : head.size();
    return line;
}

// "HTTP/1.1" -> 1; nothing for anything but HTTP/1.0 and HTTP/1.1.
std::optional<int> http_minor_version(std::string_view v) {
    if (v == "HTTP/1.1") return 1;
    if (v == "HTTP/1.0") return 0;
    return std::nullopt;
}

std::optional<ParseFailure> parse_headers(std::string_view head, std::size_t pos,
                                          const HeadLimits& limits, Headers& out) {
    for (;;) {
        std::string_view line = next_line(head, pos);
        if (line.empty()) return std::nullopt; // the blank line ending the head
        if (line.front() == ' ' || line.front() == '\t')
            return ParseFailure{400, "obsolete header line folding is not accepted"};
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            return ParseFailure{400, "malformed header line (no ':')"};
        std::string_view name = line.substr(0, colon);
        if (!is_token(name)) return ParseFailure{400, "malformed header name"};
        std::string_view value = trim(line.substr(colon + 1));
        for (char c : value)
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
                return ParseFailure{400, "control character in the header " + std::string(name)};
        if (out.size() >= limits.max_headers)
            return ParseFailure{431, "more than " + std::to_string(limits.max_headers) +
                                         " header fields"};
        out.add(std::string(name), std::string(value));
    }
}

// Every Content-Length value (also comma-separated lists) must be the same run of digits.
std::optional<ParseFailure> content_length(const Headers& headers,
                                           std::optional<std::uint64_t>& out) {
    for (const auto& [name, value] : headers) {
        if (!iequals(name, "Content-Length")) continue;
        std::string_view rest = value;
        while (true) {
            std::size_t comma = rest.find(',');
            std::string_view item = trim(rest.substr(0, comma));
            if (item.empty() || item.find_first_not_of("0123456789") != std::string_view::npos)
                return ParseFailure{400, "Content-Length must be a number of bytes, found '" +
                                             std::string(value.substr(0, 40)) + "'"};
            std::uint64_t length = 0;
            auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), length);
            if (ec != std::errc() || ptr != item.data() + item.size())
                return ParseFailure{400, "Content-Length " + std::string(item.substr(0, 40)) +
                                             " is too large"};
            if (out && *out != length)
                return ParseFailure{400, "conflicting Content-Length headers (" +
                                             std::to_string(*out) + " and " +
                                             std::to_string(length) + ")"};
            out = length;
            if (comma == std::string_view::npos) break;
            rest = rest.substr(comma + 1);
        }
    }
    return std::nullopt;
}

// Transfer-Encoding: only "chunked" alone is understood.
std::optional<ParseFailure> transfer_encoding(const Headers& headers, bool& chunked) {
    chunked = false;
    std::size_t fields = headers.count("Transfer-Encoding");
    if (fields == 0) return std::nullopt;
    std::string value(trim(headers.get("Transfer-Encoding")));
    if (fields > 1 || !iequals(value, "chunked"))
        return ParseFailure{501, "unsupported Transfer-Encoding '" + value.substr(0, 40) +
                                     "'; send the body with Content-Length or chunked"};
    chunked = true;
    return std::nullopt;
}

} // namespace

std::optional<std::size_t> find_head_end(std::string_view buffer, std::size_t from) {
    // Back up so that a terminator split across two reads is found.
    std::size_t start = from > 3 ? from - 3 : 0;
    for (std::size_t i = buffer.find('\n', start); i != std::string_view::npos;
         i = buffer.find('\n', i + 1)) {
        if (i + 1 < buffer.size() && buffer[i + 1] == '\n') return i + 2;
        if (i + 2 < buffer.size() && buffer[i + 1] == '\r' && buffer[i + 2] == '\n') return i + 3;
    }
    return std::nullopt;
}

std::optional<ParseFailure> parse_request_head(std::string_view head, const HeadLimits& limits,
                                               Request& out) {
    if (head.size() > limits.max_head)
        return ParseFailure{431, "the request head is larger than " +
                                     std::to_string(limits.max_head) + " bytes"};
    std::size_t pos = 0;
    // Empty lines before the request line are ignored (RFC 9112 2.2).
    std::string_view line;
    do {
        line = next_line(head, pos);
    } while (line.empty() && pos < head.size());
    std::size_t sp1 = line.find(' ');
    std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        return ParseFailure{400, "malformed request line"};
    std::string_view method = line.substr(0, sp1);
    std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string_view version = line.substr(sp2 + 1);
    if (!is_token(method)) return ParseFailure{400, "malformed method"};
    if (target.size() > limits.max_target)
        return ParseFailure{414, "the URL is longer than " + std::to_string(limits.max_target) +
                                     " bytes"};
    if (target.empty() || target.front() != '/')
        return ParseFailure{400, "the request target must be a path starting with '/'"};
    for (char c : target)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return ParseFailure{400, "control character in the request target"};
    auto minor = http_minor_version(version);
    if (!minor) {
        if (version.starts_with("HTTP/"))
            return ParseFailure{505, "HTTP version " + std::string(version.substr(0, 16)) +
                                         " is not supported; use HTTP/1.1"};
        return ParseFailure{400, "malformed request line"};
    }
    out.method = std::string(method);
    out.target = std::string(target);
    std::size_t q = target.find('?');
    out.path = std::string(target.substr(0, q));
    out.query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
    out.minor_version = *minor;
    return parse_headers(head, pos, limits, out.headers);
}

std::optional<ParseFailure> parse_response_head(std::string_view head, const HeadLimits& limits,
                                                ResponseHead& out) {
    if (head.size() > limits.max_head)
        return ParseFailure{431, "the answer's head is larger than " +
                                     std::to_string(limits.max_head) + " bytes"};
    std::size_t pos = 0;
    std::string_view line = next_line(head, pos);
    // "HTTP/1.1 200 OK" (the reason phrase may be empty or missing)
    std::size_t sp = line.find(' ');
    auto minor = http_minor_version(line.substr(0, sp));
    if (sp == std::string_view::npos || !minor) return ParseFailure{400, "not an HTTP/1.x answer"};
    std::string_view code = line.substr(sp + 1, 3);
    if (code.size() != 3 || code.find_first_not_of("0123456789") != std::string_view::npos ||
        (line.size() > sp + 4 && line[sp + 4] != ' '))
        return ParseFailure{400, "malformed status line"};
    out.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    if (out.status < 100) return ParseFailure{400, "malformed status code"};
    out.minor_version = *minor;
    return parse_headers(head, pos, limits, out.headers);
}

std::optional<ParseFailure> request_framing(const Headers& headers, Framing& out) {
    bool chunked = false;
    if (auto f = transfer_encoding(headers, chunked)) return f;
    std::optional<std::uint64_t> length;
    if (auto f = content_length(headers, length)) return f;
    if (chunked && length)
        return ParseFailure{400, "both Content-Length and Transfer-Encoding: chunked; send one"};
    if (chunked)
        out = {Framing::Kind::Chunked, 0};
    else if (length && *length > 0)
        out = {Framing::Kind::Length, *length};
    else
        out = {Framing::Kind::None, 0};
    return std::nullopt;
}

std::optional<ParseFailure> response_framing(const Headers& headers, std::string_view method,
                                             int status, Framing& out) {
    if (method == "HEAD" || status < 200 || status == 204 || status == 304) {
        out = {Framing::Kind::None, 0};
        return std::nullopt;
    }
    bool chunked = false;
    if (auto f = transfer_encoding(headers, chunked)) return f;
    std::optional<std::uint64_t> length;
    if (auto f = content_length(headers, length)) return f;
    if (chunked && length)
        return ParseFailure{400, "both Content-Length and Transfer-Encoding: chunked"};
    if (chunked)
        out = {Framing::Kind::Chunked, 0};
    else if (length)
        out = {*length ? Framing::Kind::Length : Framing::Kind::None, *length};
    else
        out = {Framing::Kind::UntilClose, 0};
    return std::nullopt;
}

std::size_t ChunkedDecoder::fail(int status, std::string reason) {
    m_state = State::Failed;
    m_failure = ParseFailure{status, std::move(reason)};
    return 0;
}

std::size_t ChunkedDecoder::feed(std::string_view data, std::string& out) {
    std::size_t pos = 0;
    while (pos < data.size()) {
        switch (m_state) {
        case State::Done:
        case State::Failed:
            return pos;
        case State::Size: {
            char c = data[pos];
            int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
            if (digit >= 0) {
                if (m_chunk_left > (UINT64_MAX >> 4)) return fail(400, "chunk size too large");
                m_chunk_left = (m_chunk_left << 4) | static_cast<std::uint64_t>(digit);
                m_size_digits = true;
                ++pos;
                break;
            }
            if (!m_size_digits) return fail(400, "malformed chunk size");
            m_state = State::SizeLineEnd; // extensions (";name=value") and the line end
            m_line.clear();
            break;
        }
        case State::SizeLineEnd: {
            // After the size: optional whitespace and ";extensions" (ignored), then the line end.
            char c = data[pos++];
            if (c != '\n') {
                m_line += c;
                if (m_line.size() > k_max_chunk_line) return fail(400, "chunk line too long");
                break;
            }
            std::string_view rest = m_line;
            if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
            rest = trim(rest);
            if (!rest.empty() && rest.front() != ';') return fail(400, "malformed chunk size");
            m_size_digits = false;
            if (m_chunk_left == 0) {
                m_state = State::Trailer;
                m_line.clear();
                break;
            }
            if (m_total + m_chunk_left > m_max_body)
                return fail(413, "the request body is larger than " + std::to_string(m_max_body) +
                                     " bytes");
            m_state = State::Data;
            break;
        }
        case State::Data: {
            std::size_t take =
                static_cast<std::size_t>(std::min<std::uint64_t>(m_chunk_left, data.size() - pos));
            out.append(data.substr(pos, take));
            pos += take;
            m_chunk_left -= take;
            m_total += take;
            if (m_chunk_left == 0) {
                m_state = State::DataEnd;
                m_line.clear();
            }
            break;
        }
        case State::DataEnd: {
            char c = data[pos++];
            if (c == '\r' && m_line.empty()) {
                m_line += c;
                break;
            }
            if (c != '\n') return fail(400, "malformed chunk: no line end after its data");
            m_state = State::Size;
            break;
        }
        case State::Trailer: {
            char c = data[pos++];
            if (c != '\n') {
                m_line += c;
                if (m_line.size() > k_max_trailers) return fail(431, "chunked trailers too large");
                break;
            }
            if (m_line.empty() || m_line == "\r") {
                m_state = State::Done;
                return pos;
            }
            m_line.clear(); // a trailer field: ignored
            break;
        }
        }
    }
    return pos;
}

} // namespace chain::http
