// Node addresses: parsing, normalising, joining, and the local URL of a listening server.
#include "error.hpp"
#include "http/url.hpp"

#include <catch2/catch.hpp>

using namespace chain::http;

TEST_CASE("peer URLs are normalised so that equal addresses compare equal", "[url]") {
    CHECK(normalize_peer_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000/");
    CHECK(normalize_peer_url("HTTP://LocalHost:8000//") == "http://localhost:8000/");
    CHECK(normalize_peer_url("http://example.com:80/") == "http://example.com/");
    CHECK(normalize_peer_url("https://example.com:443/a//b") == "https://example.com/a/b/");
    CHECK(normalize_peer_url("  http://[::1]:8001 ") == "http://[::1]:8001/");
}

TEST_CASE("URLs that are not http(s) node addresses are refused with the reason", "[url]") {
    auto reason = [](std::string_view text) {
        try {
            parse_url(text);
        } catch (const chain::Error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK_THAT(reason("127.0.0.1:8000"), Catch::Contains("no scheme"));
    CHECK_THAT(reason("ftp://x/"), Catch::Contains("unsupported scheme"));
    CHECK_THAT(reason("http://x:99999/"), Catch::Contains("invalid port"));
    CHECK_THAT(reason("http://user@x/"), Catch::Contains("user information"));
    CHECK_THAT(reason("http://x/?q=1"), Catch::Contains("query"));
    CHECK_THAT(reason("http:///"), Catch::Contains("no host"));
    // A CR or LF inside an address is refused before anything connects, and the message stays
    // on one line.
    std::string crlf = reason("http://127.0.0.1:8000/\r\nX-Injected: 1");
    CHECK_THAT(crlf, Catch::Contains("control character"));
    CHECK(crlf.find('\n') == std::string::npos);
    CHECK(crlf.find('\r') == std::string::npos);
    CHECK_THAT(crlf, Catch::Contains("\\r\\n"));
    CHECK_THAT(reason("http://a b/"), Catch::Contains("control character"));
}

TEST_CASE("endpoints join under the node's path without // or a missing /", "[url]") {
    Url root = parse_url("http://127.0.0.1:8000/");
    CHECK(root.join("chain") == "http://127.0.0.1:8000/chain");
    CHECK(root.path_of("/chain") == "/chain");
    Url prefixed = parse_url("http://host/prefix");
    CHECK(prefixed.path_of("add_block") == "/prefix/add_block");
    CHECK(prefixed.origin() == "http://host:80");
}

TEST_CASE("the local URL of a server brackets IPv6 and maps the any-address", "[url]") {
    CHECK(local_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/");
    CHECK(local_url("0.0.0.0", 8000) == "http://127.0.0.1:8000/");
    CHECK(local_url("::1", 5000) == "http://[::1]:5000/");
    CHECK(local_url("::", 5000) == "http://[::1]:5000/");
    CHECK(local_url("localhost", 1) == "http://localhost:1/");
}
