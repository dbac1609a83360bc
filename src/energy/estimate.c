/*
 * estimate.c: adse_energy_estimate() -- attribute lookup, the component classes, rounding.
 *
 * Each class reproduces the Accelergy v0.4 compound-component YAML of the 2024 exercises
 * (timeloop-accelergy-exercises 2d55108, example_designs/_components) on top of the
 * primitive estimators Accelergy chose there:
 *   DRAM              CactiDRAM: pJ/bit(type) * width for read/write/update; leak, area 0
 *   SRAM              CactiSRAM (estimate_sram.c)
 *   smartbuffer_SRAM  SRAM(width, depth, n_rw_ports; n_banks NOT passed) + 2 intadders
 *   regfile           Library: storage[1..W*D] aladdin_register + comparator[1..D]
 *   smartbuffer_RF    regfile(max(32,W), max(64,D)) scaled + 2 intadders
 *   intmac            Library aladdin_adder(adder_width) + "multiplier"
 *   intadder          NeuroSim (or Aladdin plug-in with ADSE_ENERGY_OPT_ALADDIN_ADDER)
 *   intmultiplier, fp* Aladdin plug-in tables
 * The per-class comments give the formulas; docs/energy.md derives them from the reference
 * ERT/ART. Attribute lookup is one pass over the attributes with a switch on the first
 * letter, so pricing a component costs well under a microsecond.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/energy.h"
#include "estimate_internal.h"
#include "util/numtext.h"

/* ---- names ------------------------------------------------------------------------------ */

/* Attribute names the estimator reads, in their canonical spelling (lowercase, '_');
 * aliases get their own key and the classes choose among them. */
#define KEYS(X)                                                                                    \
    X(K_TECHNOLOGY, "technology")                                                                  \
    X(K_CYCLE, "global_cycle_seconds")                                                             \
    X(K_WIDTH, "width")                                                                            \
    X(K_DEPTH, "depth")                                                                            \
    X(K_MEMORY_WIDTH, "memory_width")                                                              \
    X(K_MEMORY_DEPTH, "memory_depth")                                                              \
    X(K_DATAWIDTH, "datawidth")                                                                    \
    X(K_WORD_BITS, "word_bits")                                                                    \
    X(K_BLOCK_SIZE, "block_size")                                                                  \
    X(K_N_RW_PORTS, "n_rw_ports")                                                                  \
    X(K_N_RDWR_PORTS, "n_rdwr_ports")                                                              \
    X(K_N_PORTS, "n_ports")                                                                        \
    X(K_NUM_PORTS, "num_ports")                                                                    \
    X(K_N_BANKS, "n_banks")                                                                        \
    X(K_NUM_BANKS, "num_banks")                                                                    \
    X(K_TYPE, "type")                                                                              \
    X(K_PJ_PER_BIT, "pj_per_bit")                                                                  \
    X(K_MULTIPLIER_WIDTH, "multiplier_width")                                                      \
    X(K_ADDER_WIDTH, "adder_width")                                                                \
    X(K_WIDTH_A, "width_a")                                                                        \
    X(K_WIDTH_B, "width_b")                                                                        \
    X(K_DATAWIDTH_A, "datawidth_a")                                                                \
    X(K_DATAWIDTH_B, "datawidth_b")                                                                \
    X(K_EXPONENT, "exponent")                                                                      \
    X(K_MANTISSA, "mantissa")                                                                      \
    X(K_N_BITS, "n_bits")                                                                          \
    X(K_PRECISION, "precision")                                                                    \
    X(K_LATENCY, "latency")

typedef enum akey {
#define X(k, s) k,
    KEYS(X)
#undef X
        K_N
} akey;

static const char *const key_names[K_N] = {
#define X(k, s) [k] = s,
    KEYS(X)
#undef X
};

static const unsigned char key_len[K_N] = {
#define X(k, s) [k] = sizeof s - 1,
    KEYS(X)
#undef X
};

