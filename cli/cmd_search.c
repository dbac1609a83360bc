/*
 * cli/cmd_search.c: `adse search`, the hardware search (the seed poster's genetic
 * algorithm over accelerator parameters under resource budgets).
 *
 * Loads the search spec, runs the GA generation by generation (a progress bar on stderr
 * when it is a terminal), and with -o DIR writes a checkpoint after every generation, then
 * history.csv, report.md, convergence.svg, search.json and best/ (the best design's
 * architecture as Timeloop YAML and, per layer, its map.yaml, stats and loop nest).
 * --resume DIR continues a run from DIR/checkpoint.txt. Prints a summary, or the JSON
 * document with --json.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "adse/adse.h"
#include "adse/search.h"
#include "adse/search_report.h"
#include "adse/search_spec.h"
#include "cli.h"

#define CKPT_NAME "checkpoint.txt"

void cmd_search_usage(FILE *f)
{
    fprintf(f, "usage: adse search [--json] [-o DIR] [--threads N] [--seed S] [--resume DIR]\n"
               "                   SPEC.yaml\n"
               "\n"
               "Searches accelerator parameters (PE mesh, buffer depths and widths, ...) for the\n"
               "design minimising the loss of SPEC.yaml under its budgets, with the seed poster's\n"
               "genetic algorithm; every candidate is mapped layer by layer by adse's mapper.\n"
               "docs/search.md describes the spec. Prints the baseline and best designs.\n"
               "\n"
               "Options:\n"
               "  --json                  print the result as one JSON document instead\n"
               "  -o, --output DIR        write DIR/history.csv, report.md, convergence.svg,\n"
               "                          search.json, best/ and a checkpoint after every\n"
               "                          generation (DIR is created if missing)\n"
               "  --threads N             designs evaluated in parallel (default: all cores);\n"
               "                          the result does not depend on N\n"
               "  --seed S                random seed (default: the spec's 'ga: seed')\n"
               "  --resume DIR            continue the run checkpointed in DIR (same spec and\n"
               "                          seed); outputs go to DIR unless -o is given\n"
               "  --stop-after G          stop after generation G (0-based), as if killed; for\n"
               "                          testing --resume\n"
               "  -h, --help              show this help\n"
               "\n"
               "Exit status: 0 success, 1 bad spec or failed search, 2 usage error.\n");
}

/* ---- output files -------------------------------------------------------------------- */

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

typedef adse_status (*search_writer)(FILE *f, const adse_search *s, const void *ctx);

/* Writes dir/name through a temporary file renamed into place (a reader never sees half
 * a file; a kill leaves the previous version). */
