/* The constraints written inside v0.4 nodes -> classic constraint entries (see v04.h). */
#include "input/v04.h"

#include <stdio.h>
#include <string.h>

#include "input/factors.h"
#include "input/v04_expr.h"
#include "util/intmath.h"
#include "util/primes.h"

static const char *const group_keys[] = {"spatial", "temporal", "dataspace",
                                         "max_overbooked_proportion", NULL};
static const char *const iter_keys[] = {"factors",
                                        "permutation",
                                        "split",
                                        "default_max_factor",
                                        "default_min_factor",
                                        "remainders",
                                        "no_reuse",
                                        "no_link_transfer",
                                        "rmw_first_update",
                                        "factors_only",
                                        "maximize_dims",
                                        "maximize_dims_capacity",
                                        "no_iteration_over_dataspaces",
                                        "must_iterate_over_dataspaces",
                                        NULL};
/* Copied as written: the classic constraint reader checks them (and refuses what adse
 * cannot honour, such as a non-empty no_reuse). */
static const char *const iter_pass[] = {
    "split",    "default_max_factor", "default_min_factor", "remainders",
    "no_reuse", "no_link_transfer",   "rmw_first_update",   NULL};
/* Of those, the numbers (an expression is evaluated; the others are data-space lists). */
static const char *const iter_numbers[] = {"split", "default_max_factor", "default_min_factor",
                                           "remainders", NULL};
static const char *const ds_keys[] = {"keep",      "bypass",      "no_coalesce",
                                      "keep_only", "bypass_only", NULL};

static int dim_index(const adse__v04_problem *p, const char *name, size_t len)
{
    for (int i = 0; i < p->n_dims; i++)
        if (strlen(p->dims[i]) == len && strncmp(p->dims[i], name, len) == 0) return i;
    return -1;
}

static int find_factor(const adse__v04_iter *it, const char *dim, int rel)
{
    for (int i = 0; i < it->n_factors; i++)
        if (strcmp(it->factors[i].dim, dim) == 0 && (rel < 0 || it->factors[i].rel == rel))
            return i;
    return -1;
}

/* Adds one factor; an equal one is a no-op, a different fixed value of the same dimension
 * an error (timeloopfe's "re-specification"). */
static adse_status add_factor(adse__v04_iter *it, const char *dim, size_t len, int rel,
                              uint64_t value, const adse__ynode *at, adse_err *err)
{
    char name[ADSE_NAME_MAX];
    if (len >= sizeof name)
        return adse__yerr(err, ADSE_E_SPEC, at, "dimension name '%.*s' too long", (int)len, dim);
    memcpy(name, dim, len);
    name[len] = 0;
    int i = find_factor(it, name, rel);
    if (i >= 0) {
        if (it->factors[i].value == value) return ADSE_OK;
        return adse__yerr(err, ADSE_E_SPEC, at,
                          "factor '%s' given twice with different values (%llu and %llu)", name,
                          (unsigned long long)it->factors[i].value, (unsigned long long)value);
    }
    if (it->n_factors >= ADSE__V04_MAX_FACTORS)
        return adse__yerr(err, ADSE_E_SPEC, at, "more than %d factors in one constraint",
                          ADSE__V04_MAX_FACTORS);
    i = it->n_factors++;
    memcpy(it->factors[i].dim, name, len + 1);
    it->factors[i].rel = rel;
    it->factors[i].value = value;
    return ADSE_OK;
}

/* One scalar of factors (tokens separated by spaces or commas) into it. */
static adse_status read_factor_text(adse__v04_iter *it, const adse__ynode *s,
                                    const adse__v04_problem *prob, adse_err *err)
{
    size_t pos = 0;
    for (;;) {
        adse__factor_token t;
        adse__factor_lex r = adse__factor_next(s->text, &pos, true, UINT32_MAX, &t);
        if (r == ADSE__FLEX_END) return ADSE_OK;
        if (r != ADSE__FLEX_TOKEN || t.residual)
            return adse__yerr_at(err, ADSE_E_SPEC, adse__ynode_char_pos(s, t.at),
                                 "bad factor in '%s' (write each as X=n, X<=n or X>=n)", s->text);
        if (prob->known && dim_index(prob, s->text + t.name_at, t.name_len) < 0)
            return adse__yerr_at(err, ADSE_E_SPEC, adse__ynode_char_pos(s, t.name_at),
                                 "factor for unknown dimension '%.*s' in '%s'", (int)t.name_len,
                                 s->text + t.name_at, s->text);
        adse_status st =
            add_factor(it, s->text + t.name_at, t.name_len, (int)t.rel, t.value, s, err);
        if (st) return st;
    }
}

