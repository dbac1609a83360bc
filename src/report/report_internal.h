/*
 * report/report_internal.h: helpers shared by the report writers (internal).
 *
 * The printed loop nest is rebuilt from the mapping exactly as Timeloop builds it
 * (spec 3.2): per storage level i, innermost first, the spatial loops S_i (first `split`
 * permutation entries are X, the rest Y) then the temporal loops T_i, each in permutation
 * order, unit factors dropped. Timeloop adds a bound-1 dummy loop to a level without
 * temporal loops; it is never printed, so it is not represented here.
 */
#ifndef ADSE_REPORT_INTERNAL_H
#define ADSE_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "adse/arch.h"
#include "adse/mapping.h"
#include "adse/model.h"

typedef enum adse__loop_kind { ADSE__LOOP_T, ADSE__LOOP_X, ADSE__LOOP_Y } adse__loop_kind;

typedef struct adse__loop {
    uint8_t dim;          /* dimension id */
    uint64_t bound;       /* > 1 */
    adse__loop_kind kind; /* temporal, Spatial-X or Spatial-Y */
} adse__loop;

#define ADSE__MAX_LOOPS (2 * ADSE_MAX_LEVELS * ADSE_MAX_DIMS)

typedef struct adse__nest {
    int n_loops; /* loops, index 0 innermost */
    adse__loop loops[ADSE__MAX_LOOPS];
    int level_begin[ADSE_MAX_LEVELS]; /* first loop index of storage level i (its S_i) */
    int level_end[ADSE_MAX_LEVELS];   /* one past its last loop (outermost of T_i) */
} adse__nest;

/* Builds the non-unit loop nest of a mapping for n_levels storage levels. */
void adse__report_build_nest(const adse_mapping *m, adse__nest *out);

/* Whether Timeloop prints a level: level == -1 is the arithmetic level, otherwise storage
 * level i. Levels with zero accesses and zero energy are hidden. */
bool adse__report_level_shown(const adse_arch *a, const adse_result *r, int level);

/* Column width of the fJ/Compute names: one more than the longest level name or inferred
 * network name ("<outer> <==> <inner>" for every adjacent pair, MACs included). */
int adse__report_name_align(const adse_arch *a);

#endif
