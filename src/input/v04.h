/*
 * input/v04.h: timeloopfe's v0.4 specification -> the classic tree the loader reads
 * (internal to the input layer).
 *
 * timeloopfe (Timeloop's Python front end) reads an architecture written as a `nodes:` list
 * of tagged nodes (`!Container`, `!Component`, `!Parallel`, `!Hierarchical`, `!Pipelined`,
 * `!Nothing`) with `spatial: {meshX, meshY}` fanouts and constraints inside the nodes, and
 * writes for Timeloop the classic tree (`subtree`/`local`) with the constraints as one
 * top-level list (its parsed-processed-input.yaml). adse does the same translation inside
 * the loader, on the document tree, before the classic converters run: the architecture's
 * value becomes the classic tree and the constraints its `constraints: {targets: [...]}`,
 * so there is one home for every architecture and constraint rule (arch_yaml.c,
 * constraints_yaml.c) and `adse convert` writes what was read. Every built node carries the
 * position of the v0.4 text it comes from, so later errors point at what the user wrote.
 *
 * What is translated, as timeloopfe v4 does it (docs/v04.md):
 *   - the node walk of its v4-to-v3 transpiler: containers place nothing but pass their
 *     attributes down to every later component (first container: the root's attributes,
 *     after the top-level `variables`); a node with a fanout (meshX * meshY > 1) places a
 *     dummy storage level `inter_<name>_spatial` holding its spatial constraints; every
 *     component gets `name[1..n]`, meshX and meshY of the mesh above it and, for storage
 *     classes, timeloopfe's attribute defaults;
 *   - the constraint processors: `factors_only`, `keep_only`/`bypass_only`, `*` for all
 *     data spaces, `maximize_dims` (its greedy allocation: adse__v04_maximize), the branch
 *     rule of `!Parallel` (a data space kept in one branch is bypassed by every other), the
 *     permutation pruning (unit-factor and bound-1 dimensions first) and the dummy levels'
 *     constraints (every factor 1, bypass all).
 * Expressions in variables, attributes, meshes and problem instances are evaluated first
 * (v04_expr.h).
 * Without a problem in the files the constraints are not translated (the classic loader
 * does not convert constraints without a problem either).
 */
#ifndef ADSE_INPUT_V04_H
#define ADSE_INPUT_V04_H

#include <stdbool.h>
#include <stdint.h>

#include "adse/error.h"
#include "adse/limits.h"
#include "input/tree.h"
#include "util/warnings.h"

/* What the translation learnt that the classic tree does not say. */
typedef struct adse__v04_info {
    /* The classic root's attributes and the evaluated top-level variables placed in them
     * (NULL: none): names for expressions, not model keys, so the converters do not check
     * them for typos. */
    const adse__ynode *root_attrs, *variables;
    /* The enabled nodes with a fanout (meshX * meshY > 1) in the order the walk places
     * them (top down), each with its mesh as evaluated and its `spatial` mapping (the node
     * when none: adse_spec_fanouts). One dummy level each, so at most ADSE_MAX_LEVELS are
     * kept (a longer architecture is refused when converted). */
    struct {
        const char *name;
        uint32_t mesh_x, mesh_y;
        const adse__ynode *at;
    } fanouts[ADSE_MAX_LEVELS];
    int n_fanouts;
    /* The attributes of the nodes that expressions read (v04_expr.h), each node and key
     * once, with the first expression reading it; reads_cut when more were read than kept
     * (then any attribute may be read). */
    struct {
        const char *node, *key;
        const adse__ynode *at;
    } reads[64];
    int n_reads;
    bool reads_cut;
} adse__v04_info;

/* Translates doc in place when its architecture is a v0.4 `nodes` architecture (nothing
 * otherwise), filling *info (cleared first). Must run before the classic converters read
 * doc. */
adse_status adse__v04_translate(adse__ydoc *doc, adse__warnings *warnings, adse__v04_info *info,
                                adse_err *err);

/* The changes of adse_spec_options.node_sets ("NODE.attributes.KEY=VALUE",
 * "NODE.spatial.meshX=VALUE", meshY; v04_set.c): each value, read as YAML, replaces or adds
 * that key of the v0.4 architecture's node named NODE, before adse__v04_translate. Errors:
 * a malformed text (ADSE_E_USAGE, adse__v04_check_sets checks only that), no v0.4
 * architecture, no node or two nodes of that name, a section that is not a mapping. */
adse_status adse__v04_check_sets(const char *const *sets, int n, adse_err *err);
adse_status adse__v04_apply_sets(adse__ydoc *doc, const char *const *sets, int n, adse_err *err);

/* ---- between v04_arch.c and v04_constraints.c ---------------------------------------- */

/* What the constraint translation needs from the problem (read from doc's `problem`). */
typedef struct adse__v04_problem {
    bool known;                            /* a problem with a readable shape */
    int n_dims, n_ds;                      /* dimensions, data spaces */
    const char *dims[ADSE_MAX_DIMS];       /* names, in shape order (borrowed) */
    uint64_t bound[ADSE_MAX_DIMS];         /* instance value; 0 = not a number */
    const char *ds[ADSE_MAX_DATASPACES];   /* data-space names, in shape order */
    uint32_t ds_dims[ADSE_MAX_DATASPACES]; /* bit d: dimension d is in its projection */
} adse__v04_problem;

