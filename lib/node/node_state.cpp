#include "node/node_state.hpp"

#include "error.hpp"
#include "http/url.hpp"
#include "ledger/block.hpp"
#include "ledger/chain_file.hpp"
#include "ledger/transaction.hpp"
#include "ledger/verify.hpp"
#include "store/pending_store.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <algorithm>
#include <cmath>
#include <future>
#include <limits>
#include <set>

namespace chain::node {

namespace {

// Events are published while the write lock is held, so that their order is the order of the
// commits; publishing only queues them.

// The node's stamp on a pending transaction (its line); transactions without one, or with one
// that is not a number (NaN included, which would break the ordering), sort last.
double timestamp_of(const std::string& line) {
    json::Value tx = json::parse(line);
    const json::Value* ts = tx.find("timestamp");
    if (!ts || !ts->is_number()) return std::numeric_limits<double>::infinity();
    double t = ts->is_float()                  ? ts->as_float()
               : ts->type() == json::Type::Int ? static_cast<double>(ts->as_int())
                                               : std::numeric_limits<double>::infinity();
    return std::isnan(t) ? std::numeric_limits<double>::infinity() : t;
}

// Transactions are the same when their canonical JSON is.
void add_canonical_transactions(const json::Value& block, std::set<std::string>& out) {
    if (const json::Value* txs = block.find("transactions"); txs && txs->is_array())
        for (const json::Value& tx : txs->as_array())
            out.insert(json::dump_canonical(tx));
}

} // namespace

NodeState::NodeState(store::Repository repo, EventBus& events, StateLimits limits)
    : m_repo(std::move(repo)), m_limits(limits), m_store(m_repo), m_events(events) {
    {
        store::FileLock lock = m_repo.lock(store::LockMode::Exclusive); // finishes a cut-off write
        // Downloads a killed node left behind.
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(m_repo.state_dir(), ec))
            if (entry.path().filename().string().starts_with("incoming-"))
                std::filesystem::remove(entry.path(), ec);
        m_store.prepare_tip(); // validates a file chainctl did not write last
        m_index = store::ChainIndex::load(m_repo);
        set_pending(store::PendingStore(m_repo.pending_path()).read_lines());
        // Peers wherever they came from (a hand-edited or adopted chain.json) are kept as the
        // reference needs them: normalised, once each; anything else is left out.
        std::vector<std::string> normal;
        for (const std::string& peer : m_index.peers())
            if (auto n = http::try_normalize_peer_url(peer);
                n && std::find(normal.begin(), normal.end(), *n) == normal.end())
                normal.push_back(*n);
        if (normal != m_index.peers()) {
            m_peers_dropped = m_index.peers().size() - normal.size();
            store::Change change;
            change.peers = normal;
            m_index.apply(change, m_store.commit(m_index.tip(), change));
        }
    }
    m_committer = std::thread([this] { run_committer(); });
}

NodeState::~NodeState() {
    {
        std::lock_guard lock(m_queue_mutex);
        m_stopping = true;
    }
    m_queue_cv.notify_all();
    m_committer.join();
}

store::ChainSnapshot NodeState::chain() const {
    std::shared_lock lock(m_read);
    return m_index.snapshot();
}

store::ChainSnapshot NodeState::chain_without_peer(const std::string& peer) const {
    std::shared_lock lock(m_read);
    std::vector<std::string> others;
    for (const std::string& p : m_index.peers())
        if (p != peer) others.push_back(p);
    return m_index.snapshot(others);
}

std::shared_ptr<const std::string> NodeState::pending_body() const {
    {
        std::shared_lock lock(m_read);
        if (m_pending_body) return m_pending_body;
    }
    std::unique_lock lock(m_read);
    if (!m_pending_body) {
        std::string body = "[";
        for (std::size_t i = 0; i < m_pending.size(); ++i) {
            if (i) body += ", ";
            body += m_pending[i];
        }
        body += "]";
        m_pending_body = std::make_shared<const std::string>(std::move(body));
    }
    return m_pending_body;
}

