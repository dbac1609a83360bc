/*
 * ONNX protobuf wire format -> adse__onnx_model: a hand-written reader of the few fields
 * adse needs (onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto, TypeProto.Tensor, TensorShapeProto). Fields it does not know are skipped
 * by wire type, as protobuf requires. Every varint and length is bounds-checked against the
 * enclosing message; counts are bounded by include/adse/limits.h. Each message is read
 * twice: once to count its repeated fields (and find a node's name for messages), once to
 * fill arrays of exactly that size.
 */
#include "input/onnx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void adse__onnx_model_release(adse__onnx_model *m)
{
    adse__arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

/* ---- wire format ---------------------------------------------------------------------- */

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

typedef struct rd {
    const uint8_t *p, *end;
} rd;

typedef struct ctx {
    const uint8_t *base; /* start of the file, for byte offsets */
    const char *file;
    adse__onnx_model *m;
    adse_err *err;
    char where[ADSE_NAME_MAX * 2 + 64]; /* the message being read, for errors */
} ctx;

static adse_status bad(ctx *c, const uint8_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static adse_status bad(ctx *c, const uint8_t *at, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return adse_err_set(c->err, ADSE_E_SYNTAX, c->file, 0, 0,
                        "malformed ONNX model: %s in %s (byte %zu)", what, c->where,
                        (size_t)(at - c->base));
}

static adse_status nomem(ctx *c)
{
    return adse_err_set(c->err, ADSE_E_NOMEM, c->file, 0, 0, "out of memory");
}

static bool get_varint(rd *r, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) return false;
        uint8_t b = *r->p++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false; /* more than 10 bytes */
}

/* Reads a field key; false at the end of the message, error status in *st. */
static bool next_field(ctx *c, rd *r, uint32_t *field, int *wt, adse_status *st)
{
    *st = ADSE_OK;
    if (r->p >= r->end) return false;
    const uint8_t *at = r->p;
    uint64_t key;
    if (!get_varint(r, &key)) {
        *st = bad(c, at, "truncated field key");
        return false;
    }
    *field = (uint32_t)(key >> 3);
    *wt = (int)(key & 7);
    if (key >> 3 == 0 || key >> 3 > 0x1fffffff) {
        *st = bad(c, at, "invalid field number %llu", (unsigned long long)(key >> 3));
        return false;
    }
    if (*wt != WT_VARINT && *wt != WT_I64 && *wt != WT_LEN && *wt != WT_I32) {
        *st = bad(c, at, "unsupported wire type %d of field %u", *wt, *field);
        return false;
    }
    return true;
}

/* A length-delimited field's contents. */
static adse_status get_len(ctx *c, rd *r, rd *sub)
{
    const uint8_t *at = r->p;
    uint64_t n;
    if (!get_varint(r, &n)) return bad(c, at, "truncated length");
    if (n > (uint64_t)(r->end - r->p))
        return bad(c, at, "length %llu runs past the end of its message (truncated file?)",
                   (unsigned long long)n);
    sub->p = r->p;
    sub->end = r->p + n;
    r->p += n;
    return ADSE_OK;
}

static adse_status skip(ctx *c, rd *r, int wt)
{
    const uint8_t *at = r->p;
    uint64_t v;
    rd sub = {NULL, NULL};
    switch (wt) {
    case WT_VARINT: return get_varint(r, &v) ? ADSE_OK : bad(c, at, "truncated varint");
    case WT_I64:
        if (r->end - r->p < 8) return bad(c, at, "truncated 64-bit value");
        r->p += 8;
        return ADSE_OK;
    case WT_I32:
        if (r->end - r->p < 4) return bad(c, at, "truncated 32-bit value");
        r->p += 4;
        return ADSE_OK;
    default: return get_len(c, r, &sub);
    }
}

static adse_status want(ctx *c, const rd *r, int wt, int expected, uint32_t field)
{
    if (wt == expected) return ADSE_OK;
    return bad(c, r->p, "field %u has wire type %d, expected %d", field, wt, expected);
}

static adse_status get_int(ctx *c, rd *r, int wt, uint32_t field, int64_t *v)
{
    adse_status st = want(c, r, wt, WT_VARINT, field);
    if (st) return st;
    const uint8_t *at = r->p;
    uint64_t u;
    if (!get_varint(r, &u)) return bad(c, at, "truncated varint");
    *v = (int64_t)u;
    return ADSE_OK;
}

static adse_status get_str(ctx *c, rd *r, int wt, uint32_t field, const char **s)
{
    adse_status st = want(c, r, wt, WT_LEN, field);
    if (st) return st;
    rd sub = {NULL, NULL};
    if ((st = get_len(c, r, &sub))) return st;
    size_t n = (size_t)(sub.end - sub.p);
    char *d = adse__arena_alloc(&c->m->arena, n + 1);
    if (!d) return nomem(c);
    memcpy(d, sub.p, n);
    d[n] = 0;
    *s = d;
    return ADSE_OK;
}

/* A repeated int64 field, packed or not: appends to out[*n] (cap entries). A count pass
 * (out == NULL) only counts. */
static adse_status get_ints(ctx *c, rd *r, int wt, uint32_t field, int64_t *out, int *n, int cap)
{
    adse_status st;
    if (wt == WT_VARINT) {
        int64_t v = 0;
        if ((st = get_int(c, r, wt, field, &v))) return st;
        if (out && *n < cap) out[*n] = v;
        ++*n;
        return ADSE_OK;
    }
    if ((st = want(c, r, wt, WT_LEN, field))) return st;
    rd sub = {NULL, NULL};
    if ((st = get_len(c, r, &sub))) return st;
    while (sub.p < sub.end) {
        const uint8_t *at = sub.p;
        uint64_t u;
        if (!get_varint(&sub, &u)) return bad(c, at, "truncated packed varint");
        if (out && *n < cap) out[*n] = (int64_t)u;
        ++*n;
    }
    return ADSE_OK;
}

static adse_status check_count(ctx *c, const rd *r, int n, int max, const char *what)
{
    if (n <= max) return ADSE_OK;
    return bad(c, r->p, "more than %d %s", max, what);
}

/* ---- TensorProto ------------------------------------------------------------------------ */

static adse_status read_tensor(ctx *c, rd r, adse__onnx_tensor *t)
{
    adse_status st;
    uint32_t f;
    int wt;
    t->name = "";
    t->msg = r.p;
    t->msg_len = (size_t)(r.end - r.p);
    rd start = r;
    while (next_field(c, &r, &f, &wt, &st)) {
        if (f == 1) {
            int n = t->rank;
            if ((st = get_ints(c, &r, wt, f, t->dims, &n, ADSE_ONNX_MAX_RANK))) return st;
            if (n > ADSE_ONNX_MAX_RANK)
                return bad(c, r.p, "tensor of rank above ADSE_ONNX_MAX_RANK (%d)",
                           ADSE_ONNX_MAX_RANK);
            t->rank = n;
        } else if (f == 2) {
            int64_t v = 0;
            if ((st = get_int(c, &r, wt, f, &v))) return st;
            t->dtype = (int32_t)v;
        } else if (f == 8) {
            if ((st = get_str(c, &r, wt, f, &t->name))) return st;
        } else if (f == 14) {
            int64_t v = 0;
            if ((st = get_int(c, &r, wt, f, &v))) return st;
            t->external = v == 1;
        } else if ((st = skip(c, &r, wt))) {
            return st;
        }
    }
    if (st) return st;
    for (int i = 0; i < t->rank; i++)
        if (t->dims[i] < 0 || t->dims[i] > ADSE_ONNX_MAX_DIM)
            return bad(c, start.p, "tensor '%s' has extent %lld on axis %d", t->name,
                       (long long)t->dims[i], i);
    return ADSE_OK;
}

int64_t adse__onnx_tensor_elems(const adse__onnx_tensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->rank; i++) {
        if (t->dims[i] > ADSE_ONNX_MAX_FOLD) return -1;
        n *= t->dims[i];
        if (n > ADSE_ONNX_MAX_FOLD) return -1;
    }
    return n;
}

