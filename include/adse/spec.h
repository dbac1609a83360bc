/*
 * adse/spec.h: loading Timeloop/Accelergy YAML inputs (spec section 2-3, 7-8).
 *
 * adse_spec_load() reads one or more YAML files, merges their top-level keys as Timeloop
 * does (a later file's top-level key replaces an earlier one), resolves anchors, aliases
 * and `<<` merge keys, and converts what it finds into typed structures:
 *   architecture (classic tree format v0.2-v0.4)      -> arch
 *   problem (built-in CNN layer or inline shape)      -> problem
 *   mapping (list of directives)                      -> mapping (has_mapping)
 *   ERT / ART (Accelergy v0.2-v0.4)                   -> bound into arch energies/areas
 * Keys a later issue handles (mapper, mapspace, architecture_constraints, ...) are kept
 * unread in the document tree; any other top-level key is an error. Every error names
 * file:line:column and the field: ADSE_E_SYNTAX for malformed YAML (also duplicate keys,
 * where `a-b` and `a_b` are the same key), ADSE_E_SPEC for unknown, missing or mistyped
 * fields and exceeded limits (limits.h), ADSE_E_MAPPING when a mapping cannot fit the
 * architecture/problem (factor products != bounds, spatial directive without fanout).
 * Energies: Timeloop's fallback (PAT), replaced per level by a user attribute
 * (vector_access_energy / energy, which the ERT never overrides) or the ERT; areas from ART.
 * `mapping: []` or `mapping: null` (what timeloopfe writes for mapper runs) means no mapping.
 * Only src/spec/ includes <yaml.h>.
 * Ownership: adse_spec_load returns an owned spec, released with adse_spec_free (NULL ok);
 * the adse_srcpos.file pointers in arch borrow the spec's file names (copy arch.levels[i].pos
 * strings if the arch outlives the spec).
 * Thread-safety: a loaded spec is immutable; any thread may read it.
 */
#ifndef ADSE_SPEC_H
#define ADSE_SPEC_H

#include <stdbool.h>

#include "adse/arch.h"
#include "adse/error.h"
#include "adse/mapping.h"
#include "adse/workload.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct adse_spec {
    bool has_arch;       /* an `architecture` key was found */
    adse_arch arch;      /* valid when has_arch */
    bool has_problem;    /* a `problem` key was found */
    adse_problem problem;
    bool has_mapping;    /* a `mapping` key was found (needs arch and problem) */
    adse_mapping mapping;
    bool has_ert;        /* an ERT was bound (else fallback energies are in arch) */
    bool has_art;        /* an ART was bound */
    struct adse_spec_internal *internal; /* document tree, file names; owned */
} adse_spec;

/* Loads and merges files[0..n_files-1]. On failure returns the status, fills err (with
 * file:line:column of the offending node) and leaves *out NULL. */
adse_status adse_spec_load(const char *const *files, int n_files, adse_spec **out, adse_err *err);

/* Loads from in-memory YAML texts; names[i] is used in messages. For tests and tools. */
adse_status adse_spec_load_strings(const char *const *texts, const char *const *names, int n,
                                   adse_spec **out, adse_err *err);

void adse_spec_free(adse_spec *spec);

#ifdef __cplusplus
}
#endif
#endif
