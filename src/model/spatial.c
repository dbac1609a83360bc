/*
 * spatial.c: multicast and link transfers at a master spatial level (spec 4.6, 4.7).
 *
 * Child c of the level receives child 0's delta translated by its data-space offset o_c
 * (Timeloop extrapolates children from child 0). Children with equal offsets form one
 * multicast group, so without link transfers every visit costs |delta| per group. A child
 * receives over a link when its delta equals a neighbour's delta of the previous visit:
 * R(cur) == R(prev) + (o_n - o_c - t), with R the delta's boxes relative to the tile corner
 * and t the step's translation. That depends only on the (previous, current) step sigmas,
 * so the link outcome is evaluated once per distinct sigma pair of the visit sequence.
 */
#include <string.h>

#include "model/model_internal.h"

static uint32_t hash_vec(const int64_t *v, int nr)
{
    uint64_t h = 1469598103934665603ull;
    for (int r = 0; r < nr; r++) {
        h ^= (uint64_t)v[r];
        h *= 1099511628211ull;
        h ^= h >> 29;
    }
    return (uint32_t)(h ^ (h >> 32));
}

/* Data-space translation of one step of loop lp for data space d. */
static void loop_step(const mproj *p, const mloop *lp, int64_t *u)
{
    for (int r = 0; r < p->n_ranks; r++) {
        int64_t v = 0;
        for (int t = p->first[r]; t < p->first[r + 1]; t++)
            if (p->dim[t] == lp->dim) v += p->coef[t] * (int64_t)lp->stride;
        u[r] = v;
    }
}

