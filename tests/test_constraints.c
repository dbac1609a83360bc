/* Mapspace constraints and mapper settings (src/input/constraints_yaml.c) and the map.yaml
 * writer (src/report/map_yaml.c):
 *   - the seed experiment's constraint files and mapper.yaml, field by field, with the
 *     expected values spelled as in the YAML text;
 *   - every exercise's parsed-processed-input.yaml loads, with spot checks;
 *   - error cases with their messages and positions;
 *   - map.yaml: every golden timeloop-mapper.map.yaml written back byte for byte, the
 *     round trip (re-read mapping identical, same model numbers), a hand-written case;
 *   - the `adse map --json` document on a hand-made mapper result. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"

/* ---- helpers ------------------------------------------------------------------------- */

static int level_id(const adse_spec *s, const char *name)
{
    int i = adse_arch_level_id(&s->arch, name);
    if (i < 0) {
        print_error("no level '%s'\n", name);
        fail();
    }
    return i;
}

/* Checks every dimension of a tiling constraint against the YAML factors text `eq`
 * ("N=1 P=1 S=0": X=0 is ADSE_FACTOR_REST; unlisted dimensions are free), no max/min
 * bounds, the permutation `perm` (NULL = none; '_' separates the suffix) and the split. */
static void check_tiling(const adse_tiling_constraint *t, const adse_problem *p, const char *eq,
                         const char *perm, int split, const char *what)
{
    uint64_t want[ADSE_MAX_DIMS] = {0};
    for (const char *c = eq; *c;) {
        if (*c == ' ') {
            c++;
            continue;
        }
        int x = adse_problem_dim_id(p, c[0]);
        assert_true(x >= 0 && c[1] == '=');
        char *end;
        unsigned long long v = strtoull(c + 2, &end, 10);
        want[x] = v == 0 ? ADSE_FACTOR_REST : v;
        c = end;
    }
    for (int x = 0; x < p->n_dims; x++) {
        if (t->factor_eq[x] != want[x] || t->factor_max[x] != 0 || t->factor_min[x] != 0) {
            print_error("%s: dimension %c: eq %llu max %llu min %llu, wanted eq %llu\n", what,
                        p->dim_names[x], (unsigned long long)t->factor_eq[x],
                        (unsigned long long)t->factor_max[x], (unsigned long long)t->factor_min[x],
                        (unsigned long long)want[x]);
            fail();
        }
    }
    assert_int_equal(t->default_max_factor, 0);
    assert_int_equal(t->default_min_factor, 0);
    assert_int_equal(t->split, split);
    if (!perm) {
        assert_false(t->has_permutation);
        assert_int_equal(t->n_prefix + t->n_suffix, 0);
        return;
    }
    assert_true(t->has_permutation);
    char got[2 * ADSE_MAX_DIMS + 2];
    int n = 0;
    for (int k = 0; k < t->n_prefix; k++)
        got[n++] = p->dim_names[t->prefix[k]];
    if (t->n_suffix) got[n++] = '_';
    for (int k = 0; k < t->n_suffix; k++)
        got[n++] = p->dim_names[t->suffix[k]];
    got[n] = 0;
    if (strcmp(got, perm) != 0) {
        print_error("%s: permutation %s, wanted %s\n", what, got, perm);
        fail();
    }
}

/* keep/bypass of data space ds at a level: 'K' fixed keep, 'B' fixed bypass, '-' free. */
static char keep_state(const adse_constraints *c, int d, int level)
{
    if (!(c->keep_fixed[d] & (1u << level))) return '-';
    return (c->keep_value[d] & (1u << level)) ? 'K' : 'B';
}

/* ---- the seed experiment --------------------------------------------------------------- */

