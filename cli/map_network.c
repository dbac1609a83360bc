/*
 * cli/map_network.c: `adse map` on a network (an ONNX model or a network file among the
 * files): every distinct layer is loaded as the problem of the other files (architecture,
 * constraints, mapper section, ERT/ART), mapped with adse_mapper_run, and the per-layer table and
 * the count-weighted totals are printed (--json: the document of docs/cli.md). -o DIR writes
 * DIR/NNN_<layer>/ with each layer's map.yaml, stats.txt and map.txt, DIR/network.csv and
 * DIR/network.svg.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adse/adse.h"
#include "cli.h"
#include "cluster.h"

/* Writes the layer's map.yaml, stats.txt and map.txt under dir/NNN_<name>/. */
static int write_layer(const char *dir, int i, const adse_network_layer *l, const adse_model *m,
                       const adse_mapper_result *res)
{
    char *sub = cli_layer_file_name(i, l->name, "");
    if (!sub) {
        cli_error("out of memory");
        return -1;
    }
    size_t len = strlen(dir) + strlen(sub) + 2;
    char *path = malloc(len), *file;
    int rc = -1;
    if (!path) {
        cli_error("out of memory");
        goto out;
    }
    snprintf(path, len, "%s/%s", dir, sub);
    if (cli_make_output_dir(path) != 0) goto out;
    FILE *f;
    if (!(f = cli_open_output(path, "adse-map.map.yaml", &file)) ||
        cli_close_output(f, file, adse_report_map_yaml(f, m, &res->best)))
        goto out;
    if (!(f = cli_open_output(path, "adse-map.stats.txt", &file)) ||
        cli_close_output(f, file, adse_report_stats_txt(f, m, &res->best, &res->result)))
        goto out;
    if (!(f = cli_open_output(path, "adse-map.map.txt", &file)) ||
        cli_close_output(f, file, adse_report_map_txt(f, m, &res->best, &res->result)))
        goto out;
    rc = 0;
out:
    free(path);
    free(sub);
    return rc;
}

/* One layer's job: loaded serially, mapped by any worker, reported serially in order. */
typedef struct layer_job {
    adse_spec *spec;
    adse_model *model;
    adse_mapper_settings settings;
    adse_mapper_result res;
    adse_status st;
    adse_err err;
} layer_job;

typedef struct layer_pool {
    layer_job *jobs;
    int n;
    int next; /* next job to take, under mu */
    pthread_mutex_t mu;
} layer_pool;

static void *layer_worker(void *arg)
{
    layer_pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        int i = p->next < p->n ? p->next++ : -1;
        pthread_mutex_unlock(&p->mu);
        if (i < 0) return NULL;
        layer_job *j = &p->jobs[i];
        adse_err_clear(&j->err);
        j->st = adse_mapper_run(j->model, j->spec->has_constraints ? &j->spec->constraints : NULL,
                                &j->settings, &j->res, &j->err);
    }
}

/* Maps every job: `workers` threads take layers in order (each layer's result depends only
 * on the layer, never on which thread ran it or when). */
static void map_layers(layer_job *jobs, int n, int workers)
{
    layer_pool p = {jobs, n, 0, PTHREAD_MUTEX_INITIALIZER};
    pthread_t tids[64];
    int started = 0;
    for (; started < workers - 1 && started < 64; started++)
        if (pthread_create(&tids[started], NULL, layer_worker, &p) != 0) break;
    layer_worker(&p); /* the calling thread is a worker too */
    for (int k = 0; k < started; k++)
        pthread_join(tids[k], NULL);
}

/* ---- under MPI (cli/cluster.h): the layers are the farm's jobs ------------------------- */

typedef struct layer_farm {
    layer_job *jobs;
    int n;
    int32_t *index; /* index[i] = i: the request of job i */
} layer_farm;

/* A reply: the status, the error, the mapper's result (raw bytes: every rank runs the same
 * build, docs/cluster.md). */
typedef struct layer_reply {
    int32_t st;
    adse_err err;
    adse_mapper_result res;
} layer_reply;

static int farm_request(void *ctx, int i, const void **bytes, size_t *len, char *msg, size_t size)
{
    (void)msg, (void)size;
    const layer_farm *lf = ctx;
    *bytes = &lf->index[i];
    *len = sizeof lf->index[i];
    return 0;
}

