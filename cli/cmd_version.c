/* cli/cmd_version.c: `adse version` (also `adse --version`). */
#include <stdio.h>
#include <string.h>

#include "adse/adse.h"
#include "cli.h"

void cmd_version_usage(FILE *f)
{
    fprintf(f, "usage: adse version\n       adse --version\n\nPrints the adse version.\n");
}

int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        cmd_version_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (argc > 1) return cli_usage_error("version", "too many arguments");
    printf("adse %s\n", ADSE_VERSION);
    return CLI_EXIT_OK;
}
