/*
 * adse/mapper.h: the mapper, optimal within Timeloop's mapspace (model.md §9).
 *
 * The mapspace is Timeloop's uber mapspace (model.md §9.1): per-dimension factorizations over
 * all temporal and spatial tiling levels (a spatial tiling level exists where a level fans
 * out to more than one child), loop permutations per level, X/Y splits and keep/bypass
 * choices, restricted by an adse_constraints (docs/mapper.md gives the exact definition,
 * including how `X=0` and the permutation suffix extend Timeloop's syntax). A mapping is
 * valid when the model accepts it and, per spatial level, the X (Y) loops' product fits the
 * fanout X (Y) and the minimum parallelism holds.
 *
 * Optimum. The settings' metrics are compared lexicographically and exactly: the optimum
 * has the smallest first metric, among those the smallest second, and so on; among exact
 * ties it is the first in the mapper's enumeration order (docs/mapper.md). Timeloop's 0.1%
 * tolerance is not applied (it is not a total order); the optimum is therefore never worse
 * on the first metric than any mapping of the space, Timeloop's included, and not worse on
 * the second than any mapping that ties on the first, and so on.
 *
 * adse_mapper_run() searches the space by branch and bound, pruning only what cannot hold
 * the optimum, and says whether optimality was proven (it is not when the time limit cuts
 * the search; the best found is then returned with the bound reached and the gap). With a
 * time limit the exact search has half of it; if it has not finished, the best
 * found is improved in the rest by candidate dataplacements (keep/bypass choices of sibling
 * levels, as subspaces), a local search and the classic dataflows (each data space
 * stationary, as subspaces), docs/mapper.md section 6.1.
 * Determinism: without a time limit the result (mapping, metrics, optimal, lower bounds) is
 * identical for any thread count, and for any split of the work items among processes
 * (adse_mapper_items_* below); stats.evaluated, .valid, .pieces, .seconds and .threads may
 * differ (threads share the incumbent as soon as it is found, and an idle thread takes a
 * piece of a running item; docs/mapper.md section 6). Under a time limit what is found
 * before the limit depends on timing.
 * Thread-safety: adse_mapper_run uses its own threads and only reads the model, which other
 * threads may share meanwhile; concurrent calls on one model are fine.
 * Ownership: everything is borrowed; the result is written into the caller's struct.
 */
#ifndef ADSE_MAPPER_H
#define ADSE_MAPPER_H

#include "adse/export.h"

#include <stdbool.h>
#include <stdint.h>

#include "adse/constraints.h"
#include "adse/error.h"
#include "adse/mapping.h"
#include "adse/model.h"
#include "adse/network.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct adse_mapper_stats {
    double mapspace_size; /* Timeloop's count of the constrained mapspace: factorizations
                             x permutations x splits x keep/bypass choices (model.md §9.1;
                             may exceed 2^64) */
    uint64_t evaluated;   /* complete mappings evaluated with the model (distinct loop
                             nests: permutations differing only in unit loops count once) */
    uint64_t valid;       /* of those, valid mappings */
    double pruned;        /* mappings excluded without evaluation:
                             mapspace_size - evaluated */
    double seconds;       /* wall-clock time of the search */
    bool optimal;         /* the whole (pruned) space was covered: optimum proven */
    double lower_bound;   /* proven lower bound of the first metric over the whole
                             mapspace: the optimum's value when optimal, else the least
                             bound of the unfinished parts and the best found (+inf
                             when the space holds no valid mapping) */
    double best_value;    /* first metric of the best mapping found (+inf if none) */
    double gap;           /* relative gap (best_value - lower_bound) / best_value: 0 when
                             optimal, 1 when nothing was found */
    int threads;          /* threads used */
    uint32_t pieces;      /* work items split off running ones for idle threads (work
                             stealing, docs/mapper.md section 6; 0 with one thread) */
    int n_metrics;        /* the settings' metrics: entries of the next two arrays */
    /* Per metric k of the settings (k < n_metrics): best_values[k] is the best mapping's
     * value (+inf if none), lower_bounds[k] a proven lower bound of metric k over every
     * mapping of the space whose metrics 0..k-1 are at most the best's (lower_bounds[0] ==
     * lower_bound): with [delay, energy] and the best delay proven, lower_bounds[1] bounds
     * the energy among the mappings of that delay. Equal to best_values when optimal. */
    double best_values[ADSE_MAX_METRICS];
    double lower_bounds[ADSE_MAX_METRICS];
} adse_mapper_stats;

