/*
 * search.c: adse_mapper_run(), a deterministic parallel branch and bound (model.md §9).
 *
 * Enumeration order (it defines the index that breaks exact ties, docs/mapper.md 4.1):
 * factorizations depth first, tiling levels innermost first, dimensions in id order within
 * a level, factors descending; per factorization its keep/bypass choices (per level the
 * kept subsets that fit, larger first, level 0 varying fastest), in chunks sorted by lower
 * bound; per keep choice the effective loop orders and cuts, outermost tiling level
 * slowest, permutations in lexicographic order of their free part.
 *
 * Work split. The factorization tree is cut at a fixed depth into items (prefixes), in
 * enumeration order; the cut depth depends only on the mapspace. Threads take items best
 * bound first; a thread that would start an item worse than a running one asks the latter
 * for a piece (the rest of its shallowest open factor loop, work stealing), positioned in
 * the upper half of that item's position interval, so positions follow the enumeration
 * order. Threads share one incumbent at once: the least (metric vector, position) found.
 * An item prunes what is not below its own best, or not below the shared incumbent when
 * that came from an earlier position (else only what is above it), so the first mapping
 * among those with the best metric vector is never cut and is the result, for any thread
 * count and any timing (docs/mapper.md section 6). Seeds (warm starts) enter as incumbents
 * after every item: they only prune. Under a time limit the search has half of it; if it has
 * not finished, the anytime steps (dataplacements, local search, classic dataflows) improve
 * the best found in the rest, and the best of all is the result.
 *
 * Pruning (each keeps every mapping that could beat the incumbent; docs/mapper.md 4.2):
 * factors that cannot complete a factorization; tiles over capacity with only the data
 * spaces a level must keep (tiles only grow with outer factors); spatial factors no X/Y
 * split can fit in the fanout; minimum parallelism and utilization; lower bounds (bound.c)
 * of partial factorizations, of (factorization, keep) pairs (keep choices visited in the
 * order of their F1-F6 bound, skipped by the bound with the least fills over the orders),
 * with the exact fills that the orders fixed so far determine, and of order prefixes (a
 * temporal level's free loops placed innermost first). Unit loops are dropped by the
 * model, so only distinct loop nests are evaluated.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adse/util.h"
#include "util/intmath.h"
#include "util/threads.h"
#include "mapper/mapper_internal.h"
#include "model/model_internal.h"

#define ITEM_TARGET 512      /* aim for at least this many work items, */
#define ITEM_TARGET_BIG 4096 /* this many in a mapspace of more than BIG_SPACE mappings */
#define BIG_SPACE 1e12
#define SMALL_SPACE 1e5    /* a mapspace of at most this many mappings is one item */
#define ITEM_MAX 16384     /* never more */
#define ITEM_DYN_MAX 16384 /* pieces split off running items, at most */
#define POS_SHIFT 48       /* item k's positions: [k << POS_SHIFT, (k + 1) << POS_SHIFT) */
_Static_assert(((uint64_t)ITEM_MAX + 1) <= (UINT64_MAX >> POS_SHIFT), "item positions fit");
#define PLACE_SHARE 0.7      /* share of the anytime steps for the candidate dataplacements */
#define PLACE_FEW 8          /* the candidates searched when they cannot all be scanned */
#define PLACE_ROUNDS 2       /* rounds of first looks at most, each from the best before it */
#define PLACE_LOOK 0.4       /* share of a round's time for the first look at the candidates */
#define PLACE_LOOK_FIRST 0.2 /* share of the dataplacements' time for the looks before a scan */
#define PLACE_SCAN_S 0.2     /* the least thread time per candidate for mapping each on its own */
#define PLACE_EXACT 0.75     /* a scanned candidate's exact share of its time */
#define NB_SHARE 0.5 /* share of the time after them and their polish for the neighbourhoods */
#define NB_ROUNDS 4  /* neighbourhood subsearches at most, each of half the time left */
/* A search of a big mapspace unfinished after this much work (seconds of the work clock,
 * mclock, over all threads: about 1 s of one thread of the exact search, whose nodes are
 * cheaper than the anytime steps' evaluations) may restart. */
#define RESTART_S 2.0
#define RESTART_MAX 3     /* strong starts at most, while the first metric is not proven */
#define RESTART_ANY_S 2.0 /* runs the anytime steps this long, then starts again from them */
/* a strong start whose anytime steps improved the incumbent runs them again from it, this
 * share of their time (docs/mapper.md 6.1) */
#define RESTART_AGAIN 0.5
#define RESTART_LIMIT_S 9.0 /* a limit this long restarts too (3 x the restart's time) */
/* the exact share of the rest of a limit after a strong start, whose anytime steps ran */
#define RESTART_EXACT 0.8
#define CHECK_EVERY 128 /* evaluations/nodes between clock checks */
#define KEEP_CHUNK 4096 /* keep choices sorted together */
#define KMEMO_LEVELS 8  /* levels up to which the keep bounds' shares are memoized */
#define SPIN_S 1e-4     /* a thread asking for a piece waits this long awake */

double adse__split_after_s = 0.001; /* mapper_internal.h */
double adse__search_share = 0.5;    /* mapper_internal.h */
double adse__work_rate = 500000.0;  /* mapper_internal.h */

_Thread_local mstart_trace adse__start_trace; /* mapper_internal.h */

typedef struct mbest {
    bool found;
    mvals val;
    uint64_t pos; /* position of the item that found it (SEED_POS: a seed, after every item) */
    adse_mapping map;
} mbest;

/* The shared incumbent's value and position, as a thread last read it. */
typedef struct mshared {
    bool found;
    mvals val;
    uint64_t pos;
} mshared;

/* A work item: the factorizations below a prefix, from divisor k_from on at step depth.
 * Its mappings have position pos; a piece split off while it runs (work stealing) gets a
 * position in (pos, pos_end), after the part the item keeps and before the next item, so
 * positions follow the enumeration order (docs/mapper.md section 6). */
typedef struct mitem {
    int depth;             /* steps (tiling level * D + dim) assigned */
    int k_from;            /* first divisor index tried at step depth (0: all) */
    uint32_t off;          /* generated items: their factors are item_f[off .. off + depth) */
    const uint16_t *fp;    /* divisor indices of the prefix (split pieces: their own copy) */
    uint64_t pos, pos_end; /* position of its mappings; end of its interval */
    mvals lb;              /* lower bound of its subtree */
    mvals key;             /* the run order's key: the bound without F10's newer parts */
    double t_start;        /* pieces: when the generated item they come from started */
    bool done;             /* searched completely (or pruned) */
} mitem;

typedef struct msearch msearch;

/* The generated items a strong start's search finished (run): bit k of bits for item k of
 * n, set where it and every piece split off it were done. The search after the strong
 * start has the same items (the same space) and passes them over (docs/mapper.md 6.1). */
typedef struct mdone {
    uint32_t n;
    uint8_t *bits;
} mdone;

/* Is item k one of d's finished items? */
static bool mdone_has(const mdone *d, uint64_t k)
{
    return d->bits && k < d->n && (d->bits[k >> 3] >> (k & 7u)) & 1u;
}

/* One keep/bypass choice of a factorization with its lower bound. */
typedef struct mkeep {
    uint32_t keep[ADSE_MAX_DATASPACES];
    mvals lb;  /* F1-F6 bound: the key of the visiting order (docs/mapper.md 4.1) */
    mvals lbp; /* with the least fills over the loop orders (F7): prunes only */
    int ord;   /* generation order */
} mkeep;

/* Each thread's state starts on a cache line of its own (CACHE_LINE alignment, which also
 * rounds the size up): a thread writes its own state at every node, and a neighbour's read of
 * a line it shares would miss each time. */
#define CACHE_LINE 64
/* A data space's share of orders_bound and what it was taken from (mthread.omemo). */
#define OMEMO_SLOTS 256 /* per data space, a power of 2 */
typedef struct omemo_entry {
    uint64_t stamp;         /* when the share was computed (mthread.ostamp): a key of smemo */
    uint32_t gen, keep, nl; /* generation, keep mask, link verdicts per level */
    int k_exact;
    uint64_t fill[ADSE_MAX_LEVELS], ufill[ADSE_MAX_LEVELS];
    mkeepds part;
} omemo_entry;

/* The fills memo (mthread.fxmemo): with the orders of the temporal levels above storage
 * level k's tile fixed, the model's Fill_k of each data space, F16's verdicts on k + 1's
 * fanout and F7's least fills of the levels below k (the orders below free) depend on the
 * factorization, k and those orders, not on the keep choice; the order search meets the
 * same orders again under each keep choice of a factorization. An entry holds its key whole
 * (the orders above, level by level: the number of non-unit loops, then their dimensions)
 * and its values for every data space; orders that do not fit in FXMEMO_KEY bytes take the
 * spare entry after the table's slots, made anew each time. Entries are fxmemo_stride bytes
 * apart: v[d] is Fill_k(d), v[NDS (c + 1) + d]
 * the least fill of level c < k. */
#define FXMEMO_SLOTS 1024
#define FXMEMO_KEY 64
typedef struct fxmemo_entry {
    uint32_t gen; /* the factorization's omemo_gen; 0: empty */
    uint8_t k, len;
    bool below;    /* v[] holds the least fills of the levels below k */
    uint32_t none; /* the data spaces no link moves through k + 1's fanout */
    uint8_t key[FXMEMO_KEY];
    uint64_t v[];
} fxmemo_entry;

/* The links memo (mthread.lkmemo, fxmemo's layout): whether links act through storage
 * level j's fanout (F16, adse__links_acting) depends on the factorization and the orders of
 * the tiling levels from j's spatial level up, not on the keep choice or the orders below, so
 * the order search's verdicts under one keep choice serve the others. Its key: those orders
 * (the spatial levels' cuts included) and the data spaces asked about; v[0] those acting. */

