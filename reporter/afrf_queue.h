/*
 * afrf_queue - a bounded queue of jobs and the one worker thread that
 * runs them, so that whoever submits a job never waits for it.
 *
 * The milter hands failure reports over here at end of message and
 * answers the MTA at once; the worker runs the ReportCommand (which may
 * hang until its deadline) at its own pace.  A full queue refuses the
 * job: reports are dropped, mail is never delayed.  An optional tick
 * gives the worker periodic work of its own (the spool's retries).
 *
 * Thread safety: push, wait_idle and counts are thread-safe (one mutex,
 * q->lock, never held while a job runs); free must not race with push.
 */
#ifndef DMARC_REPORTER_AFRF_QUEUE_H
#define DMARC_REPORTER_AFRF_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"

/* AFRF_QUEUE_MAX - the largest queue accepted (jobs hold a report of up
 * to a few MiB each; the configuration bounds it lower) */
#define AFRF_QUEUE_MAX 100000

/* afrf_queue_run_fn - run one job on the worker thread; the job passes
 * to the function, which frees it. */
typedef void afrf_queue_run_fn(void *arg, void *job);

/* afrf_queue_drop_fn - free a job that will not run (shutdown). */
typedef void afrf_queue_drop_fn(void *job);

/* afrf_queue_tick_fn - periodic work on the worker thread (the spool's
 * retries), run between jobs. */
typedef void afrf_queue_tick_fn(void *arg);

struct afrf_queue;

/* afrf_queue_new - a queue of at most max (1..AFRF_QUEUE_MAX) jobs; its
 * worker thread, started by the first push (so a process may fork after
 * creating the queue), calls run(arg, job) for each job in order.
 * Returns the queue; free with afrf_queue_free. */
struct afrf_queue *afrf_queue_new(size_t max, afrf_queue_run_fn *run,
                                  afrf_queue_drop_fn *drop, void *arg);

/* afrf_queue_set_tick - once the worker runs, call tick(arg) on it every
 * tick_ms (> 0) milliseconds of CLOCK_MONOTONIC, between jobs (a tick
 * that falls due while a job runs follows it); afrf_queue_wait_idle
 * waits for a tick that runs.  No tick once stopping.  Call before the
 * first push; not thread-safe. */
void afrf_queue_set_tick(struct afrf_queue *q, unsigned tick_ms,
                         afrf_queue_tick_fn *tick);

/* afrf_queue_push - append job (ownership passes on success).  0, or -1
 * when the queue is full or stopping, or the worker cannot be started
 * (the caller keeps the job).
 * Never blocks on a running job.  Thread-safe. */
int afrf_queue_push(struct afrf_queue *q, void *job) WARN_UNUSED;

/* afrf_queue_wait_idle - wait until no job is queued or running, at most
 * timeout_ms.  0 when idle, -1 on timeout.  Thread-safe. */
int afrf_queue_wait_idle(struct afrf_queue *q, unsigned timeout_ms) WARN_UNUSED;

/* afrf_queue_free - stop: the worker keeps running queued jobs for up to
 * drain_ms, then the rest are dropped (counted in the log line); joins
 * the worker (a job running at the deadline is waited for: jobs bound
 * their own time).  NULL is a no-op. */
void afrf_queue_free(struct afrf_queue *q, unsigned drain_ms);

#endif
