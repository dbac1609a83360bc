/*
 * seq.c: the visit sequence of one tile (model.md §4.2-4.4) solved on its binary-counter
 * structure.
 *
 * The 2^k positions of k loops are visited like a binary counter, outermost bit slowest.
 * The block of steps with carries below m is B(m) = B(m-1), step(carry m-1), B(m-1), the
 * second copy weighted by (n_{m-1} - 1). A step's delta size and the translation rule's next
 * state depend only on the carry and the rule state, so B(m) applied to a state s is a
 * function of (m, s): we memoise its final state and push multipliers top-down, merging
 * equal (m, s) nodes. The state is (rho, sigma): rho = the rule's remembered translation
 * (null or a translation class), sigma = the last step's (carry, kind), which the link
 * analysis needs to compare consecutive deltas. Cost: O(k * reachable states), typically
 * a few dozen operations per tile, instead of 2^k box subtractions.
 */
#include <string.h>

#include "model/model_internal.h"

typedef struct seq_ctx {
    const seq_in *in;
    int k, S; /* S = sigma codes = 2k + 1 */
    int ncls;
    const int32_t *cls;
    const uint8_t *tzero;
    const uint64_t *dsize;
} seq_ctx;

static uint64_t overlap(const seq_in *in, const int64_t *t)
{
    uint64_t ov = 1;
    for (int r = 0; r < in->nr; r++) {
        int64_t a = t[r] < 0 ? -t[r] : t[r];
        if (a >= in->ext[r]) return 0;
        ov *= (uint64_t)(in->ext[r] - a);
    }
    return ov;
}

/* Translation classes (equal vectors share a class), zero flags and subtract sizes. */
static int classify(const seq_in *in, int32_t *cls, uint8_t *tzero, uint64_t *dsize)
{
    int ncls = 0;
    int nr = in->nr;
    for (int b = 0; b < in->k; b++) {
        const int64_t *tb = in->t + (size_t)b * nr;
        bool z = true;
        for (int r = 0; r < nr; r++)
            if (tb[r] != 0) z = false;
        tzero[b] = z;
        cls[b] = -1;
        for (int a = 0; a < b; a++) {
            if (memcmp(in->t + (size_t)a * nr, tb, sizeof(int64_t) * (size_t)nr) == 0) {
                cls[b] = cls[a];
                break;
            }
        }
        if (cls[b] < 0) cls[b] = ncls++;
        dsize[b] = in->size - overlap(in, tb);
    }
    return ncls;
}

/* One step with carry c from packed state sid; returns the new state, sets kind. */
static inline int32_t step(const seq_ctx *cx, int32_t sid, int c, int *kind)
{
    int rho = sid / cx->S - 1;
    int nrho;
    int kd;
    const seq_in *in = cx->in;
    if (in->no_reuse) {
        kd = SEQ_BLOW;
        nrho = rho;
    } else if (!in->legacy && cx->tzero[c]) { /* the legacy rule has no such case */
        kd = SEQ_SUB;
        nrho = rho;
    } else if (rho < 0) {
        kd = SEQ_SUB;
        nrho = cx->cls[c];
    } else if (rho == cx->cls[c]) {
        kd = SEQ_SUB;
        nrho = rho;
    } else {
        kd = SEQ_BLOW;
        nrho = -1;
    }
    *kind = kd;
    return (nrho + 1) * cx->S + SEQ_SIGMA(c, kd);
}

static int32_t final_state(const seq_ctx *cx, adse_scratch *s, int m, int32_t sid)
{
    if (m == 0) return sid;
    size_t idx = (size_t)m * (size_t)s->seq_scap + (size_t)sid;
    if (s->memo_stamp[idx] == s->stamp) return s->memo_val[idx];
    int32_t s1 = final_state(cx, s, m - 1, sid);
    int kd;
    int32_t s2 = step(cx, s1, m - 1, &kd);
    int32_t r = final_state(cx, s, m - 1, s2);
    s->memo_stamp[idx] = s->stamp;
    s->memo_val[idx] = r;
    return r;
}

static void add_pair(seq_pair *pairs, int *n, int32_t prev, int32_t cur, uint64_t w)
{
    for (int i = *n - 1; i >= 0; i--) {
        if (pairs[i].prev == prev && pairs[i].cur == cur) {
            pairs[i].w += w;
            return;
        }
    }
    pairs[*n].prev = prev;
    pairs[*n].cur = cur;
    pairs[*n].w = w;
    (*n)++;
}

static void list_add(int32_t *sid, uint64_t *w, int *n, int32_t id, uint64_t wt)
{
    for (int i = 0; i < *n; i++) {
        if (sid[i] == id) {
            w[i] += wt;
            return;
        }
    }
    sid[*n] = id;
    w[*n] = wt;
    (*n)++;
}

static void next_stamp(adse_scratch *s)
{
    s->stamp++;
    if (s->stamp == 0) {
        size_t cnt = (size_t)(s->seq_kcap + 1) * (size_t)s->seq_scap;
        memset(s->memo_stamp, 0, cnt * sizeof *s->memo_stamp);
        s->stamp = 1;
    }
}

