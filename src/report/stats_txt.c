/*
 * report/stats_txt.c: Timeloop master's timeloop-model.stats.txt (model.md §10.1).
 *
 * Labels, padding and number formats reproduce operator<<(Topology), BufferLevel::Print and
 * ArithmeticUnits::Print of Timeloop master byte for byte: floats with two decimals
 * (std::fixed, precision 2), unspecified attributes as '-', integers plain. Levels with zero
 * accesses and zero energy are hidden but keep their index (TIMELOOP_HIDE_INCONSEQUENTIAL_STATS,
 * default on). Two deliberate differences, both documented in docs/cli.md: the summary
 * `Area:` line prints the real area (Timeloop prints 0.00 because Topology::Reset() clears it),
 * and the pre-2025 per-level `MAPPING / Loop nest` block is not printed (master dropped it).
 * Networks: declared networks with non-zero energy, in name order as Timeloop's std::map
 * holds them (inferred legacy networks always have zero energy in adse: the model refuses
 * the attributes that would price them).
 */
#include "adse/report.h"

#include <inttypes.h>
#include <string.h>

#include "report/report_internal.h"
#include "util/numtext.h"

static const char *source_name(adse_energy_source s)
{
    switch (s) {
    case ADSE_ENERGY_ERT:
    case ADSE_ENERGY_ESTIMATOR: /* Timeloop prints "ERT" for Accelergy's values too */ return "ERT";
    case ADSE_ENERGY_USER: return "user";
    case ADSE_ENERGY_FALLBACK: break;
    }
    return "PAT";
}

/* "-" for an unspecified (negative) bandwidth, else %.2f. */
static void print_bw(FILE *f, const char *label, double bw)
{
    if (bw < 0)
        fprintf(f, "        %-32s: -\n", label);
    else
        fprintf(f, "        %-32s: %.2f\n", label, bw);
}

static void print_arith(FILE *f, const adse_arith *a, const adse_result *r)
{
    fprintf(f, "=== %s ===\n\n", a->name);
    fprintf(f, "    SPECS\n    -----\n");
    fprintf(f, "    %-22s: %" PRIu32 "\n", "Word bits", a->word_bits);
    fprintf(f, "    %-22s: %" PRIu32 " (%" PRIu32 "*%" PRIu32 ")\n", "Instances", a->instances,
            a->mesh_x, a->mesh_y);
    fprintf(f, "    %-22s: %.2f pJ\n\n", "Compute energy", a->e_compute);
    fprintf(f, "    STATS\n    -----\n");
    fprintf(f, "    %-24s: %" PRIu64 "\n", "Utilized instances", r->utilized_macs);
    fprintf(f, "    %-24s: %" PRIu64 "\n", "Computes (total)", r->computes);
    fprintf(f, "    %-24s: %" PRIu64 "\n", "Cycles", r->compute_cycles);
    fprintf(f, "    %-24s: %.2f pJ\n", "Energy (total)", r->mac_energy_pj);
    fprintf(f, "    %-24s: %.2f um^2\n\n", "Area (total)", a->area_um2 * (double)a->instances);
}

