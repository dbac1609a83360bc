/*
 * adse/arch.h: the architecture as the model sees it.
 *
 * An architecture is one arithmetic level (the MACs) under a chain of storage levels;
 * levels[0] is the innermost buffer, levels[n_levels-1] the outermost (normally DRAM).
 * This is Timeloop's classic tree format flattened (model.md §2.1): instance counts and meshes
 * are resolved, buffer sizes derived from depth/width/block/cluster (model.md §2.2), and each
 * level's per-action energies bound from the ERT, the built-in estimator or Timeloop's
 * fallback (model.md §7.1). Each component also carries what the estimator needs besides its
 * typed geometry (adse_est_attrs), so that code which rewrites depth, width or meshes can
 * re-price it without the YAML (adse_energy_reprice() in energy.h).
 * The connection between level i and its children uses the networks level i names
 * (network_read / network_update, adse_arch_connections()); where it names none, Timeloop's
 * inferred legacy network, whose parameters come from level i (model.md §2.4). Unspecified numeric
 * limits are negative (bandwidths) or flagged (size). Thread-safety: immutable after loading;
 * readable from any thread.
 */
#ifndef ADSE_ARCH_H
#define ADSE_ARCH_H

#include "adse/export.h"

#include <stdbool.h>
#include <stdint.h>

#include "adse/error.h"
#include "adse/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where an energy (or, for area_source, an area) came from. */
typedef enum adse_energy_source {
    ADSE_ENERGY_FALLBACK = 0, /* Timeloop's built-in PAT fallback (printed "PAT"); area 0 */
    ADSE_ENERGY_ERT,          /* bound from an ERT table, or for areas an ART table ("ERT") */
    ADSE_ENERGY_USER,         /* the vector_access_energy / energy attribute, or the
                                 cluster_area / area attribute ("user") */
    ADSE_ENERGY_ESTIMATOR     /* the built-in estimator, bound as an ERT/ART table would be
                                 (printed "ERT", as Timeloop prints Accelergy's values) */
} adse_energy_source;

/* Estimator attributes kept per component (besides the typed geometry). */
#define ADSE_MAX_EST_ATTRS 16 /* attributes */
#define ADSE_EST_ATTR_MAX 40  /* bytes of a name or value, with the NUL */

/* What the built-in estimator (energy.h) reads about a component besides the typed fields
 * of adse_buffer / adse_arith: its class and the attributes the estimator knows
 * (adse_energy_attr_used()) as written in the YAML, the component's own first, then those
 * inherited from the enclosing subtree nodes, innermost first; one entry per name (the
 * first wins). Geometry is NOT stored here: width, depth, word bits and block size come from
 * the typed fields, so rewriting them and re-pricing is consistent. Plain data, copied with
 * the component; no pointers. */
typedef struct adse_est_attrs {
    char klass[ADSE_NAME_MAX]; /* class for the estimator: `subclass` if given, else `class` */
    uint8_t n;                 /* entries used */
    char names[ADSE_MAX_EST_ATTRS][ADSE_EST_ATTR_MAX];  /* e.g. "technology" */
    char values[ADSE_MAX_EST_ATTRS][ADSE_EST_ATTR_MAX]; /* e.g. "45nm" */
} adse_est_attrs;

/* Where a component was declared, for error messages. */
typedef struct adse_srcpos {
    const char *file; /* borrowed from the owning adse_spec; NULL if unknown */
    int line;         /* 1-based, 0 if unknown */
    int column;       /* 1-based, 0 if unknown */
} adse_srcpos;

/* Which attribute declares a storage level's size (model.md §2.2). */
typedef enum adse_size_given {
    ADSE_SIZE_NONE = 0, /* no size: unbounded (typical DRAM) */
    ADSE_SIZE_DEPTH,    /* depth (rows of block_size words) */
    ADSE_SIZE_ENTRIES,  /* entries (words) */
    ADSE_SIZE_KB        /* sizeKB (KiB of word_bits-bit words) */
} adse_size_given;

