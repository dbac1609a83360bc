/*
 * Tests of the analytical model (src/model/, model.md §3-8). Architectures, problems and
 * mappings are built by hand in C so that these tests do not depend on the YAML loader:
 *   - the worked example of model.md §4.10, every number of its expected stats.txt, both rules;
 *   - hand-computed cases: halo tile sizes with stride and dilation, multicast groups for
 *     halo-free and diagonal Inputs, bypass, first-read elision, the two translation rules,
 *     bandwidth throttling, no_temporal_reuse, every failure kind with its reason;
 *   - random-mapping golden cases transcribed from tests/data/timeloop-golden (bypass,
 *     multicast, link transfers at the MAC and at the GLB level, strides, both rules);
 *   - the visit-sequence solver against a brute-force enumeration of all 2^k positions.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "model/model_internal.h"

enum { W = 0, I = 1, O = 2 };

/* ---------------------------------------------------------------------------------------- */
/* builders                                                                                  */

static void set_buffer(adse_buffer *b, const char *name, const char *klass, uint32_t block,
                       uint64_t depth, uint32_t instances, uint32_t mesh_x, double e_read,
                       double e_fill, double e_update, double e_leak, double area)
{
    memset(b, 0, sizeof *b);
    strcpy(b->name, name);
    strcpy(b->klass, klass);
    b->is_dram = strstr(klass, "DRAM") != NULL;
    b->word_bits = 8;
    b->block_size = block;
    b->cluster_size = 1;
    b->depth = depth;
    b->size_specified = depth > 0;
    b->size_words = depth * block;
    b->effective_size = depth * block;
    b->multiple_buffering = 1.0;
    b->instances = instances;
    b->mesh_x = mesh_x;
    b->mesh_y = instances / mesh_x;
    b->read_bw = b->write_bw = b->shared_bw = -1;
    b->reduction_supported = !b->is_dram;
    b->num_banks = b->num_ports = 2;
    b->energy_source = ADSE_ENERGY_ERT;
    b->e_read = e_read;
    b->e_fill = e_fill;
    b->e_update = e_update;
    b->e_leak = e_leak;
    b->area_um2 = area;
    b->network_word_bits = 8;
    b->energy_per_hop_pj = -1;
    b->tile_width_mm = -1;
}

/* DRAM(block 8) -> GLB(65536 x 64 bits, 8-bit words, r/w bandwidth 4) -> spads -> MACs, with
 * the energies and areas of the golden ert.yaml/art.yaml. Arch A (model.md §4.10): 16 PEs, meshX
 * 4, one MAC each. Arch B: 4 PEs (2x2) with 4 MACs each (4x4 MAC mesh). */
static void arch_common(adse_arch *a, uint32_t pes, uint32_t pe_mesh_x, uint32_t macs,
                        uint32_t mac_mesh_x)
{
    memset(a, 0, sizeof *a);
    strcpy(a->arith.name, "mac");
    strcpy(a->arith.klass, "intmac");
    a->arith.instances = macs;
    a->arith.mesh_x = mac_mesh_x;
    a->arith.mesh_y = macs / mac_mesh_x;
    a->arith.word_bits = 8;
    a->arith.e_compute = 1.0;
    a->arith.area_um2 = 300;
    a->n_levels = 3;
    set_buffer(&a->levels[0], "spad", "regfile", 1, 4096, pes, pe_mesh_x, 0.5, 0.6, 0.7, 0, 1000);
    set_buffer(&a->levels[1], "GLB", "smartbuffer_SRAM", 8, 65536, 1, 1, 5, 6, 7, 0.01, 100000);
    a->levels[1].read_bw = a->levels[1].write_bw = 4;
    set_buffer(&a->levels[2], "DRAM", "DRAM", 8, 0, 1, 1, 100, 110, 120, 0, 0);
}

static void arch_A(adse_arch *a)
{
    arch_common(a, 16, 4, 16, 4);
}

static void arch_B(adse_arch *a)
{
    arch_common(a, 4, 2, 16, 4);
}

/* CNN layer with dimensions C M R S N P Q (the exercises' conv2D shape). */
static void cnn_problem_dil(adse_problem *p, const uint64_t b[7], int wstride, int hstride,
                            int wdil, int hdil)
{
    memset(p, 0, sizeof *p);
    p->n_dims = 7;
    memcpy(p->dim_names, "CMRSNPQ", 7);
    memcpy(p->bounds, b, 7 * sizeof b[0]);
    p->n_ds = 3;
    enum { C, M, R, S, N, P, Q };
    adse_dataspace *w = &p->ds[W], *in = &p->ds[I], *o = &p->ds[O];
    strcpy(w->name, "Weights");
    w->n_ranks = 4;
    w->ranks[0] = (adse_rank){1, {{C, 1}}};
    w->ranks[1] = (adse_rank){1, {{M, 1}}};
    w->ranks[2] = (adse_rank){1, {{R, 1}}};
    w->ranks[3] = (adse_rank){1, {{S, 1}}};
    strcpy(in->name, "Inputs");
    in->n_ranks = 4;
    in->ranks[0] = (adse_rank){1, {{N, 1}}};
    in->ranks[1] = (adse_rank){1, {{C, 1}}};
    in->ranks[2] = (adse_rank){2, {{R, wdil}, {P, wstride}}};
    in->ranks[3] = (adse_rank){2, {{S, hdil}, {Q, hstride}}};
    strcpy(o->name, "Outputs");
    o->n_ranks = 4;
    o->ranks[0] = (adse_rank){1, {{N, 1}}};
    o->ranks[1] = (adse_rank){1, {{M, 1}}};
    o->ranks[2] = (adse_rank){1, {{Q, 1}}};
    o->ranks[3] = (adse_rank){1, {{P, 1}}};
    o->read_write = true;
    w->relevant_mask = 1u << C | 1u << M | 1u << R | 1u << S;
    in->relevant_mask = 1u << N | 1u << C | 1u << R | 1u << P | 1u << S | 1u << Q;
    o->relevant_mask = 1u << N | 1u << M | 1u << Q | 1u << P;
}

static void cnn_problem(adse_problem *p, const uint64_t b[7], int wstride, int hstride)
{
    cnn_problem_dil(p, b, wstride, hstride, 1, 1);
}

/* "C=2 M4 R1" -> factors (unnamed dimensions keep factor 1). */
static void parse_factors(const adse_problem *p, const char *s, uint64_t *out)
{
    for (int x = 0; x < p->n_dims; x++)
        out[x] = 1;
    while (*s) {
        int x = adse_problem_dim_id(p, *s);
        if (x < 0) {
            s++;
            continue;
        }
        s++;
        if (*s == '=') s++;
        out[x] = strtoull(s, (char **)&s, 10);
    }
}

/* Permutation string, innermost first; missing dimensions appended in id order. */
static void parse_perm(const adse_problem *p, const char *s, uint8_t *out)
{
    uint32_t seen = 0;
    int k = 0;
    for (; *s; s++) {
        int x = adse_problem_dim_id(p, *s);
        if (x < 0 || (seen & (1u << x))) continue;
        seen |= 1u << x;
        out[k++] = (uint8_t)x;
    }
    for (int x = 0; x < p->n_dims; x++)
        if (!(seen & (1u << x))) out[k++] = (uint8_t)x;
}

static void set_temporal(adse_mapping *m, const adse_problem *p, int level, const char *factors,
                         const char *perm)
{
    parse_factors(p, factors, m->temporal[level]);
    parse_perm(p, perm, m->temporal_perm[level]);
}

static void set_spatial(adse_mapping *m, const adse_problem *p, int level, const char *factors,
                        const char *perm, int split)
{
    parse_factors(p, factors, m->spatial[level]);
    parse_perm(p, perm, m->spatial_perm[level]);
    m->split[level] = (uint8_t)split;
}

/* Space-separated data-space names bypassed at level. */
static void set_bypass(adse_mapping *m, const adse_problem *p, int level, const char *names)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", names);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        int d = adse_problem_ds_id(p, tok);
        assert_true(d >= 0);
        m->keep[d] &= ~(1u << level);
    }
}

/* The worked example of model.md §4.10 (arch A, C8 M16 R3 S3 N1 P8 Q8, GLB bypasses Weights). */
static void worked_example(adse_arch *a, adse_problem *p, adse_mapping *m)
{
    arch_A(a);
    cnn_problem(p, (uint64_t[7]){8, 16, 3, 3, 1, 8, 8}, 1, 1);
    adse_mapping_init(m, 3, 7, 3);
    set_temporal(m, p, 2, "C2 M2 R1 S1 N1 P2 Q2", "QPMCRSN");
    set_temporal(m, p, 1, "C2 M2 R3 S1 N1 P2 Q1", "RPCMSNQ");
    set_spatial(m, p, 1, "C1 M4 R1 S1 N1 P1 Q4", "MQCRSNP", 1);
    set_temporal(m, p, 0, "C2 M1 R1 S3 N1 P2 Q1", "SCPMRNQ");
    set_bypass(m, p, 1, "Weights");
}

