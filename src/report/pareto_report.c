/*
 * report/pareto_report.c: the outputs of a multi-objective search (docs/search.md section
 * 11) -- pareto.csv, pareto.svg, hypervolume.svg, report.md's front and hypervolume
 * sections and the "pareto" members of the --json document.
 */
#include "adse/search_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "report/svg.h"
#include "util/json_writer.h"
#include "util/numtext.h"

/* ---- the front ----------------------------------------------------------------------- */

/* The front as history indices sorted by the objectives in order (then by history order):
 * *out is malloc'd; returns the count, -1 when out of memory. */
static int sorted_front(const adse_search *s, int **out)
{
    int n = adse_search_history_count(s);
    int *idx = malloc((size_t)(n + 1) * sizeof *idx);
    *out = idx;
    if (!idx) return -1;
    int nf = adse_search_pareto(s, -1, idx);
    int k = adse_search_objective_count(s);
    for (int i = 1; i < nf; i++) { /* insertion sort: stable, the front is small */
        int v = idx[i], j = i - 1;
        const double *ov = adse_search_history_at(s, v)->objectives;
        for (; j >= 0; j--) {
            const double *oj = adse_search_history_at(s, idx[j])->objectives;
            int c = 0;
            for (int q = 0; q < k && !c; q++)
                c = oj[q] > ov[q] ? 1 : oj[q] < ov[q] ? -1 : 0;
            if (c <= 0) break;
            idx[j + 1] = idx[j];
        }
        idx[j + 1] = v;
    }
    return nf;
}

const adse_search_design *adse__pareto_lowest(const adse_search *s, int k)
{
    int *idx = NULL;
    int nf = sorted_front(s, &idx);
    const adse_search_design *best = NULL;
    for (int i = 0; i < nf; i++) {
        const adse_search_design *d = adse_search_history_at(s, idx[i]);
        if (!best || d->objectives[k] < best->objectives[k]) best = d;
    }
    free(idx);
    return best;
}

/* The first design of the sorted front that dominates d (no worse in every objective,
 * better in one), as its position; -1 when none does. */
static int dominated_by(const adse_search *s, const int *front, int nf, const adse_search_design *d)
{
    int k = adse_search_objective_count(s);
    if (d->status != ADSE_DESIGN_OK) return -1;
    for (int i = 0; i < nf; i++) {
        const double *a = adse_search_history_at(s, front[i])->objectives;
        bool no_worse = true, better = false;
        for (int q = 0; q < k; q++) {
            no_worse &= a[q] <= d->objectives[q];
            better |= a[q] < d->objectives[q];
        }
        if (no_worse && better) return i;
    }
    return -1;
}

/* An objective's axis label and the factor from its value to the axis unit. */
static double objective_axis(const adse_search_spec *sp, int k, char *label, size_t size)
{
    const adse_search_objective *o = &sp->objectives[k];
    switch (o->metric) {
    case ADSE_SM_CYCLES: snprintf(label, size, "cycles"); return 1;
    case ADSE_SM_ENERGY: snprintf(label, size, "energy (uJ)"); return 1e-6;
    case ADSE_SM_EDP: snprintf(label, size, "EDP (J x cycle)"); return 1;
    case ADSE_SM_AREA: snprintf(label, size, "area (mm^2)"); return 1e-6;
    case ADSE_SM_ONCHIP_BITS: snprintf(label, size, "on-chip bits (kbit)"); return 1e-3;
    default: snprintf(label, size, "%.40s = %.80s", o->name, o->expr.text); return 1;
    }
}

/* ---- pareto.csv ---------------------------------------------------------------------- */

adse_status adse_report_search_pareto_csv(FILE *f, const adse_search *s)
{
    if (!f || !s || !adse_search_objective_count(s)) return ADSE_E_USAGE;
    int *idx = malloc((size_t)(adse_search_history_count(s) + 1) * sizeof *idx);
    if (!idx) return ADSE_E_NOMEM;
    int nf = adse_search_pareto(s, -1, idx);
    adse__search_csv_header(f, s);
    for (int i = 0; i < nf; i++)
        adse__search_csv_row(f, s, adse_search_history_at(s, idx[i]));
    free(idx);
    if (nf < 0) return ADSE_E_NOMEM;
    return ferror(f) ? ADSE_E_IO : ADSE_OK;
}

/* ---- pareto.svg ---------------------------------------------------------------------- */

#define MAX_MARKS (1 + ADSE_SEARCH_MAX_REFS)

static const char *const mark_colors[MAX_MARKS] = {"#1f77b4", "#2ca02c", "#9467bd",
                                                   "#ff7f0e", "#8c564b", "#e377c2",
                                                   "#17becf", "#bcbd22", "#7f7f7f"};

