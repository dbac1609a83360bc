/*
 * Hardware search: the spec loader and its errors (each naming the spec line), genes ->
 * architectures (derived attributes, the mesh rewrite, the YAML writer's round trip), the
 * GA's bookkeeping (cache, budgets, infeasible designs), determinism for any thread count,
 * a killed-and-resumed run equal to an uninterrupted one, and `adse search` end to end.
 * The GA tests replace the mapper with a fixed mapping (Timeloop's best mapping of the
 * seed design: designs it does not fit have no mapping) so that they take milliseconds;
 * the mapper itself drives the small-layer tests and the CLI tests.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "adse/adse.h"
#include "adse/search.h"
#include "adse/search_report.h"
#include "adse/search_spec.h"
#include "report/svg.h"
#include "search/search_internal.h"
#include "searchutil.h"

/* ---- helpers: tests/support/searchutil.h ---------------------------------------------- */

/* ---- the spec ------------------------------------------------------------------------ */

static void test_example_spec(void **state)
{
    (void)state;
    adse_search_spec *s =
        load_spec_file_ok(ADSE_TEST_DATA_DIR "/../../examples/seed-eyeriss-vgg16/search.yaml");
    assert_int_equal(s->n_genes, 9);
    assert_int_equal(s->genes[0].attr, ADSE_GENE_MESH);
    assert_int_equal(s->genes[0].n_values, 16); /* factor pairs of 168 */
    assert_int_equal(s->genes[1].n_values, 7);  /* 256 .. 16384 */
    assert_int_equal(s->genes[3].n_values, 16); /* 2, 4, .. 32 */
    assert_true(s->budgets[ADSE_BUDGET_ONCHIP_BITS].set);
    assert_true(s->budgets[ADSE_BUDGET_ONCHIP_BITS].of_baseline);
    assert_true(s->loss.normalize);
    assert_int_equal(s->n_refs, 1);
    assert_true(s->refs[0].values[0] == 4);
    assert_int_equal(s->n_layers, 1);
    assert_non_null(strstr(s->arch_files[0], "examples/seed-eyeriss-vgg16/arch/eyeriss_like.yaml"));
    adse_search_spec_free(s);

    /* mapper overrides, a workload file, defaults */
    s = load_spec_ok(DESIGN "mapper: {time_limit: 5, metrics: [energy, delay]}\n"
                            "workload: prob.yaml\n" GENES);
    assert_true(s->has_time_limit && s->time_limit_s == 5);
    assert_int_equal(s->n_metrics, 2);
    assert_int_equal(s->metrics[0], ADSE_METRIC_ENERGY);
    assert_string_equal(s->layers[0].name, "prob");
    assert_true(s->layers[0].weight == 1);
    assert_int_equal(s->ga.population, 16);
    assert_true(s->loss.normalize && s->loss.weights[ADSE_SM_CYCLES] == 1);
    adse_search_spec_free(s);
}

static void test_spec_errors(void **state)
{
    (void)state;
    /* parse-level */
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: a, component: shared_glb, "
                        "attribute: depth, values: [16, -4]}\n",
                 8, 0, "value -4 of gene 'a' must be positive");
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: a, component: shared_glb, "
                        "attribute: depth, values: []}\n",
                 8, 0, "must be a non-empty list");
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: a, component: shared_glb, "
                        "attribute: depth, values: [16, big]}\n",
                 8, 0, "must be a number, got 'big'");
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: a, component: shared_glb, "
                        "attribute: depth, values: [16, 16]}\n",
                 8, 0, "duplicate value 16");
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: a, component: shared_glb, "
                        "attribute: depth, range: {min: 100, max: 1000, scale: pow2}}\n",
                 8, 0, "min 100 of a pow2 range is not a power of two");
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: a, component: shared_glb, "
                        "attribute: depth, range: {min: 10, max: 2}}\n",
                 8, 0, "max 2 is below min 10");
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: a, component: shared_glb, "
                        "attribute: colour, values: [1]}\n",
                 8, 0, "unknown attribute 'colour'");
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: m, mesh: 168}\n"
                        "  - {name: m, component: shared_glb, attribute: depth, values: [1]}\n",
                 9, 0, "duplicate parameter name 'm'");
    expect_error(DESIGN "workload: prob.yaml\n" GENES "budgets: {onchip_bits: lots}\n", 17, 0,
                 "a budget must be a positive number");
    expect_error(DESIGN "workload: prob.yaml\n" GENES "loss: cycles + * energy\n", 17, 16,
                 "loss expression: unexpected '*'");
    expect_error(DESIGN "workload: prob.yaml\n" GENES "loss: cycles + watts\n", 17, 0,
                 "unknown name 'watts'");
    expect_error(DESIGN "workload: prob.yaml\n" GENES "ga: {population: 4, parents: 5}\n", 17, 0,
                 "'parents' (5) exceeds 'population' (4)");
    expect_error(DESIGN "workload: prob.yaml\n" GENES "extra: 1\n", 17, 1,
                 "unknown top-level key 'extra'");
    /* checked against the architecture */
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: a, component: shared_glbx, "
                        "attribute: depth, values: [16]}\n",
                 8, 0, "parameter 'a': no component 'shared_glbx' in the architecture");
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - name: w\n    component: shared_glb\n"
                        "    attribute: width\n    values: [64, 24]\n",
                 11, 13,
                 "value 24 of parameter 'w' gives no valid architecture: width 24 of "
                 "'shared_glb' is not a multiple of word_bits");
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: a, component: mac, "
                        "attribute: depth, values: [16]}\n",
                 8, 0, "does not apply to the arithmetic component 'mac'");
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: m, mesh: 100}\n", 8, 0,
                 "no component has 100 instances");
    expect_error(DESIGN "workload: prob.yaml\n" GENES "budgets:\n  pes: 168\n"
                        "  onchip_bits: 100000\n",
                 19, 16, "budget 'onchip_bits' (100000) cannot be met: the smallest design");
    expect_error(DESIGN "workload: prob.yaml\n" GENES "budgets: {pes: 100}\n", 17, 16,
                 "budget 'pes' (100) cannot be met");
    expect_error(DESIGN "workload: missing.yaml\n" GENES, 6, 11, "missing.yaml: cannot open file");
    expect_error(DESIGN "workload: prob.yaml\n" GENES
                        "references:\n  - {name: r, genes: {mesh: 5x30}}\n",
                 18, 0, "value of mesh gene 'mesh' must be");
}

/* ---- genes -> architectures ---------------------------------------------------------- */

static void test_design_arch_and_yaml(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_ok(
        DESIGN
        "workload: prob.yaml\n"
        "parameters:\n"
        "  - {name: mesh, mesh: 168}\n"
        "  - {name: glb_depth, component: shared_glb, attribute: depth, values: [512, 16384]}\n"
        "  - {name: glb_width, component: shared_glb, attribute: width, values: [64, 512]}\n"
        "  - {name: ifmap_width, component: ifmap_spad, attribute: width, values: [16, 64]}\n"
        "  - {name: psum_depth, component: psum_spad, attribute: depth, values: [8, 16]}\n"
        "  - {name: psum_width, component: psum_spad, attribute: width, values: [16, 128]}\n");
    adse_search *s = create_ok(spec, 1, true);
    double genes[] = {4, 512, 512, 64, 8, 128};
    adse_arch a;
    adse_err e;
    assert_int_equal(adse_search_design_arch(s, genes, &a, &e), ADSE_OK);
    int glb = adse_arch_level_id(&a, "shared_glb"), dummy = adse_arch_level_id(&a, "DummyBuffer");
    int ifm = adse_arch_level_id(&a, "ifmap_spad"), psum = adse_arch_level_id(&a, "psum_spad");
    /* block size follows width / word bits; size = depth * block */
    assert_int_equal(a.levels[glb].block_size, 32);
    assert_int_equal(a.levels[glb].size_words, 512 * 32);
    assert_int_equal(a.levels[ifm].block_size, 4);
    assert_int_equal(a.levels[psum].block_size, 8);
    assert_int_equal(a.levels[psum].size_words, 64);
    /* the mesh: PE-level meshX 4 x 42, one DummyBuffer per column */
    assert_int_equal(a.arith.mesh_x, 4);
    assert_int_equal(a.arith.mesh_y, 42);
    assert_int_equal(a.levels[psum].mesh_x, 4);
    assert_int_equal(a.levels[dummy].instances, 4);
    assert_int_equal(a.levels[dummy].mesh_x, 4);
    /* re-priced: a 512 x 512 glb is smaller and cheaper per access than 16384 x 64 */
    const adse_arch *base = &adse_search_layer_spec(s, 0)->arch;
    assert_true(a.levels[glb].area_um2 < base->levels[glb].area_um2);
    assert_true(a.levels[glb].e_read != base->levels[glb].e_read);

    /* the YAML writer: loading its output gives the same architecture, prices included */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(adse_spec_write_arch_yaml(f, adse_search_layer_spec(s, 0), &a, &e), ADSE_OK);
    fclose(f);
    assert_non_null(strstr(buf, "DummyBuffer[0..3]"));
    assert_non_null(strstr(buf, "block-size: 32"));
    const char *texts[1] = {buf};
    adse_spec *back = NULL;
    assert_int_equal(adse_spec_load_strings(texts, NULL, 1, &back, &e), ADSE_OK);
    assert_int_equal(back->arch.n_levels, a.n_levels);
    for (int i = 0; i < a.n_levels; i++) {
        const adse_buffer *x = &back->arch.levels[i], *y = &a.levels[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->instances, y->instances);
        assert_int_equal(x->mesh_x, y->mesh_x);
        assert_int_equal(x->mesh_y, y->mesh_y);
        assert_int_equal(x->size_words, y->size_words);
        assert_int_equal(x->block_size, y->block_size);
        assert_int_equal(x->cluster_size, y->cluster_size);
        assert_true(x->e_read == y->e_read && x->e_fill == y->e_fill && x->area_um2 == y->area_um2);
    }
    assert_int_equal(back->arch.arith.mesh_x, 4);
    assert_true(back->arch.arith.e_compute == a.arith.e_compute);
    adse_spec_free(back);
    free(buf);

    adse_search_free(s);
    adse_search_spec_free(spec);
}

