/*
 * search/pareto.h: multi-objective building blocks for the NSGA-II search (internal).
 *
 * A point set is n rows of k objectives (row-major, every objective minimized) plus an
 * optional total constraint violation per point (0: feasible; > 0: how far the point is
 * outside its budgets). Everything here is pure computation on borrowed arrays: no function
 * allocates, the caller passes scratch arrays whose sizes are stated on each function, and
 * every result is deterministic (ties are always broken by point index, lowest first).
 * Objectives are expected to be finite; pareto_front skips points that are not.
 * Thread safety: none needed (no shared state); the RNG passed to the tournament is the
 * caller's and must not be shared between threads.
 * Definitions: docs/search.md, "Multi-objective building blocks".
 */
#ifndef ADSE_SEARCH_PARETO_H
#define ADSE_SEARCH_PARETO_H

#include <stdbool.h>

#include "search/search_internal.h"

#define ADSE__MO_MAX_OBJ 3 /* objectives per point: 1 .. 3 */

typedef struct adse__mo_points {
    int n;                   /* number of points (>= 0) */
    int k;                   /* objectives per point, 1 .. ADSE__MO_MAX_OBJ */
    const double *obj;       /* n * k values, point i at obj[i * k]; borrowed */
    const double *violation; /* n total constraint violations (>= 0, 0 = feasible), or NULL
                              * when every point is feasible; borrowed */
} adse__mo_points;

/* Pareto domination of k-vectors: a <= b in every objective and a < b in at least one. */
bool adse__mo_dominates(int k, const double *a, const double *b);

/* Deb's constrained domination between points a and b of p: a feasible point beats an
 * infeasible one; of two infeasible points the smaller total violation wins; two feasible
 * points compare by Pareto domination. -1: a dominates b; 1: b dominates a; 0: neither. */
int adse__mo_compare(const adse__mo_points *p, int a, int b);

/* Fast non-dominated sorting under constrained domination, O(k n^2) time, O(n) memory.
 * rank[i]: the front of point i (0: not dominated by any point; r: dominated only by points
 * of fronts < r, and by one of front r - 1). order[]: the n indices by front, then by index;
 * front f is order[front_start[f] .. front_start[f + 1] - 1] (front_start holds n_fronts + 1
 * entries, at most n + 1). Scratch: work of n ints. Returns the number of fronts. */
int adse__nsga2_sort(const adse__mo_points *p, int *rank, int *order, int *front_start, int *work);

/* Crowding distance of the m points members[] (one front) into crowd[members[j]]: for each
 * objective, the members are ordered by (value, index); the first and the last get
 * INFINITY, every other point adds (next - previous) / (max - min) of that objective (0 when
 * max == min). With m <= 2 every member is INFINITY. Scratch: work of 2 m ints. */
void adse__nsga2_crowding(const adse__mo_points *p, const int *members, int m, double *crowd,
                          int *work);

/* NSGA-II survivor selection: sorts the n points (rank, crowding of each front), then
 * chosen[0 .. keep - 1] = the first keep points by (rank ascending, crowding descending,
 * index ascending). rank[] and crowd[] (n each) are filled for every point, so that the
 * tournament can use them. keep <= n. Scratch: work of ADSE__NSGA2_SELECT_WORK(n) ints.
 * Returns the number of fronts. */
#define ADSE__NSGA2_SELECT_WORK(n) (4 * (n) + 1)
int adse__nsga2_select(const adse__mo_points *p, int keep, int *chosen, int *rank, double *crowd,
                       int *work);

/* Crowded comparison: true when a is preferred to b (lower rank; same rank: larger
 * crowding; same crowding: lower index). */
bool adse__nsga2_crowded_less(const int *rank, const double *crowd, int a, int b);

/* Binary tournament among n >= 1 slots with rank[] and crowd[]: draws two distinct slots
 * uniformly (a, then b from the other n - 1; the same slot when n == 1) and returns the
 * crowded-comparison winner. Exactly two rng draws when n >= 2, none when n == 1. */
int adse__nsga2_tournament(adse__rng *rng, int n, const int *rank, const double *crowd);

/* The non-dominated feasible subset (what pareto.csv holds): feasible points with finite
 * objectives not Pareto-dominated by another such point; of points with identical
 * objectives only the first by index is kept. out[] receives the indices in ascending
 * order; returns their count. O(n log n + n f) for a front of f points. Scratch: work of
 * 2 n ints; out of n ints. */
int adse__pareto_front(const adse__mo_points *p, int *out, int *work);

/* Exact hypervolume of the region dominated by the n points (k = 1, 2 or 3 objectives,
 * row-major obj) and bounded by ref: the measure of the union of the boxes [p, ref). A point
 * that does not strictly dominate ref (p_j < ref_j for every j) contributes nothing.
 * k = 2: sort and sweep; k = 3: slices in the third objective over an incrementally kept
 * 2-D staircase, O(n^2). Scratch: work of 2 n ints. */
double adse__hypervolume(int k, int n, const double *obj, const double *ref, int *work);

/* The reference point of issue 11: for each objective, 1.1 x the worst (largest) value among
 * the feasible points (worst + 0.1 |worst|, the same for positive values; the objectives
 * are expected normalized by the baseline). false, ref untouched, when no point is
 * feasible. */
bool adse__hv_reference(const adse__mo_points *p, double *ref);

#endif
