/*
 * The seed poster's experiment (examples/seed-eyeriss-vgg16/search.yaml) end to end: the
 * GA's best design ties the baseline on cycles, utilization and GFLOPs (516,096 cycles is
 * the floor for 168 PEs on VGG16 conv1_1), is strictly better on energy and EDP, and beats
 * the poster's own optimal design (4 x 42 mesh) on loss and EDP, all designs mapped by
 * adse's mapper under the same constraints. An optimised build runs the example as shipped
 * (about 2 s on 2 cores; asserted under 60 s); a debug build (sanitizers, -O0) runs the
 * same spec with a smaller GA (population 16, 12 generations) to stay fast.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"

static void test_seed_experiment(void **state)
{
    (void)state;
    const char *path = ADSE_TEST_DATA_DIR "/../../examples/seed-eyeriss-vgg16/search.yaml";
    adse_search_spec *spec = NULL;
    adse_err e;
    char b[1200];
    if (adse_search_spec_load(path, &spec, &e) != ADSE_OK) {
        print_error("%s\n", adse_err_format(&e, b, sizeof b));
        fail();
    }
#ifndef NDEBUG
    spec->ga.population = 16;
    spec->ga.generations = 12;
    spec->ga.parents = 4;
#endif
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 2;
    adse_search *s = NULL;
    if (adse_search_create(spec, &o, &s, &e) != ADSE_OK || adse_search_run(s, &e) != ADSE_OK) {
        print_error("%s\n", adse_err_format(&e, b, sizeof b));
        fail();
    }
    const adse_search_design *base = adse_search_baseline(s), *best = adse_search_best(s);
    const adse_search_design *poster = adse_search_reference(s, 0);
    assert_non_null(best);
    assert_non_null(poster);
    assert_int_equal(base->status, ADSE_DESIGN_OK);
    assert_int_equal(poster->status, ADSE_DESIGN_OK);
    const double *mb = base->metrics, *mx = best->metrics, *mp = poster->metrics;
    print_message("baseline: cycles %.0f energy %.2f uJ EDP %.1f loss %.6f\n", mb[ADSE_SM_CYCLES],
                  mb[ADSE_SM_ENERGY] / 1e6, mb[ADSE_SM_EDP], base->loss);
    print_message("best:     cycles %.0f energy %.2f uJ EDP %.1f loss %.6f\n", mx[ADSE_SM_CYCLES],
                  mx[ADSE_SM_ENERGY] / 1e6, mx[ADSE_SM_EDP], best->loss);
    print_message("poster:   cycles %.0f energy %.2f uJ EDP %.1f loss %.6f\n", mp[ADSE_SM_CYCLES],
                  mp[ADSE_SM_ENERGY] / 1e6, mp[ADSE_SM_EDP], poster->loss);
    /* the optimal mapper reaches the floor on the baseline */
    assert_true(mb[ADSE_SM_CYCLES] == 516096);
    assert_true(mb[ADSE_SM_UTILIZATION] == 1);
    /* no worse on any metric of Table 2, strictly better on energy and EDP */
    assert_true(mx[ADSE_SM_CYCLES] <= mb[ADSE_SM_CYCLES]);
    assert_true(mx[ADSE_SM_UTILIZATION] >= mb[ADSE_SM_UTILIZATION]);
    assert_true(mx[ADSE_SM_GFLOPS] >= mb[ADSE_SM_GFLOPS]);
    assert_true(mx[ADSE_SM_ENERGY] < mb[ADSE_SM_ENERGY]);
    assert_true(mx[ADSE_SM_EDP] < mb[ADSE_SM_EDP]);
    /* within the budget */
    assert_true(mx[ADSE_SM_ONCHIP_BITS] <= mb[ADSE_SM_ONCHIP_BITS]);
    assert_true(mx[ADSE_SM_PES] == 168);
    /* better than the poster's optimal design evaluated the same way */
    assert_true(mp[ADSE_SM_CYCLES] == 602112);
    assert_true(best->loss < poster->loss);
    assert_true(mx[ADSE_SM_EDP] < mp[ADSE_SM_EDP]);
#ifdef NDEBUG
    assert_true(adse_search_get_counters(s).seconds <= 60);
#endif
    adse_search_free(s);
    adse_search_spec_free(spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_seed_experiment)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