static int elem_bytes(int32_t dtype)
{
    switch (dtype) {
    case ADSE__ONNX_INT64:
    case ADSE__ONNX_UINT64: return 8;
    case ADSE__ONNX_INT32:
    case ADSE__ONNX_UINT32: return 4;
    case ADSE__ONNX_INT16:
    case ADSE__ONNX_UINT16: return 2;
    case ADSE__ONNX_INT8:
    case ADSE__ONNX_UINT8:
    case ADSE__ONNX_BOOL: return 1;
    default: return 0;
    }
}

static int64_t load_le(const uint8_t *p, int bytes, int32_t dtype)
{
    uint64_t u = 0;
    for (int i = bytes - 1; i >= 0; i--)
        u = u << 8 | p[i];
    switch (dtype) { /* sign-extend the signed types */
    case ADSE__ONNX_INT32: return (int32_t)(uint32_t)u;
    case ADSE__ONNX_INT16: return (int16_t)(uint16_t)u;
    case ADSE__ONNX_INT8: return (int8_t)(uint8_t)u;
    default: return (int64_t)u;
    }
}

adse_status adse__onnx_tensor_ints(const adse__onnx_model *m, const adse__onnx_tensor *t, int64_t n,
                                   int64_t *out, const char *what, adse_err *err)
{
    int bytes = elem_bytes(t->dtype);
    if (!bytes)
        return adse_err_set(err, ADSE_E_SPEC, m->file, 0, 0,
                            "%s: expected an integer tensor, got data type %d", what, t->dtype);
    if (t->external)
        return adse_err_set(err, ADSE_E_SPEC, m->file, 0, 0,
                            "%s: its data is in an external file, which adse does not read", what);
    ctx c = {.base = t->msg, .file = m->file, .m = NULL, .err = err};
    snprintf(c.where, sizeof c.where, "%s", what);
    rd r = {t->msg, t->msg + t->msg_len};
    uint32_t f;
    int wt;
    adse_status st;
    int64_t got = 0;
    bool raw = false;
    while (next_field(&c, &r, &f, &wt, &st)) {
        /* int32_data (5) holds every type up to 32 bits, int64_data (7) int64, uint64_data
         * (11) uint64; raw_data (9) little-endian values */
        bool typed = (f == 5 && bytes <= 4) || (f == 7 && t->dtype == ADSE__ONNX_INT64) ||
                     (f == 11 && t->dtype == ADSE__ONNX_UINT64);
        if (f == 9) {
            rd sub = {NULL, NULL};
            if ((st = want(&c, &r, wt, WT_LEN, f)) || (st = get_len(&c, &r, &sub))) return st;
            if ((uint64_t)(sub.end - sub.p) != (uint64_t)n * (uint64_t)bytes)
                return adse_err_set(err, ADSE_E_SPEC, m->file, 0, 0,
                                    "%s: raw_data holds %zu bytes, expected %lld", what,
                                    (size_t)(sub.end - sub.p), (long long)n * bytes);
            for (int64_t i = 0; i < n; i++)
                out[i] = load_le(sub.p + i * bytes, bytes, t->dtype);
            raw = true;
        } else if (typed) {
            int k = (int)got;
            if ((st = get_ints(&c, &r, wt, f, out, &k, (int)n))) return st;
            got = k;
        } else if ((st = skip(&c, &r, wt))) {
            return st;
        }
    }
    if (st) return st;
    if (raw) return ADSE_OK;
    if (got != n)
        return adse_err_set(err, ADSE_E_SPEC, m->file, 0, 0, "%s: holds %lld values, expected %lld",
                            what, (long long)got, (long long)n);
    if (bytes < 8) /* int32_data holds the narrow types as int32 */
        for (int64_t i = 0; i < n; i++)
            out[i] = t->dtype == ADSE__ONNX_UINT32 ? (int64_t)(uint32_t)out[i]
                                                   : (int64_t)(int32_t)out[i];
    return ADSE_OK;
}

