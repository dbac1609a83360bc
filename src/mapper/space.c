/*
 * space.c: the constrained mapspace (model.md §9.1) and its effective loop orders.
 *
 * adse__space_init() turns an adse_constraints into per-tiling-level factor domains,
 * permutation and split constraints and keep/bypass masks, rejects contradictions with a
 * message naming the level and dimension, and precomputes what the search and the bounds
 * share (divisors, feasibility tables, model facts, Timeloop's mapspace size).
 *
 * Effective orders. The model drops unit loops, so a level's loop order matters only
 * through the sequence of its non-unit loops. With a permutation constraint (prefix P,
 * suffix S, free infix I) the realizable sequences are P' + any order of I' + S', where '
 * keeps the non-unit dims. A spatial level's split puts its first `split` permutation
 * entries in X; over all permutations the realizable numbers of non-unit X loops (the cut)
 * form a range, derived below, so (order, cut) pairs enumerate exactly the distinct nests.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mapper/mapper_internal.h"
#include "model/model_internal.h"
#include "util/intmath.h"
#include "util/primes.h"

#define BOUND_MAX (UINT64_C(1) << 40)

static const char *level_name(const mspace *sp, int i)
{
    return sp->arch->levels[i].name;
}

/* Divisors of x, descending. Returns the count; *out is malloc'd. */
static int divisors(uint64_t x, uint64_t **out)
{
    int n = 0, cap = 64;
    uint64_t *v = malloc(sizeof *v * (size_t)cap);
    if (!v) return -1;
    for (uint64_t d = 1; d * d <= x; d++) {
        if (x % d) continue;
        uint64_t e = x / d;
        for (int k = 0; k < (d == e ? 1 : 2); k++) {
            if (n == cap) {
                cap *= 2;
                uint64_t *w = realloc(v, sizeof *v * (size_t)cap);
                if (!w) {
                    free(v);
                    return -1;
                }
                v = w;
            }
            v[n++] = k == 0 ? d : e;
        }
    }
    /* Descending. */
    for (int i = 1; i < n; i++) {
        uint64_t t = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] < t) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = t;
    }
    *out = v;
    return n;
}

/* Spatial level l's key divisors (mtl.divkey): a remain r of dimension x divides its bound,
 * so gcd(r, lcm(1..maxprod)) = gcd(r, divkey[x]), a gcd of small numbers. */
static void set_divkey(const mspace *sp, mtl *l)
{
    uint64_t lcm = adse__lcm_upto(l->maxprod);
    for (int x = 0; x < ADSE_MAX_DIMS; x++) {
        uint64_t b = x < sp->D ? sp->prob->bounds[x] : 1;
        l->divkey[x] = lcm ? adse__gcd(b, lcm) : b;
    }
}

/* The largest spatial product a level with fanouts fx x fy can have: p = x * y with x <= fx,
 * y <= fy and p dividing the product of the bounds (a level's factors divide their
 * dimensions' bounds, and each dimension is either X or Y there). */
static uint64_t max_spatial_product(const adse_problem *prob, int D, uint32_t fx, uint32_t fy)
{
    uint64_t cap = (uint64_t)fx * fy;
    if (cap > (UINT64_C(1) << 31)) return cap;
    for (uint64_t p = cap; p > 1; p--) {
        uint64_t r = 1;
        for (int x = 0; x < D; x++)
            r = r * (prob->bounds[x] % p) % p;
        if (r != 0) continue;
        for (uint64_t x = 1; x <= fx && x <= p; x++)
            if (p % x == 0 && p / x <= fy) return p;
    }
    return 1;
}

/* Applies one tiling constraint to tiling level t; errors name the level and dimension. */
static adse_status apply_tiling(mspace *sp, int t, const adse_tiling_constraint *c, bool spatial,
                                uint32_t *rest_seen, adse_err *err)
{
    mtl *l = &sp->tl[t];
    const char *kind = spatial ? "spatial" : "temporal";
    const char *name = level_name(sp, l->storage);
    int D = sp->D;
    for (int x = 0; x < D; x++) {
        char dn = sp->prob->dim_names[x];
        uint64_t bound = sp->prob->bounds[x];
        uint64_t eq = c->factor_eq[x], mx = c->factor_max[x], mn = c->factor_min[x];
        if (eq == ADSE_FACTOR_REST) {
            /* Whatever the other levels leave: any factorization satisfies it, so the
             * level is free, and exempt from the default bounds. */
            if (*rest_seen & (1u << x))
                return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                    "'%c=0' (the remaining bound) is given at two tiling "
                                    "levels, the second at '%s' (%s)",
                                    dn, name, kind);
            *rest_seen |= 1u << x;
            if (mx || mn > 1)
                return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                    "'%c=0' at '%s' (%s) conflicts with a bound on '%c' there", dn,
                                    name, kind, dn);
            continue;
        }
        if (!eq) {
            if (!mx && c->default_max_factor) mx = c->default_max_factor;
            if (mn <= 1 && c->default_min_factor > 1) mn = c->default_min_factor;
        }
        if (mn < 1) mn = 1;
        if (mx && mn > mx)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "factor of '%c' at '%s' (%s) must be >= %llu and <= %llu", dn, name,
                                kind, (unsigned long long)mn, (unsigned long long)mx);
        if (eq) {
            if (bound % eq)
                return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                    "factor %c=%llu at '%s' (%s) does not divide the bound %llu "
                                    "of '%c'",
                                    dn, (unsigned long long)eq, name, kind,
                                    (unsigned long long)bound, dn);
            if (eq < mn || (mx && eq > mx))
                return adse_err_set(
                    err, ADSE_E_SPEC, NULL, 0, 0,
                    "factor %c=%llu at '%s' (%s) is outside its bounds [%llu, %llu]", dn,
                    (unsigned long long)eq, name, kind, (unsigned long long)mn,
                    (unsigned long long)mx);
            if (spatial && eq > l->cap)
                return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                    "spatial factor %c=%llu at '%s' exceeds its fanout %llu", dn,
                                    (unsigned long long)eq, name, (unsigned long long)l->cap);
            l->eq[x] = eq;
            l->lo[x] = l->hi[x] = eq;
        } else {
            if (mn > bound)
                return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                    "factor of '%c' at '%s' (%s) must be >= %llu, more than the "
                                    "bound %llu",
                                    dn, name, kind, (unsigned long long)mn,
                                    (unsigned long long)bound);
            l->lo[x] = mn;
            l->hi[x] = mx ? mx : UINT64_MAX;
        }
    }
    if (c->has_permutation || c->n_prefix || c->n_suffix) {
        uint32_t seen = 0;
        if (c->n_prefix + c->n_suffix > D)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "permutation at '%s' (%s) names %d dimensions of %d", name, kind,
                                c->n_prefix + c->n_suffix, D);
        for (int k = 0; k < c->n_prefix + c->n_suffix; k++) {
            int x = k < c->n_prefix ? c->prefix[k] : c->suffix[k - c->n_prefix];
            if (x >= D)
                return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                    "permutation at '%s' (%s) names dimension %d of %d", name, kind,
                                    x, D);
            if (seen & (1u << x))
                return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                    "permutation at '%s' (%s) names '%c' twice", name, kind,
                                    sp->prob->dim_names[x]);
            seen |= 1u << x;
        }
        l->n_prefix = c->n_prefix;
        l->n_suffix = c->n_suffix;
        memcpy(l->prefix, c->prefix, (size_t)c->n_prefix);
        memcpy(l->suffix, c->suffix, (size_t)c->n_suffix);
        l->fixed_mask = seen;
    }
    if (spatial && c->split >= 0) {
        if (c->split > D)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "split %d at '%s' exceeds the %d dimensions", c->split, name, D);
        l->user_split = true;
        l->split = c->split;
    }
    return ADSE_OK;
}

