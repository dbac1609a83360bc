/*
 * Multi-objective hardware search: `objectives:` and `ga: algorithm` in the spec (errors
 * naming the line), NSGA-II and random search on the seed design with the fixed-mapping
 * stand-in for the mapper (searchutil.h): every evaluation a new design, results identical
 * for 1 and 2 threads and after a kill and resume at every generation, the Pareto front
 * equal to a brute-force non-dominated subset of the history, a hypervolume that never
 * shrinks from one generation to the next.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "adse/adse.h"
#include "adse/search.h"
#include "adse/search_report.h"
#include "adse/search_spec.h"
#include "searchutil.h"

/* Genes the fixed mapping fits (buffers at least the baseline's), 1,890 designs; area and
 * 1 / on-chip bits conflict, so that the front has many designs. */
#define MO_HEAD                                                                                    \
    DESIGN "workload: prob.yaml\n"                                                                 \
           "parameters:\n"                                                                         \
           "  - {name: mesh, mesh: {total: 168, meshX: [14]}}\n"                                   \
           "  - {name: glb_depth, component: shared_glb, attribute: depth,"                        \
           " values: [16384, 32768, 65536]}\n"                                                     \
           "  - {name: glb_width, component: shared_glb, attribute: width, values: [64, 128]}\n"   \
           "  - {name: ifmap_depth, component: ifmap_spad, attribute: depth,"                      \
           " range: {min: 12, max: 24, step: 2}}\n"                                                \
           "  - {name: weights_depth, component: weights_spad, attribute: depth,"                  \
           " range: {min: 192, max: 256, step: 16}}\n"                                             \
           "  - {name: psum_depth, component: psum_spad, attribute: depth,"                        \
           " range: {min: 16, max: 32, step: 2}}\n"                                                \
           "budgets: {pes: 168, onchip_bits: 3 * baseline}\n"
#define MO_OBJ "objectives: [area, {name: inv_bits, expression: \"1e6 / onchip_bits\"}]\n"
#define MO_SPEC MO_HEAD MO_OBJ "ga: {population: 10, generations: 6, seed: 7}\n"
#define RANDOM_SPEC                                                                                \
    MO_HEAD MO_OBJ "ga: {population: 10, generations: 6, seed: 7, algorithm: random}\n"

/* ---- the spec ------------------------------------------------------------------------ */

static void test_mo_spec(void **state)
{
    (void)state;
    adse_search_spec *s = load_spec_ok(MO_SPEC);
    assert_int_equal(s->n_objectives, 2);
    assert_string_equal(s->objectives[0].name, "area");
    assert_int_equal(s->objectives[0].metric, ADSE_SM_AREA);
    assert_string_equal(s->objectives[1].name, "inv_bits");
    assert_int_equal(s->objectives[1].metric, -1);
    assert_int_equal(s->ga.algorithm, ADSE_ALGO_NSGA2); /* the default with objectives */
    adse_search_spec_free(s);
    s = load_spec_ok(MO_HEAD "objectives: [edp, {name: bits_x_cycles, expression: "
                             "\"onchip_bits * cycles\"}, cycles]\n");
    assert_int_equal(s->n_objectives, 3);
    assert_string_equal(s->objectives[1].name, "bits_x_cycles");
    assert_int_equal(s->objectives[1].metric, -1);
    adse_search_spec_free(s);
    s = load_spec_ok(MO_HEAD);
    assert_int_equal(s->ga.algorithm, ADSE_ALGO_GA); /* the default with a loss */
    adse_search_spec_free(s);

    /* lines 15.. follow MO_HEAD's 14 lines */
    expect_error(MO_HEAD "loss: edp\nobjectives: [energy, area]\n", 16, 1,
                 "'objectives' and 'loss' are exclusive");
    expect_error(MO_HEAD "objectives: [energy, gflops]\n", 15, 22,
                 "not a minimised objective 'gflops'");
    expect_error(MO_HEAD "objectives: [energy, joules]\n", 15, 22, "unknown objective 'joules'");
    expect_error(MO_HEAD "objectives: [energy]\n", 15, 13, "a list of 2 or 3 objectives");
    expect_error(MO_HEAD "objectives: [energy, area, edp, cycles]\n", 15, 13,
                 "a list of 2 or 3 objectives");
    expect_error(MO_HEAD "objectives: [energy, energy_pj]\n", 15, 22,
                 "objective 'energy' given twice");
    expect_error(MO_HEAD "objectives: [energy, {name: x, expression: \"area *\"}]\n", 15, 0,
                 "objective 'x': ");
    expect_error(MO_HEAD "objectives: [energy, {name: x}]\n", 15, 22,
                 "needs 'name' and 'expression'");
    expect_error(MO_HEAD "objectives: [energy, area]\nga: {algorithm: ga}\n", 16, 17,
                 "'algorithm: ga' minimises one loss");
    expect_error(MO_HEAD "ga: {algorithm: nsga2}\n", 15, 17,
                 "'algorithm: nsga2' needs 'objectives'");
    expect_error(MO_HEAD "ga: {algorithm: nsga3}\n", 15, 17,
                 "'algorithm' must be 'ga', 'nsga2' or 'random'");
}