typedef struct adse_mapper_result {
    bool found;         /* a valid mapping was found (else best/result undefined) */
    adse_mapping best;  /* the best mapping: full permutations satisfying the
                           permutation constraints, unit-factor dims after the
                           non-unit ones of the free part */
    adse_result result; /* its evaluation by the model */
    adse_mapper_stats stats;
} adse_mapper_result;

/* Searches the mapspace of model under constraints (NULL = unconstrained) and settings
 * (NULL = defaults: [edp], all cores, no time limit). Returns ADSE_OK also when no valid
 * mapping exists (out->found false). Errors: ADSE_E_SPEC for contradictory constraints
 * (fixed factors that do not divide the bound or multiply to another value, a minimum above
 * a maximum, `X=0` at two levels of one dimension, a data space bypassed everywhere, a
 * spatial factor at a level without fanout, ...), naming the level and dimension;
 * ADSE_E_USAGE for bad settings (no metric, negative weights or all weights 0 with
 * ADSE_METRIC_WEIGHTED, negative threads or time limit) or constraints sized for another
 * model; ADSE_E_NOMEM. */
ADSE_API adse_status adse_mapper_run(const adse_model *model, const adse_constraints *constraints,
                                     const adse_mapper_settings *settings, adse_mapper_result *out,
                                     adse_err *err);

/* As adse_mapper_run, starting from known mappings (a warm start: e.g. the optimum of the
 * same layer on a neighbouring design, or of an identical layer). Each seed that lies in
 * this mapspace (its canonical levels' orders taken as the search's: docs/mapper.md 6.1)
 * and is valid on this model becomes the incumbent if it is the best of them;
 * the others are ignored. Seeds only prune (an exact tie is still resolved by the
 * enumeration order), so a completed search returns exactly what adse_mapper_run returns;
 * under a time limit the result is never worse than the best valid seed. n_seeds >= 0;
 * seeds may be NULL when n_seeds is 0. */
ADSE_API adse_status adse_mapper_run_seeded(const adse_model *model,
                                            const adse_constraints *constraints,
                                            const adse_mapper_settings *settings,
                                            const adse_mapping *seeds, int n_seeds,
                                            adse_mapper_result *out, adse_err *err);

/* A network layer's figures (adse/network.h) from a mapper result: found, proven optimal,
 * and the best mapping's cycles, energy, utilization and total ops. */
ADSE_API adse_network_layer_result adse_mapper_layer_result(const adse_mapper_result *r);

/* ---- Work items run by an external executor (docs/mapper.md section 6.2) ----------------
 * adse_mapper_run cuts the mapspace into work items and runs them on its threads. A caller
 * that runs them elsewhere (other processes: the MPI driver, docs/cluster.md) makes the
 * same items in every process with adse_mapper_items_create (the cut depends only on the
 * model, constraints and settings), runs ranges of them with adse_mapper_items_run, each
 * given the best mapping found so far as a pruning aid, merges the parts in any order with
 * adse_mapper_part_merge, and turns the merged part into the result with
 * adse_mapper_items_result: the same mapping, metrics, optimal and lower bounds as
 * adse_mapper_run without a time limit (items always run to their end here; no seeds).
 * Thread-safety: an items object is immutable after creation; several adse_mapper_items_run
 * calls may use it at once. Ownership: the caller frees it with adse_mapper_items_free. */
typedef struct adse_mapper_items adse_mapper_items;

/* What a range of items found: its best mapping (the least metric vector, then the least
 * position in the enumeration order), whether every item was searched, and counts. */
typedef struct adse_mapper_part {
    bool found;                     /* a valid mapping was found (best, value, pos) */
    double value[ADSE_MAX_METRICS]; /* its metrics, in the settings' order */
    uint64_t pos;                   /* its position (the tie rule) */
    adse_mapping best;
    bool done;          /* every item of the range searched (false only out of memory) */
    double lower_bound; /* least bound of the first metric over what was not searched */
    uint64_t evaluated; /* mappings evaluated, as stats.evaluated */
    uint64_t valid;     /* of those, valid */
    uint32_t pieces;    /* as stats.pieces */
    int threads;        /* the most threads one range used */
    bool rest_pruned;   /* adse_mapper_items_run: every item after the range (in the run
                           order) has a bound its incumbent (the one given or a better one
                           found) beats, so a later range given at least as good an
                           incumbent searches nothing and finds nothing; not merged */
} adse_mapper_part;

/* The items of the mapspace of model under constraints (NULL = none) and settings (NULL =
 * defaults); errors as adse_mapper_run's. */