/* ---- every design written out and read back is the design evaluated ------------------ */

/* The seed architecture with its sizes declared every way the loader accepts: shared_glb and
 * DummyBuffer by sizeKB (128 KiB = the baseline's 65536 16-bit words), ifmap_spad and
 * psum_spad by entries, weights_spad by depth (as the seed does); and the genes of every kind
 * on them: word bits (a sizeKB level keeps its kilobytes), width (block size follows), block
 * size (cluster size follows), depth (on levels sized by entries and sizeKB: the depth
 * becomes their size), the arithmetic word bits, a bandwidth and the mesh. */
static const char *const rt_edits[][2] = {
    {"memory_depth: 16384", "sizeKB: 128"}, /* in this order: the last needs it gone */
    {"memory_depth: 12", "entries: 12"},
    {"memory_depth: 16", "entries: 16"},
    {"depth: 16", "sizeKB: 1"}, /* DummyBuffer's, the only one left */
};

#define RT_GENES                                                                                   \
    "parameters:\n"                                                                                \
    "  - {name: mesh, mesh: {total: 168, meshX: [14, 12]}}\n"                                      \
    "  - {name: glb_bits, component: shared_glb, attribute: word-bits, values: [16, 8]}\n"         \
    "  - {name: glb_width, component: shared_glb, attribute: width, values: [64, 128]}\n"          \
    "  - {name: glb_rbw, component: shared_glb, attribute: read_bandwidth, values: [16, 8]}\n"     \
    "  - {name: ifmap_width, component: ifmap_spad, attribute: width, values: [16, 32]}\n"         \
    "  - {name: ifmap_bits, component: ifmap_spad, attribute: datawidth, values: [16, 8]}\n"       \
    "  - {name: w_block, component: weights_spad, attribute: block_size, values: [1, 2]}\n"        \
    "  - {name: w_width, component: weights_spad, attribute: width, values: [16, 32]}\n"           \
    "  - {name: psum_depth, component: psum_spad, attribute: depth, values: [16, 32]}\n"           \
    "  - {name: dummy_depth, component: DummyBuffer, attribute: depth, values: [16, 32]}\n"        \
    "  - {name: mac_bits, component: mac, attribute: word_bits, values: [16, 8]}\n"

/* The levels' typed geometry and prices, equal to the bit. */
static void rt_same_arch(const adse_arch *x, const adse_arch *y, const char *design)
{
    bool same = x->n_levels == y->n_levels && x->arith.instances == y->arith.instances &&
                x->arith.mesh_x == y->arith.mesh_x && x->arith.mesh_y == y->arith.mesh_y &&
                x->arith.word_bits == y->arith.word_bits &&
                x->arith.e_compute == y->arith.e_compute && x->arith.area_um2 == y->arith.area_um2;
    for (int i = 0; i < x->n_levels && same; i++) {
        const adse_buffer *a = &x->levels[i], *b = &y->levels[i];
        same = a->word_bits == b->word_bits && a->block_size == b->block_size &&
               a->cluster_size == b->cluster_size && a->size_specified == b->size_specified &&
               a->size_words == b->size_words && a->effective_size == b->effective_size &&
               a->instances == b->instances && a->mesh_x == b->mesh_x && a->mesh_y == b->mesh_y &&
               a->read_bw == b->read_bw && a->write_bw == b->write_bw &&
               a->network_word_bits == b->network_word_bits && a->e_read == b->e_read &&
               a->e_fill == b->e_fill && a->e_update == b->e_update && a->e_leak == b->e_leak &&
               a->area_um2 == b->area_um2;
        if (!same)
            print_error("%s: '%s' evaluated %u-bit words, block %u, cluster %u, %llu words, "
                        "read %.6g pJ; read back %u, %u, %u, %llu, %.6g\n",
                        design, a->name, (unsigned)a->word_bits, (unsigned)a->block_size,
                        (unsigned)a->cluster_size, (unsigned long long)a->size_words, a->e_read,
                        (unsigned)b->word_bits, (unsigned)b->block_size, (unsigned)b->cluster_size,
                        (unsigned long long)b->size_words, b->e_read);
    }
    if (!same) fail_msg("%s: the architecture read back is not the one evaluated", design);
}

/* The fixed mapping's evaluation of arch on the seed layer. */
static adse_status rt_evaluate(const adse_arch *arch, const adse_problem *prob, adse_result *r)
{
    adse_model *m = NULL;
    adse_err e;
    assert_int_equal(adse_model_create(arch, prob, NULL, &m, &e), ADSE_OK);
    adse_scratch *sc = adse_scratch_new(m);
    assert_non_null(sc);
    adse_status st = adse_model_evaluate(m, &g_fixed, sc, r, NULL);
    adse_scratch_free(sc);
    adse_model_free(m);
    return st;
}

