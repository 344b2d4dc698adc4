// chainctl verify [FILE...|-] [--difficulty N]
#include "ledger/verify.hpp"

#include "commands.hpp"
#include "format.hpp"
#include "ledger/chain_file.hpp"
#include "progress.hpp"

#include <unistd.h>

namespace chainctl {

namespace {

struct VerifyOptions {
    std::vector<std::string> files;
    int difficulty = 0;
    double max_mib = 1024; // read from a pipe or device at most
};

struct FileReport {
    std::string name;
    chain::ledger::VerifyReport report;
};

// Verifies text, showing how far it got when that takes a while; the part of a mapped file
// already checked is let go, so memory stays flat however large the file.
chain::ledger::VerifyReport verify_text(std::string_view text, std::optional<int> difficulty,
                                        int fallback, const std::string& name, Context& ctx,
                                        chain::io::MappedFile* file = nullptr) {
    Progress progress(ctx);
    auto shown = [&](std::size_t done) {
        if (file) file->release_before(done);
        if (!progress.enabled()) return;
        char line[160];
        std::snprintf(line, sizeof line, "verifying %s: %.0f%% of %.1f MB", name.c_str(),
                      100.0 * static_cast<double>(done) / static_cast<double>(text.size()),
                      static_cast<double>(text.size()) / 1e6);
        progress.update(line);
    };
    return chain::ledger::verify_chain_text(
        text, difficulty, fallback,
        progress.enabled() || file ? std::function<void(std::size_t)>(shown) : nullptr);
}

FileReport verify_one(const std::string& file, std::optional<int> difficulty,
                      std::size_t max_stream, Context& ctx) {
    FileReport r{file == "-" ? "-" : file, {}};
    try {
        // A stream (stdin, a pipe, a device) is read at most max_stream bytes, and refused at
        // its first bytes when they cannot start a chain file (verify /dev/zero).
        if (file == "-") {
            r.report = verify_text(chain::io::read_all(STDIN_FILENO, "standard input", max_stream,
                                                       chain::ledger::check_chain_prefix),
                                   difficulty, chain::ledger::k_default_difficulty, r.name, ctx);
        } else {
            chain::io::MappedFile mapped(file, max_stream, chain::ledger::check_chain_prefix);
            r.report = verify_text(mapped.view(), difficulty, chain::ledger::k_default_difficulty,
                                   r.name, ctx, &mapped);
        }
    } catch (const chain::Error& e) {
        r.report.valid = false;
        r.report.difficulty = difficulty.value_or(chain::ledger::k_default_difficulty);
        r.report.problems.push_back({std::nullopt, e.what()});
    }
    return r;
}

FileReport verify_repository(Context& ctx, std::optional<int> difficulty) {
    chain::store::Repository repo = ctx.repository();
    chain::store::FileLock lock = repo.lock(chain::store::LockMode::Shared);
    chain::io::MappedFile mapped(repo.chain_path());
    std::string name = repo.chain_path().string();
    return {name, verify_text(mapped.view(), difficulty.value_or(repo.difficulty()),
                              repo.difficulty(), name, ctx, &mapped)};
}

chain::json::Value report_json(const FileReport& f) {
    chain::json::Array problems;
    for (const chain::ledger::Problem& p : f.report.problems)
        problems.push_back(chain::json::Object{
            {"block", p.block ? chain::json::Value(*p.block) : chain::json::Value()},
            {"reason", p.reason}});
    return chain::json::Object{{"file", f.name},
                               {"valid", f.report.valid},
                               {"blocks", f.report.blocks},
                               {"difficulty", f.report.difficulty},
                               {"problems", problems}};
}

void print_report(const FileReport& f, Context& ctx) {
    const auto& r = f.report;
    std::string summary =
        counted(r.blocks, "block", "blocks") + ", difficulty " + std::to_string(r.difficulty);
    if (r.valid) {
        if (!ctx.options.quiet)
            ctx.out().line(f.name + ": " + ctx.paint("valid", "32") + " (" + summary + ")");
        return;
    }
    std::size_t n = r.problems.size();
    ctx.out().line(f.name + ": " + ctx.paint("INVALID", "1;31") + " (" + summary + "), " +
                   std::to_string(n) + (n == 1 ? " problem" : " problems"));
    for (const chain::ledger::Problem& p : r.problems) {
        std::string reason = ctx.options.verbose ? p.reason : shorten_hashes(p.reason);
        ctx.out().line("  " + (p.block ? "block " + std::to_string(*p.block) + ": " : "") + reason);
    }
}

} // namespace

void add_verify_command(CLI::App& parent, Context& ctx) {
    auto o = std::make_shared<VerifyOptions>();
    CLI::App* cmd = parent.add_subcommand(
        "verify", "Check chain files block by block and report every problem");
    cmd->add_option("files", o->files, "Chain files (- for stdin); default: the repository's chain")
        ->option_text("FILE...");
    CLI::Option* difficulty =
        cmd->add_option("--difficulty", o->difficulty,
                        "Required leading zeros (default: the file's \"difficulty\", else the "
                        "repository's, else 2)")
            ->check(CLI::Range(0, chain::ledger::k_max_difficulty))
            ->option_text("N");
    cmd->add_option("--max-mib", o->max_mib,
                    "Most MiB read from standard input, a pipe or a device (default 1024; "
                    "regular files of any size are read in place)")
        ->check(CLI::Range(0.001, 1048576.0))
        ->option_text("MIB");
    cmd->footer("Exit status: 0 when every file is valid, 1 otherwise.");
    cmd->callback([o, difficulty, &ctx] {
        std::optional<int> d;
        if (difficulty->count() > 0) d = o->difficulty;
        std::vector<FileReport> reports;
        if (o->files.empty()) reports.push_back(verify_repository(ctx, d));
        for (const std::string& file : o->files)
            reports.push_back(
                verify_one(file, d, static_cast<std::size_t>(o->max_mib * 1024 * 1024), ctx));
        bool all_valid = true;
        chain::json::Array files;
        for (const FileReport& f : reports) {
            all_valid = all_valid && f.report.valid;
            if (ctx.options.json)
                files.push_back(report_json(f));
            else
                print_report(f, ctx);
        }
        if (ctx.options.json) ctx.print_json(chain::json::Object{{"files", files}});
        if (!all_valid) ctx.exit_code = k_exit_failure;
    });
}

} // namespace chainctl
