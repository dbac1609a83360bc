/*
 * bound.c: lower bounds of the metrics, and metric vectors (model.md §9.4).
 *
 * Every bound here is a property of the model's formulas (model.c, collapse()), valid for
 * every loop order and split, so a subtree whose bound cannot beat the incumbent holds no
 * better mapping. The facts used (docs/mapper.md section 5 argues each):
 *
 *  F1 Compute cycles = product of temporal factors; cycles >= compute cycles + latency, and
 *     >= a level's reads (fills + updates) per instance divided by its read (write)
 *     bandwidth, since throttling makes cycles_i >= demand / bandwidth.
 *  F2 Fill_k(d) >= the number of distinct points of d that one instance of level k holds
 *     over the temporal loops above it (|union of its tiles|). Timeloop's 2^k
 *     extrapolation charges each real position either |cur \ p| for an earlier real
 *     position p (same translation) or |cur|, so it never undercounts the union.
 *  F3 Without link transfers at spatial level j, the parent's accesses are G_j * fill and
 *     the children's multicast-weighted accesses F_j * fill; G_j (distinct data-space
 *     offsets of the children, their steps the children's tile extents) does not depend on
 *     loop order, and is counted exactly once the children's tiles are known (groups_of).
 *     Link transfers are impossible at j >= 1 for a halo-free data space under the NEW
 *     translation rule (deltas are empty or whole disjoint tiles; a neighbour's tile is
 *     never the next position's).
 *  F3' With link transfers, a visit with an unlinked child keeps at least one multicast
 *     group, so A * F >= AM: a bypassed level scales the accesses of the level above by at
 *     least 1. A kept level's own link-reduced accesses get no bound (0).
 *  F4 Bypass composes: a kept level's reads are Fill(next keeper below) times the groups
 *     of the levels in between, or compute cycles times all groups below for the
 *     innermost keeper; its fills are its own Fill (model.md §4.8.5, model.c collapse()).
 *  F5 Over all instances a keeper reads (and a non-outermost keeper fills) at least the
 *     operand points of d, divided among its instances; link transfers do not lower it (a
 *     link carries only what a neighbour received at the previous visit), so it bounds the
 *     outermost level's and the innermost keeper's reads under links too.
 *  F6 The innermost keeper k0 of d reads (updates) computes * prod_{j <= k0} G_j / F_j over
 *     all instances (F4 with F_j the fanout used); a partial factorization takes the least
 *     over the levels that may be the innermost keeper, 1 / fanout for unassigned levels.
 *  F7 For a halo-free data space with the closed-form fill (model.md §4.5a), the least
 *     Fill_k(d) over every loop order the constraints allow (least_closed_fill): the only
 *     choice is which irrelevant loops precede the first relevant one at the innermost
 *     level above k that holds one. For a sliding window, the same count over the
 *     dimensions of its one-term ranks bounds Fill_k(d) from below (a step carried at or
 *     outside the innermost such loop moves the tile off itself along one of them), and so
 *     does the whole tile plus, loop by loop, the part of the tile each step uncovers times
 *     the steps of that loop, the least over the orders taken level by level (slide_sum).
 *  F8 For a partial factorization (adse__bound_partial): each data space's innermost keepers
 *     must fit together with the forced keepers at the tiles known so far; a keeper whose
 *     tiling levels are complete fills at least its tile times the unknown remaining factors
 *     (all of them once a complete level above holds a relevant loop, else the relevant
 *     ones) over its instances, and the next keeper reads at least the tile times the
 *     relevant remaining factors; the least chain of keepers is a small dynamic program.
 *  F9 For an unassigned spatial level, the innermost keepers' G_j / F_j come from one of the
 *     level's choices of factors (enumerated, the dominated ones dropped): each data space
 *     takes its least alone, and those read through the same levels share one choice per
 *     level (jointly, at each keeper assignment); under a cycles cap the choices' fanouts
 *     must reach MACs / (cap - latency). Across the unassigned levels together, a data space
 *     with a simple projection and no links there has a product of ratios at least one over
 *     the product of its irrelevant remainders (rfloor).
 * F10 A level of capacity S that keeps several halo-free data spaces (NEW rule) refills the
 *     tiles of those relevant to the innermost temporal loop above it at every iteration:
 *     over all instances T_d(e) x MACs / V(e) for tile extents e that fit S. A table per
 *     level and set of data spaces holds the least such vectors; where two or more data
 *     spaces have their innermost keeper at a level whose tile is not yet known, their
 *     chains of keepers (F8) are priced at those fills instead of the operand points.
 *     Across levels: a data space kept at j below the set's outermost level K fills at j at
 *     least MACs / (its irrelevant extents at K) when the innermost temporal loop above K
 *     is relevant to it or its relevant extents grew between j and K beyond j's size times
 *     the spatial products in between; a table per K and assignment of levels.
 * F11 With link transfers at the MAC level, the points new to the MACs' union tile at a
 *     step are still read (F5's argument), and at a step the groups read unless a MAC's
 *     offset is theirs plus the step's translation (counted per kind of step: mstep_reads):
 *     F10's vectors over the MAC level's factor vectors bound the MAC level's reads (those
 *     of its own factors once that level is complete), and through F6's product above it
 *     the innermost keepers' reads.
 * Set sizes use the Cauchy-Davenport inequality |A + B| >= |A| + |B| - 1 for sums of
 * integer sets, exact for halo-free ranks, where they are not counted. adse__fill_exact()
 * replaces F2 by the model's own value once the loop orders above a level are fixed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adse/workload.h"
#include "mapper/mapper_internal.h"
#include "model/model_internal.h"
#include "util/intmath.h"
#include "util/primes.h"

/* The larger of two energies or counts: a comparison, not a call of libm's fmax (the values
 * are never NaN; these run in the keeper assignments' inner loops). */
static inline double max2(double a, double b)
{
    return a > b ? a : b;
}

/* Relative safety margin of floating lower bounds against rounding in the model's sums. */
#define LB_MARGIN 1e-9
#define JOINT_MAX 4096    /* F9: the most nodes of a joint enumeration */
#define JOINT_SLACK 1e-12 /* F9: relative rounding allowed for in its cuts */

/* Per-rank set-size bound: single term c*x covers `pos[x]` positions of a box of extent
 * |c|(E-1)+1 each (disjoint boxes); several distinct terms: Cauchy-Davenport on the point
 * sets (size pts[x] each), at least one box. Returns the bound for data space d, the
 * product over ranks when they use disjoint dims (else the largest rank). */
static uint64_t set_bound(const adse_problem *p, int d, const uint64_t *ext, const uint64_t *pos)
{
    const adse_dataspace *ds = &p->ds[d];
    uint64_t prod = 1, mx = 1;
    uint32_t all = 0;
    bool disjoint = true;
    for (int r = 0; r < ds->n_ranks; r++) {
        const adse_rank *rk = &ds->ranks[r];
        uint32_t dims = 0;
        bool distinct = true;
        uint64_t box = 1, cd = 1;
        int nz = 0;
        for (int t = 0; t < rk->n_terms; t++) {
            const adse_term *tm = &rk->terms[t];
            if (dims & (1u << tm->dim)) distinct = false;
            dims |= 1u << tm->dim;
            if (tm->coef == 0) continue;
            uint64_t c = (uint64_t)(tm->coef < 0 ? -tm->coef : tm->coef);
            box += c * (ext[tm->dim] - 1);
            cd += ext[tm->dim] * pos[tm->dim] - 1;
            nz++;
        }
        if (dims & all) disjoint = false;
        all |= dims;
        uint64_t v = box;
        if (nz == 1 && distinct) {
            for (int t = 0; t < rk->n_terms; t++)
                if (rk->terms[t].coef != 0) v = adse__mul_sat(box, pos[rk->terms[t].dim]);
        } else if (nz > 1 && distinct && cd > v) {
            v = cd;
        }
        prod = adse__mul_sat(prod, v);
        if (v > mx) mx = v;
    }
    return disjoint ? prod : mx;
}

/* The values of rank rk's sum over the index vectors of a spatial level with factors cnt,
 * each index times its term's coefficient and step[dim], the children's tile extent (terms
 * on dimensions of cnt < 2 are constant): *distinct of them, the most index vectors giving
 * one value *most (1 for a rank of fewer than two such terms). Without step (the extents
 * unknown) only *most, bounded for every step: two index vectors that differ in one
 * dimension only give different sums, so a value has at most one vector per line along
 * each dimension, the product of the counts over the largest. used collects the dimensions
 * seen; false when one is seen twice (in this rank or an earlier one) or the sums span
 * GMAX_RANGE values or more. */
#define GMAX_RANGE 4096
static bool rank_sums(const adse_rank *rk, const uint64_t *cnt, const uint64_t *step,
                      uint32_t *used, uint64_t *distinct, uint64_t *most)
{
    int n = 0, dim[ADSE_MAX_TERMS];
    int64_t coef[ADSE_MAX_TERMS], lo = 0, hi = 0;
    for (int t = 0; t < rk->n_terms; t++) {
        const adse_term *tm = &rk->terms[t];
        if (tm->coef == 0 || cnt[tm->dim] < 2) continue;
        if (*used & (1u << tm->dim)) return false;
        *used |= 1u << tm->dim;
        int64_t c = tm->coef * (step ? (int64_t)step[tm->dim] : 1);
        if (step && step[tm->dim] >= GMAX_RANGE) return false;
        int64_t span = c * (int64_t)(cnt[tm->dim] - 1);
        if (span < 0)
            lo += span;
        else
            hi += span;
        dim[n] = tm->dim;
        coef[n++] = c;
    }
    *most = 1;
    *distinct = n == 1 ? cnt[dim[0]] : 1;
    if (n < 2) return true;
    if (!step) {
        uint64_t prod = 1, mx = 1;
        for (int i = 0; i < n; i++) {
            prod = adse__mul_sat(prod, cnt[dim[i]]);
            if (cnt[dim[i]] > mx) mx = cnt[dim[i]];
        }
        *most = prod / mx;
        return true;
    }
    if (hi - lo >= GMAX_RANGE) return false;
    uint32_t hist[GMAX_RANGE], best = 0;
    uint64_t vals = 0;
    memset(hist, 0, (size_t)(hi - lo + 1) * sizeof hist[0]);
    uint64_t idx[ADSE_MAX_TERMS] = {0};
    for (;;) { /* every index vector of the rank's dimensions */
        int64_t v = -lo;
        for (int i = 0; i < n; i++)
            v += coef[i] * (int64_t)idx[i];
        vals += hist[v] == 0;
        if (++hist[v] > best) best = hist[v];
        int i = 0;
        while (i < n && ++idx[i] == cnt[dim[i]])
            idx[i++] = 0;
        if (i == n) break;
    }
    *distinct = vals;
    *most = best;
    return true;
}

/* F3'': the most children of a spatial level with factors cnt that share one offset of d
 * (one multicast group), their tiles' extents step (NULL: unknown): the product of cnt over
 * the dimensions d does not depend on, times per rank of two or more terms on dimensions of
 * cnt > 1 the most index vectors of those dimensions that give one value of the rank's sum
 * (rank_sums). When ranks share a dimension (or a rank's sums span too wide a range), the
 * whole fanout, which every group is within. */
uint64_t adse__group_max(const adse_problem *p, int d, const uint64_t *cnt, const uint64_t *step)
{
    const adse_dataspace *ds = &p->ds[d];
    uint64_t fan = 1, g = 1;
    for (int x = 0; x < p->n_dims; x++)
        fan = adse__mul_sat(fan, cnt[x]);
    uint32_t used = 0;
    for (int r = 0; r < ds->n_ranks; r++) {
        uint64_t distinct, most;
        if (!rank_sums(&ds->ranks[r], cnt, step, &used, &distinct, &most)) return fan;
        g = adse__mul_sat(g, most);
    }
    for (int x = 0; x < p->n_dims; x++) /* the dimensions d does not depend on */
        if (!(used >> x & 1u)) g = adse__mul_sat(g, cnt[x]);
    return g;
}

/* F3: the multicast groups of d among the children of a spatial level with factors cnt,
 * i.e. their distinct offsets (model.md 4.6: a child's offset is the sum over the level's
 * dimensions x of its index times one step of x, the children's tile extent ext[x],
 * projected on d's ranks). With ext (the children's tiles known): the product over the
 * ranks of the distinct values of each rank's sum, exact when no two ranks share a
 * dimension (the ranks then vary independently); else, or where a rank's sums span too
 * wide a range, or without ext, set_bound's Cauchy-Davenport bound, which holds for any
 * steps. */
static uint64_t groups_of(const adse_problem *p, int d, const uint64_t *cnt, const uint64_t *ext)
{
    const adse_dataspace *ds = &p->ds[d];
    uint64_t g = 1;
    uint32_t used = 0;
    for (int r = 0; r < ds->n_ranks; r++) {
        uint64_t distinct, most;
        if (!ext || !rank_sums(&ds->ranks[r], cnt, ext, &used, &distinct, &most)) {
            uint64_t one[ADSE_MAX_DIMS];
            for (int x = 0; x < ADSE_MAX_DIMS; x++)
                one[x] = 1;
            return set_bound(p, d, one, cnt);
        }
        g = adse__mul_sat(g, distinct);
    }
    return g;
}

/* The order of temporal tiling level u (non-unit dims nonunit) as far as the fixed ones
 * decide it: the levels above t_fix fixed in ords, the first n_fix free loops of t_fix
 * fixed, the others as the constraints leave them (section 2.3: a fixed prefix P', a free
 * infix I', a fixed suffix S'; a canonical level fixed). Returns its loops, innermost
 * first, with [*a, *b) the ones that may take any order (first: room for an order made
 * here; a free level's loops in ascending order). */
static const morder *level_order(const mspace *sp, int u, uint32_t nonunit, const morder *ords,
                                 int t_fix, int n_fix, morder *first, int *a, int *b)
{
    const mtl *l = &sp->tl[u];
    if (u < t_fix && !l->canonical && !l->fixed_mask) {
        first->n = 0;
        for (int x = 0; x < sp->D; x++)
            if ((nonunit >> x) & 1u) first->dims[first->n++] = (uint8_t)x;
        *a = 0, *b = first->n;
        return first;
    }
    const morder *o = first;
    if (u < t_fix)
        adse__order_first(sp, u, nonunit, first);
    else
        o = &ords[u];
    *a = o->n_pre, *b = o->n_pre + o->n_inf;
    if (u == t_fix) *a += n_fix;
    if (u > t_fix || l->canonical) *a = *b = o->n;
    if (*a > *b) *a = *b;
    return o;
}

/* F7: the least closed-form Fill_k(d) (model.md §4.5a) over every loop order the space
 * allows, the loops on the dimensions of rel counting as relevant (sp->rel_closed[d]; for a
 * sliding window its sliding dimensions then count as irrelevant, a lower bound of its
 * fill, docs/mapper.md section 5), given that the temporal levels above t_fix
 * have the orders ords[] and level t_fix its first n_pre + n_fix loops of ords[t_fix]
 * (t_fix = NT: nothing fixed). The closed form counts U_k(d) times the loops from the
 * innermost relevant one above k outwards. Whether a
 * temporal level holds a relevant non-unit loop does not depend on orders, so the levels up
 * to and including the innermost such level u are the only ones with a choice: the levels
 * below u are skipped whole, the levels above u counted whole, and at u the loops counted are
 * all but the irrelevant ones before its first relevant loop, which the order makes as many
 * as it can: u's order is a sequence of fixed segments and at most one free one (P', I', S';
 * a level with fixed loops: its fixed prefix, the rest of I', S'; a fixed level: one
 * segment); the irrelevant loops of a fixed segment before its first relevant loop are
 * skipped, all the irrelevant loops of a free segment (an order of it can put them before
 * its relevant ones), and the walk stops after the first segment holding a relevant loop.
 * u_rel (or NULL) receives u, NT where there is none. */
static uint64_t least_closed_fill(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS],
                                  uint64_t tsize, const morder *ords, int t_fix, int n_fix, int k,
                                  uint32_t rel, int *u_rel)
{
    uint64_t v = tsize;
    bool on = false;
    if (u_rel) *u_rel = sp->NT;
    for (int u = sp->t_of[k] + 1; u < sp->NT; u++) {
        const mtl *l = &sp->tl[u];
        if (l->spatial) continue;
        uint32_t nonunit = 0;
        uint64_t prod = 1;
        for (int x = 0; x < sp->D; x++)
            if (f[u][x] > 1) {
                nonunit |= 1u << x;
                prod = adse__mul_sat(prod, f[u][x]);
            }
        if (on) {
            v = adse__mul_sat(v, prod);
            continue;
        }
        if (!(nonunit & rel)) continue; /* every loop of the level is skipped */
        if (u_rel) *u_rel = u;
        on = true;
        if (u < t_fix && !l->canonical && !l->fixed_mask) {
            /* one free segment: every irrelevant loop skipped, the relevant ones counted */
            for (int x = 0; x < sp->D; x++)
                if ((nonunit >> x) & (rel >> x) & 1u) v = adse__mul_sat(v, f[u][x]);
            continue;
        }
        morder first;
        int a, b, seg[3][2], n_seg = 3, free_seg = 1;
        const morder *o = level_order(sp, u, nonunit, ords, t_fix, n_fix, &first, &a, &b);
        seg[0][0] = 0, seg[0][1] = a;
        seg[1][0] = a, seg[1][1] = b;
        seg[2][0] = b, seg[2][1] = o->n;
        uint64_t skip = 1;
        for (int g = 0; g < n_seg; g++) {
            bool fr = g == free_seg, stop = false;
            for (int q = seg[g][0]; q < seg[g][1]; q++) {
                int x = o->dims[q];
                if ((rel >> x) & 1u) {
                    stop = true;
                    if (!fr) break;
                } else if (!stop || fr) {
                    skip *= f[u][x];
                }
            }
            if (stop) break;
        }
        v = adse__mul_sat(v, prod / skip);
    }
    return v;
}

/* The points a box of rank extents e shares with its translate by t (per dimension),
 * projected through p. */
static uint64_t box_overlap(const mproj *p, const int64_t *e, const int64_t *t)
{
    uint64_t ov = 1;
    for (int r = 0; r < p->n_ranks && ov > 0; r++) {
        int64_t tr = 0;
        for (int q = p->first[r]; q < p->first[r + 1]; q++)
            tr += p->coef[q] * t[p->dim[q]];
        if (tr < 0) tr = -tr;
        ov *= tr >= e[r] ? 0 : (uint64_t)(e[r] - tr);
    }
    return ov;
}

/* The free loops of one level that slide_level orders by a dynamic programme over their
 * subsets; a level with more (no problem of the benchmarks has more than 7 dimensions) has
 * its free loops and those after them priced at 0, a bound no higher. */
#define SLIDE_DP_MAX 8

/* One temporal level u of slide_sum: d's projection, its tile's rank extents e and points
 * tsize, u's factors fu and one step of each of its dimensions stepu, back one step of every
 * non-unit temporal loop between the tile's level and u, tot the product of u's loops. */
typedef struct slevel {
    const mproj *p;
    const int64_t *e, *back;
    const uint64_t *fu, *stepu;
    uint64_t tsize, tot;
    int D;
} slevel;

/* The positions where u's loop x carries, with the loops of mask in (product prod_in) of u
 * inside it, times the least delta there: (n_x - 1) x (the product of u's loops outside x) x
 * (|T| - overlap(T, T + t)), t = x's step less one step of every loop inside it. */
static uint64_t slide_cost(const slevel *v, int x, uint32_t in, uint64_t prod_in)
{
    int64_t t[ADSE_MAX_DIMS];
    for (int y = 0; y < v->D; y++)
        t[y] = -v->back[y] - (((in >> y) & 1u) ? (int64_t)v->stepu[y] : 0);
    t[x] += (int64_t)v->stepu[x];
    uint64_t outside = v->tot / adse__mul_sat(prod_in, v->fu[x]);
    return adse__mul_sat(adse__mul_sat(v->fu[x] - 1, outside),
                         v->tsize - box_overlap(v->p, v->e, t));
}

/* The least over the orders of u's non-unit loops seq[0 .. n) (innermost first) whose
 * loops seq[a .. b) may take any order and the others sit where they are, of the sum of
 * slide_cost over them. */
static uint64_t slide_level(const slevel *v, const uint8_t *seq, int a, int b, int n)
{
    uint32_t in = 0;
    uint64_t prod = 1, cost = 0;
    for (int q = 0; q < a; q++) {
        cost = adse__add_sat(cost, slide_cost(v, seq[q], in, prod));
        in |= 1u << seq[q];
        prod = adse__mul_sat(prod, v->fu[seq[q]]);
    }
    int m = b - a;
    if (m > SLIDE_DP_MAX) return cost;
    if (m > 0) { /* the free loops: the least over the sets placed inside, smallest first */
        uint64_t best[1u << SLIDE_DP_MAX], pm[1u << SLIDE_DP_MAX];
        uint32_t dm[1u << SLIDE_DP_MAX], full = (1u << m) - 1u;
        best[0] = 0, pm[0] = prod, dm[0] = in;
        for (uint32_t s = 1; s <= full; s++) {
            int lo = __builtin_ctz(s);
            uint32_t r = s & (s - 1u);
            pm[s] = adse__mul_sat(pm[r], v->fu[seq[a + lo]]);
            dm[s] = dm[r] | 1u << seq[a + lo];
            best[s] = UINT64_MAX;
        }
        for (uint32_t s = 0; s < full; s++)
            for (int i = 0; i < m; i++) {
                if ((s >> i) & 1u) continue;
                uint64_t c = adse__add_sat(best[s], slide_cost(v, seq[a + i], dm[s], pm[s]));
                if (c < best[s | 1u << i]) best[s | 1u << i] = c;
            }
        cost = adse__add_sat(cost, best[full]);
        in = dm[full];
        prod = pm[full];
    }
    for (int q = b; q < n; q++) {
        cost = adse__add_sat(cost, slide_cost(v, seq[q], in, prod));
        in |= 1u << seq[q];
        prod = adse__mul_sat(prod, v->fu[seq[q]]);
    }
    return cost;
}

