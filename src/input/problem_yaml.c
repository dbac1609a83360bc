/* `problem:` (model.md §1.1) -> adse_problem: inline shapes and the built-in CNN layer. */
#include "input/internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const problem_keys[] = {"shape", "instance", "version", NULL};
static const char *const shape_keys[] = {"name",        "dimensions", "coefficients",
                                         "data_spaces", "version",    NULL};
static const char *const coef_keys[] = {"name", "default", NULL};
static const char *const ds_keys[] = {"name", "projection", "read_write", NULL};

static int dim_id(const adse_problem *p, const char *name)
{
    if (!name || !name[0] || name[1]) return -1;
    return adse_problem_dim_id(p, name[0]);
}

static adse_status parse_dimensions(const adse__ynode *dims, adse_problem *p, adse_err *err)
{
    if (!dims) return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0, "missing 'dimensions'");
    adse_status st = adse__yexpect(dims, ADSE__YSEQ, "dimensions", err);
    if (st) return st;
    if (dims->n == 0)
        return adse__yerr(err, ADSE_E_SPEC, dims, "'dimensions' of the shape is empty");
    for (int i = 0; i < dims->n; i++) {
        const adse__ynode *d = dims->items[i];
        if (i == ADSE_MAX_DIMS)
            return adse__yerr(err, ADSE_E_SPEC, d,
                              "more than ADSE_MAX_DIMS (%d) dimensions in the shape",
                              ADSE_MAX_DIMS);
        if (!adse__ynode_is_scalar(d) || adse__ynode_is_null(d))
            return adse__yerr(err, ADSE_E_SPEC, d, "dimension name must be a scalar, got %s",
                              adse__ynode_kind_name(d));
        /* Factor and permutation strings are read one character per dimension. */
        if (d->len != 1 || !isalpha((unsigned char)d->text[0]))
            return adse__yerr(err, ADSE_E_SPEC, d, "dimension name '%s' must be a single letter",
                              d->text);
        if (adse_problem_dim_id(p, d->text[0]) >= 0)
            return adse__yerr(err, ADSE_E_SPEC, d, "dimension '%s' listed twice", d->text);
        p->dim_names[p->n_dims++] = d->text[0];
    }
    return ADSE_OK;
}

static adse_status parse_coefficients(const adse__ynode *coefs, adse_problem *p, adse_err *err)
{
    if (adse__ynode_is_null(coefs)) return ADSE_OK;
    adse_status st = adse__yexpect(coefs, ADSE__YSEQ, "coefficients", err);
    if (st) return st;
    for (int i = 0; i < coefs->n; i++) {
        const adse__ynode *c = coefs->items[i];
        if (!adse__ynode_is_map(c))
            return adse__yerr(err, ADSE_E_SPEC, c, "coefficient must be a mapping, got %s",
                              adse__ynode_kind_name(c));
        if ((st = adse__ycheck_keys(c, coef_keys, "a coefficient of the shape", err))) return st;
        if (p->n_coefs == ADSE_MAX_COEFS)
            return adse__yerr(err, ADSE_E_SPEC, c,
                              "more than ADSE_MAX_COEFS (%d) coefficients in the shape",
                              ADSE_MAX_COEFS);
        const adse__ynode *name = adse__ymap_get(c, "name");
        if (!name) return adse__yerr(err, ADSE_E_SPEC, c, "missing 'name' in coefficient");
        char *dst = p->coef_names[p->n_coefs];
        if ((st = adse__copy_name(name, dst, "coefficient name", err))) return st;
        if (adse_problem_coef_id(p, dst) >= 0)
            return adse__yerr(err, ADSE_E_SPEC, name, "coefficient '%s' listed twice", dst);
        if (dim_id(p, dst) >= 0)
            return adse__yerr(err, ADSE_E_SPEC, name,
                              "coefficient '%s' has the name of a dimension", dst);
        int64_t v = 1;
        const adse__ynode *def = adse__ymap_get(c, "default");
        if (def && !adse__ynode_is_null(def) && !adse__yscalar_i64(def, &v))
            return adse__yerr(err, ADSE_E_SPEC, def,
                              "'default' of coefficient '%s' must be an integer, got %s%s%s", dst,
                              adse__ynode_is_scalar(def) ? "'" : "",
                              adse__ynode_is_scalar(def) ? def->text : adse__ynode_kind_name(def),
                              adse__ynode_is_scalar(def) ? "'" : "");
        p->coef_values[p->n_coefs++] = v;
    }
    return ADSE_OK;
}

