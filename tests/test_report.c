/*
 * Report writers on hand-built results (no model involved).
 *
 * The round-trip tests rebuild an adse_arch/adse_problem/adse_result from a golden
 * Timeloop stats.txt (the numbers Timeloop printed, plus the exact bandwidth demands
 * computed from the counts) and check that adse_report_write_stats() prints the same file
 * byte for byte (except the summary Area line, where adse prints the real area, and the
 * pre-2025 MAPPING block). The others check number formats, the map.txt layout, the JSON
 * document (parsed with jansson) and argument checks.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "stats_parse.h"

/* ---------------------------------------------------------------------------------------- */
/* helpers                                                                                    */

typedef adse_status (*writer)(FILE *, const adse_arch *, const adse_problem *, const adse_mapping *,
                              const adse_result *);

static char *render(writer w, const adse_arch *a, const adse_problem *p, const adse_mapping *m,
                    const adse_result *r, adse_status *st)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    *st = w(f, a, p, m, r);
    return testutil_stream_text(f);
}

static char *read_data(const char *rel)
{
    char path[1024];
    char *s = testutil_read_file(testutil_data(rel, path, sizeof path));
    if (!s) print_error("cannot read %s\n", path);
    assert_non_null(s);
    return s;
}

/* Compares two texts line by line (MAPPING block and Area line dropped); prints every
 * mismatch and fails if there is one. */
static void assert_same_text(const char *got, const char *want, const char *what)
{
    char *gb, *wb, **gl, **wl;
    int gn = sp_lines(got, true, &gb, &gl);
    int wn = sp_lines(want, true, &wb, &wl);
    int bad = 0;
    int n = gn > wn ? gn : wn;
    for (int i = 0; i < n; i++) {
        const char *g = i < gn ? gl[i] : "<missing>";
        const char *w = i < wn ? wl[i] : "<missing>";
        if (strcmp(g, w) != 0) {
            if (bad < 40)
                print_error("%s: line %d\n   got: '%s'\n  want: '%s'\n", what, i + 1, g, w);
            bad++;
        }
    }
    free(gb);
    free(wb);
    free(gl);
    free(wl);
    if (bad) fail_msg("%s: %d mismatching lines", what, bad);
}

static void parse_instances(const char *v, uint32_t *n, uint32_t *x, uint32_t *y)
{
    unsigned a = 0, b = 0, c = 0;
    assert_int_equal(sscanf(v, "%u (%u*%u)", &a, &b, &c), 3);
    *n = a;
    *x = b;
    *y = c;
}

static double bw_value(const sp_entry *e)
{
    assert_non_null(e);
    return strcmp(e->value, "-") == 0 ? -1.0 : strtod(e->value, NULL);
}

