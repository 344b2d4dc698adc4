// The repository on disk without the CLI: the one commit path, the chain index against the file,
// and journal recovery of a change cut off part way.
#include "error.hpp"
#include "io/file_io.hpp"
#include "ledger/block.hpp"
#include "ledger/miner.hpp"
#include "ledger/verify.hpp"
#include "store/chain_index.hpp"
#include "store/chain_layout.hpp"
#include "store/chain_store.hpp"
#include "store/journal.hpp"
#include "store/local_ledger.hpp"
#include "store/pending_store.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <catch2/catch.hpp>
#include <filesystem>

using namespace chain;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    TempDir() {
        char name[] = "/tmp/chainctl-unit-XXXXXX";
        path = ::mkdtemp(name);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path path;
};

json::Value next_block(const store::ChainTip& tip, const std::string& content, int difficulty) {
    json::Array txs{json::Object{{"author", "t"}, {"content", content}}};
    const double timestamp = 1795279524.5;
    ledger::Preimage parts =
        ledger::preimage_parts(json::Value(tip.index + 1), json::Value(tip.hash),
                               json::Value(timestamp), json::Value(txs));
    ledger::MineOptions options;
    options.difficulty = difficulty;
    options.threads = 1;
    ledger::MineResult mined = ledger::mine(parts, options);
    return ledger::make_block(tip.index + 1, txs, timestamp, tip.hash, mined.nonce, mined.hash);
}

std::string file_text(const fs::path& p) {
    return io::read_file(p);
}

} // namespace

TEST_CASE("commit appends blocks, replaces peers and pending, and the file stays valid",
          "[store]") {
    TempDir dir;
    store::Repository::init(dir.path, 1);
    store::Repository repo = store::Repository::open(dir.path);
    store::ChainStore chain(repo);
    store::FileLock lock = repo.lock(store::LockMode::Exclusive);
    store::ChainTip tip = chain.prepare_tip();
    CHECK(tip.length == 1);

    store::Change change;
    change.blocks.push_back(next_block(tip, "one", 1));
    change.pending = std::vector<std::string>{R"({"author": "x", "content": "left"})"};
    store::ChainTip after = chain.commit(tip, change);
    CHECK(after.length == 2);
    CHECK(after.hash == change.blocks[0].find("hash")->as_string());
    // What commit says of the new tip is what the file says.
    auto read = chain.read_tip();
    REQUIRE(read);
    CHECK(read->tail_offset == after.tail_offset);
    CHECK(read->hash == after.hash);
    CHECK(store::PendingStore(repo.pending_path()).read_lines() == *change.pending);

    store::Change peers;
    peers.peers = std::vector<std::string>{"http://127.0.0.1:9/"};
    after = chain.commit(after, peers);
    CHECK(after.peers == *peers.peers);
    ledger::VerifyReport report = ledger::verify_chain_text(file_text(repo.chain_path()), 1, 1);
    CHECK(report.valid);
    CHECK(report.blocks == 2);
    CHECK(chain.load().meta.peers == *peers.peers);
    CHECK_FALSE(fs::exists(repo.journal_path()));
}

