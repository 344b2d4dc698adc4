#pragma once
// The web page's files (lib/ui/assets), compiled into the binary by cmake/embed_files.cmake, so
// that chainctl ui serve works offline and from anywhere.

#include <cstddef>
#include <optional>
#include <string_view>

namespace chain::ui {

struct EmbeddedFile {
    const char* name;
    const unsigned char* data;
    std::size_t size;
};

extern const EmbeddedFile k_embedded_files[];
extern const std::size_t k_embedded_file_count;

/// The content of an embedded file by name ("index.html", "app.js"), if there is one.
std::optional<std::string_view> embedded_file(std::string_view name);

} // namespace chain::ui
