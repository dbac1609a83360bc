/*
 * timeloopfe's v0.4 specification (src/input/v04*.c, docs/v04.md): the `nodes` architecture
 * and the constraints inside its nodes, translated by the loader.
 *
 * The oracle is what timeloopfe itself made of the same files: each example design's
 * parsed-processed-input.yaml (tests/data/timeloop-golden/exercises-refs), published beside
 * Timeloop's outputs. Loading the v0.4 files must give the same architecture, problem,
 * constraints and mapper settings as loading that file. (The published stats.txt of the same
 * designs from the v0.4 files are test_golden.c's v04/ cases.)
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"

static const char *const designs[] = {"eyeriss_like", "simba_like", "simple_output_stationary",
                                      "simple_weight_stationary"};

/* File `file` of the design's published reference outputs (tests/data/timeloop-golden). */
static void ref_file(char *out, size_t n, const char *design, const char *file)
{
    snprintf(out, n,
             "timeloop-golden/exercises-refs/example_designs__example_designs__%s__ref_outputs__"
             "default_problem/%s",
             design, file);
}

/* The design's v0.4 files as data paths: its arch.yaml, the default problem, the template's
 * variables and mapper section, then the ERT and ART published beside its reference
 * outputs (testutil_path's buffers: used before ten more calls). */
static void design_files(const char *design, const char *files[6])
{
    char arch[256], ert[512], art[512];
    snprintf(arch, sizeof arch, "v04/example_designs/%s/arch.yaml", design);
    ref_file(ert, sizeof ert, design, "timeloop-mapper.ERT.yaml");
    ref_file(art, sizeof art, design, "timeloop-mapper.ART.yaml");
    files[0] = testutil_path(arch);
    files[1] = testutil_path("v04/example_designs/_include/default_problem.yaml");
    files[2] = testutil_path("v04/example_designs/variables.yaml");
    files[3] = testutil_path("v04/example_designs/_include/mapper.yaml");
    files[4] = testutil_path(ert);
    files[5] = testutil_path(art);
}

/* The design's v0.4 files; with tables, also its published ERT and ART. */
static adse_spec *load_v04(const char *design, bool tables)
{
    const char *files[6];
    design_files(design, files);
    return testutil_load_files_ok(files, tables ? 6 : 4, NULL);
}

static adse_spec *load_processed(const char *design)
{
    char p[512];
    ref_file(p, sizeof p, design, "parsed-processed-input.yaml");
    const char *files[] = {testutil_path(p)};
    return testutil_load_files_ok(files, 1, NULL);
}

/* Equal but for where each part was declared (the files differ). */
static bool same_arch(const adse_arch *a, const adse_arch *b)
{
    adse_arch *x = malloc(sizeof *x), *y = malloc(sizeof *y);
    assert_true(x && y);
    *x = *a;
    *y = *b;
    adse_arch *both[2] = {x, y};
    for (int k = 0; k < 2; k++) {
        memset(&both[k]->arith.pos, 0, sizeof both[k]->arith.pos);
        for (int l = 0; l < ADSE_MAX_LEVELS; l++)
            memset(&both[k]->levels[l].pos, 0, sizeof both[k]->levels[l].pos);
        for (int n = 0; n < ADSE_MAX_NETWORKS; n++)
            memset(&both[k]->networks[n].pos, 0, sizeof both[k]->networks[n].pos);
    }
    bool same = memcmp(x, y, sizeof *x) == 0;
    free(x);
    free(y);
    return same;
}

static void same_as_timeloopfe(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof designs / sizeof *designs; i++) {
        adse_spec *a = load_v04(designs[i], false), *b = load_processed(designs[i]);
        assert_true(a->has_arch && a->has_problem && a->has_constraints && a->has_mapper);
        assert_int_equal(a->arch.n_levels, b->arch.n_levels);
        for (int l = 0; l < a->arch.n_levels; l++) {
            assert_string_equal(a->arch.levels[l].name, b->arch.levels[l].name);
            assert_string_equal(adse_spec_table_name(a, l), adse_spec_table_name(b, l));
        }
        if (!same_arch(&a->arch, &b->arch)) fail_msg("%s: the architectures differ", designs[i]);
        if (memcmp(&a->problem, &b->problem, sizeof a->problem) != 0)
            fail_msg("%s: the problems differ", designs[i]);
        for (int l = 0; l < a->arch.n_levels; l++) {
            const adse_constraints *x = &a->constraints, *y = &b->constraints;
            if (memcmp(&x->temporal[l], &y->temporal[l], sizeof x->temporal[l]) ||
                memcmp(&x->spatial[l], &y->spatial[l], sizeof x->spatial[l]))
                fail_msg("%s: the constraints of level %s differ", designs[i],
                         a->arch.levels[l].name);
        }
        if (memcmp(&a->constraints, &b->constraints, sizeof a->constraints) != 0)
            fail_msg("%s: the keep/bypass constraints differ", designs[i]);
        assert_int_equal(a->mapper.n_metrics, b->mapper.n_metrics);
        assert_int_equal(a->mapper.metrics[0], b->mapper.metrics[0]);
        assert_int_equal(a->mapper.threads, b->mapper.threads);
        adse_spec_free(a);
        adse_spec_free(b);
    }
}

/* The 2024 tutorial (02_interface_and_design_space_exploration_2024) from its own
 * top.yaml.jinja with reg_enabled=False: what timeloopfe made of it (its published
 * parsed-processed-input.yaml), maximize_dims: [[M, C]] over 8 PEs included (M=8, C=1). The
 * one difference in the text, split 16 against timeloopfe's 17 (len of the instance after
 * it added `densities`), reads the same: past the last dimension. */
static void tutorial_same_as_timeloopfe(void **state)
{
    (void)state;
    const char *vars[] = {"reg_enabled=False"};
    adse_spec_options o;
    adse_spec_options_init(&o);
    o.template_vars = vars;
    o.n_template_vars = 1;
    const char *top[] = {testutil_path("templates/tutorial2024-02/top.yaml.jinja")};
    const char *ref[] = {testutil_path("real-files/tutorial2024-02/parsed-processed-input.yaml")};
    adse_spec *a = testutil_load_files_ok(top, 1, &o), *b = testutil_load_files_ok(ref, 1, &o);
    assert_int_equal(a->arch.n_levels, 3);
    assert_int_equal(b->arch.n_levels, 3);
    assert_true(same_arch(&a->arch, &b->arch));
    assert_memory_equal(&a->problem, &b->problem, sizeof a->problem);
    assert_memory_equal(&a->constraints, &b->constraints, sizeof a->constraints);
    int m = -1, c = -1;
    for (int d = 0; d < a->problem.n_dims; d++) {
        if (a->problem.dim_names[d] == 'M') m = d;
        if (a->problem.dim_names[d] == 'C') c = d;
    }
    assert_true(m >= 0 && c >= 0);
    assert_int_equal(a->constraints.spatial[0].factor_eq[m], 8); /* inter_PE_spatial */
    assert_int_equal(a->constraints.spatial[0].factor_eq[c], 1);
    /* its variable DATAWIDTH, which the translation places in the root's attributes as
     * timeloopfe does, is a variable: no typo warning, where the classic file timeloopfe
     * wrote (the same key in the root's attributes) gets one (test_real_files) */
    int typo_a = 0, typo_b = 0;
    for (int i = 0; i < adse_spec_warning_count(a); i++)
        typo_a += strstr(adse_spec_warning(a, i)->msg, "'DATAWIDTH' in attributes") != NULL;
    for (int i = 0; i < adse_spec_warning_count(b); i++)
        typo_b += strstr(adse_spec_warning(b, i)->msg, "'DATAWIDTH' in attributes") != NULL;
    assert_int_equal(typo_a, 0);
    assert_int_equal(typo_b, 1);
    adse_spec_free(a);
    adse_spec_free(b);
}

/* A component with its own fanout: timeloopfe places a dummy level above it that holds its
 * spatial constraints; the mesh multiplies below. Containers pass their attributes down. */
static const char *const fanout_arch =
    "architecture:\n"
    "  version: 0.4\n"
    "  nodes:\n"
    "  - !Container {name: sys, attributes: {technology: \"45nm\", datawidth: 8}}\n"
    "  - !Component\n"
    "    name: DRAM\n"
    "    class: DRAM\n"
    "    attributes: {width: 64, depth: 1024}\n"
    "  - !Component\n"
    "    name: buf\n"
    "    class: SRAM\n"
    "    spatial: {meshX: 4}\n"
    "    attributes: {width: 64, depth: 64}\n"
    "    constraints:\n"
    "      spatial: {factors: [C=4]}\n"
    "  - !Component {name: mac, class: intmac}\n";
static const char *const small_problem = "problem:\n"
                                         "  instance: {C: 8, K: 2}\n"
                                         "  shape:\n"
                                         "    dimensions: [C, K]\n"
                                         "    data_spaces:\n"
                                         "    - {name: A, projection: [[[C]]]}\n"
                                         "    - {name: B, projection: [[[C]], [[K]]]}\n"
                                         "    - {name: Z, projection: [[[K]]], read_write: true}\n";

