/*
 * bench_energy: prices the Eyeriss-like architecture (DRAM, 64x16384 smartbuffer_SRAM GLB,
 * ifmap/weights/psum smartbuffer_RF scratchpads, intmac) with adse_energy_estimate(), at
 * 45 nm and 32 nm alternately, on one thread. The components carry the attribute lists of
 * Accelergy's flattened architecture (timeloop-mapper.flattened_architecture.yaml of the
 * 2024 eyeriss_like reference), so attribute matching is measured too.
 *
 *   bench_energy [SECONDS]      (default 1)
 *
 * Last line: "energy tables/s: N" (full architectures priced per second).
 */
#include <stdio.h>
#include <stdlib.h>

#include "adse/energy.h"
#include "adse/util.h"

#define N_COMP 6

/* Attributes every flattened v0.4 component carries besides its own. */
#define COMMON(tech)                                                                               \
    {"has_power_gating", "false"}, {"cluster_size", "1"}, {"reduction_supported", "true"},         \
        {"multiple_buffering", "1"}, {"min_utilization", "0"}, {"allow_overbooking", "false"},     \
        {"meshX", "14"}, {"meshY", "12"}, {"power_gated_at", "null"}, {"technology", tech},        \
        {"version", "0.4"}, {"global_cycle_seconds", "1e-09"}, {"action_latency_cycles", "1"},     \
        {"cycle_seconds", "1e-09"},                                                                \
    {                                                                                              \
        "n_instances", "1"                                                                         \
    }

typedef struct arch {
    adse_energy_attr dram[20], glb[24], ifmap[24], weights[24], psum[24], mac[20];
    adse_energy_component comp[N_COMP];
} arch;

static void arch_init(arch *a, const char *tech)
{
    const adse_energy_attr dram[] = {{"type", "LPDDR4"},
                                     {"width", "64"},
                                     {"datawidth", "8"},
                                     {"n_banks", "2"},
                                     COMMON("SET ME")};
    const adse_energy_attr glb[] = {{"depth", "16384"},       {"width", "64"},
                                    {"n_banks", "32"},        {"datawidth", "8"},
                                    {"read_bandwidth", "16"}, {"write_bandwidth", "16"},
                                    {"n_rw_ports", "1"},      COMMON(tech)};
    const adse_energy_attr ifmap[] = {
        {"depth", "12"},          {"width", "16"},  {"datawidth", "8"},    {"read_bandwidth", "2"},
        {"write_bandwidth", "2"}, {"n_banks", "2"}, {"n_rdwr_ports", "1"}, COMMON(tech)};
    const adse_energy_attr weights[] = {
        {"depth", "192"},         {"width", "16"},  {"datawidth", "8"},    {"read_bandwidth", "2"},
        {"write_bandwidth", "2"}, {"n_banks", "2"}, {"n_rdwr_ports", "1"}, COMMON(tech)};
    const adse_energy_attr psum[] = {
        {"depth", "16"},     {"width", "16"},         {"update_fifo_depth", "2"},
        {"datawidth", "16"}, {"read_bandwidth", "2"}, {"write_bandwidth", "2"},
        {"n_banks", "2"},    {"n_rdwr_ports", "1"},   COMMON(tech)};
    const adse_energy_attr mac[] = {{"multiplier_width", "8"}, {"adder_width", "16"}, COMMON(tech)};
#define FILL(i, field, klass, name, inst)                                                          \
    do {                                                                                           \
        size_t n_ = sizeof field / sizeof field[0];                                                \
        for (size_t k_ = 0; k_ < n_; k_++)                                                         \
            a->field[k_] = field[k_];                                                              \
        a->comp[i] = (adse_energy_component){klass, name, a->field, n_, inst, NULL, 0, 0};         \
    } while (0)
    FILL(0, dram, "DRAM", "DRAM", 1);
    FILL(1, glb, "smartbuffer_SRAM", "shared_glb", 1);
    FILL(2, ifmap, "smartbuffer_RF", "ifmap_spad", 168);
    FILL(3, weights, "smartbuffer_RF", "weights_spad", 168);
    FILL(4, psum, "smartbuffer_RF", "psum_spad", 168);
    FILL(5, mac, "intmac", "mac", 168);
#undef FILL
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    if (!(seconds > 0)) seconds = 1.0;
    static arch a45, a32;
    arch_init(&a45, "45nm");
    arch_init(&a32, "32nm");
    const arch *archs[2] = {&a45, &a32};
    adse_energy_options opt;
    adse_energy_options_init(&opt);
    adse_energy_result r;
    adse_err err;

    /* one checked pass, and the table it prints */
    for (int t = 0; t < 2; t++) {
        printf("%s:\n", t ? "32 nm" : "45 nm");
        for (int i = 0; i < N_COMP; i++) {
            if (adse_energy_estimate(&archs[t]->comp[i], &opt, &r, &err) != ADSE_OK) {
                fprintf(stderr, "bench_energy: %s\n", err.msg);
                return 1;
            }
            printf("  %-13s %-17s", archs[t]->comp[i].name, r.klass);
            for (int k = 0; k < r.n_actions; k++)
                printf(" %s %.6f", r.actions[k].name, r.actions[k].energy_pj);
            printf("  area %.6f um^2\n", r.area_um2);
        }
    }

    double checksum = 0, per_comp[N_COMP] = {0};
    long tables = 0;
    double t0 = adse_clock_s(), t1 = t0;
    while (t1 - t0 < seconds) {
        for (int rep = 0; rep < 1000; rep++, tables++) {
            const arch *ar = archs[tables & 1];
            for (int i = 0; i < N_COMP; i++) {
                adse_energy_estimate(&ar->comp[i], &opt, &r, &err);
                checksum += r.actions[0].energy_pj;
            }
        }
        t1 = adse_clock_s();
    }
    double rate = (double)tables / (t1 - t0);

    /* per-component cost, for the record */
    for (int i = 0; i < N_COMP; i++) {
        const int n = 200000;
        double s0 = adse_clock_s();
        for (int rep = 0; rep < n; rep++) {
            adse_energy_estimate(&archs[rep & 1]->comp[i], &opt, &r, &err);
            checksum += r.area_um2;
        }
        per_comp[i] = (adse_clock_s() - s0) / n * 1e9;
        printf("%-13s %7.1f ns per estimate\n", a45.comp[i].name, per_comp[i]);
    }
    printf("checksum %.6g\n", checksum);
    printf("energy tables/s: %.0f\n", rate);
    return 0;
}
