/*
 * input/internal.h: the converters from the document tree to typed specs (internal).
 *
 * spec.c reads the files into an adse__ydoc (tree.h), checks the top-level keys and calls
 * these converters in order: architecture, problem, ERT/ART (ert_yaml.c, binding with the
 * energy layer's rule), the built-in estimator for what no table or attribute prices,
 * mapping, constraints and mapper settings. Each converter fills a caller-owned struct and
 * reports the first error it finds at the offending node.
 */
#ifndef ADSE_SPEC_INTERNAL_H
#define ADSE_SPEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adse/arch.h"
#include "adse/constraints.h"
#include "adse/error.h"
#include "adse/mapping.h"
#include "adse/workload.h"
#include "input/tree.h"
#include "input/v04.h"
#include "util/file.h"

/* Accelergy table names: the enclosing subtree nodes' names and the component's name as
 * written (ranges kept), dot-separated: "system.eyeriss.PE[0..167].mac". */
typedef struct adse__arch_paths {
    char *levels[ADSE_MAX_LEVELS]; /* storage level i; owned (malloc) */
    char *arith;                   /* owned (malloc) */
} adse__arch_paths;

struct adse__compounds;

struct adse_spec_internal {
    adse__ydoc *doc;                   /* the merged document tree; owned */
    struct adse__compounds *compounds; /* the files' compound classes (compound.h); owned,
                                          NULL when none; spec->options.estimator.classes
                                          points into it */
    adse__arch_paths paths;            /* valid when the spec has an architecture */
    adse__warnings warnings; /* what the converters accepted with a warning (adse__ywarn) */
    adse__v04_info v04;      /* what the v0.4 translation learnt (zero without one) */
    /* A v0.4 `nodes` architecture's document as read and changed by the node sets, before
     * its translation (a fork of doc, tree.h: adse_spec_derive translates it again);
     * owned, NULL for any other architecture. */
    adse__ydoc *source;
    bool problem_given; /* the problem came from adse_spec_options.problem */
};

/* Frees the strings of p and clears it. */
void adse__arch_paths_free(adse__arch_paths *p);

/* What the architecture converter learnt besides the arch itself. */
typedef struct adse__arch_extra {
    uint32_t wire_energy_given; /* bit i: level i has its own wire_energy attribute */
    /* Where per_dataspace_bandwidth_consumption_scale names were written, per level and
     * entry, to report an unknown data space once the problem is known. */
    const adse__ynode *bw_scale_nodes[ADSE_MAX_LEVELS][ADSE_MAX_BW_SCALES];
    /* Declared networks no level binds (Timeloop never evaluates them), to warn about. */
    const adse__ynode *unbound_nets[ADSE_MAX_NETWORKS];
    int n_unbound_nets;
} adse__arch_extra;

/* The architecture's top-level pair: `arch` (read first, as Timeloop does) or
 * `architecture`; NULL if neither. */
const adse__ypair *adse__arch_top_pair(const adse__ydoc *doc);

/* The aliases of the architecture attributes a design rewrites, NULL-terminated, in the
 * order the loader looks them up: arch_yaml.c's own tables, shared with the architecture
 * writer (arch_writer.c) so that it rewrites every key the loader may read. */
typedef struct adse__arch_aliases {
    const char *const *word_bits,
        *const *block_size,
            *const *cluster_size,
                *const *width, *const *depth, *const *entries, *const *size_kb,
                                                                   *const *instances,
                                                                       *const *mesh_x,
                                                                           *const *mesh_y,
                                                                               *const *read_bw,
                                                                                   *const *write_bw;
} adse__arch_aliases;
extern const adse__arch_aliases adse__arch_alias;

/* A component's kind from its class, as Timeloop's isBufferClass / isComputeClass /
 * isNetworkClass (and timeloopfe's component factory) decide it: the first of these lists
 * with a substring of klass. */
