#pragma once
// A few threads that run calls to peers in the background, so that a slow or dead peer never
// holds up the request that caused the call. The queue is bounded: when peers are so slow that
// it fills, further tasks are dropped (an announcement a peer misses is repaired by its next
// sync) rather than letting memory grow.

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
