#pragma once
// A node's view of chain.json: where each block's line starts and each block's hash, and the
// file itself held open. Blocks are read from the file when needed, so memory grows by about 40
// bytes a block, not by the chain's bytes. The bytes of every block line are never rewritten
// once written (an append overwrites only the tail after them; a new chain is a new file,
// renamed in), so a snapshot is only an open file, a range of it, and a header and a tail made
// for that moment: it stays valid while the chain changes.

#include "io/file_io.hpp"
#include "store/chain_store.hpp"

#include "json/value.hpp"
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chain::store {

/// chain.json as it was at one moment: header + file bytes [begin, end) + tail. This is the
/// GET /chain body, served without holding the chain in memory.
struct ChainSnapshot {
    std::shared_ptr<const io::FileDescriptor> file;
    std::string header;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    std::string tail;

    std::uint64_t size() const { return header.size() + (end - begin) + tail.size(); }
    /// Up to max bytes of the body from offset.
    std::string read(std::uint64_t offset, std::size_t max) const;
    /// The whole body (tests, small chains).
    std::string text() const;
};

class ChainIndex {
public:
    /// Indexes chain.json, in the layout that ChainStore::prepare_tip leaves it.
    static ChainIndex load(const Repository& repo);

    std::size_t length() const { return m_offsets.size(); }
    std::string hash(std::size_t i) const;
    std::string tip_hash() const { return hash(length() - 1); }
    const std::vector<std::string>& peers() const { return m_peers; }
    /// What ChainStore::commit needs to write the next change.
    ChainTip tip() const;

    /// The text of block i (its line), read from the file.
    std::string line(std::size_t i) const;
    json::Value block(std::size_t i) const;

    /// Follows a change committed to this same file (blocks appended, peers replaced); new_tip
    /// is what ChainStore::commit returned.
    void apply(const Change& change, const ChainTip& new_tip);

    /// The file as it is now; with other_peers, as if the peer list were that.
    ChainSnapshot snapshot() const;
    ChainSnapshot snapshot(const std::vector<std::string>& other_peers) const;

private:
    friend class ChainWriter;
    std::shared_ptr<const io::FileDescriptor> m_file;
    io::fs::path m_path;
    int m_difficulty = 0;
    std::vector<std::uint64_t> m_offsets;                // where each block's line starts
    std::vector<std::array<unsigned char, 32>> m_hashes; // each block's hash
    std::uint64_t m_tail_offset = 0;                     // the newline ending the last line
    std::vector<std::string> m_peers;
};

/// Writes a whole new chain.json, in the layout, to its staging name (for a Change's
/// replacement), indexing it as it goes. The file is removed again unless it was committed.
class ChainWriter {
public:
    explicit ChainWriter(const Repository& repo);
    ~ChainWriter();
    ChainWriter(const ChainWriter&) = delete;
    ChainWriter& operator=(const ChainWriter&) = delete;

    /// Appends a block (checked by the caller) as its line.
    void add(const json::Value& block);
    /// Forgets every block added so far (a chain file that names its "chain" twice).
    void restart();
    /// Ends the file with the tail, syncs it, and returns its index (valid once the file is
    /// renamed into place, which the index's open file survives).
    ChainIndex finish(const std::vector<std::string>& peers);
    const io::fs::path& path() const { return m_path; }
    /// The file now belongs to the repository: do not remove it.
    void committed() { m_committed = true; }

private:
    void flush();
    io::fs::path m_path;
    int m_difficulty;
    std::shared_ptr<io::FileDescriptor> m_file;
    std::string m_buffer;
    std::uint64_t m_written = 0; // bytes of the file before m_buffer
    ChainIndex m_index;
    bool m_committed = false;
};

/// Writes text (a valid chain file, checked by the caller, in any spelling of the format) as the
/// repository's chain.json in the layout, replacing it atomically. It streams block by block, so
/// memory stays flat however long the chain; source, if given, is let go of as it is read. The
/// peers are the file's own, through peer_filter if given (duplicates after it dropped). Returns
/// how many peers were left out.
std::size_t rewrite_in_layout(const Repository& repo, std::string_view text,
                              const PeerFilter& peer_filter = {}, io::MappedFile* source = nullptr);

} // namespace chain::store