static void test_seed_constraints(void **state)
{
    (void)state;
    const char *files[] = {
        testutil_path("seed-experiment/original/arch/eyeriss_like.yaml"),
        testutil_path("seed-experiment/original/prob.yaml"),
        testutil_path("seed-experiment/original/constraints/eyeriss_like_arch_constraints.yaml"),
        testutil_path("seed-experiment/original/constraints/eyeriss_like_map_constraints.yaml"),
        testutil_path("seed-experiment/original/mapper.yaml")};
    adse_spec *s = testutil_load_files_ok(files, 5, testutil_fallback_options());
    assert_true(s->has_constraints);
    assert_true(s->has_mapper);
    const adse_constraints *c = &s->constraints;
    const adse_problem *p = &s->problem;
    assert_int_equal(c->n_levels, s->arch.n_levels);
    assert_int_equal(c->n_dims, 7);
    assert_int_equal(c->n_ds, 3);
    int psum = level_id(s, "psum_spad"), wspad = level_id(s, "weights_spad"),
        ifmap = level_id(s, "ifmap_spad"), dummy = level_id(s, "DummyBuffer"),
        glb = level_id(s, "shared_glb"), dram = level_id(s, "DRAM");
    int W = adse_problem_ds_id(p, "Weights"), I = adse_problem_ds_id(p, "Inputs"),
        O = adse_problem_ds_id(p, "Outputs");

    /* architecture_constraints, bypass entries */
    assert_int_equal(keep_state(c, O, psum), 'K');
    assert_int_equal(keep_state(c, I, psum), 'B');
    assert_int_equal(keep_state(c, W, psum), 'B');
    assert_int_equal(keep_state(c, W, wspad), 'K');
    assert_int_equal(keep_state(c, I, wspad), 'B');
    assert_int_equal(keep_state(c, O, wspad), 'B');
    assert_int_equal(keep_state(c, I, ifmap), 'K');
    assert_int_equal(keep_state(c, W, ifmap), 'B');
    assert_int_equal(keep_state(c, O, ifmap), 'B');
    assert_int_equal(keep_state(c, I, dummy), 'B');
    assert_int_equal(keep_state(c, O, dummy), 'B');
    assert_int_equal(keep_state(c, W, dummy), 'B');
    assert_int_equal(keep_state(c, W, glb), 'B');
    assert_int_equal(keep_state(c, I, glb), 'K');
    assert_int_equal(keep_state(c, O, glb), 'K');
    for (int d = 0; d < 3; d++)
        assert_int_equal(keep_state(c, d, dram), '-');

    /* spatial entries: "NPQR SCM" is one prefix (Timeloop skips the space) */
    check_tiling(&c->spatial[dummy], p, "N=1 P=1 Q=1 R=1 S=0", "NPQRSCM", 4, "DummyBuffer spatial");
    check_tiling(&c->spatial[glb], p, "N=1 C=1 P=1 R=1 S=1", "NCPRSQM", 7, "shared_glb spatial");
    /* temporal entries of both files */
    check_tiling(&c->temporal[psum], p, "N=1 C=1 R=1 S=1 P=1 Q=1", "NCPQRSM", -1, "psum temporal");
    check_tiling(&c->temporal[wspad], p, "N=1 M=1 P=1 Q=1 S=1 R=0", "NMPQSCR", -1,
                 "weights temporal");
    check_tiling(&c->temporal[ifmap], p, "N=1 M=1 C=1 P=1 Q=1 R=1 S=1", "NMCPQRS", -1,
                 "ifmap temporal");
    check_tiling(&c->temporal[dummy], p, "N=1 M=1 C=1 P=1 Q=1 R=1 S=1", "NMCPQRS", -1,
                 "DummyBuffer temporal");
    check_tiling(&c->temporal[glb], p, "Q=1 R=1 S=1 P=0", "QRSCPNM", -1, "shared_glb temporal");
    check_tiling(&c->temporal[dram], p, "R=1 S=1 P=1", "RSPCMNQ", -1, "DRAM temporal");
    /* levels without a spatial fanout or entry stay free */
    check_tiling(&c->spatial[psum], p, "", NULL, -1, "psum spatial");
    check_tiling(&c->spatial[dram], p, "", NULL, -1, "DRAM spatial");
    assert_true(c->min_parallelism == 0.0);

    /* mapper.yaml: optimization-metrics: [ delay, energy ], num-threads: 8, the rest ignored */
    assert_int_equal(s->mapper.n_metrics, 2);
    assert_int_equal(s->mapper.metrics[0], ADSE_METRIC_DELAY);
    assert_int_equal(s->mapper.metrics[1], ADSE_METRIC_ENERGY);
    assert_int_equal(s->mapper.threads, 8);
    assert_true(s->mapper.time_limit_s == 0.0);
    adse_spec_free(s);
}

/* constraints-noQX-arch.yaml differs only in Q=1 at the shared_glb spatial level; with both
 * arch files the identical entries merge, the extra Q=1 is added. */
static void test_seed_noqx_and_merge(void **state)
{
    (void)state;
    const char *files[] = {testutil_path("seed-experiment/original/arch/eyeriss_like.yaml"),
                           testutil_path("seed-experiment/original/prob.yaml"),
                           testutil_path("seed-experiment/original/constraints-noQX-arch.yaml")};
    adse_spec *s = testutil_load_files_ok(files, 3, testutil_fallback_options());
    int glb = level_id(s, "shared_glb");
    check_tiling(&s->constraints.spatial[glb], &s->problem, "N=1 C=1 P=1 R=1 S=1 Q=1", "NCPRSQM", 7,
                 "noQX shared_glb spatial");
    assert_false(s->has_mapper);
    assert_int_equal(s->mapper.n_metrics, 1);
    assert_int_equal(s->mapper.metrics[0], ADSE_METRIC_EDP);
    assert_int_equal(s->mapper.threads, 0);
    adse_spec_free(s);

    /* The same architecture constraints as architecture_constraints and arch_constraints:
     * identical values are not a conflict. */
    char *text =
        testutil_read_file(testutil_path("seed-experiment/original/constraints-noQX-arch.yaml"));
    assert_non_null(text);
    char *alias = malloc(strlen(text) + 1);
    assert_non_null(alias);
    const char *from = strstr(text, "architecture_constraints:");
    assert_non_null(from);
    size_t off = (size_t)(from - text);
    memcpy(alias, text, off);
    strcpy(alias + off, "arch_constraints:");
    strcat(alias, from + strlen("architecture_constraints:"));
    char *arch =
        testutil_read_file(testutil_path("seed-experiment/original/arch/eyeriss_like.yaml"));
    char *prob = testutil_read_file(testutil_path("seed-experiment/original/prob.yaml"));
    const char *texts[] = {arch, prob, text, alias};
    const char *names[] = {"arch.yaml", "prob.yaml", "a.yaml", "b.yaml"};
    s = testutil_load_strings_ok(texts, names, 4, testutil_fallback_options());
    check_tiling(&s->constraints.spatial[glb], &s->problem, "N=1 C=1 P=1 R=1 S=1 Q=1", "NCPRSQM", 7,
                 "merged shared_glb spatial");
    adse_spec_free(s);
    free(text);
    free(alias);
    free(arch);
    free(prob);
}

