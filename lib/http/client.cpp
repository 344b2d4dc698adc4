#include "http/client.hpp"

#include "http/parser.hpp"
#include "http/text.hpp"

#include "json/parse.hpp"
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace chain::http {

namespace {

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Why = Unreachable::Why;

constexpr std::size_t k_read_chunk = 64 * 1024;

} // namespace

std::string_view why_name(Unreachable::Why why) {
    switch (why) {
    case Why::Refused:
        return "refused";
    case Why::NoRoute:
        return "no route";
    case Why::UnknownHost:
        return "unknown host";
    case Why::ConnectTimeout:
        return "connect timeout";
    case Why::ReadTimeout:
        return "read timeout";
    case Why::Closed:
        return "closed";
    case Why::TooLarge:
        return "too large";
    case Why::Malformed:
        return "malformed answer";
    case Why::Tls:
        return "tls";
    case Why::Cancelled:
        return "cancelled";
    }
    return "unknown";
}

std::string size_text(std::size_t bytes) {
    if (bytes >= (std::size_t{1} << 20) && bytes % (std::size_t{1} << 20) == 0)
        return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

std::string Answer::reason() const {
    if (is_json()) {
        try {
            json::Value v = json::parse(body);
            if (const json::Value* e = v.find("error"); e && e->is_string()) return e->as_string();
        } catch (const Error&) {
        }
    }
    std::string text;
    bool in_tag = false;
    for (char c : body) {
        if (c == '<')
            in_tag = true;
        else if (c == '>')
            in_tag = false;
        else if (!in_tag)
            text += c;
    }
    std::size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) return "(no reason given)";
    text = text.substr(start, text.find('\n', start) - start);
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.size() > 200) text = text.substr(0, 197) + "...";
    return text;
}

namespace detail {

struct ClientCore {
    ClientCore() : guard(io.get_executor()), thread([this] { io.run(); }) {}
    /// Ends the calls in progress (their callers see Cancelled), then the thread.
    ~ClientCore() {
        std::map<std::uint64_t, std::function<void()>> calls;
        {
            std::lock_guard lock(calls_mutex);
            calls.swap(active);
        }
        for (auto& [id, abort] : calls)
            abort();
        guard.reset();
        thread.join();
    }

    std::uint64_t track(std::function<void()> abort) {
        std::lock_guard lock(calls_mutex);
        active.emplace(++next_call, std::move(abort));
        return next_call;
    }
    void untrack(std::uint64_t id) {
        std::lock_guard lock(calls_mutex);
        active.erase(id);
    }

    asio::ssl::context& tls() {
        std::lock_guard lock(tls_mutex);
        if (!tls_context) {
            tls_context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
            tls_context->set_default_verify_paths();
            tls_context->set_verify_mode(asio::ssl::verify_peer);
        }
        return *tls_context;
    }

    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> guard;
    std::thread thread;
    std::mutex tls_mutex;
    std::unique_ptr<asio::ssl::context> tls_context;
    std::mutex calls_mutex;
    std::map<std::uint64_t, std::function<void()>> active; // calls in progress: how to end each
    std::uint64_t next_call = 0;
};

} // namespace detail

namespace {

class Call : public std::enable_shared_from_this<Call> {
public:
    Call(detail::ClientCore& core, const Url& url, std::string method, std::string request,
         const CallOptions& options)
        : m_core(core), m_strand(asio::make_strand(core.io)), m_resolver(m_strand),
          m_socket(m_strand), m_timer(m_strand), m_deadline(m_strand), m_url(url),
          m_method(std::move(method)), m_request(std::move(request)), m_options(options) {}

    void start() {
        asio::post(m_strand, [self = shared_from_this()] { self->begin(); });
    }

    void abort(Why why, std::string detail) {
        asio::post(m_strand, [self = shared_from_this(), why, detail = std::move(detail)] {
            self->fail(why, detail);
        });
    }

    /// Waits for the end of the call: the answer, or the failure thrown.
    Answer wait() {
        std::unique_lock lock(m_mutex);
        m_done_cv.wait(lock, [&] { return m_done; });
        if (m_failure) throw Unreachable(m_failure->first, m_url.str(), m_failure->second);
        return std::move(m_answer);
    }

private:
    void begin() {
        if (m_finished) return; // cancelled before it started
        if (m_options.deadline_s > 0) {
            m_deadline.expires_after(to_duration(m_options.deadline_s));
            m_deadline.async_wait([self = shared_from_this()](std::error_code ec) {
                if (!ec)
                    self->fail(Why::ReadTimeout, "no complete answer within " +
                                                     seconds_text(self->m_options.deadline_s));
            });
        }
        arm(m_options.connect_timeout_s, Why::ConnectTimeout,
            "no connection after " + seconds_text(m_options.connect_timeout_s));
        std::error_code ec;
        asio::ip::address address = asio::ip::make_address(m_url.host, ec);
        if (!ec) {
            connect({tcp::endpoint(address, static_cast<unsigned short>(m_url.port))});
            return;
        }
        m_resolver.async_resolve(
            m_url.host, std::to_string(m_url.port),
            [self = shared_from_this()](std::error_code e, tcp::resolver::results_type found) {
                if (self->m_finished) return;
                if (e || found.empty())
                    return self->fail(Why::UnknownHost, "unknown host " + self->m_url.host);
                std::vector<tcp::endpoint> endpoints;
                for (const auto& entry : found)
                    endpoints.push_back(entry.endpoint());
                self->connect(std::move(endpoints));
            });
    }

