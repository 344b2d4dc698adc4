#pragma once
// Hints for usage errors: the closest command or option to what was typed.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace chainctl {

/// The one-line message for a usage error CLI11 reported (as cli11_message) for args (argv
/// without the program name): "unknown command 'verfy' for 'chainctl'; did you mean 'verify'?",
/// "unknown option '--formt' for 'chainctl chain show'; did you mean '--format'?", "'chainctl tx'
/// needs a command: add, list", or CLI11's own message followed by where to find help.
std::string explain_usage_error(CLI::App& app, const std::vector<std::string>& args,
                                const std::string& cli11_message);

/// Whether words name a command, like {"node", "serve"}.
bool is_command_path(CLI::App& app, const std::vector<std::string>& words);

} // namespace chainctl
