/*
 * cli/cluster_mpi.c: the MPI driver (compiled only with ADSE_MPI; cli/cluster.h).
 *
 * Rank 0 hands jobs out as ranks have free threads: each rank holds at most as many jobs as
 * it has threads (two per thread on a worker whose jobs are cheap: capacity()), so a rank
 * stuck on an expensive design takes no more until it answers, and cheap designs flow to
 * the others. Messages: JOB (rank 0 -> worker: job id, threads,
 * request bytes), REPLY (worker -> rank 0: job id, ok, reply bytes or the failure), STOP.
 * Rank 0 sends with MPI_Isend and never blocks, so neither side can wait on the other's
 * send. Nobody spins in a blocking receive either: the MPI thread probes, then sleeps on
 * its executor's condition variable (woken at once by a finished local job), so an idle
 * rank leaves its core to the threads that work.
 */
#define _POSIX_C_SOURCE 200809L
#include "cluster.h"

#include <errno.h>
#include <inttypes.h>
#include <mpi.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum { TAG_JOB = 1, TAG_REPLY = 2, TAG_STOP = 3 };

#define MSG_MAX 480
#define POLL_MIN_US 20
#define POLL_MAX_US 500

static bool g_active; /* MPI_Init was called here */
static int g_rank, g_size = 1;
static int *g_threads; /* per rank, from cli_mpi_agree */
/* rank 0: jobs and the bytes of their requests and replies (headers included) */
static uint64_t g_jobs, g_bytes_out, g_bytes_in;
/* CPU time of rank 0's MPI thread in cli_farm_run: in rounds that handed out or took back
   jobs, and in rounds that only probed */
static double g_handle_cpu_s, g_poll_cpu_s;
/* rank 0: wall time of the cli_farm_run calls, and the jobs' wall time summed over every
   rank's executor threads (what the replies state) */
static double g_farm_wall_s, g_busy_s;

static bool launched_by_mpi(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE",
                                       "PMI_FD"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i])) return true;
    return false;
}

int cli_mpi_start(int *argc, char ***argv)
{
    if (!launched_by_mpi()) return 0;
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        cli_error("MPI_Init_thread failed");
        return -1;
    }
    g_active = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    if (provided < MPI_THREAD_FUNNELED && g_size > 1) {
        if (g_rank == 0) cli_error("this MPI library does not allow threads (MPI_THREAD_FUNNELED)");
        MPI_Finalize();
        g_active = false;
        return -1;
    }
    return 0;
}

void cli_mpi_stop(void)
{
    free(g_threads);
    g_threads = NULL;
    if (g_active) MPI_Finalize();
    g_active = false;
}

int cli_mpi_rank(void)
{
    return g_rank;
}

int cli_mpi_size(void)
{
    return g_size;
}

typedef struct hello {
    int32_t ok, threads;
    uint64_t fingerprint;
    char msg[MSG_MAX];
} hello;

