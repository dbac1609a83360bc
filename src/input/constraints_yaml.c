/*
 * input/constraints_yaml.c: Timeloop's mapspace constraints and `mapper` section (model.md
 * §8, §9) -> adse_constraints and adse_mapper_settings.
 *
 * Constraint lists are read from architecture.constraints, architecture_constraints /
 * arch_constraints, mapspace_constraints / mapspace and constraints, in that order, and
 * merged into one adse_constraints. A list is a YAML list, or a mapping holding it under
 * `targets` or `constraints` (`constraints: NAME` names the sibling key constraints_NAME, as
 * Timeloop's Constraints::Parse does) beside optional `version` and `template: uber`.
 * Every entry names a storage level (`target`, by name or index from the innermost) and a
 * `type`. Setting one thing twice -- a factor of one dimension with one operator, a
 * permutation, a split, a default bound, the keep/bypass choice of one data space, the
 * minimum parallelism -- is an error unless both values are equal (Timeloop's
 * "re-specification" errors, which do not forgive equal values: adse does, so a
 * constraint repeated in an architecture and a mapspace file is harmless).
 *
 * Permutations follow Timeloop's Constraints::ParsePermutations, which reads the string
 * character by character with `iss >> token`: whitespace is skipped, so "NCPQRS M" is the
 * seven-letter prefix NCPQRSM (timeloopfe writes exactly that into its processed inputs).
 * The letters are the innermost loops in order; dimensions not named stay free above them.
 * adse adds one extension Timeloop rejects ('_' is not a dimension there): text after a
 * '_' is an outermost suffix, e.g. "RS_N" keeps R, S innermost and N outermost.
 * Factors follow Constraints::ParseFactors / ParseMaxFactors: `X=n` (or `Xn`) fixed,
 * `X<=n` a maximum, plus timeloopfe's `X>=n` minimum; tokens are separated by spaces or
 * commas, or given as a list of strings. `X=0` is stored as ADSE_FACTOR_REST (the bound
 * left by the other levels; Timeloop reads it as the full bound, which is the same thing
 * when, as in every known constraint file, the other levels' factors of X are 1). A fixed
 * factor above the bound is clamped to the bound, as Timeloop does; one that does not
 * divide the bound is an error (no perfect factorization could use it).
 */
#include "input/internal.h"
#include "util/numtext.h"

#include "input/factors.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_EQ, OP_MAX, OP_MIN, N_OPS };
enum { K_TEMPORAL, K_SPATIAL, K_DATASPACE, K_UTILIZATION, K_OVERBOOKED };

static const char *const op_text[N_OPS] = {"=", "<=", ">="};
static const char *const tiling_name[2] = {"temporal", "spatial"};

/* Where each setting was first made (line 0 = not yet), for re-specification checks. */
typedef struct cctx {
    const adse_arch *arch;
    const adse_problem *prob;
    adse_constraints *c;
    adse_err *err;
    adse_srcpos factor_at[2][ADSE_MAX_LEVELS][ADSE_MAX_DIMS][N_OPS];
    adse_srcpos perm_at[2][ADSE_MAX_LEVELS];
    adse_srcpos split_at[ADSE_MAX_LEVELS];
    adse_srcpos rest_at[ADSE_MAX_DIMS]; /* the X=0 of each dimension */
    int rest_sp[ADSE_MAX_DIMS], rest_level[ADSE_MAX_DIMS];
    adse_srcpos dmax_at[2][ADSE_MAX_LEVELS];
    adse_srcpos dmin_at[2][ADSE_MAX_LEVELS];
    adse_srcpos keep_at[ADSE_MAX_DATASPACES][ADSE_MAX_LEVELS];
    adse_srcpos min_par_at;
} cctx;

/* ---- positions and messages ---------------------------------------------------------- */

/* "line L, column C" when first is in the file of now, else "file:L:C". */
static const char *first_at(adse_srcpos first, adse_srcpos now, char *buf, size_t size)
{
    if (first.file && now.file && strcmp(first.file, now.file) == 0)
        snprintf(buf, size, "line %d, column %d", first.line, first.column);
    else
        snprintf(buf, size, "%s:%d:%d", first.file ? first.file : "?", first.line, first.column);
    return buf;
}

static const char *level_name(const cctx *c, int level)
{
    return c->arch->levels[level].name;
}

/* "X=4", "X<=8", "X>=2", "X=0" (the rest) for messages. */
static const char *factor_text(const cctx *c, int x, int op, uint64_t v, char *buf, size_t size)
{
    if (op == OP_EQ && v == ADSE_FACTOR_REST)
        snprintf(buf, size, "%c=0", c->prob->dim_names[x]);
    else
        snprintf(buf, size, "%c%s%" PRIu64, c->prob->dim_names[x], op_text[op], v);
    return buf;
}

/* ---- factors --------------------------------------------------------------------------- */

static uint64_t *factor_slot(adse_tiling_constraint *t, int op, int x)
{
    return op == OP_EQ ? &t->factor_eq[x] : op == OP_MAX ? &t->factor_max[x] : &t->factor_min[x];
}

