/*
 * adse/util.h: the host facts the library, the tool and the benchmarks share: a monotonic
 * clock and the number of online CPUs (one implementation each, in src/util).
 * Thread-safety: both functions are safe to call from any thread.
 */
#ifndef ADSE_UTIL_H
#define ADSE_UTIL_H

#include "adse/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Seconds on a monotonic clock (CLOCK_MONOTONIC): only differences are meaningful. */
ADSE_API double adse_clock_s(void);

/* Online CPUs (at least 1): the thread count the mapper and the search use for 0 = all. */
ADSE_API int adse_cpu_count(void);

#ifdef __cplusplus
}
#endif

#endif
