/*
 * adse/workload.h: problem shapes and instances.
 *
 * A problem is a set of one-letter dimensions with bounds, and data spaces (tensors) whose
 * coordinates are affine projections of the dimensions: rank k of data space d is
 * sum_t coef_t * x[dim_t]. Coefficients given by name in the shape (Wstride, ...) are
 * resolved to integers at load time, instance overrides applied. Dimension and data-space
 * ids follow the order of the shape's lists; that order drives printing.
 * Thread-safety: a loaded adse_problem is immutable and may be read by any thread.
 */
#ifndef ADSE_WORKLOAD_H
#define ADSE_WORKLOAD_H

#include "adse/export.h"

#include <stdbool.h>
#include <stdint.h>

#include "adse/error.h"
#include "adse/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct adse_term {
    uint8_t dim;  /* dimension id */
    int64_t coef; /* resolved coefficient (1 when the term names no coefficient) */
} adse_term;

typedef struct adse_rank {
    uint8_t n_terms;                 /* number of terms, >= 1 */
    adse_term terms[ADSE_MAX_TERMS]; /* the terms, in the order written */
} adse_rank;

typedef struct adse_dataspace {
    char name[ADSE_NAME_MAX];        /* e.g. "Weights" */
    uint8_t n_ranks;                 /* number of ranks, >= 1 */
    adse_rank ranks[ADSE_MAX_RANKS]; /* projection, outermost rank first as written */
    bool read_write;                 /* true for the output (read-modify-write) tensor */
    uint32_t relevant_mask;          /* bit x set when dimension x appears in a term */
    /* 1 + id of the named coefficient term t of rank k takes its value from; 0 when the
     * coefficient is a literal (kept to write the shape back with its names) */
    uint8_t named[ADSE_MAX_RANKS][ADSE_MAX_TERMS];
} adse_dataspace;

typedef struct adse_problem {
    char shape_name[ADSE_NAME_MAX];                 /* shape name as given ("" if none) */
    uint8_t n_dims;                                 /* number of dimensions */
    char dim_names[ADSE_MAX_DIMS];                  /* one character per dimension */
    uint64_t bounds[ADSE_MAX_DIMS];                 /* instance bound of each dimension, >= 1 */
    uint8_t n_coefs;                                /* number of named coefficients */
    char coef_names[ADSE_MAX_COEFS][ADSE_NAME_MAX]; /* coefficient names */
    int64_t coef_values[ADSE_MAX_COEFS];            /* resolved values */
    uint8_t n_ds;                                   /* number of data spaces */
    adse_dataspace ds[ADSE_MAX_DATASPACES];         /* data spaces, in id order */
    bool sparse_ignored; /* the inputs asked for sparse modeling and the loader was told to
                            ignore it (adse_spec_options.ignore_sparse): every result is the
                            dense problem's, and the reports say so */
} adse_problem;

/* Checks that p is a problem the model can count in 64-bit integers: 1..ADSE_MAX_DIMS
 * dimensions with bounds >= 1, 1..ADSE_MAX_DATASPACES data spaces of 1..ADSE_MAX_RANKS
 * ranks of 1..ADSE_MAX_TERMS terms naming existing dimensions; the operations (product of
 * the bounds) and every data space's elements (product over ranks of
 * sum |coef| * (bound - 1) + 1) at most 2^63 - 1, which bounds every tile of a mapping as
 * well. ADSE_E_SPEC without a location otherwise (the loader adds the position). Called by
 * the problem loader and adse_model_create(). */
ADSE_API adse_status adse_problem_validate(const adse_problem *p, adse_err *err);

/* Names of the built-in shapes. */
#define ADSE_SHAPE_CNN_LAYER "cnn-layer"             /* Timeloop's problem-shapes/ */
#define ADSE_SHAPE_LAYER "CNN-Layer"                 /* timeloop-accelergy-exercises' */
#define ADSE_SHAPE_GROUPED_LAYER "Grouped-CNN-Layer" /* the latter with groups G */

/* Fills p with Timeloop's cnn-layer shape (problem-shapes/cnn-layer.yaml: dimensions R S P Q
 * C K N; coefficients Wstride, Hstride, Wdilation, Hdilation; data spaces Weights
 * [C][K][R][S], Inputs [N][C][R*Wdilation + P*Wstride][S*Hdilation + Q*Hstride], Outputs
 * [N][K][Q][P]), every bound and coefficient 1. */
ADSE_API void adse_problem_init_cnn_layer(adse_problem *p);

/* Fills p with the CNN-Layer shape of timeloop-accelergy-exercises (the seed design's
 * problems and constraints: the same projections with M for the output channels,
 * dimensions C M R S N P Q), or when grouped the same with an eighth dimension G of
 * independent groups (grouped and depthwise convolutions, batched matrix products):
 * Weights [G][C][M][R][S], Inputs [N][G][C][...][...], Outputs [N][G][M][Q][P], C and M
 * then counting channels per group. Every bound and coefficient is 1: set bounds[] and
 * coef_values[], then call adse_problem_resolve_coefs(). */
ADSE_API void adse_problem_init_layer(adse_problem *p, bool grouped);

/* Copies each named coefficient's value into the terms that name it. */
ADSE_API void adse_problem_resolve_coefs(adse_problem *p);

/* Id of the coefficient named name, or -1. */
ADSE_API int adse_problem_coef_id(const adse_problem *p, const char *name);

/* True when a and b have the same shape (dimensions, coefficients, data spaces and their
 * projections) and the same bounds. */
ADSE_API bool adse_problem_equal(const adse_problem *a, const adse_problem *b);

/* Size of data space d's box when dimension x spans extent[x] points (model.md §1.2):
 * prod over ranks of (sum_t coef_t * (extent[dim_t] - 1) + 1). */
ADSE_API uint64_t adse_problem_tile_size(const adse_problem *p, int d, const uint64_t *extent);

/* Number of MACs: product of all bounds. */
ADSE_API uint64_t adse_problem_macs(const adse_problem *p);

/* Dimension id of a name character, or -1. */
ADSE_API int adse_problem_dim_id(const adse_problem *p, char name);

/* Data-space id of a name, or -1. */
ADSE_API int adse_problem_ds_id(const adse_problem *p, const char *name);

#ifdef __cplusplus
}
#endif
#endif
