#include "suggest.hpp"

#include <algorithm>

namespace chainctl {

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// The candidate closest to typed, if it is close enough to be what was meant.
std::optional<std::string> closest(const std::string& typed,
                                   const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = std::max<std::size_t>(2, typed.size() / 3) + 1;
    for (const std::string& c : candidates) {
        std::size_t d = c.starts_with(typed) && !typed.empty() ? 1 : edit_distance(typed, c);
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

std::vector<CLI::App*> visible_subcommands(CLI::App* app) {
    return app->get_subcommands([](CLI::App* s) { return !s->get_group().empty(); });
}

std::string command_path(CLI::App* app) {
    std::string path;
    for (CLI::App* a = app; a; a = a->get_parent())
        path = a->get_name() + (path.empty() ? "" : " " + path);
    return path;
}

// An option of app or of chainctl itself (global options work everywhere).
CLI::Option* find_option(CLI::App* app, const std::string& name) {
    for (CLI::App* a = app; a; a = a->get_parent()) {
        for (CLI::Option* o : a->get_options()) {
            if (o->get_positional()) continue;
            for (const std::string& l : o->get_lnames())
                if (name == "--" + l) return o;
            for (const std::string& s : o->get_snames())
                if (name == "-" + s) return o;
        }
    }
    return nullptr;
}

std::vector<std::string> option_names(CLI::App* app) {
    std::vector<std::string> names;
    for (CLI::App* a = app; a; a = a->get_parent())
        for (CLI::Option* o : a->get_options())
            for (const std::string& l : o->get_lnames())
                names.push_back("--" + l);
    return names;
}

} // namespace

std::string explain_usage_error(CLI::App& root, const std::vector<std::string>& args,
                                const std::string& cli11_message) {
    CLI::App* app = &root;
    auto see_help = [&] { return "; see '" + command_path(app) + " --help'"; };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--") break;
        if (arg.size() > 1 && arg[0] == '-') {
            std::string name = arg.substr(0, arg.find('='));
            if (CLI::Option* o = find_option(app, name)) {
                if (o->get_expected_max() != 0 && name == arg) ++i; // its value follows
                continue;
            }
            if (name.starts_with("--")) {
                std::string message =
                    "unknown option '" + name + "' for '" + command_path(app) + "'";
                if (auto hint = closest(name, option_names(app)))
                    return message + "; did you mean '" + *hint + "'?";
                return message + see_help();
            }
            continue; // short options may be bundled (-qv): let CLI11's message stand
        }
        std::vector<std::string> names;
        CLI::App* next = nullptr;
        for (CLI::App* sub : visible_subcommands(app)) {
            names.push_back(sub->get_name());
            if (sub->get_name() == arg) next = sub;
        }
        if (next) {
            app = next;
            continue;
        }
        if (names.empty()) continue; // a positional argument of a command
        std::string message = "unknown command '" + arg + "' for '" + command_path(app) + "'";
        if (auto hint = closest(arg, names)) return message + "; did you mean '" + *hint + "'?";
        return message + see_help();
    }
    std::vector<CLI::App*> subs = visible_subcommands(app);
    if (!subs.empty() && cli11_message.find("subcommand") != std::string::npos) {
        std::string names;
        for (CLI::App* sub : subs)
            names += (names.empty() ? "" : ", ") + sub->get_name();
        return "'" + command_path(app) + "' needs a command: " + names;
    }
    return cli11_message + see_help();
}

bool is_command_path(CLI::App& root, const std::vector<std::string>& words) {
    CLI::App* app = &root;
    for (const std::string& word : words) {
        CLI::App* next = nullptr;
        for (CLI::App* sub : visible_subcommands(app))
            if (sub->get_name() == word) next = sub;
        if (!next) return false;
        app = next;
    }
    return true;
}

} // namespace chainctl
