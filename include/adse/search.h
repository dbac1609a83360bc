/*
 * adse/search.h: hardware search -- a genetic algorithm over accelerator parameters.
 *
 * An adse_search runs the seed poster's Algorithm 1 on a search spec (search_spec.h), or with
 * `objectives` NSGA-II or random search (docs/search.md section 11): a
 * design is a vector of gene values (one per spec parameter; the mesh gene's value is
 * meshX); its architecture is the baseline's with the genes applied (derived attributes
 * recomputed, docs/search.md) and re-priced by the estimator (adse_energy_reprice); each
 * workload layer is mapped by the mapper under the spec's constraints (a new design warm-
 * started, adse_mapper_run_seeded, from its parents' and the baseline's mappings of the same
 * layer: only time changes, never a result),
 * and the layers' results are aggregated into metrics (adse_search_metric) and a loss.
 * Data structure: every design ever considered is a record in a table keyed by its gene
 * values (the cache: a design is never evaluated twice); the history is the list of
 * records in the order of their first appearance in a generation; a generation is an
 * array of gene vectors. Designs over a budget are redrawn (rejected) when they are bred,
 * up to max_resample times, and are never mapped; a design on which some layer has no valid
 * mapping is infeasible (loss +inf), never scored from part of its layers.
 * Determinism: all random draws happen on the calling thread from one generator seeded by
 * the spec's seed (xoshiro256**); designs are evaluated in parallel but stored by index and
 * reduced in a fixed order; ties in the loss are broken by the position in the generation.
 * The same spec and seed therefore give the same history for any thread count, provided
 * the mapper's own time limit does not cut its searches (the mapper is deterministic for
 * any thread count, but a time limit makes its answer depend on the machine's speed).
 * Threads: with T threads and J designs to evaluate in a generation, min(T, J) designs run
 * at once and each mapper run gets max(1, T / min(T, J)) threads. Another transport (MPI
 * in `adse search`, docs/cluster.md) may evaluate them instead (options.dispatch): each
 * design's evaluation travels as request and reply bytes, and the result is the same.
 * Ownership: adse_search_create copies what it needs from the spec (the spec may be freed
 * after it returns); results returned by pointer are borrowed from the search and valid
 * until the next call that runs generations or loads a checkpoint, or adse_search_free.
 * Thread-safety: one adse_search must be used by one thread at a time; it starts and joins
 * its worker threads inside adse_search_step/adse_search_run.
 */
#ifndef ADSE_SEARCH_H
#define ADSE_SEARCH_H

#include "adse/export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "adse/arch.h"
#include "adse/constraints.h"
#include "adse/error.h"
#include "adse/mapper.h"
#include "adse/mapping.h"
#include "adse/model.h"
#include "adse/search_spec.h"
#include "adse/spec.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum adse_design_status {
    ADSE_DESIGN_OK = 0,      /* every layer mapped: metrics and loss are valid */
    ADSE_DESIGN_OVER_BUDGET, /* a budget is exceeded: not mapped, loss +inf */
    ADSE_DESIGN_INVALID,     /* the genes give an impossible architecture, loss +inf */
    ADSE_DESIGN_NO_MAPPING   /* some layer has no valid mapping: loss +inf */
} adse_design_status;

/* "ok", "over_budget", "invalid", "no_mapping". */
ADSE_API const char *adse_design_status_name(adse_design_status s);

typedef struct adse_search_design {
    double genes[ADSE_SEARCH_MAX_GENES]; /* gene values in spec order (mesh: meshX) */
    adse_design_status status;
    char reason[192];              /* why the status is not OK ("" when OK) */
    double metrics[ADSE_SM_COUNT]; /* by adse_search_metric; area, on-chip bits and
                                      PEs always, the others when status is OK */
    double loss;                   /* +inf unless status is OK; with objectives, the first
                                      objective */
    double objectives[ADSE_SEARCH_MAX_OBJECTIVES]; /* with objectives and status OK: their
                                                      values (+inf when undefined) */
    int generation;                                /* generation it first appeared in; -1 for the
                                                      baseline and references before that */
    int index;                                     /* its position in that generation */
} adse_search_design;

typedef struct adse_search_generation {
    double best_loss; /* smallest loss of the generation (+inf if none feasible) */
    double mean_loss; /* mean over its feasible designs (NaN if none) */
    int n_feasible;   /* designs with a finite loss */
    int n_new;        /* designs evaluated for the first time */
    int n_cached;     /* designs found in the cache */
} adse_search_generation;

