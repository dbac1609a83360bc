/* The hardware-search spec (adse/search_spec.h): YAML -> adse_search_spec, the loss
 * expression compiler, and the architecture writer that re-emits a baseline's tree with a
 * design's geometry. */
#include "adse/search_spec.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/internal.h"
#include "input/tree.h"

/* ---- small helpers ------------------------------------------------------------------- */

static const char *const metric_names[ADSE_SM_COUNT] = {
    "cycles", "energy", "gflops", "utilization", "edp", "area", "onchip_bits", "pes"};

const char *adse_search_metric_name(adse_search_metric m)
{
    return (unsigned)m < ADSE_SM_COUNT ? metric_names[m] : "?";
}

/* Metric of a name, with the aliases energy_pj and area_um2; -1 if none. */
static int metric_id(const char *s, size_t len)
{
    static const struct {
        const char *name;
        int id;
    } aliases[] = {{"energy_pj", ADSE_SM_ENERGY}, {"area_um2", ADSE_SM_AREA}};
    for (int m = 0; m < ADSE_SM_COUNT; m++)
        if (strlen(metric_names[m]) == len && strncmp(metric_names[m], s, len) == 0) return m;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strlen(aliases[i].name) == len && strncmp(aliases[i].name, s, len) == 0)
            return aliases[i].id;
    return -1;
}

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
    int len;
    if (n->text[0] == '/' || !base_dir || !base_dir[0] || strcmp(base_dir, ".") == 0)
        len = snprintf(out, ADSE_SEARCH_PATH_MAX, "%s", n->text);
    else
        len = snprintf(out, ADSE_SEARCH_PATH_MAX, "%s/%s", base_dir, n->text);
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

/* The file name without directories and extension. */
static void file_stem(const char *path, char *out, size_t size)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strcspn(b, ".");
    if (n == 0) n = strlen(b);
    if (n >= size) n = size - 1;
    memcpy(out, b, n);
    out[n] = 0;
}

static adse_status parse_workload(const adse__ynode *w, const char *base, adse_search_spec *s,
                                  adse_err *err)
{
    if (adse__ynode_is_scalar(w) && !adse__ynode_is_null(w)) {
        adse_search_layer *l = &s->layers[s->n_layers++];
        set_pos(w, &l->line, &l->column);
        l->weight = 1;
        adse_status st = resolve_path(base, w, l->problem, "workload", err);
        if (!st) file_stem(l->problem, l->name, sizeof l->name);
        return st;
    }
    if (!adse__ynode_is_seq(w) || w->n == 0)
        return adse__yerr(err, ADSE_E_SPEC, w,
                          "'workload' must be a problem file or a non-empty list of "
                          "{problem, weight, name}");
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
            file_stem(l->problem, l->name, sizeof l->name);
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
static const char *const mesh_keys[] = {"total", "meshX", NULL};

static bool is_pow2(double v)
{
    if (!(v >= 1) || v != floor(v) || v > 9007199254740992.0) return false;
    uint64_t u = (uint64_t)v;
    return (u & (u - 1)) == 0;
}

static adse_status add_value(adse_search_gene *g, double v, const adse__ynode *at, adse_err *err)
{
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
    if (g->attr == ADSE_GENE_MESH && fmod((double)g->mesh_total, v) != 0)
        return adse__yerr(err, ADSE_E_SPEC, at,
                          "meshX %.17g of gene '%s' does not divide the mesh total %" PRIu64, v,
                          g->name, g->mesh_total);
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
            if ((st = check_value(g, v, r, err)) || (st = add_value(g, v, r, err))) return st;
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
        if ((st = check_value(g, v, r, err)) || (st = add_value(g, v, r, err))) return st;
    }
    return ADSE_OK;
}

