/*
 * search.c: adse_mapper_run(), a deterministic parallel branch and bound (spec 9).
 *
 * Enumeration order (it defines the index that breaks exact ties, docs/mapper.md 4.1):
 * factorizations depth first, tiling levels innermost first, dimensions in id order within
 * a level, factors descending; per factorization its keep/bypass choices (per level the
 * kept subsets that fit, larger first, level 0 varying fastest), in chunks sorted by lower
 * bound; per keep choice the effective loop orders and cuts, outermost tiling level
 * slowest, permutations in lexicographic order of their free part.
 *
 * Work split. The factorization tree is cut at a fixed depth into items (prefixes), in
 * enumeration order; the cut depth depends only on the mapspace. Items are processed in
 * rounds of fixed sizes; within a round every item prunes against the incumbent frozen at
 * the start of the round plus what it found itself, so an item's work and result do not
 * depend on which thread ran it or when. After a round the items' bests are reduced in item
 * order (a later item replaces the incumbent only if strictly better). The result is the
 * lowest-index mapping among those with the best metric vector, for any thread count.
 *
 * Pruning (each keeps every mapping that could beat the incumbent; docs/mapper.md 4.2):
 * factors that cannot complete a factorization; tiles over capacity with only the data
 * spaces a level must keep (tiles only grow with outer factors); spatial factors no X/Y
 * split can fit in the fanout; minimum parallelism and utilization; lower bounds (bound.c)
 * of partial factorizations, of (factorization, keep) pairs and, during the order search,
 * with the exact fills that the orders fixed so far determine. Unit loops are dropped by
 * the model, so only distinct loop nests are evaluated.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "adse/util.h"
#include "mapper/mapper_internal.h"

#define ITEM_TARGET 512 /* aim for at least this many work items */
#define ITEM_MAX 16384  /* never more */
#define ROUND_MAX 32    /* items per round once the incumbent is established */
#define CHECK_EVERY 128 /* evaluations/nodes between clock checks */
#define KEEP_CHUNK 4096 /* keep choices sorted together */

typedef struct mbest {
    bool found;
    mvals val;
    adse_mapping map;
} mbest;

typedef struct mitem {
    int depth;    /* steps (tiling level * D + dim) assigned */
    uint32_t off; /* its factors: item_f[off .. off + depth) */
    mvals lb;     /* lower bound of its subtree */
    bool done;    /* searched completely (or pruned) */
} mitem;

typedef struct msearch msearch;

/* One keep/bypass choice of a factorization with its lower bound. */
typedef struct mkeep {
    uint32_t keep[ADSE_MAX_DATASPACES];
    mvals lb;
    int ord; /* generation order */
} mkeep;

typedef struct mthread {
    msearch *S;
    adse_scratch *scratch;
    adse_result *res;
    adse_mapping map;
    uint64_t f[MAP_MAX_TL][ADSE_MAX_DIMS];
    uint64_t rem[ADSE_MAX_DIMS];
    mifinfo info;
    morder ord[MAP_MAX_TL];
    uint64_t fill_ex[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES]; /* exact fills (orders_dfs) */
    mkeep *keeps; /* keep choices of the current factorization [KEEP_CHUNK] */
    /* Current item. */
    const mbest *frozen;
    mbest *best; /* the item's best, strictly better than frozen */
    uint64_t evaluated, valid;
    uint32_t tick;
    bool abort;
    /* Item generation mode: collect nodes at this depth. */
    int collect_depth;
    uint64_t collected;
    bool counting;
} mthread;

struct msearch {
    mspace sp;
    int nthreads;
    double deadline; /* monotonic seconds, 0 = none */
    atomic_int stop;

    mitem *items;
    uint32_t n_items;
    uint16_t *item_f; /* divisor indices of the items' prefixes */
    size_t item_f_len, item_f_cap;
    bool gen_oom;

    /* Round state. */
    pthread_mutex_t mu;
    pthread_cond_t cv_start, cv_done;
    int round_id;
    bool quit;
    uint32_t r_begin, r_end;
    atomic_uint r_next;
    uint32_t r_done;
    int r_active; /* workers inside a round */
    mbest frozen;
    mbest *r_best;              /* per item of the round */
    uint64_t *r_eval, *r_valid; /* per item of the round */
    mthread *th;
};

