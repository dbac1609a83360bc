/* `architecture:` in the classic tree format (model.md §2.1-2.3) -> adse_arch. */
#include "input/internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/energy.h"
#include "energy/bind.h"
#include "input/compound.h"

/* Deepest subtree nesting we follow; real designs use 2-4. */
#define ARCH_MAX_NEST 64
/* Longest Accelergy table name (dotted path) we build, with the NUL. */
#define ARCH_PATH_MAX 1024

/* ---- key tables ---------------------------------------------------------------------- */

static const char *const root_keys[] = {"version", "subtree",     "local", "attributes",
                                        "name",    "constraints", NULL};
static const char *const node_keys[] = {"name",    "attributes",  "local",       "subtree",
                                        "version", "constraints", "description", NULL};
static const char *const component_keys[] = {
    "name",        "class",       "subclass",         "attributes",
    "local",       "subtree",     "required_actions", "enabled",
    "actions",     "area_share",  "area_scale",       "energy_scale",
    "constraints", "description", "version",          NULL};

/* Attribute aliases of the fields the model reads (model.md §2.2). */
static const char *const a_word_bits[] = {"word_bits", "word_width", "datawidth", NULL};
static const char *const a_block_size[] = {"block_size", "n_words", NULL};
static const char *const a_cluster_size[] = {"cluster_size", NULL};
static const char *const a_width[] = {"width", "memory_width", "data_storage_width", NULL};
static const char *const a_depth[] = {"depth", "memory_depth", "data_storage_depth", NULL};
static const char *const a_entries[] = {"entries", NULL};
static const char *const a_size_kb[] = {"sizeKB", NULL};
static const char *const a_multiple_buffering[] = {"multiple_buffering", NULL};
static const char *const a_min_utilization[] = {"min_utilization", NULL};
static const char *const a_instances[] = {"instances", NULL};
static const char *const a_mesh_x[] = {"meshX", NULL};
static const char *const a_mesh_y[] = {"meshY", NULL};
static const char *const a_bandwidth[] = {"bandwidth", NULL};
static const char *const a_read_bw[] = {"read_bandwidth", NULL};
static const char *const a_write_bw[] = {"write_bandwidth", NULL};
static const char *const a_shared_bw[] = {"shared_bandwidth", NULL};
static const char *const a_bw_scale[] = {"per_dataspace_bandwidth_consumption_scale", NULL};
static const char *const a_num_banks[] = {"num_banks", "n_banks", NULL};
static const char *const a_num_ports[] = {"num_ports", "n_ports", NULL};
static const char *const a_technology[] = {"technology", NULL};
static const char *const a_reduction[] = {"reduction_supported", NULL};
static const char *const a_vae[] = {"vector_access_energy", NULL};
static const char *const a_addr_gen[] = {"addr_gen_energy", NULL};
static const char *const a_cluster_area[] = {"cluster_area", NULL};
static const char *const a_net_word_bits[] = {"network_word_bits", NULL};
static const char *const a_wire_energy[] = {"wire_energy", NULL};
static const char *const a_energy_per_hop[] = {"energy_per_hop", NULL};
static const char *const a_router_energy[] = {"router_energy", NULL};
static const char *const a_tile_width[] = {"tile_width", NULL};
static const char *const a_ingress[] = {"energy_per_ingress", NULL};
static const char *const a_fill_latency[] = {"network_fill_latency", NULL};
static const char *const a_drain_latency[] = {"network_drain_latency", NULL};
static const char *const a_energy[] = {"energy", NULL};
static const char *const a_area[] = {"area", NULL};

const adse__arch_aliases adse__arch_alias = {
    .word_bits = a_word_bits,
    .block_size = a_block_size,
    .cluster_size = a_cluster_size,
    .width = a_width,
    .depth = a_depth,
    .entries = a_entries,
    .size_kb = a_size_kb,
    .instances = a_instances,
    .mesh_x = a_mesh_x,
    .mesh_y = a_mesh_y,
    .read_bw = a_read_bw,
    .write_bw = a_write_bw,
};

static const char *const *const buffer_fields[] = {a_word_bits,
                                                   a_block_size,
                                                   a_cluster_size,
                                                   a_width,
                                                   a_depth,
                                                   a_entries,
                                                   a_size_kb,
                                                   a_multiple_buffering,
                                                   a_min_utilization,
                                                   a_instances,
                                                   a_mesh_x,
                                                   a_mesh_y,
                                                   a_bandwidth,
                                                   a_read_bw,
                                                   a_write_bw,
                                                   a_shared_bw,
                                                   a_bw_scale,
                                                   a_num_banks,
                                                   a_num_ports,
                                                   a_technology,
                                                   a_reduction,
                                                   a_vae,
                                                   a_addr_gen,
                                                   a_cluster_area,
                                                   a_net_word_bits,
                                                   a_wire_energy,
                                                   a_energy_per_hop,
                                                   a_router_energy,
                                                   a_tile_width,
                                                   a_ingress,
                                                   a_fill_latency,
                                                   a_drain_latency,
                                                   NULL};
static const char *const *const arith_fields[] = {a_word_bits, a_instances, a_mesh_x, a_mesh_y,
                                                  a_energy,    a_area,      NULL};

/* Attributes that feed Accelergy or features adse ignores, listed so that a near-miss
 * check against the model's keys never rejects them. Anything else that is not close to
 * a model key is accepted silently too (compound components define their own). */
static const char *const accepted_other[] = {"type",
                                             "version",
                                             "nports",
                                             "n_rdwr_ports",
                                             "n_rw_ports",
                                             "n_rd_ports",
                                             "n_wr_ports",
                                             "n_buffets",
                                             "allow_overbooking",
                                             "has_power_gating",
                                             "power_gated_at",
                                             "global_cycle_seconds",
                                             "update_fifo_depth",
                                             "multiplier_width",
                                             "adder_width",
                                             "network_type",
                                             "network_read",
                                             "network_fill",
                                             "network_drain",
                                             "network_update",
                                             "network_operand",
                                             "network_result",
                                             "metadata_storage_width",
                                             "metadata_storage_depth",
                                             "metadata_datawidth",
                                             "metadata_word_bits",
                                             "metadata_block_size",
                                             "metadata_counter_width",
                                             "concordant_compressed_tile_traversal",
                                             "tile_partition_supported",
                                             "decompression_supported",
                                             "compression_supported",
                                             "n_bits",
                                             "width_a",
                                             "width_b",
                                             "latency",
                                             "action_latency_cycles",
                                             "area",
                                             "energy",
                                             "leak_power",
                                             NULL};

/* ---- small helpers ------------------------------------------------------------------- */

adse_status adse__copy_name(const adse__ynode *n, char *dst, const char *what, adse_err *err)
{
    if (!adse__ynode_is_scalar(n) || adse__ynode_is_null(n))
        return adse__yerr(err, ADSE_E_SPEC, n, "'%s' must be a scalar, got %s", what,
                          adse__ynode_kind_name(n));
    if (n->len >= ADSE_NAME_MAX)
        return adse__yerr(err, ADSE_E_SPEC, n,
                          "%s '%.40s...' is longer than ADSE_NAME_MAX - 1 (%d) characters", what,
                          n->text, ADSE_NAME_MAX - 1);
    memcpy(dst, n->text, n->len + 1);
    return ADSE_OK;
}

/* Splits "name[a..b]" into the bare name and the instance count b - a + 1 (1 without a
 * range, as config::parseElementSize does). */
