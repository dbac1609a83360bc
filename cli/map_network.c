/*
 * cli/map_network.c: `adse map` on a network (an ONNX model or a network file among the
 * files): every distinct layer is loaded as the problem of the other files (architecture,
 * constraints, mapper section, ERT/ART), mapped with adse_mapper_run, and the per-layer table and the
 * count-weighted totals are printed (--json: the document of docs/cli.md). -o DIR writes
 * DIR/NNN_<layer>/ with each layer's map.yaml, stats.txt and map.txt, and DIR/network.csv.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adse/adse.h"
#include "cli.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Writes the layer's map.yaml, stats.txt and map.txt under dir/NNN_<name>/. */
static int write_layer(const char *dir, int i, const adse_network_layer *l, const adse_model *m,
                       const adse_mapper_result *res)
{
    char *sub = cli_layer_file_name(i, l->name, "");
    if (!sub) {
        cli_error("out of memory");
        return -1;
    }
    size_t len = strlen(dir) + strlen(sub) + 2;
    char *path = malloc(len), *file;
    int rc = -1;
    if (!path) {
        cli_error("out of memory");
        goto out;
    }
    snprintf(path, len, "%s/%s", dir, sub);
    if (cli_make_dirs(path) != 0) {
        cli_error("%s: cannot create directory: %s", path, strerror(errno));
        goto out;
    }
    FILE *f;
    if (!(f = cli_open_output(path, "adse-map.map.yaml", &file)) ||
        cli_close_output(f, file, adse_report_map_yaml(f, m, &res->best)))
        goto out;
    if (!(f = cli_open_output(path, "adse-map.stats.txt", &file)) ||
        cli_close_output(f, file, adse_report_stats_txt(f, m, &res->best, &res->result)))
        goto out;
    if (!(f = cli_open_output(path, "adse-map.map.txt", &file)) ||
        cli_close_output(f, file, adse_report_map_txt(f, m, &res->best, &res->result)))
        goto out;
    rc = 0;
out:
    free(path);
    free(sub);
    return rc;
}

int cli_map_network(const cli_eval_args *a, const char *network_path, int threads,
                    double time_limit)
{
    char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
    adse_err err;
    adse_err_clear(&err);
    adse_network *net = NULL;
    if (adse_network_load(network_path, NULL, &net, &err) != ADSE_OK) {
        cli_error("%s", adse_err_format(&err, msg, sizeof msg));
        return CLI_EXIT_FAIL;
    }
    const char **files = calloc((size_t)a->n_files + 1, sizeof *files);
    adse_network_layer_result *results = calloc((size_t)net->n_layers + 1, sizeof *results);
    adse_mapper_result *res = calloc(1, sizeof *res);
    int rc = CLI_EXIT_FAIL, n_files = 0;
    if (!files || !results || !res) {
        cli_error("out of memory");
        goto done;
    }
    for (int i = 0; i < a->n_files; i++)
        if (a->files[i] != network_path) files[n_files++] = a->files[i];
    if (a->out_dir && cli_make_dirs(a->out_dir) != 0) {
        cli_error("%s: cannot create directory: %s", a->out_dir, strerror(errno));
        goto done;
    }
    double t0 = now_s();
    for (int i = 0; i < net->n_layers; i++) {
        const adse_network_layer *l = &net->layers[i];
        adse_spec_options o = a->spec;
        o.ignore_mapping = true;
        o.problem = &l->problem;
        adse_spec *spec = NULL;
        adse_model *model = NULL;
        adse_err_clear(&err);
        if (adse_spec_load_opts(files, n_files, &o, &spec, &err) != ADSE_OK) {
            cli_error("%s", adse_err_format(&err, msg, sizeof msg));
            goto done;
        }
        if (i == 0) cli_print_warnings(spec);
        bool ok = cli_eval_require(spec, false) && (model = cli_eval_model(a, spec));
        if (ok) {
            adse_mapper_settings settings = spec->mapper;
            if (threads >= 0) settings.threads = threads;
            if (time_limit >= 0) settings.time_limit_s = time_limit;
            adse_err_clear(&err);
            if (adse_mapper_run(model, spec->has_constraints ? &spec->constraints : NULL, &settings,
                                res, &err) != ADSE_OK) {
                cli_error("layer '%s': %s", l->name, adse_err_format(&err, msg, sizeof msg));
                ok = false;
            } else if (!res->found) {
                cli_error("layer '%s': no valid mapping (%s)", l->name,
                          res->stats.optimal ? "the whole mapspace was searched"
                                             : "the time limit was reached");
                ok = false;
            }
        }
        if (ok) {
            results[i] =
                (adse_network_layer_result){true, res->stats.optimal, res->result.cycles,
                                            res->result.energy_pj, res->result.utilization};
            if (a->out_dir) ok = write_layer(a->out_dir, i, l, model, res) == 0;
        }
        adse_model_free(model);
        adse_spec_free(spec);
        if (!ok) goto done;
    }
    double seconds = now_s() - t0;
    if (a->out_dir) {
        char *path;
        FILE *f = cli_open_output(a->out_dir, "network.csv", &path);
        if (!f || cli_close_output(f, path, adse_report_network_map_csv(f, net, results)))
            goto done;
    }
    adse_status st = a->json ? adse_report_network_map_json(stdout, net, results, seconds)
                             : adse_report_network_map_table(stdout, net, results);
    if (st != ADSE_OK) {
        cli_error("cannot write to stdout");
        goto done;
    }
    if (!a->json) printf("mapped %d distinct layers in %.2f s\n", net->n_layers, seconds);
    if (cli_flush_stdout() != 0) goto done;
    rc = CLI_EXIT_OK;
done:
    free(res);
    free(results);
    free(files);
    adse_network_free(net);
    return rc;
}
