/*
 * input/compound.c: Accelergy compound-component classes read from the YAML and priced by
 * the estimator (see compound.h; the rules, and where they come from, in docs/energy.md
 * section 10).
 *
 * Reading keeps pointers to the document's nodes; the range expressions inside names
 * (`storage[1..width*depth]`) and inside v0.3 action-argument ranges (`0..n_banks`) become
 * scalar nodes of the document at the name's position, so that the evaluator (v04_expr.h)
 * reads them and its errors point at the name. Pricing walks the definitions: a compound
 * instance is a class plus a scope of attribute values; primitives go to
 * adse_energy_estimate() unrounded, the caller rounds the sums. Every expression of the
 * classes is parsed once when they are read (adse__v04_parse_once); within one pricing each
 * subcomponent instance's attributes are evaluated once (sub_get) and each primitive priced
 * once per set of attributes and arguments (prim_get), for the area and all the actions:
 * the same evaluations in the same order, so the same numbers, done once.
 */
#include "input/compound.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/v04_expr.h"
#include "util/arena.h"
#include "util/numtext.h"
#include "util/grow.h"

#define CC_MAX_DEPTH 16         /* compound classes nested inside one another */
#define CC_MAX_ATTRS 64         /* attributes and arguments handed to one primitive */
#define CC_MAX_COMBOS 256       /* argument combinations of one v0.3 action */
#define CC_ATTR_TEXT 4096       /* bytes of their texts */
#define CC_DEFAULT_CYCLE "1e-9" /* global_cycle_seconds when not given (as the estimator) */
#define V03_HINT                                                                                   \
    "; a version 0.3 class calls Accelergy 0.3's plug-in actions, adse's primitives are "          \
    "Accelergy v0.4's: give the component an ERT/ART entry, or leave this definition out to "      \
    "use adse's built-in model of its class"

typedef struct cc_range {
    const adse__ynode *lo, *hi; /* lo NULL: no range (one subcomponent) */
} cc_range;

typedef struct cc_sub {
    const adse__ynode *name; /* as written */
    char base[ADSE_NAME_MAX];
    cc_range range;
    const adse__ynode *klass;
    const adse__ynode *attrs; /* a mapping, or NULL */
    const adse__ynode *area_scale, *energy_scale;
    const char *area_key, *energy_key; /* the keys they were given by, for messages */
} cc_sub;

typedef struct cc_subact {
    const adse__ynode *name;
    const adse__ynode *scale; /* energy_scale / action_share / repeat, or NULL (1) */
    const char *scale_key;    /* which of them */
    const adse__ynode *args;  /* a mapping, or NULL */
} cc_subact;

typedef struct cc_ref {
    const adse__ynode *name; /* the subcomponent as the action names it */
    cc_range range;
    int sub;
    cc_subact *acts;
    int n_acts;
} cc_ref;

typedef struct cc_arg {
    const adse__ynode *key;
    cc_range range;           /* "a..b": every integer of it */
    const adse__ynode *value; /* otherwise one value */
} cc_arg;

typedef struct cc_action {
    const adse__ynode *name;
    cc_arg *args;
    int n_args;
    cc_ref *refs;
    int n_refs;
} cc_action;

typedef struct cc_class {
    const adse__ynode *name;
    const adse__ynode *attrs; /* a mapping, or NULL */
    cc_sub *subs;
    int n_subs;
    cc_action *acts;
    int n_acts;
    double version; /* of the list it came from: 0.3 or 0.4 */
    bool unused;    /* a version 0.3 class adse's primitives cannot price, left to the built-in
                       model of its name (adse__compounds_fall_back) */
    char estimator[ADSE_ERR_FILE_MAX + 48];
} cc_class;

struct adse__compounds {
    adse__arena arena;
    const adse__ydoc *doc;
    cc_class *classes; /* malloc'd */
    int n, cap;
    const char **words; /* malloc'd: names the classes may read (arena strings) */
    int n_words, cap_words;
    adse_energy_classes hook;
    adse__v04_parsed *parsed; /* every expression of the classes, parsed once */
};

/* ---- reading ----------------------------------------------------------------------------- */

typedef struct reader {
    adse__compounds *cc;
    adse__ydoc *doc;
    adse__warnings *w;
    adse_err *err;
} reader;

static adse_status nomem(adse_err *err)
{
    return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
}

static adse_status add_word(reader *r, const char *s, size_t len)
{
    adse__compounds *cc = r->cc;
    for (int i = 0; i < cc->n_words; i++)
        if (strlen(cc->words[i]) == len && strncmp(cc->words[i], s, len) == 0) return ADSE_OK;
    if (!adse__grow(&cc->words, &cc->cap_words, cc->n_words + 1, sizeof *cc->words))
        return nomem(r->err);
    char *copy = adse__arena_strndup(&cc->arena, s, len);
    if (!copy) return nomem(r->err);
    cc->words[cc->n_words++] = copy;
    return ADSE_OK;
}

/* Every identifier of an expression scalar (plain scalars only: a quoted one is a string). */
static adse_status add_words(reader *r, const adse__ynode *n)
{
    if (!n || n->kind != ADSE__YSCALAR || !n->plain) return ADSE_OK;
    const char *s = n->text;
    for (size_t i = 0; i < n->len;) {
        char c = s[i];
        bool start = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        if (!start) {
            /* skip numbers whole, so that 1e9 names no 'e9' */
            if (c >= '0' && c <= '9')
                while (i < n->len &&
                       ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == 'e' || s[i] == 'E'))
                    i++;
            else
                i++;
            continue;
        }
        size_t j = i;
        while (j < n->len && ((s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= 'a' && s[j] <= 'z') ||
                              (s[j] >= '0' && s[j] <= '9') || s[j] == '_'))
            j++;
        adse_status st = add_word(r, s + i, j - i);
        if (st) return st;
        i = j;
    }
    return ADSE_OK;
}

/* A new plain scalar holding s[0..len), a part of scalar at's text, at its position there
 * (a name is one line: the column moves by the offset, and the quote of a quoted one). */
static adse_status sub_scalar(reader *r, const adse__ynode *at, const char *s, size_t len,
                              const adse__ynode **out)
{
    char buf[256];
    if (len >= sizeof buf)
        return adse__yerr(r->err, ADSE_E_SPEC, at, "range expression in '%s' is too long",
                          at->text);
    memcpy(buf, s, len);
    buf[len] = 0;
    adse__ynode *n = adse__ynew_scalar(r->doc, at, buf, true);
    if (!n) return adse__ydoc_build_status(r->doc, at, r->err);
    if (n->column > 0 && s >= at->text && s <= at->text + at->len)
        n->column += (int)(s - at->text) + (at->plain ? 0 : 1);
    *out = n;
    return add_words(r, n);
}

/* "lo..hi" of text[0..len) into a range at node at. */
static adse_status read_range(reader *r, const adse__ynode *at, const char *s, size_t len,
                              cc_range *out)
{
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < len && !dots; i++)
        if (s[i] == '.' && s[i + 1] == '.') dots = s + i;
    if (!dots) return ADSE_OK;
    adse_status st = sub_scalar(r, at, s, (size_t)(dots - s), &out->lo);
    if (!st) st = sub_scalar(r, at, dots + 2, len - (size_t)(dots + 2 - s), &out->hi);
    return st;
}

