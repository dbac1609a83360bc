/*
 * `adse map` run as a program (ADSE_CLI_PATH) on the seed experiment
 * (tests/data/seed-experiment/original: arch, prob.yaml, constraints/, mapper.yaml,
 * ERT.yaml, ART.yaml): exit 0 and the summary line plus statistics, the -o files, the
 * written map.yaml re-evaluated by `adse model` to the same cycles and energy, --json
 * (search.optimal true, cycles <= Timeloop's 516096, energy <= Timeloop master's 910.04 uJ;
 * adse finds Timeloop's mapping itself, written byte for byte as Timeloop's map.yaml),
 * flags, help, usage errors and the no-valid-mapping case.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED "seed-experiment/original"
#define CASE00 "timeloop-golden/random-mappings/case00_archA"
#define CASE13 "timeloop-golden/random-mappings/case13_archB"

/* The seed's input files as shell words. */
static const char *seed_inputs(void)
{
    static char buf[4096];
    static const char *rel[] = {SEED "/arch/eyeriss_like.yaml",
                                SEED "/prob.yaml",
                                SEED "/constraints/eyeriss_like_arch_constraints.yaml",
                                SEED "/constraints/eyeriss_like_map_constraints.yaml",
                                SEED "/mapper.yaml",
                                SEED "/ERT.yaml",
                                SEED "/ART.yaml"};
    size_t n = 0;
    for (size_t k = 0; k < sizeof rel / sizeof *rel; k++) {
        char p[1024];
        testutil_data(rel[k], p, sizeof p);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s'%s'", k ? " " : "", p);
    }
    return buf;
}

/* "Cycles = N" of a summary line. */
static unsigned long long summary_cycles(const char *out)
{
    const char *c = strstr(out, "| Cycles = ");
    assert_non_null(c);
    return strtoull(c + strlen("| Cycles = "), NULL, 10);
}

static void test_seed_summary_and_files(void **state)
{
    (void)state;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/out", testutil_tmp);
    testutil_run r = testutil_cli(testutil_tmp, "map -o '%s' %s", dir, seed_inputs());
    assert_run_status(&r, 0);
    assert_true(strncmp(r.out, "Utilization = ", 14) == 0);
    assert_non_null(strstr(r.out, "| pJ/Compute = "));
    assert_true(summary_cycles(r.out) <= 516096);
    assert_non_null(strstr(r.out, "\nMapspace: "));
    assert_non_null(strstr(r.out, "\nOptimal: yes"));
    assert_string_equal(r.err, "");
    char first_line[256];
    size_t len = strcspn(r.out, "\n");
    assert_true(len < sizeof first_line);
    memcpy(first_line, r.out, len);
    first_line[len] = 0;
    testutil_run_free(&r);

    /* Timeloop's best mapping is the optimum here: the written map.yaml is Timeloop's. */
    char yaml_path[600];
    snprintf(yaml_path, sizeof yaml_path, "%s/adse-map.map.yaml", dir);
    char *got = testutil_read_file(yaml_path);
    char want_path[1024];
    testutil_data(SEED "/timeloop-mapper-out/timeloop-mapper.map.yaml", want_path,
                  sizeof want_path);
    char *want = testutil_read_file(want_path);
    assert_non_null(got);
    assert_non_null(want);
    assert_string_equal(got, want);
    free(got);
    free(want);

    static const char *names[] = {"adse-map.map.yaml", "adse-map.stats.txt", "adse-map.map.txt"};
    for (int k = 0; k < 3; k++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        char *text = testutil_read_file(path);
        if (!text) fail_msg("%s was not written", path);
        assert_true(strlen(text) > 0);
        free(text);
    }

    /* Round trip: `adse model` on the written map.yaml prints the same summary line. */
    char arch[1024], prob[1024], ert[1024], art[1024];
    testutil_data(SEED "/arch/eyeriss_like.yaml", arch, sizeof arch);
    testutil_data(SEED "/prob.yaml", prob, sizeof prob);
    testutil_data(SEED "/ERT.yaml", ert, sizeof ert);
    testutil_data(SEED "/ART.yaml", art, sizeof art);
    r = testutil_cli(testutil_tmp, "model '%s' '%s' '%s' '%s' '%s/adse-map.map.yaml'", arch, prob,
                     ert, art, dir);
    assert_run_status(&r, 0);
    size_t l2 = strcspn(r.out, "\n");
    r.out[l2] = 0;
    assert_string_equal(r.out, first_line);
    testutil_run_free(&r);

    /* and the same cycles and energy as JSON */
    r = testutil_cli(testutil_tmp, "model --json '%s' '%s' '%s' '%s' '%s/adse-map.map.yaml'", arch,
                     prob, ert, art, dir);
    assert_int_equal(r.status, 0);
    json_t *model = json_parse_ok(r.out);
    testutil_run_free(&r);
    r = testutil_cli(testutil_tmp, "map --json %s", seed_inputs());
    assert_run_status(&r, 0);
    json_t *map = json_parse_ok(r.out);
    assert_int_equal(json_integer_value(json_object_get(map, "cycles")),
                     json_integer_value(json_object_get(model, "cycles")));
    assert_true(json_number_value(json_object_get(map, "energy_pj")) ==
                json_number_value(json_object_get(model, "energy_pj")));
    json_decref(model);
    json_decref(map);
    testutil_run_free(&r);
}

