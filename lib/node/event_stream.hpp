#pragma once
// GET /events: a node's chain events on the wire, as server-sent events, for observers in other
// processes (the network lab, a browser). Each event is
//
//   id: 12
//   event: block
//   data: {"seq": 12, "time": 1795279524.5, "node": "<node id>", "type": "block", ...}
//
// The stream opens with a "hello" event (the node's id and the last sequence number). A reader
// resumes with ?since=N (events after N that the node still keeps, a "gap" event first if some
// are gone). A reader that falls far behind gets a "gap" event and the stream ends, so that the
// node never holds more than a bounded amount for it: it resumes with ?since=.

#include "http/message.hpp"
#include "node/events.hpp"

#include <optional>
#include <string>

namespace chain::node {

/// The streamed answer to GET /events[?since=N].
http::Response event_stream(EventBus& bus, const std::string& node_id,
                            std::optional<std::uint64_t> since);

/// One event in the text/event-stream format.
std::string sse_event(const Event& event, const std::string& node_id);

} // namespace chain::node