static void print_ds(FILE *f, const char *name, const adse_ds_stats *s)
{
    double inst = (double)s->utilized_instances;
    fprintf(f, "    %s:\n", name);
#define ROW_U(label, v) fprintf(f, "        %-41s: %" PRIu64 "\n", label, (uint64_t)(v))
#define ROW_F(label, v, unit) fprintf(f, "        %-41s: %.2f%s\n", label, (double)(v), unit)
    ROW_U("Partition size", s->partition_size);
    ROW_U("Utilized capacity", s->utilized_capacity);
    ROW_U("Utilized instances (max)", s->utilized_instances);
    ROW_U("Utilized clusters (max)", s->utilized_clusters);
    ROW_U("Scalar reads (per-instance)", s->reads);
    ROW_U("Scalar fills (per-instance)", s->fills);
    ROW_U("Scalar updates (per-instance)", s->updates);
    ROW_U("Temporal reductions (per-instance)", s->temporal_reductions);
    ROW_U("Address generations (per-cluster)", s->address_generations);
    ROW_F("Energy (per-scalar-access)", s->energy_per_access_pj, " pJ");
    ROW_F("Energy (per-instance)", s->energy_per_instance_pj, " pJ");
    ROW_F("Energy (total)", s->energy_total_pj, " pJ");
    /* Temporal-reduction and address-generation energies use pat::AdderEnergy = 0. */
    ROW_F("Temporal Reduction Energy (per-instance)", 0.0, " pJ");
    ROW_F("Temporal Reduction Energy (total)", 0.0, " pJ");
    ROW_F("Address Generation Energy (per-cluster)", 0.0, " pJ");
    ROW_F("Address Generation Energy (total)", 0.0, " pJ");
    ROW_F("Bandwidth Consumption Scale", s->bw_scale, "");
    ROW_F("Shared Bandwidth (per-instance)", s->read_bw + s->write_bw, " words/cycle");
    ROW_F("Shared Bandwidth (total)", (s->read_bw + s->write_bw) * inst, " words/cycle");
    ROW_F("Read Bandwidth (per-instance)", s->read_bw, " words/cycle");
    ROW_F("Read Bandwidth (total)", s->read_bw * inst, " words/cycle");
    ROW_F("Write Bandwidth (per-instance)", s->write_bw, " words/cycle");
    ROW_F("Write Bandwidth (total)", s->write_bw * inst, " words/cycle");
#undef ROW_U
#undef ROW_F
}

static void print_buffer(FILE *f, const adse_buffer *b, const adse_problem *p,
                         const adse_level_stats *ls)
{
    fprintf(f, "=== %s ===\n\n", b->name);
    fprintf(f, "    SPECS\n    -----\n");
    fprintf(f, "        %-32s: %s\n", "Technology", b->is_dram ? "DRAM" : "SRAM");
    if (b->size_specified)
        fprintf(f, "        %-32s: %" PRIu64 "\n", "Size", b->size_words);
    else
        fprintf(f, "        %-32s: -\n", "Size");
    fprintf(f, "        %-32s: %" PRIu32 "\n", "Word bits", b->word_bits);
    fprintf(f, "        %-32s: %" PRIu32 "\n", "Block size", b->block_size);
    fprintf(f, "        %-32s: %" PRIu32 "\n", "Cluster size", b->cluster_size);
    fprintf(f, "        %-32s: %" PRIu32 " (%" PRIu32 "*%" PRIu32 ")\n", "Instances", b->instances,
            b->mesh_x, b->mesh_y);
    print_bw(f, "Shared bandwidth", b->shared_bw);
    print_bw(f, "Read bandwidth", b->read_bw);
    print_bw(f, "Write bandwidth", b->write_bw);
    fprintf(f, "        %-32s: %.2f\n", "Multiple buffering", b->multiple_buffering);
    if (b->size_specified)
        fprintf(f, "        %-32s: %" PRIu64 "\n", "Effective size", b->effective_size);
    else
        fprintf(f, "        %-32s: -\n", "Effective size");
    fprintf(f, "        %-32s: %.2f\n", "Min utilization", b->min_utilization);
    fprintf(f, "        %-32s: %.2f pJ\n", "Vector access energy", b->vector_access_energy);
    fprintf(f, "        %-32s: %s\n", "Vector access energy source", source_name(b->energy_source));
    fprintf(f, "        %-32s: %.2f pJ\n", "Per-instance-cycle leakage", b->e_leak);
    /* Power gating is not modelled (default power_gated_at): one instance per gate, all on. */
    fprintf(f, "        %-32s: %.2f\n", "Instances sharing power gating", 1.0);
    fprintf(f, "        %-32s: %.2f%%\n", "Non-power-gated utilization", 100.0);
    fprintf(f, "        %-32s: %.2f pJ\n", "Leakage energy (total)", ls->leak_energy_pj);
    fprintf(f, "        %-32s: %.2f um^2\n\n", "Area", b->area_um2);

    fprintf(f, "    STATS\n    -----\n");
    fprintf(f, "    %-21s: %" PRIu64 "\n", "Cycles", ls->cycles);
    fprintf(f, "    %-21s: %.2f\n", "Bandwidth throttling", ls->slowdown);
    for (int d = 0; d < p->n_ds; d++)
        if (ls->ds[d].kept) print_ds(f, p->ds[d].name, &ls->ds[d]);
    fputc('\n', f);
}