static adse_status set_factor(cctx *c, int sp, int level, int x, int op, uint64_t v, adse_srcpos at)
{
    adse_tiling_constraint *t = sp ? &c->c->spatial[level] : &c->c->temporal[level];
    uint64_t *slot = factor_slot(t, op, x);
    adse_srcpos *first = &c->factor_at[sp][level][x][op];
    char a[48], b[48], where[ADSE_ERR_FILE_MAX + 32];
    if (first->line > 0) {
        if (*slot == v) return ADSE_OK;
        return adse__yerr_at(c->err, ADSE_E_SPEC, at,
                             "conflicting constraints '%s' and '%s' on the %s loops of '%s' "
                             "(the first at %s)",
                             factor_text(c, x, op, *slot, a, sizeof a),
                             factor_text(c, x, op, v, b, sizeof b), tiling_name[sp],
                             level_name(c, level), first_at(*first, at, where, sizeof where));
    }
    if (op == OP_EQ && v == ADSE_FACTOR_REST) {
        /* "The rest of the bound" can be taken by one tiling level only. */
        adse_srcpos *rest = &c->rest_at[x];
        if (rest->line > 0)
            return adse__yerr_at(
                c->err, ADSE_E_SPEC, at,
                "'%c=0' (the rest of the bound) on the %s loops of '%s' and on the %s "
                "loops of '%s' (the first at %s)",
                c->prob->dim_names[x], tiling_name[c->rest_sp[x]], level_name(c, c->rest_level[x]),
                tiling_name[sp], level_name(c, level), first_at(*rest, at, where, sizeof where));
        *rest = at;
        c->rest_sp[x] = sp;
        c->rest_level[x] = level;
    }
    *slot = v;
    *first = at;

    /* A fixed factor outside [min, max], or min > max, leaves no choice; the rest of the
     * bound cannot be bounded too. */
    bool has_eq = c->factor_at[sp][level][x][OP_EQ].line > 0 && t->factor_eq[x] != ADSE_FACTOR_REST;
    bool has_max = c->factor_at[sp][level][x][OP_MAX].line > 0;
    bool has_min = c->factor_at[sp][level][x][OP_MIN].line > 0;
    bool has_rest = c->factor_at[sp][level][x][OP_EQ].line > 0 && !has_eq;
    int lo = -1, hi = -1;
    if (has_rest && (has_max || has_min))
        lo = OP_EQ, hi = has_max ? OP_MAX : OP_MIN;
    else if (has_eq && has_max && t->factor_eq[x] > t->factor_max[x])
        lo = OP_EQ, hi = OP_MAX;
    else if (has_eq && has_min && t->factor_eq[x] < t->factor_min[x])
        lo = OP_MIN, hi = OP_EQ;
    else if (has_min && has_max && t->factor_min[x] > t->factor_max[x])
        lo = OP_MIN, hi = OP_MAX;
    if (lo >= 0)
        return adse__yerr_at(c->err, ADSE_E_SPEC, at,
                             "contradictory constraints '%s' and '%s' on the %s loops of '%s'",
                             factor_text(c, x, lo, *factor_slot(t, lo, x), a, sizeof a),
                             factor_text(c, x, hi, *factor_slot(t, hi, x), b, sizeof b),
                             tiling_name[sp], level_name(c, level));
    return ADSE_OK;
}

/* Parses factor tokens in s (the text of node n starting at offset base) and applies them.
 * seen_ops[x] records the operators already used for x within this one entry. */
static adse_status parse_factor_text(cctx *c, const adse__ynode *n, const char *s, size_t base,
                                     int sp, int level, uint8_t *seen_ops)
{
    const adse_problem *p = c->prob;
    size_t i = 0;
    adse__factor_token t;
    adse__factor_lex lx;
    while ((lx = adse__factor_next(s, &i, true, UINT64_MAX - 1, &t)) != ADSE__FLEX_END) {
        if (lx == ADSE__FLEX_BAD_CHAR)
            return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, base + t.at),
                                 "unexpected '%c' in factors '%s' (expected e.g. 'P=4', 'P<=8')",
                                 s[t.at], n->text);
        size_t start = t.name_at, len = t.name_len;
        adse_srcpos at = adse__ynode_char_pos(n, base + start);
        int x = len == 1 ? adse_problem_dim_id(p, s[start]) : -1;
        if (x < 0) {
            char dims[ADSE_MAX_DIMS + 1];
            memcpy(dims, p->dim_names, p->n_dims);
            dims[p->n_dims] = 0;
            return adse__yerr_at(
                c->err, ADSE_E_SPEC, at,
                "factor for unknown dimension '%.*s' in factors '%s' (dimensions: %s)",
                (int)(len > 32 ? 32 : len), s + start, n->text, dims);
        }
        if (lx == ADSE__FLEX_BAD_REL)
            return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, base + t.at),
                                 "bad operator '%c' in factors '%s' (use '=', '<=' or '>=')",
                                 s[t.at], n->text);
        int op = t.rel == ADSE__FACTOR_MAX ? OP_MAX : t.rel == ADSE__FACTOR_MIN ? OP_MIN : OP_EQ;
        if (lx == ADSE__FLEX_NO_NUMBER)
            return adse__yerr_at(c->err, ADSE_E_SPEC, at,
                                 "missing number after '%c%s' in factors '%s'", s[start],
                                 op == OP_EQ ? "=" : op_text[op], n->text);
        if (lx == ADSE__FLEX_TOO_LARGE)
            return adse__yerr_at(c->err, ADSE_E_SPEC, at, "factor of '%c' is too large", s[start]);
        uint64_t v = t.value;
        if (seen_ops[x] & (1u << op))
            return adse__yerr_at(c->err, ADSE_E_SPEC, at,
                                 "factor '%c%s' given twice in factors '%s'", s[start], op_text[op],
                                 n->text);
        seen_ops[x] |= (uint8_t)(1u << op);

        uint64_t bound = p->bounds[x];
        if (op == OP_EQ) {
            if (v == 0)
                v = bound == 1 ? 1 : ADSE_FACTOR_REST; /* the full bound of a unit dim is 1 */
            else if (v > bound)
                v = bound; /* Timeloop clamps (with a warning) */
            else if (bound % v != 0)
                return adse__yerr_at(c->err, ADSE_E_SPEC, at,
                                     "factor %c=%" PRIu64 " does not divide the bound %" PRIu64
                                     " of '%c'",
                                     s[start], v, bound, s[start]);
        } else if (v == 0) {
            return adse__yerr_at(c->err, ADSE_E_SPEC, at, "factor bound '%c%s0' must be positive",
                                 s[start], op_text[op]);
        } else if (op == OP_MIN && v > bound) {
            return adse__yerr_at(c->err, ADSE_E_SPEC, at,
                                 "minimum factor %c>=%" PRIu64 " exceeds the bound %" PRIu64
                                 " of '%c'",
                                 s[start], v, bound, s[start]);
        }
        adse_status st = set_factor(c, sp, level, x, op, v, at);
        if (st) return st;
    }
    return ADSE_OK;
}

