/*
 * The v0.4 `nodes` architecture -> the classic tree (see v04.h): the walk of timeloopfe's
 * v4-to-v3 transpiler, with its constraint processors run on the nodes first.
 */
#include "input/v04.h"

#include "input/internal.h"
#include "input/v04_expr.h"
#include "util/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N_CONTAINER, N_COMPONENT, N_NOTHING, N_PARALLEL, N_BRANCH };
enum { C_STORAGE, C_COMPUTE, C_NETWORK, C_NOTHING };

static const char *const container_keys[] = {
    "name", "attributes", "spatial", "constraints", "sparse_optimizations", "networks", NULL};
static const char *const component_keys[] = {"name",
                                             "class",
                                             "subclass",
                                             "attributes",
                                             "spatial",
                                             "constraints",
                                             "sparse_optimizations",
                                             "required_actions",
                                             "area_scale",
                                             "energy_scale",
                                             "enabled",
                                             NULL};
static const char *const branch_keys[] = {"nodes", NULL};
static const char *const spatial_keys[] = {"meshX", "meshY", NULL};

typedef struct leaf {
    const adse__ynode *node;
    const char *name;
    int kind;   /* N_CONTAINER, N_COMPONENT, N_NOTHING */
    int cclass; /* components: C_* */
    bool enabled;
    bool in_parallel; /* a direct child of a !Parallel */
    uint64_t mesh_x, mesh_y;
    const adse__ynode *attrs; /* the attributes, expressions evaluated (NULL: none) */
    adse__v04_cons cons;
} leaf;

typedef struct ctx {
    adse__ydoc *doc;
    adse__warnings *w;
    adse__v04_info *info;
    /* every leaf's name, in the order collect() reaches them, and each leaf as expressions
     * see it once evaluated (scope->node_names, scope->nodes) */
    const char **names;
    const adse__ynode **views;
    int n_names;
    adse_err *err;
    const adse__v04_problem *prob;
    adse__v04_scope *scope; /* variables, then the containers' attributes so far */
    leaf *leaves;
    int n, cap;
} ctx;

#define BUILD(x)                                                                                   \
    do {                                                                                           \
        if (!(x)) return adse__ydoc_build_status(c->doc, NULL, c->err);                            \
    } while (0)

/* ---- reading the nodes --------------------------------------------------------------- */

static int node_kind(const adse__ynode *n)
{
    const char *t = n->tag ? n->tag : "";
    if (strcmp(t, "!Container") == 0) return N_CONTAINER;
    if (strcmp(t, "!Component") == 0) return N_COMPONENT;
    if (strcmp(t, "!Nothing") == 0) return N_NOTHING;
    if (strcmp(t, "!Parallel") == 0) return N_PARALLEL;
    if (strcmp(t, "!Hierarchical") == 0 || strcmp(t, "!Pipelined") == 0) return N_BRANCH;
    return -1;
}

/* timeloopfe's component_factory: Timeloop's class rule, then `nothing`. */
static int class_kind(const char *cls)
{
    switch (adse__arch_classify(cls)) {
    case ADSE__COMP_BUFFER: return C_STORAGE;
    case ADSE__COMP_ARITH: return C_COMPUTE;
    case ADSE__COMP_NETWORK: return C_NETWORK;
    case ADSE__COMP_OTHER: break;
    }
    return strstr(cls, "nothing") ? C_NOTHING : -1;
}

static adse_status read_mesh(ctx *c, leaf *l)
{
    l->mesh_x = l->mesh_y = 1;
    const adse__ynode *sp = adse__ymap_get(l->node, "spatial");
    if (adse__ynode_is_null(sp)) return ADSE_OK;
    adse_status st = adse__yexpect(sp, ADSE__YMAP, "spatial", c->err);
    if (!st) st = adse__ycheck_keys(sp, spatial_keys, "'spatial'", c->err);
    if (st) return st;
    const char *axis[2] = {"meshX", "meshY"};
    uint64_t *out[2] = {&l->mesh_x, &l->mesh_y};
    for (int i = 0; i < 2; i++) {
        const adse__ynode *v = adse__ymap_get(sp, axis[i]);
        if (!v) continue;
        if (!adse__yscalar_u64(v, out[i]) && adse__ynode_is_scalar(v) && v->plain) {
            jval x; /* an expression: timeloopfe evaluates what is not an int */
            char what[ADSE_NAME_MAX + 32];
            snprintf(what, sizeof what, "'%s' of '%.*s'", axis[i], ADSE_NAME_MAX - 1, l->name);
            if ((st = adse__v04_value(c->scope, v, what, &x, c->err))) return st;
            if (x.k == J_INT && x.i >= 1 && x.i <= UINT32_MAX) {
                *out[i] = (uint64_t)x.i;
                continue;
            }
            *out[i] = 0;
        }
        if (!adse__yscalar_u64(v, out[i]) || *out[i] == 0 || *out[i] > UINT32_MAX)
            return adse__yerr(c->err, ADSE_E_SPEC, v,
                              "'%s' of '%s' must be a positive integer, got '%s'", axis[i], l->name,
                              adse__ynode_text(v) ? v->text : adse__ynode_kind_name(v));
    }
    return ADSE_OK;
}

