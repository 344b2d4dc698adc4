// libFuzzer: the node's request handling without a socket. The bytes are read as the server
// reads them (the head, the framing, a chunked body) and, when they make a request, routed to a
// real node (a repository on tmpfs, nothing started that talks to other hosts). Every answer
// must be a valid status with a one-line reason; nothing may crash or hang.
#include "http/parser.hpp"
#include "http/router.hpp"
#include "node/node.hpp"
#include "node/node_state.hpp"
#include "store/repository.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string_view>
#include <unistd.h>

using namespace chain;

namespace {

struct Fixture {
    Fixture() {
        std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
        dir = base + "/chainctl-fuzz-" + std::to_string(::getpid());
        std::filesystem::remove_all(dir);
        store::Repository::init(dir, 1);
        state = std::make_unique<node::NodeState>(store::Repository::open(dir), events);
        node::NodeOptions options;
        options.port = 0;
        options.mining_threads = 1;
        options.probe_interval_s = 0;
        options.sync_interval_s = 0;
        node = std::make_unique<node::Node>(*state, options);
    }
    ~Fixture() {
        node.reset();
        state.reset();
        std::filesystem::remove_all(dir);
    }
    std::filesystem::path dir;
    node::EventBus events;
    std::unique_ptr<node::NodeState> state;
    std::unique_ptr<node::Node> node;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Fixture fixture;
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto end = http::find_head_end(bytes);
    if (!end) return 0;
    http::Request request;
    if (http::parse_request_head(bytes.substr(0, *end), {}, request)) return 0;
    http::Framing framing;
    if (http::request_framing(request.headers, framing)) return 0;
    std::string_view rest = bytes.substr(*end);
    if (framing.kind == http::Framing::Kind::Chunked) {
        http::ChunkedDecoder decoder(1 << 20);
        decoder.feed(rest, request.body);
        if (decoder.failure() || !decoder.done()) return 0;
    } else if (framing.kind == http::Framing::Kind::Length) {
        if (framing.length > rest.size()) return 0;
        request.body = std::string(rest.substr(0, static_cast<std::size_t>(framing.length)));
    }
    // Registering with another node would call it: the fuzzer stays on this machine.
    if (http::normalise_path(request.path) == "/register_with") return 0;
    auto answer = std::make_shared<std::promise<http::Response>>();
    fixture.node->router().dispatch(
        request, [answer](http::Response r) { answer->set_value(std::move(r)); });
    auto future = answer->get_future();
    if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) std::abort();
    http::Response r = future.get();
    if (r.status < 200 || r.status > 599) std::abort();
    if (r.status >= 400) {
        std::string_view reason = r.body_text();
        if (reason.empty() || reason.find('\n') != std::string_view::npos) std::abort();
    }
    return 0;
}
