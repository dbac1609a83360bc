/*
 * search/search_internal.h: the state of a hardware search (internal).
 *
 * design.c turns gene values into architectures (targets resolved once at creation, derived
 * attributes recomputed, meshes rewritten, re-priced) and checks the spec against the
 * baseline; search.c runs the GA (records, evaluation of a design, generations), cache.c
 * indexes the records by gene values, pool.c evaluates a batch of records on worker
 * threads, jobs.c hands a batch to another transport (adse_search_options.dispatch) as
 * request and reply bytes; checkpoint.c saves and restores the state. All random draws go through
 * one xoshiro256** generator owned by the search and used only on the calling thread.
 */
#ifndef ADSE_SEARCH_INTERNAL_H
#define ADSE_SEARCH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "adse/search.h"
#include "adse/util.h"

/* ---- random numbers ------------------------------------------------------------------ */

typedef struct adse__rng {
    uint64_t s[4];
} adse__rng;

void adse__rng_seed(adse__rng *r, uint64_t seed);
uint64_t adse__rng_next(adse__rng *r);
/* Uniform integer in [0, n), n >= 1 (unbiased). */
uint64_t adse__rng_below(adse__rng *r, uint64_t n);
/* Uniform double in [0, 1). */
double adse__rng_unit(adse__rng *r);

/* ---- genes -> architectures (design.c) ------------------------------------------------ */

/* How the mesh gene rewrites a component (decided from the baseline). */
typedef enum adse__mesh_role {
    ADSE__MESH_NONE = 0, /* not part of the mesh */
    ADSE__MESH_PE,       /* instances == total: meshX = x, meshY = total / x */
    ADSE__MESH_COLUMN,   /* one per column (mesh X0 x 1): instances = meshX = x */
    ADSE__MESH_ROW       /* one per row (mesh 1 x Y0): instances = meshY = total / x */
} adse__mesh_role;

/* Where each gene applies: level index, or ADSE__ARITH for the arithmetic component. */
#define ADSE__ARITH (-1)
#define ADSE__NO_TARGET (-2)

typedef struct adse__designer {
    const adse_search_spec *spec; /* borrowed (the search's copy) */
    const adse_arch *base;        /* the baseline architecture */
    adse_energy_options energy;   /* estimator options the baseline was priced with */
    int target[ADSE_SEARCH_MAX_GENES];
    int mesh_gene; /* index of the mesh gene, -1 if none */
    adse__mesh_role level_role[ADSE_MAX_LEVELS];
    adse__mesh_role arith_role;
    uint32_t mesh_x0, mesh_y0; /* the baseline's PE mesh (with a mesh gene) */
    /* A v0.4 design with a mesh, meshX or instances gene, or a gene of an attribute that an
     * expression reads (docs/search.md section 3): each design is derived from the
     * baseline's v0.4 nodes with those genes as node sets (adse_spec_derive, the --set
     * path), so that maximize_dims, expressions and prices follow them; the other genes then
     * apply to that architecture. */
    bool derive;
    const adse_spec *source;                   /* the baseline's spec (layer 0), borrowed */
    adse_spec_fanout fanouts[ADSE_MAX_LEVELS]; /* its nodes with a fanout, top down */
    int n_fanouts;
    int node[ADSE_SEARCH_MAX_GENES]; /* a meshX or instances gene's node in fanouts, or -1 */
    /* a gene whose attribute an expression of the nodes reads: set as a node set of that key
     * (borrowed from source), translated with the fanouts */
    const char *set_key[ADSE_SEARCH_MAX_GENES];
} adse__designer;

/* Resolves targets and mesh roles of the baseline source (its arch and estimator options);
 * errors name the spec line. */
adse_status adse__designer_init(adse__designer *d, const adse_search_spec *spec,
                                const adse_spec *source, adse_err *err);

/* The architecture of gene values genes. ADSE_E_INVALID with a reason in err when the
 * geometry is impossible, the estimator cannot price it, or (derived designs) the v0.4
 * translation refuses the genes' nodes (the reason names the node sets, file and line). */
