/*
 * Accelergy compound components read from the YAML (input/compound.c, docs/energy.md
 * section 10): a hand-priced pair of classes (nested class, name ranges, energy and area
 * scales, action_share/repeat), the 2024 Eyeriss-like reference priced from its own
 * definitions against the published ERT/ART, a later definition replacing an earlier one
 * (the exercises' fixed intmac.yaml against the built-in intmac with a real multiplier),
 * v0.3 argument ranges, lists in several files, re-pricing an edited architecture, and
 * every error located at the definition's field.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"

#define EYERISS24                                                                                  \
    "timeloop-golden/exercises-refs/"                                                              \
    "example_designs__example_designs__eyeriss_like__ref_outputs__default_problem"

static const adse_buffer *level(const adse_spec *s, const char *name)
{
    for (int i = 0; i < s->arch.n_levels; i++)
        if (strcmp(s->arch.levels[i].name, name) == 0) return &s->arch.levels[i];
    fail_msg("no level '%s'", name);
    return NULL;
}

static bool has_warning(const adse_spec *s, const char *part)
{
    for (int i = 0; i < adse_spec_warning_count(s); i++)
        if (strstr(adse_spec_warning(s, i)->msg, part)) return true;
    return false;
}

/* classes.yaml priced by hand (its comment lists the Library table values at 45 nm):
 *   reg_array(16, 4): read = 16 x 0.009 + 4 x 0.02947 x 0.5 = 0.20294; leak = 4 x 2.51e-5;
 *     area = 64 x 5.98 + 4 x 71 = 666.72
 *   agen = 8-bit adder: add 0.21 x 8/32 = 0.0525, leak 0.0006, area 69.5
 *   my_storage(16, 8), 2 banks of depth 4: read = 0.20294 + 2 x 0.0525 = 0.30794;
 *     write = 0.0525; update = 0; leak = 2 x 1.004e-4 + 0.0006 = 0.0008008 -> 0.000801;
 *     area = 2 banks x area_scale 2 x 666.72 + 69.5 = 2736.38
 *   my_mac: 16-bit adder 0.105 pJ, 139 um^2 + 8x8 multiplier 12.68/16 = 0.7925 pJ x repeat 2
 *     x energy_scale 0.5, 6350/16 = 396.875 um^2: compute 0.8975, area 535.875 */
static void hand_priced(void **state)
{
    (void)state;
    const char *files[] = {testutil_path("compound/arch.yaml"),
                           testutil_path("compound/classes.yaml")};
    adse_spec *s = testutil_load_files_ok(files, 2, NULL);
    const adse_buffer *b = level(s, "buf");
    assert_int_equal(b->energy_source, ADSE_ENERGY_ESTIMATOR);
    assert_double_rel(b->e_read, 0.30794, 1e-12, "read");
    assert_double_rel(b->e_fill, 0.0525, 1e-12, "write");
    assert_double_rel(b->e_update, 0.0, 0, "update");
    assert_double_rel(b->e_leak, 0.000801, 1e-12, "leak");
    assert_double_rel(b->area_um2, (double)(float)2736.38, 1e-12, "area");
    assert_double_rel(s->arch.arith.e_compute, 0.8975, 1e-12, "compute");
    assert_double_rel(s->arch.arith.area_um2, 535.875, 1e-12, "mac area");
    /* the definitions are what priced them: the result names the class's file and line */
    adse_energy_result r;
    adse_err e;
    assert_int_equal(adse_energy_estimate_buffer(b, &s->options.estimator, &r, &e), ADSE_OK);
    assert_non_null(strstr(r.estimator, "classes.yaml:26"));
    assert_string_equal(r.actions[0].name, "read"); /* the class's order */
    /* classes adse does not model itself: no shadowing warning */
    assert_false(has_warning(s, "replaces adse's built-in"));
    /* options copied from this spec load another without definitions: no hook into it */
    adse_spec_options o = s->options;
    adse_spec_free(s);
    const char *arch_only[] = {files[0]};
    adse_spec *s2 = NULL;
    assert_int_equal(adse_spec_load_opts(arch_only, 1, &o, &s2, &e), ADSE_E_SPEC);
    assert_non_null(strstr(e.msg, "unknown class 'my_storage'"));
    const char *dram_only =
        "architecture:\n  version: 0.4\n  local:\n"
        "  - {name: DRAM, class: DRAM, attributes: {width: 64, datawidth: 16}}\n"
        "  - {name: mac, class: intmac, attributes: {datawidth: 16}}\n";
    const char *texts[] = {dram_only};
    s2 = testutil_load_strings_ok(texts, NULL, 1, &o);
    assert_null(s2->options.estimator.classes);
    adse_spec_free(s2);
}

