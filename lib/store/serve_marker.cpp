#include "store/serve_marker.hpp"

#include "error.hpp"

#include "json/parse.hpp"
#include "json/write.hpp"
#include <unistd.h>

namespace chain::store {

ServeMarker ServeMarker::acquire(const Repository& repo) {
    auto lock = FileLock::try_lock(repo.serve_lock_path(), LockMode::Exclusive);
    if (!lock) {
        auto other = running_node(repo);
        throw Error("a node already serves " + repo.root().string() +
                    (other ? " at " + *other : std::string()) + "; stop it first");
    }
    ::unlink(repo.node_info_path().c_str()); // left by a node that was killed
    return ServeMarker(std::move(*lock), repo.node_info_path());
}

void ServeMarker::publish(const json::Value& info) const {
    io::write_file_atomic(m_info, json::dump(info) + "\n");
}

std::optional<std::string> ServeMarker::running_node(const Repository& repo) {
    if (!fs::exists(repo.serve_lock_path())) return std::nullopt;
    if (FileLock::try_lock(repo.serve_lock_path(), LockMode::Shared)) return std::nullopt;
    try {
        json::Value info = json::parse(io::read_file(repo.node_info_path()));
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
