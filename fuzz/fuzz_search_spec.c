/*
 * fuzz/fuzz_search_spec.c: adse_search_spec_load_string on fuzzer input (file names resolve
 * against tests/data/seed-experiment/original), then, when the spec names only regular
 * files: adse_search_create with a cheap mapper, one generation when it is small, every
 * search report and a checkpoint round trip.
 */
#include "fuzz_search_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    if (!text) return 0;
    adse_search_spec *sp = NULL;
    adse_err err;
    if (adse_search_spec_load_string(text, "search.yaml", FUZZ_SEED_DIR, &sp, &err) == ADSE_OK &&
        fuzz_spec_files_ok(sp)) {
        adse_search_options o;
        adse_search_options_init(&o);
        o.threads = 1;
        o.map = fuzz_outer_map;
        adse_search *s = NULL;
        if (adse_search_create(sp, &o, &s, &err) == ADSE_OK) {
            if (sp->ga.population <= 8 && sp->n_layers <= 2 && sp->ga.max_resample <= 200)
                (void)adse_search_step(s, &err);
            fuzz_search_consumers(s);
        }
        adse_search_free(s);
    }
    adse_search_spec_free(sp);
    free(text);
    return 0;
}
