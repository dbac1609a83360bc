/* The spec loader: the YAML tree, architecture, problem, mapping, ERT/ART binding, and
 * every golden input against the SPECS blocks of Timeloop's own stats.txt. Inputs are loaded
 * with Timeloop's fallback energies (ADSE_ENERGY_MODE_TIMELOOP_FALLBACK), as Timeloop does
 * without an ERT, so that the small test architectures need no technology; the estimator
 * path of the loader is tested in test_energy_spec.c. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "energy/bind.h"
#include "input/tree.h"
#include "util/file.h"

/* ---- helpers ------------------------------------------------------------------------- */

/* Loads texts and expects an error with exactly this code, place and message. */
static void expect_error(const char *const *texts, const char *const *names, int n,
                         adse_status code, const char *file, int line, int column, const char *msg)
{
    adse_spec *s = (adse_spec *)1;
    adse_err e;
    adse_status st =
        adse_spec_load_strings_opts(texts, names, n, testutil_fallback_options(), &s, &e);
    char b[1200];
    if (st != code || e.code != code || strcmp(e.file, file) != 0 || e.line != line ||
        e.column != column || strcmp(e.msg, msg) != 0) {
        print_error("got    %s [%s]\nwanted %s:%d:%d: %s [%s]\n", adse_err_format(&e, b, sizeof b),
                    adse_status_name(st), file, line, column, msg, adse_status_name(code));
        if (st == ADSE_OK) adse_spec_free(s);
        fail();
    }
    assert_null(s);
}

static char *read_data(const char *rel)
{
    char *t = testutil_read_file(testutil_path(rel));
    assert_non_null(t);
    return t;
}

/* ---- golden comparison against stats.txt SPECS ------------------------------------- */

typedef struct kv {
    char key[64];
    char val[128];
} kv;

typedef struct sblock {
    char name[ADSE_NAME_MAX];
    int level;
    int n;
    kv kv[160];
} sblock;

typedef struct sfile {
    int n;
    sblock b[ADSE_MAX_LEVELS + 2];
} sfile;

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
    return s;
}

/* Reads the "Buffer and Arithmetic Levels" part of a Timeloop stats.txt. */
static void parse_stats(const char *path, sfile *out)
{
    char *text = testutil_read_file(path);
    if (!text) {
        print_error("cannot read %s\n", path);
        fail();
    }
    memset(out, 0, sizeof *out);
    int level = -1;
    sblock *cur = NULL;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "Networks", 8) == 0) break;
        if (strncmp(line, "Level ", 6) == 0) {
            level = atoi(line + 6);
            continue;
        }
        char *t = trim(line);
        size_t n = strlen(t);
        if (n > 8 && strncmp(t, "=== ", 4) == 0 && strcmp(t + n - 4, " ===") == 0) {
            assert_true(out->n < ADSE_MAX_LEVELS + 2);
            cur = &out->b[out->n++];
            t[n - 4] = 0;
            snprintf(cur->name, sizeof cur->name, "%s", t + 4);
            cur->level = level;
            continue;
        }
        char *colon = strchr(t, ':');
        if (!cur || !colon || cur->n == (int)(sizeof cur->kv / sizeof cur->kv[0])) continue;
        *colon = 0;
        snprintf(cur->kv[cur->n].key, sizeof cur->kv[cur->n].key, "%s", trim(t));
        snprintf(cur->kv[cur->n].val, sizeof cur->kv[cur->n].val, "%s", trim(colon + 1));
        cur->n++;
    }
    free(text);
}

/* First value of key in the block (SPECS come before STATS), or NULL. */
static const char *sget(const sblock *b, const char *key)
{
    for (int i = 0; i < b->n; i++)
        if (strcmp(b->kv[i].key, key) == 0) return b->kv[i].val;
    return NULL;
}

static int check_field(const char *what, const sblock *b, const char *key, const char *mine)
{
    const char *want = sget(b, key);
    if (!want) return 0; /* not printed by this Timeloop version */
    if (strcmp(want, mine) != 0) {
        print_error("%s: level '%s' %s: stats.txt says '%s', loader gives '%s'\n", what, b->name,
                    key, want, mine);
        return 1;
    }
    return 0;
}

static const char *fmt_bw(char *buf, double bw)
{
    if (bw < 0)
        snprintf(buf, 32, "-");
    else
        snprintf(buf, 32, "%.2f", bw);
    return buf;
}

/* Compares every level Timeloop printed with what the loader produced. Returns the number
 * of levels compared. */
static int compare_specs(const char *what, const adse_spec *s, const char *stats_path)
{
    sfile *sf = malloc(sizeof *sf);
    assert_non_null(sf);
    parse_stats(stats_path, sf);
    const adse_arch *a = &s->arch;
    int bad = 0;
    char v[64], w[64];
    for (int i = 0; i < sf->n; i++) {
        const sblock *b = &sf->b[i];
        if (b->level == 0) {
            if (strcmp(b->name, a->arith.name) != 0) {
                print_error("%s: level 0 is '%s', loader's arithmetic is '%s'\n", what, b->name,
                            a->arith.name);
                bad++;
                continue;
            }
            snprintf(v, sizeof v, "%u", a->arith.word_bits);
            bad += check_field(what, b, "Word bits", v);
            snprintf(v, sizeof v, "%u (%u*%u)", a->arith.instances, a->arith.mesh_x,
                     a->arith.mesh_y);
            bad += check_field(what, b, "Instances", v);
            snprintf(v, sizeof v, "%.2f pJ", a->arith.e_compute);
            bad += check_field(what, b, "Compute energy", v);
            snprintf(v, sizeof v, "%.2f um^2", a->arith.area_um2 * a->arith.instances);
            bad += check_field(what, b, "Area (total)", v);
            continue;
        }
        int id = adse_arch_level_id(a, b->name);
        if (id != b->level - 1) {
            print_error("%s: '%s' is Timeloop's level %d, loader's storage level %d\n", what,
                        b->name, b->level, id);
            bad++;
            continue;
        }
        const adse_buffer *l = &a->levels[id];
        bad += check_field(what, b, "Technology", l->is_dram ? "DRAM" : "SRAM");
        if (l->size_specified)
            snprintf(v, sizeof v, "%llu", (unsigned long long)l->size_words);
        else
            snprintf(v, sizeof v, "-");
        bad += check_field(what, b, "Size", v);
        snprintf(v, sizeof v, "%u", l->word_bits);
        bad += check_field(what, b, "Word bits", v);
        snprintf(v, sizeof v, "%u", l->block_size);
        bad += check_field(what, b, "Block size", v);
        snprintf(v, sizeof v, "%u", l->cluster_size);
        bad += check_field(what, b, "Cluster size", v);
        snprintf(v, sizeof v, "%u (%u*%u)", l->instances, l->mesh_x, l->mesh_y);
        bad += check_field(what, b, "Instances", v);
        bad += check_field(what, b, "Shared bandwidth", fmt_bw(w, l->shared_bw));
        bad += check_field(what, b, "Read bandwidth", fmt_bw(w, l->read_bw));
        bad += check_field(what, b, "Write bandwidth", fmt_bw(w, l->write_bw));
        snprintf(v, sizeof v, "%.2f", l->multiple_buffering);
        bad += check_field(what, b, "Multiple buffering", v);
        if (l->size_specified)
            snprintf(v, sizeof v, "%llu", (unsigned long long)l->effective_size);
        else
            snprintf(v, sizeof v, "-");
        bad += check_field(what, b, "Effective size", v);
        snprintf(v, sizeof v, "%.2f", l->min_utilization);
        bad += check_field(what, b, "Min utilization", v);
        snprintf(v, sizeof v, "%.2f pJ", l->vector_access_energy);
        bad += check_field(what, b, "Vector access energy", v);
        const char *src = l->energy_source == ADSE_ENERGY_ERT    ? "ERT"
                          : l->energy_source == ADSE_ENERGY_USER ? "user"
                                                                 : "PAT";
        bad += check_field(what, b, "Vector access energy source", src);
        snprintf(v, sizeof v, "%.2f pJ", l->e_leak);
        bad += check_field(what, b, "Per-instance-cycle leakage", v);
        snprintf(v, sizeof v, "%.2f um^2", l->area_um2);
        bad += check_field(what, b, "Area", v);
    }
    int n = sf->n;
    free(sf);
    if (bad) fail_msg("%s: %d field(s) differ from %s", what, bad, stats_path);
    return n;
}

/* ---- golden inputs ------------------------------------------------------------------- */

static void test_golden_random_mappings(void **state)
{
    (void)state;
    for (int c = 0; c < 24; c++) {
        char dir[128], f[5][400], stats[2][400];
        snprintf(dir, sizeof dir, "timeloop-golden/random-mappings/case%02d_arch%c", c,
                 c < 12 ? 'A' : 'B');
        const char *names[] = {"arch.yaml", "prob_map.yaml", "ert.yaml", "art.yaml"};
        const char *files[4];
        for (int i = 0; i < 4; i++) {
            snprintf(f[i], sizeof f[i], "%s/%s/%s", ADSE_TEST_DATA_DIR, dir, names[i]);
            files[i] = f[i];
        }
        adse_spec *s = testutil_load_files_ok(files, 4, testutil_fallback_options());
        assert_true(s->has_arch && s->has_problem && s->has_mapping && s->has_ert && s->has_art);
        assert_int_equal(s->arch.n_levels, 3);
        snprintf(stats[0], sizeof stats[0],
                 "%s/%s/expected_new_translation/timeloop-model.stats.txt", ADSE_TEST_DATA_DIR,
                 dir);
        snprintf(stats[1], sizeof stats[1],
                 "%s/%s/expected_legacy_translation/timeloop-model.stats.txt", ADSE_TEST_DATA_DIR,
                 dir);
        assert_int_equal(compare_specs(dir, s, stats[0]), 4);
        assert_int_equal(compare_specs(dir, s, stats[1]), 4);
        adse_spec_free(s);
    }
}

