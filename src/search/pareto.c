/*
 * search/pareto.c: constrained domination, non-dominated sorting, crowding distance,
 * NSGA-II selection, the non-dominated subset and the exact hypervolume (search/pareto.h).
 * Every ordering goes through one stable merge sort whose keys end with the point index,
 * so results never depend on the sort's internals.
 */
#include "search/pareto.h"

#include <math.h>
#include <string.h>

/* ---- a stable merge sort of indices ---------------------------------------------------- */

typedef bool (*less_fn)(const void *ctx, int a, int b);

/* Sorts a[0 .. n - 1] by less (stable), tmp holds n ints. */
static void msort(int *a, int n, int *tmp, less_fn less, const void *ctx)
{
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n;
            int hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                tmp[o++] = less(ctx, a[j], a[i]) ? a[j++] : a[i++];
            while (i < mid)
                tmp[o++] = a[i++];
            while (j < hi)
                tmp[o++] = a[j++];
        }
        memcpy(a, tmp, (size_t)n * sizeof *a);
    }
}

typedef struct obj_key {
    const double *obj;
    int k;
    int j; /* the objective compared first (by_objective) or the number compared (lex) */
} obj_key;

static bool by_objective(const void *ctx, int a, int b)
{
    const obj_key *c = ctx;
    double x = c->obj[(size_t)a * c->k + c->j], y = c->obj[(size_t)b * c->k + c->j];
    return x < y || (x == y && a < b);
}

/* Lexicographic on the first c->j objectives, then index. */
static bool lexicographic(const void *ctx, int a, int b)
{
    const obj_key *c = ctx;
    const double *x = c->obj + (size_t)a * c->k, *y = c->obj + (size_t)b * c->k;
    for (int j = 0; j < c->j; j++)
        if (x[j] != y[j]) return x[j] < y[j];
    return a < b;
}

static bool by_index(const void *ctx, int a, int b)
{
    (void)ctx;
    return a < b;
}

typedef struct crowd_key {
    const int *rank;
    const double *crowd;
} crowd_key;

static bool crowded(const void *ctx, int a, int b)
{
    const crowd_key *c = ctx;
    return adse__nsga2_crowded_less(c->rank, c->crowd, a, b);
}

/* ---- domination ------------------------------------------------------------------------ */

bool adse__mo_dominates(int k, const double *a, const double *b)
{
    bool strict = false;
    for (int j = 0; j < k; j++) {
        if (a[j] > b[j]) return false;
        if (a[j] < b[j]) strict = true;
    }
    return strict;
}

int adse__mo_compare(const adse__mo_points *p, int a, int b)
{
    double va = p->violation ? p->violation[a] : 0.0;
    double vb = p->violation ? p->violation[b] : 0.0;
    if (va > 0 || vb > 0) {
        if (va < vb) return -1;
        if (vb < va) return 1;
        return 0;
    }
    const double *x = p->obj + (size_t)a * p->k, *y = p->obj + (size_t)b * p->k;
    if (adse__mo_dominates(p->k, x, y)) return -1;
    if (adse__mo_dominates(p->k, y, x)) return 1;
    return 0;
}

/* ---- non-dominated sorting --------------------------------------------------------------- */

int adse__nsga2_sort(const adse__mo_points *p, int *rank, int *order, int *front_start, int *work)
{
    int n = p->n, *dominators = work;
    for (int i = 0; i < n; i++) {
        dominators[i] = 0;
        rank[i] = -1;
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            int c = adse__mo_compare(p, i, j);
            if (c < 0)
                dominators[j]++;
            else if (c > 0)
                dominators[i]++;
        }
    /* Peel: a front is every unassigned point with no unassigned dominator, in index order;
     * removing it decrements the counts of the points it dominates. */
    int n_fronts = 0, placed = 0;
    front_start[0] = 0;
    while (placed < n) {
        int start = placed;
        for (int i = 0; i < n; i++)
            if (rank[i] < 0 && dominators[i] == 0) order[placed++] = i;
        for (int f = start; f < placed; f++)
            rank[order[f]] = n_fronts;
        for (int f = start; f < placed; f++)
            for (int q = 0; q < n; q++)
                if (rank[q] < 0 && adse__mo_compare(p, order[f], q) < 0) dominators[q]--;
        front_start[++n_fronts] = placed;
    }
    return n_fronts;
}

