/*
 * cli/eval_args.c: what the commands that read input files share: their common options
 * (--json, -o DIR, --translation, --energy, --no-link-transfers, --ignore-sparse,
 * -D NAME=VALUE, --set NODE.attributes.KEY=VALUE; `adse model` and `adse map` take them all, `adse
 * convert` and `adse energy` some: cli_eval_parse_some), parsed by args.c with the command's own,
 * loading the input files, the "missing 'architecture'" message and writing output files.
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
    free(a->defines);
    a->defines = NULL;
    a->spec.template_vars = NULL;
    a->spec.n_template_vars = 0;
    free(a->sets);
    a->sets = NULL;
    a->spec.node_sets = NULL;
    a->spec.n_node_sets = 0;
}

/* The shared options (bit 1 << OPT_x of CLI_EVAL_x); the command's own follow them. */
enum {
    OPT_JSON,
    OPT_OUTPUT,
    OPT_ENERGY,
    OPT_TRANSLATION,
    OPT_NO_LINK_TRANSFERS,
    OPT_IGNORE_SPARSE,
    OPT_DEFINE,
    OPT_SET,
    EVAL_N
};
static const cli_option eval_options[EVAL_N] = {
    [OPT_JSON] = {"json", 0, false, NULL},
    [OPT_OUTPUT] = {"output", 'o', true, "a non-empty directory"},
    [OPT_ENERGY] = {"energy", 0, true, NULL},
    [OPT_TRANSLATION] = {"translation", 0, true, NULL},
    [OPT_NO_LINK_TRANSFERS] = {"no-link-transfers", 0, false, NULL},
    [OPT_IGNORE_SPARSE] = {"ignore-sparse", 0, false, NULL},
    [OPT_DEFINE] = {"define", 'D', true, "NAME=VALUE"},
    [OPT_SET] = {"set", 0, true, "NODE.attributes.KEY=VALUE"}};

_Static_assert(CLI_EVAL_JSON == 1u << OPT_JSON && CLI_EVAL_OUTPUT == 1u << OPT_OUTPUT &&
                   CLI_EVAL_ENERGY == 1u << OPT_ENERGY &&
                   CLI_EVAL_TRANSLATION == 1u << OPT_TRANSLATION &&
                   CLI_EVAL_NO_LINK_TRANSFERS == 1u << OPT_NO_LINK_TRANSFERS &&
                   CLI_EVAL_IGNORE_SPARSE == 1u << OPT_IGNORE_SPARSE &&
                   CLI_EVAL_DEFINE == 1u << OPT_DEFINE && CLI_EVAL_SET == 1u << OPT_SET &&
                   CLI_EVAL_ALL == (1u << EVAL_N) - 1,
               "cli.h's CLI_EVAL_ bits follow the shared options");

#define EVAL_MAX_OPTIONS 16

/* One shared option; 0, or the exit code after a usage error. */
static int eval_option(const char *cmd, int opt, const char *v, cli_eval_args *a)
{
    switch (opt) {
    case OPT_JSON: a->json = true; return 0;
    case OPT_NO_LINK_TRANSFERS: a->model.disable_link_transfers = true; return 0;
    case OPT_IGNORE_SPARSE: a->spec.ignore_sparse = true; return 0;
    case OPT_OUTPUT: a->out_dir = v; return 0;
    case OPT_DEFINE:
        a->defines[a->spec.n_template_vars++] = v;
        a->spec.template_vars = a->defines;
        return 0;
    case OPT_SET:
        a->sets[a->spec.n_node_sets++] = v;
        a->spec.node_sets = a->sets;
        return 0;
    case OPT_ENERGY:
        if (strcmp(v, "estimator") == 0)
            a->spec.energy = ADSE_ENERGY_MODE_ESTIMATOR;
        else if (strcmp(v, "timeloop-fallback") == 0)
            a->spec.energy = ADSE_ENERGY_MODE_TIMELOOP_FALLBACK;
        else
            return cli_usage_error(cmd,
                                   "unknown energy source '%s' (expected 'estimator' or "
                                   "'timeloop-fallback')",
                                   v);
        return 0;
    case OPT_TRANSLATION:
        if (strcmp(v, "new") == 0)
            a->model.translation = ADSE_TRANSLATION_NEW;
        else if (strcmp(v, "legacy") == 0)
            a->model.translation = ADSE_TRANSLATION_LEGACY;
        else
            return cli_usage_error(cmd,
                                   "unknown translation rule '%s' (expected 'new' or 'legacy')", v);
        return 0;
    }
    return CLI_EXIT_USAGE;
}

int cli_eval_parse(const char *cmd, int argc, char **argv, void (*usage)(FILE *),
                   const cli_option *extra_opts, cli_extra_option extra, void *user,
                   cli_eval_args *a)
{
    return cli_eval_parse_some(cmd, argc, argv, usage, CLI_EVAL_ALL, extra_opts, extra, user, a);
}

int cli_eval_parse_some(const char *cmd, int argc, char **argv, void (*usage)(FILE *),
                        unsigned shared, const cli_option *extra_opts, cli_extra_option extra,
                        void *user, cli_eval_args *a)
{
    memset(a, 0, sizeof *a);
    adse_model_options_init(&a->model);
    adse_spec_options_init(&a->spec);
    a->files = calloc((size_t)argc + 1, sizeof *a->files);
    a->defines = calloc((size_t)argc + 1, sizeof *a->defines);
    a->sets = calloc((size_t)argc + 1, sizeof *a->sets);
    if (!a->files || !a->defines || !a->sets) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    cli_option opts[EVAL_MAX_OPTIONS + 1] = {{0}};
    int which[EVAL_N]; /* opts[i] is shared option which[i] for i < n_shared */
    int n = 0;
    for (int k = 0; k < EVAL_N; k++)
        if (shared & (1u << k)) {
            which[n] = k;
            opts[n++] = eval_options[k];
        }
    int n_shared = n;
    for (int k = 0; extra_opts && extra_opts[k].name && n < EVAL_MAX_OPTIONS; k++)
        opts[n++] = extra_opts[k];
    cli_args p;
    cli_args_init(&p, cmd, opts, usage, argc, argv);
    for (int kind; (kind = cli_args_next(&p)) != CLI_ARGS_END;) {
        if (kind == CLI_ARGS_EXIT) return p.exit_code;
        if (kind == CLI_ARGS_POSITIONAL) {
            a->files[a->n_files++] = p.value;
            continue;
        }
        int rc = p.opt < n_shared ? eval_option(cmd, which[p.opt], p.value, a)
                                  : extra(cmd, p.opt - n_shared, p.value, user);
        if (rc) return rc;
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
        cli_error_of(&err);
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
        cli_error_of(&err);
        return NULL;
    }
    return model;
}
