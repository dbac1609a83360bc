/*
 * model_internal.h: shared state of the model layer (src/model/).
 *
 * adse_model holds what does not depend on the mapping: the copied arch and problem, the
 * flattened projections, per-level fanouts and the size bounds of the working memory.
 * adse_scratch holds everything one evaluation writes: the loop nest (innermost loop first,
 * model.md §3.2), per-level tiles, and the tables of the visit-sequence solver (seq.c) and of the
 * spatial analysis (spatial.c). Nothing in here allocates after adse_scratch_new().
 *
 * Visit sequences (model.md §4.2-4.4). For the tile of a level, Timeloop visits the positions of
 * the non-unit temporal loops above it with every index in {0,1}, outermost slowest. Step j
 * (from position j-1 to j) sets bit b = ctz(j) and clears the bits below: its data-space
 * translation t_b depends on b only, so does the size of its delta given the translation
 * rule's state. seq.c solves the sequence on its binary-counter structure instead of walking
 * the 2^k positions: a step is summarised by its "sigma" = (carry b, subtract or blow-up)
 * and the rule state "rho" (null or a translation class).
 */
#ifndef ADSE_MODEL_INTERNAL_H
#define ADSE_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "adse/model.h"

#define MODEL_MAX_LOOPS (ADSE_MAX_LEVELS * (2 * ADSE_MAX_DIMS + 1))
#define MODEL_MAX_TERMS (ADSE_MAX_RANKS * ADSE_MAX_TERMS)

enum { LOOP_T = 0, LOOP_X = 1, LOOP_Y = 2 };

/* Sigma codes of a step: 0 = first visit, 1 + 2*carry + kind. */
enum { SEQ_SUB = 0, SEQ_BLOW = 1 };
#define SEQ_SIGMA_FIRST 0
#define SEQ_SIGMA(carry, kind) (1 + 2 * (carry) + (kind))
#define SEQ_SIGMA_CARRY(s) (((s)-1) / 2)
#define SEQ_SIGMA_KIND(s) (((s)-1) % 2)

typedef struct mloop {
    uint64_t n;      /* bound */
    uint64_t stride; /* operation-space stride along its own dimension */
    uint8_t dim;     /* dimension id */
    uint8_t kind;    /* LOOP_T / LOOP_X / LOOP_Y */
    uint8_t level;   /* storage level whose tiling level holds it */
} mloop;

/* Flattened projection of one data space. */
typedef struct mproj {
    uint8_t n_ranks;
    uint8_t first[ADSE_MAX_RANKS + 1]; /* terms of rank r: first[r] .. first[r+1]-1 */
    uint8_t dim[MODEL_MAX_TERMS];
    int64_t coef[MODEL_MAX_TERMS];
    bool halo; /* some rank has more than one term */
    /* The dimensions of d's sliding windows: those of its ranks with two or more terms on
     * dimensions of bound above 1. Every multi-term rank is a halo to Timeloop (model.md
     * 4.5b), but a rank whose other terms are on unit dimensions (the Inputs of a 1x1
     * convolution: R = S = 1) moves its tile by multiples of its extent like a single-term
     * one: with none, d's tiles never overlap and its fill is the closed form (4.5a). */
    uint32_t slide_dims;
    bool read_write;
    uint32_t relevant; /* dimensions appearing in any term */
} mproj;

/* u[r]: how far rank r of p moves when dimension x moves by stride (a loop's translation,
 * model.md 4.1). */
static inline void adse__dim_step(const mproj *p, int x, int64_t stride, int64_t *u)
{
    for (int r = 0; r < p->n_ranks; r++) {
        int64_t v = 0;
        for (int t = p->first[r]; t < p->first[r + 1]; t++)
            if (p->dim[t] == x) v += p->coef[t] * stride;
        u[r] = v;
    }
}

