/*
 * adse/spec.h: loading Timeloop/Accelergy YAML inputs (model.md §2-3, §7-8).
 *
 * adse_spec_load() reads one or more YAML files (a .jinja/.jinja2 file, or one with template
 * markup, is first rendered as timeloopfe renders it: docs/templates.md), merges their
 * top-level keys as Timeloop does (a later file's top-level key replaces an earlier one), resolves
 * anchors, aliases and `<<` merge keys, and converts what it finds into typed structures:
 *   architecture (classic tree format v0.2-v0.4)      -> arch
 *   problem (built-in CNN layer or inline shape)      -> problem
 *   mapping (list of directives)                      -> mapping (has_mapping)
 *   ERT / ART (Accelergy v0.2-v0.4)                   -> bound into arch energies/areas
 *   components no ERT/ART entry prices                -> the built-in estimator (energy.h)
 *   architecture.constraints, architecture_constraints / arch_constraints,
 *   mapspace_constraints / mapspace, constraints      -> constraints (has_constraints),
 *                                                        merged (docs/constraints.md)
 *   mapper (Timeloop's section + adse's keys)         -> mapper (has_mapper)
 * Constraints are converted only when an architecture and a problem are present (they
 * name levels, dimensions and data spaces). Keys of other tools (compound_components,
 * globals, ...) are kept unread in the document tree; any other top-level key is an
 * error. Every error names
 * file:line:column and the field: ADSE_E_SYNTAX for malformed YAML (also duplicate keys,
 * where `a-b` and `a_b` are the same key), ADSE_E_SPEC for unknown, missing or mistyped
 * fields and exceeded limits (limits.h), ADSE_E_MAPPING when a mapping cannot fit the
 * architecture/problem (factor products != bounds, spatial directive without fanout).
 * Energies, per component, the first that applies:
 *   1. a user attribute (vector_access_energy / energy), which no table overrides;
 *   2. an ERT table naming the component (Timeloop's binding: a read, fill or update the
 *      table lacks costs its largest action, the vector access energy; a missing leak or
 *      compute keeps Timeloop's fallback value, e.g. leak 0 for a v0.3 table);
 *   3. by default (ADSE_ENERGY_MODE_ESTIMATOR) the built-in estimator, bound as its own
 *      ERT table would be (source ADSE_ENERGY_ESTIMATOR); with
 *      ADSE_ENERGY_MODE_TIMELOOP_FALLBACK, Timeloop's built-in fallback (PAT).
 * Areas likewise: an ART table, else a user attribute (cluster_area / area), else the
 * estimator (or 0 with the fallback). A component the estimator has to price but cannot
 * (unknown class, missing attribute, size or technology outside its model) is an
 * ADSE_E_SPEC error at the component's file:line:column, except that a component without a
 * `technology` keeps Timeloop's fallback, with a warning, when it gives its own energy or
 * when no component of the architecture has a technology. Classes Timeloop does not model
 * as storage or arithmetic (networks, ...) are ignored.
 * `mapping: []` or `mapping: null` (what timeloopfe writes for mapper runs) means no mapping.
 * `arch` is read as `architecture` (Timeloop reads `arch` first; a second key is ignored
 * with a warning). Sparse modeling is not supported: a `sparse_optimizations` key with
 * targets is an ADSE_E_SPEC error naming the first feature asked for, unless
 * opts.ignore_sparse asks for the dense problem; `densities` without it are ignored with a
 * warning, as Timeloop evaluates the dense problem then too. What every key read and
 * ignored does is listed in docs/model.md ("Inputs"). Accepted-but-notable input is
 * reported through adse_spec_warning().
 * Only src/input/ includes <yaml.h>.
 * Ownership: adse_spec_load* return an owned spec, released with adse_spec_free (NULL ok);
 * the adse_srcpos.file pointers in arch borrow the spec's file names (copy arch.levels[i].pos
 * strings if the arch outlives the spec), as do adse_spec_table_name()'s strings.
 * Thread-safety: a loaded spec is immutable; any thread may read it.
 */
#ifndef ADSE_SPEC_H
#define ADSE_SPEC_H