/* ---- crowding distance ------------------------------------------------------------------- */

void adse__nsga2_crowding(const adse__mo_points *p, const int *members, int m, double *crowd,
                          int *work)
{
    for (int i = 0; i < m; i++)
        crowd[members[i]] = m <= 2 ? INFINITY : 0.0;
    if (m <= 2) return;
    int *sorted = work, *tmp = work + m;
    for (int j = 0; j < p->k; j++) {
        obj_key key = {p->obj, p->k, j};
        memcpy(sorted, members, (size_t)m * sizeof *sorted);
        msort(sorted, m, tmp, by_objective, &key);
        double lo = p->obj[(size_t)sorted[0] * p->k + j];
        double hi = p->obj[(size_t)sorted[m - 1] * p->k + j];
        crowd[sorted[0]] = INFINITY;
        crowd[sorted[m - 1]] = INFINITY;
        if (!(hi > lo)) continue;
        for (int i = 1; i < m - 1; i++) {
            double prev = p->obj[(size_t)sorted[i - 1] * p->k + j];
            double next = p->obj[(size_t)sorted[i + 1] * p->k + j];
            crowd[sorted[i]] += (next - prev) / (hi - lo);
        }
    }
}

/* ---- selection and tournament ------------------------------------------------------------ */

bool adse__nsga2_crowded_less(const int *rank, const double *crowd, int a, int b)
{
    if (rank[a] != rank[b]) return rank[a] < rank[b];
    if (crowd[a] != crowd[b]) return crowd[a] > crowd[b];
    return a < b;
}

int adse__nsga2_select(const adse__mo_points *p, int keep, int *chosen, int *rank, double *crowd,
                       int *work)
{
    int n = p->n;
    int *order = work, *front_start = work + n, *scratch = work + 2 * n + 1;
    int n_fronts = adse__nsga2_sort(p, rank, order, front_start, scratch);
    crowd_key key = {rank, crowd};
    for (int f = 0; f < n_fronts; f++) {
        int *members = order + front_start[f], m = front_start[f + 1] - front_start[f];
        adse__nsga2_crowding(p, members, m, crowd, scratch);
        msort(members, m, scratch, crowded, &key);
    }
    for (int i = 0; i < keep && i < n; i++)
        chosen[i] = order[i];
    return n_fronts;
}

int adse__nsga2_tournament(adse__rng *rng, int n, const int *rank, const double *crowd)
{
    if (n <= 1) return 0;
    int a = (int)adse__rng_below(rng, (uint64_t)n);
    int b = (int)adse__rng_below(rng, (uint64_t)n - 1);
    if (b >= a) b++;
    return adse__nsga2_crowded_less(rank, crowd, a, b) ? a : b;
}

/* ---- the non-dominated subset ------------------------------------------------------------ */

int adse__pareto_front(const adse__mo_points *p, int *out, int *work)
{
    int k = p->k, c = 0, *cand = work, *tmp = work + p->n;
    for (int i = 0; i < p->n; i++) {
        if (p->violation && p->violation[i] > 0) continue;
        bool finite = true;
        for (int j = 0; j < k; j++)
            finite = finite && isfinite(p->obj[(size_t)i * k + j]);
        if (finite) cand[c++] = i;
    }
    /* In lexicographic order a point's dominators (and its identical twins of lower index)
     * all come before it, and if any does, a point already on the front does. */
    obj_key key = {p->obj, k, k};
    msort(cand, c, tmp, lexicographic, &key);
    int f = 0;
    for (int i = 0; i < c; i++) {
        const double *x = p->obj + (size_t)cand[i] * k;
        bool kept = true;
        for (int s = 0; s < f && kept; s++) {
            const double *y = p->obj + (size_t)out[s] * k;
            kept = !adse__mo_dominates(k, y, x) && memcmp(x, y, (size_t)k * sizeof *x) != 0;
        }
        if (kept) out[f++] = cand[i];
    }
    msort(out, f, tmp, by_index, NULL);
    return f;
}

