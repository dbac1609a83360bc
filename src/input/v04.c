/* timeloopfe's v0.4 specification -> the classic document (see v04.h): the driver. */
#include "input/v04.h"

#include <stdio.h>
#include <string.h>

#include "input/internal.h"

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
    }
    p->n_dims = dims->n;
    p->n_ds = dss->n;
    p->known = true;
}

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

adse_status adse__v04_translate(adse__ydoc *doc, adse__warnings *warnings, adse_err *err)
{
    const adse__ypair *top = adse__arch_top_pair(doc);
    if (!top || !adse__ynode_is_map(top->value) || !adse__ymap_pair(top->value, "nodes"))
        return ADSE_OK;
    adse__v04_problem prob;
    read_problem(doc, &prob);
    const adse__ynode *variables = adse__ydoc_top(doc, "variables");
    if (variables && !adse__ynode_is_null(variables)) {
        adse_status st = adse__yexpect(variables, ADSE__YMAP, "variables", err);
        if (st) return st;
    } else {
        variables = NULL;
    }
    adse__ynode *arch, *targets, *sparse;
    adse_status st =
        adse__v04_arch(doc, top, variables, &prob, warnings, &arch, &targets, &sparse, err);
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
