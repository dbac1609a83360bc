/* Smoke test of the basic helpers: tile sizes of the CNN projections (model.md §1.2). */
#include "testutil.h"

#include <string.h>

#include "adse/adse.h"

static void cnn_problem(adse_problem *p, int stride)
{
    memset(p, 0, sizeof *p);
    const char *dims = "CMRSNPQ";
    p->n_dims = 7;
    memcpy(p->dim_names, dims, 7);
    uint64_t b[7] = {3, 64, 3, 3, 1, 112, 112};
    memcpy(p->bounds, b, sizeof b);
    p->n_ds = 3;
    /* Inputs [N][C][R*1 + P*stride][S*1 + Q*stride] */
    adse_dataspace *in = &p->ds[1];
    strcpy(in->name, "Inputs");
    in->n_ranks = 4;
    in->ranks[0] = (adse_rank){1, {{4, 1}}};
    in->ranks[1] = (adse_rank){1, {{0, 1}}};
    in->ranks[2] = (adse_rank){2, {{2, 1}, {5, stride}}};
    in->ranks[3] = (adse_rank){2, {{3, 1}, {6, stride}}};
}

static void test_halo_tile_size(void **state)
{
    (void)state;
    adse_problem p;
    cnn_problem(&p, 2);
    /* Whole tensor, stride 2, P=112, R=3: W extent = 2*111 + 2 + 1 = 225 (model.md §1.2). */
    assert_int_equal(adse_problem_tile_size(&p, 1, p.bounds), 1ull * 3 * 225 * 225);
    uint64_t e[7] = {1, 1, 1, 1, 1, 1, 1};
    assert_int_equal(adse_problem_tile_size(&p, 1, e), 1);
    e[5] = 4; /* P spans 4 with stride 2 -> 7 points, the gaps count (dense interval) */
    assert_int_equal(adse_problem_tile_size(&p, 1, e), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_halo_tile_size)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
