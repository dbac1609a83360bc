/*
 * primes.c: the distinct prime factors of an integer (util/primes.h).
 */
#include "util/primes.h"

int adse__distinct_primes(uint64_t v, uint64_t *out)
{
    int n = 0;
    for (uint64_t p = 2; v > 1;) {
        if (p > v / p) p = v; /* v is prime */
        if (v % p == 0) {
            if (!n || out[n - 1] != p) out[n++] = p;
            v /= p;
        } else {
            p++;
        }
    }
    return n;
}
