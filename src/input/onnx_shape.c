/*
 * Shape propagation through an ONNX graph: per-op rules for the output shapes, and the
 * folding of small integer tensors (the shape arithmetic PyTorch emits: Shape, Gather,
 * Unsqueeze, Concat, Slice, Reshape, arithmetic on shape vectors) so that a Reshape whose
 * target shape is computed at run time still has a known output. An op without a rule
 * leaves its outputs unknown; onnx_graph.c then uses value_info or reports the node whose
 * shape is needed.
 */
#include "input/onnx.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef adse__onnx_val val;
typedef adse__onnx_graph graph;
typedef adse__onnx_node node;

static val *in(const graph *g, const node *n, int i)
{
    return i < n->n_in ? adse__onnx_val_get(g, n->in[i]) : NULL;
}

static val *out(const graph *g, const node *n, int i)
{
    return i < n->n_out ? adse__onnx_val_get(g, n->out[i]) : NULL;
}

static bool has_shape(const val *v)
{
    return v && v->rank >= 0;
}

static bool static_shape(const val *v)
{
    if (!has_shape(v)) return false;
    for (int i = 0; i < v->rank; i++)
        if (v->dims[i] < 0) return false;
    return true;
}

/* Elements of a static shape; -1 when unknown or huge. */
static int64_t elems(const val *v)
{
    if (!static_shape(v)) return -1;
    int64_t e = 1;
    for (int i = 0; i < v->rank; i++) {
        if (v->dims[i] && e > ADSE_ONNX_MAX_DIM * 64 / v->dims[i]) return -1;
        e *= v->dims[i];
    }
    return e;
}

static int64_t attr_int(const node *n, const char *name, int64_t def)
{
    const adse__onnx_attr *a = adse__onnx_attr_get(n, name);
    return a ? a->i : def;
}

static adse_status set_shape(const graph *g, const node *n, val *o, int rank, const int64_t *dims)
{
    if (!o) return ADSE_OK;
    if (rank > ADSE_ONNX_MAX_RANK)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                   "output '%s' has a rank above ADSE_ONNX_MAX_RANK (%d)", o->name,
                                   ADSE_ONNX_MAX_RANK);
    for (int i = 0; i < rank; i++)
        if (dims[i] > ADSE_ONNX_MAX_DIM)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                       "output '%s' has extent %lld on axis %d, above "
                                       "ADSE_ONNX_MAX_DIM",
                                       o->name, (long long)dims[i], i);
    o->rank = rank;
    memmove(o->dims, dims, (size_t)rank * sizeof *dims);
    return ADSE_OK;
}

static adse_status copy_shape(const graph *g, const node *n, val *o, const val *from)
{
    if (!o || !has_shape(from)) return ADSE_OK;
    return set_shape(g, n, o, from->rank, from->dims);
}

/* Gives o the n values k (copied) when o's shape is static with n elements. */
static adse_status set_values(graph *g, val *o, const int64_t *k, int64_t cnt)
{
    if (!o || cnt > ADSE_ONNX_MAX_FOLD || elems(o) != cnt) return ADSE_OK;
    o->k = adse__onnx_alloc_ints(g, cnt ? cnt : 1);
    if (!o->k) return adse_err_set(g->err, ADSE_E_NOMEM, g->m->file, 0, 0, "out of memory");
    memcpy(o->k, k, (size_t)cnt * sizeof *k);
    return ADSE_OK;
}

/* An axis attribute or input value normalised to [0, rank). */
static adse_status norm_axis(const graph *g, const node *n, int64_t axis, int rank,
                             const char *field, int *out_axis)
{
    if (axis < -rank || axis >= rank)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'%s' %lld is out of range for rank %d",
                                   field, (long long)axis, rank);
    *out_axis = (int)(axis < 0 ? axis + rank : axis);
    return ADSE_OK;
}

/* A list of integers from attribute name, or else from input i when known; *cnt = -1 when
 * neither is given, -2 when the input exists but its values are unknown. */
static const int64_t *int_list(const graph *g, const node *n, const char *name, int i, int64_t *cnt)
{
    const adse__onnx_attr *a = name ? adse__onnx_attr_get(n, name) : NULL;
    if (a) {
        *cnt = a->n_ints;
        return a->ints;
    }
    val *v = i >= 0 ? in(g, n, i) : NULL;
    if (!v) {
        *cnt = -1;
        return NULL;
    }
    if (!v->k || v->rank > 1) {
        *cnt = -2;
        return NULL;
    }
    *cnt = v->rank == 0 ? 1 : v->dims[0];
    return v->k;
}

/* ---- elementwise ------------------------------------------------------------------------ */

/* Numpy broadcasting of the shapes of every present input into o. */
static adse_status broadcast(const graph *g, const node *n, val *o, int first, int last)
{
    int rank = 0;
    for (int i = first; i <= last && i < n->n_in; i++) {
        val *v = in(g, n, i);
        if (!v) continue;
        if (!has_shape(v)) return ADSE_OK;
        if (v->rank > rank) rank = v->rank;
    }
    int64_t d[ADSE_ONNX_MAX_RANK];
    for (int a = 0; a < rank; a++)
        d[a] = 1;
    for (int i = first; i <= last && i < n->n_in; i++) {
        val *v = in(g, n, i);
        if (!v) continue;
        for (int a = 0; a < v->rank; a++) {
            int64_t *t = &d[rank - v->rank + a], e = v->dims[a];
            if (e == 1) continue;
            if (*t == 1 || *t == e) {
                *t = e;
            } else if (e < 0 || *t < 0) {
                *t = -1;
            } else {
                return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                           "input '%s' of extent %lld on axis %d does not "
                                           "broadcast with extent %lld",
                                           v->name, (long long)e, a, (long long)*t);
            }
        }
    }
    return set_shape(g, n, o, rank, d);
}