typedef struct adse_search_counters {
    uint64_t evaluations; /* designs mapped (baseline and references included) */
    uint64_t cache_hits;  /* designs of a generation found in the cache */
    uint64_t rejected;    /* draws rejected by a budget or an impossible geometry, redrawn */
    uint64_t over_budget; /* designs kept over a budget after max_resample draws */
    uint64_t invalid;     /* designs kept with an impossible geometry */
    uint64_t no_mapping;  /* designs on which some layer has no valid mapping */
    double seconds;       /* wall-clock time spent in the search, resumed runs included */
} adse_search_counters;

typedef struct adse_search_progress {
    int generation;       /* the generation being evaluated, 0-based */
    int generations;      /* G */
    int done, total;      /* designs of this generation evaluated so far / to evaluate */
    double best_loss;     /* best loss so far (+inf if none) */
    uint64_t evaluations; /* counters.evaluations so far */
    double seconds;       /* elapsed, resumed runs included */
} adse_search_progress;

/* The mapping step, replaceable for tests: map one layer's model as adse_mapper_run does. */
typedef adse_status (*adse_search_map_fn)(void *user, const adse_model *model,
                                          const adse_constraints *constraints,
                                          const adse_mapper_settings *settings,
                                          adse_mapper_result *out, adse_err *err);

typedef struct adse_search adse_search;
typedef struct adse_search_batch adse_search_batch;

/* A transport for design evaluations (docs/cluster.md): evaluates every job of batch b,
 * e.g. in other processes. For each job i it takes the request bytes
 * (adse_search_batch_request), has them served by adse_search_serve on a search created
 * from the same spec (in this process or another, on any thread), and hands the reply
 * bytes back with adse_search_batch_accept on the thread that called it, once per job,
 * in any order. Returns ADSE_OK when every job has its reply, else an error in err (the
 * search step then fails). Called on the thread that runs the search. */
typedef adse_status (*adse_search_dispatch_fn)(void *user, adse_search *s, adse_search_batch *b,
                                               adse_err *err);

/* The same with warm-start seeds (adse_mapper_run_seeded's arguments). */
typedef adse_status (*adse_search_seeded_map_fn)(void *user, const adse_model *model,
                                                 const adse_constraints *constraints,
                                                 const adse_mapper_settings *settings,
                                                 const adse_mapping *seeds, int n_seeds,
                                                 adse_mapper_result *out, adse_err *err);

typedef struct adse_search_options {
    int threads;   /* designs evaluated in parallel; 0 = online cores */
    bool has_seed; /* override the spec's seed */
    uint64_t seed;
    int stop_after; /* >= 0: adse_search_run stops after evaluating (and breeding
                       from) generation stop_after -- a kill, for tests; -1 = none */
    void (*progress)(const adse_search_progress *p, void *user); /* main thread; may be NULL */
    void *progress_user;
    adse_search_map_fn map; /* NULL = adse_mapper_run(_seeded); when set, no warm start */
    void *map_user;
    adse_search_seeded_map_fn map_seeded; /* when set (and map is NULL): the mapping step with
                                             the warm-start seeds, as adse_mapper_run_seeded
                                             takes them (for tests) */
    bool cold_start; /* map every layer without warm-start seeds (to measure them: the
                        results are the same either way) */
    adse_search_dispatch_fn dispatch; /* NULL = evaluate on the search's own threads */
    void *dispatch_user;
    int split_layers; /* with a dispatch, 0 = never, N > 0 = the transport's executors
                         (threads over all processes): a design handed out when at most N
                         designs of its batch are left to start (so that executors would
                         go idle) has each layer that adse_mapper_split_pays picks (no time
                         limit, more than 1e12 mappings) travel as jobs of ranges of its
                         mapper work items, and the rest of the design as another job, so
                         that an expensive layer spreads over every executor (docs/cluster.md
                         section 3); the batch then grows as replies are accepted. The
                         results are the same either way. */
    const char *const *template_vars; /* "NAME=VALUE" variables of the Jinja2 templates among
                                         the design and workload files (-D;
                                         docs/templates.md); borrowed for the search's life */
    int n_template_vars;
} adse_search_options;

ADSE_API void adse_search_options_init(adse_search_options *o);

/* Loads the spec's architecture, constraints, mapper settings and problems, checks the
 * genes, budgets and references against them (errors name the spec line: a gene naming a
 * missing component, a value no architecture accepts, a budget no design can meet) and
 * prepares the first generation's random state. Maps nothing yet. */
ADSE_API adse_status adse_search_create(const adse_search_spec *spec,
                                        const adse_search_options *opts, adse_search **out,
                                        adse_err *err);
ADSE_API void adse_search_free(adse_search *s);

/* Evaluates the baseline and references if not done, then the current generation, and
 * breeds the next one (unless it was the last). */
ADSE_API adse_status adse_search_step(adse_search *s, adse_err *err);

/* Steps until the last generation is evaluated, or until opts.stop_after. */
ADSE_API adse_status adse_search_run(adse_search *s, adse_err *err);

