/*
 * `adse import` run as a program (ADSE_CLI_PATH) on tests/data/onnx: the table's totals,
 * the --json document (schema of docs/cli.md, PyTorch's ResNet-18 figures), -o DIR (one
 * problem file per distinct layer that loads back, network.yaml listing them; a depthwise
 * MobileNetV2 layer mapped optimally on the seed design with its constraints), and the
 * errors (missing file, malformed model, usage); `adse map` on an ONNX network (every layer
 * as on its own, count-weighted totals, -o files: network.svg bars in proportion to
 * network.csv, axes with units, a legend, labels that do not overlap).
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"

#define SEED "seed-experiment/original"

static void test_table(void **state)
{
    (void)state;
    testutil_run r = testutil_cli(testutil_tmp, "import '%s'", testutil_path("onnx/resnet18.onnx"));
    assert_run_status(&r, 0);
    assert_true(strncmp(r.out, "model: resnet18\n", 16) == 0);
    assert_non_null(strstr(r.out, "total: 12 distinct layers, 21 compute nodes, "
                                  "1,814,073,344 MACs\n"));
    assert_non_null(strstr(r.out, "not modeled: "));
    assert_non_null(strstr(r.out, "Relu x17"));
    assert_string_equal(r.err, "");
    testutil_run_free(&r);
}

static void test_json(void **state)
{
    (void)state;
    testutil_run r =
        testutil_cli(testutil_tmp, "import --json '%s'", testutil_path("onnx/resnet18.onnx"));
    assert_int_equal(r.status, 0);
    json_t *doc = json_parse_ok(r.out);
    assert_string_equal(json_string_value(json_object_get(doc, "model")), "resnet18");
    json_t *layers = json_object_get(doc, "layers");
    assert_int_equal(json_array_size(layers), 12);
    uint64_t total = 0, nodes = 0;
    size_t i;
    json_t *l;
    json_array_foreach(layers, i, l)
    {
        assert_true(json_is_string(json_object_get(l, "name")));
        assert_true(json_is_string(json_object_get(l, "op")));
        json_t *inst = json_object_get(l, "instance");
        uint64_t macs = 1;
        const char *dims = "CMRSNPQ";
        for (const char *d = dims; *d; d++) {
            char k[2] = {*d, 0};
            macs *= (uint64_t)json_integer_value(json_object_get(inst, k));
        }
        assert_int_equal(macs, json_integer_value(json_object_get(l, "macs")));
        uint64_t count = (uint64_t)json_integer_value(json_object_get(l, "count"));
        total += count * macs;
        nodes += count;
    }
    assert_int_equal(nodes, 21);
    assert_int_equal(total, 1814073344u);
    assert_int_equal(json_integer_value(json_object_get(doc, "total_macs")), 1814073344u);
    json_t *skipped = json_object_get(doc, "skipped");
    assert_int_equal(json_integer_value(json_object_get(skipped, "Relu")), 17);
    assert_int_equal(json_integer_value(json_object_get(skipped, "Add")), 8);
    json_decref(doc);
    testutil_run_free(&r);
}

static void test_output_dir(void **state)
{
    (void)state;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/mnv2", testutil_tmp);
    testutil_run r = testutil_cli(testutil_tmp, "import -o '%s' '%s'", dir,
                                  testutil_path("onnx/mobilenet_v2.onnx"));
    assert_int_equal(r.status, 0);
    testutil_run_free(&r);
    char path[700];
    snprintf(path, sizeof path, "%s/network.yaml", dir);
    char *net = testutil_read_file(path);
    assert_non_null(net);
    assert_non_null(strstr(net, "network:\n  name: \"mobilenet_v2\"\n"));
    assert_non_null(strstr(net, "  total_macs: 300774272\n"));
    /* every problem file listed loads; the count-weighted MACs add up to the total */
    uint64_t total = 0;
    int files = 0;
    for (const char *p = strstr(net, "problem: \""); p; p = strstr(p + 1, "problem: \"")) {
        const char *name = p + strlen("problem: \"");
        size_t len = strcspn(name, "\"");
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)len, name);
        const char *list[] = {path};
        adse_spec *spec = testutil_load_files_ok(list, 1, NULL);
        const char *c = strstr(p, "count: ");
        assert_non_null(c);
        total += strtoull(c + 7, NULL, 10) * adse_problem_macs(&spec->problem);
        adse_spec_free(spec);
        files++;
    }
    assert_int_equal(files, 31);
    assert_int_equal(total, 300774272u);
    free(net);

    /* the first depthwise layer (G = 32) on the seed design with the seed's constraints */
    snprintf(path, sizeof path, "%s/002_features_features.1_conv_conv.0_conv.0.0_Conv.yaml", dir);
    char *text = testutil_read_file(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "name: \"Grouped-CNN-Layer\""));
    assert_non_null(strstr(text, "    G: 32\n"));
    free(text);
    expect_cli(0, "\nOptimal: yes", NULL, "map '%s' '%s' '%s' '%s' '%s' '%s' '%s'",
               testutil_path(SEED "/arch/eyeriss_like.yaml"), path,
               testutil_path(SEED "/constraints/eyeriss_like_arch_constraints.yaml"),
               testutil_path(SEED "/constraints/eyeriss_like_map_constraints.yaml"),
               testutil_path(SEED "/mapper.yaml"), testutil_path(SEED "/ERT.yaml"),
               testutil_path(SEED "/ART.yaml"));
}

