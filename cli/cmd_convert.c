/*
 * cli/cmd_convert.c: `adse convert`, what the loader read, written back as classic files.
 *
 * Loads FILE... as every command does (a v0.4 specification is translated to the classic
 * form, docs/v04.md) and prints the merged document in the layout of timeloopfe's
 * parsed-processed-input.yaml. -o DIR writes that file and one file per part (arch.yaml,
 * constraints.yaml, problem.yaml, map.yaml, mapper.yaml, components.yaml, each when present),
 * which Timeloop and every adse command read.
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

#define ALL_NAME "parsed-processed-input.yaml"

void cmd_convert_usage(FILE *f)
{
    fprintf(f, "usage: adse convert [-o DIR] [-D NAME=VALUE]... [--set NODE.PATH=VALUE]...\n"
               "                    FILE...\n"
               "\n"
               "Loads FILE... (merged at the top level, as every command does) and prints what\n"
               "was read as one YAML document: timeloopfe's v0.4 input (a 'nodes' architecture,\n"
               "constraints inside nodes, variables, '<<<' merges) translated to the classic\n"
               "files Timeloop reads, in the layout of timeloopfe's " ALL_NAME ".\n"
               "Classic input is written back merged, anchors and merge keys resolved.\n"
               "\n"
               "Options:\n"
               "  -o, --output DIR        write DIR/" ALL_NAME " and the parts as classic\n"
               "                          files: arch.yaml, constraints.yaml, problem.yaml,\n"
               "                          map.yaml, mapper.yaml, components.yaml (each when\n"
               "                          present; DIR is created if missing)\n" CLI_DEFINE_HELP
               "  -h, --help              show this help\n"
               "\n"
               "Exit status: 0 success, 1 bad input, 2 usage error.\n");
}

static const char *const arch_keys[] = {"architecture", "arch", NULL};
static const char *const cons_keys[] = {"architecture_constraints",
                                        "arch_constraints",
                                        "mapspace_constraints",
                                        "mapspace",
                                        "constraints",
                                        NULL};
static const char *const prob_keys[] = {"problem", NULL};
static const char *const map_keys[] = {"mapping", NULL};
static const char *const mapper_keys[] = {"mapper", NULL};
static const char *const comp_keys[] = {"compound_components", NULL};

/* Writes DIR/name with the keys of spec (nothing when spec has none of them). */
static int write_part(const char *dir, const char *name, const adse_spec *spec,
                      const char *const *keys)
{
    char *path;
    FILE *f = cli_open_output(dir, name, &path);
    if (!f) return -1;
    adse_err err;
    adse_err_clear(&err);
    int n = 0;
    adse_status st = adse_spec_write_yaml(f, spec, keys, &n, &err);
    if (st == ADSE_OK && n == 0) { /* the files have no such part */
        fclose(f);
        unlink(path);
        free(path);
        return 0;
    }
    return cli_close_output(f, path, st);
}

int cmd_convert(int argc, char **argv)
{
    cli_eval_args args;
    int rc = cli_eval_parse_some("convert", argc, argv, cmd_convert_usage,
                                 CLI_EVAL_OUTPUT | CLI_EVAL_DEFINE | CLI_EVAL_SET, NULL, NULL, NULL,
                                 &args);
    if (rc >= 0) {
        cli_eval_args_release(&args);
        return rc;
    }
    rc = CLI_EXIT_FAIL;
    args.spec.mapper_unused = true; /* nothing is evaluated: mapper-only settings are not ours */
    const char *out_dir = args.out_dir;
    adse_err err;
    adse_err_clear(&err);
    adse_spec *spec = cli_eval_load(&args);
    if (!spec) goto done;
    if (out_dir) {
        if (cli_make_output_dir(out_dir) != 0) goto done;
        if (write_part(out_dir, ALL_NAME, spec, NULL) ||
            write_part(out_dir, "arch.yaml", spec, arch_keys) ||
            write_part(out_dir, "constraints.yaml", spec, cons_keys) ||
            write_part(out_dir, "problem.yaml", spec, prob_keys) ||
            write_part(out_dir, "map.yaml", spec, map_keys) ||
            write_part(out_dir, "mapper.yaml", spec, mapper_keys) ||
            write_part(out_dir, "components.yaml", spec, comp_keys))
            goto done;
    } else if (cli_stdout_written(adse_spec_write_yaml(stdout, spec, NULL, NULL, &err)) != 0) {
        goto done;
    }
    rc = CLI_EXIT_OK;
done:
    adse_spec_free(spec);
    cli_eval_args_release(&args);
    return rc;
}
