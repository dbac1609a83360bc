/*
 * cli/cluster.h: running `adse search` and `adse map` on a network across the processes of an
 * MPI job (docs/cluster.md).
 *
 * MPI is initialised only when the process was started by a launcher (mpirun, mpiexec,
 * srun: its rank is in the environment); otherwise, and in a build without ADSE_MPI (the
 * functions below are then stubs), adse is one process as always. Rank 0 runs the command
 * and writes every output; the other ranks (workers) set up the same command from the same
 * arguments and serve jobs: request bytes in, reply bytes out (cli_farm). Only the thread
 * that called cli_mpi_start calls MPI (MPI_THREAD_FUNNELED); each rank's own threads work
 * on the jobs it holds.
 */
#ifndef ADSE_CLI_CLUSTER_H
#define ADSE_CLI_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A farm of jobs. Requests and replies are opaque bytes. */
typedef struct cli_farm {
    /* rank 0: the request of job i, borrowed until cli_farm_run returns; 0, or -1 with the
       reason in msg */
    int (*request)(void *ctx, int i, const void **bytes, size_t *len, char *msg, size_t size);
    /* any rank, any of its threads, concurrently: the reply to a request (malloc'd, or
       NULL with the reason in msg) on `threads` threads */
    void *(*serve)(void *ctx, const void *req, size_t len, int threads, size_t *reply_len,
                   char *msg, size_t size);
    /* rank 0, the calling thread: takes the reply to job i (borrowed); 0, or -1 with the
       reason in msg */
    int (*accept)(void *ctx, int i, const void *reply, size_t len, char *msg, size_t size);
    /* rank 0, the calling thread, NULL for a fixed count: the jobs so far (accepting a
       reply may add jobs) */
    int (*count)(void *ctx);
    void *ctx;
    int threads; /* this rank's threads (>= 1) */
    /* rank 0, the calling thread, NULL for none: the job whose rank job i would best go to
       (that rank holds what job i needs: the items of a split layer), or -1 for any */
    int (*affinity)(void *ctx, int i);
    /* rank 0, the calling thread, NULL for none: is job i answered already (it need not be
       handed out)? */
    bool (*answered)(void *ctx, int i);
} cli_farm;

#ifdef ADSE_MPI

/* MPI_Init when started by a launcher; 0, or -1 after printing the error. */
int cli_mpi_start(int *argc, char ***argv);
/* MPI_Finalize when cli_mpi_start initialised MPI. */
void cli_mpi_stop(void);
int cli_mpi_rank(void); /* 0 without MPI */
int cli_mpi_size(void); /* 1 without MPI */

/* Every rank calls it once, after setting the command up: ok (else the reason in msg), its
 * threads and a fingerprint of what it loaded (ranks that loaded different files differ).
 * Returns true on every rank when all ranks are ok and agree; else rank 0 prints each
 * failing rank's reason and all return false. */
bool cli_mpi_agree(bool ok, const char *msg, int threads, uint64_t fingerprint);

/* h updated with the bytes of the file at path (FNV-1a; an unreadable file mixes in a
 * marker): ranks that read different inputs get different fingerprints. */
uint64_t cli_mpi_fingerprint(uint64_t h, const char *path);

/* Rank 0: runs jobs 0..n-1 of f (0..f->count() - 1 when set) on every rank (rank 0's own threads
 * included), handing them out as ranks become free, threads_per_job threads each. 0 when every
 * reply was accepted; -1 with the first failure in msg ("rank R: why"), after the outstanding jobs
 * came back. */
int cli_farm_run(const cli_farm *f, int n, int threads_per_job, char *msg, size_t size);
/* Workers: serve f's jobs until rank 0 calls cli_farm_stop. 0, or -1 after printing. */
int cli_farm_serve(const cli_farm *f);
/* Rank 0: ends the workers' cli_farm_serve and prints one line on stderr: the jobs run
 * and the bytes of their requests and replies. */
void cli_farm_stop(void);

#else

static inline int cli_mpi_start(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}
static inline void cli_mpi_stop(void) {}
static inline int cli_mpi_rank(void)
{
    return 0;
}
static inline int cli_mpi_size(void)
{
    return 1;
}
static inline bool cli_mpi_agree(bool ok, const char *msg, int threads, uint64_t fingerprint)
{
    (void)msg;
    (void)threads;
    (void)fingerprint;
    return ok;
}
static inline uint64_t cli_mpi_fingerprint(uint64_t h, const char *path)
{
    (void)path;
    return h;
}
static inline int cli_farm_run(const cli_farm *f, int n, int threads_per_job, char *msg,
                               size_t size)
{
    (void)f;
    (void)n;
    (void)threads_per_job;
    snprintf(msg, size, "built without MPI");
    return -1;
}
static inline int cli_farm_serve(const cli_farm *f)
{
    (void)f;
    return -1;
}
static inline void cli_farm_stop(void) {}

#endif
#endif
