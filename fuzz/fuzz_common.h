/*
 * fuzz/fuzz_common.h: helpers shared by the fuzz harnesses.
 *
 * Every harness defines LLVMFuzzerTestOneInput(data, size): it feeds the bytes to one
 * parser entry point and, when the input is accepted, drives what a caller would do next
 * (model, reports, search) so that odd-but-accepted inputs are exercised downstream too.
 * A harness never aborts on a rejected input: only crashes, leaks and sanitizer reports
 * count. The same function is linked into a libFuzzer target (ADSE_FUZZ=ON, clang) and into
 * a replay driver (replay_main.c) that CTest runs over fuzz/corpus/<name>/.
 */
#ifndef ADSE_FUZZ_COMMON_H
#define ADSE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A sink for the report writers, opened once (the fuzzer calls the harness millions of
 * times: reopening /dev/null each time would only cost time). */
static inline FILE *fuzz_devnull(void)
{
    static FILE *f;
    if (!f) f = fopen("/dev/null", "w");
    return f;
}

/* data as a NUL-terminated malloc'd string (NULL when out of memory). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) return NULL;
    if (size) memcpy(s, data, size);
    s[size] = 0;
    return s;
}

#endif
