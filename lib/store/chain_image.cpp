#include "store/chain_image.hpp"

#include "error.hpp"
#include "ledger/chain_file.hpp"
#include "store/repository.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"

namespace chain::store {

namespace {

// The hash of a block line as chainctl writes it: the last member, `"hash": "<64 hex>"}`. Other
// spellings fall back to parsing the line.
std::string hash_of_line(std::string_view line) {
    constexpr std::string_view key = "\"hash\": \"";
    if (line.size() > 64 + key.size() + 2 && line.ends_with("\"}")) {
        std::string_view candidate = line.substr(line.size() - 66, 64);
        bool hex = line.substr(line.size() - 66 - key.size(), key.size()) == key;
        for (char c : candidate)
            hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        if (hex) return std::string(candidate);
    }
    json::Value block = json::parse(line);
    const json::Value* hash = block.find("hash");
    if (!hash || !hash->is_string()) throw Error("a block in chain.json has no hash");
    return hash->as_string();
}

} // namespace

ChainImage ChainImage::from_layout(std::string text, int difficulty) {
    ChainImage image;
    image.m_difficulty = difficulty;
    std::size_t pos = ledger::k_header_size;
    for (;;) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) throw Error("chain.json is not in chainctl's layout");
        std::string_view line(text.data() + pos, end - pos);
        if (line.starts_with("], ")) {
            image.m_tail_offset = pos - 1;
            auto peers = parse_tail_line(line);
            if (!peers) throw Error("chain.json's last line is not chainctl's tail");
            image.m_peers = std::move(*peers);
            break;
        }
        if (line.ends_with(',')) line.remove_suffix(1);
        image.m_line_starts.push_back(pos);
        image.m_hashes.push_back(hash_of_line(line));
        pos = end + 1;
    }
    if (image.m_hashes.empty()) throw Error("chain.json has no blocks");
    image.m_body = std::make_shared<const std::string>(std::move(text));
    return image;
}

ChainImage::Builder::Builder(std::size_t blocks, std::size_t expected_bytes)
    : m_body(ledger::layout_header(blocks)) {
    m_body.reserve(expected_bytes + 4096);
    m_line_starts.reserve(blocks);
    m_hashes.reserve(blocks);
}

void ChainImage::Builder::add(const json::Value& block) {
    if (!m_hashes.empty()) m_body += ",\n";
    m_line_starts.push_back(m_body.size());
    json::write(block, m_body); // the block's own key order, as json.dumps writes it
    m_hashes.push_back(block.find("hash")->as_string());
}

ChainImage ChainImage::Builder::finish(std::vector<std::string> peers, int difficulty) {
    ChainImage image;
    image.m_tail_offset = m_body.size();
    m_body += ledger::layout_tail(peers, difficulty);
    image.m_body = std::make_shared<const std::string>(std::move(m_body));
    image.m_line_starts = std::move(m_line_starts);
    image.m_hashes = std::move(m_hashes);
    image.m_peers = std::move(peers);
    image.m_difficulty = difficulty;
    return image;
}

std::string_view ChainImage::line(std::size_t i) const {
    std::size_t start = m_line_starts[i];
    std::size_t end = i + 1 < m_line_starts.size() ? m_line_starts[i + 1] - 2 : m_tail_offset;
    return std::string_view(*m_body).substr(start, end - start);
}

json::Value ChainImage::block(std::size_t i) const {
    return json::parse(line(i));
}

ChainTip ChainImage::tip() const {
    ChainTip tip;
    tip.length = length();
    tip.index = static_cast<std::int64_t>(length()) - 1;
    tip.hash = tip_hash();
    tip.tail_offset = m_tail_offset;
    tip.peers = m_peers;
    return tip;
}

std::string ChainImage::applied(const std::vector<JournalOp>& ops) const {
    std::string body = *m_body;
    for (const JournalOp& op : ops) {
        const auto* w = std::get_if<WriteOp>(&op);
        if (!w || w->file != k_chain_file) continue;
        if (body.size() < w->offset + w->data.size()) body.resize(w->offset + w->data.size());
        body.replace(w->offset, w->data.size(), w->data);
        if (w->truncate) body.resize(w->offset + w->data.size());
    }
    return body;
}

ChainImage ChainImage::appended(const json::Value& block, const std::vector<JournalOp>& ops) const {
    ChainImage next = *this;
    next.m_body = std::make_shared<const std::string>(applied(ops));
    next.m_line_starts.push_back(m_tail_offset + 2); // after ",\n"
    next.m_hashes.push_back(block.find("hash")->as_string());
    // The file now ends with the new block's line and the unchanged tail.
    next.m_tail_offset = next.m_body->size() - ledger::layout_tail(m_peers, m_difficulty).size();
    return next;
}

ChainImage ChainImage::with_peers(std::vector<std::string> peers,
                                  const std::vector<JournalOp>& ops) const {
    ChainImage next = *this;
    next.m_body = std::make_shared<const std::string>(applied(ops));
    next.m_peers = std::move(peers);
    return next;
}

} // namespace chain::store
