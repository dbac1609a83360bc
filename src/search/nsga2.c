/* NSGA-II generations (`ga: {algorithm: nsga2}`, docs/search.md section 6) and the
 * multi-objective results of adse/search.h: the Pareto front of the history and its
 * hypervolume. The building blocks (domination, sorting, crowding, tournament, front,
 * hypervolume) are pareto.c's. */
#include "search/pareto.h"
#include "search/search_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static adse_status nomem(adse_err *err)
{
    return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

/* A design's total constraint violation: 0 when feasible (mapped, every objective finite);
 * over a budget, the sum of the relative excesses; +inf when it has no objectives at all
 * (impossible geometry, no mapping, an undefined objective). */
static double violation(const adse_search *s, const adse_search_design *d)
{
    if (d->status == ADSE_DESIGN_OK) {
        for (int k = 0; k < s->spec.n_objectives; k++)
            if (!isfinite(d->objectives[k])) return INFINITY;
        return 0;
    }
    if (d->status != ADSE_DESIGN_OVER_BUDGET) return INFINITY;
    double v = 0;
    for (int b = 0; b < ADSE_BUDGET_COUNT; b++) {
        adse_search_metric m = adse_search_budget_info((adse_search_budget_id)b)->metric;
        if (isfinite(s->limit[b]) && d->metrics[m] > s->limit[b])
            v += s->limit[b] > 0 ? d->metrics[m] / s->limit[b] - 1 : INFINITY;
    }
    return v > 0 ? v : INFINITY;
}

typedef struct tour_ctx {
    const adse_search *s;
    int n;           /* survivors */
    const int *rank; /* per survivor slot */
    const double *crowd;
} tour_ctx;

/* One child: two binary tournaments among the survivors pick the parents, then
 * adse__breed (the seed GA's crossover and mutation). */
static void draw_nsga2_child(adse_search *s, double *out, const void *vctx)
{
    const tour_ctx *c = vctx;
    int a = adse__nsga2_tournament(&s->rng, c->n, c->rank, c->crowd);
    int b = adse__nsga2_tournament(&s->rng, c->n, c->rank, c->crowd);
    adse__breed(s, s->records[s->archive[a]].d.genes, s->records[s->archive[b]].d.genes, out);
}

adse_status adse__nsga2_next(adse_search *s, const int *recs, int n, double *next, adse_err *err)
{
    int k = s->spec.n_objectives;
    int cap = s->n_archive + n;
    int *pts = malloc((size_t)cap * sizeof *pts);
    double *obj = calloc((size_t)cap * (size_t)k, sizeof *obj);
    double *viol = malloc((size_t)cap * sizeof *viol);
    int *chosen = malloc((size_t)cap * sizeof *chosen);
    int *rank = malloc((size_t)cap * sizeof *rank);
    double *crowd = malloc((size_t)cap * sizeof *crowd);
    int *work = malloc((size_t)ADSE__NSGA2_SELECT_WORK(cap) * sizeof *work);
    int *srank = malloc((size_t)cap * sizeof *srank);
    double *scrowd = malloc((size_t)cap * sizeof *scrowd);
    adse_status st = ADSE_OK;
    if (!pts || !obj || !viol || !chosen || !rank || !crowd || !work || !srank || !scrowd) {
        st = nomem(err);
        goto out;
    }
    /* the parents and the generation just evaluated, each distinct design once */
    int m = 0;
    for (int i = 0; i < s->n_archive + n; i++) {
        int r = i < s->n_archive ? s->archive[i] : recs[i - s->n_archive];
        bool seen = false;
        for (int j = 0; j < m && !seen; j++)
            seen = pts[j] == r;
        if (seen) continue;
        const adse_search_design *d = &s->records[r].d;
        viol[m] = violation(s, d);
        for (int q = 0; q < k && viol[m] == 0; q++)
            obj[(size_t)m * (size_t)k + (size_t)q] = d->objectives[q];
        pts[m++] = r;
    }
    adse__mo_points p = {.n = m, .k = k, .obj = obj, .violation = viol};
    int keep = m < s->spec.ga.population ? m : s->spec.ga.population;
    adse__nsga2_select(&p, keep, chosen, rank, crowd, work);
    for (int i = 0; i < keep; i++) {
        s->archive[i] = pts[chosen[i]];
        srank[i] = rank[chosen[i]];
        scrowd[i] = crowd[chosen[i]];
    }
    s->n_archive = keep;
    tour_ctx c = {.s = s, .n = keep, .rank = srank, .crowd = scrowd};
    for (int i = 0; i < n && !st; i++)
        st = adse__draw_screened(s, &next[(size_t)i * ADSE_SEARCH_MAX_GENES], draw_nsga2_child, &c,
                                 next, i, err);
out:
    free(pts);
    free(obj);
    free(viol);
    free(chosen);
    free(rank);
    free(crowd);
    free(work);
    free(srank);
    free(scrowd);
    return st;
}

/* ---- results ------------------------------------------------------------------------- */

int adse_search_objective_count(const adse_search *s)
{
    return s ? s->spec.n_objectives : 0;
}

void adse_search_normalized_objectives(const adse_search *s, const adse_search_design *d,
                                       double *out)
{
    if (!s || !d || !out) return;
    const adse_search_design *b = adse_search_baseline(s);
    for (int k = 0; k < s->spec.n_objectives; k++) {
        double base = b && b->status == ADSE_DESIGN_OK ? fabs(b->objectives[k]) : 0;
        out[k] = d->objectives[k] / (base > 0 && isfinite(base) ? base : 1);
    }
}

/* The feasible history designs of generations <= upto (all when upto < 0), normalized:
 * idx[] their history indices, obj[] their objectives. Returns their count. */
static int feasible_points(const adse_search *s, int upto, int *idx, double *obj)
{
    int k = s->spec.n_objectives, n = 0;
    for (int i = 0; i < s->n_history; i++) {
        const adse_search_design *d = &s->records[s->history[i]].d;
        if (upto >= 0 && d->generation > upto) continue;
        if (d->status != ADSE_DESIGN_OK) continue;
        double v[ADSE_SEARCH_MAX_OBJECTIVES];
        adse_search_normalized_objectives(s, d, v);
        bool finite = true;
        for (int q = 0; q < k; q++)
            finite &= isfinite(v[q]) != 0;
        if (!finite) continue;
        memcpy(&obj[(size_t)n * (size_t)k], v, (size_t)k * sizeof *v);
        idx[n++] = i;
    }
    return n;
}

/* The front of generations <= upto: history indices into out, their normalized
 * objectives into fobj (when not NULL). Returns the count, -1 when out of memory. */
static int front(const adse_search *s, int upto, int *out, double *fobj)
{
    int k = s->spec.n_objectives, nh = s->n_history;
    int *idx = malloc((size_t)(nh + 1) * sizeof *idx);
    int *sel = malloc((size_t)(nh + 1) * sizeof *sel);
    int *work = malloc((size_t)(2 * nh + 1) * sizeof *work);
    double *obj = malloc((size_t)(nh + 1) * (size_t)k * sizeof *obj);
    int nf = -1;
    if (idx && sel && work && obj) {
        int n = feasible_points(s, upto, idx, obj);
        adse__mo_points p = {.n = n, .k = k, .obj = obj, .violation = NULL};
        nf = adse__pareto_front(&p, sel, work);
        for (int i = 0; i < nf; i++) {
            out[i] = idx[sel[i]];
            if (fobj)
                memcpy(&fobj[(size_t)i * (size_t)k], &obj[(size_t)sel[i] * (size_t)k],
                       (size_t)k * sizeof *obj);
        }
    }
    free(idx);
    free(sel);
    free(work);
    free(obj);
    return nf;
}

int adse_search_pareto(const adse_search *s, int upto, int *out)
{
    if (!s || !out || !s->spec.n_objectives) return -1;
    return front(s, upto, out, NULL);
}

bool adse_search_hv_reference(const adse_search *s, double *ref)
{
    if (!s || !ref || !s->spec.n_objectives) return false;
    int k = s->spec.n_objectives, nh = s->n_history;
    int *idx = malloc((size_t)(nh + 1) * sizeof *idx);
    double *obj = malloc((size_t)(nh + 1) * (size_t)k * sizeof *obj);
    bool ok = false;
    if (idx && obj) {
        adse__mo_points p = {.n = feasible_points(s, -1, idx, obj), .k = k, .obj = obj};
        ok = adse__hv_reference(&p, ref);
    }
    free(idx);
    free(obj);
    return ok;
}

double adse_search_hypervolume_at(const adse_search *s, int upto, const double *ref)
{
    if (!s || !ref || !s->spec.n_objectives) return NAN;
    int k = s->spec.n_objectives, nh = s->n_history;
    int *out = malloc((size_t)(nh + 1) * sizeof *out);
    int *work = malloc((size_t)(2 * nh + 1) * sizeof *work);
    double *fobj = malloc((size_t)(nh + 1) * (size_t)k * sizeof *fobj);
    double hv = NAN;
    int nf = out && work && fobj ? front(s, upto, out, fobj) : -1;
    if (nf >= 0) hv = adse__hypervolume(k, nf, fobj, ref, work);
    free(out);
    free(work);
    free(fobj);
    return hv;
}

double adse_search_hypervolume(const adse_search *s, int upto)
{
    double ref[ADSE_SEARCH_MAX_OBJECTIVES];
    if (!s || !s->spec.n_objectives) return NAN;
    if (!adse_search_hv_reference(s, ref)) return 0;
    return adse_search_hypervolume_at(s, upto, ref);
}