/* Generations evaluated so far; the search is finished when it equals spec generations. */
ADSE_API int adse_search_generations_done(const adse_search *s);
ADSE_API bool adse_search_finished(const adse_search *s);

/* The whole state (records, history, generation statistics, counters, next generation,
 * random state) as text; exact (doubles in hexadecimal). */
ADSE_API adse_status adse_search_checkpoint_save(const adse_search *s, FILE *f, adse_err *err);

/* Restores a state saved by adse_search_checkpoint_save into a search created from the same
 * spec (checked by a hash of its text) and seed; continuing then gives exactly what the
 * uninterrupted run gives. */
ADSE_API adse_status adse_search_checkpoint_load(adse_search *s, FILE *f, adse_err *err);

/* ---- evaluation jobs as bytes (for an adse_search_dispatch_fn) ------------------------ */

/* Jobs of the batch: one per design to evaluate and, with options.split_layers, the jobs
 * that accepted replies added (a design's split layer as ranges of its mapper work items,
 * the rest of its layers as another job): call it again after adse_search_batch_accept. */
ADSE_API int adse_search_batch_size(const adse_search_batch *b);

/* The request of job i: *bytes (borrowed from the batch until the dispatch returns) and
 * *len. It holds the spec's hash, the design's gene values and whatever else its
 * evaluation needs, so that a server needs no other state than its search. */
ADSE_API adse_status adse_search_batch_request(adse_search_batch *b, int i, const void **bytes,
                                               size_t *len, adse_err *err);

/* Mapper threads a server should give job i (the search's threads shared among the jobs,
 * as adse_search_threads evaluates them in one process); a transport may choose others:
 * the result does not depend on them. */
ADSE_API int adse_search_batch_threads(const adse_search_batch *b);
/* The job of the batch whose executor made what job i needs (a range of a split layer:
 * the design's job that stopped at the layer made its mapper work items and keeps them),
 * or -1: a transport that hands job i to that job's process saves it making them again
 * (docs/cluster.md section 3). Any process gives the same result. */
ADSE_API int adse_search_batch_affinity(const adse_search_batch *b, int i);
/* Is job i answered here already (a range of a split layer whose items, an earlier range
 * showed, the incumbent prunes all of)? A transport need not hand it out; if it does, its
 * request asks for nothing to be searched and its reply changes nothing. */
ADSE_API bool adse_search_batch_answered(const adse_search_batch *b, int i);

/* Stores the reply (from adse_search_serve) to job i as that design's evaluation and
 * reports progress. Only on the thread that called the dispatch; ADSE_E_INTERNAL for a
 * reply that is malformed, of another design, or to a job already answered. */
ADSE_API adse_status adse_search_batch_accept(adse_search_batch *b, int i, const void *reply,
                                              size_t len, adse_err *err);

/* Evaluates a request (adse_search_batch_request of a search created from the same spec,
 * in any process running the same adse build) on mapper_threads threads, and writes the
 * reply: *reply is malloc'd (free() it), *len its size. The design's own failures (no
 * mapping, a mapper error, out of memory while mapping) are in the reply; errors here are
 * only a malformed request or one from another spec (ADSE_E_USAGE) and ADSE_E_NOMEM.
 * Thread-safe: it only reads s, so several threads may serve requests on one search at
 * once (while no other call uses s). */
ADSE_API adse_status adse_search_serve(const adse_search *s, const void *request, size_t len,
                                       int mapper_threads, void **reply, size_t *reply_len,
                                       adse_err *err);

/* ---- results ------------------------------------------------------------------------ */

ADSE_API const adse_search_spec *adse_search_get_spec(const adse_search *s);
ADSE_API uint64_t adse_search_seed(const adse_search *s);
ADSE_API int adse_search_threads(const adse_search *s);

/* The baseline design (evaluated by the first step; NULL before). */
ADSE_API const adse_search_design *adse_search_baseline(const adse_search *s);
/* Reference design i (spec order; NULL before the first step). */
ADSE_API const adse_search_design *adse_search_reference(const adse_search *s, int i);
/* The best design of the history (smallest loss, earliest on ties); NULL if none feasible. */
ADSE_API const adse_search_design *adse_search_best(const adse_search *s);
/* History: designs in the order of their first appearance in a generation. */
ADSE_API int adse_search_history_count(const adse_search *s);
ADSE_API const adse_search_design *adse_search_history_at(const adse_search *s, int i);
/* Per evaluated generation. */
ADSE_API int adse_search_generation_count(const adse_search *s);
ADSE_API const adse_search_generation *adse_search_generation_at(const adse_search *s, int i);
ADSE_API adse_search_counters adse_search_get_counters(const adse_search *s);
/* The budget limit in force for b (baseline-relative limits resolved), or +inf if unset. */
ADSE_API double adse_search_budget_limit(const adse_search *s, adse_search_budget_id b);

