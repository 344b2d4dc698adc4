// libFuzzer: chainctl's canonical form against the reference's rules, on objects full of
// repeated keys. The input is read as a little program that builds a JSON object (keys from a
// small alphabet, so they repeat; values that are numbers, strings or nested objects); the
// expected canonical text comes from a model of what Python does (a dict: a repeated key keeps
// its first place and takes its last value; json.dumps(sort_keys=True) sorts by code point),
// written here without chainctl's JSON code. Both of chainctl's readers must give it.
#include "json/parse.hpp"
#include "json/write.hpp"
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace chain;

namespace {

// The model: a value is an integer, a string (ASCII letters) or an object.
struct Model {
    enum class Kind { Int, Str, Obj } kind = Kind::Int;
    long long number = 0;
    std::string text;
    std::vector<std::pair<std::string, std::unique_ptr<Model>>> members; // first place, last value
};

class Program {
public:
    Program(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}
    bool more() const { return m_pos < m_size; }
    std::uint8_t next() { return m_pos < m_size ? m_data[m_pos++] : 0; }

private:
    const std::uint8_t* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

// Builds a value from the program, appending its JSON text (with repeats) to text.
std::unique_ptr<Model> build(Program& p, std::string& text, int depth) {
    auto v = std::make_unique<Model>();
    std::uint8_t op = p.next();
    if (depth < 4 && op % 4 == 0) {
        v->kind = Model::Kind::Obj;
        text += '{';
        int count = p.next() % 24; // past 16 members, where a large object's index starts
        for (int i = 0; i < count && p.more(); ++i) {
            std::string key(1, static_cast<char>('a' + p.next() % 6));
            if (p.next() % 3 == 0) key += static_cast<char>('A' + p.next() % 3);
            if (i) text += ',';
            text += '"' + key + "\":";
            std::unique_ptr<Model> value = build(p, text, depth + 1);
            auto it = std::find_if(v->members.begin(), v->members.end(),
                                   [&](const auto& m) { return m.first == key; });
            if (it != v->members.end())
                it->second = std::move(value);
            else
                v->members.emplace_back(key, std::move(value));
        }
        text += '}';
    } else if (op % 4 == 1) {
        v->kind = Model::Kind::Str;
        int length = p.next() % 5;
        for (int i = 0; i < length; ++i)
            v->text += static_cast<char>('a' + p.next() % 26);
        text += '"' + v->text + '"';
    } else {
        v->number = static_cast<long long>(p.next()) - 100;
        text += std::to_string(v->number);
    }
    return v;
}

// json.dumps(value, sort_keys=True) of the model.
void canonical(const Model& v, std::string& out) {
    switch (v.kind) {
    case Model::Kind::Int:
        out += std::to_string(v.number);
        return;
    case Model::Kind::Str:
        out += '"' + v.text + '"';
        return;
    case Model::Kind::Obj: {
        std::vector<const std::pair<std::string, std::unique_ptr<Model>>*> sorted;
        for (const auto& m : v.members)
            sorted.push_back(&m);
        std::sort(sorted.begin(), sorted.end(),
                  [](const auto* a, const auto* b) { return a->first < b->first; });
        out += '{';
        for (std::size_t i = 0; i < sorted.size(); ++i) {
            if (i) out += ", ";
            out += '"' + sorted[i]->first + "\": ";
            canonical(*sorted[i]->second, out);
        }
        out += '}';
        return;
    }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Program program(data, size);
    std::string text;
    std::unique_ptr<Model> model = build(program, text, 0);
    std::string expected;
    canonical(*model, expected);
    if (json::dump_canonical(json::parse(text)) != expected) std::abort();
    std::string scanned;
    json::Reader reader(text);
    reader.read_canonical(scanned);
    if (scanned != expected) std::abort();
    return 0;
}