/* A spatial constraint for a level without fanout is harmless unless it forces a factor. */
static adse_status check_no_spatial(mspace *sp, int i, const adse_tiling_constraint *c,
                                    adse_err *err)
{
    for (int x = 0; x < sp->D; x++) {
        uint64_t eq = c->factor_eq[x];
        if ((eq > 1 && eq != ADSE_FACTOR_REST && sp->prob->bounds[x] > 1) || c->factor_min[x] > 1)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "spatial factor of '%c' at '%s', which has no fanout",
                                sp->prob->dim_names[x], level_name(sp, i));
    }
    return ADSE_OK;
}

/* Distinct values of sum_t coef_t * x_t over x_t in [0, bound): exact for small ranges,
 * else the Cauchy-Davenport bound sum |A_t| - (n - 1). */
static uint64_t rank_values(const adse_problem *p, const adse_rank *rk)
{
    uint32_t dims = 0;
    bool distinct = true;
    int64_t lo = 0, hi = 0;
    uint64_t cd = 1;
    int nz = 0;
    for (int t = 0; t < rk->n_terms; t++) {
        const adse_term *tm = &rk->terms[t];
        if (dims & (1u << tm->dim)) distinct = false;
        dims |= 1u << tm->dim;
        if (tm->coef == 0) continue;
        int64_t span = tm->coef * (int64_t)(p->bounds[tm->dim] - 1);
        if (span < 0)
            lo += span;
        else
            hi += span;
        cd += p->bounds[tm->dim] - 1;
        nz++;
    }
    if (nz == 0) return 1;
    if (!distinct) return 1;
    if (nz == 1) return cd;
    uint64_t range = (uint64_t)(hi - lo) + 1;
    double work = (double)range;
    for (int t = 0; t < rk->n_terms; t++)
        work *= 1.0 + (double)p->bounds[rk->terms[t].dim];
    if (range > (UINT64_C(1) << 24) || work > 2e8) return cd;
    uint8_t *a = calloc(range, 1), *b = calloc(range, 1);
    if (!a || !b) {
        free(a);
        free(b);
        return cd;
    }
    a[-lo] = 1;
    for (int t = 0; t < rk->n_terms; t++) {
        const adse_term *tm = &rk->terms[t];
        if (tm->coef == 0) continue;
        memset(b, 0, range);
        for (uint64_t v = 0; v < range; v++) {
            if (!a[v]) continue;
            for (uint64_t k = 0; k < p->bounds[tm->dim]; k++)
                b[(int64_t)v + tm->coef * (int64_t)k] = 1;
        }
        uint8_t *s = a;
        a = b;
        b = s;
    }
    uint64_t n = 0;
    for (uint64_t v = 0; v < range; v++)
        n += a[v];
    free(a);
    free(b);
    return n;
}

/* Distinct operand points of data space d over the whole problem. */
static uint64_t operand_points(const adse_problem *p, int d)
{
    const adse_dataspace *ds = &p->ds[d];
    bool disjoint = true;
    uint32_t all = 0;
    for (int r = 0; r < ds->n_ranks; r++) {
        uint32_t m = 0;
        for (int t = 0; t < ds->ranks[r].n_terms; t++)
            m |= 1u << ds->ranks[r].terms[t].dim;
        if (m & all) disjoint = false;
        all |= m;
    }
    uint64_t prod = 1, mx = 1;
    for (int r = 0; r < ds->n_ranks; r++) {
        uint64_t v = rank_values(p, &ds->ranks[r]);
        prod = adse__mul_sat(prod, v);
        if (v > mx) mx = v;
    }
    return disjoint ? prod : mx;
}

/* Number of ordered factorizations of bound x over the tiling levels that honour the
 * constraints' domains (Timeloop's IndexFactorization count; fanouts are not applied). */
static double count_factorizations(const mspace *sp, int x)
{
    int nd = sp->n_divs[x];
    const uint64_t *dv = sp->divs[x];
    double *cur = calloc((size_t)nd, sizeof *cur), *nxt = calloc((size_t)nd, sizeof *nxt);
    if (!cur || !nxt) {
        free(cur);
        free(nxt);
        return 0;
    }
    /* cur[k]: ways to reach remaining = dv[k]. dv[0] is the bound itself. */
    cur[0] = 1;
    for (int t = 0; t < sp->NT; t++) {
        const mtl *l = &sp->tl[t];
        memset(nxt, 0, sizeof *nxt * (size_t)nd);
        for (int k = 0; k < nd; k++) {
            if (cur[k] == 0) continue;
            uint64_t r = dv[k];
            for (int j = 0; j < nd; j++) {
                uint64_t f = dv[j];
                if (r % f) continue;
                if (l->eq[x] ? f != l->eq[x] : (f < l->lo[x] || f > l->hi[x])) continue;
                if (t == sp->NT - 1 && f != r) continue;
                uint64_t r2 = r / f;
                for (int m = 0; m < nd; m++) {
                    if (dv[m] == r2) {
                        nxt[m] += cur[k];
                        break;
                    }
                }
            }
        }
        double *s = cur;
        cur = nxt;
        nxt = s;
    }
    double n = cur[nd - 1]; /* remaining 1 */
    free(cur);
    free(nxt);
    return n;
}

static double factorial(int n)
{
    double f = 1;
    for (int k = 2; k <= n; k++)
        f *= k;
    return f;
}