/* ---------------------------------------------------------------------------------------- */
/* evaluation helpers                                                                         */

typedef struct run {
    adse_model *model;
    adse_scratch *scratch;
    adse_result *r;
    adse_status status;
    adse_err err;
} run;

static void run_model(run *x, const adse_arch *a, const adse_problem *p, const adse_mapping *m,
                      adse_translation tr, bool no_links)
{
    memset(x, 0, sizeof *x);
    adse_model_options o;
    adse_model_options_init(&o);
    o.translation = tr;
    o.disable_link_transfers = no_links;
    assert_int_equal(adse_model_create(a, p, &o, &x->model, &x->err), ADSE_OK);
    x->scratch = adse_scratch_new(x->model);
    assert_non_null(x->scratch);
    x->r = calloc(1, sizeof *x->r);
    assert_non_null(x->r);
    x->status = adse_model_evaluate(x->model, m, x->scratch, x->r, &x->err);
}

static void run_free(run *x)
{
    free(x->r);
    adse_scratch_free(x->scratch);
    adse_model_free(x->model);
}

typedef struct exp_ds {
    int level, ds;
    uint64_t partition, capacity, instances, reads, fills, updates;
    double energy_total; /* pJ, as printed (2 decimals) */
} exp_ds;

/* Energies are printed with 2 decimals: compare within 0.1% or the printing rounding. */
static void assert_energy(double got, double want, const char *what)
{
    double tol = 1e-3 * (want < 0 ? -want : want) + 0.006;
    double diff = got - want;
    if (diff < 0) diff = -diff;
    if (diff > tol) assert_double_rel(got, want, 1e-3, what);
}

/* Every listed (level, data space) exactly; every other one must not be kept. */
static void check_ds(const adse_result *r, const adse_problem *p, int n_levels, const exp_ds *e)
{
    bool listed[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES] = {{false}};
    char what[128];
    for (; e->level >= 0; e++) {
        const adse_ds_stats *st = &r->levels[e->level].ds[e->ds];
        listed[e->level][e->ds] = true;
        snprintf(what, sizeof what, "level %d %s energy", e->level, p->ds[e->ds].name);
        if (!st->kept || st->partition_size != e->partition ||
            st->utilized_capacity != e->capacity || st->utilized_instances != e->instances ||
            st->reads != e->reads || st->fills != e->fills || st->updates != e->updates)
            print_error("level %d %s: kept %d ps %llu cap %llu inst %llu r %llu f %llu u %llu\n",
                        e->level, p->ds[e->ds].name, st->kept,
                        (unsigned long long)st->partition_size,
                        (unsigned long long)st->utilized_capacity,
                        (unsigned long long)st->utilized_instances, (unsigned long long)st->reads,
                        (unsigned long long)st->fills, (unsigned long long)st->updates);
        assert_true(st->kept);
        assert_int_equal(st->partition_size, e->partition);
        assert_int_equal(st->utilized_capacity, e->capacity);
        assert_int_equal(st->utilized_instances, e->instances);
        assert_int_equal(st->reads, e->reads);
        assert_int_equal(st->fills, e->fills);
        assert_int_equal(st->updates, e->updates);
        bool rw = p->ds[e->ds].read_write;
        assert_int_equal(st->temporal_reductions, rw ? e->reads : 0);
        assert_int_equal(st->address_generations, (rw ? e->updates : e->reads) + e->fills);
        assert_energy(st->energy_total_pj, e->energy_total, what);
    }
    for (int i = 0; i < n_levels; i++)
        for (int d = 0; d < p->n_ds; d++)
            if (!listed[i][d]) assert_false(r->levels[i].ds[d].kept);
}

/* ---------------------------------------------------------------------------------------- */
/* API                                                                                        */

static void test_api_lifecycle(void **state)
{
    (void)state;
    adse_model_options o;
    memset(&o, 0xff, sizeof o);
    adse_model_options_init(&o);
    assert_int_equal(o.translation, ADSE_TRANSLATION_NEW);
    assert_false(o.disable_link_transfers);
    adse_model_free(NULL);
    adse_scratch_free(NULL);
    assert_null(adse_scratch_new(NULL));
    assert_null(adse_model_arch(NULL));

    adse_arch a;
    adse_problem p;
    adse_mapping m;
    worked_example(&a, &p, &m);
    adse_err err;
    adse_model *model = NULL;
    assert_int_equal(adse_model_create(NULL, &p, NULL, &model, &err), ADSE_E_USAGE);
    assert_int_equal(adse_model_create(&a, &p, NULL, &model, &err), ADSE_OK); /* NULL = defaults */
    assert_string_equal(adse_model_arch(model)->levels[1].name, "GLB");
    assert_int_equal(adse_model_problem(model)->bounds[1], 16);

    adse_arch bad = a;
    bad.levels[0].mesh_x = 3; /* 16 instances do not form a 3-wide mesh */
    adse_model *m2 = NULL;
    assert_int_equal(adse_model_create(&bad, &p, NULL, &m2, &err), ADSE_E_SPEC);
    assert_null(m2);

    adse_model *other = NULL;
    assert_int_equal(adse_model_create(&a, &p, NULL, &other, &err), ADSE_OK);
    adse_scratch *s = adse_scratch_new(other);
    adse_result *r = calloc(1, sizeof *r);
    assert_int_equal(adse_model_evaluate(model, &m, s, r, &err), ADSE_E_USAGE);
    adse_scratch_free(s);
    s = adse_scratch_new(model);
    assert_int_equal(adse_model_evaluate(model, &m, s, r, NULL), ADSE_OK);
    assert_int_equal(r->fail, ADSE_FAIL_NONE);
    assert_int_equal(r->fail_level, -1);
    /* Evaluating again with the same scratch gives the same result. */
    adse_result *r2 = calloc(1, sizeof *r2);
    assert_int_equal(adse_model_evaluate(model, &m, s, r2, NULL), ADSE_OK);
    assert_int_equal(r2->cycles, r->cycles);
    assert_true(r2->energy_pj == r->energy_pj);
    free(r2);
    free(r);
    adse_scratch_free(s);
    adse_model_free(model);
    adse_model_free(other);
}

/* ---------------------------------------------------------------------------------------- */
/* worked example (model.md §4.10)                                                           */

static const exp_ds worked_ds[] = {
    {0, W, 288, 6, 16, 4608, 2304, 0, 58982.40},
    {0, I, 400, 12, 16, 4608, 2688, 0, 62668.80},
    {0, O, 64, 2, 16, 4544, 192, 4608, 89804.80},
    {1, I, 800, 144, 1, 10752, 1920, 0, 8160.00},
    {1, O, 1024, 128, 1, 3072, 1024, 4096, 6272.00},
    {2, W, 1152, 1152, 1, 9216, 0, 0, 115200.00},
    {2, I, 800, 800, 1, 1920, 0, 0, 24000.00},
    {2, O, 1024, 1024, 1, 1024, 0, 2048, 43520.00},
    {-1, 0, 0, 0, 0, 0, 0, 0, 0},
};

