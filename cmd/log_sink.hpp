#pragma once
// The log of a server (node serve, ui serve): lines go to standard error from a thread of their
// own, so a terminal or pipe that is slow to take them never holds up the server. When more
// than a few thousand lines wait, new ones are dropped and counted, and the count is logged.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace chainctl {

class LogSink {
public:
    LogSink();
    /// Writes what is queued, then stops.
    ~LogSink();
    LogSink(const LogSink&) = delete;
    LogSink& operator=(const LogSink&) = delete;

    /// Queues a line (without its newline); never blocks on the writer.
    void line(std::string text);
    /// A function for a server's log option.
    std::function<void(const std::string&)> writer() {
        return [this](const std::string& text) { line(text); };
    }

private:
    void run();
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::string> m_lines;
    std::size_t m_dropped = 0;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace chainctl
