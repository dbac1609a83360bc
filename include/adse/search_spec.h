/*
 * adse/search_spec.h: the hardware-search spec (`adse search SPEC.yaml`) as plain data.
 *
 * A search spec names a baseline design (Timeloop architecture files, mapping constraints,
 * mapper settings), a workload (problem files with weights, or one network file: an ONNX
 * model or a network YAML, adse/network.h, loaded when the search is created), the parameters a
 * genetic algorithm varies (genes), hard resource budgets, the loss to minimise and the GA's
 * settings; docs/search.md describes the YAML. adse_search_spec_load() (src/input) checks
 * the YAML's structure and types and converts it into the structures below; what needs the
 * architecture (does a gene's component exist, can a budget be met) is checked when a
 * search is created (adse/search.h), with the same spec positions in the message.
 * Every item keeps the line and column it was declared at (1-based, 0 = unknown) so that
 * later errors can name the spec line; `path` is the spec file all positions refer to.
 * File names in the spec are resolved relative to the spec file's directory.
 * Invariants after a successful load: 1 <= n_genes <= ADSE_SEARCH_MAX_GENES, gene names
 * unique, every gene has 1..ADSE_SEARCH_MAX_VALUES distinct values in the order written (a
 * range ascending), mesh genes list meshX values whose meshY = total / meshX is integral;
 * 1 <= n_layers, or n_layers == 0 and a network file in `network`; GA settings satisfy 1 <= parents
 * <= population, 0 <= elite < population, 0 <= mutation <= 1. The loss expression is compiled to a
 * postfix program; with `objectives` (2 or 3, exclusive with `loss`) the algorithm is nsga2 or
 * random. Ownership: adse_search_spec_load* return an owned spec freed with
 * adse_search_spec_free (NULL ok). Thread-safety: a loaded spec is immutable plain data.
 */
#ifndef ADSE_SEARCH_SPEC_H
#define ADSE_SEARCH_SPEC_H

#include "adse/export.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "adse/arch.h"
#include "adse/constraints.h"
#include "adse/error.h"
#include "adse/limits.h"
#include "adse/spec.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ADSE_SEARCH_MAX_GENES 32     /* genes of one search */
#define ADSE_SEARCH_MAX_VALUES 256   /* values of one gene */
#define ADSE_SEARCH_MAX_LAYERS 64    /* problem files of a workload list (a network: no limit) */
#define ADSE_SEARCH_MAX_FILES 16     /* architecture / constraints files */
#define ADSE_SEARCH_MAX_REFS 8       /* reference designs */
#define ADSE_SEARCH_MAX_OBJECTIVES 3 /* objectives of a multi-objective search */
#define ADSE_SEARCH_EXPR_MAX 128     /* postfix instructions of a loss expression */
#define ADSE_SEARCH_PATH_MAX 1024    /* bytes of a file path, with the NUL */

/* What a gene sets. All but MESH set one attribute of one component. */
typedef enum adse_gene_attr {
    ADSE_GENE_DEPTH = 0,  /* depth / memory_depth (rows) */
    ADSE_GENE_WIDTH,      /* width / memory_width (bits per row) */
    ADSE_GENE_BLOCK_SIZE, /* block_size (words per row access) */
    ADSE_GENE_WORD_BITS,  /* word_bits / datawidth */
    ADSE_GENE_MESH_X,     /* meshX (meshY = instances / meshX) */
    ADSE_GENE_INSTANCES,  /* instances (meshY = instances / meshX) */
    ADSE_GENE_READ_BW,    /* read_bandwidth, words/cycle */
    ADSE_GENE_WRITE_BW,   /* write_bandwidth, words/cycle */
    ADSE_GENE_BANDWIDTH,  /* bandwidth: read and write bandwidth = value / 2 each */
    ADSE_GENE_MESH        /* the PE mesh: meshX x meshY = total (values are meshX), or
                             over several PE counts (adse_search_mesh_value) */
} adse_gene_attr;

