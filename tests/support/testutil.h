/* Shared helpers for the cmocka tests. */
#ifndef ADSE_TESTUTIL_H
#define ADSE_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* cmocka's float assert is single precision: these compare doubles. */
void testutil_assert_rel(double got, double want, double rel_tol, const char *what,
                         const char *file, int line);
#define assert_double_rel(got, want, rel, what)                                                  \
    testutil_assert_rel((got), (want), (rel), (what), __FILE__, __LINE__)

/* Path of a file under tests/data (static buffer per call site is not thread-safe). */
const char *testutil_data(const char *rel, char *buf, size_t size);

/* Reads a whole file; returns malloc'd NUL-terminated text or NULL. */
char *testutil_read_file(const char *path);

#endif
