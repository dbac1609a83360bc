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

#include <stdbool.h>
#include <stdio.h>

#include "adse/adse.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

typedef struct cli_command {
    const char *name;                  /* subcommand name */
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
    void (*usage)(FILE *f);            /* full help text */
    const char *summary;               /* one line for `adse --help` */
    bool mpi; /* spreads its work over the ranks of an MPI job (cli/cluster.h); the other
                 commands run on rank 0 only */
} cli_command;

extern const cli_command cli_commands[];
extern const int cli_n_commands;

/* The command named name, or NULL. */
const cli_command *cli_find(const char *name);

/* Prints "adse: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_error of a library error record: "FILE:LINE:COLUMN: MESSAGE" as adse_err_format. */
void cli_error_of(const adse_err *err);

/* Prints each of spec's load warnings as "adse: warning: file:line:col: message". */
void cli_print_warnings(const adse_spec *spec);

/* Flushes stdout; on failure prints "cannot write to stdout: <reason>" and returns -1. */
int cli_flush_stdout(void);

/* After a report written to stdout with status st: "cannot write to stdout" and -1 when st
 * failed, else cli_flush_stdout. */
int cli_stdout_written(adse_status st);

/* Prints "adse: <message>" and a hint to run `adse <cmd> --help`; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* mkdir -p: creates path and its missing parents; 0 on success, -1 with errno set. */
int cli_make_dirs(const char *path);
/* cli_make_dirs for an output folder, printing "PATH: cannot create directory: REASON"
 * when it fails. */
int cli_make_output_dir(const char *path);

/* The help lines of -D / --define and --set, shared by the commands that read input files. */
#define CLI_DEFINE_HELP                                                                            \
    "  -D, --define NAME=VALUE set a template variable (repeatable): FILE... ending in\n"          \
    "                          .jinja/.jinja2, or holding '{{ }}'/'{%% %%}', are Jinja2\n"         \
    "                          templates, rendered as timeloopfe renders them\n"                   \
    "                          (docs/templates.md)\n"                                              \
    "  --set NODE.attributes.KEY=VALUE, --set NODE.spatial.meshX=VALUE (meshY)\n"                  \
    "                          change a node of a v0.4 architecture before it is read,\n"          \
    "                          as timeloopfe's Python does (repeatable; docs/v04.md)\n"

/* ---- options (args.c) ------------------------------------------------------------- */

/* One option of a command. Tables end with an entry whose name is NULL. */
typedef struct cli_option {
    const char *name;     /* long name without the dashes: "output" for --output */
    char short_name;      /* 'o' for -o, or 0 */
    bool has_value;       /* takes a VALUE (--name=VALUE, --name VALUE, -xVALUE, -x VALUE) */
    const char *nonempty; /* for a value that must not be empty: what it is, for the message
                             "option '-o' requires a non-empty directory"; else NULL */
} cli_option;

/* The state of one parse of argv; read opt and value after each cli_args_next. */
typedef struct cli_args {
    const char *cmd;        /* the command, for messages */
    const cli_option *opts; /* borrowed */
    void (*usage)(FILE *);  /* printed to stdout for -h / --help */
    int argc;
    char **argv;
    int i;                /* next argument */
    bool only_positional; /* after "--" */
    int opt;              /* CLI_ARGS_OPTION: index of the option in opts */
    const char *value;    /* its value (NULL for a flag), or the positional argument */
    int exit_code;        /* CLI_ARGS_EXIT: what the command returns */
} cli_args;

enum {
    CLI_ARGS_END = 0,    /* no more arguments */
    CLI_ARGS_OPTION,     /* an option of the table: opt, value */
    CLI_ARGS_POSITIONAL, /* an argument that is not an option ("-" is one): value */
    CLI_ARGS_EXIT        /* -h/--help printed the usage, or a usage error was printed */
};

void cli_args_init(cli_args *p, const char *cmd, const cli_option *opts, void (*usage)(FILE *),
                   int argc, char **argv);

/* Reads the next argument. Usage errors (the same for every command): "unknown option
 * 'ARG'", "option 'NAME' requires a value", "option 'NAME' takes no value", "option 'NAME'
 * requires <nonempty>", NAME spelled as the user wrote it. */
int cli_args_next(cli_args *p);

/* ---- shared by `adse model` and `adse map` (eval_args.c) ---------------------------- */

