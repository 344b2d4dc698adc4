#pragma once
// Marks a repository as served by a node, so that there is never a second writer: the node holds
// an exclusive flock(2) on .chainctl/serve.lock for as long as it runs and writes its local URL
// to .chainctl/node.json. Commands that find the lock taken send their writes to that URL
// instead of touching the files. The kernel releases the lock when the node dies, however it
// dies, so a node.json left behind by a kill -9 is simply ignored.

#include "store/file_lock.hpp"
#include "store/repository.hpp"

#include "json/value.hpp"
#include <optional>
#include <string>

namespace chain::store {

class ServeMarker {
public:
    /// Claims the repository for a node; throws if another node serves it.
    static ServeMarker acquire(const Repository& repo);
    /// Tells commands (and the network lab) where the node listens, once it does: writes info
    /// (at least {"url"}; the node adds its "pid", "start_time" and "id") to .chainctl/node.json.
    void publish(const json::Value& info) const;
    /// The URL of the node serving repo, if one does.
    static std::optional<std::string> running_node(const Repository& repo);

    ServeMarker(ServeMarker&&) = default;
    ~ServeMarker();

private:
    ServeMarker(FileLock lock, fs::path info) : m_lock(std::move(lock)), m_info(std::move(info)) {}
    ServeMarker& operator=(ServeMarker&&) = delete;
    FileLock m_lock;
    fs::path m_info;
};

} // namespace chain::store
