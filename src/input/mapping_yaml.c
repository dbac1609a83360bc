/* `mapping:` (model.md §3.1) -> adse_mapping. */
#include "input/internal.h"

#include "input/factors.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { DIR_TEMPORAL, DIR_SPATIAL, DIR_DATATYPE, DIR_KINDS };

static const char *const temporal_keys[] = {"target",           "type",     "factors",
                                            "permutation",      "no_reuse", "no_temporal_reuse",
                                            "rmw_first_update", NULL};
static const char *const spatial_keys[] = {"target", "type",     "factors",          "permutation",
                                           "split",  "no_reuse", "no_link_transfer", NULL};
static const char *const datatype_keys[] = {"target", "type",        "keep",
                                            "bypass", "no_coalesce", NULL};
static const char *const kind_names[] = {"temporal", "spatial", "datatype"};

typedef struct mctx {
    const adse_arch *arch;
    const adse_problem *prob;
    adse_mapping *m;
    adse_err *err;
} mctx;

void adse__level_names(const adse_arch *a, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < a->n_levels && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", a->levels[i].name);
}

void adse__ds_names(const adse_problem *p, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int d = 0; d < p->n_ds && used < size; d++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", d ? ", " : "", p->ds[d].name);
}

adse_status adse__target_level(const adse__ynode *t, const adse_arch *arch, int *level,
                               adse_err *err)
{
    if (!adse__ynode_is_scalar(t) || adse__ynode_is_null(t))
        return adse__yerr(err, ADSE_E_SPEC, t, "'target' must be a scalar, got %s",
                          adse__ynode_kind_name(t));
    uint64_t idx;
    if (adse__yscalar_u64(t, &idx)) {
        if (idx >= arch->n_levels)
            return adse__yerr(err, ADSE_E_SPEC, t,
                              "target %" PRIu64 " is not a storage level (there are %d)", idx,
                              arch->n_levels);
        *level = (int)idx;
        return ADSE_OK;
    }
    *level = adse_arch_level_id(arch, t->text);
    if (*level >= 0) return ADSE_OK;
    if (strcmp(t->text, arch->arith.name) == 0)
        return adse__yerr(err, ADSE_E_SPEC, t,
                          "target '%s' is the arithmetic level, not a storage level", t->text);
    char names[ADSE_ERR_MSG_MAX];
    adse__level_names(arch, names, sizeof names);
    return adse__yerr(err, ADSE_E_SPEC, t, "unknown target '%s' (storage levels: %s)", t->text,
                      names);
}

static adse_status resolve_target(mctx *c, const adse__ynode *dir, int *level)
{
    const adse__ynode *t = adse__ymap_get(dir, "target");
    if (!t) return adse__yerr(c->err, ADSE_E_SPEC, dir, "missing 'target' in mapping directive");
    return adse__target_level(t, c->arch, level, c->err);
}

static adse_status parse_factors(mctx *c, const adse__ynode *n, uint64_t *factors)
{
    if (adse__ynode_is_null(n)) return ADSE_OK;
    if (!adse__ynode_is_scalar(n))
        return adse__yerr(c->err, ADSE_E_SPEC, n, "'factors' must be a string, got %s",
                          adse__ynode_kind_name(n));
    const char *s = n->text;
    bool seen[ADSE_MAX_DIMS] = {false};
    size_t i = 0;
    adse__factor_token t;
    adse__factor_lex lx;
    while ((lx = adse__factor_next(s, &i, false, UINT64_MAX, &t)) != ADSE__FLEX_END) {
        if (lx == ADSE__FLEX_BAD_CHAR) {
            char bad[2] = {s[t.at], 0};
            return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, t.at),
                                 "unexpected '%s' in factors '%s'", bad, s);
        }
        size_t start = t.name_at;
        char name[ADSE_NAME_MAX];
        size_t len = t.name_len < sizeof name - 1 ? t.name_len : sizeof name - 1;
        memcpy(name, s + start, len);
        name[len] = 0;
        int x = len == 1 ? adse_problem_dim_id(c->prob, name[0]) : -1;
        if (x < 0)
            return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, start),
                                 "factor for unknown dimension '%s'%s", name,
                                 len == 1 ? "" : " (dimension names are one letter)");
        if (lx == ADSE__FLEX_NO_NUMBER)
            return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, start),
                                 "missing number after '%s' in factors '%s'", name, s);
        if (lx == ADSE__FLEX_TOO_LARGE)
            return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, start),
                                 "factor of '%s' is too large", name);
        if (t.residual)
            return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, start),
                                 "imperfect factor '%s=..,residual' is not supported%s", name, "");
        if (seen[x])
            return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, start),
                                 "factor of '%s' given twice", name);
        seen[x] = true;
        factors[x] = t.value == 0 ? c->prob->bounds[x] : t.value; /* 0 = the full bound */
    }
    return ADSE_OK;
}

