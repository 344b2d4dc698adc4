#include "node/remote_ledger.hpp"

#include "ledger/transaction.hpp"

namespace chain::node {

namespace {

// A registration makes the node fetch and check the other node's chain: give it time.
constexpr double k_register_timeout_s = 120;

} // namespace

RemoteLedger::RemoteLedger(const std::string& url, NodeClientOptions options)
    : m_node(m_client, url, std::move(options)) {}

json::Value RemoteLedger::add_transaction(json::Value tx) {
    // The same check as the node's, so that a reference node's bare "404" gets a reason too.
    ledger::check_new_transaction(tx);
    return m_node.add_transaction(tx);
}

std::vector<json::Value> RemoteLedger::pending() {
    return m_node.pending();
}

ledger::MineOutcome RemoteLedger::mine(ledger::MineOptions options) {
    return m_node.mine(0, options.cancel);
}

ledger::ChainDocument RemoteLedger::chain() {
    return m_node.chain();
}

std::vector<std::string> RemoteLedger::peers() {
    return m_node.peers();
}

json::Value RemoteLedger::peer_status() {
    if (m_node.kind() == NodeKind::Reference) return LedgerApi::peer_status();
    return m_node.peer_status();
}

std::vector<std::string> RemoteLedger::add_peer(const std::string& peer) {
    m_node.register_node(peer);
    // The answer's peer list leaves out the peer just added (it is meant for that peer).
    return m_node.peers();
}

std::string RemoteLedger::register_with(const std::string& url, bool force) {
    if (!force && m_node.kind() == NodeKind::Reference) {
        NodeClient target(m_client, url, m_node.options());
        const std::size_t ours = m_node.length();
        const std::size_t theirs = target.length();
        bool loses = theirs < ours;
        if (theirs == ours && ours > 1) {
            // Equal lengths: blocks are lost unless the chains are the same, that is unless the
            // tips have the same hash (the same block may come with its keys in another order).
            ledger::ChainDocument a = m_node.chain(), b = target.chain();
            auto tip_hash = [](const ledger::ChainDocument& d) {
                if (d.blocks.empty()) return std::string();
                const json::Value* h = d.blocks.back().find("hash");
                return h && h->is_string() ? h->as_string() : std::string();
            };
            loses = tip_hash(a).empty() || tip_hash(a) != tip_hash(b);
        }
        if (loses)
            throw Error("the reference node at " + location() + " holds " + std::to_string(ours) +
                        " blocks and the node at " + target.location() + " " +
                        std::to_string(theirs) + (theirs == ours ? " others" : "") +
                        "; its /register_with replaces its chain with the other node's "
                        "whatever their lengths, so it would lose blocks. Register the other "
                        "node with it instead (chainctl peer register --with " +
                        location() + " --node " + target.location() + "), or use --force");
    }
    return m_node.register_with(url, k_register_timeout_s);
}

} // namespace chain::node
