/*
 * report/search_report.c: the outputs of `adse search` -- history.csv, report.md (the
 * poster's two tables), convergence.svg, the JSON document and the terminal summary.
 */
#include "adse/search_report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adse/report.h"
#include "report/report_internal.h"
#include "report/svg.h"
#include "util/json_writer.h"
#include "util/numtext.h"

static adse_status io_status(FILE *f)
{
    return ferror(f) ? ADSE_E_IO : ADSE_OK;
}

/* The shortest text that reads back as v (integral values as plain digits, as %.17g wrote
 * them: 1643520, not 1.64352e+06), or "" for a non-finite value (CSV). */
static void csv_num(FILE *f, double v)
{
    char buf[ADSE__NUM_BUF];
    if (isfinite(v)) fputs(adse__num_format(buf, sizeof buf, v, ADSE__NUM_INTEGER), f);
}

static void csv_text(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
    fputc('"', f);
}

static const adse_search_metric csv_metrics[] = {
    ADSE_SM_CYCLES, ADSE_SM_ENERGY, ADSE_SM_GFLOPS,      ADSE_SM_UTILIZATION,
    ADSE_SM_EDP,    ADSE_SM_AREA,   ADSE_SM_ONCHIP_BITS, ADSE_SM_PES};
static const char *const csv_metric_names[] = {"cycles", "energy_pj", "gflops",      "utilization",
                                               "edp",    "area_um2",  "onchip_bits", "pes"};
#define N_CSV_METRICS (int)(sizeof csv_metrics / sizeof csv_metrics[0])

/* A count (cycles, bits, PEs) as a JSON integer; a value no uint64 holds (a restored
 * checkpoint may carry any double) as a number, never an undefined conversion. */
static void json_count(adse__json *w, double v)
{
    if (v >= 0 && v < 18446744073709551616.0)
        adse__json_uint(w, (uint64_t)v);
    else
        adse__json_double(w, v);
}

static bool has_metric(const adse_search_design *d, adse_search_metric m)
{
    if (m == ADSE_SM_AREA || m == ADSE_SM_ONCHIP_BITS || m == ADSE_SM_PES)
        return d->status != ADSE_DESIGN_INVALID;
    return d->status == ADSE_DESIGN_OK;
}

void adse__search_csv_header(FILE *f, const adse_search *s)
{
    const adse_search_spec *sp = adse_search_get_spec(s);
    fputs("generation,index", f);
    for (int g = 0; g < sp->n_genes; g++)
        fprintf(f, ",%s", sp->genes[g].name);
    fputs(",status,feasible,loss", f);
    for (int m = 0; m < N_CSV_METRICS; m++)
        fprintf(f, ",%s", csv_metric_names[m]);
    fputs(",reason\n", f);
}

void adse__search_csv_row(FILE *f, const adse_search *s, const adse_search_design *d)
{
    const adse_search_spec *sp = adse_search_get_spec(s);
    fprintf(f, "%d,%d", d->generation, d->index);
    for (int g = 0; g < sp->n_genes; g++) {
        char buf[64];
        fprintf(f, ",%s", adse_search_format_gene(s, g, d->genes[g], buf, sizeof buf));
    }
    fprintf(f, ",%s,%d,", adse_design_status_name(d->status), d->status == ADSE_DESIGN_OK);
    csv_num(f, d->loss);
    for (int m = 0; m < N_CSV_METRICS; m++) {
        fputc(',', f);
        if (has_metric(d, csv_metrics[m])) csv_num(f, d->metrics[csv_metrics[m]]);
    }
    fputc(',', f);
    if (d->reason[0]) csv_text(f, d->reason);
    fputc('\n', f);
}

adse_status adse_report_search_history_csv(FILE *f, const adse_search *s)
{
    if (!f || !s) return ADSE_E_USAGE;
    adse__search_csv_header(f, s);
    for (int i = 0; i < adse_search_history_count(s); i++)
        adse__search_csv_row(f, s, adse_search_history_at(s, i));
    return io_status(f);
}

/* ---- JSON ---------------------------------------------------------------------------- */