static int write_out(const char *dir, const char *name, search_writer fn, const adse_search *s,
                     const void *ctx)
{
    char *path = join(dir, name);
    char *tmp = path ? malloc(strlen(path) + 5) : NULL;
    int rc = -1;
    if (!path || !tmp) {
        cli_error("out of memory");
        goto out;
    }
    snprintf(tmp, strlen(path) + 5, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        cli_error("%s: cannot open for writing: %s", tmp, strerror(errno));
        goto out;
    }
    adse_status st = fn(f, s, ctx);
    int close_rc = fclose(f);
    if (st != ADSE_OK || close_rc != 0) {
        cli_error("%s: write failed (%s)", path,
                  st != ADSE_OK ? adse_status_name(st) : strerror(errno));
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        cli_error("%s: cannot rename into place: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(path);
    free(tmp);
    return rc;
}

static adse_status w_checkpoint(FILE *f, const adse_search *s, const void *ctx)
{
    (void)ctx;
    return adse_search_checkpoint_save(s, f, NULL);
}
static adse_status w_history(FILE *f, const adse_search *s, const void *ctx)
{
    (void)ctx;
    return adse_report_search_history_csv(f, s);
}
static adse_status w_md(FILE *f, const adse_search *s, const void *ctx)
{
    (void)ctx;
    return adse_report_search_md(f, s, "convergence.svg");
}
static adse_status w_svg(FILE *f, const adse_search *s, const void *ctx)
{
    (void)ctx;
    return adse_report_search_svg(f, s);
}
static adse_status w_json(FILE *f, const adse_search *s, const void *ctx)
{
    (void)ctx;
    return adse_report_search_json(f, s);
}

typedef struct best_ctx {
    const adse_search_detail *det;
    int layer;
    adse_err *err;
} best_ctx;

static adse_status w_arch(FILE *f, const adse_search *s, const void *vctx)
{
    const best_ctx *c = vctx;
    return adse_spec_write_arch_yaml(f, adse_search_layer_spec(s, 0), &c->det->arch, c->err);
}
static adse_status w_map_yaml(FILE *f, const adse_search *s, const void *vctx)
{
    const best_ctx *c = vctx;
    return adse_report_write_map_yaml(f, &c->det->arch,
                                      &adse_search_layer_spec(s, c->layer)->problem,
                                      &c->det->mappings[c->layer]);
}
static adse_status w_stats(FILE *f, const adse_search *s, const void *vctx)
{
    const best_ctx *c = vctx;
    return adse_report_write_stats(f, &c->det->arch, &adse_search_layer_spec(s, c->layer)->problem,
                                   &c->det->mappings[c->layer], &c->det->results[c->layer]);
}
static adse_status w_map_txt(FILE *f, const adse_search *s, const void *vctx)
{
    const best_ctx *c = vctx;
    return adse_report_write_map(f, &c->det->arch, &adse_search_layer_spec(s, c->layer)->problem,
                                 &c->det->mappings[c->layer], &c->det->results[c->layer]);
}

static int write_best(const char *out_dir, adse_search *s)
{
    const adse_search_design *best = adse_search_best(s);
    if (!best) return 0;
    char *dir = join(out_dir, "best");
    if (!dir) {
        cli_error("out of memory");
        return -1;
    }
    int rc = -1;
    adse_search_detail *det = NULL;
    adse_err err;
    adse_err_clear(&err);
    char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
    if (cli_make_dirs(dir) != 0) {
        cli_error("%s: cannot create directory: %s", dir, strerror(errno));
        goto out;
    }
    if (adse_search_design_detail(s, best, &det, &err) != ADSE_OK) {
        cli_error("best design: %s", adse_err_format(&err, msg, sizeof msg));
        goto out;
    }
    best_ctx c = {.det = det, .layer = 0, .err = &err};
    if (write_out(dir, "arch.yaml", w_arch, s, &c)) goto out;
    const adse_search_spec *sp = adse_search_get_spec(s);
    for (int l = 0; l < sp->n_layers; l++) {
        c.layer = l;
        char name[ADSE_NAME_MAX + 32];
        snprintf(name, sizeof name, "%s.map.yaml", sp->layers[l].name);
        if (write_out(dir, name, w_map_yaml, s, &c)) goto out;
        snprintf(name, sizeof name, "%s.stats.txt", sp->layers[l].name);
        if (write_out(dir, name, w_stats, s, &c)) goto out;
        snprintf(name, sizeof name, "%s.map.txt", sp->layers[l].name);
        if (write_out(dir, name, w_map_txt, s, &c)) goto out;
    }
    rc = 0;
out:
    adse_search_detail_free(det);
    free(dir);
    return rc;
}

/* ---- progress bar -------------------------------------------------------------------- */

typedef struct progress_state {
    bool shown;
    double start;
} progress_state;

static void on_progress(const adse_search_progress *p, void *user)
{
    progress_state *ps = user;
    double elapsed = adse_clock_s() - ps->start;
    double frac = (p->generation + (p->total ? (double)p->done / p->total : 1.0)) / p->generations;
    if (frac > 1) frac = 1;
    char eta[32] = "?";
    if (frac > 0.01 && elapsed > 0.5) snprintf(eta, sizeof eta, "%.0f s", elapsed / frac - elapsed);
    char best[32] = "-";
    if (isfinite(p->best_loss)) snprintf(best, sizeof best, "%.6g", p->best_loss);
    int width = 24, fill = (int)(frac * width + 0.5);
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    fprintf(
        stderr, "\r[%s] generation %d/%d (%d/%d) | best loss %s | %.1f evaluations/s | ETA %s   ",
        bar, p->generation + 1 > p->generations ? p->generations : p->generation + 1,
        p->generations, p->done, p->total, best,
        elapsed > 0 ? (double)p->evaluations / (p->seconds > 0 ? p->seconds : elapsed) : 0.0, eta);
    fflush(stderr);
    ps->shown = true;
}

/* ---- the command --------------------------------------------------------------------- */

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-') return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno) return false;
    *out = v;
    return true;
}

int cmd_search(int argc, char **argv)
{
    bool json = false;
    const char *out_dir = NULL, *resume = NULL, *spec_path = NULL;
    uint64_t threads = 0, seed = 0, stop_after = 0;
    bool has_seed = false, has_stop = false, only_files = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            if (spec_path) return cli_usage_error("search", "more than one spec file ('%s')", a);
            spec_path = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_files = true;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cmd_search_usage(stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
            continue;
        }
        const char *inl = NULL;
        const char *eq = strchr(a, '=');
        char opt[32];
        if (strncmp(a, "--", 2) == 0 && eq && (size_t)(eq - a) < sizeof opt) {
            memcpy(opt, a, (size_t)(eq - a));
            opt[eq - a] = 0;
            inl = eq + 1;
        } else if (a[1] == 'o' && a[2]) {
            snprintf(opt, sizeof opt, "-o");
            inl = a + 2;
        } else {
            snprintf(opt, sizeof opt, "%s", a);
        }
        if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) {
            if (!(out_dir = cli_option_value("search", argc, argv, &i, "-o", inl)))
                return CLI_EXIT_USAGE;
            if (!out_dir[0])
                return cli_usage_error("search", "option '-o' requires a non-empty directory");
        } else if (strcmp(opt, "--resume") == 0) {
            if (!(resume = cli_option_value("search", argc, argv, &i, "--resume", inl)))
                return CLI_EXIT_USAGE;
            if (!resume[0])
                return cli_usage_error("search", "option '--resume' requires a directory");
        } else if (strcmp(opt, "--threads") == 0) {
            const char *v = cli_option_value("search", argc, argv, &i, "--threads", inl);
            if (!v) return CLI_EXIT_USAGE;
            if (!parse_u64(v, &threads) || threads < 1 || threads > 1024)
                return cli_usage_error("search",
                                       "'--threads' needs a number from 1 to 1024, got '%s'", v);
        } else if (strcmp(opt, "--seed") == 0) {
            const char *v = cli_option_value("search", argc, argv, &i, "--seed", inl);
            if (!v) return CLI_EXIT_USAGE;
            if (!parse_u64(v, &seed))
                return cli_usage_error("search", "'--seed' needs a non-negative integer, got '%s'",
                                       v);
            has_seed = true;
        } else if (strcmp(opt, "--stop-after") == 0) {
            const char *v = cli_option_value("search", argc, argv, &i, "--stop-after", inl);
            if (!v) return CLI_EXIT_USAGE;
            if (!parse_u64(v, &stop_after) || stop_after > 1000000)
                return cli_usage_error("search",
                                       "'--stop-after' needs a generation number, got '%s'", v);
            has_stop = true;
        } else {
            return cli_usage_error("search", "unknown option '%s'", a);
        }
    }
    if (!spec_path) return cli_usage_error("search", "no search spec file");
    if (!out_dir) out_dir = resume;

    int rc = CLI_EXIT_FAIL;
    adse_search_spec *spec = NULL;
    adse_search *s = NULL;
    adse_err err;
    adse_err_clear(&err);
    char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
    progress_state ps = {.shown = false, .start = adse_clock_s()};

    if (adse_search_spec_load(spec_path, &spec, &err) != ADSE_OK) {
        cli_error("%s", adse_err_format(&err, msg, sizeof msg));
        goto done;
    }
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = (int)threads;
    o.has_seed = has_seed;
    o.seed = seed;
    if (isatty(STDERR_FILENO)) {
        o.progress = on_progress;
        o.progress_user = &ps;
    }
    if (adse_search_create(spec, &o, &s, &err) != ADSE_OK) {
        cli_error("%s", adse_err_format(&err, msg, sizeof msg));
        goto done;
    }
    if (resume) {
        char *path = join(resume, CKPT_NAME);
        FILE *f = path ? fopen(path, "r") : NULL;
        if (!f) {
            cli_error("%s: cannot open the checkpoint: %s", path ? path : resume, strerror(errno));
            free(path);
            goto done;
        }
        adse_status st = adse_search_checkpoint_load(s, f, &err);
        fclose(f);
        if (st != ADSE_OK) {
            cli_error("%s: %s", path, adse_err_format(&err, msg, sizeof msg));
            free(path);
            goto done;
        }
        free(path);
    }
    if (out_dir && cli_make_dirs(out_dir) != 0) {
        cli_error("%s: cannot create directory: %s", out_dir, strerror(errno));
        goto done;
    }
    /* a checkpoint before the first generation, so that even a run killed during it can
     * be resumed */
    if (out_dir && !resume && write_out(out_dir, CKPT_NAME, w_checkpoint, s, NULL)) goto done;
    bool stopped = false;
    while (!adse_search_finished(s)) {
        if (adse_search_step(s, &err) != ADSE_OK) {
            if (ps.shown) fputc('\n', stderr);
            cli_error("%s", adse_err_format(&err, msg, sizeof msg));
            goto done;
        }
        if (out_dir && write_out(out_dir, CKPT_NAME, w_checkpoint, s, NULL)) goto done;
        if (has_stop && (uint64_t)adse_search_generations_done(s) > stop_after &&
            !adse_search_finished(s)) {
            stopped = true;
            break;
        }
    }
    if (ps.shown) fputs("\r\033[K", stderr);
    if (stopped) {
        fprintf(stderr, "adse: stopped after generation %" PRIu64 " (--stop-after)%s%s\n",
                stop_after, out_dir ? "; continue with --resume " : "", out_dir ? out_dir : "");
        rc = CLI_EXIT_OK;
        goto done;
    }
    if (out_dir) {
        if (write_out(out_dir, "history.csv", w_history, s, NULL) ||
            write_out(out_dir, "convergence.svg", w_svg, s, NULL) ||
            write_out(out_dir, "report.md", w_md, s, NULL) ||
            write_out(out_dir, "search.json", w_json, s, NULL) || write_best(out_dir, s))
            goto done;
    }
    adse_status st =
        json ? adse_report_search_json(stdout, s) : adse_report_search_summary(stdout, s);
    if (st != ADSE_OK || fflush(stdout) != 0) {
        cli_error("cannot write to stdout");
        goto done;
    }
    rc = CLI_EXIT_OK;
done:
    adse_search_free(s);
    adse_search_spec_free(spec);
    return rc;
}