bool cli_mpi_agree(bool ok, const char *msg, int threads, uint64_t fingerprint)
{
    if (g_size == 1) return ok;
    hello me;
    memset(&me, 0, sizeof me);
    me.ok = ok;
    me.threads = threads > 0 ? threads : 1;
    me.fingerprint = fingerprint;
    snprintf(me.msg, sizeof me.msg, "%s", ok || !msg ? "" : msg);
    hello *all = g_rank == 0 ? calloc((size_t)g_size, sizeof *all) : NULL;
    int verdict = 1;
    if (g_rank == 0 && !all) {
        cli_error("out of memory");
        verdict = 0;
    }
    MPI_Gather(&me, (int)sizeof me, MPI_BYTE, all, (int)sizeof me, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (g_rank == 0 && all) {
        free(g_threads);
        g_threads = calloc((size_t)g_size, sizeof *g_threads);
        if (!g_threads) verdict = 0;
        verdict = verdict && all[0].ok;
        for (int r = 1; r < g_size; r++) {
            if (g_threads) g_threads[r] = all[r].threads;
            if (!all[r].ok) {
                verdict = 0;
                /* the same failure as rank 0's was printed by rank 0 already */
                if (all[0].ok || strcmp(all[r].msg, all[0].msg) != 0)
                    cli_error("rank %d: %s", r, all[r].msg);
            } else if (all[0].ok && all[r].fingerprint != all[0].fingerprint) {
                verdict = 0;
                cli_error("rank %d read other inputs than rank 0 (are the files the same on "
                          "every node?)",
                          r);
            }
        }
        if (g_threads) g_threads[0] = all[0].threads;
    }
    free(all);
    MPI_Bcast(&verdict, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return verdict != 0;
}

uint64_t cli_mpi_fingerprint(uint64_t h, const char *path)
{
    const uint64_t prime = UINT64_C(0x100000001b3);
    FILE *f = fopen(path, "rb");
    if (!f) return (h ^ 0xff) * prime;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < n; i++)
            h = (h ^ buf[i]) * prime;
    fclose(f);
    return h;
}

/* ---- the executor: this rank's threads serving jobs ------------------------------------ */

typedef struct job {
    struct job *next;
    int id, threads;
    const void *req;
    size_t len;
    void *owned; /* worker: the received message holding req */
    void *reply; /* NULL: failed, msg says why */
    size_t reply_len;
    double seconds; /* wall time of serve */
    char msg[MSG_MAX];
} job;

typedef struct executor {
    const cli_farm *f;
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;
    job *todo, *todo_tail, *done;
    bool quit;
    int started;
    pthread_t tids[256];
} executor;

static void serve_job(const cli_farm *f, job *j)
{
    double t0 = adse_clock_s();
    j->msg[0] = 0;
    j->reply = f->serve(f->ctx, j->req, j->len, j->threads, &j->reply_len, j->msg, sizeof j->msg);
    if (!j->reply && !j->msg[0]) snprintf(j->msg, sizeof j->msg, "job failed");
    j->seconds = adse_clock_s() - t0;
}

static void finish(executor *ex, job *j)
{
    pthread_mutex_lock(&ex->mu);
    j->next = ex->done;
    ex->done = j;
    pthread_cond_signal(&ex->done_cv);
    pthread_mutex_unlock(&ex->mu);
}

static void *exec_thread(void *arg)
{
    executor *ex = arg;
    pthread_mutex_lock(&ex->mu);
    for (;;) {
        while (!ex->todo && !ex->quit)
            pthread_cond_wait(&ex->work_cv, &ex->mu);
        if (!ex->todo) break;
        job *j = ex->todo;
        ex->todo = j->next;
        if (!ex->todo) ex->todo_tail = NULL;
        pthread_mutex_unlock(&ex->mu);
        serve_job(ex->f, j);
        finish(ex, j);
        pthread_mutex_lock(&ex->mu);
    }
    pthread_mutex_unlock(&ex->mu);
    return NULL;
}

static void exec_start(executor *ex, const cli_farm *f)
{
    memset(ex, 0, sizeof *ex);
    ex->f = f;
    pthread_mutex_init(&ex->mu, NULL);
    pthread_cond_init(&ex->work_cv, NULL);
    pthread_cond_init(&ex->done_cv, NULL);
    int n = f->threads < 1 ? 1 : f->threads > 256 ? 256 : f->threads;
    /* Under a real-time policy (`chrt -f`, for quiet measurements on a shared machine) a
       thread that wakes does not preempt a running one of the same priority: the MPI
       thread would wait for an executor thread to finish its job before it could pass on a
       reply or hand out the next job. The executor threads run one priority below it. */
    pthread_attr_t attr, *pa = NULL;
    struct sched_param sp;
    int policy = sched_getscheduler(0);
    if ((policy == SCHED_FIFO || policy == SCHED_RR) && sched_getparam(0, &sp) == 0 &&
        sp.sched_priority > sched_get_priority_min(policy) && pthread_attr_init(&attr) == 0) {
        sp.sched_priority--;
        pa = &attr;
        if (pthread_attr_setinheritsched(pa, PTHREAD_EXPLICIT_SCHED) != 0 ||
            pthread_attr_setschedpolicy(pa, policy) != 0 ||
            pthread_attr_setschedparam(pa, &sp) != 0) {
            pthread_attr_destroy(pa);
            pa = NULL;
        }
    }
    for (; ex->started < n; ex->started++)
        if (pthread_create(&ex->tids[ex->started], pa, exec_thread, ex) != 0) break;
    if (pa) pthread_attr_destroy(pa);
}

static void exec_push(executor *ex, job *j)
{
    j->next = NULL;
    if (ex->started == 0) { /* no thread could start: serve here */
        serve_job(ex->f, j);
        finish(ex, j);
        return;
    }
    pthread_mutex_lock(&ex->mu);
    if (ex->todo_tail)
        ex->todo_tail->next = j;
    else
        ex->todo = j;
    ex->todo_tail = j;
    pthread_cond_signal(&ex->work_cv);
    pthread_mutex_unlock(&ex->mu);
}

/* The finished jobs (a list), after waiting up to us microseconds for one (us < 0: until
 * there is one). */
static job *exec_take(executor *ex, long us)
{
    pthread_mutex_lock(&ex->mu);
    while (!ex->done && us < 0)
        pthread_cond_wait(&ex->done_cv, &ex->mu);
    if (!ex->done && us > 0) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += us * 1000;
        t.tv_sec += t.tv_nsec / 1000000000;
        t.tv_nsec %= 1000000000;
        pthread_cond_timedwait(&ex->done_cv, &ex->mu, &t);
    }
    job *d = ex->done;
    ex->done = NULL;
    pthread_mutex_unlock(&ex->mu);
    return d;
}

