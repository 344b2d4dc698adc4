#include "http/server.hpp"

#include "error.hpp"
#include "http/text.hpp"
#include "http/url.hpp"
#include "io/task_pool.hpp"

#include <array>
#include <asio.hpp>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <sys/resource.h>
#include <thread>

namespace chain::http {

namespace {

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t k_read_chunk = 16 * 1024;
constexpr std::size_t k_write_piece = std::size_t{1} << 20;
constexpr double k_stop_grace_s = 5;
// After refusing a request whose body was not read: how long, and how much of it, to read and
// drop so that a client still sending sees the answer rather than a reset connection.
constexpr double k_linger_s = 1;
constexpr std::size_t k_linger_bytes = std::size_t{16} << 20;

// Whether a comma-separated header value (Connection: keep-alive, Upgrade) holds token.
bool has_token(std::string_view list, std::string_view token) {
    for (std::string_view item : header_list(list))
        if (iequals(item, token)) return true;
    return false;
}

class Connection;

} // namespace

namespace detail {

struct ServerCore : std::enable_shared_from_this<ServerCore> {
    ServerCore(const Router& r, ServerOptions o)
        : router(r), options(std::move(o)), control(asio::make_strand(io)), acceptor(control),
          grace(control) {}

    const Router& router;
    ServerOptions options;
    asio::io_context io;
    // The acceptor, the grace timer and stopping run on this strand, never two at once.
    asio::strand<asio::io_context::executor_type> control;
    tcp::acceptor acceptor;
    asio::steady_timer grace;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    std::vector<std::thread> threads;
    std::unique_ptr<io::TaskPool> workers;
    std::unique_ptr<io::TaskPool> slow;
    int port = 0;
    std::size_t max_connections = 0;
    /// Set once every connection has been told to close: answers that arrive later are dropped
    /// instead of queued on a loop that no longer runs.
    std::atomic<bool> closed{false};

    mutable std::mutex mutex;
    std::condition_variable finished_cv;
    std::map<std::uint64_t, std::weak_ptr<Connection>> connections;
    std::uint64_t next_id = 0;
    bool started = false;
    bool stopping = false;
    bool finished = false;

    void accept();
    void refuse(tcp::socket& socket);
    void forget(std::uint64_t id);
    void begin_stop();
    void finish();
    std::vector<std::shared_ptr<Connection>> open_connections();
    void log(const std::string& line) const {
        if (!options.log) return;
        try {
            options.log(line);
        } catch (...) {
            // A log that fails must not take the server down.
        }
    }
    bool stopping_now() const {
        std::lock_guard lock(mutex);
        return stopping;
    }
};

} // namespace detail

namespace {

using detail::ServerCore;

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(std::shared_ptr<ServerCore> server, tcp::socket socket, std::uint64_t id)
        : m_server(std::move(server)), m_socket(std::move(socket)),
          m_timer(m_socket.get_executor()), m_id(id) {
        std::error_code ec;
        m_socket.set_option(tcp::no_delay(true), ec);
        auto endpoint = m_socket.remote_endpoint(ec);
        if (!ec) m_remote = endpoint.address().to_string();
    }
    ~Connection() { m_server->forget(m_id); }

    void start() { next_request(); }

    /// The server stops: close now if idle, after the answer in flight otherwise (a live stream
    /// is told to end).
    void stop_soon() {
        asio::post(m_socket.get_executor(), [self = shared_from_this()] {
            self->m_close_after = true;
            if (self->m_phase == Phase::Idle || self->m_phase == Phase::Head ||
                self->m_phase == Phase::Body)
                self->close();
            else if (self->m_source)
                self->m_source->cancel();
        });
    }

    /// The server is gone: close now, whatever is in flight.
    void abort() {
        asio::post(m_socket.get_executor(), [self = shared_from_this()] { self->close(); });
    }

private:
    enum class Phase { Idle, Head, Body, Handling, Writing, Lingering, Closed };

    const ServerLimits& limits() const { return m_server->options.limits; }

