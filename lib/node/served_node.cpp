#include "node/served_node.hpp"

#include "http/url.hpp"
#include "proc/child_process.hpp"

#include <unistd.h>

namespace chain::node {

std::unique_ptr<ServedNode> ServedNode::start(const std::filesystem::path& directory,
                                              NodeOptions options, bool create_if_missing) {
    bool created = false;
    if (!store::Repository::exists_at(directory)) {
        if (!create_if_missing) store::Repository::open(directory); // throws, saying why
        store::Repository::init(directory, std::nullopt, http::try_normalize_peer_url);
        created = true;
    }
    store::Repository repo = store::Repository::open(directory);
    store::ServeMarker marker = store::ServeMarker::acquire(repo);
    std::unique_ptr<ServedNode> served(new ServedNode(repo, std::move(marker), created));
    served->m_state = std::make_unique<NodeState>(repo, served->m_events, options.state_limits);
    served->m_node = std::make_unique<Node>(*served->m_state, std::move(options));
    served->m_node->bind();
    served->m_node->start();
    served->m_marker.publish(served->handshake());
    return served;
}

json::Value ServedNode::handshake() const {
    json::Object info{{"url", url()},
                      {"pid", static_cast<std::int64_t>(::getpid())},
                      {"id", id()},
                      {"repository", m_repo.root().string()}};
    if (auto start = proc::Child::start_time_of(::getpid())) info.push_back({"start_time", *start});
    return json::Value(std::move(info));
}

ServedNode::~ServedNode() {
    if (m_node) {
        m_node->stop();
        m_node->wait();
    }
    m_node.reset();
    m_state.reset();
}

} // namespace chain::node
