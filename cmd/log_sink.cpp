#include "log_sink.hpp"

#include <cstdio>

namespace chainctl {

namespace {
constexpr std::size_t k_max_waiting = 10000;
}

LogSink::LogSink() : m_thread([this] { run(); }) {}

LogSink::~LogSink() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

void LogSink::line(std::string text) {
    {
        std::lock_guard lock(m_mutex);
        if (m_lines.size() >= k_max_waiting) {
            ++m_dropped;
            return;
        }
        m_lines.push_back(std::move(text));
    }
    m_cv.notify_one();
}

void LogSink::run() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_cv.wait(lock, [&] { return m_stopping || !m_lines.empty(); });
        if (m_lines.empty()) return;
        std::deque<std::string> batch;
        batch.swap(m_lines);
        std::size_t dropped = m_dropped;
        m_dropped = 0;
        lock.unlock();
        std::string out;
        if (dropped)
            out += "(" + std::to_string(dropped) +
                   " log lines dropped: the log was not read fast enough)\n";
        for (const std::string& l : batch) {
            out += l;
            out += '\n';
        }
        std::fwrite(out.data(), 1, out.size(), stderr);
        std::fflush(stderr);
        lock.lock();
    }
}

} // namespace chainctl
