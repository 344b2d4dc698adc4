#pragma once
// What a node holds: the chain, the pending transactions and the peers, written through to its
// repository on every change (store::ChainStore::commit), so that whatever a node acknowledged
// survives a kill -9. In memory it keeps only an index of chain.json (about 40 bytes a block)
// and the pending list; blocks are read from the file when needed.
//
// Thread-safe: readers take the read lock briefly and never wait for a writer's disk I/O;
// writers are serialised. New transactions are committed in groups: every transaction that
// arrives while one fsync runs shares the next. Every change is published on the event bus
// after it is on disk.

#include "node/events.hpp"
#include "store/chain_index.hpp"
#include "store/repository.hpp"

#include "json/value.hpp"
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

namespace chain::node {

/// What a node holds at most. New transactions beyond the pending bounds are refused (never an
/// acknowledged one dropped: transactions a longer chain orphans come back even past them), and
/// so are peers beyond the peer bounds.
struct StateLimits {
    std::size_t max_pending = 50'000;
    std::size_t max_pending_bytes = std::size_t{32} << 20;
    std::size_t max_peers = 64;
    /// Peers on one host (by name or address); one address per host and port, whatever its path.
    std::size_t max_peers_per_host = 16;
};

/// The node cannot take this now (its pending list is full): 503, try again later.
class Overloaded : public Error {
public:
    using Error::Error;
};

/// A peer that cannot be added (a limit, or another address for the same host and port): 409.
class PeerRefused : public Error {
public:
    using Error::Error;
};

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
    std::size_t fork_point = 0;
    std::vector<std::string> orphaned; // hashes of this node's blocks that left the chain
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
    NodeState(store::Repository repo, EventBus& events, StateLimits limits = {});
    ~NodeState();
    NodeState(const NodeState&) = delete;
    NodeState& operator=(const NodeState&) = delete;

    const store::Repository& repository() const { return m_repo; }
    const StateLimits& limits() const { return m_limits; }
    int difficulty() const { return m_repo.difficulty(); }
    EventBus& events() { return m_events; }

    /// chain.json as it is now: the GET /chain body.
    store::ChainSnapshot chain() const;
    /// The same, with another peer list (the /register_node answer leaves the caller out).
    store::ChainSnapshot chain_without_peer(const std::string& peer) const;
    /// The pending transactions as a JSON array: the GET /pending_tx body.
    std::shared_ptr<const std::string> pending_body() const;
    std::vector<std::string> peers() const;
    /// Peers of chain.json left out when the node opened it: not node addresses, or repeated.
    std::size_t peers_dropped() const { return m_peers_dropped; }
    NodeSummary summary() const;
    /// Block i, or nothing past the tip.
    std::optional<json::Value> block(std::size_t i) const;
    /// Block i's hash, or nothing past the tip.
    std::optional<std::string> hash(std::size_t i) const;

    /// Checks, stamps and stores a new transaction; done gets the stored transaction once it
    /// is on disk, or the failure (on the committer's thread). Throws chain::Error at once with
    /// the reason for an unacceptable one, Overloaded when the pending list is full.
    void add_transaction(json::Value tx,
                         std::function<void(const json::Value*, std::exception_ptr)> done);
    /// The same, waiting for the disk.
    json::Value add_transaction(json::Value tx);

    /// Appends a block announced by a peer if it extends the tip, removing the transactions it
    /// holds from the pending list.
    BlockResult add_block(const json::Value& block, const Source& source);

    /// Replaces the chain with the one in chain_file_text (a peer's /chain) if it is valid and
    /// longer. Pending transactions the new chain holds are dropped; those of blocks it orphans
    /// and it does not hold go back to the pending list.
    AdoptResult adopt(std::string_view chain_file_text, const Source& source);
    /// The same for a chain in a file (a peer's /chain downloaded), read without holding it all
    /// in memory.
    AdoptResult adopt_file(const std::filesystem::path& chain_file, const Source& source);

    /// Adds an already normalised peer URL; false when it is known. Throws PeerRefused past
    /// the peer limits.
    bool add_peer(const std::string& url);
    /// Adds several peers (normalised) in one commit: those already known are skipped, those
    /// past the limits refused. Returns how many of each.
    struct PeersAdded {
        std::size_t added = 0;
        std::size_t refused = 0;
    };
    PeersAdded add_peers(const std::vector<std::string>& urls);
    /// Throws PeerRefused when url could not be added now (a limit, another address for the
    /// same host and port); nothing when it could, or is a peer already.
    void check_new_peer(const std::string& url) const;
    /// Removes a peer; false when it was not one.
    bool remove_peer(const std::string& url);

    std::optional<MiningJob> mining_job() const;
    /// Appends a block mined for job unless the chain changed since; removes what it mined.
    bool commit_mined(const MiningJob& job, const json::Value& block);

private:
    struct PendingWrite {
        std::string line;
        json::Value stored;
        std::function<void(const json::Value*, std::exception_ptr)> done;
    };

    void run_committer();
    /// Commits a change under m_write and the repository lock, then updates memory.
    void commit_locked(const store::Change& change, std::optional<store::ChainIndex> replacement);
    std::vector<std::string> pending_without(const std::vector<std::string>& canonical_txs) const;
    void set_pending(std::vector<std::string> lines);
    AdoptResult adopt(std::string_view text, const Source& source, io::MappedFile* file);
    void check_peer_limits(const std::vector<std::string>& peers, const std::string& url) const;

    store::Repository m_repo;
    StateLimits m_limits;
    store::ChainStore m_store;
    EventBus& m_events;

    std::mutex m_write;               // serialises every change, disk and memory
    mutable std::shared_mutex m_read; // guards the fields below for readers
    store::ChainIndex m_index;
    std::vector<std::string> m_pending;                        // JSON lines, arrival order
    std::size_t m_pending_bytes = 0;                           // their total size
    std::size_t m_peers_dropped = 0;                           // set once, when opened
    mutable std::shared_ptr<const std::string> m_pending_body; // built on demand
    std::uint64_t m_generation = 0;                            // bumped when the chain changes

    std::mutex m_queue_mutex;
    std::condition_variable m_queue_cv;
    std::deque<PendingWrite> m_queue;
    std::size_t m_queued_bytes = 0;
    bool m_stopping = false;
    std::thread m_committer;
};

} // namespace chain::node
