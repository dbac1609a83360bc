/*
 * The rules of an architecture and a problem, each in one place (arch/arch.c,
 * workload/problem.c) and called by the loader, the search and adse_model_create: buffer
 * geometry from declared attributes (Timeloop's BufferLevel::ParseSpecs, worked by hand
 * below), the mesh invariants, and the problem limits guarding the API as well as the
 * loader. The loader's and the search's use of the same rules is covered by test_spec.c and
 * test_search.c (test_design_round_trip).
 */
#include "testutil.h"

#include <stdint.h>
#include <string.h>

#include "adse/adse.h"

/* ---- buffer geometry ----------------------------------------------------------------- */

typedef struct geo_case {
    /* declared */
    uint32_t word_bits;
    uint64_t width;
    uint32_t block, cluster; /* 0 = not given */
    adse_size_given size_given;
    uint64_t size; /* depth, entries or sizeKB as size_given says */
    double multiple_buffering;
    bool dram;
    /* derived (hand-computed), or the error */
    uint32_t want_block, want_cluster;
    uint64_t want_words, want_effective;
    const char *want_error;
} geo_case;

static const geo_case geo_cases[] = {
    /* width 64 of 16-bit words: 4-word blocks; 512 rows of them */
    {16, 64, 0, 0, ADSE_SIZE_DEPTH, 512, 1, false, 4, 1, 2048, 2048, NULL},
    /* 32 KiB of 8-bit words is 32768 words whatever the width; double-buffered: half */
    {8, 64, 0, 0, ADSE_SIZE_KB, 32, 2, false, 8, 1, 32768, 16384, NULL},
    /* the same 32 KiB of 16-bit words */
    {16, 64, 0, 0, ADSE_SIZE_KB, 32, 1, false, 4, 1, 16384, 16384, NULL},
    /* a given cluster: block = 128 / (16 * 2); entries are words; floor(100 / 3) */
    {16, 128, 0, 2, ADSE_SIZE_ENTRIES, 100, 3, false, 4, 2, 100, 33, NULL},
    /* a given block: cluster = 128 / (16 * 2); depth counts blocks */
    {16, 128, 2, 0, ADSE_SIZE_DEPTH, 10, 1, false, 2, 4, 20, 20, NULL},
    /* both given and consistent: 4 * 16 * 2 = 128 */
    {16, 128, 4, 2, ADSE_SIZE_DEPTH, 8, 1, false, 4, 2, 32, 32, NULL},
    /* no width: block and cluster as given, or 1 */
    {16, 0, 4, 0, ADSE_SIZE_DEPTH, 8, 1, false, 4, 1, 32, 32, NULL},
    /* no size: unbounded */
    {16, 64, 0, 0, ADSE_SIZE_NONE, 0, 1, true, 4, 1, 0, 0, NULL},
    {16, 128, 4, 3, ADSE_SIZE_DEPTH, 8, 1, false, 0, 0, 0, 0,
     "block_size * word_bits * cluster_size of 'b' (4 * 16 * 3) is not its width 128"},
    {32, 48, 0, 0, ADSE_SIZE_DEPTH, 8, 1, false, 0, 0, 0, 0,
     "width 48 of 'b' is not a multiple of word_bits * block_size (32 * 1)"},
    {16, 96, 0, 4, ADSE_SIZE_DEPTH, 8, 1, false, 0, 0, 0, 0,
     "width 96 of 'b' is not a multiple of cluster_size * word_bits (4 * 16)"},
    {16, 128, 4, 0, ADSE_SIZE_NONE, 0, 1, true, 0, 0, 0, 0,
     "cluster_size of DRAM 'b' must be 1, got 2"},
};

