#include "http/message.hpp"

#include <algorithm>

namespace chain::http {

namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

void Headers::add(std::string name, std::string value) {
    m_fields.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string_view name, std::string value) {
    remove(name);
    m_fields.emplace_back(std::string(name), std::move(value));
}

void Headers::remove(std::string_view name) {
    std::erase_if(m_fields, [&](const Field& f) { return iequals(f.first, name); });
}

const std::string* Headers::find(std::string_view name) const {
    for (const Field& f : m_fields)
        if (iequals(f.first, name)) return &f.second;
    return nullptr;
}

std::string Headers::get(std::string_view name) const {
    const std::string* v = find(name);
    return v ? *v : std::string();
}

std::size_t Headers::count(std::string_view name) const {
    return static_cast<std::size_t>(std::count_if(
        m_fields.begin(), m_fields.end(), [&](const Field& f) { return iequals(f.first, name); }));
}

bool Request::wants_json() const {
    return header("Accept").find("application/json") != std::string::npos;
}

bool Request::has_json_body() const {
    std::string type = header("Content-Type");
    type = type.substr(0, type.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
        type.pop_back();
    for (char& c : type)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return type == "application/json" ||
           (type.starts_with("application/") && type.ends_with("+json"));
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    for (const auto& [key, value] : parse_form(query))
        if (key == name) return value;
    return std::nullopt;
}

Response Response::text(int status, std::string text) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", "text/plain; charset=utf-8");
    r.body = std::move(text);
    return r;
}

Response Response::json(int status, std::string json_text) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", "application/json");
    r.body = std::move(json_text);
    return r;
}

Response Response::shared(int status, std::shared_ptr<const std::string> body,
                          std::string content_type) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", std::move(content_type));
    r.body = std::move(body);
    return r;
}

Response Response::stream(int status, std::shared_ptr<BodySource> source,
                          std::string content_type) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", std::move(content_type));
    r.body = std::move(source);
    return r;
}

std::string_view Response::body_text() const {
    if (const auto* s = std::get_if<std::string>(&body)) return *s;
    if (const auto* p = std::get_if<std::shared_ptr<const std::string>>(&body))
        return *p ? std::string_view(**p) : std::string_view();
    return {};
}

std::optional<std::uint64_t> Response::body_size() const {
    if (const auto* source = std::get_if<std::shared_ptr<BodySource>>(&body))
        return *source ? (*source)->size() : std::optional<std::uint64_t>(0);
    return body_text().size();
}

std::string_view reason_phrase(int status) {
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 421:
        return "Misdirected Request";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

std::string percent_decode(std::string_view text, bool form) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+' && form) {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
                   hex_digit(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body) {
    std::vector<std::pair<std::string, std::string>> fields;
    while (!body.empty()) {
        std::size_t amp = body.find('&');
        std::string_view pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if (pair.empty()) continue;
        std::size_t eq = pair.find('=');
        std::string_view key = pair.substr(0, eq);
        std::string_view value =
            eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        fields.emplace_back(percent_decode(key, true), percent_decode(value, true));
    }
    return fields;
}

} // namespace chain::http
