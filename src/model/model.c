/*
 * model.c: adse_model_create/evaluate (model.md §3-8).
 *
 * Evaluation pipeline, mirroring Timeloop's Topology::Evaluate: (1) validate the mapping
 * and build the loop nest, innermost loop first (3.2); (2) tiles, replication factors and
 * the capacity / instance checks (3.3, 8), which fail fast before any analysis; (3) per
 * level and data space the fill of the child tile and the parent accesses with multicast
 * and link transfers (4.2-4.7, seq.c and spatial.c); (4) collapse: partition sizes, parent
 * access shares, bypass masking, peer accesses, reads/fills/updates (4.8); (5) energy,
 * bandwidth throttling, cycles and totals (6, 7).
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"
#include "util/intmath.h"
#include "util/numtext.h"

void adse_model_options_init(adse_model_options *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->translation = ADSE_TRANSLATION_NEW;
    o->disable_link_transfers = false;
}

const adse_arch *adse_model_arch(const adse_model *model)
{
    return model ? &model->arch : NULL;
}

const adse_problem *adse_model_problem(const adse_model *model)
{
    return model ? &model->prob : NULL;
}

/* Number of prime factors with multiplicity: bounds a dimension's non-unit loops. */
static int omega(uint64_t x)
{
    int n = 0;
    for (uint64_t p = 2; p * p <= x; p++) {
        while (x % p == 0) {
            x /= p;
            n++;
        }
    }
    if (x > 1) n++;
    return n;
}

/* The problem's projections flattened per data space (terms in rank order). */
static void build_projections(adse_model *m, const adse_problem *problem)
{
    for (int d = 0; d < m->n_ds; d++) {
        const adse_dataspace *ds = &problem->ds[d];
        mproj *p = &m->proj[d];
        p->n_ranks = ds->n_ranks;
        p->read_write = ds->read_write;
        if (ds->read_write && m->rw_ds < 0) m->rw_ds = d;
        int t = 0;
        for (int r = 0; r < ds->n_ranks; r++) {
            p->first[r] = (uint8_t)t;
            if (ds->ranks[r].n_terms > 1) p->halo = true;
            int n = 0;
            uint32_t dims = 0;
            for (int k = 0; k < ds->ranks[r].n_terms; k++) {
                const adse_term *tm = &ds->ranks[r].terms[k];
                p->dim[t] = tm->dim;
                p->coef[t] = tm->coef;
                if (tm->coef != 0) p->relevant |= 1u << tm->dim;
                if (tm->coef != 0 && problem->bounds[tm->dim] > 1) {
                    n++;
                    dims |= 1u << tm->dim;
                }
                t++;
            }
            if (n > 1) p->slide_dims |= dims;
        }
        p->first[ds->n_ranks] = (uint8_t)t;
    }
}

/* Per level: fanouts, area and bandwidth scales by data-space id. */
static adse_status build_levels(adse_model *m, const adse_arch *arch, const adse_problem *problem,
                                adse_err *err)
{
    m->fmax = 1;
    m->area_um2 = arch->arith.area_um2 * arch->arith.instances;
    for (int i = 0; i < m->n_levels; i++) {
        const adse_buffer *b = &arch->levels[i];
        m->fanout_x[i] = adse_arch_fanout_x(arch, i);
        m->fanout_y[i] = adse_arch_fanout_y(arch, i);
        uint32_t f = m->fanout_x[i] * m->fanout_y[i];
        if (f > m->fmax) m->fmax = f;
        m->area_um2 += b->area_um2 * b->instances;
        for (int d = 0; d < m->n_ds; d++)
            m->bw_scale[i][d] = 1.0;
        for (int k = 0; k < b->n_bw_scales && k < ADSE_MAX_BW_SCALES; k++) {
            int d = adse_problem_ds_id(problem, b->bw_scale_names[k]);
            if (d < 0)
                return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                                    "'%s' bandwidth scale names unknown data space '%s'", b->name,
                                    b->bw_scale_names[k]);
            m->bw_scale[i][d] = b->bw_scale_values[k];
        }
    }
    return ADSE_OK;
}

/* Networks of each connection, their fill/drain latencies, the declared networks to evaluate
 * and their ERT actions per data space; refuses network energy adse does not model
 * (docs/model.md, "Declared networks"). */
