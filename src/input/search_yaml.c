/* The hardware-search spec loader (adse/search_spec.h): YAML -> adse_search_spec. The loss
 * expression compiler is loss_expr.c; the architecture writer is arch_writer.c. */
#include "adse/search_spec.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/network.h"
#include "input/internal.h"
#include "input/loss_expr.h"
#include "input/tree.h"
#include "util/intmath.h"
#include "util/numtext.h"

/* ---- small helpers ------------------------------------------------------------------- */

void adse_ga_settings_init(adse_ga_settings *ga)
{
    if (!ga) return;
    memset(ga, 0, sizeof *ga);
    ga->population = 16;
    ga->generations = 10;
    ga->parents = 4;
    ga->elite = 1;
    ga->mutation = 0.2;
    ga->seed = 1;
    ga->crossover = ADSE_CROSSOVER_UNIFORM;
    ga->include_baseline = true;
    ga->max_resample = 100;
}

static void set_pos(const adse__ynode *n, int *line, int *column)
{
    *line = n ? n->line : 0;
    *column = n ? n->column : 0;
}

static adse_status copy_name(const adse__ynode *n, char *dst, const char *what, adse_err *err)
{
    return adse__copy_name(n, dst, what, err);
}

/* Joins base_dir and a relative path (absolute paths are kept). */
static adse_status resolve_path(const char *base_dir, const adse__ynode *n, char *out,
                                const char *what, adse_err *err)
{
    if (!adse__ynode_is_scalar(n) || adse__ynode_is_null(n) || n->len == 0)
        return adse__yerr(err, ADSE_E_SPEC, n, "'%s' must be a file name, got %s", what,
                          adse__ynode_kind_name(n));
    int len = adse__path_join(out, ADSE_SEARCH_PATH_MAX, base_dir, n->text);
    if (len < 0 || len >= ADSE_SEARCH_PATH_MAX)
        return adse__yerr(err, ADSE_E_SPEC, n, "path of '%s' is longer than %d characters", what,
                          ADSE_SEARCH_PATH_MAX - 1);
    return ADSE_OK;
}

/* A file name or a list of them. */
static adse_status file_list(const char *base_dir, const adse__ynode *n, const char *what,
                             char files[][ADSE_SEARCH_PATH_MAX], int *count, adse_err *err)
{
    *count = 0;
    if (adse__ynode_is_scalar(n) && !adse__ynode_is_null(n))
        return resolve_path(base_dir, n, files[(*count)++], what, err);
    if (!adse__ynode_is_seq(n))
        return adse__yerr(err, ADSE_E_SPEC, n, "'%s' must be a file name or a list of them, got %s",
                          what, adse__ynode_kind_name(n));
    for (int i = 0; i < n->n; i++) {
        if (i == ADSE_SEARCH_MAX_FILES)
            return adse__yerr(err, ADSE_E_SPEC, n->items[i],
                              "more than ADSE_SEARCH_MAX_FILES (%d) files in '%s'",
                              ADSE_SEARCH_MAX_FILES, what);
        adse_status st = resolve_path(base_dir, n->items[i], files[(*count)++], what, err);
        if (st) return st;
    }
    return ADSE_OK;
}

static adse_status get_int(const adse__ynode *n, const char *what, int64_t min, int64_t max,
                           int64_t *out, adse_err *err)
{
    int64_t v = 0;
    if (!adse__yscalar_i64(n, &v) || v < min || v > max) {
        return adse__yerr(err, ADSE_E_SPEC, n,
                          "'%s' must be an integer from %" PRId64 " to %" PRId64 ", got '%s'", what,
                          min, max, adse__ynode_is_scalar(n) ? n->text : "not a scalar");
    }
    *out = v;
    return ADSE_OK;
}

static adse_status get_num(const adse__ynode *n, const char *what, double *out, adse_err *err)
{
    if (!adse__yscalar_double(n, out))
        return adse__yerr(err, ADSE_E_SPEC, n, "'%s' must be a number, got '%s'", what,
                          adse__ynode_is_scalar(n) ? n->text : adse__ynode_kind_name(n));
    return ADSE_OK;
}

/* ---- design, mapper, workload -------------------------------------------------------- */

static const char *const design_keys[] = {"architecture", "constraints", "mapper", NULL};

static adse_status parse_design(const adse__ypair *top, const char *base, adse_search_spec *s,
                                adse_err *err)
{
    const adse__ynode *d = top->value;
    adse_status st = adse__yexpect(d, ADSE__YMAP, "design", err);
    if (st) return st;
    if ((st = adse__ycheck_keys(d, design_keys, "'design'", err))) return st;
    set_pos(top->key, &s->design_line, &s->design_column);
    const adse__ynode *a = adse__ymap_get(d, "architecture");
    if (!a)
        return adse__yerr(err, ADSE_E_SPEC, top->key,
                          "missing 'architecture' in 'design' (the baseline's architecture file)");
    if ((st = file_list(base, a, "architecture", s->arch_files, &s->n_arch_files, err))) return st;
    if (s->n_arch_files == 0)
        return adse__yerr(err, ADSE_E_SPEC, a, "'architecture' lists no file");
    const adse__ynode *c = adse__ymap_get(d, "constraints");
    if (c && !adse__ynode_is_null(c) &&
        (st = file_list(base, c, "constraints", s->constraint_files, &s->n_constraint_files, err)))
        return st;
    const adse__ynode *m = adse__ymap_get(d, "mapper");
    if (m && !adse__ynode_is_null(m) && (st = resolve_path(base, m, s->mapper_file, "mapper", err)))
        return st;
    return ADSE_OK;
}

static const char *const mapper_keys[] = {"time_limit", "metrics", NULL};

static adse_status parse_mapper(const adse__ynode *m, adse_search_spec *s, adse_err *err)
{
    adse_status st = adse__yexpect(m, ADSE__YMAP, "mapper", err);
    if (st) return st;
    if ((st = adse__ycheck_keys(m, mapper_keys, "'mapper'", err))) return st;
    const adse__ynode *t = adse__ymap_get(m, "time_limit");
    if (t) {
        if ((st = get_num(t, "time_limit", &s->time_limit_s, err))) return st;
        if (s->time_limit_s < 0)
            return adse__yerr(err, ADSE_E_SPEC, t, "'time_limit' must be at least 0 (seconds)");
        s->has_time_limit = true;
    }
    const adse__ynode *ms = adse__ymap_get(m, "metrics");
    if (ms) {
        if (!adse__ynode_is_seq(ms) || ms->n == 0 || ms->n > ADSE_MAX_METRICS)
            return adse__yerr(err, ADSE_E_SPEC, ms,
                              "'metrics' must be a list of 1 to %d of edp, energy, delay, "
                              "last_level_accesses",
                              ADSE_MAX_METRICS);
        static const char *const names[] = {"edp", "energy", "delay", "last_level_accesses"};
        for (int i = 0; i < ms->n; i++) {
            const char *t2 = adse__ynode_text(ms->items[i]);
            int k = -1;
            for (int j = 0; j < 4 && t2; j++)
                if (adse__ykey_eq(t2, names[j])) k = j;
            if (k < 0)
                return adse__yerr(err, ADSE_E_SPEC, ms->items[i],
                                  "unknown mapper metric '%s' (edp, energy, delay, "
                                  "last_level_accesses)",
                                  t2 ? t2 : "?");
            s->metrics[s->n_metrics++] = (adse_metric)k;
        }
    }
    return ADSE_OK;
}