static void check_worked_example(adse_translation tr)
{
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    worked_example(&a, &p, &m);
    run x;
    run_model(&x, &a, &p, &m, tr, false);
    assert_int_equal(x.status, ADSE_OK);
    const adse_result *r = x.r;
    check_ds(r, &p, 3, worked_ds);

    /* Per-instance and per-access energies, clusters, bandwidths (printed values). */
    const adse_ds_stats *sw = &r->levels[0].ds[W], *si = &r->levels[0].ds[I];
    const adse_ds_stats *so = &r->levels[0].ds[O];
    assert_energy(sw->energy_per_instance_pj, 3686.40, "spad W per instance");
    assert_energy(si->energy_per_instance_pj, 3916.80, "spad I per instance");
    assert_energy(so->energy_per_instance_pj, 5612.80, "spad O per instance");
    assert_double_rel(sw->energy_per_access_pj, 3686.40 / 6912, 1e-9, "spad W per access");
    assert_double_rel(r->levels[2].ds[O].energy_per_access_pj, 43520.0 / 3072, 1e-9, "DRAM O");
    assert_int_equal(sw->utilized_clusters, 16);
    assert_int_equal(sw->address_generations, 6912);
    assert_int_equal(so->address_generations, 4800);
    assert_double_rel(so->read_bw, 4544.0 / 4608, 1e-12, "spad O read bw");
    assert_double_rel(so->write_bw, 4800.0 / 4608, 1e-12, "spad O write bw");
    assert_double_rel(r->levels[1].ds[I].read_bw, 10752.0 / 4608, 1e-12, "GLB I read bw");
    assert_double_rel(r->levels[1].ds[I].write_bw, 1920.0 / 4608, 1e-12, "GLB I write bw");
    assert_double_rel(r->levels[2].ds[W].read_bw, 2.0, 1e-12, "DRAM W read bw");
    assert_double_rel(r->levels[0].ds[W].bw_scale, 1.0, 0, "scale");

    for (int i = 0; i < 3; i++) {
        assert_int_equal(r->levels[i].cycles, 4608);
        assert_double_rel(r->levels[i].slowdown, 1.0, 0, "slowdown");
    }
    assert_double_rel(r->levels[1].leak_energy_pj, 46.08, 1e-9, "GLB leakage");
    assert_double_rel(r->levels[0].leak_energy_pj + 1, 1, 0, "spad leakage");
    assert_int_equal(r->levels[0].accesses, 376832);
    assert_int_equal(r->levels[1].accesses, 20864);
    assert_int_equal(r->levels[2].accesses, 14208);
    assert_int_equal(r->levels[0].max_utilized_instances, 16);
    assert_double_rel(r->levels[0].energy_pj, 211456.0, 1e-9, "spad energy");
    assert_double_rel(r->levels[1].energy_pj, 14478.08, 1e-9, "GLB energy");
    assert_double_rel(r->levels[2].energy_pj, 182720.0, 1e-9, "DRAM energy");

    assert_int_equal(r->computes, 73728);
    assert_int_equal(r->compute_cycles, 4608);
    assert_int_equal(r->cycles, 4608);
    assert_int_equal(r->utilized_macs, 16);
    assert_double_rel(r->mac_energy_pj, 73728.0, 1e-12, "mac energy");
    assert_double_rel(r->energy_pj, 482382.08, 1e-9, "total energy");
    assert_double_rel(r->utilization, 1.0, 1e-12, "utilization");
    assert_int_equal(r->reduction_ops, 72704);
    assert_int_equal(r->total_ops, 146432);
    assert_double_rel(r->gflops, 146432.0 / 4608, 1e-12, "GFLOPs");
    assert_double_rel(r->edp, 4608 * 482382.08 / 1e12, 1e-9, "EDP");
    assert_int_equal(r->memory_accesses_required, 2976);
    assert_double_rel(r->area_um2, 100000 + 16 * 1000 + 16 * 300, 1e-12, "area");
    /* fJ/Compute printed by Timeloop: Total = 6542.73. */
    assert_double_rel(r->energy_pj * 1000 / r->computes, 6542.73, 1e-6, "fJ/compute");
    run_free(&x);
}

static void test_worked_example_new(void **state)
{
    (void)state;
    check_worked_example(ADSE_TRANSLATION_NEW);
}

static void test_worked_example_legacy(void **state)
{
    (void)state;
    check_worked_example(ADSE_TRANSLATION_LEGACY);
}

/* ---------------------------------------------------------------------------------------- */
/* hand-computed cases                                                                        */

/* Tile sizes with stride and dilation halos (model.md §1.2): W = (E_P-1)*Wstride +
 * (E_R-1)*Wdilation + 1, H likewise; the fill of a sliding tile counts the overlap once. */
static void test_halo_tile_sizes(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    arch_A(&a);
    cnn_problem_dil(&p, (uint64_t[7]){1, 1, 2, 2, 1, 6, 2}, 2, 1, 3, 2);
    adse_mapping_init(&m, 3, 7, 3);
    set_temporal(&m, &p, 0, "P3 R2 Q2 S2", "PRQS");
    set_temporal(&m, &p, 1, "P2", "P");
    run x;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    assert_int_equal(x.status, ADSE_OK);
    const adse_result *r = x.r;
    /* spad: W = 2*2 + 1*3 + 1 = 8, H = 1*1 + 1*2 + 1 = 4. */
    assert_int_equal(r->levels[0].ds[I].utilized_capacity, 32);
    assert_int_equal(r->levels[0].ds[W].utilized_capacity, 4);
    assert_int_equal(r->levels[0].ds[O].utilized_capacity, 6);
    /* GLB and DRAM: P spans 6: W = 5*2 + 1*3 + 1 = 14. */
    assert_int_equal(r->levels[1].ds[I].utilized_capacity, 56);
    assert_int_equal(r->levels[2].ds[I].utilized_capacity, 56);
    assert_int_equal(r->levels[2].ds[I].partition_size, 56);
    /* The P step moves the spad tile by 3*2 = 6 of its 8 columns: 32 + (32 - 2*4) = 56. */
    assert_int_equal(r->levels[0].ds[I].fills, 56);
    assert_int_equal(r->levels[1].ds[I].reads, 56);
    assert_int_equal(r->levels[1].ds[I].fills, 56);
    assert_int_equal(r->levels[2].ds[I].reads, 56);
    assert_int_equal(r->levels[0].ds[I].reads, 48); /* every MAC operand */
    run_free(&x);
}

/* Multicast groups (model.md §4.6): children with the same data-space offset share one parent
 * read. Halo-free: product of the relevant spatial factors. Inputs with P and R both
 * spatial: offsets p + r coincide on the diagonal, 3 distinct columns for P2 x R2. */
static void test_multicast_groups(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    arch_A(&a);
    cnn_problem(&p, (uint64_t[7]){1, 1, 2, 1, 1, 2, 2}, 1, 1);
    adse_mapping_init(&m, 3, 7, 3);
    set_spatial(&m, &p, 1, "P2 R2 Q2", "PRQ", 2); /* P, R along X; Q along Y */
    run x;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    assert_int_equal(x.status, ADSE_OK);
    const adse_result *r = x.r;
    assert_int_equal(r->levels[0].ds[I].utilized_instances, 8);
    assert_int_equal(r->utilized_macs, 8);
    assert_int_equal(r->levels[1].ds[I].reads, 6);   /* (p + r) in {0,1,2} x q in {0,1} */
    assert_int_equal(r->levels[1].ds[W].reads, 2);   /* R only */
    assert_int_equal(r->levels[1].ds[O].updates, 4); /* P x Q */
    assert_int_equal(r->levels[1].ds[O].reads, 0);   /* = updates - partition size */
    assert_int_equal(r->levels[1].ds[O].partition_size, 4);
    assert_int_equal(r->levels[0].ds[I].fills, 1);
    assert_int_equal(r->levels[0].ds[W].fills, 1);
    assert_int_equal(r->levels[0].ds[O].partition_size, 1);
    assert_int_equal(r->levels[0].ds[O].fills, 0);
    assert_int_equal(r->levels[0].ds[O].reads, 0);
    assert_int_equal(r->levels[0].ds[O].updates, 1);
    assert_int_equal(r->levels[2].ds[I].reads, 6);
    assert_int_equal(r->levels[2].ds[I].utilized_capacity, 6);
    run_free(&x);

    /* Spatial no_reuse (no multicast) for Inputs at GLB: one read per child. */
    m.no_multicast[I] |= 1u << 1;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    assert_int_equal(x.status, ADSE_OK);
    assert_int_equal(x.r->levels[1].ds[I].reads, 8);
    assert_int_equal(x.r->levels[0].ds[I].fills, 1);
    run_free(&x);
}

/* Bypass (model.md §4.8.5): the next keeper serves the bypassing level's children directly. */
static void test_bypass(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    worked_example(&a, &p, &m);
    set_bypass(&m, &p, 0, "Inputs");
    run x;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, true);
    assert_int_equal(x.status, ADSE_OK);
    const adse_result *r = x.r;
    assert_false(r->levels[0].ds[I].kept);
    assert_int_equal(r->levels[0].ds[I].reads, 0);
    /* Each of the 4 multicast groups of 4 MACs reads its operand every cycle. */
    assert_int_equal(r->levels[1].ds[I].reads, 4 * 4608);
    assert_int_equal(r->levels[1].ds[I].fills, 1920);
    assert_int_equal(r->levels[1].ds[I].partition_size, 800);
    /* GLB bypasses Weights: DRAM serves the spads, 4 groups (M spatial, Q not). */
    assert_int_equal(r->levels[2].ds[W].reads, 4 * 2304);
    run_free(&x);

    /* Bypassing the outermost level: the next keeper gets no fills. */
    worked_example(&a, &p, &m);
    m.keep[W] = 0x3; /* spad and GLB */
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    assert_int_equal(x.status, ADSE_OK);
    assert_false(x.r->levels[2].ds[W].kept);
    assert_int_equal(x.r->levels[2].ds[W].reads, 0);
    assert_true(x.r->levels[1].ds[W].kept);
    assert_int_equal(x.r->levels[1].ds[W].fills, 0);
    assert_int_equal(x.r->levels[1].ds[W].utilized_capacity, 288);
    assert_int_equal(x.r->levels[1].ds[W].reads, 4 * 2304);
    assert_int_equal(x.r->memory_accesses_required, 288 + 800 + 1024);
    run_free(&x);
}

/* First-read elision (model.md §4.8.8): the first update of each partial sum is a write without
 * read, and the first fill from the parent is skipped; the outermost keeper has no fills. */
