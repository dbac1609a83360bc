/* The YAML document tree (see tree.h): libyaml parser events -> nodes in an arena. */
#include "input/tree.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/arena.h"
#include "util/numtext.h"
#include "util/error.h"
#include "util/grow.h"

/* ---- document ------------------------------------------------------------------------ */

struct adse__ydoc {
    adse__arena arena;
    adse__ypair *top; /* malloc'd: the merged top level */
    int n_top, cap_top;
    size_t n_built;               /* nodes made by the builder functions */
    adse_status build_fail;       /* why the last builder call failed */
    const adse__ynode **replaced; /* malloc'd: triples (new key, replaced key, replaced value),
                                     merge_top */
    int n_replaced, cap_replaced;
};

adse_status adse__ydoc_new(adse__ydoc **out, adse_err *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    return ADSE_OK;
}

void adse__ydoc_free(adse__ydoc *doc)
{
    if (!doc) return;
    adse__arena_free(&doc->arena);
    free(doc->top);
    free(doc->replaced);
    free(doc);
}

adse_status adse__ydoc_fork(const adse__ydoc *base, adse__ydoc **out, adse_err *err)
{
    adse_status st = adse__ydoc_new(out, err);
    if (st) return st;
    adse__ydoc *d = *out;
    if ((base->n_top && !adse__grow(&d->top, &d->cap_top, base->n_top, sizeof *d->top)) ||
        (base->n_replaced &&
         !adse__grow(&d->replaced, &d->cap_replaced, 3 * base->n_replaced, sizeof *d->replaced))) {
        adse__ydoc_free(d);
        *out = NULL;
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (base->n_top) memcpy(d->top, base->top, (size_t)base->n_top * sizeof *d->top);
    d->n_top = base->n_top;
    if (base->n_replaced)
        memcpy(d->replaced, base->replaced, 3 * (size_t)base->n_replaced * sizeof *d->replaced);
    d->n_replaced = base->n_replaced;
    return ADSE_OK;
}

static char *arena_strndup(adse__ydoc *doc, const char *s, size_t len)
{
    return adse__arena_strndup(&doc->arena, s, len);
}

/* ---- parser state -------------------------------------------------------------------- */

typedef struct entry {
    const adse__ynode *key;
    const adse__ynode *value;
    bool merge; /* key is the merge key `<<` */
} entry;

typedef struct frame {
    adse__ynode *node; /* the collection being built */
    char *anchor;      /* malloc'd anchor to register when complete, or NULL */
    const adse__ynode **items;
    int n_items, cap_items;
    entry *ents;
    int n_ents, cap_ents;
    const adse__ynode *key; /* mapping: key waiting for its value */
    bool key_is_merge;
} frame;

typedef struct anchor_def {
    char *name; /* malloc'd */
    const adse__ynode *node;
} anchor_def;

typedef struct pstate {
    adse__ydoc *doc;
    const char *file;            /* arena copy */
    const adse__ysource *source; /* where a rendered text came from, or NULL */
    adse_err *err;
    frame *stack;
    int depth, cap_stack;
    anchor_def *anchors;
    int n_anchors, cap_anchors;
    const adse__ynode *root;
} pstate;

static adse_status nomem(pstate *ps)
{
    return adse_err_set(ps->err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

/* Where the text position mark stands: in the text itself, or, for a rendered template,
 * in the template (or included file) that produced the byte (adse__ysource). */
static adse_srcpos mark_pos(const pstate *ps, yaml_mark_t mark)
{
    adse_srcpos p = {ps->file, (int)mark.line + 1, (int)mark.column + 1};
    const adse__ysource *src = ps->source;
    if (!src || src->n_segs == 0) return p;
    size_t lo = 0, hi = src->n_segs; /* the last segment starting at or before the byte */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (src->segs[mid].off <= mark.index)
            lo = mid;
        else
            hi = mid;
    }
    const adse__yseg *g = &src->segs[lo];
    p.file = g->file;
    p.line = g->line;
    p.column = g->column;
    if (g->exact && mark.index >= g->off) p.column += (int)(mark.index - g->off);
    return p;
}

static adse__ynode *new_node(pstate *ps, adse__ykind kind, yaml_mark_t mark)
{
    adse__ynode *n = adse__arena_alloc(&ps->doc->arena, sizeof *n);
    if (!n) return NULL;
    adse_srcpos p = mark_pos(ps, mark);
    n->kind = kind;
    n->file = p.file;
    n->line = p.line;
    n->column = p.column;
    return n;
}

static const char *arena_tag(pstate *ps, const yaml_char_t *tag)
{
    return arena_strndup(ps->doc, (const char *)tag, strlen((const char *)tag));
}

static adse_status set_anchor(pstate *ps, const char *name, const adse__ynode *node)
{
    /* A redefined anchor applies to the aliases after it (YAML 1.2 behaviour). */
    for (int i = 0; i < ps->n_anchors; i++) {
        if (strcmp(ps->anchors[i].name, name) == 0) {
            ps->anchors[i].node = node;
            return ADSE_OK;
        }
    }
    if (!adse__grow(&ps->anchors, &ps->cap_anchors, ps->n_anchors + 1, sizeof *ps->anchors))
        return nomem(ps);
    char *copy = malloc(strlen(name) + 1);
    if (!copy) return nomem(ps);
    strcpy(copy, name);
    ps->anchors[ps->n_anchors].name = copy;
    ps->anchors[ps->n_anchors].node = node;
    ps->n_anchors++;
    return ADSE_OK;
}

static const adse__ynode *find_anchor(const pstate *ps, const char *name)
{
    for (int i = 0; i < ps->n_anchors; i++)
        if (strcmp(ps->anchors[i].name, name) == 0) return ps->anchors[i].node;
    return NULL;
}

static bool key_is_merge(const adse__ynode *key, const yaml_event_t *ev)
{
    if (!key || key->kind != ADSE__YSCALAR || strcmp(key->text, "<<") != 0) return false;
    if (ev->data.scalar.tag)
        return strcmp((const char *)ev->data.scalar.tag, "tag:yaml.org,2002:merge") == 0;
    return key->plain;
}

/* Adds a complete node to the collection on top of the stack (or makes it the root). */
static adse_status add_child(pstate *ps, const adse__ynode *node, bool is_merge_key)
{
    if (ps->depth == 0) {
        ps->root = node;
        return ADSE_OK;
    }
    frame *f = &ps->stack[ps->depth - 1];
    if (f->node->kind == ADSE__YSEQ) {
        if (!adse__grow(&f->items, &f->cap_items, f->n_items + 1, sizeof *f->items))
            return nomem(ps);
        f->items[f->n_items++] = node;
        return ADSE_OK;
    }
    if (!f->key) {
        if (node->kind != ADSE__YSCALAR)
            return adse__yerr(ps->err, ADSE_E_SYNTAX, node, "mapping keys must be scalars, got %s",
                              adse__ynode_kind_name(node));
        f->key = node;
        f->key_is_merge = is_merge_key;
        return ADSE_OK;
    }
    if (!adse__grow(&f->ents, &f->cap_ents, f->n_ents + 1, sizeof *f->ents)) return nomem(ps);
    f->ents[f->n_ents].key = f->key;
    f->ents[f->n_ents].value = node;
    f->ents[f->n_ents].merge = f->key_is_merge;
    f->n_ents++;
    f->key = NULL;
    f->key_is_merge = false;
    return ADSE_OK;
}

static adse_status push_frame(pstate *ps, adse__ynode *node, const yaml_char_t *anchor)
{
    if (ps->depth >= ADSE_YAML_MAX_DEPTH)
        return adse__yerr(ps->err, ADSE_E_SPEC, node,
                          "YAML nested deeper than ADSE_YAML_MAX_DEPTH (%d) levels",
                          ADSE_YAML_MAX_DEPTH);
    if (!adse__grow(&ps->stack, &ps->cap_stack, ps->depth + 1, sizeof *ps->stack)) return nomem(ps);
    frame *f = &ps->stack[ps->depth++];
    memset(f, 0, sizeof *f);
    f->node = node;
    if (anchor) {
        f->anchor = malloc(strlen((const char *)anchor) + 1);
        if (!f->anchor) return nomem(ps);
        strcpy(f->anchor, (const char *)anchor);
    }
    return ADSE_OK;
}

static void free_frame(frame *f)
{
    free(f->anchor);
    free(f->items);
    free(f->ents);
    memset(f, 0, sizeof *f);
}

/* Orders keys as adse__ykey_eq compares them ('-' and '_' equal). */
static int key_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char)(*a == '-' ? '_' : *a);
        unsigned char cb = (unsigned char)(*b == '-' ? '_' : *b);
        if (ca != cb) return ca < cb ? -1 : 1;
        if (!ca) return 0;
    }
}

