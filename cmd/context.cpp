#include "context.hpp"

#include "http/url.hpp"
#include "node/remote_ledger.hpp"
#include "store/serve_marker.hpp"

#include "json/write.hpp"
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace chainctl {

Output::~Output() {
    try {
        flush();
    } catch (...) {
        // main() flushes explicitly and reports errors; this is only a last resort.
    }
}

void Output::write(std::string_view text) {
    m_buffer += text;
    if (m_buffer.size() >= 64 * 1024) flush();
}

void Output::line(std::string_view text) {
    m_buffer += text;
    m_buffer += '\n';
    if (m_buffer.size() >= 64 * 1024) flush();
}

void Output::flush() {
    std::string_view rest = m_buffer;
    while (!rest.empty()) {
        ssize_t n = ::write(m_fd, rest.data(), rest.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            int error = errno;
            m_buffer.clear();
            if (error == EPIPE) throw StdoutClosed{};
            throw chain::Error("cannot write to standard output: " + chain::io::errno_text(error));
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    m_buffer.clear();
}

bool Output::is_terminal() const {
    return ::isatty(m_fd) == 1;
}

void Context::print_json(const chain::json::Value& value) {
    m_out.line(chain::json::dump(value));
}

void Context::note(std::string_view text) const {
    if (options.quiet) return;
    std::string line(text);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
}

void Context::warn(std::string_view text) const {
    std::string line = "chainctl: warning: " + std::string(text) + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
}

bool Context::color() const {
    if (options.color == "always") return true;
    if (options.color == "never") return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    return m_out.is_terminal();
}

std::string Context::paint(std::string_view text, std::string_view style) const {
    if (!color()) return std::string(text);
    return "\x1b[" + std::string(style) + "m" + std::string(text) + "\x1b[0m";
}

bool Context::stderr_is_terminal() const {
    return ::isatty(2) == 1;
}

chain::store::Repository Context::repository() const {
    chain::store::DiscoverOptions discover;
    if (!options.directory.empty()) discover.directory = options.directory;
    if (const char* env = std::getenv("CHAINCTL_DIR"); env && *env) discover.env_dir = env;
    discover.cwd = std::filesystem::current_path();
    return chain::store::Repository::discover(discover);
}

} // namespace chainctl

namespace chainctl {

std::string counted(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

CLI::Validator node_url_check() {
    return CLI::Validator(
        [](std::string& value) {
            try {
                chain::http::parse_url(value);
                return std::string();
            } catch (const chain::Error& e) {
                return std::string(e.what());
            }
        },
        "URL");
}

void add_node_option(CLI::App& command, Context& ctx) {
    command
        .add_option("--node", ctx.options.node,
                    "Work on the node at URL over HTTP (chainctl or the reference node) instead of "
                    "a local repository")
        ->check(node_url_check())
        ->option_text("URL");
}

const chain::io::Cancellation& Context::stop_on_signal() {
    if (!m_stop_scope) m_stop_scope.emplace(m_signals, [this] { m_stop.cancel(); });
    return m_stop;
}

std::unique_ptr<chain::ledger::LedgerApi> Context::ledger() {
    auto remote = [&](const std::string& url) {
        chain::node::NodeClientOptions o;
        o.cancel = &stop_on_signal();
        return std::make_unique<chain::node::RemoteLedger>(url, o);
    };
    if (!options.node.empty()) return remote(options.node);
    chain::store::Repository repo = repository();
    if (auto url = chain::store::ServeMarker::running_node(repo)) return remote(*url);
    return std::make_unique<chain::store::LocalLedger>(repo);
}

} // namespace chainctl
