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

uint64_t adse__gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

uint64_t adse__lcm_upto(uint64_t n)
{
    uint64_t lcm = 1;
    for (uint64_t v = 2; v <= n; v++) {
        uint64_t m = v / adse__gcd(lcm, v);
        if (lcm > UINT64_MAX / m) return 0;
        lcm *= m;
    }
    return lcm;
}
