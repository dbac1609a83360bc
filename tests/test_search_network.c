/*
 * Hardware search over a network workload (`workload: model.onnx` or a network file,
 * docs/search.md section 2): the search's layers are the network's distinct layers with
 * weight = count, and a design's cycles, energy and EDP are the network's count-weighted
 * totals. Checked against numbers computed here independently of the search: every distinct
 * layer of torchvision's ResNet-50 (ResNet-18 in a debug build; tests/data/onnx) mapped on
 * the seed design by adse_mapper_run and summed count x figure by this test, the MACs
 * against PyTorch's count (4,089,184,256), a network file against the same layers given as
 * weighted problem files, the `adse search` report and JSON, and errors located at the
 * spec's `workload` line.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "adse/search.h"
#include "adse/search_report.h"
#include "adse/search_spec.h"
#include "searchutil.h"

#define SEED_DIR "seed-experiment/original"
/* PyTorch's counts (tests/data/onnx/<model>.expected.json). An optimised build searches over
 * ResNet-50; a debug build (sanitizers, -O0) over ResNet-18, to stay fast. */
#ifdef NDEBUG
#define MODEL "resnet50"
#define MODEL_MACS 4089184256ull
#define MODEL_LAYERS 24
#define MODEL_NODES 54 /* 53 convolutions and the classifier */
#else
#define MODEL "resnet18"
#define MODEL_MACS 1814073344ull
#define MODEL_LAYERS 12
#define MODEL_NODES 21 /* 20 convolutions and the classifier */
#endif

/* One gene with two values; the baseline (16384) is the first generation's first design. */
#define GENES_GA                                                                                   \
    "parameters:\n"                                                                                \
    "  - {name: glb_depth, component: shared_glb, attribute: depth, values: [16384, 8192]}\n"      \
    "ga: {population: 2, generations: 1, parents: 1, seed: 3}\n"

/* The seed design's files: architecture, the two constraints files, the mapper settings. */
static const char *design_file(int i)
{
    static const char *const rel[] = {SEED_DIR "/arch/eyeriss_like.yaml",
                                      SEED_DIR "/constraints/eyeriss_like_arch_constraints.yaml",
                                      SEED_DIR "/constraints/eyeriss_like_map_constraints.yaml",
                                      SEED_DIR "/mapper.yaml"};
    return testutil_path(rel[i]);
}

/* A spec on the seed design (absolute paths: 4 lines, `workload` is line 5) with the text
 * after "workload:" and GENES_GA. */
static void spec_text(char *buf, size_t size, const char *workload)
{
    snprintf(buf, size,
             "design:\n  architecture: %s\n  constraints: [%s, %s]\n  mapper: "
             "%s\nworkload:%s\n" GENES_GA,
             design_file(0), design_file(1), design_file(2), design_file(3), workload);
}

static adse_search *run_search(const char *text)
{
    adse_search_spec *spec = load_spec_ok(text);
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 2;
    adse_search *s = run_search_ok(spec, &o);
    adse_search_spec_free(spec);
    return s;
}

/* Each distinct layer of the ResNet model mapped on the seed design by the mapper alone,
 * and the count-weighted sums computed here. */
typedef struct independent {
    int n;
    uint64_t cycles[64];
    double energy[64];
    uint64_t total_cycles, total_macs, nodes;
    double total_energy;
} independent;

static void map_independently(const adse_network *net, independent *ind)
{
    memset(ind, 0, sizeof *ind);
    const char *files[] = {design_file(0), design_file(1), design_file(2), design_file(3)};
    assert_true(net->n_layers <= 64);
    ind->n = net->n_layers;
    for (int i = 0; i < net->n_layers; i++) {
        adse_spec_options o;
        adse_spec_options_init(&o);
        o.problem = &net->layers[i].problem;
        adse_spec *sp = NULL;
        adse_model *m = NULL;
        adse_err e;
        assert_int_equal(adse_spec_load_opts(files, 4, &o, &sp, &e), ADSE_OK);
        assert_int_equal(adse_model_create(&sp->arch, &sp->problem, NULL, &m, &e), ADSE_OK);
        adse_mapper_settings ms = sp->mapper;
        ms.threads = 2;
        adse_mapper_result *r = malloc(sizeof *r);
        assert_non_null(r);
        assert_int_equal(adse_mapper_run(m, &sp->constraints, &ms, r, &e), ADSE_OK);
        assert_true(r->found);
        uint64_t c = net->layers[i].count;
        ind->cycles[i] = r->result.cycles;
        ind->energy[i] = r->result.energy_pj;
        ind->total_cycles += c * r->result.cycles;
        ind->total_energy += (double)c * r->result.energy_pj;
        ind->total_macs += c * r->result.computes;
        ind->nodes += c;
        free(r);
        adse_model_free(m);
        adse_spec_free(sp);
    }
}