static void test_golden_worked_example(void **state)
{
    (void)state;
    const char *files[] = {testutil_path("timeloop-golden/worked-example-4.10/arch.yaml"),
                           testutil_path("timeloop-golden/worked-example-4.10/prob.yaml"),
                           testutil_path("timeloop-golden/worked-example-4.10/map.yaml"),
                           testutil_path("timeloop-golden/worked-example-4.10/ert.yaml"),
                           testutil_path("timeloop-golden/worked-example-4.10/art.yaml")};
    adse_spec *s = testutil_load_files_ok(files, 5, testutil_fallback_options());
    assert_true(s->has_mapping);
    assert_int_equal(
        compare_specs("worked-example", s,
                      testutil_path("timeloop-golden/worked-example-4.10/expected_new_translation/"
                                    "timeloop-model.stats.txt")),
        4);
    /* Mapping as written: GLB (level 1) bypasses Weights; spatial M4 Q4, split 1. */
    const adse_mapping *m = &s->mapping;
    const adse_problem *p = &s->problem;
    int glb = adse_arch_level_id(&s->arch, "GLB");
    assert_int_equal(glb, 1);
    assert_int_equal(m->spatial[glb][adse_problem_dim_id(p, 'M')], 4);
    assert_int_equal(m->spatial[glb][adse_problem_dim_id(p, 'Q')], 4);
    assert_int_equal(m->split[glb], 1);
    assert_int_equal((m->keep[adse_problem_ds_id(p, "Weights")] >> glb) & 1, 0);
    assert_int_equal((m->keep[adse_problem_ds_id(p, "Inputs")] >> glb) & 1, 1);
    adse_spec_free(s);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void test_golden_exercises(void **state)
{
    (void)state;
    const char *root = testutil_path("timeloop-golden/exercises-refs");
    char rootbuf[1024];
    snprintf(rootbuf, sizeof rootbuf, "%s", root);
    DIR *d = opendir(rootbuf);
    assert_non_null(d);
    int cases = 0, mapper_cases = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.') continue;
        char dir[1400];
        snprintf(dir, sizeof dir, "%s/%s", rootbuf, ent->d_name);
        DIR *dd = opendir(dir);
        if (!dd) continue;
        char ert[1800] = "", art[1800] = "", map[1800] = "", stats[1800] = "", input[1800];
        struct dirent *fe;
        while ((fe = readdir(dd))) {
            char *dst = has_suffix(fe->d_name, ".ERT.yaml")    ? ert
                        : has_suffix(fe->d_name, ".ART.yaml")  ? art
                        : has_suffix(fe->d_name, ".map.yaml")  ? map
                        : has_suffix(fe->d_name, ".stats.txt") ? stats
                                                               : NULL;
            if (dst) snprintf(dst, 1800, "%s/%s", dir, fe->d_name);
        }
        closedir(dd);
        snprintf(input, sizeof input, "%s/parsed-processed-input.yaml", dir);
        assert_true(ert[0] && art[0] && stats[0]);

        /* The input alone: a mapper case has `mapping: []`, i.e. no mapping. */
        const char *alone[] = {input, ert, art};
        adse_spec *s = testutil_load_files_ok(alone, 3, testutil_fallback_options());
        assert_true(s->has_arch && s->has_problem && s->has_ert && s->has_art);
        bool mapper = map[0] != 0;
        assert_int_equal(s->has_mapping, !mapper);
        assert_non_null(adse__ydoc_top(adse__spec_doc(s), "mapper"));
        assert_non_null(adse__ydoc_top(adse__spec_doc(s), "architecture_constraints"));
        adse_spec_free(s);

        /* With the mapper's map.yaml the later `mapping` replaces the empty one. */
        const char *all[] = {input, ert, art, map};
        s = testutil_load_files_ok(all, mapper ? 4 : 3, testutil_fallback_options());
        assert_true(s->has_mapping);
        const adse__ypair *mp = adse__ydoc_top_pair(adse__spec_doc(s), "mapping");
        assert_non_null(mp);
        assert_string_equal(mp->key->file, mapper ? map : input);
        assert_true(compare_specs(ent->d_name, s, stats) >= 2);
        adse_spec_free(s);
        cases++;
        mapper_cases += mapper;
    }
    closedir(d);
    assert_int_equal(cases, 19);
    assert_int_equal(mapper_cases, 10);
}

static void seed_files(const char *design, const char *out_dir, const char **files,
                       char buf[][1024])
{
    const char *rel[] = {"arch/eyeriss_like.yaml",
                         "arch/components/smartbuffer_RF.yaml",
                         "arch/components/smartbuffer_SRAM.yaml",
                         "../original/prob.yaml",
                         NULL, /* map.yaml */
                         "ERT.yaml",
                         "ART.yaml",
                         "constraints/eyeriss_like_arch_constraints.yaml",
                         "constraints/eyeriss_like_map_constraints.yaml",
                         "../original/mapper.yaml"};
    for (int i = 0; i < 10; i++) {
        if (rel[i])
            snprintf(buf[i], 1024, "%s/seed-experiment/%s/%s", ADSE_TEST_DATA_DIR, design, rel[i]);
        else
            snprintf(buf[i], 1024, "%s/seed-experiment/%s/%s/timeloop-mapper.map.yaml",
                     ADSE_TEST_DATA_DIR, design, out_dir);
        files[i] = buf[i];
    }
}

static void test_seed_original(void **state)
{
    (void)state;
    char buf[10][1024];
    const char *files[10];
    seed_files("original", "timeloop-mapper-out", files, buf);
    adse_spec *s = testutil_load_files_ok(files, 10, testutil_fallback_options());
    assert_true(s->has_arch && s->has_problem && s->has_mapping && s->has_ert && s->has_art);
    const adse_arch *a = &s->arch;

    /* Storage levels, innermost first (hand-checked against eyeriss_like.yaml). */
    const char *order[] = {"psum_spad",   "weights_spad", "ifmap_spad",
                           "DummyBuffer", "shared_glb",   "DRAM"};
    assert_int_equal(a->n_levels, 6);
    for (int i = 0; i < 6; i++)
        assert_string_equal(a->levels[i].name, order[i]);

    const adse_buffer *glb = &a->levels[4];
    assert_string_equal(glb->klass, "smartbuffer_SRAM");
    assert_string_equal(glb->technology, "45nm"); /* inherited from 'eyeriss' */
    assert_int_equal(glb->word_bits, 16);
    assert_int_equal(glb->block_size, 4);
    assert_int_equal(glb->cluster_size, 1);
    assert_int_equal(glb->depth, 16384);
    assert_int_equal(glb->width_bits, 64);
    assert_true(glb->size_specified);
    assert_int_equal(glb->size_words, 16384 * 4);
    assert_int_equal(glb->effective_size, 16384 * 4);
    assert_int_equal(glb->instances, 1);
    assert_int_equal(glb->num_banks, 32);
    assert_double_rel(glb->read_bw, 16.0, 0, "glb read bw");
    assert_double_rel(glb->shared_bw, -1.0, 0, "glb shared bw");
    assert_int_equal(adse_arch_fanout_x(a, 4), 14);
    assert_int_equal(adse_arch_fanout_y(a, 4), 1);
    /* ERT: read 74.1442 (max of its variants), write 75.2148, no leak entry. */
    assert_int_equal(glb->energy_source, ADSE_ENERGY_ERT);
    assert_double_rel(glb->e_read, 74.1442, 1e-12, "glb read");
    assert_double_rel(glb->e_fill, 75.2148, 1e-12, "glb fill");
    assert_double_rel(glb->e_update, 75.2148, 1e-12, "glb update");
    assert_double_rel(glb->e_leak, 0.0, 0, "glb leak");
    assert_double_rel(glb->vector_access_energy, 75.2148, 1e-12, "glb vae");
    assert_double_rel(glb->area_um2, 1162549.0, 1e-12, "glb area");

    const adse_buffer *dummy = &a->levels[3];
    assert_int_equal(dummy->instances, 14);
    assert_int_equal(dummy->mesh_x, 14);
    assert_int_equal(dummy->mesh_y, 1);
    assert_int_equal(adse_arch_fanout_x(a, 3), 1);
    assert_int_equal(adse_arch_fanout_y(a, 3), 12);
    assert_double_rel(dummy->e_read, 0.20203, 1e-12, "dummy read");

    for (int i = 0; i < 3; i++) {
        assert_int_equal(a->levels[i].instances, 168);
        assert_int_equal(a->levels[i].mesh_x, 14);
        assert_int_equal(a->levels[i].mesh_y, 12);
        assert_double_rel(a->levels[i].read_bw, 2.0, 0, "spad read bw");
    }
    assert_int_equal(a->levels[0].size_words, 16);
    assert_int_equal(a->levels[1].size_words, 192);
    assert_int_equal(a->levels[2].size_words, 12);

    const adse_buffer *dram = &a->levels[5];
    assert_true(dram->is_dram);
    assert_false(dram->size_specified);
    assert_false(dram->reduction_supported);
    assert_int_equal(dram->block_size, 4);
    assert_double_rel(dram->e_read, 512.0, 0, "dram read");

    assert_string_equal(a->arith.name, "mac");
    assert_int_equal(a->arith.instances, 168);
    assert_int_equal(a->arith.mesh_x, 14);
    assert_int_equal(a->arith.mesh_y, 12);
    assert_int_equal(a->arith.word_bits, 16);
    assert_int_equal(a->arith.energy_source, ADSE_ENERGY_ERT);
    assert_double_rel(a->arith.e_compute, 2.20035, 1e-12, "mac_random");
    assert_double_rel(a->arith.area_um2, 1239.5, 1e-12, "mac area");

    /* VGG16 conv1_1 with the inline CNN-Layer shape. */
    const adse_problem *p = &s->problem;
    assert_string_equal(p->shape_name, "CNN-Layer");
    assert_int_equal(p->n_dims, 7);
    assert_memory_equal(p->dim_names, "CMRSNPQ", 7);
    uint64_t bounds[7] = {3, 64, 3, 3, 1, 224, 224};
    for (int x = 0; x < 7; x++)
        assert_int_equal(p->bounds[x], bounds[x]);
    assert_int_equal(adse_problem_macs(p), 86704128);

    /* The mapper's mapping (timeloop-mapper.map.yaml, hand-checked). */
    const adse_mapping *m = &s->mapping;
    int C = 0, M = 1, S = 3, P = 5, Q = 6;
    assert_int_equal(m->temporal[5][M], 2);
    assert_int_equal(m->temporal[5][Q], 32);
    assert_int_equal(m->temporal[4][P], 224);
    assert_int_equal(m->spatial[4][M], 2);
    assert_int_equal(m->spatial[4][Q], 7);
    assert_int_equal(m->split[4], 2);
    assert_int_equal(m->spatial[3][M], 4);
    assert_int_equal(m->spatial[3][S], 3);
    assert_int_equal(m->split[3], 0);
    assert_int_equal(m->temporal[1][C], 3);
    assert_int_equal(m->keep[0], 1u << 1 | 1u << 5);           /* Weights */
    assert_int_equal(m->keep[1], 1u << 2 | 1u << 4 | 1u << 5); /* Inputs */
    assert_int_equal(m->keep[2], 1u << 0 | 1u << 4 | 1u << 5); /* Outputs */
    uint8_t dram_perm[7] = {M, Q, C, 2, S, 4, P};              /* MQCRSNP */
    assert_memory_equal(m->temporal_perm[5], dram_perm, 7);

    compare_specs("seed original", s,
                  testutil_path("seed-experiment/original/timeloop-mapper-out/"
                                "timeloop-master-model.stats.txt"));
    compare_specs(
        "seed original v3", s,
        testutil_path("seed-experiment/original/timeloop-mapper-out/timeloop-mapper.stats.txt"));
    /* Everything the later stages read stays in the tree. */
    const adse__ydoc *doc = adse__spec_doc(s);
    assert_non_null(adse__ydoc_top(doc, "compound_components"));
    assert_non_null(adse__ydoc_top(doc, "architecture_constraints"));
    assert_non_null(adse__ydoc_top(doc, "mapspace_constraints"));
    assert_non_null(adse__ydoc_top(doc, "mapper"));
    adse_spec_free(s);

    /* The noQX variant: its constraints file and mapping. */
    char nb[6][1024];
    snprintf(nb[0], 1024, "%s/seed-experiment/original/arch/eyeriss_like.yaml", ADSE_TEST_DATA_DIR);
    snprintf(nb[1], 1024, "%s/seed-experiment/original/prob.yaml", ADSE_TEST_DATA_DIR);
    snprintf(nb[2], 1024,
             "%s/seed-experiment/original/timeloop-mapper-out-noQX/timeloop-mapper.map.yaml",
             ADSE_TEST_DATA_DIR);
    snprintf(nb[3], 1024, "%s/seed-experiment/original/ERT.yaml", ADSE_TEST_DATA_DIR);
    snprintf(nb[4], 1024, "%s/seed-experiment/original/ART.yaml", ADSE_TEST_DATA_DIR);
    snprintf(nb[5], 1024, "%s/seed-experiment/original/constraints-noQX-arch.yaml",
             ADSE_TEST_DATA_DIR);
    const char *nf[] = {nb[0], nb[1], nb[2], nb[3], nb[4], nb[5]};
    s = testutil_load_files_ok(nf, 6, testutil_fallback_options());
    assert_true(s->has_mapping);
    compare_specs("seed noQX", s,
                  testutil_path("seed-experiment/original/timeloop-mapper-out-noQX/"
                                "timeloop-master-model.stats.txt"));
    adse_spec_free(s);
}