static adse_status read_factors(adse__v04_iter *it, const adse__ynode *v,
                                const adse__v04_problem *prob, adse_err *err)
{
    if (adse__ynode_is_null(v)) return ADSE_OK;
    if (adse__ynode_is_scalar(v)) return read_factor_text(it, v, prob, err);
    if (!adse__ynode_is_seq(v))
        return adse__yerr(err, ADSE_E_SPEC, v, "'factors' must be a list or a string, got %s",
                          adse__ynode_kind_name(v));
    for (int i = 0; i < v->n; i++) {
        adse_status st;
        if ((st = adse__yexpect(v->items[i], ADSE__YSCALAR, "factors", err))) return st;
        if ((st = read_factor_text(it, v->items[i], prob, err))) return st;
    }
    return ADSE_OK;
}

static adse_status add_perm(adse__v04_iter *it, const char *name, const adse__ynode *at,
                            const adse__v04_problem *prob, adse_err *err)
{
    if (prob->known) {
        int d = dim_index(prob, name, strlen(name));
        if (d < 0)
            return adse__yerr(err, ADSE_E_SPEC, at, "unknown dimension '%s' in 'permutation'",
                              name);
        name = prob->dims[d]; /* borrowed from the problem: lives as long as the doc */
    }
    for (int i = 0; i < it->n_perm; i++)
        if (strcmp(it->perm[i], name) == 0)
            return adse__yerr(err, ADSE_E_SPEC, at, "dimension '%s' twice in 'permutation'", name);
    if (it->n_perm >= ADSE__V04_MAX_FACTORS)
        return adse__yerr(err, ADSE_E_SPEC, at, "'permutation' too long");
    it->perm[it->n_perm++] = name;
    return ADSE_OK;
}

/* A list of dimension names, or a string: split at commas, else one letter each. */
static adse_status read_perm(adse__v04_iter *it, const adse__ynode *v,
                             const adse__v04_problem *prob, adse_err *err)
{
    it->perm_at = v;
    if (adse__ynode_is_null(v)) return ADSE_OK;
    adse_status st;
    if (adse__ynode_is_seq(v)) {
        for (int i = 0; i < v->n; i++) {
            if ((st = adse__yexpect(v->items[i], ADSE__YSCALAR, "permutation", err))) return st;
            if ((st = add_perm(it, v->items[i]->text, v->items[i], prob, err))) return st;
        }
        return ADSE_OK;
    }
    if (!adse__ynode_is_scalar(v))
        return adse__yerr(err, ADSE_E_SPEC, v, "'permutation' must be a list or a string, got %s",
                          adse__ynode_kind_name(v));
    /* Only prob->dims names survive add_perm, so single letters need no storage of their own
     * when the problem is known; without one the constraints are not translated at all. */
    if (!prob->known) return ADSE_OK;
    const char *s = v->text;
    bool commas = strchr(s, ',') != NULL;
    size_t i = 0;
    while (s[i]) {
        size_t j = i;
        if (commas)
            while (s[j] && s[j] != ',')
                j++;
        else
            j = i + 1;
        size_t a = i, b = j;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        if (b > a) {
            int d = dim_index(prob, s + a, b - a);
            if (d < 0)
                return adse__yerr_at(err, ADSE_E_SPEC, adse__ynode_char_pos(v, a),
                                     "unknown dimension '%.*s' in 'permutation'", (int)(b - a),
                                     s + a);
            if ((st = add_perm(it, prob->dims[d], v, prob, err))) return st;
        }
        i = s[j] ? j + (commas ? 1 : 0) : j;
    }
    return ADSE_OK;
}

/* A list of data-space names ('*': all) -> mask. */
static adse_status read_ds_list(const adse__ynode *v, const char *what,
                                const adse__v04_problem *prob, uint32_t *mask, adse_err *err)
{
    *mask = 0;
    if (adse__ynode_is_null(v)) return ADSE_OK;
    adse_status st;
    if ((st = adse__yexpect(v, ADSE__YSEQ, what, err))) return st;
    for (int i = 0; i < v->n; i++) {
        const adse__ynode *x = v->items[i];
        if ((st = adse__yexpect(x, ADSE__YSCALAR, what, err))) return st;
        if (strcmp(x->text, "*") == 0) {
            *mask |= (1u << prob->n_ds) - 1;
            continue;
        }
        int d = -1;
        for (int k = 0; k < prob->n_ds; k++)
            if (strcmp(prob->ds[k], x->text) == 0) d = k;
        if (d < 0)
            return adse__yerr(err, ADSE_E_SPEC, x, "unknown data space '%s' in '%s'", x->text,
                              what);
        *mask |= 1u << d;
    }
    return ADSE_OK;
}

/* A value passed on or the capacity: an expression evaluated (timeloopfe evaluates every
 * unquoted string), anything else as written. */
static adse_status eval_value(adse__ydoc *doc, adse__v04_scope *scope, const adse__ypair *p,
                              const char *kind, const adse__ynode **out, jval *v, adse_err *err)
{
    char what[96];
    snprintf(what, sizeof what, "'%.40s' of a %s constraint", p->key->text, kind);
    return adse__v04_eval_node(doc, scope, p->value, what, out, v, err);
}

