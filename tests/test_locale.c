/*
 * Numbers as text independent of the process locale (util/numtext.h), as a host program
 * sees them after setlocale(LC_ALL, "de_DE.UTF-8") (decimal comma).
 *
 *   numtext     the formatter and reader under the comma locale: known shortest texts (each
 *               equal to Python's repr(), itself the shortest round-trip decimal), the flags,
 *               round trips of random doubles, and strtod's contract
 *   outputs     the seed example (tests/data/seed-experiment/original, Timeloop's mapping)
 *               loaded, evaluated, and written as JSON, stats.txt, summary line, ERT/ART
 *               and energy table; a small hardware search written as history.csv,
 *               report.md, convergence.svg, best arch YAML, search JSON and a checkpoint.
 *               Everything is produced once in the C locale and once in the comma locale:
 *               the texts are byte-identical (timings aside), the model gives Timeloop's
 *               516,096 cycles and 910.04 uJ, jansson reads the JSON back to the same
 *               doubles, and the comma-locale checkpoint restores the same search.
 * The comma locale is the first of a few common ones that setlocale() accepts; without one
 * the tests are skipped, unless ADSE_REQUIRE_COMMA_LOCALE=1 (CI generates de_DE.UTF-8).
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "util/numtext.h"

#define SEED_DIR "seed-experiment/original"

/* Switches the process to a decimal-comma locale; false (test skipped) when none exists. */
static bool use_comma_locale(void)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8",  "de_DE",
                                        "fr_FR.UTF-8", "fr_FR.utf8",  "nl_NL.UTF-8",
                                        "ru_RU.UTF-8", "es_ES.UTF-8", "it_IT.UTF-8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (setlocale(LC_ALL, names[i]) && strcmp(localeconv()->decimal_point, ",") == 0)
            return true;
    setlocale(LC_ALL, "C");
    const char *req = getenv("ADSE_REQUIRE_COMMA_LOCALE");
    if (req && strcmp(req, "1") == 0) {
        print_error("no decimal-comma locale (generate one: localedef -i de_DE -f UTF-8 "
                    "de_DE.UTF-8)\n");
        fail();
    }
    print_message("no decimal-comma locale installed: skipped\n");
    return false;
}

/* ---- numtext ------------------------------------------------------------------------- */

static void expect_format(double v, unsigned flags, const char *want)
{
    char buf[ADSE__NUM_BUF];
    adse__num_format(buf, sizeof buf, v, flags);
    if (strcmp(buf, want) != 0) {
        print_error("format %.17g (flags %u): got '%s', want '%s'\n", v, flags, buf, want);
        fail();
    }
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next_u64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_numtext(void **state)
{
    (void)state;
    if (!use_comma_locale()) skip();
    /* the C library itself now writes and reads commas */
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    assert_string_equal(probe, "0,5");

    /* shortest round-trip texts: Python's repr() of the same doubles */
    expect_format(0.1, 0, "0.1");
    expect_format(0.1 + 0.2, 0, "0.30000000000000004");
    expect_format(1.0 / 3.0, 0, "0.3333333333333333");
    expect_format(2.20035, 0, "2.20035");
    expect_format(1e23, 0, "1e+23");
    expect_format(5e-324, 0, "5e-324");
    expect_format(2.2250738585072014e-308, 0, "2.2250738585072014e-308");
    expect_format(1.7976931348623157e308, 0, "1.7976931348623157e+308");
    expect_format(-1.5, 0, "-1.5");
    expect_format(-0.0, 0, "-0");
    /* flags */
    expect_format(12288, 0, "12288");
    expect_format(12288, ADSE__NUM_POINT, "12288.0");
    expect_format(1e21, ADSE__NUM_POINT, "1.0e+21");
    expect_format(0.25, ADSE__NUM_POINT, "0.25");
    expect_format(1e15, 0, "1e+15");
    expect_format(1e15, ADSE__NUM_INTEGER, "1000000000000000");
    expect_format(20, ADSE__NUM_INTEGER, "20");
    expect_format(2.5, ADSE__NUM_INTEGER, "2.5");
    expect_format(NAN, 0, "nan");
    expect_format(-INFINITY, 0, "-inf");

    /* random doubles (every exponent): the text reads back exactly, without a comma, and one
     * digit fewer does not (shortest) */
    int tested = 0;
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = next_u64();
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) continue;
        tested++;
        char buf[ADSE__NUM_BUF];
        adse__num_format(buf, sizeof buf, v, i % 2 ? ADSE__NUM_POINT : 0);
        char *end;
        double back = adse__num_parse(buf, &end);
        if (back != v || *end || strchr(buf, ',')) {
            print_error("%s does not read back as %a (got %a)\n", buf, v, back);
            fail();
        }
        if (i % 2) continue;
        int digits = 0; /* significant digits of the mantissa */
        for (const char *p = buf; *p && *p != 'e'; p++)
            if (*p >= '1' && *p <= '9')
                digits++;
            else if (*p == '0' && digits > 0)
                digits++;
        if (digits > 1) {
            char fewer[ADSE__NUM_BUF];
            adse__c_snprintf(fewer, sizeof fewer, "%.*g", digits - 1, v);
            if (adse__num_parse(fewer, NULL) == v) {
                print_error("%s is not the shortest: %s reads back too\n", buf, fewer);
                fail();
            }
        }
    }
    assert_true(tested > 19000);

    /* the reader keeps strtod's contract, with '.' only */
    char *end;
    const char *s = "0.5";
    assert_true(adse__num_parse(s, &end) == 0.5 && end == s + 3);
    s = "1,5";
    assert_true(adse__num_parse(s, &end) == 1.0 && end == s + 1);
    s = "  -2.5e-3x";
    assert_true(adse__num_parse(s, &end) == -2.5e-3 && *end == 'x');
    s = "0x1.8p1";
    assert_true(adse__num_parse(s, &end) == 3.0 && *end == 0);
    s = "12345678901234567890.5"; /* beyond the fast path */
    assert_true(adse__num_parse(s, &end) == 12345678901234567890.5 && *end == 0);
    s = "abc";
    adse__num_parse(s, &end);
    assert_ptr_equal(end, s);
    char msg[64];
    adse__c_snprintf(msg, sizeof msg, "%.2f %g", 0.5, 1.25);
    assert_string_equal(msg, "0.50 1.25");
    setlocale(LC_ALL, "C");
}

