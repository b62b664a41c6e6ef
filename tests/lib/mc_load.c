/*
 * mc_load - a load generator over mc_session: N messages, C threads, one
 * connection per thread at a time.
 *
 * Threads take message numbers from one atomic counter, so the work is
 * shared out however fast each connection goes.  Message K uses content
 * K modulo the number of contents and the queue id {i} "<prefix>K" (hex).
 * A connection carries messages until per_conn is reached, an error or a
 * disconnect happens, then a new one is opened.  A message whose
 * connection cannot be opened counts as an error, so a dead filter ends
 * the run instead of spinning.  Latency is per message, MAIL to the final
 * action, over the messages that got one.
 *
 * Thread safety: the shared state is the counter (atomic) and the
 * latency table, where each thread writes only the slots of the message
 * numbers it took; per-thread totals are summed after the join.
 */
#include "tests/lib/mc_load.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xalloc.h"

/* MC_LOAD_MAX_QID - bytes of a generated queue id */
#define MC_LOAD_MAX_QID 64

/* MC_LOAD_NO_LATENCY - latency slot of a message without a final action */
#define MC_LOAD_NO_LATENCY UINT64_MAX

/* MC_LOAD_LOG_ERRORS - errors logged one by one per thread */
#define MC_LOAD_LOG_ERRORS 5

/* state shared by the threads */
struct shared {
    const struct mc_load_opts *o; /* the run */
    atomic_size_t next;           /* next message number */
    uint64_t *latency;            /* per message, MC_LOAD_NO_LATENCY */
};

/* one thread */
struct worker {
    struct shared *sh;            /* the run */
    pthread_t tid;                /* the thread */
    struct mc_load_report totals; /* this thread's counts */
    size_t logged;                /* errors logged so far */
};

/* mono_us - microseconds on the monotonic clock */
static uint64_t
mono_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail */
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* record - count the result of message k */
static void
record(struct worker *w, size_t k, const struct mc_result *r)
{
    w->totals.messages++;
    w->totals.actions[r->action]++;
    if (r->action == MC_ACT_ERROR) {
        w->totals.errors[r->err]++;
        if (w->logged++ < MC_LOAD_LOG_ERRORS)
            log_warn("message %zu: %s: %s", k, mc_wire_err_name(r->err),
                     r->error ? r->error : "?");
    } else if (r->action == MC_ACT_DISCONNECT) {
        w->totals.errors[MC_WIRE_EDISCONNECT]++;
    }
    if (r->action != MC_ACT_ERROR && r->action != MC_ACT_DISCONNECT)
        w->sh->latency[k] = r->elapsed_us;
}

/* one_message - message k on the worker's session, opening it first
 * when needed; *is_open tracks the session */
static void
one_message(struct worker *w, struct mc_session *s, bool *is_open, size_t k)
{
    const struct mc_load_opts *o = w->sh->o;
    struct mc_env env = *o->env;
    char qid[MC_LOAD_MAX_QID];
    struct mc_result r = { 0 };

    (void)snprintf(qid, sizeof(qid), "%.32s%zX",
                   o->env->queue_id ? o->env->queue_id : "MC",
                   k); /* fits: 32 + 16 hex digits */
    env.queue_id = qid;
    if (!*is_open) {
        w->totals.connections++;
        if (mc_session_open(s, o->sess, &env, &r) != 0) {
            mc_session_close(s, false);
            record(w, k, &r);
            mc_result_reset(&r);
            return;
        }
        *is_open = true;
    }
    if (mc_session_message(s, &env, &o->contents[k % o->n_contents], &r) != 0) {
        mc_session_close(s, false);
        *is_open = false;
    }
    record(w, k, &r);
    mc_result_reset(&r);
}

/* work - the thread body: take message numbers until none are left */
static void *
work(void *arg)
{
    struct worker *w = arg;
    const struct mc_load_opts *o = w->sh->o;
    struct mc_session s;
    bool is_open = false;
    size_t on_conn = 0;

    for (;;) {
        size_t k = atomic_fetch_add(&w->sh->next, 1);

        if (k >= o->count)
            break;
        if (!is_open)
            on_conn = 0;
        one_message(w, &s, &is_open, k);
        if (is_open && o->per_conn > 0 && ++on_conn >= o->per_conn) {
            mc_session_close(&s, true);
            is_open = false;
        }
    }
    if (is_open)
        mc_session_close(&s, true);
    return NULL;
}