void adse__search_json_design(adse__json *w, const adse_search *s, const adse_search_design *d)
{
    const adse_search_spec *sp = adse_search_get_spec(s);
    adse__json_begin_object(w);
    adse__json_key(w, "genes");
    adse__json_begin_object(w);
    for (int g = 0; g < sp->n_genes; g++) {
        if (sp->genes[g].attr == ADSE_GENE_MESH) {
            char buf[64];
            adse__json_kv_string(w, sp->genes[g].name,
                                 adse_search_format_gene(s, g, d->genes[g], buf, sizeof buf));
        } else {
            adse__json_kv_double(w, sp->genes[g].name, d->genes[g]);
        }
    }
    adse__json_end_object(w);
    adse__json_key(w, "metrics");
    adse__json_begin_object(w);
    for (int m = 0; m < N_CSV_METRICS; m++) {
        adse__json_key(w, csv_metric_names[m]);
        if (!has_metric(d, csv_metrics[m]))
            adse__json_null(w);
        else if (csv_metrics[m] == ADSE_SM_CYCLES || csv_metrics[m] == ADSE_SM_ONCHIP_BITS ||
                 csv_metrics[m] == ADSE_SM_PES)
            json_count(w, d->metrics[csv_metrics[m]]);
        else
            adse__json_double(w, d->metrics[csv_metrics[m]]);
    }
    adse__json_end_object(w);
    adse__json_kv_double(w, "loss", d->loss);
    adse__json_kv_string(w, "status", adse_design_status_name(d->status));
    if (d->reason[0]) adse__json_kv_string(w, "reason", d->reason);
    adse__json_end_object(w);
}

/* A network workload's figures of design d: {"layers": [...], "total": {...}} as `adse map
 * --json` on the network writes them, or null when they were not kept. */
static void json_network_design(adse__json *w, const adse_search *s, const adse_search_design *d)
{
    const adse_network_layer_result *res = d ? adse_search_layer_results(s, d) : NULL;
    if (!res) {
        adse__json_null(w);
        return;
    }
    adse__json_begin_object(w);
    adse__report_network_json_members(w, adse_search_network(s), res);
    adse__json_end_object(w);
}

/* "network": the workload's name, size and the baseline's and best design's per-layer
 * figures and totals (a network workload only). */
static void json_network(adse__json *w, const adse_search *s)
{
    const adse_network *net = adse_search_network(s);
    if (!net) return;
    adse__json_key(w, "network");
    adse__json_begin_object(w);
    adse__json_kv_string(w, "name", net->name);
    adse__json_kv_int(w, "distinct_layers", net->n_layers);
    adse__json_kv_uint(w, "compute_nodes", adse_network_layer_count(net));
    adse__json_key(w, "baseline");
    json_network_design(w, s, adse_search_baseline(s));
    adse__json_key(w, "best");
    json_network_design(w, s, adse_search_best(s));
    adse__json_end_object(w);
}

