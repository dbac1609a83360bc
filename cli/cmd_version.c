/* cli/cmd_version.c: `adse version` (also `adse --version`). */
#include <stdio.h>

#include "adse/adse.h"
#include "cli.h"

void cmd_version_usage(FILE *f)
{
    fprintf(f, "usage: adse version\n       adse --version\n\nPrints the adse version.\n");
}

int cmd_version(int argc, char **argv)
{
    cli_args p;
    cli_args_init(&p, "version", NULL, cmd_version_usage, argc, argv);
    int kind = cli_args_next(&p);
    if (kind == CLI_ARGS_EXIT) return p.exit_code;
    if (kind != CLI_ARGS_END) return cli_usage_error("version", "too many arguments");
    printf("adse %s\n", ADSE_VERSION);
    return CLI_EXIT_OK;
}