static void test_design_round_trip(void **state)
{
    (void)state;
    char dir[256], arch_path[300];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-roundtrip"), 0);
    char *arch = testutil_read_file(testutil_path(SEED_DIR "/arch/eyeriss_like.yaml"));
    assert_non_null(arch);
    for (size_t k = 0; k < sizeof rt_edits / sizeof rt_edits[0]; k++) {
        char *at = strstr(arch, rt_edits[k][0]);
        assert_non_null(at);
        size_t old = strlen(rt_edits[k][0]), add = strlen(rt_edits[k][1]), len = strlen(arch);
        char *edited = malloc(len - old + add + 1);
        assert_non_null(edited);
        size_t head = (size_t)(at - arch);
        memcpy(edited, arch, head);
        memcpy(edited + head, rt_edits[k][1], add);
        memcpy(edited + head + add, at + old, len - head - old + 1);
        free(arch);
        arch = edited;
    }
    snprintf(arch_path, sizeof arch_path, "%s/arch.yaml", dir);
    testutil_write(arch_path, "%s", arch);
    free(arch);

    char text[4096];
    snprintf(text, sizeof text,
             "design:\n  architecture: %s\n"
             "  constraints: [constraints/eyeriss_like_arch_constraints.yaml,\n"
             "                constraints/eyeriss_like_map_constraints.yaml]\n"
             "  mapper: mapper.yaml\n"
             "workload: prob.yaml\n" RT_GENES,
             arch_path);
    adse_search_spec *spec = load_spec_ok(text);
    adse_search *s = create_ok(spec, 1, true);
    const adse_spec *layer = adse_search_layer_spec(s, 0);
    int n_genes = spec->n_genes, n_valid = 0, n_mapped = 0, n = 1;
    for (int g = 0; g < n_genes; g++)
        n *= spec->genes[g].n_values;
    adse_arch *design = malloc(sizeof *design);
    assert_non_null(design);
    for (int k = 0; k < n; k++) { /* every combination of the gene values */
        double genes[ADSE_SEARCH_MAX_GENES];
        char name[512] = "design";
        size_t used = strlen(name);
        for (int g = 0, rest = k; g < n_genes; g++) {
            const adse_search_gene *gn = &spec->genes[g];
            genes[g] = gn->values[rest % gn->n_values];
            rest /= gn->n_values;
            char v[32];
            used += (size_t)snprintf(name + used, sizeof name - used, " %s=%s", gn->name,
                                     adse_search_format_gene(s, g, genes[g], v, sizeof v));
        }
        adse_err e;
        if (adse_search_design_arch(s, genes, design, &e) != ADSE_OK) continue; /* impossible */
        n_valid++;
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        assert_non_null(out);
        assert_int_equal(adse_spec_write_arch_yaml(out, layer, design, &e), ADSE_OK);
        fclose(out);
        const char *texts[1] = {buf};
        const char *names[1] = {"best/arch.yaml"};
        adse_spec *back = NULL;
        if (adse_spec_load_strings(texts, names, 1, &back, &e) != ADSE_OK) {
            char b[1200];
            print_error("%s: written as\n%s\n", name, buf);
            fail_msg("%s: the written architecture does not load: %s", name,
                     adse_err_format(&e, b, sizeof b));
        }
        rt_same_arch(design, &back->arch, name);
        adse_result want, got;
        adse_status st1 = rt_evaluate(design, &layer->problem, &want);
        adse_status st2 = rt_evaluate(&back->arch, &layer->problem, &got);
        assert_int_equal(st1, st2);
        if (st1 == ADSE_OK) {
            n_mapped++;
            if (want.cycles != got.cycles || want.energy_pj != got.energy_pj ||
                want.area_um2 != got.area_um2)
                fail_msg("%s: evaluated %llu cycles, %.17g pJ, %.17g um2; read back %llu, "
                         "%.17g, %.17g",
                         name, (unsigned long long)want.cycles, want.energy_pj, want.area_um2,
                         (unsigned long long)got.cycles, got.energy_pj, got.area_um2);
        } else {
            assert_string_equal(want.reason, got.reason);
        }
        adse_spec_free(back);
        free(buf);
    }
    /* the impossible ones: weights_spad width 16 with 2-word blocks of 16-bit words */
    assert_int_equal(n_valid, n * 3 / 4);
    assert_true(n_mapped >= n_valid / 4);
    free(design);
    adse_search_free(s);
    adse_search_spec_free(spec);
    assert_int_equal(testutil_rmtree(dir), 0);
}

/* ---- the GA -------------------------------------------------------------------------- */

#define GA_SPEC                                                                                    \
    DESIGN "workload: prob.yaml\n" GENES "budgets: {pes: 168, onchip_bits: baseline}\n"            \
           "ga: {population: 12, generations: 6, parents: 4, mutation: 0.3, elite: 1, seed: 7}\n"

static void test_ga_bookkeeping(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_ok(GA_SPEC);
    adse_search *s = create_ok(spec, 1, true);
    run_ok(s);
    assert_true(adse_search_finished(s));
    assert_int_equal(adse_search_generation_count(s), 6);
    const adse_search_design *base = adse_search_baseline(s), *best = adse_search_best(s);
    assert_non_null(base);
    assert_non_null(best);
    assert_int_equal(base->status, ADSE_DESIGN_OK);
    assert_true(base->loss == 0); /* the seed's loss of normalised metrics at the baseline */
    assert_true(best->loss <= base->loss);
    assert_true(best->metrics[ADSE_SM_ONCHIP_BITS] <= base->metrics[ADSE_SM_ONCHIP_BITS]);
    adse_search_counters c = adse_search_get_counters(s);
    int n_hist = adse_search_history_count(s), feasible = 0, unmapped = 0;
    for (int i = 0; i < n_hist; i++) {
        const adse_search_design *d = adse_search_history_at(s, i);
        /* never twice in the history */
        for (int j = 0; j < i; j++)
            assert_false(memcmp(d->genes, adse_search_history_at(s, j)->genes,
                                spec->n_genes * sizeof(double)) == 0);
        if (d->status == ADSE_DESIGN_OK) {
            feasible++;
            assert_true(isfinite(d->loss));
            assert_true(d->metrics[ADSE_SM_ONCHIP_BITS] <= base->metrics[ADSE_SM_ONCHIP_BITS]);
        } else {
            assert_true(isinf(d->loss)); /* never scored from part of its layers */
            unmapped += d->status == ADSE_DESIGN_NO_MAPPING;
        }
    }
    assert_true(feasible > 1);
    assert_true(unmapped > 0); /* the fixed mapping fits few meshes */
    assert_int_equal(c.no_mapping, (uint64_t)unmapped);
    /* every generation member is a new design or a cache hit */
    uint64_t hits = 0, fresh = 0;
    for (int g = 0; g < 6; g++) {
        const adse_search_generation *gs = adse_search_generation_at(s, g);
        assert_int_equal(gs->n_new + gs->n_cached, 12);
        hits += (uint64_t)gs->n_cached;
        fresh += (uint64_t)gs->n_new;
    }
    assert_int_equal(c.cache_hits, hits);
    assert_true(c.cache_hits > 0); /* at least the elite */
    /* the history holds the new designs, plus the baseline when a generation met it */
    assert_true(fresh == (uint64_t)n_hist || fresh + 1 == (uint64_t)n_hist);
    assert_true(c.rejected > 0); /* the on-chip budget rejects draws */
    /* best of each generation never worsens (elite) */
    for (int g = 1; g < 6; g++)
        assert_true(adse_search_generation_at(s, g)->best_loss <=
                    adse_search_generation_at(s, g - 1)->best_loss);
    adse_search_free(s);
    adse_search_spec_free(spec);
}

static void test_ga_threads_deterministic(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_ok(GA_SPEC);
    char *ref = NULL;
    for (int t = 1; t <= 4; t++) {
        adse_search *s = create_ok(spec, t, true);
        run_ok(s);
        char *h = history_text(s);
        if (!ref)
            ref = h;
        else {
            assert_string_equal(h, ref);
            free(h);
        }
        adse_search_free(s);
    }
    free(ref);
    adse_search_spec_free(spec);
}

static void test_ga_resume(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_ok(GA_SPEC);
    adse_search *whole = create_ok(spec, 2, true);
    run_ok(whole);
    char *want = history_text(whole);
    for (int stop = 0; stop < 5; stop++) {
        size_t len = 0;
        char *buf = killed_checkpoint(spec, stop, &len);
        adse_search *b = resumed(spec, buf, len);
        adse_err e;
        run_ok(b);
        char *got = history_text(b);
        assert_string_equal(got, want);
        const adse_search_design *x = adse_search_best(b), *y = adse_search_best(whole);
        assert_true(x->loss == y->loss);
        assert_memory_equal(x->genes, y->genes, sizeof x->genes);
        for (int g = 0; g < adse_search_generation_count(whole); g++)
            assert_true(adse_search_generation_at(b, g)->best_loss ==
                        adse_search_generation_at(whole, g)->best_loss);
        assert_int_equal(adse_search_get_counters(b).evaluations,
                         adse_search_get_counters(whole).evaluations);
        assert_int_equal(adse_search_get_counters(b).cache_hits,
                         adse_search_get_counters(whole).cache_hits);
        /* the best design's detail re-maps its layers after a restore */
        adse_search_detail *det = NULL;
        assert_int_equal(adse_search_design_detail(b, x, &det, &e), ADSE_OK);
        assert_true((double)det->results[0].cycles == x->metrics[ADSE_SM_CYCLES]);
        adse_search_detail_free(det);
        free(got);
        free(buf);
        adse_search_free(b);
    }
    /* a checkpoint of another spec is refused */
    adse_search_spec *other = load_spec_ok(GA_SPEC "# edited\n");
    adse_search *c = create_ok(other, 1, true);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    adse_err e;
    assert_int_equal(adse_search_checkpoint_save(whole, f, &e), ADSE_OK);
    fclose(f);
    f = fmemopen(buf, len, "r");
    assert_int_equal(adse_search_checkpoint_load(c, f, &e), ADSE_E_SPEC);
    assert_non_null(strstr(e.msg, "another search spec"));
    fclose(f);
    /* a truncated checkpoint is refused and leaves the search as it was */
    adse_search *d = create_ok(spec, 1, true);
    f = fmemopen(buf, len / 2, "r");
    assert_int_equal(adse_search_checkpoint_load(d, f, &e), ADSE_E_SPEC);
    assert_non_null(strstr(e.msg, "checkpoint line"));
    fclose(f);
    assert_int_equal(adse_search_generations_done(d), 0);
    assert_int_equal(adse_search_history_count(d), 0);
    adse_search_free(d);
    free(buf);
    adse_search_free(c);
    adse_search_spec_free(other);
    free(want);
    adse_search_free(whole);
    adse_search_spec_free(spec);
}

