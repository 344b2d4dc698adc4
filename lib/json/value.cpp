#include "json/value.hpp"

#include "error.hpp"

#include <algorithm>
#include <utility>

namespace chain::json {

std::string_view type_name(Type type) {
    switch (type) {
    case Type::Null:
        return "null";
    case Type::Bool:
        return "bool";
    case Type::Int:
    case Type::BigInt:
        return "integer";
    case Type::Float:
        return "float";
    case Type::String:
        return "string";
    case Type::Array:
        return "array";
    case Type::Object:
        return "object";
    }
    return "unknown";
}

Value::Value(Array a) : m_v(std::move(a)) {}
Value::Value(Object o) : m_v(std::move(o)) {}

namespace {

[[noreturn]] void wrong_type(std::string_view wanted, Type found) {
    throw Error("expected " + std::string(wanted) + ", found " + std::string(type_name(found)));
}

template <typename T>
const T& get_or_throw(const auto& variant, std::string_view wanted, Type found) {
    if (const T* p = std::get_if<T>(&variant)) return *p;
    wrong_type(wanted, found);
}

} // namespace

bool Value::as_bool() const {
    return get_or_throw<bool>(m_v, "bool", type());
}

std::int64_t Value::as_int() const {
    if (type() == Type::BigInt) throw Error("integer " + as_big_int().digits + " is out of range");
    return get_or_throw<std::int64_t>(m_v, "integer", type());
}

double Value::as_float() const {
    return get_or_throw<double>(m_v, "float", type());
}
const BigInt& Value::as_big_int() const {
    return get_or_throw<BigInt>(m_v, "integer", type());
}
const std::string& Value::as_string() const {
    return get_or_throw<std::string>(m_v, "string", type());
}
std::string& Value::as_string() {
    return const_cast<std::string&>(std::as_const(*this).as_string());
}
const Array& Value::as_array() const {
    return get_or_throw<Array>(m_v, "array", type());
}
Array& Value::as_array() {
    return const_cast<Array&>(std::as_const(*this).as_array());
}
const Object& Value::as_object() const {
    return get_or_throw<Object>(m_v, "object", type());
}
Object& Value::as_object() {
    return const_cast<Object&>(std::as_const(*this).as_object());
}

const Value* Value::find(std::string_view key) const {
    const auto* object = std::get_if<Object>(&m_v);
    if (!object) return nullptr;
    for (const Member& m : *object)
        if (m.key == key) return &m.value;
    return nullptr;
}

Value* Value::find(std::string_view key) {
    return const_cast<Value*>(std::as_const(*this).find(key));
}

void Value::set(std::string_view key, Value value) {
    if (Value* existing = find(key)) {
        *existing = std::move(value);
        return;
    }
    as_object().push_back(Member{std::string(key), std::move(value)});
}

bool Value::erase(std::string_view key) {
    auto* object = std::get_if<Object>(&m_v);
    if (!object) return false;
    auto it =
        std::find_if(object->begin(), object->end(), [&](const Member& m) { return m.key == key; });
    if (it == object->end()) return false;
    object->erase(it);
    return true;
}

bool Value::operator==(const Value& other) const {
    return m_v == other.m_v;
}

} // namespace chain::json
