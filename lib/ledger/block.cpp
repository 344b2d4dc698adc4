#include "ledger/block.hpp"

#include "error.hpp"
#include "ledger/sha256.hpp"

#include "json/write.hpp"
#include <array>
#include <ctime>

namespace chain::ledger {

namespace {

struct FieldRule {
    std::string_view name;
    std::string_view wanted;
    bool (*accepts)(const json::Value&);
};

bool is_transactions(const json::Value& v) {
    if (!v.is_array()) return false;
    for (const json::Value& tx : v.as_array())
        if (!tx.is_object()) return false;
    return true;
}

// In the reference key order, which is also the order problems are reported in.
const std::array<FieldRule, 6> k_fields = {{
    {"index", "an integer", [](const json::Value& v) { return v.is_integer(); }},
    {"transactions", "an array of objects", is_transactions},
    {"timestamp", "a number", [](const json::Value& v) { return v.is_number(); }},
    {"previous_hash", "a string", [](const json::Value& v) { return v.is_string(); }},
    {"nonce", "an integer", [](const json::Value& v) { return v.is_integer(); }},
    {"hash", "a string", [](const json::Value& v) { return v.is_string(); }},
}};

const json::Value& require(const json::Value& block, std::string_view key) {
    const json::Value* v = block.find(key);
    if (!v) throw Error("missing field: " + std::string(key));
    return *v;
}

std::string found_type(const json::Value& v) {
    if (v.is_array() && !v.as_array().empty()) return "an array with a non-object element";
    return std::string(json::type_name(v.type()));
}

} // namespace

json::Value genesis_block() {
    json::Value block = make_block(0, {}, 0.0, "0", 0, std::string(k_genesis_hash));
    // The genesis timestamp is the integer 0, not 0.0: that is what its hash covers.
    block.set("timestamp", json::Value(0));
    return block;
}

Preimage preimage_parts(const json::Value& index, const json::Value& previous_hash,
                        const json::Value& timestamp, const json::Value& transactions) {
    Preimage p;
    p.head = "{\"index\": ";
    json::write(index, p.head, json::KeyOrder::Sorted);
    p.head += ", \"nonce\": ";
    p.tail = ", \"previous_hash\": ";
    json::write(previous_hash, p.tail, json::KeyOrder::Sorted);
    p.tail += ", \"timestamp\": ";
    json::write(timestamp, p.tail, json::KeyOrder::Sorted);
    p.tail += ", \"transactions\": ";
    json::write(transactions, p.tail, json::KeyOrder::Sorted);
    p.tail += '}';
    return p;
}

std::string block_preimage(const json::Value& block) {
    if (!block.is_object())
        throw Error("a block must be a JSON object, found " +
                    std::string(json::type_name(block.type())));
    // Looked up one by one, so a missing field is named in the reference order.
    const json::Value& index = require(block, "index");
    const json::Value& transactions = require(block, "transactions");
    const json::Value& timestamp = require(block, "timestamp");
    const json::Value& previous_hash = require(block, "previous_hash");
    const json::Value& nonce = require(block, "nonce");
    Preimage p = preimage_parts(index, previous_hash, timestamp, transactions);
    std::string out = std::move(p.head);
    json::write(nonce, out, json::KeyOrder::Sorted);
    out += p.tail;
    return out;
}

std::string block_hash(const json::Value& block) {
    return sha256_hex(block_preimage(block));
}

json::Value make_block(std::int64_t index, json::Array transactions, double timestamp,
                       std::string previous_hash, std::uint64_t nonce, std::string hash) {
    json::Object o;
    o.reserve(6);
    o.push_back({"index", json::Value(index)});
    o.push_back({"transactions", json::Value(std::move(transactions))});
    o.push_back({"timestamp", json::Value(timestamp)});
    o.push_back({"previous_hash", json::Value(std::move(previous_hash))});
    o.push_back({"nonce", json::Value(nonce)});
    o.push_back({"hash", json::Value(std::move(hash))});
    return json::Value(std::move(o));
}

std::optional<std::string> field_problem(const json::Value& block) {
    if (!block.is_object())
        return "bad block: expected an object, found " + std::string(json::type_name(block.type()));
    for (const FieldRule& rule : k_fields) {
        const json::Value* v = block.find(rule.name);
        if (!v) return "missing field: " + std::string(rule.name);
        if (!rule.accepts(*v))
            return "bad field type: " + std::string(rule.name) + " must be " +
                   std::string(rule.wanted) + ", found " + found_type(*v);
    }
    for (const json::Member& m : block.as_object()) {
        bool known = false;
        for (const FieldRule& rule : k_fields)
            known = known || rule.name == m.key;
        if (!known) return "unexpected field: " + m.key + " (not covered by the hash)";
    }
    return std::nullopt;
}

json::Value in_reference_order(const json::Value& block) {
    json::Object o;
    o.reserve(k_fields.size());
    for (const FieldRule& rule : k_fields)
        o.push_back({std::string(rule.name), *block.find(rule.name)});
    return json::Value(std::move(o));
}

std::string hash_mismatch(std::string_view stored, std::string_view computed) {
    return "hash mismatch: stored " + std::string(stored) + " computed " + std::string(computed);
}

std::string proof_of_work_problem(int zeros, int difficulty) {
    auto zeros_text = [](int n) {
        return std::to_string(n) + (n == 1 ? " leading zero" : " leading zeros");
    };
    return "proof of work below difficulty: the hash has " + zeros_text(zeros) + ", difficulty " +
           std::to_string(difficulty) + " needs " + zeros_text(difficulty);
}

std::string index_mismatch(std::size_t expected, const json::Value& found) {
    std::string text = json::dump(found);
    if (text.size() > 80) text = text.substr(0, 77) + "...";
    return "index mismatch: expected " + std::to_string(expected) + ", found " + text;
}

std::string previous_hash_mismatch(std::size_t previous, std::string_view previous_hash,
                                   std::string_view named) {
    return "previous_hash mismatch: block " + std::to_string(previous) + " has hash " +
           std::string(previous_hash) + ", this block names " + std::string(named);
}

std::optional<std::string> intrinsic_problem(const json::Value& block, int difficulty) {
    if (auto problem = field_problem(block)) return problem;
    const std::string& stored = block.find("hash")->as_string();
    Sha256 sha;
    Digest digest = sha.digest(block_preimage(block));
    std::string computed = to_hex(digest);
    if (computed != stored) return hash_mismatch(stored, computed);
    if (int zeros = leading_zero_nibbles(digest); zeros < difficulty)
        return proof_of_work_problem(zeros, difficulty);
    return std::nullopt;
}

double now_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

} // namespace chain::ledger