/* Folds an integer elementwise op over broadcast inputs first..last. */
static adse_status fold_elementwise(graph *g, const node *n, val *o, int first, int last)
{
    int64_t total = elems(o);
    if (total < 0 || total > ADSE_ONNX_MAX_FOLD) return ADSE_OK;
    for (int i = first; i <= last; i++) {
        val *v = in(g, n, i);
        if (!v || !v->k || !static_shape(v)) return ADSE_OK;
    }
    int64_t res[ADSE_ONNX_MAX_FOLD];
    for (int64_t e = 0; e < total; e++) {
        int64_t x[3] = {0, 0, 0};
        for (int i = first; i <= last; i++) {
            val *v = in(g, n, i);
            /* index of element e of o in v (broadcast) */
            int64_t rem = e, idx = 0, stride = 1;
            for (int a = o->rank - 1; a >= 0; a--) {
                int64_t coord = rem % o->dims[a];
                rem /= o->dims[a];
                int va = a - (o->rank - v->rank);
                if (va < 0) continue;
                if (v->dims[va] != 1) idx += coord * stride;
                stride *= v->dims[va];
            }
            x[i - first] = v->k[idx];
        }
        const char *op = n->op;
        int64_t r;
        if (!strcmp(op, "Add"))
            r = (int64_t)((uint64_t)x[0] + (uint64_t)x[1]);
        else if (!strcmp(op, "Sub"))
            r = (int64_t)((uint64_t)x[0] - (uint64_t)x[1]);
        else if (!strcmp(op, "Mul"))
            r = (int64_t)((uint64_t)x[0] * (uint64_t)x[1]);
        else if (!strcmp(op, "Div") || !strcmp(op, "Mod")) {
            if (x[1] == 0 || (x[0] == INT64_MIN && x[1] == -1)) return ADSE_OK;
            if (!strcmp(op, "Div")) {
                r = x[0] / x[1]; /* integer Div truncates (numpy floor for negatives: rare) */
                if ((x[0] % x[1] != 0) && ((x[0] < 0) != (x[1] < 0))) r -= 1;
            } else {
                r = x[0] % x[1];
                if (r != 0 && ((r < 0) != (x[1] < 0)) && !attr_int(n, "fmod", 0)) r += x[1];
            }
        } else if (!strcmp(op, "Equal"))
            r = x[0] == x[1];
        else if (!strcmp(op, "Less"))
            r = x[0] < x[1];
        else if (!strcmp(op, "Greater"))
            r = x[0] > x[1];
        else if (!strcmp(op, "Max"))
            r = x[0] > x[1] ? x[0] : x[1];
        else if (!strcmp(op, "Min"))
            r = x[0] < x[1] ? x[0] : x[1];
        else if (!strcmp(op, "Where"))
            r = x[0] ? x[1] : x[2];
        else
            return ADSE_OK;
        res[e] = r;
    }
    return set_values(g, o, res, total);
}

static adse_status infer_elementwise(graph *g, const node *n)
{
    val *o = out(g, n, 0);
    adse_status st = broadcast(g, n, o, 0, n->n_in - 1);
    if (st || !o || !static_shape(o)) return st;
    if (!strcmp(n->op, "Where") || n->n_in == 2) return fold_elementwise(g, n, o, 0, n->n_in - 1);
    return ADSE_OK;
}

/* Same shape as input 0 (and the same values for Identity, Cast to an integer, Neg). */
static adse_status infer_unary(graph *g, const node *n)
{
    val *x = in(g, n, 0), *o = out(g, n, 0);
    adse_status st = copy_shape(g, n, o, x);
    if (st || !o || !x || !x->k || !static_shape(o)) return st;
    if (!strcmp(n->op, "Identity")) return set_values(g, o, x->k, elems(x));
    if (!strcmp(n->op, "Cast")) {
        int64_t to = attr_int(n, "to", 0);
        if (to == ADSE__ONNX_INT64 || to == ADSE__ONNX_INT32)
            return set_values(g, o, x->k, elems(x));
    }
    if (!strcmp(n->op, "Neg")) {
        int64_t res[ADSE_ONNX_MAX_FOLD], cnt = elems(x);
        for (int64_t i = 0; i < cnt; i++)
            res[i] = (int64_t)(0 - (uint64_t)x->k[i]);
        return set_values(g, o, res, cnt);
    }
    return ADSE_OK;
}

/* Ops whose outputs all have input 0's shape (Dropout's mask, MaxPool's indices aside). */
static adse_status infer_first_output(graph *g, const node *n)
{
    return copy_shape(g, n, out(g, n, 0), in(g, n, 0));
}

/* Dropout: the output and the mask have the input's shape. */
static adse_status infer_dropout(graph *g, const node *n)
{
    adse_status st = copy_shape(g, n, out(g, n, 0), in(g, n, 0));
    return st ? st : copy_shape(g, n, out(g, n, 1), in(g, n, 0));
}

/* ---- compute and window ops ------------------------------------------------------------ */

