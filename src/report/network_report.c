/* Problems and networks as Timeloop problem files, network.yaml, a table and JSON. */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/report.h"
#include "report/report_internal.h"
#include "report/svg.h"
#include "util/json_writer.h"
#include "util/numtext.h"

/* A YAML double-quoted scalar. */
static void yaml_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(f, "\\x%02x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static adse_status io_status(FILE *f)
{
    return ferror(f) ? ADSE_E_IO : ADSE_OK;
}

adse_status adse_report_problem_yaml(FILE *f, const adse_problem *p)
{
    if (!f || !p) return ADSE_E_USAGE;
    fprintf(f, "problem:\n  shape:\n");
    if (p->shape_name[0]) {
        fprintf(f, "    name: ");
        yaml_str(f, p->shape_name);
        fputc('\n', f);
    }
    fprintf(f, "    dimensions: [");
    for (int x = 0; x < p->n_dims; x++)
        fprintf(f, "%s%c", x ? ", " : "", p->dim_names[x]);
    fprintf(f, "]\n");
    if (p->n_coefs) {
        fprintf(f, "    coefficients:\n");
        for (int c = 0; c < p->n_coefs; c++)
            fprintf(f, "      - {name: %s, default: 1}\n", p->coef_names[c]);
    }
    fprintf(f, "    data_spaces:\n");
    for (int d = 0; d < p->n_ds; d++) {
        const adse_dataspace *ds = &p->ds[d];
        fprintf(f, "      - name: %s\n        projection:\n", ds->name);
        for (int k = 0; k < ds->n_ranks; k++) {
            fprintf(f, "          - [");
            for (int t = 0; t < ds->ranks[k].n_terms; t++) {
                const adse_term *tm = &ds->ranks[k].terms[t];
                fprintf(f, "%s[%c", t ? ", " : "", p->dim_names[tm->dim]);
                if (ds->named[k][t])
                    fprintf(f, ", %s", p->coef_names[ds->named[k][t] - 1]);
                else if (tm->coef != 1)
                    fprintf(f, ", %" PRId64, tm->coef);
                fputc(']', f);
            }
            fprintf(f, "]\n");
        }
        if (ds->read_write) fprintf(f, "        read_write: true\n");
    }
    fprintf(f, "  instance:\n");
    for (int x = 0; x < p->n_dims; x++)
        fprintf(f, "    %c: %" PRIu64 "\n", p->dim_names[x], p->bounds[x]);
    for (int c = 0; c < p->n_coefs; c++)
        fprintf(f, "    %s: %" PRId64 "\n", p->coef_names[c], p->coef_values[c]);
    return io_status(f);
}

/* "R=3 S=3 ... Wstride=2": every bound, then the coefficients that are not 1. */
static void instance_text(const adse_problem *p, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = 0;
    for (int x = 0; x < p->n_dims && k < size; x++)
        k += (size_t)snprintf(buf + k, size - k, "%s%c=%" PRIu64, x ? " " : "", p->dim_names[x],
                              p->bounds[x]);
    for (int c = 0; c < p->n_coefs && k < size; c++)
        if (p->coef_values[c] != 1)
            k += (size_t)snprintf(buf + k, size - k, " %s=%" PRId64, p->coef_names[c],
                                  p->coef_values[c]);
}

/* 1234567 -> "1,234,567". */
static const char *grouped(uint64_t v, char *buf, size_t size)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%" PRIu64, v), k = 0;
    for (int i = 0; i < n && (size_t)k + 2 < size; i++) {
        if (i && (n - i) % 3 == 0) buf[k++] = ',';
        buf[k++] = tmp[i];
    }
    buf[k] = 0;
    return buf;
}

adse_status adse_report_network_table(FILE *f, const adse_network *net)
{
    if (!f || !net) return ADSE_E_USAGE;
    int wname = 5;
    for (int i = 0; i < net->n_layers; i++) {
        int len = (int)strlen(net->layers[i].name);
        if (len > wname) wname = len;
    }
    fprintf(f, "model: %s\n", net->name);
    fprintf(f, "%4s  %-*s  %-6s  %5s  %16s  %18s  %s\n", "#", wname, "layer", "op", "count", "MACs",
            "MACs x count", "instance");
    char inst[512], a[32], b[32];
    for (int i = 0; i < net->n_layers; i++) {
        const adse_network_layer *l = &net->layers[i];
        uint64_t m = adse_problem_macs(&l->problem);
        instance_text(&l->problem, inst, sizeof inst);
        fprintf(f, "%4d  %-*s  %-6s  %5" PRIu64 "  %16s  %18s  %s\n", i + 1, wname, l->name, l->op,
                l->count, grouped(m, a, sizeof a), grouped(m * l->count, b, sizeof b), inst);
    }
    uint64_t total = 0;
    bool ok = adse_network_total_macs(net, &total);
    fprintf(f, "total: %d distinct layers, %" PRIu64 " compute nodes, ", net->n_layers,
            adse_network_layer_count(net));
    if (ok)
        fprintf(f, "%s MACs\n", grouped(total, a, sizeof a));
    else
        fprintf(f, "more than 2^64 MACs\n");
    if (net->n_skipped) {
        fprintf(f, "not modeled:");
        for (int i = 0; i < net->n_skipped; i++)
            fprintf(f, "%s %s x%" PRIu64, i ? "," : "", net->skipped[i].op, net->skipped[i].count);
        fputc('\n', f);
    }
    return io_status(f);
}

