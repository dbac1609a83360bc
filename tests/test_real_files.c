/* Real Timeloop inputs from the public exercises (tests/data/real-files, origins in
 * tests/data/README.md) and the loader rules they need (docs/model.md, "Inputs adse reads"):
 * sparse inputs refused or, on request, evaluated dense with the output saying so; Timeloop's
 * alias precedence; the `arch` key; upper-case variables; mapper-only options under
 * `adse model`; own energies without a technology. The numbers of these files against
 * Timeloop's outputs are checked in test_golden.c (real-files/ cases). */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"

#define DOT "real-files/isca2021-dot-product/"

static adse_spec_options opts_with(bool ignore_sparse, bool mapper_unused)
{
    adse_spec_options o;
    adse_spec_options_init(&o);
    o.ignore_sparse = ignore_sparse;
    o.mapper_unused = mapper_unused;
    return o;
}

/* Loads and expects an error at file:line:column (file given relative to tests/data). */
static void load_error(const char *const *rel, int n, const adse_spec_options *o, const char *file,
                       int line, int column, const char *msg)
{
    const char *files[8];
    for (int i = 0; i < n; i++)
        files[i] = testutil_path(rel[i]);
    adse_spec *s = (adse_spec *)1;
    adse_err e;
    adse_status st = adse_spec_load_opts(files, n, o, &s, &e);
    char b[1200];
    if (st != ADSE_E_SPEC || strcmp(e.file, testutil_path(file)) != 0 || e.line != line ||
        e.column != column || strcmp(e.msg, msg) != 0) {
        print_error("got    %s\nwanted %s:%d:%d: %s\n", adse_err_format(&e, b, sizeof b), file,
                    line, column, msg);
        if (st == ADSE_OK) adse_spec_free(s);
        fail();
    }
    assert_null(s);
}

/* The number of warnings whose message contains needle; with line > 0 the (one) match must
 * be at that line and column. */
static int warnings_with(const adse_spec *s, const char *needle, int line, int column)
{
    int n = 0;
    for (int i = 0; i < adse_spec_warning_count(s); i++) {
        const adse_err *w = adse_spec_warning(s, i);
        if (!strstr(w->msg, needle)) continue;
        n++;
        if (line > 0) {
            assert_int_equal(w->line, line);
            assert_int_equal(w->column, column);
        }
    }
    return n;
}

/* ---- sparse inputs ------------------------------------------------------------------- */

static void test_sparse_refused(void **state)
{
    (void)state;
    adse_spec_options o = opts_with(false, true);
    /* 2021 ISCA 01.2.2: gating B and Z on A (Timeloop: same cycles, 0.86 pJ/compute
     * against the dense 2.22; adse would have printed the dense numbers, exit 0) */
    const char *dot[] = {DOT "1level.arch.yaml", DOT "dot-product-1level.yaml",
                         DOT "densities.prob.yaml", DOT "gateBZ.yaml"};
    load_error(dot, 4, &o, DOT "gateBZ.yaml", 4, 7,
               "sparse modeling is not supported yet: 'action-optimization' of 'Buffer' in "
               "'sparse_optimizations' (--ignore-sparse evaluates the dense problem instead)");
}

/* 2021 ISCA 04.2.1: Eyeriss-like with compressed DRAM and gating (Timeloop 1,916,929
 * cycles; adse printed the dense problem's 3,833,856 and exit 0 before). Its DummyBuffer gives
 * depth: 0 and entries: 0, which Timeloop reads as entries. */
static void test_sparse_refused_eyeriss(void **state)
{
    (void)state;
    adse_spec_options o = opts_with(false, true);
    const char *eg = "real-files/isca2021-eyeriss-gating/";
    char f[4][128];
    const char *ey[4] = {f[0], f[1], f[2], f[3]};
    snprintf(f[0], sizeof f[0], "%sarch.yaml", eg);
    snprintf(f[1], sizeof f[1], "%seyeriss_like.yaml", eg);
    snprintf(f[2], sizeof f[2], "%slayer3.prob.yaml", eg);
    snprintf(f[3], sizeof f[3], "%slayer3.map.yaml", eg);
    char where[128];
    snprintf(where, sizeof where, "%seyeriss_like.yaml", eg);
    load_error(ey, 4, &o, where, 12, 7,
               "sparse modeling is not supported yet: 'representation-format' of 'DRAM' in "
               "'sparse_optimizations' (--ignore-sparse evaluates the dense problem instead)");
}

