/*
 * fuzz/fuzz_checkpoint.c: adse_search_checkpoint_load (what `adse search --resume DIR` reads
 * from DIR/checkpoint.txt) on fuzzer input, into a fresh search of a fixed small spec (the
 * checkpoint's `spec` line must carry its hash: the corpus holds real checkpoints of it);
 * when the load succeeds, the resumed search runs a generation, writes every report and
 * saves and reloads its checkpoint.
 */
#include "fuzz_search_common.h"

/* The fixed spec: two genes, a population of 4, 3 generations, one reference. */
static const char spec_text[] =
    "design:\n"
    "  architecture: arch/eyeriss_like.yaml\n"
    "workload:\n"
    "  - problem: ../../search/small_prob.yaml\n"
    "parameters:\n"
    "  - {name: mesh, mesh: {total: 168, meshX: [12, 14]}}\n"
    "  - {name: glb_depth, component: shared_glb, attribute: depth, values: [8192, 16384]}\n"
    "budgets:\n"
    "  pes: 168\n"
    "loss:\n"
    "  weights: {cycles: 1, energy: 1}\n"
    "ga: {population: 4, generations: 3, parents: 2, elite: 1, seed: 7}\n"
    "references:\n"
    "  - name: ref\n"
    "    genes: {mesh: 14x12, glb_depth: 8192}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    adse_search_spec *sp = NULL;
    adse_err err;
    if (adse_search_spec_load_string(spec_text, "ckpt-spec.yaml", FUZZ_SEED_DIR, &sp, &err) !=
        ADSE_OK) {
        fprintf(stderr, "fuzz_checkpoint: fixed spec does not load: %s\n", err.msg);
        abort();
    }
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 1;
    o.map = fuzz_outer_map;
    adse_search *s = NULL;
    if (adse_search_create(sp, &o, &s, &err) != ADSE_OK) {
        fprintf(stderr, "fuzz_checkpoint: fixed search not created: %s\n", err.msg);
        abort();
    }
    FILE *in = fmemopen((void *)data, size ? size : 1, "r");
    if (in) {
        if (size && adse_search_checkpoint_load(s, in, &err) == ADSE_OK) {
            fuzz_search_consumers(s);
            if (!adse_search_finished(s)) (void)adse_search_step(s, &err);
            fuzz_search_consumers(s);
        }
        fclose(in);
    }
    adse_search_free(s);
    adse_search_spec_free(sp);
    return 0;
}
