/* Gene values -> architectures, and the checks of a search spec against its baseline. */
#include "search/search_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/energy.h"
#include "util/numtext.h"

/* ---- random numbers (xoshiro256**, seeded by splitmix64) ----------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void adse__rng_seed(adse__rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t adse__rng_next(adse__rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t adse__rng_below(adse__rng *r, uint64_t n)
{
    if (n <= 1) return 0;
    uint64_t threshold = (0 - n) % n; /* 2^64 mod n: reject the biased low values */
    for (;;) {
        uint64_t x = adse__rng_next(r);
        if (x >= threshold) return x % n;
    }
}

double adse__rng_unit(adse__rng *r)
{
    return (double)(adse__rng_next(r) >> 11) * 0x1.0p-53;
}

/* ---- targets ------------------------------------------------------------------------- */

static const char *attr_name(adse_gene_attr a)
{
    static const char *const names[] = {
        "depth",     "width",          "block_size",      "word_bits", "meshX",
        "instances", "read_bandwidth", "write_bandwidth", "bandwidth", "mesh"};
    return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "?";
}

static bool changes_size(adse_gene_attr a)
{
    return a == ADSE_GENE_DEPTH || a == ADSE_GENE_WIDTH || a == ADSE_GENE_BLOCK_SIZE ||
           a == ADSE_GENE_WORD_BITS;
}

static void component_list(const adse_arch *a, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = a->n_levels - 1; i >= 0 && used < size; i--) {
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", a->levels[i].name);
        if (n < 0) return;
        used += (size_t)n;
    }
    if (used < size) snprintf(buf + used, size - used, "%s%s", used ? ", " : "", a->arith.name);
}

/* Resolves gene g's target (a storage level or the MACs) and checks that its attribute
 * applies there and that the target is priced by the estimator when the gene resizes it. */
static adse_status resolve_target(adse__designer *d, int g, adse_err *err)
{
    const adse_search_spec *spec = d->spec;
    const adse_arch *base = d->base;
    const adse_search_gene *gn = &spec->genes[g];
    if (gn->attr == ADSE_GENE_MESH) {
        d->target[g] = ADSE__NO_TARGET;
        d->mesh_gene = g;
        return ADSE_OK;
    }
    /* adse_arch_level_id's "not found" (-1) is ADSE__ARITH: test the MACs first */
    int lvl = strcmp(base->arith.name, gn->component) == 0
                  ? ADSE__ARITH
                  : adse_arch_level_id(base, gn->component);
    if (lvl < 0 && strcmp(base->arith.name, gn->component) != 0) {
        char list[512];
        component_list(base, list, sizeof list);
        return adse_err_set(err, ADSE_E_SPEC, spec->path, gn->component_line, gn->component_column,
                            "parameter '%s': no component '%s' in the architecture (components: "
                            "%s)",
                            gn->name, gn->component, list);
    }
    d->target[g] = lvl;
    if (lvl == ADSE__ARITH && gn->attr != ADSE_GENE_WORD_BITS && gn->attr != ADSE_GENE_INSTANCES &&
        gn->attr != ADSE_GENE_MESH_X)
        return adse_err_set(err, ADSE_E_SPEC, spec->path, gn->line, gn->column,
                            "parameter '%s': attribute '%s' does not apply to the arithmetic "
                            "component '%s' (word_bits, instances, meshX do)",
                            gn->name, attr_name(gn->attr), gn->component);
    bool estimated = lvl == ADSE__ARITH
                         ? base->arith.energy_source == ADSE_ENERGY_ESTIMATOR &&
                               base->arith.area_source == ADSE_ENERGY_ESTIMATOR
                         : base->levels[lvl].energy_source == ADSE_ENERGY_ESTIMATOR &&
                               base->levels[lvl].area_source == ADSE_ENERGY_ESTIMATOR;
    if (changes_size(gn->attr) && !estimated)
        return adse_err_set(err, ADSE_E_SPEC, spec->path, gn->line, gn->column,
                            "parameter '%s': '%s' is priced by an ERT/ART table or a user "
                            "attribute, which does not follow a changed size; leave ERT/ART "
                            "files out of 'design'",
                            gn->name, gn->component);
    return ADSE_OK;
}

/* Mesh roles from the baseline (docs/search.md): PE-level components hold the mesh gene's
 * `total` instances; one-per-column and one-per-row components follow the PE mesh. */