static void test_seed_optimal(void **state)
{
    (void)state;
    char buf[10][1024];
    const char *files[10];
    seed_files("optimal-4x42", "timeloop-mapper-out", files, buf);
    adse_spec *s = testutil_load_files_ok(files, 10, testutil_fallback_options());
    const adse_arch *a = &s->arch;
    assert_int_equal(a->n_levels, 6);
    assert_int_equal(a->levels[3].instances, 4); /* DummyBuffer[0..3] */
    assert_int_equal(a->levels[0].mesh_x, 4);
    assert_int_equal(a->levels[0].mesh_y, 42);
    assert_int_equal(a->levels[4].block_size, 32); /* 512 bits / 16 */
    assert_int_equal(a->levels[4].size_words, 512 * 32);
    assert_int_equal(a->levels[0].block_size, 8);
    compare_specs("seed optimal", s,
                  testutil_path("seed-experiment/optimal-4x42/timeloop-mapper-out/"
                                "timeloop-master-model.stats.txt"));
    adse_spec_free(s);
}

/* ---- small inputs: values ------------------------------------------------------------ */

static void test_tiny_files(void **state)
{
    (void)state;
    const char *files[] = {testutil_path("spec/tiny_arch.yaml"),
                           testutil_path("spec/tiny_prob_map.yaml")};
    adse_spec *s = testutil_load_files_ok(files, 2, testutil_fallback_options());
    const adse_arch *a = &s->arch;
    assert_int_equal(a->n_levels, 2);
    const adse_buffer *spad = &a->levels[0], *dram = &a->levels[1];
    assert_string_equal(spad->name, "spad");
    assert_int_equal(spad->instances, 4);
    assert_int_equal(spad->mesh_x, 4);
    assert_int_equal(spad->mesh_y, 1);
    assert_int_equal(spad->size_words, 64);
    assert_string_equal(spad->technology, "45nm");
    assert_string_equal(spad->pos.file, testutil_path("spec/tiny_arch.yaml"));
    assert_int_equal(spad->pos.line, 17);
    assert_int_equal(spad->pos.column, 15);
    assert_int_equal(a->arith.pos.line, 23);
    assert_int_equal(adse_arch_fanout_x(a, 1), 4);
    /* No ERT: Timeloop's fallback. DRAM 200 * 64 / 16; spad 8x64 SRAM; mac (8/16)^2. */
    assert_false(s->has_ert);
    assert_int_equal(dram->energy_source, ADSE_ENERGY_FALLBACK);
    assert_double_rel(dram->e_read, 800.0, 1e-12, "pat dram");
    double y = 1.0 + (5.0 / 99.5) * (8.0 * 64 / 8192 - 0.5);
    assert_double_rel(spad->e_read, y * 8 / 16, 1e-12, "pat sram");
    assert_double_rel(spad->vector_access_energy, y * 8 / 16, 1e-12, "pat sram vae");
    assert_double_rel(spad->area_um2, 0.0, 0, "pat area");
    assert_int_equal(a->arith.energy_source, ADSE_ENERGY_FALLBACK);
    assert_double_rel(a->arith.e_compute, 0.25, 1e-12, "pat mac");

    const adse_problem *p = &s->problem;
    assert_int_equal(p->n_dims, 2);
    assert_int_equal(p->n_ds, 2);
    assert_int_equal(p->ds[0].n_ranks, 2); /* short form [M, K] */
    assert_int_equal(p->ds[0].relevant_mask, 3);
    assert_int_equal(p->ds[1].n_ranks, 1);
    assert_true(p->ds[1].read_write);
    assert_int_equal(p->ds[1].relevant_mask, 1);

    const adse_mapping *m = &s->mapping;
    assert_int_equal(m->temporal[1][0], 2);
    assert_int_equal(m->temporal[1][1], 4);
    assert_int_equal(m->temporal_perm[1][0], 1); /* "KM": K innermost */
    assert_int_equal(m->temporal_perm[1][1], 0);
    assert_int_equal(m->spatial[1][0], 4);
    assert_int_equal(m->split[1], 2); /* default = all dimensions */
    assert_int_equal(m->keep[0], 3);
    assert_int_equal(m->keep[1], 2); /* Z bypasses spad */
    assert_int_equal(m->temporal[0][0], 1);
    adse_spec_free(s);
}

static const char *const cnn_default =
    "problem:\n"
    "  instance: {R: 3, S: 3, P: 56, Q: 28, C: 64, K: 128, N: 1, Wstride: 2, H: 224,\n"
    "             densities: {}}\n";

static void test_builtin_cnn_layer(void **state)
{
    (void)state;
    const char *texts[] = {cnn_default};
    adse_spec *s = testutil_load_strings_ok(texts, NULL, 1, testutil_fallback_options());
    const adse_problem *p = &s->problem;
    assert_true(s->has_problem);
    assert_false(s->has_arch);
    assert_string_equal(p->shape_name, "");
    assert_int_equal(p->n_dims, 7);
    assert_memory_equal(p->dim_names, "RSPQCKN", 7);
    uint64_t b[7] = {3, 3, 56, 28, 64, 128, 1};
    for (int x = 0; x < 7; x++)
        assert_int_equal(p->bounds[x], b[x]);
    assert_int_equal(p->n_coefs, 4);
    assert_string_equal(p->coef_names[0], "Wstride");
    assert_int_equal(p->coef_values[0], 2);
    assert_int_equal(p->coef_values[1], 1);
    assert_int_equal(p->n_ds, 3);
    const adse_dataspace *w = &p->ds[0], *in = &p->ds[1], *out = &p->ds[2];
    assert_string_equal(w->name, "Weights");
    assert_int_equal(w->ranks[0].terms[0].dim, 4); /* C */
    assert_int_equal(w->ranks[1].terms[0].dim, 5); /* K */
    assert_int_equal(w->relevant_mask, 1u << 0 | 1u << 1 | 1u << 4 | 1u << 5);
    assert_string_equal(in->name, "Inputs");
    assert_int_equal(in->ranks[2].n_terms, 2);
    assert_int_equal(in->ranks[2].terms[0].dim, 0); /* R * Wdilation */
    assert_int_equal(in->ranks[2].terms[0].coef, 1);
    assert_int_equal(in->ranks[2].terms[1].dim, 2); /* P * Wstride */
    assert_int_equal(in->ranks[2].terms[1].coef, 2);
    assert_int_equal(in->ranks[3].terms[1].dim, 3); /* Q * Hstride */
    assert_int_equal(in->ranks[3].terms[1].coef, 1);
    assert_int_equal(in->relevant_mask, 0x5f); /* all but K */
    assert_true(out->read_write);
    assert_int_equal(out->ranks[2].terms[0].dim, 3); /* [N][K][Q][P] */
    assert_int_equal(out->ranks[3].terms[0].dim, 2);
    assert_false(w->read_write);
    /* Whole Inputs tensor: 1 * 64 * (2*55 + 2 + 1) * (27 + 2 + 1). */
    assert_int_equal(adse_problem_tile_size(p, 1, p->bounds), 64ull * 113 * 30);
    adse_spec_free(s);

    /* Named shape, and bounds directly under problem (backward compatible). */
    const char *t2[] = {"problem:\n  shape: cnn-layer\n  R: 1\n  S: 1\n  P: 2\n  Q: 2\n  C: 4\n"
                        "  K: 8\n  N: 1\n  W: 16\n"};
    s = testutil_load_strings_ok(t2, NULL, 1, testutil_fallback_options());
    assert_string_equal(s->problem.shape_name, "cnn-layer");
    assert_int_equal(s->problem.bounds[5], 8);
    adse_spec_free(s);
}