typedef struct mthread {
    _Alignas(CACHE_LINE) msearch *S;
    adse_scratch *scratch;
    adse_spcache *spcache;
    adse_result *res;
    adse_mapping map;
    uint64_t f[MAP_MAX_TL][ADSE_MAX_DIMS];
    uint64_t rem[ADSE_MAX_DIMS];
    int tloops; /* temporal factors above 1 assigned (for max_temporal_loops) */
    /* the prefix set_prefix last set (divisor indices), -1: f, rem and tloops changed since */
    int pfx_len;
    uint16_t pfx[MAP_MAX_TL * ADSE_MAX_DIMS];
    mifinfo info;
    morder ord[MAP_MAX_TL];
    uint64_t fill_ex[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES]; /* exact fills (orders_dfs) */
    /* beside each fill_ex[c], the fills of the union of level c + 1's children under the
     * same orders (adse__union_least_fill; 0: none known) */
    uint64_t ufill_ex[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    /* Per storage level j, the data spaces no link moves through j's fanout under the
     * orders fixed so far (F16; orders_dfs, nolink_free where the orders above j's children
     * are not all fixed). */
    uint32_t nolink[ADSE_MAX_LEVELS];
    /* The same with every order free (F16 (d)), for the current factorization: where the
     * orders are not fixed, the data spaces no link moves whatever they are. */
    uint32_t nolink_free[ADSE_MAX_LEVELS];
    /* The last leaf bound of each temporal level's orders: consecutive orders often give
     * the same fills and links below, hence the same bound (valid while the outer orders
     * stay). */
    bool leaf_ok[MAP_MAX_TL];
    uint64_t leaf_key[MAP_MAX_TL][ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    uint64_t leaf_ukey[MAP_MAX_TL][ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    uint32_t leaf_nolink[MAP_MAX_TL];
    mvals leaf_lb[MAP_MAX_TL];
    /* orders_bound's shares of each data space and what each was taken from (its keep
     * mask, k_exact, its fills, its link verdicts per level), [NDS][OMEMO_SLOTS] entries
     * hashed by those, valid for generation omemo_gen, which each factorization advances:
     * the order search meets the same fills again under the factorization's other keep
     * choices and orders, and consecutive orders often change the fills of some data
     * spaces only. */
    omemo_entry *omemo;
    omemo_entry *olast[ADSE_MAX_DATASPACES]; /* the shares osum was summed from */
    uint64_t ostamp;                         /* shares computed so far by the thread */
    /* orders_bound's values by the stamps of the shares summed, [OMEMO_SLOTS] */
    struct smemo_entry {
        uint64_t stamp[ADSE_MAX_DATASPACES];
        mvals sum;
    } * smemo;
    mvals osum;   /* orders_bound's last value, from the shares olast */
    bool osum_ok; /* osum is that of the current factorization's omemo */
    uint32_t omemo_gen;
    /* [FXMEMO_SLOTS + 1] entries of fxmemo_stride bytes, those of generation omemo_gen
     * valid (the last, the spare, never) */
    unsigned char *fxmemo;
    size_t fxmemo_stride;
    /* the links' and the prefixes' memos (links_acting, prefix_entry), laid out as fxmemo */
    unsigned char *lkmemo, *pfmemo;
    mkeep *keeps; /* keep choices of the current factorization [KEEP_CHUNK] */
    /* Each data space's share of the keep choices' bounds per keep mask, F2 and F7 fills
     * (adse__bound_keep_ds), valid where kmemo_tag equals kmemo_gen, which each
     * factorization advances; NULL with more than KMEMO_LEVELS levels. */
    mkeepds *kmemo;
    uint32_t *kmemo_tag, kmemo_gen;
    /* Per data space and level j, the least share (energy, then last-level accesses) over
     * the keep masks with given bits at levels >= j (kmin_at); with kmemo. */
    double *kmin;
    /* Current item. */
    uint64_t cur;     /* its position (SEED_POS while generating items) */
    uint64_t cur_end; /* end of its position interval (pieces split off take the top half) */
    uint32_t item;    /* its index */
    int base;         /* first step its DFS chooses (-1 while generating items) */
    int from_k;       /* first divisor index at step base */
    /* The DFS loops open in the item: steps base .. with kend >= 0; kcur is the divisor
     * index being searched, kend the end of the loop (lowered when the rest is given away). */
    int kcur[MAP_MAX_TL * ADSE_MAX_DIMS], kend[MAP_MAX_TL * ADSE_MAX_DIMS];
    atomic_bool split_req; /* another thread asks for a piece of the current item */
    /* Guarded by msearch.qmu: */
    bool running;         /* searching an item */
    bool no_split;        /* the current item has nothing left to give */
    mvals run_lb;         /* the current item's run-order key (mitem.key) */
    uint64_t run_pos;     /* its position */
    double run_t0;        /* when it (the generated item it comes from) started */
    double patient_until; /* until then it waits for a young better item (0: not started) */
    mbest own;            /* the item's best (its first mapping of the least value) */
    mshared shared;       /* snapshot of the shared incumbent */
    unsigned shared_ver;
    uint64_t evaluated, valid; /* totals of this thread */
    uint32_t tick;
    bool abort;
    bool spatial_short; /* node_ok's last check failed on the spatial product (dfs) */
} mthread;

struct msearch {
    mspace sp;
    int nthreads;
    /* A strong start's steps run as on one thread (steps_seq; nthreads is 1 then) on nexec
     * threads: the dataplacements' looks by speculation (look_spec), their scans and the
     * classic dataflows with shares of their own (docs/mapper.md 6.1). Else nexec is
     * nthreads. */
    bool steps_seq;
    int nexec;
    /* The generated items an earlier search of this space finished (mdone), NULL if none. */
    const mdone *skip;
    /* The clock of its budgets (wall seconds, or the work in `work` by its threads and
     * finished subsearches, mclock) and the deadline of its exact search on it (0 = none). */
    _Atomic uint64_t work;
    mclock clk;
    double deadline;
    atomic_int stop;
    /* A strong start (run): after restart_work units of work (0: never) the search stops to
     * restart when fewer than a quarter of its items are done (restart 1), else it goes on
     * (restart 2). */
    uint64_t restart_work;
    atomic_int restart;
    atomic_uint n_done; /* the generated items done */

    mitem *items;
    uint32_t n_items;
    uint16_t *item_f;       /* divisor indices of the items' prefixes */
    atomic_uint next_bound; /* item generation: the next item to bound (bound_items) */

    /* Work sharing: the least (bound, position) of the generated items not taken (in
     * run_order from next_static) and of the pieces split off (a heap) runs next; a thread
     * about to start an item whose bound is above that of a running item asks the latter
     * for a piece instead. The incumbent is shared at once. */
    uint32_t n_static;   /* generated items: indices 0 .. n_static */
    uint32_t dyn_max;    /* room for pieces after them (0: one thread) */
    uint32_t *run_order; /* their indices, least key first (mitem.key; ties: index order) */
    mvals *rest_lb;      /* rest_lb[k]: the least bound of the items run_order[k ..] */
    uint32_t next_static, static_end; /* run_order[next_static .. static_end) not taken */
    uint32_t *heap;                   /* split pieces waiting, least (bound, position) at the top */
    uint32_t heap_n;
    pthread_mutex_t qmu; /* guards the queue, n_items past n_static, running/no_split */
    pthread_cond_t qcv;  /* a piece was given, refused, or an item ended */
    int waiting;         /* threads waiting on qcv */
    pthread_mutex_t mu;  /* guards inc */
    mbest inc;           /* least (value, position) found so far */
    bool inc_own;        /* inc was found by this search's items */
    bool borrowed;       /* sp, item_f and run_order belong to an adse_mapper_items */
    atomic_uint inc_ver;
    mthread *th;
};

/* ---------------------------------------------------------------------------------------
 * Metric comparison
 * ------------------------------------------------------------------------------------- */

static bool lex_less(const mspace *sp, const mvals *a, const mvals *b)
{
    return adse__lex_less(sp, a, b);
}

/* Re-reads the shared incumbent if it changed since the thread last looked. */
static void refresh_shared(mthread *th)
{
    msearch *S = th->S;
    unsigned v = atomic_load_explicit(&S->inc_ver, memory_order_acquire);
    if (v == th->shared_ver) return;
    adse__mutex_lock(&S->mu);
    th->shared.found = S->inc.found;
    th->shared.val = S->inc.val;
    th->shared.pos = S->inc.pos;
    th->shared_ver = atomic_load_explicit(&S->inc_ver, memory_order_relaxed);
    adse__mutex_unlock(&S->mu);
}

/* Can a subtree (or mapping) whose values are at least lb hold a mapping that the final
 * result could be? Not if the item's own best is not above lb (equal values lose the tie
 * to the earlier mapping), nor if the shared incumbent is below lb, or equal to it and
 * found by an earlier item (docs/mapper.md section 6: the result does not depend on when
 * other threads publish). */
static bool prunable(mthread *th, const mvals *lb)
{
    const mspace *sp = &th->S->sp;
    if (th->own.found && !lex_less(sp, lb, &th->own.val)) return true;
    refresh_shared(th);
    if (!th->shared.found) return false;
    if (lex_less(sp, &th->shared.val, lb)) return true;
    return th->shared.pos < th->cur && !lex_less(sp, lb, &th->shared.val);
}

/* Offers the item's new best to the shared incumbent: the least value wins, ties go to
 * the earlier position. */
static void publish(mthread *th)
{
    msearch *S = th->S;
    const mspace *sp = &S->sp;
    adse__mutex_lock(&S->mu);
    if (!S->inc.found || lex_less(sp, &th->own.val, &S->inc.val) ||
        (th->cur < S->inc.pos && !lex_less(sp, &S->inc.val, &th->own.val))) {
        S->inc = th->own;
        S->inc_own = true;
        atomic_fetch_add_explicit(&S->inc_ver, 1u, memory_order_release);
    }
    adse__mutex_unlock(&S->mu);
}

static void give_piece(mthread *th);

/* A work clock's reading past its wall cap: later than any end taken from it before */
#define CLOCK_PAST 1e300

double adse__clock_now(const mclock *c)
{
    double now = adse_clock_s();
    if (!c || !c->by_work) return now;
    if (c->wall_cap > 0 && now > c->wall_cap) return CLOCK_PAST;
    return (double)atomic_load(c->work) / c->rate;
}

void adse__clock_add(const mclock *c, uint64_t n)
{
    if (c && c->work) atomic_fetch_add(c->work, n);
}

static void check_clock(mthread *th)
{
    msearch *S = th->S;
    if (atomic_load_explicit(&th->split_req, memory_order_relaxed)) give_piece(th);
    if (atomic_load_explicit(&S->stop, memory_order_relaxed)) {
        th->abort = true;
        return;
    }
    if (++th->tick % CHECK_EVERY) return;
    uint64_t w = atomic_fetch_add(&S->work, CHECK_EVERY) + CHECK_EVERY;
    if (S->restart_work > 0 && w > S->restart_work && atomic_load(&S->restart) == 0) {
        int want = atomic_load(&S->n_done) * 4 < S->n_static ? 1 : 2, none = 0;
        atomic_compare_exchange_strong(&S->restart, &none, want);
        if (atomic_load(&S->restart) == 1) {
            atomic_store(&S->stop, 1);
            th->abort = true;
            return;
        }
    }
    if (S->deadline > 0 && adse__clock_now(&S->clk) >= S->deadline) {
        atomic_store(&S->stop, 1);
        th->abort = true;
    }
}

/* ---------------------------------------------------------------------------------------
 * Checks on partial factorizations
 * ------------------------------------------------------------------------------------- */

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

/* The least compute cycles of the current node's completions (space.c). */
static uint64_t cc_lower(const mthread *th, int t)
{
    return adse__cc_lower(&th->S->sp, (const uint64_t(*)[ADSE_MAX_DIMS])th->f, th->rem, t,
                          th->spcache);
}

/* The bound of the current node; without f10_all, the run order's key (mitem.key). */
static void node_lb_f10(const mthread *th, int t, double cycles_cap, bool f10_all, mvals *out)
{
    mlb lb;
    adse__bound_partial_f10(&th->S->sp, (const uint64_t(*)[ADSE_MAX_DIMS])th->f, t,
                            (double)cc_lower(th, t), cycles_cap, th->spcache, true, f10_all, &lb);
    adse__metrics_lb(&th->S->sp, &lb, out);
}

static void node_lb(const mthread *th, int t, double cycles_cap, mvals *out)
{
    node_lb_f10(th, t, cycles_cap, true, out);
}

/* With delay as the first metric, a mapping of more cycles than every incumbent the
 * pruning compares with (the item's own best, the shared one) is worse than each of them,
 * so the energy bound of a node may cover only the mappings of at most that many cycles
 * (docs/mapper.md section 5, F9). HUGE_VAL: no incumbent, no cap. */
static double cycles_cap(const mthread *th)
{
    if (th->S->sp.set.metrics[0] != ADSE_METRIC_DELAY) return HUGE_VAL;
    double c = -1;
    if (th->own.found) c = th->own.val.v[0];
    if (th->shared.found && th->shared.val.v[0] > c) c = th->shared.val.v[0];
    return c < 0 ? HUGE_VAL : c;
}

/* Is the subtree below a node whose tiling levels 0..t are complete (later ones possibly
 * partly assigned) prunable by its bound without the keepers' energy: the cycles of F1 (at
 * most the spatial product cc_lower allows), the computes' energy and leakage over those
 * cycles? Each grows as that product shrinks. th->spatial_short tells dfs that it pruned:
 * at a spatial level, whose factors are tried in descending order, smaller_short then says
 * whether every smaller factor fails too. */
static bool cycles_prunable_cc(mthread *th, int t, uint64_t cc, mlb *lb)
{
    const mspace *sp = &th->S->sp;
    mvals lv;
    adse__bound_partial(sp, (const uint64_t(*)[ADSE_MAX_DIMS])th->f, t, (double)cc, HUGE_VAL, NULL,
                        false, lb);
    adse__metrics_lb(sp, lb, &lv);
    th->spatial_short = prunable(th, &lv);
    return th->spatial_short;
}

/* cycles_prunable_cc with the node's least compute cycles. */
static bool cycles_prunable(mthread *th, int t, mlb *lb)
{
    return cycles_prunable_cc(th, t, cc_lower(th, t), lb);
}

/* Factor v of spatial step (t, x), r being what remained of x's bound, failed on its cycles
 * bound (th->spatial_short, node_ok; nothing assigned): does every smaller factor fail too?
 * The least cycles below a smaller factor are not always those below v or more: the later
 * spatial levels take their factors of x from what v leaves, and a smaller v can leave them
 * a product that fills their fanout better (a fanout of 12 over M and Q = 14 above: M 2
 * left allows at most 7, Q 7; M 4 left allows 8, M 4 x Q 2). Bounded with v at
 * this step and all of r left for the later levels, the spatial products are at least every
 * smaller factor's (the level's product with v, the later levels' with divisors of r, a
 * superset of those of r / v'), so the cycles are at most theirs: if that bound prunes,
 * every smaller factor's subtree does. */
static bool smaller_short(mthread *th, int t, int x, uint64_t r, uint64_t v)
{
    const mspace *sp = &th->S->sp;
    int done = x < sp->D - 1 ? t - 1 : t; /* the complete levels node_ok bounded with */
    th->f[t][x] = v;                      /* th->rem[x] stays r */
    mlb lb;
    bool all = cycles_prunable(th, done, &lb);
    th->f[t][x] = 1;
    return all;
}

/* Where a bound, its energy replaced by e, stops being below w in the metric order, from
 * its metric values v0 at e = 0 and v1 at e = 1: adse__metrics_lb's values are affine in e
 * with slopes >= 0, so the first metric that depends on e and is not decided without it
 * gives e. 0 when every e reaches w, HUGE_VAL when none does. An estimate (the slopes are
 * taken from two points): node_prunable checks it. */
static double energy_at(const mspace *sp, const mvals *v0, const mvals *v1, const mvals *w)
{
    for (int k = 0; k < sp->set.n_metrics; k++) {
        double b = v1->v[k] - v0->v[k];
        if (b > 0) return fmax((w->v[k] - v0->v[k]) / b, 0);
        if (v0->v[k] != w->v[k]) return v0->v[k] < w->v[k] ? HUGE_VAL : 0;
    }
    return 0;
}

/* Is the subtree below a node whose tiling levels 0..t are complete prunable? Every metric
 * is non-decreasing in energy (edp and weighted with weights >= 0), so the bound with the
 * computes' energy only prunes whatever the energy bound adds, and if the bound with an
 * energy no mapping reaches does not prune, the energy cannot decide: the energy bound of
 * the keeper chains (bound.c) is computed only between the two. */
static bool node_prunable(mthread *th, int t)
{
    const mspace *sp = &th->S->sp;
    mlb lb;
    mvals lv;
    uint64_t cc = cc_lower(th, t);
    if (cycles_prunable_cc(th, t, cc, &lb)) return true;
    /* lo: an energy that does not prune (the computes' and leakage's: cycles_prunable), hi:
     * one that does; halved (geometrically while far apart) to within a relative 1e-3, so
     * that the keepers' bound need only be exact between the two (the decision is the exact
     * bound's whatever the two are: the band only trades halvings for exact pricing) */
    double lo = lb.energy, hi = 1e200;
    lb.energy = hi;
    adse__metrics_lb(sp, &lb, &lv);
    if (!prunable(th, &lv)) return false;
    if (!sp->xrefill) { /* the costly part of the bound (F10 across levels) is not there */
        node_lb(th, t, cycles_cap(th), &lv);
        return prunable(th, &lv);
    }
    /* first the band around where the incumbents' values are reached, if it holds */
    double e = HUGE_VAL;
    if (th->own.found || th->shared.found) {
        mlb z = lb;
        mvals v0, v1;
        z.energy = 0;
        adse__metrics_lb(sp, &z, &v0);
        z.energy = 1;
        adse__metrics_lb(sp, &z, &v1);
        if (th->own.found) e = energy_at(sp, &v0, &v1, &th->own.val);
        if (th->shared.found) e = fmin(e, energy_at(sp, &v0, &v1, &th->shared.val));
    }
    double elo = e * (1 - 4e-4), ehi = e * (1 + 4e-4);
    if (elo > lo && ehi < hi) {
        lb.energy = ehi;
        adse__metrics_lb(sp, &lb, &lv);
        if (prunable(th, &lv)) {
            hi = ehi;
            lb.energy = elo;
            adse__metrics_lb(sp, &lb, &lv);
            if (!prunable(th, &lv)) lo = elo;
        }
    }
    for (int i = 0; i < 100 && hi - lo > 1e-3 * hi; i++) {
        double mid = lo > 0 && hi > 4 * lo ? sqrt(lo * hi) : lo + (hi - lo) / 2;
        lb.energy = mid;
        adse__metrics_lb(sp, &lb, &lv);
        *(prunable(th, &lv) ? &hi : &lo) = mid;
    }
    adse__bound_partial_decide(sp, (const uint64_t(*)[ADSE_MAX_DIMS])th->f, t, (double)cc,
                               cycles_cap(th), th->spcache, lo, hi, &lb);
    /* below lo the value may stand above the exact bound: it keeps the node, as lo did (a
     * better incumbent since might prune at it, not at the exact bound) */
    if (lb.energy < lo) return false;
    adse__metrics_lb(sp, &lb, &lv);
    return prunable(th, &lv);
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
    if (x < sp->D - 1) {
        /* Level t partly assigned: a spatial level's product bounds the cycles (and a short
         * factor ends dfs's loop), a temporal level's grown tiles may leave a buffer too
         * small for a keeper the bound of level t - 1 relied on (docs/mapper.md 4.2). */
        mlb lb;
        if (!with_bound || th->f[t][x] == 1) return true; /* the node before it, unchanged */
        /* Nothing left of the later dimensions: the next node is level t complete, with the
         * same factors, and it is checked in full (the stronger bound) right after. */
        bool last = true;
        for (int y = x + 1; y < sp->D && last; y++)
            last = th->rem[y] == 1;
        if (last) return true;
        if (l->spatial) return !cycles_prunable(th, t - 1, &lb);
        /* (the outermost level's steps are forced: with the bound of the level below taken
         * late, in process_if, none here) */
        if (t == sp->NT - 1 && sp->any_sliding) return true;
        return !(sp->grow_bound[t] && node_prunable(th, t - 1));
    }
    /* Tiling level t complete. */
    if (l->spatial) {
        if (!adse__spatial_fits(sp, t, th->f[t])) return false;
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
    /* The outermost tiling level takes what remains (factor_ok): its factors were known when
     * the level below it completed, and its node, a complete factorization, goes straight
     * to the keep choices' bounds (process_if), which prune where this one would (docs/
     * mapper.md 4.2, "bound of a partial factorization"). With a sliding window the bound
     * of the level below it is taken there too (last_node_prunable), and only where a keep
     * choice is left for the order search: the keep choices' bounds prune most such nodes
     * at a fraction of its cost. */
    if (with_bound && t < sp->NT - 1 && !(t == sp->NT - 2 && sp->any_sliding)) {
        if (node_prunable(th, t)) return false;
    }
    return true;
}

/* process_if's test with a sliding window, before the first order search of a keep choice:
 * the bound of the node where tiling level NT - 2 completed, which node_ok left to it, the
 * outermost level's factors set back to what remained there. */
static bool last_node_prunable(mthread *th)
{
    const mspace *sp = &th->S->sp;
    int u = sp->NT - 1;
    uint64_t keep[ADSE_MAX_DIMS], rem[ADSE_MAX_DIMS];
    for (int x = 0; x < sp->D; x++) {
        keep[x] = th->f[u][x];
        rem[x] = th->rem[x];
        th->rem[x] *= keep[x];
        th->f[u][x] = 1;
    }
    bool pr = node_prunable(th, sp->NT - 2);
    for (int x = 0; x < sp->D; x++) {
        th->f[u][x] = keep[x];
        th->rem[x] = rem[x];
    }
    return pr;
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
    if (prunable(th, &v)) return;
    th->own.found = true;
    th->own.val = v;
    th->own.pos = th->cur;
    th->own.map = th->map;
    publish(th);
}

static void orders_dfs(mthread *th, int t);

/* Does memo entry e hold data space d's share under these keep mask, verdicts, k_exact and
 * fills (fb bytes each)? */
static bool omemo_is(const mthread *th, const omemo_entry *e, int d, uint32_t nl, int k_exact,
                     const uint64_t *fill, const uint64_t *ufill, size_t fb)
{
    return e && e->gen == th->omemo_gen && e->keep == th->map.keep[d] && e->nl == nl &&
           e->k_exact == k_exact && memcmp(e->fill, fill, fb) == 0 &&
           memcmp(e->ufill, ufill, fb) == 0;
}

/* The bound of the current factorization and keep choice with the thread's fills (the
 * model's from level k_exact up, fill_ex; F7's below) and its link verdicts (F16). */
static void orders_bound(mthread *th, int k_exact, mvals *out)
{
    const mspace *sp = &th->S->sp;
    const mkeepds *parts[ADSE_MAX_DATASPACES];
    bool redo = !th->osum_ok;
    size_t fb = sizeof(uint64_t) * (size_t)sp->L;
    for (int d = 0; d < sp->NDS; d++) {
        uint32_t nl = 0;
        for (int j = 0; j < sp->L; j++)
            nl |= ((th->nolink[j] >> d) & 1u) << j;
        uint64_t fill[ADSE_MAX_LEVELS], ufill[ADSE_MAX_LEVELS];
        for (int j = 0; j < sp->L; j++) {
            fill[j] = th->fill_ex[j][d];
            ufill[j] = th->ufill_ex[j][d];
        }
        omemo_entry *e = th->olast[d]; /* the last share first */
        if (!omemo_is(th, e, d, nl, k_exact, fill, ufill, fb)) {
            uint64_t h = adse__fnv(ADSE_FNV_BASIS, th->map.keep[d] ^ ((uint64_t)nl << 32));
            h = adse__fnv(h, (uint64_t)k_exact);
            for (int j = 0; j < sp->L; j++)
                h = adse__fnv(adse__fnv(h, fill[j]), ufill[j]);
            e = &th->omemo[(size_t)d * OMEMO_SLOTS + ((h ^ (h >> 29)) & (OMEMO_SLOTS - 1))];
            redo = true;
            if (!omemo_is(th, e, d, nl, k_exact, fill, ufill, fb)) {
                adse__bound_keep_ds(sp, &th->info, d, th->map.keep[d],
                                    (const uint64_t(*)[ADSE_MAX_DATASPACES])th->fill_ex,
                                    (const uint64_t(*)[ADSE_MAX_DATASPACES])th->ufill_ex, k_exact,
                                    true, th->nolink, &e->part);
                e->gen = th->omemo_gen;
                e->keep = th->map.keep[d];
                e->nl = nl;
                e->k_exact = k_exact;
                memcpy(e->fill, fill, fb);
                memcpy(e->ufill, ufill, fb);
                e->stamp = ++th->ostamp;
            }
        }
        th->olast[d] = e;
        parts[d] = &e->part;
    }
    /* no share changed since the last call: the same sum; else a sum of the same shares
     * (their stamps) from the memo */
    if (redo) {
        uint64_t h = ADSE_FNV_BASIS;
        for (int d = 0; d < sp->NDS; d++)
            h = adse__fnv(h, th->olast[d]->stamp);
        struct smemo_entry *m = &th->smemo[(h ^ (h >> 29)) & (OMEMO_SLOTS - 1)];
        bool hit = true;
        for (int d = 0; d < sp->NDS && hit; d++)
            hit = m->stamp[d] == th->olast[d]->stamp;
        if (!hit) {
            mlb lb;
            adse__bound_keep_sum(sp, &th->info, parts, true, &lb);
            adse__metrics_lb(sp, &lb, &m->sum);
            for (int d = 0; d < sp->NDS; d++)
                m->stamp[d] = th->olast[d]->stamp;
        }
        th->osum = m->sum;
        th->osum_ok = true;
    }
    *out = th->osum;
}

/* The key of the orders of tiling levels u0 .. NT - 1 (the spatial ones, with their cuts,
 * only if spatial), then the ntail bytes of tail, in key[FXMEMO_KEY]: per level the number
 * of non-unit loops, then their dimensions; its length, or -1 where it does not fit. *slot:
 * its hash with tag, in [0, FXMEMO_SLOTS), or FXMEMO_SLOTS where it does not fit. */
static int orders_key(const mthread *th, int u0, bool spatial, uint64_t tag, const uint8_t *tail,
                      int ntail, uint8_t key[FXMEMO_KEY], size_t *slot)
{
    const mspace *sp = &th->S->sp;
    int len = 0;
    *slot = FXMEMO_SLOTS;
    for (int u = u0; u < sp->NT; u++) {
        const morder *o = &th->ord[u];
        bool sl = sp->tl[u].spatial;
        if (sl && !spatial) continue;
        if (len + 1 + o->n + (sl ? 1 : 0) > FXMEMO_KEY) return -1;
        key[len++] = (uint8_t)o->n;
        memcpy(key + len, o->dims, (size_t)o->n);
        len += o->n;
        if (sl) key[len++] = (uint8_t)o->cut;
    }
    if (len + ntail > FXMEMO_KEY) return -1;
    if (ntail > 0) memcpy(key + len, tail, (size_t)ntail);
    len += ntail;
    uint64_t h = adse__fnv(ADSE_FNV_BASIS, tag);
    for (int i = 0; i < len; i++)
        h = adse__fnv(h, key[i]);
    *slot = (h ^ (h >> 32)) & (FXMEMO_SLOTS - 1);
    return len;
}

/* The entry of memo table (fxmemo's layout) for tag and key (orders_key: len < 0 takes the
 * spare, slot FXMEMO_SLOTS, never found again) in *out: true where it holds them under the
 * current factorization; else it is made theirs, its values left to the caller. */
static bool memo_find(const mthread *th, unsigned char *table, int tag, const uint8_t *key, int len,
                      size_t slot, fxmemo_entry **out)
{
    fxmemo_entry *e = (fxmemo_entry *)(table + slot * th->fxmemo_stride);
    *out = e;
    if (len >= 0 && e->gen == th->omemo_gen && e->k == tag && e->len == len &&
        memcmp(e->key, key, (size_t)len) == 0)
        return true;
    e->gen = len >= 0 ? th->omemo_gen : 0;
    e->k = (uint8_t)tag;
    if (len >= 0) {
        e->len = (uint8_t)len;
        memcpy(e->key, key, (size_t)len);
    }
    return false;
}

/* The fills memo's entry for storage level k (< L - 1) under the current factorization and
 * orders, made if it was not there (its fills and verdicts computed; the least fills below k
 * only when asked, fills_below). */
static fxmemo_entry *fills_entry(mthread *th, int k)
{
    const mspace *sp = &th->S->sp;
    uint8_t key[FXMEMO_KEY];
    size_t slot;
    int len = orders_key(th, sp->t_of[k] + 1, false, (uint64_t)k, NULL, 0, key, &slot);
    fxmemo_entry *e;
    if (memo_find(th, th->fxmemo, k, key, len, slot, &e)) return e;
    const uint64_t(*f)[ADSE_MAX_DIMS] = (const uint64_t(*)[ADSE_MAX_DIMS])th->f;
    e->none = 0;
    for (int d = 0; d < sp->NDS; d++) {
        bool none = false;
        bool test = adse__links_possible(sp, &th->info, k + 1, d, true, NULL);
        e->v[d] =
            adse__fill_exact(sp, th->scratch, f, th->ord, &th->info, k, d, test ? &none : NULL);
        if (none) e->none |= 1u << d;
        /* the union's fills, where links may act, in the slots the levels below leave free
         * (fills_below writes those of levels < k <= L - 2) */
        e->v[sp->NDS * (sp->L - 1) + d] =
            test && !none ? adse__union_least_fill(sp, f, &th->info, th->ord, k, d) : 0;
    }
    e->below = false;
    return e;
}

/* The orders of every temporal level above storage level k's children (k < L - 1) are
 * fixed: the model's Fill_k of the data spaces k keeps, and the data spaces (kept at k or
 * not) no link moves through storage level k + 1's fanout (F16); none is known below it.
 * Returns the memo's entry of these orders (fills_entry). */
static fxmemo_entry *fills_exact(mthread *th, int k)
{
    const mspace *sp = &th->S->sp;
    fxmemo_entry *e = fills_entry(th, k);
    for (int d = 0; d < sp->NDS; d++)
        if ((th->map.keep[d] >> k) & 1u) {
            th->fill_ex[k][d] = e->v[d];
            th->ufill_ex[k][d] = e->v[sp->NDS * (sp->L - 1) + d];
        }
    memcpy(th->nolink, th->nolink_free, sizeof th->nolink[0] * (size_t)(k + 1));
    th->nolink[k + 1] = e->none;
    return e;
}

/* Temporal tiling level t's order and those above are fixed, k the storage level below t:
 * the least fills of the levels below k over the orders below t (F7). */
static void fills_below(mthread *th, int t, int k, fxmemo_entry *e)
{
    const mspace *sp = &th->S->sp;
    const uint64_t(*f)[ADSE_MAX_DIMS] = (const uint64_t(*)[ADSE_MAX_DIMS])th->f;
    int NDS = sp->NDS;
    if (!e->below) { /* the memo's entry for these orders (fills_entry), all data spaces */
        for (int c = 0; c < k; c++)
            for (int d = 0; d < NDS; d++)
                e->v[NDS * (c + 1) + d] =
                    adse__least_fill(sp, f, &th->info, th->ord, t, th->ord[t].n_inf, c, d);
        e->below = true;
    }
    for (int c = 0; c < k; c++)
        for (int d = 0; d < NDS; d++)
            if ((th->map.keep[d] >> c) & 1u) {
                th->fill_ex[c][d] = e->v[NDS * (c + 1) + d];
                th->ufill_ex[c][d] = 0;
            }
}

/* The data spaces of want that links move through storage level j's fanout (F16) under the
 * current factorization and the orders of tiling levels t (j's spatial level) and above,
 * from the links memo (mthread.lkmemo) or adse__links_acting. */
static uint32_t links_acting(mthread *th, int t, int j, uint32_t want)
{
    const mspace *sp = &th->S->sp;
    uint8_t key[FXMEMO_KEY], tail[sizeof want];
    memcpy(tail, &want, sizeof want);
    size_t slot;
    int len = orders_key(th, t, true, (uint64_t)j, tail, (int)sizeof tail, key, &slot);
    fxmemo_entry *e;
    if (!memo_find(th, th->lkmemo, j, key, len, slot, &e))
        e->v[0] = adse__links_acting(sp->model, &th->map, th->scratch, j, want);
    return (uint32_t)e->v[0];
}

/* Temporal tiling level t's order is complete: the model's Fill_k (k = the storage level
 * below t) is now exact, and the least fills of the levels below given the orders fixed so
 * far (F7) tighter; bound with them and with the links they leave (F16), then enumerate the
 * inner levels' orders. */
static void order_leaf(mthread *th, int t, int k)
{
    const mspace *sp = &th->S->sp;
    adse__order_apply(sp, t, &th->ord[t], &th->map);
    fills_below(th, t, k, fills_exact(th, k));
    size_t kb = sizeof th->fill_ex[0] * (size_t)(k + 1);
    uint32_t nl = k + 1 < sp->L ? th->nolink[k + 1] : 0;
    if (!th->leaf_ok[t] || memcmp(th->leaf_key[t], th->fill_ex, kb) != 0 ||
        memcmp(th->leaf_ukey[t], th->ufill_ex, kb) != 0 || th->leaf_nolink[t] != nl) {
        orders_bound(th, 0, &th->leaf_lb[t]);
        memcpy(th->leaf_key[t], th->fill_ex, kb);
        memcpy(th->leaf_ukey[t], th->ufill_ex, kb);
        th->leaf_nolink[t] = nl;
        th->leaf_ok[t] = true;
    }
    if (prunable(th, &th->leaf_lb[t])) return;
    orders_dfs(th, t - 1);
}

/* The prefixes' memo (mthread.pfmemo): with the orders of the temporal levels above t and
 * the first p + 1 free loops of t's fixed (k the storage level below t), the least fills of
 * the levels c <= k over the completions (adse__least_fill) depend on the factorization and
 * those orders only, not on the keep choice: an entry, as fills_entry's, holds its key whole
 * and v[NDS c + d] for every data space. */
static const fxmemo_entry *prefix_entry(mthread *th, int t, int k, int p)
{
    const mspace *sp = &th->S->sp;
    const morder *o = &th->ord[t];
    int nfix = o->n_pre + p + 1;
    uint8_t key[FXMEMO_KEY], tail[1 + ADSE_MAX_DIMS];
    tail[0] = (uint8_t)nfix;
    memcpy(tail + 1, o->dims, (size_t)nfix);
    size_t slot;
    int len = orders_key(th, t + 1, false, (uint64_t)t, tail, 1 + nfix, key, &slot);
    fxmemo_entry *e;
    if (memo_find(th, th->pfmemo, t, key, len, slot, &e)) return e;
    const uint64_t(*f)[ADSE_MAX_DIMS] = (const uint64_t(*)[ADSE_MAX_DIMS])th->f;
    for (int c = 0; c <= k; c++)
        for (int d = 0; d < sp->NDS; d++)
            e->v[sp->NDS * c + d] = adse__least_fill(sp, f, &th->info, th->ord, t, p + 1, c, d);
    return e;
}

/* Lower bound of every completion of temporal level t's order whose first p + 1 free
 * (infix) loops, innermost first, are fixed: prunable or not (docs/mapper.md 4.2, "order
 * prefixes"). Every level c <= k (k = the storage level below t) gets the least fill over
 * the completions (F7: for a data space with the model's closed form, the completion that
 * places the remaining free loops irrelevant to it first at the innermost level above c
 * with a relevant loop; for the others F2's bound); the levels above k have exact fills. */
static bool prefix_prunable(mthread *th, int t, int k, int p)
{
    const mspace *sp = &th->S->sp;
    const fxmemo_entry *e = prefix_entry(th, t, k, p);
    for (int c = 0; c <= k; c++)
        for (int d = 0; d < sp->NDS; d++)
            if ((th->map.keep[d] >> c) & 1u) {
                th->fill_ex[c][d] = e->v[sp->NDS * c + d];
                th->ufill_ex[c][d] = 0;
            }
    memcpy(th->nolink, th->nolink_free,
           sizeof th->nolink[0] * (size_t)(k + 2 < sp->L ? k + 2 : sp->L));
    mvals lv;
    orders_bound(th, 0, &lv);
    return prunable(th, &lv);
}

/* With the first p free loops of temporal level t placed (dims[n_pre .. n_pre + p)), do all
 * completions give the same counts? Under sp->order_sig they do when every data space has a
 * relevant loop among the loops placed so far (the fixed prefix P' included) or none among
 * the free loops still to place: the loops before its first relevant loop, the only part of
 * the order its fills depend on, are then settled (docs/mapper.md 4.2, "settled orders"). */
static bool order_settled(const mspace *sp, const morder *o, int p)
{
    if (!sp->order_sig) return false;
    uint32_t placed = 0, rest = 0;
    for (int i = 0; i < o->n_pre + p; i++)
        placed |= 1u << o->dims[i];
    for (int i = o->n_pre + p; i < o->n_pre + o->n_inf; i++)
        rest |= 1u << o->dims[i];
    for (int d = 0; d < sp->NDS; d++)
        if (!(sp->relevant[d] & placed) && (sp->relevant[d] & rest)) return false;
    return true;
}

/* The free loops of temporal level t in lexicographic order (the order of
 * adse__order_next_perm), as a tree: position p of the infix takes each remaining loop in
 * ascending order, and a prefix whose bound cannot beat the incumbent is skipped whole.
 * On entry and exit dims[n_pre + p ..] are ascending. */
static void perm_dfs(mthread *th, int t, int k, int p)
{
    const mspace *sp = &th->S->sp;
    morder *o = &th->ord[t];
    uint8_t *a = o->dims + o->n_pre;
    int n = o->n_inf;
    bool kept_any = false; /* else the prefixes' bounds are all the parent's */
    uint32_t below = (2u << k) - 1u;
    for (int d = 0; d < sp->NDS; d++)
        if (th->map.keep[d] & below) kept_any = true;
    const uint64_t(*f)[ADSE_MAX_DIMS] = (const uint64_t(*)[ADSE_MAX_DIMS])th->f;
    bool leaf = p >= n - 1 || order_settled(sp, o, p);
    /* boundary shifts: skip the orders whose innermost loop could move down to the level
     * below (ties of earlier mappings), tested once that loop is known: the constraints'
     * prefix or the leaf's first loop here, each loop placed first below */
    if (p == 0 && (o->n_pre > 0 || leaf) && o->n > 0 &&
        adse__shift_tie(sp, f, th->map.keep, t, o->dims[0]))
        return;
    /* a settled prefix: only its first completion, the remaining loops ascending */
    if (leaf) {
        order_leaf(th, t, k);
        return;
    }
    for (int i = p; i < n; i++) {
        uint8_t x = a[i];
        memmove(a + p + 1, a + p, (size_t)(i - p));
        a[p] = x;
        if ((p > 0 || o->n_pre > 0 || !adse__shift_tie(sp, f, th->map.keep, t, x)) &&
            (p + 2 >= n || !kept_any || !prefix_prunable(th, t, k, p)))
            perm_dfs(th, t, k, p + 1);
        memmove(a + p, a + p + 1, (size_t)(i - p));
        a[i] = x;
        if (th->abort) return;
    }
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
    check_clock(th); /* a node of the work clock (evaluate counts the leaves) */
    if (th->abort) return;
    const mtl *l = &sp->tl[t];
    int k = -1; /* level whose fill becomes exact at t */
    if (!l->spatial && l->storage > 0) k = l->storage - 1;
    if (!order_reset(th, t)) return;
    if (k >= 0 && !l->canonical) {
        th->leaf_ok[t] = false;
        perm_dfs(th, t, k, 0);
        return;
    }
    /* A spatial level of storage level j >= 1: with its order and split fixed, the model
     * tells whether links act through j's fanout (F16). Where the orders above left them
     * possible (want) and this order has none, bound again without them. */
    int j = l->spatial ? l->storage : 0;
    uint32_t want = 0, saved = th->nolink[j];
    for (int d = 0; d < sp->NDS && j >= 1; d++)
        if (adse__links_possible(sp, &th->info, j, d, true, th->nolink)) want |= 1u << d;
    do {
        adse__order_apply(sp, t, &th->ord[t], &th->map);
        if (want) {
            uint32_t act = links_acting(th, t, j, want);
            th->nolink[j] = saved | (want & ~act);
            if (th->nolink[j] != saved) {
                /* the levels below j have no verdict of their own here, and the least
                 * fills over their orders, as at j's temporal level's leaf */
                memcpy(th->nolink, th->nolink_free, sizeof th->nolink[0] * (size_t)j);
                fills_below(th, sp->t_of[j], j - 1, fills_entry(th, j - 1));
                mvals lv;
                orders_bound(th, 0, &lv);
                if (prunable(th, &lv)) continue;
            }
        }
        if (k >= 0) {
            fills_exact(th, k);
            mvals lv;
            orders_bound(th, k, &lv);
            if (prunable(th, &lv)) continue;
        }
        orders_dfs(th, t - 1);
        if (th->abort) break;
        /* storage level 0's temporal order changes no count under sp->order_sig (its reads
         * are the product of its loops, model.md 4.6): only the first */
    } while (!(sp->order_sig && !l->spatial && k < 0) && order_advance(th, t));
    if (want) th->nolink[j] = saved;
}

/* Bounds lexicographically (unused metric slots are 0), then a and b's positions. */
static int bound_cmp(const mvals *la, const mvals *lb, uint64_t a, uint64_t b)
{
    for (int k = 0; k < ADSE_MAX_METRICS; k++) {
        if (la->v[k] < lb->v[k]) return -1;
        if (la->v[k] > lb->v[k]) return 1;
    }
    return (a > b) - (a < b);
}

/* Best bound first, then generation order. */
static int keep_cmp(const void *pa, const void *pb)
{
    const mkeep *a = pa, *b = pb;
    return bound_cmp(&a->lb, &b->lb, (uint32_t)a->ord, (uint32_t)b->ord);
}

/* Data space d's share of the bound of a keep choice that keeps it at the levels of mask
 * (F2 fills, or F7's with lf), from the thread's memo when it has one (own: where to
 * compute it otherwise). */
static const mkeepds *keep_share(mthread *th, int d, uint32_t mask, int lf, mkeepds *own)
{
    const mspace *sp = &th->S->sp;
    mkeepds *e = own;
    if (th->kmemo) {
        size_t i = (((size_t)lf * (size_t)sp->NDS + (size_t)d) << sp->L) | mask;
        e = &th->kmemo[i];
        if (th->kmemo_tag[i] == th->kmemo_gen) return e;
        th->kmemo_tag[i] = th->kmemo_gen;
    }
    /* lf = 0 is the key that orders the keep choices, hence the tie rule: as it was */
    adse__bound_keep_ds(sp, &th->info, d, mask, NULL, NULL, sp->L, lf != 0,
                        lf ? th->nolink_free : NULL, e);
    return e;
}

/* The metric vector of the bound summed from the data spaces' shares (with or without the
 * bandwidths' cycles) into *v; true when it cannot beat the incumbent. */
static bool shares_prunable(mthread *th, const mkeepds *const *parts, bool bandwidth, mvals *v)
{
    const mspace *sp = &th->S->sp;
    mlb lb;
    adse__bound_keep_sum(sp, &th->info, parts, bandwidth, &lb);
    adse__metrics_lb(sp, &lb, v);
    return prunable(th, v);
}

/* The bounds of keep choice keep, number gen of its chunk, into kc; false when it cannot
 * beat the incumbent (it would never be visited: the chunk's choices run best bound first
 * until one is prunable by lb, a choice prunable by lbp is passed over, and the incumbent
 * only improves). Most choices of an open space end at the first test, which takes the
 * data spaces' F7 shares (memoized) without the cycles of their bandwidths: no more than
 * lbp (docs/mapper.md section 4.2). */
static bool keep_choice(mthread *th, const uint32_t *keep, mkeep *kc, int gen)
{
    const mspace *sp = &th->S->sp;
    const mkeepds *parts[ADSE_MAX_DATASPACES];
    mkeepds own[ADSE_MAX_DATASPACES];
    for (int d = 0; d < sp->NDS; d++)
        parts[d] = keep_share(th, d, keep[d], 1, &own[d]);
    if (shares_prunable(th, parts, false, &kc->lbp)) return false;
    if (shares_prunable(th, parts, true, &kc->lbp)) return false;
    for (int d = 0; d < sp->NDS; d++)
        parts[d] = keep_share(th, d, keep[d], 0, &own[d]);
    if (shares_prunable(th, parts, true, &kc->lb)) return false;
    memcpy(kc->keep, keep, sizeof kc->keep);
    kc->ord = gen;
    return true;
}

/* Entries of kmemo and kmemo_tag: per fill form (F2, F7), data space and keep mask. */
static size_t kmemo_size(const mspace *sp)
{
    return (size_t)2 * (size_t)sp->NDS << sp->L;
}

/* kmin's layout: per data space d, level j (0 .. L) and component e (0 energy, 1 last-level
 * accesses), 2^L entries indexed by the mask's bits at levels >= j (only 2^(L - j) used). */
static size_t kmin_size(const mspace *sp)
{
    return (size_t)sp->NDS * (size_t)(sp->L + 1) * 2u << sp->L;
}

static double *kmin_at(const mthread *th, int d, int j, int e)
{
    const mspace *sp = &th->S->sp;
    return th->kmin + ((((size_t)d * (size_t)(sp->L + 1) + (size_t)j) * 2u + (size_t)e) << sp->L);
}

/* The levels whose subsets may keep d (*can1), may leave it out (*can0). */
static void keep_can(int L, const ksubs *subs, const int *nsub, int d, uint32_t *can1,
                     uint32_t *can0)
{
    *can1 = *can0 = 0;
    for (int i = 0; i < L; i++)
        for (int k = 0; k < nsub[i]; k++)
            if ((subs[i][k] >> d) & 1u)
                *can1 |= 1u << i;
            else
                *can0 |= 1u << i;
}

/* The least share of each data space over the masks whose bits at levels >= j are given
 * and whose bits below are any the levels' subsets allow (a mask that keeps the data space
 * nowhere: HUGE_VAL). Every mask a keep choice can give is one of these, so their sum
 * bounds every choice below a subtree of the generation order (process_if). */
static void kmin_build(mthread *th, const ksubs *subs, const int *nsub)
{
    const mspace *sp = &th->S->sp;
    int L = sp->L;
    uint32_t n = 1u << L;
    for (int d = 0; d < sp->NDS; d++) {
        uint32_t can1, can0;
        keep_can(L, subs, nsub, d, &can1, &can0);
        double *e0 = kmin_at(th, d, 0, 0), *l0 = kmin_at(th, d, 0, 1);
        for (uint32_t m = 0; m < n; m++) {
            if (m == 0 || (m & ~can1) || (~m & ~can0 & (n - 1))) {
                e0[m] = l0[m] = HUGE_VAL;
                continue;
            }
            mkeepds own;
            const mkeepds *p = keep_share(th, d, m, 1, &own);
            e0[m] = p->energy;
            l0[m] = p->lla;
        }
        for (int j = 1; j <= L; j++)
            for (int e = 0; e < 2; e++) {
                const double *a = kmin_at(th, d, j - 1, e);
                double *b = kmin_at(th, d, j, e);
                for (uint32_t h = 0; h < (n >> j); h++)
                    b[h] = a[2 * h] < a[2 * h + 1] ? a[2 * h] : a[2 * h + 1];
            }
    }
}

/* Can no keep choice with the subsets idx[] at levels >= j beat the incumbent? Their first
 * test's bound (keep_choice: shares without the bandwidths' cycles) is at least the sum
 * of kmin's least shares, and the metrics are monotone in it. */
static bool keep_subtree_prunable(mthread *th, const ksubs *subs, const int *idx, int j)
{
    const mspace *sp = &th->S->sp;
    mkeepds part[ADSE_MAX_DATASPACES];
    const mkeepds *parts[ADSE_MAX_DATASPACES];
    for (int d = 0; d < sp->NDS; d++) {
        uint32_t h = 0;
        for (int i = sp->L - 1; i >= j; i--)
            h = h << 1 | ((subs[i][idx[i]] >> d) & 1u);
        part[d].energy = kmin_at(th, d, j, 0)[h];
        part[d].lla = kmin_at(th, d, j, 1)[h];
        if (part[d].energy == HUGE_VAL) return true; /* no choice here keeps d */
        parts[d] = &part[d];
    }
    mvals v;
    return shares_prunable(th, parts, false, &v);
}

/* The number of keep choices of levels 0 .. j - 1 (any subsets) that keep every data
 * space of u somewhere: inclusion-exclusion over the subsets t of u of the choices that
 * keep none of t. False if a product could exceed 2^56 (then nothing is skipped). */
bool adse__keep_count(const ksubs *subs, const int *nsub, int j, uint32_t u, uint64_t *out)
{
    int64_t total = 0;
    for (uint32_t t = u;; t = (t - 1) & u) {
        uint64_t prod = 1;
        for (int i = 0; i < j; i++) {
            uint64_t c = 0;
            for (int k = 0; k < nsub[i]; k++)
                c += (subs[i][k] & t) == 0;
            if (c && prod > (UINT64_C(1) << 56) / c) return false;
            prod *= c;
        }
        total += __builtin_popcount(t) & 1 ? -(int64_t)prod : (int64_t)prod;
        if (t == 0) break;
    }
    *out = (uint64_t)total;
    return true;
}

/* The root of the generation order (keep_subtree_prunable with every level free), its
 * least shares taken keeper by keeper (adse__keep_ds_least) rather than over every mask:
 * most factorizations of an open space end here. The shares of the data spaces in redo are
 * taken again, the others' kept in part[] from the previous call. */
static bool root_prunable(mthread *th, const ksubs *subs, const int *nsub, uint32_t redo,
                          mkeepds *part)
{
    const mspace *sp = &th->S->sp;
    const mkeepds *parts[ADSE_MAX_DATASPACES];
    for (int d = 0; d < sp->NDS; d++) {
        if ((redo >> d) & 1u) {
            uint32_t can1, can0;
            keep_can(sp->L, subs, nsub, d, &can1, &can0);
            adse__keep_ds_least(sp, &th->info, d, can1, can0, th->nolink_free, &part[d].energy,
                                &part[d].lla);
        }
        if (part[d].energy == HUGE_VAL) return true; /* no choice keeps d */
        parts[d] = &part[d];
    }
    mvals v;
    return shares_prunable(th, parts, false, &v);
}

/* Per level, the kept subsets that fit the tiles of info (larger subsets first), the
 * minimum utilization not required at level no_min (-1: none); false where a level has
 * none. */
static bool keep_subsets(const mspace *sp, const mifinfo *info, int no_min, ksubs *subs, int *nsub)
{
    int NDS = sp->NDS;
    uint32_t full = (1u << NDS) - 1u;
    for (int i = 0; i < sp->L; i++) {
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
                if (i != no_min && (double)sum < (double)b->effective_size * b->min_utilization)
                    continue;
            }
            subs[i][nsub[i]++] = (uint8_t)s;
        }
        if (nsub[i] == 0) return false;
    }
    return true;
}

/* The root test's first step (root_prunable over adse__if_info_base's parts), then with the
 * sliding windows' steps of the loops below tiling level NT - 2 (adse__if_info_slides_low),
 * at the node where that level starts (mspace.split_step): for the factorization that
 * leaves all of what remains to the outermost level, the minimum utilization of storage
 * level L - 2 not required. Its bound is at most that of every completion of the node
 * (docs/mapper.md 4.2, "bound of the outermost levels' split"), so when it cannot beat the
 * incumbent, no completion can. */
static bool split_prunable(mthread *th)
{
    const mspace *sp = &th->S->sp;
    int T = sp->NT - 1;
    const uint64_t(*f)[ADSE_MAX_DIMS] = (const uint64_t(*)[ADSE_MAX_DIMS])th->f;
    for (int x = 0; x < sp->D; x++)
        th->f[T][x] = th->rem[x];
    adse__if_info_base(sp, f, &th->info);
    ksubs subs[ADSE_MAX_LEVELS];
    int nsub[ADSE_MAX_LEVELS];
    bool pruned = !keep_subsets(sp, &th->info, sp->L - 2, subs, nsub);
    if (!pruned) {
        memset(th->nolink_free, 0, sizeof th->nolink_free);
        mkeepds part[ADSE_MAX_DATASPACES];
        pruned = root_prunable(th, subs, nsub, (1u << sp->NDS) - 1u, part);
        uint32_t redo = pruned ? 0 : adse__if_info_slides_low(sp, f, T - 1, &th->info);
        pruned = pruned || (redo && root_prunable(th, subs, nsub, redo, part));
    }
    for (int x = 0; x < sp->D; x++)
        th->f[T][x] = 1;
    return pruned;
}

static void process_if(mthread *th)
{
    msearch *S = th->S;
    const mspace *sp = &S->sp;
    int L = sp->L, NDS = sp->NDS;
    if (sp->min_parallelism > 0 && parallelism(th, sp->NT - 1) < sp->min_parallelism) return;
    mifinfo *info = &th->info;
    const uint64_t(*f)[ADSE_MAX_DIMS] = (const uint64_t(*)[ADSE_MAX_DIMS])th->f;
    adse__if_info_base(sp, f, info);
    ksubs subs[ADSE_MAX_LEVELS];
    int nsub[ADSE_MAX_LEVELS];
    uint32_t full = (1u << NDS) - 1u;
    if (!keep_subsets(sp, info, -1, subs, nsub)) return;
    /* The root test in up to three steps, each bound at most the next (adse__if_info): most
     * factorizations of an open space with sliding windows end at the first two, before
     * the costlier parts are computed. A step is tested where it may prune alone (the
     * problem has a sliding window; links are on) and the parts since the last test raised
     * something; only the data spaces they raised are priced again. */
    memset(th->nolink_free, 0, sizeof th->nolink_free);
    mkeepds part[ADSE_MAX_DATASPACES];
    uint32_t redo = (1u << NDS) - 1u; /* the data spaces priced from info's older parts */
    if (sp->any_sliding) {
        if (root_prunable(th, subs, nsub, redo, part)) return;
        redo = 0;
    }
    redo |= adse__if_info_slides(sp, f, info);
    if (redo && sp->links_on) {
        if (root_prunable(th, subs, nsub, redo, part)) return;
        redo = 0;
    }
    /* the bound of the level below the outermost, which node_ok left to this node, is
     * taken only once a keep choice survives its own bounds (last_node_prunable) */
    bool last_due = sp->NT >= 2 && sp->any_sliding;
    if (last_due) {
        for (int x = 0; x < sp->D && !th->abort; x++)
            check_clock(th);
        if (th->abort) return;
    }
    redo |= adse__if_info_union(sp, f, info);
    /* F16 (d): the fanouts no link crosses, whatever the orders */
    for (int j = 1; j < L; j++)
        for (int d = 0; d < NDS; d++)
            if (adse__links_possible(sp, info, j, d, true, NULL) &&
                !adse__links_window(sp, f, NULL, info, j - 1, d, sp->NT)) {
                th->nolink_free[j] |= 1u << d;
                redo |= 1u << d;
            }
    if (redo && root_prunable(th, subs, nsub, redo, part)) return;
    th->osum_ok = false;
    if (++th->omemo_gen == 0) { /* a new factorization: orders_bound's shares are stale */
        for (size_t i = 0; i < (size_t)NDS * OMEMO_SLOTS; i++)
            th->omemo[i].gen = 0;
        for (int i = 0; i < FXMEMO_SLOTS; i++) {
            size_t o = (size_t)i * th->fxmemo_stride;
            ((fxmemo_entry *)(th->fxmemo + o))->gen = 0;
            ((fxmemo_entry *)(th->lkmemo + o))->gen = 0;
            ((fxmemo_entry *)(th->pfmemo + o))->gen = 0;
        }
        th->omemo_gen = 1;
    }
    if (th->kmemo && ++th->kmemo_gen == 0) { /* a new factorization: the memo is stale */
        memset(th->kmemo_tag, 0, kmemo_size(sp) * sizeof *th->kmemo_tag);
        th->kmemo_gen = 1;
    }

    /* Factors into the mapping. */
    adse_mapping *m = &th->map;
    for (int i = 0; i < L; i++) {
        for (int x = 0; x < sp->D; x++) {
            m->temporal[i][x] = th->f[sp->t_of[i]][x];
            m->spatial[i][x] = sp->s_of[i] >= 0 ? th->f[sp->s_of[i]][x] : 1;
        }
    }

    /* boundary shifts (docs/mapper.md 4.2): the subsets of a level under which every order
     * is a tie of an earlier mapping; their choices are passed over like pruned ones */
    bool dead[ADSE_MAX_LEVELS][1u << ADSE_MAX_DATASPACES];
    for (int i = 0; i < L; i++) {
        uint32_t ok = 0;
        bool any = adse__shift_dead(sp, f, i, &ok);
        for (int k = 0; k < nsub[i]; k++)
            dead[i][k] = any && (subs[i][k] & ~ok) == 0;
    }
    if (th->kmin) kmin_build(th, subs, nsub);
    /* The keep choices that fit, with their bounds, in chunks of KEEP_CHUNK in generation
     * order (level 0's subset varying fastest; numbered gen, counting the choices that keep
     * every data space somewhere); within a chunk best bound first (ties in generation
     * order), so the first choice that cannot beat the incumbent ends the chunk. A choice
     * that cannot beat it when generated is dropped (keep_choice), and so is a whole
     * subtree of the generation order (the choices with given subsets at levels >= j) whose
     * least shares cannot: gen skips its count, so the others keep their numbers. */
    int idx[ADSE_MAX_LEVELS] = {0};
    uint64_t gen = 0;
    int fresh = L; /* the subtrees at levels 1 .. fresh start at idx */
    /* hi[i][d]: the keep bits of d at levels i .. L - 1 under idx, valid above level stale */
    uint32_t hi[ADSE_MAX_LEVELS + 1][ADSE_MAX_DATASPACES];
    memset(hi[L], 0, sizeof hi[L]);
    int stale = L - 1;
    bool more = true;
    while (more) {
        uint64_t start = gen / KEEP_CHUNK * KEEP_CHUNK;
        int n = 0; /* choices kept in the chunk */
        while (more && gen < start + KEEP_CHUNK) {
            int j = th->kmin ? fresh : 0;
            for (; j >= 1; j--) {
                if (!(j < L && dead[j][idx[j]]) && !keep_subtree_prunable(th, subs, idx, j))
                    continue;
                uint32_t u = full;
                for (int i = j; i < L; i++)
                    u &= ~(uint32_t)subs[i][idx[i]];
                uint64_t c;
                if (adse__keep_count(subs, nsub, j, u, &c)) {
                    gen += c;
                    break;
                }
            }
            if (j == 0) { /* no subtree skipped: the choice at idx itself */
                for (; stale >= 1; stale--)
                    for (int d = 0; d < NDS; d++)
                        hi[stale][d] = hi[stale + 1][d] |
                                       ((uint32_t)(subs[stale][idx[stale]] >> d) & 1u) << stale;
                uint32_t keep[ADSE_MAX_DATASPACES];
                bool ok = true;
                for (int d = 0; d < NDS; d++) {
                    keep[d] = hi[1][d] | ((subs[0][idx[0]] >> d) & 1u);
                    if (!keep[d]) ok = false;
                }
                if (ok && !dead[0][idx[0]] &&
                    keep_choice(th, keep, &th->keeps[n], (int)(gen - start)))
                    n++;
                gen += ok;
            }
            int i = j; /* the next subtree of level j */
            while (i < L && ++idx[i] == nsub[i])
                idx[i++] = 0;
            more = i < L;
            fresh = i;
            if (i < L && i > stale) stale = i;
        }
        qsort(th->keeps, (size_t)n, sizeof *th->keeps, keep_cmp);
        for (int a = 0; a < n; a++) {
            if (prunable(th, &th->keeps[a].lb)) break;
            if (prunable(th, &th->keeps[a].lbp)) continue;
            for (int d = 0; d < NDS; d++)
                m->keep[d] = th->keeps[a].keep[d];
            if (last_due) {
                last_due = false;
                if (last_node_prunable(th)) return;
            }
            memcpy(th->nolink, th->nolink_free, sizeof th->nolink);
            orders_dfs(th, sp->NT - 1);
            if (th->abort) return;
        }
    }
}

/* ---------------------------------------------------------------------------------------
 * Depth-first enumeration of factorizations
 * ------------------------------------------------------------------------------------- */

/* Can v be the factor of dimension x at tiling level t, r of the bound remaining and prod
 * the product of the level's earlier factors (spatial)? */
static bool factor_ok(const mspace *sp, int t, int x, uint64_t r, uint64_t prod, uint64_t v)
{
    const mtl *l = &sp->tl[t];
    if (v > r || r % v) return false;
    if (t == sp->NT - 1 && v != r) return false;
    if (l->eq[x] ? v != l->eq[x] : (v < l->lo[x] || v > l->hi[x])) return false;
    if (l->spatial && v > l->cap / prod) return false;
    if (t < sp->NT - 1) {
        uint64_t r2 = r / v, fa = sp->fix_above[t][x];
        if (r2 % fa) return false;
        uint64_t q = r2 / fa;
        if (q < sp->min_above[t][x] || q > sp->max_above[t][x]) return false;
    }
    return true;
}

/* The product of spatial tiling level t's factors of the dimensions before x (1 at a
 * temporal level): what bounds factor_ok's choice of x there. */
static uint64_t level_prod(const mthread *th, int t, int x)
{
    uint64_t prod = 1;
    if (th->S->sp.tl[t].spatial)
        for (int y = 0; y < x; y++)
            prod *= th->f[t][y];
    return prod;
}

/* Undoes enter_step. */
static void leave_step(mthread *th, int t, int x, uint64_t r, uint64_t v)
{
    th->tloops -= !th->S->sp.tl[t].spatial && v > 1;
    th->rem[x] = r;
    th->f[t][x] = 1;
}

/* The search's rule for a child: assigns factor v at step (t, x), r being what remains of
 * x's bound and prod level_prod, when the factor can complete a factorization, stays within
 * max_temporal_loops and node_ok passes (with the bound or not); false with nothing
 * assigned otherwise. */
static bool enter_step(mthread *th, int t, int x, uint64_t r, uint64_t prod, uint64_t v,
                       bool with_bound)
{
    const mspace *sp = &th->S->sp;
    if (!factor_ok(sp, t, x, r, prod, v)) return false;
    bool tloop = !sp->tl[t].spatial && v > 1;
    if (tloop && sp->set.max_temporal_loops && th->tloops >= sp->set.max_temporal_loops)
        return false;
    th->f[t][x] = v;
    th->rem[x] = r / v;
    th->tloops += tloop;
    if (node_ok(th, t, x, with_bound)) return true;
    leave_step(th, t, x, r, v);
    return false;
}

static void dfs(mthread *th, int step)
{
    msearch *S = th->S;
    const mspace *sp = &S->sp;
    int D = sp->D, NT = sp->NT;
    if (step == NT * D) {
        process_if(th);
        return;
    }
    int t = step / D, x = step % D;
    /* the outermost level's steps, where process_if takes the bound of the level below it,
     * are counted there, once the root test's first steps have kept the node */
    if (t < NT - 1 || !sp->any_sliding) check_clock(th);
    if (th->abort) return;
    /* halo-free problems: the keep choices' bounds prune what it would (docs/mapper.md 4.2) */
    if (step == sp->split_step && sp->any_sliding && step >= th->base && split_prunable(th)) return;
    uint64_t r = th->rem[x], prod = level_prod(th, t, x);
    const uint64_t *dv = sp->divs[x];
    /* kend[step] may be lowered meanwhile: the rest of the loop given away (give_piece). */
    th->kend[step] = sp->n_divs[x];
    bool spatial = sp->tl[t].spatial;
    for (int k = step == th->base ? th->from_k : 0; k < th->kend[step]; k++) {
        th->kcur[step] = k;
        th->spatial_short = false;
        if (!enter_step(th, t, x, r, prod, dv[k], true)) {
            if (spatial && th->spatial_short && smaller_short(th, t, x, r, dv[k])) break;
            continue;
        }
        dfs(th, step + 1);
        leave_step(th, t, x, r, dv[k]);
        if (th->abort) break;
    }
    th->kend[step] = -1;
}

static void thread_reset(mthread *th)
{
    const mspace *sp = &th->S->sp;
    for (int t = 0; t < MAP_MAX_TL; t++)
        for (int x = 0; x < ADSE_MAX_DIMS; x++)
            th->f[t][x] = 1;
    for (int x = 0; x < sp->D; x++)
        th->rem[x] = sp->prob->bounds[x];
    th->tloops = 0;
}

/* Sets th's factors to the prefix fp of depth steps (divisor indices), the rest unassigned. */
static void set_prefix(mthread *th, const uint16_t *fp, int depth)
{
    const mspace *sp = &th->S->sp;
    /* from the last prefix set: item generation and the items' bounds set the nodes' prefixes
     * in enumeration order, so successive ones share their first steps (from scratch, each
     * costing its depth, set_prefix took 17 % of the seed design's hardware search) */
    int s0 = 0;
    if (th->pfx_len >= 0) {
        int n = th->pfx_len < depth ? th->pfx_len : depth;
        while (s0 < n && th->pfx[s0] == fp[s0])
            s0++;
        for (int s = th->pfx_len - 1; s >= s0; s--) { /* undo the last prefix's other steps */
            int t = s / sp->D, x = s % sp->D;
            uint64_t v = sp->divs[x][th->pfx[s]];
            if (v == 1) continue;
            th->f[t][x] = 1;
            th->rem[x] *= v;
            th->tloops -= !sp->tl[t].spatial;
        }
    } else {
        thread_reset(th);
    }
    for (int s = s0; s < depth; s++) {
        int t = s / sp->D, x = s % sp->D;
        uint64_t v = sp->divs[x][fp[s]];
        th->pfx[s] = fp[s];
        if (v == 1) continue;
        th->f[t][x] = v;
        th->rem[x] /= v;
        th->tloops += !sp->tl[t].spatial;
    }
    th->pfx_len = depth;
}

/* Item k's bound: that of its partial factorization, complete tiling levels only. */
static void item_bound(mthread *th, uint32_t k)
{
    msearch *S = th->S;
    mitem *it = &S->items[k];
    set_prefix(th, it->fp, it->depth);
    int t = it->depth / S->sp.D - 1;
    node_lb(th, t, HUGE_VAL, &it->lb);
    /* The run order's key: the bound with F10 as it stood before F10 across levels (which
     * ranked the items whose bound it raises after items whose bound is merely weaker, and
     * cost the anytime answers at short limits; docs/mapper.md section 6). Without F10's
     * tables the two are the same bound. */
    if (S->sp.refill || S->sp.xrefill)
        node_lb_f10(th, t, HUGE_VAL, false, &it->key);
    else
        it->key = it->lb;
}

#define BOUND_CHUNK 32 /* items a thread bounds at a time */

/* Bounds items until none is left (one of the threads of bound_items). */
static void *bound_work(void *arg)
{
    mthread *th = arg;
    msearch *S = th->S;
    for (;;) {
        uint32_t k = atomic_fetch_add(&S->next_bound, BOUND_CHUNK);
        if (k >= S->n_items) break;
        uint32_t e = k + BOUND_CHUNK < S->n_items ? k + BOUND_CHUNK : S->n_items;
        for (; k < e; k++)
            item_bound(th, k);
    }
    return NULL;
}

/* The items' bounds, on all threads (each is a function of its prefix alone). */
static void bound_items(msearch *S)
{
    pthread_t tid[256];
    int started = 0;
    atomic_init(&S->next_bound, 0u);
    int want = S->nthreads;
    if ((uint32_t)want > S->n_items / BOUND_CHUNK) want = (int)(S->n_items / BOUND_CHUNK);
    for (int k = 1; k < want; k++) {
        if (pthread_create(&tid[k], NULL, bound_work, &S->th[k]) != 0) break;
        started++;
    }
    bound_work(&S->th[0]);
    for (int k = 1; k <= started; k++)
        adse__thread_join(tid[k]);
}

/* Item generation: appends to out, from index *m on (depth + 1 divisor indices each), the
 * children the search enters below the node of prefix fp (depth steps), in enumeration
 * order; false when they would make more than ITEM_MAX. */
static bool children(mthread *th, const uint16_t *fp, int depth, uint16_t *out, uint32_t *m)
{
    const mspace *sp = &th->S->sp;
    set_prefix(th, fp, depth);
    int t = depth / sp->D, x = depth % sp->D;
    uint64_t r = th->rem[x], prod = level_prod(th, t, x);
    for (int k = 0; k < sp->n_divs[x]; k++) {
        uint64_t v = sp->divs[x][k];
        if (!enter_step(th, t, x, r, prod, v, false)) continue;
        leave_step(th, t, x, r, v);
        if (*m == ITEM_MAX) return false;
        uint16_t *o = out + (size_t)*m * (size_t)(depth + 1);
        memcpy(o, fp, sizeof *fp * (size_t)depth);
        o[depth] = (uint16_t)k;
        ++*m;
    }
    return true;
}

/* Cut depth: the smallest with at least ITEM_TARGET nodes (ITEM_TARGET_BIG in a big
 * mapspace: finer items balance the threads and, taken best bound first, find good
 * incumbents sooner), never with more than ITEM_MAX; one item, the root, for a subsearch of
 * the anytime steps and for a mapspace of at most SMALL_SPACE mappings (sub: its share of
 * the time is small; a small space's search is short, e.g. a hardware search's designs:
 * making and bounding hundreds of items would take much of it; the threads split pieces
 * off the root as off any item). Any cut gives the same result
 * (docs/mapper.md section 6). The nodes are found depth by depth (the children of every
 * node of one depth, in enumeration order, are the next depth's), so each node above the
 * cut is checked once; their bounds are computed on all threads. */
static adse_status make_items(msearch *S, bool sub, adse_err *err)
{
    const mspace *sp = &S->sp;
    mthread *th = &S->th[0];
    int total = sp->NT * sp->D, depth = 0;
    uint32_t target = sub || sp->size <= SMALL_SPACE ? 1
                      : sp->size > BIG_SPACE         ? ITEM_TARGET_BIG
                                                     : ITEM_TARGET,
             n = 1;
    th->cur = SEED_POS;
    th->own.found = false;
    /* not zeroed: every field of an item is written when it is made (4 MB that glibc would
     * otherwise clear on every search, most of it never used) */
    S->items = malloc((ITEM_MAX + ITEM_DYN_MAX) * sizeof *S->items);
    S->dyn_max = ITEM_DYN_MAX;
    uint16_t *f = malloc(sizeof *f); /* the prefixes of depth `depth` */
    while (S->items && f && depth < total && n < target) {
        uint16_t *nf = malloc(sizeof *nf * (size_t)(ITEM_MAX + 1) * (size_t)(depth + 1));
        uint32_t m = 0;
        bool over = false;
        for (uint32_t i = 0; nf && i < n && !over; i++)
            over = !children(th, f + (size_t)i * (size_t)depth, depth, nf, &m);
        if (nf && over) free(nf);
        if (over) break; /* too many nodes: too deep */
        free(f);
        f = nf;
        n = m;
        depth++;
    }
    S->item_f = f;
    if (!S->items || !f) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    for (uint32_t k = 0; k < n; k++) {
        mitem *it = &S->items[k];
        it->depth = depth;
        it->k_from = 0;
        it->off = k * (uint32_t)depth;
        it->fp = S->item_f + it->off;
        it->pos = (uint64_t)k << POS_SHIFT;
        it->pos_end = (uint64_t)(k + 1) << POS_SHIFT;
        it->t_start = 0;
        it->done = false;
    }
    S->n_items = S->n_static = S->static_end = n;
    bound_items(S);
    return ADSE_OK;
}

/* ---------------------------------------------------------------------------------------
 * Threads
 * ------------------------------------------------------------------------------------- */

static void run_item(mthread *th, uint32_t k)
{
    msearch *S = th->S;
    const mspace *sp = &S->sp;
    mitem *it = &S->items[k];
    th->item = k;
    th->cur = it->pos;
    th->cur_end = it->pos_end;
    th->own.found = false;
    th->abort = false;
    it->done = false;
    if (atomic_load(&S->stop)) return;
    /* a generated item finished before a strong start (mdone: skip->n is n_static) */
    if (S->skip && mdone_has(S->skip, k)) {
        it->done = true;
        atomic_fetch_add(&S->n_done, 1u);
        return;
    }
    if (prunable(th, &it->lb)) {
        it->done = true;
        if (k < S->n_static) atomic_fetch_add(&S->n_done, 1u);
        return;
    }
    set_prefix(th, it->fp, it->depth);
    th->pfx_len = -1; /* the search below changes f, rem and tloops */
    th->base = it->depth;
    th->from_k = it->k_from;
    for (int s = it->depth; s < sp->NT * sp->D; s++)
        th->kend[s] = -1;
    dfs(th, it->depth);
    th->base = -1;
    it->done = !th->abort;
    if (it->done && k < S->n_static) atomic_fetch_add(&S->n_done, 1u);
}

/* Is item a to run before item b: the lesser run-order key, then the earlier position? */
static bool item_before(const msearch *S, uint32_t a, uint32_t b)
{
    return bound_cmp(&S->items[a].key, &S->items[b].key, S->items[a].pos, S->items[b].pos) < 0;
}

static void heap_push(msearch *S, uint32_t k)
{
    uint32_t i = S->heap_n++;
    while (i > 0 && item_before(S, k, S->heap[(i - 1) / 2])) {
        S->heap[i] = S->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    S->heap[i] = k;
}

static uint32_t heap_pop(msearch *S)
{
    uint32_t top = S->heap[0], last = S->heap[--S->heap_n], i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= S->heap_n) break;
        if (c + 1 < S->heap_n && item_before(S, S->heap[c + 1], S->heap[c])) c++;
        if (!item_before(S, S->heap[c], last)) break;
        S->heap[i] = S->heap[c];
        i = c;
    }
    if (S->heap_n > 0) S->heap[i] = last;
    return top;
}

/* Asked for a piece of the current item (work stealing): gives away the rest of the
 * shallowest open DFS loop that has a factor left, as a new item positioned in the upper
 * half of this item's interval (after everything this item keeps, which is enumerated
 * first), or says there is nothing to give. */
static void give_piece(mthread *th)
{
    msearch *S = th->S;
    const mspace *sp = &S->sp;
    int D = sp->D;
    adse__mutex_lock(&S->qmu);
    atomic_store_explicit(&th->split_req, false, memory_order_relaxed);
    int top = th->base, best_s = -1, best_k = -1;
    while (top >= 0 && top < sp->NT * D && th->kend[top] >= 0)
        top++;
    bool room = th->base >= 0 && th->cur_end - th->cur >= 2 && th->cur != SEED_POS &&
                S->n_items < S->n_static + S->dyn_max;
    if (room) {
        uint64_t r[ADSE_MAX_DIMS]; /* what remains of each bound before step s's choice */
        memcpy(r, th->rem, sizeof r);
        for (int s = top - 1; s >= th->base; s--) {
            int t = s / D, x = s % D;
            r[x] *= th->f[t][x];
            uint64_t prod = 1;
            if (sp->tl[t].spatial)
                for (int y = 0; y < x; y++)
                    prod *= th->f[t][y];
            for (int k = th->kcur[s] + 1; k < th->kend[s]; k++)
                if (factor_ok(sp, t, x, r[x], prod, sp->divs[x][k])) {
                    best_s = s; /* the shallowest wins */
                    best_k = k;
                    break;
                }
        }
    }
    uint16_t *fp = best_s >= 0 ? malloc(sizeof *fp * (size_t)(best_s + 1)) : NULL;
    if (fp) {
        const mitem *own = &S->items[th->item];
        for (int s = 0; s < best_s; s++)
            fp[s] = (uint16_t)(s < th->base ? own->fp[s] : th->kcur[s]);
        uint32_t k = S->n_items++;
        mitem *it = &S->items[k];
        uint64_t mid = th->cur + (th->cur_end - th->cur) / 2;
        it->depth = best_s;
        it->k_from = best_k;
        it->fp = fp;
        it->pos = mid;
        it->pos_end = th->cur_end;
        it->lb = own->lb;
        it->key = own->key;
        it->t_start = th->run_t0;
        it->done = false;
        th->cur_end = mid;
        th->kend[best_s] = th->kcur[best_s] + 1;
        heap_push(S, k);
    } else {
        th->no_split = true;
    }
    if (S->waiting) adse__cond_broadcast(&S->qcv);
    adse__mutex_unlock(&S->qmu);
}

/* The next item for th (its previous one done), or false when none is left. A generated
 * item or a piece waiting is taken, the least (bound, position) first; but when a running
 * item has a lesser bound, a piece of it is asked for first, so the threads stay on the
 * most promising subtrees as one thread would. */
static bool take_item(mthread *th, uint32_t *out)
{
    const double split_age = adse__split_after_s;
    msearch *S = th->S;
    adse__mutex_lock(&S->qmu);
    th->running = false;
    atomic_store_explicit(&th->split_req, false, memory_order_relaxed);
    if (S->waiting) adse__cond_broadcast(&S->qcv);
    if (th->patient_until == 0) th->patient_until = adse_clock_s() + split_age;
    bool no_wait = false; /* a victim did not answer: take what there is */
    for (;;) {
        bool have = false, piece = false;
        uint32_t cand = 0;
        if (S->next_static < S->static_end) {
            have = true;
            cand = S->run_order[S->next_static];
        }
        if (S->heap_n > 0 && (!have || item_before(S, S->heap[0], cand))) {
            have = piece = true;
            cand = S->heap[0];
        }
        mthread *victim = NULL;
        double now = adse_clock_s();
        if (!piece && !no_wait && !atomic_load(&S->stop))
            for (int j = 0; j < S->nthreads; j++) {
                mthread *y = &S->th[j];
                if (y == th || !y->running || y->no_split) continue;
                if (now - y->run_t0 < split_age && now >= th->patient_until) continue;
                if (have &&
                    bound_cmp(&y->run_lb, &S->items[cand].key, y->run_pos, S->items[cand].pos) >= 0)
                    continue;
                if (!victim ||
                    bound_cmp(&y->run_lb, &victim->run_lb, y->run_pos, victim->run_pos) < 0)
                    victim = y;
            }
        if (victim && now - victim->run_t0 < split_age) {
            /* Starting: rather than run a worse item beside the best one, let the latter
             * run a little and take a piece of it (at most split_age of waiting). */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            double w = split_age - (now - victim->run_t0);
            long ns = ts.tv_nsec + (long)(w * 1e9);
            ts.tv_sec += ns / 1000000000L;
            ts.tv_nsec = ns % 1000000000L;
            S->waiting++;
            int rc = pthread_cond_timedwait(&S->qcv, &S->qmu, &ts);
            if (rc != 0 && rc != ETIMEDOUT) abort();
            S->waiting--;
            continue;
        }
        if (victim) {
            /* The victim answers at its next node or evaluation, within microseconds when
             * it runs: wait for that awake (a sleeping thread takes longer to wake than
             * that), then asleep until it answers or its item ends. */
            atomic_store_explicit(&victim->split_req, true, memory_order_relaxed);
            adse__mutex_unlock(&S->qmu);
            double until = adse_clock_s() + SPIN_S;
            for (unsigned i = 1; atomic_load_explicit(&victim->split_req, memory_order_relaxed);
                 i++)
                if (i % 64 == 0 && adse_clock_s() > until) break;
            adse__mutex_lock(&S->qmu);
            if (atomic_load_explicit(&victim->split_req, memory_order_relaxed) && victim->running) {
                /* Not answered: the victim is not running (another process has its core).
                 * Rather than wait for it, take the next item if there is one (the piece,
                 * when it comes, waits in the heap). */
                if (S->next_static < S->static_end || S->heap_n > 0) {
                    no_wait = true;
                    continue;
                }
                S->waiting++;
                adse__cond_wait(&S->qcv, &S->qmu);
                S->waiting--;
            }
            continue;
        }
        if (!have) break;
        if (piece)
            heap_pop(S);
        else
            S->next_static++;
        th->running = true;
        th->no_split = false;
        th->run_lb = S->items[cand].key;
        th->run_pos = S->items[cand].pos;
        th->run_t0 = piece ? S->items[cand].t_start : adse_clock_s();
        *out = cand;
        adse__mutex_unlock(&S->qmu);
        return true;
    }
    adse__mutex_unlock(&S->qmu);
    return false;
}

/* Runs items until none is left. */
static void *work(void *arg)
{
    mthread *th = arg;
    uint32_t k;
    while (take_item(th, &k))
        run_item(th, k);
    return NULL;
}

static void thread_free(mthread *th)
{
    adse_scratch_free(th->scratch);
    adse__spcache_free(th->spcache);
    free(th->res);
    free(th->keeps);
    free(th->fxmemo);
    free(th->lkmemo);
    free(th->pfmemo);
    free(th->omemo);
    free(th->smemo);
    free(th->kmemo);
    free(th->kmemo_tag);
    free(th->kmin);
}

static int thread_count(const mspace *sp)
{
    int nt = sp->set.threads;
    if (nt == 0) nt = adse_cpu_count();
    return nt > 256 ? 256 : nt;
}

/* Allocates the threads' state; false when out of memory. */
static bool threads_alloc(msearch *S, const adse_model *model)
{
    const mspace *sp = &S->sp;
    S->th = aligned_alloc(CACHE_LINE, (size_t)S->nthreads * sizeof *S->th);
    if (!S->th) return false;
    memset(S->th, 0, (size_t)S->nthreads * sizeof *S->th);
    bool ok = true;
    for (int k = 0; k < S->nthreads; k++) {
        mthread *th = &S->th[k];
        th->S = S;
        th->cur = SEED_POS;
        th->base = -1;
        atomic_init(&th->split_req, false);
        th->scratch = adse_scratch_new(model);
        th->spcache = adse__spcache_new();
        th->res = malloc(sizeof *th->res);
        th->keeps = malloc(sizeof *th->keeps * KEEP_CHUNK);
        th->fxmemo_stride =
            sizeof(fxmemo_entry) + sizeof(uint64_t) * (size_t)sp->L * (size_t)sp->NDS;
        th->fxmemo = calloc(FXMEMO_SLOTS + 1, th->fxmemo_stride);
        th->lkmemo = calloc(FXMEMO_SLOTS + 1, th->fxmemo_stride);
        th->pfmemo = calloc(FXMEMO_SLOTS + 1, th->fxmemo_stride);
        th->omemo = calloc((size_t)sp->NDS * OMEMO_SLOTS, sizeof *th->omemo);
        th->smemo = calloc(OMEMO_SLOTS, sizeof *th->smemo);
        if (!th->scratch || !th->spcache || !th->res || !th->keeps || !th->fxmemo || !th->lkmemo ||
            !th->pfmemo || !th->omemo || !th->smemo)
            ok = false;
        if (sp->L <= KMEMO_LEVELS) {
            th->kmemo = malloc(kmemo_size(sp) * sizeof *th->kmemo);
            th->kmemo_tag = calloc(kmemo_size(sp), sizeof *th->kmemo_tag);
            th->kmin = malloc(kmin_size(sp) * sizeof *th->kmin);
            if (!th->kmemo || !th->kmemo_tag || !th->kmin) ok = false;
        }
        adse_mapping_init(&th->map, sp->L, sp->D, sp->NDS);
        th->pfx_len = -1; /* the first set_prefix resets f, rem and tloops */
    }
    return ok;
}

typedef struct mrank {
    mvals key;
    uint32_t idx;
} mrank;

/* Least run-order key first, then item index. */
static int rank_cmp(const void *pa, const void *pb)
{
    const mrank *a = pa, *b = pb;
    return bound_cmp(&a->key, &b->key, a->idx, b->idx);
}

/* Item indices least run-order key first (mitem.key), and rest_lb; false when out of
 * memory. */
static bool rank_items(msearch *S)
{
    mrank *r = malloc(sizeof *r * (S->n_items ? S->n_items : 1));
    S->run_order = malloc(sizeof *S->run_order * (S->n_items ? S->n_items : 1));
    S->rest_lb = malloc(sizeof *S->rest_lb * (S->n_items ? S->n_items : 1));
    S->heap = malloc(sizeof *S->heap * ITEM_DYN_MAX);
    if (!r || !S->run_order || !S->rest_lb || !S->heap) {
        free(r);
        return false;
    }
    for (uint32_t k = 0; k < S->n_items; k++) {
        r[k].key = S->items[k].key;
        r[k].idx = k;
    }
    qsort(r, S->n_items, sizeof *r, rank_cmp);
    for (uint32_t k = 0; k < S->n_items; k++)
        S->run_order[k] = r[k].idx;
    free(r);
    for (uint32_t k = S->n_items; k-- > 0;) {
        const mvals *b = &S->items[S->run_order[k]].lb;
        S->rest_lb[k] =
            k + 1 < S->n_items && lex_less(&S->sp, &S->rest_lb[k + 1], b) ? S->rest_lb[k + 1] : *b;
    }
    return true;
}

/* Runs every item on nthreads threads (the calling thread included), best bound first: the
 * result does not depend on the order items run in (docs/mapper.md section 6), and good
 * incumbents early prune the rest. */
static void run_items(msearch *S)
{
    pthread_t tid[256];
    int started = 0;
    for (int k = 1; k < S->nthreads; k++) {
        if (pthread_create(&tid[k], NULL, work, &S->th[k]) != 0) break;
        started++;
    }
    work(&S->th[0]);
    for (int k = 1; k <= started; k++)
        adse__thread_join(tid[k]);
}

/* Adds the evaluations (and valid ones) of S's threads to *evaluated (*valid). */
static void thread_totals(const msearch *S, uint64_t *evaluated, uint64_t *valid)
{
    for (int k = 0; k < S->nthreads; k++) {
        *evaluated += S->th[k].evaluated;
        *valid += S->th[k].valid;
    }
}

/* Mappings excluded without evaluation (stats.pruned). */
static double pruned_of(double size, uint64_t evaluated)
{
    return size > (double)evaluated ? size - (double)evaluated : 0;
}

/* The statistics of a search: best (NULL: none found) and the least bound of the first
 * metric over what was not searched (lbv, at most best's); per-metric bounds apart. */
static void fill_stats(const mspace *sp, const mvals *best, bool all_done, double lbv,
                       const mitem *items, uint32_t n_items, uint64_t evaluated, uint64_t valid,
                       int threads, adse_mapper_stats *st)
{
    st->mapspace_size = sp->size;
    st->evaluated = evaluated;
    st->valid = valid;
    st->pruned = pruned_of(sp->size, evaluated);
    st->optimal = all_done;
    st->lower_bound = lbv;
    st->threads = threads;
    st->best_value = best ? best->v[0] : HUGE_VAL;
    if (!best)
        st->gap = 1;
    else if (all_done || st->best_value <= 0)
        st->gap = 0;
    else
        st->gap = (st->best_value - lbv) / st->best_value;
    /* Metric k's bound over the mappings at most the best on metrics 0..k-1: those in
     * finished items equal the best there (nothing finished is below it), so their metric
     * k is the best's; an unfinished item holds such a mapping only if its bound is at
     * most the best's on 0..k-1, and then bounds metric k (bounds hold per metric). Without
     * the items (an external executor's merged parts), an unfinished search bounds the
     * later metrics by 0 only. */
    st->n_metrics = sp->set.n_metrics;
    for (int m = 0; m < sp->set.n_metrics; m++) {
        double b = best ? best->v[m] : HUGE_VAL, lb = m == 0 ? lbv : b;
        if (!all_done && !items && m > 0) lb = 0;
        for (uint32_t k = 0; items && k < n_items; k++) {
            bool in = !items[k].done;
            for (int j = 0; in && j < m; j++)
                in = items[k].lb.v[j] <= (best ? best->v[j] : HUGE_VAL);
            if (in && items[k].lb.v[m] < lb) lb = items[k].lb.v[m];
        }
        st->best_values[m] = b;
        st->lower_bounds[m] = lb;
    }
}

/* An unfinished search reports, for metric k >= 1, a bound over the mappings at most the
 * best found on metrics 0..k-1 (fill_stats). With delay first, those have at most the best
 * found's cycles, so the later metrics of the unfinished items that can hold such a mapping
 * are recomputed under that cycles cap (F9), and raised where it tightens them; the first
 * metric's bound does not depend on the cap. Items are taken in increasing order of their
 * second metric's bound until the next cannot be below the least recomputed one (the
 * reported bound is the least), for at most 0.1 s: the others keep their bounds. */
static void cap_item_bounds(msearch *S)
{
    const mspace *sp = &S->sp;
    if (sp->set.metrics[0] != ADSE_METRIC_DELAY || sp->set.n_metrics < 2) return;
    mthread *th = &S->th[0];
    double cap = S->inc.val.v[0];
    uint32_t *idx = malloc((size_t)S->n_items * sizeof *idx), n = 0;
    if (!idx) return;
    for (uint32_t k = 0; k < S->n_items; k++)
        if (!S->items[k].done && S->items[k].lb.v[0] <= cap) idx[n++] = k;
    /* Shell sort by the second metric's bound (up to 16k items). */
    for (uint32_t gap = n / 2; gap > 0; gap /= 2)
        for (uint32_t a = gap; a < n; a++)
            for (uint32_t b = a;
                 b >= gap && S->items[idx[b - gap]].lb.v[1] > S->items[idx[b]].lb.v[1]; b -= gap) {
                uint32_t t = idx[b];
                idx[b] = idx[b - gap];
                idx[b - gap] = t;
            }
    double least = HUGE_VAL, t_end = adse_clock_s() + 0.1;
    for (uint32_t a = 0; a < n && S->items[idx[a]].lb.v[1] < least; a++) {
        if (adse_clock_s() > t_end) break;
        mitem *it = &S->items[idx[a]];
        set_prefix(th, it->fp, it->depth);
        mvals v;
        node_lb(th, it->depth / sp->D - 1, cap, &v);
        for (int m = 1; m < sp->set.n_metrics; m++)
            if (v.v[m] > it->lb.v[m]) it->lb.v[m] = v.v[m];
        if (it->lb.v[1] < least) least = it->lb.v[1];
    }
    free(idx);
}

/* The least first-metric bound of the unfinished items (HUGE_VAL if none); *all_done: are
 * all items done? */
static double open_bound0(const msearch *S, bool *all_done)
{
    double lb = HUGE_VAL;
    *all_done = true;
    for (uint32_t k = 0; k < S->n_items; k++) {
        if (S->items[k].done) continue;
        *all_done = false;
        if (S->items[k].lb.v[0] < lb) lb = S->items[k].lb.v[0];
    }
    return lb;
}

/* Fills out from the finished search (all_done and lb0: open_bound0's). */
static void finish(msearch *S, const adse_model *model, double t0, bool all_done, double lb0,
                   adse_mapper_result *out)
{
    const mspace *sp = &S->sp;
    double lbv = lb0;
    if (S->inc.found && S->inc.val.v[0] < lbv) lbv = S->inc.val.v[0];
    uint64_t evaluated = 0, valid = 0;
    thread_totals(S, &evaluated, &valid);
    if (!all_done && S->inc.found) cap_item_bounds(S);
    adse_mapper_stats *st = &out->stats;
    fill_stats(sp, S->inc.found ? &S->inc.val : NULL, all_done, lbv, S->items, S->n_items,
               evaluated, valid, S->nthreads, st);
    out->found = S->inc.found;
    if (out->found) {
        out->best = S->inc.map;
        adse_model_evaluate(model, &out->best, S->th[0].scratch, &out->result, NULL);
    }
    st->seconds = adse_clock_s() - t0;
}

/* Makes mapping m (if it is in the space and valid) the shared incumbent when it beats the
 * current one; its position is after every item, so it only prunes (docs/mapper.md 6.1). */
static void offer_seed(msearch *S, const adse_mapping *m)
{
    const mspace *sp = &S->sp;
    adse_mapping n;
    mvals v;
    if (!adse__mapping_take(sp, S->th[0].scratch, S->th[0].res, m, &n, &v, NULL)) return;
    if (S->inc.found && !lex_less(sp, &v, &S->inc.val)) return;
    S->inc.found = true;
    S->inc.val = v;
    S->inc.pos = SEED_POS;
    S->inc.map = n;
    atomic_fetch_add(&S->inc_ver, 1u);
}

/* What a run is: a subsearch of the anytime steps (one item, no steps of its own), a search
 * of its own (its exact part adse__search_share of a time limit, RESTART_EXACT of what a
 * strong start left), or a candidate of the
 * dataplacement scan (a search of its own whose exact part is PLACE_EXACT of its limit). */
typedef enum { RUN_SUB, RUN_TOP, RUN_CANDIDATE } run_kind;

/* How a subsearch or candidate (run) clocks its budgets: as its parent does (by work, or
 * wall seconds), never past the parent's wall cap; work receives the work it did. */
typedef struct mrunclock {
    bool by_work;
    double wall_cap;
    uint64_t work;
} mrunclock;

static adse_status run(const adse_model *model, const adse_constraints *constraints,
                       const adse_mapper_settings *settings, const adse_mapping *seeds, int n_seeds,
                       run_kind kind, const mbest *inc0, const mdone *done, int restarts,
                       mrunclock *rc, adse_mapper_result *out, adse_err *err);

/* The clock of a subsearch or candidate of S. */
static mrunclock child_clock(const msearch *S)
{
    return (mrunclock){.by_work = S->clk.by_work, .wall_cap = S->clk.wall_cap};
}

/* Runs fn(arg) on n threads: the caller's and n - 1 new ones (fewer if they cannot be
 * created), then joins them. */
static void on_threads(int n, void *(*fn)(void *), void *arg)
{
    pthread_t tid[256];
    int started = 0;
    for (int k = 1; k < n && k < 256; k++) {
        if (pthread_create(&tid[started], NULL, fn, arg) != 0) break;
        started++;
    }
    fn(arg);
    for (int k = 0; k < started; k++)
        adse__thread_join(tid[k]);
}

/* A subsearch's run (subsearch): the subspace of constraints c in budget_s from the
 * incumbent, into *r, its work into *work (S is only read: runs may go on at once). True
 * if it ran. */
static bool subsearch_run(msearch *S, const adse_constraints *c, double budget_s,
                          adse_mapper_result *r, uint64_t *work)
{
    const mspace *sp = &S->sp;
    adse_mapper_settings set = sp->set;
    set.time_limit_s = budget_s;
    adse_err err;
    mrunclock rc = child_clock(S);
    bool ok = run(sp->model, c, &set, NULL, 0, RUN_SUB, &S->inc, NULL, 0, &rc, r, &err) == ADSE_OK;
    *work = rc.work;
    return ok;
}

/* Takes a subsearch's run into S (subsearch_run: ok, its result r and work): the
 * evaluations count in S's statistics, the work on its clock, the best is offered. True if
 * it found a mapping. */
static bool subsearch_take(msearch *S, bool ok, const adse_mapper_result *r, uint64_t work)
{
    bool found = false;
    if (ok) {
        S->th[0].evaluated += r->stats.evaluated;
        S->th[0].valid += r->stats.valid;
        found = r->found;
    }
    adse__clock_add(&S->clk, work);
    if (found) offer_seed(S, &r->best);
    return found;
}

/* Searches the subspace of constraints c in budget_s from the incumbent, which prunes it (the
 * subsearch returns a mapping only if it beats it), and offers its best; its evaluations
 * count in the search's statistics. True if it found a mapping. */
static bool subsearch(msearch *S, const adse_constraints *c, double budget_s)
{
    adse_mapper_result *r = malloc(sizeof *r);
    if (!r) return false;
    uint64_t work = 0;
    bool ok = subsearch_run(S, c, budget_s, r, &work);
    bool found = subsearch_take(S, ok, r, work);
    free(r);
    return found;
}

/* Polishes the incumbent (adse__polish, until end) and offers the result. */
static void polish_incumbent(msearch *S, double end, uint64_t *ev)
{
    if (!S->inc.found) return;
    adse_mapping m = S->inc.map;
    mvals v = S->inc.val;
    if (adse__polish(&S->sp, S->th[0].scratch, S->th[0].res, &m, &v, &S->clk, end, ev))
        offer_seed(S, &m);
}

/* The classic dataflow "d stationary" as a subspace (classic_seeds): the loops irrelevant to
 * d innermost among those the permutation constraints leave free at every temporal level,
 * after a constrained level's fixed innermost loops and before its fixed outermost ones
 * (tiling level 0 keeps its fixed order). */
static void classic_constraints(const mspace *sp, const adse_constraints *constraints, int d,
                                adse_constraints *c)
{
    adse__constraints_from(sp, constraints, c);
    for (int i = 0; i < sp->L; i++) {
        adse_tiling_constraint *tc = &c->temporal[i];
        if (sp->t_of[i] == 0) continue;
        if (!tc->has_permutation) tc->n_prefix = tc->n_suffix = 0;
        tc->has_permutation = true;
        uint32_t fixed = 0; /* the constraint's own innermost and outermost loops stay */
        for (int k = 0; k < tc->n_prefix; k++)
            fixed |= 1u << tc->prefix[k];
        for (int k = 0; k < tc->n_suffix; k++)
            fixed |= 1u << tc->suffix[k];
        int n = tc->n_prefix;
        for (int pass = 0; pass < 2; pass++)
            for (int x = 0; x < sp->D; x++)
                if (!((fixed >> x) & 1u) && (bool)((sp->relevant[d] >> x) & 1u) == (pass == 1))
                    tc->prefix[n++] = (uint8_t)x;
        tc->n_prefix = (uint8_t)n;
    }
}

/* The classic dataflows of a strong start's steps (classic_seeds), each from the incumbent
 * before them, on any of S->nexec threads: subsearch_run per data space into r[d]. */
typedef struct pclassic {
    msearch *S;
    const adse_constraints *constraints;
    double budget; /* each one's */
    atomic_int next;
    adse_mapper_result *r;
    bool *ok;
    uint64_t *work;
} pclassic;

static void *classic_work(void *arg)
{
    pclassic *P = arg;
    for (int d; (d = atomic_fetch_add(&P->next, 1)) < P->S->sp.NDS;) {
        adse_constraints c;
        classic_constraints(&P->S->sp, P->constraints, d, &c);
        P->ok[d] = subsearch_run(P->S, &c, P->budget, &P->r[d], &P->work[d]);
    }
    return NULL;
}

/* The classic dataflows as subspaces (classic_constraints), one per data space d, each
 * searched briefly (subsearch) from the incumbent so far, and its best mapping offered; in a
 * strong start's steps (S->steps_seq) each from the incumbent before them, at once on
 * S->nexec threads, their best offered in data-space order (the same for any number of
 * threads). */
static void classic_seeds(msearch *S, const adse_constraints *constraints, double budget_s)
{
    const mspace *sp = &S->sp;
    double each = budget_s / sp->NDS;
    if (S->steps_seq) {
        pclassic P = {.S = S, .constraints = constraints, .budget = each};
        atomic_init(&P.next, 0);
        P.r = malloc(sizeof *P.r * (size_t)sp->NDS);
        P.ok = calloc((size_t)sp->NDS, sizeof *P.ok);
        P.work = calloc((size_t)sp->NDS, sizeof *P.work);
        if (P.r && P.ok && P.work) {
            on_threads(S->nexec, classic_work, &P);
            for (int d = 0; d < sp->NDS; d++)
                subsearch_take(S, P.ok[d], &P.r[d], P.work[d]);
        }
        free(P.r), free(P.ok), free(P.work);
        return;
    }
    for (int d = 0; d < sp->NDS; d++) {
        adse_constraints c;
        classic_constraints(sp, constraints, d, &c);
        subsearch(S, &c, each);
    }
}

/* The constraints of candidate dataplacement p: constraints with p's keep bits fixed. */
static void place_constraints(const mspace *sp, const adse_constraints *constraints,
                              const mplace *p, adse_constraints *c)
{
    adse__constraints_from(sp, constraints, c);
    for (int d = 0; d < sp->NDS; d++) {
        c->keep_fixed[d] |= p->fixed[d];
        c->keep_value[d] = (c->keep_value[d] & ~p->fixed[d]) | p->value[d];
    }
}

/* A step's candidates on S's threads (scan_work, look_work): on the wall clock each thread
 * takes the next candidate not yet started, until the step's end; by work, worker w takes
 * candidates w, w + workers, ... and spends the step's time on a clock of its own (own), so
 * that what a candidate finds does not depend on the other threads' timing. */
typedef struct pworker {
    const msearch *S;
    int w;
    _Atomic uint64_t work;
    mclock own;
    const mclock *clk; /* the clock its candidates spend: own by work, else S's */
    double end;        /* the step's end on clk */
} pworker;

/* A clock of its own by work from w0, capped as S's (a worker's, pworker_init; a
 * candidate's look, look_spec). */
static mclock own_clock(const msearch *S, _Atomic uint64_t *work, uint64_t w0)
{
    atomic_init(work, w0);
    return (mclock){
        .work = work, .by_work = true, .rate = adse__work_rate, .wall_cap = S->clk.wall_cap};
}

/* The next worker (counted up in *worker) of a step that ends at end on S's clock and takes
 * budget of a worker's own clock. */
static void pworker_init(pworker *W, const msearch *S, atomic_int *worker, double end,
                         double budget)
{
    W->S = S;
    W->w = atomic_fetch_add(worker, 1);
    W->own = own_clock(S, &W->work, 0);
    W->clk = S->clk.by_work ? &W->own : &S->clk;
    W->end = S->clk.by_work ? budget : end;
}

/* W's next candidate after *k (-1 before the first; from the shared counter next on the wall
 * clock) into *k and returned; -1 if none is left of the n or the step's time is out. */
static int pworker_next(pworker *W, atomic_int *next, int *k, int n)
{
    if (W->S->clk.by_work)
        *k = *k < 0 ? W->w : *k + W->S->nthreads;
    else
        *k = atomic_fetch_add(next, 1);
    return *k < n && adse__clock_now(W->clk) < W->end ? *k : -1;
}

/* n units of work a candidate of W did: on W's clock unless already counted there, and on
 * S's too where that is W's own. */
static void pworker_spent(pworker *W, uint64_t n, bool counted)
{
    if (!counted) adse__clock_add(W->clk, n);
    if (W->clk != &W->S->clk) adse__clock_add(&W->S->clk, n);
}

/* The dataplacement scan (placement_seeds): the threads map the candidates (pworker_next)
 * each alone, as a search of its own on one thread (RUN_CANDIDATE, from no incumbent but
 * its seed, if any), its time limit an equal share of what is left over the rounds of
 * candidates still to start; the best mapping and the statistics are kept per candidate. */
typedef struct pscan {
    const msearch *S;
    const adse_constraints *constraints;
    const mplace *pl;
    const adse_mapping *seed; /* seed[k] of candidate k, or NULL */
    int n, workers;
    double end, budget; /* the step's end on S's clock, and its time on a worker's own */
    bool fixed;         /* each candidate budget / n (S->steps_seq), on any thread */
    atomic_int next, worker;
    adse_mapping *best;
    bool *found;
    uint64_t *evaluated, *valid;
} pscan;

static void *scan_work(void *arg)
{
    pscan *P = arg;
    const msearch *S = P->S;
    const mspace *sp = &S->sp;
    pworker W;
    pworker_init(&W, S, &P->worker, P->end, P->budget);
    adse_mapper_result *r = malloc(sizeof *r);
    for (int k = -1; r && (P->fixed ? (k = atomic_fetch_add(&P->next, 1)) < P->n
                                    : pworker_next(&W, &P->next, &k, P->n) >= 0);) {
        double left = W.end - adse__clock_now(W.clk);
        if (left <= 0 && !P->fixed) break;
        adse_constraints c;
        place_constraints(sp, P->constraints, &P->pl[k], &c);
        adse_mapper_settings set = sp->set;
        set.threads = 1;
        set.time_limit_s =
            P->fixed ? P->budget / P->n : left / ((P->n - k + P->workers - 1) / P->workers);
        adse_err err;
        const adse_mapping *seed = P->seed ? &P->seed[k] : NULL;
        mrunclock rc = child_clock(S);
        adse_status st = run(sp->model, &c, &set, seed, seed ? 1 : 0, RUN_CANDIDATE, NULL, NULL, 0,
                             &rc, r, &err);
        pworker_spent(&W, rc.work, false);
        if (st != ADSE_OK) continue;
        P->evaluated[k] = r->stats.evaluated;
        P->valid[k] = r->stats.valid;
        P->found[k] = r->found;
        if (r->found) P->best[k] = r->best;
    }
    free(r);
    return NULL;
}

/* Scans the n candidates pl (with seeds seed[k], or none) in budget_s on S's threads
 * (scan_work; in a strong start's steps, each in an equal share on any of nexec threads)
 * and offers their best mappings, in candidate order. */
static void scan_placements(msearch *S, const adse_constraints *constraints, const mplace *pl,
                            const adse_mapping *seed, int n, double budget_s)
{
    pscan P = {.S = S,
               .constraints = constraints,
               .pl = pl,
               .seed = seed,
               .n = n,
               .workers = S->nthreads,
               .fixed = S->steps_seq};
    P.end = adse__clock_now(&S->clk) + budget_s;
    P.budget = budget_s;
    atomic_init(&P.next, 0);
    atomic_init(&P.worker, 0);
    P.best = malloc((size_t)n * sizeof *P.best);
    P.found = calloc((size_t)n, sizeof *P.found);
    P.evaluated = calloc((size_t)n, sizeof *P.evaluated);
    P.valid = calloc((size_t)n, sizeof *P.valid);
    if (P.best && P.found && P.evaluated && P.valid) {
        on_threads(P.fixed ? S->nexec : S->nthreads, scan_work, &P);
        for (int k = 0; k < n; k++) {
            S->th[0].evaluated += P.evaluated[k];
            S->th[0].valid += P.valid[k];
            if (P.found[k]) offer_seed(S, &P.best[k]);
        }
    }
    free(P.best), free(P.found), free(P.evaluated), free(P.valid);
}

/* The first look at the candidates (placement_seeds): the threads (each with its own
 * scratch) take the candidates (pworker_next), put the incumbent into each
 * (adse__place_apply) and polish that in the whole space (adse__polish) until the step's
 * end; the polished mapping and its metrics are kept per candidate. */
typedef struct plook {
    msearch *S;
    const mplace *pl;
    int n;
    double end, budget; /* the step's end on S's clock, and its time on a worker's own */
    atomic_int next, worker;
    adse_mapping *map;
    mvals *val;
    bool *ok;
    _Atomic uint64_t evaluated;
    /* speculation (look_spec): each candidate's work on a clock of its own from 0, its
     * evaluations, whether it ran, and the work of the candidates that ran */
    uint64_t *work, *ev;
    bool *ran;
    _Atomic uint64_t spent;
} plook;

/* Candidate k's look on clock clk until end, with th's scratch: two repairs of the
 * capacities (the largest prime factors moved up first, or the smallest), each polished;
 * the better is the candidate's look. Adds its evaluations to *ev. */
static void look_one(plook *P, mthread *th, int k, const mclock *clk, double end, uint64_t *ev)
{
    const msearch *S = P->S;
    const mspace *sp = &S->sp;
    for (int rule = 0; rule < 2; rule++) {
        adse_mapping m = S->inc.map, n;
        mvals v;
        if (!adse__place_apply(sp, &P->pl[k], rule == 1, &m) ||
            !adse__mapping_take(sp, th->scratch, th->res, &m, &n, &v, ev))
            continue;
        adse__polish(sp, th->scratch, th->res, &n, &v, clk, end, ev);
        if (P->ok[k] && !lex_less(sp, &v, &P->val[k])) continue;
        P->map[k] = n;
        P->val[k] = v;
        P->ok[k] = true;
    }
}

static void *look_work(void *arg)
{
    plook *P = arg;
    const msearch *S = P->S;
    pworker W;
    pworker_init(&W, S, &P->worker, P->end, P->budget);
    mthread *th = &P->S->th[W.w];
    uint64_t ev = 0;
    for (int k = -1; pworker_next(&W, &P->next, &k, P->n) >= 0;) {
        uint64_t w0 = atomic_load(&W.work);
        look_one(P, th, k, W.clk, W.end, &ev);
        pworker_spent(&W, atomic_load(&W.work) - w0, true);
    }
    atomic_fetch_add(&P->evaluated, ev);
    return NULL;
}

/* The looks of a step that runs as on one thread (S->nthreads 1, by work), on S->nexec
 * threads: each takes the next candidate and looks at it on a clock of its own from 0
 * (look_one), while the work of those done is below the step's; look_spec then replays
 * the one thread's order. */
static void *look_spec_work(void *arg)
{
    plook *P = arg;
    int w = atomic_fetch_add(&P->worker, 1);
    mthread *th = &P->S->th[w];
    for (;;) {
        if ((double)atomic_load(&P->spent) / adse__work_rate >= P->budget) break;
        int k = atomic_fetch_add(&P->next, 1);
        if (k >= P->n) break;
        _Atomic uint64_t work;
        mclock clk = own_clock(P->S, &work, 0);
        look_one(P, th, k, &clk, P->budget, &P->ev[k]);
        P->work[k] = atomic_load(&work);
        P->ran[k] = true;
        atomic_fetch_add(&P->spent, P->work[k]);
    }
    return NULL;
}

/* The looks of a step that runs as on one thread, the same as its one worker's (look_work:
 * candidates in order on its own clock, each started while the clock is before the step's
 * end, each polish cut once the clock passes it), sooner: the candidates run at once on
 * S->nexec threads (look_spec_work), then in order, candidate k, whose worker's clock
 * would start at w (the work of those before it), keeps its look where it ran and its
 * polishes' clock checks all passed from w (w + its work at most the end: the polish
 * checks after adding work, so its last check saw its whole work), and is looked at again
 * from w otherwise, on the calling thread; the candidates after the step's end are
 * dropped. The clock of S receives the one worker's work. */
static void look_spec(plook *P)
{
    msearch *S = P->S;
    on_threads(S->nexec, look_spec_work, P);
    uint64_t w = 0, ev = 0;
    for (int k = 0; k < P->n; k++) {
        _Atomic uint64_t work;
        mclock clk = own_clock(S, &work, w);
        if (!(adse__clock_now(&clk) < P->budget)) { /* not started */
            P->ok[k] = false;
            continue;
        }
        atomic_store(&work, w + P->work[k]);
        if (!P->ran[k] || adse__clock_now(&clk) > P->budget) {
            atomic_store(&work, w);
            P->ok[k] = false;
            P->ev[k] = 0;
            look_one(P, &S->th[0], k, &clk, P->budget, &P->ev[k]);
            P->work[k] = atomic_load(&work) - w;
        }
        w += P->work[k];
        ev += P->ev[k];
    }
    adse__clock_add(&S->clk, w);
    atomic_fetch_add(&P->evaluated, ev);
}

/* Does looked-at candidate a come before b: better polished metrics, or equal and first? */
static bool look_before(const plook *P, int a, int b)
{
    const mspace *sp = &P->S->sp;
    if (lex_less(sp, &P->val[a], &P->val[b])) return true;
    return a < b && !lex_less(sp, &P->val[b], &P->val[a]);
}

/* Looks at the n candidates pl from the incumbent in look_s (look_work), offers the best
 * polished mapping, then scans (scan_placements) the first PLACE_FEW dataplacements the
 * polished mappings reached, best first (each candidate's group bits as the polish left
 * them, once each), in the rest of budget_s, each seeded with its polished mapping. False
 * if no candidate could be looked at. */
static bool look_placements(msearch *S, const adse_constraints *constraints, const mplace *pl,
                            int n, double look_s, double budget_s)
{
    double end = adse__clock_now(&S->clk) + budget_s;
    plook P = {
        .S = S, .pl = pl, .n = n, .end = adse__clock_now(&S->clk) + look_s, .budget = look_s};
    atomic_init(&P.next, 0);
    atomic_init(&P.worker, 0);
    atomic_init(&P.evaluated, 0);
    atomic_init(&P.spent, 0);
    P.map = malloc((size_t)n * sizeof *P.map);
    P.val = malloc((size_t)n * sizeof *P.val);
    P.ok = calloc((size_t)n, sizeof *P.ok);
    /* a step as on one thread, with more to run it on: by speculation (look_spec) */
    bool spec = S->steps_seq && S->nexec > 1;
    P.work = spec ? calloc((size_t)n, sizeof *P.work) : NULL;
    P.ev = spec ? calloc((size_t)n, sizeof *P.ev) : NULL;
    P.ran = spec ? calloc((size_t)n, sizeof *P.ran) : NULL;
    int *idx = malloc((size_t)n * sizeof *idx), m = 0, k2 = 0;
    mplace *top = malloc(PLACE_FEW * sizeof *top);
    adse_mapping *seed = malloc(PLACE_FEW * sizeof *seed);
    if (P.map && P.val && P.ok && idx && top && seed && (!spec || (P.work && P.ev && P.ran))) {
        if (spec)
            look_spec(&P);
        else
            on_threads(S->nthreads, look_work, &P);
        S->th[0].evaluated += atomic_load(&P.evaluated);
        for (int k = 0; k < n; k++)
            if (P.ok[k]) idx[m++] = k;
        for (int i = 1; i < m; i++) /* insertion sort: at most 512 */
            for (int j = i; j > 0 && look_before(&P, idx[j], idx[j - 1]); j--) {
                int t = idx[j];
                idx[j] = idx[j - 1];
                idx[j - 1] = t;
            }
        if (m > 0) offer_seed(S, &P.map[idx[0]]);
        for (int i = 0; i < m && k2 < PLACE_FEW; i++) {
            const mplace *c = &pl[idx[i]];
            mplace r = {{0}, {0}};
            for (int d = 0; d < S->sp.NDS; d++) {
                r.fixed[d] = c->fixed[d];
                r.value[d] = P.map[idx[i]].keep[d] & c->fixed[d];
            }
            bool seen = false;
            for (int j = 0; j < k2 && !seen; j++)
                seen = memcmp(&top[j], &r, sizeof r) == 0;
            if (seen) continue;
            top[k2] = r;
            seed[k2++] = P.map[idx[i]];
        }
        double left = end - adse__clock_now(&S->clk);
        if (k2 > 0 && left > 0) scan_placements(S, constraints, top, seed, k2, left);
    }
    free(P.map), free(P.val), free(P.ok), free(idx), free(top), free(seed);
    free(P.work), free(P.ev), free(P.ran);
    return m > 0;
}

/* The candidate dataplacements (adse__placements) as subspaces: each fixes the keep bits
 * the constraints leave free at a group of sibling levels. From an incumbent, up to
 * PLACE_ROUNDS rounds in equal shares, each a first look at every candidate from the best so
 * far that picks the few to map on their own (look_placements). When the rest of budget_s
 * after PLACE_LOOK_FIRST of it for them gives every candidate at least PLACE_SCAN_S of one
 * thread, each is then mapped on its own (scan_placements). With neither (no incumbent, or
 * no candidate could be looked at, and no time for the scan) the first PLACE_FEW (one level
 * of a group per data space) are searched in equal shares (subsearch), each best polished in
 * the whole space (it may leave the placement). */
static void placement_seeds(msearch *S, const adse_constraints *constraints, double budget_s,
                            uint64_t *ev)
{
    const mspace *sp = &S->sp;
    enum { MAX_PLACE = 512 };
    mplace *pl = malloc(MAX_PLACE * sizeof *pl);
    if (!pl) return;
    int n = adse__placements(sp, pl, MAX_PLACE);
    double end = adse__clock_now(&S->clk) + budget_s;
    bool scan = n > 0 && budget_s * (1 - PLACE_LOOK_FIRST) * S->nthreads / n >= PLACE_SCAN_S;
    double look_s = scan ? budget_s * PLACE_LOOK_FIRST : budget_s;
    bool looked = false;
    /* as many rounds as give each of a round's PLACE_FEW placements PLACE_SCAN_S of a thread */
    int rounds = (int)(look_s * S->nthreads * (1 - PLACE_LOOK) / (PLACE_FEW * PLACE_SCAN_S));
    rounds = rounds < 1 ? 1 : rounds > PLACE_ROUNDS ? PLACE_ROUNDS : rounds;
    double look_end = adse__clock_now(&S->clk) + look_s;
    for (int r = 0; n > 0 && S->inc.found && r < rounds; r++) {
        double b = (look_end - adse__clock_now(&S->clk)) / (rounds - r);
        looked = look_placements(S, constraints, pl, n, b * PLACE_LOOK, b) || looked;
    }
    if (scan) scan_placements(S, constraints, pl, NULL, n, end - adse__clock_now(&S->clk));
    if (looked || scan) {
        free(pl);
        return;
    }
    if (n > PLACE_FEW) n = PLACE_FEW;
    for (int k = 0; k < n; k++) {
        double left = end - adse__clock_now(&S->clk);
        if (left <= 0) break;
        adse_constraints c;
        place_constraints(sp, constraints, &pl[k], &c);
        if (subsearch(S, &c, left / (n - k))) polish_incumbent(S, end, ev);
    }
    free(pl);
}

/* The neighbourhood of the incumbent (adse__neighbourhood: its keep bits and spatial factors
 * fixed) searched in budget_s from the incumbent (subsearch); the best found is offered and
 * polished in the whole space. True if the incumbent improved. */
static bool neighbourhood_seed(msearch *S, const adse_constraints *constraints, double budget_s,
                               uint64_t *ev)
{
    if (!S->inc.found || budget_s <= 0) return false;
    double end = adse__clock_now(&S->clk) + budget_s;
    mvals before = S->inc.val;
    adse_constraints c;
    adse__neighbourhood(&S->sp, constraints, &S->inc.map, &c);
    if (subsearch(S, &c, budget_s)) polish_incumbent(S, end, ev);
    return lex_less(&S->sp, &S->inc.val, &before);
}

/* The rest of a time limit after an unfinished exact search (docs/mapper.md 6.1): the
 * candidate dataplacements are searched (PLACE_SHARE of it; placement_seeds); the best
 * found is polished to a local optimum; the neighbourhood of the incumbent is searched
 * while that improves it (at most NB_ROUNDS times, in NB_SHARE of the time left); then the
 * classic dataflows are searched from the best so far, and their best is polished in turn.
 * Each step only offers better incumbents. */
static void anytime(msearch *S, const adse_constraints *constraints, double end)
{
    uint64_t ev = 0;
    placement_seeds(S, constraints, (end - adse__clock_now(&S->clk)) * PLACE_SHARE, &ev);
    polish_incumbent(S, end, &ev);
    double now = adse__clock_now(&S->clk), nb_end = now + (end - now) * NB_SHARE;
    for (int k = 0; k < NB_ROUNDS; k++) {
        double left = nb_end - adse__clock_now(&S->clk);
        if (left <= 0 ||
            !neighbourhood_seed(S, constraints, k + 1 < NB_ROUNDS ? left / 2 : left, &ev))
            break;
    }
    double left = end - adse__clock_now(&S->clk);
    if (left > 0) classic_seeds(S, constraints, left);
    if (adse__clock_now(&S->clk) < end) polish_incumbent(S, end, &ev);
    S->th[0].evaluated += ev; /* the polish's valid ones are not counted apart */
}

static void search_free(msearch *S)
{
    for (int k = 0; S->th && k < S->nthreads; k++)
        thread_free(&S->th[k]);
    free(S->th);
    for (uint32_t k = S->n_static; S->items && k < S->n_items; k++)
        free((void *)S->items[k].fp);
    free(S->items);
    free(S->heap);
    if (!S->borrowed) {
        free(S->run_order);
        free(S->rest_lb);
        free(S->item_f);
        adse__space_release(&S->sp);
    }
    free(S);
}

/* Creates the locks and runs the items run_order[next_static .. static_end) and the pieces
 * split off them. */
static adse_status run_locked(msearch *S, adse_err *err)
{
    if (pthread_mutex_init(&S->mu, NULL) != 0)
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "cannot create a mutex");
    if (!adse__sync_init(&S->qmu, &S->qcv)) {
        pthread_mutex_destroy(&S->mu);
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "cannot create a mutex");
    }
    run_items(S);
    pthread_mutex_destroy(&S->mu);
    pthread_mutex_destroy(&S->qmu);
    pthread_cond_destroy(&S->qcv);
    return ADSE_OK;
}