static void test_first_read_elision(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    worked_example(&a, &p, &m);
    run x;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    const adse_ds_stats *s0 = &x.r->levels[0].ds[O], *s1 = &x.r->levels[1].ds[O];
    const adse_ds_stats *s2 = &x.r->levels[2].ds[O];
    assert_int_equal(s0->reads, s0->updates - s0->partition_size);
    assert_int_equal(s0->fills, s1->updates / 16 - s0->partition_size);
    assert_int_equal(s1->reads, s1->updates - s1->partition_size);
    assert_int_equal(s1->fills, s2->updates - s1->partition_size);
    assert_int_equal(s2->fills, 0);
    assert_int_equal(s2->reads, s2->updates - 1024);
    run_free(&x);

    /* rmw_first_update: the partition size is not subtracted at that level. */
    m.rmw_first_update[O] |= 1u << 0;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    assert_int_equal(x.r->levels[0].ds[O].reads, 4608);
    assert_int_equal(x.r->levels[0].ds[O].fills, 256);
    assert_int_equal(x.r->levels[1].ds[O].reads, 3072);
    run_free(&x);
}

/* The translation rules (model.md §4.4) on a 16-word Inputs tile (W 4 x H 4) under the loops
 * M2 (irrelevant), Q2 (slides 2 rows: delta 8), P2. NEW: 16 + 0 + 8 + 0 + 16 + 0 + 8 + 0 =
 * 48. LEGACY: the stationary M step records a zero translation, so every Q step is a
 * blow-up: 4 * 16 = 64. Weights and Outputs (no halo) agree. */
static void test_translation_rules(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    arch_A(&a);
    cnn_problem(&p, (uint64_t[7]){1, 2, 3, 3, 1, 4, 4}, 1, 1);
    adse_mapping_init(&m, 3, 7, 3);
    set_temporal(&m, &p, 0, "P2 R3 Q2 S3", "PRQS");
    set_temporal(&m, &p, 2, "M2 Q2 P2", "MQP");
    const uint64_t want[2] = {48, 64};
    for (int rule = 0; rule < 2; rule++) {
        run x;
        run_model(&x, &a, &p, &m, rule ? ADSE_TRANSLATION_LEGACY : ADSE_TRANSLATION_NEW, false);
        assert_int_equal(x.status, ADSE_OK);
        const adse_result *r = x.r;
        assert_int_equal(r->levels[0].ds[I].utilized_capacity, 16);
        assert_int_equal(r->levels[0].ds[I].fills, want[rule]);
        assert_int_equal(r->levels[1].ds[I].reads, want[rule]);
        assert_int_equal(r->levels[2].ds[I].reads, want[rule]);
        assert_int_equal(r->levels[2].ds[I].utilized_capacity, 36);
        assert_int_equal(r->levels[0].ds[I].reads, 288);
        /* Weights: tile R3 S3 refetched for every M step (M innermost relevant): 9 * 8. */
        assert_int_equal(r->levels[0].ds[W].fills, 72);
        /* Outputs: the P2 Q2 tile is refetched for every position (M innermost relevant). */
        assert_int_equal(r->levels[1].ds[O].updates, 4 * 8);
        run_free(&x);
    }
}

/* Bandwidth throttling (model.md §6): slowdown = limit / demand, cycles = ceil(cc / slowdown). */
static void test_bandwidth_throttling(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    worked_example(&a, &p, &m);
    a.levels[1].read_bw = 2; /* demand (10752 + 3072) / 4608 = 3 words/cycle */
    run x;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    assert_int_equal(x.status, ADSE_OK);
    const adse_result *r = x.r;
    assert_double_rel(r->levels[1].slowdown, 2.0 / 3.0, 1e-12, "slowdown");
    assert_int_equal(r->levels[1].cycles, 6912);
    assert_int_equal(r->levels[0].cycles, 4608);
    assert_int_equal(r->compute_cycles, 4608);
    assert_int_equal(r->cycles, 6912);
    assert_double_rel(r->levels[1].ds[I].read_bw, 10752.0 / 4608 * 2 / 3, 1e-12, "read bw");
    assert_double_rel(r->levels[1].ds[O].write_bw, 5120.0 / 4608 * 2 / 3, 1e-12, "write bw");
    assert_double_rel(r->levels[1].leak_energy_pj, 0.01 * 6912, 1e-12, "leakage");
    assert_double_rel(r->utilization, 4608.0 / 6912, 1e-12, "utilization");
    assert_double_rel(r->gflops, 146432.0 / 6912, 1e-12, "GFLOPs");
    run_free(&x);

    /* Shared bandwidth: (13824 + 7040) / 4608 words per cycle against 3. */
    a.levels[1].read_bw = a.levels[1].write_bw = -1;
    a.levels[1].shared_bw = 3;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    assert_double_rel(x.r->levels[1].slowdown, 3.0 * 4608 / 20864, 1e-12, "shared slowdown");
    assert_int_equal(x.r->cycles, 6955); /* ceil(20864 / 3) */
    run_free(&x);

    /* Bandwidth consumption scale: Outputs count half. */
    a.levels[1].shared_bw = -1;
    a.levels[1].read_bw = 2;
    a.levels[1].n_bw_scales = 1;
    strcpy(a.levels[1].bw_scale_names[0], "Outputs");
    a.levels[1].bw_scale_values[0] = 0.5;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    assert_double_rel(x.r->levels[1].ds[O].bw_scale, 0.5, 0, "scale");
    assert_double_rel(x.r->levels[1].slowdown, 2.0 * 4608 / (10752 + 1536), 1e-12, "scaled");
    run_free(&x);
}

/* no_temporal_reuse (model.md §4.4): every visit refetches the whole tile. */
static void test_no_temporal_reuse(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    worked_example(&a, &p, &m);
    m.no_temporal_reuse[O] |= 1u << 0;
    run x;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    assert_int_equal(x.status, ADSE_OK);
    /* 2 words times all 384 positions above the spad tile, for each of 16 groups. */
    assert_int_equal(x.r->levels[1].ds[O].updates, 16 * 768);
    assert_int_equal(x.r->levels[0].ds[O].fills, 768 - 64);
    run_free(&x);
}

/* Link transfers (model.md §4.7): at the MAC level of arch B (golden case 12), a temporal R loop
 * right above spatial P lets every MAC but the last take its input from its neighbour. */
static void build_case12(adse_arch *a, adse_problem *p, adse_mapping *m);

static void test_link_transfers(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    build_case12(&a, &p, &m);
    run x;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    assert_int_equal(x.r->levels[0].ds[I].reads, 3072);
    assert_int_equal(x.r->levels[0].ds[W].reads, 2304);
    run_free(&x);
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, true);
    assert_int_equal(x.r->levels[0].ds[I].reads, 4608);
    assert_int_equal(x.r->levels[0].ds[W].reads, 2304);
    run_free(&x);
    m.no_link_transfer[I] |= 1u << 0;
    run_model(&x, &a, &p, &m, ADSE_TRANSLATION_NEW, false);
    assert_int_equal(x.r->levels[0].ds[I].reads, 4608);
    run_free(&x);
}

/* ---------------------------------------------------------------------------------------- */
/* failures (model.md §8)                                                                     */

static void expect_fail(const adse_arch *a, const adse_problem *p, const adse_mapping *m,
                        adse_status status, adse_fail kind, int level, const char *reason)
{
    run x;
    run_model(&x, a, p, m, ADSE_TRANSLATION_NEW, false);
    if (x.r->fail != kind || (reason && strcmp(x.r->reason, reason) != 0))
        print_error("fail %d level %d reason '%s'\n", x.r->fail, x.r->fail_level, x.r->reason);
    assert_int_equal(x.status, status);
    assert_int_equal(x.r->fail, kind);
    assert_int_equal(x.r->fail_level, level);
    assert_true(x.r->reason[0] != 0);
    assert_string_equal(x.err.msg, x.r->reason);
    if (reason) assert_string_equal(x.r->reason, reason);
    run_free(&x);
}

