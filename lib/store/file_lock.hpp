#pragma once
// An advisory flock(2) lock, released when the object goes (and by the kernel when the process
// dies, so a kill -9 never leaves a repository locked).

#include "io/file_io.hpp"

#include <optional>

namespace chain::store {

enum class LockMode { Shared, Exclusive };

class FileLock {
public:
    /// Waits for the lock.
    FileLock(const io::fs::path& path, LockMode mode);
    /// Takes the lock only if it is free now.
    static std::optional<FileLock> try_lock(const io::fs::path& path, LockMode mode);

    LockMode mode() const { return m_mode; }

private:
    FileLock(io::FileDescriptor fd, LockMode mode) : m_fd(std::move(fd)), m_mode(mode) {}
    io::FileDescriptor m_fd;
    LockMode m_mode;
};

} // namespace chain::store