static void test_merge_keys_and_anchors(void **state)
{
    (void)state;
    const char *text = "architecture:\n"                                /* 1 */
                       "  version: '0.4'\n"                             /* 2 */
                       "  subtree:\n"                                   /* 3 */
                       "  - !Container\n"                               /* 4 */
                       "    name: sys\n"                                /* 5 */
                       "    attributes: &base\n"                        /* 6 */
                       "      technology: 45nm\n"                       /* 7 */
                       "      datawidth: 8\n"                           /* 8 */
                       "    local:\n"                                   /* 9 */
                       "    - !Component\n"                             /* 10 */
                       "      name: DRAM\n"                             /* 11 */
                       "      class: &dram_class DRAM\n"                /* 12 */
                       "      attributes: {width: 64}\n"                /* 13 */
                       "    - name: glb\n"                              /* 14 */
                       "      class: SRAM\n"                            /* 15 */
                       "      attributes:\n"                            /* 16 */
                       "        <<: [*base, {depth: 99, width: 128}]\n" /* 17 */
                       "        datawidth: 16\n"                        /* 18 */
                       "        width: 64\n"                            /* 19 */
                       "    - name: mac[0..1]\n"                        /* 20 */
                       "      class: intmac\n"                          /* 21 */
                       "      attributes:\n"                            /* 22 */
                       "        <<: *base\n"                            /* 23 */
                       "        meshX: 2\n";                            /* 24 */
    const char *texts[] = {text};
    const char *names[] = {"m.yaml"};
    adse_spec *s = testutil_load_strings_ok(texts, names, 1, testutil_fallback_options());
    const adse_arch *a = &s->arch;
    const adse_buffer *glb = &a->levels[0];
    assert_int_equal(glb->word_bits, 16);  /* explicit key wins over the merged one */
    assert_int_equal(glb->width_bits, 64); /* explicit, after the merge */
    assert_int_equal(glb->depth, 99);      /* from the second merged mapping */
    assert_int_equal(glb->block_size, 4);
    assert_string_equal(glb->technology, "45nm");
    assert_int_equal(a->arith.word_bits, 8);
    assert_int_equal(a->arith.mesh_x, 2);

    /* The tree itself: merged pairs keep their own position; aliases share nodes. */
    const adse__ydoc *doc = adse__spec_doc(s);
    const adse__ynode *arch = adse__ydoc_top(doc, "architecture");
    const adse__ynode *sys = adse__yseq_at(adse__ymap_get(arch, "subtree"), 0);
    assert_true(adse__ynode_is_map(sys)); /* the !Container tag is dropped */
    const adse__ynode *local = adse__ymap_get(sys, "local");
    assert_int_equal(adse__ynode_len(local), 3);
    const adse__ynode *gattrs = adse__ymap_get(adse__yseq_at(local, 1), "attributes");
    assert_int_equal(adse__ynode_len(gattrs), 4); /* technology, datawidth, depth, width */
    const adse__ypair *tech = adse__ymap_pair(gattrs, "technology");
    adse_srcpos pos = adse__ynode_pos(tech->value);
    assert_string_equal(pos.file, "m.yaml");
    assert_int_equal(pos.line, 7);
    assert_int_equal(pos.column, 19);
    assert_string_equal(adse__ynode_text(adse__ymap_get(gattrs, "width")), "64");
    assert_int_equal(adse__ymap_get(gattrs, "width")->line, 19);
    /* The merged pair is the anchored node itself, not a copy; `<<` is gone. */
    const adse__ynode *mattrs = adse__ymap_get(adse__yseq_at(local, 2), "attributes");
    assert_null(adse__ymap_get(mattrs, "<<"));
    assert_ptr_equal(adse__ymap_get(mattrs, "technology"), tech->value);
    assert_string_equal(adse__ynode_text(adse__ymap_get(adse__yseq_at(local, 0), "class")), "DRAM");
    adse_spec_free(s);

    /* Aliases of scalars and whole mappings, and a merge into a mapping. */
    const char *t2 = "problem:\n"
                     "  shape:\n"
                     "    dimensions: [X, Y]\n"
                     "    data_spaces:\n"
                     "    - &ds {name: A, projection: [X]}\n"
                     "    - {<<: *ds, name: B, projection: [[[Y]]]}\n"
                     "  instance: {X: &n 4, Y: *n}\n";
    const char *texts2[] = {t2};
    s = testutil_load_strings_ok(texts2, NULL, 1, testutil_fallback_options());
    assert_int_equal(s->problem.bounds[1], 4);
    assert_string_equal(s->problem.ds[1].name, "B");
    assert_int_equal(s->problem.ds[1].ranks[0].terms[0].dim, 1);
    adse_spec_free(s);
}

static void test_tree_api(void **state)
{
    (void)state;
    adse__ydoc *doc;
    adse_err e;
    assert_int_equal(adse__ydoc_new(&doc, &e), ADSE_OK);
    const char *a = "x: 1\nword-bits: 16\nlist: [a, 'b', ~]\n";
    const char *b = "list: [c]\ny: {k: v}\n";
    assert_int_equal(adse__ydoc_add(doc, a, strlen(a), "a.yaml", &e), ADSE_OK);
    assert_int_equal(adse__ydoc_add(doc, b, strlen(b), "b.yaml", &e), ADSE_OK);
    assert_int_equal(adse__ydoc_top_count(doc), 4);
    assert_string_equal(adse__ydoc_top_at(doc, 0)->key->text, "x");
    const adse__ynode *list = adse__ydoc_top(doc, "list"); /* replaced by b.yaml */
    assert_int_equal(adse__ynode_len(list), 1);
    assert_string_equal(adse__ynode_text(adse__yseq_at(list, 0)), "c");
    assert_string_equal(list->file, "b.yaml");
    assert_non_null(adse__ydoc_top(doc, "word_bits"));
    uint64_t u;
    assert_true(adse__yscalar_u64(adse__ydoc_top(doc, "word_bits"), &u));
    assert_int_equal(u, 16);
    const adse__ynode *y = adse__ydoc_top(doc, "y");
    assert_true(adse__ynode_is_map(y));
    assert_string_equal(adse__ynode_text(adse__ymap_get(y, "k")), "v");
    assert_int_equal(adse__ynode_pos(adse__ymap_get(y, "k")).line, 2);
    assert_int_equal(adse__ynode_pos(adse__ymap_get(y, "k")).column, 8);
    assert_null(adse__ydoc_top(doc, "nope"));
    assert_null(adse__yseq_at(list, 5));
    assert_null(adse__ynode_text(y));
    adse__ydoc_free(doc);

    /* Scalar conversions. */
    adse__ynode n = {.kind = ADSE__YSCALAR, .plain = true};
    int64_t i;
    double d;
    bool bo;
    n.text = "-12";
    assert_true(adse__yscalar_i64(&n, &i));
    assert_int_equal(i, -12);
    assert_false(adse__yscalar_u64(&n, &u));
    n.text = "1e-9";
    assert_true(adse__yscalar_double(&n, &d));
    n.text = "0x10";
    assert_false(adse__yscalar_double(&n, &d));
    n.text = "nan";
    assert_false(adse__yscalar_double(&n, &d));
    n.text = "True";
    assert_true(adse__yscalar_bool(&n, &bo) && bo);
    n.text = "99999999999999999999";
    assert_false(adse__yscalar_u64(&n, &u));
    n.text = "~";
    assert_true(adse__ynode_is_null(&n));
}

static void test_top_level_replacement(void **state)
{
    (void)state;
    char *arch = read_data("spec/tiny_arch.yaml");
    char *pm = read_data("spec/tiny_prob_map.yaml");
    const char *later = "mapping:\n"
                        "- target: 1\n"
                        "  type: temporal\n"
                        "  factors: M0 K0\n";
    const char *texts[] = {arch, pm, later};
    adse_spec *s = testutil_load_strings_ok(texts, NULL, 3, testutil_fallback_options());
    assert_int_equal(s->mapping.temporal[1][0], 8); /* M0 = the full bound */
    assert_int_equal(s->mapping.spatial[1][0], 1);
    assert_int_equal(s->mapping.keep[1], 3); /* the datatype directive is gone */
    adse_spec_free(s);
    const char *empty = "mapping: []\n";
    const char *t2[] = {arch, pm, empty};
    s = testutil_load_strings_ok(t2, NULL, 3, testutil_fallback_options());
    assert_false(s->has_mapping);
    adse_spec_free(s);
    free(arch);
    free(pm);
}