/* ---- the searches -------------------------------------------------------------------- */

/* The front recomputed by brute force: feasible history designs no other feasible one
 * dominates (no worse in both objectives, better in one); of equal ones the first. */
static int brute_front(const adse_search *s, int *out)
{
    int n = adse_search_history_count(s), m = 0;
    for (int i = 0; i < n; i++) {
        const adse_search_design *a = adse_search_history_at(s, i);
        if (a->status != ADSE_DESIGN_OK) continue;
        bool dominated = false;
        for (int j = 0; j < n && !dominated; j++) {
            const adse_search_design *b = adse_search_history_at(s, j);
            if (j == i || b->status != ADSE_DESIGN_OK) continue;
            double a0 = a->metrics[ADSE_SM_AREA], a1 = 1e6 / a->metrics[ADSE_SM_ONCHIP_BITS];
            double b0 = b->metrics[ADSE_SM_AREA], b1 = 1e6 / b->metrics[ADSE_SM_ONCHIP_BITS];
            bool same = a0 == b0 && a1 == b1;
            dominated = same ? j < i : (b0 <= a0 && b1 <= a1);
        }
        if (!dominated) out[m++] = i;
    }
    return m;
}

static void check_run(const adse_search_spec *spec, adse_search *s)
{
    int n = adse_search_history_count(s);
    /* every slot of every generation is a new design (nsga2 and random redraw repeats);
     * the baseline, evaluated first, is generation 0's one cache hit */
    for (int g = 0; g < spec->ga.generations; g++) {
        const adse_search_generation *gs = adse_search_generation_at(s, g);
        assert_int_equal(gs->n_cached, g == 0);
        assert_int_equal(gs->n_new + gs->n_cached, spec->ga.population);
    }
    assert_int_equal(n, spec->ga.population * spec->ga.generations);
    /* objectives are the metrics; the loss column is the first objective */
    for (int i = 0; i < n; i++) {
        const adse_search_design *d = adse_search_history_at(s, i);
        if (d->status != ADSE_DESIGN_OK) continue;
        assert_true(d->objectives[0] == d->metrics[ADSE_SM_AREA]);
        assert_true(d->objectives[1] == 1e6 / d->metrics[ADSE_SM_ONCHIP_BITS]);
        assert_true(d->loss == d->objectives[0]);
    }
    int *got = malloc((size_t)n * sizeof *got), *want = malloc((size_t)n * sizeof *want);
    int nf = adse_search_pareto(s, -1, got);
    assert_int_equal(nf, brute_front(s, want));
    assert_true(nf >= 2);
    assert_memory_equal(got, want, (size_t)nf * sizeof *got);
    /* the hypervolume of the front so far never shrinks; the last is the run's */
    double prev = 0;
    for (int g = 0; g < spec->ga.generations; g++) {
        double hv = adse_search_hypervolume(s, g);
        assert_true(hv >= prev);
        prev = hv;
    }
    assert_true(prev > 0 && prev == adse_search_hypervolume(s, -1));
    free(got);
    free(want);
}

/* 1 and 2 threads, and a kill after each generation then a resume, give one history. */
static void check_deterministic(const char *text)
{
    adse_search_spec *spec = load_spec_ok(text);
    adse_search *whole = create_ok(spec, 1, true);
    run_ok(whole);
    check_run(spec, whole);
    char *want = history_text(whole);
    adse_search *two = create_ok(spec, 2, true);
    run_ok(two);
    char *h2 = history_text(two);
    assert_string_equal(h2, want);
    free(h2);
    adse_search_free(two);
    for (int stop = 0; stop < spec->ga.generations - 1; stop++) {
        size_t len = 0;
        char *buf = killed_checkpoint(spec, stop, &len);
        adse_search *b = resumed(spec, buf, len);
        run_ok(b);
        char *got = history_text(b);
        assert_string_equal(got, want);
        assert_true(adse_search_hypervolume(b, -1) == adse_search_hypervolume(whole, -1));
        free(got);
        free(buf);
        adse_search_free(b);
    }
    free(want);
    adse_search_free(whole);
    adse_search_spec_free(spec);
}