static adse_status setup_networks(adse_model *m, adse_err *err)
{
    const adse_arch *a = &m->arch;
    adse_status st = adse_arch_connections(a, m->conn, err);
    if (st) return st;
    uint32_t done = 0;
    for (int i = 0; i < m->n_levels; i++) {
        const adse_buffer *b = &a->levels[i];
        const adse_connection *c = &m->conn[i];
        /* Timeloop adds a declared network's fill_latency for either direction (its drain
         * latency accessor returns the fill latency); the inferred side uses level i's. */
        m->latency +=
            c->read_fill >= 0 ? a->networks[c->read_fill].fill_latency : b->network_fill_latency;
        m->latency +=
            b->net_update ? a->networks[c->drain_update].fill_latency : b->network_drain_latency;
        if (c->read_fill < 0 || c->drain_update < 0) {
            const char *key = NULL;
            double v = 0;
            if (b->energy_per_hop_pj > 0)
                key = "energy_per_hop", v = b->energy_per_hop_pj;
            else if (b->energy_per_hop_pj < 0 && b->wire_energy_pj > 0)
                key = "wire_energy (or the ERT's 'wire' table)", v = b->wire_energy_pj;
            else if (b->router_energy_pj > 0)
                key = "router_energy", v = b->router_energy_pj;
            else if (b->ingress_energy_pj > 0)
                key = "energy_per_ingress", v = b->ingress_energy_pj;
            if (key) {
                const char *child = i == 0 ? a->arith.name : a->levels[i - 1].name;
                return adse_err_set(err, ADSE_E_SPEC, b->pos.file, b->pos.line, b->pos.column,
                                    "%s %g of '%s' prices its legacy network '%s <==> %s': legacy "
                                    "network energy (hops, routers, ingresses) is not modeled",
                                    key, v, b->name, b->name, child);
            }
        }
        int8_t nets[2] = {c->read_fill, c->drain_update};
        for (int k = 0; k < 2; k++) {
            int n = nets[k];
            if (n < 0 || (done & (1u << n))) continue;
            done |= 1u << n;
            m->neval_net[m->n_neval] = (int8_t)n;
            m->neval_level[m->n_neval] = (int8_t)i;
            m->n_neval++;
            m->net_levels |= 1u << i;
        }
    }
    for (int k = 0; k < m->n_neval; k++) {
        int n = m->neval_net[k];
        const adse_arch_network *net = &a->networks[n];
        if (!net->ert_bound)
            return adse_err_set(err, ADSE_E_SPEC, net->pos.file, net->pos.line, net->pos.column,
                                "no ERT table for network '%s' (class %s): its transfer energy "
                                "comes only from an ERT (the estimator does not price network "
                                "classes)",
                                net->name, net->klass);
        for (int d = 0; d < m->n_ds; d++) {
            char want[2 * ADSE_NAME_MAX + 1];
            if (net->per_datatype_ert)
                snprintf(want, sizeof want, "%s_%s", net->action_name, m->prob.ds[d].name);
            else
                snprintf(want, sizeof want, "%s", net->action_name);
            m->net_act[n][d] = -1;
            for (int x = 0; x < a->n_net_actions; x++) {
                const adse_net_action *na = &a->net_actions[x];
                if (na->network != n || strcmp(na->name, want) != 0) continue;
                if (na->n > 1 && !net->mcast_arg[0])
                    return adse_err_set(err, ADSE_E_SPEC, net->pos.file, net->pos.line,
                                        net->pos.column,
                                        "ERT action '%s' of network '%s' has %d entries but the "
                                        "network gives no 'multicast_factor_argument' to choose "
                                        "one",
                                        want, net->name, na->n);
                m->net_act[n][d] = (int16_t)x;
            }
        }
    }
    return ADSE_OK;
}

adse_status adse_model_create(const adse_arch *arch, const adse_problem *problem,
                              const adse_model_options *opts, adse_model **out, adse_err *err)
{
    if (!out) return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "no output model pointer");
    *out = NULL;
    if (!arch || !problem)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "no architecture or problem given");
    adse_status st = adse_arch_validate(arch, err);
    if (!st) st = adse_problem_validate(problem, err);
    if (st) return st;

    adse_model *m = calloc(1, sizeof *m);
    if (!m) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    m->arch = *arch;
    m->prob = *problem;
    if (opts)
        m->opts = *opts;
    else
        adse_model_options_init(&m->opts);
    m->n_levels = arch->n_levels;
    m->n_dims = problem->n_dims;
    m->n_ds = problem->n_ds;
    m->rw_ds = -1;
    build_projections(m, problem);

    m->macs = 1;
    int kmax = 0;
    for (int x = 0; x < m->n_dims; x++) {
        m->macs *= problem->bounds[x];
        kmax += omega(problem->bounds[x]);
    }
    /* A visit sequence has at most one non-unit temporal loop per level and dimension. */
    if (kmax > arch->n_levels * problem->n_dims) kmax = arch->n_levels * problem->n_dims;
    m->kmax = kmax < 1 ? 1 : kmax;

    if ((st = build_levels(m, arch, problem, err))) {
        free(m);
        return st;
    }
    st = setup_networks(m, err);
    if (st) {
        free(m);
        return st;
    }
    *out = m;
    return ADSE_OK;
}

void adse_model_free(adse_model *model)
{
    free(model);
}

adse_scratch *adse_scratch_new(const adse_model *model)
{
    if (!model) return NULL;
    adse_scratch *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->model = model;
    int k = model->kmax;
    if (k > MODEL_MAX_LOOPS) k = MODEL_MAX_LOOPS;
    s->seq_kcap = k;
    int S = 2 * k + 1;
    s->seq_scap = (k + 1) * S;
    size_t memo = (size_t)(k + 1) * (size_t)s->seq_scap;
    s->memo_stamp = calloc(memo, sizeof *s->memo_stamp);
    s->memo_val = calloc(memo, sizeof *s->memo_val);
    s->list_a_sid = calloc((size_t)s->seq_scap, sizeof(int32_t));
    s->list_b_sid = calloc((size_t)s->seq_scap, sizeof(int32_t));
    s->list_a_w = calloc((size_t)s->seq_scap, sizeof(uint64_t));
    s->list_b_w = calloc((size_t)s->seq_scap, sizeof(uint64_t));
    s->pair_cap = S * S + 1;
    s->pairs = calloc((size_t)s->pair_cap, sizeof *s->pairs);
    s->cls = calloc((size_t)k + 1, sizeof *s->cls);
    s->tzero = calloc((size_t)k + 1, sizeof *s->tzero);
    s->dsize = calloc((size_t)k + 1, sizeof *s->dsize);
    uint32_t fc = model->fmax;
    s->child_cap = fc;
    s->off = calloc((size_t)fc * ADSE_MAX_RANKS, sizeof *s->off);
    size_t slices = 0;
    for (int i = 0; i < model->n_levels; i++)
        s->lv_slice[i] = model->fanout_x[i] * model->fanout_y[i] > 1 ? (int8_t)slices++ : -1;
    s->lv_spare = (int8_t)slices++; /* levels without a fanout (none in a valid mapping) */
    s->opoff_all = calloc(slices * fc * ADSE_MAX_DIMS, sizeof *s->opoff_all);
    s->opdelta_all = calloc(slices * fc * 4 * ADSE_MAX_DIMS, sizeof *s->opdelta_all);
    s->nbr_all = calloc(slices * fc * 4, sizeof *s->nbr_all);
    s->rb_cap = S;
    s->rb_stamp = calloc((size_t)S, sizeof *s->rb_stamp);
    s->rb_n = calloc((size_t)S, sizeof *s->rb_n);
    s->rb = calloc((size_t)S * 2 * ADSE_MAX_RANKS, sizeof *s->rb);
    s->gid_all = calloc(slices * (size_t)model->n_ds * fc, sizeof *s->gid_all);
    s->gid = s->gid_all;
    s->gcnt = calloc(fc, sizeof *s->gcnt);
    s->linked = calloc(fc, sizeof *s->linked);
    s->dvec = calloc((size_t)fc * 4 * ADSE_MAX_RANKS, sizeof *s->dvec);
    s->eq = calloc((size_t)fc * 4, sizeof *s->eq);
    uint32_t hc = 4;
    while (hc < 2 * fc)
        hc *= 2;
    s->hash_cap = hc;
    s->hslot = calloc(hc, sizeof *s->hslot);
    if (!s->memo_stamp || !s->memo_val || !s->list_a_sid || !s->list_b_sid || !s->list_a_w ||
        !s->list_b_w || !s->pairs || !s->cls || !s->tzero || !s->dsize || !s->off || !s->gid_all ||
        !s->nbr_all || !s->gcnt || !s->linked || !s->dvec || !s->eq || !s->hslot || !s->opoff_all ||
        !s->opdelta_all || !s->rb_stamp || !s->rb_n || !s->rb) {
        adse_scratch_free(s);
        return NULL;
    }
    return s;
}

