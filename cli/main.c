/* cli/main.c: `adse`, the command-line front end: the subcommand table, dispatch and the
 * helpers the commands share. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "adse/adse.h"
#include "cli.h"
#include "cluster.h"

const cli_command cli_commands[] = {
    {"model", cmd_model, cmd_model_usage, "evaluate one mapping with Timeloop's analytical model",
     false},
    {"map", cmd_map, cmd_map_usage, "search the mapspace for the best mapping (timeloop-mapper)",
     true},
    {"energy", cmd_energy, cmd_energy_usage,
     "energy per action and area of each component (built-in estimator, ERT/ART export)", false},
    {"convert", cmd_convert, cmd_convert_usage,
     "write what was read: v0.4 input as the classic files timeloopfe makes", false},
    {"import", cmd_import, cmd_import_usage,
     "list an ONNX model's compute layers as Timeloop problems (network.yaml)", false},
    {"search", cmd_search, cmd_search_usage,
     "search accelerator parameters with a genetic algorithm under budgets", true},
    {"help", cmd_help, cmd_help_usage, "show help for adse or one of its commands", false},
    {"version", cmd_version, cmd_version_usage, "print the adse version", false},
};
const int cli_n_commands = (int)(sizeof cli_commands / sizeof cli_commands[0]);

const cli_command *cli_find(const char *name)
{
    for (int i = 0; i < cli_n_commands; i++)
        if (strcmp(cli_commands[i].name, name) == 0) return &cli_commands[i];
    return NULL;
}

static void verror(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static void verror(const char *fmt, va_list ap)
{
    fputs("adse: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(fmt, ap);
    va_end(ap);
}

void cli_print_warnings(const adse_spec *spec)
{
    char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
    for (int i = 0; i < adse_spec_warning_count(spec); i++)
        cli_error("warning: %s", adse_err_format(adse_spec_warning(spec, i), msg, sizeof msg));
}

int cli_flush_stdout(void)
{
    if (fflush(stdout) == 0) return 0;
    cli_error("cannot write to stdout: %s", strerror(errno));
    return -1;
}

int cli_stdout_written(adse_status st)
{
    if (st == ADSE_OK) return cli_flush_stdout();
    cli_error("cannot write to stdout");
    return -1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "Try 'adse %s --help' for more information.\n", cmd);
    else
        fprintf(stderr, "Try 'adse --help' for more information.\n");
    return CLI_EXIT_USAGE;
}

void cli_error_of(const adse_err *err)
{
    char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
    cli_error("%s", adse_err_format(err, msg, sizeof msg));
}

int cli_make_dirs(const char *path)
{
    size_t n = strlen(path);
    if (n == 0) {
        errno = ENOENT;
        return -1;
    }
    char *buf = malloc(n + 1);
    if (!buf) return -1;
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            free(buf);
            return -1;
        }
        *p = '/';
    }
    int rc = mkdir(buf, 0777);
    free(buf);
    if (rc != 0 && errno != EEXIST) return -1;
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int cli_make_output_dir(const char *path)
{
    if (cli_make_dirs(path) == 0) return 0;
    cli_error("%s: cannot create directory: %s", path, strerror(errno));
    return -1;
}

void cli_main_usage(FILE *f)
{
    fprintf(f, "usage: adse [--version] [--help] <command> [<args>]\n\n");
    fprintf(f, "adse %s: accelerator design-space exploration with Timeloop's analytical model\n\n",
            ADSE_VERSION);
    fprintf(f, "Commands:\n");
    for (int i = 0; i < cli_n_commands; i++)
        fprintf(f, "   %-10s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fprintf(f, "\nRun 'adse help <command>' or 'adse <command> --help' for a command's options.\n");
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        fputs("adse: missing command\n\n", stderr);
        cli_main_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
        cli_main_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "--version") == 0) return cmd_version(1, argv + 1);
    if (first[0] == '-') return cli_usage_error(NULL, "unknown option '%s'", first);
    const cli_command *c = cli_find(first);
    if (!c) return cli_usage_error(NULL, "'%s' is not an adse command", first);
    /* under mpirun, a command that does not spread its work runs once, on rank 0 */
    if (!c->mpi && cli_mpi_rank() != 0) return CLI_EXIT_OK;
    return c->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    if (cli_mpi_start(&argc, &argv) != 0) return CLI_EXIT_FAIL;
    int rc = run(argc, argv);
    cli_mpi_stop();
    return rc;
}

char *cli_layer_file_name(int index, const char *name, const char *suffix)
{
    size_t len = strlen(name) + strlen(suffix);
    char *s = malloc(len + 16);
    if (!s) return NULL;
    int k = snprintf(s, len + 16, "%03d_", index + 1);
    for (const char *p = name; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == '_';
        if (!ok && s[k - 1] == '_') continue; /* one '_' per run */
        s[k++] = ok ? c : '_';
    }
    while (k > 4 && s[k - 1] == '_')
        k--;
    strcpy(s + k, suffix);
    return s;
}