static const char *const layer_keys[] = {"problem", "weight", "name", NULL};

static adse_status parse_workload(const adse__ynode *w, const char *base, adse_search_spec *s,
                                  adse_err *err)
{
    if (adse__ynode_is_scalar(w) && !adse__ynode_is_null(w)) {
        char path[ADSE_SEARCH_PATH_MAX];
        adse_status st = resolve_path(base, w, path, "workload", err);
        if (st) return st;
        if (adse_network_is_network_file(path)) {
            /* a network: loaded (and its errors located here) when the search is created */
            memcpy(s->network, path, sizeof path);
            set_pos(w, &s->network_line, &s->network_column);
            return ADSE_OK;
        }
        adse_search_layer *l = &s->layers[s->n_layers++];
        set_pos(w, &l->line, &l->column);
        l->weight = 1;
        memcpy(l->problem, path, sizeof path);
        adse__path_stem(l->problem, l->name, sizeof l->name);
        return ADSE_OK;
    }
    if (!adse__ynode_is_seq(w) || w->n == 0)
        return adse__yerr(err, ADSE_E_SPEC, w,
                          "'workload' must be a problem file, a network file (.onnx or a "
                          "network YAML) or a non-empty list of {problem, weight, name}");
    for (int i = 0; i < w->n; i++) {
        const adse__ynode *e = w->items[i];
        if (i == ADSE_SEARCH_MAX_LAYERS)
            return adse__yerr(err, ADSE_E_SPEC, e,
                              "more than ADSE_SEARCH_MAX_LAYERS (%d) workload entries",
                              ADSE_SEARCH_MAX_LAYERS);
        adse_search_layer *l = &s->layers[s->n_layers++];
        set_pos(e, &l->line, &l->column);
        l->weight = 1;
        adse_status st;
        const adse__ynode *p = e;
        if (adse__ynode_is_map(e)) {
            if ((st = adse__ycheck_keys(e, layer_keys, "a workload entry", err))) return st;
            p = adse__ymap_get(e, "problem");
            if (!p)
                return adse__yerr(err, ADSE_E_SPEC, e, "workload entry without a 'problem' file");
            const adse__ynode *wt = adse__ymap_get(e, "weight");
            if (wt) {
                if ((st = get_num(wt, "weight", &l->weight, err))) return st;
                if (!(l->weight > 0))
                    return adse__yerr(err, ADSE_E_SPEC, wt, "'weight' must be positive, got '%s'",
                                      wt->text);
            }
        }
        if ((st = resolve_path(base, p, l->problem, "problem", err))) return st;
        const adse__ynode *nm = adse__ymap_get(e, "name");
        if (nm) {
            if ((st = copy_name(nm, l->name, "name", err))) return st;
        } else {
            adse__path_stem(l->problem, l->name, sizeof l->name);
        }
        for (int j = 0; j < s->n_layers - 1; j++)
            if (strcmp(s->layers[j].name, l->name) == 0)
                return adse__yerr(err, ADSE_E_SPEC, nm ? nm : p,
                                  "duplicate workload name '%s' (give each entry a 'name')",
                                  l->name);
    }
    return ADSE_OK;
}

/* ---- parameters ---------------------------------------------------------------------- */

static const struct {
    const char *name;
    adse_gene_attr attr;
} gene_attrs[] = {{"depth", ADSE_GENE_DEPTH},
                  {"memory_depth", ADSE_GENE_DEPTH},
                  {"width", ADSE_GENE_WIDTH},
                  {"memory_width", ADSE_GENE_WIDTH},
                  {"block_size", ADSE_GENE_BLOCK_SIZE},
                  {"word_bits", ADSE_GENE_WORD_BITS},
                  {"datawidth", ADSE_GENE_WORD_BITS},
                  {"meshX", ADSE_GENE_MESH_X},
                  {"instances", ADSE_GENE_INSTANCES},
                  {"read_bandwidth", ADSE_GENE_READ_BW},
                  {"write_bandwidth", ADSE_GENE_WRITE_BW},
                  {"bandwidth", ADSE_GENE_BANDWIDTH}};

static const char *const gene_keys[] = {"name",  "component", "attribute", "values",
                                        "range", "mesh",      NULL};
static const char *const range_keys[] = {"min", "max", "step", "scale", NULL};
static const char *const mesh_keys[] = {"total", "meshX", "pes", NULL};

static bool is_pow2(double v)
{
    if (!(v >= 1) || v != floor(v) || v > 9007199254740992.0) return false;
    uint64_t u = (uint64_t)v;
    return (u & (u - 1)) == 0;
}

static bool attr_is_integer(adse_gene_attr a)
{
    return a != ADSE_GENE_READ_BW && a != ADSE_GENE_WRITE_BW && a != ADSE_GENE_BANDWIDTH;
}

static adse_status check_value(const adse_search_gene *g, double v, const adse__ynode *at,
                               adse_err *err)
{
    if (!(v > 0))
        return adse__yerr(err, ADSE_E_SPEC, at, "value %.17g of gene '%s' must be positive", v,
                          g->name);
    if (attr_is_integer(g->attr) && (v != floor(v) || v > 4294967295.0))
        return adse__yerr(err, ADSE_E_SPEC, at,
                          "value %.17g of gene '%s' must be an integer below 2^32", v, g->name);
    if (g->attr == ADSE_GENE_MESH && g->mesh_total && fmod((double)g->mesh_total, v) != 0)
        return adse__yerr(err, ADSE_E_SPEC, at,
                          "meshX %.17g of gene '%s' does not divide the mesh total %" PRIu64, v,
                          g->name, g->mesh_total);
    return ADSE_OK;
}

/* Adds value v of gene g (given at node at) once checked (check_value), refusing a
 * duplicate and more than ADSE_SEARCH_MAX_VALUES values. */
static adse_status add_value(adse_search_gene *g, double v, const adse__ynode *at, adse_err *err)
{
    adse_status st = check_value(g, v, at, err);
    if (st) return st;
    for (int i = 0; i < g->n_values; i++)
        if (g->values[i] == v)
            return adse__yerr(err, ADSE_E_SPEC, at, "duplicate value %.17g in gene '%s'", v,
                              g->name);
    if (g->n_values == ADSE_SEARCH_MAX_VALUES)
        return adse__yerr(err, ADSE_E_SPEC, at,
                          "gene '%s' has more than ADSE_SEARCH_MAX_VALUES (%d) values", g->name,
                          ADSE_SEARCH_MAX_VALUES);
    g->values[g->n_values++] = v;
    return ADSE_OK;
}