/* cmp_u64 - qsort order for latencies */
static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* percentiles - nearest-rank percentiles of the recorded latencies */
static void
percentiles(uint64_t *lat, size_t count, struct mc_load_report *rep)
{
    size_t n = 0;

    for (size_t i = 0; i < count; i++) {
        if (lat[i] != MC_LOAD_NO_LATENCY)
            lat[n++] = lat[i];
    }
    if (n == 0)
        return;
    qsort(lat, n, sizeof(*lat), cmp_u64);
    rep->p50_us = lat[(n * 50 + 99) / 100 - 1];
    rep->p90_us = lat[(n * 90 + 99) / 100 - 1];
    rep->p99_us = lat[(n * 99 + 99) / 100 - 1];
    rep->max_us = lat[n - 1];
}

/* add_totals - rep += t */
static void
add_totals(struct mc_load_report *rep, const struct mc_load_report *t)
{
    rep->messages += t->messages;
    rep->connections += t->connections;
    for (size_t i = 0; i < MC_ACT_COUNT; i++)
        rep->actions[i] += t->actions[i];
    for (size_t i = 0; i <= MC_WIRE_EDISCONNECT; i++)
        rep->errors[i] += t->errors[i];
}

int
mc_load_run(const struct mc_load_opts *o, struct mc_load_report *rep)
{
    struct shared sh = { .o = o };
    struct worker *w;
    size_t started = 0;
    uint64_t t0;
    int rc = 0;

    memset(rep, 0, sizeof(*rep));
    if (o->count == 0 || o->n_contents == 0)
        return 0;
    atomic_init(&sh.next, 0);
    sh.latency = xcalloc(o->count, sizeof(*sh.latency));
    for (size_t i = 0; i < o->count; i++)
        sh.latency[i] = MC_LOAD_NO_LATENCY;
    w = xcalloc(o->concurrency, sizeof(*w));
    t0 = mono_us();
    for (; started < o->concurrency; started++) {
        w[started].sh = &sh;
        if (pthread_create(&w[started].tid, NULL, work, &w[started]) != 0) {
            log_err("cannot start thread %zu", started);
            rc = -1;
            break;
        }
    }
    for (size_t i = 0; i < started; i++) {
        (void)pthread_join(w[i].tid, NULL); /* cannot fail: joinable */
        add_totals(rep, &w[i].totals);
    }
    rep->elapsed_us = mono_us() - t0;
    percentiles(sh.latency, o->count, rep);
    free(sh.latency);
    free(w);
    return rc;
}

size_t
mc_load_errors(const struct mc_load_report *rep)
{
    size_t n = 0;

    for (size_t i = MC_WIRE_ECONNECT; i < MC_WIRE_EDISCONNECT; i++)
        n += rep->errors[i];
    return n;
}

/* put_ms - append " key=MS.UUU"; 0 or -1 */
static int
put_ms(struct buf *out, const char *key, uint64_t us)
{
    return buf_printf(out, " %s=%llu.%03llu", key,
                      (unsigned long long)(us / 1000),
                      (unsigned long long)(us % 1000));
}

int
mc_load_format(const struct mc_load_report *rep, struct buf *out)
{
    uint64_t rate10 = rep->elapsed_us
                          ? (uint64_t)rep->messages * 10000000 / rep->elapsed_us
                          : 0;

    if (buf_printf(out,
                   "messages=%zu connections=%zu elapsed_ms=%llu "
                   "msgs_per_sec=%llu.%llu",
                   rep->messages, rep->connections,
                   (unsigned long long)(rep->elapsed_us / 1000),
                   (unsigned long long)(rate10 / 10),
                   (unsigned long long)(rate10 % 10)) != 0)
        return -1;
    for (size_t i = MC_ACT_ACCEPT; i < MC_ACT_COUNT; i++) {
        if (buf_printf(out, " %s=%zu", mc_action_name((enum mc_action)i),
                       rep->actions[i]) != 0)
            return -1;
    }
    if (buf_printf(out, " errors=%zu", mc_load_errors(rep)) != 0)
        return -1;
    for (size_t i = MC_WIRE_ECONNECT; i < MC_WIRE_EDISCONNECT; i++) {
        if (buf_printf(out, " err_%s=%zu",
                       mc_wire_err_name((enum mc_wire_err)i),
                       rep->errors[i]) != 0)
            return -1;
    }
    if (put_ms(out, "p50_ms", rep->p50_us) != 0 ||
        put_ms(out, "p90_ms", rep->p90_us) != 0 ||
        put_ms(out, "p99_ms", rep->p99_us) != 0 ||
        put_ms(out, "max_ms", rep->max_us) != 0)
        return -1;
    return 0;
}