void adse_scratch_free(adse_scratch *s)
{
    if (!s) return;
    free(s->memo_stamp);
    free(s->memo_val);
    free(s->list_a_sid);
    free(s->list_b_sid);
    free(s->list_a_w);
    free(s->list_b_w);
    free(s->pairs);
    free(s->cls);
    free(s->tzero);
    free(s->dsize);
    free(s->off);
    free(s->opoff_all);
    free(s->opdelta_all);
    free(s->rb_stamp);
    free(s->rb_n);
    free(s->rb);
    free(s->gid_all);
    free(s->nbr_all);
    free(s->gcnt);
    free(s->linked);
    free(s->dvec);
    free(s->eq);
    free(s->hslot);
    free(s);
}

/* ---------------------------------------------------------------------------------------
 * Failures
 * ------------------------------------------------------------------------------------- */

static adse_status fail(adse_result *out, adse_err *err, adse_fail kind, int level, const char *fmt,
                        ...) __attribute__((format(printf, 5, 6)));

static adse_status fail(adse_result *out, adse_err *err, adse_fail kind, int level, const char *fmt,
                        ...)
{
    va_list ap;
    va_start(ap, fmt);
    adse__c_vsnprintf(out->reason, sizeof out->reason, fmt, ap);
    va_end(ap);
    out->fail = kind;
    out->fail_level = level;
    adse_status code = kind == ADSE_FAIL_MAPPING ? ADSE_E_MAPPING : ADSE_E_INVALID;
    if (err) adse_err_set(err, code, NULL, 0, 0, "%s", out->reason);
    return code;
}

/* ---------------------------------------------------------------------------------------
 * Mapping checks and loop nest (model.md §3)
 * ------------------------------------------------------------------------------------- */

static adse_status check_mapping(const adse_model *m, const adse_mapping *map, adse_result *out,
                                 adse_err *err)
{
    const adse_problem *p = &m->prob;
    int L = m->n_levels, D = m->n_dims;
    if (map->n_levels != L || map->n_dims != D || map->n_ds != m->n_ds)
        return fail(out, err, ADSE_FAIL_MAPPING, -1,
                    "mapping has %d levels, %d dimensions, %d data spaces; model has %d, %d, %d",
                    map->n_levels, map->n_dims, map->n_ds, L, D, m->n_ds);
    for (int x = 0; x < D; x++) {
        uint64_t prod = 1;
        for (int i = 0; i < L; i++) {
            if (map->temporal[i][x] < 1 || map->spatial[i][x] < 1)
                return fail(out, err, ADSE_FAIL_MAPPING, i, "factor of '%c' at '%s' is 0",
                            p->dim_names[x], m->arch.levels[i].name);
            prod *= map->temporal[i][x] * map->spatial[i][x];
        }
        if (prod != p->bounds[x])
            return fail(out, err, ADSE_FAIL_MAPPING, -1,
                        "factors of '%c' multiply to %llu, not its bound %llu", p->dim_names[x],
                        (unsigned long long)prod, (unsigned long long)p->bounds[x]);
    }
    for (int i = 0; i < L; i++) {
        uint32_t seen_t = 0, seen_s = 0;
        for (int k = 0; k < D; k++) {
            uint8_t xt = map->temporal_perm[i][k], xs = map->spatial_perm[i][k];
            if (xt >= D || xs >= D)
                return fail(out, err, ADSE_FAIL_MAPPING, i,
                            "permutation at '%s' names dimension %d of %d", m->arch.levels[i].name,
                            xt >= D ? xt : xs, D);
            seen_t |= 1u << xt;
            seen_s |= 1u << xs;
        }
        uint32_t all = (D >= 32) ? ~0u : ((1u << D) - 1u);
        if (seen_t != all || seen_s != all)
            return fail(out, err, ADSE_FAIL_MAPPING, i,
                        "permutation at '%s' is not a permutation of the dimensions",
                        m->arch.levels[i].name);
        if (map->split[i] > D)
            return fail(out, err, ADSE_FAIL_MAPPING, i, "split %d at '%s' exceeds %d dimensions",
                        map->split[i], m->arch.levels[i].name, D);
    }
    uint32_t lmask = (L >= 32) ? ~0u : ((1u << L) - 1u);
    for (int d = 0; d < m->n_ds; d++)
        if ((map->keep[d] & lmask) == 0)
            return fail(out, err, ADSE_FAIL_BYPASS_ALL, -1, "data space '%s' is kept at no level",
                        p->ds[d].name);
    for (int i = 0; i < L; i++) {
        uint64_t fx = 1, fy = 1;
        for (int k = 0; k < D; k++) {
            uint8_t x = map->spatial_perm[i][k];
            if (k < map->split[i])
                fx *= map->spatial[i][x];
            else
                fy *= map->spatial[i][x];
        }
        if (fx * fy > 1 && m->fanout_x[i] * m->fanout_y[i] == 1)
            return fail(out, err, ADSE_FAIL_SPATIAL_NONE, i,
                        "spatial factors %llu at '%s', which has no fanout",
                        (unsigned long long)(fx * fy), m->arch.levels[i].name);
        if (fx > m->fanout_x[i])
            return fail(out, err, ADSE_FAIL_FANOUT, i,
                        "spatial X factors %llu exceed '%s' fanout X %u", (unsigned long long)fx,
                        m->arch.levels[i].name, m->fanout_x[i]);
        if (fy > m->fanout_y[i])
            return fail(out, err, ADSE_FAIL_FANOUT, i,
                        "spatial Y factors %llu exceed '%s' fanout Y %u", (unsigned long long)fy,
                        m->arch.levels[i].name, m->fanout_y[i]);
    }
    return ADSE_OK;
}

