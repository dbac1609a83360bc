/*
 * ONNX import against PyTorch: every model of tests/data/onnx (exported by
 * tests/data/onnx/make_models.py with torch.onnx.export) is loaded twice -- with its
 * value_info and with adse's own shape inference only -- and its layers (dimensions,
 * strides and dilations, counts, MACs), its total MACs and its not-modeled op counts are
 * compared with what PyTorch's forward hooks and ONNX's own reader recorded in
 * <model>.expected.json. Then: problems written as YAML read back equal; malformed models
 * (truncated, cycles, unknown ops on a needed path, symbolic shapes) fail with messages
 * naming the node.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "testutil.h"

static const char *const models[] = {
    "blocks",      "blocks_inputs", "mlp",          "encoder_small", "bert_base_layer", "resnet18",
    "resnet18_vi", "resnet50",      "mobilenet_v2", "vgg16",         "alexnet"};

static adse_network *load(const char *rel, bool ignore_vi)
{
    adse_onnx_options o;
    adse_onnx_options_init(&o);
    o.ignore_value_info = ignore_vi;
    adse_network *net = NULL;
    adse_err err;
    adse_err_clear(&err);
    assert_adse_ok(adse_network_load_onnx(testutil_path(rel), &o, &net, &err), &err, "%s", rel);
    return net;
}

/* Whether layer l has exactly the dimensions and coefficients of the expected instance. */
static bool same_instance(const adse_problem *p, json_t *inst)
{
    size_t n_keys = json_object_size(inst);
    size_t seen = 0;
    for (int x = 0; x < p->n_dims; x++) {
        char dn[2] = {p->dim_names[x], 0};
        json_t *v = json_object_get(inst, dn);
        if (!v || (uint64_t)json_integer_value(v) != p->bounds[x]) return false;
        seen++;
    }
    for (int c = 0; c < p->n_coefs; c++) {
        json_t *v = json_object_get(inst, p->coef_names[c]);
        if (!v || json_integer_value(v) != p->coef_values[c]) return false;
        seen++;
    }
    return seen == n_keys;
}

static bool is_compute_op(const char *op)
{
    return !strcmp(op, "Conv") || !strcmp(op, "Gemm") || !strcmp(op, "MatMul");
}

