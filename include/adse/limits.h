/*
 * adse/limits.h: compile-time bounds of the fixed-size model structures.
 *
 * The evaluation hot path allocates nothing, so problems, architectures and mappings are
 * held in fixed arrays sized by these bounds. Loading an input beyond a bound is a clear
 * spec error naming the bound, never a silent truncation.
 */
#ifndef ADSE_LIMITS_H
#define ADSE_LIMITS_H

#define ADSE_MAX_DIMS 12      /* problem dimensions (one letter each) */
#define ADSE_MAX_DATASPACES 6 /* data spaces (tensors) of a problem */
#define ADSE_MAX_RANKS 6      /* ranks of one data-space projection */
#define ADSE_MAX_TERMS 4      /* terms of one projection rank */
#define ADSE_MAX_COEFS 16     /* named coefficients of a problem shape */
#define ADSE_MAX_LEVELS 12    /* storage levels of an architecture */
#define ADSE_MAX_BW_SCALES 6  /* per_dataspace_bandwidth_consumption_scale entries */
#define ADSE_NAME_MAX 64      /* component, data-space and class names, with the NUL */

/* Declared networks (adse/arch.h): components, and the ERT actions and entries bound to them
 * (all networks together). */
#define ADSE_MAX_NETWORKS 8
#define ADSE_MAX_NET_ACTIONS 16
#define ADSE_MAX_NET_ENTRIES 256

/* Bounds of a YAML input (spec and search-spec files): larger inputs are ADSE_E_SPEC errors
 * instead of exhausting memory, stack or time. Real Timeloop inputs are far below them. */
#define ADSE_YAML_MAX_BYTES (64 << 20) /* bytes of one YAML file or text */
#define ADSE_YAML_MAX_DEPTH 256        /* nesting of sequences and mappings */
#define ADSE_YAML_MAX_NODES                                                                        \
    4000000 /* nodes of a document with every alias expanded                                       \
               (anchors reused at each alias count each time) */

/* Bounds of an ONNX model (adse_network_load_onnx): larger inputs are ADSE_E_SPEC errors.
 * Protobuf itself caps a message at 2 GiB; real models have ranks <= 6 and fold only shape
 * vectors (a few elements). */
#define ADSE_ONNX_MAX_BYTES 0x7fffffffu /* bytes of one .onnx file */
#define ADSE_ONNX_MAX_NODES 1000000     /* nodes, and separately initializers and value infos */
#define ADSE_ONNX_MAX_IO 4096           /* inputs, outputs and attributes of one node */
#define ADSE_ONNX_MAX_RANK 16           /* rank of a tensor whose shape is read or inferred */
#define ADSE_ONNX_MAX_DIM (1ll << 40)   /* extent of one tensor axis */
#define ADSE_ONNX_MAX_FOLD 4096         /* elements of an integer tensor folded as a constant */

#endif
