/*
 * adse/energy.h: the built-in energy and area estimator (Accelergy without Python).
 *
 * One call prices one component: a class name plus the attributes it has in the
 * architecture YAML (after inheritance from the enclosing subtrees, values as strings)
 * and an instance count. The result lists the energy of each action the class has (pJ per
 * action; "leak" is pJ per instance per global cycle), the area of one instance (um^2) and
 * which estimator rule produced them. The numbers are those Accelergy v0.4 (2024) gives
 * with its CACTI, Library, NeuroSim and Aladdin plug-ins, rounded like its ERT/ART to
 * `precision` decimals: exact (to the printed digits) for every closed-form part and for
 * SRAM sizes on the embedded CACTI grid; log-bilinear grid interpolation otherwise (rms
 * error 8.6 % read / 5.7 % write / 5.9 % area against CACTI; see docs/energy.md).
 *
 * Classes: DRAM; SRAM; smartbuffer_SRAM; regfile; smartbuffer_RF; intmac; intadder;
 * intmultiplier; fpadder; fpmultiplier; fpmac; the Library primitives aladdin_adder,
 * aladdin_multiplier, aladdin_register, aladdin_comparator, aladdin_counter; dummy_storage
 * and dummy_compute. Class and attribute names match case-insensitively and '-' equals '_'
 * (word-bits == word_bits). For a Sparseloop `class: storage, subclass: X` pass X.
 *
 * Invariants: the tables are compiled in (src/energy/estimate_tables.c, generated from
 * data/energy/); nothing is read, parsed from CSV or allocated per call. An unknown class,
 * a missing required attribute, a malformed value or a size/technology outside the model is
 * an ADSE_E_SPEC error whose message names the attribute; never a silent zero.
 * Ownership: inputs are borrowed for the duration of the call; results hold only static
 * strings. Thread-safety: every function is reentrant (no mutable state anywhere).
 *
 * Architectures: adse_energy_estimate_buffer()/_arith() price a loaded component from its
 * typed geometry plus its adse_est_attrs (class, technology, DRAM type, widths, ... as the
 * spec loader kept them), and adse_energy_reprice() re-prices, in place and without
 * allocating, every energy and area of an adse_arch that came from the estimator -- what
 * a hardware search calls after rewriting depth, width or meshes.
 */
#ifndef ADSE_ENERGY_H
#define ADSE_ENERGY_H

#include "adse/export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adse/arch.h"
#include "adse/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Supported technology range (nm) for every class that needs a technology. */
#define ADSE_ENERGY_TECH_MIN_NM 5.0
#define ADSE_ENERGY_TECH_MAX_NM 180.0
/* Most actions a class reports (read, write, update, leak, ... ). */
#define ADSE_ENERGY_MAX_ACTIONS 8
/* Accelergy's default ERT/ART precision (decimals). */
#define ADSE_ENERGY_DEFAULT_PRECISION 6

/* One attribute as written in the YAML, e.g. {"depth", "16384"}, {"technology", "45nm"}. */
typedef struct adse_energy_attr {
    const char *name;  /* borrowed; '-' and '_' equivalent, case-insensitive */
    const char *value; /* borrowed; numbers in C/YAML syntax, technology "45nm" or 45 */
} adse_energy_attr;

/* The component to price. */
typedef struct adse_energy_component {
    const char *klass;             /* Accelergy class, e.g. "smartbuffer_SRAM" (borrowed) */
    const char *name;              /* optional, for messages (NULL = none) */
    const adse_energy_attr *attrs; /* n_attrs attributes (borrowed) */
    size_t n_attrs;
    uint64_t instances; /* >= 1; only scales total_area_um2 */
    const char *file;   /* optional location for messages (NULL = none) */
    int line, column;   /* 1-based, 0 = unknown */
} adse_energy_component;

