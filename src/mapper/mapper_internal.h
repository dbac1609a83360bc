/*
 * mapper_internal.h: shared state of the mapper layer (src/mapper/).
 *
 * The mapspace (space.c) is Timeloop's uber mapspace (model.md §9.1) restricted by an
 * adse_constraints. Tiling levels are numbered innermost first: for every storage level i a
 * spatial tiling level when i fans out to more than one child, then its temporal tiling
 * level. Each tiling level holds one factor per dimension; a factor domain is the set of
 * divisors of the dimension's bound within [lo, hi] (or the fixed value eq). Loop orders are
 * handled as "effective orders": the sequence of non-unit loops of a level, innermost first
 * (unit loops are dropped by the model, so permutations that differ only in where the unit
 * dimensions sit build the same loop nest). A spatial level also has a cut: its first `cut`
 * non-unit loops are Spatial-X, the rest Spatial-Y.
 *
 * The search (search.c) walks the index factorizations depth first, tiling levels
 * innermost first, so that a level's tile is final once its temporal tiling level is
 * assigned (tiles only grow with outer factors); per complete factorization it enumerates
 * the keep/bypass choices, then the effective orders and cuts, and evaluates each mapping
 * with the model. Lower bounds (bound.c) prune partial factorizations and (factorization,
 * keep) pairs. All of this is deterministic: the enumeration order defines the index that
 * breaks ties; work is split into items whose positions follow that order (search.c).
 */
#ifndef ADSE_MAPPER_INTERNAL_H
#define ADSE_MAPPER_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "adse/mapper.h"

#define MAP_MAX_TL (2 * ADSE_MAX_LEVELS)

/* One tiling level. */
typedef struct mtl {
    int storage;                /* storage level it belongs to */
    bool spatial;               /* spatial (fans out to the children) or temporal */
    bool canonical;             /* the mapspace fixes its order (model.md §9.1) */
    bool user_split;            /* split fixed by a constraint */
    int split;                  /* the fixed split (user_split) */
    uint32_t fx, fy;            /* spatial: hardware fanout X and Y */
    uint64_t eq[ADSE_MAX_DIMS]; /* fixed factor, 0 = free */
    uint64_t lo[ADSE_MAX_DIMS]; /* smallest allowed factor (>= 1) */
    uint64_t hi[ADSE_MAX_DIMS]; /* largest allowed factor by the constraints
                                   (UINT64_MAX = none) */
    uint64_t cap;               /* spatial: fx * fy, the largest product of its factors */
    uint64_t maxprod;           /* spatial: the largest product its factors can have (<= cap;
                                   what its constraints allow, space.c tighten_maxprod) */
    int n_prefix, n_suffix;     /* permutation constraint, innermost first */
    uint8_t prefix[ADSE_MAX_DIMS], suffix[ADSE_MAX_DIMS];
    uint32_t fixed_mask; /* dims in prefix or suffix */
    /* spatial: gcd(bound, lcm(1..maxprod)) per dimension, the bound if the lcm is over 64
     * bits (bound.c F9's keys) */
    uint64_t divkey[ADSE_MAX_DIMS];
} mtl;

/* Metric values of one mapping, in the order of the settings' metrics. */
typedef struct mvals {
    double v[ADSE_MAX_METRICS];
} mvals;

/* The mapspace: everything the search needs that does not depend on a mapping. */
/* F11's vectors (bound.c) of every vector e of the MAC level's factors, innermost temporal
 * loop x (-1: none) and next loop y (-1: none, -2: any): vector j is v[j], with x[j] and
 * y[j]; the keys e are key[0..nk), ascending lexicographically, and key i's vectors are
 * first[i] .. first[i] + n[i]. vcap and kcap: allocated while the table is built. */
typedef struct mmactab {
    double (*v)[ADSE_MAX_DATASPACES];
    int8_t *x, *y;
    uint64_t (*key)[ADSE_MAX_DIMS];
    int *first, *n;
    int nv, nk, vcap, kcap;
} mmactab;