std::vector<std::string> NodeState::peers() const {
    std::shared_lock lock(m_read);
    return m_index.peers();
}

NodeSummary NodeState::summary() const {
    std::shared_lock lock(m_read);
    return {m_index.length(), m_index.tip_hash(), m_pending.size(), m_index.peers().size(),
            difficulty()};
}

std::optional<json::Value> NodeState::block(std::size_t i) const {
    std::shared_lock lock(m_read);
    if (i >= m_index.length()) return std::nullopt;
    return m_index.block(i);
}

std::optional<std::string> NodeState::hash(std::size_t i) const {
    std::shared_lock lock(m_read);
    if (i >= m_index.length()) return std::nullopt;
    return m_index.hash(i);
}

void NodeState::set_pending(std::vector<std::string> lines) {
    m_pending = std::move(lines);
    m_pending_bytes = 0;
    for (const std::string& line : m_pending)
        m_pending_bytes += line.size();
    m_pending_body.reset();
}

void NodeState::add_transaction(json::Value tx,
                                std::function<void(const json::Value*, std::exception_ptr)> done) {
    ledger::check_new_transaction(tx);
    json::Value stored = ledger::stamp_transaction(std::move(tx), ledger::now_seconds());
    std::string line = json::dump(stored);
    std::size_t count = 0, bytes = 0;
    {
        std::shared_lock lock(m_read);
        count = m_pending.size();
        bytes = m_pending_bytes;
    }
    {
        std::lock_guard lock(m_queue_mutex);
        if (m_stopping) throw Error("the node is shutting down");
        count += m_queue.size();
        bytes += m_queued_bytes;
        if (count + 1 > m_limits.max_pending)
            throw Overloaded("this node holds " + std::to_string(count) +
                             " pending transactions, as many as it takes (--max-pending); try "
                             "again after the next block");
        if (bytes + line.size() > m_limits.max_pending_bytes)
            throw Overloaded("this node's pending transactions take " + std::to_string(bytes) +
                             " bytes; one more would pass its limit of " +
                             std::to_string(m_limits.max_pending_bytes) +
                             " (--max-pending-mib); try again after the next block");
        m_queued_bytes += line.size();
        m_queue.push_back(PendingWrite{std::move(line), std::move(stored), std::move(done)});
    }
    m_queue_cv.notify_one();
}

json::Value NodeState::add_transaction(json::Value tx) {
    std::promise<json::Value> result;
    std::future<json::Value> future = result.get_future();
    add_transaction(std::move(tx), [&result](const json::Value* stored, std::exception_ptr e) {
        if (e)
            result.set_exception(e);
        else
            result.set_value(*stored);
    });
    return future.get();
}

void NodeState::run_committer() {
    for (;;) {
        std::deque<PendingWrite> batch;
        {
            std::unique_lock lock(m_queue_mutex);
            m_queue_cv.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty()) return; // stopping, and everything is written
            batch.swap(m_queue);
            m_queued_bytes = 0;
        }
        std::vector<std::string> lines;
        lines.reserve(batch.size());
        for (const PendingWrite& w : batch)
            lines.push_back(w.line);
        try {
            std::lock_guard write(m_write);
            {
                store::FileLock file_lock(m_repo.lock_path(), store::LockMode::Exclusive);
                store::PendingStore(m_repo.pending_path()).append(lines); // one write, one fsync
            }
            std::size_t pending_now = 0;
            {
                std::unique_lock lock(m_read);
                for (const std::string& line : lines)
                    m_pending_bytes += line.size();
                m_pending.insert(m_pending.end(), lines.begin(), lines.end());
                m_pending_body.reset();
                pending_now = m_pending.size();
            }
            m_events.publish(TransactionsAdded{lines.size(), pending_now});
        } catch (...) {
            for (PendingWrite& w : batch)
                w.done(nullptr, std::current_exception());
            continue;
        }
        for (PendingWrite& w : batch)
            w.done(&w.stored, nullptr);
    }
}

