/*
 * spatial.c: multicast and link transfers at a master spatial level (model.md §4.6, §4.7).
 *
 * Child c of the level receives child 0's delta translated by its data-space offset o_c
 * (Timeloop extrapolates children from child 0). Children with equal offsets form one
 * multicast group, so without link transfers every visit costs |delta| per group. A child
 * receives over a link when its delta equals a neighbour's delta of the previous visit:
 * R(cur) == R(prev) + (o_n - o_c - t), with R the delta's boxes relative to the tile corner
 * and t the step's translation. That depends only on the (previous, current) step sigmas,
 * so the link outcome is evaluated once per distinct sigma pair of the visit sequence.
 *
 * Per level, adse__spatial_level() computes once the children's operation-space offsets
 * and the neighbour relation, with neighbour offset differences grouped into a few
 * operation-space classes; adse__spatial() projects them for one data space.
 */
#include <string.h>

#include "model/model_internal.h"
#include "util/intmath.h"

static uint32_t hash_vec(const int64_t *v, int nr)
{
    uint64_t h = ADSE_FNV_BASIS;
    for (int r = 0; r < nr; r++) {
        h = adse__fnv(h, (uint64_t)v[r]);
        h ^= h >> 29;
    }
    return (uint32_t)(h ^ (h >> 32));
}