/* Re-pricing an edited architecture (what the hardware search does) uses the definitions:
 * the same numbers as loading the edited file. depth 16: reg_array(16, 8): read 0.144 +
 * 8 x 0.014735 = 0.26188, area 2 x 2 x (128 x 5.98 + 8 x 71) + 69.5 = 5403.26. */
static void reprice(void **state)
{
    (void)state;
    char *arch = testutil_read_file(testutil_path("compound/arch.yaml"));
    char *classes = testutil_read_file(testutil_path("compound/classes.yaml"));
    assert_non_null(arch);
    assert_non_null(classes);
    const char *texts[] = {arch, classes};
    adse_spec *s = testutil_load_strings_ok(texts, NULL, 2, NULL);
    adse_arch a = s->arch;
    int i = 0; /* buf: levels[0] is the innermost */
    assert_string_equal(a.levels[i].name, "buf");
    a.levels[i].depth = 16;
    adse_err e;
    assert_int_equal(adse_buffer_derive_geometry(&a.levels[i], &e), ADSE_OK);
    assert_int_equal(adse_energy_reprice(&a, &s->options.estimator, &e), ADSE_OK);
    assert_double_rel(a.levels[i].e_read, 0.26188 + 0.105, 1e-12, "read");
    assert_double_rel(a.levels[i].area_um2, (double)(float)5403.26, 1e-12, "area");
    char *p = strstr(arch, "depth: 8");
    assert_non_null(p);
    p[7] = '9'; /* depth: 9 -> 4 banks? no: 2 banks of depth 4 (9 // 2) */
    adse_spec *s9 = testutil_load_strings_ok(texts, NULL, 2, NULL);
    assert_double_rel(s9->arch.levels[i].e_read, 0.30794, 1e-12, "depth 9 // 2 banks = 4");
    adse_spec_free(s9);
    adse_spec_free(s);
    free(arch);
    free(classes);
}

/* The 2024 Eyeriss-like reference without its ERT/ART: its own compound classes
 * (smartbuffer_SRAM, smartbuffer_RF over regfile, intmac) priced from the definitions in
 * parsed-processed-input.yaml give the published timeloop-mapper.ERT.yaml / ART.yaml
 * values (printed to 6 decimals; areas as Timeloop reads them, float). */
static void eyeriss_published(void **state)
{
    (void)state;
    const char *files[] = {testutil_path(EYERISS24 "/parsed-processed-input.yaml")};
    adse_spec *s = testutil_load_files_ok(files, 1, NULL);
    static const struct {
        const char *name;
        double read, write, leak, area;
    } want[] = {{"shared_glb", 18.183829, 14.137929, 0.005652, 217363.36892},
                {"ifmap_spad", 0.202442, 0.176713, 0.000101, 70.091961},
                {"weights_spad", 1.976602, 1.881657, 0.001592, 5816.44278},
                {"psum_spad", 0.2513, 0.2191, 0.000134, 123.627348}};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        const adse_buffer *b = level(s, want[k].name);
        adse_energy_result r;
        adse_err e;
        assert_int_equal(adse_energy_estimate_buffer(b, &s->options.estimator, &r, &e), ADSE_OK);
        assert_non_null(strstr(r.estimator, "compound class"));
        assert_double_rel(b->e_read, want[k].read, 1e-12, want[k].name);
        assert_double_rel(b->e_fill, want[k].write, 1e-12, want[k].name);
        assert_double_rel(b->e_update, want[k].write, 1e-12, want[k].name);
        assert_double_rel(b->e_leak, want[k].leak, 1e-12, want[k].name);
        assert_double_rel(b->area_um2, (double)(float)want[k].area, 1e-12, want[k].name);
    }
    assert_double_rel(s->arch.arith.e_compute, 0.207692, 1e-12, "mac compute");
    assert_double_rel(s->arch.arith.area_um2, (double)(float)191.82, 1e-12, "mac area");
    assert_true(has_warning(s, "compound class 'smartbuffer_RF' defined here replaces adse's "
                               "built-in model of that class"));
    adse_spec_free(s);
}