/* The seed design's inputs as shell words, the problem left out. */
static const char *seed_files(void)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "'%s' '%s' '%s' '%s' '%s' '%s'",
             testutil_path(SEED "/arch/eyeriss_like.yaml"),
             testutil_path(SEED "/constraints/eyeriss_like_arch_constraints.yaml"),
             testutil_path(SEED "/constraints/eyeriss_like_map_constraints.yaml"),
             testutil_path(SEED "/mapper.yaml"), testutil_path(SEED "/ERT.yaml"),
             testutil_path(SEED "/ART.yaml"));
    return buf;
}

/* Checks network.svg of n <= 8 layers: each layer's energy bar (the stacked segments, every
 * fill but the cycles' grey) and cycles bar have heights in proportion to want_e and want_c;
 * the axes say their units; every storage level of the seed design is in the legend; one
 * rotated label per layer, at least a font height apart (none overlaps). */
static void check_network_svg(const char *svg, const double *want_e, const double *want_c, int n)
{
    assert_true(strncmp(svg, "<svg ", 5) == 0);
    assert_non_null(strstr(svg, "</svg>\n"));
    assert_non_null(strstr(svg, ">energy (uJ), all occurrences</text>"));
    assert_non_null(strstr(svg, ">cycles (millions), all occurrences</text>"));
    assert_non_null(strstr(svg, ">distinct layer (# as in the table, x count)</text>"));
    const char *levels[] = {"psum_spad", "weights_spad", "ifmap_spad", "shared_glb", "DRAM"};
    for (int k = 0; k < 5; k++) {
        char t[64];
        snprintf(t, sizeof t, ">%s</text>", levels[k]);
        assert_non_null(strstr(svg, t));
    }
    double xs[8], he[8] = {0}, hc[8] = {0};
    int nx = 0;
    for (const char *p = strstr(svg, "<rect x="); p; p = strstr(p + 1, "<rect x=")) {
        double x, y, w, h;
        char fill[16];
        if (sscanf(p, "<rect x=\"%lf\" y=\"%lf\" width=\"%lf\" height=\"%lf\" fill=\"%15[^\"]", &x,
                   &y, &w, &h, fill) != 5 ||
            strcmp(fill, "none") == 0 || (w == 12 && h == 12))
            continue; /* the frames and the legend's swatches */
        int k = 0;
        while (k < nx && fabs(xs[k] - x) > 0.05)
            k++;
        if (k == nx) {
            assert_true(nx < n);
            xs[nx++] = x;
        }
        if (strcmp(fill, "#555555") == 0)
            hc[k] += h;
        else
            he[k] += h;
    }
    assert_int_equal(nx, n);
    double me = 0, mc = 0, mhe = 0, mhc = 0;
    for (int k = 0; k < n; k++) {
        me = fmax(me, want_e[k]), mc = fmax(mc, want_c[k]);
        mhe = fmax(mhe, he[k]), mhc = fmax(mhc, hc[k]);
    }
    for (int k = 0; k < n; k++) { /* heights printed to 0.01 px, up to 8 segments a bar */
        assert_true(fabs(he[k] / mhe - want_e[k] / me) <= 0.1 / mhe);
        assert_true(fabs(hc[k] / mhc - want_c[k] / mc) <= 0.02 / mhc);
    }
    double lx[8];
    int nl = 0;
    for (const char *p = strstr(svg, "font-size=\"11\""); p;
         p = strstr(p + 1, "font-size=\"11\"")) {
        const char *r = strstr(p, "rotate(-90 ");
        assert_non_null(r);
        assert_true(nl < n);
        lx[nl++] = strtod(r + strlen("rotate(-90 "), NULL);
    }
    assert_int_equal(nl, n);
    for (int k = 1; k < n; k++)
        assert_true(lx[k] - lx[k - 1] >= 11);
    assert_non_null(strstr(svg, ">1. /features/features.0/Conv x1</text>"));
}

