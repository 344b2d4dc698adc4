#pragma once
// A fixed number of threads that run queued tasks: handlers that may block, calls to peers in
// the background. The queue is bounded: when it is full, post() refuses the task (the caller
// answers 503, or drops an announcement that the peer's next sync repairs) rather than letting
// memory grow. A task that throws does not end its thread.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace chain::io {

class TaskPool {
public:
    TaskPool(unsigned threads, std::size_t max_queued);
    /// Stops taking tasks, drops those not started and waits for the running ones.
    ~TaskPool();
    TaskPool(const TaskPool&) = delete;
    TaskPool& operator=(const TaskPool&) = delete;

    /// Queues a task; false when the queue is full or the pool is stopping.
    bool post(std::function<void()> task);
    /// Stops taking tasks, drops those not started and waits for the running ones (what the
    /// destructor does; call it first where running tasks use things that go before the pool).
    void stop();

private:
    void run();
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::function<void()>> m_queue;
    std::size_t m_max_queued;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

} // namespace chain::io