adse_status adse_report_search_json(FILE *f, const adse_search *s)
{
    if (!f || !s) return ADSE_E_USAGE;
    const adse_search_spec *sp = adse_search_get_spec(s);
    adse__json w;
    adse__json_init(&w, f, 2);
    adse__json_begin_object(&w);
    adse__json_key(&w, "baseline");
    if (adse_search_baseline(s))
        adse__search_json_design(&w, s, adse_search_baseline(s));
    else
        adse__json_null(&w);
    adse__json_key(&w, "best");
    if (adse_search_best(s))
        adse__search_json_design(&w, s, adse_search_best(s));
    else
        adse__json_null(&w);
    adse__json_key(&w, "references");
    adse__json_begin_array(&w);
    for (int i = 0; i < sp->n_refs; i++) {
        const adse_search_design *d = adse_search_reference(s, i);
        if (!d) continue;
        adse__json_begin_object(&w);
        adse__json_kv_string(&w, "name", sp->refs[i].name);
        adse__json_key(&w, "design");
        adse__search_json_design(&w, s, d);
        adse__json_end_object(&w);
    }
    adse__json_end_array(&w);
    if (adse_search_objective_count(s)) adse__pareto_json(&w, s);
    json_network(&w, s);
    adse_search_counters c = adse_search_get_counters(s);
    adse__json_kv_uint(&w, "evaluations", c.evaluations);
    adse__json_kv_uint(&w, "cache_hits", c.cache_hits);
    adse__json_kv_uint(&w, "rejected", c.rejected);
    adse__json_kv_uint(&w, "over_budget", c.over_budget);
    adse__json_kv_uint(&w, "invalid", c.invalid);
    adse__json_kv_uint(&w, "no_mapping", c.no_mapping);
    adse__json_kv_double(&w, "seconds", c.seconds);
    adse__json_kv_uint(&w, "seed", adse_search_seed(s));
    adse__json_kv_int(&w, "threads", adse_search_threads(s));
    adse__json_key(&w, "generations");
    adse__json_begin_array(&w);
    for (int g = 0; g < adse_search_generation_count(s); g++) {
        const adse_search_generation *gs = adse_search_generation_at(s, g);
        adse__json_begin_object(&w);
        adse__json_kv_double(&w, "best_loss", gs->best_loss);
        adse__json_kv_double(&w, "mean_loss", gs->mean_loss);
        adse__json_kv_int(&w, "feasible", gs->n_feasible);
        adse__json_kv_int(&w, "new", gs->n_new);
        adse__json_kv_int(&w, "cached", gs->n_cached);
        adse__json_end_object(&w);
    }
    adse__json_end_array(&w);
    adse__json_end_object(&w);
    return adse__json_finish(&w) ? ADSE_OK : ADSE_E_IO;
}

/* ---- report.md ----------------------------------------------------------------------- */

/* Thousands separators for an integer-valued number. */
static const char *grouped(double v, char *buf, size_t size)
{
    char raw[48];
    snprintf(raw, sizeof raw, "%.0f", v);
    size_t n = strlen(raw), o = 0;
    size_t start = raw[0] == '-';
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        buf[o++] = raw[i];
        size_t left = n - 1 - i;
        if (i >= start && left && left % 3 == 0) buf[o++] = ',';
    }
    buf[o] = 0;
    return buf;
}

typedef struct column {
    const char *title;
    const adse_search_design *d;
} column;

static void md_ratio(FILE *f, double v, double base)
{
    if (isfinite(v) && isfinite(base) && base != 0)
        fprintf(f, " %.3fx |", v / base);
    else
        fputs(" - |", f);
}

static void metric_cell(FILE *f, const adse_search_design *d, int row)
{
    char buf[64];
    if (d->status != ADSE_DESIGN_OK && row < 5) {
        fputs(" - |", f);
        return;
    }
    const double *m = d->metrics;
    switch (row) {
    case 0: fprintf(f, " %.2f |", m[ADSE_SM_GFLOPS]); break;
    case 1: fprintf(f, " %.2f |", 100 * m[ADSE_SM_UTILIZATION]); break;
    case 2: fprintf(f, " %s |", grouped(m[ADSE_SM_CYCLES], buf, sizeof buf)); break;
    case 3: fprintf(f, " %.2f |", m[ADSE_SM_ENERGY] / 1e6); break;
    case 4: fprintf(f, " %.1f |", m[ADSE_SM_EDP]); break;
    case 5: fprintf(f, " %.4f |", m[ADSE_SM_AREA] / 1e6); break;
    case 6: fprintf(f, " %s |", grouped(m[ADSE_SM_ONCHIP_BITS], buf, sizeof buf)); break;
    default:
        if (isfinite(d->loss))
            fprintf(f, " %.6f |", d->loss);
        else
            fputs(" - |", f);
    }
}

static double row_value(const adse_search_design *d, int row)
{
    static const adse_search_metric map[] = {
        ADSE_SM_GFLOPS, ADSE_SM_UTILIZATION, ADSE_SM_CYCLES,     ADSE_SM_ENERGY,
        ADSE_SM_EDP,    ADSE_SM_AREA,        ADSE_SM_ONCHIP_BITS};
    if (row >= 7) return NAN;
    if (d->status != ADSE_DESIGN_OK && row < 5) return NAN;
    return d->metrics[map[row]];
}

