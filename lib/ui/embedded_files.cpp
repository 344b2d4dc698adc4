#include "ui/embedded_files.hpp"

namespace chain::ui {

std::optional<std::string_view> embedded_file(std::string_view name) {
    for (std::size_t i = 0; i < k_embedded_file_count; ++i)
        if (name == k_embedded_files[i].name)
            return std::string_view(reinterpret_cast<const char*>(k_embedded_files[i].data),
                                    k_embedded_files[i].size);
    return std::nullopt;
}

} // namespace chain::ui
