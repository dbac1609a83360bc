/* The YAML writers of the loader's document tree (input/tree.h), so they live in the input
 * layer with the loader: adse_spec_write_yaml (adse/spec.h) writes the document as read
 * (after the v0.4 translation), and the architecture writer (adse_spec_write_arch_yaml,
 * adse/search_spec.h) re-emits a baseline's tree with a design's geometry; one emitter. */
#include "adse/search_spec.h"
#include "adse/spec.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "input/internal.h"
#include "input/tree.h"
#include "util/numtext.h"

/* ---- writing an architecture --------------------------------------------------------- */

typedef struct emitter {
    FILE *f;
    const adse_arch *base;
    const adse_arch *design;
    adse_err *err;
    adse_status st;
    uint64_t multiplier; /* instances of the enclosing subtree nodes */
    uint64_t scale_num;  /* a renamed enclosing subtree range multiplies the instances of */
    uint64_t scale_den;  /* its components by scale_num / scale_den (1 / 1: none) */
} emitter;

static void ind(emitter *e, int n)
{
    for (int i = 0; i < n; i++)
        fputc(' ', e->f);
}

/* A plain scalar that reads back as the same string (conservative). */
static bool safe_plain(const char *t)
{
    if (!t[0]) return false;
    if (strchr("-?:,[]{}#&*!|>'\"%@` ", t[0])) {
        /* a leading '-' or '.' of a number is fine */
        if (!(t[0] == '-' && (isdigit((unsigned char)t[1]) || t[1] == '.'))) return false;
    }
    size_t n = strlen(t);
    if (t[n - 1] == ' ' || t[n - 1] == ':') return false;
    for (const char *c = t; *c; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f) return false;
        if (c[0] == ':' && c[1] == ' ') return false;
        if (c[0] == ' ' && c[1] == '#') return false;
    }
    return true;
}

