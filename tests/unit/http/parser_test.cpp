// HTTP parsing without sockets: heads, framing, chunked bodies, and every limit.
#include "http/parser.hpp"

#include <catch2/catch.hpp>

using namespace chain::http;

namespace {

std::optional<ParseFailure> head_of(std::string_view text, Request& out,
                                    const HeadLimits& limits = {}) {
    auto end = find_head_end(text);
    REQUIRE(end);
    return parse_request_head(text.substr(0, *end), limits, out);
}

Framing framing_of(std::string_view text, std::optional<ParseFailure>& failure) {
    Request q;
    failure = head_of(text, q);
    Framing f;
    if (!failure) failure = request_framing(q.headers, f);
    return f;
}

} // namespace

TEST_CASE("a request head gives method, path, query, version and headers", "[parser]") {
    Request q;
    auto failure = head_of("POST //add_block/?a=1&b=x%20y HTTP/1.1\r\nHost: h\r\n"
                           "Content-Type:  application/json \r\nX-A: 1\r\nx-a: 2\r\n\r\nBODY",
                           q);
    REQUIRE_FALSE(failure);
    CHECK(q.method == "POST");
    CHECK(q.target == "//add_block/?a=1&b=x%20y");
    CHECK(q.path == "//add_block/");
    CHECK(q.query == "a=1&b=x%20y");
    CHECK(q.query_param("b") == "x y");
    CHECK(q.minor_version == 1);
    CHECK(q.header("content-type") == "application/json");
    CHECK(q.headers.count("X-A") == 2);
}

TEST_CASE("find_head_end finds the blank line even when split across reads", "[parser]") {
    std::string buffer = "GET / HTTP/1.1\r\nHost: x\r\n\r";
    CHECK_FALSE(find_head_end(buffer));
    std::size_t scanned = buffer.size();
    buffer += "\nrest";
    CHECK(find_head_end(buffer, scanned) == buffer.size() - 4);
    CHECK(find_head_end("GET / HTTP/1.0\n\n") == 16u);
}