adse_status adse__design_arch(const adse__designer *d, const double *genes, adse_arch *out,
                              adse_err *err);

/* With d->derive: layer's spec (a layer of the search, loaded from the design files)
 * derived for gene values genes into *out (owned; NULL without d->derive); errors as
 * adse__design_arch's. Its architecture may lack a dummy level of the baseline's (a fanout
 * of 1 places none) or have one more: design.c finds the baseline's levels by name. */
adse_status adse__design_derive(const adse__designer *d, const adse_spec *layer,
                                const double *genes, adse_spec **out, adse_err *err);

/* Area, on-chip bits and PEs of an architecture, into metrics[]. */
void adse__arch_budget_metrics(const adse_arch *a, double *metrics);

/* The baseline's gene values (mesh: its meshX); false in *all_in_domain when some value is
 * not in its gene's domain. */
void adse__baseline_genes(const adse__designer *d, double *genes, bool *all_in_domain);

/* Checks that every value of every gene is accepted by some architecture, and that each
 * budget (limits resolved in limit[]) is met by some design; errors name the spec line. */
adse_status adse__designer_check(const adse__designer *d, const double *limit, adse_err *err);

/* ---- the search ---------------------------------------------------------------------- */

#define ADSE__MAX_SEED_RECS 3

/* The items of the split layers a process serves (jobs.c). */
typedef struct adse__split_cache adse__split_cache;

typedef struct adse__record {
    adse_search_design d;
    bool in_history;
    adse_mapping *mappings;                   /* per layer when kept (NULL after a checkpoint
                                                 load) */
    adse_network_layer_result *layer_results; /* per layer, with mappings */
    int seed_recs[ADSE__MAX_SEED_RECS];       /* records whose mappings warm-start this one's
                                                 (its parents, the baseline) */
    int n_seed_recs;
} adse__record;

struct adse_search {
    adse_search_spec spec; /* own copy */
    adse_search_options opts;
    uint64_t seed;
    int threads;
    int n_layers;
    adse_network *net;              /* the workload when it is a network (owned), else NULL */
    adse_spec **layers;             /* loaded inputs per layer */
    adse_mapper_settings *settings; /* per layer, overrides applied */
    adse__designer designer;
    double limit[ADSE_BUDGET_COUNT]; /* resolved budgets, +inf when unset */
    bool baseline_in_domain;
    double baseline_genes[ADSE_SEARCH_MAX_GENES];

    /* records and cache */
    adse__record *records;
    int n_records, cap_records;
    int32_t *table;     /* open addressing: record index + 1, 0 = empty */
    uint32_t table_cap; /* power of two */
    int *history;       /* record indices */
    int n_history, cap_history;
    int baseline_rec; /* -1 before evaluation */
    int ref_rec[ADSE_SEARCH_MAX_REFS];
    bool prepared; /* baseline and references evaluated */

    /* generations */
    adse__rng rng;
    int gen;          /* next generation to evaluate */
    double *pop;      /* population x n_genes gene values of generation gen */
    int *pop_parents; /* population x 2: the records of each member's parents (a GA child),
                         -1 for none; warm starts only, never saved */
    int *archive;     /* nsga2: record indices of the survivors (the parents), population */
    int n_archive;    /* entries of archive in use (0 before the first selection) */
    bool pop_ready;   /* pop holds generation gen */
    adse_search_generation *gens;
    int cap_gens;
    adse_search_counters counters;
    adse__split_cache *splits; /* items of split layers being served (jobs.c) */
    double session_start;      /* monotonic seconds at creation / load */
    double seconds_before;     /* seconds of earlier sessions */
};

/* Value of a loss program (the loss, or an objective) for metrics m and the baseline's
 * metrics base; an undefined value (NaN) is +inf (search.c). */
double adse__program_value(const adse_search_loss *l, const double *m, const double *base);

/* Fills d's loss and objectives from its metrics (status OK) and the baseline's. */
void adse__score(const adse_search *s, adse_search_design *d, const double *base);

