#include "node/peer_book.hpp"

#include "ledger/block.hpp"

#include <algorithm>

namespace chain::node {

double PeerBook::now() {
    return ledger::now_seconds();
}

PeerInfo PeerBook::get(const std::string& url) const {
    std::lock_guard lock(m_mutex);
    auto it = m_peers.find(url);
    if (it != m_peers.end()) return it->second;
    PeerInfo info;
    info.url = url;
    return info;
}

std::vector<PeerInfo> PeerBook::all() const {
    std::lock_guard lock(m_mutex);
    std::vector<PeerInfo> out;
    out.reserve(m_peers.size());
    for (const auto& [url, info] : m_peers)
        out.push_back(info);
    return out;
}

void PeerBook::answered(const std::string& url) {
    std::lock_guard lock(m_mutex);
    PeerInfo& p = m_peers[url];
    p.url = url;
    p.reachable = true;
    p.failures = 0;
    p.last_error.clear();
    p.last_seen = now();
}

void PeerBook::failed(const std::string& url, const std::string& why) {
    std::lock_guard lock(m_mutex);
    PeerInfo& p = m_peers[url];
    p.url = url;
    p.reachable = false;
    ++p.failures;
    p.last_error = why;
    p.retry_at = now() + static_cast<double>(1u << std::min(p.failures - 1, 6u));
    if (p.retry_at - now() > 60) p.retry_at = now() + 60;
}

bool PeerBook::backed_off(const std::string& url) const {
    std::lock_guard lock(m_mutex);
    auto it = m_peers.find(url);
    return it != m_peers.end() && !it->second.reachable && now() < it->second.retry_at;
}

bool PeerBook::start_probe(const std::string& url) {
    std::lock_guard lock(m_mutex);
    PeerInfo& p = m_peers[url];
    p.url = url;
    if (p.self || p.probing || now() < p.retry_at) return false;
    p.probing = true;
    return true;
}

void PeerBook::end_probe(const std::string& url, double after) {
    std::lock_guard lock(m_mutex);
    PeerInfo& p = m_peers[url];
    p.probing = false;
    if (p.reachable) p.retry_at = now() + after;
}

std::optional<std::pair<std::string, std::size_t>> PeerBook::longest() const {
    std::lock_guard lock(m_mutex);
    std::optional<std::pair<std::string, std::size_t>> best;
    for (const auto& [url, p] : m_peers)
        if (!p.self && p.reachable && p.length && (!best || *p.length > best->second))
            best = std::make_pair(url, *p.length);
    return best;
}

void PeerBook::heard_health(const std::string& url, const Health& health) {
    std::lock_guard lock(m_mutex);
    PeerInfo& p = m_peers[url];
    p.url = url;
    p.kind = NodeKind::Chainctl;
    p.id = health.id;
    p.length = health.length;
    p.tip = health.tip;
    p.reachable = true;
    p.failures = 0;
    p.last_error.clear();
    p.last_seen = now();
}

void PeerBook::heard_reference(const std::string& url, std::optional<std::size_t> length) {
    std::lock_guard lock(m_mutex);
    PeerInfo& p = m_peers[url];
    p.url = url;
    p.kind = NodeKind::Reference;
    if (length) p.length = length;
    p.reachable = true;
    p.failures = 0;
    p.last_error.clear();
    p.last_seen = now();
}

void PeerBook::heard_length(const std::string& url, std::size_t length, const std::string& tip) {
    std::lock_guard lock(m_mutex);
    PeerInfo& p = m_peers[url];
    p.url = url;
    if (!p.length || *p.length < length) {
        p.length = length;
        if (!tip.empty()) p.tip = tip;
    }
}

void PeerBook::mark_self(const std::string& url) {
    std::lock_guard lock(m_mutex);
    PeerInfo& p = m_peers[url];
    p.url = url;
    p.self = true;
}

void PeerBook::forget(const std::string& url) {
    std::lock_guard lock(m_mutex);
    m_peers.erase(url);
}

bool PeerBook::is_self(const std::string& url) const {
    std::lock_guard lock(m_mutex);
    auto it = m_peers.find(url);
    return it != m_peers.end() && it->second.self;
}

std::optional<std::string> PeerBook::url_of_id(const std::string& id) const {
    if (id.empty()) return std::nullopt;
    std::lock_guard lock(m_mutex);
    for (const auto& [url, info] : m_peers)
        if (info.id == id) return url;
    return std::nullopt;
}

} // namespace chain::node
