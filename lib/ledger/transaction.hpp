#pragma once
// Transactions are JSON objects. A new one needs non-empty string "author" and "content" (the
// reference accepts any truthy value; chainctl also insists on strings, so that every client can
// display them); any other fields are kept. The node, not the client, sets "timestamp".

#include "json/value.hpp"

namespace chain::ledger {

/// Throws chain::Error with a reason a client can act on when tx is not an acceptable new
/// transaction.
void check_new_transaction(const json::Value& tx);

/// The transaction as stored: "timestamp" set to now (float seconds), replacing a client's value
/// in place or added at the end, as the reference's dict assignment does.
json::Value stamp_transaction(json::Value tx, double now);

} // namespace chain::ledger