/* Loaded without and with its published ERT/ART, every component of dir's
 * parsed-processed-input.yaml that its compound definitions price has the published numbers
 * (within tol pJ: Accelergy's J -> pJ round trip breaks some ties the other way). Returns
 * how many components the definitions priced. */
static int against_published(const char *dir, double tol)
{
    char p[3][1024];
    static const char *const names[] = {"parsed-processed-input.yaml", "timeloop-mapper.ERT.yaml",
                                        "timeloop-mapper.ART.yaml"};
    for (int i = 0; i < 3; i++) {
        char rel[512];
        snprintf(rel, sizeof rel, "%s/%s", dir, names[i]);
        snprintf(p[i], sizeof p[i], "%s", testutil_path(rel));
    }
    const char *without[] = {p[0]}, *with[] = {p[0], p[1], p[2]};
    adse_spec *so = testutil_load_files_ok(without, 1, NULL);
    adse_spec *sw = testutil_load_files_ok(with, 3, NULL);
    int priced = 0;
    for (int i = 0; i < so->arch.n_levels; i++) {
        const adse_buffer *x = &so->arch.levels[i], *y = &sw->arch.levels[i];
        adse_energy_result r;
        adse_err e;
        assert_int_equal(adse_energy_estimate_buffer(x, &so->options.estimator, &r, &e), ADSE_OK);
        if (!strstr(r.estimator, "compound class")) continue;
        priced++;
        assert_int_equal(y->energy_source, ADSE_ENERGY_ERT);
        const double got[] = {x->e_read, x->e_fill, x->e_update, x->e_leak, x->area_um2};
        const double want[] = {y->e_read, y->e_fill, y->e_update, y->e_leak, y->area_um2};
        for (int k = 0; k < 5; k++)
            if (!(fabs(got[k] - want[k]) <= tol + 1e-12 * fabs(want[k])))
                fail_msg("%s: %s quantity %d: %.9g, published %.9g", dir, x->name, k, got[k],
                         want[k]);
    }
    assert_double_rel(so->arch.arith.e_compute, sw->arch.arith.e_compute, 1e-12, "compute");
    assert_double_rel(so->arch.arith.area_um2, sw->arch.arith.area_um2, 1e-12, "mac area");
    adse_spec_free(so);
    adse_spec_free(sw);
    return priced;
}

/* The 2020 ISPASS tutorial's timeloop+accelergy designs as regenerated in 2024 (intmac and
 * fpmac; their smartbuffer_RF sizes differ from the example designs'): four compound
 * components each, every published ERT/ART value; fpmac's psum_spad read is a tie
 * (0.753697 against the published 0.753696). */
static void ispass_published(void **state)
{
    (void)state;
    const char *base = "timeloop-golden/exercises-refs/"
                       "tutorial_exercises__01_accelergy_timeloop_2020_ispass__timeloop+accelergy__"
                       "ref-output__";
    char dir[512];
    snprintf(dir, sizeof dir, "%sintmac", base);
    assert_int_equal(against_published(dir, 0), 4);
    snprintf(dir, sizeof dir, "%sfpmac", base);
    assert_int_equal(against_published(dir, 1e-6), 4);
    assert_int_equal(against_published(EYERISS24, 0), 4);
}

