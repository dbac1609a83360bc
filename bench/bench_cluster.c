/* bench_cluster: the figures behind docs/cluster.md section 6. Runs a search in this process
 * through the dispatch seam the MPI driver uses (request bytes -> adse_search_serve -> reply
 * bytes -> adse_search_batch_accept), one design at a time on one thread, and measures per
 * design: the CPU time of its evaluation, the bytes of its request and reply, and the CPU
 * time rank 0 spends making the request and accepting the reply. From the designs' CPU
 * costs, generation by generation, it computes the wall time the MPI driver's schedule
 * (each design to the first free slot, in order; a generation ends with its last design)
 * takes on S dedicated single-thread slots, plus the search's own serial time: the
 * speedup over one slot that an idle machine would show, without a loaded machine's
 * scheduler in the way. CPU times are thread CPU clocks, so other processes on the machine
 * change them little.
 * With --split N, the designs handed out when at most N of their batch are left to start
 * have their open layers split into ranges of mapper work items as under MPI with N
 * executors (adse_search_options.split_layers); every job is then one design segment or one
 * range, served in turn, and the CPU figures count them all (the schedule replay treats
 * each job as independent, which ranges of one layer nearly are).
 * Usage: bench_cluster [--split N] SPEC.yaml [SLOTS...]   (default slots 1 2 4 8 16 32 64
 * 3200) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adse/adse.h"
#include "adse/search.h"
#include "adse/search_spec.h"

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct trace {
    double *cost; /* per design, in order */
    int *batch_end;
    int n, cap, n_batches, cap_batches;
    double serve_s, handle_s, dispatch_s;
    size_t req_bytes, reply_bytes;
} trace;

static void push(void **p, int *cap, int n, size_t size)
{
    if (n < *cap) return;
    *cap = *cap ? *cap * 2 : 256;
    *p = realloc(*p, (size_t)*cap * size);
    if (!*p) exit(1);
}

static adse_status timing_dispatch(void *user, adse_search *s, adse_search_batch *b, adse_err *err)
{
    trace *t = user;
    double d0 = cpu_s();
    for (int i = 0; i < adse_search_batch_size(b); i++) {
        const void *req;
        size_t len, rlen;
        void *reply;
        double h0 = cpu_s();
        adse_status st = adse_search_batch_request(b, i, &req, &len, err);
        double s0 = cpu_s();
        if (!st) st = adse_search_serve(s, req, len, 1, &reply, &rlen, err);
        double s1 = cpu_s();
        if (!st) st = adse_search_batch_accept(b, i, reply, rlen, err);
        double h1 = cpu_s();
        if (st) return st;
        free(reply);
        push((void **)&t->cost, &t->cap, t->n, sizeof *t->cost);
        t->cost[t->n++] = s1 - s0;
        t->serve_s += s1 - s0;
        t->handle_s += (s0 - h0) + (h1 - s1);
        t->req_bytes += len;
        t->reply_bytes += rlen;
    }
    push((void **)&t->batch_end, &t->cap_batches, t->n_batches, sizeof *t->batch_end);
    t->batch_end[t->n_batches++] = t->n;
    t->dispatch_s += cpu_s() - d0;
    return ADSE_OK;
}

/* Wall time of jobs cost[0..n) handed in order to the first free of `slots` slots. */
static double makespan(const double *cost, int n, int slots, double *free_at)
{
    for (int k = 0; k < slots; k++)
        free_at[k] = 0;
    double end = 0;
    for (int i = 0; i < n; i++) {
        int best = 0;
        for (int k = 1; k < slots; k++)
            if (free_at[k] < free_at[best]) best = k;
        free_at[best] += cost[i];
        if (free_at[best] > end) end = free_at[best];
    }
    return end;
}

/* The search's wall on `slots` dedicated slots: its serial part, rank 0's handling, and
 * each generation's schedule. */
static double schedule(const trace *t, int slots, double serial)
{
    double *free_at = calloc((size_t)slots, sizeof *free_at);
    if (!free_at) exit(1);
    double wall = serial + t->handle_s;
    for (int b = 0, start = 0; b < t->n_batches; start = t->batch_end[b++])
        wall += makespan(t->cost + start, t->batch_end[b] - start, slots, free_at);
    free(free_at);
    return wall;
}

int main(int argc, char **argv)
{
    int split = 0;
    if (argc > 2 && strcmp(argv[1], "--split") == 0) {
        split = atoi(argv[2]);
        argc -= 2;
        argv += 2;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: bench_cluster [--split N] SPEC.yaml [SLOTS...]\n");
        return 2;
    }
    adse_err err;
    char msg[1200];
    adse_search_spec *spec = NULL;
    adse_search *s = NULL;
    trace t;
    memset(&t, 0, sizeof t);
    if (adse_search_spec_load(argv[1], &spec, &err) != ADSE_OK) goto fail;
    adse_search_options o;
    adse_search_options_init(&o);
    o.threads = 1;
    o.dispatch = timing_dispatch;
    o.dispatch_user = &t;
    o.split_layers = split;
    if (adse_search_create(spec, &o, &s, &err) != ADSE_OK) goto fail;
    double c0 = cpu_s();
    if (adse_search_run(s, &err) != ADSE_OK) goto fail;
    double total = cpu_s() - c0, serial = total - t.dispatch_s;
    double lo = t.n ? t.cost[0] : 0, hi = lo;
    for (int i = 0; i < t.n; i++) {
        if (t.cost[i] < lo) lo = t.cost[i];
        if (t.cost[i] > hi) hi = t.cost[i];
    }
    const char *what = split ? "job" : "design"; /* a job: a design, a segment or a range */
    printf("%s: %d %ss evaluated in %d batches (generations, and the baseline's)\n", argv[1], t.n,
           what, t.n_batches);
    printf("CPU per %s: mean %.4f s, min %.4f s, max %.4f s (one thread); %.3f s in all\n", what,
           t.serve_s / t.n, lo, hi, t.serve_s);
    printf("bytes per %s: request %.0f, reply %.0f (+ 8 bytes of header each under MPI)\n", what,
           (double)t.req_bytes / t.n, (double)t.reply_bytes / t.n);
    printf("rank 0 per %s: %.1f us of CPU to make the request and accept the reply\n", what,
           1e6 * t.handle_s / t.n);
    printf("search's serial CPU (GA, screening, bookkeeping): %.3f s of %.3f s\n", serial, total);
    printf("\n%8s  %12s  %8s  (the MPI driver's schedule on dedicated slots)\n", "slots",
           "wall (s)", "speedup");
    static const int def[] = {1, 2, 4, 8, 16, 32, 64, 3200};
    int n_slots = argc > 2 ? argc - 2 : (int)(sizeof def / sizeof def[0]);
    double one = schedule(&t, 1, serial), two = schedule(&t, 2, serial);
    for (int k = 0; k < n_slots; k++) {
        int slots = argc > 2 ? atoi(argv[2 + k]) : def[k];
        if (slots < 1) continue;
        double wall = schedule(&t, slots, serial);
        printf("%8d  %12.3f  %8.2f\n", slots, wall, one / wall);
    }
    printf("2 slots: %.2fx one slot's wall\n", one / two);
    adse_search_free(s);
    adse_search_spec_free(spec);
    free(t.cost);
    free(t.batch_end);
    return 0;
fail:
    fprintf(stderr, "bench_cluster: %s\n", adse_err_format(&err, msg, sizeof msg));
    adse_search_free(s);
    adse_search_spec_free(spec);
    return 1;
}
