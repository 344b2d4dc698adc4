#include "ledger/chain_file.hpp"

#include "error.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"

namespace chain::ledger {

namespace {

void read_peers(json::Reader& reader, ChainFileMeta& meta, std::vector<Problem>& problems) {
    json::Value peers = reader.read_value();
    if (!peers.is_array()) {
        problems.push_back(
            {std::nullopt, "bad field type: peers must be an array of strings, found " +
                               std::string(json::type_name(peers.type()))});
        return;
    }
    for (json::Value& peer : peers.as_array()) {
        if (!peer.is_string()) {
            problems.push_back({std::nullopt, "bad field type: peers must be an array of strings"});
            return;
        }
        meta.peers.push_back(std::move(peer.as_string()));
    }
}

} // namespace

ChainFileMeta read_chain_file(std::string_view text,
                              const std::function<void(json::Reader&)>& on_block,
                              std::vector<Problem>& problems,
                              const std::function<void()>& on_restart) {
    json::Reader reader(text);
    ChainFileMeta meta;
    if (reader.peek() != '{') {
        if (reader.at_end()) reader.fail("the file is empty");
        reader.skip_value();
        reader.expect_end();
        throw Error("not a chain file: expected a JSON object with a \"chain\" array");
    }
    reader.begin_object();
    // A repeated member means what it means to Python's json: the last one counts. So each
    // member's problems are kept apart, and replaced when it comes again.
    std::vector<Problem> length_problems, peers_problems, difficulty_problems;
    std::size_t chains = 0;
    std::optional<std::string> chain_not_an_array;
    std::string key;
    while (reader.next_member(key)) {
        if (key == "chain") {
            if (chains++ > 0) on_restart(); // what the earlier "chain" gave does not count
            if (reader.peek() != '[') {
                chain_not_an_array = std::string(json::type_name(reader.read_value().type()));
                continue;
            }
            chain_not_an_array.reset();
            reader.begin_array();
            while (reader.next_element())
                on_block(reader);
        } else if (key == "length") {
            length_problems.clear();
            meta.length.reset();
            json::Value length = reader.read_value();
            if (length.type() == json::Type::Int)
                meta.length = length.as_int();
            else
                length_problems.push_back(
                    {std::nullopt, "bad field type: length must be an integer, found " +
                                       std::string(json::type_name(length.type()))});
        } else if (key == "peers") {
            peers_problems.clear();
            meta.peers.clear();
            read_peers(reader, meta, peers_problems);
        } else if (key == "difficulty") {
            difficulty_problems.clear();
            meta.difficulty.reset();
            json::Value difficulty = reader.read_value();
            if (difficulty.type() == json::Type::Int && difficulty.as_int() >= 0 &&
                difficulty.as_int() <= 64)
                meta.difficulty = static_cast<int>(difficulty.as_int());
            else
                difficulty_problems.push_back(
                    {std::nullopt, "bad difficulty: must be an integer from 0 to 64, found " +
                                       json::dump(difficulty)});
        } else {
            reader.skip_value(); // unknown members are tolerated, as the reference does
        }
    }
    reader.expect_end();
    if (chains == 0) throw Error("not a chain file: there is no \"chain\" array");
    if (chain_not_an_array)
        throw Error("not a chain file: \"chain\" must be an array of blocks, found " +
                    *chain_not_an_array);
    for (auto* member : {&length_problems, &peers_problems, &difficulty_problems})
        problems.insert(problems.end(), member->begin(), member->end());
    return meta;
}

void check_chain_prefix(std::string_view prefix) {
    try {
        std::vector<Problem> ignored;
        read_chain_file(
            prefix, [](json::Reader& r) { r.skip_value(); }, ignored, [] {});
    } catch (const json::ParseError& e) {
        if (e.offset() >= prefix.size()) return; // only cut short so far: more will come
        throw Error(std::string("not a chain file: ") + e.what());
    }
}

ChainDocument parse_chain_file(std::string_view text) {
    ChainDocument doc;
    std::vector<Problem> problems;
    doc.meta = read_chain_file(
        text, [&](json::Reader& r) { doc.blocks.push_back(r.read_value()); }, problems,
        [&] { doc.blocks.clear(); });
    if (!problems.empty()) throw Error(problems.front().reason);
    return doc;
}

std::string chain_file_text(const json::Array& blocks, const std::vector<std::string>& peers,
                            std::optional<int> difficulty) {
    json::Object doc{{"length", json::Value(blocks.size())},
                     {"chain", json::Value(blocks)},
                     {"peers", json::Array(peers.begin(), peers.end())}};
    if (difficulty) doc.push_back({"difficulty", json::Value(*difficulty)});
    return json::dump(json::Value(std::move(doc)));
}

} // namespace chain::ledger