/* ---------------------------------------------------------------------------------------
 * Metric comparison
 * ------------------------------------------------------------------------------------- */

static bool lex_less(const mspace *sp, const mvals *a, const mvals *b)
{
    for (int k = 0; k < sp->set.n_metrics; k++) {
        if (a->v[k] < b->v[k]) return true;
        if (a->v[k] > b->v[k]) return false;
    }
    return false;
}

/* The incumbent a subtree must beat: the item's own best, else the frozen one. */
static const mvals *incumbent(const mthread *th)
{
    if (th->best->found) return &th->best->val;
    if (th->frozen->found) return &th->frozen->val;
    return NULL;
}

/* A subtree whose lower bound is not lexicographically below the incumbent holds no
 * better mapping: equal values lose the tie to the earlier incumbent. */
static bool prunable(const mthread *th, const mvals *lb)
{
    const mvals *inc = incumbent(th);
    return inc && !lex_less(&th->S->sp, lb, inc);
}

static void check_clock(mthread *th)
{
    msearch *S = th->S;
    if (th->collect_depth >= 0) return; /* item generation is never cut short */
    if (atomic_load_explicit(&S->stop, memory_order_relaxed)) {
        th->abort = true;
        return;
    }
    if (++th->tick % CHECK_EVERY) return;
    if (S->deadline > 0 && adse_clock_s() > S->deadline) {
        atomic_store(&S->stop, 1);
        th->abort = true;
    }
}

/* ---------------------------------------------------------------------------------------
 * Checks on partial factorizations
 * ------------------------------------------------------------------------------------- */

/* Does some realizable X/Y assignment of tiling level t fit the fanout? */
static bool spatial_fits(const mspace *sp, int t, const uint64_t *f)
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

/* Capacity with the data spaces level i must keep, at extents that only grow. */
static bool fits_forced(const mspace *sp, const uint64_t *ext, int from_level)
{
    uint64_t tsz[ADSE_MAX_DATASPACES];
    bool have = false;
    for (int i = from_level; i < sp->L; i++) {
        const adse_buffer *b = &sp->arch->levels[i];
        if (!b->size_specified) continue;
        if (!have) {
            for (int d = 0; d < sp->NDS; d++)
                tsz[d] = adse_problem_tile_size(sp->prob, d, ext);
            have = true;
        }
        uint64_t sum = 0;
        for (int d = 0; d < sp->NDS; d++)
            if ((sp->keep_fixed[d] & sp->keep_value[d]) & (1u << i)) sum += tsz[d];
        if (sum > b->effective_size) return false;
    }
    return true;
}

/* Lower bound of compute cycles once tiling levels 0..t are complete (later levels may be
 * partly assigned): the spatial product is at most the complete levels' products times the
 * incomplete levels' fanouts, and at most the assigned spatial factors times what remains. */
static uint64_t cc_lower(const mthread *th, int t)
{
    const mspace *sp = &th->S->sp;
    uint64_t done = 1, cap = 1, assigned = 1, remp = 1;
    for (int u = 0; u < sp->NT; u++) {
        if (!sp->tl[u].spatial) continue;
        uint64_t p = 1;
        for (int x = 0; x < sp->D; x++)
            p *= th->f[u][x];
        assigned *= p;
        if (u <= t)
            done *= p;
        else
            cap = cap > UINT64_MAX / sp->tl[u].cap ? UINT64_MAX : cap * sp->tl[u].cap;
    }
    for (int x = 0; x < sp->D; x++)
        remp = remp > UINT64_MAX / th->rem[x] ? UINT64_MAX : remp * th->rem[x];
    uint64_t a = done > UINT64_MAX / cap ? UINT64_MAX : done * cap;
    uint64_t b = assigned > UINT64_MAX / remp ? UINT64_MAX : assigned * remp;
    uint64_t maxsp = a < b ? a : b;
    return sp->macs / maxsp + (sp->macs % maxsp != 0);
}