typedef enum adse__comp_kind {
    ADSE__COMP_OTHER,
    ADSE__COMP_BUFFER, /* DRAM, SRAM, regfile, smartbuffer, storage */
    ADSE__COMP_ARITH,  /* mac, intmac, fpmac, compute */
    ADSE__COMP_NETWORK /* XY_NoC, Legacy, ReductionTree, SimpleMulticast */
} adse__comp_kind;
adse__comp_kind adse__arch_classify(const char *klass);

/* `architecture:` (classic tree format v0.2-v0.4) -> arch, with fallback (PAT) energies or
 * the user's energy/area attributes, the estimator attributes (adse_est_attrs; for a class
 * of compounds, also the attributes its definition may read) and the
 * Accelergy table names (paths, owned by the caller, also on failure). What it accepts with
 * a note (an attribute that differs from a model key only in letter case, aliases given
 * together) goes to warnings. v04 (may be NULL): what a v0.4 translation of the tree
 * learnt; the variables it placed in the root's attributes are not checked for typos. */
adse_status adse__arch_from_yaml(const adse__ypair *top, const adse__v04_info *v04, adse_arch *arch,
                                 adse__arch_extra *extra, adse__arch_paths *paths,
                                 const struct adse__compounds *compounds, adse__warnings *warnings,
                                 adse_err *err);

/* Binds the `ERT:` value ert (v0.2 map form or v0.3/v0.4 list form) to arch with
 * adse__bind_*_actions (energy/bind.h); USER energies are never replaced; a table named
 * `wire`/`Wire` sets wire_energy_pj (max of its transfer_random entries, read as a float
 * and ignored when 0, as Timeloop does) for every level without its own wire_energy
 * attribute (bit i of wire_energy_given). Tables matching no level are ignored. A table
 * that names the arithmetic unit but gives none of the compute actions Timeloop binds is a
 * warning. arch may be NULL to only check the table's structure. */
adse_status adse__ert_bind(adse_arch *arch, const adse__ynode *ert, uint32_t wire_energy_given,
                           adse__warnings *warnings, adse_err *err);

/* Binds the `ART:` value art to arch (may be NULL: check only): areas per instance, as
 * float (adse__area_as_float), area_source ERT. */
adse_status adse__art_bind(adse_arch *arch, const adse__ynode *art, adse_err *err);

/* `problem:` -> problem. */
adse_status adse__problem_from_yaml(const adse__ypair *top, adse_problem *problem,
                                    adse__warnings *warnings, adse_err *err);

/* `mapping:` -> mapping. *has is false when the list is empty or null (timeloopfe writes
 * `mapping: []` for mapper runs). */
adse_status adse__mapping_from_yaml(const adse__ypair *top, const adse_arch *arch,
                                    const adse_problem *problem, adse_mapping *mapping, bool *has,
                                    adse_err *err);

/* The constraint lists of doc (architecture.constraints, architecture_constraints /
 * arch_constraints, mapspace_constraints / mapspace, constraints; constraints_yaml.c)
 * merged into c for arch and problem. *has is true when any of these keys is present. */
adse_status adse__constraints_from_yaml(const adse__ydoc *doc, const adse_arch *arch,
                                        const adse_problem *problem, adse_constraints *c, bool *has,
                                        adse_err *err);

/* `mapper:` -> settings (defaults first; null means all defaults). */
adse_status adse__mapper_from_yaml(const adse__ypair *top, adse_mapper_settings *s, adse_err *err);

/* The storage level a directive's or constraint's `target` names (a level name, or an
 * index counted from the innermost level); errors list the storage levels. */
adse_status adse__target_level(const adse__ynode *t, const adse_arch *arch, int *level,
                               adse_err *err);

/* "a, b, c": the storage-level names / data-space names, for messages. */
void adse__level_names(const adse_arch *a, char *buf, size_t size);
void adse__ds_names(const adse_problem *p, char *buf, size_t size);

/* Copies a scalar name into dst (ADSE_NAME_MAX bytes) or fails naming the limit. */
adse_status adse__copy_name(const adse__ynode *n, char *dst, const char *what, adse_err *err);

/* adse__read_file_max (util/file.h) for YAML files (ADSE_YAML_MAX_BYTES). */
adse_status adse__read_file(const char *path, char **text, size_t *len, adse_err *err);

#endif