/* ---- outputs ------------------------------------------------------------------------- */

enum {
    O_MODEL_JSON,
    O_STATS,
    O_SUMMARY,
    O_ERT,
    O_ART,
    O_ENERGY_TABLE,
    O_ENERGY_JSON,
    O_CSV,
    O_MD,
    O_SVG,
    O_ARCH_YAML,
    O_COMPARED, /* the texts above must be byte-identical; those below hold timings */
    O_SEARCH_JSON = O_COMPARED,
    O_CHECKPOINT,
    O_COUNT
};
static const char *const out_names[O_COUNT] = {
    "model JSON",   "stats.txt",   "summary line", "ERT.yaml",  "ART.yaml",
    "energy table", "energy JSON", "history.csv",  "report.md", "convergence.svg",
    "arch YAML",    "search JSON", "checkpoint"};

typedef struct outputs {
    char *text[O_COUNT];
    adse_result result;
    double best_loss;
    double best_genes[ADSE_SEARCH_MAX_GENES];
} outputs;

static FILE *mem_open(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    assert_non_null(f);
    return f;
}

#define SEARCH_SPEC                                                                                \
    "design:\n"                                                                                    \
    "  architecture: arch/eyeriss_like.yaml\n"                                                     \
    "  constraints: [constraints/eyeriss_like_arch_constraints.yaml,\n"                            \
    "                constraints/eyeriss_like_map_constraints.yaml]\n"                             \
    "  mapper: mapper.yaml\n"                                                                      \
    "workload:\n  - {problem: ../../search/small_prob.yaml, name: small}\n"                        \
    "parameters:\n"                                                                                \
    "  - {name: mesh, mesh: {total: 168, meshX: [12, 14]}}\n"                                      \
    "  - {name: glb_depth, component: shared_glb, attribute: depth, values: [1024, 16384]}\n"      \
    "  - {name: psum_depth, component: psum_spad, attribute: depth, values: [8, 16]}\n"            \
    "budgets: {onchip_bits: 1.5 * baseline}\n"                                                     \
    "loss: {weights: {cycles: 0.5, energy: 0.25, gflops: 0.125}, normalize: true}\n"               \
    "ga: {population: 4, generations: 2, parents: 2, mutation: 0.5, seed: 3}\n"