adse_status adse_report_network_json(FILE *f, const adse_network *net)
{
    if (!f || !net) return ADSE_E_USAGE;
    adse__json w;
    adse__json_init(&w, f, 2);
    adse__json_begin_object(&w);
    adse__json_kv_string(&w, "model", net->name);
    adse__json_key(&w, "layers");
    adse__json_begin_array(&w);
    for (int i = 0; i < net->n_layers; i++) {
        const adse_network_layer *l = &net->layers[i];
        adse__json_begin_object(&w);
        adse__json_kv_string(&w, "name", l->name);
        adse__json_kv_string(&w, "op", l->op);
        adse__json_key(&w, "instance");
        adse__json_begin_object(&w);
        for (int x = 0; x < l->problem.n_dims; x++) {
            char dn[2] = {l->problem.dim_names[x], 0};
            adse__json_kv_uint(&w, dn, l->problem.bounds[x]);
        }
        for (int c = 0; c < l->problem.n_coefs; c++)
            adse__json_kv_int(&w, l->problem.coef_names[c], l->problem.coef_values[c]);
        adse__json_end_object(&w);
        adse__json_kv_uint(&w, "count", l->count);
        adse__json_kv_uint(&w, "macs", adse_problem_macs(&l->problem));
        adse__json_end_object(&w);
    }
    adse__json_end_array(&w);
    uint64_t total = 0;
    if (adse_network_total_macs(net, &total))
        adse__json_kv_uint(&w, "total_macs", total);
    else {
        adse__json_key(&w, "total_macs");
        adse__json_null(&w);
    }
    adse__json_key(&w, "skipped");
    adse__json_begin_object(&w);
    for (int i = 0; i < net->n_skipped; i++)
        adse__json_kv_uint(&w, net->skipped[i].op, net->skipped[i].count);
    adse__json_end_object(&w);
    adse__json_end_object(&w);
    return adse__json_finish(&w) ? ADSE_OK : ADSE_E_IO;
}

adse_status adse_report_network_yaml(FILE *f, const adse_network *net, const char *source,
                                     const char *const *files)
{
    if (!f || !net || !files) return ADSE_E_USAGE;
    fprintf(f, "network:\n  name: ");
    yaml_str(f, net->name);
    fputc('\n', f);
    if (source) {
        fprintf(f, "  source: ");
        yaml_str(f, source);
        fputc('\n', f);
    }
    fprintf(f, "  layers:\n");
    for (int i = 0; i < net->n_layers; i++) {
        const adse_network_layer *l = &net->layers[i];
        fprintf(f, "    - name: ");
        yaml_str(f, l->name);
        fprintf(f, "\n      op: %s\n      problem: ", l->op);
        yaml_str(f, files[i]);
        fprintf(f, "\n      count: %" PRIu64 "\n      macs: %" PRIu64 "\n", l->count,
                adse_problem_macs(&l->problem));
    }
    uint64_t total = 0;
    if (adse_network_total_macs(net, &total)) fprintf(f, "  total_macs: %" PRIu64 "\n", total);
    if (net->n_skipped) {
        fprintf(f, "  not_modeled:\n");
        for (int i = 0; i < net->n_skipped; i++) {
            fprintf(f, "    ");
            yaml_str(f, net->skipped[i].op);
            fprintf(f, ": %" PRIu64 "\n", net->skipped[i].count);
        }
    }
    return io_status(f);
}

/* ---- a network mapped layer by layer ------------------------------------------------- */