/* The number of keep/bypass choices the mapspace leaves free. */
static int free_keep_bits(const mspace *sp)
{
    int n = 0;
    for (int d = 0; d < sp->NDS; d++)
        n += __builtin_popcount(sp->keep_free[d]);
    return n;
}

/* Mapper settings, problem bounds and the constraints' shape. */
static adse_status check_settings(mspace *sp, const adse_constraints *c, adse_err *err)
{
    const adse_problem *p = sp->prob;
    int L = sp->L;
    int D = sp->D;
    int NDS = sp->NDS;
    /* Settings. */
    if (sp->set.n_metrics < 1 || sp->set.n_metrics > ADSE_MAX_METRICS)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "mapper settings have %d metrics (need 1..%d)", sp->set.n_metrics,
                            ADSE_MAX_METRICS);
    for (int k = 0; k < sp->set.n_metrics; k++) {
        if ((int)sp->set.metrics[k] < 0 || sp->set.metrics[k] > ADSE_METRIC_WEIGHTED)
            return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "unknown mapper metric %d",
                                (int)sp->set.metrics[k]);
        if (sp->set.metrics[k] == ADSE_METRIC_WEIGHTED) {
            const adse_mapper_settings *s = &sp->set;
            if (!(s->weight_energy >= 0 && s->weight_delay >= 0 && s->weight_edp >= 0) ||
                !isfinite(s->weight_energy + s->weight_delay + s->weight_edp))
                return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                                    "weighted metric needs finite weights >= 0");
            if (s->weight_energy + s->weight_delay + s->weight_edp <= 0)
                return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                                    "weighted metric has all weights 0");
        }
    }
    if (sp->set.threads < 0)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "mapper threads %d is negative",
                            sp->set.threads);
    if (!(sp->set.time_limit_s >= 0))
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "mapper time limit is negative");
    if (sp->set.max_temporal_loops < 0)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "mapper max_temporal_loops %d is negative", sp->set.max_temporal_loops);

    for (int x = 0; x < D; x++)
        if (p->bounds[x] > BOUND_MAX)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "bound %llu of '%c' is too large for the mapper (limit 2^40)",
                                (unsigned long long)p->bounds[x], p->dim_names[x]);
    if (c && (c->n_levels != L || c->n_dims != D || c->n_ds != NDS))
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "constraints are for %d levels, %d dimensions, %d data spaces; the "
                            "model has %d, %d, %d",
                            c->n_levels, c->n_dims, c->n_ds, L, D, NDS);
    return ADSE_OK;
}

/* Tiling levels, innermost first, with unconstrained factor ranges. */
static adse_status init_tiling_levels(mspace *sp, adse_err *err)
{
    const adse_arch *a = sp->arch;
    int L = sp->L;
    int D = sp->D;
    /* Tiling levels, innermost first (model.md §2.3). */
    int NT = 0;
    for (int i = 0; i < L; i++) {
        uint32_t fx = adse_arch_fanout_x(a, i), fy = adse_arch_fanout_y(a, i);
        sp->s_of[i] = -1;
        if ((uint64_t)fx * fy > 1) {
            assert(NT < MAP_MAX_TL); /* at most a spatial and a temporal level per storage level */
            mtl *l = &sp->tl[NT];
            l->storage = i;
            l->spatial = true;
            l->fx = fx;
            l->fy = fy;
            l->cap = (uint64_t)fx * fy;
            l->maxprod = max_spatial_product(sp->prob, D, fx, fy);
            set_divkey(sp, l);
            sp->s_of[i] = NT++;
        }
        assert(NT < MAP_MAX_TL);
        mtl *l = &sp->tl[NT];
        l->storage = i;
        l->spatial = false;
        sp->t_of[i] = NT++;
    }
    sp->NT = NT;
    for (int t = 0; t < NT; t++) {
        for (int x = 0; x < D; x++) {
            sp->tl[t].lo[x] = 1;
            sp->tl[t].hi[x] = UINT64_MAX;
        }
    }
    return ADSE_OK;
}

/* Factor, order and split constraints; which levels keep one canonical order. */
static adse_status apply_constraints(mspace *sp, const adse_constraints *c, adse_err *err)
{
    int L = sp->L;
    int NT = sp->NT;
    /* Constraints. */
    uint32_t rest_seen = 0;
    if (c) {
        for (int i = 0; i < L; i++) {
            adse_status st = apply_tiling(sp, sp->t_of[i], &c->temporal[i], false, &rest_seen, err);
            if (st != ADSE_OK) return st;
            if (sp->s_of[i] >= 0) {
                uint32_t rs = rest_seen;
                st = apply_tiling(sp, sp->s_of[i], &c->spatial[i], true, &rs, err);
                if (st != ADSE_OK) return st;
                rest_seen = rs;
            } else {
                st = check_no_spatial(sp, i, &c->spatial[i], err);
                if (st != ADSE_OK) return st;
            }
        }
        sp->min_parallelism = c->min_parallelism;
        if (c->min_parallelism > 1.0)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "minimum parallelism %g is more than 1", c->min_parallelism);
    }
    for (int t = 0; t < NT; t++) {
        mtl *l = &sp->tl[t];
        if (l->spatial)
            l->canonical = l->n_prefix == 0 && l->n_suffix == 0 && !(l->fx > 1 && l->fy > 1);
        else
            l->canonical = t == 0;
    }
    for (int i = 0; i + 1 < sp->L; i++) {
        const mtl *l = &sp->tl[sp->t_of[i]];
        sp->shift_to[i] = l->canonical || (l->n_prefix == 0 && l->n_suffix == 0);
    }
    return ADSE_OK;
}

