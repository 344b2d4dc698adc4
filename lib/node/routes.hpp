#pragma once
// The node's route table: one function per endpoint, each a thin adapter from HTTP to a Node
// operation (node/node.hpp), so that they can be called and fuzzed without a socket.

#include "http/router.hpp"

namespace chain::node {

class Node;

/// Adds every endpoint of the node to router.
void install_routes(http::Router& router, Node& node);

} // namespace chain::node