static adse_status parse_range_name(const adse__ynode *n, char *name, uint64_t *count,
                                    const char *what, adse_err *err)
{
    if (!adse__ynode_is_scalar(n) || adse__ynode_is_null(n))
        return adse__yerr(err, ADSE_E_SPEC, n, "'name' of %s must be a scalar, got %s", what,
                          adse__ynode_kind_name(n));
    const char *t = n->text;
    size_t len = n->len;
    *count = 1;
    const char *open = memchr(t, '[', len);
    if (open) {
        const char *p = open + 1;
        uint64_t a = 0, b = 0;
        bool ok = isdigit((unsigned char)*p);
        while (ok && isdigit((unsigned char)*p) && a < UINT32_MAX)
            a = a * 10 + (uint64_t)(*p++ - '0');
        ok = ok && p[0] == '.' && p[1] == '.';
        p += ok ? 2 : 0;
        ok = ok && isdigit((unsigned char)*p);
        while (ok && isdigit((unsigned char)*p) && b < UINT32_MAX)
            b = b * 10 + (uint64_t)(*p++ - '0');
        ok = ok && p[0] == ']' && p[1] == 0;
        if (!ok)
            return adse__yerr(err, ADSE_E_SPEC, n,
                              "malformed instance range in name '%s' (expected name[first..last])",
                              t);
        if (b < a)
            return adse__yerr(err, ADSE_E_SPEC, n,
                              "instance range in name '%s' ends before it starts", t);
        *count = b - a + 1;
        len = (size_t)(open - t);
    }
    if (len == 0) return adse__yerr(err, ADSE_E_SPEC, n, "empty name in '%s'", t);
    if (len >= ADSE_NAME_MAX)
        return adse__yerr(err, ADSE_E_SPEC, n,
                          "name '%.40s...' is longer than ADSE_NAME_MAX - 1 (%d) characters", t,
                          ADSE_NAME_MAX - 1);
    memcpy(name, t, len);
    name[len] = 0;
    return ADSE_OK;
}

static bool in_fields(const char *key, const char *const *const *fields)
{
    for (; *fields; fields++)
        if (adse__ykey_in(key, *fields)) return true;
    return false;
}

/* An upper-case key equal to alias al but for letter case: a variable, not a misspelt key
 * (timeloopfe copies its variables such as DATAWIDTH into the root's attributes, and
 * Timeloop's keys are case-sensitive). */
static bool upper_variable(const char *key, const char *al)
{
    for (const char *k = key; *k; k++)
        if (islower((unsigned char)*k)) return false;
    return adse__ykey_distance(key, al) == 0;
}

/* Accelergy attributes are open-ended, so unknown attributes are accepted, except those
 * that look like a misspelt model key (a typo there would silently change the result); one
 * in upper case that differs from a model key only in letter case is a variable, accepted
 * with a warning. */
static adse_status check_attr_typos(const adse__ynode *attrs, const char *owner,
                                    const char *const *const *fields,
                                    const char *const *const *fields2, const adse__ynode *variables,
                                    adse__warnings *warnings, adse_err *err)
{
    if (!adse__ynode_is_map(attrs)) return ADSE_OK;
    for (int i = 0; i < attrs->n; i++) {
        const adse__ynode *k = attrs->pairs[i].key;
        if (in_fields(k->text, fields) || (fields2 && in_fields(k->text, fields2)) ||
            adse__ykey_in(k->text, accepted_other))
            continue;
        /* a v0.4 variable (`DATAWIDTH`) names a value for expressions, not a model key */
        if (variables && adse__ymap_get(variables, k->text)) continue;
        const char *best = NULL;
        int best_d = 1 << 30;
        for (int f = 0; f < 2; f++) {
            const char *const *const *fl = f == 0 ? fields : fields2;
            for (; fl && *fl; fl++) {
                for (const char *const *al = *fl; *al; al++) {
                    int dist = adse__ykey_distance(k->text, *al);
                    int limit = strlen(*al) <= 5 ? 1 : 2;
                    if (dist <= limit && dist < best_d) {
                        best_d = dist;
                        best = *al;
                    }
                }
            }
        }
        if (best && upper_variable(k->text, best))
            adse__ywarn(warnings, k,
                        "'%s' in attributes of '%s' ignored: it is not '%s' (keys are "
                        "case-sensitive in Timeloop; upper case is taken for a variable)",
                        k->text, owner, best);
        else if (best)
            return adse__yerr(err, ADSE_E_SPEC, k,
                              "unknown key '%s' in attributes of '%s' (did you mean '%s'?)",
                              k->text, owner, best);
    }
    return ADSE_OK;
}

/* ---- attributes with inheritance ----------------------------------------------------- */

/* Where a component's attributes come from: its own map first, then the maps of the
 * enclosing subtree nodes from the innermost out (Accelergy's inheritance). */
typedef struct attr_src {
    const adse__ynode *maps[ARCH_MAX_NEST + 1];
    const char *owners[ARCH_MAX_NEST + 1];
    int n;
    adse__warnings *warnings; /* where notes on the attributes go */
} attr_src;

static bool same_value(const adse__ynode *a, const adse__ynode *b)
{
    double x, y;
    if (adse__yscalar_double(a, &x) && adse__yscalar_double(b, &y)) return x == y;
    return adse__ynode_is_scalar(a) && adse__ynode_is_scalar(b) && strcmp(a->text, b->text) == 0;
}

/* The pair giving field aliases (null values count as absent), and whose map it is in.
 * Aliases are listed in the order Timeloop looks them up (BufferLevel::ParseSpecs): the
 * first one a map has wins, and the others are ignored, with a warning when their values
 * differ. */
static adse_status attr_find(const attr_src *s, const char *const *aliases, const adse__ypair **out,
                             const char **owner, adse_err *err)
{
    (void)err;
    *out = NULL;
    for (int m = 0; m < s->n; m++) {
        const adse__ypair *found = NULL;
        for (const char *const *al = aliases; *al; al++) {
            const adse__ypair *p = adse__ymap_pair(s->maps[m], *al);
            if (!p || adse__ynode_is_null(p->value)) continue;
            if (!found) {
                found = p;
            } else if (!same_value(found->value, p->value) && s->warnings) {
                const adse__ynode *v = p->value, *fv = found->value;
                adse__ywarn(s->warnings, p->key,
                            "'%s: %s' in attributes of '%s' ignored: '%s: %s' comes first in "
                            "Timeloop's order",
                            p->key->text, adse__ynode_is_scalar(v) ? v->text : "...", s->owners[m],
                            found->key->text, adse__ynode_is_scalar(fv) ? fv->text : "...");
            }
        }
        if (found) {
            *out = found;
            *owner = s->owners[m];
            return ADSE_OK;
        }
    }
    return ADSE_OK;
}

static adse_status bad_value(const adse__ypair *p, const char *owner, const char *want,
                             adse_err *err)
{
    const adse__ynode *v = p->value;
    if (adse__ynode_is_scalar(v))
        return adse__yerr(err, ADSE_E_SPEC, v, "'%s' in attributes of '%s' must be %s, got '%s'",
                          p->key->text, owner, want, v->text);
    return adse__yerr(err, ADSE_E_SPEC, v, "'%s' in attributes of '%s' must be %s, got %s",
                      p->key->text, owner, want, adse__ynode_kind_name(v));
}

/* attr_find, and *given (may be NULL) whether the attribute is there. */
static adse_status attr_given(const attr_src *s, const char *const *aliases, bool *given,
                              const adse__ypair **p, const char **owner, adse_err *err)
{
    adse_status st = attr_find(s, aliases, p, owner, err);
    if (!st && given) *given = *p != NULL;
    return st;
}

/* Integer attribute in [min, max]. *given tells whether it was present. */
static adse_status attr_uint(const attr_src *s, const char *const *aliases, uint64_t min,
                             uint64_t max, bool *given, uint64_t *out, adse_err *err)
{
    const adse__ypair *p;
    const char *owner;
    adse_status st = attr_given(s, aliases, given, &p, &owner, err);
    if (st || !p) return st;
    uint64_t v;
    if (!adse__yscalar_u64(p->value, &v) || v < min)
        return bad_value(p, owner, min ? "a positive integer" : "a non-negative integer", err);
    if (v > max) {
        char want[64];
        snprintf(want, sizeof want, "at most %" PRIu64, max);
        return bad_value(p, owner, want, err);
    }
    *out = v;
    return ADSE_OK;
}

