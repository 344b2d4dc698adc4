#include "store/pending_store.hpp"

#include "error.hpp"
#include "store/crash_point.hpp"

#include "json/parse.hpp"
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace chain::store {

void PendingStore::recover() const {
    if (!io::fs::exists(m_path)) {
        io::write_file_atomic(m_path, "");
        return;
    }
    std::string content = io::read_file(m_path);
    if (content.empty() || content.back() == '\n') return;
    std::size_t keep = content.rfind('\n');
    keep = keep == std::string::npos ? 0 : keep + 1;
    io::FileDescriptor fd = io::open_file(m_path, O_WRONLY);
    if (::ftruncate(fd.get(), static_cast<off_t>(keep)) != 0)
        throw Error("cannot truncate " + m_path.string() + ": " + io::errno_text(errno));
    io::sync_file(fd.get(), m_path);
}

std::vector<std::string> PendingStore::read_lines() const {
    std::vector<std::string> lines;
    if (!io::fs::exists(m_path)) return lines;
    std::string content = io::read_file(m_path);
    std::size_t start = 0;
    for (;;) {
        std::size_t end = content.find('\n', start);
        if (end == std::string::npos) break; // a partial last line was never acknowledged
        if (end > start) lines.emplace_back(content, start, end - start);
        start = end + 1;
    }
    return lines;
}

std::vector<json::Value> PendingStore::read() const {
    std::vector<json::Value> out;
    std::vector<std::string> lines = read_lines();
    out.reserve(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        try {
            out.push_back(json::parse(lines[i]));
        } catch (const Error& e) {
            throw Error("damaged pending transaction on line " + std::to_string(i + 1) + " of " +
                        m_path.string() + ": " + e.what());
        }
    }
    return out;
}

void PendingStore::append(const std::vector<std::string>& lines) const {
    if (lines.empty()) return;
    std::string data;
    for (const std::string& line : lines) {
        data += line;
        data += '\n';
    }
    io::FileDescriptor fd = io::open_file(m_path, O_WRONLY | O_APPEND | O_CREAT);
    if (crash_point_armed("pending:half-written")) {
        // A write cut short, as a kill in the middle of write(2) of a large batch can leave it.
        io::write_all(fd.get(), std::string_view(data).substr(0, data.size() / 2), m_path);
        crash_point("pending:half-written");
        data.erase(0, data.size() / 2);
    }
    io::write_all(fd.get(), data, m_path);
    io::sync_file(fd.get(), m_path);
}

} // namespace chain::store
