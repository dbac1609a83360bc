/*
 * Golden acceptance test of the whole model: load, evaluate, compare with Timeloop.
 *
 * Cases (each a separate cmocka test, named <group>/<case>/<rule>):
 *   random/caseNN_archX/{new,legacy}  tests/data/timeloop-golden/random-mappings, both rules
 *   worked-4.10/{new,legacy}          tests/data/timeloop-golden/worked-example-4.10
 *   exercise/<name>/legacy            tests/data/timeloop-golden/exercises-refs (pre-2025
 *                                     Timeloop = LEGACY rule); mapper cases append
 *                                     timeloop-mapper.map.yaml so its mapping replaces the
 *                                     input's empty one
 *   v04-top/<design>/legacy           tests/data/v04: the exercises-refs example designs from
 *                                     their v0.4 inputs, as the exercises run them:
 *                                     top.yaml.jinja2 with -D architecture=<design>
 *                                     (docs/templates.md, docs/v04.md) and the published
 *                                     ERT, ART and map.yaml
 *   v04-top/tutorial2024-02/legacy    the 2024 tutorial's top.yaml.jinja (tests/data/templates)
 *                                     with -D reg_enabled=False and its published ERT, ART and
 *                                     map.yaml (tests/data/real-files/tutorial2024-02)
 *   seed/<design>/<run>/new           tests/data/seed-experiment: the design's arch/, ERT.yaml,
 *                                     ART.yaml, original/prob.yaml (the problem of all three)
 *                                     and the run's timeloop-mapper.map.yaml against
 *                                     timeloop-master-model.stats.txt (Timeloop master)
 * For each case: cycles and every count identical, total, per-level and per-data-space
 * energy within 0.1% (plus the rounding of the printed value); then our stats.txt rendered
 * and compared with the expected one line by line (ignoring the pre-2025 MAPPING block and
 * the summary Area line, where adse prints the real area; lines differing only in
 * floating-point fields within tolerance are noted, not failed), and our map.txt compared
 * byte for byte (not for the seed runs, whose map.txt is v3.0.3's format). Every mismatch
 * of a case is printed before the case fails.
 * Usage: test_golden [SUBSTRING] runs only the cases whose name contains SUBSTRING.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "stats_parse.h"

#define MAX_FILES 8
#define PATH_LEN 1024

typedef struct golden_case {
    char name[512];
    int n_files;
    char files[MAX_FILES][PATH_LEN];
    adse_translation translation;
    char expected_stats[PATH_LEN];
    char expected_map[PATH_LEN]; /* "" = do not compare map.txt */
    bool numbers_only;           /* a 2021 stats.txt: its layout predates adse's, compare numbers */
    bool ignore_sparse;          /* load with adse_spec_options.ignore_sparse */
    char template_var[128];      /* one -D NAME=VALUE for the templates, "" = none */
} golden_case;

/* ---------------------------------------------------------------------------------------- */
/* mismatch log                                                                               */

typedef struct mlog {
    const char *case_name;
    int n_hard;
    int n_soft;
} mlog;