/* Number attribute; positive when strict, else non-negative. */
static adse_status attr_num(const attr_src *s, const char *const *aliases, bool strict, bool *given,
                            double *out, adse_err *err)
{
    const adse__ypair *p;
    const char *owner;
    adse_status st = attr_given(s, aliases, given, &p, &owner, err);
    if (st || !p) return st;
    double v;
    if (!adse__yscalar_double(p->value, &v) || v < 0 || (strict && v == 0))
        return bad_value(p, owner, strict ? "a positive number" : "a non-negative number", err);
    *out = v;
    return ADSE_OK;
}

/* ---- instances and meshes (model.md §2.3) ------------------------------------------------- */

static adse_status resolve_mesh(const attr_src *s, const adse__ynode *at, const char *name,
                                uint64_t n_elements, uint32_t *instances, uint32_t *mesh_x,
                                uint32_t *mesh_y, adse_err *err)
{
    bool has_inst, has_x, has_y;
    uint64_t inst = n_elements, mx = 0, my = 0;
    adse_status st = attr_uint(s, a_instances, 1, UINT32_MAX, &has_inst, &inst, err);
    if (!st) st = attr_uint(s, a_mesh_x, 1, UINT32_MAX, &has_x, &mx, err);
    if (!st) st = attr_uint(s, a_mesh_y, 1, UINT32_MAX, &has_y, &my, err);
    if (st) return st;
    if (!has_inst && inst > UINT32_MAX)
        return adse__yerr(err, ADSE_E_SPEC, at,
                          "'%s' has %" PRIu64 " instances, more than adse supports (%" PRIu32 ")",
                          name, inst, UINT32_MAX);
    const char *from = has_inst ? "its 'instances'" : "the name ranges";
    if (has_x && has_y) {
        if (mx * my != inst)
            return adse__yerr(err, ADSE_E_SPEC, at,
                              "meshX * meshY of '%s' (%" PRIu64 " * %" PRIu64 ") does not match "
                              "its %" PRIu64 " instances (from %s)",
                              name, mx, my, inst, from);
    } else if (has_x || has_y) {
        /* the one given must divide the instances; the other is the quotient */
        uint64_t given = has_x ? mx : my;
        if (inst % given)
            return adse__yerr(err, ADSE_E_SPEC, at,
                              "%s %" PRIu64 " of '%s' does not divide its %" PRIu64
                              " instances (from %s)",
                              has_x ? "meshX" : "meshY", given, name, inst, from);
        if (has_x)
            my = inst / mx;
        else
            mx = inst / my;
    } else {
        mx = inst;
        my = 1;
    }
    *instances = (uint32_t)inst;
    *mesh_x = (uint32_t)mx;
    *mesh_y = (uint32_t)my;
    return ADSE_OK;
}

/* ---- components ---------------------------------------------------------------------- */

typedef struct comp_rec {
    const adse__ynode *node; /* the component's mapping */
    char name[ADSE_NAME_MAX];
    char klass[ADSE_NAME_MAX];
    char subclass[ADSE_NAME_MAX]; /* "" if none */
    uint64_t n_elements;          /* running multiplier x own range */
    attr_src attrs;
    char path[ARCH_PATH_MAX];         /* Accelergy table name */
    const adse__compounds *compounds; /* the files' compound classes (NULL: none) */
} comp_rec;

adse__comp_kind adse__arch_classify(const char *klass)
{
    /* Substrings as Timeloop's isBufferClass/isComputeClass/isNetworkClass, in that order. */
    static const char *const buffers[] = {"DRAM",        "SRAM",    "regfile",
                                          "smartbuffer", "storage", NULL};
    static const char *const computes[] = {"mac", "intmac", "fpmac", "compute", NULL};
    static const char *const networks[] = {"XY_NoC", "Legacy", "ReductionTree", "SimpleMulticast",
                                           NULL};
    for (const char *const *c = buffers; *c; c++)
        if (strstr(klass, *c)) return ADSE__COMP_BUFFER;
    for (const char *const *c = computes; *c; c++)
        if (strstr(klass, *c)) return ADSE__COMP_ARITH;
    for (const char *const *c = networks; *c; c++)
        if (strstr(klass, *c)) return ADSE__COMP_NETWORK;
    return ADSE__COMP_OTHER;
}

/* Attribute names equal for the estimator: case-insensitive, '-' = '_'. */
static bool est_name_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = *a == '-' ? '_' : tolower((unsigned char)*a);
        int y = *b == '-' ? '_' : tolower((unsigned char)*b);
        if (x != y) return false;
        if (!x) return true;
    }
}

/* Keeps the attributes the estimator reads (adse_energy_attr_used), own first, then the
 * inherited ones innermost first, the first of a name winning; names in `typed` are held by
 * typed fields and skipped. Null values count as absent. */
static adse_status collect_est(const comp_rec *c, const char *const *const *typed,
                               adse_est_attrs *est, adse_err *err)
{
    const attr_src *s = &c->attrs;
    memset(est, 0, sizeof *est);
    memcpy(est->klass, c->subclass[0] ? c->subclass : c->klass, sizeof est->klass);
    /* a class the files define: also what its definition may read (input/compound.h) */
    bool compound = adse__compounds_class(c->compounds, est->klass) != NULL;
    for (int m = 0; m < s->n; m++) {
        const adse__ynode *map = s->maps[m];
        for (int i = 0; i < map->n; i++) {
            const adse__ypair *p = &map->pairs[i];
            const char *key = p->key->text;
            if (!(adse_energy_attr_used(key) ||
                  (compound && adse__compounds_reads(c->compounds, key))) ||
                in_fields(key, typed) || adse__ynode_is_null(p->value))
                continue;
            bool seen = false;
            for (int k = 0; k < est->n && !seen; k++)
                seen = est_name_eq(est->names[k], key);
            if (seen) continue;
            if (!adse__ynode_is_scalar(p->value))
                return bad_value(p, s->owners[m], "a scalar", err);
            if (p->key->len >= ADSE_EST_ATTR_MAX || p->value->len >= ADSE_EST_ATTR_MAX)
                return adse__yerr(err, ADSE_E_SPEC, p->value,
                                  "'%s' in attributes of '%s' is longer than ADSE_EST_ATTR_MAX - "
                                  "1 (%d) characters",
                                  key, s->owners[m], ADSE_EST_ATTR_MAX - 1);
            if (est->n == ADSE_MAX_EST_ATTRS)
                return adse__yerr(err, ADSE_E_SPEC, p->key,
                                  "more than ADSE_MAX_EST_ATTRS (%d) energy-estimation attributes "
                                  "for '%s'",
                                  ADSE_MAX_EST_ATTRS, c->name);
            memcpy(est->names[est->n], key, p->key->len + 1);
            memcpy(est->values[est->n], p->value->text, p->value->len + 1);
            est->n++;
        }
    }
    return ADSE_OK;
}

static const char *const *const buffer_typed[] = {a_width, a_depth, a_word_bits, a_block_size,
                                                  NULL};
static const char *const *const arith_typed[] = {a_word_bits, NULL};