static void node_lb(const mthread *th, int t, mvals *out)
{
    mlb lb;
    adse__bound_partial(&th->S->sp, (const uint64_t(*)[ADSE_MAX_DIMS])th->f, t,
                        (double)cc_lower(th, t), &lb);
    adse__metrics_lb(&th->S->sp, &lb, out);
}

/* Timeloop's cumulative fanout utilization over the spatial tiling levels 0..t. */
static double parallelism(const mthread *th, int t)
{
    const mspace *sp = &th->S->sp;
    double u = 1.0;
    for (int v = 0; v <= t; v++) {
        if (!sp->tl[v].spatial) continue;
        uint64_t p = 1;
        for (int x = 0; x < sp->D; x++)
            p *= th->f[v][x];
        u *= (double)p / (double)sp->tl[v].cap;
    }
    return u;
}

/* Checks after step (t, x) was assigned; false prunes the subtree. */
static bool node_ok(mthread *th, int t, int x, bool with_bound)
{
    const mspace *sp = &th->S->sp;
    const mtl *l = &sp->tl[t];
    if (th->f[t][x] > 1) {
        uint64_t ext[ADSE_MAX_DIMS];
        for (int y = 0; y < sp->D; y++)
            ext[y] = sp->prob->bounds[y] / th->rem[y];
        if (!fits_forced(sp, ext, l->storage)) return false;
    }
    if (x < sp->D - 1) return true;
    /* Tiling level t complete. */
    if (l->spatial) {
        if (!spatial_fits(sp, t, th->f[t])) return false;
        if (sp->min_parallelism > 0 && parallelism(th, t) < sp->min_parallelism) return false;
    } else {
        /* Level l->storage's tile is final: the data spaces it may keep must reach its
         * minimum utilization. */
        const adse_buffer *b = &sp->arch->levels[l->storage];
        if (b->size_specified && b->min_utilization > 0) {
            uint64_t ext[ADSE_MAX_DIMS], sum = 0;
            for (int y = 0; y < sp->D; y++)
                ext[y] = sp->prob->bounds[y] / th->rem[y];
            for (int d = 0; d < sp->NDS; d++) {
                bool may = !(sp->keep_fixed[d] & (1u << l->storage)) ||
                           (sp->keep_value[d] & (1u << l->storage));
                if (may) sum += adse_problem_tile_size(sp->prob, d, ext);
            }
            if ((double)sum < (double)b->effective_size * b->min_utilization) return false;
        }
    }
    if (with_bound) {
        mvals lb;
        node_lb(th, t, &lb);
        if (prunable(th, &lb)) return false;
    }
    return true;
}

/* ---------------------------------------------------------------------------------------
 * Complete factorizations: keep choices, orders, evaluation
 * ------------------------------------------------------------------------------------- */

static bool cut_fits(const mtl *l, const morder *o, const uint64_t *f)
{
    uint64_t x = 1, y = 1;
    for (int k = 0; k < o->n; k++) {
        if (k < o->cut)
            x *= f[o->dims[k]];
        else
            y *= f[o->dims[k]];
    }
    return x <= l->fx && y <= l->fy;
}

/* Moves tiling level t's order to the next valid state; false when it wrapped around to
 * its first valid state. */
static bool order_advance(mthread *th, int t)
{
    const mspace *sp = &th->S->sp;
    const mtl *l = &sp->tl[t];
    morder *o = &th->ord[t];
    if (!l->spatial) return !l->canonical && adse__order_next_perm(o);
    while (o->cut < o->cut_hi) {
        o->cut++;
        if (cut_fits(l, o, th->f[t])) return true;
    }
    bool wrapped = false;
    for (;;) {
        if (l->canonical || !adse__order_next_perm(o)) wrapped = true;
        for (o->cut = o->cut_lo; o->cut <= o->cut_hi; o->cut++)
            if (cut_fits(l, o, th->f[t])) return !wrapped;
        /* order_reset() found a valid state, so the scan ends after a wrap. */
    }
}

