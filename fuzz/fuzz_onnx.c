/*
 * fuzz/fuzz_onnx.c: adse_network_load_onnx_buffer on fuzzer input (the protobuf reader,
 * shape propagation and constant folding, the lowering to problems), with value_info used
 * and ignored, then every network writer (table, JSON, problem files, network.yaml).
 */
#include "fuzz_common.h"

#include "adse/adse.h"
#include "adse/network.h"
#include "adse/report.h"

static void downstream(const adse_network *net)
{
    FILE *out = fuzz_devnull();
    if (!out) return;
    (void)adse_report_network_table(out, net);
    (void)adse_report_network_json(out, net);
    const char **files = calloc((size_t)net->n_layers + 1, sizeof *files);
    if (!files) return;
    for (int i = 0; i < net->n_layers; i++) {
        files[i] = "layer.yaml";
        (void)adse_report_problem_yaml(out, &net->layers[i].problem);
    }
    (void)adse_report_network_yaml(out, net, "fuzz.onnx", files);
    free(files);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int ignore = 0; ignore < 2; ignore++) {
        adse_onnx_options o;
        adse_onnx_options_init(&o);
        o.ignore_value_info = ignore;
        adse_network *net = NULL;
        adse_err err;
        if (adse_network_load_onnx_buffer(data, size, "fuzz.onnx", &o, &net, &err) == ADSE_OK)
            downstream(net);
        adse_network_free(net);
    }
    return 0;
}
