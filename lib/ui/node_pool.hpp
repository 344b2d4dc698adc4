#pragma once
// The nodes a ui server can use, in the order given. Requests go to the current node; when it
// cannot be reached, the others are tried in order and the first that answers becomes current,
// without a restart (in the reference lab, switching nodes meant editing the client's source).

#include "http/client.hpp"
#include "io/cancellation.hpp"
#include "node/node_client.hpp"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace chain::ui {

struct NodeStatus {
    std::string url;
    enum class State { Untried, Up, Down } state = State::Untried;
};

class NodePool {
public:
    /// Nodes found down are asked again every recheck_s seconds in the background, so the page
    /// shows their real state; the node in use stays the one in use while it answers.
    NodePool(const std::vector<std::string>& urls, node::NodeClientOptions options,
             double recheck_s = 2);
    ~NodePool();
    NodePool(const NodePool&) = delete;
    NodePool& operator=(const NodePool&) = delete;

    /// Calls f with a client for the current node, failing over to the others (in order) when
    /// it cannot be reached; any answer, even a refusal, counts as reached. Returns the URL of
    /// the node that answered. Throws chain::Error naming every node tried when none answers.
    std::string with_node(const std::function<void(node::NodeClient&)>& f,
                          double read_timeout_s = 0);

    std::string current() const;
    std::vector<NodeStatus> status() const;

private:
    void recheck_loop();
    void set_state(std::size_t i, NodeStatus::State state);

    http::Client m_client;
    std::vector<std::string> m_nodes;
    node::NodeClientOptions m_options;
    mutable std::mutex m_mutex;
    std::size_t m_current = 0;
    std::vector<NodeStatus::State> m_state;
    // Bumped at every change of a node's state: a recheck that started before a change does not
    // overwrite what a request learned meanwhile.
    std::vector<std::uint64_t> m_version;
    io::Cancellation m_cancel; // ends a recheck in flight when the pool is destroyed
    double m_recheck_s;
    std::condition_variable m_cv;
    bool m_stopping = false;
    std::thread m_recheck;
};

} // namespace chain::ui
