#pragma once
// What the commands can do with a ledger, wherever it is: a repository on this machine
// (store::LocalLedger) or a node over HTTP, chainctl's or the reference's (node::RemoteLedger).

#include "ledger/chain_file.hpp"
#include "ledger/miner.hpp"

#include "json/value.hpp"
#include <string>
#include <vector>

namespace chain::ledger {

struct MineOutcome {
    enum class Status {
        Mined,         // the block is on the chain
        Orphaned,      // mined, but a longer chain replaced it at once; its transactions are
                       // pending again
        NothingToMine, // no pending transactions
        Cancelled,     // the caller gave up (a remote node may still commit the block)
    };
    Status status = Status::NothingToMine;
    json::Value block;   // the mined block (when the node says which)
    MineResult stats;    // hashes tried, time (when known)
    std::string message; // the node's own words, e.g. "Block #3 is mined."
};

class LedgerApi {
public:
    virtual ~LedgerApi() = default;

    /// A repository path or a node URL, for messages.
    virtual std::string location() const = 0;
    /// Checks, stamps and stores a new pending transaction; returns it as stored (a reference
    /// node does not say, so then it is the transaction as sent).
    virtual json::Value add_transaction(json::Value tx) = 0;
    virtual std::vector<json::Value> pending() = 0;
    virtual MineOutcome mine(MineOptions options) = 0;
    virtual ChainDocument chain() = 0;
    virtual std::vector<std::string> peers() = 0;
    /// What is known of each peer: [{"url", "state", ...}] (a node's GET /peers?detail=1); the
    /// state is "unknown" where nothing is known (a repository no node serves, a reference node).
    virtual json::Value peer_status();
    /// Records a peer, given in normalised form (http::normalize_peer_url), as a node's
    /// /register_node does; returns the peers afterwards.
    virtual std::vector<std::string> add_peer(const std::string& peer) = 0;
    /// Registers with the node at url and syncs from it (a node's /register_with); returns the
    /// node's message. A reference node replaces its chain with url's whatever their lengths:
    /// unless force, that is refused when it would lose blocks.
    virtual std::string register_with(const std::string& url, bool force = false) = 0;
};

inline json::Value LedgerApi::peer_status() {
    json::Array out;
    for (const std::string& url : peers())
        out.push_back(json::Object{{"url", url}, {"state", "unknown"}});
    return json::Value(std::move(out));
}

} // namespace chain::ledger
