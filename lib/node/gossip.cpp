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
    std::vector<std::string> targets;
    for (const std::string& peer : m_state.peers()) {
        if (std::find(held_by.begin(), held_by.end(), peer) != held_by.end() ||
            m_peers.is_self(peer))
            continue;
        // A peer that did not answer lately is skipped until its backoff ends; its next sync
        // (or the next block's announcement) repairs what it missed.
        if (m_peers.backed_off(peer)) continue;
        targets.push_back(peer);
    }
    // The reference nodes this node brings up to date hold the block next: they are named to
    // the chainctl peers too, which would otherwise send it to them at the same moment.
    std::vector<std::string> references;
    for (const std::string& peer : targets)
        if (m_peers.get(peer).kind == NodeKind::Reference) references.push_back(peer);
    std::vector<std::string> named = held_by;
    named.insert(named.end(), references.begin(), references.end());
    if (named.size() > k_max_held_by) named.resize(k_max_held_by);
    auto shared_held = std::make_shared<const std::vector<std::string>>(std::move(named));
    for (const std::string& peer : targets) {
        if (std::find(references.begin(), references.end(), peer) != references.end()) {
            update_reference(peer);
            continue;
        }
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

// One update of a reference peer runs at a time; a block that comes meanwhile makes it run once
// more when it ends, so the peer is brought to the newest tip without two calls racing.
void Gossip::update_reference(const std::string& peer) {
    {
        std::lock_guard lock(m_updates_mutex);
        if (auto it = m_updates.find(peer); it != m_updates.end()) {
            it->second = true; // running: once more when done
            return;
        }
        m_updates.emplace(peer, false);
    }
    bool queued = m_calls.post([this, peer] {
        for (;;) {
            bring_up_to_date(peer);
            std::lock_guard lock(m_updates_mutex);
            auto it = m_updates.find(peer);
            if (!it->second) {
                m_updates.erase(it);
                return;
            }
            it->second = false;
        }
    });
    if (!queued) {
        std::lock_guard lock(m_updates_mutex);
        m_updates.erase(peer);
        if (m_log) m_log("announce to " + peer + " dropped: too many calls to slow peers");
    }
}

// A reference node answers a block it already holds, or one that does not extend its tip, with
// a 500 and a traceback, and cannot catch up by itself. So its length is read first (the start
// of its /chain), and it is sent exactly the blocks it lacks, in order: none when it sent the
// block or got it already, several when it missed some.
void Gossip::bring_up_to_date(const std::string& peer) {
    try {
        NodeClient client = m_client_for(peer, 10);
        client.known_as(NodeKind::Reference);
        std::size_t theirs = client.length();
        m_peers.heard_reference(peer, theirs);
        const std::size_t ours = m_state.summary().length;
        if (theirs >= ours) return;
        if (ours - theirs > k_max_reference_catch_up) {
            if (m_log)
                m_log("the reference node at " + peer + " is " + std::to_string(ours - theirs) +
                      " blocks behind; re-register it to bring it up to date (chainctl peer "
                      "register --with URL --node " +
                      peer + ")");
            return;
        }
        for (std::size_t i = theirs; i < ours; ++i) {
            std::optional<json::Value> block = m_state.block(i);
            if (!block) return; // the chain changed meanwhile: its announcement comes next
            BlockAnswer answer = client.add_block(json::dump_canonical(*block));
            if (answer.status >= 400) {
                if (m_log)
                    m_log("announce of block #" + std::to_string(i) + " to " + peer + ": HTTP " +
                          std::to_string(answer.status) +
                          "; the reference node holds another chain: re-register it to bring "
                          "it over (chainctl peer register --with URL --node " +
                          peer + " --force)");
                return;
            }
            m_peers.heard_length(peer, i + 1);
        }
    } catch (const IsSelf&) {
        m_peers.mark_self(peer);
    } catch (const http::Unreachable& e) {
        m_peers.failed(peer, e.what());
        if (m_log) m_log("announce: " + std::string(e.what()));
    } catch (const std::exception& e) {
        if (m_log) m_log("announce to " + peer + ": " + e.what());
    }
}

} // namespace chain::node
