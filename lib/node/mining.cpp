#include "node/mining.hpp"

#include "ledger/block.hpp"

#include <future>

namespace chain::node {

Miner::Miner(NodeState& state, unsigned threads, std::function<void(const std::string&)> log)
    : m_state(state), m_threads(threads), m_log(std::move(log)) {
    // A block from elsewhere moves the tip: a search on the old one is wasted, so stop it.
    m_tip_watch = state.events().subscribe([this](const Event& e) {
        bool moved = std::holds_alternative<ChainAdopted>(e.data);
        if (const auto* b = std::get_if<BlockAppended>(&e.data))
            moved = b->source.kind != Source::Kind::Mined;
        if (!moved) return;
        std::lock_guard lock(m_mutex);
        if (m_search) m_search->cancel();
    });
    m_thread = std::thread([this] { run(); });
}

Miner::~Miner() {
    stop();
    join();
    m_tip_watch.reset();
}

void Miner::join() {
    if (m_thread.joinable()) m_thread.join();
}

void Miner::stop() {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    if (m_search) m_search->cancel();
    m_cv.notify_all();
}

void Miner::request(std::function<void(const MineReport&)> done) {
    {
        std::lock_guard lock(m_mutex);
        if (!m_stopping) {
            m_requests.push_back(std::move(done));
            m_cv.notify_all();
            return;
        }
    }
    done(MineReport{MineReport::Status::Stopped, "the node is shutting down", {}, {}});
}

MineReport Miner::mine() {
    std::promise<MineReport> result;
    std::future<MineReport> future = result.get_future();
    request([&result](const MineReport& r) { result.set_value(r); });
    return future.get();
}

void Miner::run() {
    for (;;) {
        std::function<void(const MineReport&)> done;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [&] { return m_stopping || !m_requests.empty(); });
            if (m_stopping) break;
            done = std::move(m_requests.front());
            m_requests.pop_front();
        }
        MineReport report;
        try {
            if (m_before) m_before();
            report = serve_one();
        } catch (const std::exception& e) {
            report = MineReport{
                MineReport::Status::Stopped, std::string("mining failed: ") + e.what(), {}, {}};
        }
        done(report);
    }
    std::deque<std::function<void(const MineReport&)>> left;
    {
        std::lock_guard lock(m_mutex);
        left.swap(m_requests);
    }
    for (auto& done : left)
        done(MineReport{MineReport::Status::Stopped, "the node is shutting down", {}, {}});
}

MineReport Miner::serve_one() {
    MineReport report;
    ledger::MineOptions options;
    options.difficulty = m_state.difficulty();
    options.threads = m_threads;
    for (;;) {
        std::optional<MiningJob> job = m_state.mining_job();
        if (!job) {
            report.message = "No transactions to mine";
            return report;
        }
        io::Cancellation cancel;
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) {
                report.status = MineReport::Status::Stopped;
                report.message = "the node is shutting down";
                return report;
            }
            m_search = &cancel;
        }
        const double timestamp = ledger::now_seconds();
        ledger::Preimage parts =
            ledger::preimage_parts(json::Value(job->index), json::Value(job->previous_hash),
                                   json::Value(timestamp), json::Value(job->transactions));
        options.cancel = &cancel;
        ledger::MineResult result = ledger::mine(parts, options);
        {
            std::lock_guard lock(m_mutex);
            m_search = nullptr;
        }
        if (!result.found) { // the tip moved, or the node is stopping
            if (m_log && !m_stopping)
                m_log("mining: the tip moved while searching for block #" +
                      std::to_string(job->index) + "; searching again on the new tip");
            continue;
        }
        json::Value block = ledger::make_block(job->index, job->transactions, timestamp,
                                               job->previous_hash, result.nonce, result.hash);
        if (!m_state.commit_mined(*job, block)) continue; // the chain changed: mine again
        if (m_after) m_after(block);
        const auto index = static_cast<std::size_t>(job->index);
        // Tell what happened: a longer chain may have replaced the block already.
        if (m_state.hash(index) == result.hash) {
            report.status = MineReport::Status::Mined;
            report.message = "Block #" + std::to_string(index) + " is mined.";
        } else {
            report.status = MineReport::Status::Orphaned;
            report.message = "Block #" + std::to_string(index) +
                             " was mined but a longer chain replaced it; its transactions are "
                             "pending again.";
        }
        report.block = std::move(block);
        report.stats = result;
        return report;
    }
}

} // namespace chain::node
