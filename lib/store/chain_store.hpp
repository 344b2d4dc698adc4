#pragma once
// chain.json operations that use its in-place layout (store/chain_layout.hpp): finding the tip
// without reading the blocks before it, and the one way every change reaches the repository:
// commit(), used by the local commands and by the node alike.
//
// The tip is only trusted when the file is exactly as chainctl last left it: after each write
// chainctl records the file's stat identity (size, mtime, ctime, inode) in .chainctl/chain.stamp.
// A file that anyone else has touched since (the reference node, an editor) is validated in full,
// and rewritten in chainctl's layout if needed, before anything is appended to it. The stamp is
// only a cache: losing it costs one full validation, never correctness.

#include "io/file_io.hpp"
#include "ledger/chain_file.hpp"
#include "store/repository.hpp"

#include "json/value.hpp"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chain::store {

/// What appending needs to know, read from the end of the file.
struct ChainTip {
    std::uint64_t length = 0;      // number of blocks
    std::int64_t index = 0;        // of the last block
    std::string hash;              // of the last block
    std::uint64_t tail_offset = 0; // the newline that ends the last block's line
    std::vector<std::string> peers;
};

/// One change to a repository: applied whole or not at all, also across a kill -9 or a full
/// disk (space is reserved before anything is written, and a journal record finishes a change
/// that was cut off).
struct Change {
    /// Appended after the tip, in order (already checked by the caller).
    std::vector<json::Value> blocks;
    /// The new peer list (normalised by the caller).
    std::optional<std::vector<std::string>> peers;
    /// The new pending list, as JSON lines, replacing the file.
    std::optional<std::vector<std::string>> pending;
    /// A complete new chain.json, already written (in the layout) and synced, renamed over the
    /// current one; instead of blocks.
    std::optional<io::fs::path> replacement;
};

class ChainStore {
public:
    explicit ChainStore(Repository repo) : m_repo(std::move(repo)) {}

    const Repository& repository() const { return m_repo; }
    io::fs::path path() const { return m_repo.chain_path(); }

    /// The tip when the file is in chainctl's layout and consistent; nothing otherwise.
    std::optional<ChainTip> read_tip() const;
    /// The tip, first validating the whole file (and rewriting it in chainctl's layout) unless
    /// chainctl wrote it last. Needs the exclusive lock. Throws if the chain is not valid.
    ChainTip prepare_tip() const;
    /// Records the file as chainctl left it, after a write. Best effort: it is only a cache.
    void record_stamp() const;

    /// Applies a change to the chain whose tip is `tip` (read under the same exclusive lock).
    /// Returns the new tip. Throws chain::Error, having changed nothing, when the change cannot
    /// be made (a full disk); a change that fails part way is finished by whoever takes the
    /// lock next, which the message says.
    ChainTip commit(const ChainTip& tip, const Change& change) const;

    /// The whole file, parsed.
    ledger::ChainDocument load() const;

private:
    std::string current_stamp() const;
    Repository m_repo;
};

} // namespace chain::store
