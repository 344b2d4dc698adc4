#include "store/chain_store.hpp"

#include "error.hpp"
#include "ledger/block.hpp"
#include "ledger/verify.hpp"
#include "store/chain_index.hpp"
#include "store/chain_layout.hpp"
#include "store/journal.hpp"

#include "json/parse.hpp"
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>

namespace chain::store {

namespace {

std::string relative(const Repository& repo, const io::fs::path& path) {
    return io::fs::relative(path, repo.root()).string();
}

// Makes sure the file system has room for `bytes` at `offset` of chain.json before anything is
// written, without changing the file's size (so its content stays a valid chain meanwhile).
void reserve(const io::fs::path& file, std::uint64_t offset, std::uint64_t bytes) {
    io::FileDescriptor fd = io::open_file(file, O_WRONLY);
    if (::fallocate(fd.get(), FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                    static_cast<off_t>(bytes)) != 0 &&
        errno != EOPNOTSUPP && errno != ENOSYS)
        throw Error("cannot write " + file.string() + ": " + io::errno_text(errno));
}

} // namespace

std::optional<ChainTip> ChainStore::read_tip() const {
    const io::fs::path file = path();
    io::FileDescriptor fd = io::open_file(file, O_RDONLY);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return std::nullopt;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size < layout::k_header_size + 4) return std::nullopt;
    auto length = layout::parse_header(io::read_at(fd.get(), 0, layout::k_header_size, file));
    if (!length) return std::nullopt;

    // Read backwards until the window holds the last block's whole line: the file ends
    // "<block>\n<tail>\n" and the block line starts after a newline (the header's last byte at
    // the earliest).
    const std::uint64_t body_start = layout::k_header_size - 1;
    std::uint64_t window = std::min<std::uint64_t>(size - body_start, 64 * 1024);
    for (;;) {
        std::uint64_t base = size - window;
        std::string buf = io::read_at(fd.get(), base, static_cast<std::size_t>(window), file);
        if (buf.size() != window || buf.back() != '\n') return std::nullopt;
        std::size_t tail_nl = buf.rfind('\n', buf.size() - 2);
        std::size_t block_nl = tail_nl == std::string::npos || tail_nl == 0
                                   ? std::string::npos
                                   : buf.rfind('\n', tail_nl - 1);
        if (block_nl == std::string::npos) {
            if (base == body_start) return std::nullopt;
            window = std::min<std::uint64_t>(size - body_start, window * 4);
            continue;
        }
        std::string_view view(buf);
        std::string_view block_line = view.substr(block_nl + 1, tail_nl - block_nl - 1);
        std::string_view tail_line = view.substr(tail_nl + 1, buf.size() - tail_nl - 2);
        // A block before this one ends its line with a comma; the first follows the header.
        bool after_header = base + block_nl == body_start;
        if (!after_header && (block_nl == 0 || view[block_nl - 1] != ',')) return std::nullopt;
        auto peers = layout::parse_tail_line(tail_line);
        if (!peers) return std::nullopt;
        json::Value block;
        try {
            block = json::parse(block_line);
        } catch (const Error&) {
            return std::nullopt;
        }
        if (ledger::field_problem(block)) return std::nullopt;
        const json::Value& index = *block.find("index");
        if (index.type() != json::Type::Int ||
            static_cast<std::uint64_t>(index.as_int()) + 1 != *length)
            return std::nullopt;
        ChainTip tip;
        tip.length = *length;
        tip.index = index.as_int();
        tip.hash = block.find("hash")->as_string();
        tip.tail_offset = base + tail_nl;
        tip.peers = std::move(*peers);
        return tip;
    }
}

std::string ChainStore::current_stamp() const {
    struct stat st {};
    if (::stat(path().c_str(), &st) != 0) return "";
    return std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(st.st_ctim.tv_sec) + "." +
           std::to_string(st.st_ctim.tv_nsec) + " " + std::to_string(st.st_ino) + "\n";
}

void ChainStore::record_stamp() const {
    // No fsync, and no failure: a stamp that is missing or stale only means one full
    // validation next time.
    try {
        io::fs::path temp = m_repo.stamp_path();
        temp += ".tmp";
        {
            io::FileDescriptor fd = io::open_file(temp, O_WRONLY | O_CREAT | O_TRUNC);
            io::write_all(fd.get(), current_stamp(), temp);
        }
        io::fs::rename(temp, m_repo.stamp_path());
    } catch (const std::exception&) {
        std::error_code ec;
        io::fs::remove(m_repo.stamp_path(), ec);
    }
}