static void component_fanout(void **state)
{
    (void)state;
    const char *texts[] = {fanout_arch, small_problem};
    const char *names[] = {"arch.yaml", "prob.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 2, NULL);
    assert_int_equal(s->arch.n_levels, 3);
    assert_string_equal(s->arch.levels[2].name, "DRAM");
    assert_string_equal(s->arch.levels[1].name, "inter_buf_spatial");
    assert_string_equal(s->arch.levels[0].name, "buf");
    assert_int_equal(s->arch.levels[1].instances, 1);
    assert_int_equal(s->arch.levels[0].instances, 4);
    assert_int_equal(s->arch.levels[0].word_bits, 8); /* datawidth from the container */
    assert_string_equal(s->arch.levels[0].technology, "45nm");
    /* buf's spatial factor is the dummy's; the dummy keeps nothing, all its factors are 1 */
    assert_int_equal(s->constraints.spatial[1].factor_eq[0], 4);
    assert_int_equal(s->constraints.temporal[1].factor_eq[0], 1);
    assert_int_equal(s->constraints.temporal[1].factor_eq[1], 1);
    assert_int_equal(s->constraints.keep_fixed[0] & 2, 2);
    assert_int_equal(s->constraints.keep_value[0] & 2, 0);
    adse_spec_free(s);
}

/* timeloopfe's constraint macros: factors_only, no_iteration_over_dataspaces (A is
 * projected on C), must_iterate_over_dataspaces (Z on K: C=1), keep_only. */
static void macros(void **state)
{
    (void)state;
    const char *arch = "architecture:\n  nodes:\n"
                       "  - !Component {name: D, class: DRAM, attributes: {width: 64, depth: 64}, "
                       "constraints: {temporal: {factors_only: [K=2]}}}\n"
                       "  - !Component {name: B, class: SRAM, attributes: {width: 64, depth: 64}, "
                       "constraints: {temporal: {no_iteration_over_dataspaces: [A]}, "
                       "dataspace: {keep_only: [Z]}}}\n"
                       "  - !Component {name: R, class: regfile, attributes: {width: 16, depth: "
                       "4}, constraints: {temporal: {must_iterate_over_dataspaces: [Z]}}}\n"
                       "  - !Component {name: mac, class: intmac}\n";
    const char *texts[] = {arch, small_problem};
    const char *names[] = {"arch.yaml", "prob.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 2, NULL);
    const adse_constraints *c = &s->constraints;
    assert_int_equal(s->arch.n_levels, 3);            /* R, B, D */
    assert_int_equal(c->temporal[2].factor_eq[0], 1); /* D: C=1 (factors_only) */
    assert_int_equal(c->temporal[2].factor_eq[1], 2); /* D: K=2 */
    assert_int_equal(c->temporal[1].factor_eq[0], 1); /* B: C=1 */
    assert_int_equal(c->temporal[1].factor_eq[1], 0); /* B: K free */
    assert_int_equal(c->temporal[0].factor_eq[0], 1); /* R: C=1 */
    assert_int_equal(c->temporal[0].factor_eq[1], 0); /* R: K free */
    /* B keeps Z only: A and B bypassed */
    assert_int_equal(c->keep_fixed[0] & 2, 2);
    assert_int_equal(c->keep_value[0] & 2, 0);
    assert_int_equal(c->keep_value[2] & 2, 2);
    adse_spec_free(s);
}

/* Loads texts and expects an error at name:line:column with this message. */
static void expect_error(const char *arch, const char *file, int line, int column, const char *msg)
{
    const char *texts[] = {arch, small_problem};
    const char *names[] = {"arch.yaml", "prob.yaml"};
    adse_spec *s = NULL;
    adse_err e;
    adse_status st = adse_spec_load_strings(texts, names, 2, &s, &e);
    char b[1200];
    if (st != ADSE_E_SPEC || strcmp(e.file, file) != 0 || e.line != line || e.column != column ||
        strcmp(e.msg, msg) != 0) {
        print_error("got    %s\nwanted %s:%d:%d: %s\n", adse_err_format(&e, b, sizeof b), file,
                    line, column, msg);
        adse_spec_free(s);
        fail();
    }
}

static void errors(void **state)
{
    (void)state;
    expect_error("architecture:\n  nodes:\n  - {name: x, class: DRAM}\n", "arch.yaml", 3, 5,
                 "node without a tag: write !Container, !Component, !Parallel or !Nothing "
                 "before it");
    expect_error("architecture:\n  nodes:\n  - !Component {name: x, class: DRAM, "
                 "attributes: {depth: 8, width: 8}, constraints: {dataspace: {keep: [Q]}}}\n",
                 "arch.yaml", 3, 106, "unknown data space 'Q' in 'keep'");
    expect_error(
        "architecture:\n  nodes:\n  - !Component {name: d, class: DRAM}\n"
        "  - !Parallel\n    nodes:\n"
        "    - !Component {name: a, class: SRAM, constraints: {dataspace: {keep: [A, B]}}}\n"
        "    - !Component {name: b, class: SRAM, constraints: {dataspace: {keep: [A, Z]}}}\n",
        "arch.yaml", 7, 7,
        "data space 'A' is kept in two branches of a !Parallel (each data space can be "
        "kept in one branch only)");
    expect_error("architecture:\n  nodes:\n  - !Component {name: d, class: DRAM}\n"
                 "  - !Parallel\n    nodes:\n    - !Container {name: c}\n",
                 "arch.yaml", 6, 5,
                 "no branch of this !Parallel keeps 'A': keep it in one branch (or add a branch "
                 "'!Nothing {constraints: {dataspace: {keep: [A]}}}' to bypass them all)");
    expect_error("architecture:\n  nodes:\n  - !Component {name: d, class: DRAM}\n"
                 "  - !Parallel\n    nodes:\n"
                 "    - !Container {name: c, constraints: {dataspace: {keep: ['*']}}}\n",
                 "arch.yaml", 6, 7,
                 "a !Container inside a !Parallel is not supported (as in "
                 "timeloopfe): 'c'");
    expect_error("architecture:\n  nodes:\n  - !Component {name: d, class: DRAM}\n"
                 "  - !Component {name: m, class: widget}\n",
                 "arch.yaml", 4, 33,
                 "unknown class 'widget' of 'm': timeloopfe needs a class name that contains "
                 "DRAM, SRAM, regfile, smartbuffer or storage (storage), mac or compute "
                 "(compute), XY_NoC, Legacy, ReductionTree or SimpleMulticast (network), or "
                 "nothing");
    expect_error("architecture:\n  nodes:\n  - !Container {name: c, spatial: {meshX: 0}}\n",
                 "arch.yaml", 3, 43, "'meshX' of 'c' must be a positive integer, got '0'");
    expect_error("architecture:\n  nodes:\n  - !Component {name: d, class: DRAM, constraints: "
                 "{temporal: {factors: [C=2], maximize_dims: [[K]]}}}\n",
                 "arch.yaml", 3, 95,
                 "'maximize_dims' in a temporal constraint needs 'maximize_dims_capacity' (as "
                 "in timeloopfe)");
    expect_error("architecture:\n  nodes:\n  - !Component {name: d, class: DRAM}\n"
                 "  - !Container {name: c, spatial: {meshX: 4}, constraints: {spatial: "
                 "{factors: [K=1], maximize_dims: [[C, K]]}}}\n",
                 "arch.yaml", 4, 107,
                 "cannot maximize 'K': its factor is already given in this constraint");
    expect_error("architecture:\n  nodes:\n  - !Component {name: d, class: DRAM}\n"
                 "  - !Container {name: c, spatial: {meshX: 4}, constraints: {spatial: "
                 "{maximize_dims: [C, [K]]}}}\n",
                 "arch.yaml", 4, 90,
                 "'maximize_dims' must be a list of dimensions or a list of lists of "
                 "dimensions, not a mix (got a list)");
    /* a bare dimension is no list (it was ignored) */
    expect_error("architecture:\n  nodes:\n  - !Component {name: d, class: DRAM}\n"
                 "  - !Container {name: c, spatial: {meshX: 4}, constraints: {spatial: "
                 "{maximize_dims: K}}}\n",
                 "arch.yaml", 4, 86, "'maximize_dims' must be a list, got a scalar");
    expect_error("architecture:\n  nodes:\n  - !Component {name: d, class: DRAM}\n"
                 "  - !Container {name: c, spatial: {meshX: 4}, constraints: {spatial: "
                 "{maximize_dims: [[C, Q]]}}}\n",
                 "arch.yaml", 4, 91, "cannot maximize 'Q': not a dimension of the problem");
    /* C = 8 over 3 PEs: timeloopfe's imperfect split 3 (utilization 8/3) beats 2 */
    expect_error("architecture:\n  nodes:\n  - !Component {name: d, class: DRAM}\n"
                 "  - !Container {name: c, spatial: {meshX: 3}, constraints: {spatial: "
                 "{maximize_dims: [[C]]}}}\n",
                 "arch.yaml", 4, 87,
                 "'maximize_dims' gives C=3, as timeloopfe allocates it (an imperfect factor), "
                 "which does not divide the bound 8 of 'C': adse maps perfect factorizations "
                 "only; write the factors");
}

/* s has the warning msg at arch.yaml:line:column. */
static void expect_warning(const adse_spec *s, int line, int column, const char *msg)
{
    for (int i = 0; i < adse_spec_warning_count(s); i++) {
        const adse_err *w = adse_spec_warning(s, i);
        if (strcmp(w->msg, msg) == 0 && strcmp(w->file, "arch.yaml") == 0 && w->line == line &&
            w->column == column)
            return;
    }
    for (int i = 0; i < adse_spec_warning_count(s); i++) {
        char b[1200];
        print_error("warning: %s\n", adse_err_format(adse_spec_warning(s, i), b, sizeof b));
    }
    print_error("wanted arch.yaml:%d:%d: %s\n", line, column, msg);
    fail();
}

/* timeloopfe's maximize_dims: the expected factors are what its greedy_allocate
 * (pytimeloop/timeloopfe/v4/processors/constraint_macro.py, timeloop-python b8aaf2c), run
 * in Python on each step's remaining sizes and capacity, allocates. */
static adse_spec *load_max(const char *dram, const char *pe, const char *buf, int c, int k)
{
    char arch[1024], prob[512];
    snprintf(arch, sizeof arch,
             "architecture:\n  nodes:\n"
             "  - !Container {name: sys, attributes: {technology: \"45nm\", datawidth: 8}}\n"
             "  - !Component {name: DRAM, class: DRAM, attributes: {width: 64, depth: 64}, "
             "constraints: {temporal: {%s}}}\n"
             "  - !Container {name: PE, %s}\n"
             "  - !Component {name: buf, class: SRAM, attributes: {width: 64, depth: 64}, %s}\n"
             "  - !Component {name: mac, class: intmac}\n",
             dram, pe, buf);
    snprintf(prob, sizeof prob,
             "problem:\n  instance: {C: %d, K: %d}\n  shape:\n    dimensions: [C, K]\n"
             "    data_spaces:\n    - {name: A, projection: [[[C]]]}\n"
             "    - {name: B, projection: [[[C]], [[K]]]}\n"
             "    - {name: Z, projection: [[[K]]], read_write: true}\n",
             c, k);
    const char *texts[] = {arch, prob};
    const char *names[] = {"arch.yaml", "prob.yaml"};
    return testutil_load_strings_ok(texts, names, 2, NULL);
}

static void maximize_dims(void **state)
{
    (void)state;
    /* Levels: 0 buf, (inter_buf_spatial when buf has a fanout,) inter_PE_spatial, DRAM;
     * dimensions C, K. The tie between C = 11 and C = 12 (both use 11 or 12 of 12): greedy_allocate
     * tries the prime factors of 33 in CPython's set order, 11 before 3, and keeps the first best.
     */
    adse_spec *s = load_max("",
                            "spatial: {meshX: 12}, constraints: {spatial: {maximize_dims: "
                            "[[K, C]]}}",
                            "", 33, 5);
    assert_int_equal(s->arch.n_levels, 3);
    assert_int_equal(s->constraints.spatial[1].factor_eq[0], 11);
    assert_int_equal(s->constraints.spatial[1].factor_eq[1], 1);
    adse_spec_free(s);
    /* Bottom up, the spatial ones first: buf's 4 of K = 16, then PE's 4 of what is left (4);
     * a list of dimensions is one group. */
    s = load_max("", "spatial: {meshX: 8}, constraints: {spatial: {maximize_dims: [K]}}",
                 "spatial: {meshX: 2, meshY: 2}, constraints: {spatial: {maximize_dims: [K]}}", 1,
                 16);
    assert_int_equal(s->constraints.spatial[1].factor_eq[1], 4);
    assert_int_equal(s->constraints.spatial[2].factor_eq[1], 4);
    adse_spec_free(s);
    /* A fixed factor `=` anywhere shrinks what is left: DRAM's K=2 leaves 8 of K, buf takes
     * 4 (its capacity), PE the 2 left; a fixed factor in the constraint itself divides the
     * capacity (PE: 12 / C=3 = 4). */
    s = load_max("factors: [K=2]",
                 "spatial: {meshX: 12}, constraints: {spatial: {factors: [C=3], maximize_dims: "
                 "[[K]]}}",
                 "spatial: {meshX: 4}, constraints: {spatial: {maximize_dims: [[K]]}}", 3, 16);
    assert_int_equal(s->constraints.temporal[3].factor_eq[1], 2);
    assert_int_equal(s->constraints.spatial[1].factor_eq[1], 4);
    assert_int_equal(s->constraints.spatial[2].factor_eq[1], 2);
    assert_int_equal(s->constraints.spatial[2].factor_eq[0], 3);
    adse_spec_free(s);
    /* Temporal, with a capacity; two groups, each over the capacity the fixed factors leave:
     * K takes 6 of 12 (all the capacity), then C gets 6 / K=6 = 1. */
    s = load_max("maximize_dims: [[K], [C]], maximize_dims_capacity: 6", "", "", 8, 12);
    assert_int_equal(s->arch.n_levels, 2);
    assert_int_equal(s->constraints.temporal[1].factor_eq[1], 6);
    assert_int_equal(s->constraints.temporal[1].factor_eq[0], 1);
    adse_spec_free(s);
    /* What fixes nothing, accepted as timeloopfe accepts it, with a warning each: an empty
     * list (skipped), an empty group (nothing to allocate) and a capacity under 2
     * (greedy_allocate returns no allocation, so each dimension of the groups gets 1). */
    s = load_max("maximize_dims: [[], [K]], maximize_dims_capacity: 0",
                 "spatial: {meshX: 2}, constraints: {spatial: {maximize_dims: []}}", "", 8, 12);
    assert_int_equal(s->arch.n_levels, 3);
    assert_int_equal(s->constraints.temporal[2].factor_eq[1], 1); /* DRAM: K=1 */
    assert_int_equal(s->constraints.temporal[2].factor_eq[0], 0); /* C free */
    assert_int_equal(s->constraints.spatial[1].factor_eq[1], 0);  /* PE: K free */
    expect_warning(s, 4, 119,
                   "'maximize_dims' group [] names no dimension: it fixes nothing (as "
                   "in timeloopfe)");
    expect_warning(s, 4, 153,
                   "'maximize_dims_capacity' 0 leaves no room: every dimension 'maximize_dims' "
                   "names gets factor 1 (timeloopfe's greedy allocation allocates nothing under "
                   "a capacity of 2)");
    expect_warning(s, 5, 87, "'maximize_dims' is empty: it fixes nothing (as in timeloopfe)");
    adse_spec_free(s);
}

/* The YAML tree keeps tags: the architecture is told apart by them. */
static void container_warning(void **state)
{
    (void)state;
    const char *arch = "architecture:\n  nodes:\n"
                       "  - !Container {name: c, constraints: {temporal: {factors: [C=1]}}}\n"
                       "  - !Component {name: d, class: DRAM, attributes: {depth: 8, width: 16}}\n"
                       "  - !Component {name: m, class: intmac}\n";
    const char *texts[] = {arch, small_problem};
    const char *names[] = {"arch.yaml", "prob.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 2, NULL);
    bool found = false;
    for (int i = 0; i < adse_spec_warning_count(s); i++)
        found |= strstr(adse_spec_warning(s, i)->msg, "of container 'c' ignored") != NULL;
    assert_true(found);
    adse_spec_free(s);
}

/* A layer shape: the base problem (include_text, done here by hand) merged with `<<<`. */
static adse_spec *load_layer(const char *rel)
{
    char *base = testutil_read_file(testutil_path("v04/layer_shapes/problem_base.yaml"));
    char *layer = testutil_read_file(testutil_path(rel));
    assert_true(base && layer);
    const char *nl = strchr(layer, '\n'); /* drop the {{include_text(...)}} line */
    assert_non_null(nl);
    assert_non_null(strstr(layer, "include_text('../problem_base.yaml')"));
    size_t n = strlen(base) + strlen(nl) + 2;
    char *text = malloc(n);
    snprintf(text, n, "%s\n%s", base, nl + 1);
    const char *texts[] = {text};
    const char *names[] = {rel};
    adse_spec *s = testutil_load_strings_ok(texts, names, 1, NULL);
    free(base);
    free(layer);
    free(text);
    return s;
}

static uint64_t bound(const adse_spec *s, char dim)
{
    for (int d = 0; d < s->problem.n_dims; d++)
        if (s->problem.dim_names[d] == dim) return s->problem.bounds[d];
    fail_msg("no dimension %c", dim);
    return 0;
}

static void layer_shapes(void **state)
{
    (void)state;
    adse_spec *s = load_layer("v04/layer_shapes/gpt2/000.yaml"); /* {C: 1024, M: 3072, P: 256} */
    assert_int_equal(s->problem.n_dims, 8);
    assert_int_equal(bound(s, 'C'), 1024);
    assert_int_equal(bound(s, 'M'), 3072);
    assert_int_equal(bound(s, 'P'), 256);
    assert_int_equal(bound(s, 'Q'), 1); /* from the base */
    assert_int_equal(bound(s, 'G'), 1);
    adse_spec_free(s);
    s = load_layer("v04/layer_shapes/mobilenet_v3/01.yaml"); /* depthwise: G = 16 */
    assert_int_equal(bound(s, 'G'), 16);
    assert_int_equal(bound(s, 'C'), 1);
    assert_int_equal(bound(s, 'R'), 3);
    assert_int_equal(s->problem.n_ds, 3);
    adse_spec_free(s);
}

/* The exercises' layer shapes through the example designs' top file, as the exercises run
 * them (`top.yaml.jinja2 -D architecture=eyeriss_like -D problem=<layer file>`): one layer
 * of each model folder loads and maps (0.2 s search), with the MACs of its instance
 * multiplied out by hand (the base problem's other dimensions are 1). The ResNet-18 and
 * AlexNet layers write their strides as HStride/WStride, which is no coefficient of the
 * shape (Hstride, Wstride): ignored as Timeloop ignores it, with a warning naming the key,
 * its line and the coefficient it most likely meant. */
static void layer_shapes_map(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        uint64_t macs;
        bool stride_typo;
    } layers[] = {
        {"resnet18/05.yaml", 57802752ull, true},          /* C64 M128 P28 Q28 R3 S3 */
        {"vgg16/03.yaml", 1849688064ull, false},          /* C128 M128 P112 Q112 R3 S3 */
        {"gpt2/000.yaml", 805306368ull, false},           /* C1024 M3072 P256 */
        {"mobilebert/010.yaml", 9109504ull, false},       /* C512 M128 P139 */
        {"vision_transformer/05.yaml", 465708ull, false}, /* M197 C197 P12 */
        {"mobilenet_v3/01.yaml", 1806336ull, false},      /* G16 P112 Q112 R3 S3 */
        {"densenet201/010.yaml", 115605504ull, false},    /* C128 M32 P56 Q56 R3 S3 */
        {"dpt_large/010.yaml", 605028352ull, false},      /* C1024 M1024 P577 */
        {"msft_phi_1_5/010.yaml", 17179869184ull, false}, /* C2048 M8192 P1024 */
        {"alexnet/0.yaml", 70276800ull, true},            /* C3 M64 P55 Q55 R11 S11 */
    };
    char dir[256];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-v04-layers"), 0);
    for (size_t i = 0; i < sizeof layers / sizeof *layers; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "v04/layer_shapes/%s", layers[i].file);
        testutil_run r = testutil_cli(
            dir,
            "map --json --threads 1 --time-limit 0.2 %s -D architecture=eyeriss_like -D "
            "problem=%s",
            testutil_path("v04/example_designs/top.yaml.jinja2"), testutil_path(rel));
        assert_run_status(&r, 0);
        json_t *j = json_parse_ok(r.out);
        json_t *c = json_object_get(j, "computes");
        assert_true(json_is_integer(c));
        assert_true((uint64_t)json_integer_value(c) == layers[i].macs);
        /* Eyeriss-like: 14 x 12 PEs */
        json_t *cy = json_object_get(j, "cycles");
        assert_true(json_is_integer(cy));
        assert_true((uint64_t)json_integer_value(cy) * 168 >= layers[i].macs);
        bool warned = strstr(r.err, "'HStride' is not a dimension or coefficient") &&
                      strstr(r.err, "did you mean 'Hstride' (1 is used)?") &&
                      strstr(r.err, ".yaml:4:");
        assert_true(warned == layers[i].stride_typo);
        json_decref(j);
        testutil_run_free(&r);
    }
    assert_int_equal(testutil_rmtree(dir), 0);
}

/* `<<<` merges recursively; explicit values win; `<<` stays one level deep. */
static void deep_merge(void **state)
{
    (void)state;
    const char *text = "base_ignore: &b {x: 1, sub: {a: 1, b: 2}, list: [1]}\n"
                       "problem:\n"
                       "  shape: {dimensions: [A], data_spaces: [{name: T, projection: [[[A]]], "
                       "read_write: true}]}\n"
                       "  instance: {<<<: {A: 7, B: 9}, A: 3}\n";
    const char *texts[] = {text};
    adse_spec *s = testutil_load_strings_ok(texts, NULL, 1, NULL);
    assert_int_equal(s->problem.bounds[0], 3);
    adse_spec_free(s);
    adse_err e;
    const char *bad[] = {"p: {<<<: [1]}\n"};
    assert_int_equal(adse_spec_load_strings(bad, NULL, 1, &s, &e), ADSE_E_SYNTAX);
    assert_string_equal(e.msg, "merge key '<<<' needs a mapping, got a list");
}

/* adse convert writes what was read: the classic files load as the v0.4 ones did. */
static void convert_round_trip(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-v04-convert"), 0);
    for (size_t i = 0; i < sizeof designs / sizeof *designs; i++) {
        testutil_run r = testutil_cli(
            dir, "convert -o %s/out %s %s %s %s", dir,
            testutil_path("v04/example_designs/_include/default_problem.yaml"),
            testutil_path("v04/example_designs/variables.yaml"),
            testutil_path("v04/example_designs/_include/mapper.yaml"),
            testutil_path(i == 0   ? "v04/example_designs/eyeriss_like/arch.yaml"
                          : i == 1 ? "v04/example_designs/simba_like/arch.yaml"
                          : i == 2 ? "v04/example_designs/simple_output_stationary/arch.yaml"
                                   : "v04/example_designs/simple_weight_stationary/arch.yaml"));
        assert_run_status(&r, 0);
        testutil_run_free(&r);
        char all[512], parts[5][512];
        snprintf(all, sizeof all, "%s/out/parsed-processed-input.yaml", dir);
        static const char *const names[] = {"arch", "problem", "constraints", "mapper",
                                            "components"};
        for (int k = 0; k < 5; k++)
            snprintf(parts[k], sizeof parts[k], "%s/out/%s.yaml", dir, names[k]);
        const char *f1[] = {all};
        const char *f2[] = {parts[0], parts[1], parts[2], parts[3]};
        adse_spec *v = load_v04(designs[i], false);
        adse_spec *a = testutil_load_files_ok(f1, 1, NULL);
        adse_spec *b = testutil_load_files_ok(f2, 4, NULL);
        FILE *none = fopen(parts[4], "r"); /* no compound components in these inputs */
        assert_null(none);
        adse_spec *both[2] = {a, b};
        for (int k = 0; k < 2; k++) {
            if (!same_arch(&v->arch, &both[k]->arch)) fail_msg("%s: architecture", designs[i]);
            if (memcmp(&v->problem, &both[k]->problem, sizeof v->problem))
                fail_msg("%s: problem", designs[i]);
            if (memcmp(&v->constraints, &both[k]->constraints, sizeof v->constraints))
                fail_msg("%s: constraints", designs[i]);
            assert_true(both[k]->has_mapper);
        }
        adse_spec_free(v);
        adse_spec_free(a);
        adse_spec_free(b);
    }
    assert_int_equal(testutil_rmtree(dir), 0);
}

/* Attribute expressions, as timeloopfe evaluates them: over the variables (in order), the
 * containers' attributes above, the node's earlier attributes and the document (`spec`).
 * Expected values computed by hand. */
static const char *const expr_spec =
    "variables:\n"
    "  technology: \"45nm\"\n"
    "  DW: 8\n"
    "  BUF_KB: 2 * 32\n"
    "  PES: 16\n"
    "  EXACT: (2 ** 53 + 1) - 2 ** 53 + (1 if 'b' in ['a', 'b'] and 'x' + 'y' == 'xy' else 7)\n"
    "architecture:\n"
    "  nodes:\n"
    "  - !Container {name: sys, attributes: {datawidth: DW}}\n"
    "  - !Component {name: DRAM, class: DRAM, attributes: {width: DW * 8, depth: 1023 + EXACT}}\n"
    "  - !Component\n"
    "    name: buf\n"
    "    class: SRAM\n"
    "    attributes:\n"
    "      width: 64\n"
    "      depth: BUF_KB * 1024 * 8 // width\n"
    "      n_banks: max(1, min(4, len([1, 2, 3])))\n"
    "      read_bandwidth: 3 if spec.problem.instance.C >= 8 and not False else 5\n"
    "      write_bandwidth: (2 ** 3 - 1) % 4 + ceil(log2(5)) / 2\n"
    "  - !Container {name: PE, spatial: {meshX: PES // 4, meshY: 4}}\n"
    "  - !Component {name: mac, class: intmac}\n"
    "problem:\n"
    "  instance: {C: DW, K: 2 ** 2}\n"
    "  shape:\n"
    "    dimensions: [C, K]\n"
    "    data_spaces:\n"
    "    - {name: A, projection: [[[C]]]}\n"
    "    - {name: B, projection: [[[C]], [[K]]]}\n"
    "    - {name: Z, projection: [[[K]]], read_write: true}\n";

/* Loads text as top.yaml and expects the formatted error want. */
static void expect_top_error(const char *text, const char *want)
{
    const char *texts[] = {text};
    const char *names[] = {"top.yaml"};
    adse_spec *s = NULL;
    adse_err e;
    assert_int_equal(adse_spec_load_strings(texts, names, 1, &s, &e), ADSE_E_SPEC);
    char msg[1200];
    assert_string_equal(adse_err_format(&e, msg, sizeof msg), want);
}

static void expressions(void **state)
{
    (void)state;
    const char *texts[] = {expr_spec};
    const char *names[] = {"top.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 1, NULL);
    const adse_buffer *buf = &s->arch.levels[1];
    assert_string_equal(buf->name, "buf");
    assert_int_equal(buf->depth, 8192); /* 64 * 1024 * 8 // 64 */
    /* Python's integers are exact (2 ** 53 + 1 is not a double), `in` and string `+` */
    assert_int_equal(s->arch.levels[2].depth, 1025);
    assert_int_equal(buf->num_banks, 3);
    assert_double_rel(buf->read_bw, 3, 0, "read_bandwidth");
    assert_double_rel(buf->write_bw, 4.5, 0, "write_bandwidth"); /* 7 % 4 + 3 / 2 */
    assert_int_equal(buf->word_bits, 8);
    assert_int_equal(s->arch.levels[2].width_bits, 64);
    assert_int_equal(s->arch.arith.instances, 16);
    assert_int_equal(s->arch.arith.mesh_x, 4);
    assert_int_equal(s->problem.bounds[0], 8);
    assert_int_equal(s->problem.bounds[1], 4);
    adse_spec_free(s);

    /* references that double at each step (v40 = 2 ** 40) are evaluated once each: linear,
     * not 2 ** 40 evaluations (a hang before) */
    char chain[4096];
    int n = snprintf(chain, sizeof chain, "variables:\n  v0: 1\n");
    for (int i = 1; i <= 40; i++)
        n += snprintf(chain + n, sizeof chain - (size_t)n,
                      "  v%d: spec.variables.v%d + spec.variables.v%d\n", i, i - 1, i - 1);
    snprintf(chain + n, sizeof chain - (size_t)n,
             "architecture:\n  nodes:\n"
             "  - !Component {name: DRAM, class: DRAM, attributes: {width: 64, "
             "depth: spec.variables.v40 // 2 ** 30}}\n"
             "  - !Component {name: mac, class: intmac}\n"
             "problem:\n  instance: {C: 8, K: 4}\n  shape:\n    dimensions: [C, K]\n"
             "    data_spaces:\n    - {name: A, projection: [[[C]]]}\n"
             "    - {name: B, projection: [[[C]], [[K]]]}\n"
             "    - {name: Z, projection: [[[K]]], read_write: true}\n");
    const char *t_chain[] = {chain};
    s = testutil_load_strings_ok(t_chain, names, 1, NULL);
    assert_int_equal(s->arch.levels[0].depth, 1024); /* 2 ** 40 // 2 ** 30 */
    adse_spec_free(s);

    /* errors name the file, line and column of the offending character */
    expect_top_error("variables: {A: 2}\n"
                     "architecture:\n"
                     "  nodes:\n"
                     "  - !Component {name: D, class: DRAM, attributes: {width: A * B}}\n",
                     "top.yaml:4:63: cannot evaluate attribute 'width' of 'D' 'A * B': name "
                     "'B' is not defined (quote it to give a string)");
    expect_top_error("architecture:\n  nodes:\n"
                     "  - !Component {name: D, class: DRAM, attributes: {type: LPDDR4}}\n",
                     "top.yaml:3:58: cannot evaluate attribute 'type' of 'D' 'LPDDR4': name "
                     "'LPDDR4' is not defined (quote it to give a string)");
    /* an integer beyond 64 bits names v0.4 expressions (not the templates), at the operator,
     * without the hint to quote a string */
    expect_top_error("architecture:\n  nodes:\n"
                     "  - !Component {name: D, class: DRAM, attributes: {depth: 2 ** 64}}\n",
                     "top.yaml:3:61: cannot evaluate attribute 'depth' of 'D' '2 ** 64': "
                     "integer overflow (adse's v0.4 expressions have 64-bit integers)");

    /* A mesh sees the variables, the attributes of the containers before it and `spec`,
     * not the node's own attributes. */
    const char *mesh = "variables: {V: 2}\n"
                       "architecture:\n  nodes:\n"
                       "  - !Container {name: sys, attributes: {technology: \"45nm\", datawidth: "
                       "8, npe: 4}}\n"
                       "  - !Component {name: DRAM, class: DRAM, attributes: {width: 64, depth: "
                       "64}}\n"
                       "  - !Container {name: PE, spatial: {meshX: npe * V, meshY: "
                       "spec.problem.instance.K}}\n"
                       "  - !Component {name: buf, class: SRAM, attributes: {width: 64, depth: "
                       "64}}\n"
                       "  - !Component {name: mac, class: intmac}\n";
    const char *t4[] = {mesh, small_problem};
    const char *n4[] = {"top.yaml", "prob.yaml"};
    s = testutil_load_strings_ok(t4, n4, 2, NULL);
    assert_string_equal(s->arch.levels[0].name, "buf");
    assert_int_equal(s->arch.levels[0].instances, 16); /* 8 x 2 (K = 2) */
    assert_int_equal(s->arch.levels[0].mesh_x, 8);
    adse_spec_free(s);
    expect_top_error("architecture:\n  nodes:\n"
                     "  - !Component {name: D, class: DRAM, attributes: {n: 3}, spatial: {meshX: "
                     "n}}\n",
                     "top.yaml:3:76: cannot evaluate 'meshX' of 'D' 'n': name 'n' is not "
                     "defined (quote it to give a string)");
}

/* Expressions that name other nodes (timeloopfe binds every node of the architecture to its
 * name: the exercises' cheatsheets write `component1.attributes["value1"]`,
 * `buffer_element_1.attributes["datawidth"]` and `X.spatial.meshX * X.spatial.meshY`): a
 * node's own evaluated attributes, its mesh and its name; the node being evaluated sees its
 * earlier attributes; a node's name is found after the containers' attributes and before
 * the variables (a variable `buf` does not hide the node). Values by hand. */
static void node_references(void **state)
{
    (void)state;
    const char *arch =
        "variables: {buf: 3}\n"
        "architecture:\n  nodes:\n"
        "  - !Container {name: sys, attributes: {technology: \"45nm\", datawidth: 8}}\n"
        "  - !Component\n"
        "    name: DRAM\n"
        "    class: DRAM\n"
        "    attributes: {width: 64, depth: 64}\n"
        "  - !Component\n"
        "    name: buf\n"
        "    class: SRAM\n"
        "    spatial: {meshX: 2, meshY: 2}\n"
        "    attributes:\n"
        "      depth: 32\n"
        "      width: DRAM.attributes[\"width\"] // 2 + buf.attributes.depth\n"
        "  - !Container\n"
        "    name: PE\n"
        "    spatial: {meshX: buf.spatial.meshX * buf.spatial.meshY}\n"
        "    attributes: {tag: DRAM.name + '/' + buf.name}\n"
        "    constraints:\n"
        "      spatial: {maximize_dims: [[C]], maximize_dims_capacity: buf.spatial.meshX}\n"
        "  - !Component {name: mac, class: intmac}\n";
    const char *texts[] = {arch, small_problem};
    const char *names[] = {"arch.yaml", "prob.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 2, NULL);
    /* levels: inter_PE_spatial, buf, inter_buf_spatial, DRAM */
    assert_int_equal(s->arch.n_levels, 4);
    assert_string_equal(s->arch.levels[1].name, "buf");
    assert_int_equal(s->arch.levels[1].width_bits, 64); /* 64 // 2 + 32 */
    assert_int_equal(s->arch.levels[1].instances, 4);
    assert_int_equal(s->arch.arith.instances, 16); /* 2 x 2 bufs, 4 PEs each */
    /* maximize_dims over a capacity of buf's meshX, 2: C=2 of 8 */
    assert_string_equal(s->arch.levels[0].name, "inter_PE_spatial");
    assert_int_equal(s->constraints.spatial[0].factor_eq[0], 2);
    /* the names, joined, in the translated tree */
    char *yaml = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&yaml, &len);
    assert_non_null(f);
    adse_err e;
    assert_int_equal(adse_spec_write_yaml(f, s, NULL, NULL, &e), ADSE_OK);
    fclose(f);
    assert_non_null(strstr(yaml, "tag: \"DRAM/buf\""));
    free(yaml);
    adse_spec_free(s);

    expect_top_error("architecture:\n  nodes:\n"
                     "  - !Component {name: D, class: DRAM, attributes: {width: M.spatial.meshX}}\n"
                     "  - !Component {name: M, class: intmac}\n",
                     "top.yaml:3:59: cannot evaluate attribute 'width' of 'D' 'M.spatial.meshX': "
                     "node 'M' is not evaluated yet here (timeloopfe would read its attributes "
                     "unevaluated): name a node defined before this one");
    expect_top_error("architecture:\n  nodes:\n"
                     "  - !Component {name: D, class: DRAM, attributes: {width: 64}}\n"
                     "  - !Component {name: M, class: intmac, attributes: {w: D.attributes.x}}\n",
                     "top.yaml:4:69: cannot evaluate attribute 'w' of 'M' 'D.attributes.x': no "
                     "key 'x' there");
}

/* Runs `adse CMD` (shell text) and returns its JSON output (the caller frees it); the run
 * must succeed and, for `adse map`, prove its result optimal. */
static json_t *cli_json_ok(const char *dir, const char *cmd)
{
    testutil_run r = testutil_cli(dir, "%s", cmd);
    assert_run_status(&r, 0);
    json_t *j = json_parse_ok(r.out);
    testutil_run_free(&r);
    if (strncmp(cmd, "map ", 4) == 0)
        assert_true(json_is_true(json_object_get(json_object_get(j, "search"), "optimal")));
    return j;
}

/* `adse CMD --json` (one thread for map) on an example design's v0.4 files with its published
 * ERT/ART, and FILE when not NULL (a mapping); cli_json_ok checks that a map is proven. */
static json_t *design_json(const char *dir, const char *cmd, const char *design, const char *file)
{
    const char *f[6];
    char line[4096];
    design_files(design, f);
    snprintf(line, sizeof line, "%s --json%s %s %s %s %s %s %s %s", cmd,
             strcmp(cmd, "map") == 0 ? " --threads 1" : "", f[0], f[1], f[2], f[3], f[4], f[5],
             file ? testutil_path(file) : "");
    return cli_json_ok(dir, line);
}

/* adse map (EDP, the designs' mapper.yaml) on the Eyeriss-like and simple weight-stationary
 * designs from their v0.4 files: the whole mapspace searched (proven optimal) and an EDP no
 * worse than the published mapper result (stats.txt: Eyeriss-like 86,016 cycles x 59.28 uJ
 * = 5.10 J*cycle; simple weight-stationary 903,168 cycles x 151.67 uJ = 136.98). The
 * weight-stationary optimum is also no worse than a mapping derived by hand
 * (v04/mappings/simple_weight_stationary.map.yaml: 16 PEs, outputs accumulated in the
 * register over C, R and S), which beats the published one by half. Simba-like and simple
 * output-stationary take longer (docs/v04.md gives the measured results). */
static void map_example_designs(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-v04-map"), 0);
    json_t *j = design_json(dir, "map", "eyeriss_like", NULL);
    double edp = json_real_value(json_object_get(j, "edp"));
    assert_true(edp > 0 && edp <= 86016 * 59.28e-6);
    json_decref(j);

    json_t *hand = design_json(dir, "model", "simple_weight_stationary",
                               "v04/mappings/simple_weight_stationary.map.yaml");
    double hand_edp = json_real_value(json_object_get(hand, "edp"));
    json_decref(hand);
    j = design_json(dir, "map", "simple_weight_stationary", NULL);
    edp = json_real_value(json_object_get(j, "edp"));
    print_message("simple weight-stationary: optimum %.4f, hand %.4f, published %.4f\n", edp,
                  hand_edp, 903168 * 151.67e-6);
    assert_true(hand_edp < 0.5 * 903168 * 151.67e-6);
    assert_true(edp > 0 && edp <= hand_edp);
    json_decref(j);
    assert_int_equal(testutil_rmtree(dir), 0);
}

/* The least cycles the example designs' own constraints allow, reported as the delay's
 * lower bound by a [delay, energy] search stopped after 0.2 s, whatever it found (every
 * item's bound counts the largest spatial products the constraints allow, docs/mapper.md
 * section 4.2). The default problem: C 3, M 32, P = Q = 112, R = S = 3, 10,838,016 MACs.
 * - Simple output- and weight-stationary: the PE array's spatial loops in the order
 *   N Q P S R C M with split 1 (timeloopfe's processed form of `permutation: [C, M],
 *   split: 1`), so X holds N alone (bound 1) and Y the rest, of which only C and M may be
 *   above 1 (R = S = P = Q = 1), within meshY 16: at most 16 PEs, 677,376 cycles. Counting
 *   the array's 256 PEs, the bound was 42,336.
 * - Simba-like: the PE array (meshX 16) spatial in M and C only, the distributed buffers
 *   (meshY 4) in M only, the MACs' registers (meshY 4) in C only; M's spatial factors
 *   divide 32 and C's divide 3, so together at most 32 x 3 = 96 (each level alone allows 16,
 *   4 and 3: 192), 112,896 cycles. Counting each level alone, the bound was 56,448. */
/* The design's own constraints mapped under metrics for 0.2 s on one thread (*out: free). */
static adse_mapper_result *map_briefly(const adse_spec *spec, const adse_metric *metrics, int n)
{
    adse_model *m = NULL;
    adse_err err;
    assert_int_equal(adse_model_create(&spec->arch, &spec->problem, NULL, &m, &err), ADSE_OK);
    adse_mapper_settings set = spec->mapper;
    set.n_metrics = (uint8_t)n;
    for (int k = 0; k < n; k++)
        set.metrics[k] = metrics[k];
    set.threads = 1;
    set.time_limit_s = 0.2;
    adse_mapper_result *r = malloc(sizeof *r);
    assert_non_null(r);
    assert_int_equal(adse_mapper_run(m, &spec->constraints, &set, r, &err), ADSE_OK);
    adse_model_free(m);
    return r;
}

static void delay_bound_constrained_array(void **state)
{
    (void)state;
    static const struct {
        int design;
        double cycles;
    } cases[] = {{1, 112896.0}, {2, 677376.0}, {3, 677376.0}};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const char *design = designs[cases[k].design];
        adse_spec *spec = load_v04(design, false);
        const adse_metric metrics[] = {ADSE_METRIC_DELAY, ADSE_METRIC_ENERGY};
        adse_mapper_result *r = map_briefly(spec, metrics, 2);
        print_message("%s: delay bound %.0f, best %.0f cycles\n", design, r->stats.lower_bounds[0],
                      r->stats.best_values[0]);
        /* The bound is at least the least cycles by construction and at most the optimum,
         * which is the least cycles: equal, whatever the search found in its time. */
        assert_true(r->stats.lower_bounds[0] == cases[k].cycles);
        if (r->found) assert_true((double)r->result.cycles >= cases[k].cycles);
        free(r);
        adse_spec_free(spec);
    }
}

/* The compulsory DRAM traffic of the simple weight-stationary design bounds its energy in
 * every item, whatever the search finished: with the published tables (ERT: DRAM 512 pJ per
 * 64-bit access, 128 pJ per 16-bit word), every input (3 x 225 x 225 = 151,875), weight
 * (3 x 32 x 3 x 3 = 864) and output (32 x 112 x 112 = 401,408) crosses it once: 554,147 x 128
 * = 70,930,816 pJ. The Inputs are a sliding window (H = P + R, W = Q + S), but the design's
 * constraints keep P, Q, R and S out of the PE array (only C and M are spatial there), so no
 * link transfer can serve them and the bound may count them (docs/mapper.md F3). Counting
 * the Inputs' traffic as link transfers might remove it, the bound was 58,032,500 pJ. */
static void energy_bound_compulsory_dram(void **state)
{
    (void)state;
    adse_spec *spec = load_v04("simple_weight_stationary", true);
    const adse_metric metrics[] = {ADSE_METRIC_ENERGY};
    adse_mapper_result *r = map_briefly(spec, metrics, 1);
    print_message("energy bound %.0f pJ, best %.0f pJ\n", r->stats.lower_bounds[0],
                  r->stats.best_values[0]);
    assert_true(r->stats.lower_bounds[0] >= 554147.0 * 128.0);
    if (r->found) assert_true(r->result.energy_pj >= r->stats.lower_bounds[0]);
    free(r);
    adse_spec_free(spec);
}

/* The 2024 tutorial's default design (reg enabled) from its own top.yaml.jinja, with
 * Accelergy's tables of it (the tutorial's outputs/ERT.yaml, ART.yaml): the mapping its
 * notebook 1_specifications.ipynb prints for its first run gives the summary printed beside
 * it (1,073,741,824 cycles, 56,245.75 uJ; fJ/compute mac 3275.00, buffer 710.37, DRAM
 * 2562.50). The mapper's proven optimum of that design equals notebook 2's figure
 * (tutorial_sweep, 8 PEs). */
static void tutorial_notebook(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-v04-tutorial"), 0);
    const char *top = testutil_path("templates/tutorial2024-02/top.yaml.jinja");
    char ert[512], art[512], map[512];
    snprintf(ert, sizeof ert, "%s",
             testutil_path("real-files/tutorial2024-02/accelergy-verbose/ERT.yaml"));
    snprintf(art, sizeof art, "%s",
             testutil_path("real-files/tutorial2024-02/accelergy-verbose/ART.yaml"));
    snprintf(map, sizeof map, "%s",
             testutil_path("real-files/tutorial2024-02/notebook-reg/map.yaml"));
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "model --json --translation legacy %s %s %s %s", top, map, ert, art);
    json_t *j = cli_json_ok(dir, cmd);
    const double computes = 8589934592.0;
    assert_int_equal(json_integer_value(json_object_get(j, "cycles")), 1073741824);
    assert_int_equal(json_integer_value(json_object_get(j, "computes")), 8589934592);
    double uj = json_real_value(json_object_get(j, "energy_pj")) * 1e-6;
    assert_true(fabs(uj - 56245.75) <= 0.005);
    static const struct {
        const char *level;
        double fj;
    } per[] = {{"buffer", 710.37}, {"DRAM", 2562.50}};
    json_t *levels = json_object_get(j, "levels");
    for (size_t k = 0; k < sizeof per / sizeof *per; k++) {
        bool seen = false;
        for (size_t i = 0; i < json_array_size(levels); i++) {
            json_t *l = json_array_get(levels, i);
            if (strcmp(json_string_value(json_object_get(l, "name")), per[k].level)) continue;
            double fj = json_real_value(json_object_get(l, "energy_pj")) * 1e3 / computes;
            assert_true(fabs(fj - per[k].fj) <= 0.005);
            seen = true;
        }
        assert_true(seen);
    }
    double mac = json_real_value(json_object_get(json_object_get(j, "arithmetic"), "energy_pj"));
    assert_true(fabs(mac * 1e3 / computes - 3275.00) <= 0.005);
    json_decref(j);

    /* -D datawidth_jinja=16 (notebook 1's third run: random search, 129,148.55 uJ at
     * 1,073,741,824 cycles, mac 6550.00 fJ/compute): the MAC priced by the estimator from the
     * tutorial's intmac compound (16-bit multiplier, 32-bit adder), the rest by Accelergy's
     * table of the 8-bit design (the buffer's 128 x 512 and DRAM's 64-bit accesses do not
     * change with the data width). */
    snprintf(ert, sizeof ert, "%s",
             testutil_path("real-files/tutorial2024-02/accelergy-verbose/ERT-without-mac.yaml"));
    snprintf(cmd, sizeof cmd, "map --json --threads 2 -D datawidth_jinja=16 %s %s", top, ert);
    j = cli_json_ok(dir, cmd);
    assert_int_equal(json_integer_value(json_object_get(j, "cycles")), 1073741824);
    mac = json_real_value(json_object_get(json_object_get(j, "arithmetic"), "energy_pj"));
    assert_true(fabs(mac * 1e3 / computes - 6550.00) <= 0.005);
    assert_true(json_real_value(json_object_get(j, "energy_pj")) * 1e-6 <= 129148.55);
    json_decref(j);
    assert_int_equal(testutil_rmtree(dir), 0);
}