static void add_loop(adse_scratch *s, int dim, int kind, int level, uint64_t n)
{
    mloop *l = &s->loops[s->n_loops++];
    l->n = n;
    l->dim = (uint8_t)dim;
    l->kind = (uint8_t)kind;
    l->level = (uint8_t)level;
    l->stride = 0;
}

static uint64_t tile_size(const mproj *p, const uint64_t *ext)
{
    int64_t e[ADSE_MAX_RANKS];
    adse__tile_extents(p, ext, e);
    uint64_t size = 1;
    for (int r = 0; r < p->n_ranks; r++)
        size *= (uint64_t)e[r];
    return size;
}

static void build_nest(const adse_model *m, const adse_mapping *map, adse_scratch *s)
{
    int L = m->n_levels, D = m->n_dims;
    s->n_loops = 0;
    for (int i = 0; i < L; i++) {
        s->sp_lo[i] = s->n_loops;
        if (m->fanout_x[i] * m->fanout_y[i] > 1) {
            for (int k = 0; k < D; k++) {
                int x = map->spatial_perm[i][k];
                uint64_t f = map->spatial[i][x];
                if (f > 1) add_loop(s, x, k < map->split[i] ? LOOP_X : LOOP_Y, i, f);
            }
        }
        s->sp_hi[i] = s->n_loops;
        s->t_lo[i] = s->n_loops;
        for (int k = 0; k < D; k++) {
            int x = map->temporal_perm[i][k];
            uint64_t f = map->temporal[i][x];
            if (f > 1) add_loop(s, x, LOOP_T, i, f);
        }
        if (s->n_loops == s->t_lo[i]) add_loop(s, D - 1, LOOP_T, i, 1);
        s->t_hi[i] = s->n_loops;
    }

    uint64_t run[ADSE_MAX_DIMS];
    for (int x = 0; x < D; x++)
        run[x] = 1;
    s->temporal_product = 1;
    s->spatial_product = 1;
    for (int i = 0; i < L; i++) {
        s->fan[i] = s->fan_x[i] = s->fan_y[i] = 1;
        for (int l = s->sp_lo[i]; l < s->t_hi[i]; l++) {
            mloop *lp = &s->loops[l];
            lp->stride = run[lp->dim];
            run[lp->dim] *= lp->n;
            if (lp->kind == LOOP_T) {
                s->temporal_product *= lp->n;
            } else {
                s->spatial_product *= lp->n;
                s->fan[i] *= lp->n;
                if (lp->kind == LOOP_X)
                    s->fan_x[i] *= lp->n;
                else
                    s->fan_y[i] *= lp->n;
            }
            if (l == s->sp_hi[i] - 1) memcpy(s->ext_v[i], run, sizeof run);
        }
        memcpy(s->ext_t[i], run, sizeof run);
    }
    /* Replication: spatial loops of the levels above. */
    uint64_t rf = 1, rx = 1, ry = 1;
    for (int i = L - 1; i >= 0; i--) {
        s->rf[i] = rf;
        s->rf_x[i] = rx;
        s->rf_y[i] = ry;
        rf *= s->fan[i];
        rx *= s->fan_x[i];
        ry *= s->fan_y[i];
    }
    for (int i = 0; i < L; i++) {
        for (int d = 0; d < m->n_ds; d++) {
            s->tsize[i][d] = tile_size(&m->proj[d], s->ext_t[i]);
            s->vsize[i][d] =
                s->sp_hi[i] > s->sp_lo[i] ? tile_size(&m->proj[d], s->ext_v[i]) : s->tsize[i][d];
        }
    }
}