/* Adds every number of a list node (key names it in errors; non-empty, which the caller
 * checks with its own message). */
static adse_status add_values(adse_search_gene *g, const adse__ynode *list, const char *key,
                              adse_err *err)
{
    for (int i = 0; i < list->n; i++) {
        double v;
        adse_status st = get_num(list->items[i], key, &v, err);
        if (st || (st = add_value(g, v, list->items[i], err))) return st;
    }
    return ADSE_OK;
}

static adse_status parse_range(const adse__ynode *r, adse_search_gene *g, adse_err *err)
{
    adse_status st = adse__yexpect(r, ADSE__YMAP, "range", err);
    if (st) return st;
    if ((st = adse__ycheck_keys(r, range_keys, "a range", err))) return st;
    const adse__ynode *mn = adse__ymap_get(r, "min"), *mx = adse__ymap_get(r, "max");
    const adse__ynode *step_n = adse__ymap_get(r, "step"), *scale_n = adse__ymap_get(r, "scale");
    if (!mn || !mx) return adse__yerr(err, ADSE_E_SPEC, r, "a range needs 'min' and 'max'");
    double lo, hi, step = 1;
    if ((st = get_num(mn, "min", &lo, err)) || (st = get_num(mx, "max", &hi, err))) return st;
    if (hi < lo)
        return adse__yerr(err, ADSE_E_SPEC, mx, "range of gene '%s': max %.17g is below min %.17g",
                          g->name, hi, lo);
    bool pow2 = false;
    if (scale_n) {
        const char *t = adse__ynode_text(scale_n);
        if (t && (strcmp(t, "pow2") == 0 || strcmp(t, "log2") == 0))
            pow2 = true;
        else if (!t || strcmp(t, "linear") != 0)
            return adse__yerr(err, ADSE_E_SPEC, scale_n,
                              "'scale' must be 'linear' or 'pow2', got '%s'", t ? t : "?");
    }
    if (pow2) {
        if (step_n)
            return adse__yerr(err, ADSE_E_SPEC, step_n,
                              "'step' does not apply to a 'pow2' range (every power of two from "
                              "min to max)");
        if (!is_pow2(lo))
            return adse__yerr(err, ADSE_E_SPEC, mn,
                              "min %.17g of a pow2 range is not a power of two", lo);
        if (!is_pow2(hi))
            return adse__yerr(err, ADSE_E_SPEC, mx,
                              "max %.17g of a pow2 range is not a power of two", hi);
        for (double v = lo; v <= hi; v *= 2) {
            if ((st = add_value(g, v, r, err))) return st;
        }
        return ADSE_OK;
    }
    if (step_n) {
        if ((st = get_num(step_n, "step", &step, err))) return st;
        if (!(step > 0)) return adse__yerr(err, ADSE_E_SPEC, step_n, "'step' must be positive");
    }
    double n = floor((hi - lo) / step + 1e-9) + 1;
    if (n > ADSE_SEARCH_MAX_VALUES)
        return adse__yerr(err, ADSE_E_SPEC, r,
                          "range of gene '%s' has %.0f values, more than ADSE_SEARCH_MAX_VALUES "
                          "(%d)",
                          g->name, n, ADSE_SEARCH_MAX_VALUES);
    for (int i = 0; i < (int)n; i++) {
        double v = lo + step * i;
        if ((st = add_value(g, v, r, err))) return st;
    }
    return ADSE_OK;
}

/* The meshX values of every factor pair of n (ascending), at most max + 1 of them. */
static int mesh_divisors(uint64_t n, uint64_t *out, int max)
{
    /* those up to the square root, then their cofactors (a linear scan would take seconds
     * for a total near UINT32_MAX) */
    uint64_t small[ADSE_SEARCH_MAX_VALUES + 1];
    int n_small = 0, k = 0;
    for (uint64_t x = 1; x * x <= n; x++) {
        if (n % x) continue;
        if (n_small > max) break; /* the caller fails before using more */
        small[n_small++] = x;
    }
    for (int i = 0; i < n_small && k <= max; i++)
        out[k++] = small[i];
    for (int i = n_small - 1; i >= 0 && k <= max; i--)
        if (small[i] * small[i] != n) out[k++] = n / small[i];
    return k;
}

/* `pes`: a list of PE counts, or a range {min, max, step}; every factor pair of each. */
static adse_status parse_mesh_pes(const adse__ynode *pes, adse_search_gene *g, adse_err *err)
{
    adse_status st;
    int64_t counts[ADSE_SEARCH_MAX_VALUES];
    int n = 0;
    if (adse__ynode_is_seq(pes) && pes->n > 0) {
        for (int i = 0; i < pes->n; i++) {
            if (n == ADSE_SEARCH_MAX_VALUES)
                return adse__yerr(err, ADSE_E_SPEC, pes->items[i],
                                  "more than %d PE counts in gene '%s'", ADSE_SEARCH_MAX_VALUES,
                                  g->name);
            if ((st = get_int(pes->items[i], "pes", 1, 1048576, &counts[n], err))) return st;
            for (int j = 0; j < n; j++)
                if (counts[j] == counts[n])
                    return adse__yerr(err, ADSE_E_SPEC, pes->items[i],
                                      "PE count %" PRId64 " given twice in gene '%s'", counts[n],
                                      g->name);
            n++;
        }
    } else if (adse__ynode_is_map(pes)) {
        if ((st = adse__ycheck_keys(pes, (const char *const[]){"min", "max", "step", NULL}, "'pes'",
                                    err)))
            return st;
        const adse__ynode *mn = adse__ymap_get(pes, "min"), *mx = adse__ymap_get(pes, "max");
        const adse__ynode *sp = adse__ymap_get(pes, "step");
        if (!mn || !mx) return adse__yerr(err, ADSE_E_SPEC, pes, "'pes' needs 'min' and 'max'");
        int64_t lo = 0, hi = 0, step = 1;
        if ((st = get_int(mn, "min", 1, 1048576, &lo, err)) ||
            (st = get_int(mx, "max", lo, 1048576, &hi, err)) ||
            (sp && (st = get_int(sp, "step", 1, 1048576, &step, err))))
            return st;
        for (int64_t c = lo; c <= hi; c += step) {
            if (n == ADSE_SEARCH_MAX_VALUES)
                return adse__yerr(err, ADSE_E_SPEC, pes, "more than %d PE counts in gene '%s'",
                                  ADSE_SEARCH_MAX_VALUES, g->name);
            counts[n++] = c;
        }
    } else {
        return adse__yerr(err, ADSE_E_SPEC, pes,
                          "'pes' must be a non-empty list of PE counts or {min, max, step}");
    }
    for (int i = 0; i < n; i++) {
        uint64_t xs[ADSE_SEARCH_MAX_VALUES + 1];
        int nx = mesh_divisors((uint64_t)counts[i], xs, ADSE_SEARCH_MAX_VALUES);
        for (int k = 0; k < nx; k++) {
            double v = adse_search_mesh_value(g, xs[k], (uint64_t)counts[i] / xs[k]);
            if (g->n_values == ADSE_SEARCH_MAX_VALUES)
                return adse__yerr(err, ADSE_E_SPEC, pes,
                                  "gene '%s' has more than ADSE_SEARCH_MAX_VALUES (%d) meshes "
                                  "(factor pairs of its PE counts)",
                                  g->name, ADSE_SEARCH_MAX_VALUES);
            g->values[g->n_values++] = v;
        }
    }
    return ADSE_OK;
}