typedef struct adse_search_gene {
    char name[ADSE_NAME_MAX]; /* unique; column of history.csv, key of the JSON */
    adse_gene_attr attr;
    char component[ADSE_NAME_MAX]; /* storage level or arithmetic component ("" for MESH) */
    uint64_t mesh_total;           /* MESH: meshX * meshY (the PE count); 0 with several PE counts
                                      (`pes:`), whose values then encode both sides (see
                                      adse_search_mesh_of) */
    int n_values;                  /* 1..ADSE_SEARCH_MAX_VALUES */
    double values[ADSE_SEARCH_MAX_VALUES]; /* the domain; MESH: meshX values */
    int line, column;                      /* the gene's entry */
    int component_line, component_column;  /* its `component` value (or the entry) */
    int values_line, values_column;        /* its `values` / `range` / `mesh` value */
} adse_search_gene;

/* The value of mesh gene g for the mesh x by y: x when the gene has one PE count
 * (mesh_total), else x + 2^32 y (exact in a double). */
ADSE_API double adse_search_mesh_value(const adse_search_gene *g, uint64_t x, uint64_t y);

/* The mesh of mesh gene g's value v into *x, *y; false (0 x 0) when v encodes none. */
ADSE_API bool adse_search_mesh_of(const adse_search_gene *g, double v, uint64_t *x, uint64_t *y);

/* The metrics of a design (adse/search.h), also the names a loss uses. */
typedef enum adse_search_metric {
    ADSE_SM_CYCLES = 0,  /* weighted sum over layers of cycles */
    ADSE_SM_ENERGY,      /* weighted sum of energies, pJ */
    ADSE_SM_GFLOPS,      /* weighted total ops / cycles (at 1 GHz) */
    ADSE_SM_UTILIZATION, /* weighted computes / (MACs * cycles), a fraction */
    ADSE_SM_EDP,         /* cycles * energy / 1e12, J*cycle */
    ADSE_SM_AREA,        /* total area, um^2 */
    ADSE_SM_ONCHIP_BITS, /* storage bits of every sized non-DRAM level, all instances */
    ADSE_SM_PES,         /* MAC instances */
    ADSE_SM_COUNT
} adse_search_metric;

/* Name of a metric as the loss and the budgets write it ("cycles", "energy", ...). */
ADSE_API const char *adse_search_metric_name(adse_search_metric m);

typedef enum adse_search_budget_id {
    ADSE_BUDGET_PES = 0,     /* MAC instances <= limit */
    ADSE_BUDGET_ONCHIP_BITS, /* on-chip storage bits <= limit */
    ADSE_BUDGET_AREA,        /* total area (estimator) um^2 <= limit */
    ADSE_BUDGET_COUNT
} adse_search_budget_id;

/* What a budget is called and measures: the one table of budgets (the spec's `budgets:`
 * keys, the search's messages and the reports all read it). */
typedef struct adse_search_budget_kind {
    const char *name;          /* the spec key and message name: "pes", "onchip_bits", "area_um2" */
    const char *alias;         /* another accepted spec key ("area"), or NULL */
    const char *label;         /* for reports: "PEs", "on-chip bits", "area (um^2)" */
    adse_search_metric metric; /* the metric the limit applies to */
} adse_search_budget_kind;

/* The kind of budget b (NULL when b is out of range). */
ADSE_API const adse_search_budget_kind *adse_search_budget_info(adse_search_budget_id b);

typedef struct adse_search_budget {
    bool set;         /* the spec states this budget */
    bool of_baseline; /* limit = scale * the baseline design's value */
    double scale;     /* for of_baseline (`baseline` = 1, `1.5 * baseline` = 1.5) */
    double limit;     /* otherwise, the limit */
    int line, column; /* the budget's value */
} adse_search_budget;

/* Postfix instruction of a loss expression. */
typedef enum adse_search_opcode {
    ADSE_OP_NUM = 0, /* push value */
    ADSE_OP_METRIC,  /* push metric `metric` of the design (of the baseline if baseline) */
    ADSE_OP_ADD,
    ADSE_OP_SUB,
    ADSE_OP_MUL,
    ADSE_OP_DIV,
    ADSE_OP_NEG,
    ADSE_OP_MIN,
    ADSE_OP_MAX,
    ADSE_OP_LOG,
    ADSE_OP_SQRT,
    ADSE_OP_ABS
} adse_search_opcode;

