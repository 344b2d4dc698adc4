#include "ui/node_pool.hpp"

#include "error.hpp"

namespace chain::ui {

NodePool::NodePool(const std::vector<std::string>& urls, http::HttpTimeouts timeouts)
    : m_timeouts(timeouts) {
    if (urls.empty()) throw Error("give at least one node with --node URL");
    for (const std::string& url : urls)
        m_nodes.push_back(http::parse_url(url));
    m_state.assign(m_nodes.size(), NodeStatus::State::Untried);
}

PoolAnswer NodePool::request(std::string_view method, std::string_view endpoint,
                             std::string_view body, double io_timeout_s) {
    http::HttpTimeouts timeouts = m_timeouts;
    if (io_timeout_s > 0) timeouts.io_s = io_timeout_s;
    std::size_t first;
    {
        std::lock_guard lock(m_mutex);
        first = m_current;
    }
    // The current node, then the others in the order they were given.
    std::vector<std::size_t> order{first};
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        if (i != first) order.push_back(i);
    std::string failures;
    for (std::size_t i : order) {
        try {
            http::HttpResponse r = http::http_request(m_nodes[i], method, endpoint, body,
                                                      {{"Accept", "application/json"}}, timeouts);
            std::lock_guard lock(m_mutex);
            m_state[i] = NodeStatus::State::Up;
            m_current = i;
            return {m_nodes[i].str(), std::move(r)};
        } catch (const Error& e) {
            std::lock_guard lock(m_mutex);
            m_state[i] = NodeStatus::State::Down;
            failures += failures.empty() ? e.what() : std::string("; ") + e.what();
        }
    }
    throw Error("no node answered: " + failures);
}

std::string NodePool::current() const {
    std::lock_guard lock(m_mutex);
    return m_nodes[m_current].str();
}

std::vector<NodeStatus> NodePool::status() const {
    std::lock_guard lock(m_mutex);
    std::vector<NodeStatus> out;
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        out.push_back({m_nodes[i].str(), m_state[i]});
    return out;
}

} // namespace chain::ui