#include "adse/export.h"

#include <stdbool.h>
#include <stdio.h>

#include "adse/arch.h"
#include "adse/constraints.h"
#include "adse/energy.h"
#include "adse/error.h"
#include "adse/mapping.h"
#include "adse/workload.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How components without an ERT/ART entry (and without user energies) are priced. */
typedef enum adse_energy_mode {
    ADSE_ENERGY_MODE_ESTIMATOR = 0,        /* the built-in estimator (default) */
    ADSE_ENERGY_MODE_TIMELOOP_FALLBACK = 1 /* Timeloop's built-in PAT energies, areas 0 */
} adse_energy_mode;

typedef struct adse_spec_options {
    adse_energy_mode energy;          /* default ADSE_ENERGY_MODE_ESTIMATOR */
    adse_energy_options estimator;    /* estimator flags and precision (adse_energy_options_init) */
    bool ignore_mapping;              /* leave a `mapping` key unread (has_mapping false): a
                                         mapper's inputs may carry a stale one; default false */
    bool ignore_sparse;               /* evaluate the dense problem of inputs that ask for sparse
                                         modeling (`sparse_optimizations`), with a warning and
                                         problem.sparse_ignored set, instead of refusing them
                                         (ADSE_E_SPEC); default false */
    bool mapper_unused;               /* the caller evaluates a given mapping and never runs the
                                         mapper (`adse model`): an error in the `mapper` section
                                         becomes a warning and has_mapper stays false; default
                                         false */
    const adse_problem *problem;      /* when not NULL, the problem (copied; borrowed during the
                                         load) instead of the files' `problem` key, e.g. one layer
                                         of a network; constraints are read against it */
    const char *const *template_vars; /* "NAME=VALUE" variables of Jinja2 templates (-D,
                                         timeloopfe's jinja_parse_data; docs/templates.md),
                                         borrowed during the load; default none */
    int n_template_vars;
    const char *const *node_sets; /* "NODE.attributes.KEY=VALUE" or "NODE.spatial.meshX=VALUE"
                                     (meshY): changes to the nodes of a v0.4 architecture
                                     before it is translated, as a timeloopfe user sets
                                     spec.architecture.find(NODE).attributes[KEY] in
                                     Python (--set; docs/v04.md); borrowed during the load;
                                     default none */
    int n_node_sets;
} adse_spec_options;

/* Fills the defaults: estimator mode with the estimator's default options, mappings read. */
ADSE_API void adse_spec_options_init(adse_spec_options *opts);

typedef struct adse_spec {
    bool has_arch;    /* an `architecture` key was found */
    adse_arch arch;   /* valid when has_arch */
    bool has_problem; /* a `problem` key was found */
    adse_problem problem;
    bool has_mapping; /* a `mapping` key was found (needs arch and problem) */
    adse_mapping mapping;
    bool has_ert;                        /* an ERT was bound */
    bool has_art;                        /* an ART was bound */
    adse_spec_options options;           /* the options it was loaded with, except
                                            options.estimator.classes, which the loader sets:
                                            the files' Accelergy compound classes (valid while
                                            the spec lives: pass these options to
                                            adse_energy_reprice and friends), or NULL */
    bool has_constraints;                /* any of architecture_constraints, mapspace_constraints,
                                            mapspace, constraints was found (needs arch and problem) */
    adse_constraints constraints;        /* all constraint lists merged; free when none */
    bool has_mapper;                     /* a `mapper` key was found */
    adse_mapper_settings mapper;         /* mapper settings; defaults when none */
    struct adse_spec_internal *internal; /* document tree, file names; owned */
} adse_spec;

/* Loads and merges files[0..n_files-1] with the default options. On failure returns the
 * status, fills err (with file:line:column of the offending node) and leaves *out NULL. */
ADSE_API adse_status adse_spec_load(const char *const *files, int n_files, adse_spec **out,
                                    adse_err *err);

/* adse_spec_load with options (opts NULL = defaults). */
ADSE_API adse_status adse_spec_load_opts(const char *const *files, int n_files,
                                         const adse_spec_options *opts, adse_spec **out,
                                         adse_err *err);