/* Options bits. */
enum {
    /* intmac: price the multiplier as aladdin_multiplier(width_a = width_b =
     * multiplier_width). Default off: the 2024 reference ERTs used a 32-bit aladdin_adder
     * for it (a bug in their intmac.yaml), and adse reproduces them by default. */
    ADSE_ENERGY_OPT_REAL_MULTIPLIER = 1u << 0,
    /* intadder and the address generators of smartbuffer_SRAM/RF: Aladdin plug-in tables
     * (energy at 1 ns, area at 5 ns, linear in width) as in the simba_like,
     * simple_weight_stationary and Sparseloop references, instead of NeuroSim (the
     * Eyeriss references, default). */
    ADSE_ENERGY_OPT_ALADDIN_ADDER = 1u << 1,
    /* Library tables at their current 40 nm label (accelergy-library-plug-in >= 2025-01)
     * instead of the 45 nm label the 2024 references were generated with. */
    ADSE_ENERGY_OPT_LIBRARY_40NM = 1u << 2,
    /* Between the tabulated Stillmaker-Baas nodes (130 90 65 45 32 20 16 14 10 7),
     * interpolate in the right direction. Default off: Accelergy's scaling code walks the
     * wrong way (22 nm is priced 1/6 of the way from 32 to 20 nm, energy x0.586 from 45 nm
     * instead of x0.294), and adse reproduces it. No effect at tabulated nodes. */
    ADSE_ENERGY_OPT_FIXED_TECH_INTERP = 1u << 3
};

struct adse_energy_component;
struct adse_energy_result;
struct adse_energy_options;

/* Component classes defined outside the estimator: Accelergy compound components that the
 * spec loader read from the YAML (`compound_components`, `components`; docs/energy.md
 * section 10). adse_energy_estimate() asks `defines` first and lets `estimate` price a class
 * it defines (unrounded: adse_energy_estimate rounds as for its own classes); `estimate`
 * prices the subcomponents' primitives with adse_energy_estimate itself. ctx and the strings
 * a result then holds are owned by whoever filled this (the spec: valid while it lives). */
typedef struct adse_energy_classes {
    const void *ctx;
    bool (*defines)(const void *ctx, const char *klass);
    adse_status (*estimate)(const void *ctx, const struct adse_energy_component *comp,
                            const struct adse_energy_options *opt, struct adse_energy_result *out,
                            adse_err *err);
} adse_energy_classes;

typedef struct adse_energy_options {
    unsigned flags; /* ADSE_ENERGY_OPT_* */
    int precision;  /* round energies and areas to this many decimals like Accelergy's
                       ERT/ART (default 6); < 0 = no rounding */
    const adse_energy_classes *classes; /* classes defined outside the estimator, asked
                                           first (NULL = none; the spec loader sets it) */
} adse_energy_options;

/* Fills the defaults: Accelergy v0.4 (2024 reference generation), precision 6. */
ADSE_API void adse_energy_options_init(adse_energy_options *opt);

/* Result flags: 0 = reproduces Accelergy to its printed precision. */
enum {
    ADSE_ENERGY_F_INTERPOLATED = 1u << 0, /* SRAM size between CACTI grid points */
    ADSE_ENERGY_F_EXTRAPOLATED = 1u << 1, /* SRAM size beyond the grid (edge slope) */
    ADSE_ENERGY_F_PORTS = 1u << 2,        /* 2-port SRAM off the 32/45 nm 2-port grid */
    ADSE_ENERGY_F_BANKS = 1u << 3,        /* banked SRAM (ratios measured at 45 nm, W=64) */
    ADSE_ENERGY_F_TECH_SCALED = 1u << 4   /* a part at a node its Accelergy plug-in does not
                                             cover, scaled with Stillmaker-Baas */
};

typedef struct adse_energy_action {
    const char *name; /* static, e.g. "read", "write", "update", "leak", "compute" */
    double energy_pj; /* per action; "leak" per instance per global cycle */
} adse_energy_action;

typedef struct adse_energy_result {
    const char *klass;     /* canonical class name (static; a class defined through
                              adse_energy_options.classes: as the component gave it) */
    const char *estimator; /* plug-ins, as Accelergy's summaries name them (static) */
    const char *rule;      /* the formula used, one line (static) */
    unsigned flags;        /* ADSE_ENERGY_F_* */
    double technology_nm;  /* parsed node (0 if the class needs none) */
    double cycle_seconds;  /* global_cycle_seconds used for leak (default 1e-9) */
    int n_actions;
    adse_energy_action actions[ADSE_ENERGY_MAX_ACTIONS];
    double area_um2;       /* one instance */
    uint64_t instances;    /* as given */
    double total_area_um2; /* area_um2 * instances */
} adse_energy_result;