/* "depth x width" pairs of the same component, as the poster's Table 1 writes them. */
static int paired_gene(const adse_search_spec *sp, int g)
{
    const adse_search_gene *a = &sp->genes[g];
    if (a->attr != ADSE_GENE_DEPTH) return -1;
    for (int k = 0; k < sp->n_genes; k++)
        if (sp->genes[k].attr == ADSE_GENE_WIDTH &&
            strcmp(sp->genes[k].component, a->component) == 0)
            return k;
    return -1;
}

static bool is_paired_width(const adse_search_spec *sp, int g)
{
    for (int k = 0; k < sp->n_genes; k++)
        if (paired_gene(sp, k) == g) return true;
    return false;
}

/* The title, loss, budgets, GA settings and run counters. */
static void md_header(FILE *f, const adse_search *s)
{
    const adse_search_spec *sp = adse_search_get_spec(s);
    adse_search_counters c = adse_search_get_counters(s);
    fprintf(f, "# adse search: %s\n\n", sp->path);
    if (sp->n_objectives) {
        fputs("Objectives (minimised together):", f);
        for (int k = 0; k < sp->n_objectives; k++)
            fprintf(f, "%s `%s`", k ? "," : "", sp->objectives[k].expr.text);
        fputs(".\n\n", f);
    } else {
        fprintf(f, "Loss (minimised): `%s`.\n\n", sp->loss.text);
    }
    fputs("Budgets:", f);
    bool any = false;
    for (int b = 0; b < ADSE_BUDGET_COUNT; b++) {
        if (!sp->budgets[b].set) continue;
        fprintf(f, "%s %s <= %.17g%s", any ? "," : "",
                adse_search_budget_info((adse_search_budget_id)b)->label,
                adse_search_budget_limit(s, (adse_search_budget_id)b),
                sp->budgets[b].of_baseline ? " (from the baseline)" : "");
        any = true;
    }
    fprintf(f, "%s.\n\n", any ? "" : " none");
    const adse_ga_settings *ga = &sp->ga;
    if (ga->algorithm == ADSE_ALGO_GA)
        fprintf(f,
                "Genetic algorithm: population %d, generations %d, parents %d, elite %d, mutation "
                "%g, %s crossover, seed %" PRIu64 ".\n\n",
                ga->population, ga->generations, ga->parents, ga->elite, ga->mutation,
                ga->crossover == ADSE_CROSSOVER_UNIFORM ? "uniform" : "no", adse_search_seed(s));
    else if (ga->algorithm == ADSE_ALGO_NSGA2)
        fprintf(f,
                "NSGA-II: population %d, generations %d, mutation %g, %s crossover, binary "
                "tournaments, seed %" PRIu64 ".\n\n",
                ga->population, ga->generations, ga->mutation,
                ga->crossover == ADSE_CROSSOVER_UNIFORM ? "uniform" : "no", adse_search_seed(s));
    else
        fprintf(f,
                "Random search: %d generations of %d designs drawn uniformly under the budgets, "
                "seed %" PRIu64 ".\n\n",
                ga->generations, ga->population, adse_search_seed(s));
    fprintf(f,
            "Run: %" PRIu64 " designs mapped, %" PRIu64 " cache hits, %" PRIu64
            " draws rejected by a budget or an impossible geometry (redrawn), %" PRIu64
            " designs without a valid mapping, %" PRIu64 " kept over budget, %.1f s on %d "
            "threads. Every design, the baseline included, is mapped by adse's mapper under the "
            "same constraints and priced by the same estimator.\n\n",
            c.evaluations, c.cache_hits, c.rejected, c.no_mapping, c.over_budget, c.seconds,
            adse_search_threads(s));
}