static void produce(outputs *o)
{
    memset(o, 0, sizeof *o);
    adse_err e;
    size_t len;

    /* the seed example with Timeloop's mapping */
    const char *files[5] = {
        testutil_path(SEED_DIR "/arch/eyeriss_like.yaml"), testutil_path(SEED_DIR "/prob.yaml"),
        testutil_path(SEED_DIR "/timeloop-mapper-out/timeloop-mapper.map.yaml"),
        testutil_path(SEED_DIR "/ERT.yaml"), testutil_path(SEED_DIR "/ART.yaml")};
    adse_spec *spec = testutil_load_files_ok(files, 5, NULL);
    adse_model *model = NULL;
    assert_adse_ok(adse_model_create(&spec->arch, &spec->problem, NULL, &model, &e), &e,
                   "model create failed");
    adse_scratch *sc = adse_scratch_new(model);
    assert_int_equal(adse_model_evaluate(model, &spec->mapping, sc, &o->result, &e), ADSE_OK);
    FILE *f = mem_open(&o->text[O_MODEL_JSON], &len);
    assert_int_equal(adse_report_json(f, model, &spec->mapping, &o->result), ADSE_OK);
    fclose(f);
    f = mem_open(&o->text[O_STATS], &len);
    assert_int_equal(adse_report_stats_txt(f, model, &spec->mapping, &o->result), ADSE_OK);
    fclose(f);
    char line[256];
    o->text[O_SUMMARY] = strdup(adse_report_summary_line(&o->result, line, sizeof line));
    adse_scratch_free(sc);
    adse_model_free(model);
    adse_spec_free(spec);

    /* the estimator's tables of the seed architecture */
    spec = testutil_load_files_ok(files, 1, NULL);
    static const struct {
        int slot;
        adse_energy_report_format fmt;
    } energy[] = {{O_ERT, ADSE_ENERGY_REPORT_ERT},
                  {O_ART, ADSE_ENERGY_REPORT_ART},
                  {O_ENERGY_TABLE, ADSE_ENERGY_REPORT_TABLE},
                  {O_ENERGY_JSON, ADSE_ENERGY_REPORT_JSON}};
    for (int k = 0; k < 4; k++) {
        f = mem_open(&o->text[energy[k].slot], &len);
        assert_int_equal(adse_report_energy(f, energy[k].fmt, spec, NULL, &e), ADSE_OK);
        fclose(f);
    }
    adse_spec_free(spec);

    /* a small search with the mapper */
    adse_search_spec *ss = NULL;
    assert_adse_ok(
        adse_search_spec_load_string(SEARCH_SPEC, "spec.yaml", testutil_path(SEED_DIR), &ss, &e),
        &e, "spec load failed");
    adse_search_options so;
    adse_search_options_init(&so);
    so.threads = 2;
    adse_search *s = NULL;
    assert_int_equal(adse_search_create(ss, &so, &s, &e), ADSE_OK);
    assert_int_equal(adse_search_run(s, &e), ADSE_OK);
    const adse_search_design *best = adse_search_best(s);
    assert_non_null(best);
    o->best_loss = best->loss;
    memcpy(o->best_genes, best->genes, sizeof o->best_genes);
    f = mem_open(&o->text[O_CSV], &len);
    assert_int_equal(adse_report_search_history_csv(f, s), ADSE_OK);
    fclose(f);
    f = mem_open(&o->text[O_MD], &len);
    assert_int_equal(adse_report_search_md(f, s, "convergence.svg"), ADSE_OK);
    fclose(f);
    f = mem_open(&o->text[O_SVG], &len);
    assert_int_equal(adse_report_search_svg(f, s), ADSE_OK);
    fclose(f);
    f = mem_open(&o->text[O_SEARCH_JSON], &len);
    assert_int_equal(adse_report_search_json(f, s), ADSE_OK);
    fclose(f);
    f = mem_open(&o->text[O_CHECKPOINT], &len);
    assert_int_equal(adse_search_checkpoint_save(s, f, &e), ADSE_OK);
    fclose(f);
    adse_arch a;
    assert_int_equal(adse_search_design_arch(s, best->genes, &a, &e), ADSE_OK);
    f = mem_open(&o->text[O_ARCH_YAML], &len);
    assert_int_equal(adse_spec_write_arch_yaml(f, adse_search_layer_spec(s, 0), &a, &e), ADSE_OK);
    fclose(f);
    adse_search_free(s);
    adse_search_spec_free(ss);
}