static adse_status parse_mesh(const adse__ynode *m, adse_search_gene *g, adse_err *err)
{
    adse_status st;
    const adse__ynode *total = m, *xs = NULL;
    g->attr = ADSE_GENE_MESH;
    if (adse__ynode_is_map(m)) {
        if ((st = adse__ycheck_keys(m, mesh_keys, "a mesh gene", err))) return st;
        total = adse__ymap_get(m, "total");
        xs = adse__ymap_get(m, "meshX");
        const adse__ynode *pes = adse__ymap_get(m, "pes");
        if (pes && (total || xs))
            return adse__yerr(err, ADSE_E_SPEC, pes,
                              "mesh gene '%s': 'pes' (several PE counts) excludes 'total' and "
                              "'meshX'",
                              g->name);
        if (pes) return parse_mesh_pes(pes, g, err);
        if (!total)
            return adse__yerr(err, ADSE_E_SPEC, m,
                              "mesh gene '%s' needs 'total' (meshX * meshY) or 'pes' (a list of "
                              "PE counts)",
                              g->name);
    }
    int64_t t = 0;
    if ((st = get_int(total, "mesh", 1, UINT32_MAX, &t, err))) return st;
    g->mesh_total = (uint64_t)t;
    if (xs) {
        if (!adse__ynode_is_seq(xs) || xs->n == 0)
            return adse__yerr(err, ADSE_E_SPEC, xs, "'meshX' of gene '%s' must be a non-empty list",
                              g->name);
        return add_values(g, xs, "meshX", err);
    }
    uint64_t d[ADSE_SEARCH_MAX_VALUES + 1];
    int nd = mesh_divisors(g->mesh_total, d, ADSE_SEARCH_MAX_VALUES);
    for (int i = 0; i < nd; i++)
        if ((st = add_value(g, (double)d[i], total, err))) return st;
    return ADSE_OK;
}

#define MESH_Y_UNIT 4294967296.0 /* 2^32: v = meshX + 2^32 meshY with several PE counts */

double adse_search_mesh_value(const adse_search_gene *g, uint64_t x, uint64_t y)
{
    return g && g->mesh_total ? (double)x : (double)x + MESH_Y_UNIT * (double)y;
}

bool adse_search_mesh_of(const adse_search_gene *g, double v, uint64_t *x, uint64_t *y)
{
    *x = *y = 0;
    if (!g || g->attr != ADSE_GENE_MESH || !(v >= 1) || v >= 9007199254740992.0 || v != floor(v))
        return false;
    if (g->mesh_total) {
        if (g->mesh_total % (uint64_t)v) return false;
        *x = (uint64_t)v;
        *y = g->mesh_total / *x;
        return true;
    }
    double yy = floor(v / MESH_Y_UNIT);
    *x = (uint64_t)(v - yy * MESH_Y_UNIT);
    *y = (uint64_t)yy;
    return *x >= 1 && *y >= 1;
}

/* The component and attribute of a (non-mesh) parameter. */
static adse_status parse_gene_target(const adse__ynode *e, const adse__ynode *comp,
                                     const adse__ynode *attr, adse_search_gene *g, adse_err *err)
{
    adse_status st;
    if (!comp)
        return adse__yerr(err, ADSE_E_SPEC, e, "parameter '%s' without a 'component'", g->name);
    if ((st = copy_name(comp, g->component, "component", err))) return st;
    set_pos(comp, &g->component_line, &g->component_column);
    if (!attr)
        return adse__yerr(err, ADSE_E_SPEC, e, "parameter '%s' without an 'attribute'", g->name);
    const char *at = adse__ynode_text(attr);
    bool found = false;
    for (size_t i = 0; at && i < sizeof gene_attrs / sizeof gene_attrs[0] && !found; i++)
        if (adse__ykey_eq(at, gene_attrs[i].name)) {
            g->attr = gene_attrs[i].attr;
            found = true;
        }
    if (!found)
        return adse__yerr(err, ADSE_E_SPEC, attr,
                          "unknown attribute '%s' of parameter '%s' (depth, width, block_size, "
                          "word_bits, meshX, instances, read_bandwidth, write_bandwidth, "
                          "bandwidth)",
                          at ? at : "?", g->name);
    return ADSE_OK;
}

/* `values:` of a parameter: a non-empty list of numbers valid for its attribute. */
static adse_status parse_gene_values(const adse__ynode *values, adse_search_gene *g, adse_err *err)
{
    set_pos(values, &g->values_line, &g->values_column);
    if (!adse__ynode_is_seq(values) || values->n == 0)
        return adse__yerr(err, ADSE_E_SPEC, values,
                          "'values' of parameter '%s' must be a non-empty list of numbers",
                          g->name);
    return add_values(g, values, "values", err);
}

