#pragma once
// The node's miner: one thread that takes /mine requests in turn, mines every pending
// transaction into a block on the current tip and commits it. A search restarts on the new tip
// when a block from elsewhere arrives meanwhile, so the work is never wasted on a stale tip, and
// nothing waits for the search but the request that asked for it.

#include "ledger/miner.hpp"
#include "node/events.hpp"
#include "node/node_state.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace chain::node {

struct MineReport {
    enum class Status { Mined, Orphaned, NothingToMine, Stopped };
    Status status = Status::NothingToMine;
    /// The reference's text ("Block #3 is mined.", "No transactions to mine"), or what happened.
    std::string message;
    json::Value block;
    ledger::MineResult stats;
};

class Miner {
public:
    Miner(NodeState& state, unsigned threads, std::function<void(const std::string&)> log);
    /// Stops: a search in progress ends, requests still queued are answered Stopped.
    ~Miner();
    Miner(const Miner&) = delete;
    Miner& operator=(const Miner&) = delete;

    /// Queues a request; done gets the report on the miner's thread.
    void request(std::function<void(const MineReport&)> done);
    /// Mines now, waiting for the result.
    MineReport mine();
    /// Called on the miner's thread before each request is served (to catch up with a longer
    /// chain first); set before the first request.
    void before_mining(std::function<void()> hook) { m_before = std::move(hook); }
    /// Called on the miner's thread right after a mined block is committed, before the answer
    /// says whether it is still on the chain (a longer chain may replace it at any moment; tests
    /// make that moment this one).
    void after_commit(std::function<void(const json::Value& block)> hook) {
        m_after = std::move(hook);
    }
    void stop();
    /// Waits for the miner's thread to end (after stop()).
    void join();

private:
    void run();
    MineReport serve_one();

    NodeState& m_state;
    unsigned m_threads;
    std::function<void(const std::string&)> m_log;
    std::function<void()> m_before;
    std::function<void(const json::Value&)> m_after;
    EventBus::Subscription m_tip_watch;

    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::function<void(const MineReport&)>> m_requests;
    io::Cancellation* m_search = nullptr; // the search in progress, to stop on a new tip
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace chain::node
