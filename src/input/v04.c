/* timeloopfe's v0.4 specification -> the classic document (see v04.h): the driver. */
#include "input/v04.h"

#include <stdio.h>
#include <string.h>

#include "input/internal.h"
#include "input/v04_expr.h"

/* The dimensions named anywhere in a projection (a list of ranks of [dimension,
 * coefficient] terms). */
static uint32_t projection_dims(const adse__ynode *n, const adse__v04_problem *p, int n_dims,
                                int depth)
{
    if (!n || depth > 8) return 0;
    if (n->kind == ADSE__YSCALAR) {
        for (int d = 0; d < n_dims; d++)
            if (strcmp(p->dims[d], n->text) == 0) return 1u << d;
        return 0;
    }
    uint32_t m = 0;
    for (int i = 0; n->kind == ADSE__YSEQ && i < n->n; i++)
        m |= projection_dims(n->items[i], p, n_dims, depth + 1);
    return m;
}

/* What the constraint translation needs from `problem` (known false when it is missing or
 * malformed: the problem converter then says what is wrong). */
static void read_problem(const adse__ydoc *doc, adse__v04_problem *p)
{
    memset(p, 0, sizeof *p);
    const adse__ynode *prob = adse__ydoc_top(doc, "problem");
    const adse__ynode *shape = adse__ymap_get(prob, "shape");
    const adse__ynode *dims = adse__ymap_get(shape, "dimensions");
    const adse__ynode *dss = adse__ymap_get(shape, "data_spaces");
    const adse__ynode *inst = adse__ymap_get(prob, "instance");
    if (!adse__ynode_is_seq(dims) || !adse__ynode_is_seq(dss) || dims->n > ADSE_MAX_DIMS ||
        dss->n > ADSE_MAX_DATASPACES || dims->n == 0 || dss->n == 0)
        return;
    for (int i = 0; i < dims->n; i++) {
        const char *d = adse__ynode_text(dims->items[i]);
        if (!d || !*d) return;
        p->dims[i] = d;
        uint64_t v = 0;
        p->bound[i] = adse__yscalar_u64(adse__ymap_get(inst, d), &v) ? v : 0;
    }
    for (int i = 0; i < dss->n; i++) {
        const char *n = adse__ynode_text(adse__ymap_get(dss->items[i], "name"));
        if (!n || !*n) return;
        p->ds[i] = n;
        p->ds_dims[i] = projection_dims(adse__ymap_get(dss->items[i], "projection"), p, dims->n, 0);
    }
    p->n_dims = dims->n;
    p->n_ds = dss->n;
    p->known = true;
}

static adse_status translate(adse__ydoc *doc, const adse__ypair *top, adse__v04_scope *scope,
                             adse__warnings *warnings, adse__v04_info *info, adse_err *err);

static adse_status wrap_targets(adse__ydoc *doc, const adse__ynode *at, const adse__ynode *list,
                                adse__ynode **out, adse_err *err)
{
    adse__ynode *m = adse__ynew_map(doc, at);
    if (!m || !adse__ymap_set(doc, m, "version", at, adse__ynew_scalar(doc, at, "0.4", false)) ||
        !adse__ymap_set(doc, m, "targets", at, list))
        return adse__ydoc_build_status(doc, at, err);
    *out = m;
    return ADSE_OK;
}

/* The variables evaluated in order, each seeing the earlier ones (timeloopfe's Variables),
 * into *out (a new mapping) and the scope. */
static adse_status eval_variables(adse__ydoc *doc, const adse__ynode *vars, adse__v04_scope *s,
                                  const adse__ynode **out, adse_err *err)
{
    adse__ynode *m = adse__ynew_map(doc, vars);
    if (!m) return adse__ydoc_build_status(doc, vars, err);
    for (int i = 0; i < vars->n; i++) {
        const adse__ypair *p = &vars->pairs[i];
        char what[ADSE_NAME_MAX + 16];
        snprintf(what, sizeof what, "variable '%.*s'", ADSE_NAME_MAX - 1, p->key->text);
        adse_status st = adse__v04_eval_pair(doc, s, m, p, what, err);
        if (st) return st;
    }
    *out = m;
    return ADSE_OK;
}

/* The problem's instance values that are expressions, evaluated over the variables (the
 * layer shapes of the exercises may compute a bound); the problem is replaced by a copy
 * when one changes. */
