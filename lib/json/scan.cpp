#include "json/scan.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace chain::json {

namespace {

inline bool is_stop(unsigned char c) {
    return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}
inline bool needs_escape(unsigned char c) {
    return c == '"' || c == '\\' || c < 0x20 || c >= 0x7F;
}

} // namespace

const char* find_string_stop(const char* p, const char* end) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i max_control = _mm_set1_epi8(0x1f);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
        // max(v, 0x1f) == 0x1f exactly when v <= 0x1f (unsigned).
        special = _mm_or_si128(special, _mm_cmpeq_epi8(_mm_max_epu8(v, max_control), max_control));
        // The sign bit of each byte is set for >= 0x80.
        int mask = _mm_movemask_epi8(special) | _mm_movemask_epi8(v);
        if (mask) return p + __builtin_ctz(static_cast<unsigned>(mask));
        p += 16;
    }
#endif
    while (p < end && !is_stop(static_cast<unsigned char>(*p)))
        ++p;
    return p;
}

const char* find_escape_needed(const char* p, const char* end) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i del = _mm_set1_epi8(0x7f);
    const __m128i max_control = _mm_set1_epi8(0x1f);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
        special = _mm_or_si128(special, _mm_cmpeq_epi8(v, del));
        special = _mm_or_si128(special, _mm_cmpeq_epi8(_mm_max_epu8(v, max_control), max_control));
        int mask = _mm_movemask_epi8(special) | _mm_movemask_epi8(v);
        if (mask) return p + __builtin_ctz(static_cast<unsigned>(mask));
        p += 16;
    }
#endif
    while (p < end && !needs_escape(static_cast<unsigned char>(*p)))
        ++p;
    return p;
}

} // namespace chain::json