/* Inputs found by fuzzing (fuzz/corpus/search_spec, fuzz/corpus/checkpoint). */
static void test_fuzz_regressions(void **state)
{
    (void)state;
    /* deeply nested loss expressions: an error, not a stack overflow */
    size_t n = 100000;
    char *text = malloc(n * 5 + 512);
    assert_non_null(text);
    int len = sprintf(text, DESIGN "workload: prob.yaml\n" GENES "loss: \"");
    memset(text + len, '(', n);
    sprintf(text + len + n, "1\"\n");
    expect_error(text, 17, 0, "loss expression: nested too deeply");
    memset(text + len, '-', n);
    expect_error(text, 17, 0, "loss expression: nested too deeply");
    for (size_t i = 0; i < n / 4; i++)
        memcpy(text + len + 4 * i, "abs(", 4);
    expect_error(text, 17, 0, "loss expression: nested too deeply");
    free(text);
    /* a mesh total near UINT32_MAX: its divisors without a linear scan (was a hang) */
    adse_search_spec *sp =
        load_spec_ok(DESIGN "workload: prob.yaml\nparameters:\n  - {name: m, mesh: 4294967291}\n");
    assert_int_equal(sp->genes[0].n_values, 2); /* a prime */
    assert_true(sp->genes[0].values[0] == 1 && sp->genes[0].values[1] == 4294967291.0);
    adse_search_spec_free(sp);
    sp = load_spec_ok(DESIGN "workload: prob.yaml\nparameters:\n  - {name: m, mesh: 36}\n");
    const double want[] = {1, 2, 3, 4, 6, 9, 12, 18, 36};
    assert_int_equal(sp->genes[0].n_values, 9);
    for (int i = 0; i < 9; i++)
        assert_true(sp->genes[0].values[i] == want[i]);
    adse_search_spec_free(sp);
    expect_error(DESIGN "workload: prob.yaml\nparameters:\n  - {name: m, mesh: 4045935360}\n", 8, 0,
                 "gene 'm' has more than ADSE_SEARCH_MAX_VALUES (256) values");
    /* a checkpoint saved before the first generation (no history) restores */
    sp = load_spec_ok(GA_SPEC);
    adse_search *a = create_ok(sp, 1, true), *b = create_ok(sp, 1, true);
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    adse_err e;
    assert_int_equal(adse_search_checkpoint_save(a, f, &e), ADSE_OK);
    fclose(f);
    f = fmemopen(buf, blen, "r");
    assert_int_equal(adse_search_checkpoint_load(b, f, &e), ADSE_OK);
    fclose(f);
    assert_int_equal(adse_search_history_count(b), 0);
    free(buf);
    /* a checkpoint whose record has infinite cycles: the JSON report writes a number instead
     * (null) instead of converting inf to an integer (undefined behaviour) */
    assert_int_equal(adse_search_step(a, &e), ADSE_OK);
    buf = NULL;
    f = open_memstream(&buf, &blen);
    assert_int_equal(adse_search_checkpoint_save(a, f, &e), ADSE_OK);
    fclose(f);
    char *r = strstr(buf, "\nr 0 ");
    assert_non_null(r);
    char *tok = r + 1;
    for (int i = 0; i < 6; i++) /* "r status generation index in_history loss" */
        tok = strchr(tok, ' ') + 1;
    char *end = strchr(tok, ' ');
    size_t tail = strlen(end);
    memcpy(tok, "inf", 3);
    memmove(tok + 3, end, tail + 1);
    f = fmemopen(buf, strlen(buf), "r");
    assert_int_equal(adse_search_checkpoint_load(b, f, &e), ADSE_OK);
    fclose(f);
    char *json = NULL;
    size_t jlen = 0;
    f = open_memstream(&json, &jlen);
    assert_int_equal(adse_report_search_json(f, b), ADSE_OK);
    fclose(f);
    assert_non_null(strstr(json, "\"cycles\": null")); /* JSON has no infinity */
    free(json);
    /* gene values no spec allows (a checkpoint's, a caller's): an invalid design, not a
     * division by zero or an undefined conversion */
    double genes[ADSE_SEARCH_MAX_GENES] = {0, 16384, 32, 12, 192, 16};
    adse_arch arch;
    assert_int_equal(adse_search_design_arch(b, genes, &arch, &e), ADSE_E_INVALID);
    assert_string_equal(e.msg, "value 0 of gene 'mesh' is not a positive integer below 2^32");
    genes[0] = 5;
    assert_int_equal(adse_search_design_arch(b, genes, &arch, &e), ADSE_E_INVALID);
    assert_string_equal(e.msg, "meshX 5 of gene 'mesh' does not divide the mesh total 168");
    genes[0] = 12;
    genes[1] = NAN;
    assert_int_equal(adse_search_design_arch(b, genes, &arch, &e), ADSE_E_INVALID);
    assert_string_equal(e.msg,
                        "value nan of gene 'glb_depth' is not a positive integer below 2^32");
    /* the convergence plot of losses one ulp apart (fuzz: crash-svg-tick-hang): a few ticks,
     * not an endless loop of steps too small to advance */
    double xs[2] = {0, 1}, ys[2] = {0x1.f4334dcc25072p+24, 0x1.f4334dcc25071p+24};
    adse__svg_series ser = {"best", "#000", xs, ys, 2};
    adse__svg_panel pan = {"loss", &ser, 1};
    char *svg = NULL;
    size_t svg_len = 0;
    f = open_memstream(&svg, &svg_len);
    assert_true(adse__svg_plot(f, "t", "generation", &pan, 1));
    fclose(f);
    assert_true(svg_len < 20000);
    free(svg);
    /* a checkpoint naming a reference record it does not hold is refused */
    adse_search_spec *rs =
        load_spec_ok(GA_SPEC "references:\n  - name: r\n    genes: {mesh: 14x12}\n");
    adse_search *ra = create_ok(rs, 1, true), *rb = create_ok(rs, 1, true);
    assert_int_equal(adse_search_step(ra, &e), ADSE_OK);
    char *rbuf = NULL;
    size_t rlen = 0;
    f = open_memstream(&rbuf, &rlen);
    assert_int_equal(adse_search_checkpoint_save(ra, f, &e), ADSE_OK);
    fclose(f);
    char *st = strstr(rbuf, "\nstate ");
    assert_non_null(st);
    char *eol = strchr(st + 1, '\n'), *last = eol;
    while (last[-1] != ' ')
        last--;
    char *edited = malloc(strlen(rbuf) + 8);
    assert_non_null(edited);
    sprintf(edited, "%.*s999%s", (int)(last - rbuf), rbuf, eol);
    free(rbuf);
    rbuf = edited;
    f = fmemopen(rbuf, strlen(rbuf), "r");
    assert_int_equal(adse_search_checkpoint_load(rb, f, &e), ADSE_E_SPEC);
    fclose(f);
    assert_non_null(strstr(e.msg, ": bad reference record"));
    assert_null(adse_search_reference(rb, 0)); /* unchanged: not yet evaluated */
    free(rbuf);
    adse_search_free(ra);
    adse_search_free(rb);
    adse_search_spec_free(rs);
    free(buf);
    adse_search_free(a);
    adse_search_free(b);
    adse_search_spec_free(sp);
}

static void test_loss_expression(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_ok(
        GA_SPEC "loss: 'edp / baseline.edp + 0.5 * max(area / baseline.area, 1, -2) - log(1) "
                "+ -(-2) - sqrt(4) + abs(-1) - min(1, 3)'\n");
    assert_true(spec->loss.is_expression);
    adse_search *s = create_ok(spec, 1, true);
    run_ok(s);
    /* at the baseline: 1 + 0.5 * 1 - 0 + 2 - 2 + 1 - 1 */
    assert_double_rel(adse_search_baseline(s)->loss, 1.5, 1e-15, "baseline loss");
    const adse_search_design *b = adse_search_best(s), *base = adse_search_baseline(s);
    double want = b->metrics[ADSE_SM_EDP] / base->metrics[ADSE_SM_EDP] +
                  0.5 * fmax(b->metrics[ADSE_SM_AREA] / base->metrics[ADSE_SM_AREA], 1);
    assert_double_rel(b->loss, want, 1e-12, "best loss");
    adse_search_free(s);
    adse_search_spec_free(spec);
}