static void test_resnet_totals(void **state)
{
    (void)state;
    char text[2048], w[600];
    snprintf(w, sizeof w, " %s", testutil_path("onnx/" MODEL ".onnx"));
    spec_text(text, sizeof text, w);
    adse_search *s = run_search(text);
    const adse_network *net = adse_search_network(s);
    assert_non_null(net);
    assert_int_equal(adse_search_layer_count(s), net->n_layers);
    assert_int_equal(net->n_layers, MODEL_LAYERS);
    independent ind;
    map_independently(net, &ind);
    assert_int_equal(ind.nodes, MODEL_NODES);
    assert_int_equal(ind.total_macs, MODEL_MACS);
    double weights = 0;
    for (int i = 0; i < adse_search_layer_count(s); i++)
        weights += adse_search_layer_weight(s, i);
    assert_true(weights == MODEL_NODES);

    const adse_search_design *base = adse_search_baseline(s);
    assert_non_null(base);
    assert_int_equal(base->status, ADSE_DESIGN_OK);
    print_message("baseline: cycles %.0f energy %.3f uJ (independent: %llu, %.3f uJ)\n",
                  base->metrics[ADSE_SM_CYCLES], base->metrics[ADSE_SM_ENERGY] / 1e6,
                  (unsigned long long)ind.total_cycles, ind.total_energy / 1e6);
    assert_true(base->metrics[ADSE_SM_CYCLES] == (double)ind.total_cycles);
    assert_double_rel(base->metrics[ADSE_SM_ENERGY], ind.total_energy, 1e-12, "energy");
    assert_double_rel(base->metrics[ADSE_SM_EDP],
                      (double)ind.total_cycles * ind.total_energy / 1e12, 1e-12, "EDP");
    /* utilization: total MACs over 168 PEs x total cycles */
    assert_double_rel(base->metrics[ADSE_SM_UTILIZATION],
                      (double)MODEL_MACS / 168.0 / (double)ind.total_cycles, 1e-9, "utilization");
    const adse_network_layer_result *lr = adse_search_layer_results(s, base);
    assert_non_null(lr);
    for (int i = 0; i < ind.n; i++) {
        assert_int_equal(lr[i].cycles, ind.cycles[i]);
        assert_true(lr[i].energy_pj == ind.energy[i]);
    }
    /* the best design's totals are its metrics */
    const adse_search_design *best = adse_search_best(s);
    assert_non_null(best);
    const adse_network_layer_result *br = adse_search_layer_results(s, best);
    assert_non_null(br);
    adse_network_totals t;
    adse_network_totals_compute(net, br, &t);
    assert_true((double)t.cycles == best->metrics[ADSE_SM_CYCLES]);
    assert_true(t.energy_pj == best->metrics[ADSE_SM_ENERGY]);
    assert_int_equal(t.macs, MODEL_MACS);
    adse_search_free(s);
}

/* A network file's layers are the search's layers with weight = count: the same totals as
 * the same problems listed as weighted problem files. */
