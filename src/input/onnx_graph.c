/*
 * ONNX model -> adse_network: the graph's values in a hash table, the nodes visited in
 * topological order (the file's order when it is one, as ONNX requires; otherwise Kahn's
 * order; a cycle is an error naming a node on it), shapes from value_info or adse's own
 * propagation (onnx_shape.c), and each compute node (Conv, Gemm, MatMul) turned into a
 * CNN-Layer or Grouped-CNN-Layer problem (docs/networks.md). Every other node is counted
 * as not modeled.
 */
#include "input/internal.h"
#include "input/onnx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef adse__onnx_val val;
typedef adse__onnx_graph graph;
typedef adse__onnx_node node;

/* Integer arrays allocated during propagation (folded constants), freed with the graph. */
typedef struct int_block {
    struct int_block *next;
    int64_t v[];
} int_block;

typedef struct graph_state {
    graph g;
    int_block *blocks;
} graph_state;

adse_status adse__onnx_node_err(const graph *g, const node *n, adse_status code, const char *fmt,
                                ...)
{
    char msg[ADSE_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return adse_err_set(g->err, code, g->m->file, 0, 0, "node '%.*s' (%.*s): %s", ADSE_NAME_MAX,
                        n->name, ADSE_OP_NAME_MAX, n->op, msg);
}

int64_t *adse__onnx_alloc_ints(graph *g, int64_t n)
{
    graph_state *s = (graph_state *)g;
    int_block *b = calloc(1, sizeof *b + (size_t)n * sizeof(int64_t));
    if (!b) return NULL;
    b->next = s->blocks;
    s->blocks = b;
    return b->v;
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

adse__onnx_val *adse__onnx_val_get(const graph *g, const char *name)
{
    if (!name || !name[0]) return NULL;
    for (uint32_t i = hash(name) & (g->n_slots - 1);; i = (i + 1) & (g->n_slots - 1)) {
        int s = g->slots[i];
        if (!s) return NULL;
        if (!strcmp(g->vals[s - 1].name, name)) return &g->vals[s - 1];
    }
}

/* Adds a value; *dup is set to the existing one when the name is taken. */
static val *add_val(graph *g, const char *name, val **dup)
{
    *dup = NULL;
    uint32_t i = hash(name) & (g->n_slots - 1);
    for (; g->slots[i]; i = (i + 1) & (g->n_slots - 1))
        if (!strcmp(g->vals[g->slots[i] - 1].name, name)) {
            *dup = &g->vals[g->slots[i] - 1];
            return NULL;
        }
    val *v = &g->vals[g->n_vals++];
    memset(v, 0, sizeof *v);
    v->name = name;
    v->rank = -1;
    v->producer = -1;
    g->slots[i] = g->n_vals;
    return v;
}

static void set_from_vi(val *v, const adse__onnx_vi *vi)
{
    if (vi->elem) v->elem = vi->elem;
    if (vi->rank < 0) return;
    v->rank = vi->rank;
    memcpy(v->dims, vi->dims, (size_t)vi->rank * sizeof *vi->dims);
}

static bool vi_static(const adse__onnx_vi *vi)
{
    if (vi->rank < 0) return false;
    for (int i = 0; i < vi->rank; i++)
        if (vi->dims[i] < 0) return false;
    return true;
}

static void format_shape(const int64_t *d, int rank, char *buf, size_t size)
{
    size_t k = 0;
    k += (size_t)snprintf(buf + k, size - k, "[");
    for (int i = 0; i < rank && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%lld", i ? ", " : "", (long long)d[i]);
    if (k < size) snprintf(buf + k, size - k, "]");
}

/* ---- compute layers -------------------------------------------------------------------- */

enum { WSTRIDE, HSTRIDE, WDILATION, HDILATION };

static void set_bound(adse_problem *p, char dim, int64_t v)
{
    p->bounds[adse_problem_dim_id(p, dim)] = (uint64_t)v;
}

/* The input value i of n with a static shape, or an error naming why not. */
static adse_status need_shape(const graph *g, const node *n, int i, const val **out)
{
    const val *v = i < n->n_in ? adse__onnx_val_get(g, n->in[i]) : NULL;
    if (!v) return adse__onnx_node_err(g, n, ADSE_E_SPEC, "missing input %d", i);
    bool known = v->rank >= 0;
    for (int a = 0; known && a < v->rank; a++)
        known = v->dims[a] >= 0;
    if (known) {
        *out = v;
        return ADSE_OK;
    }
    if (v->producer >= 0) {
        const node *p = &g->m->nodes[v->producer];
        return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                   "the shape of input '%s' cannot be inferred: it comes from "
                                   "node '%s' (%s)%s and the model gives no value_info for it",
                                   v->name, p->name, p->op,
                                   v->rank < 0 ? "" : ", which leaves extents unknown");
    }
    return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                               "the shape of input '%s' is %s: give the graph input a fixed shape",
                               v->name, v->rank < 0 ? "not given" : "symbolic");
}

static adse_status lower_conv(graph *g, const node *n, adse_problem *p, bool *modeled)
{
    const val *x, *w, *y;
    adse_status st;
    if ((st = need_shape(g, n, 0, &x)) || (st = need_shape(g, n, 1, &w))) return st;
    y = n->n_out ? adse__onnx_val_get(g, n->out[0]) : NULL;
    if (!y || y->rank != x->rank)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "has no output of rank %d", x->rank);
    if (x->rank != 3 && x->rank != 4) { /* 3-D convolutions do not fit the cnn-layer shape */
        *modeled = false;
        return ADSE_OK;
    }
    int64_t group = 1;
    const adse__onnx_attr *a = adse__onnx_attr_get(n, "group");
    if (a) group = a->i;
    bool two_d = x->rank == 4;
    const adse__onnx_attr *str = adse__onnx_attr_get(n, "strides"),
                          *dil = adse__onnx_attr_get(n, "dilations");
    adse_problem_init_layer(p, group > 1);
    set_bound(p, 'N', x->dims[0]);
    set_bound(p, 'C', w->dims[1]);
    set_bound(p, 'M', w->dims[0] / group);
    if (group > 1) set_bound(p, 'G', group);
    /* width (the last axis) is R, P, Wstride; height S, Q, Hstride (Timeloop's projection) */
    int wa = two_d ? 3 : 2;
    set_bound(p, 'R', w->dims[wa]);
    set_bound(p, 'P', y->dims[wa]);
    p->coef_values[WSTRIDE] = str ? str->ints[wa - 2] : 1;
    p->coef_values[WDILATION] = dil ? dil->ints[wa - 2] : 1;
    if (two_d) {
        set_bound(p, 'S', w->dims[2]);
        set_bound(p, 'Q', y->dims[2]);
        p->coef_values[HSTRIDE] = str ? str->ints[0] : 1;
        p->coef_values[HDILATION] = dil ? dil->ints[0] : 1;
    }
    *modeled = true;
    return ADSE_OK;
}