/* Per dimension: fixed and minimum factors against the bound; divisors and feasibility tables. */
static adse_status check_factors(mspace *sp, adse_err *err)
{
    const adse_problem *p = sp->prob;
    int D = sp->D;
    int NT = sp->NT;
    /* Per dimension: fixed factors must divide the bound, minimums must fit. */
    for (int x = 0; x < D; x++) {
        uint64_t fixed = 1, mins = 1;
        bool all_fixed = true;
        for (int t = 0; t < NT; t++) {
            if (sp->tl[t].eq[x]) {
                fixed = adse__mul_sat(fixed, sp->tl[t].eq[x]);
            } else {
                all_fixed = false;
                mins = adse__mul_sat(mins, sp->tl[t].lo[x]);
            }
        }
        uint64_t b = p->bounds[x];
        if (fixed > b || b % fixed)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "fixed factors of '%c' multiply to %llu, which does not divide "
                                "its bound %llu",
                                p->dim_names[x], (unsigned long long)fixed, (unsigned long long)b);
        if (all_fixed && fixed != b)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "fixed factors of '%c' multiply to %llu, not its bound %llu",
                                p->dim_names[x], (unsigned long long)fixed, (unsigned long long)b);
        if (adse__mul_sat(fixed, mins) > b)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "minimum factors of '%c' multiply to more than its bound %llu",
                                p->dim_names[x], (unsigned long long)b);
        sp->n_divs[x] = divisors(b, &sp->divs[x]);
        assert(sp->n_divs[x] != 0); /* every bound >= 1 has the divisor 1, or -1 out of memory */
        if (sp->n_divs[x] < 0) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* Feasibility tables. */
    for (int x = 0; x < D; x++) {
        uint64_t fix = 1, mn = 1, mx = 1;
        for (int t = NT - 1; t >= 0; t--) {
            sp->fix_above[t][x] = fix;
            sp->min_above[t][x] = mn;
            sp->max_above[t][x] = mx;
            const mtl *l = &sp->tl[t];
            if (l->eq[x]) {
                fix = adse__mul_sat(fix, l->eq[x]);
            } else {
                mn = adse__mul_sat(mn, l->lo[x]);
                uint64_t h = l->hi[x];
                if (l->spatial && l->cap < h) h = l->cap;
                mx = adse__mul_sat(mx, h);
            }
        }
    }
    return ADSE_OK;
}

/* The largest product of the factors of a set of spatial tiling levels that their
 * constraints allow: a depth-first search, level by level, over each dimension's factors
 * (divisors of what the bound leaves after the fixed factors of the levels outside the set
 * and the factors chosen at the set's earlier levels, within the level's domain), largest
 * first and cut by the best product so far; each level's full choice is checked by
 * adse__spatial_fits (the X/Y assignments its permutation and split allow). */
#define SPMAX_NODES 200000 /* beyond this, no result (the caller keeps a coarser bound) */
typedef struct spmax_search {
    const mspace *sp;
    int n, us[MAP_MAX_TL]; /* the levels */
    uint64_t avail[ADSE_MAX_DIMS];
    uint64_t ub[MAP_MAX_TL][ADSE_MAX_DIMS + 1]; /* level i from dim x on: at most this */
    uint64_t rest_ub[MAP_MAX_TL + 1];           /* levels i.. together: at most this */
    uint64_t f[ADSE_MAX_DIMS];
    uint64_t best;
    long nodes;
} spmax_search;

static bool spmax_allowed(const spmax_search *m, int t, int x, uint64_t v)
{
    const mtl *l = &m->sp->tl[t];
    if (v > l->cap || m->avail[x] % v) return false;
    return l->eq[x] ? v == l->eq[x] : v >= l->lo[x] && v <= l->hi[x];
}

static void spmax_dfs(spmax_search *m, int i, int x, uint64_t level, uint64_t done)
{
    const mspace *sp = m->sp;
    int D = sp->D;
    if (++m->nodes > SPMAX_NODES) return;
    if (i == m->n) {
        if (done > m->best) m->best = done;
        return;
    }
    int t = m->us[i];
    if (x == D) {
        if (!adse__spatial_fits(sp, t, m->f)) return;
        uint64_t f[ADSE_MAX_DIMS];
        memcpy(f, m->f, sizeof f);
        for (int y = 0; y < D; y++) {
            m->avail[y] /= f[y];
            m->f[y] = 1;
        }
        spmax_dfs(m, i + 1, 0, 1, adse__mul_sat(done, level));
        for (int y = 0; y < D; y++) {
            m->avail[y] *= f[y];
            m->f[y] = f[y];
        }
        return;
    }
    for (int k = 0; k < sp->n_divs[x] && m->nodes <= SPMAX_NODES; k++) {
        uint64_t v = sp->divs[x][k]; /* descending */
        if (!spmax_allowed(m, t, x, v) || v > sp->tl[t].cap / level) continue;
        uint64_t most = adse__mul_sat(adse__mul_sat(done, level * v),
                                      adse__mul_sat(m->ub[i][x + 1], m->rest_ub[i + 1]));
        if (most <= m->best) break; /* nor any smaller v */
        m->f[x] = v;
        spmax_dfs(m, i, x + 1, level * v, done);
        m->f[x] = 1;
    }
}

/* spmax_search over the n spatial levels us (their maxprod already set); 0 when it ran out
 * of nodes or found no choice. */
static uint64_t spatial_max(const mspace *sp, const int *us, int n)
{
    int D = sp->D;
    spmax_search m = {.sp = sp, .n = n};
    memcpy(m.us, us, sizeof *us * (size_t)n);
    for (int x = 0; x < D; x++) {
        uint64_t fixed = 1;
        for (int u = 0; u < sp->NT; u++) {
            bool in = false;
            for (int i = 0; i < n; i++)
                in = in || us[i] == u;
            if (!in && sp->tl[u].eq[x]) fixed *= sp->tl[u].eq[x];
        }
        m.avail[x] = sp->prob->bounds[x] / fixed; /* check_factors: fixed divides it */
        m.f[x] = 1;
    }
    m.rest_ub[n] = 1;
    for (int i = n - 1; i >= 0; i--) {
        const mtl *l = &sp->tl[us[i]];
        m.ub[i][D] = 1;
        for (int x = D - 1; x >= 0; x--) {
            uint64_t most = 0;
            for (int k = 0; k < sp->n_divs[x] && !most; k++)
                if (spmax_allowed(&m, us[i], x, sp->divs[x][k])) most = sp->divs[x][k];
            m.ub[i][x] = adse__mul_sat(m.ub[i][x + 1], most);
            if (m.ub[i][x] > l->cap) m.ub[i][x] = l->cap;
        }
        m.rest_ub[i] = adse__mul_sat(m.rest_ub[i + 1], l->maxprod);
    }
    spmax_dfs(&m, 0, 0, 1, 1);
    return m.nodes > SPMAX_NODES ? 0 : m.best;
}

/* Lowers each spatial level's maxprod (init_tiling_levels: fanout and divisibility only) to
 * what its constraints allow, and sets spatial_max, the most all spatial levels' factors
 * multiply to together (their dimensions' factors share the bounds); the bounds use both
 * (docs/mapper.md section 4.2). */
