/*
 * report/json.c: the `adse model --json` and `adse map --json` documents (schemas in
 * docs/cli.md).
 *
 * Top-level totals, then every storage level inner to outer (hidden levels included, so the
 * array index is the storage level id) with the data spaces it keeps, then the arithmetic
 * level. Counts are integers, energies and rates doubles as the shortest text that reads
 * back to the same double (util/numtext.h).
 */
#include "adse/report.h"

#include "report/report_internal.h"
#include "util/json_writer.h"

static void write_ds(adse__json *w, const adse_ds_stats *s)
{
    adse__json_begin_object(w);
    adse__json_kv_uint(w, "reads_per_instance", s->reads);
    adse__json_kv_uint(w, "fills_per_instance", s->fills);
    adse__json_kv_uint(w, "updates_per_instance", s->updates);
    adse__json_kv_uint(w, "utilized_capacity", s->utilized_capacity);
    adse__json_kv_uint(w, "utilized_instances", s->utilized_instances);
    adse__json_kv_uint(w, "partition_size", s->partition_size);
    adse__json_kv_uint(w, "utilized_clusters", s->utilized_clusters);
    adse__json_kv_uint(w, "temporal_reductions_per_instance", s->temporal_reductions);
    adse__json_kv_uint(w, "address_generations_per_cluster", s->address_generations);
    adse__json_kv_uint(w, "link_transfers_per_instance", s->link_transfers);
    adse__json_kv_double(w, "energy_per_access_pj", s->energy_per_access_pj);
    adse__json_kv_double(w, "energy_per_instance_pj", s->energy_per_instance_pj);
    adse__json_kv_double(w, "energy_pj", s->energy_total_pj);
    adse__json_kv_double(w, "read_bandwidth", s->read_bw);
    adse__json_kv_double(w, "write_bandwidth", s->write_bw);
    adse__json_end_object(w);
}

/* The members of the `adse model --json` object (the object itself is the caller's). */
static void write_model_members(adse__json *w, const adse_arch *a, const adse_problem *p,
                                const adse_result *r)
{
    adse__json_kv_bool(w, "sparse_ignored", p->sparse_ignored);
    if (p->sparse_ignored) adse__json_kv_string(w, "note", adse_report_sparse_note(p));
    adse__json_kv_uint(w, "cycles", r->cycles);
    adse__json_kv_double(w, "energy_pj", r->energy_pj);
    adse__json_kv_double(w, "utilization", r->utilization);
    adse__json_kv_double(w, "gflops", r->gflops);
    adse__json_kv_uint(w, "computes", r->computes);
    adse__json_kv_double(w, "edp", r->edp);
    adse__json_kv_double(w, "area_um2", r->area_um2);
    adse__json_kv_double(w, "pj_per_compute",
                         r->computes ? r->energy_pj / (double)r->computes : 0.0);
    adse__json_kv_uint(w, "compute_cycles", r->compute_cycles);
    adse__json_kv_uint(w, "total_ops", r->total_ops);
    adse__json_kv_uint(w, "reduction_ops", r->reduction_ops);
    adse__json_kv_uint(w, "memory_accesses_required", r->memory_accesses_required);

    adse__json_key(w, "levels");
    adse__json_begin_array(w);
    for (int i = 0; i < a->n_levels; i++) {
        const adse_level_stats *ls = &r->levels[i];
        adse__json_begin_object(w);
        adse__json_kv_string(w, "name", a->levels[i].name);
        adse__json_kv_double(w, "energy_pj", ls->energy_pj);
        adse__json_kv_uint(w, "cycles", ls->cycles);
        adse__json_kv_double(w, "bandwidth_throttling", ls->slowdown);
        adse__json_kv_double(w, "leakage_energy_pj", ls->leak_energy_pj);
        adse__json_kv_uint(w, "accesses", ls->accesses);
        adse__json_kv_double(w, "area_um2_per_instance", a->levels[i].area_um2);
        adse__json_key(w, "dataspaces");
        adse__json_begin_object(w);
        for (int d = 0; d < p->n_ds; d++) {
            if (!ls->ds[d].kept) continue;
            adse__json_key(w, p->ds[d].name);
            write_ds(w, &ls->ds[d]);
        }
        adse__json_end_object(w);
        adse__json_end_object(w);
    }
    adse__json_end_array(w);

    adse__json_key(w, "arithmetic");
    adse__json_begin_object(w);
    adse__json_kv_string(w, "name", a->arith.name);
    adse__json_kv_double(w, "energy_pj", r->mac_energy_pj);
    adse__json_kv_uint(w, "utilized_instances", r->utilized_macs);
    adse__json_kv_uint(w, "instances", a->arith.instances);
    adse__json_kv_uint(w, "cycles", r->compute_cycles);
    adse__json_kv_double(w, "area_um2", a->arith.area_um2 * (double)a->arith.instances);
    adse__json_end_object(w);

    adse__json_key(w, "networks");
    adse__json_begin_array(w);
    for (int n = 0; n < a->n_networks; n++) {
        const adse_net_stats *ns = &r->networks[n];
        if (!ns->evaluated) continue;
        adse__json_begin_object(w);
        adse__json_kv_string(w, "name", a->networks[n].name);
        adse__json_kv_string(w, "level", a->levels[ns->level].name);
        adse__json_kv_double(w, "energy_pj", ns->energy_pj);
        adse__json_key(w, "dataspaces");
        adse__json_begin_object(w);
        for (int d = 0; d < p->n_ds; d++) {
            const adse_net_ds_stats *st = &ns->ds[d];
            adse__json_key(w, p->ds[d].name);
            adse__json_begin_object(w);
            adse__json_kv_double(w, "ingresses", st->ingresses);
            adse__json_kv_uint(w, "multicast_factor", st->multicast);
            adse__json_kv_uint(w, "fanout", st->fanout);
            adse__json_kv_double(w, "energy_per_instance_pj", st->energy_per_instance_pj);
            adse__json_kv_uint(w, "utilized_instances", st->utilized_instances);
            adse__json_end_object(w);
        }
        adse__json_end_object(w);
        adse__json_end_object(w);
    }
    adse__json_end_array(w);
}