/* Rebuilds arch, problem and result from a parsed stats.txt. */
static void rebuild(const sp_stats *st, adse_arch *a, adse_problem *p, adse_result *r)
{
    memset(a, 0, sizeof *a);
    memset(p, 0, sizeof *p);
    memset(r, 0, sizeof *r);

    /* Data spaces: the usual three first, then any other in order of appearance. */
    const char *std_names[3] = {"Weights", "Inputs", "Outputs"};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < st->n; i++)
            if (strcmp(st->e[i].ds, std_names[k]) == 0) {
                snprintf(p->ds[p->n_ds].name, ADSE_NAME_MAX, "%s", std_names[k]);
                p->ds[p->n_ds].read_write = (k == 2);
                p->n_ds++;
                break;
            }
    }
    p->n_dims = 7;
    memcpy(p->dim_names, "CMRSNPQ", 7);

    const char *arith = st->level_names[0];
    assert_int_equal(st->level_indices[0], 0);
    snprintf(a->arith.name, ADSE_NAME_MAX, "%s", arith);
    uint64_t u = 0;
    assert_true(sp_u64(st, "levels", arith, "", "Word bits", &u));
    a->arith.word_bits = (uint32_t)u;
    const sp_entry *e = sp_find(st, "levels", arith, "", "Instances");
    assert_non_null(e);
    parse_instances(e->value, &a->arith.instances, &a->arith.mesh_x, &a->arith.mesh_y);
    assert_true(sp_f64(st, "levels", arith, "", "Compute energy", &a->arith.e_compute));
    double area_total = 0;
    assert_true(sp_f64(st, "levels", arith, "", "Area (total)", &area_total));
    a->arith.area_um2 = area_total / a->arith.instances;
    assert_true(sp_u64(st, "levels", arith, "", "Utilized instances", &r->utilized_macs));
    assert_true(sp_u64(st, "levels", arith, "", "Computes (total)", &r->computes));
    assert_true(sp_u64(st, "levels", arith, "", "Cycles", &r->compute_cycles));
    assert_true(sp_f64(st, "levels", arith, "", "Energy (total)", &r->mac_energy_pj));

    assert_true(sp_u64(st, "summary", "", "", "Cycles", &r->cycles));
    double fj_total = 0, util = 0;
    assert_true(sp_f64(st, "fj", "", "", "Total", &fj_total));
    assert_true(sp_f64(st, "summary", "", "", "Utilization", &util));
    r->utilization = util / 100.0;
    assert_true(sp_u64(st, "oi", "", "", "Total reduction ops", &r->reduction_ops));
    assert_true(sp_u64(st, "oi", "", "", "Total ops", &r->total_ops));
    assert_true(
        sp_u64(st, "oi", "", "", "Total memory accesses required", &r->memory_accesses_required));
    /* the summary Area line is not compared; keep it at Timeloop's 0.00 anyway */
    r->area_um2 = 0;

    /* energy_pj is summed from the levels below; fJ/Compute Total only checks it */
    a->n_levels = (uint8_t)st->n_oi;
    for (int i = 0; i < st->n_oi; i++) {
        adse_buffer *b = &a->levels[i];
        adse_level_stats *ls = &r->levels[i];
        const char *name = st->oi_names[i];
        snprintf(b->name, ADSE_NAME_MAX, "%s", name);
        sp_u64(st, "oi", name, "", "Total scalar accesses", &ls->accesses);
        if (sp_level_index(st, name) < 0) {
            b->word_bits = 16; /* hidden level: nothing of it is printed */
            continue;
        }
        assert_int_equal(sp_level_index(st, name), i + 1);
        e = sp_find(st, "levels", name, "", "Technology");
        assert_non_null(e);
        b->is_dram = strcmp(e->value, "DRAM") == 0;
        e = sp_find(st, "levels", name, "", "Size");
        assert_non_null(e);
        b->size_specified = strcmp(e->value, "-") != 0;
        b->size_words = strtoull(e->value, NULL, 10);
        assert_true(sp_u64(st, "levels", name, "", "Word bits", &u));
        b->word_bits = (uint32_t)u;
        assert_true(sp_u64(st, "levels", name, "", "Block size", &u));
        b->block_size = (uint32_t)u;
        assert_true(sp_u64(st, "levels", name, "", "Cluster size", &u));
        b->cluster_size = (uint32_t)u;
        e = sp_find(st, "levels", name, "", "Instances");
        assert_non_null(e);
        parse_instances(e->value, &b->instances, &b->mesh_x, &b->mesh_y);
        b->shared_bw = bw_value(sp_find(st, "levels", name, "", "Shared bandwidth"));
        b->read_bw = bw_value(sp_find(st, "levels", name, "", "Read bandwidth"));
        b->write_bw = bw_value(sp_find(st, "levels", name, "", "Write bandwidth"));
        assert_true(sp_f64(st, "levels", name, "", "Multiple buffering", &b->multiple_buffering));
        e = sp_find(st, "levels", name, "", "Effective size");
        assert_non_null(e);
        b->effective_size = strtoull(e->value, NULL, 10);
        assert_true(sp_f64(st, "levels", name, "", "Min utilization", &b->min_utilization));
        assert_true(
            sp_f64(st, "levels", name, "", "Vector access energy", &b->vector_access_energy));
        e = sp_find(st, "levels", name, "", "Vector access energy source");
        assert_non_null(e);
        b->energy_source = strcmp(e->value, "ERT") == 0    ? ADSE_ENERGY_ERT
                           : strcmp(e->value, "user") == 0 ? ADSE_ENERGY_USER
                                                           : ADSE_ENERGY_FALLBACK;
        assert_true(sp_f64(st, "levels", name, "", "Per-instance-cycle leakage", &b->e_leak));
        assert_true(sp_f64(st, "levels", name, "", "Leakage energy (total)", &ls->leak_energy_pj));
        assert_true(sp_f64(st, "levels", name, "", "Area", &b->area_um2));
        assert_true(sp_u64(st, "levels", name, "", "Cycles", &ls->cycles));
        assert_true(sp_f64(st, "levels", name, "", "Bandwidth throttling", &ls->slowdown));
        for (int d = 0; d < p->n_ds; d++) {
            const char *dn = p->ds[d].name;
            adse_ds_stats *s = &ls->ds[d];
            if (!sp_has_ds(st, name, dn)) continue;
            s->kept = true;
            assert_true(sp_u64(st, "levels", name, dn, "Partition size", &s->partition_size));
            assert_true(sp_u64(st, "levels", name, dn, "Utilized capacity", &s->utilized_capacity));
            assert_true(
                sp_u64(st, "levels", name, dn, "Utilized instances (max)", &s->utilized_instances));
            assert_true(
                sp_u64(st, "levels", name, dn, "Utilized clusters (max)", &s->utilized_clusters));
            assert_true(sp_u64(st, "levels", name, dn, "Scalar reads (per-instance)", &s->reads));
            assert_true(sp_u64(st, "levels", name, dn, "Scalar fills (per-instance)", &s->fills));
            assert_true(
                sp_u64(st, "levels", name, dn, "Scalar updates (per-instance)", &s->updates));
            assert_true(sp_u64(st, "levels", name, dn, "Temporal reductions (per-instance)",
                               &s->temporal_reductions));
            assert_true(sp_u64(st, "levels", name, dn, "Address generations (per-cluster)",
                               &s->address_generations));
            assert_true(sp_f64(st, "levels", name, dn, "Energy (per-scalar-access)",
                               &s->energy_per_access_pj));
            assert_true(sp_f64(st, "levels", name, dn, "Energy (per-instance)",
                               &s->energy_per_instance_pj));
            assert_true(sp_f64(st, "levels", name, dn, "Energy (total)", &s->energy_total_pj));
            assert_true(
                sp_f64(st, "levels", name, dn, "Bandwidth Consumption Scale", &s->bw_scale));
        }
        /* The level energy: from fJ/Compute or from its printed parts, whichever is more
         * precise (each printed value is off by up to 0.005). */
        double parts = ls->leak_energy_pj, fj = 0;
        int n_parts = 1;
        for (int d = 0; d < p->n_ds; d++) {
            parts += ls->ds[d].energy_total_pj;
            n_parts += ls->ds[d].kept;
        }
        ls->energy_pj = parts;
        if (sp_f64(st, "fj", "", "", name, &fj) && (double)r->computes / 1000.0 < n_parts)
            ls->energy_pj = fj * (double)r->computes / 1000.0;
        /* Exact bandwidths (the printed ones are rounded): demand x slowdown, with the
         * slowdown recomputed from the limits as Timeloop does (model.md §6). */
        double rd = 0, wd = 0;
        for (int d = 0; d < p->n_ds; d++) {
            const adse_ds_stats *s = &ls->ds[d];
            if (!s->kept) continue;
            rd += (double)s->reads / (double)r->compute_cycles;
            wd += (double)(s->fills + s->updates) / (double)r->compute_cycles;
        }
        double slow = 1.0;
        if (b->read_bw >= 0 && rd > 0 && b->read_bw / rd < slow) slow = b->read_bw / rd;
        if (b->write_bw >= 0 && wd > 0 && b->write_bw / wd < slow) slow = b->write_bw / wd;
        if (b->shared_bw >= 0 && rd + wd > 0 && b->shared_bw / (rd + wd) < slow)
            slow = b->shared_bw / (rd + wd);
        assert_true(fabs(slow - ls->slowdown) <= 0.005);
        ls->slowdown = slow;
        for (int d = 0; d < p->n_ds; d++) {
            adse_ds_stats *s = &ls->ds[d];
            s->read_bw = (double)s->reads / (double)r->compute_cycles * slow;
            s->write_bw = (double)(s->fills + s->updates) / (double)r->compute_cycles * slow;
        }
    }
    r->energy_pj = r->mac_energy_pj;
    int n_parts = 1;
    for (int i = 0; i < a->n_levels; i++) {
        r->energy_pj += r->levels[i].energy_pj;
        n_parts += 1 + p->n_ds;
    }
    if ((double)r->computes / 1000.0 < n_parts)
        r->energy_pj = fj_total * (double)r->computes / 1000.0;
}

