/*
 * input/v04_set.c: changes to the nodes of a v0.4 architecture before its translation
 * (`--set NODE.attributes.KEY=VALUE`, `--set NODE.spatial.meshX=VALUE`; v04.h,
 * docs/v04.md). They are what a timeloopfe user writes in Python between loading a
 * specification and running it (`spec.architecture.find("buffer").attributes["depth"] =
 * 256`, `spec.architecture.find("PE").spatial.meshX = 4`, the 2024 tutorial's design-space
 * sweep): the value replaces (or adds) that key of the node named NODE, and the
 * translation then sees it as if the file held it, so expressions naming it, the
 * maximize_dims allocation over the node's fanout and the pricing all follow.
 *
 * The nodes of the document are shared and immutable (tree.h): the node, its `attributes`
 * or `spatial` mapping, every branch above it and the architecture are copied with the one
 * value replaced, and the copy becomes the document's architecture.
 */
#include <stdio.h>
#include <string.h>

#include "input/internal.h"
#include "input/v04.h"

/* One --set: NODE, the section (attributes or spatial), KEY and VALUE of text. */
typedef struct set_parts {
    char node[ADSE_NAME_MAX];
    const char *section; /* "attributes" or "spatial" */
    char key[ADSE_NAME_MAX];
    const char *value;
} set_parts;

static adse_status parse_set(const char *text, set_parts *out, adse_err *err)
{
    const char *eq = text ? strchr(text, '=') : NULL;
    static const char *const form =
        "expected NODE.attributes.KEY=VALUE or NODE.spatial.meshX=VALUE (meshY)";
    if (!eq)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "--set '%s': no '=': %s",
                            text ? text : "", form);
    if (!eq[1])
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "--set '%s': no value after '='", text);
    /* NODE is what precedes the last two dots of the path (a node name may hold dots) */
    const char *dot2 = NULL, *dot1 = NULL;
    for (const char *p = text; p < eq; p++)
        if (*p == '.') dot1 = dot2, dot2 = p;
    if (!dot1 || dot1 == text || dot2 == dot1 + 1 || dot2 + 1 == eq)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "--set '%s': %s", text, form);
    size_t nlen = (size_t)(dot1 - text), slen = (size_t)(dot2 - dot1 - 1),
           klen = (size_t)(eq - dot2 - 1);
    if (nlen >= sizeof out->node || klen >= sizeof out->key)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "--set '%s': name longer than %d bytes",
                            text, ADSE_NAME_MAX - 1);
    memcpy(out->node, text, nlen);
    out->node[nlen] = 0;
    memcpy(out->key, dot2 + 1, klen);
    out->key[klen] = 0;
    if (slen == 10 && strncmp(dot1 + 1, "attributes", slen) == 0) {
        out->section = "attributes";
    } else if (slen == 7 && strncmp(dot1 + 1, "spatial", slen) == 0) {
        out->section = "spatial";
        if (strcmp(out->key, "meshX") != 0 && strcmp(out->key, "meshY") != 0)
            return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                                "--set '%s': 'spatial' has the keys 'meshX' and 'meshY', not '%s'",
                                text, out->key);
    } else {
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "--set '%s': '%.*s' is not 'attributes' or 'spatial': %s", text,
                            (int)slen, dot1 + 1, form);
    }
    out->value = eq + 1;
    return ADSE_OK;
}

adse_status adse__v04_check_sets(const char *const *sets, int n, adse_err *err)
{
    set_parts sp;
    for (int i = 0; i < n; i++) {
        adse_status st = parse_set(sets[i], &sp, err);
        if (st) return st;
    }
    return ADSE_OK;
}

static bool is_branch(const adse__ynode *n)
{
    const char *t = n->tag ? n->tag : "";
    return strcmp(t, "!Parallel") == 0 || strcmp(t, "!Hierarchical") == 0 ||
           strcmp(t, "!Pipelined") == 0;
}

typedef struct set_ctx {
    adse__ydoc *doc;
    const set_parts *sp;
    const adse__ynode *value; /* the parsed VALUE */
    int found;                /* nodes named sp->node */
    char names[320];          /* the leaves' names, for the message when none matches */
    bool names_cut;           /* names left out of it (then ", ..." in the message) */
    adse_err *err;
} set_ctx;

/* The leaf n (a mapping named sp->node) with sp->section.sp->key set to the value. */
static adse_status set_leaf(set_ctx *c, const adse__ynode *n, const adse__ynode **out)
{
    const adse__ypair *sec = adse__ymap_pair(n, c->sp->section);
    adse__ynode *s;
    if (!sec || adse__ynode_is_null(sec->value)) {
        s = adse__ynew_map(c->doc, n);
    } else if (!adse__ynode_is_map(sec->value)) {
        return adse__yerr(c->err, ADSE_E_SPEC, sec->value,
                          "--set %s.%s.%s: '%s' of node '%s' is %s, not a mapping", c->sp->node,
                          c->sp->section, c->sp->key, c->sp->section, c->sp->node,
                          adse__ynode_kind_name(sec->value));
    } else {
        s = adse__ymap_copy(c->doc, sec->value);
    }
    adse__ynode *copy = s ? adse__ymap_copy(c->doc, n) : NULL;
    if (!copy || !adse__ymap_set(c->doc, s, c->sp->key, c->value, c->value) ||
        !adse__ymap_set(c->doc, copy, c->sp->section, sec ? sec->key : n, s))
        return adse__ydoc_build_status(c->doc, n, c->err);
    *out = copy;
    return ADSE_OK;
}

