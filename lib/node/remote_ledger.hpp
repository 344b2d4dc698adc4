#pragma once
// A ledger that lives in a node, driven over its HTTP API (through NodeClient): chainctl's node
// or the reference Python node. This is what the CLI's --node (and a repository that a node
// serves) works through.

#include "http/client.hpp"
#include "ledger/ledger_api.hpp"
#include "node/node_client.hpp"

namespace chain::node {

class RemoteLedger : public ledger::LedgerApi {
public:
    explicit RemoteLedger(const std::string& url, NodeClientOptions options = {});

    std::string location() const override { return m_node.location(); }
    json::Value add_transaction(json::Value tx) override;
    std::vector<json::Value> pending() override;
    /// Mines on the node, waiting for as long as that takes; options.cancel stops the wait at
    /// once (the outcome is then Cancelled: the node may still commit the block).
    ledger::MineOutcome mine(ledger::MineOptions options) override;
    ledger::ChainDocument chain() override;
    std::vector<std::string> peers() override;
    json::Value peer_status() override;
    std::vector<std::string> add_peer(const std::string& peer) override;
    /// For a reference node, first compares its chain with url's: it would replace its own
    /// with a shorter one, or another of the same length, so unless force that is refused.
    std::string register_with(const std::string& url, bool force = false) override;

    NodeClient& client() { return m_node; }

private:
    http::Client m_client;
    NodeClient m_node;
};

} // namespace chain::node