static void check_model(const char *name, bool ignore_vi)
{
    char rel[128];
    snprintf(rel, sizeof rel, "onnx/%s.expected.json", name);
    json_error_t jerr;
    json_t *exp = json_load_file(testutil_path(rel), 0, &jerr);
    if (!exp) fail_msg("%s: %s", rel, jerr.text);
    snprintf(rel, sizeof rel, "onnx/%s.onnx", name);
    adse_network *net = load(rel, ignore_vi);
    assert_string_equal(net->name, name);

    uint64_t total;
    assert_true(adse_network_total_macs(net, &total));
    assert_int_equal(total, json_integer_value(json_object_get(exp, "total_macs")));
    assert_int_equal(adse_network_layer_count(net),
                     json_integer_value(json_object_get(exp, "compute_nodes")));

    /* Each expected layer (op, instance, count) is found in adse's layers; adse may split
     * one expected shape over two ops (a Linear exported as Gemm here and MatMul there),
     * so counts are compared per instance over all of adse's layers. */
    json_t *layers = json_object_get(exp, "layers");
    size_t n_exp = json_array_size(layers);
    bool *used = calloc((size_t)net->n_layers + 1, sizeof *used);
    size_t i;
    json_t *l;
    json_array_foreach(layers, i, l)
    {
        const char *op = json_string_value(json_object_get(l, "op"));
        json_t *inst = json_object_get(l, "instance");
        uint64_t count = 0;
        for (int k = 0; k < net->n_layers; k++) {
            const adse_network_layer *a = &net->layers[k];
            if (!same_instance(&a->problem, inst)) continue;
            if (!strcmp(op, "Conv"))
                assert_string_equal(a->op, "Conv");
            else if (strcmp(a->op, "Gemm") != 0 && strcmp(a->op, "MatMul") != 0)
                fail_msg("%s: layer '%s' is %s, expected a matrix product", name, a->name, a->op);
            assert_int_equal(adse_problem_macs(&a->problem),
                             json_integer_value(json_object_get(l, "macs")));
            count += a->count;
            used[k] = true;
        }
        if (count != (uint64_t)json_integer_value(json_object_get(l, "count"))) {
            char *s = json_dumps(inst, JSON_COMPACT);
            fail_msg("%s%s: %s layer %s: adse counts %llu, PyTorch %lld", name,
                     ignore_vi ? " (own inference)" : "", op, s, (unsigned long long)count,
                     (long long)json_integer_value(json_object_get(l, "count")));
        }
    }
    for (int k = 0; k < net->n_layers; k++)
        if (!used[k])
            fail_msg("%s: adse layer '%s' is not in PyTorch's list", name, net->layers[k].name);
    assert_true(n_exp <= (size_t)net->n_layers);
    free(used);

    /* not-modeled ops: ONNX's own node counts */
    json_t *ops = json_object_get(exp, "ops");
    const char *op;
    json_t *cnt;
    size_t n_other = 0;
    json_object_foreach(ops, op, cnt)
    {
        if (is_compute_op(op)) continue;
        n_other++;
        bool found = false;
        for (int k = 0; k < net->n_skipped; k++)
            if (!strcmp(net->skipped[k].op, op)) {
                assert_int_equal(net->skipped[k].count, json_integer_value(cnt));
                found = true;
            }
        if (!found) fail_msg("%s: op %s not listed as not modeled", name, op);
    }
    assert_int_equal(net->n_skipped, n_other);
    adse_network_free(net);
    json_decref(exp);
}

static void test_models_value_info(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        check_model(models[i], false);
}

static void test_models_own_inference(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        check_model(models[i], true);
}

/* The reference figures, straight from the import. */
static void test_reference_totals(void **state)
{
    (void)state;
    adse_network *net = load("onnx/resnet50.onnx", false);
    uint64_t total;
    assert_true(adse_network_total_macs(net, &total));
    assert_int_equal(total, 4089184256u);
    adse_network_free(net);
    net = load("onnx/bert_base_layer.onnx", false);
    assert_true(adse_network_total_macs(net, &total));
    assert_int_equal(total, 931135488u);
    /* attention: Q K^T and A V per head, G = 12 heads, 128 tokens, head dim 64 */
    int batched = 0;
    for (int k = 0; k < net->n_layers; k++) {
        const adse_problem *p = &net->layers[k].problem;
        if (p->n_dims != 8) continue;
        batched++;
        assert_int_equal(p->bounds[adse_problem_dim_id(p, 'G')], 12);
        assert_int_equal(p->bounds[adse_problem_dim_id(p, 'P')], 128);
        assert_int_equal(adse_problem_macs(p), 12u * 128 * 128 * 64);
    }
    assert_int_equal(batched, 2);
    adse_network_free(net);
}

/* Every distinct layer written as a Timeloop problem file reads back as an equal problem. */
static void test_problem_yaml_round_trip(void **state)
{
    (void)state;
    const char *names[] = {"onnx/blocks.onnx", "onnx/bert_base_layer.onnx"};
    for (int m = 0; m < 2; m++) {
        adse_network *net = load(names[m], false);
        for (int k = 0; k < net->n_layers; k++) {
            char *buf = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            assert_non_null(f);
            assert_int_equal(adse_report_problem_yaml(f, &net->layers[k].problem), ADSE_OK);
            fclose(f);
            const char *texts[] = {buf};
            const char *fn[] = {"problem.yaml"};
            adse_spec *spec = testutil_load_strings_ok(texts, fn, 1, NULL);
            assert_true(spec->has_problem);
            if (!adse_problem_equal(&spec->problem, &net->layers[k].problem))
                fail_msg("layer '%s' does not read back:\n%s", net->layers[k].name, buf);
            adse_spec_free(spec);
            free(buf);
        }
        adse_network_free(net);
    }
}

