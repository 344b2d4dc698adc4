#pragma once
// What a node holds: the chain, the pending transactions and the peers, in memory for speed and
// written through to its repository on every change, so that whatever a node acknowledged
// survives a kill -9. Thread-safe: readers take immutable snapshots and never wait for a writer's
// disk I/O; writers are serialised. New transactions are committed in groups: every transaction
// that arrives while one fsync runs shares the next.

#include "store/chain_image.hpp"
#include "store/repository.hpp"

#include "json/value.hpp"
#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

namespace chain::node {

struct NodeSummary {
    std::size_t length = 0;
    std::string tip_hash;
    std::size_t pending = 0;
    std::size_t peers = 0;
    int difficulty = 0;
};

enum class BlockVerdict {
    Added,   // it extended the tip
    Known,   // the chain already holds it
    NotNext, // a valid block that does not extend the tip: a gap or a fork
    Invalid, // it can never be part of a valid chain
};

struct BlockResult {
    BlockVerdict verdict = BlockVerdict::Invalid;
    std::string reason;
};

struct AdoptResult {
    enum class Outcome { Adopted, NotLonger, Invalid };
    Outcome outcome = Outcome::NotLonger;
    std::string reason; // why not
    std::size_t length = 0;
    bool adopted() const { return outcome == Outcome::Adopted; }
};

/// The work a miner takes: every pending transaction on top of the current tip.
struct MiningJob {
    std::int64_t index = 0;
    std::string previous_hash;
    json::Array transactions;
    std::uint64_t generation = 0; // of the chain it was taken from
};

class NodeState {
public:
    /// Loads and checks the repository's chain (rewriting it in chainctl's layout if another
    /// program wrote it). Call with the repository claimed for this node (store::ServeMarker).
    explicit NodeState(store::Repository repo);
    ~NodeState();
    NodeState(const NodeState&) = delete;
    NodeState& operator=(const NodeState&) = delete;

    const store::Repository& repository() const { return m_repo; }
    int difficulty() const { return m_repo.difficulty(); }

    /// chain.json as it is on disk: the GET /chain body.
    std::shared_ptr<const std::string> chain_body() const;
    /// The pending transactions as a JSON array: the GET /pending_tx body.
    std::shared_ptr<const std::string> pending_body() const;
    std::vector<std::string> peers() const;
    NodeSummary summary() const;
    /// Block i, or nothing past the tip.
    std::optional<json::Value> block(std::size_t i) const;

    /// Checks, stamps and stores a new transaction; returns once it is on disk. Throws
    /// chain::Error with the reason for an unacceptable one.
    json::Value add_transaction(json::Value tx);

    /// Appends a block announced by a peer if it extends the tip, removing the transactions it
    /// holds from the pending list.
    BlockResult add_block(const json::Value& block);

    /// Replaces the chain with the one in chain_file_text (a peer's /chain) if it is valid and
    /// longer. Pending transactions the new chain holds are dropped; those of blocks it orphans
    /// and it does not hold go back to the pending list.
    AdoptResult adopt(std::string_view chain_file_text);

    /// Adds an already normalised peer URL; false when it is known.
    bool add_peer(const std::string& url);

    std::optional<MiningJob> mining_job() const;
    /// Appends a block mined for job unless the chain changed since; removes what it mined.
    bool commit_mined(const MiningJob& job, const json::Value& block);
    /// While set, flag becomes true whenever the tip changes (to stop a search on an old tip).
    void watch_tip(std::atomic<bool>* flag);

private:
    struct PendingWrite {
        std::string line;
        std::promise<void> done;
    };

    void run_committer();
    void commit_locked(std::vector<store::JournalOp> ops, store::ChainImage image,
                       std::optional<std::vector<std::string>> pending);
    std::vector<std::string> pending_without(const std::vector<std::string>& canonical_txs) const;

    store::Repository m_repo;
    store::ChainStore m_store;

    std::mutex m_write;               // serialises every change, disk and memory
    mutable std::shared_mutex m_read; // guards the fields below for readers
    store::ChainImage m_image;
    std::vector<std::string> m_pending;                        // JSON lines, arrival order
    mutable std::shared_ptr<const std::string> m_pending_body; // built on demand
    std::uint64_t m_generation = 0;                            // bumped when the chain changes

    std::mutex m_watch_mutex;
    std::atomic<bool>* m_watcher = nullptr;

    std::mutex m_queue_mutex;
    std::condition_variable m_queue_cv;
    std::deque<PendingWrite*> m_queue;
    bool m_stopping = false;
    std::thread m_committer;
};

} // namespace chain::node
