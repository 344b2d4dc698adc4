// The node without sockets: /add_block verdicts, chain adoption with pending reconciliation,
// the event bus (resume, slow subscribers), and the routes called through the router.
#include "http/client.hpp"
#include "http/router.hpp"
#include "io/file_io.hpp"
#include "ledger/block.hpp"
#include "ledger/chain_file.hpp"
#include "ledger/miner.hpp"
#include "node/event_stream.hpp"
#include "node/events.hpp"
#include "node/mining.hpp"
#include "node/node.hpp"
#include "node/node_state.hpp"
#include "node/served_node.hpp"
#include "store/repository.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <thread>

using namespace chain;
using namespace chain::node;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct TempRepo {
    TempRepo() {
        char name[] = "/tmp/chainctl-node-XXXXXX";
        path = ::mkdtemp(name);
        store::Repository::init(path, 1);
    }
    ~TempRepo() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    store::Repository repo() const { return store::Repository::open(path); }
    fs::path path;
};

json::Value tx(const std::string& content) {
    return json::Object{{"author", "t"}, {"content", content}, {"timestamp", 1.5}};
}

json::Value mine_on(std::int64_t index, const std::string& previous, json::Array txs,
                    double timestamp = 1795279524.5) {
    ledger::Preimage parts = ledger::preimage_parts(json::Value(index), json::Value(previous),
                                                    json::Value(timestamp), json::Value(txs));
    ledger::MineOptions options;
    options.difficulty = 1;
    options.threads = 1;
    ledger::MineResult mined = ledger::mine(parts, options);
    return ledger::make_block(index, std::move(txs), timestamp, previous, mined.nonce, mined.hash);
}

// A chain of `n` blocks after genesis, each with one transaction named prefix + i.
json::Array chain_of(std::size_t n, const std::string& prefix, double timestamp = 1795279524.5) {
    json::Array blocks{ledger::genesis_block()};
    for (std::size_t i = 1; i <= n; ++i)
        blocks.push_back(mine_on(static_cast<std::int64_t>(i),
                                 blocks.back().find("hash")->as_string(),
                                 json::Array{tx(prefix + std::to_string(i))}, timestamp));
    return blocks;
}

std::vector<std::string> pending_contents(NodeState& state) {
    std::vector<std::string> out;
    const json::Value list = json::parse(*state.pending_body());
    for (const json::Value& t : list.as_array())
        out.push_back(t.find("content")->as_string());
    return out;
}

const Source k_peer = Source::of(Source::Kind::Peer, "http://peer/");

} // namespace

TEST_CASE("/add_block verdicts: added, known, gap, fork, invalid", "[node][add_block]") {
    TempRepo dir;
    EventBus bus;
    NodeState state(dir.repo(), bus);
    json::Array chain = chain_of(3, "p");

    BlockResult r = state.add_block(chain[1], k_peer);
    CHECK(r.verdict == BlockVerdict::Added);
    r = state.add_block(chain[1], k_peer);
    CHECK(r.verdict == BlockVerdict::Known);
    r = state.add_block(chain[3], k_peer);
    CHECK(r.verdict == BlockVerdict::NotNext);
    CHECK_THAT(r.reason, Catch::Contains("a gap"));
    json::Array other = chain_of(1, "other", 99.0);
    r = state.add_block(other[1], k_peer);
    CHECK(r.verdict == BlockVerdict::NotNext);
    CHECK_THAT(r.reason, Catch::Contains("a fork"));

    json::Value tampered = chain[2];
    tampered.find("transactions")->as_array()[0].set("content", "rewritten");
    r = state.add_block(tampered, k_peer);
    CHECK(r.verdict == BlockVerdict::Invalid);
    CHECK_THAT(r.reason, Catch::StartsWith("hash mismatch: stored "));
    json::Value extra = chain[2];
    extra.set("extra", 1);
    r = state.add_block(extra, k_peer);
    CHECK(r.verdict == BlockVerdict::Invalid);
    CHECK_THAT(r.reason, Catch::Contains("unexpected field: extra"));
    json::Value missing = chain[2];
    missing.erase("nonce");
    CHECK(state.add_block(missing, k_peer).reason == "missing field: nonce");
    CHECK(state.summary().length == 2);
}