    // One timer serves every phase; a generation number makes a stale expiry harmless.
    void arm(double s, Phase phase) {
        ++m_timer_generation;
        m_timer.expires_after(to_duration(s));
        m_timer.async_wait(
            [self = shared_from_this(), gen = m_timer_generation, phase](std::error_code ec) {
                if (ec || gen != self->m_timer_generation || self->m_phase != phase) return;
                self->on_timeout();
            });
    }

    void disarm() {
        ++m_timer_generation;
        m_timer.cancel();
    }

    void on_timeout() {
        switch (m_phase) {
        case Phase::Idle:
            return close();
        case Phase::Head:
            return fail(408, "the request head did not arrive within " +
                                 seconds_text(limits().head_timeout_s));
        case Phase::Body:
            if (Clock::now() >= m_body_deadline)
                return fail(408, "the request body did not arrive within " +
                                     seconds_text(limits().body_timeout_s));
            return fail(408, "nothing of the request body arrived for " +
                                 seconds_text(limits().body_idle_s));
        case Phase::Writing:
        case Phase::Lingering:
            return close();
        default:
            return;
        }
    }

    void next_request() {
        m_request = Request{};
        m_request.remote = m_remote;
        m_chunked.reset();
        m_route = nullptr;
        m_source.reset();
        m_scanned = 0;
        m_unread_body = false;
        m_phase = Phase::Idle;
        if (m_close_after) return close();
        if (!m_in.empty()) return begin_head();
        arm(limits().idle_timeout_s, Phase::Idle);
        read_some();
    }

    void begin_head() {
        m_phase = Phase::Head;
        m_started = Clock::now();
        arm(limits().head_timeout_s, Phase::Head);
        parse_head();
    }

    void read_some() {
        m_socket.async_read_some(asio::buffer(m_buffer),
                                 [self = shared_from_this()](std::error_code ec, std::size_t n) {
                                     self->on_read(ec, n);
                                 });
    }

    void on_read(std::error_code ec, std::size_t n) {
        if (m_phase == Phase::Closed) return;
        if (ec) return close();
        m_in.append(m_buffer.data(), n);
        if (m_phase == Phase::Idle) return begin_head();
        if (m_phase == Phase::Head) return parse_head();
        if (m_phase == Phase::Body) return read_body();
    }

    void parse_head() {
        const HeadLimits& head = limits().head;
        auto end = find_head_end(m_in, m_scanned);
        if (!end) {
            m_scanned = m_in.size();
            if (m_in.size() > head.max_head) {
                bool in_request_line = m_in.find('\n') == std::string::npos;
                if (in_request_line && m_in.size() > head.max_target)
                    return fail(414, "the URL is longer than " + std::to_string(head.max_target) +
                                         " bytes");
                return fail(431, "the request head is larger than " +
                                     std::to_string(head.max_head) + " bytes");
            }
            return read_some();
        }
        if (auto failure =
                parse_request_head(std::string_view(m_in).substr(0, *end), head, m_request))
            return fail(failure->status, failure->reason);
        m_in.erase(0, *end);
        if (m_request.minor_version == 0 ? !has_token(m_request.header("Connection"), "keep-alive")
                                         : has_token(m_request.header("Connection"), "close"))
            m_close_after = true;
        on_head();
    }

    void on_head() {
        Framing framing;
        if (auto failure = request_framing(m_request.headers, framing))
            return fail(failure->status, failure->reason);
        const bool has_body = framing.kind != Framing::Kind::None;
        // A request answered without reading its body leaves the connection unusable.
        auto refuse = [&](Response r) {
            if (has_body) {
                m_close_after = true;
                m_unread_body = true;
            }
            respond_now(std::move(r));
        };
        Match match = m_server->router.match(m_request.method, m_request.path);
        if (!match.route) return refuse(m_server->router.not_routed(m_request, match));
        m_route = match.route;
        if (framing.kind == Framing::Kind::Length && framing.length > limits().max_body)
            return refuse(m_server->router.error(m_request, 413,
                                                 "the request body is larger than " +
                                                     std::to_string(limits().max_body) + " bytes"));
        if (std::string expect = m_request.header("Expect"); !expect.empty()) {
            if (!iequals(expect, "100-continue"))
                return refuse(m_server->router.error(
                    m_request, 417, "unsupported Expect: " + expect.substr(0, 40)));
            if (has_body && m_request.minor_version == 1) write_continue();
        }
        if (!has_body) return dispatch();
        m_phase = Phase::Body;
        m_body_deadline = Clock::now() + to_duration(limits().body_timeout_s);
        if (framing.kind == Framing::Kind::Chunked)
            m_chunked.emplace(limits().max_body);
        else
            m_body_length = static_cast<std::size_t>(framing.length);
        read_body();
    }

