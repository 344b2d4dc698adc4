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
    // They come first: past the cap, the names dropped are of nodes that hold the block already.
    std::vector<std::string> named = references;
    for (const std::string& url : held_by)
        if (std::find(named.begin(), named.end(), url) == named.end()) named.push_back(url);
    if (named.size() > k_max_held_by) named.resize(k_max_held_by);
    auto shared_held = std::make_shared<const std::vector<std::string>>(std::move(named));
    for (const std::string& peer : targets) {
        if (std::find(references.begin(), references.end(), peer) != references.end()) {
            update_reference(peer);
            continue;
        }
        bool queued = m_calls.post([this, peer, body, shared_held] {
            calling(peer, [&] {
                NodeClient client = m_client_for(peer, 10);
                // A peer not probed yet may be a reference node, which must not be sent a block
                // blindly: its kind is asked first (its /health, which also gives its length).
                if (m_peers.get(peer).kind == NodeKind::Unknown) {
                    if (std::optional<Health> health = client.health()) {
                        m_peers.heard_health(peer, *health);
                    } else {
                        m_peers.heard_reference(peer, std::nullopt);
                        update_reference(peer);
                        return;
                    }
                }
                BlockAnswer answer = client.add_block(*body, *shared_held);
                m_peers.answered(peer);
                if (answer.status >= 400 && m_log)
                    m_log("announce to " + peer + ": HTTP " + std::to_string(answer.status) + ": " +
                          answer.message);
            });
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

namespace {

std::string string_member(const json::Value& block, const char* key) {
    const json::Value* v = block.find(key);
    return v && v->is_string() ? v->as_string() : std::string();
}

} // namespace

// Logs what is wrong with a reference peer once, not at every block or probe; "" clears it.
void Gossip::note(const std::string& peer, const std::string& line) {
    {
        std::lock_guard lock(m_updates_mutex);
        std::string& last = m_notes[peer];
        if (last == line) return;
        last = line;
    }
    if (!line.empty() && m_log) m_log(line);
}

// A reference node answers a block it already holds, or one that does not extend its tip, with
// a 500 and a traceback, and cannot catch up by itself. So its length is read first (the start
// of its /chain); when it lacks blocks, its chain is read to check that ours extends it, and it
// is sent exactly the blocks it lacks, in order. Another chainctl node may be updating it at the
// same moment: a refusal is followed by reading its length again, and the update goes on from
// there.
void Gossip::bring_up_to_date(const std::string& peer) {
    const std::string again = "chainctl peer register --with URL --node " + peer;
    calling(peer, [&] {
        NodeClient client = m_client_for(peer, 10);
        client.known_as(NodeKind::Reference);
        for (int attempt = 0; attempt < 3; ++attempt) {
            std::size_t theirs = client.length();
            m_peers.heard_reference(peer, theirs);
            if (theirs >= m_state.summary().length) {
                note(peer, "");
                return;
            }
            ledger::ChainDocument doc = client.chain();
            theirs = doc.blocks.size();
            const std::size_t ours = m_state.summary().length;
            if (theirs == 0 || theirs >= ours) return;
            if (ours - theirs > k_max_reference_catch_up) {
                note(peer,
                     "the reference node at " + peer + " is " + std::to_string(ours - theirs) +
                         " blocks behind; re-register it to bring it up to date (" + again + ")");
                return;
            }
            std::string previous = string_member(doc.blocks.back(), "hash");
            std::optional<json::Value> ours_there = m_state.block(theirs - 1);
            if (!ours_there || previous.empty() || string_member(*ours_there, "hash") != previous) {
                note(peer, "the reference node at " + peer + " holds another chain (its block #" +
                               std::to_string(theirs - 1) +
                               " is not ours); re-register it to bring it over (" + again + ")");
                return;
            }
            bool raced = false;
            for (std::size_t i = theirs; i < ours; ++i) {
                std::optional<json::Value> block = m_state.block(i);
                // The chain changed meanwhile: its announcement comes next.
                if (!block || string_member(*block, "previous_hash") != previous) return;
                BlockAnswer answer = client.add_block(json::dump_canonical(*block));
                if (answer.status >= 400) {
                    raced = true; // most likely another node sent it the same block first
                    break;
                }
                previous = string_member(*block, "hash");
                m_peers.heard_length(peer, i + 1);
            }
            if (!raced) {
                note(peer, "");
                return;
            }
        }
        note(peer, "the reference node at " + peer + " keeps refusing blocks; re-register it (" +
                       again + ")");
    });
}

// Runs a call to peer, reporting how it failed: to the peer book, and to the log.
void Gossip::calling(const std::string& peer, const std::function<void()>& call) {
    try {
        call();
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
