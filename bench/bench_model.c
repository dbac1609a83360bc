/*
 * bench_model: evaluations per second of the model on one thread.
 *
 * Loads the seed experiment's Timeloop-mapper mapping of the original Eyeriss-like design
 * (VGG16 conv1_1; examples/seed-eyeriss-vgg16) and
 * evaluates it repeatedly for about two seconds. Last line: `model evaluations/s: N`.
 * Usage: bench_model [seconds] [FILE...]   (files replace the bundled inputs)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "adse/adse.h"

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    const char *def[] = {ADSE_BENCH_DATA_DIR "/seed-eyeriss-vgg16/arch/eyeriss_like.yaml",
                         ADSE_BENCH_DATA_DIR "/seed-eyeriss-vgg16/prob.yaml",
                         ADSE_BENCH_DATA_DIR "/seed-eyeriss-vgg16/map.yaml",
                         ADSE_BENCH_DATA_DIR "/seed-eyeriss-vgg16/ERT.yaml",
                         ADSE_BENCH_DATA_DIR "/seed-eyeriss-vgg16/ART.yaml"};
    const char *const *files = def;
    int n_files = 5;
    if (argc > 2) {
        files = (const char *const *)(argv + 2);
        n_files = argc - 2;
    }
    adse_err err;
    adse_err_clear(&err);
    char msg[1200];
    adse_spec *spec = NULL;
    if (adse_spec_load(files, n_files, &spec, &err) != ADSE_OK) {
        fprintf(stderr, "bench_model: %s\n", adse_err_format(&err, msg, sizeof msg));
        return 1;
    }
    adse_model_options opts;
    adse_model_options_init(&opts);
    adse_model *model = NULL;
    if (adse_model_create(&spec->arch, &spec->problem, &opts, &model, &err) != ADSE_OK) {
        fprintf(stderr, "bench_model: %s\n", adse_err_format(&err, msg, sizeof msg));
        adse_spec_free(spec);
        return 1;
    }
    adse_scratch *scratch = adse_scratch_new(model);
    adse_result *res = malloc(sizeof *res);
    if (!scratch || !res) return 1;
    if (adse_model_evaluate(model, &spec->mapping, scratch, res, &err) != ADSE_OK) {
        fprintf(stderr, "bench_model: mapping is invalid: %s\n", res->reason);
        return 1;
    }
    printf("mapping: cycles %llu, energy %.2f uJ\n", (unsigned long long)res->cycles,
           res->energy_pj / 1e6);
    /* Warm up, then time batches until `seconds` have passed. */
    long n = 0;
    double t0 = adse_clock_s(), t = t0;
    volatile uint64_t sink = 0; /* keeps the evaluations from being optimised away */
    while (t - t0 < seconds) {
        for (int k = 0; k < 256; k++) {
            adse_model_evaluate(model, &spec->mapping, scratch, res, NULL);
            sink += res->cycles;
        }
        n += 256;
        t = adse_clock_s();
    }
    double per_s = (double)n / (t - t0);
    printf("evaluations: %ld in %.3f s (%.2f us each)\n", n, t - t0, 1e6 * (t - t0) / (double)n);
    printf("checksum: %llu\n", (unsigned long long)sink);
    printf("model evaluations/s: %.0f\n", per_s);
    free(res);
    adse_scratch_free(scratch);
    adse_model_free(model);
    adse_spec_free(spec);
    return 0;
}