static void round_trip(const char *rel)
{
    char *want = read_data(rel);
    sp_stats st;
    sp_parse(&st, want);
    adse_arch *a = calloc(1, sizeof *a);
    adse_problem *p = calloc(1, sizeof *p);
    adse_result *r = calloc(1, sizeof *r);
    rebuild(&st, a, p, r);
    adse_status rc;
    char *got = render(adse_report_write_stats, a, p, NULL, r, &rc);
    assert_int_equal(rc, ADSE_OK);
    assert_same_text(got, want, rel);
    free(got);
    free(a);
    free(p);
    free(r);
    sp_free(&st);
    free(want);
}

/* ---------------------------------------------------------------------------------------- */
/* stats.txt                                                                                  */

static void test_stats_round_trip_case00(void **state)
{
    (void)state;
    round_trip("timeloop-golden/random-mappings/case00_archA/expected_new_translation/"
               "timeloop-model.stats.txt");
}

static void test_stats_round_trip_worked_example(void **state)
{
    (void)state;
    round_trip("timeloop-golden/worked-example-4.10/expected_new_translation/"
               "timeloop-model.stats.txt");
}

static void test_stats_round_trip_seed_hidden_level(void **state)
{
    (void)state;
    /* DummyBuffer has no accesses and no energy: hidden, Level 4 skipped, listed empty in
     * the operational-intensity block; network names set the fJ/Compute column. */
    round_trip("seed-experiment/original/timeloop-mapper-out/timeloop-master-model.stats.txt");
}

