#include "node/consensus.hpp"

#include "error.hpp"

#include "json/parse.hpp"
#include <algorithm>
#include <limits>
#include <thread>

namespace chain::node {

namespace {

struct Candidate {
    std::string peer;
    std::string text;
    std::size_t length = 0;
};

// A peer's chain if it may be longer than `than`; nothing otherwise or when the peer fails.
std::optional<Candidate> fetch(const std::string& peer, std::size_t than,
                               const ConsensusOptions& o) {
    http::Url url = http::parse_url(peer);
    try {
        http::HttpResponse health = http::http_request(url, "GET", "health", {}, {}, o.probe);
        if (health.status == 200 && health.is_json()) {
            json::Value v = json::parse(health.body);
            const json::Value* length = v.find("length");
            if (length && length->type() == json::Type::Int &&
                static_cast<std::size_t>(length->as_int()) <= than)
                return std::nullopt;
        }
    } catch (const Error&) {
        // A reference node has no /health, and a dead one fails again below.
    }
    try {
        http::HttpResponse r = http::http_request(url, "GET", "chain", {}, {}, o.fetch);
        if (r.status != 200) throw Error("answered HTTP " + std::to_string(r.status));
        std::size_t length =
            leading_length(r.body).value_or(std::numeric_limits<std::size_t>::max());
        if (length <= than) return std::nullopt;
        return Candidate{peer, std::move(r.body), length};
    } catch (const Error& e) {
        if (o.log) o.log("consensus: " + peer + ": " + e.what());
        return std::nullopt;
    }
}

} // namespace

std::optional<std::size_t> leading_length(std::string_view text) {
    try {
        json::Reader reader(text);
        reader.begin_object();
        std::string key;
        if (!reader.next_member(key) || key != "length") return std::nullopt;
        json::Value length = reader.read_value();
        if (length.type() != json::Type::Int || length.as_int() < 0) return std::nullopt;
        return static_cast<std::size_t>(length.as_int());
    } catch (const Error&) {
        return std::nullopt;
    }
}

std::optional<std::string> run_consensus(NodeState& state, const std::vector<std::string>& peers,
                                         const ConsensusOptions& options) {
    const std::size_t ours = state.summary().length;
    std::vector<std::optional<Candidate>> found(peers.size());
    {
        std::vector<std::jthread> calls;
        for (std::size_t i = 0; i < peers.size(); ++i)
            calls.emplace_back([&, i] { found[i] = fetch(peers[i], ours, options); });
    }
    std::vector<Candidate> candidates;
    for (auto& c : found)
        if (c) candidates.push_back(std::move(*c));
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.length > b.length; });
    for (const Candidate& c : candidates) {
        AdoptResult r = state.adopt(c.text);
        if (r.adopted()) return c.peer;
        if (r.outcome == AdoptResult::Outcome::Invalid && options.log)
            options.log("consensus: " + c.peer + " sent " + r.reason);
    }
    return std::nullopt;
}

} // namespace chain::node