static adse_status parse_bw_scale(const attr_src *s, adse_buffer *b, const adse__ynode **bw_nodes,
                                  adse_err *err)
{
    const adse__ypair *p;
    const char *owner;
    adse_status st = attr_find(s, a_bw_scale, &p, &owner, err);
    if (st || !p) return st;
    if (!adse__ynode_is_map(p->value))
        return bad_value(p, owner, "a mapping from data-space names to numbers", err);
    for (int i = 0; i < p->value->n; i++) {
        const adse__ypair *e = &p->value->pairs[i];
        if (b->n_bw_scales == ADSE_MAX_BW_SCALES)
            return adse__yerr(err, ADSE_E_SPEC, e->key,
                              "more than ADSE_MAX_BW_SCALES (%d) entries in "
                              "'%s' of '%s'",
                              ADSE_MAX_BW_SCALES, p->key->text, owner);
        double v;
        if (!adse__yscalar_double(e->value, &v) || v < 0)
            return adse__yerr(err, ADSE_E_SPEC, e->value,
                              "scale of '%s' in '%s' of '%s' must be a non-negative number",
                              e->key->text, p->key->text, owner);
        st = adse__copy_name(e->key, b->bw_scale_names[b->n_bw_scales], "data-space name", err);
        if (st) return st;
        bw_nodes[b->n_bw_scales] = e->key;
        b->bw_scale_values[b->n_bw_scales] = v;
        b->n_bw_scales++;
    }
    return ADSE_OK;
}

/* Storage attributes that change Timeloop's numbers in ways adse does not model
 * (docs/model.md section 15): refused, or a warning where they matter only for leakage. */
static adse_status check_unmodeled(const attr_src *s, const char *name, adse_err *err)
{
    static const char *const a_overbooking[] = {"allow_overbooking", NULL};
    static const char *const a_gated[] = {"power_gated_at", NULL};
    const adse__ypair *p;
    const char *owner;
    bool yes = false;
    adse_status st = attr_find(s, a_overbooking, &p, &owner, err);
    if (st) return st;
    if (p && !adse__yscalar_bool(p->value, &yes)) return bad_value(p, owner, "true or false", err);
    if (yes)
        return adse__yerr(err, ADSE_E_SPEC, p->value,
                          "'allow_overbooking: true' of '%s' is not supported (Timeloop then "
                          "admits tiles larger than the buffer and charges the extra traffic)",
                          name);
    if ((st = attr_find(s, a_gated, &p, &owner, err))) return st;
    if (p)
        adse__ywarn(s->warnings, p->key,
                    "'power_gated_at' of '%s' ignored: power gating is not modeled, every "
                    "instance leaks",
                    name);
    return ADSE_OK;
}

/* The attributes that declare a storage level's geometry, by their aliases (model.md §2.2): word
 * bits, block and cluster sizes, width, and the one size attribute (depth, entries or
 * sizeKB), with which of them were given. What follows from them is
 * adse_buffer_derive_geometry()'s, not this reader's. The size attribute is Timeloop's:
 * entries, then depth, then sizeKB; sizeKB with either of the others is an error, as
 * Timeloop stops on an assertion there. *depth_unused: depth was given beside entries. */
static adse_status read_geometry_attrs(const attr_src *s, const adse__ynode *at, adse_buffer *b,
                                       bool *depth_unused, adse_err *err)
{
    uint64_t word_bits = 16, block = 1, cluster = 1, width = 0, depth = 0, entries = 0, kb = 0;
    bool has_block, has_cluster, has_width, has_depth, has_entries, has_kb;
    adse_status st;
    if ((st = attr_uint(s, a_word_bits, 1, UINT32_MAX, NULL, &word_bits, err))) return st;
    if ((st = attr_uint(s, a_block_size, 1, UINT32_MAX, &has_block, &block, err))) return st;
    if ((st = attr_uint(s, a_cluster_size, 1, UINT32_MAX, &has_cluster, &cluster, err))) return st;
    if ((st = attr_uint(s, a_width, 1, UINT32_MAX, &has_width, &width, err))) return st;
    if ((st = attr_uint(s, a_depth, 0, UINT32_MAX, &has_depth, &depth, err))) return st;
    if ((st = attr_uint(s, a_entries, 0, UINT64_MAX / 2, &has_entries, &entries, err))) return st;
    if ((st = attr_uint(s, a_size_kb, 0, UINT32_MAX, &has_kb, &kb, err))) return st;
    if (has_kb && (has_entries || has_depth))
        return adse__yerr(err, ADSE_E_SPEC, at,
                          "'sizeKB' and '%s' both given for '%s' (Timeloop stops on this too)",
                          has_entries ? "entries" : "depth", b->name);
    *depth_unused = has_entries && has_depth;
    b->word_bits = (uint32_t)word_bits;
    b->block_size = (uint32_t)block;
    b->block_size_given = has_block;
    b->cluster_size = (uint32_t)cluster;
    b->cluster_size_given = has_cluster;
    b->width_bits = has_width ? width : 0;
    b->depth = has_depth ? depth : 0;
    b->entries = has_entries ? entries : 0;
    b->size_kb = has_kb ? kb : 0;
    b->size_given = has_entries ? ADSE_SIZE_ENTRIES
                    : has_depth ? ADSE_SIZE_DEPTH
                    : has_kb    ? ADSE_SIZE_KB
                                : ADSE_SIZE_NONE;
    return attr_num(s, a_multiple_buffering, true, NULL, &b->multiple_buffering, err);
}

/* Technology and whether the level is a DRAM (its class or technology says so). */
static adse_status read_technology(const attr_src *s, adse_buffer *b, adse_err *err)
{
    const adse__ypair *tp;
    const char *owner;
    adse_status st = attr_find(s, a_technology, &tp, &owner, err);
    if (st) return st;
    if (tp) {
        if (!adse__ynode_is_scalar(tp->value)) return bad_value(tp, owner, "a scalar", err);
        if ((st = adse__copy_name(tp->value, b->technology, "technology", err))) return st;
    }
    b->is_dram = strstr(b->klass, "DRAM") != NULL || strcmp(b->technology, "DRAM") == 0;
    return ADSE_OK;
}

/* Bandwidths (words/cycle per instance, < 0 = unlimited), reduction, banks and ports. */
static adse_status read_ports(const attr_src *s, adse_buffer *b, const adse__ynode **bw_nodes,
                              adse_err *err)
{
    double bw = -1, rbw = -1, wbw = -1, sbw = -1;
    bool has_bw, has_rbw, has_wbw;
    adse_status st;
    if ((st = attr_num(s, a_bandwidth, true, &has_bw, &bw, err))) return st;
    if ((st = attr_num(s, a_read_bw, true, &has_rbw, &rbw, err))) return st;
    if ((st = attr_num(s, a_write_bw, true, &has_wbw, &wbw, err))) return st;
    if ((st = attr_num(s, a_shared_bw, true, NULL, &sbw, err))) return st;
    b->read_bw = has_rbw ? rbw : has_bw ? bw / 2 : -1;
    b->write_bw = has_wbw ? wbw : has_bw ? bw / 2 : -1;
    b->shared_bw = sbw;
    if ((st = parse_bw_scale(s, b, bw_nodes, err))) return st;

    const adse__ypair *rp;
    const char *owner;
    if ((st = attr_find(s, a_reduction, &rp, &owner, err))) return st;
    b->reduction_supported = !b->is_dram;
    if (rp && !adse__yscalar_bool(rp->value, &b->reduction_supported))
        return bad_value(rp, owner, "true or false", err);
    uint64_t banks = 2, ports = 2;
    if ((st = attr_uint(s, a_num_banks, 1, UINT32_MAX, NULL, &banks, err))) return st;
    if ((st = attr_uint(s, a_num_ports, 1, UINT32_MAX, NULL, &ports, err))) return st;
    b->num_banks = (uint32_t)banks;
    b->num_ports = (uint32_t)ports;
    return ADSE_OK;
}

