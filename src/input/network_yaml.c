/*
 * input/network_yaml.c: a network file (network.yaml, as `adse import -o` writes it) ->
 * adse_network, and adse_network_load(), which reads either kind of network file.
 *
 * The format (docs/networks.md, "Network files"): a top-level `network` mapping with an
 * optional `name` and `source`, a list `layers` of {name, op, problem, count, macs} where
 * problem is a problem file (relative to the network file's directory) or an inline
 * problem, an optional `total_macs` and an optional `not_modeled` {op: count}. Layers are
 * kept as listed (never merged); names must be unique; `macs` and `total_macs`, when given,
 * must equal what the problems give. Every error names the file, line and column and the
 * field.
 */
#include "adse/network.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/internal.h"

#define NETWORK_PATH_MAX 4096

static const char *const top_keys[] = {"network", NULL};
static const char *const network_keys[] = {"name",       "source",      "layers",
                                           "total_macs", "not_modeled", NULL};
static const char *const layer_keys[] = {"name", "op", "problem", "count", "macs", NULL};
static const char *const problem_file_keys[] = {"problem", NULL};

/* A positive count (or MACs) at n; what names the field in the message. */
static adse_status get_count(const adse__ynode *n, const char *what, const char *layer,
                             uint64_t *out, adse_err *err)
{
    if (!adse__yscalar_u64(n, out) || *out == 0)
        return adse__yerr(err, ADSE_E_SPEC, n, "'%s' of layer '%s' must be a positive integer",
                          what, layer);
    return ADSE_OK;
}

/* The problem of a problem file named at node n (relative to base_dir). */
static adse_status load_problem_file(const char *base_dir, const adse__ynode *n, const char *layer,
                                     adse_problem *p, adse_err *err)
{
    char path[NETWORK_PATH_MAX];
    int len = adse__path_join(path, sizeof path, base_dir, n->text);
    if (len < 0 || (size_t)len >= sizeof path)
        return adse__yerr(err, ADSE_E_SPEC, n, "path of 'problem' of layer '%s' is too long",
                          layer);
    char *text = NULL;
    size_t size = 0;
    adse_err e2;
    adse_err_clear(&e2);
    adse_status st = adse__read_file(path, &text, &size, &e2);
    if (st) return adse__yerr(err, st, n, "'problem' of layer '%s': %s: %s", layer, path, e2.msg);
    adse__ydoc *doc = NULL;
    st = adse__ydoc_new(&doc, err);
    if (!st) st = adse__ydoc_add(doc, text, size, path, err);
    free(text);
    for (int i = 0; !st && i < adse__ydoc_top_count(doc); i++) {
        const adse__ynode *k = adse__ydoc_top_at(doc, i)->key;
        bool known = false;
        for (const char *const *w = problem_file_keys; *w; w++)
            known = known || adse__ykey_eq(k->text, *w);
        if (!known)
            st = adse__yerr(err, ADSE_E_SPEC, k,
                            "unknown top-level key '%s' in a layer's problem file (it holds "
                            "only 'problem')",
                            k->text);
    }
    const adse__ypair *top = st ? NULL : adse__ydoc_top_pair(doc, "problem");
    if (!st && !top)
        st = adse__yerr(err, ADSE_E_SPEC, n, "problem file '%s' of layer '%s' has no 'problem'",
                        path, layer);
    if (!st) st = adse__problem_from_yaml(top, p, NULL, err);
    adse__ydoc_free(doc);
    return st;
}