static adse_status mesh_roles(adse__designer *d, adse_err *err)
{
    const adse_search_spec *spec = d->spec;
    const adse_arch *base = d->base;
    const adse_search_gene *mg = &spec->genes[d->mesh_gene];
    /* the PE level holds the gene's PE count, or with several the baseline's */
    uint64_t total = mg->mesh_total ? mg->mesh_total : base->arith.instances;
    uint32_t x0 = 0, y0 = 0;
    const char *first_pe = NULL;
    for (int i = -1; i < base->n_levels; i++) {
        uint32_t inst = i < 0 ? base->arith.instances : base->levels[i].instances;
        uint32_t mx = i < 0 ? base->arith.mesh_x : base->levels[i].mesh_x;
        uint32_t my = i < 0 ? base->arith.mesh_y : base->levels[i].mesh_y;
        const char *name = i < 0 ? base->arith.name : base->levels[i].name;
        if (inst != total) continue;
        if (!first_pe) {
            first_pe = name;
            x0 = mx;
            y0 = my;
        } else if (mx != x0 || my != y0) {
            char m1[32], m2[32];
            snprintf(m1, sizeof m1, "%ux%u", (unsigned)x0, (unsigned)y0);
            snprintf(m2, sizeof m2, "%ux%u", (unsigned)mx, (unsigned)my);
            char both[ADSE_NAME_MAX * 2 + 8];
            snprintf(both, sizeof both, "'%s' and '%s'", first_pe, name);
            return adse_err_set(err, ADSE_E_SPEC, spec->path, mg->line, mg->column,
                                "mesh parameter: the PE-level components %s have different meshes "
                                "(%s, %s)",
                                both, m1, m2);
        }
        if (i < 0)
            d->arith_role = ADSE__MESH_PE;
        else
            d->level_role[i] = ADSE__MESH_PE;
    }
    if (!first_pe) {
        char t[32];
        snprintf(t, sizeof t, "%" PRIu64, total);
        return adse_err_set(
            err, ADSE_E_SPEC, spec->path, mg->values_line, mg->values_column,
            "mesh parameter '%s': no component has %s instances (the mesh total must "
            "be the PE count)",
            mg->name, t);
    }
    for (int i = 0; i < base->n_levels; i++) {
        const adse_buffer *b = &base->levels[i];
        if (d->level_role[i] != ADSE__MESH_NONE) continue;
        if (x0 > 1 && b->mesh_x == x0 && b->mesh_y == 1 && b->instances == x0)
            d->level_role[i] = ADSE__MESH_COLUMN;
        else if (y0 > 1 && b->mesh_y == y0 && b->mesh_x == 1 && b->instances == y0)
            d->level_role[i] = ADSE__MESH_ROW;
    }
    /* a meshX/instances gene on a component the mesh gene rewrites would fight it */
    for (int g = 0; g < spec->n_genes; g++) {
        const adse_search_gene *gn = &spec->genes[g];
        if (gn->attr != ADSE_GENE_MESH_X && gn->attr != ADSE_GENE_INSTANCES) continue;
        adse__mesh_role r =
            d->target[g] == ADSE__ARITH ? d->arith_role : d->level_role[d->target[g]];
        if (r != ADSE__MESH_NONE)
            return adse_err_set(err, ADSE_E_SPEC, spec->path, gn->line, gn->column,
                                "parameters '%s' and '%s' both set the mesh of '%s'", mg->name,
                                gn->name, gn->component);
    }
    return ADSE_OK;
}

adse_status adse__designer_init(adse__designer *d, const adse_search_spec *spec,
                                const adse_arch *base, const adse_energy_options *energy,
                                adse_err *err)
{
    memset(d, 0, sizeof *d);
    d->spec = spec;
    d->base = base;
    d->energy = *energy;
    d->mesh_gene = -1;
    for (int g = 0; g < spec->n_genes; g++) {
        adse_status st = resolve_target(d, g, err);
        if (st) return st;
    }
    return d->mesh_gene < 0 ? ADSE_OK : mesh_roles(d, err);
}

/* ---- applying genes ------------------------------------------------------------------ */

/* Derived attributes of a storage level after its genes (docs/search.md), by the loader's
 * rule (adse_buffer_derive_geometry): with a width, a block_size gene makes the block size
 * given and the cluster size follow; otherwise the baseline's cluster size is kept as
 * given and the block size follows. A depth gene makes the depth the size attribute. */