/* Timeloop computes op/byte in single precision: float(total_ops) / (bits * accesses / 8)
 * with an integer denominator. Reproduced so the two printed decimals agree. */
static double op_per_byte(uint64_t total_ops, uint32_t word_bits, uint64_t accesses)
{
    uint64_t bytes = (uint64_t)word_bits * accesses / 8;
    float v = (float)total_ops / (float)bytes;
    return (double)v;
}

/* Declared networks with non-zero energy, in name order: order[] gets their indices. */
static int shown_networks(const adse_arch *a, const adse_result *r, int *order)
{
    int n = 0;
    for (int i = 0; i < a->n_networks; i++) {
        if (!r->networks[i].evaluated || r->networks[i].energy_pj == 0) continue;
        int k = n++;
        while (k > 0 && strcmp(a->networks[order[k - 1]].name, a->networks[i].name) > 0) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    return n;
}

/* SimpleMulticastNetwork::Print of Timeloop master. */
static void print_network(FILE *f, const adse_arch *a, const adse_problem *p, int n,
                          const adse_net_stats *ns)
{
    const adse_arch_network *net = &a->networks[n];
    adse_connection conn[ADSE_MAX_LEVELS];
    int ctype = 0;
    if (adse_arch_connections(a, conn, NULL) == ADSE_OK) {
        for (int i = 0; i < a->n_levels; i++) {
            if (conn[i].read_fill == n) ctype |= 1;
            if (conn[i].drain_update == n) ctype |= 2;
        }
    }
    fprintf(f, "%s\n\n", net->name);
    fprintf(f, "    SPECS\n    -----\n");
    fprintf(f, "        Type            : %s\n", net->klass);
    fprintf(f, "        ConnectionType  : %d\n", ctype);
    fprintf(f, "        Word bits       : %" PRIu32 "\n", net->word_bits);
    fprintf(f, "        Action Name       : %s\n\n", net->action_name);
    fprintf(f, "    STATS\n    -----\n");
    for (int d = 0; d < p->n_ds; d++) {
        const adse_net_ds_stats *st = &ns->ds[d];
        if (st->ingresses == 0) continue;
        fprintf(f, "    %s:\n", p->ds[d].name);
        fprintf(f, "        %-40s: %" PRIu64 "\n", "Fanout", st->fanout);
        fprintf(f, "        %-40s: %" PRIu64 "\n", "Multicast factor", st->multicast);
        fprintf(f, "        %-40s: %.2f\n", "Ingresses", st->ingresses);
        fprintf(f, "        %-40s: %.2f pJ\n", "Energy (per-instance)", st->energy_per_instance_pj);
        fprintf(f, "        %-40s: %.2f pJ\n", "Energy (total)",
                st->energy_per_instance_pj * (double)st->utilized_instances);
    }
    fprintf(f, "\n");
}

static adse_status write_stats(FILE *f, const adse_arch *a, const adse_problem *p,
                               const adse_mapping *mapping, const adse_result *r)
{
    (void)mapping;
    if (!f || !a || !p || !r || r->fail != ADSE_FAIL_NONE || a->n_levels == 0) return ADSE_E_USAGE;

    const char *note = adse_report_sparse_note(p);
    if (note) fprintf(f, "%s\n\n", note);
    fprintf(f, "Buffer and Arithmetic Levels\n----------------------------\n");
    if (adse__report_level_shown(a, r, -1)) {
        fprintf(f, "Level 0\n-------\n");
        print_arith(f, &a->arith, r);
    }
    for (int i = 0; i < a->n_levels; i++) {
        if (!adse__report_level_shown(a, r, i)) continue;
        fprintf(f, "Level %d\n-------\n", i + 1);
        print_buffer(f, &a->levels[i], p, &r->levels[i]);
    }
    fprintf(f, "Networks\n--------\n");
    int order[ADSE_MAX_NETWORKS];
    int n_shown = shown_networks(a, r, order);
    for (int k = 0; k < n_shown; k++) {
        fprintf(f, "Network %d\n---------\n", k);
        print_network(f, a, p, order[k], &r->networks[order[k]]);
    }
    fprintf(f, "\n");

    fprintf(f, "Operational Intensity Stats\n---------------------------\n");
    fprintf(f, "    %-40s: %" PRIu64 "\n", "Total elementwise ops", r->computes);
    fprintf(f, "    %-40s: %" PRIu64 "\n", "Total reduction ops", r->reduction_ops);
    fprintf(f, "    %-40s: %" PRIu64 "\n", "Total ops", r->total_ops);
    fprintf(f, "    %-40s: %" PRIu64 "\n", "Total memory accesses required",
            r->memory_accesses_required);
    fprintf(f, "    %-40s: %.2f\n\n", "Optimal Op per Byte",
            op_per_byte(r->total_ops, a->levels[a->n_levels - 1].word_bits,
                        r->memory_accesses_required));
    for (int i = 0; i < a->n_levels; i++) {
        fprintf(f, "=== %s ===\n", a->levels[i].name);
        uint64_t acc = r->levels[i].accesses;
        if (acc > 0) {
            fprintf(f, "    %-40s: %" PRIu64 "\n", "Total scalar accesses", acc);
            fprintf(f, "    %-40s: %.2f\n", "Op per Byte",
                    op_per_byte(r->total_ops, a->levels[i].word_bits, acc));
        }
    }
    fprintf(f, "\n\n");

    fprintf(f, "Summary Stats\n-------------\n");
    /* GFLOPs and EDP follow Timeloop's float arithmetic (float(total_ops) / cycles,
     * float(cycles) * energy / 1e12). */
    float gflops = r->cycles ? (float)r->total_ops / (float)r->cycles : 0.0f;
    fprintf(f, "GFLOPs (@1GHz): %.2f\n", (double)gflops);
    fprintf(f, "Utilization: %.2f%%\n", r->utilization * 100.0);
    fprintf(f, "Cycles: %" PRIu64 "\n", r->cycles);
    fprintf(f, "Energy: %.2f uJ\n", r->energy_pj / 1000000.0);
    fprintf(f, "EDP(J*cycle): %.2e\n", (double)(float)r->cycles * r->energy_pj / 1e12);
    /* Timeloop prints 0.00 here (Topology::Reset() clears the area): adse prints the real
     * area, see docs/cli.md. */
    fprintf(f, "Area: %.2f mm^2\n", r->area_um2 / 1000000.0);

    int align = adse__report_name_align(a);
    fprintf(f, "\nComputes = %" PRIu64 "\nfJ/Compute\n", r->computes);
    double computes = r->computes ? (double)r->computes : 1.0;
    if (r->mac_energy_pj != 0)
        fprintf(f, "    %-*s= %.2f\n", align, a->arith.name, r->mac_energy_pj * 1000.0 / computes);
    for (int i = 0; i < a->n_levels; i++)
        if (r->levels[i].energy_pj != 0)
            fprintf(f, "    %-*s= %.2f\n", align, a->levels[i].name,
                    r->levels[i].energy_pj * 1000.0 / computes);
    for (int k = 0; k < n_shown; k++)
        fprintf(f, "    %-*s= %.2f\n", align, a->networks[order[k]].name,
                r->networks[order[k]].energy_pj * 1000.0 / computes);
    fprintf(f, "    %-*s= %.2f\n\n", align, "Total", r->energy_pj * 1000.0 / computes);
    return ferror(f) ? ADSE_E_IO : ADSE_OK;
}

adse_status adse_report_write_stats(FILE *f, const adse_arch *a, const adse_problem *p,
                                    const adse_mapping *mapping, const adse_result *r)
{
    /* '.' in every number whatever the host's locale (util/numtext.h) */
    adse__c_locale scope;
    adse__c_locale_enter(&scope);
    adse_status st = write_stats(f, a, p, mapping, r);
    adse__c_locale_leave(&scope);
    return st;
}
