/*
 * report/energy_report.c: the estimator's energy and area tables of an architecture
 * (`adse energy`): a readable table, JSON, and Accelergy v0.4 ERT.yaml / ART.yaml.
 *
 * Components are priced first (storage levels outermost first, then the arithmetic level),
 * so an estimator error leaves the stream untouched. The YAML files follow the layout of
 * Accelergy's own timeloop-mapper.ERT.yaml / .ART.yaml (v0.4: a list of tables, each action
 * with `arguments: {}`; 4-space indentation); numbers are the shortest decimal text that
 * reads back to the same double, always with a '.' so that YAML 1.1 readers (PyYAML) see a
 * float.
 */
#include "adse/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_writer.h"
#include "util/numtext.h"

#define N_COMPONENTS (ADSE_MAX_LEVELS + 1)

typedef struct priced {
    const char *name;  /* component name (borrowed from the spec) */
    const char *table; /* Accelergy table name (borrowed from the spec) */
    adse_energy_result r;
} priced;

static adse_status price_all(const adse_spec *spec, const adse_energy_options *opt, priced *out,
                             int *n, adse_err *err)
{
    const adse_arch *a = &spec->arch;
    *n = 0;
    for (int i = a->n_levels - 1; i >= 0; i--) {
        priced *p = &out[(*n)++];
        p->name = a->levels[i].name;
        p->table = adse_spec_table_name(spec, i);
        adse_status st = adse_energy_estimate_buffer(&a->levels[i], opt, &p->r, err);
        if (st != ADSE_OK) return st;
    }
    priced *p = &out[(*n)++];
    p->name = a->arith.name;
    p->table = adse_spec_table_name(spec, -1);
    return adse_energy_estimate_arith(&a->arith, opt, &p->r, err);
}

/* A YAML scalar for a table name: plain when it is made of name characters (as Accelergy
 * writes system.PE[0..167].mac), otherwise single-quoted. */
