/*
 * util/intmath.h: integer helpers shared by the model, the mapper and the v0.4 reader
 * (internal): the quotient rounded up and the product saturated at UINT64_MAX.
 * Thread-safety: pure functions.
 */
#ifndef ADSE_UTIL_INTMATH_H
#define ADSE_UTIL_INTMATH_H

#include <stdint.h>

/* ceil(a / b) for b > 0, without the overflow of (a + b - 1) / b. */
static inline uint64_t adse__ceil_div(uint64_t a, uint64_t b)
{
    return a == 0 ? 0 : (a - 1) / b + 1;
}

/* a * b, or UINT64_MAX when the product does not fit. */
static inline uint64_t adse__mul_sat(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

#endif
