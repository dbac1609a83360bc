/*
 * bench_mapper: time to map the seed layer optimally.
 *
 * Maps VGG16 conv1_1 on the seed's Eyeriss-like design (examples/seed-eyeriss-vgg16: its
 * architecture, ERT/ART, both constraint files and mapper.yaml's objective [delay, energy])
 * with all cores, and prints the best mapping's figures and the search statistics. The
 * constraints come from the YAML loader when it fills spec->constraints; otherwise the same
 * constraints are built here by hand. Last line:
 * `seed layer mapped in S s (optimal: yes|no)`.
 * Usage: bench_mapper [-c] [-t THREADS] [-l SECONDS] [DIR [PROB]]
 *   -c uses the hand-built constraints even when the loader read the YAML ones;
 *   DIR holds arch/eyeriss_like.yaml, ERT.yaml, ART.yaml and the two constraint files (default
 *   the bundled example); PROB is the problem file (default DIR/prob.yaml, else the bundled
 *   one), e.g. `bench_mapper tests/data/seed-experiment/optimal-4x42`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adse/adse.h"

/* Timeloop factor syntax: "N=1 P=1 S=0", also "M<=16" and "C>=2". */
static void factors(adse_tiling_constraint *t, const adse_problem *p, const char *s)
{
    while (*s) {
        int x = adse_problem_dim_id(p, *s);
        if (x < 0) {
            s++;
            continue;
        }
        s++;
        int op = 0; /* 0 '=', 1 '<=', 2 '>=' */
        if (s[0] == '<' && s[1] == '=') op = 1, s += 2;
        else if (s[0] == '>' && s[1] == '=') op = 2, s += 2;
        else if (s[0] == '=') s++;
        unsigned long long v = strtoull(s, (char **)&s, 10);
        if (op == 1)
            t->factor_max[x] = v;
        else if (op == 2)
            t->factor_min[x] = v;
        else
            t->factor_eq[x] = v == 0 ? (p->bounds[x] == 1 ? 1 : ADSE_FACTOR_REST) : v;
    }
}

/* Innermost-first prefix; spaces mean nothing (as in Timeloop). */
static void permutation(adse_tiling_constraint *t, const adse_problem *p, const char *s)
{
    t->has_permutation = true;
    for (; *s; s++) {
        int x = adse_problem_dim_id(p, *s);
        if (x >= 0) t->prefix[t->n_prefix++] = (uint8_t)x;
    }
}

static void keep(adse_constraints *c, const adse_problem *p, int level, const char *names,
                 bool value)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", names);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        int d = adse_problem_ds_id(p, tok);
        if (d < 0) continue;
        c->keep_fixed[d] |= 1u << level;
        if (value)
            c->keep_value[d] |= 1u << level;
        else
            c->keep_value[d] &= ~(1u << level);
    }
}

