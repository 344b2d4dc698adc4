// The server and the client over real sockets on 127.0.0.1: round trips, every request shape
// against the limits, slow clients that must not starve others, and each typed client failure.
#include "http/client.hpp"
#include "http/server.hpp"
#include "io/file_io.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace chain::http;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// A raw TCP client for requests the real client would never send.
class Raw {
public:
    explicit Raw(int port) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~Raw() { ::close(m_fd); }
    bool send(std::string_view data) {
        while (!data.empty()) {
            ssize_t n = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    /// Reads until the connection closes or nothing arrives for `quiet`.
    std::string read(std::chrono::milliseconds quiet = 2000ms) {
        std::string out;
        char buf[65536];
        for (;;) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) return out;
            ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n <= 0) {
                m_closed = true;
                return out;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    /// Reads until `needle` has arrived (or the quiet time passes).
    std::string read_until(std::string_view needle, std::chrono::milliseconds quiet = 3000ms) {
        std::string out;
        char buf[4096];
        while (out.find(needle) == std::string::npos) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) break;
            ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n <= 0) {
                m_closed = true;
                break;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
    bool closed() const { return m_closed; }

private:
    int m_fd;
    bool m_closed = false;
};

struct TestServer {
    explicit TestServer(Router& router, ServerOptions options = {}) : server(router, options) {
        port = server.bind();
        server.start();
        url = parse_url("http://127.0.0.1:" + std::to_string(port) + "/");
    }
    ~TestServer() {
        server.stop();
        server.wait();
    }
    Server server;
    int port = 0;
    Url url;
};

// A socket that listens but never accepts or answers: a connection is made by the kernel and
// then nothing ever comes back, as with a hung host.
struct SilentPort {
    SilentPort() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::listen(fd, 16);
        socklen_t len = sizeof addr;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        port = ntohs(addr.sin_port);
    }
    ~SilentPort() { ::close(fd); }
    int fd;
    int port;
};

int closed_port() {
    SilentPort s; // bound, then closed when it goes: nothing listens there afterwards
    return s.port;
}

Router echo_router(std::atomic<int>* calls = nullptr) {
    Router router;
    router.add(
        "GET", "/hello", [](const Request&) { return Response::text(200, "hello"); }, Lane::Inline);
    router.add("POST", "/echo", [calls](const Request& q) {
        if (calls) ++*calls;
        return Response::text(201,
                              "got " + std::to_string(q.body.size()) + ": " + q.body.substr(0, 20));
    });
    router.add("GET", "/big", [](const Request&) {
        return Response::shared(200, std::make_shared<const std::string>(3'000'000, 'x'),
                                "application/octet-stream");
    });
    return router;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

TEST_CASE("a client and a server exchange requests", "[server]") {
    Router router = echo_router();
    TestServer s(router);
    Client client;
    Answer a = client.request(s.url, "GET", "hello");
    CHECK(a.status == 200);
    CHECK(a.body == "hello");
    CHECK(a.content_type() == "text/plain; charset=utf-8");
    a = client.request(s.url, "POST", "/echo", "{\"x\": 1}");
    CHECK(a.status == 201);
    CHECK(a.body == "got 8: {\"x\": 1}");
    CallOptions big;
    big.max_response = 4'000'000;
    a = client.request(s.url, "GET", "big", {}, big);
    CHECK(a.body.size() == 3'000'000);
    a = client.request(s.url, "GET", "nope");
    CHECK(a.status == 404);
    a = client.request(s.url, "DELETE", "hello");
    CHECK(a.status == 405);
    CHECK(a.headers.get("Allow") == "GET, HEAD");
}

TEST_CASE("keep-alive serves several requests on one connection, pipelined too", "[server]") {
    Router router = echo_router();
    TestServer s(router);
    Raw raw(s.port);
    raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\n"
             "Content-Length: 3\r\n\r\nabcGET /hello HTTP/1.1\r\nHost: x\r\nConnection: close"
             "\r\n\r\n");
    std::string out = raw.read();
    CHECK(raw.closed());
    CHECK(out.find("HTTP/1.1 200 OK") == 0);
    CHECK(out.find("got 3: abc") != std::string::npos);
    std::size_t first = out.find("hello");
    CHECK(out.find("hello", first + 1) != std::string::npos);
    CHECK(out.find("Connection: close") != std::string::npos);
}

TEST_CASE("a chunked body over the limit gets 413 without the rest being read", "[server]") {
    std::atomic<int> calls{0};
    Router router = echo_router(&calls);
    ServerOptions options;
    options.limits.max_body = 1000;
    TestServer s(router, options);
    Raw raw(s.port);
    raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    std::string chunk = "100\r\n" + std::string(256, 'a') + "\r\n";
    std::string answer;
    // Keep sending; the answer comes as soon as the limit is crossed and the connection closes.
    for (int i = 0; i < 400 && answer.empty(); ++i) {
        if (!raw.send(chunk)) break;
        answer = raw.read(5ms);
    }
    answer += raw.read(500ms);
    CHECK(answer.find("HTTP/1.1 413") == 0);
    CHECK_THAT(answer, Catch::Contains("larger than 1000 bytes"));
    CHECK(raw.closed());
    CHECK(calls == 0);
    // The same with a Content-Length: refused from the head alone.
    Raw raw2(s.port);
    raw2.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 60000000\r\n\r\n");
    CHECK(raw2.read().find("HTTP/1.1 413") == 0);
    CHECK(raw2.closed());
    // A chunked body within the limit is decoded and handled.
    Raw raw3(s.port);
    raw3.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    CHECK_THAT(raw3.read_until("abcde"), Catch::Contains("got 5: abcde"));
}

TEST_CASE("ambiguous framing gets 400 and the connection closes", "[server]") {
    Router router = echo_router();
    TestServer s(router);
    for (std::string head : {"Content-Length: 3\r\nContent-Length: 4\r\n",
                             "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
                             "Content-Length: 123456789012345678901234567890\r\n"}) {
        INFO(head);
        Raw raw(s.port);
        raw.send("POST /echo HTTP/1.1\r\nHost: x\r\n" + head + "\r\nabcd");
        std::string out = raw.read();
        CHECK(out.find("HTTP/1.1 400") == 0);
        CHECK(out.find("Connection: close") != std::string::npos);
        CHECK(raw.closed());
    }
}

TEST_CASE("a wrong method is answered at once, without waiting for a body", "[server]") {
    Router router = echo_router();
    TestServer s(router);
    Raw raw(s.port);
    auto start = Clock::now();
    raw.send("PUT /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
    std::string out = raw.read_until("\r\n\r\n");
    CHECK(out.find("HTTP/1.1 405") == 0);
    CHECK(seconds_since(start) < 1.5);
    Raw raw2(s.port);
    raw2.send("PUT /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(raw2.read_until("\r\n\r\n").find("HTTP/1.1 405") == 0);
}

TEST_CASE("the request head must arrive within the head timeout, in total", "[server]") {
    Router router = echo_router();
    ServerOptions options;
    options.limits.head_timeout_s = 0.5;
    TestServer s(router, options);
    Raw slow(s.port);
    auto start = Clock::now();
    std::string out;
    // One header line every 100 ms: each read is quick, the head as a whole is not.
    slow.send("GET /hello HTTP/1.1\r\n");
    for (int i = 0; i < 30 && out.empty(); ++i) {
        slow.send("X-Slow: " + std::to_string(i) + "\r\n");
        out = slow.read(100ms);
    }
    CHECK(out.find("HTTP/1.1 408") == 0);
    double took = seconds_since(start);
    CHECK(took >= 0.4);
    CHECK(took < 2.0);
}

TEST_CASE("hundreds of slow clients do not stop others from being served", "[server]") {
    Router router = echo_router();
    TestServer s(router);
    std::vector<std::unique_ptr<Raw>> slow;
    for (int i = 0; i < 300; ++i) {
        slow.push_back(std::make_unique<Raw>(s.port));
        slow.back()->send("GET /hello HTTP/1.1\r\nX-Slow: 1\r\n");
    }
    Client client;
    for (int i = 0; i < 20; ++i) {
        CallOptions o;
        o.read_timeout_s = 2;
        Answer a = client.request(s.url, "GET", "hello", {}, o);
        CHECK(a.status == 200);
    }
    CHECK(s.server.connections() >= 300);
}

TEST_CASE("Expect: 100-continue gets its interim answer before the body", "[server]") {
    Router router = echo_router();
    TestServer s(router);
    Raw raw(s.port);
    raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    CHECK(raw.read_until("\r\n\r\n").find("HTTP/1.1 100 Continue") == 0);
    raw.send("hello");
    CHECK_THAT(raw.read_until("hello"), Catch::Contains("got 5: hello"));
}

TEST_CASE("HEAD answers carry the length but no body", "[server]") {
    Router router = echo_router();
    TestServer s(router);
    Raw raw(s.port);
    raw.send("HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string out = raw.read();
    CHECK(out.find("Content-Length: 5\r\n") != std::string::npos);
    CHECK(out.substr(out.size() - 4) == "\r\n\r\n");
}

namespace {

// Three pieces, then the end.
class Counter : public BodySource {
public:
    std::optional<std::uint64_t> size() const override { return std::nullopt; }
    void next(Deliver deliver) override {
        ++m_n;
        std::thread([deliver, n = m_n] {
            deliver("piece " + std::to_string(n) + "\n", n == 3);
        }).detach();
    }

private:
    int m_n = 0;
};

} // namespace

TEST_CASE("a streamed body is sent chunked to HTTP/1.1 and until close to 1.0", "[server]") {
    Router router;
    router.add("GET", "/stream", [](const Request&) {
        return Response::stream(200, std::make_shared<Counter>(), "text/plain");
    });
    TestServer s(router);
    Client client;
    Answer a = client.request(s.url, "GET", "stream");
    CHECK(a.body == "piece 1\npiece 2\npiece 3\n");
    CHECK(a.headers.get("Transfer-Encoding") == "chunked");
    Raw raw(s.port);
    raw.send("GET /stream HTTP/1.0\r\n\r\n");
    std::string out = raw.read();
    CHECK(raw.closed());
    CHECK(out.find("Transfer-Encoding") == std::string::npos);
    CHECK(out.ends_with("piece 1\npiece 2\npiece 3\n"));
}

TEST_CASE("over the connection limit, a client gets 503 at once", "[server]") {
    Router router = echo_router();
    ServerOptions options;
    options.limits.max_connections = 2;
    TestServer s(router, options);
    Raw a(s.port), b(s.port);
    a.send("GET /hello HTTP/1.1\r\n");
    b.send("GET /hello HTTP/1.1\r\n");
    std::this_thread::sleep_for(100ms);
    Raw c(s.port);
    std::string out = c.read();
    CHECK(out.find("HTTP/1.1 503") == 0);
    CHECK(c.closed());
}

TEST_CASE("a full worker queue answers 503 with Retry-After", "[server]") {
    Router router;
    std::atomic<bool> release{false};
    router.add("GET", "/block", [&](const Request&) {
        while (!release)
            std::this_thread::sleep_for(5ms);
        return Response::text(200, "done");
    });
    ServerOptions options;
    options.workers = 1;
    options.max_queued = 1;
    TestServer s(router, options);
    Raw first(s.port), second(s.port), third(s.port);
    first.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(100ms);
    second.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(100ms);
    third.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string out = third.read_until("\r\n\r\n");
    CHECK(out.find("HTTP/1.1 503") == 0);
    CHECK(out.find("Retry-After: 1") != std::string::npos);
    release = true;
    CHECK_THAT(first.read_until("done"), Catch::Contains("done"));
    CHECK_THAT(second.read_until("done"), Catch::Contains("done"));
}

TEST_CASE("stopping lets the answer in flight finish", "[server]") {
    Router router;
    std::atomic<bool> started{false};
    router.add("GET", "/slow", [&](const Request&) {
        started = true;
        std::this_thread::sleep_for(300ms);
        return Response::text(200, "finished");
    });
    Server server(router, {});
    int port = server.bind();
    server.start();
    Raw raw(port);
    raw.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    while (!started)
        std::this_thread::sleep_for(5ms);
    server.stop();
    std::string out = raw.read();
    server.wait();
    CHECK_THAT(out, Catch::Contains("finished"));
    CHECK(out.find("Connection: close") != std::string::npos);
}

TEST_CASE("client failures are typed", "[client]") {
    Client client;
    auto why_of = [&](const Url& url, CallOptions o = {}) {
        try {
            client.request(url, "GET", "x", {}, o);
        } catch (const Unreachable& e) {
            return std::make_pair(e.why(), std::string(e.what()));
        }
        FAIL("the call succeeded");
        return std::make_pair(Unreachable::Why::Refused, std::string());
    };

    Url refused = parse_url("http://127.0.0.1:" + std::to_string(closed_port()) + "/");
    auto [why, text] = why_of(refused);
    CHECK(why == Unreachable::Why::Refused);
    CHECK(text == "cannot reach " + refused.str() + ": connection refused");

    auto unknown = why_of(parse_url("http://no-such-host.invalid:8000/"));
    CHECK(unknown.first == Unreachable::Why::UnknownHost);
    CHECK_THAT(unknown.second, Catch::Contains("unknown host no-such-host.invalid"));

    SilentPort silent;
    Url hung = parse_url("http://127.0.0.1:" + std::to_string(silent.port) + "/");
    CallOptions quick;
    quick.read_timeout_s = 0.3;
    auto start = Clock::now();
    auto timeout = why_of(hung, quick);
    CHECK(timeout.first == Unreachable::Why::ReadTimeout);
    CHECK_THAT(timeout.second, Catch::Contains("no answer within 0.3 s"));
    CHECK(seconds_since(start) < 2);

    Router router = echo_router();
    TestServer s(router);
    CallOptions small;
    small.max_response = 1000;
    try {
        client.request(s.url, "GET", "big", {}, small);
        FAIL("a 3 MB answer passed a 1000-byte limit");
    } catch (const Unreachable& e) {
        CHECK(e.why() == Unreachable::Why::TooLarge);
        CHECK_THAT(e.what(), Catch::Contains("larger than 1000 bytes"));
    }
}

TEST_CASE("a call can be cancelled from another thread", "[client]") {
    SilentPort silent;
    Url hung = parse_url("http://127.0.0.1:" + std::to_string(silent.port) + "/");
    Client client;
    chain::io::Cancellation cancel;
    CallOptions o;
    o.read_timeout_s = 30;
    o.cancel = &cancel;
    std::thread canceller([&] {
        std::this_thread::sleep_for(200ms);
        cancel.cancel();
    });
    auto start = Clock::now();
    try {
        client.request(hung, "GET", "mine", {}, o);
        FAIL("the call returned");
    } catch (const Unreachable& e) {
        CHECK(e.why() == Unreachable::Why::Cancelled);
    }
    CHECK(seconds_since(start) < 2);
    canceller.join();
    // Already cancelled: the next call fails at once.
    CHECK_THROWS_AS(client.request(hung, "GET", "mine", {}, o), Unreachable);
}

TEST_CASE("an answer that is not HTTP is reported as malformed", "[client]") {
    SilentPort port;
    std::thread liar([&] {
        int fd = ::accept(port.fd, nullptr, nullptr);
        char buf[1024];
        (void)::recv(fd, buf, sizeof buf, 0);
        std::string junk = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
        (void)::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
        ::close(fd);
    });
    Client client;
    try {
        client.request(parse_url("http://127.0.0.1:" + std::to_string(port.port) + "/"), "GET",
                       "chain");
        FAIL("accepted");
    } catch (const Unreachable& e) {
        CHECK(e.why() == Unreachable::Why::Malformed);
    }
    liar.join();
}

TEST_CASE("a host that takes no connection gives a connect timeout", "[client]") {
    // A listener with a backlog of one that never accepts: once its queue is full, the kernel
    // drops further connection attempts, as a blackholed host does.
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd, 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    const int port = ntohs(addr.sin_port);
    std::vector<int> fillers;
    for (int i = 0; i < 4; ++i) { // fill the queue; these may themselves hang, so non-blocking
        int f = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        ::connect(f, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        fillers.push_back(f);
    }
    std::this_thread::sleep_for(100ms);
    Client client;
    CallOptions o;
    o.connect_timeout_s = 0.5;
    auto start = Clock::now();
    try {
        client.request(parse_url("http://127.0.0.1:" + std::to_string(port) + "/"), "GET", "x", {},
                       o);
        FAIL("connected");
    } catch (const Unreachable& e) {
        CHECK(e.why() == Unreachable::Why::ConnectTimeout);
        CHECK_THAT(e.what(), Catch::Contains("no connection after 0.5 s"));
        CHECK(e.timed_out());
    }
    CHECK(seconds_since(start) < 3);
    for (int f : fillers)
        ::close(f);
    ::close(fd);
}

TEST_CASE("a body is held only as it arrives, never as large as a header claims", "[server]") {
    Router router = echo_router();
    ServerOptions options;
    options.limits.max_body = 64 << 20;
    TestServer s(router, options);
    auto rss_kb = [] {
        std::string status = chain::io::read_file("/proc/self/status");
        std::size_t at = status.find("VmRSS:");
        return std::stol(status.substr(at + 6));
    };
    long before = rss_kb();
    std::vector<std::unique_ptr<Raw>> liars;
    for (int i = 0; i < 50; ++i) { // each claims 64 MB and sends one byte
        liars.push_back(std::make_unique<Raw>(s.port));
        liars.back()->send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 67108864\r\n\r\nx");
    }
    std::this_thread::sleep_for(300ms);
    CHECK(rss_kb() - before < 50 * 1024); // well under one claimed body, let alone 50 (3.2 GB)
    Client client;
    CHECK(client.request(s.url, "GET", "hello").status == 200);
}

TEST_CASE("a client still sending a refused body gets the answer, not a reset", "[server]") {
    Router router = echo_router();
    ServerOptions options;
    options.limits.max_body = 1000;
    TestServer s(router, options);
    Raw raw(s.port);
    std::string body(4 << 20, 'x');
    raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\n\r\n");
    // Like a simple client, it sends the whole body before it reads anything.
    CHECK(raw.send(body));
    std::string out = raw.read();
    CHECK(out.find("HTTP/1.1 413") == 0);
}
