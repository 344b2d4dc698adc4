#include "store/chain_index.hpp"

#include "error.hpp"
#include "ledger/chain_file.hpp"
#include "store/chain_layout.hpp"

#include "json/parse.hpp"
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>

namespace chain::store {

namespace {

constexpr std::size_t k_read_size = std::size_t{1} << 20;

int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::array<unsigned char, 32> hash_bytes(std::string_view hex) {
    std::array<unsigned char, 32> out{};
    if (hex.size() != 64) throw Error("chain.json holds a block hash that is not 64 hex digits");
    for (std::size_t i = 0; i < 32; ++i) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) throw Error("chain.json holds a block hash that is not hex");
        out[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    return out;
}

} // namespace

std::string ChainSnapshot::read(std::uint64_t offset, std::size_t max) const {
    std::string out;
    const std::uint64_t total = size();
    if (offset >= total) return out;
    max = static_cast<std::size_t>(std::min<std::uint64_t>(max, total - offset));
    out.reserve(max);
    auto take = [&](std::string_view part, std::uint64_t part_start) {
        if (out.size() >= max) return;
        std::uint64_t at = offset + out.size();
        if (at < part_start || at >= part_start + part.size()) return;
        std::size_t from = static_cast<std::size_t>(at - part_start);
        out.append(part.substr(from, max - out.size()));
    };
    take(header, 0);
    const std::uint64_t body_start = header.size();
    std::uint64_t at = offset + out.size();
    if (out.size() < max && at >= body_start && at < body_start + (end - begin)) {
        std::uint64_t in_file = begin + (at - body_start);
        std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(max - out.size(), end - in_file));
        out += io::read_at(file->get(), in_file, want, "chain.json");
    }
    take(tail, body_start + (end - begin));
    return out;
}

std::string ChainSnapshot::text() const {
    return read(0, static_cast<std::size_t>(size()));
}

ChainIndex ChainIndex::load(const Repository& repo) {
    ChainIndex index;
    index.m_path = repo.chain_path();
    index.m_difficulty = repo.difficulty();
    index.m_file =
        std::make_shared<const io::FileDescriptor>(io::open_file(index.m_path, O_RDONLY));
    const int fd = index.m_file->get();
    std::string header = io::read_at(fd, 0, layout::k_header_size, index.m_path);
    if (!layout::parse_header(header))
        throw Error(index.m_path.string() + " is not in chainctl's layout");
    // Line by line, reading the file in large pieces.
    std::string buffer;
    std::uint64_t buffer_start = layout::k_header_size;
    for (;;) {
        std::size_t newline = buffer.find('\n');
        if (newline == std::string::npos) {
            std::string more =
                io::read_at(fd, buffer_start + buffer.size(), k_read_size, index.m_path);
            if (more.empty()) throw Error(index.m_path.string() + " ends before its tail line");
            buffer += more;
            continue;
        }
        std::string_view line(buffer.data(), newline);
        if (layout::is_tail_line(line)) {
            auto peers = layout::parse_tail_line(line);
            if (!peers) throw Error(index.m_path.string() + "'s last line is not chainctl's tail");
            index.m_peers = std::move(*peers);
            index.m_tail_offset = buffer_start - 1; // the newline before the tail line
            break;
        }
        if (line.ends_with(',')) line.remove_suffix(1);
        index.m_offsets.push_back(buffer_start);
        index.m_hashes.push_back(hash_bytes(layout::hash_of_line(line)));
        buffer.erase(0, newline + 1);
        buffer_start += newline + 1;
    }
    if (index.m_offsets.empty()) throw Error(index.m_path.string() + " has no blocks");
    return index;
}

std::string ChainIndex::hash(std::size_t i) const {
    static const char* const hex = "0123456789abcdef";
    std::string out(64, '0');
    for (std::size_t b = 0; b < 32; ++b) {
        out[2 * b] = hex[m_hashes[i][b] >> 4];
        out[2 * b + 1] = hex[m_hashes[i][b] & 15];
    }
    return out;
}

ChainTip ChainIndex::tip() const {
    ChainTip tip;
    tip.length = length();
    tip.index = static_cast<std::int64_t>(length()) - 1;
    tip.hash = tip_hash();
    tip.tail_offset = m_tail_offset;
    tip.peers = m_peers;
    return tip;
}