/* F7 for a sliding window, loop by loop (docs/mapper.md section 5, F7, "Steps of a sliding
 * window"): a lower bound of Fill_k(d) for a tile of extents ext (|T| = tsize) at storage
 * level k, over the orders the fixed ones leave (as least_closed_fill: the levels above
 * t_fix fixed in ords, the first n_fix free loops of t_fix, the rest free but for the
 * constraints; t_fix = NT: every order). In the model's extrapolated visit sequence
 * (model.md 4.2) the positions where loop l carries weigh (n_l - 1) x the product of the
 * loops outside l, and at each the tile moves by l's step less one step of every non-unit
 * loop inside l, uncovering at least |T| - overlap points. The loops of level u have every
 * loop of the levels above outside them and every loop of the levels below inside, so the
 * least over the orders is the sum over the levels of the product above x each level's
 * least (slide_level). Only the loops of the temporal levels below u_end are counted (NT:
 * all); the others' steps count 0. */
static uint64_t slide_sum(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS],
                          const uint64_t (*step)[ADSE_MAX_DIMS], const morder *ords, int t_fix,
                          int n_fix, int k, int d, const uint64_t *ext, uint64_t tsize, int u_end)
{
    const mproj *p = &sp->model->proj[d];
    int D = sp->D, t0 = sp->t_of[k] + 1;
    int64_t e[ADSE_MAX_RANKS];
    adse__tile_extents(p, ext, e);
    uint64_t above[MAP_MAX_TL + 1]; /* the product of the temporal loops above each level */
    above[sp->NT] = 1;
    for (int u = sp->NT - 1; u >= t0; u--) {
        above[u] = above[u + 1];
        if (!sp->tl[u].spatial)
            for (int x = 0; x < D; x++)
                above[u] = adse__mul_sat(above[u], f[u][x]);
    }
    int64_t back[ADSE_MAX_DIMS] = {0};
    uint64_t fill = tsize;
    for (int u = t0; u < u_end; u++) {
        const mtl *l = &sp->tl[u];
        if (l->spatial) continue;
        uint32_t nonunit = 0;
        for (int x = 0; x < D; x++)
            if (f[u][x] > 1) nonunit |= 1u << x;
        if (!nonunit) continue;
        morder first;
        int a, b;
        const morder *o = level_order(sp, u, nonunit, ords, t_fix, n_fix, &first, &a, &b);
        slevel v = {.p = p,
                    .e = e,
                    .back = back,
                    .fu = f[u],
                    .stepu = step[u],
                    .tsize = tsize,
                    .tot = 1,
                    .D = D};
        for (int q = 0; q < o->n; q++)
            v.tot = adse__mul_sat(v.tot, f[u][o->dims[q]]);
        uint64_t c = slide_level(&v, o->dims, a, b, o->n);
        fill = adse__add_sat(fill, adse__mul_sat(above[u + 1], c));
        for (int x = 0; x < D; x++)
            if (f[u][x] > 1) back[x] += (int64_t)step[u][x];
    }
    return fill;
}

/* Is the union of the tiles of level j's children (extents cext) a box, for d? Each rank
 * holds at most one of the fanout's dimensions, and the children's offsets there leave no
 * gap. */
static bool union_is_box(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int j, int d,
                         const uint64_t *cext)
{
    const mproj *p = &sp->model->proj[d];
    const uint64_t *sf = f[sp->s_of[j]];
    int64_t e[ADSE_MAX_RANKS];
    adse__tile_extents(p, cext, e);
    uint32_t seen = 0;
    for (int r = 0; r < p->n_ranks; r++) {
        int nsp = 0;
        for (int q = p->first[r]; q < p->first[r + 1]; q++) {
            int x = p->dim[q];
            int64_t c = p->coef[q] < 0 ? -p->coef[q] : p->coef[q];
            if (sf[x] < 2 || c == 0) continue;
            if ((seen >> x) & 1u) return false;
            seen |= 1u << x;
            nsp++;
            if (c * (int64_t)cext[x] > e[r]) return false; /* gaps */
        }
        if (nsp > 1) return false;
    }
    return true;
}

/* The temporal loops above storage level k's tile (extents ext_k), innermost first, every
 * loop of each level's order ords[] (unit ones too): bound n[], dimension dim[] and the
 * operation-space stride of each (the product of all inner loops of its dimension).
 * Returns their number. */
static int loops_above(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], const morder *ords,
                       const uint64_t *ext_k, int k, uint64_t *n, uint64_t *stride, uint8_t *dim)
{
    int D = sp->D, nl = 0;
    uint64_t run[ADSE_MAX_DIMS];
    for (int x = 0; x < D; x++)
        run[x] = ext_k[x];
    for (int u = sp->t_of[k] + 1; u < sp->NT; u++) {
        if (!sp->tl[u].spatial)
            for (int q = 0; q < ords[u].n; q++) {
                int x = ords[u].dims[q];
                n[nl] = f[u][x];
                stride[nl] = run[x];
                dim[nl++] = (uint8_t)x;
            }
        for (int x = 0; x < D; x++)
            run[x] *= f[u][x];
    }
    return nl;
}

uint64_t adse__least_fill(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], const mifinfo *info,
                          const morder *ords, int t_fix, int n_fix, int k, int d)
{
    /* every level from the first relevant one down is free: the least of all orders */
    if (info->u_rel[k][d] < t_fix && !info->slide[k][d]) return info->fill_min[k][d];
    uint64_t c =
        least_closed_fill(sp, f, info->tsize[k][d], ords, t_fix, n_fix, k, sp->rel_closed[d], NULL);
    if (info->slide[k][d]) {
        uint64_t v = slide_sum(sp, f, info->lstep, ords, t_fix, n_fix, k, d, info->ext[k],
                               info->tsize[k][d], sp->NT);
        if (v > c) c = v;
    }
    return c > info->fill_min[k][d] ? c : info->fill_min[k][d];
}

void adse__if_info_base(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], mifinfo *info)
{
    int L = sp->L, D = sp->D, NDS = sp->NDS;
    const adse_problem *p = sp->prob;
    uint64_t run[ADSE_MAX_DIMS];
    for (int x = 0; x < D; x++)
        run[x] = 1;
    info->cc = 1;
    int t = 0;
    for (int i = 0; i < L; i++) {
        info->fan[i] = 1;
        for (; t <= sp->t_of[i]; t++) {
            memcpy(info->lstep[t], run, sizeof run);
            for (int x = 0; x < D; x++) {
                run[x] *= f[t][x];
                if (sp->tl[t].spatial)
                    info->fan[i] *= f[t][x];
                else
                    info->cc *= f[t][x];
            }
            if (t == sp->s_of[i]) memcpy(info->vext[i], run, sizeof run);
        }
        memcpy(info->ext[i], run, sizeof run);
    }
    uint64_t rf = 1;
    for (int i = L - 1; i >= 0; i--) {
        info->rf[i] = rf;
        rf *= info->fan[i];
    }
    for (int i = 0; i < L; i++)
        for (int d = 0; d < NDS; d++)
            info->tsize[i][d] = adse_problem_tile_size(p, d, info->ext[i]);
    /* Partition sizes exactly as the model computes them (model.md §4.8.2). */
    for (int d = 0; d < NDS; d++) {
        uint64_t r = info->tsize[L - 1][d];
        info->ps[L - 1][d] = r;
        for (int i = L - 2; i >= 0; i--) {
            uint64_t den = info->fan[i + 1] > 1 ? adse_problem_tile_size(p, d, info->vext[i + 1])
                                                : info->tsize[i][d];
            r = r * info->tsize[i][d] / den;
            info->ps[i][d] = r;
        }
    }
    /* Fill bounds (F2): positions of the tile per dim = temporal factors above. */
    for (int i = 0; i < L; i++) {
        uint64_t pos[ADSE_MAX_DIMS];
        for (int x = 0; x < D; x++) {
            pos[x] = 1;
            for (int u = sp->t_of[i] + 1; u < sp->NT; u++)
                if (!sp->tl[u].spatial) pos[x] *= f[u][x];
        }
        for (int d = 0; d < NDS; d++) {
            uint64_t b = set_bound(p, d, info->ext[i], pos);
            info->fill_lb[i][d] = b > info->tsize[i][d] ? b : info->tsize[i][d];
            info->fill_min[i][d] = info->fill_lb[i][d];
            int u_rel;
            uint64_t c = least_closed_fill(sp, f, info->tsize[i][d], NULL, sp->NT, 0, i,
                                           sp->rel_closed[d], &u_rel);
            if (c > info->fill_min[i][d]) info->fill_min[i][d] = c;
            info->u_rel[i][d] = (int8_t)u_rel;
            info->slide[i][d] = false;
        }
    }
    for (int j = 0; j < L; j++) {
        info->sdims[j] = 0;
        for (int x = 0; sp->s_of[j] >= 0 && x < D; x++)
            if (f[sp->s_of[j]][x] > 1) info->sdims[j] |= 1u << x;
    }
    /* Group bounds (F3): distinct offsets of the children of level j. */
    for (int j = 0; j < L; j++) {
        for (int d = 0; d < NDS; d++) {
            info->ufill[j][d] = info->uvsize[j][d] = 0;
            if (sp->s_of[j] < 0 || info->fan[j] < 2) {
                info->g_lb[j][d] = 1;
                continue;
            }
            /* the children: level j - 1's tiles, or single MACs */
            uint64_t cnt[ADSE_MAX_DIMS], ones[ADSE_MAX_DIMS];
            for (int x = 0; x < D; x++) {
                cnt[x] = f[sp->s_of[j]][x];
                ones[x] = 1;
            }
            const uint64_t *step = j > 0 ? info->ext[j - 1] : ones;
            info->g_lb[j][d] = groups_of(p, d, cnt, step);
            info->gmax[j][d] =
                j > 0 && adse__links_may(sp, sp->s_of[j], d) ? adse__group_max(p, d, cnt, step) : 0;
        }
    }
}

uint32_t adse__if_info_slides(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], mifinfo *info)
{
    uint32_t raised = 0;
    for (int i = 0; i < sp->L; i++)
        for (int d = 0; d < sp->NDS; d++) {
            /* a sliding window at a level that may keep it: its steps loop by loop, every
             * order free (with orders fixed, adse__least_fill takes them again) */
            if (!sp->slide_dims[d] || ((sp->keep_fixed[d] & ~sp->keep_value[d]) >> i & 1u))
                continue;
            info->slide[i][d] = true;
            uint64_t c = slide_sum(sp, f, info->lstep, NULL, sp->NT, 0, i, d, info->ext[i],
                                   info->tsize[i][d], sp->NT);
            if (c > info->fill_min[i][d]) info->fill_min[i][d] = c, raised |= 1u << d;
        }
    return raised;
}

uint32_t adse__if_info_slides_low(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t_top,
                                  mifinfo *info)
{
    uint32_t raised = 0;
    for (int i = 0; i < sp->L && sp->t_of[i] < t_top; i++)
        for (int d = 0; d < sp->NDS; d++) {
            if (!sp->slide_dims[d] || ((sp->keep_fixed[d] & ~sp->keep_value[d]) >> i & 1u))
                continue;
            /* the steps of the loops below t_top; the top levels' count 0 */
            uint64_t v = slide_sum(sp, f, info->lstep, NULL, sp->NT, 0, i, d, info->ext[i],
                                   info->tsize[i][d], t_top);
            if (v > info->fill_min[i][d]) info->fill_min[i][d] = v, raised |= 1u << d;
        }
    return raised;
}

uint32_t adse__if_info_union(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], mifinfo *info)
{
    int L = sp->L, NDS = sp->NDS;
    const adse_problem *p = sp->prob;
    uint32_t any = 0;
    /* F7 for the union of the children's tiles, where links may act and it is a box
     * (docs/mapper.md section 5, "The union of a fanout's children"): every order free
     * here; with the orders above fixed, adse__union_least_fill */
    for (int j = 1; j < L; j++)
        for (int d = 0; d < NDS; d++) {
            if (sp->s_of[j] < 0 || info->fan[j] < 2 || !info->gmax[j][d] ||
                !union_is_box(sp, f, j, d, info->ext[j - 1]))
                continue;
            uint64_t vsize = adse_problem_tile_size(p, d, info->vext[j]);
            info->uvsize[j][d] = vsize;
            info->ufill[j][d] = slide_sum(sp, f, info->lstep, NULL, sp->NT, 0, j - 1, d,
                                          info->vext[j], vsize, sp->NT);
            any |= 1u << d;
        }
    return any;
}

void adse__if_info(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], mifinfo *info)
{
    adse__if_info_base(sp, f, info);
    adse__if_info_slides(sp, f, info);
    adse__if_info_union(sp, f, info);
}

/* F3''': with MAC-level factors on the dimensions in `on`, do links leave d's reads at the
 * MAC level alone? Yes when no factor is on a dimension of d's sliding windows nor on one d
 * does not depend on: then no two MACs share d's point and none takes it over a link. */
static bool mac_unshared(const mspace *sp, int d, uint32_t on)
{
    return !(on & (sp->slide_dims[d] | ~sp->relevant[d]));
}

/* One keeper's part of adse__bound_keep_ds: data space d kept at level k, its previous
 * keeper kb (-1: none, the MACs read it), last when no level above k keeps d; its energy,
 * its last-level accesses and the words it reads (tr) and writes (tw) at k. */
typedef struct keeper_part {
    double energy, lla, tr, tw;
} keeper_part;

static keeper_part keeper_cost(const mspace *sp, const mifinfo *info, int d, int kb, int k,
                               bool last, const uint64_t (*fill_ex)[ADSE_MAX_DATASPACES],
                               const uint64_t (*ufill_ex)[ADSE_MAX_DATASPACES], int k_exact,
                               bool least_fill, const uint32_t *nolink)
{
    const uint64_t(*flb)[ADSE_MAX_DATASPACES] = least_fill ? info->fill_min : info->fill_lb;
    const adse_buffer *b = &sp->arch->levels[k];
    int j0 = kb + 1;
    bool chain_ok = true;
    uint64_t base = kb < 0 ? info->cc : kb >= k_exact ? fill_ex[kb][d] : flb[kb][d];
    for (int j = j0; j <= k; j++) {
        if (adse__links_possible(sp, info, j, d, least_fill, nolink)) {
            /* The chain's first level reads its raw (link-reduced) accesses: at least
             * the union of its children's tiles' fills (ufill; F7's bound, so with
             * least_fill only). A bypassed level's children scale the next level's accesses
             * by F * A / AM >= 1 (F3'), and by at least F / the largest multicast
             * group above storage level 0 (F3''; not in the key that orders the keep
             * choices). */
            if (least_fill && j == 0 && mac_unshared(sp, d, info->sdims[0])) {
                base = adse__mul_sat(base, info->fan[0]); /* F3''' */
                continue;
            }
            chain_ok = false;
            if (j == j0) {
                base = least_fill ? info->ufill[j][d] : 0;
                if (least_fill && ufill_ex && kb >= k_exact && ufill_ex[kb][d] > base)
                    base = ufill_ex[kb][d];
            } else if (least_fill && info->gmax[j][d])
                base = adse__mul_sat(base, info->fan[j]) / info->gmax[j][d];
        } else {
            base = adse__mul_sat(base, info->g_lb[j][d]);
        }
    }
    uint64_t rfk = info->rf[k];
    uint64_t share = rfk ? adse__ceil_div(sp->opset[d], rfk) : 0;
    /* Links lower neither a keeper's reads nor its fills below the operand points
     * (F5); the key that orders the keep choices (F2) keeps its old form, so that the
     * visiting order, hence the tie rule, stays as it was. */
    if ((chain_ok || least_fill) && share > base) base = share;
    uint64_t fill = 0;
    if (!last && !adse__links_possible(sp, info, k + 1, d, least_fill, nolink)) {
        fill = k >= k_exact ? fill_ex[k][d] : flb[k][d];
        if (share > fill) fill = share;
    } else if (!last && least_fill) {
        fill = share;
    }
    uint64_t rd, fl, up;
    if (sp->rw[d]) {
        uint64_t ps = info->ps[k][d];
        up = base;
        rd = base > ps ? base - ps : 0;
        fl = fill > ps ? fill - ps : 0;
    } else {
        rd = base;
        fl = fill;
        up = 0;
    }
    uint64_t bs = b->block_size;
    uint64_t clusters = b->instances / b->cluster_size;
    uint64_t uc = rfk < clusters ? rfk : clusters;
    keeper_part r;
    r.energy =
        ((double)adse__ceil_div(rd, bs) * b->e_read + (double)adse__ceil_div(fl, bs) * b->e_fill +
         (double)adse__ceil_div(up, bs) * b->e_update) *
        (double)uc;
    r.tr = (double)rd * sp->bw_scale[k][d];
    r.tw = (double)(fl + up) * sp->bw_scale[k][d];
    r.lla = k == sp->L - 1 ? (double)rfk * ((double)rd + (double)fl + (double)up) : 0;
    return r;
}

void adse__bound_keep_ds(const mspace *sp, const mifinfo *info, int d, uint32_t keep_d,
                         const uint64_t (*fill_ex)[ADSE_MAX_DATASPACES],
                         const uint64_t (*ufill_ex)[ADSE_MAX_DATASPACES], int k_exact,
                         bool least_fill, const uint32_t *nolink, mkeepds *out)
{
    int L = sp->L;
    out->energy = out->lla = 0;
    for (int i = 0; i < L; i++)
        out->tr[i] = out->tw[i] = 0;
    int kb = -1;
    for (int k = 0; k < L; k++) {
        if (!((keep_d >> k) & 1u)) continue;
        keeper_part r = keeper_cost(sp, info, d, kb, k, (keep_d >> k) == 1u, fill_ex, ufill_ex,
                                    k_exact, least_fill, nolink);
        out->energy += r.energy;
        out->lla += r.lla;
        out->tr[k] += r.tr;
        out->tw[k] += r.tw;
        kb = k;
    }
}

void adse__keep_ds_least(const mspace *sp, const mifinfo *info, int d, uint32_t can1, uint32_t can0,
                         const uint32_t *nolink, double *energy, double *lla)
{
    int L = sp->L;
    uint32_t all = (1u << L) - 1u;
    /* pe[k], pl[k]: the least energy and, apart, last-level accesses of the keepers up to
     * k, k kept and not the last keeper, every level below k kept or able to bypass d
     * (HUGE_VAL: none). Summed keeper by keeper from the innermost, as adse__bound_keep_ds
     * sums them, so that each chain's sum is its share to the last bit. */
    double pe[ADSE_MAX_LEVELS], pl[ADSE_MAX_LEVELS];
    *energy = *lla = HUGE_VAL;
    for (int k = 0; k < L; k++) {
        pe[k] = pl[k] = HUGE_VAL;
        if (!((can1 >> k) & 1u)) continue;
        for (int last = 0; last < 2; last++) {
            /* the last keeper: every level above k able to bypass d */
            if (last && (all & ~can0) >> (k + 1)) continue;
            double be = HUGE_VAL, bl = HUGE_VAL;
            for (int kb = k - 1; kb >= -1; kb--) {
                double e0 = kb < 0 ? 0 : pe[kb], l0 = kb < 0 ? 0 : pl[kb];
                if (e0 < HUGE_VAL) {
                    keeper_part r =
                        keeper_cost(sp, info, d, kb, k, last, NULL, NULL, L, true, nolink);
                    if (e0 + r.energy < be) be = e0 + r.energy;
                    if (l0 + r.lla < bl) bl = l0 + r.lla;
                }
                /* a keeper further down leaves kb between: kb must be able to bypass d */
                if (kb >= 0 && !((can0 >> kb) & 1u)) break;
            }
            if (last) {
                if (be < *energy) *energy = be;
                if (bl < *lla) *lla = bl;
            } else {
                pe[k] = be;
                pl[k] = bl;
            }
        }
    }
}

