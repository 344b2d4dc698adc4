#pragma once
// Verification of a whole chain file: the format, then every block.

#include "ledger/validate.hpp"

#include <functional>
#include <optional>
#include <string_view>

namespace chain::ledger {

struct VerifyReport {
    bool valid = false;
    std::size_t blocks = 0;
    int difficulty = 0;
    std::vector<Problem> problems;
};

/// Verifies the text of a chain file. The difficulty is `difficulty` when given, else the file's
/// own "difficulty", else `fallback_difficulty`. Malformed JSON and a missing "chain" become
/// problems of the file as a whole; this never throws for bad input.
/// progress, if set, is called now and then with the bytes checked so far.
VerifyReport verify_chain_text(std::string_view text, std::optional<int> difficulty,
                               int fallback_difficulty,
                               const std::function<void(std::size_t)>& progress = {});

} // namespace chain::ledger