/* Network to the children (legacy network, model.md §2.4). */
static adse_status read_network(const attr_src *s, adse_buffer *b, bool *wire_given, adse_err *err)
{
    uint64_t nwb = b->word_bits, fill_lat = 0, drain_lat = 0;
    double wire = 0, hop = -1, router = 0, tile = -1, ingress = 0;
    bool has_nwb;
    adse_status st;
    if ((st = attr_uint(s, a_net_word_bits, 1, UINT32_MAX, &has_nwb, &nwb, err))) return st;
    if ((st = attr_num(s, a_wire_energy, false, wire_given, &wire, err))) return st;
    if ((st = attr_num(s, a_energy_per_hop, false, NULL, &hop, err))) return st;
    if ((st = attr_num(s, a_router_energy, false, NULL, &router, err))) return st;
    if ((st = attr_num(s, a_tile_width, true, NULL, &tile, err))) return st;
    if ((st = attr_num(s, a_ingress, false, NULL, &ingress, err))) return st;
    if ((st = attr_uint(s, a_fill_latency, 0, UINT64_MAX, NULL, &fill_lat, err))) return st;
    if ((st = attr_uint(s, a_drain_latency, 0, UINT64_MAX, NULL, &drain_lat, err))) return st;
    b->network_word_bits = (uint32_t)nwb;
    b->network_word_bits_given = has_nwb;
    b->wire_energy_pj = wire;
    b->energy_per_hop_pj = hop;
    b->router_energy_pj = router;
    b->tile_width_mm = tile;
    b->ingress_energy_pj = ingress;
    b->network_fill_latency = fill_lat;
    b->network_drain_latency = drain_lat;
    return ADSE_OK;
}

/* Energy and area: Timeloop's fallback, then the user's override, then what the estimator
 * will read. */
static adse_status read_energy(const comp_rec *c, adse_buffer *b, adse_err *err)
{
    const attr_src *s = &c->attrs;
    adse__energy_fallback_buffer(b);
    bool has_vae, has_cluster_area;
    double vae = 0, agen = -1, cluster_area = 0;
    adse_status st;
    if ((st = attr_num(s, a_vae, false, &has_vae, &vae, err))) return st;
    if ((st = attr_num(s, a_addr_gen, false, NULL, &agen, err))) return st;
    if ((st = attr_num(s, a_cluster_area, false, &has_cluster_area, &cluster_area, err))) return st;
    if (has_vae) {
        b->energy_source = ADSE_ENERGY_USER;
        b->e_read = b->e_fill = b->e_update = vae;
        b->vector_access_energy = vae;
    }
    b->addr_gen_energy_pj = agen;
    b->area_um2 = has_cluster_area ? cluster_area / (double)b->cluster_size : 0.0;
    b->area_source = has_cluster_area ? ADSE_ENERGY_USER : ADSE_ENERGY_FALLBACK;
    return collect_est(c, buffer_typed, &b->est, err);
}

/* What every level of the architecture takes from its component: name, class and where it
 * is declared (the level's struct zeroed first). */
#define TAKE_IDENTITY(level, c)                                                                    \
    do {                                                                                           \
        memset((level), 0, sizeof *(level));                                                       \
        _Static_assert(sizeof(level)->name == sizeof(c)->name &&                                   \
                           sizeof(level)->klass == sizeof(c)->klass,                               \
                       "names of one size");                                                       \
        memcpy((level)->name, (c)->name, sizeof(level)->name);                                     \
        memcpy((level)->klass, (c)->klass, sizeof(level)->klass);                                  \
        (level)->pos = adse__ynode_pos((c)->node);                                                 \
    } while (0)

static adse_status parse_buffer(const comp_rec *c, adse_buffer *b, bool *wire_given,
                                const adse__ynode **bw_nodes, adse_err *err)
{
    const attr_src *s = &c->attrs;
    const adse__ynode *at = c->node;
    adse_status st;
    TAKE_IDENTITY(b, c);
    b->multiple_buffering = 1.0;

    bool depth_unused = false;
    if ((st = read_geometry_attrs(s, at, b, &depth_unused, err))) return st;
    if ((st = read_technology(s, b, err))) return st;
    if ((st = adse_buffer_derive_geometry(b, err))) return st;
    if (depth_unused && b->depth * b->block_size != b->entries)
        adse__ywarn(s->warnings, at,
                    "'depth' of '%s' ignored: 'entries' (%" PRIu64 ") comes first in Timeloop's "
                    "order and differs from depth * block_size (%" PRIu64 ")",
                    b->name, b->entries, b->depth * b->block_size);
    double min_util = 0.0;
    if ((st = attr_num(s, a_min_utilization, false, NULL, &min_util, err))) return st;
    b->min_utilization = min_util;
    if (min_util > 1.0)
        return adse__yerr(err, ADSE_E_SPEC, at, "min_utilization of '%s' must be at most 1",
                          b->name);
    if (min_util != 0.0 && !b->size_specified)
        return adse__yerr(err, ADSE_E_SPEC, at,
                          "min_utilization of '%s' needs a size (depth, entries or sizeKB)",
                          b->name);
    if ((st = read_ports(s, b, bw_nodes, err))) return st;
    if ((st = resolve_mesh(s, at, b->name, c->n_elements, &b->instances, &b->mesh_x, &b->mesh_y,
                           err)))
        return st;
    if ((st = read_network(s, b, wire_given, err))) return st;
    return read_energy(c, b, err);
}

static adse_status parse_arith(const comp_rec *c, adse_arith *a, adse_err *err)
{
    const attr_src *s = &c->attrs;
    adse_status st;
    TAKE_IDENTITY(a, c);
    uint64_t word_bits = 16;
    if ((st = attr_uint(s, a_word_bits, 1, UINT32_MAX, NULL, &word_bits, err))) return st;
    a->word_bits = (uint32_t)word_bits;
    if ((st = resolve_mesh(s, c->node, c->name, c->n_elements, &a->instances, &a->mesh_x,
                           &a->mesh_y, err)))
        return st;
    adse__energy_fallback_arith(a);
    bool has_energy, has_area;
    double energy = 0, area = 0;
    if ((st = attr_num(s, a_energy, false, &has_energy, &energy, err))) return st;
    if ((st = attr_num(s, a_area, false, &has_area, &area, err))) return st;
    if (has_energy) {
        a->energy_source = ADSE_ENERGY_USER;
        a->e_compute = energy;
    }
    a->area_um2 = area;
    a->area_source = has_area ? ADSE_ENERGY_USER : ADSE_ENERGY_FALLBACK;
    return collect_est(c, arith_typed, &a->est, err);
}

/* ---- the tree walk ------------------------------------------------------------------- */

typedef struct walk {
    adse__warnings *warnings;          /* the spec's load warnings */
    const adse__v04_info *v04;         /* the v0.4 translation's (NULL: none) */
    const adse__compounds *compounds;  /* the files' compound classes (NULL: none) */
    attr_src inherited;                /* enclosing nodes' attributes, innermost first */
    char prefix[ARCH_PATH_MAX];        /* enclosing nodes' names as written, each + '.' */
    uint64_t multiplier;               /* product of the enclosing nodes' name ranges */
    comp_rec buffers[ADSE_MAX_LEVELS]; /* outermost first */
    int n_buffers;
    comp_rec arith;
    bool has_arith;
    comp_rec nets[ADSE_MAX_NETWORKS]; /* declared network components, in file order */
    int n_nets;
} walk;

/* ---- networks (docs/model.md, "Declared networks") --------------------------------------------
 */

static const char *const a_net_word_bits_net[] = {"network_word_bits", NULL};
static const char *const a_action_name[] = {"action_name", NULL};
static const char *const a_mcast_arg[] = {"multicast_factor_argument", NULL};
static const char *const a_per_datatype[] = {"per_datatype_ERT", NULL};
static const char *const a_net_fill_latency[] = {"fill_latency", NULL};
static const char *const a_net_drain_latency[] = {"drain_latency", NULL};
static const char *const *const network_fields[] = {
    a_net_word_bits_net, a_word_bits,        a_action_name,       a_mcast_arg,
    a_per_datatype,      a_net_fill_latency, a_net_drain_latency, NULL};