static void test_network_file_equals_weighted_list(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-search-net"), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/net.yaml", dir);
    testutil_write(path,
                   "network:\n  name: two\n  layers:\n"
                   "    - {name: conv1_1, count: 3, problem: %s}\n"
                   "    - {name: small, count: 2, problem: %s}\n",
                   testutil_path(SEED_DIR "/prob.yaml"), testutil_path("search/small_prob.yaml"));
    char text[4096], w[1400];
    snprintf(w, sizeof w, " %s", path);
    spec_text(text, sizeof text, w);
    adse_search *a = run_search(text);
    snprintf(w, sizeof w,
             "\n  - {problem: %s, weight: 3, name: conv1_1}\n"
             "  - {problem: %s, weight: 2, name: small}",
             testutil_path(SEED_DIR "/prob.yaml"), testutil_path("search/small_prob.yaml"));
    spec_text(text, sizeof text, w);
    adse_search *b = run_search(text);
    assert_non_null(adse_search_network(a));
    assert_null(adse_search_network(b));
    assert_int_equal(adse_search_layer_count(a), 2);
    assert_string_equal(adse_search_layer_name(a, 1), "small");
    assert_true(adse_search_layer_weight(a, 0) == 3);
    assert_int_equal(adse_search_history_count(a), adse_search_history_count(b));
    for (int i = 0; i < adse_search_history_count(a); i++) {
        const adse_search_design *x = adse_search_history_at(a, i),
                                 *y = adse_search_history_at(b, i);
        assert_int_equal(x->status, y->status);
        assert_true(x->metrics[ADSE_SM_CYCLES] == y->metrics[ADSE_SM_CYCLES]);
        assert_true(x->metrics[ADSE_SM_ENERGY] == y->metrics[ADSE_SM_ENERGY]);
        assert_true(x->metrics[ADSE_SM_EDP] == y->metrics[ADSE_SM_EDP]);
        assert_double_rel(x->metrics[ADSE_SM_UTILIZATION], y->metrics[ADSE_SM_UTILIZATION], 1e-12,
                          "utilization");
        assert_double_rel(x->metrics[ADSE_SM_GFLOPS], y->metrics[ADSE_SM_GFLOPS], 1e-12, "gflops");
    }
    /* the network's per-layer cycles on the baseline: conv1_1 is the seed's 516,096 */
    const adse_network_layer_result *lr = adse_search_layer_results(a, adse_search_baseline(a));
    assert_non_null(lr);
    assert_int_equal(lr[0].cycles, 516096);
    assert_true(adse_search_baseline(a)->metrics[ADSE_SM_CYCLES] ==
                3.0 * 516096 + 2.0 * (double)lr[1].cycles);
    adse_search_free(a);
    adse_search_free(b);
    testutil_rmtree(dir);
}

static void expect_create_error(const char *text, int line, const char *fragment)
{
    adse_err e;
    char b[1600];
    adse_search_spec *spec = load_spec_ok(text);
    adse_search *s = NULL;
    adse_status st = adse_search_create(spec, NULL, &s, &e);
    adse_err_format(&e, b, sizeof b);
    if (st == ADSE_OK || !strstr(b, fragment) || e.line != line || strcmp(e.file, "spec.yaml"))
        print_error("got: %s\nwant line %d and: %s\n", b, line, fragment);
    assert_int_not_equal(st, ADSE_OK);
    assert_string_equal(e.file, "spec.yaml");
    assert_int_equal(e.line, line);
    assert_non_null(strstr(b, fragment));
    adse_search_free(s);
    adse_search_spec_free(spec);
}

static void test_errors_name_the_spec_line(void **state)
{
    (void)state;
    char path[512], text[2048], w[600];
    spec_text(text, sizeof text, " no_such_model.onnx");
    expect_create_error(text, 5, "no_such_model.onnx");
    char dir[256];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-search-net"), 0);
    snprintf(path, sizeof path, "%s/bad.yaml", dir);
    testutil_write(path, "network:\n  layers:\n    - {name: a, count: 0, problem: %s}\n",
                   testutil_path(SEED_DIR "/prob.yaml"));
    snprintf(w, sizeof w, " %s", path);
    spec_text(text, sizeof text, w);
    /* the spec's line, then the network file's own position */
    expect_create_error(text, 5, "bad.yaml:3:");
    testutil_rmtree(dir);
}

/* `adse search` on a network: report.md and the JSON show the network totals of the
 * baseline and the best design and the best design's per-layer table. */