/* ---- AttributeProto, NodeProto ---------------------------------------------------------- */

static adse_status read_attr(ctx *c, rd r, adse__onnx_attr *a)
{
    adse_status st;
    uint32_t f;
    int wt;
    a->name = "";
    a->s = "";
    rd first = r;
    int n_ints = 0;
    while (next_field(c, &r, &f, &wt, &st)) { /* count 'ints' */
        if (f == 8) {
            if ((st = get_ints(c, &r, wt, f, NULL, &n_ints, 0))) return st;
            if ((st = check_count(c, &r, n_ints, ADSE_ONNX_MAX_IO, "values in 'ints'"))) return st;
        } else if ((st = skip(c, &r, wt))) {
            return st;
        }
    }
    if (st) return st;
    if (n_ints && !(a->ints = adse__arena_alloc(&c->m->arena, (size_t)n_ints * sizeof *a->ints)))
        return nomem(c);
    r = first;
    while (next_field(c, &r, &f, &wt, &st)) {
        if (f == 1) {
            if ((st = get_str(c, &r, wt, f, &a->name))) return st;
        } else if (f == 20) {
            int64_t v = 0;
            if ((st = get_int(c, &r, wt, f, &v))) return st;
            a->type = (int32_t)v;
        } else if (f == 3) {
            if ((st = get_int(c, &r, wt, f, &a->i))) return st;
        } else if (f == 2) {
            if ((st = want(c, &r, wt, WT_I32, f))) return st;
            if (r.end - r.p < 4) return bad(c, r.p, "truncated float");
            uint32_t u = (uint32_t)r.p[0] | (uint32_t)r.p[1] << 8 | (uint32_t)r.p[2] << 16 |
                         (uint32_t)r.p[3] << 24;
            float fl;
            memcpy(&fl, &u, 4);
            a->f = fl;
            r.p += 4;
        } else if (f == 4) {
            if ((st = get_str(c, &r, wt, f, &a->s))) return st;
        } else if (f == 8) {
            if ((st = get_ints(c, &r, wt, f, a->ints, &a->n_ints, n_ints))) return st;
        } else if (f == 5) {
            rd sub = {NULL, NULL};
            if ((st = want(c, &r, wt, WT_LEN, f)) || (st = get_len(c, &r, &sub))) return st;
            if (!(a->t = adse__arena_alloc(&c->m->arena, sizeof *a->t))) return nomem(c);
            if ((st = read_tensor(c, sub, a->t))) return st;
        } else if ((st = skip(c, &r, wt))) {
            return st;
        }
    }
    return st;
}