static adse_status parse_factors(cctx *c, const adse__ynode *n, int sp, int level)
{
    if (!n || adse__ynode_is_null(n)) return ADSE_OK;
    uint8_t seen_ops[ADSE_MAX_DIMS] = {0};
    if (adse__ynode_is_scalar(n)) return parse_factor_text(c, n, n->text, 0, sp, level, seen_ops);
    if (!adse__ynode_is_seq(n))
        return adse__yerr(c->err, ADSE_E_SPEC, n,
                          "'factors' must be a string or a list of strings, got %s",
                          adse__ynode_kind_name(n));
    for (int k = 0; k < n->n; k++) {
        const adse__ynode *item = n->items[k];
        if (!adse__ynode_is_scalar(item) || adse__ynode_is_null(item))
            return adse__yerr(c->err, ADSE_E_SPEC, item,
                              "entry of 'factors' must be a string such as 'P=4', got %s",
                              adse__ynode_kind_name(item));
        adse_status st = parse_factor_text(c, item, item->text, 0, sp, level, seen_ops);
        if (st) return st;
    }
    return ADSE_OK;
}

/* ---- permutation ----------------------------------------------------------------------- */

typedef struct perm_spec {
    uint8_t n_prefix, prefix[ADSE_MAX_DIMS];
    uint8_t n_suffix, suffix[ADSE_MAX_DIMS];
} perm_spec;

static adse_status perm_add(cctx *c, const adse__ynode *n, size_t off, char letter, bool *used,
                            bool in_suffix, perm_spec *ps)
{
    const adse_problem *p = c->prob;
    int x = adse_problem_dim_id(p, letter);
    if (x < 0) {
        char dims[ADSE_MAX_DIMS + 1];
        memcpy(dims, p->dim_names, p->n_dims);
        dims[p->n_dims] = 0;
        return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, off),
                             "permutation letter '%c' is not a dimension (dimensions: %s)", letter,
                             dims);
    }
    if (used[x])
        return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, off),
                             "dimension '%c' appears twice in permutation '%s'", letter, n->text);
    used[x] = true;
    if (in_suffix)
        ps->suffix[ps->n_suffix++] = (uint8_t)x;
    else
        ps->prefix[ps->n_prefix++] = (uint8_t)x;
    return ADSE_OK;
}

static adse_status parse_permutation(cctx *c, const adse__ynode *n, perm_spec *ps, bool *given)
{
    memset(ps, 0, sizeof *ps);
    *given = false;
    if (!n || adse__ynode_is_null(n)) return ADSE_OK;
    bool used[ADSE_MAX_DIMS] = {false};
    adse_status st;
    if (adse__ynode_is_seq(n)) {
        for (int k = 0; k < n->n; k++) {
            const adse__ynode *item = n->items[k];
            if (!adse__ynode_is_scalar(item) || item->len != 1)
                return adse__yerr(c->err, ADSE_E_SPEC, item,
                                  "entry of 'permutation' must be one dimension letter, got %s%s%s",
                                  adse__ynode_is_scalar(item) ? "'" : "",
                                  adse__ynode_is_scalar(item) ? item->text
                                                              : adse__ynode_kind_name(item),
                                  adse__ynode_is_scalar(item) ? "'" : "");
            if ((st = perm_add(c, item, 0, item->text[0], used, false, ps))) return st;
        }
        *given = ps->n_prefix > 0;
        return ADSE_OK;
    }
    if (!adse__ynode_is_scalar(n))
        return adse__yerr(c->err, ADSE_E_SPEC, n,
                          "'permutation' must be a string or a list of dimensions, got %s",
                          adse__ynode_kind_name(n));
    bool in_suffix = false;
    for (size_t i = 0; i < n->len; i++) {
        unsigned char ch = (unsigned char)n->text[i];
        if (isspace(ch)) continue; /* Timeloop reads with `iss >> char`: spaces mean nothing */
        if (ch == '_') {
            if (in_suffix)
                return adse__yerr_at(c->err, ADSE_E_SPEC, adse__ynode_char_pos(n, i),
                                     "more than one '_' in permutation '%s'", n->text);
            in_suffix = true;
            continue;
        }
        if ((st = perm_add(c, n, i, (char)ch, used, in_suffix, ps))) return st;
    }
    *given = ps->n_prefix + ps->n_suffix > 0;
    return ADSE_OK;
}

static adse_status set_permutation(cctx *c, int sp, int level, const perm_spec *ps,
                                   const adse__ynode *n)
{
    adse_tiling_constraint *t = sp ? &c->c->spatial[level] : &c->c->temporal[level];
    adse_srcpos at = adse__ynode_pos(n);
    adse_srcpos *first = &c->perm_at[sp][level];
    if (first->line > 0) {
        bool same = t->n_prefix == ps->n_prefix && t->n_suffix == ps->n_suffix &&
                    memcmp(t->prefix, ps->prefix, ps->n_prefix) == 0 &&
                    memcmp(t->suffix, ps->suffix, ps->n_suffix) == 0;
        if (same) return ADSE_OK;
        char where[ADSE_ERR_FILE_MAX + 32];
        return adse__yerr_at(c->err, ADSE_E_SPEC, at,
                             "conflicting permutations for the %s loops of '%s' (the first at %s)",
                             tiling_name[sp], level_name(c, level),
                             first_at(*first, at, where, sizeof where));
    }
    *first = at;
    t->has_permutation = true;
    t->n_prefix = ps->n_prefix;
    memcpy(t->prefix, ps->prefix, sizeof t->prefix);
    t->n_suffix = ps->n_suffix;
    memcpy(t->suffix, ps->suffix, sizeof t->suffix);
    return ADSE_OK;
}

/* ---- scalars ----------------------------------------------------------------------------- */

static adse_status get_u64(cctx *c, const adse__ynode *n, const char *what, uint64_t min,
                           uint64_t *out)
{
    if (!adse__yscalar_u64(n, out) || *out < min)
        return adse__yerr(c->err, ADSE_E_SPEC, n,
                          "'%s' must be an integer >= %" PRIu64 ", got %s%s%s", what, min,
                          adse__ynode_is_scalar(n) ? "'" : "",
                          adse__ynode_is_scalar(n) ? n->text : adse__ynode_kind_name(n),
                          adse__ynode_is_scalar(n) ? "'" : "");
    return ADSE_OK;
}

static adse_status get_double(adse_err *err, const adse__ynode *n, const char *what, double *out)
{
    if (!adse__yscalar_double(n, out))
        return adse__yerr(err, ADSE_E_SPEC, n, "'%s' must be a number, got %s%s%s", what,
                          adse__ynode_is_scalar(n) ? "'" : "",
                          adse__ynode_is_scalar(n) ? n->text : adse__ynode_kind_name(n),
                          adse__ynode_is_scalar(n) ? "'" : "");
    return ADSE_OK;
}