/* maximize_dims: a list of dimensions, or a list of such lists (each a group), every name a
 * dimension of the problem. */
static adse_status check_maximize(const adse__ynode *v, const adse__v04_problem *prob,
                                  adse_err *err)
{
    adse_status st = adse__yexpect(v, ADSE__YSEQ, "maximize_dims", err);
    if (st) return st;
    bool flat = v->n > 0 && adse__ynode_is_scalar(v->items[0]);
    for (int i = 0; i < v->n; i++) {
        const adse__ynode *g = v->items[i];
        if (flat != adse__ynode_is_scalar(g) || (!flat && !adse__ynode_is_seq(g)))
            return adse__yerr(err, ADSE_E_SPEC, g,
                              "'maximize_dims' must be a list of dimensions or a list of "
                              "lists of dimensions, not a mix (got %s)",
                              adse__ynode_kind_name(g));
        int n = flat ? 1 : g->n;
        for (int k = 0; k < n; k++) {
            const adse__ynode *d = flat ? g : g->items[k];
            if ((st = adse__yexpect(d, ADSE__YSCALAR, "maximize_dims", err))) return st;
            if (dim_index(prob, d->text, strlen(d->text)) < 0)
                return adse__yerr(err, ADSE_E_SPEC, d,
                                  "cannot maximize '%s': not a dimension of the problem", d->text);
        }
    }
    return ADSE_OK;
}

/* maximize_dims inputs that timeloopfe accepts and that fix nothing a user may have meant:
 * an empty list or group (timeloopfe skips it, or allocates nothing to it) and a capacity
 * under 2 (its greedy allocation allocates nothing: every dimension of the groups gets 1). */
static void warn_maximize(adse__warnings *w, const adse__v04_iter *it, const adse__ynode *md,
                          const adse__ypair *cap)
{
    if (adse__ynode_len(md) == 0) {
        adse__ywarn(w, md, "'maximize_dims' is empty: it fixes nothing (as in timeloopfe)");
        return;
    }
    for (int i = 0; i < md->n; i++)
        if (adse__ynode_is_seq(md->items[i]) && md->items[i]->n == 0)
            adse__ywarn(w, md->items[i],
                        "'maximize_dims' group [] names no dimension: it fixes nothing (as in "
                        "timeloopfe)");
    if (cap && it->has_capacity && it->capacity <= 1)
        adse__ywarn(w, cap->value,
                    "'maximize_dims_capacity' %llu leaves no room: every dimension 'maximize_dims' "
                    "names gets factor 1 (timeloopfe's greedy allocation allocates nothing under a "
                    "capacity of 2)",
                    (unsigned long long)it->capacity);
}