static void test_stats_round_trip_exercise_simba(void **state)
{
    (void)state;
    /* dummy levels, cluster size 64, the pre-2025 MAPPING block (ignored) */
    round_trip("timeloop-golden/exercises-refs/"
               "example_designs__example_designs__simba_like__ref_outputs__default_problem/"
               "timeloop-mapper.stats.txt");
}

static void test_stats_round_trip_exercise_conv1d(void **state)
{
    (void)state;
    round_trip("timeloop-golden/exercises-refs/"
               "tutorial_exercises__01_accelergy_timeloop_2020_ispass__timeloop__"
               "00-model-conv1d-1level__ref-output/timeloop-model.stats.txt");
}

static void test_stats_round_trip_all(void **state)
{
    (void)state;
    /* every Timeloop master / exercise stats.txt of the golden set and the seed's master
     * re-evaluations */
    const char *groups[] = {"timeloop-golden/random-mappings", "timeloop-golden/exercises-refs"};
    const char *names[] = {"expected_new_translation/timeloop-model.stats.txt",
                           "expected_legacy_translation/timeloop-model.stats.txt",
                           "timeloop-model.stats.txt", "timeloop-mapper.stats.txt"};
    int files = 0;
    for (int g = 0; g < 2; g++) {
        char dir[1024];
        char **cases;
        int n = sp_list_dir(testutil_data(groups[g], dir, sizeof dir), &cases);
        for (int c = 0; c < n; c++) {
            for (int k = 0; k < 4; k++) {
                char rel[1024], path[2048];
                snprintf(rel, sizeof rel, "%s/%s/%s", groups[g], cases[c], names[k]);
                if (!sp_file_exists(testutil_data(rel, path, sizeof path))) continue;
                round_trip(rel);
                files++;
            }
        }
        sp_free_names(cases, n);
    }
    const char *seed[] = {"original/timeloop-mapper-out", "original/timeloop-mapper-out-noQX",
                          "optimal-4x42/timeloop-mapper-out"};
    for (int k = 0; k < 3; k++) {
        char rel[256];
        snprintf(rel, sizeof rel, "seed-experiment/%s/timeloop-master-model.stats.txt", seed[k]);
        round_trip(rel);
        files++;
    }
    assert_int_equal(files, 24 * 2 + 19 + 3);
}

