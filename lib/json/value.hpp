#pragma once
// A JSON value with the distinctions Python's json module keeps: integers are exact at any size
// (BigInt holds what does not fit in 64 bits), integers and floats stay distinct, and objects keep
// their members in insertion order (Python dicts do), so a value can be written back either in
// that order or with sorted keys for hashing.

#include <concepts>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace chain::json {

class Value;
struct Member;
using Array = std::vector<Value>;
using Object = std::vector<Member>;

/// An integer outside the int64 range, as its exact decimal text: an optional '-', then digits
/// with no leading zero.
struct BigInt {
    std::string digits;
    bool operator==(const BigInt&) const = default;
};

enum class Type : std::uint8_t { Null, Bool, Int, BigInt, Float, String, Array, Object };

/// "null", "bool", "integer", "float", "string", "array" or "object": for error messages.
std::string_view type_name(Type type);

class Value {
public:
    // Defined after Member below: the variant's members must not be instantiated while Member
    // is still incomplete (clang would, and refuse).
    Value();
    Value(std::nullptr_t);
    Value(bool b);
    template <std::integral T>
    requires(!std::same_as<T, bool>) Value(T i);
    Value(double d);
    Value(std::string s);
    Value(std::string_view s);
    Value(const char* s);
    Value(BigInt b);
    Value(Array a);
    Value(Object o);
    Value(const Value&);
    Value(Value&&) noexcept;
    Value& operator=(const Value&);
    Value& operator=(Value&&) noexcept;
    ~Value();

    Type type() const { return static_cast<Type>(m_v.index()); }
    bool is_null() const { return type() == Type::Null; }
    bool is_bool() const { return type() == Type::Bool; }
    /// True for any integer, small or big (never for a bool, unlike Python's isinstance).
    bool is_integer() const { return type() == Type::Int || type() == Type::BigInt; }
    bool is_float() const { return type() == Type::Float; }
    bool is_number() const { return is_integer() || is_float(); }
    bool is_string() const { return type() == Type::String; }
    bool is_array() const { return type() == Type::Array; }
    bool is_object() const { return type() == Type::Object; }

    // Accessors throw chain::Error when the type does not match.
    bool as_bool() const;
    /// The value of an integer that fits in int64.
    std::int64_t as_int() const;
    double as_float() const;
    const BigInt& as_big_int() const;
    const std::string& as_string() const;
    std::string& as_string();
    const Array& as_array() const;
    Array& as_array();
    const Object& as_object() const;
    Object& as_object();

    /// The member named key of an object, or nullptr (also when this is not an object).
    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    /// Sets a member the way a Python dict does: an existing key keeps its place.
    void set(std::string_view key, Value value);
    /// Removes a member; returns whether it was there.
    bool erase(std::string_view key);

    bool operator==(const Value& other) const;

private:
    std::variant<std::nullptr_t, bool, std::int64_t, BigInt, double, std::string, Array, Object>
        m_v;
};

struct Member {
    std::string key;
    Value value;
    bool operator==(const Member&) const = default;
};

inline Value::Value() = default;
inline Value::Value(std::nullptr_t) {}
inline Value::Value(bool b) : m_v(b) {}
template <std::integral T>
requires(!std::same_as<T, bool>) Value::Value(T i) {
    if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(std::int64_t)) {
        if (i > static_cast<T>(std::numeric_limits<std::int64_t>::max())) {
            m_v = BigInt{std::to_string(i)};
            return;
        }
    }
    m_v = static_cast<std::int64_t>(i);
}
inline Value::Value(double d) : m_v(d) {}
inline Value::Value(std::string s) : m_v(std::move(s)) {}
inline Value::Value(std::string_view s) : m_v(std::string(s)) {}
inline Value::Value(const char* s) : m_v(std::string(s)) {}
inline Value::Value(BigInt b) : m_v(std::move(b)) {}
inline Value::Value(const Value&) = default;
inline Value::Value(Value&&) noexcept = default;
inline Value& Value::operator=(const Value&) = default;
inline Value& Value::operator=(Value&&) noexcept = default;
inline Value::~Value() = default;

} // namespace chain::json