adse_status adse_report_write_json(FILE *f, const adse_arch *a, const adse_problem *p,
                                   const adse_mapping *mapping, const adse_result *r)
{
    (void)mapping;
    if (!f || !a || !p || !r || r->fail != ADSE_FAIL_NONE) return ADSE_E_USAGE;
    adse__json w;
    adse__json_init(&w, f, 2);
    adse__json_begin_object(&w);
    write_model_members(&w, a, p, r);
    adse__json_end_object(&w);
    return adse__json_finish(&w) ? ADSE_OK : ADSE_E_IO;
}

adse_status adse_report_mapper_json(FILE *f, const adse_model *model, const adse_mapper_result *r)
{
    if (!f || !model || !r || !r->found || r->result.fail != ADSE_FAIL_NONE) return ADSE_E_USAGE;
    const adse_arch *a = adse_model_arch(model);
    const adse_problem *p = adse_model_problem(model);
    if (r->best.n_levels != a->n_levels || r->best.n_dims != p->n_dims) return ADSE_E_USAGE;
    adse__json w;
    adse__json_init(&w, f, 2);
    adse__json_begin_object(&w);
    write_model_members(&w, a, p, &r->result);
    adse__json_key(&w, "mapping");
    adse__report_json_directives(&w, a, p, &r->best);
    const adse_mapper_stats *s = &r->stats;
    adse__json_key(&w, "search");
    adse__json_begin_object(&w);
    adse__json_kv_double(&w, "mapspace_size", s->mapspace_size);
    adse__json_kv_uint(&w, "evaluated", s->evaluated);
    adse__json_kv_uint(&w, "valid", s->valid);
    adse__json_kv_double(&w, "pruned", s->pruned);
    adse__json_kv_double(&w, "seconds", s->seconds);
    adse__json_kv_bool(&w, "optimal", s->optimal);
    adse__json_key(&w, "lower_bound");
    if (s->optimal)
        adse__json_null(&w);
    else
        adse__json_double(&w, s->lower_bound);
    adse__json_kv_double(&w, "best_value", s->best_value);
    adse__json_kv_double(&w, "gap", s->gap);
    adse__json_key(&w, "lower_bounds");
    adse__json_begin_array(&w);
    for (int k = 0; k < s->n_metrics; k++)
        adse__json_double(&w, s->lower_bounds[k]);
    adse__json_end_array(&w);
    adse__json_key(&w, "best_values");
    adse__json_begin_array(&w);
    for (int k = 0; k < s->n_metrics; k++)
        adse__json_double(&w, s->best_values[k]);
    adse__json_end_array(&w);
    adse__json_kv_int(&w, "threads", s->threads);
    adse__json_end_object(&w);
    adse__json_end_object(&w);
    return adse__json_finish(&w) ? ADSE_OK : ADSE_E_IO;
}