static adse_status parse_permutation(mctx *c, const adse__ynode *n, uint8_t *perm)
{
    if (adse__ynode_is_null(n)) return ADSE_OK;
    if (!adse__ynode_is_scalar(n))
        return adse__yerr(c->err, ADSE_E_SPEC, n, "'permutation' must be a string, got %s",
                          adse__ynode_kind_name(n));
    bool used[ADSE_MAX_DIMS] = {false};
    int k = 0;
    for (size_t i = 0; i < n->len; i++) {
        unsigned char ch = (unsigned char)n->text[i];
        if (isspace(ch)) continue;
        char letter[2] = {(char)ch, 0};
        int x = adse_problem_dim_id(c->prob, (char)ch);
        if (x < 0) {
            char dims[ADSE_MAX_DIMS + 1];
            memcpy(dims, c->prob->dim_names, c->prob->n_dims);
            dims[c->prob->n_dims] = 0;
            return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, i),
                                 "permutation letter '%s' is not a dimension (dimensions: %s)",
                                 letter, dims);
        }
        if (used[x])
            return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, i),
                                 "dimension '%s' appears twice in permutation '%s'", letter,
                                 n->text);
        used[x] = true;
        perm[k++] = (uint8_t)x;
    }
    /* Dimensions not named are appended (outermost) in id order. */
    for (int x = 0; x < c->prob->n_dims; x++)
        if (!used[x]) perm[k++] = (uint8_t)x;
    return ADSE_OK;
}

/* Applies a list of data-space names to bit `level` of masks: set or clear. Also records
 * which data spaces the list named in *named. */
static adse_status apply_ds_list(mctx *c, const adse__ynode *list, const char *what, int level,
                                 uint32_t *masks, bool set, uint32_t *named)
{
    if (adse__ynode_is_null(list)) return ADSE_OK;
    if (!adse__ynode_is_seq(list))
        return adse__yerr(c->err, ADSE_E_SPEC, list, "'%s' must be a list of data spaces, got %s",
                          what, adse__ynode_kind_name(list));
    for (int i = 0; i < list->n; i++) {
        const adse__ynode *n = list->items[i];
        if (!adse__ynode_is_scalar(n) || adse__ynode_is_null(n))
            return adse__yerr(c->err, ADSE_E_SPEC, n,
                              "entry of '%s' must be a data-space name, got %s", what,
                              adse__ynode_kind_name(n));
        int d = adse_problem_ds_id(c->prob, n->text);
        if (d < 0) {
            char names[ADSE_ERR_MSG_MAX];
            adse__ds_names(c->prob, names, sizeof names);
            return adse__yerr(c->err, ADSE_E_SPEC, n,
                              "unknown data space '%s' in %s (data spaces: %s)", n->text, what,
                              names);
        }
        if (named) *named |= 1u << d;
        if (set)
            masks[d] |= 1u << level;
        else
            masks[d] &= ~(1u << level);
    }
    return ADSE_OK;
}