/* Output extents of a sliding window op (Conv, pooling) along the spatial axes. */
static adse_status window_out(const graph *g, const node *n, const val *x, const int64_t *kernel,
                              int sp, bool ceil_mode, int64_t *outd)
{
    const adse__onnx_attr *st = adse__onnx_attr_get(n, "strides"),
                          *dl = adse__onnx_attr_get(n, "dilations"),
                          *pd = adse__onnx_attr_get(n, "pads"),
                          *ap = adse__onnx_attr_get(n, "auto_pad");
    if (st && st->n_ints != sp)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'strides' has %d values, expected %d",
                                   st->n_ints, sp);
    if (dl && dl->n_ints != sp)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'dilations' has %d values, expected %d",
                                   dl->n_ints, sp);
    if (pd && pd->n_ints != 2 * sp)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'pads' has %d values, expected %d",
                                   pd->n_ints, 2 * sp);
    const char *mode = ap ? ap->s : "NOTSET";
    for (int i = 0; i < sp; i++) {
        int64_t s = st ? st->ints[i] : 1, d = dl ? dl->ints[i] : 1;
        int64_t pad = pd ? pd->ints[i] + pd->ints[i + sp] : 0;
        int64_t in_e = x->dims[2 + i], k = kernel[i];
        if (s < 1 || s > ADSE_ONNX_MAX_DIM || d < 1 || d > ADSE_ONNX_MAX_DIM)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                       "'strides' and 'dilations' must be positive, got %lld "
                                       "and %lld",
                                       (long long)s, (long long)d);
        if (pd && (pd->ints[i] < 0 || pd->ints[i] > ADSE_ONNX_MAX_DIM || pd->ints[i + sp] < 0 ||
                   pd->ints[i + sp] > ADSE_ONNX_MAX_DIM))
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'pads' must be between 0 and %lld",
                                       (long long)ADSE_ONNX_MAX_DIM);
        if (k < 1 || k > ADSE_ONNX_MAX_DIM)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "kernel extent %lld on axis %d",
                                       (long long)k, i);
        if (!strcmp(mode, "SAME_UPPER") || !strcmp(mode, "SAME_LOWER")) {
            outd[i] = (in_e + s - 1) / s;
            continue;
        }
        if (!strcmp(mode, "VALID"))
            pad = 0;
        else if (strcmp(mode, "NOTSET") != 0 && mode[0])
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "unknown 'auto_pad' '%s'", mode);
        int64_t span = in_e + pad - d * (k - 1) - 1;
        if (span < 0)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                       "the window (extent %lld, dilation %lld) is larger than "
                                       "the padded input (%lld) on spatial axis %d",
                                       (long long)k, (long long)d, (long long)(in_e + pad), i);
        outd[i] = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    }
    return ADSE_OK;
}

static adse_status infer_conv(graph *g, const node *n)
{
    val *x = in(g, n, 0), *w = in(g, n, 1), *o = out(g, n, 0);
    if (!static_shape(x) || !static_shape(w)) return ADSE_OK;
    if (x->rank < 3 || w->rank != x->rank)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                   "input '%s' (rank %d) and weights '%s' (rank %d) must have "
                                   "the same rank, at least 3",
                                   x->name, x->rank, w->name, w->rank);
    int sp = x->rank - 2;
    int64_t group = attr_int(n, "group", 1);
    if (group < 1 || x->dims[1] % group || w->dims[0] % group || x->dims[1] / group != w->dims[1])
        return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                   "input '%s' has %lld channels and weights '%s' %lld x %lld: "
                                   "they do not match 'group' %lld",
                                   x->name, (long long)x->dims[1], w->name, (long long)w->dims[0],
                                   (long long)w->dims[1], (long long)group);
    const adse__onnx_attr *ks = adse__onnx_attr_get(n, "kernel_shape");
    if (ks) {
        if (ks->n_ints != sp)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                       "'kernel_shape' has %d values, expected %d", ks->n_ints, sp);
        for (int i = 0; i < sp; i++)
            if (ks->ints[i] != w->dims[2 + i])
                return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                           "'kernel_shape' does not match weights '%s'", w->name);
    }
    int64_t d[ADSE_ONNX_MAX_RANK];
    d[0] = x->dims[0];
    d[1] = w->dims[0];
    adse_status st = window_out(g, n, x, w->dims + 2, sp, false, d + 2);
    if (st) return st;
    return set_shape(g, n, o, x->rank, d);
}

static adse_status infer_pool(graph *g, const node *n)
{
    val *x = in(g, n, 0);
    if (!static_shape(x) || x->rank < 3) return ADSE_OK;
    int sp = x->rank - 2;
    int64_t d[ADSE_ONNX_MAX_RANK];
    d[0] = x->dims[0];
    d[1] = x->dims[1];
    if (!strncmp(n->op, "Global", 6)) {
        for (int i = 0; i < sp; i++)
            d[2 + i] = 1;
    } else {
        const adse__onnx_attr *ks = adse__onnx_attr_get(n, "kernel_shape");
        if (!ks || ks->n_ints != sp)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'kernel_shape' must have %d values", sp);
        adse_status st = window_out(g, n, x, ks->ints, sp, attr_int(n, "ceil_mode", 0) != 0, d + 2);
        if (st) return st;
    }
    adse_status st = set_shape(g, n, out(g, n, 0), x->rank, d);
    if (!st) st = set_shape(g, n, out(g, n, 1), x->rank, d);
    return st;
}

static adse_status infer_gemm(graph *g, const node *n)
{
    val *a = in(g, n, 0), *b = in(g, n, 1);
    if (!static_shape(a) || !static_shape(b)) return ADSE_OK;
    if (a->rank != 2 || b->rank != 2)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "inputs '%s' and '%s' must be matrices",
                                   a->name, b->name);
    bool ta = attr_int(n, "transA", 0) != 0, tb = attr_int(n, "transB", 0) != 0;
    int64_t m = a->dims[ta ? 1 : 0], k = a->dims[ta ? 0 : 1];
    int64_t kb = b->dims[tb ? 1 : 0], nn = b->dims[tb ? 0 : 1];
    if (k != kb)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                   "inner extents of '%s' (%lld) and '%s' (%lld) differ", a->name,
                                   (long long)k, b->name, (long long)kb);
    int64_t d[2] = {m, nn};
    return set_shape(g, n, out(g, n, 0), 2, d);
}

