#pragma once
// The operations the commands perform on a repository, each safe against concurrent processes
// (the repository lock) and crashes (atomic writes and the journal).

#include "ledger/chain_file.hpp"
#include "ledger/miner.hpp"
#include "store/repository.hpp"

#include "json/value.hpp"
#include <vector>

namespace chain::store {

struct MineOutcome {
    enum class Status { Mined, NothingToMine, Cancelled };
    Status status = Status::NothingToMine;
    json::Value block;
    ledger::MineResult stats;
};

class LocalLedger {
public:
    explicit LocalLedger(Repository repository) : m_repo(std::move(repository)) {}
    const Repository& repository() const { return m_repo; }

    /// Checks, stamps and durably stores a new pending transaction; returns it as stored.
    json::Value add_transaction(json::Value tx) const;
    std::vector<json::Value> pending() const;

    /// Mines every pending transaction into one block and appends it. The proof-of-work search
    /// runs without the lock, so transactions can be added meanwhile; if the chain or the pending
    /// list changed underneath it, the search starts again on the new state.
    MineOutcome mine(ledger::MineOptions options) const;

    /// The whole chain file.
    ledger::ChainDocument chain() const;

private:
    Repository m_repo;
};

} // namespace chain::store