/* The mapspace of a search, with F10's table for its bounds (adse__refill_init). */
static adse_status search_space_init(mspace *sp, const adse_model *model,
                                     const adse_constraints *constraints,
                                     const adse_mapper_settings *settings, adse_err *err)
{
    adse_status st = adse__space_init(sp, model, constraints, settings, err);
    if (st == ADSE_OK && !adse__refill_init(sp))
        st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    return st;
}

/* A new search (*out, freed with search_free) over the mapspace of model and constraints,
 * with F10's table when refill (a search's) or without (a merger's, which bounds nothing). */
static adse_status search_new(const adse_model *model, const adse_constraints *constraints,
                              const adse_mapper_settings *settings, bool refill, msearch **out,
                              adse_err *err)
{
    *out = NULL;
    msearch *S = calloc(1, sizeof *S);
    if (!S) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    adse_status st = refill ? search_space_init(&S->sp, model, constraints, settings, err)
                            : adse__space_init(&S->sp, model, constraints, settings, err);
    if (st != ADSE_OK) {
        search_free(S);
        return st;
    }
    *out = S;
    return ADSE_OK;
}

/* The generated items S finished (mdone; bits NULL when out of memory): each done, with no
 * piece split off it left undone (a piece lies in its item's positions). inc, S's incumbent
 * for the search after a strong start, keeps the start of its item's positions where that
 * item is one of them, else it is a seed (SEED_POS): the tie rule holds in the search after
 * it (docs/mapper.md 6.1). */