static void outputs_free(outputs *o)
{
    for (int k = 0; k < O_COUNT; k++)
        free(o->text[k]);
}

static double json_number_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_number(v)) {
        print_error("JSON member '%s' is not a number\n", key);
        fail();
    }
    return json_number_value(v);
}

/* want and got are the same text, but for the digits of report.md's "Run: ... s on"
 * line (a timing); prints the first line that differs. */
static void expect_same_text(const char *what, const char *want, const char *got)
{
    for (int line = 1;; line++) {
        size_t nw = strcspn(want, "\n"), ng = strcspn(got, "\n");
        bool timing = strncmp(want, "Run: ", 5) == 0;
        bool same = nw == ng;
        for (size_t i = 0; same && i < nw; i++)
            same = want[i] == got[i] ||
                   (timing && want[i] >= '0' && want[i] <= '9' && got[i] >= '0' && got[i] <= '9');
        if (!same) {
            print_error("%s, line %d, differs under the comma locale:\n  C:     %.*s\n  comma: "
                        "%.*s\n",
                        what, line, (int)nw, want, (int)ng, got);
            fail();
        }
        if (!want[nw]) break;
        want += nw + 1;
        got += ng + 1;
    }
}

static void test_outputs(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C");
    outputs c;
    produce(&c);
    if (!use_comma_locale()) {
        outputs_free(&c);
        skip();
    }
    outputs d;
    produce(&d);

    /* Timeloop master's figures for this mapping (timeloop-master-model.stats.txt) */
    assert_int_equal(d.result.cycles, 516096);
    assert_double_rel(d.result.energy_pj / 1e6, 910.04, 0.006 / 910.04, "energy uJ");
    assert_true(d.result.energy_pj == c.result.energy_pj);

    for (int k = 0; k < O_COMPARED; k++)
        expect_same_text(out_names[k], c.text[k], d.text[k]);

    /* jansson (locale-aware itself) reads the comma-locale JSON back to the same doubles */
    json_t *j = json_parse_ok(d.text[O_MODEL_JSON]);
    assert_true(json_integer_value(json_object_get(j, "cycles")) == 516096);
    assert_true(json_number_at(j, "energy_pj") == d.result.energy_pj);
    assert_true(json_number_at(j, "utilization") == d.result.utilization);
    assert_true(json_number_at(j, "area_um2") == d.result.area_um2);
    json_t *levels = json_object_get(j, "levels");
    assert_true(json_array_size(levels) >= 4);
    for (size_t i = 0; i < json_array_size(levels); i++)
        assert_true(json_number_at(json_array_get(levels, i), "energy_pj") ==
                    d.result.levels[i].energy_pj);
    json_decref(j);
    j = json_parse_ok(d.text[O_SEARCH_JSON]);
    assert_true(json_number_at(json_object_get(j, "best"), "loss") == c.best_loss);
    json_decref(j);
    j = json_parse_ok(d.text[O_ENERGY_JSON]);
    json_decref(j);
    assert_true(d.best_loss == c.best_loss);

    /* the comma-locale checkpoint restores the same search state */
    adse_search_spec *ss = NULL;
    adse_err e;
    assert_int_equal(
        adse_search_spec_load_string(SEARCH_SPEC, "spec.yaml", testutil_path(SEED_DIR), &ss, &e),
        ADSE_OK);
    adse_search_options so;
    adse_search_options_init(&so);
    adse_search *s = NULL;
    assert_int_equal(adse_search_create(ss, &so, &s, &e), ADSE_OK);
    FILE *f = fmemopen(d.text[O_CHECKPOINT], strlen(d.text[O_CHECKPOINT]), "r");
    assert_int_equal(adse_search_checkpoint_load(s, f, &e), ADSE_OK);
    fclose(f);
    const adse_search_design *best = adse_search_best(s);
    assert_non_null(best);
    assert_true(best->loss == c.best_loss);
    assert_memory_equal(best->genes, c.best_genes, sizeof c.best_genes);
    char *buf = NULL;
    size_t len = 0;
    f = mem_open(&buf, &len);
    assert_int_equal(adse_report_search_history_csv(f, s), ADSE_OK);
    fclose(f);
    assert_string_equal(buf, c.text[O_CSV]);
    free(buf);
    adse_search_free(s);
    adse_search_spec_free(ss);

    setlocale(LC_ALL, "C");
    outputs_free(&c);
    outputs_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numtext),
        cmocka_unit_test(test_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