static void test_derive_geometry(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof geo_cases / sizeof geo_cases[0]; k++) {
        const geo_case *c = &geo_cases[k];
        adse_buffer b;
        memset(&b, 0, sizeof b);
        strcpy(b.name, "b");
        b.pos = (adse_srcpos){"arch.yaml", 7, 9};
        b.word_bits = c->word_bits;
        b.width_bits = c->width;
        b.block_size_given = c->block != 0;
        b.block_size = c->block ? c->block : 99; /* not given: never read */
        b.cluster_size_given = c->cluster != 0;
        b.cluster_size = c->cluster ? c->cluster : 99;
        b.size_given = c->size_given;
        b.depth = c->size_given == ADSE_SIZE_DEPTH ? c->size : 0;
        b.entries = c->size_given == ADSE_SIZE_ENTRIES ? c->size : 0;
        b.size_kb = c->size_given == ADSE_SIZE_KB ? c->size : 0;
        b.multiple_buffering = c->multiple_buffering;
        b.is_dram = c->dram;
        adse_err e;
        adse_err_clear(&e);
        adse_status st = adse_buffer_derive_geometry(&b, &e);
        if (c->want_error) {
            assert_int_equal(st, ADSE_E_SPEC);
            assert_string_equal(e.msg, c->want_error);
            assert_string_equal(e.file, "arch.yaml");
            assert_int_equal(e.line, 7);
            assert_int_equal(e.column, 9);
            continue;
        }
        assert_int_equal(st, ADSE_OK);
        assert_int_equal(b.block_size, c->want_block);
        assert_int_equal(b.cluster_size, c->want_cluster);
        assert_int_equal(b.size_specified, c->size_given != ADSE_SIZE_NONE);
        assert_int_equal(b.size_words, c->want_words);
        assert_int_equal(b.effective_size, c->want_effective);
        assert_int_equal(b.network_word_bits, c->word_bits); /* not given: follows */
    }

    /* a given network word size stays; rows and row width as the estimator prices them */
    adse_buffer b;
    memset(&b, 0, sizeof b);
    b.word_bits = 8;
    b.size_given = ADSE_SIZE_ENTRIES;
    b.entries = 100;
    b.block_size_given = true;
    b.block_size = 8;
    b.multiple_buffering = 1;
    b.network_word_bits_given = true;
    b.network_word_bits = 32;
    assert_int_equal(adse_buffer_derive_geometry(&b, NULL), ADSE_OK);
    assert_int_equal(b.network_word_bits, 32);
    assert_int_equal(adse_buffer_rows(&b), 13); /* ceil(100 / 8) */
    assert_int_equal(adse_buffer_row_bits(&b), 64);
    b.width_bits = 128; /* a declared width wins over word bits x block x cluster */
    assert_int_equal(adse_buffer_row_bits(&b), 128);
}

/* ---- meshes -------------------------------------------------------------------------- */

static void two_level_arch(adse_arch *a)
{
    memset(a, 0, sizeof *a);
    strcpy(a->arith.name, "mac");
    a->arith.instances = 16;
    a->arith.mesh_x = 4;
    a->arith.mesh_y = 4;
    a->arith.pos = (adse_srcpos){"arch.yaml", 30, 11};
    a->n_levels = 2;
    const char *names[2] = {"spad", "DRAM"};
    uint32_t inst[2] = {4, 1}, mx[2] = {2, 1};
    for (int i = 0; i < 2; i++) {
        adse_buffer *b = &a->levels[i];
        strcpy(b->name, names[i]);
        b->instances = inst[i];
        b->mesh_x = mx[i];
        b->mesh_y = inst[i] / mx[i];
        b->word_bits = 8;
        b->block_size = b->cluster_size = 1;
        b->pos = (adse_srcpos){"arch.yaml", 20 - 10 * i, 7};
    }
}