static mdone mdone_of(const msearch *S, mbest *inc)
{
    mdone d = {.n = S->n_static, .bits = calloc(S->n_static / 8 + 1, 1)};
    if (d.bits) {
        for (uint32_t k = 0; k < S->n_static; k++)
            if (S->items[k].done) d.bits[k >> 3] |= (uint8_t)(1u << (k & 7u));
        for (uint32_t k = S->n_static; k < S->n_items; k++)
            if (!S->items[k].done) {
                uint64_t j = S->items[k].pos >> POS_SHIFT;
                d.bits[j >> 3] &= (uint8_t) ~(1u << (j & 7u));
            }
    }
    uint64_t j = inc->pos >> POS_SHIFT;
    inc->pos = inc->pos != SEED_POS && mdone_has(&d, j) ? j << POS_SHIFT : SEED_POS;
    return d;
}

/* kind (run_kind): RUN_TOP and RUN_CANDIDATE are searches of their own, which under a time
 * limit run the anytime steps when they have not finished in their share; RUN_SUB is a
 * subsearch of those steps (one item, make_items). inc0 (or NULL): an incumbent of a larger
 * space to start from, as a seed (after every item): it only prunes, and it is the result
 * when nothing in this space beats it. done (or NULL): the items a strong start's search of
 * this same space finished, passed over; inc0 then keeps its position where it lies in one
 * of them (mdone_of). */
