#include "store/chain_store.hpp"

#include "error.hpp"
#include "ledger/block.hpp"
#include "ledger/verify.hpp"

#include "json/parse.hpp"
#include <fcntl.h>
#include <sys/stat.h>

namespace chain::store {

namespace {

constexpr std::string_view k_header_start = "{\"length\": ";
constexpr std::string_view k_header_end = ", \"chain\": [\n";

std::optional<std::uint64_t> parse_header(std::string_view header) {
    if (header.size() != ledger::k_header_size || !header.starts_with(k_header_start) ||
        !header.ends_with(k_header_end))
        return std::nullopt;
    std::string_view field = header.substr(ledger::k_length_offset, ledger::k_length_width);
    std::size_t digits = 0;
    while (digits < field.size() && field[digits] >= '0' && field[digits] <= '9')
        ++digits;
    if (digits == 0 || digits > 19 ||
        field.find_first_not_of(' ', digits) != std::string_view::npos)
        return std::nullopt;
    return std::stoull(std::string(field.substr(0, digits)));
}

} // namespace

std::optional<std::vector<std::string>> parse_tail_line(std::string_view line) {
    if (!line.starts_with("], ")) return std::nullopt;
    try {
        json::Value rest = json::parse("{" + std::string(line.substr(3)));
        const json::Value* peers = rest.find("peers");
        if (!peers || !peers->is_array()) return std::nullopt;
        std::vector<std::string> out;
        for (const json::Value& p : peers->as_array()) {
            if (!p.is_string()) return std::nullopt;
            out.push_back(p.as_string());
        }
        return out;
    } catch (const Error&) {
        return std::nullopt;
    }
}

std::optional<ChainTip> ChainStore::read_tip() const {
    const io::fs::path file = path();
    io::FileDescriptor fd = io::open_file(file, O_RDONLY);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return std::nullopt;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size < ledger::k_header_size + 4) return std::nullopt;
    auto length = parse_header(io::read_at(fd.get(), 0, ledger::k_header_size, file));
    if (!length) return std::nullopt;

    // Read backwards until the window holds the last block's whole line: the file ends
    // "<block>\n<tail>\n" and the block line starts after a newline (the header's last byte at
    // the earliest).
    const std::uint64_t body_start = ledger::k_header_size - 1;
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
        auto peers = parse_tail_line(tail_line);
        if (!peers) return std::nullopt;
        json::Value block;
        try {
            block = json::parse(block_line);
        } catch (const Error&) {
            return std::nullopt;
        }
        if (ledger::field_problem(block)) return std::nullopt;
        const json::Value* index = block.find("index");
        const json::Value* hash = block.find("hash");
        if (!index || index->type() != json::Type::Int || !hash || !hash->is_string())
            return std::nullopt;
        if (static_cast<std::uint64_t>(index->as_int()) + 1 != *length) return std::nullopt;
        ChainTip tip;
        tip.length = *length;
        tip.index = index->as_int();
        tip.hash = hash->as_string();
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
    // No fsync: a stamp lost in a power cut only means one full validation next time.
    io::fs::path temp = stamp_path();
    temp += ".tmp";
    {
        io::FileDescriptor fd = io::open_file(temp, O_WRONLY | O_CREAT | O_TRUNC);
        io::write_all(fd.get(), current_stamp(), temp);
    }
    io::fs::rename(temp, stamp_path());
}

ChainTip ChainStore::prepare_tip() const {
    std::string stamp;
    try {
        stamp = io::read_file(stamp_path());
    } catch (const Error&) {
        // no stamp yet: validate in full below
    }
    if (!stamp.empty() && stamp == current_stamp())
        if (auto tip = read_tip()) return *tip;
    io::MappedFile file(path());
    ledger::VerifyReport report =
        ledger::verify_chain_text(file.view(), m_difficulty, m_difficulty);
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
    ledger::ChainDocument doc = ledger::parse_chain_file(file.view());
    io::write_file_atomic(path(), ledger::layout_file(doc.blocks, doc.meta.peers, m_difficulty));
    record_stamp();
    auto tip = read_tip();
    if (!tip) throw Error("internal error: " + path().string() + " unreadable after rewriting it");
    return *tip;
}

std::vector<JournalOp> ChainStore::append_ops(const ChainTip& tip, const json::Value& block) const {
    std::string data =
        ",\n" + ledger::layout_block_line(block) + ledger::layout_tail(tip.peers, m_difficulty);
    return {WriteOp{m_file, tip.tail_offset, std::move(data), true},
            WriteOp{m_file, ledger::k_length_offset, ledger::layout_length_field(tip.length + 1),
                    false}};
}

std::vector<JournalOp> ChainStore::peers_ops(const ChainTip& tip,
                                             const std::vector<std::string>& peers) const {
    return {WriteOp{m_file, tip.tail_offset, ledger::layout_tail(peers, m_difficulty), true}};
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