/* First valid state of tiling level t; false if none exists. */
static bool order_reset(mthread *th, int t)
{
    const mspace *sp = &th->S->sp;
    const mtl *l = &sp->tl[t];
    uint32_t nonunit = 0;
    for (int x = 0; x < sp->D; x++)
        if (th->f[t][x] > 1) nonunit |= 1u << x;
    morder *o = &th->ord[t];
    adse__order_first(sp, t, nonunit, o);
    if (!l->spatial) return true;
    for (;;) {
        for (o->cut = o->cut_lo; o->cut <= o->cut_hi; o->cut++)
            if (cut_fits(l, o, th->f[t])) return true;
        o->cut = o->cut_lo;
        if (l->canonical || !adse__order_next_perm(o)) return false;
    }
}

static void evaluate(mthread *th)
{
    msearch *S = th->S;
    const mspace *sp = &S->sp;
    adse_status st = adse_model_evaluate(sp->model, &th->map, th->scratch, th->res, NULL);
    th->evaluated++;
    check_clock(th);
    if (st != ADSE_OK) return;
    th->valid++;
    mvals v;
    adse__metrics_of(sp, th->res, &v);
    const mvals *inc = incumbent(th);
    if (inc && !lex_less(sp, &v, inc)) return;
    th->best->found = true;
    th->best->val = v;
    th->best->map = th->map;
}

/* Orders of tiling levels t, t-1, ..., 0 (outermost first, so level 0 varies fastest).
 * Fixing temporal tiling level T(k+1) fixes every temporal order above level k, hence the
 * model's Fill_k: the bound is refined with it before the inner levels are enumerated. */
static void orders_dfs(mthread *th, int t)
{
    const mspace *sp = &th->S->sp;
    if (t < 0) {
        evaluate(th);
        return;
    }
    const mtl *l = &sp->tl[t];
    int k = -1; /* level whose fill becomes exact at t */
    if (!l->spatial && l->storage > 0) k = l->storage - 1;
    if (!order_reset(th, t)) return;
    do {
        adse__order_apply(sp, t, &th->ord[t], &th->map);
        if (k >= 0) {
            for (int d = 0; d < sp->NDS; d++)
                if ((th->map.keep[d] >> k) & 1u)
                    th->fill_ex[k][d] =
                        adse__fill_exact(sp, th->scratch, (const uint64_t(*)[ADSE_MAX_DIMS])th->f,
                                         th->ord, &th->info, k, d);
            mlb lb;
            mvals lv;
            adse__bound_if_keep(sp, &th->info, th->map.keep,
                                (const uint64_t(*)[ADSE_MAX_DATASPACES])th->fill_ex, k, &lb);
            adse__metrics_lb(sp, &lb, &lv);
            if (prunable(th, &lv)) continue;
        }
        orders_dfs(th, t - 1);
        if (th->abort) return;
    } while (order_advance(th, t));
}

/* Lexicographic on the bound (unused metric slots are 0), then generation order. */
static int keep_cmp(const void *pa, const void *pb)
{
    const mkeep *a = pa, *b = pb;
    for (int k = 0; k < ADSE_MAX_METRICS; k++) {
        if (a->lb.v[k] < b->lb.v[k]) return -1;
        if (a->lb.v[k] > b->lb.v[k]) return 1;
    }
    return (a->ord > b->ord) - (a->ord < b->ord);
}

