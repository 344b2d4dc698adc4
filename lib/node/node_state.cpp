#include "node/node_state.hpp"

#include "error.hpp"
#include "ledger/block.hpp"
#include "ledger/chain_file.hpp"
#include "ledger/sha256.hpp"
#include "ledger/transaction.hpp"
#include "ledger/verify.hpp"
#include "store/journal.hpp"
#include "store/pending_store.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <algorithm>
#include <set>

namespace chain::node {

namespace {

const std::string k_pending_next = std::string(store::k_state_dir) + "/pending.jsonl.next";
const std::string k_pending_file = std::string(store::k_state_dir) + "/pending.jsonl";
const std::string k_chain_next = std::string(store::k_chain_file) + ".next";

// Transactions are the same when their canonical JSON is.
void add_canonical_transactions(const json::Value& block, std::set<std::string>& out) {
    if (const json::Value* txs = block.find("transactions"); txs && txs->is_array())
        for (const json::Value& tx : txs->as_array())
            out.insert(json::dump_canonical(tx));
}

} // namespace

NodeState::NodeState(store::Repository repo)
    : m_repo(std::move(repo)), m_store(m_repo.root(), m_repo.state_dir(),
                                       std::string(store::k_chain_file), m_repo.difficulty()) {
    {
        store::FileLock lock = m_repo.lock(store::LockMode::Exclusive); // finishes a cut-off write
        m_store.prepare_tip(); // validates a file chainctl did not write last
        m_image = store::ChainImage::from_layout(io::read_file(m_store.path()), difficulty());
        m_pending = store::PendingStore(m_repo.pending_path()).read_lines();
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

std::shared_ptr<const std::string> NodeState::chain_body() const {
    std::shared_lock lock(m_read);
    return m_image.body();
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
    return m_image.peers();
}

NodeSummary NodeState::summary() const {
    std::shared_lock lock(m_read);
    return {m_image.length(), m_image.tip_hash(), m_pending.size(), m_image.peers().size(),
            difficulty()};
}

std::optional<json::Value> NodeState::block(std::size_t i) const {
    std::shared_lock lock(m_read);
    if (i >= m_image.length()) return std::nullopt;
    return m_image.block(i);
}

json::Value NodeState::add_transaction(json::Value tx) {
    ledger::check_new_transaction(tx);
    json::Value stored = ledger::stamp_transaction(std::move(tx), ledger::now_seconds());
    PendingWrite write{json::dump(stored), {}};
    std::future<void> done = write.done.get_future();
    {
        std::lock_guard lock(m_queue_mutex);
        if (m_stopping) throw Error("the node is shutting down");
        m_queue.push_back(&write);
    }
    m_queue_cv.notify_one();
    done.get(); // rethrows a failed write
    return stored;
}

void NodeState::run_committer() {
    for (;;) {
        std::vector<PendingWrite*> batch;
        {
            std::unique_lock lock(m_queue_mutex);
            m_queue_cv.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty()) return; // stopping, and everything is written
            batch.assign(m_queue.begin(), m_queue.end());
            m_queue.clear();
        }
        std::vector<std::string> lines;
        lines.reserve(batch.size());
        for (const PendingWrite* w : batch)
            lines.push_back(w->line);
        try {
            std::lock_guard write(m_write);
            {
                store::FileLock file_lock(m_repo.lock_path(), store::LockMode::Exclusive);
                store::PendingStore(m_repo.pending_path()).append(lines); // one write, one fsync
            }
            std::unique_lock lock(m_read);
            m_pending.insert(m_pending.end(), lines.begin(), lines.end());
            m_pending_body.reset();
        } catch (...) {
            for (PendingWrite* w : batch)
                w->done.set_exception(std::current_exception());
            continue;
        }
        for (PendingWrite* w : batch)
            w->done.set_value();
    }
}

void NodeState::commit_locked(std::vector<store::JournalOp> ops, store::ChainImage image,
                              std::optional<std::vector<std::string>> pending) {
    const bool chain_changed =
        image.length() != m_image.length() || image.tip_hash() != m_image.tip_hash();
    if (pending) {
        std::string text;
        for (const std::string& line : *pending)
            text += line + "\n";
        io::write_file_durable(m_repo.root() / k_pending_next, text);
        ops.push_back(store::RenameOp{k_pending_next, k_pending_file});
    }
    {
        store::FileLock file_lock(m_repo.lock_path(), store::LockMode::Exclusive);
        store::Journal(m_repo.root(), m_repo.state_dir()).commit(ops);
        m_store.record_stamp();
    }
    {
        std::unique_lock lock(m_read);
        m_image = std::move(image);
        if (pending) {
            m_pending = std::move(*pending);
            m_pending_body.reset();
        }
        if (chain_changed) ++m_generation;
    }
    if (chain_changed) {
        std::lock_guard lock(m_watch_mutex);
        if (m_watcher) m_watcher->store(true);
    }
}

std::vector<std::string>
NodeState::pending_without(const std::vector<std::string>& canonical) const {
    std::set<std::string> drop(canonical.begin(), canonical.end());
    std::vector<std::string> kept;
    for (const std::string& line : m_pending)
        if (!drop.contains(json::dump_canonical(json::parse(line)))) kept.push_back(line);
    return kept;
}

BlockResult NodeState::add_block(const json::Value& block) {
    if (auto problem = ledger::field_problem(block)) return {BlockVerdict::Invalid, *problem};
    const std::string& stored = block.find("hash")->as_string();
    std::string computed = ledger::block_hash(block);
    if (computed != stored)
        return {BlockVerdict::Invalid, "hash mismatch: stored " + stored + " computed " + computed};
    if (ledger::leading_zero_chars(computed) < difficulty())
        return {BlockVerdict::Invalid,
                "proof of work below difficulty " + std::to_string(difficulty())};
    const json::Value& index_value = *block.find("index");
    if (index_value.type() != json::Type::Int || index_value.as_int() < 0)
        return {BlockVerdict::Invalid, "index " + json::dump(index_value) + " is out of range"};
    const auto index = static_cast<std::size_t>(index_value.as_int());

    std::lock_guard write(m_write);
    const std::size_t tip = m_image.length() - 1;
    if (index <= tip) {
        if (m_image.hash(index) == stored)
            return {BlockVerdict::Known,
                    "block #" + std::to_string(index) + " is already in the chain"};
        return {BlockVerdict::NotNext,
                "a fork: this node holds a different block #" + std::to_string(index)};
    }
    if (index > tip + 1)
        return {BlockVerdict::NotNext, "a gap: block #" + std::to_string(index) +
                                           " is ahead of this node's tip #" + std::to_string(tip)};
    if (block.find("previous_hash")->as_string() != m_image.tip_hash())
        return {BlockVerdict::NotNext,
                "a fork: previous_hash is not the hash of this node's block #" +
                    std::to_string(tip)};

    std::set<std::string> included;
    add_canonical_transactions(block, included);
    std::vector<std::string> kept = pending_without({included.begin(), included.end()});
    std::optional<std::vector<std::string>> pending;
    if (kept.size() != m_pending.size()) pending = std::move(kept);
    std::vector<store::JournalOp> ops = m_store.append_ops(m_image.tip(), block);
    store::ChainImage image = m_image.appended(block, ops);
    commit_locked(std::move(ops), std::move(image), std::move(pending));
    return {BlockVerdict::Added, ""};
}

AdoptResult NodeState::adopt(std::string_view text) {
    ledger::VerifyReport report = ledger::verify_chain_text(text, difficulty(), difficulty());
    if (!report.valid) {
        const ledger::Problem& p = report.problems.front();
        return {AdoptResult::Outcome::Invalid,
                "the chain is not valid (" +
                    (p.block ? "block " + std::to_string(*p.block) + ": " : "") + p.reason + ")",
                report.blocks};
    }
    if (report.blocks <= summary().length)
        return {AdoptResult::Outcome::NotLonger, "it is not longer than this node's chain",
                report.blocks};

    // Each block as chainctl writes it, straight into the new file's image.
    store::ChainImage::Builder builder(report.blocks, text.size());
    std::vector<ledger::Problem> ignored;
    ledger::read_chain_file(
        text, [&](json::Reader& reader) { builder.add(reader.read_value()); }, ignored);

    std::lock_guard write(m_write);
    // This node's peers, not the sender's.
    store::ChainImage image = builder.finish(m_image.peers(), difficulty());
    const std::size_t old_length = m_image.length();
    if (image.length() <= old_length)
        return {AdoptResult::Outcome::NotLonger, "it is not longer than this node's chain",
                image.length()};
    std::size_t fork = 1;
    while (fork < old_length && m_image.hash(fork) == image.hash(fork))
        ++fork;

    // Pending transactions the new chain holds are dropped; those of this node's blocks that it
    // leaves out (orphaned) go back to pending. Only these can matter, so the new blocks are
    // searched for them alone, and not at all when there are none.
    std::vector<std::pair<std::string, std::string>> candidates; // canonical, line
    for (const std::string& line : m_pending)
        candidates.emplace_back(json::dump_canonical(json::parse(line)), line);
    const std::size_t pending_count = candidates.size();
    for (std::size_t i = fork; i < old_length; ++i) {
        const json::Value orphan =
            m_image.block(i); // a named value: loops below hold references into it
        for (const json::Value& tx : orphan.find("transactions")->as_array())
            candidates.emplace_back(json::dump_canonical(tx), json::dump(tx));
    }
    std::set<std::string> wanted;
    for (const auto& c : candidates)
        wanted.insert(c.first);
    std::set<std::string> included;
    for (std::size_t i = fork; i < image.length() && !wanted.empty(); ++i) {
        const json::Value block = image.block(i);
        for (const json::Value& tx : block.find("transactions")->as_array())
            if (std::string c = json::dump_canonical(tx); wanted.contains(c)) included.insert(c);
    }
    std::vector<std::string> pending;
    std::set<std::string> kept;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const auto& [canonical, line] = candidates[i];
        if (included.contains(canonical)) continue;
        const bool first_time = kept.insert(canonical).second;
        if (i >= pending_count && !first_time) continue; // an orphan already pending
        pending.push_back(line);
    }

    const std::size_t new_length = image.length();
    io::write_file_durable(m_repo.root() / k_chain_next, *image.body());
    commit_locked({store::RenameOp{k_chain_next, std::string(store::k_chain_file)}},
                  std::move(image), std::move(pending));
    return {AdoptResult::Outcome::Adopted, "", new_length};
}

bool NodeState::add_peer(const std::string& url) {
    std::lock_guard write(m_write);
    std::vector<std::string> peers = m_image.peers();
    if (std::find(peers.begin(), peers.end(), url) != peers.end()) return false;
    peers.push_back(url);
    std::vector<store::JournalOp> ops = m_store.peers_ops(m_image.tip(), peers);
    store::ChainImage image = m_image.with_peers(peers, ops);
    commit_locked(std::move(ops), std::move(image), std::nullopt);
    return true;
}

std::optional<MiningJob> NodeState::mining_job() const {
    std::shared_lock lock(m_read);
    if (m_pending.empty()) return std::nullopt;
    MiningJob job;
    job.index = static_cast<std::int64_t>(m_image.length());
    job.previous_hash = m_image.tip_hash();
    for (const std::string& line : m_pending)
        job.transactions.push_back(json::parse(line));
    job.generation = m_generation;
    return job;
}

bool NodeState::commit_mined(const MiningJob& job, const json::Value& block) {
    std::lock_guard write(m_write);
    if (m_generation != job.generation) return false;
    // The job's transactions are still the front of the list: only chain changes remove any.
    std::vector<std::string> rest(
        m_pending.begin() + static_cast<std::ptrdiff_t>(job.transactions.size()), m_pending.end());
    std::vector<store::JournalOp> ops = m_store.append_ops(m_image.tip(), block);
    store::ChainImage image = m_image.appended(block, ops);
    commit_locked(std::move(ops), std::move(image), std::move(rest));
    return true;
}

void NodeState::watch_tip(std::atomic<bool>* flag) {
    std::lock_guard lock(m_watch_mutex);
    m_watcher = flag;
}

} // namespace chain::node