/* Records that an expression (at) reads attribute key of node (scope->on_read). */
static void note_read(void *user, const char *node, const char *key, const adse__ynode *at)
{
    ctx *c = user;
    adse__v04_info *info = c->info;
    for (int i = 0; i < info->n_reads; i++)
        if (strcmp(info->reads[i].node, node) == 0 && adse__ykey_eq(info->reads[i].key, key))
            return;
    /* the key lives in the expression's memory: a copy in the doc (node is the doc's) */
    const char *kept = adse__ydoc_intern(c->doc, key);
    if (!kept || info->n_reads == (int)(sizeof info->reads / sizeof *info->reads)) {
        info->reads_cut = true; /* then any attribute may be read */
        return;
    }
    info->reads[info->n_reads].node = node;
    info->reads[info->n_reads].key = kept;
    info->reads[info->n_reads].at = at;
    info->n_reads++;
}

/* l's attributes with their expressions evaluated, each in the scope of the variables, the
 * containers' attributes so far and the node's earlier attributes (timeloopfe's symbol
 * table); a container's stay in the scope for every later node. */
static adse_status eval_attrs(ctx *c, leaf *l, bool keep, adse__ynode *view)
{
    const adse__ynode *a = adse__ymap_get(l->node, "attributes");
    l->attrs = NULL;
    adse__ynode *m = adse__ynew_map(c->doc, a ? a : l->node);
    if (!m || (view && !adse__ymap_set(c->doc, view, "attributes", m, m)))
        return adse__ydoc_build_status(c->doc, l->node, c->err);
    if (adse__ynode_is_null(a)) return ADSE_OK;
    int mark = c->scope->n;
    c->scope->own_node = l->name; /* its own attributes read by name: recorded */
    c->scope->own_from = mark;
    for (int i = 0; i < a->n; i++) {
        const adse__ypair *p = &a->pairs[i];
        char what[2 * ADSE_NAME_MAX + 32];
        snprintf(what, sizeof what, "attribute '%.*s' of '%.*s'", ADSE_NAME_MAX - 1, p->key->text,
                 ADSE_NAME_MAX - 1, l->name);
        adse_status st = adse__v04_eval_pair(c->doc, c->scope, m, p, what, c->err);
        if (st) return st;
    }
    c->scope->own_node = NULL;
    if (!keep) c->scope->n = mark;
    l->attrs = m;
    return ADSE_OK;
}

/* Leaf l as expressions see it (timeloopfe binds the node itself to its name), registered
 * before its attributes are evaluated so that they may name it too: {name, attributes: its
 * own, evaluated so far (eval_attrs fills them in), spatial: {meshX, meshY} once read
 * (view_spatial)}. */
static adse_status view_new(ctx *c, const leaf *l, adse__ynode **out)
{
    const adse__ynode *at = l->node;
    adse__ynode *v = adse__ynew_map(c->doc, at);
    if (!v || !adse__ymap_set(c->doc, v, "name", at, adse__ynew_scalar(c->doc, at, l->name, false)))
        return adse__ydoc_build_status(c->doc, at, c->err);
    *out = v;
    return ADSE_OK;
}

static adse_status view_spatial(ctx *c, const leaf *l, adse__ynode *v)
{
    const adse__ynode *at = l->node;
    char mx[24], my[24];
    snprintf(mx, sizeof mx, "%llu", (unsigned long long)l->mesh_x);
    snprintf(my, sizeof my, "%llu", (unsigned long long)l->mesh_y);
    adse__ynode *sp = adse__ynew_map(c->doc, at);
    if (!sp || !adse__ymap_pair(v, "attributes") ||
        !adse__ymap_set(c->doc, sp, "meshX", at, adse__ynew_scalar(c->doc, at, mx, true)) ||
        !adse__ymap_set(c->doc, sp, "meshY", at, adse__ynew_scalar(c->doc, at, my, true)) ||
        !adse__ymap_set(c->doc, v, "spatial", at, sp))
        return adse__ydoc_build_status(c->doc, at, c->err);
    return ADSE_OK;
}

