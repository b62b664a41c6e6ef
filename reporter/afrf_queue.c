/*
 * afrf_queue - ring buffer of job pointers, one worker thread.
 *
 * The ring and the flags live under q->lock; q->more wakes the worker,
 * q->idle wakes waiters when the ring is empty and no job runs.  The
 * lock is released while a job or the tick runs, so pushing costs a lock
 * and a signal whatever the worker is doing.  With a tick, the worker
 * waits on q->more until the next tick is due (q->more uses
 * CLOCK_MONOTONIC, so setting the clock neither delays nor hastens it).
 *
 * STANDARDS: none (RFC 7489 section 7.3 asks for reports "almost
 * immediately"; the queue keeps that without holding up mail).
 *
 * Thread safety: as the header says; the only mutex is q->lock.
 */
#include "reporter/afrf_queue.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "common/xalloc.h"

struct afrf_queue {
    pthread_mutex_t lock;     /* guards everything below but the thread */
    pthread_cond_t more;      /* a job was pushed, or stop was set */
    pthread_cond_t idle;      /* the ring emptied and no job runs */
    void **ring;              /* max slots */
    size_t max;               /* capacity */
    size_t head;              /* next job to run */
    size_t count;             /* jobs queued */
    bool is_busy;             /* the worker is running a job */
    bool is_stopping;         /* afrf_queue_free was called */
    bool is_started;          /* the worker thread runs */
    struct timespec deadline; /* when stopping: drop jobs after this */
    afrf_queue_run_fn *run;   /* runs a job */
    afrf_queue_drop_fn *drop; /* frees a job not run */
    afrf_queue_tick_fn *tick; /* periodic work, or NULL */
    unsigned tick_ms;         /* its period */
    void *arg;                /* for run and tick */
    pthread_t thread;         /* the worker */
};

/* lock, unlock - the mutex, a failure being a bug */
static void
lock(struct afrf_queue *q)
{
    if (pthread_mutex_lock(&q->lock) != 0)
        log_panic("afrf_queue: pthread_mutex_lock");
}

static void
unlock(struct afrf_queue *q)
{
    if (pthread_mutex_unlock(&q->lock) != 0)
        log_panic("afrf_queue: pthread_mutex_unlock");
}

/* deadline_in - CLOCK_REALTIME now + ms (pthread_cond_timedwait's clock) */
static struct timespec
deadline_in(unsigned ms)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_REALTIME, &ts); /* cannot fail for this clock */
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* mono_in - CLOCK_MONOTONIC now + ms (q->more's clock) */
static struct timespec
mono_in(unsigned ms)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail */
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* is_past - the realtime clock has passed ts */
static bool
is_past(const struct timespec *ts)
{
    struct timespec now;

    (void)clock_gettime(CLOCK_REALTIME, &now); /* cannot fail */
    return now.tv_sec > ts->tv_sec ||
           (now.tv_sec == ts->tv_sec && now.tv_nsec >= ts->tv_nsec);
}

/* run_tick - under q->lock: the tick, with the lock released */
static void
run_tick(struct afrf_queue *q)
{
    q->is_busy = true;
    unlock(q);
    q->tick(q->arg);
    lock(q);
    q->is_busy = false;
    if (q->count == 0)
        (void)pthread_cond_broadcast(&q->idle); /* cannot fail */
}

/* wait_job - under q->lock: wait until a job is queued (true) or the
 * queue stops with none left (false), running the tick each time *next
 * passes */
static bool
wait_job(struct afrf_queue *q, struct timespec *next)
{
    while (q->count == 0 && !q->is_stopping) {
        if (q->tick == NULL) {
            (void)pthread_cond_wait(&q->more, &q->lock); /* cannot fail */
            continue;
        }
        if (pthread_cond_timedwait(&q->more, &q->lock, next) != ETIMEDOUT ||
            q->count > 0 || q->is_stopping)
            continue;
        run_tick(q);
        *next = mono_in(q->tick_ms);
    }
    return q->count > 0;
}

/* worker - the thread: run jobs until stopped and drained */
static void *
worker(void *p)
{
    struct afrf_queue *q = p;
    size_t dropped = 0;
    struct timespec next = mono_in(q->tick_ms);

    lock(q);
    for (;;) {
        void *job;

        if (!wait_job(q, &next))
            break;
        job = q->ring[q->head];
        q->head = (q->head + 1) % q->max;
        q->count--;
        if (q->is_stopping && is_past(&q->deadline)) {
            q->drop(job);
            dropped++;
            continue;
        }
        q->is_busy = true;
        unlock(q);
        q->run(q->arg, job);
        lock(q);
        q->is_busy = false;
        if (q->count == 0)
            (void)pthread_cond_broadcast(&q->idle); /* cannot fail */
    }
    (void)pthread_cond_broadcast(&q->idle); /* cannot fail */
    unlock(q);
    if (dropped > 0)
        log_warn("failure reports: %zu dropped at shutdown", dropped);
    return NULL;
}

struct afrf_queue *
afrf_queue_new(size_t max, afrf_queue_run_fn *run, afrf_queue_drop_fn *drop,
               void *arg)
{
    struct afrf_queue *q = xcalloc(1, sizeof(*q));
    pthread_condattr_t attr;

    assert(max >= 1 && max <= AFRF_QUEUE_MAX);
    q->ring = xcalloc(max, sizeof(*q->ring));
    q->max = max;
    q->run = run;
    q->drop = drop;
    q->arg = arg;
    if (pthread_mutex_init(&q->lock, NULL) != 0 ||
        pthread_condattr_init(&attr) != 0 ||
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&q->more, &attr) != 0 ||
        pthread_cond_init(&q->idle, NULL) != 0)
        log_panic("afrf_queue: cannot initialise the lock");
    (void)pthread_condattr_destroy(&attr); /* cannot fail once made */
    return q;
}