static adse_status write_pareto_svg(FILE *f, const adse_search *s)
{
    const adse_search_spec *sp = adse_search_get_spec(s);
    int k = sp->n_objectives, n = adse_search_history_count(s);
    int *front = NULL;
    int nf = sorted_front(s, &front);
    /* per objective: the feasible designs, the front, the baseline and references */
    int n_feas = 0;
    double *all = malloc((size_t)(n + 1) * (size_t)k * sizeof *all);
    double *fr = malloc((size_t)(nf > 0 ? nf : 1) * (size_t)k * sizeof *fr);
    double marks[MAX_MARKS][ADSE_SEARCH_MAX_OBJECTIVES];
    const char *mark_names[MAX_MARKS];
    int n_marks = 0;
    if (nf < 0 || !all || !fr) {
        free(front);
        free(all);
        free(fr);
        return ADSE_E_NOMEM;
    }
    double scale[ADSE_SEARCH_MAX_OBJECTIVES];
    char labels[ADSE_SEARCH_MAX_OBJECTIVES][160];
    for (int q = 0; q < k; q++)
        scale[q] = objective_axis(sp, q, labels[q], sizeof labels[q]);
    for (int i = 0; i < n; i++) {
        const adse_search_design *d = adse_search_history_at(s, i);
        if (d->status != ADSE_DESIGN_OK) continue;
        for (int q = 0; q < k; q++)
            all[(size_t)q * (size_t)n + (size_t)n_feas] = d->objectives[q] * scale[q];
        n_feas++;
    }
    for (int i = 0; i < nf; i++)
        for (int q = 0; q < k; q++)
            fr[(size_t)q * (size_t)nf + (size_t)i] =
                adse_search_history_at(s, front[i])->objectives[q] * scale[q];
    const adse_search_design *base = adse_search_baseline(s);
    if (base && base->status == ADSE_DESIGN_OK) {
        mark_names[n_marks] = "baseline";
        for (int q = 0; q < k; q++)
            marks[n_marks][q] = base->objectives[q] * scale[q];
        n_marks++;
    }
    for (int r = 0; r < sp->n_refs; r++) {
        const adse_search_design *d = adse_search_reference(s, r);
        if (!d || d->status != ADSE_DESIGN_OK) continue;
        mark_names[n_marks] = sp->refs[r].name;
        for (int q = 0; q < k; q++)
            marks[n_marks][q] = d->objectives[q] * scale[q];
        n_marks++;
    }
    /* one panel per pair of objectives: (0, 1), or (0, 1), (0, 2), (1, 2) */
    static const int pairs[3][2] = {{0, 1}, {0, 2}, {1, 2}};
    int n_panels = k == 2 ? 1 : 3;
    adse__svg_scatter_panel panels[3];
    adse__svg_points sets[3][2 + MAX_MARKS];
    double mx[3][MAX_MARKS], my[3][MAX_MARKS];
    const char *mlabel[MAX_MARKS][1];
    char front_name[64], all_name[64];
    snprintf(front_name, sizeof front_name, "front (%d)", nf);
    snprintf(all_name, sizeof all_name, "evaluated (%d)", n_feas);
    for (int p = 0; p < n_panels; p++) {
        int a = pairs[p][0], b = pairs[p][1], ns = 0;
        /* the axes show the front and the marks, and as much beyond as their own span:
         * far worse designs would squeeze the front into a corner */
        double lim[2];
        for (int t = 0; t < 2; t++) {
            int q = t ? b : a;
            double lo = INFINITY, hi = -INFINITY;
            for (int i = 0; i < n_feas; i++)
                lo = fmin(lo, all[(size_t)q * (size_t)n + (size_t)i]);
            for (int i = 0; i < nf; i++)
                hi = fmax(hi, fr[(size_t)q * (size_t)nf + (size_t)i]);
            for (int m = 0; m < n_marks; m++)
                hi = fmax(hi, marks[m][q]);
            lim[t] = isfinite(lo) && isfinite(hi) ? hi + (hi - lo) : NAN;
        }
        sets[p][ns++] = (adse__svg_points){all_name,
                                           "#c8c8c8",
                                           &all[(size_t)a * (size_t)n],
                                           &all[(size_t)b * (size_t)n],
                                           n_feas,
                                           ADSE__SVG_DOTS,
                                           NULL};
        sets[p][ns++] = (adse__svg_points){front_name,
                                           "#d62728",
                                           &fr[(size_t)a * (size_t)(nf > 0 ? nf : 1)],
                                           &fr[(size_t)b * (size_t)(nf > 0 ? nf : 1)],
                                           nf,
                                           k == 2 ? ADSE__SVG_FRONT : ADSE__SVG_HIGHLIGHT,
                                           NULL};
        for (int m = 0; m < n_marks; m++) {
            mx[p][m] = marks[m][a];
            my[p][m] = marks[m][b];
            mlabel[m][0] = mark_names[m];
            sets[p][ns++] = (adse__svg_points){
                mark_names[m], mark_colors[m], &mx[p][m], &my[p][m], 1, ADSE__SVG_MARKS, mlabel[m]};
        }
        panels[p] = (adse__svg_scatter_panel){labels[a], labels[b], lim[0], lim[1], sets[p], ns};
    }
    char title[3 * ADSE_NAME_MAX + 32];
    snprintf(title, sizeof title, "adse search: %s vs %s%s%s", sp->objectives[0].name,
             sp->objectives[1].name, k == 3 ? " vs " : "", k == 3 ? sp->objectives[2].name : "");
    bool ok = adse__svg_scatter(f, title, panels, n_panels);
    free(front);
    free(all);
    free(fr);
    return ok ? ADSE_OK : ADSE_E_IO;
}