/* A later definition replaces an earlier one (warning), even from another file whose
 * `compound_components` key replaced the first file's at the top level: the exercises'
 * intmac.yaml as fixed in f445e7d (a real aladdin_multiplier) gives the built-in intmac with
 * ADSE_ENERGY_OPT_REAL_MULTIPLIER, a separate code path (its own formula, docs/energy.md
 * section 2.6). */
static void later_definition_wins(void **state)
{
    (void)state;
    const char *files[] = {testutil_path(EYERISS24 "/parsed-processed-input.yaml"),
                           testutil_path("compound/intmac_f445e7d.yaml")};
    adse_spec *s = testutil_load_files_ok(files, 2, NULL);
    assert_true(has_warning(s, "compound class 'intmac' defined again"));
    adse_arith builtin = s->arch.arith;
    adse_energy_options o;
    adse_energy_options_init(&o);
    o.flags = ADSE_ENERGY_OPT_REAL_MULTIPLIER; /* classes NULL: the built-in intmac */
    adse_energy_result r;
    adse_err e;
    assert_int_equal(adse_energy_estimate_arith(&builtin, &o, &r, &e), ADSE_OK);
    assert_string_equal(r.klass, "intmac");
    assert_double_rel(s->arch.arith.e_compute, r.actions[0].energy_pj, 1e-12, "compute");
    assert_double_rel(s->arch.arith.area_um2, (double)(float)r.area_um2, 1e-12, "area");
    assert_true(s->arch.arith.e_compute > 0.5); /* not the 2024 adder-as-multiplier 0.207692 */
    /* the smartbuffers still come from the first file's definitions */
    assert_double_rel(level(s, "ifmap_spad")->e_read, 0.202442, 1e-12, "ifmap read");
    adse_spec_free(s);
}

/* The 2024 tutorial (02_interface_and_design_space_exploration) from its own top.yaml.jinja,
 * without ERT/ART: its components.yaml defines `intmac` (an aladdin_adder and an
 * aladdin_multiplier of width multiplier_width) and `register` (no subcomponents, every
 * action empty), a class adse's estimator does not know. Accelergy's published tables of
 * that run (real-files/tutorial2024-02/accelergy-verbose): mac compute 3.275 pJ, area 1726.5;
 * reg 0 pJ for every action, area 0. */
static void tutorial_published(void **state)
{
    (void)state;
    const char *files[] = {testutil_path("templates/tutorial2024-02/top.yaml.jinja")};
    adse_spec *s = testutil_load_files_ok(files, 1, NULL);
    assert_double_rel(s->arch.arith.e_compute, 3.275, 1e-12, "mac compute");
    assert_double_rel(s->arch.arith.area_um2, 1726.5, 1e-12, "mac area");
    const adse_buffer *reg = level(s, "reg");
    assert_int_equal(reg->energy_source, ADSE_ENERGY_ESTIMATOR);
    assert_double_rel(reg->e_read, 0, 0, "reg read");
    assert_double_rel(reg->e_fill, 0, 0, "reg write");
    assert_double_rel(reg->e_leak, 0, 0, "reg leak");
    assert_double_rel(reg->area_um2, 0, 0, "reg area");
    adse_spec_free(s);
}

/* area_um2 of the first design in `adse search -o dir`'s history.csv (the column named so). */
static double history_area(const char *dir)
{
    char path[700];
    snprintf(path, sizeof path, "%.600s/history.csv", dir);
    char *t = testutil_read_file(path);
    assert_non_null(t);
    int col = 0;
    for (const char *h = t; *h && *h != '\n' && strncmp(h, "area_um2,", 9) != 0; h++)
        col += *h == ',';
    const char *f = strchr(t, '\n');
    assert_non_null(f);
    f++;
    for (int c = 0; c < col && f; c++) {
        f = strchr(f, ',');
        if (f) f++;
    }
    assert_non_null(f);
    double area = strtod(f, NULL);
    free(t);
    return area;
}