static void test_layer_weights(void **state)
{
    (void)state;
    /* two workload entries (the same layer) with weights 2 and 0.5: totals are weighted sums */
    adse_search_spec *two =
        load_spec_ok(DESIGN "workload:\n  - {problem: prob.yaml, name: a, weight: 2}\n"
                            "  - {problem: prob.yaml, name: b, weight: 0.5}\n" GENES
                            "ga: {population: 4, generations: 2, parents: 2, seed: 5}\n");
    adse_search_spec *one =
        load_spec_ok(DESIGN "workload: prob.yaml\n" GENES
                            "ga: {population: 4, generations: 2, parents: 2, seed: 5}\n");
    adse_search *s2 = create_ok(two, 1, true), *s1 = create_ok(one, 1, true);
    run_ok(s2);
    run_ok(s1);
    const double *m2 = adse_search_baseline(s2)->metrics, *m1 = adse_search_baseline(s1)->metrics;
    assert_true(m2[ADSE_SM_CYCLES] == 2.5 * m1[ADSE_SM_CYCLES]);
    assert_double_rel(m2[ADSE_SM_ENERGY], 2.5 * m1[ADSE_SM_ENERGY], 1e-15, "energy");
    assert_double_rel(m2[ADSE_SM_GFLOPS], m1[ADSE_SM_GFLOPS], 1e-15, "gflops");
    assert_double_rel(m2[ADSE_SM_UTILIZATION], m1[ADSE_SM_UTILIZATION], 1e-15, "utilization");
    assert_double_rel(m2[ADSE_SM_EDP], 2.5 * 2.5 * m1[ADSE_SM_EDP], 1e-15, "edp");
    assert_true(m2[ADSE_SM_AREA] == m1[ADSE_SM_AREA]);
    adse_search_free(s2);
    adse_search_free(s1);
    adse_search_spec_free(two);
    adse_search_spec_free(one);
}

static void test_reports(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_ok(
        GA_SPEC "references:\n  - {name: poster optimal, genes: {mesh: 4x42, glb_depth: 1024}}\n");
    adse_search *s = create_ok(spec, 2, true);
    run_ok(s);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(adse_report_search_json(f, s), ADSE_OK);
    fclose(f);
    json_t *j = json_parse_ok(buf);
    json_t *best = json_object_get(j, "best");
    assert_non_null(json_object_get(json_object_get(best, "genes"), "glb_depth"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(best, "genes"), "mesh")),
                        "14x12");
    json_t *m = json_object_get(best, "metrics");
    const char *keys[] = {"cycles", "energy_pj", "gflops",     "utilization",
                          "edp",    "area_um2",  "onchip_bits"};
    for (int k = 0; k < 7; k++)
        assert_true(json_is_number(json_object_get(m, keys[k])));
    assert_true(json_is_number(json_object_get(best, "loss")));
    assert_true(json_is_integer(json_object_get(j, "evaluations")));
    assert_true(json_is_integer(json_object_get(j, "cache_hits")));
    assert_true(json_is_number(json_object_get(j, "seconds")));
    assert_int_equal(json_array_size(json_object_get(j, "generations")), 6);
    assert_true(json_is_number(
        json_object_get(json_array_get(json_object_get(j, "generations"), 0), "best_loss")));
    json_t *refs = json_object_get(j, "references");
    assert_int_equal(json_array_size(refs), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(refs, 0), "design"), "status")),
                        "no_mapping"); /* the fixed mapping needs 14 columns */
    json_decref(j);
    free(buf);

    f = open_memstream(&buf, &len);
    assert_int_equal(adse_report_search_md(f, s, "convergence.svg"), ADSE_OK);
    fclose(f);
    assert_non_null(strstr(buf, "## Table 1: parameters"));
    assert_non_null(strstr(buf, "| shared_glb (depth x width) | 16384 x 64 |"));
    assert_non_null(strstr(buf, "| mesh (meshX x meshY) | 14x12 |"));
    assert_non_null(strstr(buf, "## Table 2: metrics"));
    assert_non_null(strstr(buf, "| EDP (J x cycle) |"));
    assert_non_null(strstr(buf, "poster optimal"));
    free(buf);

    f = open_memstream(&buf, &len);
    assert_int_equal(adse_report_search_svg(f, s), ADSE_OK);
    fclose(f);
    assert_non_null(strstr(buf, "<svg"));
    assert_non_null(strstr(buf, "<polyline"));
    assert_non_null(strstr(buf, "</svg>"));
    free(buf);

    char *h = history_text(s);
    const char *head = "generation,index,mesh,glb_depth,glb_width,ifmap_depth,weights_depth,"
                       "psum_depth,status,feasible,loss,cycles,energy_pj,";
    assert_true(strncmp(h, head, strlen(head)) == 0);
    free(h);
    adse_search_free(s);
    adse_search_spec_free(spec);
}

/* ---- with the mapper ----------------------------------------------------------------- */

#define SMALL_SPEC                                                                                 \
    DESIGN                                                                                         \
    "workload:\n  - {problem: ../../search/small_prob.yaml, name: small}\n"                        \
    "parameters:\n"                                                                                \
    "  - {name: mesh, mesh: {total: 168, meshX: [12, 14]}}\n"                                      \
    "  - {name: glb_depth, component: shared_glb, attribute: depth, values: [1024, 16384]}\n"      \
    "  - {name: psum_depth, component: psum_spad, attribute: depth, values: [8, 16]}\n"            \
    "budgets: {onchip_bits: baseline}\n"                                                           \
    "ga: {population: 4, generations: 2, parents: 2, mutation: 0.5, seed: 3}\n"

static void test_mapper_small(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_ok(SMALL_SPEC);
    adse_search *s = create_ok(spec, 2, false);
    run_ok(s);
    const adse_search_design *base = adse_search_baseline(s), *best = adse_search_best(s);
    assert_int_equal(base->status, ADSE_DESIGN_OK);
    assert_non_null(best);
    assert_true(best->loss <= base->loss);
    /* the aggregated metrics of one layer of weight 1 are the model's own */
    adse_search_detail *det = NULL;
    adse_err e;
    assert_int_equal(adse_search_design_detail(s, best, &det, &e), ADSE_OK);
    const adse_result *r = &det->results[0];
    assert_true((double)r->cycles == best->metrics[ADSE_SM_CYCLES]);
    assert_true(r->energy_pj == best->metrics[ADSE_SM_ENERGY]);
    assert_true(r->gflops == best->metrics[ADSE_SM_GFLOPS]);
    assert_true(r->utilization == best->metrics[ADSE_SM_UTILIZATION]);
    assert_true(r->edp == best->metrics[ADSE_SM_EDP]);
    assert_true(r->area_um2 == best->metrics[ADSE_SM_AREA]);
    adse_search_detail_free(det);
    adse_search_free(s);
    adse_search_spec_free(spec);
}

/* ---- design evaluations as bytes (the seam of the MPI driver) -------------------------- */

/* A transport as another process would be: each request is served by a second search
 * created from the same spec, and the replies are accepted in reverse order. */
typedef struct bytes_transport {
    adse_search *server;
    int batches, jobs;
    bool answer_none; /* return without a reply */
} bytes_transport;

static adse_status reverse_dispatch(void *user, adse_search *s, adse_search_batch *b, adse_err *err)
{
    (void)s;
    bytes_transport *t = user;
    t->batches++;
    if (t->answer_none) return ADSE_OK;
    for (int i = adse_search_batch_size(b) - 1; i >= 0; i--) {
        const void *req;
        size_t len;
        void *reply;
        size_t rlen;
        adse_status st = adse_search_batch_request(b, i, &req, &len, err);
        if (!st) st = adse_search_serve(t->server, req, len, 1, &reply, &rlen, err);
        if (st) return st;
        st = adse_search_batch_accept(b, i, reply, rlen, err);
        if (!st) {
            /* a job is answered once; a truncated reply is refused */
            adse_err e2;
            assert_int_equal(adse_search_batch_accept(b, i, reply, rlen, &e2), ADSE_E_INTERNAL);
        }
        free(reply);
        if (st) return st;
        t->jobs++;
    }
    return ADSE_OK;
}