static adse_status run(const adse_model *model, const adse_constraints *constraints,
                       const adse_mapper_settings *settings, const adse_mapping *seeds, int n_seeds,
                       run_kind kind, const mbest *inc0, const mdone *done, int restarts,
                       mrunclock *rc, adse_mapper_result *out, adse_err *err)
{
    bool top = kind != RUN_SUB;
    if (!model || !out || (n_seeds > 0 && !seeds))
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "missing argument to the mapper");
    double t0 = adse_clock_s();
    memset(out, 0, sizeof *out);
    msearch *S = NULL;
    adse_status st = search_new(model, constraints, settings, true, &S, err);
    if (st != ADSE_OK) return st;
    mspace *sp = &S->sp;
    S->nthreads = S->nexec = thread_count(sp);
    double limit = sp->set.time_limit_s;
    bool anytime_steps = top && limit > 0;
    double share = kind == RUN_CANDIDATE             ? PLACE_EXACT
                   : kind == RUN_TOP && inc0 != NULL ? RESTART_EXACT
                                                     : adse__search_share;
    /* Its clock (mclock): a subsearch's or candidate's is of its parent's kind (rc), by work
     * at the rate of its threads; a search of its own counts wall seconds, and its limit
     * caps the work clocks of its strong start and of its subsearches. */
    atomic_init(&S->work, 0);
    S->clk = (mclock){.work = &S->work,
                      .by_work = rc && rc->by_work,
                      .rate = adse__work_rate * S->nthreads,
                      .wall_cap = rc ? rc->wall_cap : 0};
    if (limit > 0 && !S->clk.by_work && (S->clk.wall_cap == 0 || t0 + limit < S->clk.wall_cap))
        S->clk.wall_cap = t0 + limit;
    double c0 = adse__clock_now(&S->clk);
    S->deadline = limit > 0 ? c0 + limit * (anytime_steps ? share : 1) : 0;
    /* A strong start (docs/mapper.md 6.1): a search of a big mapspace, unlimited or with a
     * time limit of at least RESTART_LIMIT_S, that has not ended after the work of RESTART_S
     * (all threads together) runs the anytime steps (RESTART_ANY_S of one thread's work
     * clock, as on one thread whatever the number of threads), then searches again from
     * their best (in the rest of the limit), its items then pruned by an incumbent near the
     * optimum instead of the ones they find one by one. Seeds only prune, so an unlimited
     * search's result is the same. While the first of several metrics is not proven
     * optimal after the anytime steps, the new search may start strong again (restarts:
     * the strong starts left, at most RESTART_MAX), its anytime steps twice as long. */
    bool restart =
        top && restarts > 0 && (limit == 0 || limit >= RESTART_LIMIT_S) && sp->size > BIG_SPACE;
    S->restart_work = restart ? (uint64_t)(RESTART_S * adse__work_rate) : 0;
    atomic_init(&S->restart, 0);
    atomic_init(&S->n_done, 0u);
    atomic_init(&S->stop, 0);
    atomic_init(&S->inc_ver, 0u);
    S->inc.pos = SEED_POS;
    if (inc0 && inc0->found) {
        S->inc = *inc0;
        S->inc.pos = SEED_POS;
        atomic_fetch_add(&S->inc_ver, 1u); /* the threads read it */
    }
    if (!threads_alloc(S, model)) st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    if (st == ADSE_OK) {
        for (int k = 0; k < n_seeds; k++) {
            adse_mapping c = seeds[k];
            adse__canonical_orders(sp, &c);
            offer_seed(S, &c);
        }
        st = make_items(S, !top, err);
        if (st == ADSE_OK && !rank_items(S))
            st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        if (st == ADSE_OK && done && done->n == S->n_static) {
            S->skip = done;
            if (inc0 && inc0->found) S->inc.pos = inc0->pos;
        }
    }
    if (st == ADSE_OK) st = run_locked(S, err);
    if (st == ADSE_OK) {
        /* Not finished in its share: a strong start, or the anytime steps in the rest of the
         * time (docs/mapper.md 6.1). */
        bool all_done;
        double lb0 = open_bound0(S, &all_done);
        if (atomic_load(&S->restart) == 1 && !all_done) {
            /* each strong start's anytime steps twice as long as the previous one's */
            double any_s = RESTART_ANY_S * (1 << (RESTART_MAX - restarts));
            /* The steps run as on one thread whatever the number of threads, on the work
             * clock: the same steps on any machine (within the limit) and for any number of
             * threads, so the search after them starts from the same incumbent. The other
             * threads help where that holds: the dataplacements' first looks replayed in one
             * worker's order (look_spec), their scans and the classic dataflows in shares
             * of their own (scan_placements, classic_seeds; docs/mapper.md 6.1). */
            int set_threads = S->sp.set.threads; /* S->nexec keeps the threads */
            S->nthreads = 1;
            S->steps_seq = true;
            S->sp.set.threads = 1; /* the steps' subsearches */
            S->clk.by_work = true;
            S->clk.rate = adse__work_rate;
            /* the steps again, in half their time, from what they found (the dataplacements'
             * first looks start from the incumbent; docs/mapper.md 6.1) */
            mvals before = S->inc.val;
            uint64_t ev0 = S->th[0].evaluated;
            anytime(S, constraints, adse__clock_now(&S->clk) + any_s);
            if (S->inc.found && lex_less(sp, &S->inc.val, &before))
                anytime(S, constraints, adse__clock_now(&S->clk) + any_s * RESTART_AGAIN);
            mstart_trace *tr = &adse__start_trace;
            tr->ran = true;
            memcpy(tr->before, before.v, sizeof tr->before);
            memcpy(tr->after, S->inc.val.v, sizeof tr->after);
            tr->evaluated = S->th[0].evaluated - ev0;
            S->nthreads = S->nexec;
            S->steps_seq = false;
            S->sp.set.threads = set_threads;
            mbest inc = S->inc;
            mdone fin = mdone_of(S, &inc);
            tr->finished = 0;
            for (uint32_t k = 0; k < fin.n; k++)
                tr->finished += mdone_has(&fin, k);
            /* another strong start while the first of several metrics is not proven optimal:
             * its best so far prunes little of the search of the others */
            int next = sp->set.n_metrics > 1 && inc.found && inc.val.v[0] > lb0 ? restarts - 1 : 0;
            uint64_t ev = 0, valid = 0;
            thread_totals(S, &ev, &valid);
            adse_mapper_settings rest = sp->set; /* with what is left of a limit (0: none) */
            if (limit > 0) rest.time_limit_s = fmax(limit - (adse_clock_s() - t0), 1e-3);
            uint64_t work = atomic_load(&S->work);
            search_free(S);
            st = run(model, constraints, &rest, NULL, 0, RUN_TOP, &inc, fin.bits ? &fin : NULL,
                     next, rc, out, err);
            free(fin.bits);
            if (rc) rc->work += work;
            adse_mapper_stats *o = &out->stats;
            o->evaluated += ev;
            o->valid += valid;
            o->pruned = pruned_of(o->mapspace_size, o->evaluated);
            o->seconds = adse_clock_s() - t0;
            return st;
        }
        if (anytime_steps && !all_done) anytime(S, constraints, c0 + limit);
        finish(S, model, t0, all_done, lb0, out);
    }
    out->stats.pieces = S->n_items - S->n_static;
    if (rc) rc->work = atomic_load(&S->work);
    search_free(S);
    return st;
}

