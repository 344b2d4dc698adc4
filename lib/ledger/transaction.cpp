#include "ledger/transaction.hpp"

#include "error.hpp"

#include "json/write.hpp"

namespace chain::ledger {

bool truthy(const json::Value& v) {
    switch (v.type()) {
    case json::Type::Null:
        return false;
    case json::Type::Bool:
        return v.as_bool();
    case json::Type::Int:
        return v.as_int() != 0;
    case json::Type::BigInt:
        return true; // out of int64 range, so never zero
    case json::Type::Float:
        return v.as_float() != 0.0; // NaN != 0.0 holds, as bool(float("nan")) is True
    case json::Type::String:
        return !v.as_string().empty();
    case json::Type::Array:
        return !v.as_array().empty();
    case json::Type::Object:
        return !v.as_object().empty();
    }
    return false;
}

void check_new_transaction(const json::Value& tx) {
    if (!tx.is_object())
        throw Error("a transaction must be a JSON object, found " +
                    std::string(json::type_name(tx.type())));
    for (std::string_view field : {"author", "content"}) {
        const json::Value* v = tx.find(field);
        if (!v) throw Error("invalid transaction: \"" + std::string(field) + "\" is required");
        if (!truthy(*v))
            throw Error("invalid transaction: \"" + std::string(field) + "\" must not be " +
                        (v->is_string() ? std::string("empty") : json::dump(*v)));
    }
}

json::Value stamp_transaction(json::Value tx, double now) {
    tx.set("timestamp", json::Value(now));
    return tx;
}

} // namespace chain::ledger
