#include "store/repository.hpp"

#include "error.hpp"
#include "ledger/block.hpp"
#include "ledger/chain_file.hpp"
#include "ledger/verify.hpp"
#include "store/chain_index.hpp"
#include "store/chain_layout.hpp"
#include "store/chain_store.hpp"
#include "store/journal.hpp"
#include "store/pending_store.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <cerrno>
#include <unistd.h>

namespace chain::store {

namespace {

constexpr int k_format = 1;

int read_config_difficulty(const fs::path& config_path) {
    json::Value config;
    try {
        config = json::parse(io::read_file(config_path));
    } catch (const Error& e) {
        throw Error("damaged repository: cannot read " + config_path.string() + ": " + e.what());
    }
    const json::Value* difficulty = config.find("difficulty");
    if (!difficulty || difficulty->type() != json::Type::Int || difficulty->as_int() < 0 ||
        difficulty->as_int() > ledger::k_max_difficulty)
        throw Error("damaged repository: " + config_path.string() +
                    " has no valid \"difficulty\" (an integer from 0 to 64)");
    return static_cast<int>(difficulty->as_int());
}

fs::path absolute_clean(const fs::path& p) {
    std::error_code ec;
    fs::path abs = fs::weakly_canonical(fs::absolute(p), ec);
    return ec ? fs::absolute(p).lexically_normal() : abs;
}

} // namespace

bool Repository::exists_at(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir / k_state_dir, ec);
}

Repository Repository::open(const fs::path& root) {
    fs::path abs = absolute_clean(root);
    if (!exists_at(abs))
        throw Error("not a chainctl repository: " + abs.string() +
                    "; run 'chainctl init' to create one");
    int difficulty = read_config_difficulty(Repository(abs, 0).config_path());
    if (!fs::exists(abs / k_chain_file))
        throw Error("damaged repository: " + (abs / k_chain_file).string() +
                    " is missing; restore it from a backup or a peer");
    return Repository(abs, difficulty);
}

Repository Repository::discover(const DiscoverOptions& options) {
    if (!options.directory && options.env_dir) {
        if (!exists_at(*options.env_dir))
            throw Error("CHAINCTL_DIR=" + options.env_dir->string() +
                        " is not a chainctl repository; run 'chainctl init " +
                        options.env_dir->string() + "' or unset CHAINCTL_DIR");
        return open(*options.env_dir);
    }
    fs::path start = absolute_clean(options.directory ? *options.directory : options.cwd);
    if (options.directory && !fs::is_directory(start))
        throw Error("cannot use -C " + options.directory->string() + ": no such directory");
    for (fs::path dir = start;; dir = dir.parent_path()) {
        if (exists_at(dir)) return open(dir);
        if (dir == dir.parent_path()) break;
    }
    throw Error("not a chainctl repository (or any parent up to /): " + start.string() +
                "; run 'chainctl init' to create one here, or use -C DIR");
}

InitResult Repository::init(const fs::path& dir, std::optional<int> difficulty,
                            const PeerFilter& peer_filter) {
    InitResult result;
    result.root = absolute_clean(dir);
    std::error_code ec;
    fs::create_directories(result.root, ec);
    if (ec) throw Error("cannot create " + result.root.string() + ": " + ec.message());
    if (exists_at(result.root))
        throw Error("already a chainctl repository: " + result.root.string());

    const Repository names(result.root, difficulty.value_or(ledger::k_default_difficulty));
    if (fs::exists(names.chain_path())) {
        // Adopt an existing chain file, e.g. a reference node's data file, if it is valid.
        io::MappedFile file(names.chain_path());
        ledger::VerifyReport report =
            ledger::verify_chain_text(file.view(), difficulty, ledger::k_default_difficulty,
                                      [&](std::size_t done) { file.release_before(done); });
        if (!report.valid) {
            const ledger::Problem& p = report.problems.front();
            throw Error(names.chain_path().string() + " exists and is not a valid chain (" +
                        (p.block ? "block " + std::to_string(*p.block) + ": " : "") + p.reason +
                        "); move it away or fix it");
        }
        result.difficulty = report.difficulty;
        result.blocks = report.blocks;
        result.adopted = true;
        result.peers_dropped = rewrite_in_layout(Repository(result.root, result.difficulty),
                                                 file.view(), peer_filter, &file);
    } else {
        result.difficulty = difficulty.value_or(ledger::k_default_difficulty);
        result.blocks = 1;
        io::write_file_atomic(names.chain_path(),
                              layout::file({ledger::genesis_block()}, {}, result.difficulty));
    }

    // Build the state directory under a temporary name and rename it into place, so that a
    // repository either exists completely or not at all.
    fs::path temp =
        result.root / (std::string(k_state_dir) + ".init-" + std::to_string(::getpid()));
    fs::remove_all(temp, ec);
    fs::create_directory(temp, ec);
    if (ec) throw Error("cannot create " + temp.string() + ": " + ec.message());
    json::Object config{{"format", json::Value(k_format)},
                        {"difficulty", json::Value(result.difficulty)}};
    const Repository final_names(result.root, result.difficulty); // the files' final names
    io::write_file_durable(temp / final_names.config_path().filename(),
                           json::dump(json::Value(config)) + "\n");
    io::write_file_durable(temp / final_names.pending_path().filename(), "");
    io::write_file_durable(temp / final_names.lock_path().filename(), "");
    io::sync_directory(temp);
    if (::rename(temp.c_str(), (result.root / k_state_dir).c_str()) != 0) {
        int error = errno;
        fs::remove_all(temp, ec);
        if (error == ENOTEMPTY || error == EEXIST)
            throw Error("already a chainctl repository: " + result.root.string());
        throw Error("cannot create " + (result.root / k_state_dir).string() + ": " +
                    io::errno_text(error));
    }
    io::sync_directory(result.root);
    ChainStore(open(result.root)).record_stamp(); // chainctl wrote chain.json last
    return result;
}

FileLock Repository::lock(LockMode mode) const {
    Journal journal(m_root, journal_path());
    if (mode == LockMode::Shared) {
        FileLock shared(lock_path(), LockMode::Shared);
        if (!journal.pending()) return shared;
        if (::access(state_dir().c_str(), W_OK) != 0)
            throw Error("a change to " + m_root.string() +
                        " was cut off and must be finished before it can be read; run any "
                        "chainctl command on it as a user who may write to it");
    }
    FileLock exclusive(lock_path(), LockMode::Exclusive);
    journal.recover();
    PendingStore(pending_path()).recover();
    return exclusive;
}

} // namespace chain::store
