/*
 * bench_mapper: time to map the seed layer optimally.
 *
 * Maps VGG16 conv1_1 on the seed's Eyeriss-like design (examples/seed-eyeriss-vgg16: its
 * architecture, ERT/ART, both constraint files and mapper.yaml's objective [delay, energy])
 * with all cores, and prints the best mapping's figures and the search statistics. Last
 * line: `seed layer mapped in S s (optimal: yes|no)`.
 *
 * Usage: bench_mapper [-a | --open [-L LAYER] [-c arch|none]] [-m METRICS] [-t THREADS]
 *                     [-l SECONDS] [DIR [PROB]]
 *   -a      first maps a table of other layers (VGG16, ResNet-50, AlexNet, MobileNet
 *           shapes) on the same design and constraints, one line each;
 *   --open  maps the same 16 layers on open mapspaces instead: with the architecture
 *           constraints only (DIR/constraints/eyeriss_like_arch_constraints.yaml), then with
 *           no constraints at all; one line each (mapspace size, evaluations, best first
 *           metric, proven lower bound, proven or not, seconds, CPU seconds of all threads,
 *           the best mapping's energy per MAC in pJ);
 *           -l is then the per-layer time limit (default 60 s; -l 0: none, and no
 *           classic-dataflow seeds), -L LAYER keeps the layers whose name contains LAYER,
 *           -c arch|none one of the two mapspaces. Last line:
 *           `open mapspaces: N/M proven, slowest S s, total T s (CPU C s)`;
 *   -m      metrics, comma separated: edp, energy, delay, lla, weighted (energy + 1000 *
 *           delay); default mapper.yaml's [delay, energy];
 *   DIR     holds arch/eyeriss_like.yaml, ERT.yaml, ART.yaml and the two constraint files
 *           (default the bundled example); PROB is the problem file (default DIR/prob.yaml,
 *           else the bundled one), e.g. `bench_mapper tests/data/seed-experiment/optimal-4x42`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "adse/adse.h"

typedef struct layer {
    const char *name;
    uint64_t c, m, r, s, p, q;
    int stride;
} layer;

static const layer LAYERS[] = {
    {"VGG16 conv1_2", 64, 64, 3, 3, 224, 224, 1},
    {"VGG16 conv2_1", 64, 128, 3, 3, 112, 112, 1},
    {"VGG16 conv3_1", 128, 256, 3, 3, 56, 56, 1},
    {"VGG16 conv4_2", 512, 512, 3, 3, 28, 28, 1},
    {"VGG16 conv5_1", 512, 512, 3, 3, 14, 14, 1},
    {"ResNet-50 conv1 7x7/2", 3, 64, 7, 7, 112, 112, 2},
    {"ResNet-50 res2a 1x1", 64, 64, 1, 1, 56, 56, 1},
    {"ResNet-50 res3a 3x3/2", 128, 128, 3, 3, 28, 28, 2},
    {"ResNet-50 res4 1x1", 1024, 256, 1, 1, 14, 14, 1},
    {"ResNet-50 res5 3x3", 512, 512, 3, 3, 7, 7, 1},
    {"AlexNet conv1 11x11/4", 3, 96, 11, 11, 55, 55, 4},
    {"AlexNet conv2 5x5", 48, 256, 5, 5, 27, 27, 1},
    {"AlexNet conv3 3x3", 256, 384, 3, 3, 13, 13, 1},
    {"MobileNet dw 3x3", 1, 1, 3, 3, 112, 112, 1},
    {"MobileNet dw 3x3/2", 1, 1, 3, 3, 56, 56, 2},
    {"MobileNet pw 1x1", 32, 64, 1, 1, 112, 112, 1},
};

/* The seed problem with another layer's bounds and stride (the Inputs terms of P and Q
 * carry Wstride and Hstride). */
static int set_layer(adse_problem *p, const layer *l)
{
    const char *names = "CMRSPQ";
    const uint64_t v[6] = {l->c, l->m, l->r, l->s, l->p, l->q};
    for (int k = 0; k < 6; k++) {
        int x = adse_problem_dim_id(p, names[k]);
        if (x < 0) return -1;
        p->bounds[x] = v[k];
    }
    int in = adse_problem_ds_id(p, "Inputs"), px = adse_problem_dim_id(p, 'P');
    int qx = adse_problem_dim_id(p, 'Q');
    if (in < 0) return -1;
    for (int r = 0; r < p->ds[in].n_ranks; r++)
        for (int t = 0; t < p->ds[in].ranks[r].n_terms; t++) {
            adse_term *tm = &p->ds[in].ranks[r].terms[t];
            if (tm->dim == px || tm->dim == qx) tm->coef = l->stride;
        }
    return 0;
}