/* ---- every exercise input ---------------------------------------------------------------- */

static void test_exercises_load(void **state)
{
    (void)state;
    const char *dir = testutil_path("timeloop-golden/exercises-refs");
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s/parsed-processed-input.yaml", dir, e->d_name);
        const char *files[] = {path};
        adse_spec *s = testutil_load_files_ok(files, 1, testutil_fallback_options());
        assert_true(s->has_constraints);
        assert_true(s->has_mapper);
        assert_true(s->mapper.n_metrics >= 1);
        if (strstr(e->d_name, "06-mapper-convlayer-eyeriss")) {
            /* optimization_metric: [] beside optimization_metrics: [delay, energy] */
            assert_int_equal(s->mapper.n_metrics, 2);
            assert_int_equal(s->mapper.metrics[0], ADSE_METRIC_DELAY);
            assert_int_equal(s->mapper.metrics[1], ADSE_METRIC_ENERGY);
            assert_int_equal(s->mapper.threads, 8);
            int dram = level_id(s, "DRAM");
            check_tiling(&s->constraints.temporal[dram], &s->problem, "", "N", -1, "DRAM");
            int col = level_id(s, "inter_PE_column_spatial");
            check_tiling(&s->constraints.spatial[col], &s->problem, "N=1 C=1 P=1 R=1 S=1",
                         "NCPRSQM", 7, "inter_PE_column_spatial spatial");
        }
        if (strstr(e->d_name, "eyeriss_like__ref")) {
            /* split: 999 is every loop X */
            int col = level_id(s, "inter_PE_column_spatial");
            assert_int_equal(s->constraints.spatial[col].split, s->problem.n_dims);
            assert_int_equal(s->mapper.metrics[0], ADSE_METRIC_EDP);
            assert_int_equal(s->mapper.threads, 4);
        }
        if (strstr(e->d_name, "05-mapper-conv1d+oc-3level__ref-output__baked")) {
            /* optimization_metric: [delay, energy] (a list under the singular key) */
            assert_int_equal(s->mapper.n_metrics, 2);
            assert_int_equal(s->mapper.metrics[0], ADSE_METRIC_DELAY);
            assert_int_equal(s->mapper.metrics[1], ADSE_METRIC_ENERGY);
            assert_int_equal(s->mapper.threads, 1);
            int glb = level_id(s, "GlobalBuffer");
            check_tiling(&s->constraints.temporal[glb], &s->problem, "R=1 P=16 K=16", "PRK", -1,
                         "GlobalBuffer temporal");
            for (int k = 0; k < s->problem.n_ds; k++)
                assert_int_equal(keep_state(&s->constraints, k, glb), 'K');
        }
        adse_spec_free(s);
        n++;
    }
    closedir(d);
    assert_int_equal(n, 19);
}

/* ---- syntax variants and errors ------------------------------------------------------- */

static const char *const PROB = "problem:\n"
                                "  shape:\n"
                                "    name: mm\n"
                                "    dimensions: [M, K, N]\n"
                                "    data_spaces:\n"
                                "      - {name: A, projection: [M, K]}\n"
                                "      - {name: B, projection: [K, N]}\n"
                                "      - {name: Z, projection: [M, N], read_write: true}\n"
                                "  instance: {M: 8, K: 4, N: 6}\n";

/* tiny_arch.yaml (spad = level 0 without fanout, DRAM = level 1 fanning out 4x1) + PROB +
 * text as "c.yaml". */
static adse_status load_c(const char *text, adse_spec **out, adse_err *e)
{
    char *arch = testutil_read_file(testutil_path("spec/tiny_arch.yaml"));
    assert_non_null(arch);
    const char *texts[] = {arch, PROB, text};
    const char *names[] = {"arch.yaml", "prob.yaml", "c.yaml"};
    adse_status st =
        adse_spec_load_strings_opts(texts, names, 3, testutil_fallback_options(), out, e);
    free(arch);
    return st;
}

static adse_spec *load_c_ok(const char *text)
{
    adse_spec *s = NULL;
    adse_err e;
    assert_adse_ok(load_c(text, &s, &e), &e, "load failed");
    return s;
}

static int n_mismatches;

/* Records a mismatch (all are printed; test_errors fails at the end if any). */
static void expect_c_error(const char *text, int line, int column, const char *msg)
{
    adse_spec *s = NULL;
    adse_err e;
    adse_err_clear(&e);
    adse_status st = load_c(text, &s, &e);
    char b[1200];
    if (st != ADSE_E_SPEC || strcmp(e.file, "c.yaml") != 0 || e.line != line ||
        e.column != column || strcmp(e.msg, msg) != 0) {
        print_error("got    %s [%s]\nwanted c.yaml:%d:%d: %s\n", adse_err_format(&e, b, sizeof b),
                    adse_status_name(st), line, column, msg);
        if (st == ADSE_OK) adse_spec_free(s);
        n_mismatches++;
    }
}

