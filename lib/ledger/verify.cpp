#include "ledger/verify.hpp"

#include "error.hpp"
#include "ledger/chain_file.hpp"

namespace chain::ledger {

VerifyReport verify_chain_text(std::string_view text, std::optional<int> difficulty,
                               int fallback_difficulty,
                               const std::function<void(std::size_t)>& progress) {
    VerifyReport report;
    ChainValidator validator;
    try {
        ChainFileMeta meta = read_chain_file(
            text,
            [&](json::Reader& r) {
                validator.add(r, report.problems);
                if (progress && validator.count() % 1024 == 0) progress(r.offset());
            },
            report.problems,
            [&] {
                // A later "chain" replaces the earlier one: start over.
                validator.reset();
                std::erase_if(report.problems,
                              [](const Problem& p) { return p.block.has_value(); });
            });
        report.difficulty = difficulty.value_or(meta.difficulty.value_or(fallback_difficulty));
        validator.finish(report.difficulty, report.problems);
        // Listed after the block problems: a stale length is usually their consequence (a block
        // removed), not the first thing wrong.
        if (meta.length && *meta.length != static_cast<std::int64_t>(validator.count()))
            report.problems.push_back(
                {std::nullopt, "length mismatch: the file says " + std::to_string(*meta.length) +
                                   " but the chain holds " + std::to_string(validator.count()) +
                                   " blocks"});
    } catch (const Error& e) {
        // Malformed JSON or no chain at all: nothing block-level is meaningful after this.
        report.difficulty = difficulty.value_or(fallback_difficulty);
        report.problems.clear();
        report.problems.push_back({std::nullopt, e.what()});
    }
    report.blocks = validator.count();
    report.valid = report.problems.empty();
    return report;
}

} // namespace chain::ledger