/* A term [dim] or [dim, coefficient] (coefficient: a name or an integer). A named
 * coefficient's value is filled in once the instance is read (adse_problem_resolve_coefs). */
static adse_status parse_term(const adse__ynode *t, const adse_problem *p, const char *ds,
                              adse_term *out, uint8_t *named, adse_err *err)
{
    if (!adse__ynode_is_seq(t) || t->n < 1 || t->n > 2)
        return adse__yerr(err, ADSE_E_SPEC, t,
                          "projection term of '%s' must be a list [dimension] or "
                          "[dimension, coefficient], got %s",
                          ds, adse__ynode_kind_name(t));
    for (int i = 0; i < t->n; i++)
        if (!adse__ynode_is_scalar(t->items[i]) || adse__ynode_is_null(t->items[i]))
            return adse__yerr(err, ADSE_E_SPEC, t->items[i],
                              "projection term of '%s' must hold names, got %s", ds,
                              adse__ynode_kind_name(t->items[i]));
    const adse__ynode *dn = t->items[0], *cn = t->n == 2 ? t->items[1] : NULL;
    if (cn && dim_id(p, dn->text) < 0 && dim_id(p, cn->text) >= 0) {
        const adse__ynode *tmp = dn; /* [coefficient, dimension] */
        dn = cn;
        cn = tmp;
    }
    int d = dim_id(p, dn->text);
    if (d < 0)
        return adse__yerr(err, ADSE_E_SPEC, dn,
                          "unknown dimension '%s' in the projection of '%s' (dimensions: %.*s)",
                          dn->text, ds, p->n_dims, p->dim_names);
    out->dim = (uint8_t)d;
    out->coef = 1;
    if (cn) {
        int c = adse_problem_coef_id(p, cn->text);
        int64_t lit;
        if (c >= 0)
            *named = (uint8_t)(c + 1);
        else if (adse__yscalar_i64(cn, &lit) && lit >= 0)
            out->coef = lit;
        else
            return adse__yerr(err, ADSE_E_SPEC, cn,
                              "unknown coefficient '%s' in the projection of '%s'", cn->text, ds);
    }
    return ADSE_OK;
}

static adse_status parse_projection(const adse__ynode *proj, adse_problem *p, adse_dataspace *ds,
                                    adse_err *err)
{
    char what[ADSE_NAME_MAX + 32];
    snprintf(what, sizeof what, "projection of '%s'", ds->name);
    adse_status st = adse__yexpect(proj, ADSE__YSEQ, what, err);
    if (st) return st;
    if (proj->n == 0) return adse__yerr(err, ADSE_E_SPEC, proj, "'%s' is empty", what);
    bool short_form = adse__ynode_is_scalar(proj->items[0]);
    for (int k = 0; k < proj->n; k++) {
        const adse__ynode *r = proj->items[k];
        if (k == ADSE_MAX_RANKS)
            return adse__yerr(err, ADSE_E_SPEC, r, "more than ADSE_MAX_RANKS (%d) ranks in the %s",
                              ADSE_MAX_RANKS, what);
        adse_rank *rank = &ds->ranks[k];
        if (short_form) {
            /* Short form [C, M]: one single-term rank per entry. */
            if (!adse__ynode_is_scalar(r) || adse__ynode_is_null(r))
                return adse__yerr(err, ADSE_E_SPEC, r,
                                  "%s mixes dimension names and lists of terms", what);
            int d = dim_id(p, r->text);
            if (d < 0)
                return adse__yerr(err, ADSE_E_SPEC, r,
                                  "unknown dimension '%s' in the %s (dimensions: %.*s)", r->text,
                                  what, p->n_dims, p->dim_names);
            rank->n_terms = 1;
            rank->terms[0].dim = (uint8_t)d;
            rank->terms[0].coef = 1;
        } else {
            if (!adse__ynode_is_seq(r) || r->n == 0)
                return adse__yerr(err, ADSE_E_SPEC, r,
                                  "rank of the %s must be a non-empty list of terms, got %s", what,
                                  adse__ynode_kind_name(r));
            for (int t = 0; t < r->n; t++) {
                if (t == ADSE_MAX_TERMS)
                    return adse__yerr(err, ADSE_E_SPEC, r->items[t],
                                      "more than ADSE_MAX_TERMS (%d) terms in a rank of the %s",
                                      ADSE_MAX_TERMS, what);
                if ((st = parse_term(r->items[t], p, ds->name, &rank->terms[t], &ds->named[k][t],
                                     err)))
                    return st;
            }
            rank->n_terms = (uint8_t)r->n;
        }
        for (int t = 0; t < rank->n_terms; t++)
            ds->relevant_mask |= 1u << rank->terms[t].dim;
    }
    ds->n_ranks = (uint8_t)proj->n;
    return ADSE_OK;
}