/* `adse map` on a network: every layer proven optimal, totals equal to the count-weighted
 * sums, and each layer's figures equal to `adse map` on that layer's problem file alone
 * (written by `adse import -o`), whose single-layer results the mapper tests check. */
static void test_map_network(void **state)
{
    (void)state;
    char dir[512], net_dir[512];
    snprintf(dir, sizeof dir, "%s/alexnet", testutil_tmp);
    snprintf(net_dir, sizeof net_dir, "%s/alexnet-map", testutil_tmp);
    testutil_run r =
        testutil_cli(testutil_tmp, "import -o '%s' '%s'", dir, testutil_path("onnx/alexnet.onnx"));
    assert_int_equal(r.status, 0);
    testutil_run_free(&r);
    r = testutil_cli(testutil_tmp, "map --json -o '%s' %s '%s'", net_dir, seed_files(),
                     testutil_path("onnx/alexnet.onnx"));
    assert_run_status(&r, 0);
    json_t *doc = json_parse_ok(r.out);
    testutil_run_free(&r);
    json_t *layers = json_object_get(doc, "layers"), *total = json_object_get(doc, "total");
    assert_int_equal(json_array_size(layers), 8);
    uint64_t cycles = 0, macs = 0;
    double energy = 0, busy = 0;
    size_t i;
    json_t *l;
    json_array_foreach(layers, i, l)
    {
        uint64_t c = (uint64_t)json_integer_value(json_object_get(l, "count"));
        uint64_t cyc = (uint64_t)json_integer_value(json_object_get(l, "cycles"));
        double e = json_real_value(json_object_get(l, "energy_pj"));
        assert_true(json_is_true(json_object_get(l, "optimal")));
        cycles += c * cyc;
        energy += (double)c * e;
        busy += (double)(c * cyc) * json_real_value(json_object_get(l, "utilization"));
        macs += c * (uint64_t)json_integer_value(json_object_get(l, "macs"));
        if (i >= 2) continue; /* the first two layers again, each on its own */
        char prob[700];
        snprintf(prob, sizeof prob, "%s/%03d_%s.yaml", dir, (int)i + 1,
                 i == 0 ? "features_features.0_Conv" : "features_features.3_Conv");
        testutil_run one = testutil_cli(testutil_tmp, "map --json %s '%s'", seed_files(), prob);
        if (one.status != 0) testutil_run_show(&one);
        assert_int_equal(one.status, 0);
        json_t *d1 = json_parse_ok(one.out);
        assert_int_equal(json_integer_value(json_object_get(d1, "cycles")), cyc);
        assert_double_rel(json_real_value(json_object_get(d1, "energy_pj")), e, 1e-12,
                          "layer energy");
        json_decref(d1);
        testutil_run_free(&one);
    }
    assert_int_equal(macs, 714188480u);
    /* the network.yaml that import wrote: the same layers and totals as the ONNX model */
    r = testutil_cli(testutil_tmp, "map --json %s '%s/network.yaml'", seed_files(), dir);
    assert_run_status(&r, 0);
    json_t *doc2 = json_parse_ok(r.out);
    testutil_run_free(&r);
    json_object_del(doc2, "seconds");
    json_t *copy = json_deep_copy(doc);
    json_object_del(copy, "seconds");
    assert_true(json_equal(copy, doc2));
    /* layers mapped in parallel across layers and within: the same for any thread count */
    for (int t = 1; t <= 3; t++) {
        r = testutil_cli(testutil_tmp, "map --json --threads %d %s '%s'", t, seed_files(),
                         testutil_path("onnx/alexnet.onnx"));
        assert_int_equal(r.status, 0);
        json_t *dt = json_parse_ok(r.out);
        testutil_run_free(&r);
        json_object_del(dt, "seconds");
        if (!json_equal(copy, dt)) fail_msg("--threads %d gives other results", t);
        json_decref(dt);
    }
    json_decref(copy);
    json_decref(doc2);
    assert_int_equal(json_integer_value(json_object_get(total, "macs")), macs);
    assert_int_equal(json_integer_value(json_object_get(total, "cycles")), cycles);
    assert_double_rel(json_real_value(json_object_get(total, "energy_pj")), energy, 1e-12,
                      "total energy");
    assert_double_rel(json_real_value(json_object_get(total, "edp")),
                      (double)cycles * energy / 1e12, 1e-12, "EDP");
    assert_double_rel(json_real_value(json_object_get(total, "utilization")), busy / (double)cycles,
                      1e-12, "utilization");
    json_decref(doc);

    /* -o: a directory per layer, network.csv and network.svg */
    char path[700];
    snprintf(path, sizeof path, "%s/001_features_features.0_Conv/adse-map.map.yaml", net_dir);
    char *text = testutil_read_file(path);
    assert_non_null(text);
    free(text);
    snprintf(path, sizeof path, "%s/network.csv", net_dir);
    text = testutil_read_file(path);
    assert_non_null(text);
    assert_true(strncmp(text, "layer,op,count,macs,cycles,", 27) == 0);
    assert_non_null(strstr(text, "\ntotal,,8,714188480,"));
    /* network.svg: per layer, bars whose heights are in proportion to count x energy and
       count x cycles as network.csv gives them */
    double want_e[8], want_c[8];
    const char *row = strchr(text, '\n') + 1;
    for (int k = 0; k < 8; k++, row = strchr(row, '\n') + 1) {
        unsigned long long count, macs_k, cyc;
        double e;
        const char *c = strchr(row, ',') + 1; /* after the name (no comma in AlexNet's) */
        c = strchr(c, ',') + 1;               /* after the op */
        assert_int_equal(sscanf(c, "%llu,%llu,%llu,%lf", &count, &macs_k, &cyc, &e), 4);
        want_e[k] = (double)count * e;
        want_c[k] = (double)count * (double)cyc;
    }
    free(text);
    snprintf(path, sizeof path, "%s/network.svg", net_dir);
    text = testutil_read_file(path);
    assert_non_null(text);
    check_network_svg(text, want_e, want_c, 8);
    free(text);
}

