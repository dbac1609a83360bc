/*
 * input/onnx.h: the ONNX model as adse reads it (internal).
 *
 * onnx_pb.c decodes the protobuf wire format of ModelProto into these structs, keeping only
 * the fields adse needs: the graph's nodes (inputs, outputs, name, op type, domain,
 * attributes), initializers (name, type, dims, and where their data lies in the file
 * buffer), graph inputs, outputs and value_info (name, element type, shape with unknown
 * extents as -1) and the default domain's opset. Every string is copied NUL-terminated into
 * the model's arena; tensor data stays in the caller's buffer, which must outlive the model.
 * onnx_shape.c propagates shapes and folds small integer tensors; onnx_layers.c turns the
 * compute nodes into problems of an adse_network.
 */
#ifndef ADSE_INPUT_ONNX_H
#define ADSE_INPUT_ONNX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adse/error.h"
#include "adse/limits.h"
#include "adse/network.h"
#include "util/arena.h"

/* TensorProto.DataType values adse reads. */
enum {
    ADSE__ONNX_FLOAT = 1,
    ADSE__ONNX_UINT8 = 2,
    ADSE__ONNX_INT8 = 3,
    ADSE__ONNX_UINT16 = 4,
    ADSE__ONNX_INT16 = 5,
    ADSE__ONNX_INT32 = 6,
    ADSE__ONNX_INT64 = 7,
    ADSE__ONNX_BOOL = 9,
    ADSE__ONNX_DOUBLE = 11,
    ADSE__ONNX_UINT32 = 12,
    ADSE__ONNX_UINT64 = 13,
};

/* AttributeProto.AttributeType values adse reads. */
enum {
    ADSE__ONNX_ATTR_FLOAT = 1,
    ADSE__ONNX_ATTR_INT = 2,
    ADSE__ONNX_ATTR_STRING = 3,
    ADSE__ONNX_ATTR_TENSOR = 4,
    ADSE__ONNX_ATTR_INTS = 7,
};

typedef struct adse__onnx_tensor {
    const char *name;                 /* "" for an attribute's tensor */
    int32_t dtype;                    /* TensorProto.DataType */
    int rank;                         /* number of dims */
    int64_t dims[ADSE_ONNX_MAX_RANK]; /* extents */
    const uint8_t *msg;               /* the TensorProto's bytes (in the file buffer) */
    size_t msg_len;
    bool external; /* data_location EXTERNAL: values not in the file */
} adse__onnx_tensor;

typedef struct adse__onnx_attr {
    const char *name;
    int32_t type;         /* AttributeType (0 when the writer omitted it) */
    int64_t i;            /* 'i' */
    double f;             /* 'f' */
    const char *s;        /* 's' as a NUL-terminated string ("" when absent) */
    int n_ints;           /* 'ints' */
    int64_t *ints;        /* arena */
    adse__onnx_tensor *t; /* 't', NULL when absent; arena */
} adse__onnx_attr;

typedef struct adse__onnx_node {
    const char *name;   /* "" when the model gives none */
    const char *op;     /* op_type */
    const char *domain; /* "" for the default domain */
    int n_in, n_out, n_attrs;
    const char **in, **out; /* value names; "" for an omitted optional input */
    adse__onnx_attr *attrs;
} adse__onnx_node;

/* A graph input, output or value_info entry. */
typedef struct adse__onnx_vi {
    const char *name;
    int32_t elem;                     /* element type, 0 when unknown */
    int rank;                         /* -1 when the shape is absent */
    int64_t dims[ADSE_ONNX_MAX_RANK]; /* -1 for a symbolic or missing extent */
} adse__onnx_vi;

typedef struct adse__onnx_model {
    const char *file;  /* for messages; borrowed */
    adse__arena arena; /* owns every string and array below */
    const char *graph_name;
    int64_t opset; /* opset of the default domain (0 when not stated) */
    int n_nodes, n_inits, n_inputs, n_outputs, n_vis;
    adse__onnx_node *nodes;
    adse__onnx_tensor *inits;
    adse__onnx_vi *inputs, *outputs, *vis;
} adse__onnx_model;

/* Decodes data[0..size) into m (cleared first). The buffer must outlive m. On failure
 * m is released. */
adse_status adse__onnx_decode(const uint8_t *data, size_t size, const char *file,
                              adse__onnx_model *m, adse_err *err);

void adse__onnx_model_release(adse__onnx_model *m);

/* Number of elements of t (product of dims); -1 when above ADSE_ONNX_MAX_FOLD. */
int64_t adse__onnx_tensor_elems(const adse__onnx_tensor *t);

/* Reads the values of the integer (or boolean) tensor t, which has n elements, as int64
 * (from raw_data or the typed repeated fields). ADSE_E_SPEC when t is not an integer tensor,
 * its data is external or does not hold n values; `what` names it in the message. */
adse_status adse__onnx_tensor_ints(const adse__onnx_model *m, const adse__onnx_tensor *t, int64_t n,
                                   int64_t *out, const char *what, adse_err *err);

/* The attribute named name of node n, or NULL. */
const adse__onnx_attr *adse__onnx_attr_get(const adse__onnx_node *n, const char *name);

/* ---- shape propagation (onnx_shape.c) ---- */

/* What adse knows of one value of the graph. */
typedef struct adse__onnx_val {
    const char *name;
    int rank;                         /* -1 when unknown */
    int64_t dims[ADSE_ONNX_MAX_RANK]; /* -1 for an unknown extent */
    int32_t elem;                     /* element type, 0 when unknown */
    int64_t *k;   /* the values of a small integer tensor known at load time, or NULL */
    int producer; /* index of the node that computes it; -1 for inputs and initializers */
} adse__onnx_val;

/* Where shape propagation looks values up and keeps folded constants. */
typedef struct adse__onnx_graph {
    const adse__onnx_model *m;
    adse__onnx_val *vals; /* every named value */
    int n_vals;
    int *slots;       /* open-addressing hash: value index + 1, 0 = empty */
    uint32_t n_slots; /* a power of two */
    adse_err *err;
} adse__onnx_graph;

/* The value named name, or NULL ("" and unknown names). */
adse__onnx_val *adse__onnx_val_get(const adse__onnx_graph *g, const char *name);

/* Allocates n int64 values owned by the graph (zeroed); NULL when out of memory. */
int64_t *adse__onnx_alloc_ints(adse__onnx_graph *g, int64_t n);

/* Node n's error: "file: node 'name' (Op): message". Returns code. */
adse_status adse__onnx_node_err(const adse__onnx_graph *g, const adse__onnx_node *n,
                                adse_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Infers the shapes (and, for small integer tensors, the values) of node n's outputs from
 * its inputs; outputs it cannot infer keep rank -1. ADSE_E_SPEC when the inputs contradict
 * the op (the message names the node and the field). */
adse_status adse__onnx_infer(adse__onnx_graph *g, const adse__onnx_node *n);

/* Turns the decoded model into net (shape propagation, constant folding, compute layers). */
adse_status adse__onnx_to_network(const adse__onnx_model *m, const adse_onnx_options *opts,
                                  adse_network *net, adse_err *err);

#endif