/* VGG16's first layer is the seed experiment's problem (VGG16 conv1_1 in the CNN-Layer
 * shape of timeloop-accelergy-exercises), so the seed's constraints apply unchanged. */
static void test_vgg16_conv1_is_seed_problem(void **state)
{
    (void)state;
    adse_network *net = load("onnx/vgg16.onnx", false);
    const char *files[] = {testutil_path("seed-experiment/original/prob.yaml")};
    adse_spec *spec = testutil_load_files_ok(files, 1, NULL);
    assert_true(adse_problem_equal(&net->layers[0].problem, &spec->problem));
    assert_false(adse_problem_equal(&net->layers[1].problem, &spec->problem));
    adse_spec_free(spec);
    adse_network_free(net);
}

/* ---- network files (network.yaml) ------------------------------------------------------ */

/* The network.yaml and problem files of `adse import -o` (written here by the same report
 * functions) read back as the same layers, counts, problems and not-modeled ops. */
static void test_network_yaml_round_trip(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-netyaml"), 0);
    adse_network *net = load("onnx/resnet18.onnx", false);
    char **files = calloc((size_t)net->n_layers, sizeof *files);
    assert_non_null(files);
    char path[512];
    for (int i = 0; i < net->n_layers; i++) {
        files[i] = malloc(32);
        snprintf(files[i], 32, "layer%d.yaml", i);
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        assert_int_equal(adse_report_problem_yaml(f, &net->layers[i].problem), ADSE_OK);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/network.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(adse_report_network_yaml(f, net, "resnet18.onnx", (const char *const *)files),
                     ADSE_OK);
    fclose(f);
    adse_network *back = NULL;
    adse_err err;
    adse_status st = adse_network_load(path, NULL, &back, &err);
    if (st) fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.msg);
    assert_true(adse_network_is_network_file(path));
    assert_string_equal(back->name, "resnet18");
    assert_int_equal(back->n_layers, net->n_layers);
    for (int i = 0; i < net->n_layers; i++) {
        assert_string_equal(back->layers[i].name, net->layers[i].name);
        assert_string_equal(back->layers[i].op, net->layers[i].op);
        assert_int_equal(back->layers[i].count, net->layers[i].count);
        assert_true(adse_problem_equal(&back->layers[i].problem, &net->layers[i].problem));
        free(files[i]);
    }
    free(files);
    assert_int_equal(back->n_skipped, net->n_skipped);
    for (int i = 0; i < net->n_skipped; i++) {
        assert_string_equal(back->skipped[i].op, net->skipped[i].op);
        assert_int_equal(back->skipped[i].count, net->skipped[i].count);
    }
    uint64_t macs = 0;
    assert_true(adse_network_total_macs(back, &macs));
    assert_int_equal(macs, 1814073344u); /* PyTorch's count (docs/networks.md) */
    adse_network_free(back);
    adse_network_free(net);
    /* a problem file is not a network */
    assert_false(adse_network_is_network_file(testutil_path("seed-experiment/original/prob.yaml")));
    assert_true(adse_network_is_network_file("x.onnx"));
    assert_int_equal(testutil_rmtree(dir), 0);
}

#define INLINE_PROB "{shape: cnn-layer, instance: {C: 3, K: 4, R: 1, S: 1, N: 1, P: 2, Q: 2}}"

/* Hand-written networks: inline problems, equal problems under two names kept apart, and
 * every mistake reported at file:line:column with the field named. */