/* The names of the leaves of seq, in collect()'s order (NULL for an unnamed one). */
static void leaf_names(ctx *c, const adse__ynode *seq, int depth)
{
    if (!adse__ynode_is_seq(seq) || depth > ADSE_YAML_MAX_DEPTH) return;
    for (int i = 0; i < seq->n; i++) {
        const adse__ynode *n = seq->items[i];
        int kind = node_kind(n);
        if (kind < 0) return; /* collect() stops there with an error */
        if (kind == N_PARALLEL || kind == N_BRANCH) {
            leaf_names(c, adse__ymap_get(n, "nodes"), depth + 1);
            continue;
        }
        if (c->n_names == ADSE_YAML_MAX_NODES) return;
        if (c->names) c->names[c->n_names] = adse__ynode_text(adse__ymap_get(n, "name"));
        c->n_names++;
    }
}

static adse_status add_leaf(ctx *c, const adse__ynode *n, int kind, bool in_parallel)
{
    const char *const *keys = kind == N_CONTAINER ? container_keys : component_keys;
    const adse__ynode *name = adse__ymap_get(n, "name");
    adse_status st;
    if (name || kind != N_NOTHING) {
        if ((st = adse__yexpect(name ? name : n, ADSE__YSCALAR, "name", c->err))) return st;
    }
    leaf l = {.node = n, .kind = kind, .enabled = true, .in_parallel = in_parallel};
    l.name = name ? name->text : "nothing";
    char where[ADSE_NAME_MAX + 16];
    snprintf(where, sizeof where, "'%.*s'", ADSE_NAME_MAX - 1, l.name);
    if ((st = adse__ycheck_keys(n, keys, where, c->err))) return st;
    const adse__ynode *attrs = adse__ymap_get(n, "attributes");
    if (attrs && !adse__ynode_is_null(attrs) &&
        (st = adse__yexpect(attrs, ADSE__YMAP, "attributes", c->err)))
        return st;
    if (kind == N_COMPONENT) {
        const adse__ynode *cls = adse__ymap_get(n, "class");
        if ((st = adse__yexpect(cls ? cls : n, ADSE__YSCALAR, "class", c->err))) return st;
        l.cclass = class_kind(cls->text);
        if (l.cclass < 0)
            return adse__yerr(c->err, ADSE_E_SPEC, cls,
                              "unknown class '%s' of '%s': timeloopfe needs a class name that "
                              "contains DRAM, SRAM, regfile, smartbuffer or storage (storage), "
                              "mac or compute (compute), XY_NoC, Legacy, ReductionTree or "
                              "SimpleMulticast (network), or nothing",
                              cls->text, l.name);
        if (l.cclass == C_NOTHING) l.kind = N_NOTHING;
        const adse__ynode *en = adse__ymap_get(n, "enabled");
        if (en && !adse__yscalar_bool(en, &l.enabled))
            return adse__yerr(c->err, ADSE_E_SPEC, en, "'enabled' of '%s' must be true or false",
                              l.name);
    } else if (kind == N_NOTHING) {
        l.cclass = C_NOTHING;
    }
    if (kind == N_CONTAINER) {
        const adse__ynode *nets = adse__ymap_get(n, "networks");
        if (nets && !adse__ynode_is_null(nets) && adse__ynode_len(nets) > 0)
            return adse__yerr(c->err, ADSE_E_SPEC, nets,
                              "'networks' of container '%s' is not supported (timeloopfe's "
                              "transpiler does not place them either)",
                              l.name);
    }
    adse__ynode *view = NULL;
    if (c->n < c->n_names) {
        if ((st = view_new(c, &l, &view))) return st;
        c->views[c->n] = view;
    }
    if ((st = eval_attrs(c, &l, kind == N_CONTAINER && !in_parallel, view))) return st;
    if ((st = read_mesh(c, &l))) return st;
    if (view && (st = view_spatial(c, &l, view))) return st;
    if (c->prob->known &&
        (st = adse__v04_read_cons(c->doc, c->scope, adse__ymap_get(n, "constraints"), l.name,
                                  c->prob, c->w, &l.cons, c->err)))
        return st;
    if (!adse__grow(&c->leaves, &c->cap, c->n + 1, sizeof *c->leaves))
        return adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    c->leaves[c->n++] = l;
    return ADSE_OK;
}

