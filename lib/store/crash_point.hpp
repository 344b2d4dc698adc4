#pragma once
// A test hook for the crash tests: when the environment variable CHAINCTL_CRASH_AT names a crash
// point, the process sends itself SIGKILL there, exactly as `kill -9` would, so each step of a
// write can be interrupted on purpose. Without the variable a crash point costs one comparison.

#include <string_view>

namespace chain::store {

void crash_point(std::string_view name);
/// Whether CHAINCTL_CRASH_AT names this point (to set up a partial write before crash_point).
bool crash_point_armed(std::string_view name);

} // namespace chain::store