static void test_network_yaml_errors(void **state)
{
    (void)state;
    adse_network *net = NULL;
    adse_err err;
    const char *good = "network:\n"
                       "  layers:\n"
                       "    - {name: a, count: 2, macs: 48, problem: " INLINE_PROB "}\n"
                       "    - {name: b, op: Gemm, count: 3, problem: " INLINE_PROB "}\n"
                       "  total_macs: 240\n"
                       "  not_modeled: {Relu: 4}\n";
    adse_status st = adse_network_load_yaml_string(good, "dir/tiny.yaml", NULL, &net, &err);
    if (st) fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.msg);
    assert_string_equal(net->name, "tiny");
    assert_int_equal(net->n_layers, 2);
    assert_int_equal(net->layers[0].count, 2);
    assert_int_equal(net->layers[1].count, 3);
    assert_string_equal(net->layers[1].op, "Gemm");
    assert_int_equal(net->n_skipped, 1);
    assert_int_equal(net->skipped[0].count, 4);
    adse_network_free(net);

    static const struct {
        const char *text, *want;
    } cases[] = {
        {"network:\n  layers:\n    - {name: a, count: 0, problem: " INLINE_PROB "}\n",
         "n.yaml:3:24: 'count' of layer 'a' must be a positive integer"},
        {"network:\n  layers:\n    - {name: a, count: two, problem: " INLINE_PROB "}\n",
         "n.yaml:3:24: 'count' of layer 'a' must be a positive integer"},
        {"network:\n  layers:\n    - {name: a, problem: " INLINE_PROB "}\n",
         "n.yaml:3:8: layer 'a' has no 'count'"},
        {"network:\n  layers:\n    - {name: a, count: 1, problem: " INLINE_PROB "}\n"
         "    - {name: a, count: 1, problem: " INLINE_PROB "}\n",
         "n.yaml:4:14: duplicate layer name 'a'"},
        {"network:\n  layers:\n    - {name: a, count: 1, cont: 2, problem: " INLINE_PROB "}\n",
         "n.yaml:3:27: unknown key 'cont' in a layer of the network"},
        {"network:\n  layer:\n    - {name: a}\n", "n.yaml:2:3: unknown key 'layer' in the network"},
        {"networks:\n  layers: []\n", "n.yaml:1:1: unknown top-level key 'networks' in a network"},
        {"network:\n  layers:\n    - {name: a, count: 1, problem: missing.yaml}\n",
         "n.yaml:3:36: 'problem' of layer 'a': missing.yaml: cannot open file"},
        {"network:\n  layers:\n    - {name: a, count: 1, problem: [1]}\n",
         "n.yaml:3:36: 'problem' of layer 'a' must be a file name or a problem, got a list"},
        {"network:\n  layers:\n    - {count: 1, problem: " INLINE_PROB "}\n",
         "n.yaml:3:7: layer of the network has no 'name'"},
        {"network:\n  layers:\n    - {name: a, count: 1}\n",
         "n.yaml:3:8: layer 'a' has no 'problem'"},
        {"network:\n  layers:\n    - {name: a, count: 1, macs: 47, problem: " INLINE_PROB "}\n",
         "n.yaml:3:33: 'macs' of layer 'a' is 47 but its problem has 48 MACs"},
        {"network:\n  layers:\n    - {name: a, count: 2, problem: " INLINE_PROB "}\n"
         "  total_macs: 48\n",
         "n.yaml:4:15: 'total_macs' is 48 but the layers' count x MACs add up to 96"},
        {"network:\n  layers: []\n", "n.yaml:2:11: 'layers' must be a non-empty list"},
        {"network:\n  layers:\n    - {name: a, count: 1, problem: {instance: {C: 3}}}\n",
         "n.yaml:3:47: missing bound of dimension 'R' in 'instance'"},
        {"network:\n  layers:\n    - {name: a, count: 1, problem: " INLINE_PROB "}\n"
         "  not_modeled: {Relu: -1}\n",
         "n.yaml:4:23: count of 'Relu' in 'not_modeled' must be a positive integer"},
        {"network:\n  layers:\n    - {name: a, count: 1, problem: {shape: cnn-layer, instance: "
         "{C: 3, K: 4, R: 1, S: 1, N: 1, P: 2, Q: 2, HStride: 2}}}\n",
         "n.yaml:3:108: 'HStride' is not a dimension or coefficient of the problem's shape; did "
         "you mean 'Hstride'?"},
        {"problem: " INLINE_PROB "\n", "n.yaml:1:1: unknown top-level key 'problem' in a network"},
        {"", "n.yaml: no top-level 'network'"},
    };
    char buf[1200];
    int wrong = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        net = NULL;
        st = adse_network_load_yaml_string(cases[i].text, "n.yaml", NULL, &net, &err);
        if (st == ADSE_OK) fail_msg("case %zu loaded:\n%s", i, cases[i].text);
        assert_null(net);
        adse_err_format(&err, buf, sizeof buf);
        if (!strstr(buf, cases[i].want)) {
            print_error("case %zu: got '%s', want '%s'\n", i, buf, cases[i].want);
            wrong++;
        }
    }
    assert_int_equal(wrong, 0);

    /* problem files: relative to the network file, errors located in the problem file */
    char dir[256], path[512];
    assert_int_equal(testutil_mkdtemp(dir, sizeof dir, "adse-netyaml"), 0);
    snprintf(path, sizeof path, "%s/p.yaml", dir);
    testutil_write(
        path, "%s",
        "problem:\n  shape: cnn-layer\n  instance: {C: 3, K: 4, R: 1, S: 1, N: 1, P: 2}\n");
    snprintf(path, sizeof path, "%s/q.yaml", dir);
    testutil_write(path, "%s", "architecture: {}\nproblem: " INLINE_PROB "\n");
    const char *text = "network:\n  layers:\n    - {name: a, count: 1, problem: p.yaml}\n";
    assert_int_equal(adse_network_load_yaml_string(text, "n.yaml", dir, &net, &err), ADSE_E_SPEC);
    assert_non_null(strstr(err.file, "/p.yaml"));
    assert_int_equal(err.line, 3);
    text = "network:\n  layers:\n    - {name: a, count: 1, problem: q.yaml}\n";
    assert_int_equal(adse_network_load_yaml_string(text, "n.yaml", dir, &net, &err), ADSE_E_SPEC);
    adse_err_format(&err, buf, sizeof buf);
    assert_non_null(strstr(buf, "q.yaml:1:1: unknown top-level key 'architecture' in a layer's"));
    assert_int_equal(testutil_rmtree(dir), 0);
}

