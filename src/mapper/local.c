/*
 * local.c: the anytime answer's polish (mapper_internal.h, adse__polish; docs/mapper.md
 * section 6.1).
 *
 * When a time limit stops the exact search, the best mapping found is improved by a
 * deterministic first-improvement local search inside the constrained mapspace: from the
 * current mapping, the neighbours are visited in a fixed order (moves of one prime factor
 * of one dimension from one tiling level to another, moves of one loop within a temporal
 * level's effective order, one keep/bypass bit, one spatial cut), each is checked for
 * membership in the space (adse__space_contains), normalized as the search returns
 * mappings and evaluated by the model; the first that is lexicographically better becomes
 * the current mapping and the scan restarts from the move after it. It stops at a local
 * optimum (a full scan without improvement) or at the deadline (wall seconds, or work
 * counted on a clock, mapper_internal.h mclock). Nothing here proves
 * anything: it only makes the incumbent better, so the result's bound and gap stay those of
 * the exact search. For a given start and enough time the result is a fixed function of the
 * start: no randomness, no threads (it is about 1.5 % of the anytime phase's CPU time, so
 * parallel neighbour evaluation would not pay: docs/mapper.md section 6.1).
 */
#include <string.h>

#include "adse/model.h"
#include "mapper/mapper_internal.h"
#include "util/primes.h"

#define CLOCK_EVERY 64 /* evaluations between clock checks */

typedef struct polish {
    const mspace *sp;
    adse_scratch *scratch;
    adse_result *res;
    adse_mapping cur;
    mvals val;
    const mclock *clk; /* NULL: wall seconds */
    double deadline;   /* on clk */
    uint64_t evaluated;
    unsigned tick;
    bool out_of_time;
    uint64_t move, skip; /* the number of the current move in the scan; moves before skip
                            are not tried */
} polish;

bool adse__mapping_take(const mspace *sp, adse_scratch *scratch, adse_result *res,
                        const adse_mapping *m, adse_mapping *norm, mvals *v, uint64_t *evaluated)
{
    morder ords[MAP_MAX_TL];
    if (!adse__space_contains(sp, m, ords)) return false;
    *norm = *m;
    for (int t = 0; t < sp->NT; t++)
        adse__order_apply(sp, t, &ords[t], norm);
    if (evaluated) (*evaluated)++;
    if (adse_model_evaluate(sp->model, norm, scratch, res, NULL) != ADSE_OK) return false;
    adse__metrics_of(sp, res, v);
    return true;
}

/* Evaluates candidate m; on improvement makes it the current mapping. */
static bool try_move(polish *P, const adse_mapping *m)
{
    const mspace *sp = P->sp;
    if (P->out_of_time || P->move++ < P->skip) return false;
    if (++P->tick % CLOCK_EVERY == 0) {
        adse__clock_add(P->clk, CLOCK_EVERY);
        if (adse__clock_now(P->clk) > P->deadline) {
            P->out_of_time = true;
            return false;
        }
    }
    adse_mapping n;
    mvals v;
    if (!adse__mapping_take(sp, P->scratch, P->res, m, &n, &v, &P->evaluated)) return false;
    if (!adse__lex_less(sp, &v, &P->val)) return false;
    P->cur = n;
    P->val = v;
    return true;
}

/* Moves dim x to position 0 of a spatial level's permutation and widens the split by one
 * when x was a Y loop: the variant that puts a newly non-unit spatial loop into X. */
static void to_front(uint8_t *pm, uint8_t *split, int D, int x)
{
    int at = 0;
    while (at < D && pm[at] != x)
        at++;
    if (at == D) return;
    if (at >= *split && *split < D) (*split)++;
    memmove(pm + 1, pm, (size_t)at);
    pm[0] = (uint8_t)x;
}