adse_status adse_mapper_run(const adse_model *model, const adse_constraints *constraints,
                            const adse_mapper_settings *settings, adse_mapper_result *out,
                            adse_err *err)
{
    return run(model, constraints, settings, NULL, 0, RUN_TOP, NULL, NULL, RESTART_MAX, NULL, out,
               err);
}

adse_status adse_mapper_run_seeded(const adse_model *model, const adse_constraints *constraints,
                                   const adse_mapper_settings *settings, const adse_mapping *seeds,
                                   int n_seeds, adse_mapper_result *out, adse_err *err)
{
    if (n_seeds < 0)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "negative number of seed mappings");
    return run(model, constraints, settings, seeds, n_seeds, RUN_TOP, NULL, NULL, RESTART_MAX, NULL,
               out, err);
}

adse_network_layer_result adse_mapper_layer_result(const adse_mapper_result *r)
{
    adse_network_layer_result l = {.found = r->found, .optimal = r->stats.optimal};
    if (r->found) {
        l.cycles = r->result.cycles;
        l.energy_pj = r->result.energy_pj;
        l.utilization = r->result.utilization;
        l.total_ops = r->result.total_ops;
    }
    return l;
}

/* ---------------------------------------------------------------------------------------
 * Work items for an external executor (adse/mapper.h, docs/mapper.md section 6.2)
 * ------------------------------------------------------------------------------------- */