static adse_status infer_matmul(graph *g, const node *n)
{
    val *a = in(g, n, 0), *b = in(g, n, 1);
    if (!static_shape(a) || !static_shape(b)) return ADSE_OK;
    if (a->rank < 1 || b->rank < 1)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "inputs '%s' and '%s' must not be scalars",
                                   a->name, b->name);
    int64_t ka = a->dims[a->rank - 1], kb = b->dims[b->rank >= 2 ? b->rank - 2 : 0];
    if (ka != kb)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                   "inner extents of '%s' (%lld) and '%s' (%lld) differ", a->name,
                                   (long long)ka, b->name, (long long)kb);
    int ra = a->rank >= 2 ? a->rank - 2 : 0, rb = b->rank >= 2 ? b->rank - 2 : 0;
    int rank = ra > rb ? ra : rb;
    int64_t d[ADSE_ONNX_MAX_RANK + 2];
    for (int i = 0; i < rank; i++) {
        int ia = i - (rank - ra), ib = i - (rank - rb);
        int64_t ea = ia >= 0 ? a->dims[ia] : 1, eb = ib >= 0 ? b->dims[ib] : 1;
        if (ea != eb && ea != 1 && eb != 1)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                       "batch extents %lld of '%s' and %lld of '%s' do not "
                                       "broadcast",
                                       (long long)ea, a->name, (long long)eb, b->name);
        d[i] = ea == 1 ? eb : ea;
    }
    if (a->rank >= 2) d[rank++] = a->dims[a->rank - 2];
    if (b->rank >= 2) d[rank++] = b->dims[b->rank - 1];
    return set_shape(g, n, out(g, n, 0), rank, d);
}

/* ---- shape arithmetic ------------------------------------------------------------------- */

static adse_status infer_shape_op(graph *g, const node *n)
{
    val *x = in(g, n, 0), *o = out(g, n, 0);
    if (!has_shape(x)) return ADSE_OK;
    int64_t start = attr_int(n, "start", 0), end = attr_int(n, "end", x->rank);
    if (start < 0) start += x->rank;
    if (end < 0) end += x->rank;
    start = start < 0 ? 0 : start > x->rank ? x->rank : start;
    end = end < start ? start : end > x->rank ? x->rank : end;
    int64_t len = end - start;
    adse_status st = set_shape(g, n, o, 1, &len);
    if (st) return st;
    for (int64_t i = start; i < end; i++)
        if (x->dims[i] < 0) return ADSE_OK;
    return set_values(g, o, x->dims + start, len);
}

static adse_status infer_size(graph *g, const node *n)
{
    val *o = out(g, n, 0);
    adse_status st = set_shape(g, n, o, 0, NULL);
    int64_t e = elems(in(g, n, 0));
    if (st || e < 0) return st;
    return set_values(g, o, &e, 1);
}

static adse_status infer_constant(graph *g, const node *n)
{
    val *o = out(g, n, 0);
    if (!o) return ADSE_OK;
    const adse__onnx_attr *a;
    if ((a = adse__onnx_attr_get(n, "value")) && a->t) {
        adse_status st = set_shape(g, n, o, a->t->rank, a->t->dims);
        if (st) return st;
        o->elem = a->t->dtype;
        int64_t cnt = adse__onnx_tensor_elems(a->t);
        if (cnt < 0 || !(o->elem == ADSE__ONNX_INT64 || o->elem == ADSE__ONNX_INT32 ||
                         o->elem == ADSE__ONNX_BOOL || o->elem == ADSE__ONNX_INT8 ||
                         o->elem == ADSE__ONNX_UINT8))
            return ADSE_OK;
        int64_t vals[ADSE_ONNX_MAX_FOLD];
        char what[ADSE_NAME_MAX * 2 + 64];
        snprintf(what, sizeof what, "node '%s' (%s): attribute 'value'", n->name, n->op);
        if ((st = adse__onnx_tensor_ints(g->m, a->t, cnt, vals, what, g->err))) return st;
        return set_values(g, o, vals, cnt);
    }
    if ((a = adse__onnx_attr_get(n, "value_int"))) {
        adse_status st = set_shape(g, n, o, 0, NULL);
        o->elem = ADSE__ONNX_INT64;
        return st ? st : set_values(g, o, &a->i, 1);
    }
    if ((a = adse__onnx_attr_get(n, "value_ints"))) {
        int64_t len = a->n_ints;
        adse_status st = set_shape(g, n, o, 1, &len);
        o->elem = ADSE__ONNX_INT64;
        return st ? st : set_values(g, o, a->ints, len);
    }
    if ((a = adse__onnx_attr_get(n, "value_float"))) return set_shape(g, n, o, 0, NULL);
    return ADSE_OK; /* value_floats, value_string(s), sparse_value: shapes not inferred */
}

/* A shape vector input (Reshape, Expand, ConstantOfShape, Tile): its values, or NULL. */
static const int64_t *shape_input(const graph *g, const node *n, int i, int64_t *len)
{
    val *s = in(g, n, i);
    if (!s || !s->k || s->rank != 1) return NULL;
    *len = s->dims[0];
    return s->k;
}

static adse_status infer_reshape(graph *g, const node *n)
{
    val *x = in(g, n, 0), *o = out(g, n, 0);
    int64_t len;
    const int64_t *s = shape_input(g, n, 1, &len);
    if (!s || !has_shape(x)) return ADSE_OK;
    if (len > ADSE_ONNX_MAX_RANK)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "target shape has rank %lld, above %d",
                                   (long long)len, ADSE_ONNX_MAX_RANK);
    bool allowzero = attr_int(n, "allowzero", 0) != 0;
    int64_t d[ADSE_ONNX_MAX_RANK];
    int infer = -1;
    int64_t known = 1;
    for (int i = 0; i < len; i++) {
        d[i] = s[i];
        if (s[i] == 0 && !allowzero) {
            if (i >= x->rank)
                return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                           "target shape copies axis %d of input '%s' of rank %d",
                                           i, x->name, x->rank);
            d[i] = x->dims[i];
        }
        if (s[i] == -1) {
            if (infer >= 0)
                return adse__onnx_node_err(g, n, ADSE_E_SPEC, "target shape has two -1 extents");
            infer = i;
            continue;
        }
        if (d[i] < 0 || d[i] > ADSE_ONNX_MAX_DIM) {
            if (s[i] == 0) return ADSE_OK; /* copied an unknown extent */
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "target shape has extent %lld",
                                       (long long)s[i]);
        }
        if (d[i] && known > ADSE_ONNX_MAX_DIM * 64 / d[i])
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "target shape is too large");
        known *= d[i];
    }
    int64_t total = elems(x);
    if (infer >= 0) {
        if (total < 0) return ADSE_OK;
        if (known == 0 || total % known)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                       "cannot reshape %lld elements of '%s' to the target shape",
                                       (long long)total, x->name);
        d[infer] = total / known;
    } else if (total >= 0 && total != known) {
        return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                   "cannot reshape %lld elements of '%s' to %lld elements",
                                   (long long)total, x->name, (long long)known);
    }
    adse_status st = set_shape(g, n, o, (int)len, d);
    if (st || !x->k) return st;
    return set_values(g, o, x->k, total);
}

