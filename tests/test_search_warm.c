/*
 * Warm start in the hardware search (docs/search.md section 7): each new design's layers are
 * mapped by adse_mapper_run_seeded from its parents' and the baseline's mappings of the same
 * layer, and from the design's own mapping of an identical earlier layer. Seeds only prune,
 * so the results must be exactly those of a cold start: the seed example
 * (examples/seed-eyeriss-vgg16/search.yaml; a smaller GA in a debug build, sanitizers and
 * -O0, to stay fast) gives the same
 * history.csv, byte for byte, warm and cold (--cold-start). A mapping hook checks every
 * seeded mapper call against a cold adse_mapper_run of the same layer (same mapping, cycles
 * and energy) and that seeds are passed.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "adse/search.h"
#include "searchutil.h"
#include "adse/search_report.h"

#define EXAMPLE ADSE_TEST_DATA_DIR "/../../examples/seed-eyeriss-vgg16/search.yaml"

/* history.csv of a finished search on spec with options o (malloc'd text). */
static char *history_of(const adse_search_spec *spec, const adse_search_options *o)
{
    adse_search *s = run_search_ok(spec, o);
    char *text = history_text(s);
    adse_search_free(s);
    return text;
}

static void test_example_same_history(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_file_ok(EXAMPLE);
#ifndef NDEBUG
    spec->ga.population = 8;
    spec->ga.generations = 5;
    spec->ga.parents = 4;
#endif
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 2;
    char *warm = history_of(spec, &o);
    o.cold_start = true;
    char *cold = history_of(spec, &o);
    assert_true(strlen(warm) > 1000);
    if (strcmp(warm, cold) != 0) print_error("warm:\n%s\ncold:\n%s\n", warm, cold);
    assert_string_equal(warm, cold);
    free(warm);
    free(cold);
    adse_search_spec_free(spec);
}

/* The hook: the seeded mapper, checked against a cold run of the same layer. */
typedef struct checked {
    atomic_int calls, seeded, mismatches, errors;
    atomic_ullong evaluated_warm, evaluated_cold;
} checked;

static adse_status checked_map(void *user, const adse_model *model,
                               const adse_constraints *constraints,
                               const adse_mapper_settings *settings, const adse_mapping *seeds,
                               int n_seeds, adse_mapper_result *out, adse_err *err)
{
    checked *c = user;
    atomic_fetch_add(&c->calls, 1);
    if (n_seeds > 0) atomic_fetch_add(&c->seeded, 1);
    adse_status st = adse_mapper_run_seeded(model, constraints, settings, seeds, n_seeds, out, err);
    adse_mapper_result *ref = malloc(sizeof *ref);
    adse_err e2;
    if (!ref || adse_mapper_run(model, constraints, settings, ref, &e2) != st) {
        atomic_fetch_add(&c->errors, 1);
        free(ref);
        return st;
    }
    if (st == ADSE_OK) {
        bool same = ref->found == out->found;
        if (same && ref->found)
            same = memcmp(&ref->best, &out->best, sizeof ref->best) == 0 &&
                   ref->result.cycles == out->result.cycles &&
                   ref->result.energy_pj == out->result.energy_pj &&
                   ref->stats.optimal == out->stats.optimal;
        if (!same) atomic_fetch_add(&c->mismatches, 1);
        atomic_fetch_add(&c->evaluated_warm, out->stats.evaluated);
        atomic_fetch_add(&c->evaluated_cold, ref->stats.evaluated);
    }
    free(ref);
    return st;
}

/* The example with its layer listed twice (the second warm-started also from the first's
 * mapping in the same design) and a small GA: every seeded call equals a cold one. */
