#include "node/sync.hpp"

#include "http/failure.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>

namespace chain::node {

namespace {

struct Candidate {
    std::string peer;
    std::string text;
    std::size_t length = 0;
};

} // namespace

Syncer::Syncer(NodeState& state, PeerBook& peers, ClientFor client_for, SyncOptions options,
               std::function<void(const std::string&)> log)
    : m_state(state), m_peers(peers), m_client_for(std::move(client_for)), m_options(options),
      m_log(std::move(log)) {}

Syncer::~Syncer() {
    stop();
}

void Syncer::start() {
    m_thread = std::thread([this] { loop(); });
}

void Syncer::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void Syncer::request(const std::string& preferred) {
    {
        std::lock_guard lock(m_mutex);
        m_requested = true;
        if (!preferred.empty()) m_preferred = preferred;
    }
    m_cv.notify_all();
}

void Syncer::loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (m_options.interval_s > 0)
            m_cv.wait_for(lock, std::chrono::duration<double>(m_options.interval_s),
                          [&] { return m_stopping || m_requested; });
        else
            m_cv.wait(lock, [&] { return m_stopping || m_requested; });
        if (m_stopping) return;
        std::string preferred = std::move(m_preferred);
        m_preferred.clear();
        m_requested = false;
        lock.unlock();
        try {
            run_once(preferred);
        } catch (const std::exception& e) {
            if (m_log) m_log(std::string("sync failed: ") + e.what());
        }
        lock.lock();
    }
}

std::optional<std::string> Syncer::run_once(const std::string& preferred) {
    std::vector<std::string> peers;
    for (const std::string& p : m_state.peers())
        if (!m_peers.is_self(p)) peers.push_back(p);
    if (!preferred.empty() && !m_peers.is_self(preferred) &&
        std::find(peers.begin(), peers.end(), preferred) == peers.end())
        peers.push_back(preferred);
    if (peers.empty()) return std::nullopt;

    const std::size_t ours = m_state.summary().length;
    // A peer's chain if it may be longer than ours; nothing otherwise or when it fails.
    auto fetch = [&](const std::string& peer) -> std::optional<Candidate> {
        try {
            NodeClient client = m_client_for(peer, m_options.read_timeout_s);
            if (auto health = client.health()) {
                m_peers.heard_health(peer, *health);
                if (health->length <= ours) return std::nullopt;
            }
            std::string text = client.chain_text(m_options.read_timeout_s);
            m_peers.answered(peer);
            std::size_t length =
                leading_length(text).value_or(std::numeric_limits<std::size_t>::max());
            if (client.kind() == NodeKind::Reference)
                m_peers.heard_reference(peer, leading_length(text));
            if (length <= ours) return std::nullopt;
            return Candidate{peer, std::move(text), length};
        } catch (const IsSelf&) {
            m_peers.mark_self(peer);
        } catch (const http::Unreachable& e) {
            m_peers.failed(peer, e.what());
            if (m_log) m_log("sync: " + std::string(e.what()));
        } catch (const std::exception& e) {
            if (m_log) m_log("sync: " + peer + ": " + e.what());
        }
        return std::nullopt;
    };

    // A few peers at a time, however many there are.
    std::vector<std::optional<Candidate>> found(peers.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i; (i = next++) < peers.size();)
            found[i] = fetch(peers[i]);
    };
    {
        std::vector<std::thread> workers;
        const std::size_t n = std::min<std::size_t>(std::max(1u, m_options.parallel), peers.size());
        try {
            for (std::size_t i = 1; i < n; ++i)
                workers.emplace_back(work);
        } catch (const std::system_error&) {
            // No more threads to be had: the ones started (and this one) do the rest.
        }
        work();
        for (std::thread& t : workers)
            t.join();
    }

    std::vector<Candidate> candidates;
    for (auto& c : found)
        if (c) candidates.push_back(std::move(*c));
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.length > b.length; });
    for (const Candidate& c : candidates) {
        AdoptResult r = m_state.adopt(c.text, Source{Source::Kind::Sync, c.peer, ""});
        if (r.adopted()) return c.peer;
        if (r.outcome == AdoptResult::Outcome::Invalid) {
            m_peers.failed(c.peer, "its chain is not valid: " + r.reason);
            if (m_log) m_log("sync: " + c.peer + " sent " + r.reason);
        }
    }
    return std::nullopt;
}

} // namespace chain::node
