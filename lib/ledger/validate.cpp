#include "ledger/validate.hpp"

#include "ledger/block.hpp"

#include "json/write.hpp"
#include <algorithm>

namespace chain::ledger {

namespace {

std::string describe_value(const json::Value& v) {
    std::string text = json::dump(v);
    if (text.size() > 80) text = text.substr(0, 77) + "...";
    return text;
}

bool is_genesis(const json::Value& block) {
    static const json::Value genesis = genesis_block();
    // Compare serialised forms: 0 and 0.0 are different blocks even though they compare equal.
    return json::dump_canonical(block) == json::dump_canonical(genesis);
}

enum Field : std::size_t { k_index, k_transactions, k_timestamp, k_previous_hash, k_nonce, k_hash };
constexpr std::array<std::string_view, 6> k_field_names = {
    "index", "transactions", "timestamp", "previous_hash", "nonce", "hash"};

// The decoded value of a canonical string literal.
std::string decode_string(const std::string& literal) {
    if (literal.find('\\') == std::string::npos) return literal.substr(1, literal.size() - 2);
    return json::parse(literal).as_string();
}

bool is_integer_type(json::Type t) {
    return t == json::Type::Int || t == json::Type::BigInt;
}

} // namespace

std::string short_hash(std::string_view hash) {
    if (hash.size() <= 12) return std::string(hash);
    return std::string(hash.substr(0, 12)) + "\xE2\x80\xA6";
}

void ChainValidator::add(const json::Value& block, std::vector<Problem>& problems) {
    const std::size_t position = m_count++;
    auto report = [&](std::string reason) { problems.push_back({position, std::move(reason)}); };
    const json::Value* stored_hash = block.is_object() ? block.find("hash") : nullptr;
    std::string stored = stored_hash && stored_hash->is_string() ? stored_hash->as_string() : "";

    if (position == 0) {
        m_zeros.push_back(-1);
        if (!is_genesis(block))
            report("genesis mismatch: block 0 must be the genesis block "
                   "{\"index\": 0, \"transactions\": [], \"timestamp\": 0, \"previous_hash\": "
                   "\"0\", \"nonce\": 0, \"hash\": \"" +
                   std::string(k_genesis_hash) + "\"}, found " + describe_value(block));
        m_previous_hash = stored;
        return;
    }

    std::int8_t zeros = -1;
    if (auto problem = field_problem(block)) {
        report(*problem);
    } else {
        const json::Value& index = *block.find("index");
        if (index.type() != json::Type::Int ||
            index.as_int() != static_cast<std::int64_t>(position))
            report(index_mismatch(position, index));
        const std::string& previous = block.find("previous_hash")->as_string();
        if (previous != m_previous_hash)
            report(previous_hash_mismatch(position - 1, m_previous_hash, previous));
        m_preimage = block_preimage(block);
        Digest digest = m_sha.digest(m_preimage);
        std::string computed = to_hex(digest);
        if (computed != stored)
            report(hash_mismatch(stored, computed));
        else
            zeros = static_cast<std::int8_t>(leading_zero_nibbles(digest));
    }
    m_zeros.push_back(zeros);
    m_previous_hash = stored;
}

// Reads one block, keeping the canonical text of its six fields. Returns false, having still
// consumed the whole block, when it is not a plain object with exactly those six well-typed
// fields.
bool ChainValidator::scan(json::Reader& reader) {
    if (reader.peek() != '{') {
        reader.skip_value();
        return false;
    }
    bool ok = true;
    unsigned seen = 0;
    std::string key;
    reader.begin_object();
    while (reader.next_member(key)) {
        auto it = std::find(k_field_names.begin(), k_field_names.end(), key);
        auto field = static_cast<std::size_t>(it - k_field_names.begin());
        if (it == k_field_names.end() || (seen & (1u << field))) {
            ok = false; // unknown or repeated field
            reader.skip_value();
            continue;
        }
        seen |= 1u << field;
        std::string& text = m_fields[field];
        text.clear();
        if (field == k_transactions) {
            if (reader.peek() != '[') {
                reader.skip_value();
                ok = false;
                continue;
            }
            reader.begin_array();
            text += '[';
            bool any = false;
            while (reader.next_element()) {
                if (any) text += ", ";
                any = true;
                ok = reader.read_canonical(text) == json::Type::Object && ok;
            }
            text += ']';
            continue;
        }
        json::Type type = reader.read_canonical(text);
        switch (field) {
        case k_index:
            ok = ok && type == json::Type::Int;
            break;
        case k_nonce:
            ok = ok && is_integer_type(type);
            break;
        case k_timestamp:
            ok = ok && (is_integer_type(type) || type == json::Type::Float);
            break;
        default: // previous_hash, hash
            ok = ok && type == json::Type::String;
        }
    }
    return ok && seen == (1u << k_field_names.size()) - 1;
}

// The checks of add(Value) on a scanned block; false when any fails (the caller then runs the
// full path, which reports it).
bool ChainValidator::check_scanned() {
    std::string& preimage = m_preimage;
    preimage.clear();
    preimage += "{\"index\": ";
    preimage += m_fields[k_index];
    preimage += ", \"nonce\": ";
    preimage += m_fields[k_nonce];
    preimage += ", \"previous_hash\": ";
    preimage += m_fields[k_previous_hash];
    preimage += ", \"timestamp\": ";
    preimage += m_fields[k_timestamp];
    preimage += ", \"transactions\": ";
    preimage += m_fields[k_transactions];
    preimage += '}';
    m_decoded_hash = decode_string(m_fields[k_hash]);
    if (m_count == 0) {
        static const std::string genesis_preimage = block_preimage(genesis_block());
        return preimage == genesis_preimage && m_decoded_hash == k_genesis_hash;
    }
    if (m_fields[k_index] != std::to_string(m_count)) return false;
    if (decode_string(m_fields[k_previous_hash]) != m_previous_hash) return false;
    Digest digest = m_sha.digest(preimage);
    if (to_hex(digest) != m_decoded_hash) return false;
    m_zeros.push_back(static_cast<std::int8_t>(leading_zero_nibbles(digest)));
    return true;
}

void ChainValidator::add(json::Reader& reader, std::vector<Problem>& problems) {
    reader.peek(); // skip whitespace so the block's text starts here
    const std::size_t start = reader.offset();
    if (scan(reader) && check_scanned()) {
        if (m_count == 0) m_zeros.push_back(-1);
        m_previous_hash = std::move(m_decoded_hash);
        ++m_count;
        return;
    }
    std::string_view text = reader.text().substr(start, reader.offset() - start);
    add(json::parse(text), problems);
}

void ChainValidator::reset() {
    m_previous_hash.clear();
    m_count = 0;
    m_zeros.clear();
}

void ChainValidator::finish(int difficulty, std::vector<Problem>& problems) const {
    if (m_count == 0) problems.push_back({std::nullopt, "no genesis block: the chain is empty"});
    for (std::size_t i = 0; i < m_zeros.size(); ++i) {
        if (m_zeros[i] >= 0 && m_zeros[i] < difficulty)
            problems.push_back({i, proof_of_work_problem(m_zeros[i], difficulty)});
    }
    // File-level problems first, then by block; the order within a block is kept.
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
        if (!a.block || !b.block) return !a.block && b.block;
        return *a.block < *b.block;
    });
}

std::vector<Problem> validate_chain(const json::Array& blocks, int difficulty) {
    ChainValidator validator;
    std::vector<Problem> problems;
    for (const json::Value& block : blocks)
        validator.add(block, problems);
    validator.finish(difficulty, problems);
    return problems;
}

} // namespace chain::ledger