/* The hardware search re-prices every design from the definitions: the Eyeriss-like design
 * (32 nm) searched with its 2024 intmac.yaml, then with the fixed one (f445e7d), the same
 * designs: per MAC the area grows from 0.46 x (278/2 + 278) = 191.82 to 0.46 x (278/2 +
 * 6350 x (8/32)^2) = 246.5025 um^2 (Library tables, Stillmaker-Baas area factor 0.46 from 45
 * to 32 nm), so each design's area by 168 x 54.6825 = 9186.66 um^2. */
static void search_uses_definitions(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-compound"), 0);
    const char *intmacs[] = {"v04/example_designs/_components/intmac.yaml",
                             "compound/intmac_f445e7d.yaml"};
    double area[2];
    for (int k = 0; k < 2; k++) {
        char spec[600], out[600];
        snprintf(spec, sizeof spec, "%s/s%d.yaml", dir, k);
        snprintf(out, sizeof out, "%s/out%d", dir, k);
        testutil_write(spec,
                       "design:\n  architecture: [%s, %s, %s, %s, %s, %s]\n  mapper: %s\n"
                       "workload:\n  - {problem: %s, name: small}\n"
                       "parameters:\n  - {name: glb_depth, component: shared_glb, attribute: "
                       "depth, values: [4096, 16384]}\n"
                       "ga: {population: 2, generations: 1, parents: 2, mutation: 0.3, seed: 5}\n",
                       testutil_path("v04/example_designs/eyeriss_like/arch.yaml"),
                       testutil_path("v04/example_designs/variables.yaml"),
                       testutil_path(intmacs[k]),
                       testutil_path("v04/example_designs/_components/smartbuffer_RF.yaml"),
                       testutil_path("v04/example_designs/_components/smartbuffer_SRAM.yaml"),
                       testutil_path("v04/example_designs/_components/regfile.yaml"),
                       testutil_path("v04/example_designs/_include/mapper.yaml"),
                       testutil_path("search/small_prob.yaml"));
        testutil_run r = testutil_cli(dir, "search --threads 1 -o %s %s", out, spec);
        assert_run_status(&r, 0);
        testutil_run_free(&r);
        area[k] = history_area(out);
    }
    assert_double_rel(area[1] - area[0], 168 * (246.5025 - 191.82), 1e-5, "area difference");
    assert_int_equal(testutil_rmtree(dir), 0);
}

static const char *const small_arch =
    "architecture:\n"
    "  version: 0.4\n"
    "  subtree:\n"
    "  - name: sys\n"
    "    attributes: {technology: 45nm}\n"
    "    local:\n"
    "    - {name: DRAM, class: DRAM, attributes: {width: 64, datawidth: 16}}\n"
    "    - {name: buf, class: my_storage, attributes: {width: 16, depth: 8, datawidth: 16}}\n"
    "    - {name: mac, class: intmac, attributes: {datawidth: 16}}\n";

/* v0.3 (2020) definitions in two files: both lists are read, and a top-level action with
 * argument ranges costs the largest of its combinations (the ERT entry Timeloop binds); the
 * storage's datawidth (Timeloop's word_bits, 16) is an attribute, so n = 16 // 8 = 2:
 * write = max over n of n x 0.21 x 16/32 = 2 x 0.105 (n in 0..2), read = 3 x 0.105 + 0.105. */