static adse_status read_iter(adse__ydoc *doc, adse__v04_scope *scope, adse__v04_iter *it,
                             const adse__ynode *v, const char *kind, const adse__v04_problem *prob,
                             adse__warnings *w, adse_err *err)
{
    char where[64];
    snprintf(where, sizeof where, "a %s constraint", kind);
    adse_status st = adse__yexpect(v, ADSE__YMAP, kind, err);
    if (!st) st = adse__ycheck_keys(v, iter_keys, where, err);
    if (st) return st;
    it->at = v;
    if ((st = read_factors(it, adse__ymap_get(v, "factors"), prob, err))) return st;
    it->factors_at = adse__ymap_get(v, "factors");
    const adse__ynode *p = adse__ymap_get(v, "permutation");
    if (p && (st = read_perm(it, p, prob, err))) return st;
    for (int i = 0; i < v->n; i++)
        if (adse__ykey_in(v->pairs[i].key->text, iter_pass) && it->n_pass < 8) {
            jval val;
            it->pass_value[it->n_pass] = v->pairs[i].value;
            if (adse__ykey_in(v->pairs[i].key->text, iter_numbers) &&
                (st = eval_value(doc, scope, &v->pairs[i], kind, &it->pass_value[it->n_pass], &val,
                                 err)))
                return st;
            it->pass[it->n_pass++] = &v->pairs[i];
        }
    /* factors_only: the listed factors, every other dimension 1 (timeloopfe's macro). */
    const adse__ynode *fo = adse__ymap_get(v, "factors_only");
    if (fo && !adse__ynode_is_null(fo)) {
        if ((st = read_factors(it, fo, prob, err))) return st;
        if (!it->factors_at) it->factors_at = fo;
        for (int d = 0; d < prob->n_dims; d++)
            if (find_factor(it, prob->dims[d], -1) < 0 &&
                (st = add_factor(it, prob->dims[d], strlen(prob->dims[d]), ADSE__FACTOR_EQ, 1, fo,
                                 err)))
                return st;
    }
    /* no_iteration_over_dataspaces: every dimension of those data spaces 1;
     * must_iterate_over_dataspaces: every dimension outside all of them 1. */
    static const char *const ds_macros[] = {"no_iteration_over_dataspaces",
                                            "must_iterate_over_dataspaces"};
    for (int k = 0; k < 2; k++) {
        const adse__ynode *dl = adse__ymap_get(v, ds_macros[k]);
        if (adse__ynode_is_null(dl)) continue;
        uint32_t mask, dims = 0;
        if ((st = read_ds_list(dl, ds_macros[k], prob, &mask, err))) return st;
        for (int d = 0; d < prob->n_ds; d++)
            if (mask & (1u << d)) dims |= prob->ds_dims[d];
        if (k == 1) dims = ~dims & ((1u << prob->n_dims) - 1);
        for (int d = 0; d < prob->n_dims; d++) {
            if (!(dims & (1u << d))) continue;
            int f = find_factor(it, prob->dims[d], ADSE__FACTOR_EQ);
            if (f >= 0 && it->factors[f].value != 1)
                return adse__yerr(err, ADSE_E_SPEC, dl,
                                  "'%s' sets %s=1, but the factors set %s=%llu", ds_macros[k],
                                  prob->dims[d], prob->dims[d],
                                  (unsigned long long)it->factors[f].value);
            if ((st = add_factor(it, prob->dims[d], strlen(prob->dims[d]), ADSE__FACTOR_EQ, 1, dl,
                                 err)))
                return st;
        }
        if (!it->factors_at) it->factors_at = dl;
    }
    const adse__ypair *cap = adse__ymap_pair(v, "maximize_dims_capacity");
    if (cap && !adse__ynode_is_null(cap->value)) {
        const adse__ynode *cv;
        jval val;
        if ((st = eval_value(doc, scope, cap, kind, &cv, &val, err))) return st;
        if (!adse__yscalar_u64(cv, &it->capacity))
            return adse__yerr(err, ADSE_E_SPEC, cap->value,
                              "'maximize_dims_capacity' must be a non-negative integer, got '%s'",
                              adse__ynode_text(cv) ? cv->text : adse__ynode_kind_name(cv));
        it->has_capacity = true;
    }
    const adse__ynode *md = adse__ymap_get(v, "maximize_dims");
    if (md && !adse__ynode_is_null(md)) {
        if ((st = check_maximize(md, prob, err))) return st;
        warn_maximize(w, it, md, cap);
    }
    if (md && !adse__ynode_is_null(md) && adse__ynode_len(md) > 0) {
        if (strcmp(kind, "temporal") == 0 && !it->has_capacity)
            return adse__yerr(err, ADSE_E_SPEC, md,
                              "'maximize_dims' in a temporal constraint needs "
                              "'maximize_dims_capacity' (as in timeloopfe)");
        it->maximize = md;
    }
    return ADSE_OK;
}

static adse_status read_dataspace(adse__v04_cons *c, const adse__ynode *v,
                                  const adse__v04_problem *prob, adse_err *err)
{
    adse_status st = adse__yexpect(v, ADSE__YMAP, "dataspace", err);
    if (!st) st = adse__ycheck_keys(v, ds_keys, "a dataspace constraint", err);
    if (st) return st;
    c->ds_at = v;
    uint32_t keep, bypass, keep_only, bypass_only;
    if ((st = read_ds_list(adse__ymap_get(v, "keep"), "keep", prob, &keep, err)) ||
        (st = read_ds_list(adse__ymap_get(v, "bypass"), "bypass", prob, &bypass, err)) ||
        (st = read_ds_list(adse__ymap_get(v, "keep_only"), "keep_only", prob, &keep_only, err)) ||
        (st = read_ds_list(adse__ymap_get(v, "bypass_only"), "bypass_only", prob, &bypass_only,
                           err)))
        return st;
    uint32_t all = (1u << prob->n_ds) - 1;
    if (adse__ymap_get(v, "keep_only")) {
        keep |= keep_only;
        bypass |= all & ~keep_only;
    }
    if (adse__ymap_get(v, "bypass_only")) {
        bypass |= bypass_only;
        keep |= all & ~bypass_only;
    }
    if (keep & bypass) {
        int d = __builtin_ctz(keep & bypass);
        return adse__yerr(err, ADSE_E_SPEC, v, "data space '%s' both kept and bypassed",
                          prob->ds[d]);
    }
    c->keep = keep;
    c->bypass = bypass;
    const adse__ypair *nc = adse__ymap_pair(v, "no_coalesce");
    if (nc) c->ds_pass[c->n_ds_pass++] = nc;
    return ADSE_OK;
}

