/*
 * report/report_internal.h: helpers shared by the report writers (internal).
 *
 * The printed loop nest is rebuilt from the mapping exactly as Timeloop builds it
 * (model.md §3.2): per storage level i, innermost first, the spatial loops S_i (first `split`
 * permutation entries are X, the rest Y) then the temporal loops T_i, each in permutation
 * order, unit factors dropped. Timeloop adds a bound-1 dummy loop to a level without
 * temporal loops; it is never printed, so it is not represented here.
 */
#ifndef ADSE_REPORT_INTERNAL_H
#define ADSE_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "adse/arch.h"
#include "adse/mapping.h"
#include "adse/model.h"
#include "adse/network.h"
#include "adse/search.h"
#include "adse/workload.h"
#include "util/json_writer.h"

typedef enum adse__loop_kind { ADSE__LOOP_T, ADSE__LOOP_X, ADSE__LOOP_Y } adse__loop_kind;

typedef struct adse__loop {
    uint8_t dim;          /* dimension id */
    uint64_t bound;       /* > 1 */
    adse__loop_kind kind; /* temporal, Spatial-X or Spatial-Y */
} adse__loop;

#define ADSE__MAX_LOOPS (2 * ADSE_MAX_LEVELS * ADSE_MAX_DIMS)

typedef struct adse__nest {
    int n_loops; /* loops, index 0 innermost */
    adse__loop loops[ADSE__MAX_LOOPS];
    int level_begin[ADSE_MAX_LEVELS]; /* first loop index of storage level i (its S_i) */
    int level_end[ADSE_MAX_LEVELS];   /* one past its last loop (outermost of T_i) */
} adse__nest;

/* Builds the non-unit loop nest of a mapping for n_levels storage levels. */
void adse__report_build_nest(const adse_mapping *m, adse__nest *out);

/* Whether Timeloop prints a level: level == -1 is the arithmetic level, otherwise storage
 * level i. Levels with zero accesses and zero energy are hidden. */
bool adse__report_level_shown(const adse_arch *a, const adse_result *r, int level);

/* Column width of the fJ/Compute names: one more than the longest level name or inferred
 * network name ("<outer> <==> <inner>" for every adjacent pair, MACs included). */
int adse__report_name_align(const adse_arch *a);

/* The directives of Timeloop's map.yaml (Mapping::FormatAsYaml, map_yaml.c). */
typedef enum adse__dir_kind {
    ADSE__DIR_DATATYPE,
    ADSE__DIR_SPATIAL,
    ADSE__DIR_TEMPORAL
} adse__dir_kind;

typedef struct adse__directive {
    int level; /* storage level */
    adse__dir_kind kind;
    uint64_t factors[ADSE_MAX_DIMS]; /* spatial/temporal: factor per dimension id */
    char perm[ADSE_MAX_DIMS + 1];    /* spatial/temporal: dimension letters, NUL-terminated */
    int split;                       /* spatial: number of non-unit X loops */
} adse__directive;

typedef struct adse__directives {
    int n;
    adse__directive d[3 * ADSE_MAX_LEVELS];
} adse__directives;

/* Builds the directives of m in Timeloop's order. */
void adse__report_directives(const adse_mapping *m, const adse_problem *p, adse__directives *out);

/* Writes the directives of m as a JSON array of objects with the map.yaml keys. */
void adse__report_json_directives(adse__json *w, const adse_arch *a, const adse_problem *p,
                                  const adse_mapping *m);

/* ---- networks (network_report.c) ----------------------------------------------------- */

/* "total (count-weighted): cycles C, energy E uJ, EDP X J*cycle, utilization U%, M MACs,
 * every layer optimal" and a newline: the totals line of `adse map` on a network. */
void adse__report_network_totals_line(FILE *f, const adse_network_totals *t);

/* The `layers` array and the `total` object of `adse map --json` on a network, as two
 * members of the object being written. */
void adse__report_network_json_members(adse__json *w, const adse_network *net,
                                       const adse_network_layer_result *res);

/* ---- the hardware search's outputs (search_report.c, pareto_report.c) ---------------- */

/* history.csv's header line and one design's row (pareto.csv has the same columns). */
void adse__search_csv_header(FILE *f, const adse_search *s);
void adse__search_csv_row(FILE *f, const adse_search *s, const adse_search_design *d);

/* One design of the --json document: {"genes", "metrics", "loss", "status"[, "reason"]}. */
void adse__search_json_design(adse__json *w, const adse_search *s, const adse_search_design *d);

/* A run with objectives: "objectives", "pareto" and "hypervolume" members of the --json
 * document; report.md's front table, hypervolume and its history per generation (images
 * linked when link_svgs); the front's design with the lowest value of objective k (NULL
 * when the front is empty). */
void adse__pareto_json(adse__json *w, const adse_search *s);
adse_status adse__pareto_md(FILE *f, const adse_search *s, bool link_svgs);
const adse_search_design *adse__pareto_lowest(const adse_search *s, int k);

#endif