/* A tiny hand-made architecture: 1 MAC under one buffer. */
static void tiny(adse_arch *a, adse_problem *p, adse_mapping *m, adse_result *r)
{
    memset(a, 0, sizeof *a);
    memset(p, 0, sizeof *p);
    memset(r, 0, sizeof *r);
    strcpy(a->arith.name, "mac");
    a->arith.instances = a->arith.mesh_x = a->arith.mesh_y = 1;
    a->arith.word_bits = 8;
    a->arith.e_compute = 0.845;
    a->arith.area_um2 = 332.25;
    a->n_levels = 1;
    adse_buffer *b = &a->levels[0];
    strcpy(b->name, "Buffer");
    b->word_bits = 8;
    b->block_size = b->cluster_size = 1;
    b->instances = b->mesh_x = b->mesh_y = 1;
    b->size_specified = true;
    b->size_words = b->effective_size = 64;
    b->multiple_buffering = 1;
    b->shared_bw = -1;
    b->read_bw = 2.5;
    b->write_bw = -1;
    b->vector_access_energy = 0.4255;
    b->energy_source = ADSE_ENERGY_USER;
    p->n_dims = 2;
    memcpy(p->dim_names, "PR", 2);
    p->bounds[0] = 16;
    p->bounds[1] = 3;
    p->n_ds = 1;
    strcpy(p->ds[0].name, "Outputs");
    p->ds[0].read_write = true;
    adse_mapping_init(m, 1, 2, 1);
    m->temporal[0][0] = 16;
    m->temporal[0][1] = 3;
    m->temporal_perm[0][0] = 1; /* R innermost */
    m->temporal_perm[0][1] = 0;
    r->computes = 48;
    r->compute_cycles = 48;
    r->cycles = 48;
    r->utilized_macs = 1;
    r->mac_energy_pj = 40.56;
    r->utilization = 1.0;
    r->total_ops = 80;
    r->reduction_ops = 32;
    r->memory_accesses_required = 16;
    r->area_um2 = 1220090.0; /* 1.22009 mm^2 -> "1.22" */
    adse_level_stats *ls = &r->levels[0];
    ls->cycles = 48;
    ls->slowdown = 1;
    ls->accesses = 80;
    ls->leak_energy_pj = 0.04;
    adse_ds_stats *s = &ls->ds[0];
    s->kept = true;
    s->partition_size = s->utilized_capacity = 16;
    s->utilized_instances = s->utilized_clusters = 1;
    s->reads = 32;
    s->updates = 48;
    s->temporal_reductions = 32;
    s->address_generations = 48;
    s->energy_per_instance_pj = 34.045;
    s->energy_total_pj = 34.045;
    s->energy_per_access_pj = 34.045 / 80;
    s->bw_scale = 1;
    s->read_bw = 32.0 / 48;
    s->write_bw = 1;
    ls->energy_pj = 34.045 + 0.04;
    r->energy_pj = r->mac_energy_pj + ls->energy_pj;
}