static adse_status infer_flatten(graph *g, const node *n)
{
    val *x = in(g, n, 0);
    if (!static_shape(x)) return ADSE_OK;
    int axis = 0;
    int64_t a = attr_int(n, "axis", 1);
    if (a == x->rank)
        axis = x->rank;
    else {
        adse_status st = norm_axis(g, n, a, x->rank, "axis", &axis);
        if (st) return st;
    }
    int64_t d[2] = {1, 1};
    for (int i = 0; i < x->rank; i++)
        d[i >= axis] *= x->dims[i];
    return set_shape(g, n, out(g, n, 0), 2, d);
}

static adse_status infer_transpose(graph *g, const node *n)
{
    val *x = in(g, n, 0);
    if (!has_shape(x)) return ADSE_OK;
    const adse__onnx_attr *p = adse__onnx_attr_get(n, "perm");
    if (p && p->n_ints != x->rank)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'perm' has %d values for rank %d", p->n_ints,
                                   x->rank);
    int64_t d[ADSE_ONNX_MAX_RANK];
    bool seen[ADSE_ONNX_MAX_RANK] = {false};
    for (int i = 0; i < x->rank; i++) {
        int64_t s = p ? p->ints[i] : x->rank - 1 - i;
        if (s < 0 || s >= x->rank || seen[s])
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'perm' is not a permutation");
        seen[s] = true;
        d[i] = x->dims[s];
    }
    return set_shape(g, n, out(g, n, 0), x->rank, d);
}

static adse_status infer_unsqueeze(graph *g, const node *n)
{
    val *x = in(g, n, 0), *o = out(g, n, 0);
    int64_t cnt;
    const int64_t *axes = int_list(g, n, "axes", 1, &cnt);
    if (!has_shape(x) || !axes) return ADSE_OK;
    int rank = x->rank + (int)cnt;
    if (cnt > ADSE_ONNX_MAX_RANK || rank > ADSE_ONNX_MAX_RANK)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "output rank above ADSE_ONNX_MAX_RANK");
    bool ins[ADSE_ONNX_MAX_RANK] = {false};
    for (int i = 0; i < cnt; i++) {
        int a = 0;
        adse_status st = norm_axis(g, n, axes[i], rank, "axes", &a);
        if (st) return st;
        if (ins[a]) return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'axes' repeats %d", a);
        ins[a] = true;
    }
    int64_t d[ADSE_ONNX_MAX_RANK];
    for (int i = 0, j = 0; i < rank; i++)
        d[i] = ins[i] ? 1 : x->dims[j++];
    adse_status st = set_shape(g, n, o, rank, d);
    if (st || !x->k) return st;
    return set_values(g, o, x->k, elems(x));
}

static adse_status infer_squeeze(graph *g, const node *n)
{
    val *x = in(g, n, 0), *o = out(g, n, 0);
    if (!has_shape(x)) return ADSE_OK;
    int64_t cnt;
    const int64_t *axes = int_list(g, n, "axes", 1, &cnt);
    if (cnt == -2) return ADSE_OK;
    bool drop[ADSE_ONNX_MAX_RANK] = {false};
    if (axes) {
        for (int i = 0; i < cnt; i++) {
            int a = 0;
            adse_status st = norm_axis(g, n, axes[i], x->rank, "axes", &a);
            if (st) return st;
            if (x->dims[a] > 1 || x->dims[a] == 0)
                return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                           "cannot squeeze axis %d of extent %lld", a,
                                           (long long)x->dims[a]);
            drop[a] = true;
        }
    } else {
        for (int i = 0; i < x->rank; i++) {
            if (x->dims[i] < 0) return ADSE_OK;
            drop[i] = x->dims[i] == 1;
        }
    }
    int64_t d[ADSE_ONNX_MAX_RANK];
    int rank = 0;
    for (int i = 0; i < x->rank; i++)
        if (!drop[i]) d[rank++] = x->dims[i];
    adse_status st = set_shape(g, n, o, rank, d);
    if (st || !x->k) return st;
    return set_values(g, o, x->k, elems(x));
}

