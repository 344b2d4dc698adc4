#include "node/gossip.hpp"

#include "http/failure.hpp"

#include "json/write.hpp"
#include <memory>

namespace chain::node {

Gossip::Gossip(NodeState& state, PeerBook& peers, io::TaskPool& calls, ClientFor client_for,
               std::function<void(const std::string&)> log)
    : m_state(state), m_peers(peers), m_calls(calls), m_client_for(std::move(client_for)),
      m_log(std::move(log)) {}

Gossip::~Gossip() {
    stop();
}

void Gossip::start() {
    m_subscription = m_state.events().subscribe([this](const Event& e) { on_event(e); });
}

void Gossip::stop() {
    m_subscription.reset();
}

// On the event bus's thread: only hands the work over (reading the block is disk I/O).
void Gossip::on_event(const Event& event) {
    std::uint64_t height = 0;
    Source except;
    if (const auto* b = std::get_if<BlockAppended>(&event.data)) {
        height = b->height;
        except = b->source;
    } else if (const auto* a = std::get_if<ChainAdopted>(&event.data)) {
        height = a->new_length - 1;
        except = a->source;
    } else {
        return;
    }
    if (!m_calls.post([this, height, except] { announce(height, except); }) && m_log)
        m_log("announce of block #" + std::to_string(height) +
              " dropped: too many calls to slow peers");
}

void Gossip::announce(std::uint64_t height, const Source& except) {
    std::optional<json::Value> block = m_state.block(static_cast<std::size_t>(height));
    if (!block) return; // replaced meanwhile: whatever replaced it is announced in turn
    // The reference's announcement: json.dumps(block, sort_keys=True), hash included.
    auto body = std::make_shared<const std::string>(json::dump_canonical(*block));
    const std::optional<std::string> sender = m_peers.url_of_id(except.peer_id);
    // Who holds the block already: the sender and whoever it said holds it. They are skipped,
    // and named to the others, so that a node further on does not send it back to them either
    // (a reference node answers a block it holds with a 500).
    std::vector<std::string> held_by = except.held_by;
    for (const std::optional<std::string>& url : {std::optional(except.peer), sender})
        if (url && !url->empty() &&
            std::find(held_by.begin(), held_by.end(), *url) == held_by.end())
            held_by.insert(held_by.begin(), *url);
    if (held_by.size() > k_max_held_by) held_by.resize(k_max_held_by);
    auto shared_held = std::make_shared<const std::vector<std::string>>(std::move(held_by));
    for (const std::string& peer : m_state.peers()) {
        if (std::find(shared_held->begin(), shared_held->end(), peer) != shared_held->end() ||
            m_peers.is_self(peer))
            continue;
        // A peer that did not answer lately is skipped until its backoff ends; its next sync
        // (or the next block's announcement) repairs what it missed.
        if (m_peers.backed_off(peer)) continue;
        // A reference node answers a block it already holds with a 500 (and a traceback in its
        // log): it is sent only blocks past the chain it was last seen to hold.
        if (PeerInfo info = m_peers.get(peer);
            info.kind == NodeKind::Reference && info.length && *info.length > height)
            continue;
        bool queued = m_calls.post([this, peer, body, shared_held] {
            try {
                NodeClient client = m_client_for(peer, 10);
                BlockAnswer answer = client.add_block(*body, *shared_held);
                m_peers.answered(peer);
                if (answer.status >= 400 && m_log)
                    m_log("announce to " + peer + ": HTTP " + std::to_string(answer.status) + ": " +
                          answer.message);
            } catch (const IsSelf&) {
                m_peers.mark_self(peer);
            } catch (const http::Unreachable& e) {
                m_peers.failed(peer, e.what());
                if (m_log) m_log("announce: " + std::string(e.what()));
            } catch (const std::exception& e) {
                if (m_log) m_log("announce to " + peer + ": " + e.what());
            }
        });
        if (!queued && m_log)
            m_log("announce to " + peer + " dropped: too many calls to slow peers");
    }
}

} // namespace chain::node
