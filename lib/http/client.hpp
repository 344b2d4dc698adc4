#pragma once
// The one HTTP client of chainctl, on standalone Asio. A call blocks its caller but is bounded
// everywhere: connecting (DNS included), each wait for more of the answer, optionally the whole
// call, and the answer's size. A call can be cancelled from another thread (io::Cancellation):
// the caller stops waiting at once. Every failure to get a whole answer is an http::Unreachable
// saying which kind it was; any HTTP status is returned as it is.

#include "http/failure.hpp"
#include "http/message.hpp"
#include "http/url.hpp"
#include "io/cancellation.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace chain::http {

namespace detail {
struct ClientCore;
}

struct CallOptions {
    double connect_timeout_s = 2; // to resolve the name and connect (and the TLS handshake)
    double read_timeout_s = 10;   // the longest silence while the answer is awaited or arrives
    double deadline_s = 0;        // the whole call; 0: no limit beyond the others
    std::size_t max_response = std::size_t{1} << 20; // bytes of body kept (or passed to sink)
    const io::Cancellation* cancel = nullptr;
    Headers headers;                               // sent with the request
    std::string content_type = "application/json"; // of a request body
    /// When set, the answer's body is handed over piece by piece instead of being kept
    /// (a chain straight into a file); max_response still applies. Returning false ends the
    /// call there, successfully, with Answer::complete false (a caller that only needed the
    /// start of a large body).
    std::function<bool(std::string_view piece)> sink;
};

struct Answer {
    int status = 0;
    Headers headers;
    std::string body;
    bool complete = true; // false when a sink stopped the body early

    std::string content_type() const { return headers.get("Content-Type"); }
    bool is_json() const { return content_type().starts_with("application/json"); }
    /// The reason of an error status: the "error" of a JSON body, else the body's first line
    /// without HTML tags, shortened.
    std::string reason() const;
};

class Client {
public:
    /// Starts the client's network thread.
    Client();
    /// Cancels calls in progress and stops the thread.
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    /// One request to url's path joined with endpoint (Url::path_of). Safe from many threads.
    /// Throws Unreachable when no whole answer arrives.
    Answer request(const Url& url, std::string_view method, std::string_view endpoint,
                   std::string_view body = {}, const CallOptions& options = {});

private:
    std::shared_ptr<detail::ClientCore> m;
};

/// "1 MiB", "64 KiB", "300 bytes": a size limit as people read it.
std::string size_text(std::size_t bytes);

} // namespace chain::http