/* ASCII lowercase with '-' as '_' (locale-free, and much cheaper than tolower()). */
static inline int norm_char(int c)
{
    return c == '-' ? '_' : (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* a (any spelling) equals lit (lowercase, '_'). */
static bool name_eq(const char *a, const char *lit)
{
    for (; *lit; a++, lit++)
        if (norm_char(*a) != *lit) return false;
    return *a == 0;
}

static int classify(const char *n)
{
    size_t len = strlen(n);
    static const akey by_t[] = {K_TECHNOLOGY, K_TYPE};
    static const akey by_g[] = {K_CYCLE};
    static const akey by_w[] = {K_WIDTH, K_WORD_BITS, K_WIDTH_A, K_WIDTH_B};
    static const akey by_d[] = {K_DEPTH, K_DATAWIDTH, K_DATAWIDTH_A, K_DATAWIDTH_B};
    static const akey by_m[] = {K_MEMORY_WIDTH, K_MEMORY_DEPTH, K_MULTIPLIER_WIDTH, K_MANTISSA};
    static const akey by_b[] = {K_BLOCK_SIZE};
    static const akey by_n[] = {K_N_RW_PORTS, K_N_RDWR_PORTS, K_N_PORTS, K_NUM_PORTS,
                                K_N_BANKS,    K_NUM_BANKS,    K_N_BITS};
    static const akey by_p[] = {K_PJ_PER_BIT, K_PRECISION};
    static const akey by_a[] = {K_ADDER_WIDTH};
    static const akey by_e[] = {K_EXPONENT};
    static const akey by_l[] = {K_LATENCY};
    const akey *c;
    size_t nc;
#define CAND(arr) (c = arr, nc = sizeof arr / sizeof arr[0])
    switch (norm_char(n[0])) {
    case 't': CAND(by_t); break;
    case 'g': CAND(by_g); break;
    case 'w': CAND(by_w); break;
    case 'd': CAND(by_d); break;
    case 'm': CAND(by_m); break;
    case 'b': CAND(by_b); break;
    case 'n': CAND(by_n); break;
    case 'p': CAND(by_p); break;
    case 'a': CAND(by_a); break;
    case 'e': CAND(by_e); break;
    case 'l': CAND(by_l); break;
    default: return -1;
    }
#undef CAND
    for (size_t i = 0; i < nc; i++)
        if (key_len[c[i]] == len && name_eq(n, key_names[c[i]])) return (int)c[i];
    return -1;
}

typedef enum cid {
    C_DRAM,
    C_SRAM,
    C_SMARTBUFFER_SRAM,
    C_REGFILE,
    C_SMARTBUFFER_RF,
    C_INTMAC,
    C_INTADDER,
    C_INTMULTIPLIER,
    C_FPADDER,
    C_FPMULTIPLIER,
    C_FPMAC,
    C_ALADDIN_ADDER,
    C_ALADDIN_MULTIPLIER,
    C_ALADDIN_REGISTER,
    C_ALADDIN_COMPARATOR,
    C_ALADDIN_COUNTER,
    C_DUMMY_STORAGE,
    C_DUMMY_COMPUTE,
    C_N
} cid;

static const char *const class_names[C_N] = {"DRAM",
                                             "SRAM",
                                             "smartbuffer_SRAM",
                                             "regfile",
                                             "smartbuffer_RF",
                                             "intmac",
                                             "intadder",
                                             "intmultiplier",
                                             "fpadder",
                                             "fpmultiplier",
                                             "fpmac",
                                             "aladdin_adder",
                                             "aladdin_multiplier",
                                             "aladdin_register",
                                             "aladdin_comparator",
                                             "aladdin_counter",
                                             "dummy_storage",
                                             "dummy_compute"};

static bool class_eq(const char *a, const char *canon)
{
    for (; *canon; a++, canon++)
        if (norm_char(*a) != norm_char(*canon)) return false;
    return *a == 0;
}

static int find_class(const char *k)
{
    int c0 = norm_char(k[0]);
    for (int i = 0; i < C_N; i++)
        if (norm_char(class_names[i][0]) == c0 && class_eq(k, class_names[i])) return i;
    return -1;
}

/* ---- per-call state --------------------------------------------------------------------- */

typedef struct est {
    const adse_energy_component *comp;
    unsigned opt;
    adse_energy_result *out;
    adse_err *err;
    const char *val[K_N];  /* attribute values by key (first occurrence), NULL if absent */
    const char *cls;       /* canonical class name */
    double tech;           /* nm, once parsed */
    double lib_ref;        /* node the cached library factors are from (0 = none yet) */
    double lib_es, lib_as; /* Stillmaker factors lib_ref -> tech */
} est;

/* Sets the error, prefixed with the class and component name. Always ADSE_E_SPEC. */
static adse_status __attribute__((format(printf, 2, 3))) fail(est *e, const char *fmt, ...)
{
    if (!e->err) return ADSE_E_SPEC;
    char msg[ADSE_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    adse__c_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const adse_energy_component *c = e->comp;
    if (c->name && c->name[0])
        adse_err_set(e->err, ADSE_E_SPEC, c->file, c->line, c->column, "%s '%s': %s", e->cls,
                     c->name, msg);
    else
        adse_err_set(e->err, ADSE_E_SPEC, c->file, c->line, c->column, "%s: %s", e->cls, msg);
    return ADSE_E_SPEC;
}

/* A whole-string number (surrounding blanks allowed). */
static bool parse_double(const char *s, double *v)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end;
    *v = adse__num_parse(s, &end);
    if (end == s) return false;
    while (isspace((unsigned char)*end))
        end++;
    return *end == 0 && isfinite(*v);
}

/* Looks the first present key of keys[] up. Returns 1 found (sets *v, *which), 0 absent,
 * -1 malformed (error set). */
static int num_any(est *e, const akey *keys, int nk, double *v, akey *which)
{
    for (int i = 0; i < nk; i++) {
        const char *s = e->val[keys[i]];
        if (!s) continue;
        if (!parse_double(s, v)) {
            fail(e, "attribute '%s' is not a number: '%s'", key_names[keys[i]], s);
            return -1;
        }
        if (which) *which = keys[i];
        return 1;
    }
    return 0;
}

static int num1(est *e, akey k, double *v)
{
    return num_any(e, &k, 1, v, NULL);
}

/* A required positive value (integer if integral); absent -> "missing attribute 'shown'". */
static adse_status need_pos(est *e, const akey *keys, int nk, const char *shown, bool integral,
                            double *v)
{
    *v = 0; /* defined even on failure */
    akey which = keys[0];
    int r = num_any(e, keys, nk, v, &which);
    if (r < 0) return ADSE_E_SPEC;
    if (r == 0) return fail(e, "missing attribute '%s'", shown);
    if (!(*v > 0)) return fail(e, "attribute '%s' must be positive, not %g", key_names[which], *v);
    if (integral && *v != floor(*v))
        return fail(e, "attribute '%s' must be an integer, not %g", key_names[which], *v);
    return ADSE_OK;
}

/* Optional positive integer with a default. */
static adse_status opt_int(est *e, const akey *keys, int nk, double def, double *v)
{
    akey which = keys[0];
    int r = num_any(e, keys, nk, v, &which);
    if (r < 0) return ADSE_E_SPEC;
    if (r == 0) {
        *v = def;
        return ADSE_OK;
    }
    if (!(*v >= 1) || *v != floor(*v) || *v > 1e9)
        return fail(e, "attribute '%s' must be a positive integer, not '%s'", key_names[which],
                    e->val[which]);
    return ADSE_OK;
}

static adse_status need_tech(est *e)
{
    const char *s = e->val[K_TECHNOLOGY];
    if (!s) return fail(e, "missing attribute 'technology'");
    adse_err tmp;
    if (adse_energy_technology_nm(s, &e->tech, &tmp) != ADSE_OK) return fail(e, "%s", tmp.msg);
    e->out->technology_nm = e->tech;
    return ADSE_OK;
}

static void act(est *e, const char *name, double pj)
{
    adse_energy_result *o = e->out;
    o->actions[o->n_actions].name = name;
    o->actions[o->n_actions].energy_pj = pj;
    o->n_actions++;
}

/* ---- primitive parts -------------------------------------------------------------------- */

/* One priced part; leak in pJ per global cycle. */
typedef struct part {
    double read, write, update, leak, area;
} part;

static bool fixed_interp(const est *e)
{
    return (e->opt & ADSE_ENERGY_OPT_FIXED_TECH_INTERP) != 0;
}

/* Library plug-in table with its attribute scaling (scale_energy/scale_area: linear in
 * width, width_a, width_b when both the attribute and the table column exist; leak also
 * linear in global_cycle_seconds) and Stillmaker-Baas technology scaling from the table's
 * node (45 nm as labelled in 2024, or the file's 40 nm). width* <= 0 = not given. */
static part lib_part(est *e, int t, double width, double wa, double wb)
{
    const adse__library_table *tb = &adse__library[t];
    double ref = (e->opt & ADSE_ENERGY_OPT_LIBRARY_40NM) ? tb->tech_nm : 45.0;
    if (e->lib_ref != ref) {
        adse__tech_scale(ref, e->tech, fixed_interp(e), &e->lib_es, &e->lib_as);
        e->lib_ref = ref;
    }
    double es = e->lib_es, as = e->lib_as;
    double s = 1.0;
    if (width > 0 && tb->width > 0) s *= width / tb->width;
    if (wa > 0 && tb->width_a > 0) s *= wa / tb->width_a;
    if (wb > 0 && tb->width_b > 0) s *= wb / tb->width_b;
    part p;
    p.read = tb->read_pj * s * es;
    p.write = tb->write_pj * s * es;
    p.update = tb->update_pj * s * es;
    p.leak = tb->leak_pj * s * es * (e->out->cycle_seconds / tb->cycle_s);
    p.area = tb->area_um2 * s * as;
    return p;
}

/* Aladdin plug-in node rule: 40/45 nm tables; elsewhere Stillmaker-Baas from 45 nm. */
static void aladdin_tech(est *e, double *es, double *as)
{
    if (e->tech == 40.0 || e->tech == 45.0) {
        *es = *as = 1.0;
        return;
    }
    adse__tech_scale(45.0, e->tech, fixed_interp(e), es, as);
    e->out->flags |= ADSE_ENERGY_F_TECH_SCALED;
}

static const adse__aladdin_row *aladdin_row(const adse__aladdin_table *t, double latency_ns)
{
    /* query_csv_using_latency: ceil, > 10 -> 10, > 6 -> 6, else the first row */
    double l = ceil(latency_ns);
    if (l > 10)
        l = 10;
    else if (l > 6)
        l = 6;
    for (int i = 0; i < t->n_rows; i++)
        if (t->rows[i].latency_ns == l) return &t->rows[i];
    return NULL;
}

/* Aladdin plug-in part, scaled by `scale` (nbit/32 or (nbit/32)^2). Energy: the plug-in
 * computes latency = global_cycle_seconds * cycles and rounds it up without a unit, so it
 * always reads the 1 ns row; leak = that row's idle energy per 1 ns, times the cycle.
 * Area: the `latency` attribute's row (ns), 5 ns when absent. */
static adse_status aladdin_part(est *e, int t, double scale, part *p)
{
    const adse__aladdin_table *tb = &adse__aladdin[t];
    const adse__aladdin_row *er = aladdin_row(tb, e->out->cycle_seconds * 1.0);
    double lat = 5.0;
    if (num1(e, K_LATENCY, &lat) < 0) return ADSE_E_SPEC;
    const adse__aladdin_row *ar = aladdin_row(tb, lat);
    if (!er) er = &tb->rows[0];
    if (!ar) return fail(e, "attribute 'latency' %g ns has no row in the Aladdin table", lat);
    double es, as;
    aladdin_tech(e, &es, &as);
    p->read = er->dynamic_pj * scale * es;
    p->write = p->update = p->read;
    p->leak = er->idle_pj * scale * es * (e->out->cycle_seconds / 1e-9);
    p->area = ar->area_um2 * scale * as;
    return ADSE_OK;
}

/* NeuroSim intadder of b bits: the fitted 32/45 nm values, linear between them (NeuroSim
 * interpolates between its nodes); other nodes scaled from the nearer one. */
static part neurosim_adder(est *e, double b)
{
    const adse__neurosim_adder *lo = &adse__neurosim[0];
    const adse__neurosim_adder *hi = &adse__neurosim[ADSE__NEUROSIM_NODES - 1];
    double t = e->tech, a, es = 1.0, as = 1.0;
    const adse__neurosim_adder *base = NULL;
    if (t <= lo->tech_nm || t >= hi->tech_nm) {
        base = t <= lo->tech_nm ? lo : hi;
        if (t != base->tech_nm) {
            adse__tech_scale(base->tech_nm, t, fixed_interp(e), &es, &as);
            e->out->flags |= ADSE_ENERGY_F_TECH_SCALED;
        }
    }
    part p;
    if (base) {
        p.read = (base->e_per_bit_pj * b + base->e_offset_pj) * es;
        p.area = (base->a_per_bit_um2 * b + base->a_offset_um2) * as;
        p.leak = base->leak_per_bit_pj_ns * b * es;
    } else {
        a = (t - lo->tech_nm) / (hi->tech_nm - lo->tech_nm);
        p.read = (1 - a) * (lo->e_per_bit_pj * b + lo->e_offset_pj) +
                 a * (hi->e_per_bit_pj * b + hi->e_offset_pj);
        p.area = (1 - a) * (lo->a_per_bit_um2 * b + lo->a_offset_um2) +
                 a * (hi->a_per_bit_um2 * b + hi->a_offset_um2);
        p.leak = ((1 - a) * lo->leak_per_bit_pj_ns + a * hi->leak_per_bit_pj_ns) * b;
    }
    p.leak *= e->out->cycle_seconds / 1e-9;
    p.write = p.update = p.read;
    return p;
}

/* The intadder primitive as the options choose it. */
static adse_status adder_part(est *e, double b, part *p)
{
    if (e->opt & ADSE_ENERGY_OPT_ALADDIN_ADDER) return aladdin_part(e, ADSE__AL_ADDER, b / 32.0, p);
    *p = neurosim_adder(e, b);
    return ADSE_OK;
}

static const char *adder_estimator(const est *e)
{
    return (e->opt & ADSE_ENERGY_OPT_ALADDIN_ADDER) ? "Aladdin_table" : "Neurosim Plug-In";
}

/* max(1, ceil(log2(depth))) if depth >= 1 else 1 */
static double addr_bits(double depth)
{
    return depth >= 1 ? fmax(1.0, ceil(log2(depth))) : 1.0;
}

/* ---- classes ---------------------------------------------------------------------------- */

static void storage_actions(est *e, double read, double write, double update, double leak)
{
    act(e, "read", read);
    act(e, "write", write);
    act(e, "update", update);
    act(e, "leak", leak);
}

static adse_status price_dram(est *e)
{
    double w;
    akey which;
    static const akey wk[] = {K_WIDTH, K_MEMORY_WIDTH};
    int r = num_any(e, wk, 2, &w, &which);
    if (r < 0) return ADSE_E_SPEC;
    if (r == 0) { /* Timeloop v0.2: width = word-bits * block-size */
        double wb, bs = 1;
        int rw = num1(e, K_WORD_BITS, &wb);
        if (rw < 0 || num1(e, K_BLOCK_SIZE, &bs) < 0) return ADSE_E_SPEC;
        if (rw == 0) return fail(e, "missing attribute 'width'");
        w = wb * bs;
        which = K_WORD_BITS;
    }
    if (!(w > 0)) return fail(e, "attribute '%s' must be positive, not %g", key_names[which], w);
    double ppb;
    r = num1(e, K_PJ_PER_BIT, &ppb);
    if (r < 0) return ADSE_E_SPEC;
    if (r > 0) {
        if (!(ppb >= 0)) return fail(e, "attribute 'pj_per_bit' must be >= 0, not %g", ppb);
        e->out->rule = "user pJ/bit * width";
    } else {
        const char *type = e->val[K_TYPE] ? e->val[K_TYPE] : "LPDDR4";
        int k = -1;
        for (int i = 0; i < ADSE__DRAM_TYPES; i++)
            if (class_eq(type, adse__dram_types[i].name)) k = i;
        if (k < 0)
            return fail(e,
                        "unknown DRAM type '%s' (known: LPDDR4, LPDDR, DDR3, GDDR5, HBM2, HMC;"
                        " or give 'pj_per_bit')",
                        type);
        ppb = adse__dram_types[k].pj_per_bit;
        e->out->rule = "CactiDRAM: pJ/bit(type) * width";
    }
    e->out->estimator = "CactiDRAM";
    storage_actions(e, ppb * w, ppb * w, ppb * w, 0.0);
    e->out->area_um2 = 0.0;
    return ADSE_OK;
}

static adse_status sram_size(est *e, double *w, double *d)
{
    static const akey wk[] = {K_WIDTH, K_MEMORY_WIDTH}, dk[] = {K_DEPTH, K_MEMORY_DEPTH};
    adse_status s = need_pos(e, wk, 2, "width", true, w);
    if (s == ADSE_OK) s = need_pos(e, dk, 2, "depth", true, d);
    return s;
}

static adse_status call_sram(est *e, double w, double d, int ports, int banks, adse__sram_result *r)
{
    int rc = adse__sram_estimate(e->tech, w, d, ports, banks, r);
    if (rc == -1)
        return fail(e, "width %.0f bits is outside the SRAM model (at most 2048 bits)", w);
    if (rc == -2)
        return fail(e,
                    "depth %.0f (at least 64 * n_banks) is outside the SRAM model"
                    " (at most 262144 entries)",
                    d);
    if (rc == -3) return fail(e, "%d read-write ports are outside the SRAM model (1 or 2)", ports);
    if (rc == -4) return fail(e, "%d banks are outside the SRAM model (at most 32)", banks);
    e->out->flags |= r->flags;
    return ADSE_OK;
}

static double leak_pj(const est *e, double mw)
{
    return mw * 1e-3 * e->out->cycle_seconds * 1e12;
}

static adse_status price_sram(est *e, bool smartbuffer)
{
    static const akey pk[] = {K_N_RW_PORTS, K_N_RDWR_PORTS, K_N_PORTS, K_NUM_PORTS};
    static const akey bk[] = {K_N_BANKS, K_NUM_BANKS};
    double w, d, ports, banks = 1;
    adse_status s = need_tech(e);
    if (s == ADSE_OK) s = sram_size(e, &w, &d);
    if (s == ADSE_OK) s = opt_int(e, pk, 4, 1, &ports);
    /* smartbuffer_SRAM (v0.4) does not pass n_banks to its SRAM */
    if (s == ADSE_OK && !smartbuffer) s = opt_int(e, bk, 2, 1, &banks);
    if (s != ADSE_OK) return s;
    if (ports > 2) return fail(e, "%g read-write ports are outside the SRAM model (1 or 2)", ports);
    if (banks > 32) return fail(e, "%g banks are outside the SRAM model (at most 32)", banks);
    adse__sram_result r;
    s = call_sram(e, w, d, (int)ports, (int)banks, &r);
    if (s != ADSE_OK) return s;
    double leak = leak_pj(e, r.leak_mw);
    if (!smartbuffer) {
        e->out->estimator = "CactiSRAM";
        e->out->rule = "CACTI 7 grid, log-bilinear in (ln W, ln D), Accelergy size/tech rules";
        storage_actions(e, r.read_pj, r.write_pj, r.write_pj, leak);
        e->out->area_um2 = r.area_um2;
        return ADSE_OK;
    }
    part a = {0, 0, 0, 0, 0};
    s = adder_part(e, addr_bits(d), &a);
    if (s != ADSE_OK) return s;
    e->out->estimator = (e->opt & ADSE_ENERGY_OPT_ALADDIN_ADDER) ? "CactiSRAM + Aladdin_table"
                                                                 : "CactiSRAM + Neurosim Plug-In";
    e->out->rule = "SRAM(W, D, ports) + address adder per access; leak + 2 adders";
    storage_actions(e, r.read_pj + a.read, r.write_pj + a.read, r.write_pj + a.read,
                    leak + 2.0 * a.leak);
    e->out->area_um2 = r.area_um2 + 2.0 * a.area;
    return ADSE_OK;
}

/* regfile.yaml: storage[1..W*D] aladdin_register, comparator[1..D] aladdin_comparator;
 * read = W reg.read + D compare, write = update = W reg.write + D compare. */
static part regfile_part(est *e, double w, double d)
{
    part reg = lib_part(e, ADSE__LIB_REGISTER, 0, 0, 0);
    part cmp = lib_part(e, ADSE__LIB_COMPARATOR, 0, 0, 0);
    part p;
    p.read = w * reg.read + d * cmp.read;
    p.write = w * reg.write + d * cmp.read;
    p.update = p.write;
    p.leak = w * d * reg.leak + d * cmp.leak;
    p.area = w * d * reg.area + d * cmp.area;
    return p;
}

static adse_status price_regfile(est *e)
{
    static const akey wk[] = {K_WIDTH, K_MEMORY_WIDTH}, dk[] = {K_DEPTH, K_MEMORY_DEPTH};
    double w, d;
    adse_status s = need_tech(e);
    if (s == ADSE_OK) s = need_pos(e, wk, 2, "width", false, &w);
    if (s == ADSE_OK) s = need_pos(e, dk, 2, "depth", false, &d);
    if (s != ADSE_OK) return s;
    part p = regfile_part(e, w, d);
    e->out->estimator = "Library";
    e->out->rule = "W*D aladdin_register + D aladdin_comparator";
    storage_actions(e, p.read, p.write, p.update, p.leak);
    e->out->area_um2 = p.area;
    return ADSE_OK;
}

/* smartbuffer_RF.yaml: memory Wm = max(32, W), Dm = max(64, D); regfile(Wm, Dm) with
 * dynamic scale ws * ds^0.78 and static scale ws*ds; two intadders of ceil(log2 D) bits.
 * The ART applies area_scale to the regfile twice and to the adders once (recovered from
 * the reference ART; exact on all of them). */
static adse_status price_smartbuffer_rf(est *e)
{
    /* v0.3 files spell the size memory_width/memory_depth; v0.4 computes those itself */
    bool v03w = !e->val[K_WIDTH] && e->val[K_MEMORY_WIDTH];
    bool v03d = !e->val[K_DEPTH] && e->val[K_MEMORY_DEPTH];
    akey wk = v03w ? K_MEMORY_WIDTH : K_WIDTH, dk = v03d ? K_MEMORY_DEPTH : K_DEPTH;
    double w, d, wm = 0, dm = 0;
    adse_status s = need_tech(e);
    if (s == ADSE_OK) s = need_pos(e, &wk, 1, "width", false, &w);
    if (s == ADSE_OK) s = need_pos(e, &dk, 1, "depth", false, &d);
    if (s != ADSE_OK) return s;
    if (!v03w && num1(e, K_MEMORY_WIDTH, &wm) < 0) return ADSE_E_SPEC;
    if (!v03d && num1(e, K_MEMORY_DEPTH, &dm) < 0) return ADSE_E_SPEC;
    if (!e->val[K_MEMORY_WIDTH] || v03w) wm = fmax(32.0, w);
    if (!e->val[K_MEMORY_DEPTH] || v03d) dm = fmax(64.0, d);
    if (!(wm > 0)) return fail(e, "attribute 'memory_width' must be positive, not %g", wm);
    if (!(dm > 0)) return fail(e, "attribute 'memory_depth' must be positive, not %g", dm);
    double ws = w / wm, ds = d / dm;
    double dyn = ws * pow(ds, 1.56 / 2.0), st = ws * ds;
    part rf = regfile_part(e, wm, dm), a = {0, 0, 0, 0, 0};
    s = adder_part(e, addr_bits(d), &a);
    if (s != ADSE_OK) return s;
    e->out->estimator = (e->opt & ADSE_ENERGY_OPT_ALADDIN_ADDER) ? "Library + Aladdin_table"
                                                                 : "Library + Neurosim Plug-In";
    e->out->rule = "regfile(max(32,W), max(64,D)) * ws ds^0.78 + address adder";
    storage_actions(e, dyn * rf.read + a.read, dyn * rf.write + a.read, dyn * rf.update + a.read,
                    st * rf.leak + 2.0 * a.leak);
    e->out->area_um2 = st * st * rf.area + st * 2.0 * a.area;
    return ADSE_OK;
}

static adse_status price_intmac(est *e)
{
    static const akey ak[] = {K_ADDER_WIDTH, K_DATAWIDTH, K_WIDTH};
    static const akey mk[] = {K_MULTIPLIER_WIDTH, K_DATAWIDTH, K_WIDTH};
    double aw, mw;
    adse_status s = need_tech(e);
    if (s == ADSE_OK) s = need_pos(e, ak, 3, "adder_width", false, &aw);
    if (s == ADSE_OK) s = need_pos(e, mk, 3, "multiplier_width", false, &mw);
    if (s != ADSE_OK) return s;
    part add = lib_part(e, ADSE__LIB_ADDER, aw, 0, 0), mul;
    if (e->opt & ADSE_ENERGY_OPT_REAL_MULTIPLIER) {
        mul = lib_part(e, ADSE__LIB_MULTIPLIER, 0, mw, mw);
        e->out->rule = "aladdin_adder(adder_width) + aladdin_multiplier(multiplier_width^2)";
    } else {
        /* the 2024 references: the multiplier got class aladdin_adder, whose table has no
         * width_a/width_b column, so it is an unscaled 32-bit adder */
        mul = lib_part(e, ADSE__LIB_ADDER, 0, mw, mw);
        e->out->rule = "aladdin_adder(adder_width) + 32-bit aladdin_adder as multiplier (2024)";
    }
    e->out->estimator = "Library";
    act(e, "compute", add.read + mul.read);
    act(e, "leak", add.leak + mul.leak);
    e->out->area_um2 = add.area + mul.area;
    return ADSE_OK;
}

static void compute_actions(est *e, const char *native, const part *p)
{
    act(e, "compute", p->read);
    if (native) act(e, native, p->read);
    act(e, "read", p->read);
    act(e, "leak", p->leak);
    e->out->area_um2 = p->area;
}

static adse_status price_intadder(est *e)
{
    static const akey wk[] = {K_WIDTH, K_N_BITS, K_PRECISION, K_DATAWIDTH, K_ADDER_WIDTH};
    double w;
    adse_status s = need_tech(e);
    if (s == ADSE_OK) s = need_pos(e, wk, 5, "width", false, &w);
    part p = {0, 0, 0, 0, 0};
    if (s == ADSE_OK) s = adder_part(e, w, &p);
    if (s != ADSE_OK) return s;
    e->out->estimator = adder_estimator(e);
    e->out->rule = (e->opt & ADSE_ENERGY_OPT_ALADDIN_ADDER)
                       ? "Aladdin adder, linear in width (1 ns energy, 5 ns area rows)"
                       : "NeuroSim adder fitted at 32/45 nm, linear in width";
    compute_actions(e, "add", &p);
    return ADSE_OK;
}

static adse_status price_intmultiplier(est *e)
{
    static const akey wk[] = {K_WIDTH, K_MULTIPLIER_WIDTH, K_DATAWIDTH};
    double w, wa = 0, wb = 0, scale;
    adse_status s = need_tech(e);
    if (s != ADSE_OK) return s;
    int r = num_any(e, wk, 3, &w, NULL);
    if (r < 0) return ADSE_E_SPEC;
    if (r > 0) {
        if (!(w > 0)) return fail(e, "attribute 'width' must be positive, not %g", w);
        scale = (w / 32.0) * (w / 32.0);
    } else {
        s = need_pos(e, (const akey[]){K_WIDTH_A, K_DATAWIDTH_A}, 2, "width", false, &wa);
        if (s == ADSE_OK)
            s = need_pos(e, (const akey[]){K_WIDTH_B, K_DATAWIDTH_B}, 2, "width_b", false, &wb);
        if (s != ADSE_OK) return s;
        scale = (wa / 32.0) * (wb / 32.0);
    }
    part p = {0, 0, 0, 0, 0};
    s = aladdin_part(e, ADSE__AL_MULTIPLIER, scale, &p);
    if (s != ADSE_OK) return s;
    e->out->estimator = "Aladdin_table";
    e->out->rule = "Aladdin multiplier, quadratic in width (1 ns energy, 5 ns area rows)";
    compute_actions(e, "multiply", &p);
    return ADSE_OK;
}

/* fp width: exponent + mantissa, or width/datawidth. */
static adse_status fp_bits(est *e, double *nbit)
{
    double ex, ma;
    int re = num1(e, K_EXPONENT, &ex), rm = num1(e, K_MANTISSA, &ma);
    if (re < 0 || rm < 0) return ADSE_E_SPEC;
    if (re > 0 || rm > 0) {
        if (re == 0) return fail(e, "missing attribute 'exponent'");
        if (rm == 0) return fail(e, "missing attribute 'mantissa'");
        *nbit = ex + ma;
        if (!(*nbit > 0)) return fail(e, "exponent + mantissa must be positive, not %g", *nbit);
        return ADSE_OK;
    }
    return need_pos(e, (const akey[]){K_WIDTH, K_DATAWIDTH}, 2, "exponent' and 'mantissa", false,
                    nbit);
}

static adse_status price_fp(est *e, cid c)
{
    double n;
    adse_status s = need_tech(e);
    if (s == ADSE_OK) s = fp_bits(e, &n);
    if (s != ADSE_OK) return s;
    bool sp = n <= 32.0;
    double csv_bits = sp ? 32.0 : 64.0;
    part add = {0, 0, 0, 0, 0}, mul = {0, 0, 0, 0, 0};
    if (c != C_FPMULTIPLIER)
        s = aladdin_part(e, sp ? ADSE__AL_FP_SP_ADDER : ADSE__AL_FP_DP_ADDER, n / csv_bits, &add);
    if (s == ADSE_OK && c != C_FPADDER)
        s = aladdin_part(e, sp ? ADSE__AL_FP_SP_MULTIPLIER : ADSE__AL_FP_DP_MULTIPLIER,
                         (n / csv_bits) * (n / csv_bits), &mul);
    if (s != ADSE_OK) return s;
    part p = {add.read + mul.read, add.write + mul.write, add.update + mul.update,
              add.leak + mul.leak, add.area + mul.area};
    e->out->estimator = "Aladdin_table";
    e->out->rule = c == C_FPADDER        ? "Aladdin fp adder (sp <= 32 b, else dp), linear"
                   : c == C_FPMULTIPLIER ? "Aladdin fp multiplier (sp <= 32 b, else dp), quadratic"
                                         : "Aladdin fp adder + fp multiplier";
    compute_actions(e, c == C_FPADDER ? "add" : c == C_FPMULTIPLIER ? "multiply" : "mac", &p);
    return ADSE_OK;
}

static adse_status price_library(est *e, cid c)
{
    static const int table[] = {ADSE__LIB_ADDER, ADSE__LIB_MULTIPLIER, ADSE__LIB_REGISTER,
                                ADSE__LIB_COMPARATOR, ADSE__LIB_COUNTER};
    static const char *const native[] = {"add", "multiply", NULL, "compare", "count"};
    int i = (int)c - C_ALADDIN_ADDER;
    double w = 0, wa = 0, wb = 0;
    adse_status s = need_tech(e);
    if (s != ADSE_OK) return s;
    if (num_any(e, (const akey[]){K_WIDTH, K_DATAWIDTH}, 2, &w, NULL) < 0 ||
        num_any(e, (const akey[]){K_WIDTH_A, K_DATAWIDTH_A}, 2, &wa, NULL) < 0 ||
        num_any(e, (const akey[]){K_WIDTH_B, K_DATAWIDTH_B}, 2, &wb, NULL) < 0)
        return ADSE_E_SPEC;
    if (w < 0 || wa < 0 || wb < 0) return fail(e, "widths must be positive");
    part p = lib_part(e, table[i], w, wa, wb);
    e->out->estimator = "Library";
    e->out->rule = "Library table, linear in width/width_a/width_b, Stillmaker-Baas scaled";
    if (native[i]) act(e, native[i], p.read);
    storage_actions(e, p.read, p.write, p.update, p.leak);
    e->out->area_um2 = p.area;
    return ADSE_OK;
}

static adse_status price_dummy(est *e, bool storage)
{
    e->out->estimator = "dummy_table";
    e->out->rule = "Accelergy's fallback: energy 0, area 1";
    if (storage) {
        storage_actions(e, 0, 0, 0, 0);
    } else {
        act(e, "compute", 0);
        act(e, "leak", 0);
    }
    e->out->area_um2 = 1.0;
    return ADSE_OK;
}

/* ---- API -------------------------------------------------------------------------------- */

void adse_energy_options_init(adse_energy_options *opt)
{
    if (!opt) return;
    opt->flags = 0;
    opt->precision = ADSE_ENERGY_DEFAULT_PRECISION;
    opt->classes = NULL;
}

/* round(x * scale) / scale, half away from zero like round(), without the libm call */
static double round_dec(double x, double scale)
{
    double y = x * scale;
    if (!(fabs(y) < 4e15)) return round(y) / scale;
    double t = (double)(int64_t)y, f = y - t; /* exact below 2^52 */
    if (f >= 0.5)
        t += 1.0;
    else if (f <= -0.5)
        t -= 1.0;
    return t / scale;
}

/* Accelergy's ERT/ART rounding to opt->precision decimals, and the total area. */
static void round_result(adse_energy_result *out, const adse_energy_options *opt,
                         const adse_energy_component *comp)
{
    if (opt->precision >= 0) {
        static const double p10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
        double sc = p10[opt->precision > 15 ? 15 : opt->precision];
        for (int i = 0; i < out->n_actions; i++)
            out->actions[i].energy_pj = round_dec(out->actions[i].energy_pj, sc);
        out->area_um2 = round_dec(out->area_um2, sc);
    }
    out->total_area_um2 = out->area_um2 * (double)comp->instances;
}

adse_status adse_energy_estimate(const adse_energy_component *comp, const adse_energy_options *opt,
                                 adse_energy_result *out, adse_err *err)
{
    if (!comp || !out || !comp->klass)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_energy_estimate: NULL component, class or result");
    if (comp->instances < 1)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_energy_estimate: instances must be >= 1");
    if (comp->n_attrs && !comp->attrs)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_energy_estimate: NULL attrs");
    adse_energy_options defaults;
    if (!opt) {
        adse_energy_options_init(&defaults);
        opt = &defaults;
    }
    const adse_energy_classes *defined = opt->classes;
    if (defined && defined->defines && defined->estimate &&
        defined->defines(defined->ctx, comp->klass)) {
        memset(out, 0, sizeof *out);
        out->klass = comp->klass;
        out->estimator = "";
        out->rule = "";
        out->instances = comp->instances;
        out->cycle_seconds = 1e-9;
        adse_status s = defined->estimate(defined->ctx, comp, opt, out, err);
        if (s != ADSE_OK) return s;
        round_result(out, opt, comp);
        return ADSE_OK;
    }
    /* everything else zero: no attribute seen, no technology, no cached factors */
    est e = {.comp = comp, .opt = opt->flags, .out = out, .err = err};

    int c = find_class(comp->klass);
    e.cls = c >= 0 ? class_names[c] : comp->klass;
    if (c < 0) {
        if (comp->name && comp->name[0])
            return adse_err_set(err, ADSE_E_SPEC, comp->file, comp->line, comp->column,
                                "component '%s': unknown class '%s'", comp->name, comp->klass);
        return adse_err_set(err, ADSE_E_SPEC, comp->file, comp->line, comp->column,
                            "unknown component class '%s'", comp->klass);
    }
    for (size_t i = 0; i < comp->n_attrs; i++) {
        const adse_energy_attr *a = &comp->attrs[i];
        if (!a->name || !a->value) continue;
        int k = classify(a->name);
        if (k >= 0 && !e.val[k]) e.val[k] = a->value;
    }

    out->klass = class_names[c];
    out->estimator = "";
    out->rule = "";
    out->flags = 0;
    out->technology_nm = 0;
    out->n_actions = 0;
    out->area_um2 = 0;
    out->instances = comp->instances;
    out->total_area_um2 = 0;
    out->cycle_seconds = 1e-9;
    double cyc;
    int r = num1(&e, K_CYCLE, &cyc);
    if (r < 0) return ADSE_E_SPEC;
    if (r > 0) {
        if (!(cyc > 0)) return fail(&e, "attribute 'global_cycle_seconds' must be positive");
        out->cycle_seconds = cyc;
    }

    adse_status s;
    switch ((cid)c) {
    case C_DRAM: s = price_dram(&e); break;
    case C_SRAM: s = price_sram(&e, false); break;
    case C_SMARTBUFFER_SRAM: s = price_sram(&e, true); break;
    case C_REGFILE: s = price_regfile(&e); break;
    case C_SMARTBUFFER_RF: s = price_smartbuffer_rf(&e); break;
    case C_INTMAC: s = price_intmac(&e); break;
    case C_INTADDER: s = price_intadder(&e); break;
    case C_INTMULTIPLIER: s = price_intmultiplier(&e); break;
    case C_FPADDER:
    case C_FPMULTIPLIER:
    case C_FPMAC: s = price_fp(&e, (cid)c); break;
    case C_ALADDIN_ADDER:
    case C_ALADDIN_MULTIPLIER:
    case C_ALADDIN_REGISTER:
    case C_ALADDIN_COMPARATOR:
    case C_ALADDIN_COUNTER: s = price_library(&e, (cid)c); break;
    case C_DUMMY_STORAGE: s = price_dummy(&e, true); break;
    case C_DUMMY_COMPUTE: s = price_dummy(&e, false); break;
    default: s = adse_err_set(err, ADSE_E_INTERNAL, NULL, 0, 0, "unhandled class"); break;
    }
    if (s != ADSE_OK) return s;
    round_result(out, opt, comp);
    return ADSE_OK;
}

const adse_energy_action *adse_energy_result_action(const adse_energy_result *r, const char *name)
{
    if (!r || !name) return NULL;
    for (int i = 0; i < r->n_actions; i++)
        if (class_eq(name, r->actions[i].name)) return &r->actions[i];
    return NULL;
}

bool adse_energy_attr_used(const char *name)
{
    return name && classify(name) >= 0;
}

bool adse_energy_class_supported(const char *klass)
{
    return klass && find_class(klass) >= 0;
}

adse_status adse_energy_technology_nm(const char *value, double *nm, adse_err *err)
{
    if (!value || !nm)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_energy_technology_nm: NULL");
    const char *s = value;
    while (isspace((unsigned char)*s))
        s++;
    char *end;
    double v = adse__num_parse(s, &end);
    if (end == s) goto bad;
    while (isspace((unsigned char)*end))
        end++;
    if (name_eq(end, "nm")) {
        /* as is */
    } else if (name_eq(end, "um") || name_eq(end, "u")) {
        v = round(v * 1e9) / 1e6; /* 0.045 um is 45 nm, not 45.000000000000007 */
    } else if (*end) {
        goto bad;
    } else if (v > 0 && v < 1e-6) {
        v = round(v * 1e15) / 1e6; /* metres, as hwcomponents writes them */
    }
    if (!isfinite(v) || v < ADSE_ENERGY_TECH_MIN_NM || v > ADSE_ENERGY_TECH_MAX_NM)
        return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                            "technology '%s' is outside the supported %g..%g nm", value,
                            ADSE_ENERGY_TECH_MIN_NM, ADSE_ENERGY_TECH_MAX_NM);
    *nm = v;
    return ADSE_OK;
bad:
    return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                        "technology '%s' is not a node such as '45nm' or 45", value);
}

adse_status adse_energy_tech_scale(double from_nm, double to_nm, const adse_energy_options *opt,
                                   double *energy, double *area, adse_err *err)
{
    if (!energy || !area)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0, "adse_energy_tech_scale: NULL");
    if (!(from_nm >= ADSE_ENERGY_TECH_MIN_NM && from_nm <= ADSE_ENERGY_TECH_MAX_NM) ||
        !(to_nm >= ADSE_ENERGY_TECH_MIN_NM && to_nm <= ADSE_ENERGY_TECH_MAX_NM))
        return adse_err_set(err, ADSE_E_SPEC, NULL, 0, 0,
                            "technology %g nm -> %g nm is outside the supported %g..%g nm", from_nm,
                            to_nm, ADSE_ENERGY_TECH_MIN_NM, ADSE_ENERGY_TECH_MAX_NM);
    bool fixed = opt && (opt->flags & ADSE_ENERGY_OPT_FIXED_TECH_INTERP);
    adse__tech_scale(from_nm, to_nm, fixed, energy, area);
    return ADSE_OK;
}