static void process_if(mthread *th)
{
    msearch *S = th->S;
    const mspace *sp = &S->sp;
    int L = sp->L, NDS = sp->NDS;
    if (sp->min_parallelism > 0 && parallelism(th, sp->NT - 1) < sp->min_parallelism) return;
    mifinfo *info = &th->info;
    adse__if_info(sp, (const uint64_t(*)[ADSE_MAX_DIMS])th->f, info);

    /* Factors into the mapping. */
    adse_mapping *m = &th->map;
    for (int i = 0; i < L; i++) {
        for (int x = 0; x < sp->D; x++) {
            m->temporal[i][x] = th->f[sp->t_of[i]][x];
            m->spatial[i][x] = sp->s_of[i] >= 0 ? th->f[sp->s_of[i]][x] : 1;
        }
    }

    /* Per level, the kept subsets that fit (larger subsets first). */
    uint8_t subs[ADSE_MAX_LEVELS][1u << ADSE_MAX_DATASPACES];
    int nsub[ADSE_MAX_LEVELS];
    uint32_t full = (1u << NDS) - 1u;
    for (int i = 0; i < L; i++) {
        const adse_buffer *b = &sp->arch->levels[i];
        nsub[i] = 0;
        for (int k = 0; k <= (int)full; k++) {
            uint32_t s = full - (uint32_t)k; /* descending masks: keep-all first */
            uint64_t sum = 0;
            bool ok = true;
            for (int d = 0; d < NDS && ok; d++) {
                bool kd = (s >> d) & 1u;
                if ((sp->keep_fixed[d] >> i) & 1u) ok = kd == (bool)((sp->keep_value[d] >> i) & 1u);
                if (kd) sum += info->tsize[i][d];
            }
            if (!ok) continue;
            if (b->size_specified) {
                if (sum > b->effective_size) continue;
                if ((double)sum < (double)b->effective_size * b->min_utilization) continue;
            }
            subs[i][nsub[i]++] = (uint8_t)s;
        }
        if (nsub[i] == 0) return;
    }
    /* The keep choices that fit, with their bounds, in chunks of KEEP_CHUNK in generation
     * order; within a chunk best bound first (ties in generation order), so the first
     * choice that cannot beat the incumbent ends the chunk. */
    int idx[ADSE_MAX_LEVELS] = {0};
    bool more = true;
    while (more) {
        int n = 0;
        while (more && n < KEEP_CHUNK) {
            uint32_t keep[ADSE_MAX_DATASPACES];
            bool ok = true;
            for (int d = 0; d < NDS; d++) {
                keep[d] = 0;
                for (int i = 0; i < L; i++)
                    if ((subs[i][idx[i]] >> d) & 1u) keep[d] |= 1u << i;
                if (!keep[d]) ok = false;
            }
            if (ok) {
                mkeep *kc = &th->keeps[n];
                memcpy(kc->keep, keep, sizeof keep);
                mlb lb;
                adse__bound_if_keep(sp, info, keep, NULL, L, &lb);
                adse__metrics_lb(sp, &lb, &kc->lb);
                kc->ord = n;
                n++;
            }
            int i = 0;
            while (i < L && ++idx[i] == nsub[i])
                idx[i++] = 0;
            more = i < L;
        }
        qsort(th->keeps, (size_t)n, sizeof *th->keeps, keep_cmp);
        for (int a = 0; a < n; a++) {
            if (prunable(th, &th->keeps[a].lb)) break;
            for (int d = 0; d < NDS; d++)
                m->keep[d] = th->keeps[a].keep[d];
            orders_dfs(th, sp->NT - 1);
            if (th->abort) return;
        }
    }
}

/* ---------------------------------------------------------------------------------------
 * Depth-first enumeration of factorizations
 * ------------------------------------------------------------------------------------- */

static void collect(mthread *th, int depth);

static void dfs(mthread *th, int step)
{
    msearch *S = th->S;
    const mspace *sp = &S->sp;
    int D = sp->D, NT = sp->NT;
    if (th->collect_depth >= 0 && step == th->collect_depth) {
        collect(th, step);
        return;
    }
    if (step == NT * D) {
        process_if(th);
        return;
    }
    check_clock(th);
    if (th->abort) return;
    int t = step / D, x = step % D;
    const mtl *l = &sp->tl[t];
    uint64_t r = th->rem[x];
    uint64_t prod = 1; /* spatial: product of this level's factors so far */
    if (l->spatial)
        for (int y = 0; y < x; y++)
            prod *= th->f[t][y];
    bool with_bound = th->collect_depth < 0;
    const uint64_t *dv = sp->divs[x];
    int nd = sp->n_divs[x];
    for (int k = 0; k < nd; k++) {
        uint64_t v = dv[k];
        if (v > r || r % v) continue;
        if (t == NT - 1 && v != r) continue;
        if (l->eq[x] ? v != l->eq[x] : (v < l->lo[x] || v > l->hi[x])) continue;
        if (l->spatial && v > l->cap / prod) continue;
        uint64_t r2 = r / v;
        if (t < NT - 1) {
            uint64_t fa = sp->fix_above[t][x];
            if (r2 % fa) continue;
            uint64_t q = r2 / fa;
            if (q < sp->min_above[t][x] || q > sp->max_above[t][x]) continue;
        }
        th->f[t][x] = v;
        th->rem[x] = r2;
        if (node_ok(th, t, x, with_bound)) dfs(th, step + 1);
        th->rem[x] = r;
        th->f[t][x] = 1;
        if (th->abort) return;
    }
}