/* One scan of the factor moves: prime p of dim x from tiling level a to level b. */
static bool scan_factors(polish *P)
{
    const mspace *sp = P->sp;
    for (int x = 0; x < sp->D; x++)
        for (int a = 0; a < sp->NT; a++) {
            uint64_t primes[ADSE_MAX_PRIMES];
            int np = adse__distinct_primes(adse__tl_factors(sp, &P->cur, a)[x], primes);
            for (int ip = 0; ip < np; ip++) {
                uint64_t p = primes[ip];
                for (int b = 0; b < sp->NT; b++) {
                    if (b == a) continue;
                    adse_mapping m = P->cur;
                    adse__tl_factors(sp, &m, a)[x] /= p;
                    adse__tl_factors(sp, &m, b)[x] *= p;
                    if (try_move(P, &m)) return true;
                    if (sp->tl[b].spatial) {
                        int i = sp->tl[b].storage;
                        to_front(adse__tl_perm(sp, &m, b), &m.split[i], sp->D, x);
                        if (try_move(P, &m)) return true;
                    }
                    if (P->out_of_time) return false;
                }
            }
        }
    return false;
}

/* One scan of the order moves: a loop of a temporal level moved to another position. */
static bool scan_orders(polish *P)
{
    const mspace *sp = P->sp;
    for (int t = 0; t < sp->NT; t++) {
        if (sp->tl[t].spatial || sp->tl[t].canonical) continue;
        for (int j = 0; j < sp->D; j++)
            for (int k = 0; k < sp->D; k++) {
                if (k == j) continue;
                adse_mapping m = P->cur;
                uint8_t *pm = adse__tl_perm(sp, &m, t);
                uint8_t x = pm[j];
                if (adse__tl_factors(sp, &m, t)[x] == 1) continue;
                if (j < k)
                    memmove(pm + j, pm + j + 1, (size_t)(k - j));
                else
                    memmove(pm + k + 1, pm + k, (size_t)(j - k));
                pm[k] = x;
                if (try_move(P, &m)) return true;
                if (P->out_of_time) return false;
            }
    }
    return false;
}

/* One scan of the keep/bypass bits and the spatial cuts. */
static bool scan_keeps_cuts(polish *P)
{
    const mspace *sp = P->sp;
    for (int d = 0; d < sp->NDS; d++)
        for (int i = 0; i < sp->L; i++) {
            if (!((sp->keep_free[d] >> i) & 1u)) continue;
            adse_mapping m = P->cur;
            m.keep[d] ^= 1u << i;
            if (try_move(P, &m)) return true;
        }
    for (int t = 0; t < sp->NT; t++) {
        if (!sp->tl[t].spatial) continue;
        int i = sp->tl[t].storage;
        for (int delta = -1; delta <= 1; delta += 2) {
            int s = P->cur.split[i] + delta;
            if (s < 0 || s > sp->D) continue;
            adse_mapping m = P->cur;
            m.split[i] = (uint8_t)s;
            if (try_move(P, &m)) return true;
        }
    }
    return false;
}

/* One scan of the exchanges at the spatial levels: a prime p of dim x moved from a tiling
 * level a into spatial level s while a prime q of dim y (y may be x) goes from s to a or
 * to the outermost tiling level. A
 * fanout used as 2 x 2 x 2 can become 3 x 4 only so: each single move leaves the fanout
 * either over its size or less used. */