static void hard(mlog *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hard(mlog *m, const char *fmt, ...)
{
    if (m->n_hard == 0) print_message("--- %s: mismatches\n", m->case_name);
    m->n_hard++;
    if (m->n_hard > 200) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    print_message("  %s\n", buf);
}

static void soft(mlog *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void soft(mlog *m, const char *fmt, ...)
{
    m->n_soft++;
    if (m->n_soft > 20) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    print_message("  (note, %s) %s\n", m->case_name, buf);
}

static void cmp_u64(mlog *m, const char *where, const char *field, uint64_t got, uint64_t want)
{
    if (got != want) hard(m, "%s: %s: got %" PRIu64 ", want %" PRIu64, where, field, got, want);
}

/* Energies: within 0.1% of want, plus slack for the rounding of the printed value(s). */
static void cmp_energy(mlog *m, const char *where, const char *field, double got, double want,
                       double slack)
{
    if (!(fabs(got - want) <= 1e-3 * fabs(want) + slack))
        hard(m, "%s: %s: got %.4f, want %.4f (%+.4f%%)", where, field, got, want,
             want != 0 ? 100.0 * (got - want) / want : 0.0);
}

/* ---------------------------------------------------------------------------------------- */
/* numeric comparison against the parsed expected stats.txt                                  */

static void compare_numbers(mlog *m, const sp_stats *st, const adse_arch *a, const adse_problem *p,
                            const adse_result *r)
{
    uint64_t u = 0;
    double x = 0;
    if (sp_u64(st, "summary", "", "", "Cycles", &u))
        cmp_u64(m, "summary", "Cycles", r->cycles, u);
    else
        hard(m, "expected file has no summary Cycles");
    if (sp_u64(st, "summary", "", "", "Computes", &u))
        cmp_u64(m, "summary", "Computes", r->computes, u);

    const char *mac = a->arith.name;
    if (sp_level_index(st, mac) != 0) hard(m, "arithmetic level '%s' is not Level 0", mac);
    if (sp_u64(st, "levels", mac, "", "Utilized instances", &u))
        cmp_u64(m, mac, "Utilized instances", r->utilized_macs, u);
    if (sp_u64(st, "levels", mac, "", "Computes (total)", &u))
        cmp_u64(m, mac, "Computes (total)", r->computes, u);
    if (sp_u64(st, "levels", mac, "", "Cycles", &u))
        cmp_u64(m, mac, "Cycles", r->compute_cycles, u);
    if (sp_f64(st, "levels", mac, "", "Energy (total)", &x))
        cmp_energy(m, mac, "Energy (total)", r->mac_energy_pj, x, 0.005);

    double computes = (double)r->computes;
    for (int i = 0; i < a->n_levels; i++) {
        const char *name = a->levels[i].name;
        const adse_level_stats *ls = &r->levels[i];
        int idx = sp_level_index(st, name);
        if (idx < 0) {
            if (ls->accesses != 0 || ls->energy_pj != 0)
                hard(m,
                     "%s: hidden by Timeloop (no accesses, no energy) but adse has "
                     "accesses %" PRIu64 ", energy %.4f pJ",
                     name, ls->accesses, ls->energy_pj);
            continue;
        }
        if (idx != i + 1) hard(m, "%s: printed as Level %d, adse has Level %d", name, idx, i + 1);
        if (sp_u64(st, "levels", name, "", "Cycles", &u)) cmp_u64(m, name, "Cycles", ls->cycles, u);
        double leak = 0;
        if (sp_f64(st, "levels", name, "", "Leakage energy (total)", &leak))
            cmp_energy(m, name, "Leakage energy (total)", ls->leak_energy_pj, leak, 0.005);
        double parts = leak;
        int n_parts = 1;
        for (int d = 0; d < p->n_ds; d++) {
            const char *dn = p->ds[d].name;
            const adse_ds_stats *s = &ls->ds[d];
            bool want_kept = sp_has_ds(st, name, dn);
            if (want_kept != s->kept) {
                hard(m, "%s: %s: kept: got %s, want %s", name, dn, s->kept ? "yes" : "no",
                     want_kept ? "yes" : "no");
                continue;
            }
            if (!want_kept) continue;
            char where[160];
            snprintf(where, sizeof where, "%s: %s", name, dn);
            static const struct {
                const char *label;
                size_t off;
            } fields[] = {
                {"Scalar reads (per-instance)", offsetof(adse_ds_stats, reads)},
                {"Scalar fills (per-instance)", offsetof(adse_ds_stats, fills)},
                {"Scalar updates (per-instance)", offsetof(adse_ds_stats, updates)},
                {"Utilized capacity", offsetof(adse_ds_stats, utilized_capacity)},
                {"Utilized instances (max)", offsetof(adse_ds_stats, utilized_instances)},
                {"Partition size", offsetof(adse_ds_stats, partition_size)},
            };
            for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
                if (!sp_u64(st, "levels", name, dn, fields[k].label, &u)) {
                    hard(m, "%s: expected file lacks '%s'", where, fields[k].label);
                    continue;
                }
                uint64_t got = *(const uint64_t *)((const char *)s + fields[k].off);
                cmp_u64(m, where, fields[k].label, got, u);
            }
            if (sp_f64(st, "levels", name, dn, "Energy (total)", &x)) {
                cmp_energy(m, where, "Energy (total)", s->energy_total_pj, x, 0.005);
                parts += x;
                n_parts++;
            }
        }
        /* Level energy: from its printed parts, or from fJ/Compute when that is finer. */
        double want = parts, slack = 0.005 * n_parts;
        double fj = 0;
        bool has_fj = sp_f64(st, "fj", "", "", name, &fj);
        if (has_fj && 0.005 * computes / 1000.0 < slack) {
            want = fj * computes / 1000.0;
            slack = 0.005 * computes / 1000.0;
        }
        if (!has_fj && ls->energy_pj != 0 && parts == 0)
            hard(m, "%s: no fJ/Compute line (zero energy) but adse has %.4f pJ", name,
                 ls->energy_pj);
        cmp_energy(m, name, "level energy", ls->energy_pj, want, slack);
    }

    double fj_total = 0, pj_total = 0;
    if (sp_f64(st, "pj", "", "", "Total", &pj_total)) {
        /* two decimals per compute: the per-level lines above are the finer check */
        cmp_energy(m, "summary", "total energy", r->energy_pj, pj_total * computes,
                   0.0051 * computes);
    } else if (sp_f64(st, "fj", "", "", "Total", &fj_total)) {
        double want = fj_total * computes / 1000.0;
        double slack = 0.005 * computes / 1000.0;
        double uj = 0;
        if (sp_f64(st, "summary", "", "", "Energy", &uj) && 0.005e6 < slack) {
            want = uj * 1e6;
            slack = 0.005e6;
        }
        cmp_energy(m, "summary", "total energy", r->energy_pj, want, slack);
    } else {
        hard(m, "expected file has no fJ/Compute Total");
    }
}

/* ---------------------------------------------------------------------------------------- */
/* text comparison                                                                            */

/* Whether two lines differ only in floating-point numbers within 0.1% (or the last printed
 * digit). Integers must be equal. */
static bool numerically_close(const char *a, const char *b)
{
    while (*a && *b) {
        bool na = (*a >= '0' && *a <= '9') || (*a == '-' && a[1] >= '0' && a[1] <= '9');
        bool nb = (*b >= '0' && *b <= '9') || (*b == '-' && b[1] >= '0' && b[1] <= '9');
        if (na && nb) {
            char *ea, *eb;
            double va = strtod(a, &ea), vb = strtod(b, &eb);
            bool fa = memchr(a, '.', (size_t)(ea - a)) != NULL;
            bool fb = memchr(b, '.', (size_t)(eb - b)) != NULL;
            if (fa != fb) return false;
            if (!fa && va != vb) return false;
            if (fa && !(fabs(va - vb) <= 1e-3 * fmax(fabs(va), fabs(vb)) + 0.0101)) {
                /* scientific notation: compare relative only */
                bool sci = memchr(a, 'e', (size_t)(ea - a)) != NULL;
                if (!sci || !(fabs(va - vb) <= 1e-2 * fmax(fabs(va), fabs(vb)))) return false;
            }
            a = ea;
            b = eb;
            continue;
        }
        if (*a != *b) return false;
        a++;
        b++;
    }
    return *a == *b;
}

static void compare_text(mlog *m, const char *what, const char *got, const char *want,
                         bool tolerate_numbers)
{
    char *gb, *wb, **gl, **wl;
    int gn = sp_lines(got, true, &gb, &gl);
    int wn = sp_lines(want, true, &wb, &wl);
    int n = gn > wn ? gn : wn;
    for (int i = 0; i < n; i++) {
        const char *g = i < gn ? gl[i] : "<end of file>";
        const char *w = i < wn ? wl[i] : "<end of file>";
        if (strcmp(g, w) == 0) continue;
        if (tolerate_numbers && i < gn && i < wn && numerically_close(g, w)) {
            soft(m, "%s line %d: got '%s', want '%s'", what, i + 1, g, w);
            continue;
        }
        hard(m, "%s line %d:\n      got:  '%s'\n      want: '%s'", what, i + 1, g, w);
        if (gn != wn && m->n_hard > 10) {
            hard(m, "%s: %d lines, want %d (further differences not shown)", what, gn, wn);
            break;
        }
    }
    free(gb);
    free(wb);
    free(gl);
    free(wl);
}

static char *render(adse_status (*w)(FILE *, const adse_model *, const adse_mapping *,
                                     const adse_result *),
                    const adse_model *model, const adse_mapping *mapping, const adse_result *r)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    adse_status st = w(f, model, mapping, r);
    assert_int_equal(st, ADSE_OK);
    return testutil_stream_text(f);
}