static void test_nsga2(void **state)
{
    (void)state;
    check_deterministic(MO_SPEC);
}

static void test_random(void **state)
{
    (void)state;
    check_deterministic(RANDOM_SPEC);
    /* generation 0 is the same for both algorithms (the baseline and uniform draws) */
    adse_search_spec *a = load_spec_ok(MO_SPEC), *b = load_spec_ok(RANDOM_SPEC);
    adse_search *sa = create_ok(a, 1, true), *sb = create_ok(b, 1, true);
    adse_err e;
    assert_int_equal(adse_search_step(sa, &e), ADSE_OK);
    assert_int_equal(adse_search_step(sb, &e), ADSE_OK);
    char *ha = history_text(sa), *hb = history_text(sb);
    assert_string_equal(ha, hb);
    free(ha);
    free(hb);
    adse_search_free(sa);
    adse_search_free(sb);
    adse_search_spec_free(a);
    adse_search_spec_free(b);
}

/* ---- the mesh over several PE counts ------------------------------------------------- */

#define PES_SPEC(pes)                                                                              \
    DESIGN "workload: prob.yaml\nparameters:\n  - {name: mesh, mesh: {pes: " pes "}}\n"

static void test_mesh_pes(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_ok(PES_SPEC("[64, 96, 168, 256]"));
    const adse_search_gene *g = &spec->genes[0];
    /* every factor pair of each count: 7 + 12 + 16 + 9 */
    assert_int_equal(g->n_values, 44);
    assert_true(g->mesh_total == 0);
    int per_count[4] = {0};
    const int counts[4] = {64, 96, 168, 256};
    for (int k = 0; k < g->n_values; k++) {
        uint64_t x, y;
        assert_true(adse_search_mesh_of(g, g->values[k], &x, &y));
        assert_true(adse_search_mesh_value(g, x, y) == g->values[k]);
        for (int c = 0; c < 4; c++)
            per_count[c] += x * y == (uint64_t)counts[c];
    }
    assert_int_equal(per_count[0], 7);
    assert_int_equal(per_count[1], 12);
    assert_int_equal(per_count[2], 16);
    assert_int_equal(per_count[3], 9);

    /* each mesh: the PE level and the MACs hold x * y instances, DummyBuffer one per column,
     * and best/arch.yaml (the PE container's range rewritten) reads back the same */
    adse_search *s = create_ok(spec, 1, true);
    const adse_spec *layer = adse_search_layer_spec(s, 0);
    int dummy = adse_arch_level_id(&layer->arch, "DummyBuffer");
    int psum = adse_arch_level_id(&layer->arch, "psum_spad");
    adse_arch *a = malloc(sizeof *a);
    assert_non_null(a);
    for (int k = 0; k < g->n_values; k++) {
        uint64_t x, y;
        adse_search_mesh_of(g, g->values[k], &x, &y);
        double genes[ADSE_SEARCH_MAX_GENES] = {g->values[k]};
        adse_err e;
        assert_int_equal(adse_search_design_arch(s, genes, a, &e), ADSE_OK);
        assert_int_equal(a->arith.instances, x * y);
        assert_int_equal(a->arith.mesh_x, x);
        assert_int_equal(a->levels[psum].instances, x * y);
        assert_int_equal(a->levels[psum].mesh_y, y);
        assert_int_equal(a->levels[dummy].instances, x);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_int_equal(adse_spec_write_arch_yaml(f, layer, a, &e), ADSE_OK);
        fclose(f);
        const char *texts[1] = {buf}, *names[1] = {"arch.yaml"};
        adse_spec *back = NULL;
        assert_int_equal(adse_spec_load_strings(texts, names, 1, &back, &e), ADSE_OK);
        assert_int_equal(back->arch.arith.instances, x * y);
        for (int i = 0; i < a->n_levels; i++) {
            assert_int_equal(back->arch.levels[i].instances, a->levels[i].instances);
            assert_int_equal(back->arch.levels[i].mesh_x, a->levels[i].mesh_x);
            assert_int_equal(back->arch.levels[i].mesh_y, a->levels[i].mesh_y);
        }
        adse_spec_free(back);
        free(buf);
    }
    free(a);
    /* the baseline (14x12) is in the domain; a `pes` budget now bounds the draws */
    const adse_search_design *hist;
    adse_err e;
    assert_int_equal(adse_search_step(s, &e), ADSE_OK);
    hist = adse_search_baseline(s);
    char v[32];
    assert_string_equal(adse_search_format_gene(s, 0, hist->genes[0], v, sizeof v), "14x12");
    adse_search_free(s);
    adse_search_spec_free(spec);
    spec = load_spec_ok(PES_SPEC("{min: 64, max: 80, step: 16}") "budgets: {pes: 100}\n");
    assert_int_equal(spec->genes[0].n_values, 7 + 10);
    s = create_ok(spec, 1, true);
    run_ok(s);
    for (int i = 0; i < adse_search_history_count(s); i++) {
        const adse_search_design *d = adse_search_history_at(s, i);
        assert_true(d->metrics[ADSE_SM_PES] == 64 || d->metrics[ADSE_SM_PES] == 80);
    }
    adse_search_free(s);
    adse_search_spec_free(spec);

    /* errors at the line */
    expect_error(PES_SPEC("[64, 64]"), 8, 35, "PE count 64 given twice");
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n"
                        "  - {name: mesh, mesh: {total: 168, pes: [64]}}\n",
                 8, 42, "'pes' (several PE counts) excludes 'total'");
    expect_error(PES_SPEC("[]"), 8, 30, "'pes' must be a non-empty list");
    expect_error(PES_SPEC("{min: 1, max: 4096}"), 8, 30, "more than 256 PE counts");
    expect_error(PES_SPEC("[64, 168]") "references:\n  - {name: r, genes: {mesh: 5x30}}\n", 10, 29,
                 "X * Y one of its PE counts");
}

