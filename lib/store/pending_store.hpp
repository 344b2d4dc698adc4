#pragma once
// Pending transactions: .chainctl/pending.jsonl, one transaction per line as json.dumps writes it,
// in arrival order. Adding appends and fsyncs (several at once for a busy node); a line is only
// acknowledged after that fsync. A crash can leave a partial last line, which was never
// acknowledged; readers ignore it and recover() cuts it off under the exclusive lock.

#include "io/file_io.hpp"

#include "json/value.hpp"
#include <string>
#include <vector>

namespace chain::store {

class PendingStore {
public:
    explicit PendingStore(io::fs::path path) : m_path(std::move(path)) {}

    /// Cuts off a partial last line. Call with the exclusive lock held.
    void recover() const;
    /// The complete lines, each a transaction's JSON text without the newline.
    std::vector<std::string> read_lines() const;
    /// Parsed transactions.
    std::vector<json::Value> read() const;
    /// Appends already-serialised lines (each without newline) and fsyncs once for all of them.
    void append(const std::vector<std::string>& lines) const;

    const io::fs::path& path() const { return m_path; }

private:
    io::fs::path m_path;
};

} // namespace chain::store