static void test_failures(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;

    worked_example(&a, &p, &m);
    a.levels[1].effective_size = 200; /* kept tiles: Inputs 144 + Outputs 128 */
    expect_fail(&a, &p, &m, ADSE_E_INVALID, ADSE_FAIL_CAPACITY, 1,
                "mapped tile size 272 exceeds 'GLB' capacity 200");

    worked_example(&a, &p, &m);
    a.levels[1].min_utilization = 0.5;
    expect_fail(&a, &p, &m, ADSE_E_INVALID, ADSE_FAIL_MIN_UTIL, 1, NULL);

    worked_example(&a, &p, &m);      /* unbounded DRAM never overflows */
    a.levels[0].effective_size = 19; /* spad tiles: 6 + 12 + 2 = 20 */
    expect_fail(&a, &p, &m, ADSE_E_INVALID, ADSE_FAIL_CAPACITY, 0,
                "mapped tile size 20 exceeds 'spad' capacity 19");

    worked_example(&a, &p, &m);
    set_temporal(&m, &p, 1, "C2 M1 R3 S1 N1 P2 Q1", "RPCMSNQ");
    set_spatial(&m, &p, 1, "C1 M8 R1 S1 N1 P1 Q4", "MQCRSNP", 1); /* 8 > fanout X 4 */
    expect_fail(&a, &p, &m, ADSE_E_INVALID, ADSE_FAIL_FANOUT, 1,
                "spatial X factors 8 exceed 'GLB' fanout X 4");

    worked_example(&a, &p, &m);
    set_temporal(&m, &p, 0, "C1 M1 R1 S3 N1 P2 Q1", "SCPMRNQ");
    set_spatial(&m, &p, 0, "C2", "C", 1); /* the spad has one MAC */
    expect_fail(&a, &p, &m, ADSE_E_INVALID, ADSE_FAIL_SPATIAL_NONE, 0, NULL);

    worked_example(&a, &p, &m);
    set_bypass(&m, &p, 0, "Weights");
    set_bypass(&m, &p, 2, "Weights");
    expect_fail(&a, &p, &m, ADSE_E_INVALID, ADSE_FAIL_BYPASS_ALL, -1,
                "data space 'Weights' is kept at no level");

    worked_example(&a, &p, &m);
    m.temporal[2][0] = 3; /* C: 3 * 2 * 2 != 8 */
    expect_fail(&a, &p, &m, ADSE_E_MAPPING, ADSE_FAIL_MAPPING, -1,
                "factors of 'C' multiply to 12, not its bound 8");

    worked_example(&a, &p, &m);
    m.temporal_perm[1][0] = m.temporal_perm[1][1];
    expect_fail(&a, &p, &m, ADSE_E_MAPPING, ADSE_FAIL_MAPPING, 1, NULL);

    worked_example(&a, &p, &m);
    m.n_levels = 2;
    expect_fail(&a, &p, &m, ADSE_E_MAPPING, ADSE_FAIL_MAPPING, -1, NULL);
}

/* ---------------------------------------------------------------------------------------- */
/* golden cases: tests/data/timeloop-golden/random-mappings, transcribed                     */

typedef struct golden {
    const char *name;
    void (*build)(adse_arch *, adse_problem *, adse_mapping *);
    adse_translation translation;
    uint64_t cycles;
    double fj_per_compute;    /* "Total" of fJ/Compute */
    uint64_t level_cycles[3]; /* spad, GLB, DRAM */
    const exp_ds *ds;
} golden;

/* Transcribed from caseNN_archX/prob_map.yaml and expected_*_translation/timeloop-model.stats.txt.
 */
static void build_case07(adse_arch *a, adse_problem *p, adse_mapping *m)
{
    arch_A(a);
    cnn_problem(p, (uint64_t[7]){8, 4, 1, 3, 2, 6, 4}, 2, 2);
    adse_mapping_init(m, 3, 7, 3);
    set_temporal(m, p, 0, "C=1 M=2 R=1 S=3 N=2 P=3 Q=1", "MNCRQSP");
    set_bypass(m, p, 0, "Outputs");
    set_temporal(m, p, 1, "C=2 M=2 R=1 S=1 N=1 P=2 Q=2", "PRCQSNM");
    set_spatial(m, p, 1, "C=4 M=1 R=1 S=1 N=1 P=1 Q=1", "CMRSQPN", 0);
    set_bypass(m, p, 1, "Outputs");
    set_temporal(m, p, 2, "C=1 M=1 R=1 S=1 N=1 P=1 Q=2", "NMSPRQC");
}
static const exp_ds case07_new_ds[] = {
    /* level, ds, partition, capacity, instances, reads, fills, updates, energy total */
    {0, W, 24, 6, 4, 1152, 96, 0, 2534.40},      {0, I, 396, 30, 4, 1152, 960, 0, 4608.00},
    {1, W, 96, 96, 1, 384, 96, 0, 312.00},       {1, I, 1584, 880, 1, 3840, 1584, 0, 3588.00},
    {2, W, 96, 96, 1, 96, 0, 0, 1200.00},        {2, I, 1584, 1584, 1, 1584, 0, 0, 19800.00},
    {2, O, 192, 192, 1, 960, 0, 1152, 29280.00}, {-1, 0, 0, 0, 0, 0, 0, 0, 0}};
static const golden case07_new = {
    "case07_archA/new", build_case07,       ADSE_TRANSLATION_NEW, 1152,
    14310.31,           {1152, 1152, 1152}, case07_new_ds};
static void build_case12(adse_arch *a, adse_problem *p, adse_mapping *m)
{
    arch_B(a);
    cnn_problem(p, (uint64_t[7]){4, 16, 3, 1, 1, 6, 8}, 1, 1);
    adse_mapping_init(m, 3, 7, 3);
    set_temporal(m, p, 0, "C=2 M=1 R=3 S=1 N=1 P=3 Q=1", "RMSNQCP");
    set_temporal(m, p, 1, "C=1 M=16 R=1 S=1 N=1 P=1 Q=1", "QSMRNCP");
    set_spatial(m, p, 1, "C=2 M=1 R=1 S=1 N=1 P=1 Q=1", "CQMSRNP", 0);
    set_temporal(m, p, 2, "C=1 M=1 R=1 S=1 N=1 P=1 Q=8", "MSRPCQN");
    set_spatial(m, p, 0, "C=1 M=1 R=1 S=1 N=1 P=2 Q=1", "PQNRMCS", 1);
}
static const exp_ds case12_new_ds[] = {
    /* level, ds, partition, capacity, instances, reads, fills, updates, energy total */
    {0, W, 96, 6, 2, 2304, 768, 0, 3225.60},    {0, I, 128, 16, 2, 3072, 128, 0, 3225.60},
    {0, O, 768, 6, 2, 3840, 0, 4608, 10291.20}, {1, W, 192, 192, 1, 1536, 192, 0, 1104.00},
    {1, I, 256, 32, 1, 256, 256, 0, 352.00},    {1, O, 768, 96, 1, 0, 0, 768, 672.00},
    {2, W, 192, 192, 1, 192, 0, 0, 2400.00},    {2, I, 256, 256, 1, 256, 0, 0, 3200.00},
    {2, O, 768, 768, 1, 0, 0, 768, 11520.00},   {-1, 0, 0, 0, 0, 0, 0, 0, 0}};
static const golden case12_new = {
    "case12_archB/new", build_case12, ADSE_TRANSLATION_NEW, 2304, 4907.71,
    {2304, 2304, 2304}, case12_new_ds};
static void build_case13(adse_arch *a, adse_problem *p, adse_mapping *m)
{
    arch_B(a);
    cnn_problem(p, (uint64_t[7]){4, 8, 3, 1, 1, 8, 8}, 2, 2);
    adse_mapping_init(m, 3, 7, 3);
    set_temporal(m, p, 0, "C=2 M=1 R=1 S=1 N=1 P=2 Q=2", "MNRSPCQ");
    set_bypass(m, p, 0, "Weights Outputs");
    set_temporal(m, p, 1, "C=1 M=2 R=3 S=1 N=1 P=1 Q=2", "RNQMSCP");
    set_spatial(m, p, 1, "C=2 M=1 R=1 S=1 N=1 P=2 Q=1", "CPQMSNR", 1);
    set_bypass(m, p, 1, "Outputs");
    set_temporal(m, p, 2, "C=1 M=2 R=1 S=1 N=1 P=2 Q=2", "RCMPQNS");
    set_spatial(m, p, 0, "C=1 M=2 R=1 S=1 N=1 P=1 Q=1", "MSCQNRP", 0);
}
static const exp_ds case13_new_ds[] = {
    /* level, ds, partition, capacity, instances, reads, fills, updates, energy total */
    {0, I, 218, 18, 4, 768, 960, 0, 3840.00},
    {1, W, 96, 48, 1, 3072, 384, 0, 2208.00},
    {1, I, 1020, 252, 1, 3840, 952, 0, 3114.00},
    {2, W, 96, 96, 1, 384, 0, 0, 4800.00},
    {2, I, 1020, 1020, 1, 952, 0, 0, 11900.00},
    {2, O, 512, 512, 1, 2560, 0, 3072, 78080.00},
    {-1, 0, 0, 0, 0, 0, 0, 0, 0}};
static const golden case13_new = {"case13_archB/new", build_case13,     ADSE_TRANSLATION_NEW, 1728,
                                  17920.46,           {768, 1728, 768}, case13_new_ds};
static const exp_ds case13_legacy_ds[] = {
    /* level, ds, partition, capacity, instances, reads, fills, updates, energy total */
    {0, I, 218, 18, 4, 768, 960, 0, 3840.00},
    {1, W, 96, 48, 1, 3072, 384, 0, 2208.00},
    {1, I, 1020, 252, 1, 3840, 1008, 0, 3156.00},
    {2, W, 96, 96, 1, 384, 0, 0, 4800.00},
    {2, I, 1020, 1020, 1, 1008, 0, 0, 12600.00},
    {2, O, 512, 512, 1, 2560, 0, 3072, 78080.00},
    {-1, 0, 0, 0, 0, 0, 0, 0, 0}};
