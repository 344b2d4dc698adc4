#pragma once
// The operations the commands perform on a repository, each safe against concurrent processes
// (the repository lock) and crashes (atomic writes and the journal).

#include "ledger/ledger_api.hpp"
#include "store/repository.hpp"

#include "json/value.hpp"
#include <vector>

namespace chain::store {

using ledger::MineOutcome;

class LocalLedger : public ledger::LedgerApi {
public:
    explicit LocalLedger(Repository repository) : m_repo(std::move(repository)) {}
    const Repository& repository() const { return m_repo; }

    std::string location() const override { return m_repo.root().string(); }
    /// Checks, stamps and durably stores a new pending transaction; returns it as stored.
    json::Value add_transaction(json::Value tx) override;
    std::vector<json::Value> pending() override;
    /// Mines every pending transaction into one block and appends it. The proof-of-work search
    /// runs without the lock, so transactions can be added meanwhile; if the chain or the pending
    /// list changed underneath it, the search starts again on the new state.
    MineOutcome mine(ledger::MineOptions options) override;
    /// The whole chain file.
    ledger::ChainDocument chain() override;
    std::vector<std::string> peers() override;
    /// Adds a peer (already normalised by the caller) to chain.json, for the node to use when it
    /// starts.
    std::vector<std::string> add_peer(const std::string& peer) override;
    /// Needs a running node: throws, saying so.
    std::string register_with(const std::string& url, bool force = false) override;

private:
    Repository m_repo;
};

} // namespace chain::store