static void test_syntax_variants(void **state)
{
    (void)state;
    /* bare list, max/min bounds, commas, list forms, '_' suffix, defaults, utilization */
    adse_spec *s =
        load_c_ok("mapspace_constraints:\n"
                  "  - target: DRAM\n"
                  "    type: temporal\n"
                  "    factors: M<=4, K>=2 N6\n"
                  "    permutation: K _ N\n"
                  "    default_max_factor: 8\n"
                  "  - target: 1\n"
                  "    type: spatial\n"
                  "    factors: [M=4, 'K = 1']\n"
                  "    permutation: [K, M]\n"
                  "    split: 1\n"
                  "  - target: spad\n"
                  "    type: utilization\n"
                  "    min: 0.5\n"
                  "  - {target: spad, type: dataspace, keep: [A], bypass: [Z, B]}\n"
                  "  - {target: DRAM, type: max_overbooked_proportion, proportion: 0}\n");
    const adse_constraints *c = &s->constraints;
    const adse_tiling_constraint *t = &c->temporal[1];
    assert_int_equal(t->factor_max[0], 4);
    assert_int_equal(t->factor_min[1], 2);
    assert_int_equal(t->factor_eq[2], 6);
    assert_int_equal(t->factor_eq[0], 0);
    assert_int_equal(t->default_max_factor, 8);
    assert_int_equal(t->n_prefix, 1);
    assert_int_equal(t->prefix[0], 1);
    assert_int_equal(t->n_suffix, 1);
    assert_int_equal(t->suffix[0], 2);
    check_tiling(&c->spatial[1], &s->problem, "M=4 K=1", "KM", 1, "DRAM spatial");
    assert_true(c->min_parallelism == 0.5);
    assert_int_equal(keep_state(c, 0, 0), 'K');
    assert_int_equal(keep_state(c, 1, 0), 'B');
    assert_int_equal(keep_state(c, 2, 0), 'B');
    assert_int_equal(keep_state(c, 0, 1), '-');
    adse_spec_free(s);

    /* {constraints: NAME} indirection, template: uber, factor clamped to the bound */
    s = load_c_ok("mapspace:\n"
                  "  template: uber\n"
                  "  constraints: mine\n"
                  "  constraints_mine:\n"
                  "    - {target: spad, type: temporal, factors: M=64}\n");
    assert_int_equal(s->constraints.temporal[0].factor_eq[0], 8);
    adse_spec_free(s);

    /* template: uber and nothing else: no constraints */
    s = load_c_ok("mapspace: {template: uber, version: 0.4}\n"
                  "constraints: {targets: []}\n");
    assert_true(s->has_constraints);
    adse_constraints free_c;
    adse_constraints_init(&free_c, s->arch.n_levels, 3, 3);
    assert_memory_equal(&s->constraints, &free_c, sizeof free_c);
    adse_spec_free(s);

    /* architecture.constraints */
    char *arch = testutil_read_file(testutil_path("spec/tiny_arch.yaml"));
    assert_non_null(arch);
    char *with = malloc(strlen(arch) + 200);
    assert_non_null(with);
    strcpy(with, arch);
    strcat(with, "  constraints:\n    - {target: DRAM, type: temporal, permutation: NMK}\n");
    const char *texts[] = {with, PROB};
    const char *names[] = {"arch.yaml", "prob.yaml"};
    s = testutil_load_strings_ok(texts, names, 2, testutil_fallback_options());
    assert_true(s->has_constraints);
    check_tiling(&s->constraints.temporal[1], &s->problem, "", "NMK", -1, "arch.constraints");
    adse_spec_free(s);
    free(with);
    free(arch);

    /* mapper: weights, time_limit, num_threads 0, hyphen spellings, log_* ignored */
    s = load_c_ok("mapper:\n"
                  "  weights: {energy: 1, delay: 0.5}\n"
                  "  time-limit: 2.5\n"
                  "  num_threads: 0\n"
                  "  algorithm: linear-pruned\n"
                  "  log-oaves: false\n"
                  "  max_temporal_loops_in_a_mapping: -1\n");
    assert_int_equal(s->mapper.n_metrics, 1);
    assert_int_equal(s->mapper.metrics[0], ADSE_METRIC_WEIGHTED);
    assert_true(s->mapper.weight_energy == 1.0 && s->mapper.weight_delay == 0.5 &&
                s->mapper.weight_edp == 0.0);
    assert_true(s->mapper.time_limit_s == 2.5);
    assert_int_equal(s->mapper.threads, 0);
    adse_spec_free(s);

    s = load_c_ok("mapper: {optimization_metric: last_level_accesses, optimization-metrics: []}\n");
    assert_int_equal(s->mapper.n_metrics, 1);
    assert_int_equal(s->mapper.metrics[0], ADSE_METRIC_LAST_LEVEL_ACCESSES);
    adse_spec_free(s);

    /* constraints without a problem (as for `adse energy`) are not converted */
    char *arch2 = testutil_read_file(testutil_path("spec/tiny_arch.yaml"));
    const char *t2[] = {arch2, "architecture_constraints: [{target: nowhere, type: temporal}]\n"};
    s = testutil_load_strings_ok(t2, names, 2, testutil_fallback_options());
    assert_false(s->has_constraints);
    adse_spec_free(s);
    free(arch2);
}