typedef struct mspace {
    const adse_model *model;
    const adse_arch *arch;
    const adse_problem *prob;
    adse_mapper_settings set;
    int L, D, NDS; /* storage levels, dimensions, data spaces */
    int NT;        /* tiling levels */
    mtl tl[MAP_MAX_TL];
    int t_of[ADSE_MAX_LEVELS]; /* temporal tiling level of storage level i */
    int s_of[ADSE_MAX_LEVELS]; /* spatial tiling level of storage level i, -1 if none */
    uint32_t keep_fixed[ADSE_MAX_DATASPACES], keep_value[ADSE_MAX_DATASPACES];
    uint32_t keep_free[ADSE_MAX_DATASPACES]; /* levels where keep/bypass is enumerated */
    double min_parallelism;

    /* Divisors of each bound, descending (the enumeration order of factors). */
    int n_divs[ADSE_MAX_DIMS];
    uint64_t *divs[ADSE_MAX_DIMS];
    /* Feasibility of a remaining bound r at tiling level t for dimension x: the levels
     * above t must be able to absorb r: r % fix_above == 0 and min_above <= r / fix_above
     * <= max_above (the product of the free levels' lo / hi; UINT64_MAX = unbounded). */
    uint64_t fix_above[MAP_MAX_TL][ADSE_MAX_DIMS];
    uint64_t min_above[MAP_MAX_TL][ADSE_MAX_DIMS];
    uint64_t max_above[MAP_MAX_TL][ADSE_MAX_DIMS];

    /* Model facts the bounds need. */
    bool links_on;                            /* link transfers enabled in the model */
    bool legacy;                              /* LEGACY translation rule */
    bool halo[ADSE_MAX_DATASPACES];           /* some rank has more than one term (the model's) */
    bool sliding[ADSE_MAX_DATASPACES];        /* some rank has two terms on non-unit dims */
    uint32_t slide_dims[ADSE_MAX_DATASPACES]; /* the dims of those ranks */
    bool any_sliding;                         /* some data space is sliding */
    uint32_t may_spatial[MAP_MAX_TL];         /* spatial: dims whose factor may be above 1 */
    uint32_t relevant[ADSE_MAX_DATASPACES];   /* dims in its projection */
    /* relevant dims outside slide_dims: the loops the closed-form fill counts (F7, for a
     * sliding window a lower bound, docs/mapper.md section 5) */
    uint32_t rel_closed[ADSE_MAX_DATASPACES];
    bool rw[ADSE_MAX_DATASPACES]; /* read-write (output) data space */
    double bw_scale[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    uint64_t latency; /* network fill + drain latencies (cycles) */
    uint64_t macs;
    double mac_energy_pj;
    double leak_pj;                          /* sum of per-instance-cycle leakage of all levels */
    uint64_t opset[ADSE_MAX_DATASPACES];     /* distinct operand points of each data space */
    bool dram_lb_valid[ADSE_MAX_DATASPACES]; /* opset is a lower bound of the outermost
                                                level's reads/updates for every mapping */
    double dram_energy[ADSE_MAX_DATASPACES]; /* compulsory outermost-level energy of d
                                                (0 unless dram_lb_valid) */
    /* min(1, clusters / instances) of level i: the share of its instances whose accesses a
     * count over all instances pays for (F6, F8), and the least energy of one read (update,
     * for the output) and one fill of d at level i per word, over all its instances: the
     * access energy / block size x that share (F8). */
    double inst_share[ADSE_MAX_LEVELS];
    double unit_read_pj[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    double unit_fill_pj[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];

    double size;          /* mapspace size (Timeloop's count) */
    uint64_t spatial_max; /* the most all spatial levels' factors multiply to together */

    /* A temporal level's order changes the counts only through the loops it places before
     * each data space's first relevant loop: no sliding window, no link transfers
     * (docs/mapper.md 4.2, "settled orders"; search.c order_settled). */
    bool order_sig;
    /* The step (tiling level NT - 2's first) where search.c's split_prunable may bound
     * every split of what remains between the two outermost tiling levels, -1: none. Where
     * the outermost storage level has no fanout, tiling level NT - 2 is storage level
     * L - 2's temporal level and the outermost level's order is free (docs/mapper.md 4.2,
     * "bound of the outermost levels' split"); dfs takes it where a data space has a
     * sliding window. */
    int split_step;
    /* Per storage level s below the outermost: a loop may move down from s + 1's temporal
     * level to s's without leaving the mapspace, as far as s's order goes: that order is
     * free (no permutation constraint) or the innermost tiling level's canonical one
     * (docs/mapper.md 4.2, "boundary shifts"; adse__shift_tie). */
    bool shift_to[ADSE_MAX_LEVELS];
    /* Per tiling level t: some storage level at or above t's, of limited size, may keep or
     * bypass some data space (a keep bit the constraints leave free), so the tiles growing
     * with t's factors can move the least keeper assignment (search.c node_ok). */
    bool grow_bound[MAP_MAX_TL];

    /* F10 (bound.c): per storage level k and set of data spaces (bit mask), the least
     * vectors of their total fills at k over every tile that fits k; NULL: none. */
    struct mrefill *refill;
    /* F10 across levels: per set of data spaces kept at different levels (code: the sum over
     * its d of (level + 1) x L^d), the same vectors over the tiles of its outermost level;
     * NULL (table or entry): none. */
    struct mrefill **xrefill;
    /* per storage level and data space, the largest fills any F10 entry gives it there
     * (0: none) */
    double refill_max[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    /* F11 (bound.c): with link transfers at the MAC level, the least vectors of the reads
     * there of the halo-free data spaces over the tile the MACs hold together at a step;
     * NULL: none. */
    struct mrefill *macfill;
    /* F11 per vector e of the MAC level's factors, innermost temporal loop and next loop,
     * for the partial factorizations whose MAC level is complete */
    struct mmactab macfill_e;
} mspace;

/* The factors and the permutation of tiling level t in mapping m: its storage level's
 * spatial or temporal arrays. Like strchr, they take a const mapping and return writable
 * arrays, so that one function serves readers and writers; write only through a mapping
 * the caller owns. */
static inline uint64_t *adse__tl_factors(const mspace *sp, const adse_mapping *m, int t)
{
    const mtl *l = &sp->tl[t];
    return (uint64_t *)(l->spatial ? m->spatial[l->storage] : m->temporal[l->storage]);
}

static inline uint8_t *adse__tl_perm(const mspace *sp, const adse_mapping *m, int t)
{
    const mtl *l = &sp->tl[t];
    return (uint8_t *)(l->spatial ? m->spatial_perm[l->storage] : m->temporal_perm[l->storage]);
}

/* search.c: a thread that would start an item whose bound is above that of a running item
 * asks the latter for a piece once it has run this long (seconds; default 0.001; tests set
 * 0 to split at every chance). Set before adse_mapper_run, never during. */
extern double adse__split_after_s;

/* search.c: the share of a time limit the exact search has before the anytime steps of
 * docs/mapper.md 6.1 (default 0.5; a test sets 0 to run those steps at once). */
extern double adse__search_share;

/* space.c */
adse_status adse__space_init(mspace *sp, const adse_model *model, const adse_constraints *c,
                             const adse_mapper_settings *set, adse_err *err);
void adse__space_release(mspace *sp);

/* Effective orders of one tiling level for a given set of non-unit dims: the
 * permutations P' + perm(I') + S' of the constrained prefix, free infix and suffix. */
typedef struct morder {
    int n; /* non-unit loops */
    uint8_t dims[ADSE_MAX_DIMS];
    int n_pre, n_inf;   /* lengths of P' and I' inside dims[] */
    int cut_lo, cut_hi; /* spatial: allowed numbers of X loops (realizable cuts) */
    int cut;            /* current cut (spatial) */
} morder;

/* Sets o to the first order of tiling level t whose non-unit dims are `nonunit`. */
void adse__order_first(const mspace *sp, int t, uint32_t nonunit, morder *o);
/* May link transfers change d's accesses through spatial tiling level u (docs/mapper.md F3,
 * F3')? Not without links, nor under the NEW rule above storage level 0 when no dimension
 * that may be spatial at u is in a rank of d with two terms on non-unit dims. */
static inline bool adse__links_may(const mspace *sp, int u, int d)
{
    if (!sp->links_on) return false;
    if (sp->legacy || u == sp->s_of[0]) return true;
    return (sp->may_spatial[u] & sp->slide_dims[d]) != 0;
}
/* Does some X/Y assignment of spatial tiling level t's factors f that its permutation and
 * split constraints allow fit the fanout? */
bool adse__spatial_fits(const mspace *sp, int t, const uint64_t *f);
typedef struct adse_spcache adse_spcache;
/* Least compute cycles of the completions of factors f once tiling levels 0..t are complete
 * (later ones partly assigned: unassigned steps hold 1), rem what remains of each bound
 * (cache: the calling thread's spatial cache, or NULL). */
uint64_t adse__cc_lower(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], const uint64_t *rem,
                        int t, adse_spcache *cache);
/* The largest product spatial tiling level u can have when none of its factors is assigned
 * yet and rem is what remains of each bound: a product of divisors of rem within the
 * level's factor domains, at most its maxprod (bound.c; through cache, or NULL). */
uint64_t adse__spatial_room(const mspace *sp, adse_spcache *cache, int u, const uint64_t *rem);
/* The largest product of the fanouts of the spatial tiling levels in the mask levels, none
 * of whose factors is assigned yet, rem being what remains of each bound: each level's
 * factors within its domains and their product at most its maxprod, and every dimension's
 * factors together a divisor of its remainder (a joint choice, where adse__spatial_room
 * takes each level alone). 0 when the choices are too many to enumerate or none exists
 * (then each level's room bounds). */
uint64_t adse__spatial_room_joint(const mspace *sp, adse_spcache *cache, uint32_t levels,
                                  const uint64_t *rem);
/* Advances o to the next permutation of its free infix; false after the last. */
bool adse__order_next_perm(morder *o);
/* Writes tiling level t's permutation (and split, spatial) into m for order o. */
void adse__order_apply(const mspace *sp, int t, const morder *o, adse_mapping *m);
/* Is mapping m in the mapspace (factors within the domains, orders and splits the
 * constraints allow, fanouts, minimum parallelism, fixed keep bits)? If so ords[t] receives
 * each tiling level's effective order and cut. The model's validity is not checked. */
bool adse__space_contains(const mspace *sp, const adse_mapping *m, morder *ords);

/* Is every mapping with factors f (tiling levels) and keep bits keep whose temporal tiling
 * level u has y as its innermost non-unit loop an exact tie of a mapping earlier in the
 * enumeration order, the one with y moved down to the outermost loop of the temporal level
 * of the storage level below u's (docs/mapper.md 4.2, "boundary shifts")? Then the first
 * optimum in the order is never such a mapping, and the search skips them. */
bool adse__shift_tie(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], const uint32_t *keep,
                     int u, int y);
/* Is every order of s + 1's temporal level such a tie (adse__shift_tie of every loop that can
 * be its innermost) whenever storage level s keeps only data spaces of *keepable (a bit
 * mask)? Then no mapping of factors f with such a subset at s is visited. */
bool adse__shift_dead(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int s,
                      uint32_t *keepable);

/* bound.c */
typedef struct adse_scratch adse_scratch;

/* The most children of a spatial level with factors cnt that share one offset of data space
 * d (docs/mapper.md F3''), step the children's tile extents (NULL: unknown, a bound for
 * every extent); the whole fanout where d's ranks share a dimension. */
uint64_t adse__group_max(const adse_problem *p, int d, const uint64_t *cnt, const uint64_t *step);

/* What one complete factorization fixes (per storage level and data space). */
typedef struct mifinfo {
    uint64_t ext[ADSE_MAX_LEVELS][ADSE_MAX_DIMS]; /* tile extents at each level's boundary */
    /* where level i fans out, the extents of the union of its children's tiles (at its
     * spatial tiling level's boundary) */
    uint64_t vext[ADSE_MAX_LEVELS][ADSE_MAX_DIMS];
    uint64_t lstep[MAP_MAX_TL][ADSE_MAX_DIMS]; /* one step of a loop at tiling level u: the
                                                  extents of the levels below it */
    uint64_t tsize[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];   /* U_i(d) */
    uint64_t ps[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];      /* partition sizes (model.md §4.8.2) */
    uint64_t fill_lb[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES]; /* lower bound of Fill_i(d) (F2) */
    uint64_t fill_min[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES]; /* the least Fill_i(d) over the
                                                                loop orders (F7), else fill_lb */
    uint64_t g_lb[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];     /* lower bound of the multicast
                                                                groups of level i's children */
    uint64_t gmax[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];     /* where links may act at level i's
                                fanout, above storage level 0: its largest multicast group (F3'') */
    uint64_t fan[ADSE_MAX_LEVELS];                           /* spatial product of level i */
    uint32_t sdims[ADSE_MAX_LEVELS]; /* the dims with a factor above 1 at level i's fanout */
    uint64_t rf[ADSE_MAX_LEVELS];    /* replication (instances used) of level i */
    uint64_t cc;                     /* compute cycles = product of temporal factors */
    /* The innermost temporal tiling level above level i with a non-unit loop relevant to d
     * in F7's closed form (mspace.rel_closed), NT if none: orders fixed only above it leave
     * Fill_i(d)'s least at fill_min (adse__least_fill). */
    int8_t u_rel[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    /* For a sliding window, whether fill_min holds the steps of its tile at level i loop by
     * loop (F7 for sliding windows, adse__if_info_slides), which fixed orders raise */
    bool slide[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    /* Per instance of storage level j, the least it reads of d through its fanout where
     * links may act: F7 for the union of its children's tiles, every order free
     * (adse__if_info, where that union is a box; 0: no bound) */
    uint64_t ufill[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    /* that union's points (0: not a box, no bound) */
    uint64_t uvsize[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
} mifinfo;

/* Lower bounds of the raw quantities behind the metrics. */
typedef struct mlb {
    double cycles; /* total cycles */
    double energy; /* total energy, pJ */
    double lla;    /* last-level accesses */
} mlb;

/* May links move d through storage level j's fanout, for factorization info? sliding: use
 * the bounds' notion of a halo (mspace.sliding, F3 holds for the others); else the model's
 * (mspace.halo), as the bound that orders the keep choices always has. nolink (or NULL):
 * bit d of nolink[j] set where the orders fixed so far let no link move d through j's
 * fanout (F16, adse__fill_exact). */
static inline bool adse__links_possible(const mspace *sp, const mifinfo *info, int j, int d,
                                        bool sliding, const uint32_t *nolink)
{
    if (!sp->links_on || info->fan[j] < 2) return false;
    if (nolink && ((nolink[j] >> d) & 1u)) return false;
    /* F3 with the level's own factors: under the NEW rule, above storage level 0, only a
     * factor on a dimension of d's sliding windows lets links move d */
    if (sliding)
        return adse__links_may(sp, sp->s_of[j], d) &&
               (sp->legacy || j == 0 || (info->sdims[j] & sp->slide_dims[d]));
    return sp->legacy || sp->halo[d] || j == 0;
}

/* Fills info for the complete factorization f[tiling level][dim], in three parts:
 * adse__if_info_base leaves the sliding windows' bounds at their weakest (slide false, ufill
 * and uvsize 0; fill_min without F7's steps of a sliding window),
 * adse__if_info_slides adds those steps (returning the data spaces whose fill_min it
 * raised), and adse__if_info_union the union of a fanout's children (those with a ufill). Every
 * bound is monotone in those fills, so a bound from the first parts is at most the bound
 * from all three: process_if tests the cheaper parts first. */
void adse__if_info(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], mifinfo *info);
void adse__if_info_base(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], mifinfo *info);
uint32_t adse__if_info_slides(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], mifinfo *info);
/* For the tables of adse__if_info_base, the sliding windows' steps of the loops below tiling
 * level t_top alone (docs/mapper.md 4.2, "bound of the outermost levels' split"): raises
 * fill_min of the levels below t_top, returning the data spaces it raised. */
uint32_t adse__if_info_slides_low(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t_top,
                                  mifinfo *info);
uint32_t adse__if_info_union(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], mifinfo *info);
/* Lower bound of every mapping with this factorization and these keep masks, in two
 * parts: each data space's share depends on its own keep mask only (adse__bound_keep_ds),
 * so a search computes it once per mask and factorization (or, in the order search, once
 * per change of its fills and link verdicts) and sums the shares of every keep choice
 * (adse__bound_keep_sum; without bandwidth, the cycles are the compute cycles alone: a
 * bound no higher). The fills of levels k >= k_exact are exact (fill_ex, from
 * adse__fill_exact), the others bounded by fill_min (least_fill) or fill_lb (F2 only: the
 * key that orders the keep choices). nolink (NULL: none): per storage level j, the data
 * spaces no link moves through j's fanout under the orders fixed so far (F16). ufill_ex
 * (NULL: none): per level c >= k_exact, the fills of the union of the tiles of level
 * c + 1's children with the orders fill_ex[c] was taken with (adse__union_least_fill; 0:
 * none known), which level c + 1 reads at least where links may act. */
typedef struct mkeepds {
    double energy, lla;                              /* pJ; last-level accesses */
    double tr[ADSE_MAX_LEVELS], tw[ADSE_MAX_LEVELS]; /* words read, written per level */
} mkeepds;
void adse__bound_keep_ds(const mspace *sp, const mifinfo *info, int d, uint32_t keep,
                         const uint64_t (*fill_ex)[ADSE_MAX_DATASPACES],
                         const uint64_t (*ufill_ex)[ADSE_MAX_DATASPACES], int k_exact,
                         bool least_fill, const uint32_t *nolink, mkeepds *out);
/* The least energy and, apart, the least last-level accesses of d's share (F7's fills:
 * adse__bound_keep_ds with least_fill and no exact fills) over the keep masks that keep d
 * somewhere, at levels of can1 only, and bypass it only at levels of can0 (a dynamic
 * programme over the chain's keepers: each keeper's part depends on the one below it
 * alone); HUGE_VAL where no mask does. */
void adse__keep_ds_least(const mspace *sp, const mifinfo *info, int d, uint32_t can1, uint32_t can0,
                         const uint32_t *nolink, double *energy, double *lla);
void adse__bound_keep_sum(const mspace *sp, const mifinfo *info, const mkeepds *const *parts,
                          bool bandwidth, mlb *lb);
/* The model's Fill_k(d) once the orders of all temporal tiling levels above level k are
 * fixed (ords indexed by tiling level), computed as the model does (closed form, or its
 * visit-sequence solver for halo tensors and where link transfers are analysed). With
 * no_links (else NULL), *no_links tells whether no link can move d through storage level
 * k + 1's fanout under those orders, whatever the order and split of that fanout and the
 * orders below (F16). */
uint64_t adse__fill_exact(const mspace *sp, adse_scratch *scratch,
                          const uint64_t f[][ADSE_MAX_DIMS], const morder *ords,
                          const mifinfo *info, int k, int d, bool *no_links);
/* Where links may move d through storage level k + 1's fanout, a lower bound of what one
 * instance of k + 1 reads of d with the orders of the temporal levels above k's tile fixed
 * (ords): the points new to the union of its children's tiles, step kind by step kind of
 * the model's visit sequence (docs/mapper.md section 5, "The union of a fanout's
 * children"); at least ufill. */
uint64_t adse__union_least_fill(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS],
                                const mifinfo *info, const morder *ords, int k, int d);