/* ---------------------------------------------------------------------------------------- */
/* one case                                                                                   */

static void run_case(void **state)
{
    const golden_case *c = *state;
    mlog m = {c->name, 0, 0};

    const char *files[MAX_FILES];
    for (int i = 0; i < c->n_files; i++)
        files[i] = c->files[i];
    adse_spec *spec = NULL;
    adse_err err;
    adse_err_clear(&err);
    char msg[2048];
    adse_spec_options so;
    adse_spec_options_init(&so);
    so.mapper_unused = true; /* as `adse model`: mapper-only options do not concern us */
    so.ignore_sparse = c->ignore_sparse;
    const char *vars[1] = {c->template_var};
    if (c->template_var[0]) {
        so.template_vars = vars;
        so.n_template_vars = 1;
    }
    assert_adse_ok(adse_spec_load_opts(files, c->n_files, &so, &spec, &err), &err,
                   "%s: load failed", c->name);
    assert_non_null(spec);
    if (!spec->has_arch || !spec->has_problem || !spec->has_mapping) {
        adse_spec_free(spec);
        fail_msg("%s: loaded spec lacks architecture, problem or mapping", c->name);
    }

    adse_model_options opts;
    adse_model_options_init(&opts);
    opts.translation = c->translation;
    adse_model *model = NULL;
    if (adse_model_create(&spec->arch, &spec->problem, &opts, &model, &err) != ADSE_OK) {
        adse_spec_free(spec);
        fail_msg("%s: model create failed: %s", c->name, adse_err_format(&err, msg, sizeof msg));
    }
    adse_scratch *scratch = adse_scratch_new(model);
    assert_non_null(scratch);
    adse_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    if (adse_model_evaluate(model, &spec->mapping, scratch, r, &err) != ADSE_OK) {
        snprintf(msg, sizeof msg, "%s", r->reason);
        free(r);
        adse_scratch_free(scratch);
        adse_model_free(model);
        adse_spec_free(spec);
        fail_msg("%s: evaluation failed: %s", c->name, msg);
    }

    char *want = testutil_read_file(c->expected_stats);
    assert_non_null(want);
    sp_stats st;
    sp_parse(&st, want);
    compare_numbers(&m, &st, adse_model_arch(model), adse_model_problem(model), r);

    if (!c->numbers_only) {
        char *got = render(adse_report_stats_txt, model, &spec->mapping, r);
        compare_text(&m, "stats.txt", got, want, true);
        free(got);
    }

    if (c->expected_map[0]) {
        char *want_map = testutil_read_file(c->expected_map);
        assert_non_null(want_map);
        char *got_map = render(adse_report_map_txt, model, &spec->mapping, r);
        compare_text(&m, "map.txt", got_map, want_map, false);
        free(got_map);
        free(want_map);
    }

    sp_free(&st);
    free(want);
    free(r);
    adse_scratch_free(scratch);
    adse_model_free(model);
    adse_spec_free(spec);
    if (m.n_hard) fail_msg("%s: %d mismatch(es), listed above", c->name, m.n_hard);
}