static adse_status infer_concat(graph *g, const node *n)
{
    val *first = in(g, n, 0), *o = out(g, n, 0);
    if (!has_shape(first)) return ADSE_OK;
    int axis = 0;
    adse_status st = norm_axis(g, n, attr_int(n, "axis", 0), first->rank, "axis", &axis);
    if (st) return st;
    int64_t d[ADSE_ONNX_MAX_RANK];
    memcpy(d, first->dims, (size_t)first->rank * sizeof *d);
    d[axis] = 0;
    bool all_k = true;
    for (int i = 0; i < n->n_in; i++) {
        val *v = in(g, n, i);
        if (!v) continue;
        if (!has_shape(v)) return ADSE_OK;
        if (v->rank != first->rank)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "input '%s' has rank %d, expected %d",
                                       v->name, v->rank, first->rank);
        for (int a = 0; a < v->rank; a++)
            if (a != axis && v->dims[a] >= 0 && d[a] >= 0 && v->dims[a] != d[a])
                return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                           "input '%s' has extent %lld on axis %d, expected %lld",
                                           v->name, (long long)v->dims[a], a, (long long)d[a]);
        d[axis] = v->dims[axis] < 0 || d[axis] < 0 ? -1 : d[axis] + v->dims[axis];
        all_k = all_k && v->k;
    }
    if ((st = set_shape(g, n, o, first->rank, d))) return st;
    if (!all_k || first->rank != 1 || d[0] < 0 || d[0] > ADSE_ONNX_MAX_FOLD) return ADSE_OK;
    int64_t res[ADSE_ONNX_MAX_FOLD], k = 0;
    for (int i = 0; i < n->n_in; i++) {
        val *v = in(g, n, i);
        if (!v) continue;
        memcpy(res + k, v->k, (size_t)v->dims[0] * sizeof *res);
        k += v->dims[0];
    }
    return set_values(g, o, res, k);
}

static adse_status infer_gather(graph *g, const node *n)
{
    val *x = in(g, n, 0), *idx = in(g, n, 1), *o = out(g, n, 0);
    if (!has_shape(x) || !has_shape(idx)) return ADSE_OK;
    int axis = 0;
    adse_status st = norm_axis(g, n, attr_int(n, "axis", 0), x->rank, "axis", &axis);
    if (st) return st;
    int rank = x->rank - 1 + idx->rank;
    if (rank > ADSE_ONNX_MAX_RANK)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "output rank above ADSE_ONNX_MAX_RANK");
    int64_t d[ADSE_ONNX_MAX_RANK];
    int r = 0;
    for (int i = 0; i < axis; i++)
        d[r++] = x->dims[i];
    for (int i = 0; i < idx->rank; i++)
        d[r++] = idx->dims[i];
    for (int i = axis + 1; i < x->rank; i++)
        d[r++] = x->dims[i];
    if ((st = set_shape(g, n, o, rank, d))) return st;
    /* fold: data with known values, or a Shape's output (rank 1 known vector) */
    int64_t ni = elems(idx), total = elems(o);
    if (!x->k || !idx->k || ni < 0 || total < 0 || total > ADSE_ONNX_MAX_FOLD) return ADSE_OK;
    int64_t outer = 1, inner = 1, ext = x->dims[axis];
    for (int i = 0; i < axis; i++)
        outer *= x->dims[i];
    for (int i = axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    int64_t res[ADSE_ONNX_MAX_FOLD], k = 0;
    for (int64_t a = 0; a < outer; a++)
        for (int64_t j = 0; j < ni; j++) {
            int64_t ix = idx->k[j] < 0 ? idx->k[j] + ext : idx->k[j];
            if (ix < 0 || ix >= ext)
                return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                           "index %lld is out of range [0, %lld)",
                                           (long long)idx->k[j], (long long)ext);
            for (int64_t b = 0; b < inner; b++)
                res[k++] = x->k[(a * ext + ix) * inner + b];
        }
    return set_values(g, o, res, k);
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static adse_status infer_slice(graph *g, const node *n)
{
    val *x = in(g, n, 0), *o = out(g, n, 0);
    if (!has_shape(x)) return ADSE_OK;
    int64_t ns, ne, na, nst;
    bool attrs = adse__onnx_attr_get(n, "starts") != NULL; /* opset < 10 */
    const int64_t *starts = int_list(g, n, "starts", attrs ? -1 : 1, &ns);
    const int64_t *ends = int_list(g, n, "ends", attrs ? -1 : 2, &ne);
    const int64_t *axes = int_list(g, n, "axes", attrs ? -1 : 3, &na);
    const int64_t *steps = attrs ? NULL : int_list(g, n, NULL, 4, &nst);
    if (attrs) nst = -1;
    if (!starts || !ends || na == -2 || nst == -2) return ADSE_OK;
    if (ns != ne || (axes && na != ns) || (steps && nst != ns))
        return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                   "'starts', 'ends', 'axes' and 'steps' differ in length");
    int64_t d[ADSE_ONNX_MAX_RANK], lo[ADSE_ONNX_MAX_RANK], step[ADSE_ONNX_MAX_RANK];
    memcpy(d, x->dims, (size_t)x->rank * sizeof *d);
    for (int i = 0; i < x->rank; i++)
        lo[i] = 0, step[i] = 1;
    bool seen[ADSE_ONNX_MAX_RANK] = {false};
    for (int i = 0; i < ns; i++) {
        int a = 0;
        adse_status st = norm_axis(g, n, axes ? axes[i] : i, x->rank, "axes", &a);
        if (st) return st;
        if (seen[a]) return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'axes' repeats %d", a);
        seen[a] = true;
        int64_t s = steps ? steps[i] : 1, e = x->dims[a];
        if (s == 0) return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'steps' has a 0");
        if (e < 0) {
            d[a] = -1;
            continue;
        }
        int64_t b = starts[i], en = ends[i];
        if (b < 0) b = b < -e ? 0 : b + e; /* INT64_MIN-safe */
        if (en < 0) en = en < -e ? (s > 0 ? 0 : -1) : en + e;
        if (s > 0) {
            b = clamp(b, 0, e);
            en = clamp(en, 0, e);
            d[a] = en > b ? (en - b + s - 1) / s : 0;
        } else {
            b = clamp(b, 0, e - 1);
            en = clamp(en, -1, e - 1);
            d[a] = b > en ? (b - en + (-s) - 1) / (-s) : 0;
        }
        lo[a] = b;
        step[a] = s;
    }
    adse_status st = set_shape(g, n, o, x->rank, d);
    if (st || !x->k || x->rank != 1 || d[0] < 0) return st;
    int64_t res[ADSE_ONNX_MAX_FOLD];
    for (int64_t i = 0; i < d[0]; i++)
        res[i] = x->k[lo[0] + i * step[0]];
    return set_values(g, o, res, d[0]);
}

