/*
 * bench_pareto: NSGA-II against random search with the same evaluations.
 *
 * For each multi-objective spec and each seed 1..S, runs the spec with `algorithm: nsga2`
 * and with `algorithm: random` (everything else as the spec says: the same population,
 * generations, budgets and genes, so the same number of designs mapped), and prints per
 * run the designs mapped, the front's size and two hypervolumes: the run's own (reference
 * point from its own worst designs, as report.md gives it) and one against a reference point
 * shared by every run of the spec (1.1 x the worst normalised value of each objective over
 * all of them), the fair comparison, and a third against the baseline itself (reference
 * point 1 in every normalised objective: the region better than the baseline in all of
 * them, which far worse designs do not inflate). Then per spec the medians, one line:
 * `SPEC: nsga2 median hypervolume H1 vs random H2 (shared reference), B1 vs B2 (baseline
 * reference), evaluations E1 vs E2`.
 * Usage: bench_pareto [-s SEEDS] [-t THREADS] [SPEC...]; default 5 seeds, all cores, the
 * bundled examples/seed-eyeriss-vgg16/pareto*.yaml.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adse/adse.h"
#include "adse/search.h"
#include "adse/search_spec.h"

#define MAX_SEEDS 64

typedef struct run {
    adse_search *s;
    uint64_t evaluations;
    int front;
    double hv_own, hv_shared, hv_base;
} run;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
    double t[MAX_SEEDS];
    memcpy(t, v, (size_t)n * sizeof *t);
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static int bench_spec(const char *path, int seeds, int threads)
{
    adse_search_spec *spec = NULL;
    adse_err err;
    char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
    if (adse_search_spec_load(path, &spec, &err) != ADSE_OK) {
        fprintf(stderr, "bench_pareto: %s\n", adse_err_format(&err, msg, sizeof msg));
        return 1;
    }
    if (!spec->n_objectives) {
        fprintf(stderr, "bench_pareto: %s has no 'objectives'\n", path);
        adse_search_spec_free(spec);
        return 1;
    }
    static const adse_search_algorithm algos[2] = {ADSE_ALGO_NSGA2, ADSE_ALGO_RANDOM};
    run runs[2][MAX_SEEDS];
    memset(runs, 0, sizeof runs);
    double shared[ADSE_SEARCH_MAX_OBJECTIVES] = {0};
    int k = spec->n_objectives, rc = 0;
    for (int a = 0; a < 2 && !rc; a++)
        for (int i = 0; i < seeds && !rc; i++) {
            spec->ga.algorithm = algos[a];
            adse_search_options o;
            adse_search_options_init(&o);
            o.threads = threads;
            o.has_seed = true;
            o.seed = (uint64_t)(i + 1);
            run *r = &runs[a][i];
            if (adse_search_create(spec, &o, &r->s, &err) != ADSE_OK ||
                adse_search_run(r->s, &err) != ADSE_OK) {
                fprintf(stderr, "bench_pareto: %s\n", adse_err_format(&err, msg, sizeof msg));
                rc = 1;
                break;
            }
            double ref[ADSE_SEARCH_MAX_OBJECTIVES];
            if (adse_search_hv_reference(r->s, ref))
                for (int q = 0; q < k; q++)
                    shared[q] = fmax(shared[q], ref[q]); /* 1.1 x the worst of all runs */
        }
    double hv[2][MAX_SEEDS], hb[2][MAX_SEEDS], ev[2][MAX_SEEDS];
    const double ones[ADSE_SEARCH_MAX_OBJECTIVES] = {1, 1, 1};
    for (int a = 0; a < 2 && !rc; a++)
        for (int i = 0; i < seeds; i++) {
            run *r = &runs[a][i];
            int *tmp = malloc((size_t)(adse_search_history_count(r->s) + 1) * sizeof *tmp);
            r->front = tmp ? adse_search_pareto(r->s, -1, tmp) : -1;
            free(tmp);
            r->evaluations = adse_search_get_counters(r->s).evaluations;
            r->hv_own = adse_search_hypervolume(r->s, -1);
            r->hv_shared = adse_search_hypervolume_at(r->s, -1, shared);
            r->hv_base = adse_search_hypervolume_at(r->s, -1, ones);
            hv[a][i] = r->hv_shared;
            hb[a][i] = r->hv_base;
            ev[a][i] = (double)r->evaluations;
            printf("%s %-6s seed %d: %llu designs mapped, front %d, hypervolume %.6g (own "
                   "reference), %.6g (shared), %.6g (baseline)\n",
                   path, adse_search_algorithm_name(algos[a]), i + 1,
                   (unsigned long long)r->evaluations, r->front, r->hv_own, r->hv_shared,
                   r->hv_base);
        }
    if (!rc) {
        printf("shared reference point (");
        for (int q = 0; q < k; q++)
            printf("%s%.6g", q ? ", " : "", shared[q]);
        printf(") x the baseline's objectives\n");
        printf("%s: nsga2 median hypervolume %.6g vs random %.6g (shared reference), %.6g vs "
               "%.6g (baseline reference), evaluations %.0f vs %.0f\n",
               path, median(hv[0], seeds), median(hv[1], seeds), median(hb[0], seeds),
               median(hb[1], seeds), median(ev[0], seeds), median(ev[1], seeds));
    }
    for (int a = 0; a < 2; a++)
        for (int i = 0; i < seeds; i++)
            adse_search_free(runs[a][i].s);
    adse_search_spec_free(spec);
    return rc;
}

int main(int argc, char **argv)
{
    int seeds = 5, threads = 0, opt;
    while ((opt = getopt(argc, argv, "s:t:")) != -1) {
        if (opt == 's')
            seeds = atoi(optarg);
        else if (opt == 't')
            threads = atoi(optarg);
        else {
            fprintf(stderr, "usage: bench_pareto [-s SEEDS] [-t THREADS] [SPEC...]\n");
            return 2;
        }
    }
    if (seeds < 1 || seeds > MAX_SEEDS) {
        fprintf(stderr, "bench_pareto: -s needs 1 to %d seeds\n", MAX_SEEDS);
        return 2;
    }
    static const char *const defaults[] = {"pareto.yaml", "pareto-3obj.yaml",
                                           "pareto-edp-bits.yaml"};
    int rc = 0;
    if (optind < argc) {
        for (int i = optind; i < argc && !rc; i++)
            rc = bench_spec(argv[i], seeds, threads);
    } else {
        for (size_t i = 0; i < sizeof defaults / sizeof defaults[0] && !rc; i++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/seed-eyeriss-vgg16/%s", ADSE_BENCH_DATA_DIR,
                     defaults[i]);
            rc = bench_spec(path, seeds, threads);
        }
    }
    return rc;
}