/* A subcomponent name "base" or "base[...]": its base and, for "[lo..hi]", its range. */
static adse_status read_name(reader *r, const adse__ynode *n, const char *what, char *base,
                             cc_range *range)
{
    if (!adse__ynode_is_scalar(n) || adse__ynode_is_null(n) || !n->len)
        return adse__yerr(r->err, ADSE_E_SPEC, n, "'name' of %s must be a name", what);
    const char *open = strchr(n->text, '[');
    size_t blen = open ? (size_t)(open - n->text) : n->len;
    if (blen >= ADSE_NAME_MAX)
        return adse__yerr(r->err, ADSE_E_SPEC, n, "name '%s' of %s is longer than %d characters",
                          n->text, what, ADSE_NAME_MAX - 1);
    memcpy(base, n->text, blen);
    base[blen] = 0;
    memset(range, 0, sizeof *range);
    if (!open) return ADSE_OK;
    const char *close = strchr(open, ']');
    if (!close || close[1])
        return adse__yerr(r->err, ADSE_E_SPEC, n, "name '%s' of %s: expected 'name[a..b]'", n->text,
                          what);
    return read_range(r, n, open + 1, (size_t)(close - open - 1), range);
}

static const adse__ynode *opt_map(reader *r, const adse__ynode *parent, const char *key,
                                  const char *what, adse_status *st)
{
    const adse__ynode *m = adse__ymap_get(parent, key);
    if (!m || adse__ynode_is_null(m)) return NULL;
    if (!adse__ynode_is_map(m))
        *st = adse__yerr(r->err, ADSE_E_SPEC, m, "'%s' of %s must be a mapping, got %s", key, what,
                         adse__ynode_kind_name(m));
    return m;
}

static const adse__ynode *opt_seq(reader *r, const adse__ynode *parent, const char *key,
                                  const char *what, adse_status *st)
{
    const adse__ynode *m = adse__ymap_get(parent, key);
    if (!m || adse__ynode_is_null(m)) return NULL;
    if (!adse__ynode_is_seq(m))
        *st = adse__yerr(r->err, ADSE_E_SPEC, m, "'%s' of %s must be a list, got %s", key, what,
                         adse__ynode_kind_name(m));
    return m;
}

/* The words of every value of a mapping (attributes, arguments). */
static adse_status map_words(reader *r, const adse__ynode *m, bool keys)
{
    adse_status st = ADSE_OK;
    for (int i = 0; m && i < m->n && !st; i++) {
        if (keys) st = add_word(r, m->pairs[i].key->text, m->pairs[i].key->len);
        if (!st) st = add_words(r, m->pairs[i].value);
    }
    return st;
}

/* The first of energy_scale, action_share, repeat (Accelergy's names over its versions);
 * *key names it. */
static const adse__ynode *energy_scale_of(const adse__ynode *m, const char **key)
{
    static const char *const keys[] = {"energy_scale", "action_share", "repeat"};
    for (int i = 0; i < 3; i++) {
        const adse__ynode *v = adse__ymap_get(m, keys[i]);
        *key = keys[i];
        if (v && !adse__ynode_is_null(v)) return v;
    }
    return NULL;
}

static adse_status read_sub(reader *r, cc_class *c, const adse__ynode *n, cc_sub *s)
{
    char what[ADSE_NAME_MAX + 48];
    snprintf(what, sizeof what, "a subcomponent of compound class '%s'", c->name->text);
    if (!adse__ynode_is_map(n))
        return adse__yerr(r->err, ADSE_E_SPEC, n, "%s must be a mapping, got %s", what,
                          adse__ynode_kind_name(n));
    static const char *const keys[] = {"name",         "class",      "attributes",   "area_scale",
                                       "energy_scale", "area_share", "action_share", NULL};
    adse_status st = adse__ycheck_keys(n, keys, what, r->err);
    if (st) return st;
    s->name = adse__ymap_get(n, "name");
    if (!s->name) return adse__yerr(r->err, ADSE_E_SPEC, n, "missing 'name' in %s", what);
    if ((st = read_name(r, s->name, what, s->base, &s->range))) return st;
    snprintf(what, sizeof what, "subcomponent '%s' of compound class '%s'", s->name->text,
             c->name->text);
    s->klass = adse__ymap_get(n, "class");
    if (!s->klass) return adse__yerr(r->err, ADSE_E_SPEC, n, "missing 'class' in %s", what);
    if (!adse__ynode_is_scalar(s->klass) || adse__ynode_is_null(s->klass))
        return adse__yerr(r->err, ADSE_E_SPEC, s->klass, "'class' of %s must be a name", what);
    s->attrs = opt_map(r, n, "attributes", what, &st);
    if (st) return st;
    s->area_key = "area_scale";
    s->area_scale = adse__ymap_get(n, "area_scale");
    if (!s->area_scale) s->area_scale = adse__ymap_get(n, s->area_key = "area_share");
    s->energy_scale = energy_scale_of(n, &s->energy_key);
    /* Accelergy also takes the scales from the attributes */
    if (!s->area_scale) s->area_scale = adse__ymap_get(s->attrs, s->area_key = "area_scale");
    if (!s->energy_scale)
        s->energy_scale = adse__ymap_get(s->attrs, s->energy_key = "energy_scale");
    if (adse__ynode_is_null(s->area_scale)) s->area_scale = NULL;
    if (adse__ynode_is_null(s->energy_scale)) s->energy_scale = NULL;
    if (!st) st = map_words(r, s->attrs, false);
    if (!st) st = add_words(r, s->area_scale);
    if (!st) st = add_words(r, s->energy_scale);
    return st;
}

static adse_status read_ref(reader *r, cc_class *c, const cc_action *a, const adse__ynode *n,
                            cc_ref *ref)
{
    char what[2 * ADSE_NAME_MAX + 64];
    snprintf(what, sizeof what, "a subcomponent of action '%s' of compound class '%s'",
             a->name->text, c->name->text);
    if (!adse__ynode_is_map(n))
        return adse__yerr(r->err, ADSE_E_SPEC, n, "%s must be a mapping, got %s", what,
                          adse__ynode_kind_name(n));
    static const char *const keys[] = {"name", "actions", NULL};
    adse_status st = adse__ycheck_keys(n, keys, what, r->err);
    if (st) return st;
    ref->name = adse__ymap_get(n, "name");
    if (!ref->name) return adse__yerr(r->err, ADSE_E_SPEC, n, "missing 'name' in %s", what);
    char base[ADSE_NAME_MAX];
    if ((st = read_name(r, ref->name, what, base, &ref->range))) return st;
    ref->sub = -1;
    for (int i = 0; i < c->n_subs; i++)
        if (strcmp(c->subs[i].base, base) == 0) ref->sub = i;
    if (ref->sub < 0)
        return adse__yerr(r->err, ADSE_E_SPEC, ref->name,
                          "action '%s' of compound class '%s' names subcomponent '%s', which the "
                          "class does not have",
                          a->name->text, c->name->text, ref->name->text);
    snprintf(what, sizeof what, "subcomponent '%s' of action '%s' of compound class '%s'",
             ref->name->text, a->name->text, c->name->text);
    const adse__ynode *acts = opt_seq(r, n, "actions", what, &st);
    if (st) return st;
    if (!acts) return adse__yerr(r->err, ADSE_E_SPEC, n, "missing 'actions' in %s", what);
    ref->n_acts = acts->n;
    ref->acts = adse__arena_alloc(&r->cc->arena, (size_t)(acts->n + 1) * sizeof *ref->acts);
    if (!ref->acts) return nomem(r->err);
    static const char *const akeys[] = {"name",   "energy_scale", "action_share",
                                        "repeat", "arguments",    NULL};
    for (int i = 0; i < acts->n; i++) {
        const adse__ynode *an = acts->items[i];
        cc_subact *sa = &ref->acts[i];
        if (!adse__ynode_is_map(an))
            return adse__yerr(r->err, ADSE_E_SPEC, an, "an action of %s must be a mapping, got %s",
                              what, adse__ynode_kind_name(an));
        if ((st = adse__ycheck_keys(an, akeys, what, r->err))) return st;
        sa->name = adse__ymap_get(an, "name");
        if (!sa->name || !adse__ynode_is_scalar(sa->name) || adse__ynode_is_null(sa->name))
            return adse__yerr(r->err, ADSE_E_SPEC, sa->name ? sa->name : an,
                              "an action of %s needs a 'name'", what);
        sa->scale = energy_scale_of(an, &sa->scale_key);
        sa->args = opt_map(r, an, "arguments", what, &st);
        if (!st) st = add_words(r, sa->scale);
        if (!st) st = map_words(r, sa->args, false);
        if (st) return st;
    }
    return ADSE_OK;
}