static adse_status geometry(adse_buffer *b, bool block_gene, bool depth_gene, adse_err *err)
{
    if (b->width_bits) {
        b->block_size_given = block_gene;
        b->cluster_size_given = !block_gene;
    } else if (block_gene) {
        b->block_size_given = true;
    }
    if (depth_gene) b->size_given = ADSE_SIZE_DEPTH;
    adse_err e2;
    adse_err_clear(&e2);
    if (adse_buffer_derive_geometry(b, &e2) != ADSE_OK)
        return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0, "%s", e2.msg);
    return ADSE_OK;
}

static void set_mesh(uint32_t *inst, uint32_t *mx, uint32_t *my, adse__mesh_role role, uint32_t x,
                     uint32_t y)
{
    switch (role) {
    case ADSE__MESH_PE:
        *inst = x * y; /* the gene's PE count: the same as the baseline's unless `pes:` */
        *mx = x;
        *my = y;
        break;
    case ADSE__MESH_COLUMN:
        *inst = *mx = x;
        *my = 1;
        break;
    case ADSE__MESH_ROW:
        *inst = *my = y;
        *mx = 1;
        break;
    default: break;
    }
}

static adse_status set_instances(uint32_t *inst, uint32_t *mx, uint32_t *my, double v,
                                 const char *name, adse_err *err)
{
    uint32_t n = (uint32_t)v;
    if (n % *mx)
        return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0,
                            "%u instances of '%s' are not a multiple of its meshX %u", (unsigned)n,
                            name, (unsigned)*mx);
    *inst = n;
    *my = n / *mx;
    return ADSE_OK;
}

static adse_status set_mesh_x(uint32_t *inst, uint32_t *mx, uint32_t *my, double v,
                              const char *name, adse_err *err)
{
    uint32_t x = (uint32_t)v;
    if (*inst % x)
        return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0,
                            "meshX %u of '%s' does not divide its %u instances", (unsigned)x, name,
                            (unsigned)*inst);
    *mx = x;
    *my = *inst / x;
    return ADSE_OK;
}

/* Gene values from a checkpoint or a caller may be anything: the same rules as the spec's
 * values, so that the conversions when applying them are defined. */
static adse_status check_gene_values(const adse_search_spec *spec, const double *genes,
                                     adse_err *err)
{
    for (int g = 0; g < spec->n_genes; g++) {
        const adse_search_gene *gn = &spec->genes[g];
        double v = genes[g];
        bool integer = gn->attr != ADSE_GENE_READ_BW && gn->attr != ADSE_GENE_WRITE_BW &&
                       gn->attr != ADSE_GENE_BANDWIDTH &&
                       (gn->attr != ADSE_GENE_MESH || gn->mesh_total); /* else meshX + 2^32 meshY */
        if (!(v > 0) || !isfinite(v) || (integer && (v != floor(v) || v > 4294967295.0)))
            return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0,
                                "value %.17g of gene '%s' is not a positive %s", v, gn->name,
                                integer ? "integer below 2^32" : "finite number");
        uint64_t x, y;
        if (gn->attr == ADSE_GENE_MESH && gn->mesh_total && gn->mesh_total % (uint64_t)v != 0)
            return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0,
                                "meshX %.17g of gene '%s' does not divide the mesh total %" PRIu64,
                                v, gn->name, gn->mesh_total);
        /* any mesh whose PE count an instance count holds (the baseline's and a reference's
         * need not be in the gene's domain) */
        if (gn->attr == ADSE_GENE_MESH && (!adse_search_mesh_of(gn, v, &x, &y) || x > UINT32_MAX ||
                                           y > UINT32_MAX || x * y > UINT32_MAX))
            return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0,
                                "value %.17g of gene '%s' is not a mesh", v, gn->name);
    }
    return ADSE_OK;
}