static inline bool vec_eq(const int64_t *a, const int64_t *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

/* Projection of an operation-space vector (one entry per dimension) to data space. */
static inline void project(const mproj *p, const int64_t *x, int64_t *out)
{
    for (int r = 0; r < p->n_ranks; r++) {
        int64_t v = 0;
        for (int t = p->first[r]; t < p->first[r + 1]; t++)
            v += p->coef[t] * x[p->dim[t]];
        out[r] = v;
    }
}

/* The slice of level j's results (adse_scratch.lv_slice). */
static size_t slice_of(const adse_scratch *s, int j)
{
    return (size_t)(s->lv_slice[j] >= 0 ? s->lv_slice[j] : s->lv_spare);
}

/* Does level j's slice hold the results for its spatial loops now? If not, the key is set
 * to them (when the level has a slice of its own), and the data spaces' groups there are
 * stale (lv_gen). */
static bool level_cached(adse_scratch *s, int j, int lo, int q)
{
    if (s->lv_slice[j] < 0) return false;
    mlevel_key *k = &s->lv_key[j];
    if (q > 2 * ADSE_MAX_DIMS) { /* more loops than the key holds: its slice is not kept */
        k->valid = false;
        s->lv_gen[j]++;
        return false;
    }
    bool same = k->valid && k->q == q && k->fx == s->fan_x[j] && k->fy == s->fan_y[j];
    for (int i = 0; same && i < q; i++) {
        const mloop *a = &k->loops[i], *b = &s->loops[lo + i];
        same = a->n == b->n && a->stride == b->stride && a->dim == b->dim;
    }
    if (same) return true;
    k->valid = true;
    s->lv_gen[j]++; /* the groups of every data space change with it */
    k->q = (uint8_t)q;
    k->fx = s->fan_x[j];
    k->fy = s->fan_y[j];
    memcpy(k->loops, s->loops + lo, sizeof *k->loops * (size_t)q);
    return false;
}

void adse__spatial_level(adse_scratch *s, int j)
{
    const adse_model *m = s->model;
    int D = m->n_dims;
    uint32_t F = (uint32_t)s->fan[j];
    int lo = s->sp_lo[j], q = s->sp_hi[j] - lo;
    size_t sl = slice_of(s, j), fc = s->child_cap;
    s->opoff = s->opoff_all + sl * fc * ADSE_MAX_DIMS;
    s->opdelta = s->opdelta_all + sl * fc * 4 * ADSE_MAX_DIMS;
    s->nbr = s->nbr_all + sl * fc * 4;
    if (level_cached(s, j, lo, q)) {
        s->n_opdelta = s->lv_key[j].n_opdelta;
        return;
    }
    uint64_t idx[MODEL_MAX_LOOPS];
    for (int i = 0; i < q; i++)
        idx[i] = 0;
    /* Operation-space offsets; linear index is mixed radix, innermost loop least significant. */
    for (uint32_t c = 0; c < F; c++) {
        int64_t *o = s->opoff + (size_t)c * ADSE_MAX_DIMS;
        for (int x = 0; x < D; x++)
            o[x] = 0;
        for (int i = 0; i < q; i++) {
            const mloop *lp = &s->loops[lo + i];
            o[lp->dim] += (int64_t)(idx[i] * lp->stride);
        }
        for (int i = 0; i < q; i++) {
            if (++idx[i] < s->loops[lo + i].n) break;
            idx[i] = 0;
        }
    }
    /* Neighbour grid (model.md §4.6): h = index mod H, v = index div H. */
    uint64_t H = s->fan_x[j], V = s->fan_y[j];
    if (m->fanout_x[j] > H) H = m->fanout_x[j];
    if (m->fanout_y[j] > V) V = m->fanout_y[j];
    int nd = 0;
    for (uint32_t c = 0; c < F; c++) {
        uint64_t h = c % H, v = c / H;
        int64_t nbl[4];
        nbl[0] = v > 0 ? (int64_t)((v - 1) * H + h) : -1;
        nbl[1] = v + 1 < V ? (int64_t)((v + 1) * H + h) : -1;
        nbl[2] = h > 0 ? (int64_t)(v * H + h - 1) : -1;
        nbl[3] = h + 1 < H ? (int64_t)(v * H + h + 1) : -1;
        const int64_t *oc = s->opoff + (size_t)c * ADSE_MAX_DIMS;
        for (int k = 0; k < 4; k++) {
            int32_t *slot = &s->nbr[(size_t)c * 4 + k];
            *slot = -1;
            if (nbl[k] < 0 || (uint64_t)nbl[k] >= F) continue;
            const int64_t *on = s->opoff + (size_t)nbl[k] * ADSE_MAX_DIMS;
            int64_t dv[ADSE_MAX_DIMS];
            for (int x = 0; x < D; x++)
                dv[x] = on[x] - oc[x];
            int id = -1;
            for (int e = 0; e < nd; e++) {
                if (vec_eq(s->opdelta + (size_t)e * ADSE_MAX_DIMS, dv, D)) {
                    id = e;
                    break;
                }
            }
            if (id < 0) {
                id = nd++;
                memcpy(s->opdelta + (size_t)id * ADSE_MAX_DIMS, dv, sizeof(int64_t) * (size_t)D);
            }
            *slot = id;
        }
    }
    s->n_opdelta = nd;
    s->lv_key[j].n_opdelta = nd;
}

bool adse__boxes_equal_shifted(const mbox *cur, int nc, const mbox *prev, int np, const int64_t *v,
                               int nr)
{
    if (nc != np) return false;
    for (int i = 0; i < nc; i++) {
        bool found = false;
        for (int k = 0; k < np && !found; k++) {
            bool same = true;
            for (int r = 0; r < nr; r++) {
                if (cur[i].lo[r] != prev[k].lo[r] + v[r] || cur[i].hi[r] != prev[k].hi[r] + v[r]) {
                    same = false;
                    break;
                }
            }
            found = same;
        }
        if (!found) return false;
    }
    return true;
}

/* Link outcome for one visit class given eq[] over the neighbour-offset classes: number of
 * linked children and of multicast groups left among the others. */
static void link_outcome(adse_scratch *s, uint32_t F, int G, uint32_t *nl_out, int *ng_out)
{
    uint32_t nl = 0;
    for (uint32_t c = 0; c < F; c++) {
        const int32_t *nb = s->nbr + (size_t)c * 4;
        uint8_t l = 0;
        for (int k = 0; k < 4; k++)
            if (nb[k] >= 0 && s->eq[nb[k]]) l = 1;
        s->linked[c] = l;
        nl += l;
    }
    *nl_out = nl;
    if (nl == 0) {
        *ng_out = G;
        return;
    }
    memset(s->gcnt, 0, sizeof(int32_t) * (size_t)G);
    int ng = 0;
    for (uint32_t c = 0; c < F; c++) {
        if (s->linked[c]) continue;
        if (s->gcnt[s->gid[c]]++ == 0) ng++;
    }
    *ng_out = ng;
}

/* group_ids' computation into s->gid. */
static int group_ids_fill(adse_scratch *s, const mproj *p, uint32_t F, int nr, bool no_multicast)
{
    if (no_multicast) {
        for (uint32_t c = 0; c < F; c++)
            s->gid[c] = (int32_t)c;
        return (int)F;
    }
    uint32_t mask = s->hash_cap - 1;
    memset(s->hslot, 0, sizeof(uint32_t) * s->hash_cap);
    int G = 0;
    for (uint32_t c = 0; c < F; c++) {
        int64_t *o = s->off + (size_t)c * ADSE_MAX_RANKS;
        project(p, s->opoff + (size_t)c * ADSE_MAX_DIMS, o);
        uint32_t h = hash_vec(o, nr) & mask;
        for (;;) {
            uint32_t e = s->hslot[h];
            if (e == 0) {
                s->hslot[h] = c + 1;
                s->gid[c] = G++;
                break;
            }
            if (vec_eq(s->off + (size_t)(e - 1) * ADSE_MAX_RANKS, o, nr)) {
                s->gid[c] = s->gid[e - 1];
                break;
            }
            h = (h + 1) & mask;
        }
    }
    return G;
}

/* Multicast groups of a->d at a->level: distinct data-space offsets. Returns their number;
 * s->gid holds each child's group (kept while the level's spatial loops stay the same). */
static int group_ids(adse_scratch *s, const spatial_args *a, const mproj *p, uint32_t F)
{
    int nr = p->n_ranks, j = a->level, d = a->d;
    bool no_multicast = a->no_multicast, own = s->lv_slice[j] >= 0;
    s->gid = s->gid_all + (slice_of(s, j) * (size_t)s->model->n_ds + (size_t)d) * s->child_cap;
    if (!own) return group_ids_fill(s, p, F, nr, no_multicast);
    if (s->gid_key[j][d].gen == s->lv_gen[j] && s->gid_key[j][d].no_multicast == no_multicast)
        return s->gid_key[j][d].G;
    int G = group_ids_fill(s, p, F, nr, no_multicast);
    s->gid_key[j][d].gen = s->lv_gen[j];
    s->gid_key[j][d].no_multicast = no_multicast;
    s->gid_key[j][d].G = G;
    return G;
}

/* Relative delta boxes of a sigma, computed once per spatial call. */
static const mbox *rboxes_cached(adse_scratch *s, const seq_in *in, int sigma, int *n)
{
    if (s->rb_stamp[sigma] != s->rb_gen) {
        s->rb_n[sigma] =
            (uint8_t)adse__seq_rboxes(in, sigma, s->rb + (size_t)sigma * 2 * ADSE_MAX_RANKS);
        s->rb_stamp[sigma] = s->rb_gen;
    }
    *n = s->rb_n[sigma];
    return s->rb + (size_t)sigma * 2 * ADSE_MAX_RANKS;
}

void adse__spatial(adse_scratch *s, const spatial_args *a, double *acc, double *wacc, double *lt)
{
    const adse_model *m = s->model;
    const mproj *p = &m->proj[a->d];
    int nr = p->n_ranks;
    int j = a->level;
    uint32_t F = (uint32_t)s->fan[j];
    int lo = s->sp_lo[j], hi = s->sp_hi[j];
    double fill = a->points ? (double)s->temporal_product : (double)a->fill;
    bool links = a->links && F >= 2 && s->n_opdelta > 0;

    int G;
    if (!links && !a->no_multicast && !p->halo) {
        /* Halo-free: offsets differ iff a relevant loop index differs. */
        uint64_t g = 1;
        for (int l = lo; l < hi; l++)
            if (p->relevant & (1u << s->loops[l].dim)) g *= s->loops[l].n;
        G = (int)g;
    } else {
        G = group_ids(s, a, p, F);
    }
    double A = (double)G * fill, AM = (double)F * fill, LT = 0;

    if (links) {
        int nd = s->n_opdelta;
        for (int e = 0; e < nd; e++)
            project(p, s->opdelta + (size_t)e * ADSE_MAX_DIMS,
                    s->dvec + (size_t)e * ADSE_MAX_RANKS);
        if (!a->points) {
            const seq_in *in = a->seq;
            s->rb_gen++;
            if (s->rb_gen == 0) {
                memset(s->rb_stamp, 0, sizeof(uint32_t) * (size_t)s->rb_cap);
                s->rb_gen = 1;
            }
            for (int pi = 0; pi < a->sout->n_pairs; pi++) {
                const seq_pair *pr = &a->sout->pairs[pi];
                if (pr->prev < 0) continue; /* first visit: nothing to compare with */
                int nc, np;
                const mbox *rc = rboxes_cached(s, in, pr->cur, &nc);
                if (nc == 0) continue; /* empty delta: no accesses */
                const mbox *rp = rboxes_cached(s, in, pr->prev, &np);
                if (np != nc) continue;
                uint64_t sz = 0;
                for (int i = 0; i < nc; i++) {
                    uint64_t bs = 1;
                    for (int r = 0; r < nr; r++)
                        bs *= (uint64_t)(rc[i].hi[r] - rc[i].lo[r]);
                    sz += bs;
                }
                const int64_t *tb = in->t + (size_t)SEQ_SIGMA_CARRY(pr->cur) * nr;
                bool any = false;
                for (int e = 0; e < nd; e++) {
                    int64_t v[ADSE_MAX_RANKS];
                    const int64_t *dv = s->dvec + (size_t)e * ADSE_MAX_RANKS;
                    for (int r = 0; r < nr; r++)
                        v[r] = dv[r] - tb[r];
                    s->eq[e] = adse__boxes_equal_shifted(rc, nc, rp, np, v, nr);
                    any |= s->eq[e];
                }
                if (!any) continue;
                uint32_t nl;
                int ng;
                link_outcome(s, F, G, &nl, &ng);
                if (nl > 0 && ng < G) {
                    double ws = (double)pr->w * (double)sz;
                    A -= ws * (double)(G - ng);
                    AM -= ws * (double)nl;
                    LT += ws * (double)nl;
                }
            }
        } else {
            /* MAC children: every delta is one point, equal to a neighbour's previous
             * point iff the step translation equals the neighbour offset. */
            int kk = 0;
            uint64_t nn[MODEL_MAX_LOOPS];
            int64_t prefix[ADSE_MAX_RANKS] = {0};
            for (int l = s->n_loops - 1; l >= 0; l--) {
                const mloop *lp = &s->loops[l];
                if (lp->kind == LOOP_T && lp->n >= 2) nn[kk++] = lp->n;
            }
            /* nn[] holds the temporal bounds outermost first; walk innermost first. */
            int b = 0;
            for (int l = 0; l < s->n_loops; l++) {
                const mloop *lp = &s->loops[l];
                if (lp->kind != LOOP_T || lp->n < 2) continue;
                int64_t u[ADSE_MAX_RANKS], tb[ADSE_MAX_RANKS];
                adse__dim_step(p, lp->dim, (int64_t)lp->stride, u);
                for (int r = 0; r < nr; r++) {
                    tb[r] = u[r] - prefix[r];
                    prefix[r] += u[r];
                }
                bool any = false;
                for (int e = 0; e < nd; e++) {
                    s->eq[e] = vec_eq(s->dvec + (size_t)e * ADSE_MAX_RANKS, tb, nr);
                    any |= s->eq[e];
                }
                if (any) {
                    uint32_t nl;
                    int ng;
                    link_outcome(s, F, G, &nl, &ng);
                    if (nl > 0 && ng < G) {
                        /* Weight of the steps with this carry: (n_b - 1) * outer bounds. */
                        uint64_t w = lp->n - 1;
                        for (int o = 0; o < kk - 1 - b; o++)
                            w *= nn[o];
                        double ws = (double)w;
                        A -= ws * (double)(G - ng);
                        AM -= ws * (double)nl;
                        LT += ws * (double)nl;
                    }
                }
                b++;
            }
        }
    }
    *acc = A;
    *wacc = AM;
    *lt = LT;
}

void adse__spatial_top_bin(adse_scratch *s, const spatial_args *a, uint32_t *m, uint32_t *count)
{
    const mproj *p = &s->model->proj[a->d];
    int j = a->level;
    uint32_t F = (uint32_t)s->fan[j];
    bool links = a->links && F >= 2 && s->n_opdelta > 0;
    if (!links && !a->no_multicast && !p->halo) {
        /* The groups of adse__spatial's closed form: all of size F / G. */
        uint64_t g = 1;
        for (int l = s->sp_lo[j]; l < s->sp_hi[j]; l++)
            if (p->relevant & (1u << s->loops[l].dim)) g *= s->loops[l].n;
        *m = (uint32_t)(F / g);
        *count = (uint32_t)g;
        return;
    }
    int32_t G = 0;
    for (uint32_t c = 0; c < F; c++)
        if (s->gid[c] + 1 > G) G = s->gid[c] + 1;
    memset(s->gcnt, 0, sizeof(int32_t) * (size_t)G);
    for (uint32_t c = 0; c < F; c++)
        s->gcnt[s->gid[c]]++;
    uint32_t best = 0, n = 0;
    for (int32_t g = 0; g < G; g++) {
        uint32_t v = (uint32_t)s->gcnt[g];
        if (v > best) {
            best = v;
            n = 1;
        } else if (v == best) {
            n++;
        }
    }
    *m = best;
    *count = n;
}