void adse__bound_keep_sum(const mspace *sp, const mifinfo *info, const mkeepds *const *parts,
                          bool bandwidth, mlb *lb)
{
    int L = sp->L, NDS = sp->NDS;
    const adse_arch *a = sp->arch;
    double energy = sp->mac_energy_pj, lla = 0;
    for (int d = 0; d < NDS; d++) {
        energy += parts[d]->energy;
        lla += parts[d]->lla;
    }
    /* Cycles (F1). */
    double cyc = (double)info->cc;
    for (int i = 0; bandwidth && i < L; i++) {
        const adse_buffer *b = &a->levels[i];
        if (!(b->read_bw > 0 || b->write_bw > 0 || b->shared_bw > 0)) continue;
        double tr = 0, tw = 0;
        for (int d = 0; d < NDS; d++) {
            tr += parts[d]->tr[i];
            tw += parts[d]->tw[i];
        }
        /* a quotient clearly below cyc cannot raise it: not divided (the result is the same
         * to the last bit) */
        double c = 0, below = cyc * (1 - 1e-9);
        if (b->read_bw > 0 && tr >= below * b->read_bw) c = fmax(c, tr / b->read_bw);
        if (b->write_bw > 0 && tw >= below * b->write_bw) c = fmax(c, tw / b->write_bw);
        if (b->shared_bw > 0 && tr + tw >= below * b->shared_bw)
            c = fmax(c, (tr + tw) / b->shared_bw);
        if (c > cyc) { /* floor(c (1 - 1e-12)) <= c: only then may it raise cyc */
            c = floor(c * (1 - 1e-12));
            if (c > cyc) cyc = c;
        }
    }
    /* Leakage scales with cycles (excluding network latency), at least one instance. */
    energy += sp->leak_pj * cyc;
    lb->cycles = cyc + (double)sp->latency;
    lb->energy = energy;
    lb->lla = lla;
}

/* floor(a / b) and ceil(a / b), b > 0. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return a % b != 0 && a < 0 ? q - 1 : q;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return a % b != 0 && a > 0 ? q + 1 : q;
}

/* Is there dx with |dx_q| <= lim[q] and lo <= sum over q of dx_q w[q] <= hi (dx not all 0
 * when nonzero)? The last dx_q is solved by division. */
static bool sum_in(const int64_t *w, const int64_t *lim, int n, int64_t lo, int64_t hi,
                   bool nonzero)
{
    if (n == 0) return lo <= 0 && hi >= 0 && !nonzero;
    if (n == 1) {
        if (w[0] == 0) return lo <= 0 && hi >= 0 && (!nonzero || lim[0] > 0);
        int64_t a = w[0] > 0 ? ceil_div(lo, w[0]) : ceil_div(-hi, -w[0]);
        int64_t b = w[0] > 0 ? floor_div(hi, w[0]) : floor_div(-lo, -w[0]);
        if (a < -lim[0]) a = -lim[0];
        if (b > lim[0]) b = lim[0];
        return a <= b && (!nonzero || a != 0 || b != 0);
    }
    for (int64_t x = -lim[0]; x <= lim[0]; x++)
        if (sum_in(w + 1, lim + 1, n - 1, lo - x * w[0], hi - x * w[0], nonzero && x == 0))
            return true;
    return false;
}

/* Do two children of a spatial level differ, in data space d (nr ranks), by a vector
 * within [lo, hi] rank by rank? Their offsets differ by the sum over the level's nx
 * dimensions q of dx_q times w[q] (one step of q in every rank), |dx_q| <= lim[q], dx not
 * all 0. Rank by rank where no dimension is in two ranks; else over every dx (at most 2^16
 * of them; more: true, as a bound may assume). */
static bool children_within(const int64_t (*w)[ADSE_MAX_RANKS], const int64_t *lim, int nx, int nr,
                            const int64_t *lo, const int64_t *hi)
{
    bool simple = true, moved = false; /* moved: some rank can take a nonzero dx */
    uint64_t combos = 1;
    for (int q = 0; q < nx; q++) {
        int nz = 0;
        for (int r = 0; r < nr; r++)
            nz += w[q][r] != 0;
        simple = simple && nz <= 1;
        moved = moved || nz == 0; /* a nonzero dx that moves no rank */
        combos = adse__mul_sat(combos, (uint64_t)(2 * lim[q] + 1));
    }
    if (simple) {
        for (int r = 0; r < nr; r++) {
            int64_t ws[ADSE_MAX_DIMS], ls[ADSE_MAX_DIMS];
            int n = 0;
            for (int q = 0; q < nx; q++)
                if (w[q][r] != 0) {
                    ws[n] = w[q][r];
                    ls[n++] = lim[q];
                }
            bool z = lo[r] <= 0 && hi[r] >= 0;
            bool nz = n > 0 && sum_in(ws, ls, n, lo[r], hi[r], true);
            if (!z && !nz) return false;
            moved = moved || nz;
        }
        return moved;
    }
    if (combos > (1u << 16)) return true;
    int64_t dx[ADSE_MAX_DIMS];
    for (int q = 0; q < nx; q++)
        dx[q] = -lim[q];
    for (;;) {
        bool nzx = false, in = true;
        for (int q = 0; q < nx; q++)
            nzx = nzx || dx[q] != 0;
        for (int r = 0; r < nr && in && nzx; r++) {
            int64_t o = 0;
            for (int q = 0; q < nx; q++)
                o += dx[q] * w[q][r];
            in = o >= lo[r] && o <= hi[r];
        }
        if (nzx && in) return true;
        int q = 0;
        while (q < nx && ++dx[q] > lim[q]) {
            dx[q] = -lim[q];
            q++;
        }
        if (q == nx) return false;
    }
}

/* The steps between the children of storage level k + 1's fanout in d's ranks: per
 * dimension q with a factor above 1 there, one step of q (w[q]) and the factor less one
 * (lim[q]); returns their number. */
static int fanout_steps(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], const mifinfo *info,
                        int k, int d, int64_t (*w)[ADSE_MAX_RANKS], int64_t *lim)
{
    const mproj *p = &sp->model->proj[d];
    int u = sp->s_of[k + 1], nx = 0;
    for (int x = 0; x < sp->D; x++) {
        if (f[u][x] < 2) continue;
        adse__dim_step(p, x, (int64_t)info->ext[k][x], w[nx]);
        lim[nx++] = (int64_t)f[u][x] - 1;
    }
    return nx;
}

/* Can some child of storage level k + 1's spatial tiling level u take d over a link in the
 * visit sequence in/out (solved with its pairs)? Where the model compares a child's current
 * delta with a neighbour's previous one (spatial.c), the two are equal only when the
 * current delta's boxes rc are the previous ones rp moved by v and the neighbour's offset
 * minus the child's is v + tb, tb the current step's translation. Any two children stand in
 * for the neighbours, so the answer holds for every order and split of u (docs/mapper.md
 * F16). */
static bool links_match(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], const mifinfo *info,
                        int k, int d, const seq_in *in, const seq_out *out)
{
    int nr = sp->model->proj[d].n_ranks;
    int64_t w[ADSE_MAX_DIMS][ADSE_MAX_RANKS], lim[ADSE_MAX_DIMS];
    int nx = fanout_steps(sp, f, info, k, d, w, lim);
    mbox rc[2 * ADSE_MAX_RANKS], rp[2 * ADSE_MAX_RANKS];
    for (int pi = 0; pi < out->n_pairs; pi++) {
        const seq_pair *pr = &out->pairs[pi];
        if (pr->prev < 0) continue;
        int nc = adse__seq_rboxes(in, pr->cur, rc);
        if (nc == 0) continue;
        int np = adse__seq_rboxes(in, pr->prev, rp);
        if (np != nc) continue;
        const int64_t *tb = in->t + (size_t)SEQ_SIGMA_CARRY(pr->cur) * nr;
        for (int i = 0; i < np; i++) {
            int64_t v[ADSE_MAX_RANKS], dv[ADSE_MAX_RANKS];
            bool same = true;
            for (int r = 0; r < nr && same; r++) {
                v[r] = rc[0].lo[r] - rp[i].lo[r];
                same = rc[0].hi[r] - rp[i].hi[r] == v[r];
                dv[r] = v[r] + tb[r];
            }
            if (same && adse__boxes_equal_shifted(rc, nc, rp, np, v, nr) &&
                children_within((const int64_t(*)[ADSE_MAX_RANKS])w, lim, nx, nr, dv, dv))
                return true;
        }
    }
    return false;
}

/* Can a step of translation tb (d's ranks) give some child of the fanout its delta over a
 * link (docs/mapper.md F16 (d))? The delta's boxes and the previous one's lie in the tile
 * [0, ext). A blow-up, or a translation that leaves no overlap, makes the delta the whole
 * tile, so the previous delta must be the whole tile too and v = 0. A subtract (seq.c
 * adse__seq_rboxes) cuts first at the first rank r1 that moves a box spanning every other
 * rank; its copy in the previous delta lies in the tile only when v is 0 in every other
 * rank and, in r1, between 0 and ext - tb (tb > 0) or tb + ext and 0 (tb < 0); a blow-up's
 * v = 0 is among these. A zero translation has an empty delta under the NEW rule. */
static bool step_may_link(const int64_t (*w)[ADSE_MAX_RANKS], const int64_t *lim, int nx, int nr,
                          const int64_t *ext, const int64_t *tb, bool legacy)
{
    int r1 = -1;
    bool whole = false;
    for (int r = 0; r < nr; r++) {
        if (tb[r] != 0 && r1 < 0) r1 = r;
        if (tb[r] >= ext[r] || -tb[r] >= ext[r]) whole = true;
    }
    if (r1 < 0 && !legacy) return false;
    int64_t lo[ADSE_MAX_RANKS], hi[ADSE_MAX_RANKS];
    for (int r = 0; r < nr; r++)
        lo[r] = hi[r] = tb[r];
    if (r1 >= 0 && !whole) {
        if (tb[r1] > 0)
            hi[r1] = ext[r1];
        else
            lo[r1] = -ext[r1];
    }
    return children_within(w, lim, nx, nr, lo, hi);
}

bool adse__links_window(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], const morder *ords,
                        const mifinfo *info, int k, int d, int t_fix)
{
    const mproj *p = &sp->model->proj[d];
    int nr = p->n_ranks;
    int64_t w[ADSE_MAX_DIMS][ADSE_MAX_RANKS], lim[ADSE_MAX_DIMS], ext[ADSE_MAX_RANKS];
    int nx = fanout_steps(sp, f, info, k, d, w, lim);
    adse__tile_extents(p, info->ext[k], ext);
    uint64_t run[ADSE_MAX_DIMS];
    for (int x = 0; x < sp->D; x++)
        run[x] = info->ext[k][x];
    /* below: the sum of one step of every non-unit loop of the temporal levels passed, all
     * inside the loops of the current level, so each step wraps them all */
    int64_t below[ADSE_MAX_RANKS] = {0}, tb[ADSE_MAX_RANKS];
    const int64_t(*wc)[ADSE_MAX_RANKS] = (const int64_t(*)[ADSE_MAX_RANKS])w;
    for (int t = sp->t_of[k] + 1; t < sp->NT; t++) {
        if (!sp->tl[t].spatial) {
            /* one step of each non-unit loop: innermost first where the order is fixed */
            morder any = {0};
            const morder *o = t >= t_fix ? &ords[t] : &any;
            for (int x = 0; x < sp->D && t < t_fix; x++)
                if (f[t][x] > 1) any.dims[any.n++] = (uint8_t)x;
            int64_t s[ADSE_MAX_DIMS][ADSE_MAX_RANKS];
            int n = o->n;
            for (int i = 0; i < n; i++)
                adse__dim_step(p, o->dims[i], (int64_t)run[o->dims[i]], s[i]);
            if (t >= t_fix) { /* loop i wraps loops 0 .. i - 1 */
                int64_t pre[ADSE_MAX_RANKS] = {0};
                for (int i = 0; i < n; i++) {
                    for (int r = 0; r < nr; r++)
                        tb[r] = s[i][r] - pre[r] - below[r];
                    if (step_may_link(wc, lim, nx, nr, ext, tb, sp->legacy)) return true;
                    for (int r = 0; r < nr; r++)
                        pre[r] += s[i][r];
                }
            } else { /* any order: loop i wraps any subset of the others */
                for (int i = 0; i < n; i++)
                    for (uint32_t sub = 0; sub < (1u << n); sub++) {
                        if ((sub >> i) & 1u) continue;
                        for (int r = 0; r < nr; r++) {
                            tb[r] = s[i][r] - below[r];
                            for (int q = 0; q < n; q++)
                                if ((sub >> q) & 1u) tb[r] -= s[q][r];
                        }
                        if (step_may_link(wc, lim, nx, nr, ext, tb, sp->legacy)) return true;
                    }
            }
            for (int i = 0; i < n; i++)
                for (int r = 0; r < nr; r++)
                    below[r] += s[i][r];
        }
        for (int x = 0; x < sp->D; x++)
            run[x] *= f[t][x];
    }
    return false;
}

uint64_t adse__fill_exact(const mspace *sp, adse_scratch *scratch,
                          const uint64_t f[][ADSE_MAX_DIMS], const morder *ords,
                          const mifinfo *info, int k, int d, bool *no_links)
{
    const adse_model *m = sp->model;
    const mproj *p = &m->proj[d];
    uint64_t n[MODEL_MAX_LOOPS], stride[MODEL_MAX_LOOPS];
    uint8_t dim[MODEL_MAX_LOOPS];
    int nl = loops_above(sp, f, ords, info->ext[k], k, n, stride, dim);
    uint64_t size = info->tsize[k][d];
    bool links = sp->links_on && info->fan[k + 1] >= 2 && adse__links_can_move(m, d);
    if (no_links) *no_links = !links;
    if (!sp->sliding[d] && !links) {
        /* Closed form (model.md §4.5a), as the model computes it. */
        uint64_t fill = size;
        bool on = false;
        for (int q = 0; q < nl; q++) {
            if (!on && (p->relevant & (1u << dim[q]))) on = true;
            if (on) fill *= n[q];
        }
        return fill;
    }
    int nr = p->n_ranks;
    int64_t t[MODEL_MAX_LOOPS * ADSE_MAX_RANKS], ext[ADSE_MAX_RANKS];
    int64_t prefix[ADSE_MAX_RANKS] = {0};
    for (int q = 0; q < nl; q++) {
        int64_t u[ADSE_MAX_RANKS];
        adse__dim_step(p, dim[q], (int64_t)stride[q], u);
        for (int r = 0; r < nr; r++) {
            t[q * nr + r] = u[r] - prefix[r];
            prefix[r] += u[r];
        }
    }
    adse__tile_extents(p, info->ext[k], ext);
    seq_in in;
    in.k = nl;
    in.nr = nr;
    in.n = n;
    in.t = t;
    in.ext = ext;
    in.size = size;
    in.legacy = sp->legacy;
    in.no_reuse = false;
    in.want_pairs = links && no_links;
    seq_out out;
    adse__seq_solve(scratch, &in, &out);
    if (in.want_pairs) *no_links = !links_match(sp, f, info, k, d, &in, &out);
    return out.fill;
}

uint64_t adse__union_least_fill(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS],
                                const mifinfo *info, const morder *ords, int k, int d)
{
    int j = k + 1;
    if (!info->uvsize[j][d]) return info->ufill[j][d];
    /* every order above k fixed: slide_sum's sum is the extrapolated sequence's own */
    uint64_t fill = slide_sum(sp, f, info->lstep, ords, sp->t_of[k], 0, k, d, info->vext[j],
                              info->uvsize[j][d], sp->NT);
    return fill > info->ufill[j][d] ? fill : info->ufill[j][d];
}

/* Does every rank of d have at most one term on a dimension of bound > 1 (non-zero
 * coefficient), on dimensions no other rank uses? Then the children of a spatial level hold
 * at least the product of its factors of d's relevant dimensions distinct offsets. */
static bool simple_projection(const adse_problem *p, int d)
{
    const adse_dataspace *ds = &p->ds[d];
    uint32_t used = 0;
    for (int r = 0; r < ds->n_ranks; r++) {
        int n = 0;
        for (int t = 0; t < ds->ranks[r].n_terms; t++) {
            const adse_term *tm = &ds->ranks[r].terms[t];
            if (tm->coef == 0) continue;
            if (used & (1u << tm->dim)) return false;
            used |= 1u << tm->dim;
            if (p->bounds[tm->dim] > 1) n++;
        }
        if (n > 1) return false;
    }
    return true;
}

static uint64_t sp_fan(const uint64_t *f, int D)
{
    uint64_t p = 1;
    for (int x = 0; x < D; x++)
        p = adse__mul_sat(p, f[x]);
    return p;
}

/* F9: the choices of an unassigned spatial tiling level u that matter to the innermost
 * keepers' reads: per choice of its factors (each a divisor of what remains of its bound
 * within the level's domain, their product at most maxprod), r[d] = G_u(d) / F_u as the
 * search computes it for an assigned level (set_bound; 1, or 0 at the level below storage
 * level 0, where links may reduce d's accesses, F3'), and F_u. Only the choices no other
 * beats in every r[d] are kept; if they are too many (or the enumeration too long), one
 * pseudo-choice with every r[d] at its least possible value (1 / maxprod, 0 with links
 * below level 0) stands for all, which is what the bound used before F9. */
#define SPOPT_MAX 32
typedef struct spopts {
    int n;
    double r[SPOPT_MAX][ADSE_MAX_DATASPACES];
    double F[SPOPT_MAX];              /* the fanout used, F_u */
    double Fmax;                      /* maxprod of the level */
    double rmin[ADSE_MAX_DATASPACES]; /* least r[d] over the choices */
} spopts;

typedef struct spenum {
    const mspace *sp;
    int u, nx;
    int xs[ADSE_MAX_DIMS];
    const uint64_t *rest;
    uint64_t cnt[ADSE_MAX_DIMS];
    long budget;
    bool overflow;
    double fmin; /* with a cycles cap: the least F_u a mapping under the cap can have */
    spopts *o;
} spenum;

/* spatial_ratio for a fanout fan used whose offsets of d set_bound counts g (used only when
 * fan >= 2 and no links below). */
static double spatial_ratio_g(const mspace *sp, int u, int d, uint64_t fan, uint64_t g)
{
    if (fan < 2) return 1.0;
    if (adse__links_may(sp, u, d) && u != sp->s_of[0]) return 1.0 / (double)g;
    return (double)g / (double)fan;
}

/* What spatial_ratio_g takes as g for d at spatial tiling level u with factors cnt (fan >= 2):
 * the children's distinct offsets (groups_of, with the children's tile extents ext where
 * known, else NULL) without links; where links may act above
 * storage level 0, the largest multicast group (F3''); below it, the whole fanout where no
 * MAC shares d's point (F3'''), else 0. */
static uint64_t ratio_count(const mspace *sp, int u, int d, const uint64_t *cnt,
                            const uint64_t *ext)
{
    bool links = adse__links_may(sp, u, d);
    if (links && u != sp->s_of[0]) return adse__group_max(sp->prob, d, cnt, ext);
    uint64_t fan = 1;
    uint32_t on = 0;
    for (int x = 0; x < sp->D; x++) {
        fan *= cnt[x];
        if (cnt[x] > 1) on |= 1u << x;
    }
    if (links) return mac_unshared(sp, d, on) ? fan : 0;
    return groups_of(sp->prob, d, cnt, ext);
}

/* G_u(d) / F_u for the factors cnt of spatial tiling level u, as F3 / F3'' / F3''' bound it
 * (ratio_count). */
static double spatial_ratio(const mspace *sp, int u, int d, const uint64_t *cnt)
{
    uint64_t fan = 1;
    for (int x = 0; x < sp->D; x++)
        fan *= cnt[x];
    return spatial_ratio_g(sp, u, d, fan, fan >= 2 ? ratio_count(sp, u, d, cnt, NULL) : 0);
}

static void spopt_add(spenum *e, uint64_t fan)
{
    const mspace *sp = e->sp;
    double r[ADSE_MAX_DATASPACES], F = (double)fan;
    if (F < e->fmin) return;
    bool use_f = e->fmin > 0; /* under a cap a larger F_u may be what a choice is good for */
    for (int d = 0; d < sp->NDS; d++)
        r[d] = spatial_ratio(sp, e->u, d, e->cnt);
    spopts *o = e->o;
    for (int n = 0; n < o->n; n++) {
        bool worse = !use_f || o->F[n] >= F;
        for (int d = 0; d < sp->NDS; d++)
            if (r[d] < o->r[n][d]) worse = false;
        if (worse) return; /* an earlier choice is as good for every data space */
    }
    int m = 0;
    for (int n = 0; n < o->n; n++) {
        bool dominated = !use_f || F >= o->F[n];
        for (int d = 0; d < sp->NDS; d++)
            if (o->r[n][d] < r[d]) dominated = false;
        if (!dominated) {
            memcpy(o->r[m], o->r[n], sizeof o->r[n]);
            o->F[m++] = o->F[n];
        }
    }
    o->n = m;
    if (o->n == SPOPT_MAX) {
        e->overflow = true;
        return;
    }
    o->F[o->n] = F;
    memcpy(o->r[o->n++], r, sizeof r);
}

static void spopt_enum(spenum *e, int i, uint64_t fan)
{
    if (e->overflow || --e->budget < 0) {
        e->overflow = true;
        return;
    }
    if (i == e->nx) {
        spopt_add(e, fan);
        return;
    }
    const mspace *sp = e->sp;
    const mtl *l = &sp->tl[e->u];
    int x = e->xs[i];
    for (int n = sp->n_divs[x] - 1; n >= 0; n--) {
        uint64_t v = sp->divs[x][n];
        if (v > e->rest[x]) break;
        if (e->rest[x] % v || fan * v > l->maxprod) continue;
        if (l->eq[x] ? v != l->eq[x] : (v < l->lo[x] || v > l->hi[x])) continue;
        e->cnt[x] = v;
        spopt_enum(e, i + 1, fan * v);
    }
    e->cnt[x] = 1;
}