/* May a link move d through storage level k + 1's fanout in some completion where the
 * temporal tiling levels from t_fix up have the orders ords[] and those below t_fix any
 * order (t_fix = NT: every order free)? False only where no step of the children's visit
 * sequence can carry a delta a neighbour had (docs/mapper.md F16 (d)). */
bool adse__links_window(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], const morder *ords,
                        const mifinfo *info, int k, int d, int t_fix);
/* The least Fill_k(d) over the completions of partly fixed orders (F7): the temporal levels
 * above tiling level t_fix have the orders ords[], level t_fix the first n_pre + n_fix loops
 * of ords[t_fix], the levels below any order; t_fix = NT fixes nothing. For a data space
 * without the closed form (halo, link analysis at level k + 1), info->fill_min. */
uint64_t adse__least_fill(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], const mifinfo *info,
                          const morder *ords, int t_fix, int n_fix, int k, int d);
/* A search thread's cache of F9's spatial choices (bound.c); NULL disables it. Its entries
 * are keyed by tiling level and remains only: one cache serves one mapspace. */
adse_spcache *adse__spcache_new(void);
void adse__spcache_free(adse_spcache *c);
/* Lower bound of every completion of a factorization whose tiling levels 0..t_done are
 * assigned (f; later levels partly or not) and whose compute cycles are at least cc_lb;
 * the energy part covers only the completions of at most cycles_cap cycles (HUGE_VAL: all;
 * F9; cache: the calling thread's, or NULL). Without with_energy the energy bound is only
 * the computes' and the leakage (cheap: it decides whenever the energy cannot matter, see
 * search.c node_ok). */
