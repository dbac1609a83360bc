/*
 * cli/cmd_map.c: `adse map`, the timeloop-mapper equivalent.
 *
 * Loads the same inputs as timeloop-mapper (architecture, problem, constraint lists, the
 * `mapper` section, optional ERT/ART; a `mapping` key is ignored
 * unless --warm-start makes it the search's seed), searches the mapspace with
 * adse_mapper_run_seeded and prints Timeloop's summary line of the best mapping followed by
 * the search statistics, or with --json the `adse model --json` document of the best
 * mapping plus "mapping" and "search". -o DIR writes adse-map.map.yaml (Timeloop's
 * map.yaml, readable by timeloop-model and `adse model`), adse-map.stats.txt and
 * adse-map.map.txt. --threads and --time-limit override the mapper section. With a network
 * among the inputs (an .onnx model or a network.yaml) it is mapped layer by layer
 * (map_network.c).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "cli.h"
#include "cluster.h"

#define MAP_YAML_NAME "adse-map.map.yaml"
#define STATS_NAME "adse-map.stats.txt"
#define MAP_TXT_NAME "adse-map.map.txt"

void cmd_map_usage(FILE *f)
{
    fprintf(f,
            "usage: adse map [--json] [-o DIR] [--threads N] [--time-limit S] [--warm-start]\n"
            "                [--translation new|legacy] [--energy estimator|timeloop-fallback]\n"
            "                [--no-link-transfers] [--ignore-sparse] [-D NAME=VALUE]...\n"
            "                [--set NODE.PATH=VALUE]... FILE...\n"
            "\n"
            "Searches Timeloop's mapspace for the best mapping, like timeloop-mapper. The\n"
            "files are merged (a later file's top-level key replaces an earlier one's) and\n"
            "together must provide 'architecture' and 'problem'; constraint lists\n"
            "(architecture_constraints, mapspace_constraints, ...), the 'mapper' section\n"
            "(optimization_metrics, num_threads, time_limit, weights) and ERT/ART tables are\n"
            "optional; a 'mapping' key is ignored (unless --warm-start). The search covers\n"
            "the whole constrained mapspace, pruning only what cannot hold the optimum, so\n"
            "the result is the proven optimum unless a time limit cut it short.\n"
            "\n"
            "With a network among the files (an ONNX model ending in .onnx, or a network\n"
            "file such as the network.yaml 'adse import -o' writes), maps each distinct\n"
            "layer of the network as the problem of the other files and prints a per-layer\n"
            "table and count-weighted totals; -o DIR then writes\n"
            "DIR/NNN_<layer>/ per layer and DIR/network.csv. Under MPI (mpirun -np N adse\n"
            "map ...) the network's layers are spread over the ranks (docs/cluster.md).\n"
            "\n"
            "Prints Timeloop's summary line of the best mapping, then the search statistics:\n"
            "  Utilization = 1.00 | pJ/Compute =   10.496 | Cycles = 516096\n"
            "  Mapspace: ... mappings, ... evaluated (... valid), ... pruned, ... s, ... threads\n"
            "  Optimal: yes (the whole mapspace was searched)\n"
            "\n"
            "Options:\n"
            "  --json                  print the JSON document instead (the 'adse model --json'\n"
            "                          document plus \"mapping\" and \"search\")\n"
            "  -o, --output DIR        also write DIR/" MAP_YAML_NAME ", DIR/" STATS_NAME "\n"
            "                          and DIR/" MAP_TXT_NAME " (DIR is created if missing)\n"
            "  --threads N             search threads (0 = all cores); overrides num_threads\n"
            "  --time-limit S          stop after S seconds with the best mapping found and a\n"
            "                          lower bound (0 = no limit); overrides time_limit\n"
            "  --warm-start            start from the 'mapping' key among the files (e.g. an\n"
            "                          earlier run's " MAP_YAML_NAME "): the same result,\n"
            "                          usually sooner; under a time limit never worse\n"
            "  --translation RULE      'new' (Timeloop master, default) or 'legacy' (Timeloop\n"
            "                          <= v3.0.3)\n"
            "  --energy SOURCE         'estimator' (default) or 'timeloop-fallback', for the\n"
            "                          components no ERT/ART entry names (see 'adse model')\n"
            "  --no-link-transfers     disable inter-PE link transfers\n"
            "  --ignore-sparse         map the dense problem of inputs with sparse_optimizations\n"
            "                          (refused otherwise); the output says so\n" CLI_DEFINE_HELP
            "  -h, --help              show this help\n"
            "\n"
            "Exit status: 0 success, 1 bad input or no valid mapping, 2 usage error.\n");
}

typedef struct map_flags {
    int threads;       /* -1 = not given */
    double time_limit; /* < 0 = not given */
    bool warm_start;   /* the files' `mapping` key seeds the search */
} map_flags;