static int parse_metrics(const char *s, adse_mapper_settings *set)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", s);
    set->n_metrics = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (set->n_metrics == ADSE_MAX_METRICS) return -1;
        adse_metric m;
        if (!strcmp(tok, "edp"))
            m = ADSE_METRIC_EDP;
        else if (!strcmp(tok, "energy"))
            m = ADSE_METRIC_ENERGY;
        else if (!strcmp(tok, "delay"))
            m = ADSE_METRIC_DELAY;
        else if (!strcmp(tok, "lla"))
            m = ADSE_METRIC_LAST_LEVEL_ACCESSES;
        else if (!strcmp(tok, "weighted"))
            m = ADSE_METRIC_WEIGHTED;
        else
            return -1;
        set->metrics[set->n_metrics++] = m;
    }
    set->weight_energy = 1;
    set->weight_delay = 1000;
    return set->n_metrics ? 0 : -1;
}

/* CPU time of the process (all threads), seconds: the figure that a busy machine does not
 * inflate. */
static double cpu_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return 0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* --open: the layers of -a on the open mapspaces (architecture constraints only, none). */
static int run_open(const adse_spec *spec, const adse_constraints *arch_cons,
                    const adse_mapper_settings *set0, const char *only, const char *cons,
                    adse_mapper_result *res)
{
    const adse_mapper_settings set = *set0;
    int proven = 0, n = 0;
    double slowest = 0, total = 0, total_cpu = 0;
    printf("%-24s %-5s %10s %10s %12s %12s %7s %9s %9s %9s %8s\n", "layer", "cons", "space",
           "evaluated", "best", "bound", "proven", "seconds", "cpu s", "pJ/MAC", "gap %");
    for (int pass = 0; pass < 2; pass++) {
        if (cons && strcmp(cons, pass == 0 ? "arch" : "none") != 0) continue;
        for (size_t k = 0; k < sizeof LAYERS / sizeof LAYERS[0]; k++) {
            if (only && !strstr(LAYERS[k].name, only)) continue;
            adse_problem lp = spec->problem;
            adse_model *lm = NULL;
            adse_err err;
            adse_err_clear(&err);
            double cpu0 = cpu_s();
            if (set_layer(&lp, &LAYERS[k]) != 0 ||
                adse_model_create(&spec->arch, &lp, NULL, &lm, &err) != ADSE_OK ||
                adse_mapper_run(lm, pass == 0 ? arch_cons : NULL, &set, res, &err) != ADSE_OK) {
                fprintf(stderr, "bench_mapper: %s: %s\n", LAYERS[k].name, err.msg);
                adse_model_free(lm);
                return 1;
            }
            double cpu = cpu_s() - cpu0;
            /* The last metric's gap: among the mappings at most the best found on the
             * metrics before it (docs/mapper.md section 6). */
            const adse_mapper_stats *st = &res->stats;
            int last = st->n_metrics - 1;
            double gap = res->found && st->best_values[last] > 0
                             ? 100.0 * (st->best_values[last] - st->lower_bounds[last]) /
                                   st->best_values[last]
                             : 100.0;
            printf("%-24s %-5s %10.4g %10llu %12.6g %12.6g %7s %9.3f %9.3f %9.4f %8.2f\n",
                   LAYERS[k].name, pass == 0 ? "arch" : "none", res->stats.mapspace_size,
                   (unsigned long long)res->stats.evaluated,
                   res->found ? res->stats.best_value : 0.0, res->stats.lower_bound,
                   res->stats.optimal ? "yes" : "no", res->stats.seconds, cpu,
                   res->found ? res->result.energy_pj / (double)res->result.computes : 0.0, gap);
            total_cpu += cpu;
            fflush(stdout);
            n++;
            proven += res->stats.optimal;
            total += res->stats.seconds;
            if (res->stats.seconds > slowest) slowest = res->stats.seconds;
            adse_model_free(lm);
        }
    }
    printf("open mapspaces: %d/%d proven, slowest %.3f s, total %.3f s (CPU %.3f s)\n", proven, n,
           slowest, total, total_cpu);
    return 0;
}