/* Sets the attribute of gene gn, value v, on its target t (a level or ADSE__ARITH). */
static adse_status apply_gene(const adse_search_gene *gn, int t, double v, adse_arch *out,
                              adse_err *err)
{
    if (t == ADSE__ARITH) {
        adse_arith *a = &out->arith;
        if (gn->attr == ADSE_GENE_INSTANCES)
            return set_instances(&a->instances, &a->mesh_x, &a->mesh_y, v, a->name, err);
        if (gn->attr == ADSE_GENE_MESH_X)
            return set_mesh_x(&a->instances, &a->mesh_x, &a->mesh_y, v, a->name, err);
        a->word_bits = (uint32_t)v;
        return ADSE_OK;
    }
    adse_buffer *b = &out->levels[t];
    switch (gn->attr) {
    case ADSE_GENE_INSTANCES:
        return set_instances(&b->instances, &b->mesh_x, &b->mesh_y, v, b->name, err);
    case ADSE_GENE_MESH_X:
        return set_mesh_x(&b->instances, &b->mesh_x, &b->mesh_y, v, b->name, err);
    case ADSE_GENE_DEPTH: b->depth = (uint64_t)v; break;
    case ADSE_GENE_WIDTH: b->width_bits = (uint64_t)v; break;
    case ADSE_GENE_BLOCK_SIZE: b->block_size = (uint32_t)v; break;
    case ADSE_GENE_WORD_BITS: b->word_bits = (uint32_t)v; break;
    case ADSE_GENE_READ_BW: b->read_bw = v; break;
    case ADSE_GENE_WRITE_BW: b->write_bw = v; break;
    case ADSE_GENE_BANDWIDTH: b->read_bw = b->write_bw = v / 2; break;
    default: break;
    }
    return ADSE_OK;
}

adse_status adse__design_arch(const adse__designer *d, const double *genes, adse_arch *out,
                              adse_err *err)
{
    const adse_search_spec *spec = d->spec;
    *out = *d->base;
    adse_status st = check_gene_values(spec, genes, err);
    if (st) return st;
    if (d->mesh_gene >= 0) {
        uint64_t x64, y64;
        adse_search_mesh_of(&spec->genes[d->mesh_gene], genes[d->mesh_gene], &x64, &y64);
        uint32_t x = (uint32_t)x64, y = (uint32_t)y64; /* checked by check_gene_values */
        for (int i = 0; i < out->n_levels; i++) {
            adse_buffer *b = &out->levels[i];
            set_mesh(&b->instances, &b->mesh_x, &b->mesh_y, d->level_role[i], x, y);
        }
        set_mesh(&out->arith.instances, &out->arith.mesh_x, &out->arith.mesh_y, d->arith_role, x,
                 y);
    }
    /* instances before meshX, so that a component with both ends with the given meshX */
    for (int pass = 0; pass < 3; pass++) {
        for (int g = 0; g < spec->n_genes; g++) {
            const adse_search_gene *gn = &spec->genes[g];
            bool is_inst = gn->attr == ADSE_GENE_INSTANCES, is_mx = gn->attr == ADSE_GENE_MESH_X;
            if (d->target[g] == ADSE__NO_TARGET || (pass == 0) != is_inst || (pass == 1) != is_mx)
                continue;
            if ((st = apply_gene(gn, d->target[g], genes[g], out, err))) return st;
        }
    }
    for (int i = 0; i < out->n_levels; i++) {
        bool touched = false, block_gene = false, depth_gene = false;
        for (int g = 0; g < spec->n_genes; g++) {
            if (d->target[g] != i || !changes_size(spec->genes[g].attr)) continue;
            touched = true;
            block_gene |= spec->genes[g].attr == ADSE_GENE_BLOCK_SIZE;
            depth_gene |= spec->genes[g].attr == ADSE_GENE_DEPTH;
        }
        if (touched && (st = geometry(&out->levels[i], block_gene, depth_gene, err))) return st;
    }
    adse_err e2;
    adse_err_clear(&e2);
    /* meshes: each child mesh a whole multiple of its parent's (model.md §2.3) */
    if (adse_arch_validate(out, &e2) != ADSE_OK)
        return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0, "%s", e2.msg);
    if (adse_energy_reprice(out, &d->energy, &e2) != ADSE_OK)
        return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0, "cannot price the design: %s", e2.msg);
    return ADSE_OK;
}

void adse__arch_budget_metrics(const adse_arch *a, double *m)
{
    double area = a->arith.area_um2 * a->arith.instances;
    double bits = 0;
    for (int i = 0; i < a->n_levels; i++) {
        const adse_buffer *b = &a->levels[i];
        area += b->area_um2 * b->instances;
        if (!b->is_dram && b->size_specified)
            bits += (double)b->instances * (double)b->size_words * (double)b->word_bits;
    }
    m[ADSE_SM_AREA] = area;
    m[ADSE_SM_ONCHIP_BITS] = bits;
    m[ADSE_SM_PES] = a->arith.instances;
}