static adse_status parse_mesh(const adse__ynode *m, adse_search_gene *g, adse_err *err)
{
    adse_status st;
    const adse__ynode *total = m, *xs = NULL;
    if (adse__ynode_is_map(m)) {
        if ((st = adse__ycheck_keys(m, mesh_keys, "a mesh gene", err))) return st;
        total = adse__ymap_get(m, "total");
        xs = adse__ymap_get(m, "meshX");
        if (!total)
            return adse__yerr(err, ADSE_E_SPEC, m, "mesh gene '%s' needs 'total' (meshX * meshY)",
                              g->name);
    }
    int64_t t = 0;
    if ((st = get_int(total, "mesh", 1, UINT32_MAX, &t, err))) return st;
    g->attr = ADSE_GENE_MESH;
    g->mesh_total = (uint64_t)t;
    if (xs) {
        if (!adse__ynode_is_seq(xs) || xs->n == 0)
            return adse__yerr(err, ADSE_E_SPEC, xs, "'meshX' of gene '%s' must be a non-empty list",
                              g->name);
        for (int i = 0; i < xs->n; i++) {
            double v;
            if ((st = get_num(xs->items[i], "meshX", &v, err))) return st;
            if ((st = check_value(g, v, xs->items[i], err)) ||
                (st = add_value(g, v, xs->items[i], err)))
                return st;
        }
        return ADSE_OK;
    }
    /* Every divisor, ascending: those up to the square root, then their cofactors (a
     * linear scan would take seconds for a total near UINT32_MAX). */
    uint64_t n = g->mesh_total, small[ADSE_SEARCH_MAX_VALUES + 1];
    int n_small = 0;
    for (uint64_t x = 1; x * x <= n; x++) {
        if (n % x) continue;
        if (n_small > ADSE_SEARCH_MAX_VALUES) break; /* add_value fails before using more */
        small[n_small++] = x;
    }
    for (int i = 0; i < n_small; i++)
        if ((st = add_value(g, (double)small[i], total, err))) return st;
    for (int i = n_small - 1; i >= 0; i--)
        if (small[i] * small[i] != n && (st = add_value(g, (double)(n / small[i]), total, err)))
            return st;
    return ADSE_OK;
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
    if (!values == !range)
        return adse__yerr(err, ADSE_E_SPEC, e,
                          "parameter '%s' needs exactly one of 'values' and "
                          "'range'",
                          g->name);
    if (range) {
        set_pos(range, &g->values_line, &g->values_column);
        return parse_range(range, g, err);
    }
    set_pos(values, &g->values_line, &g->values_column);
    if (!adse__ynode_is_seq(values) || values->n == 0)
        return adse__yerr(err, ADSE_E_SPEC, values,
                          "'values' of parameter '%s' must be a non-empty list of numbers",
                          g->name);
    for (int i = 0; i < values->n; i++) {
        double v;
        if ((st = get_num(values->items[i], "values", &v, err))) return st;
        if ((st = check_value(g, v, values->items[i], err)) ||
            (st = add_value(g, v, values->items[i], err)))
            return st;
    }
    return ADSE_OK;
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

static const char *const budget_keys[] = {"pes", "onchip_bits", "area_um2", "area", NULL};

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
                scale = strtod(num, &end);
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
    if ((st = adse__ycheck_keys(b, budget_keys, "'budgets'", err))) return st;
    for (int i = 0; i < b->n; i++) {
        const char *k = b->pairs[i].key->text;
        adse_search_budget_id id = adse__ykey_eq(k, "pes")           ? ADSE_BUDGET_PES
                                   : adse__ykey_eq(k, "onchip_bits") ? ADSE_BUDGET_ONCHIP_BITS
                                                                     : ADSE_BUDGET_AREA;
        if (s->budgets[id].set)
            return adse__yerr(err, ADSE_E_SPEC, b->pairs[i].key, "budget '%s' given twice", k);
        if ((st = parse_budget_value(b->pairs[i].value, &s->budgets[id], err))) return st;
    }
    return ADSE_OK;
}

/* ---- loss expression ------------------------------------------------------------------ */

typedef struct expr_parser {
    const char *text;
    size_t pos;
    const adse__ynode *node; /* for positions */
    adse_search_loss *loss;
    int depth, max_depth; /* stack depth of the program so far */
    int nest;             /* current nesting of parentheses, calls and signs */
    adse_err *err;
} expr_parser;

#define EXPR_MAX_STACK 64
#define EXPR_MAX_NEST                                                                              \
    64 /* parentheses, function calls and unary signs, nested: bounds the                          \
          recursion of the parser */