/* A matrix product rows x inner x cols, batch independent products (batch > 1 when both
 * operands carry the batch, so that no weight is shared across it). */
static void matmul_problem(adse_problem *p, int64_t batch, int64_t rows, int64_t inner,
                           int64_t cols)
{
    adse_problem_init_layer(p, batch > 1);
    set_bound(p, 'P', rows);
    set_bound(p, 'C', inner);
    set_bound(p, 'M', cols);
    if (batch > 1) set_bound(p, 'G', batch);
}

static adse_status lower_gemm(graph *g, const node *n, adse_problem *p)
{
    const val *a, *b;
    adse_status st;
    if ((st = need_shape(g, n, 0, &a)) || (st = need_shape(g, n, 1, &b))) return st;
    const adse__onnx_attr *ta = adse__onnx_attr_get(n, "transA"),
                          *tb = adse__onnx_attr_get(n, "transB");
    bool tra = ta && ta->i, trb = tb && tb->i;
    matmul_problem(p, 1, a->dims[tra ? 1 : 0], a->dims[tra ? 0 : 1], b->dims[trb ? 0 : 1]);
    return ADSE_OK;
}

static adse_status lower_matmul(graph *g, const node *n, adse_problem *p)
{
    const val *a, *b;
    adse_status st;
    if ((st = need_shape(g, n, 0, &a)) || (st = need_shape(g, n, 1, &b))) return st;
    int64_t rows = a->rank >= 2 ? a->dims[a->rank - 2] : 1, inner = a->dims[a->rank - 1];
    int64_t cols = b->rank >= 2 ? b->dims[b->rank - 1] : 1;
    int64_t batch_b = 1, batch = 1;
    for (int i = 0; i + 2 < b->rank; i++)
        batch_b *= b->dims[i];
    /* the broadcast batch (infer_matmul checked the extents) */
    int ra = a->rank >= 2 ? a->rank - 2 : 0, rb = b->rank >= 2 ? b->rank - 2 : 0;
    int rank = ra > rb ? ra : rb;
    for (int i = 0; i < rank; i++) {
        int ia = i - (rank - ra), ib = i - (rank - rb);
        int64_t ea = ia >= 0 ? a->dims[ia] : 1, eb = ib >= 0 ? b->dims[ib] : 1;
        batch *= ea == 1 ? eb : ea;
    }
    if (batch_b == 1) /* B shared by every row of A: one product with the batch as rows */
        matmul_problem(p, 1, batch * rows, inner, cols);
    else
        matmul_problem(p, batch, rows, inner, cols);
    return ADSE_OK;
}