static adse_status parse_directive(mctx *c, const adse__ynode *dir,
                                   const adse__ynode *(*seen)[DIR_KINDS])
{
    adse_err *err = c->err;
    adse_mapping *m = c->m;
    adse_status st;
    if (!adse__ynode_is_map(dir))
        return adse__yerr(err, ADSE_E_SPEC, dir, "mapping directive must be a mapping, got %s",
                          adse__ynode_kind_name(dir));
    const adse__ynode *type = adse__ymap_get(dir, "type");
    if (!type) return adse__yerr(err, ADSE_E_SPEC, dir, "missing 'type' in mapping directive");
    const char *tt = adse__ynode_text(type);
    int kind;
    if (tt && strcmp(tt, "temporal") == 0)
        kind = DIR_TEMPORAL;
    else if (tt && strcmp(tt, "spatial") == 0)
        kind = DIR_SPATIAL;
    else if (tt && (strcmp(tt, "datatype") == 0 || strcmp(tt, "bypass") == 0 ||
                    strcmp(tt, "dataspace") == 0))
        kind = DIR_DATATYPE;
    else if (tt)
        return adse__yerr(err, ADSE_E_SPEC, type,
                          "unknown directive type '%s' (temporal, spatial, datatype, bypass or "
                          "dataspace)",
                          tt);
    else
        return adse__yerr(err, ADSE_E_SPEC, type, "'type' must be a scalar, got %s",
                          adse__ynode_kind_name(type));
    const char *const *keys = kind == DIR_TEMPORAL  ? temporal_keys
                              : kind == DIR_SPATIAL ? spatial_keys
                                                    : datatype_keys;
    char where[64];
    snprintf(where, sizeof where, "a %s mapping directive", kind_names[kind]);
    if ((st = adse__ycheck_keys(dir, keys, where, err))) return st;

    int level = 0;
    if ((st = resolve_target(c, dir, &level))) return st;
    const char *lname = c->arch->levels[level].name;
    if (seen[level][kind])
        return adse__yerr(
            err, ADSE_E_SPEC, dir, "duplicate %s directive for '%s' (first at line %d, column %d)",
            kind_names[kind], lname, seen[level][kind]->line, seen[level][kind]->column);
    seen[level][kind] = dir;

    if (kind == DIR_SPATIAL) {
        uint32_t fx = adse_arch_fanout_x(c->arch, level), fy = adse_arch_fanout_y(c->arch, level);
        if (fx * fy <= 1)
            return adse__yerr(err, ADSE_E_MAPPING, dir,
                              "spatial directive for '%s', but it has a fanout of 1", lname);
    }
    if (kind == DIR_TEMPORAL || kind == DIR_SPATIAL) {
        uint64_t *factors = kind == DIR_TEMPORAL ? m->temporal[level] : m->spatial[level];
        uint8_t *perm = kind == DIR_TEMPORAL ? m->temporal_perm[level] : m->spatial_perm[level];
        if ((st = parse_factors(c, adse__ymap_get(dir, "factors"), factors))) return st;
        if ((st = parse_permutation(c, adse__ymap_get(dir, "permutation"), perm))) return st;
    }
    if (kind == DIR_SPATIAL) {
        const adse__ynode *split = adse__ymap_get(dir, "split");
        if (split && !adse__ynode_is_null(split)) {
            uint64_t v;
            if (!adse__yscalar_u64(split, &v))
                return adse__yerr(
                    err, ADSE_E_SPEC, split, "'split' must be a non-negative integer, got %s%s%s",
                    adse__ynode_is_scalar(split) ? "'" : "",
                    adse__ynode_is_scalar(split) ? split->text : adse__ynode_kind_name(split),
                    adse__ynode_is_scalar(split) ? "'" : "");
            /* A split past the last dimension makes every loop X, like split = n_dims. */
            m->split[level] = (uint8_t)(v > m->n_dims ? m->n_dims : v);
        }
        if ((st = apply_ds_list(c, adse__ymap_get(dir, "no_reuse"), "no_reuse", level,
                                m->no_multicast, true, NULL)))
            return st;
        if ((st = apply_ds_list(c, adse__ymap_get(dir, "no_link_transfer"), "no_link_transfer",
                                level, m->no_link_transfer, true, NULL)))
            return st;
    }
    if (kind == DIR_TEMPORAL) {
        const adse__ypair *nr = adse__ymap_pair(dir, "no_reuse");
        const adse__ypair *ntr = adse__ymap_pair(dir, "no_temporal_reuse");
        if (nr && ntr)
            return adse__yerr(err, ADSE_E_SPEC, ntr->key,
                              "'no_reuse' and 'no_temporal_reuse' both given");
        const adse__ypair *r = nr ? nr : ntr;
        if (r && (st = apply_ds_list(c, r->value, r->key->text, level, m->no_temporal_reuse, true,
                                     NULL)))
            return st;
        if ((st = apply_ds_list(c, adse__ymap_get(dir, "rmw_first_update"), "rmw_first_update",
                                level, m->rmw_first_update, true, NULL)))
            return st;
    }
    if (kind == DIR_DATATYPE) {
        uint32_t kept = 0, bypassed = 0;
        if ((st = apply_ds_list(c, adse__ymap_get(dir, "keep"), "keep", level, m->keep, true,
                                &kept)))
            return st;
        if ((st = apply_ds_list(c, adse__ymap_get(dir, "bypass"), "bypass", level, m->keep, false,
                                &bypassed)))
            return st;
        if (kept & bypassed) {
            int d = 0;
            while (!((kept & bypassed) & (1u << d)))
                d++;
            return adse__yerr(err, ADSE_E_SPEC, dir,
                              "data space '%s' both kept and bypassed at '%s'", c->prob->ds[d].name,
                              lname);
        }
        /* no_coalesce only matters to sparse/skew features adse leaves out; names checked. */
        uint32_t unused[ADSE_MAX_DATASPACES] = {0};
        if ((st = apply_ds_list(c, adse__ymap_get(dir, "no_coalesce"), "no_coalesce", level, unused,
                                true, NULL)))
            return st;
    }
    return ADSE_OK;
}

