/*
 * util/primes.h: the distinct prime factors of an integer, gcd and lcm (internal).
 *
 * One home for factoring a loop bound into its primes: the mapper's local search moves one
 * prime of a factor at a time (mapper/local.c), the v0.4 maximize_dims allocation walks a
 * dimension's primes (input/v04_constraints.c).
 * Thread-safety: reentrant, no state.
 */
#ifndef ADSE_UTIL_PRIMES_H
#define ADSE_UTIL_PRIMES_H

#include <stdint.h>

/* At most this many distinct primes divide a 64-bit integer. */
#define ADSE_MAX_PRIMES 15

/* Writes the distinct prime factors of v, ascending, into out[ADSE_MAX_PRIMES]; returns how
 * many (0 for v <= 1). Trial division: fast for the bounds of loops (up to about 2^40). */
int adse__distinct_primes(uint64_t v, uint64_t *out);

/* The greatest common divisor of a and b (gcd(a, 0) = a). */
uint64_t adse__gcd(uint64_t a, uint64_t b);

/* lcm(1, 2, ..., n), or 0 if it does not fit in 64 bits (n >= 47). */
uint64_t adse__lcm_upto(uint64_t n);

#endif
