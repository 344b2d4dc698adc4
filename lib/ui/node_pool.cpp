#include "ui/node_pool.hpp"

#include "error.hpp"
#include "http/failure.hpp"

namespace chain::ui {

NodePool::NodePool(const std::vector<std::string>& urls, node::NodeClientOptions options,
                   double recheck_s)
    : m_options(std::move(options)), m_recheck_s(recheck_s) {
    if (urls.empty()) throw Error("give at least one node with --node URL");
    for (const std::string& url : urls)
        m_nodes.push_back(http::parse_url(url).str());
    m_state.assign(m_nodes.size(), NodeStatus::State::Untried);
    m_version.assign(m_nodes.size(), 0);
    if (m_recheck_s > 0) m_recheck = std::thread([this] { recheck_loop(); });
}

NodePool::~NodePool() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    m_cancel.cancel();
    if (m_recheck.joinable()) m_recheck.join();
}

void NodePool::recheck_loop() {
    std::unique_lock lock(m_mutex);
    const auto every = std::chrono::duration<double>(m_recheck_s);
    while (!m_cv.wait_for(lock, every, [&] { return m_stopping; })) {
        std::vector<std::pair<std::size_t, std::uint64_t>> down; // node, version when seen down
        for (std::size_t i = 0; i < m_nodes.size(); ++i)
            if (m_state[i] == NodeStatus::State::Down) down.emplace_back(i, m_version[i]);
        lock.unlock();
        node::NodeClientOptions options = m_options;
        options.cancel = &m_cancel;
        for (auto [i, seen] : down) {
            if (m_cancel.cancelled()) break;
            bool up = false;
            try {
                node::NodeClient client(m_client, m_nodes[i], options);
                client.length(); // /health of a chainctl node, the start of a reference's /chain
                up = true;
            } catch (const http::Unreachable&) {
            } catch (const std::exception&) {
                up = true; // it answered, if strangely
            }
            std::lock_guard relock(m_mutex);
            if (up && !m_cancel.cancelled() && m_version[i] == seen)
                set_state(i, NodeStatus::State::Up);
        }
        lock.lock();
    }
}

// Called with m_mutex held.
void NodePool::set_state(std::size_t i, NodeStatus::State state) {
    m_state[i] = state;
    ++m_version[i];
}

std::string NodePool::with_node(const std::function<void(node::NodeClient&)>& f,
                                double read_timeout_s) {
    node::NodeClientOptions options = m_options;
    if (read_timeout_s > 0) options.read_timeout_s = read_timeout_s;
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
            node::NodeClient client(m_client, m_nodes[i], options);
            f(client);
            std::lock_guard lock(m_mutex);
            set_state(i, NodeStatus::State::Up);
            m_current = i;
            return m_nodes[i];
        } catch (const http::Unreachable& e) {
            std::lock_guard lock(m_mutex);
            set_state(i, NodeStatus::State::Down);
            failures += failures.empty() ? e.what() : std::string("; ") + e.what();
        } catch (...) {
            // It answered (with a refusal or something unreadable): it is up.
            std::lock_guard lock(m_mutex);
            set_state(i, NodeStatus::State::Up);
            m_current = i;
            throw;
        }
    }
    throw Error("no node answered: " + failures);
}

std::string NodePool::current() const {
    std::lock_guard lock(m_mutex);
    return m_nodes[m_current];
}

std::vector<NodeStatus> NodePool::status() const {
    std::lock_guard lock(m_mutex);
    std::vector<NodeStatus> out;
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        out.push_back({m_nodes[i], m_state[i]});
    return out;
}

} // namespace chain::ui