void adse__bound_partial(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t_done,
                         double cc_lb, double cycles_cap, adse_spcache *cache, bool with_energy,
                         mlb *lb);
/* The same; without f10_all, F10 only as it stood before F10 across levels (its same-level
 * sets at levels not complete): a weaker bound, which the work items' run order uses
 * (search.c item_bound, docs/mapper.md section 6). */
void adse__bound_partial_f10(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t_done,
                             double cc_lb, double cycles_cap, adse_spcache *cache, bool with_energy,
                             bool f10_all, mlb *lb);

/* The same with F10 whole, for a caller that only tests the bound: the energy bound is
 * exact where it lies in [e_lo, e_hi), at least e_hi where the exact one is, and below e_lo
 * where the exact one is (the least over the keeper assignments stops at one below e_lo,
 * and assignments at e_hi or above are not priced further): search.c node_prunable, with
 * an energy below e_lo that does not prune and one at e_hi that does. */
void adse__bound_partial_decide(const mspace *sp, const uint64_t f[][ADSE_MAX_DIMS], int t_done,
                                double cc_lb, double cycles_cap, adse_spcache *cache, double e_lo,
                                double e_hi, mlb *lb);

/* F10's table entry of a level and a set of data spaces (bound.c): the least vectors of
 * their total fills there over every tile that fits (componentwise minima of runs of them
 * when there are more than RF_MAX); n = 0: no bound. */