typedef struct adse_search_op {
    uint8_t code;   /* adse_search_opcode */
    uint8_t metric; /* ADSE_OP_METRIC: adse_search_metric */
    bool baseline;  /* ADSE_OP_METRIC: the baseline design's value */
    double value;   /* ADSE_OP_NUM */
} adse_search_op;

typedef struct adse_search_loss {
    bool is_expression;            /* else the weighted form */
    double weights[ADSE_SM_COUNT]; /* weighted form: loss = sum w_m * sign_m * metric_m with
                                      sign -1 for gflops and utilization, +1 otherwise */
    bool normalize;                /* weighted form: divide each metric by the baseline's */
    int n_ops;                     /* expression: postfix program */
    adse_search_op ops[ADSE_SEARCH_EXPR_MAX];
    char text[512];   /* the loss as written (expression) or rebuilt */
    int line, column; /* the `loss` value */
} adse_search_loss;

/* An objective of a multi-objective search (`objectives:`), minimized: a metric (cycles,
 * energy, edp, area, onchip_bits) or a named expression over the metrics (the loss
 * expressions' grammar). */
typedef struct adse_search_objective {
    char name[ADSE_NAME_MAX]; /* the metric's name, or the expression's `name` */
    int metric;               /* adse_search_metric of a plain metric; -1 for an expression */
    adse_search_loss expr;    /* the program (a plain metric is one push) */
    int line, column;         /* the list entry */
} adse_search_objective;

/* The search algorithm (`ga: algorithm`). */
typedef enum adse_search_algorithm {
    ADSE_ALGO_GA = 0, /* the seed poster's GA on the loss (default with `loss`) */
    ADSE_ALGO_NSGA2,  /* NSGA-II on the objectives (default with `objectives`) */
    ADSE_ALGO_RANDOM  /* every generation drawn uniformly under the budgets: the baseline */
} adse_search_algorithm;

/* "ga", "nsga2", "random". */
ADSE_API const char *adse_search_algorithm_name(adse_search_algorithm a);

typedef enum adse_crossover {
    ADSE_CROSSOVER_UNIFORM = 0, /* each gene from one of two parents, chosen with p = 1/2 */
    ADSE_CROSSOVER_NONE         /* a child is a copy of one parent (then mutated) */
} adse_crossover;

typedef struct adse_ga_settings {
    int population;  /* N, designs per generation */
    int generations; /* G, generations evaluated */
    int parents;     /* K, the best K designs of a generation breed the next */
    int elite;       /* best designs copied unchanged (seed: 1); N - elite children */
    double mutation; /* sigma: probability that a child's gene is redrawn */
    uint64_t seed;   /* RNG seed */
    adse_crossover crossover;
    bool include_baseline;           /* the first generation contains the baseline (when its values
                                        are in every gene's domain) */
    int max_resample;                /* draws per design before an over-budget one is kept */
    adse_search_algorithm algorithm; /* nsga2 and random ignore parents and elite */
} adse_ga_settings;

/* Fills the defaults: N 16, G 10, K 4, elite 1, sigma 0.2, seed 1, uniform crossover,
 * include_baseline true, max_resample 100. */
ADSE_API void adse_ga_settings_init(adse_ga_settings *ga);

typedef struct adse_search_layer {
    char name[ADSE_NAME_MAX];           /* the entry's name, default the file stem */
    char problem[ADSE_SEARCH_PATH_MAX]; /* problem file (resolved) */
    double weight;                      /* > 0, default 1 */
    int line, column;
} adse_search_layer;

/* A named design given by gene values (genes not listed keep the baseline's value);
 * evaluated with the baseline and reported beside it. */
typedef struct adse_search_ref {
    char name[ADSE_NAME_MAX];
    bool given[ADSE_SEARCH_MAX_GENES];    /* gene i has a value */
    double values[ADSE_SEARCH_MAX_GENES]; /* MESH: meshX */
    int line, column;
    int value_line[ADSE_SEARCH_MAX_GENES], value_column[ADSE_SEARCH_MAX_GENES];
} adse_search_ref;

