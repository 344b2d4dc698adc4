#include "node/sync.hpp"

#include "http/failure.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <limits>

namespace chain::node {

namespace {} // namespace

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
        // However often rounds are asked for (a flood of blocks that do not fit), at most one
        // starts every min_gap.
        m_cv.wait_for(lock, std::chrono::duration<double>(m_options.min_gap_s),
                      [&] { return m_stopping; });
    }
}

std::optional<std::string> Syncer::run_once(const std::string& preferred) {
    std::vector<std::string> peers;
    for (const std::string& p : m_state.peers())
        if (!m_peers.is_self(p) && !m_peers.backed_off(p)) peers.push_back(p);
    if (!preferred.empty() && !m_peers.is_self(preferred) &&
        std::find(peers.begin(), peers.end(), preferred) == peers.end())
        peers.push_back(preferred);
    if (peers.empty()) return std::nullopt;

    // 1. How long is each chain? A few peers at a time, however many there are.
    std::vector<std::optional<std::size_t>> lengths(peers.size());
    auto length_of = [&](const std::string& peer) -> std::optional<std::size_t> {
        try {
            NodeClient client = m_client_for(peer, 0);
            if (auto health = client.health()) {
                m_peers.heard_health(peer, *health);
                return health->length;
            }
            std::size_t length = client.length();
            m_peers.heard_reference(peer, length);
            return length;
        } catch (const IsSelf&) {
            m_peers.mark_self(peer);
        } catch (const http::Unreachable& e) {
            m_peers.failed(peer, e.what());
            if (m_log) m_log("sync: " + std::string(e.what()));
        } catch (const std::exception& e) {
            m_peers.failed(peer, e.what());
            if (m_log) m_log("sync: " + peer + ": " + e.what());
        }
        return std::nullopt;
    };
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i; (i = next++) < peers.size();)
            lengths[i] = length_of(peers[i]);
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

    // 2. The longest first: downloaded into a file, checked, adopted; else the next.
    const std::size_t ours = m_state.summary().length;
    std::vector<std::pair<std::size_t, std::string>> longer;
    for (std::size_t i = 0; i < peers.size(); ++i)
        if (lengths[i] && *lengths[i] > ours) longer.emplace_back(*lengths[i], peers[i]);
    std::stable_sort(longer.begin(), longer.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    const std::filesystem::path incoming = m_state.repository().incoming_path("sync");
    for (const auto& [length, peer] : longer) {
        if (m_state.summary().length >= length) break; // another way already got this far
        std::optional<AdoptResult> r;
        try {
            NodeClient client = m_client_for(peer, m_options.read_timeout_s);
            client.chain_to_file(incoming, m_options.read_timeout_s);
            r = m_state.adopt_file(incoming, Source::of(Source::Kind::Sync, peer));
        } catch (const http::Unreachable& e) {
            m_peers.failed(peer, e.what());
            if (m_log) m_log("sync: " + std::string(e.what()));
        } catch (const std::exception& e) {
            if (m_log) m_log("sync: " + peer + ": " + e.what());
        }
        std::error_code ec;
        std::filesystem::remove(incoming, ec);
        if (!r) continue;
        if (r->adopted()) return peer;
        if (r->outcome == AdoptResult::Outcome::Invalid) {
            m_peers.failed(peer, "its chain is not valid: " + r->reason);
            if (m_log) m_log("sync: " + peer + " sent " + r->reason);
        }
    }
    return std::nullopt;
}

} // namespace chain::node
