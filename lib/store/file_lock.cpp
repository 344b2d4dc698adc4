#include "store/file_lock.hpp"

#include "error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>

namespace chain::store {

namespace {

int flock_operation(LockMode mode) {
    return mode == LockMode::Shared ? LOCK_SH : LOCK_EX;
}

} // namespace

namespace {

// A shared lock needs only read access, so a repository can be read without write permission.
int open_flags(LockMode mode) {
    return mode == LockMode::Shared ? O_RDONLY : O_RDWR | O_CREAT;
}

} // namespace

FileLock::FileLock(const io::fs::path& path, LockMode mode)
    : m_fd(io::open_file(path, open_flags(mode))), m_mode(mode) {
    while (::flock(m_fd.get(), flock_operation(mode)) != 0) {
        if (errno != EINTR)
            throw Error("cannot lock " + path.string() + ": " + io::errno_text(errno));
    }
}

std::optional<FileLock> FileLock::try_lock(const io::fs::path& path, LockMode mode) {
    io::FileDescriptor fd = io::open_file(path, open_flags(mode));
    while (::flock(fd.get(), flock_operation(mode) | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) return std::nullopt;
        if (errno != EINTR)
            throw Error("cannot lock " + path.string() + ": " + io::errno_text(errno));
    }
    return FileLock(std::move(fd), mode);
}

} // namespace chain::store