    void connect(std::vector<tcp::endpoint> endpoints) {
        asio::async_connect(m_socket, endpoints,
                            [self = shared_from_this()](std::error_code ec, const tcp::endpoint&) {
                                if (self->m_finished) return;
                                if (ec) {
                                    if (ec == asio::error::connection_refused)
                                        return self->fail(Why::Refused, "connection refused");
                                    if (ec == asio::error::host_unreachable ||
                                        ec == asio::error::network_unreachable)
                                        return self->fail(Why::NoRoute, lower_first(ec.message()));
                                    return self->fail(Why::Refused, lower_first(ec.message()));
                                }
                                std::error_code ignored;
                                self->m_socket.set_option(tcp::no_delay(true), ignored);
                                if (self->m_url.scheme == "https") return self->handshake();
                                self->send();
                            });
    }

    void handshake() {
        m_tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(m_socket, m_core.tls());
        SSL_set_tlsext_host_name(m_tls->native_handle(), m_url.host.c_str());
        m_tls->set_verify_callback(asio::ssl::host_name_verification(m_url.host));
        m_tls->async_handshake(
            asio::ssl::stream_base::client, [self = shared_from_this()](std::error_code ec) {
                if (self->m_finished) return;
                if (ec)
                    return self->fail(Why::Tls, "TLS failed (" + lower_first(ec.message()) + ")");
                self->send();
            });
    }

    void send() {
        arm(m_options.read_timeout_s, Why::ReadTimeout,
            "no answer within " + seconds_text(m_options.read_timeout_s));
        auto done = [self = shared_from_this()](std::error_code ec, std::size_t) {
            if (self->m_finished) return;
            if (ec) return self->fail(Why::Closed, "the connection broke while sending");
            self->read();
        };
        if (m_tls)
            asio::async_write(*m_tls, asio::buffer(m_request), done);
        else
            asio::async_write(m_socket, asio::buffer(m_request), done);
    }

    void read() {
        auto done = [self = shared_from_this()](std::error_code ec, std::size_t n) {
            if (self->m_finished) return;
            if (ec) {
                bool eof = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
                if (eof && self->m_head_done && self->m_framing.kind == Framing::Kind::UntilClose)
                    return self->succeed();
                return self->fail(Why::Closed, "the connection closed before a whole answer");
            }
            self->arm(self->m_options.read_timeout_s, Why::ReadTimeout,
                      "no answer within " + seconds_text(self->m_options.read_timeout_s));
            self->feed(std::string_view(self->m_buffer.data(), n));
        };
        if (m_tls)
            m_tls->async_read_some(asio::buffer(m_buffer), done);
        else
            m_socket.async_read_some(asio::buffer(m_buffer), done);
    }

    void feed(std::string_view data) {
        if (!m_head_done) {
            m_in.append(data);
            for (;;) {
                auto end = find_head_end(m_in);
                if (!end) {
                    if (m_in.size() > HeadLimits{}.max_head)
                        return fail(Why::Malformed, "not an HTTP answer (its head is too large)");
                    return read();
                }
                ResponseHead head;
                if (auto f = parse_response_head(std::string_view(m_in).substr(0, *end), {}, head))
                    return fail(Why::Malformed, "not an HTTP answer (" + f->reason + ")");
                m_in.erase(0, *end);
                if (head.status >= 100 && head.status < 200) continue; // 100 Continue
                if (auto f = response_framing(head.headers, m_method, head.status, m_framing))
                    return fail(Why::Malformed, "not an HTTP answer (" + f->reason + ")");
                m_answer.status = head.status;
                m_answer.headers = std::move(head.headers);
                m_head_done = true;
                break;
            }
            if (m_framing.kind == Framing::Kind::Length) {
                if (m_framing.length > m_options.max_response) return too_large();
                if (!m_options.sink) m_answer.body.reserve(m_framing.length);
            }
            if (m_framing.kind == Framing::Kind::Chunked) m_chunked.emplace(m_options.max_response);
            if (m_framing.kind == Framing::Kind::None) return succeed();
            std::string rest = std::move(m_in);
            m_in.clear();
            return body(rest);
        }
        body(data);
    }

