#include "json/scan.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace chain::json {

namespace {

// The first byte that is '"', '\\', a control character or non-ASCII; with StopAtDel, 0x7F too.
template <bool StopAtDel>
const char* find_special(const char* p, const char* end) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i del = _mm_set1_epi8(0x7f);
    const __m128i max_control = _mm_set1_epi8(0x1f);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
        if constexpr (StopAtDel) special = _mm_or_si128(special, _mm_cmpeq_epi8(v, del));
        // max(v, 0x1f) == 0x1f exactly when v <= 0x1f (unsigned).
        special = _mm_or_si128(special, _mm_cmpeq_epi8(_mm_max_epu8(v, max_control), max_control));
        // The sign bit of each byte is set for >= 0x80.
        int mask = _mm_movemask_epi8(special) | _mm_movemask_epi8(v);
        if (mask) return p + __builtin_ctz(static_cast<unsigned>(mask));
        p += 16;
    }
#endif
    for (; p < end; ++p) {
        auto c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80 || (StopAtDel && c == 0x7f)) break;
    }
    return p;
}

} // namespace

const char* find_string_stop(const char* p, const char* end) {
    return find_special<false>(p, end);
}

const char* find_escape_needed(const char* p, const char* end) {
    return find_special<true>(p, end);
}

} // namespace chain::json
