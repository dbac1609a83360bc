/*
 * cli/map_network.c: `adse map` on a network (an ONNX model or a network file among the
 * files): every distinct layer is loaded as the problem of the other files (architecture,
 * constraints, mapper section, ERT/ART), mapped with adse_mapper_run, and the per-layer table and
 * the count-weighted totals are printed (--json: the document of docs/cli.md). -o DIR writes
 * DIR/NNN_<layer>/ with each layer's map.yaml, stats.txt and map.txt, DIR/network.csv and
 * DIR/network.svg. Under MPI the layers are jobs handed out to the ranks, and a layer with
 * a large mapspace is split into jobs of ranges of its mapper's work items
 * (docs/cluster.md section 3).
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

/* A job's request: a whole layer (count 0) or items first .. first + count - 1 of its run
 * order, with the best mapping's metrics and position merged so far (a pruning aid). */
typedef struct layer_req {
    int32_t layer, first, count, has_inc;
    uint64_t inc_pos;
    double inc_value[ADSE_MAX_METRICS];
} layer_req;

typedef struct layer_farm {
    layer_job *jobs;
    int n;
    layer_req *req; /* per farm job */
    int n_req;
    adse_mapper_items **items; /* per layer: its work items (split layers; made on demand) */
    adse_mapper_part *acc;     /* rank 0, per split layer: the parts merged so far */
    pthread_mutex_t mu;        /* guards making items */
} layer_farm;

/* A reply: the status, the error, the mapper's result or, for items, the part (raw bytes:
 * every rank runs the same build, docs/cluster.md). */
typedef struct layer_reply {
    int32_t st;
    adse_err err;
    adse_mapper_result res;
} layer_reply;

typedef struct items_reply {
    int32_t st;
    adse_err err;
    adse_mapper_part part;
} items_reply;

static const adse_constraints *layer_constraints(const layer_job *j)
{
    return j->spec->has_constraints ? &j->spec->constraints : NULL;
}

static int farm_request(void *ctx, int i, const void **bytes, size_t *len, char *msg, size_t size)
{
    (void)msg, (void)size;
    layer_farm *lf = ctx;
    layer_req *q = &lf->req[i];
    const adse_mapper_part *acc = q->count > 0 ? &lf->acc[q->layer] : NULL;
    q->has_inc = acc && acc->found;
    if (q->has_inc) {
        q->inc_pos = acc->pos;
        memcpy(q->inc_value, acc->value, sizeof q->inc_value);
    }
    *bytes = q;
    *len = sizeof *q;
    return 0;
}

/* The items of layer i, made on first use (every rank makes the same). */
static adse_mapper_items *layer_items(layer_farm *lf, int i, adse_err *err)
{
    pthread_mutex_lock(&lf->mu);
    if (!lf->items[i]) {
        const layer_job *j = &lf->jobs[i];
        adse_mapper_items_create(j->model, layer_constraints(j), &j->settings, &lf->items[i], err);
    }
    adse_mapper_items *it = lf->items[i];
    pthread_mutex_unlock(&lf->mu);
    return it;
}

static void *farm_serve(void *ctx, const void *req, size_t len, int threads, size_t *reply_len,
                        char *msg, size_t size)
{
    layer_farm *lf = ctx;
    layer_req q;
    if (len != sizeof q) {
        snprintf(msg, size, "malformed layer request (%zu bytes)", len);
        return NULL;
    }
    memcpy(&q, req, sizeof q);
    if (q.layer < 0 || q.layer >= lf->n || q.first < 0 || q.count < 0) {
        snprintf(msg, size, "no layer %d", (int)q.layer);
        return NULL;
    }
    const layer_job *j = &lf->jobs[q.layer];
    if (q.count > 0) {
        items_reply *r = calloc(1, sizeof *r);
        if (!r) {
            snprintf(msg, size, "out of memory");
            return NULL;
        }
        adse_err_clear(&r->err);
        adse_mapper_items *it = layer_items(lf, q.layer, &r->err);
        adse_mapper_part inc;
        adse_mapper_part_init(&inc);
        inc.found = q.has_inc != 0;
        inc.pos = q.inc_pos;
        memcpy(inc.value, q.inc_value, sizeof inc.value);
        r->st = it ? adse_mapper_items_run(it, (uint32_t)q.first, (uint32_t)q.count, threads, &inc,
                                           &r->part, &r->err)
                   : (adse_status)r->err.code;
        if (!it && r->st == ADSE_OK) r->st = ADSE_E_NOMEM;
        *reply_len = sizeof *r;
        return r;
    }
    layer_reply *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(msg, size, "out of memory");
        return NULL;
    }
    adse_mapper_settings st = j->settings;
    st.threads = threads;
    adse_err_clear(&r->err);
    r->st = adse_mapper_run(j->model, layer_constraints(j), &st, &r->res, &r->err);
    *reply_len = sizeof *r;
    return r;
}

