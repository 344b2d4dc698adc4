#pragma once
// The chain file format: exactly the reference node's GET /chain body, which is also its data
// file: {"length": N, "chain": [blocks], "peers": [urls]}, plus an optional "difficulty" that
// chainctl writes and the reference ignores. A repository lays its chain.json out in a form of
// this format that can be appended in place (store/chain_layout.hpp); any JSON reader, the
// reference node included, sees the same document.

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
///
/// A repeated member counts as Python's json.load counts it: the last one. When "chain" comes
/// again, on_restart is called first: the blocks given so far no longer count.
ChainFileMeta read_chain_file(std::string_view text,
                              const std::function<void(json::Reader&)>& on_block,
                              std::vector<Problem>& problems,
                              const std::function<void()>& on_restart);

/// A whole chain file in memory.
struct ChainDocument {
    json::Array blocks;
    ChainFileMeta meta;
};

/// Parses a chain file completely. Throws like read_chain_file, and also for the problems it
/// would report, since a document with a malformed "peers" cannot be used.
ChainDocument parse_chain_file(std::string_view text);

/// Throws chain::Error when prefix (the start of a stream, as much as has arrived) cannot begin a
/// chain file: a file that starts with anything but a JSON object, or with malformed JSON, is
/// refused at its first bytes instead of after reading it all.
void check_chain_prefix(std::string_view prefix);

/// json.dumps({"length": N, "chain": blocks, "peers": peers}): a chain file as the reference
/// node writes it, on one line; with a difficulty, chainctl's "difficulty" member last.
std::string chain_file_text(const json::Array& blocks, const std::vector<std::string>& peers,
                            std::optional<int> difficulty = std::nullopt);

} // namespace chain::ledger