static void test_stats_formats(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    adse_result r;
    tiny(&a, &p, &m, &r);
    adse_status rc;
    char *s = render(adse_report_write_stats, &a, &p, &m, &r, &rc);
    assert_int_equal(rc, ADSE_OK);
    /* two decimals, '-' for unspecified, the level label widths */
    assert_non_null(strstr(s, "\n    Compute energy        : 0.84 pJ\n")); /* 0.845 -> 0.84 */
    assert_non_null(strstr(s, "\n    Area (total)            : 332.25 um^2\n"));
    assert_non_null(strstr(s, "\n        Read bandwidth                  : 2.50\n"));
    assert_non_null(strstr(s, "\n        Write bandwidth                 : -\n"));
    assert_non_null(strstr(s, "\n        Vector access energy source     : user\n"));
    assert_non_null(strstr(s, "\n        Vector access energy            : 0.43 pJ\n"));
    assert_non_null(strstr(s, "\n        Scalar reads (per-instance)              : 32\n"));
    assert_non_null(
        strstr(s, "\n        Read Bandwidth (per-instance)            : 0.67 words/cycle\n"));
    assert_non_null(
        strstr(s, "\n        Shared Bandwidth (total)                 : 1.67 words/cycle\n"));
    assert_non_null(strstr(s, "\n    Op per Byte                             : 1.00\n"));
    assert_non_null(strstr(s, "\n    Optimal Op per Byte                     : 5.00\n"));
    assert_non_null(strstr(s, "\nGFLOPs (@1GHz): 1.67\nUtilization: 100.00%\nCycles: 48\n"));
    assert_non_null(strstr(s, "\nEnergy: 0.00 uJ\nEDP(J*cycle): 3.58e-09\n"));
    /* the real area, not Timeloop's 0.00 */
    assert_non_null(strstr(s, "\nArea: 1.22 mm^2\n"));
    /* name column: "Buffer <==> mac" is 15 characters, so names are padded to 16 */
    assert_non_null(strstr(s, "\nComputes = 48\nfJ/Compute\n    mac             = 845.00\n"
                              "    Buffer          = 710.10\n    Total           = 1555.10\n\n"));
    assert_null(strstr(s, "MAPPING"));
    free(s);

    /* a level with no accesses and no energy is hidden but keeps its index */
    a.n_levels = 2;
    a.levels[1] = a.levels[0];
    strcpy(a.levels[1].name, "Dummy");
    r.levels[1] = r.levels[0];
    memset(&r.levels[0], 0, sizeof r.levels[0]);
    s = render(adse_report_write_stats, &a, &p, NULL, &r, &rc);
    assert_int_equal(rc, ADSE_OK);
    assert_null(strstr(s, "Level 1\n"));
    assert_non_null(strstr(s, "Level 2\n-------\n=== Dummy ===\n"));
    assert_non_null(strstr(s, "=== Buffer ===\n=== Dummy ===\n    Total scalar accesses"));
    free(s);
}

static void test_summary_line(void **state)
{
    (void)state;
    adse_result r;
    memset(&r, 0, sizeof r);
    r.utilization = 1.0;
    r.computes = 48;
    r.energy_pj = 2406.54 * 48 / 1000.0;
    r.cycles = 48;
    char buf[128];
    assert_string_equal(adse_report_summary_line(&r, buf, sizeof buf),
                        "Utilization = 1.00 | pJ/Compute =    2.407 | Cycles = 48");
    r.utilization = 0.125;
    r.energy_pj = 12345678.9 * 1000;
    r.computes = 1000;
    r.cycles = 6144;
    assert_string_equal(adse_report_summary_line(&r, buf, sizeof buf),
                        "Utilization = 0.12 | pJ/Compute = 12345678.900 | Cycles = 6144");
}

/* ---------------------------------------------------------------------------------------- */
/* map.txt                                                                                    */

