/*
 * adse/constraints.h: mapspace constraints and mapper settings as plain data (model.md §8, §9).
 *
 * Timeloop restricts the mapspace with `architecture_constraints`, `mapspace_constraints`
 * (or `mapspace`) and `constraints` lists; each entry targets one storage level and one of
 * its tiling levels (temporal or spatial), or the level's keep/bypass choice. The loader
 * merges all lists into one adse_constraints (re-specifying the same factor or permutation
 * of a level twice is an error, as in Timeloop). The `mapper` section becomes
 * adse_mapper_settings. Both are plain data so a mapper can also be driven from code.
 * Thread-safety: plain data.
 */
#ifndef ADSE_CONSTRAINTS_H
#define ADSE_CONSTRAINTS_H

#include "adse/export.h"

#include <stdbool.h>
#include <stdint.h>

#include "adse/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Constraint on one tiling level (the temporal or the spatial loops of a storage level). */
typedef struct adse_tiling_constraint {
    uint64_t factor_eq[ADSE_MAX_DIMS];  /* X=n: factor fixed to n (0 = not fixed); X=0 in
                                           the YAML means "the whole remaining bound" and is
                                           stored as ADSE_FACTOR_REST */
    uint64_t factor_max[ADSE_MAX_DIMS]; /* X<=n (0 = none) */
    uint64_t factor_min[ADSE_MAX_DIMS]; /* X>=n (0 or 1 = none) */
    uint64_t default_max_factor;        /* applies to dims without their own bound; 0 = none */
    uint64_t default_min_factor;        /* 0 or 1 = none */
    bool has_permutation;               /* a permutation constraint was given */
    uint8_t n_prefix;                   /* innermost loops, fixed, in this order */
    uint8_t prefix[ADSE_MAX_DIMS];      /* dim ids, innermost first */
    uint8_t n_suffix;                   /* outermost loops, fixed, in this order */
    uint8_t suffix[ADSE_MAX_DIMS];      /* dim ids, innermost first among the suffix */
    int8_t split;                       /* spatial only: fixed split, -1 = free */
} adse_tiling_constraint;

#define ADSE_FACTOR_REST UINT64_MAX

typedef struct adse_constraints {
    uint8_t n_levels, n_dims, n_ds; /* match the arch / problem */
    adse_tiling_constraint temporal[ADSE_MAX_LEVELS];
    adse_tiling_constraint spatial[ADSE_MAX_LEVELS];
    uint32_t keep_fixed[ADSE_MAX_DATASPACES]; /* bit i: keep/bypass of d at level i is fixed */
    uint32_t keep_value[ADSE_MAX_DATASPACES]; /* bit i: 1 = keep, 0 = bypass (if fixed) */
    double min_parallelism;                   /* utilization/parallelism `min`, 0 = none */
} adse_constraints;

/* Metrics of Timeloop's `optimization_metrics` list (model.md §9.4). */
typedef enum adse_metric {
    ADSE_METRIC_EDP = 0,
    ADSE_METRIC_ENERGY,
    ADSE_METRIC_DELAY,
    ADSE_METRIC_LAST_LEVEL_ACCESSES,
    ADSE_METRIC_WEIGHTED /* adse: weight_energy * energy (pJ) + weight_delay * cycles
                            + weight_edp * EDP (J*cycle, as adse_result.edp) */
} adse_metric;

#define ADSE_MAX_METRICS 4

typedef struct adse_mapper_settings {
    uint8_t n_metrics;                              /* default 1: [edp] */
    adse_metric metrics[ADSE_MAX_METRICS];          /* compared lexicographically (adse/mapper.h:
                                                       the exact minimum, see docs/mapper.md for
                                                       Timeloop's 0.1% rule) */
    double weight_energy, weight_delay, weight_edp; /* for ADSE_METRIC_WEIGHTED; >= 0, not
                                                       all 0 */
    int threads;                                    /* num_threads; 0 = all cores */
    double time_limit_s;                            /* 0 = none */
    int max_temporal_loops; /* Timeloop's max_temporal_loops_in_a_mapping: at most this many
                               temporal loops with a factor above 1 in a mapping, over all
                               levels; 0 = no limit */
} adse_mapper_settings;

/* Leaves every constraint free (split -1, nothing fixed). */
ADSE_API void adse_constraints_init(adse_constraints *c, int n_levels, int n_dims, int n_ds);

/* Default settings: metrics [edp], all cores, no time limit. */
ADSE_API void adse_mapper_settings_init(adse_mapper_settings *s);

#ifdef __cplusplus
}
#endif
#endif