/* A uint64 setting of a tiling level that may be given again only with the same value. */
static adse_status set_once_u64(cctx *c, uint64_t *slot, adse_srcpos *first, uint64_t v,
                                const adse__ynode *n, const char *what, int sp, int level)
{
    adse_srcpos at = adse__ynode_pos(n);
    if (first->line > 0) {
        if (*slot == v) return ADSE_OK;
        char where[ADSE_ERR_FILE_MAX + 32];
        return adse__yerr_at(c->err, ADSE_E_SPEC, at,
                             "conflicting '%s' values %" PRIu64 " and %" PRIu64
                             " for the %s loops of '%s' (the first at %s)",
                             what, *slot, v, tiling_name[sp], level_name(c, level),
                             first_at(*first, at, where, sizeof where));
    }
    *slot = v;
    *first = at;
    return ADSE_OK;
}

/* Lists adse's mapper cannot honour: accepted when empty, else an error naming the key. */
static adse_status check_empty_list(cctx *c, const adse__ynode *entry, const char *key)
{
    const adse__ypair *pr = adse__ymap_pair(entry, key);
    if (!pr || adse__ynode_is_null(pr->value)) return ADSE_OK;
    if (adse__ynode_is_seq(pr->value) && pr->value->n == 0) return ADSE_OK;
    return adse__yerr(c->err, ADSE_E_SPEC, pr->key,
                      "'%s' in a constraint is not supported by adse's mapper (give it in a "
                      "mapping for 'adse model' instead)",
                      pr->key->text);
}

/* ---- keep / bypass ------------------------------------------------------------------------ */

static adse_status ds_id(cctx *c, const adse__ynode *n, const char *what, int *d)
{
    if (!adse__ynode_is_scalar(n) || adse__ynode_is_null(n))
        return adse__yerr(c->err, ADSE_E_SPEC, n, "entry of '%s' must be a data-space name, got %s",
                          what, adse__ynode_kind_name(n));
    *d = adse_problem_ds_id(c->prob, n->text);
    if (*d >= 0) return ADSE_OK;
    char names[ADSE_ERR_MSG_MAX];
    adse__ds_names(c->prob, names, sizeof names);
    return adse__yerr(c->err, ADSE_E_SPEC, n, "unknown data space '%s' in %s (data spaces: %s)",
                      n->text, what, names);
}

static adse_status ds_list_check(cctx *c, const adse__ynode *list, const char *what)
{
    if (!list || adse__ynode_is_null(list)) return ADSE_OK;
    if (!adse__ynode_is_seq(list))
        return adse__yerr(c->err, ADSE_E_SPEC, list, "'%s' must be a list of data spaces, got %s",
                          what, adse__ynode_kind_name(list));
    return ADSE_OK;
}

static adse_status parse_keep_bypass(cctx *c, const adse__ynode *entry, int level)
{
    const adse__ynode *lists[2] = {adse__ymap_get(entry, "keep"), adse__ymap_get(entry, "bypass")};
    const char *names[2] = {"keep", "bypass"};
    uint32_t in_entry[2] = {0, 0};
    adse_status st;
    for (int k = 0; k < 2; k++) {
        const adse__ynode *list = lists[k];
        if ((st = ds_list_check(c, list, names[k]))) return st;
        if (!list || adse__ynode_is_null(list)) continue;
        for (int i = 0; i < list->n; i++) {
            const adse__ynode *item = list->items[i];
            int d = 0;
            if ((st = ds_id(c, item, names[k], &d))) return st;
            if (k == 1 && (in_entry[0] & (1u << d)))
                return adse__yerr(c->err, ADSE_E_SPEC, item,
                                  "data space '%s' both kept and bypassed at '%s'", item->text,
                                  level_name(c, level));
            in_entry[k] |= 1u << d;
            bool keep = k == 0;
            uint32_t bit = 1u << level;
            adse_srcpos at = adse__ynode_pos(item);
            adse_srcpos *first = &c->keep_at[d][level];
            if (first->line > 0) {
                bool was_keep = (c->c->keep_value[d] & bit) != 0;
                if (was_keep == keep) continue;
                char where[ADSE_ERR_FILE_MAX + 32];
                return adse__yerr_at(
                    c->err, ADSE_E_SPEC, at,
                    "conflicting constraints: data space '%s' is %s at '%s' here but "
                    "%s at %s",
                    item->text, keep ? "kept" : "bypassed", level_name(c, level),
                    was_keep ? "kept" : "bypassed", first_at(*first, at, where, sizeof where));
            }
            *first = at;
            c->c->keep_fixed[d] |= bit;
            if (keep)
                c->c->keep_value[d] |= bit;
            else
                c->c->keep_value[d] &= ~bit;
        }
    }
    /* no_coalesce only matters to sparse features adse leaves out; the names are checked. */
    const adse__ynode *nc = adse__ymap_get(entry, "no_coalesce");
    if ((st = ds_list_check(c, nc, "no_coalesce"))) return st;
    for (int i = 0; nc && adse__ynode_is_seq(nc) && i < nc->n; i++) {
        int d = 0;
        if ((st = ds_id(c, nc->items[i], "no_coalesce", &d))) return st;
    }
    return ADSE_OK;
}

/* ---- entries ----------------------------------------------------------------------------- */

static const char *const temporal_keys[] = {"target",
                                            "name",
                                            "type",
                                            "factors",
                                            "permutation",
                                            "default_max_factor",
                                            "default_min_factor",
                                            "remainders",
                                            "no_reuse",
                                            "no_temporal_reuse",
                                            "rmw_first_update",
                                            NULL};
static const char *const spatial_keys[] = {"target",
                                           "name",
                                           "type",
                                           "factors",
                                           "permutation",
                                           "split",
                                           "default_max_factor",
                                           "default_min_factor",
                                           "remainders",
                                           "no_reuse",
                                           "no_link_transfer",
                                           "no_multicast_no_reduction",
                                           NULL};
static const char *const dataspace_keys[] = {"target", "name",        "type", "keep",
                                             "bypass", "no_coalesce", NULL};
static const char *const utilization_keys[] = {"target", "name", "type", "min", NULL};
static const char *const overbooked_keys[] = {"target", "name", "type", "proportion", NULL};