/* Notebook 2 of the 2024 tutorial (2_design_space_exploration.ipynb) sweeps the global
 * buffer's depth and the PE count in Python (spec.architecture.find("buffer").attributes
 * ["depth"] and find("PE").spatial.meshX set before each run) and prints each design's
 * pJ/MAC from Timeloop's mapper (search_size 2000, optimisation metric EDP) priced by
 * Accelergy. At depth 512, the design Accelergy's published tables are of, its three PE
 * counts printed 6.56017, 6.48472 and 6.44699 pJ/MAC (Timeloop's fJ/Compute, 2 decimals).
 * The same runs with --set: adse map proves each optimum at full utilization (the
 * maximize_dims allocation follows the fanout: M = 4, 8, 16) and it equals the notebook's
 * figure to the printed digit, so Timeloop's random search found the optimum too. */
static void tutorial_sweep(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-v04-sweep"), 0);
    const char *top = testutil_path("templates/tutorial2024-02/top.yaml.jinja");
    char ert[512], art[512];
    snprintf(ert, sizeof ert, "%s",
             testutil_path("real-files/tutorial2024-02/accelergy-verbose/ERT.yaml"));
    snprintf(art, sizeof art, "%s",
             testutil_path("real-files/tutorial2024-02/accelergy-verbose/ART.yaml"));
    static const struct {
        int pes;
        long long cycles;
        double fj_per_mac; /* the notebook's figure */
    } pt[] = {{4, 2147483648LL, 6560.17}, {8, 1073741824LL, 6484.72}, {16, 536870912LL, 6446.99}};
    double map_pj[3];
    for (size_t k = 0; k < sizeof pt / sizeof *pt; k++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd,
                 "map --json --threads 2 %s --set PE.spatial.meshX=%d "
                 "--set buffer.attributes.depth=512 %s %s",
                 top, pt[k].pes, ert, art);
        json_t *j = cli_json_ok(dir, cmd);
        assert_int_equal(json_integer_value(json_object_get(j, "cycles")), pt[k].cycles);
        assert_int_equal(json_integer_value(json_object_get(j, "computes")), 8589934592LL);
        map_pj[k] = json_real_value(json_object_get(j, "energy_pj"));
        double fj = map_pj[k] * 1e3 / 8589934592.0;
        if (fabs(fj - pt[k].fj_per_mac) > 0.005 + 1e-9) {
            print_error("%d PEs: %.4f fJ/MAC, the notebook %.2f\n", pt[k].pes, fj,
                        pt[k].fj_per_mac);
            fail();
        }
        json_decref(j);
    }

    /* The same sweep as a hardware search (tests/data/search/v04_tutorial_pes.yaml): the
     * gene PE.meshX (4, 8, 16), each design derived from the v0.4 nodes as --set derives
     * it. Its seed maps all three in generation 0; each design's energy is the map's above
     * and the notebook's, at full utilization: 4 PEs take M=4 (the baseline's M=8 on 4 PEs
     * would have no mapping at all). */
    char out[400];
    snprintf(out, sizeof out, "%s/search", dir);
    testutil_run r = testutil_cli(dir, "search --threads 2 -o %s %s", out,
                                  testutil_path("search/v04_tutorial_pes.yaml"));
    assert_run_status(&r, 0);
    testutil_run_free(&r);
    char *csv = testutil_read_in(out, "history.csv");
    assert_non_null(csv);
    const char *header = "generation,index,PE_meshX,status,feasible,loss,cycles,energy_pj,";
    assert_memory_equal(csv, header, strlen(header));
    int seen = 0;
    for (char *line = strchr(csv, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        int gen, index, pes;
        char status[16];
        long long cycles;
        double loss, energy;
        /* generation,index,PE_meshX,status,feasible,loss,cycles,energy_pj,... */
        assert_int_equal(sscanf(line + 1, "%d,%d,%d,%15[a-z_],1,%lf,%lld,%lf", &gen, &index, &pes,
                                status, &loss, &cycles, &energy),
                         7);
        assert_string_equal(status, "ok");
        size_t k = pes == 4 ? 0 : pes == 8 ? 1 : 2;
        assert_int_equal(pes, pt[k].pes);
        assert_int_equal(cycles, pt[k].cycles);
        assert_double_rel(energy, map_pj[k], 1e-12, "search vs adse map --set");
        double fj = energy * 1e3 / 8589934592.0;
        assert_true(fabs(fj - pt[k].fj_per_mac) <= 0.005 + 1e-9);
        seen |= 1 << k;
    }
    assert_int_equal(seen, 7);
    free(csv);
    assert_int_equal(testutil_rmtree(dir), 0);
}

