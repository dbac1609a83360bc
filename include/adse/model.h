/*
 * adse/model.h: Timeloop's analytical model (model.md §3-8).
 *
 * adse_model_create() binds an architecture and a problem once (copies both), checks what
 * can be checked without a mapping, and precomputes what every evaluation shares.
 * adse_model_evaluate() then takes a mapping and fills an adse_result: per storage level
 * and data space the per-instance counts exactly as Timeloop's stats.txt prints them,
 * cycles, energy, utilization, GFLOPs and area. The evaluation allocates nothing and does
 * no I/O: it works in a caller-owned adse_scratch.
 * Thread-safety: an adse_model is immutable after creation and may be shared by threads;
 * each thread needs its own adse_scratch and adse_result.
 * Ownership: create/new return owned objects; free functions accept NULL.
 *
 * Fidelity: counts (reads, fills, updates, partition sizes, cycles) are Timeloop's exactly,
 * including its extrapolation artefacts, multicast, link transfers and both translation
 * rules; energies agree to rounding. Declared SimpleMulticast networks are priced from the
 * ERT (docs/model.md, "Declared networks"). Not modelled, and refused with an error where they
 * would change a number: legacy network energy (hops, routers, ingresses), ReductionTree and
 * declared legacy networks, distributed multicast (network_type M:N); also sparse
 * features, imperfect factorization, skews. Link transfers still change counts.
 * Cost: the visit sequences of model.md §4.2 are solved on their binary-counter structure, so an
 * evaluation costs about O(levels * data spaces * (loops^2 + fanout)), independent of the
 * 2^k positions Timeloop walks.
 */
#ifndef ADSE_MODEL_H
#define ADSE_MODEL_H

#include "adse/export.h"

#include <stdbool.h>
#include <stdint.h>

#include "adse/arch.h"
#include "adse/error.h"
#include "adse/mapping.h"
#include "adse/workload.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which OperationSpace translation rule decides temporal reuse of sliding-window tiles
 * (model.md §4.4). NEW is current Timeloop master; LEGACY is Timeloop <= v3.0.3 and every
 * published reference output. */
typedef enum adse_translation {
    ADSE_TRANSLATION_NEW = 0,
    ADSE_TRANSLATION_LEGACY = 1
} adse_translation;

typedef struct adse_model_options {
    adse_translation translation; /* default NEW */
    bool disable_link_transfers;  /* TIMELOOP_DISABLE_LINK_TRANSFERS; default false */
} adse_model_options;

ADSE_API void adse_model_options_init(adse_model_options *o);

/* Why a mapping could not be evaluated (model.md §8). */
typedef enum adse_fail {
    ADSE_FAIL_NONE = 0,
    ADSE_FAIL_MAPPING,     /* malformed: factor product != bound, bad permutation, ... */
    ADSE_FAIL_BYPASS_ALL,  /* a data space is kept at no level */
    ADSE_FAIL_CAPACITY,    /* utilized capacity exceeds effective size */
    ADSE_FAIL_MIN_UTIL,    /* utilized capacity below min_utilization */
    ADSE_FAIL_INSTANCES,   /* more instances (or X/Y expansion) than the level has */
    ADSE_FAIL_FANOUT,      /* spatial factors exceed a level's fanout */
    ADSE_FAIL_SPATIAL_NONE /* spatial factors at a level with fanout 1 */
} adse_fail;

typedef struct adse_ds_stats {
    bool kept;                     /* level keeps this data space (printed only if kept) */
    uint64_t partition_size;       /* "Partition size" */
    uint64_t utilized_capacity;    /* "Utilized capacity" (words) */
    uint64_t utilized_instances;   /* "Utilized instances (max)" */
    uint64_t utilized_clusters;    /* "Utilized clusters (max)" */
    uint64_t reads;                /* "Scalar reads (per-instance)" */
    uint64_t fills;                /* "Scalar fills (per-instance)" */
    uint64_t updates;              /* "Scalar updates (per-instance)" */
    uint64_t temporal_reductions;  /* "Temporal reductions (per-instance)" */
    uint64_t address_generations;  /* "Address generations (per-cluster)" */
    double energy_per_access_pj;   /* "Energy (per-scalar-access)" */
    double energy_per_instance_pj; /* "Energy (per-instance)" */
    double energy_total_pj;        /* "Energy (total)" */
    double bw_scale;               /* "Bandwidth Consumption Scale" */
    double read_bw, write_bw;      /* per-instance words/cycle after throttling */
    uint64_t link_transfers;       /* words an instance receives from a neighbour instead of
                                      its parent (the peer fills included in fills) */
} adse_ds_stats;