TEST_CASE("a block that extends the tip removes what it holds from the pending list",
          "[node][add_block]") {
    TempRepo dir;
    EventBus bus;
    NodeState state(dir.repo(), bus);
    json::Value stored = state.add_transaction(json::Object{{"author", "a"}, {"content", "in it"}});
    state.add_transaction(json::Object{{"author", "a"}, {"content", "not in it"}});
    json::Value block = mine_on(1, std::string(ledger::k_genesis_hash), json::Array{stored});
    REQUIRE(state.add_block(block, k_peer).verdict == BlockVerdict::Added);
    CHECK(pending_contents(state) == std::vector<std::string>{"not in it"});
}

TEST_CASE("adopting a longer chain returns orphaned transactions to pending, once",
          "[node][adopt]") {
    TempRepo dir;
    EventBus bus;
    std::vector<Event> seen;
    std::mutex seen_mutex;
    auto sub = bus.subscribe([&](const Event& e) {
        std::lock_guard lock(seen_mutex);
        seen.push_back(e);
    });
    NodeState state(dir.repo(), bus);
    // This node: genesis + a1, a2 (a2's transaction also pending here, a3 only pending).
    json::Array ours = chain_of(2, "a");
    REQUIRE(state.add_block(ours[1], k_peer).verdict == BlockVerdict::Added);
    REQUIRE(state.add_block(ours[2], k_peer).verdict == BlockVerdict::Added);
    state.add_transaction(json::Object{{"author", "t"}, {"content", "kept"}});
    state.add_transaction(json::Object{{"author", "t"}, {"content", "b2"}});

    // A peer's chain shares a1 and then goes b2, b3, b4 (holding the pending "b2" too? no: its
    // transaction has other fields, so "b2" pending stays unless identical).
    json::Array theirs{ours[0], ours[1]};
    for (int i = 2; i <= 4; ++i)
        theirs.push_back(mine_on(i, theirs.back().find("hash")->as_string(),
                                 json::Array{tx("b" + std::to_string(i))}, 7.0));
    AdoptResult r = state.adopt(ledger::chain_file_text(theirs, {"http://x/"}), k_peer);
    REQUIRE(r.adopted());
    CHECK(r.length == 5);
    CHECK(r.fork_point == 2);
    CHECK(r.orphaned == std::vector<std::string>{ours[2].find("hash")->as_string()});
    // Pending: what was pending (kept, b2 - not the same transaction as block b2's) and the
    // orphaned block's transaction a2, oldest first (a2 was stamped long before the others).
    CHECK(pending_contents(state) == std::vector<std::string>{"a2", "kept", "b2"});
    CHECK(state.summary().tip_hash == theirs.back().find("hash")->as_string());
    // This node's peers stay its own, not the sender's.
    CHECK(state.peers().empty());
    // A chain that is not longer, or not valid, changes nothing.
    CHECK(state.adopt(ledger::chain_file_text(theirs, {}), k_peer).outcome ==
          AdoptResult::Outcome::NotLonger);
    json::Array bad = theirs;
    bad.push_back(mine_on(5, "f00d", json::Array{tx("x")}));
    AdoptResult invalid = state.adopt(ledger::chain_file_text(bad, {}), k_peer);
    CHECK(invalid.outcome == AdoptResult::Outcome::Invalid);
    CHECK_THAT(invalid.reason, Catch::Contains("block 5: previous_hash mismatch"));
    CHECK(state.summary().length == 5);

    // The events say the same, in commit order.
    for (int i = 0; i < 100; ++i) {
        std::lock_guard lock(seen_mutex);
        if (!seen.empty() && std::holds_alternative<ChainAdopted>(seen.back().data)) break;
        std::this_thread::sleep_for(5ms);
    }
    std::lock_guard lock(seen_mutex);
    REQUIRE(!seen.empty());
    const auto* adopted = std::get_if<ChainAdopted>(&seen.back().data);
    REQUIRE(adopted);
    CHECK(adopted->fork_point == 2);
    CHECK(adopted->new_length == 5);
    CHECK(adopted->returned_to_pending == 1);
    for (std::size_t i = 1; i < seen.size(); ++i)
        CHECK(seen[i].seq == seen[i - 1].seq + 1);
}

