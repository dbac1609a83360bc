/*
 * bench_compound: re-pricing an architecture whose classes the files define as Accelergy
 * compound components (docs/energy.md section 10) against the built-in models of the same
 * classes: adse_energy_reprice() on the loaded architecture with the spec's options (the
 * definitions) and with options.classes = NULL (the built-in models), on one thread. This is
 * what the hardware search does for every new design.
 *
 *   bench_compound [SECONDS [FILE...]]
 *
 * Default file: the 2024 Eyeriss-like reference's parsed-processed-input.yaml (DRAM, a
 * smartbuffer_SRAM, three smartbuffer_RF over regfile, two dummy levels, intmac).
 * Prints the time per architecture for both and checks that they price the same.
 */
#include <stdio.h>
#include <stdlib.h>

#include "adse/adse.h"

#define DEFAULT_FILE                                                                               \
    ADSE_BENCH_DATA_DIR "/../tests/data/timeloop-golden/exercises-refs/"                           \
                        "example_designs__example_designs__eyeriss_like__ref_outputs__default_"    \
                        "problem/parsed-processed-input.yaml"

static double time_reprice(const adse_spec *s, const adse_energy_options *o, double seconds,
                           adse_arch *last)
{
    adse_err e;
    long n = 0;
    double t0 = adse_clock_s(), t = 0;
    do {
        for (int i = 0; i < 50; i++, n++) {
            *last = s->arch;
            if (adse_energy_reprice(last, o, &e) != ADSE_OK) {
                fprintf(stderr, "bench_compound: %s\n", e.msg);
                exit(1);
            }
        }
        t = adse_clock_s() - t0;
    } while (t < seconds);
    return t / (double)n;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    const char *def[] = {DEFAULT_FILE};
    const char *const *files = argc > 2 ? (const char *const *)argv + 2 : def;
    int n_files = argc > 2 ? argc - 2 : 1;
    adse_spec *s;
    adse_err e;
    if (adse_spec_load(files, n_files, &s, &e) != ADSE_OK) {
        char buf[1200];
        fprintf(stderr, "bench_compound: %s\n", adse_err_format(&e, buf, sizeof buf));
        return 1;
    }
    if (!s->options.estimator.classes) {
        fprintf(stderr, "bench_compound: the files define no compound class\n");
        return 1;
    }
    adse_energy_options builtin = s->options.estimator;
    builtin.classes = NULL;
    adse_arch a, b;
    double td = time_reprice(s, &s->options.estimator, seconds, &a);
    double tb = time_reprice(s, &builtin, seconds, &b);
    int differ = 0;
    for (int i = 0; i < a.n_levels; i++)
        differ += a.levels[i].e_read != b.levels[i].e_read ||
                  a.levels[i].e_fill != b.levels[i].e_fill ||
                  a.levels[i].area_um2 != b.levels[i].area_um2;
    differ += a.arith.e_compute != b.arith.e_compute;
    printf("levels %d + arithmetic; components priced differently: %d\n", a.n_levels, differ);
    printf("definitions: %.1f us per architecture\n", td * 1e6);
    printf("built-in:    %.1f us per architecture\n", tb * 1e6);
    adse_spec_free(s);
    return 0;
}
