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
#include "cluster.h"

#define CKPT_NAME "checkpoint.txt"

void cmd_search_usage(FILE *f)
{
    fprintf(f, "usage: adse search [--json] [-o DIR] [--threads N] [--seed S] [--resume DIR]\n"
               "                   [-D NAME=VALUE]... [--cold-start] SPEC.yaml\n"
               "\n"
               "Searches accelerator parameters (PE mesh, buffer depths and widths, ...) for the\n"
               "design minimising the loss of SPEC.yaml under its budgets, with the seed poster's\n"
               "genetic algorithm, or for the Pareto front of its objectives (NSGA-II or random\n"
               "search); every candidate is mapped layer by layer by adse's mapper.\n"
               "docs/search.md describes the spec. Prints the baseline and best designs.\n"
               "\n"
               "Options:\n"
               "  --json                  print the result as one JSON document instead\n"
               "  -o, --output DIR        write DIR/history.csv, report.md, convergence.svg,\n"
               "                          search.json, best/ and a checkpoint after every\n"
               "                          generation, with objectives also pareto.csv,\n"
               "                          pareto.svg and hypervolume.svg (DIR is created if\n"
               "                          missing)\n"
               "  --threads N             designs evaluated in parallel (default: all cores);\n"
               "                          the result does not depend on N\n"
               "  --seed S                random seed (default: the spec's 'ga: seed')\n"
               "  --resume DIR            continue the run checkpointed in DIR (same spec and\n"
               "                          seed); outputs go to DIR unless -o is given\n"
               "  --stop-after G          stop after generation G (0-based), as if killed; for\n"
               "                          testing --resume\n"
               "  -D, --define NAME=VALUE set a variable of the Jinja2 templates among the\n"
               "                          spec's design and workload files (repeatable;\n"
               "                          docs/templates.md); give them again with --resume\n"
               "  --cold-start            map every layer without warm-start seeds from the\n"
               "                          parents (same results; for measuring the warm start)\n"
               "  -h, --help              show this help\n"
               "\n"
               "Under MPI (mpirun -np N adse search ...), rank 0 runs the search and writes\n"
               "the outputs, and every rank evaluates designs with --threads threads; the\n"
               "result is the same as one process's (docs/cluster.md).\n"
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
static adse_status w_pareto_csv(FILE *f, const adse_search *s, const void *ctx)
{
    (void)ctx;
    return adse_report_search_pareto_csv(f, s);
}
static adse_status w_pareto_svg(FILE *f, const adse_search *s, const void *ctx)
{
    (void)ctx;
    return adse_report_search_pareto_svg(f, s);
}
static adse_status w_hv_svg(FILE *f, const adse_search *s, const void *ctx)
{
    (void)ctx;
    return adse_report_search_hypervolume_svg(f, s);
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
    (void)s;
    return adse_spec_write_arch_yaml(f, c->det->spec, &c->det->arch, c->err);
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
    if (cli_make_output_dir(dir) != 0) goto out;
    if (adse_search_design_detail(s, best, &det, &err) != ADSE_OK) {
        cli_error("best design: %s", adse_err_format(&err, msg, sizeof msg));
        goto out;
    }
    best_ctx c = {.det = det, .layer = 0, .err = &err};
    if (write_out(dir, "arch.yaml", w_arch, s, &c)) goto out;
    for (int l = 0; l < adse_search_layer_count(s); l++) {
        c.layer = l;
        /* a network's layer names (ONNX node names) become NNN_<name> file names */
        char *stem = adse_search_network(s)
                         ? cli_layer_file_name(l, adse_search_layer_name(s, l), "")
                         : strdup(adse_search_layer_name(s, l));
        if (!stem) {
            cli_error("out of memory");
            goto out;
        }
        char name[ADSE_NAME_MAX + 48];
        snprintf(name, sizeof name, "%s.map.yaml", stem);
        bool failed = write_out(dir, name, w_map_yaml, s, &c);
        snprintf(name, sizeof name, "%s.stats.txt", stem);
        failed = failed || write_out(dir, name, w_stats, s, &c);
        snprintf(name, sizeof name, "%s.map.txt", stem);
        failed = failed || write_out(dir, name, w_map_txt, s, &c);
        free(stem);
        if (failed) goto out;
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

/* ---- options ------------------------------------------------------------------------- */

typedef struct search_args {
    bool json;
    const char *out_dir, *resume, *spec_path;
    uint64_t threads, seed, stop_after; /* threads 0 = all cores */
    bool has_seed, has_stop, cold_start;
    const char *defines[64]; /* -D NAME=VALUE (argv pointers) */
    int n_defines;
} search_args;

enum {
    OPT_JSON,
    OPT_OUTPUT,
    OPT_RESUME,
    OPT_THREADS,
    OPT_SEED,
    OPT_STOP_AFTER,
    OPT_DEFINE,
    OPT_COLD_START
};
static const cli_option search_options[] = {
    [OPT_JSON] = {"json", 0, false, NULL},
    [OPT_OUTPUT] = {"output", 'o', true, "a non-empty directory"},
    [OPT_RESUME] = {"resume", 0, true, "a directory"},
    [OPT_THREADS] = {"threads", 0, true, NULL},
    [OPT_SEED] = {"seed", 0, true, NULL},
    [OPT_STOP_AFTER] = {"stop-after", 0, true, NULL},
    [OPT_DEFINE] = {"define", 'D', true, "NAME=VALUE"},
    [OPT_COLD_START] = {"cold-start", 0, false, NULL},
    {0}};

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

/* One option; 0, or the exit code after a usage error. */
static int search_option(search_args *a, int opt, const char *v)
{
    switch (opt) {
    case OPT_JSON: a->json = true; return 0;
    case OPT_OUTPUT: a->out_dir = v; return 0;
    case OPT_RESUME: a->resume = v; return 0;
    case OPT_DEFINE:
        if (a->n_defines == (int)(sizeof a->defines / sizeof *a->defines))
            return cli_usage_error("search", "more than 64 '-D' variables");
        a->defines[a->n_defines++] = v;
        return 0;
    case OPT_COLD_START: a->cold_start = true; return 0;
    case OPT_THREADS:
        if (!parse_u64(v, &a->threads) || a->threads < 1 || a->threads > 1024)
            return cli_usage_error("search", "'--threads' needs a number from 1 to 1024, got '%s'",
                                   v);
        return 0;
    case OPT_SEED:
        if (!parse_u64(v, &a->seed))
            return cli_usage_error("search", "'--seed' needs a non-negative integer, got '%s'", v);
        a->has_seed = true;
        return 0;
    case OPT_STOP_AFTER:
        if (!parse_u64(v, &a->stop_after) || a->stop_after > 1000000)
            return cli_usage_error("search", "'--stop-after' needs a generation number, got '%s'",
                                   v);
        a->has_stop = true;
        return 0;
    }
    return CLI_EXIT_USAGE;
}

/* Returns -1 to go on, or the exit code to return at once. */
static int parse_args(int argc, char **argv, search_args *a)
{
    memset(a, 0, sizeof *a);
    cli_args p;
    cli_args_init(&p, "search", search_options, cmd_search_usage, argc, argv);
    for (int kind; (kind = cli_args_next(&p)) != CLI_ARGS_END;) {
        if (kind == CLI_ARGS_EXIT) return p.exit_code;
        if (kind == CLI_ARGS_POSITIONAL) {
            if (a->spec_path)
                return cli_usage_error("search", "more than one spec file ('%s')", p.value);
            a->spec_path = p.value;
            continue;
        }
        int rc = search_option(a, p.opt, p.value);
        if (rc) return rc;
    }
    if (!a->spec_path) return cli_usage_error("search", "no search spec file");
    if (!a->out_dir) a->out_dir = a->resume;
    return -1;
}

/* ---- under MPI (cli/cluster.h, docs/cluster.md) ---------------------------------------- */

/* Rank 0's jobs: the designs of one batch. */
typedef struct batch_ctx {
    adse_search *s;
    adse_search_batch *b;
} batch_ctx;

static int farm_request(void *ctx, int i, const void **bytes, size_t *len, char *msg, size_t size)
{
    const batch_ctx *c = ctx;
    adse_err err;
    if (adse_search_batch_request(c->b, i, bytes, len, &err) == ADSE_OK) return 0;
    adse_err_format(&err, msg, size);
    return -1;
}

/* Any rank: one design's evaluation. ctx is the rank's search. */
static void *farm_serve(void *ctx, const void *req, size_t len, int threads, size_t *reply_len,
                        char *msg, size_t size)
{
    const adse_search *s = ctx;
    void *reply = NULL;
    adse_err err;
    int own = adse_search_threads(s);
    if (adse_search_serve(s, req, len, threads < own ? threads : own, &reply, reply_len, &err) ==
        ADSE_OK)
        return reply;
    adse_err_format(&err, msg, size);
    return NULL;
}

static void *farm_serve_batch(void *ctx, const void *req, size_t len, int threads,
                              size_t *reply_len, char *msg, size_t size)
{
    return farm_serve(((const batch_ctx *)ctx)->s, req, len, threads, reply_len, msg, size);
}

static int farm_accept(void *ctx, int i, const void *reply, size_t len, char *msg, size_t size)
{
    const batch_ctx *c = ctx;
    adse_err err;
    if (adse_search_batch_accept(c->b, i, reply, len, &err) == ADSE_OK) return 0;
    adse_err_format(&err, msg, size);
    return -1;
}

/* The job whose rank holds the items job i runs (a range of a split layer), or -1. */
static int farm_affinity(void *ctx, int i)
{
    return adse_search_batch_affinity(((const batch_ctx *)ctx)->b, i);
}

/* Is job i answered on rank 0 already (a range the incumbent prunes)? */
static bool farm_answered(void *ctx, int i)
{
    return adse_search_batch_answered(((const batch_ctx *)ctx)->b, i);
}

/* The batch's jobs so far: a design's split layer adds jobs when its reply is accepted. */
static int farm_count(void *ctx)
{
    return adse_search_batch_size(((const batch_ctx *)ctx)->b);
}

/* The search's dispatch on rank 0: the batch's designs (and the item ranges of their
 * split layers) over every rank. */
static adse_status farm_dispatch(void *user, adse_search *s, adse_search_batch *b, adse_err *err)
{
    (void)user;
    batch_ctx c = {s, b};
    cli_farm f = {farm_request, farm_serve_batch,       farm_accept,   farm_count,
                  &c,           adse_search_threads(s), farm_affinity, farm_answered};
    char msg[ADSE_ERR_MSG_MAX];
    if (cli_farm_run(&f, adse_search_batch_size(b), adse_search_batch_threads(b), msg,
                     sizeof msg) == 0)
        return ADSE_OK;
    return adse_err_set(err, ADSE_E_IO, NULL, 0, 0, "%s", msg);
}

/* What this rank read: the spec's text and every file it names. */
static uint64_t spec_fingerprint(const adse_search_spec *sp)
{
    uint64_t h = sp->text_hash;
    for (int i = 0; i < sp->n_arch_files; i++)
        h = cli_mpi_fingerprint(h, sp->arch_files[i]);
    for (int i = 0; i < sp->n_constraint_files; i++)
        h = cli_mpi_fingerprint(h, sp->constraint_files[i]);
    if (sp->mapper_file[0]) h = cli_mpi_fingerprint(h, sp->mapper_file);
    for (int l = 0; l < sp->n_layers; l++)
        h = cli_mpi_fingerprint(h, sp->layers[l].problem);
    if (sp->network[0]) h = cli_mpi_fingerprint(h, sp->network);
    return h;
}

/* ---- the command --------------------------------------------------------------------- */

/* Restores s from DIR/checkpoint.txt; -1 after printing the error. */
static int resume_from(adse_search *s, const char *dir)
{
    adse_err err;
    adse_err_clear(&err);
    char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
    char *path = join(dir, CKPT_NAME);
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
        cli_error("%s: cannot open the checkpoint: %s", path ? path : dir, strerror(errno));
        free(path);
        return -1;
    }
    adse_status st = adse_search_checkpoint_load(s, f, &err);
    fclose(f);
    if (st != ADSE_OK) cli_error("%s: %s", path, adse_err_format(&err, msg, sizeof msg));
    free(path);
    return st == ADSE_OK ? 0 : -1;
}

/* Runs the generations, with a checkpoint in a->out_dir after each; *stopped when
 * --stop-after ended the run early. -1 after printing the error. */
static int run_generations(adse_search *s, const search_args *a, const progress_state *ps,
                           bool *stopped)
{
    adse_err err;
    adse_err_clear(&err);
    *stopped = false;
    while (!adse_search_finished(s)) {
        if (adse_search_step(s, &err) != ADSE_OK) {
            if (ps->shown) fputc('\n', stderr);
            cli_error_of(&err);
            return -1;
        }
        if (a->out_dir && write_out(a->out_dir, CKPT_NAME, w_checkpoint, s, NULL)) return -1;
        if (a->has_stop && (uint64_t)adse_search_generations_done(s) > a->stop_after &&
            !adse_search_finished(s)) {
            *stopped = true;
            return 0;
        }
    }
    return 0;
}

/* A network workload's reports show the baseline's and the best design's per-layer figures;
 * a search resumed from a checkpoint has not kept them: adse_search_design_detail re-maps
 * the design and keeps them. -1 after printing the error. */
static int keep_network_layers(adse_search *s)
{
    if (!adse_search_network(s)) return 0;
    const adse_search_design *ds[2] = {adse_search_baseline(s), adse_search_best(s)};
    for (int k = 0; k < 2; k++) {
        if (!ds[k] || adse_search_layer_results(s, ds[k])) continue;
        adse_search_detail *det = NULL;
        adse_err err;
        adse_err_clear(&err);
        char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
        if (adse_search_design_detail(s, ds[k], &det, &err) != ADSE_OK) {
            cli_error("%s design: %s", k ? "best" : "baseline",
                      adse_err_format(&err, msg, sizeof msg));
            return -1;
        }
        adse_search_detail_free(det);
    }
    return 0;
}

/* The result files of a finished run in dir; -1 after printing the error. */
static int write_results(const char *dir, adse_search *s)
{
    if (adse_search_objective_count(s) && (write_out(dir, "pareto.csv", w_pareto_csv, s, NULL) ||
                                           write_out(dir, "pareto.svg", w_pareto_svg, s, NULL) ||
                                           write_out(dir, "hypervolume.svg", w_hv_svg, s, NULL)))
        return -1;
    if (write_out(dir, "history.csv", w_history, s, NULL) ||
        write_out(dir, "convergence.svg", w_svg, s, NULL) ||
        write_out(dir, "report.md", w_md, s, NULL) ||
        write_out(dir, "search.json", w_json, s, NULL) || write_best(dir, s))
        return -1;
    return 0;
}

int cmd_search(int argc, char **argv)
{
    search_args a;
    int parsed = parse_args(argc, argv, &a);
    if (parsed >= 0) return parsed;

    int rc = CLI_EXIT_FAIL;
    adse_search_spec *spec = NULL;
    adse_search *s = NULL;
    adse_err err;
    adse_err_clear(&err);
    char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
    progress_state ps = {.shown = false, .start = adse_clock_s()};
    /* under MPI every rank loads the spec and creates the search; rank 0 runs it, the
       others evaluate the designs it hands out (workers print nothing: rank 0 reports) */
    bool cluster = cli_mpi_size() > 1, worker = cli_mpi_rank() != 0, agreed = false;

    if (adse_search_spec_load(a.spec_path, &spec, &err) == ADSE_OK) {
        adse_search_options o;
        adse_search_options_init(&o);
        o.threads = (int)a.threads;
        o.has_seed = a.has_seed;
        o.seed = a.seed;
        o.template_vars = a.defines;
        o.n_template_vars = a.n_defines;
        o.cold_start = a.cold_start;
        if (isatty(STDERR_FILENO) && !worker) {
            o.progress = on_progress;
            o.progress_user = &ps;
        }
        if (cluster && !worker) {
            o.dispatch = farm_dispatch;
            /* the executors: ranks x threads (this rank's: a guide, the results do not
               depend on it) */
            o.split_layers = cli_mpi_size() * (a.threads > 0 ? (int)a.threads : adse_cpu_count());
        }
        adse_search_create(spec, &o, &s, &err);
    }
    if (!s) {
        adse_err_format(&err, msg, sizeof msg);
        if (!worker) cli_error("%s", msg);
    }
    if (cluster) {
        if (!cli_mpi_agree(s != NULL, msg, s ? adse_search_threads(s) : 1,
                           s ? spec_fingerprint(spec) : 0))
            goto done;
        agreed = true;
        if (worker) {
            cli_farm f = {NULL, farm_serve, NULL, NULL, s, adse_search_threads(s), NULL, NULL};
            rc = cli_farm_serve(&f) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
            goto done;
        }
    }
    if (!s) goto done;
    if (a.resume && resume_from(s, a.resume)) goto done;
    if (a.out_dir && cli_make_output_dir(a.out_dir) != 0) goto done;
    /* a checkpoint before the first generation, so that even a run killed during it can
     * be resumed */
    if (a.out_dir && !a.resume && write_out(a.out_dir, CKPT_NAME, w_checkpoint, s, NULL)) goto done;
    bool stopped;
    if (run_generations(s, &a, &ps, &stopped)) goto done;
    if (ps.shown) fputs("\r\033[K", stderr);
    if (stopped) {
        fprintf(stderr, "adse: stopped after generation %" PRIu64 " (--stop-after)%s%s\n",
                a.stop_after, a.out_dir ? "; continue with --resume " : "",
                a.out_dir ? a.out_dir : "");
        rc = CLI_EXIT_OK;
        goto done;
    }
    if (keep_network_layers(s)) goto done;
    if (a.out_dir && write_results(a.out_dir, s)) goto done;
    adse_status st =
        a.json ? adse_report_search_json(stdout, s) : adse_report_search_summary(stdout, s);
    if (cli_stdout_written(st) != 0) goto done;
    rc = CLI_EXIT_OK;
done:
    if (agreed && !worker) cli_farm_stop();
    adse_search_free(s);
    adse_search_spec_free(spec);
    return rc;
}