/* ---------------------------------------------------------------------------------------- */
/* case discovery                                                                             */

typedef struct case_list {
    int n, cap;
    golden_case *c;
} case_list;

static golden_case *add_case(case_list *l, const char *name, adse_translation tr)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->c = realloc(l->c, (size_t)l->cap * sizeof *l->c);
        assert_non_null(l->c);
    }
    golden_case *c = &l->c[l->n++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->translation = tr;
    return c;
}

static void add_file(golden_case *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_file(golden_case *c, const char *fmt, ...)
{
    if (c->n_files >= MAX_FILES) return;
    char rel[PATH_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof rel, fmt, ap);
    va_end(ap);
    testutil_data(rel, c->files[c->n_files++], PATH_LEN);
}

static void set_path(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_path(char *dst, const char *fmt, ...)
{
    char rel[PATH_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof rel, fmt, ap);
    va_end(ap);
    testutil_data(rel, dst, PATH_LEN);
}

static void discover(case_list *l)
{
    char dir[PATH_LEN], name[512];
    char **names;
    static const char *rule_dir[2] = {"expected_new_translation", "expected_legacy_translation"};
    static const char *rule_name[2] = {"new", "legacy"};
    static const adse_translation rules[2] = {ADSE_TRANSLATION_NEW, ADSE_TRANSLATION_LEGACY};

    const char *rm = "timeloop-golden/random-mappings";
    int n = sp_list_dir(testutil_data(rm, dir, sizeof dir), &names);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < 2; k++) {
            snprintf(name, sizeof name, "random/%s/%s", names[i], rule_name[k]);
            golden_case *c = add_case(l, name, rules[k]);
            add_file(c, "%s/%s/arch.yaml", rm, names[i]);
            add_file(c, "%s/%s/prob_map.yaml", rm, names[i]);
            add_file(c, "%s/%s/ert.yaml", rm, names[i]);
            add_file(c, "%s/%s/art.yaml", rm, names[i]);
            set_path(c->expected_stats, "%s/%s/%s/timeloop-model.stats.txt", rm, names[i],
                     rule_dir[k]);
            set_path(c->expected_map, "%s/%s/%s/timeloop-model.map.txt", rm, names[i], rule_dir[k]);
        }
    }
    sp_free_names(names, n);

    const char *we = "timeloop-golden/worked-example-4.10";
    for (int k = 0; k < 2; k++) {
        snprintf(name, sizeof name, "worked-4.10/%s", rule_name[k]);
        golden_case *c = add_case(l, name, rules[k]);
        add_file(c, "%s/arch.yaml", we);
        add_file(c, "%s/prob.yaml", we);
        add_file(c, "%s/map.yaml", we);
        add_file(c, "%s/ert.yaml", we);
        add_file(c, "%s/art.yaml", we);
        set_path(c->expected_stats, "%s/%s/timeloop-model.stats.txt", we, rule_dir[k]);
        set_path(c->expected_map, "%s/%s/timeloop-model.map.txt", we, rule_dir[k]);
    }

    const char *ex = "timeloop-golden/exercises-refs";
    n = sp_list_dir(testutil_data(ex, dir, sizeof dir), &names);
    for (int i = 0; i < n; i++) {
        char probe[PATH_LEN];
        set_path(probe, "%s/%s/timeloop-mapper.stats.txt", ex, names[i]);
        const char *tool = sp_file_exists(probe) ? "timeloop-mapper" : "timeloop-model";
        snprintf(name, sizeof name, "exercise/%s/legacy", names[i]);
        golden_case *c = add_case(l, name, ADSE_TRANSLATION_LEGACY);
        add_file(c, "%s/%s/parsed-processed-input.yaml", ex, names[i]);
        add_file(c, "%s/%s/%s.ERT.yaml", ex, names[i], tool);
        add_file(c, "%s/%s/%s.ART.yaml", ex, names[i], tool);
        if (strcmp(tool, "timeloop-mapper") == 0)
            add_file(c, "%s/%s/timeloop-mapper.map.yaml", ex, names[i]);
        set_path(c->expected_stats, "%s/%s/%s.stats.txt", ex, names[i], tool);
        set_path(c->expected_map, "%s/%s/%s.map.txt", ex, names[i], tool);
    }
    sp_free_names(names, n);

    /* A timeloopfe-processed file with an upper-case variable in the root's attributes and
     * mapper-only options (tests/data/real-files, accepted with warnings). */
    const char *rf = "real-files/tutorial2024-02";
    golden_case *t = add_case(l, "real-files/tutorial2024-02/legacy", ADSE_TRANSLATION_LEGACY);
    add_file(t, "%s/parsed-processed-input.yaml", rf);
    add_file(t, "%s/timeloop-mapper.ERT.yaml", rf);
    add_file(t, "%s/timeloop-mapper.ART.yaml", rf);
    add_file(t, "%s/timeloop-mapper.map.yaml", rf);
    set_path(t->expected_stats, "%s/timeloop-mapper.stats.txt", rf);
    set_path(t->expected_map, "%s/timeloop-mapper.map.txt", rf);

    /* The 2021 ISCA dot product (Timeloop's ERT/ART): dense; with densities, which Timeloop
     * ignores without sparse_optimizations (its reference equals the dense one); with gating
     * ignored on request, checked against the dense reference. */
    static const char *dot[3][3] = {{"dense", "dense", ""},
                                    {"densities", "densities", ""},
                                    {"gating-ignored", "densities", "gateBZ.yaml"}};
    const char *dp = "real-files/isca2021-dot-product";
    for (int k = 0; k < 3; k++) {
        snprintf(name, sizeof name, "%s/%s/legacy", dp, dot[k][0]);
        golden_case *c = add_case(l, name, ADSE_TRANSLATION_LEGACY);
        add_file(c, "%s/1level.arch.yaml", dp);
        add_file(c, "%s/dot-product-1level.yaml", dp);
        add_file(c, "%s/%s.prob.yaml", dp, dot[k][1]);
        if (dot[k][2][0]) add_file(c, "%s/%s", dp, dot[k][2]);
        add_file(c, "%s/timeloop-model.ERT.yaml", dp);
        add_file(c, "%s/timeloop-model.ART.yaml", dp);
        set_path(c->expected_stats, "%s/%s.timeloop-model.stats.txt", dp,
                 k == 2 ? "dense" : dot[k][1]);
        c->numbers_only = true;
        c->ignore_sparse = dot[k][2][0] != 0;
    }

    /* timeloopfe's v0.4 inputs of the same example designs (tests/data/v04), end to end:
     * the template rendered with -D architecture=<design>, the v0.4 specification translated
     * by the loader, with the published ERT/ART and map.yaml: the published stats.txt. (That
     * the v0.4 files give timeloopfe's own parsed-processed-input.yaml is test_v04.c.) */
    static const char *v04[4] = {"eyeriss_like", "simba_like", "simple_output_stationary",
                                 "simple_weight_stationary"};
    const char *vd = "v04/example_designs";
    for (int k = 0; k < 4; k++) {
        char ref[PATH_LEN];
        snprintf(ref, sizeof ref,
                 "%s/example_designs__example_designs__%s__ref_outputs__default_problem", ex,
                 v04[k]);
        snprintf(name, sizeof name, "v04-top/%s/legacy", v04[k]);
        golden_case *c = add_case(l, name, ADSE_TRANSLATION_LEGACY);
        add_file(c, "%s/top.yaml.jinja2", vd);
        add_file(c, "%s/timeloop-mapper.ERT.yaml", ref);
        add_file(c, "%s/timeloop-mapper.ART.yaml", ref);
        add_file(c, "%s/timeloop-mapper.map.yaml", ref);
        snprintf(c->template_var, sizeof c->template_var, "architecture=%s", v04[k]);
        set_path(c->expected_stats, "%s/timeloop-mapper.stats.txt", ref);
        set_path(c->expected_map, "%s/timeloop-mapper.map.txt", ref);
    }
    /* The 2024 tutorial (02_interface_and_design_space_exploration_2024) from its own files:
     * its top.yaml.jinja with reg_enabled=False (the run behind its published outputs, kept in
     * real-files/tutorial2024-02) and the published ERT, ART and map.yaml. */
    golden_case *tu = add_case(l, "v04-top/tutorial2024-02/legacy", ADSE_TRANSLATION_LEGACY);
    add_file(tu, "templates/tutorial2024-02/top.yaml.jinja");
    add_file(tu, "%s/timeloop-mapper.ERT.yaml", rf);
    add_file(tu, "%s/timeloop-mapper.ART.yaml", rf);
    add_file(tu, "%s/timeloop-mapper.map.yaml", rf);
    snprintf(tu->template_var, sizeof tu->template_var, "reg_enabled=False");
    set_path(tu->expected_stats, "%s/timeloop-mapper.stats.txt", rf);
    set_path(tu->expected_map, "%s/timeloop-mapper.map.txt", rf);

    /* The seed: optimal-4x42 has its own arch/, ERT and ART but no prob.yaml; the problem
     * (VGG16 conv1_1) is original/prob.yaml for all three runs. */
    static const char *seed[3][2] = {{"original", "timeloop-mapper-out"},
                                     {"original", "timeloop-mapper-out-noQX"},
                                     {"optimal-4x42", "timeloop-mapper-out"}};
    for (int k = 0; k < 3; k++) {
        snprintf(name, sizeof name, "seed/%s/%s/new", seed[k][0], seed[k][1]);
        golden_case *c = add_case(l, name, ADSE_TRANSLATION_NEW);
        add_file(c, "seed-experiment/%s/arch/eyeriss_like.yaml", seed[k][0]);
        add_file(c, "seed-experiment/original/prob.yaml");
        add_file(c, "seed-experiment/%s/ERT.yaml", seed[k][0]);
        add_file(c, "seed-experiment/%s/ART.yaml", seed[k][0]);
        add_file(c, "seed-experiment/%s/%s/timeloop-mapper.map.yaml", seed[k][0], seed[k][1]);
        set_path(c->expected_stats, "seed-experiment/%s/%s/timeloop-master-model.stats.txt",
                 seed[k][0], seed[k][1]);
        c->expected_map[0] = 0; /* the map.txt there is Timeloop v3.0.3's format */
    }
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    case_list l = {0, 0, NULL};
    discover(&l);
    if (l.n != 24 * 2 + 2 + 19 + 1 + 3 + 4 + 1 + 3) {
        fprintf(stderr, "test_golden: found %d cases, expected %d\n", l.n,
                24 * 2 + 2 + 19 + 1 + 3 + 4 + 1 + 3);
        return 1;
    }
    struct CMUnitTest *tests = calloc((size_t)l.n, sizeof *tests);
    int n = 0;
    for (int i = 0; i < l.n; i++) {
        if (filter && !strstr(l.c[i].name, filter)) continue;
        tests[n].name = l.c[i].name;
        tests[n].test_func = run_case;
        tests[n].initial_state = &l.c[i];
        n++;
    }
    int rc = _cmocka_run_group_tests("golden", tests, (size_t)n, NULL, NULL);
    free(tests);
    free(l.c);
    return rc;
}