/* Table 1: the parameters of each column's design. */
static void md_parameters(FILE *f, const adse_search *s, const column *cols, int nc)
{
    const adse_search_spec *sp = adse_search_get_spec(s);
    fputs("## Table 1: parameters\n\n| Design spec |", f);
    for (int k = 0; k < nc; k++)
        fprintf(f, " %s |", cols[k].title);
    fputs("\n|---|", f);
    for (int k = 0; k < nc; k++)
        fputs("---|", f);
    fputc('\n', f);
    for (int g = 0; g < sp->n_genes; g++) {
        if (is_paired_width(sp, g)) continue;
        int pw = paired_gene(sp, g);
        const adse_search_gene *gn = &sp->genes[g];
        if (gn->attr == ADSE_GENE_MESH)
            fprintf(f, "| %s (meshX x meshY) |", gn->name);
        else if (pw >= 0)
            fprintf(f, "| %s (depth x width) |", gn->component);
        else
            fprintf(f, "| %s |", gn->name);
        for (int k = 0; k < nc; k++) {
            char a[64], b[64];
            adse_search_format_gene(s, g, cols[k].d->genes[g], a, sizeof a);
            if (pw >= 0)
                fprintf(f, " %s x %s |", a,
                        adse_search_format_gene(s, pw, cols[k].d->genes[pw], b, sizeof b));
            else
                fprintf(f, " %s |", a);
        }
        fputc('\n', f);
    }
}

/* Table 2: the metrics of each column, and the ratios to the baseline. */
static void md_metrics(FILE *f, const column *cols, int nc, const adse_search_design *base,
                       bool loss_row)
{
    fputs("\n## Table 2: metrics\n\n| Metric |", f);
    for (int k = 0; k < nc; k++) {
        fprintf(f, " %s |", cols[k].title);
        if (k > 0) fprintf(f, " %s / baseline |", cols[k].title);
    }
    fputs("\n|---|", f);
    for (int k = 0; k < nc; k++)
        fputs(k > 0 ? "---|---|" : "---|", f);
    fputc('\n', f);
    static const char *const rows[] = {
        "GFLOPs (@1 GHz)", "Utilization (%)", "Cycles",       "Energy (uJ)",
        "EDP (J x cycle)", "Area (mm^2)",     "On-chip bits", "Loss"};
    for (int r = 0; r < (loss_row ? 8 : 7); r++) {
        fprintf(f, "| %s |", rows[r]);
        for (int k = 0; k < nc; k++) {
            metric_cell(f, cols[k].d, r);
            if (k > 0) {
                if (r < 7)
                    md_ratio(f, row_value(cols[k].d, r), row_value(base, r));
                else
                    fputs(" - |", f);
            }
        }
        fputc('\n', f);
    }
    for (int k = 1; k < nc; k++)
        if (cols[k].d->status != ADSE_DESIGN_OK)
            fprintf(f, "\n%s: %s (%s).\n", cols[k].title,
                    adse_design_status_name(cols[k].d->status), cols[k].d->reason);
}

/* The convergence plot and the per-generation table. */
static void md_convergence(FILE *f, const adse_search *s, const char *svg_name)
{
    if (svg_name)
        fprintf(f, "\n## Convergence\n\n![best and mean loss per generation](%s)\n", svg_name);
    fputs("\n| Generation | Best loss | Mean loss (feasible) | Feasible | New | Cached |\n"
          "|---|---|---|---|---|---|\n",
          f);
    for (int g = 0; g < adse_search_generation_count(s); g++) {
        const adse_search_generation *gs = adse_search_generation_at(s, g);
        fprintf(f, "| %d | ", g);
        if (isfinite(gs->best_loss))
            fprintf(f, "%.6f", gs->best_loss);
        else
            fputs("-", f);
        fputs(" | ", f);
        if (isfinite(gs->mean_loss))
            fprintf(f, "%.6f", gs->mean_loss);
        else
            fputs("-", f);
        fprintf(f, " | %d | %d | %d |\n", gs->n_feasible, gs->n_new, gs->n_cached);
    }
}

/* A network workload: the network totals of the baseline and the best design, and the
 * best design's per-layer table, as `adse map` on the network prints them. */