static int farm_accept(void *ctx, int i, const void *reply, size_t len, char *msg, size_t size)
{
    layer_farm *lf = ctx;
    const layer_req *q = &lf->req[i];
    layer_job *j = &lf->jobs[q->layer];
    if (q->count > 0) {
        items_reply *r = malloc(sizeof *r);
        if (len != sizeof *r || !r) {
            free(r);
            snprintf(msg, size, "malformed reply for layer %d (%zu bytes)", (int)q->layer, len);
            return -1;
        }
        memcpy(r, reply, sizeof *r);
        if (r->st != ADSE_OK && j->st == ADSE_OK) { /* the first failure of the layer */
            j->st = (adse_status)r->st;
            j->err = r->err;
        }
        if (r->st == ADSE_OK)
            adse_mapper_part_merge(lf->items[q->layer], &lf->acc[q->layer], &r->part);
        free(r);
        return 0;
    }
    layer_reply *r = malloc(sizeof *r);
    if (len != sizeof *r || !r) {
        free(r);
        snprintf(msg, size, "malformed reply for layer %d (%zu bytes)", (int)q->layer, len);
        return -1;
    }
    memcpy(r, reply, sizeof *r);
    j->st = (adse_status)r->st;
    j->err = r->err;
    j->res = r->res;
    free(r);
    return 0;
}

/* Rank 0: the farm's jobs. A layer the split rule picks (adse_mapper_split_pays: no time
 * limit, a large mapspace) becomes item-range jobs (adse_mapper_items_range); the others
 * one job each. False when out of memory or a layer's items
 * cannot be made (its error then in the layer's job). */
static bool plan_jobs(layer_farm *lf)
{
    int cap = lf->n + 1;
    for (int i = 0; i < lf->n; i++) {
        layer_job *j = &lf->jobs[i];
        double size = 0;
        adse_err_clear(&j->err);
        j->st =
            adse_mapper_mapspace_size(j->model, layer_constraints(j), &j->settings, &size, &j->err);
        if (j->st != ADSE_OK) return false;
        if (!adse_mapper_split_pays(&j->settings, size)) continue;
        j->st = adse_mapper_items_create(j->model, layer_constraints(j), &j->settings,
                                         &lf->items[i], &j->err);
        if (j->st != ADSE_OK) return false;
        cap += (int)adse_mapper_items_count(lf->items[i]);
    }
    lf->req = calloc((size_t)cap, sizeof *lf->req);
    if (!lf->req) return false;
    for (int i = 0; i < lf->n; i++) {
        adse_mapper_part_init(&lf->acc[i]);
        if (!lf->items[i]) {
            lf->req[lf->n_req++] = (layer_req){.layer = i};
            continue;
        }
        uint32_t n = adse_mapper_items_count(lf->items[i]);
        for (uint32_t first = 0, k = 0; first < n; k++) {
            uint32_t c = adse_mapper_items_range(k, first, n);
            lf->req[lf->n_req++] =
                (layer_req){.layer = i, .first = (int32_t)first, .count = (int32_t)c};
            first += c;
        }
    }
    return true;
}

/* Rank 0, after the farm: the split layers' results from their merged parts. */
static void finish_split(layer_farm *lf)
{
    for (int i = 0; i < lf->n; i++) {
        layer_job *j = &lf->jobs[i];
        if (!lf->items[i] || j->st != ADSE_OK) continue;
        adse_err_clear(&j->err);
        j->st = adse_mapper_items_result(lf->items[i], &lf->acc[i], &j->res, &j->err);
    }
}

/* Every rank loaded the layers (ok, else the reason in why); rank 0 maps them over all
 * ranks, the others serve. 0 when rank 0 goes on to report; 1 when this rank is done
 * (a worker, or a failure printed); the exit code in *rc. */
static int map_on_ranks(layer_job *jobs, int n, bool ok, const char *why, int threads,
                        uint64_t fingerprint, int within, int *rc)
{
    *rc = CLI_EXIT_FAIL;
    if (!cli_mpi_agree(ok, why, threads, fingerprint)) return 1;
    layer_farm lf = {jobs, n, NULL, 0, NULL, NULL, PTHREAD_MUTEX_INITIALIZER};
    lf.items = calloc((size_t)n + 1, sizeof *lf.items);
    lf.acc = calloc((size_t)n + 1, sizeof *lf.acc);
    cli_farm f = {farm_request, farm_serve, farm_accept, NULL, &lf, threads, NULL, NULL};
    int done = 1;
    if (!lf.items || !lf.acc) {
        cli_error("out of memory");
        if (cli_mpi_rank() == 0) cli_farm_stop();
    } else if (cli_mpi_rank() != 0) {
        if (cli_farm_serve(&f) == 0) *rc = CLI_EXIT_OK;
    } else {
        char msg[ADSE_ERR_MSG_MAX];
        if (!plan_jobs(&lf)) {
            int bad = 0;
            while (bad < n && jobs[bad].st == ADSE_OK)
                bad++;
            if (bad < n)
                cli_error("%s", adse_err_format(&jobs[bad].err, msg, sizeof msg));
            else
                cli_error("out of memory");
        } else if (cli_farm_run(&f, lf.n_req, within, msg, sizeof msg) == 0) {
            finish_split(&lf);
            done = 0;
        } else {
            cli_error("%s", msg);
        }
        cli_farm_stop();
    }
    for (int i = 0; lf.items && i < n; i++)
        adse_mapper_items_free(lf.items[i]);
    free(lf.items);
    free(lf.acc);
    free(lf.req);
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