static const golden case13_legacy = {
    "case13_archB/legacy", build_case13,    ADSE_TRANSLATION_LEGACY, 1728, 18041.22,
    {768, 1728, 768},      case13_legacy_ds};
static void build_case14(adse_arch *a, adse_problem *p, adse_mapping *m)
{
    arch_B(a);
    cnn_problem(p, (uint64_t[7]){4, 8, 3, 1, 1, 4, 8}, 1, 1);
    adse_mapping_init(m, 3, 7, 3);
    set_temporal(m, p, 0, "C=2 M=1 R=3 S=1 N=1 P=1 Q=4", "PNMSCRQ");
    set_temporal(m, p, 1, "C=1 M=4 R=1 S=1 N=1 P=1 Q=1", "CRMQSNP");
    set_spatial(m, p, 1, "C=1 M=1 R=1 S=1 N=1 P=1 Q=1", "PMSNQRC", 0);
    set_temporal(m, p, 2, "C=1 M=2 R=1 S=1 N=1 P=4 Q=1", "RNQCPSM");
    set_spatial(m, p, 0, "C=2 M=1 R=1 S=1 N=1 P=1 Q=2", "QCRNSPM", 1);
}
static const exp_ds case14_new_ds[] = {
    /* level, ds, partition, capacity, instances, reads, fills, updates, energy total */
    {0, W, 96, 12, 1, 1536, 384, 0, 998.40}, {0, I, 192, 96, 1, 3072, 384, 0, 1766.40},
    {0, O, 256, 8, 1, 0, 0, 256, 179.20},    {1, W, 96, 48, 1, 384, 96, 0, 312.00},
    {1, I, 192, 96, 1, 384, 384, 0, 528.00}, {1, O, 256, 32, 1, 0, 0, 256, 224.00},
    {2, W, 96, 96, 1, 96, 0, 0, 1200.00},    {2, I, 192, 192, 1, 384, 0, 0, 4800.00},
    {2, O, 256, 256, 1, 0, 0, 256, 3840.00}, {-1, 0, 0, 0, 0, 0, 0, 0, 0}};
static const golden case14_new = {
    "case14_archB/new", build_case14, ADSE_TRANSLATION_NEW, 768, 5510.31,
    {768, 768, 768},    case14_new_ds};
static const exp_ds case14_legacy_ds[] = {
    /* level, ds, partition, capacity, instances, reads, fills, updates, energy total */
    {0, W, 96, 12, 1, 1536, 384, 0, 998.40}, {0, I, 192, 96, 1, 3072, 768, 0, 1996.80},
    {0, O, 256, 8, 1, 0, 0, 256, 179.20},    {1, W, 96, 48, 1, 384, 96, 0, 312.00},
    {1, I, 192, 96, 1, 768, 384, 0, 768.00}, {1, O, 256, 32, 1, 0, 0, 256, 224.00},
    {2, W, 96, 96, 1, 96, 0, 0, 1200.00},    {2, I, 192, 192, 1, 384, 0, 0, 4800.00},
    {2, O, 256, 256, 1, 0, 0, 256, 3840.00}, {-1, 0, 0, 0, 0, 0, 0, 0, 0}};
static const golden case14_legacy = {
    "case14_archB/legacy", build_case14,    ADSE_TRANSLATION_LEGACY, 768, 5663.44,
    {768, 768, 768},       case14_legacy_ds};
static void build_case22(adse_arch *a, adse_problem *p, adse_mapping *m)
{
    arch_B(a);
    cnn_problem(p, (uint64_t[7]){8, 16, 3, 3, 1, 8, 8}, 2, 2);
    adse_mapping_init(m, 3, 7, 3);
    set_temporal(m, p, 0, "C=1 M=4 R=3 S=1 N=1 P=1 Q=4", "MQPSNCR");
    set_bypass(m, p, 0, "Weights Inputs");
    set_temporal(m, p, 1, "C=8 M=1 R=1 S=3 N=1 P=1 Q=1", "MRNPCSQ");
    set_spatial(m, p, 1, "C=1 M=2 R=1 S=1 N=1 P=1 Q=1", "MQPNRSC", 1);
    set_temporal(m, p, 2, "C=1 M=1 R=1 S=1 N=1 P=8 Q=2", "CSRPQMN");
    set_spatial(m, p, 0, "C=1 M=2 R=1 S=1 N=1 P=1 Q=1", "MSQRNCP", 1);
}
static const exp_ds case22_new_ds[] = {
    /* level, ds, partition, capacity, instances, reads, fills, updates, energy total */
    {0, O, 512, 32, 2, 36352, 0, 36864, 87961.60}, {1, W, 1152, 1152, 1, 73728, 1152, 0, 46944.00},
    {1, I, 2312, 216, 1, 4608, 2448, 0, 4716.00},  {1, O, 1024, 64, 1, 0, 0, 1024, 896.00},
    {2, W, 1152, 1152, 1, 1152, 0, 0, 14400.00},   {2, I, 2312, 2312, 1, 2448, 0, 0, 30600.00},
    {2, O, 1024, 1024, 1, 0, 0, 1024, 15360.00},   {-1, 0, 0, 0, 0, 0, 0, 0, 0}};
static const golden case22_new = {
    "case22_archB/new",    build_case22, ADSE_TRANSLATION_NEW, 19584, 3727.23,
    {18432, 19584, 18432}, case22_new_ds};

static void check_golden(const golden *g)
{
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    g->build(&a, &p, &m);
    run x;
    run_model(&x, &a, &p, &m, g->translation, false);
    if (x.status != ADSE_OK) print_error("%s: %s\n", g->name, x.r->reason);
    assert_int_equal(x.status, ADSE_OK);
    print_message("    %s\n", g->name);
    check_ds(x.r, &p, 3, g->ds);
    assert_int_equal(x.r->cycles, g->cycles);
    for (int i = 0; i < 3; i++)
        assert_int_equal(x.r->levels[i].cycles, g->level_cycles[i]);
    assert_double_rel(x.r->energy_pj * 1000 / (double)x.r->computes, g->fj_per_compute, 1e-3,
                      "fJ/compute");
    run_free(&x);
}

static void test_golden_case07(void **state)
{
    (void)state;
    check_golden(&case07_new);
}

static void test_golden_case12(void **state)
{
    (void)state;
    check_golden(&case12_new);
}

static void test_golden_case13_both_rules(void **state)
{
    (void)state;
    check_golden(&case13_new);
    check_golden(&case13_legacy);
}

static void test_golden_case14_both_rules(void **state)
{
    (void)state;
    check_golden(&case14_new);
    check_golden(&case14_legacy);
}

static void test_golden_case22(void **state)
{
    (void)state;
    check_golden(&case22_new);
}

/* ---------------------------------------------------------------------------------------- */
/* visit-sequence solver against the 2^k enumeration                                          */

static uint32_t rng_state = 12345;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (rng_state >> 8) % n;
}

static void test_seq_solver_matches_enumeration(void **state)
{
    (void)state;
    adse_arch a;
    adse_problem p;
    adse_mapping m;
    worked_example(&a, &p, &m);
    /* A problem with large bounds so that the scratch has room for 14 loops. */
    p.bounds[0] = 1 << 14;
    adse_model *model;
    adse_err err;
    assert_int_equal(adse_model_create(&a, &p, NULL, &model, &err), ADSE_OK);
    adse_scratch *s = adse_scratch_new(model);
    assert_non_null(s);
    static seq_pair brute[4096];
    for (int iter = 0; iter < 3000; iter++) {
        uint64_t n[14];
        int64_t t[14 * 3], ext[3];
        seq_in in;
        memset(&in, 0, sizeof in);
        in.k = (int)rnd(13);
        in.nr = 1 + (int)rnd(3);
        in.size = 1;
        for (int r = 0; r < in.nr; r++) {
            ext[r] = 1 + rnd(5);
            in.size *= (uint64_t)ext[r];
        }
        /* Translations drawn from a small pool so that repeats and zeros occur. */
        int64_t pool[4][3];
        for (int q = 0; q < 4; q++)
            for (int r = 0; r < in.nr; r++)
                pool[q][r] = q == 0 ? 0 : (int64_t)rnd(7) - 3;
        for (int b = 0; b < in.k; b++) {
            n[b] = 2 + rnd(3);
            int q = (int)rnd(4);
            for (int r = 0; r < in.nr; r++)
                t[b * in.nr + r] = pool[q][r];
        }
        in.n = n;
        in.t = t;
        in.ext = ext;
        in.legacy = rnd(2);
        in.no_reuse = rnd(8) == 0;
        in.want_pairs = true;
        seq_out out;
        adse__seq_solve(s, &in, &out);
        int nb = 0;
        uint64_t fill = adse__seq_brute(&in, brute, 4096, &nb);
        assert_int_equal(out.fill, fill);
        assert_int_equal(out.n_pairs, nb);
        for (int i = 0; i < nb; i++) {
            bool found = false;
            for (int j = 0; j < out.n_pairs && !found; j++)
                found = out.pairs[j].prev == brute[i].prev && out.pairs[j].cur == brute[i].cur &&
                        out.pairs[j].w == brute[i].w;
            assert_true(found);
        }
    }
    adse_scratch_free(s);
    adse_model_free(model);
}