/* The v0.2 map form, the wire table, a user vector_access_energy and cluster_size. */
static void test_ert_forms(void **state)
{
    (void)state;
    const char *arch = "architecture:\n"
                       "  version: 0.2\n"
                       "  subtree:\n"
                       "  - name: sys\n"
                       "    local:\n"
                       "    - name: DRAM\n"
                       "      class: DRAM\n"
                       "      attributes: {width: 64, word-bits: 16, wire_energy: 0.5}\n"
                       "    - name: buf\n"
                       "      class: SRAM\n"
                       "      attributes: {depth: 32, width: 128, word_bits: 16, cluster_size: 4}\n"
                       "    - name: user\n"
                       "      class: regfile\n"
                       "      attributes: {depth: 4, width: 16, vector-access-energy: 3.5}\n"
                       "    - name: mac[0..3]\n"
                       "      class: fpmac\n"
                       "      attributes: {energy: 9.0, area: 10}\n";
    const char *ert =
        "ERT:\n"
        "  version: 0.2\n"
        "  tables:\n"
        "    sys.buf:\n"
        "      read: [{arguments: {d: 0}, energy: 1.0}, {arguments: {d: 1}, energy: 2.0}]\n"
        "      write: {energy: 3.0}\n"
        "      idle: [{energy: 8.0}]\n"
        "      leak: {energy: 0.25}\n"
        "    sys.user: {read: {energy: 100}}\n"
        "    sys.mac[0..3]: {compute: {energy: 7}}\n"
        "    sys.wire: {transfer_random: [{energy: 0.125}, {energy: 0.0625}]}\n"
        "    sys.unused: {read: {energy: 1}}\n"
        "ART:\n"
        "  version: 0.4\n"
        "  tables:\n"
        "  - {name: sys.buf, area: 217363.36892}\n"
        "  - {name: 'sys.mac[0..3]', area: 5}\n";
    const char *texts[] = {arch, ert};
    adse_spec *s = testutil_load_strings_ok(texts, NULL, 2, testutil_fallback_options());
    const adse_arch *a = &s->arch;
    const adse_buffer *buf = &a->levels[1], *user = &a->levels[0], *dram = &a->levels[2];
    assert_int_equal(buf->cluster_size, 4);
    assert_int_equal(buf->block_size, 2);
    assert_int_equal(buf->energy_source, ADSE_ENERGY_ERT);
    assert_double_rel(buf->e_read, 2.0, 0, "max of read variants");
    assert_double_rel(buf->e_fill, 3.0, 0, "fill <- write");
    assert_double_rel(buf->e_update, 3.0, 0, "update <- write");
    assert_double_rel(buf->e_leak, 0.25, 0, "leak");
    assert_double_rel(buf->vector_access_energy, 8.0 / 4, 0, "max of all actions / cluster");
    assert_double_rel(buf->area_um2, (double)(float)217363.36892, 0, "art area as float");
    assert_int_equal(user->energy_source, ADSE_ENERGY_USER);
    assert_double_rel(user->e_read, 3.5, 0, "user wins over ERT");
    assert_double_rel(user->vector_access_energy, 3.5, 0, "user vae");
    assert_double_rel(dram->wire_energy_pj, 0.5, 0, "own wire_energy attribute wins");
    assert_double_rel(buf->wire_energy_pj, 0.125, 0, "wire table");
    assert_int_equal(dram->energy_source, ADSE_ENERGY_FALLBACK);
    assert_double_rel(dram->e_read, 200.0 * 64 / 16, 0, "pat dram");
    assert_int_equal(a->arith.energy_source, ADSE_ENERGY_USER);
    assert_double_rel(a->arith.e_compute, 9.0, 0, "user energy wins");
    assert_double_rel(a->arith.area_um2, 5.0, 0, "art wins over area attribute");
    assert_int_equal(a->arith.instances, 4);
    assert_int_equal(a->arith.mesh_x, 4);
    adse_spec_free(s);
}

static void test_names_and_limits(void **state)
{
    (void)state;
    /* ERT/ART table names -> component names. */
    char name[ADSE_NAME_MAX];
    adse__ert_component_name("system.chip.PE[0..15].spad", name, sizeof name);
    assert_string_equal(name, "spad");
    adse__ert_component_name("system_top_level.DRAM[1..1]", name, sizeof name);
    assert_string_equal(name, "DRAM");
    adse__ert_component_name("a.b[10..20]", name, sizeof name);
    assert_string_equal(name, "b");
    adse__ert_component_name("mac", name, sizeof name);
    assert_string_equal(name, "mac");
    /* 13 storage levels: over ADSE_MAX_LEVELS. */
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "architecture:\n  version: 0.3\n  subtree:\n  - name: s\n"
                                "    local:\n");
    for (int i = 0; i < 13; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "    - name: b%d\n      class: regfile\n      attributes: {depth: 1, "
                              "width: 16}\n",
                              i);
    snprintf(text + n, sizeof text - n, "    - name: mac\n      class: mac\n");
    const char *texts[] = {text};
    const char *names[] = {"big.yaml"};
    expect_error(texts, names, 1, ADSE_E_SPEC, "big.yaml", 42, 7,
                 "more than ADSE_MAX_LEVELS (12) storage levels");

    const char *longname =
        "problem:\n  shape:\n    dimensions: [A]\n    data_spaces:\n"
        "    - name: a_very_long_data_space_name_that_goes_on_and_on_past_sixty_three_chars\n"
        "      projection: [A]\n  instance: {A: 1}\n";
    const char *t2[] = {longname};
    expect_error(t2, names, 1, ADSE_E_SPEC, "big.yaml", 5, 13,
                 "data-space name 'a_very_long_data_space_name_that_goes_on...' is longer "
                 "than ADSE_NAME_MAX - 1 (63) characters");
}

/* ---- errors -------------------------------------------------------------------------- */

#define ARCH_HEAD                                                                                  \
    "architecture:\n"     /* 1 */                                                                  \
    "  version: 0.3\n"    /* 2 */                                                                  \
    "  subtree:\n"        /* 3 */                                                                  \
    "  - name: sys\n"     /* 4 */                                                                  \
    "    local:\n"        /* 5 */                                                                  \
    "    - name: DRAM\n"  /* 6 */                                                                  \
    "      class: DRAM\n" /* 7 */                                                                  \
    "    - name: glb\n"   /* 8 */                                                                  \
    "      class: SRAM\n" /* 9 */                                                                  \
    "      attributes:\n" /* 10; the test's attribute lines start at line 11 */

#define ARCH_TAIL                                                                                  \
    "    subtree:\n"                                                                               \
    "    - name: PE[0..3]\n"                                                                       \
    "      local:\n"                                                                               \
    "      - name: mac\n"                                                                          \
    "        class: intmac\n"

static void arch_error(const char *attrs, adse_status code, int line, int column, const char *msg)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s%s", ARCH_HEAD, attrs, ARCH_TAIL);
    const char *texts[] = {text};
    const char *names[] = {"arch.yaml"};
    expect_error(texts, names, 1, code, "arch.yaml", line, column, msg);
}

static void test_error_syntax(void **state)
{
    (void)state;
    const char *files[] = {testutil_path("spec/bad_syntax.yaml")};
    adse_spec *s = (adse_spec *)1;
    adse_err e;
    assert_int_equal(adse_spec_load(files, 1, &s, &e), ADSE_E_SYNTAX);
    assert_null(s);
    assert_string_equal(e.file, testutil_path("spec/bad_syntax.yaml"));
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 8);
    assert_string_equal(e.msg, "did not find expected ',' or '}' (while parsing a flow mapping "
                               "that started at line 2, column 13)");
    char b[1200];
    adse_err_format(&e, b, sizeof b);
    assert_non_null(strstr(b, "bad_syntax.yaml:3:8: did not find expected"));

    const char *t1[] = {"a:\n  b: 1\n   c: 2\n"};
    const char *n1[] = {"x.yaml"};
    expect_error(t1, n1, 1, ADSE_E_SYNTAX, "x.yaml", 3, 5,
                 "mapping values are not allowed in this context");
    const char *t2[] = {"mapping: *nowhere\n"};
    expect_error(t2, n1, 1, ADSE_E_SYNTAX, "x.yaml", 1, 10, "unknown anchor 'nowhere'");
    const char *t3[] = {"problem: {<<: 3}\n"};
    expect_error(t3, n1, 1, ADSE_E_SYNTAX, "x.yaml", 1, 15,
                 "merge key '<<' needs a mapping or a list of mappings, got a scalar");
    const char *t4[] = {"a: 1\n---\nb: 2\n"};
    expect_error(t4, n1, 1, ADSE_E_SYNTAX, "x.yaml", 2, 1,
                 "more than one YAML document in a file is not supported");
    const char *t5[] = {"- 1\n"};
    expect_error(t5, n1, 1, ADSE_E_SPEC, "x.yaml", 1, 1,
                 "the top level must be a mapping, got a list");

    /* An unreadable file. */
    const char *nofile[] = {"/nonexistent/adse.yaml"};
    assert_int_equal(adse_spec_load(nofile, 1, &s, &e), ADSE_E_IO);
    assert_string_equal(e.file, "/nonexistent/adse.yaml");
}

static void test_error_duplicate_keys(void **state)
{
    (void)state;
    const char *t1[] = {"problem:\n  instance: {M: 1}\n  instance: {M: 2}\n"};
    const char *n1[] = {"d.yaml"};
    expect_error(t1, n1, 1, ADSE_E_SYNTAX, "d.yaml", 3, 3,
                 "duplicate key 'instance' (first at line 2, column 3)");
    arch_error("        word-bits: 8\n        word_bits: 8\n", ADSE_E_SYNTAX, 12, 9,
               "duplicate key 'word_bits' ('word-bits' at line 11, column 9 is the same key)");
}

/* Inputs found by fuzzing (fuzz/corpus/spec) and the YAML limits: clear errors, no crash,
 * no hang. */
