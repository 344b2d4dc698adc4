#pragma once
// How a repository lays chain.json out: the reference node's document (ledger/chain_file.hpp),
// written so that a block can be appended in place without rewriting the file. This file is the
// only place that knows the layout; everything else asks it.
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

#include "json/value.hpp"
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chain::store::layout {

inline constexpr std::size_t k_length_offset = 11; // after {"length":
inline constexpr std::size_t k_length_width = 20;  // digits of 2^64, padded with spaces
inline constexpr std::size_t k_header_size = 44;   // through "[\n"

/// `{"length": N<padding>, "chain": [\n`
std::string header(std::uint64_t length);
/// The padded length field alone, to rewrite at k_length_offset.
std::string length_field(std::uint64_t length);
/// The length a header states; nothing when the text is not a header of this layout.
std::optional<std::uint64_t> parse_header(std::string_view header);

/// `\n], "peers": [...], "difficulty": N}\n`: everything after the last block's line.
std::string tail(const std::vector<std::string>& peers, int difficulty);
/// The peers of a tail line (`], "peers": [...], "difficulty": N}`, without the newlines);
/// nothing when the line is not one.
std::optional<std::vector<std::string>> parse_tail_line(std::string_view line);
/// Whether a line of the file is the tail line rather than a block.
bool is_tail_line(std::string_view line);

/// One block as it stands on its line: json.dumps(block) in the block's own key order.
std::string block_line(const json::Value& block);
/// The stored hash of a block line. Lines chainctl writes end `"hash": "<64 hex>"}` and are read
/// without parsing; any other spelling is parsed. Throws chain::Error when there is none.
std::string hash_of_line(std::string_view line);

/// A complete file in the layout.
std::string file(const json::Array& blocks, const std::vector<std::string>& peers, int difficulty);

} // namespace chain::store::layout