ADSE_API adse_status adse_mapper_items_create(const adse_model *model,
                                              const adse_constraints *constraints,
                                              const adse_mapper_settings *settings,
                                              adse_mapper_items **out, adse_err *err);
/* An items object that only merges parts and makes the result (adse_mapper_part_merge,
 * adse_mapper_items_result, adse_mapper_items_count), for the process that hands the ranges
 * out while other processes make the items and run them: the mapspace alone (a fraction of a
 * millisecond, where adse_mapper_items_create takes tens of milliseconds on an open
 * mapspace), with n_items, the count adse_mapper_items_create gave there (1 to 16384).
 * adse_mapper_items_run refuses it. */
ADSE_API adse_status adse_mapper_items_merger(const adse_model *model,
                                              const adse_constraints *constraints,
                                              const adse_mapper_settings *settings,
                                              uint32_t n_items, adse_mapper_items **out,
                                              adse_err *err);
ADSE_API void adse_mapper_items_free(adse_mapper_items *items);
/* Number of items; they are run in the order 0 .. count-1 (best bound first). */
ADSE_API uint32_t adse_mapper_items_count(const adse_mapper_items *items);
/* The mapspace's size (as stats.mapspace_size). */
ADSE_API double adse_mapper_items_mapspace_size(const adse_mapper_items *items);
/* An empty part: nothing found, done, lower bound +inf. */
ADSE_API void adse_mapper_part_init(adse_mapper_part *part);
/* Searches items first .. first + count - 1 (of the run order) on `threads` threads (0 =
 * all cores). incumbent (NULL, or a part that found a mapping: the best so far, from
 * other ranges) prunes: out receives only a mapping that beats it (lesser vector, or equal
 * and earlier), else out->found is false. */
ADSE_API adse_status adse_mapper_items_run(const adse_mapper_items *items, uint32_t first,
                                           uint32_t count, int threads,
                                           const adse_mapper_part *incumbent, adse_mapper_part *out,
                                           adse_err *err);
/* acc := the merge of acc and part (best of both, counts added, done if both are). */
ADSE_API void adse_mapper_part_merge(const adse_mapper_items *items, adse_mapper_part *acc,
                                     const adse_mapper_part *part);
/* The result of the search whose items' parts were merged into `merged`. */
ADSE_API adse_status adse_mapper_items_result(const adse_mapper_items *items,
                                              const adse_mapper_part *merged,
                                              adse_mapper_result *out, adse_err *err);

/* Warm-start seeds (adse_mapper_run_seeded's) as a part to merge first and to give the
 * ranges as their incumbent: the best seed that lies in the space and is valid, in the
 * form the mapper returns, at a position after every item, so that it only prunes and is
 * the result only when no item's mapping is at least as good (as in adse_mapper_run_seeded:
 * the merged result is adse_mapper_run's). Nothing found when no seed qualifies. */
ADSE_API adse_status adse_mapper_seed_part(const adse_model *model,
                                           const adse_constraints *constraints,
                                           const adse_mapper_settings *settings,
                                           const adse_mapping *seeds, int n_seeds,
                                           adse_mapper_part *out, adse_err *err);

/* The split rule (one statement for every executor: `adse map` on a network and `adse
 * search` under MPI, docs/cluster.md section 3). A layer is worth splitting when its
 * settings have no time limit (items run to their end: a time-limited layer is mapped
 * whole, with its anytime steps, as one process maps it) and its mapspace holds more than
 * 1e12 mappings (open mapspaces: thousands of items, seconds to minutes). */
ADSE_API bool adse_mapper_split_pays(const adse_mapper_settings *settings, double mapspace_size);
/* The mapspace's size (as stats.mapspace_size) without making the items (a fraction of a
 * millisecond); errors as adse_mapper_run's. */
ADSE_API adse_status adse_mapper_mapspace_size(const adse_model *model,
                                               const adse_constraints *constraints,
                                               const adse_mapper_settings *settings, double *size,
                                               adse_err *err);
/* The size of range k (0, 1, ...) of the run order, which starts at item `first` of n
 * (the sum of the earlier ranges' sizes): 1, 1, 2, 2, 4, 4, ... up to 256 items, so that
 * the first, heaviest items spread over the executors and the thousands of cheap ones
 * travel in a few jobs; 0 when first >= n. */
ADSE_API uint32_t adse_mapper_items_range(uint32_t k, uint32_t first, uint32_t n);

#ifdef __cplusplus
}
#endif
#endif