static adse_status parse_gene(const adse__ynode *e, adse_search_gene *g, adse_err *err)
{
    adse_status st = adse__yexpect(e, ADSE__YMAP, "a parameter", err);
    if (st) return st;
    if ((st = adse__ycheck_keys(e, gene_keys, "a parameter", err))) return st;
    set_pos(e, &g->line, &g->column);
    const adse__ynode *name = adse__ymap_get(e, "name");
    if (!name) return adse__yerr(err, ADSE_E_SPEC, e, "parameter without a 'name'");
    if ((st = copy_name(name, g->name, "name", err))) return st;
    for (const char *c = g->name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
            return adse__yerr(err, ADSE_E_SPEC, name,
                              "parameter name '%s' may only hold letters, digits, '_', '-' and "
                              "'.'",
                              g->name);
    const adse__ynode *mesh = adse__ymap_get(e, "mesh");
    const adse__ynode *values = adse__ymap_get(e, "values");
    const adse__ynode *range = adse__ymap_get(e, "range");
    const adse__ynode *comp = adse__ymap_get(e, "component");
    const adse__ynode *attr = adse__ymap_get(e, "attribute");
    if (mesh) {
        if (values || range || comp || attr)
            return adse__yerr(err, ADSE_E_SPEC, e,
                              "mesh gene '%s' takes only 'name' and 'mesh' (the values are the "
                              "factor pairs of the total)",
                              g->name);
        set_pos(mesh, &g->values_line, &g->values_column);
        set_pos(e, &g->component_line, &g->component_column);
        return parse_mesh(mesh, g, err);
    }
    if ((st = parse_gene_target(e, comp, attr, g, err))) return st;
    if (!values == !range)
        return adse__yerr(err, ADSE_E_SPEC, e,
                          "parameter '%s' needs exactly one of 'values' and "
                          "'range'",
                          g->name);
    if (range) {
        set_pos(range, &g->values_line, &g->values_column);
        return parse_range(range, g, err);
    }
    return parse_gene_values(values, g, err);
}

static adse_status parse_parameters(const adse__ynode *p, adse_search_spec *s, adse_err *err)
{
    if (!adse__ynode_is_seq(p) || p->n == 0)
        return adse__yerr(err, ADSE_E_SPEC, p, "'parameters' must be a non-empty list of genes");
    for (int i = 0; i < p->n; i++) {
        if (i == ADSE_SEARCH_MAX_GENES)
            return adse__yerr(err, ADSE_E_SPEC, p->items[i],
                              "more than ADSE_SEARCH_MAX_GENES (%d) parameters",
                              ADSE_SEARCH_MAX_GENES);
        adse_search_gene *g = &s->genes[s->n_genes++];
        adse_status st = parse_gene(p->items[i], g, err);
        if (st) return st;
        for (int j = 0; j < s->n_genes - 1; j++) {
            const adse_search_gene *o = &s->genes[j];
            if (strcmp(o->name, g->name) == 0)
                return adse__yerr(err, ADSE_E_SPEC, p->items[i], "duplicate parameter name '%s'",
                                  g->name);
            if (g->attr == ADSE_GENE_MESH && o->attr == ADSE_GENE_MESH)
                return adse__yerr(err, ADSE_E_SPEC, p->items[i],
                                  "more than one mesh parameter ('%s' and '%s')", o->name, g->name);
            if (g->attr != ADSE_GENE_MESH && o->attr == g->attr &&
                strcmp(o->component, g->component) == 0)
                return adse__yerr(err, ADSE_E_SPEC, p->items[i],
                                  "parameters '%s' and '%s' set the same attribute of '%s'",
                                  o->name, g->name, g->component);
        }
    }
    return ADSE_OK;
}

/* ---- budgets ------------------------------------------------------------------------- */

static const adse_search_budget_kind budget_kinds[ADSE_BUDGET_COUNT] = {
    [ADSE_BUDGET_PES] = {"pes", NULL, "PEs", ADSE_SM_PES},
    [ADSE_BUDGET_ONCHIP_BITS] = {"onchip_bits", NULL, "on-chip bits", ADSE_SM_ONCHIP_BITS},
    [ADSE_BUDGET_AREA] = {"area_um2", "area", "area (um^2)", ADSE_SM_AREA}};

const adse_search_budget_kind *adse_search_budget_info(adse_search_budget_id b)
{
    return (unsigned)b < ADSE_BUDGET_COUNT ? &budget_kinds[b] : NULL;
}

/* The budget a `budgets:` key names (name or alias); -1 if none. */
static int budget_id(const char *key)
{
    for (int b = 0; b < ADSE_BUDGET_COUNT; b++)
        if (adse__ykey_eq(key, budget_kinds[b].name) ||
            (budget_kinds[b].alias && adse__ykey_eq(key, budget_kinds[b].alias)))
            return b;
    return -1;
}

static adse_status parse_budget_value(const adse__ynode *v, adse_search_budget *b, adse_err *err)
{
    b->set = true;
    set_pos(v, &b->line, &b->column);
    double x;
    if (adse__yscalar_double(v, &x)) {
        if (!(x > 0)) return adse__yerr(err, ADSE_E_SPEC, v, "a budget must be positive");
        b->limit = x;
        return ADSE_OK;
    }
    const char *t = adse__ynode_text(v);
    if (t) {
        /* "baseline" or "<number> * baseline" */
        const char *star = strchr(t, '*');
        double scale = 1;
        const char *word = t;
        bool ok = true;
        if (star) {
            char num[64];
            size_t n = (size_t)(star - t);
            ok = n < sizeof num;
            if (ok) {
                memcpy(num, t, n);
                num[n] = 0;
                char *end;
                scale = adse__num_parse(num, &end);
                while (*end == ' ')
                    end++;
                ok = end != num && *end == 0 && scale > 0 && isfinite(scale);
            }
            word = star + 1;
        }
        while (*word == ' ')
            word++;
        size_t wl = strlen(word);
        while (wl && word[wl - 1] == ' ')
            wl--;
        if (ok && wl == 8 && strncmp(word, "baseline", 8) == 0) {
            b->of_baseline = true;
            b->scale = scale;
            return ADSE_OK;
        }
    }
    return adse__yerr(err, ADSE_E_SPEC, v,
                      "a budget must be a positive number, 'baseline' or '<number> * baseline', "
                      "got '%s'",
                      t ? t : adse__ynode_kind_name(v));
}

static adse_status parse_budgets(const adse__ynode *b, adse_search_spec *s, adse_err *err)
{
    adse_status st = adse__yexpect(b, ADSE__YMAP, "budgets", err);
    if (st) return st;
    for (int i = 0; i < b->n; i++) {
        const char *k = b->pairs[i].key->text;
        int id = budget_id(k);
        if (id < 0)
            return adse__yerr(err, ADSE_E_SPEC, b->pairs[i].key, "unknown key '%s' in 'budgets'",
                              k);
        if (s->budgets[id].set)
            return adse__yerr(err, ADSE_E_SPEC, b->pairs[i].key, "budget '%s' given twice", k);
        if ((st = parse_budget_value(b->pairs[i].value, &s->budgets[id], err))) return st;
    }
    return ADSE_OK;
}

/* ---- loss ---------------------------------------------------------------------------- */

static const char *const loss_keys[] = {"weights", "normalize", "expression", NULL};

/* The readable form of a weighted loss, for reports ("1*energy + 2*cycles"). */
static void weights_text(adse_search_loss *loss)
{
    size_t used = 0;
    loss->text[0] = 0;
    for (int m = 0; m < ADSE_SM_COUNT; m++) {
        double v = loss->weights[m];
        if (v == 0) continue;
        bool neg = m == ADSE_SM_GFLOPS || m == ADSE_SM_UTILIZATION;
        double sv = neg ? -v : v;
        int n = adse__c_snprintf(
            loss->text + used, sizeof loss->text - used, "%s%s%g*%s%s%s", used ? " " : "",
            sv < 0 ? "- " : (used ? "+ " : ""), fabs(sv),
            adse_search_metric_name((adse_search_metric)m), loss->normalize ? "/baseline." : "",
            loss->normalize ? adse_search_metric_name((adse_search_metric)m) : "");
        if (n < 0 || (size_t)n >= sizeof loss->text - used) break;
        used += (size_t)n;
    }
}

static adse_status parse_loss(const adse__ynode *l, adse_search_loss *loss, adse_err *err)
{
    set_pos(l, &loss->line, &loss->column);
    if (adse__ynode_is_scalar(l))
        return adse__loss_compile_expression(l, "loss expression", loss, err);
    adse_status st = adse__yexpect(l, ADSE__YMAP, "loss", err);
    if (st) return st;
    if ((st = adse__ycheck_keys(l, loss_keys, "'loss'", err))) return st;
    const adse__ynode *e = adse__ymap_get(l, "expression");
    const adse__ynode *w = adse__ymap_get(l, "weights");
    const adse__ynode *nz = adse__ymap_get(l, "normalize");
    if (!e == !w)
        return adse__yerr(err, ADSE_E_SPEC, l,
                          "'loss' needs exactly one of 'weights' and "
                          "'expression'");
    if (e) {
        if (nz)
            return adse__yerr(err, ADSE_E_SPEC, nz,
                              "'normalize' applies to 'weights'; write baseline.<metric> in an "
                              "expression");
        return adse__loss_compile_expression(e, "loss expression", loss, err);
    }
    if ((st = adse__yexpect(w, ADSE__YMAP, "weights", err))) return st;
    if (w->n == 0) return adse__yerr(err, ADSE_E_SPEC, w, "'weights' is empty");
    for (int i = 0; i < w->n; i++) {
        const char *k = w->pairs[i].key->text;
        int m = adse__search_metric_id(k, strlen(k));
        if (m < 0 || m == ADSE_SM_PES || m == ADSE_SM_ONCHIP_BITS) {
            if (m < 0 && strlen(k) == 2 && k[0] == 'a' && k[1] >= '1' && k[1] <= '4')
                m = (int)(k[1] - '1'); /* the seed's a1..a4 */
            else if (m < 0 || m == ADSE_SM_PES)
                return adse__yerr(err, ADSE_E_SPEC, w->pairs[i].key,
                                  "unknown loss weight '%s' (cycles, energy, gflops, utilization, "
                                  "edp, area, onchip_bits, or a1..a4)",
                                  k);
        }
        double v;
        if ((st = get_num(w->pairs[i].value, k, &v, err))) return st;
        loss->weights[m] = v;
    }
    if (nz) {
        if (!adse__yscalar_bool(nz, &loss->normalize)) {
            const char *t = adse__ynode_text(nz);
            if (t && strcmp(t, "baseline") == 0)
                loss->normalize = true;
            else
                return adse__yerr(err, ADSE_E_SPEC, nz, "'normalize' must be true or false");
        }
    }
    weights_text(loss);
    return ADSE_OK;
}

/* ---- objectives ---------------------------------------------------------------------- */

static const char *const objective_keys[] = {"name", "expression", NULL};

/* The metrics an objective may name: the ones smaller is better for. */
static bool objective_metric(int m)
{
    return m == ADSE_SM_CYCLES || m == ADSE_SM_ENERGY || m == ADSE_SM_EDP || m == ADSE_SM_AREA ||
           m == ADSE_SM_ONCHIP_BITS;
}

/* One entry of `objectives`: a metric name, or {name, expression}. */
static adse_status parse_objective(const adse__ynode *e, adse_search_objective *o, adse_err *err)
{
    adse_status st;
    set_pos(e, &o->line, &o->column);
    if (adse__ynode_is_map(e)) {
        if ((st = adse__ycheck_keys(e, objective_keys, "an objective", err))) return st;
        const adse__ynode *nm = adse__ymap_get(e, "name"), *ex = adse__ymap_get(e, "expression");
        if (!nm || !ex)
            return adse__yerr(err, ADSE_E_SPEC, e,
                              "an objective given as a map needs 'name' and 'expression'");
        if ((st = copy_name(nm, o->name, "name", err))) return st;
        char what[ADSE_NAME_MAX + 16];
        snprintf(what, sizeof what, "objective '%s'", o->name);
        o->metric = -1;
        return adse__loss_compile_expression(ex, what, &o->expr, err);
    }
    const char *t = adse__ynode_text(e);
    int m = t ? adse__search_metric_id(t, strlen(t)) : -1;
    if (m < 0 || !objective_metric(m))
        return adse__yerr(err, ADSE_E_SPEC, e,
                          "%s objective '%s' (cycles, energy, edp, area, onchip_bits, or {name: "
                          "..., expression: ...} for anything else, e.g. 1 / gflops)",
                          m < 0 ? "unknown" : "not a minimised", t ? t : adse__ynode_kind_name(e));
    snprintf(o->name, sizeof o->name, "%s", adse_search_metric_name((adse_search_metric)m));
    o->metric = m;
    return adse__loss_compile_expression(e, "objective", &o->expr, err);
}

static adse_status parse_objectives(const adse__ynode *l, adse_search_spec *s, adse_err *err)
{
    set_pos(l, &s->objectives_line, &s->objectives_column);
    if (!adse__ynode_is_seq(l) || l->n < 2 || l->n > ADSE_SEARCH_MAX_OBJECTIVES)
        return adse__yerr(err, ADSE_E_SPEC, l,
                          "'objectives' must be a list of 2 or 3 objectives (cycles, energy, edp, "
                          "area, onchip_bits, or {name, expression})");
    for (int i = 0; i < l->n; i++) {
        adse_search_objective *o = &s->objectives[i];
        adse_status st = parse_objective(l->items[i], o, err);
        if (st) return st;
        for (int j = 0; j < i; j++)
            if (strcmp(s->objectives[j].name, o->name) == 0)
                return adse__yerr(err, ADSE_E_SPEC, l->items[i], "objective '%s' given twice",
                                  o->name);
        s->n_objectives = i + 1;
    }
    return ADSE_OK;
}

/* ---- GA settings, references ---------------------------------------------------------- */

static const char *const ga_keys[] = {
    "population", "generations",      "parents",      "elite",     "mutation", "seed",
    "crossover",  "include_baseline", "max_resample", "algorithm", NULL};

const char *adse_search_algorithm_name(adse_search_algorithm a)
{
    switch (a) {
    case ADSE_ALGO_GA: return "ga";
    case ADSE_ALGO_NSGA2: return "nsga2";
    case ADSE_ALGO_RANDOM: return "random";
    }
    return "?";
}

/* `algorithm`, checked against the spec's loss or objectives. */
static adse_status parse_algorithm(const adse__ynode *n, adse_ga_settings *ga, int n_objectives,
                                   adse_err *err)
{
    const char *t = adse__ynode_text(n);
    int a = -1;
    for (int k = ADSE_ALGO_GA; k <= ADSE_ALGO_RANDOM && t; k++)
        if (strcmp(t, adse_search_algorithm_name((adse_search_algorithm)k)) == 0) a = k;
    if (a < 0)
        return adse__yerr(err, ADSE_E_SPEC, n,
                          "'algorithm' must be 'ga', 'nsga2' or 'random', got '%s'",
                          t ? t : adse__ynode_kind_name(n));
    if (a == ADSE_ALGO_GA && n_objectives)
        return adse__yerr(err, ADSE_E_SPEC, n,
                          "'algorithm: ga' minimises one loss; with 'objectives' use nsga2 or "
                          "random");
    if (a == ADSE_ALGO_NSGA2 && !n_objectives)
        return adse__yerr(err, ADSE_E_SPEC, n,
                          "'algorithm: nsga2' needs 'objectives' (2 or 3 metrics to minimise "
                          "together)");
    ga->algorithm = (adse_search_algorithm)a;
    return ADSE_OK;
}

static adse_status parse_ga(const adse__ynode *g, adse_ga_settings *ga, int n_objectives,
                            adse_err *err)
{
    adse_status st = adse__yexpect(g, ADSE__YMAP, "ga", err);
    if (st) return st;
    if ((st = adse__ycheck_keys(g, ga_keys, "'ga'", err))) return st;
    /* the integer settings and their ranges */
    const struct {
        const char *key;
        int64_t min, max;
        int *field;
    } ints[] = {{"population", 1, 100000, &ga->population},
                {"generations", 1, 1000000, &ga->generations},
                {"parents", 1, 100000, &ga->parents},
                {"elite", 0, 100000, &ga->elite},
                {"max_resample", 1, 1000000, &ga->max_resample}};
    const adse__ynode *n;
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        int64_t v = 0;
        if (!(n = adse__ymap_get(g, ints[i].key))) continue;
        if ((st = get_int(n, ints[i].key, ints[i].min, ints[i].max, &v, err))) return st;
        *ints[i].field = (int)v;
    }
    if ((n = adse__ymap_get(g, "seed"))) {
        uint64_t u;
        if (!adse__yscalar_u64(n, &u))
            return adse__yerr(err, ADSE_E_SPEC, n, "'seed' must be a non-negative integer");
        ga->seed = u;
    }
    if ((n = adse__ymap_get(g, "mutation"))) {
        if ((st = get_num(n, "mutation", &ga->mutation, err))) return st;
        if (ga->mutation < 0 || ga->mutation > 1)
            return adse__yerr(err, ADSE_E_SPEC, n, "'mutation' must be a probability (0 to 1)");
    }
    if ((n = adse__ymap_get(g, "crossover"))) {
        const char *t = adse__ynode_text(n);
        if (t && strcmp(t, "uniform") == 0)
            ga->crossover = ADSE_CROSSOVER_UNIFORM;
        else if (t && strcmp(t, "none") == 0)
            ga->crossover = ADSE_CROSSOVER_NONE;
        else
            return adse__yerr(err, ADSE_E_SPEC, n, "'crossover' must be 'uniform' or 'none'");
    }
    if ((n = adse__ymap_get(g, "algorithm")) && (st = parse_algorithm(n, ga, n_objectives, err)))
        return st;
    if ((n = adse__ymap_get(g, "include_baseline")) &&
        !adse__yscalar_bool(n, &ga->include_baseline))
        return adse__yerr(err, ADSE_E_SPEC, n, "'include_baseline' must be true or false");
    if (ga->parents > ga->population)
        return adse__yerr(err, ADSE_E_SPEC, g, "'parents' (%d) exceeds 'population' (%d)",
                          ga->parents, ga->population);
    if (ga->elite >= ga->population)
        return adse__yerr(err, ADSE_E_SPEC, g, "'elite' (%d) must be below 'population' (%d)",
                          ga->elite, ga->population);
    return ADSE_OK;
}

