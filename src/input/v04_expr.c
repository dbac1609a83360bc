/* timeloopfe's attribute expressions (see v04_expr.h): the names, document references and
 * functions of timeloopfe's evaluator as hooks of the template engine's expression
 * evaluator (jinja_internal.h), which parses and evaluates them. A failure is an undefined
 * value carrying its message (J_UNDEF), an error only where it is used, so that
 * `x if c else y`, `and` and `or` fail only when the failing side is the one chosen, as in
 * Python. */
#include "input/v04_expr.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/limits.h"
#include "util/numtext.h"

#define MAX_DEPTH 128 /* the evaluator's nesting units (about two a parenthesis) */
#define MAX_REFS 64   /* references followed to reach an expression */
#define MAX_MEMO 1024 /* referenced values remembered during one evaluation */

typedef struct ectx {
    adse__v04_scope *scope;
    const adse__ynode *expr; /* the scalar being evaluated */
    int refs;                /* references followed to reach this expression */
    /* the values of the scalars referenced so far in this evaluation (same scope, same
     * values): each is evaluated once, so that `a: b + b`, `b: c + c`, ... stays linear */
    const adse__ynode **memo_node; /* MAX_MEMO each, in the arena once needed */
    jval *memo;
    int n_memo;
} ectx;

static adse_status eval_scalar(jctx *c, const adse__ynode *n, const char *what, jval *out,
                               adse_err *err);