TEST_CASE("subscribers resume by sequence number and a stuck one does not stop publishing",
          "[node][events]") {
    EventBus bus(/*history=*/8, /*queue=*/4);
    for (int i = 0; i < 10; ++i)
        bus.publish(TransactionsAdded{1, static_cast<std::size_t>(i)});
    CHECK(bus.last_seq() == 10);

    std::promise<std::vector<Event>> got;
    std::vector<Event> events;
    auto resume = bus.subscribe(
        [&](const Event& e) {
            events.push_back(e);
            if (events.size() == 4) got.set_value(events);
        },
        5);
    auto resumed = got.get_future();
    REQUIRE(resumed.wait_for(2s) == std::future_status::ready);
    std::vector<Event> first = resumed.get();
    CHECK(first[0].seq == 6);
    CHECK(first[3].seq == 9);

    // Resuming from before the history kept starts with a gap.
    std::promise<Event> first_of_old;
    bool taken = false;
    auto old = bus.subscribe(
        [&](const Event& e) {
            if (!taken) first_of_old.set_value(e);
            taken = true;
        },
        0);
    auto gap = first_of_old.get_future();
    REQUIRE(gap.wait_for(2s) == std::future_status::ready);
    Event g = gap.get();
    REQUIRE(std::holds_alternative<Gap>(g.data));
    CHECK(std::get<Gap>(g.data).missed == 2);

    // A subscriber that never returns: publishing goes on, its queue stays bounded.
    std::atomic<bool> release{false};
    auto stuck = bus.subscribe([&](const Event&) {
        while (!release)
            std::this_thread::sleep_for(1ms);
    });
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i)
        bus.publish(TransactionsAdded{1, 0});
    CHECK(std::chrono::steady_clock::now() - start < 1s);
    release = true;
}

TEST_CASE("the routes answer without a socket", "[node][routes]") {
    TempRepo dir;
    EventBus bus;
    NodeState state(dir.repo(), bus);
    NodeOptions options;
    options.port = 0;
    options.mining_threads = 1;
    Node node(state, options);
    auto call = [&](std::string method, std::string path, std::string body = "",
                    bool json_answer = false) {
        http::Request q;
        q.method = std::move(method);
        q.path = q.target = std::move(path);
        q.body = std::move(body);
        q.headers.add("Content-Type", "application/json");
        if (json_answer) q.headers.add("Accept", "application/json");
        std::promise<http::Response> answer;
        node.router().dispatch(q, [&](http::Response r) { answer.set_value(std::move(r)); });
        auto f = answer.get_future();
        REQUIRE(f.wait_for(10s) == std::future_status::ready);
        return f.get();
    };
    http::Response r = call("POST", "/new_transaction", R"({"author": "a", "content": "b"})");
    CHECK(r.status == 201);
    CHECK(r.body_text() == "Success");
    CHECK(call("POST", "/new_transaction", "[1]").status == 400);
    CHECK(call("GET", "/pending_tx").body_text().find("\"content\": \"b\"") != std::string::npos);
    r = call("GET", "/mine");
    CHECK(r.body_text() == "Block #1 is mined.");
    r = call("GET", "/mine", "", true);
    CHECK(json::parse(r.body_text()).find("status")->as_string() == "nothing");
    json::Value health = json::parse(call("GET", "/health").body_text());
    CHECK(health.find("length")->as_int() == 2);
    CHECK(health.find("id")->as_string() == node.id());
    CHECK(call("PUT", "/chain").status == 405);
    // A request carrying this node's own id is its own, come back.
    http::Request own;
    own.method = "GET";
    own.path = "/health";
    own.headers.add(std::string(k_node_id_header), node.id());
    std::promise<http::Response> answer;
    node.router().dispatch(own, [&](http::Response a) { answer.set_value(std::move(a)); });
    http::Response self = answer.get_future().get();
    CHECK(self.status == 409);
    CHECK(self.headers.get(k_self_header) == "1");
}