/* Collects the leaves of the `nodes` list seq in document order. */
static adse_status collect(ctx *c, const adse__ynode *seq, bool parallel)
{
    adse_status st = adse__yexpect(seq, ADSE__YSEQ, "nodes", c->err);
    if (st) return st;
    for (int i = 0; i < seq->n; i++) {
        const adse__ynode *n = seq->items[i];
        int kind = node_kind(n);
        if (kind < 0)
            return adse__yerr(c->err, ADSE_E_SPEC, n,
                              n->tag ? "unknown node tag '%s' (expected !Container, !Component, "
                                       "!Parallel, !Hierarchical, !Pipelined or !Nothing)"
                                     : "%snode without a tag: write !Container, !Component, "
                                       "!Parallel or !Nothing before it",
                              n->tag ? n->tag : "");
        if (!adse__ynode_is_map(n) && !(kind == N_NOTHING && adse__ynode_is_null(n)))
            return adse__yerr(c->err, ADSE_E_SPEC, n, "a %s node must be a mapping, got %s", n->tag,
                              adse__ynode_kind_name(n));
        if (kind == N_PARALLEL || kind == N_BRANCH) {
            if ((st = adse__ycheck_keys(n, branch_keys, n->tag, c->err))) return st;
            const adse__ynode *sub = adse__ymap_get(n, "nodes");
            if (sub && (st = collect(c, sub, kind == N_PARALLEL))) return st;
            continue;
        }
        if ((st = add_leaf(c, n, kind, parallel))) return st;
    }
    return ADSE_OK;
}

static int count_leaves(const adse__ynode *n)
{
    int k = node_kind(n);
    if (k != N_PARALLEL && k != N_BRANCH) return 1;
    const adse__ynode *sub = adse__ymap_get(n, "nodes");
    int total = 0;
    for (int i = 0; i < adse__ynode_len(sub); i++)
        total += count_leaves(sub->items[i]);
    return total;
}

/* timeloopfe's Dataspace2BranchProcessor: in a !Parallel, each data space is kept in at
 * most one branch, and every branch bypasses what it does not keep. leaf_i walks the leaves
 * in the order collect() stored them. */
static adse_status branches(ctx *c, const adse__ynode *seq, uint32_t dataspaces, bool parallel,
                            int *leaf_i)
{
    int n = adse__ynode_len(seq);
    int first[64 + 1];
    uint32_t keep[64];
    if (parallel && n > 64)
        return adse__yerr(c->err, ADSE_E_SPEC, seq, "more than 64 branches in one !Parallel");
    int at = *leaf_i;
    for (int i = 0; i < n && parallel; i++) {
        first[i] = at;
        int cnt = count_leaves(seq->items[i]);
        keep[i] = 0;
        for (int k = at; k < at + cnt; k++)
            keep[i] |= c->leaves[k].cons.keep;
        for (int j = 0; j < i; j++)
            if (keep[i] & keep[j])
                return adse__yerr(c->err, ADSE_E_SPEC, seq->items[i],
                                  "data space '%s' is kept in two branches of a !Parallel (each "
                                  "data space can be kept in one branch only)",
                                  c->prob->ds[__builtin_ctz(keep[i] & keep[j])]);
        at += cnt;
    }
    if (parallel) {
        first[n] = at;
        uint32_t all_keep = 0;
        for (int i = 0; i < n; i++)
            all_keep |= keep[i];
        uint32_t missing = dataspaces & ~all_keep;
        if (missing)
            return adse__yerr(c->err, ADSE_E_SPEC, seq,
                              "no branch of this !Parallel keeps '%s': keep it in one branch "
                              "(or add a branch '!Nothing {constraints: {dataspace: {keep: "
                              "[%s]}}}' to bypass them all)",
                              c->prob->ds[__builtin_ctz(missing)],
                              c->prob->ds[__builtin_ctz(missing)]);
        uint32_t all = (1u << c->prob->n_ds) - 1;
        for (int i = 0; i < n; i++)
            for (int k = first[i]; k < first[i + 1]; k++) {
                adse_status st = adse__v04_add_bypass(&c->leaves[k].cons, all & ~keep[i], c->prob,
                                                      c->leaves[k].node, c->err);
                if (st) return st;
            }
    }
    for (int i = 0; i < n; i++) {
        const adse__ynode *child = seq->items[i];
        int k = node_kind(child);
        if (k == N_PARALLEL || k == N_BRANCH) {
            adse_status st = branches(c, adse__ymap_get(child, "nodes"),
                                      parallel ? keep[i] : dataspaces, k == N_PARALLEL, leaf_i);
            if (st) return st;
        } else {
            (*leaf_i)++;
        }
    }
    return ADSE_OK;
}

/* The leaves of seq (the first at index first) in the order timeloopfe's
 * get_nodes_of_type finds them: the list's own nodes, then each branch's, recursively. */
static void leaf_order(const adse__ynode *seq, int first, int *order, int *n)
{
    int at = first;
    for (int pass = 0; pass < 2; pass++, at = first)
        for (int i = 0; i < adse__ynode_len(seq); i++) {
            const adse__ynode *child = seq->items[i];
            int k = node_kind(child);
            bool branch = k == N_PARALLEL || k == N_BRANCH;
            if (pass == 0 && !branch) order[(*n)++] = at;
            if (pass == 1 && branch) leaf_order(adse__ymap_get(child, "nodes"), at, order, n);
            at += count_leaves(child);
        }
}

