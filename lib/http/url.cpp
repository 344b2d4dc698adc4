#include "http/url.hpp"

#include "error.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace chain::http {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

int default_port(std::string_view scheme) {
    return scheme == "https" ? 443 : 80;
}

// The text as it can be shown on one line: control characters escaped, and cut short.
std::string printable(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 200)) {
        auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u != 0x7f) {
            out += c;
            continue;
        }
        static const char* const hex = "0123456789abcdef";
        out += c == '\r'   ? std::string("\\r")
               : c == '\n' ? std::string("\\n")
                           : std::string("\\x") + hex[u >> 4] + hex[u & 15];
    }
    if (text.size() > 200) out += "...";
    return out;
}

[[noreturn]] void bad(std::string_view text, std::string_view why) {
    throw Error("node address must be an http or https URL like http://127.0.0.1:8000/ (" +
                std::string(why) + "), got '" + printable(text) + "'");
}

} // namespace

Url parse_url(std::string_view text) {
    std::string_view rest = text;
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front())))
        rest.remove_prefix(1);
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back())))
        rest.remove_suffix(1);
    for (char ch : rest)
        if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f)
            bad(text, "a space or control character");
    std::size_t colon = rest.find("://");
    if (colon == std::string_view::npos) bad(text, "no scheme");
    Url url;
    url.scheme = lower(rest.substr(0, colon));
    if (url.scheme != "http" && url.scheme != "https") bad(text, "unsupported scheme");
    rest.remove_prefix(colon + 3);
    std::size_t path_start = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_start);
    std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
    if (path.find_first_of("?#") != std::string_view::npos) bad(text, "a query or fragment");
    if (authority.find('@') != std::string_view::npos) bad(text, "user information");
    if (authority.empty()) bad(text, "no host");

    std::string_view host = authority, port;
    if (authority.front() == '[') {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos) bad(text, "unclosed IPv6 address");
        host = authority.substr(1, close - 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') bad(text, "junk after the IPv6 address");
            port = after.substr(1);
        }
    } else if (std::size_t c = authority.rfind(':'); c != std::string_view::npos) {
        host = authority.substr(0, c);
        port = authority.substr(c + 1);
    }
    if (host.empty()) bad(text, "no host");
    for (char ch : host)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_' ||
              ch == ':' || ch == '%'))
            bad(text, "invalid host");
    url.host = lower(host);
    url.port = default_port(url.scheme);
    if (!port.empty()) {
        int value = 0;
        auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || ptr != port.data() + port.size() || value < 1 || value > 65535)
            bad(text, "invalid port");
        url.port = value;
    }
    // One slash between segments and one at the end.
    std::string clean = "/";
    for (char ch : path) {
        if (ch == '/' && clean.back() == '/') continue;
        clean += ch;
    }
    if (clean.back() != '/') clean += '/';
    url.path = clean;
    return url;
}

std::string normalize_peer_url(std::string_view text) {
    return parse_url(text).str();
}

std::optional<std::string> try_normalize_peer_url(std::string_view text) {
    try {
        return normalize_peer_url(text);
    } catch (const Error&) {
        return std::nullopt;
    }
}

std::string local_url(std::string_view host, int port) {
    std::string h(host);
    if (h == "0.0.0.0" || h.empty()) h = "127.0.0.1";
    if (h == "::") h = "::1";
    if (h.find(':') != std::string::npos) h = "[" + h + "]";
    return "http://" + h + ":" + std::to_string(port) + "/";
}

std::string Url::origin() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return scheme + "://" + h + ":" + std::to_string(port);
}

std::string Url::str() const {
    return base() + path;
}

std::string Url::base() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    std::string out = scheme + "://" + h;
    if (port != default_port(scheme)) out += ":" + std::to_string(port);
    return out;
}

std::string Url::path_of(std::string_view endpoint) const {
    while (!endpoint.empty() && endpoint.front() == '/')
        endpoint.remove_prefix(1);
    return path + std::string(endpoint);
}

std::string Url::join(std::string_view endpoint) const {
    return base() + path_of(endpoint);
}

} // namespace chain::http