static void test_arch_validate(void **state)
{
    (void)state;
    adse_arch a;
    adse_err e;
    two_level_arch(&a);
    assert_int_equal(adse_arch_validate(&a, &e), ADSE_OK);
    assert_int_equal(adse_arch_fanout_x(&a, 0), 2); /* 4 MAC columns under 2 spad columns */
    assert_int_equal(adse_arch_fanout_y(&a, 0), 2);
    assert_int_equal(adse_arch_fanout_x(&a, 1), 2);

    /* 16 MACs in a 16 x 1 mesh under a 2 x 2 spad mesh: 1 row is not a multiple of 2 */
    a.arith.mesh_x = 16;
    a.arith.mesh_y = 1;
    assert_int_equal(adse_arch_validate(&a, &e), ADSE_E_SPEC);
    assert_string_equal(
        e.msg, "mesh of 'mac' (16x1) is not a multiple of the mesh of its parent 'spad' (2x2)");
    assert_int_equal(e.line, 30); /* at the child */

    two_level_arch(&a);
    a.levels[0].mesh_x = 3;
    assert_int_equal(adse_arch_validate(&a, &e), ADSE_E_SPEC);
    assert_string_equal(e.msg, "'spad' mesh 3x2 does not match its 4 instances");
    assert_int_equal(e.line, 20);

    two_level_arch(&a);
    a.levels[1].block_size = 0;
    assert_int_equal(adse_arch_validate(&a, &e), ADSE_E_SPEC);
    assert_string_equal(e.msg, "'DRAM' has block size 0 and cluster size 1");

    two_level_arch(&a);
    a.n_levels = 0;
    assert_int_equal(adse_arch_validate(&a, &e), ADSE_E_SPEC);
}

/* ---- problems ------------------------------------------------------------------------ */

/* A matrix product M x K: A[M][K] */
static void mm_problem(adse_problem *p, uint64_t m, uint64_t k)
{
    memset(p, 0, sizeof *p);
    p->n_dims = 2;
    memcpy(p->dim_names, "MK", 2);
    p->bounds[0] = m;
    p->bounds[1] = k;
    p->n_ds = 1;
    strcpy(p->ds[0].name, "A");
    p->ds[0].n_ranks = 2;
    p->ds[0].ranks[0] = (adse_rank){1, {{0, 1}}};
    p->ds[0].ranks[1] = (adse_rank){1, {{1, 1}}};
}

static void test_problem_validate(void **state)
{
    (void)state;
    adse_problem p;
    adse_err e;
    mm_problem(&p, 8, 4);
    assert_int_equal(adse_problem_validate(&p, &e), ADSE_OK);

    /* 2^32 x 2^31 = 2^63 operations: one more than int64 holds */
    mm_problem(&p, 4294967296ull, 2147483648ull);
    assert_int_equal(adse_problem_validate(&p, &e), ADSE_E_SPEC);
    assert_string_equal(e.msg, "the problem is too large: its bounds multiply to more than 2^63 "
                               "- 1 operations");
    /* the API is guarded as well as the loader */
    adse_arch a;
    two_level_arch(&a);
    adse_model *m = NULL;
    assert_int_equal(adse_model_create(&a, &p, NULL, &m, &e), ADSE_E_SPEC);
    assert_null(m);
    assert_non_null(strstr(e.msg, "the problem is too large"));

    /* 2^31 x 2^31 = 2^62 operations and elements fit */
    mm_problem(&p, 2147483648ull, 2147483648ull);
    assert_int_equal(adse_problem_validate(&p, &e), ADSE_OK);
    /* one rank M + 2^32 K: (2^31 - 1) + (2^31 - 1) * 2^32 + 1 = 2^63 - 2^31 elements fit */
    p.ds[0].n_ranks = 1;
    p.ds[0].ranks[0] = (adse_rank){2, {{0, 1}, {1, 4294967296ll}}};
    assert_int_equal(adse_problem_validate(&p, &e), ADSE_OK);
    p.ds[0].ranks[0].terms[1].coef = 4294967297ll * 2; /* (2^31 - 1) * (2^33 + 2) > 2^63 */
    assert_int_equal(adse_problem_validate(&p, &e), ADSE_E_SPEC);
    assert_string_equal(e.msg,
                        "the problem is too large: data space 'A' has more than 2^63 - 1 elements");

    mm_problem(&p, 8, 0);
    assert_int_equal(adse_problem_validate(&p, &e), ADSE_E_SPEC);
    assert_string_equal(e.msg, "dimension 'K' has bound 0");
    mm_problem(&p, 8, 4);
    p.ds[0].ranks[1].terms[0].dim = 5;
    assert_int_equal(adse_problem_validate(&p, &e), ADSE_E_SPEC);
    assert_string_equal(e.msg, "data space 'A' names dimension 5 of 2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derive_geometry),
        cmocka_unit_test(test_arch_validate),
        cmocka_unit_test(test_problem_validate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