/* A string attribute (scalar), copied into dst; *given tells whether it was present. */
static adse_status attr_name(const attr_src *s, const char *const *aliases, char *dst, bool *given,
                             adse_err *err)
{
    const adse__ypair *p;
    const char *owner;
    adse_status st = attr_given(s, aliases, given, &p, &owner, err);
    if (st || !p) return st;
    if (!adse__ynode_is_scalar(p->value)) return bad_value(p, owner, "a name", err);
    return adse__copy_name(p->value, dst, p->key->text, err);
}

static adse_status parse_network(const comp_rec *c, adse_arch_network *n, adse_err *err)
{
    const attr_src *s = &c->attrs;
    adse_status st;
    TAKE_IDENTITY(n, c);
    static const char *const known[] = {"SimpleMulticast", "ReductionTree", "XY_NoC", "Legacy",
                                        NULL};
    bool ok = false;
    for (const char *const *k = known; *k; k++)
        ok |= strcmp(c->klass, *k) == 0;
    if (!ok)
        return adse__yerr(err, ADSE_E_SPEC, adse__ymap_get(c->node, "class"),
                          "unknown network class '%s' of '%s' (Timeloop's are SimpleMulticast, "
                          "ReductionTree, XY_NoC and Legacy)",
                          c->klass, c->name);
    uint64_t wb = 16, fill = 0, drain = 0;
    bool has_nwb;
    if ((st = attr_uint(s, a_net_word_bits_net, 1, UINT32_MAX, &has_nwb, &wb, err))) return st;
    if (!has_nwb && (st = attr_uint(s, a_word_bits, 1, UINT32_MAX, NULL, &wb, err))) return st;
    n->word_bits = (uint32_t)wb;
    if ((st = attr_uint(s, a_net_fill_latency, 0, UINT64_MAX, NULL, &fill, err))) return st;
    if ((st = attr_uint(s, a_net_drain_latency, 0, UINT64_MAX, NULL, &drain, err))) return st;
    n->fill_latency = fill;
    if (strcmp(c->klass, "SimpleMulticast") != 0) return ADSE_OK;
    bool has_action;
    if ((st = attr_name(s, a_action_name, n->action_name, &has_action, err))) return st;
    if (!has_action)
        return adse__yerr(err, ADSE_E_SPEC, c->node,
                          "missing 'action_name' in attributes of SimpleMulticast network '%s' "
                          "(the ERT action of one transfer)",
                          c->name);
    if ((st = attr_name(s, a_mcast_arg, n->mcast_arg, NULL, err))) return st;
    /* Timeloop sets per_datatype_ERT whenever the key is present, whatever its value. */
    const adse__ypair *pd;
    const char *owner;
    if ((st = attr_find(s, a_per_datatype, &pd, &owner, err))) return st;
    n->per_datatype_ert = pd != NULL;
    return ADSE_OK;
}

/* The network named by key in the component's own attributes: 1 + its index, or 0. */
static adse_status net_ref(const comp_rec *c, const char *key, const adse_arch *arch, uint8_t *out,
                           adse_err *err)
{
    *out = 0;
    const adse__ynode *attrs = adse__ymap_get(c->node, "attributes");
    if (!adse__ynode_is_map(attrs)) return ADSE_OK;
    const adse__ypair *p = adse__ymap_pair(attrs, key);
    if (!p || adse__ynode_is_null(p->value)) return ADSE_OK;
    if (!adse__ynode_is_scalar(p->value)) return bad_value(p, c->name, "a network name", err);
    for (int i = 0; i < arch->n_networks; i++) {
        if (strcmp(arch->networks[i].name, p->value->text) != 0) continue;
        const adse_arch_network *n = &arch->networks[i];
        if (strcmp(n->klass, "SimpleMulticast") != 0)
            return adse__yerr(err, ADSE_E_SPEC, p->value,
                              "'%s' of '%s' binds network '%s' of class '%s': adse models "
                              "declared networks of class SimpleMulticast only (and Timeloop's "
                              "inferred legacy networks)",
                              p->key->text, c->name, n->name, n->klass);
        *out = (uint8_t)(i + 1);
        return ADSE_OK;
    }
    return adse__yerr(err, ADSE_E_SPEC, p->value,
                      "'%s' of '%s' names network '%s', which is not declared", p->key->text,
                      c->name, p->value->text);
}

/* Declared networks, then the levels' and the MACs' bindings (after the levels are parsed). */
static adse_status parse_networks(const walk *w, adse_arch *arch, adse__arch_extra *extra,
                                  adse_err *err)
{
    adse_status st;
    for (int i = 0; i < w->n_nets; i++) {
        for (int k = 0; k < i; k++)
            if (strcmp(w->nets[k].name, w->nets[i].name) == 0)
                return adse__yerr(err, ADSE_E_SPEC, w->nets[i].node, "duplicate network name '%s'",
                                  w->nets[i].name);
        if ((st = parse_network(&w->nets[i], &arch->networks[i], err))) return st;
    }
    arch->n_networks = (uint8_t)w->n_nets;
    uint32_t bound = 0;
    for (int i = 0; i < w->n_buffers; i++) {
        adse_buffer *b = &arch->levels[w->n_buffers - 1 - i];
        const comp_rec *c = &w->buffers[i];
        if ((st = net_ref(c, "network_read", arch, &b->net_read, err)) ||
            (st = net_ref(c, "network_fill", arch, &b->net_fill, err)) ||
            (st = net_ref(c, "network_update", arch, &b->net_update, err)) ||
            (st = net_ref(c, "network_drain", arch, &b->net_drain, err)))
            return st;
        /* Distributed multicast rewrites the tiles (model.md §4.8): not modeled. */
        static const char *const a_net_type[] = {"network_type", NULL};
        const adse__ypair *nt;
        const char *owner;
        if ((st = attr_find(&c->attrs, a_net_type, &nt, &owner, err))) return st;
        if (nt && adse__ynode_is_scalar(nt->value) && strcmp(nt->value->text, "M:N") == 0)
            return adse__yerr(err, ADSE_E_SPEC, nt->value,
                              "'%s: M:N' of '%s' (distributed multicast) is not modeled",
                              nt->key->text, owner);
        uint8_t r[4] = {b->net_read, b->net_fill, b->net_update, b->net_drain};
        for (int k = 0; k < 4; k++)
            if (r[k]) bound |= 1u << (r[k] - 1);
    }
    if ((st = net_ref(&w->arith, "network_operand", arch, &arch->arith.net_operand, err)) ||
        (st = net_ref(&w->arith, "network_result", arch, &arch->arith.net_result, err)))
        return st;
    if (arch->arith.net_operand) bound |= 1u << (arch->arith.net_operand - 1);
    if (arch->arith.net_result) bound |= 1u << (arch->arith.net_result - 1);
    for (int i = 0; i < arch->n_networks; i++)
        if (!(bound & (1u << i))) extra->unbound_nets[extra->n_unbound_nets++] = w->nets[i].node;
    adse_connection conn[ADSE_MAX_LEVELS];
    return adse_arch_connections(arch, conn, err);
}

static adse_status push_node_attrs(walk *w, const adse__ynode *node, const char *owner,
                                   adse_err *err)
{
    const adse__ynode *attrs = adse__ymap_get(node, "attributes");
    if (adse__ynode_is_null(attrs)) return ADSE_OK;
    if (!adse__ynode_is_map(attrs))
        return adse__yerr(err, ADSE_E_SPEC, attrs, "'attributes' of '%s' must be a mapping, got %s",
                          owner, adse__ynode_kind_name(attrs));
    const adse__ynode *vars = w->v04 && attrs == w->v04->root_attrs ? w->v04->variables : NULL;
    adse_status st =
        check_attr_typos(attrs, owner, buffer_fields, arith_fields, vars, w->warnings, err);
    if (st) return st;
    if (w->inherited.n == ARCH_MAX_NEST)
        return adse__yerr(err, ADSE_E_SPEC, node,
                          "architecture nested deeper than %d subtree levels", ARCH_MAX_NEST);
    /* Innermost first: shift the others out. */
    memmove(&w->inherited.maps[1], &w->inherited.maps[0],
            (size_t)w->inherited.n * sizeof w->inherited.maps[0]);
    memmove(&w->inherited.owners[1], &w->inherited.owners[0],
            (size_t)w->inherited.n * sizeof w->inherited.owners[0]);
    w->inherited.maps[0] = attrs;
    w->inherited.owners[0] = owner;
    w->inherited.n++;
    return ADSE_OK;
}