static const char *const ref_keys[] = {"name", "genes", NULL};

/* A gene value in a reference: a number, or for the mesh "XxY" / [X, Y]. */
static adse_status ref_value(const adse__ynode *v, const adse_search_gene *g, double *out,
                             adse_err *err)
{
    if (g->attr == ADSE_GENE_MESH) {
        uint64_t x = 0, y = 0;
        const char *t = adse__ynode_text(v);
        bool ok = false;
        if (adse__ynode_is_seq(v) && v->n == 2) {
            ok = adse__yscalar_u64(v->items[0], &x) && adse__yscalar_u64(v->items[1], &y);
        } else if (t && strchr(t, 'x')) {
            char *end;
            x = strtoull(t, &end, 10);
            ok = end != t && *end == 'x';
            if (ok) {
                const char *s2 = end + 1;
                y = strtoull(s2, &end, 10);
                ok = end != s2 && *end == 0;
            }
        } else if (g->mesh_total && adse__yscalar_u64(v, &x)) {
            ok = x > 0 && g->mesh_total % x == 0;
            y = ok ? g->mesh_total / x : 0;
        }
        if (g->mesh_total && (!ok || x == 0 || x * y != g->mesh_total))
            return adse__yerr(err, ADSE_E_SPEC, v,
                              "value of mesh gene '%s' must be 'XxY', [X, Y] or meshX with X * Y "
                              "= %" PRIu64,
                              g->name, g->mesh_total);
        *out = adse_search_mesh_value(g, x, y);
        bool listed = false;
        for (int i = 0; i < g->n_values && ok && !g->mesh_total; i++)
            listed |= g->values[i] == *out;
        if (!g->mesh_total && !listed)
            return adse__yerr(err, ADSE_E_SPEC, v,
                              "value of mesh gene '%s' must be 'XxY' or [X, Y] with X * Y one of "
                              "its PE counts",
                              g->name);
        return ADSE_OK;
    }
    adse_status st = get_num(v, g->name, out, err);
    if (!st) st = check_value(g, *out, v, err);
    return st;
}

