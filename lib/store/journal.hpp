#pragma once
// A redo journal that makes a group of file changes atomic. commit() first makes a record of
// every change durable (written to a temporary name, fsynced, renamed into place), then applies
// the changes, then removes the record. If the process dies part way, the next process to take the
// repository lock finds the record and applies it again: every operation is idempotent, so
// applying it twice is the same as applying it once. A record that never got its final name was
// never started on and is discarded.

#include "io/file_io.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace chain::store {

/// Write data at offset of an existing file, optionally cutting the file just after it.
struct WriteOp {
    std::string file; // relative to the repository root
    std::uint64_t offset = 0;
    std::string data;
    bool truncate = false;
};

/// Rename a file already written and fsynced (its new content) over another. Applying it again
/// when `from` is gone does nothing: the rename already happened.
struct RenameOp {
    std::string from;
    std::string to;
};

using JournalOp = std::variant<WriteOp, RenameOp>;

class Journal {
public:
    /// The record lives at journal_path; file names in operations are relative to root.
    Journal(io::fs::path root, io::fs::path journal_path)
        : m_root(std::move(root)), m_path(std::move(journal_path)) {}

    /// Applies all operations atomically with respect to crashes: record(), then the operations,
    /// then the record is removed. Call with the repository's exclusive lock held.
    void commit(const std::vector<JournalOp>& ops) const;
    /// Makes the record of ops durable, without applying them: from here on, the change happens
    /// (now, or by whoever recovers).
    void record(const std::vector<JournalOp>& ops) const;
    /// Finishes an interrupted commit, if there is one. Returns whether there was.
    bool recover() const;
    /// Whether an interrupted commit is waiting to be finished.
    bool pending() const;

private:
    void apply(const std::vector<JournalOp>& ops) const;
    io::fs::path m_root;
    io::fs::path m_path;
};

} // namespace chain::store