void adse__seq_solve(adse_scratch *s, const seq_in *in, seq_out *out)
{
    out->fill = in->size;
    out->n_pairs = 0;
    out->pairs = s->pairs;
    if (in->want_pairs) add_pair(s->pairs, &out->n_pairs, -1, SEQ_SIGMA_FIRST, 1);
    if (in->k == 0) return;

    seq_ctx cx;
    cx.in = in;
    cx.k = in->k;
    cx.S = 2 * in->k + 1;
    cx.ncls = classify(in, s->cls, s->tzero, s->dsize);
    cx.cls = s->cls;
    cx.tzero = s->tzero;
    cx.dsize = s->dsize;
    next_stamp(s);

    int32_t *cur_sid = s->list_a_sid, *nxt_sid = s->list_b_sid;
    uint64_t *cur_w = s->list_a_w, *nxt_w = s->list_b_w;
    int ncur = 1;
    cur_sid[0] = 0 * cx.S + SEQ_SIGMA_FIRST; /* rho null, after the first visit */
    cur_w[0] = 1;
    uint64_t fill = in->size;
    for (int m = in->k; m >= 1; m--) {
        int c = m - 1;
        int nnxt = 0;
        for (int i = 0; i < ncur; i++) {
            int32_t s1 = final_state(&cx, s, m - 1, cur_sid[i]);
            int kd;
            int32_t s2 = step(&cx, s1, c, &kd);
            uint64_t wt = cur_w[i] * (in->n[c] - 1);
            fill += wt * (kd == SEQ_SUB ? cx.dsize[c] : in->size);
            if (in->want_pairs) add_pair(s->pairs, &out->n_pairs, s1 % cx.S, s2 % cx.S, wt);
            list_add(nxt_sid, nxt_w, &nnxt, cur_sid[i], cur_w[i]);
            list_add(nxt_sid, nxt_w, &nnxt, s2, wt);
        }
        int32_t *ts = cur_sid;
        cur_sid = nxt_sid;
        nxt_sid = ts;
        uint64_t *tw = cur_w;
        cur_w = nxt_w;
        nxt_w = tw;
        ncur = nnxt;
    }
    out->fill = fill;
}

uint64_t adse__seq_brute(const seq_in *in, seq_pair *pairs, int cap, int *n_pairs)
{
    int32_t cls[MODEL_MAX_LOOPS];
    uint8_t tz[MODEL_MAX_LOOPS];
    uint64_t ds[MODEL_MAX_LOOPS];
    seq_ctx cx;
    cx.in = in;
    cx.k = in->k;
    cx.S = 2 * in->k + 1;
    cx.ncls = classify(in, cls, tz, ds);
    cx.cls = cls;
    cx.tzero = tz;
    cx.dsize = ds;
    *n_pairs = 0;
    add_pair(pairs, n_pairs, -1, SEQ_SIGMA_FIRST, 1);
    uint64_t fill = in->size;
    int32_t sid = SEQ_SIGMA_FIRST;
    uint64_t npos = (uint64_t)1 << in->k;
    for (uint64_t j = 1; j < npos; j++) {
        int b = __builtin_ctzll(j);
        uint64_t w = 1;
        for (int a = 0; a < in->k; a++)
            if (j & ((uint64_t)1 << a)) w *= in->n[a] - 1;
        int kd;
        int32_t prev = sid % cx.S;
        sid = step(&cx, sid, b, &kd);
        fill += w * (kd == SEQ_SUB ? ds[b] : in->size);
        if (*n_pairs < cap) add_pair(pairs, n_pairs, prev, sid % cx.S, w);
    }
    return fill;
}

int adse__seq_rboxes(const seq_in *in, int sigma, mbox *out)
{
    int nr = in->nr;
    mbox full;
    for (int r = 0; r < nr; r++) {
        full.lo[r] = 0;
        full.hi[r] = in->ext[r];
    }
    if (sigma == SEQ_SIGMA_FIRST || SEQ_SIGMA_KIND(sigma) == SEQ_BLOW) {
        out[0] = full;
        return 1;
    }
    const int64_t *t = in->t + (size_t)SEQ_SIGMA_CARRY(sigma) * nr;
    /* Previous box = current box translated by -t. */
    for (int r = 0; r < nr; r++) {
        int64_t plo = -t[r], phi = in->ext[r] - t[r];
        if (phi <= 0 || plo >= in->ext[r]) {
            out[0] = full;
            return 1;
        }
    }
    int nb = 0;
    mbox mid = full;
    for (int r = 0; r < nr; r++) {
        int64_t plo = -t[r], phi = in->ext[r] - t[r];
        if (mid.lo[r] < plo) {
            out[nb] = mid;
            out[nb].hi[r] = plo;
            nb++;
            mid.lo[r] = plo;
        }
        if (phi < mid.hi[r]) {
            out[nb] = mid;
            out[nb].lo[r] = phi;
            nb++;
            mid.hi[r] = phi;
        }
    }
    return nb;
}