static adse_status read_action(reader *r, cc_class *c, const adse__ynode *n, cc_action *a)
{
    char what[ADSE_NAME_MAX + 48];
    snprintf(what, sizeof what, "an action of compound class '%s'", c->name->text);
    if (!adse__ynode_is_map(n))
        return adse__yerr(r->err, ADSE_E_SPEC, n, "%s must be a mapping, got %s", what,
                          adse__ynode_kind_name(n));
    static const char *const keys[] = {"name", "arguments", "subcomponents", NULL};
    adse_status st = adse__ycheck_keys(n, keys, what, r->err);
    if (st) return st;
    a->name = adse__ymap_get(n, "name");
    if (!a->name || !adse__ynode_is_scalar(a->name) || adse__ynode_is_null(a->name))
        return adse__yerr(r->err, ADSE_E_SPEC, a->name ? a->name : n, "%s needs a 'name'", what);
    snprintf(what, sizeof what, "action '%s' of compound class '%s'", a->name->text, c->name->text);
    const adse__ynode *args = opt_map(r, n, "arguments", what, &st);
    const adse__ynode *subs = st ? NULL : opt_seq(r, n, "subcomponents", what, &st);
    if (st) return st;
    a->n_args = args ? args->n : 0;
    a->args = adse__arena_alloc(&r->cc->arena, (size_t)(a->n_args + 1) * sizeof *a->args);
    a->n_refs = subs ? subs->n : 0;
    a->refs = adse__arena_alloc(&r->cc->arena, (size_t)(a->n_refs + 1) * sizeof *a->refs);
    if (!a->args || !a->refs) return nomem(r->err);
    for (int i = 0; i < a->n_args; i++) {
        cc_arg *g = &a->args[i];
        g->key = args->pairs[i].key;
        g->value = args->pairs[i].value;
        if ((st = add_word(r, g->key->text, g->key->len))) return st;
        if (adse__ynode_is_scalar(g->value) && g->value->plain && strstr(g->value->text, ".."))
            st = read_range(r, g->value, g->value->text, g->value->len, &g->range);
        else
            st = add_words(r, g->value);
        if (st) return st;
    }
    for (int i = 0; i < a->n_refs; i++)
        if ((st = read_ref(r, c, a, subs->items[i], &a->refs[i]))) return st;
    return ADSE_OK;
}

static cc_class *find_class(const adse__compounds *cc, const char *klass)
{
    if (!cc || !klass) return NULL;
    for (int i = cc->n - 1; i >= 0; i--)
        if (strcmp(cc->classes[i].name->text, klass) == 0)
            return cc->classes[i].unused ? NULL : &cc->classes[i];
    return NULL;
}

static adse_status read_class(reader *r, const adse__ynode *n, double version)
{
    if (!adse__ynode_is_map(n))
        return adse__yerr(r->err, ADSE_E_SPEC, n,
                          "a compound component class must be a mapping, got %s",
                          adse__ynode_kind_name(n));
    static const char *const keys[] = {"name",    "attributes",  "subcomponents",
                                       "actions", "description", NULL};
    adse_status st = adse__ycheck_keys(n, keys, "a compound component class", r->err);
    if (st) return st;
    const adse__ynode *name = adse__ymap_get(n, "name");
    if (!name || !adse__ynode_is_scalar(name) || adse__ynode_is_null(name) || !name->len)
        return adse__yerr(r->err, ADSE_E_SPEC, name ? name : n,
                          "a compound component class needs a 'name'");
    if (name->len >= ADSE_NAME_MAX)
        return adse__yerr(r->err, ADSE_E_SPEC, name,
                          "compound class name '%s' is longer than %d characters", name->text,
                          ADSE_NAME_MAX - 1);
    adse__compounds *cc = r->cc;
    cc_class *old = find_class(cc, name->text);
    if (old) {
        adse_srcpos p = adse__ynode_pos(old->name);
        adse__ywarn(r->w, name,
                    "compound class '%s' defined again: this definition replaces the one at "
                    "%s:%d (as in Accelergy, the last one read wins)",
                    name->text, p.file ? p.file : "<input>", p.line);
    }
    if (!adse__grow(&cc->classes, &cc->cap, cc->n + 1, sizeof *cc->classes)) return nomem(r->err);
    cc_class *c = &cc->classes[cc->n];
    memset(c, 0, sizeof *c);
    c->name = name;
    c->version = version;
    char what[ADSE_NAME_MAX + 32];
    snprintf(what, sizeof what, "compound class '%s'", name->text);
    c->attrs = opt_map(r, n, "attributes", what, &st);
    const adse__ynode *subs = st ? NULL : opt_seq(r, n, "subcomponents", what, &st);
    const adse__ynode *acts = st ? NULL : opt_seq(r, n, "actions", what, &st);
    if (st) return st;
    if (!st) st = map_words(r, c->attrs, true);
    if (st) return st;
    c->n_subs = subs ? subs->n : 0;
    c->subs = adse__arena_alloc(&cc->arena, (size_t)(c->n_subs + 1) * sizeof *c->subs);
    c->n_acts = acts ? acts->n : 0;
    c->acts = adse__arena_alloc(&cc->arena, (size_t)(c->n_acts + 1) * sizeof *c->acts);
    if (!c->subs || !c->acts) return nomem(r->err);
    for (int i = 0; i < c->n_subs; i++) {
        if ((st = read_sub(r, c, subs->items[i], &c->subs[i]))) return st;
        for (int k = 0; k < i; k++)
            if (strcmp(c->subs[k].base, c->subs[i].base) == 0)
                return adse__yerr(r->err, ADSE_E_SPEC, c->subs[i].name,
                                  "subcomponent '%s' of compound class '%s' given twice",
                                  c->subs[i].base, name->text);
    }
    for (int i = 0; i < c->n_acts; i++)
        if ((st = read_action(r, c, acts->items[i], &c->acts[i]))) return st;
    adse_srcpos p = adse__ynode_pos(name);
    snprintf(c->estimator, sizeof c->estimator, "compound class (%s:%d)",
             p.file ? p.file : "<input>", p.line);
    cc->n++;
    return ADSE_OK;
}

/* One `compound_components` / `components` value: {version, classes}. */
static adse_status read_list(reader *r, const adse__ynode *key, const adse__ynode *v)
{
    if (adse__ynode_is_null(v)) return ADSE_OK;
    char what[48];
    snprintf(what, sizeof what, "'%s'", key->text);
    if (!adse__ynode_is_map(v))
        return adse__yerr(r->err, ADSE_E_SPEC, v, "%s must be a mapping, got %s", what,
                          adse__ynode_kind_name(v));
    static const char *const keys[] = {"version", "classes", NULL};
    adse_status st = adse__ycheck_keys(v, keys, what, r->err);
    if (st) return st;
    const adse__ynode *ver = adse__ymap_get(v, "version");
    double version = 0;
    if (!ver) return adse__yerr(r->err, ADSE_E_SPEC, v, "missing 'version' in %s", what);
    if (!adse__ynode_is_scalar(ver) || !adse__yscalar_double(ver, &version) ||
        (version != 0.3 && version != 0.4))
        return adse__yerr(r->err, ADSE_E_SPEC, ver,
                          "'version' of %s must be 0.3 or 0.4 (the versions adse reads), not '%s'",
                          what, adse__ynode_is_scalar(ver) ? ver->text : "?");
    const adse__ynode *classes = opt_seq(r, v, "classes", what, &st);
    if (st || !classes) return st;
    for (int i = 0; i < classes->n && !st; i++) {
        const adse__ynode *c = classes->items[i];
        if (adse__ynode_is_seq(c)) /* include_all() of several files: one list per file */
            for (int k = 0; k < c->n && !st; k++)
                st = read_class(r, c->items[k], version);
        else
            st = read_class(r, c, version);
    }
    return st;
}