/* A candidate pair of a mapping being finished: explicit pairs and merged ones. */
typedef struct cand {
    const adse__ypair *src; /* merged: the source pair; NULL for an explicit entry */
    const entry *ent;       /* explicit: the entry */
    const char *key;
    size_t order; /* document order (merged pairs at their `<<`) */
    bool merged;
    bool keep;
} cand;

static int cand_cmp(const void *pa, const void *pb)
{
    const cand *a = *(const cand *const *)pa, *b = *(const cand *const *)pb;
    int c = key_cmp(a->key, b->key);
    if (c) return c;
    if (a->merged != b->merged) return a->merged ? 1 : -1; /* explicit keys win */
    return a->order < b->order ? -1 : a->order > b->order; /* then the earlier one */
}

static size_t sat_add(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static adse_status too_big(pstate *ps, const adse__ynode *at)
{
    return adse__yerr(ps->err, ADSE_E_SPEC, at,
                      "YAML document too large: more than ADSE_YAML_MAX_NODES (%d) nodes with "
                      "every alias expanded",
                      ADSE_YAML_MAX_NODES);
}

/* Merges from into the mapping into, recursively: a key into lacks is added, a key both
 * hold with mappings on both sides is merged the same way (into gets a new mapping, the
 * shared nodes stay untouched), any other key keeps into's value. */
static adse_status deep_merge(pstate *ps, adse__ynode *into, const adse__ynode *from)
{
    for (int i = 0; i < from->n; i++) {
        const adse__ypair *q = &from->pairs[i];
        int idx = -1;
        for (int k = 0; k < into->n && idx < 0; k++)
            if (adse__ykey_eq(into->pairs[k].key->text, q->key->text)) idx = k;
        if (idx < 0) {
            if (!adse__ymap_set(ps->doc, into, q->key->text, q->key, q->value))
                return adse__ydoc_build_status(ps->doc, q->key, ps->err);
            continue;
        }
        const adse__ynode *mine = into->pairs[idx].value;
        if (mine->kind != ADSE__YMAP || q->value->kind != ADSE__YMAP) continue;
        adse__ynode *copy = adse__ymap_copy(ps->doc, mine);
        if (!copy) return adse__ydoc_build_status(ps->doc, mine, ps->err);
        adse_status st = deep_merge(ps, copy, q->value);
        if (st) return st;
        ((adse__ypair *)into->pairs)[idx].value = copy;
    }
    into->expanded = sat_add(into->expanded, from->expanded);
    if (into->expanded > ADSE_YAML_MAX_NODES) return too_big(ps, into);
    return ADSE_OK;
}

/* accelergy's recursive merge key `<<<` (timeloopfe's files use it to derive a problem from
 * a base: `problem: {<<<: *base, instance: {C: 64}}` keeps the base's other dimensions). */
static adse_status resolve_deep_merge(pstate *ps, adse__ynode *map)
{
    int at = -1;
    for (int i = 0; i < map->n && at < 0; i++)
        if (map->pairs[i].key->plain && strcmp(map->pairs[i].key->text, "<<<") == 0) at = i;
    if (at < 0) return ADSE_OK;
    const adse__ynode *src = map->pairs[at].value;
    if (src->kind != ADSE__YMAP)
        return adse__yerr(ps->err, ADSE_E_SYNTAX, src, "merge key '<<<' needs a mapping, got %s",
                          adse__ynode_kind_name(src));
    adse__ypair *pairs = (adse__ypair *)map->pairs;
    memmove(&pairs[at], &pairs[at + 1], (size_t)(map->n - at - 1) * sizeof *pairs);
    map->n--;
    map->cap = map->n; /* the array is full: the builder reallocates before adding */
    return deep_merge(ps, map, src);
}

/* Finishes the mapping on top of the stack: duplicate check and merge-key resolution, in
 * O(n log n) (a sort of the keys) so that a mapping with many keys cannot stall the load. */
static adse_status finish_map(pstate *ps, frame *f)
{
    /* Number of candidates, and the mapping's size with aliases expanded. */
    size_t n_cand = 0, expanded = 1;
    for (int i = 0; i < f->n_ents; i++) {
        const entry *e = &f->ents[i];
        const adse__ynode *v = e->value;
        if (!e->merge) {
            n_cand++;
            expanded = sat_add(expanded, sat_add(e->key->expanded, v->expanded));
            continue;
        }
        if (v->kind == ADSE__YMAP) {
            n_cand += (size_t)v->n;
            expanded = sat_add(expanded, v->expanded);
        } else if (v->kind == ADSE__YSEQ) {
            for (int k = 0; k < v->n; k++) {
                if (v->items[k]->kind != ADSE__YMAP)
                    return adse__yerr(ps->err, ADSE_E_SYNTAX, v->items[k],
                                      "merge key '<<' needs a mapping or a list of mappings, "
                                      "got a list holding %s",
                                      adse__ynode_kind_name(v->items[k]));
                n_cand += (size_t)v->items[k]->n;
                expanded = sat_add(expanded, v->items[k]->expanded);
            }
        } else {
            return adse__yerr(ps->err, ADSE_E_SYNTAX, v,
                              "merge key '<<' needs a mapping or a list of mappings, got %s",
                              adse__ynode_kind_name(v));
        }
    }
    if (expanded > ADSE_YAML_MAX_NODES) return too_big(ps, f->node);
    f->node->expanded = expanded;
    f->node->n = 0;
    if (n_cand == 0) return ADSE_OK;

    cand *cands = malloc(n_cand * sizeof *cands);
    cand **sorted = malloc(n_cand * sizeof *sorted);
    if (!cands || !sorted) {
        free(cands);
        free(sorted);
        return nomem(ps);
    }
    size_t n = 0;
    for (int i = 0; i < f->n_ents; i++) {
        const entry *e = &f->ents[i];
        if (!e->merge) {
            cands[n] = (cand){.ent = e, .key = e->key->text, .order = n};
            n++;
            continue;
        }
        const adse__ynode *v = e->value;
        int n_src = v->kind == ADSE__YMAP ? 1 : v->n;
        for (int s = 0; s < n_src; s++) {
            const adse__ynode *src = v->kind == ADSE__YMAP ? v : v->items[s];
            for (int k = 0; k < src->n; k++) {
                cands[n] = (cand){.src = &src->pairs[k],
                                  .key = src->pairs[k].key->text,
                                  .order = n,
                                  .merged = true};
                n++;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = &cands[i];
    qsort(sorted, n, sizeof *sorted, cand_cmp);

    /* Explicit duplicates are an error (YAML requires unique keys): report the duplicate
     * that comes first in the document, naming the first occurrence of its key. */
    const cand *dup = NULL, *first = NULL;
    size_t g = 0;
    while (g < n) {
        size_t h = g + 1;
        while (h < n && key_cmp(sorted[h]->key, sorted[g]->key) == 0)
            h++;
        sorted[g]->keep = true;
        if (h - g > 1 && !sorted[g]->merged && !sorted[g + 1]->merged &&
            (!dup || sorted[g + 1]->order < dup->order)) {
            dup = sorted[g + 1];
            first = sorted[g];
        }
        g = h;
    }
    free(sorted);
    if (dup) {
        const adse__ynode *k = dup->ent->key, *k0 = first->ent->key;
        free(cands);
        if (strcmp(k->text, k0->text) == 0)
            return adse__yerr(ps->err, ADSE_E_SYNTAX, k,
                              "duplicate key '%s' (first at line %d, column %d)", k->text, k0->line,
                              k0->column);
        return adse__yerr(ps->err, ADSE_E_SYNTAX, k,
                          "duplicate key '%s' ('%s' at line %d, column %d is the same key)",
                          k->text, k0->text, k0->line, k0->column);
    }
    size_t n_keep = 0;
    for (size_t i = 0; i < n; i++)
        n_keep += cands[i].keep;
    if (n_keep > INT32_MAX) {
        free(cands);
        return too_big(ps, f->node);
    }
    adse__ypair *pairs = adse__arena_alloc(&ps->doc->arena, n_keep * sizeof *pairs);
    if (!pairs) {
        free(cands);
        return nomem(ps);
    }
    int m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i].keep) continue;
        if (cands[i].merged) {
            pairs[m++] = *cands[i].src;
        } else {
            pairs[m].key = cands[i].ent->key;
            pairs[m].value = cands[i].ent->value;
            m++;
        }
    }
    free(cands);
    f->node->pairs = pairs;
    f->node->n = m;
    return resolve_deep_merge(ps, f->node);
}

static adse_status finish_seq(pstate *ps, frame *f)
{
    size_t expanded = 1;
    for (int i = 0; i < f->n_items; i++)
        expanded = sat_add(expanded, f->items[i]->expanded);
    if (expanded > ADSE_YAML_MAX_NODES) return too_big(ps, f->node);
    f->node->expanded = expanded;
    if (f->n_items) {
        const adse__ynode **items =
            adse__arena_alloc(&ps->doc->arena, (size_t)f->n_items * sizeof *items);
        if (!items) return nomem(ps);
        memcpy(items, f->items, (size_t)f->n_items * sizeof *items);
        f->node->items = items;
    }
    f->node->n = f->n_items;
    return ADSE_OK;
}

static adse_status pop_frame(pstate *ps)
{
    frame *f = &ps->stack[ps->depth - 1];
    adse_status st = f->node->kind == ADSE__YMAP ? finish_map(ps, f) : finish_seq(ps, f);
    if (st == ADSE_OK && f->anchor) st = set_anchor(ps, f->anchor, f->node);
    const adse__ynode *node = f->node;
    free_frame(f);
    ps->depth--;
    if (st != ADSE_OK) return st;
    return add_child(ps, node, false);
}

static adse_status syntax_error(pstate *ps, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "malformed YAML";
    adse_srcpos at = mark_pos(ps, p->problem_mark);
    if (p->error == YAML_READER_ERROR) {
        at.line = 0;
        at.column = 0;
    }
    const char *in = ps->source && ps->source->n_segs ? " of the rendered template" : "";
    if (p->context) {
        adse_srcpos ctx = mark_pos(ps, p->context_mark);
        if (strcmp(ctx.file, at.file) != 0)
            return adse_err_set(ps->err, ADSE_E_SYNTAX, at.file, at.line, at.column,
                                "%s%s (%s that started at %s:%d:%d)", problem, in, p->context,
                                ctx.file, ctx.line, ctx.column);
        return adse_err_set(ps->err, ADSE_E_SYNTAX, at.file, at.line, at.column,
                            "%s%s (%s that started at line %d, column %d)", problem, in, p->context,
                            ctx.line, ctx.column);
    }
    return adse_err_set(ps->err, ADSE_E_SYNTAX, at.file, at.line, at.column, "%s%s", problem, in);
}

static adse_status handle_event(pstate *ps, const yaml_event_t *ev, int *n_docs)
{
    adse_status st;
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++*n_docs > 1)
            return adse__yerr_at(ps->err, ADSE_E_SYNTAX, mark_pos(ps, ev->start_mark),
                                 "more than one YAML document in a file is not supported");
        return ADSE_OK;
    case YAML_SCALAR_EVENT: {
        adse__ynode *n = new_node(ps, ADSE__YSCALAR, ev->start_mark);
        if (!n) return nomem(ps);
        n->text =
            arena_strndup(ps->doc, (const char *)ev->data.scalar.value, ev->data.scalar.length);
        if (!n->text) return nomem(ps);
        n->len = ev->data.scalar.length;
        n->expanded = 1;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        const char *tag = (const char *)ev->data.scalar.tag;
        if (tag && strcmp(tag, "!include_loaded") == 0) {
            /* what timeloopfe's include() renders: the included file's value goes here */
            if (!ps->source || !ps->source->include)
                return adse__yerr(ps->err, ADSE_E_SPEC, n,
                                  "'!include_loaded' outside a rendered template (it stands "
                                  "for what include() loaded)");
            const adse__ynode *loaded = NULL;
            if ((st = ps->source->include(ps->source->ctx, n, &loaded, ps->err))) return st;
            if (ev->data.scalar.anchor &&
                (st = set_anchor(ps, (const char *)ev->data.scalar.anchor, loaded)))
                return st;
            return add_child(ps, loaded, false); /* grafted: shared, never modified */
        }
        if (ev->data.scalar.tag && !(n->tag = arena_tag(ps, ev->data.scalar.tag))) return nomem(ps);
        if (ev->data.scalar.anchor) {
            st = set_anchor(ps, (const char *)ev->data.scalar.anchor, n);
            if (st) return st;
        }
        bool merge = false;
        if (ps->depth > 0) {
            const frame *f = &ps->stack[ps->depth - 1];
            merge = f->node->kind == ADSE__YMAP && !f->key && key_is_merge(n, ev);
        }
        return add_child(ps, n, merge);
    }
    case YAML_ALIAS_EVENT: {
        const char *name = (const char *)ev->data.alias.anchor;
        const adse__ynode *target = find_anchor(ps, name);
        if (!target)
            return adse__yerr_at(ps->err, ADSE_E_SYNTAX, mark_pos(ps, ev->start_mark),
                                 "unknown anchor '%s'", name);
        return add_child(ps, target, false);
    }
    case YAML_SEQUENCE_START_EVENT: {
        adse__ynode *n = new_node(ps, ADSE__YSEQ, ev->start_mark);
        if (!n) return nomem(ps);
        if (ev->data.sequence_start.tag && !(n->tag = arena_tag(ps, ev->data.sequence_start.tag)))
            return nomem(ps);
        return push_frame(ps, n, ev->data.sequence_start.anchor);
    }
    case YAML_MAPPING_START_EVENT: {
        adse__ynode *n = new_node(ps, ADSE__YMAP, ev->start_mark);
        if (!n) return nomem(ps);
        if (ev->data.mapping_start.tag && !(n->tag = arena_tag(ps, ev->data.mapping_start.tag)))
            return nomem(ps);
        return push_frame(ps, n, ev->data.mapping_start.anchor);
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: return pop_frame(ps);
    default: return ADSE_OK;
    }
}

