/*
 * util/threads.h: checked pthread calls (internal).
 *
 * Creating a mutex, a condition variable or a thread can fail for want of resources: the
 * callers check pthread_mutex_init/pthread_cond_init/pthread_create and return an error
 * (or run the work on fewer threads). Locking, waiting, signalling and joining can only fail
 * on a misused object (an uninitialised or destroyed mutex, a thread joined twice), i.e. a
 * bug in adse with memory already corrupt: these wrappers stop the process with abort()
 * instead of running on unprotected data or waiting forever.
 * Thread-safety: as the pthread functions they wrap.
 */
#ifndef ADSE_UTIL_THREADS_H
#define ADSE_UTIL_THREADS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

static inline void adse__mutex_lock(pthread_mutex_t *m)
{
    if (pthread_mutex_lock(m) != 0) abort();
}
static inline void adse__mutex_unlock(pthread_mutex_t *m)
{
    if (pthread_mutex_unlock(m) != 0) abort();
}
static inline void adse__cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    if (pthread_cond_wait(c, m) != 0) abort();
}
static inline void adse__cond_signal(pthread_cond_t *c)
{
    if (pthread_cond_signal(c) != 0) abort();
}
static inline void adse__cond_broadcast(pthread_cond_t *c)
{
    if (pthread_cond_broadcast(c) != 0) abort();
}
static inline void adse__thread_join(pthread_t t)
{
    if (pthread_join(t, NULL) != 0) abort();
}

/* Initialises a mutex and a condition variable; false (nothing left initialised) when
 * either fails. */
static inline bool adse__sync_init(pthread_mutex_t *m, pthread_cond_t *c)
{
    if (pthread_mutex_init(m, NULL) != 0) return false;
    if (pthread_cond_init(c, NULL) != 0) {
        pthread_mutex_destroy(m);
        return false;
    }
    return true;
}

#endif