/* One candidate's gene values from the search's random stream (ctx: the caller's). */
typedef void (*adse__draw_fn)(adse_search *s, double *out, const void *ctx);

/* Draws with draw until the design passes the budgets and the geometry (at most
 * max_resample draws; the rejected ones are counted). For nsga2 and random, a design
 * already evaluated or among pending[0 .. n_pending - 1] (gene vectors ADSE_SEARCH_MAX_GENES
 * apart) is rejected too (search.c). */
adse_status adse__draw_screened(adse_search *s, double *out, adse__draw_fn draw, const void *ctx,
                                const double *pending, int n_pending, adse_err *err);

/* A child of parents pa and pb: uniform crossover (or a copy of pa), then each gene redrawn
 * with probability sigma from the other values of its domain (search.c). */
void adse__breed(adse_search *s, const double *pa, const double *pb, double *out);

/* NSGA-II's next generation (nsga2.c): the survivors of the archive and the evaluated
 * generation's records recs[0 .. n - 1] become the archive, and n children bred from it by
 * binary tournaments are written to next (n x ADSE_SEARCH_MAX_GENES). */
adse_status adse__nsga2_next(adse_search *s, const int *recs, int n, double *next, adse_err *err);

/* Finds a record by gene values; -1 if none (cache.c). */
int adse__cache_find(const adse_search *s, const double *genes);
/* Adds a record (copied) and indexes it; returns its index or -1 when out of memory. */
int adse__cache_add(adse_search *s, const adse_search_design *d);

/* Maps every layer of design d (its genes set, the rest as a new record holds it) into d
 * and, when d ends OK, maps[0..n_layers) and lres[0..n_layers) (search.c). Layer l is
 * warm-started (adse_mapper_run_seeded) from seed_sets[k][l] for k < n_sets (the per-layer
 * mappings of neighbouring designs) and from d's own mapping of an identical earlier layer;
 * seeds only prune, so the result is what a cold start gives. Reads s only: designs may be
 * evaluated in parallel, in this process or another (adse_search_serve). A mapper error is
 * returned (the design is also marked no_mapping) so that the caller can decide whether it
 * is fatal. */
adse_status adse__evaluate_design(const adse_search *s, adse_search_design *d, adse_mapping *maps,
                                  adse_network_layer_result *lres,
                                  const adse_mapping *const *seed_sets, int n_sets,
                                  int mapper_threads, adse_err *err);

/* d's architecture (its genes) into arch and its budget metrics into d; false when the
 * genes give no architecture (d invalid, the reason set). */
bool adse__design_begin(const adse_search *s, adse_search_design *d, adse_arch *arch);

/* Maps layers from, from + 1, ... of design d (genes set, budget metrics set) on arch, its
 * architecture, into maps[l], lres[l] and computes[l] (the layer's MACs), in order, until
 * the last layer, the first failure (d's status and reason set as adse__evaluate_design
 * sets them; a mapper error returned) or, with split, a layer adse__split_layer picks
 * (left unmapped for its items to be run elsewhere, jobs.c). *end is the layer it stopped
 * at (n_layers after the last). Seeds as adse__evaluate_design's (an identical earlier
 * layer's mapping only from layers from .. l - 1). Reads s only. */
adse_status adse__map_layers(const adse_search *s, const adse_arch *arch, adse_search_design *d,
                             int from, bool split, adse_mapping *maps,
                             adse_network_layer_result *lres, uint64_t *computes,
                             const adse_mapping *const *seed_sets, int n_sets, int mapper_threads,
                             int *end, adse_err *err);

/* Is layer l (its model on a design) one whose mapper work items a transport hands out
 * (adse_mapper_split_pays: no time limit and more than 1e12 mappings)? Never with the
 * tests' mapping hooks. */
bool adse__split_layer(const adse_search *s, const adse_model *model,
                       const adse_constraints *constraints, int l);

/* Layer l's inputs for the design of gene values genes: s->layers[l], or that layer's spec
 * derived for the genes (adse__design_derive: *owned, to free after use, NULL otherwise).
 * *out is set whatever the status; errors as adse__design_derive's. */
