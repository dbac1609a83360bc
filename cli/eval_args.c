/*
 * cli/eval_args.c: what `adse model` and `adse map` share: their common options (--json,
 * -o DIR, --translation, --energy, --no-link-transfers, --ignore-sparse, --help, --), loading the
 * input files, the "missing 'architecture'" message and writing output files.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adse/adse.h"
#include "cli.h"

void cli_eval_args_release(cli_eval_args *a)
{
    if (!a) return;
    free(a->files);
    a->files = NULL;
    a->n_files = 0;
}

/* The value of --NAME VALUE / --NAME=VALUE; NULL after a usage message. */
static const char *long_value(const char *cmd, int argc, char **argv, int *i, const char *name)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    return cli_option_value(cmd, argc, argv, i, name, a[n] == '=' ? a + n + 1 : NULL);
}

static bool is_long(const char *a, const char *name)
{
    size_t n = strlen(name);
    return strncmp(a, name, n) == 0 && (a[n] == 0 || a[n] == '=');
}

int cli_eval_parse(const char *cmd, int argc, char **argv, void (*usage)(FILE *),
                   cli_extra_option extra, void *user, cli_eval_args *a)
{
    memset(a, 0, sizeof *a);
    adse_model_options_init(&a->model);
    adse_spec_options_init(&a->spec);
    a->files = calloc((size_t)argc + 1, sizeof *a->files);
    if (!a->files) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    bool only_files = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
            a->files[a->n_files++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_files = true;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(arg, "--json") == 0) {
            a->json = true;
            continue;
        }
        if (strcmp(arg, "--no-link-transfers") == 0) {
            a->model.disable_link_transfers = true;
            continue;
        }
        if (strcmp(arg, "--ignore-sparse") == 0) {
            a->spec.ignore_sparse = true;
            continue;
        }
        if (strncmp(arg, "-o", 2) == 0 || is_long(arg, "--output")) {
            const char *inl = NULL;
            if (strncmp(arg, "--output=", 9) == 0)
                inl = arg + 9;
            else if (arg[1] == 'o' && arg[2])
                inl = arg + 2;
            a->out_dir = cli_option_value(cmd, argc, argv, &i, "-o", inl);
            if (!a->out_dir) return CLI_EXIT_USAGE;
            if (!a->out_dir[0])
                return cli_usage_error(cmd, "option '-o' requires a non-empty directory");
            continue;
        }
        if (is_long(arg, "--energy")) {
            const char *v = long_value(cmd, argc, argv, &i, "--energy");
            if (!v) return CLI_EXIT_USAGE;
            if (strcmp(v, "estimator") == 0)
                a->spec.energy = ADSE_ENERGY_MODE_ESTIMATOR;
            else if (strcmp(v, "timeloop-fallback") == 0)
                a->spec.energy = ADSE_ENERGY_MODE_TIMELOOP_FALLBACK;
            else
                return cli_usage_error(cmd,
                                       "unknown energy source '%s' (expected 'estimator' or "
                                       "'timeloop-fallback')",
                                       v);
            continue;
        }
        if (is_long(arg, "--translation")) {
            const char *v = long_value(cmd, argc, argv, &i, "--translation");
            if (!v) return CLI_EXIT_USAGE;
            if (strcmp(v, "new") == 0)
                a->model.translation = ADSE_TRANSLATION_NEW;
            else if (strcmp(v, "legacy") == 0)
                a->model.translation = ADSE_TRANSLATION_LEGACY;
            else
                return cli_usage_error(
                    cmd, "unknown translation rule '%s' (expected 'new' or 'legacy')", v);
            continue;
        }
        int used = extra ? extra(cmd, argc, argv, &i, user) : 0;
        if (used < 0) return CLI_EXIT_USAGE;
        if (used > 0) continue;
        return cli_usage_error(cmd, "unknown option '%s'", arg);
    }
    if (a->n_files == 0) return cli_usage_error(cmd, "no input files");
    return -1;
}

adse_spec *cli_eval_load(const cli_eval_args *a)
{
    adse_spec *spec = NULL;
    adse_err err;
    adse_err_clear(&err);
    if (adse_spec_load_opts(a->files, a->n_files, &a->spec, &spec, &err) != ADSE_OK) {
        char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
        cli_error("%s", adse_err_format(&err, msg, sizeof msg));
        return NULL;
    }
    cli_print_warnings(spec);
    return spec;
}

bool cli_eval_require(const adse_spec *spec, bool need_mapping)
{
    const char *names[3] = {spec->has_arch ? NULL : "'architecture'",
                            spec->has_problem ? NULL : "'problem'",
                            !need_mapping || spec->has_mapping ? NULL : "'mapping'"};
    const char *list[3];
    int n_missing = 0;
    for (int k = 0; k < 3; k++)
        if (names[k]) list[n_missing++] = names[k];
    if (n_missing == 0) return true;
    char missing[96];
    if (n_missing == 1)
        snprintf(missing, sizeof missing, "%s", list[0]);
    else if (n_missing == 2)
        snprintf(missing, sizeof missing, "%s and %s", list[0], list[1]);
    else
        snprintf(missing, sizeof missing, "%s, %s and %s", list[0], list[1], list[2]);
    cli_error("missing %s: no input file has %s top-level key%s", missing,
              n_missing > 1 ? "these" : "this", n_missing > 1 ? "s" : "");
    return false;
}

FILE *cli_open_output(const char *dir, const char *name, char **path)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    *path = malloc(len);
    if (!*path) {
        cli_error("out of memory");
        return NULL;
    }
    snprintf(*path, len, "%s/%s", dir, name);
    FILE *f = fopen(*path, "w");
    if (!f) {
        cli_error("%s: cannot open for writing: %s", *path, strerror(errno));
        free(*path);
        *path = NULL;
    }
    return f;
}

int cli_close_output(FILE *f, char *path, adse_status st)
{
    int close_rc = fclose(f);
    int rc = 0;
    if (st != ADSE_OK || close_rc != 0) {
        cli_error("%s: write failed (%s)", path,
                  st != ADSE_OK ? adse_status_name(st) : strerror(errno));
        unlink(path);
        rc = -1;
    }
    free(path);
    return rc;
}

adse_model *cli_eval_model(const cli_eval_args *a, const adse_spec *spec)
{
    adse_model *model = NULL;
    adse_err err;
    adse_err_clear(&err);
    if (adse_model_create(&spec->arch, &spec->problem, &a->model, &model, &err) != ADSE_OK) {
        char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
        cli_error("%s", adse_err_format(&err, msg, sizeof msg));
        return NULL;
    }
    return model;
}