static bool boxes_equal_shifted(const mbox *cur, int nc, const mbox *prev, int np,
                                const int64_t *v, int nr)
{
    if (nc != np) return false;
    for (int i = 0; i < nc; i++) {
        bool found = false;
        for (int j = 0; j < np && !found; j++) {
            bool same = true;
            for (int r = 0; r < nr; r++) {
                if (cur[i].lo[r] != prev[j].lo[r] + v[r] || cur[i].hi[r] != prev[j].hi[r] + v[r]) {
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

/* Link outcome for one visit class given eq[] over distinct neighbour offsets: number of
 * linked children and of multicast groups left among the others. */
static void link_outcome(adse_scratch *s, uint32_t F, int G, uint32_t *nl_out, int *ng_out)
{
    uint32_t nl = 0;
    for (uint32_t c = 0; c < F; c++) {
        const int32_t *nb = s->nbr + (size_t)c * 4;
        uint8_t l = 0;
        for (int q = 0; q < 4; q++)
            if (nb[q] >= 0 && s->eq[nb[q]]) l = 1;
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

void adse__spatial(adse_scratch *s, const spatial_args *a, double *acc, double *wacc,
                   double *lt)
{
    const adse_model *m = s->model;
    const mproj *p = &m->proj[a->d];
    int nr = p->n_ranks;
    int j = a->level;
    uint32_t F = (uint32_t)s->fan[j];
    int lo = s->sp_lo[j], hi = s->sp_hi[j];
    int q = hi - lo;

    /* Child offsets: linear index is mixed radix, innermost spatial loop least significant. */
    int64_t u[MODEL_MAX_LOOPS][ADSE_MAX_RANKS];
    uint64_t idx[MODEL_MAX_LOOPS];
    for (int i = 0; i < q; i++) {
        loop_step(p, &s->loops[lo + i], u[i]);
        idx[i] = 0;
    }
    for (uint32_t c = 0; c < F; c++) {
        int64_t *o = s->off + (size_t)c * ADSE_MAX_RANKS;
        for (int r = 0; r < nr; r++) {
            int64_t v = 0;
            for (int i = 0; i < q; i++) v += (int64_t)idx[i] * u[i][r];
            o[r] = v;
        }
        for (int i = 0; i < q; i++) {
            if (++idx[i] < s->loops[lo + i].n) break;
            idx[i] = 0;
        }
    }

    /* Multicast groups = distinct offsets. */
    int G = 0;
    if (a->no_multicast) {
        for (uint32_t c = 0; c < F; c++) s->gid[c] = (int32_t)c;
        G = (int)F;
    } else {
        uint32_t mask = s->hash_cap - 1;
        memset(s->hslot, 0, sizeof(uint32_t) * s->hash_cap);
        for (uint32_t c = 0; c < F; c++) {
            const int64_t *o = s->off + (size_t)c * ADSE_MAX_RANKS;
            uint32_t h = hash_vec(o, nr) & mask;
            for (;;) {
                uint32_t e = s->hslot[h];
                if (e == 0) {
                    s->hslot[h] = c + 1;
                    s->gid[c] = G++;
                    break;
                }
                const int64_t *oe = s->off + (size_t)(e - 1) * ADSE_MAX_RANKS;
                if (memcmp(oe, o, sizeof(int64_t) * (size_t)nr) == 0) {
                    s->gid[c] = s->gid[e - 1];
                    break;
                }
                h = (h + 1) & mask;
            }
        }
    }

    double fill = a->points ? (double)s->temporal_product : (double)a->fill;
    double A = (double)G * fill, AM = (double)F * fill, LT = 0;

    if (a->links && F >= 2) {
        /* Neighbour grid (spec 4.6): h = index mod H, v = index div H. */
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
            const int64_t *oc = s->off + (size_t)c * ADSE_MAX_RANKS;
            for (int k = 0; k < 4; k++) {
                s->nbr[(size_t)c * 4 + k] = -1;
                if (nbl[k] < 0 || (uint64_t)nbl[k] >= F) continue;
                const int64_t *on = s->off + (size_t)nbl[k] * ADSE_MAX_RANKS;
                int64_t dv[ADSE_MAX_RANKS];
                for (int r = 0; r < nr; r++) dv[r] = on[r] - oc[r];
                int id = -1;
                for (int e = 0; e < nd; e++) {
                    if (memcmp(s->dvec + (size_t)e * ADSE_MAX_RANKS, dv,
                               sizeof(int64_t) * (size_t)nr) == 0) {
                        id = e;
                        break;
                    }
                }
                if (id < 0) {
                    id = nd++;
                    memcpy(s->dvec + (size_t)id * ADSE_MAX_RANKS, dv, sizeof(int64_t) * (size_t)nr);
                }
                s->nbr[(size_t)c * 4 + k] = id;
            }
        }

        if (nd > 0 && !a->points && a->seq && a->sout) {
            const seq_in *in = a->seq;
            for (int pi = 0; pi < a->sout->n_pairs; pi++) {
                const seq_pair *pr = &a->sout->pairs[pi];
                if (pr->prev < 0) continue; /* first visit: nothing to compare with */
                int sc = pr->cur;
                int b = SEQ_SIGMA_CARRY(sc);
                int nc = adse__seq_rboxes(in, sc, s->rbox_cur);
                uint64_t sz = 1;
                if (nc == 0) continue; /* empty delta: no accesses */
                sz = 0;
                for (int i = 0; i < nc; i++) {
                    uint64_t bs = 1;
                    for (int r = 0; r < nr; r++)
                        bs *= (uint64_t)(s->rbox_cur[i].hi[r] - s->rbox_cur[i].lo[r]);
                    sz += bs;
                }
                int np = adse__seq_rboxes(in, pr->prev, s->rbox_prev);
                const int64_t *tb = in->t + (size_t)b * nr;
                bool any = false;
                for (int e = 0; e < nd; e++) {
                    int64_t v[ADSE_MAX_RANKS];
                    const int64_t *dv = s->dvec + (size_t)e * ADSE_MAX_RANKS;
                    for (int r = 0; r < nr; r++) v[r] = dv[r] - tb[r];
                    s->eq[e] = boxes_equal_shifted(s->rbox_cur, nc, s->rbox_prev, np, v, nr);
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
        } else if (nd > 0 && a->points) {
            /* MAC children: every delta is one point, equal to a neighbour's previous
             * point iff the step translation equals the neighbour offset. */
            int kk = 0;
            uint64_t nn[MODEL_MAX_LOOPS];
            int64_t uu[MODEL_MAX_LOOPS][ADSE_MAX_RANKS];
            for (int l = 0; l < s->n_loops; l++) {
                const mloop *lp = &s->loops[l];
                if (lp->kind != LOOP_T || lp->n < 2) continue;
                nn[kk] = lp->n;
                loop_step(p, lp, uu[kk]);
                kk++;
            }
            int64_t prefix[ADSE_MAX_RANKS] = {0};
            for (int b = 0; b < kk; b++) {
                int64_t tb[ADSE_MAX_RANKS];
                for (int r = 0; r < nr; r++) tb[r] = uu[b][r] - prefix[r];
                for (int r = 0; r < nr; r++) prefix[r] += uu[b][r];
                bool any = false;
                for (int e = 0; e < nd; e++) {
                    s->eq[e] = memcmp(s->dvec + (size_t)e * ADSE_MAX_RANKS, tb,
                                      sizeof(int64_t) * (size_t)nr) == 0;
                    any |= s->eq[e];
                }
                if (!any) continue;
                uint32_t nl;
                int ng;
                link_outcome(s, F, G, &nl, &ng);
                if (nl > 0 && ng < G) {
                    uint64_t w = nn[b] - 1;
                    for (int a2 = b + 1; a2 < kk; a2++) w *= nn[a2];
                    double ws = (double)w;
                    A -= ws * (double)(G - ng);
                    AM -= ws * (double)nl;
                    LT += ws * (double)nl;
                }
            }
        }
    }
    *acc = A;
    *wacc = AM;
    *lt = LT;
}