typedef struct cli_eval_args {
    bool json;                /* --json */
    const char *out_dir;      /* -o DIR, NULL when not given */
    adse_model_options model; /* --translation, --no-link-transfers */
    adse_spec_options spec;   /* --energy */
    const char **files;       /* the input files (argv pointers; the array is owned) */
    int n_files;
    const char **defines; /* -D NAME=VALUE (argv pointers; the array is owned), also in
                             spec.template_vars */
    const char **sets;    /* --set NODE.PATH=VALUE (argv pointers; the array is owned), also
                             in spec.node_sets */
} cli_eval_args;

/* A command's own option, number opt of its table, with value (NULL for a flag): 0 when
 * taken, or the exit code after printing a usage error. */
typedef int (*cli_extra_option)(const char *cmd, int opt, const char *value, void *user);

/* Parses the options both commands share, the command's own ones (table extra_opts, may be
 * NULL, handled by extra), and the files. Returns -1 to go on, or the exit code to return
 * at once (after --help, or after printing a usage error). Release a with
 * cli_eval_args_release. */
int cli_eval_parse(const char *cmd, int argc, char **argv, void (*usage)(FILE *),
                   const cli_option *extra_opts, cli_extra_option extra, void *user,
                   cli_eval_args *a);
/* The same with only the shared options in the mask shared (CLI_EVAL_..., in this order). */
enum {
    CLI_EVAL_JSON = 1u << 0,
    CLI_EVAL_OUTPUT = 1u << 1,
    CLI_EVAL_ENERGY = 1u << 2,
    CLI_EVAL_TRANSLATION = 1u << 3,
    CLI_EVAL_NO_LINK_TRANSFERS = 1u << 4,
    CLI_EVAL_IGNORE_SPARSE = 1u << 5,
    CLI_EVAL_DEFINE = 1u << 6,
    CLI_EVAL_SET = 1u << 7,
    CLI_EVAL_ALL = (1u << 8) - 1
};
int cli_eval_parse_some(const char *cmd, int argc, char **argv, void (*usage)(FILE *),
                        unsigned shared, const cli_option *extra_opts, cli_extra_option extra,
                        void *user, cli_eval_args *a);
void cli_eval_args_release(cli_eval_args *a);

/* Loads and merges a->files with a->spec; NULL after printing the error. */
adse_spec *cli_eval_load(const cli_eval_args *a);

/* Creates the model of spec's architecture and problem with a's model options; NULL after
 * printing the error. */
adse_model *cli_eval_model(const cli_eval_args *a, const adse_spec *spec);

/* Prints "missing 'architecture' ...: no input file has this top-level key" and returns
 * false unless spec has an architecture, a problem and (when need_mapping) a mapping. */
bool cli_eval_require(const adse_spec *spec, bool need_mapping);

/* Opens dir/name for writing (*path owned, freed by cli_close_output); NULL after printing
 * the error. */
FILE *cli_open_output(const char *dir, const char *name, char **path);

/* Closes f; when the writer's status st or the close failed, prints the error, removes the
 * file and returns -1. Frees path. */
int cli_close_output(FILE *f, char *path, adse_status st);

/* "NNN_<name><suffix>" for layer index (0-based; NNN is index + 1), every run of
 * characters outside [A-Za-z0-9._-] in name as one '_' (malloc'd; NULL when out of memory). */
char *cli_layer_file_name(int index, const char *name, const char *suffix);

/* `adse map` on a network: maps every distinct layer of the network file network_path (an
 * ONNX model or a network.yaml, adse_network_load) with the
 * other files of a (architecture, constraints, mapper settings, ERT/ART), threads and
 * time_limit overriding the mapper section when >= 0. Returns the exit code. */
int cli_map_network(const cli_eval_args *a, const char *network_path, int threads,
                    double time_limit);

/* Top-level help (the command list). */
void cli_main_usage(FILE *f);

int cmd_model(int argc, char **argv);
void cmd_model_usage(FILE *f);

int cmd_map(int argc, char **argv);
void cmd_map_usage(FILE *f);

int cmd_convert(int argc, char **argv);
void cmd_convert_usage(FILE *f);
int cmd_energy(int argc, char **argv);
void cmd_energy_usage(FILE *f);

int cmd_import(int argc, char **argv);
void cmd_import_usage(FILE *f);

int cmd_search(int argc, char **argv);
void cmd_search_usage(FILE *f);

int cmd_help(int argc, char **argv);
void cmd_help_usage(FILE *f);

int cmd_version(int argc, char **argv);
void cmd_version_usage(FILE *f);

#endif
