/* cli/cmd_help.c: `adse help [COMMAND]`. */
#include <stdio.h>

#include "cli.h"

void cmd_help_usage(FILE *f)
{
    fprintf(f, "usage: adse help [<command>]\n\n"
               "Shows the list of commands, or the options of one command.\n");
}

int cmd_help(int argc, char **argv)
{
    const char *name = NULL;
    cli_args p;
    cli_args_init(&p, "help", NULL, cmd_help_usage, argc, argv);
    for (int kind; (kind = cli_args_next(&p)) != CLI_ARGS_END;) {
        if (kind == CLI_ARGS_EXIT) return p.exit_code;
        if (name) return cli_usage_error("help", "too many arguments");
        name = p.value;
    }
    if (!name) {
        cli_main_usage(stdout);
        return CLI_EXIT_OK;
    }
    const cli_command *c = cli_find(name);
    if (!c) return cli_usage_error(NULL, "'%s' is not an adse command", name);
    c->usage(stdout);
    return CLI_EXIT_OK;
}