static void test_errors(void **state)
{
    (void)state;
    expect_c_error("mapspace_constraints:\n  - {target: glb, type: temporal}\n", 2, 14,
                   "unknown target 'glb' (storage levels: spad, DRAM)");
    expect_c_error("mapspace_constraints:\n  - {target: DRAM, type: temporal, factors: M=2 X=1}\n",
                   2, 49,
                   "factor for unknown dimension 'X' in factors 'M=2 X=1' (dimensions: MKN)");
    expect_c_error("mapspace_constraints:\n  - {target: DRAM, type: temporal, factors: M<4}\n", 2,
                   46, "bad operator '<' in factors 'M<4' (use '=', '<=' or '>=')");
    expect_c_error("mapspace_constraints:\n  - {target: DRAM, type: temporal, factors: M=3}\n", 2,
                   45, "factor M=3 does not divide the bound 8 of 'M'");
    expect_c_error("mapspace_constraints:\n  - {target: DRAM, type: temporal, factors: M<=0}\n", 2,
                   45, "factor bound 'M<=0' must be positive");
    expect_c_error("mapspace_constraints:\n"
                   "  - {target: DRAM, type: temporal, factors: M=2 M<=1}\n",
                   2, 49,
                   "contradictory constraints 'M=2' and 'M<=1' on the temporal loops of 'DRAM'");
    expect_c_error("mapspace_constraints:\n"
                   "  - {target: DRAM, type: temporal, factors: M=0 M<=4}\n",
                   2, 49,
                   "contradictory constraints 'M=0' and 'M<=4' on the temporal loops of 'DRAM'");
    expect_c_error("mapspace_constraints:\n"
                   "  - {target: DRAM, type: temporal, factors: M=0}\n"
                   "  - {target: spad, type: temporal, factors: M=0}\n",
                   3, 45,
                   "'M=0' (the rest of the bound) on the temporal loops of 'DRAM' and on the "
                   "temporal loops of 'spad' (the first at line 2, column 45)");
    expect_c_error("mapspace_constraints:\n  - {target: DRAM, type: temporal, permutation: MXK}\n",
                   2, 50, "permutation letter 'X' is not a dimension (dimensions: MKN)");
    expect_c_error(
        "mapspace_constraints:\n  - {target: DRAM, type: temporal, permutation: M_K_N}\n", 2, 52,
        "more than one '_' in permutation 'M_K_N'");
    expect_c_error("mapspace_constraints:\n  - {target: DRAM, type: temporal, permutation: MKM}\n",
                   2, 51, "dimension 'M' appears twice in permutation 'MKM'");
    expect_c_error("mapspace_constraints:\n"
                   "  - {target: spad, type: bypass, keep: [A, Q]}\n",
                   2, 44, "unknown data space 'Q' in keep (data spaces: A, B, Z)");
    expect_c_error("mapspace_constraints:\n"
                   "  - {target: spad, type: bypass, keep: [A], bypass: [A]}\n",
                   2, 54, "data space 'A' both kept and bypassed at 'spad'");
    expect_c_error("mapspace_constraints:\n  - {target: spad, type: utilization, min: 1.5}\n", 2,
                   44, "minimum parallelism 'min' must be in (0, 1], got 1.5");
    expect_c_error("mapspace_constraints:\n  - {target: spad, type: utilization, min: 0}\n", 2, 44,
                   "minimum parallelism 'min' must be in (0, 1], got 0");
    expect_c_error("mapspace_constraints:\n  - {target: DRAM, type: utilization, min: 0.5}\n", 2,
                   14,
                   "parallelism must be constrained at the innermost storage level 'spad', not at "
                   "'DRAM'");
    expect_c_error("mapspace_constraints:\n  - {target: spad, type: spatial, factors: M=1}\n", 2,
                   26, "spatial constraint for 'spad', but it has a fanout of 1");
    expect_c_error("mapspace_constraints:\n  - {target: DRAM, type: temporl}\n", 2, 26,
                   "unknown constraint type 'temporl' (did you mean 'temporal'?)");
    expect_c_error("mapspace_constraints:\n  - {target: DRAM, type: temporal, factor: M=1}\n", 2,
                   36, "unknown key 'factor' in a temporal constraint (did you mean 'factors'?)");
    expect_c_error("mapspace_constraints:\n  - {target: DRAM, type: temporal, split: 1}\n", 2, 36,
                   "unknown key 'split' in a temporal constraint");
    expect_c_error("mapspace_constraints:\n  - {type: temporal}\n", 2, 5,
                   "missing 'target' in constraint");
    expect_c_error("mapspace: {template: ruby}\n", 1, 22,
                   "mapspace template 'ruby' is not supported (adse searches Timeloop's 'uber' "
                   "mapspace; 'ruby' adds imperfect factorizations)");
    expect_c_error("mapspace: {targts: []}\n", 1, 12,
                   "unknown key 'targts' in 'mapspace' (did you mean 'targets'?)");
    expect_c_error("mapspace_constraints:\n  - {target: DRAM, type: temporal, no_reuse: [A]}\n", 2,
                   36,
                   "'no_reuse' in a constraint is not supported by adse's mapper (give it in a "
                   "mapping for 'adse model' instead)");
    /* re-specification across lists: positions of both */
    expect_c_error("architecture_constraints:\n"
                   "  - {target: DRAM, type: temporal, factors: M=2, permutation: MK}\n"
                   "mapspace_constraints:\n"
                   "  - {target: DRAM, type: temporal, factors: M=4}\n",
                   4, 45,
                   "conflicting constraints 'M=2' and 'M=4' on the temporal loops of 'DRAM' (the "
                   "first at line 2, column 45)");
    expect_c_error(
        "architecture_constraints:\n"
        "  - {target: DRAM, type: temporal, permutation: MK}\n"
        "mapspace_constraints:\n"
        "  - {target: DRAM, type: temporal, permutation: KM}\n",
        4, 49,
        "conflicting permutations for the temporal loops of 'DRAM' (the first at line 2, "
        "column 49)");
    expect_c_error(
        "architecture_constraints:\n"
        "  - {target: DRAM, type: spatial, split: 1}\n"
        "  - {target: DRAM, type: spatial, split: 2}\n",
        3, 42,
        "conflicting 'split' values 1 and 2 for the spatial loops of 'DRAM' (the first at "
        "line 2, column 42)");
    expect_c_error("architecture_constraints:\n"
                   "  - {target: spad, type: bypass, keep: [A]}\n"
                   "  - {target: spad, type: bypass, bypass: [A]}\n",
                   3, 43,
                   "conflicting constraints: data space 'A' is bypassed at 'spad' here but kept at "
                   "line 2, column 41");
    /* mapper section */
    expect_c_error("mapper: {optimization_metrics: [edp, acesses]}\n", 1, 38,
                   "unknown optimization metric 'acesses' (edp, energy, delay or "
                   "last_level_accesses)");
    expect_c_error("mapper: {optimization_metrics: [enrgy]}\n", 1, 33,
                   "unknown optimization metric 'enrgy' (did you mean 'energy'?)");
    expect_c_error("mapper: {optimization_metrics: [accesses-DRAM]}\n", 1, 33,
                   "optimization metric 'accesses-DRAM' is not supported by adse (edp, energy, "
                   "delay or last_level_accesses)");
    expect_c_error("mapper: {num_thread: 4}\n", 1, 10,
                   "unknown key 'num_thread' in 'mapper' (did you mean 'num_threads'?)");
    expect_c_error(
        "mapper: {victory-conditon: 4}\n", 1, 10,
        "unknown key 'victory-conditon' in 'mapper' (did you mean 'victory_condition'?)");
    expect_c_error("mapper: {num_threads: -1}\n", 1, 23,
                   "'num_threads' must be an integer from 0 (all cores) to 65536, got '-1'");
    expect_c_error("mapper: {time_limit: -1}\n", 1, 22,
                   "'time_limit' must be a non-negative number of seconds, got -1");
    expect_c_error("mapper: {weights: {energy: 1}, optimization_metrics: [edp]}\n", 1, 10,
                   "'weights' and 'optimization_metrics' both given: the weighted sum is the only "
                   "objective, give one of them");
    expect_c_error("mapper: {weights: {enrgy: 1}}\n", 1, 20,
                   "unknown key 'enrgy' in 'weights' (did you mean 'energy'?)");
    expect_c_error("mapper: {weights: {energy: 0}}\n", 1, 19, "'weights' needs a positive weight");
    expect_c_error("mapper: {optimization_metric: edp, optimization_metrics: [delay]}\n", 1, 10,
                   "'optimization_metric' and 'optimization_metrics' both given with different "
                   "metrics");
    expect_c_error("mapper: {max_temporal_loops_in_a_mapping: 3.5}\n", 1, 43,
                   "'max_temporal_loops_in_a_mapping' must be an integer, got a scalar");
    assert_int_equal(n_mismatches, 0);
}