static adse_status add_compute(graph *g, const node *n, int index, adse_network *net)
{
    adse_problem p;
    bool modeled = true;
    adse_status st;
    if (!strcmp(n->op, "Conv"))
        st = lower_conv(g, n, &p, &modeled);
    else if (!strcmp(n->op, "Gemm"))
        st = lower_gemm(g, n, &p);
    else
        st = lower_matmul(g, n, &p);
    if (st) return st;
    if (!modeled) return adse_network_add_skipped(net, "Conv (3-D)", g->err);
    for (int x = 0; x < p.n_dims; x++)
        if (p.bounds[x] == 0)
            return adse__onnx_node_err(g, n, ADSE_E_SPEC, "has an empty tensor (extent 0)");
    adse_problem_resolve_coefs(&p);
    adse_err e2;
    adse_err_clear(&e2);
    if (adse_problem_validate(&p, &e2) != ADSE_OK)
        return adse__onnx_node_err(g, n, ADSE_E_SPEC, "%s", e2.msg);
    char name[ADSE_NAME_MAX];
    if (n->name[0])
        snprintf(name, sizeof name, "%s", n->name);
    else
        snprintf(name, sizeof name, "%s_%d", n->op, index);
    return adse_network_add_layer(net, name, n->op, &p, g->err);
}

/* ---- the walk --------------------------------------------------------------------------- */

static bool is_compute(const node *n)
{
    if (n->domain[0] && strcmp(n->domain, "ai.onnx") != 0) return false;
    return !strcmp(n->op, "Conv") || !strcmp(n->op, "Gemm") || !strcmp(n->op, "MatMul");
}