/* The last choices made per (level, remains, least fanout), direct-mapped: the nodes of one
 * subtree share the remains of their outer levels, and the enumeration is the costly part of
 * F9. One cache per search thread. */
#define SPCACHE_N 1024

/* The slot of hash h in the caches below: h mixed (a multiply-xorshift finalizer) so that
 * the few small keys of a layer (powers of two, say) spread over the slots; their FNV-style
 * hash alone left 128 such keys in 29 of 128 slots. */
static int spcache_slot(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return (int)(h % SPCACHE_N);
}

/* A cache key's hash: h (the key's tag) folded with its D remains, FNV-style. */
static uint64_t key_hash(uint64_t h, const uint64_t *key, int D)
{
    for (int x = 0; x < D; x++)
        h = (h ^ key[x]) * 0x100000001B3u;
    return h;
}

struct adse_spcache {
    struct {
        bool used;
        int u;
        double f_least;
        uint64_t rest[ADSE_MAX_DIMS];
        spopts o;
    } e[SPCACHE_N];
    /* adse__bound_partial's tiles of the last boundary extents met per storage level, and
     * the children's distinct offsets (F3; 0: not counted yet) of the last factors met per
     * complete spatial tiling level: successive nodes of a subtree share their inner
     * levels, whose tiles and offsets need not be counted again. */
    bool tvalid[ADSE_MAX_LEVELS], ovalid[MAP_MAX_TL];
    uint64_t text[ADSE_MAX_LEVELS][ADSE_MAX_DIMS];
    uint64_t tsz[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    uint64_t of[MAP_MAX_TL][2 * ADSE_MAX_DIMS]; /* level's factors, its children's extents */
    uint64_t og[MAP_MAX_TL][ADSE_MAX_DATASPACES];
    /* room_search's last results per (levels, remains), direct-mapped (room_cached) */
    struct {
        uint32_t levels; /* 0: unused */
        uint64_t rest[ADSE_MAX_DIMS], room;
    } room[SPCACHE_N];
};

adse_spcache *adse__spcache_new(void)
{
    return calloc(1, sizeof(adse_spcache));
}

/* The remains' key of spatial level u's choices: rest[x] matters only through its divisors
 * up to maxprod, which gcd(rest[x], lcm(1..maxprod)) has too. (A dim whose key has no such
 * divisor but 1 is left out of the enumerations, its domain unchecked: a superset of the
 * choices.) */
static void spatial_key(const mspace *sp, int u, const uint64_t *rest, uint64_t *key)
{
    const uint64_t *g = sp->tl[u].divkey;
    for (int x = 0; x < sp->D; x++)
        key[x] = g[x] == 1 ? 1 : rest[x] % g[x] == 0 ? g[x] : adse__gcd(rest[x], g[x]);
}

typedef struct room_run {
    const mspace *sp;
    int nl, nx;
    int lv[MAP_MAX_TL], xs[ADSE_MAX_DIMS];
    uint64_t rem[ADSE_MAX_DIMS];
    uint64_t tail[MAP_MAX_TL + 1]; /* the product of the maxprods of levels i.. */
    long budget;
    uint64_t best;
} room_run;

/* Level li of the run (its steps from the i-th dimension on; fan its product so far) with
 * the levels before it at product total. */
static void room_dfs(room_run *r, int li, int i, uint64_t fan, uint64_t total)
{
    if (r->best == r->tail[0] || --r->budget < 0) return;
    const mspace *sp = r->sp;
    const mtl *l = &sp->tl[r->lv[li]];
    if (i == r->nx) {
        total = adse__mul_sat(total, fan);
        if (li + 1 == r->nl) {
            if (total > r->best) r->best = total;
        } else if (adse__mul_sat(total, r->tail[li + 1]) > r->best) {
            room_dfs(r, li + 1, 0, 1, total);
        }
        return;
    }
    int x = r->xs[i];
    /* every completion of the level is at most its maxprod */
    if (i == 0 && adse__mul_sat(total, r->tail[li]) <= r->best) return;
    for (int k = 0; k < sp->n_divs[x]; k++) { /* descending */
        uint64_t v = sp->divs[x][k];
        if (r->rem[x] % v || fan * v > l->maxprod) continue;
        if (l->eq[x] ? v != l->eq[x] : (v < l->lo[x] || v > l->hi[x])) continue;
        r->rem[x] /= v;
        room_dfs(r, li, i + 1, fan * v, total);
        r->rem[x] *= v;
        if (r->budget < 0) return;
    }
}

/* The largest product of the fanouts of the spatial tiling levels in the mask levels given
 * what remains of each bound (rem): one vector of factors per level, each within the
 * level's domains and of product at most its maxprod, every dimension's factors together a
 * divisor of its remainder; depth first, largest divisors first, at most 4,096 nodes. 0
 * over that budget or when no choice exists (adse__spatial_room for one level,
 * adse__spatial_room_joint for several). */
static uint64_t room_search(const mspace *sp, uint32_t levels, const uint64_t *rem)
{
    room_run r = {.sp = sp, .budget = 4096, .best = 0};
    for (int u = 0; u < sp->NT; u++)
        if (levels >> u & 1u) r.lv[r.nl++] = u;
    r.tail[r.nl] = 1;
    for (int k = r.nl - 1; k >= 0; k--)
        r.tail[k] = adse__mul_sat(r.tail[k + 1], sp->tl[r.lv[k]].maxprod);
    for (int x = 0; x < sp->D; x++) {
        r.rem[x] = rem[x];
        if (rem[x] > 1) r.xs[r.nx++] = x;
    }
    if (r.nl > 0) room_dfs(&r, 0, 0, 1, 1);
    return r.budget < 0 ? 0 : r.best;
}

/* room_search through the cache c (or NULL). */
static uint64_t room_cached(const mspace *sp, adse_spcache *c, uint32_t levels, const uint64_t *rem)
{
    if (!c) return room_search(sp, levels, rem);
    int i = spcache_slot(key_hash((uint64_t)levels * 0x9E3779B97F4A7C15u, rem, sp->D));
    size_t kb = (size_t)sp->D * sizeof *rem;
    if (c->room[i].levels != levels || memcmp(c->room[i].rest, rem, kb) != 0) {
        c->room[i].levels = levels;
        memcpy(c->room[i].rest, rem, kb);
        c->room[i].room = room_search(sp, levels, rem);
    }
    return c->room[i].room;
}

uint64_t adse__spatial_room(const mspace *sp, adse_spcache *c, int u, const uint64_t *rem)
{
    uint64_t key[ADSE_MAX_DIMS];
    spatial_key(sp, u, rem, key);
    uint64_t room = room_cached(sp, c, 1u << u, key);
    /* over budget or no choice within the domains: the level's maxprod */
    return room ? room : sp->tl[u].maxprod;
}

uint64_t adse__spatial_room_joint(const mspace *sp, adse_spcache *c, uint32_t levels,
                                  const uint64_t *rem)
{
    return room_cached(sp, c, levels, rem);
}

void adse__spcache_free(adse_spcache *c)
{
    free(c);
}

static void spopts_make(const mspace *sp, int u, const uint64_t *rest, double f_least, spopts *o);

/* spopts_make through the cache (NULL: none, into o). A pointer into the cache holds only
 * until the next call on the same cache, which may replace that slot: a caller keeping the
 * choices of several levels at once must check that (bound_partial does). */
static const spopts *spopts_get(const mspace *sp, adse_spcache *c, int u, const uint64_t *rest,
                                double f_least, spopts *o)
{
    /* nodes with other remains of the same key share the choices */
    uint64_t key[ADSE_MAX_DIMS];
    spatial_key(sp, u, rest, key);
    rest = key;
    if (!c) {
        spopts_make(sp, u, rest, f_least, o);
        return o;
    }
    uint64_t fb;
    memcpy(&fb, &f_least, sizeof fb);
    int i = spcache_slot(
        key_hash(((uint64_t)u * 0x9E3779B97F4A7C15u ^ fb) * 0x100000001B3u, rest, sp->D));
    if (c->e[i].used && c->e[i].u == u && c->e[i].f_least == f_least &&
        memcmp(c->e[i].rest, rest, (size_t)sp->D * sizeof *rest) == 0)
        return &c->e[i].o;
    spopts_make(sp, u, rest, f_least, &c->e[i].o);
    c->e[i].used = true;
    c->e[i].u = u;
    c->e[i].f_least = f_least;
    memcpy(c->e[i].rest, rest, (size_t)sp->D * sizeof *rest);
    return &c->e[i].o;
}

static void spopts_make(const mspace *sp, int u, const uint64_t *rest, double f_least, spopts *o)
{
    spenum e = {.sp = sp, .u = u, .rest = rest, .budget = 4096, .fmin = f_least, .o = o};
    o->n = 0;
    o->Fmax = (double)sp->tl[u].maxprod;
    for (int x = 0; x < sp->D; x++) {
        e.cnt[x] = 1;
        if (rest[x] > 1) e.xs[e.nx++] = x;
    }
    spopt_enum(&e, 0, 1);
    if (e.overflow || o->n == 0) {
        o->n = 1;
        o->F[0] = (double)sp->tl[u].maxprod;
        for (int d = 0; d < sp->NDS; d++)
            o->r[0][d] = (adse__links_may(sp, u, d) && u == sp->s_of[0])
                             ? 0.0
                             : 1.0 / (double)sp->tl[u].maxprod;
    }
    for (int d = 0; d < sp->NDS; d++) {
        o->rmin[d] = HUGE_VAL;
        for (int n = 0; n < o->n; n++)
            o->rmin[d] = fmin(o->rmin[d], o->r[n][d]);
    }
}

/* ---------------------------------------------------------------------------------------
 * F10: the refills a small level cannot avoid (docs/mapper.md section 5)
 * ------------------------------------------------------------------------------------- */

/* For storage level k and a set S of halo-free data spaces kept at k: whatever the mapping,
 * the tile extents e at k (each a divisor of its bound) fit their tiles T_d(e) together in
 * k's effective size, and the temporal loops above k, if any, have an innermost non-unit
 * loop on some dimension x with bound_x / e_x > 1; every d of S relevant to x then fills
 * its whole tile at every iteration above k, T_d(e) x MACs / V(e) over all instances
 * (V(e) = product of e), and the others at least their operand points. The table holds the
 * least such vectors over (e, x) (at most RF_MAX, merged by componentwise minima).
 *
 * F10 across levels: S may also hold data spaces kept at levels j below k (simple
 * projections, each relevant dimension a rank of its own, so T_d(e') >= the product of
 * d's relevant extents). Such a d fills at j, over all instances, at least MACs / (the
 * product of e over the dimensions irrelevant to d) whenever x is relevant to d or a
 * relevant non-unit temporal loop sits between j and k (docs/mapper.md section 5, F10);
 * without one, d's relevant extents grow from j to k only through the spatial levels in
 * between, so its relevant extents at k multiply to at most j's size times their largest
 * products (capb). A tile e where that fails forces the refills whatever x is. */
#define RF_BUDGET 400000L /* tile vectors visited per level; over it, no table there */
#define RF_XBUDGET 20000L /* the same for the sets across levels */

typedef struct rfset {
    int cap, n;
    double (*v)[ADSE_MAX_DATASPACES];
} rfset;

/* One set of an enumeration: mask its data spaces, kmask those kept at the enumerated
 * level (their tiles fit it together), capb[d] for the others (see above). */
typedef struct rfcombo {
    uint32_t mask, kmask;
    double capb[ADSE_MAX_DATASPACES];
    int lev[ADSE_MAX_DATASPACES]; /* across levels: each data space's level, -1 if not in */
} rfcombo;

typedef struct mstep mstep;

typedef struct rfenum {
    const mspace *sp;
    int k;
    uint64_t size;    /* the level's effective size */
    uint64_t maxprod; /* F11: the MAC level's largest product of factors (0: F10) */
    const rfcombo *combo;
    int nm;
    rfset *set;                              /* one per combo */
    uint32_t kms[1u << ADSE_MAX_DATASPACES]; /* the combos' distinct kmasks */
    int nkm;
    uint64_t e[ADSE_MAX_DIMS];
    long budget;
    bool count; /* only count the tiles */
    bool oom;
    mstep *ms;     /* F11: one per data space (NULL until a leaf needs them) */
    uint64_t tmin; /* F11: the fewest temporal visits (MACs over the largest fanouts) */
    mmactab pe;    /* F11: each leaf's vectors per innermost and next loop */
} rfenum;

/* F11's table per e (mmactab): opens key e's run of vectors, adds a vector to the last run,
 * frees it; false when out of memory. */
static bool mactab_key(mmactab *t, const uint64_t *e)
{
    if (t->nk == t->kcap) {
        int nc = t->kcap ? 2 * t->kcap : 64;
        uint64_t(*k)[ADSE_MAX_DIMS] = realloc(t->key, (size_t)nc * sizeof *k);
        if (k) t->key = k;
        int *f = k ? realloc(t->first, (size_t)nc * sizeof *f) : NULL;
        if (f) t->first = f;
        int *n = f ? realloc(t->n, (size_t)nc * sizeof *n) : NULL;
        if (!n) return false;
        t->n = n;
        t->kcap = nc;
    }
    memcpy(t->key[t->nk], e, sizeof t->key[0]);
    t->first[t->nk] = t->nv;
    t->n[t->nk++] = 0;
    return true;
}

static bool mactab_add(mmactab *t, const double *v, int x, int y)
{
    if (t->nv == t->vcap) {
        int nc = t->vcap ? 2 * t->vcap : 256;
        double(*w)[ADSE_MAX_DATASPACES] = realloc(t->v, (size_t)nc * sizeof *w);
        if (w) t->v = w;
        int8_t *px = w ? realloc(t->x, (size_t)nc) : NULL;
        if (px) t->x = px;
        int8_t *py = px ? realloc(t->y, (size_t)nc) : NULL;
        if (!py) return false;
        t->y = py;
        t->vcap = nc;
    }
    memcpy(t->v[t->nv], v, sizeof t->v[0]);
    t->x[t->nv] = (int8_t)x;
    t->y[t->nv++] = (int8_t)y;
    t->n[t->nk - 1]++;
    return true;
}

static void mactab_free(mmactab *t)
{
    free(t->v);
    free(t->x);
    free(t->y);
    free(t->key);
    free(t->first);
    free(t->n);
    memset(t, 0, sizeof *t);
}

/* Adds v (nds components) to s unless some vector of s is <= it everywhere; drops the
 * vectors >= v everywhere. */
static void rf_add(rfenum *c, rfset *s, const double *v, int nds)
{
    for (int i = 0; i < s->n; i++) {
        bool le = true;
        for (int j = 0; j < nds && le; j++)
            le = s->v[i][j] <= v[j];
        if (le) return;
    }
    int w = 0;
    for (int i = 0; i < s->n; i++) {
        bool ge = true;
        for (int j = 0; j < nds && ge; j++)
            ge = s->v[i][j] >= v[j];
        if (!ge) memmove(s->v[w++], s->v[i], sizeof s->v[0]);
    }
    s->n = w;
    if (s->n == s->cap) {
        int nc = s->cap ? 2 * s->cap : 16;
        void *p = realloc(s->v, (size_t)nc * sizeof s->v[0]);
        if (!p) {
            c->oom = true;
            return;
        }
        s->v = p;
        s->cap = nc;
    }
    memcpy(s->v[s->n++], v, sizeof s->v[0]);
}

/* The sum of the tiles of the data spaces in mask at extents e. */
static uint64_t tiles_of(const mspace *sp, uint32_t mask, const uint64_t *e)
{
    uint64_t sum = 0;
    for (int d = 0; d < sp->NDS; d++)
        if (mask >> d & 1u) sum += adse_problem_tile_size(sp->prob, d, e);
    return sum;
}

static int cmp_first(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Stores s into r, merging runs of vectors (sorted by the first component) into their
 * componentwise minima when there are more than RF_MAX. */
static void rf_store(mrefill *r, rfset *s, uint32_t mask, int NDS)
{
    r->nds = 0;
    for (int d = 0; d < NDS; d++)
        if (mask >> d & 1u) r->ds[r->nds++] = (uint8_t)d;
    if (s->n > 0) /* none when no tile fits the set together (s->v NULL: qsort's UB) */
        qsort(s->v, (size_t)s->n, sizeof s->v[0], cmp_first);
    int groups = s->n < RF_MAX ? s->n : RF_MAX;
    for (int g = 0; g < groups; g++) {
        int lo = (int)((long)g * s->n / groups), hi = (int)((long)(g + 1) * s->n / groups);
        for (int j = 0; j < r->nds; j++) {
            double m = HUGE_VAL;
            for (int i = lo; i < hi; i++)
                m = fmin(m, s->v[i][j]);
            r->v[g][j] = m;
        }
    }
    r->n = groups;
}

/* F11 at the steps of the temporal loops. At a step that moves d by tau, a MAC takes its
 * point over a link only from a neighbour whose offset is its own plus tau (model.md 4.7),
 * and the MACs of a multicast group have one offset: a group reads unless some MAC's offset
 * is its own plus tau. So for tau != 0 at least G - c(tau) groups read, G the distinct
 * offsets and c(tau) the pairs of them that differ by tau; for tau = 0 (a step that leaves
 * d in place) at least the groups of one MAC. Every step reads at least c_any, the least of
 * these counts over every tau, and the first visit reads G >= c_any.
 *
 * Let the innermost non-unit temporal loop be on x (factor n) and the next one out on y
 * (factor m; y may be x again, at another level). Over the T visits, T (n - 1) / n are x's
 * steps, each moving d by k t_x: t_x is the coefficient times e_x in every rank of x and
 * k, the product of the spatial factors on x between the MAC level and the loop, divides
 * B_x = bound_x / e_x. At least c_in = G - max_k c(k t_x) groups read there (t_x = 0: the
 * groups of one MAC). T (m - 1) / (n m) are y's steps, where x wraps; the model takes a
 * carry's translation as the loop's move less one move of each loop inside it (model.md
 * 4.7), so tau = k_y t_y - k t_x (k_y dividing B_y), or for y = x, k (n s - 1) t_x with s the
 * spatial factors on x between the two loops: at least c_y, the least count over those, read
 * there. The rest read at least c_any, or G where a rank of d holds y and no other dimension
 * of bound above 1 (y's loops wrap or step there, and their strides at least double outwards:
 * a nonzero move). So the MAC level's reads over all instances are at least MACs / F times
 * the least over n | B_x and m of (1 - 1/n) c_in + ((1 - 1/m) c_y + c_deep / m) / n, linear
 * in 1/m, hence least at m = B_y or its smallest prime. Without y (x the only temporal loop,
 * possible only when B_x is at least the fewest visits) n's smallest prime p gives
 * ((p - 1) c_in + c_any) / p. Where a rank of d holds x and no other dimension of bound above
 * 1, every step moves d there by a nonzero multiple of t_x, which no two MACs' offsets differ
 * by (fewer than e_x indices apart): MACs x G / F. mstep holds one data space's offsets at
 * one vector e of the MAC level's factors (at most STEP_MAX children). */
#define STEP_MAX 64
#define STEP_DIV 128 /* divisors of a bound enumerated */
typedef struct step_off {
    int64_t o[ADSE_MAX_RANKS];
} step_off;

struct mstep {
    const mspace *sp;
    const uint64_t *e;
    int d;
    uint64_t F, G, single, most; /* most: the largest c(tau), tau != 0 */
    int nu;                      /* the distinct differences, ascending, and their counts */
    step_off diff[STEP_MAX * STEP_MAX];
    uint32_t cnt[STEP_MAX * STEP_MAX];
    step_off lo, hi; /* the differences' least and largest component per rank */
};

static int cmp_off(const void *a, const void *b)
{
    const step_off *x = a, *y = b;
    for (int r = 0; r < ADSE_MAX_RANKS; r++)
        if (x->o[r] != y->o[r]) return x->o[r] < y->o[r] ? -1 : 1;
    return 0;
}

/* The divisors of v, a divisor of dimension x's bound, ascending: those of the space's
 * divisors of the bound (sp->divs, descending) that divide v; -1 when there are more than
 * STEP_DIV. */
static int divisors(const mspace *sp, int x, uint64_t v, uint64_t *out)
{
    int n = 0;
    for (int i = sp->n_divs[x] - 1; i >= 0; i--) {
        if (v % sp->divs[x][i]) continue;
        if (n == STEP_DIV) return -1;
        out[n++] = sp->divs[x][i];
    }
    return n;
}

/* Fills ms for data space d at the MAC level's factors e; false when the level has one
 * child or more than STEP_MAX. */
static bool mstep_init(mstep *ms, const mspace *sp, int d, const uint64_t *e)
{
    const adse_dataspace *ds = &sp->prob->ds[d];
    uint64_t F = 1;
    for (int y = 0; y < sp->D; y++)
        F *= e[y];
    if (F < 2 || F > STEP_MAX) return false;
    ms->sp = sp;
    ms->e = e;
    ms->d = d;
    ms->F = F;
    step_off off[STEP_MAX], u[STEP_MAX];
    for (uint64_t c = 0; c < F; c++) { /* the children's offsets */
        uint64_t rem = c, idx[ADSE_MAX_DIMS];
        for (int y = 0; y < sp->D; y++) {
            idx[y] = rem % e[y];
            rem /= e[y];
        }
        memset(&off[c], 0, sizeof off[c]);
        for (int r = 0; r < ds->n_ranks; r++)
            for (int i = 0; i < ds->ranks[r].n_terms; i++)
                off[c].o[r] += ds->ranks[r].terms[i].coef * (int64_t)idx[ds->ranks[r].terms[i].dim];
    }
    qsort(off, F, sizeof *off, cmp_off);
    uint64_t G = 0, single = 0;
    for (uint64_t c = 0; c < F; c++) {
        bool new_g = c == 0 || cmp_off(&off[c], &off[c - 1]) != 0;
        if (new_g) u[G++] = off[c];
        single += new_g && (c + 1 == F || cmp_off(&off[c], &off[c + 1]) != 0);
    }
    ms->G = G;
    ms->single = single;
    int nd = 0;
    for (uint64_t a = 0; a < G; a++)
        for (uint64_t b = 0; b < G; b++) {
            if (a == b) continue;
            for (int r = 0; r < ADSE_MAX_RANKS; r++)
                ms->diff[nd].o[r] = u[b].o[r] - u[a].o[r];
            nd++;
        }
    qsort(ms->diff, (size_t)nd, sizeof *ms->diff, cmp_off);
    ms->nu = 0;
    ms->most = 0;
    for (int r = 0; r < ADSE_MAX_RANKS; r++) {
        ms->lo.o[r] = nd ? ms->diff[0].o[r] : 0;
        ms->hi.o[r] = ms->lo.o[r];
        for (int i = 1; i < nd; i++) {
            if (ms->diff[i].o[r] < ms->lo.o[r]) ms->lo.o[r] = ms->diff[i].o[r];
            if (ms->diff[i].o[r] > ms->hi.o[r]) ms->hi.o[r] = ms->diff[i].o[r];
        }
    }
    for (int i = 0, j; i < nd; i = j) {
        for (j = i + 1; j < nd && cmp_off(&ms->diff[j], &ms->diff[i]) == 0; j++)
            ;
        ms->diff[ms->nu] = ms->diff[i];
        ms->cnt[ms->nu++] = (uint32_t)(j - i);
        if ((uint64_t)(j - i) > ms->most) ms->most = (uint64_t)(j - i);
    }
    return true;
}

/* The fewest groups that read at a step moving d by tau. */
static uint64_t mstep_at(const mstep *ms, const step_off *tau)
{
    bool zero = true, out = false;
    for (int r = 0; r < ADSE_MAX_RANKS; r++) {
        zero = zero && tau->o[r] == 0;
        out = out || tau->o[r] < ms->lo.o[r] || tau->o[r] > ms->hi.o[r];
    }
    if (zero) return ms->single;
    if (out) return ms->G; /* no two offsets differ by tau */
    const step_off *f = bsearch(tau, ms->diff, (size_t)ms->nu, sizeof *tau, cmp_off);
    return f ? ms->G - ms->cnt[f - ms->diff] : ms->G;
}

/* Does tau, grown by further positive multiples of t, stay past every difference (a rank
 * where t moves it beyond the differences' range in its own direction)? The loops over a
 * stride ascending stop there. */
static bool mstep_past(const mstep *ms, const step_off *tau, const step_off *t)
{
    for (int r = 0; r < ADSE_MAX_RANKS; r++)
        if ((t->o[r] > 0 && tau->o[r] > ms->hi.o[r]) || (t->o[r] < 0 && tau->o[r] < ms->lo.o[r]))
            return true;
    return false;
}

/* t_x: the move of d per unit of k in each rank; *alone: a rank of x and no other dimension
 * of bound above 1 moves. */
static bool mstep_t(const mstep *ms, int x, step_off *t, bool *alone)
{
    const adse_dataspace *ds = &ms->sp->prob->ds[ms->d];
    bool moves = false;
    *alone = false;
    memset(t, 0, sizeof *t);
    for (int r = 0; r < ds->n_ranks; r++) {
        bool only_x = true;
        for (int i = 0; i < ds->ranks[r].n_terms; i++) {
            int y = ds->ranks[r].terms[i].dim;
            if (y == x)
                t->o[r] += ds->ranks[r].terms[i].coef * (int64_t)ms->e[x];
            else if (ms->sp->prob->bounds[y] > 1)
                only_x = false;
        }
        moves = moves || t->o[r] != 0;
        *alone = *alone || (t->o[r] != 0 && only_x);
    }
    return moves;
}

static uint64_t least_prime(uint64_t v)
{
    uint64_t pr[ADSE_MAX_PRIMES];
    return adse__distinct_primes(v, pr) ? pr[0] : 2;
}

/* The deeper carries' least reads per step (c_deep): at a step of the third non-unit loop,
 * on z, tau = a t_z - b t_y - c t_x with a, b, c dividing B_z, B_y and B_x (a superset of
 * the strides; for z = y, a is a multiple of b by the factors of y's loop and those between,
 * at least 2 b, and likewise for z = x), at least c_z groups read; at least half of the deeper
 * carries are those (and without a third loop only the first visit, G, is left), the rest read at
 * least c_any: (c_z + c_any) / 2. c_any when the combinations over every z are more than
 * STEP_COMBOS. */
#define STEP_COMBOS 2048
static double mstep_deep(const mstep *ms, int x, int y, const step_off *tx, const step_off *ty,
                         double c_any)
{
    const mspace *sp = ms->sp;
    const uint64_t *e = ms->e;
    uint64_t ax[STEP_DIV], ay[STEP_DIV], azs[ADSE_MAX_DIMS][STEP_DIV];
    int nx = divisors(sp, x, sp->prob->bounds[x] / e[x], ax);
    int ny = divisors(sp, y, sp->prob->bounds[y] / e[y], ay), nzs[ADSE_MAX_DIMS];
    if (nx < 0 || ny < 0) return c_any;
    long combos = 0; /* over every z */
    for (int z = 0; z < sp->D; z++) {
        uint64_t Bz = sp->prob->bounds[z] / e[z];
        nzs[z] = Bz < 2 ? 0 : divisors(sp, z, Bz, azs[z]);
        if (nzs[z] < 0) return c_any;
        combos += (long)nzs[z] * ny * nx;
    }
    if (combos > STEP_COMBOS) return c_any;
    double c_z = (double)ms->G;
    for (int z = 0; z < sp->D && c_z > c_any; z++) {
        const uint64_t *az = azs[z];
        int nz = nzs[z];
        if (!nz) continue;
        step_off tz, tau;
        bool alone_z, moves_z = mstep_t(ms, z, &tz, &alone_z);
        for (int b = 0; b < ny && c_z > c_any; b++)
            for (int c = 0; c < nx && c_z > c_any; c++)
                for (int a = 0; a < nz && c_z > c_any; a++) { /* a ascending */
                    for (int r = 0; r < ADSE_MAX_RANKS; r++)
                        tau.o[r] = (int64_t)az[a] * tz.o[r] - (int64_t)ay[b] * ty->o[r] -
                                   (int64_t)ax[c] * tx->o[r];
                    if (mstep_past(ms, &tau, &tz)) break;
                    /* an outer loop on y or x moves at least twice its inner loop's stride */
                    if ((z == y && (az[a] % ay[b] || az[a] < 2 * ay[b])) ||
                        (z == x && (az[a] % ax[c] || az[a] < 2 * ax[c])))
                        continue;
                    double g = (double)mstep_at(ms, &tau);
                    if (g < c_z) c_z = g;
                    if (!moves_z) break; /* tau does not depend on a */
                }
    }
    return (c_z + c_any) / 2;
}

/* The MAC level's reads of ms's data space over all instances with the innermost temporal
 * loop on x and the next one on y (-1: none); 0 when the divisors are too many. */
static double mstep_reads(const mstep *ms, int x, int y)
{
    const mspace *sp = ms->sp;
    const uint64_t *e = ms->e;
    step_off tx, ty, tau;
    bool alone, alone_y;
    bool moves = mstep_t(ms, x, &tx, &alone);
    double unit = (double)sp->macs / (double)ms->F;
    if (moves && alone) return unit * (double)ms->G;
    uint64_t bx = sp->prob->bounds[x] / e[x], dx[STEP_DIV], dn[STEP_DIV], dy[STEP_DIV];
    int nx = divisors(sp, x, bx, dx);
    if (nx < 0) return 0;
    double c_in = (double)ms->single, c_any = (double)(ms->G - ms->most);
    if (c_any > (double)ms->single) c_any = (double)ms->single;
    if (moves) {
        uint64_t worst = ms->G;
        for (int i = 0; i < nx; i++) {
            for (int r = 0; r < ADSE_MAX_RANKS; r++)
                tau.o[r] = (int64_t)dx[i] * tx.o[r];
            uint64_t g = mstep_at(ms, &tau);
            if (g < worst) worst = g;
        }
        c_in = (double)worst;
    }
    if (y < 0) {
        double p = (double)least_prime(bx);
        return unit * ((p - 1) * c_in + c_any) / p;
    }
    /* a rank of y alone: y's steps and the deeper carries move d there (y wraps) */
    double c_deep = (double)ms->G;
    if (y == x) ty = tx; /* x is alone in no rank where it moves d (returned above) */
    if (y == x || !mstep_t(ms, y, &ty, &alone_y) || !alone_y)
        c_deep = mstep_deep(ms, x, y, &tx, &ty, c_any);
    /* y != x: gk[i], the least count over k_y at k = dx[i] */
    double gk[STEP_DIV];
    if (y != x) {
        int ny = divisors(sp, y, sp->prob->bounds[y] / e[y], dy);
        if (ny < 0) return 0;
        for (int i = 0; i < nx; i++) {
            gk[i] = (double)ms->G;
            for (int b = 0; b < ny && gk[i] > c_any; b++) {
                for (int r = 0; r < ADSE_MAX_RANKS; r++)
                    tau.o[r] = (int64_t)dy[b] * ty.o[r] - (int64_t)dx[i] * tx.o[r];
                if (mstep_past(ms, &tau, &ty)) break;
                double g = (double)mstep_at(ms, &tau);
                if (g < gk[i]) gk[i] = g;
            }
        }
    }
    double best = HUGE_VAL;
    for (int i = 1; i < nx; i++) { /* n = dx[i] > 1 */
        uint64_t n = dx[i], B = y == x ? bx / n : sp->prob->bounds[y] / e[y];
        if (B < 2) continue;
        double c_y = (double)ms->G;
        if (y != x) { /* k = dx[a] dividing bx / n */
            for (int a = 0; a < nx && c_y > c_any; a++)
                if ((bx / n) % dx[a] == 0 && gk[a] < c_y) c_y = gk[a];
        }
        int nn = y == x ? divisors(sp, x, bx / n, dn) : 0;
        if (nn < 0) return 0;
        for (int a = 0; a < nn && c_y > c_any; a++) { /* y = x: k (n s - 1) t_x */
            uint64_t k = dn[a], ds_[STEP_DIV];
            int ns = divisors(sp, x, bx / (n * k), ds_);
            if (ns < 0) return 0;
            for (int b = 0; b < ns; b++) {
                int64_t j = (int64_t)(k * (n * ds_[b] - 1));
                for (int r = 0; r < ADSE_MAX_RANKS; r++)
                    tau.o[r] = j * tx.o[r];
                double g = (double)mstep_at(ms, &tau);
                if (g < c_y) c_y = g;
            }
        }
        double ms_[2] = {(double)least_prime(B), (double)B};
        for (int a = 0; a < 2; a++) {
            double m = ms_[a];
            double v = (1 - 1.0 / (double)n) * c_in + ((1 - 1 / m) * c_y + c_deep / m) / (double)n;
            if (v < best) best = v;
        }
    }
    return best < HUGE_VAL ? unit * best : 0;
}

static void rf_leaf(rfenum *c)
{
    const mspace *sp = c->sp;
    const adse_problem *p = sp->prob;
    int NDS = sp->NDS;
    uint64_t V = 1, T[ADSE_MAX_DATASPACES];
    double rel[ADSE_MAX_DATASPACES], full_k[ADSE_MAX_DATASPACES], full_l[ADSE_MAX_DATASPACES];
    double still[ADSE_MAX_DATASPACES];
    for (int x = 0; x < sp->D; x++)
        V *= c->e[x];
    double q = (double)(sp->macs / V);
    uint64_t one[ADSE_MAX_DIMS];
    uint32_t on = 0; /* the dimensions of e above 1 */
    for (int x = 0; x < sp->D; x++) {
        one[x] = 1;
        if (c->e[x] > 1) on |= 1u << x;
    }
    for (int d = 0; d < NDS; d++) {
        /* F11: the MACs' points at a step, the distinct offsets (a strided rank's tile box
         * holds more) */
        T[d] = c->maxprod ? set_bound(p, d, one, c->e) : adse_problem_tile_size(p, d, c->e);
        double irr = 1;
        rel[d] = 1;
        for (int x = 0; x < sp->D; x++)
            *(sp->relevant[d] >> x & 1u ? &rel[d] : &irr) *= (double)c->e[x];
        full_k[d] = (double)T[d] * q;       /* kept at k */
        full_l[d] = (double)sp->macs / irr; /* kept below k (across levels) */
        /* F11 where links serve none (F3'''): every MAC reads at every step */
        still[d] = c->maxprod && mac_unshared(sp, d, on) ? (double)sp->macs : 0;
    }
    /* the relevance patterns of the possible innermost loops above k (none: e = the
     * bounds, where every tile is filled once) */
    uint32_t relm[ADSE_MAX_DIMS];
    int nx = 0, xdim[ADSE_MAX_DIMS];
    for (int x = 0; x < sp->D; x++) {
        if (p->bounds[x] / c->e[x] < 2) continue;
        xdim[nx] = x;
        relm[nx] = 0;
        for (int d = 0; d < NDS; d++)
            if (sp->relevant[d] >> x & 1u) relm[nx] |= 1u << d;
        nx++;
    }
    /* F11: none also where every loop may be spatial (one visit: each group reads once) */
    if (!nx || (c->maxprod && c->tmin <= 1)) xdim[nx] = -1, relm[nx++] = (1u << NDS) - 1;
    bool steps = false; /* F11: the data spaces' offsets at e */
    if (c->maxprod && !c->ms) {
        c->ms = malloc((size_t)NDS * sizeof *c->ms);
        if (!c->ms) {
            c->oom = true;
            return;
        }
    }
    for (int d = 0; d < NDS && c->maxprod; d++)
        steps = mstep_init(&c->ms[d], sp, d, c->e);
    if (c->maxprod && !c->oom && !mactab_key(&c->pe, c->e)) { /* F11: this e's run */
        c->oom = true;
        return;
    }
    for (int m = 0; m < c->nm; m++) {
        const rfcombo *cb = &c->combo[m];
        uint32_t mask = cb->mask;
        uint64_t sum = 0;
        for (int d = 0; d < NDS; d++)
            if (cb->kmask >> d & 1u) sum += T[d];
        if (!c->maxprod && sum > c->size) continue;
        /* the data spaces below k that refill whatever the loop above k is */
        uint32_t forced = 0;
        for (int d = 0; d < NDS; d++)
            if ((mask & ~cb->kmask) >> d & 1u && rel[d] > cb->capb[d]) forced |= 1u << d;
        uint64_t seen = 0;
        for (int i = 0; i < nx; i++) {
            uint32_t pat = (relm[i] & mask) | forced;
            if (!c->maxprod && seen >> pat & 1u) continue; /* F11: the vector depends on x */
            seen |= (uint64_t)1 << pat;
            int x = xdim[i];
            /* F11: the next loop out, y (-1: none, only if x's loop can make every visit) */
            bool by_y = steps && x >= 0;
            uint64_t bx = x >= 0 ? p->bounds[x] / c->e[x] : 1;
            for (int y = by_y ? -1 : -2; y < (by_y ? sp->D : -1); y++) {
                if (y == -1 && bx < c->tmin) continue;
                if (y >= 0 && (y == x ? least_prime(bx) == bx : p->bounds[y] / c->e[y] < 2))
                    continue;
                double v[ADSE_MAX_DATASPACES];
                int j = 0;
                for (int d = 0; d < NDS; d++) {
                    if (!(mask >> d & 1u)) continue;
                    double full = cb->kmask >> d & 1u ? full_k[d] : full_l[d];
                    double ops = max2((double)sp->opset[d], still[d]);
                    /* a sliding window's union may overlap the last: only the MACs' reads */
                    bool moves = (pat >> d & 1u) && !(c->maxprod && sp->sliding[d]);
                    if (y > -2) ops = max2(ops, mstep_reads(&c->ms[d], x, y));
                    v[j++] = moves && full > ops ? full : ops;
                }
                rf_add(c, &c->set[m], v, j);
                if (c->maxprod && !c->oom && !mactab_add(&c->pe, v, x, y)) {
                    c->oom = true;
                    return;
                }
            }
        }
    }
}

/* The tiles grow with every extent, so once the least set's tiles exceed the size at the
 * smallest remaining extents, larger divisors of dimension x do too. */
static void rf_enum(rfenum *c, int x)
{
    const mspace *sp = c->sp;
    if (c->oom || c->budget <= 0) return;
    if (x == sp->D) {
        c->budget--;
        if (!c->count) rf_leaf(c);
        return;
    }
    for (int i = sp->n_divs[x] - 1; i >= 0; i--) { /* ascending */
        c->e[x] = sp->divs[x][i];
        bool fits = false;
        if (c->maxprod) { /* F11: the MAC level's factors, within its largest product */
            uint64_t V = 1;
            for (int y = 0; y <= x; y++)
                V *= c->e[y];
            fits = V <= c->maxprod;
        } else {
            for (int m = 0; m < c->nkm && !fits; m++)
                fits = tiles_of(sp, c->kms[m], c->e) <= c->size;
        }
        if (!fits) break;
        rf_enum(c, x + 1);
    }
    c->e[x] = 1;
}

/* Enumerates the tiles of level k (size: its effective size) or, with maxprod, the MAC
 * level's factor vectors for the data-space sets combo[0..nm), visiting at most budget
 * tiles; NULL when out of memory. rf_free releases it. */
static rfenum *rf_run(const mspace *sp, int k, uint64_t size, uint64_t maxprod,
                      const rfcombo *combo, int nm, long budget)
{
    rfenum *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->set = calloc((size_t)(nm > 0 ? nm : 1), sizeof *c->set);
    if (!c->set) {
        free(c);
        return NULL;
    }
    c->sp = sp;
    c->k = k;
    c->size = size;
    c->maxprod = maxprod;
    c->tmin = 1;
    if (maxprod) { /* the MAC table: the visits are at least MACs over every fanout */
        double fan = (double)maxprod;
        for (int u = 0; u < sp->NT; u++)
            if (sp->tl[u].spatial && u != sp->s_of[0]) fan *= (double)sp->tl[u].maxprod;
        c->tmin = (uint64_t)ceil((double)sp->macs / fan);
    }
    c->combo = combo;
    c->nm = nm;
    for (int m = 0; m < nm; m++) {
        int i = 0;
        while (i < c->nkm && c->kms[i] != combo[m].kmask)
            i++;
        if (i == c->nkm) c->kms[c->nkm++] = combo[m].kmask;
    }
    for (int x = 0; x < ADSE_MAX_DIMS; x++) /* beyond D too: mac_table's keys */
        c->e[x] = 1;
    /* count first: over the budget, no leaf is worked out for nothing */
    c->count = true;
    c->budget = budget;
    rf_enum(c, 0);
    if (c->budget > 0) {
        c->count = false;
        c->budget = budget;
        rf_enum(c, 0);
    }
    return c;
}

static void rf_free(rfenum *c)
{
    free(c->ms);
    mactab_free(&c->pe);
    for (int m = 0; m < c->nm; m++)
        free(c->set[m].v);
    free(c->set);
    free(c);
}

/* F11: with link transfers at the MAC level a MAC may take its operand from a neighbour
 * instead of the buffer, but only one a neighbour received at the step before; so the
 * points new to the MACs' union tile T_d(e) at a step (e: the MAC level's factors) are all
 * read. For a halo-free d that tile moves to a disjoint place whenever a relevant loop
 * steps, so over all instances the reads are at least T_d(e) x MACs / V(e) when the
 * innermost temporal loop (on some x with bound_x / e_x > 1) is relevant to d, else the
 * operand points: F10's leaf over the MAC level's factor vectors instead of a level's
 * tiles. */
static bool macfill_init(mspace *sp)
{
    int u = sp->s_of[0];
    if (u < 0 || sp->NDS > 4) return true;
    rfcombo cb = {0};
    for (int d = 0; d < sp->NDS; d++) /* sliding windows: F3''' alone */
        if (adse__links_may(sp, u, d)) cb.mask |= 1u << d;
    if (!cb.mask) return true;
    cb.kmask = cb.mask;
    rfenum *c = rf_run(sp, 0, 0, sp->tl[u].maxprod, &cb, 1, RF_BUDGET);
    if (!c) return false;
    bool ok = !c->oom;
    if (ok && c->budget > 0 && c->set[0].n > 0) {
        sp->macfill = malloc(sizeof *sp->macfill);
        if (!sp->macfill) ok = false;
        if (ok) rf_store(sp->macfill, &c->set[0], cb.mask, sp->NDS);
        if (ok) { /* the leaves come in rf_enum's order: e ascending */
            sp->macfill_e = c->pe;
            memset(&c->pe, 0, sizeof c->pe);
        }
    }
    rf_free(c);
    return ok;
}

/* Notes in sp->refill_max the largest fills entry r gives each of its data spaces, at
 * level k or, with lev, at lev[d]. */
static void rf_note_max(mspace *sp, const mrefill *r, const int *lev, int k)
{
    for (int i = 0; i < r->n; i++)
        for (int j = 0; j < r->nds; j++) {
            int d = r->ds[j], l = lev ? lev[d] : k;
            sp->refill_max[l][d] = fmax(sp->refill_max[l][d], r->v[i][j]);
        }
}

/* The entries of F10 across levels: L^NDS keys (adse__xrefill_code). */
static size_t xrefill_count(const mspace *sp)
{
    size_t n = 1;
    for (int d = 0; d < sp->NDS; d++)
        n *= (size_t)sp->L;
    return n;
}

/* The data spaces that may have their innermost keeper at level k (F10's candidates). */
static uint32_t rf_cand(const mspace *sp, int k)
{
    uint32_t cand = 0;
    for (int d = 0; d < sp->NDS; d++) {
        uint32_t forced = sp->keep_fixed[d] & sp->keep_value[d];
        bool bypass = (sp->keep_fixed[d] & ~sp->keep_value[d]) >> k & 1u;
        if (!sp->sliding[d] && !bypass && !(forced & ((1u << k) - 1))) cand |= 1u << d;
    }
    return cand;
}

/* F10 across levels: the sets whose kept-at-K part is not empty and which hold at least
 * one data space at a level below K: every assignment of each candidate data space to
 * nothing, to K or to a level below K where it may be the innermost keeper (a simple
 * projection there). */
static int rf_xcombos(const mspace *sp, int K, rfcombo **out)
{
    int NDS = sp->NDS, n = 0, cap = 0;
    *out = NULL;
    uint32_t cand[ADSE_MAX_LEVELS];
    for (int j = 0; j <= K; j++)
        cand[j] = rf_cand(sp, j);
    /* per data space its options: -1 (not in the set), K, the levels below K */
    int opt[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS + 1], nopt[ADSE_MAX_DATASPACES];
    int idx[ADSE_MAX_DATASPACES], lev[ADSE_MAX_DATASPACES];
    for (int d = 0; d < ADSE_MAX_DATASPACES; d++)
        lev[d] = -1;
    for (int d = 0; d < NDS; d++) {
        nopt[d] = 0;
        idx[d] = 0;
        opt[d][nopt[d]++] = -1;
        if (cand[K] >> d & 1u) opt[d][nopt[d]++] = K;
        for (int j = 0; j < K && simple_projection(sp->prob, d); j++)
            if (cand[j] >> d & 1u) opt[d][nopt[d]++] = j;
    }
    for (;;) {
        uint32_t mask = 0, kmask = 0;
        bool below = false;
        for (int d = 0; d < NDS; d++) {
            lev[d] = opt[d][idx[d]];
            if (lev[d] < 0) continue;
            mask |= 1u << d;
            if (lev[d] == K)
                kmask |= 1u << d;
            else
                below = true;
        }
        if (kmask && below && __builtin_popcount(mask) >= 2) {
            if (n == cap) {
                int nc = cap ? 2 * cap : 32;
                rfcombo *o = realloc(*out, (size_t)nc * sizeof *o);
                if (!o) return -1;
                *out = o;
                cap = nc;
            }
            rfcombo *cb = &(*out)[n++];
            memset(cb, 0, sizeof *cb);
            cb->mask = mask;
            cb->kmask = kmask;
            memcpy(cb->lev, lev, sizeof cb->lev);
            for (int d = 0; d < NDS; d++) {
                if (lev[d] < 0 || lev[d] == K) continue;
                const adse_buffer *b = &sp->arch->levels[lev[d]];
                double capb = b->size_specified ? (double)b->effective_size : HUGE_VAL;
                for (int i = lev[d] + 1; i <= K; i++)
                    if (sp->s_of[i] >= 0) capb *= (double)sp->tl[sp->s_of[i]].maxprod;
                cb->capb[d] = capb;
            }
        }
        int d = 0;
        while (d < NDS && ++idx[d] == nopt[d])
            idx[d++] = 0;
        if (d == NDS) break;
    }
    return n;
}

bool adse__refill_init(mspace *sp)
{
    int L = sp->L, NDS = sp->NDS;
    sp->refill = NULL;
    sp->xrefill = NULL;
    sp->macfill = NULL;
    memset(&sp->macfill_e, 0, sizeof sp->macfill_e);
    memset(sp->refill_max, 0, sizeof sp->refill_max);
    if (!macfill_init(sp)) return false;
    if (NDS > 4 || (sp->links_on && sp->legacy)) return true;
    bool keeps_fixed = true;
    for (int d = 0; d < NDS; d++)
        if ((sp->keep_fixed[d] & ((1u << L) - 1)) != (1u << L) - 1) keeps_fixed = false;
    for (int k = 0; k + 1 < L; k++) {
        const adse_buffer *b = &sp->arch->levels[k];
        if (!b->size_specified) continue;
        uint32_t cand = rf_cand(sp, k);
        rfcombo combos[64];
        int nm = 0;
        for (uint32_t m = 1; m < 64 && __builtin_popcount(cand) >= 2; m++)
            if ((m & cand) == m && __builtin_popcount(m) >= 2) {
                memset(&combos[nm], 0, sizeof combos[nm]);
                combos[nm].mask = combos[nm].kmask = m;
                nm++;
            }
        if (nm) {
            rfenum *c = rf_run(sp, k, b->effective_size, 0, combos, nm, RF_BUDGET);
            if (!c) return false;
            bool ok = !c->oom;
            if (ok && c->budget > 0) {
                if (!sp->refill) sp->refill = calloc((size_t)L << NDS, sizeof *sp->refill);
                if (!sp->refill) ok = false;
                for (int m = 0; ok && m < c->nm; m++) {
                    mrefill *r = &sp->refill[((size_t)k << NDS) + combos[m].mask];
                    rf_store(r, &c->set[m], combos[m].mask, NDS);
                    rf_note_max(sp, r, NULL, k);
                }
            }
            rf_free(c);
            if (!ok) return false;
        }
        /* across levels, k being the outermost level of the set; not where every keep bit
         * is fixed (the architecture-constrained spaces: there the tables cost more to build
         * than they save, e.g. +35 % CPU in the seed design's hardware search) */
        rfcombo *xc = NULL;
        int nx = k > 0 && !keeps_fixed ? rf_xcombos(sp, k, &xc) : 0;
        if (nx < 0) {
            free(xc);
            return false;
        }
        if (nx == 0) continue;
        rfenum *c = rf_run(sp, k, b->effective_size, 0, xc, nx, RF_XBUDGET);
        bool ok = c && !c->oom;
        if (ok && c->budget > 0) {
            if (!sp->xrefill) sp->xrefill = calloc(xrefill_count(sp), sizeof *sp->xrefill);
            if (!sp->xrefill) ok = false;
            for (int m = 0; ok && m < nx; m++) {
                mrefill *r = malloc(sizeof *r);
                if (!r) {
                    ok = false;
                    break;
                }
                rf_store(r, &c->set[m], xc[m].mask, NDS);
                sp->xrefill[adse__xrefill_code(sp, xc[m].lev)] = r;
                rf_note_max(sp, r, xc[m].lev, k);
            }
        }
        if (c) rf_free(c);
        free(xc);
        if (!ok) return false;
    }
    return true;
}

void adse__refill_free(mspace *sp)
{
    free(sp->refill);
    sp->refill = NULL;
    if (sp->xrefill)
        for (size_t i = 0, n = xrefill_count(sp); i < n; i++)
            free(sp->xrefill[i]);
    free(sp->xrefill);
    sp->xrefill = NULL;
    free(sp->macfill);
    sp->macfill = NULL;
    mactab_free(&sp->macfill_e);
}

/* F10: the least energy of d's keepers from k0 outwards (F8's up[k0]) when k0 fills f words
 * over all instances: the least over the next keeper k2 of f a + max(f ratio_2 ur_2, fl_2) +
 * c_2 (a: k0's fill energy per word, ratio_2: the least product of G_j / F_j in between,
 * ur_2: k2's read energy per word, fl_2: F8's floor of k2's reads, c_2: F8's up[k2]). */
typedef struct rfchain {
    int n;
    double f0;   /* the fills F8 priced the chain at */
    double base; /* the chain at f0 */
    double a, fl[ADSE_MAX_LEVELS], c[ADSE_MAX_LEVELS];
    int k2[ADSE_MAX_LEVELS];    /* each option's next keeper, ascending */
    double ur[ADSE_MAX_LEVELS]; /* its read energy per word */
    /* the least product of G_j / F_j of the fanouts of the levels above the keeper up to
     * level l (1 at and below it) */
    double cum[ADSE_MAX_LEVELS];
    /* F14 (a read-write data space, rw): the keeper's fills beyond ps0 at ef each, and the
     * next keeper's reads, its updates max(rc, ratio f) beyond ps2, at er each */
    bool rw;
    double ps0, ef, rc[ADSE_MAX_LEVELS], ratio[ADSE_MAX_LEVELS], ps2[ADSE_MAX_LEVELS],
        er[ADSE_MAX_LEVELS];
} rfchain;

/* The least sum over data spaces of cost[d][k(d)] over the assignments of an innermost keeper
 * k(d) to every data space whose kept tiles fit: at each level k the forced keepers' tiles
 * (used[k]) plus the tiles of the data spaces assigned to k and not forced there must not
 * exceed cap[k] (UINT64_MAX: unbounded). HUGE_VAL when no assignment fits. */
#define MACV_MAX 256 /* F11's vectors at a keeper assignment */
typedef struct keeper_pick {
    int NDS, L;
    double cost[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS];
    uint64_t tile[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS]; /* 0 when forced there */
    uint64_t used[ADSE_MAX_LEVELS], cap[ADSE_MAX_LEVELS];
    double rest[ADSE_MAX_DATASPACES + 1]; /* sum over e >= d of min_k cost[e][k] */
    double best;
    /* F9: the innermost keeper's read energy of d at k is ja[d][k] times the product, over
     * the unassigned spatial tiling levels j in jmask[d][k], of r_j(d) = G_j(d) / F_j, at
     * least floor[d][k]; cost[d][k] takes each level's least r_j(d) (jind[d][k] being that
     * share); ja = 0: d is not in the joint bound there. */
    double ja[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS], jind[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS];
    double jfloor[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS];
    uint32_t jmask[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS];
    const spopts *opts[MAP_MAX_TL];     /* indexed by tiling level */
    double rfloor[ADSE_MAX_DATASPACES]; /* the least product of d's G_j / F_j over the
                                            unassigned spatial levels (0: none known) */
    double fneed; /* the least product of all F_u under the cycles cap (0: none) */
    double fall;  /* the product of the unassigned spatial levels' largest F_u */
    int pick[ADSE_MAX_DATASPACES];
    /* an assignment below abort_below decides the caller's test: the search stops there
     * (aborted), its value standing for the least (adse__bound_partial_decide) */
    double abort_below;
    bool aborted;
    /* F10: elig[k] holds the data spaces whose fills at k the table may bound when k is
     * their innermost keeper; ch[d][k] their least chain energy as a function of them. */
    const mspace *sp;
    bool f10_all; /* F10 across levels and at complete levels too */
    int t_done;   /* the tiling levels complete */
    uint32_t elig[ADSE_MAX_LEVELS];
    /* F10 across levels: the levels where d may be a keeper with a chain outwards */
    uint32_t keepable[ADSE_MAX_DATASPACES];
    bool has_ch;
    const struct rfchain *ch[ADSE_MAX_DATASPACES]; /* ch[d][k]: d's row of chains */
    /* F11: d's innermost reads at k are at least its MAC-level reads times mc[d][k] (pJ),
     * against mi[d][k] in cost[d][k] (macfill's data spaces only). */
    double mc[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS], mi[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS];
    /* F11 with F9: the energy of one MAC-level read at k with the complete spatial levels
     * above the MAC level (ku), and the unassigned ones (kmask) */
    double ku[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS];
    uint32_t kmask[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS];
    /* F11's vectors (components in the order of macfill's data spaces): the merged table's,
     * or once the MAC level is complete those of its factors and of the innermost loops
     * still possible (the least over them bounds) */
    const double *macv[MACV_MAX];
    int nmacv;
} keeper_pick;

/* F14: n accesses of a read-write data space beyond the psmax elements its keeper's
 * instances hold, at unit pJ each (0 for psmax 0: no read-back priced). */
static double rw_excess(double n, double psmax, double unit)
{
    return psmax > 0 && n > psmax ? (n - psmax) * unit : 0;
}

/* The chain at fills f; with kmin > 0, its next keeper at level kmin or above, reading
 * (updating) also at least w times the least G_j / F_j of the fanouts above level kmin - 1
 * (xset_rise: w is what the whole tiles at that level's boundary take over all
 * instances, which only those fanouts may multicast, where the fills f of a keeper below
 * are multicast by every fanout in between). HUGE_VAL: none. */
static double chain_from(const rfchain *h, double f, double w, int kmin)
{
    double m = HUGE_VAL;
    for (int i = 0; i < h->n; i++) {
        if (h->k2[i] < kmin) continue;
        double wr = kmin > 0 ? w * (h->ratio[i] / h->cum[kmin - 1]) : 0; /* w's reads */
        double n2 = max2(h->ratio[i] * f, wr); /* the next keeper's reads (updates) */
        double r = max2(f * (h->ratio[i] * h->ur[i]), wr * h->ur[i]);
        double v = f * h->a + (r > h->fl[i] ? r : h->fl[i]) + h->c[i];
        if (h->rw)
            v += rw_excess(f, h->ps0, h->ef) + rw_excess(max2(h->rc[i], n2), h->ps2[i], h->er[i]);
        m = v < m ? v : m;
    }
    return m;
}

static double chain_at(const rfchain *h, double f)
{
    return chain_from(h, f, 0, 0);
}

/* F10: the least rise, over the vectors of entry r (data spaces at lev[d]), of the chains
 * of r's data spaces at lev[d] above their value at the fills F8 priced them at; with
 * K >= 0 (F10 across levels, by the last keeper below K) a chain at a level below K takes
 * its next keeper above K (chain_from). cap or less if it is at least cap. A data space
 * without a chain there (not eligible) adds nothing. */
static double xtable_rise(const keeper_pick *kp, const mrefill *r, const int *lev, int K,
                          double cap)
{
    double least = cap;
    for (int i = 0; i < r->n && least > 0; i++) {
        double v = 0;
        for (int j = 0; j < r->nds && v < least; j++) {
            int d = r->ds[j], k = lev[d];
            if (!(kp->elig[k] >> d & 1u)) continue;
            const rfchain *h = &kp->ch[d][k];
            double f = max2(r->v[i][j], h->f0);
            if (K >= 0 && k < K)
                v += chain_from(h, f, r->v[i][j], K + 1) - h->base;
            else if (f > h->f0)
                v += chain_at(h, f) - h->base;
        }
        least = v < least ? v : least;
    }
    return r->n && least > 0 ? least : 0;
}

/* F10 across levels, by the last keeper below K, for the set s of data spaces (innermost
 * keepers kp->pick[d] at two or more levels, K the outermost of them): every d of s kept
 * below K has a last keeper j below K, from kp->pick[d] up, whose next keeper is at K or
 * above; the least over those cases of the entry at the j's, with the chains at j taking
 * their next keeper above K (j = K: d is kept at K too), bounds the rise of s's chains
 * (docs/mapper.md section 5, F10 across levels, by the last keeper below K). Stops at stop
 * or less, and at cap. */
static double xset_rise(const keeper_pick *kp, uint32_t s, int K, double stop, double cap)
{
    const mspace *sp = kp->sp;
    int lev[ADSE_MAX_DATASPACES], bd[ADSE_MAX_DATASPACES], nb = 0;
    for (int d = 0; d < kp->NDS; d++) {
        lev[d] = s >> d & 1u ? kp->pick[d] : -1;
        if (lev[d] >= 0 && lev[d] < K) bd[nb++] = d;
    }
    double least = cap;
    for (;;) {
        bool at_k = true; /* all at K: F10's entry of the level */
        for (int i = 0; i < nb; i++)
            at_k = at_k && lev[bd[i]] == K;
        const mrefill *r = at_k ? adse__refill_at(sp, K, s) : adse__xrefill_at(sp, lev);
        double c = r ? xtable_rise(kp, r, lev, K, least) : 0;
        least = c < least ? c : least;
        if (least <= stop) break;
        int i = 0; /* the next case: each d's level up, skipping where d cannot be kept */
        for (; i < nb; i++) {
            int d = bd[i];
            do
                lev[d]++;
            while (lev[d] <= K && !(kp->keepable[d] >> lev[d] & 1u));
            if (lev[d] <= K) break;
            lev[d] = kp->pick[d];
        }
        if (i == nb) break;
    }
    return least;
}

/* F10 at a keeper assignment: the least rise of the chains of the data spaces whose
 * innermost keeper is the same level, over the table's vectors of their fills there (the
 * sum over the levels); across levels, the largest such rise of a set of data spaces
 * whose innermost keepers differ (a set's rise bounds only its own chains): the rise at
 * their innermost keepers, then, unless that reaches cap (a larger rise leaves the
 * assignment above the least so far), by their last keepers below the set's outermost
 * level (xset_rise). */
static double refill_extra(const keeper_pick *kp, double cap)
{
    const mspace *sp = kp->sp;
    double extra = 0;
    uint32_t elig = 0;
    for (int k = 0; k + 1 < kp->L; k++) {
        if (!kp->elig[k]) continue;
        uint32_t m = 0;
        for (int d = 0; d < kp->NDS; d++)
            if (kp->pick[d] == k && (kp->elig[k] >> d & 1u)) m |= 1u << d;
        elig |= m;
        if (!(m & (m - 1))) continue; /* fewer than two */
        if (sp->refill)
            extra +=
                xtable_rise(kp, &sp->refill[((size_t)k << kp->NDS) + m], kp->pick, -1, HUGE_VAL);
    }
    uint32_t all = (1u << kp->NDS) - 1, sets[1u << ADSE_MAX_DATASPACES];
    int ks[1u << ADSE_MAX_DATASPACES], ns = 0;
    if (sp->xrefill && kp->f10_all && elig) /* a set with none of elig raises nothing */
        for (uint32_t s = all; s; s = (s - 1) & all) {
            if (!(s & (s - 1)) || !(s & elig)) continue; /* two or more, one of elig */
            int K = -1, lo = kp->L, lev[ADSE_MAX_DATASPACES];
            for (int d = 0; d < kp->NDS; d++) {
                lev[d] = s >> d & 1u ? kp->pick[d] : -1;
                if (lev[d] < 0) continue;
                K = lev[d] > K ? lev[d] : K;
                lo = lev[d] < lo ? lev[d] : lo;
            }
            if (lo == K || K + 1 >= kp->L) continue; /* one level, or no table at K */
            const mrefill *r = adse__xrefill_at(sp, lev);
            if (r) extra = max2(extra, xtable_rise(kp, r, lev, -1, HUGE_VAL));
            if (sp->t_of[K] <= kp->t_done) continue;
            sets[ns] = s;
            ks[ns++] = K;
        }
    for (int i = 0; i < ns && extra < cap; i++)
        extra = max2(extra, xset_rise(kp, sets[i], ks[i], extra, cap));
    return extra * (1 - LB_MARGIN);
}

/* F11 at a keeper assignment: the least rise of the innermost keepers' reads over the MAC
 * table's vectors. */
static double mac_extra(const keeper_pick *kp)
{
    const mrefill *r = kp->sp->macfill; /* its data spaces */
    double least = HUGE_VAL;
    for (int i = 0; i < kp->nmacv; i++) {
        double v = 0;
        for (int j = 0; j < r->nds; j++) {
            int d = r->ds[j], k = kp->pick[d];
            v += max2(0, kp->macv[i][j] * kp->mc[d][k] - kp->mi[d][k]);
        }
        least = v < least ? v : least;
    }
    return least < HUGE_VAL && least > 0 ? least * (1 - LB_MARGIN) : 0;
}

/* F9: the joint least of a keeper assignment, a branch and bound over one option per level
 * in `levels` (ascending from level j) of the sum over the joint data spaces of max(ja *
 * prod r_j, floor). A partial combination whose every completion is at least `best` (each
 * remaining level at its least r_j(d), the fanouts at their largest) is cut: the least is
 * the same as over every combination, unless it is at least the caller's cutoff, where the
 * caller needs no value (best starts there). rlo[i][j]: the product of the least r(jd[i])
 * of the levels from j up in d's mask; fhi[j]: of the largest F_u from j up. */
typedef struct joint_run {
    const keeper_pick *kp;
    int nj, ds[ADSE_MAX_DATASPACES];
    double a[ADSE_MAX_DATASPACES], fl[ADSE_MAX_DATASPACES]; /* each entry's ja and floor */
    double pf[ADSE_MAX_DATASPACES];     /* the least product of its r_j (rfloor) */
    uint32_t mask[ADSE_MAX_DATASPACES]; /* and its levels */
    double rlo[ADSE_MAX_DATASPACES][MAP_MAX_TL + 1], fhi[MAP_MAX_TL + 1];
    double best;
} joint_run;

static void joint_min(joint_run *J, uint32_t levels, int j, double *prod, double fprod)
{
    const keeper_pick *kp = J->kp;
    while (levels && !(levels >> j & 1u))
        j++;
    if (!(levels >> j & 1u)) {
        if (fprod < kp->fneed) return;
        double v = 0;
        for (int i = 0; i < J->nj; i++)
            v += max2(J->a[i] * max2(prod[i], J->pf[i]), J->fl[i]);
        if (v < J->best) J->best = v;
        return;
    }
    /* Every completion is at least lo (up to rounding: JOINT_SLACK); none meets fneed when
     * even the largest fanouts do not. */
    double lo = 0;
    for (int i = 0; i < J->nj; i++)
        lo += max2(J->a[i] * max2(prod[i] * J->rlo[i][j], J->pf[i]), J->fl[i]);
    if (lo * (1 - JOINT_SLACK) >= J->best) return;
    if (fprod * J->fhi[j] * (1 + JOINT_SLACK) < kp->fneed) return;
    const spopts *o = kp->opts[j];
    double save[ADSE_MAX_DATASPACES];
    for (int n = 0; n < o->n; n++) {
        for (int i = 0; i < J->nj; i++) {
            save[i] = prod[i];
            if (J->mask[i] >> j & 1u) prod[i] *= o->r[n][J->ds[i]];
        }
        joint_min(J, levels & ~(1u << j), j + 1, prod, fprod * o->F[n]);
        for (int i = 0; i < J->nj; i++)
            prod[i] = save[i];
    }
}

/* The nodes of the combinations' tree of the levels in `levels` (one option per level,
 * levels ascending). */
static double joint_nodes(const keeper_pick *kp, uint32_t levels)
{
    double nodes = 0, width = 1;
    for (int u = 0; u < MAP_MAX_TL; u++)
        if (levels >> u & 1u) {
            width *= kp->opts[u]->n;
            nodes += width;
        }
    return nodes;
}

/* The joint least of J's entries over one option per level of their masks, or `cut` if it
 * is not below it. */
static double joint_least(joint_run *J, double cut)
{
    const keeper_pick *kp = J->kp;
    uint32_t levels = 0;
    double prod[ADSE_MAX_DATASPACES];
    for (int i = 0; i < J->nj; i++) {
        levels |= J->mask[i];
        prod[i] = 1;
    }
    J->best = cut;
    if (!levels) {
        joint_min(J, 0, 0, prod, kp->fall);
        return J->best;
    }
    int top = 31 - __builtin_clz(levels);
    for (int i = 0; i < J->nj; i++)
        J->rlo[i][top + 1] = 1;
    J->fhi[top + 1] = 1;
    for (int u = top; u >= 0; u--) {
        bool in = levels >> u & 1u;
        J->fhi[u] = J->fhi[u + 1] * (in ? kp->opts[u]->Fmax : 1);
        for (int i = 0; i < J->nj; i++) {
            bool m = in && (J->mask[i] >> u & 1u);
            J->rlo[i][u] = J->rlo[i][u + 1] * (m ? kp->opts[u]->rmin[J->ds[i]] : 1);
        }
    }
    double fprod = kp->fall; /* the levels outside the combination at their largest */
    for (int u = 0; u < MAP_MAX_TL; u++)
        if (levels >> u & 1u) fprod /= kp->opts[u]->Fmax;
    joint_min(J, levels, 0, prod, fprod);
    return J->best;
}

/* F11 jointly with F9's choices above the MAC level: the MAC level's reads of each data
 * space of the MAC table are at least one of its vectors (F11), and its innermost keeper
 * reads them times the ratios of the spatial levels above, one choice per level for all
 * data spaces (F9); the least over the vectors of the joint least, each term at least F6's
 * own (mi), less the sum of those. The rise over F6 of the table's data spaces' reads. */
static double mac_joint(const keeper_pick *kp)
{
    const mrefill *r = kp->sp->macfill; /* its data spaces */
    joint_run J;
    J.kp = kp;
    J.nj = r->nds;
    uint32_t levels = 0;
    double base = 0;
    for (int j = 0; j < r->nds; j++) {
        int d = r->ds[j], k = kp->pick[d];
        J.ds[j] = d;
        J.mask[j] = kp->kmask[d][k];
        J.pf[j] = kp->rfloor[d];
        J.fl[j] = kp->mi[d][k];
        levels |= J.mask[j];
        base += kp->mi[d][k];
    }
    if (joint_nodes(kp, levels) >= JOINT_MAX) return 0;
    double least = HUGE_VAL;
    for (int i = 0; i < kp->nmacv && least > base; i++) {
        for (int j = 0; j < r->nds; j++)
            J.a[j] = kp->ku[J.ds[j]][kp->pick[J.ds[j]]] * kp->macv[i][j];
        least = joint_least(&J, least);
    }
    return least < HUGE_VAL && least > base ? (least - base) * (1 - LB_MARGIN) : 0;
}

static int cmp_key(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    for (int i = 0; i < ADSE_MAX_DIMS; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Adds v (nds components) to kp's F11 vectors unless one of them is <= it everywhere; drops
 * those >= it everywhere. */
static void macv_add(keeper_pick *kp, const double *v, int nds)
{
    int w = 0;
    for (int i = 0; i < kp->nmacv; i++) {
        bool le = true, ge = true;
        for (int j = 0; j < nds; j++) {
            le = le && kp->macv[i][j] <= v[j];
            ge = ge && kp->macv[i][j] >= v[j];
        }
        if (le) return;
        if (!ge) kp->macv[w++] = kp->macv[i];
    }
    kp->nmacv = w;
    if (w < MACV_MAX) kp->macv[kp->nmacv++] = v;
}

/* The dimensions of the non-unit factors of the first complete temporal tiling level from t
 * up that has any (its index in *at), 0 if none up to t_done. */
static uint32_t nonunit_from(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t, int t_done,
                             int *at)
{
    for (; t <= t_done && t < sp->NT; t++) {
        uint32_t m = 0;
        for (int x = 0; x < sp->D && !sp->tl[t].spatial; x++)
            if (f[t][x] > 1) m |= 1u << x;
        if (m) {
            *at = t;
            return m;
        }
    }
    return 0;
}

/* F11's vectors for a partial factorization complete up to tiling level t_done: once its MAC
 * level is complete, those of its factors e (each e's vectors bound the reads of the
 * mappings with that e) and of the innermost temporal loop x and next loop y still possible;
 * before, the merged table of every e. x is among the non-unit factors of the innermost
 * complete temporal level that has any (every level below it is all unit, and any of its
 * loops may come first); with two or more there, y is another of them (a level's loops are
 * consecutive), with one, y is among the non-unit factors of the next complete temporal level
 * that has any; every one where no such level is complete. */
static void mac_table(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t_done,
                      keeper_pick *kp)
{
    kp->nmacv = 0;
    const mrefill *g = sp->macfill;
    if (!g) return;
    int u = sp->s_of[0];
    const uint64_t(*k)[ADSE_MAX_DIMS] = NULL;
    const mmactab *mt = &sp->macfill_e;
    if (mt->v && u >= 0 && u <= t_done) {
        uint64_t key[ADSE_MAX_DIMS];
        for (int x = 0; x < ADSE_MAX_DIMS; x++)
            key[x] = x < sp->D ? f[u][x] : 1;
        k = bsearch(key, mt->key, (size_t)mt->nk, sizeof key, cmp_key);
    }
    if (!k) {
        for (int i = 0; i < g->n; i++)
            kp->macv[kp->nmacv++] = g->v[i];
        return;
    }
    int t1 = -1, t2 = -1;
    uint32_t xs = nonunit_from(sp, f, 0, t_done, &t1), ys = 0; /* 0: any */
    bool several = (xs & (xs - 1)) != 0;
    if (xs && !several) ys = nonunit_from(sp, f, t1 + 1, t_done, &t2);
    int i = (int)(k - mt->key);
    for (int j = mt->first[i]; j < mt->first[i] + mt->n[i]; j++) {
        int x = mt->x[j], y = mt->y[j]; /* y = -2: any next loop */
        if (xs && (x < 0 || !(xs >> x & 1u))) continue;
        if (several && y != -2 && (y < 0 || y == x || !(xs >> y & 1u))) continue;
        if (ys && y != -2 && (y < 0 || !(ys >> y & 1u))) continue;
        macv_add(kp, mt->v[j], g->nds);
    }
}

static void pick_keepers(keeper_pick *kp, int d, double sum)
{
    if (kp->aborted || sum + kp->rest[d] >= kp->best) return;
    if (d == kp->NDS) {
        int jd[ADSE_MAX_DATASPACES], nj = 0;
        double ind = 0;
        for (int e = 0; e < kp->NDS; e++)
            if (kp->ja[e][kp->pick[e]] > 0) {
                jd[nj++] = e;
                ind += kp->jind[e][kp->pick[e]];
            }
        uint32_t levels = 0, one_level = 0;
        for (int i = 0; i < nj; i++) {
            uint32_t m = kp->jmask[jd[i]][kp->pick[jd[i]]];
            one_level |= levels & m;
            levels |= m;
        }
        /* With no level shared and no cap, each data space's least is its own (in sum). The
         * joint least is taken when the combinations' tree (one option per level, levels
         * ascending) has fewer than JOINT_MAX nodes. */
        double gain = 0;
        if ((one_level || (levels && kp->fneed > 0)) && joint_nodes(kp, levels) < JOINT_MAX) {
            joint_run J;
            J.kp = kp;
            J.nj = nj;
            for (int i = 0; i < nj; i++) {
                int e = jd[i], k = kp->pick[e];
                J.ds[i] = e;
                J.a[i] = kp->ja[e][k];
                J.pf[i] = kp->rfloor[e];
                J.fl[i] = kp->jfloor[e][k];
                J.mask[i] = kp->jmask[e][k];
            }
            /* A joint least of at least cut (or none: no combination meets the cap) leaves
             * sum + (jr - ind) above kp->best: no need to know it. */
            double cut = (kp->best - sum + ind) / (1 - LB_MARGIN);
            cut = cut < HUGE_VAL ? cut * (1 + 1e-9) + 1e-9 * (kp->best + sum + ind) : HUGE_VAL;
            double least = joint_least(&J, cut);
            if (!(least < cut)) return;
            double jr = least * (1 - LB_MARGIN);
            if (jr > ind) gain = jr - ind;
        }
        /* F9 and F11 both raise the innermost keepers' reads: the larger of the two */
        if (kp->nmacv) gain = max2(gain, max2(mac_extra(kp), mac_joint(kp)));
        sum += gain;
        if (kp->has_ch) sum += refill_extra(kp, (kp->best - sum) / (1 - LB_MARGIN));
        if (sum < kp->best) kp->best = sum;
        if (sum < kp->abort_below) kp->aborted = true;
        return;
    }
    for (int k = 0; k < kp->L; k++) {
        double c = kp->cost[d][k];
        if (c == HUGE_VAL) continue;
        uint64_t t = kp->tile[d][k];
        if (t > kp->cap[k] - kp->used[k]) continue;
        kp->used[k] += t;
        kp->pick[d] = k;
        pick_keepers(kp, d + 1, sum + c);
        kp->used[k] -= t;
    }
}

/* Per data space its least cost, then the joint least under the capacities (over: the
 * forced keepers' tiles alone exceed a level: the sum of the least costs). A joint least of
 * at least stop is reported as stop. */
static double keepers_least(keeper_pick *kp, bool over, double stop)
{
    kp->rest[kp->NDS] = 0;
    for (int d = kp->NDS - 1; d >= 0; d--) {
        double m = HUGE_VAL;
        for (int k = 0; k < kp->L; k++)
            if (kp->cost[d][k] < m && kp->tile[d][k] <= kp->cap[k] - kp->used[k])
                m = kp->cost[d][k];
        kp->rest[d] = kp->rest[d + 1] + (m < HUGE_VAL ? m : 0);
    }
    kp->best = stop;
    kp->aborted = false;
    if (!over) pick_keepers(kp, 0, 0.0);
    if (kp->best < HUGE_VAL) return kp->best;
    return kp->rest[0];
}

/* The tile extents of the children of spatial tiling level u, every level below it
 * complete in gf. */
static void children_extents(const mspace *sp, uint64_t gf[][ADSE_MAX_DIMS], int u, uint64_t *ext)
{
    for (int x = 0; x < sp->D; x++) {
        ext[x] = 1;
        for (int t = 0; t < u; t++)
            ext[x] *= gf[t][x];
    }
}

/* ratio_count of d at the complete spatial tiling level u with factors gf[u] (F3: the
 * children's distinct offsets, or F3''), counted once: sg[u][d] is 0 until then. */
static uint64_t offsets(const mspace *sp, uint64_t gf[][ADSE_MAX_DIMS], int u, int d,
                        uint64_t sg[][ADSE_MAX_DATASPACES])
{
    if (!sg[u][d]) {
        uint64_t ext[ADSE_MAX_DIMS];
        children_extents(sp, gf, u, ext);
        sg[u][d] = ratio_count(sp, u, d, gf[u], ext);
    }
    return sg[u][d];
}

/* G_u(d) / F_u of spatial tiling level u as the bound of a partial factorization knows it:
 * F3 / F3' / F3'' for a complete level (its factors gf[u], fanout sfan[u]), F9's least over
 * the choices for an unassigned one. */
static double level_ratio(const mspace *sp, const keeper_pick *kp, uint64_t gf[][ADSE_MAX_DIMS],
                          const uint64_t *sfan, uint64_t sg[][ADSE_MAX_DATASPACES], int t_done,
                          int u, int d)
{
    if (u > t_done) return kp->opts[u]->rmin[d];
    if (sfan[u] < 2) return 1.0;
    return spatial_ratio_g(sp, u, d, sfan[u], offsets(sp, gf, u, d, sg));
}

/* A product of G_j / F_j over spatial levels, its complete levels' part (known) and its
 * unassigned levels' part (unknown) apart: the latter is at least rfloor (F9 (d)). */
typedef struct rprod {
    double known, unknown;
} rprod;

/* Multiplies p by level u's ratio (level_ratio) and returns the product it bounds. */
static double rprod_mul(rprod *p, const mspace *sp, const keeper_pick *kp,
                        uint64_t gf[][ADSE_MAX_DIMS], const uint64_t *sfan,
                        uint64_t sg[][ADSE_MAX_DATASPACES], int t_done, int u, int d, double rfloor)
{
    *(u > t_done ? &p->unknown : &p->known) *= level_ratio(sp, kp, gf, sfan, sg, t_done, u, d);
    return p->known * max2(p->unknown, rfloor);
}

void adse__bound_partial(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t_done,
                         double cc_lb, double cycles_cap, adse_spcache *cache, bool with_energy,
                         mlb *lb)
{
    adse__bound_partial_f10(sp, f, t_done, cc_lb, cycles_cap, cache, with_energy, true, lb);
}

/* F14's psmax[k]: at most how many elements of read-write d the instances of storage
 * level k hold over the whole run together (RF_k PS_k, model.md 4.8.2), with the tiling
 * levels up to t_done complete (factors gf) and rest[x] of each bound left above them. From
 * the outermost level down, PS_i RF_i = PS_{i+1} RF_{i+1} F_{i+1} U_i / |V_{i+1}|, and for a
 * simple projection |V_{i+1}| >= U_i times the level's factors of d's relevant dimensions
 * (one rank per dimension; a rank of coefficient c spans c (f e - 1) + 1 >= f (c (e - 1) +
 * 1)), so the instances hold at most U_{L-1}(d) times the product of the spatial factors of
 * d's irrelevant dimensions above k: known at the complete spatial levels, at most the
 * others' maxprod and the irrelevant dimensions' remainders. All 0 (no read-back priced)
 * unless d is read-write with a simple projection. */
static void rw_partitions_max(const mspace *sp, const uint64_t (*gf)[ADSE_MAX_DIMS],
                              const uint64_t *rest, int t_done, int d, bool simple, double *psmax)
{
    int L = sp->L;
    for (int k = 0; k < L; k++)
        psmax[k] = 0;
    if (!sp->rw[d] || !simple) return;
    uint32_t rel = sp->relevant[d];
    double irr_rest = 1, known = 1, unknown = 1;
    for (int x = 0; x < sp->D; x++)
        if (!((rel >> x) & 1u)) irr_rest *= (double)rest[x];
    double top = (double)adse_problem_tile_size(sp->prob, d, sp->prob->bounds);
    int u = sp->NT - 1;
    for (int k = L - 1; k >= 0; k--) {
        for (; u > sp->t_of[k]; u--) {
            if (!sp->tl[u].spatial) continue;
            if (u <= t_done) {
                for (int x = 0; x < sp->D; x++)
                    if (!((rel >> x) & 1u)) known *= (double)gf[u][x];
            } else {
                unknown *= (double)sp->tl[u].maxprod;
            }
        }
        psmax[k] = top * known * (unknown < irr_rest ? unknown : irr_rest);
    }
}

/* F14's energy of one read (one fill, fills) of a read-write data space at storage level k,
 * over all instances as F8 counts them. */
static double rw_unit(const mspace *sp, int k, bool fills)
{
    const adse_buffer *b = &sp->arch->levels[k];
    return (fills ? b->e_fill : b->e_read) * sp->inst_share[k] / (double)b->block_size;
}

/* F14's energy at storage level k of n accesses of read-write d less the elements its
 * instances hold (psmax): the reads that send back a partial sum (n updates) or the fills
 * that bring one in (fills, n fills); 0 for psmax 0. */
static double rw_readback(const mspace *sp, int k, double n, double psmax, bool fills)
{
    return rw_excess(n, psmax, rw_unit(sp, k, fills));
}

static void bound_partial(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t_done,
                          double cc_lb, double cycles_cap, adse_spcache *cache, bool with_energy,
                          bool f10_all, double e_lo, double e_hi, mlb *lb);

void adse__bound_partial_f10(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t_done,
                             double cc_lb, double cycles_cap, adse_spcache *cache, bool with_energy,
                             bool f10_all, mlb *lb)
{
    bound_partial(sp, f, t_done, cc_lb, cycles_cap, cache, with_energy, f10_all, -HUGE_VAL,
                  HUGE_VAL, lb);
}

void adse__bound_partial_decide(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t_done,
                                double cc_lb, double cycles_cap, adse_spcache *cache, double e_lo,
                                double e_hi, mlb *lb)
{
    bound_partial(sp, f, t_done, cc_lb, cycles_cap, cache, true, true, e_lo, e_hi, lb);
}

static void bound_partial(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t_done,
                          double cc_lb, double cycles_cap, adse_spcache *cache, bool with_energy,
                          bool f10_all, double e_lo, double e_hi, mlb *lb)
{
    lb->cycles = cc_lb + (double)sp->latency;
    double lla = 0;
    for (int d = 0; d < sp->NDS; d++)
        if (sp->dram_lb_valid[d]) lla += (double)sp->opset[d];
    lb->lla = lla;
    lb->energy = sp->mac_energy_pj + sp->leak_pj * cc_lb;
    if (!with_energy) return;
    int L = sp->L, D = sp->D, NDS = sp->NDS;
    const adse_arch *a = sp->arch;
    /* Each level's tile is at least the box of the factors assigned so far up to its
     * boundary (tiles only grow with factors; exact for complete levels). */
    uint64_t ext[ADSE_MAX_DIMS], tsz[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    for (int x = 0; x < D; x++)
        ext[x] = 1;
    /* Every field of kp is written below before it is read (cost, ja, tile, used, cap for
     * every data space and level; jind, jfloor, jmask where ja > 0; opts where a level is
     * unassigned): only what is read by flag is cleared (the whole struct is 4 kB). */
    keeper_pick kp;
    memset(kp.elig, 0, sizeof kp.elig);
    memset(kp.opts, 0, sizeof kp.opts);
    mac_table(sp, f, t_done, &kp);
    kp.NDS = NDS;
    kp.L = L;
    kp.sp = sp;
    kp.f10_all = f10_all;
    kp.t_done = t_done;
    /* ch[var][d][k], eligv[var][k], cost1: F8's chains and F10's eligibility of each data
     * space, and its costs under F13's variant 1 */
    rfchain ch[2][ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS];
    uint32_t eligv[2][ADSE_MAX_LEVELS];
    double cost1[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS];
    bool force[ADSE_MAX_DATASPACES];
    memset(eligv, 0, sizeof eligv);
    memset(force, 0, sizeof force);
    kp.has_ch = sp->refill || sp->xrefill;
    for (int d = 0; d < NDS; d++)
        kp.ch[d] = ch[0][d];
    int t = 0;
    for (int k = 0; k < L; k++) {
        bool grew = k == 0; /* else the tiles are those of level k - 1 */
        for (; t <= sp->t_of[k]; t++)
            for (int x = 0; x < D; x++)
                if (f[t][x] > 1) {
                    ext[x] *= f[t][x];
                    grew = true;
                }
        const adse_buffer *b = &a->levels[k];
        kp.used[k] = 0;
        kp.cap[k] = b->size_specified ? b->effective_size : UINT64_MAX;
        if (!grew) {
            memcpy(tsz[k], tsz[k - 1], sizeof tsz[k]);
        } else if (cache && cache->tvalid[k] &&
                   memcmp(cache->text[k], ext, (size_t)D * sizeof *ext) == 0) {
            memcpy(tsz[k], cache->tsz[k], sizeof tsz[k]);
        } else {
            for (int d = 0; d < NDS; d++)
                tsz[k][d] = adse_problem_tile_size(sp->prob, d, ext);
            if (cache) {
                cache->tvalid[k] = true;
                memcpy(cache->text[k], ext, (size_t)D * sizeof *ext);
                memcpy(cache->tsz[k], tsz[k], sizeof tsz[k]);
            }
        }
        for (int d = 0; d < NDS; d++) {
            uint64_t ts = b->size_specified ? tsz[k][d] : 0;
            bool forced = (sp->keep_fixed[d] & sp->keep_value[d]) >> k & 1u;
            kp.tile[d][k] = forced ? 0 : ts;
            if (forced) kp.used[k] += ts;
        }
    }
    /* The factors of the complete tiling levels (the others unknown, taken as 1), what
     * remains of each bound above them, and the complete spatial levels' fanouts used and
     * children's distinct offsets of each data space (F3). */
    uint64_t gf[MAP_MAX_TL][ADSE_MAX_DIMS], rest[ADSE_MAX_DIMS], rest_all = 1;
    uint64_t sfan[MAP_MAX_TL], sg_own[MAP_MAX_TL][ADSE_MAX_DATASPACES];
    uint64_t(*sg)[ADSE_MAX_DATASPACES] = cache ? cache->og : sg_own;
    for (int x = 0; x < D; x++)
        rest[x] = sp->prob->bounds[x];
    uint32_t nonunit[MAP_MAX_TL]; /* dims with a factor > 1 at each complete tiling level */
    for (int u = 0; u < sp->NT; u++) {
        nonunit[u] = 0;
        for (int x = 0; x < D; x++) {
            gf[u][x] = u <= t_done ? f[u][x] : 1;
            if (gf[u][x] > 1) {
                rest[x] /= gf[u][x];
                nonunit[u] |= 1u << x;
            }
        }
        if (u > t_done || !sp->tl[u].spatial) continue;
        sfan[u] = sp_fan(gf[u], D);
        if (cache) { /* the counts depend on the level's factors and its children's tiles */
            uint64_t key[2 * ADSE_MAX_DIMS];
            memcpy(key, gf[u], (size_t)D * sizeof gf[u][0]);
            children_extents(sp, gf, u, key + D);
            size_t kb = 2 * (size_t)D * sizeof key[0];
            if (cache->ovalid[u] && memcmp(cache->of[u], key, kb) == 0)
                continue; /* counted offsets kept */
            cache->ovalid[u] = true;
            memcpy(cache->of[u], key, kb);
        }
        for (int d = 0; d < NDS; d++) /* one child: one offset; else counted when needed */
            sg[u][d] = sfan[u] > 1 ? 0 : 1;
    }
    for (int x = 0; x < D; x++)
        rest_all = adse__mul_sat(rest_all, rest[x]);
    double energy = sp->mac_energy_pj + sp->leak_pj * cc_lb;
    /* A mapping with at most cycles_cap cycles has compute cycles = MACs / (product of all
     * spatial factors) <= cycles_cap - latency (F1): the unassigned spatial levels must
     * then use at least fneed together, each at least fneed / the others' maxprod. */
    spopts opts[MAP_MAX_TL];
    kp.fneed = 0;
    double un = 1, fdone = 1;
    for (int u = 0; u < sp->NT; u++)
        if (sp->tl[u].spatial) {
            if (u > t_done)
                un *= (double)sp->tl[u].maxprod;
            else
                fdone *= (double)sfan[u];
        }
    kp.fall = un;
    if (cycles_cap < HUGE_VAL && cycles_cap > (double)sp->latency)
        kp.fneed = (double)sp->macs / ((cycles_cap - (double)sp->latency) * fdone) * (1 - 1e-9);
    for (int u = t_done + 1; u < sp->NT; u++)
        if (sp->tl[u].spatial) {
            double mp = (double)sp->tl[u].maxprod;
            kp.opts[u] = spopts_get(sp, cache, u, rest, kp.fneed * mp / un, &opts[u]);
            /* the cache's slot may be one an earlier level's choices were just read from:
             * they were replaced, so they are made again apart (outside the cache) */
            for (int v = t_done + 1; v < u; v++)
                if (kp.opts[v] == kp.opts[u]) {
                    double mv = (double)sp->tl[v].maxprod;
                    kp.opts[v] = spopts_get(sp, NULL, v, rest, kp.fneed * mv / un, &opts[v]);
                }
        }
    for (int d = 0; d < NDS; d++) {
        uint32_t rel = sp->relevant[d], rel1 = sp->rel_closed[d];
        uint64_t rest_rel = 1;
        for (int x = 0; x < D; x++)
            if ((rel1 >> x) & 1u) rest_rel = adse__mul_sat(rest_rel, rest[x]);
        bool simple = simple_projection(sp->prob, d);
        /* rfloor: the product of G_j / F_j over the unassigned spatial levels j is at least
         * one over the product of d's irrelevant remainders (simple projection, no links at
         * those levels: G_j is at least the product of j's relevant factors) */
        double rfloor = 0;
        if (simple) {
            bool lk = false;
            double irr = 1;
            for (int u = t_done + 1; u < sp->NT; u++)
                if (sp->tl[u].spatial && adse__links_may(sp, u, d)) lk = true;
            for (int x = 0; x < D; x++)
                if (!((rel >> x) & 1u)) irr *= (double)rest[x];
            if (!lk) rfloor = 1.0 / irr;
        }
        kp.rfloor[d] = rfloor;
        /* allowed[k]: d may be kept at k (not bypassed by a constraint, its tile fits). */
        bool allowed[ADSE_MAX_LEVELS], forced[ADSE_MAX_LEVELS];
        double unit_r[ADSE_MAX_LEVELS], unit_f[ADSE_MAX_LEVELS];
        for (int k = 0; k < L; k++) {
            bool fixed = (sp->keep_fixed[d] >> k) & 1u, val = (sp->keep_value[d] >> k) & 1u;
            forced[k] = fixed && val;
            allowed[k] = (!fixed || val) && kp.tile[d][k] <= kp.cap[k] - kp.used[k];
            unit_r[k] = sp->unit_read_pj[k][d];
            unit_f[k] = sp->unit_fill_pj[k][d];
        }
        /* tf[var][k]: total fills of level k over its instances; pr[k]: total reads (updates)
         * of the next keeper above k caused by them (F8). Variant 1 (F13) is d's chain when
         * the innermost non-unit loop above the complete levels is relevant to d: then every
         * keeper that F8 prices at its relevant remainders counts all of them (force[d]:
         * some keeper differs, so the variant is worth pricing). */
        double tfv[2][ADSE_MAX_LEVELS], pr[ADSE_MAX_LEVELS], tf_onv[2][ADSE_MAX_LEVELS];
        bool spatial_above = false, links_above[ADSE_MAX_LEVELS];
        /* F14: a read-write d's keeper reads back every update but the first of each
         * element its instances hold, and its fills skip the first: psmax[k] bounds the
         * elements level k's instances hold together (0: no read-back priced) */
        double psmax[ADSE_MAX_LEVELS];
        rw_partitions_max(sp, gf, rest, t_done, d, simple, psmax);
        for (int k = L - 1; k >= 0; k--) {
            tfv[0][k] = tfv[1][k] = pr[k] = tf_onv[0][k] = tf_onv[1][k] = 0;
            links_above[k] = spatial_above;
            /* Links may reduce d's traffic through a spatial level above k (F3',
             * adse__links_may): then k's chain gets only F5's operand points (links lower
             * neither a keeper's fills nor the next keeper's reads below them). */
            bool sa = spatial_above;
            if (sp->s_of[k] >= 0 && adse__links_may(sp, sp->s_of[k], d)) spatial_above = true;
            if (!allowed[k]) continue;
            /* The closed form (d halo-free; with link analysis at level k + 1 the model's
             * visit sequence gives the same fills, section 5 "Halo-free"; a sliding window
             * fills at least the closed form over rel_closed, F7) */
            if (sa || sp->t_of[k] > t_done || k + 1 >= L) {
                tfv[0][k] = tfv[1][k] = pr[k] = (double)sp->opset[d];
                continue;
            }
            bool on = false;
            uint64_t sp_all = 1, sp_g = 1;
            for (int u = sp->t_of[k] + 1; u <= t_done; u++) {
                if (!sp->tl[u].spatial) {
                    if (nonunit[u] & rel1) on = true;
                    continue;
                }
                sp_all = adse__mul_sat(sp_all, sfan[u]);
                if (simple) sp_g = adse__mul_sat(sp_g, offsets(sp, gf, u, d, sg));
            }
            if (!on && rest_all > rest_rel) force[d] = true;
            /* Without a relevant loop in the complete levels above k the least closed form
             * over them is the tile itself. */
            uint64_t v = on ? least_closed_fill(sp, (const uint64_t(*)[ADSE_MAX_DIMS])gf, tsz[k][d],
                                                NULL, sp->NT, 0, k, sp->rel_closed[d], NULL)
                            : tsz[k][d];
            pr[k] = simple ? (double)v * (double)sp_g * (double)rest_rel : 0;
            if (pr[k] < (double)sp->opset[d]) pr[k] = (double)sp->opset[d];
            for (int var = 0; var < 2; var++) {
                bool all = on || var == 1;
                double fk = (double)v * (double)sp_all * (double)(all ? rest_all : rest_rel);
                if (all) tf_onv[var][k] = fk;
                tfv[var][k] = max2(fk, (double)sp->opset[d]);
            }
        }
        double upv[2][ADSE_MAX_LEVELS];
        for (int var = 0; var < 2; var++) {
            if (var == 1 && !force[d]) break;
            const double *tf = tfv[var], *tf_on = tf_onv[var];
            /* up[k]: the least energy of the keepers from k outwards, k a keeper: its fills
             * unless it is the outermost keeper, the next keeper's reads, and so on (F4, F8). */
            double *up = upv[var];
            if (var == 0) kp.keepable[d] = 0;
            for (int k = L - 1; k >= 0; k--) {
                up[k] = HUGE_VAL;
                if (!allowed[k]) continue;
                bool forced_above = false;
                for (int j = k + 1; j < L; j++)
                    if (forced[j]) forced_above = true;
                if (!forced_above) up[k] = 0;
                /* least product of G_j / F_j between k and k2 (F8 (d)) */
                rprod rp = {1, 1};
                double ratio = 1;
                for (int k2 = k + 1; k2 < L; k2++) {
                    if (tf_on[k] > 0 && sp->s_of[k2] >= 0)
                        ratio =
                            rprod_mul(&rp, sp, &kp, gf, sfan, sg, t_done, sp->s_of[k2], d, rfloor);
                    if (up[k2] < HUGE_VAL) {
                        /* the fills k cannot avoid reach k2 through the fanouts between (F3) */
                        double rd = max2(pr[k], tf_on[k] * ratio) * unit_r[k2];
                        if (k2 == L - 1 && sp->dram_energy[d] > rd) rd = sp->dram_energy[d];
                        double v = tf[k] * unit_f[k] + rd + up[k2];
                        if (psmax[k] > 0)
                            v += rw_readback(sp, k, tf[k], psmax[k], true) +
                                 rw_readback(sp, k2, max2(pr[k], tf_on[k] * ratio), psmax[k2],
                                             false);
                        if (v < up[k]) up[k] = v;
                    }
                    if (forced[k2]) break;
                }
                if (var == 0 && up[k] < HUGE_VAL) kp.keepable[d] |= 1u << k;
            }
            /* F10: the chains of the keepers as a function of their fills f (at least f0: the
             * operand points where the level is not complete, F8's fills where it is) */
            for (int k0 = 0; (sp->refill || sp->xrefill) && k0 + 1 < L; k0++) {
                bool complete = sp->t_of[k0] <= t_done;
                if (complete && !f10_all) continue;
                /* no entry can raise the fills F8 gives d at k0 */
                if (sp->refill_max[k0][d] <= (complete ? tf[k0] : (double)sp->opset[d]) ||
                    links_above[k0] || !allowed[k0] || up[k0] == HUGE_VAL)
                    continue;
                bool forced_above = false;
                for (int j = k0 + 1; j < L; j++)
                    if (forced[j]) forced_above = true;
                if (!forced_above) continue;
                rfchain *h = &ch[var][d][k0];
                h->n = 0;
                h->a = unit_f[k0];
                h->f0 = complete ? tf[k0] : (double)sp->opset[d];
                /* F14's terms, as up[] has them at f0 (so the chain there is at least
                 * up[k0], and its rise is the rise of a bound) */
                h->rw = psmax[k0] > 0;
                h->ps0 = psmax[k0];
                h->ef = rw_unit(sp, k0, true);
                rprod rp = {1, 1};
                double ratio = 1;
                for (int l = 0; l < L; l++)
                    h->cum[l] = 1;
                for (int k2 = k0 + 1; k2 < L; k2++) {
                    if (sp->s_of[k2] >= 0)
                        ratio =
                            rprod_mul(&rp, sp, &kp, gf, sfan, sg, t_done, sp->s_of[k2], d, rfloor);
                    h->cum[k2] = ratio;
                    if (up[k2] < HUGE_VAL) {
                        double rc = complete ? pr[k0] : (double)sp->opset[d];
                        double fl = rc * unit_r[k2];
                        if (k2 == L - 1) fl = max2(fl, sp->dram_energy[d]);
                        h->fl[h->n] = fl;
                        h->rc[h->n] = rc;
                        h->ratio[h->n] = ratio;
                        h->ps2[h->n] = psmax[k2];
                        h->er[h->n] = rw_unit(sp, k2, false);
                        h->k2[h->n] = k2;
                        h->ur[h->n] = unit_r[k2];
                        h->c[h->n++] = up[k2];
                    }
                    if (forced[k2]) break;
                }
                if (!h->n) continue;
                h->base = chain_at(h, h->f0);
                eligv[var][k0] |= 1u << d;
            }
        }
        /* fac = product over the levels up to k0 of G_j / F_j (F4, F3'), the share of the
         * computes the innermost keeper k0 reads (updates) over all instances. */
        double fac = 1.0, fac_up = 1.0; /* fac_up: without the MAC level */
        rprod fp = {1, 1}, fp_up = {1, 1};
        uint32_t umask = 0, umask_up = 0;
        bool stop = false;
        for (int k0 = 0; k0 < L; k0++) {
            kp.cost[d][k0] = cost1[d][k0] = HUGE_VAL;
            kp.ja[d][k0] = 0;
            kp.mc[d][k0] = kp.mi[d][k0] = 0;
            if (stop) continue;
            int sj = sp->s_of[k0];
            if (sj >= 0) {
                fac = rprod_mul(&fp, sp, &kp, gf, sfan, sg, t_done, sj, d, rfloor);
                if (k0 > 0)
                    fac_up = rprod_mul(&fp_up, sp, &kp, gf, sfan, sg, t_done, sj, d, rfloor);
                if (sj > t_done) umask |= 1u << sj;
                if (k0 > 0 && sj > t_done) umask_up |= 1u << sj;
            }
            bool fixed = (sp->keep_fixed[d] >> k0) & 1u, val = (sp->keep_value[d] >> k0) & 1u;
            if (!fixed || val) {
                const adse_buffer *b = &a->levels[k0];
                double q = sp->inst_share[k0];
                double e = sp->rw[d] ? b->e_update : b->e_read;
                double inner = (double)sp->macs * fac * e * q / (double)b->block_size;
                /* every operand point reaches the computes at least once (F5) */
                double pts = (double)sp->opset[d] * e * q / (double)b->block_size;
                if (k0 == L - 1) pts = max2(pts, sp->dram_energy[d]);
                inner = max2(inner, pts);
                double rb = rw_readback(sp, k0, (double)sp->macs * fac, psmax[k0], false);
                if (upv[0][k0] < HUGE_VAL) kp.cost[d][k0] = inner + rb + upv[0][k0];
                if (force[d] && upv[1][k0] < HUGE_VAL) cost1[d][k0] = inner + rb + upv[1][k0];
                kp.mc[d][k0] = fac_up * e * q / (double)b->block_size;
                kp.mi[d][k0] = inner;
                kp.ku[d][k0] = fp_up.known * e * q / (double)b->block_size;
                kp.kmask[d][k0] = umask_up;
                if (umask && fp.known > 0) {
                    kp.ja[d][k0] = (double)sp->macs * fp.known * e * q / (double)b->block_size;
                    kp.jind[d][k0] = inner;
                    kp.jfloor[d][k0] = pts;
                    kp.jmask[d][k0] = umask;
                }
            }
            if (fixed && val) stop = true; /* a forced keeper: no innermost keeper above it */
        }
    }
    memcpy(kp.elig, eligv[0], sizeof kp.elig);
    bool over = false;
    for (int k = 0; k < L; k++)
        if (kp.used[k] > kp.cap[k]) over = true;
    /* the keepers' least as far as it decides the caller's test (adse__bound_partial_decide) */
    double stop = e_hi < HUGE_VAL ? e_hi - energy : HUGE_VAL;
    kp.abort_below = e_lo - energy;
    double least = keepers_least(&kp, over, stop);
    /* F13: the innermost non-unit temporal loop above the complete levels is on some
     * dimension x with a remainder above 1, and every data space relevant to x then has its
     * chain of variant 1 (docs/mapper.md section 5); the least over those x bounds. */
    uint32_t fd = 0;
    for (int d = 0; d < NDS; d++)
        if (force[d]) fd |= 1u << d;
    if (fd && !over && least < HUGE_VAL) {
        double cost0[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS];
        memcpy(cost0, kp.cost, sizeof cost0);
        double lx = HUGE_VAL;
        for (int x = 0; x < D && lx > least; x++) {
            if (rest[x] <= 1) continue;
            uint32_t m = 0;
            for (int d = 0; d < NDS; d++)
                if ((fd >> d & 1u) && (sp->rel_closed[d] >> x & 1u)) m |= 1u << d;
            if (!m) {
                lx = least;
                break;
            }
            for (int d = 0; d < NDS; d++) {
                bool v1 = m >> d & 1u;
                memcpy(kp.cost[d], v1 ? cost1[d] : cost0[d], sizeof kp.cost[d]);
                kp.ch[d] = ch[v1][d];
            }
            for (int k = 0; k < L; k++)
                kp.elig[k] = (eligv[0][k] & ~m) | (eligv[1][k] & m);
            double v = keepers_least(&kp, false, lx < stop ? lx : stop);
            lx = v < lx ? v : lx;
        }
        if (lx > least && lx < HUGE_VAL) least = lx;
    }
    energy += least;
    lb->energy = energy;
}

void adse__metrics(const mspace *sp, double cycles, double energy, double edp, double lla,
                   mvals *out)
{
    const adse_mapper_settings *s = &sp->set;
    for (int k = 0; k < s->n_metrics; k++) {
        double v = 0;
        switch (s->metrics[k]) {
        case ADSE_METRIC_EDP: v = edp; break;
        case ADSE_METRIC_ENERGY: v = energy; break;
        case ADSE_METRIC_DELAY: v = cycles; break;
        case ADSE_METRIC_LAST_LEVEL_ACCESSES: v = lla; break;
        case ADSE_METRIC_WEIGHTED:
            v = s->weight_energy * energy + s->weight_delay * cycles + s->weight_edp * edp;
            break;
        }
        out->v[k] = v;
    }
    for (int k = s->n_metrics; k < ADSE_MAX_METRICS; k++)
        out->v[k] = 0;
}

bool adse__lex_less(const mspace *sp, const mvals *a, const mvals *b)
{
    for (int k = 0; k < sp->set.n_metrics; k++) {
        if (a->v[k] < b->v[k]) return true;
        if (a->v[k] > b->v[k]) return false;
    }
    return false;
}

void adse__metrics_of(const mspace *sp, const adse_result *r, mvals *out)
{
    adse__metrics(sp, (double)r->cycles, r->energy_pj, r->edp,
                  (double)r->levels[sp->L - 1].accesses, out);
}

void adse__metrics_lb(const mspace *sp, const mlb *lb, mvals *out)
{
    double edp = lb->cycles * lb->energy / 1e12;
    adse__metrics(sp, lb->cycles, lb->energy, edp, lb->lla, out);
    const adse_mapper_settings *s = &sp->set;
    for (int k = 0; k < s->n_metrics; k++) {
        adse_metric mt = s->metrics[k];
        if (mt != ADSE_METRIC_DELAY && mt != ADSE_METRIC_LAST_LEVEL_ACCESSES)
            out->v[k] *= 1 - LB_MARGIN;
    }
}