adse_status adse__layer_inputs(const adse_search *s, const double *genes, int l,
                               const adse_spec **out, adse_spec **owned, adse_err *err);

/* Marks d no_mapping because layer l failed: the mapper's error st (e) or, with ADSE_OK,
 * no valid mapping (the reasons of adse__evaluate_design). */
void adse__layer_failed(const adse_search *s, adse_search_design *d, int l, adse_status st,
                        const adse_err *e);

/* The error that stops the search when evaluating design d ran out of memory (its status
 * would depend on the machine, not on the design; docs/cluster.md section 4): it names the
 * design's genes, d's reason (where it ran out) and what to do; ADSE_E_NOMEM. */
adse_status adse__out_of_memory(const adse_search *s, const adse_search_design *d, adse_err *err);

/* Tests only (NULL otherwise): asked by adse_search_serve before it runs a range of a split
 * layer's items; a status other than ADSE_OK (err set) is that range's failure, as if its
 * search had failed on the worker (a mapper error, out of memory). */
extern adse_status (*adse__range_fault)(const double *genes, int layer, uint32_t first,
                                        adse_err *err);

/* Tests only (0 otherwise): when N > 0, the Nth of the counted allocations from now fails,
 * as if out of memory where the jobs are handed out (rank 0 under MPI); it counts down to 0
 * then. Counted: the growth of a request's buffer in adse_search_batch_request, and in
 * adse_search_batch_accept the arrays that take in a design's reply and the part of a range's
 * (not the allocations of what the reply goes on to start: its pieces, units and split
 * layers). One thread only, as those calls are. */
extern int adse__batch_alloc_fault;

/* d's metrics from every layer's figures and MACs, in layer order; d becomes OK. */
void adse__design_totals(const adse_search *s, adse_search_design *d,
                         const adse_network_layer_result *lres, const uint64_t *computes);

/* The mapper work items of layer l of the design of gene values genes, shared by the
 * threads that serve its item ranges (jobs.c: a small cache, entries counted by use). */
typedef struct adse__split {
    double genes[ADSE_SEARCH_MAX_GENES];
    int layer;
    adse_arch arch;
    adse_spec *derived; /* the layer's inputs derived for the genes (owned), or NULL */
    adse_model *model;
    adse_mapper_items *items;
    int refs;
    uint64_t used; /* for eviction: the cache's clock at the last use */
} adse__split;

adse__split_cache *adse__split_cache_new(void);
void adse__split_cache_free(adse__split_cache *c);

/* The per-layer mappings that warm-start record rec (its seed records that ended OK, none
 * under cold_start) into sets[0..ADSE__MAX_SEED_RECS); returns their number. */
int adse__seed_sets(const adse_search *s, int rec, const adse_mapping **sets);

/* Record r keeps the per-layer mappings and figures of its design (OK), taking them from
 * *maps and *lres (set to NULL); the ones it held are freed. */
void adse__record_keep(adse__record *r, adse_mapping **maps, adse_network_layer_result **lres);

/* adse__evaluate_design on record rec, keeping its mappings. Writes only that record, so
 * records may be evaluated in parallel. */
adse_status adse__evaluate(adse_search *s, int rec, int mapper_threads, adse_err *err);

/* Evaluates records jobs[0..n-1]: through s->opts.dispatch when set (jobs.c), else with
 * adse__evaluate on up to s->threads workers (pool.c), reporting progress through
 * s->opts.progress from the calling thread. Statuses per job in status[] (errors in
 * errs[]); returns only resource and transport failures. */
adse_status adse__run_jobs(adse_search *s, const int *jobs, int n, adse_status *status,
                           adse_err *errs, adse_err *err);
/* The threads transport (pool.c). */
adse_status adse__run_jobs_threads(adse_search *s, const int *jobs, int n, adse_status *status,
                                   adse_err *errs, adse_err *err);

/* Calls s->opts.progress (when set) with done of total jobs of the current generation
 * evaluated (search.c). */
void adse__report_progress(adse_search *s, int done, int total);

#endif