static adse_status infer_constant_of_shape(graph *g, const node *n)
{
    int64_t len;
    const int64_t *s = shape_input(g, n, 0, &len);
    val *o = out(g, n, 0);
    if (!s) return ADSE_OK;
    if (len > ADSE_ONNX_MAX_RANK)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "shape of rank %lld", (long long)len);
    for (int i = 0; i < len; i++)
        if (s[i] < 0)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "shape has extent %lld", (long long)s[i]);
    adse_status st = set_shape(g, n, o, (int)len, s);
    int64_t total = elems(o);
    const adse__onnx_attr *a = adse__onnx_attr_get(n, "value");
    if (st || total < 0 || total > ADSE_ONNX_MAX_FOLD) return st;
    int64_t v = 0;
    if (a && a->t) {
        if (adse__onnx_tensor_elems(a->t) != 1) return ADSE_OK;
        if (a->t->dtype != ADSE__ONNX_INT64 && a->t->dtype != ADSE__ONNX_INT32) return ADSE_OK;
        char what[ADSE_NAME_MAX * 2 + 64];
        snprintf(what, sizeof what, "node '%s' (%s): attribute 'value'", n->name, n->op);
        if ((st = adse__onnx_tensor_ints(g->m, a->t, 1, &v, what, g->err))) return st;
    }
    int64_t res[ADSE_ONNX_MAX_FOLD];
    for (int64_t i = 0; i < total; i++)
        res[i] = v;
    return set_values(g, o, res, total);
}

static adse_status infer_expand(graph *g, const node *n)
{
    val *x = in(g, n, 0), *o = out(g, n, 0);
    int64_t len;
    const int64_t *s = shape_input(g, n, 1, &len);
    if (!s || !has_shape(x)) return ADSE_OK;
    if (len > ADSE_ONNX_MAX_RANK)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "shape of rank %lld", (long long)len);
    int rank = x->rank > len ? x->rank : (int)len;
    int64_t d[ADSE_ONNX_MAX_RANK];
    for (int i = 0; i < rank; i++) {
        int xi = i - (rank - x->rank), si = i - (rank - (int)len);
        int64_t a = xi >= 0 ? x->dims[xi] : 1, b = si >= 0 ? s[si] : 1;
        if (b < 0 || (a != b && a != 1 && b != 1 && a >= 0))
            return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                       "cannot expand extent %lld to %lld on axis %d", (long long)a,
                                       (long long)b, i);
        d[i] = a == 1 ? b : a;
    }
    return set_shape(g, n, o, rank, d);
}

static adse_status infer_split(graph *g, const node *n)
{
    val *x = in(g, n, 0);
    if (!has_shape(x)) return ADSE_OK;
    int axis = 0;
    adse_status st = norm_axis(g, n, attr_int(n, "axis", 0), x->rank, "axis", &axis);
    if (st) return st;
    int64_t cnt;
    const int64_t *split = int_list(g, n, "split", 1, &cnt);
    if (cnt == -2 || x->dims[axis] < 0) return ADSE_OK;
    if (split && cnt != n->n_out)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'split' has %lld values for %d outputs",
                                   (long long)cnt, n->n_out);
    int64_t e = x->dims[axis], sum = 0;
    for (int i = 0; i < n->n_out; i++) {
        int64_t d[ADSE_ONNX_MAX_RANK];
        memcpy(d, x->dims, (size_t)x->rank * sizeof *d);
        int64_t part = (e + n->n_out - 1) / n->n_out;
        d[axis] = split ? split[i] : (i < n->n_out - 1 ? part : e - part * (n->n_out - 1));
        if (d[axis] < 0)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "split extent %lld", (long long)d[axis]);
        sum += d[axis];
        if ((st = set_shape(g, n, out(g, n, i), x->rank, d))) return st;
    }
    if (sum != e)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "split extents add to %lld, not %lld",
                                   (long long)sum, (long long)e);
    return ADSE_OK;
}

static adse_status infer_reduce(graph *g, const node *n)
{
    val *x = in(g, n, 0);
    if (!has_shape(x)) return ADSE_OK;
    int64_t cnt;
    const int64_t *axes = int_list(g, n, "axes", 1, &cnt);
    if (cnt == -2) return ADSE_OK;
    bool keep = attr_int(n, "keepdims", 1) != 0;
    bool red[ADSE_ONNX_MAX_RANK] = {false};
    if (!axes || cnt == 0) {
        if (attr_int(n, "noop_with_empty_axes", 0)) return copy_shape(g, n, out(g, n, 0), x);
        for (int i = 0; i < x->rank; i++)
            red[i] = true;
    }
    for (int i = 0; axes && i < cnt; i++) {
        int a = 0;
        adse_status st = norm_axis(g, n, axes[i], x->rank, "axes", &a);
        if (st) return st;
        red[a] = true;
    }
    int64_t d[ADSE_ONNX_MAX_RANK];
    int rank = 0;
    for (int i = 0; i < x->rank; i++)
        if (!red[i])
            d[rank++] = x->dims[i];
        else if (keep)
            d[rank++] = 1;
    return set_shape(g, n, out(g, n, 0), rank, d);
}

static adse_status infer_range(graph *g, const node *n)
{
    val *s = in(g, n, 0), *l = in(g, n, 1), *dl = in(g, n, 2), *o = out(g, n, 0);
    if (!s || !l || !dl || !s->k || !l->k || !dl->k || dl->k[0] == 0) return ADSE_OK;
    int64_t a = s->k[0], b = l->k[0], st = dl->k[0];
    if ((b > a && b - a < 0) || (a > b && a - b < 0)) return ADSE_OK; /* overflow */
    int64_t len =
        st > 0 ? (b > a ? (b - a + st - 1) / st : 0) : (a > b ? (a - b + (-st) - 1) / (-st) : 0);
    adse_status r = set_shape(g, n, o, 1, &len);
    if (r || len > ADSE_ONNX_MAX_FOLD) return r;
    int64_t res[ADSE_ONNX_MAX_FOLD];
    for (int64_t i = 0; i < len; i++)
        res[i] = a + i * st;
    return set_values(g, o, res, len);
}