static void test_sparse_empty_accepted(void **state)
{
    (void)state;
    /* timeloopfe writes sparse_optimizations with no targets for dense designs */
    const char *texts[] = {"sparse_optimizations: {version: 0.4, targets: []}\n"};
    const char *names[] = {"s.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 1, NULL);
    assert_int_equal(adse_spec_warning_count(s), 0);
    adse_spec_free(s);
}

static void test_ignore_sparse(void **state)
{
    (void)state;
    adse_spec_options o = opts_with(true, true);
    const char *files[] = {
        testutil_path(DOT "1level.arch.yaml"), testutil_path(DOT "dot-product-1level.yaml"),
        testutil_path(DOT "densities.prob.yaml"), testutil_path(DOT "gateBZ.yaml")};
    adse_spec *s = testutil_load_files_ok(files, 4, &o);
    assert_true(s->problem.sparse_ignored);
    assert_int_equal(warnings_with(s, "ignored on request (--ignore-sparse)", 4, 7), 1);
    /* the densities are part of what was ignored: no second warning for them */
    assert_int_equal(warnings_with(s, "'densities' ignored", 0, 0), 0);
    assert_non_null(adse_report_sparse_note(&s->problem));
    adse_spec_free(s);

    /* the dense problem says nothing */
    const char *dense[] = {testutil_path(DOT "1level.arch.yaml"),
                           testutil_path(DOT "dot-product-1level.yaml"),
                           testutil_path(DOT "dense.prob.yaml")};
    s = testutil_load_files_ok(dense, 3, &o);
    assert_false(s->problem.sparse_ignored);
    assert_null(adse_report_sparse_note(&s->problem));
    assert_int_equal(adse_spec_warning_count(s), 0);
    adse_spec_free(s);
}

static void test_densities_warned(void **state)
{
    (void)state;
    /* 2021 ISCA 01.2.2 "no optimization": Timeloop's output equals the dense one */
    adse_spec_options o = opts_with(false, true);
    const char *files[] = {testutil_path(DOT "1level.arch.yaml"),
                           testutil_path(DOT "dot-product-1level.yaml"),
                           testutil_path(DOT "densities.prob.yaml")};
    adse_spec *s = testutil_load_files_ok(files, 3, &o);
    assert_false(s->problem.sparse_ignored);
    assert_int_equal(warnings_with(s, "'densities' ignored: without 'sparse_optimizations'", 21, 5),
                     1);
    adse_spec_free(s);
}

/* `adse model --ignore-sparse` says so on stdout, in --json and in stats.txt. */
static void test_cli_ignore_sparse(void **state)
{
    (void)state;
    char arch[1024], map[1024], prob[1024], sp[1024], ert[1024];
    testutil_data(DOT "1level.arch.yaml", arch, sizeof arch);
    testutil_data(DOT "dot-product-1level.yaml", map, sizeof map);
    testutil_data(DOT "densities.prob.yaml", prob, sizeof prob);
    testutil_data(DOT "gateBZ.yaml", sp, sizeof sp);
    testutil_data(DOT "timeloop-model.ERT.yaml", ert, sizeof ert);
    const char *note = "Dense evaluation: sparse features ignored on request (--ignore-sparse)";

    testutil_run r =
        testutil_cli(testutil_tmp, "model '%s' '%s' '%s' '%s' '%s'", arch, map, prob, sp, ert);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "sparse modeling is not supported yet"));
    assert_string_equal(r.out, "");
    testutil_run_free(&r);

    r = testutil_cli(testutil_tmp, "model --ignore-sparse -o '%s/out' '%s' '%s' '%s' '%s' '%s'",
                     testutil_tmp, arch, map, prob, sp, ert);
    assert_run_status(&r, 0);
    /* Timeloop's dense numbers for this design (01.2.1's reference): 16 cycles */
    char want[256];
    snprintf(want, sizeof want, "Utilization = 1.00 | pJ/Compute =    2.215 | Cycles = 16\n%s\n",
             note);
    assert_string_equal(r.out, want);
    assert_non_null(strstr(r.err, "adse: warning: "));
    testutil_run_free(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/out/adse-model.stats.txt", testutil_tmp);
    char *stats = testutil_read_file(path);
    assert_non_null(stats);
    assert_int_equal(strncmp(stats, note, strlen(note)), 0);
    free(stats);

    r = testutil_cli(testutil_tmp, "model --json --ignore-sparse '%s' '%s' '%s' '%s' '%s'", arch,
                     map, prob, sp, ert);
    assert_int_equal(r.status, 0);
    json_t *doc = json_parse_ok(r.out);
    assert_true(json_is_true(json_object_get(doc, "sparse_ignored")));
    assert_string_equal(json_string_value(json_object_get(doc, "note")), note);
    assert_int_equal(json_integer_value(json_object_get(doc, "cycles")), 16);
    json_decref(doc);
    testutil_run_free(&r);

    /* adse map: refused, or the note under the summary line */
    expect_cli(1, NULL, "sparse modeling is not supported yet",
               "map --threads 1 '%s' '%s' '%s' '%s'", arch, prob, sp, ert);
    r = testutil_cli(testutil_tmp, "map --threads 1 --ignore-sparse '%s' '%s' '%s' '%s'", arch,
                     prob, sp, ert);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, want)); /* the summary line, then the note */
    testutil_run_free(&r);
}

