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
    d->node[g] = -1;
    if (gn->attr == ADSE_GENE_MESH) {
        d->target[g] = ADSE__NO_TARGET;
        d->mesh_gene = g;
        return ADSE_OK;
    }
    if (d->derive && (gn->attr == ADSE_GENE_MESH_X || gn->attr == ADSE_GENE_INSTANCES)) {
        /* the fanout of a v0.4 node, set as --set NODE.spatial.meshX does */
        for (int k = 0; k < d->n_fanouts; k++) {
            if (strcmp(d->fanouts[k].name, gn->component) != 0) continue;
            d->node[g] = k;
            d->target[g] = ADSE__NO_TARGET;
            return ADSE_OK;
        }
        char list[512];
        size_t used = 0;
        list[0] = 0;
        for (int k = 0; k < d->n_fanouts && used < sizeof list; k++) {
            int n = snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "",
                             d->fanouts[k].name);
            if (n < 0) break;
            used += (size_t)n;
        }
        return adse_err_set(err, ADSE_E_SPEC, spec->path, gn->component_line, gn->component_column,
                            "parameter '%s': on a v0.4 design '%s' sets the fanout of a node "
                            "('spatial' meshX, meshY), and '%s' has none (nodes with a fanout: %s)",
                            gn->name, attr_name(gn->attr), gn->component,
                            d->n_fanouts ? list : "none");
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
    d->mesh_x0 = x0;
    d->mesh_y0 = y0;
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
        if (d->node[g] >= 0) {
            /* a v0.4 node's fanout: the mesh gene sets every fanout (mesh_fanouts) */
            return adse_err_set(err, ADSE_E_SPEC, spec->path, gn->line, gn->column,
                                "parameters '%s' and '%s' both set the fanout of '%s'", mg->name,
                                gn->name, gn->component);
        }
        adse__mesh_role r =
            d->target[g] == ADSE__ARITH ? d->arith_role : d->level_role[d->target[g]];
        if (r != ADSE__MESH_NONE)
            return adse_err_set(err, ADSE_E_SPEC, spec->path, gn->line, gn->column,
                                "parameters '%s' and '%s' both set the mesh of '%s'", mg->name,
                                gn->name, gn->component);
    }
    return ADSE_OK;
}

/* The fanouts of d's v0.4 nodes (fx[k] x fy[k]) that give its PE level the mesh x x y
 * (docs/search.md section 3): a node whose cumulative mesh (its fanout times those above
 * it) is a multiple of the baseline's PE mesh X0 x Y0 in X (Y) gets x (y) times that
 * multiple there, one with 1 there keeps 1, so the PE level gets x x y and a level with one
 * component per column (row) x x 1 (1 x y), as the classic rewrite (set_mesh) has it. false
 * with the node in *bad when one is neither (a part of a column). */
static bool mesh_fanouts(const adse__designer *d, uint64_t x, uint64_t y, uint64_t *fx,
                         uint64_t *fy, int *bad)
{
    /* cumulative meshes fit in 32 bits each (the baseline's instances), so no product
     * below exceeds 64 */
    uint64_t cx = 1, cy = 1, px = 1, py = 1;
    for (int k = 0; k < d->n_fanouts; k++) {
        cx *= d->fanouts[k].mesh_x;
        cy *= d->fanouts[k].mesh_y;
        uint64_t nx = cx % d->mesh_x0 == 0 ? x * (cx / d->mesh_x0) : cx == 1 ? 1 : 0;
        uint64_t ny = cy % d->mesh_y0 == 0 ? y * (cy / d->mesh_y0) : cy == 1 ? 1 : 0;
        if (!nx || !ny) {
            *bad = k;
            return false;
        }
        fx[k] = nx / px; /* whole: checked on the baseline (designer_init) */
        fy[k] = ny / py;
        px = nx;
        py = ny;
    }
    return true;
}