static bool scan_exchanges(polish *P)
{
    const mspace *sp = P->sp;
    for (int s = 0; s < sp->NT; s++) {
        if (!sp->tl[s].spatial) continue;
        for (int y = 0; y < sp->D; y++) {
            uint64_t qs[ADSE_MAX_PRIMES];
            int nq = adse__distinct_primes(adse__tl_factors(sp, &P->cur, s)[y], qs);
            for (int iq = 0; iq < nq; iq++)
                for (int a = 0; a < sp->NT; a++) {
                    if (a == s) continue;
                    for (int x = 0; x < sp->D; x++) {
                        uint64_t ps[ADSE_MAX_PRIMES];
                        int np = adse__distinct_primes(adse__tl_factors(sp, &P->cur, a)[x], ps);
                        for (int ip = 0; ip < np; ip++) {
                            uint64_t p = ps[ip], q = qs[iq];
                            if (p == q && x == y) continue;
                            /* q goes to level a, or to the outermost level */
                            for (int b = a; b < sp->NT; b = b == sp->NT - 1 ? sp->NT : sp->NT - 1) {
                                if (b == s) continue;
                                adse_mapping m = P->cur;
                                adse__tl_factors(sp, &m, s)[y] /= q;
                                adse__tl_factors(sp, &m, b)[y] *= q;
                                adse__tl_factors(sp, &m, a)[x] /= p;
                                adse__tl_factors(sp, &m, s)[x] *= p;
                                if (try_move(P, &m)) return true;
                                if (adse__tl_factors(sp, &m, s)[x] == p) {
                                    int i = sp->tl[s].storage;
                                    to_front(adse__tl_perm(sp, &m, s), &m.split[i], sp->D, x);
                                    if (try_move(P, &m)) return true;
                                }
                                if (P->out_of_time) return false;
                            }
                        }
                    }
                }
        }
    }
    return false;
}

bool adse__polish(const mspace *sp, adse_scratch *scratch, adse_result *res, adse_mapping *best,
                  mvals *val, const mclock *clk, double end, uint64_t *evaluated)
{
    polish P = {.sp = sp,
                .scratch = scratch,
                .res = res,
                .cur = *best,
                .val = *val,
                .clk = clk,
                .deadline = end};
    bool improved = false;
    while (!P.out_of_time) {
        P.move = 0;
        if (scan_factors(&P) || scan_orders(&P) || scan_keeps_cuts(&P) || scan_exchanges(&P)) {
            improved = true;
            P.skip = P.move; /* the next scan resumes after the improving move */
            continue;
        }
        if (P.skip == 0) break; /* a local optimum: a whole scan without improvement */
        P.skip = 0;
    }
    if (improved) {
        *best = P.cur;
        *val = P.val;
    }
    *evaluated += P.evaluated;
    return improved;
}

/* Candidate dataplacements (docs/mapper.md 6.1): a group is a run of two or more
 * consecutive storage levels below the outermost with no fanout between them (the same
 * instances: per-PE buffers, say). A candidate fixes the keep bits of each data space whose
 * keep bits are free at all of a group's levels: it keeps it at a subset of the group's
 * levels and bypasses it at the others. Per group the choices are taken in the order of a
 * counter whose digits are the data spaces' subsets (the first data space's varying
 * fastest), in three passes over all groups: those with one level per data space that use
 * as many levels as they can (the injective ones when there are enough levels), the other
 * single-level ones, then the rest (none, or two levels and more, for some data space). */
int adse__placements(const mspace *sp, mplace *out, int max)
{
    int n = 0;
    for (int pass = 0; pass < 3; pass++)
        for (int lo = 0; lo + 1 < sp->L - 1 && n < max;) {
            int hi = lo; /* the group is lo..hi */
            while (hi + 1 < sp->L - 1 && sp->s_of[hi + 1] < 0)
                hi++;
            int g = hi - lo + 1;
            uint32_t gmask = ((1u << g) - 1u) << lo;
            int ds[ADSE_MAX_DATASPACES], nd = 0;
            for (int d = 0; g >= 2 && d < sp->NDS; d++)
                if ((sp->keep_free[d] & gmask) == gmask) ds[nd++] = d;
            int first = lo;
            lo = hi + 1;
            if (nd == 0) continue;
            uint32_t sub = 1u << g;
            uint64_t all = 1;
            for (int k = 0; k < nd && all < ((uint64_t)1 << 16); k++)
                all *= sub;
            for (uint64_t code = 0; code < all && n < max; code++) {
                uint32_t mk[ADSE_MAX_DATASPACES], used = 0;
                bool single = true;
                uint64_t c = code;
                for (int k = 0; k < nd; k++) {
                    mk[k] = (uint32_t)(c % sub);
                    c /= sub;
                    used |= mk[k];
                    single = single && __builtin_popcount(mk[k]) == 1;
                }
                bool spread = __builtin_popcount(used) == (nd < g ? nd : g);
                if ((single ? (spread ? 0 : 1) : 2) != pass) continue;
                mplace *p = &out[n++];
                memset(p, 0, sizeof *p);
                for (int k = 0; k < nd; k++) {
                    p->fixed[ds[k]] = gmask;
                    p->value[ds[k]] = mk[k] << first;
                }
            }
        }
    return n;
}