void NodeState::commit_locked(const store::Change& change,
                              std::optional<store::ChainIndex> replacement) {
    store::ChainTip tip;
    {
        std::shared_lock lock(m_read);
        tip = m_index.tip();
    }
    store::ChainTip next;
    {
        store::FileLock file_lock(m_repo.lock_path(), store::LockMode::Exclusive);
        next = m_store.commit(tip, change);
    }
    std::unique_lock lock(m_read);
    const bool chain_changed = replacement || !change.blocks.empty();
    if (replacement)
        m_index = std::move(*replacement);
    else
        m_index.apply(change, next);
    if (change.pending) set_pending(*change.pending);
    if (chain_changed) ++m_generation;
}

std::vector<std::string>
NodeState::pending_without(const std::vector<std::string>& canonical) const {
    std::set<std::string> drop(canonical.begin(), canonical.end());
    std::vector<std::string> kept;
    for (const std::string& line : m_pending)
        if (!drop.contains(json::dump_canonical(json::parse(line)))) kept.push_back(line);
    return kept;
}

BlockResult NodeState::add_block(const json::Value& received, const Source& source) {
    if (auto problem = ledger::intrinsic_problem(received, difficulty()))
        return {BlockVerdict::Invalid, *problem};
    const json::Value& index_value = *received.find("index");
    if (index_value.type() != json::Type::Int || index_value.as_int() < 0)
        return {BlockVerdict::Invalid, "index " + json::dump(index_value) + " is out of range"};
    const auto index = static_cast<std::size_t>(index_value.as_int());
    const std::string& hash = received.find("hash")->as_string();

    std::unique_lock write(m_write);
    const std::size_t tip = m_index.length() - 1;
    if (index <= tip) {
        if (m_index.hash(index) == hash)
            return {BlockVerdict::Known,
                    "block #" + std::to_string(index) + " is already in the chain"};
        return {BlockVerdict::NotNext,
                "a fork: this node holds a different block #" + std::to_string(index)};
    }
    if (index > tip + 1)
        return {BlockVerdict::NotNext, "a gap: block #" + std::to_string(index) +
                                           " is ahead of this node's tip #" + std::to_string(tip)};
    if (received.find("previous_hash")->as_string() != m_index.tip_hash())
        return {BlockVerdict::NotNext,
                "a fork: previous_hash is not the hash of this node's block #" +
                    std::to_string(tip)};

    store::Change change;
    change.blocks.push_back(ledger::in_reference_order(received));
    std::set<std::string> included;
    add_canonical_transactions(received, included);
    std::vector<std::string> kept = pending_without({included.begin(), included.end()});
    if (kept.size() != m_pending.size()) change.pending = std::move(kept);
    commit_locked(change, std::nullopt);
    m_events.publish(BlockAppended{index, hash, included.size(), source});
    return {BlockVerdict::Added, ""};
}

AdoptResult NodeState::adopt(std::string_view text, const Source& source) {
    return adopt(text, source, nullptr);
}

AdoptResult NodeState::adopt_file(const std::filesystem::path& chain_file, const Source& source) {
    io::MappedFile file(chain_file);
    return adopt(file.view(), source, &file);
}