adse_status adse__v04_read_cons(adse__ydoc *doc, adse__v04_scope *scope, const adse__ynode *c,
                                const char *name, const adse__v04_problem *prob, adse__warnings *w,
                                adse__v04_cons *out, adse_err *err)
{
    memset(out, 0, sizeof *out);
    if (adse__ynode_is_null(c)) return ADSE_OK;
    char where[ADSE_NAME_MAX + 32];
    snprintf(where, sizeof where, "the constraints of '%s'", name);
    adse_status st = adse__yexpect(c, ADSE__YMAP, "constraints", err);
    if (!st) st = adse__ycheck_keys(c, group_keys, where, err);
    if (st) return st;
    out->at = c;
    const adse__ynode *v;
    if ((v = adse__ymap_get(c, "temporal")) && !adse__ynode_is_null(v) &&
        (st = read_iter(doc, scope, &out->temporal, v, "temporal", prob, w, err)))
        return st;
    if ((v = adse__ymap_get(c, "spatial")) && !adse__ynode_is_null(v) &&
        (st = read_iter(doc, scope, &out->spatial, v, "spatial", prob, w, err)))
        return st;
    if ((v = adse__ymap_get(c, "dataspace")) && !adse__ynode_is_null(v) &&
        (st = read_dataspace(out, v, prob, err)))
        return st;
    const adse__ypair *ob = adse__ymap_pair(c, "max_overbooked_proportion");
    if (ob && !adse__ynode_is_null(ob->value)) out->overbooked = ob;
    return ADSE_OK;
}

adse_status adse__v04_add_bypass(adse__v04_cons *c, uint32_t bypass, const adse__v04_problem *prob,
                                 const adse__ynode *at, adse_err *err)
{
    if (c->keep & bypass) {
        int d = __builtin_ctz(c->keep & bypass);
        return adse__yerr(err, ADSE_E_SPEC, at,
                          "data space '%s' is kept here but bypassed by its '!Parallel' branch",
                          prob->ds[d]);
    }
    c->bypass |= bypass;
    return ADSE_OK;
}

void adse__v04_prune_perm(adse__v04_iter *it, const adse__v04_problem *prob)
{
    const char *add[2 * ADSE__V04_MAX_FACTORS];
    int n_add = 0;
    for (int pass = 0; pass < 2; pass++) {
        int n = pass == 0 ? it->n_factors : prob->n_dims;
        for (int i = 0; i < n; i++) {
            const char *d = NULL;
            if (pass == 0) {
                if (it->factors[i].rel != ADSE__FACTOR_EQ || it->factors[i].value != 1) continue;
                int k = dim_index(prob, it->factors[i].dim, strlen(it->factors[i].dim));
                if (k < 0) continue;
                d = prob->dims[k];
            } else {
                if (prob->bound[i] != 1) continue;
                d = prob->dims[i];
            }
            bool have = false;
            for (int k = 0; k < it->n_perm && !have; k++)
                have = strcmp(it->perm[k], d) == 0;
            for (int k = 0; k < n_add && !have; k++)
                have = strcmp(add[k], d) == 0;
            if (!have) add[n_add++] = d;
        }
    }
    if (it->n_perm + n_add > ADSE__V04_MAX_FACTORS) return; /* cannot happen: <= n_dims */
    /* Each is inserted at the front in turn, so the last one found ends innermost. */
    memmove(&it->perm[n_add], &it->perm[0], (size_t)it->n_perm * sizeof *it->perm);
    for (int k = 0; k < n_add; k++)
        it->perm[n_add - 1 - k] = add[k];
    it->n_perm += n_add;
}

void adse__v04_dummy_cons(adse__v04_cons *c, const adse__v04_problem *prob)
{
    memset(c, 0, sizeof *c);
    for (int d = 0; d < prob->n_dims; d++) {
        snprintf(c->temporal.factors[d].dim, sizeof c->temporal.factors[d].dim, "%s",
                 prob->dims[d]);
        c->temporal.factors[d].rel = ADSE__FACTOR_EQ;
        c->temporal.factors[d].value = 1;
        c->temporal.perm[d] = prob->dims[d];
    }
    c->temporal.n_factors = prob->n_dims;
    c->temporal.n_perm = prob->n_dims;
    c->bypass = (1u << prob->n_ds) - 1;
}

/* ---- maximize_dims ------------------------------------------------------------------- */

/* The order in which CPython iterates a set of small non-negative integers inserted in the
 * given order (hash = the value; open addressing: up to 9 linear probes when they fit, then
 * the perturbed jump; the table grown to the next power of two above 4x the count once 3/5
 * full, reinserting in slot order): timeloopfe walks the distinct prime factors of a
 * dimension as `set(primes)`, and that order decides its ties. */
enum { PYSET_MAX = 64 };

