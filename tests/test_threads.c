/*
 * The library contract for later parallel features: one adse_model shared by threads,
 * one adse_scratch per thread, gives results identical to a single-threaded evaluation.
 * Two threads evaluate the seed's three mappings (and an invalid one) interleaved many
 * times on the same model; every result must equal, field for field, the reference
 * result computed first on the main thread.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"

#define N_MAPS 3
#define ROUNDS 200

typedef struct shared {
    const adse_model *model;
    adse_mapping maps[N_MAPS + 1];
    adse_result *want[N_MAPS + 1];
    adse_status want_st[N_MAPS + 1];
    int mismatches[2];
} shared;

typedef struct worker {
    shared *s;
    int id;
} worker;

static void *run(void *arg)
{
    worker *w = arg;
    adse_scratch *scratch = adse_scratch_new(w->s->model);
    adse_result *r = malloc(sizeof *r);
    for (int k = 0; k < ROUNDS; k++) {
        int m = (k + w->id) % (N_MAPS + 1);
        memset(r, 0xA5, sizeof *r); /* stale garbage must not leak into the result */
        adse_status st = adse_model_evaluate(w->s->model, &w->s->maps[m], scratch, r, NULL);
        if (st != w->s->want_st[m] || r->cycles != w->s->want[m]->cycles ||
            r->energy_pj != w->s->want[m]->energy_pj || r->fail != w->s->want[m]->fail)
            w->s->mismatches[w->id]++;
        for (int i = 0; st == ADSE_OK && i < adse_model_arch(w->s->model)->n_levels; i++)
            if (memcmp(r->levels[i].ds, w->s->want[m]->levels[i].ds, sizeof r->levels[i].ds))
                w->s->mismatches[w->id]++;
    }
    free(r);
    adse_scratch_free(scratch);
    return NULL;
}

static adse_spec *load(const char *map_rel)
{
    char p[5][1024];
    const char *f[5] = {
        testutil_data("seed-experiment/original/arch/eyeriss_like.yaml", p[0], sizeof p[0]),
        testutil_data("seed-experiment/original/prob.yaml", p[1], sizeof p[1]),
        testutil_data(map_rel, p[2], sizeof p[2]),
        testutil_data("seed-experiment/original/ERT.yaml", p[3], sizeof p[3]),
        testutil_data("seed-experiment/original/ART.yaml", p[4], sizeof p[4])};
    adse_spec *spec = NULL;
    adse_err err;
    assert_int_equal(adse_spec_load(f, 5, &spec, &err), ADSE_OK);
    return spec;
}

static void test_shared_model_two_threads(void **state)
{
    (void)state;
    const char *maps[N_MAPS] = {
        "seed-experiment/original/timeloop-mapper-out/timeloop-mapper.map.yaml",
        "seed-experiment/original/timeloop-mapper-out-noQX/timeloop-mapper.map.yaml",
        "seed-experiment/original/timeloop-mapper-out/timeloop-mapper.map.yaml"};
    /* levels: 0 psum_spad, 1 weights_spad, 2 ifmap_spad, 3 DummyBuffer, 4 shared_glb, 5 DRAM */
    shared s;
    memset(&s, 0, sizeof s);
    adse_spec *spec = load(maps[0]);
    adse_model *model = NULL;
    adse_model_options o;
    adse_model_options_init(&o);
    assert_int_equal(adse_model_create(&spec->arch, &spec->problem, &o, &model, NULL), ADSE_OK);
    s.model = model;
    for (int m = 0; m < N_MAPS; m++) {
        adse_spec *sm = load(maps[m]);
        s.maps[m] = sm->mapping;
        adse_spec_free(sm);
    }
    /* Two invalid variants: DummyBuffer (16 words) made to keep the Weights (its tile is
     * C3 R3 S3 M16 = 432 words), and the DRAM loops (M2 Q32) moved into weights_spad, which
     * grows the ifmap_spad tile above (it holds every loop inside it) to 288 words > 12. */
    s.maps[2].keep[0] |= 1u << 3;
    s.maps[3] = s.maps[0];
    for (int x = 0; x < spec->problem.n_dims; x++) {
        s.maps[3].temporal[1][x] *= s.maps[3].temporal[5][x];
        s.maps[3].temporal[5][x] = 1;
    }
    adse_scratch *scratch = adse_scratch_new(model);
    for (int m = 0; m <= N_MAPS; m++) {
        s.want[m] = malloc(sizeof *s.want[m]);
        memset(s.want[m], 0, sizeof *s.want[m]);
        s.want_st[m] = adse_model_evaluate(model, &s.maps[m], scratch, s.want[m], NULL);
    }
    adse_scratch_free(scratch);
    assert_int_equal(s.want_st[0], ADSE_OK);
    assert_int_equal(s.want[0]->cycles, 516096); /* Timeloop's numbers for these mappings */
    assert_int_equal(s.want[1]->cycles, 903168);
    assert_int_equal(s.want_st[2], ADSE_E_INVALID);
    assert_string_equal(s.want[2]->reason,
                        "mapped tile size 432 exceeds 'DummyBuffer' capacity 16");
    assert_int_equal(s.want_st[3], ADSE_E_INVALID);
    assert_string_equal(s.want[3]->reason, "mapped tile size 288 exceeds 'ifmap_spad' capacity 12");

    worker w[2] = {{&s, 0}, {&s, 1}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, run, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(s.mismatches[0], 0);
    assert_int_equal(s.mismatches[1], 0);
    for (int m = 0; m <= N_MAPS; m++)
        free(s.want[m]);
    adse_model_free(model);
    adse_spec_free(spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_shared_model_two_threads)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