static int top_ptr_cmp(const void *pa, const void *pb)
{
    const adse__ypair *a = *(const adse__ypair *const *)pa, *b = *(const adse__ypair *const *)pb;
    return key_cmp(a->key->text, b->key->text);
}

static adse_status merge_top(pstate *ps)
{
    adse__ydoc *doc = ps->doc;
    const adse__ynode *root = ps->root;
    if (!root || adse__ynode_is_null(root)) return ADSE_OK; /* empty document */
    if (root->kind != ADSE__YMAP)
        return adse__yerr(ps->err, ADSE_E_SPEC, root, "the top level must be a mapping, got %s",
                          adse__ynode_kind_name(root));
    if (root->n == 0) return ADSE_OK;
    /* Look every key up in the earlier files' top level (sorted: O(n log n)), then replace
     * or append; the root's keys are unique, so appending creates no duplicates. */
    const adse__ypair **sorted = malloc((size_t)(doc->n_top ? doc->n_top : 1) * sizeof *sorted);
    int *where = malloc((size_t)root->n * sizeof *where);
    if (!sorted || !where) {
        free(sorted);
        free(where);
        return nomem(ps);
    }
    for (int j = 0; j < doc->n_top; j++)
        sorted[j] = &doc->top[j];
    if (doc->n_top) qsort(sorted, (size_t)doc->n_top, sizeof *sorted, top_ptr_cmp);
    for (int i = 0; i < root->n; i++) {
        const adse__ypair *p = &root->pairs[i];
        const adse__ypair **hit =
            doc->n_top ? bsearch(&p, sorted, (size_t)doc->n_top, sizeof *sorted, top_ptr_cmp)
                       : NULL;
        where[i] = hit ? (int)(*hit - doc->top) : -1;
    }
    free(sorted);
    adse_status st = ADSE_OK;
    for (int i = 0; i < root->n; i++) {
        int j = where[i];
        if (j < 0) {
            if (!adse__grow(&doc->top, &doc->cap_top, doc->n_top + 1, sizeof *doc->top)) {
                st = nomem(ps);
                break;
            }
            j = doc->n_top++;
        } else {
            if (!adse__grow(&doc->replaced, &doc->cap_replaced, 3 * (doc->n_replaced + 1),
                            sizeof *doc->replaced)) {
                st = nomem(ps);
                break;
            }
            doc->replaced[3 * doc->n_replaced] = root->pairs[i].key;
            doc->replaced[3 * doc->n_replaced + 1] = doc->top[j].key;
            doc->replaced[3 * doc->n_replaced + 2] = doc->top[j].value;
            doc->n_replaced++;
        }
        doc->top[j] = root->pairs[i];
    }
    free(where);
    return st;
}