static void test_seeded_calls_equal_cold(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_file_ok(EXAMPLE);
#ifdef NDEBUG
    spec->ga.population = 16;
    spec->ga.generations = 6;
#else
    spec->ga.population = 8;
    spec->ga.generations = 4;
#endif
    spec->ga.parents = 4;
    spec->layers[1] = spec->layers[0];
    snprintf(spec->layers[1].name, sizeof spec->layers[1].name, "conv1_1_again");
    spec->n_layers = 2;
    checked c;
    memset(&c, 0, sizeof c);
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 2;
    o.map_seeded = checked_map;
    o.map_user = &c;
    char *hooked = history_of(spec, &o);
    print_message("mapper calls %d, seeded %d; mappings evaluated warm %llu, cold %llu\n",
                  atomic_load(&c.calls), atomic_load(&c.seeded),
                  (unsigned long long)atomic_load(&c.evaluated_warm),
                  (unsigned long long)atomic_load(&c.evaluated_cold));
    assert_int_equal(atomic_load(&c.errors), 0);
    assert_int_equal(atomic_load(&c.mismatches), 0);
    assert_true(atomic_load(&c.calls) > 30);
    /* every layer after the baseline's first has a seed (the baseline, a parent or the
       identical first layer) */
    assert_true(atomic_load(&c.seeded) >= atomic_load(&c.calls) - 2);
    /* the mappings evaluated are printed, not asserted: how much a seed prunes depends on
       the layer (the seed layer's constrained space is small) and is measured by the bench */
    /* the real mapper without the hook, warm and cold: the same history as through it */
    o.map_seeded = NULL;
    o.map_user = NULL;
    char *warm = history_of(spec, &o);
    o.cold_start = true;
    char *cold = history_of(spec, &o);
    assert_string_equal(hooked, warm);
    assert_string_equal(warm, cold);
    free(hooked);
    free(warm);
    free(cold);
    adse_search_spec_free(spec);
}

/* Designs evaluated through a dispatch (the MPI driver's seam, docs/cluster.md): each
 * request carries the mappings that warm-start it, so the serving search (another process
 * under MPI; here a second search from the same spec whose mapping hook counts seeded
 * calls) maps warm too, and the history is that of one process. */
typedef struct seed_transport {
    adse_search *server;
    int jobs;
} seed_transport;

static adse_status serve_all(void *user, adse_search *s, adse_search_batch *b, adse_err *err)
{
    (void)s;
    seed_transport *t = user;
    for (int i = 0; i < adse_search_batch_size(b); i++) {
        const void *req;
        size_t len;
        void *reply = NULL;
        size_t rlen;
        adse_status st = adse_search_batch_request(b, i, &req, &len, err);
        if (!st) st = adse_search_serve(t->server, req, len, 1, &reply, &rlen, err);
        if (!st) st = adse_search_batch_accept(b, i, reply, rlen, err);
        free(reply);
        if (st) return st;
        t->jobs++;
    }
    return ADSE_OK;
}

static void test_dispatch_carries_seeds(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_file_ok(EXAMPLE);
    spec->ga.population = 8;
    spec->ga.generations = 4;
    spec->ga.parents = 4;
    assert_int_equal(spec->n_layers, 1); /* every seed comes with the request */
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 1;
    char *plain = history_of(spec, &o);
    checked c;
    memset(&c, 0, sizeof c);
    adse_search_options so = o;
    so.map_seeded = checked_map;
    so.map_user = &c;
    seed_transport t = {0};
    adse_err e;
    assert_int_equal(adse_search_create(spec, &so, &t.server, &e), ADSE_OK);
    o.dispatch = serve_all;
    o.dispatch_user = &t;
    char *dispatched = history_of(spec, &o);
    print_message("served %d designs: %d mapper calls, %d seeded\n", t.jobs, atomic_load(&c.calls),
                  atomic_load(&c.seeded));
    assert_true(t.jobs > 8);
    assert_int_equal(atomic_load(&c.calls), t.jobs);
    assert_true(atomic_load(&c.seeded) > 0);
    assert_int_equal(atomic_load(&c.mismatches), 0);
    assert_int_equal(atomic_load(&c.errors), 0);
    assert_string_equal(dispatched, plain);
    /* --cold-start: no seed travels */
    memset(&c, 0, sizeof c);
    t.jobs = 0;
    o.cold_start = true;
    char *cold = history_of(spec, &o);
    assert_true(t.jobs > 8);
    assert_int_equal(atomic_load(&c.seeded), 0);
    assert_string_equal(cold, plain);
    free(plain);
    free(dispatched);
    free(cold);
    adse_search_free(t.server);
    adse_search_spec_free(spec);
}

/* A dispatch that answers the jobs in order or (lifo) the designs' first jobs newest
 * first, each followed by the jobs its reply added (the ranges of a split layer in their
 * run order, then the design's remaining layers), so that designs finish in reverse. */
typedef struct split_transport {
    adse_search *server;
    int jobs, designs;
    bool lifo;
} split_transport;