typedef struct adse_buffer {
    char name[ADSE_NAME_MAX];       /* component name with any [a..b] suffix removed */
    char klass[ADSE_NAME_MAX];      /* Accelergy class, e.g. "smartbuffer_SRAM" */
    char technology[ADSE_NAME_MAX]; /* technology attribute as given ("" if none) */
    bool is_dram;                   /* class contains DRAM or technology == DRAM */
    uint32_t word_bits;             /* bits per word (default 16) */
    uint32_t block_size;            /* words per vector access (default 1) */
    uint32_t cluster_size;          /* default 1 */
    uint64_t depth;                 /* rows as given (0 if not given) */
    uint64_t width_bits;            /* row width as given (0 if not given) */
    adse_size_given size_given;     /* the attribute that declares the size */
    uint64_t entries;               /* words as given by `entries` (0 if not given) */
    uint64_t size_kb;               /* KiB as given by `sizeKB` (0 if not given) */
    bool block_size_given;          /* block_size declared, not derived from the width */
    bool cluster_size_given;        /* cluster_size declared, not derived from the width */
    bool network_word_bits_given;   /* network_word_bits declared, not word_bits */
    bool size_specified;            /* false = unbounded (typical DRAM) */
    uint64_t size_words;            /* capacity in words (depth * block_size, entries, sizeKB) */
    double multiple_buffering;      /* default 1.0 */
    uint64_t effective_size;        /* floor(size / multiple_buffering) */
    double min_utilization;         /* default 0 */
    uint32_t instances;             /* total instances of this buffer */
    uint32_t mesh_x, mesh_y;        /* mesh, mesh_x * mesh_y == instances */
    double read_bw, write_bw, shared_bw; /* words/cycle per instance; < 0 = unlimited */
    uint8_t n_bw_scales;                 /* entries of per_dataspace_bandwidth_consumption_scale */
    char bw_scale_names[ADSE_MAX_BW_SCALES][ADSE_NAME_MAX]; /* data-space names */
    double bw_scale_values[ADSE_MAX_BW_SCALES];             /* scales */
    bool reduction_supported;                               /* default: !is_dram */
    uint32_t num_banks, num_ports; /* defaults 2; only for energy estimation */

    /* Energy and area (model.md §7). Energies are pJ per vector access (block). */
    adse_energy_source energy_source;
    double e_read, e_fill, e_update, e_leak; /* pJ; e_leak per instance per cycle */
    double vector_access_energy;    /* printed "Vector access energy": max action / cluster */
    double area_um2;                /* area of one instance (0 if unknown) */
    adse_energy_source area_source; /* where area_um2 came from */

    /* Network to the children (legacy network, model.md §2.4, §5). */
    uint32_t network_word_bits; /* default word_bits */
    double energy_per_hop_pj;   /* < 0 = derive from wire_energy and tile width */
    double wire_energy_pj;      /* pJ per bit per mm, 0 if none */
    double router_energy_pj;    /* default 0 */
    double ingress_energy_pj;   /* energy-per-ingress, default 0 */
    double tile_width_mm;       /* < 0 = from floorplan */
    uint64_t network_fill_latency, network_drain_latency; /* cycles, default 0 */

    /* Declared networks this level names: 1 + index into adse_arch.networks, 0 = none. */
    uint8_t net_read, net_fill, net_update, net_drain;

    adse_srcpos pos;           /* declaration, for messages */
    double addr_gen_energy_pj; /* addr_gen_energy attribute, pJ per address generation;
                                  < 0 = not given (Timeloop then uses pat's adder: 0) */
    adse_est_attrs est;        /* estimator class and attributes */
} adse_buffer;

typedef struct adse_arith {
    char name[ADSE_NAME_MAX];  /* e.g. "mac" */
    char klass[ADSE_NAME_MAX]; /* e.g. "intmac" */
    uint32_t instances;        /* total MACs */
    uint32_t mesh_x, mesh_y;   /* mesh, product == instances */
    uint32_t word_bits;        /* default 16 */
    adse_energy_source energy_source;
    double e_compute;                /* pJ per compute */
    double area_um2;                 /* area of one instance */
    adse_energy_source area_source;  /* where area_um2 came from */
    uint8_t net_operand, net_result; /* declared networks named: 1 + index, 0 = none */
    adse_srcpos pos;
    adse_est_attrs est; /* estimator class and attributes */
} adse_arith;

/* A declared network component (`class: SimpleMulticast`, docs/model.md "Declared networks"). Its
 * energy per transfer comes from the ERT table of its name: action `action_name`, or with
 * per_datatype_ert `action_name`_<data space>, the entry whose `mcast_arg` argument equals the
 * transfer's multicast factor. */
typedef struct adse_arch_network {
    char name[ADSE_NAME_MAX];        /* component name with any [a..b] suffix removed */
    char klass[ADSE_NAME_MAX];       /* "SimpleMulticast" */
    uint32_t word_bits;              /* network_word_bits, else word_bits/datawidth (16) */
    char action_name[ADSE_NAME_MAX]; /* ERT action of a transfer */
    char mcast_arg[ADSE_NAME_MAX];   /* multicast_factor_argument, "" if not given */
    bool per_datatype_ert;           /* per_datatype_ERT given */
    uint64_t fill_latency;           /* fill_latency attribute, cycles (default 0) */
    bool ert_bound;                  /* an ERT table of this name was bound */
    adse_srcpos pos;
} adse_arch_network;

/* One ERT action of a declared network: entries net_entries[first .. first + n), in file
 * order (Timeloop's lookup takes the last entry whose argument matches). */
