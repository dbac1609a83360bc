/* The worker pool of the hardware search: evaluates a batch of records on the search's
 * threads (adse__run_jobs_threads, search/search_internal.h) and reports progress from the calling
 * thread (adse__report_progress). */
#define _POSIX_C_SOURCE 200809L
#include "search/search_internal.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/threads.h"

typedef struct pool {
    adse_search *s;
    const int *jobs; /* record indices */
    int n_jobs;
    int next, done;
    int mapper_threads;
    adse_status *status; /* per job */
    adse_err *errs;      /* per job */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        adse__mutex_lock(&p->mu);
        int i = p->next < p->n_jobs ? p->next++ : -1;
        adse__mutex_unlock(&p->mu);
        if (i < 0) break;
        adse_err_clear(&p->errs[i]);
        p->status[i] = adse__evaluate(p->s, p->jobs[i], p->mapper_threads, &p->errs[i]);
        adse__mutex_lock(&p->mu);
        p->done++;
        adse__cond_signal(&p->cv);
        adse__mutex_unlock(&p->mu);
    }
    return NULL;
}

/* Evaluates records jobs[0..n-1] in parallel. Statuses per job in status[] (errors in
 * errs[]); returns only resource failures. */
adse_status adse__run_jobs_threads(adse_search *s, const int *jobs, int n, adse_status *status,
                                   adse_err *errs, adse_err *err)
{
    if (n == 0) return ADSE_OK;
    int workers = s->threads < n ? s->threads : n;
    pool p = {.s = s, .jobs = jobs, .n_jobs = n, .status = status, .errs = errs};
    p.mapper_threads = s->threads / workers > 1 ? s->threads / workers : 1;
    if (!adse__sync_init(&p.mu, &p.cv))
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "cannot create a mutex");
    pthread_t *tids = calloc((size_t)workers, sizeof *tids);
    if (!tids) {
        pthread_mutex_destroy(&p.mu);
        pthread_cond_destroy(&p.cv);
        return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    int started = 0;
    for (; started < workers; started++)
        if (pthread_create(&tids[started], NULL, worker, &p) != 0) break;
    if (started == 0) worker(&p); /* no thread could start: evaluate here */
    adse__mutex_lock(&p.mu);
    int seen = -1;
    while (p.done < n) {
        if (p.done != seen) {
            seen = p.done;
            adse__mutex_unlock(&p.mu);
            adse__report_progress(s, seen, n);
            adse__mutex_lock(&p.mu);
            continue;
        }
        adse__cond_wait(&p.cv, &p.mu);
    }
    adse__mutex_unlock(&p.mu);
    for (int i = 0; i < started; i++)
        adse__thread_join(tids[i]);
    free(tids);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    return ADSE_OK;
}