/* out[r]: the extent of rank r of p over a tile of extents ext per dimension. */
static inline void adse__tile_extents(const mproj *p, const uint64_t *ext, int64_t *out)
{
    for (int r = 0; r < p->n_ranks; r++) {
        int64_t span = 0;
        for (int t = p->first[r]; t < p->first[r + 1]; t++) {
            int64_t c = p->coef[t] < 0 ? -p->coef[t] : p->coef[t];
            span += c * (int64_t)(ext[p->dim[t]] - 1);
        }
        out[r] = span + 1;
    }
}

struct adse_model {
    adse_arch arch;
    adse_problem prob;
    adse_model_options opts;
    int n_levels, n_dims, n_ds;
    mproj proj[ADSE_MAX_DATASPACES];
    /* Tests only: evaluate every data space without a sliding window as one with (the
     * visit-sequence solver, and link analysis wherever links are on), the reference of
     * analyze()'s closed-form path. false after adse_model_create. */
    bool reference_paths;
    uint32_t fanout_x[ADSE_MAX_LEVELS], fanout_y[ADSE_MAX_LEVELS];
    double bw_scale[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    uint64_t macs;    /* product of all bounds */
    int rw_ds;        /* first read-write data space, -1 if none */
    int kmax;         /* upper bound on non-unit temporal loops of a nest */
    uint32_t fmax;    /* largest fanout of any level */
    double area_um2;  /* sum of area * instances */
    uint64_t latency; /* sum of network fill and drain latencies */
    /* Declared networks (docs/model.md, "Declared networks"): evaluated once each, on the tile of
     * the first connection that uses it, in Timeloop's order. */
    adse_connection conn[ADSE_MAX_LEVELS];
    int n_neval;
    int8_t neval_net[ADSE_MAX_NETWORKS], neval_level[ADSE_MAX_NETWORKS];
    int16_t net_act[ADSE_MAX_NETWORKS][ADSE_MAX_DATASPACES]; /* ERT action, -1 none */
    uint32_t net_levels; /* bit i: level i's tile feeds a declared network */
};

/* Can link transfers change d's counts at a spatial level above the MACs? Not for a data
 * space without a sliding window under the NEW rule: every step moves its tile by a multiple
 * of its extent times the spatial factors, so no child's delta is a neighbour's previous one
 * (docs/model.md 4.7). Then its fill there is the closed form too (4.5a). */
static inline bool adse__links_can_move(const adse_model *m, int d)
{
    return m->proj[d].slide_dims || m->opts.translation == ADSE_TRANSLATION_LEGACY;
}

/* One (previous sigma, current sigma) pair of a visit sequence with its summed weight. */
typedef struct seq_pair {
    int32_t prev, cur;
    uint64_t w;
} seq_pair;

/* Inputs of the visit-sequence solver. Translations are data-space vectors (nr ranks each). */
typedef struct seq_in {
    int k;              /* non-unit temporal loops above the tile, innermost first */
    int nr;             /* ranks */
    const uint64_t *n;  /* [k] bounds */
    const int64_t *t;   /* [k * nr] translation of a step with carry b */
    const int64_t *ext; /* [nr] tile extent per rank */
    uint64_t size;      /* tile size (product of ext) */
    bool legacy;        /* LEGACY translation rule */
    bool no_reuse;      /* no_temporal_reuse: every step is a blow-up */
    bool want_pairs;    /* fill out->pairs */
} seq_in;

typedef struct seq_out {
    uint64_t fill; /* sum over positions of weight * |delta| */
    int n_pairs;
    seq_pair *pairs; /* points into scratch; first pair is (-1, FIRST, 1) */
} seq_out;

/* Box relative to the current tile's corner: [lo, hi) per rank. */
typedef struct mbox {
    int64_t lo[ADSE_MAX_RANKS], hi[ADSE_MAX_RANKS];
} mbox;

/* What adse__spatial_level's results depend on: the level's spatial loops and fanout shape
 * (and the model). */
typedef struct mlevel_key {
    bool valid;
    uint8_t q;
    int n_opdelta; /* the results' */
    uint64_t fx, fy;
    mloop loops[2 * ADSE_MAX_DIMS];
} mlevel_key;

struct adse_scratch {
    const adse_model *model;
    uint32_t stamp;

