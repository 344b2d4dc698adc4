#pragma once
// chain.json held in memory byte for byte as it is on disk (chainctl's layout), with where each
// block's line starts and each block's hash. A node serves it as its GET /chain body without
// serialising anything, and changes it by applying to it the same write operations it journals
// to the file, so the two cannot drift apart. Images are immutable: a change makes a new one,
// and readers keep whichever snapshot they took.

#include "store/chain_store.hpp"

#include "json/value.hpp"
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace chain::store {

class ChainImage {
public:
    /// An image of a file in chainctl's layout (as ChainStore::prepare_tip leaves it).
    static ChainImage from_layout(std::string text, int difficulty);
    /// Builds the image of a chain already checked to be valid, one block at a time.
    class Builder {
    public:
        Builder(std::size_t blocks, std::size_t expected_bytes);
        void add(const json::Value& block);
        ChainImage finish(std::vector<std::string> peers, int difficulty);

    private:
        std::string m_body;
        std::vector<std::size_t> m_line_starts;
        std::vector<std::string> m_hashes;
    };

    std::shared_ptr<const std::string> body() const { return m_body; }
    std::size_t length() const { return m_hashes.size(); }
    const std::string& hash(std::size_t i) const { return m_hashes[i]; }
    const std::string& tip_hash() const { return m_hashes.back(); }
    /// The JSON text of block i.
    std::string_view line(std::size_t i) const;
    json::Value block(std::size_t i) const;
    const std::vector<std::string>& peers() const { return m_peers; }
    /// What ChainStore needs to write the next change to the file.
    ChainTip tip() const;

    /// This image after the operations `ops` (ChainStore's append or peers operations on
    /// chain.json), given the block appended, if any.
    ChainImage appended(const json::Value& block, const std::vector<JournalOp>& ops) const;
    ChainImage with_peers(std::vector<std::string> peers, const std::vector<JournalOp>& ops) const;

private:
    std::string applied(const std::vector<JournalOp>& ops) const;

    std::shared_ptr<const std::string> m_body;
    std::vector<std::size_t> m_line_starts;
    std::size_t m_tail_offset = 0; // the newline ending the last block's line
    std::vector<std::string> m_hashes;
    std::vector<std::string> m_peers;
    int m_difficulty = 0;
};

} // namespace chain::store