typedef struct adse_search_spec {
    char path[ADSE_SEARCH_PATH_MAX]; /* the spec file (positions refer to it) */
    int n_arch_files;                /* architecture files, merged as `adse model` */
    char arch_files[ADSE_SEARCH_MAX_FILES][ADSE_SEARCH_PATH_MAX];
    int n_constraint_files; /* constraints files (may be 0) */
    char constraint_files[ADSE_SEARCH_MAX_FILES][ADSE_SEARCH_PATH_MAX];
    char mapper_file[ADSE_SEARCH_PATH_MAX]; /* file with a `mapper` key, "" if none */
    int design_line, design_column;         /* the `design` entry */
    bool has_time_limit;                    /* `mapper: time_limit` given */
    double time_limit_s;                    /* per layer mapping, seconds; 0 = none */
    int n_metrics;                          /* `mapper: metrics` override, 0 = keep */
    adse_metric metrics[ADSE_MAX_METRICS];
    int n_layers; /* problem files (0 when the workload is a network) */
    adse_search_layer layers[ADSE_SEARCH_MAX_LAYERS];
    char network[ADSE_SEARCH_PATH_MAX]; /* `workload: FILE` naming a network (resolved): its
                                           distinct layers, weight = count; "" otherwise */
    int network_line, network_column;   /* the `workload` value */
    int n_genes;
    adse_search_gene genes[ADSE_SEARCH_MAX_GENES];
    adse_search_budget budgets[ADSE_BUDGET_COUNT];
    adse_search_loss loss; /* unused when n_objectives > 0 */
    int n_objectives;      /* 0 (a loss), or 2..ADSE_SEARCH_MAX_OBJECTIVES */
    adse_search_objective objectives[ADSE_SEARCH_MAX_OBJECTIVES];
    int objectives_line, objectives_column; /* the `objectives` value */
    adse_ga_settings ga;
    int n_refs;
    adse_search_ref refs[ADSE_SEARCH_MAX_REFS];
    uint64_t text_hash; /* FNV-1a of the spec text (checkpoints) */
} adse_search_spec;

/* Loads a search spec from a file. On failure returns ADSE_E_IO, ADSE_E_SYNTAX or
 * ADSE_E_SPEC with err located at the offending node and leaves *out NULL. */
ADSE_API adse_status adse_search_spec_load(const char *path, adse_search_spec **out, adse_err *err);

/* The same from text; name is used in messages, file names resolve against base_dir
 * (NULL = "."). */
ADSE_API adse_status adse_search_spec_load_string(const char *text, const char *name,
                                                  const char *base_dir, adse_search_spec **out,
                                                  adse_err *err);

ADSE_API void adse_search_spec_free(adse_search_spec *spec);

/* Writes spec's `architecture` (the tree as loaded, comments dropped) as Timeloop YAML
 * with the geometry of design: for every storage level and the arithmetic level whose
 * depth, width, block size, word bits, instances, meshX or bandwidths differ from
 * spec->arch, the component's attributes are rewritten (every alias the YAML used, or
 * added; a depth given to a level sized by entries or sizeKB is written and that key left
 * out), and a changed instance count rewrites the `[0..n-1]` range of its name.
 * design must have spec->arch's levels (same names, same order). Loading the output gives
 * design's geometry back. Returns ADSE_E_USAGE on a mismatch or an instance count the
 * names cannot express, ADSE_E_IO when the stream fails. */
ADSE_API adse_status adse_spec_write_arch_yaml(FILE *f, const adse_spec *spec,
                                               const adse_arch *design, adse_err *err);

/* Whether an expression of spec's v0.4 architecture reads the attribute of node `node` that
 * a gene of attribute attr sets (depth, width, block_size, word_bits, read_bandwidth,
 * write_bandwidth, under any name the loader reads for it: `datawidth` for word_bits), by
 * its bare name inside the node (the tutorial's `width: datawidth * 3`) or as
 * NODE.attributes.KEY anywhere: then a design that changes it must be translated again
 * (docs/search.md section 3). *key (may be NULL) gets the name read (borrowed from spec),
 * *at (may be NULL) the first expression reading it. Any other attribute, or a spec
 * without a v0.4 architecture: false. When the expressions read more attributes than adse
 * keeps track of (64 distinct ones), true with *key NULL for any attribute not among them. */
ADSE_API bool adse_spec_v04_attribute_read(const adse_spec *spec, const char *node,
                                           adse_gene_attr attr, const char **key, adse_srcpos *at);

#ifdef __cplusplus
}
#endif
#endif
