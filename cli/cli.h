/*
 * cli/cli.h: the adse command-line tool's subcommand table (git style).
 *
 * main.c dispatches `adse <command> [args]` through cli_commands; each command lives in its
 * own cmd_<name>.c and exposes a run function (argv[0] is the command name) and a usage
 * printer. Exit codes: 0 success, 1 failure (bad input, invalid mapping, I/O), 2 usage
 * error. The tool uses only the public API (include/adse/); all printing happens here.
 */
#ifndef ADSE_CLI_H
#define ADSE_CLI_H

#include <stdio.h>

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

typedef struct cli_command {
    const char *name;                  /* subcommand name */
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
    void (*usage)(FILE *f);            /* full help text */
    const char *summary;               /* one line for `adse --help` */
} cli_command;

extern const cli_command cli_commands[];
extern const int cli_n_commands;

/* The command named name, or NULL. */
const cli_command *cli_find(const char *name);

/* Prints "adse: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "adse: <message>" and a hint to run `adse <cmd> --help`; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* mkdir -p: creates path and its missing parents; 0 on success, -1 with errno set. */
int cli_make_dirs(const char *path);

/* The value of option opt_name of command cmd: inline_value ("--opt=VALUE", "-oVALUE") if
 * not NULL, else the next argument (advancing *i); NULL after a usage message when there is
 * none. */
const char *cli_option_value(const char *cmd, int argc, char **argv, int *i, const char *opt_name,
                             const char *inline_value);

/* Top-level help (the command list). */
void cli_main_usage(FILE *f);

int cmd_model(int argc, char **argv);
void cmd_model_usage(FILE *f);

int cmd_energy(int argc, char **argv);
void cmd_energy_usage(FILE *f);

int cmd_help(int argc, char **argv);
void cmd_help_usage(FILE *f);

int cmd_version(int argc, char **argv);
void cmd_version_usage(FILE *f);

#endif