    void write_continue() {
        // Nothing else has been written on this connection yet, so the socket takes these few
        // bytes at once; written synchronously, they cannot interleave with the answer.
        static const std::string k_continue = "HTTP/1.1 100 Continue\r\n\r\n";
        std::error_code ec;
        asio::write(m_socket, asio::buffer(k_continue), ec);
    }

    // Takes what has arrived of the body. Memory grows with the bytes that arrive, never with
    // what a header announces.
    void read_body() {
        std::string& body = m_request.body;
        if (m_chunked) {
            std::size_t used = m_chunked->feed(m_in, body);
            m_in.erase(0, used);
            if (const auto& failure = m_chunked->failure())
                return fail(failure->status, failure->reason);
            if (m_chunked->done()) return dispatch();
        } else {
            std::size_t take = std::min(m_body_length - body.size(), m_in.size());
            body.append(m_in, 0, take);
            m_in.erase(0, take);
            if (body.size() == m_body_length) return dispatch();
        }
        // While a body arrives: no silence longer than body_idle, and all of it by the deadline.
        double left = std::chrono::duration<double>(m_body_deadline - Clock::now()).count();
        arm(std::max(0.0, std::min(limits().body_idle_s, left)), Phase::Body);
        read_some();
    }

    void dispatch() {
        disarm();
        m_phase = Phase::Handling;
        // The answer keeps the connection alive until it is written: while a handler works,
        // nothing else holds it. Once the server has closed down, an answer is dropped.
        Respond respond = [self = shared_from_this()](Response r) {
            if (self->m_server->closed) return;
            auto executor = self->m_socket.get_executor();
            asio::post(executor,
                       [self, r = std::move(r)]() mutable { self->write_response(std::move(r)); });
        };
        const Route& route = *m_route;
        if (route.lane == Lane::Inline) {
            m_server->router.run(route, m_request, std::move(respond));
            return;
        }
        io::TaskPool& pool = route.lane == Lane::Slow ? *m_server->slow : *m_server->workers;
        // The task holds the connection, so the request it reads stays alive.
        bool queued = pool.post([self = shared_from_this(), respond] {
            self->m_server->router.run(*self->m_route, self->m_request, respond);
        });
        if (!queued) {
            Response busy =
                m_server->router.error(m_request, 503, "the server is busy; try again in a moment");
            busy.headers.set("Retry-After", "1");
            write_response(std::move(busy));
        }
    }

    void fail(int status, const std::string& reason) {
        m_close_after = true;
        // A body may still be coming (or the rest of a head): let the client see the answer.
        m_unread_body = true;
        respond_now(m_server->router.error(m_request, status, reason));
    }

    void respond_now(Response r) {
        if (m_phase == Phase::Idle) m_started = Clock::now();
        write_response(std::move(r));
    }

    void write_response(Response r) {
        if (m_phase == Phase::Closed || m_phase == Phase::Writing) return;
        m_phase = Phase::Writing;
        disarm();
        if (r.close || m_server->stopping_now()) m_close_after = true;
        const bool head_only = m_request.method == "HEAD";
        std::optional<std::uint64_t> size = r.body_size();
        m_chunked_out = !size && m_request.minor_version == 1;
        // A live stream ends the connection: its end is not awaited, and a read watches for the
        // client going away meanwhile (HTTP/1.0 marks the end by closing anyway).
        if (!size) m_close_after = true;
        log_request(r.status);

        std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " +
                           std::string(reason_phrase(r.status)) + "\r\n";
        for (const auto& [name, value] : r.headers) {
            if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
                iequals(name, "Connection"))
                continue;
            head += name + ": " + value + "\r\n";
        }
        if (size)
            head += "Content-Length: " + std::to_string(*size) + "\r\n";
        else if (m_chunked_out)
            head += "Transfer-Encoding: chunked\r\n";
        head += m_close_after ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
        m_out_head = std::move(head);

