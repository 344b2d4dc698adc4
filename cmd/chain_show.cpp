// chainctl chain show [--format table|posts] [FILE]
#include "commands.hpp"
#include "format.hpp"
#include "ledger/validate.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <algorithm>
#include <unistd.h>

namespace chainctl {

namespace {

struct ChainShowOptions {
    std::string format = "table";
    std::string file;
};

chain::ledger::ChainDocument load(const ChainShowOptions& o, Context& ctx) {
    if (o.file.empty()) return ctx.ledger()->chain();
    std::string name = o.file == "-" ? "standard input" : o.file;
    try {
        if (o.file == "-")
            return chain::ledger::parse_chain_file(chain::io::read_all(STDIN_FILENO));
        chain::io::MappedFile file(o.file);
        return chain::ledger::parse_chain_file(file.view());
    } catch (const chain::json::ParseError& e) {
        throw chain::Error(name + ": " + e.what());
    }
}

std::string pad_left(std::string s, std::size_t width) {
    if (s.size() < width) s.insert(0, width - s.size(), ' ');
    return s;
}

void print_table(const chain::ledger::ChainDocument& doc, Context& ctx) {
    std::size_t index_w = 5, nonce_w = 5;
    for (const chain::json::Value& b : doc.blocks) {
        if (const auto* n = b.find("nonce"))
            nonce_w = std::max(nonce_w, chain::json::dump(*n).size());
        if (const auto* i = b.find("index"))
            index_w = std::max(index_w, chain::json::dump(*i).size());
    }
    Output& out = ctx.out();
    if (!ctx.options.quiet)
        out.line(ctx.paint(pad_left("INDEX", index_w) + "  TIME                 TXS  " +
                               pad_left("NONCE", nonce_w) + "  HASH",
                           "1"));
    for (const chain::json::Value& b : doc.blocks) {
        auto field = [&](std::string_view key) {
            const chain::json::Value* v = b.is_object() ? b.find(key) : nullptr;
            return v ? chain::json::dump(*v) : std::string("-");
        };
        const chain::json::Value* ts = b.is_object() ? b.find("timestamp") : nullptr;
        const chain::json::Value* txs = b.is_object() ? b.find("transactions") : nullptr;
        const chain::json::Value* hash = b.is_object() ? b.find("hash") : nullptr;
        std::string time = ts ? local_time(*ts) : "-";
        time.resize(std::max<std::size_t>(time.size(), 19), ' ');
        std::string hash_text = hash && hash->is_string() ? hash->as_string() : "-";
        if (!ctx.options.verbose) hash_text = chain::ledger::short_hash(hash_text);
        out.line(
            pad_left(field("index"), index_w) + "  " + time + "  " +
            pad_left(txs && txs->is_array() ? std::to_string(txs->as_array().size()) : "-", 3) +
            "  " + pad_left(field("nonce"), nonce_w) + "  " + ctx.paint(hash_text, "2"));
    }
}

struct Post {
    const chain::json::Value* tx;
    const chain::json::Value* block;
    double time;
};

void print_posts(const chain::ledger::ChainDocument& doc, Context& ctx) {
    std::vector<Post> posts;
    for (const chain::json::Value& b : doc.blocks) {
        const chain::json::Value* txs = b.is_object() ? b.find("transactions") : nullptr;
        if (!txs || !txs->is_array()) continue;
        for (const chain::json::Value& tx : txs->as_array()) {
            const chain::json::Value* ts = tx.is_object() ? tx.find("timestamp") : nullptr;
            double t = !ts                                    ? 0
                       : ts->is_float()                       ? ts->as_float()
                       : ts->type() == chain::json::Type::Int ? static_cast<double>(ts->as_int())
                                                              : 0;
            posts.push_back({&tx, &b, t});
        }
    }
    // Newest first, as the reference web app shows them.
    std::stable_sort(posts.begin(), posts.end(),
                     [](const Post& a, const Post& b) { return a.time > b.time; });
    if (posts.empty() && !ctx.options.quiet) ctx.out().line("No posts yet.");
    for (const Post& p : posts) {
        const chain::json::Value* ts = p.tx->find("timestamp");
        const chain::json::Value* hash = p.block->find("hash");
        std::string where = "block #" + chain::json::dump(*p.block->find("index"));
        if (hash && hash->is_string()) where += " " + chain::ledger::short_hash(hash->as_string());
        ctx.out().line(ctx.paint(display_field(*p.tx, "author"), "1") + "  " +
                       (ts ? local_time(*ts, "%Y-%m-%d %H:%M") : "") + "  " +
                       ctx.paint(where, "2"));
        ctx.out().line(indent(display_field(*p.tx, "content"), "    "));
        ctx.out().line();
    }
}

chain::json::Value chain_json(const chain::ledger::ChainDocument& doc) {
    chain::json::Array peers(doc.meta.peers.begin(), doc.meta.peers.end());
    chain::json::Object o{{"length", doc.blocks.size()}, {"chain", doc.blocks}, {"peers", peers}};
    if (doc.meta.difficulty) o.push_back({"difficulty", *doc.meta.difficulty});
    return o;
}

} // namespace

void add_chain_show_command(CLI::App& parent, Context& ctx) {
    auto o = std::make_shared<ChainShowOptions>();
    CLI::App* cmd = parent.add_subcommand("show", "Show the blocks, or the posts, of a chain");
    cmd->add_option("--format", o->format,
                    "table: one line per block (default); posts: the transactions, newest first")
        ->check(CLI::IsMember({"table", "posts"}))
        ->option_text("table|posts");
    cmd->add_option("file", o->file,
                    "A chain file to show instead of the repository's (- for stdin)")
        ->option_text("FILE");
    add_node_option(*cmd, ctx);
    cmd->footer("With --json, prints the chain file format: {\"length\", \"chain\", \"peers\"}.");
    cmd->callback([o, &ctx] {
        chain::ledger::ChainDocument doc = load(*o, ctx);
        if (ctx.options.json)
            ctx.print_json(chain_json(doc));
        else if (o->format == "posts")
            print_posts(doc, ctx);
        else
            print_table(doc, ctx);
    });
}

} // namespace chainctl
