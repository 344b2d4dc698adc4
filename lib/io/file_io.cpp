#include "io/file_io.hpp"

#include "error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chain::io {

namespace {

[[noreturn]] void fail(std::string_view what, const fs::path& path, int error = errno) {
    throw Error(std::string(what) + " " + path.string() + ": " + errno_text(error));
}

} // namespace

std::string errno_text(int error) {
    std::string text = std::strerror(error);
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = other.release();
    }
    return *this;
}

FileDescriptor::~FileDescriptor() {
    if (m_fd >= 0) ::close(m_fd);
}

FileDescriptor open_file(const fs::path& path, int flags, int mode) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) fail("cannot open", path);
    return FileDescriptor(fd);
}

std::string read_all(int fd, const fs::path& name, std::size_t max, const PrefixCheck& check) {
    constexpr std::size_t k_checked = 64 * 1024;
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot read", name);
        }
        if (n == 0) return out;
        const std::size_t before = out.size();
        if (before + static_cast<std::size_t>(n) > max)
            throw Error("cannot read " + name.string() + ": it is larger than " +
                        std::to_string(max >> 20) + " MiB");
        out.append(buf, static_cast<std::size_t>(n));
        if (check && before < k_checked) check(std::string_view(out).substr(0, k_checked));
    }
}

namespace {

// Appends what the file holds past out.size(), through a small buffer: a zeroed buffer the size
// of a big read would cost more than the read of a small file.
void append_rest(int fd, std::string& out, const fs::path& path) {
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(out.size()));
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot read", path);
        }
        if (n == 0) return;
        out.append(buf, static_cast<std::size_t>(n));
    }
}

} // namespace

std::string read_file(const fs::path& path) {
    FileDescriptor fd = open_file(path, O_RDONLY);
    struct stat st {};
    if (::fstat(fd.get(), &st) == 0 && st.st_size > 0) {
        std::string out = read_at(fd.get(), 0, static_cast<std::size_t>(st.st_size), path);
        append_rest(fd.get(), out, path); // the file may have grown meanwhile
        return out;
    }
    std::string out;
    append_rest(fd.get(), out, path);
    return out;
}

std::string read_at(int fd, std::uint64_t offset, std::size_t size, const fs::path& path) {
    std::string out(size, '\0');
    std::size_t done = 0;
    while (done < size) {
        ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot read", path);
        }
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return out;
}

void write_all(int fd, std::string_view data, const fs::path& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", path);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

void write_at(int fd, std::uint64_t offset, std::string_view data, const fs::path& path) {
    while (!data.empty()) {
        ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", path);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
        offset += static_cast<std::uint64_t>(n);
    }
}

void sync_file(int fd, const fs::path& path) {
    if (::fsync(fd) != 0) fail("cannot sync", path);
}

void sync_directory(const fs::path& dir) {
    FileDescriptor fd = open_file(dir.empty() ? fs::path(".") : dir, O_RDONLY | O_DIRECTORY);
    sync_file(fd.get(), dir);
}

void write_file_durable(const fs::path& path, std::string_view data) {
    FileDescriptor fd = open_file(path, O_WRONLY | O_CREAT | O_TRUNC);
    write_all(fd.get(), data, path);
    sync_file(fd.get(), path);
}

void write_file_atomic(const fs::path& path, std::string_view data, bool sync_dir) {
    fs::path temp = path;
    temp += ".tmp";
    write_file_durable(temp, data);
    if (::rename(temp.c_str(), path.c_str()) != 0) fail("cannot rename into", path);
    if (sync_dir) sync_directory(path.parent_path());
}

MappedFile::MappedFile(const fs::path& path, std::size_t max_stream, const PrefixCheck& check) {
    FileDescriptor fd = open_file(path, O_RDONLY);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail("cannot stat", path);
    if (S_ISDIR(st.st_mode)) fail("cannot read", path, EISDIR);
    if (!S_ISREG(st.st_mode)) {
        m_buffer = read_all(fd.get(), path, max_stream, check);
        return;
    }
    m_size = static_cast<std::size_t>(st.st_size);
    if (m_size == 0) return;
    m_data = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (m_data == MAP_FAILED) {
        m_data = nullptr;
        m_size = 0;
        fail("cannot map", path);
    }
    ::madvise(m_data, m_size, MADV_SEQUENTIAL);
}

void MappedFile::release_before(std::size_t offset) {
    if (!m_data) return;
    static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    std::size_t end = std::min(offset, m_size) / page * page;
    if (end < m_released) m_released = 0; // a new pass from the start: let go of it again
    if (end <= m_released) return;
    ::madvise(static_cast<char*>(m_data) + m_released, end - m_released, MADV_DONTNEED);
    m_released = end;
}

MappedFile::~MappedFile() {
    if (m_data) ::munmap(m_data, m_size);
}

} // namespace chain::io
