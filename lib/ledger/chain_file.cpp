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
                              std::vector<Problem>& problems) {
    json::Reader reader(text);
    ChainFileMeta meta;
    if (reader.peek() != '{') {
        if (reader.at_end()) reader.fail("the file is empty");
        reader.skip_value();
        reader.expect_end();
        throw Error("not a chain file: expected a JSON object with a \"chain\" array");
    }
    reader.begin_object();
    bool saw_chain = false;
    std::string key;
    while (reader.next_member(key)) {
        if (key == "chain") {
            if (reader.peek() != '[')
                throw Error("not a chain file: \"chain\" must be an array of blocks, found " +
                            std::string(json::type_name(reader.read_value().type())));
            saw_chain = true;
            reader.begin_array();
            while (reader.next_element())
                on_block(reader);
        } else if (key == "length") {
            json::Value length = reader.read_value();
            if (length.type() == json::Type::Int)
                meta.length = length.as_int();
            else
                problems.push_back(
                    {std::nullopt, "bad field type: length must be an integer, found " +
                                       std::string(json::type_name(length.type()))});
        } else if (key == "peers") {
            read_peers(reader, meta, problems);
        } else if (key == "difficulty") {
            json::Value difficulty = reader.read_value();
            if (difficulty.type() == json::Type::Int && difficulty.as_int() >= 0 &&
                difficulty.as_int() <= 64)
                meta.difficulty = static_cast<int>(difficulty.as_int());
            else
                problems.push_back(
                    {std::nullopt, "bad difficulty: must be an integer from 0 to 64, found " +
                                       json::dump(difficulty)});
        } else {
            reader.skip_value(); // unknown members are tolerated, as the reference does
        }
    }
    reader.expect_end();
    if (!saw_chain) throw Error("not a chain file: there is no \"chain\" array");
    return meta;
}

ChainDocument parse_chain_file(std::string_view text) {
    ChainDocument doc;
    std::vector<Problem> problems;
    doc.meta = read_chain_file(
        text, [&](json::Reader& r) { doc.blocks.push_back(r.read_value()); }, problems);
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
