#include "http/server.hpp"

#include "error.hpp"
#include "io/file_io.hpp"

#include <cerrno>
#include <chrono>
#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

namespace chain::http {

namespace {

using Clock = std::chrono::steady_clock;
thread_local Clock::time_point t_request_start; // one request at a time per worker thread

// Why host:port cannot be bound, found by trying it (httplib does not say).
std::string bind_failure(const std::string& host, int port) {
    addrinfo hints{}, *found = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
        return gai_strerror(rc);
    int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    std::string why = ::bind(fd, found->ai_addr, found->ai_addrlen) == 0
                          ? "the port could not be used"
                          : io::errno_text(errno);
    ::close(fd);
    ::freeaddrinfo(found);
    return why;
}

} // namespace

int listen_on(httplib::Server& server, const std::string& host, int port) {
    // Headers and body go out in separate writes; without TCP_NODELAY the body waits for the
    // client's delayed ACK (~40 ms per request).
    server.set_tcp_nodelay(true);
    server.set_socket_options([](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    int bound =
        port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
    if (bound <= 0)
        throw Error("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                    bind_failure(host, port));
    return bound;
}

void log_requests(httplib::Server& server, std::function<void(const std::string&)> log) {
    server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
        t_request_start = Clock::now();
        return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_logger(
        [log = std::move(log)](const httplib::Request& q, const httplib::Response& r) {
            if (!log) return;
            double ms =
                std::chrono::duration<double, std::milli>(Clock::now() - t_request_start).count();
            char buf[48];
            std::snprintf(buf, sizeof buf, " %d %.1f ms", r.status, ms);
            log(q.method + " " + q.path + buf);
        });
}

bool is_bodyless_post(const httplib::Request& q) {
    return q.method == "POST" && !q.has_header("Content-Length") &&
           !q.has_header("Transfer-Encoding");
}

} // namespace chain::http
