// chainctl peer list [--node URL]
#include "commands.hpp"

#include "json/write.hpp"

namespace chainctl {

namespace {

std::string text_of(const chain::json::Value* v) {
    if (!v) return "";
    return v->is_string() ? v->as_string() : chain::json::dump(*v);
}

// "http://127.0.0.1:8001/  up, 12 blocks", "...  unreachable: cannot reach ...": what the node
// knows of a peer, or the address alone when nothing is known.
std::string describe(const chain::json::Value& peer, Context& ctx) {
    std::string line = text_of(peer.find("url"));
    std::string state = text_of(peer.find("state"));
    if (state.empty() || state == "unknown") return line;
    line += "  " + ctx.paint(state, state == "up" ? "32" : state == "unreachable" ? "31" : "2");
    if (const auto* length = peer.find("length"); length && length->is_integer())
        line += ", " + chain::json::dump(*length) + " blocks";
    if (const auto* error = peer.find("last_error"); error && error->is_string())
        line += ": " + error->as_string();
    return line;
}

} // namespace

void add_peer_list_command(CLI::App& parent, Context& ctx) {
    CLI::App* cmd = parent.add_subcommand(
        "list", "List the node's peers, one per line, with what it knows of each");
    add_node_option(*cmd, ctx);
    cmd->footer("A running chainctl node says whether each peer answers (up), does not "
                "(unreachable, with the last error) or is itself under another address (self). "
                "With --json: [{\"url\", \"state\", \"kind\", \"length\", ...}].");
    cmd->callback([&ctx] {
        chain::json::Value peers = ctx.ledger()->peer_status();
        if (ctx.options.json) {
            ctx.print_json(peers);
            return;
        }
        for (const chain::json::Value& p : peers.as_array())
            ctx.out().line(describe(p, ctx));
        if (peers.as_array().empty() && !ctx.options.quiet) ctx.note("No peers.");
    });
}

} // namespace chainctl