enum { OPT_THREADS, OPT_TIME_LIMIT, OPT_WARM_START };
static const cli_option map_options[] = {[OPT_THREADS] = {"threads", 0, true, NULL},
                                         [OPT_TIME_LIMIT] = {"time-limit", 0, true, NULL},
                                         [OPT_WARM_START] = {"warm-start", 0, false, NULL},
                                         {0}};

static int map_option(const char *cmd, int opt, const char *v, void *user)
{
    map_flags *fl = user;
    char *end = NULL;
    errno = 0;
    if (opt == OPT_WARM_START) {
        fl->warm_start = true;
    } else if (opt == OPT_THREADS) {
        long t = strtol(v, &end, 10);
        if (!*v || *end || errno || t < 0 || t > 65536)
            return cli_usage_error(cmd, "invalid thread count '%s' (expected 0 to 65536)", v);
        fl->threads = (int)t;
    } else {
        double s = strtod(v, &end);
        if (!*v || *end || errno || !(s >= 0) || !isfinite(s))
            return cli_usage_error(cmd, "invalid time limit '%s' (expected seconds >= 0)", v);
        fl->time_limit = s;
    }
    return 0;
}

static const char *metric_name(adse_metric m)
{
    switch (m) {
    case ADSE_METRIC_EDP: return "edp";
    case ADSE_METRIC_ENERGY: return "energy";
    case ADSE_METRIC_DELAY: return "delay";
    case ADSE_METRIC_LAST_LEVEL_ACCESSES: return "last_level_accesses";
    case ADSE_METRIC_WEIGHTED: return "weighted objective";
    }
    return "?";
}

static void print_stats(const adse_mapper_settings *set, const adse_mapper_stats *st)
{
    printf("Mapspace: %.6g mappings, %llu evaluated (%llu valid), %.6g pruned, %.2f s, %d "
           "thread%s\n",
           st->mapspace_size, (unsigned long long)st->evaluated, (unsigned long long)st->valid,
           st->pruned, st->seconds, st->threads, st->threads == 1 ? "" : "s");
    if (st->optimal)
        printf("Optimal: yes (the whole mapspace was searched)\n");
    else
        printf("Optimal: not proven (time limit reached); lower bound of %s: %.6g; best found "
               "%.6g, gap %.2f%%\n",
               metric_name(set->n_metrics ? set->metrics[0] : ADSE_METRIC_EDP), st->lower_bound,
               st->best_value, 100.0 * st->gap);
    /* the later metrics among the mappings at most the best on the earlier ones */
    for (int k = 1; !st->optimal && k < set->n_metrics; k++) {
        double b = st->best_values[k], lb = st->lower_bounds[k];
        printf("  %s among the mappings with", metric_name(set->metrics[k]));
        for (int j = 0; j < k; j++)
            printf("%s %s <= %.6g", j ? " and" : "", metric_name(set->metrics[j]),
                   st->best_values[j]);
        printf(": lower bound %.6g; best found %.6g, gap %.2f%%\n", lb, b,
               b > 0 ? 100.0 * (b - lb) / b : 0.0);
    }
}

/* --warm-start: whether the files' mapping can seed the search (1) or not (0, with a note
 * saying why: it is not valid on the architecture, or lies outside the constrained
 * mapspace); -1 after an error (no mapping among the files). */
static int warm_start_seeds(const adse_model *model, const adse_spec *spec,
                            const adse_constraints *cons, const adse_mapper_settings *settings)
{
    if (!spec->has_mapping) {
        cli_error("--warm-start: no 'mapping' key among the files (list an earlier run's "
                  "%s among them)",
                  MAP_YAML_NAME);
        return -1;
    }
    adse_err err;
    adse_err_clear(&err);
    adse_mapper_part *part = malloc(sizeof *part);
    adse_scratch *scratch = adse_scratch_new(model);
    adse_result *r = malloc(sizeof *r);
    int n = -1;
    if (!part || !scratch || !r) {
        cli_error("out of memory");
    } else if (adse_mapper_seed_part(model, cons, settings, &spec->mapping, 1, part, &err) !=
               ADSE_OK) {
        cli_error_of(&err);
    } else if (adse_model_evaluate(model, &spec->mapping, scratch, r, NULL) != ADSE_OK) {
        fprintf(stderr,
                "adse: note: --warm-start: the mapping is not valid here (%s); searching "
                "without it\n",
                r->reason);
        n = 0;
    } else {
        char line[160];
        n = part->found;
        fprintf(stderr, "adse: note: --warm-start: %s: %s\n",
                n ? "starting from the mapping"
                  : "the mapping lies outside the constrained mapspace; searching without it",
                adse_report_summary_line(r, line, sizeof line));
    }
    free(part);
    adse_scratch_free(scratch);
    free(r);
    return n;
}