static void pyset_insert(uint64_t *table, bool *used, size_t mask, uint64_t key)
{
    size_t perturb = (size_t)key, i = (size_t)key & mask;
    for (;;) {
        size_t probes = i + 9 <= mask ? 9 : 0;
        for (size_t j = i; j <= i + probes; j++)
            if (!used[j]) {
                used[j] = true;
                table[j] = key;
                return;
            }
        perturb >>= 5;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

static int pyset_order(const uint64_t *keys, int n, uint64_t *out)
{
    uint64_t table[PYSET_MAX];
    bool used[PYSET_MAX] = {false};
    size_t mask = 7;
    for (int k = 0; k < n; k++) {
        pyset_insert(table, used, mask, keys[k]);
        if ((size_t)(k + 1) * 5 < mask * 3) continue;
        size_t size = 8;
        while (size <= (size_t)(k + 1) * 4)
            size <<= 1;
        if (size > PYSET_MAX) return 0; /* cannot happen: at most 15 distinct primes */
        uint64_t order[PYSET_MAX];
        int m = 0;
        for (size_t t = 0; t <= mask; t++)
            if (used[t]) order[m++] = table[t];
        mask = size - 1;
        memset(used, 0, sizeof used);
        for (int t = 0; t < m; t++)
            pyset_insert(table, used, mask, order[t]);
    }
    int m = 0;
    for (size_t t = 0; t <= mask; t++)
        if (used[t]) out[m++] = table[t];
    return m;
}

/* The distinct prime factors of v (a divisor of a value whose distinct primes, ascending,
 * are primes[0..np)) in timeloopfe's iteration order (its `set()` of them); returns how
 * many. */
static int prime_order(uint64_t v, const uint64_t *primes, int np, uint64_t *out)
{
    uint64_t in[16];
    int n = 0;
    for (int i = 0; i < np; i++)
        if (v % primes[i] == 0) in[n++] = primes[i];
    return pyset_order(in, n, out);
}

typedef struct alloc_step {
    int dim;      /* index into the group */
    uint64_t max; /* the factor this step gives it */
} alloc_step;

typedef struct alloc_list {
    int n;
    alloc_step s[64];
} alloc_list;

/* timeloopfe's greedy_allocate: the allocation of the group's remaining sizes val[0..n)
 * within capacity with the highest utilization (strictly higher wins, in its order of
 * trial: each dimension, its imperfect split when larger than the capacity, then each
 * prime factor, recursively). *budget bounds the number of calls. */
typedef struct group_primes {
    uint64_t p[ADSE_MAX_DIMS][16]; /* distinct primes of each dimension's starting size */
    int n[ADSE_MAX_DIMS];
} group_primes;

static double greedy(uint64_t *val, int n, uint64_t capacity, const group_primes *gp,
                     alloc_list *best, long *budget)
{
    best->n = 0;
    double best_util = 1;
    if (capacity <= 1 || --*budget < 0) return best_util;
    for (int k = 0; k < n; k++) {
        uint64_t v = val[k];
        if (v > capacity) {
            uint64_t remaining = adse__ceil_div(v, capacity);
            uint64_t alloc = adse__ceil_div(v, remaining);
            uint64_t remainder = v % alloc;
            double util = (double)(alloc * (remaining - 1) + remainder) / (double)remaining;
            if (util > best_util) {
                best_util = util;
                best->n = 1;
                best->s[0] = (alloc_step){k, alloc};
            }
        }
        uint64_t primes[16];
        int np = prime_order(v, gp->p[k], gp->n[k], primes);
        for (int i = 0; i < np; i++) {
            uint64_t p = primes[i];
            if (p > capacity) continue;
            val[k] /= p;
            alloc_list sub;
            double util = greedy(val, n, capacity / p, gp, &sub, budget) * (double)p;
            val[k] = v;
            if (util > best_util && sub.n < 63) {
                best_util = util;
                best->n = sub.n + 1;
                best->s[0] = (alloc_step){k, p};
                memcpy(&best->s[1], sub.s, (size_t)sub.n * sizeof *sub.s);
            }
        }
    }
    return best_util;
}

static adse_status maximize_one(adse__v04_iter *it, uint64_t start_capacity,
                                uint64_t *unconstrained, const adse__v04_problem *prob,
                                adse_err *err)
{
    const adse__ynode *md = it->maximize;
    bool flat = adse__ynode_is_scalar(md->items[0]);
    for (int gi = 0; gi < (flat ? 1 : md->n); gi++) {
        const adse__ynode *g = flat ? md : md->items[gi];
        uint64_t capacity = start_capacity;
        for (int f = 0; f < it->n_factors; f++) {
            uint64_t v = it->factors[f].value;
            int d = dim_index(prob, it->factors[f].dim, strlen(it->factors[f].dim));
            if (!v && d >= 0) v = prob->bound[d];
            if (v > 0 && it->factors[f].rel != ADSE__FACTOR_MAX) capacity /= v;
        }
        int dims[ADSE_MAX_DIMS], n = 0;
        uint64_t val[ADSE_MAX_DIMS];
        for (int k = 0; k < g->n; k++) {
            const adse__ynode *dn = g->items[k];
            int d = dim_index(prob, dn->text, strlen(dn->text));
            if (find_factor(it, prob->dims[d], -1) >= 0)
                return adse__yerr(err, ADSE_E_SPEC, dn,
                                  "cannot maximize '%s': its factor is already given in this "
                                  "constraint",
                                  prob->dims[d]);
            bool dup = false;
            for (int q = 0; q < n && !dup; q++)
                dup = dims[q] == d;
            if (dup) continue;
            dims[n] = d;
            val[n++] = unconstrained[d];
        }
        group_primes gp;
        for (int k = 0; k < n; k++) {
            if (val[k] > (1ull << 40))
                return adse__yerr(err, ADSE_E_SPEC, g,
                                  "cannot maximize '%s': %llu is too large (at most 2^40)",
                                  prob->dims[dims[k]], (unsigned long long)val[k]);
            gp.n[k] = adse__distinct_primes(val[k], gp.p[k]);
        }
        alloc_list a;
        long budget = 2000000;
        greedy(val, n, capacity, &gp, &a, &budget);
        if (budget < 0)
            return adse__yerr(err, ADSE_E_SPEC, g,
                              "'maximize_dims' over a capacity of %llu: timeloopfe's greedy "
                              "allocation takes more than 2,000,000 steps here; write the "
                              "factors",
                              (unsigned long long)capacity);
        /* The allocated dimensions in the order first allocated, then the rest of the group. */
        int order[ADSE_MAX_DIMS], n_order = 0;
        uint64_t maxv[ADSE_MAX_DIMS];
        for (int k = 0; k < n; k++)
            maxv[k] = 1;
        for (int s = 0; s < a.n; s++) {
            int k = a.s[s].dim;
            bool seen = false;
            for (int q = 0; q < n_order && !seen; q++)
                seen = order[q] == k;
            if (!seen) order[n_order++] = k;
            maxv[k] *= a.s[s].max;
        }
        for (int k = 0; k < n; k++) {
            bool seen = false;
            for (int q = 0; q < n_order && !seen; q++)
                seen = order[q] == k;
            if (!seen) order[n_order++] = k;
        }
        for (int q = 0; q < n_order; q++) {
            int k = order[q], d = dims[k];
            if (prob->bound[d] && prob->bound[d] % maxv[k])
                return adse__yerr(
                    err, ADSE_E_SPEC, g,
                    "'maximize_dims' gives %s=%llu, as timeloopfe allocates it (an "
                    "imperfect factor), which does not divide the bound %llu of '%s': "
                    "adse maps perfect factorizations only; write the factors",
                    prob->dims[d], (unsigned long long)maxv[k], (unsigned long long)prob->bound[d],
                    prob->dims[d]);
            adse_status st = add_factor(it, prob->dims[d], strlen(prob->dims[d]), ADSE__FACTOR_EQ,
                                        maxv[k], g, err);
            if (st) return st;
            unconstrained[d] = adse__ceil_div(unconstrained[d], maxv[k]);
        }
        if (!it->factors_at) it->factors_at = md;
    }
    return ADSE_OK;
}

adse_status adse__v04_maximize(adse__v04_cons *const *cons, const uint64_t *fanout, int n,
                               const adse__v04_problem *prob, adse_err *err)
{
    /* What the `=` factors of every node leave of each dimension. */
    uint64_t unconstrained[ADSE_MAX_DIMS];
    for (int d = 0; d < prob->n_dims; d++)
        unconstrained[d] = prob->bound[d];
    for (int i = 0; i < n; i++)
        for (int t = 0; t < 2; t++) {
            const adse__v04_iter *it = t ? &cons[i]->temporal : &cons[i]->spatial;
            for (int f = 0; f < it->n_factors; f++) {
                int d = dim_index(prob, it->factors[f].dim, strlen(it->factors[f].dim));
                uint64_t v = it->factors[f].value;
                if (d < 0 || it->factors[f].rel != ADSE__FACTOR_EQ) continue;
                if (!v) v = prob->bound[d];
                if (v > 0) unconstrained[d] = adse__ceil_div(unconstrained[d], v);
            }
        }
    for (int t = 0; t < 2; t++)
        for (int i = n - 1; i >= 0; i--) {
            adse__v04_iter *it = t ? &cons[i]->temporal : &cons[i]->spatial;
            if (!it->maximize) continue;
            uint64_t capacity = it->has_capacity ? it->capacity : fanout[i];
            adse_status st = maximize_one(it, capacity, unconstrained, prob, err);
            if (st) return st;
        }
    return ADSE_OK;
}

/* ---- emission ------------------------------------------------------------------------ */

#define BUILD(x)                                                                                   \
    do {                                                                                           \
        if (!(x)) return adse__ydoc_build_status(doc, at, err);                                    \
    } while (0)

static bool iter_empty(const adse__v04_iter *it)
{
    return !it->n_factors && !it->n_perm && !it->n_pass;
}

static adse_status emit_iter(adse__ydoc *doc, adse__ynode *list, const adse__v04_iter *it,
                             const char *type, const char *target, const adse__ynode *at,
                             adse_err *err)
{
    if (iter_empty(it)) return ADSE_OK;
    if (it->at) at = it->at;
    adse__ynode *e = adse__ynew_map(doc, at);
    BUILD(e);
    BUILD(adse__ymap_set(doc, e, "type", at, adse__ynew_scalar(doc, at, type, true)));
    if (it->n_factors) {
        char buf[ADSE__V04_MAX_FACTORS * (ADSE_NAME_MAX + 24)];
        size_t len = 0;
        static const char *const rel[] = {"=", "<=", ">="};
        for (int i = 0; i < it->n_factors; i++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s%s%llu", i ? "," : "",
                                    it->factors[i].dim, rel[it->factors[i].rel],
                                    (unsigned long long)it->factors[i].value);
        const adse__ynode *fat = it->factors_at ? it->factors_at : at;
        BUILD(adse__ymap_set(doc, e, "factors", fat, adse__ynew_scalar(doc, fat, buf, false)));
    }
    if (it->n_perm) {
        char buf[ADSE__V04_MAX_FACTORS * ADSE_NAME_MAX];
        size_t len = 0;
        for (int i = 0; i < it->n_perm; i++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", it->perm[i]);
        const adse__ynode *pat = it->perm_at ? it->perm_at : at;
        BUILD(adse__ymap_set(doc, e, "permutation", pat, adse__ynew_scalar(doc, pat, buf, false)));
    }
    for (int i = 0; i < it->n_pass; i++)
        BUILD(adse__ymap_set(doc, e, it->pass[i]->key->text, it->pass[i]->key, it->pass_value[i]));
    BUILD(adse__ymap_set(doc, e, "target", at, adse__ynew_scalar(doc, at, target, false)));
    BUILD(adse__yseq_push(doc, list, e));
    return ADSE_OK;
}

static adse__ynode *ds_seq(adse__ydoc *doc, const adse__ynode *at, uint32_t mask,
                           const adse__v04_problem *prob)
{
    adse__ynode *s = adse__ynew_seq(doc, at);
    for (int d = 0; s && d < prob->n_ds; d++)
        if (mask & (1u << d) &&
            !adse__yseq_push(doc, s, adse__ynew_scalar(doc, at, prob->ds[d], false)))
            return NULL;
    return s;
}

adse_status adse__v04_emit_cons(adse__ydoc *doc, adse__ynode *list, const adse__v04_cons *c,
                                const char *target, const adse__ynode *at,
                                const adse__v04_problem *prob, adse_err *err)
{
    adse_status st;
    if ((st = emit_iter(doc, list, &c->spatial, "spatial", target, at, err))) return st;
    if ((st = emit_iter(doc, list, &c->temporal, "temporal", target, at, err))) return st;
    if (c->keep || c->bypass || c->n_ds_pass) {
        const adse__ynode *dat = c->ds_at ? c->ds_at : at;
        adse__ynode *e = adse__ynew_map(doc, dat);
        BUILD(e);
        BUILD(adse__ymap_set(doc, e, "type", dat, adse__ynew_scalar(doc, dat, "bypass", true)));
        if (c->keep) BUILD(adse__ymap_set(doc, e, "keep", dat, ds_seq(doc, dat, c->keep, prob)));
        if (c->bypass)
            BUILD(adse__ymap_set(doc, e, "bypass", dat, ds_seq(doc, dat, c->bypass, prob)));
        for (int i = 0; i < c->n_ds_pass; i++)
            BUILD(adse__ymap_set(doc, e, c->ds_pass[i]->key->text, c->ds_pass[i]->key,
                                 c->ds_pass[i]->value));
        BUILD(adse__ymap_set(doc, e, "target", dat, adse__ynew_scalar(doc, dat, target, false)));
        BUILD(adse__yseq_push(doc, list, e));
    }
    if (c->overbooked) {
        const adse__ynode *oat = c->overbooked->key;
        adse__ynode *e = adse__ynew_map(doc, oat);
        BUILD(e);
        BUILD(adse__ymap_set(doc, e, "type", oat,
                             adse__ynew_scalar(doc, oat, "max_overbooked_proportion", true)));
        const adse__ynode *v = c->overbooked->value;
        const adse__ynode *prop = adse__ynode_is_map(v) ? adse__ymap_get(v, "proportion") : v;
        if (prop) BUILD(adse__ymap_set(doc, e, "proportion", oat, prop));
        BUILD(adse__ymap_set(doc, e, "target", oat, adse__ynew_scalar(doc, oat, target, false)));
        BUILD(adse__yseq_push(doc, list, e));
    }
    return ADSE_OK;
}