static const char *const known_types[] = {"temporal",    "spatial",     "datatype",
                                          "bypass",      "bypassing",   "dataspace",
                                          "utilization", "parallelism", "max_overbooked_proportion",
                                          NULL};
static const char *const unsupported_types[] = {"no_link_transfer", "no_multicast", "no_reduction",
                                                "no_multicast_no_reduction", NULL};

static adse_status parse_kind(cctx *c, const adse__ynode *entry, int *kind)
{
    const adse__ynode *type = adse__ymap_get(entry, "type");
    if (!type)
        return adse__yerr(c->err, ADSE_E_SPEC, entry,
                          "missing 'type' in constraint (temporal, spatial, bypass, utilization "
                          "or max_overbooked_proportion)");
    if (!adse__ynode_is_scalar(type) || adse__ynode_is_null(type))
        return adse__yerr(c->err, ADSE_E_SPEC, type, "'type' must be a scalar, got %s",
                          adse__ynode_kind_name(type));
    const char *t = type->text;
    if (strcmp(t, "temporal") == 0)
        *kind = K_TEMPORAL;
    else if (strcmp(t, "spatial") == 0)
        *kind = K_SPATIAL;
    else if (strcmp(t, "datatype") == 0 || strcmp(t, "bypass") == 0 ||
             strcmp(t, "bypassing") == 0 || strcmp(t, "dataspace") == 0)
        *kind = K_DATASPACE;
    else if (strcmp(t, "utilization") == 0 || strcmp(t, "parallelism") == 0)
        *kind = K_UTILIZATION;
    else if (strcmp(t, "max_overbooked_proportion") == 0)
        *kind = K_OVERBOOKED;
    else {
        for (const char *const *u = unsupported_types; *u; u++)
            if (strcmp(t, *u) == 0)
                return adse__yerr(c->err, ADSE_E_SPEC, type,
                                  "constraint type '%s' is not supported by adse's mapper", t);
        const char *hint = adse__yclosest(t, known_types);
        if (hint)
            return adse__yerr(c->err, ADSE_E_SPEC, type,
                              "unknown constraint type '%s' (did you mean '%s'?)", t, hint);
        return adse__yerr(c->err, ADSE_E_SPEC, type,
                          "unknown constraint type '%s' (temporal, spatial, datatype, bypass, "
                          "bypassing, dataspace, utilization, parallelism or "
                          "max_overbooked_proportion)",
                          t);
    }
    return ADSE_OK;
}

static adse_status parse_tiling(cctx *c, const adse__ynode *entry, int sp, int level)
{
    adse_status st;
    adse_tiling_constraint *t = sp ? &c->c->spatial[level] : &c->c->temporal[level];
    if (sp) {
        uint32_t fx = adse_arch_fanout_x(c->arch, level), fy = adse_arch_fanout_y(c->arch, level);
        if (fx * fy <= 1)
            return adse__yerr(c->err, ADSE_E_SPEC, adse__ymap_get(entry, "type"),
                              "spatial constraint for '%s', but it has a fanout of 1",
                              level_name(c, level));
    }
    if ((st = parse_factors(c, adse__ymap_get(entry, "factors"), sp, level))) return st;

    perm_spec ps;
    bool given;
    const adse__ynode *pn = adse__ymap_get(entry, "permutation");
    if ((st = parse_permutation(c, pn, &ps, &given))) return st;
    if (given && (st = set_permutation(c, sp, level, &ps, pn))) return st;

    static const char *const defaults[2] = {"default_max_factor", "default_min_factor"};
    for (int k = 0; k < 2; k++) {
        const adse__ynode *n = adse__ymap_get(entry, defaults[k]);
        if (!n || adse__ynode_is_null(n)) continue;
        uint64_t v;
        if ((st = get_u64(c, n, defaults[k], 1, &v))) return st;
        uint64_t *slot = k == 0 ? &t->default_max_factor : &t->default_min_factor;
        adse_srcpos *first = k == 0 ? &c->dmax_at[sp][level] : &c->dmin_at[sp][level];
        if ((st = set_once_u64(c, slot, first, v, n, defaults[k], sp, level))) return st;
    }
    if (t->default_max_factor && t->default_min_factor > t->default_max_factor)
        return adse__yerr(c->err, ADSE_E_SPEC, entry,
                          "contradictory 'default_min_factor' %" PRIu64
                          " and 'default_max_factor' %" PRIu64 " for the %s loops of '%s'",
                          t->default_min_factor, t->default_max_factor, tiling_name[sp],
                          level_name(c, level));

    if (sp) {
        const adse__ynode *n = adse__ymap_get(entry, "split");
        if (n && !adse__ynode_is_null(n)) {
            uint64_t v;
            if ((st = get_u64(c, n, "split", 0, &v))) return st;
            /* A split past the last dimension makes every loop X, like split = n_dims. */
            uint64_t clamped = v > c->prob->n_dims ? c->prob->n_dims : v;
            uint64_t cur = t->split < 0 ? 0 : (uint64_t)t->split;
            if ((st = set_once_u64(c, &cur, &c->split_at[level], clamped, n, "split", sp, level)))
                return st;
            t->split = (int8_t)cur;
        }
    }
    const adse__ynode *rem = adse__ymap_get(entry, "remainders");
    if (rem && !adse__ynode_is_null(rem))
        return adse__yerr(c->err, ADSE_E_SPEC, rem,
                          "'remainders' (imperfect factorization) is not supported by adse");
    static const char *const unsupported[] = {
        "no_reuse",         "no_temporal_reuse",         "rmw_first_update",
        "no_link_transfer", "no_multicast_no_reduction", NULL};
    for (const char *const *u = unsupported; *u; u++)
        if ((st = check_empty_list(c, entry, *u))) return st;
    return ADSE_OK;
}

