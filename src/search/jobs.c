/* Design evaluations as bytes: the seam between the search and a transport that evaluates
 * designs elsewhere (adse_search_options.dispatch; the MPI driver of `adse search`).
 *
 * A request carries what adse__evaluate_design reads from a record (the gene values and the
 * per-layer mappings that warm-start it) and the spec's hash; a reply carries everything it writes
 * (status, reason, metrics, the mapping and figures of every layer) and the evaluation's own status
 * and error. Both are exact (doubles as their 8 bytes, integers as LEB128 varints), so a design
 * evaluated from bytes ends exactly as one evaluated in place. The byte order is the host's: every
 * process runs the same adse build (docs/cluster.md). Without a dispatch, adse__run_jobs uses the
 * threads of pool.c and no bytes are made. */
#define _POSIX_C_SOURCE 200809L
#include "search/search_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

#define REQUEST_MAGIC 0x51534441u /* "ADSQ": a design, from one of its layers */
#define REPLY_MAGIC 0x52534441u   /* "ADSR" */
#define RANGE_MAGIC 0x49534441u   /* "ADSI": a range of a split layer's items */
#define PART_MAGIC 0x50534441u    /* "ADSP": its part */

/* A job of a batch: a design from one of its layers on, or a range of a split layer's
 * mapper work items (options.split_layers). */
typedef struct unit {
    int job; /* the design: index into jobs */
    bool range;
    int layer; /* segment: the first layer; range: the split layer */
    uint32_t first, count;
    int maker;          /* range: the segment whose executor made the items */
    unsigned char *req; /* made on demand */
    size_t req_len;
    bool answered;
    bool known; /* a range answered here, unrequested: an earlier range's part showed that
                   the incumbent prunes all its items (adse_mapper_part.rest_pruned) */
} unit;

/* A design whose layers travel in pieces, while they do (the calling thread's). */
typedef struct piece_state {
    bool started;                  /* its first job was handed out */
    bool split;                    /* its layers may be split (options.split_layers) */
    bool pieces;                   /* a layer was split: the design is finished here */
    int outstanding;               /* its jobs not answered yet */
    double metrics[ADSE_SM_COUNT]; /* from the first job's reply (budget metrics) */
    adse_mapping *maps;            /* per layer, from the segments and the merged parts */
    adse_network_layer_result *lres;
    uint64_t *computes;
    adse__split **splits;  /* per layer: its items when split */
    adse_mapper_part *acc; /* per layer: the parts merged so far */
    adse_status *split_st; /* per layer: the first failure of its ranges */
    adse_err *split_err;
    int fail_layer; /* the layer a segment failed at; n_layers if none */
    adse_status fail_st;
    adse_err fail_err;
    adse_design_status fail_status;
    char fail_reason[sizeof(((adse_search_design *)0)->reason)];
} piece_state;

struct adse_search_batch {
    adse_search *s;
    const int *jobs; /* record indices */
    int n;
    adse_status *status; /* per job */
    adse_err *errs;      /* per job */
    piece_state *ps;     /* per job */
    unit *units;
    int n_units, cap_units;
    int n_started; /* designs whose first job was handed out */
    int done;      /* designs */
};

/* ---- bytes --------------------------------------------------------------------------- */

typedef struct wbuf {
    unsigned char *p;
    size_t len, cap;
    bool failed; /* out of memory */
    bool rank0;  /* a request made where the jobs are handed out (adse__batch_alloc_fault) */
} wbuf;

int adse__batch_alloc_fault; /* tests (search_internal.h) */

/* Does this allocation where the jobs are handed out fail, as the test asked? */
static bool batch_alloc_fails(void)
{
    return adse__batch_alloc_fault > 0 && --adse__batch_alloc_fault == 0;
}

