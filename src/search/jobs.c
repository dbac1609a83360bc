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
#include <stdlib.h>
#include <string.h>

#define REQUEST_MAGIC 0x51534441u /* "ADSQ" */
#define REPLY_MAGIC 0x52534441u   /* "ADSR" */

struct adse_search_batch {
    adse_search *s;
    const int *jobs; /* record indices */
    int n;
    adse_status *status; /* per job */
    adse_err *errs;      /* per job */
    unsigned char **req; /* per job, made on demand */
    size_t *req_len;
    bool *answered;
    int done;
};

/* ---- bytes --------------------------------------------------------------------------- */

typedef struct wbuf {
    unsigned char *p;
    size_t len, cap;
    bool failed; /* out of memory */
} wbuf;

static void put(wbuf *b, const void *src, size_t n)
{
    if (b->failed) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
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

/* ---- requests and replies ------------------------------------------------------------ */

static adse_status nomem(adse_err *err)
{
    return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

/* The request of record rec: its genes and the per-layer mappings that warm-start it
 * (adse__seed_sets: the same seeds as in this process, so the evaluation prunes as much). */
static adse_status make_request(const adse_search *s, int rec, wbuf *b, adse_err *err)
{
    const adse_search_design *d = &s->records[rec].d;
    uint32_t magic = REQUEST_MAGIC;
    put(b, &magic, sizeof magic);
    put_uv(b, s->spec.text_hash);
    put_uv(b, (uint64_t)s->spec.n_genes);
    for (int g = 0; g < s->spec.n_genes; g++)
        put_f64(b, d->genes[g]);
    const adse_mapping *sets[ADSE__MAX_SEED_RECS];
    int n_sets = adse__seed_sets(s, rec, sets);
    put_uv(b, (uint64_t)n_sets);
    for (int k = 0; k < n_sets; k++)
        for (int l = 0; l < s->n_layers; l++)
            put_mapping(b, &sets[k][l]);
    return b->failed ? nomem(err) : ADSE_OK;
}

/* The reply of an evaluation: its status and error, then what it wrote into the design. */
static void make_reply(const adse_search *s, adse_status st, const adse_err *e,
                       const adse_search_design *d, const adse_mapping *maps,
                       const adse_network_layer_result *lres, wbuf *b)
{
    uint32_t magic = REPLY_MAGIC;
    put(b, &magic, sizeof magic);
    put_iv(b, st);
    if (st != ADSE_OK) {
        put_str(b, e->file);
        put_iv(b, e->line);
        put_iv(b, e->column);
        put_str(b, e->msg);
    }
    put_uv(b, (uint64_t)d->status);
    put_str(b, d->reason);
    for (int k = 0; k < ADSE_SM_COUNT; k++)
        put_f64(b, d->metrics[k]);
    bool with_maps = st == ADSE_OK && d->status == ADSE_DESIGN_OK;
    put_uv(b, with_maps);
    for (int l = 0; with_maps && l < s->n_layers; l++) {
        put_mapping(b, &maps[l]);
        put_layer_result(b, &lres[l]);
    }
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
    get(&r, &magic, sizeof magic);
    uint64_t hash = get_uv(&r);
    int n_genes = (int)get_below(&r, ADSE_SEARCH_MAX_GENES + 1);
    adse_search_design d;
    memset(&d, 0, sizeof d);
    d.generation = -1;
    d.loss = INFINITY;
    for (int g = 0; g < n_genes; g++)
        d.genes[g] = get_f64(&r);
    int n_sets = (int)get_below(&r, ADSE__MAX_SEED_RECS + 1);
    size_t n_seeds = (size_t)n_sets * (size_t)s->n_layers;
    adse_mapping *seeds = n_seeds && !r.bad ? calloc(n_seeds, sizeof *seeds) : NULL;
    if (n_seeds && !r.bad && !seeds) return nomem(err);
    for (size_t k = 0; k < n_seeds && !r.bad; k++)
        get_mapping(&r, &seeds[k]);
    if (r.bad || r.at != len || magic != REQUEST_MAGIC) {
        free(seeds);
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "malformed design request (%zu bytes)",
                            len);
    }
    if (hash != s->spec.text_hash || n_genes != s->spec.n_genes) {
        free(seeds);
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "design request of another search spec (every process must read "
                            "the same spec files)");
    }
    const adse_mapping *sets[ADSE__MAX_SEED_RECS];
    for (int k = 0; k < n_sets; k++)
        sets[k] = seeds + (size_t)k * (size_t)s->n_layers;
    adse_mapping *maps = calloc((size_t)s->n_layers, sizeof *maps);
    adse_network_layer_result *lres = calloc((size_t)s->n_layers, sizeof *lres);
    if (!maps || !lres) {
        free(maps);
        free(lres);
        free(seeds);
        return nomem(err);
    }
    adse_err e;
    adse_err_clear(&e);
    adse_status st = adse__evaluate_design(s, &d, maps, lres, sets, n_sets,
                                           mapper_threads > 0 ? mapper_threads : 1, &e);
    wbuf b = {0};
    make_reply(s, st, &e, &d, maps, lres, &b);
    free(maps);
    free(lres);
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
    return b ? b->n : 0;
}