static void exec_stop(executor *ex)
{
    pthread_mutex_lock(&ex->mu);
    ex->quit = true;
    pthread_cond_broadcast(&ex->work_cv);
    pthread_mutex_unlock(&ex->mu);
    for (int i = 0; i < ex->started; i++)
        pthread_join(ex->tids[i], NULL);
    pthread_mutex_destroy(&ex->mu);
    pthread_cond_destroy(&ex->work_cv);
    pthread_cond_destroy(&ex->done_cv);
}

/* ---- messages ------------------------------------------------------------------------ */

typedef struct msg_head {
    int32_t id, value; /* JOB: threads; REPLY: 1 ok, 0 failed */
    double seconds;    /* REPLY: wall time the job took on its rank */
} msg_head;

/* A message of head + body (malloc'd), NULL when out of memory. */
static unsigned char *pack(msg_head h, const void *body, size_t len)
{
    unsigned char *m = malloc(sizeof h + len + 1);
    if (!m) return NULL;
    memcpy(m, &h, sizeof h);
    if (len) memcpy(m + sizeof h, body, len);
    return m;
}

/* Receives the message announced by st (any tag) into a malloc'd buffer. */
static unsigned char *receive(const MPI_Status *st, int *len)
{
    MPI_Get_count(st, MPI_BYTE, len);
    unsigned char *m = malloc((size_t)*len + 1);
    if (!m) return NULL;
    MPI_Recv(m, *len, MPI_BYTE, st->MPI_SOURCE, st->MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return m;
}

typedef struct pending_send {
    MPI_Request req;
    unsigned char *buf;
} pending_send;

/* ---- rank 0 -------------------------------------------------------------------------- */

typedef struct farm_state {
    const cli_farm *f;
    int *held;           /* jobs per rank */
    double *job_s;       /* per rank: recent wall time per job (moving average), 0 = none */
    pending_send *sends; /* one per job handed to a worker at most */
    int n_sends, cap_sends;
    int *rank_of; /* per job: the rank it was handed to, -1 = not yet */
    int cap_jobs;
    int next; /* the first job not handed out */
    int outstanding;
    bool failed;
    char first[MSG_MAX + 64];
} farm_state;

/* Keeps the first failure: "rank R: why". */
static void fail(farm_state *fs, int rank, const char *why)
{
    if (fs->failed) return;
    fs->failed = true;
    snprintf(fs->first, sizeof fs->first, "rank %d: %s", rank, why);
}

/* Jobs a rank may hold: one per thread; two per thread on a worker whose jobs take under
 * CHEAP_S, so that the next one is already there when it answers (the message round trip
 * would otherwise idle it) at the cost of at most one cheap job of imbalance. */
#define CHEAP_S 0.02
static int capacity(const farm_state *fs, int rank)
{
    bool cheap = rank != 0 && fs->job_s[rank] > 0 && fs->job_s[rank] < CHEAP_S;
    return g_threads[rank] * (cheap ? 2 : 1);
}

static void take_reply(farm_state *fs, int rank, int id, bool ok, const void *body, size_t len,
                       double seconds)
{
    fs->job_s[rank] = fs->job_s[rank] > 0 ? 0.75 * fs->job_s[rank] + 0.25 * seconds : seconds;
    g_busy_s += seconds;
    g_bytes_in += sizeof(msg_head) + len;
    fs->held[rank]--;
    fs->outstanding--;
    if (fs->failed) return;
    char msg[MSG_MAX];
    msg[0] = 0;
    if (!ok) {
        snprintf(msg, sizeof msg, "%.*s", (int)(len < MSG_MAX - 1 ? len : MSG_MAX - 1),
                 (const char *)body);
        fail(fs, rank, msg);
    } else if (fs->f->accept(fs->f->ctx, id, body, len, msg, sizeof msg) != 0) {
        char why[MSG_MAX + 32]; /* taking the reply in failed here, on rank 0 */
        snprintf(why, sizeof why, "the reply of rank %d: %s", rank, msg);
        fail(fs, 0, why);
    }
}

static int give(farm_state *fs, executor *ex, int rank, int id, int threads)
{
    const void *req;
    size_t len;
    char msg[MSG_MAX];
    msg[0] = 0;
    if (fs->f->request(fs->f->ctx, id, &req, &len, msg, sizeof msg) != 0) {
        fail(fs, 0, msg);
        return -1;
    }
    if (rank == 0) {
        job *j = calloc(1, sizeof *j);
        if (!j) {
            fail(fs, 0, "out of memory");
            return -1;
        }
        j->id = id;
        j->threads = threads;
        j->req = req;
        j->len = len;
        exec_push(ex, j);
    } else {
        if (fs->n_sends == fs->cap_sends) {
            int cap = 2 * fs->cap_sends + 16;
            pending_send *p = realloc(fs->sends, (size_t)cap * sizeof *p);
            if (!p) {
                fail(fs, 0, "out of memory");
                return -1;
            }
            fs->sends = p;
            fs->cap_sends = cap;
        }
        unsigned char *m = pack((msg_head){id, threads, 0}, req, len);
        if (!m) {
            fail(fs, 0, "out of memory");
            return -1;
        }
        pending_send *p = &fs->sends[fs->n_sends++];
        p->buf = m;
        MPI_Isend(m, (int)(sizeof(msg_head) + len), MPI_BYTE, rank, TAG_JOB, MPI_COMM_WORLD,
                  &p->req);
    }
    fs->held[rank]++;
    fs->outstanding++;
    g_jobs++;
    g_bytes_out += sizeof(msg_head) + len; /* as if sent, for rank 0's own jobs too */
    return 0;
}

/* The job to hand to rank r next, -1 if none is left (or out of memory): the first not handed
 * out whose affinity (f->affinity) is r's or none, else the first not handed out (a rank
 * with nothing of its own takes another's rather than idle); with own_only, only one whose
 * affinity is r's. */
static int pick(farm_state *fs, int r, int n, bool own_only)
{
    if (fs->next >= n) return -1;
    if (n > fs->cap_jobs) {
        int cap = n + n / 2 + 64;
        int *p = realloc(fs->rank_of, (size_t)cap * sizeof *p);
        if (!p) {
            fail(fs, 0, "out of memory");
            return -1;
        }
        for (int i = fs->cap_jobs; i < cap; i++)
            p[i] = -1;
        fs->rank_of = p;
        fs->cap_jobs = cap;
    }
    int id = -1, any = -1;
    for (int i = fs->next; i < n; i++) {
        if (fs->rank_of[i] != -1) continue;
        if (fs->f->answered && fs->f->answered(fs->f->ctx, i)) {
            fs->rank_of[i] = -2; /* answered on rank 0 already: never handed out */
            continue;
        }
        if (any < 0) any = i;
        int a = fs->f->affinity ? fs->f->affinity(fs->f->ctx, i) : -1;
        if ((a < 0 && !own_only) || (a >= 0 && fs->rank_of[a] == r)) {
            id = i;
            break;
        }
    }
    if (id < 0 && !own_only) id = any;
    while (fs->next < n && fs->rank_of[fs->next] != -1)
        fs->next++;
    if (id < 0) return -1;
    fs->rank_of[id] = r;
    while (fs->next < n && fs->rank_of[fs->next] != -1)
        fs->next++;
    return id;
}

static void reap_sends(farm_state *fs)
{
    for (int i = 0; i < fs->n_sends;) {
        int flag = 0;
        MPI_Test(&fs->sends[i].req, &flag, MPI_STATUS_IGNORE);
        if (flag) {
            free(fs->sends[i].buf);
            fs->sends[i] = fs->sends[--fs->n_sends];
        } else {
            i++;
        }
    }
}

static double thread_cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int cli_farm_run(const cli_farm *f, int n, int threads_per_job, char *msg, size_t size)
{
    farm_state fs = {.f = f};
    fs.held = calloc((size_t)g_size, sizeof *fs.held);
    fs.job_s = calloc((size_t)g_size, sizeof *fs.job_s);
    if (!fs.held || !fs.job_s || !g_threads) {
        free(fs.held);
        free(fs.job_s);
        free(fs.sends);
        snprintf(msg, size, "out of memory");
        return -1;
    }
    executor ex;
    exec_start(&ex, f);
    double wall0 = adse_clock_s();
    long wait_us = POLL_MIN_US;
    for (;;) {
        bool busy = false;
        double round_cpu = thread_cpu_s();
        if (f->count) n = f->count(f->ctx); /* accepted replies may have added jobs */
        /* hand out: workers first (rank 0's MPI thread shares its cores with its workers) */
        for (int k = 1; k <= g_size && fs.next < n && !fs.failed; k++) {
            int r = k % g_size;
            while (!fs.failed) {
                /* a worker holds one more job per thread when it is a range of a layer whose
                   items it holds (at most 256 items, mostly cheap): the next one is there
                   when it answers, the round trip through rank 0 does not idle it */
                int cap = capacity(&fs, r), id = -1;
                if (fs.held[r] < cap)
                    id = pick(&fs, r, n, false);
                else if (r != 0 && fs.held[r] < cap + g_threads[r])
                    id = pick(&fs, r, n, true);
                if (id < 0) break;
                give(&fs, &ex, r, id, threads_per_job);
                busy = true;
            }
        }
        for (;;) { /* replies of the workers */
            int flag = 0;
            MPI_Status st;
            MPI_Iprobe(MPI_ANY_SOURCE, TAG_REPLY, MPI_COMM_WORLD, &flag, &st);
            if (!flag) break;
            int len;
            unsigned char *m = receive(&st, &len);
            msg_head h = {-1, 0, 0};
            if (m && (size_t)len >= sizeof h) memcpy(&h, m, sizeof h);
            if (!m || (size_t)len < sizeof h)
                fail(&fs, st.MPI_SOURCE, m ? "a truncated reply" : "out of memory");
            take_reply(&fs, st.MPI_SOURCE, h.id, h.value == 1, m ? m + sizeof h : NULL,
                       m && (size_t)len >= sizeof h ? (size_t)len - sizeof h : 0, h.seconds);
            free(m);
            busy = true;
        }
        reap_sends(&fs);
        if (f->count) n = f->count(f->ctx);
        if (fs.outstanding == 0 && (fs.next == n || fs.failed)) break;
        /* rank 0's own jobs; sleep on them until the next probe */
        job *d = exec_take(&ex, busy ? 0 : wait_us);
        if (d) busy = true;
        while (d) {
            job *nx = d->next;
            if (d->reply)
                take_reply(&fs, 0, d->id, true, d->reply, d->reply_len, d->seconds);
            else
                take_reply(&fs, 0, d->id, false, d->msg, strlen(d->msg), d->seconds);
            free(d->reply);
            free(d);
            d = nx;
        }
        wait_us = busy ? POLL_MIN_US : (wait_us * 2 > POLL_MAX_US ? POLL_MAX_US : wait_us * 2);
        *(busy ? &g_handle_cpu_s : &g_poll_cpu_s) += thread_cpu_s() - round_cpu;
    }
    g_farm_wall_s += adse_clock_s() - wall0;
    exec_stop(&ex);
    for (int i = 0; i < fs.n_sends; i++) {
        MPI_Wait(&fs.sends[i].req, MPI_STATUS_IGNORE);
        free(fs.sends[i].buf);
    }
    free(fs.held);
    free(fs.job_s);
    free(fs.sends);
    free(fs.rank_of);
    if (fs.failed) snprintf(msg, size, "%s", fs.first);
    return fs.failed ? -1 : 0;
}

void cli_farm_stop(void)
{
    if (g_size == 1 || g_rank != 0) return;
    for (int r = 1; r < g_size; r++)
        MPI_Send(NULL, 0, MPI_BYTE, r, TAG_STOP, MPI_COMM_WORLD);
    if (g_jobs) {
        int slots = 0;
        for (int r = 0; r < g_size; r++)
            slots += g_threads ? g_threads[r] : 1;
        fprintf(stderr,
                "adse: %d ranks: %" PRIu64 " jobs, %" PRIu64 " bytes of requests, %" PRIu64
                " bytes of replies (%.0f and %.0f per job); rank 0's MPI thread: %.0f us of "
                "CPU per job, %.3f s probing; executors busy %.0f%% of %.3f s x %d threads\n",
                g_size, g_jobs, g_bytes_out, g_bytes_in, (double)g_bytes_out / (double)g_jobs,
                (double)g_bytes_in / (double)g_jobs, 1e6 * g_handle_cpu_s / (double)g_jobs,
                g_poll_cpu_s, g_farm_wall_s > 0 ? 100 * g_busy_s / (g_farm_wall_s * slots) : 0,
                g_farm_wall_s, slots);
    }
}

/* ---- workers ------------------------------------------------------------------------- */

static void sleep_us(long us)
{
    struct timespec t = {0, us * 1000};
    nanosleep(&t, NULL);
}

int cli_farm_serve(const cli_farm *f)
{
    executor ex;
    exec_start(&ex, f);
    int held = 0;
    bool stop = false;
    long wait_us = POLL_MIN_US;
    while (!stop || held > 0) {
        bool busy = false;
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (flag) {
            busy = true;
            int len;
            unsigned char *m = receive(&st, &len);
            if (st.MPI_TAG == TAG_STOP) {
                stop = true;
                free(m);
            } else {
                msg_head h = {-1, 1, 0};
                job *j = m && (size_t)len >= sizeof h ? calloc(1, sizeof *j) : NULL;
                if (m && (size_t)len >= sizeof h) memcpy(&h, m, sizeof h);
                if (!j) { /* answer at once: rank 0 waits for every job it gave */
                    const char *why = "out of memory";
                    unsigned char *r = pack((msg_head){h.id, 0, 0}, why, strlen(why));
                    MPI_Send(r, r ? (int)(sizeof h + strlen(why)) : 0, MPI_BYTE, 0, TAG_REPLY,
                             MPI_COMM_WORLD);
                    free(r);
                    free(m);
                } else {
                    j->id = h.id;
                    j->threads = h.value;
                    j->owned = m;
                    j->req = m + sizeof h;
                    j->len = (size_t)len - sizeof h;
                    held++;
                    exec_push(&ex, j);
                }
            }
        }
        /* Every thread busy: a job that arrives now could not start before one of them
           ends, which wakes this thread, so wait for that without probing (the probes
           would take the cores' time from the jobs). */
        long wait = busy ? 0 : held >= ex.started && ex.started > 0 ? -1 : held > 0 ? wait_us : 0;
        job *d = exec_take(&ex, wait);
        if (!d && !busy && held == 0) sleep_us(wait_us);
        if (d) busy = true;
        while (d) {
            job *nx = d->next;
            bool ok = d->reply != NULL;
            const void *body = ok ? d->reply : (const void *)d->msg;
            size_t len = ok ? d->reply_len : strlen(d->msg);
            unsigned char *r = pack((msg_head){d->id, ok, d->seconds}, body, len);
            if (!r) {
                const char *why = "out of memory";
                r = pack((msg_head){d->id, 0, d->seconds}, why, strlen(why));
                len = r ? strlen(why) : 0;
            }
            /* an empty message when even that failed: rank 0 takes it as a failure */
            MPI_Send(r, r ? (int)(sizeof(msg_head) + len) : 0, MPI_BYTE, 0, TAG_REPLY,
                     MPI_COMM_WORLD);
            free(r);
            free(d->reply);
            free(d->owned);
            free(d);
            held--;
            d = nx;
        }
        wait_us = busy ? POLL_MIN_US : (wait_us * 2 > POLL_MAX_US ? POLL_MAX_US : wait_us * 2);
    }
    exec_stop(&ex);
    return 0;
}