static void tighten_maxprod(mspace *sp)
{
    int us[MAP_MAX_TL], n = 0;
    uint64_t all = 1;
    for (int t = 0; t < sp->NT; t++) {
        mtl *l = &sp->tl[t];
        if (!l->spatial) continue;
        uint64_t best = spatial_max(sp, &t, 1);
        if (best > 0 && best < l->maxprod) {
            l->maxprod = best;
            set_divkey(sp, l);
        }
        us[n++] = t;
        all = adse__mul_sat(all, l->maxprod);
    }
    uint64_t best = n > 1 ? spatial_max(sp, us, n) : 0;
    sp->spatial_max = best > 0 && best < all ? best : all;
}

/* Keep/bypass choices: fixed bits, the outermost level's default, the free rest. */
static adse_status init_keep(mspace *sp, const adse_constraints *c, adse_err *err)
{
    const adse_problem *p = sp->prob;
    int L = sp->L;
    int NDS = sp->NDS;
    /* Keep/bypass: fixed bits, outermost level defaults to keep, the rest enumerated. */
    uint32_t lmask = (L >= 32) ? ~0u : ((1u << L) - 1u);
    for (int d = 0; d < NDS; d++) {
        uint32_t kf = c ? c->keep_fixed[d] & lmask : 0, kv = c ? c->keep_value[d] & kf : 0;
        uint32_t top = 1u << (L - 1);
        if (!(kf & top)) {
            kf |= top;
            kv |= top;
        }
        sp->keep_fixed[d] = kf;
        sp->keep_value[d] = kv;
        sp->keep_free[d] = lmask & ~kf;
        if ((kf & lmask) == lmask && kv == 0)
            return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                "data space '%s' is bypassed at every level", p->ds[d].name);
    }
    int free_bits = free_keep_bits(sp);
    if (free_bits > 62)
        return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                            "%d free keep/bypass choices are too many (limit 62)", free_bits);
    return ADSE_OK;
}

/* What the bounds need from the model (bound.c). */
static adse_status init_model_facts(mspace *sp, const adse_model *model, adse_err *err)
{
    const adse_arch *a = sp->arch;
    const adse_problem *p = sp->prob;
    int L = sp->L;
    int NDS = sp->NDS;
    /* Model facts. */
    sp->links_on = !model->opts.disable_link_transfers;
    sp->legacy = model->opts.translation == ADSE_TRANSLATION_LEGACY;
    sp->macs = model->macs;
    sp->latency = model->latency;
    sp->mac_energy_pj = (double)model->macs * a->arith.e_compute;
    for (int i = 0; i < L; i++) {
        sp->leak_pj += a->levels[i].e_leak;
        for (int d = 0; d < NDS; d++)
            sp->bw_scale[i][d] = model->bw_scale[i][d];
    }
    for (int d = 0; d < NDS; d++) {
        sp->halo[d] = model->proj[d].halo;
        sp->slide_dims[d] = model->proj[d].slide_dims;
        sp->sliding[d] = sp->slide_dims[d] != 0;
        sp->any_sliding |= sp->sliding[d];
        sp->relevant[d] = model->proj[d].relevant;
        sp->rel_closed[d] = sp->relevant[d] & ~sp->slide_dims[d];
        sp->rw[d] = model->proj[d].read_write;
        sp->opset[d] = operand_points(p, d);
    }
    for (int i = 0; i < L; i++) {
        const adse_buffer *b = &a->levels[i];
        double q =
            b->instances ? (double)(b->instances / b->cluster_size) / (double)b->instances : 0.0;
        if (q > 1) q = 1;
        sp->inst_share[i] = q;
        for (int d = 0; d < NDS; d++) {
            sp->unit_read_pj[i][d] =
                (sp->rw[d] ? b->e_update : b->e_read) * q / (double)b->block_size;
            sp->unit_fill_pj[i][d] = sp->rw[d] ? 0.0 : b->e_fill * q / (double)b->block_size;
        }
    }
    for (int u = 0; u < sp->NT; u++) {
        const mtl *l = &sp->tl[u];
        sp->may_spatial[u] = 0;
        for (int x = 0; l->spatial && x < sp->D; x++)
            if (p->bounds[x] > 1 && (l->eq[x] ? l->eq[x] > 1 : l->hi[x] > 1))
                sp->may_spatial[u] |= 1u << x;
    }
    /* A partly assigned temporal level's grown tiles can move the least keeper assignment
     * only where a sized level at or above it has a keep bit left free (search.c node_ok). */
    for (int u = 0; u < sp->NT; u++) {
        sp->grow_bound[u] = false;
        for (int i = sp->tl[u].storage; i < L; i++)
            for (int d = 0; d < NDS; d++)
                if (a->levels[i].size_specified && !((sp->keep_fixed[d] >> i) & 1u))
                    sp->grow_bound[u] = true;
    }
    /* Without a halo for the model's visit-sequence solver to slide and without link
     * transfers, Fill_k is the closed form of model.md 4.5a at every level, which a temporal
     * level's order changes only through the loops it places before each data space's first
     * relevant loop (docs/mapper.md 4.2, "settled orders"). */
    sp->order_sig = true;
    for (int d = 0; d < NDS; d++) {
        if (sp->sliding[d]) sp->order_sig = false;
        for (int u = 0; u < sp->NT; u++)
            if (sp->may_spatial[u] && adse__links_may(sp, u, d)) sp->order_sig = false;
    }
    const mtl *top_tl = &sp->tl[sp->NT - 1];
    sp->split_step = -1;
    if (L >= 2 && sp->NT >= 2 && sp->s_of[L - 1] < 0 && sp->t_of[L - 2] == sp->NT - 2 &&
        !top_tl->spatial && !top_tl->canonical && !top_tl->fixed_mask)
        sp->split_step = (sp->NT - 2) * sp->D;
    /* The outermost level's reads (updates) of d are at least its operand points when it
     * keeps d and has no fanout, link transfers or not (F5, docs/mapper.md section 5). */
    const adse_buffer *top = &a->levels[L - 1];
    uint64_t clusters = top->instances / top->cluster_size;
    for (int d = 0; d < NDS; d++) {
        bool ok = (sp->keep_value[d] >> (L - 1)) & 1u;
        if (adse_arch_fanout_x(a, L - 1) * (uint64_t)adse_arch_fanout_y(a, L - 1) > 1) ok = false;
        sp->dram_lb_valid[d] = ok;
        if (!ok || clusters == 0) continue;
        uint64_t n = (sp->opset[d] + top->block_size - 1) / top->block_size;
        sp->dram_energy[d] = (double)n * (sp->rw[d] ? top->e_update : top->e_read);
    }
    return ADSE_OK;
}