int main(int argc, char **argv)
{
    int threads = 0;
    double limit = -1;
    bool all = false, open = false;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--open") != 0) continue;
        open = true;
        for (int j = k; j + 1 < argc; j++)
            argv[j] = argv[j + 1];
        argc--;
        k--;
    }
    const char *metrics = NULL, *only = NULL, *cons_only = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "t:l:am:L:c:")) != -1) {
        if (opt == 't')
            threads = atoi(optarg);
        else if (opt == 'l')
            limit = atof(optarg);
        else if (opt == 'a')
            all = true;
        else if (opt == 'm')
            metrics = optarg;
        else if (opt == 'L')
            only = optarg;
        else if (opt == 'c')
            cons_only = optarg;
        else {
            fprintf(stderr, "usage: bench_mapper [-a | --open [-L LAYER] [-c arch|none]] "
                            "[-m METRICS] [-t THREADS] [-l SECONDS] [DIR [PROB]]\n");
            return 2;
        }
    }
    const char *dir = optind < argc ? argv[optind] : ADSE_BENCH_DATA_DIR "/seed-eyeriss-vgg16";
    char f[7][1024];
    snprintf(f[0], sizeof f[0], "%s/arch/eyeriss_like.yaml", dir);
    if (optind + 1 < argc)
        snprintf(f[1], sizeof f[1], "%s", argv[optind + 1]);
    else {
        snprintf(f[1], sizeof f[1], "%s/prob.yaml", dir);
        if (access(f[1], R_OK) != 0)
            snprintf(f[1], sizeof f[1], "%s", ADSE_BENCH_DATA_DIR "/seed-eyeriss-vgg16/prob.yaml");
    }
    snprintf(f[2], sizeof f[2], "%s/ERT.yaml", dir);
    snprintf(f[3], sizeof f[3], "%s/ART.yaml", dir);
    snprintf(f[4], sizeof f[4], "%s/constraints/eyeriss_like_arch_constraints.yaml", dir);
    snprintf(f[5], sizeof f[5], "%s/constraints/eyeriss_like_map_constraints.yaml", dir);
    snprintf(f[6], sizeof f[6], "%s", ADSE_BENCH_DATA_DIR "/seed-eyeriss-vgg16/mapper.yaml");
    const char *files[7];
    for (int k = 0; k < 7; k++)
        files[k] = f[k];
    if (open) {
        /* The architecture constraints alone: load the files without the dataflow's. */
        files[5] = f[6];
    }
    int nfiles = open ? 6 : 7;

    adse_err err;
    adse_err_clear(&err);
    char msg[1200];
    adse_spec *spec = NULL;
    if (adse_spec_load(files, nfiles, &spec, &err) != ADSE_OK) {
        fprintf(stderr, "bench_mapper: %s\n", adse_err_format(&err, msg, sizeof msg));
        return 1;
    }
    adse_model *model = NULL;
    if (adse_model_create(&spec->arch, &spec->problem, NULL, &model, &err) != ADSE_OK) {
        fprintf(stderr, "bench_mapper: %s\n", adse_err_format(&err, msg, sizeof msg));
        adse_spec_free(spec);
        return 1;
    }
    if (!spec->has_constraints) {
        fprintf(stderr, "bench_mapper: %s has no constraints\n", dir);
        return 1;
    }
    const adse_constraints cons = spec->constraints;
    adse_mapper_settings set;
    adse_mapper_settings_init(&set);
    if (spec->has_mapper) {
        set = spec->mapper;
    } else {
        set.n_metrics = 2;
        set.metrics[0] = ADSE_METRIC_DELAY;
        set.metrics[1] = ADSE_METRIC_ENERGY;
    }
    if (metrics && parse_metrics(metrics, &set) != 0) {
        fprintf(stderr, "bench_mapper: bad metrics '%s'\n", metrics);
        return 2;
    }
    set.threads = threads;
    set.time_limit_s = limit > 0 ? limit : 0;
    adse_mapper_result *res = malloc(sizeof *res);
    if (!res) return 1;
    if (open) {
        if (limit < 0) set.time_limit_s = 60;
        int rc = run_open(spec, &cons, &set, only, cons_only, res);
        free(res);
        adse_model_free(model);
        adse_spec_free(spec);
        return rc;
    }
    if (all) {
        printf("%-24s %10s %10s %12s %9s %7s %9s\n", "layer", "space", "evaluated", "cycles",
               "energy uJ", "proven", "seconds");
        for (size_t k = 0; k < sizeof LAYERS / sizeof LAYERS[0]; k++) {
            adse_problem lp = spec->problem;
            adse_model *lm = NULL;
            if (set_layer(&lp, &LAYERS[k]) != 0 ||
                adse_model_create(&spec->arch, &lp, NULL, &lm, &err) != ADSE_OK ||
                adse_mapper_run(lm, &cons, &set, res, &err) != ADSE_OK) {
                fprintf(stderr, "bench_mapper: %s: %s\n", LAYERS[k].name, err.msg);
                return 1;
            }
            printf("%-24s %10.4g %10llu %12llu %9.2f %7s %9.3f\n", LAYERS[k].name,
                   res->stats.mapspace_size, (unsigned long long)res->stats.evaluated,
                   (unsigned long long)res->result.cycles, res->result.energy_pj / 1e6,
                   res->stats.optimal ? "yes" : "no", res->stats.seconds);
            adse_model_free(lm);
        }
    }
    if (adse_mapper_run(model, &cons, &set, res, &err) != ADSE_OK) {
        fprintf(stderr, "bench_mapper: %s\n", adse_err_format(&err, msg, sizeof msg));
        return 1;
    }
    printf("design: %s\n", dir);
    printf("mapspace: %.6g mappings; evaluated %llu (valid %llu), threads %d\n",
           res->stats.mapspace_size, (unsigned long long)res->stats.evaluated,
           (unsigned long long)res->stats.valid, res->stats.threads);
    if (res->found)
        printf("best: cycles %llu, energy %.2f uJ, utilization %.2f%%\n",
               (unsigned long long)res->result.cycles, res->result.energy_pj / 1e6,
               100.0 * res->result.utilization);
    else
        printf("best: no valid mapping\n");
    printf("seed layer mapped in %.3f s (optimal: %s)\n", res->stats.seconds,
           res->stats.optimal ? "yes" : "no");
    free(res);
    adse_model_free(model);
    adse_spec_free(spec);
    return 0;
}