static adse_status eval_instance(adse__ydoc *doc, adse__v04_scope *s, adse_err *err)
{
    const adse__ypair *prob = adse__ydoc_top_pair(doc, "problem");
    const adse__ynode *inst = adse__ymap_get(prob ? prob->value : NULL, "instance");
    if (!adse__ynode_is_map(inst)) return ADSE_OK;
    adse__ynode *m = NULL;
    for (int i = 0; i < inst->n; i++) {
        const adse__ypair *p = &inst->pairs[i];
        if (!adse__ynode_is_scalar(p->value)) continue;
        char what[ADSE_NAME_MAX + 32];
        snprintf(what, sizeof what, "instance value '%.*s'", ADSE_NAME_MAX - 1, p->key->text);
        const adse__ynode *v;
        jval x;
        adse_status st = adse__v04_eval_node(doc, s, p->value, what, &v, &x, err);
        if (st) return st;
        if (v == p->value) continue;
        if (!m) {
            if (!(m = adse__ynew_map(doc, inst))) return adse__ydoc_build_status(doc, inst, err);
            for (int k = 0; k < inst->n; k++)
                if (!adse__ymap_set(doc, m, inst->pairs[k].key->text, inst->pairs[k].key,
                                    inst->pairs[k].value))
                    return adse__ydoc_build_status(doc, inst, err);
        }
        if (!adse__ymap_set(doc, m, p->key->text, p->key, v))
            return adse__ydoc_build_status(doc, inst, err);
    }
    if (!m) return ADSE_OK;
    adse__ynode *np = adse__ynew_map(doc, prob->value);
    if (!np) return adse__ydoc_build_status(doc, inst, err);
    for (int k = 0; k < prob->value->n; k++) {
        const adse__ypair *p = &prob->value->pairs[k];
        if (!adse__ymap_set(doc, np, p->key->text, p->key,
                            adse__ykey_eq(p->key->text, "instance") ? m : p->value))
            return adse__ydoc_build_status(doc, inst, err);
    }
    if (!adse__ydoc_set_top(doc, "problem", prob->key, np))
        return adse__ydoc_build_status(doc, inst, err);
    return ADSE_OK;
}

adse_status adse__v04_translate(adse__ydoc *doc, adse__warnings *warnings, adse__v04_info *info,
                                adse_err *err)
{
    memset(info, 0, sizeof *info);
    const adse__ypair *top = adse__arch_top_pair(doc);
    if (!top || !adse__ynode_is_map(top->value) || !adse__ymap_pair(top->value, "nodes"))
        return ADSE_OK;
    adse__v04_scope scope = {.doc = doc};
    adse_status st = translate(doc, top, &scope, warnings, info, err);
    adse__v04_scope_free(&scope);
    return st;
}

static adse_status translate(adse__ydoc *doc, const adse__ypair *top, adse__v04_scope *scope,
                             adse__warnings *warnings, adse__v04_info *info, adse_err *err)
{
    adse_status st;
    const adse__ynode *variables = adse__ydoc_top(doc, "variables");
    if (variables && !adse__ynode_is_null(variables)) {
        if ((st = adse__yexpect(variables, ADSE__YMAP, "variables", err))) return st;
        if ((st = eval_variables(doc, variables, scope, &variables, err))) return st;
        scope->n_vars = scope->n;
    } else {
        variables = NULL;
    }
    if ((st = eval_instance(doc, scope, err))) return st;
    adse__v04_problem prob;
    read_problem(doc, &prob);
    adse__ynode *arch, *targets, *sparse;
    st = adse__v04_arch(doc, top, variables, scope, &prob, warnings, info, &arch, &targets, &sparse,
                        err);
    if (st) return st;
    const adse__ynode *at = top->key;
    char key[32];
    snprintf(key, sizeof key, "%s", top->key->text);
    if (targets->n) {
        adse__ynode *wrapped = NULL;
        if ((st = wrap_targets(doc, at, targets, &wrapped, err))) return st;
        /* Where timeloopfe writes them, unless the files use that key already. */
        bool taken = adse__ydoc_top_pair(doc, "architecture_constraints") != NULL;
        if (!(taken ? adse__ymap_set(doc, arch, "constraints", at, wrapped)
                    : adse__ydoc_set_top(doc, "architecture_constraints", at, wrapped)))
            return adse__ydoc_build_status(doc, at, err);
    }
    if (!adse__ydoc_set_top(doc, key, at, arch)) return adse__ydoc_build_status(doc, at, err);
    if (sparse && !adse__ydoc_top_pair(doc, "sparse_optimizations")) {
        adse__ynode *wrapped = NULL;
        if ((st = wrap_targets(doc, at, sparse, &wrapped, err))) return st;
        if (!adse__ydoc_set_top(doc, "sparse_optimizations", at, wrapped))
            return adse__ydoc_build_status(doc, at, err);
    }
    /* The variables are the root's attributes now; compound components keep timeloopfe's
     * processed name. */
    if (variables) adse__ydoc_del_top(doc, "variables");
    const adse__ypair *comps = adse__ydoc_top_pair(doc, "components");
    if (comps && !adse__ydoc_top_pair(doc, "compound_components")) {
        if (!adse__ydoc_set_top(doc, "compound_components", comps->key, comps->value))
            return adse__ydoc_build_status(doc, comps->key, err);
        adse__ydoc_del_top(doc, "components");
    }
    return ADSE_OK;
}