static adse_status read_node(ctx *c, rd r, int index, adse__onnx_node *n)
{
    adse_status st;
    uint32_t f;
    int wt;
    n->name = n->op = n->domain = "";
    rd first = r;
    int n_in = 0, n_out = 0, n_attrs = 0;
    snprintf(c->where, sizeof c->where, "node %d", index);
    while (next_field(c, &r, &f, &wt, &st)) {
        if (f == 3 && wt == WT_LEN) {
            if ((st = get_str(c, &r, wt, f, &n->name))) return st;
        } else if (f == 4 && wt == WT_LEN) {
            if ((st = get_str(c, &r, wt, f, &n->op))) return st;
        } else {
            n_in += f == 1;
            n_out += f == 2;
            n_attrs += f == 5;
            if ((st = skip(c, &r, wt))) return st;
        }
    }
    if (st) return st;
    snprintf(c->where, sizeof c->where, "node %d '%.*s' (%.*s)", index, ADSE_NAME_MAX, n->name,
             ADSE_OP_NAME_MAX, n->op);
    if ((st = check_count(c, &r, n_in, ADSE_ONNX_MAX_IO, "inputs")) ||
        (st = check_count(c, &r, n_out, ADSE_ONNX_MAX_IO, "outputs")) ||
        (st = check_count(c, &r, n_attrs, ADSE_ONNX_MAX_IO, "attributes")))
        return st;
    adse__arena *a = &c->m->arena;
    if ((n_in && !(n->in = adse__arena_alloc(a, (size_t)n_in * sizeof *n->in))) ||
        (n_out && !(n->out = adse__arena_alloc(a, (size_t)n_out * sizeof *n->out))) ||
        (n_attrs && !(n->attrs = adse__arena_alloc(a, (size_t)n_attrs * sizeof *n->attrs))))
        return nomem(c);
    r = first;
    while (next_field(c, &r, &f, &wt, &st)) {
        if (f == 1) {
            if ((st = get_str(c, &r, wt, f, &n->in[n->n_in++]))) return st;
        } else if (f == 2) {
            if ((st = get_str(c, &r, wt, f, &n->out[n->n_out++]))) return st;
        } else if (f == 7) {
            if ((st = get_str(c, &r, wt, f, &n->domain))) return st;
        } else if (f == 5) {
            rd sub = {NULL, NULL};
            if ((st = get_len(c, &r, &sub))) return st;
            if ((st = read_attr(c, sub, &n->attrs[n->n_attrs++]))) return st;
        } else if ((st = skip(c, &r, wt))) {
            return st;
        }
    }
    if (st) return st;
    if (!n->op[0]) return bad(c, first.p, "missing 'op_type'");
    return ADSE_OK;
}

const adse__onnx_attr *adse__onnx_attr_get(const adse__onnx_node *n, const char *name)
{
    for (int i = 0; i < n->n_attrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0) return &n->attrs[i];
    return NULL;
}

/* ---- ValueInfoProto ----------------------------------------------------------------------- */