static void *farm_serve(void *ctx, const void *req, size_t len, int threads, size_t *reply_len,
                        char *msg, size_t size)
{
    const layer_farm *lf = ctx;
    int32_t i;
    if (len != sizeof i) {
        snprintf(msg, size, "malformed layer request (%zu bytes)", len);
        return NULL;
    }
    memcpy(&i, req, sizeof i);
    if (i < 0 || i >= lf->n) {
        snprintf(msg, size, "no layer %d", (int)i);
        return NULL;
    }
    layer_reply *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(msg, size, "out of memory");
        return NULL;
    }
    const layer_job *j = &lf->jobs[i];
    adse_mapper_settings st = j->settings;
    st.threads = threads;
    adse_err_clear(&r->err);
    r->st = adse_mapper_run(j->model, j->spec->has_constraints ? &j->spec->constraints : NULL, &st,
                            &r->res, &r->err);
    *reply_len = sizeof *r;
    return r;
}

static int farm_accept(void *ctx, int i, const void *reply, size_t len, char *msg, size_t size)
{
    const layer_farm *lf = ctx;
    layer_reply r;
    if (len != sizeof r) {
        snprintf(msg, size, "malformed reply for layer %d (%zu bytes)", i, len);
        return -1;
    }
    memcpy(&r, reply, sizeof r);
    lf->jobs[i].st = (adse_status)r.st;
    lf->jobs[i].err = r.err;
    lf->jobs[i].res = r.res;
    return 0;
}

/* Every rank loaded the layers (ok, else the reason in why); rank 0 maps them over all
 * ranks, the others serve. 0 when rank 0 goes on to report; 1 when this rank is done
 * (a worker, or a failure printed); the exit code in *rc. */
static int map_on_ranks(layer_job *jobs, int n, bool ok, const char *why, int threads,
                        uint64_t fingerprint, int within, int *rc)
{
    *rc = CLI_EXIT_FAIL;
    if (!cli_mpi_agree(ok, why, threads, fingerprint)) return 1;
    int32_t *index = calloc((size_t)n + 1, sizeof *index);
    layer_farm lf = {jobs, n, index};
    cli_farm f = {farm_request, farm_serve, farm_accept, &lf, threads};
    int done = 1;
    if (!index) {
        cli_error("out of memory");
    } else if (cli_mpi_rank() != 0) {
        if (cli_farm_serve(&f) == 0) *rc = CLI_EXIT_OK;
    } else {
        for (int i = 0; i < n; i++)
            index[i] = i;
        char msg[ADSE_ERR_MSG_MAX];
        if (cli_farm_run(&f, n, within, msg, sizeof msg) == 0)
            done = 0;
        else
            cli_error("%s", msg);
        cli_farm_stop();
    }
    free(index);
    return done;
}

