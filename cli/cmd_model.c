/*
 * cli/cmd_model.c: `adse model`, the timeloop-model equivalent.
 *
 * Loads and merges the YAML files (a later file's top-level key replaces an earlier one),
 * evaluates the mapping and prints Timeloop's one-line summary, or the JSON document with
 * --json. -o DIR also writes DIR/adse-model.stats.txt and DIR/adse-model.map.txt.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
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
               "  -h, --help              show this help\n"
               "\n"
               "Exit status: 0 success, 1 bad input or invalid mapping, 2 usage error.\n");
}

typedef adse_status (*writer_fn)(FILE *, const adse_model *, const adse_mapping *,
                                 const adse_result *);

static int write_file(const char *dir, const char *name, writer_fn fn, const adse_model *model,
                      const adse_mapping *mapping, const adse_result *res)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (!path) {
        cli_error("out of memory");
        return -1;
    }
    snprintf(path, len, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        cli_error("%s: cannot open for writing: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    adse_status st = fn(f, model, mapping, res);
    int close_rc = fclose(f);
    if (st != ADSE_OK || close_rc != 0) {
        cli_error("%s: write failed (%s)", path,
                  st != ADSE_OK ? adse_status_name(st) : strerror(errno));
        free(path);
        return -1;
    }
    free(path);
    return 0;
}

int cmd_model(int argc, char **argv)
{
    bool json = false;
    const char *out_dir = NULL;
    adse_model_options opts;
    adse_model_options_init(&opts);
    adse_spec_options spec_opts;
    adse_spec_options_init(&spec_opts);

    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    int n_files = 0;
    bool only_files = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            files[n_files++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_files = true;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cmd_model_usage(stdout);
            free(files);
            return CLI_EXIT_OK;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
            continue;
        }
        if (strcmp(a, "--no-link-transfers") == 0) {
            opts.disable_link_transfers = true;
            continue;
        }
        if (strcmp(a, "-o") == 0 || strncmp(a, "-o", 2) == 0 || strcmp(a, "--output") == 0 ||
            strncmp(a, "--output=", 9) == 0) {
            const char *inl = NULL;
            if (strncmp(a, "--output=", 9) == 0)
                inl = a + 9;
            else if (a[1] == 'o' && a[2])
                inl = a + 2;
            out_dir = cli_option_value("model", argc, argv, &i, "-o", inl);
            if (!out_dir) {
                free(files);
                return CLI_EXIT_USAGE;
            }
            if (!out_dir[0]) {
                free(files);
                return cli_usage_error("model", "option '-o' requires a non-empty directory");
            }
            continue;
        }
        if (strcmp(a, "--energy") == 0 || strncmp(a, "--energy=", 9) == 0) {
            const char *v =
                cli_option_value("model", argc, argv, &i, "--energy", a[8] == '=' ? a + 9 : NULL);
            if (!v) {
                free(files);
                return CLI_EXIT_USAGE;
            }
            if (strcmp(v, "estimator") == 0)
                spec_opts.energy = ADSE_ENERGY_MODE_ESTIMATOR;
            else if (strcmp(v, "timeloop-fallback") == 0)
                spec_opts.energy = ADSE_ENERGY_MODE_TIMELOOP_FALLBACK;
            else {
                free(files);
                return cli_usage_error("model",
                                       "unknown energy source '%s' (expected 'estimator' or "
                                       "'timeloop-fallback')",
                                       v);
            }
            continue;
        }
        if (strcmp(a, "--translation") == 0 || strncmp(a, "--translation=", 14) == 0) {
            const char *v = cli_option_value("model", argc, argv, &i, "--translation",
                                             a[13] == '=' ? a + 14 : NULL);
            if (!v) {
                free(files);
                return CLI_EXIT_USAGE;
            }
            if (strcmp(v, "new") == 0)
                opts.translation = ADSE_TRANSLATION_NEW;
            else if (strcmp(v, "legacy") == 0)
                opts.translation = ADSE_TRANSLATION_LEGACY;
            else {
                free(files);
                return cli_usage_error(
                    "model", "unknown translation rule '%s' (expected 'new' or 'legacy')", v);
            }
            continue;
        }
        free(files);
        return cli_usage_error("model", "unknown option '%s'", a);
    }
    if (n_files == 0) {
        free(files);
        return cli_usage_error("model", "no input files");
    }

    int rc = CLI_EXIT_FAIL;
    adse_spec *spec = NULL;
    adse_model *model = NULL;
    adse_scratch *scratch = NULL;
    adse_result *res = NULL;
    adse_err err;
    adse_err_clear(&err);
    char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];

    if (adse_spec_load_opts(files, n_files, &spec_opts, &spec, &err) != ADSE_OK) {
        cli_error("%s", adse_err_format(&err, msg, sizeof msg));
        goto done;
    }
    if (!spec->has_arch || !spec->has_problem || !spec->has_mapping) {
        const char *names[3] = {spec->has_arch ? NULL : "'architecture'",
                                spec->has_problem ? NULL : "'problem'",
                                spec->has_mapping ? NULL : "'mapping'"};
        const char *list[3];
        int n_missing = 0;
        for (int k = 0; k < 3; k++)
            if (names[k]) list[n_missing++] = names[k];
        char missing[96];
        if (n_missing == 1)
            snprintf(missing, sizeof missing, "%s", list[0]);
        else if (n_missing == 2)
            snprintf(missing, sizeof missing, "%s and %s", list[0], list[1]);
        else
            snprintf(missing, sizeof missing, "%s, %s and %s", list[0], list[1], list[2]);
        cli_error("missing %s: no input file has %s top-level key%s", missing,
                  n_missing > 1 ? "these" : "this", n_missing > 1 ? "s" : "");
        goto done;
    }
    if (adse_model_create(&spec->arch, &spec->problem, &opts, &model, &err) != ADSE_OK) {
        cli_error("%s", adse_err_format(&err, msg, sizeof msg));
        goto done;
    }
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
        cli_error("%s", adse_err_format(&shown, msg, sizeof msg));
        goto done;
    }

    if (out_dir) {
        if (cli_make_dirs(out_dir) != 0) {
            cli_error("%s: cannot create directory: %s", out_dir, strerror(errno));
            goto done;
        }
        if (write_file(out_dir, STATS_NAME, adse_report_stats_txt, model, &spec->mapping, res) ||
            write_file(out_dir, MAP_NAME, adse_report_map_txt, model, &spec->mapping, res))
            goto done;
    }

    if (json) {
        if (adse_report_json(stdout, model, &spec->mapping, res) != ADSE_OK) {
            cli_error("cannot write the JSON document");
            goto done;
        }
    } else {
        char line[160];
        printf("%s\n", adse_report_summary_line(res, line, sizeof line));
    }
    if (fflush(stdout) != 0) {
        cli_error("cannot write to stdout: %s", strerror(errno));
        goto done;
    }
    rc = CLI_EXIT_OK;

done:
    free(res);
    adse_scratch_free(scratch);
    adse_model_free(model);
    adse_spec_free(spec);
    free(files);
    return rc;
}
