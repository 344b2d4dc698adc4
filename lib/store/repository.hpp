#pragma once
// A repository is a directory holding chain.json (the chain, in the reference node's format) and a
// hidden state directory, .chainctl/:
//
//   chain.json              the chain file, laid out for in-place appends (ledger/chain_file.hpp)
//   .chainctl/config.json   {"format": 1, "difficulty": N}
//   .chainctl/pending.jsonl pending transactions, one JSON object per line, in arrival order
//   .chainctl/lock          flock(2) target: exclusive for writers, shared for readers
//   .chainctl/chain.stamp   stat identity of chain.json as chainctl last wrote it (a cache)
//   .chainctl/journal       present only while a multi-file change is being applied
//
// Commands find the repository as git does: -C DIR, else CHAINCTL_DIR, else the working directory
// or the nearest parent that holds .chainctl/.

#include "io/file_io.hpp"
#include "store/file_lock.hpp"

#include <functional>
#include <optional>
#include <string>

namespace chain::store {

namespace fs = std::filesystem;

inline constexpr std::string_view k_state_dir = ".chainctl";
inline constexpr std::string_view k_chain_file = "chain.json";

struct DiscoverOptions {
    std::optional<fs::path> directory; // -C DIR: start the search here
    std::optional<fs::path> env_dir;   // CHAINCTL_DIR: exactly this repository
    fs::path cwd;                      // otherwise start here
};

/// Turns a peer address into the form the repository keeps (normalised), or nothing to leave
/// it out. The store has no URL code of its own: callers that know URLs hand it this.
using PeerFilter = std::function<std::optional<std::string>(std::string_view)>;

struct InitResult {
    fs::path root;
    int difficulty = 0;
    std::size_t blocks = 0;
    bool adopted = false;          // an existing chain.json was kept
    std::size_t peers_dropped = 0; // peers of an adopted file that peer_filter left out
};

class Repository {
public:
    /// Opens the repository rooted at root; throws if root holds none.
    static Repository open(const fs::path& root);
    /// Finds the repository the way the commands do.
    static Repository discover(const DiscoverOptions& options);
    /// Whether dir is the root of a repository.
    static bool exists_at(const fs::path& dir);
    /// Creates a repository in dir (created if missing). An existing valid chain.json there is
    /// kept (and its "difficulty" used unless one is given), its peers passed through
    /// peer_filter. Throws if dir already is one.
    static InitResult init(const fs::path& dir, std::optional<int> difficulty,
                           const PeerFilter& peer_filter = {});

    const fs::path& root() const { return m_root; }
    int difficulty() const { return m_difficulty; }

    // Every file of a repository is named here and nowhere else.
    fs::path state_dir() const { return m_root / k_state_dir; }
    fs::path chain_path() const { return m_root / k_chain_file; }
    fs::path config_path() const { return state_dir() / "config.json"; }
    fs::path pending_path() const { return state_dir() / "pending.jsonl"; }
    fs::path lock_path() const { return state_dir() / "lock"; }
    fs::path stamp_path() const { return state_dir() / "chain.stamp"; }
    fs::path journal_path() const { return state_dir() / "journal"; }
    fs::path serve_lock_path() const { return state_dir() / "serve.lock"; }
    fs::path node_info_path() const { return state_dir() / "node.json"; }
    /// A peer's chain being downloaded, before it is checked and perhaps adopted; one file per
    /// download under way (tag), all removed when a node starts.
    fs::path incoming_path(std::string_view tag) const {
        return state_dir() / ("incoming-" + std::string(tag) + ".json");
    }
    /// Where a new version of a file is written before a change renames it into place
    /// ("pending.jsonl" -> .chainctl/pending.jsonl.next, "chain.json" -> chain.json.next).
    fs::path staging_path(const fs::path& file) const {
        fs::path next = file;
        next += ".next";
        return next;
    }

    /// Takes the repository lock. Before returning, an interrupted change is finished (which
    /// needs the exclusive lock, so a shared lock is then taken as exclusive).
    FileLock lock(LockMode mode) const;

private:
    Repository(fs::path root, int difficulty) : m_root(std::move(root)), m_difficulty(difficulty) {}
    fs::path m_root;
    int m_difficulty;
};

} // namespace chain::store