/* Timeloop's mapspace size (docs/mapper.md section 2.6). */
static adse_status init_size(mspace *sp, adse_err *err)
{
    int D = sp->D;
    int NT = sp->NT;
    /* Timeloop's mapspace size: factorizations x permutations x splits x bypass. */
    double size = 1;
    for (int x = 0; x < D; x++)
        size *= count_factorizations(sp, x);
    for (int t = 0; t < NT; t++) {
        const mtl *l = &sp->tl[t];
        if (!l->canonical) size *= factorial(D - l->n_prefix - l->n_suffix);
        if (l->spatial && !l->user_split) size *= D + 1;
    }
    size *= ldexp(1.0, free_keep_bits(sp));
    sp->size = size;
    return ADSE_OK;
}

adse_status adse__space_init(mspace *sp, const adse_model *model, const adse_constraints *c,
                             const adse_mapper_settings *set, adse_err *err)
{
    memset(sp, 0, sizeof *sp);
    sp->model = model;
    sp->arch = adse_model_arch(model);
    sp->prob = adse_model_problem(model);
    sp->L = sp->arch->n_levels;
    sp->D = sp->prob->n_dims;
    sp->NDS = sp->prob->n_ds;
    if (set)
        sp->set = *set;
    else
        adse_mapper_settings_init(&sp->set);

    adse_status st;
    if ((st = check_settings(sp, c, err)) || (st = init_tiling_levels(sp, err)) ||
        (st = apply_constraints(sp, c, err)) || (st = check_factors(sp, err)))
        return st;
    tighten_maxprod(sp);
    if ((st = init_keep(sp, c, err)) || (st = init_model_facts(sp, model, err)) ||
        (st = init_size(sp, err)))
        return st;
    return ADSE_OK;
}

void adse__space_release(mspace *sp)
{
    if (!sp) return;
    adse__refill_free(sp);
    for (int x = 0; x < ADSE_MAX_DIMS; x++) {
        free(sp->divs[x]);
        sp->divs[x] = NULL;
    }
}

/* ---------------------------------------------------------------------------------------
 * Effective orders
 * ------------------------------------------------------------------------------------- */

void adse__order_first(const mspace *sp, int t, uint32_t nonunit, morder *o)
{
    const mtl *l = &sp->tl[t];
    int D = sp->D;
    int n = 0;
    for (int k = 0; k < l->n_prefix; k++)
        if (nonunit & (1u << l->prefix[k])) o->dims[n++] = l->prefix[k];
    o->n_pre = n;
    for (int x = 0; x < D; x++)
        if ((nonunit & (1u << x)) && !(l->fixed_mask & (1u << x))) o->dims[n++] = (uint8_t)x;
    o->n_inf = n - o->n_pre;
    for (int k = 0; k < l->n_suffix; k++)
        if (nonunit & (1u << l->suffix[k])) o->dims[n++] = l->suffix[k];
    o->n = n;
    o->cut_lo = 0;
    o->cut_hi = n;
    if (l->spatial && l->user_split) {
        int s = l->split, p = l->n_prefix, q = l->n_suffix;
        if (l->canonical) {
            /* Canonical (id) order: X holds the dims with id < split. */
            int c = 0;
            for (int x = 0; x < s && x < D; x++)
                if (nonunit & (1u << x)) c++;
            o->cut_lo = o->cut_hi = c;
        } else if (s <= p) {
            int c = 0;
            for (int k = 0; k < s; k++)
                if (nonunit & (1u << l->prefix[k])) c++;
            o->cut_lo = o->cut_hi = c;
        } else if (s >= D - q) {
            int c = o->n_pre + o->n_inf;
            for (int k = 0; k < s - (D - q); k++)
                if (nonunit & (1u << l->suffix[k])) c++;
            o->cut_lo = o->cut_hi = c;
        } else {
            int width = s - p;                  /* infix positions in X */
            int units = (D - p - q) - o->n_inf; /* unit dims of the infix */
            int klo = width - units > 0 ? width - units : 0;
            int khi = o->n_inf < width ? o->n_inf : width;
            o->cut_lo = o->n_pre + klo;
            o->cut_hi = o->n_pre + khi;
        }
    }
    o->cut = o->cut_lo;
}

/* Does some realizable X/Y assignment of tiling level t fit the fanout? */
bool adse__spatial_fits(const mspace *sp, int t, const uint64_t *f)
{
    const mtl *l = &sp->tl[t];
    uint32_t nonunit = 0;
    for (int x = 0; x < sp->D; x++)
        if (f[x] > 1) nonunit |= 1u << x;
    morder o;
    adse__order_first(sp, t, nonunit, &o);
    uint64_t total = 1;
    for (int k = 0; k < o.n; k++)
        total *= f[o.dims[k]];
    for (int c = o.cut_lo; c <= o.cut_hi; c++) {
        if (c >= o.n_pre && c <= o.n_pre + o.n_inf && !l->canonical) {
            /* X = P' + any (c - n_pre)-subset of I' + nothing of S'. */
            int need = c - o.n_pre;
            uint64_t px = 1;
            for (int k = 0; k < o.n_pre; k++)
                px *= f[o.dims[k]];
            int ni = o.n_inf;
            for (uint32_t sub = 0; sub < (1u << ni); sub++) {
                if (__builtin_popcount(sub) != need) continue;
                uint64_t x = px;
                for (int k = 0; k < ni; k++)
                    if (sub & (1u << k)) x *= f[o.dims[o.n_pre + k]];
                if (x <= l->fx && total / x <= l->fy) return true;
            }
        } else {
            uint64_t x = 1;
            for (int k = 0; k < c; k++)
                x *= f[o.dims[k]];
            if (x <= l->fx && total / x <= l->fy) return true;
        }
    }
    return false;
}

bool adse__order_next_perm(morder *o)
{
    uint8_t *a = o->dims + o->n_pre;
    int n = o->n_inf;
    if (n < 2) return false;
    int i = n - 2;
    while (i >= 0 && a[i] >= a[i + 1])
        i--;
    if (i < 0) {
        /* Wrap to the first (ascending) permutation. */
        for (int lo = 0, hi = n - 1; lo < hi; lo++, hi--) {
            uint8_t tmp = a[lo];
            a[lo] = a[hi];
            a[hi] = tmp;
        }
        return false;
    }
    int j = n - 1;
    while (a[j] <= a[i])
        j--;
    uint8_t tmp = a[i];
    a[i] = a[j];
    a[j] = tmp;
    for (int lo = i + 1, hi = n - 1; lo < hi; lo++, hi--) {
        tmp = a[lo];
        a[lo] = a[hi];
        a[hi] = tmp;
    }
    return true;
}

