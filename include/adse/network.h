/*
 * adse/network.h: a network workload: the distinct compute layers of a model, each a
 * Timeloop problem with a multiplicity, and the operators that were not modeled.
 *
 * Layers keep the order of their first occurrence in the model. Two layers of the same op
 * whose problems are equal (adse_problem_equal) are one layer with count 2: the network's
 * MACs are sum over layers of count * adse_problem_macs(problem). Operators that are not
 * compute layers (activations, pooling, normalization, elementwise, shape arithmetic) are
 * never dropped silently: each op type is listed in `skipped` with the number of nodes.
 *
 * adse_network_load_onnx() reads an ONNX model (protobuf, as PyTorch's torch.onnx.export
 * writes it) with adse's own wire-format reader and shape propagation; docs/networks.md
 * states the mapping from ONNX operators to problems.
 * Ownership: a network is returned owned; free it with adse_network_free (NULL is fine).
 * Thread-safety: a loaded network is immutable and may be read by any thread.
 */
#ifndef ADSE_NETWORK_H
#define ADSE_NETWORK_H

#include "adse/export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adse/error.h"
#include "adse/workload.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ADSE_OP_NAME_MAX 32 /* operator type names ("Conv", "MatMul"), with the NUL */

typedef struct adse_network_layer {
    char name[ADSE_NAME_MAX];  /* name of its first node in the model (possibly shortened) */
    char op[ADSE_OP_NAME_MAX]; /* the operator: "Conv", "Gemm" or "MatMul" */
    adse_problem problem;      /* the layer as a Timeloop problem */
    uint64_t count;            /* how many nodes of the model have this op and problem */
} adse_network_layer;

typedef struct adse_network_skip {
    char op[ADSE_OP_NAME_MAX]; /* operator type ("domain:op" outside the default domain) */
    uint64_t count;            /* nodes of this type */
} adse_network_skip;

typedef struct adse_network {
    char name[ADSE_NAME_MAX];   /* the model file's base name without .onnx */
    int n_layers;               /* distinct layers */
    adse_network_layer *layers; /* owned */
    int n_skipped;              /* op types not modeled */
    adse_network_skip *skipped; /* owned, in order of first occurrence */
    int cap_layers, cap_skipped;
} adse_network;

typedef struct adse_onnx_options {
    bool ignore_value_info; /* infer every intermediate shape instead of reading value_info */
} adse_onnx_options;

ADSE_API void adse_onnx_options_init(adse_onnx_options *o);

/* Reads the ONNX model at path (at most ADSE_ONNX_MAX_BYTES). Errors name the file and the
 * node, e.g. "model.onnx: node '/conv1/Conv' (Conv): input 'x' has no known shape".
 * opts may be NULL (defaults). */
ADSE_API adse_status adse_network_load_onnx(const char *path, const adse_onnx_options *opts,
                                            adse_network **out, adse_err *err);

/* The same on a model held in memory; name is used in error messages. */
ADSE_API adse_status adse_network_load_onnx_buffer(const void *data, size_t size, const char *name,
                                                   const adse_onnx_options *opts,
                                                   adse_network **out, adse_err *err);

/* Reads a network file (docs/networks.md, "Network files": the network.yaml that
 * `adse import -o` writes, or one written by hand): a top-level `network` with `layers`,
 * each a name (unique), a count and a problem (a problem file, relative to the network
 * file's directory, or an inline problem). Layers are kept as listed, never merged.
 * Errors name file:line:column and the field (missing file, bad count, duplicate name,
 * unknown key, `macs` or `total_macs` that disagree with the problems). */
ADSE_API adse_status adse_network_load_yaml(const char *path, adse_network **out, adse_err *err);

/* The same on a text held in memory: name is used in messages and for the network's
 * default name, problem files are read relative to base_dir (NULL or "": the current
 * directory). */
ADSE_API adse_status adse_network_load_yaml_string(const char *text, const char *name,
                                                   const char *base_dir, adse_network **out,
                                                   adse_err *err);

/* Either kind of network file: an ONNX model when path ends in ".onnx" (opts may be NULL),
 * otherwise a network YAML file. */
ADSE_API adse_status adse_network_load(const char *path, const adse_onnx_options *opts,
                                       adse_network **out, adse_err *err);

/* path ends in ".onnx". */
ADSE_API bool adse_network_is_onnx_path(const char *path);

/* path is a network: an ONNX model by its name, or a YAML file with a top-level `network`
 * (false for a file that cannot be read or parsed). */
ADSE_API bool adse_network_is_network_file(const char *path);

/* An empty network named name (NULL when out of memory). */
ADSE_API adse_network *adse_network_new(const char *name);

/* Adds one occurrence of a layer: merged into an equal layer of the same op (count + 1) or
 * appended. ADSE_E_NOMEM or ADSE_E_SPEC (counts overflowing) on failure. */
ADSE_API adse_status adse_network_add_layer(adse_network *net, const char *name, const char *op,
                                            const adse_problem *problem, adse_err *err);

/* Appends a layer with its count (>= 1), never merged with an equal one (a network file's
 * layers as listed). ADSE_E_NOMEM or ADSE_E_USAGE (count 0). */
ADSE_API adse_status adse_network_append_layer(adse_network *net, const char *name, const char *op,
                                               const adse_problem *problem, uint64_t count,
                                               adse_err *err);

/* Counts one node of an op that is not modeled. */
ADSE_API adse_status adse_network_add_skipped(adse_network *net, const char *op, adse_err *err);

/* Total MACs: sum of count * MACs per layer; false when it does not fit in 64 bits. */
ADSE_API bool adse_network_total_macs(const adse_network *net, uint64_t *macs);

/* Total number of layer occurrences (sum of counts). */
ADSE_API uint64_t adse_network_layer_count(const adse_network *net);

/* ---- a network mapped layer by layer -------------------------------------------------- */

/* One distinct layer's figures on a design (one occurrence; adse_mapper_layer_result makes it
 * from a mapper result). */
typedef struct adse_network_layer_result {
    bool found;         /* a valid mapping was found (the figures below are valid) */
    bool optimal;       /* the whole mapspace was searched */
    uint64_t cycles;    /* of one occurrence */
    double energy_pj;   /* of one occurrence */
    double utilization; /* fraction of the MACs busy, of one occurrence */
    uint64_t total_ops; /* computes + reduction ops, of one occurrence */
} adse_network_layer_result;

/* The network's totals: the one home of the count-weighted sums (`adse map` on a network and
 * `adse search` on a network workload both report these). */
typedef struct adse_network_totals {
    uint64_t cycles;    /* sum over layers of count x cycles */
    double energy_pj;   /* sum over layers of count x energy, in layer order */
    double edp;         /* cycles x energy_pj / 1e12 (J x cycle), of the totals */
    uint64_t macs;      /* sum over layers of count x MACs */
    uint64_t total_ops; /* sum over layers of count x total_ops */
    double utilization; /* cycle-weighted mean utilization (total MACs over the MAC
                           instances x total cycles) */
    bool optimal;       /* every layer proven optimal */
} adse_network_totals;

/* The network's totals from one result per layer (every layer must be found). */
ADSE_API void adse_network_totals_compute(const adse_network *net,
                                          const adse_network_layer_result *res,
                                          adse_network_totals *t);

ADSE_API void adse_network_free(adse_network *net);

#ifdef __cplusplus
}
#endif
#endif