static adse_status parse_data_spaces(const adse__ynode *shape, adse_problem *p, adse_err *err)
{
    const adse__ynode *list = adse__ymap_get(shape, "data_spaces");
    if (!list) return adse__yerr(err, ADSE_E_SPEC, shape, "missing 'data_spaces' in the shape");
    adse_status st = adse__yexpect(list, ADSE__YSEQ, "data_spaces", err);
    if (st) return st;
    if (list->n == 0) return adse__yerr(err, ADSE_E_SPEC, list, "'data_spaces' is empty");
    for (int i = 0; i < list->n; i++) {
        const adse__ynode *n = list->items[i];
        if (i == ADSE_MAX_DATASPACES)
            return adse__yerr(err, ADSE_E_SPEC, n,
                              "more than ADSE_MAX_DATASPACES (%d) data spaces in the shape",
                              ADSE_MAX_DATASPACES);
        if (!adse__ynode_is_map(n))
            return adse__yerr(err, ADSE_E_SPEC, n, "data space must be a mapping, got %s",
                              adse__ynode_kind_name(n));
        const adse__ynode *name = adse__ymap_get(n, "name");
        if (!name) return adse__yerr(err, ADSE_E_SPEC, n, "missing 'name' in data space");
        adse_dataspace *ds = &p->ds[i];
        if ((st = adse__copy_name(name, ds->name, "data-space name", err))) return st;
        if (adse_problem_ds_id(p, ds->name) >= 0)
            return adse__yerr(err, ADSE_E_SPEC, name, "data space '%s' listed twice", ds->name);
        char where[ADSE_NAME_MAX + 32];
        snprintf(where, sizeof where, "data space '%s'", ds->name);
        if ((st = adse__ycheck_keys(n, ds_keys, where, err))) return st;
        const adse__ynode *proj = adse__ymap_get(n, "projection");
        if (!proj)
            return adse__yerr(err, ADSE_E_SPEC, n, "missing 'projection' in data space '%s'",
                              ds->name);
        if ((st = parse_projection(proj, p, ds, err))) return st;
        const adse__ynode *rw = adse__ymap_get(n, "read_write");
        if (rw && !adse__ynode_is_null(rw) && !adse__yscalar_bool(rw, &ds->read_write))
            return adse__yerr(err, ADSE_E_SPEC, rw,
                              "'read_write' of data space '%s' must be true or false", ds->name);
        p->n_ds = (uint8_t)(i + 1);
    }
    return ADSE_OK;
}