/* ---- the command: pareto.csv, the plots, --json --------------------------------------- */

/* Field k (0-based) of a CSV line into buf (the fields read here hold no quotes or commas). */
static const char *csv_field(const char *line, int k, char *buf, size_t size)
{
    for (int i = 0; i < k && line; i++) {
        line = strchr(line, ',');
        if (line) line++;
    }
    size_t n = line ? strcspn(line, ",\n") : 0;
    if (n >= size) n = size - 1;
    memcpy(buf, line ? line : "", n);
    buf[n] = 0;
    return buf;
}

static int column_of(const char *header, const char *name)
{
    char buf[64];
    for (int k = 0; k < 64; k++)
        if (strcmp(csv_field(header, k, buf, sizeof buf), name) == 0) return k;
    fail_msg("no column '%s' in '%s'", name, header);
    return -1;
}

/* pareto.csv recomputed from history.csv alone: the header, then the feasible rows no other
 * feasible row beats (cycles and area no larger, one smaller), of equal ones the first. */
static char *front_from_history(const char *hist)
{
    const char *lines[4096] = {hist};
    int n = 0;
    for (const char *p = hist; *p && n < 4096; p = strchr(p, '\n') + 1) {
        lines[n++] = p;
        if (!strchr(p, '\n')) break;
    }
    int cf = column_of(lines[0], "feasible"), ce = column_of(lines[0], "cycles"),
        ca = column_of(lines[0], "area_um2");
    double *e = calloc((size_t)n, sizeof *e), *a = calloc((size_t)n, sizeof *a);
    bool *ok = calloc((size_t)n, sizeof *ok);
    char buf[64];
    for (int i = 1; i < n; i++) {
        ok[i] = strcmp(csv_field(lines[i], cf, buf, sizeof buf), "1") == 0;
        e[i] = strtod(csv_field(lines[i], ce, buf, sizeof buf), NULL);
        a[i] = strtod(csv_field(lines[i], ca, buf, sizeof buf), NULL);
    }
    size_t cap = strlen(hist) + 1, used = 0;
    char *out = malloc(cap);
    for (int i = 0; i < n; i++) {
        bool keep = i == 0;
        if (i > 0 && ok[i]) {
            keep = true;
            for (int j = 1; j < n && keep; j++) {
                if (j == i || !ok[j]) continue;
                bool same = e[j] == e[i] && a[j] == a[i];
                keep = same ? j > i : !(e[j] <= e[i] && a[j] <= a[i]);
            }
        }
        if (!keep) continue;
        size_t len = strcspn(lines[i], "\n") + 1;
        memcpy(out + used, lines[i], len);
        used += len;
    }
    out[used] = 0;
    free(e);
    free(a);
    free(ok);
    return out;
}

