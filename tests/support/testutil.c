#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "adse/adse.h"

void testutil_assert_rel(double got, double want, double rel_tol, const char *what,
                         const char *file, int line)
{
    double diff = fabs(got - want);
    double scale = fabs(want) > 1e-300 ? fabs(want) : 1.0;
    if (diff / scale > rel_tol || isnan(got)) {
        print_error("%s: got %.9g, want %.9g (relative tolerance %g)\n", what, got, want, rel_tol);
        _fail(file, line);
    }
}

const char *testutil_data(const char *rel, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", ADSE_TEST_DATA_DIR, rel);
    return buf;
}

char *testutil_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s) s[n] = 0;
    fclose(f);
    return s;
}

char *testutil_read_in(const char *dir, const char *rel)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    return testutil_read_file(p);
}

void testutil_write(const char *path, const char *fmt, ...)
{
    FILE *f = fopen(path, "w");
    if (!f) fail_msg("cannot create %s", path);
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    if (fclose(f) != 0 || n < 0) fail_msg("cannot write %s", path);
}

char *testutil_stream_text(FILE *f)
{
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

testutil_run testutil_cli(const char *tmp_dir, const char *fmt, ...)
{
    char args[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char out_path[512], err_path[512], cmd[16384];
    snprintf(out_path, sizeof out_path, "%s/stdout", tmp_dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", tmp_dir);
    snprintf(cmd, sizeof cmd, "'%s' %s >'%s' 2>'%s'", ADSE_CLI_PATH, args, out_path, err_path);
    int st = system(cmd);
    testutil_run r;
    r.status = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
    r.out = testutil_read_file(out_path);
    r.err = testutil_read_file(err_path);
    assert_non_null(r.out);
    assert_non_null(r.err);
    return r;
}

void testutil_run_free(testutil_run *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

void testutil_run_show(const testutil_run *r)
{
    print_message("exit %d\n--- stdout\n%s--- stderr\n%s---\n", r->status, r->out, r->err);
}

void testutil_assert_status(const testutil_run *r, int want, const char *file, int line)
{
    if (r->status == want) return;
    testutil_run_show(r);
    print_error("exit status %d, want %d\n", r->status, want);
    _fail(file, line);
}

json_t *testutil_json_parse(const char *text, const char *file, int line)
{
    json_error_t je;
    json_t *root = text ? json_loads(text, 0, &je) : NULL;
    if (root) return root;
    if (text)
        print_error("invalid JSON at line %d: %s\n%s\n", je.line, je.text, text);
    else
        print_error("no JSON text\n");
    _fail(file, line);
    return NULL;
}

int testutil_mkdtemp(char *buf, size_t size, const char *prefix)
{
    snprintf(buf, size, "/tmp/%s-XXXXXX", prefix);
    return mkdtemp(buf) ? 0 : -1;
}

int testutil_rmtree(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

void testutil_expect_cli(const char *file, int line, int want, const char *out_has,
                         const char *err_has, const char *fmt, ...)
{
    char args[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    testutil_run r = testutil_cli(testutil_tmp, "%s", args);
    bool ok = r.status == want && (!out_has || strstr(r.out, out_has)) &&
              (!err_has || strstr(r.err, err_has));
    if (!ok) {
        testutil_run_show(&r);
        print_error("adse %s: want exit status %d%s%s%s%s%s%s\n", args, want,
                    out_has ? ", stdout with '" : "", out_has ? out_has : "", out_has ? "'" : "",
                    err_has ? ", stderr with '" : "", err_has ? err_has : "", err_has ? "'" : "");
    }
    testutil_run_free(&r);
    if (!ok) _fail(file, line);
}

void testutil_expect_usage_error(const char *args)
{
    testutil_run r = testutil_cli(testutil_tmp, "%s", args);
    if (r.status != 2) testutil_run_show(&r);
    assert_int_equal(r.status, 2);
    assert_true(strncmp(r.err, "adse: ", 6) == 0);
    assert_string_equal(r.out, "");
    testutil_run_free(&r);
}

char testutil_tmp[256];

int testutil_tmp_setup(void **state)
{
    (void)state;
    return testutil_mkdtemp(testutil_tmp, sizeof testutil_tmp, "adse-test");
}

int testutil_tmp_teardown(void **state)
{
    (void)state;
    return testutil_rmtree(testutil_tmp);
}

const char *testutil_path(const char *rel)
{
    static char buf[16][1024];
    static int k;
    k = (k + 1) % 16;
    return testutil_data(rel, buf[k], sizeof buf[k]);
}

const adse_spec_options *testutil_fallback_options(void)
{
    static adse_spec_options o = {
        .energy = ADSE_ENERGY_MODE_TIMELOOP_FALLBACK,
        .estimator = {.flags = 0, .precision = ADSE_ENERGY_DEFAULT_PRECISION}};
    return &o;
}

void testutil_check_ok(const char *file, int line, int st, const adse_err *e, const char *fmt, ...)
{
    if (st == ADSE_OK) return;
    char what[512], b[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    print_error("%s: %s\n", what, adse_err_format(e, b, sizeof b));
    _fail(file, line);
}

static adse_spec *check_loaded(adse_status st, adse_spec *s, const adse_err *e)
{
    assert_adse_ok(st, e, "load failed");
    assert_non_null(s);
    return s;
}

adse_spec *testutil_load_files_ok(const char *const *files, int n, const adse_spec_options *opts)
{
    adse_spec *s = NULL;
    adse_err e;
    adse_status st =
        opts ? adse_spec_load_opts(files, n, opts, &s, &e) : adse_spec_load(files, n, &s, &e);
    return check_loaded(st, s, &e);
}

adse_spec *testutil_load_strings_ok(const char *const *texts, const char *const *names, int n,
                                    const adse_spec_options *opts)
{
    adse_spec *s = NULL;
    adse_err e;
    adse_status st = opts ? adse_spec_load_strings_opts(texts, names, n, opts, &s, &e)
                          : adse_spec_load_strings(texts, names, n, &s, &e);
    return check_loaded(st, s, &e);
}
