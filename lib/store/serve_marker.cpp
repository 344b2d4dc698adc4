#include "store/serve_marker.hpp"

#include "error.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <unistd.h>

namespace chain::store {

namespace {
fs::path lock_path(const Repository& repo) {
    return repo.state_dir() / "serve.lock";
}
fs::path info_path(const Repository& repo) {
    return repo.state_dir() / "node.json";
}
} // namespace

ServeMarker ServeMarker::acquire(const Repository& repo) {
    auto lock = FileLock::try_lock(lock_path(repo), LockMode::Exclusive);
    if (!lock) {
        auto other = running_node(repo);
        throw Error("a node already serves " + repo.root().string() +
                    (other ? " at " + *other : std::string()) + "; stop it first");
    }
    ::unlink(info_path(repo).c_str()); // left by a node that was killed
    return ServeMarker(std::move(*lock), info_path(repo));
}

void ServeMarker::publish(const std::string& url) const {
    json::Object info{{"url", url}, {"pid", static_cast<std::int64_t>(::getpid())}};
    io::write_file_atomic(m_info, json::dump(json::Value(info)) + "\n");
}

std::optional<std::string> ServeMarker::running_node(const Repository& repo) {
    if (!fs::exists(lock_path(repo))) return std::nullopt;
    if (FileLock::try_lock(lock_path(repo), LockMode::Shared)) return std::nullopt;
    try {
        json::Value info = json::parse(io::read_file(info_path(repo)));
        if (const json::Value* url = info.find("url"); url && url->is_string())
            return url->as_string();
    } catch (const Error&) {
        // The node is starting and has not written its URL yet.
    }
    throw Error("a node is starting up in " + repo.root().string() + "; try again in a moment");
}

ServeMarker::~ServeMarker() {
    if (!m_info.empty()) ::unlink(m_info.c_str());
}

} // namespace chain::store