static adse_status serve_split(void *user, adse_search *s, adse_search_batch *b, adse_err *err)
{
    (void)s;
    split_transport *t = user;
    bool *answered = NULL;
    int n_answered = 0, cap = 0;
    int n0 = adse_search_batch_size(b);
    t->designs += n0;
    adse_status st = ADSE_OK;
    while (!st && n_answered < adse_search_batch_size(b)) {
        int n = adse_search_batch_size(b);
        if (n > cap) {
            bool *a = realloc(answered, (size_t)n * sizeof *a);
            assert_non_null(a);
            memset(a + cap, 0, (size_t)(n - cap) * sizeof *a);
            answered = a;
            cap = n;
        }
        int i = t->lifo ? n0 : 0;
        while (i < n && answered[i])
            i++;
        if (i == n)
            for (i = n0 - 1; answered[i]; i--) {
            }
        const void *req;
        size_t len;
        void *reply = NULL;
        size_t rlen;
        st = adse_search_batch_request(b, i, &req, &len, err);
        if (!st) st = adse_search_serve(t->server, req, len, 1, &reply, &rlen, err);
        if (!st) st = adse_search_batch_accept(b, i, reply, rlen, err);
        free(reply);
        answered[i] = true;
        n_answered++;
        t->jobs++;
    }
    free(answered);
    return st;
}

/* options.split_layers: the open layers of tests/data/search/mpi_open.yaml travel as
 * ranges of their mapper work items, the small layer between them in a job of its own;
 * answered in either order, the history is one process's. Here both open layers are
 * ResNet-50 res2a halved (tests/data/search/open_res2a_half.yaml: 9.8e16 mappings, about a
 * quarter of res2a's cost), so that the two split layers are identical (one process
 * warm-starts the second from the first; split, the second is not seeded from the first,
 * docs/cluster.md section 3, which changes only the work). */
static void test_dispatch_split_layers(void **state)
{
    (void)state;
    adse_search_spec *spec = load_spec_file_ok(ADSE_TEST_DATA_DIR "/search/mpi_open.yaml");
    adse_err e;
    assert_int_equal(spec->n_layers, 3);
    for (int l = 0; l < 3; l += 2) {
        snprintf(spec->layers[l].problem, sizeof spec->layers[l].problem, "%s",
                 ADSE_TEST_DATA_DIR "/search/open_res2a_half.yaml");
        snprintf(spec->layers[l].name, sizeof spec->layers[l].name, "res2a_half");
    }
    spec->ga.generations = 2;
#ifndef NDEBUG
    spec->ga.population = 3;
    spec->ga.parents = 2;
    spec->ga.generations = 1;
#endif
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 1;
    char *plain = history_of(spec, &o);
    int all_jobs = 0;
#ifdef NDEBUG
    for (int v = 0; v < 3; v++) {
#else
    for (int v = 1; v < 2; v++) { /* sanitizer and debug builds: one order */
#endif
        bool lifo = v == 1;
        split_transport t = {.lifo = lifo};
        assert_int_equal(adse_search_create(spec, &o, &t.server, &e), ADSE_OK);
        adse_search_options so = o;
        so.dispatch = serve_split;
        so.dispatch_user = &t;
        /* every design split, or (v == 2) only the last one to start of each batch */
        so.split_layers = v < 2 ? 1000 : 1;
        char *split = history_of(spec, &so);
        print_message("%s, split_layers %d: %d jobs for %d designs\n",
                      lifo ? "newest first" : "in order", so.split_layers, t.jobs, t.designs);
        /* per split design the ranges of two open layers and two more jobs */
        if (v < 2) assert_true(t.jobs > 20 * t.designs);
        if (v == 0) all_jobs = t.jobs;
        if (v == 2) assert_true(t.jobs > t.designs + 20 && t.jobs <= all_jobs);
#ifdef NDEBUG
        /* (here a generation has several new designs; the debug build's GA has one or two) */
        if (v == 2) assert_true(t.jobs < all_jobs);
#endif
        assert_string_equal(split, plain);
        free(split);
        adse_search_free(t.server);
    }
    free(plain);
    adse_search_spec_free(spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_same_history),
        cmocka_unit_test(test_seeded_calls_equal_cold),
        cmocka_unit_test(test_dispatch_carries_seeds),
        cmocka_unit_test(test_dispatch_split_layers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