static void test_seed_json(void **state)
{
    (void)state;
    testutil_run r = testutil_cli(testutil_tmp, "map --json --threads 2 %s", seed_inputs());
    assert_run_status(&r, 0);
    json_t *root = json_parse_ok(r.out);
    json_t *cycles = json_object_get(root, "cycles");
    assert_true(json_is_integer(cycles));
    assert_true(json_integer_value(cycles) <= 516096);
    /* Timeloop master prints 910.04 uJ (10495.98 fJ/compute) for its best mapping: any value
     * that prints so is at most 910.045e6 pJ. */
    assert_true(json_number_value(json_object_get(root, "energy_pj")) <= 910.045e6);
    assert_true(json_is_array(json_object_get(root, "levels")));

    json_t *search = json_object_get(root, "search");
    assert_true(json_is_object(search));
    assert_true(json_is_true(json_object_get(search, "optimal")));
    assert_true(json_is_number(json_object_get(search, "mapspace_size")));
    assert_true(json_is_integer(json_object_get(search, "evaluated")));
    assert_true(json_integer_value(json_object_get(search, "evaluated")) > 0);
    assert_true(json_is_number(json_object_get(search, "seconds")));
    assert_int_equal(json_integer_value(json_object_get(search, "threads")), 2);

    /* "mapping": 6 datatype directives, then per level spatial (if any) + temporal */
    json_t *mapping = json_object_get(root, "mapping");
    assert_true(json_is_array(mapping));
    assert_true(json_array_size(mapping) >= 12);
    json_t *first = json_array_get(mapping, 0);
    assert_string_equal(json_string_value(json_object_get(first, "target")), "psum_spad");
    assert_string_equal(json_string_value(json_object_get(first, "type")), "datatype");
    json_t *keep = json_object_get(first, "keep");
    assert_true(json_is_array(keep));
    assert_string_equal(json_string_value(json_array_get(keep, 0)), "Outputs");
    json_t *last = json_array_get(mapping, json_array_size(mapping) - 1);
    assert_string_equal(json_string_value(json_object_get(last, "target")), "DRAM");
    assert_string_equal(json_string_value(json_object_get(last, "type")), "temporal");
    assert_int_equal(strlen(json_string_value(json_object_get(last, "permutation"))), 7);
    json_decref(root);
    testutil_run_free(&r);
}

static void test_no_valid_mapping(void **state)
{
    (void)state;
    /* No loop at DRAM (R, S, P are 1 already): the whole layer would have to fit on chip. */
    char bad[512];
    snprintf(bad, sizeof bad, "%s/impossible.yaml", testutil_tmp);
    testutil_write(bad, "%s",
                   "constraints:\n"
                   "  - {target: DRAM, type: temporal, factors: C=1 M=1 N=1 Q=1}\n");
    testutil_run r = testutil_cli(testutil_tmp, "map %s '%s'", seed_inputs(), bad);
    assert_run_status(&r, 1);
    assert_true(strncmp(r.err, "adse: no valid mapping", 22) == 0);
    assert_string_equal(r.out, "");
    testutil_run_free(&r);
}

/* A time limit on a large mapspace (golden random case 00's problem on architecture B,
 * case 13's files, without constraints: 2.1e29 mappings, proven in about 10 s on two cores,
 * docs/mapper.md section 7; on architecture A it is proven in 0.3 s): the best mapping
 * found, "not proven" and a lower bound; the mapping key of the input is ignored. */