/* timeloopfe's maximize_dims over every leaf (v04.h). */
static adse_status maximize(ctx *c, const adse__ynode *nodes)
{
    bool any = false;
    for (int i = 0; i < c->n && !any; i++)
        any = c->leaves[i].cons.spatial.maximize || c->leaves[i].cons.temporal.maximize;
    if (!any) return ADSE_OK;
    int *order = malloc((size_t)c->n * sizeof *order), n = 0;
    adse__v04_cons **cons = malloc((size_t)c->n * sizeof *cons);
    uint64_t *fanout = malloc((size_t)c->n * sizeof *fanout);
    adse_status st = ADSE_OK;
    if (!order || !cons || !fanout) {
        st = adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    } else {
        leaf_order(nodes, 0, order, &n);
        for (int i = 0; i < n; i++) {
            leaf *l = &c->leaves[order[i]];
            cons[i] = &l->cons;
            fanout[i] = l->mesh_x * l->mesh_y;
        }
        st = adse__v04_maximize(cons, fanout, n, c->prob, c->err);
    }
    free(order);
    free(cons);
    free(fanout);
    return st;
}

/* ---- building the classic tree ------------------------------------------------------- */

typedef struct place {
    adse__ynode *local;      /* the root's `local` list */
    adse__ynode *targets;    /* the constraint entries */
    adse__ynode *sparse;     /* sparse_optimizations targets, or NULL */
    adse__ynode *inherited;  /* containers' attributes so far (a mapping) */
    uint64_t mesh_x, mesh_y; /* instances above the next placed component */
} place;

static bool has_key(const adse__ynode *map, const char *key)
{
    return adse__ymap_pair(map, key) != NULL;
}

static adse__ynode *u64_scalar(adse__ydoc *doc, const adse__ynode *at, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    return adse__ynew_scalar(doc, at, buf, true);
}

/* Attributes of a placed component: its own, timeloopfe's defaults, the mesh, then what
 * the containers above pass down. */
static adse__ynode *component_attrs(ctx *c, const place *p, const adse__ynode *own, bool storage,
                                    const adse__ynode *at)
{
    adse__ydoc *doc = c->doc;
    adse__ynode *a = adse__ynew_map(doc, own ? own : at);
    if (!a) return NULL;
    for (int i = 0; i < adse__ynode_len(own); i++)
        if (!adse__ymap_set(doc, a, own->pairs[i].key->text, own->pairs[i].key,
                            own->pairs[i].value))
            return NULL;
    static const char *const defaults[][2] = {
        {"has_power_gating", "false"}, {"n_banks", "2"},
        {"cluster_size", "1"},         {"reduction_supported", "true"},
        {"multiple_buffering", "1"},   {"min_utilization", "0"},
        {"allow_overbooking", "false"}};
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++) {
        if (i > 0 && !storage) break;
        if (has_key(a, defaults[i][0])) continue;
        if (strcmp(defaults[i][0], "cluster_size") == 0 && has_key(a, "block_size")) continue;
        if (!adse__ymap_set(doc, a, defaults[i][0], at,
                            adse__ynew_scalar(doc, at, defaults[i][1], true)))
            return NULL;
    }
    if (!adse__ymap_set(doc, a, "meshX", at, u64_scalar(doc, at, p->mesh_x)) ||
        !adse__ymap_set(doc, a, "meshY", at, u64_scalar(doc, at, p->mesh_y)))
        return NULL;
    for (int i = 0; i < p->inherited->n; i++)
        if (!has_key(a, p->inherited->pairs[i].key->text) &&
            !adse__ymap_set(doc, a, p->inherited->pairs[i].key->text, p->inherited->pairs[i].key,
                            p->inherited->pairs[i].value))
            return NULL;
    if (!has_key(a, "power_gated_at") &&
        !adse__ymap_set(doc, a, "power_gated_at", at, adse__ynew_scalar(doc, at, "null", true)))
        return NULL;
    return a;
}

static adse__ynode *str_seq(adse__ydoc *doc, const adse__ynode *at, const char *const *items)
{
    adse__ynode *s = adse__ynew_seq(doc, at);
    for (; s && *items; items++)
        if (!adse__yseq_push(doc, s, adse__ynew_scalar(doc, at, *items, true))) return NULL;
    return s;
}