void adse__order_apply(const mspace *sp, int t, const morder *o, adse_mapping *m)
{
    const mtl *l = &sp->tl[t];
    int D = sp->D, i = l->storage;
    uint8_t perm[ADSE_MAX_DIMS];
    int n = 0;
    uint32_t nonunit = 0;
    for (int k = 0; k < o->n; k++)
        nonunit |= 1u << o->dims[k];
    if (l->spatial && l->canonical) {
        /* Dimension-id order; the split selects the X dims by id. */
        for (int x = 0; x < D; x++)
            perm[x] = (uint8_t)x;
        int split = D;
        if (l->user_split) {
            split = l->split;
        } else {
            int c = 0;
            split = 0;
            for (int x = 0; x < D && c < o->cut; x++) {
                split = x + 1;
                if (nonunit & (1u << x)) c++;
            }
        }
        memcpy(m->spatial_perm[i], perm, (size_t)D);
        m->split[i] = (uint8_t)split;
        return;
    }
    /* Prefix (all its dims), the infix, the suffix (all its dims). */
    for (int k = 0; k < l->n_prefix; k++)
        perm[n++] = l->prefix[k];
    const uint8_t *inf = o->dims + o->n_pre;
    uint8_t units[ADSE_MAX_DIMS];
    int nu = 0;
    for (int x = 0; x < D; x++)
        if (!(nonunit & (1u << x)) && !(l->fixed_mask & (1u << x))) units[nu++] = (uint8_t)x;
    int split = -1;
    if (l->spatial && l->user_split && l->split > l->n_prefix && l->split < D - l->n_suffix) {
        /* Place unit dims so that exactly cut - n_pre infix non-unit dims precede split. */
        int kx = o->cut - o->n_pre;
        int u1 = (l->split - l->n_prefix) - kx;
        for (int k = 0; k < kx; k++)
            perm[n++] = inf[k];
        for (int k = 0; k < u1; k++)
            perm[n++] = units[k];
        for (int k = kx; k < o->n_inf; k++)
            perm[n++] = inf[k];
        for (int k = u1; k < nu; k++)
            perm[n++] = units[k];
        split = l->split;
    } else {
        for (int k = 0; k < o->n_inf; k++)
            perm[n++] = inf[k];
        for (int k = 0; k < nu; k++)
            perm[n++] = units[k];
    }
    for (int k = 0; k < l->n_suffix; k++)
        perm[n++] = l->suffix[k];
    if (!l->spatial) {
        memcpy(m->temporal_perm[i], perm, (size_t)D);
        return;
    }
    memcpy(m->spatial_perm[i], perm, (size_t)D);
    if (split < 0) {
        if (l->user_split) {
            split = l->split;
        } else {
            /* Right after the cut-th non-unit loop. */
            int c = 0;
            split = 0;
            for (int k = 0; k < D && c < o->cut; k++) {
                split = k + 1;
                if (nonunit & (1u << perm[k])) c++;
            }
        }
    }
    m->split[i] = (uint8_t)split;
}

/* Lower bound of compute cycles once tiling levels 0..t are complete (later levels may be
 * partly assigned): the spatial product is at most the complete levels' products times, per
 * incomplete level, its maxprod, or where none of its factors is assigned yet its room
 * (adse__spatial_room: its factors divide what remains of the bounds; two or more such
 * levels together, adse__spatial_room_joint, since their factors share it); at most the assigned
 * spatial factors times what the unassigned spatial steps can still take; and at most
 * spatial_max. A step (u, x) of a level u > t with factor 1 so far may be unassigned and
 * take at most the level's largest allowed factor of x; those of one dimension x multiply
 * to a divisor of what remains of its bound, at most their product (the largest such
 * divisor). */
uint64_t adse__cc_lower(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], const uint64_t *rem,
                        int t, adse_spcache *cache)
{
    uint64_t done = 1, cap = 1, cap_free = 1, assigned = 1, remp = 1;
    uint32_t free_levels = 0; /* the levels after t with no factor assigned yet */
    uint64_t room[ADSE_MAX_DIMS];
    for (int x = 0; x < sp->D; x++)
        room[x] = 1;
    for (int u = 0; u < sp->NT; u++) {
        const mtl *l = &sp->tl[u];
        if (!l->spatial) continue;
        uint64_t p = 1;
        for (int x = 0; x < sp->D; x++) {
            p *= f[u][x];
            if (u <= t || f[u][x] > 1) continue; /* assigned */
            uint64_t h = l->eq[x] ? l->eq[x] : l->hi[x] < l->maxprod ? l->hi[x] : l->maxprod;
            if (h < 1) h = 1;
            room[x] = room[x] > UINT64_MAX / h ? UINT64_MAX : room[x] * h;
        }
        assigned *= p;
        if (u <= t) {
            done *= p;
        } else if (p == 1) {
            free_levels |= 1u << u;
            cap_free = adse__mul_sat(cap_free, adse__spatial_room(sp, cache, u, rem));
        } else {
            cap = adse__mul_sat(cap, l->maxprod);
        }
    }
    if (free_levels & (free_levels - 1)) { /* two or more: their factors share rem */
        uint64_t j = adse__spatial_room_joint(sp, cache, free_levels, rem);
        if (j > 0 && j < cap_free) cap_free = j;
    }
    cap = adse__mul_sat(cap, cap_free);
    for (int x = 0; x < sp->D; x++) {
        uint64_t r = rem[x];
        if (room[x] < r) { /* the largest divisor of rem[x] up to room[x] */
            r = 1;
            for (int k = 0; k < sp->n_divs[x]; k++) /* descending */
                if (sp->divs[x][k] <= room[x] && rem[x] % sp->divs[x][k] == 0) {
                    r = sp->divs[x][k];
                    break;
                }
        }
        remp = remp > UINT64_MAX / r ? UINT64_MAX : remp * r;
    }
    uint64_t a = done > UINT64_MAX / cap ? UINT64_MAX : done * cap;
    uint64_t b = assigned > UINT64_MAX / remp ? UINT64_MAX : assigned * remp;
    uint64_t maxsp = a < b ? a : b;
    if (maxsp > sp->spatial_max) maxsp = sp->spatial_max; /* all levels together */
    return sp->macs / maxsp + (sp->macs % maxsp != 0);
}

/* Effective order of level t in mapping m: its non-unit loops, innermost first. */
static int effective_order(const mspace *sp, int t, const adse_mapping *m, uint8_t *dims, int *cut)
{
    const mtl *l = &sp->tl[t];
    const uint64_t *f = adse__tl_factors(sp, m, t);
    const uint8_t *pm = adse__tl_perm(sp, m, t);
    int n = 0;
    *cut = 0;
    for (int k = 0; k < sp->D; k++) {
        int x = pm[k];
        if (f[x] <= 1) continue;
        dims[n++] = (uint8_t)x;
        if (l->spatial && k < m->split[l->storage]) (*cut)++;
    }
    return n;
}