        if (auto* source = std::get_if<std::shared_ptr<BodySource>>(&r.body); source && *source) {
            m_source = *source;
            write_piece(std::move(m_out_head), head_only);
            return;
        }
        m_body_owner = std::move(r.body);
        m_body_view = head_only ? std::string_view() : body_view();
        m_body_done = 0;
        write_memory(true);
    }

    std::string_view body_view() const {
        if (const auto* s = std::get_if<std::string>(&m_body_owner)) return *s;
        if (const auto* p = std::get_if<std::shared_ptr<const std::string>>(&m_body_owner))
            return *p ? std::string_view(**p) : std::string_view();
        return {};
    }

    // An answer held in memory, in pieces of up to 1 MiB, each within the write timeout.
    void write_memory(bool with_head) {
        std::size_t piece = std::min(k_write_piece, m_body_view.size() - m_body_done);
        std::array<asio::const_buffer, 2> buffers{
            asio::buffer(with_head ? std::string_view(m_out_head) : std::string_view()),
            asio::buffer(m_body_view.substr(m_body_done, piece))};
        m_body_done += piece;
        arm(limits().write_timeout_s, Phase::Writing);
        asio::async_write(m_socket, buffers,
                          [self = shared_from_this()](std::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              if (self->m_body_done < self->m_body_view.size())
                                  return self->write_memory(false);
                              self->finish_response();
                          });
    }

    // A streamed answer: the head, then each piece as the source delivers it.
    void write_piece(std::string data, bool last) {
        auto buffer = std::make_shared<std::string>(std::move(data));
        arm(limits().write_timeout_s, Phase::Writing);
        asio::async_write(
            m_socket, asio::buffer(*buffer),
            [self = shared_from_this(), buffer, last](std::error_code ec, std::size_t) {
                if (ec) return self->close();
                if (last) return self->finish_response();
                self->pull();
            });
    }

    void pull() {
        disarm(); // a live stream may wait long for its next piece
        if (!m_source->size() && !m_watching_close) watch_close();
        // The source holds the connection until it delivers (or is cancelled and ends).
        auto deliver = [self = shared_from_this()](std::string piece, bool last) {
            auto executor = self->m_socket.get_executor();
            asio::post(executor, [self, piece = std::move(piece), last]() mutable {
                if (self->m_phase != Phase::Writing) return;
                std::string framed;
                if (self->m_chunked_out) {
                    if (!piece.empty()) {
                        char size[20];
                        std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
                        framed = size + piece + "\r\n";
                    }
                    if (last) framed += "0\r\n\r\n";
                } else {
                    framed = std::move(piece);
                }
                self->write_piece(std::move(framed), last);
            });
        };
        try {
            m_source->next(std::move(deliver));
        } catch (const std::exception& e) {
            m_server->log(std::string("answer cut short: ") + e.what());
            close();
        }
    }

    // While a stream waits for its next piece, a read notices the client going away (the
    // client sends nothing else on a connection whose answer has no end it can wait for).
    void watch_close() {
        m_watching_close = true;
        m_socket.async_read_some(asio::buffer(m_buffer),
                                 [self = shared_from_this()](std::error_code ec, std::size_t) {
                                     self->m_watching_close = false;
                                     if (self->m_phase != Phase::Writing) return;
                                     if (ec) return self->close();
                                     self->watch_close(); // anything sent now is ignored
                                 });
    }

    void finish_response() {
        if (m_source) m_source->cancel(); // a HEAD answer never pulled it
        m_body_owner = std::string();
        m_body_view = {};
        m_source.reset();
        if (m_unread_body) return linger();
        next_request();
    }

    // The answer is out but the client may still be sending the body that was not read: say
    // that nothing more comes from here, and drop what arrives for a moment, so that closing
    // does not reset the connection before the client reads the answer.
    void linger() {
        m_phase = Phase::Lingering;
        std::error_code ec;
        m_socket.shutdown(tcp::socket::shutdown_send, ec);
        m_lingered = m_in.size();
        m_in.clear();
        arm(k_linger_s, Phase::Lingering);
        drain();
    }