/* Places one component (or a dummy level: l NULL, name given) at the current mesh. */
static adse_status place_component(ctx *c, place *p, const leaf *l, const char *dummy_name,
                                   const adse__v04_cons *cons, const adse__ynode *at)
{
    adse__ydoc *doc = c->doc;
    adse__ynode *e = adse__ynew_map(doc, at);
    BUILD(e);
    const char *name = l ? l->name : dummy_name;
    bool network = l && l->cclass == C_NETWORK;
    char full[2 * ADSE_NAME_MAX + 48];
    if (network)
        snprintf(full, sizeof full, "%s", name);
    else
        snprintf(full, sizeof full, "%s[1..%llu]", name,
                 (unsigned long long)(p->mesh_x * p->mesh_y));
    const adse__ynode *name_at = l ? adse__ymap_get(l->node, "name") : at;
    BUILD(adse__ymap_set(doc, e, "name", name_at, adse__ynew_scalar(doc, name_at, full, false)));
    if (l) {
        static const char *const copy[] = {"class", "subclass"};
        for (int i = 0; i < 2; i++) {
            const adse__ypair *cp = adse__ymap_pair(l->node, copy[i]);
            if (cp) BUILD(adse__ymap_set(doc, e, copy[i], cp->key, cp->value));
        }
        BUILD(adse__ymap_set(doc, e, "attributes", at,
                             component_attrs(c, p, l->attrs, l->cclass == C_STORAGE, at)));
        static const char *const storage_actions[] = {"leak", "write", "read", "update", NULL};
        static const char *const compute_actions[] = {"compute", NULL};
        const char *const *req = l->cclass == C_STORAGE   ? storage_actions
                                 : l->cclass == C_COMPUTE ? compute_actions
                                                          : NULL;
        const adse__ynode *given = adse__ymap_get(l->node, "required_actions");
        if (req || adse__ynode_len(given)) {
            adse__ynode *ra = req ? str_seq(doc, at, req) : adse__ynew_seq(doc, at);
            BUILD(ra);
            for (int i = 0; i < adse__ynode_len(given); i++) {
                bool dup = false;
                for (int k = 0; k < ra->n && !dup; k++)
                    dup = adse__ynode_text(given->items[i]) &&
                          strcmp(ra->items[k]->text, given->items[i]->text) == 0;
                if (!dup) BUILD(adse__yseq_push(doc, ra, given->items[i]));
            }
            BUILD(adse__ymap_set(doc, e, "required_actions", at, ra));
        }
        static const char *const scales[] = {"area_scale", "energy_scale"};
        for (int i = 0; i < 2; i++) {
            const adse__ypair *sp = adse__ymap_pair(l->node, scales[i]);
            if (sp && !adse__ynode_is_null(sp->value))
                BUILD(adse__ymap_set(doc, e, scales[i], sp->key, sp->value));
        }
        const adse__ypair *so = adse__ymap_pair(l->node, "sparse_optimizations");
        if (so && !adse__ynode_is_null(so->value) && adse__ynode_len(so->value)) {
            if (!p->sparse) BUILD(p->sparse = adse__ynew_seq(doc, so->key));
            adse__ynode *t = adse__ynew_map(doc, so->value);
            BUILD(t);
            for (int i = 0; i < adse__ynode_len(so->value); i++)
                BUILD(adse__ymap_set(doc, t, so->value->pairs[i].key->text, so->value->pairs[i].key,
                                     so->value->pairs[i].value));
            BUILD(adse__ymap_set(doc, t, "name", name_at,
                                 adse__ynew_scalar(doc, name_at, name, false)));
            BUILD(adse__yseq_push(doc, p->sparse, t));
        }
    } else {
        BUILD(
            adse__ymap_set(doc, e, "class", at, adse__ynew_scalar(doc, at, "dummy_storage", true)));
        adse__ynode *own = adse__ynew_map(doc, at);
        BUILD(own);
        static const char *const dummy_attrs[][2] = {
            {"width", "1"}, {"depth", "1"}, {"datawidth", "1"}, {"technology", "-1"}};
        for (int i = 0; i < 4; i++)
            BUILD(adse__ymap_set(doc, own, dummy_attrs[i][0], at,
                                 adse__ynew_scalar(doc, at, dummy_attrs[i][1], true)));
        BUILD(adse__ymap_set(doc, e, "attributes", at, component_attrs(c, p, own, true, at)));
    }
    BUILD(adse__ymap_set(doc, e, "enabled", at, adse__ynew_scalar(doc, at, "true", true)));
    BUILD(adse__yseq_push(doc, p->local, e));
    if (cons && c->prob->known) {
        adse_status st = adse__v04_emit_cons(doc, p->targets, cons, name, at, c->prob, c->err);
        if (st) return st;
    }
    return ADSE_OK;
}

