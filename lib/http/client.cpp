#include "http/client.hpp"

#include "error.hpp"

#include "json/parse.hpp"
#include <httplib.h>
#include <netdb.h>

namespace chain::http {

namespace {

template <typename Seconds>
void set_timeout(Seconds seconds, auto&& setter) {
    auto whole = static_cast<time_t>(seconds);
    setter(whole, static_cast<time_t>((seconds - static_cast<double>(whole)) * 1e6));
}

bool resolves(const std::string& host) {
    addrinfo* result = nullptr;
    int rc = ::getaddrinfo(host.c_str(), nullptr, nullptr, &result);
    if (result) ::freeaddrinfo(result);
    return rc == 0;
}

std::string describe(httplib::Error error, const Url& node, const HttpTimeouts& t,
                     std::size_t max) {
    char seconds[32];
    switch (error) {
    case httplib::Error::Connection:
        return resolves(node.host) ? "connection refused" : "unknown host " + node.host;
    case httplib::Error::ConnectionTimeout:
        std::snprintf(seconds, sizeof seconds, "%g", t.connect_s);
        return std::string("no connection after ") + seconds + " s";
    case httplib::Error::Read:
        std::snprintf(seconds, sizeof seconds, "%g", t.io_s);
        return std::string("no answer (connection closed, or nothing for ") + seconds + " s)";
    case httplib::Error::Write:
        return "the connection broke while sending the request";
    case httplib::Error::Canceled:
        return "the answer is larger than " + std::to_string(max >> 20) + " MiB";
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLServerVerification:
    case httplib::Error::SSLLoadingCerts:
        return "TLS failed (" + httplib::to_string(error) + ")";
    default:
        return httplib::to_string(error);
    }
}

} // namespace

std::string HttpResponse::reason() const {
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
    if (text.size() > 200) text = text.substr(0, 197) + "...";
    return text;
}

HttpResponse http_request(const Url& node, std::string_view method, std::string_view endpoint,
                          std::string_view body, const HttpHeaders& headers,
                          const HttpTimeouts& timeouts, std::size_t max_response) {
    httplib::Client client(node.origin());
    set_timeout(timeouts.connect_s,
                [&](time_t s, time_t us) { client.set_connection_timeout(s, us); });
    set_timeout(timeouts.io_s, [&](time_t s, time_t us) { client.set_read_timeout(s, us); });
    set_timeout(timeouts.io_s, [&](time_t s, time_t us) { client.set_write_timeout(s, us); });
    client.set_keep_alive(false);
    client.set_tcp_nodelay(true);
    httplib::Headers hs;
    for (const auto& [k, v] : headers)
        hs.emplace(k, v);
    const std::string path = node.path_of(endpoint);

    HttpResponse out;
    std::string received;
    httplib::Result result =
        method == "GET" ? client.Get(
                              path, hs,
                              [&](const httplib::Response& head) {
                                  // One allocation for the whole body, not a doubling series.
                                  std::size_t length = std::strtoull(
                                      head.get_header_value("Content-Length").c_str(), nullptr, 10);
                                  if (length > 0 && length <= max_response)
                                      received.reserve(length);
                                  return true;
                              },
                              [&](const char* data, std::size_t length) {
                                  if (received.size() + length > max_response) return false;
                                  received.append(data, length);
                                  return true;
                              })
                        : client.Post(path, hs, std::string(body), "application/json");
    if (!result)
        throw Error("cannot reach " + node.str() + ": " +
                    describe(result.error(), node, timeouts, max_response));
    out.status = result->status;
    out.body = method == "GET" ? std::move(received) : std::move(result->body);
    out.content_type = result->get_header_value("Content-Type");
    return out;
}

} // namespace chain::http