static adse_status parse_layer(const adse__ynode *item, const char *base_dir, adse_network *net,
                               adse_err *err)
{
    adse_status st;
    if ((st = adse__yexpect(item, ADSE__YMAP, "layers[]", err))) return st;
    if ((st = adse__ycheck_keys(item, layer_keys, "a layer of the network", err))) return st;
    const adse__ypair *np = adse__ymap_pair(item, "name");
    if (!np) return adse__yerr(err, ADSE_E_SPEC, item, "layer of the network has no 'name'");
    char name[ADSE_NAME_MAX], op[ADSE_OP_NAME_MAX] = "";
    if ((st = adse__copy_name(np->value, name, "name", err))) return st;
    for (int i = 0; i < net->n_layers; i++)
        if (strcmp(net->layers[i].name, name) == 0)
            return adse__yerr(err, ADSE_E_SPEC, np->value, "duplicate layer name '%s'", name);
    const adse__ynode *opn = adse__ymap_get(item, "op");
    if (opn) {
        if (!adse__ynode_is_scalar(opn) || adse__ynode_is_null(opn) || opn->len >= ADSE_OP_NAME_MAX)
            return adse__yerr(err, ADSE_E_SPEC, opn,
                              "'op' of layer '%s' must be a name of at most %d characters", name,
                              ADSE_OP_NAME_MAX - 1);
        memcpy(op, opn->text, opn->len + 1);
    }
    const adse__ypair *cp = adse__ymap_pair(item, "count");
    if (!cp) return adse__yerr(err, ADSE_E_SPEC, np->key, "layer '%s' has no 'count'", name);
    uint64_t count = 0;
    if ((st = get_count(cp->value, "count", name, &count, err))) return st;
    const adse__ypair *pp = adse__ymap_pair(item, "problem");
    if (!pp) return adse__yerr(err, ADSE_E_SPEC, np->key, "layer '%s' has no 'problem'", name);
    adse_problem problem;
    if (adse__ynode_is_scalar(pp->value) && !adse__ynode_is_null(pp->value))
        st = load_problem_file(base_dir, pp->value, name, &problem, err);
    else if (adse__ynode_is_map(pp->value))
        st = adse__problem_from_yaml(pp, &problem, NULL, err);
    else
        st = adse__yerr(err, ADSE_E_SPEC, adse__ynode_is_null(pp->value) ? pp->key : pp->value,
                        "'problem' of layer '%s' must be a file name or a problem, got %s", name,
                        adse__ynode_kind_name(pp->value));
    if (st) return st;
    const adse__ynode *mn = adse__ymap_get(item, "macs");
    if (mn) {
        uint64_t macs = 0;
        if ((st = get_count(mn, "macs", name, &macs, err))) return st;
        if (macs != adse_problem_macs(&problem))
            return adse__yerr(
                err, ADSE_E_SPEC, mn, "'macs' of layer '%s' is %llu but its problem has %llu MACs",
                name, (unsigned long long)macs, (unsigned long long)adse_problem_macs(&problem));
    }
    return adse_network_append_layer(net, name, op, &problem, count, err);
}

static adse_status parse_not_modeled(const adse__ynode *n, adse_network *net, adse_err *err)
{
    adse_status st;
    if (adse__ynode_is_null(n)) return ADSE_OK;
    if ((st = adse__yexpect(n, ADSE__YMAP, "not_modeled", err))) return st;
    for (int i = 0; i < n->n; i++) {
        const adse__ypair *p = &n->pairs[i];
        uint64_t c = 0;
        if (p->key->len >= ADSE_OP_NAME_MAX)
            return adse__yerr(err, ADSE_E_SPEC, p->key,
                              "op '%.40s' in 'not_modeled' is longer than %d characters",
                              p->key->text, ADSE_OP_NAME_MAX - 1);
        if (!adse__yscalar_u64(p->value, &c) || c == 0)
            return adse__yerr(err, ADSE_E_SPEC, p->value,
                              "count of '%s' in 'not_modeled' must be a positive integer",
                              p->key->text);
        for (uint64_t k = 0; k < c; k++)
            if ((st = adse_network_add_skipped(net, p->key->text, err))) return st;
    }
    return ADSE_OK;
}

