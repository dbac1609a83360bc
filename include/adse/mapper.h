/*
 * adse/mapper.h: the mapper, optimal within Timeloop's mapspace (spec 9).
 *
 * The mapspace is Timeloop's uber mapspace (spec 9.1): per-dimension factorizations over
 * all temporal and spatial tiling levels, loop permutations per level, X/Y splits and
 * keep/bypass choices, restricted by an adse_constraints. adse_mapper_run() searches it
 * for the best mapping under the settings' metrics, pruning only what cannot hold the
 * optimum, and says whether optimality was proven (it is not when the time limit cuts the
 * search; the best found is then returned with the bound reached).
 * Determinism: the result is identical for any thread count.
 * Thread-safety: adse_mapper_run uses its own threads; the model is only read.
 */
#ifndef ADSE_MAPPER_H
#define ADSE_MAPPER_H

#include <stdbool.h>
#include <stdint.h>

#include "adse/constraints.h"
#include "adse/error.h"
#include "adse/mapping.h"
#include "adse/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct adse_mapper_stats {
    double mapspace_size;      /* size of the constrained mapspace (may exceed 2^64) */
    uint64_t evaluated;        /* complete mappings evaluated with the model */
    uint64_t valid;            /* of those, valid mappings */
    double pruned;             /* mappings excluded without evaluation */
    double seconds;            /* wall-clock time of the search */
    bool optimal;              /* the whole (pruned) space was covered: optimum proven */
    double lower_bound;        /* when not optimal: proven lower bound of the first metric */
    int threads;               /* threads used */
} adse_mapper_stats;

typedef struct adse_mapper_result {
    bool found;                /* a valid mapping exists (else best/result undefined) */
    adse_mapping best;         /* the best mapping */
    adse_result result;        /* its evaluation */
    adse_mapper_stats stats;
} adse_mapper_result;

/* Searches the mapspace of model under constraints (NULL = unconstrained) and settings
 * (NULL = defaults). Returns ADSE_OK also when no valid mapping exists (out->found false);
 * errors are for contradictory constraints (e.g. fixed factors whose product is not the
 * bound), reported with the level and dimension. */
adse_status adse_mapper_run(const adse_model *model, const adse_constraints *constraints,
                            const adse_mapper_settings *settings, adse_mapper_result *out,
                            adse_err *err);

#ifdef __cplusplus
}
#endif
#endif