typedef struct adse_net_action {
    uint8_t network;          /* index into adse_arch.networks */
    char name[ADSE_NAME_MAX]; /* action name, e.g. "transfer_Inputs" */
    uint16_t first, n;
} adse_net_action;

typedef struct adse_net_entry {
    int64_t dest;     /* value of the network's multicast argument; -1 if absent */
    double energy_pj; /* energy of one transfer */
} adse_net_entry;

typedef struct adse_arch {
    adse_arith arith;                    /* the arithmetic level (overall level 0) */
    uint8_t n_levels;                    /* storage levels */
    adse_buffer levels[ADSE_MAX_LEVELS]; /* 0 = innermost storage level */
    uint8_t n_networks;                  /* declared network components */
    adse_arch_network networks[ADSE_MAX_NETWORKS];
    uint8_t n_net_actions;  /* ERT actions bound to declared networks */
    uint16_t n_net_entries; /* their entries */
    adse_net_action net_actions[ADSE_MAX_NET_ACTIONS];
    adse_net_entry net_entries[ADSE_MAX_NET_ENTRIES];
} adse_arch;

/* Derives a storage level's geometry from its declared attributes (model.md §2.2, Timeloop's
 * BufferLevel::ParseSpecs). The one statement of the rule: the YAML loader calls it on what
 * it read, the search's design builder on what its genes set, so that a design written out
 * and read back is the design that was evaluated.
 * Reads: word_bits (>= 1), width_bits (0 = no width), block_size if block_size_given,
 * cluster_size if cluster_size_given (both >= 1 when given), size_given with depth, entries
 * or size_kb, multiple_buffering (> 0), is_dram, network_word_bits if
 * network_word_bits_given, and name/pos for messages.
 * Sets: with a width, the block and cluster sizes not given (block = width / (word_bits x
 * cluster) when only the cluster is given, cluster = width / (word_bits x block) when only
 * the block is, else block = width / word_bits, cluster 1); without one, those not given
 * are 1. size_specified and size_words (depth x block_size, entries, or sizeKB x 8192 /
 * word_bits), effective_size = floor(size_words / multiple_buffering), and
 * network_word_bits = word_bits when not given.
 * Fails with ADSE_E_SPEC located at b->pos (b then partly updated) when the width is not a multiple
 * of word_bits x block_size (or of cluster_size x word_bits), when given block and cluster sizes do
 * not multiply to the width, or when a DRAM has a cluster size other than 1. */
ADSE_API adse_status adse_buffer_derive_geometry(adse_buffer *b, adse_err *err);

/* Row width in bits: width_bits if declared, else word_bits x block_size x cluster_size. */
ADSE_API uint64_t adse_buffer_row_bits(const adse_buffer *b);

/* Rows: depth if declared (non-zero), else ceil(size_words / block_size); 0 without a
 * size. What the estimator prices and what a depth gene starts from. */
ADSE_API uint64_t adse_buffer_rows(const adse_buffer *b);

/* Checks the invariants the model relies on (model.md §2.3): 1..ADSE_MAX_LEVELS storage levels;
 * each component's mesh_x * mesh_y equals its instances (both >= 1); each child's mesh (the
 * MACs for level 0) a whole multiple of its parent's, so that fanouts are integers; block
 * and cluster sizes >= 1. ADSE_E_SPEC located at the offending component's pos (at the
 * child for a mesh that does not divide). Called by the YAML loader, the search's design
 * builder and adse_model_create(). */
ADSE_API adse_status adse_arch_validate(const adse_arch *a, adse_err *err);

/* The networks of the connection between storage level i and its children: index into
 * networks[], or -1 for Timeloop's inferred legacy network "<level i> <==> <child>". */
typedef struct adse_connection {
    int8_t read_fill;    /* level i's network_read (== the child's network_fill) */
    int8_t drain_update; /* level i's network_update (== the child's network_drain); without
                            one, the read-fill network serves both directions */
} adse_connection;

/* Fanout of storage level i towards its children (level i-1, or the MACs for i = 0):
 * fanout_x = mesh_x(child) / mesh_x(i), likewise y (model.md §2.3). */
ADSE_API uint32_t adse_arch_fanout_x(const adse_arch *a, int i);
ADSE_API uint32_t adse_arch_fanout_y(const adse_arch *a, int i);

/* Resolves the networks of every connection (conn[i] for storage level i) as Timeloop binds
 * them, checking that a level's network_read/network_update and its child's
 * network_fill/network_drain (or the MACs' network_operand/network_result) agree. Returns
 * ADSE_E_SPEC naming the level and key otherwise. err may be NULL. */
ADSE_API adse_status adse_arch_connections(const adse_arch *a,
                                           adse_connection conn[ADSE_MAX_LEVELS], adse_err *err);

/* Index of the storage level named name, or -1. */
ADSE_API int adse_arch_level_id(const adse_arch *a, const char *name);

#ifdef __cplusplus
}
#endif
#endif