/* adse_spec_options.node_sets (--set): the value replaces or adds the key of the named node
 * (inside a !Parallel too) before the translation, so what depends on it follows: the
 * tutorial's buffer at depth 256 (block 128 / 8 = 16 words: 4,096 words), its PE mesh of 4
 * (4 regs and MACs below the dummy level inter_PE_spatial; maximize_dims [[M, C]] over 4
 * PEs gives M=4, C=1, timeloopfe's greedy allocation); errors name the option or the
 * node. */
static void node_sets(void **state)
{
    (void)state;
    const char *top[] = {testutil_path("templates/tutorial2024-02/top.yaml.jinja")};
    const char *sets[] = {"buffer.attributes.depth=0.5 * 512", "PE.spatial.meshX=4",
                          "reg.attributes.n_banks=3"};
    adse_spec_options o;
    adse_spec_options_init(&o);
    o.node_sets = sets;
    o.n_node_sets = 3;
    adse_spec *s = testutil_load_files_ok(top, 1, &o);
    const adse_arch *a = &s->arch;
    assert_int_equal(a->n_levels, 4); /* reg, inter_PE_spatial, buffer, DRAM */
    assert_string_equal(a->levels[2].name, "buffer");
    assert_int_equal(a->levels[2].depth, 256);
    assert_int_equal(a->levels[2].size_words, 4096);
    assert_int_equal(a->levels[1].instances, 1); /* the dummy level above the fanout */
    assert_int_equal(a->levels[0].instances, 4);
    assert_int_equal(a->arith.instances, 4);
    assert_int_equal(s->constraints.spatial[1].factor_eq[1], 4); /* M */
    assert_int_equal(s->constraints.spatial[1].factor_eq[0], 1); /* C */
    adse_spec_free(s);

    static const struct {
        const char *set, *want;
    } bad[] = {
        {"nope.attributes.depth=1",
         "--set 'nope.attributes.depth=1': no node named 'nope' in the architecture (nodes: "
         "system, DRAM, buffer, PE, reg, mac)"},
        {"buffer.attributes.depth=abc",
         "--set buffer.attributes.depth:1:1: cannot evaluate attribute 'depth' of 'buffer' "
         "'abc': name 'abc' is not defined (quote it to give a string)"},
        {"buffer.depth=1", "--set 'buffer.depth=1': expected NODE.attributes.KEY=VALUE or "
                           "NODE.spatial.meshX=VALUE (meshY)"},
        {"PE.spatial.meshZ=2",
         "--set 'PE.spatial.meshZ=2': 'spatial' has the keys 'meshX' and 'meshY', not 'meshZ'"},
        {"PE.spatial.meshX=", "--set 'PE.spatial.meshX=': no value after '='"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        o.node_sets = &bad[k].set;
        o.n_node_sets = 1;
        adse_err e;
        s = NULL;
        assert_int_not_equal(adse_spec_load_opts(top, 1, &o, &s, &e), ADSE_OK);
        assert_null(s);
        char msg[1200];
        assert_string_equal(adse_err_format(&e, msg, sizeof msg), bad[k].want);
    }
    /* the node list in the message stops at the first name that does not fit, with ", ..."
     * (ten names of 60 characters, then a short one that would still fit after a gap) */
    {
        char arch[2048], want[1024], name[64];
        int len = snprintf(arch, sizeof arch, "architecture:\n  nodes:\n");
        int wlen = snprintf(want, sizeof want,
                            "--set 'nope.attributes.depth=1': no node named 'nope' in the "
                            "architecture (nodes: ");
        for (int k = 0; k < 10; k++) {
            snprintf(name, sizeof name, "node_%d_%s", k,
                     "with_a_name_long_enough_to_fill_the_list_of_nodes_xx");
            assert_int_equal(strlen(name), 59);
            len += snprintf(arch + len, sizeof arch - (size_t)len,
                            "  - !Component {name: %s, class: SRAM}\n", name);
            if (k < 5) /* 5 x 59 + 4 x 2 = 303 characters fit the list's 320, a sixth not */
                wlen += snprintf(want + wlen, sizeof want - (size_t)wlen, "%s, ", name);
        }
        snprintf(arch + len, sizeof arch - (size_t)len,
                 "  - !Component {name: m, class: intmac}\n");
        snprintf(want + wlen, sizeof want - (size_t)wlen, "...)");
        const char *texts[] = {arch, small_problem};
        const char *names[] = {"arch.yaml", "prob.yaml"};
        const char *nope[] = {"nope.attributes.depth=1"};
        o.node_sets = nope;
        o.n_node_sets = 1;
        adse_err e;
        s = NULL;
        assert_int_not_equal(adse_spec_load_strings_opts(texts, names, 2, &o, &s, &e), ADSE_OK);
        assert_null(s);
        char msg[1200];
        assert_string_equal(adse_err_format(&e, msg, sizeof msg), want);
    }
    /* inside a !Parallel; a classic architecture has no nodes to change */
    const char *par = "architecture:\n  nodes:\n  - !Component {name: d, class: DRAM}\n"
                      "  - !Parallel\n    nodes:\n"
                      "    - !Component {name: a, class: SRAM, attributes: {depth: 8, width: 16},"
                      " constraints: {dataspace: {keep: [A]}}}\n"
                      "    - !Component {name: b, class: SRAM, attributes: {depth: 8, width: 16},"
                      " constraints: {dataspace: {keep: [B, Z]}}}\n"
                      "  - !Component {name: mac, class: intmac}\n";
    const char *texts[] = {par, small_problem};
    const char *names[] = {"arch.yaml", "prob.yaml"};
    const char *one[] = {"b.attributes.depth=32"};
    o.node_sets = one;
    s = testutil_load_strings_ok(texts, names, 2, &o);
    assert_string_equal(s->arch.levels[0].name, "b");
    assert_int_equal(s->arch.levels[0].depth, 32);
    assert_int_equal(s->arch.levels[1].depth, 8);
    adse_spec_free(s);
    const char *classic = "architecture:\n  version: 0.3\n  subtree:\n  - name: sys\n"
                          "    local:\n    - {name: D, class: DRAM}\n";
    texts[0] = classic;
    adse_err e;
    assert_int_equal(adse_spec_load_strings_opts(texts, names, 2, &o, &s, &e), ADSE_E_SPEC);
    char msg[1200];
    assert_string_equal(adse_err_format(&e, msg, sizeof msg),
                        "--set 'b.attributes.depth=32': the architecture has no 'nodes' list "
                        "(--set changes the nodes of timeloopfe's v0.4 architecture)");
}

/* The 2024 tutorial's inputs folder into inputs, and the head of a search spec on its files
 * (built-in estimator; its architecture arch, NULL: the tutorial's own) up to
 * "parameters:\n" into head. */
static void tutorial_spec_head(char *inputs, size_t isize, char *head, size_t hsize,
                               const char *arch)
{
    snprintf(inputs, isize, "%s", testutil_path("templates/tutorial2024-02/inputs"));
    char own[600];
    snprintf(own, sizeof own, "%s/arch.yaml", inputs);
    snprintf(head, hsize,
             "design:\n"
             "  architecture: [%s, %s/components.yaml, %s/variables.yaml]\n"
             "  mapper: %s/mapper.yaml\n"
             "workload: %s/problem.yaml\n"
             "parameters:\n",
             arch ? arch : own, inputs, inputs, inputs, inputs);
}

/* `map --json` on the tutorial's files in inputs (its architecture arch, NULL: the
 * tutorial's own) with the options opts, into cmd. */
static void tutorial_map(char *cmd, size_t size, const char *inputs, const char *arch,
                         const char *opts)
{
    char own[600];
    snprintf(own, sizeof own, "%s/arch.yaml", inputs);
    snprintf(cmd, size,
             "map --json --threads 2 %s %s/components.yaml %s/variables.yaml %s/mapper.yaml "
             "%s/problem.yaml %s",
             arch ? arch : own, inputs, inputs, inputs, inputs, opts);
}

/* The search of spec text (named name, files relative to dir) on 2 threads, run to its
 * end; fails the test on an error. */
static adse_search *search_ok(const char *text, const char *name, const char *dir,
                              adse_search_spec **sp)
{
    adse_err e;
    assert_adse_ok(adse_search_spec_load_string(text, name, dir, sp, &e), &e, "spec");
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 2;
    adse_search *s = NULL;
    assert_adse_ok(adse_search_create(*sp, &o, &s, &e), &e, "create");
    assert_adse_ok(adse_search_run(s, &e), &e, "run");
    return s;
}

/* Design d's energy (within relative tol) and cycles (exactly) are those of `adse` cmd
 * (`map --json ...`) run in dir. */
static void assert_same_as_map(const adse_search_design *d, const char *dir, const char *cmd,
                               double tol)
{
    json_t *j = cli_json_ok(dir, cmd);
    assert_double_rel(d->metrics[ADSE_SM_ENERGY], json_real_value(json_object_get(j, "energy_pj")),
                      tol, "search vs adse map --set");
    assert_double_rel(d->metrics[ADSE_SM_CYCLES],
                      (double)json_integer_value(json_object_get(j, "cycles")), 0, "cycles");
    json_decref(j);
}

/* adse search on the tutorial's v0.4 design (built-in estimator) with a mesh gene and a
 * depth gene: each design is derived from the v0.4 nodes (the fanout of PE from the mesh),
 * so PE's maximize_dims [[M, C]] allocates over each design's PEs as timeloopfe does (M=4
 * over 4 PEs, where the baseline's translation gave M=8 over 8: kept, that allowed no
 * mapping on 4 PEs), and each design's energy is `adse map --set`'s for the same nodes. The
 * mesh 2x2 has no mapping under the tutorial's constraints (every spatial loop in X: split
 * past the last dimension), as with --set. Errors: a meshX gene on a node without a fanout,
 * and two genes setting one fanout. */
static void search_fanout_genes(void **state)
{
    (void)state;
    char inputs[512], dir[256], design[4096];
    tutorial_spec_head(inputs, sizeof inputs, design, sizeof design, NULL);
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-v04-fanout"), 0);
    char text[8192];
    snprintf(text, sizeof text,
             "%s"
             "  - {name: pes, mesh: {pes: [4, 8]}}\n"
             "  - {name: glb_depth, component: buffer, attribute: depth, values: [256, 512]}\n"
             "ga: {population: 1, generations: 1, parents: 1, elite: 0}\n"
             "references:\n"
             "  - {name: four, genes: {pes: 4x1, glb_depth: 256}}\n"
             "  - {name: square, genes: {pes: 2x2, glb_depth: 512}}\n",
             design);
    adse_search_spec *sp = NULL;
    adse_err e;
    adse_search *s = search_ok(text, "sweep.yaml", dir, &sp);
    adse_search_options o;
    adse_search_options_init(&o);
    const adse_search_design *base = adse_search_baseline(s), *four = adse_search_reference(s, 0),
                             *square = adse_search_reference(s, 1);
    assert_int_equal(base->status, ADSE_DESIGN_OK);
    assert_int_equal(four->status, ADSE_DESIGN_OK);
    assert_int_equal(square->status, ADSE_DESIGN_NO_MAPPING);
    const double macs = 8589934592.0;
    assert_double_rel(four->metrics[ADSE_SM_CYCLES], macs / 4, 0, "4 PEs at full utilization");
    assert_double_rel(base->metrics[ADSE_SM_CYCLES], macs / 8, 0, "8 PEs at full utilization");
    /* the spatial factor of M at the dummy level above PE (reg, inter_PE_spatial, ...) */
    adse_search_detail *det = NULL;
    assert_adse_ok(adse_search_design_detail(s, four, &det, &e), &e, "detail");
    const adse_problem *p = &adse_search_layer_spec(s, 0)->problem;
    int m = adse_problem_dim_id(p, 'M'), c = adse_problem_dim_id(p, 'C');
    assert_string_equal(det->arch.levels[1].name, "inter_PE_spatial");
    assert_int_equal(det->arch.levels[1].instances, 1);
    assert_int_equal(det->arch.arith.instances, 4);
    assert_int_equal(det->mappings[0].spatial[1][m], 4);
    assert_int_equal(det->mappings[0].spatial[1][c], 1);
    assert_int_equal(det->arch.levels[2].depth, 256);
    adse_search_detail_free(det);
    /* the same designs through --set */
    static const struct {
        const char *sets;
        int design; /* 0 baseline, 1 four */
    } runs[] = {{"", 0}, {"--set PE.spatial.meshX=4 --set buffer.attributes.depth=256", 1}};
    for (int k = 0; k < 2; k++) {
        char cmd[8192];
        tutorial_map(cmd, sizeof cmd, inputs, NULL, runs[k].sets);
        assert_same_as_map(runs[k].design ? four : base, dir, cmd, 1e-12);
    }
    adse_search_free(s);
    adse_search_spec_free(sp);

    static const struct {
        const char *genes, *want;
    } bad[] = {
        {"  - {name: n, component: mac, attribute: meshX, values: [2, 4]}\n",
         "sweep.yaml:6:26: parameter 'n': on a v0.4 design 'meshX' sets the fanout of a node "
         "('spatial' meshX, meshY), and 'mac' has none (nodes with a fanout: PE)"},
        {"  - {name: pes, mesh: {pes: [4, 8]}}\n"
         "  - {name: n, component: PE, attribute: instances, values: [4, 8]}\n",
         "sweep.yaml:7:5: parameters 'pes' and 'n' both set the fanout of 'PE'"},
        /* 3 PEs: timeloopfe's allocation gives M=3, which adse cannot map; its message is
         * the design's reason, cut to the reason's length */
        {"  - {name: n, component: PE, attribute: meshX, values: [3, 8]}\n",
         "sweep.yaml:6:56: value 3 of parameter 'n' gives no valid architecture: --set "
         "PE.spatial.meshX=3: arch.yaml:35:25: 'maximize_dims' gives M=3, as timeloopfe "
         "allocates it (an imperfect factor), which does not divide the bound 128 of 'M'"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        snprintf(text, sizeof text, "%s%sga: {population: 2, generations: 1, parents: 1}\n", design,
                 bad[k].genes);
        assert_adse_ok(adse_search_spec_load_string(text, "sweep.yaml", dir, &sp, &e), &e, "spec");
        assert_int_equal(adse_search_create(sp, &o, &s, &e), ADSE_E_SPEC);
        char msg[1200];
        adse_err_format(&e, msg, sizeof msg);
        if (strncmp(msg, bad[k].want, strlen(bad[k].want)) != 0) {
            print_error("got  %s\nwant %s...\n", msg, bad[k].want);
            fail();
        }
        adse_search_spec_free(sp);
    }
    assert_int_equal(testutil_rmtree(dir), 0);
}

/* The mesh gene on the Eyeriss-like v0.4 design, whose PE mesh is two fanouts (PE_column
 * meshX 14 above PE meshY 12): a mesh x x y sets PE_column's meshX to x and PE's meshY to
 * y, each design is what `adse map --set` gives for those nodes, to the bit. At 1x84
 * PE_column has no fanout left, so timeloopfe places no dummy level for it: the design has
 * one level fewer than the baseline. */
static void search_fanout_eyeriss(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-v04-eyeriss"), 0);
    static const char *const rel[] = {"eyeriss_like/arch.yaml",
                                      "variables.yaml",
                                      "_components/intmac.yaml",
                                      "_components/smartbuffer_RF.yaml",
                                      "_components/smartbuffer_SRAM.yaml",
                                      "_components/regfile.yaml",
                                      "_include/mapper.yaml",
                                      "_include/default_problem.yaml"};
    /* the files for adse map, and the first six as the design's architecture */
    char files[4096] = "", arch[4096] = "", path[600];
    for (int i = 0; i < 8; i++) {
        snprintf(path, sizeof path, "v04/example_designs/%s", rel[i]);
        const char *p = testutil_path(path);
        snprintf(files + strlen(files), sizeof files - strlen(files), "%s%s", i ? " " : "", p);
        if (i < 6)
            snprintf(arch + strlen(arch), sizeof arch - strlen(arch), "%s%s", i ? ", " : "", p);
    }
    char text[8192];
    snprintf(text, sizeof text,
             "design:\n  architecture: [%s]\n  mapper: %s/_include/mapper.yaml\n"
             "workload: %s/_include/default_problem.yaml\n"
             "parameters:\n  - {name: mesh, mesh: {pes: [84, 168]}}\n"
             "ga: {population: 1, generations: 1, parents: 1, elite: 0}\n"
             "references:\n  - {name: a, genes: {mesh: 7x12}}\n  - {name: b, genes: {mesh: 1x84}}\n"
             "  - {name: c, genes: {mesh: 12x14}}\n",
             arch, testutil_path("v04/example_designs"), testutil_path("v04/example_designs"));
    adse_search_spec *sp = NULL;
    adse_err e;
    adse_search *s = search_ok(text, "ey.yaml", dir, &sp);
    static const char *const sets[] = {
        "--set PE_column.spatial.meshX=7",
        "--set PE_column.spatial.meshX=1 --set PE.spatial.meshY=84",
        "--set PE_column.spatial.meshX=12 --set PE.spatial.meshY=14"};
    for (int k = 0; k < 3; k++) {
        const adse_search_design *d = adse_search_reference(s, k);
        assert_int_equal(d->status, ADSE_DESIGN_OK);
        char cmd[8192];
        snprintf(cmd, sizeof cmd, "map --json --threads 2 %s %s", files, sets[k]);
        assert_same_as_map(d, dir, cmd, 0);
    }
    adse_search_detail *det = NULL;
    assert_adse_ok(adse_search_design_detail(s, adse_search_reference(s, 1), &det, &e), &e, "b");
    assert_int_equal(det->arch.n_levels, adse_search_layer_spec(s, 0)->arch.n_levels - 1);
    assert_int_equal(adse_arch_level_id(&det->arch, "inter_PE_column_spatial"), -1);
    assert_int_equal(det->arch.arith.instances, 84);
    adse_search_detail_free(det);
    adse_search_free(s);
    adse_search_spec_free(sp);
    assert_int_equal(testutil_rmtree(dir), 0);
}

/* A gene of an attribute that an expression of the nodes reads: the tutorial's reg has
 * `width: datawidth * 3`, so its word_bits gene (datawidth) is set on the node and the
 * design translated again, as --set does: datawidth 4 gives width 12 (applied to the
 * translated architecture, the width would stay 24 and reg hold 6 words instead of 3); the
 * design's figures are `adse map --set`'s. width_expr, when not NULL, replaces reg's width
 * expression in a copy of the tutorial's arch.yaml. */
static void attribute_read_case(const char *width_expr)
{
    char inputs[512], dir[256], head[4096], arch[600];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-v04-read"), 0);
    if (width_expr) {
        char *orig =
            testutil_read_file(testutil_path("templates/tutorial2024-02/inputs/arch.yaml"));
        assert_non_null(orig);
        char *w = strstr(orig, "width: datawidth * 3");
        assert_non_null(w);
        *w = 0;
        snprintf(arch, sizeof arch, "%s/arch.yaml", dir);
        testutil_write(arch, "%swidth: %s%s", orig, width_expr, w + strlen("width: datawidth * 3"));
        free(orig);
    }
    tutorial_spec_head(inputs, sizeof inputs, head, sizeof head, width_expr ? arch : NULL);
    char text[8192];
    snprintf(text, sizeof text,
             "%s"
             "  - {name: regbits, component: reg, attribute: word_bits, values: [4, 8]}\n"
             "  - {name: glb_depth, component: buffer, attribute: depth, values: [256, 512]}\n"
             "ga: {population: 1, generations: 1, parents: 1, elite: 0}\n"
             "references:\n"
             "  - {name: r, genes: {regbits: 4, glb_depth: 256}}\n",
             head);
    adse_search_spec *sp = NULL;
    adse_search *s = search_ok(text, "read.yaml", dir, &sp);
    const adse_search_design *r = adse_search_reference(s, 0);
    assert_int_equal(r->status, ADSE_DESIGN_OK);
    adse_search_detail *det = NULL;
    adse_err e;
    assert_adse_ok(adse_search_design_detail(s, r, &det, &e), &e, "detail");
    const adse_buffer *reg = &det->arch.levels[0];
    assert_string_equal(reg->name, "reg");
    assert_int_equal(reg->word_bits, 4);
    assert_int_equal(reg->width_bits, 12); /* datawidth * 3 */
    assert_int_equal(reg->size_words, 3);
    assert_int_equal(det->arch.levels[2].depth, 256);
    adse_search_detail_free(det);
    char cmd[8192];
    tutorial_map(cmd, sizeof cmd, inputs, width_expr ? arch : NULL,
                 "--set reg.attributes.datawidth=4 --set buffer.attributes.depth=256");
    assert_same_as_map(r, dir, cmd, 0);
    adse_search_free(s);
    adse_search_spec_free(sp);
    assert_int_equal(testutil_rmtree(dir), 0);
}

static void search_attribute_read(void **state)
{
    (void)state;
    attribute_read_case(NULL);
}

/* The same read written as a path through the document to reg's attributes as written
 * (reg is node 4 of the list: system, DRAM, buffer, PE, reg). */
static void search_attribute_read_spec_path(void **state)
{
    (void)state;
    attribute_read_case("spec.architecture.nodes[4].attributes.datawidth * 3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_as_timeloopfe),
        cmocka_unit_test(tutorial_same_as_timeloopfe),
        cmocka_unit_test(tutorial_notebook),
        cmocka_unit_test(tutorial_sweep),
        cmocka_unit_test(node_sets),
        cmocka_unit_test(search_fanout_genes),
        cmocka_unit_test(search_fanout_eyeriss),
        cmocka_unit_test(search_attribute_read),
        cmocka_unit_test(search_attribute_read_spec_path),
        cmocka_unit_test(component_fanout),
        cmocka_unit_test(errors),
        cmocka_unit_test(macros),
        cmocka_unit_test(maximize_dims),
        cmocka_unit_test(container_warning),
        cmocka_unit_test(layer_shapes),
        cmocka_unit_test(layer_shapes_map),
        cmocka_unit_test(deep_merge),
        cmocka_unit_test(convert_round_trip),
        cmocka_unit_test(expressions),
        cmocka_unit_test(node_references),
        cmocka_unit_test(map_example_designs),
        cmocka_unit_test(delay_bound_constrained_array),
        cmocka_unit_test(energy_bound_compulsory_dram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