/* ---------------------------------------------------------------------------------------- */
/* random mappings against a brute-force simulation of model.md §4.2-4.7                      */

/* Absolute box lists, as Timeloop's MultiAAHR: [lo, hi) per rank. */
typedef struct blist {
    int n;
    mbox b[2 * ADSE_MAX_RANKS];
} blist;

static uint64_t blist_size(const blist *l, int nr)
{
    uint64_t s = 0;
    for (int i = 0; i < l->n; i++) {
        uint64_t v = 1;
        for (int r = 0; r < nr; r++)
            v *= (uint64_t)(l->b[i].hi[r] - l->b[i].lo[r]);
        s += v;
    }
    return s;
}

static bool box_eq(const mbox *a, const mbox *b, int nr)
{
    for (int r = 0; r < nr; r++)
        if (a->lo[r] != b->lo[r] || a->hi[r] != b->hi[r]) return false;
    return true;
}

static bool blist_eq(const blist *a, const blist *b, int nr)
{
    if (a->n != b->n) return false;
    for (int i = 0; i < a->n; i++) {
        bool f = false;
        for (int j = 0; j < b->n && !f; j++)
            f = box_eq(&a->b[i], &b->b[j], nr);
        if (!f) return false;
    }
    return true;
}

/* cur minus prev by slicing (AxisAlignedHyperRectangle::MultiSubtract). */
static void multi_subtract(const mbox *cur, const mbox *prev, int nr, blist *out)
{
    out->n = 0;
    for (int r = 0; r < nr; r++) {
        if (cur->hi[r] <= prev->lo[r] || prev->hi[r] <= cur->lo[r]) {
            out->b[0] = *cur;
            out->n = 1;
            return;
        }
    }
    mbox mid = *cur;
    for (int r = 0; r < nr; r++) {
        if (mid.lo[r] < prev->lo[r]) {
            out->b[out->n] = mid;
            out->b[out->n].hi[r] = prev->lo[r];
            out->n++;
            mid.lo[r] = prev->lo[r];
        }
        if (prev->hi[r] < mid.hi[r]) {
            out->b[out->n] = mid;
            out->b[out->n].lo[r] = prev->hi[r];
            out->n++;
            mid.hi[r] = prev->hi[r];
        }
    }
}

static void proj_point(const mproj *p, const int64_t *x, int64_t *out)
{
    for (int r = 0; r < p->n_ranks; r++) {
        int64_t v = 0;
        for (int t = p->first[r]; t < p->first[r + 1]; t++)
            v += p->coef[t] * x[p->dim[t]];
        out[r] = v;
    }
}

#define BR_MAXC 64

/* Groups among children (skip[] ones excluded) by delta equality; returns their count. */
static int count_groups(const blist *dl, int F, const bool *skip, int nr)
{
    int rep[BR_MAXC], nrep = 0;
    for (int c = 0; c < F; c++) {
        if (skip && skip[c]) continue;
        bool found = false;
        for (int k = 0; k < nrep && !found; k++)
            found = blist_eq(&dl[c], &dl[rep[k]], nr);
        if (!found) rep[nrep++] = c;
    }
    return nrep;
}

/* Parent accesses of level j for data space d by walking every position explicitly. */
static void brute_level(const adse_model *md, const adse_scratch *s, const adse_mapping *map, int j,
                        int d, double *acc, double *wacc, double *lt)
{
    const mproj *p = &md->proj[d];
    int nr = p->n_ranks, D = md->n_dims;
    bool legacy = md->opts.translation == ADSE_TRANSLATION_LEGACY;
    bool has_sp = s->sp_hi[j] > s->sp_lo[j];
    int F = (int)s->fan[j];
    bool points = j == 0;
    int c = j - 1;
    bool links = !md->opts.disable_link_transfers && has_sp && F >= 2 &&
                 !(map->no_link_transfer[d] & (1u << j));
    bool nomc = (map->no_multicast[d] >> j) & 1u;
    bool no_reuse = !points && ((map->no_temporal_reuse[d] >> c) & 1u);
    if (points && !has_sp) {
        *acc = *wacc = (double)s->temporal_product;
        *lt = 0;
        return;
    }
    /* Loops giving the positions: temporal loops above the child tile (all for MACs). */
    const mloop *lp[MODEL_MAX_LOOPS];
    int k = 0;
    for (int l = points ? 0 : s->t_hi[c]; l < s->n_loops; l++)
        if (s->loops[l].kind == LOOP_T && s->loops[l].n >= 2) lp[k++] = &s->loops[l];
    int64_t ext[ADSE_MAX_RANKS];
    for (int r = 0; r < nr; r++) {
        int64_t span = 0;
        if (!points)
            for (int t = p->first[r]; t < p->first[r + 1]; t++)
                span += p->coef[t] * (int64_t)(s->ext_t[c][p->dim[t]] - 1);
        ext[r] = span + 1;
    }
    /* Children: operation-space offsets, grid positions. */
    int64_t coff[BR_MAXC][ADSE_MAX_RANKS];
    uint64_t H = s->fan_x[j], V = s->fan_y[j];
    if (md->fanout_x[j] > H) H = md->fanout_x[j];
    if (md->fanout_y[j] > V) V = md->fanout_y[j];
    for (int ch = 0; ch < F; ch++) {
        int64_t x[ADSE_MAX_DIMS] = {0};
        int rem = ch;
        for (int l = s->sp_lo[j]; l < s->sp_hi[j]; l++) {
            x[s->loops[l].dim] +=
                (int64_t)((uint64_t)(rem % (int)s->loops[l].n) * s->loops[l].stride);
            rem /= (int)s->loops[l].n;
        }
        proj_point(p, x, coff[ch]);
    }
    static blist dl[BR_MAXC], prevdl[BR_MAXC];
    bool have_prev = false;
    mbox prev_box;
    bool prev_valid = false, rho_set = false;
    int64_t rho[ADSE_MAX_RANKS] = {0};
    double A = 0, AM = 0, LT = 0;
    uint64_t npos = (uint64_t)1 << k;
    for (uint64_t pos = 0; pos < npos; pos++) {
        int64_t x[ADSE_MAX_DIMS] = {0};
        uint64_t w = 1;
        for (int b = 0; b < k; b++) {
            if (pos & ((uint64_t)1 << b)) {
                x[lp[b]->dim] += (int64_t)lp[b]->stride;
                w *= lp[b]->n - 1;
            }
        }
        (void)D;
        mbox cur;
        int64_t lo[ADSE_MAX_RANKS];
        proj_point(p, x, lo);
        for (int r = 0; r < nr; r++) {
            cur.lo[r] = lo[r];
            cur.hi[r] = lo[r] + ext[r];
        }
        blist delta;
        if (points) {
            delta.n = 1;
            delta.b[0] = cur;
        } else if (no_reuse || !prev_valid) {
            delta.n = 1;
            delta.b[0] = cur;
            if (!prev_valid && legacy) rho_set = false; /* translation of an empty set: null */
        } else {
            int64_t t[ADSE_MAX_RANKS];
            bool zero = true;
            for (int r = 0; r < nr; r++) {
                t[r] = cur.lo[r] - prev_box.lo[r];
                if (t[r]) zero = false;
            }
            bool sub;
            if (!legacy) {
                if (zero) {
                    sub = true;
                } else if (!rho_set) {
                    sub = true;
                    rho_set = true;
                    memcpy(rho, t, sizeof t);
                } else if (memcmp(rho, t, sizeof(int64_t) * (size_t)nr) == 0) {
                    sub = true;
                } else {
                    sub = false;
                    rho_set = false;
                }
            } else {
                if (!rho_set) {
                    sub = true;
                    rho_set = true;
                    memcpy(rho, t, sizeof t);
                } else if (memcmp(rho, t, sizeof(int64_t) * (size_t)nr) == 0) {
                    sub = true;
                } else {
                    sub = false;
                    rho_set = false;
                }
            }
            if (sub) {
                multi_subtract(&cur, &prev_box, nr, &delta);
            } else {
                delta.n = 1;
                delta.b[0] = cur;
            }
        }
        prev_box = cur;
        prev_valid = true;
        uint64_t sz = blist_size(&delta, nr);
        if (!has_sp) {
            A += (double)(w * sz);
            continue;
        }
        for (int ch = 0; ch < F; ch++) {
            dl[ch] = delta;
            for (int i = 0; i < delta.n; i++)
                for (int r = 0; r < nr; r++) {
                    dl[ch].b[i].lo[r] += coff[ch][r];
                    dl[ch].b[i].hi[r] += coff[ch][r];
                }
        }
        if (sz > 0) {
            int G;
            if (nomc)
                G = F;
            else
                G = count_groups(dl, F, NULL, nr);
            double without = (double)(w * sz) * G;
            bool used = false;
            if (links && have_prev) {
                bool linked[BR_MAXC] = {false};
                int nl = 0;
                for (int ch = 0; ch < F; ch++) {
                    uint64_t h = (uint64_t)ch % H, v = (uint64_t)ch / H;
                    int64_t nb[4] = {v > 0 ? (int64_t)((v - 1) * H + h) : -1,
                                     v + 1 < V ? (int64_t)((v + 1) * H + h) : -1,
                                     h > 0 ? (int64_t)(v * H + h - 1) : -1,
                                     h + 1 < H ? (int64_t)(v * H + h + 1) : -1};
                    for (int q = 0; q < 4; q++)
                        if (nb[q] >= 0 && nb[q] < F && blist_eq(&dl[ch], &prevdl[nb[q]], nr))
                            linked[ch] = true;
                    nl += linked[ch];
                }
                int Gw = nomc ? F - nl : count_groups(dl, F, linked, nr);
                if ((double)(w * sz) * Gw < without) {
                    A += (double)(w * sz) * Gw;
                    AM += (double)(w * sz) * (F - nl);
                    LT += (double)(w * sz) * nl;
                    used = true;
                }
            }
            if (!used) {
                A += without;
                AM += (double)(w * sz) * F;
            }
        }
        memcpy(prevdl, dl, sizeof(blist) * (size_t)F);
        have_prev = true;
    }
    if (!has_sp) AM = A;
    *acc = A;
    *wacc = AM;
    *lt = LT;
}