static void test_yaml_limits(void **state)
{
    (void)state;
    const char *n1[] = {"l.yaml"};
    /* nesting deeper than ADSE_YAML_MAX_DEPTH */
    size_t deep = 3 * ADSE_YAML_MAX_DEPTH;
    char *t = malloc(2 * deep + 8);
    assert_non_null(t);
    memcpy(t, "a: ", 3);
    memset(t + 3, '[', deep);
    memset(t + 3 + deep, ']', deep);
    t[3 + 2 * deep] = 0;
    const char *t1[] = {t};
    expect_error(t1, n1, 1, ADSE_E_SPEC, "l.yaml", 1, 3 + ADSE_YAML_MAX_DEPTH, /* + the top */
                 "YAML nested deeper than ADSE_YAML_MAX_DEPTH (256) levels");
    free(t);
    /* a "billion laughs": aliases of aliases are refused before anything expands them */
    const char *t2[] = {"globals:\n"
                        "  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                        "  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                        "  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                        "  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                        "  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                        "  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                        "  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                        "  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                        "  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n"};
    expect_error(t2, n1, 1, ADSE_E_SPEC, "l.yaml", 8, 6,
                 "YAML document too large: more than ADSE_YAML_MAX_NODES (4000000) nodes with "
                 "every alias expanded");
    /* many keys in one mapping, merged: sorted, not compared pairwise (was quadratic) */
    enum { NK = 50000 };
    char *big = malloc((size_t)NK * 16 + 64);
    assert_non_null(big);
    size_t len = (size_t)sprintf(big, "globals:\n  a: &a\n");
    for (int i = 0; i < NK; i++)
        len += (size_t)sprintf(big + len, "    k%d: 1\n", i);
    sprintf(big + len, "  b: {<<: *a, k7: 2}\n  k_7: 3\n  k-7: 4\n");
    const char *t3[] = {big};
    expect_error(t3, n1, 1, ADSE_E_SYNTAX, "l.yaml", NK + 5, 3,
                 "duplicate key 'k-7' ('k_7' at line 50004, column 3 is the same key)");
    big[len + strlen("  b: {<<: *a, k7: 2}\n")] = 0;
    adse_spec *sp = NULL;
    adse_err e;
    assert_int_equal(adse_spec_load_strings(t3, n1, 1, &sp, &e), ADSE_OK);
    const adse__ynode *b = adse__ymap_get(adse__ydoc_top(adse__spec_doc(sp), "globals"), "b");
    assert_int_equal(adse__ynode_len(b), NK);
    assert_string_equal(adse__ynode_text(adse__ymap_get(b, "k7")), "2"); /* explicit wins */
    assert_string_equal(adse__ymap_at(b, 0)->key->text, "k0");           /* merged pairs in order */
    assert_string_equal(adse__ymap_at(b, NK - 1)->key->text, "k7");
    adse_spec_free(sp);
    free(big);
    /* bounds whose product overflows the model's 64-bit counts (fuzz: crash-huge-bounds) */
    const char *t4[] = {"problem:\n  shape:\n    name: mm\n    dimensions: [M, K]\n"
                        "    data_spaces:\n      - {name: A, projection: [M, K]}\n"
                        "  instance: {M: 9223372036854775808, K: 4294967296}\n"};
    expect_error(t4, n1, 1, ADSE_E_SPEC, "l.yaml", 7, 13,
                 "the problem is too large: its bounds multiply to more than 2^63 - 1 "
                 "operations");
    const char *t5[] = {"problem:\n  shape:\n    name: c\n    dimensions: [M, K]\n"
                        "    coefficients: [{name: s, default: 1}]\n"
                        "    data_spaces:\n      - {name: A, projection: [[[M, s], [K]]]}\n"
                        "  instance: {M: 3, K: 2, s: 2147483648}\n"};
    expect_error(t5, n1, 1, ADSE_E_SPEC, "l.yaml", 8, 29,
                 "coefficient 's' must be between -2147483647 and 2147483647, got 2147483648");
    const char *t6[] = {"problem:\n  shape:\n    name: c\n    dimensions: [M, K]\n"
                        "    coefficients: [{name: s, default: 1}]\n"
                        "    data_spaces:\n      - {name: A, projection: [[[M, s], [K]]]}\n"
                        "  instance: {M: 8589934593, K: 2, s: 2147483647}\n"};
    expect_error(t6, n1, 1, ADSE_E_SPEC, "l.yaml", 8, 13,
                 "the problem is too large: data space 'A' has more than 2^63 - 1 elements");
    /* a file larger than ADSE_YAML_MAX_BYTES, or endless */
    const char *files[] = {"/dev/zero"};
    sp = (adse_spec *)1;
    assert_int_equal(adse_spec_load(files, 1, &sp, &e), ADSE_E_SPEC);
    assert_string_equal(e.msg, "file larger than ADSE_YAML_MAX_BYTES (64 MiB)");
    assert_null(sp);
}

static void test_error_unknown_key(void **state)
{
    (void)state;
    /* An attribute typo, in a file. */
    const char *files[] = {testutil_path("spec/attr_typo.yaml")};
    adse_spec *s;
    adse_err e;
    assert_int_equal(adse_spec_load(files, 1, &s, &e), ADSE_E_SPEC);
    assert_int_equal(e.line, 14);
    assert_int_equal(e.column, 9);
    assert_string_equal(
        e.msg, "unknown key 'deptth' in attributes of 'shared_glb' (did you mean 'depth'?)");

    arch_error("        meshx: 1\n", ADSE_E_SPEC, 11, 9,
               "unknown key 'meshx' in attributes of 'glb' (did you mean 'meshX'?)");
    /* Attributes that feed Accelergy are fine. */
    char text[2048];
    snprintf(text, sizeof text, "%s%s%s", ARCH_HEAD,
             "        type: LPDDR4\n        n_rdwr_ports: 2\n        power_gated_at: null\n"
             "        nports: 2\n        my_own_parameter: 3\n        depth: 8\n",
             ARCH_TAIL);
    const char *ok[] = {text};
    s = testutil_load_strings_ok(ok, NULL, 1, testutil_fallback_options());
    adse_spec_free(s);

    /* Structural places: component entries, directives, shapes, the top level. */
    const char *comp = ARCH_HEAD "        depth: 8\n      requierd_actions: [read]\n" ARCH_TAIL;
    const char *t1[] = {comp};
    const char *n1[] = {"arch.yaml"};
    expect_error(t1, n1, 1, ADSE_E_SPEC, "arch.yaml", 12, 7,
                 "unknown key 'requierd_actions' in component 'glb' (did you mean "
                 "'required_actions'?)");
    const char *t2[] = {"architectur: {}\n"};
    expect_error(t2, n1, 1, ADSE_E_SPEC, "arch.yaml", 1, 1, "unknown top-level key 'architectur'");

    char *arch = read_data("spec/tiny_arch.yaml");
    const char *map =
        "problem:\n  shape: {dimensions: [M], data_spaces: [{name: A, projection: [M]}]}\n"
        "  instance: {M: 8}\n"
        "mapping:\n"
        "- target: DRAM\n"
        "  type: temporal\n"
        "  factor: M8\n";
    const char *t3[] = {arch, map};
    const char *n3[] = {"arch.yaml", "pm.yaml"};
    expect_error(t3, n3, 2, ADSE_E_SPEC, "pm.yaml", 7, 3,
                 "unknown key 'factor' in a temporal mapping directive (did you mean "
                 "'factors'?)");
    const char *shape =
        "problem:\n  shape: {dimensions: [M], data_space: []}\n  instance: {M: 8}\n";
    const char *t4[] = {shape};
    expect_error(t4, n3 + 1, 1, ADSE_E_SPEC, "pm.yaml", 2, 28,
                 "unknown key 'data_space' in the problem shape (did you mean "
                 "'data_spaces'?)");
    free(arch);
}

static void test_error_wrong_type(void **state)
{
    (void)state;
    arch_error("        depth: abc\n", ADSE_E_SPEC, 11, 16,
               "'depth' in attributes of 'glb' must be a non-negative integer, got 'abc'");
    arch_error("        memory_depth: -4\n", ADSE_E_SPEC, 11, 23,
               "'memory_depth' in attributes of 'glb' must be a non-negative integer, got '-4'");
    arch_error("        depth: {rows: 4}\n", ADSE_E_SPEC, 11, 16,
               "'depth' in attributes of 'glb' must be a non-negative integer, got a mapping");
    arch_error("        read_bandwidth: fast\n", ADSE_E_SPEC, 11, 25,
               "'read_bandwidth' in attributes of 'glb' must be a positive number, got 'fast'");
    arch_error("        reduction_supported: maybe\n", ADSE_E_SPEC, 11, 30,
               "'reduction_supported' in attributes of 'glb' must be true or false, got 'maybe'");
    arch_error("        width: 12\n        datawidth: 8\n", ADSE_E_SPEC, 8, 7,
               "width 12 of 'glb' is not a multiple of word_bits * block_size (8 * 1)");
    arch_error("        meshX: 3\n", ADSE_E_SPEC, 8, 7,
               "meshX 3 of 'glb' does not divide its 1 instances (from the name ranges)");
    arch_error("        meshY: 3\n", ADSE_E_SPEC, 8, 7,
               "meshY 3 of 'glb' does not divide its 1 instances (from the name ranges)");
    arch_error("        instances: 3\n", ADSE_E_SPEC, 15, 9,
               "mesh of 'mac' (4x1) is not a multiple of the mesh of its parent 'glb' (3x1)");
    const char *t1[] = {"architecture:\n  version: 0.3\n  subtree: {name: x}\n"};
    const char *n1[] = {"a.yaml"};
    expect_error(t1, n1, 1, ADSE_E_SPEC, "a.yaml", 3, 12,
                 "'subtree' of 'architecture' must be a list of exactly one node, got a mapping");
    const char *t2[] = {"problem:\n  shape: {dimensions: [MM], data_spaces: []}\n"};
    expect_error(t2, n1, 1, ADSE_E_SPEC, "a.yaml", 2, 24,
                 "dimension name 'MM' must be a single letter");
    const char *t3[] = {"problem:\n  shape: conv2d\n"};
    expect_error(t3, n1, 1, ADSE_E_SPEC, "a.yaml", 2, 10,
                 "unknown problem shape 'conv2d' (adse knows 'cnn-layer'; give other shapes "
                 "inline)");
    const char *t4[] = {"ERT:\n  version: 0.3\n  tables:\n  - name: x.y\n    actions:\n"
                        "    - {name: read, energy: lots}\n"};
    expect_error(t4, n1, 1, ADSE_E_SPEC, "a.yaml", 6, 28,
                 "'energy' of action 'read' in ERT table 'x.y' must be a non-negative number, got "
                 "'lots'");
}

static void test_error_missing_field(void **state)
{
    (void)state;
    const char *t1[] = {ARCH_HEAD "        depth: 8\n"
                                  "    - name: noclass\n"
                                  "      attributes: {}\n" ARCH_TAIL};
    const char *n1[] = {"arch.yaml"};
    expect_error(t1, n1, 1, ADSE_E_SPEC, "arch.yaml", 12, 7,
                 "missing 'class' in component 'noclass'");
    const char *t2[] = {"problem:\n"
                        "  shape: {dimensions: [M, K], data_spaces: [{name: A, projection: [M]}]}\n"
                        "  instance:\n"
                        "    M: 4\n"};
    expect_error(t2, n1, 1, ADSE_E_SPEC, "arch.yaml", 4, 5,
                 "missing bound of dimension 'K' in 'instance'");
    char *arch = read_data("spec/tiny_arch.yaml");
    const char *map =
        "problem:\n  shape: {dimensions: [M], data_spaces: [{name: A, projection: [M]}]}\n"
        "  instance: {M: 8}\n"
        "mapping:\n"
        "- type: temporal\n"
        "  factors: M8\n";
    const char *t3[] = {arch, map};
    const char *n3[] = {"arch.yaml", "pm.yaml"};
    expect_error(t3, n3, 2, ADSE_E_SPEC, "pm.yaml", 5, 3, "missing 'target' in mapping directive");
    const char *t4[] = {"architecture:\n  version: 0.3\n  subtree:\n  - name: s\n    local:\n"
                        "    - name: DRAM\n      class: DRAM\n"};
    expect_error(t4, n3, 1, ADSE_E_SPEC, "arch.yaml", 1, 1,
                 "no arithmetic component in the architecture (a class containing 'mac', "
                 "'intmac', 'fpmac' or 'compute')");
    free(arch);
}