static adse_status parse_entry(cctx *c, const adse__ynode *entry)
{
    adse_status st;
    if (!adse__ynode_is_map(entry))
        return adse__yerr(c->err, ADSE_E_SPEC, entry, "constraint must be a mapping, got %s",
                          adse__ynode_kind_name(entry));
    int kind = 0;
    if ((st = parse_kind(c, entry, &kind))) return st;
    static const char *const *const keys[] = {temporal_keys, spatial_keys, dataspace_keys,
                                              utilization_keys, overbooked_keys};
    static const char *const wheres[] = {"a temporal constraint", "a spatial constraint",
                                         "a bypass constraint", "a utilization constraint",
                                         "a max_overbooked_proportion constraint"};
    if ((st = adse__ycheck_keys(entry, keys[kind], wheres[kind], c->err))) return st;

    const adse__ynode *target = adse__ymap_get(entry, "target");
    const adse__ynode *name = adse__ymap_get(entry, "name");
    if (target && name)
        return adse__yerr(c->err, ADSE_E_SPEC, name, "'target' and 'name' both given");
    if (!target) target = name;
    if (!target) return adse__yerr(c->err, ADSE_E_SPEC, entry, "missing 'target' in constraint");
    int level = 0;
    if ((st = adse__target_level(target, c->arch, &level, c->err))) return st;

    switch (kind) {
    case K_TEMPORAL:
    case K_SPATIAL: return parse_tiling(c, entry, kind == K_SPATIAL, level);
    case K_DATASPACE: return parse_keep_bypass(c, entry, level);
    case K_UTILIZATION: {
        const adse__ynode *n = adse__ymap_get(entry, "min");
        if (!n)
            return adse__yerr(c->err, ADSE_E_SPEC, entry,
                              "missing 'min' in utilization constraint");
        double v;
        if ((st = get_double(c->err, n, "min", &v))) return st;
        if (!(v > 0.0 && v <= 1.0))
            return adse__yerr(c->err, ADSE_E_SPEC, n,
                              "minimum parallelism 'min' must be in (0, 1], got %s", n->text);
        if (level != 0)
            return adse__yerr(c->err, ADSE_E_SPEC, target,
                              "parallelism must be constrained at the innermost storage level "
                              "'%s', not at '%s'",
                              level_name(c, 0), level_name(c, level));
        adse_srcpos at = adse__ynode_pos(n);
        if (c->min_par_at.line > 0 && c->c->min_parallelism != v) {
            char where[ADSE_ERR_FILE_MAX + 32];
            return adse__yerr_at(c->err, ADSE_E_SPEC, at,
                                 "conflicting minimum parallelism %g and %g (the first at %s)",
                                 c->c->min_parallelism, v,
                                 first_at(c->min_par_at, at, where, sizeof where));
        }
        c->min_par_at = at;
        c->c->min_parallelism = v;
        return ADSE_OK;
    }
    case K_OVERBOOKED: {
        /* Read and checked; adse has no overbooking model, so tiles must always fit. */
        const adse__ynode *n = adse__ymap_get(entry, "proportion");
        if (!n)
            return adse__yerr(c->err, ADSE_E_SPEC, entry,
                              "missing 'proportion' in max_overbooked_proportion constraint");
        double v;
        if ((st = get_double(c->err, n, "proportion", &v))) return st;
        if (!(v >= 0.0 && v <= 1.0))
            return adse__yerr(c->err, ADSE_E_SPEC, n, "'proportion' must be in [0, 1], got %s",
                              n->text);
        return ADSE_OK;
    }
    }
    return ADSE_OK;
}

static adse_status parse_entries(cctx *c, const adse__ynode *list)
{
    for (int i = 0; i < list->n; i++) {
        adse_status st = parse_entry(c, list->items[i]);
        if (st) return st;
    }
    return ADSE_OK;
}

/* A constraint list in any of Timeloop's forms (see the file comment). */
static adse_status parse_source(cctx *c, const adse__ynode *n, const char *what)
{
    if (!n || adse__ynode_is_null(n)) return ADSE_OK;
    if (adse__ynode_is_seq(n)) return parse_entries(c, n);
    if (!adse__ynode_is_map(n))
        return adse__yerr(c->err, ADSE_E_SPEC, n,
                          "'%s' must be a list of constraints or a mapping with 'targets', got %s",
                          what, adse__ynode_kind_name(n));
    static const char *const keys[] = {"targets", "constraints", "template", "version", NULL};
    char where[96];
    snprintf(where, sizeof where, "'%s'", what);
    for (int i = 0; i < n->n; i++) {
        const adse__ynode *k = n->pairs[i].key;
        if (strncmp(k->text, "constraints_", 12) == 0 || strncmp(k->text, "constraints-", 12) == 0)
            continue; /* targets of `constraints: NAME` */
        adse_status st = adse__ycheck_key(k, keys, where, c->err);
        if (st) return st;
    }
    const adse__ynode *tmpl = adse__ymap_get(n, "template");
    if (tmpl && !adse__ynode_is_null(tmpl)) {
        if (!adse__ynode_is_scalar(tmpl))
            return adse__yerr(c->err, ADSE_E_SPEC, tmpl, "'template' must be a scalar, got %s",
                              adse__ynode_kind_name(tmpl));
        if (strcmp(tmpl->text, "uber") != 0)
            return adse__yerr(c->err, ADSE_E_SPEC, tmpl,
                              "mapspace template '%s' is not supported (adse searches Timeloop's "
                              "'uber' mapspace; 'ruby' adds imperfect factorizations)",
                              tmpl->text);
    }
    adse_status st;
    const adse__ynode *targets = adse__ymap_get(n, "targets");
    if (targets && !adse__ynode_is_null(targets)) {
        if (!adse__ynode_is_seq(targets))
            return adse__yerr(c->err, ADSE_E_SPEC, targets,
                              "'targets' must be a list of constraints, got %s",
                              adse__ynode_kind_name(targets));
        if ((st = parse_entries(c, targets))) return st;
    }
    const adse__ynode *list = adse__ymap_get(n, "constraints");
    if (list && adse__ynode_is_scalar(list) && !adse__ynode_is_null(list)) {
        char key[ADSE_NAME_MAX + 16];
        snprintf(key, sizeof key, "constraints_%s", list->text);
        const adse__ynode *named = adse__ymap_get(n, key);
        if (!named)
            return adse__yerr(c->err, ADSE_E_SPEC, list,
                              "'constraints: %s' names '%s', which is not given here", list->text,
                              key);
        list = named;
    }
    if (list && !adse__ynode_is_null(list)) {
        if (!adse__ynode_is_seq(list))
            return adse__yerr(c->err, ADSE_E_SPEC, list,
                              "'constraints' must be a list of constraints or a name, got %s",
                              adse__ynode_kind_name(list));
        if ((st = parse_entries(c, list))) return st;
    }
    return ADSE_OK;
}