/* Visit order: the file's when topological, else Kahn's; a cycle is an error. */
static adse_status visit_order(graph *g, int *order)
{
    const adse__onnx_model *m = g->m;
    bool sorted = true;
    for (int i = 0; i < m->n_nodes && sorted; i++)
        for (int j = 0; j < m->nodes[i].n_in && sorted; j++) {
            const val *v = adse__onnx_val_get(g, m->nodes[i].in[j]);
            if (v && v->producer >= i) sorted = false;
        }
    if (sorted) {
        for (int i = 0; i < m->n_nodes; i++)
            order[i] = i;
        return ADSE_OK;
    }
    int *pending = calloc((size_t)m->n_nodes, sizeof *pending);
    int *users_n = calloc((size_t)m->n_nodes + 1, sizeof *users_n);
    if (!pending || !users_n) {
        free(pending);
        free(users_n);
        return adse_err_set(g->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* edges producer -> consumer, in CSR form */
    size_t n_edges = 0;
    for (int i = 0; i < m->n_nodes; i++)
        for (int j = 0; j < m->nodes[i].n_in; j++) {
            const val *v = adse__onnx_val_get(g, m->nodes[i].in[j]);
            if (v && v->producer >= 0) {
                users_n[v->producer + 1]++;
                pending[i]++;
                n_edges++;
            }
        }
    for (int i = 0; i < m->n_nodes; i++)
        users_n[i + 1] += users_n[i];
    int *users = malloc((n_edges ? n_edges : 1) * sizeof *users);
    int *fill = calloc((size_t)m->n_nodes, sizeof *fill);
    if (!users || !fill) {
        free(pending);
        free(users_n);
        free(users);
        free(fill);
        return adse_err_set(g->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (int i = 0; i < m->n_nodes; i++)
        for (int j = 0; j < m->nodes[i].n_in; j++) {
            const val *v = adse__onnx_val_get(g, m->nodes[i].in[j]);
            if (v && v->producer >= 0) users[users_n[v->producer] + fill[v->producer]++] = i;
        }
    int head = 0, tail = 0;
    for (int i = 0; i < m->n_nodes; i++)
        if (!pending[i]) order[tail++] = i;
    while (head < tail) {
        int u = order[head++];
        for (int e = users_n[u]; e < users_n[u + 1]; e++)
            if (--pending[users[e]] == 0) order[tail++] = users[e];
    }
    adse_status st = ADSE_OK;
    if (tail < m->n_nodes) {
        int i = 0;
        while (!pending[i])
            i++;
        st = adse__onnx_node_err(g, &m->nodes[i], ADSE_E_SPEC,
                                 "the graph has a cycle through this node");
    }
    free(pending);
    free(users_n);
    free(users);
    free(fill);
    return st;
}

static adse_status build_values(graph *g)
{
    const adse__onnx_model *m = g->m;
    adse_status st;
    val *dup;
    for (int i = 0; i < m->n_inits; i++) {
        const adse__onnx_tensor *t = &m->inits[i];
        val *v = add_val(g, t->name, &dup);
        if (!v)
            return adse_err_set(g->err, ADSE_E_SPEC, m->file, 0, 0,
                                "initializer '%s' is defined twice", t->name);
        v->rank = t->rank;
        memcpy(v->dims, t->dims, (size_t)t->rank * sizeof *t->dims);
        v->elem = t->dtype;
        int64_t cnt = adse__onnx_tensor_elems(t);
        bool integer = t->dtype == ADSE__ONNX_INT64 || t->dtype == ADSE__ONNX_INT32;
        if (cnt >= 0 && integer && !t->external) {
            if (!(v->k = adse__onnx_alloc_ints(g, cnt ? cnt : 1)))
                return adse_err_set(g->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
            char what[ADSE_NAME_MAX + 32];
            snprintf(what, sizeof what, "initializer '%.*s'", ADSE_NAME_MAX, t->name);
            if ((st = adse__onnx_tensor_ints(m, t, cnt, v->k, what, g->err))) return st;
        }
    }
    for (int i = 0; i < m->n_inputs; i++) {
        const adse__onnx_vi *vi = &m->inputs[i];
        val *v = add_val(g, vi->name, &dup);
        if (!v) { /* an initializer also listed as an input (IR < 4): its data wins */
            if (dup->rank < 0) set_from_vi(dup, vi);
            continue;
        }
        set_from_vi(v, vi);
    }
    for (int i = 0; i < m->n_nodes; i++) {
        const node *n = &m->nodes[i];
        for (int j = 0; j < n->n_out; j++) {
            if (!n->out[j][0]) continue;
            val *v = add_val(g, n->out[j], &dup);
            if (!v)
                return adse__onnx_node_err(g, n, ADSE_E_SPEC, "output '%s' is already %s",
                                           n->out[j],
                                           dup->producer >= 0 ? "computed by another node"
                                                              : "a graph input or initializer");
            v->producer = i;
        }
    }
    for (int i = 0; i < m->n_nodes; i++) {
        const node *n = &m->nodes[i];
        for (int j = 0; j < n->n_in; j++)
            if (n->in[j][0] && !adse__onnx_val_get(g, n->in[j]))
                return adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                           "input '%s' is not computed by any node, nor a graph "
                                           "input or initializer",
                                           n->in[j]);
    }
    return ADSE_OK;
}

/* Declared shapes of values, by value index (NULL when none), built once. */
static adse_status declared_shapes(graph *g, const adse_onnx_options *opts,
                                   const adse__onnx_vi ***out)
{
    const adse__onnx_model *m = g->m;
    const adse__onnx_vi **d = calloc((size_t)g->n_vals + 1, sizeof *d);
    if (!d) return adse_err_set(g->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    for (int pass = 0; pass < 2; pass++) {
        int cnt = pass ? m->n_outputs : m->n_vis;
        const adse__onnx_vi *list = pass ? m->outputs : m->vis;
        if (!pass && opts->ignore_value_info) continue;
        for (int i = 0; i < cnt; i++) {
            val *v = adse__onnx_val_get(g, list[i].name);
            if (v && v->producer >= 0 && !d[v - g->vals]) d[v - g->vals] = &list[i];
        }
    }
    *out = d;
    return ADSE_OK;
}

adse_status adse__onnx_to_network(const adse__onnx_model *m, const adse_onnx_options *opts,
                                  adse_network *net, adse_err *err)
{
    adse_onnx_options defaults;
    adse_onnx_options_init(&defaults);
    if (!opts) opts = &defaults;
    graph_state s = {.g = {.m = m, .err = err}};
    graph *g = &s.g;
    int64_t n_vals = (int64_t)m->n_inits + m->n_inputs;
    for (int i = 0; i < m->n_nodes; i++)
        n_vals += m->nodes[i].n_out;
    uint32_t n_slots = 16;
    while (n_slots < 2 * n_vals)
        n_slots *= 2;
    g->n_slots = n_slots;
    g->vals = malloc((size_t)(n_vals + 1) * sizeof *g->vals);
    g->slots = calloc(n_slots, sizeof *g->slots);
    int *order = malloc(((size_t)m->n_nodes + 1) * sizeof *order);
    const adse__onnx_vi **decl = NULL;
    adse_status st = ADSE_OK;
    if (!g->vals || !g->slots || !order) {
        st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if ((st = build_values(g)) || (st = visit_order(g, order)) ||
        (st = declared_shapes(g, opts, &decl)))
        goto done;
    for (int oi = 0; oi < m->n_nodes; oi++) {
        const node *n = &m->nodes[order[oi]];
        if ((st = adse__onnx_infer(g, n))) goto done;
        for (int j = 0; j < n->n_out; j++) {
            val *v = adse__onnx_val_get(g, n->out[j]);
            const adse__onnx_vi *vi = v ? decl[v - g->vals] : NULL;
            if (!vi) continue;
            if (v->rank < 0 || !vi_static(vi)) {
                if (v->rank < 0) set_from_vi(v, vi);
                continue;
            }
            bool same = v->rank == vi->rank;
            for (int a = 0; same && a < v->rank; a++)
                same = v->dims[a] < 0 || v->dims[a] == vi->dims[a];
            if (!same) {
                char s1[256], s2[256];
                format_shape(vi->dims, vi->rank, s1, sizeof s1);
                format_shape(v->dims, v->rank, s2, sizeof s2);
                st = adse__onnx_node_err(g, n, ADSE_E_SPEC,
                                         "output '%s' has shape %s in the model but %s by "
                                         "adse's shape inference",
                                         v->name, s1, s2);
                goto done;
            }
            set_from_vi(v, vi); /* fills extents inference left unknown */
        }
        if (is_compute(n))
            st = add_compute(g, n, order[oi], net);
        else if (n->domain[0] && strcmp(n->domain, "ai.onnx") != 0) {
            char op[ADSE_OP_NAME_MAX];
            snprintf(op, sizeof op, "%s:%s", n->domain, n->op);
            st = adse_network_add_skipped(net, op, err);
        } else
            st = adse_network_add_skipped(net, n->op, err);
        if (st) goto done;
    }
done:
    while (s.blocks) {
        int_block *b = s.blocks->next;
        free(s.blocks);
        s.blocks = b;
    }
    free(decl);
    free(g->vals);
    free(g->slots);
    free(order);
    return st;
}

void adse_onnx_options_init(adse_onnx_options *o)
{
    memset(o, 0, sizeof *o);
}

adse_status adse_network_load_onnx_buffer(const void *data, size_t size, const char *name,
                                          const adse_onnx_options *opts, adse_network **out,
                                          adse_err *err)
{
    *out = NULL;
    adse__onnx_model m;
    adse_status st = adse__onnx_decode(data, size, name, &m, err);
    if (st) return st;
    /* the network's name: the file's stem (exporters name every graph alike, "torch_jit" or
     * "main_graph") */
    char base[ADSE_NAME_MAX];
    adse__path_stem(name, base, sizeof base);
    adse_network *net = adse_network_new(base[0] ? base : m.graph_name);
    if (!net)
        st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    else
        st = adse__onnx_to_network(&m, opts, net, err);
    adse__onnx_model_release(&m);
    if (st) {
        adse_network_free(net);
        return st;
    }
    *out = net;
    return ADSE_OK;
}

adse_status adse_network_load_onnx(const char *path, const adse_onnx_options *opts,
                                   adse_network **out, adse_err *err)
{
    *out = NULL;
    char *buf;
    size_t len;
    adse_status st =
        adse__read_file_max(path, ADSE_ONNX_MAX_BYTES, "ADSE_ONNX_MAX_BYTES", &buf, &len, err);
    if (st) return st;
    st = adse_network_load_onnx_buffer(buf, len, path, opts, out, err);
    free(buf);
    return st;
}