static adse_status parse_inline_shape(const adse__ynode *shape, adse_problem *p, adse_err *err)
{
    adse_status st = adse__ycheck_keys(shape, shape_keys, "the problem shape", err);
    if (st) return st;
    const adse__ynode *name = adse__ymap_get(shape, "name");
    if (name && !adse__ynode_is_null(name) &&
        (st = adse__copy_name(name, p->shape_name, "shape name", err)))
        return st;
    const adse__ynode *dims = adse__ymap_get(shape, "dimensions");
    if (!dims) return adse__yerr(err, ADSE_E_SPEC, shape, "missing 'dimensions' in the shape");
    if ((st = parse_dimensions(dims, p, err))) return st;
    if ((st = parse_coefficients(adse__ymap_get(shape, "coefficients"), p, err))) return st;
    return parse_data_spaces(shape, p, err);
}

static bool str_ieq_norm(const char *a, const char *b)
{
    for (;; a++, b++) {
        char ca = *a == '_' ? '-' : (char)tolower((unsigned char)*a);
        char cb = *b == '_' ? '-' : (char)tolower((unsigned char)*b);
        if (ca != cb) return false;
        if (!ca) return true;
    }
}

/* A key of the instance that Timeloop ignores (neither a dimension nor a coefficient of the
 * shape, compared exactly) but that names one of them up to case, '-' and '_' is most
 * likely that one misspelt (the exercises' ResNet-18 layers write HStride for Hstride): the
 * value the model uses is not the one written, so say so: a warning where the loader keeps
 * them, an error where it has none (a network file's problems, adse's own format). */
static adse_status warn_case_typos(const adse__ynode *instance, const adse_problem *p,
                                   adse__warnings *warnings, adse_err *err)
{
    for (int i = 0; i < instance->n; i++) {
        const adse__ynode *k = instance->pairs[i].key;
        if (!adse__ynode_is_scalar(k)) continue;
        bool exact = false;
        int near = -1; /* the coefficient it names but for case, '-' and '_' */
        for (int x = 0; x < p->n_dims && !exact; x++)
            exact = k->text[0] == p->dim_names[x] && k->text[1] == '\0';
        for (int c = 0; c < p->n_coefs && !exact; c++) {
            exact = strcmp(k->text, p->coef_names[c]) == 0;
            if (near < 0 && adse__ykey_distance(k->text, p->coef_names[c]) == 0) near = c;
        }
        if (exact || near < 0) continue;
        if (!warnings)
            return adse__yerr(err, ADSE_E_SPEC, k,
                              "'%s' is not a dimension or coefficient of the problem's shape; "
                              "did you mean '%s'?",
                              k->text, p->coef_names[near]);
        adse__ywarn(warnings, k,
                    "'%s' is not a dimension or coefficient of the problem's shape and is "
                    "ignored, as Timeloop ignores it; did you mean '%s' (%" PRId64 " is used)?",
                    k->text, p->coef_names[near], p->coef_values[near]);
    }
    return ADSE_OK;
}

/* The model's limits (adse_problem_validate), reported at the problem's position. */
static adse_status check_size(const adse_problem *p, const adse__ynode *at, adse_err *err)
{
    adse_err e2;
    adse_err_clear(&e2);
    adse_status st = adse_problem_validate(p, &e2);
    return st ? adse__yerr(err, st, at, "%s", e2.msg) : ADSE_OK;
}