int adse_search_batch_threads(const adse_search_batch *b)
{
    if (!b || b->n == 0) return 1;
    int t = b->s->threads, workers = t < b->n ? t : b->n;
    return t / workers > 1 ? t / workers : 1;
}

adse_status adse_search_batch_request(adse_search_batch *b, int i, const void **bytes, size_t *len,
                                      adse_err *err)
{
    adse_err_clear(err);
    if (!b || i < 0 || i >= b->n || !bytes || !len)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_batch_request: bad job");
    if (!b->req[i]) {
        wbuf w = {0};
        adse_status st = make_request(b->s, b->jobs[i], &w, err);
        if (st) {
            free(w.p);
            return st;
        }
        b->req[i] = w.p;
        b->req_len[i] = w.len;
    }
    *bytes = b->req[i];
    *len = b->req_len[i];
    return ADSE_OK;
}

adse_status adse_search_batch_accept(adse_search_batch *b, int i, const void *reply, size_t len,
                                     adse_err *err)
{
    adse_err_clear(err);
    if (!b || i < 0 || i >= b->n || !reply)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_batch_accept: bad job");
    if (b->answered[i])
        return adse_err_set(err, ADSE_E_INTERNAL, NULL, 0, 0, "a second reply to job %d", i);
    adse_search *s = b->s;
    adse__record *rec = &s->records[b->jobs[i]];
    rbuf r = {reply, len, 0, false};
    uint32_t magic;
    get(&r, &magic, sizeof magic);
    adse_status st = (adse_status)get_iv(&r);
    adse_err e;
    adse_err_clear(&e);
    if (st != ADSE_OK) {
        get_str(&r, e.file, sizeof e.file);
        e.line = (int)get_iv(&r);
        e.column = (int)get_iv(&r);
        get_str(&r, e.msg, sizeof e.msg);
        e.code = st;
    }
    adse_search_design d = rec->d;
    d.status = (adse_design_status)get_below(&r, ADSE_DESIGN_NO_MAPPING + 1);
    get_str(&r, d.reason, sizeof d.reason);
    for (int k = 0; k < ADSE_SM_COUNT; k++)
        d.metrics[k] = get_f64(&r);
    bool with_maps = get_below(&r, 2);
    adse_mapping *maps = NULL;
    adse_network_layer_result *lres = NULL;
    if (with_maps && !r.bad) {
        maps = calloc((size_t)s->n_layers, sizeof *maps);
        lres = calloc((size_t)s->n_layers, sizeof *lres);
        if (!maps || !lres) {
            free(maps);
            free(lres);
            return nomem(err);
        }
        for (int l = 0; l < s->n_layers; l++) {
            get_mapping(&r, &maps[l]);
            get_layer_result(&r, &lres[l]);
        }
    }
    if (r.bad || r.at != len || magic != REPLY_MAGIC) {
        free(maps);
        free(lres);
        return adse_err_set(err, ADSE_E_INTERNAL, NULL, 0, 0,
                            "malformed reply to design job %d (%zu bytes)", i, len);
    }
    rec->d = d;
    if (maps) {
        free(rec->mappings);
        free(rec->layer_results);
        rec->mappings = maps;
        rec->layer_results = lres;
    }
    b->status[i] = st;
    b->errs[i] = e;
    b->answered[i] = true;
    b->done++;
    adse__report_progress(s, b->done, b->n);
    return ADSE_OK;
}

adse_status adse__run_jobs(adse_search *s, const int *jobs, int n, adse_status *status,
                           adse_err *errs, adse_err *err)
{
    if (!s->opts.dispatch || n == 0) return adse__run_jobs_threads(s, jobs, n, status, errs, err);
    adse_search_batch b = {.s = s, .jobs = jobs, .n = n, .status = status, .errs = errs};
    b.req = calloc((size_t)n, sizeof *b.req);
    b.req_len = calloc((size_t)n, sizeof *b.req_len);
    b.answered = calloc((size_t)n, sizeof *b.answered);
    adse_status st = ADSE_OK;
    if (!b.req || !b.req_len || !b.answered) {
        st = nomem(err);
        goto out;
    }
    adse_err_clear(err);
    st = s->opts.dispatch(s->opts.dispatch_user, s, &b, err);
    if (!st && b.done != n)
        st = adse_err_set(err, ADSE_E_INTERNAL, NULL, 0, 0,
                          "the dispatch returned with %d of %d designs evaluated", b.done, n);
out:
    for (int i = 0; b.req && i < n; i++)
        free(b.req[i]);
    free(b.req);
    free(b.req_len);
    free(b.answered);
    return st;
}