static adse_status convert(const adse__ydoc *doc, const char *name, const char *base_dir,
                           adse_network *net, adse_err *err)
{
    adse_status st;
    for (int i = 0; i < adse__ydoc_top_count(doc); i++) {
        const adse__ynode *k = adse__ydoc_top_at(doc, i)->key;
        if (!adse__ykey_eq(k->text, top_keys[0]))
            return adse__yerr(err, ADSE_E_SPEC, k,
                              "unknown top-level key '%s' in a network file (it holds only "
                              "'network')",
                              k->text);
    }
    const adse__ypair *top = adse__ydoc_top_pair(doc, "network");
    if (!top)
        return adse_err_set(err, ADSE_E_SPEC, name, 0, 0,
                            "no top-level 'network' (a network file lists its layers there)");
    const adse__ynode *m = top->value;
    if (!adse__ynode_is_map(m))
        return adse__yerr(err, ADSE_E_SPEC, adse__ynode_is_null(m) ? top->key : m,
                          "'network' must be a mapping, got %s", adse__ynode_kind_name(m));
    if ((st = adse__ycheck_keys(m, network_keys, "the network", err))) return st;
    const adse__ynode *nn = adse__ymap_get(m, "name");
    if (nn && (st = adse__copy_name(nn, net->name, "name", err))) return st;
    const adse__ynode *src = adse__ymap_get(m, "source");
    if (src && !adse__ynode_is_scalar(src))
        return adse__yerr(err, ADSE_E_SPEC, src, "'source' must be a scalar, got %s",
                          adse__ynode_kind_name(src));
    const adse__ypair *lp = adse__ymap_pair(m, "layers");
    if (!lp) return adse__yerr(err, ADSE_E_SPEC, top->key, "the network has no 'layers'");
    if (!adse__ynode_is_seq(lp->value) || lp->value->n == 0)
        return adse__yerr(err, ADSE_E_SPEC, adse__ynode_is_null(lp->value) ? lp->key : lp->value,
                          "'layers' must be a non-empty list");
    for (int i = 0; i < lp->value->n; i++)
        if ((st = parse_layer(lp->value->items[i], base_dir, net, err))) return st;
    const adse__ynode *tm = adse__ymap_get(m, "total_macs");
    if (tm) {
        uint64_t given = 0, total = 0;
        if (!adse__yscalar_u64(tm, &given))
            return adse__yerr(err, ADSE_E_SPEC, tm, "'total_macs' must be a non-negative integer");
        if (!adse_network_total_macs(net, &total) || total != given)
            return adse__yerr(err, ADSE_E_SPEC, tm,
                              "'total_macs' is %llu but the layers' count x MACs add up to %llu",
                              (unsigned long long)given, (unsigned long long)total);
    }
    const adse__ynode *nm = adse__ymap_get(m, "not_modeled");
    if (nm && (st = parse_not_modeled(nm, net, err))) return st;
    return ADSE_OK;
}

static adse_status load_text(const char *text, size_t len, const char *name, const char *base_dir,
                             adse_network **out, adse_err *err)
{
    char nb[ADSE_NAME_MAX];
    adse__path_stem(name, nb, sizeof nb);
    adse_network *net = adse_network_new(nb);
    if (!net) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    adse__ydoc *doc = NULL;
    adse_status st = adse__ydoc_new(&doc, err);
    if (!st) st = adse__ydoc_add(doc, text, len, name, err);
    if (!st) st = convert(doc, name, base_dir ? base_dir : "", net, err);
    adse__ydoc_free(doc);
    if (st) {
        adse_network_free(net);
        return st;
    }
    *out = net;
    return ADSE_OK;
}

adse_status adse_network_load_yaml_string(const char *text, const char *name, const char *base_dir,
                                          adse_network **out, adse_err *err)
{
    adse_err_clear(err);
    if (!out || !text)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_network_load_yaml_string: NULL");
    *out = NULL;
    return load_text(text, strlen(text), name ? name : "<network>", base_dir, out, err);
}

adse_status adse_network_load_yaml(const char *path, adse_network **out, adse_err *err)
{
    adse_err_clear(err);
    if (!out || !path)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_network_load_yaml: NULL");
    *out = NULL;
    char *buf = NULL;
    size_t n = 0;
    adse_status st = adse__read_file(path, &buf, &n, err);
    if (st) return st;
    char dir[NETWORK_PATH_MAX];
    adse__path_dir(path, dir, sizeof dir); /* "" when too long, as when there is none */
    st = load_text(buf, n, path, dir, out, err);
    free(buf);
    return st;
}

bool adse_network_is_onnx_path(const char *path)
{
    size_t len = path ? strlen(path) : 0;
    return len > 5 && strcmp(path + len - 5, ".onnx") == 0;
}

bool adse_network_is_network_file(const char *path)
{
    if (adse_network_is_onnx_path(path)) return true;
    if (!path) return false;
    char *buf = NULL;
    size_t n = 0;
    adse_err e;
    if (adse__read_file(path, &buf, &n, &e)) return false;
    adse__ydoc *doc = NULL;
    bool is = false;
    if (adse__ydoc_new(&doc, &e) == ADSE_OK && adse__ydoc_add(doc, buf, n, path, &e) == ADSE_OK)
        is = adse__ydoc_top_pair(doc, "network") != NULL;
    adse__ydoc_free(doc);
    free(buf);
    return is;
}

adse_status adse_network_load(const char *path, const adse_onnx_options *opts, adse_network **out,
                              adse_err *err)
{
    return adse_network_is_onnx_path(path) ? adse_network_load_onnx(path, opts, out, err)
                                           : adse_network_load_yaml(path, out, err);
}
