/*
 * adse/report.h: writing evaluation results the way Timeloop does, and as JSON.
 *
 * stats.txt follows Timeloop's layout (spec 10.1: same labels, same number formats) so
 * scripts that parse timeloop-model.stats.txt read adse's too; map.txt follows
 * Nest::PrettyPrint (spec 10.2). The JSON document is the one `adse model --json` prints
 * (docs/cli.md). Writers take a caller-owned FILE*; they never open files themselves.
 * Thread-safety: no shared state; callers serialise writes to the same FILE*.
 */
#ifndef ADSE_REPORT_H
#define ADSE_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "adse/error.h"
#include "adse/mapping.h"
#include "adse/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Timeloop's one-line summary, e.g. "Utilization = 1.00 | pJ/Compute =    2.407 | Cycles = 48"
 * (utilization as a two-decimal fraction, pJ/Compute %8.3f). Returns buf. */
const char *adse_report_summary_line(const adse_result *r, char *buf, size_t size);

/* Timeloop's stats.txt for a valid result. */
adse_status adse_report_stats_txt(FILE *f, const adse_model *model, const adse_mapping *mapping,
                                  const adse_result *r);

/* Timeloop's map.txt (the loop nest, outermost first). */
adse_status adse_report_map_txt(FILE *f, const adse_model *model, const adse_mapping *mapping,
                                const adse_result *r);

/* The `adse model --json` document, followed by a newline. */
adse_status adse_report_json(FILE *f, const adse_model *model, const adse_mapping *mapping,
                             const adse_result *r);

#ifdef __cplusplus
}
#endif
#endif
