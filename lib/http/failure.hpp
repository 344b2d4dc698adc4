#pragma once
// Typed HTTP failures, so that callers choose what to do (a status, a retry, a backoff) from the
// kind of failure and never from its text.

#include "error.hpp"

#include <string>
#include <string_view>

namespace chain::http {

/// An answer other than success with its one-line reason. A handler throws it to answer with
/// that status; a client of a node throws it when the node refused a request.
class StatusError : public Error {
public:
    StatusError(int status, const std::string& reason) : Error(reason), m_status(status) {}
    int status() const { return m_status; }

private:
    int m_status;
};

/// Bad input from the client: 400 with the reason.
class BadRequest : public StatusError {
public:
    explicit BadRequest(const std::string& reason) : StatusError(400, reason) {}
};

/// No (complete, acceptable) answer from a host. The message reads
/// "cannot reach http://127.0.0.1:8001/: connection refused".
class Unreachable : public Error {
public:
    enum class Why {
        Refused,        // nothing listens there (or it is down)
        NoRoute,        // no way to that host (network or host unreachable)
        UnknownHost,    // the name does not resolve
        ConnectTimeout, // no connection within the connect timeout (a blackholed host)
        ReadTimeout,    // connected, but the answer did not come in time
        Closed,         // the connection broke or was closed before a whole answer
        TooLarge,       // the answer is larger than the caller's limit
        Malformed,      // what came back is not HTTP
        Tls,            // the TLS handshake or certificate check failed
        Cancelled,      // the caller gave up (Ctrl-C)
    };
    Unreachable(Why why, const std::string& url, const std::string& detail)
        : Error("cannot reach " + url + ": " + detail), m_why(why), m_url(url) {}
    Why why() const { return m_why; }
    const std::string& url() const { return m_url; }
    /// Whether waiting longer could have helped: the host may be blackholed or overloaded (a
    /// gateway answers 504 rather than 502 then).
    bool timed_out() const { return m_why == Why::ConnectTimeout || m_why == Why::ReadTimeout; }

private:
    Why m_why;
    std::string m_url;
};

/// "connection refused", "connect timeout" ...: a short name of the kind, for logs and JSON.
std::string_view why_name(Unreachable::Why why);

} // namespace chain::http