adse_status adse_report_search_pareto_svg(FILE *f, const adse_search *s)
{
    if (!f || !s || !adse_search_objective_count(s)) return ADSE_E_USAGE;
    adse__c_locale scope;
    adse__c_locale_enter(&scope);
    adse_status st = write_pareto_svg(f, s);
    adse__c_locale_leave(&scope);
    return st;
}

/* ---- hypervolume.svg ----------------------------------------------------------------- */

adse_status adse_report_search_hypervolume_svg(FILE *f, const adse_search *s)
{
    if (!f || !s || !adse_search_objective_count(s)) return ADSE_E_USAGE;
    int n = adse_search_generation_count(s);
    double *x = malloc((size_t)(n > 0 ? n : 1) * 2 * sizeof *x);
    if (!x) return ADSE_E_NOMEM;
    double *hv = x + n;
    for (int g = 0; g < n; g++) {
        x[g] = g;
        hv[g] = adse_search_hypervolume(s, g);
    }
    adse__svg_series sr = {"front so far", "#d62728", x, hv, n};
    adse__svg_panel panel = {"hypervolume (baseline-normalised objectives)", &sr, 1};
    adse__c_locale scope;
    adse__c_locale_enter(&scope);
    bool ok = adse__svg_plot(f, "adse search: hypervolume per generation", "generation", &panel, 1);
    adse__c_locale_leave(&scope);
    free(x);
    return ok ? ADSE_OK : ADSE_E_IO;
}

/* ---- report.md ----------------------------------------------------------------------- */

/* The sentence on design d (the baseline or a reference) against the front. */
static void md_dominance(FILE *f, const adse_search *s, const int *front, int nf, const char *name,
                         const adse_search_design *d)
{
    const adse_search_spec *sp = adse_search_get_spec(s);
    if (d->status != ADSE_DESIGN_OK) {
        fprintf(f, "* %s: %s, not comparable.\n", name, adse_design_status_name(d->status));
        return;
    }
    int i = dominated_by(s, front, nf, d);
    if (i < 0) {
        fprintf(f, "* %s: not dominated by any evaluated design.\n", name);
        return;
    }
    const adse_search_design *a = adse_search_history_at(s, front[i]);
    fprintf(f, "* %s: dominated by front design %d (", name, i + 1);
    for (int q = 0; q < sp->n_objectives; q++)
        fprintf(f, "%s%s %.3fx", q ? ", " : "", sp->objectives[q].name,
                a->objectives[q] / d->objectives[q]);
    fputs(" of its values).\n", f);
}

