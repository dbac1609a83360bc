/* Shared helpers for the cmocka tests. */
#ifndef ADSE_TESTUTIL_H
#define ADSE_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

/* cmocka's float assert is single precision: these compare doubles. */
void testutil_assert_rel(double got, double want, double rel_tol, const char *what,
                         const char *file, int line);
#define assert_double_rel(got, want, rel, what)                                                    \
    testutil_assert_rel((got), (want), (rel), (what), __FILE__, __LINE__)

/* Path of a file under tests/data (static buffer per call site is not thread-safe). */
const char *testutil_data(const char *rel, char *buf, size_t size);

/* Path of a file under tests/data in one of 16 rotating static buffers, so that up to 16
 * paths can be alive at once (not thread-safe). */
const char *testutil_path(const char *rel);

/* Reads a whole file; returns malloc'd NUL-terminated text or NULL. */
char *testutil_read_file(const char *path);

/* The file rel under dir, read as by testutil_read_file (NULL when it cannot be read). */
char *testutil_read_in(const char *dir, const char *rel);

/* Writes the formatted text to the file path (created or truncated); fails the test when it
 * cannot. */
void testutil_write(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What was written to the file f (a tmpfile()), as malloc'd NUL-terminated text; closes f.
 * Fails the test when it cannot be read. */
char *testutil_stream_text(FILE *f);

/* Parses JSON text (jansson); fails the test, printing the error and the text, unless it
 * parses. The caller json_decref()s the result. */
struct json_t;
struct json_t *testutil_json_parse(const char *text, const char *file, int line);
#define json_parse_ok(text) testutil_json_parse((text), __FILE__, __LINE__)

/* Fails the test at the caller's line, printing the formatted context and the error e,
 * unless st is ADSE_OK. */
struct adse_err;
void testutil_check_ok(const char *file, int line, int st, const struct adse_err *e,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define assert_adse_ok(st, e, ...) testutil_check_ok(__FILE__, __LINE__, (st), (e), __VA_ARGS__)

struct adse_spec;
struct adse_spec_options;

/* Loader options with Timeloop's fallback energies (no technology needed). */
const struct adse_spec_options *testutil_fallback_options(void);

/* Loads files / texts with opts (NULL = defaults); fails the test, printing the formatted
 * error, unless the load succeeds. */
struct adse_spec *testutil_load_files_ok(const char *const *files, int n,
                                         const struct adse_spec_options *opts);
struct adse_spec *testutil_load_strings_ok(const char *const *texts, const char *const *names,
                                           int n, const struct adse_spec_options *opts);

/* Running the adse binary (ADSE_CLI_PATH) in CLI tests. */
typedef struct testutil_run {
    int status; /* exit code, or -1 if the program did not exit normally */
    char *out;  /* stdout */
    char *err;  /* stderr */
} testutil_run;

/* Runs `adse <args>` (args is shell text) with stdout/stderr captured in files under
 * tmp_dir, and returns its exit status and output. Release with testutil_run_free. */
testutil_run testutil_cli(const char *tmp_dir, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void testutil_run_free(testutil_run *r);
/* Prints exit status, stdout and stderr (for a failing assertion's context). */
void testutil_run_show(const testutil_run *r);
/* Fails the test, showing the run, unless it exited with status want. */
void testutil_assert_status(const testutil_run *r, int want, const char *file, int line);
#define assert_run_status(r, want) testutil_assert_status((r), (want), __FILE__, __LINE__)

/* Runs `adse <fmt...>` in testutil_tmp and expects exit status want, out_has in its stdout
 * and err_has in its stderr (NULL: anything); fails at the caller's line, showing the run,
 * otherwise. */
void testutil_expect_cli(const char *file, int line, int want, const char *out_has,
                         const char *err_has, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
#define expect_cli(want, out_has, err_has, ...)                                                    \
    testutil_expect_cli(__FILE__, __LINE__, (want), (out_has), (err_has), __VA_ARGS__)

/* Runs `adse <args>` in testutil_tmp and expects a usage error: exit 2, a message starting
 * "adse: " on stderr and nothing on stdout. */
void testutil_expect_usage_error(const char *args);

/* A test group's scratch directory, /tmp/adse-test-XXXXXX: testutil_tmp_setup (a cmocka group
 * setup) creates it, testutil_tmp_teardown (the group teardown) removes it and all below it. */
extern char testutil_tmp[256];
int testutil_tmp_setup(void **state);
int testutil_tmp_teardown(void **state);

/* Creates a fresh directory /tmp/<prefix>-XXXXXX into buf; 0 on success (a cmocka setup). */
int testutil_mkdtemp(char *buf, size_t size, const char *prefix);
/* Removes dir and everything below it; 0 on success (a cmocka teardown). */
int testutil_rmtree(const char *dir);

#endif