/* The generated items and their run order (none for a merger: adse_mapper_items_merger);
 * each adse_mapper_items_run copies the items of its range (their done flags and its pieces
 * are its own) and borrows the rest. */
struct adse_mapper_items {
    msearch *S;
};

/* New items (*out) holding a new search (search_new). */
static adse_status items_new(const adse_model *model, const adse_constraints *constraints,
                             const adse_mapper_settings *settings, bool refill,
                             adse_mapper_items **out, adse_err *err)
{
    adse_mapper_items *it = calloc(1, sizeof *it);
    if (!it) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    adse_status st = search_new(model, constraints, settings, refill, &it->S, err);
    if (st != ADSE_OK) {
        free(it);
        return st;
    }
    *out = it;
    return ADSE_OK;
}

adse_status adse_mapper_items_create(const adse_model *model, const adse_constraints *constraints,
                                     const adse_mapper_settings *settings, adse_mapper_items **out,
                                     adse_err *err)
{
    if (!model || !out)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "missing argument to the mapper");
    *out = NULL;
    adse_mapper_items *it = NULL;
    adse_status st = items_new(model, constraints, settings, true, &it, err);
    if (st != ADSE_OK) return st;
    msearch *S = it->S;
    S->nthreads = S->nexec = 1; /* the item generation's */
    S->inc.pos = SEED_POS;
    if (!threads_alloc(S, model)) st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    if (st == ADSE_OK) st = make_items(S, false, err);
    if (st == ADSE_OK && !rank_items(S))
        st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    if (st != ADSE_OK) {
        adse_mapper_items_free(it);
        return st;
    }
    *out = it;
    return ADSE_OK;
}