AdoptResult NodeState::adopt(std::string_view text, const Source& source, io::MappedFile* file) {
    // Each pass lets go of what it has read of a mapped file, so memory stays flat.
    auto release = [file](std::size_t done) {
        if (file) file->release_before(done);
    };
    ledger::VerifyReport report =
        ledger::verify_chain_text(text, difficulty(), difficulty(), release);
    if (!report.valid) {
        const ledger::Problem& p = report.problems.front();
        return {AdoptResult::Outcome::Invalid,
                "the chain is not valid (" +
                    (p.block ? "block " + std::to_string(*p.block) + ": " : "") + p.reason + ")",
                report.blocks,
                0,
                {}};
    }
    if (report.blocks <= summary().length)
        return {AdoptResult::Outcome::NotLonger,
                "it is not longer than this node's chain",
                report.blocks,
                0,
                {}};

    std::unique_lock write(m_write);
    const std::size_t old_length = m_index.length();
    if (report.blocks <= old_length)
        return {AdoptResult::Outcome::NotLonger,
                "it is not longer than this node's chain",
                report.blocks,
                0,
                {}};

    // Each block as chainctl writes it, straight into the new file. On the way: where the two
    // chains part, and which of the transactions that can matter the new blocks hold. Only
    // those are kept (this node's pending ones and those of its blocks the new chain leaves
    // out), so memory does not grow with the new chain.
    store::ChainWriter writer(m_repo);
    std::size_t fork = 0;
    bool parted = false;
    std::set<std::string> candidates; // canonical JSON
    std::set<std::string> included;   // candidates the new blocks hold
    auto collect_candidates = [&] {
        for (const std::string& line : m_pending)
            candidates.insert(json::dump_canonical(json::parse(line)));
        for (std::size_t i = fork; i < old_length; ++i)
            add_canonical_transactions(m_index.block(i), candidates);
    };
    std::vector<ledger::Problem> ignored;
    std::size_t position = 0;
    ledger::read_chain_file(
        text,
        [&](json::Reader& reader) {
            json::Value block = ledger::in_reference_order(reader.read_value());
            if (!parted) {
                if (position < old_length &&
                    m_index.hash(position) == block.find("hash")->as_string()) {
                    fork = position + 1;
                } else {
                    parted = true;
                    collect_candidates();
                }
            }
            if (parted && !candidates.empty())
                for (const json::Value& tx : block.find("transactions")->as_array())
                    if (std::string c = json::dump_canonical(tx); candidates.contains(c))
                        included.insert(std::move(c));
            writer.add(block);
            if (++position % 1024 == 0) release(reader.offset());
        },
        ignored,
        [&] { // a later "chain" replaces the earlier one: start over
            writer.restart();
            fork = position = 0;
            parted = false;
            candidates.clear();
            included.clear();
        });
    store::ChainIndex index = writer.finish(m_index.peers());

    // Pending transactions the new chain holds are dropped; those of this node's blocks that it
    // leaves out (orphaned) go back to pending, after the ones already there.
    std::vector<std::string> pending;
    std::set<std::string> kept;
    for (const std::string& line : m_pending) {
        std::string canonical = json::dump_canonical(json::parse(line));
        if (included.contains(canonical) || !kept.insert(canonical).second) continue;
        pending.push_back(line);
    }
    AdoptResult result{AdoptResult::Outcome::Adopted, "", index.length(), fork, {}};
    std::size_t returned = 0;
    for (std::size_t i = fork; i < old_length; ++i) {
        result.orphaned.push_back(m_index.hash(i));
        const json::Value orphan = m_index.block(i); // named: the loop holds references into it
        for (const json::Value& tx : orphan.find("transactions")->as_array()) {
            std::string canonical = json::dump_canonical(tx);
            if (included.contains(canonical) || !kept.insert(canonical).second) continue;
            pending.push_back(json::dump(tx));
            ++returned;
        }
    }

    // Oldest first, as tx list promises: the orphaned transactions were stamped before the
    // ones that arrived since.
    // Each line is parsed once for its key, not at every comparison.
    std::vector<std::pair<double, std::string>> keyed;
    keyed.reserve(pending.size());
    for (std::string& line : pending)
        keyed.emplace_back(timestamp_of(line), std::move(line));
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < keyed.size(); ++i)
        pending[i] = std::move(keyed[i].second);
    store::Change change;
    change.replacement = writer.path();
    change.pending = std::move(pending);
    commit_locked(change, std::move(index));
    writer.committed();
    m_events.publish(ChainAdopted{fork, old_length, result.length, m_index.tip_hash(),
                                  result.orphaned, returned, source});
    return result;
}