#define RF_MAX 16
typedef struct mrefill {
    int n;
    int nds;
    uint8_t ds[ADSE_MAX_DATASPACES];       /* the data spaces of the set, ascending */
    double v[RF_MAX][ADSE_MAX_DATASPACES]; /* total fills of ds[i] over all instances */
} mrefill;
/* The entry of level k and data-space set mask, or NULL when F10 has none there. */
static inline const mrefill *adse__refill_at(const mspace *sp, int k, uint32_t mask)
{
    return sp->refill ? &sp->refill[((size_t)k << sp->NDS) + mask] : NULL;
}
/* The key of F10 across levels for data spaces kept at lev[d] (-1: not in the set): the sum
 * over the set of (lev[d] + 1) x L^d. */
static inline size_t adse__xrefill_code(const mspace *sp, const int *lev)
{
    size_t code = 0, w = 1;
    for (int d = 0; d < sp->NDS; d++) {
        code += (size_t)(lev[d] + 1) * w;
        w *= (size_t)sp->L;
    }
    return code;
}
/* The entry of F10 across levels for data spaces kept at lev[d], or NULL. */
static inline const mrefill *adse__xrefill_at(const mspace *sp, const int *lev)
{
    return sp->xrefill ? sp->xrefill[adse__xrefill_code(sp, lev)] : NULL;
}
/* F10's table (sp->refill) for the levels and sets of data spaces where it can apply;
 * false when out of memory. adse__refill_free (and adse__space_release) releases it. Only
 * the bounds use it, so adse__space_init does not build it (up to 2 ms on an open layer,
 * 95 % of the mapspace's making): the searches do (search.c), not the mapspace's size,
 * the seeds' part or a merger of parts. */
