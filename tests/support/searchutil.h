/* Helpers of the hardware-search tests (test_search.c, test_search_mo.c): the seed design's
 * spec sections, a fixed-mapping stand-in for the mapper, and checked loads and runs. */
#ifndef ADSE_SEARCHUTIL_H
#define ADSE_SEARCHUTIL_H

#include <stdbool.h>

#include "adse/adse.h"
#include "adse/search.h"
#include "adse/search_spec.h"

#define SEED_DIR "seed-experiment/original"

/* The design section shared by the test specs (paths relative to SEED_DIR). */
#define DESIGN                                                                                     \
    "design:\n"                                                                                    \
    "  architecture: arch/eyeriss_like.yaml\n"                                                     \
    "  constraints: [constraints/eyeriss_like_arch_constraints.yaml,\n"                            \
    "                constraints/eyeriss_like_map_constraints.yaml]\n"                             \
    "  mapper: mapper.yaml\n"

#define GENES                                                                                      \
    "parameters:\n"                                                                                \
    "  - {name: mesh, mesh: {total: 168, meshX: [12, 14]}}\n"                                      \
    "  - {name: glb_depth, component: shared_glb, attribute: depth,\n"                             \
    "     range: {min: 16384, max: 32768, scale: pow2}}\n"                                         \
    "  - {name: glb_width, component: shared_glb, attribute: width,\n"                             \
    "     range: {min: 32, max: 64, scale: pow2}}\n"                                               \
    "  - {name: ifmap_depth, component: ifmap_spad, attribute: depth, range: {min: 12, max: 24, "  \
    "step: 4}}\n"                                                                                  \
    "  - {name: weights_depth, component: weights_spad, attribute: depth,\n"                       \
    "     values: [192, 256]}\n"                                                                   \
    "  - {name: psum_depth, component: psum_spad, attribute: depth, values: [16, 24, 32]}\n"

/* Loads a spec from text (files relative to SEED_DIR); fails the test on an error. */
adse_search_spec *load_spec_ok(const char *text);
/* Loads a spec file; fails the test on an error. */
adse_search_spec *load_spec_file_ok(const char *path);

/* The fixed-mapping stand-in for the mapper: Timeloop's best mapping of the seed design
 * (designs it does not fit have no mapping), loaded by setup_fixed (a group setup). */
extern adse_mapping g_fixed;
adse_status fixed_map(void *user, const adse_model *model, const adse_constraints *constraints,
                      const adse_mapper_settings *settings, adse_mapper_result *out, adse_err *err);
int setup_fixed(void **state);

/* A search of spec on threads threads (fixed: with fixed_map); fails the test on an error. */
adse_search *create_ok(const adse_search_spec *spec, int threads, bool fixed);
void run_ok(adse_search *s);
/* A search of spec with options o, created and run; fails the test on an error. */
adse_search *run_search_ok(const adse_search_spec *spec, const adse_search_options *o);

/* The checkpoint (malloc'd, *len bytes) of a search of spec with fixed_map on 2 threads
 * stopped after generation stop, the search then freed: a kill. */
char *killed_checkpoint(const adse_search_spec *spec, int stop, size_t *len);

/* A search of spec (fixed_map, 1 thread) restored from that checkpoint, not yet run. */
adse_search *resumed(const adse_search_spec *spec, const char *buf, size_t len);

/* history.csv of s as a malloc'd string. */
char *history_text(const adse_search *s);

/* Expects the spec text to fail loading or creating at line:column with msg inside. */
void expect_error(const char *text, int line, int column, const char *msg);

#endif