/* Every expression pricing evaluates, parsed once (pricing runs for every component and
 * every design of a search): attributes and their defaults, ranges, scales, arguments. */
static adse_status parse_classes(adse__compounds *cc, adse_err *err)
{
    if (!(cc->parsed = adse__v04_parsed_new())) return nomem(err);
    adse__v04_parsed *p = cc->parsed;
    adse_status st = ADSE_OK;
#define ONE(n) (st = st ? st : adse__v04_parse_once(p, (n), err))
#define VALUES(m)                                                                                  \
    for (int q = 0; (m) && q < (m)->n; q++)                                                        \
    ONE((m)->pairs[q].value)
    for (int i = 0; i < cc->n; i++) {
        const cc_class *c = &cc->classes[i];
        VALUES(c->attrs);
        for (int k = 0; k < c->n_subs; k++) {
            const cc_sub *s = &c->subs[k];
            ONE(s->range.lo), ONE(s->range.hi), ONE(s->area_scale), ONE(s->energy_scale);
            VALUES(s->attrs);
        }
        for (int k = 0; k < c->n_acts; k++) {
            const cc_action *a = &c->acts[k];
            for (int g = 0; g < a->n_args; g++)
                ONE(a->args[g].range.lo), ONE(a->args[g].range.hi), ONE(a->args[g].value);
            for (int r = 0; r < a->n_refs; r++) {
                const cc_ref *ref = &a->refs[r];
                ONE(ref->range.lo), ONE(ref->range.hi);
                for (int m = 0; m < ref->n_acts; m++) {
                    ONE(ref->acts[m].scale);
                    VALUES(ref->acts[m].args);
                }
            }
        }
    }
#undef VALUES
#undef ONE
    return st;
}

static bool cc_defines(const void *ctx, const char *klass)
{
    return find_class(ctx, klass) != NULL;
}

static adse_status cc_estimate(const void *ctx, const adse_energy_component *comp,
                               const adse_energy_options *opt, adse_energy_result *out,
                               adse_err *err);

adse_status adse__compounds_read(adse__ydoc *doc, adse__warnings *w, adse__compounds **out,
                                 adse_err *err)
{
    *out = NULL;
    adse__compounds *cc = calloc(1, sizeof *cc);
    if (!cc) return nomem(err);
    cc->doc = doc;
    reader r = {cc, doc, w, err};
    static const char *const keys[] = {"compound_components", "components", NULL};
    adse_status st = ADSE_OK;
    /* earlier files' lists first (a later file's top-level key replaced them), in file order */
    for (int i = 0; i < adse__ydoc_replaced_count(doc) && !st; i++) {
        const adse__ynode *earlier;
        const adse__ynode *k = adse__ydoc_replaced_at(doc, i, &earlier);
        if (adse__ykey_in(adse__ynode_text(k), keys))
            st = read_list(&r, earlier, adse__ydoc_replaced_value(doc, i));
    }
    for (const char *const *k = keys; *k && !st; k++) {
        const adse__ypair *p = adse__ydoc_top_pair(doc, *k);
        if (p) st = read_list(&r, p->key, p->value);
    }
    if (st || cc->n == 0) {
        adse__compounds_free(cc);
        return st;
    }
    if ((st = parse_classes(cc, err))) {
        adse__compounds_free(cc);
        return st;
    }
    cc->hook.ctx = cc;
    cc->hook.defines = cc_defines;
    cc->hook.estimate = cc_estimate;
    *out = cc;
    return ADSE_OK;
}

void adse__compounds_free(adse__compounds *c)
{
    if (!c) return;
    adse__arena_free(&c->arena);
    adse__v04_parsed_free(c->parsed);
    free(c->classes);
    free(c->words);
    free(c);
}

const adse_energy_classes *adse__compounds_hook(const adse__compounds *c)
{
    return c ? &c->hook : NULL;
}

const adse__ynode *adse__compounds_class(const adse__compounds *c, const char *klass)
{
    const cc_class *k = find_class(c, klass);
    return k ? k->name : NULL;
}

bool adse__compounds_reads(const adse__compounds *c, const char *name)
{
    if (!c || !name) return false;
    /* the component's own scales, which price() applies to every class */
    if (c->n && (strcmp(name, "area_scale") == 0 || strcmp(name, "energy_scale") == 0)) return true;
    for (int i = 0; i < c->n_words; i++)
        if (strcmp(c->words[i], name) == 0) return true;
    return false;
}

/* ---- pricing ----------------------------------------------------------------------------- */

/* What one pricing computes once and uses again: a component's area and each of its actions
 * walk the same subcomponents with the same attributes, and a primitive with the same
 * attributes and arguments prices the same. The entries live until the pricing ends, so a
 * scope's address identifies it (the top scope, or a subcomponent's scope of an entry). */
typedef struct sub_memo {
    const adse__v04_scope *parent; /* the class instance's attributes */
    const cc_sub *s;
    const cc_class *subc;     /* its compound class, NULL for a primitive */
    adse__v04_scope own, all; /* sub_attrs */
    double esc;               /* its energy_scale over `all`, once has_esc */
    bool has_esc;
} sub_memo;

typedef struct prim_memo {
    const adse__v04_scope *own; /* the primitive's attributes (a sub_memo's own) */
    jvar *args;                 /* the arguments' names and (plain) values, copied */
    int n_args;
    adse_energy_result r;
} prim_memo;

typedef struct ev {
    const adse__compounds *cc;
    adse_energy_options prim; /* for the primitives: unrounded, no compound classes */
    const adse_energy_component *top;
    adse_energy_result *out;
    adse_err *err;
    const cc_class *chain[CC_MAX_DEPTH];
    int depth;
    sub_memo **subs; /* malloc'd, each entry malloc'd (their addresses are keys) */
    int n_subs, cap_subs;
    prim_memo **prims;
    int n_prims, cap_prims;
} ev;

/* An empty scope of the pricing (with the classes' parsed expressions). */
static void scope_init(const ev *e, adse__v04_scope *s)
{
    memset(s, 0, sizeof *s);
    s->doc = e->cc->doc;
    s->parsed = e->cc->parsed;
}

static const jval *scope_get(const adse__v04_scope *s, const char *name)
{
    for (int i = s->n - 1; i >= 0; i--)
        if (strcmp(s->syms[i].name, name) == 0) return &s->syms[i].v;
    return NULL;
}

static adse_status scope_put(ev *e, adse__v04_scope *s, const char *name, const jval *v)
{
    if (!adse__v04_scope_set(s, name, v)) return nomem(e->err);
    return ADSE_OK;
}

/* a's names, then b's (shadowing). */
static adse_status scope_join(ev *e, adse__v04_scope *a, adse__v04_scope *b, adse__v04_scope *out)
{
    scope_init(e, out);
    adse_status st = ADSE_OK;
    for (int i = 0; a && i < a->n && !st; i++)
        st = scope_put(e, out, a->syms[i].name, &a->syms[i].v);
    for (int i = 0; b && i < b->n && !st; i++)
        st = scope_put(e, out, b->syms[i].name, &b->syms[i].v);
    return st;
}

static bool is_must_specify(const jval *v)
{
    return v->k == J_STR && v->n == 12 && strncmp(v->s, "must_specify", 12) == 0;
}

/* A number (int, float or bool) as a double; false for any other value. */
static bool number_of(const jval *v, double *out)
{
    switch (v->k) {
    case J_INT: *out = (double)v->i; return true;
    case J_FLOAT: *out = v->f; return true;
    case J_BOOL: *out = v->b; return true;
    default: return false;
    }
}

