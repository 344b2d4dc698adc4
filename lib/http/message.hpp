#pragma once
// chainctl's own HTTP request and response types. Handlers, the router, the server and the
// client all speak these, so a route can be called (and fuzzed) without a socket; the transport
// underneath (standalone Asio) never shows through.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace chain::http {

/// ASCII case-insensitive equality, for header names and tokens.
bool iequals(std::string_view a, std::string_view b);

/// Header fields in the order received. Names compare case-insensitively; repeats are kept.
class Headers {
public:
    using Field = std::pair<std::string, std::string>;

    void add(std::string name, std::string value);
    /// Replaces every field of that name with one.
    void set(std::string_view name, std::string value);
    void remove(std::string_view name);
    /// The first field of that name, or nullptr.
    const std::string* find(std::string_view name) const;
    /// The first field of that name, or "".
    std::string get(std::string_view name) const;
    std::size_t count(std::string_view name) const;

    std::size_t size() const { return m_fields.size(); }
    bool empty() const { return m_fields.empty(); }
    auto begin() const { return m_fields.begin(); }
    auto end() const { return m_fields.end(); }

private:
    std::vector<Field> m_fields;
};

struct Request {
    std::string method;
    std::string target; // as sent: path and query
    std::string path;   // the target up to '?'
    std::string query;  // after '?', undecoded
    int minor_version = 1;
    Headers headers;
    std::string body;
    std::string remote; // the client's address; empty when not from a socket

    std::string header(std::string_view name) const { return headers.get(name); }
    /// Whether the client asks for JSON answers (Accept: application/json).
    bool wants_json() const;
    /// Whether the body is declared JSON: Content-Type application/json or application/*+json,
    /// with any parameters, in any case (what the reference node's Flask accepts).
    bool has_json_body() const;
    /// A query parameter, percent-decoded (and '+' as space), or nothing.
    std::optional<std::string> query_param(std::string_view name) const;
};

/// A response body made piece by piece: a file range, a live event stream. The server calls
/// next() whenever it can take more; next() must call deliver exactly once, at once or later
/// from any thread, with the next piece, or with last = true at the end (the piece may then be
/// empty).
class BodySource {
public:
    using Deliver = std::function<void(std::string piece, bool last)>;
    virtual ~BodySource() = default;
    /// The whole size when known (sent as Content-Length); nothing for a stream (chunked).
    virtual std::optional<std::uint64_t> size() const = 0;
    virtual void next(Deliver deliver) = 0;
    /// The connection is gone or the server stops: end soon, deliver may be dropped.
    virtual void cancel() {}
};

using Body =
    std::variant<std::string, std::shared_ptr<const std::string>, std::shared_ptr<BodySource>>;

struct Response {
    int status = 200;
    Headers headers;
    Body body;
    /// Close the connection after this response.
    bool close = false;

    /// text/plain; charset=utf-8
    static Response text(int status, std::string text);
    /// application/json, the text as given.
    static Response json(int status, std::string json_text);
    /// An immutable shared body, sent without a copy.
    static Response shared(int status, std::shared_ptr<const std::string> body,
                           std::string content_type);
    static Response stream(int status, std::shared_ptr<BodySource> source,
                           std::string content_type);

    /// The body when it is held in memory (for tests and small answers); "" for a stream.
    std::string_view body_text() const;
    /// Its size when known.
    std::optional<std::uint64_t> body_size() const;
};

/// The reason phrase of a status ("Not Found"); "Unknown" for others.
std::string_view reason_phrase(int status);

/// Decodes %XX escapes (and '+' as space when form is true); malformed escapes stay as they are.
std::string percent_decode(std::string_view text, bool form = false);

/// The fields of an application/x-www-form-urlencoded body, decoded, in order.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body);

} // namespace chain::http
