/*
 * cli/cmd_model.c: `adse model`, the timeloop-model equivalent.
 *
 * Loads and merges the YAML files (a later file's top-level key replaces an earlier one),
 * evaluates the mapping and prints Timeloop's one-line summary, or the JSON document with
 * --json. -o DIR also writes DIR/adse-model.stats.txt and DIR/adse-model.map.txt.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "cli.h"

#define STATS_NAME "adse-model.stats.txt"
#define MAP_NAME "adse-model.map.txt"

void cmd_model_usage(FILE *f)
{
    fprintf(f, "usage: adse model [--json] [-o DIR] [--translation new|legacy]\n"
               "                  [--energy estimator|timeloop-fallback] [--no-link-transfers]\n"
               "                  [--ignore-sparse] [-D NAME=VALUE]... [--set NODE.PATH=VALUE]...\n"
               "                  FILE...\n"
               "\n"
               "Evaluates the mapping in FILE... with Timeloop's analytical model. The files are\n"
               "merged (a later file's top-level key replaces an earlier one's) and together must\n"
               "provide 'architecture', 'problem' and 'mapping'; ERT/ART tables are optional:\n"
               "components they do not name are priced by the built-in estimator (see\n"
               "'adse energy').\n"
               "\n"
               "Prints Timeloop's summary line, e.g.\n"
               "  Utilization = 1.00 | pJ/Compute =    2.407 | Cycles = 48\n"
               "\n"
               "Options:\n"
               "  --json                  print the result as one JSON document instead\n"
               "  -o, --output DIR        also write DIR/" STATS_NAME " and DIR/" MAP_NAME "\n"
               "                          (DIR is created if missing)\n"
               "  --translation RULE      'new' (Timeloop master, default) or 'legacy' (Timeloop\n"
               "                          <= v3.0.3 and the published reference outputs)\n"
               "  --energy SOURCE         energies and areas of the components no ERT/ART entry\n"
               "                          names: 'estimator' (built-in Accelergy-equivalent\n"
               "                          estimator, default) or 'timeloop-fallback' (Timeloop's\n"
               "                          built-in PAT energies, areas 0)\n"
               "  --no-link-transfers     disable inter-PE link transfers\n"
               "                          (TIMELOOP_DISABLE_LINK_TRANSFERS)\n"
               "  --ignore-sparse         evaluate the dense problem of inputs with\n"
               "                          sparse_optimizations (refused otherwise); the summary,\n"
               "                          JSON and stats.txt say so\n" CLI_DEFINE_HELP
               "  -h, --help              show this help\n"
               "\n"
               "Exit status: 0 success, 1 bad input or invalid mapping, 2 usage error.\n");
}

typedef adse_status (*writer_fn)(FILE *, const adse_model *, const adse_mapping *,
                                 const adse_result *);

static int write_file(const char *dir, const char *name, writer_fn fn, const adse_model *model,
                      const adse_mapping *mapping, const adse_result *res)
{
    char *path;
    FILE *f = cli_open_output(dir, name, &path);
    if (!f) return -1;
    return cli_close_output(f, path, fn(f, model, mapping, res));
}

int cmd_model(int argc, char **argv)
{
    cli_eval_args args;
    int parsed = cli_eval_parse("model", argc, argv, cmd_model_usage, NULL, NULL, NULL, &args);
    if (parsed >= 0) {
        cli_eval_args_release(&args);
        return parsed;
    }

    int rc = CLI_EXIT_FAIL;
    adse_spec *spec = NULL;
    adse_model *model = NULL;
    adse_scratch *scratch = NULL;
    adse_result *res = NULL;
    adse_err err;
    adse_err_clear(&err);

    args.spec.mapper_unused = true; /* a processed file's mapper options do not concern us */
    if (!(spec = cli_eval_load(&args)) || !cli_eval_require(spec, true)) goto done;
    if (!(model = cli_eval_model(&args, spec))) goto done;
    scratch = adse_scratch_new(model);
    res = calloc(1, sizeof *res);
    if (!scratch || !res) {
        cli_error("out of memory");
        goto done;
    }
    adse_err_clear(&err);
    if (adse_model_evaluate(model, &spec->mapping, scratch, res, &err) != ADSE_OK) {
        /* "adse: file:line:col: invalid mapping: reason" (location only when known) */
        adse_err shown = err;
        const char *why = err.msg[0] ? err.msg : res->reason[0] ? res->reason : "unknown reason";
        snprintf(shown.msg, sizeof shown.msg, "invalid mapping: %.*s",
                 (int)(sizeof shown.msg - sizeof "invalid mapping: "), why);
        cli_error_of(&shown);
        goto done;
    }

    if (args.out_dir) {
        if (cli_make_output_dir(args.out_dir) != 0) goto done;
        if (write_file(args.out_dir, STATS_NAME, adse_report_stats_txt, model, &spec->mapping,
                       res) ||
            write_file(args.out_dir, MAP_NAME, adse_report_map_txt, model, &spec->mapping, res))
            goto done;
    }

    if (args.json) {
        if (adse_report_json(stdout, model, &spec->mapping, res) != ADSE_OK) {
            cli_error("cannot write the JSON document");
            goto done;
        }
    } else {
        char line[160];
        printf("%s\n", adse_report_summary_line(res, line, sizeof line));
        const char *note = adse_report_sparse_note(&spec->problem);
        if (note) printf("%s\n", note);
    }
    if (cli_flush_stdout() != 0) goto done;
    rc = CLI_EXIT_OK;

done:
    free(res);
    adse_scratch_free(scratch);
    adse_model_free(model);
    adse_spec_free(spec);
    cli_eval_args_release(&args);
    return rc;
}