static adse_status parse_component(walk *w, const adse__ynode *cn, adse_err *err)
{
    if (!adse__ynode_is_map(cn))
        return adse__yerr(err, ADSE_E_SPEC, cn, "component in 'local' must be a mapping, got %s",
                          adse__ynode_kind_name(cn));
    const adse__ynode *name_n = adse__ymap_get(cn, "name");
    if (!name_n) return adse__yerr(err, ADSE_E_SPEC, cn, "missing 'name' in component");
    comp_rec c;
    memset(&c, 0, sizeof c);
    c.node = cn;
    c.compounds = w->compounds;
    uint64_t own;
    adse_status st = parse_range_name(name_n, c.name, &own, "a component", err);
    if (st) return st;
    char where[ADSE_NAME_MAX + 32];
    snprintf(where, sizeof where, "component '%s'", c.name);
    if ((st = adse__ycheck_keys(cn, component_keys, where, err))) return st;
    /* Accelergy's scales of a component's energies and areas: an ERT/ART that Accelergy
     * wrote includes them; adse's estimator does not apply them (docs/energy.md). */
    static const char *const scales[] = {"energy_scale", "area_scale", "area_share", NULL};
    for (const char *const *k = scales; *k; k++) {
        const adse__ypair *p = adse__ymap_pair(cn, *k);
        double v;
        if (p && !adse__ynode_is_null(p->value) &&
            !(adse__yscalar_double(p->value, &v) && v == 1.0))
            adse__ywarn(w->warnings, p->key,
                        "'%s' of '%s' is not applied by adse's estimator (an ERT/ART from "
                        "Accelergy includes it)",
                        p->key->text, c.name);
    }
    const adse__ynode *class_n = adse__ymap_get(cn, "class");
    if (!class_n)
        return adse__yerr(err, ADSE_E_SPEC, cn, "missing 'class' in component '%s'", c.name);
    if ((st = adse__copy_name(class_n, c.klass, "class", err))) return st;
    const adse__ynode *subclass_n = adse__ymap_get(cn, "subclass");
    if (!adse__ynode_is_null(subclass_n) &&
        (st = adse__copy_name(subclass_n, c.subclass, "subclass", err)))
        return st;
    const adse__ynode *attrs = adse__ymap_get(cn, "attributes");
    if (!adse__ynode_is_null(attrs) && !adse__ynode_is_map(attrs))
        return adse__yerr(err, ADSE_E_SPEC, attrs,
                          "'attributes' of component '%s' must be a mapping, got %s", c.name,
                          adse__ynode_kind_name(attrs));
    c.n_elements = w->multiplier * own;
    if (own && c.n_elements / own != w->multiplier) c.n_elements = UINT64_MAX;

    adse__comp_kind kind = adse__arch_classify(c.klass);
    if (kind == ADSE__COMP_OTHER) return ADSE_OK;
    int plen = snprintf(c.path, sizeof c.path, "%s%s", w->prefix, name_n->text);
    if (plen < 0 || (size_t)plen >= sizeof c.path)
        return adse__yerr(err, ADSE_E_SPEC, name_n,
                          "the dotted name of '%s' is longer than %d characters", c.name,
                          ARCH_PATH_MAX - 1);
    const char *const *const *fields = kind == ADSE__COMP_BUFFER  ? buffer_fields
                                       : kind == ADSE__COMP_ARITH ? arith_fields
                                                                  : network_fields;
    if ((st = check_attr_typos(attrs, c.name, fields, NULL, NULL, w->warnings, err))) return st;
    /* Own attributes first, then the inherited ones. */
    int k = 0;
    if (adse__ynode_is_map(attrs)) {
        c.attrs.maps[k] = attrs;
        c.attrs.owners[k] = NULL; /* set below: points into the stored record */
        k++;
    }
    for (int i = 0; i < w->inherited.n; i++, k++) {
        c.attrs.maps[k] = w->inherited.maps[i];
        c.attrs.owners[k] = w->inherited.owners[i];
    }
    c.attrs.n = k;
    c.attrs.warnings = w->warnings;
    bool own_attrs = adse__ynode_is_map(attrs);

    comp_rec *dst;
    if (kind == ADSE__COMP_NETWORK) {
        if (w->n_nets == ADSE_MAX_NETWORKS)
            return adse__yerr(err, ADSE_E_SPEC, cn,
                              "more than ADSE_MAX_NETWORKS (%d) network components",
                              ADSE_MAX_NETWORKS);
        dst = &w->nets[w->n_nets++];
    } else if (kind == ADSE__COMP_ARITH) {
        if (w->has_arith)
            return adse__yerr(err, ADSE_E_SPEC, cn,
                              "more than one arithmetic component ('%s' and '%s')", w->arith.name,
                              c.name);
        w->has_arith = true;
        dst = &w->arith;
    } else {
        if (w->n_buffers == ADSE_MAX_LEVELS)
            return adse__yerr(err, ADSE_E_SPEC, cn, "more than ADSE_MAX_LEVELS (%d) storage levels",
                              ADSE_MAX_LEVELS);
        dst = &w->buffers[w->n_buffers++];
    }
    *dst = c;
    if (own_attrs) dst->attrs.owners[0] = dst->name;
    return kind == ADSE__COMP_BUFFER ? check_unmodeled(&dst->attrs, dst->name, err) : ADSE_OK;
}

static adse_status parse_local(walk *w, const adse__ynode *node, const char *owner, adse_err *err)
{
    const adse__ynode *local = adse__ymap_get(node, "local");
    if (adse__ynode_is_null(local)) return ADSE_OK;
    if (!adse__ynode_is_seq(local))
        return adse__yerr(err, ADSE_E_SPEC, local, "'local' of '%s' must be a list, got %s", owner,
                          adse__ynode_kind_name(local));
    for (int i = 0; i < local->n; i++) {
        adse_status st = parse_component(w, local->items[i], err);
        if (st) return st;
    }
    return ADSE_OK;
}

static adse_status check_version(const adse__ynode *v, adse_err *err)
{
    double ver;
    if (!adse__yscalar_double(v, &ver) || !(ver == 0.2 || ver == 0.3 || ver == 0.4)) {
        if (adse__ynode_is_scalar(v))
            return adse__yerr(err, ADSE_E_SPEC, v,
                              "unsupported architecture version '%s' (adse reads the classic tree "
                              "format, versions 0.2 to 0.4)",
                              v->text);
        return adse__yerr(err, ADSE_E_SPEC, v,
                          "'version' of the architecture must be a scalar, got %s",
                          adse__ynode_kind_name(v));
    }
    return ADSE_OK;
}

