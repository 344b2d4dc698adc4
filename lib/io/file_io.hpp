#pragma once
// File primitives with the durability rules the store relies on: a write is durable once the file
// and, for a new name, its directory have been fsynced; an atomic replace is temp file, fsync,
// rename, fsync of the directory. Errors are thrown as chain::Error naming the path and errno.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace chain::io {

namespace fs = std::filesystem;

/// An owned file descriptor.
class FileDescriptor {
public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : m_fd(other.release()) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept;
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor();

    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    int release() {
        int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd = -1;
};

/// open(2) that throws; the message names the path.
FileDescriptor open_file(const fs::path& path, int flags, int mode = 0644);

/// The whole content of a file.
std::string read_file(const fs::path& path);
/// Looks at the start of a stream as it arrives (the first 64 KiB at most, growing) and throws
/// to stop reading when it cannot be what is expected.
using PrefixCheck = std::function<void(std::string_view prefix)>;

/// Everything readable from a descriptor (stdin, a pipe), at most max bytes (more fails, saying
/// so), checked by check as it arrives.
std::string read_all(int fd, const fs::path& name = "standard input", std::size_t max = SIZE_MAX,
                     const PrefixCheck& check = {});
/// `size` bytes at `offset`; fewer at the end of the file.
std::string read_at(int fd, std::uint64_t offset, std::size_t size, const fs::path& path);

void write_all(int fd, std::string_view data, const fs::path& path);
void write_at(int fd, std::uint64_t offset, std::string_view data, const fs::path& path);
void sync_file(int fd, const fs::path& path);
/// fsync of a directory, so that names created, renamed or removed in it are durable.
void sync_directory(const fs::path& dir);

/// Writes data to path.tmp, fsyncs it and renames it over path; the directory is fsynced too
/// unless sync_dir is false (the caller will do it once for several files).
void write_file_atomic(const fs::path& path, std::string_view data, bool sync_dir = true);
/// Writes data to a new file and fsyncs it (not its directory).
void write_file_durable(const fs::path& path, std::string_view data);

/// The whole content of a file, read-only: memory-mapped when it is a regular file (no copy, and
/// the kernel can drop pages already read), otherwise (a pipe, a process substitution) read.
class MappedFile {
public:
    /// A regular file is mapped, whatever its size. Anything else (a pipe, a device) is read,
    /// at most max_stream bytes, checked by check as it arrives.
    explicit MappedFile(const fs::path& path, std::size_t max_stream = SIZE_MAX,
                        const PrefixCheck& check = {});
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();
    std::string_view view() const {
        return m_data ? std::string_view(static_cast<const char*>(m_data), m_size) : m_buffer;
    }
    /// Tells the kernel the bytes before offset will not be read again, so a long sequential
    /// read does not keep the whole file resident. Reading them again still works (from the
    /// file), and an offset lower than the last one starts a new pass, let go of in turn. Does
    /// nothing for a file that was read into memory.
    void release_before(std::size_t offset);

private:
    void* m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_released = 0;
    std::string m_buffer;
};

/// "No such file or directory" etc. for an errno value.
std::string errno_text(int error);

} // namespace chain::io