/* Parses text into ps->root (NULL for an empty document). */
static adse_status parse(pstate *ps, const char *text, size_t len, const char *name)
{
    adse__ydoc *doc = ps->doc;
    adse_err *err = ps->err;
    if (!name) name = "<input>";
    ps->file = arena_strndup(doc, name, strlen(name));
    if (!ps->file) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    if (len > ADSE_YAML_MAX_BYTES)
        return adse_err_set(err, ADSE_E_SPEC, ps->file, 0, 0,
                            "YAML text larger than ADSE_YAML_MAX_BYTES (%d MiB)",
                            ADSE_YAML_MAX_BYTES >> 20);

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);

    adse_status st = ADSE_OK;
    int n_docs = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            st = parser.error == YAML_MEMORY_ERROR ? nomem(ps) : syntax_error(ps, &parser);
            break;
        }
        bool end = ev.type == YAML_STREAM_END_EVENT;
        st = handle_event(ps, &ev, &n_docs);
        yaml_event_delete(&ev);
        if (st != ADSE_OK || end) break;
    }
    yaml_parser_delete(&parser);
    return st;
}

/* ---- building nodes ------------------------------------------------------------------ */

static adse__ynode *build_node(adse__ydoc *doc, adse__ykind kind, const adse__ynode *at)
{
    if (doc->n_built >= ADSE_YAML_MAX_NODES) {
        doc->build_fail = ADSE_E_SPEC;
        return NULL;
    }
    adse__ynode *n = adse__arena_alloc(&doc->arena, sizeof *n);
    if (!n) {
        doc->build_fail = ADSE_E_NOMEM;
        return NULL;
    }
    doc->n_built++;
    n->kind = kind;
    if (at) {
        n->file = at->file;
        n->line = at->line;
        n->column = at->column;
    }
    n->expanded = 1;
    return n;
}