/* Item generation: store (or count) the node reached at depth. */
static void collect(mthread *th, int depth)
{
    msearch *S = th->S;
    const mspace *sp = &S->sp;
    th->collected++;
    if (th->counting) {
        if (th->collected > ITEM_MAX) th->abort = true; /* enough: this depth is too deep */
        return;
    }
    if (S->gen_oom) return;
    if (S->n_items == ITEM_MAX) {
        S->gen_oom = true; /* cannot happen: the depth was chosen for at most ITEM_MAX */
        return;
    }
    if (S->item_f_len + (size_t)depth > S->item_f_cap) {
        size_t cap = S->item_f_cap ? S->item_f_cap * 2 : 4096;
        while (cap < S->item_f_len + (size_t)depth)
            cap *= 2;
        uint16_t *nf = realloc(S->item_f, cap * sizeof *nf);
        if (!nf) {
            S->gen_oom = true;
            return;
        }
        S->item_f = nf;
        S->item_f_cap = cap;
    }
    mitem *it = &S->items[S->n_items++];
    it->depth = depth;
    it->off = (uint32_t)S->item_f_len;
    it->done = false;
    for (int s = 0; s < depth; s++) {
        int t = s / sp->D, x = s % sp->D;
        int k = 0;
        while (sp->divs[x][k] != th->f[t][x])
            k++;
        S->item_f[S->item_f_len++] = (uint16_t)k;
    }
    /* Bound of the subtree: assigned complete tiling levels only. */
    int t_done = depth / sp->D - 1;
    node_lb(th, t_done, &it->lb);
}

static void thread_reset(mthread *th)
{
    const mspace *sp = &th->S->sp;
    for (int t = 0; t < MAP_MAX_TL; t++)
        for (int x = 0; x < ADSE_MAX_DIMS; x++)
            th->f[t][x] = 1;
    for (int x = 0; x < sp->D; x++)
        th->rem[x] = sp->prob->bounds[x];
}

/* Cut depth: the smallest with at least ITEM_TARGET nodes, never above ITEM_MAX. */
static adse_status make_items(msearch *S, adse_err *err)
{
    const mspace *sp = &S->sp;
    mthread *th = &S->th[0];
    int total = sp->NT * sp->D;
    static const mbest none;
    mbest scratch_best;
    memset(&scratch_best, 0, sizeof scratch_best);
    th->frozen = &none;
    th->best = &scratch_best;
    int depth = 0;
    for (int dd = 1; dd <= total; dd++) {
        thread_reset(th);
        th->collect_depth = dd;
        th->counting = true;
        th->collected = 0;
        th->abort = false;
        dfs(th, 0);
        th->abort = false;
        if (th->collected > ITEM_MAX) break;
        depth = dd;
        if (th->collected >= ITEM_TARGET) break;
    }
    S->items = calloc(ITEM_MAX, sizeof *S->items);
    if (!S->items) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    thread_reset(th);
    th->collect_depth = depth;
    th->counting = false;
    th->collected = 0;
    if (depth == 0) {
        collect(th, 0);
    } else {
        dfs(th, 0);
    }
    th->collect_depth = -1;
    if (S->gen_oom) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    return ADSE_OK;
}

/* ---------------------------------------------------------------------------------------
 * Rounds and threads
 * ------------------------------------------------------------------------------------- */

