/*
 * mc_load - many messages over concurrent milter connections, for tests
 * and "make bench": totals per action and per error class, message rate
 * and latency percentiles.
 *
 * Thread safety: mc_load_run() starts and joins its own threads; it may
 * be called from one thread at a time.
 */
#ifndef DMARC_TESTS_MC_LOAD_H
#define DMARC_TESTS_MC_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/log.h"

#include "tests/lib/mc_session.h"

/* MC_LOAD_MAX_THREADS - concurrent connections (libmilter runs a thread
 * per connection; beyond this a test measures the machine, not us) */
#define MC_LOAD_MAX_THREADS 256

/* MC_LOAD_MAX_COUNT - messages in one run (the latency table) */
#define MC_LOAD_MAX_COUNT 10000000

/* what to send */
struct mc_load_opts {
    const struct mc_session_opts *sess; /* socket, timeout, disconnect */
    const struct mc_env *env;           /* envelope; {i} is generated */
    const struct mc_content *contents;  /* messages, used in turn */
    size_t n_contents;                  /* entries in contents (>= 1) */
    size_t count;                       /* messages to send */
    size_t concurrency;                 /* connections at once */
    size_t per_conn;                    /* messages per connection, 0 for
                                           as many as it gets */
};

/* the totals of a run */
struct mc_load_report {
    size_t messages;                        /* messages attempted */
    size_t connections;                     /* connections opened */
    size_t actions[MC_ACT_COUNT];           /* messages per final action */
    size_t errors[MC_WIRE_EDISCONNECT + 1]; /* errors per class */
    uint64_t elapsed_us;                    /* wall time of the run */
    uint64_t p50_us;                        /* latency percentiles over the */
    uint64_t p90_us;                        /* messages that got a final */
    uint64_t p99_us;                        /* action (MAIL to the action) */
    uint64_t max_us;                        /* slowest such message */
};

/* mc_load_run - send o->count messages over o->concurrency threads, each
 * with its own connection (reopened after an error, after a disconnect
 * and after o->per_conn messages).  Fills rep.  0, or -1 when the
 * threads could not be started (logged). */
int mc_load_run(const struct mc_load_opts *o,
                struct mc_load_report *rep) WARN_UNUSED;

/* mc_load_errors - the number of protocol errors, timeouts, lost
 * connections and failed connects in rep (intentional disconnects are
 * not errors). */
size_t mc_load_errors(const struct mc_load_report *rep);

/* mc_load_format - append the report line to out (no line end):
 *   messages=N connections=N elapsed_ms=N msgs_per_sec=N.N
 *   accept=N continue=N reject=N tempfail=N discard=N skip=N shutdown=N
 *   connfail=N disconnect=N error=N errors=N err_connect=N
 *   err_timeout=N err_closed=N err_protocol=N err_io=N
 *   p50_ms=N.NNN p90_ms=N.NNN p99_ms=N.NNN max_ms=N.NNN
 * -1 when out overflows. */
int mc_load_format(const struct mc_load_report *rep,
                   struct buf *out) WARN_UNUSED;

#endif