/* Loads from in-memory YAML texts; names[i] is used in messages. For tests and tools. */
ADSE_API adse_status adse_spec_load_strings(const char *const *texts, const char *const *names,
                                            int n, adse_spec **out, adse_err *err);

/* adse_spec_load_strings with options (opts NULL = defaults). */
ADSE_API adse_status adse_spec_load_strings_opts(const char *const *texts, const char *const *names,
                                                 int n, const adse_spec_options *opts,
                                                 adse_spec **out, adse_err *err);

/* The Accelergy ERT/ART table name of storage level `level` (0 = innermost), or of the
 * arithmetic level for level == -1: the enclosing subtree nodes' names and the component's
 * name as written, ranges kept, dot-separated ("system.eyeriss.PE[0..167].mac",
 * "system_top_level.shared_glb[1..1]"), i.e. what Accelergy names it and what Timeloop
 * binds to it. NULL without an architecture or for a level out of range. Borrowed from
 * spec. */
ADSE_API const char *adse_spec_table_name(const adse_spec *spec, int level);

/* Warnings of the load: inputs accepted as Timeloop accepts them but worth a user's notice
 * (aliases whose values disagree, keys tolerated and ignored, features left out on request).
 * Each is an adse_err record with code ADSE_OK, the input position and the message (print it
 * with adse_err_format); indices 0..adse_spec_warning_count()-1, in the order found, each
 * distinct warning once. Borrowed from spec; NULL for an index out of range. (If memory ran
 * out while recording, the last record, code ADSE_E_NOMEM, says so.) */
ADSE_API int adse_spec_warning_count(const adse_spec *spec);

/* A node of a v0.4 architecture with a fanout (spatial meshX * meshY > 1). */
typedef struct adse_spec_fanout {
    const char *name;        /* the node's name (borrowed from the spec) */
    uint32_t mesh_x, mesh_y; /* its spatial meshX and meshY, as evaluated */
    adse_srcpos at;          /* where its `spatial` is written */
} adse_spec_fanout;

/* The nodes of the spec's v0.4 architecture with a fanout, top down (the order their
 * dummy levels are placed in, docs/v04.md): the first max into out, their number returned;
 * -1 when the architecture is not a v0.4 `nodes` one. A component below k of them has the
 * mesh of their product. */
ADSE_API int adse_spec_fanouts(const adse_spec *spec, adse_spec_fanout *out, int max);

/* The spec base with its v0.4 architecture's nodes changed by node_sets[0..n) after
 * base's own (each as adse_spec_options.node_sets, the `--set` of the CLI), translated and
 * converted again with base's options, as loading base's files with all those sets gives:
 * maximize_dims allocated over the new fanouts, expressions evaluated over the new values,
 * components priced again. The files are not read again: the derived spec shares base's
 * document (as read, before its translation), so base must outlive *out. base is only
 * read: several threads may derive from it at once. Errors as adse_spec_load's (the node
 * sets' included); ADSE_E_USAGE when base's architecture is not a v0.4 `nodes` one. */
ADSE_API adse_status adse_spec_derive(const adse_spec *base, const char *const *node_sets, int n,
                                      adse_spec **out, adse_err *err);
ADSE_API const adse_err *adse_spec_warning(const adse_spec *spec, int i);

ADSE_API void adse_spec_free(adse_spec *spec);

/* Writes the top-level keys of spec's document named in keys (NULL-terminated; NULL = every
 * key, in the order of first appearance) as YAML: the files as the loader read them, merged,
 * anchors and merge keys resolved, comments dropped, and a v0.4 specification translated to
 * the classic form (docs/v04.md), i.e. what timeloopfe writes as parsed-processed-input.yaml.
 * A key not in the document is skipped; *n_written (may be NULL) counts the keys written.
 * ADSE_E_IO when the stream fails. */
ADSE_API adse_status adse_spec_write_yaml(FILE *f, const adse_spec *spec, const char *const *keys,
                                          int *n_written, adse_err *err);

#ifdef __cplusplus
}
#endif
#endif