/* ---- older and processed files ------------------------------------------------------- */

/* The 2020 tutorials' `arch:` key; Timeloop reads it before `architecture`. */
static void test_arch_key(void **state)
{
    (void)state;
#define ARCH_KEY_TREE                                                                              \
    "  subtree:\n  - name: S\n    local:\n    - name: Buf\n      class: SRAM\n"                    \
    "      attributes: {depth: %d, width: 16, word-bits: 16}\n"                                    \
    "    - name: mac\n      class: intmac\n      attributes: {word-bits: 16}\n"
    char a[512], b[512];
    snprintf(a, sizeof a, "arch:\n" ARCH_KEY_TREE, 64);
    snprintf(b, sizeof b, "architecture:\n" ARCH_KEY_TREE, 128);
#undef ARCH_KEY_TREE
    const adse_spec_options *fb = testutil_fallback_options();
    const char *one[] = {a};
    const char *names[] = {"a.yaml", "b.yaml"};
    adse_spec *s = testutil_load_strings_ok(one, names, 1, fb);
    assert_true(s->has_arch);
    assert_int_equal(s->arch.levels[0].size_words, 64);
    assert_int_equal(adse_spec_warning_count(s), 0);
    adse_spec_free(s);

    const char *both[] = {b, a};
    s = testutil_load_strings_ok(both, names, 2, fb);
    assert_int_equal(s->arch.levels[0].size_words, 64);
    assert_int_equal(warnings_with(s, "'architecture' ignored: 'arch' is given too", 1, 1), 1);
    adse_spec_free(s);
}

static const char arch_head[] = "architecture:\n"
                                "  subtree:\n"
                                "  - name: S\n"
                                "    local:\n"
                                "    - name: Buf\n"
                                "      class: SRAM\n"
                                "      attributes:\n";
static const char arch_tail[] = "    - name: mac\n"
                                "      class: intmac\n"
                                "      attributes: {word-bits: 16}\n";

static adse_spec *load_buf(const char *attrs)
{
    char text[1024];
    snprintf(text, sizeof text, "%s%s%s", arch_head, attrs, arch_tail);
    const char *texts[] = {text};
    const char *names[] = {"arch.yaml"};
    return testutil_load_strings_ok(texts, names, 1, testutil_fallback_options());
}

/* Timeloop's order (BufferLevel::ParseSpecs): word_bits, word_width, datawidth; width,
 * memory_width, data_storage_width; depth, memory_depth, data_storage_depth; block_size,
 * n_words; num_banks, n_banks; num_ports, n_ports. The first wins; a different value in a
 * later one is a warning. */
