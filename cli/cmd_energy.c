/*
 * cli/cmd_energy.c: `adse energy`, the built-in estimator as a command (Accelergy's role).
 *
 * Loads the architecture from FILE... (same loader and merging as `adse model`; other
 * top-level keys may be present and are checked but not used), prices every storage level
 * and the arithmetic level, and prints a readable table or, with --json, a JSON document.
 * -o DIR also writes DIR/ERT.yaml and DIR/ART.yaml in Accelergy's v0.4 format, which
 * Timeloop and `adse model` read unchanged.
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

#define ERT_NAME "ERT.yaml"
#define ART_NAME "ART.yaml"

void cmd_energy_usage(FILE *f)
{
    fprintf(f, "usage: adse energy [--json] [-o DIR] [-D NAME=VALUE]...\n"
               "                   [--set NODE.PATH=VALUE]... FILE...\n"
               "\n"
               "Prices every storage level and the arithmetic level of the architecture in\n"
               "FILE... with the built-in estimator (Accelergy v0.4 with its CACTI, Library,\n"
               "NeuroSim and Aladdin plug-ins, without Python): energy per action in pJ ('leak'\n"
               "per instance per cycle) and area per instance and in total in um^2. ERT/ART\n"
               "tables in FILE... are ignored. Prints a table, e.g.\n"
               "  shared_glb  smartbuffer_SRAM  1  read  18.183829  217363.37  217363.37\n"
               "\n"
               "Options:\n"
               "  --json                  print the JSON document instead of the table\n"
               "  -o, --output DIR        also write DIR/" ERT_NAME " and DIR/" ART_NAME
               " (Accelergy v0.4\n"
               "                          format; DIR is created if missing)\n" CLI_DEFINE_HELP
               "  -h, --help              show this help\n"
               "\n"
               "Exit status: 0 success, 1 bad input (e.g. an unknown class or a size outside the\n"
               "estimator's model), 2 usage error.\n");
}

/* Writes DIR/name in format fmt; removes the file again on failure. */
static int write_table_file(const char *dir, const char *name, adse_energy_report_format fmt,
                            const adse_spec *spec)
{
    char *path;
    FILE *f = cli_open_output(dir, name, &path);
    if (!f) return -1;
    adse_err err;
    adse_err_clear(&err);
    adse_status st = adse_report_energy(f, fmt, spec, NULL, &err);
    if (st == ADSE_E_SPEC) { /* a table the spec cannot give: the spec's error, not an I/O one */
        fclose(f);
        cli_error_of(&err);
        unlink(path);
        free(path);
        return -1;
    }
    return cli_close_output(f, path, st);
}

int cmd_energy(int argc, char **argv)
{
    cli_eval_args args;
    int rc = cli_eval_parse_some("energy", argc, argv, cmd_energy_usage,
                                 CLI_EVAL_JSON | CLI_EVAL_OUTPUT | CLI_EVAL_DEFINE | CLI_EVAL_SET,
                                 NULL, NULL, NULL, &args);
    if (rc >= 0) {
        cli_eval_args_release(&args);
        return rc;
    }
    rc = CLI_EXIT_FAIL;
    bool json = args.json;
    const char *out_dir = args.out_dir;
    adse_err err;
    adse_spec *spec = cli_eval_load(&args);
    if (!spec) goto done;
    if (!spec->has_arch) {
        cli_error("missing 'architecture': no input file has this top-level key");
        goto done;
    }
    if (out_dir) {
        if (cli_make_output_dir(out_dir) != 0) goto done;
        if (write_table_file(out_dir, ERT_NAME, ADSE_ENERGY_REPORT_ERT, spec) ||
            write_table_file(out_dir, ART_NAME, ADSE_ENERGY_REPORT_ART, spec))
            goto done;
    }
    adse_err_clear(&err);
    adse_status st = adse_report_energy(
        stdout, json ? ADSE_ENERGY_REPORT_JSON : ADSE_ENERGY_REPORT_TABLE, spec, NULL, &err);
    if (st == ADSE_E_SPEC) { /* a table the spec cannot give */
        cli_error_of(&err);
        goto done;
    }
    if (cli_stdout_written(st) != 0) goto done;
    rc = CLI_EXIT_OK;

done:
    adse_spec_free(spec);
    cli_eval_args_release(&args);
    return rc;
}