adse_status adse__problem_from_yaml(const adse__ypair *top, adse_problem *p,
                                    adse__warnings *warnings, adse_err *err)
{
    const adse__ynode *prob = top->value;
    adse_status st;
    memset(p, 0, sizeof *p);
    if (!adse__ynode_is_map(prob))
        return adse__yerr(err, ADSE_E_SPEC, adse__ynode_is_null(prob) ? top->key : prob,
                          "'problem' must be a mapping, got %s", adse__ynode_kind_name(prob));
    const adse__ynode *instance = adse__ymap_get(prob, "instance");
    if (instance) {
        if ((st = adse__ycheck_keys(prob, problem_keys, "the problem", err))) return st;
        if ((st = adse__yexpect(instance, ADSE__YMAP, "instance", err))) return st;
    } else {
        /* Bounds directly under problem (backward compatible form): other keys are allowed
         * there, but one that looks like a misspelt 'instance' or 'shape' is reported. */
        instance = prob;
        for (int i = 0; i < prob->n; i++) {
            const adse__ynode *k = prob->pairs[i].key;
            for (const char *const *w = problem_keys; *w; w++)
                if (!adse__ykey_eq(k->text, *w) && adse__ykey_distance(k->text, *w) <= 2)
                    return adse__yerr(err, ADSE_E_SPEC, k,
                                      "unknown key '%s' in the problem (did you mean '%s'?)",
                                      k->text, *w);
        }
    }

    const adse__ynode *shape = adse__ymap_get(prob, "shape");
    if (adse__ynode_is_null(shape) || adse__ynode_is_scalar(shape)) {
        if (shape && !adse__ynode_is_null(shape)) {
            if (!str_ieq_norm(shape->text, "cnn-layer"))
                return adse__yerr(err, ADSE_E_SPEC, shape,
                                  "unknown problem shape '%s' (adse knows 'cnn-layer'; give other "
                                  "shapes inline)",
                                  shape->text);
        }
        adse_problem_init_cnn_layer(p);
        /* the name as written ("" when none) */
        snprintf(p->shape_name, sizeof p->shape_name, "%s",
                 shape && !adse__ynode_is_null(shape) ? shape->text : "");
    } else if (adse__ynode_is_map(shape)) {
        if ((st = parse_inline_shape(shape, p, err))) return st;
    } else {
        return adse__yerr(err, ADSE_E_SPEC, shape, "'shape' must be a mapping or a name, got %s",
                          adse__ynode_kind_name(shape));
    }

    /* Bounds (all required) and coefficient overrides; other keys (H, W, densities) are
     * ignored as Timeloop does. */
    const adse__ynode *at = instance == prob ? top->key : instance;
    for (int x = 0; x < p->n_dims; x++) {
        char dn[2] = {p->dim_names[x], 0};
        const adse__ynode *b = adse__ymap_get(instance, dn);
        if (!b || adse__ynode_is_null(b))
            return adse__yerr(err, ADSE_E_SPEC, at, "missing bound of dimension '%s' in %s", dn,
                              instance == prob ? "the problem" : "'instance'");
        if (!adse__yscalar_u64(b, &p->bounds[x]) || p->bounds[x] == 0)
            return adse__yerr(err, ADSE_E_SPEC, b,
                              "bound of dimension '%s' must be a positive integer, got %s%s%s", dn,
                              adse__ynode_is_scalar(b) ? "'" : "",
                              adse__ynode_is_scalar(b) ? b->text : adse__ynode_kind_name(b),
                              adse__ynode_is_scalar(b) ? "'" : "");
    }
    for (int c = 0; c < p->n_coefs; c++) {
        const adse__ynode *v = adse__ymap_get(instance, p->coef_names[c]);
        if (!v || adse__ynode_is_null(v)) continue;
        if (!adse__yscalar_i64(v, &p->coef_values[c]))
            return adse__yerr(err, ADSE_E_SPEC, v,
                              "coefficient '%s' must be an integer, got %s%s%s", p->coef_names[c],
                              adse__ynode_is_scalar(v) ? "'" : "",
                              adse__ynode_is_scalar(v) ? v->text : adse__ynode_kind_name(v),
                              adse__ynode_is_scalar(v) ? "'" : "");
    }
    for (int c = 0; c < p->n_coefs; c++)
        if (p->coef_values[c] < -INT32_MAX || p->coef_values[c] > INT32_MAX) {
            const adse__ynode *v = adse__ymap_get(instance, p->coef_names[c]);
            return adse__yerr(err, ADSE_E_SPEC, v ? v : at,
                              "coefficient '%s' must be between -%d and %d, got %" PRId64,
                              p->coef_names[c], INT32_MAX, INT32_MAX, p->coef_values[c]);
        }
    adse_problem_resolve_coefs(p);
    if ((st = warn_case_typos(instance, p, warnings, err))) return st;
    return check_size(p, at, err);
}
