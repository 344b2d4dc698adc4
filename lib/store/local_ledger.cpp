#include "store/local_ledger.hpp"

#include "ledger/block.hpp"
#include "ledger/transaction.hpp"
#include "store/chain_store.hpp"
#include "store/pending_store.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <algorithm>

namespace chain::store {

namespace {

struct MiningSnapshot {
    ChainTip tip;
    std::vector<std::string> lines;
};

MiningSnapshot snapshot(const Repository& repo) {
    FileLock lock = repo.lock(LockMode::Exclusive);
    return {ChainStore(repo).prepare_tip(), PendingStore(repo.pending_path()).read_lines()};
}

} // namespace

json::Value LocalLedger::add_transaction(json::Value tx) {
    ledger::check_new_transaction(tx);
    json::Value stored = ledger::stamp_transaction(std::move(tx), ledger::now_seconds());
    std::string line = json::dump(stored);
    FileLock lock = m_repo.lock(LockMode::Exclusive);
    PendingStore(m_repo.pending_path()).append({line});
    return stored;
}

std::vector<json::Value> LocalLedger::pending() {
    FileLock lock = m_repo.lock(LockMode::Shared);
    return PendingStore(m_repo.pending_path()).read();
}

MineOutcome LocalLedger::mine(ledger::MineOptions options) {
    options.difficulty = m_repo.difficulty();
    MineOutcome outcome;
    for (;;) {
        MiningSnapshot before = snapshot(m_repo);
        if (before.lines.empty()) return outcome; // NothingToMine
        json::Array transactions;
        for (const std::string& line : before.lines)
            transactions.push_back(json::parse(line));
        const double timestamp = ledger::now_seconds();
        json::Value index(before.tip.index + 1);
        json::Value transactions_value(transactions);
        ledger::Preimage parts = ledger::preimage_parts(index, json::Value(before.tip.hash),
                                                        json::Value(timestamp), transactions_value);
        outcome.stats = ledger::mine(parts, options);
        if (!outcome.stats.found) {
            outcome.status = MineOutcome::Status::Cancelled;
            return outcome;
        }

        FileLock lock = m_repo.lock(LockMode::Exclusive);
        ChainStore chain(m_repo);
        ChainTip tip = chain.prepare_tip();
        std::vector<std::string> lines = PendingStore(m_repo.pending_path()).read_lines();
        bool same_pending = lines.size() >= before.lines.size() &&
                            std::equal(before.lines.begin(), before.lines.end(), lines.begin());
        if (tip.hash != before.tip.hash || !same_pending) continue; // someone else wrote: retry

        outcome.block =
            ledger::make_block(before.tip.index + 1, std::move(transactions), timestamp,
                               before.tip.hash, outcome.stats.nonce, outcome.stats.hash);
        Change change;
        change.blocks.push_back(outcome.block);
        // Transactions added while mining stay pending.
        change.pending.emplace(lines.begin() + static_cast<std::ptrdiff_t>(before.lines.size()),
                               lines.end());
        chain.commit(tip, change);
        outcome.status = MineOutcome::Status::Mined;
        outcome.message = "Block #" + std::to_string(before.tip.index + 1) + " is mined.";
        return outcome;
    }
}

ledger::ChainDocument LocalLedger::chain() {
    FileLock lock = m_repo.lock(LockMode::Shared);
    return ChainStore(m_repo).load();
}

} // namespace chain::store

namespace chain::store {

std::vector<std::string> LocalLedger::peers() {
    return chain().meta.peers;
}

std::vector<std::string> LocalLedger::add_peer(const std::string& peer) {
    FileLock lock = m_repo.lock(LockMode::Exclusive);
    ChainStore chain(m_repo);
    ChainTip tip = chain.prepare_tip();
    if (std::find(tip.peers.begin(), tip.peers.end(), peer) != tip.peers.end()) return tip.peers;
    Change change;
    change.peers = tip.peers;
    change.peers->push_back(peer);
    return chain.commit(tip, change).peers;
}

std::string LocalLedger::register_with(const std::string&, bool) {
    throw Error("peer register needs a running node: start one with 'chainctl node serve' in " +
                m_repo.root().string() + ", or give --node URL");
}

} // namespace chain::store
