#pragma once
// Consensus, as the reference intends it but with chains that are really validated: the longest
// valid chain among the peers' wins, if it is longer than this node's.

#include "http/client.hpp"
#include "node/node_state.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chain::node {

struct ConsensusOptions {
    http::HttpTimeouts probe{1.0, 2.0};          // GET /health, to skip peers that are not longer
    http::HttpTimeouts fetch{1.0, 60.0};         // GET /chain
    std::function<void(const std::string&)> log; // one line per peer that failed, if set
};

/// Asks every peer at once for its chain (chainctl peers first say their length, so only longer
/// chains are downloaded) and adopts the longest valid one that is longer than this node's.
/// Returns the peer it came from, or nothing when this node's chain stays.
std::optional<std::string> run_consensus(NodeState& state, const std::vector<std::string>& peers,
                                         const ConsensusOptions& options);

/// The "length" member of a chain file, when it comes first (as both kinds of node write it).
std::optional<std::size_t> leading_length(std::string_view chain_file_text);

} // namespace chain::node