/* The workload's layers: the problem files of the spec's list, or the distinct layers of
 * its network (adse_search_network). */
ADSE_API int adse_search_layer_count(const adse_search *s);
/* Layer i's name: the workload entry's, or the network layer's (NULL when out of range). */
ADSE_API const char *adse_search_layer_name(const adse_search *s, int i);
/* Layer i's weight: the workload entry's, or the network layer's count (0 out of range). */
ADSE_API double adse_search_layer_weight(const adse_search *s, int i);
/* The workload when the spec names a network file (a design's cycles, energy, EDP,
 * utilization and GFLOPs are then its adse_network_totals_compute totals), else NULL. */
ADSE_API const adse_network *adse_search_network(const adse_search *s);

/* ---- multi-objective results (a spec with `objectives`; docs/search.md section 11) ---- */

/* The spec's number of objectives (0 for a loss). */
ADSE_API int adse_search_objective_count(const adse_search *s);

/* The Pareto front of the history designs of generations 0..upto (upto < 0: all): the
 * feasible designs with finite objectives that no other such design dominates, of
 * identical objective vectors the first in history order. Writes their history indices
 * (adse_search_history_at), ascending, into out (room for adse_search_history_count
 * entries) and returns their count; -1 when out of memory or without objectives. */
ADSE_API int adse_search_pareto(const adse_search *s, int upto, int *out);

/* The objectives of d normalized by the baseline's (divided by |baseline value|, or by 1
 * when it is 0), into out (adse_search_objective_count values). */
ADSE_API void adse_search_normalized_objectives(const adse_search *s, const adse_search_design *d,
                                                double *out);

/* The hypervolume reference point: 1.1 x the worst (largest) normalized value of each
 * objective among the feasible history designs, into ref; false when there is none. */
ADSE_API bool adse_search_hv_reference(const adse_search *s, double *ref);

/* The exact hypervolume of the normalized front of generations 0..upto (upto < 0: all)
 * with the reference point of adse_search_hv_reference (of the whole run); 0 when no
 * design is feasible, NaN when out of memory or without objectives. */
ADSE_API double adse_search_hypervolume(const adse_search *s, int upto);

/* The same with a caller's reference point (e.g. one shared by several runs). */
ADSE_API double adse_search_hypervolume_at(const adse_search *s, int upto, const double *ref);

/* Layer i's loaded inputs (architecture = the baseline, problem, constraints, mapper). */
ADSE_API const adse_spec *adse_search_layer_spec(const adse_search *s, int i);
/* The per-layer figures of a feasible design d of this search (adse_search_layer_count
 * entries, in layer order), or NULL when they were not kept (a design restored from a
 * checkpoint before adse_search_design_detail re-mapped it). */
ADSE_API const adse_network_layer_result *adse_search_layer_results(const adse_search *s,
                                                                    const adse_search_design *d);

/* A design in full: its architecture and, per layer, the best mapping and its evaluation. */
typedef struct adse_search_detail {
    adse_arch arch;
    int n_layers;
    adse_mapping *mappings;   /* n_layers entries */
    adse_result *results;     /* n_layers entries */
    adse_mapper_stats *stats; /* n_layers entries */
    /* The design's inputs for the writers (adse_spec_write_arch_yaml(f, spec, &arch)):
     * the first layer's spec, or on a v0.4 design with mesh genes, which each design
     * derives from the v0.4 nodes (docs/search.md section 3), that spec derived for the
     * design (owned by the detail, in derived). */
    const adse_spec *spec;
    adse_spec *derived;
} adse_search_detail;

/* Builds the detail of a feasible design d (from the search's records; re-maps a layer
 * when its mapping was not kept, e.g. after a checkpoint was loaded). Returns an owned
 * detail freed with adse_search_detail_free (NULL ok). */
ADSE_API adse_status adse_search_design_detail(adse_search *s, const adse_search_design *d,
                                               adse_search_detail **out, adse_err *err);
ADSE_API void adse_search_detail_free(adse_search_detail *d);

/* The architecture of gene values genes (baseline with the genes applied, re-priced).
 * ADSE_E_INVALID with the reason in err when the geometry is impossible. */
ADSE_API adse_status adse_search_design_arch(const adse_search *s, const double *genes,
                                             adse_arch *out, adse_err *err);

/* Formats gene i's value v ("4x42" for the mesh, else the number) into buf. */
ADSE_API const char *adse_search_format_gene(const adse_search *s, int i, double v, char *buf,
                                             size_t size);

#ifdef __cplusplus
}
#endif
#endif
