#pragma once
// The nodes a ui server can use, in the order given. Requests go to the current node; when it
// cannot be reached, the others are tried in order and the first that answers becomes current,
// without a restart (in the reference lab, switching nodes meant editing the client's source).

#include "http/client.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace chain::ui {

struct NodeStatus {
    std::string url;
    enum class State { Untried, Up, Down } state = State::Untried;
};

struct PoolAnswer {
    std::string node; // the node that answered
    http::HttpResponse response;
};

class NodePool {
public:
    NodePool(const std::vector<std::string>& urls, http::HttpTimeouts timeouts);

    /// Sends the request to the current node, failing over to the others when it cannot be
    /// reached. Any HTTP answer counts as reached. Throws chain::Error naming every node tried
    /// when none answers.
    PoolAnswer request(std::string_view method, std::string_view endpoint,
                       std::string_view body = {}, double io_timeout_s = 0);

    std::string current() const;
    std::vector<NodeStatus> status() const;

private:
    std::vector<http::Url> m_nodes;
    http::HttpTimeouts m_timeouts;
    mutable std::mutex m_mutex;
    std::size_t m_current = 0;
    std::vector<NodeStatus::State> m_state;
};

} // namespace chain::ui
