/*
 * adse/report.h: writing evaluation results the way Timeloop does, and as JSON.
 *
 * stats.txt follows Timeloop's layout (model.md §10.1: same labels, same number formats) so
 * scripts that parse timeloop-model.stats.txt read adse's too; map.txt follows
 * Nest::PrettyPrint (model.md §10.2); map.yaml is Mapping::FormatAsYaml (model.md §10.3), which
 * timeloop-model and `adse model` read back. The JSON documents are the ones
 * `adse model --json` and `adse map --json` print (docs/cli.md). Writers take a caller-owned FILE*;
 * they never open files themselves. adse_report_energy() writes the built-in estimator's pricing of
 * an architecture: a readable table, JSON (`adse energy --json`), or Accelergy v0.4 ERT.yaml /
 * ART.yaml that Timeloop and adse bind unchanged. Thread-safety: no shared state; callers serialise
 * writes to the same FILE*.
 */
#ifndef ADSE_REPORT_H
#define ADSE_REPORT_H

#include "adse/export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "adse/arch.h"
#include "adse/error.h"
#include "adse/mapper.h"
#include "adse/mapping.h"
#include "adse/model.h"
#include "adse/network.h"
#include "adse/spec.h"
#include "adse/workload.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The writers below take the model (for its architecture and problem). Each has a twin
 * adse_report_write_* taking the architecture and problem directly, for callers that hold
 * a result but no model (tests, tools that re-render saved results). All of them return
 * ADSE_E_USAGE for NULL arguments or a result whose mapping was invalid (r->fail != NONE),
 * ADSE_E_IO when the stream reports an error, ADSE_OK otherwise. */

/* Timeloop's one-line summary, e.g. "Utilization = 1.00 | pJ/Compute =    2.407 | Cycles = 48"
 * (utilization as a two-decimal fraction, pJ/Compute %8.3f). Returns buf. */
ADSE_API const char *adse_report_summary_line(const adse_result *r, char *buf, size_t size);

/* "Dense evaluation: sparse features ignored on request (--ignore-sparse)" when p->sparse_ignored
 * (adse_spec_options.ignore_sparse), else NULL: the note stats.txt starts with, `adse model`
 * and `adse map` print under the summary line, and the JSON documents carry as "note" (with
 * "sparse_ignored": true). Static storage. */
ADSE_API const char *adse_report_sparse_note(const adse_problem *p);

/* Timeloop's stats.txt for a valid result. */
ADSE_API adse_status adse_report_stats_txt(FILE *f, const adse_model *model,
                                           const adse_mapping *mapping, const adse_result *r);

/* Timeloop's map.txt (the loop nest, outermost first). */
ADSE_API adse_status adse_report_map_txt(FILE *f, const adse_model *model,
                                         const adse_mapping *mapping, const adse_result *r);

/* The `adse model --json` document, followed by a newline. */
ADSE_API adse_status adse_report_json(FILE *f, const adse_model *model, const adse_mapping *mapping,
                                      const adse_result *r);

/* Timeloop's map.yaml of a mapping (what timeloop-mapper writes as timeloop-mapper.map.yaml),
 * byte for byte: `mapping:` with one datatype directive per storage level, then per level
 * a spatial directive (levels with non-unit spatial loops) and a temporal one; permutations
 * list the non-unit loops innermost first, then the unit dimensions; no newline after the
 * last line, as yaml-cpp writes it. Needs no evaluation: any well-formed mapping. Read back
 * by adse_spec_load, it gives the same loop nest and keep masks (hence the same model
 * results); the adse_mapping is identical when it was read from such a file. */
ADSE_API adse_status adse_report_map_yaml(FILE *f, const adse_model *model,
                                          const adse_mapping *mapping);

/* The map.yaml from an explicit architecture and problem. */
ADSE_API adse_status adse_report_write_map_yaml(FILE *f, const adse_arch *arch,
                                                const adse_problem *problem,
                                                const adse_mapping *mapping);

/* The `adse map --json` document: every member of the `adse model --json` document for the
 * best mapping's evaluation, then "mapping" (the map.yaml directives as an array of
 * objects) and "search" (the mapper statistics). ADSE_E_USAGE when r->found is false. */
ADSE_API adse_status adse_report_mapper_json(FILE *f, const adse_model *model,
                                             const adse_mapper_result *r);

/* stats.txt from an explicit architecture and problem (mapping may be NULL: it is unused). */
ADSE_API adse_status adse_report_write_stats(FILE *f, const adse_arch *arch,
                                             const adse_problem *problem,
                                             const adse_mapping *mapping, const adse_result *r);

/* map.txt from an explicit architecture and problem; the mapping is required. */
ADSE_API adse_status adse_report_write_map(FILE *f, const adse_arch *arch,
                                           const adse_problem *problem, const adse_mapping *mapping,
                                           const adse_result *r);