int cmd_map(int argc, char **argv)
{
    map_flags flags = {-1, -1.0, false};
    cli_eval_args args;
    int parsed =
        cli_eval_parse("map", argc, argv, cmd_map_usage, map_options, map_option, &flags, &args);
    if (parsed >= 0) {
        cli_eval_args_release(&args);
        return parsed;
    }
    /* as timeloop-mapper, which never reads it, unless it is to seed the search */
    args.spec.ignore_mapping = !flags.warm_start;
    const char *network = NULL; /* an ONNX model or a network file (network.yaml) */
    for (int i = 0; i < args.n_files; i++) {
        if (!adse_network_is_network_file(args.files[i])) continue;
        if (network) {
            int urc = cli_usage_error("map", "more than one network ('%s' and '%s')", network,
                                      args.files[i]);
            cli_eval_args_release(&args);
            return urc;
        }
        network = args.files[i];
    }
    if (network && flags.warm_start) {
        int urc = cli_usage_error("map",
                                  "--warm-start takes one problem's mapping, not a network "
                                  "('%s')",
                                  network);
        cli_eval_args_release(&args);
        return urc;
    }
    if (network) {
        int nrc = cli_map_network(&args, network, flags.threads, flags.time_limit);
        cli_eval_args_release(&args);
        return nrc;
    }
    if (cli_mpi_rank() != 0) { /* under mpirun, one problem is mapped by rank 0 alone */
        cli_eval_args_release(&args);
        return CLI_EXIT_OK;
    }

    int rc = CLI_EXIT_FAIL;
    adse_spec *spec = NULL;
    adse_model *model = NULL;
    adse_mapper_result *res = NULL;
    adse_err err;
    adse_err_clear(&err);

    if (!(spec = cli_eval_load(&args)) || !cli_eval_require(spec, false)) goto done;
    if (!(model = cli_eval_model(&args, spec))) goto done;
    adse_mapper_settings settings = spec->mapper; /* defaults when there is no section */
    if (flags.threads >= 0) settings.threads = flags.threads;
    if (flags.time_limit >= 0) settings.time_limit_s = flags.time_limit;

    const adse_constraints *cons = spec->has_constraints ? &spec->constraints : NULL;
    int n_seeds = 0;
    if (flags.warm_start && (n_seeds = warm_start_seeds(model, spec, cons, &settings)) < 0)
        goto done;

    res = calloc(1, sizeof *res);
    if (!res) {
        cli_error("out of memory");
        goto done;
    }
    adse_err_clear(&err);
    if (adse_mapper_run_seeded(model, cons, &settings, &spec->mapping, n_seeds, res, &err) !=
        ADSE_OK) {
        cli_error_of(&err);
        goto done;
    }
    if (!res->found) {
        cli_error("no valid mapping: none of the %llu mappings evaluated fits the architecture "
                  "(%s)",
                  (unsigned long long)res->stats.evaluated,
                  res->stats.optimal ? "the whole mapspace was searched"
                                     : "the time limit was reached");
        goto done;
    }

    if (args.out_dir) {
        if (cli_make_output_dir(args.out_dir) != 0) goto done;
        char *path;
        FILE *f;
        if (!(f = cli_open_output(args.out_dir, MAP_YAML_NAME, &path)) ||
            cli_close_output(f, path, adse_report_map_yaml(f, model, &res->best)))
            goto done;
        if (!(f = cli_open_output(args.out_dir, STATS_NAME, &path)) ||
            cli_close_output(f, path, adse_report_stats_txt(f, model, &res->best, &res->result)))
            goto done;
        if (!(f = cli_open_output(args.out_dir, MAP_TXT_NAME, &path)) ||
            cli_close_output(f, path, adse_report_map_txt(f, model, &res->best, &res->result)))
            goto done;
    }

    if (args.json) {
        if (adse_report_mapper_json(stdout, model, res) != ADSE_OK) {
            cli_error("cannot write the JSON document");
            goto done;
        }
    } else {
        char line[160];
        printf("%s\n", adse_report_summary_line(&res->result, line, sizeof line));
        const char *note = adse_report_sparse_note(&spec->problem);
        if (note) printf("%s\n", note);
        print_stats(&settings, &res->stats);
    }
    if (cli_flush_stdout() != 0) goto done;
    rc = CLI_EXIT_OK;

done:
    free(res);
    adse_model_free(model);
    adse_spec_free(spec);
    cli_eval_args_release(&args);
    return rc;
}
