#pragma once
// The one HTTP/1.1 server of chainctl (node, ui, and the network lab), event-driven on
// standalone Asio. Reading requests and writing answers never holds a thread: a thousand slow
// or idle clients are a thousand small buffers and timers, not a thousand blocked threads, so
// they cannot starve the others. Handlers run where their route's Lane says (router.hpp).
//
// Limits hold for every request shape: the head must arrive whole within head_timeout (in
// total, not per read), the body within body_timeout; a body larger than max_body is refused
// with 413 as soon as that is known (from Content-Length, or while decoding chunks), without
// reading or keeping the rest; ambiguous framing is refused with 400 and the connection closed.

#include "http/parser.hpp"
#include "http/router.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace chain::http {

namespace detail {
struct ServerCore;
}

struct ServerLimits {
    std::size_t max_body = std::size_t{1} << 20;
    HeadLimits head;
    double head_timeout_s = 5;       // the whole request head, from its first byte
    double idle_timeout_s = 5;       // a connection waiting for its (next) request
    double body_timeout_s = 60;      // the whole request body
    double body_idle_s = 5;          // the longest silence while a request body arrives
    double write_timeout_s = 30;     // each piece (up to 1 MiB) of an answer
    std::size_t max_connections = 0; // open at once; 0: what the descriptor limit allows
};

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 0; // 0: any free port
    unsigned io_threads = 2;
    unsigned workers = 4;          // Lane::Worker handlers at once
    unsigned slow_workers = 4;     // Lane::Slow handlers at once
    std::size_t max_queued = 1024; // handlers waiting for a worker; beyond that, 503
    ServerLimits limits;
    /// One line per request ("GET /chain 200 0.4 ms"), if set.
    std::function<void(const std::string&)> log;
};

class Server {
public:
    /// The router must outlive the server.
    Server(const Router& router, ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Listens on host:port (without SO_REUSEPORT, so a second server cannot share the port).
    /// Throws chain::Error saying why it cannot. Returns the port.
    int bind();
    int port() const;
    /// The URL a client on this machine uses: "http://127.0.0.1:8000/", "http://[::1]:8000/".
    std::string url() const;
    /// Serves on background threads.
    void start();
    /// Stops accepting, lets answers in flight finish (up to a few seconds), then closes every
    /// connection. Safe from any thread, more than once.
    void stop();
    /// Returns once the server has stopped.
    void wait();
    /// Connections open now.
    std::size_t connections() const;

private:
    std::shared_ptr<detail::ServerCore> m;
};

/// Raises this process's open-file limit to its hard limit (capped at 65536) and returns it: a
/// server holding many connections needs more than the usual 1024.
std::size_t raise_open_file_limit();

} // namespace chain::http