TEST_CASE("the chain index and its snapshots agree with the file through every change", "[store]") {
    TempDir dir;
    store::Repository::init(dir.path, 1);
    store::Repository repo = store::Repository::open(dir.path);
    store::ChainStore chain(repo);
    store::FileLock lock = repo.lock(store::LockMode::Exclusive);
    chain.prepare_tip();
    store::ChainIndex index = store::ChainIndex::load(repo);
    store::ChainSnapshot before = index.snapshot();
    const std::string before_text = before.text();
    CHECK(before_text == file_text(repo.chain_path()));

    for (int i = 0; i < 5; ++i) {
        store::Change change;
        change.blocks.push_back(next_block(index.tip(), "post " + std::to_string(i), 1));
        if (i == 2) change.peers = std::vector<std::string>{"http://a/", "http://b/"};
        store::ChainTip tip = chain.commit(index.tip(), change);
        index.apply(change, tip);
        CHECK(index.snapshot().text() == file_text(repo.chain_path()));
        CHECK(index.tip_hash() == change.blocks[0].find("hash")->as_string());
        CHECK(json::dump(index.block(index.length() - 1)) == json::dump(change.blocks[0]));
    }
    CHECK(index.length() == 6);
    CHECK(index.peers() == std::vector<std::string>{"http://a/", "http://b/"});
    // A snapshot taken before the changes still reads as the chain was then.
    CHECK(before.text() == before_text);
    // Pieces of a snapshot make the whole.
    store::ChainSnapshot now = index.snapshot({"http://other/"});
    std::string pieces;
    for (std::uint64_t at = 0; at < now.size(); at += 37)
        pieces += now.read(at, 37);
    CHECK(pieces == now.text());
    CHECK(ledger::parse_chain_file(pieces).meta.peers == std::vector<std::string>{"http://other/"});
    // A fresh index of the file is the same as the one kept up to date.
    store::ChainIndex fresh = store::ChainIndex::load(repo);
    CHECK(fresh.length() == index.length());
    for (std::size_t i = 0; i < fresh.length(); ++i)
        CHECK(fresh.hash(i) == index.hash(i));
}

TEST_CASE("a change cut off after its journal record is finished by the next lock holder",
          "[store][journal]") {
    TempDir dir;
    store::Repository::init(dir.path, 1);
    store::Repository repo = store::Repository::open(dir.path);
    const std::string original = file_text(repo.chain_path());
    store::ChainTip tip;
    json::Value block;
    {
        store::FileLock lock = repo.lock(store::LockMode::Exclusive);
        tip = store::ChainStore(repo).prepare_tip();
        block = next_block(tip, "journalled", 1);
    }
    // The journal record of an append, as commit writes it, but never applied (a kill -9
    // between writing the record and applying it).
    const std::string data = ",\n" + store::layout::block_line(block) + store::layout::tail({}, 1);
    std::vector<store::JournalOp> ops{store::WriteOp{"chain.json", tip.tail_offset, data, true},
                                      store::WriteOp{"chain.json", store::layout::k_length_offset,
                                                     store::layout::length_field(2), false}};
    store::Journal journal(repo.root(), repo.journal_path());
    journal.record(ops);
    CHECK(journal.pending());
    CHECK(file_text(repo.chain_path()) == original); // not applied yet
    {
        store::FileLock lock = repo.lock(store::LockMode::Shared); // recovers first
    }
    CHECK_FALSE(journal.pending());
    ledger::VerifyReport report = ledger::verify_chain_text(file_text(repo.chain_path()), 1, 1);
    CHECK(report.valid);
    CHECK(report.blocks == 2);
    // Applying it twice is applying it once: recovery after a partly applied record.
    journal.record(ops);
    { store::FileLock lock = repo.lock(store::LockMode::Exclusive); }
    CHECK(ledger::verify_chain_text(file_text(repo.chain_path()), 1, 1).blocks == 2);
}

TEST_CASE("a journal record that never got its name is discarded; a damaged one is reported",
          "[store][journal]") {
    TempDir dir;
    store::Repository::init(dir.path, 1);
    store::Repository repo = store::Repository::open(dir.path);
    const std::string original = file_text(repo.chain_path());
    fs::path torn = repo.journal_path();
    torn += ".tmp";
    io::write_file_durable(torn, "chainctl-journal-1\npartial");
    { store::FileLock lock = repo.lock(store::LockMode::Exclusive); }
    CHECK_FALSE(fs::exists(torn));
    CHECK(file_text(repo.chain_path()) == original);

    io::write_file_durable(repo.journal_path(), "chainctl-journal-1\n" + std::string(40, 'x'));
    try {
        repo.lock(store::LockMode::Exclusive);
        FAIL("a damaged journal was taken as good");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("is damaged"));
    }
    CHECK(file_text(repo.chain_path()) == original);
}
