#pragma once
// Calls to nodes over HTTP, with timeouts. Every failure to get an answer becomes one chain::Error
// naming the URL and the reason: "cannot reach http://127.0.0.1:8001/: connection refused".

#include "http/url.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chain::http {

struct HttpTimeouts {
    double connect_s = 2;
    double io_s = 10; // each read or write
};

struct HttpResponse {
    int status = 0;
    std::string body;
    std::string content_type;
    bool is_json() const { return content_type.starts_with("application/json"); }
    /// The node's reason for an error status: the "error" of a JSON body, else the body's first
    /// line without HTML tags, shortened.
    std::string reason() const;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::size_t k_default_max_response = std::size_t{1} << 30; // 1 GiB

/// One request to node (method "GET" or "POST"; endpoint relative to the node's URL). Throws
/// chain::Error when no answer arrives; any HTTP status is returned as it is.
HttpResponse http_request(const Url& node, std::string_view method, std::string_view endpoint,
                          std::string_view body = {}, const HttpHeaders& headers = {},
                          const HttpTimeouts& timeouts = {},
                          std::size_t max_response = k_default_max_response);

} // namespace chain::http