/* The value of n in s; what names it in messages (a printf format), formatted only when the
 * evaluation fails: it is evaluated again then, with the message (pricing evaluates the
 * definitions for every component and design, so the texts of the good case are not built). */
static adse_status __attribute__((format(printf, 5, 6)))
value_of(ev *e, adse__v04_scope *s, const adse__ynode *n, jval *out, const char *fmt, ...)
{
    adse_err scratch; /* the evaluator needs one; nothing is formatted in the good case */
    if (adse__v04_value(s, n, "", out, &scratch) == ADSE_OK) return ADSE_OK;
    char what[3 * ADSE_NAME_MAX + 320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    adse_status st = adse__v04_value(s, n, what, out, e->err);
    return st ? st
              : adse__yerr(e->err, ADSE_E_INTERNAL, n, "%s: evaluated twice, differently", what);
}

/* eval_num with the va_list of its format (used only for a message). */
static adse_status __attribute__((format(printf, 5, 0)))
veval_num(ev *e, adse__v04_scope *s, const adse__ynode *n, double *out, const char *fmt, va_list ap)
{
    jval v;
    char what[3 * ADSE_NAME_MAX + 320];
    adse_err scratch;
    adse_status st = adse__v04_value(s, n, "", &v, &scratch);
    if (st == ADSE_OK && number_of(&v, out)) return ADSE_OK;
    vsnprintf(what, sizeof what, fmt, ap);
    if (st) st = adse__v04_value(s, n, what, &v, e->err);
    if (st) return st;
    return adse__yerr(e->err, ADSE_E_SPEC, n, "%s '%s' is not a number", what,
                      adse__ynode_is_scalar(n) ? n->text : "?");
}

/* The number n evaluates to in s; what names it in messages (formatted only then). */
static adse_status __attribute__((format(printf, 5, 6)))
eval_num(ev *e, adse__v04_scope *s, const adse__ynode *n, double *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    adse_status st = veval_num(e, s, n, out, fmt, ap);
    va_end(ap);
    return st;
}

/* A scale (energy_scale, action_share, repeat, area_scale): a number of at least 0 (a
 * negative one would price a negative energy or area). */
static adse_status __attribute__((format(printf, 5, 6)))
eval_scale(ev *e, adse__v04_scope *s, const adse__ynode *n, double *out, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    adse_status st = veval_num(e, s, n, out, fmt, ap);
    va_end(ap);
    if (st || *out >= 0) {
        va_end(again);
        return st;
    }
    char what[3 * ADSE_NAME_MAX + 320];
    vsnprintf(what, sizeof what, fmt, again);
    va_end(again);
    return adse__yerr(e->err, ADSE_E_SPEC, n, "%s must not be negative, got %g", what, *out);
}

/* The first and last index of a name with range r (r->lo set). */
static adse_status range_bounds(ev *e, adse__v04_scope *s, const cc_range *r,
                                const adse__ynode *name, double *lo, double *hi)
{
    adse_status st = eval_num(e, s, r->lo, lo, "the range start in '%s'", name->text);
    if (!st) st = eval_num(e, s, r->hi, hi, "the range end in '%s'", name->text);
    if (st) return st;
    *lo = trunc(*lo);
    *hi = trunc(*hi);
    if (!(*hi >= *lo) || *hi - *lo >= 1e15)
        return adse__yerr(e->err, ADSE_E_SPEC, name, "range of '%s' is [%g..%g]: empty", name->text,
                          *lo, *hi);
    return ADSE_OK;
}

/* How many subcomponents a name with range r stands for (1 without a range). */
static adse_status range_count(ev *e, adse__v04_scope *s, const cc_range *r,
                               const adse__ynode *name, double *count)
{
    *count = 1;
    if (!r->lo) return ADSE_OK;
    double lo = 0, hi = 0;
    adse_status st = range_bounds(e, s, r, name, &lo, &hi);
    if (!st) *count = hi - lo + 1;
    return st;
}

/* The compound class of a subcomponent (NULL for a primitive of the estimator); unknown
 * classes and cycles are errors at the class. */
static adse_status sub_class(ev *e, const cc_class *c, const cc_sub *s, const cc_class **out)
{
    *out = find_class(e->cc, s->klass->text);
    if (!*out) {
        if (adse_energy_class_supported(s->klass->text)) return ADSE_OK;
        return adse__yerr(e->err, ADSE_E_SPEC, s->klass,
                          "unknown class '%s' of subcomponent '%s' of compound class '%s' (neither "
                          "a compound class of the files nor a class of adse's estimator)",
                          s->klass->text, s->name->text, c->name->text);
    }
    for (int i = 0; i < e->depth; i++)
        if (e->chain[i] == *out) {
            char path[512];
            size_t n = 0;
            for (int k = i; k < e->depth && n < sizeof path; k++)
                n += (size_t)snprintf(path + n, sizeof path - n, "%s -> ", e->chain[k]->name->text);
            if (n < sizeof path) snprintf(path + n, sizeof path - n, "%s", (*out)->name->text);
            return adse__yerr(e->err, ADSE_E_SPEC, s->klass,
                              "compound classes defined in a cycle: %s", path);
        }
    if (e->depth == CC_MAX_DEPTH)
        return adse__yerr(e->err, ADSE_E_SPEC, s->klass,
                          "compound classes nested more than %d deep", CC_MAX_DEPTH);
    return ADSE_OK;
}

/* A class's default attributes for the names not in *s, evaluated in order over *s
 * ("must_specify" without a value: an error at `at`, naming the component or subcomponent
 * `who`). The defaults are also put in *own when own is not NULL. */
static adse_status apply_defaults(ev *e, const cc_class *c, adse__v04_scope *s,
                                  adse__v04_scope *own, adse_srcpos at, const char *who)
{
    for (int i = 0; c->attrs && i < c->attrs->n; i++) {
        const adse__ypair *p = &c->attrs->pairs[i];
        if (own ? scope_get(own, p->key->text) : scope_get(s, p->key->text)) continue;
        jval v;
        adse_status st = value_of(e, s, p->value, &v, "attribute '%s' of compound class '%s'",
                                  p->key->text, c->name->text);
        if (st) return st;
        if (is_must_specify(&v)) {
            adse_srcpos d = adse__ynode_pos(p->key);
            return adse__yerr_at(e->err, ADSE_E_SPEC, at,
                                 "%s: missing attribute '%s' (compound class '%s' requires it, "
                                 "%s:%d)",
                                 who, p->key->text, c->name->text, d.file ? d.file : "<input>",
                                 d.line);
        }
        if ((st = scope_put(e, s, p->key->text, &v))) return st;
        if (own && (st = scope_put(e, own, p->key->text, &v))) return st;
    }
    return ADSE_OK;
}

/* The attributes of subcomponent s of class c instantiated with attributes pa: its own,
 * evaluated in order over pa and the earlier ones, then technology, global_cycle_seconds,
 * cycle_seconds, action_latency_cycles and n_instances from pa when not given (Accelergy's
 * required keys), then (a compound subclass) the class's defaults. *all gets pa followed by
 * them (what area_scale/energy_scale see). */
static adse_status sub_attrs(ev *e, const cc_class *c, adse__v04_scope *pa, const cc_sub *s,
                             const cc_class *subc, adse__v04_scope *own, adse__v04_scope *all)
{
    scope_init(e, own);
    adse_status st = scope_join(e, pa, NULL, all);
    for (int i = 0; s->attrs && i < s->attrs->n && !st; i++) {
        const adse__ypair *p = &s->attrs->pairs[i];
        jval v;
        st = value_of(e, all, p->value, &v,
                      "attribute '%s' of subcomponent '%s' of compound class '%s'", p->key->text,
                      s->name->text, c->name->text);
        if (!st) st = scope_put(e, all, p->key->text, &v);
        if (!st) st = scope_put(e, own, p->key->text, &v);
    }
    /* Accelergy's required keys come from the parent before the class defaults apply */
    static const char *const required[] = {"technology", "global_cycle_seconds", "cycle_seconds",
                                           "action_latency_cycles", "n_instances"};
    for (int i = 0; i < 5 && !st; i++) {
        const jval *v = scope_get(pa, required[i]);
        if (v && !scope_get(own, required[i])) st = scope_put(e, own, required[i], v);
    }
    if (!st && subc) {
        char who[2 * ADSE_NAME_MAX + 40];
        snprintf(who, sizeof who, "subcomponent '%s' of compound class '%s'", s->name->text,
                 c->name->text);
        st = apply_defaults(e, subc, all, own, adse__ynode_pos(s->name), who);
    }
    return st;
}

/* v as attribute text into pool (NULL for values that are no attribute: None, lists). */
static const char *attr_text(const jval *v, char *pool, size_t *used)
{
    char buf[ADSE__NUM_BUF + 8];
    const char *t = buf;
    size_t len;
    switch (v->k) {
    case J_INT:
        snprintf(buf, sizeof buf, "%lld", (long long)v->i);
        len = strlen(buf);
        break;
    case J_FLOAT:
        adse__num_format(buf, sizeof buf, v->f, 0);
        len = strlen(buf);
        break;
    case J_BOOL:
        t = v->b ? "true" : "false";
        len = strlen(t);
        break;
    case J_STR:
        t = v->s;
        len = v->n;
        break;
    default: return NULL;
    }
    if (*used + len + 1 > CC_ATTR_TEXT) return NULL;
    char *dst = pool + *used;
    memcpy(dst, t, len);
    dst[len] = 0;
    *used += len + 1;
    return dst;
}

/* Prices primitive subcomponent s (class klass) with attributes own and action arguments
 * args (may be NULL; they come first, so they win over attributes of the same name). */
static adse_status price_primitive(ev *e, const cc_sub *s, adse__v04_scope *own,
                                   adse__v04_scope *args, adse_energy_result *r)
{
    adse_energy_attr attrs[CC_MAX_ATTRS];
    char pool[CC_ATTR_TEXT];
    size_t used = 0, n = 0;
    adse__v04_scope *src[2] = {args, own};
    for (int k = 0; k < 2; k++)
        for (int i = src[k] ? src[k]->n - 1 : -1; i >= 0; i--) { /* the latest value first */
            const char *t = attr_text(&src[k]->syms[i].v, pool, &used);
            if (!t) continue;
            if (n == CC_MAX_ATTRS)
                return adse__yerr(e->err, ADSE_E_SPEC, s->name,
                                  "subcomponent '%s' has more than %d attributes and arguments",
                                  s->name->text, CC_MAX_ATTRS);
            attrs[n].name = src[k]->syms[i].name;
            attrs[n].value = t;
            n++;
        }
    adse_srcpos p = adse__ynode_pos(s->name);
    adse_energy_component comp = {.klass = s->klass->text,
                                  .name = s->name->text,
                                  .attrs = attrs,
                                  .n_attrs = n,
                                  .instances = 1,
                                  .file = p.file,
                                  .line = p.line,
                                  .column = p.column};
    adse_status st = adse_energy_estimate(&comp, &e->prim, r, e->err);
    if (st) return st;
    e->out->flags |= r->flags;
    if (!e->out->technology_nm) e->out->technology_nm = r->technology_nm;
    return ADSE_OK;
}

/* ---- what one pricing computes once ---------------------------------------------------- */

static void memo_free(ev *e)
{
    for (int i = 0; i < e->n_subs; i++) {
        adse__v04_scope_free(&e->subs[i]->own);
        adse__v04_scope_free(&e->subs[i]->all);
        free(e->subs[i]);
    }
    for (int i = 0; i < e->n_prims; i++) {
        free(e->prims[i]->args);
        free(e->prims[i]);
    }
    free(e->subs);
    free(e->prims);
    e->subs = NULL;
    e->prims = NULL;
    e->n_subs = e->cap_subs = e->n_prims = e->cap_prims = 0;
}

/* Appends p to the array *v (n used of *cap); false when out of memory. */
static bool push_ptr(void ***v, int *n, int *cap, void *p)
{
    if (*n == *cap) {
        int nc = *cap ? 2 * *cap : 16;
        void **nv = realloc(*v, (size_t)nc * sizeof *nv);
        if (!nv) return false;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = p;
    return true;
}

/* Subcomponent s of class c instantiated with attributes pa: its class (sub_class) and its
 * attributes (sub_attrs), computed the first time they are asked for in this pricing. */
static adse_status sub_get(ev *e, const cc_class *c, adse__v04_scope *pa, const cc_sub *s,
                           sub_memo **out)
{
    for (int i = 0; i < e->n_subs; i++)
        if (e->subs[i]->parent == pa && e->subs[i]->s == s) {
            *out = e->subs[i];
            return ADSE_OK;
        }
    sub_memo *m = calloc(1, sizeof *m);
    if (!m) return nomem(e->err);
    m->parent = pa;
    m->s = s;
    adse_status st = sub_class(e, c, s, &m->subc);
    if (!st) st = sub_attrs(e, c, pa, s, m->subc, &m->own, &m->all);
    if (!st && !push_ptr((void ***)&e->subs, &e->n_subs, &e->cap_subs, m)) st = nomem(e->err);
    if (st) {
        adse__v04_scope_free(&m->own);
        adse__v04_scope_free(&m->all);
        free(m);
        return st;
    }
    *out = m;
    return ADSE_OK;
}

/* Whether two argument values are the same number, bool or None (other values are never
 * taken for the same: a primitive priced with them is not remembered). */
static bool same_plain(const jval *a, const jval *b)
{
    if (a->k != b->k) return false;
    switch (a->k) {
    case J_INT: return a->i == b->i;
    case J_FLOAT: return memcmp(&a->f, &b->f, sizeof a->f) == 0;
    case J_BOOL: return a->b == b->b;
    case J_NONE: return true;
    default: return false;
    }
}

static adse_status price_primitive(ev *e, const cc_sub *s, adse__v04_scope *own,
                                   adse__v04_scope *args, adse_energy_result *r);

/* price_primitive, remembered for the same subcomponent instance and arguments. *out points
 * into the memo, or to tmp. */
static adse_status prim_get(ev *e, sub_memo *sm, adse__v04_scope *args, adse_energy_result *tmp,
                            const adse_energy_result **out)
{
    const cc_sub *s = sm->s;
    adse__v04_scope *own = &sm->own;
    int n = args ? args->n : 0;
    bool plain = true;
    for (int i = 0; i < n && plain; i++)
        plain = same_plain(&args->syms[i].v, &args->syms[i].v);
    for (int i = 0; plain && i < e->n_prims; i++) {
        const prim_memo *m = e->prims[i];
        if (m->own != own || m->n_args != n) continue;
        bool same = true;
        for (int k = 0; k < n && same; k++)
            same = strcmp(m->args[k].name, args->syms[k].name) == 0 &&
                   same_plain(&m->args[k].v, &args->syms[k].v);
        if (!same) continue;
        e->out->flags |= m->r.flags; /* what price_primitive adds to the result */
        if (!e->out->technology_nm) e->out->technology_nm = m->r.technology_nm;
        *out = &m->r;
        return ADSE_OK;
    }
    if (!plain) {
        *out = tmp;
        return price_primitive(e, s, own, args, tmp);
    }
    prim_memo *m = calloc(1, sizeof *m);
    if (!m || (n && !(m->args = malloc((size_t)n * sizeof *m->args)))) {
        free(m);
        return nomem(e->err);
    }
    m->own = own;
    m->n_args = n;
    for (int k = 0; k < n; k++)
        m->args[k] = args->syms[k]; /* names borrowed from the document, plain values */
    adse_status st = price_primitive(e, s, own, args, &m->r);
    if (!st && !push_ptr((void ***)&e->prims, &e->n_prims, &e->cap_prims, m)) st = nomem(e->err);
    if (st) {
        free(m->args);
        free(m);
        return st;
    }
    *out = &m->r;
    return ADSE_OK;
}

static adse_status class_area(ev *e, const cc_class *c, adse__v04_scope *attrs, double *area);

/* Energy of action `action` (named at node at) of class c instantiated with attributes
 * attrs and evaluated arguments args (may be NULL). */
static adse_status class_energy(ev *e, const cc_class *c, adse__v04_scope *attrs,
                                const adse__ynode *at, adse__v04_scope *args, double *energy)
{
    const cc_action *a = NULL;
    for (int i = c->n_acts - 1; i >= 0 && !a; i--)
        if (strcmp(c->acts[i].name->text, at->text) == 0) a = &c->acts[i];
    if (!a) {
        char have[256];
        size_t n = 0;
        have[0] = 0;
        for (int i = 0; i < c->n_acts && n < sizeof have; i++)
            n += (size_t)snprintf(have + n, sizeof have - n, "%s%s", i ? ", " : "",
                                  c->acts[i].name->text);
        return adse__yerr(e->err, ADSE_E_SPEC, at,
                          "compound class '%s' has no action '%s' (it has: %s)", c->name->text,
                          at->text, n ? have : "none");
    }
    adse__v04_scope b;
    adse_status st = scope_join(e, attrs, args, &b);
    double total = 0;
    for (int i = 0; i < a->n_refs && !st; i++) {
        const cc_ref *ref = &a->refs[i];
        const cc_sub *s = &c->subs[ref->sub];
        double count, esc = 1;
        sub_memo *m = NULL;
        double rlo = 0, rhi = 0; /* the count of range_count, its bounds kept */
        count = 1;
        if (ref->range.lo) {
            st = range_bounds(e, &b, &ref->range, ref->name, &rlo, &rhi);
            if (!st) count = rhi - rlo + 1;
        }
        if (!st && ref->range.lo && s->range.lo) { /* the indices must exist */
            double slo, shi;
            st = range_bounds(e, attrs, &s->range, s->name, &slo, &shi);
            if (!st && (rlo < slo || rhi > shi))
                st = adse__yerr(e->err, ADSE_E_SPEC, ref->name,
                                "'%s' names subcomponents [%g..%g] outside '%s', which has "
                                "[%g..%g]",
                                ref->name->text, rlo, rhi, s->name->text, slo, shi);
        }
        if (!st) st = sub_get(e, c, attrs, s, &m);
        if (st) break;
        if (s->energy_scale && m->has_esc) {
            esc = m->esc;
        } else if (s->energy_scale) {
            st = eval_scale(e, &m->all, s->energy_scale, &esc, "'%s' of subcomponent '%s'",
                            s->energy_key, s->name->text);
            m->esc = esc;
            m->has_esc = !st;
        }
        const cc_class *subc = m->subc;
        for (int k = 0; k < ref->n_acts && !st; k++) {
            const cc_subact *sa = &ref->acts[k];
            double scale = 1, x = 0;
            if (sa->scale)
                st = eval_scale(e, &b, sa->scale, &scale, "'%s' of action '%s' of '%s'",
                                sa->scale_key, sa->name->text, s->name->text);
            adse__v04_scope sargs;
            scope_init(e, &sargs);
            for (int g = 0; sa->args && g < sa->args->n && !st; g++) {
                const adse__ypair *p = &sa->args->pairs[g];
                jval v;
                st = value_of(e, &b, p->value, &v, "argument '%s' of action '%s'", p->key->text,
                              sa->name->text);
                if (!st) st = scope_put(e, &sargs, p->key->text, &v);
            }
            if (!st && subc) {
                e->chain[e->depth++] = subc;
                st = class_energy(e, subc, &m->own, sa->name, &sargs, &x);
                e->depth--;
            } else if (!st) {
                adse_energy_result tmp;
                const adse_energy_result *r = NULL;
                st = prim_get(e, m, &sargs, &tmp, &r);
                const adse_energy_action *pa =
                    st ? NULL : adse_energy_result_action(r, sa->name->text);
                if (!st && !pa) {
                    char have[256];
                    size_t n = 0;
                    have[0] = 0;
                    for (int q = 0; q < r->n_actions && n < sizeof have; q++)
                        n += (size_t)snprintf(have + n, sizeof have - n, "%s%s", q ? ", " : "",
                                              r->actions[q].name);
                    st = adse__yerr(e->err, ADSE_E_SPEC, sa->name,
                                    "unknown action '%s' of subcomponent '%s' (class '%s'; adse's "
                                    "estimator gives it: %s)%s",
                                    sa->name->text, s->name->text, s->klass->text, have,
                                    c->version < 0.4 ? V03_HINT : "");
                }
                if (!st) x = pa->energy_pj;
            }
            adse__v04_scope_free(&sargs);
            total += x * scale * count * esc;
        }
    }
    adse__v04_scope_free(&b);
    *energy = total;
    return st;
}

static adse_status class_area(ev *e, const cc_class *c, adse__v04_scope *attrs, double *area)
{
    adse_status st = ADSE_OK;
    double total = 0;
    for (int i = 0; i < c->n_subs && !st; i++) {
        const cc_sub *s = &c->subs[i];
        double count, asc = 1, x = 0;
        sub_memo *m = NULL;
        st = range_count(e, attrs, &s->range, s->name, &count);
        if (!st) st = sub_get(e, c, attrs, s, &m);
        if (st) break;
        if (s->area_scale)
            st = eval_scale(e, &m->all, s->area_scale, &asc, "'%s' of subcomponent '%s'",
                            s->area_key, s->name->text);
        if (!st && m->subc) {
            e->chain[e->depth++] = m->subc;
            st = class_area(e, m->subc, &m->own, &x);
            e->depth--;
        } else if (!st) {
            adse_energy_result tmp;
            const adse_energy_result *r = NULL;
            st = prim_get(e, m, NULL, &tmp, &r);
            x = st ? 0 : r->area_um2;
        }
        total += x * count * asc;
    }
    *area = total;
    return st;
}

/* The value of an attribute text as YAML reads a plain scalar: a number, a bool, else a
 * string (t is borrowed: NUL-terminated, alive during the pricing). */
static jval text_value(const char *t)
{
    jval v;
    memset(&v, 0, sizeof v);
    char *end;
    double d = adse__num_parse(t, &end);
    if (end != t && *end == 0 && isfinite(d)) {
        if (d == floor(d) && fabs(d) < 9007199254740992.0 && !strpbrk(t, ".eE")) {
            v.k = J_INT;
            v.i = (int64_t)d;
        } else {
            v.k = J_FLOAT;
            v.f = d;
        }
        return v;
    }
    if (strcmp(t, "true") == 0 || strcmp(t, "True") == 0 || strcmp(t, "false") == 0 ||
        strcmp(t, "False") == 0) {
        v.k = J_BOOL;
        v.b = t[0] == 't' || t[0] == 'T';
        return v;
    }
    v.k = J_STR;
    v.s = t;
    v.n = strlen(t);
    return v;
}

/* The energy of top-level action a: with v0.3 argument ranges, the largest over every
 * combination of their values (the entry Timeloop binds). */
static adse_status top_action(ev *e, const cc_class *c, adse__v04_scope *attrs, const cc_action *a,
                              double *energy)
{
    double lo[16], n[16];
    double combos = 1;
    if (a->n_args > 16)
        return adse__yerr(e->err, ADSE_E_SPEC, a->name, "action '%s' has more than 16 arguments",
                          a->name->text);
    for (int i = 0; i < a->n_args; i++) {
        const cc_arg *g = &a->args[i];
        lo[i] = 0;
        n[i] = 1;
        if (!g->range.lo) continue;
        double hi = 0;
        adse_status st = eval_num(e, attrs, g->range.lo, &lo[i], "the range start of argument '%s'",
                                  g->key->text);
        if (!st)
            st = eval_num(e, attrs, g->range.hi, &hi, "the range end of argument '%s'",
                          g->key->text);
        if (st) return st;
        n[i] = trunc(hi) - trunc(lo[i]) + 1;
        lo[i] = trunc(lo[i]);
        if (!(n[i] >= 1))
            return adse__yerr(e->err, ADSE_E_SPEC, g->value, "argument range '%s' is empty",
                              g->value->text);
        combos *= n[i];
    }
    if (combos > CC_MAX_COMBOS)
        return adse__yerr(e->err, ADSE_E_SPEC, a->name,
                          "action '%s' has %g argument combinations (at most %d)", a->name->text,
                          combos, CC_MAX_COMBOS);
    double best = 0;
    for (int k = 0; k < (int)combos; k++) {
        adse__v04_scope args;
        scope_init(e, &args);
        adse_status st = ADSE_OK;
        int rest = k;
        for (int i = 0; i < a->n_args && !st; i++) {
            const cc_arg *g = &a->args[i];
            jval v;
            if (g->range.lo) {
                memset(&v, 0, sizeof v);
                v.k = J_INT;
                v.i = (int64_t)lo[i] + rest % (int)n[i];
                rest /= (int)n[i];
            } else {
                st = value_of(e, attrs, g->value, &v, "argument '%s' of action '%s'", g->key->text,
                              a->name->text);
            }
            if (!st) st = scope_put(e, &args, g->key->text, &v);
        }
        double x = 0;
        if (!st) st = class_energy(e, c, attrs, a->name, &args, &x);
        adse__v04_scope_free(&args);
        if (st) return st;
        if (k == 0 || x > best) best = x;
    }
    *energy = best;
    return ADSE_OK;
}

/* Appends where the failing component is to err's message. */
static void add_context(ev *e)
{
    if (!e->err) return;
    size_t n = strlen(e->err->msg);
    const adse_energy_component *t = e->top;
    if (t->file)
        snprintf(e->err->msg + n, sizeof e->err->msg - n, " (pricing '%s' at %s:%d)",
                 t->name ? t->name : t->klass, t->file, t->line);
    else
        snprintf(e->err->msg + n, sizeof e->err->msg - n, " (pricing '%s')",
                 t->name ? t->name : t->klass);
}

static adse_status price(ev *e, const cc_class *c, adse__v04_scope *top)
{
    adse_energy_result *out = e->out;
    for (size_t i = 0; i < e->top->n_attrs; i++) {
        const adse_energy_attr *a = &e->top->attrs[i];
        if (!a->name || !a->value || scope_get(top, a->name)) continue;
        jval v = text_value(a->value);
        adse_status st = scope_put(e, top, a->name, &v);
        if (st) return st;
    }
    /* Timeloop's word_bits is Accelergy's datawidth (the loader keeps it as the typed
     * word_bits, which the estimator's attribute list carries) */
    const jval *wb = scope_get(top, "word_bits");
    if (wb && !scope_get(top, "datawidth")) {
        jval v = *wb;
        adse_status st = scope_put(e, top, "datawidth", &v);
        if (st) return st;
    }
    if (!scope_get(top, "global_cycle_seconds")) {
        jval v = text_value(CC_DEFAULT_CYCLE);
        adse_status st = scope_put(e, top, "global_cycle_seconds", &v);
        if (st) return st;
    }
    char who[2 * ADSE_NAME_MAX + 16];
    snprintf(who, sizeof who, "%s '%s'", c->name->text, e->top->name ? e->top->name : "?");
    adse_srcpos at = {e->top->file, e->top->line, e->top->column};
    adse_status st = apply_defaults(e, c, top, NULL, at, who);
    if (st) return st;
    /* the component's own area_scale and energy_scale attributes scale every part (what the
     * 2024 reference ART of smartbuffer_RF shows: docs/energy.md section 10) */
    double top_scale[2] = {1, 1}; /* area, energy */
    static const char *const scale_keys[2] = {"area_scale", "energy_scale"};
    for (int k = 0; k < 2; k++) {
        const jval *v = scope_get(top, scale_keys[k]);
        if (!v || (v->k != J_BOOL && number_of(v, &top_scale[k]) && top_scale[k] >= 0)) continue;
        char got[48];
        if (v->k == J_INT || v->k == J_FLOAT)
            snprintf(got, sizeof got, "%g", top_scale[k]);
        else
            snprintf(got, sizeof got, "a %s", v->k == J_STR ? "string" : adse__jval_type(v));
        return adse__yerr_at(e->err, ADSE_E_SPEC, at,
                             "%s: attribute '%s' must be a number of at least 0, got %s", who,
                             scale_keys[k], got);
    }
    const double top_area = top_scale[0], top_energy = top_scale[1];
    e->chain[e->depth++] = c;
    double area;
    if ((st = class_area(e, c, top, &area))) return st;
    out->area_um2 = area * top_area;
    for (int i = 0; i < c->n_acts; i++) {
        const char *name = c->acts[i].name->text;
        int slot = out->n_actions;
        for (int k = 0; k < out->n_actions; k++)
            if (strcmp(out->actions[k].name, name) == 0) slot = k; /* defined twice: the last */
        if (slot == ADSE_ENERGY_MAX_ACTIONS)
            return adse__yerr(e->err, ADSE_E_SPEC, c->acts[i].name,
                              "compound class '%s' has more than %d actions", c->name->text,
                              ADSE_ENERGY_MAX_ACTIONS);
        double x = 0;
        if ((st = top_action(e, c, top, &c->acts[i], &x))) return st;
        out->actions[slot].name = name;
        out->actions[slot].energy_pj = x * top_energy;
        if (slot == out->n_actions) out->n_actions++;
    }
    out->klass = c->name->text;
    out->estimator = c->estimator;
    out->rule = "Accelergy compound component: sum of its subcomponents' actions and areas";
    const jval *cyc = scope_get(top, "global_cycle_seconds");
    if (cyc && cyc->k != J_BOOL) number_of(cyc, &out->cycle_seconds);
    return ADSE_OK;
}

static adse_status cc_estimate(const void *ctx, const adse_energy_component *comp,
                               const adse_energy_options *opt, adse_energy_result *out,
                               adse_err *err)
{
    const adse__compounds *cc = ctx;
    const cc_class *c = find_class(cc, comp->klass);
    if (!c)
        return adse_err_set(err, ADSE_E_INTERNAL, NULL, 0, 0, "no compound class '%s'",
                            comp->klass);
    ev e;
    memset(&e, 0, sizeof e);
    e.cc = cc;
    e.prim = *opt;
    e.prim.classes = NULL;
    e.prim.precision = -1;
    e.top = comp;
    e.out = out;
    e.err = err;
    adse__v04_scope top;
    scope_init(&e, &top);
    adse_status st = price(&e, c, &top);
    memo_free(&e);
    adse__v04_scope_free(&top);
    if (st == ADSE_E_SPEC) add_context(&e);
    return st;
}

bool adse__compounds_fall_back(adse__compounds *c, const char *klass, const char *comp,
                               const char *reason, adse__warnings *w)
{
    cc_class *k = find_class(c, klass);
    if (!k || k->version >= 0.4 || !adse_energy_class_supported(klass)) return false;
    k->unused = true;
    adse__ywarn(w, k->name,
                "version 0.3 compound class '%s' defined here is not used: %s; adse prices '%s' "
                "(and every other component of the class) with its built-in model of '%s'",
                klass, reason, comp, klass);
    return true;
}
