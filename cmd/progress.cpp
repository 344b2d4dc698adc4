#include "progress.hpp"

#include <cstdio>

namespace chainctl {

Progress::Progress(const Context& ctx)
    : m_enabled(ctx.stderr_is_terminal() && !ctx.options.quiet),
      m_start(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
    if (m_shown) std::fputs("\r\x1b[K", stderr);
}

double Progress::elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

void Progress::update(const std::string& text) {
    if (!m_enabled) return;
    std::lock_guard lock(m_mutex);
    auto now = std::chrono::steady_clock::now();
    if (now - m_start < std::chrono::seconds(1) || now - m_last < std::chrono::milliseconds(100))
        return;
    m_last = now;
    m_shown = true;
    std::string line = "\r\x1b[K" + text;
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

ProgressTicker::ProgressTicker(const Context& ctx, std::string label)
    : m_progress(ctx), m_label(std::move(label)) {
    if (!m_progress.enabled()) return;
    m_thread = std::thread([this] {
        while (!m_done) {
            char seconds[32];
            std::snprintf(seconds, sizeof seconds, "… %.0f s", m_progress.elapsed());
            m_progress.update(m_label + seconds);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
}

ProgressTicker::~ProgressTicker() {
    m_done = true;
    if (m_thread.joinable()) m_thread.join();
}

} // namespace chainctl