    /* Loop nest, innermost first. */
    int n_loops;
    mloop loops[MODEL_MAX_LOOPS];
    int sp_lo[ADSE_MAX_LEVELS], sp_hi[ADSE_MAX_LEVELS]; /* spatial loops [lo, hi) */
    int t_lo[ADSE_MAX_LEVELS], t_hi[ADSE_MAX_LEVELS];   /* temporal loops; boundary t_hi-1 */
    uint64_t ext_t[ADSE_MAX_LEVELS][ADSE_MAX_DIMS];     /* extents at the boundary */
    uint64_t ext_v[ADSE_MAX_LEVELS][ADSE_MAX_DIMS];     /* extents at the master spatial loop */
    uint64_t fan[ADSE_MAX_LEVELS], fan_x[ADSE_MAX_LEVELS], fan_y[ADSE_MAX_LEVELS];
    uint64_t rf[ADSE_MAX_LEVELS], rf_x[ADSE_MAX_LEVELS], rf_y[ADSE_MAX_LEVELS];
    uint64_t tsize[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES]; /* U_i(d) */
    uint64_t vsize[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES]; /* V_i(d) */
    uint64_t temporal_product;                            /* product of all temporal bounds */
    uint64_t spatial_product;                             /* product of all spatial bounds */

