#pragma once
// A typed client for one node, chainctl's or the reference Python node: every call the CLI, the
// web page, consensus, gossip and the network lab make to a node goes through here. It knows
// which kind of node it talks to (a chainctl node answers GET /health; the reference has no such
// endpoint), asks chainctl nodes for JSON and understands the reference's plain texts.
//
// Failures are typed: http::Unreachable when no answer came (refused, timed out, too large ...),
// http::StatusError when the node answered with a refusal (its status and reason), BadAnswer
// when what it sent cannot be understood.

#include "http/client.hpp"
#include "io/cancellation.hpp"
#include "ledger/ledger_api.hpp"

#include "json/value.hpp"
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chain::node {

enum class NodeKind { Unknown, Chainctl, Reference };

/// "chainctl", "reference" or "unknown".
std::string_view kind_name(NodeKind kind);

/// What a node sent cannot be understood (not JSON, wrong shape).
class BadAnswer : public Error {
public:
    using Error::Error;
};

/// The node called is the caller itself, reached through another address (it recognised its own
/// id in the request).
class IsSelf : public Error {
public:
    using Error::Error;
};

/// Header names of chainctl's node-to-node requests: the caller's node id and the address it
/// advertises.
inline constexpr std::string_view k_node_id_header = "X-Chainctl-Node";
inline constexpr std::string_view k_origin_header = "X-Chainctl-Origin";

/// The header a node answers with when a request carries its own id.
inline constexpr std::string_view k_self_header = "X-Chainctl-Self";

/// The header of a relayed block that names the nodes known to hold it already (the reference
/// node it came from, say), comma-separated, at most k_max_held_by of them.
inline constexpr std::string_view k_held_by_header = "X-Chainctl-Held-By";
inline constexpr std::size_t k_max_held_by = 8;

/// A chainctl node's GET /health.
struct Health {
    std::string id;  // the node's id for this run of its process
    std::string url; // the address it advertises
    std::size_t length = 0;
    std::string tip;
    std::size_t pending = 0;
    std::size_t peers = 0;
    int difficulty = 0;
    std::string version;
};

/// The default limit on a chain a node sends (GET /chain, a registration answer): 1 GiB.
inline constexpr std::size_t k_default_max_chain_bytes = std::size_t{1} << 30;

struct NodeClientOptions {
    double connect_timeout_s = 2;
    double read_timeout_s = 10; // small calls: the longest silence while the answer is awaited
    std::size_t max_chain_bytes = k_default_max_chain_bytes;
    /// Sent as X-Chainctl-Node on every request when this client belongs to a node, so that a
    /// node recognises its own requests coming back (through a relay or an alias) by its id.
    std::string self_id;
    /// Sent as X-Chainctl-Origin: the address the calling node advertises.
    std::string self_url;
    const io::Cancellation* cancel = nullptr;
};

/// The answer to GET /mine.
struct MineAnswer {
    ledger::MineOutcome outcome;
};

/// The answer to POST /add_block: its status and text.
struct BlockAnswer {
    int status = 0;
    std::string message;
};

class NodeClient {
public:
    NodeClient(http::Client& client, const std::string& url, NodeClientOptions options = {});

    const http::Url& url() const { return m_url; }
    std::string location() const { return m_url.str(); }
    const NodeClientOptions& options() const { return m_options; }

    /// GET /health; nothing when the node has none (a reference node).
    std::optional<Health> health();
    /// chainctl or reference, from /health (asked once, then remembered).
    NodeKind kind();
    /// Says what kind of node it is, when that is known already, sparing the /health call.
    void known_as(NodeKind kind) { m_kind = kind; }
    /// The number of blocks the node holds: /health's for chainctl; for the reference, the
    /// leading "length" of its /chain, read from the first bytes only.
    std::size_t length();
    /// GET /chain: the chain file text, at most max_chain_bytes.
    std::string chain_text(double read_timeout_s = 60);
    /// GET /chain into a file (created or truncated), at most max_chain_bytes: a long chain
    /// never sits in memory. Returns its size.
    std::uint64_t chain_to_file(const std::filesystem::path& path, double read_timeout_s = 60);
    /// GET /chain, parsed.
    ledger::ChainDocument chain();
    /// GET /pending_tx.
    std::vector<json::Value> pending();
    /// POST /new_transaction; the transaction as stored (a reference node only says "Success":
    /// then the transaction as sent).
    json::Value add_transaction(const json::Value& tx);
    /// GET /mine, waiting as long as mining takes (or up to timeout_s, if not 0). Cancellable:
    /// the caller stops waiting at once (the outcome is Cancelled; the node may still commit
    /// the block).
    ledger::MineOutcome mine(double timeout_s = 0, const io::Cancellation* cancel = nullptr);
    /// POST /add_block with a block's JSON text; held_by names nodes known to hold it already.
    BlockAnswer add_block(std::string_view block_json,
                          const std::vector<std::string>& held_by = {});
    /// POST /register_node {"node_address": self_url}: the node's /chain body, as its answer;
    /// within deadline_s in all, if not 0.
    std::string register_node(const std::string& self_url, double deadline_s = 0);
    /// The same, the answer (a whole chain) written into a file instead of memory.
    std::uint64_t register_node_to_file(const std::string& self_url,
                                        const std::filesystem::path& path, double deadline_s = 0);
    /// POST /register_with {"node_address": url}: the node's message. Waits up to timeout_s.
    std::string register_with(const std::string& url, double timeout_s);
    /// GET /peers (chainctl), or the peers of /chain (the reference has no /peers).
    std::vector<std::string> peers();
    /// GET /peers?detail=1 of a chainctl node: what it knows of each peer.
    json::Value peer_status();

private:
    http::Answer call(std::string_view method, std::string_view endpoint,
                      std::string_view body = {}, double read_timeout_s = 0,
                      std::size_t max_response = 0, const io::Cancellation* cancel = nullptr,
                      double deadline_s = 0, std::function<bool(std::string_view)> sink = nullptr,
                      const http::Headers* extra = nullptr);
    /// A call whose (large) answer goes into a file; its size. Throws like call(), and
    /// StatusError for an answer other than 200.
    std::uint64_t call_to_file(std::string_view method, std::string_view endpoint,
                               std::string_view body, const std::filesystem::path& path,
                               double read_timeout_s, double deadline_s, std::string_view what);
    [[noreturn]] void refused(const http::Answer& a, std::string_view what) const;
    json::Value parse(const http::Answer& a, std::string_view what) const;

    http::Client& m_client;
    http::Url m_url;
    NodeClientOptions m_options;
    NodeKind m_kind = NodeKind::Unknown;
};

/// The "length" member of a chain file, when it comes first (as both kinds of node write it).
std::optional<std::size_t> leading_length(std::string_view chain_file_text);

} // namespace chain::node