/* ---- map.yaml writer ------------------------------------------------------------------- */

typedef struct map_case {
    char name[256];
    const char *files[6];
    int n_files; /* the last file is the map.yaml */
} map_case;

static char *write_to_string(const adse_spec *s, const adse_mapping *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(adse_report_write_map_yaml(f, &s->arch, &s->problem, m), ADSE_OK);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void evaluate(const adse_spec *s, const adse_mapping *m, adse_result *r)
{
    adse_model *model = NULL;
    adse_err e;
    assert_int_equal(adse_model_create(&s->arch, &s->problem, NULL, &model, &e), ADSE_OK);
    adse_scratch *sc = adse_scratch_new(model);
    assert_non_null(sc);
    assert_int_equal(adse_model_evaluate(model, m, sc, r, &e), ADSE_OK);
    adse_scratch_free(sc);
    adse_model_free(model);
}

static void check_map_case(const map_case *mc)
{
    adse_spec *s = testutil_load_files_ok(mc->files, mc->n_files, testutil_fallback_options());
    assert_true(s->has_mapping);
    char *want = testutil_read_file(mc->files[mc->n_files - 1]);
    assert_non_null(want);
    char *got = write_to_string(s, &s->mapping);
    if (strcmp(got, want) != 0) {
        print_error("%s: written map.yaml differs from Timeloop's\n--- got\n%s\n--- want\n%s\n",
                    mc->name, got, want);
        fail();
    }

    /* Round trip: the written text as the mapping gives the same mapping and numbers. */
    char *texts[6];
    const char *names[6];
    for (int k = 0; k + 1 < mc->n_files; k++) {
        texts[k] = testutil_read_file(mc->files[k]);
        assert_non_null(texts[k]);
        names[k] = mc->files[k];
    }
    texts[mc->n_files - 1] = got;
    names[mc->n_files - 1] = "written.map.yaml";
    adse_spec *back = testutil_load_strings_ok((const char *const *)texts, names, mc->n_files,
                                               testutil_fallback_options());
    assert_true(back->has_mapping);
    assert_memory_equal(&back->mapping, &s->mapping, sizeof s->mapping);
    adse_result *r1 = calloc(2, sizeof *r1);
    assert_non_null(r1);
    evaluate(s, &s->mapping, &r1[0]);
    evaluate(back, &back->mapping, &r1[1]);
    assert_int_equal(r1[0].cycles, r1[1].cycles);
    assert_true(r1[0].energy_pj == r1[1].energy_pj);
    free(r1);
    adse_spec_free(back);
    for (int k = 0; k + 1 < mc->n_files; k++)
        free(texts[k]);
    free(got);
    free(want);
    adse_spec_free(s);
}

static void test_map_yaml_golden(void **state)
{
    (void)state;
    int n = 0;
    const char *dir = testutil_path("timeloop-golden/exercises-refs");
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    static char paths[4][1400];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(paths[3], sizeof paths[3], "%s/%s/timeloop-mapper.map.yaml", dir, e->d_name);
        FILE *probe = fopen(paths[3], "r");
        if (!probe) continue;
        fclose(probe);
        map_case mc = {.n_files = 4};
        snprintf(mc.name, sizeof mc.name, "%s", e->d_name);
        snprintf(paths[0], sizeof paths[0], "%s/%s/parsed-processed-input.yaml", dir, e->d_name);
        snprintf(paths[1], sizeof paths[1], "%s/%s/timeloop-mapper.ERT.yaml", dir, e->d_name);
        snprintf(paths[2], sizeof paths[2], "%s/%s/timeloop-mapper.ART.yaml", dir, e->d_name);
        for (int k = 0; k < 4; k++)
            mc.files[k] = paths[k];
        check_map_case(&mc);
        n++;
    }
    closedir(d);
    assert_int_equal(n, 10);

    static const char *seed[3][2] = {{"original", "timeloop-mapper-out"},
                                     {"original", "timeloop-mapper-out-noQX"},
                                     {"optimal-4x42", "timeloop-mapper-out"}};
    for (int k = 0; k < 3; k++) {
        map_case mc = {.n_files = 5};
        snprintf(mc.name, sizeof mc.name, "seed/%s/%s", seed[k][0], seed[k][1]);
        char rel[5][256];
        snprintf(rel[0], sizeof rel[0], "seed-experiment/%s/arch/eyeriss_like.yaml", seed[k][0]);
        snprintf(rel[1], sizeof rel[1], "seed-experiment/original/prob.yaml");
        snprintf(rel[2], sizeof rel[2], "seed-experiment/%s/ERT.yaml", seed[k][0]);
        snprintf(rel[3], sizeof rel[3], "seed-experiment/%s/ART.yaml", seed[k][0]);
        snprintf(rel[4], sizeof rel[4], "seed-experiment/%s/%s/timeloop-mapper.map.yaml",
                 seed[k][0], seed[k][1]);
        for (int i = 0; i < 5; i++)
            mc.files[i] = testutil_path(rel[i]);
        check_map_case(&mc);
    }
}

