#pragma once
// The one exception type the library throws. Messages are written for the person at the
// terminal: what happened and, where it helps, what to do about it.

#include <stdexcept>
#include <string>

namespace chain {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace chain
