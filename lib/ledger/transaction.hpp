#pragma once
// Transactions are JSON objects. A new one needs "author" and "content", each present and true
// by Python's rules, exactly as the reference node checks them (`if not tx.get(field)`): a
// non-empty string, a non-zero number, a non-empty array or object, true (NaN counts as true,
// as in Python). So {"author": 5, "content": ["list"]} is a transaction, and "", 0, false, null,
// [] and {} are not. Any other fields are kept. The node, not the client, sets "timestamp".

#include "json/value.hpp"

namespace chain::ledger {

/// Whether Python's bool(value) is true for the value json.loads makes of it.
bool truthy(const json::Value& value);

/// Throws chain::Error with a reason a client can act on when tx is not an acceptable new
/// transaction.
void check_new_transaction(const json::Value& tx);

/// The transaction as stored: "timestamp" set to now (float seconds), replacing a client's value
/// in place or added at the end, as the reference's dict assignment does.
json::Value stamp_transaction(json::Value tx, double now);

} // namespace chain::ledger