static adse_status check_fit(const adse_model *m, const adse_mapping *map, adse_scratch *s,
                             adse_result *out, adse_err *err)
{
    for (int i = 0; i < m->n_levels; i++) {
        const adse_buffer *b = &m->arch.levels[i];
        uint64_t total = 0;
        for (int d = 0; d < m->n_ds; d++)
            if (map->keep[d] & (1u << i)) total += s->tsize[i][d];
        if (b->size_specified) {
            if (total > b->effective_size)
                return fail(out, err, ADSE_FAIL_CAPACITY, i,
                            "mapped tile size %llu exceeds '%s' capacity %llu",
                            (unsigned long long)total, b->name,
                            (unsigned long long)b->effective_size);
            if ((double)total < (double)b->effective_size * b->min_utilization)
                return fail(out, err, ADSE_FAIL_MIN_UTIL, i,
                            "mapped tile size %llu is below '%s' minimum utilization %.2f of %llu",
                            (unsigned long long)total, b->name, b->min_utilization,
                            (unsigned long long)b->effective_size);
        }
        if (s->rf[i] > b->instances)
            return fail(out, err, ADSE_FAIL_INSTANCES, i,
                        "mapped instances %llu exceed '%s' instances %u",
                        (unsigned long long)s->rf[i], b->name, b->instances);
        if (s->rf_x[i] > b->mesh_x)
            return fail(out, err, ADSE_FAIL_INSTANCES, i,
                        "mapped X expansion %llu exceeds '%s' meshX %u",
                        (unsigned long long)s->rf_x[i], b->name, b->mesh_x);
        if (s->rf_y[i] > b->mesh_y)
            return fail(out, err, ADSE_FAIL_INSTANCES, i,
                        "mapped Y expansion %llu exceeds '%s' meshY %u",
                        (unsigned long long)s->rf_y[i], b->name, b->mesh_y);
    }
    const adse_arith *a = &m->arch.arith;
    uint64_t ux = 1, uy = 1;
    for (int i = 0; i < m->n_levels; i++) {
        ux *= s->fan_x[i];
        uy *= s->fan_y[i];
    }
    if (s->spatial_product > a->instances)
        return fail(out, err, ADSE_FAIL_INSTANCES, -1,
                    "mapped instances %llu exceed '%s' instances %u",
                    (unsigned long long)s->spatial_product, a->name, a->instances);
    if (ux > a->mesh_x)
        return fail(out, err, ADSE_FAIL_INSTANCES, -1,
                    "mapped X expansion %llu exceeds '%s' meshX %u", (unsigned long long)ux,
                    a->name, a->mesh_x);
    if (uy > a->mesh_y)
        return fail(out, err, ADSE_FAIL_INSTANCES, -1,
                    "mapped Y expansion %llu exceeds '%s' meshY %u", (unsigned long long)uy,
                    a->name, a->mesh_y);
    return ADSE_OK;
}

/* ---------------------------------------------------------------------------------------
 * Nest analysis (model.md §4.2-4.7)
 * ------------------------------------------------------------------------------------- */

/* Visit sequence of level i's tile for data space d: the non-unit temporal loops above its
 * boundary and the data-space translation of a step with each carry. */
static void tile_seq(const adse_model *m, adse_scratch *s, int i, int d, seq_in *in, int64_t *ext)
{
    const mproj *p = &m->proj[d];
    int nr = p->n_ranks;
    int k = 0;
    int64_t prefix[ADSE_MAX_RANKS] = {0};
    for (int l = s->t_hi[i]; l < s->n_loops; l++) {
        const mloop *lp = &s->loops[l];
        if (lp->kind != LOOP_T || lp->n < 2) continue;
        int64_t u[ADSE_MAX_RANKS];
        adse__dim_step(p, lp->dim, (int64_t)lp->stride, u);
        int64_t *t = s->seq_t + (size_t)k * nr;
        for (int r = 0; r < nr; r++) {
            t[r] = u[r] - prefix[r];
            prefix[r] += u[r];
        }
        s->seq_n[k] = lp->n;
        k++;
    }
    adse__tile_extents(p, s->ext_t[i], ext);
    in->k = k;
    in->nr = nr;
    in->n = s->seq_n;
    in->t = s->seq_t;
    in->ext = ext;
    in->size = s->tsize[i][d];
    in->legacy = m->opts.translation == ADSE_TRANSLATION_LEGACY;
    in->no_reuse = false;
    in->want_pairs = false;
}

/* Fill of a halo-free tile (model.md §4.5a): U times the bounds from the innermost relevant loop
 * above the boundary outwards. */
static uint64_t fill_closed(const adse_model *m, const adse_scratch *s, int i, int d)
{
    uint32_t rel = m->proj[d].relevant;
    uint64_t f = s->tsize[i][d];
    bool on = false;
    for (int l = s->t_hi[i]; l < s->n_loops; l++) {
        const mloop *lp = &s->loops[l];
        if (lp->kind != LOOP_T || lp->n < 2) continue; /* dummy loops never move the tile */
        if (!on && (rel & (1u << lp->dim))) on = true;
        if (on) f *= lp->n;
    }
    return f;
}

/* Timeloop's last histogram bin of level j's accesses to d, for a declared network
 * (docs/model.md, "Declared networks"). a is NULL when level j has no spatial loops. */
static void net_bin(adse_scratch *s, int j, int d, const spatial_args *a)
{
    s->nb_m[j][d] = 0;
    s->nb_acc[j][d] = 0;
    if (!(s->acc[j][d] > 0)) return;
    if (!a) {
        s->nb_m[j][d] = 1;
        s->nb_acc[j][d] = s->acc[j][d];
        return;
    }
    if (s->lt[j][d] > 0 && !s->nb_links) s->nb_links = j + 1;
    uint32_t mc, count;
    adse__spatial_top_bin(s, a, &mc, &count);
    double fill = a->points ? (double)s->temporal_product : (double)a->fill;
    s->nb_m[j][d] = mc;
    s->nb_acc[j][d] = (double)count * fill;
}

/* Level j's accesses of d for its children (model.md 4.6, 4.7), after
 * adse__spatial_level(s, j) where j has spatial loops. */