void adse__baseline_genes(const adse__designer *d, double *genes, bool *all_in_domain)
{
    const adse_arch *a = d->base;
    bool ok = true;
    for (int g = 0; g < d->spec->n_genes; g++) {
        const adse_search_gene *gn = &d->spec->genes[g];
        int t = d->target[g];
        double v = 0;
        if (gn->attr == ADSE_GENE_MESH) {
            /* the PE-level mesh (one for all PE components, checked by designer_init) */
            uint32_t x = a->arith.mesh_x, y = a->arith.mesh_y;
            for (int i = 0; i < a->n_levels; i++)
                if (d->level_role[i] == ADSE__MESH_PE)
                    x = a->levels[i].mesh_x, y = a->levels[i].mesh_y;
            if (d->arith_role == ADSE__MESH_PE) x = a->arith.mesh_x, y = a->arith.mesh_y;
            v = adse_search_mesh_value(gn, x, y);
        } else if (t == ADSE__ARITH) {
            v = gn->attr == ADSE_GENE_WORD_BITS   ? a->arith.word_bits
                : gn->attr == ADSE_GENE_INSTANCES ? a->arith.instances
                                                  : a->arith.mesh_x;
        } else {
            const adse_buffer *b = &a->levels[t];
            switch (gn->attr) {
            case ADSE_GENE_DEPTH: v = (double)adse_buffer_rows(b); break;
            case ADSE_GENE_WIDTH: v = (double)adse_buffer_row_bits(b); break;
            case ADSE_GENE_BLOCK_SIZE: v = b->block_size; break;
            case ADSE_GENE_WORD_BITS: v = b->word_bits; break;
            case ADSE_GENE_MESH_X: v = b->mesh_x; break;
            case ADSE_GENE_INSTANCES: v = b->instances; break;
            case ADSE_GENE_READ_BW: v = b->read_bw; break;
            case ADSE_GENE_WRITE_BW: v = b->write_bw; break;
            case ADSE_GENE_BANDWIDTH: v = b->read_bw + b->write_bw; break;
            default: break;
            }
        }
        genes[g] = v;
        bool in = false;
        for (int k = 0; k < gn->n_values && !in; k++)
            in = gn->values[k] == v;
        ok &= in;
    }
    *all_in_domain = ok;
}

/* ---- static checks ------------------------------------------------------------------- */

/* A gene value for messages: "4x42" for a mesh, else the number. */
static const char *gene_text(const adse_search_gene *g, double v, char *buf, size_t size)
{
    uint64_t x, y;
    if (g->attr == ADSE_GENE_MESH && adse_search_mesh_of(g, v, &x, &y))
        snprintf(buf, size, "%" PRIu64 "x%" PRIu64, x, y);
    else
        snprintf(buf, size, "%.17g", v);
    return buf;
}

#define CHECK_MAX_COMBOS 100000

/* Contribution of component c (level index or ADSE__ARITH) to budget metric b. */
static double contribution(const adse_arch *a, int c, adse_search_budget_id b)
{
    if (c == ADSE__ARITH) {
        if (b == ADSE_BUDGET_PES) return a->arith.instances;
        if (b == ADSE_BUDGET_AREA) return a->arith.area_um2 * a->arith.instances;
        return 0;
    }
    const adse_buffer *l = &a->levels[c];
    if (b == ADSE_BUDGET_AREA) return l->area_um2 * l->instances;
    if (b == ADSE_BUDGET_ONCHIP_BITS && !l->is_dram && l->size_specified)
        return (double)l->instances * (double)l->size_words * (double)l->word_bits;
    return 0;
}