static adse_status read_shape(ctx *c, rd r, adse__onnx_vi *v)
{
    adse_status st;
    uint32_t f;
    int wt;
    v->rank = 0;
    while (next_field(c, &r, &f, &wt, &st)) {
        if (f != 1) {
            if ((st = skip(c, &r, wt))) return st;
            continue;
        }
        rd dim = {NULL, NULL};
        if ((st = want(c, &r, wt, WT_LEN, f)) || (st = get_len(c, &r, &dim))) return st;
        if (v->rank == ADSE_ONNX_MAX_RANK)
            return bad(c, r.p, "shape of '%s' has a rank above ADSE_ONNX_MAX_RANK (%d)", v->name,
                       ADSE_ONNX_MAX_RANK);
        int64_t e = -1;
        uint32_t g;
        int gwt;
        while (next_field(c, &dim, &g, &gwt, &st)) {
            if (g == 1) {
                if ((st = get_int(c, &dim, gwt, g, &e))) return st;
                if (e < 0 || e > ADSE_ONNX_MAX_DIM)
                    return bad(c, dim.p, "shape of '%s' has extent %lld", v->name, (long long)e);
            } else if ((st = skip(c, &dim, gwt))) {
                return st;
            }
        }
        if (st) return st;
        v->dims[v->rank++] = e;
    }
    return st;
}

static adse_status read_value_info(ctx *c, rd r, adse__onnx_vi *v)
{
    adse_status st;
    uint32_t f;
    int wt;
    v->name = "";
    v->rank = -1;
    rd first = r;
    while (next_field(c, &r, &f, &wt, &st)) { /* the name first, for messages */
        if (f == 1) {
            if ((st = get_str(c, &r, wt, f, &v->name))) return st;
        } else if ((st = skip(c, &r, wt))) {
            return st;
        }
    }
    if (st) return st;
    r = first;
    while (next_field(c, &r, &f, &wt, &st)) {
        if (f != 2) {
            if ((st = skip(c, &r, wt))) return st;
            continue;
        }
        rd type = {NULL, NULL}, tt = {NULL, NULL};
        if ((st = want(c, &r, wt, WT_LEN, f)) || (st = get_len(c, &r, &type))) return st;
        uint32_t g;
        int gwt;
        while (next_field(c, &type, &g, &gwt, &st)) {
            if (g != 1) { /* sequence, map, optional, sparse: no tensor shape */
                if ((st = skip(c, &type, gwt))) return st;
                continue;
            }
            if ((st = want(c, &type, gwt, WT_LEN, g)) || (st = get_len(c, &type, &tt))) return st;
            uint32_t h;
            int hwt;
            while (next_field(c, &tt, &h, &hwt, &st)) {
                if (h == 1) {
                    int64_t e = 0;
                    if ((st = get_int(c, &tt, hwt, h, &e))) return st;
                    v->elem = (int32_t)e;
                } else if (h == 2) {
                    rd shape = {NULL, NULL};
                    if ((st = want(c, &tt, hwt, WT_LEN, h)) || (st = get_len(c, &tt, &shape)))
                        return st;
                    if ((st = read_shape(c, shape, v))) return st;
                } else if ((st = skip(c, &tt, hwt))) {
                    return st;
                }
            }
            if (st) return st;
        }
        if (st) return st;
    }
    return st;
}

/* ---- GraphProto, ModelProto ------------------------------------------------------------- */