void adse__arch_paths_free(adse__arch_paths *p)
{
    if (!p) return;
    for (int i = 0; i < ADSE_MAX_LEVELS; i++)
        free(p->levels[i]);
    free(p->arith);
    memset(p, 0, sizeof *p);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* Rejects the architecture formats adse does not read and checks the root's keys. */
static adse_status check_root(const adse__ypair *top, adse_err *err)
{
    const adse__ynode *root = top->value;
    adse_status st;
    if (!adse__ynode_is_map(root))
        return adse__yerr(err, ADSE_E_SPEC, adse__ynode_is_null(root) ? top->key : root,
                          "'%s' must be a mapping, got %s", top->key->text,
                          adse__ynode_kind_name(root));
    if (adse__ymap_get(root, "storage") || adse__ymap_get(root, "arithmetic"))
        return adse__yerr(err, ADSE_E_SPEC, root,
                          "the old 'storage'/'arithmetic' architecture format is not supported; "
                          "use the tree format (version 0.2 to 0.4, 'subtree'/'local')");
    if ((st = adse__ycheck_keys(root, root_keys, "the architecture", err))) return st;
    const adse__ynode *version = adse__ymap_get(root, "version");
    if (version && (st = check_version(version, err))) return st;
    if (!adse__ymap_get(root, "subtree") && !adse__ymap_get(root, "local"))
        return adse__yerr(err, ADSE_E_SPEC, root, "missing 'subtree' in the architecture");
    return ADSE_OK;
}

/* Enters the one node of `subtree` below node: its name (with range) into owner, its dotted
 * name onto w->prefix, its range into w->multiplier. *next = NULL at the innermost node. */
static adse_status enter_subtree(walk *w, const adse__ynode *node, int depth, const char *parent,
                                 char *owner, const adse__ynode **next, adse_err *err)
{
    *next = NULL;
    const adse__ynode *sub = adse__ymap_get(node, "subtree");
    if (adse__ynode_is_null(sub)) return ADSE_OK;
    if (!adse__ynode_is_seq(sub))
        return adse__yerr(err, ADSE_E_SPEC, sub,
                          "'subtree' of '%s' must be a list of exactly one node, got %s", parent,
                          adse__ynode_kind_name(sub));
    if (sub->n != 1)
        return adse__yerr(err, ADSE_E_SPEC, sub,
                          "'subtree' of '%s' must be a list of exactly one node, got %d nodes "
                          "(Timeloop supports one subtree per level)",
                          parent, sub->n);
    node = sub->items[0];
    if (!adse__ynode_is_map(node))
        return adse__yerr(err, ADSE_E_SPEC, node, "subtree node must be a mapping, got %s",
                          adse__ynode_kind_name(node));
    if (depth > ARCH_MAX_NEST)
        return adse__yerr(err, ADSE_E_SPEC, node,
                          "architecture nested deeper than %d subtree levels", ARCH_MAX_NEST);
    uint64_t count = 1;
    adse_status st;
    const adse__ynode *name_n = adse__ymap_get(node, "name");
    if (name_n) {
        if ((st = parse_range_name(name_n, owner, &count, "a subtree node", err))) return st;
        size_t used = strlen(w->prefix);
        int plen = snprintf(w->prefix + used, sizeof w->prefix - used, "%s.", name_n->text);
        if (plen < 0 || (size_t)plen >= sizeof w->prefix - used)
            return adse__yerr(err, ADSE_E_SPEC, name_n,
                              "the dotted name of subtree node '%s' is longer than %d characters",
                              owner, ARCH_PATH_MAX - 1);
    } else {
        snprintf(owner, ADSE_NAME_MAX, "subtree node");
    }
    char where[ADSE_NAME_MAX + 32];
    snprintf(where, sizeof where, "subtree node '%s'", owner);
    if ((st = adse__ycheck_keys(node, node_keys, where, err))) return st;
    uint64_t m = w->multiplier * count;
    w->multiplier = (count && m / count != w->multiplier) ? UINT64_MAX : m;
    *next = node;
    return ADSE_OK;
}

/* Walks the chain of subtree nodes from the root, collecting the components of each node's
 * `local` list with the attributes they inherit. owner_buf holds the nodes' names (the
 * attribute maps' owners point into it). */
static adse_status walk_tree(walk *w, const adse__ypair *top, char (*owner_buf)[ADSE_NAME_MAX],
                             adse_err *err)
{
    /* The root's own attributes and local list (Timeloop skips the root's local; a design
     * that has one meant it as the outermost components). */
    const adse__ynode *node = top->value;
    int depth = 0;
    snprintf(owner_buf[0], ADSE_NAME_MAX, "architecture");
    adse_status st;
    for (;;) {
        const char *owner = owner_buf[depth];
        if ((st = push_node_attrs(w, node, owner, err))) return st;
        if ((st = parse_local(w, node, owner, err))) return st;
        const adse__ynode *next;
        if ((st = enter_subtree(w, node, depth + 1, owner, owner_buf[depth + 1], &next, err)))
            return st;
        if (!next) break;
        node = next;
        depth++;
    }
    if (!w->has_arith)
        return adse__yerr(err, ADSE_E_SPEC, top->key,
                          "no arithmetic component in the architecture (a class containing 'mac', "
                          "'intmac', 'fpmac' or 'compute')");
    if (w->n_buffers == 0)
        return adse__yerr(err, ADSE_E_SPEC, top->key,
                          "no storage level in the architecture (a class containing 'DRAM', "
                          "'SRAM', 'regfile', 'smartbuffer' or 'storage')");
    return ADSE_OK;
}

/* Names must be unique: mapping targets and ERT tables refer to them. */
static adse_status check_unique_names(const adse_arch *arch, adse_err *err)
{
    for (int i = 0; i < arch->n_levels; i++) {
        const adse_buffer *b = &arch->levels[i];
        for (int j = i + 1; j < arch->n_levels; j++)
            if (strcmp(b->name, arch->levels[j].name) == 0)
                return adse_err_set(err, ADSE_E_SPEC, b->pos.file, b->pos.line, b->pos.column,
                                    "duplicate storage level name '%s'", b->name);
        if (strcmp(b->name, arch->arith.name) == 0)
            return adse_err_set(err, ADSE_E_SPEC, arch->arith.pos.file, arch->arith.pos.line,
                                arch->arith.pos.column,
                                "arithmetic component '%s' has the name of a storage level",
                                b->name);
    }
    return ADSE_OK;
}

/* The components the walk collected -> arch levels (listed first = outer; level 0 is the
 * innermost) and the arithmetic level, with their Accelergy table names. */
static adse_status build_levels(const walk *w, adse_arch *arch, adse__arch_extra *extra,
                                adse__arch_paths *paths, adse_err *err)
{
    adse_status st;
    arch->n_levels = (uint8_t)w->n_buffers;
    for (int i = 0; i < w->n_buffers; i++) {
        int lvl = w->n_buffers - 1 - i;
        bool wire_given = false;
        if ((st = parse_buffer(&w->buffers[i], &arch->levels[lvl], &wire_given,
                               extra->bw_scale_nodes[lvl], err)))
            return st;
        if (wire_given) extra->wire_energy_given |= 1u << lvl;
    }
    if ((st = parse_arith(&w->arith, &arch->arith, err))) return st;
    if ((st = parse_networks(w, arch, extra, err))) return st;
    for (int i = 0; i < w->n_buffers; i++) {
        int lvl = w->n_buffers - 1 - i;
        if (!(paths->levels[lvl] = dup_str(w->buffers[i].path)))
            return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (!(paths->arith = dup_str(w->arith.path)))
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    return ADSE_OK;
}

adse_status adse__arch_from_yaml(const adse__ypair *top, const adse__v04_info *v04, adse_arch *arch,
                                 adse__arch_extra *extra, adse__arch_paths *paths,
                                 const adse__compounds *compounds, adse__warnings *warnings,
                                 adse_err *err)
{
    memset(arch, 0, sizeof *arch);
    memset(extra, 0, sizeof *extra);
    adse_status st = check_root(top, err);
    if (st) return st;
    walk *w = calloc(1, sizeof *w);
    if (!w) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    w->multiplier = 1;
    w->warnings = warnings;
    w->v04 = v04;
    w->compounds = compounds;
    char owner_buf[ARCH_MAX_NEST + 2][ADSE_NAME_MAX]; /* the owners of w's attribute maps */
    st = walk_tree(w, top, owner_buf, err);
    if (!st) st = build_levels(w, arch, extra, paths, err);
    if (!st) st = check_unique_names(arch, err);
    /* fanouts (model.md §2.3): each child mesh a whole multiple of its parent's */
    if (!st) st = adse_arch_validate(arch, err);
    free(w);
    return st;
}