void adse__canonical_orders(const mspace *sp, adse_mapping *m)
{
    if (m->n_levels != sp->L || m->n_dims != sp->D) return; /* adse__space_contains refuses it */
    for (int t = 0; t < sp->NT; t++) {
        if (!sp->tl[t].canonical) continue;
        uint8_t dims[ADSE_MAX_DIMS];
        int cut;
        int n = effective_order(sp, t, m, dims, &cut);
        uint32_t nonunit = 0;
        for (int k = 0; k < n; k++)
            nonunit |= 1u << dims[k];
        morder o;
        adse__order_first(sp, t, nonunit, &o);
        if (o.n != n) continue; /* factors outside the level's domains: not in the space */
        o.cut = cut;
        adse__order_apply(sp, t, &o, m);
    }
}

bool adse__space_contains(const mspace *sp, const adse_mapping *m, morder *ords)
{
    int L = sp->L, D = sp->D;
    if (m->n_levels != L || m->n_dims != D || m->n_ds != sp->NDS) return false;
    for (int i = 0; i < L; i++)
        for (int x = 0; x < D; x++)
            if ((sp->s_of[i] < 0 && m->spatial[i][x] != 1) || m->temporal[i][x] < 1 ||
                m->spatial[i][x] < 1)
                return false;
    double util = 1.0;
    int tloops = 0;
    for (int t = 0; t < sp->NT; t++) {
        const mtl *l = &sp->tl[t];
        int i = l->storage;
        for (int x = 0; x < D && !l->spatial; x++)
            tloops += m->temporal[i][x] > 1;
        if (sp->set.max_temporal_loops && tloops > sp->set.max_temporal_loops) return false;
        uint32_t nonunit = 0;
        uint64_t prod = 1;
        const uint64_t *f = adse__tl_factors(sp, m, t);
        for (int x = 0; x < D; x++) {
            uint64_t v = f[x];
            if (l->eq[x] ? v != l->eq[x] : (v < l->lo[x] || v > l->hi[x])) return false;
            if (v > 1) nonunit |= 1u << x;
            prod *= v;
        }
        morder *o = &ords[t];
        adse__order_first(sp, t, nonunit, o);
        uint8_t dims[ADSE_MAX_DIMS];
        int cut;
        if (effective_order(sp, t, m, dims, &cut) != o->n) return false;
        /* The fixed prefix and suffix in place (a canonical level: the whole order). */
        int fixed_hi = l->canonical ? o->n : o->n_pre;
        for (int k = 0; k < o->n; k++)
            if ((k < fixed_hi || k >= o->n_pre + o->n_inf) && dims[k] != o->dims[k]) return false;
        memcpy(o->dims, dims, (size_t)o->n);
        if (l->spatial) {
            if (prod > l->cap || cut < o->cut_lo || cut > o->cut_hi) return false;
            uint64_t px = 1, py = 1;
            for (int k = 0; k < o->n; k++)
                *(k < cut ? &px : &py) *= m->spatial[i][o->dims[k]];
            if (px > l->fx || py > l->fy) return false;
            o->cut = cut;
            util *= (double)prod / (double)l->cap;
        }
    }
    if (sp->min_parallelism > 0 && util < sp->min_parallelism) return false;
    for (int d = 0; d < sp->NDS; d++)
        if ((m->keep[d] & sp->keep_fixed[d]) != sp->keep_value[d]) return false;
    return true;
}

/* docs/mapper.md 4.2, "boundary shifts". Let s be the storage level below temporal tiling
 * level u's. When y's factor at s's temporal level is 1 and no spatial factor above 1 lies
 * between the two levels, moving y down to the outermost loop of s's temporal level leaves
 * the sequence of loops above every tile the same; when every data space s keeps is also
 * halo-free and irrelevant to y (*keepable: those data spaces), s's kept tiles stay the same
 * too, and every count is the same. That mapping is in the space (its factors within the
 * domains, its orders allowed: sp->shift_to), keeps the same data spaces in tiles of the
 * same sizes, and comes first in the enumeration order: the factorizations agree below s's
 * temporal level and at its dimensions before y, and y's factor there is larger (factors
 * are tried in descending order). False when the move itself is not possible. */
static bool shift_move(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int u, int y,
                       uint32_t *keepable)
{
    int s = sp->tl[u].storage - 1;
    if (sp->tl[u].spatial || s < 0 || !sp->shift_to[s]) return false;
    int t = sp->t_of[s], v = sp->s_of[s + 1];
    uint64_t n = f[u][y];
    const mtl *lt = &sp->tl[t], *lu = &sp->tl[u];
    if (n == 1 || f[t][y] != 1 || lt->eq[y] || n > lt->hi[y] || lu->eq[y] || lu->lo[y] > 1)
        return false;
    if (v >= 0)
        for (int x = 0; x < sp->D; x++)
            if (f[v][x] > 1) return false;
    *keepable = 0;
    for (int d = 0; d < sp->NDS; d++)
        if (!sp->halo[d] && !((sp->relevant[d] >> y) & 1u)) *keepable |= 1u << d;
    return true;
}

bool adse__shift_tie(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], const uint32_t *keep,
                     int u, int y)
{
    uint32_t ok;
    if (!shift_move(sp, f, u, y, &ok)) return false;
    int s = sp->tl[u].storage - 1;
    for (int d = 0; d < sp->NDS; d++)
        if (((keep[d] >> s) & 1u) && !((ok >> d) & 1u)) return false;
    return true;
}

bool adse__shift_dead(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int s,
                      uint32_t *keepable)
{
    if (s + 1 >= sp->L) return false;
    int u = sp->t_of[s + 1];
    uint32_t nonunit = 0;
    for (int x = 0; x < sp->D; x++)
        if (f[u][x] > 1) nonunit |= 1u << x;
    morder o;
    adse__order_first(sp, u, nonunit, &o);
    if (o.n == 0) return false;
    /* the loops that can be innermost: the prefix's first, else any of the free infix, else
     * the suffix's first */
    int n = o.n_pre > 0 || o.n_inf == 0 ? 1 : o.n_inf;
    *keepable = (1u << sp->NDS) - 1u;
    for (int k = 0; k < n; k++) {
        uint32_t ok;
        if (!shift_move(sp, f, u, o.dims[k], &ok)) return false;
        *keepable &= ok;
    }
    return true;
}
