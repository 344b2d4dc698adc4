#include "io/cancellation.hpp"

namespace chain::io {

void Cancellation::cancel() {
    std::lock_guard lock(m_mutex);
    if (m_flag.exchange(true, std::memory_order_acq_rel)) return;
    for (auto& [id, f] : m_callbacks)
        f();
    m_callbacks.clear();
}

std::uint64_t Cancellation::on_cancel(std::function<void()> f) const {
    std::unique_lock lock(m_mutex);
    if (cancelled()) {
        lock.unlock();
        f();
        return 0;
    }
    std::uint64_t id = m_next++;
    m_callbacks.emplace(id, std::move(f));
    return id;
}

void Cancellation::remove(std::uint64_t id) const {
    std::lock_guard lock(m_mutex);
    m_callbacks.erase(id);
}

} // namespace chain::io