static adse_status parse_refs(const adse__ynode *r, adse_search_spec *s, adse_err *err)
{
    if (!adse__ynode_is_seq(r))
        return adse__yerr(err, ADSE_E_SPEC, r, "'references' must be a list of {name, genes}");
    for (int i = 0; i < r->n; i++) {
        const adse__ynode *e = r->items[i];
        if (i == ADSE_SEARCH_MAX_REFS)
            return adse__yerr(err, ADSE_E_SPEC, e, "more than ADSE_SEARCH_MAX_REFS (%d) references",
                              ADSE_SEARCH_MAX_REFS);
        adse_status st = adse__yexpect(e, ADSE__YMAP, "a reference", err);
        if (st || (st = adse__ycheck_keys(e, ref_keys, "a reference", err))) return st;
        adse_search_ref *ref = &s->refs[s->n_refs++];
        set_pos(e, &ref->line, &ref->column);
        const adse__ynode *nm = adse__ymap_get(e, "name");
        if (!nm) return adse__yerr(err, ADSE_E_SPEC, e, "reference without a 'name'");
        if ((st = copy_name(nm, ref->name, "name", err))) return st;
        const adse__ynode *gs = adse__ymap_get(e, "genes");
        if (!gs)
            return adse__yerr(err, ADSE_E_SPEC, e, "reference '%s' without 'genes'", ref->name);
        if ((st = adse__yexpect(gs, ADSE__YMAP, "genes", err))) return st;
        for (int k = 0; k < gs->n; k++) {
            const adse__ypair *p = &gs->pairs[k];
            int gi = -1;
            for (int j = 0; j < s->n_genes; j++)
                if (strcmp(s->genes[j].name, p->key->text) == 0) gi = j;
            if (gi < 0)
                return adse__yerr(err, ADSE_E_SPEC, p->key,
                                  "reference '%s' names unknown parameter '%s'", ref->name,
                                  p->key->text);
            if ((st = ref_value(p->value, &s->genes[gi], &ref->values[gi], err))) return st;
            ref->given[gi] = true;
            set_pos(p->value, &ref->value_line[gi], &ref->value_column[gi]);
        }
    }
    return ADSE_OK;
}