static void run_item(mthread *th, uint32_t k)
{
    msearch *S = th->S;
    const mspace *sp = &S->sp;
    mitem *it = &S->items[k];
    uint32_t slot = k - S->r_begin;
    mbest *best = &S->r_best[slot];
    best->found = false;
    th->frozen = &S->frozen;
    th->best = best;
    th->evaluated = th->valid = 0;
    th->abort = false;
    it->done = false;
    if (atomic_load(&S->stop)) {
        S->r_eval[slot] = S->r_valid[slot] = 0;
        return;
    }
    if (prunable(th, &it->lb)) {
        it->done = true;
        S->r_eval[slot] = S->r_valid[slot] = 0;
        return;
    }
    thread_reset(th);
    for (int s = 0; s < it->depth; s++) {
        int t = s / sp->D, x = s % sp->D;
        uint64_t v = sp->divs[x][S->item_f[it->off + (uint32_t)s]];
        th->f[t][x] = v;
        th->rem[x] /= v;
    }
    dfs(th, it->depth);
    it->done = !th->abort;
    S->r_eval[slot] = th->evaluated;
    S->r_valid[slot] = th->valid;
}

/* Runs items of the round [begin, end) until none is left. */
static void work_round(mthread *th, uint32_t end)
{
    msearch *S = th->S;
    for (;;) {
        uint32_t k = atomic_fetch_add(&S->r_next, 1u);
        if (k >= end) break;
        run_item(th, k);
        pthread_mutex_lock(&S->mu);
        S->r_done++;
        pthread_cond_signal(&S->cv_done);
        pthread_mutex_unlock(&S->mu);
    }
}

/* A worker joins a round under the mutex (snapshotting its bounds) and leaves it under the
 * mutex. The main thread ends a round when all its items are done and no worker is inside,
 * and starts the next only when no worker is inside (a late worker may join a finished
 * round: it finds no item left), so no worker takes an index of a round it did not join. */
static void *worker_main(void *arg)
{
    mthread *th = arg;
    msearch *S = th->S;
    int seen = 0;
    for (;;) {
        pthread_mutex_lock(&S->mu);
        while (!S->quit && S->round_id == seen)
            pthread_cond_wait(&S->cv_start, &S->mu);
        if (S->quit) {
            pthread_mutex_unlock(&S->mu);
            return NULL;
        }
        seen = S->round_id;
        uint32_t end = S->r_end;
        S->r_active++;
        pthread_mutex_unlock(&S->mu);
        work_round(th, end);
        pthread_mutex_lock(&S->mu);
        S->r_active--;
        pthread_cond_signal(&S->cv_done);
        pthread_mutex_unlock(&S->mu);
    }
}

static uint32_t round_size(int r)
{
    /* 1, 1, 2, 4, ... ROUND_MAX: a first incumbent quickly, then wide rounds. */
    if (r == 0) return 1;
    if (r > 6) return ROUND_MAX;
    uint32_t s = 1u << (r - 1);
    return s > ROUND_MAX ? ROUND_MAX : s;
}

static void thread_free(mthread *th)
{
    adse_scratch_free(th->scratch);
    free(th->res);
    free(th->keeps);
}