/* Mapping errors on tiny_arch.yaml (DRAM fans out 4x1 to the spads; spad to mac 1x1). */
static void mapping_error(const char *mapping, adse_status code, int line, int column,
                          const char *msg)
{
    char *arch = read_data("spec/tiny_arch.yaml");
    char text[2048];
    snprintf(text, sizeof text,
             "problem:\n"                                                        /* 1 */
             "  shape:\n"                                                        /* 2 */
             "    dimensions: [M, K]\n"                                          /* 3 */
             "    data_spaces: [{name: A, projection: [M, K]},\n"                /* 4 */
             "                  {name: Z, projection: [M], read-write: true}]\n" /* 5 */
             "  instance: {M: 8, K: 4}\n"                                        /* 6 */
             "mapping:\n"                                                        /* 7 */
             "%s",                                                               /* 8.. */
             mapping);
    const char *texts[] = {arch, text};
    const char *names[] = {"arch.yaml", "map.yaml"};
    expect_error(texts, names, 2, code, "map.yaml", line, column, msg);
    free(arch);
}

static void test_error_mapping(void **state)
{
    (void)state;
    /* Product of factors != bound: reported at the `mapping` key. */
    mapping_error("- target: DRAM\n"
                  "  type: temporal\n"
                  "  factors: M=2 K=4\n",
                  ADSE_E_MAPPING, 7, 1,
                  "factors of dimension 'M' multiply to 2, but its bound is 8");
    mapping_error("- {target: DRAM, type: temporal, factors: M=4 K=4}\n"
                  "- {target: spad, type: temporal, factors: M=4}\n",
                  ADSE_E_MAPPING, 7, 1,
                  "factors of dimension 'M' multiply to 16, but its bound is 8");
    /* Unknown data space in keep. */
    mapping_error("- target: spad\n"
                  "  type: datatype\n"
                  "  keep: [A, Q]\n",
                  ADSE_E_SPEC, 10, 13, "unknown data space 'Q' in keep (data spaces: A, Z)");
    /* Spatial directive where there is no fanout. */
    mapping_error("- target: spad\n"
                  "  type: spatial\n"
                  "  factors: M1\n",
                  ADSE_E_MAPPING, 8, 3, "spatial directive for 'spad', but it has a fanout of 1");
    /* A permutation letter that is not a dimension (column of the letter). */
    mapping_error("- target: DRAM\n"
                  "  type: temporal\n"
                  "  factors: M=8 K=4\n"
                  "  permutation: KXM\n",
                  ADSE_E_SPEC, 11, 17,
                  "permutation letter 'X' is not a dimension (dimensions: MK)");
    mapping_error("- target: DRAM\n"
                  "  type: temporal\n"
                  "  factors: |\n    M=8 # eight\n    K=4 X=1\n",
                  ADSE_E_SPEC, 10, 12, "factor for unknown dimension 'X'");
    mapping_error("- target: DRAM\n"
                  "  type: temporal\n"
                  "  factors: M=8,2 K=4\n",
                  ADSE_E_SPEC, 10, 12, "imperfect factor 'M=..,residual' is not supported");
    mapping_error("- target: glb\n"
                  "  type: temporal\n",
                  ADSE_E_SPEC, 8, 11, "unknown target 'glb' (storage levels: spad, DRAM)");
    mapping_error("- target: mac\n"
                  "  type: temporal\n",
                  ADSE_E_SPEC, 8, 11, "target 'mac' is the arithmetic level, not a storage level");
    mapping_error("- target: 2\n"
                  "  type: temporal\n",
                  ADSE_E_SPEC, 8, 11, "target 2 is not a storage level (there are 2)");
    mapping_error("- {target: DRAM, type: temporal, factors: M8 K4}\n"
                  "- {target: 1, type: temporal, factors: M8 K4}\n",
                  ADSE_E_SPEC, 9, 3,
                  "duplicate temporal directive for 'DRAM' (first at line 8, column 3)");
    mapping_error(
        "- {target: DRAM, type: sptial}\n", ADSE_E_SPEC, 8, 24,
        "unknown directive type 'sptial' (temporal, spatial, datatype, bypass or dataspace)");
    mapping_error("- {target: DRAM, type: bypass, keep: [A], bypass: [A]}\n", ADSE_E_SPEC, 8, 3,
                  "data space 'A' both kept and bypassed at 'DRAM'");
    mapping_error("- {target: DRAM, type: temporal, permutation: MKM}\n", ADSE_E_SPEC, 8, 49,
                  "dimension 'M' appears twice in permutation 'MKM'");
}

static void test_mapping_extras(void **state)
{
    (void)state;
    char *arch = read_data("spec/tiny_arch.yaml");
    const char *pm =
        "problem:\n"
        "  shape:\n"
        "    dimensions: [M, K, N]\n"
        "    data_spaces: [{name: A, projection: [M, K]}, {name: Z, projection: [M, N],"
        " read_write: true}]\n"
        "  instance: {M: 8, K: 4, N: 2}\n"
        "mapping:\n"
        "- target: DRAM\n"
        "  type: spatial\n"
        "  factors: M=4, N=1 # a comment\n"
        "  permutation: N\n"
        "  split: 99\n"
        "  no_reuse: [A]\n"
        "  no_link_transfer: [Z]\n"
        "- target: DRAM\n"
        "  type: temporal\n"
        "  factors: M2 K0 N=0\n"
        "  no_temporal_reuse: [Z]\n"
        "  rmw_first_update: [Z]\n"
        "- {target: spad, type: dataspace, bypass: [A], no_coalesce: [Z]}\n";
    const char *texts[] = {arch, pm};
    adse_spec *s = testutil_load_strings_ok(texts, NULL, 2, testutil_fallback_options());
    const adse_mapping *m = &s->mapping;
    assert_int_equal(m->spatial[1][0], 4);
    assert_int_equal(m->temporal[1][1], 4);
    assert_int_equal(m->temporal[1][2], 2);
    uint8_t perm[3] = {2, 0, 1}; /* N, then M K appended in id order */
    assert_memory_equal(m->spatial_perm[1], perm, 3);
    assert_int_equal(m->split[1], 3);
    assert_int_equal(m->no_multicast[0], 2);
    assert_int_equal(m->no_link_transfer[1], 2);
    assert_int_equal(m->no_temporal_reuse[1], 2);
    assert_int_equal(m->rmw_first_update[1], 2);
    assert_int_equal(m->keep[0], 2);
    assert_int_equal(m->keep[1], 3);
    adse_spec_free(s);
    free(arch);
}

static void test_inheritance(void **state)
{
    (void)state;
    const char *text = "architecture:\n"
                       "  version: 0.4\n"
                       "  subtree:\n"
                       "  - name: top\n"
                       "    attributes: {technology: DRAM, datawidth: 8}\n"
                       "    local:\n"
                       "    - {name: DRAM, class: offchip_storage, attributes: {width: 64}}\n"
                       "    subtree:\n"
                       "    - name: chip\n"
                       "      attributes: {technology: 16nm}\n"
                       "      local:\n"
                       "      - {name: buf, class: SRAM, attributes: {depth: 8, width: 32, "
                       "datawidth: 16}}\n"
                       "      - {name: alu, class: XY_NoC}\n"
                       "      - {name: mac, class: compute}\n";
    const char *texts[] = {text};
    adse_spec *s = testutil_load_strings_ok(texts, NULL, 1, testutil_fallback_options());
    const adse_arch *a = &s->arch;
    assert_int_equal(a->n_levels, 2);
    const adse_buffer *dram = &a->levels[1], *buf = &a->levels[0];
    assert_string_equal(dram->technology, "DRAM");
    assert_true(dram->is_dram); /* technology == DRAM */
    assert_int_equal(dram->word_bits, 8);
    assert_int_equal(dram->block_size, 8);
    assert_string_equal(buf->technology, "16nm"); /* innermost enclosing node wins */
    assert_int_equal(buf->word_bits, 16);         /* own attribute wins */
    assert_int_equal(buf->block_size, 2);
    assert_int_equal(a->arith.word_bits, 8);
    adse_spec_free(s);
}

/* Loads ARCH_HEAD + attrs + ARCH_TAIL and returns the glb level (spec kept in *out). */
static const adse_buffer *glb_with(const char *attrs, adse_spec **out)
{
    static char text[2048];
    snprintf(text, sizeof text, "%s%s%s", ARCH_HEAD, attrs, ARCH_TAIL);
    const char *texts[] = {text};
    *out = testutil_load_strings_ok(texts, NULL, 1, testutil_fallback_options());
    int id = adse_arch_level_id(&(*out)->arch, "glb");
    assert_int_equal(id, 0);
    return &(*out)->arch.levels[id];
}

