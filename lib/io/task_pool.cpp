#include "io/task_pool.hpp"

namespace chain::io {

TaskPool::TaskPool(unsigned threads, std::size_t max_queued) : m_max_queued(max_queued) {
    for (unsigned i = 0; i < threads; ++i)
        m_threads.emplace_back([this] { run(); });
}

TaskPool::~TaskPool() {
    stop();
}

void TaskPool::stop() {
    std::deque<std::function<void()>> dropped;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        dropped.swap(m_queue);
    }
    m_cv.notify_all();
    for (std::thread& t : m_threads)
        if (t.joinable()) t.join();
}

bool TaskPool::post(std::function<void()> task) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping || m_queue.size() >= m_max_queued) return false;
        m_queue.push_back(std::move(task));
    }
    m_cv.notify_one();
    return true;
}

void TaskPool::run() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
            if (m_stopping) return;
            task = std::move(m_queue.front());
            m_queue.pop_front();
        }
        try {
            task();
        } catch (...) {
            // A task reports its own failures; one that throws must not end the pool.
        }
    }
}

} // namespace chain::io
