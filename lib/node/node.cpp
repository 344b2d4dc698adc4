#include "node/node.hpp"

#include "error.hpp"
#include "http/failure.hpp"
#include "io/file_io.hpp"
#include "ledger/block.hpp"
#include "ledger/chain_file.hpp"
#include "node/routes.hpp"

#include "json/write.hpp"
#include <random>

namespace chain::node {

namespace {

constexpr unsigned k_peer_call_threads = 8;
// A reference node is probed five times less often than a chainctl node, and at most once a
// second: reading the start of its /chain makes it serialise its whole chain.
constexpr double k_min_reference_probe_s = 1.0;
constexpr std::size_t k_peer_call_queue = 10000;

http::ServerOptions server_options(const NodeOptions& o) {
    http::ServerOptions s;
    s.host = o.host;
    s.port = o.port;
    s.limits = o.http_limits;
    s.log = o.log;
    return s;
}

std::string describe_event(const Event& e) {
    if (const auto* b = std::get_if<BlockAppended>(&e.data))
        return "block #" + std::to_string(b->height) + " " + b->hash.substr(0, 12) + " added (" +
               std::string(source_name(b->source.kind)) +
               (b->source.peer.empty() ? "" : " from " + b->source.peer) + ")";
    if (const auto* a = std::get_if<ChainAdopted>(&e.data))
        return "adopted a chain of " + std::to_string(a->new_length) + " blocks" +
               (a->source.peer.empty() ? "" : " from " + a->source.peer) +
               " (it parts from ours at #" + std::to_string(a->fork_point) + "; " +
               std::to_string(a->orphaned.size()) + " of our blocks orphaned, " +
               std::to_string(a->returned_to_pending) + " transactions pending again)";
    if (const auto* p = std::get_if<PeersChanged>(&e.data)) {
        std::string line = "peers: " + std::to_string(p->count);
        for (const std::string& a : p->added)
            line += ", added " + a;
        for (const std::string& r : p->removed)
            line += ", removed " + r;
        return line;
    }
    if (const auto* g = std::get_if<Gap>(&e.data))
        return "log: " + std::to_string(g->missed) + " events not shown (too many at once)";
    return {};
}

} // namespace

std::string new_node_id() {
    std::random_device device;
    std::uniform_int_distribution<std::uint64_t> any;
    std::uint64_t value = (static_cast<std::uint64_t>(device()) << 32) ^ device() ^ any(device);
    static const char* const hex = "0123456789abcdef";
    std::string id(16, '0');
    for (int i = 15; i >= 0; --i, value >>= 4)
        id[static_cast<std::size_t>(i)] = hex[value & 15];
    return id;
}

Node::Node(NodeState& state, NodeOptions options)
    : m_state(state), m_options(std::move(options)), m_id(new_node_id()),
      m_peer_calls(k_peer_call_threads, k_peer_call_queue),
      m_miner(state, m_options.mining_threads, m_options.log),
      m_gossip(
          state, m_peers, m_peer_calls,
          [this](const std::string& url, double t) { return client_for(url, t); }, m_options.log),
      m_syncer(
          state, m_peers, [this](const std::string& url, double t) { return client_for(url, t); },
          SyncOptions{m_options.sync_interval_s, 60, 8}, m_options.log),
      m_server(m_router, server_options(m_options)) {
    install_routes(m_router, *this);
    m_router.on_internal_error([this](const std::string& line) { log(line); });
    m_miner.before_mining([this] { catch_up(); });
}

Node::~Node() {
    stop();
    wait();
}

void Node::log(const std::string& line) const {
    if (m_options.log) m_options.log(line);
}

int Node::bind() {
    if (!m_options.advertise.empty()) {
        try {
            m_options.advertise = http::normalize_peer_url(m_options.advertise);
        } catch (const Error& e) {
            throw Error(std::string("--advertise: ") + e.what());
        }
    }
    int port = m_server.bind();
    // The addresses this node knows it has, from its configuration only.
    for (const char* host : {"127.0.0.1", "localhost", "[::1]"})
        m_own_addresses.push_back(std::string("http://") + host + ":" + std::to_string(port) + "/");
    m_own_addresses.push_back(http::normalize_peer_url(local_url()));
    if (!m_options.advertise.empty()) m_own_addresses.push_back(m_options.advertise);
    return port;
}

std::string Node::local_url() const {
    return m_server.url();
}

std::string Node::public_url() const {
    return m_options.advertise.empty() ? local_url() : m_options.advertise;
}

bool Node::is_own_address(const std::string& url) const {
    return std::find(m_own_addresses.begin(), m_own_addresses.end(), url) !=
               m_own_addresses.end() ||
           m_peers.is_self(url);
}

bool Node::from_self(const http::Request& request) const {
    return request.header(k_node_id_header) == m_id;
}

NodeClient Node::client_for(const std::string& url, double read_timeout_s) {
    NodeClientOptions o;
    o.connect_timeout_s = m_options.peer_timeout_s;
    o.read_timeout_s = read_timeout_s > 0 ? read_timeout_s : m_options.peer_timeout_s;
    o.self_id = m_id;
    o.self_url = public_url();
    o.cancel = &m_stopping;
    o.max_chain_bytes = m_options.max_chain_bytes;
    return NodeClient(m_client, url, o);
}

void Node::start() {
    if (m_options.log)
        m_log_events = m_state.events().subscribe([this](const Event& e) { log_event(e); });
    if (std::size_t n = m_state.peers_dropped())
        log(std::to_string(n) + (n == 1 ? " peer" : " peers") +
            " of chain.json left out: not a node address, or repeated");
    m_gossip.start();
    m_syncer.start();
    for (const std::string& peer : m_options.peers) {
        m_peer_calls.post([this, peer] {
            try {
                register_with(http::normalize_peer_url(peer), public_url());
                log("registered with " + peer);
            } catch (const std::exception& e) {
                log("cannot register with " + peer + ": " + e.what());
            }
        });
    }
    m_syncer.request(); // catch up with what the peers did while this node was down
    if (m_options.probe_interval_s > 0) m_prober = std::thread([this] { probe_loop(); });
    m_server.start();
}

void Node::stop() {
    m_stopping.cancel();
    m_miner.stop();
    {
        std::lock_guard lock(m_probe_mutex);
        m_probe_stop = true;
    }
    m_probe_cv.notify_all();
    m_server.stop();
}

void Node::wait() {
    m_server.wait();
    // Everything that works in the background ends before anything it uses goes.
    if (m_prober.joinable()) m_prober.join();
    m_miner.join();
    m_syncer.stop();
    m_gossip.stop();
    m_peer_calls.stop();
    m_log_events.reset();
}

void Node::probe_loop() {
    std::unique_lock lock(m_probe_mutex);
    const auto interval = std::chrono::duration<double>(m_options.probe_interval_s);
    while (!m_probe_cv.wait_for(lock, interval, [&] { return m_probe_stop; })) {
        lock.unlock();
        for (const std::string& peer : m_state.peers()) {
            if (!m_peers.start_probe(peer)) continue;
            if (!m_peer_calls.post([this, peer] { probe(peer); })) m_peers.end_probe(peer, 0);
        }
        lock.lock();
    }
}

void Node::probe(const std::string& peer) {
    double next = m_options.probe_interval_s;
    try {
        NodeClient client = client_for(peer, m_options.peer_timeout_s);
        if (auto health = client.health()) {
            m_peers.heard_health(peer, *health);
        } else {
            // A reference node has no cheap endpoint: its /chain is read up to the length, and
            // asked less often.
            const std::size_t length = client.length();
            m_peers.heard_reference(peer, length);
            next = std::max(5 * next, k_min_reference_probe_s);
            // A reference node cannot catch up by itself: one that missed blocks is sent them.
            if (length < m_state.summary().length) m_gossip.update_reference(peer);
        }
        PeerInfo info = m_peers.get(peer);
        if (info.length && *info.length > m_state.summary().length) m_syncer.request(peer);
    } catch (const IsSelf&) {
        m_peers.mark_self(peer);
    } catch (const http::Unreachable& e) {
        m_peers.failed(peer, e.what());
    } catch (const std::exception& e) {
        m_peers.failed(peer, e.what());
    }
    m_peers.end_probe(peer, next);
}

void Node::catch_up() {
    auto longest = m_peers.longest();
    if (!longest || longest->second <= m_state.summary().length) return;
    m_syncer.request(longest->first);
    // Bounded: mining goes ahead on this node's chain if the sync does not finish in time.
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration<double>(2 * m_options.peer_timeout_s);
    while (m_state.summary().length < longest->second && !m_stopping.cancelled() &&
           std::chrono::steady_clock::now() < deadline && m_peers.get(longest->first).reachable)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void Node::log_event(const Event& event) const {
    std::string line = describe_event(event);
    if (!line.empty()) log(line);
}

namespace {

// The address in a URL's host as the server sees a client's: "localhost" is the loopback.
bool same_host(const std::string& url_host, std::string remote) {
    if (remote.starts_with("::ffff:")) remote = remote.substr(7); // IPv4 in IPv6
    if (url_host == "localhost") return remote == "127.0.0.1" || remote == "::1";
    return url_host == remote;
}

} // namespace

std::string Node::reference_peer_at(const std::string& remote) const {
    std::string found;
    for (const std::string& peer : m_state.peers()) {
        auto url = http::parse_url(peer);
        if (!same_host(url.host, remote) || m_peers.get(peer).kind != NodeKind::Reference) continue;
        if (!found.empty()) return ""; // two reference nodes on that host: cannot tell which
        found = peer;
    }
    return found;
}

BlockResult Node::receive_block(const json::Value& block, const Source& claimed) {
    Source source = claimed;
    // The sender's address is only a claim (X-Chainctl-Origin): what it says of a chain is
    // noted only for a peer, so that no request can make the node track or trust a stranger.
    const std::vector<std::string> peers = m_state.peers();
    auto is_peer = [&](const std::string& url) {
        return std::find(peers.begin(), peers.end(), url) != peers.end();
    };
    // Only a peer is listened to about who holds a block. Its names are passed on as they came
    // (the next nodes may have peers this one lacks), but noted only for this node's peers, and
    // not for reference nodes, whom the sender may only be about to send the block.
    if (!is_peer(source.peer)) source.held_by.clear();
    BlockResult result = m_state.add_block(block, source);
    if (is_peer(source.peer) && result.verdict != BlockVerdict::Invalid) {
        if (const json::Value* index = block.find("index");
            index && index->type() == json::Type::Int) {
            const auto length = static_cast<std::size_t>(index->as_int()) + 1;
            m_peers.heard_length(source.peer, length);
            for (const std::string& url : source.held_by)
                if (is_peer(url) && m_peers.get(url).kind != NodeKind::Reference)
                    m_peers.heard_length(url, length);
        }
    }
    if (result.verdict == BlockVerdict::NotNext) {
        // A reference node announces without saying who it is: the only reference peer at the
        // address the block came from is the likely sender, and the one to sync from. (Only a
        // guess: it is never taken as proof that a node holds a block.)
        std::string from = source.peer;
        if (from.empty() && source.peer_id.empty() && !source.remote.empty())
            from = reference_peer_at(source.remote);
        m_syncer.request(from);
    }
    return result;
}

void Node::add_peer(const std::string& url) {
    if (is_own_address(url))
        throw http::BadRequest("node_address " + url +
                               " is this node's own address; a node never peers with itself");
    try {
        m_state.add_peer(url);
    } catch (const PeerRefused& e) {
        throw http::StatusError(409, e.what());
    }
}

void Node::register_with(const std::string& url, const std::string& self_url) {
    if (is_own_address(url))
        throw http::BadRequest("that is this node's own address; a node never peers with itself");
    // Refused up front when the other node could not become a peer (a limit).
    try {
        m_state.check_new_peer(url);
    } catch (const PeerRefused& e) {
        throw http::StatusError(409, e.what());
    }
    // The answer is the other node's whole chain: into a file, never into memory.
    const std::filesystem::path incoming =
        m_state.repository().incoming_path("register-" + std::to_string(++m_registrations));
    struct Remove {
        std::filesystem::path path;
        ~Remove() {
            std::error_code ec;
            std::filesystem::remove(path, ec);
        }
    } remove{incoming};
    try {
        // A long chain keeps coming as long as each read brings something, within the whole
        // registration's time.
        NodeClient client = client_for(url, 5 * m_options.peer_timeout_s);
        client.register_node_to_file(self_url, incoming, m_options.register_timeout_s);
        m_peers.answered(url);
    } catch (const IsSelf&) {
        m_peers.mark_self(url);
        throw http::BadRequest(url + " is this node's own address; a node never peers with itself");
    } catch (const http::Unreachable& e) {
        m_peers.failed(url, e.what());
        throw http::StatusError(e.timed_out() ? 504 : 502, e.what());
    } catch (const http::StatusError& e) {
        throw http::StatusError(502, e.what());
    }
    AdoptResult adopted = m_state.adopt_file(incoming, Source::of(Source::Kind::Sync, url));
    if (adopted.outcome == AdoptResult::Outcome::Invalid)
        throw http::StatusError(502, "the node at " + url +
                                         " sent a chain that is not valid: " + adopted.reason);
    std::vector<std::string> theirs;
    {
        io::MappedFile file(incoming);
        std::vector<ledger::Problem> ignored;
        ledger::ChainFileMeta meta = ledger::read_chain_file(
            file.view(), [](json::Reader& reader) { reader.skip_value(); }, ignored, [] {});
        for (const std::string& peer : meta.peers) {
            try {
                std::string normal = http::normalize_peer_url(peer);
                if (!is_own_address(normal) && normal != url) theirs.push_back(normal);
            } catch (const Error&) {
                // a peer list entry that is not a URL is skipped
            }
        }
    }
    // The other node first (the reference forgets it: registration goes both ways), then its
    // peers, in one commit, as many as this node's limits take.
    try {
        m_state.add_peer(url);
    } catch (const PeerRefused& e) {
        throw http::StatusError(409, e.what());
    }
    NodeState::PeersAdded added = m_state.add_peers(theirs);
    if (added.refused)
        log("register_with " + url + ": " + std::to_string(added.refused) +
            " of its peers left out (this node's peer limits)");
}

json::Value Node::peer_status() const {
    json::Array out;
    for (const std::string& url : m_state.peers()) {
        PeerInfo p = m_peers.get(url);
        json::Object o{{"url", url}, {"kind", std::string(kind_name(p.kind))}};
        if (!p.id.empty()) o.push_back({"id", p.id});
        const char* state = p.self            ? "self"
                            : !p.reachable    ? "unreachable"
                            : p.last_seen > 0 ? "up"
                                              : "unknown";
        o.push_back({"state", state});
        o.push_back({"length", p.length ? json::Value(*p.length) : json::Value()});
        o.push_back({"last_seen", p.last_seen > 0 ? json::Value(p.last_seen) : json::Value()});
        if (!p.reachable) {
            o.push_back({"last_error", p.last_error});
            o.push_back({"failures", p.failures});
            o.push_back({"retry_in_s", std::max(0.0, p.retry_at - ledger::now_seconds())});
        }
        out.push_back(json::Value(std::move(o)));
    }
    return json::Value(std::move(out));
}

json::Value Node::health() const {
    NodeSummary s = m_state.summary();
    return json::Object{{"status", "ok"},
                        {"version", "chainctl " CHAINCTL_VERSION},
                        {"kind", "chainctl"},
                        {"id", m_id},
                        {"url", public_url()},
                        {"length", s.length},
                        {"tip", s.tip_hash},
                        {"pending", s.pending},
                        {"peers", s.peers},
                        {"difficulty", s.difficulty},
                        {"peer_status", peer_status()}};
}

} // namespace chain::node