TEST_CASE("malformed request heads are refused with the right status", "[parser]") {
    struct Case {
        const char* text;
        int status;
        const char* words;
    };
    const Case cases[] = {
        {"GET /\r\n\r\n", 400, "malformed request line"},
        {"GET / HTTP/1.1 x\r\n\r\n", 400, "malformed request line"},
        {"GET / HTTP/2.0\r\n\r\n", 505, "not supported"},
        {"GET x HTTP/1.1\r\n\r\n", 400, "starting with '/'"},
        {"G(T / HTTP/1.1\r\n\r\n", 400, "malformed method"},
        {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400, "no ':'"},
        {"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400, "malformed header name"},
        {"GET / HTTP/1.1\r\nA: 1\r\n folded\r\n\r\n", 400, "folding"},
        {"GET / HTTP/1.1\r\nA: x\x01y\r\n\r\n", 400, "control character"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        Request q;
        auto failure = head_of(c.text, q);
        REQUIRE(failure);
        CHECK(failure->status == c.status);
        CHECK_THAT(failure->reason, Catch::Contains(c.words));
    }
}

TEST_CASE("head limits: URL length 414, header count and head size 431", "[parser]") {
    HeadLimits limits;
    limits.max_target = 100;
    limits.max_headers = 3;
    limits.max_head = 1000;
    Request q;
    auto f = head_of("GET /" + std::string(200, 'a') + " HTTP/1.1\r\n\r\n", q, limits);
    REQUIRE(f);
    CHECK(f->status == 414);
    Request q2;
    f = head_of("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", q2, limits);
    REQUIRE(f);
    CHECK(f->status == 431);
    Request q3;
    f = head_of("GET / HTTP/1.1\r\nA: " + std::string(2000, 'x') + "\r\n\r\n", q3, limits);
    REQUIRE(f);
    CHECK(f->status == 431);
}

TEST_CASE("body framing: one length, chunked, or none; ambiguity is refused", "[parser]") {
    std::optional<ParseFailure> failure;
    Framing f = framing_of("POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n", failure);
    REQUIRE_FALSE(failure);
    CHECK(f.kind == Framing::Kind::Length);
    CHECK(f.length == 12);
    f = framing_of("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", failure);
    REQUIRE_FALSE(failure); // the same value twice says one thing
    CHECK(f.length == 5);
    f = framing_of("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n", failure);
    REQUIRE_FALSE(failure);
    CHECK(f.kind == Framing::Kind::Chunked);
    f = framing_of("POST / HTTP/1.1\r\n\r\n", failure);
    REQUIRE_FALSE(failure);
    CHECK(f.kind == Framing::Kind::None);

    framing_of("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", failure);
    REQUIRE(failure);
    CHECK(failure->status == 400);
    CHECK_THAT(failure->reason, Catch::Contains("conflicting Content-Length"));
    framing_of("POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", failure);
    REQUIRE(failure);
    CHECK_THAT(failure->reason, Catch::Contains("conflicting"));
    framing_of("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
               failure);
    REQUIRE(failure);
    CHECK(failure->status == 400);
    CHECK_THAT(failure->reason, Catch::Contains("both Content-Length and Transfer-Encoding"));
    framing_of("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", failure);
    REQUIRE(failure);
    CHECK(failure->status == 501);
    framing_of("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", failure);
    REQUIRE(failure);
    CHECK(failure->status == 400);
    CHECK_THAT(failure->reason, Catch::Contains("too large"));
    framing_of("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", failure);
    REQUIRE(failure);
    CHECK_THAT(failure->reason, Catch::Contains("must be a number of bytes"));
    framing_of("POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", failure);
    REQUIRE(failure);
}

TEST_CASE("chunked bodies decode across any split of the input", "[parser]") {
    const std::string body = "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    for (std::size_t step = 1; step <= body.size(); ++step) {
        ChunkedDecoder decoder(1000);
        std::string out;
        std::size_t pos = 0;
        while (pos < body.size() && !decoder.done()) {
            std::string_view piece = std::string_view(body).substr(pos, step);
            std::size_t used = decoder.feed(piece, out);
            REQUIRE_FALSE(decoder.failure());
            pos += used;
            if (used < piece.size()) break;
        }
        INFO("step " << step);
        REQUIRE(decoder.done());
        CHECK(out == "hello, world");
        CHECK(body.substr(pos) == "NEXT");
    }
}

TEST_CASE("a chunked body over the limit fails with 413 before the data is kept", "[parser]") {
    ChunkedDecoder decoder(10);
    std::string out;
    decoder.feed("8\r\n12345678\r\n", out);
    REQUIRE_FALSE(decoder.failure());
    // The size line of the next chunk already says too much: refused before its data.
    decoder.feed("100000\r\n", out);
    REQUIRE(decoder.failure());
    CHECK(decoder.failure()->status == 413);
    CHECK(out.size() == 8);
}

TEST_CASE("malformed chunked framing is refused", "[parser]") {
    for (std::string bad : {"x\r\n", "5\r\nhelloX", "5 zz\r\n", "fffffffffffffffffff\r\n"}) {
        ChunkedDecoder decoder(1 << 20);
        std::string out;
        decoder.feed(bad, out);
        INFO(bad);
        REQUIRE(decoder.failure());
        CHECK(decoder.failure()->status == 400);
    }
}

TEST_CASE("response heads and their framing", "[parser]") {
    ResponseHead head;
    std::string text = "HTTP/1.1 201 CREATED\r\nContent-Length: 7\r\n\r\n";
    REQUIRE_FALSE(parse_response_head(text, {}, head));
    CHECK(head.status == 201);
    Framing f;
    REQUIRE_FALSE(response_framing(head.headers, "POST", 201, f));
    CHECK(f.kind == Framing::Kind::Length);
    REQUIRE_FALSE(response_framing(head.headers, "HEAD", 201, f));
    CHECK(f.kind == Framing::Kind::None);
    ResponseHead bare;
    REQUIRE_FALSE(parse_response_head("HTTP/1.0 200\r\n\r\n", {}, bare));
    REQUIRE_FALSE(response_framing(bare.headers, "GET", 200, f));
    CHECK(f.kind == Framing::Kind::UntilClose);
    ResponseHead junk;
    CHECK(parse_response_head("SSH-2.0-OpenSSH\r\n\r\n", {}, junk));
}