static void test_buffer_derivations(void **state)
{
    (void)state;
    adse_spec *s;
    const adse_buffer *b;
    /* width only: block = width / word_bits, cluster 1; size = depth * block. */
    b = glb_with("        memory_width: 128\n        memory_depth: 10\n        word-bits: 16\n",
                 &s);
    assert_int_equal(b->block_size, 8);
    assert_int_equal(b->cluster_size, 1);
    assert_int_equal(b->size_words, 80);
    assert_int_equal(b->word_bits, 16);
    assert_int_equal(b->num_banks, 2);
    assert_int_equal(b->num_ports, 2);
    assert_true(b->reduction_supported);
    assert_false(b->is_dram);
    assert_double_rel(b->read_bw, -1, 0, "unlimited");
    assert_double_rel(b->energy_per_hop_pj, -1, 0, "derive hop energy");
    assert_double_rel(b->tile_width_mm, -1, 0, "floorplan");
    assert_double_rel(b->addr_gen_energy_pj, -1, 0, "no addr gen override");
    assert_int_equal(b->network_word_bits, 16);
    adse_spec_free(s);
    /* width + block: cluster = width / (word_bits * block). */
    b = glb_with("        width: 128\n        block_size: 2\n        depth: 4\n", &s);
    assert_int_equal(b->cluster_size, 4);
    assert_int_equal(b->size_words, 8);
    adse_spec_free(s);
    /* width + cluster: block = width / cluster / word_bits. */
    b = glb_with("        data_storage_width: 128\n        cluster-size: 2\n"
                 "        data_storage_depth: 4\n",
                 &s);
    assert_int_equal(b->block_size, 4);
    assert_int_equal(b->size_words, 16);
    adse_spec_free(s);
    /* entries, multiple buffering, deprecated bandwidth, technology DRAM, network keys. */
    b = glb_with("        entries: 1001\n        multiple-buffering: 2\n        bandwidth: 8\n"
                 "        technology: DRAM\n        n_banks: 8\n        n_ports: 1\n"
                 "        min-utilization: 0.5\n        network_word_bits: 32\n"
                 "        energy-per-hop: 0.1\n        router_energy: 0.2\n"
                 "        energy-per-ingress: 0.3\n        tile_width: 0.5\n"
                 "        network_fill_latency: 3\n        network_drain_latency: 4\n"
                 "        addr_gen_energy: 0.01\n        shared_bandwidth: 3\n"
                 "        write_bandwidth: 1.5\n",
                 &s);
    assert_int_equal(b->size_words, 1001);
    assert_int_equal(b->effective_size, 500);
    assert_double_rel(b->read_bw, 4, 0, "bandwidth / 2");
    assert_double_rel(b->write_bw, 1.5, 0, "write_bandwidth wins");
    assert_double_rel(b->shared_bw, 3, 0, "shared");
    assert_true(b->is_dram);
    assert_false(b->reduction_supported);
    assert_int_equal(b->num_banks, 8);
    assert_int_equal(b->num_ports, 1);
    assert_double_rel(b->min_utilization, 0.5, 0, "min util");
    assert_int_equal(b->network_word_bits, 32);
    assert_double_rel(b->energy_per_hop_pj, 0.1, 0, "hop");
    assert_double_rel(b->router_energy_pj, 0.2, 0, "router");
    assert_double_rel(b->ingress_energy_pj, 0.3, 0, "ingress");
    assert_double_rel(b->tile_width_mm, 0.5, 0, "tile");
    assert_int_equal(b->network_fill_latency, 3);
    assert_int_equal(b->network_drain_latency, 4);
    assert_double_rel(b->addr_gen_energy_pj, 0.01, 0, "addr gen");
    assert_double_rel(b->e_read, 200.0 * 16 / 16, 0, "pat dram by technology");
    adse_spec_free(s);
    /* sizeKB: KB * 1024 * 8 / word_bits; reduction_supported given. */
    b = glb_with("        sizeKB: 2\n        datawidth: 8\n        reduction_supported: no\n", &s);
    assert_int_equal(b->size_words, 2048);
    assert_false(b->reduction_supported);
    adse_spec_free(s);
    /* Per-data-space bandwidth scales, checked against the problem's data spaces. */
    char text[2048];
    snprintf(text, sizeof text, "%s%s%s", ARCH_HEAD,
             "        depth: 8\n"
             "        per_dataspace_bandwidth_consumption_scale: {Weights: 2, Inputs: 0.5}\n",
             ARCH_TAIL);
    const char *texts[] = {text, cnn_default};
    s = testutil_load_strings_ok(texts, NULL, 2, testutil_fallback_options());
    b = &s->arch.levels[0];
    assert_int_equal(b->n_bw_scales, 2);
    assert_string_equal(b->bw_scale_names[1], "Inputs");
    assert_double_rel(b->bw_scale_values[1], 0.5, 0, "scale");
    adse_spec_free(s);
    snprintf(text, sizeof text, "%s%s%s", ARCH_HEAD,
             "        depth: 8\n"
             "        per_dataspace_bandwidth_consumption_scale: {Weights: 2, Psums: 0.5}\n",
             ARCH_TAIL);
    const char *names[] = {"arch.yaml", "prob.yaml"};
    expect_error(
        texts, names, 2, ADSE_E_SPEC, "arch.yaml", 12, 65,
        "unknown data space 'Psums' in per_dataspace_bandwidth_consumption_scale of 'glb'");
    arch_error("        min_utilization: 0.5\n", ADSE_E_SPEC, 8, 7,
               "min_utilization of 'glb' needs a size (depth, entries or sizeKB)");
    arch_error("        width: 128\n        block_size: 2\n        cluster_size: 2\n", ADSE_E_SPEC,
               8, 7,
               "block_size * word_bits * cluster_size of 'glb' (2 * 16 * 2) is not its width 128");
    arch_error("        depth: 8\n        sizeKB: 1\n", ADSE_E_SPEC, 8, 7,
               "'sizeKB' and 'depth' both given for 'glb' (Timeloop stops on this too)");
}

/* Every prefix of a real input either loads or fails cleanly (no crash, no leak: ASan). */
static void test_truncated_inputs(void **state)
{
    (void)state;
    const char *rel[] = {"seed-experiment/original/arch/eyeriss_like.yaml",
                         "seed-experiment/original/prob.yaml",
                         "seed-experiment/original/timeloop-mapper-out/timeloop-mapper.map.yaml",
                         "spec/tiny_prob_map.yaml"};
    char *arch = read_data(rel[0]);
    for (int f = 0; f < 4; f++) {
        char *full = read_data(rel[f]);
        size_t n = strlen(full);
        int ok = 0, failed = 0;
        for (size_t cut = 0; cut <= n; cut += 3) {
            char *prefix = malloc(cut + 1);
            assert_non_null(prefix);
            memcpy(prefix, full, cut);
            prefix[cut] = 0;
            const char *texts[] = {f == 0 ? "" : arch, "", prefix};
            if (f == 2) texts[1] = read_data(rel[1]);
            if (f == 3) texts[0] = read_data("spec/tiny_arch.yaml");
            adse_spec *s = NULL;
            adse_err e;
            adse_status st = adse_spec_load_strings(texts, NULL, 3, &s, &e);
            if (st == ADSE_OK) {
                assert_non_null(s);
                ok++;
            } else {
                assert_null(s);
                assert_true(e.msg[0] != 0);
                failed++;
            }
            adse_spec_free(s);
            if (f == 2) free((char *)texts[1]);
            if (f == 3) free((char *)texts[0]);
            free(prefix);
        }
        assert_true(ok > 0 && failed > 0);
        free(full);
    }
    free(arch);
}

/* A top-level key given in two files: the later value replaces the earlier one whole (as
 * Timeloop merges its inputs), with a warning naming both places; Accelergy's per-file
 * compound-component lists (read by nothing in adse) do not warn. */
static void test_top_level_key_repeated(void **state)
{
    (void)state;
    char *arch = read_data("spec/tiny_arch.yaml");
    char *pm = read_data("spec/tiny_prob_map.yaml");
    const char *cc = "compound_components: {version: 0.4, classes: []}\n";
    const char *names[] = {"a.yaml", "p.yaml", "q.yaml", "c1.yaml", "c2.yaml"};
    const char *texts[] = {arch, pm, pm, cc, cc};
    adse_spec *s = NULL;
    adse_err e;
    assert_int_equal(adse_spec_load_strings(texts, names, 2, &s, &e), ADSE_OK);
    assert_int_equal(adse_spec_warning_count(s), 0);
    adse_spec_free(s);
    const char *once[] = {arch, pm, cc, cc};
    const char *once_names[] = {"a.yaml", "p.yaml", "c1.yaml", "c2.yaml"};
    assert_int_equal(adse_spec_load_strings(once, once_names, 4, &s, &e), ADSE_OK);
    assert_int_equal(adse_spec_warning_count(s), 0);
    adse_spec_free(s);
    assert_int_equal(adse_spec_load_strings(texts, names, 3, &s, &e), ADSE_OK);
    int problem = 0;
    for (int i = 0; i < adse_spec_warning_count(s); i++) {
        const adse_err *w = adse_spec_warning(s, i);
        assert_string_equal(w->file, "q.yaml");
        assert_non_null(strstr(w->msg, "given again"));
        assert_non_null(strstr(w->msg, "p.yaml:"));
        if (strstr(w->msg, "'problem'")) problem++;
    }
    assert_int_equal(problem, 1);
    adse_spec_free(s);
    free(arch);
    free(pm);
}

/* The one file-stem rule (util/file.c): folders and the last extension go, by hand. */
static void test_path_stem(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"conv1.yaml", "conv1"},
        {"a/b/conv1.yaml", "conv1"},
        {"net/res.v2.yaml", "res.v2"},
        {"resnet50.onnx", "resnet50"},
        {"model.opt", "model"},
        {".hidden", ".hidden"},
        {"dir.d/noext", "noext"},
        {"/", ""},
        {"x.", "x"},
    };
    char out[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        adse__path_stem(cases[i][0], out, sizeof out);
        assert_string_equal(out, cases[i][1]);
    }
    adse__path_stem("abcdef.yaml", out, 4); /* truncated to fit */
    assert_string_equal(out, "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_api),
        cmocka_unit_test(test_path_stem),
        cmocka_unit_test(test_merge_keys_and_anchors),
        cmocka_unit_test(test_tiny_files),
        cmocka_unit_test(test_builtin_cnn_layer),
        cmocka_unit_test(test_top_level_replacement),
        cmocka_unit_test(test_ert_forms),
        cmocka_unit_test(test_inheritance),
        cmocka_unit_test(test_mapping_extras),
        cmocka_unit_test(test_names_and_limits),
        cmocka_unit_test(test_error_syntax),
        cmocka_unit_test(test_error_duplicate_keys),
        cmocka_unit_test(test_yaml_limits),
        cmocka_unit_test(test_error_unknown_key),
        cmocka_unit_test(test_error_wrong_type),
        cmocka_unit_test(test_error_missing_field),
        cmocka_unit_test(test_error_mapping),
        cmocka_unit_test(test_buffer_derivations),
        cmocka_unit_test(test_truncated_inputs),
        cmocka_unit_test(test_golden_random_mappings),
        cmocka_unit_test(test_golden_worked_example),
        cmocka_unit_test(test_golden_exercises),
        cmocka_unit_test(test_seed_original),
        cmocka_unit_test(test_seed_optimal),
        cmocka_unit_test(test_top_level_key_repeated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
