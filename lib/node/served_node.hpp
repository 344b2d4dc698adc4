#pragma once
// A node serving a repository, started with one call: the repository is opened (or created),
// claimed for this node (store::ServeMarker, so there is never a second writer), loaded, bound
// and served; its URL, pid and id are published in .chainctl/node.json. `chainctl node serve`
// and in-process tests start nodes this way; the network lab starts `chainctl node serve`
// processes, which do the same.

#include "node/events.hpp"
#include "node/node.hpp"
#include "node/node_state.hpp"
#include "store/repository.hpp"
#include "store/serve_marker.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace chain::node {

class ServedNode {
public:
    /// Opens the repository at directory, creating it first if create_if_missing and there is
    /// none, and starts serving it. Throws chain::Error when it cannot (another node serves it,
    /// the port is taken, the chain is damaged).
    static std::unique_ptr<ServedNode> start(const std::filesystem::path& directory,
                                             NodeOptions options, bool create_if_missing = true);
    ~ServedNode();
    ServedNode(const ServedNode&) = delete;
    ServedNode& operator=(const ServedNode&) = delete;

    std::string url() const { return m_node->local_url(); }
    const std::string& id() const { return m_node->id(); }
    const store::Repository& repository() const { return m_repo; }
    /// {"url", "pid", "id", "repository", "start_time"}: what `node serve --json` prints first and
    /// .chainctl/node.json holds, the contract by which other processes find a running node.
    json::Value handshake() const;
    /// Whether start() created the repository.
    bool created() const { return m_created; }
    Node& node() { return *m_node; }
    NodeState& state() { return *m_state; }

    /// Stops the node (answers in flight finish). Safe from any thread.
    void stop() { m_node->stop(); }
    /// Returns once stopped.
    void wait() { m_node->wait(); }

private:
    ServedNode(store::Repository repo, store::ServeMarker marker, bool created)
        : m_repo(std::move(repo)), m_marker(std::move(marker)), m_created(created) {}

    store::Repository m_repo;
    store::ServeMarker m_marker;
    bool m_created;
    EventBus m_events;
    std::unique_ptr<NodeState> m_state;
    std::unique_ptr<Node> m_node;
};

} // namespace chain::node
