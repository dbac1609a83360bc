/*
 * spec/internal.h: the converters from the document tree to typed specs (internal).
 *
 * spec.c reads the files into an adse__ydoc (tree.h), checks the top-level keys and calls
 * these converters in order: architecture, problem, mapping; then the ERT/ART binding of
 * src/energy. Each converter fills a caller-owned struct and reports the first error it
 * finds at the offending node.
 */
#ifndef ADSE_SPEC_INTERNAL_H
#define ADSE_SPEC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "adse/arch.h"
#include "adse/error.h"
#include "adse/mapping.h"
#include "adse/workload.h"
#include "spec/tree.h"

struct adse_spec_internal {
    adse__ydoc *doc; /* the merged document tree; owned */
};

/* What the architecture converter learnt besides the arch itself. */
typedef struct adse__arch_extra {
    uint32_t wire_energy_given; /* bit i: level i has its own wire_energy attribute */
    /* Where per_dataspace_bandwidth_consumption_scale names were written, per level and
     * entry, to report an unknown data space once the problem is known. */
    const adse__ynode *bw_scale_nodes[ADSE_MAX_LEVELS][ADSE_MAX_BW_SCALES];
} adse__arch_extra;

/* `architecture:` (classic tree format v0.2-v0.4) -> arch, with fallback (PAT) energies. */
adse_status adse__arch_from_yaml(const adse__ypair *top, adse_arch *arch, adse__arch_extra *extra,
                                 adse_err *err);

/* `problem:` -> problem. */
adse_status adse__problem_from_yaml(const adse__ypair *top, adse_problem *problem, adse_err *err);

/* `mapping:` -> mapping. *has is false when the list is empty or null (timeloopfe writes
 * `mapping: []` for mapper runs). */
adse_status adse__mapping_from_yaml(const adse__ypair *top, const adse_arch *arch,
                                    const adse_problem *problem, adse_mapping *mapping, bool *has,
                                    adse_err *err);

/* Copies a scalar name into dst (ADSE_NAME_MAX bytes) or fails naming the limit. */
adse_status adse__copy_name(const adse__ynode *n, char *dst, const char *what, adse_err *err);

#endif