adse_status adse__designer_check(const adse__designer *d, const double *limit, adse_err *err)
{
    const adse_search_spec *spec = d->spec;
    const adse_arch *base = d->base;
    double genes[ADSE_SEARCH_MAX_GENES];
    bool in_domain;
    adse__baseline_genes(d, genes, &in_domain);

    /* valid[g][k]: value k of gene g gave a valid architecture in some combination */
    bool(*valid)[ADSE_SEARCH_MAX_VALUES] = calloc(ADSE_SEARCH_MAX_GENES, sizeof *valid);
    adse_arch *arch = malloc(sizeof *arch);
    if (!valid || !arch) {
        free(valid);
        free(arch);
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    char last_reason[ADSE_SEARCH_MAX_GENES][200];
    memset(last_reason, 0, sizeof last_reason);
    double best_total[ADSE_BUDGET_COUNT];
    for (int b = 0; b < ADSE_BUDGET_COUNT; b++)
        best_total[b] = INFINITY;
    bool checked_all = true;

    int n_mesh = d->mesh_gene >= 0 ? spec->genes[d->mesh_gene].n_values : 1;
    for (int xi = 0; xi < n_mesh; xi++) {
        if (d->mesh_gene >= 0) genes[d->mesh_gene] = spec->genes[d->mesh_gene].values[xi];
        double total[ADSE_BUDGET_COUNT] = {0};
        bool any_mesh_valid = false;
        for (int c = ADSE__ARITH; c < base->n_levels; c++) {
            int gl[ADSE_SEARCH_MAX_GENES], ng = 0;
            for (int g = 0; g < spec->n_genes; g++)
                if (d->target[g] == c) gl[ng++] = g;
            double combos = 1;
            for (int k = 0; k < ng; k++)
                combos *= spec->genes[gl[k]].n_values;
            double best[ADSE_BUDGET_COUNT];
            for (int b = 0; b < ADSE_BUDGET_COUNT; b++)
                best[b] = INFINITY;
            double save[ADSE_SEARCH_MAX_GENES];
            memcpy(save, genes, sizeof save);
            if (combos > CHECK_MAX_COMBOS) {
                /* too many to enumerate: only the baseline values of this component */
                checked_all = false;
                combos = 1;
                ng = 0;
            }
            int idx[ADSE_SEARCH_MAX_GENES] = {0};
            for (long n = 0; n < (long)combos; n++) {
                for (int k = 0; k < ng; k++)
                    genes[gl[k]] = spec->genes[gl[k]].values[idx[k]];
                adse_err e2;
                adse_err_clear(&e2);
                if (adse__design_arch(d, genes, arch, &e2) == ADSE_OK) {
                    any_mesh_valid = true;
                    for (int k = 0; k < ng; k++)
                        valid[gl[k]][idx[k]] = true;
                    for (int b = 0; b < ADSE_BUDGET_COUNT; b++) {
                        double v = contribution(arch, c, (adse_search_budget_id)b);
                        if (v < best[b]) best[b] = v;
                    }
                } else {
                    for (int k = 0; k < ng; k++)
                        snprintf(last_reason[gl[k]], sizeof last_reason[gl[k]], "%.199s", e2.msg);
                }
                for (int k = 0; k < ng; k++) { /* next combination */
                    if (++idx[k] < spec->genes[gl[k]].n_values) break;
                    idx[k] = 0;
                }
            }
            memcpy(genes, save, sizeof save);
            for (int b = 0; b < ADSE_BUDGET_COUNT; b++)
                total[b] += best[b];
        }
        if (d->mesh_gene >= 0 && any_mesh_valid) valid[d->mesh_gene][xi] = true;
        for (int b = 0; b < ADSE_BUDGET_COUNT; b++)
            if (total[b] < best_total[b]) best_total[b] = total[b];
    }
    adse_status st = ADSE_OK;
    char vbuf[64];
    for (int g = 0; g < spec->n_genes && !st && checked_all; g++) {
        const adse_search_gene *gn = &spec->genes[g];
        for (int k = 0; k < gn->n_values && !st; k++) {
            if (valid[g][k]) continue;
            st = adse_err_set(err, ADSE_E_SPEC, spec->path, gn->values_line, gn->values_column,
                              "value %s of parameter '%s' gives no valid architecture: %s",
                              gene_text(gn, gn->values[k], vbuf, sizeof vbuf), gn->name,
                              last_reason[g][0] ? last_reason[g] : "invalid mesh");
        }
    }
    for (int b = 0; b < ADSE_BUDGET_COUNT && !st; b++) {
        const adse_search_budget *bu = &spec->budgets[b];
        if (!bu->set || !(best_total[b] > limit[b])) continue;
        st = adse_err_set(err, ADSE_E_SPEC, spec->path, bu->line, bu->column,
                          "budget '%s' (%.17g) cannot be met: the smallest design of the "
                          "parameters has %.17g",
                          adse_search_budget_info((adse_search_budget_id)b)->name, limit[b],
                          best_total[b]);
    }
    free(valid);
    free(arch);
    return st;
}