static void test_time_limit(void **state)
{
    (void)state;
    char arch[1024], in[1024], ert[1024], art[1024];
    testutil_data(CASE13 "/arch.yaml", arch, sizeof arch);
    testutil_data(CASE00 "/prob_map.yaml", in, sizeof in);
    testutil_data(CASE13 "/ert.yaml", ert, sizeof ert);
    testutil_data(CASE13 "/art.yaml", art, sizeof art);
    testutil_run r = testutil_cli(
        testutil_tmp, "map --time-limit 0.5 --threads 2 '%s' '%s' '%s' '%s'", arch, in, ert, art);
    assert_run_status(&r, 0);
    assert_true(strncmp(r.out, "Utilization = ", 14) == 0);
    assert_non_null(
        strstr(r.out, "\nOptimal: not proven (time limit reached); lower bound of edp: "));
    assert_non_null(strstr(r.out, "; best found "));
    assert_non_null(strstr(r.out, ", gap "));
    testutil_run_free(&r);

    r = testutil_cli(testutil_tmp, "map --json --time-limit=0.5 '%s' '%s' '%s' '%s'", arch, in, ert,
                     art);
    assert_run_status(&r, 0);
    json_t *root = json_parse_ok(r.out);
    json_t *search = json_object_get(root, "search");
    assert_true(json_is_false(json_object_get(search, "optimal")));
    assert_true(json_is_number(json_object_get(search, "lower_bound")));
    assert_true(json_number_value(json_object_get(search, "lower_bound")) <=
                json_number_value(json_object_get(root, "edp")) * (1 + 1e-9));
    /* The best found is the mapping printed; the gap is (best - bound) / best. */
    double best = json_number_value(json_object_get(search, "best_value"));
    double lb = json_number_value(json_object_get(search, "lower_bound"));
    double edp = json_number_value(json_object_get(root, "edp"));
    assert_true(fabs(best - edp) <= 1e-9 * edp);
    assert_true(fabs(json_number_value(json_object_get(search, "gap")) - (best - lb) / best) <=
                1e-9);
    json_decref(root);
    testutil_run_free(&r);
}

/* The first line of `adse map ... EXTRA` on the seed's inputs (constrained), run on one
 * thread; stderr must hold err_has. */
static void seed_line(const char *extra, const char *err_has, char *line, size_t size)
{
    testutil_run r = testutil_cli(testutil_tmp, "map --threads 1 %s %s", seed_inputs(), extra);
    assert_run_status(&r, 0);
    if (err_has && !strstr(r.err, err_has)) fail_msg("stderr lacks '%s': %s", err_has, r.err);
    size_t len = strcspn(r.out, "\n");
    assert_true(len < size);
    memcpy(line, r.out, len);
    line[len] = 0;
    testutil_run_free(&r);
}

/* `adse map --warm-start` on the seed's inputs and the mapping text (written to NAME under
 * the test directory): stderr holds err_has and the first line is `plain`. */
static void warm_same(const char *name, const char *text, const char *err_has, const char *plain)
{
    char path[600], arg[700], line[256];
    snprintf(path, sizeof path, "%s/%s", testutil_tmp, name);
    testutil_write(path, "%s", text);
    snprintf(arg, sizeof arg, "--warm-start '%s'", path);
    seed_line(arg, err_has, line, sizeof line);
    assert_string_equal(line, plain);
}

/* --warm-start: the files' mapping seeds the search. Timeloop's map.yaml of the seed (its
 * mapping the constrained optimum): the same result as without it. On the unconstrained
 * space (2.4e38 mappings) with a limit of 1 ms the result is never worse than that mapping
 * (516,096 cycles, Timeloop master's 910.04 uJ): it is taken though its innermost level
 * lists its loops in Timeloop's order, not the search's canonical one. A mapping outside the
 * constraints (the DRAM order swapped) or not valid (the global buffer's tile over its
 * capacity) is reported on stderr and the search runs without it; no mapping key, or a
 * network, is an error. */