static void test_cli_report(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-search-net"), 0);
    char spec[512], out[512];
    snprintf(spec, sizeof spec, "%s/spec.yaml", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    char text[2048], w[600];
    snprintf(w, sizeof w, " %s", testutil_path("onnx/resnet18.onnx"));
    spec_text(text, sizeof text, w);
    testutil_write(spec, "%s", text);
    testutil_run r = testutil_cli(dir, "search --json --threads 2 -o %s %s", out, spec);
    assert_run_status(&r, 0);
    json_t *root = json_parse_ok(r.out);
    json_t *net = json_object_get(root, "network");
    assert_true(json_is_object(net));
    assert_string_equal(json_string_value(json_object_get(net, "name")), "resnet18");
    /* ResNet-18: 1,814,073,344 MACs (PyTorch, tests/data/onnx/resnet18.expected.json) */
    json_t *bt = json_object_get(json_object_get(net, "baseline"), "total");
    json_t *xt = json_object_get(json_object_get(net, "best"), "total");
    assert_int_equal(json_integer_value(json_object_get(bt, "macs")), 1814073344);
    assert_int_equal(json_integer_value(json_object_get(xt, "macs")), 1814073344);
    json_t *bm = json_object_get(json_object_get(root, "baseline"), "metrics");
    assert_int_equal(json_integer_value(json_object_get(bt, "cycles")),
                     json_integer_value(json_object_get(bm, "cycles")));
    json_t *layers = json_object_get(json_object_get(net, "best"), "layers");
    assert_int_equal(json_array_size(layers),
                     json_integer_value(json_object_get(net, "distinct_layers")));
    /* the layers' count x cycles add up to the total */
    json_int_t sum = 0;
    for (size_t i = 0; i < json_array_size(layers); i++) {
        json_t *l = json_array_get(layers, i);
        sum += json_integer_value(json_object_get(l, "count")) *
               json_integer_value(json_object_get(l, "cycles"));
    }
    assert_int_equal(sum, json_integer_value(json_object_get(xt, "cycles")));
    json_decref(root);

    char path[600];
    snprintf(path, sizeof path, "%s/report.md", out);
    char *md = testutil_read_file(path);
    assert_non_null(md);
    assert_non_null(strstr(md, "## Network: resnet18"));
    assert_non_null(strstr(md, "- Baseline: total (count-weighted): cycles "));
    assert_non_null(strstr(md, "- Best (GA): total (count-weighted): cycles "));
    assert_non_null(strstr(md, "/conv1/Conv"));
    free(md);
    /* the best design's per-layer files, named NNN_<layer> */
    snprintf(path, sizeof path, "%s/best/001_conv1_Conv.map.yaml", out);
    FILE *m = fopen(path, "r");
    assert_non_null(m);
    fclose(m);
    testutil_run_free(&r);
    testutil_rmtree(dir);
}

/* examples/seed-eyeriss-vgg16/resnet50.yaml is the seed's search.yaml with ResNet-50 as the
 * workload: the same design files, genes, budgets, loss, GA and references. Creating the
 * search maps nothing (the run is the documented benchmark). */
static void test_example_spec(void **state)
{
    (void)state;
    const char *dir = ADSE_TEST_DATA_DIR "/../../examples/seed-eyeriss-vgg16";
    char pa[512], pb[512];
    snprintf(pa, sizeof pa, "%s/resnet50.yaml", dir);
    snprintf(pb, sizeof pb, "%s/search.yaml", dir);
    adse_search_spec *a = load_spec_file_ok(pa), *b = load_spec_file_ok(pb);
    assert_int_equal(a->n_layers, 0);
    assert_non_null(strstr(a->network, "networks/resnet50.onnx"));
    assert_int_equal(a->n_genes, b->n_genes);
    for (int g = 0; g < a->n_genes; g++) {
        assert_string_equal(a->genes[g].name, b->genes[g].name);
        assert_int_equal(a->genes[g].n_values, b->genes[g].n_values);
        assert_memory_equal(a->genes[g].values, b->genes[g].values,
                            (size_t)a->genes[g].n_values * sizeof(double));
    }
    for (int k = 0; k < ADSE_BUDGET_COUNT; k++) {
        const adse_search_budget *x = &a->budgets[k], *y = &b->budgets[k];
        assert_true(x->set == y->set && x->of_baseline == y->of_baseline);
        assert_true(x->scale == y->scale && x->limit == y->limit);
    }
    assert_memory_equal(&a->ga, &b->ga, sizeof a->ga);
    assert_string_equal(a->loss.text, b->loss.text);
    assert_int_equal(a->n_refs, b->n_refs);
    adse_search *s = NULL;
    adse_err e;
    assert_adse_ok(adse_search_create(a, NULL, &s, &e), &e, "create failed");
    assert_int_equal(adse_search_layer_count(s), 24);
    adse_search_free(s);
    adse_search_spec_free(a);
    adse_search_spec_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resnet_totals),
        cmocka_unit_test(test_network_file_equals_weighted_list),
        cmocka_unit_test(test_errors_name_the_spec_line),
        cmocka_unit_test(test_cli_report),
        cmocka_unit_test(test_example_spec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