bool adse__refill_init(mspace *sp);
void adse__refill_free(mspace *sp);

/* Metric vector of raw values; lower bounds are made conservative by the caller. */
void adse__metrics(const mspace *sp, double cycles, double energy, double edp, double lla,
                   mvals *out);
/* Is a below b in the lexicographic order of the settings' metrics (docs/mapper.md 3)? */
bool adse__lex_less(const mspace *sp, const mvals *a, const mvals *b);
/* Metric vector of an evaluated mapping. */
void adse__metrics_of(const mspace *sp, const adse_result *r, mvals *out);
/* Metric vector of a lower bound (conservative against rounding). */
void adse__metrics_lb(const mspace *sp, const mlb *lb, mvals *out);

/* search.c: the keep choices of a factorization are the combinations of a subset per level
 * (subs[i][0 .. nsub[i]), bit d = keeps data space d). The number of combinations of
 * levels 0 .. j - 1 whose subsets together keep every data space of u (bit d) into *out;
 * false when it could exceed 2^56. */
typedef uint8_t ksubs[1u << ADSE_MAX_DATASPACES];
bool adse__keep_count(const ksubs *subs, const int *nsub, int j, uint32_t u, uint64_t *out);

/* The clock of the anytime steps' budgets (docs/mapper.md 6.1): monotonic wall seconds, or
 * work (by_work): the search nodes and evaluations counted in *work, rate of them to a
 * second, so that a strong start's steps do the same work on any machine. work (or NULL)
 * counts in both modes. */