adse_status adse_mapper_items_merger(const adse_model *model, const adse_constraints *constraints,
                                     const adse_mapper_settings *settings, uint32_t n_items,
                                     adse_mapper_items **out, adse_err *err)
{
    if (!model || !out || n_items == 0 || n_items > ITEM_MAX)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "bad argument to the mapper");
    *out = NULL;
    adse_mapper_items *it = NULL;
    adse_status st = items_new(model, constraints, settings, false, &it, err);
    if (st != ADSE_OK) return st;
    msearch *S = it->S;
    S->n_items = S->n_static = n_items; /* items, run_order and item_f stay NULL */
    *out = it;
    return ADSE_OK;
}

void adse_mapper_items_free(adse_mapper_items *items)
{
    if (!items) return;
    search_free(items->S);
    free(items);
}

uint32_t adse_mapper_items_count(const adse_mapper_items *items)
{
    return items ? items->S->n_static : 0;
}

double adse_mapper_items_mapspace_size(const adse_mapper_items *items)
{
    return items ? items->S->sp.size : 0;
}

void adse_mapper_part_init(adse_mapper_part *part)
{
    memset(part, 0, sizeof *part);
    part->done = true;
    part->lower_bound = HUGE_VAL;
}

adse_status adse_mapper_items_run(const adse_mapper_items *items, uint32_t first, uint32_t count,
                                  int threads, const adse_mapper_part *incumbent,
                                  adse_mapper_part *out, adse_err *err)
{
    if (!items || !out || threads < 0)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "bad argument to the mapper");
    const msearch *G = items->S;
    if (first > G->n_static || count > G->n_static - first)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "items %u..%u of %u", first,
                            first + count, G->n_static);
    if (!G->items)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "items made for merging only (adse_mapper_items_merger) cannot run");
    adse_mapper_part_init(out);
    msearch *S = calloc(1, sizeof *S);
    if (!S) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    S->borrowed = true;
    S->sp = G->sp;
    S->sp.set.threads = threads;
    S->sp.set.time_limit_s = 0;
    S->nthreads = S->nexec = thread_count(&S->sp);
    atomic_init(&S->stop, 0);
    atomic_init(&S->inc_ver, 0u);
    S->inc.pos = SEED_POS;
    if (incumbent && incumbent->found) {
        S->inc.found = true;
        for (int m = 0; m < ADSE_MAX_METRICS; m++)
            S->inc.val.v[m] = m < S->sp.set.n_metrics ? incumbent->value[m] : 0;
        S->inc.pos = incumbent->pos;
        atomic_fetch_add(&S->inc_ver, 1u);
    }
    /* only the range's items, in their run order (an item carries its position and bound,
       so where it sits in the array does not matter), and room for the pieces split off */
    uint32_t *order = malloc(sizeof *order * (count ? count : 1));
    S->run_order = order;
    S->n_items = S->n_static = S->static_end = count;
    S->next_static = 0;
    /* one thread splits nothing off: no room for pieces (else 1.4 MB zeroed for every
       range, which is often a few items) */
    S->dyn_max = S->nthreads > 1 ? ITEM_DYN_MAX : 0;
    S->items = calloc((size_t)count + S->dyn_max, sizeof *S->items);
    S->heap = malloc(sizeof *S->heap * (S->dyn_max ? S->dyn_max : 1));
    adse_status st = ADSE_OK;
    if (!order || !S->items || !S->heap || !threads_alloc(S, G->sp.model))
        st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    if (st == ADSE_OK) {
        for (uint32_t q = 0; q < count; q++) {
            S->items[q] = G->items[G->run_order[first + q]];
            order[q] = q;
        }
        st = run_locked(S, err);
    }
    if (st == ADSE_OK) {
        bool all_done;
        double lb = open_bound0(S, &all_done);
        if (!all_done) out->done = false;
        if (lb < out->lower_bound) out->lower_bound = lb;
        if (S->inc_own) {
            out->found = true;
            for (int m = 0; m < ADSE_MAX_METRICS; m++)
                out->value[m] = S->inc.val.v[m];
            out->pos = S->inc.pos;
            out->best = S->inc.map;
        }
        thread_totals(S, &out->evaluated, &out->valid);
        out->pieces = S->n_items - S->n_static;
        out->threads = S->nthreads;
        /* rest_lb: the least bound of the items after the range */
        uint32_t after = first + count;
        out->rest_pruned = after >= G->n_static ||
                           (S->inc.found && lex_less(&S->sp, &S->inc.val, &G->rest_lb[after]));
    }
    search_free(S);
    free(order);
    return st;
}

void adse_mapper_part_merge(const adse_mapper_items *items, adse_mapper_part *acc,
                            const adse_mapper_part *part)
{
    const mspace *sp = &items->S->sp;
    acc->done = acc->done && part->done;
    if (part->lower_bound < acc->lower_bound) acc->lower_bound = part->lower_bound;
    acc->evaluated += part->evaluated;
    acc->valid += part->valid;
    acc->pieces += part->pieces;
    if (part->threads > acc->threads) acc->threads = part->threads;
    if (!part->found) return;
    mvals a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    for (int m = 0; m < sp->set.n_metrics; m++) {
        a.v[m] = part->value[m];
        b.v[m] = acc->value[m];
    }
    if (acc->found && (lex_less(sp, &b, &a) || (!lex_less(sp, &a, &b) && acc->pos < part->pos)))
        return;
    acc->found = true;
    memcpy(acc->value, part->value, sizeof acc->value);
    acc->pos = part->pos;
    acc->best = part->best;
}

adse_status adse_mapper_items_result(const adse_mapper_items *items, const adse_mapper_part *merged,
                                     adse_mapper_result *out, adse_err *err)
{
    if (!items || !merged || !out)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "missing argument to the mapper");
    const msearch *G = items->S;
    const mspace *sp = &G->sp;
    memset(out, 0, sizeof *out);
    mvals best;
    memset(&best, 0, sizeof best);
    for (int m = 0; m < sp->set.n_metrics; m++)
        best.v[m] = merged->found ? merged->value[m] : HUGE_VAL;
    double lbv = best.v[0] < merged->lower_bound ? best.v[0] : merged->lower_bound;
    adse_mapper_stats *st = &out->stats;
    fill_stats(sp, merged->found ? &best : NULL, merged->done, lbv, NULL, 0, merged->evaluated,
               merged->valid, merged->threads, st);
    st->pieces = merged->pieces;
    out->found = merged->found;
    if (!out->found) return ADSE_OK;
    out->best = merged->best;
    adse_scratch *sc = adse_scratch_new(sp->model);
    if (!sc) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    adse_status st2 = adse_model_evaluate(sp->model, &out->best, sc, &out->result, NULL);
    adse_scratch_free(sc);
    if (st2 != ADSE_OK)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "the merged mapping is not valid for this model");
    return ADSE_OK;
}