static void warn_dropped(ctx *c, const leaf *l, bool fanout)
{
    const adse__v04_cons *k = &l->cons;
    if (k->temporal.at || k->ds_at || k->overbooked)
        adse__ywarn(c->w, l->cons.at,
                    "temporal, dataspace and max_overbooked_proportion constraints of container "
                    "'%s' ignored, as timeloopfe does (a container places no storage level)",
                    l->name);
    if (!fanout && k->spatial.at)
        adse__ywarn(c->w, k->spatial.at,
                    "spatial constraints of container '%s' ignored, as timeloopfe does: it "
                    "has no fanout (meshX * meshY = 1)",
                    l->name);
}

/* The transpiler's walk over the leaves, in order. root: the classic root node. */
static adse_status walk(ctx *c, place *p, adse__ynode *root, const adse__ynode *root_attrs_at)
{
    adse__ydoc *doc = c->doc;
    adse__ynode *root_attrs = (adse__ynode *)adse__ymap_get(root, "attributes");
    bool first = true;
    uint64_t next_x = 1, next_y = 1;
    (void)root_attrs_at;
    for (int i = 0; i < c->n; i++) {
        const leaf *l = &c->leaves[i];
        p->mesh_x *= next_x;
        p->mesh_y *= next_y;
        next_x = next_y = 1;
        if (!l->enabled || l->kind == N_NOTHING) continue;
        bool container = l->kind == N_CONTAINER;
        bool fanout = l->mesh_x * l->mesh_y != 1;
        const adse__ynode *attrs = l->attrs;
        if (container)
            for (int k = 0; k < adse__ynode_len(attrs); k++)
                BUILD(adse__ymap_set(doc, p->inherited, attrs->pairs[k].key->text,
                                     attrs->pairs[k].key, attrs->pairs[k].value));
        if (first && container) {
            char name[ADSE_NAME_MAX + 16];
            snprintf(name, sizeof name, "%.*s_top_level", ADSE_NAME_MAX - 1, l->name);
            const adse__ynode *nat = adse__ymap_get(l->node, "name");
            BUILD(adse__ymap_set(doc, root, "name", nat, adse__ynew_scalar(doc, nat, name, false)));
            for (int k = 0; k < adse__ynode_len(attrs); k++)
                BUILD(adse__ymap_set(doc, root_attrs, attrs->pairs[k].key->text,
                                     attrs->pairs[k].key, attrs->pairs[k].value));
            static const char *const defaults[][2] = {{"has_power_gating", "false"},
                                                      {"power_gated_at", "null"}};
            for (int k = 0; k < 2; k++)
                if (!has_key(root_attrs, defaults[k][0]))
                    BUILD(adse__ymap_set(doc, root_attrs, defaults[k][0], l->node,
                                         adse__ynew_scalar(doc, l->node, defaults[k][1], true)));
        }
        first = false;
        if (!container && !fanout) {
            adse_status st = place_component(c, p, l, NULL, &l->cons, l->node);
            if (st) return st;
            continue;
        }
        if (l->in_parallel)
            return adse__yerr(c->err, ADSE_E_SPEC, l->node,
                              container ? "a !Container inside a !Parallel is not supported "
                                          "(as in timeloopfe): '%s'"
                                        : "a component with a fanout inside a !Parallel is not "
                                          "supported (as in timeloopfe): '%s'",
                              l->name);
        if (container) warn_dropped(c, l, fanout);
        next_x = l->mesh_x;
        next_y = l->mesh_y;
        if (fanout && c->info->n_fanouts < ADSE_MAX_LEVELS) {
            int k = c->info->n_fanouts++;
            const adse__ynode *sp = adse__ymap_get(l->node, "spatial");
            c->info->fanouts[k].name = l->name;
            c->info->fanouts[k].mesh_x = (uint32_t)l->mesh_x; /* <= UINT32_MAX: read_mesh */
            c->info->fanouts[k].mesh_y = (uint32_t)l->mesh_y;
            c->info->fanouts[k].at = sp ? sp : l->node;
        }
        if (fanout) {
            char dname[ADSE_NAME_MAX + 24];
            snprintf(dname, sizeof dname, "inter_%.*s_spatial", ADSE_NAME_MAX - 1, l->name);
            adse__v04_cons dc;
            memset(&dc, 0, sizeof dc);
            if (c->prob->known) {
                adse__v04_dummy_cons(&dc, c->prob);
                dc.spatial = l->cons.spatial;
            }
            const adse__ynode *at = adse__ymap_get(l->node, "spatial");
            adse_status st = place_component(c, p, NULL, dname, &dc, at ? at : l->node);
            if (st) return st;
            p->mesh_x *= next_x;
            p->mesh_y *= next_y;
            next_x = next_y = 1;
        }
        if (!container) {
            adse__v04_cons own = l->cons;
            memset(&own.spatial, 0, sizeof own.spatial);
            adse_status st = place_component(c, p, l, NULL, &own, l->node);
            if (st) return st;
        }
    }
    return ADSE_OK;
}