static void test_alias_precedence(void **state)
{
    (void)state;
    /* the 2020 Simba-like design: word-bits and datawidth, same value: silent */
    adse_spec *s = load_buf("        {depth: 16, width: 8, word-bits: 8, datawidth: 8}\n");
    assert_int_equal(s->arch.levels[0].word_bits, 8);
    assert_int_equal(adse_spec_warning_count(s), 0);
    adse_spec_free(s);

    s = load_buf("        {depth: 16, width: 32, datawidth: 16, word_width: 8}\n");
    assert_int_equal(s->arch.levels[0].word_bits, 8);
    assert_int_equal(s->arch.levels[0].block_size, 4);
    assert_int_equal(warnings_with(s,
                                   "'datawidth: 16' in attributes of 'Buf' ignored: "
                                   "'word_width: 8' comes first in Timeloop's order",
                                   8, 32),
                     1);
    adse_spec_free(s);

    s = load_buf("        {data_storage_depth: 8, memory_depth: 32, depth: 16, width: 16}\n");
    assert_int_equal(s->arch.levels[0].size_words, 16);
    assert_int_equal(warnings_with(s, "comes first in Timeloop's order", 0, 0), 2);
    adse_spec_free(s);

    s = load_buf("        {depth: 16, width: 16, n_banks: 4, num_banks: 2, n_ports: 1}\n");
    assert_int_equal(s->arch.levels[0].num_banks, 2);
    assert_int_equal(s->arch.levels[0].num_ports, 1);
    assert_int_equal(warnings_with(s, "'n_banks: 4'", 0, 0), 1);
    adse_spec_free(s);

    /* entries before depth (the 2021 tutorials' depth: 0, entries: 0), sizeKB last */
    s = load_buf("        {depth: 0, entries: 0, width: 16}\n");
    assert_int_equal(s->arch.levels[0].size_words, 0);
    assert_true(s->arch.levels[0].size_specified);
    assert_int_equal(adse_spec_warning_count(s), 0);
    adse_spec_free(s);
    s = load_buf("        {depth: 8, entries: 64, width: 32, word_bits: 16}\n");
    assert_int_equal(s->arch.levels[0].size_words, 64);
    assert_int_equal(warnings_with(s,
                                   "'depth' of 'Buf' ignored: 'entries' (64) comes first in "
                                   "Timeloop's order and differs from depth * block_size (16)",
                                   5, 7),
                     1);
    adse_spec_free(s);

    /* with the same value in a different spelling: silent */
    s = load_buf("        {depth: 16, width: 16, block_size: 1, n_words: 1.0}\n");
    assert_int_equal(adse_spec_warning_count(s), 0);
    adse_spec_free(s);
}

/* timeloopfe copies its variables into the root's attributes (DATAWIDTH of the 2024
 * tutorial); a lower-case near miss stays an error (test_spec.c). */
static void test_upper_case_variable(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text,
             "architecture:\n  subtree:\n  - name: S\n    attributes: {DATAWIDTH: 8, "
             "technology: 45nm}\n    local:\n    - name: Buf\n      class: SRAM\n"
             "      attributes: {depth: 16, width: 16, DEPTH: 4}\n%s",
             arch_tail);
    const char *texts[] = {text};
    const char *names[] = {"arch.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 1, testutil_fallback_options());
    assert_int_equal(s->arch.levels[0].word_bits, 16);
    assert_int_equal(s->arch.levels[0].size_words, 16);
    assert_int_equal(warnings_with(s,
                                   "'DATAWIDTH' in attributes of 'S' ignored: it is not "
                                   "'datawidth'",
                                   4, 18),
                     1);
    assert_int_equal(warnings_with(s, "'DEPTH' in attributes of 'Buf' ignored", 8, 42), 1);
    adse_spec_free(s);
}

/* timeloopfe writes every mapper option into the files `adse model` reads (the 2024
 * tutorial's max_temporal_loops_in_a_mapping: 9 is a limit the mapper honours). */
static void test_mapper_options_under_model(void **state)
{
    (void)state;
    const char *limit[] = {"mapper: {max_temporal_loops_in_a_mapping: 9, num_threads: 4}\n"};
    const char *names[] = {"m.yaml"};
    adse_spec *lim = testutil_load_strings_ok(limit, names, 1, NULL);
    assert_true(lim->has_mapper);
    assert_int_equal(lim->mapper.max_temporal_loops, 9);
    adse_spec_free(lim);
    const char *texts[] = {"mapper: {optimization_metrics: [ordered_accesses], num_threads: 4}\n"};
    adse_spec_options model = opts_with(false, true);
    adse_spec *s = testutil_load_strings_ok(texts, names, 1, &model);
    assert_false(s->has_mapper);
    assert_int_equal(warnings_with(s,
                                   "optimization metric 'ordered_accesses' is not supported by "
                                   "adse (edp, energy, delay or last_level_accesses) (ignored: "
                                   "no mapper runs)",
                                   1, 33),
                     1);
    adse_spec_free(s);
    /* for the mapper it stays an error */
    adse_spec *bad = (adse_spec *)1;
    adse_err e;
    assert_int_equal(adse_spec_load_strings(texts, names, 1, &bad, &e), ADSE_E_SPEC);
    assert_null(bad);
    assert_int_equal(e.line, 1);
    /* malformed YAML is never tolerated */
    const char *broken[] = {"mapper: {num_threads: [\n"};
    assert_int_equal(adse_spec_load_strings_opts(broken, names, 1, &model, &bad, &e),
                     ADSE_E_SYNTAX);
}

/* The 2019 tutorials (exercises/timeloop/01-conv1d-2level at 925304f) ran timeloop-model
 * without Accelergy: no technology anywhere, vector-access-energy on the storage levels and
 * nothing on the MAC. Timeloop prices what the file does not with its built-in energies
 * (the MAC: (8/16)^2 = 0.25 pJ); so does adse, with a warning, instead of stopping. */