static void test_errors(void **state)
{
    (void)state;
    expect_cli(1, NULL, "none.onnx: cannot open file", "import '%s/none.onnx'", testutil_tmp);
    /* a YAML file is not an ONNX model */
    expect_cli(1, NULL, "prob.yaml: malformed ONNX model: ", "import '%s'",
               testutil_path(SEED "/prob.yaml"));
    /* a network file with a mistake: the file, line and field named */
    char path[512];
    snprintf(path, sizeof path, "%s/bad-network.yaml", testutil_tmp);
    testutil_write(
        path, "%s",
        "network:\n  layers:\n    - name: a\n      count: 1\n      problem: nowhere.yaml\n");
    testutil_run r = testutil_cli(testutil_tmp, "map %s '%s'", seed_files(), path);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "bad-network.yaml:5:16: 'problem' of layer 'a': "));
    assert_non_null(strstr(r.err, "nowhere.yaml: cannot open file"));
    testutil_run_free(&r);
    expect_cli(2, NULL, "more than one network", "map %s '%s' '%s'", seed_files(), path,
               testutil_path("onnx/alexnet.onnx"));
    expect_cli(2, NULL, "adse: no model file", "import");
    testutil_expect_usage_error("import a.onnx b.onnx");
    expect_cli(2, NULL, "unknown option '--frob'", "import --frob a.onnx");
    expect_cli(0, "usage: adse import [--json] [-o DIR] MODEL.onnx", NULL, "import --help");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),      cmocka_unit_test(test_json),
        cmocka_unit_test(test_output_dir), cmocka_unit_test(test_map_network),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, testutil_tmp_setup, testutil_tmp_teardown);
}