    void drain() {
        m_socket.async_read_some(asio::buffer(m_buffer),
                                 [self = shared_from_this()](std::error_code ec, std::size_t n) {
                                     if (self->m_phase != Phase::Lingering) return;
                                     self->m_lingered += n;
                                     if (ec || self->m_lingered > k_linger_bytes)
                                         return self->close();
                                     self->drain();
                                 });
    }

    void log_request(int status) {
        if (!m_server->options.log || m_request.method.empty()) return;
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - m_started).count();
        char buf[48];
        std::snprintf(buf, sizeof buf, " %d %.1f ms", status, ms);
        m_server->log(m_request.method + " " + m_request.path + buf);
    }

    void close() {
        if (m_phase == Phase::Closed) return;
        m_phase = Phase::Closed;
        disarm();
        if (m_source) m_source->cancel();
        std::error_code ec;
        m_socket.shutdown(tcp::socket::shutdown_both, ec);
        m_socket.close(ec);
    }

    std::shared_ptr<ServerCore> m_server;
    tcp::socket m_socket;
    asio::steady_timer m_timer;
    std::uint64_t m_timer_generation = 0;
    std::uint64_t m_id;
    std::string m_remote;
    std::array<char, k_read_chunk> m_buffer{};
    std::string m_in; // received and not yet used
    std::size_t m_scanned = 0;
    Phase m_phase = Phase::Idle;
    Clock::time_point m_started = Clock::now();
    Request m_request;
    const Route* m_route = nullptr;
    std::optional<ChunkedDecoder> m_chunked;
    std::size_t m_body_length = 0;
    Clock::time_point m_body_deadline;
    bool m_close_after = false;
    bool m_unread_body = false;
    std::size_t m_lingered = 0;
    bool m_chunked_out = false;
    bool m_watching_close = false;
    std::string m_out_head;
    Body m_body_owner;
    std::string_view m_body_view;
    std::size_t m_body_done = 0;
    std::shared_ptr<BodySource> m_source;
};

} // namespace

namespace detail {

void ServerCore::accept() {
    acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](std::error_code ec,
                                                                             tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
        if (!ec) {
            std::shared_ptr<Connection> connection;
            {
                std::lock_guard lock(self->mutex);
                if (!self->stopping && self->connections.size() < self->max_connections) {
                    std::uint64_t id = ++self->next_id;
                    connection = std::make_shared<Connection>(self, std::move(socket), id);
                    self->connections.emplace(id, connection);
                }
            }
            if (connection)
                connection->start();
            else
                self->refuse(socket);
        } else if (ec == asio::error::no_descriptors) {
            // Out of file descriptors: wait a little rather than spin.
            auto timer =
                std::make_shared<asio::steady_timer>(self->control, std::chrono::milliseconds(50));
            timer->async_wait([self, timer](std::error_code) { self->accept(); });
            return;
        }
        self->accept();
    });
}

// Over the connection limit: a short 503, written only if the socket takes it at once.
void ServerCore::refuse(tcp::socket& socket) {
    static const std::string k_busy =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Retry-After: 1\r\nConnection: close\r\nContent-Length: 41\r\n\r\n"
        "too many connections; try again shortly\r\n";
    std::error_code ec;
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(k_busy), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
}

std::vector<std::shared_ptr<Connection>> ServerCore::open_connections() {
    std::vector<std::shared_ptr<Connection>> open;
    std::lock_guard lock(mutex);
    for (auto& [id, weak] : connections)
        if (auto c = weak.lock()) open.push_back(std::move(c));
    return open;
}

void ServerCore::forget(std::uint64_t id) {
    bool last = false;
    {
        std::lock_guard lock(mutex);
        connections.erase(id);
        last = stopping && connections.empty();
    }
    if (last)
        asio::post(control, [core = weak_from_this()] {
            if (auto self = core.lock()) self->finish();
        });
}

// On the control strand.
void ServerCore::begin_stop() {
    {
        std::lock_guard lock(mutex);
        if (stopping) return;
        stopping = true;
    }
    std::error_code ec;
    acceptor.close(ec);
    for (auto& c : open_connections())
        c->stop_soon();
    grace.expires_after(to_duration(k_stop_grace_s));
    grace.async_wait([self = shared_from_this()](std::error_code e) {
        if (!e) self->finish();
    });
    bool none = false;
    {
        std::lock_guard lock(mutex);
        none = connections.empty();
    }
    if (none) finish();
}