adse_status adse__designer_init(adse__designer *d, const adse_search_spec *spec,
                                const adse_spec *source, adse_err *err)
{
    memset(d, 0, sizeof *d);
    d->spec = spec;
    d->source = source;
    d->base = &source->arch;
    d->energy = source->options.estimator;
    d->mesh_gene = -1;
    bool fanout_gene = false;
    for (int g = 0; g < spec->n_genes; g++)
        fanout_gene |= spec->genes[g].attr == ADSE_GENE_MESH ||
                       spec->genes[g].attr == ADSE_GENE_MESH_X ||
                       spec->genes[g].attr == ADSE_GENE_INSTANCES;
    int nf = adse_spec_fanouts(source, d->fanouts, ADSE_MAX_LEVELS);
    for (int g = 0; g < spec->n_genes && nf >= 0; g++) {
        const adse_search_gene *gn = &spec->genes[g];
        adse_srcpos at;
        if (!adse_spec_v04_attribute_read(source, gn->component, gn->attr, &d->set_key[g], &at))
            continue;
        if (!d->set_key[g])
            return adse_err_set(err, ADSE_E_SPEC, spec->path, gn->line, gn->column,
                                "parameter '%s': the design's expressions read more attributes "
                                "than adse keeps track of (64), which may include this one",
                                gn->name);
        fanout_gene = true; /* translated again with the value */
    }
    d->derive = fanout_gene && nf >= 0;
    d->n_fanouts = nf > ADSE_MAX_LEVELS ? ADSE_MAX_LEVELS : nf < 0 ? 0 : nf;
    for (int g = 0; g < spec->n_genes; g++) {
        adse_status st = resolve_target(d, g, err);
        if (st) return st;
    }
    if (d->mesh_gene < 0) return ADSE_OK;
    adse_status st = mesh_roles(d, err);
    if (st || !d->derive) return st;
    /* the baseline's own PE mesh must give back its fanouts */
    uint64_t fx[ADSE_MAX_LEVELS], fy[ADSE_MAX_LEVELS];
    int bad = -1;
    bool ok = mesh_fanouts(d, d->mesh_x0, d->mesh_y0, fx, fy, &bad);
    for (int k = 0; ok && k < d->n_fanouts; k++)
        if (fx[k] != d->fanouts[k].mesh_x || fy[k] != d->fanouts[k].mesh_y) ok = false, bad = k;
    if (ok) return ADSE_OK;
    const adse_search_gene *mg = &spec->genes[d->mesh_gene];
    return adse_err_set(err, ADSE_E_SPEC, spec->path, mg->line, mg->column,
                        "mesh parameter '%s': the fanout of v0.4 node '%s' (%ux%u, at %s:%d) is "
                        "not a whole number of columns or rows of the PE mesh %ux%u, which the "
                        "mesh parameter rewrites; set the fanouts with meshX or instances "
                        "parameters on the nodes instead",
                        mg->name, d->fanouts[bad].name, (unsigned)d->fanouts[bad].mesh_x,
                        (unsigned)d->fanouts[bad].mesh_y,
                        d->fanouts[bad].at.file ? d->fanouts[bad].at.file : "<input>",
                        d->fanouts[bad].at.line, (unsigned)d->mesh_x0, (unsigned)d->mesh_y0);
}

/* ---- designs derived from v0.4 nodes -------------------------------------------------- */

#define MAX_SETS (2 * ADSE_MAX_LEVELS + ADSE_SEARCH_MAX_GENES)

/* The node sets of gene values genes on d's v0.4 nodes: each gene of an attribute that
 * an expression reads as NODE.attributes.KEY=VALUE (KEY as the expression reads it), then
 * the fanouts ("NODE.spatial.meshX=N") of the mesh gene (mesh_fanouts) and of the meshX
 * and instances genes (meshX as given, meshY kept; instances: meshY = instances / meshX),
 * each fanout that differs from the baseline's. */