/* The neighbourhood of m (docs/mapper.md 6.1): its dataplacement (every keep bit) and its
 * spatial factors fixed, on top of base. A factor base fixes already keeps base's form (m
 * has that factor, and a "rest of the bound" there must stay one). */
void adse__neighbourhood(const mspace *sp, const adse_constraints *base, const adse_mapping *m,
                         adse_constraints *out)
{
    adse__constraints_from(sp, base, out);
    uint32_t all = sp->L >= 32 ? UINT32_MAX : (1u << sp->L) - 1u;
    for (int d = 0; d < sp->NDS; d++) {
        out->keep_fixed[d] = all;
        out->keep_value[d] = m->keep[d] & all;
    }
    for (int i = 0; i < sp->L; i++)
        if (sp->s_of[i] >= 0)
            for (int x = 0; x < sp->D; x++)
                if (!out->spatial[i].factor_eq[x]) out->spatial[i].factor_eq[x] = m->spatial[i][x];
}

/* A mapping in candidate dataplacement p, near m (docs/mapper.md 6.1): p's keep bits, then,
 * while a storage level of limited size (below the outermost) holds more than it can, the
 * largest prime factor (small_first: the smallest) of a dimension relevant to what it keeps
 * moves from the innermost temporal tiling level at or below it that has one to the
 * temporal level of the storage level above (the spatial factors stay). */
bool adse__place_apply(const mspace *sp, const mplace *p, bool small_first, adse_mapping *m)
{
    for (int d = 0; d < sp->NDS; d++)
        m->keep[d] = (m->keep[d] & ~p->fixed[d]) | p->value[d];
    for (int it = 0; it < 4 * ADSE_MAX_DIMS * MAP_MAX_TL * ADSE_MAX_PRIMES; it++) {
        int over = -1;
        uint32_t rel = 0;
        uint64_t ext[ADSE_MAX_DIMS];
        for (int x = 0; x < sp->D; x++)
            ext[x] = 1;
        for (int i = 0, t = 0; i < sp->L - 1 && over < 0; i++) {
            for (; t < sp->NT && sp->tl[t].storage <= i; t++)
                for (int x = 0; x < sp->D; x++)
                    ext[x] *= adse__tl_factors(sp, m, t)[x];
            const adse_buffer *b = &sp->arch->levels[i];
            if (!b->size_specified) continue;
            uint64_t sum = 0;
            for (int d = 0; d < sp->NDS; d++)
                if ((m->keep[d] >> i) & 1u) {
                    sum += adse_problem_tile_size(sp->prob, d, ext);
                    rel |= sp->relevant[d];
                }
            if (sum > b->effective_size)
                over = i;
            else
                rel = 0;
        }
        if (over < 0) return true;
        int from = -1, x_of = -1;
        uint64_t prime = 0;
        for (int t = sp->t_of[over]; t >= 0 && from < 0; t--) {
            if (sp->tl[t].spatial) continue;
            for (int x = 0; x < sp->D; x++) {
                uint64_t primes[ADSE_MAX_PRIMES];
                int np = (rel >> x) & 1u
                             ? adse__distinct_primes(adse__tl_factors(sp, m, t)[x], primes)
                             : 0;
                for (int k = 0; k < np; k++)
                    if (prime == 0 || (small_first ? primes[k] < prime : primes[k] > prime))
                        prime = primes[k], from = t, x_of = x;
            }
        }
        if (from < 0) return false;
        int to = sp->t_of[over + 1];
        adse__tl_factors(sp, m, from)[x_of] /= prime;
        adse__tl_factors(sp, m, to)[x_of] *= prime;
    }
    return false;
}