    void body(std::string_view data) {
        switch (m_framing.kind) {
        case Framing::Kind::Length: {
            std::size_t take = static_cast<std::size_t>(
                std::min<std::uint64_t>(data.size(), m_framing.length - m_received));
            deliver(data.substr(0, take));
            if (m_received == m_framing.length) return succeed();
            break;
        }
        case Framing::Kind::Chunked: {
            std::string decoded;
            m_chunked->feed(data, decoded);
            if (const auto& f = m_chunked->failure()) {
                if (f->status == 413) return too_large();
                return fail(Why::Malformed, "not an HTTP answer (" + f->reason + ")");
            }
            deliver(decoded);
            if (m_chunked->done()) return succeed();
            break;
        }
        case Framing::Kind::UntilClose:
            if (m_received + data.size() > m_options.max_response) return too_large();
            deliver(data);
            break;
        case Framing::Kind::None:
            return succeed();
        }
        if (!m_finished) read();
    }

    void deliver(std::string_view piece) {
        m_received += piece.size();
        if (piece.empty()) return;
        if (!m_options.sink) {
            m_answer.body.append(piece);
        } else if (!m_options.sink(piece)) {
            m_answer.complete = false;
            succeed();
        }
    }

    void too_large() {
        fail(Why::TooLarge, "the answer is larger than " + size_text(m_options.max_response));
    }

    void arm(double s, Why why, std::string detail) {
        ++m_timer_generation;
        m_timer.expires_after(to_duration(s));
        m_timer.async_wait([self = shared_from_this(), gen = m_timer_generation, why,
                            detail = std::move(detail)](std::error_code ec) {
            if (ec || gen != self->m_timer_generation) return;
            self->fail(why, detail);
        });
    }

    void succeed() { end(std::nullopt); }
    void fail(Why why, const std::string& detail) { end(std::make_pair(why, detail)); }

    void end(std::optional<std::pair<Why, std::string>> failure) {
        if (m_finished) return;
        m_finished = true;
        ++m_timer_generation;
        std::error_code ec;
        m_timer.cancel();
        m_deadline.cancel();
        m_resolver.cancel();
        m_socket.shutdown(tcp::socket::shutdown_both, ec);
        m_socket.close(ec);
        {
            std::lock_guard lock(m_mutex);
            m_failure = std::move(failure);
            m_done = true;
        }
        m_done_cv.notify_all();
    }

    detail::ClientCore& m_core;
    asio::strand<asio::io_context::executor_type> m_strand;
    tcp::resolver m_resolver;
    tcp::socket m_socket;
    std::unique_ptr<asio::ssl::stream<tcp::socket&>> m_tls;
    asio::steady_timer m_timer;
    asio::steady_timer m_deadline;
    std::uint64_t m_timer_generation = 0;
    Url m_url;
    std::string m_method;
    std::string m_request;
    CallOptions m_options;
    std::array<char, k_read_chunk> m_buffer{};
    std::string m_in;
    bool m_head_done = false;
    Framing m_framing;
    std::optional<ChunkedDecoder> m_chunked;
    std::uint64_t m_received = 0;
    bool m_finished = false;

    std::mutex m_mutex;
    std::condition_variable m_done_cv;
    bool m_done = false;
    Answer m_answer;
    std::optional<std::pair<Why, std::string>> m_failure;
};

std::string request_text(const Url& url, std::string_view method, std::string_view endpoint,
                         std::string_view body, const CallOptions& o) {
    std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    if (url.port != (url.scheme == "https" ? 443 : 80)) host += ":" + std::to_string(url.port);
    std::string text = std::string(method) + " " + url.path_of(endpoint) + " HTTP/1.1\r\n";
    text += "Host: " + host + "\r\n";
    text += "User-Agent: chainctl/" CHAINCTL_VERSION "\r\n";
    if (!o.headers.find("Accept")) text += "Accept: */*\r\n";
    text += "Connection: close\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") {
        text += "Content-Type: " + o.content_type + "\r\n";
        text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    for (const auto& [name, value] : o.headers)
        text += name + ": " + value + "\r\n";
    text += "\r\n";
    text += body;
    return text;
}

} // namespace

Client::Client() : m(std::make_shared<detail::ClientCore>()) {}

Client::~Client() = default;

Answer Client::request(const Url& url, std::string_view method, std::string_view endpoint,
                       std::string_view body, const CallOptions& options) {
    for (const auto& [name, value] : options.headers)
        if (name.find_first_of("\r\n:") != std::string::npos ||
            value.find_first_of("\r\n") != std::string::npos)
            throw Error("invalid header for " + url.str() + ": " + name);
    auto call = std::make_shared<Call>(*m, url, std::string(method),
                                       request_text(url, method, endpoint, body, options), options);
    io::CancelCallback cancel(options.cancel, [call] { call->abort(Why::Cancelled, "cancelled"); });
    call->start();
    return call->wait();
}

} // namespace chain::http