/* The JSON document from an explicit architecture and problem (mapping may be NULL). */
ADSE_API adse_status adse_report_write_json(FILE *f, const adse_arch *arch,
                                            const adse_problem *problem,
                                            const adse_mapping *mapping, const adse_result *r);

/* ---- energy and area tables (`adse energy`) -------------------------------------------- */

typedef enum adse_energy_report_format {
    ADSE_ENERGY_REPORT_TABLE = 0, /* readable table: component, class, instances, action, pJ,
                                     area per instance and total, notes on approximations */
    ADSE_ENERGY_REPORT_JSON,      /* {"components": [...]}, schema in docs/cli.md */
    ADSE_ENERGY_REPORT_ERT,       /* Accelergy v0.4 ERT.yaml */
    ADSE_ENERGY_REPORT_ART        /* Accelergy v0.4 ART.yaml */
} adse_energy_report_format;

/* Prices every storage level (outermost first) and then the arithmetic level of spec's
 * architecture with the built-in estimator (adse_energy_estimate_buffer/_arith; opt NULL =
 * the options spec was loaded with), whatever ERT/ART the spec holds, and writes them in
 * format fmt. ERT/ART tables are named adse_spec_table_name() and list every action of the
 * estimator with `arguments: {}`, energies and areas written so that they read back to the
 * same doubles. Returns ADSE_E_USAGE without an architecture, the estimator's ADSE_E_SPEC
 * (located at the component) when a component cannot be priced -- then nothing is
 * written --, ADSE_E_IO when the stream reports an error. */
ADSE_API adse_status adse_report_energy(FILE *f, adse_energy_report_format fmt,
                                        const adse_spec *spec, const adse_energy_options *opt,
                                        adse_err *err);

/* ---- problems and networks (`adse import`) -------------------------------------------- */

/* Writes problem as a Timeloop problem file (`problem:` with its shape inline: dimensions,
 * coefficients, data spaces with their projections, and the instance with every bound and
 * coefficient), which Timeloop and adse read back to an equal problem. */
ADSE_API adse_status adse_report_problem_yaml(FILE *f, const adse_problem *problem);

/* The layer table of `adse import`: one row per distinct layer (index, name, op, count,
 * instance, MACs per occurrence, MACs x count), totals, and the ops not modeled. */
ADSE_API adse_status adse_report_network_table(FILE *f, const adse_network *net);

/* `adse import --json`: {"model", "layers": [{"name", "op", "instance", "count", "macs"}],
 * "total_macs", "skipped": {op: count}} (docs/cli.md). */
ADSE_API adse_status adse_report_network_json(FILE *f, const adse_network *net);

/* network.yaml: the network's name, source, and per layer its name, op, count, MACs and
 * problem file (files[i] for layer i, relative to network.yaml), the total MACs and the
 * ops not modeled (docs/networks.md). */
ADSE_API adse_status adse_report_network_yaml(FILE *f, const adse_network *net, const char *source,
                                              const char *const *files);

/* ---- a network mapped layer by layer (`adse map` on a network) ----------------------- */

/* The per-layer table of `adse map` on a network: name, count, cycles, energy in uJ,
 * utilization, share of the total energy (count-weighted), optimal; then the totals. */
ADSE_API adse_status adse_report_network_map_table(FILE *f, const adse_network *net,
                                                   const adse_network_layer_result *res);

/* `adse map --json` on a network: {"layers": [{"name", "count", "cycles", "energy_pj",
 * "utilization", "macs", "optimal"}], "total": {"cycles", "energy_pj", "edp", "macs",
 * "utilization"}, "seconds"}. */
ADSE_API adse_status adse_report_network_map_json(FILE *f, const adse_network *net,
                                                  const adse_network_layer_result *res,
                                                  double seconds);

/* network.svg: per distinct layer (labelled "#. name" in the table's order), the energy of all
 * its occurrences (count x one occurrence, uJ) stacked by component -- the MACs, each storage
 * level innermost first, the declared networks -- and, below, the cycles of all its
 * occurrences. results[i] is layer i's evaluation on arch (the design every layer was mapped
 * on). ADSE_E_NOMEM, ADSE_E_IO when the stream fails. */
ADSE_API adse_status adse_report_network_map_svg(FILE *f, const adse_network *net,
                                                 const adse_arch *arch,
                                                 const adse_result *const *results);

/* network.csv: one row per layer with the columns of the table, then a row "total". */
ADSE_API adse_status adse_report_network_map_csv(FILE *f, const adse_network *net,
                                                 const adse_network_layer_result *res);

#ifdef __cplusplus
}
#endif
#endif