void
afrf_queue_set_tick(struct afrf_queue *q, unsigned tick_ms,
                    afrf_queue_tick_fn *tick)
{
    assert(tick_ms > 0 && !q->is_started);
    q->tick_ms = tick_ms;
    q->tick = tick;
}

/* start - the worker, on the first push (under q->lock): a thread made
 * before the milter forks into the background would not exist in the
 * child, so none is made until a job arrives; 0 or -1 (logged) */
static int
start(struct afrf_queue *q)
{
    int rc;

    if (q->is_started)
        return 0;
    rc = pthread_create(&q->thread, NULL, worker, q);
    if (rc != 0) {
        errno = rc;
        log_err_errno("failure reports: pthread_create");
        return -1;
    }
    q->is_started = true;
    return 0;
}

int
afrf_queue_push(struct afrf_queue *q, void *job)
{
    int rc = -1;

    lock(q);
    if (!q->is_stopping && q->count < q->max && start(q) == 0) {
        q->ring[(q->head + q->count) % q->max] = job;
        q->count++;
        (void)pthread_cond_signal(&q->more); /* cannot fail */
        rc = 0;
    }
    unlock(q);
    return rc;
}

int
afrf_queue_wait_idle(struct afrf_queue *q, unsigned timeout_ms)
{
    struct timespec ts = deadline_in(timeout_ms);
    int rc = 0;

    lock(q);
    while (q->count > 0 || q->is_busy) {
        if (pthread_cond_timedwait(&q->idle, &q->lock, &ts) == ETIMEDOUT) {
            rc = q->count > 0 || q->is_busy ? -1 : 0;
            break;
        }
    }
    unlock(q);
    return rc;
}

void
afrf_queue_free(struct afrf_queue *q, unsigned drain_ms)
{
    if (q == NULL)
        return;
    lock(q);
    q->is_stopping = true;
    q->deadline = deadline_in(drain_ms);
    (void)pthread_cond_signal(&q->more); /* cannot fail */
    unlock(q);
    if (q->is_started && pthread_join(q->thread, NULL) != 0)
        log_panic("afrf_queue: pthread_join");
    (void)pthread_cond_destroy(&q->more); /* no waiter is left */
    (void)pthread_cond_destroy(&q->idle);
    (void)pthread_mutex_destroy(&q->lock);
    free(q->ring);
    free(q);
}