adse_status adse__constraints_from_yaml(const adse__ydoc *doc, const adse_arch *arch,
                                        const adse_problem *problem, adse_constraints *out,
                                        bool *has, adse_err *err)
{
    *has = false;
    adse_constraints_init(out, arch->n_levels, problem->n_dims, problem->n_ds);
    cctx *c = calloc(1, sizeof *c);
    if (!c) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    c->arch = arch;
    c->prob = problem;
    c->c = out;
    c->err = err;

    adse_status st = ADSE_OK;
    const adse__ypair *ap = adse__arch_top_pair(doc);
    const adse__ynode *a = ap ? ap->value : NULL;
    const adse__ypair *in_arch = adse__ynode_is_map(a) ? adse__ymap_pair(a, "constraints") : NULL;
    if (in_arch) {
        *has = true;
        st = parse_source(c, in_arch->value,
                          adse__ykey_eq(ap->key->text, "arch") ? "arch.constraints"
                                                               : "architecture.constraints");
    }
    static const char *const tops[] = {"architecture_constraints",
                                       "arch_constraints",
                                       "mapspace_constraints",
                                       "mapspace",
                                       "constraints",
                                       NULL};
    for (const char *const *k = tops; *k && st == ADSE_OK; k++) {
        const adse__ypair *pr = adse__ydoc_top_pair(doc, *k);
        if (!pr) continue;
        *has = true;
        st = parse_source(c, pr->value, pr->key->text);
    }
    free(c);
    if (st) {
        *has = false;
        adse_constraints_init(out, arch->n_levels, problem->n_dims, problem->n_ds);
    }
    return st;
}

/* ---- mapper settings ----------------------------------------------------------------------- */

/* Timeloop's search knobs: accepted and ignored (adse's search is exhaustive with pruning,
 * so random sampling, termination counters and logging do not apply). Keys starting with
 * log_ are accepted too. */
static const char *const ignored_mapper_keys[] = {"algorithm",
                                                  "timeout",
                                                  "heartbeat",
                                                  "victory_condition",
                                                  "search_size",
                                                  "sync_interval",
                                                  "live_status",
                                                  "max_permutations_per_if_visit",
                                                  "diagnostics",
                                                  "out_prefix",
                                                  "penalize_consecutive_bypass_fails",
                                                  "version",
                                                  "filter_revisits",
                                                  "emit_whoop_nest",
                                                  NULL};
static const char *const used_mapper_keys[] = {"optimization_metrics",
                                               "optimization_metric",
                                               "num_threads",
                                               "time_limit",
                                               "weights",
                                               "max_temporal_loops_in_a_mapping",
                                               NULL};
static const char *const metric_names[] = {"edp", "energy", "delay", "last_level_accesses", NULL};

static bool is_log_key(const char *k)
{
    return strncmp(k, "log_", 4) == 0 || strncmp(k, "log-", 4) == 0;
}

/* Appends the metrics of n (a name or a list of names) to s; *count = names read. */
static adse_status parse_metrics(const adse__ynode *n, const char *what, adse_metric *out,
                                 int *count, adse_err *err)
{
    *count = 0;
    if (!n || adse__ynode_is_null(n)) return ADSE_OK;
    const adse__ynode *one[1] = {n};
    const adse__ynode *const *items = one;
    int len = 1;
    if (adse__ynode_is_seq(n)) {
        items = n->items;
        len = n->n;
    } else if (!adse__ynode_is_scalar(n)) {
        return adse__yerr(err, ADSE_E_SPEC, n, "'%s' must be a metric or a list of metrics, got %s",
                          what, adse__ynode_kind_name(n));
    }
    for (int i = 0; i < len; i++) {
        const adse__ynode *m = items[i];
        if (!adse__ynode_is_scalar(m) || adse__ynode_is_null(m))
            return adse__yerr(err, ADSE_E_SPEC, m, "entry of '%s' must be a metric name, got %s",
                              what, adse__ynode_kind_name(m));
        int id = -1;
        for (int k = 0; metric_names[k]; k++)
            if (adse__ykey_eq(m->text, metric_names[k])) id = k;
        if (id < 0) {
            if (strncmp(m->text, "accesses", 8) == 0 || strcmp(m->text, "ordered_accesses") == 0)
                return adse__yerr(err, ADSE_E_SPEC, m,
                                  "optimization metric '%s' is not supported by adse (edp, energy, "
                                  "delay or last_level_accesses)",
                                  m->text);
            int best = -1, best_d = 3;
            for (int k = 0; metric_names[k]; k++) {
                int d = adse__ykey_distance(m->text, metric_names[k]);
                if (d < best_d) best_d = d, best = k;
            }
            if (best >= 0)
                return adse__yerr(err, ADSE_E_SPEC, m,
                                  "unknown optimization metric '%s' (did you mean '%s'?)", m->text,
                                  metric_names[best]);
            return adse__yerr(err, ADSE_E_SPEC, m,
                              "unknown optimization metric '%s' (edp, energy, delay or "
                              "last_level_accesses)",
                              m->text);
        }
        if (*count >= ADSE_MAX_METRICS)
            return adse__yerr(err, ADSE_E_SPEC, m, "more than %d optimization metrics",
                              ADSE_MAX_METRICS);
        static const adse_metric ids[] = {ADSE_METRIC_EDP, ADSE_METRIC_ENERGY, ADSE_METRIC_DELAY,
                                          ADSE_METRIC_LAST_LEVEL_ACCESSES};
        out[(*count)++] = ids[id];
    }
    return ADSE_OK;
}