#define ADSE__V04_MAX_FACTORS 32

/* A temporal or spatial constraint of one node. */
typedef struct adse__v04_iter {
    const adse__ynode *at; /* the mapping as written, or NULL */
    int n_factors;
    struct {
        char dim[ADSE_NAME_MAX];
        int rel; /* adse__factor_rel */
        uint64_t value;
    } factors[ADSE__V04_MAX_FACTORS];
    const adse__ynode *factors_at;
    int n_perm;
    const char *perm[ADSE__V04_MAX_FACTORS]; /* dimension names (borrowed), innermost first */
    const adse__ynode *perm_at;
    const adse__ypair *pass[8];       /* keys passed on (split, default_max_factor, ...) */
    const adse__ynode *pass_value[8]; /* their values, expressions evaluated */
    int n_pass;
    const adse__ynode *maximize; /* maximize_dims as written (checked), or NULL */
    bool has_capacity;           /* maximize_dims_capacity given */
    uint64_t capacity;
} adse__v04_iter;

/* The constraints of one node. */
typedef struct adse__v04_cons {
    const adse__ynode *at; /* `constraints` as written, or NULL */
    adse__v04_iter temporal, spatial;
    const adse__ynode *ds_at;      /* `dataspace` as written, or NULL */
    uint32_t keep, bypass;         /* masks over the problem's data spaces */
    const adse__ypair *ds_pass[2]; /* no_coalesce, as written */
    int n_ds_pass;
    const adse__ypair *overbooked; /* max_overbooked_proportion, as written */
} adse__v04_cons;

/* The classic architecture for the v0.4 architecture top->value (a mapping with `nodes`):
 * *arch the classic tree (variables, the top-level `variables` mapping or NULL, open its
 * root's attributes), *targets the constraint entries (empty without a known problem),
 * *sparse the nodes' sparse_optimizations as targets (NULL when none). Attribute and mesh
 * expressions are evaluated in scope (the variables; containers' attributes are added). */
struct adse__v04_scope;
adse_status adse__v04_arch(adse__ydoc *doc, const adse__ypair *top, const adse__ynode *variables,
                           struct adse__v04_scope *scope, const adse__v04_problem *prob,
                           adse__warnings *w, adse__v04_info *info, adse__ynode **arch,
                           adse__ynode **targets, adse__ynode **sparse, adse_err *err);

/* Reads the `constraints` mapping c of node `name` (NULL: none) into out, with the macros
 * (factors_only, keep_only, bypass_only, '*') expanded for prob; the values passed on
 * (split, ...) and maximize_dims_capacity are evaluated in scope when they are expressions
 * (new scalars built in doc). maximize_dims is checked and kept for adse__v04_maximize;
 * what of it fixes nothing (an empty list or group, a capacity under 2) is warned about in
 * w. */
adse_status adse__v04_read_cons(adse__ydoc *doc, struct adse__v04_scope *scope,
                                const adse__ynode *c, const char *name,
                                const adse__v04_problem *prob, adse__warnings *w,
                                adse__v04_cons *out, adse_err *err);

/* timeloopfe's maximize_dims macro over every node's constraints: cons[i] those of the i-th
 * node in timeloopfe's order (a node list's own nodes, then the nodes of its branches, each
 * list in turn), fanout[i] its meshX * meshY. Bottom up (i from n-1), the spatial
 * constraints first, then the temporal ones: each group of dimensions gets the fixed
 * factors of timeloopfe's greedy allocation (the most of the capacity used, divided by the
 * factors already fixed `=` or `>=`), over what the `=` factors of all nodes leave of each
 * dimension; the dimensions of the group it leaves out get 1. */
adse_status adse__v04_maximize(adse__v04_cons *const *cons, const uint64_t *fanout, int n,
                               const adse__v04_problem *prob, adse_err *err);

/* Adds bypass to the dataspace constraint (error at `at` when a data space is kept). */
adse_status adse__v04_add_bypass(adse__v04_cons *c, uint32_t bypass, const adse__v04_problem *prob,
                                 const adse__ynode *at, adse_err *err);

/* timeloopfe's permutation pruning: the dimensions with a factor `=1` and then those of
 * bound 1, each put first (innermost) unless the permutation names it already. */
void adse__v04_prune_perm(adse__v04_iter *it, const adse__v04_problem *prob);

/* The dummy level's constraints: every factor 1 in shape order, bypass every data space. */
void adse__v04_dummy_cons(adse__v04_cons *c, const adse__v04_problem *prob);

/* Appends the classic entries of c for target to list (a sequence built in doc): spatial,
 * temporal, then the data-space entry (type bypass), then max_overbooked_proportion; empty
 * constraints give no entry. at positions entries without a source of their own. */
adse_status adse__v04_emit_cons(adse__ydoc *doc, adse__ynode *list, const adse__v04_cons *c,
                                const char *target, const adse__ynode *at,
                                const adse__v04_problem *prob, adse_err *err);

#endif
