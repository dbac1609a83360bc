/* Monotonic wall-clock seconds for the benchmarks (define _POSIX_C_SOURCE before any
 * include in the including file). */
#ifndef ADSE_BENCH_CLOCK_H
#define ADSE_BENCH_CLOCK_H

#include <time.h>

static inline double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
