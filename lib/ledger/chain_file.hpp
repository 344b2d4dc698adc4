#pragma once
// The chain file format: exactly the reference node's GET /chain body, which is also its data
// file: {"length": N, "chain": [blocks], "peers": [urls]}, plus an optional "difficulty" that
// chainctl writes and the reference ignores.
//
// chainctl lays the file out so that a block can be appended in place without rewriting it:
//
//   {"length": 3                   , "chain": [
//   {"index": 0, ...},
//   {"index": 1, ...},
//   {"index": 2, ...}
//   ], "peers": [], "difficulty": 2}
//
// The length is padded to a fixed width so it can be rewritten where it stands, each block sits
// on a line of its own (JSON strings cannot hold a raw newline, so a line is always one whole
// block), and everything after the last block (the "tail") is one short line. To append, the
// tail is overwritten by ",\n<new block>" and a new tail. Any JSON reader sees the same document
// as the reference's single-line form.

#include "ledger/validate.hpp"

#include "json/parse.hpp"
#include "json/value.hpp"
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chain::ledger {

/// Top-level members other than the blocks.
struct ChainFileMeta {
    std::optional<std::int64_t> length;
    std::vector<std::string> peers;
    std::optional<int> difficulty;
};

/// Streams a chain file: on_block is called with the reader positioned at each element of "chain"
/// in turn and must consume exactly that element (read_value(), or a faster scan), so memory stays
/// flat however long the chain. Members that are present but wrong ("peers" not an
/// array of strings, a non-integer "length" or "difficulty") are reported in problems. Throws
/// json::ParseError for malformed JSON and chain::Error when there is no "chain" array at all.
ChainFileMeta read_chain_file(std::string_view text,
                              const std::function<void(json::Reader&)>& on_block,
                              std::vector<Problem>& problems);

/// A whole chain file in memory.
struct ChainDocument {
    json::Array blocks;
    ChainFileMeta meta;
};

/// Parses a chain file completely. Throws like read_chain_file, and also for the problems it
/// would report, since a document with a malformed "peers" cannot be used.
ChainDocument parse_chain_file(std::string_view text);

// The in-place layout.
inline constexpr std::size_t k_length_offset = 11; // after {"length":
inline constexpr std::size_t k_length_width = 20;  // digits of 2^64, padded with spaces
inline constexpr std::size_t k_header_size = 44;   // through "[\n"

/// `{"length": N<padding>, "chain": [\n`
std::string layout_header(std::uint64_t length);
/// The padded length field alone, to rewrite at k_length_offset.
std::string layout_length_field(std::uint64_t length);
/// `\n], "peers": [...], "difficulty": N}\n`: everything after the last block.
std::string layout_tail(const std::vector<std::string>& peers, int difficulty);
/// One block as it stands on its line: json.dumps(block) in the block's own key order.
std::string layout_block_line(const json::Value& block);
/// A complete file in the layout.
std::string layout_file(const json::Array& blocks, const std::vector<std::string>& peers,
                        int difficulty);

} // namespace chain::ledger
