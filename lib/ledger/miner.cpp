#include "ledger/miner.hpp"

#include "ledger/sha256.hpp"

#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace chain::ledger {

namespace {

constexpr std::uint64_t k_chunk = 4096; // about 3 ms of hashing for a 1 KB block
constexpr std::uint64_t k_none = std::numeric_limits<std::uint64_t>::max();

bool meets(const Digest& d, int difficulty) {
    int full = difficulty / 2;
    for (int i = 0; i < full; ++i)
        if (d[static_cast<std::size_t>(i)] != 0) return false;
    return difficulty % 2 == 0 || (d[static_cast<std::size_t>(full)] >> 4) == 0;
}

// The preimage with a nonce in it. Consecutive nonces are produced by incrementing the decimal
// digits in place; the buffer is rebuilt only when the number of digits grows.
class NonceBuffer {
public:
    NonceBuffer(const Preimage& parts, std::uint64_t nonce) : m_parts(parts) { reset(nonce); }

    void reset(std::uint64_t nonce) {
        std::string digits = std::to_string(nonce);
        m_digits = digits.size();
        m_text.clear();
        m_text += m_parts.head;
        m_text += digits;
        m_text += m_parts.tail;
        m_nonce = nonce;
    }

    void increment() {
        ++m_nonce;
        std::size_t i = m_parts.head.size() + m_digits;
        while (i > m_parts.head.size()) {
            --i;
            if (m_text[i] != '9') {
                ++m_text[i];
                return;
            }
            m_text[i] = '0';
        }
        reset(m_nonce); // 999 -> 1000: one more digit
    }

    std::string_view text() const { return m_text; }

private:
    const Preimage& m_parts;
    std::string m_text;
    std::size_t m_digits = 0;
    std::uint64_t m_nonce = 0;
};

// Shared state of one search.
struct Search {
    Search(const Preimage& p, int d, const io::Cancellation* c)
        : parts(p), difficulty(d), cancel(c) {}

    const Preimage& parts;
    int difficulty;
    const io::Cancellation* cancel;
    std::atomic<std::uint64_t> next_chunk{0};
    std::atomic<std::uint64_t> best{k_none};
    std::atomic<std::uint64_t> hashes{0};
    std::mutex mutex;
    std::condition_variable done;
    unsigned running = 0;

    bool cancelled() const { return cancel && cancel->cancelled(); }

    void offer(std::uint64_t nonce) {
        std::uint64_t current = best.load();
        while (nonce < current && !best.compare_exchange_weak(current, nonce)) {
        }
    }

    void work() {
        Sha256 sha;
        for (;;) {
            std::uint64_t start = next_chunk.fetch_add(1) * k_chunk;
            // Chunks above a found nonce cannot hold a smaller one.
            if (start > best.load() || cancelled()) break;
            NonceBuffer buffer(parts, start);
            std::uint64_t n = 0;
            for (; n < k_chunk; ++n) {
                if (meets(sha.digest(buffer.text()), difficulty)) {
                    offer(start + n);
                    ++n;
                    break;
                }
                buffer.increment();
            }
            hashes.fetch_add(n, std::memory_order_relaxed);
        }
        std::lock_guard lock(mutex);
        if (--running == 0) done.notify_all();
    }
};

} // namespace

unsigned hardware_threads() {
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

MineResult mine(const Preimage& parts, const MineOptions& options) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
    Search search(parts, options.difficulty, options.cancel);
    const unsigned threads = options.threads ? options.threads : hardware_threads();
    search.running = threads;
    std::vector<std::thread> workers;
    workers.reserve(threads);
    for (unsigned i = 0; i < threads; ++i)
        workers.emplace_back([&] { search.work(); });
    {
        std::unique_lock lock(search.mutex);
        const auto interval = std::chrono::duration<double>(options.progress_interval_s);
        while (!search.done.wait_for(lock, interval, [&] { return search.running == 0; })) {
            if (options.progress) {
                lock.unlock();
                options.progress(search.hashes.load(), elapsed());
                lock.lock();
            }
        }
    }
    for (std::thread& t : workers)
        t.join();

    MineResult result;
    result.threads = threads;
    result.hashes_tried = search.hashes.load();
    result.elapsed_s = elapsed();
    std::uint64_t best = search.best.load();
    if (best == k_none) return result; // cancelled
    result.found = true;
    result.nonce = best;
    result.hash = sha256_hex(parts.head + std::to_string(best) + parts.tail);
    return result;
}

std::uint64_t hash_nonce_range(const Preimage& parts, std::uint64_t first, std::uint64_t count,
                               int difficulty) {
    Sha256 sha;
    NonceBuffer buffer(parts, first);
    std::uint64_t hits = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        hits += meets(sha.digest(buffer.text()), difficulty) ? 1 : 0;
        buffer.increment();
    }
    return hits;
}

} // namespace chain::ledger