adse_status adse_mapper_run(const adse_model *model, const adse_constraints *constraints,
                            const adse_mapper_settings *settings, adse_mapper_result *out,
                            adse_err *err)
{
    if (!model || !out)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "missing argument to the mapper");
    double t0 = adse_clock_s();
    memset(out, 0, sizeof *out);
    msearch *S = calloc(1, sizeof *S);
    if (!S) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    adse_status st = adse__space_init(&S->sp, model, constraints, settings, err);
    if (st != ADSE_OK) {
        adse__space_release(&S->sp);
        free(S);
        return st;
    }
    mspace *sp = &S->sp;
    int nt = sp->set.threads;
    if (nt == 0) {
        nt = adse_cpu_count();
    }
    if (nt > 256) nt = 256;
    S->nthreads = nt;
    S->deadline = sp->set.time_limit_s > 0 ? t0 + sp->set.time_limit_s : 0;
    atomic_init(&S->stop, 0);
    atomic_init(&S->r_next, 0u);
    S->th = calloc((size_t)nt, sizeof *S->th);
    S->r_best = calloc(ROUND_MAX, sizeof *S->r_best);
    S->r_eval = calloc(ROUND_MAX, sizeof *S->r_eval);
    S->r_valid = calloc(ROUND_MAX, sizeof *S->r_valid);
    bool oom = !S->th || !S->r_best || !S->r_eval || !S->r_valid;
    for (int k = 0; !oom && k < nt; k++) {
        mthread *th = &S->th[k];
        th->S = S;
        th->collect_depth = -1;
        th->scratch = adse_scratch_new(model);
        th->res = malloc(sizeof *th->res);
        th->keeps = malloc(sizeof *th->keeps * KEEP_CHUNK);
        if (!th->scratch || !th->res || !th->keeps) oom = true;
        adse_mapping_init(&th->map, sp->L, sp->D, sp->NDS);
    }
    if (!oom) st = make_items(S, err);
    if (oom && st == ADSE_OK) st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");

    pthread_t tid[256];
    int started = 0;
    if (st == ADSE_OK) {
        pthread_mutex_init(&S->mu, NULL);
        pthread_cond_init(&S->cv_start, NULL);
        pthread_cond_init(&S->cv_done, NULL);
        for (int k = 1; k < nt; k++) {
            if (pthread_create(&tid[k], NULL, worker_main, &S->th[k]) != 0) break;
            started++;
        }
        uint64_t evaluated = 0, valid = 0;
        uint32_t next = 0;
        for (int r = 0; next < S->n_items && !atomic_load(&S->stop); r++) {
            uint32_t n = round_size(r);
            if (n > S->n_items - next) n = S->n_items - next;
            pthread_mutex_lock(&S->mu);
            /* A worker may still be inside the finished round (it joined after the check
             * below); it must leave before r_next is reset. */
            while (S->r_active > 0)
                pthread_cond_wait(&S->cv_done, &S->mu);
            S->r_begin = next;
            S->r_end = next + n;
            atomic_store(&S->r_next, next);
            S->r_done = 0;
            S->round_id++;
            pthread_cond_broadcast(&S->cv_start);
            pthread_mutex_unlock(&S->mu);
            work_round(&S->th[0], next + n);
            pthread_mutex_lock(&S->mu);
            while (S->r_done < n || S->r_active > 0)
                pthread_cond_wait(&S->cv_done, &S->mu);
            pthread_mutex_unlock(&S->mu);
            for (uint32_t k = 0; k < n; k++) {
                evaluated += S->r_eval[k];
                valid += S->r_valid[k];
                mbest *b = &S->r_best[k];
                if (b->found && (!S->frozen.found || lex_less(sp, &b->val, &S->frozen.val)))
                    S->frozen = *b;
            }
            next += n;
        }
        pthread_mutex_lock(&S->mu);
        S->quit = true;
        pthread_cond_broadcast(&S->cv_start);
        pthread_mutex_unlock(&S->mu);
        for (int k = 1; k <= started; k++)
            pthread_join(tid[k], NULL);
        pthread_mutex_destroy(&S->mu);
        pthread_cond_destroy(&S->cv_start);
        pthread_cond_destroy(&S->cv_done);

        /* Optimality and the bound reached. */
        bool all_done = true;
        double lbv = S->frozen.found ? S->frozen.val.v[0] : HUGE_VAL;
        for (uint32_t k = 0; k < S->n_items; k++) {
            if (S->items[k].done) continue;
            all_done = false;
            if (S->items[k].lb.v[0] < lbv) lbv = S->items[k].lb.v[0];
        }
        out->stats.mapspace_size = sp->size;
        out->stats.evaluated = evaluated;
        out->stats.valid = valid;
        out->stats.pruned = sp->size > (double)evaluated ? sp->size - (double)evaluated : 0;
        out->stats.optimal = all_done;
        out->stats.lower_bound = lbv;
        out->stats.threads = nt;
        out->found = S->frozen.found;
        if (out->found) {
            out->best = S->frozen.map;
            adse_model_evaluate(model, &out->best, S->th[0].scratch, &out->result, NULL);
        }
        out->stats.seconds = adse_clock_s() - t0;
    }
    for (int k = 0; S->th && k < nt; k++)
        thread_free(&S->th[k]);
    free(S->th);
    free(S->r_best);
    free(S->r_eval);
    free(S->r_valid);
    free(S->items);
    free(S->item_f);
    adse__space_release(&S->sp);
    free(S);
    return st;
}
