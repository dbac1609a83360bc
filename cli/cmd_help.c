/* cli/cmd_help.c: `adse help [COMMAND]`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void cmd_help_usage(FILE *f)
{
    fprintf(f, "usage: adse help [<command>]\n\n"
               "Shows the list of commands, or the options of one command.\n");
}

int cmd_help(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        cmd_help_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (argc > 2) return cli_usage_error("help", "too many arguments");
    if (argc < 2) {
        cli_main_usage(stdout);
        return CLI_EXIT_OK;
    }
    const cli_command *c = cli_find(argv[1]);
    if (!c) return cli_usage_error(NULL, "'%s' is not an adse command", argv[1]);
    c->usage(stdout);
    return CLI_EXIT_OK;
}