/* ---- hypervolume ------------------------------------------------------------------------- */

/* The area dominated by the staircase st[0 .. m - 1] (x ascending, y descending). */
static double staircase_area(const double *obj, int k, const int *st, int m, const double *ref)
{
    double area = 0.0, prev_y = ref[1];
    for (int i = 0; i < m; i++) {
        const double *q = obj + (size_t)st[i] * k;
        area += (ref[0] - q[0]) * (prev_y - q[1]);
        prev_y = q[1];
    }
    return area;
}

double adse__hypervolume(int k, int n, const double *obj, const double *ref, int *work)
{
    int c = 0, *idx = work, *tmp = work + n;
    for (int i = 0; i < n; i++) {
        bool inside = true;
        for (int j = 0; j < k; j++)
            inside = inside && obj[(size_t)i * k + j] < ref[j];
        if (inside) idx[c++] = i;
    }
    if (c == 0) return 0.0;
    if (k == 1) {
        double best = obj[idx[0]];
        for (int i = 1; i < c; i++)
            best = fmin(best, obj[idx[i]]);
        return ref[0] - best;
    }
    if (k == 2) {
        /* Sorted by x (then y), each point lowering the best y so far adds the strip between
         * its y and that best, from its x to the reference. */
        obj_key key = {obj, k, 2};
        msort(idx, c, tmp, lexicographic, &key);
        double area = 0.0, best_y = ref[1];
        for (int i = 0; i < c; i++) {
            const double *q = obj + (size_t)idx[i] * k;
            if (q[1] < best_y) {
                area += (ref[0] - q[0]) * (best_y - q[1]);
                best_y = q[1];
            }
        }
        return area;
    }
    /* k == 3: sweep z upwards; between consecutive z values the cross-section is the 2-D
     * area dominated by the points already passed, kept as a staircase in tmp. */
    obj_key key = {obj, k, 2};
    msort(idx, c, tmp, by_objective, &key);
    int *st = tmp, m = 0;
    double volume = 0.0, area = 0.0, z_prev = obj[(size_t)idx[0] * k + 2];
    for (int i = 0; i < c; i++) {
        const double *q = obj + (size_t)idx[i] * k;
        volume += area * (q[2] - z_prev);
        z_prev = q[2];
        bool covered = false;
        for (int s = 0; s < m && !covered; s++) {
            const double *t = obj + (size_t)st[s] * k;
            covered = t[0] <= q[0] && t[1] <= q[1];
        }
        if (covered) continue;
        int w = 0;
        for (int s = 0; s < m; s++) {
            const double *t = obj + (size_t)st[s] * k;
            if (!(t[0] >= q[0] && t[1] >= q[1])) st[w++] = st[s];
        }
        m = w;
        int pos = 0;
        while (pos < m && obj[(size_t)st[pos] * k] < q[0])
            pos++;
        memmove(st + pos + 1, st + pos, (size_t)(m - pos) * sizeof *st);
        st[pos] = idx[i];
        m++;
        area = staircase_area(obj, k, st, m, ref);
    }
    return volume + area * (ref[2] - z_prev);
}

bool adse__hv_reference(const adse__mo_points *p, double *ref)
{
    double worst[ADSE__MO_MAX_OBJ];
    bool any = false;
    for (int i = 0; i < p->n; i++) {
        if (p->violation && p->violation[i] > 0) continue;
        for (int j = 0; j < p->k; j++) {
            double v = p->obj[(size_t)i * p->k + j];
            worst[j] = any ? fmax(worst[j], v) : v;
        }
        any = true;
    }
    if (!any) return false;
    for (int j = 0; j < p->k; j++)
        ref[j] = worst[j] + 0.1 * fabs(worst[j]);
    return true;
}