adse__ynode *adse__ynew_scalar(adse__ydoc *doc, const adse__ynode *at, const char *text, bool plain)
{
    adse__ynode *n = build_node(doc, ADSE__YSCALAR, at);
    if (!n) return NULL;
    n->len = strlen(text);
    n->plain = plain;
    if (!(n->text = arena_strndup(doc, text, n->len))) {
        doc->build_fail = ADSE_E_NOMEM;
        return NULL;
    }
    return n;
}

adse__ynode *adse__ynew_map(adse__ydoc *doc, const adse__ynode *at)
{
    return build_node(doc, ADSE__YMAP, at);
}

adse__ynode *adse__ynew_seq(adse__ydoc *doc, const adse__ynode *at)
{
    return build_node(doc, ADSE__YSEQ, at);
}

adse__ynode *adse__ymap_copy(adse__ydoc *doc, const adse__ynode *map)
{
    adse__ynode *copy = adse__ynew_map(doc, map);
    if (!copy) return NULL;
    copy->tag = map->tag;
    for (int k = 0; k < map->n; k++)
        if (!adse__ymap_set(doc, copy, map->pairs[k].key->text, map->pairs[k].key,
                            map->pairs[k].value))
            return NULL;
    return copy;
}

/* Room for one more slot of elem bytes in *slots (n used of *cap), in the arena. */
static bool arena_grow(adse__ydoc *doc, void **slots, int n, int *cap, size_t elem)
{
    if (n < *cap) return true;
    int nc = *cap ? *cap * 2 : 4;
    while (nc <= n)
        nc *= 2;
    void *p = adse__arena_alloc(&doc->arena, (size_t)nc * elem);
    if (!p) {
        doc->build_fail = ADSE_E_NOMEM;
        return false;
    }
    if (n) memcpy(p, *slots, (size_t)n * elem);
    *slots = p;
    *cap = nc;
    return true;
}

