/* The monotonic clock and the CPU count of adse/util.h. */
#define _POSIX_C_SOURCE 200809L
#include "adse/util.h"

#include <time.h>
#include <unistd.h>

double adse_clock_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int adse_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}
