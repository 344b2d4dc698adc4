#include "http/router.hpp"

#include "http/failure.hpp"

#include <atomic>
#include <memory>

namespace chain::http {

std::string normalise_path(std::string_view path) {
    std::string out;
    out.reserve(path.size());
    for (char c : path) {
        if (c == '/' && !out.empty() && out.back() == '/') continue;
        out += c;
    }
    if (out.size() > 1 && out.back() == '/') out.pop_back();
    if (out.empty()) out = "/";
    return out;
}

Router& Router::add(std::string method, std::string path, Handler handler, Lane lane) {
    std::string key = normalise_path(path);
    m_routes[key].push_back(Route{std::move(path), std::move(method), std::move(handler), lane});
    return *this;
}

Router& Router::add(std::string method, std::string path, SimpleHandler handler, Lane lane) {
    return add(std::move(method), std::move(path),
               Handler([handler = std::move(handler)](const Request& q, Respond respond) {
                   respond(handler(q));
               }),
               lane);
}

Match Router::match(std::string_view method, std::string_view path) const {
    Match m;
    auto it = m_routes.find(normalise_path(path));
    if (it == m_routes.end()) {
        m.status = 404;
        return m;
    }
    for (const Route& r : it->second)
        if (r.method == method || (method == "HEAD" && r.method == "GET")) {
            m.route = &r;
            return m;
        }
    bool get = false;
    std::string others;
    for (const Route& r : it->second) {
        if (r.method == "GET") get = true;
        if (r.method != "GET") others += (others.empty() ? "" : ", ") + r.method;
    }
    m.allow = get ? "GET, HEAD" : "";
    if (!others.empty()) m.allow += (m.allow.empty() ? "" : ", ") + others;
    m.status = 405;
    return m;
}

Response Router::error(const Request& request, int status, const std::string& reason) const {
    Response r =
        m_error_format ? m_error_format(request, status, reason) : Response::text(status, reason);
    r.status = status;
    return r;
}

Response Router::error(int status, const std::string& reason) const {
    Request none;
    return error(none, status, reason);
}

Response Router::not_routed(const Request& request, const Match& match) const {
    if (match.status == 404)
        return error(request, 404, "no such endpoint: " + request.method + " " + request.path);
    Response r = error(request, 405,
                       request.method + " is not allowed on " + normalise_path(request.path) +
                           "; use " + match.allow);
    r.headers.set("Allow", match.allow);
    return r;
}

void Router::run(const Route& route, const Request& request, Respond respond) const {
    // The handler may answer and then throw, or throw after handing respond to someone else;
    // only the first answer counts.
    auto answered = std::make_shared<std::atomic<bool>>(false);
    Respond once = [answered, respond](Response r) {
        if (answered->exchange(true)) return;
        respond(std::move(r));
    };
    try {
        if (m_guard)
            if (std::optional<Response> refusal = m_guard(request, route))
                return once(std::move(*refusal));
        route.handler(request, once);
    } catch (const StatusError& e) {
        once(error(request, e.status(), e.what()));
    } catch (const std::exception& e) {
        if (m_log_internal) m_log_internal(std::string("internal error: ") + e.what());
        once(error(request, 500, std::string("internal error: ") + e.what()));
    }
}

void Router::dispatch(const Request& request, Respond respond) const {
    Match m = match(request.method, request.path);
    if (!m.route) return respond(not_routed(request, m));
    run(*m.route, request, std::move(respond));
}

} // namespace chain::http