static void random_factors(uint64_t bound, int nslots, uint64_t *slot)
{
    for (int i = 0; i < nslots; i++)
        slot[i] = 1;
    uint64_t x = bound;
    for (uint64_t q = 2; x > 1; q++)
        while (x % q == 0) {
            x /= q;
            slot[rnd((uint32_t)nslots)] *= q;
        }
}

static void random_perm(uint8_t *perm, int n)
{
    for (int i = 0; i < n; i++)
        perm[i] = (uint8_t)i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rnd((uint32_t)i + 1);
        uint8_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

static void test_random_mappings_match_brute_force(void **state)
{
    (void)state;
    static const uint64_t choices[7][5] = {{1, 2, 3, 4, 4}, {1, 2, 4, 4, 2}, {1, 2, 3, 3, 1},
                                           {1, 2, 3, 1, 3}, {1, 2, 1, 1, 1}, {2, 3, 4, 6, 5},
                                           {1, 2, 4, 3, 2}};
    int valid = 0, with_links = 0, compared = 0;
    /* ADSE_TEST_ITERS / ADSE_TEST_SEED widen the sweep when run by hand. */
    const char *env_iters = getenv("ADSE_TEST_ITERS"), *env_seed = getenv("ADSE_TEST_SEED");
    int iters = env_iters ? atoi(env_iters) : 1500;
    rng_state = env_seed ? (uint32_t)strtoul(env_seed, NULL, 10) : 777;
    for (int iter = 0; iter < iters; iter++) {
        adse_arch a;
        adse_problem p;
        adse_mapping m;
        bool archb = rnd(2);
        if (archb)
            arch_B(&a);
        else
            arch_A(&a);
        a.levels[0].effective_size = a.levels[1].effective_size = 1u << 30;
        uint64_t b[7];
        for (int x = 0; x < 7; x++)
            b[x] = choices[x][rnd(5)];
        cnn_problem_dil(&p, b, 1 + (int)rnd(2), 1 + (int)rnd(2), 1 + (int)rnd(2), 1);
        adse_mapping_init(&m, 3, 7, 3);
        /* Slots: temporal spad, GLB, DRAM; spatial GLB; spatial spad (arch B only). */
        int nslots = archb ? 5 : 4;
        for (int x = 0; x < 7; x++) {
            uint64_t f[5];
            random_factors(b[x], nslots, f);
            m.temporal[0][x] = f[0];
            m.temporal[1][x] = f[1];
            m.temporal[2][x] = f[2];
            m.spatial[1][x] = f[3];
            if (archb) m.spatial[0][x] = f[4];
        }
        for (int i = 0; i < 3; i++) {
            random_perm(m.temporal_perm[i], 7);
            random_perm(m.spatial_perm[i], 7);
            m.split[i] = (uint8_t)rnd(8);
        }
        for (int d = 0; d < 3; d++) {
            m.keep[d] = rnd(8) ? 0x7 : (uint32_t)(1 + rnd(7));
            if (rnd(3) == 0) m.keep[d] &= ~(1u << rnd(2));
            if (m.keep[d] == 0) m.keep[d] = 4;
            if (rnd(20) == 0) m.no_multicast[d] |= 1u << rnd(2);
            if (rnd(20) == 0) m.no_temporal_reuse[d] |= 1u << rnd(2);
            if (rnd(20) == 0) m.no_link_transfer[d] |= 1u << rnd(2);
        }
        adse_model_options o;
        adse_model_options_init(&o);
        o.translation = rnd(2) ? ADSE_TRANSLATION_LEGACY : ADSE_TRANSLATION_NEW;
        adse_model *model;
        adse_err err;
        assert_int_equal(adse_model_create(&a, &p, &o, &model, &err), ADSE_OK);
        adse_scratch *s = adse_scratch_new(model);
        adse_result *r = calloc(1, sizeof *r);
        adse_status st = adse_model_evaluate(model, &m, s, r, &err);
        if (st == ADSE_OK) {
            valid++;
            int kall = 0;
            for (int l = 0; l < s->n_loops; l++)
                if (s->loops[l].kind == LOOP_T && s->loops[l].n >= 2) kall++;
            for (int j = 0; j < 3 && kall <= 14; j++) {
                if (s->fan[j] > BR_MAXC) continue;
                for (int d = 0; d < 3; d++) {
                    double ba, bw, bl;
                    brute_level(model, s, &m, j, d, &ba, &bw, &bl);
                    compared++;
                    if (bl > 0) with_links++;
                    if (ba != s->acc[j][d] || bw != s->wacc[j][d] || bl != s->lt[j][d]) {
                        print_error("iter %d level %d ds %d: model %.0f %.0f %.0f, brute %.0f "
                                    "%.0f %.0f\n",
                                    iter, j, d, s->acc[j][d], s->wacc[j][d], s->lt[j][d], ba, bw,
                                    bl);
                        for (int l = 0; l < s->n_loops; l++)
                            print_error("  loop %d: %c%llu kind %d level %d stride %llu\n", l,
                                        p.dim_names[s->loops[l].dim],
                                        (unsigned long long)s->loops[l].n, s->loops[l].kind,
                                        s->loops[l].level, (unsigned long long)s->loops[l].stride);
                        print_error("  keep %x %x %x nomc %x %x %x noreuse %x %x %x rule %d\n",
                                    m.keep[0], m.keep[1], m.keep[2], m.no_multicast[0],
                                    m.no_multicast[1], m.no_multicast[2], m.no_temporal_reuse[0],
                                    m.no_temporal_reuse[1], m.no_temporal_reuse[2],
                                    (int)o.translation);
                        fail();
                    }
                }
            }
            /* Invariants of the collapsed counts. */
            for (int i = 0; i < 3; i++)
                for (int d = 0; d < 3; d++) {
                    const adse_ds_stats *ds = &r->levels[i].ds[d];
                    assert_int_equal(ds->kept, (m.keep[d] >> i) & 1u);
                    if (!ds->kept) assert_int_equal(ds->reads + ds->fills + ds->updates, 0);
                }
            assert_true(r->cycles >= r->compute_cycles);
            assert_true(r->energy_pj > 0);
        } else {
            assert_int_not_equal(r->fail, ADSE_FAIL_NONE);
        }
        free(r);
        adse_scratch_free(s);
        adse_model_free(model);
    }
    print_message("    %d valid mappings, %d level/data-space pairs compared, %d with links\n",
                  valid, compared, with_links);
    assert_true(valid > iters / 5);
    assert_true(with_links > iters / 150);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_lifecycle),
        cmocka_unit_test(test_worked_example_new),
        cmocka_unit_test(test_worked_example_legacy),
        cmocka_unit_test(test_halo_tile_sizes),
        cmocka_unit_test(test_multicast_groups),
        cmocka_unit_test(test_bypass),
        cmocka_unit_test(test_first_read_elision),
        cmocka_unit_test(test_translation_rules),
        cmocka_unit_test(test_bandwidth_throttling),
        cmocka_unit_test(test_no_temporal_reuse),
        cmocka_unit_test(test_link_transfers),
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_golden_case07),
        cmocka_unit_test(test_golden_case12),
        cmocka_unit_test(test_golden_case13_both_rules),
        cmocka_unit_test(test_golden_case14_both_rules),
        cmocka_unit_test(test_golden_case22),
        cmocka_unit_test(test_seq_solver_matches_enumeration),
        cmocka_unit_test(test_random_mappings_match_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
