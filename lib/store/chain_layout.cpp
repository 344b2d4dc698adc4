#include "store/chain_layout.hpp"

#include "error.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"

namespace chain::store::layout {

namespace {

constexpr std::string_view k_header_start = "{\"length\": ";
constexpr std::string_view k_header_end = ", \"chain\": [\n";
constexpr std::string_view k_tail_start = "], ";

bool is_lower_hex(std::string_view s) {
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

} // namespace

std::string length_field(std::uint64_t length) {
    std::string field = std::to_string(length);
    field.resize(k_length_width, ' ');
    return field;
}

std::string header(std::uint64_t length) {
    return std::string(k_header_start) + length_field(length) + std::string(k_header_end);
}

std::optional<std::uint64_t> parse_header(std::string_view text) {
    if (text.size() != k_header_size || !text.starts_with(k_header_start) ||
        !text.ends_with(k_header_end))
        return std::nullopt;
    std::string_view field = text.substr(k_length_offset, k_length_width);
    std::size_t digits = 0;
    while (digits < field.size() && field[digits] >= '0' && field[digits] <= '9')
        ++digits;
    if (digits == 0 || digits > 19 ||
        field.find_first_not_of(' ', digits) != std::string_view::npos)
        return std::nullopt;
    return std::stoull(std::string(field.substr(0, digits)));
}

std::string tail(const std::vector<std::string>& peers, int difficulty) {
    std::string out = "\n], \"peers\": [";
    for (std::size_t i = 0; i < peers.size(); ++i) {
        if (i) out += ", ";
        json::write_string(peers[i], out);
    }
    out += "], \"difficulty\": " + std::to_string(difficulty) + "}\n";
    return out;
}

bool is_tail_line(std::string_view line) {
    return line.starts_with(k_tail_start);
}

std::optional<std::vector<std::string>> parse_tail_line(std::string_view line) {
    if (!is_tail_line(line)) return std::nullopt;
    try {
        json::Value rest = json::parse("{" + std::string(line.substr(k_tail_start.size())));
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

std::string block_line(const json::Value& block) {
    return json::dump(block);
}

std::string hash_of_line(std::string_view line) {
    constexpr std::string_view key = "\"hash\": \"";
    // Last, as in the reference's Block.__dict__ order (chainctl writes blocks so) ...
    if (line.size() > 64 + key.size() + 2 && line.ends_with("\"}")) {
        std::string_view candidate = line.substr(line.size() - 66, 64);
        if (line.substr(line.size() - 66 - key.size(), key.size()) == key &&
            is_lower_hex(candidate))
            return std::string(candidate);
    }
    // ... or first, as in json.dumps(block, sort_keys=True).
    if (line.size() > 1 + key.size() + 65 && line[0] == '{' && line.substr(1, key.size()) == key &&
        line[1 + key.size() + 64] == '"') {
        std::string_view candidate = line.substr(1 + key.size(), 64);
        if (is_lower_hex(candidate)) return std::string(candidate);
    }
    json::Value block = json::parse(line);
    const json::Value* hash = block.find("hash");
    if (!hash || !hash->is_string()) throw Error("a block in chain.json has no hash");
    return hash->as_string();
}

std::string file(const json::Array& blocks, const std::vector<std::string>& peers, int difficulty) {
    std::string out = header(blocks.size());
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (i) out += ",\n";
        json::write(blocks[i], out);
    }
    out += tail(peers, difficulty);
    return out;
}

} // namespace chain::store::layout