static adse_status expr_error(expr_parser *p, const char *fmt, const char *arg)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, arg);
    int col = p->node->column + (int)p->pos + (p->node->plain ? 0 : 1);
    const char *nl = strchr(p->text, '\n');
    if (nl && (size_t)(nl - p->text) < p->pos) col = p->node->column; /* multi-line: approximate */
    return adse_err_set(p->err, ADSE_E_SPEC, p->node->file, p->node->line, col,
                        "loss expression: %s", msg);
}

static void expr_skip(expr_parser *p)
{
    while (isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

static adse_status expr_emit(expr_parser *p, adse_search_op op, int stack_delta)
{
    if (p->loss->n_ops == ADSE_SEARCH_EXPR_MAX)
        return expr_error(p, "longer than %s instructions", "ADSE_SEARCH_EXPR_MAX");
    p->loss->ops[p->loss->n_ops++] = op;
    p->depth += stack_delta;
    if (p->depth > p->max_depth) p->max_depth = p->depth;
    if (p->max_depth > EXPR_MAX_STACK) return expr_error(p, "nested too deeply%s", "");
    return ADSE_OK;
}

static adse_status expr_sum(expr_parser *p);

static adse_status expr_primary_nested(expr_parser *p);

/* Every recursion of the parser passes here: parentheses, arguments and signs nest. */
static adse_status expr_primary(expr_parser *p)
{
    if (p->nest >= EXPR_MAX_NEST) return expr_error(p, "nested too deeply%s", "");
    p->nest++;
    adse_status st = expr_primary_nested(p);
    p->nest--;
    return st;
}

static adse_status expr_primary_nested(expr_parser *p)
{
    expr_skip(p);
    const char *t = p->text + p->pos;
    adse_status st;
    if (*t == '(') {
        p->pos++;
        if ((st = expr_sum(p))) return st;
        expr_skip(p);
        if (p->text[p->pos] != ')') return expr_error(p, "expected ')'%s", "");
        p->pos++;
        return ADSE_OK;
    }
    if (isdigit((unsigned char)*t) || *t == '.') {
        char *end;
        errno = 0;
        double v = strtod(t, &end);
        if (end == t || errno == ERANGE || !isfinite(v)) return expr_error(p, "bad number%s", "");
        p->pos += (size_t)(end - t);
        return expr_emit(p, (adse_search_op){.code = ADSE_OP_NUM, .value = v}, 1);
    }
    if (isalpha((unsigned char)*t) || *t == '_') {
        size_t n = 0;
        while (isalnum((unsigned char)t[n]) || t[n] == '_' || t[n] == '.')
            n++;
        char word[64];
        if (n >= sizeof word) return expr_error(p, "name too long%s", "");
        memcpy(word, t, n);
        word[n] = 0;
        p->pos += n;
        expr_skip(p);
        static const struct {
            const char *name;
            adse_search_opcode op;
            int args;
        } funcs[] = {{"min", ADSE_OP_MIN, 2},
                     {"max", ADSE_OP_MAX, 2},
                     {"log", ADSE_OP_LOG, 1},
                     {"sqrt", ADSE_OP_SQRT, 1},
                     {"abs", ADSE_OP_ABS, 1}};
        for (size_t f = 0; f < sizeof funcs / sizeof funcs[0]; f++) {
            if (strcmp(word, funcs[f].name) != 0) continue;
            if (p->text[p->pos] != '(') return expr_error(p, "expected '(' after '%s'", word);
            p->pos++;
            int args = 0;
            for (;;) {
                if ((st = expr_sum(p))) return st;
                args++;
                /* min/max take two or more arguments: fold them pairwise */
                if (funcs[f].args == 2 && args >= 2 &&
                    (st = expr_emit(p, (adse_search_op){.code = (uint8_t)funcs[f].op}, -1)))
                    return st;
                expr_skip(p);
                if (p->text[p->pos] == ',') {
                    p->pos++;
                    continue;
                }
                if (p->text[p->pos] != ')')
                    return expr_error(p, "expected ',' or ')' in '%s'", word);
                p->pos++;
                break;
            }
            if (funcs[f].args == 1 && args != 1)
                return expr_error(p, "'%s' takes one argument", word);
            if (funcs[f].args == 2 && args < 2)
                return expr_error(p, "'%s' takes two or more arguments", word);
            if (funcs[f].args == 1)
                return expr_emit(p, (adse_search_op){.code = (uint8_t)funcs[f].op}, 0);
            return ADSE_OK;
        }
        bool base = strncmp(word, "baseline.", 9) == 0;
        const char *mname = base ? word + 9 : word;
        int m = metric_id(mname, strlen(mname));
        if (m < 0)
            return expr_error(p,
                              "unknown name '%s' (metrics: cycles, energy, gflops, utilization, "
                              "edp, area, onchip_bits, pes, each also as baseline.<metric>; "
                              "functions: min, max, log, sqrt, abs)",
                              word);
        return expr_emit(
            p, (adse_search_op){.code = ADSE_OP_METRIC, .metric = (uint8_t)m, .baseline = base}, 1);
    }
    if (!*t) return expr_error(p, "unexpected end%s", "");
    char c[2] = {*t, 0};
    return expr_error(p, "unexpected '%s'", c);
}

static adse_status expr_unary(expr_parser *p)
{
    expr_skip(p);
    char c = p->text[p->pos];
    if (c == '-' || c == '+') {
        p->pos++;
        if (p->nest >= EXPR_MAX_NEST) return expr_error(p, "nested too deeply%s", "");
        p->nest++;
        adse_status st = expr_unary(p);
        p->nest--;
        if (st || c == '+') return st;
        return expr_emit(p, (adse_search_op){.code = ADSE_OP_NEG}, 0);
    }
    return expr_primary(p);
}

static adse_status expr_product(expr_parser *p)
{
    adse_status st = expr_unary(p);
    while (!st) {
        expr_skip(p);
        char c = p->text[p->pos];
        if (c != '*' && c != '/') break;
        p->pos++;
        if ((st = expr_unary(p))) break;
        st = expr_emit(p, (adse_search_op){.code = c == '*' ? ADSE_OP_MUL : ADSE_OP_DIV}, -1);
    }
    return st;
}

static adse_status expr_sum(expr_parser *p)
{
    adse_status st = expr_product(p);
    while (!st) {
        expr_skip(p);
        char c = p->text[p->pos];
        if (c != '+' && c != '-') break;
        p->pos++;
        if ((st = expr_product(p))) break;
        st = expr_emit(p, (adse_search_op){.code = c == '+' ? ADSE_OP_ADD : ADSE_OP_SUB}, -1);
    }
    return st;
}

static adse_status compile_expression(const adse__ynode *n, adse_search_loss *loss, adse_err *err)
{
    if (!adse__ynode_is_scalar(n) || adse__ynode_is_null(n))
        return adse__yerr(err, ADSE_E_SPEC, n, "the loss expression must be a string, got %s",
                          adse__ynode_kind_name(n));
    expr_parser p = {.text = n->text, .node = n, .loss = loss, .err = err};
    loss->is_expression = true;
    loss->n_ops = 0;
    adse_status st = expr_sum(&p);
    if (st) return st;
    expr_skip(&p);
    if (p.text[p.pos]) {
        char c[2] = {p.text[p.pos], 0};
        return expr_error(&p, "unexpected '%s'", c);
    }
    snprintf(loss->text, sizeof loss->text, "%s", n->text);
    return ADSE_OK;
}

static const char *const loss_keys[] = {"weights", "normalize", "expression", NULL};

static adse_status parse_loss(const adse__ynode *l, adse_search_loss *loss, adse_err *err)
{
    set_pos(l, &loss->line, &loss->column);
    if (adse__ynode_is_scalar(l)) return compile_expression(l, loss, err);
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
        return compile_expression(e, loss, err);
    }
    if ((st = adse__yexpect(w, ADSE__YMAP, "weights", err))) return st;
    if (w->n == 0) return adse__yerr(err, ADSE_E_SPEC, w, "'weights' is empty");
    for (int i = 0; i < w->n; i++) {
        const char *k = w->pairs[i].key->text;
        int m = metric_id(k, strlen(k));
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
    /* a readable form for reports */
    size_t used = 0;
    loss->text[0] = 0;
    for (int m = 0; m < ADSE_SM_COUNT; m++) {
        double v = loss->weights[m];
        if (v == 0) continue;
        bool neg = m == ADSE_SM_GFLOPS || m == ADSE_SM_UTILIZATION;
        double sv = neg ? -v : v;
        int n =
            snprintf(loss->text + used, sizeof loss->text - used, "%s%s%g*%s%s%s", used ? " " : "",
                     sv < 0 ? "- " : (used ? "+ " : ""), fabs(sv), metric_names[m],
                     loss->normalize ? "/baseline." : "", loss->normalize ? metric_names[m] : "");
        if (n < 0 || (size_t)n >= sizeof loss->text - used) break;
        used += (size_t)n;
    }
    return ADSE_OK;
}

/* ---- GA settings, references ---------------------------------------------------------- */

static const char *const ga_keys[] = {
    "population", "generations", "parents",          "elite",        "mutation",
    "seed",       "crossover",   "include_baseline", "max_resample", NULL};

static adse_status parse_ga(const adse__ynode *g, adse_ga_settings *ga, adse_err *err)
{
    adse_status st = adse__yexpect(g, ADSE__YMAP, "ga", err);
    if (st) return st;
    if ((st = adse__ycheck_keys(g, ga_keys, "'ga'", err))) return st;
    int64_t v = 0;
    const adse__ynode *n;
    if ((n = adse__ymap_get(g, "population"))) {
        if ((st = get_int(n, "population", 1, 100000, &v, err))) return st;
        ga->population = (int)v;
    }
    if ((n = adse__ymap_get(g, "generations"))) {
        if ((st = get_int(n, "generations", 1, 1000000, &v, err))) return st;
        ga->generations = (int)v;
    }
    if ((n = adse__ymap_get(g, "parents"))) {
        if ((st = get_int(n, "parents", 1, 100000, &v, err))) return st;
        ga->parents = (int)v;
    }
    if ((n = adse__ymap_get(g, "elite"))) {
        if ((st = get_int(n, "elite", 0, 100000, &v, err))) return st;
        ga->elite = (int)v;
    }
    if ((n = adse__ymap_get(g, "max_resample"))) {
        if ((st = get_int(n, "max_resample", 1, 1000000, &v, err))) return st;
        ga->max_resample = (int)v;
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
        } else if (adse__yscalar_u64(v, &x)) {
            ok = x > 0 && g->mesh_total % x == 0;
            y = ok ? g->mesh_total / x : 0;
        }
        if (!ok || x == 0 || x * y != g->mesh_total)
            return adse__yerr(err, ADSE_E_SPEC, v,
                              "value of mesh gene '%s' must be 'XxY', [X, Y] or meshX with X * Y "
                              "= %" PRIu64,
                              g->name, g->mesh_total);
        *out = (double)x;
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

static const char *const top_keys[] = {"design", "mapper", "workload",   "parameters", "budgets",
                                       "loss",   "ga",     "references", "version",    NULL};

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
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
                              "workload, parameters, budgets, loss, ga, references)",
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
    if (l) {
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
    if (g && !adse__ynode_is_null(g) && (st = parse_ga(g, &s->ga, err))) return st;
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
    const char *slash = strrchr(path, '/');
    if (slash && (size_t)(slash - path) < sizeof dir) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = 0;
        if (slash == path) snprintf(dir, sizeof dir, "/");
    } else {
        snprintf(dir, sizeof dir, ".");
    }
    adse_status st = load_text(buf, n, path, dir, out, err);
    free(buf);
    return st;
}

void adse_search_spec_free(adse_search_spec *spec)
{
    free(spec);
}

/* ---- writing an architecture --------------------------------------------------------- */

typedef struct emitter {
    FILE *f;
    const adse_arch *base;
    const adse_arch *design;
    adse_err *err;
    adse_status st;
    uint64_t multiplier; /* instances of the enclosing subtree nodes */
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
    bool rename; /* rewrite the [a..b] range */
    char name[ADSE_NAME_MAX + 48];
} comp_override;

static const char *const al_depth[] = {"depth", "memory_depth", "data_storage_depth", NULL};
static const char *const al_width[] = {"width", "memory_width", "data_storage_width", NULL};
static const char *const al_block[] = {"block_size", "n_words", NULL};
static const char *const al_word[] = {"word_bits", "word_width", "datawidth", NULL};
static const char *const al_cluster[] = {"cluster_size", NULL};
static const char *const al_mesh_x[] = {"meshX", NULL};
static const char *const al_mesh_y[] = {"meshY", NULL};
static const char *const al_instances[] = {"instances", NULL};
static const char *const al_rbw[] = {"read_bandwidth", NULL};
static const char *const al_wbw[] = {"write_bandwidth", NULL};

static void ov_add(comp_override *o, const char *const *aliases, const char *key, const char *fmt,
                   double v)
{
    if (o->n == 16) return;
    o->aliases[o->n] = aliases;
    snprintf(o->key[o->n], sizeof o->key[o->n], "%s", key);
    snprintf(o->value[o->n], sizeof o->value[o->n], fmt, v);
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
            ov_add(o, al_word, "datawidth", "%.0f", D->arith.word_bits);
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
        if (bb->depth != bd->depth) ov_add(o, al_depth, "depth", "%.0f", (double)bd->depth);
        if (bb->width_bits != bd->width_bits)
            ov_add(o, al_width, "width", "%.0f", (double)bd->width_bits);
        if (bb->word_bits != bd->word_bits)
            ov_add(o, al_word, "word-bits", "%.0f", (double)bd->word_bits);
        if (bb->block_size != bd->block_size)
            ov_add(o, al_block, "block-size", "%.0f", (double)bd->block_size);
        if (bb->cluster_size != bd->cluster_size)
            ov_add(o, al_cluster, "cluster-size", "%.0f", (double)bd->cluster_size);
        if (bb->read_bw != bd->read_bw) ov_add(o, al_rbw, "read_bandwidth", "%.17g", bd->read_bw);
        if (bb->write_bw != bd->write_bw)
            ov_add(o, al_wbw, "write_bandwidth", "%.17g", bd->write_bw);
    }
    if (mx_b != mx_d || my_b != my_d) {
        ov_add(o, al_mesh_x, "meshX", "%.0f", mx_d);
        /* an existing meshY is rewritten; none is added (meshX and instances imply it) */
        o->aliases[o->n] = al_mesh_y;
        o->key[o->n][0] = 0;
        snprintf(o->value[o->n], sizeof o->value[o->n], "%u", (unsigned)my_d);
        o->n++;
    }
    if (inst_b != inst_d) {
        size_t base_len;
        uint64_t first, count;
        const adse__ypair *ip = NULL;
        const adse__ynode *attrs = adse__ymap_get(cn, "attributes");
        if (adse__ynode_is_map(attrs)) ip = adse__ymap_pair(attrs, "instances");
        if (ip) {
            ov_add(o, al_instances, "instances", "%.0f", inst_d);
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
            ind(e, indent);
            emit_scalar(e, p->key);
            fputc(':', e->f);
            int k = ov_find(o, p->key->text);
            if (k >= 0 && !o->used[k]) {
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

static void emit_map(emitter *e, const adse__ynode *n, int indent, emit_ctx ctx, bool first_inline)
{
    if (ctx == CTX_COMPONENT) {
        emit_component(e, n, indent, first_inline);
        return;
    }
    for (int i = 0; i < n->n; i++) {
        const adse__ypair *p = &n->pairs[i];
        if (!(i == 0 && first_inline)) ind(e, indent);
        emit_scalar(e, p->key);
        fputc(':', e->f);
        emit_ctx sub = CTX_GENERIC;
        if (ctx == CTX_TREE && adse__ykey_eq(p->key->text, "subtree")) sub = CTX_TREE;
        if (ctx == CTX_TREE && adse__ykey_eq(p->key->text, "local")) sub = CTX_COMPONENT;
        emit_value(e, p->value, indent, sub);
    }
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
    const adse__ynode *root = adse__ydoc_top(adse__spec_doc(spec), "architecture");
    if (!root || !adse__ynode_is_map(root))
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_spec_write_arch_yaml: no architecture tree");
    emitter e = {.f = f, .base = B, .design = design, .err = err, .st = ADSE_OK, .multiplier = 1};
    fputs("architecture:\n", f);
    emit_map(&e, root, 2, CTX_TREE, false);
    if (e.st) return e.st;
    if (ferror(f)) return adse_err_set(err, ADSE_E_IO, NULL, 0, 0, "write failed");
    return ADSE_OK;
}
