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
    for (const std::string& peer : m_state.peers()) {
        if (peer == except.peer || (sender && peer == *sender) || m_peers.is_self(peer)) continue;
        // A peer that did not answer lately is skipped until its backoff ends; its next sync
        // (or the next block's announcement) repairs what it missed.
        if (m_peers.backed_off(peer)) continue;
        bool queued = m_calls.post([this, peer, body] {
            try {
                NodeClient client = m_client_for(peer, 10);
                BlockAnswer answer = client.add_block(*body);
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