static void test_map_case00(void **state)
{
    (void)state;
    /* random-mappings/case00_archA: arch A, mapping of its prob_map.yaml, the utilized
     * capacities of its expected stats.txt. */
    char *want_stats = read_data("timeloop-golden/random-mappings/case00_archA/"
                                 "expected_new_translation/timeloop-model.stats.txt");
    char *want = read_data("timeloop-golden/random-mappings/case00_archA/"
                           "expected_new_translation/timeloop-model.map.txt");
    sp_stats st;
    sp_parse(&st, want_stats);
    adse_arch *a = calloc(1, sizeof *a);
    adse_problem *p = calloc(1, sizeof *p);
    adse_result *r = calloc(1, sizeof *r);
    rebuild(&st, a, p, r);
    /* dims C M R S N P Q */
    adse_mapping m;
    adse_mapping_init(&m, 3, 7, 3);
    const uint64_t spad[7] = {4, 4, 3, 1, 1, 8, 2};
    const uint64_t glb[7] = {1, 1, 1, 1, 2, 1, 2};
    const uint64_t dram[7] = {1, 1, 1, 1, 1, 1, 2};
    memcpy(m.temporal[0], spad, sizeof spad);
    memcpy(m.temporal[1], glb, sizeof glb);
    memcpy(m.temporal[2], dram, sizeof dram);
    m.spatial[1][0] = 2;
    const char *dims = "CMRSNPQ";
    const char *perms[3] = {"PQCSMNR", "SRNQMPC", "RPMCSNQ"};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 7; k++)
            m.temporal_perm[i][k] = (uint8_t)(strchr(dims, perms[i][k]) - dims);
    for (int k = 0; k < 7; k++)
        m.spatial_perm[1][k] = (uint8_t)(strchr(dims, "CMNPQRS"[k]) - dims);
    m.split[1] = 1;
    adse_status rc;
    char *got = render(adse_report_write_map, a, p, &m, r, &rc);
    assert_int_equal(rc, ADSE_OK);
    assert_string_equal(got, want);
    free(got);

    /* Spatial-Y, consecutive headers, bypass: move C to Y (split 0), bypass all at GLB and
     * give DRAM no loops. */
    m.split[1] = 0;
    for (int d = 0; d < 3; d++)
        r->levels[1].ds[d].kept = false;
    m.temporal[0][6] = 4;
    m.temporal[2][6] = 1;
    got = render(adse_report_write_map, a, p, &m, r, &rc);
    assert_int_equal(rc, ADSE_OK);
    assert_string_equal(got, "DRAM [ Weights:96 (96) Inputs:2176 (2176) Outputs:512 (512) ] \n"
                             "GLB [ ] \n"
                             "-------\n"
                             "| for Q in [0:2)\n"
                             "|   for N in [0:2)\n"
                             "|     for C in [0:2) (Spatial-Y)\n"
                             "\n"
                             "spad [ Weights:48 (48) Inputs:136 (136) Outputs:64 (64) ] \n"
                             "---------------------------------------------------------\n"
                             "|       for R in [0:3)\n"
                             "|         for M in [0:4)\n"
                             "|           for C in [0:4)\n"
                             "|             for Q in [0:4)\n"
                             "|               for P in [0:8)\n"
                             "|                 << Compute >>\n");
    free(got);
    sp_free(&st);
    free(a);
    free(p);
    free(r);
    free(want);
    free(want_stats);
}

static void test_map_no_loops(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    adse_result r;
    tiny(&a, &p, &m, &r);
    m.temporal[0][0] = m.temporal[0][1] = 1;
    adse_status rc;
    char *s = render(adse_report_write_map, &a, &p, &m, &r, &rc);
    assert_int_equal(rc, ADSE_OK);
    assert_string_equal(s, "Buffer [ Outputs:16 (16) ] \n"
                           "--------------------------\n"
                           "| << Compute >>\n");
    free(s);
}

/* ---------------------------------------------------------------------------------------- */
/* JSON                                                                                       */