int cli_map_network(const cli_eval_args *a, const char *network_path, int threads,
                    double time_limit)
{
    char msg[ADSE_ERR_FILE_MAX + ADSE_ERR_MSG_MAX + 64];
    adse_err err;
    adse_err_clear(&err);
    /* under MPI every rank loads the layers; rank 0 prints, the others report to it */
    bool cluster = cli_mpi_size() > 1, worker = cli_mpi_rank() != 0;
    adse_network *net = NULL;
    if (adse_network_load(network_path, NULL, &net, &err) != ADSE_OK) {
        adse_err_format(&err, msg, sizeof msg);
        if (!worker) cli_error("%s", msg);
        if (cluster) cli_mpi_agree(false, msg, 1, 0);
        return CLI_EXIT_FAIL;
    }
    const char **files = calloc((size_t)a->n_files + 1, sizeof *files);
    adse_network_layer_result *results = calloc((size_t)net->n_layers + 1, sizeof *results);
    layer_job *jobs = calloc((size_t)net->n_layers + 1, sizeof *jobs);
    int rc = CLI_EXIT_FAIL, n_files = 0, n = net->n_layers;
    int total_threads = 1;
    bool loaded = false;
    double t0 = adse_clock_s();
    msg[0] = 0;
    if (!files || !results || !jobs) {
        snprintf(msg, sizeof msg, "out of memory");
        if (!worker) cli_error("%s", msg);
        goto load_done;
    }
    for (int i = 0; i < a->n_files; i++)
        if (a->files[i] != network_path) files[n_files++] = a->files[i];
    if (a->out_dir && !worker && cli_make_dirs(a->out_dir) != 0) {
        snprintf(msg, sizeof msg, "%s: cannot create directory: %s", a->out_dir, strerror(errno));
        cli_error("%s", msg);
        goto load_done;
    }
    /* 1. every layer loaded as the problem of the other files */
    for (int i = 0; i < n; i++) {
        layer_job *j = &jobs[i];
        adse_spec_options o = a->spec;
        o.ignore_mapping = true;
        o.problem = &net->layers[i].problem;
        adse_err_clear(&err);
        if (adse_spec_load_opts(files, n_files, &o, &j->spec, &err) != ADSE_OK) {
            adse_err_format(&err, msg, sizeof msg);
            if (!worker) cli_error("%s", msg);
            goto load_done;
        }
        if (i == 0 && !worker) cli_print_warnings(j->spec);
        /* a worker's own reason is its rank 0's: the same files, the same checks */
        if (!cli_eval_require(j->spec, false) || !(j->model = cli_eval_model(a, j->spec))) {
            snprintf(msg, sizeof msg, "cannot set layer '%s' up", net->layers[i].name);
            goto load_done;
        }
        j->settings = j->spec->mapper;
        if (threads >= 0) j->settings.threads = threads;
        if (time_limit >= 0) j->settings.time_limit_s = time_limit;
        if (i == 0)
            total_threads = j->settings.threads > 0 ? j->settings.threads : adse_cpu_count();
    }
    loaded = true;
load_done:
    if (!loaded && !cluster) goto done;
    /* 2. mapped in parallel across layers (and ranks), the threads left over within each
       layer */
    int workers = total_threads < n ? total_threads : n;
    if (workers > 64) workers = 64;
    if (workers < 1) workers = 1;
    int within = total_threads / workers > 1 ? total_threads / workers : 1;
    for (int i = 0; loaded && i < n; i++)
        jobs[i].settings.threads = within;
    if (cluster) {
        uint64_t fp = UINT64_C(0xcbf29ce484222325);
        for (int i = 0; i < a->n_files; i++)
            fp = cli_mpi_fingerprint(fp, a->files[i]);
        if (map_on_ranks(jobs, n, loaded, msg, total_threads, fp, within, &rc)) goto done;
    } else {
        map_layers(jobs, n, workers);
    }
    double seconds = adse_clock_s() - t0;
    /* 3. results and files in the network's order; the first failing layer is reported */
    for (int i = 0; i < n; i++) {
        const adse_network_layer *l = &net->layers[i];
        layer_job *j = &jobs[i];
        if (j->st != ADSE_OK) {
            cli_error("layer '%s': %s", l->name, adse_err_format(&j->err, msg, sizeof msg));
            goto done;
        }
        if (!j->res.found) {
            cli_error("layer '%s': no valid mapping (%s)", l->name,
                      j->res.stats.optimal ? "the whole mapspace was searched"
                                           : "the time limit was reached");
            goto done;
        }
        results[i] = adse_mapper_layer_result(&j->res);
        if (a->out_dir && write_layer(a->out_dir, i, l, j->model, &j->res) != 0) goto done;
    }
    if (a->out_dir) {
        char *path;
        FILE *f = cli_open_output(a->out_dir, "network.csv", &path);
        if (!f || cli_close_output(f, path, adse_report_network_map_csv(f, net, results)))
            goto done;
        const adse_result **evals = calloc((size_t)n, sizeof *evals);
        if (!evals) {
            cli_error("out of memory");
            goto done;
        }
        for (int i = 0; i < n; i++)
            evals[i] = &jobs[i].res.result;
        f = cli_open_output(a->out_dir, "network.svg", &path);
        int bad = !f || cli_close_output(f, path,
                                         adse_report_network_map_svg(
                                             f, net, adse_model_arch(jobs[0].model), evals));
        free(evals);
        if (bad) goto done;
    }
    adse_status st = a->json ? adse_report_network_map_json(stdout, net, results, seconds)
                             : adse_report_network_map_table(stdout, net, results);
    if (st != ADSE_OK) {
        cli_error("cannot write to stdout");
        goto done;
    }
    if (!a->json && cluster)
        printf("mapped %d distinct layers in %.2f s (%d ranks, %d thread%s each)\n", n, seconds,
               cli_mpi_size(), total_threads, total_threads == 1 ? "" : "s");
    else if (!a->json)
        printf("mapped %d distinct layers in %.2f s (%d at a time, %d thread%s each)\n", n, seconds,
               workers, jobs[0].settings.threads, jobs[0].settings.threads == 1 ? "" : "s");
    if (cli_flush_stdout() != 0) goto done;
    rc = CLI_EXIT_OK;
done:
    for (int i = 0; jobs && i < n; i++) {
        adse_model_free(jobs[i].model);
        adse_spec_free(jobs[i].spec);
    }
    free(jobs);
    free(results);
    free(files);
    adse_network_free(net);
    return rc;
}