void NodeState::check_peer_limits(const std::vector<std::string>& peers,
                                  const std::string& url) const {
    if (peers.size() >= m_limits.max_peers)
        throw PeerRefused("this node has " + std::to_string(peers.size()) +
                          " peers, as many as it takes (--max-peers)");
    const http::Url wanted = http::parse_url(url);
    std::size_t same_host = 0;
    for (const std::string& p : peers) {
        http::Url known = http::parse_url(p);
        if (known.host != wanted.host) continue;
        ++same_host;
        if (known.scheme == wanted.scheme && known.port == wanted.port)
            throw PeerRefused("this node already has a peer at " + known.base() + " (" + p +
                              "); one address per host and port");
    }
    if (same_host >= m_limits.max_peers_per_host)
        throw PeerRefused("this node has " + std::to_string(same_host) + " peers on " +
                          wanted.host +
                          ", as many as it takes from one host "
                          "(--max-peers-per-host)");
}

void NodeState::check_new_peer(const std::string& url) const {
    std::vector<std::string> peers = this->peers();
    if (std::find(peers.begin(), peers.end(), url) == peers.end()) check_peer_limits(peers, url);
}

bool NodeState::add_peer(const std::string& url) {
    std::unique_lock write(m_write);
    std::vector<std::string> peers = m_index.peers();
    if (std::find(peers.begin(), peers.end(), url) != peers.end()) return false;
    check_peer_limits(peers, url);
    peers.push_back(url);
    store::Change change;
    change.peers = peers;
    commit_locked(change, std::nullopt);
    m_events.publish(PeersChanged{{url}, {}, peers.size()});
    return true;
}

NodeState::PeersAdded NodeState::add_peers(const std::vector<std::string>& urls) {
    std::unique_lock write(m_write);
    std::vector<std::string> peers = m_index.peers();
    std::set<std::string> known(peers.begin(), peers.end());
    PeersAdded result;
    std::vector<std::string> added;
    for (const std::string& url : urls) {
        if (known.contains(url)) continue;
        try {
            check_peer_limits(peers, url);
        } catch (const PeerRefused&) {
            ++result.refused;
            continue;
        }
        peers.push_back(url);
        known.insert(url);
        added.push_back(url);
    }
    result.added = added.size();
    if (added.empty()) return result;
    store::Change change;
    change.peers = peers;
    commit_locked(change, std::nullopt);
    m_events.publish(PeersChanged{std::move(added), {}, peers.size()});
    return result;
}

bool NodeState::remove_peer(const std::string& url) {
    std::unique_lock write(m_write);
    std::vector<std::string> peers = m_index.peers();
    auto it = std::find(peers.begin(), peers.end(), url);
    if (it == peers.end()) return false;
    peers.erase(it);
    store::Change change;
    change.peers = peers;
    commit_locked(change, std::nullopt);
    m_events.publish(PeersChanged{{}, {url}, peers.size()});
    return true;
}

std::optional<MiningJob> NodeState::mining_job() const {
    std::shared_lock lock(m_read);
    if (m_pending.empty()) return std::nullopt;
    MiningJob job;
    job.index = static_cast<std::int64_t>(m_index.length());
    job.previous_hash = m_index.tip_hash();
    for (const std::string& line : m_pending)
        job.transactions.push_back(json::parse(line));
    job.generation = m_generation;
    return job;
}

bool NodeState::commit_mined(const MiningJob& job, const json::Value& block) {
    std::unique_lock write(m_write);
    if (m_generation != job.generation) return false;
    // The job's transactions are still the front of the list: only chain changes remove any.
    store::Change change;
    change.blocks.push_back(block);
    change.pending.emplace(m_pending.begin() + static_cast<std::ptrdiff_t>(job.transactions.size()),
                           m_pending.end());
    commit_locked(change, std::nullopt);
    m_events.publish(BlockAppended{static_cast<std::uint64_t>(job.index),
                                   block.find("hash")->as_string(), job.transactions.size(),
                                   Source::of(Source::Kind::Mined)});
    return true;
}

} // namespace chain::node