static adse_status read_graph(ctx *c, rd r)
{
    adse__onnx_model *m = c->m;
    adse_status st;
    uint32_t f;
    int wt;
    rd first = r;
    int counts[16] = {0};
    snprintf(c->where, sizeof c->where, "the graph");
    while (next_field(c, &r, &f, &wt, &st)) {
        if (f < 16) counts[f]++;
        if ((st = skip(c, &r, wt))) return st;
    }
    if (st) return st;
    static const struct {
        int field;
        const char *what;
    } lists[] = {{1, "nodes"},
                 {5, "initializers"},
                 {11, "inputs"},
                 {12, "outputs"},
                 {13, "value_info entries"}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if ((st = check_count(c, &r, counts[lists[i].field], ADSE_ONNX_MAX_NODES, lists[i].what)))
            return st;
    adse__arena *a = &m->arena;
    if ((counts[1] && !(m->nodes = adse__arena_alloc(a, (size_t)counts[1] * sizeof *m->nodes))) ||
        (counts[5] && !(m->inits = adse__arena_alloc(a, (size_t)counts[5] * sizeof *m->inits))) ||
        (counts[11] &&
         !(m->inputs = adse__arena_alloc(a, (size_t)counts[11] * sizeof *m->inputs))) ||
        (counts[12] &&
         !(m->outputs = adse__arena_alloc(a, (size_t)counts[12] * sizeof *m->outputs))) ||
        (counts[13] && !(m->vis = adse__arena_alloc(a, (size_t)counts[13] * sizeof *m->vis))))
        return nomem(c);
    r = first;
    while (next_field(c, &r, &f, &wt, &st)) {
        rd sub = {NULL, NULL};
        if (f == 2) {
            if ((st = get_str(c, &r, wt, f, &m->graph_name))) return st;
            continue;
        }
        if (f != 1 && f != 5 && f != 11 && f != 12 && f != 13) {
            if ((st = skip(c, &r, wt))) return st;
            continue;
        }
        if ((st = want(c, &r, wt, WT_LEN, f)) || (st = get_len(c, &r, &sub))) return st;
        switch (f) {
        case 1:
            st = read_node(c, sub, m->n_nodes, &m->nodes[m->n_nodes]);
            m->n_nodes++;
            break;
        case 5:
            snprintf(c->where, sizeof c->where, "initializer %d", m->n_inits);
            st = read_tensor(c, sub, &m->inits[m->n_inits++]);
            break;
        case 11:
            snprintf(c->where, sizeof c->where, "graph input %d", m->n_inputs);
            st = read_value_info(c, sub, &m->inputs[m->n_inputs++]);
            break;
        case 12:
            snprintf(c->where, sizeof c->where, "graph output %d", m->n_outputs);
            st = read_value_info(c, sub, &m->outputs[m->n_outputs++]);
            break;
        default:
            snprintf(c->where, sizeof c->where, "value_info %d", m->n_vis);
            st = read_value_info(c, sub, &m->vis[m->n_vis++]);
            break;
        }
        if (st) return st;
        snprintf(c->where, sizeof c->where, "the graph");
    }
    return st;
}

adse_status adse__onnx_decode(const uint8_t *data, size_t size, const char *file,
                              adse__onnx_model *m, adse_err *err)
{
    memset(m, 0, sizeof *m);
    m->file = file;
    m->graph_name = "";
    ctx c = {.base = data, .file = file, .m = m, .err = err};
    snprintf(c.where, sizeof c.where, "the model");
    if (size > ADSE_ONNX_MAX_BYTES)
        return adse_err_set(err, ADSE_E_SPEC, file, 0, 0,
                            "the model is larger than ADSE_ONNX_MAX_BYTES (%u bytes)",
                            ADSE_ONNX_MAX_BYTES);
    rd r = {data, data + size};
    adse_status st;
    uint32_t f;
    int wt;
    bool has_graph = false;
    while (next_field(&c, &r, &f, &wt, &st)) {
        if (f == 7) {
            rd sub = {NULL, NULL};
            if ((st = want(&c, &r, wt, WT_LEN, f)) || (st = get_len(&c, &r, &sub))) break;
            if (has_graph) {
                st = bad(&c, sub.p, "two graphs");
                break;
            }
            has_graph = true;
            if ((st = read_graph(&c, sub))) break;
            snprintf(c.where, sizeof c.where, "the model");
        } else if (f == 8) { /* opset_import: domain (1), version (2) */
            rd sub = {NULL, NULL};
            if ((st = want(&c, &r, wt, WT_LEN, f)) || (st = get_len(&c, &r, &sub))) break;
            const char *domain = "";
            int64_t version = 0;
            uint32_t g;
            int gwt;
            while (next_field(&c, &sub, &g, &gwt, &st)) {
                if (g == 1)
                    st = get_str(&c, &sub, gwt, g, &domain);
                else if (g == 2)
                    st = get_int(&c, &sub, gwt, g, &version);
                else
                    st = skip(&c, &sub, gwt);
                if (st) break;
            }
            if (st) break;
            if (!domain[0] || strcmp(domain, "ai.onnx") == 0) m->opset = version;
        } else if ((st = skip(&c, &r, wt))) {
            break;
        }
    }
    if (!st && !has_graph)
        st = adse_err_set(err, ADSE_E_SYNTAX, file, 0, 0,
                          "not an ONNX model: no graph (empty or truncated file?)");
    if (st) adse__onnx_model_release(m);
    return st;
}
