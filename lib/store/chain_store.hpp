#pragma once
// chain.json operations that use its in-place layout (see ledger/chain_file.hpp): finding the
// tip without reading the blocks before it, and appending a block or changing the peers by
// rewriting only the end of the file. A file in any other layout (written by the reference node
// or by hand) is validated in full and rewritten once in chainctl's layout before it is changed.

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

class ChainStore {
public:
    ChainStore(io::fs::path root, std::string file_name, int difficulty)
        : m_root(std::move(root)), m_file(std::move(file_name)), m_difficulty(difficulty) {}

    io::fs::path path() const { return m_root / m_file; }

    /// The tip when the file is in chainctl's layout and consistent; nothing otherwise.
    std::optional<ChainTip> read_tip() const;
    /// The tip, first validating and rewriting the file in chainctl's layout if needed (which
    /// needs the exclusive lock). Throws if the chain is not valid.
    ChainTip prepare_tip() const;

    /// Journal operations that append a block after tip.
    std::vector<JournalOp> append_ops(const ChainTip& tip, const json::Value& block) const;
    /// Journal operations that replace the peer list.
    std::vector<JournalOp> peers_ops(const ChainTip& tip,
                                     const std::vector<std::string>& peers) const;

    /// The whole file, parsed.
    ledger::ChainDocument load() const;

private:
    io::fs::path m_root;
    std::string m_file;
    int m_difficulty;
};

} // namespace chain::store