static void put_yaml_name(FILE *f, const char *s)
{
    bool plain = s[0] && strchr("-[]{}.", s[0]) == NULL;
    for (const char *p = s; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                strchr("_.-[]", *p) != NULL;
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (const char *p = s; *p; p++) {
        if (*p == '\'') fputc('\'', f);
        fputc(*p, f);
    }
    fputc('\'', f);
}

static void write_ert(FILE *f, const priced *c, int n)
{
    char num[64];
    fputs("ERT:\n    version: '0.4'\n    tables:\n", f);
    for (int i = 0; i < n; i++) {
        fputs("      - name: ", f);
        put_yaml_name(f, c[i].table ? c[i].table : c[i].name);
        fputs("\n        actions:\n", f);
        for (int k = 0; k < c[i].r.n_actions; k++) {
            adse__num_format(num, sizeof num, c[i].r.actions[k].energy_pj, ADSE__NUM_POINT);
            fprintf(f,
                    "          - name: %s\n"
                    "            arguments: {}\n"
                    "            energy: %s\n",
                    c[i].r.actions[k].name, num);
        }
    }
}

static void write_art(FILE *f, const priced *c, int n)
{
    char num[64];
    fputs("ART:\n    version: '0.4'\n    tables:\n", f);
    for (int i = 0; i < n; i++) {
        fputs("      - name: ", f);
        put_yaml_name(f, c[i].table ? c[i].table : c[i].name);
        adse__num_format(num, sizeof num, c[i].r.area_um2, ADSE__NUM_POINT);
        fprintf(f, "\n        area: %s\n", num);
    }
}

static bool write_json(FILE *f, const priced *c, int n)
{
    adse__json w;
    adse__json_init(&w, f, 2);
    adse__json_begin_object(&w);
    adse__json_key(&w, "components");
    adse__json_begin_array(&w);
    for (int i = 0; i < n; i++) {
        const adse_energy_result *r = &c[i].r;
        adse__json_begin_object(&w);
        adse__json_kv_string(&w, "name", c[i].name);
        adse__json_kv_string(&w, "table", c[i].table ? c[i].table : c[i].name);
        adse__json_kv_string(&w, "class", r->klass);
        adse__json_kv_uint(&w, "instances", r->instances);
        adse__json_kv_double(&w, "area_um2", r->area_um2);
        adse__json_kv_double(&w, "total_area_um2", r->total_area_um2);
        adse__json_key(&w, "actions");
        adse__json_begin_object(&w);
        for (int k = 0; k < r->n_actions; k++)
            adse__json_kv_double(&w, r->actions[k].name, r->actions[k].energy_pj);
        adse__json_end_object(&w);
        adse__json_kv_string(&w, "estimator", r->estimator);
        adse__json_kv_uint(&w, "flags", r->flags);
        adse__json_end_object(&w);
    }
    adse__json_end_array(&w);
    adse__json_end_object(&w);
    return adse__json_finish(&w);
}

static const struct {
    unsigned flag;
    const char *text;
} flag_notes[] = {
    {ADSE_ENERGY_F_INTERPOLATED, "SRAM size between CACTI grid points, interpolated "
                                 "(rms error about 6-9 %)"},
    {ADSE_ENERGY_F_EXTRAPOLATED, "SRAM size beyond the CACTI grid, extrapolated"},
    {ADSE_ENERGY_F_PORTS, "2-port SRAM off the measured 2-port grid"},
    {ADSE_ENERGY_F_BANKS, "banked SRAM, bank ratios measured at 45 nm only (about 15-20 % error)"},
    {ADSE_ENERGY_F_TECH_SCALED, "a part scaled to this node with Stillmaker-Baas"},
};

static void write_table(FILE *f, const priced *c, int n)
{
    int wn = (int)strlen("Component"), wc = (int)strlen("Class");
    for (int i = 0; i < n; i++) {
        int ln = (int)strlen(c[i].name), lc = (int)strlen(c[i].r.klass);
        if (ln > wn) wn = ln;
        if (lc > wc) wc = lc;
    }
    fprintf(f, "%-*s  %-*s  %9s  %-8s  %14s  %16s  %16s\n", wn, "Component", wc, "Class",
            "Instances", "Action", "Energy (pJ)", "Area/inst (um^2)", "Area (um^2)");
    double total = 0;
    for (int i = 0; i < n; i++) {
        const adse_energy_result *r = &c[i].r;
        total += r->total_area_um2;
        for (int k = 0; k < r->n_actions; k++) {
            if (k == 0)
                fprintf(f, "%-*s  %-*s  %9" PRIu64 "  %-8s  %14.6f  %16.2f  %16.2f\n", wn,
                        c[i].name, wc, r->klass, r->instances, r->actions[k].name,
                        r->actions[k].energy_pj, r->area_um2, r->total_area_um2);
            else
                fprintf(f, "%-*s  %-*s  %9s  %-8s  %14.6f\n", wn, "", wc, "", "",
                        r->actions[k].name, r->actions[k].energy_pj);
        }
    }
    fprintf(f, "Total area: %.2f um^2 (%.4f mm^2)\n", total, total / 1e6);
    fprintf(f, "Energies per action; leak per instance per cycle. Estimators:\n");
    for (int i = 0; i < n; i++) {
        const adse_energy_result *r = &c[i].r;
        fprintf(f, "  %-*s  %s", wn, c[i].name, r->estimator);
        for (size_t k = 0; k < sizeof flag_notes / sizeof flag_notes[0]; k++)
            if (r->flags & flag_notes[k].flag) fprintf(f, "; %s", flag_notes[k].text);
        fputc('\n', f);
    }
}

adse_status adse_report_energy(FILE *f, adse_energy_report_format fmt, const adse_spec *spec,
                               const adse_energy_options *opt, adse_err *err)
{
    if (!f || !spec || !spec->has_arch)
        return adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                            "adse_report_energy: no stream or no architecture");
    if (!opt) opt = &spec->options.estimator;
    priced *c = malloc(N_COMPONENTS * sizeof *c);
    if (!c) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    int n;
    adse_status st = price_all(spec, opt, c, &n, err);
    if (st == ADSE_OK) {
        bool ok = true;
        switch (fmt) {
        case ADSE_ENERGY_REPORT_TABLE: {
            adse__c_locale scope; /* '.' whatever the host's locale */
            adse__c_locale_enter(&scope);
            write_table(f, c, n);
            adse__c_locale_leave(&scope);
            break;
        }
        case ADSE_ENERGY_REPORT_JSON: ok = write_json(f, c, n); break;
        case ADSE_ENERGY_REPORT_ERT: write_ert(f, c, n); break;
        case ADSE_ENERGY_REPORT_ART: write_art(f, c, n); break;
        default:
            st = adse_err_set(err, ADSE_E_USAGE, NULL, 0, 0,
                              "adse_report_energy: unknown format %d", (int)fmt);
            break;
        }
        if (st == ADSE_OK && (!ok || ferror(f)))
            st = adse_err_set(err, ADSE_E_IO, NULL, 0, 0, "cannot write the energy tables");
    }
    free(c);
    return st;
}