std::string ChainIndex::line(std::size_t i) const {
    std::uint64_t start = m_offsets[i];
    std::uint64_t end = i + 1 < m_offsets.size() ? m_offsets[i + 1] - 2 : m_tail_offset;
    return io::read_at(m_file->get(), start, static_cast<std::size_t>(end - start), m_path);
}

json::Value ChainIndex::block(std::size_t i) const {
    return json::parse(line(i));
}

void ChainIndex::apply(const Change& change, const ChainTip& new_tip) {
    std::uint64_t at = m_tail_offset;
    for (const json::Value& block : change.blocks) {
        at += 2; // ",\n"
        m_offsets.push_back(at);
        m_hashes.push_back(hash_bytes(block.find("hash")->as_string()));
        at += layout::block_line(block).size();
    }
    m_tail_offset = new_tip.tail_offset;
    m_peers = new_tip.peers;
}

ChainSnapshot ChainIndex::snapshot() const {
    return snapshot(m_peers);
}

ChainSnapshot ChainIndex::snapshot(const std::vector<std::string>& other_peers) const {
    ChainSnapshot s;
    s.file = m_file;
    s.header = layout::header(length());
    s.begin = layout::k_header_size;
    s.end = m_tail_offset;
    s.tail = layout::tail(other_peers, m_difficulty);
    return s;
}

ChainWriter::ChainWriter(const Repository& repo)
    : m_path(repo.staging_path(repo.chain_path())), m_difficulty(repo.difficulty()),
      m_file(
          std::make_shared<io::FileDescriptor>(io::open_file(m_path, O_RDWR | O_CREAT | O_TRUNC))) {
    m_buffer = layout::header(0); // the length is written at the end
    m_index.m_path = m_path;
    m_index.m_difficulty = m_difficulty;
}

void ChainWriter::restart() {
    if (::ftruncate(m_file->get(), 0) != 0)
        throw Error("cannot truncate " + m_path.string() + ": " + io::errno_text(errno));
    m_written = 0;
    m_buffer = layout::header(0);
    m_index.m_offsets.clear();
    m_index.m_hashes.clear();
}

ChainWriter::~ChainWriter() {
    if (!m_committed) {
        std::error_code ec;
        io::fs::remove(m_path, ec);
    }
}

void ChainWriter::flush() {
    io::write_at(m_file->get(), m_written, m_buffer, m_path);
    m_written += m_buffer.size();
    m_buffer.clear();
}

void ChainWriter::add(const json::Value& block) {
    if (!m_index.m_offsets.empty()) m_buffer += ",\n";
    m_index.m_offsets.push_back(m_written + m_buffer.size());
    m_index.m_hashes.push_back(hash_bytes(block.find("hash")->as_string()));
    m_buffer += layout::block_line(block);
    if (m_buffer.size() >= k_read_size) flush();
}

ChainIndex ChainWriter::finish(const std::vector<std::string>& peers) {
    m_index.m_tail_offset = m_written + m_buffer.size();
    m_buffer += layout::tail(peers, m_difficulty);
    flush();
    io::write_at(m_file->get(), layout::k_length_offset, layout::length_field(m_index.length()),
                 m_path);
    io::sync_file(m_file->get(), m_path);
    m_index.m_peers = peers;
    m_index.m_file = m_file;
    return m_index;
}

std::size_t rewrite_in_layout(const Repository& repo, std::string_view text,
                              const PeerFilter& peer_filter, io::MappedFile* source) {
    ChainWriter writer(repo);
    std::vector<ledger::Problem> ignored;
    std::size_t count = 0;
    ledger::ChainFileMeta meta = ledger::read_chain_file(
        text,
        [&](json::Reader& reader) {
            writer.add(reader.read_value());
            if (source && ++count % 1024 == 0) source->release_before(reader.offset());
        },
        ignored, [&] { writer.restart(); });
    std::vector<std::string> peers;
    std::size_t dropped = 0;
    for (const std::string& peer : meta.peers) {
        std::optional<std::string> kept = peer_filter ? peer_filter(peer) : peer;
        if (kept && std::find(peers.begin(), peers.end(), *kept) == peers.end())
            peers.push_back(std::move(*kept));
        else
            ++dropped;
    }
    writer.finish(peers);
    if (::rename(writer.path().c_str(), repo.chain_path().c_str()) != 0)
        throw Error("cannot rename " + writer.path().string() + " to " +
                    repo.chain_path().string() + ": " + io::errno_text(errno));
    writer.committed();
    io::sync_directory(repo.root());
    return dropped;
}

} // namespace chain::store