adse_status adse__pareto_md(FILE *f, const adse_search *s, bool link_svgs)
{
    const adse_search_spec *sp = adse_search_get_spec(s);
    int k = sp->n_objectives;
    int *front = NULL;
    int nf = sorted_front(s, &front);
    if (nf < 0) return ADSE_E_NOMEM;
    int n_feas = 0;
    for (int i = 0; i < adse_search_history_count(s); i++)
        n_feas += adse_search_history_at(s, i)->status == ADSE_DESIGN_OK;
    const adse_search_design *base = adse_search_baseline(s);
    double scale[ADSE_SEARCH_MAX_OBJECTIVES];
    char labels[ADSE_SEARCH_MAX_OBJECTIVES][160];
    for (int q = 0; q < k; q++)
        scale[q] = objective_axis(sp, q, labels[q], sizeof labels[q]);

    fputs("\n## Pareto front\n\n", f);
    if (link_svgs) fputs("![the front among the feasible designs](pareto.svg)\n\n", f);
    fprintf(f,
            "%d of the %d feasible designs evaluated are on the front (none of the others is no "
            "worse in every objective and better in one; pareto.csv), sorted by %s:\n\n| # | "
            "generation |",
            nf, n_feas, sp->objectives[0].name);
    for (int g = 0; g < sp->n_genes; g++)
        fprintf(f, " %s |", sp->genes[g].name);
    for (int q = 0; q < k; q++)
        fprintf(f, " %s |", labels[q]);
    for (int q = 0; q < k; q++)
        fprintf(f, " %s / baseline |", sp->objectives[q].name);
    fputs("\n|---|---|", f);
    for (int c = 0; c < sp->n_genes + 2 * k; c++)
        fputs("---|", f);
    fputc('\n', f);
    for (int i = 0; i < nf; i++) {
        const adse_search_design *d = adse_search_history_at(s, front[i]);
        fprintf(f, "| %d | %d |", i + 1, d->generation);
        for (int g = 0; g < sp->n_genes; g++) {
            char buf[64];
            fprintf(f, " %s |", adse_search_format_gene(s, g, d->genes[g], buf, sizeof buf));
        }
        for (int q = 0; q < k; q++)
            fprintf(f, " %.6g |", d->objectives[q] * scale[q]);
        for (int q = 0; q < k; q++) {
            if (base && base->status == ADSE_DESIGN_OK && base->objectives[q] != 0)
                fprintf(f, " %.3fx |", d->objectives[q] / base->objectives[q]);
            else
                fputs(" - |", f);
        }
        fputc('\n', f);
    }
    fputs("\nThe baseline and the references against the front:\n\n", f);
    if (base) md_dominance(f, s, front, nf, "baseline", base);
    for (int r = 0; r < sp->n_refs; r++)
        if (adse_search_reference(s, r))
            md_dominance(f, s, front, nf, sp->refs[r].name, adse_search_reference(s, r));

    double ref[ADSE_SEARCH_MAX_OBJECTIVES];
    bool has_ref = adse_search_hv_reference(s, ref);
    fputs("\n## Hypervolume\n\n", f);
    if (has_ref) {
        fprintf(f,
                "Hypervolume of the front: **%.6g**, with every objective divided by the "
                "baseline's and the reference point (",
                adse_search_hypervolume(s, -1));
        for (int q = 0; q < k; q++)
            fprintf(f, "%s%.6g", q ? ", " : "", ref[q]);
        fputs(") = 1.1 x the worst normalised value of each objective among the feasible "
              "designs evaluated. Below, the hypervolume of the front of generations 0 .. g "
              "(the same reference point).\n\n",
              f);
    } else {
        fputs("No feasible design: no hypervolume.\n\n", f);
    }
    if (link_svgs) fputs("![hypervolume per generation](hypervolume.svg)\n\n", f);
    fputs("| Generation | Front size | Hypervolume | Feasible | New | Cached |\n"
          "|---|---|---|---|---|---|\n",
          f);
    int *tmp = malloc((size_t)(adse_search_history_count(s) + 1) * sizeof *tmp);
    for (int g = 0; g < adse_search_generation_count(s) && tmp; g++) {
        const adse_search_generation *gs = adse_search_generation_at(s, g);
        fprintf(f, "| %d | %d | %.6g | %d | %d | %d |\n", g, adse_search_pareto(s, g, tmp),
                has_ref ? adse_search_hypervolume(s, g) : 0.0, gs->n_feasible, gs->n_new,
                gs->n_cached);
    }
    adse_status st = tmp ? ADSE_OK : ADSE_E_NOMEM;
    free(tmp);
    free(front);
    return st;
}

/* ---- JSON ---------------------------------------------------------------------------- */

void adse__pareto_json(adse__json *w, const adse_search *s)
{
    const adse_search_spec *sp = adse_search_get_spec(s);
    adse__json_key(w, "objectives");
    adse__json_begin_array(w);
    for (int q = 0; q < sp->n_objectives; q++)
        adse__json_string(w, sp->objectives[q].name);
    adse__json_end_array(w);
    int *front = NULL;
    int nf = sorted_front(s, &front);
    adse__json_key(w, "pareto");
    adse__json_begin_array(w);
    for (int i = 0; i < nf; i++)
        adse__search_json_design(w, s, adse_search_history_at(s, front[i]));
    adse__json_end_array(w);
    free(front);
    adse__json_kv_double(w, "hypervolume", adse_search_hypervolume(s, -1));
    double ref[ADSE_SEARCH_MAX_OBJECTIVES];
    adse__json_key(w, "hypervolume_reference");
    if (adse_search_hv_reference(s, ref)) {
        adse__json_begin_array(w);
        for (int q = 0; q < sp->n_objectives; q++)
            adse__json_double(w, ref[q]);
        adse__json_end_array(w);
    } else {
        adse__json_null(w);
    }
}