static void emit_scalar(emitter *e, const adse__ynode *n)
{
    if (n->plain && n->len == 0) {
        fputs("null", e->f);
        return;
    }
    if (n->plain && safe_plain(n->text)) {
        fputs(n->text, e->f);
        return;
    }
    fputc('"', e->f);
    for (const unsigned char *c = (const unsigned char *)n->text; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(e->f, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", e->f);
        else if (*c == '\t')
            fputs("\\t", e->f);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(e->f, "\\x%02x", *c);
        else
            fputc(*c, e->f);
    }
    fputc('"', e->f);
}

typedef enum emit_ctx { CTX_GENERIC, CTX_TREE, CTX_COMPONENT } emit_ctx;

static void emit_node(emitter *e, const adse__ynode *n, int indent, emit_ctx ctx);

/* After "key:" -- the value inline or on the next lines. */
static void emit_value(emitter *e, const adse__ynode *v, int indent, emit_ctx ctx)
{
    if (v->kind == ADSE__YSCALAR) {
        fputc(' ', e->f);
        emit_scalar(e, v);
        fputc('\n', e->f);
    } else if (v->n == 0) {
        fputs(v->kind == ADSE__YMAP ? " {}\n" : " []\n", e->f);
    } else {
        fputc('\n', e->f);
        emit_node(e, v, indent + 2, ctx);
    }
}

/* Overrides of one component's attributes. */
typedef struct comp_override {
    int n;
    const char *const *aliases[16]; /* matching existing keys */
    char key[16][32];               /* key to add when absent */
    char value[16][48];
    bool used[16];
    bool drop[16]; /* existing keys it matches are left out */
    bool rename;   /* rewrite the [a..b] range */
    char name[ADSE_NAME_MAX + 48];
} comp_override;

/* v as the shortest text that reads back as v (integers as digits) */
static void ov_add(comp_override *o, const char *const *aliases, const char *key, double v)
{
    if (o->n == 16) return;
    o->aliases[o->n] = aliases;
    snprintf(o->key[o->n], sizeof o->key[o->n], "%s", key);
    adse__num_format(o->value[o->n], sizeof o->value[o->n], v, ADSE__NUM_INTEGER);
    o->n++;
}

static int ov_find(const comp_override *o, const char *key)
{
    for (int i = 0; i < o->n; i++)
        for (const char *const *a = o->aliases[i]; *a; a++)
            if (adse__ykey_eq(key, *a)) return i;
    return -1;
}

/* Splits "name[a..b]" (b - a + 1 instances); false without a range. */
static bool name_range(const char *t, size_t *base_len, uint64_t *first, uint64_t *count)
{
    const char *open = strchr(t, '[');
    if (!open) return false;
    unsigned long long a, b;
    char close;
    if (sscanf(open, "[%llu..%llu%c", &a, &b, &close) != 3 || close != ']' || b < a) return false;
    *base_len = (size_t)(open - t);
    *first = a;
    *count = b - a + 1;
    return true;
}

/* The overrides of component node cn (NULL when its geometry is unchanged). */
static bool component_overrides(emitter *e, const adse__ynode *cn, comp_override *o)
{
    const adse__arch_aliases A = adse__arch_alias;
    memset(o, 0, sizeof *o);
    const char *name = adse__ynode_text(adse__ymap_get(cn, "name"));
    if (!name) return false;
    size_t blen = strcspn(name, "[");
    const adse_arch *B = e->base, *D = e->design;
    uint32_t inst_b, inst_d, mx_b, mx_d, my_b, my_d;
    const adse_buffer *bb = NULL, *bd = NULL;
    bool arith = strlen(B->arith.name) == blen && strncmp(B->arith.name, name, blen) == 0;
    if (arith) {
        inst_b = B->arith.instances, inst_d = D->arith.instances;
        mx_b = B->arith.mesh_x, mx_d = D->arith.mesh_x;
        my_b = B->arith.mesh_y, my_d = D->arith.mesh_y;
        if (B->arith.word_bits != D->arith.word_bits)
            ov_add(o, A.word_bits, "datawidth", D->arith.word_bits);
    } else {
        int lvl = -1;
        for (int i = 0; i < B->n_levels; i++)
            if (strlen(B->levels[i].name) == blen && strncmp(B->levels[i].name, name, blen) == 0)
                lvl = i;
        if (lvl < 0) return false;
        bb = &B->levels[lvl];
        bd = &D->levels[lvl];
        inst_b = bb->instances, inst_d = bd->instances;
        mx_b = bb->mesh_x, mx_d = bd->mesh_x;
        my_b = bb->mesh_y, my_d = bd->mesh_y;
        if (bd->size_given == ADSE_SIZE_DEPTH && bb->size_given != ADSE_SIZE_DEPTH) {
            /* a depth gene on a level sized by entries or sizeKB: depth becomes its size */
            ov_add(o, A.depth, "depth", (double)bd->depth);
            ov_add(o, A.entries, "", 0);
            o->drop[o->n - 1] = true;
            ov_add(o, A.size_kb, "", 0);
            o->drop[o->n - 1] = true;
        } else if (bb->depth != bd->depth) {
            ov_add(o, A.depth, "depth", (double)bd->depth);
        }
        if (bb->width_bits != bd->width_bits) ov_add(o, A.width, "width", (double)bd->width_bits);
        if (bb->word_bits != bd->word_bits)
            ov_add(o, A.word_bits, "word-bits", (double)bd->word_bits);
        if (bb->block_size != bd->block_size)
            ov_add(o, A.block_size, "block-size", (double)bd->block_size);
        if (bb->cluster_size != bd->cluster_size)
            ov_add(o, A.cluster_size, "cluster-size", (double)bd->cluster_size);
        if (bb->read_bw != bd->read_bw) ov_add(o, A.read_bw, "read_bandwidth", bd->read_bw);
        if (bb->write_bw != bd->write_bw) ov_add(o, A.write_bw, "write_bandwidth", bd->write_bw);
    }
    if (mx_b != mx_d || my_b != my_d) {
        ov_add(o, A.mesh_x, "meshX", mx_d);
        /* an existing meshY is rewritten; none is added (meshX and instances imply it) */
        o->aliases[o->n] = A.mesh_y;
        o->key[o->n][0] = 0;
        snprintf(o->value[o->n], sizeof o->value[o->n], "%u", (unsigned)my_d);
        o->n++;
    }
    /* instances an enclosing renamed subtree already gives this component */
    if ((uint64_t)inst_b * e->scale_num % e->scale_den == 0)
        inst_b = (uint32_t)((uint64_t)inst_b * e->scale_num / e->scale_den);
    if (inst_b != inst_d) {
        size_t base_len;
        uint64_t first, count;
        const adse__ypair *ip = NULL;
        const adse__ynode *attrs = adse__ymap_get(cn, "attributes");
        if (adse__ynode_is_map(attrs)) ip = adse__ymap_pair(attrs, "instances");
        if (ip) {
            ov_add(o, A.instances, "instances", inst_d);
        } else if (name_range(name, &base_len, &first, &count) &&
                   (uint64_t)inst_d * count % inst_b == 0) {
            uint64_t c = (uint64_t)inst_d * count / inst_b;
            o->rename = true;
            snprintf(o->name, sizeof o->name, "%.*s[%llu..%llu]", (int)base_len, name,
                     (unsigned long long)first, (unsigned long long)(first + c - 1));
        } else {
            e->st = adse_err_set(e->err, ADSE_E_USAGE, NULL, 0, 0,
                                 "cannot write %" PRIu32 " instances of '%.*s': its name has no "
                                 "[a..b] range and it has no 'instances' attribute",
                                 inst_d, (int)blen, name);
        }
    }
    return o->n > 0 || o->rename;
}

static void emit_attrs(emitter *e, const adse__ynode *attrs, int indent, comp_override *o)
{
    if (attrs) {
        for (int i = 0; i < attrs->n; i++) {
            const adse__ypair *p = &attrs->pairs[i];
            int k = ov_find(o, p->key->text);
            if (k >= 0 && o->drop[k]) continue;
            ind(e, indent);
            emit_scalar(e, p->key);
            fputc(':', e->f);
            /* every alias present gets the value: whichever one the loader reads */
            if (k >= 0) {
                o->used[k] = true;
                fprintf(e->f, " %s\n", o->value[k]);
            } else {
                emit_value(e, p->value, indent, CTX_GENERIC);
            }
        }
    }
    for (int k = 0; k < o->n; k++) {
        if (o->used[k] || !o->key[k][0]) continue;
        ind(e, indent);
        fprintf(e->f, "%s: %s\n", o->key[k], o->value[k]);
    }
}

static void emit_component(emitter *e, const adse__ynode *cn, int indent, bool first_inline)
{
    comp_override o;
    bool changed = component_overrides(e, cn, &o);
    bool has_attrs = adse__ymap_get(cn, "attributes") != NULL;
    for (int i = 0; i < cn->n; i++) {
        const adse__ypair *p = &cn->pairs[i];
        if (!(i == 0 && first_inline)) ind(e, indent);
        emit_scalar(e, p->key);
        fputc(':', e->f);
        if (changed && o.rename && adse__ykey_eq(p->key->text, "name")) {
            fprintf(e->f, " %s\n", o.name);
        } else if (changed && adse__ykey_eq(p->key->text, "attributes") &&
                   (adse__ynode_is_map(p->value) || adse__ynode_is_null(p->value))) {
            fputc('\n', e->f);
            emit_attrs(e, adse__ynode_is_map(p->value) ? p->value : NULL, indent + 2, &o);
        } else {
            emit_value(e, p->value, indent, CTX_GENERIC);
        }
    }
    if (changed && !has_attrs) {
        bool any = false;
        for (int k = 0; k < o.n; k++)
            any |= o.key[k][0] != 0;
        if (any) {
            ind(e, indent);
            fputs("attributes:\n", e->f);
            emit_attrs(e, NULL, indent + 2, &o);
        }
    }
}

/* The instances of level or arithmetic component `name` (up to '[') in a and b; false when
 * it is neither. */
static bool instances_of(const emitter *e, const char *name, uint32_t *b, uint32_t *d)
{
    size_t blen = strcspn(name, "[");
    if (strlen(e->base->arith.name) == blen && strncmp(e->base->arith.name, name, blen) == 0) {
        *b = e->base->arith.instances, *d = e->design->arith.instances;
        return true;
    }
    for (int i = 0; i < e->base->n_levels; i++)
        if (strlen(e->base->levels[i].name) == blen &&
            strncmp(e->base->levels[i].name, name, blen) == 0) {
            *b = e->base->levels[i].instances, *d = e->design->levels[i].instances;
            return true;
        }
    return false;
}

/* A subtree node named "X[a..b]" whose local components all change their instance count
 * by one ratio (a PE container under a mesh gene with another PE count) is renamed to the
 * new count, into out; false when it keeps its name. Components with their own range or
 * `instances` attribute are left to component_overrides. */
static bool subtree_rename(emitter *e, const adse__ynode *n, char *out, size_t size)
{
    const char *name = adse__ynode_text(adse__ymap_get(n, "name"));
    const adse__ynode *local = adse__ymap_get(n, "local");
    size_t base_len;
    uint64_t first, count;
    if (!name || !adse__ynode_is_seq(local) || !name_range(name, &base_len, &first, &count))
        return false;
    uint64_t num = 0, den = 0;
    for (int i = 0; i < local->n; i++) {
        const adse__ynode *c = local->items[i];
        const char *cname = adse__ynode_text(adse__ymap_get(c, "name"));
        const adse__ynode *attrs = adse__ymap_get(c, "attributes");
        uint32_t ib, id;
        if (!cname || strchr(cname, '[') ||
            (adse__ynode_is_map(attrs) && adse__ymap_pair(attrs, "instances")) ||
            !instances_of(e, cname, &ib, &id) || ib == id)
            continue;
        if (den && (uint64_t)id * den != (uint64_t)ib * num) return false; /* two ratios */
        num = id, den = ib;
    }
    if (!den || count * num % den) return false;
    uint64_t c = count * num / den;
    snprintf(out, size, "%.*s[%llu..%llu]", (int)base_len, name, (unsigned long long)first,
             (unsigned long long)(first + c - 1));
    e->scale_num *= num;
    e->scale_den *= den;
    return true;
}

static void emit_map(emitter *e, const adse__ynode *n, int indent, emit_ctx ctx, bool first_inline)
{
    if (ctx == CTX_COMPONENT) {
        emit_component(e, n, indent, first_inline);
        return;
    }
    uint64_t num = e->scale_num, den = e->scale_den;
    char renamed[ADSE_NAME_MAX + 48];
    bool rename = ctx == CTX_TREE && subtree_rename(e, n, renamed, sizeof renamed);
    for (int i = 0; i < n->n; i++) {
        const adse__ypair *p = &n->pairs[i];
        if (!(i == 0 && first_inline)) ind(e, indent);
        emit_scalar(e, p->key);
        fputc(':', e->f);
        if (rename && adse__ykey_eq(p->key->text, "name")) {
            fprintf(e->f, " %s\n", renamed);
            continue;
        }
        emit_ctx sub = CTX_GENERIC;
        if (ctx == CTX_TREE && adse__ykey_eq(p->key->text, "subtree")) sub = CTX_TREE;
        if (ctx == CTX_TREE && adse__ykey_eq(p->key->text, "local")) sub = CTX_COMPONENT;
        emit_value(e, p->value, indent, sub);
    }
    e->scale_num = num, e->scale_den = den;
}

static void emit_node(emitter *e, const adse__ynode *n, int indent, emit_ctx ctx)
{
    if (n->kind == ADSE__YSCALAR) {
        ind(e, indent);
        emit_scalar(e, n);
        fputc('\n', e->f);
    } else if (n->kind == ADSE__YMAP) {
        emit_map(e, n, indent, ctx, false);
    } else {
        for (int i = 0; i < n->n; i++) {
            const adse__ynode *it = n->items[i];
            ind(e, indent);
            fputs("-", e->f);
            if (it->kind == ADSE__YMAP && it->n > 0) {
                fputc(' ', e->f);
                emit_map(e, it, indent + 2, ctx, true);
            } else if (it->kind == ADSE__YSCALAR) {
                fputc(' ', e->f);
                emit_scalar(e, it);
                fputc('\n', e->f);
            } else if (it->n == 0) {
                fputs(it->kind == ADSE__YMAP ? " {}\n" : " []\n", e->f);
            } else {
                fputc('\n', e->f);
                emit_node(e, it, indent + 2, ctx);
            }
        }
    }
}

adse_status adse_spec_write_arch_yaml(FILE *f, const adse_spec *spec, const adse_arch *design,
                                      adse_err *err)
{
    adse_err_clear(err);
    if (!f || !spec || !design || !spec->has_arch)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_spec_write_arch_yaml: NULL argument or no architecture");
    const adse_arch *B = &spec->arch;
    if (B->n_levels != design->n_levels || strcmp(B->arith.name, design->arith.name) != 0)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_spec_write_arch_yaml: the design's levels are not the spec's");
    for (int i = 0; i < B->n_levels; i++)
        if (strcmp(B->levels[i].name, design->levels[i].name) != 0)
            return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                                "adse_spec_write_arch_yaml: level %d is '%s', not '%s'", i,
                                design->levels[i].name, B->levels[i].name);
    const adse__ypair *rp = adse__arch_top_pair(adse__spec_doc(spec));
    const adse__ynode *root = rp ? rp->value : NULL;
    if (!root || !adse__ynode_is_map(root))
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_spec_write_arch_yaml: no architecture tree");
    emitter e = {.f = f,
                 .base = B,
                 .design = design,
                 .err = err,
                 .st = ADSE_OK,
                 .multiplier = 1,
                 .scale_num = 1,
                 .scale_den = 1};
    fputs("architecture:\n", f);
    emit_map(&e, root, 2, CTX_TREE, false);
    if (e.st) return e.st;
    if (ferror(f)) return adse_err_set(err, ADSE_E_IO, NULL, 0, 0, "write failed");
    return ADSE_OK;
}

adse_status adse_spec_write_yaml(FILE *f, const adse_spec *spec, const char *const *keys,
                                 int *n_written, adse_err *err)
{
    adse_err_clear(err);
    if (n_written) *n_written = 0;
    const adse__ydoc *doc = adse__spec_doc(spec);
    if (!f || !doc)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_spec_write_yaml: NULL stream or spec");
    emitter e = {.f = f, .err = err, .st = ADSE_OK, .multiplier = 1};
    for (int i = 0; i < adse__ydoc_top_count(doc); i++) {
        const adse__ypair *p = adse__ydoc_top_at(doc, i);
        bool want = !keys;
        for (const char *const *k = keys; k && *k && !want; k++)
            want = adse__ykey_eq(p->key->text, *k);
        if (!want) continue;
        if (n_written) (*n_written)++;
        emit_scalar(&e, p->key);
        fputc(':', f);
        emit_value(&e, p->value, 0, CTX_GENERIC);
    }
    if (ferror(f)) return adse_err_set(err, ADSE_E_IO, NULL, 0, 0, "write failed");
    return ADSE_OK;
}