/* A hand-written mapping in non-canonical form: the writer puts it in Timeloop's form
 * (unit dimensions last, split = non-unit X loops), which evaluates the same. */
static void test_map_yaml_canonical(void **state)
{
    (void)state;
    char *arch = testutil_read_file(testutil_path("spec/tiny_arch.yaml"));
    assert_non_null(arch);
    const char *map =
        "mapping:\n"
        "  - {target: DRAM, type: temporal, factors: M=1 K=2 N=3, permutation: MNK}\n"
        "  - {target: DRAM, type: spatial, factors: M2 K2, permutation: KMN, split: 2}\n"
        "  - {target: spad, type: temporal, factors: M4 N2}\n"
        "  - {target: spad, type: datatype, keep: [A], bypass: [Z, B]}\n";
    const char *texts[] = {arch, PROB, map};
    const char *names[] = {"arch.yaml", "prob.yaml", "map.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 3, testutil_fallback_options());
    char *got = write_to_string(s, &s->mapping);
    const char *want = "mapping:\n"
                       "  - target: spad\n"
                       "    type: datatype\n"
                       "    keep:\n"
                       "      - A\n"
                       "    bypass:\n"
                       "      - B\n"
                       "      - Z\n"
                       "  - target: DRAM\n"
                       "    type: datatype\n"
                       "    keep:\n"
                       "      - A\n"
                       "      - B\n"
                       "      - Z\n"
                       "    bypass:\n"
                       "      []\n"
                       "  - target: spad\n"
                       "    type: temporal\n"
                       "    factors: M4 K1 N2\n"
                       "    permutation: MNK\n"
                       "  - target: DRAM\n"
                       "    type: spatial\n"
                       "    factors: M2 K2 N1\n"
                       "    permutation: KMN\n"
                       "    split: 2\n"
                       "  - target: DRAM\n"
                       "    type: temporal\n"
                       "    factors: M1 K2 N3\n"
                       "    permutation: NKM";
    if (strcmp(got, want) != 0) {
        print_error("--- got\n%s\n--- want\n%s\n", got, want);
        fail();
    }
    const char *texts2[] = {arch, PROB, got};
    adse_spec *back = testutil_load_strings_ok(texts2, names, 3, testutil_fallback_options());
    adse_result *r = calloc(2, sizeof *r);
    assert_non_null(r);
    evaluate(s, &s->mapping, &r[0]);
    evaluate(back, &back->mapping, &r[1]);
    assert_int_equal(r[0].cycles, r[1].cycles);
    assert_true(r[0].energy_pj == r[1].energy_pj);
    for (int i = 0; i < s->arch.n_levels; i++)
        for (int d = 0; d < s->problem.n_ds; d++) {
            assert_int_equal(r[0].levels[i].ds[d].reads, r[1].levels[i].ds[d].reads);
            assert_int_equal(r[0].levels[i].ds[d].fills, r[1].levels[i].ds[d].fills);
            assert_int_equal(r[0].levels[i].ds[d].updates, r[1].levels[i].ds[d].updates);
        }
    free(r);
    adse_spec_free(back);
    free(got);
    adse_spec_free(s);
    free(arch);
}

/* adse_report_mapper_json on a hand-made mapper result: the model members, "mapping" (the
 * map.yaml directives) and "search". */
static void test_mapper_json(void **state)
{
    (void)state;
    const char *files[] = {
        testutil_path("seed-experiment/original/arch/eyeriss_like.yaml"),
        testutil_path("seed-experiment/original/prob.yaml"),
        testutil_path("seed-experiment/original/ERT.yaml"),
        testutil_path("seed-experiment/original/ART.yaml"),
        testutil_path("seed-experiment/original/timeloop-mapper-out/timeloop-mapper.map.yaml")};
    adse_spec *s = testutil_load_files_ok(files, 5, testutil_fallback_options());
    adse_model *model = NULL;
    adse_err e;
    assert_int_equal(adse_model_create(&s->arch, &s->problem, NULL, &model, &e), ADSE_OK);
    adse_mapper_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->found = true;
    r->best = s->mapping;
    evaluate(s, &s->mapping, &r->result);
    r->stats = (adse_mapper_stats){.mapspace_size = 1e12,
                                   .evaluated = 1234,
                                   .valid = 1000,
                                   .pruned = 9.5e11,
                                   .seconds = 1.5,
                                   .optimal = false,
                                   .lower_bound = 400000,
                                   .threads = 3};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(adse_report_mapper_json(f, model, r), ADSE_OK);
    assert_int_equal(fclose(f), 0);

    json_t *root = json_parse_ok(buf);
    assert_int_equal(json_integer_value(json_object_get(root, "cycles")), r->result.cycles);
    assert_true(json_number_value(json_object_get(root, "energy_pj")) == r->result.energy_pj);
    assert_int_equal(json_array_size(json_object_get(root, "levels")), 6);
    json_t *search = json_object_get(root, "search");
    assert_true(json_is_false(json_object_get(search, "optimal")));
    assert_true(json_number_value(json_object_get(search, "lower_bound")) == 400000);
    assert_true(json_number_value(json_object_get(search, "mapspace_size")) == 1e12);
    assert_int_equal(json_integer_value(json_object_get(search, "evaluated")), 1234);
    assert_int_equal(json_integer_value(json_object_get(search, "valid")), 1000);
    assert_int_equal(json_integer_value(json_object_get(search, "threads")), 3);

    /* "mapping" holds exactly the directives of Timeloop's map.yaml */
    json_t *m = json_object_get(root, "mapping");
    assert_int_equal(json_array_size(m), 14); /* 6 datatype + 2 spatial + 6 temporal */
    json_t *d0 = json_array_get(m, 0);
    assert_string_equal(json_string_value(json_object_get(d0, "target")), "psum_spad");
    assert_string_equal(json_string_value(json_object_get(d0, "type")), "datatype");
    assert_string_equal(json_string_value(json_array_get(json_object_get(d0, "keep"), 0)),
                        "Outputs");
    assert_int_equal(json_array_size(json_object_get(d0, "bypass")), 2);
    json_t *d3 = json_array_get(m, 3);
    assert_int_equal(json_array_size(json_object_get(d3, "keep")), 0);
    json_t *sp = json_array_get(m, 9); /* DummyBuffer spatial */
    assert_string_equal(json_string_value(json_object_get(sp, "target")), "DummyBuffer");
    assert_string_equal(json_string_value(json_object_get(sp, "type")), "spatial");
    assert_string_equal(json_string_value(json_object_get(sp, "factors")), "C1 M4 R1 S3 N1 P1 Q1");
    assert_string_equal(json_string_value(json_object_get(sp, "permutation")), "SMCRNPQ");
    assert_int_equal(json_integer_value(json_object_get(sp, "split")), 0);
    json_t *last = json_array_get(m, 13);
    assert_string_equal(json_string_value(json_object_get(last, "factors")),
                        "C1 M2 R1 S1 N1 P1 Q32");
    assert_string_equal(json_string_value(json_object_get(last, "permutation")), "MQCRSNP");
    assert_null(json_object_get(last, "split"));
    json_decref(root);
    free(buf);

    /* optimal: lower_bound is null; not found: usage error */
    r->stats.optimal = true;
    f = open_memstream(&buf, &len);
    assert_int_equal(adse_report_mapper_json(f, model, r), ADSE_OK);
    fclose(f);
    root = json_parse_ok(buf);
    assert_true(json_is_null(json_object_get(json_object_get(root, "search"), "lower_bound")));
    json_decref(root);
    free(buf);
    r->found = false;
    f = open_memstream(&buf, &len);
    assert_int_equal(adse_report_mapper_json(f, model, r), ADSE_E_USAGE);
    fclose(f);
    free(buf);

    free(r);
    adse_model_free(model);
    adse_spec_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_constraints),
        cmocka_unit_test(test_seed_noqx_and_merge),
        cmocka_unit_test(test_exercises_load),
        cmocka_unit_test(test_syntax_variants),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_map_yaml_golden),
        cmocka_unit_test(test_map_yaml_canonical),
        cmocka_unit_test(test_mapper_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