static void md_network(FILE *f, const adse_search *s)
{
    const adse_network *net = adse_search_network(s);
    if (!net) return;
    uint64_t macs = 0;
    fprintf(f, "\n## Network: %s\n\nWorkload: %d distinct layers, %" PRIu64 " compute nodes",
            net->name, net->n_layers, adse_network_layer_count(net));
    if (adse_network_total_macs(net, &macs)) {
        char buf[64];
        fprintf(f, ", %s MACs", grouped((double)macs, buf, sizeof buf));
    }
    fputs(". Cycles, energy, EDP, utilization and GFLOPs above are the network's count-weighted "
          "totals, as `adse map` on the network computes them.\n\n",
          f);
    const adse_search_design *ds[2] = {adse_search_baseline(s), adse_search_best(s)};
    const char *names[2] = {"Baseline", "Best (GA)"};
    for (int k = 0; k < 2; k++) {
        const adse_network_layer_result *res = ds[k] ? adse_search_layer_results(s, ds[k]) : NULL;
        if (!res) continue;
        adse_network_totals t;
        adse_network_totals_compute(net, res, &t);
        fprintf(f, "- %s: ", names[k]);
        adse__report_network_totals_line(f, &t);
    }
    const adse_network_layer_result *best = ds[1] ? adse_search_layer_results(s, ds[1]) : NULL;
    if (best) {
        fputs("\nPer-layer results of the best design (cycles and energy of one occurrence; "
              "energy share of the total):\n\n```text\n",
              f);
        adse_report_network_map_table(f, net, best);
        fputs("```\n", f);
    }
}

static adse_status write_md(FILE *f, const adse_search *s, const char *svg_name)
{
    if (!f || !s) return ADSE_E_USAGE;
    const adse_search_spec *sp = adse_search_get_spec(s);
    const adse_search_design *base = adse_search_baseline(s);
    const adse_search_design *best = adse_search_best(s);
    if (!base) return ADSE_E_USAGE;
    column cols[1 + ADSE_SEARCH_MAX_OBJECTIVES + ADSE_SEARCH_MAX_REFS];
    char titles[ADSE_SEARCH_MAX_OBJECTIVES][ADSE_NAME_MAX + 16];
    int nc = 0;
    cols[nc++] = (column){"Baseline", base};
    if (sp->n_objectives) {
        /* the front's extremes: its design with the lowest value of each objective */
        for (int k = 0; k < sp->n_objectives; k++) {
            const adse_search_design *d = adse__pareto_lowest(s, k);
            snprintf(titles[k], sizeof titles[k], "Lowest %s", sp->objectives[k].name);
            if (d) cols[nc++] = (column){titles[k], d};
        }
    } else if (best) {
        cols[nc++] = (column){"Best (GA)", best};
    }
    for (int i = 0; i < sp->n_refs; i++)
        if (adse_search_reference(s, i))
            cols[nc++] = (column){sp->refs[i].name, adse_search_reference(s, i)};
    md_header(f, s);
    md_parameters(f, s, cols, nc);
    md_metrics(f, cols, nc, base, !sp->n_objectives);
    md_network(f, s);
    if (sp->n_objectives) {
        adse_status st = adse__pareto_md(f, s, svg_name != NULL);
        if (st) return st;
    } else {
        md_convergence(f, s, svg_name);
    }
    return io_status(f);
}

adse_status adse_report_search_md(FILE *f, const adse_search *s, const char *svg_name)
{
    /* '.' in every number whatever the host's locale (util/numtext.h) */
    adse__c_locale scope;
    adse__c_locale_enter(&scope);
    adse_status st = write_md(f, s, svg_name);
    adse__c_locale_leave(&scope);
    return st;
}

/* ---- convergence.svg ----------------------------------------------------------------- */