/* The seed's eyeriss_like_arch_constraints.yaml + eyeriss_like_map_constraints.yaml. */
static int seed_constraints(const adse_arch *a, const adse_problem *p, adse_constraints *c)
{
    adse_constraints_init(c, a->n_levels, p->n_dims, p->n_ds);
    int psum = adse_arch_level_id(a, "psum_spad"), wsp = adse_arch_level_id(a, "weights_spad");
    int isp = adse_arch_level_id(a, "ifmap_spad"), dum = adse_arch_level_id(a, "DummyBuffer");
    int glb = adse_arch_level_id(a, "shared_glb"), dram = adse_arch_level_id(a, "DRAM");
    if (psum < 0 || wsp < 0 || isp < 0 || dum < 0 || glb < 0 || dram < 0) return -1;
    keep(c, p, psum, "Inputs Weights", false);
    keep(c, p, psum, "Outputs", true);
    keep(c, p, wsp, "Inputs Outputs", false);
    keep(c, p, wsp, "Weights", true);
    keep(c, p, isp, "Weights Outputs", false);
    keep(c, p, isp, "Inputs", true);
    keep(c, p, dum, "Inputs Outputs Weights", false);
    keep(c, p, glb, "Weights", false);
    keep(c, p, glb, "Inputs Outputs", true);
    c->spatial[dum].split = 4;
    permutation(&c->spatial[dum], p, "NPQR SCM");
    factors(&c->spatial[dum], p, "N=1 P=1 Q=1 R=1 S=0");
    c->spatial[glb].split = 7;
    permutation(&c->spatial[glb], p, "NCPRSQM");
    factors(&c->spatial[glb], p, "N=1 C=1 P=1 R=1 S=1");
    permutation(&c->temporal[psum], p, "NCPQRS M");
    factors(&c->temporal[psum], p, "N=1 C=1 R=1 S=1 P=1 Q=1");
    permutation(&c->temporal[wsp], p, "NMPQS CR");
    factors(&c->temporal[wsp], p, "N=1 M=1 P=1 Q=1 S=1 R=0");
    permutation(&c->temporal[isp], p, "NMCPQRS");
    factors(&c->temporal[isp], p, "N=1 M=1 C=1 P=1 Q=1 R=1 S=1");
    factors(&c->temporal[dum], p, "N=1 M=1 C=1 P=1 Q=1 R=1 S=1");
    permutation(&c->temporal[dum], p, "NMCPQRS");
    permutation(&c->temporal[glb], p, "QRSC PNM");
    factors(&c->temporal[glb], p, "Q=1 R=1 S=1 P=0");
    permutation(&c->temporal[dram], p, "RSP CMNQ");
    factors(&c->temporal[dram], p, "R=1 S=1 P=1");
    return 0;
}

int main(int argc, char **argv)
{
    int threads = 0;
    double limit = 0;
    bool by_hand = false;
    int opt;
    while ((opt = getopt(argc, argv, "t:l:c")) != -1) {
        if (opt == 't')
            threads = atoi(optarg);
        else if (opt == 'l')
            limit = atof(optarg);
        else if (opt == 'c')
            by_hand = true;
        else {
            fprintf(stderr, "usage: bench_mapper [-c] [-t THREADS] [-l SECONDS] [DIR [PROB]]\n");
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

    adse_err err;
    adse_err_clear(&err);
    char msg[1200];
    adse_spec *spec = NULL;
    if (adse_spec_load(files, 7, &spec, &err) != ADSE_OK) {
        fprintf(stderr, "bench_mapper: %s\n", adse_err_format(&err, msg, sizeof msg));
        return 1;
    }
    adse_model *model = NULL;
    if (adse_model_create(&spec->arch, &spec->problem, NULL, &model, &err) != ADSE_OK) {
        fprintf(stderr, "bench_mapper: %s\n", adse_err_format(&err, msg, sizeof msg));
        adse_spec_free(spec);
        return 1;
    }
    adse_constraints cons;
    const char *from = "YAML";
    if (spec->has_constraints && !by_hand) {
        cons = spec->constraints;
    } else {
        from = "built in C";
        if (seed_constraints(&spec->arch, &spec->problem, &cons) != 0) {
            fprintf(stderr, "bench_mapper: the architecture is not the seed's\n");
            return 1;
        }
    }
    adse_mapper_settings set;
    adse_mapper_settings_init(&set);
    if (spec->has_mapper) {
        set = spec->mapper;
    } else {
        set.n_metrics = 2;
        set.metrics[0] = ADSE_METRIC_DELAY;
        set.metrics[1] = ADSE_METRIC_ENERGY;
    }
    set.threads = threads;
    set.time_limit_s = limit;
    adse_mapper_result *res = malloc(sizeof *res);
    if (!res) return 1;
    if (adse_mapper_run(model, &cons, &set, res, &err) != ADSE_OK) {
        fprintf(stderr, "bench_mapper: %s\n", adse_err_format(&err, msg, sizeof msg));
        return 1;
    }
    printf("design: %s (constraints %s)\n", dir, from);
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