/* Prices one component. opt may be NULL (defaults). On failure returns ADSE_E_SPEC (bad
 * input) or ADSE_E_USAGE (NULL comp/out, zero instances) and fills err (may be NULL);
 * *out is then unspecified. */
ADSE_API adse_status adse_energy_estimate(const adse_energy_component *comp,
                                          const adse_energy_options *opt, adse_energy_result *out,
                                          adse_err *err);

/* The action called name in r (exact, case-insensitive), or NULL. */
ADSE_API const adse_energy_action *adse_energy_result_action(const adse_energy_result *r,
                                                             const char *name);

/* True if adse_energy_estimate() knows klass (same matching rules). */
ADSE_API bool adse_energy_class_supported(const char *klass);

/* Parses a technology attribute ("45nm", "45 nm", "45", "0.045um", "45e-9") into nm.
 * Returns ADSE_E_SPEC for anything else, or outside ADSE_ENERGY_TECH_{MIN,MAX}_NM. */
ADSE_API adse_status adse_energy_technology_nm(const char *value, double *nm, adse_err *err);

/* Stillmaker-Baas 2017 scaling factors (Vdd 0.8 V) from one node to another, as
 * hwcomponents/accelergy-library-plug-in compute them (opt may be NULL; only
 * ADSE_ENERGY_OPT_FIXED_TECH_INTERP matters): energy and leakage multiply by *energy, area
 * by *area. Both nodes must be within ADSE_ENERGY_TECH_{MIN,MAX}_NM. */
ADSE_API adse_status adse_energy_tech_scale(double from_nm, double to_nm,
                                            const adse_energy_options *opt, double *energy,
                                            double *area, adse_err *err);

/* True if adse_energy_estimate() reads an attribute of this name for some class (same
 * matching rules): the attributes the spec loader keeps in adse_est_attrs. */
ADSE_API bool adse_energy_attr_used(const char *name);

/* ---- components of an adse_arch ------------------------------------------------------- */

/* Prices storage level b: class b->est.klass (b->klass if empty), name, position and
 * instances from b, and the attributes
 *   width      = width_bits, or word_bits * block_size * cluster_size when not given
 *   depth      = depth, or size_words / block_size (rounded up) when the size was given
 *                otherwise (entries, sizeKB); absent for an unbounded level
 *   word_bits, block_size
 * followed by b->est (technology, global_cycle_seconds, type, n_rw_ports, ...). Errors as
 * adse_energy_estimate(), located at b->pos. Allocates nothing. */
ADSE_API adse_status adse_energy_estimate_buffer(const adse_buffer *b,
                                                 const adse_energy_options *opt,
                                                 adse_energy_result *out, adse_err *err);

/* Prices the arithmetic level a: as above with the attribute datawidth = word_bits (the
 * intmac/fp widths fall back to it) followed by a->est. */
ADSE_API adse_status adse_energy_estimate_arith(const adse_arith *a, const adse_energy_options *opt,
                                                adse_energy_result *out, adse_err *err);

/* Re-prices every component of arch whose energy_source or area_source is
 * ADSE_ENERGY_ESTIMATOR and binds the result as Timeloop binds an ERT/ART table: storage
 * read <- read, fill <- write, update <- update, leak <- leak, vector access energy = the
 * largest action / cluster_size; arithmetic compute <- compute; area per instance rounded
 * to float (Timeloop reads ART areas into a float); an arithmetic class with none of the
 * compute actions Timeloop binds (possible for a class of adse_energy_options.classes) is an
 * ADSE_E_SPEC error at the component. Components with other sources are not
 * touched. Storage levels are priced outermost first, then the arithmetic level, and the
 * first error is returned. opt may be NULL (defaults). On error arch may be partly
 * updated. No allocation. */
ADSE_API adse_status adse_energy_reprice(adse_arch *arch, const adse_energy_options *opt,
                                         adse_err *err);

#ifdef __cplusplus
}
#endif
#endif