static void analyze_ds(const adse_model *m, const adse_mapping *map, adse_scratch *s, int j, int d)
{
    const mproj *p = &m->proj[d];
    bool links_on = !m->opts.disable_link_transfers;
    bool has_sp = s->sp_hi[j] > s->sp_lo[j];
    bool links = links_on && has_sp && s->fan[j] >= 2 && s->n_opdelta > 0 &&
                 !(map->no_link_transfer[d] & (1u << j));
    bool nomc = (map->no_multicast[d] >> j) & 1u;
    if (j == 0) {
        if (!has_sp) {
            s->acc[0][d] = s->wacc[0][d] = (double)s->temporal_product;
            s->lt[0][d] = 0;
            if (m->net_levels & 1u) net_bin(s, 0, d, NULL);
        } else {
            spatial_args a = {0, d, links, nomc, true, NULL, NULL, 0};
            adse__spatial(s, &a, &s->acc[0][d], &s->wacc[0][d], &s->lt[0][d]);
            if (m->net_levels & 1u) net_bin(s, 0, d, &a);
        }
        return;
    }
    int c = j - 1;
    bool no_reuse = (map->no_temporal_reuse[d] >> c) & 1u;
    uint64_t fill;
    seq_in in;
    seq_out so;
    int64_t ext[ADSE_MAX_RANKS];
    bool seq_done = false;
    /* Without a sliding window the visit sequence's fill is the closed form, and under the
     * NEW rule no link can move d above the MAC level (docs/model.md 4.5a, 4.7): then
     * neither the solver nor the link comparison runs. */
    bool closed;
    if (m->reference_paths) {
        closed = !p->halo && !no_reuse && !links;
    } else {
        if (!no_reuse && !adse__links_can_move(m, d)) links = false;
        closed = !p->slide_dims && !no_reuse && !links;
    }
    if (closed) {
        fill = fill_closed(m, s, c, d);
    } else {
        tile_seq(m, s, c, d, &in, ext);
        in.no_reuse = no_reuse;
        in.want_pairs = links;
        adse__seq_solve(s, &in, &so);
        fill = so.fill;
        seq_done = true;
    }
    if (!has_sp) {
        s->acc[j][d] = s->wacc[j][d] = (double)fill;
        s->lt[j][d] = 0;
        if ((m->net_levels >> j) & 1u) net_bin(s, j, d, NULL);
    } else {
        spatial_args a = {
            j,   d, links && seq_done, nomc, false, seq_done ? &in : NULL, seq_done ? &so : NULL,
            fill};
        adse__spatial(s, &a, &s->acc[j][d], &s->wacc[j][d], &s->lt[j][d]);
        if ((m->net_levels >> j) & 1u) net_bin(s, j, d, &a);
    }
}

static void analyze(const adse_model *m, const adse_mapping *map, adse_scratch *s)
{
    for (int j = 0; j < m->n_levels; j++) {
        if (s->sp_hi[j] > s->sp_lo[j]) adse__spatial_level(s, j);
        for (int d = 0; d < m->n_ds; d++)
            analyze_ds(m, map, s, j, d);
    }
}

uint32_t adse__links_acting(const adse_model *m, const adse_mapping *map, adse_scratch *s, int j,
                            uint32_t mask)
{
    build_nest(m, map, s);
    if (s->sp_hi[j] == s->sp_lo[j]) return 0;
    adse__spatial_level(s, j);
    uint32_t acting = 0;
    for (int d = 0; d < m->n_ds; d++)
        if ((mask >> d) & 1u) {
            analyze_ds(m, map, s, j, d);
            if (s->lt[j][d] > 0) acting |= 1u << d;
        }
    return acting;
}

/* ---------------------------------------------------------------------------------------
 * Collapse, counts, energy, performance (model.md §4.8, §6, §7)
 * ------------------------------------------------------------------------------------- */

static uint64_t round_u64(double x)
{
    double r = round(x);
    return r <= 0 ? 0 : (uint64_t)r;
}

static uint64_t trunc_u64(double x)
{
    return x <= 0 ? 0 : (uint64_t)x;
}