/* ---- malformed models, built with a tiny protobuf writer ------------------------------- */

typedef struct pbw {
    unsigned char b[4096];
    size_t n;
} pbw;

static void varint(pbw *w, uint64_t v)
{
    do {
        w->b[w->n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
}

static void field_bytes(pbw *w, int field, const void *data, size_t len)
{
    varint(w, (uint64_t)field << 3 | 2);
    varint(w, len);
    memcpy(w->b + w->n, data, len);
    w->n += len;
}

static void field_str(pbw *w, int field, const char *s)
{
    field_bytes(w, field, s, strlen(s));
}
static void field_msg(pbw *w, int field, const pbw *m)
{
    field_bytes(w, field, m->b, m->n);
}
static void field_int(pbw *w, int field, uint64_t v)
{
    varint(w, (uint64_t)field << 3);
    varint(w, v);
}

/* NodeProto: inputs, outputs (NULL-terminated lists), name, op. */
static void node(pbw *graph, const char *name, const char *op, const char *const *in,
                 const char *const *out)
{
    pbw n = {.n = 0};
    for (; *in; in++)
        field_str(&n, 1, *in);
    for (; *out; out++)
        field_str(&n, 2, *out);
    field_str(&n, 3, name);
    field_str(&n, 4, op);
    field_msg(graph, 1, &n);
}

/* ValueInfoProto of a float tensor; dims < 0 are symbolic ("batch"). */
static void value_info(pbw *graph, int field, const char *name, const int64_t *dims, int rank)
{
    pbw shape = {.n = 0}, tensor = {.n = 0}, type = {.n = 0}, vi = {.n = 0};
    for (int i = 0; i < rank; i++) {
        pbw d = {.n = 0};
        if (dims[i] >= 0)
            field_int(&d, 1, (uint64_t)dims[i]);
        else
            field_str(&d, 2, "batch");
        field_msg(&shape, 1, &d);
    }
    field_int(&tensor, 1, 1);
    field_msg(&tensor, 2, &shape);
    field_msg(&type, 1, &tensor);
    field_str(&vi, 1, name);
    field_msg(&vi, 2, &type);
    field_msg(graph, field, &vi);
}

static adse_status load_graph(const pbw *graph, adse_err *err)
{
    pbw model = {.n = 0}, opset = {.n = 0};
    field_int(&model, 1, 8);
    field_int(&opset, 2, 13);
    field_msg(&model, 8, &opset);
    field_msg(&model, 7, graph);
    adse_network *net = NULL;
    adse_err_clear(err);
    adse_status st = adse_network_load_onnx_buffer(model.b, model.n, "bad.onnx", NULL, &net, err);
    adse_network_free(net);
    return st;
}

static const int64_t x_dims[] = {1, 3, 8, 8}, w_dims[] = {4, 3, 3, 3};

static void expect_error(const pbw *graph, const char *needle)
{
    adse_err err;
    assert_int_not_equal(load_graph(graph, &err), ADSE_OK);
    char msg[1200];
    adse_err_format(&err, msg, sizeof msg);
    if (!strstr(msg, needle)) fail_msg("message '%s' lacks '%s'", msg, needle);
}

static void test_good_tiny_graph(void **state)
{
    (void)state;
    pbw g = {.n = 0};
    node(&g, "conv", "Conv", (const char *[]){"x", "w", NULL}, (const char *[]){"y", NULL});
    value_info(&g, 11, "x", x_dims, 4);
    value_info(&g, 11, "w", w_dims, 4);
    adse_err err;
    assert_int_equal(load_graph(&g, &err), ADSE_OK);
}

static void test_unknown_op_on_needed_path(void **state)
{
    (void)state;
    pbw g = {.n = 0};
    node(&g, "mystery", "Frobnicate", (const char *[]){"x", NULL}, (const char *[]){"t", NULL});
    node(&g, "conv", "Conv", (const char *[]){"t", "w", NULL}, (const char *[]){"y", NULL});
    value_info(&g, 11, "x", x_dims, 4);
    value_info(&g, 11, "w", w_dims, 4);
    expect_error(&g, "bad.onnx: node 'conv' (Conv): the shape of input 't' cannot be inferred: "
                     "it comes from node 'mystery' (Frobnicate)");
    /* the same op off the needed path is merely listed */
    pbw h = {.n = 0};
    node(&h, "conv", "Conv", (const char *[]){"x", "w", NULL}, (const char *[]){"y", NULL});
    node(&h, "mystery", "Frobnicate", (const char *[]){"y", NULL}, (const char *[]){"t", NULL});
    value_info(&h, 11, "x", x_dims, 4);
    value_info(&h, 11, "w", w_dims, 4);
    adse_err err;
    assert_int_equal(load_graph(&h, &err), ADSE_OK);
}

static void test_symbolic_shape(void **state)
{
    (void)state;
    pbw g = {.n = 0};
    node(&g, "conv", "Conv", (const char *[]){"x", "w", NULL}, (const char *[]){"y", NULL});
    const int64_t sym[] = {-1, 3, 8, 8};
    value_info(&g, 11, "x", sym, 4);
    value_info(&g, 11, "w", w_dims, 4);
    expect_error(&g, "node 'conv' (Conv): the shape of input 'x' is symbolic");
}

static void test_cycle(void **state)
{
    (void)state;
    pbw g = {.n = 0};
    node(&g, "a", "Relu", (const char *[]){"z", NULL}, (const char *[]){"y", NULL});
    node(&g, "b", "Relu", (const char *[]){"y", NULL}, (const char *[]){"z", NULL});
    expect_error(&g, "node 'a' (Relu): the graph has a cycle through this node");
}

static void test_undefined_and_duplicate_values(void **state)
{
    (void)state;
    pbw g = {.n = 0};
    node(&g, "a", "Relu", (const char *[]){"nowhere", NULL}, (const char *[]){"y", NULL});
    expect_error(&g, "node 'a' (Relu): input 'nowhere' is not computed by any node");
    pbw h = {.n = 0};
    value_info(&h, 11, "x", x_dims, 4);
    node(&h, "a", "Relu", (const char *[]){"x", NULL}, (const char *[]){"y", NULL});
    node(&h, "b", "Relu", (const char *[]){"x", NULL}, (const char *[]){"y", NULL});
    expect_error(&h, "node 'b' (Relu): output 'y' is already computed by another node");
}

static void test_bad_conv(void **state)
{
    (void)state;
    pbw g = {.n = 0};
    node(&g, "conv", "Conv", (const char *[]){"x", "w", NULL}, (const char *[]){"y", NULL});
    const int64_t w5[] = {4, 5, 3, 3};
    value_info(&g, 11, "x", x_dims, 4);
    value_info(&g, 11, "w", w5, 4);
    expect_error(&g, "node 'conv' (Conv): input 'x' has 3 channels and weights 'w' 4 x 5");
}

/* Every prefix of a real model: an error or a (smaller) valid model, never a crash; cutting
 * in the middle of the graph is reported as malformed. */
static void test_truncated(void **state)
{
    (void)state;
    FILE *f = fopen(testutil_path("onnx/resnet18.onnx"), "rb");
    assert_non_null(f);
    static unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(n > 1000 && n < sizeof buf);
    for (size_t len = 0; len < n; len += 13) {
        unsigned char *copy = malloc(len ? len : 1);
        memcpy(copy, buf, len);
        adse_network *net = NULL;
        adse_err err;
        adse_err_clear(&err);
        adse_status st = adse_network_load_onnx_buffer(copy, len, "cut.onnx", NULL, &net, &err);
        if (st != ADSE_OK) assert_true(err.msg[0] != 0);
        adse_network_free(net);
        free(copy);
    }
    adse_network *net = NULL;
    adse_err err;
    assert_int_equal(adse_network_load_onnx_buffer(buf, n / 2, "cut.onnx", NULL, &net, &err),
                     ADSE_E_SYNTAX);
    assert_non_null(strstr(err.msg, "malformed ONNX model"));
    assert_null(net);
    assert_int_equal(adse_network_load_onnx_buffer(buf, 0, "empty.onnx", NULL, &net, &err),
                     ADSE_E_SYNTAX);
    assert_non_null(strstr(err.msg, "no graph"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_models_value_info),
        cmocka_unit_test(test_models_own_inference),
        cmocka_unit_test(test_reference_totals),
        cmocka_unit_test(test_problem_yaml_round_trip),
        cmocka_unit_test(test_vgg16_conv1_is_seed_problem),
        cmocka_unit_test(test_network_yaml_round_trip),
        cmocka_unit_test(test_network_yaml_errors),
        cmocka_unit_test(test_good_tiny_graph),
        cmocka_unit_test(test_unknown_op_on_needed_path),
        cmocka_unit_test(test_symbolic_shape),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_undefined_and_duplicate_values),
        cmocka_unit_test(test_bad_conv),
        cmocka_unit_test(test_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