typedef struct mclock {
    _Atomic uint64_t *work;
    bool by_work;
    double rate;     /* by work: units to a second (adse__work_rate per thread that spends it) */
    double wall_cap; /* by work: past these wall seconds (0: never) it reads 1e300 */
} mclock;
/* Search nodes and evaluations to a second of one thread: about what one core of the
 * machine that tuned the budgets did on the seed design's open layers (docs/mapper.md 6.1);
 * a variable so that tests can make the work clock's seconds short. */
extern double adse__work_rate;
/* The last strong start of a search run on the calling thread (docs/mapper.md 6.1), for
 * the tests: the metrics of the incumbent its steps started from and ended with, and the
 * mappings they evaluated. The steps are the same for any number of threads, so equal
 * starts give equal ends and counts. */
typedef struct mstart_trace {
    bool ran;
    double before[ADSE_MAX_METRICS], after[ADSE_MAX_METRICS];
    uint64_t evaluated;
    uint32_t finished; /* the items the search before it finished (passed over after it) */
} mstart_trace;
extern _Thread_local mstart_trace adse__start_trace;

/* The clock's time now, in its seconds (NULL: the wall clock's). */
double adse__clock_now(const mclock *c);
/* Counts n units of work on the clock (none where it is NULL or has no counter). */
void adse__clock_add(const mclock *c, uint64_t n);

