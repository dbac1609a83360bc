/*
 * The seed poster's experiment (examples/seed-eyeriss-vgg16/search.yaml) end to end, and the
 * multi-objective example (pareto.yaml: its front dominates the poster's design). The
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
#include "searchutil.h"

/* The example spec `name` run on 2 threads; a debug build shrinks the GA to population 16,
 * 12 generations. The spec is returned in *spec_out (freed by the caller). */
static adse_search *run_example(const char *name, adse_search_spec **spec_out)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/../../examples/seed-eyeriss-vgg16/%s", ADSE_TEST_DATA_DIR,
             name);
    adse_search_spec *spec = load_spec_file_ok(path);
#ifndef NDEBUG
    spec->ga.population = 16;
    spec->ga.generations = 12;
    spec->ga.parents = 4;
#endif
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 2;
    *spec_out = spec;
    return run_search_ok(spec, &o);
}

static void test_seed_experiment(void **state)
{
    (void)state;
    adse_search_spec *spec = NULL;
    adse_search *s = run_example("search.yaml", &spec);
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

/* Whether a is no worse than b in energy and area and better in one. */
static bool dominates(const adse_search_design *a, const adse_search_design *b)
{
    double ae = a->metrics[ADSE_SM_ENERGY], aa = a->metrics[ADSE_SM_AREA];
    double be = b->metrics[ADSE_SM_ENERGY], ba = b->metrics[ADSE_SM_AREA];
    return ae <= be && aa <= ba && (ae < be || aa < ba);
}

/* pareto.yaml (energy against area, 64 to 256 PEs): the poster's optimal design and the
 * baseline are each dominated by a design on the front (docs/search.md section 11). */
static void test_pareto_example(void **state)
{
    (void)state;
    adse_search_spec *spec = NULL;
    adse_search *s = run_example("pareto.yaml", &spec);
    const adse_search_design *base = adse_search_baseline(s), *poster = adse_search_reference(s, 0);
    assert_int_equal(poster->status, ADSE_DESIGN_OK);
    int *front = malloc((size_t)adse_search_history_count(s) * sizeof *front);
    assert_non_null(front);
    int nf = adse_search_pareto(s, -1, front);
    assert_true(nf >= 2);
    bool base_dominated = false, poster_dominated = false;
    for (int i = 0; i < nf; i++) {
        const adse_search_design *d = adse_search_history_at(s, front[i]);
        assert_true(d->metrics[ADSE_SM_PES] >= 64 && d->metrics[ADSE_SM_PES] <= 256);
        assert_true(d->metrics[ADSE_SM_ONCHIP_BITS] <= base->metrics[ADSE_SM_ONCHIP_BITS]);
        base_dominated |= dominates(d, base);
        poster_dominated |= dominates(d, poster);
    }
    assert_true(base_dominated);
    assert_true(poster_dominated);
    print_message("pareto.yaml: %d designs on the front, hypervolume %.6g\n", nf,
                  adse_search_hypervolume(s, -1));
    free(front);
    adse_search_free(s);
    adse_search_spec_free(spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_seed_experiment),
                                       cmocka_unit_test(test_pareto_example)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