static adse_status parse_weights(const adse__ynode *n, adse_mapper_settings *s, adse_err *err)
{
    if (!adse__ynode_is_map(n))
        return adse__yerr(err, ADSE_E_SPEC, n,
                          "'weights' must be a mapping of energy, delay and edp, got %s",
                          adse__ynode_kind_name(n));
    static const char *const keys[] = {"energy", "delay", "edp", NULL};
    double *slots[3] = {&s->weight_energy, &s->weight_delay, &s->weight_edp};
    for (int i = 0; i < n->n; i++) {
        const adse__ypair *pr = &n->pairs[i];
        int k = -1;
        for (int j = 0; keys[j]; j++)
            if (adse__ykey_eq(pr->key->text, keys[j])) k = j;
        if (k < 0) {
            int best = -1, best_d = 3;
            for (int j = 0; keys[j]; j++) {
                int d = adse__ykey_distance(pr->key->text, keys[j]);
                if (d < best_d) best_d = d, best = j;
            }
            if (best >= 0)
                return adse__yerr(err, ADSE_E_SPEC, pr->key,
                                  "unknown key '%s' in 'weights' (did you mean '%s'?)",
                                  pr->key->text, keys[best]);
            return adse__yerr(err, ADSE_E_SPEC, pr->key,
                              "unknown key '%s' in 'weights' (energy, delay or edp)",
                              pr->key->text);
        }
        double v;
        adse_status st = get_double(err, pr->value, pr->key->text, &v);
        if (st) return st;
        if (!(v >= 0.0) || !isfinite(v))
            return adse__yerr(err, ADSE_E_SPEC, pr->value,
                              "weight '%s' must be a non-negative number, got %s", pr->key->text,
                              pr->value->text);
        *slots[k] = v;
    }
    if (!(s->weight_energy > 0 || s->weight_delay > 0 || s->weight_edp > 0))
        return adse__yerr(err, ADSE_E_SPEC, n, "'weights' needs a positive weight");
    return ADSE_OK;
}

static bool same_metrics(const adse_metric *a, int na, const adse_metric *b, int nb)
{
    return na == nb && memcmp(a, b, (size_t)na * sizeof *a) == 0;
}

adse_status adse__mapper_from_yaml(const adse__ypair *top, adse_mapper_settings *s, adse_err *err)
{
    adse_mapper_settings_init(s);
    const adse__ynode *m = top->value;
    if (adse__ynode_is_null(m)) return ADSE_OK;
    if (!adse__ynode_is_map(m))
        return adse__yerr(err, ADSE_E_SPEC, m, "'mapper' must be a mapping, got %s",
                          adse__ynode_kind_name(m));
    for (int i = 0; i < m->n; i++) {
        const adse__ynode *k = m->pairs[i].key;
        bool ok = is_log_key(k->text);
        for (const char *const *a = used_mapper_keys; *a && !ok; a++)
            ok = adse__ykey_eq(k->text, *a);
        for (const char *const *a = ignored_mapper_keys; *a && !ok; a++)
            ok = adse__ykey_eq(k->text, *a);
        if (ok) continue;
        const char *hint = adse__yclosest(k->text, used_mapper_keys);
        if (!hint) hint = adse__yclosest(k->text, ignored_mapper_keys);
        if (hint)
            return adse__yerr(err, ADSE_E_SPEC, k,
                              "unknown key '%s' in 'mapper' (did you mean '%s'?)", k->text, hint);
        return adse__yerr(err, ADSE_E_SPEC, k, "unknown key '%s' in 'mapper'", k->text);
    }

    adse_status st;
    adse_metric one[ADSE_MAX_METRICS], many[ADSE_MAX_METRICS];
    int n_one = 0, n_many = 0;
    const adse__ypair *p_one = adse__ymap_pair(m, "optimization_metric");
    const adse__ypair *p_many = adse__ymap_pair(m, "optimization_metrics");
    if (p_one && (st = parse_metrics(p_one->value, p_one->key->text, one, &n_one, err))) return st;
    if (p_many && (st = parse_metrics(p_many->value, p_many->key->text, many, &n_many, err)))
        return st;
    /* timeloopfe writes `optimization_metric: []` beside the list: empty means not given. */
    if (n_one && n_many && !same_metrics(one, n_one, many, n_many))
        return adse__yerr(err, ADSE_E_SPEC, p_one->key,
                          "'%s' and '%s' both given with different metrics", p_one->key->text,
                          p_many->key->text);
    if (n_one || n_many) {
        s->n_metrics = (uint8_t)(n_one ? n_one : n_many);
        memcpy(s->metrics, n_one ? one : many, s->n_metrics * sizeof *s->metrics);
    }

    const adse__ypair *w = adse__ymap_pair(m, "weights");
    if (w && !adse__ynode_is_null(w->value)) {
        if (n_one || n_many)
            return adse__yerr(err, ADSE_E_SPEC, w->key,
                              "'weights' and '%s' both given: the weighted sum is the only "
                              "objective, give one of them",
                              (n_one ? p_one : p_many)->key->text);
        if ((st = parse_weights(w->value, s, err))) return st;
        s->n_metrics = 1;
        s->metrics[0] = ADSE_METRIC_WEIGHTED;
    }

    const adse__ynode *n = adse__ymap_get(m, "num_threads");
    if (n && !adse__ynode_is_null(n)) {
        uint64_t v;
        if (!adse__yscalar_u64(n, &v) || v > 65536)
            return adse__yerr(err, ADSE_E_SPEC, n,
                              "'num_threads' must be an integer from 0 (all cores) to 65536, "
                              "got %s%s%s",
                              adse__ynode_is_scalar(n) ? "'" : "",
                              adse__ynode_is_scalar(n) ? n->text : adse__ynode_kind_name(n),
                              adse__ynode_is_scalar(n) ? "'" : "");
        s->threads = (int)v;
    }
    n = adse__ymap_get(m, "time_limit");
    if (n && !adse__ynode_is_null(n)) {
        double v;
        if ((st = get_double(err, n, "time_limit", &v))) return st;
        if (!(v >= 0.0) || !isfinite(v))
            return adse__yerr(err, ADSE_E_SPEC, n,
                              "'time_limit' must be a non-negative number of seconds, got %s",
                              n->text);
        s->time_limit_s = v;
    }
    /* Timeloop's default -1 (and 0) mean no limit. */
    n = adse__ymap_get(m, "max_temporal_loops_in_a_mapping");
    if (n && !adse__ynode_is_null(n)) {
        int64_t v;
        if (!adse__yscalar_i64(n, &v))
            return adse__yerr(err, ADSE_E_SPEC, n,
                              "'max_temporal_loops_in_a_mapping' must be an integer, got %s",
                              adse__ynode_kind_name(n));
        if (v > INT32_MAX)
            return adse__yerr(err, ADSE_E_SPEC, n,
                              "'max_temporal_loops_in_a_mapping' %s is too large", n->text);
        s->max_temporal_loops = v > 0 ? (int)v : 0;
    }
    return ADSE_OK;
}