static adse_status node_sets(const adse__designer *d, const double *genes,
                             char (*text)[2 * ADSE_NAME_MAX + 64], const char **sets, int *n,
                             adse_err *err)
{
    const adse_search_spec *spec = d->spec;
    uint64_t fx[ADSE_MAX_LEVELS], fy[ADSE_MAX_LEVELS];
    for (int k = 0; k < d->n_fanouts; k++)
        fx[k] = d->fanouts[k].mesh_x, fy[k] = d->fanouts[k].mesh_y;
    if (d->mesh_gene >= 0) {
        uint64_t x, y;
        int bad;
        adse_search_mesh_of(&spec->genes[d->mesh_gene], genes[d->mesh_gene], &x, &y);
        mesh_fanouts(d, x, y, fx, fy, &bad); /* cannot fail: checked on the baseline */
    }
    for (int pass = 0; pass < 2; pass++) { /* meshX before instances */
        for (int g = 0; g < spec->n_genes; g++) {
            int k = d->node[g];
            if (k < 0 || (pass == 0) != (spec->genes[g].attr == ADSE_GENE_MESH_X)) continue;
            uint64_t v = (uint64_t)genes[g]; /* a positive integer: check_gene_values */
            if (pass == 0) {
                fx[k] = v;
            } else if (v % fx[k]) {
                return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0,
                                    "%" PRIu64 " instances of '%s' are not a multiple of its "
                                    "meshX %" PRIu64,
                                    v, d->fanouts[k].name, fx[k]);
            } else {
                fy[k] = v / fx[k];
            }
        }
    }
    *n = 0;
    for (int g = 0; g < spec->n_genes; g++) {
        if (!d->set_key[g]) continue;
        snprintf(text[*n], sizeof text[*n], "%s.attributes.%s=%.17g", spec->genes[g].component,
                 d->set_key[g], genes[g]);
        sets[*n] = text[*n];
        (*n)++;
    }
    for (int k = 0; k < d->n_fanouts; k++) {
        if (fx[k] != d->fanouts[k].mesh_x) {
            snprintf(text[*n], sizeof text[*n], "%s.spatial.meshX=%" PRIu64, d->fanouts[k].name,
                     fx[k]);
            sets[*n] = text[*n];
            (*n)++;
        }
        if (fy[k] != d->fanouts[k].mesh_y) {
            snprintf(text[*n], sizeof text[*n], "%s.spatial.meshY=%" PRIu64, d->fanouts[k].name,
                     fy[k]);
            sets[*n] = text[*n];
            (*n)++;
        }
    }
    return ADSE_OK;
}

static adse_status check_gene_values(const adse_search_spec *spec, const double *genes,
                                     adse_err *err);

adse_status adse__design_derive(const adse__designer *d, const adse_spec *layer,
                                const double *genes, adse_spec **out, adse_err *err)
{
    *out = NULL;
    if (!d->derive) return ADSE_OK;
    adse_status st = check_gene_values(d->spec, genes, err);
    if (st) return st;
    char text[MAX_SETS][2 * ADSE_NAME_MAX + 64];
    const char *sets[MAX_SETS];
    int n = 0;
    if ((st = node_sets(d, genes, text, sets, &n, err))) return st;
    /* the node sets, for messages */
    char what[512];
    size_t used = 0;
    what[0] = 0;
    for (int i = 0; i < n && used < sizeof what; i++) {
        int k = snprintf(what + used, sizeof what - used, "%s--set %s", i ? " " : "", sets[i]);
        if (k < 0) break;
        used += (size_t)k;
    }
    if (!n) snprintf(what, sizeof what, "the baseline's fanouts");
    adse_err e;
    adse_err_clear(&e);
    st = adse_spec_derive(layer, sets, n, out, &e);
    if (st == ADSE_E_NOMEM || st == ADSE_E_INTERNAL || st == ADSE_E_USAGE) {
        if (err) *err = e;
        return st;
    }
    if (st) {
        /* the file's name without its directory: a design's reason has 191 characters */
        const char *slash = strrchr(e.file, '/');
        const char *file = slash ? slash + 1 : e.file;
        if (!file[0])
            return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0, "%.200s: %.400s", what, e.msg);
        return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0, "%.200s: %.200s:%d:%d: %.400s", what,
                            file, e.line, e.column, e.msg);
    }
    return ADSE_OK;
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