static void test_own_energy_without_technology(void **state)
{
    (void)state;
    const char *texts[] = {"arch:\n  version: 0.2\n  subtree:\n  - name: PE\n    local:\n"
                           "    - name: RegisterFile\n      class: SRAM\n"
                           "      attributes: {depth: 64, word-bits: 8, vector-access-energy: 1}\n"
                           "    - name: MACC\n      class: intmac\n"
                           "      attributes: {word-bits: 8}\n"};
    const char *names[] = {"a.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 1, NULL); /* estimator mode */
    const adse_buffer *b = &s->arch.levels[0];
    assert_int_equal(b->energy_source, ADSE_ENERGY_USER);
    assert_double_rel(b->e_read, 1.0, 0, "read energy");
    assert_double_rel(b->e_fill, 1.0, 0, "fill energy");
    assert_int_equal(b->area_source, ADSE_ENERGY_FALLBACK);
    assert_int_equal(s->arch.arith.energy_source, ADSE_ENERGY_FALLBACK);
    assert_double_rel(s->arch.arith.e_compute, 0.25, 1e-12, "PAT 8-bit MAC energy");
    assert_int_equal(warnings_with(s,
                                   "'RegisterFile' has no 'technology', which the estimator "
                                   "needs: its area is Timeloop's built-in one",
                                   6, 7),
                     1);
    assert_int_equal(warnings_with(s,
                                   "'MACC' has no 'technology', which the estimator needs: "
                                   "its energy and area are Timeloop's built-in ones",
                                   9, 7),
                     1);
    assert_int_equal(adse_spec_warning_count(s), 2);
    adse_spec_free(s);

    /* with a technology the estimator prices them, and says nothing */
    const char *tech[] = {
        "arch:\n  version: 0.2\n  subtree:\n  - name: PE\n    attributes: {technology: 45nm}\n"
        "    local:\n    - name: RegisterFile\n      class: SRAM\n"
        "      attributes: {depth: 64, width: 8, word-bits: 8, vector-access-energy: 1}\n"
        "    - name: MACC\n      class: intmac\n      attributes: {word-bits: 8}\n"};
    s = testutil_load_strings_ok(tech, names, 1, NULL);
    assert_int_equal(s->arch.arith.energy_source, ADSE_ENERGY_ESTIMATOR);
    assert_int_equal(s->arch.levels[0].area_source, ADSE_ENERGY_ESTIMATOR);
    assert_int_equal(adse_spec_warning_count(s), 0);
    adse_spec_free(s);
}

/* The 2020 Simba-like design gives `word-bits` and `datawidth` with the same value (adse
 * used to stop on "both given"); its mapper run reaches Timeloop's cycles (732,050). Its
 * ERT prices the weight registers with one `access` action, which Timeloop uses for every
 * read and fill (the vector access energy): Timeloop's 419.26 pJ for the same counts. */
static void test_simba_like_2020(void **state)
{
    (void)state;
    char dir[1024];
    testutil_data("real-files/ispass2020-simba-like", dir, sizeof dir);
    testutil_run r = testutil_cli(
        testutil_tmp,
        "map --json --threads 1 %1$s/simba_like.yaml %1$s/lmac.yaml %1$s/reg_storage.yaml "
        "%1$s/smartbuffer_RF.yaml %1$s/smartbuffer_SRAM.yaml %1$s/simba_like_arch_constraints.yaml "
        "%1$s/simba_like_map_constraints.yaml %1$s/mapper.yaml %1$s/AlexNet_layer1.yaml "
        "%1$s/timeloop-mapper.ERT.yaml %1$s/timeloop-mapper.ART.yaml",
        dir);
    assert_run_status(&r, 0);
    assert_string_equal(r.err, "");
    json_t *doc = json_parse_ok(r.out);
    assert_int_equal(json_integer_value(json_object_get(doc, "cycles")), 732050);
    assert_int_equal(json_integer_value(json_object_get(doc, "computes")), 105415200);
    json_t *regs = json_array_get(json_object_get(doc, "levels"), 0);
    assert_string_equal(json_string_value(json_object_get(regs, "name")), "PEWeightRegs");
    json_t *w = json_object_get(json_object_get(regs, "dataspaces"), "Weights");
    assert_int_equal(json_integer_value(json_object_get(w, "reads_per_instance")), 732050);
    assert_int_equal(json_integer_value(json_object_get(w, "fills_per_instance")), 13310);
    assert_double_rel(json_real_value(json_object_get(regs, "energy_pj")), 419.26, 0.005 / 419.26,
                      "PEWeightRegs energy");
    json_decref(doc);
    testutil_run_free(&r);
}

/* ---- the documented list (docs/model.md section 15) ---------------------------------- */

#define MAX_ROWS 64
#define MAX_TOKENS 256

typedef struct doc_row {
    char keys[16][64]; /* the backticked tokens of the key cell */
    int n_keys;
    char where[32];
    char example[256];
    char verdict[32];
} doc_row;

static char *repo_file(const char *rel)
{
    char path[1024];
    testutil_data(rel, path, sizeof path); /* tests/data/<rel> */
    char *t = testutil_read_file(path);
    if (!t) fail_msg("cannot read %s", path);
    return t;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        s[--n] = 0;
    size_t k = strspn(s, " ");
    memmove(s, s + k, strlen(s + k) + 1);
}

/* The rows of the table of section 15. */
static int doc_rows(doc_row *rows)
{
    char *md = repo_file("../../docs/model.md");
    char *sec = strstr(md, "\n## 15.");
    assert_non_null(sec);
    int n = 0;
    for (char *line = sec + 1; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (line[0] == '#' && line != sec + 1) break;
        if (line[0] != '|' || strncmp(line, "| key", 5) == 0 || strncmp(line, "| ---", 5) == 0)
            continue;
        char buf[2048];
        size_t len = strcspn(line, "\n");
        assert_true(len < sizeof buf);
        memcpy(buf, line, len);
        buf[len] = 0;
        char *cells[6];
        int nc = 0;
        for (char *c = buf + 1; nc < 6 && c; nc++) {
            char *bar = strchr(c, '|');
            cells[nc] = c;
            if (bar) *bar = 0;
            c = bar ? bar + 1 : NULL;
        }
        assert_true(nc >= 5);
        assert_true(n < MAX_ROWS);
        doc_row *r = &rows[n++];
        memset(r, 0, sizeof *r);
        for (char *t = strchr(cells[0], '`'); t; t = strchr(t, '`')) {
            char *e = strchr(t + 1, '`');
            assert_non_null(e);
            assert_true(r->n_keys < 16 && e - t - 1 < 64);
            memcpy(r->keys[r->n_keys], t + 1, (size_t)(e - t - 1));
            r->keys[r->n_keys++][e - t - 1] = 0;
            t = e + 1;
        }
        snprintf(r->where, sizeof r->where, "%s", cells[1]);
        snprintf(r->example, sizeof r->example, "%s", cells[2]);
        snprintf(r->verdict, sizeof r->verdict, "%s", cells[3]);
        trim(r->where);
        trim(r->example);
        trim(r->verdict);
        size_t el = strlen(r->example);
        if (el >= 2 && r->example[0] == '`' && r->example[el - 1] == '`') {
            memmove(r->example, r->example + 1, el - 2);
            r->example[el - 2] = 0;
        }
    }
    free(md);
    return n;
}

/* A small dense design (the 2021 tutorial's dot product) with a key inserted at `where`. */
static void probe_text(char *text, size_t size, const char *where, const char *key,
                       const char *value)
{
    char kv[512];
    snprintf(kv, sizeof kv, ", %s: %s", key, value);
    bool st = strcmp(where, "storage") == 0, ar = strcmp(where, "arithmetic") == 0,
         in = strcmp(where, "instance") == 0, co = strcmp(where, "component") == 0;
    char comp[512] = "";
    if (co) snprintf(comp, sizeof comp, "      %s: %s\n", key, value);
    char top[512] = "";
    if (strcmp(where, "top") == 0)
        snprintf(top, sizeof top, "%s: %s\n", key, value);
    else if (strcmp(where, "mapper") == 0 || strcmp(where, "model") == 0)
        snprintf(top, sizeof top, "%s: {%s: %s}\n", where, key, value);
    else if (!st && !ar && !in && !co)
        fail_msg("unknown place '%s' for '%s' in docs/model.md section 15", where, key);
    snprintf(text, size,
             "architecture:\n"
             "  subtree:\n"
             "  - name: S\n"
             "    local:\n"
             "    - name: DRAM\n"
             "      class: DRAM\n"
             "      attributes: {width: 64, word-bits: 16}\n"
             "    - name: Buf\n"
             "      class: SRAM\n"
             "      attributes: {depth: 64, width: 16, word-bits: 16%s}\n"
             "%s"
             "    - name: mac\n"
             "      class: intmac\n"
             "      attributes: {word-bits: 16%s}\n"
             "problem:\n"
             "  shape:\n"
             "    name: dot\n"
             "    dimensions: [M, K]\n"
             "    data_spaces:\n"
             "    - {name: A, projection: [[[K]]]}\n"
             "    - {name: B, projection: [[[K]]]}\n"
             "    - {name: Z, projection: [[[M]]], read_write: true}\n"
             "  instance: {M: 1, K: 16%s}\n"
             "mapping:\n"
             "- {target: Buf, type: temporal, factors: K=16 M=1, permutation: KM}\n"
             "- {target: DRAM, type: temporal, factors: K=1 M=1, permutation: KM}\n"
             "%s",
             st ? kv : "", comp, ar ? kv : "", in ? kv : "", top);
}

static void evaluate(const adse_spec *s, adse_result *r)
{
    adse_model *m = NULL;
    adse_err e;
    assert_int_equal(adse_model_create(&s->arch, &s->problem, NULL, &m, &e), ADSE_OK);
    adse_scratch *sc = adse_scratch_new(m);
    assert_non_null(sc);
    assert_int_equal(adse_model_evaluate(m, &s->mapping, sc, r, &e), ADSE_OK);
    adse_scratch_free(sc);
    adse_model_free(m);
}

static bool same_numbers(const adse_result *a, const adse_result *b, int n_levels, int n_ds)
{
    if (a->cycles != b->cycles || a->energy_pj != b->energy_pj || a->area_um2 != b->area_um2)
        return false;
    for (int i = 0; i < n_levels; i++)
        for (int d = 0; d < n_ds; d++) {
            const adse_ds_stats *x = &a->levels[i].ds[d], *y = &b->levels[i].ds[d];
            if (x->reads != y->reads || x->fills != y->fills || x->updates != y->updates ||
                x->utilized_capacity != y->utilized_capacity)
                return false;
        }
    return true;
}

static void check_row_key(const doc_row *row, const char *key, const adse_result *base)
{
    char text[4096];
    probe_text(text, sizeof text, row->where, key, row->example);
    const char *texts[] = {text};
    const char *names[] = {"probe.yaml"};
    adse_spec_options o = *testutil_fallback_options();
    o.mapper_unused = true;
    adse_spec *s = NULL;
    adse_err e;
    adse_status st = adse_spec_load_strings_opts(texts, names, 1, &o, &s, &e);
    char b[1200];
    if (strcmp(row->verdict, "error") == 0) {
        if (st == ADSE_OK) {
            adse_spec_free(s);
            fail_msg("'%s' (%s) is documented as an error but loads", key, row->where);
        }
        if (!strstr(e.msg, key))
            fail_msg("'%s' (%s): the error does not name it: %s", key, row->where,
                     adse_err_format(&e, b, sizeof b));
        return;
    }
    if (st != ADSE_OK)
        fail_msg("'%s' (%s) is documented as %s but is refused: %s", key, row->where, row->verdict,
                 adse_err_format(&e, b, sizeof b));
    int named = 0;
    for (int i = 0; i < adse_spec_warning_count(s); i++)
        named += strstr(adse_spec_warning(s, i)->msg, key) != NULL;
    if (strcmp(row->verdict, "warning") == 0) {
        if (!named) {
            adse_spec_free(s);
            fail_msg("'%s' (%s) is documented with a warning, none names it", key, row->where);
        }
    } else if (strcmp(row->verdict, "ignored") == 0) {
        if (adse_spec_warning_count(s) != 0) {
            const adse_err *w = adse_spec_warning(s, 0);
            snprintf(b, sizeof b, "%s", w->msg);
            adse_spec_free(s);
            fail_msg("'%s' (%s) is documented as ignored but warns: %s", key, row->where, b);
        }
        adse_result *r = calloc(1, sizeof *r);
        assert_non_null(r);
        evaluate(s, r);
        bool same = same_numbers(r, base, s->arch.n_levels, s->problem.n_ds);
        free(r);
        if (!same) {
            adse_spec_free(s);
            fail_msg("'%s' (%s) is documented as ignored but changes the numbers", key, row->where);
        }
    } else {
        adse_spec_free(s);
        fail_msg("unknown verdict '%s' for '%s' in docs/model.md section 15", row->verdict, key);
    }
    adse_spec_free(s);
}

/* The quoted strings of `static const char *const NAME[] = {...}` in a source file. */
static int code_list(const char *rel, const char *name, char (*out)[64], int max)
{
    char *src = repo_file(rel);
    char pat[128];
    snprintf(pat, sizeof pat, "%s[] = {", name);
    char *p = strstr(src, pat);
    if (!p) fail_msg("no list '%s' in %s", name, rel);
    char *end = strstr(p, "NULL}");
    assert_non_null(end);
    int n = 0;
    for (char *q = strchr(p, '"'); q && q < end; q = strchr(q, '"')) {
        char *e = strchr(q + 1, '"');
        assert_true(n < max && e - q - 1 < 64);
        memcpy(out[n], q + 1, (size_t)(e - q - 1));
        out[n++][e - q - 1] = 0;
        q = e + 1;
    }
    free(src);
    return n;
}

static void test_documented_inputs(void **state)
{
    (void)state;
    doc_row *rows = calloc(MAX_ROWS, sizeof *rows);
    assert_non_null(rows);
    int n = doc_rows(rows);
    assert_true(n >= 20);

    /* the design without any of them */
    char text[4096];
    probe_text(text, sizeof text, "storage", "version", "0.4");
    const char *texts[] = {text};
    const char *names[] = {"probe.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 1, testutil_fallback_options());
    adse_result *base = calloc(1, sizeof *base);
    assert_non_null(base);
    evaluate(s, base);
    assert_int_equal(base->cycles, 16);
    adse_spec_free(s);

    int checked = 0;
    for (int i = 0; i < n; i++) {
        const doc_row *r = &rows[i];
        if (strcmp(r->verdict, "modeled") == 0 || strcmp(r->verdict, "networks") == 0) continue;
        if (!r->example[0])
            fail_msg("row '%s' of docs/model.md section 15 has no example", r->keys[0]);
        for (int k = 0; k < r->n_keys; k++) {
            if (strchr(r->keys[k], '*')) continue; /* a family such as log_* */
            check_row_key(r, r->keys[k], base);
            checked++;
        }
    }
    assert_true(checked >= 40);

    /* every key the loader's code accepts and ignores has a row */
    static const struct {
        const char *file, *list;
    } lists[] = {{"../../src/input/arch_yaml.c", "accepted_other"},
                 {"../../src/input/arch_yaml.c", "component_keys"},
                 {"../../src/input/spec.c", "kept_keys"},
                 {"../../src/input/constraints_yaml.c", "ignored_mapper_keys"}};
    char(*keys)[64] = calloc(MAX_TOKENS, sizeof *keys);
    assert_non_null(keys);
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++) {
        int nk = code_list(lists[l].file, lists[l].list, keys, MAX_TOKENS);
        assert_true(nk > 0);
        for (int k = 0; k < nk; k++) {
            bool found = false;
            for (int i = 0; i < n && !found; i++)
                for (int j = 0; j < rows[i].n_keys && !found; j++)
                    found = strcmp(rows[i].keys[j], keys[k]) == 0;
            if (!found)
                fail_msg("'%s' (%s in %s) is not in docs/model.md section 15", keys[k],
                         lists[l].list, lists[l].file);
        }
    }
    free(keys);
    free(base);
    free(rows);
}

/* An ERT table for the MAC without a compute action leaves Timeloop's built-in energy
 * (arithmetic.cpp: only the actions found replace it): a warning, not a silent drop. */
static void test_ert_without_compute_action(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text,
             "%s        {depth: 16, width: 16}\n%s"
             "ERT:\n  version: 0.3\n  tables:\n  - name: S.mac\n    actions:\n"
             "    - {name: idle, arguments: null, energy: 0.1}\n",
             arch_head, arch_tail);
    const char *texts[] = {text};
    const char *names[] = {"arch.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 1, testutil_fallback_options());
    assert_double_rel(s->arch.arith.e_compute, 1.0, 1e-12, "PAT 16-bit MAC energy");
    assert_int_equal(warnings_with(s,
                                   "ERT table 'S.mac' gives no compute energy of 'mac' (its "
                                   "actions: idle)",
                                   15, 11),
                     1);
    adse_spec_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sparse_refused),
        cmocka_unit_test(test_sparse_refused_eyeriss),
        cmocka_unit_test(test_sparse_empty_accepted),
        cmocka_unit_test(test_ignore_sparse),
        cmocka_unit_test(test_densities_warned),
        cmocka_unit_test(test_cli_ignore_sparse),
        cmocka_unit_test(test_arch_key),
        cmocka_unit_test(test_alias_precedence),
        cmocka_unit_test(test_upper_case_variable),
        cmocka_unit_test(test_mapper_options_under_model),
        cmocka_unit_test(test_own_energy_without_technology),
        cmocka_unit_test(test_simba_like_2020),
        cmocka_unit_test(test_ert_without_compute_action),
        cmocka_unit_test(test_documented_inputs),
    };
    return cmocka_run_group_tests(tests, testutil_tmp_setup, testutil_tmp_teardown);
}
