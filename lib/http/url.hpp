#pragma once
// Node addresses. Peers are kept the way the reference node keeps them, "http://host:port/" with a
// trailing slash, because it builds its URLs as "{}chain".format(peer). Normalising (scheme and
// host in lower case, default port dropped, one trailing slash) makes equal addresses compare
// equal, so a peer is never listed twice.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chain::http {

struct Url {
    std::string scheme; // "http" or "https"
    std::string host;   // lower case; IPv6 without brackets
    int port = 0;       // explicit or the scheme's default
    std::string path;   // starts and ends with '/'

    /// "http://host:port" (the port always written), for an HTTP client.
    std::string origin() const;
    /// The normalised form: "http://host[:port]/path/", default port left out.
    std::string str() const;
    /// str() without the path: "http://host[:port]".
    std::string base() const;
    /// This URL with endpoint appended to its path: no "//" and no missing "/".
    std::string join(std::string_view endpoint) const;
    /// The path of endpoint under this URL, e.g. "/chain" or "/prefix/chain".
    std::string path_of(std::string_view endpoint) const;
};

/// Parses an http(s) URL; throws chain::Error saying what is wrong ("node address must be an http
/// or https URL, got 'ftp://x'"). A missing scheme is not guessed.
Url parse_url(std::string_view text);

/// parse_url(text).str(): the form peers are stored in.
std::string normalize_peer_url(std::string_view text);
/// The same, or nothing for text that is not a node address.
std::optional<std::string> try_normalize_peer_url(std::string_view text);

/// The URL a client on this machine uses for a server listening on host:port: the any-address
/// ("0.0.0.0", "::") becomes the loopback address, and an IPv6 address is bracketed
/// ("http://[::1]:8000/").
std::string local_url(std::string_view host, int port);

} // namespace chain::http
