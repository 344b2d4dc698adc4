#include "ledger/transaction.hpp"

#include "error.hpp"

namespace chain::ledger {

void check_new_transaction(const json::Value& tx) {
    if (!tx.is_object())
        throw Error("a transaction must be a JSON object, found " +
                    std::string(json::type_name(tx.type())));
    for (std::string_view field : {"author", "content"}) {
        const json::Value* v = tx.find(field);
        if (!v) throw Error("invalid transaction: \"" + std::string(field) + "\" is required");
        if (!v->is_string())
            throw Error("invalid transaction: \"" + std::string(field) +
                        "\" must be a string, found " + std::string(json::type_name(v->type())));
        if (v->as_string().empty())
            throw Error("invalid transaction: \"" + std::string(field) + "\" must not be empty");
    }
}

json::Value stamp_transaction(json::Value tx, double now) {
    tx.set("timestamp", json::Value(now));
    return tx;
}

} // namespace chain::ledger
