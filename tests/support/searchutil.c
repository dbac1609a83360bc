/* Helpers of the hardware-search tests (searchutil.h). */
#define _POSIX_C_SOURCE 200809L
#include "searchutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/search_report.h"
#include "testutil.h"

adse_search_spec *load_spec_ok(const char *text)
{
    adse_search_spec *s = NULL;
    adse_err e;
    assert_adse_ok(adse_search_spec_load_string(text, "spec.yaml", testutil_path(SEED_DIR), &s, &e),
                   &e, "spec load failed");
    return s;
}

adse_search_spec *load_spec_file_ok(const char *path)
{
    adse_search_spec *s = NULL;
    adse_err e;
    assert_adse_ok(adse_search_spec_load(path, &s, &e), &e, "spec load failed: %s", path);
    return s;
}

/* The fixed-mapping stand-in for the mapper. */
adse_mapping g_fixed;

adse_status fixed_map(void *user, const adse_model *model, const adse_constraints *constraints,
                      const adse_mapper_settings *settings, adse_mapper_result *out, adse_err *err)
{
    (void)user, (void)constraints, (void)settings, (void)err;
    memset(out, 0, sizeof *out);
    adse_scratch *sc = adse_scratch_new(model);
    adse_status st = adse_model_evaluate(model, &g_fixed, sc, &out->result, NULL);
    adse_scratch_free(sc);
    out->found = st == ADSE_OK;
    out->best = g_fixed;
    return ADSE_OK;
}

int setup_fixed(void **state)
{
    (void)state;
    const char *f[3] = {testutil_path(SEED_DIR "/arch/eyeriss_like.yaml"),
                        testutil_path(SEED_DIR "/prob.yaml"),
                        testutil_path(SEED_DIR "/timeloop-mapper-out/timeloop-mapper.map.yaml")};
    adse_spec *sp = NULL;
    adse_err e;
    if (adse_spec_load(f, 3, &sp, &e) != ADSE_OK) return -1;
    g_fixed = sp->mapping;
    adse_spec_free(sp);
    return 0;
}

adse_search *create_ok(const adse_search_spec *spec, int threads, bool fixed)
{
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = threads;
    if (fixed) o.map = fixed_map;
    adse_search *s = NULL;
    adse_err e;
    assert_adse_ok(adse_search_create(spec, &o, &s, &e), &e, "create failed");
    return s;
}

void run_ok(adse_search *s)
{
    adse_err e;
    assert_adse_ok(adse_search_run(s, &e), &e, "run failed");
}

adse_search *run_search_ok(const adse_search_spec *spec, const adse_search_options *o)
{
    adse_search *s = NULL;
    adse_err e;
    assert_adse_ok(adse_search_create(spec, o, &s, &e), &e, "create failed");
    run_ok(s);
    return s;
}

/* history.csv of s as a malloc'd string. */
char *history_text(const adse_search *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(adse_report_search_history_csv(f, s), ADSE_OK);
    fclose(f);
    return buf;
}

/* Expects the spec text to fail loading or creating at line:column with msg inside. */
void expect_error(const char *text, int line, int column, const char *msg)
{
    adse_search_spec *spec = NULL;
    adse_err e;
    adse_err_clear(&e);
    adse_status st =
        adse_search_spec_load_string(text, "spec.yaml", testutil_path(SEED_DIR), &spec, &e);
    if (st == ADSE_OK) {
        adse_search_options o;
        adse_search_options_init(&o);
        o.map = fixed_map;
        adse_search *s = NULL;
        st = adse_search_create(spec, &o, &s, &e);
        adse_search_free(s);
        adse_search_spec_free(spec);
    }
    char b[1200];
    adse_err_format(&e, b, sizeof b);
    if (st == ADSE_OK || e.line != line || (column && e.column != column) || !strstr(e.msg, msg) ||
        strcmp(e.file, "spec.yaml") != 0) {
        print_error("want spec.yaml:%d:%d '%s', got %s (status %d)\n", line, column, msg, b,
                    (int)st);
        fail();
    }
}

char *killed_checkpoint(const adse_search_spec *spec, int stop, size_t *len)
{
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 2;
    o.map = fixed_map;
    o.stop_after = stop;
    adse_search *a = NULL;
    adse_err e;
    assert_int_equal(adse_search_create(spec, &o, &a, &e), ADSE_OK);
    run_ok(a);
    assert_int_equal(adse_search_generations_done(a), stop + 1);
    assert_false(adse_search_finished(a));
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    assert_int_equal(adse_search_checkpoint_save(a, f, &e), ADSE_OK);
    fclose(f);
    adse_search_free(a); /* the "kill" */
    return buf;
}

adse_search *resumed(const adse_search_spec *spec, const char *buf, size_t len)
{
    adse_search *b = create_ok(spec, 1, true);
    adse_err e;
    FILE *f = fmemopen((void *)buf, len, "r");
    assert_non_null(f);
    assert_int_equal(adse_search_checkpoint_load(b, f, &e), ADSE_OK);
    fclose(f);
    return b;
}