/* The best design's map.yaml of every layer, as one string. */
static char *best_maps_text(adse_search *s)
{
    adse_search_detail *det = NULL;
    adse_err e;
    assert_int_equal(adse_search_design_detail(s, adse_search_best(s), &det, &e), ADSE_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    for (int l = 0; l < det->n_layers; l++)
        assert_int_equal(adse_report_write_map_yaml(f, &det->arch,
                                                    &adse_search_layer_spec(s, l)->problem,
                                                    &det->mappings[l]),
                         ADSE_OK);
    fclose(f);
    adse_search_detail_free(det);
    return buf;
}

static void check_dispatch_same(const char *spec_text, bool fixed)
{
    adse_search_spec *spec = load_spec_ok(spec_text);
    adse_search *plain = create_ok(spec, 2, fixed);
    run_ok(plain);
    bytes_transport t = {.server = create_ok(spec, 1, fixed)};
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 3;
    if (fixed) o.map = fixed_map;
    o.dispatch = reverse_dispatch;
    o.dispatch_user = &t;
    adse_search *s = NULL;
    adse_err e;
    assert_int_equal(adse_search_create(spec, &o, &s, &e), ADSE_OK);
    run_ok(s);
    /* every evaluation went through the bytes, and gave what the threads give */
    assert_true(t.batches >= spec->ga.generations + 1);
    assert_int_equal((uint64_t)t.jobs, adse_search_get_counters(s).evaluations);
    char *want = history_text(plain), *got = history_text(s);
    assert_string_equal(got, want);
    free(want);
    free(got);
    want = best_maps_text(plain);
    got = best_maps_text(s);
    assert_string_equal(got, want);
    /* the mappings came with the replies: the detail is not mapped again */
    adse_search_detail *det = NULL;
    assert_int_equal(adse_search_design_detail(s, adse_search_best(s), &det, &e), ADSE_OK);
    assert_int_equal(det->stats[0].evaluated, 0);
    adse_search_detail_free(det);
    free(want);
    free(got);
    adse_search_free(s);
    adse_search_free(t.server);
    adse_search_free(plain);
    adse_search_spec_free(spec);
}

static void test_dispatch_bytes(void **state)
{
    (void)state;
    check_dispatch_same(SMALL_SPEC, false); /* the real mapper: mappings travel too */
    check_dispatch_same(GA_SPEC, true);     /* more generations, invalid designs */
}

/* The fixed mapping, but every third call after the first fails (a worker's mapper
 * failing on a design). */
static adse_status failing_map(void *user, const adse_model *model,
                               const adse_constraints *constraints,
                               const adse_mapper_settings *settings, adse_mapper_result *out,
                               adse_err *err)
{
    int *calls = user;
    if ((*calls)++ % 3 == 2)
        return adse_err_set(err, ADSE_E_INTERNAL, NULL, 0, 0, "injected failure");
    return fixed_map(NULL, model, constraints, settings, out, err);
}

/* The fixed mapping, but the third call runs out of memory. */
static adse_status nomem_map(void *user, const adse_model *model,
                             const adse_constraints *constraints,
                             const adse_mapper_settings *settings, adse_mapper_result *out,
                             adse_err *err)
{
    int *calls = user;
    if ((*calls)++ == 2) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    return fixed_map(NULL, model, constraints, settings, out, err);
}

/* Out of memory while mapping a design stops the search (its status would depend on the
 * machine) with an error naming the design and the layer, in place or served elsewhere. */
static void test_out_of_memory_names_design(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_ok(GA_SPEC);
    for (int dispatched = 0; dispatched < 2; dispatched++) {
        int calls = 0;
        adse_search_options o;
        adse_search_options_init(&o);
        o.threads = 1;
        o.map = nomem_map;
        o.map_user = &calls;
        bytes_transport t = {0};
        adse_err e;
        if (dispatched) {
            assert_int_equal(adse_search_create(spec, &o, &t.server, &e), ADSE_OK);
            o.map = fixed_map;
            o.dispatch = reverse_dispatch;
            o.dispatch_user = &t;
        }
        adse_search *s = NULL;
        assert_int_equal(adse_search_create(spec, &o, &s, &e), ADSE_OK);
        assert_int_equal(adse_search_run(s, &e), ADSE_E_NOMEM);
        print_message("%s\n", e.msg);
        assert_non_null(strstr(e.msg, "out of memory evaluating design "));
        assert_non_null(strstr(e.msg, spec->genes[0].name));
        assert_non_null(strstr(e.msg, "(layer '"));
        assert_non_null(strstr(e.msg, "': mapper error: out of memory)"));
        assert_non_null(strstr(e.msg, "--resume"));
        adse_search_free(s);
        adse_search_free(t.server);
    }
    adse_search_spec_free(spec);
}

/* The out-of-memory error with long gene names (60 characters each): the genes that fit the
 * message, then "...", and the layer and the advice are never cut off (the six genes alone
 * would leave too little of the ADSE_ERR_MSG_MAX bytes for them). */
static void test_out_of_memory_many_genes(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_ok(
        DESIGN "workload: prob.yaml\n"
               "parameters:\n"
               "  - {name: mesh_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, mesh: "
               "{total: 168, meshX: [12, 14]}}\n"
               "  - {name: glb_depth_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, "
               "component: shared_glb, attribute: depth, values: [16384, 32768]}\n"
               "  - {name: glb_width_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, "
               "component: shared_glb, attribute: width, values: [32, 64]}\n"
               "  - {name: ifmap_depth_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, "
               "component: ifmap_spad, attribute: depth, values: [12, 16]}\n"
               "  - {name: weights_depth_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, "
               "component: weights_spad, attribute: depth, values: [192, 256]}\n"
               "  - {name: psum_depth_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, "
               "component: psum_spad, attribute: depth, values: [16, 24]}\n"
               "ga: {population: 4, generations: 2, parents: 2, seed: 7}\n");
    int calls = 0;
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 1;
    o.map = nomem_map;
    o.map_user = &calls;
    adse_search *s = NULL;
    adse_err e;
    assert_int_equal(adse_search_create(spec, &o, &s, &e), ADSE_OK);
    assert_int_equal(adse_search_run(s, &e), ADSE_E_NOMEM);
    print_message("%s\n", e.msg);
    const char *want = "out of memory evaluating design mesh_xxx";
    assert_memory_equal(e.msg, want, strlen(want));
    assert_non_null(strstr(e.msg, " ... (layer '"));
    assert_non_null(strstr(e.msg, "': mapper error: out of memory); the search stops here: "
                                  "continue from the last checkpoint (--resume), e.g. with "
                                  "fewer threads"));
    assert_null(strstr(e.msg, "psum_depth_"));
    adse_search_free(s);
    adse_search_spec_free(spec);
}

static void test_dispatch_errors(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_ok(GA_SPEC), *other = load_spec_ok(SMALL_SPEC);
    /* a dispatch that leaves designs unevaluated fails the step */
    bytes_transport t = {.server = create_ok(spec, 1, true), .answer_none = true};
    adse_search_options o;
    adse_search_options_init(&o);
    o.map = fixed_map;
    o.dispatch = reverse_dispatch;
    o.dispatch_user = &t;
    adse_search *s = NULL;
    adse_err e;
    assert_int_equal(adse_search_create(spec, &o, &s, &e), ADSE_OK);
    assert_int_equal(adse_search_step(s, &e), ADSE_E_INTERNAL);
    assert_non_null(strstr(e.msg, "the dispatch returned with 0 of"));
    adse_search_free(s);
    /* a server of another spec refuses the request; the step fails with its error */
    adse_search_free(t.server);
    t = (bytes_transport){.server = create_ok(other, 1, true)};
    o.dispatch_user = &t;
    assert_int_equal(adse_search_create(spec, &o, &s, &e), ADSE_OK);
    assert_int_equal(adse_search_step(s, &e), ADSE_E_USAGE);
    assert_non_null(strstr(e.msg, "design request of another search spec"));
    /* malformed bytes are refused, never read past their end */
    void *reply = NULL;
    size_t rlen = 0;
    const unsigned char junk[5] = {0x41, 0x44, 0x53, 0x51, 0xff};
    assert_int_equal(adse_search_serve(t.server, junk, sizeof junk, 1, &reply, &rlen, &e),
                     ADSE_E_USAGE);
    assert_null(reply);
    adse_search_free(s);
    adse_search_free(t.server);
    /* a server whose mapper fails on some designs: each such design is in the history as
       no_mapping with the reason, and the search goes on */
    int calls = 0;
    adse_search_options so;
    adse_search_options_init(&so);
    so.map = failing_map;
    so.map_user = &calls;
    t = (bytes_transport){0};
    assert_int_equal(adse_search_create(spec, &so, &t.server, &e), ADSE_OK);
    o.dispatch_user = &t;
    assert_int_equal(adse_search_create(spec, &o, &s, &e), ADSE_OK);
    run_ok(s);
    char *h = history_text(s);
    assert_non_null(strstr(h, "no_mapping"));
    assert_non_null(strstr(h, "mapper error: injected failure"));
    free(h);
    assert_true(adse_search_get_counters(s).no_mapping > 0);
    adse_search_free(s);
    adse_search_free(t.server);
    adse_search_spec_free(spec);
    adse_search_spec_free(other);
}

/* Split layers served on several threads at once (as the MPI driver's executor threads
 * serve them while its MPI thread accepts): each round serves up to 4 jobs concurrently
 * on one server search (its cache of split layers' items shared), then accepts them in
 * order, until the jobs the accepted replies add are done too. */
typedef struct threaded_job {
    const adse_search *server;
    const void *req;
    size_t len;
    void *reply;
    size_t rlen;
    adse_status st;
    adse_err err;
} threaded_job;

static void *serve_one(void *arg)
{
    threaded_job *j = arg;
    j->st = adse_search_serve(j->server, j->req, j->len, 1, &j->reply, &j->rlen, &j->err);
    return NULL;
}

typedef struct threaded_transport {
    const adse_search *server;
    int jobs, designs;
    int affine; /* jobs with an affinity (adse_search_batch_affinity) */
    int known;  /* jobs answered before they were requested (adse_search_batch_answered) */
} threaded_transport;

static adse_status threaded_dispatch(void *user, adse_search *s, adse_search_batch *b,
                                     adse_err *err)
{
    (void)s;
    threaded_transport *t = user;
    const adse_search *server = t->server;
    t->designs += adse_search_batch_size(b);
    adse_status st = ADSE_OK;
    for (int next = 0; !st && next < adse_search_batch_size(b);) {
        threaded_job jobs[4];
        pthread_t tids[4];
        int n = 0;
        for (; n < 4 && next + n < adse_search_batch_size(b) && !st; n++) {
            jobs[n] = (threaded_job){.server = server};
            st = adse_search_batch_request(b, next + n, &jobs[n].req, &jobs[n].len, err);
            if (adse_search_batch_answered(b, next + n)) t->known++;
            /* a range's affinity: the earlier job (not a range) that made its items */
            int a = adse_search_batch_affinity(b, next + n);
            if (a >= 0) {
                assert_true(a < next + n);
                assert_int_equal(adse_search_batch_affinity(b, a), -1);
                t->affine++;
            }
        }
        for (int k = 0; k < n && !st; k++)
            assert_int_equal(pthread_create(&tids[k], NULL, serve_one, &jobs[k]), 0);
        for (int k = 0; k < n && !st; k++)
            pthread_join(tids[k], NULL);
        for (int k = 0; k < n && !st; k++) {
            st = jobs[k].st;
            if (st) *err = jobs[k].err;
            if (!st) st = adse_search_batch_accept(b, next + k, jobs[k].reply, jobs[k].rlen, err);
        }
        for (int k = 0; k < n; k++)
            free(jobs[k].reply);
        next += n;
        t->jobs += n;
    }
    return st;
}

/* tests/data/search/mpi_open.yaml on res2a (the cheaper open layer) and the small layer,
 * one generation of `population`. */
static adse_search_spec *small_open_spec(int population)
{
    adse_search_spec *spec = load_spec_file_ok(ADSE_TEST_DATA_DIR "/search/mpi_open.yaml");
    spec->layers[0] = spec->layers[2];
    spec->n_layers = 2;
    spec->ga.population = population;
    spec->ga.parents = 2;
    spec->ga.generations = 1;
    return spec;
}

/* A one-thread search of spec whose designs go through threaded_dispatch (t) to a search of
 * their own (t->server, freed with the search by dispatched_free), the open layers of the
 * last split_layers designs of a batch to start traveling as ranges of their items. */
static adse_search *dispatched_search(const adse_search_spec *spec, int split_layers,
                                      threaded_transport *t)
{
    adse_err e;
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 1;
    adse_search *server = NULL, *s = NULL;
    assert_int_equal(adse_search_create(spec, &o, &server, &e), ADSE_OK);
    *t = (threaded_transport){.server = server};
    o.dispatch = threaded_dispatch;
    o.dispatch_user = t;
    o.split_layers = split_layers;
    assert_int_equal(adse_search_create(spec, &o, &s, &e), ADSE_OK);
    return s;
}

static void dispatched_free(adse_search *s, threaded_transport *t)
{
    adse_search_free(s);
    adse_search_free((adse_search *)t->server);
}

/* The history of spec's search run in place with one thread (to be freed). */
static char *plain_history(const adse_search_spec *spec)
{
    adse_err e;
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 1;
    adse_search *plain = NULL;
    assert_int_equal(adse_search_create(spec, &o, &plain, &e), ADSE_OK);
    run_ok(plain);
    char *h = history_text(plain);
    adse_search_free(plain);
    return h;
}

static void test_dispatch_split_threads(void **state)
{
    (void)state;
    adse_search_spec *spec = small_open_spec(2);
    char *h1 = plain_history(spec);
    threaded_transport t;
    adse_search *split = dispatched_search(spec, 4, &t);
    run_ok(split);
    char *h2 = history_text(split);
    print_message("%d jobs for %d designs, %d answered before they were requested\n", t.jobs,
                  t.designs, t.known);
    assert_true(t.jobs > 20 * t.designs);   /* the open layer traveled as item ranges */
    assert_true(t.affine > 20 * t.designs); /* each range with the job that made its items */
    assert_true(t.known > 0);               /* ranges the incumbent prunes need not travel */
    assert_int_equal(adse_search_batch_affinity(NULL, 0), -1);
    assert_string_equal(h2, h1);
    free(h1);
    free(h2);
    dispatched_free(split, &t);
    adse_search_spec_free(spec);
}

/* A fault injected into the serving side (search_internal.h): the second range of layer 0
 * of every design whose glb_depth is not the baseline's fails on the worker. */
static adse_status g_fault = ADSE_OK;
static int g_fault_calls;
static adse_status range_fault(const double *genes, int layer, uint32_t first, adse_err *err)
{
    if (layer != 0 || first != 1 || genes[0] == 16384) return ADSE_OK;
    g_fault_calls++;
    return adse_err_set(err, g_fault, NULL, 0, 0,
                        g_fault == ADSE_E_NOMEM ? "out of memory" : "injected range failure");
}

/* A worker that fails on one range of a split design's open layer: the design is in the
 * history as no_mapping, the reason naming the layer and the error, as when its mapper
 * fails in place, and the search goes on; out of memory there stops the search with the
 * error naming the design and the layer (docs/cluster.md section 4). */
static void test_dispatch_split_failures(void **state)
{
    (void)state;
    adse_search_spec *spec = small_open_spec(3);
    adse_err e;
    adse__range_fault = range_fault;
    for (int v = 0; v < 2; v++) {
        g_fault = v == 0 ? ADSE_E_INTERNAL : ADSE_E_NOMEM;
        g_fault_calls = 0;
        threaded_transport t;
        adse_search *split = dispatched_search(spec, 1000, &t); /* every open layer in ranges */
        if (v == 0) {
            run_ok(split);
            char *h = history_text(split);
            print_message("%d faults injected; history:\n%s", g_fault_calls, h);
            assert_true(g_fault_calls > 0);
            assert_non_null(strstr(h, ",no_mapping,0,"));
            assert_non_null(
                strstr(h, ",\"layer 'res2a': mapper error: injected range failure\"\n"));
            assert_int_equal(adse_search_get_counters(split).no_mapping, g_fault_calls);
            free(h);
        } else {
            assert_int_equal(adse_search_run(split, &e), ADSE_E_NOMEM);
            print_message("%s\n", e.msg);
            assert_true(g_fault_calls > 0);
            assert_non_null(strstr(e.msg, "out of memory evaluating design glb_depth="));
            assert_null(strstr(e.msg, "glb_depth=16384"));
            assert_non_null(strstr(e.msg, "(layer 'res2a': mapper error: out of memory); the "
                                          "search stops here"));
        }
        dispatched_free(split, &t);
    }
    adse__range_fault = NULL;
    adse_search_spec_free(spec);
}

/* Out of memory where the jobs are handed out (rank 0 under MPI), while it makes a job's
 * request or takes in a reply, at every allocation adse__batch_alloc_fault counts up to the
 * 8th and then at every 3/2-th: the search stops with ADSE_E_NOMEM and an error naming the
 * design, the layer, what rank 0 was doing and what to do (docs/cluster.md section 4), frees
 * what it held (the sanitizer builds check), and once the fault lies past the run's last
 * counted allocation, the run is the plain one. */
static void test_rank0_out_of_memory(void **state)
{
    (void)state;
    adse_search_spec *spec = small_open_spec(2);
    adse_err e;
    char *h1 = plain_history(spec);
    int requests = 0, replies = 0, runs = 0;
    for (int k = 1;; k = k < 8 ? k + 1 : k * 3 / 2) {
        threaded_transport t;
        adse_search *split = dispatched_search(spec, 1000, &t); /* every open layer in ranges */
        adse__batch_alloc_fault = k;
        adse_status st = adse_search_run(split, &e);
        bool hit = adse__batch_alloc_fault == 0;
        adse__batch_alloc_fault = 0;
        runs++;
        if (!hit) { /* past the last allocation: the plain run */
            assert_int_equal(st, ADSE_OK);
            char *h2 = history_text(split);
            assert_string_equal(h2, h1);
            free(h2);
        } else {
            assert_int_equal(st, ADSE_E_NOMEM);
            assert_non_null(strstr(e.msg, "out of memory evaluating design glb_depth="));
            const char *req = strstr(e.msg, "out of memory making its job's request)");
            const char *rep = strstr(e.msg, "out of memory taking in its job's reply)");
            if (!req && !rep) fail_msg("fault at allocation %d: %s", k, e.msg);
            requests += req != NULL;
            replies += rep != NULL;
            assert_non_null(strstr(e.msg, "(layer '"));
            assert_non_null(strstr(e.msg, "the search stops here: continue from the last "
                                          "checkpoint (--resume)"));
        }
        dispatched_free(split, &t);
        if (!hit) break;
    }
    print_message("%d runs: %d stopped making a request, %d taking in a reply\n", runs, requests,
                  replies);
    assert_true(requests > 0 && replies > 0);
    free(h1);
    adse_search_spec_free(spec);
}

/* ---- the command --------------------------------------------------------------------- */

static char g_tmp[256];

/* Runs `adse search <args>` in g_tmp: its exit status, and its stdout in *out (malloc'd)
 * when out is not NULL. */
static int run_cli(const char *args, char **out)
{
    testutil_run r = testutil_cli(g_tmp, "search %s", args);
    int status = r.status;
    if (out) {
        *out = r.out;
        r.out = NULL;
    }
    testutil_run_free(&r);
    return status;
}

static void write_spec(const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", g_tmp, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    /* absolute paths: the spec lives in the temporary directory */
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", testutil_path(SEED_DIR));
    const char *t = text;
    while (*t) {
        const char *k = strstr(t, "arch/eyeriss");
        const char *c1 = strstr(t, "constraints/eyeriss");
        const char *m = strstr(t, "mapper.yaml");
        const char *pr = strstr(t, "../../search/small_prob.yaml");
        const char *p2 = strstr(t, "prob.yaml");
        const char *next = NULL;
        const char *cands[] = {k, c1, m, pr, p2};
        for (int i = 0; i < 5; i++)
            if (cands[i] && (!next || cands[i] < next)) next = cands[i];
        if (!next) {
            fputs(t, f);
            break;
        }
        fwrite(t, 1, (size_t)(next - t), f);
        fprintf(f, "%s/", dir);
        size_t n = strcspn(next, ",]}\n ");
        fwrite(next, 1, n, f);
        t = next + n;
    }
    fclose(f);
}

static void test_cli(void **state)
{
    (void)state;
    assert_int_equal(testutil_mkdtemp(g_tmp, sizeof g_tmp, "adse-test-search"), 0);
    write_spec("small.yaml", SMALL_SPEC);
    char args[2048], *out = NULL;

    /* --json */
    snprintf(args, sizeof args, "--json --threads 2 %s/small.yaml", g_tmp);
    assert_int_equal(run_cli(args, &out), 0);
    json_t *j = json_parse_ok(out);
    assert_non_null(json_object_get(j, "baseline"));
    assert_true(json_is_object(json_object_get(j, "best")));
    json_decref(j);
    free(out);

    /* -o: 1 thread and 2 threads give the same history */
    snprintf(args, sizeof args, "-o %s/t1 --threads 1 %s/small.yaml", g_tmp, g_tmp);
    assert_int_equal(run_cli(args, NULL), 0);
    snprintf(args, sizeof args, "-o %s/t2 --threads 2 %s/small.yaml", g_tmp, g_tmp);
    assert_int_equal(run_cli(args, NULL), 0);
    char *h1 = testutil_read_in(g_tmp, "t1/history.csv"),
         *h2 = testutil_read_in(g_tmp, "t2/history.csv");
    assert_non_null(h1);
    assert_non_null(h2);
    assert_string_equal(h1, h2);
    const char *files[] = {"t1/report.md",
                           "t1/convergence.svg",
                           "t1/search.json",
                           "t1/checkpoint.txt",
                           "t1/best/arch.yaml",
                           "t1/best/small.map.yaml",
                           "t1/best/small.stats.txt",
                           "t1/best/small.map.txt"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *x = testutil_read_in(g_tmp, files[i]);
        if (!x) print_error("missing %s\n", files[i]);
        assert_non_null(x);
        free(x);
    }
    /* the best design's files evaluate back with `adse model` to the same cycles */
    testutil_run mr =
        testutil_cli(g_tmp, "model --json %s/t1/best/arch.yaml %s %s/t1/best/small.map.yaml", g_tmp,
                     testutil_path("search/small_prob.yaml"), g_tmp);
    assert_int_equal(mr.status, 0);
    char *sj = testutil_read_in(g_tmp, "t1/search.json");
    json_t *a = json_parse_ok(mr.out), *b = json_parse_ok(sj);
    json_t *bm = json_object_get(json_object_get(b, "best"), "metrics");
    assert_true(json_integer_value(json_object_get(a, "cycles")) ==
                json_integer_value(json_object_get(bm, "cycles")));
    assert_true(json_real_value(json_object_get(a, "energy_pj")) ==
                json_real_value(json_object_get(bm, "energy_pj")));
    json_decref(a);
    json_decref(b);
    testutil_run_free(&mr);
    free(sj);

    /* killed after generation 0, resumed: the same history as the uninterrupted run */
    snprintf(args, sizeof args, "-o %s/k --stop-after 0 %s/small.yaml", g_tmp, g_tmp);
    assert_int_equal(run_cli(args, NULL), 0);
    char *none = testutil_read_in(g_tmp, "k/history.csv");
    assert_null(none);
    snprintf(args, sizeof args, "--resume %s/k %s/small.yaml", g_tmp, g_tmp);
    assert_int_equal(run_cli(args, NULL), 0);
    char *hk = testutil_read_in(g_tmp, "k/history.csv");
    assert_non_null(hk);
    assert_string_equal(hk, h1);
    free(hk);
    free(h1);
    free(h2);

    /* errors: a spec error names file:line:col and exits 1; usage errors exit 2 */
    write_spec("bad.yaml",
               DESIGN "workload: prob.yaml\nparameters:\n"
                      "  - {name: a, component: nope, attribute: depth, values: [8]}\n");
    snprintf(args, sizeof args, "%s/bad.yaml", g_tmp);
    assert_int_equal(run_cli(args, NULL), 1);
    char *err = testutil_read_in(g_tmp, "stderr");
    assert_non_null(strstr(err, "bad.yaml:8:26: parameter 'a': no component 'nope'"));
    free(err);
    assert_int_equal(run_cli("--threads 0 x.yaml", NULL), 2);
    assert_int_equal(run_cli("--bogus x.yaml", NULL), 2);
    assert_int_equal(run_cli("", NULL), 2);

    assert_int_equal(testutil_rmtree(g_tmp), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_spec),
        cmocka_unit_test(test_spec_errors),
        cmocka_unit_test(test_design_arch_and_yaml),
        cmocka_unit_test(test_design_round_trip),
        cmocka_unit_test(test_ga_bookkeeping),
        cmocka_unit_test(test_ga_threads_deterministic),
        cmocka_unit_test(test_ga_resume),
        cmocka_unit_test(test_loss_expression),
        cmocka_unit_test(test_fuzz_regressions),
        cmocka_unit_test(test_layer_weights),
        cmocka_unit_test(test_reports),
        cmocka_unit_test(test_mapper_small),
        cmocka_unit_test(test_dispatch_bytes),
        cmocka_unit_test(test_dispatch_errors),
        cmocka_unit_test(test_out_of_memory_names_design),
        cmocka_unit_test(test_out_of_memory_many_genes),
        cmocka_unit_test(test_dispatch_split_threads),
        cmocka_unit_test(test_dispatch_split_failures),
        cmocka_unit_test(test_rank0_out_of_memory),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup_fixed, NULL);
}
