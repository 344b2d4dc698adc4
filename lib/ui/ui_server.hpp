#pragma once
// chainctl ui serve: the reference lab's "decentralized content sharing" page, embedded. It serves
// the page and a small JSON API that the page calls on the same origin:
//
//   GET  /api/state  the node in use, whether it answers, the chain height, peers, the pending
//                    transactions and the posts (newest first, each with its block and hash)
//   POST /api/post   {"author", "content"}: sent to the node's /new_transaction
//   POST /api/mine   asks the node to mine; returns its answer
//   POST /submit     the reference web client's form (author, content), answered with a
//                    redirect to the page, as that client does
//
// Only the page's own origin may use it: a request for a Host the server was not told about is
// refused (DNS rebinding), and so is a POST that a browser says comes from another origin.
// Requests without an Origin (curl, lab scripts) are allowed.
//
// Every response carries a strict Content-Security-Policy: scripts and styles only from the
// server itself, no inline script, nothing from elsewhere.

#include "http/router.hpp"
#include "http/server.hpp"
#include "io/cancellation.hpp"
#include "ui/node_pool.hpp"

#include "json/value.hpp"
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace chain::ui {

struct UiOptions {
    std::vector<std::string> nodes;
    std::string host = "127.0.0.1";
    int port = 5000; // 0: any free port
    double node_timeout_s = 2;
    /// Host names (besides IP literals, localhost and host) the page answers to: a request for
    /// any other name is refused, so that a DNS rebinding attack cannot reach it.
    std::vector<std::string> allowed_hosts;
    std::function<void(const std::string&)> log;
};

class UiServer {
public:
    explicit UiServer(UiOptions options);
    ~UiServer();
    UiServer(const UiServer&) = delete;
    UiServer& operator=(const UiServer&) = delete;

    /// Listens; throws chain::Error when it cannot. Returns the port.
    int bind();
    /// "http://127.0.0.1:5000/", "http://[::1]:5000/".
    std::string local_url() const;
    /// Serves until stop().
    void serve();
    void stop();

    /// The /api/state document.
    std::string state_json();
    /// A post sent to the node in use: 201, 400 (not a transaction, or refused), 502 (no node).
    http::Response post(const json::Value& author, const json::Value& content);

private:
    void install_routes();
    /// Why a request may not be answered (a foreign Host, or a POST from a foreign Origin), or
    /// nothing.
    std::optional<std::string> refusal(const http::Request& request,
                                       const http::Route& route) const;

    UiOptions m_options;
    io::Cancellation m_stopping; // stops every call to a node at once when the server stops
    NodePool m_pool;
    http::Router m_router;
    http::Server m_server;
};

/// The page's view of a chain: its posts, newest first, each {"author", "content", "timestamp",
/// "block", "hash"}; author and content as text even when a client stored something else.
json::Value posts_of(const json::Array& blocks);

} // namespace chain::ui
