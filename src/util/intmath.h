/*
 * util/intmath.h: integer helpers shared by the model, the mapper and the v0.4 reader
 * (internal): the quotient rounded up, the product saturated at UINT64_MAX and the step of
 * the FNV-1a hash.
 * Thread-safety: pure functions.
 */
#ifndef ADSE_UTIL_INTMATH_H
#define ADSE_UTIL_INTMATH_H

#include <stdint.h>

/* FNV-1a (64 bits): start from ADSE_FNV_BASIS, then h = adse__fnv(h, v) for each value v
 * (a byte, or a whole word where the hash is only used inside the process). */
#define ADSE_FNV_BASIS 1469598103934665603ull
static inline uint64_t adse__fnv(uint64_t h, uint64_t v)
{
    return (h ^ v) * 1099511628211ull;
}

/* ceil(a / b) for b > 0, without the overflow of (a + b - 1) / b. */
static inline uint64_t adse__ceil_div(uint64_t a, uint64_t b)
{
    return a == 0 ? 0 : (a - 1) / b + 1;
}

/* a + b, or UINT64_MAX when the sum does not fit. */
static inline uint64_t adse__add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* a * b, or UINT64_MAX when the product does not fit. */
static inline uint64_t adse__mul_sat(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

#endif