static void collapse(const adse_model *m, const adse_mapping *map, adse_scratch *s,
                     adse_result *out, uint64_t util_inst[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES])
{
    int L = m->n_levels;
    for (int d = 0; d < m->n_ds; d++) {
        uint64_t size[ADSE_MAX_LEVELS], ps[ADSE_MAX_LEVELS], rf[ADSE_MAX_LEVELS];
        double ca[ADSE_MAX_LEVELS], a[ADSE_MAX_LEVELS], am[ADSE_MAX_LEVELS];
        double pas[ADSE_MAX_LEVELS], lt[ADSE_MAX_LEVELS], peer[ADSE_MAX_LEVELS];
        double fan[ADSE_MAX_LEVELS], nb[ADSE_MAX_LEVELS];
        uint32_t keep = map->keep[d];
        bool nets = m->net_levels != 0;
        for (int i = 0; i < L; i++) {
            size[i] = s->tsize[i][d];
            a[i] = ca[i] = s->acc[i][d];
            am[i] = s->wacc[i][d];
            lt[i] = s->lt[i][d];
            rf[i] = s->rf[i];
            fan[i] = (double)s->fan[i];
            peer[i] = 0;
            nb[i] = nets ? s->nb_acc[i][d] : 0;
        }
        /* Partition sizes (before masking). */
        uint64_t run = size[L - 1];
        ps[L - 1] = run;
        for (int i = L - 2; i >= 0; i--) {
            uint64_t den = s->sp_hi[i + 1] > s->sp_lo[i + 1] ? s->vsize[i + 1][d] : size[i];
            run = run * size[i] / den;
            ps[i] = run;
        }
        /* Parent access share. */
        for (int i = 0; i < L - 1; i++)
            pas[i] = am[i + 1] / fan[i + 1];
        pas[L - 1] = 0;
        /* Bypass: the next kept level serves the bypassing level's children. */
        for (int cur = 0; cur < L; cur++) {
            if (size[cur] == 0 || (keep & (1u << cur))) continue;
            int o = cur + 1;
            while (o < L && size[o] == 0)
                o++;
            if (o == L) {
                size[cur] = ps[cur] = 0;
                ca[cur] = pas[cur] = 0;
                break;
            }
            if (am[o] > 0) {
                double f = ca[cur] * fan[o] / am[o];
                a[o] *= f;
                am[o] *= f;
                nb[o] *= f;
                lt[o] = 0;
            }
            ca[o] = a[o];
            size[cur] = ps[cur] = 0;
            ca[cur] = pas[cur] = 0;
        }
        /* Outermost levels that do not keep d. */
        for (int cur = L - 1; cur >= 0; cur--) {
            if (!(keep & (1u << cur))) {
                size[cur] = ps[cur] = 0;
                ca[cur] = a[cur] = am[cur] = pas[cur] = lt[cur] = nb[cur] = 0;
                rf[cur] = 0;
            } else {
                pas[cur] = 0;
                break;
            }
        }
        /* Peer accesses and fills from link transfers. */
        for (int cur = L - 1; cur > 0; cur--)
            if (lt[cur] != 0 && rf[cur - 1] > 0) peer[cur - 1] += lt[cur] / (double)rf[cur - 1];

        if (nets) {
            /* A bypassing level keeps its (scaled) bins for its networks, as in Timeloop. */
            for (int i = 0; i < L; i++) {
                s->nb_acc[i][d] = nb[i];
                s->nb_total[i][d] = a[i];
            }
        }
        bool rw = m->proj[d].read_write;
        for (int i = 0; i < L; i++) {
            adse_ds_stats *st = &out->levels[i].ds[d];
            util_inst[i][d] = rf[i];
            st->kept = (keep >> i) & 1u;
            if (size[i] == 0) continue;
            uint64_t reads, fills, updates, tr;
            if (rw) {
                bool first_update_rmw = (map->rmw_first_update[d] >> i) & 1u;
                double sub = first_update_rmw ? 0.0 : (double)ps[i];
                bool outermost = true;
                for (int o = i + 1; o < L; o++)
                    if (size[o] > 0) outermost = false;
                updates = round_u64(ca[i]);
                reads = round_u64(ca[i] + peer[i] - sub);
                tr = reads;
                fills = outermost ? round_u64(pas[i] + peer[i]) : round_u64(pas[i] + peer[i] - sub);
            } else {
                reads = round_u64(ca[i] + peer[i]);
                fills = trunc_u64(pas[i] + peer[i]);
                updates = 0;
                tr = 0;
            }
            st->partition_size = ps[i];
            st->utilized_capacity = size[i];
            st->utilized_instances = rf[i];
            st->reads = reads;
            st->fills = fills;
            st->updates = updates;
            st->temporal_reductions = tr;
            st->address_generations = rw ? updates + fills : reads + fills;
            st->link_transfers = trunc_u64(peer[i]);
        }
    }
}

/* Energy of one transfer with multicast factor mc through action act (Timeloop's
 * SimpleMulticastNetwork::GetOpEnergyFromERT): with several entries, the last whose
 * multicast argument equals mc, else 0; with one entry, that entry. */
static double net_transfer_energy(const adse_arch *a, int act, uint32_t mc)
{
    const adse_net_action *na = &a->net_actions[act];
    if (na->n == 1) return a->net_entries[na->first].energy_pj;
    double e = 0;
    for (int k = 0; k < na->n; k++) {
        const adse_net_entry *ne = &a->net_entries[na->first + k];
        if (ne->dest == (int64_t)mc) e = ne->energy_pj;
    }
    return e;
}

/* Declared networks (docs/model.md, "Declared networks"): Timeloop charges each data space the
 * energy of its last histogram bin only (SimpleMulticastNetwork::Evaluate assigns, not
 * adds, per bin). */
static double networks_energy(const adse_model *m, const adse_scratch *s, adse_result *out)
{
    double total = 0;
    for (int k = 0; k < m->n_neval; k++) {
        int n = m->neval_net[k], i = m->neval_level[k];
        adse_net_stats *ns = &out->networks[n];
        ns->evaluated = true;
        ns->level = i;
        for (int d = 0; d < m->n_ds; d++) {
            adse_net_ds_stats *st = &ns->ds[d];
            st->ingresses = s->nb_total[i][d];
            st->fanout = s->fan[i];
            st->utilized_instances = s->rf[i];
            st->multicast = s->nb_acc[i][d] > 0 ? s->nb_m[i][d] : 0;
            int act = m->net_act[n][d];
            if (act >= 0 && s->nb_acc[i][d] > 0)
                st->energy_per_instance_pj =
                    net_transfer_energy(&m->arch, act, s->nb_m[i][d]) * s->nb_acc[i][d];
            ns->energy_pj += st->energy_per_instance_pj * (double)st->utilized_instances;
        }
        total += ns->energy_pj;
    }
    out->network_energy_pj = total;
    return total;
}

