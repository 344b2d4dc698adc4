#pragma once
// What chainctl's two HTTP servers (the node and the web page) share on top of cpp-httplib:
// listening without sharing the port, a one-line log per request, and the body-less POST that
// httplib refuses on its own.

#include <functional>
#include <string>

namespace httplib {
class Server;
struct Request;
} // namespace httplib

namespace chain::http {

/// Binds server to host:port (0: any free port) with TCP_NODELAY and SO_REUSEADDR but not
/// httplib's default SO_REUSEPORT, which would let a second server share the port silently.
/// Returns the port; throws chain::Error saying why it cannot listen.
int listen_on(httplib::Server& server, const std::string& host, int port);

/// Logs "METHOD PATH STATUS MS ms" for every request through log, if log is set.
void log_requests(httplib::Server& server, std::function<void(const std::string&)> log);

/// Whether httplib refused q only because it is a POST with neither Content-Length nor chunked
/// encoding: a request that HTTP/1.1 says has an empty body, and that curl -X POST sends.
bool is_bodyless_post(const httplib::Request& q);

} // namespace chain::http
