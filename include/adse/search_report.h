/*
 * adse/search_report.h: the outputs of a hardware search (`adse search`, docs/search.md).
 *
 * history.csv: one row per design the search evaluated (or screened out), in the order of
 * its first appearance in a generation; report.md: the poster's two tables (parameters and
 * metrics of the baseline, the best design and each reference design, with ratios to the
 * baseline) and the run's figures; convergence.svg: best and mean loss per generation;
 * the `adse search --json` document. Writers take a caller-owned FILE*; they never open
 * files. Numbers that feed other programs (CSV, JSON) are written so that they read back
 * to the same double.
 * Thread-safety: no shared state; the search must not run while a writer reads it.
 */
#ifndef ADSE_SEARCH_REPORT_H
#define ADSE_SEARCH_REPORT_H

#include "adse/export.h"

#include <stdio.h>

#include "adse/error.h"
#include "adse/search.h"

#ifdef __cplusplus
extern "C" {
#endif

/* history.csv: generation,index,<genes...>,status,feasible,loss,cycles,energy_pj,gflops,
 * utilization,edp,area_um2,onchip_bits,pes,reason. Empty cells for metrics a design does
 * not have (infeasible designs keep area, on-chip bits and PEs). */
ADSE_API adse_status adse_report_search_history_csv(FILE *f, const adse_search *s);

/* The `adse search --json` document (schema in docs/cli.md). */
ADSE_API adse_status adse_report_search_json(FILE *f, const adse_search *s);

/* report.md. svg_name is the convergence plot's file name to link (NULL = none). */
ADSE_API adse_status adse_report_search_md(FILE *f, const adse_search *s, const char *svg_name);

/* convergence.svg: best and mean loss per generation. */
ADSE_API adse_status adse_report_search_svg(FILE *f, const adse_search *s);

/* A short text summary for the terminal (baseline, best, ratios, counts). */
ADSE_API adse_status adse_report_search_summary(FILE *f, const adse_search *s);

#ifdef __cplusplus
}
#endif
#endif