// On the control strand. Closes whatever is still open and lets the network threads run out
// of work, so that no handler holding a connection is left in the queue.
void ServerCore::finish() {
    {
        std::lock_guard lock(mutex);
        if (finished) return;
        finished = true;
    }
    closed = true;
    grace.cancel();
    for (auto& c : open_connections())
        c->abort();
    guard.reset();
    finished_cv.notify_all();
}

} // namespace detail

std::size_t raise_open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    rlim_t wanted = std::min<rlim_t>(limit.rlim_max, 65536);
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = wanted;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return static_cast<std::size_t>(limit.rlim_cur);
}

Server::Server(const Router& router, ServerOptions options)
    : m(std::make_shared<detail::ServerCore>(router, std::move(options))) {}

Server::~Server() {
    stop();
    wait();
    // Answers posted in the last moment, after the loop ran out of work: run them (they find
    // their connection closed) so that nothing they hold outlives the server.
    m->io.restart();
    m->io.poll();
}

int Server::bind() {
    const ServerOptions& o = m->options;
    std::error_code ec;
    asio::ip::address address =
        asio::ip::make_address(o.host == "localhost" ? "127.0.0.1" : o.host, ec);
    tcp::endpoint endpoint;
    if (ec) {
        tcp::resolver resolver(m->io);
        auto found = resolver.resolve(o.host, std::to_string(o.port), ec);
        if (ec || found.empty())
            throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                        lower_first(ec ? ec.message() : "the host does not resolve"));
        endpoint = found.begin()->endpoint();
    } else {
        endpoint = tcp::endpoint(address, static_cast<unsigned short>(o.port));
    }
    auto fail = [&](const std::error_code& e) {
        std::error_code ignored;
        m->acceptor.close(ignored);
        throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                    lower_first(e.message()));
    };
    m->acceptor.open(endpoint.protocol(), ec);
    if (ec) fail(ec);
    m->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (endpoint.address().is_v6()) m->acceptor.set_option(asio::ip::v6_only(false), ec);
    m->acceptor.bind(endpoint, ec);
    if (ec) fail(ec);
    m->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) fail(ec);
    m->port = m->acceptor.local_endpoint().port();
    std::size_t files = raise_open_file_limit();
    m->max_connections = o.limits.max_connections ? o.limits.max_connections
                                                  : (files > 256 ? files - 128 : files / 2);
    return m->port;
}

int Server::port() const {
    return m->port;
}

std::string Server::url() const {
    return local_url(m->options.host, m->port);
}

void Server::start() {
    {
        std::lock_guard lock(m->mutex);
        if (m->started) return;
        m->started = true;
    }
    const ServerOptions& o = m->options;
    m->workers = std::make_unique<io::TaskPool>(std::max(1u, o.workers), o.max_queued);
    m->slow = std::make_unique<io::TaskPool>(std::max(1u, o.slow_workers), o.max_queued);
    m->guard.emplace(m->io.get_executor());
    asio::post(m->control, [core = m] { core->accept(); });
    for (unsigned i = 0; i < std::max(1u, o.io_threads); ++i)
        m->threads.emplace_back([core = m] { core->io.run(); });
}

void Server::stop() {
    {
        std::lock_guard lock(m->mutex);
        if (!m->started) {
            m->finished = true;
            m->closed = true;
            m->finished_cv.notify_all();
            return;
        }
    }
    asio::post(m->control, [core = m] { core->begin_stop(); });
}

void Server::wait() {
    {
        std::unique_lock lock(m->mutex);
        m->finished_cv.wait(lock, [&] { return m->finished; });
    }
    for (std::thread& t : m->threads)
        if (t.joinable()) {
            if (t.get_id() == std::this_thread::get_id())
                t.detach();
            else
                t.join();
        }
    m->workers.reset();
    m->slow.reset();
}

std::size_t Server::connections() const {
    std::lock_guard lock(m->mutex);
    return m->connections.size();
}

} // namespace chain::http
