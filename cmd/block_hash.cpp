// chainctl block hash [FILE|-] [--preimage]
#include "commands.hpp"
#include "ledger/block.hpp"
#include "ledger/sha256.hpp"

#include "json/parse.hpp"
#include <unistd.h>

namespace chainctl {

namespace {

struct BlockHashOptions {
    std::string file = "-";
    bool preimage = false;
};

// A golden-vector record {"block": {...}, "preimage", "hash"} stands for the block inside it.
const chain::json::Value& unwrap(const chain::json::Value& v) {
    if (v.is_object() && !v.find("index")) {
        const chain::json::Value* inner = v.find("block");
        if (inner && inner->is_object()) return *inner;
    }
    return v;
}

} // namespace

void add_block_hash_command(CLI::App& parent, Context& ctx) {
    auto o = std::make_shared<BlockHashOptions>();
    CLI::App* cmd = parent.add_subcommand(
        "hash", "Print the hash (or the canonical preimage) of each block read, one per line");
    cmd->add_option("file", o->file, "One block object, or JSON Lines of blocks (default: - stdin)")
        ->option_text("FILE|-");
    cmd->add_flag("--preimage", o->preimage,
                  "Print the exact string that is hashed: json.dumps(block, sort_keys=True)");
    cmd->footer("The hash covers index, nonce, previous_hash, timestamp and transactions; a "
                "\"hash\" field in the input is ignored.");
    cmd->callback([o, &ctx] {
        std::string name = o->file == "-" ? "standard input" : o->file;
        std::string text =
            o->file == "-" ? chain::io::read_all(STDIN_FILENO) : chain::io::read_file(o->file);
        chain::json::Reader reader(text);
        chain::json::Array results;
        std::size_t count = 0;
        while (!reader.at_end()) {
            ++count;
            std::size_t start = reader.offset();
            chain::json::Value value;
            try {
                value = reader.read_value();
            } catch (const chain::json::ParseError& e) {
                throw chain::Error(name + ": block " + std::to_string(count) + ": " + e.what());
            }
            const chain::json::Value& block = unwrap(value);
            std::string preimage;
            try {
                preimage = chain::ledger::block_preimage(block);
            } catch (const chain::Error& e) {
                auto line = chain::json::line_column(text, start).first;
                throw chain::Error(name + ": block " + std::to_string(count) + " (line " +
                                   std::to_string(line) + "): " + e.what());
            }
            std::string hash = chain::ledger::sha256_hex(preimage);
            const chain::json::Value* stored = block.find("hash");
            if (ctx.options.verbose && stored && stored->is_string() && stored->as_string() != hash)
                ctx.note("block " + std::to_string(count) + ": stored hash " + stored->as_string() +
                         " differs from the computed " + hash);
            if (ctx.options.json) {
                chain::json::Object r{{"hash", hash}, {"preimage", preimage}};
                if (stored) r.push_back({"stored_hash", *stored});
                results.push_back(std::move(r));
            } else {
                ctx.out().line(o->preimage ? preimage : hash);
            }
        }
        if (count == 0) throw chain::Error(name + ": no block to hash (the input is empty)");
        if (ctx.options.json) ctx.print_json(chain::json::Object{{"blocks", results}});
    });
}

} // namespace chainctl