static void test_mo_cli(void **state)
{
    (void)state;
    char dir[256], spec[512], text[4096];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-search-mo"), 0);
    const char *seed = testutil_path(SEED_DIR);
    snprintf(
        text, sizeof text,
        "design:\n  architecture: %s/arch/eyeriss_like.yaml\n"
        "  constraints: [%s/constraints/eyeriss_like_arch_constraints.yaml,\n"
        "                %s/constraints/eyeriss_like_map_constraints.yaml]\n"
        "  mapper: %s/mapper.yaml\n"
        "workload: %s\n"
        "parameters:\n"
        "  - {name: mesh, mesh: {pes: [64, 96, 168]}}\n"
        "  - {name: glb_depth, component: shared_glb, attribute: depth, values: [1024, 4096]}\n"
        "  - {name: glb_width, component: shared_glb, attribute: width, values: [32, 64]}\n"
        "  - {name: psum_depth, component: psum_spad, attribute: depth, values: [8, 16]}\n"
        "budgets: {onchip_bits: baseline}\n"
        "objectives: [cycles, area]\n"
        "ga: {population: 8, generations: 4, seed: 3}\n"
        "references:\n  - {name: poster optimal, genes: {mesh: 4x42, glb_depth: 1024}}\n",
        seed, seed, seed, seed, testutil_path("search/small_prob.yaml"));
    snprintf(spec, sizeof spec, "%s/mo.yaml", dir);
    testutil_write(spec, "%s", text);

    testutil_run r = testutil_cli(dir, "search -o %s/t1 --threads 1 %s", dir, spec);
    assert_run_status(&r, 0);
    testutil_run_free(&r);
    r = testutil_cli(dir, "search -o %s/t2 --threads 2 %s", dir, spec);
    assert_int_equal(r.status, 0);
    testutil_run_free(&r);
    char d1[300], d2[300], dk[300];
    snprintf(d1, sizeof d1, "%s/t1", dir);
    snprintf(d2, sizeof d2, "%s/t2", dir);
    snprintf(dk, sizeof dk, "%s/k", dir);
    char *h1 = testutil_read_in(d1, "history.csv"), *p1 = testutil_read_in(d1, "pareto.csv");
    char *h2 = testutil_read_in(d2, "history.csv"), *p2 = testutil_read_in(d2, "pareto.csv");
    assert_non_null(h1);
    assert_non_null(p1);
    assert_string_equal(h1, h2); /* 1 and 2 threads */
    assert_string_equal(p1, p2);
    char *want = front_from_history(h1);
    assert_string_equal(p1, want); /* the front, recomputed from history.csv alone */
    int rows = 0;
    for (const char *c = p1; *c; c++)
        rows += *c == '\n';
    rows--; /* the header */
    assert_true(rows >= 2);

    /* killed after generation 1, resumed: the same files */
    r = testutil_cli(dir, "search -o %s --stop-after 1 %s", dk, spec);
    assert_int_equal(r.status, 0);
    testutil_run_free(&r);
    r = testutil_cli(dir, "search --resume %s %s", dk, spec);
    assert_int_equal(r.status, 0);
    testutil_run_free(&r);
    char *hk = testutil_read_in(dk, "history.csv"), *pk = testutil_read_in(dk, "pareto.csv");
    assert_string_equal(hk, h1);
    assert_string_equal(pk, p1);

    /* the plots and the report */
    char *svg = testutil_read_in(d1, "pareto.svg"), *hv = testutil_read_in(d1, "hypervolume.svg");
    char *md = testutil_read_in(d1, "report.md");
    char label[64];
    snprintf(label, sizeof label, ">front (%d)<", rows);
    assert_non_null(svg);
    assert_non_null(strstr(svg, label));
    assert_non_null(strstr(svg, ">poster optimal<"));
    assert_non_null(strstr(svg, ">cycles<"));
    assert_non_null(strstr(svg, ">area (mm^2)<"));
    assert_non_null(hv);
    assert_non_null(strstr(hv, "hypervolume"));
    assert_non_null(strstr(md, "## Pareto front"));
    assert_non_null(strstr(md, "## Hypervolume"));
    assert_non_null(strstr(md, "* poster optimal: "));

    /* --json: "pareto" holds the front, "hypervolume" the library's figure */
    r = testutil_cli(dir, "search --json --threads 2 %s", spec);
    assert_int_equal(r.status, 0);
    json_t *doc = json_parse_ok(r.out);
    assert_int_equal(json_array_size(json_object_get(doc, "pareto")), (size_t)rows);
    assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "objectives"), 0)),
                        "cycles");
    double h = json_number_value(json_object_get(doc, "hypervolume"));
    assert_true(h > 0);
    json_decref(doc);
    testutil_run_free(&r);

    free(h1), free(h2), free(p1), free(p2), free(want), free(hk), free(pk);
    free(svg), free(hv), free(md);
    assert_int_equal(testutil_rmtree(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mo_spec), cmocka_unit_test(test_nsga2),
        cmocka_unit_test(test_random),  cmocka_unit_test(test_mesh_pes),
        cmocka_unit_test(test_mo_cli),
    };
    return cmocka_run_group_tests(tests, setup_fixed, NULL);
}