/* Where baseline level c (or ADSE__ARITH) is in a, a design of d: c itself, except in a
 * derived design, whose fanouts may add or remove dummy levels: the level of that name
 * there, -2 when there is none (a dummy level of the baseline). */
static int level_in(const adse__designer *d, const adse_arch *a, int c)
{
    if (!d->derive || c == ADSE__ARITH) return c;
    int i = adse_arch_level_id(a, d->base->levels[c].name);
    return i < 0 ? ADSE__NO_TARGET : i;
}

/* The architecture the genes of gene values genes start from into out: the baseline with
 * the mesh gene's meshes, or a derived design's own translation (which only the genes set
 * on the nodes decide: mesh, meshX, instances, and those of attributes expressions read). */
static adse_status design_start(const adse__designer *d, const double *genes, adse_arch *out,
                                adse_err *err)
{
    const adse_search_spec *spec = d->spec;
    *out = *d->base;
    adse_status st = check_gene_values(spec, genes, err);
    if (st) return st;
    if (d->derive) {
        /* the meshes from the v0.4 nodes, then the other genes on that architecture */
        adse_spec *derived;
        if ((st = adse__design_derive(d, d->source, genes, &derived, err))) return st;
        *out = derived->arch;
        adse_spec_free(derived);
    } else if (d->mesh_gene >= 0) {
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
    return ADSE_OK;
}

/* The other genes of genes on out (from design_start), derived attributes, the meshes'
 * check and the prices. */
static adse_status design_finish(const adse__designer *d, const double *genes, adse_arch *out,
                                 adse_err *err)
{
    const adse_search_spec *spec = d->spec;
    adse_status st;
    /* instances before meshX, so that a component with both ends with the given meshX */
    for (int pass = 0; pass < 3; pass++) {
        for (int g = 0; g < spec->n_genes; g++) {
            const adse_search_gene *gn = &spec->genes[g];
            bool is_inst = gn->attr == ADSE_GENE_INSTANCES, is_mx = gn->attr == ADSE_GENE_MESH_X;
            if (d->target[g] == ADSE__NO_TARGET || d->set_key[g] || (pass == 0) != is_inst ||
                (pass == 1) != is_mx)
                continue;
            int t = level_in(d, out, d->target[g]);
            if (t == ADSE__NO_TARGET)
                return adse_err_set(err, ADSE_E_INVALID, NULL, 0, 0,
                                    "the design has no level '%s' (parameter '%s')", gn->component,
                                    gn->name);
            if ((st = apply_gene(gn, t, genes[g], out, err))) return st;
        }
    }
    for (int i = 0; i < d->base->n_levels; i++) {
        bool touched = false, block_gene = false, depth_gene = false;
        for (int g = 0; g < spec->n_genes; g++) {
            if (d->target[g] != i || d->set_key[g] || !changes_size(spec->genes[g].attr)) continue;
            touched = true;
            block_gene |= spec->genes[g].attr == ADSE_GENE_BLOCK_SIZE;
            depth_gene |= spec->genes[g].attr == ADSE_GENE_DEPTH;
        }
        int t = level_in(d, out, i); /* present when touched: the genes were applied */
        if (touched && (st = geometry(&out->levels[t], block_gene, depth_gene, err))) return st;
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

adse_status adse__design_arch(const adse__designer *d, const double *genes, adse_arch *out,
                              adse_err *err)
{
    adse_status st = design_start(d, genes, out, err);
    return st ? st : design_finish(d, genes, out, err);
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
        if (d->node[g] >= 0) {
            const adse_spec_fanout *f = &d->fanouts[d->node[g]];
            v = gn->attr == ADSE_GENE_MESH_X ? f->mesh_x : (double)f->mesh_x * f->mesh_y;
        } else if (gn->attr == ADSE_GENE_MESH) {
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
#define CHECK_MAX_DERIVED 4096 /* starts of derived designs (a translation each, 0.2 ms) */

/* Contribution of component c (level index or ADSE__ARITH of d's baseline) to budget metric
 * b in a design a. */
static double contribution(const adse__designer *d, const adse_arch *a, int c,
                           adse_search_budget_id b)
{
    c = level_in(d, a, c);
    if (c == ADSE__NO_TARGET) return 0; /* a dummy level the design does not have */
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
    /* arch[0] a design, arch[1] the architecture its meshes start from */
    adse_arch *arch = malloc(2 * sizeof *arch), *base_arch = arch ? arch + 1 : NULL;
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

    /* the genes that decide where a design starts (the mesh gene; on a v0.4 design, the
     * genes set on its nodes) outside, each component's own inside */
    int og[ADSE_SEARCH_MAX_GENES], n_og = 0, oidx[ADSE_SEARCH_MAX_GENES] = {0};
    double n_outer = 1;
    for (int g = 0; g < spec->n_genes; g++)
        if (g == d->mesh_gene || d->node[g] >= 0 || d->set_key[g]) {
            og[n_og++] = g;
            n_outer *= spec->genes[g].n_values;
        }
    /* a derived design costs a translation: fewer of them */
    if (n_outer > (d->derive ? CHECK_MAX_DERIVED : CHECK_MAX_COMBOS)) { /* the baseline's only */
        checked_all = false;
        n_outer = 1;
        n_og = 0;
    }
    for (long xi = 0; xi < (long)n_outer; xi++) {
        for (int k = 0; k < n_og; k++)
            genes[og[k]] = spec->genes[og[k]].values[oidx[k]];
        double total[ADSE_BUDGET_COUNT] = {0};
        bool any_mesh_valid = false;
        char combo_reason[200] = "";
        adse_err e1;
        adse_err_clear(&e1);
        /* the meshes' architecture, once for every combination of the other genes */
        adse_status start = design_start(d, genes, base_arch, &e1);
        if (start == ADSE_E_NOMEM || start == ADSE_E_INTERNAL || start == ADSE_E_USAGE) {
            free(valid);
            free(arch);
            if (err) *err = e1;
            return start;
        }
        if (start) snprintf(combo_reason, sizeof combo_reason, "%.199s", e1.msg);
        for (int c = ADSE__ARITH; c < base->n_levels && !start; c++) {
            int gl[ADSE_SEARCH_MAX_GENES], ng = 0;
            for (int g = 0; g < spec->n_genes; g++)
                if (d->target[g] == c && !d->set_key[g]) gl[ng++] = g;
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
                *arch = *base_arch;
                if (design_finish(d, genes, arch, &e2) == ADSE_OK) {
                    any_mesh_valid = true;
                    for (int k = 0; k < ng; k++)
                        valid[gl[k]][idx[k]] = true;
                    for (int b = 0; b < ADSE_BUDGET_COUNT; b++) {
                        double v = contribution(d, arch, c, (adse_search_budget_id)b);
                        if (v < best[b]) best[b] = v;
                    }
                } else {
                    for (int k = 0; k < ng; k++)
                        snprintf(last_reason[gl[k]], sizeof last_reason[gl[k]], "%.199s", e2.msg);
                    snprintf(combo_reason, sizeof combo_reason, "%.199s", e2.msg);
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
        for (int k = 0; k < n_og; k++) {
            if (any_mesh_valid)
                valid[og[k]][oidx[k]] = true;
            else if (!last_reason[og[k]][0]) /* the first such combination's reason */
                snprintf(last_reason[og[k]], sizeof last_reason[og[k]], "%s", combo_reason);
        }
        for (int b = 0; b < ADSE_BUDGET_COUNT && !start; b++)
            if (total[b] < best_total[b]) best_total[b] = total[b];
        for (int k = 0; k < n_og; k++) { /* next combination */
            if (++oidx[k] < spec->genes[og[k]].n_values) break;
            oidx[k] = 0;
        }
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