ChainTip ChainStore::prepare_tip() const {
    std::string stamp;
    try {
        stamp = io::read_file(m_repo.stamp_path());
    } catch (const Error&) {
        // no stamp yet: validate in full below
    }
    if (!stamp.empty() && stamp == current_stamp())
        if (auto tip = read_tip()) return *tip;
    const int difficulty = m_repo.difficulty();
    io::MappedFile file(path());
    ledger::VerifyReport report = ledger::verify_chain_text(
        file.view(), difficulty, difficulty, [&](std::size_t done) { file.release_before(done); });
    if (!report.valid) {
        const ledger::Problem& p = report.problems.front();
        throw Error(path().string() + " is not a valid chain (" +
                    (p.block ? "block " + std::to_string(*p.block) + ": " : "") + p.reason +
                    "); run 'chainctl verify' for every problem");
    }
    if (auto tip = read_tip()) {
        record_stamp();
        return *tip;
    }
    rewrite_in_layout(m_repo, file.view(), {}, &file);
    record_stamp();
    auto tip = read_tip();
    if (!tip) throw Error("internal error: " + path().string() + " unreadable after rewriting it");
    return *tip;
}

ChainTip ChainStore::commit(const ChainTip& tip, const Change& change) const {
    std::vector<JournalOp> ops;
    const std::string chain_file = relative(m_repo, path());
    ChainTip next = tip;
    // Files written beside their targets first: if the disk is full, nothing has changed yet.
    std::vector<io::fs::path> staged;
    auto unstage = [&] {
        for (const io::fs::path& p : staged) {
            std::error_code ec;
            io::fs::remove(p, ec);
        }
    };
    try {
        if (change.replacement) {
            ops.push_back(RenameOp{relative(m_repo, *change.replacement), chain_file});
            staged.push_back(*change.replacement);
        } else if (!change.blocks.empty() || change.peers) {
            std::string data;
            for (const json::Value& block : change.blocks) {
                data += ",\n";
                next.tail_offset += 2;
                std::string line = layout::block_line(block);
                next.tail_offset += line.size();
                data += line;
                ++next.length;
                next.index = block.find("index")->as_int();
                next.hash = block.find("hash")->as_string();
            }
            if (change.peers) next.peers = *change.peers;
            data += layout::tail(next.peers, m_repo.difficulty());
            reserve(path(), tip.tail_offset, data.size());
            ops.push_back(WriteOp{chain_file, tip.tail_offset, std::move(data), true});
            if (next.length != tip.length)
                ops.push_back(WriteOp{chain_file, layout::k_length_offset,
                                      layout::length_field(next.length), false});
        }
        if (change.pending) {
            std::string text;
            for (const std::string& line : *change.pending)
                text += line + "\n";
            io::fs::path staging = m_repo.staging_path(m_repo.pending_path());
            staged.push_back(staging);
            io::write_file_durable(staging, text);
            ops.push_back(
                RenameOp{relative(m_repo, staging), relative(m_repo, m_repo.pending_path())});
        }
    } catch (const Error& e) {
        unstage();
        throw Error(std::string(e.what()) + "; nothing was changed");
    }
    if (ops.empty()) return tip;
    Journal journal(m_repo.root(), m_repo.journal_path());
    try {
        journal.commit(ops);
    } catch (const Error& e) {
        if (!journal.pending()) {
            unstage();
            throw Error(std::string(e.what()) + "; nothing was changed");
        }
        throw Error(std::string(e.what()) + "; the change is recorded in " +
                    m_repo.journal_path().string() +
                    " and will be completed by the next chainctl command on this repository");
    }
    record_stamp();
    if (change.replacement) {
        auto replaced = read_tip();
        if (!replaced)
            throw Error("internal error: " + path().string() + " unreadable after replacing it");
        return *replaced;
    }
    return next;
}

ledger::ChainDocument ChainStore::load() const {
    io::MappedFile file(path());
    try {
        return ledger::parse_chain_file(file.view());
    } catch (const Error& e) {
        throw Error(path().string() + ": " + e.what());
    }
}

} // namespace chain::store