static void test_json_document(void **state)
{
    (void)state;
    char *text = read_data("timeloop-golden/random-mappings/case00_archA/"
                           "expected_new_translation/timeloop-model.stats.txt");
    sp_stats st;
    sp_parse(&st, text);
    adse_arch *a = calloc(1, sizeof *a);
    adse_problem *p = calloc(1, sizeof *p);
    adse_result *r = calloc(1, sizeof *r);
    rebuild(&st, a, p, r);
    r->gflops = 3.916;
    r->edp = 4.91e-4;
    r->area_um2 = 1.0 / 3.0;
    adse_status rc;
    char *s = render(adse_report_write_json, a, p, NULL, r, &rc);
    assert_int_equal(rc, ADSE_OK);
    assert_true(strlen(s) > 0 && s[strlen(s) - 1] == '\n');
    json_t *root = json_parse_ok(s);
    assert_true(json_is_integer(json_object_get(root, "cycles")));
    assert_int_equal(json_integer_value(json_object_get(root, "cycles")), 6144);
    assert_int_equal(json_integer_value(json_object_get(root, "computes")), 12288);
    assert_true(json_real_value(json_object_get(root, "energy_pj")) == r->energy_pj);
    assert_true(json_real_value(json_object_get(root, "utilization")) == 0.125);
    assert_true(json_real_value(json_object_get(root, "gflops")) == 3.916);
    assert_true(json_real_value(json_object_get(root, "edp")) == 4.91e-4);
    /* %.17g round-trips */
    assert_true(json_real_value(json_object_get(root, "area_um2")) == 1.0 / 3.0);
    json_t *levels = json_object_get(root, "levels");
    assert_int_equal(json_array_size(levels), 3);
    json_t *spad = json_array_get(levels, 0);
    assert_string_equal(json_string_value(json_object_get(spad, "name")), "spad");
    json_t *dsp = json_object_get(spad, "dataspaces");
    assert_int_equal(json_object_size(dsp), 3);
    json_t *w = json_object_get(dsp, "Weights");
    assert_int_equal(json_integer_value(json_object_get(w, "reads_per_instance")), 6144);
    assert_int_equal(json_integer_value(json_object_get(w, "fills_per_instance")), 48);
    assert_int_equal(json_integer_value(json_object_get(w, "updates_per_instance")), 0);
    assert_int_equal(json_integer_value(json_object_get(w, "utilized_capacity")), 48);
    assert_int_equal(json_integer_value(json_object_get(w, "utilized_instances")), 2);
    json_t *o =
        json_object_get(json_object_get(json_array_get(levels, 1), "dataspaces"), "Outputs");
    assert_int_equal(json_integer_value(json_object_get(o, "updates_per_instance")), 512);
    json_t *ar = json_object_get(root, "arithmetic");
    assert_string_equal(json_string_value(json_object_get(ar, "name")), "mac");
    assert_int_equal(json_integer_value(json_object_get(ar, "utilized_instances")), 2);
    assert_true(json_real_value(json_object_get(ar, "energy_pj")) == 12288.0);
    json_decref(root);
    free(s);

    /* bypassed data spaces are absent; names are escaped; non-finite numbers become null */
    for (int d = 0; d < 3; d++)
        r->levels[1].ds[d].kept = d == 2;
    strcpy(a->levels[0].name, "sp\"a\\d\n\x01");
    r->utilization = NAN;
    s = render(adse_report_write_json, a, p, NULL, r, &rc);
    assert_int_equal(rc, ADSE_OK);
    root = json_parse_ok(s);
    levels = json_object_get(root, "levels");
    assert_string_equal(json_string_value(json_object_get(json_array_get(levels, 0), "name")),
                        "sp\"a\\d\n\x01");
    dsp = json_object_get(json_array_get(levels, 1), "dataspaces");
    assert_int_equal(json_object_size(dsp), 1);
    assert_non_null(json_object_get(dsp, "Outputs"));
    assert_true(json_is_null(json_object_get(root, "utilization")));
    json_decref(root);
    free(s);

    sp_free(&st);
    free(a);
    free(p);
    free(r);
    free(text);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    adse_result r;
    tiny(&a, &p, &m, &r);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(adse_report_write_stats(NULL, &a, &p, &m, &r), ADSE_E_USAGE);
    assert_int_equal(adse_report_write_stats(f, NULL, &p, &m, &r), ADSE_E_USAGE);
    assert_int_equal(adse_report_write_map(f, &a, &p, NULL, &r), ADSE_E_USAGE);
    assert_int_equal(adse_report_write_json(f, &a, &p, &m, NULL), ADSE_E_USAGE);
    r.fail = ADSE_FAIL_CAPACITY;
    assert_int_equal(adse_report_write_stats(f, &a, &p, &m, &r), ADSE_E_USAGE);
    assert_int_equal(adse_report_write_map(f, &a, &p, &m, &r), ADSE_E_USAGE);
    assert_int_equal(adse_report_write_json(f, &a, &p, &m, &r), ADSE_E_USAGE);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_round_trip_case00),
        cmocka_unit_test(test_stats_round_trip_worked_example),
        cmocka_unit_test(test_stats_round_trip_seed_hidden_level),
        cmocka_unit_test(test_stats_round_trip_exercise_simba),
        cmocka_unit_test(test_stats_round_trip_exercise_conv1d),
        cmocka_unit_test(test_stats_round_trip_all),
        cmocka_unit_test(test_stats_formats),
        cmocka_unit_test(test_summary_line),
        cmocka_unit_test(test_map_case00),
        cmocka_unit_test(test_map_no_loops),
        cmocka_unit_test(test_json_document),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