TEST_CASE("the event stream says hello, then every event, and resumes", "[node][events]") {
    EventBus bus;
    bus.publish(PeersChanged{{"http://a/"}, {}, 1});
    bus.publish(TransactionsAdded{2, 2});
    http::Response r = event_stream(bus, "abcd", 1);
    auto source = std::get<std::shared_ptr<http::BodySource>>(r.body);
    CHECK(r.headers.get("Content-Type") == "text/event-stream");
    std::string text;
    for (int i = 0; i < 50 && text.find("event: transactions") == std::string::npos; ++i) {
        std::promise<std::string> piece;
        source->next([&](std::string p, bool) { piece.set_value(std::move(p)); });
        auto f = piece.get_future();
        if (f.wait_for(100ms) == std::future_status::ready)
            text += f.get();
        else
            break;
    }
    CHECK(text.starts_with("event: hello\ndata: {\"node\": \"abcd\", \"seq\": 2"));
    CHECK(text.find("event: peers") == std::string::npos); // seq 1 was before `since`
    CHECK(text.find("id: 2\nevent: transactions\ndata: {\"seq\": 2") != std::string::npos);
    source->cancel();
}

TEST_CASE("a reader too slow for the event stream is told where to resume, losing nothing",
          "[node][events]") {
    EventBus bus(100000, 100000);
    http::Response r = event_stream(bus, "n1", std::nullopt);
    auto source = std::get<std::shared_ptr<http::BodySource>>(r.body);
    auto take = [&] {
        std::promise<std::pair<std::string, bool>> piece;
        source->next([&](std::string p, bool last) { piece.set_value({std::move(p), last}); });
        auto f = piece.get_future();
        REQUIRE(f.wait_for(2s) == std::future_status::ready);
        return f.get();
    };
    // The reader takes the hello and the first event, then stops reading while events pile up.
    auto [hello, hello_last] = take();
    CHECK(hello.starts_with("event: hello"));
    bus.publish(PeersChanged{{"http://first/"}, {}, 1});
    auto [first, first_last] = take();
    CHECK(first.find("id: 1\n") != std::string::npos);
    const std::string big(2000, 'x');
    for (int i = 0; i < 1000; ++i) // about 2 MB of events, more than the stream holds
        bus.publish(PeersChanged{{"http://" + big + "/"}, {}, 1});
    for (int i = 0; i < 200; ++i) { // the bus delivers on its own thread
        if (bus.last_seq() == 1001) break;
        std::this_thread::sleep_for(5ms);
    }
    std::this_thread::sleep_for(100ms);
    std::string rest;
    bool last = false;
    while (!last) {
        auto [piece, end] = take();
        rest += piece;
        last = end;
    }
    // The stream ends with a gap naming the last event the reader got: 1, not one it never saw.
    CHECK(rest.ends_with(
        "event: gap\ndata: {\"node\": \"n1\", \"type\": \"gap\", \"resume_after\": 1}\n\n"));
    CHECK(rest.find("id: 2\n") == std::string::npos);
    // Resuming there gives the rest.
    http::Response again = event_stream(bus, "n1", 1);
    auto resumed = std::get<std::shared_ptr<http::BodySource>>(again.body);
    std::string text;
    for (int i = 0; i < 20 && text.find("id: 2\n") == std::string::npos; ++i) {
        auto piece = std::make_shared<std::promise<std::string>>();
        resumed->next([piece](std::string p, bool) { piece->set_value(std::move(p)); });
        auto f = piece->get_future();
        if (f.wait_for(1s) != std::future_status::ready) break;
        text += f.get();
    }
    CHECK(text.find("id: 2\n") != std::string::npos);
    resumed->cancel();
}