/* local.c */
/* Improves mapping *best (in the space, valid, with metric vector *val) by a deterministic
 * first-improvement local search until a local optimum or the clock (clk, or wall seconds
 * if NULL) passes end; true when it improved (then *best, *val are the better mapping,
 * normalized as the search returns mappings). Adds the evaluations to *evaluated. */
bool adse__polish(const mspace *sp, adse_scratch *scratch, adse_result *res, adse_mapping *best,
                  mvals *val, const mclock *clk, double end, uint64_t *evaluated);

/* A mapping given from outside (a warm-start seed) with the order of each canonical tiling
 * level (mtl.canonical: its orders all count alike, so the search visits one) put in the
 * form the search gives it, so that adse__space_contains takes it whatever order it had
 * there (Timeloop's map.yaml lists the innermost level's loops in its own order). */
void adse__canonical_orders(const mspace *sp, adse_mapping *m);

/* The one rule by which the mapper takes a mapping it did not enumerate (a seed, a part's
 * seed, a polish move; docs/mapper.md 6.1): m must be in the space (adse__space_contains),
 * is normalized as the search returns mappings (adse__order_apply, into *norm) and must be
 * valid (adse_model_evaluate); then true, with its metric vector in *v. evaluated (or NULL)
 * counts the evaluations. */
bool adse__mapping_take(const mspace *sp, adse_scratch *scratch, adse_result *res,
                        const adse_mapping *m, adse_mapping *norm, mvals *v, uint64_t *evaluated);
/* The position of a seed incumbent: after every item, so it only prunes. */
#define SEED_POS UINT64_MAX

/* A dataplacement: keep/bypass bits to fix (fixed, per data space: bit i = level i) and
 * their values (1 = keep). */
typedef struct mplace {
    uint32_t fixed[ADSE_MAX_DATASPACES], value[ADSE_MAX_DATASPACES];
} mplace;
/* local.c: up to max candidate dataplacements of the space's free keep bits, in the order
 * to try them (docs/mapper.md 6.1); returns their number. */
int adse__placements(const mspace *sp, mplace *out, int max);
/* local.c: m put into candidate dataplacement p (its keep bits), with its temporal factors
 * moved outwards until every level of limited size below the outermost holds what it keeps
 * (docs/mapper.md 6.1). False if no factor is left to move; m need not be in the space. */
bool adse__place_apply(const mspace *sp, const mplace *p, bool small_first, adse_mapping *m);
/* The constraints a subspace of the anytime steps adds to: a copy of base, or none when base
 * is NULL. */
static inline void adse__constraints_from(const mspace *sp, const adse_constraints *base,
                                          adse_constraints *out)
{
    if (base)
        *out = *base;
    else
        adse_constraints_init(out, sp->L, sp->D, sp->NDS);
}
/* local.c: the neighbourhood of mapping m (docs/mapper.md 6.1): base (NULL: none) with m's
 * keep bits fixed at every level and m's spatial factors fixed wherever base leaves them
 * free, into *out (the temporal factors, the orders and the splits stay as base has them).
 * m must lie in the space of base. */
void adse__neighbourhood(const mspace *sp, const adse_constraints *base, const adse_mapping *m,
                         adse_constraints *out);

#endif
