/*
 * adse/mapping.h: a mapping of a problem onto an architecture (model.md §3).
 *
 * Per storage level i there is a temporal tiling level and, when the level fans out to
 * several children, a spatial tiling level. Each holds a factor per dimension and a full
 * permutation of the dimension ids, innermost loop first (dimensions a directive did not
 * name are appended in id order, as Timeloop does). For a spatial level, the first
 * `split` entries of the permutation are Spatial-X loops and the rest Spatial-Y.
 * For every dimension the product of all factors equals its bound. keep[d] has bit i set
 * when storage level i keeps data space d. The struct is plain data: a mapper fills it
 * directly, the spec loader from YAML.
 * Thread-safety: plain data, no hidden state.
 */
#ifndef ADSE_MAPPING_H
#define ADSE_MAPPING_H

#include "adse/export.h"

#include <stdbool.h>
#include <stdint.h>

#include "adse/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct adse_mapping {
    uint8_t n_levels;                                      /* storage levels (== arch n_levels) */
    uint8_t n_dims;                                        /* dimensions (== problem n_dims) */
    uint8_t n_ds;                                          /* data spaces (== problem n_ds) */
    uint64_t temporal[ADSE_MAX_LEVELS][ADSE_MAX_DIMS];     /* temporal factor per dim */
    uint64_t spatial[ADSE_MAX_LEVELS][ADSE_MAX_DIMS];      /* spatial factor per dim */
    uint8_t temporal_perm[ADSE_MAX_LEVELS][ADSE_MAX_DIMS]; /* dim ids, innermost first */
    uint8_t spatial_perm[ADSE_MAX_LEVELS][ADSE_MAX_DIMS];  /* dim ids, innermost first */
    uint8_t split[ADSE_MAX_LEVELS];     /* first `split` spatial_perm entries are X loops */
    uint32_t keep[ADSE_MAX_DATASPACES]; /* bit i: level i keeps data space d */
    uint32_t no_temporal_reuse[ADSE_MAX_DATASPACES]; /* bit i: no_temporal_reuse at level i */
    uint32_t no_multicast[ADSE_MAX_DATASPACES];      /* bit i: spatial no_reuse at level i */
    uint32_t no_link_transfer[ADSE_MAX_DATASPACES];  /* bit i: no_link_transfer at level i */
    uint32_t rmw_first_update[ADSE_MAX_DATASPACES];  /* bit i: rmw_first_update at level i */
} adse_mapping;

/* Sets every factor to 1, permutations to id order, split to n_dims and keep to all
 * levels: the state before directives are applied. */
ADSE_API void adse_mapping_init(adse_mapping *m, int n_levels, int n_dims, int n_ds);

#ifdef __cplusplus
}
#endif
#endif