static void finish(const adse_model *m, const adse_mapping *map, adse_scratch *s, adse_result *out,
                   uint64_t util_inst[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES])
{
    (void)map;
    int L = m->n_levels;
    uint64_t cc = s->temporal_product;
    out->computes = m->macs;
    out->compute_cycles = cc;
    out->utilized_macs = s->spatial_product;
    out->mac_energy_pj = (double)m->macs * m->arch.arith.e_compute;

    /* Performance (model.md §6). */
    uint64_t cycles = cc;
    for (int i = 0; i < L; i++) {
        const adse_buffer *b = &m->arch.levels[i];
        adse_level_stats *ls = &out->levels[i];
        double rd[ADSE_MAX_DATASPACES], wr[ADSE_MAX_DATASPACES];
        double tr = 0, tw = 0;
        for (int d = 0; d < m->n_ds; d++) {
            const adse_ds_stats *st = &ls->ds[d];
            double sc = m->bw_scale[i][d];
            rd[d] = (double)st->reads / (double)cc * sc;
            wr[d] = (double)(st->fills + st->updates) / (double)cc * sc;
            tr += rd[d];
            tw += wr[d];
        }
        double slow = 1.0;
        if (b->read_bw >= 0 && b->read_bw < tr) slow = fmin(slow, b->read_bw / tr);
        if (b->write_bw >= 0 && b->write_bw < tw) slow = fmin(slow, b->write_bw / tw);
        if (b->shared_bw >= 0 && b->shared_bw < tr + tw)
            slow = fmin(slow, b->shared_bw / (tr + tw));
        ls->slowdown = slow;
        /* A zero bandwidth with demand stalls forever: saturate instead of overflowing. */
        double cyc = slow > 0 ? ceil((double)cc / slow) : HUGE_VAL;
        ls->cycles = cyc < 1.8e19 ? (uint64_t)cyc : UINT64_MAX;
        for (int d = 0; d < m->n_ds; d++) {
            ls->ds[d].bw_scale = m->bw_scale[i][d];
            ls->ds[d].read_bw = rd[d] * slow;
            ls->ds[d].write_bw = wr[d] * slow;
        }
        if (ls->cycles > cycles) cycles = ls->cycles;
    }
    out->cycles = adse__add_sat(cycles, m->latency);

    /* Energy (model.md §7.2). */
    double total = out->mac_energy_pj;
    for (int i = 0; i < L; i++) {
        const adse_buffer *b = &m->arch.levels[i];
        adse_level_stats *ls = &out->levels[i];
        uint64_t clusters_avail = b->instances / b->cluster_size;
        double e = 0;
        uint64_t acc = 0, maxu = 0, maxk = 0;
        for (int d = 0; d < m->n_ds; d++) {
            adse_ds_stats *st = &ls->ds[d];
            if (util_inst[i][d] > maxu) maxu = util_inst[i][d];
            if (!st->kept) continue;
            uint64_t rfi = st->utilized_instances;
            if (rfi > maxk) maxk = rfi;
            st->utilized_clusters = rfi < clusters_avail ? rfi : clusters_avail;
            uint64_t bs = b->block_size;
            double ce = (double)adse__ceil_div(st->reads, bs) * b->e_read +
                        (double)adse__ceil_div(st->fills, bs) * b->e_fill +
                        (double)adse__ceil_div(st->updates, bs) * b->e_update;
            if (rfi > 0 && st->utilized_clusters > 0) {
                double cu = (double)rfi / (double)st->utilized_clusters;
                st->energy_per_instance_pj = ce / cu;
                st->energy_total_pj = st->energy_per_instance_pj * (double)rfi;
                uint64_t n = st->reads + st->fills + st->updates;
                st->energy_per_access_pj = n ? st->energy_per_instance_pj / (double)n : 0.0;
            }
            e += st->energy_total_pj;
            acc += rfi * (st->reads + st->fills + st->updates);
        }
        ls->leak_energy_pj = b->e_leak * (double)cycles * (double)(maxu > 1 ? maxu : 1);
        ls->energy_pj = e + ls->leak_energy_pj;
        ls->accesses = acc;
        ls->max_utilized_instances = maxk;
        total += ls->energy_pj;
    }
    if (m->n_neval) total += networks_energy(m, s, out);
    out->energy_pj = total;
    out->utilization = (double)m->macs / (double)m->arch.arith.instances / (double)out->cycles;

    uint64_t outputs = 0, required = 0;
    for (int d = 0; d < m->n_ds; d++) {
        for (int i = L - 1; i >= 0; i--) {
            if (out->levels[i].ds[d].kept) {
                uint64_t u = out->levels[i].ds[d].utilized_capacity;
                required += u;
                if (d == m->rw_ds) outputs = u;
                break;
            }
        }
    }
    out->memory_accesses_required = required;
    out->reduction_ops = m->macs > outputs ? m->macs - outputs : 0;
    out->total_ops = m->macs + out->reduction_ops;
    out->gflops = (double)out->total_ops / (double)out->cycles;
    out->edp = (double)out->cycles * out->energy_pj / 1e12;
    out->area_um2 = m->area_um2;
}

adse_status adse_model_evaluate(const adse_model *model, const adse_mapping *mapping,
                                adse_scratch *scratch, adse_result *out, adse_err *err)
{
    if (!model || !mapping || !scratch || !out)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "missing argument to evaluate");
    if (scratch->model != model)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "scratch belongs to another model");
    /* Clear only what this model uses. */
    memset(out, 0, offsetof(adse_result, levels));
    memset(out->levels, 0, sizeof(out->levels[0]) * (size_t)model->n_levels);
    if (model->arch.n_networks)
        memset(out->networks, 0, sizeof(out->networks[0]) * model->arch.n_networks);
    out->fail_level = -1;

    adse_status st = check_mapping(model, mapping, out, err);
    if (st != ADSE_OK) return st;
    build_nest(model, mapping, scratch);
    st = check_fit(model, mapping, scratch, out, err);
    if (st != ADSE_OK) return st;
    scratch->nb_links = 0;
    analyze(model, mapping, scratch);
    if (scratch->nb_links) {
        const adse_buffer *b = &model->arch.levels[scratch->nb_links - 1];
        return adse_err_set(err, ADSE_E_SPEC, b->pos.file, b->pos.line, b->pos.column,
                            "link transfers between the children of '%s' change the traffic of "
                            "its declared network: not modeled (disable them with "
                            "--no-link-transfers or no_link_transfer in the mapping)",
                            b->name);
    }
    uint64_t util_inst[ADSE_MAX_LEVELS][ADSE_MAX_DATASPACES];
    collapse(model, mapping, scratch, out, util_inst);
    finish(model, mapping, scratch, out, util_inst);
    return ADSE_OK;
}