/* The node list seq with the named leaf changed in *out (seq itself when it is not in it). */
static adse_status set_in(set_ctx *c, const adse__ynode *seq, int depth, const adse__ynode **out)
{
    *out = seq;
    if (!adse__ynode_is_seq(seq) || depth > ADSE_YAML_MAX_DEPTH) return ADSE_OK;
    adse__ynode *copy = NULL;
    for (int i = 0; i < seq->n; i++) {
        const adse__ynode *n = seq->items[i], *changed = n;
        adse_status st = ADSE_OK;
        if (adse__ynode_is_map(n) && is_branch(n)) {
            const adse__ypair *sub = adse__ymap_pair(n, "nodes");
            const adse__ynode *nsub = sub ? sub->value : NULL;
            if (sub && (st = set_in(c, sub->value, depth + 1, &nsub))) return st;
            if (sub && nsub != sub->value) {
                adse__ynode *b = adse__ymap_copy(c->doc, n);
                if (!b || !adse__ymap_set(c->doc, b, "nodes", sub->key, nsub))
                    return adse__ydoc_build_status(c->doc, n, c->err);
                changed = b;
            }
        } else if (adse__ynode_is_map(n)) {
            const char *name = adse__ynode_text(adse__ymap_get(n, "name"));
            size_t used = strlen(c->names);
            if (name && !c->names_cut && used + strlen(name) + 3 < sizeof c->names)
                snprintf(c->names + used, sizeof c->names - used, "%s%s", used ? ", " : "", name);
            else if (name)
                c->names_cut = true; /* the first left out ends the list */
            if (name && strcmp(name, c->sp->node) == 0) {
                if (++c->found > 1)
                    return adse__yerr(c->err, ADSE_E_SPEC, n,
                                      "--set %s.%s.%s: two nodes are named '%s' (timeloopfe "
                                      "requires unique names)",
                                      c->sp->node, c->sp->section, c->sp->key, name);
                if ((st = set_leaf(c, n, &changed))) return st;
            }
        }
        if (changed != n && !copy) {
            if (!(copy = adse__ynew_seq(c->doc, seq)))
                return adse__ydoc_build_status(c->doc, seq, c->err);
            for (int k = 0; k < i; k++)
                if (!adse__yseq_push(c->doc, copy, seq->items[k]))
                    return adse__ydoc_build_status(c->doc, seq, c->err);
        }
        if (copy && !adse__yseq_push(c->doc, copy, changed))
            return adse__ydoc_build_status(c->doc, seq, c->err);
    }
    if (copy) *out = copy;
    return ADSE_OK;
}

static adse_status apply_one(adse__ydoc *doc, const char *text, adse_err *err)
{
    set_parts sp;
    adse_status st = parse_set(text, &sp, err);
    if (st) return st;
    const adse__ypair *top = adse__arch_top_pair(doc);
    const adse__ypair *nodes =
        top && adse__ynode_is_map(top->value) ? adse__ymap_pair(top->value, "nodes") : NULL;
    if (!nodes)
        return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                            "--set '%s': %s (--set changes the nodes of timeloopfe's v0.4 "
                            "architecture)",
                            text,
                            top ? "the architecture has no 'nodes' list"
                                : "the files have no 'architecture'");
    /* the value is read as if written in a file named after the option, so that errors
     * about it point at it */
    char name[ADSE_NAME_MAX * 2 + 32];
    snprintf(name, sizeof name, "--set %s.%s.%s", sp.node, sp.section, sp.key);
    set_ctx c = {.doc = doc, .sp = &sp, .err = err};
    if ((st = adse__ydoc_parse(doc, sp.value, strlen(sp.value), name, NULL, &c.value, err)))
        return st;
    if (!c.value)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "--set '%s': no value after '='", text);
    const adse__ynode *changed;
    if ((st = set_in(&c, nodes->value, 0, &changed))) return st;
    if (!c.found)
        return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                            "--set '%s': no node named '%s' in the architecture (nodes: %s%s)",
                            text, sp.node, c.names, c.names_cut ? ", ..." : "");
    adse__ynode *arch = adse__ymap_copy(doc, top->value);
    if (!arch || !adse__ymap_set(doc, arch, "nodes", nodes->key, changed) ||
        !adse__ydoc_set_top(doc, top->key->text, top->key, arch))
        return adse__ydoc_build_status(doc, top->key, err);
    return ADSE_OK;
}

adse_status adse__v04_apply_sets(adse__ydoc *doc, const char *const *sets, int n, adse_err *err)
{
    for (int i = 0; i < n; i++) {
        adse_status st = apply_one(doc, sets[i], err);
        if (st) return st;
    }
    return ADSE_OK;
}
