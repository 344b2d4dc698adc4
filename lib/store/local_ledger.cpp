#include "store/local_ledger.hpp"

#include "ledger/block.hpp"
#include "ledger/transaction.hpp"
#include "store/chain_store.hpp"
#include "store/journal.hpp"
#include "store/pending_store.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <algorithm>

namespace chain::store {

namespace {

ChainStore chain_store(const Repository& repo) {
    return ChainStore(repo.root(), repo.state_dir(), std::string(k_chain_file), repo.difficulty());
}

struct MiningSnapshot {
    ChainTip tip;
    std::vector<std::string> lines;
};

MiningSnapshot snapshot(const Repository& repo) {
    FileLock lock = repo.lock(LockMode::Exclusive);
    return {chain_store(repo).prepare_tip(), PendingStore(repo.pending_path()).read_lines()};
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
        ChainStore chain = chain_store(m_repo);
        ChainTip tip = chain.prepare_tip();
        PendingStore pending(m_repo.pending_path());
        std::vector<std::string> lines = pending.read_lines();
        bool same_pending = lines.size() >= before.lines.size() &&
                            std::equal(before.lines.begin(), before.lines.end(), lines.begin());
        if (tip.hash != before.tip.hash || !same_pending) continue; // someone else wrote: retry

        outcome.block =
            ledger::make_block(before.tip.index + 1, std::move(transactions), timestamp,
                               before.tip.hash, outcome.stats.nonce, outcome.stats.hash);
        std::vector<JournalOp> ops = chain.append_ops(tip, outcome.block);
        // Transactions added while mining stay pending.
        std::string rest;
        for (std::size_t i = before.lines.size(); i < lines.size(); ++i)
            rest += lines[i] + "\n";
        io::fs::path next = pending.path();
        next += ".next";
        io::write_file_durable(next, rest);
        ops.push_back(RenameOp{io::fs::relative(next, m_repo.root()).string(),
                               io::fs::relative(pending.path(), m_repo.root()).string()});
        Journal(m_repo.root(), m_repo.state_dir()).commit(ops);
        chain.record_stamp();
        outcome.status = MineOutcome::Status::Mined;
        return outcome;
    }
}

ledger::ChainDocument LocalLedger::chain() {
    FileLock lock = m_repo.lock(LockMode::Shared);
    return chain_store(m_repo).load();
}

} // namespace chain::store

namespace chain::store {

std::vector<std::string> LocalLedger::peers() {
    return chain().meta.peers;
}

std::vector<std::string> LocalLedger::add_peer(const std::string& peer) {
    FileLock lock = m_repo.lock(LockMode::Exclusive);
    ChainStore chain = chain_store(m_repo);
    ChainTip tip = chain.prepare_tip();
    if (std::find(tip.peers.begin(), tip.peers.end(), peer) != tip.peers.end()) return tip.peers;
    tip.peers.push_back(peer);
    Journal(m_repo.root(), m_repo.state_dir()).commit(chain.peers_ops(tip, tip.peers));
    chain.record_stamp();
    return tip.peers;
}

std::string LocalLedger::register_with(const std::string&) {
    throw Error("peer register needs a running node: start one with 'chainctl node serve' in " +
                m_repo.root().string() + ", or give --node URL");
}

} // namespace chain::store