adse_status adse_report_network_map_table(FILE *f, const adse_network *net,
                                          const adse_network_layer_result *res)
{
    if (!f || !net || !res) return ADSE_E_USAGE;
    adse_network_totals t;
    adse_network_totals_compute(net, res, &t);
    int wname = 5;
    for (int i = 0; i < net->n_layers; i++) {
        int len = (int)strlen(net->layers[i].name);
        if (len > wname) wname = len;
    }
    fprintf(f, "%4s  %-*s  %5s  %14s  %14s  %11s  %7s  %s\n", "#", wname, "layer", "count",
            "cycles", "energy (uJ)", "utilization", "energy", "optimal");
    for (int i = 0; i < net->n_layers; i++) {
        const adse_network_layer_result *r = &res[i];
        double share =
            t.energy_pj > 0 ? 100.0 * (double)net->layers[i].count * r->energy_pj / t.energy_pj : 0;
        fprintf(f, "%4d  %-*s  %5" PRIu64 "  %14" PRIu64 "  %14.3f  %10.1f%%  %6.1f%%  %s\n", i + 1,
                wname, net->layers[i].name, net->layers[i].count, r->cycles, r->energy_pj / 1e6,
                100.0 * r->utilization, share, r->optimal ? "yes" : "no");
    }
    adse__report_network_totals_line(f, &t);
    return io_status(f);
}

void adse__report_network_totals_line(FILE *f, const adse_network_totals *t)
{
    char a[32];
    fprintf(f,
            "total (count-weighted): cycles %" PRIu64 ", energy %.3f uJ, EDP %.4g J*cycle, "
            "utilization %.1f%%, %s MACs, %s\n",
            t->cycles, t->energy_pj / 1e6, t->edp, 100.0 * t->utilization,
            grouped(t->macs, a, sizeof a),
            t->optimal ? "every layer optimal" : "not every layer proven optimal");
}

void adse__report_network_json_members(adse__json *w, const adse_network *net,
                                       const adse_network_layer_result *res)
{
    adse_network_totals t;
    adse_network_totals_compute(net, res, &t);
    adse__json_key(w, "layers");
    adse__json_begin_array(w);
    for (int i = 0; i < net->n_layers; i++) {
        adse__json_begin_object(w);
        adse__json_kv_string(w, "name", net->layers[i].name);
        adse__json_kv_uint(w, "count", net->layers[i].count);
        adse__json_kv_uint(w, "cycles", res[i].cycles);
        adse__json_kv_double(w, "energy_pj", res[i].energy_pj);
        adse__json_kv_double(w, "utilization", res[i].utilization);
        adse__json_kv_uint(w, "macs", adse_problem_macs(&net->layers[i].problem));
        adse__json_kv_bool(w, "optimal", res[i].optimal);
        adse__json_end_object(w);
    }
    adse__json_end_array(w);
    adse__json_key(w, "total");
    adse__json_begin_object(w);
    adse__json_kv_uint(w, "cycles", t.cycles);
    adse__json_kv_double(w, "energy_pj", t.energy_pj);
    adse__json_kv_double(w, "edp", t.edp);
    adse__json_kv_uint(w, "macs", t.macs);
    adse__json_kv_double(w, "utilization", t.utilization);
    adse__json_end_object(w);
}

adse_status adse_report_network_map_json(FILE *f, const adse_network *net,
                                         const adse_network_layer_result *res, double seconds)
{
    if (!f || !net || !res) return ADSE_E_USAGE;
    adse__json w;
    adse__json_init(&w, f, 2);
    adse__json_begin_object(&w);
    adse__report_network_json_members(&w, net, res);
    adse__json_kv_double(&w, "seconds", seconds);
    adse__json_end_object(&w);
    return adse__json_finish(&w) ? ADSE_OK : ADSE_E_IO;
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

adse_status adse_report_network_map_csv(FILE *f, const adse_network *net,
                                        const adse_network_layer_result *res)
{
    if (!f || !net || !res) return ADSE_E_USAGE;
    adse_network_totals t;
    adse_network_totals_compute(net, res, &t);
    fprintf(f, "layer,op,count,macs,cycles,energy_pj,utilization,energy_share,optimal\n");
    for (int i = 0; i < net->n_layers; i++) {
        const adse_network_layer *l = &net->layers[i];
        csv_str(f, l->name);
        double share = t.energy_pj > 0 ? (double)l->count * res[i].energy_pj / t.energy_pj : 0;
        fprintf(f, ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.17g,%.17g,%.17g,%s\n", l->op,
                l->count, adse_problem_macs(&l->problem), res[i].cycles, res[i].energy_pj,
                res[i].utilization, share, res[i].optimal ? "true" : "false");
    }
    fprintf(f, "total,,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.17g,%.17g,1,%s\n",
            adse_network_layer_count(net), t.macs, t.cycles, t.energy_pj, t.utilization,
            t.optimal ? "true" : "false");
    return io_status(f);
}

/* ---- network.svg --------------------------------------------------------------------- */

static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
                                      "#393b79", "#637939", "#8c6d31", "#843c39"};