static void put(wbuf *b, const void *src, size_t n)
{
    if (b->failed) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *p = b->rank0 && batch_alloc_fails() ? NULL : realloc(b->p, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void put_uv(wbuf *b, uint64_t v)
{
    unsigned char tmp[10];
    int n = 0;
    do {
        tmp[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v) tmp[n] |= 0x80;
        n++;
    } while (v);
    put(b, tmp, (size_t)n);
}

static void put_iv(wbuf *b, int64_t v) /* zigzag */
{
    put_uv(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void put_f64(wbuf *b, double v)
{
    put(b, &v, sizeof v);
}

static void put_str(wbuf *b, const char *s)
{
    size_t n = strlen(s);
    put_uv(b, n);
    put(b, s, n);
}

typedef struct rbuf {
    const unsigned char *p;
    size_t len, at;
    bool bad; /* truncated or out of range */
} rbuf;

static void get(rbuf *b, void *dst, size_t n)
{
    if (b->bad || b->len - b->at < n) {
        b->bad = true;
        memset(dst, 0, n);
        return;
    }
    memcpy(dst, b->p + b->at, n);
    b->at += n;
}

static uint64_t get_uv(rbuf *b)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        unsigned char c;
        get(b, &c, 1);
        if (b->bad) return 0;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) return v;
    }
    b->bad = true;
    return 0;
}

static int64_t get_iv(rbuf *b)
{
    uint64_t u = get_uv(b);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* An unsigned value below limit. */
static uint64_t get_below(rbuf *b, uint64_t limit)
{
    uint64_t v = get_uv(b);
    if (v >= limit) b->bad = true;
    return b->bad ? 0 : v;
}

static double get_f64(rbuf *b)
{
    double v;
    get(b, &v, sizeof v);
    return v;
}

static void get_str(rbuf *b, char *dst, size_t size)
{
    size_t n = (size_t)get_below(b, size);
    get(b, dst, n);
    dst[b->bad ? 0 : n] = 0;
}

/* ---- mappings ------------------------------------------------------------------------ */

/* The entries of m that its sizes use (the rest is as adse_mapping_init leaves it). */
static void put_mapping(wbuf *b, const adse_mapping *m)
{
    put_uv(b, m->n_levels);
    put_uv(b, m->n_dims);
    put_uv(b, m->n_ds);
    for (int l = 0; l < m->n_levels; l++) {
        for (int d = 0; d < m->n_dims; d++) {
            put_uv(b, m->temporal[l][d]);
            put_uv(b, m->spatial[l][d]);
            put_uv(b, m->temporal_perm[l][d]);
            put_uv(b, m->spatial_perm[l][d]);
        }
        put_uv(b, m->split[l]);
    }
    for (int d = 0; d < m->n_ds; d++) {
        put_uv(b, m->keep[d]);
        put_uv(b, m->no_temporal_reuse[d]);
        put_uv(b, m->no_multicast[d]);
        put_uv(b, m->no_link_transfer[d]);
        put_uv(b, m->rmw_first_update[d]);
    }
}

static void get_mapping(rbuf *b, adse_mapping *m)
{
    int nl = (int)get_below(b, ADSE_MAX_LEVELS + 1);
    int nd = (int)get_below(b, ADSE_MAX_DIMS + 1);
    int nds = (int)get_below(b, ADSE_MAX_DATASPACES + 1);
    memset(m, 0, sizeof *m);
    adse_mapping_init(m, nl, nd, nds);
    for (int l = 0; l < nl; l++) {
        for (int d = 0; d < nd; d++) {
            m->temporal[l][d] = get_uv(b);
            m->spatial[l][d] = get_uv(b);
            m->temporal_perm[l][d] = (uint8_t)get_below(b, ADSE_MAX_DIMS);
            m->spatial_perm[l][d] = (uint8_t)get_below(b, ADSE_MAX_DIMS);
        }
        m->split[l] = (uint8_t)get_below(b, ADSE_MAX_DIMS + 1);
    }
    for (int d = 0; d < nds; d++) {
        m->keep[d] = (uint32_t)get_below(b, UINT64_C(1) << 32);
        m->no_temporal_reuse[d] = (uint32_t)get_below(b, UINT64_C(1) << 32);
        m->no_multicast[d] = (uint32_t)get_below(b, UINT64_C(1) << 32);
        m->no_link_transfer[d] = (uint32_t)get_below(b, UINT64_C(1) << 32);
        m->rmw_first_update[d] = (uint32_t)get_below(b, UINT64_C(1) << 32);
    }
}

/* A layer's figures for the per-layer table (search report of a network). */
static void put_layer_result(wbuf *b, const adse_network_layer_result *r)
{
    put_uv(b, r->found);
    put_uv(b, r->optimal);
    put_uv(b, r->cycles);
    put_f64(b, r->energy_pj);
    put_f64(b, r->utilization);
    put_uv(b, r->total_ops);
}

static void get_layer_result(rbuf *b, adse_network_layer_result *r)
{
    r->found = get_below(b, 2);
    r->optimal = get_below(b, 2);
    r->cycles = get_uv(b);
    r->energy_pj = get_f64(b);
    r->utilization = get_f64(b);
    r->total_ops = get_uv(b);
}

static void put_part(wbuf *b, const adse_mapper_part *p)
{
    put_uv(b, p->found);
    if (p->found) {
        for (int m = 0; m < ADSE_MAX_METRICS; m++)
            put_f64(b, p->value[m]);
        put_uv(b, p->pos);
        put_mapping(b, &p->best);
    }
    put_uv(b, p->done);
    put_f64(b, p->lower_bound);
    put_uv(b, p->evaluated);
    put_uv(b, p->valid);
    put_uv(b, p->pieces);
    put_uv(b, (uint64_t)p->threads);
    put_uv(b, p->rest_pruned);
}

static void get_part(rbuf *b, adse_mapper_part *p)
{
    adse_mapper_part_init(p);
    p->found = get_below(b, 2);
    if (p->found) {
        for (int m = 0; m < ADSE_MAX_METRICS; m++)
            p->value[m] = get_f64(b);
        p->pos = get_uv(b);
        get_mapping(b, &p->best);
    }
    p->done = get_below(b, 2);
    p->lower_bound = get_f64(b);
    p->evaluated = get_uv(b);
    p->valid = get_uv(b);
    p->pieces = (uint32_t)get_below(b, UINT64_C(1) << 32);
    p->threads = (int)get_below(b, 1u << 16);
    p->rest_pruned = get_below(b, 2);
}

/* An incumbent for adse_mapper_items_run: its metrics and position (not the mapping). */
static void put_incumbent(wbuf *b, const adse_mapper_part *p)
{
    put_uv(b, p->found);
    for (int m = 0; p->found && m < ADSE_MAX_METRICS; m++)
        put_f64(b, p->value[m]);
    if (p->found) put_uv(b, p->pos);
}

static void get_incumbent(rbuf *b, adse_mapper_part *p)
{
    adse_mapper_part_init(p);
    p->found = get_below(b, 2);
    for (int m = 0; p->found && m < ADSE_MAX_METRICS; m++)
        p->value[m] = get_f64(b);
    if (p->found) p->pos = get_uv(b);
}

static void put_err(wbuf *b, adse_status st, const adse_err *e)
{
    put_iv(b, st);
    if (st != ADSE_OK) {
        put_str(b, e->file);
        put_iv(b, e->line);
        put_iv(b, e->column);
        put_str(b, e->msg);
    }
}

static adse_status get_err(rbuf *b, adse_err *e)
{
    adse_status st = (adse_status)get_iv(b);
    adse_err_clear(e);
    if (st != ADSE_OK) {
        get_str(b, e->file, sizeof e->file);
        e->line = (int)get_iv(b);
        e->column = (int)get_iv(b);
        get_str(b, e->msg, sizeof e->msg);
        e->code = st;
    }
    return st;
}

static adse_status nomem(adse_err *err)
{
    return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

/* ---- the items of split layers (adse__split) ----------------------------------------- */

#define SPLIT_IDLE_MAX 16 /* unused entries kept (the ranges of a layer arrive over time) */

struct adse__split_cache {
    pthread_mutex_t mu;
    adse__split **e;
    int n, cap;
    uint64_t clock;
};

adse__split_cache *adse__split_cache_new(void)
{
    adse__split_cache *c = calloc(1, sizeof *c);
    if (c && pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        return NULL;
    }
    return c;
}

static void split_free(adse__split *sp)
{
    if (!sp) return;
    adse_mapper_items_free(sp->items);
    adse_model_free(sp->model);
    adse_spec_free(sp->derived);
    free(sp);
}

void adse__split_cache_free(adse__split_cache *c)
{
    if (!c) return;
    for (int i = 0; i < c->n; i++)
        split_free(c->e[i]);
    free(c->e);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* Drops the least recently used unused entries beyond SPLIT_IDLE_MAX (c->mu held). */
static void split_evict(adse__split_cache *c)
{
    for (;;) {
        int idle = 0, lru = -1;
        for (int i = 0; i < c->n; i++) {
            if (c->e[i]->refs) continue;
            idle++;
            if (lru < 0 || c->e[i]->used < c->e[lru]->used) lru = i;
        }
        if (idle <= SPLIT_IDLE_MAX) return;
        split_free(c->e[lru]);
        c->e[lru] = c->e[--c->n];
    }
}

static adse__split *split_find(adse__split_cache *c, const adse_search *s, const double *genes,
                               int layer)
{
    for (int i = 0; i < c->n; i++) {
        adse__split *sp = c->e[i];
        bool same = sp->layer == layer;
        for (int g = 0; same && g < s->spec.n_genes; g++)
            same = sp->genes[g] == genes[g];
        if (same) {
            sp->refs++;
            sp->used = ++c->clock;
            return sp;
        }
    }
    return NULL;
}

/* Layer `layer` of the design of gene values genes: its architecture, model and items,
 * made here (n_items 0) or, for merging only, from the count n_items of the items made
 * elsewhere (adse_mapper_items_merger). */
static adse_status split_make(const adse_search *s, const double *genes, int layer,
                              uint32_t n_items, adse__split **out, adse_err *err)
{
    *out = NULL;
    adse__split *sp = calloc(1, sizeof *sp);
    if (!sp) return nomem(err);
    memcpy(sp->genes, genes, sizeof sp->genes);
    sp->layer = layer;
    const adse_spec *ls = NULL;
    adse_status st = adse__design_arch(&s->designer, genes, &sp->arch, err);
    if (!st) st = adse__layer_inputs(s, genes, layer, &ls, &sp->derived, err);
    const adse_constraints *cons = ls && ls->has_constraints ? &ls->constraints : NULL;
    if (!st) st = adse_model_create(&sp->arch, &ls->problem, NULL, &sp->model, err);
    if (!st)
        st = n_items
                 ? adse_mapper_items_merger(sp->model, cons, &s->settings[layer], n_items,
                                            &sp->items, err)
                 : adse_mapper_items_create(sp->model, cons, &s->settings[layer], &sp->items, err);
    if (st) {
        split_free(sp);
        return st;
    }
    *out = sp;
    return ADSE_OK;
}

/* The items of layer `layer` of the design of gene values genes, made on first use (by
 * any thread: made outside the lock, the first one kept); release with split_put. */
static adse_status split_get(const adse_search *s, const double *genes, int layer,
                             adse__split **out, adse_err *err)
{
    adse__split_cache *c = s->splits;
    pthread_mutex_lock(&c->mu);
    *out = split_find(c, s, genes, layer);
    pthread_mutex_unlock(&c->mu);
    if (*out) return ADSE_OK;
    adse__split *sp;
    adse_status st = split_make(s, genes, layer, 0, &sp, err);
    if (st) return st;
    pthread_mutex_lock(&c->mu);
    adse__split *had = split_find(c, s, genes, layer);
    if (!had && !adse__grow(&c->e, &c->cap, c->n + 1, sizeof *c->e)) {
        pthread_mutex_unlock(&c->mu);
        split_free(sp);
        return nomem(err);
    }
    if (had) {
        split_free(sp);
        sp = had;
    } else {
        sp->refs = 1;
        sp->used = ++c->clock;
        c->e[c->n++] = sp;
        split_evict(c);
    }
    pthread_mutex_unlock(&c->mu);
    *out = sp;
    return ADSE_OK;
}

static void split_put(const adse_search *s, adse__split *sp)
{
    if (!sp) return;
    adse__split_cache *c = s->splits;
    pthread_mutex_lock(&c->mu);
    sp->refs--;
    split_evict(c);
    pthread_mutex_unlock(&c->mu);
}

/* ---- requests and replies ------------------------------------------------------------ */

static void put_design_key(wbuf *b, const adse_search *s, uint32_t magic, const double *genes)
{
    put(b, &magic, sizeof magic);
    put_uv(b, s->spec.text_hash);
    put_uv(b, (uint64_t)s->spec.n_genes);
    for (int g = 0; g < s->spec.n_genes; g++)
        put_f64(b, genes[g]);
}

/* The request of record rec from layer `from` on: its genes, whether to leave a layer
 * to be split, and the per-layer mappings that warm-start it (adse__seed_sets: the same
 * seeds as in this process, so the evaluation prunes as much). */
static adse_status make_request(const adse_search *s, int rec, int from, bool split, wbuf *b,
                                adse_err *err)
{
    put_design_key(b, s, REQUEST_MAGIC, s->records[rec].d.genes);
    put_uv(b, (uint64_t)from);
    put_uv(b, split);
    const adse_mapping *sets[ADSE__MAX_SEED_RECS];
    int n_sets = adse__seed_sets(s, rec, sets);
    put_uv(b, (uint64_t)n_sets);
    for (int k = 0; k < n_sets; k++)
        for (int l = 0; l < s->n_layers; l++)
            put_mapping(b, &sets[k][l]);
    return b->failed ? nomem(err) : ADSE_OK;
}

/* The reply to a design request: the evaluation's status and error, the design's status,
 * reason and metrics, the layers it covered (from .. end - 1: mapped unless it failed at
 * end; end < n_layers and no failure: layer end is left to be split, and n_items is the
 * count of its items, made here) and whether it is the whole design (from layer 0 to the
 * last or a failure, the metrics complete), then, unless it failed, the covered layers'
 * mappings and figures. */
static void make_reply(const adse_search *s, adse_status st, const adse_err *e,
                       const adse_search_design *d, int from, int end, bool whole, uint32_t n_items,
                       const adse_mapping *maps, const adse_network_layer_result *lres,
                       const uint64_t *computes, wbuf *b)
{
    uint32_t magic = REPLY_MAGIC;
    put(b, &magic, sizeof magic);
    put_err(b, st, e);
    put_uv(b, (uint64_t)d->status);
    put_str(b, d->reason);
    for (int k = 0; k < ADSE_SM_COUNT; k++)
        put_f64(b, d->metrics[k]);
    put_uv(b, (uint64_t)from);
    put_uv(b, (uint64_t)end);
    put_uv(b, whole);
    bool with_maps = st == ADSE_OK && d->status == ADSE_DESIGN_OK;
    put_uv(b, with_maps);
    put_uv(b, n_items);
    for (int l = from; with_maps && l < end; l++) {
        put_mapping(b, &maps[l]);
        put_layer_result(b, &lres[l]);
        put_uv(b, computes[l]);
    }
}

/* Reads the design key; false (err set) when malformed or of another spec. */
static bool get_design_key(const adse_search *s, rbuf *r, uint32_t *magic, double *genes,
                           adse_err *err)
{
    get(r, magic, sizeof *magic);
    uint64_t hash = get_uv(r);
    int n_genes = (int)get_below(r, ADSE_SEARCH_MAX_GENES + 1);
    for (int g = 0; g < n_genes; g++)
        genes[g] = get_f64(r);
    if (!r->bad && (hash != s->spec.text_hash || n_genes != s->spec.n_genes)) {
        adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                     "design request of another search spec (every process must read the "
                     "same spec files)");
        return false;
    }
    return true;
}

static adse_status malformed(adse_err *err, size_t len)
{
    return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "malformed design request (%zu bytes)", len);
}

adse_status (*adse__range_fault)(const double *, int, uint32_t, adse_err *); /* tests */

/* Serves a range request: the part of items first .. first + count - 1 of the layer. */
static adse_status serve_range(const adse_search *s, rbuf *r, const double *genes,
                               int mapper_threads, wbuf *b, adse_err *err)
{
    int layer = (int)get_below(r, (uint64_t)s->n_layers);
    uint32_t first = (uint32_t)get_below(r, UINT64_C(1) << 32);
    uint32_t count = (uint32_t)get_below(r, UINT64_C(1) << 32);
    adse_mapper_part inc;
    get_incumbent(r, &inc);
    if (r->bad || r->at != r->len) return malformed(err, r->len);
    adse_mapper_part *part = malloc(sizeof *part);
    if (!part) return nomem(err);
    adse_mapper_part_init(part);
    adse_err e;
    adse_err_clear(&e);
    adse_status st = ADSE_OK;
    if (count > 0) { /* 0: the design failed before this layer, nothing to search */
        adse__split *sp = NULL;
        if (adse__range_fault) st = adse__range_fault(genes, layer, first, &e);
        if (!st) st = split_get(s, genes, layer, &sp, &e);
        if (!st)
            st = adse_mapper_items_run(sp->items, first, count,
                                       mapper_threads > 0 ? mapper_threads : 1, &inc, part, &e);
        split_put(s, sp);
    }
    uint32_t magic = PART_MAGIC;
    put(b, &magic, sizeof magic);
    put_err(b, st, &e);
    if (!st) put_part(b, part);
    free(part);
    return ADSE_OK;
}

adse_status adse_search_serve(const adse_search *s, const void *request, size_t len,
                              int mapper_threads, void **reply, size_t *reply_len, adse_err *err)
{
    adse_err_clear(err);
    if (!s || !request || !reply || !reply_len)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_serve: NULL");
    *reply = NULL;
    *reply_len = 0;
    rbuf r = {request, len, 0, false};
    uint32_t magic;
    adse_search_design d;
    memset(&d, 0, sizeof d);
    d.generation = -1;
    d.loss = INFINITY;
    if (!get_design_key(s, &r, &magic, d.genes, err)) return err->code;
    wbuf b = {0};
    if (magic == RANGE_MAGIC) {
        adse_status st = serve_range(s, &r, d.genes, mapper_threads, &b, err);
        if (!st && b.failed) st = nomem(err);
        if (st) {
            free(b.p);
            return st;
        }
        *reply = b.p;
        *reply_len = b.len;
        return ADSE_OK;
    }
    int from = (int)get_below(&r, (uint64_t)s->n_layers);
    bool split = get_below(&r, 2);
    int n_sets = (int)get_below(&r, ADSE__MAX_SEED_RECS + 1);
    size_t n_seeds = (size_t)n_sets * (size_t)s->n_layers;
    adse_mapping *seeds = n_seeds && !r.bad ? calloc(n_seeds, sizeof *seeds) : NULL;
    if (n_seeds && !r.bad && !seeds) return nomem(err);
    for (size_t k = 0; k < n_seeds && !r.bad; k++)
        get_mapping(&r, &seeds[k]);
    if (r.bad || r.at != len || magic != REQUEST_MAGIC) {
        free(seeds);
        return malformed(err, len);
    }
    const adse_mapping *sets[ADSE__MAX_SEED_RECS];
    for (int k = 0; k < n_sets; k++)
        sets[k] = seeds + (size_t)k * (size_t)s->n_layers;
    adse_mapping *maps = calloc((size_t)s->n_layers, sizeof *maps);
    adse_network_layer_result *lres = calloc((size_t)s->n_layers, sizeof *lres);
    uint64_t *computes = calloc((size_t)s->n_layers, sizeof *computes);
    adse_arch *arch = malloc(sizeof *arch);
    if (!maps || !lres || !computes || !arch) {
        free(maps);
        free(lres);
        free(computes);
        free(arch);
        free(seeds);
        return nomem(err);
    }
    adse_err e;
    adse_err_clear(&e);
    adse_status st = ADSE_OK;
    int end = from;
    if (adse__design_begin(s, &d, arch))
        st = adse__map_layers(s, arch, &d, from, split, maps, lres, computes, sets, n_sets,
                              mapper_threads > 0 ? mapper_threads : 1, &end, &e);
    bool failed = st != ADSE_OK || d.status != ADSE_DESIGN_OK;
    uint32_t n_items = 0;
    if (!failed && end < s->n_layers) {
        /* stopped at a layer to split: its items, here, where the layer would have been
           mapped (and kept for the ranges this process serves), and their count for the
           process that hands the ranges out; a failure is the layer's, as the mapper's */
        adse__split *sp = NULL;
        adse_err_clear(&e);
        st = split_get(s, d.genes, end, &sp, &e);
        if (!st) n_items = adse_mapper_items_count(sp->items);
        split_put(s, sp);
        if (st) adse__layer_failed(s, &d, end, st, &e);
        failed = st != ADSE_OK;
    }
    bool whole = from == 0 && (failed || end == s->n_layers);
    if (whole && !failed) adse__design_totals(s, &d, lres, computes);
    make_reply(s, st, &e, &d, from, end, whole, n_items, maps, lres, computes, &b);
    free(maps);
    free(lres);
    free(computes);
    free(arch);
    free(seeds);
    if (b.failed) {
        free(b.p);
        return nomem(err);
    }
    *reply = b.p;
    *reply_len = b.len;
    return ADSE_OK;
}

/* ---- batches ------------------------------------------------------------------------- */

int adse_search_batch_size(const adse_search_batch *b)
{
    return b ? b->n_units : 0;
}

int adse_search_batch_threads(const adse_search_batch *b)
{
    if (!b || b->n == 0) return 1;
    int t = b->s->threads, workers = t < b->n ? t : b->n;
    return t / workers > 1 ? t / workers : 1;
}

bool adse_search_batch_answered(const adse_search_batch *b, int i)
{
    return b && i >= 0 && i < b->n_units && b->units[i].known;
}

int adse_search_batch_affinity(const adse_search_batch *b, int i)
{
    return b && i >= 0 && i < b->n_units && b->units[i].range ? b->units[i].maker : -1;
}

static bool add_unit(adse_search_batch *b, unit u)
{
    if (!adse__grow(&b->units, &b->cap_units, b->n_units + 1, sizeof *b->units)) return false;
    b->units[b->n_units++] = u;
    b->ps[u.job].outstanding++;
    return true;
}

/* The request of a range: the design, the layer, the items and the best part merged so
 * far (a pruning aid); no items when the design already failed before the layer. */
static adse_status make_range_request(const adse_search_batch *b, const unit *u, wbuf *w,
                                      adse_err *err)
{
    const piece_state *p = &b->ps[u->job];
    put_design_key(w, b->s, RANGE_MAGIC, b->s->records[b->jobs[u->job]].d.genes);
    put_uv(w, (uint64_t)u->layer);
    put_uv(w, u->first);
    /* nothing to search when the design failed before the layer or the range is answered
       here already (then the design may be finished, its parts freed) */
    bool nothing = p->fail_layer < u->layer || u->known;
    put_uv(w, nothing ? 0 : u->count);
    adse_mapper_part none;
    adse_mapper_part_init(&none);
    put_incumbent(w, nothing ? &none : &p->acc[u->layer]);
    return w->failed ? nomem(err) : ADSE_OK;
}

/* Out of memory here (where the jobs are handed out), on job i: the error names its design
 * and layer as one process's out-of-memory error does (adse__out_of_memory). */
static adse_status unit_nomem(const adse_search_batch *b, int i, const char *doing, adse_err *err)
{
    const unit *u = &b->units[i];
    adse_search_design d = b->s->records[b->jobs[u->job]].d;
    snprintf(d.reason, sizeof d.reason, "layer '%s': out of memory %s",
             adse_search_layer_name(b->s, u->layer), doing);
    return adse__out_of_memory(b->s, &d, err);
}

adse_status adse_search_batch_request(adse_search_batch *b, int i, const void **bytes, size_t *len,
                                      adse_err *err)
{
    adse_err_clear(err);
    if (!b || i < 0 || i >= b->n_units || !bytes || !len)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_batch_request: bad job");
    unit *u = &b->units[i];
    piece_state *p = &b->ps[u->job];
    if (!u->req && !p->started) {
        /* split this design's layers when the executors would otherwise go idle: at most
           split_layers designs of the batch are left to start, this one included */
        int left = b->n - b->n_started++;
        p->started = true;
        p->split = b->s->opts.split_layers > 0 && left <= b->s->opts.split_layers;
    }
    if (!u->req) {
        wbuf w = {.rank0 = true};
        adse_status st = u->range
                             ? make_range_request(b, u, &w, err)
                             : make_request(b->s, b->jobs[u->job], u->layer, p->split, &w, err);
        if (st) {
            free(w.p);
            return st == ADSE_E_NOMEM ? unit_nomem(b, i, "making its job's request", err) : st;
        }
        u->req = w.p;
        u->req_len = w.len;
    }
    *bytes = u->req;
    *len = u->req_len;
    return ADSE_OK;
}

static void design_done(adse_search_batch *b)
{
    b->done++;
    adse__report_progress(b->s, b->done, b->n);
}

static void pieces_free(const adse_search *s, piece_state *p)
{
    for (int l = 0; p->splits && l < s->n_layers; l++)
        split_free(p->splits[l]);
    void *arrays[] = {p->maps, p->lres, p->computes, p->splits, p->acc, p->split_st, p->split_err};
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
        free(arrays[k]);
    int fail_layer = p->fail_layer, outstanding = p->outstanding;
    bool started = p->started, split = p->split;
    memset(p, 0, sizeof *p);
    p->fail_layer = fail_layer;
    p->outstanding = outstanding;
    p->started = started;
    p->split = split;
}

static bool pieces_alloc(const adse_search *s, piece_state *p)
{
    size_t n = (size_t)s->n_layers;
    p->pieces = true;
    p->maps = calloc(n, sizeof *p->maps);
    p->lres = calloc(n, sizeof *p->lres);
    p->computes = calloc(n, sizeof *p->computes);
    p->splits = calloc(n, sizeof *p->splits);
    p->acc = calloc(n, sizeof *p->acc);
    p->split_st = calloc(n, sizeof *p->split_st);
    p->split_err = calloc(n, sizeof *p->split_err);
    return p->maps && p->lres && p->computes && p->splits && p->acc && p->split_st && p->split_err;
}

/* A segment failed at layer l (the first failure in layer order is the design's). */
static void piece_failed(piece_state *p, int l, adse_status st, const adse_err *e,
                         const adse_search_design *d)
{
    if (l >= p->fail_layer) return;
    p->fail_layer = l;
    p->fail_st = st;
    p->fail_err = *e;
    p->fail_status = d->status;
    memcpy(p->fail_reason, d->reason, sizeof p->fail_reason);
}

/* Layer l of job j is split into n_items items (made where the segment before it was
 * served): a merger of its parts (the merge and the result need the mapspace, not the
 * items), its ranges as jobs. */
static adse_status split_layer(adse_search_batch *b, int j, int l, uint32_t n_items, int maker,
                               adse_err *err)
{
    const adse_search *s = b->s;
    piece_state *p = &b->ps[j];
    adse__split *sp = NULL;
    adse_err e;
    adse_err_clear(&e);
    adse_status st = split_make(s, s->records[b->jobs[j]].d.genes, l, n_items, &sp, &e);
    if (st == ADSE_E_NOMEM) return nomem(err);
    if (st) { /* as the mapper would have failed on the layer */
        adse_search_design d = s->records[b->jobs[j]].d;
        adse__layer_failed(s, &d, l, st, &e);
        piece_failed(p, l, st, &e, &d);
        return ADSE_OK;
    }
    p->splits[l] = sp;
    /* the warm start the layer would get in place (adse__map_layers): the neighbours'
       mappings of it and the design's own of an identical earlier layer, as the first
       incumbent (only pruning: the same result) */
    const adse_mapping *sets[ADSE__MAX_SEED_RECS];
    int n_sets = adse__seed_sets(s, b->jobs[j], sets), n_seeds = 0;
    adse_mapping *seeds = malloc((size_t)(n_sets + l + 1) * sizeof *seeds);
    if (!seeds) return nomem(err);
    for (int k = 0; k < n_sets; k++)
        seeds[n_seeds++] = sets[k][l];
    for (int k = 0; k < l; k++)
        if (!p->splits[k] && adse_problem_equal(&s->layers[k]->problem, &s->layers[l]->problem))
            seeds[n_seeds++] = p->maps[k];
    const adse_spec *ls = sp->derived ? sp->derived : s->layers[l];
    adse_err_clear(&e);
    st = adse_mapper_seed_part(sp->model, ls->has_constraints ? &ls->constraints : NULL,
                               &s->settings[l], seeds, n_seeds, &p->acc[l], &e);
    free(seeds);
    if (st == ADSE_E_NOMEM) return nomem(err);
    if (st) adse_mapper_part_init(&p->acc[l]); /* no warm start */
    uint32_t n = adse_mapper_items_count(sp->items);
    for (uint32_t k = 0, first = 0; first < n; k++) {
        uint32_t c = adse_mapper_items_range(k, first, n);
        if (!add_unit(b, (unit){.job = j,
                                .range = true,
                                .layer = l,
                                .first = first,
                                .count = c,
                                .maker = maker}))
            return nomem(err);
        first += c;
    }
    return ADSE_OK;
}

/* The design of job j from its pieces, in layer order as adse__evaluate_design makes it. */
static adse_status finish_pieces(adse_search_batch *b, int j, adse_err *err)
{
    adse_search *s = b->s;
    piece_state *p = &b->ps[j];
    adse__record *rec = &s->records[b->jobs[j]];
    adse_search_design d = rec->d;
    memcpy(d.metrics, p->metrics, sizeof d.metrics);
    adse_mapper_result *res = malloc(sizeof *res);
    if (!res) return nomem(err);
    adse_status st = ADSE_OK;
    adse_err e;
    adse_err_clear(&e);
    bool failed = false;
    for (int l = 0; l < s->n_layers && !failed; l++) {
        if (l == p->fail_layer) {
            d.status = p->fail_status;
            memcpy(d.reason, p->fail_reason, sizeof d.reason);
            st = p->fail_st;
            e = p->fail_err;
            failed = true;
        } else if (p->splits[l]) {
            st = p->split_st[l];
            e = p->split_err[l];
            if (!st) st = adse_mapper_items_result(p->splits[l]->items, &p->acc[l], res, &e);
            if (st || !res->found) {
                adse__layer_failed(s, &d, l, st, &e);
                failed = true;
            } else {
                p->maps[l] = res->best;
                p->lres[l] = adse_mapper_layer_result(res);
                p->computes[l] = res->result.computes;
            }
        }
    }
    free(res);
    if (!failed) {
        adse__design_totals(s, &d, p->lres, p->computes);
        adse__record_keep(rec, &p->maps, &p->lres);
    }
    rec->d = d;
    b->status[j] = st;
    b->errs[j] = e;
    pieces_free(s, p);
    design_done(b);
    return ADSE_OK;
}

static adse_status bad_reply(adse_err *err, int i, size_t len)
{
    return adse_err_set(err, ADSE_E_INTERNAL, NULL, 0, 0,
                        "malformed reply to design job %d (%zu bytes)", i, len);
}

static adse_status accept_segment(adse_search_batch *b, int i, const void *reply, size_t len,
                                  adse_err *err)
{
    adse_search *s = b->s;
    int j = b->units[i].job, from_req = b->units[i].layer;
    piece_state *p = &b->ps[j];
    adse__record *rec = &s->records[b->jobs[j]];
    rbuf r = {reply, len, 0, false};
    uint32_t magic;
    get(&r, &magic, sizeof magic);
    adse_err e;
    adse_status st = get_err(&r, &e);
    adse_search_design d = rec->d;
    d.status = (adse_design_status)get_below(&r, ADSE_DESIGN_NO_MAPPING + 1);
    get_str(&r, d.reason, sizeof d.reason);
    for (int k = 0; k < ADSE_SM_COUNT; k++)
        d.metrics[k] = get_f64(&r);
    int from = (int)get_below(&r, (uint64_t)s->n_layers);
    int end = (int)get_below(&r, (uint64_t)s->n_layers + 1);
    bool whole = get_below(&r, 2);
    bool with_maps = get_below(&r, 2);
    uint32_t n_items = (uint32_t)get_below(&r, UINT64_C(1) << 32);
    bool ok = st == ADSE_OK && d.status == ADSE_DESIGN_OK;
    if (r.bad || magic != REPLY_MAGIC || from != from_req || end < from || (whole && from != 0) ||
        (ok && !whole && end < s->n_layers && n_items == 0))
        return bad_reply(err, i, len);
    size_t n = (size_t)s->n_layers;
    adse_mapping *maps = calloc(n, sizeof *maps);
    adse_network_layer_result *lres = calloc(n, sizeof *lres);
    uint64_t *computes = calloc(n, sizeof *computes);
    if (!maps || !lres || !computes || batch_alloc_fails()) {
        free(maps);
        free(lres);
        free(computes);
        return nomem(err);
    }
    for (int l = from; with_maps && l < end; l++) {
        get_mapping(&r, &maps[l]);
        get_layer_result(&r, &lres[l]);
        computes[l] = get_uv(&r);
    }
    adse_status ret = ADSE_OK;
    if (r.bad || r.at != len) {
        ret = bad_reply(err, i, len);
    } else if (whole) { /* the design in one job: as evaluated in place */
        rec->d = d;
        if (with_maps) adse__record_keep(rec, &maps, &lres);
        b->status[j] = st;
        b->errs[j] = e;
        design_done(b);
    } else if (!p->pieces && !pieces_alloc(s, p)) {
        ret = nomem(err);
    } else {
        if (from == 0) memcpy(p->metrics, d.metrics, sizeof p->metrics);
        if (!ok) {
            piece_failed(p, end, st, &e, &d);
        } else {
            for (int l = from; l < end; l++) {
                p->maps[l] = maps[l];
                p->lres[l] = lres[l];
                p->computes[l] = computes[l];
            }
            /* the rest of the design first: when it stops at its next open layer in turn,
               that layer's ranges join the queue while this one's are still running */
            if (end + 1 < s->n_layers && !add_unit(b, (unit){.job = j, .layer = end + 1}))
                ret = nomem(err);
            if (!ret && end < s->n_layers) ret = split_layer(b, j, end, n_items, i, err);
        }
    }
    free(maps);
    free(lres);
    free(computes);
    return ret;
}

static adse_status accept_range(adse_search_batch *b, int i, const void *reply, size_t len,
                                adse_err *err)
{
    if (b->units[i].known) return ADSE_OK; /* answered here: the reply changes nothing */
    int j = b->units[i].job, l = b->units[i].layer;
    piece_state *p = &b->ps[j];
    rbuf r = {reply, len, 0, false};
    uint32_t magic;
    get(&r, &magic, sizeof magic);
    adse_err e;
    adse_status st = get_err(&r, &e);
    adse_mapper_part *part = batch_alloc_fails() ? NULL : malloc(sizeof *part);
    if (!part) return nomem(err);
    if (!st) get_part(&r, part);
    adse_status ret = ADSE_OK;
    if (r.bad || r.at != len || magic != PART_MAGIC) {
        ret = bad_reply(err, i, len);
    } else if (st) {
        if (!p->split_st[l]) {
            p->split_st[l] = st;
            p->split_err[l] = e;
        }
    } else {
        adse_mapper_part_merge(p->splits[l]->items, &p->acc[l], part);
        if (part->rest_pruned) {
            /* the layer's ranges after this one that are not handed out yet would search
               nothing: they are answered here (the incumbent they would get is at least as
               good as this range's), and a transport need not send them */
            uint32_t end = b->units[i].first + b->units[i].count;
            for (int k = 0; k < b->n_units; k++) {
                unit *v = &b->units[k];
                if (v->range && v->job == j && v->layer == l && v->first >= end && !v->req &&
                    !v->known) {
                    v->known = true;
                    p->outstanding--;
                }
            }
        }
    }
    free(part);
    return ret;
}

adse_status adse_search_batch_accept(adse_search_batch *b, int i, const void *reply, size_t len,
                                     adse_err *err)
{
    adse_err_clear(err);
    if (!b || i < 0 || i >= b->n_units || !reply)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_batch_accept: bad job");
    if (b->units[i].answered)
        return adse_err_set(err, ADSE_E_INTERNAL, NULL, 0, 0, "a second reply to job %d", i);
    int j = b->units[i].job;
    adse_status st = b->units[i].range ? accept_range(b, i, reply, len, err)
                                       : accept_segment(b, i, reply, len, err);
    if (!st && b->units[i].known) { /* answered here already: the reply changes nothing */
        b->units[i].answered = true;
    } else if (!st) {
        b->units[i].answered = true;
        piece_state *p = &b->ps[j];
        if (--p->outstanding == 0 && p->pieces) st = finish_pieces(b, j, err);
    }
    return st == ADSE_E_NOMEM ? unit_nomem(b, i, "taking in its job's reply", err) : st;
}

adse_status adse__run_jobs(adse_search *s, const int *jobs, int n, adse_status *status,
                           adse_err *errs, adse_err *err)
{
    if (!s->opts.dispatch || n == 0) return adse__run_jobs_threads(s, jobs, n, status, errs, err);
    adse_search_batch b = {.s = s, .jobs = jobs, .n = n, .status = status, .errs = errs};
    b.ps = calloc((size_t)n, sizeof *b.ps);
    adse_status st = ADSE_OK;
    if (!b.ps) {
        st = nomem(err);
        goto out;
    }
    for (int j = 0; j < n; j++) {
        b.ps[j].fail_layer = s->n_layers;
        if (!add_unit(&b, (unit){.job = j})) {
            st = nomem(err);
            goto out;
        }
    }
    adse_err_clear(err);
    st = s->opts.dispatch(s->opts.dispatch_user, s, &b, err);
    if (!st && b.done != n)
        st = adse_err_set(err, ADSE_E_INTERNAL, NULL, 0, 0,
                          "the dispatch returned with %d of %d designs evaluated", b.done, n);
out:
    for (int i = 0; i < b.n_units; i++)
        free(b.units[i].req);
    free(b.units);
    for (int j = 0; b.ps && j < n; j++)
        pieces_free(s, &b.ps[j]);
    free(b.ps);
    return st;
}
