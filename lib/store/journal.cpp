#include "store/journal.hpp"

#include "error.hpp"
#include "ledger/sha256.hpp"
#include "store/crash_point.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <unistd.h>

namespace chain::store {

namespace {

constexpr std::string_view k_magic = "chainctl-journal-1\n";
enum : unsigned char { k_write = 1, k_rename = 2 };

void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

void put_bytes(std::string& out, std::string_view s) {
    put_u64(out, s.size());
    out += s;
}

std::string encode(const std::vector<JournalOp>& ops) {
    std::string out(k_magic);
    put_u64(out, ops.size());
    for (const JournalOp& op : ops) {
        if (const auto* w = std::get_if<WriteOp>(&op)) {
            out += static_cast<char>(k_write);
            put_bytes(out, w->file);
            put_u64(out, w->offset);
            out += static_cast<char>(w->truncate ? 1 : 0);
            put_bytes(out, w->data);
        } else {
            const auto& r = std::get<RenameOp>(op);
            out += static_cast<char>(k_rename);
            put_bytes(out, r.from);
            put_bytes(out, r.to);
        }
    }
    ledger::Sha256 sha;
    ledger::Digest digest = sha.digest(out);
    out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
    return out;
}

class Decoder {
public:
    explicit Decoder(std::string_view data) : m_data(data) {}
    std::uint64_t u64() {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_data[m_pos + i]))
                 << (8 * i);
        m_pos += 8;
        return v;
    }
    unsigned char byte() {
        need(1);
        return static_cast<unsigned char>(m_data[m_pos++]);
    }
    std::string bytes() {
        std::uint64_t n = u64();
        need(n);
        std::string s(m_data.substr(m_pos, n));
        m_pos += n;
        return s;
    }

private:
    void need(std::uint64_t n) const {
        if (n > m_data.size() - m_pos) throw Error("truncated record");
    }
    std::string_view m_data;
    std::size_t m_pos = 0;
};

std::vector<JournalOp> decode(std::string_view data) {
    constexpr std::size_t digest_size = 32;
    if (data.size() < k_magic.size() + digest_size || !data.starts_with(k_magic))
        throw Error("not a chainctl journal");
    std::string_view body = data.substr(0, data.size() - digest_size);
    ledger::Sha256 sha;
    ledger::Digest digest = sha.digest(body);
    if (std::memcmp(digest.data(), data.data() + body.size(), digest_size) != 0)
        throw Error("checksum mismatch");
    Decoder in(body.substr(k_magic.size()));
    std::vector<JournalOp> ops(in.u64());
    for (JournalOp& op : ops) {
        unsigned char kind = in.byte();
        if (kind == k_write) {
            WriteOp w;
            w.file = in.bytes();
            w.offset = in.u64();
            w.truncate = in.byte() != 0;
            w.data = in.bytes();
            op = std::move(w);
        } else if (kind == k_rename) {
            RenameOp r;
            r.from = in.bytes();
            r.to = in.bytes();
            op = std::move(r);
        } else {
            throw Error("unknown operation");
        }
    }
    return ops;
}

} // namespace

bool Journal::pending() const {
    return io::fs::exists(m_path);
}

void Journal::record(const std::vector<JournalOp>& ops) const {
    io::write_file_atomic(m_path, encode(ops));
}

void Journal::commit(const std::vector<JournalOp>& ops) const {
    record(ops);
    crash_point("journal:written");
    apply(ops);
    crash_point("journal:applied");
    if (::unlink(m_path.c_str()) != 0)
        throw Error("cannot remove " + m_path.string() + ": " + io::errno_text(errno));
    io::sync_directory(m_path.parent_path());
}

bool Journal::recover() const {
    io::fs::path temp = m_path;
    temp += ".tmp";
    ::unlink(temp.c_str()); // a record that was never complete: nothing was applied
    if (!io::fs::exists(m_path)) return false;
    std::vector<JournalOp> ops;
    try {
        ops = decode(io::read_file(m_path));
    } catch (const Error& e) {
        throw Error("the journal " + m_path.string() + " is damaged (" + e.what() +
                    "); the last change may be incomplete. Move the journal aside and run "
                    "'chainctl verify' to check the chain");
    }
    apply(ops);
    ::unlink(m_path.c_str());
    io::sync_directory(m_path.parent_path());
    return true;
}

void Journal::apply(const std::vector<JournalOp>& ops) const {
    std::set<io::fs::path> dirs_to_sync;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        if (i > 0) crash_point("journal:op" + std::to_string(i));
        const JournalOp& op = ops[i];
        if (const auto* w = std::get_if<WriteOp>(&op)) {
            io::fs::path file = m_root / w->file;
            io::FileDescriptor fd = io::open_file(file, O_WRONLY);
            io::write_at(fd.get(), w->offset, w->data, file);
            if (w->truncate &&
                ::ftruncate(fd.get(), static_cast<off_t>(w->offset + w->data.size())) != 0)
                throw Error("cannot truncate " + file.string() + ": " + io::errno_text(errno));
            io::sync_file(fd.get(), file);
        } else {
            const auto& r = std::get<RenameOp>(op);
            io::fs::path from = m_root / r.from, to = m_root / r.to;
            if (::rename(from.c_str(), to.c_str()) != 0) {
                if (errno == ENOENT) continue; // already renamed before the interruption
                throw Error("cannot rename " + from.string() + " to " + to.string() + ": " +
                            io::errno_text(errno));
            }
            dirs_to_sync.insert(to.parent_path());
        }
    }
    for (const io::fs::path& dir : dirs_to_sync)
        io::sync_directory(dir);
}

} // namespace chain::store
