/*
 * cli/args.c: the one option parser of the adse commands (cli.h, cli_args_next).
 *
 * Every command describes its options in a table and reads argv through cli_args_next, so
 * that the option syntax (--opt=VALUE, --opt VALUE, -oVALUE, -o VALUE, --, -h/--help) and
 * the usage errors (unknown option, missing value, a value given to a flag, an empty value
 * where one is needed) are the same for all of them.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void cli_args_init(cli_args *p, const char *cmd, const cli_option *opts, void (*usage)(FILE *),
                   int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->opts = opts;
    p->usage = usage;
    p->argc = argc;
    p->argv = argv;
    p->i = 1;
    p->opt = -1;
}

static int usage_exit(cli_args *p, int code)
{
    p->exit_code = code;
    return CLI_ARGS_EXIT;
}

/* The option of opts called by the long name of len bytes, or by short letter c; -1. */
static int find_option(const cli_option *opts, const char *name, size_t len, char c)
{
    for (int k = 0; opts && opts[k].name; k++) {
        if (c ? opts[k].short_name == c
              : strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0)
            return k;
    }
    return -1;
}

int cli_args_next(cli_args *p)
{
    p->opt = -1;
    p->value = NULL;
    if (p->i >= p->argc) return CLI_ARGS_END;
    const char *a = p->argv[p->i++];
    if (p->only_positional || a[0] != '-' || strcmp(a, "-") == 0) {
        p->value = a;
        return CLI_ARGS_POSITIONAL;
    }
    if (strcmp(a, "--") == 0) {
        p->only_positional = true;
        return cli_args_next(p);
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
        p->usage(stdout);
        return usage_exit(p, CLI_EXIT_OK);
    }
    const char *inl = NULL; /* the value written in the same argument */
    size_t spelled;         /* bytes of a that name the option */
    int k;
    if (a[1] == '-') {
        const char *eq = strchr(a, '=');
        spelled = eq ? (size_t)(eq - a) : strlen(a);
        if (eq) inl = eq + 1;
        k = find_option(p->opts, a + 2, spelled - 2, 0);
    } else {
        spelled = 2;
        if (a[2]) inl = a + 2;
        k = find_option(p->opts, NULL, 0, a[1]);
    }
    if (k < 0) return usage_exit(p, cli_usage_error(p->cmd, "unknown option '%s'", a));
    const cli_option *o = &p->opts[k];
    if (!o->has_value) {
        if (inl && a[1] != '-') /* "-xjunk": not this flag */
            return usage_exit(p, cli_usage_error(p->cmd, "unknown option '%s'", a));
        if (inl)
            return usage_exit(
                p, cli_usage_error(p->cmd, "option '%.*s' takes no value", (int)spelled, a));
        p->opt = k;
        return CLI_ARGS_OPTION;
    }
    if (!inl) {
        if (p->i >= p->argc)
            return usage_exit(
                p, cli_usage_error(p->cmd, "option '%.*s' requires a value", (int)spelled, a));
        inl = p->argv[p->i++];
    }
    if (o->nonempty && !inl[0])
        return usage_exit(
            p, cli_usage_error(p->cmd, "option '%.*s' requires %s", (int)spelled, a, o->nonempty));
    p->opt = k;
    p->value = inl;
    return CLI_ARGS_OPTION;
}