static adse_status nomem(jctx *c)
{
    return adse_err_set(c->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

/* An undefined value carrying the message (an error where it is used). */
static adse_status undef(jctx *c, jval *out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static adse_status undef(jctx *c, jval *out, const char *fmt, ...)
{
    char m[ADSE_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    const char *s = adse__arena_strndup(&c->arena, m, strlen(m));
    if (!s) return nomem(c);
    *out = (jval){.k = J_UNDEF, .s = s, .b = true};
    return ADSE_OK;
}

/* ---- names and references into the document -------------------------------------------- */

static bool lookup(jctx *c, const char *name, jval *out)
{
    const ectx *x = c->hooks->user;
    const adse__v04_scope *s = x->scope;
    for (int i = s->n - 1; i >= s->n_vars; i--)
        if (strcmp(s->syms[i].name, name) == 0) {
            if (s->on_read && s->own_node && i >= s->own_from)
                s->on_read(s->read_user, s->own_node, name, x->expr);
            *out = s->syms[i].v;
            return true;
        }
    for (int i = 0; i < s->n_nodes; i++) {
        if (!s->node_names[i] || strcmp(s->node_names[i], name) != 0) continue;
        if (s->nodes[i]) {
            *out = (jval){.k = J_NODE, .node = s->nodes[i]};
        } else if (undef(c, out,
                         "node '%.100s' is not evaluated yet here (timeloopfe would read its "
                         "attributes unevaluated): name a node defined before this one",
                         name)) {
            return false;
        }
        return true;
    }
    for (int i = s->n_vars - 1; i >= 0; i--)
        if (strcmp(s->syms[i].name, name) == 0) {
            *out = s->syms[i].v;
            return true;
        }
    if (strcmp(name, "spec") == 0) {
        *out = (jval){.k = J_NODE}; /* node NULL: the top level */
        return true;
    }
    if (strcmp(name, "pi") == 0) {
        *out = (jval){.k = J_FLOAT, .f = 3.14159265358979323846};
        return true;
    }
    return false;
}

/* The value of node n met through a reference: a mapping or list as such, a scalar's value
 * in the same scope. */
static adse_status of_node(jctx *c, const adse__ynode *n, jval *out)
{
    if (!n) return undef(c, out, "no such key");
    if (n->kind != ADSE__YSCALAR) {
        *out = (jval){.k = J_NODE, .node = n};
        return ADSE_OK;
    }
    ectx *x = c->hooks->user;
    for (int i = 0; i < x->n_memo; i++)
        if (x->memo_node[i] == n) {
            *out = x->memo[i];
            return ADSE_OK;
        }
    if (x->refs >= MAX_REFS) return undef(c, out, "references nested too deep");
    adse_err e;
    x->refs++;
    adse_status st = eval_scalar(c, n, "a reference", out, &e);
    x->refs--;
    if (st == ADSE_E_NOMEM) return nomem(c);
    if (st) return undef(c, out, "the referenced value: %s", e.msg);
    if (!x->memo) {
        x->memo_node = adse__arena_alloc(&c->arena, MAX_MEMO * sizeof *x->memo_node);
        x->memo = adse__arena_alloc(&c->arena, MAX_MEMO * sizeof *x->memo);
        if (!x->memo_node || !x->memo) return nomem(c);
    }
    if (x->n_memo < MAX_MEMO) { /* only values: a failure may depend on the depth */
        x->memo_node[x->n_memo] = n;
        x->memo[x->n_memo++] = *out;
    }
    return ADSE_OK;
}

/* The name of the node in the architecture's node list `list` (or a branch of it) whose
 * `attributes` mapping, as the document holds it, is m: a reference into the document such as
 * `spec.architecture.nodes[4].attributes`; NULL when m is none of them. */
static const char *document_attributes_owner(const adse__ynode *list, const adse__ynode *m)
{
    if (!list || list->kind != ADSE__YSEQ) return NULL;
    for (int i = 0; i < list->n; i++) {
        const adse__ynode *node = list->items[i];
        if (!node || node->kind != ADSE__YMAP) continue;
        if (adse__ymap_get(node, "attributes") == m) {
            const adse__ynode *name = adse__ymap_get(node, "name");
            return name && name->kind == ADSE__YSCALAR ? name->text : NULL;
        }
        const char *owner = document_attributes_owner(adse__ymap_get(node, "nodes"), m);
        if (owner) return owner;
    }
    return NULL;
}

/* Tells on_read of a read of key from the attributes mapping n: NODE.attributes.KEY (n as
 * expressions see node NODE) or a path through the document to the node's attributes as
 * written (`spec.architecture.nodes[4].attributes.KEY`). */
static void note_attribute_read(const ectx *x, const adse__ynode *n, const char *key)
{
    const adse__v04_scope *s = x->scope;
    if (!s->on_read) return;
    for (int i = 0; i < s->n_nodes; i++)
        if (s->nodes[i] && adse__ymap_get(s->nodes[i], "attributes") == n) {
            s->on_read(s->read_user, s->node_names[i], key, x->expr);
            return;
        }
    const adse__ynode *arch = adse__ydoc_top(s->doc, "architecture");
    const char *owner = arch && arch->kind == ADSE__YMAP
                            ? document_attributes_owner(adse__ymap_get(arch, "nodes"), n)
                            : NULL;
    if (owner) s->on_read(s->read_user, owner, key, x->expr);
}

/* obj[key] (a.b: key "b") of a node of the document. */
static adse_status item(jctx *c, const jexpr *e, const jval *obj, const jval *key, jval *out)
{
    const adse__ynode *n = obj->node;
    if (key->k == J_STR) {
        if (!n) {
            const ectx *x = c->hooks->user;
            return of_node(c, adse__ydoc_top(x->scope->doc, key->s), out);
        }
        if (n->kind != ADSE__YMAP) return undef(c, out, "'%.100s' of a list", key->s);
        note_attribute_read(c->hooks->user, n, key->s);
        const adse__ynode *v = adse__ymap_get(n, key->s);
        if (!v) return undef(c, out, "no key '%.100s' there", key->s);
        return of_node(c, v, out);
    }
    if (key->k == J_INT && n && n->kind == ADSE__YSEQ) {
        int64_t i = key->i < 0 ? key->i + n->n : key->i;
        if (i < 0 || i >= n->n) return undef(c, out, "index out of range");
        return of_node(c, n->items[i], out);
    }
    return undef(c, out, "bad index");
}

/* ---- functions ----------------------------------------------------------------------- */

static bool numeric(const jval *v)
{
    return v->k == J_INT || v->k == J_BOOL || v->k == J_FLOAT;
}

static double as_double(const jval *v)
{
    return v->k == J_FLOAT ? v->f : v->k == J_BOOL ? (double)v->b : (double)v->i;
}

static const char *integral(double d, jval *out)
{
    if (!(fabs(d) < 9.2e18)) return adse__joverflow;
    *out = (jval){.k = J_INT, .i = (int64_t)d};
    return NULL;
}

/* min() or max() of the values (Python: the first of the least or greatest). */
static const char *extreme(jctx *c, bool mx, const jval *v, size_t n, jval *out)
{
    if (n == 0) return mx ? "max() arg is an empty sequence" : "min() arg is an empty sequence";
    *out = v[0];
    for (size_t i = 1; i < n; i++) {
        jval r;
        const char *msg = adse__jval_binop(&c->arena, mx ? '>' : '<', &v[i], out, &r);
        if (msg) return msg;
        if (r.b) *out = v[i];
    }
    return NULL;
}

/* The items of a list value or of a list of the document (*items NULL: v is neither; *bad: the
 * message of an item that has no value). */
static adse_status items_of(jctx *c, const jval *v, const jval **items, size_t *n, const char **bad)
{
    if (v->k == J_LIST) {
        *items = v->items;
        *n = v->n;
        return ADSE_OK;
    }
    *items = NULL;
    if (v->k != J_NODE || !v->node || v->node->kind != ADSE__YSEQ) return ADSE_OK;
    jval *it = adse__arena_alloc(&c->arena, (size_t)(v->node->n ? v->node->n : 1) * sizeof *it);
    if (!it) return nomem(c);
    for (int i = 0; i < v->node->n; i++) {
        adse_status st = of_node(c, v->node->items[i], &it[i]);
        if (st) return st;
        if (it[i].k == J_UNDEF) {
            *bad = it[i].s;
            return ADSE_OK;
        }
    }
    *items = it;
    *n = (size_t)v->node->n;
    return ADSE_OK;
}

static const char *math1(const char *f, const jval *a, jval *out)
{
    double x = as_double(a);
    if (strcmp(f, "abs") == 0) {
        if (a->k == J_FLOAT) {
            *out = (jval){.k = J_FLOAT, .f = fabs(x)};
            return NULL;
        }
        return integral(fabs(x), out);
    }
    if (strcmp(f, "round") == 0) return integral(nearbyint(x), out); /* Python: half to even */
    if (strcmp(f, "int") == 0) return integral(trunc(x), out);
    if (strcmp(f, "ceil") == 0) return integral(ceil(x), out);
    if (strcmp(f, "floor") == 0) return integral(floor(x), out);
    double r;
    if (strcmp(f, "float") == 0) {
        r = x;
    } else if (strcmp(f, "sqrt") == 0) {
        if (x < 0) return "sqrt() of a negative number";
        r = sqrt(x);
    } else if (strcmp(f, "exp") == 0) {
        r = exp(x);
    } else {
        if (x <= 0)
            return strcmp(f, "log") == 0    ? "log() of a number <= 0"
                   : strcmp(f, "log2") == 0 ? "log2() of a number <= 0"
                                            : "log10() of a number <= 0";
        r = strcmp(f, "log") == 0 ? log(x) : strcmp(f, "log2") == 0 ? log2(x) : log10(x);
    }
    *out = (jval){.k = J_FLOAT, .f = r};
    return NULL;
}

static const char *const functions[] = {"len", "min",   "max",   "pow",   "round", "abs",
                                        "int", "float", "ceil",  "floor", "sqrt",  "exp",
                                        "log", "log2",  "log10", NULL};

static bool call(jctx *c, const jexpr *e, const char *f, const jval *a, int n, jval *out,
                 adse_status *st)
{
    int k = 0;
    while (functions[k] && strcmp(functions[k], f) != 0)
        k++;
    if (!functions[k]) return false;
    char m[160];
    const char *msg = NULL;
    *st = ADSE_OK;
    if (strcmp(f, "len") == 0) {
        if (n != 1)
            msg = "len() takes one argument";
        else if (a[0].k == J_STR)
            *out = (jval){.k = J_INT, .i = (int64_t)adse__jstr_chars(a[0].s, a[0].n)};
        else if (a[0].k == J_LIST || a[0].k == J_DICT)
            *out = (jval){.k = J_INT, .i = (int64_t)a[0].n};
        else if (a[0].k == J_NODE && a[0].node)
            *out = (jval){.k = J_INT, .i = a[0].node->n};
        else {
            snprintf(m, sizeof m, "object of type '%s' has no len()", adse__jval_type(&a[0]));
            msg = m;
        }
    } else if (strcmp(f, "min") == 0 || strcmp(f, "max") == 0) {
        const jval *v = a;
        size_t nv = (size_t)n;
        const char *bad = NULL;
        if (n == 1 && (*st = items_of(c, &a[0], &v, &nv, &bad))) return true;
        if (bad) {
            msg = bad;
        } else if (!v) {
            snprintf(m, sizeof m, "'%s' object is not iterable", adse__jval_type(&a[0]));
            msg = m;
        } else {
            msg = extreme(c, f[1] == 'a', v, nv, out);
        }
    } else if (strcmp(f, "pow") == 0) {
        msg = n != 2 ? "pow() takes two arguments"
                     : adse__jval_binop(&c->arena, 'P', &a[0], &a[1], out);
    } else {
        for (int i = 0; i < n && !msg; i++)
            if (!numeric(&a[i])) {
                snprintf(m, sizeof m, "%s() of a %s", f, adse__jval_type(&a[i]));
                msg = m;
            }
        if (msg) {
            /* reported below */
        } else if (strcmp(f, "round") == 0 && n == 2) {
            double p = pow(10, as_double(&a[1]));
            *out = (jval){.k = J_FLOAT, .f = nearbyint(as_double(&a[0]) * p) / p};
        } else if (n != 1) {
            snprintf(m, sizeof m, "%s() takes one argument", f);
            msg = m;
        } else {
            msg = math1(f, &a[0], out);
        }
    }
    if (msg) *st = adse__jmsg(c, e->line, e->col, msg);
    return true;
}

/* ---- evaluation ------------------------------------------------------------------------ */

/* ---- expressions parsed once --------------------------------------------------------- */

struct adse__v04_parsed {
    jhooks hooks;
    jctx c;                   /* its arena holds the syntax trees */
    const adse__ynode **keys; /* open addressing by address, cap a power of two; NULL: free */
    const jexpr **exprs;
    size_t n, cap;
};

static size_t parsed_slot(const adse__v04_parsed *p, const adse__ynode *n)
{
    size_t h = (size_t)(uintptr_t)n;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ull & SIZE_MAX;
    size_t i = (h >> 7) & (p->cap - 1);
    while (p->keys[i] && p->keys[i] != n)
        i = (i + 1) & (p->cap - 1);
    return i;
}

static const jexpr *parsed_get(const adse__v04_parsed *p, const adse__ynode *n)
{
    if (!p || !p->n) return NULL;
    size_t i = parsed_slot(p, n);
    return p->keys[i] ? p->exprs[i] : NULL;
}

/* The value of scalar n (see adse__v04_value), in c's arena; errors in *err. */
static adse_status eval_scalar(jctx *c, const adse__ynode *n, const char *what, jval *out,
                               adse_err *err)
{
    if (n->kind != ADSE__YSCALAR) {
        *out = (jval){.k = J_NODE, .node = n};
        return ADSE_OK;
    }
    if (!n->plain) {
        *out = (jval){.k = J_STR, .s = n->text, .n = n->len};
        return ADSE_OK;
    }
    if (adse__ynode_is_null(n)) {
        *out = (jval){.k = J_NONE};
        return ADSE_OK;
    }
    const ectx *x = c->hooks->user;
    const jexpr *cached = parsed_get(x->scope->parsed, n);
    bool b;
    double d;
    int64_t i;
    if (cached) {
        /* an expression, not a literal */
    } else if (adse__yscalar_bool(n, &b)) {
        *out = (jval){.k = J_BOOL, .b = b};
        return ADSE_OK;
    } else if (adse__yscalar_i64(n, &i)) {
        *out = (jval){.k = J_INT, .i = i};
        return ADSE_OK;
    } else if (adse__yscalar_double(n, &d)) {
        *out = (jval){.k = J_FLOAT, .f = d};
        return ADSE_OK;
    }
    adse_err *outer = c->err;
    c->err = err;
    jexpr *parsed;
    const jexpr *e = cached;
    adse_status st = cached ? ADSE_OK : adse__jparse_expr(c, n->text, n->len, &parsed);
    if (!cached && !st) e = parsed;
    /* a text that is no expression, or names what is not defined, may be a string */
    bool text = st != ADSE_OK;
    if (!st) st = adse__jeval(c, e, out);
    c->err = outer;
    if (st == ADSE_E_NOMEM) return st;
    if (st)
        return adse__yerr_at(
            err, ADSE_E_SPEC,
            adse__ynode_char_pos(n, adse__jtext_offset(n->text, n->len, err->line, err->column)),
            "cannot evaluate %s '%s': %s%s", what, n->text, err->msg,
            text || strncmp(err->msg, "name '", 6) == 0 ? " (quote it to give a string)" : "");
    if (out->k == J_FLOAT && !isfinite(out->f))
        return adse__yerr(err, ADSE_E_SPEC, n, "%s '%s' is not a finite number", what, n->text);
    return ADSE_OK;
}

/* A copy of v whose strings, lists and dicts live in arena a. */
static bool keep(adse__arena *a, const jval *v, jval *out)
{
    *out = *v;
    out->origin = NULL;
    if (v->k == J_STR) return (out->s = adse__arena_strndup(a, v->s, v->n)) != NULL;
    if (v->k != J_LIST && v->k != J_DICT) return true;
    size_t n = v->n ? v->n : 1;
    jval *items = adse__arena_alloc(a, n * sizeof *items);
    jval *keys = v->k == J_DICT ? adse__arena_alloc(a, n * sizeof *keys) : NULL;
    if (!items || (v->k == J_DICT && !keys)) return false;
    for (size_t i = 0; i < v->n; i++)
        if (!keep(a, &v->items[i], &items[i]) || (keys && !keep(a, &v->keys[i], &keys[i])))
            return false;
    out->items = items;
    out->keys = keys;
    return true;
}

/* ---- entry points -------------------------------------------------------------------- */

static bool no_lookup(jctx *c, const char *name, jval *out)
{
    (void)c, (void)name, (void)out;
    return false;
}

adse__v04_parsed *adse__v04_parsed_new(void)
{
    adse__v04_parsed *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->hooks = (jhooks){.subset = "adse's expression subset",
                        .kind = "v0.4 expressions",
                        .max_depth = MAX_DEPTH,
                        .lookup = no_lookup};
    p->c.hooks = &p->hooks;
    p->c.file = "";
    return p;
}

void adse__v04_parsed_free(adse__v04_parsed *p)
{
    if (!p) return;
    adse__arena_free(&p->c.arena);
    free(p->keys);
    free(p->exprs);
    free(p);
}

adse_status adse__v04_parse_once(adse__v04_parsed *p, const adse__ynode *n, adse_err *err)
{
    double d;
    bool b;
    if (!n || n->kind != ADSE__YSCALAR || !n->plain || adse__ynode_is_null(n) ||
        adse__yscalar_bool(n, &b) || adse__yscalar_double(n, &d) || parsed_get(p, n))
        return ADSE_OK;
    if (2 * (p->n + 1) > p->cap) {
        size_t nc = p->cap ? 2 * p->cap : 64;
        const adse__ynode **keys = calloc(nc, sizeof *keys);
        const jexpr **exprs = calloc(nc, sizeof *exprs);
        if (!keys || !exprs) {
            free(keys);
            free(exprs);
            return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
        }
        adse__v04_parsed old = *p;
        p->keys = keys;
        p->exprs = exprs;
        p->cap = nc;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i]) {
                size_t k = parsed_slot(p, old.keys[i]);
                p->keys[k] = old.keys[i];
                p->exprs[k] = old.exprs[i];
            }
        free(old.keys);
        free(old.exprs);
    }
    adse_err scratch;
    p->c.err = &scratch;
    jexpr *e;
    adse_status st = adse__jparse_expr(&p->c, n->text, n->len, &e);
    p->c.err = NULL;
    if (st == ADSE_E_NOMEM) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    if (st) return ADSE_OK; /* evaluating it says what is wrong */
    size_t k = parsed_slot(p, n);
    p->keys[k] = n;
    p->exprs[k] = e;
    p->n++;
    return ADSE_OK;
}

void adse__v04_scope_free(adse__v04_scope *s)
{
    free(s->syms);
    adse__arena_free(&s->arena);
    s->syms = NULL;
    s->n = s->cap = 0;
}

bool adse__v04_scope_set(adse__v04_scope *s, const char *name, const jval *v)
{
    return adse__jvar_push(&s->syms, &s->n, &s->cap, name, v);
}

adse_status adse__v04_value(adse__v04_scope *s, const adse__ynode *n, const char *what, jval *out,
                            adse_err *err)
{
    ectx x = {.scope = s, .expr = n};
    jhooks h = {.subset = "adse's expression subset",
                .kind = "v0.4 expressions",
                .max_depth = MAX_DEPTH,
                .user = &x,
                .lookup = lookup,
                .call = call,
                .item = item};
    jctx c = {.hooks = &h, .err = err, .file = ""};
    jval v;
    adse_status st = eval_scalar(&c, n, what, &v, err);
    if (!st && !keep(&s->arena, &v, out))
        st = adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    adse__arena_free(&c.arena);
    if (!st && s->arena.bytes > (size_t)ADSE_YAML_MAX_BYTES)
        st = adse__yerr(err, ADSE_E_SPEC, n,
                        "the values of the expressions take more than ADSE_YAML_MAX_BYTES");
    return st;
}

adse_status adse__v04_eval_node(adse__ydoc *doc, adse__v04_scope *s, const adse__ynode *n,
                                const char *what, const adse__ynode **out, jval *v, adse_err *err)
{
    *out = n;
    adse_status st = adse__v04_value(s, n, what, v, err);
    if (st) return st;
    bool literal = n->kind != ADSE__YSCALAR || !n->plain || adse__ynode_is_null(n);
    double d;
    bool b;
    if (literal || adse__yscalar_double(n, &d) || adse__yscalar_bool(n, &b)) return ADSE_OK;
    char buf[ADSE__NUM_BUF + 8];
    const char *text = buf;
    bool plain = true;
    switch (v->k) {
    case J_INT: snprintf(buf, sizeof buf, "%lld", (long long)v->i); break;
    case J_FLOAT: adse__num_format(buf, sizeof buf, v->f, 0); break;
    case J_BOOL: text = v->b ? "true" : "false"; break;
    case J_NONE: text = "null"; break;
    case J_STR: {
        const adse__ynode *r = adse__ynew_scalar(doc, n, v->s, false); /* v->s NUL-terminated */
        if (!r) return adse__ydoc_build_status(doc, n, err);
        *out = r;
        return ADSE_OK;
    }
    case J_NODE:
        if (v->node) *out = v->node;
        return ADSE_OK;
    default:
        return adse__yerr(err, ADSE_E_SPEC, n, "%s '%s' gives a %s, not a value", what, n->text,
                          adse__jval_type(v));
    }
    const adse__ynode *r = adse__ynew_scalar(doc, n, text, plain);
    if (!r) return adse__ydoc_build_status(doc, n, err);
    *out = r;
    return ADSE_OK;
}

adse_status adse__v04_eval_pair(adse__ydoc *doc, adse__v04_scope *s, adse__ynode *into,
                                const adse__ypair *p, const char *what, adse_err *err)
{
    const adse__ynode *v;
    jval x;
    adse_status st = adse__v04_eval_node(doc, s, p->value, what, &v, &x, err);
    if (st) return st;
    if (!adse__ymap_set(doc, into, p->key->text, p->key, v))
        return adse__ydoc_build_status(doc, p->key, err);
    if (!adse__v04_scope_set(s, p->key->text, &x))
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    return ADSE_OK;
}
