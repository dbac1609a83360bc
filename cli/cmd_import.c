/*
 * cli/cmd_import.c: `adse import`, an ONNX model as a network of Timeloop problems.
 *
 * Reads MODEL.onnx with the library's reader (no Python), prints the distinct compute
 * layers (name, op, count, MACs, instance), the totals and the ops not modeled, or with
 * --json the document of docs/cli.md; -o DIR also writes one Timeloop problem file per
 * distinct layer and DIR/network.yaml listing them with their counts.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "cli.h"

void cmd_import_usage(FILE *f)
{
    fprintf(f, "usage: adse import [--json] [-o DIR] MODEL.onnx\n"
               "\n"
               "Reads an ONNX model (e.g. from torch.onnx.export, with or without its weights)\n"
               "and lists its compute layers as Timeloop problems: Conv (grouped and depthwise\n"
               "ones with a group dimension G), Gemm and MatMul (batched products with G), each\n"
               "distinct shape once with its count. Every other op is listed as not modeled.\n"
               "Shapes come from the model's value_info or adse's own shape inference.\n"
               "\n"
               "Options:\n"
               "  --json                  print the JSON document instead of the table\n"
               "  -o, --output DIR        also write DIR/NNN_<layer>.yaml (one Timeloop problem\n"
               "                          per distinct layer) and DIR/network.yaml; DIR is\n"
               "                          created if missing\n"
               "  -h, --help              show this help\n"
               "\n"
               "Exit status: 0 success, 1 bad input (malformed model, a shape that cannot be\n"
               "inferred), 2 usage error.\n");
}

static int write_outputs(const char *dir, const char *model, const adse_network *net)
{
    if (cli_make_output_dir(dir) != 0) return -1;
    int rc = 0;
    char **names = calloc((size_t)net->n_layers + 1, sizeof *names);
    if (!names) {
        cli_error("out of memory");
        return -1;
    }
    for (int i = 0; i < net->n_layers && rc == 0; i++) {
        names[i] = cli_layer_file_name(i, net->layers[i].name, ".yaml");
        char *path;
        FILE *f = names[i] ? cli_open_output(dir, names[i], &path) : NULL;
        if (!f) {
            if (!names[i]) cli_error("out of memory");
            rc = -1;
            break;
        }
        rc = cli_close_output(f, path, adse_report_problem_yaml(f, &net->layers[i].problem));
    }
    if (rc == 0) {
        char *path;
        FILE *f = cli_open_output(dir, "network.yaml", &path);
        if (!f)
            rc = -1;
        else
            rc = cli_close_output(
                f, path, adse_report_network_yaml(f, net, model, (const char *const *)names));
    }
    for (int i = 0; i < net->n_layers; i++)
        free(names[i]);
    free(names);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    bool json = false;
    const char *out_dir = NULL, *model = NULL;
    static const cli_option opts[] = {
        {"json", 0, false, NULL}, {"output", 'o', true, "a non-empty directory"}, {0}};
    cli_args p;
    cli_args_init(&p, "import", opts, cmd_import_usage, argc, argv);
    for (int kind; (kind = cli_args_next(&p)) != CLI_ARGS_END;) {
        if (kind == CLI_ARGS_EXIT) return p.exit_code;
        if (kind == CLI_ARGS_POSITIONAL) {
            if (model) return cli_usage_error("import", "more than one model ('%s')", p.value);
            model = p.value;
        } else if (p.opt == 0) {
            json = true;
        } else {
            out_dir = p.value;
        }
    }
    if (!model) return cli_usage_error("import", "no model file");

    adse_network *net = NULL;
    adse_err err;
    adse_err_clear(&err);
    if (adse_network_load_onnx(model, NULL, &net, &err) != ADSE_OK) {
        cli_error_of(&err);
        return CLI_EXIT_FAIL;
    }
    int rc = CLI_EXIT_FAIL;
    if (out_dir && write_outputs(out_dir, model, net) != 0) goto done;
    adse_status st =
        json ? adse_report_network_json(stdout, net) : adse_report_network_table(stdout, net);
    if (cli_stdout_written(st) != 0) goto done;
    rc = CLI_EXIT_OK;
done:
    adse_network_free(net);
    return rc;
}
