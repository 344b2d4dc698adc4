// chainctl tx add --author A --content C | chainctl tx add -
#include "commands.hpp"
#include "format.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <unistd.h>

namespace chainctl {

namespace {

struct TxAddOptions {
    std::string source;
    std::string author;
    std::string content;
};

chain::json::Value transaction_from(const TxAddOptions& o, bool has_author, bool has_content) {
    if (!o.source.empty()) {
        if (o.source != "-")
            throw UsageError("tx add takes '-' (a JSON object on standard input), not '" +
                             o.source + "'");
        if (has_author || has_content)
            throw UsageError("give either - (a JSON transaction on stdin) or --author and "
                             "--content, not both");
        std::string text = chain::io::read_all(STDIN_FILENO);
        try {
            return chain::json::parse(text);
        } catch (const chain::json::ParseError& e) {
            throw chain::Error(std::string("standard input: ") + e.what());
        }
    }
    if (!has_author || !has_content)
        throw UsageError("tx add needs --author and --content, or - to read a JSON transaction "
                         "from standard input");
    return chain::json::Object{{"author", o.author}, {"content", o.content}};
}

void print_transaction(const chain::json::Value& tx, Context& ctx) {
    Output& out = ctx.out();
    out.line("Added pending transaction:");
    out.line("  author:    " + ctx.paint(display_field(tx, "author"), "1"));
    out.line("  content:   " + hanging_indent(display_field(tx, "content"), "             "));
    if (const chain::json::Value* ts = tx.find("timestamp"))
        out.line("  timestamp: " + chain::json::dump(*ts) + " (" + local_time(*ts) + ")");
    for (const chain::json::Member& m : tx.as_object()) {
        if (m.key == "author" || m.key == "content" || m.key == "timestamp") continue;
        out.line("  " + terminal_safe(m.key) + ": " + chain::json::dump(m.value));
    }
}

} // namespace

void add_tx_add_command(CLI::App& parent, Context& ctx) {
    auto o = std::make_shared<TxAddOptions>();
    CLI::App* cmd = parent.add_subcommand("add", "Add a pending transaction");
    cmd->add_option("source", o->source, "- to read one JSON transaction object from stdin")
        ->option_text("-");
    CLI::Option* author =
        cmd->add_option("--author", o->author, "Who posts (required, non-empty)")->option_text("A");
    CLI::Option* content =
        cmd->add_option("--content", o->content, "What is posted (required, non-empty)")
            ->option_text("C");
    add_node_option(*cmd, ctx);
    cmd->footer("The timestamp is set to the current time, replacing any a client gave.\n"
                "Other fields of a JSON transaction are kept.");
    cmd->callback([o, author, content, &ctx] {
        chain::json::Value tx = transaction_from(*o, author->count() > 0, content->count() > 0);
        chain::json::Value stored = ctx.ledger()->add_transaction(std::move(tx));
        if (ctx.options.json)
            ctx.print_json(stored);
        else if (!ctx.options.quiet)
            print_transaction(stored, ctx);
    });
}

} // namespace chainctl