typedef struct adse_level_stats {
    uint64_t cycles;                 /* "Cycles" of this level (after throttling) */
    double slowdown;                 /* "Bandwidth throttling" (1 = none) */
    double leak_energy_pj;           /* "Leakage energy (total)" */
    double energy_pj;                /* all data spaces' totals + leakage */
    uint64_t accesses;               /* sum over data spaces of RF * (reads+fills+updates) */
    uint64_t max_utilized_instances; /* max over kept data spaces */
    adse_ds_stats ds[ADSE_MAX_DATASPACES];
} adse_level_stats;

/* One data space's traffic through a declared network (Timeloop's network STATS). */
typedef struct adse_net_ds_stats {
    uint64_t fanout;               /* "Fanout": spatial fanout of the level it serves */
    uint64_t multicast;            /* "Multicast factor": largest multicast with transfers */
    double ingresses;              /* "Ingresses": transfers per instance of that level */
    double energy_per_instance_pj; /* "Energy (per-instance)" */
    uint64_t utilized_instances;   /* instances of that level: total = per-instance * this */
} adse_net_ds_stats;

typedef struct adse_net_stats {
    bool evaluated;   /* the network serves a connection (else all zero) */
    int level;        /* storage level whose tile it was evaluated on */
    double energy_pj; /* total over data spaces */
    adse_net_ds_stats ds[ADSE_MAX_DATASPACES];
} adse_net_stats;

/* On failure only fail, fail_level and reason are meaningful; the other fields are zero or
 * partial. Per level, only the first n_levels entries of levels[] are written. */
typedef struct adse_result {
    adse_fail fail;   /* ADSE_FAIL_NONE when the mapping is valid */
    int fail_level;   /* storage level of the failure, -1 for the MACs/none */
    char reason[256]; /* readable reason when fail != NONE */

    uint64_t computes;                 /* MACs = product of all loop bounds */
    uint64_t compute_cycles;           /* product of temporal bounds */
    uint64_t cycles;                   /* total cycles (max over levels + network latency) */
    uint64_t utilized_macs;            /* product of all spatial bounds */
    double mac_energy_pj;              /* computes * e_compute */
    double energy_pj;                  /* total energy (MACs + levels incl. leakage +
                                          declared networks) */
    double network_energy_pj;          /* declared networks' share of energy_pj */
    double utilization;                /* computes / mac instances / cycles (fraction) */
    uint64_t total_ops;                /* computes + reduction ops */
    uint64_t reduction_ops;            /* computes - |Outputs| */
    uint64_t memory_accesses_required; /* sum over d of tensor size at outermost keeper */
    double gflops;                     /* total_ops / cycles */
    double edp;                        /* cycles * energy_pj / 1e12 (J*cycle) */
    double area_um2;                   /* real total area (Timeloop prints 0.00: known bug) */
    adse_level_stats levels[ADSE_MAX_LEVELS];
    adse_net_stats networks[ADSE_MAX_NETWORKS]; /* per adse_arch.networks; the first
                                                   n_networks entries are written */
} adse_result;

typedef struct adse_model adse_model;
typedef struct adse_scratch adse_scratch;

/* Binds arch and problem (both copied). */
ADSE_API adse_status adse_model_create(const adse_arch *arch, const adse_problem *problem,
                                       const adse_model_options *opts, adse_model **out,
                                       adse_err *err);
ADSE_API void adse_model_free(adse_model *model);

ADSE_API const adse_arch *adse_model_arch(const adse_model *model);
ADSE_API const adse_problem *adse_model_problem(const adse_model *model);

/* Per-thread working memory for evaluations of one model. */
ADSE_API adse_scratch *adse_scratch_new(const adse_model *model);
ADSE_API void adse_scratch_free(adse_scratch *scratch);

/* Evaluates one mapping. Returns ADSE_OK when the mapping is valid; ADSE_E_INVALID or
 * ADSE_E_MAPPING when it is not, with out->fail and out->reason set (err gets the same
 * message when non-NULL). No allocation, no I/O. */
ADSE_API adse_status adse_model_evaluate(const adse_model *model, const adse_mapping *mapping,
                                         adse_scratch *scratch, adse_result *out, adse_err *err);

#ifdef __cplusplus
}
#endif
#endif