TEST_CASE("cancelling an event stream ends a reader that waits", "[node][events]") {
    EventBus bus;
    http::Response r = event_stream(bus, "n1", std::nullopt);
    auto source = std::get<std::shared_ptr<http::BodySource>>(r.body);
    std::promise<void> hello;
    source->next([&](std::string, bool) { hello.set_value(); });
    hello.get_future().get();
    std::promise<bool> end;
    source->next([&](std::string, bool last) { end.set_value(last); });
    source->cancel();
    auto f = end.get_future();
    REQUIRE(f.wait_for(1s) == std::future_status::ready);
    CHECK(f.get());
}

TEST_CASE("ServedNode starts a node on a directory in one call and stops it", "[node][served]") {
    char name[] = "/tmp/chainctl-served-XXXXXX";
    fs::path dir = fs::path(::mkdtemp(name)) / "repo";
    {
        NodeOptions options;
        options.port = 0;
        options.probe_interval_s = 0;
        auto served = ServedNode::start(dir, options);
        CHECK(served->created());
        http::Client client;
        http::Answer a = client.request(http::parse_url(served->url()), "GET", "health");
        CHECK(a.status == 200);
        CHECK(json::parse(a.body).find("id")->as_string() == served->id());
        // The handshake is in node.json too, and a second node on the directory is refused.
        json::Value marker = json::parse(io::read_file(dir / ".chainctl" / "node.json"));
        CHECK(marker.find("url")->as_string() == served->url());
        CHECK(marker.find("pid")->as_int() == ::getpid());
        CHECK_THROWS_WITH(ServedNode::start(dir, options),
                          Catch::Contains("a node already serves"));
        served->stop();
        served->wait();
    }
    CHECK_FALSE(fs::exists(dir / ".chainctl" / "node.json"));
    fs::remove_all(dir.parent_path());
}

TEST_CASE("a mined block that a longer chain replaces at once is reported orphaned, not mined",
          "[node][mining]") {
    TempRepo dir;
    EventBus bus;
    NodeState state(dir.repo(), bus);
    Miner miner(state, 1, nullptr);
    state.add_transaction(json::Object{{"author", "me"}, {"content", "mine this"}});
    // A chain of three blocks arrives right after the block is committed.
    json::Array longer = chain_of(3, "other", 42.0);
    // The hook may run on the miner's thread, where Catch's assertions must not: its result
    // is checked here afterwards.
    std::atomic<bool> adopted{false};
    miner.after_commit([&](const json::Value&) {
        adopted = state.adopt(ledger::chain_file_text(longer, {}), k_peer).adopted();
    });
    MineReport report = miner.mine();
    REQUIRE(adopted);
    CHECK(report.status == MineReport::Status::Orphaned);
    CHECK(report.message == "Block #1 was mined but a longer chain replaced it; its transactions "
                            "are pending again.");
    CHECK(report.block.find("index")->as_int() == 1);
    CHECK(pending_contents(state) == std::vector<std::string>{"mine this"});
    // Without the race, the same request mines and says so.
    miner.after_commit(nullptr);
    report = miner.mine();
    CHECK(report.status == MineReport::Status::Mined);
    CHECK(report.message == "Block #4 is mined.");
    CHECK(state.hash(4) == report.block.find("hash")->as_string());
}