static adse_status infer_pad(graph *g, const node *n)
{
    val *x = in(g, n, 0);
    if (!has_shape(x)) return ADSE_OK;
    int64_t cnt;
    const int64_t *pads = int_list(g, n, "pads", 1, &cnt);
    if (!pads || n->n_in > 3) return ADSE_OK; /* opset 18 axes: not inferred */
    if (cnt != 2 * x->rank)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'pads' has %lld values for rank %d",
                                   (long long)cnt, x->rank);
    int64_t d[ADSE_ONNX_MAX_RANK];
    for (int i = 0; i < x->rank; i++) {
        d[i] = x->dims[i] < 0 ? -1 : x->dims[i] + pads[i] + pads[i + x->rank];
        if (x->dims[i] >= 0 &&
            (d[i] < 0 || pads[i] < -ADSE_ONNX_MAX_DIM || pads[i] > ADSE_ONNX_MAX_DIM ||
             pads[i + x->rank] > ADSE_ONNX_MAX_DIM || pads[i + x->rank] < -ADSE_ONNX_MAX_DIM))
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "'pads' give a negative extent");
    }
    return set_shape(g, n, out(g, n, 0), x->rank, d);
}

/* ---- dispatch ----------------------------------------------------------------------------- */

typedef adse_status (*infer_fn)(graph *, const node *);

static const struct {
    const char *op;
    infer_fn fn;
} rules[] = {
    {"Conv", infer_conv},
    {"Gemm", infer_gemm},
    {"MatMul", infer_matmul},
    {"MaxPool", infer_pool},
    {"AveragePool", infer_pool},
    {"LpPool", infer_pool},
    {"GlobalAveragePool", infer_pool},
    {"GlobalMaxPool", infer_pool},
    {"Add", infer_elementwise},
    {"Sub", infer_elementwise},
    {"Mul", infer_elementwise},
    {"Div", infer_elementwise},
    {"Mod", infer_elementwise},
    {"Pow", infer_elementwise},
    {"Equal", infer_elementwise},
    {"Less", infer_elementwise},
    {"Greater", infer_elementwise},
    {"LessOrEqual", infer_elementwise},
    {"GreaterOrEqual", infer_elementwise},
    {"And", infer_elementwise},
    {"Or", infer_elementwise},
    {"Xor", infer_elementwise},
    {"Max", infer_elementwise},
    {"Min", infer_elementwise},
    {"Sum", infer_elementwise},
    {"Mean", infer_elementwise},
    {"Where", infer_elementwise},
    {"PRelu", infer_elementwise},
    {"Identity", infer_unary},
    {"Cast", infer_unary},
    {"CastLike", infer_unary},
    {"Neg", infer_unary},
    {"Relu", infer_unary},
    {"LeakyRelu", infer_unary},
    {"Elu", infer_unary},
    {"Selu", infer_unary},
    {"Celu", infer_unary},
    {"Sigmoid", infer_unary},
    {"HardSigmoid", infer_unary},
    {"HardSwish", infer_unary},
    {"Tanh", infer_unary},
    {"Erf", infer_unary},
    {"Gelu", infer_unary},
    {"Mish", infer_unary},
    {"Softplus", infer_unary},
    {"Softsign", infer_unary},
    {"Sqrt", infer_unary},
    {"Exp", infer_unary},
    {"Log", infer_unary},
    {"Abs", infer_unary},
    {"Reciprocal", infer_unary},
    {"Floor", infer_unary},
    {"Ceil", infer_unary},
    {"Round", infer_unary},
    {"Sign", infer_unary},
    {"Sin", infer_unary},
    {"Cos", infer_unary},
    {"Not", infer_unary},
    {"Clip", infer_unary},
    {"Softmax", infer_unary},
    {"LogSoftmax", infer_unary},
    {"Hardmax", infer_unary},
    {"LRN", infer_unary},
    {"LpNormalization", infer_unary},
    {"InstanceNormalization", infer_unary},
    {"Trilu", infer_unary},
    {"CumSum", infer_unary},
    {"BatchNormalization", infer_first_output},
    {"LayerNormalization", infer_first_output},
    {"GroupNormalization", infer_first_output},
    {"Dropout", infer_dropout},
    {"Shape", infer_shape_op},
    {"Size", infer_size},
    {"Constant", infer_constant},
    {"ConstantOfShape", infer_constant_of_shape},
    {"Reshape", infer_reshape},
    {"Flatten", infer_flatten},
    {"Transpose", infer_transpose},
    {"Unsqueeze", infer_unsqueeze},
    {"Squeeze", infer_squeeze},
    {"Concat", infer_concat},
    {"Gather", infer_gather},
    {"Slice", infer_slice},
    {"Expand", infer_expand},
    {"Split", infer_split},
    {"ReduceMean", infer_reduce},
    {"ReduceSum", infer_reduce},
    {"ReduceMax", infer_reduce},
    {"ReduceMin", infer_reduce},
    {"ReduceProd", infer_reduce},
    {"ReduceL2", infer_reduce},
    {"ReduceSumSquare", infer_reduce},
    {"Range", infer_range},
    {"Pad", infer_pad},
};

adse_status adse__onnx_infer(graph *g, const node *n)
{
    if (n->domain[0] && strcmp(n->domain, "ai.onnx") != 0) return ADSE_OK;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (!strcmp(rules[i].op, n->op)) return rules[i].fn(g, n);
    return ADSE_OK;
}
