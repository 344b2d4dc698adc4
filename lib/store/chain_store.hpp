#pragma once
// chain.json operations that use its in-place layout (see ledger/chain_file.hpp): finding the
// tip without reading the blocks before it, and appending a block or changing the peers by
// rewriting only the end of the file.
//
// The tip is only trusted when the file is exactly as chainctl last left it: after each write
// chainctl records the file's stat identity (size, mtime, ctime, inode) in .chainctl/chain.stamp.
// A file that anyone else has touched since (the reference node, an editor) is validated in full,
// and rewritten in chainctl's layout if needed, before anything is appended to it. The stamp is
// only a cache: losing it costs one full validation, never correctness.

#include "io/file_io.hpp"
#include "ledger/chain_file.hpp"
#include "store/journal.hpp"

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

/// The peers in chainctl's tail line `], "peers": [...], "difficulty": N}`; nothing when the
/// line is not one.
std::optional<std::vector<std::string>> parse_tail_line(std::string_view line);

class ChainStore {
public:
    ChainStore(io::fs::path root, io::fs::path state_dir, std::string file_name, int difficulty)
        : m_root(std::move(root)), m_state_dir(std::move(state_dir)), m_file(std::move(file_name)),
          m_difficulty(difficulty) {}

    io::fs::path path() const { return m_root / m_file; }

    /// The tip when the file is in chainctl's layout and consistent; nothing otherwise.
    std::optional<ChainTip> read_tip() const;
    /// The tip, first validating the whole file (and rewriting it in chainctl's layout) unless
    /// chainctl wrote it last. Needs the exclusive lock. Throws if the chain is not valid.
    ChainTip prepare_tip() const;
    /// Records the file as chainctl left it, after a write.
    void record_stamp() const;

    /// Journal operations that append a block after tip.
    std::vector<JournalOp> append_ops(const ChainTip& tip, const json::Value& block) const;
    /// Journal operations that replace the peer list.
    std::vector<JournalOp> peers_ops(const ChainTip& tip,
                                     const std::vector<std::string>& peers) const;

    /// The whole file, parsed.
    ledger::ChainDocument load() const;

private:
    std::string current_stamp() const;
    io::fs::path stamp_path() const { return m_state_dir / "chain.stamp"; }

    io::fs::path m_root;
    io::fs::path m_state_dir;
    std::string m_file;
    int m_difficulty;
};

} // namespace chain::store