adse_status adse__v04_arch(adse__ydoc *doc, const adse__ypair *top, const adse__ynode *variables,
                           adse__v04_scope *scope, const adse__v04_problem *prob, adse__warnings *w,
                           adse__v04_info *info, adse__ynode **arch, adse__ynode **targets,
                           adse__ynode **sparse, adse_err *err)
{
    ctx cc = {.doc = doc, .w = w, .info = info, .err = err, .prob = prob, .scope = scope}, *c = &cc;
    const adse__ynode *v4 = top->value;
    static const char *const arch_keys[] = {"version", "nodes", NULL};
    adse_status st = adse__ycheck_keys(v4, arch_keys, "a v0.4 architecture", err);
    if (st) return st;
    const adse__ynode *nodes = adse__ymap_get(v4, "nodes");
    leaf_names(c, nodes, 0); /* count, then fill */
    int n_names = c->n_names;
    c->n_names = 0;
    c->names = calloc((size_t)n_names + 1, sizeof *c->names);
    c->views = calloc((size_t)n_names + 1, sizeof *c->views);
    if (!c->names || !c->views) {
        st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    leaf_names(c, nodes, 0);
    scope->node_names = c->names;
    scope->nodes = c->views;
    scope->n_nodes = c->n_names;
    scope->on_read = note_read;
    scope->read_user = c;
    if ((st = collect(c, nodes, false))) goto out;
    if (prob->known) {
        int leaf_i = 0;
        if ((st = branches(c, nodes, (1u << prob->n_ds) - 1, false, &leaf_i))) goto out;
        if ((st = maximize(c, nodes))) goto out;
        for (int i = 0; i < c->n; i++) {
            leaf *l = &c->leaves[i];
            if (l->kind == N_COMPONENT && l->cclass == C_STORAGE)
                adse__v04_prune_perm(&l->cons.temporal, prob);
            if (l->mesh_x * l->mesh_y > 1) adse__v04_prune_perm(&l->cons.spatial, prob);
        }
    }
    st = ADSE_E_NOMEM;
    adse__ynode *root = adse__ynew_map(doc, v4);
    adse__ynode *root_attrs = adse__ynew_map(doc, variables ? variables : v4);
    place p = {.local = adse__ynew_seq(doc, nodes),
               .targets = adse__ynew_seq(doc, nodes),
               .inherited = adse__ynew_map(doc, v4),
               .mesh_x = 1,
               .mesh_y = 1};
    if (!root || !root_attrs || !p.local || !p.targets || !p.inherited ||
        !adse__ymap_set(doc, root, "name", v4, adse__ynew_scalar(doc, v4, "top_level", true))) {
        st = adse__ydoc_build_status(doc, v4, err);
        goto out;
    }
    for (int i = 0; i < adse__ynode_len(variables); i++)
        if (!adse__ymap_set(doc, root_attrs, variables->pairs[i].key->text, variables->pairs[i].key,
                            variables->pairs[i].value)) {
            st = adse__ydoc_build_status(doc, v4, err);
            goto out;
        }
    info->root_attrs = root_attrs;
    info->variables = variables;
    if (!adse__ymap_set(doc, root, "attributes", v4, root_attrs)) {
        st = adse__ydoc_build_status(doc, v4, err);
        goto out;
    }
    if ((st = walk(c, &p, root, v4))) goto out;
    if (c->n == 0 || !p.local->n) {
        st = adse__yerr(err, ADSE_E_SPEC, nodes ? nodes : v4,
                        "the v0.4 architecture places no component");
        goto out;
    }
    if (!adse__ymap_set(doc, root, "local", nodes, p.local)) {
        st = adse__ydoc_build_status(doc, v4, err);
        goto out;
    }
    adse__ynode *classic = adse__ynew_map(doc, v4);
    adse__ynode *sub = adse__ynew_seq(doc, nodes);
    const adse__ynode *ver = adse__ymap_get(v4, "version");
    if (!classic || !sub || !adse__yseq_push(doc, sub, root) ||
        !adse__ymap_set(doc, classic, "version", ver ? ver : v4,
                        adse__ynew_scalar(doc, ver ? ver : v4, "0.4", false)) ||
        !adse__ymap_set(doc, classic, "subtree", nodes, sub)) {
        st = adse__ydoc_build_status(doc, v4, err);
        goto out;
    }
    *arch = classic;
    *targets = p.targets;
    *sparse = p.sparse;
    st = ADSE_OK;
out:
    free(c->leaves);
    scope->node_names = NULL;
    scope->nodes = NULL;
    scope->n_nodes = 0;
    scope->on_read = NULL;
    scope->own_node = NULL;
    free(c->names);
    free(c->views);
    return st;
}