static adse_status write_svg(FILE *f, const adse_network *net, const adse_arch *arch,
                             const adse_result *const *results, double *v, char (*labels)[80],
                             const char **cats)
{
    int n = net->n_layers, n_lv = arch->n_levels;
    int n_stacks = 0;
    adse__svg_stack st[ADSE_MAX_LEVELS + 2];
    /* stack k's values at v + k * n; the cycles at v + (n_lv + 2) * n */
    double *cyc = v + (size_t)(n_lv + 2) * (size_t)n;
    double max_cycles = 0;
    bool any_net = false;
    for (int i = 0; i < n; i++) {
        double c = (double)net->layers[i].count;
        const adse_result *r = results[i];
        v[i] = c * r->mac_energy_pj / 1e6;
        for (int l = 0; l < n_lv; l++)
            v[(size_t)(l + 1) * (size_t)n + (size_t)i] = c * r->levels[l].energy_pj / 1e6;
        v[(size_t)(n_lv + 1) * (size_t)n + (size_t)i] = c * r->network_energy_pj / 1e6;
        any_net = any_net || r->network_energy_pj > 0;
        cyc[i] = c * (double)r->cycles;
        max_cycles = fmax(max_cycles, cyc[i]);
        /* "3. /layer1/layer1.0/conv2/Conv x3"; a long name keeps its end (where node names
           differ), so that the label stays within the figure's cut */
        const char *name = net->layers[i].name;
        size_t len = strlen(name);
        if (len > 40)
            snprintf(labels[i], sizeof labels[i], "%d. ...%s x%" PRIu64, i + 1, name + len - 37,
                     net->layers[i].count);
        else
            snprintf(labels[i], sizeof labels[i], "%d. %s x%" PRIu64, i + 1, name,
                     net->layers[i].count);
        cats[i] = labels[i];
    }
    st[n_stacks++] =
        (adse__svg_stack){arch->arith.name[0] ? arch->arith.name : "MACs", palette[0], v};
    for (int l = 0; l < n_lv; l++)
        st[n_stacks++] = (adse__svg_stack){arch->levels[l].name, palette[(l + 1) % 14],
                                           v + (size_t)(l + 1) * (size_t)n};
    if (any_net)
        st[n_stacks++] = (adse__svg_stack){"networks", palette[(n_lv + 1) % 14],
                                           v + (size_t)(n_lv + 1) * (size_t)n};
    double unit = max_cycles >= 1e6 ? 1e6 : max_cycles >= 1e3 ? 1e3 : 1;
    for (int i = 0; i < n; i++)
        cyc[i] /= unit;
    const char *cycles_label = unit == 1e6   ? "cycles (millions), all occurrences"
                               : unit == 1e3 ? "cycles (thousands), all occurrences"
                                             : "cycles, all occurrences";
    adse__svg_stack cs = {"cycles", "#555555", cyc};
    adse__svg_bar_panel panels[2] = {{"energy (uJ), all occurrences", st, n_stacks},
                                     {cycles_label, &cs, 1}};
    char title[ADSE_NAME_MAX + 64];
    snprintf(title, sizeof title, "adse map: %s, per distinct layer", net->name);
    bool ok =
        adse__svg_bars(f, title, "distinct layer (# as in the table, x count)", cats, n, panels, 2);
    return ok ? ADSE_OK : ADSE_E_IO;
}

adse_status adse_report_network_map_svg(FILE *f, const adse_network *net, const adse_arch *arch,
                                        const adse_result *const *results)
{
    if (!f || !net || !arch || !results) return ADSE_E_USAGE;
    size_t n = net->n_layers > 0 ? (size_t)net->n_layers : 1;
    double *v = calloc(n * (size_t)(arch->n_levels + 3), sizeof *v);
    char(*labels)[80] = calloc(n, sizeof *labels);
    const char **cats = calloc(n, sizeof *cats);
    adse_status st = ADSE_E_NOMEM;
    if (v && labels && cats) {
        /* '.' in every number whatever the host's locale (util/numtext.h) */
        adse__c_locale scope;
        adse__c_locale_enter(&scope);
        st = write_svg(f, net, arch, results, v, labels, cats);
        adse__c_locale_leave(&scope);
    }
    free(v);
    free(labels);
    free(cats);
    return st;
}