    /* Nest analysis results per level and data space (before collapse). */
    double acc[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];  /* total accesses (sum of bins) */
    double wacc[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES]; /* multicast-weighted accesses */
    double lt[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];   /* link transfers */
    /* Largest multicast factor with accesses and that bin's accesses (Timeloop's last
     * histogram bin), for the levels in net_levels; after collapse: bypass-scaled. */
    uint32_t nb_m[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    double nb_acc[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    double nb_total[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES]; /* all bins, after collapse */
    int nb_links; /* 1 + level whose link transfers change the bins of a network, or 0 */

    /* Visit-sequence solver. */
    int seq_kcap, seq_scap; /* capacities: loops, states per level */
    uint32_t *memo_stamp;   /* [(kcap+1) * scap] */
    int32_t *memo_val;
    int32_t *list_a_sid, *list_b_sid; /* [scap] */
    uint64_t *list_a_w, *list_b_w;
    seq_pair *pairs; /* [pair_cap] */
    int pair_cap;
    /* Per-call tables (k entries). */
    int32_t *cls;
    uint8_t *tzero;
    uint64_t *dsize;
    uint64_t seq_n[MODEL_MAX_LOOPS];
    int64_t seq_t[MODEL_MAX_LOOPS * ADSE_MAX_RANKS];

    /* Spatial analysis (children of one master spatial level). */
    uint32_t child_cap;
    int64_t *opoff;   /* [child_cap * ADSE_MAX_DIMS] operation-space child offsets */
    int64_t *opdelta; /* [4 * child_cap * ADSE_MAX_DIMS] neighbour offset classes */
    int n_opdelta;
    /* opoff, opdelta and nbr point into one slice per level with a fanout (lv_slice[j], the
     * last slice for any other), which adse__spatial_level keeps while the level's spatial
     * loops and fanout shape stay those of lv_key[j] (the mapper's consecutive evaluations
     * mostly differ only in orders and keep bits). */
    int64_t *opoff_all, *opdelta_all;
    int32_t *nbr_all;
    int8_t lv_slice[ADSE_MAX_LEVELS], lv_spare;
    mlevel_key lv_key[ADSE_MAX_LEVELS];
    /* gid points into gid_all, one array per slice and data space; a level's multicast
     * groups of data space d are those of gid_key[j][d] while lv_gen[j] (counting the
     * changes of lv_key[j]) is gid_key's gen. */
    int32_t *gid_all;
    uint64_t lv_gen[ADSE_MAX_LEVELS];
    struct {
        uint64_t gen;
        bool no_multicast;
        int G;
    } gid_key[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    int64_t *off;    /* [child_cap * ADSE_MAX_RANKS] data-space child offsets */
    int32_t *gid;    /* [child_cap] multicast group of each child */
    int32_t *nbr;    /* [child_cap * 4] neighbour offset class per neighbour, -1 none */
    int32_t *gcnt;   /* [child_cap] */
    uint8_t *linked; /* [child_cap] */
    int64_t *dvec;   /* [4 * child_cap * ADSE_MAX_RANKS] projected neighbour classes */
    uint8_t *eq;     /* [4 * child_cap] */
    uint32_t *hslot; /* [hash_cap] hash table of offsets */
    uint32_t hash_cap;
    /* Relative delta boxes per sigma, valid when rb_stamp[sigma] == rb_gen. */
    int rb_cap;
    uint32_t rb_gen;
    uint32_t *rb_stamp;
    uint8_t *rb_n;
    mbox *rb; /* [rb_cap * 2 * ADSE_MAX_RANKS] */
};

/* Arguments of the spatial analysis of master spatial level `level` (spatial.c). */
typedef struct spatial_args {
    int level;           /* master spatial level j */
    int d;               /* data space */
    bool links;          /* link transfers enabled for (j, d) */
    bool no_multicast;   /* spatial no_reuse for (j, d) */
    bool points;         /* children are MACs (j == 0): each delta is one point */
    const seq_in *seq;   /* child tile sequence (tiles, when links) */
    const seq_out *sout; /* its solution (with pairs when links) */
    uint64_t fill;       /* child fill: sum of weight * |delta| */
} spatial_args;

/* spatial.c: children offsets and neighbour classes of master spatial level j (once per
 * evaluation and level), then per data space the total and multicast-weighted parent
 * accesses and the link transfers. */
void adse__spatial_level(adse_scratch *s, int j);
/* model.c: the data spaces of mask that take link transfers through storage level j's
 * fanout (model.md 4.7) in mapping map, which must pass the model's checks of the mapping
 * (not those of capacity and instances): only j's spatial loops and the orders and factors
 * of the loops above its children matter. For the mapper's bounds (docs/mapper.md F16). */
uint32_t adse__links_acting(const adse_model *m, const adse_mapping *map, adse_scratch *s, int j,
                            uint32_t mask);
void adse__spatial(adse_scratch *s, const spatial_args *a, double *acc, double *wacc, double *lt);
/* After adse__spatial() without link transfers: the largest multicast group size m and the
 * number of groups of that size, which is Timeloop's last histogram bin (m, count). */
void adse__spatial_top_bin(adse_scratch *s, const spatial_args *a, uint32_t *m, uint32_t *count);

/* seq.c */
void adse__seq_solve(adse_scratch *s, const seq_in *in, seq_out *out);
/* Reference enumeration of all 2^k positions (tests only). Returns the fill; pairs are
 * accumulated into pairs[] (capacity cap) and their count returned in *n_pairs. */
uint64_t adse__seq_brute(const seq_in *in, seq_pair *pairs, int cap, int *n_pairs);
/* Relative delta boxes of a step: returns the number of boxes written to out (at most
 * 2 * ADSE_MAX_RANKS). */
int adse__seq_rboxes(const seq_in *in, int sigma, mbox *out);
/* Is each of the nc boxes cur one of the np boxes prev moved by v (nr ranks), nc == np? The
 * model's equality of two deltas (model.md 4.3), a child's current one against a neighbour's
 * previous one (spatial.c). */
bool adse__boxes_equal_shifted(const mbox *cur, int nc, const mbox *prev, int np, const int64_t *v,
                               int nr);

#endif