adse_status adse__mapping_from_yaml(const adse__ypair *top, const adse_arch *arch,
                                    const adse_problem *problem, adse_mapping *m, bool *has,
                                    adse_err *err)
{
    const adse__ynode *list = top->value;
    *has = false;
    adse_mapping_init(m, arch->n_levels, problem->n_dims, problem->n_ds);
    if (adse__ynode_is_null(list)) return ADSE_OK;
    if (!adse__ynode_is_seq(list))
        return adse__yerr(err, ADSE_E_SPEC, list, "'mapping' must be a list of directives, got %s",
                          adse__ynode_kind_name(list));
    if (list->n == 0) return ADSE_OK;

    mctx c = {.arch = arch, .prob = problem, .m = m, .err = err};
    const adse__ynode *seen[ADSE_MAX_LEVELS][DIR_KINDS];
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < list->n; i++) {
        adse_status st = parse_directive(&c, list->items[i], seen);
        if (st) return st;
    }

    /* Every dimension's factors must multiply to its bound (perfect factorization). */
    for (int x = 0; x < problem->n_dims; x++) {
        uint64_t prod = 1;
        bool over = false;
        for (int i = 0; i < arch->n_levels; i++) {
            uint64_t f[2] = {m->temporal[i][x], m->spatial[i][x]};
            for (int k = 0; k < 2; k++) {
                if (f[k] && prod > UINT64_MAX / f[k])
                    over = true;
                else
                    prod *= f[k];
            }
        }
        if (over || prod != problem->bounds[x]) {
            char dn[2] = {problem->dim_names[x], 0};
            if (over)
                return adse__yerr(err, ADSE_E_MAPPING, top->key,
                                  "factors of dimension '%s' overflow, but its bound is %" PRIu64,
                                  dn, problem->bounds[x]);
            return adse__yerr(err, ADSE_E_MAPPING, top->key,
                              "factors of dimension '%s' multiply to %" PRIu64
                              ", but its bound is %" PRIu64,
                              dn, prod, problem->bounds[x]);
        }
    }
    *has = true;
    return ADSE_OK;
}
