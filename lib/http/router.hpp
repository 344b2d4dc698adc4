#pragma once
// A small router: a path and its methods map to a handler; any other method gets 405 with
// Allow, any other path 404, and an exception from a handler becomes a status with a one-line
// reason (StatusError: its own status; anything else: 500). The server asks the router before
// reading a body, so that a wrong method or path is answered at once.

#include "http/message.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chain::http {

/// Sends the answer to a request: call it exactly once, at once or later, from any thread.
using Respond = std::function<void(Response)>;
/// A route's handler. The request lives only during the call; copy what a later answer needs.
using Handler = std::function<void(const Request&, Respond)>;
/// A handler that answers at once.
using SimpleHandler = std::function<Response(const Request&)>;

/// Where the server runs a handler.
enum class Lane {
    Inline, // quick and never blocking (memory only): on the network thread itself
    Worker, // may block briefly on this machine's disk (an fsync): on the worker pool
    Slow,   // may wait on other hosts, within its own timeouts: on a small pool of its own
};

struct Route {
    std::string path;
    std::string method;
    Handler handler;
    Lane lane = Lane::Worker;
};

/// What the router makes of a method and path before the body is read.
struct Match {
    const Route* route = nullptr; // set when found
    int status = 200;             // 404, 405 otherwise
    std::string allow;            // for 405: "GET, HEAD, POST"
};

class Router {
public:
    /// Builds the answer to a failed request (a 4xx or 5xx and its one-line reason), in the form
    /// this server's clients expect. The default is text/plain.
    using ErrorFormat = std::function<Response(const Request&, int status, const std::string&)>;

    /// Adds a route. A GET route also answers HEAD. Paths match exactly, except that repeated
    /// slashes and one trailing slash are ignored (the reference node's clients send
    /// "//register_node").
    Router& add(std::string method, std::string path, Handler handler, Lane lane = Lane::Worker);
    Router& add(std::string method, std::string path, SimpleHandler handler,
                Lane lane = Lane::Worker);

    Match match(std::string_view method, std::string_view path) const;

    /// Routes and runs a whole request; respond gets the answer (errors included).
    void dispatch(const Request& request, Respond respond) const;
    /// Runs a matched route's handler, turning what it throws into an answer.
    void run(const Route& route, const Request& request, Respond respond) const;

    void set_error_format(ErrorFormat format) { m_error_format = std::move(format); }
    /// The answer for a failure, in this router's error format.
    Response error(const Request& request, int status, const std::string& reason) const;
    /// An error answer before the request could be read in full (no request to ask).
    Response error(int status, const std::string& reason) const;
    /// The answer for a matched 404 or 405.
    Response not_routed(const Request& request, const Match& match) const;

    /// Checked before every handler: an answer it returns is sent instead of running the
    /// handler (a request a server refuses whatever its route: a foreign Host or Origin, a
    /// node's own request come back).
    using Guard = std::function<std::optional<Response>(const Request&, const Route&)>;
    void set_guard(Guard guard) { m_guard = std::move(guard); }

    /// Called with the text of every 500 a handler caused (to log it).
    void on_internal_error(std::function<void(const std::string&)> log) {
        m_log_internal = std::move(log);
    }

private:
    std::map<std::string, std::vector<Route>, std::less<>> m_routes; // by normalised path
    ErrorFormat m_error_format;
    Guard m_guard;
    std::function<void(const std::string&)> m_log_internal;
};

/// The path with repeated slashes collapsed and a trailing slash dropped ("//chain/" -> "/chain").
std::string normalise_path(std::string_view path);

} // namespace chain::http