static void v03_ranges_and_files(void **state)
{
    (void)state;
    const char *a = "compound_components:\n"
                    "  version: 0.3\n"
                    "  classes:\n"
                    "  - name: my_storage\n"
                    "    attributes: {technology: 45nm, n: datawidth // 8}\n"
                    "    subcomponents:\n"
                    "    - {name: part, class: my_part}\n"
                    "    actions:\n"
                    "    - name: write\n"
                    "      arguments: {k: 0..n}\n"
                    "      subcomponents:\n"
                    "      - {name: part, actions: [{name: go, action_share: k}]}\n"
                    "    - name: read\n"
                    "      subcomponents:\n"
                    "      - {name: part, actions: [{name: go, repeat: n + 1}, {name: go}]}\n";
    const char *b = "compound_components:\n"
                    "  version: 0.3\n"
                    "  classes:\n"
                    "  - name: my_part\n"
                    "    attributes: {technology: 45nm}\n"
                    "    subcomponents:\n"
                    "    - {name: add, class: aladdin_adder, attributes: {width: 16}}\n"
                    "    actions:\n"
                    "    - {name: go, subcomponents: [{name: add, actions: [{name: add}]}]}\n";
    const char *texts[] = {small_arch, a, b};
    const char *names[] = {"arch.yaml", "a.yaml", "b.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 3, NULL);
    const adse_buffer *buf = level(s, "buf");
    assert_double_rel(buf->e_fill, 0.21, 1e-12, "write: k = 2");
    assert_double_rel(buf->e_read, 0.42, 1e-12, "read");
    /* no update action: Timeloop binds the write, as for an ERT that lacks it */
    assert_double_rel(buf->e_update, 0.21, 1e-12, "update");
    adse_spec_free(s);
}

/* The seed example's version 0.3 smartbuffer classes (the 2020 exercises') call Accelergy
 * 0.3 plug-in actions (an adder's 'count' and 'idle') that adse's primitives lack: each
 * definition is set aside with a warning at it, and its components are priced by the
 * built-in model of the class, exactly as when the definitions are not given. */
static void v03_plugin_actions_fall_back(void **state)
{
    (void)state;
    char p[3][1024];
    const char *rel[3] = {"arch/eyeriss_like.yaml", "arch/components/smartbuffer_SRAM.yaml",
                          "arch/components/smartbuffer_RF.yaml"};
    const char *files[3];
    for (int i = 0; i < 3; i++) {
        snprintf(p[i], sizeof p[i], "%s/../../examples/seed-eyeriss-vgg16/%s", ADSE_TEST_DATA_DIR,
                 rel[i]);
        files[i] = p[i];
    }
    adse_spec *with = testutil_load_files_ok(files, 3, NULL);
    adse_spec *without = testutil_load_files_ok(files, 1, NULL);
    assert_true(has_warning(with, "version 0.3 compound class 'smartbuffer_SRAM' defined here is "
                                  "not used: unknown action 'count'"));
    assert_true(has_warning(with, "version 0.3 compound class 'smartbuffer_RF' defined here is "
                                  "not used: unknown action 'idle'"));
    assert_false(has_warning(with, "replaces adse's built-in model"));
    assert_int_equal(with->arch.n_levels, without->arch.n_levels);
    for (int i = 0; i < with->arch.n_levels; i++) {
        const adse_buffer *a = &with->arch.levels[i], *b = &without->arch.levels[i];
        assert_true(a->e_read == b->e_read && a->e_fill == b->e_fill);
        assert_true(a->e_update == b->e_update && a->e_leak == b->e_leak);
        assert_true(a->area_um2 == b->area_um2);
    }
    /* shared_glb by the built-in smartbuffer_SRAM: 32.342452 pJ a read (docs/energy.md) */
    assert_true(fabs(level(with, "shared_glb")->e_read - 32.342452) < 1e-6);
    adse_spec_free(with);
    adse_spec_free(without);
}

/* The component's own energy_scale and area_scale attributes scale its class's actions and
 * area even when the class does not name them (they were dropped before pricing then):
 * 0.5 x read 0.30794 = 0.15397, 2 x area 2736.38 = 5472.76 (hand_priced's numbers); a
 * negative or non-numeric one is an error at the component naming the attribute. */
static void component_scales(void **state)
{
    (void)state;
    char *arch = testutil_read_file(testutil_path("compound/arch.yaml"));
    char *classes = testutil_read_file(testutil_path("compound/classes.yaml"));
    assert_non_null(arch);
    assert_non_null(classes);
    const char *at = "attributes: {width: 16, depth: 8, datawidth: 16}";
    char *p = strstr(arch, at);
    assert_non_null(p);
    static const char *const extra[] = {"energy_scale: 0.5, area_scale: 2", "energy_scale: -1"};
    for (int k = 0; k < 2; k++) {
        char edited[4096];
        snprintf(edited, sizeof edited,
                 "%.*sattributes: {width: 16, depth: 8, datawidth: 16, %s}%s", (int)(p - arch),
                 arch, extra[k], p + strlen(at));
        const char *texts[] = {edited, classes};
        const char *names[] = {"arch.yaml", "classes.yaml"};
        if (k == 0) {
            adse_spec *s = testutil_load_strings_ok(texts, names, 2, NULL);
            const adse_buffer *b = level(s, "buf");
            assert_double_rel(b->e_read, 0.15397, 1e-12, "read");
            assert_double_rel(b->e_fill, 0.02625, 1e-12, "write");
            assert_double_rel(b->area_um2, (double)(float)5472.76, 1e-12, "area");
            adse_spec_free(s);
            continue;
        }
        adse_spec *s = NULL;
        adse_err e;
        assert_int_equal(adse_spec_load_strings(texts, names, 2, &s, &e), ADSE_E_SPEC);
        char msg[1200];
        assert_non_null(strstr(adse_err_format(&e, msg, sizeof msg),
                               "arch.yaml:16:15: my_storage 'buf': attribute 'energy_scale' must "
                               "be a number of at least 0, got -1"));
    }
    free(arch);
    free(classes);
}

/* Each error names the file, line and column of the field, and what is wrong. */
static void errors(void **state)
{
    (void)state;
    static const struct {
        const char *classes;
        const char *want;
    } cases[] = {
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: my_storage\n"
         "    subcomponents:\n    - {name: s, class: SRAMX}\n"
         "    actions:\n    - {name: read, subcomponents: [{name: s, actions: [{name: read}]}]}\n",
         "c.yaml:6:24: unknown class 'SRAMX' of subcomponent 's' of compound class 'my_storage' "
         "(neither a compound class of the files nor a class of adse's estimator) (pricing "
         "'buf' at arch.yaml:8)"},
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: my_storage\n"
         "    subcomponents:\n    - {name: s, class: aladdin_adder}\n"
         "    actions:\n    - name: read\n      subcomponents:\n"
         "      - name: s\n        actions: [{name: idle}]\n",
         "c.yaml:11:26: unknown action 'idle' of subcomponent 's' (class 'aladdin_adder'; adse's "
         "estimator gives it: add, read, write, update, leak)"},
        {"compound_components:\n  version: 0.3\n  classes:\n  - name: my_storage\n"
         "    subcomponents:\n    - {name: s, class: intadder, attributes: {width: 4}}\n"
         "    actions:\n    - name: read\n      subcomponents:\n"
         "      - name: s\n        actions: [{name: idle}]\n",
         "c.yaml:11:26: unknown action 'idle' of subcomponent 's' (class 'intadder'; adse's "
         "estimator gives it: compute, add, read, leak); a version 0.3 class calls Accelergy "
         "0.3's plug-in actions, adse's primitives are Accelergy v0.4's: give the component an "
         "ERT/ART entry, or leave this definition out to use adse's built-in model of its class"},
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: my_storage\n"
         "    subcomponents:\n    - {name: 'bank[0..1]', class: aladdin_adder}\n"
         "    actions:\n    - name: read\n      subcomponents:\n"
         "      - name: bank[1..2]\n        actions: [{name: add}]\n",
         "c.yaml:10:15: 'bank[1..2]' names subcomponents [1..2] outside 'bank[0..1]', which has "
         "[0..1]"},
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: my_storage\n"
         "    attributes: {technology: must_specify, fifo_depth: \"must_specify\"}\n"
         "    subcomponents: []\n    actions: []\n",
         "arch.yaml:8:7: my_storage 'buf': missing attribute 'fifo_depth' (compound class "
         "'my_storage' requires it, c.yaml:5)"},
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: my_storage\n"
         "    subcomponents:\n    - {name: x, class: a}\n    actions: []\n"
         "  - name: a\n    subcomponents:\n    - {name: y, class: my_storage}\n"
         "    actions: []\n",
         "c.yaml:10:24: compound classes defined in a cycle: my_storage -> a -> my_storage"},
        {"compound_components:\n  version: 0.5\n  classes: []\n",
         "c.yaml:2:12: 'version' of 'compound_components' must be 0.3 or 0.4 (the versions adse "
         "reads), not '0.5'"},
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: my_storage\n"
         "    subcomponents: []\n    actions:\n    - name: read\n      subcomponents:\n"
         "      - name: nothing\n        actions: [{name: read}]\n",
         "c.yaml:9:15: action 'read' of compound class 'my_storage' names subcomponent 'nothing', "
         "which the class does not have"},
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: my_storage\n"
         "    subcomponents:\n    - {name: 'r[1..width*nope]', class: aladdin_register}\n"
         "    actions: []\n",
         "c.yaml:6:26: cannot evaluate the range end in 'r[1..width*nope]' 'width*nope': name "
         "'nope' "
         "is not defined (quote it to give a string)"},
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: intmac\n"
         "    subcomponents: []\n    actions:\n    - {name: multiply_add, subcomponents: []}\n"
         "  - name: my_storage\n    subcomponents: []\n    actions: []\n",
         "arch.yaml:9:7: intmac 'mac': its class gives none of the actions Timeloop binds for a "
         "compute (mac_random, mult_random, mac, mult, compute)"},
        /* scales: named by the key given, never negative (a negative energy or area) */
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: my_storage\n"
         "    subcomponents:\n    - {name: s, class: aladdin_adder}\n"
         "    actions:\n    - name: read\n      subcomponents:\n"
         "      - name: s\n        actions: [{name: add, action_share: -1}]\n",
         "c.yaml:11:45: 'action_share' of action 'add' of 's' must not be negative, got -1"},
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: my_storage\n"
         "    subcomponents:\n    - {name: s, class: aladdin_adder}\n"
         "    actions:\n    - name: read\n      subcomponents:\n"
         "      - name: s\n        actions: [{name: add, repeat: twice}]\n",
         "c.yaml:11:39: cannot evaluate 'repeat' of action 'add' of 's' 'twice': name 'twice' is "
         "not defined"},
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: my_storage\n"
         "    subcomponents:\n    - {name: s, class: aladdin_adder, area_share: -2}\n"
         "    actions: []\n",
         "c.yaml:6:51: 'area_share' of subcomponent 's' must not be negative, got -2"},
        {"compound_components:\n  version: 0.4\n  classes:\n  - name: my_storage\n"
         "    subcomponents: []\n    actions:\n    - {name: read, subcomponents: []}\n"
         "    - {name: frob, subcomponents: []}\n",
         NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *texts[] = {small_arch, cases[i].classes};
        const char *names[] = {"arch.yaml", "c.yaml"};
        adse_spec *s = NULL;
        adse_err e;
        adse_status st = adse_spec_load_strings(texts, names, 2, &s, &e);
        if (!cases[i].want) { /* actions Timeloop does not bind are fine */
            assert_int_equal(st, ADSE_OK);
            adse_spec_free(s);
            continue;
        }
        char msg[1200];
        if (st != ADSE_E_SPEC) fail_msg("case %zu: status %d", i, (int)st);
        const char *got = adse_err_format(&e, msg, sizeof msg);
        if (!strstr(got, cases[i].want))
            fail_msg("case %zu:\n got  %s\n want %s", i, got, cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_priced),
        cmocka_unit_test(reprice),
        cmocka_unit_test(eyeriss_published),
        cmocka_unit_test(ispass_published),
        cmocka_unit_test(later_definition_wins),
        cmocka_unit_test(tutorial_published),
        cmocka_unit_test(v03_ranges_and_files),
        cmocka_unit_test(search_uses_definitions),
        cmocka_unit_test(v03_plugin_actions_fall_back),
        cmocka_unit_test(component_scales),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
