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

/* report.md. svg_name is the convergence plot's file name to link (NULL = none); with
 * objectives, non-NULL links pareto.svg and hypervolume.svg instead, and the front,
 * its hypervolume and their history per generation replace the convergence table. */
ADSE_API adse_status adse_report_search_md(FILE *f, const adse_search *s, const char *svg_name);

/* convergence.svg: best and mean loss per generation. */
ADSE_API adse_status adse_report_search_svg(FILE *f, const adse_search *s);

/* A run with objectives (docs/search.md section 11); ADSE_E_USAGE without. pareto.csv: the
 * front (adse_search_pareto) with history.csv's columns, in history order. */
ADSE_API adse_status adse_report_search_pareto_csv(FILE *f, const adse_search *s);

/* pareto.svg: every feasible design as a light point, the front highlighted (joined for two
 * objectives), the baseline and the references marked and labeled; three objectives give
 * three pairwise panels. */
ADSE_API adse_status adse_report_search_pareto_svg(FILE *f, const adse_search *s);

/* hypervolume.svg: the hypervolume of the front of generations 0..g, per generation g. */
ADSE_API adse_status adse_report_search_hypervolume_svg(FILE *f, const adse_search *s);

/* A short text summary for the terminal (baseline, best, ratios, counts). */
ADSE_API adse_status adse_report_search_summary(FILE *f, const adse_search *s);

#ifdef __cplusplus
}
#endif
#endif