/* ---- the spec ------------------------------------------------------------------------ */

static const char *const top_keys[] = {"design",     "mapper",  "workload",   "parameters",
                                       "budgets",    "loss",    "objectives", "ga",
                                       "references", "version", NULL};

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = ADSE_FNV_BASIS;
    for (size_t i = 0; i < n; i++)
        h = adse__fnv(h, (unsigned char)s[i]);
    return h;
}

static adse_status convert(const adse__ydoc *doc, const char *base, adse_search_spec *s,
                           adse_err *err)
{
    adse_status st;
    for (int i = 0; i < adse__ydoc_top_count(doc); i++) {
        const adse__ynode *k = adse__ydoc_top_at(doc, i)->key;
        bool ok = false;
        for (const char *const *a = top_keys; *a && !ok; a++)
            ok = adse__ykey_eq(k->text, *a);
        if (!ok)
            return adse__yerr(err, ADSE_E_SPEC, k,
                              "unknown top-level key '%s' in the search spec (design, mapper, "
                              "workload, parameters, budgets, loss, objectives, ga, references)",
                              k->text);
    }
    const adse__ypair *d = adse__ydoc_top_pair(doc, "design");
    if (!d)
        return adse_err_set(err, ADSE_E_SPEC, s->path, 0, 0,
                            "missing 'design' (the baseline's architecture, constraints, mapper)");
    if ((st = parse_design(d, base, s, err))) return st;
    const adse__ynode *m = adse__ydoc_top(doc, "mapper");
    if (m && !adse__ynode_is_null(m) && (st = parse_mapper(m, s, err))) return st;
    const adse__ypair *w = adse__ydoc_top_pair(doc, "workload");
    if (!w) return adse_err_set(err, ADSE_E_SPEC, s->path, 0, 0, "missing 'workload'");
    if ((st = parse_workload(w->value, base, s, err))) return st;
    const adse__ypair *p = adse__ydoc_top_pair(doc, "parameters");
    if (!p) return adse_err_set(err, ADSE_E_SPEC, s->path, 0, 0, "missing 'parameters'");
    if ((st = parse_parameters(p->value, s, err))) return st;
    const adse__ynode *b = adse__ydoc_top(doc, "budgets");
    if (b && !adse__ynode_is_null(b) && (st = parse_budgets(b, s, err))) return st;
    const adse__ypair *l = adse__ydoc_top_pair(doc, "loss");
    const adse__ypair *ob = adse__ydoc_top_pair(doc, "objectives");
    if (l && ob)
        return adse__yerr(err, ADSE_E_SPEC, ob->key,
                          "'objectives' and 'loss' are exclusive (a loss ranks designs by one "
                          "number; objectives keep the trade-off: give one)");
    if (ob) {
        if ((st = parse_objectives(ob->value, s, err))) return st;
        snprintf(s->loss.text, sizeof s->loss.text, "none (objectives)");
    } else if (l) {
        if ((st = parse_loss(l->value, &s->loss, err))) return st;
    } else {
        /* the seed's loss with unit weights on baseline-normalised metrics */
        s->loss.weights[ADSE_SM_CYCLES] = s->loss.weights[ADSE_SM_ENERGY] = 1;
        s->loss.weights[ADSE_SM_GFLOPS] = s->loss.weights[ADSE_SM_UTILIZATION] = 1;
        s->loss.normalize = true;
        snprintf(s->loss.text, sizeof s->loss.text,
                 "1*cycles/baseline.cycles + 1*energy/baseline.energy - "
                 "1*gflops/baseline.gflops - 1*utilization/baseline.utilization");
    }
    const adse__ynode *g = adse__ydoc_top(doc, "ga");
    s->ga.algorithm = s->n_objectives ? ADSE_ALGO_NSGA2 : ADSE_ALGO_GA;
    if (g && !adse__ynode_is_null(g) && (st = parse_ga(g, &s->ga, s->n_objectives, err))) return st;
    const adse__ynode *r = adse__ydoc_top(doc, "references");
    if (r && !adse__ynode_is_null(r) && (st = parse_refs(r, s, err))) return st;
    return ADSE_OK;
}

static adse_status load_text(const char *text, size_t len, const char *name, const char *base_dir,
                             adse_search_spec **out, adse_err *err)
{
    adse_search_spec *s = calloc(1, sizeof *s);
    if (!s) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    snprintf(s->path, sizeof s->path, "%s", name);
    adse_ga_settings_init(&s->ga);
    s->text_hash = fnv1a(text, len);
    adse__ydoc *doc = NULL;
    adse_status st = adse__ydoc_new(&doc, err);
    if (!st) st = adse__ydoc_add(doc, text, len, name, err);
    if (!st) st = convert(doc, base_dir, s, err);
    adse__ydoc_free(doc);
    if (st) {
        free(s);
        return st;
    }
    *out = s;
    return ADSE_OK;
}

adse_status adse_search_spec_load_string(const char *text, const char *name, const char *base_dir,
                                         adse_search_spec **out, adse_err *err)
{
    adse_err_clear(err);
    if (!out || !text)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_spec_load_string: NULL");
    *out = NULL;
    return load_text(text, strlen(text), name ? name : "<search spec>", base_dir, out, err);
}

adse_status adse_search_spec_load(const char *path, adse_search_spec **out, adse_err *err)
{
    adse_err_clear(err);
    if (!out || !path)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_search_spec_load: NULL");
    *out = NULL;
    char *buf = NULL;
    size_t n = 0;
    adse_status rst = adse__read_file(path, &buf, &n, err);
    if (rst) return rst;
    char dir[ADSE_SEARCH_PATH_MAX];
    if (!adse__path_dir(path, dir, sizeof dir) || !dir[0]) snprintf(dir, sizeof dir, ".");
    adse_status st = load_text(buf, n, path, dir, out, err);
    free(buf);
    return st;
}

void adse_search_spec_free(adse_search_spec *spec)
{
    free(spec);
}