bool adse__ymap_set(adse__ydoc *doc, adse__ynode *map, const char *key, const adse__ynode *key_at,
                    const adse__ynode *value)
{
    if (!map || !value) return false; /* a failed builder call before this one */
    for (int i = 0; i < map->n; i++) {
        if (adse__ykey_eq(map->pairs[i].key->text, key)) {
            ((adse__ypair *)map->pairs)[i].value = value;
            map->expanded = sat_add(map->expanded, value->expanded);
            return true;
        }
    }
    adse__ynode *k = adse__ynew_scalar(doc, key_at ? key_at : map, key, true);
    if (!k) return false;
    void *slots = (void *)map->pairs;
    if (!arena_grow(doc, &slots, map->n, &map->cap, sizeof *map->pairs)) return false;
    adse__ypair *pairs = slots;
    pairs[map->n].key = k;
    pairs[map->n].value = value;
    map->pairs = pairs;
    map->n++;
    map->expanded = sat_add(map->expanded, sat_add(1, value->expanded));
    return true;
}

bool adse__yseq_push(adse__ydoc *doc, adse__ynode *seq, const adse__ynode *item)
{
    if (!seq || !item) return false;
    void *slots = (void *)seq->items;
    if (!arena_grow(doc, &slots, seq->n, &seq->cap, sizeof *seq->items)) return false;
    const adse__ynode **items = slots;
    items[seq->n++] = item;
    seq->items = items;
    seq->expanded = sat_add(seq->expanded, item->expanded);
    return true;
}

bool adse__ydoc_set_top(adse__ydoc *doc, const char *key, const adse__ynode *key_at,
                        const adse__ynode *value)
{
    if (!value) return false;
    for (int i = 0; i < doc->n_top; i++) {
        if (adse__ykey_eq(doc->top[i].key->text, key)) {
            doc->top[i].value = value;
            return true;
        }
    }
    adse__ynode *k = adse__ynew_scalar(doc, key_at, key, true);
    if (!k) return false;
    if (!adse__grow(&doc->top, &doc->cap_top, doc->n_top + 1, sizeof *doc->top)) {
        doc->build_fail = ADSE_E_NOMEM;
        return false;
    }
    doc->top[doc->n_top].key = k;
    doc->top[doc->n_top].value = value;
    doc->n_top++;
    return true;
}

void adse__ydoc_del_top(adse__ydoc *doc, const char *key)
{
    for (int i = 0; i < doc->n_top; i++) {
        if (adse__ykey_eq(doc->top[i].key->text, key)) {
            memmove(&doc->top[i], &doc->top[i + 1],
                    (size_t)(doc->n_top - i - 1) * sizeof *doc->top);
            doc->n_top--;
            return;
        }
    }
}