adse_status adse_report_search_svg(FILE *f, const adse_search *s)
{
    if (!f || !s) return ADSE_E_USAGE;
    int n = adse_search_generation_count(s);
    double *x = malloc((size_t)(n > 0 ? n : 1) * 3 * sizeof *x);
    if (!x) return ADSE_E_NOMEM;
    double *best = x + n, *mean = x + 2 * n;
    for (int g = 0; g < n; g++) {
        const adse_search_generation *gs = adse_search_generation_at(s, g);
        x[g] = g;
        best[g] = gs->best_loss;
        mean[g] = gs->mean_loss;
    }
    /* two panels: the best loss has a far smaller range than the mean of a generation */
    adse__svg_series sb = {"best loss", "#d62728", x, best, n};
    adse__svg_series sm = {"mean loss (feasible)", "#1f77b4", x, mean, n};
    adse__svg_panel panels[2] = {{"best loss", &sb, 1}, {"mean loss", &sm, 1}};
    adse__c_locale scope;
    adse__c_locale_enter(&scope);
    bool ok = adse__svg_plot(f, "adse search: loss per generation", "generation", panels, 2);
    adse__c_locale_leave(&scope);
    free(x);
    return ok ? ADSE_OK : ADSE_E_IO;
}

/* ---- terminal summary ---------------------------------------------------------------- */

static adse_status write_summary(FILE *f, const adse_search *s)
{
    if (!f || !s) return ADSE_E_USAGE;
    const adse_search_spec *sp = adse_search_get_spec(s);
    const adse_search_design *base = adse_search_baseline(s);
    const adse_search_design *best = adse_search_best(s);
    adse_search_counters c = adse_search_get_counters(s);
    char buf[64];
    /* with objectives: the baseline and the front's two ends (lowest first and second
     * objective), and the area a loss has no use for in place of the loss */
    bool mo = sp->n_objectives > 0;
    const adse_search_design *ds[3] = {base, mo ? adse__pareto_lowest(s, 0) : best,
                                       mo ? adse__pareto_lowest(s, 1) : NULL};
    const char *names[3] = {"baseline", mo ? "lowest 1" : "best", "lowest 2"};
    for (int k = 0; k < (mo ? 3 : 2); k++) {
        const adse_search_design *d = ds[k];
        if (!d) {
            fprintf(f, "%-9s no feasible design\n", names[k]);
            continue;
        }
        fprintf(f, "%-9s", names[k]);
        for (int g = 0; g < sp->n_genes; g++)
            fprintf(f, " %s=%s", sp->genes[g].name,
                    adse_search_format_gene(s, g, d->genes[g], buf, sizeof buf));
        fputc('\n', f);
        fprintf(f,
                "          cycles %s | energy %.2f uJ | GFLOPs %.2f | utilization %.2f%% | EDP "
                "%.1f | ",
                grouped(d->metrics[ADSE_SM_CYCLES], buf, sizeof buf),
                d->metrics[ADSE_SM_ENERGY] / 1e6, d->metrics[ADSE_SM_GFLOPS],
                100 * d->metrics[ADSE_SM_UTILIZATION], d->metrics[ADSE_SM_EDP]);
        if (mo)
            fprintf(f, "area %.4f mm^2\n", d->metrics[ADSE_SM_AREA] / 1e6);
        else
            fprintf(f, "loss %.6f\n", d->loss);
    }
    if (mo) {
        int *tmp = malloc((size_t)(adse_search_history_count(s) + 1) * sizeof *tmp);
        int nf = tmp ? adse_search_pareto(s, -1, tmp) : -1;
        free(tmp);
        fprintf(f, "front     %d designs (lowest 1, 2: of %s, of %s), hypervolume %.6g\n", nf,
                sp->objectives[0].name, sp->objectives[1].name, adse_search_hypervolume(s, -1));
    }
    fprintf(f,
            "%d generations, %" PRIu64 " designs mapped, %" PRIu64 " cache hits, %" PRIu64
            " rejected draws, %" PRIu64 " without mapping, %.1f s\n",
            adse_search_generation_count(s), c.evaluations, c.cache_hits, c.rejected, c.no_mapping,
            c.seconds);
    return io_status(f);
}

adse_status adse_report_search_summary(FILE *f, const adse_search *s)
{
    /* '.' in every number whatever the host's locale (util/numtext.h) */
    adse__c_locale scope;
    adse__c_locale_enter(&scope);
    adse_status st = write_summary(f, s);
    adse__c_locale_leave(&scope);
    return st;
}
