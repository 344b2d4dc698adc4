#pragma once
// A progress line on standard error for long work: only on a terminal, not with -q, and only once
// the work has taken about a second; it is cleared when done, so output and logs stay clean.

#include "context.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace chainctl {

class Progress {
public:
    explicit Progress(const Context& ctx);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    bool enabled() const { return m_enabled; }
    double elapsed() const;
    /// Shows text (at most ten times a second, and not during the first second).
    void update(const std::string& text);

private:
    bool m_enabled;
    std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last{};
    bool m_shown = false;
};

/// Shows "label… N s" while a call that cannot report progress of its own runs.
class ProgressTicker {
public:
    ProgressTicker(const Context& ctx, std::string label);
    ~ProgressTicker();

private:
    Progress m_progress;
    std::string m_label;
    std::atomic<bool> m_done{false};
    std::thread m_thread;
};

} // namespace chainctl