adse_status adse__ydoc_build_status(const adse__ydoc *doc, const adse__ynode *at, adse_err *err)
{
    if (doc->build_fail == ADSE_E_SPEC)
        return adse__yerr(err, ADSE_E_SPEC, at,
                          "specification too large: the loader would build more than "
                          "ADSE_YAML_MAX_NODES (%d) nodes",
                          ADSE_YAML_MAX_NODES);
    return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

static void pstate_release(pstate *ps)
{
    for (int i = 0; i < ps->depth; i++)
        free_frame(&ps->stack[i]);
    free(ps->stack);
    for (int i = 0; i < ps->n_anchors; i++)
        free(ps->anchors[i].name);
    free(ps->anchors);
}

int adse__ydoc_replaced_count(const adse__ydoc *doc)
{
    return doc->n_replaced;
}

const adse__ynode *adse__ydoc_replaced_at(const adse__ydoc *doc, int i, const adse__ynode **earlier)
{
    *earlier = doc->replaced[3 * i + 1];
    return doc->replaced[3 * i];
}

const adse__ynode *adse__ydoc_replaced_value(const adse__ydoc *doc, int i)
{
    return doc->replaced[3 * i + 2];
}

adse_status adse__ydoc_add(adse__ydoc *doc, const char *text, size_t len, const char *name,
                           adse_err *err)
{
    return adse__ydoc_add_source(doc, text, len, name, NULL, err);
}

adse_status adse__ydoc_add_source(adse__ydoc *doc, const char *text, size_t len, const char *name,
                                  const adse__ysource *source, adse_err *err)
{
    pstate ps = {.doc = doc, .err = err, .source = source};
    adse_status st = parse(&ps, text, len, name);
    if (st == ADSE_OK) st = merge_top(&ps);
    pstate_release(&ps);
    return st;
}

adse_status adse__ydoc_parse(adse__ydoc *doc, const char *text, size_t len, const char *name,
                             const adse__ysource *source, const adse__ynode **root, adse_err *err)
{
    pstate ps = {.doc = doc, .err = err, .source = source};
    adse_status st = parse(&ps, text, len, name);
    *root = st == ADSE_OK ? ps.root : NULL;
    pstate_release(&ps);
    return st;
}

const char *adse__ydoc_intern(adse__ydoc *doc, const char *s)
{
    return arena_strndup(doc, s, strlen(s));
}

/* ---- reading ------------------------------------------------------------------------- */

int adse__ydoc_top_count(const adse__ydoc *doc)
{
    return doc ? doc->n_top : 0;
}

const adse__ypair *adse__ydoc_top_at(const adse__ydoc *doc, int i)
{
    if (!doc || i < 0 || i >= doc->n_top) return NULL;
    return &doc->top[i];
}

/* The first of pairs[0..n) whose key is key (adse__ykey_eq). */
static const adse__ypair *pair_of(const adse__ypair *pairs, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (adse__ykey_eq(pairs[i].key->text, key)) return &pairs[i];
    return NULL;
}

const adse__ypair *adse__ydoc_top_pair(const adse__ydoc *doc, const char *key)
{
    return doc ? pair_of(doc->top, doc->n_top, key) : NULL;
}

const adse__ynode *adse__ydoc_top(const adse__ydoc *doc, const char *key)
{
    const adse__ypair *p = adse__ydoc_top_pair(doc, key);
    return p ? p->value : NULL;
}

bool adse__ynode_is_scalar(const adse__ynode *n)
{
    return n && n->kind == ADSE__YSCALAR;
}
bool adse__ynode_is_seq(const adse__ynode *n)
{
    return n && n->kind == ADSE__YSEQ;
}
bool adse__ynode_is_map(const adse__ynode *n)
{
    return n && n->kind == ADSE__YMAP;
}

bool adse__ynode_is_null(const adse__ynode *n)
{
    if (!n) return true;
    if (n->kind != ADSE__YSCALAR || !n->plain) return false;
    const char *t = n->text;
    return !t[0] || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 || strcmp(t, "Null") == 0 ||
           strcmp(t, "NULL") == 0;
}

const char *adse__ynode_text(const adse__ynode *n)
{
    return n && n->kind == ADSE__YSCALAR ? n->text : NULL;
}

int adse__ynode_len(const adse__ynode *n)
{
    return n && n->kind != ADSE__YSCALAR ? n->n : 0;
}

const adse__ynode *adse__yseq_at(const adse__ynode *seq, int i)
{
    if (!seq || seq->kind != ADSE__YSEQ || i < 0 || i >= seq->n) return NULL;
    return seq->items[i];
}

const adse__ypair *adse__ymap_at(const adse__ynode *map, int i)
{
    if (!map || map->kind != ADSE__YMAP || i < 0 || i >= map->n) return NULL;
    return &map->pairs[i];
}

const adse__ypair *adse__ymap_pair(const adse__ynode *map, const char *key)
{
    return map && map->kind == ADSE__YMAP ? pair_of(map->pairs, map->n, key) : NULL;
}

const adse__ynode *adse__ymap_get(const adse__ynode *map, const char *key)
{
    const adse__ypair *p = adse__ymap_pair(map, key);
    return p ? p->value : NULL;
}

adse_srcpos adse__ynode_pos(const adse__ynode *n)
{
    adse_srcpos pos = {0};
    if (n) {
        pos.file = n->file;
        pos.line = n->line;
        pos.column = n->column;
    }
    return pos;
}

adse_srcpos adse__ynode_char_pos(const adse__ynode *n, size_t off)
{
    adse_srcpos pos = adse__ynode_pos(n);
    if (n && n->text && !memchr(n->text, '\n', n->len)) pos.column += (int)off + (n->plain ? 0 : 1);
    return pos;
}

const char *adse__ynode_kind_name(const adse__ynode *n)
{
    if (!n || adse__ynode_is_null(n)) return "nothing";
    switch (n->kind) {
    case ADSE__YSCALAR: return "a scalar";
    case ADSE__YSEQ: return "a list";
    case ADSE__YMAP: return "a mapping";
    }
    return "?";
}

bool adse__ykey_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        char ca = *a == '-' ? '_' : *a, cb = *b == '-' ? '_' : *b;
        if (ca != cb) return false;
        if (!ca) return true;
    }
}