static void test_warm_start(void **state)
{
    (void)state;
    char tl_map[1024], plain[256];
    testutil_data(SEED "/timeloop-mapper-out/timeloop-mapper.map.yaml", tl_map, sizeof tl_map);
    char *text = testutil_read_file(tl_map);
    assert_non_null(text);
    seed_line("", NULL, plain, sizeof plain);
    warm_same("timeloop.map.yaml", text,
              "adse: note: --warm-start: starting from the mapping: Utilization = 1.00 | "
              "pJ/Compute =   10.496 | Cycles = 516096",
              plain);

    const char *rel[] = {SEED "/arch/eyeriss_like.yaml", SEED "/prob.yaml", SEED "/mapper.yaml",
                         SEED "/ERT.yaml", SEED "/ART.yaml"};
    char open_in[5][1024];
    for (int k = 0; k < 5; k++)
        testutil_data(rel[k], open_in[k], sizeof open_in[k]);
    testutil_run r =
        testutil_cli(testutil_tmp,
                     "map --json --threads 1 --time-limit 0.001 --warm-start '%s' '%s' '%s' '%s' "
                     "'%s' '%s'",
                     open_in[0], open_in[1], open_in[2], open_in[3], open_in[4], tl_map);
    assert_run_status(&r, 0);
    assert_non_null(strstr(r.err, "starting from the mapping"));
    json_t *root = json_parse_ok(r.out);
    json_int_t cycles = json_integer_value(json_object_get(root, "cycles"));
    double energy = json_number_value(json_object_get(root, "energy_pj"));
    assert_true(cycles < 516096 || (cycles == 516096 && energy <= 910.04e6 * (1 + 1e-5)));
    json_decref(root);
    testutil_run_free(&r);

    /* outside the constraints (DRAM's permutation is constrained to M inside Q) */
    char *p = strstr(text, "permutation: MQCRSNP");
    assert_non_null(p);
    memcpy(p + strlen("permutation: "), "QM", 2);
    warm_same("outside.map.yaml", text,
              "--warm-start: the mapping lies outside the constrained mapspace; searching "
              "without it",
              plain);
    memcpy(p + strlen("permutation: "), "MQ", 2);

    /* not valid: the global buffer's loops over P take Q = 32 from DRAM too */
    char *g = strstr(text, "factors: C1 M1 R1 S1 N1 P224 Q1");
    char *d = strstr(text, "factors: C1 M2 R1 S1 N1 P1 Q32");
    assert_true(g && d);
    char *bad = malloc(strlen(text) + 8);
    assert_non_null(bad);
    snprintf(bad, strlen(text) + 8,
             "%.*sfactors: C1 M1 R1 S1 N1 P224 Q32%.*sfactors: C1 M2 R1 S1 "
             "N1 P1 Q1%s",
             (int)(g - text), text, (int)(d - g - strlen("factors: C1 M1 R1 S1 N1 P224 Q1")),
             g + strlen("factors: C1 M1 R1 S1 N1 P224 Q1"),
             d + strlen("factors: C1 M2 R1 S1 N1 P1 Q32"));
    warm_same("invalid.map.yaml", bad,
              "--warm-start: the mapping is not valid here (mapped tile size 1758860 exceeds "
              "'shared_glb' capacity 65536); searching without it",
              plain);
    free(bad);
    free(text);

    expect_cli(1, NULL, "--warm-start: no 'mapping' key among the files", "map --warm-start %s",
               seed_inputs());
    expect_cli(2, NULL, "--warm-start takes one problem's mapping, not a network",
               "map --warm-start %s '%s'", seed_inputs(), testutil_path("onnx/alexnet.onnx"));
}

static void test_help_and_usage(void **state)
{
    (void)state;
    testutil_run r = testutil_cli(testutil_tmp, "help map");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: adse map"));
    assert_non_null(strstr(r.out, "--time-limit"));
    testutil_run_free(&r);
    r = testutil_cli(testutil_tmp, "--help");
    assert_non_null(strstr(r.out, "   map "));
    testutil_run_free(&r);

    static const char *bad[] = {"map",
                                "map --threads x.yaml",
                                "map --threads=-1 x.yaml",
                                "map --threads=abc x.yaml",
                                "map --time-limit=-2 x.yaml",
                                "map --time-limit nan x.yaml",
                                "map --frobnicate x.yaml",
                                "map x.yaml -o"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        testutil_expect_usage_error(bad[k]);

    /* no problem: exit 1 naming it */
    char arch[1024];
    testutil_data(SEED "/arch/eyeriss_like.yaml", arch, sizeof arch);
    expect_cli(1, NULL, "missing 'problem'", "map '%s'", arch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_usage), cmocka_unit_test(test_seed_summary_and_files),
        cmocka_unit_test(test_seed_json),      cmocka_unit_test(test_no_valid_mapping),
        cmocka_unit_test(test_time_limit),     cmocka_unit_test(test_warm_start),
    };
    return cmocka_run_group_tests(tests, testutil_tmp_setup, testutil_tmp_teardown);
}