int adse__ykey_distance(const char *a, const char *b)
{
    char la[80], lb[80];
    size_t na = 0, nb = 0;
    for (; na < sizeof la - 1 && a[na]; na++)
        la[na] = a[na] == '-' ? '_' : (char)tolower((unsigned char)a[na]);
    for (; nb < sizeof lb - 1 && b[nb]; nb++)
        lb[nb] = b[nb] == '-' ? '_' : (char)tolower((unsigned char)b[nb]);
    int d[81][81];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        for (size_t j = 1; j <= nb; j++) {
            int cost = la[i - 1] != lb[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && la[i - 1] == lb[j - 2] && la[i - 2] == lb[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[na][nb];
}

/* The decimal digits t (one at least, nothing else) as a 64-bit unsigned number; false when
 * they are not or do not fit. */
static bool digits_u64(const char *t, uint64_t *out)
{
    if (*t < '0' || *t > '9') return false;
    uint64_t v = 0;
    for (; *t; t++) {
        if (*t < '0' || *t > '9') return false;
        uint64_t d = (uint64_t)(*t - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool adse__yscalar_u64(const adse__ynode *n, uint64_t *out)
{
    const char *t = adse__ynode_text(n);
    if (!t) return false;
    if (*t == '+') t++;
    return digits_u64(t, out);
}

bool adse__yscalar_i64(const adse__ynode *n, int64_t *out)
{
    const char *t = adse__ynode_text(n);
    if (!t) return false;
    bool neg = false;
    if (*t == '-' || *t == '+') neg = *t++ == '-';
    uint64_t v;
    if (!digits_u64(t, &v)) return false;
    if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX) return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool adse__yscalar_double(const adse__ynode *n, double *out)
{
    const char *t = adse__ynode_text(n);
    if (!t || !*t) return false;
    char *end;
    errno = 0;
    double v = adse__num_parse(t, &end);
    if (*end || errno == ERANGE || !isfinite(v)) return false;
    /* it takes hex floats and "inf"/"nan"; YAML numbers start like decimals. */
    const char *d = t + (*t == '-' || *t == '+');
    if (!((*d >= '0' && *d <= '9') || *d == '.')) return false;
    if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) return false;
    *out = v;
    return true;
}

static bool str_ieq(const char *a, const char *b)
{
    for (;; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb) return false;
        if (!ca) return true;
    }
}

bool adse__yscalar_bool(const adse__ynode *n, bool *out)
{
    const char *t = adse__ynode_text(n);
    if (!t) return false;
    if (str_ieq(t, "true") || str_ieq(t, "yes") || str_ieq(t, "on")) {
        *out = true;
        return true;
    }
    if (str_ieq(t, "false") || str_ieq(t, "no") || str_ieq(t, "off")) {
        *out = false;
        return true;
    }
    return false;
}

/* ---- errors -------------------------------------------------------------------------- */

adse_status adse__yerr(adse_err *err, adse_status code, const adse__ynode *at, const char *fmt, ...)
{
    adse_srcpos pos = adse__ynode_pos(at);
    va_list ap;
    va_start(ap, fmt);
    adse_status st = adse__err_vset(err, code, pos.file, pos.line, pos.column, fmt, ap);
    va_end(ap);
    return st;
}

adse_status adse__yerr_at(adse_err *err, adse_status code, adse_srcpos at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    adse_status st = adse__err_vset(err, code, at.file, at.line, at.column, fmt, ap);
    va_end(ap);
    return st;
}

const char *adse__yclosest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    int best_d = 1 << 30;
    for (; *candidates; candidates++) {
        int d = adse__ykey_distance(word, *candidates);
        int limit = strlen(*candidates) <= 5 ? 1 : 2;
        if (d <= limit && d < best_d) {
            best_d = d;
            best = *candidates;
        }
    }
    return best;
}

bool adse__ykey_in(const char *key, const char *const *list)
{
    for (; *list; list++)
        if (adse__ykey_eq(key, *list)) return true;
    return false;
}

adse_status adse__ycheck_key(const adse__ynode *key, const char *const *allowed, const char *where,
                             adse_err *err)
{
    const char *k = key->text;
    if (adse__ykey_in(k, allowed)) return ADSE_OK;
    const char *hint = adse__yclosest(k, allowed);
    if (hint)
        return adse__yerr(err, ADSE_E_SPEC, key, "unknown key '%s' in %s (did you mean '%s'?)", k,
                          where, hint);
    return adse__yerr(err, ADSE_E_SPEC, key, "unknown key '%s' in %s", k, where);
}

adse_status adse__ycheck_keys(const adse__ynode *map, const char *const *allowed, const char *where,
                              adse_err *err)
{
    if (!map || map->kind != ADSE__YMAP) return ADSE_OK;
    for (int i = 0; i < map->n; i++) {
        adse_status st = adse__ycheck_key(map->pairs[i].key, allowed, where, err);
        if (st) return st;
    }
    return ADSE_OK;
}

adse_status adse__yexpect(const adse__ynode *n, adse__ykind kind, const char *what, adse_err *err)
{
    if (n && n->kind == kind && !(kind == ADSE__YSCALAR && adse__ynode_is_null(n))) return ADSE_OK;
    const char *want = kind == ADSE__YSCALAR ? "a scalar"
                       : kind == ADSE__YSEQ  ? "a list"
                                             : "a mapping";
    return adse__yerr(err, ADSE_E_SPEC, n, "'%s' must be %s, got %s", what, want,
                      adse__ynode_kind_name(n));
}

void adse__ywarn(adse__warnings *w, const adse__ynode *at, const char *fmt, ...)
{
    adse_srcpos pos = adse__ynode_pos(at);
    va_list ap;
    va_start(ap, fmt);
    adse__vwarn(w, pos.file, pos.line, pos.column, fmt, ap);
    va_end(ap);
}
