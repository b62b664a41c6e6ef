/*
 * eval - the verdict on one message: reads the collected state, runs the
 * parsers, SPF, policy discovery and the DMARC evaluation, and says what
 * the milter must do (action, reply, header fields to add, recipient to
 * add, history record).  It performs no milter I/O: callbacks.c applies
 * the verdict.
 *
 * Thread safety: eval_message() is thread-safe; it reads the connection's
 * snapshot and writes only into the caller's struct eval_out.
 */
#ifndef DMARC_MILTER_EVAL_H
#define DMARC_MILTER_EVAL_H

#include <stdbool.h>

#include "common/buf.h"
#include "common/log.h"

struct mf_conn;

/* what the milter does with the message */
enum eval_action {
    EVAL_ACCEPT,     /* deliver (with the header fields below) */
    EVAL_REJECT,     /* 5xx reply */
    EVAL_QUARANTINE, /* deliver into the MTA's hold queue */
    EVAL_TEMPFAIL    /* 4xx reply */
};

/* the verdict, reused across messages (buffers keep their memory) */
struct eval_out {
    enum eval_action action; /* what to do */
    struct buf reply;        /* reply text for reject / tempfail / the
                                quarantine reason; empty: MTA default */
    const char *rcode;       /* SMTP reply code ("550"), or NULL */
    const char *xcode;       /* enhanced status code ("5.7.1"), or NULL */
    struct buf ar_dmarc;     /* A-R value for dmarc=; empty: none */
    struct buf ar_spf;       /* A-R value for spf=; empty: none */
    struct buf software;     /* DMARC-Filter value; empty: none */
    bool is_copy_wanted;     /* add the CopyFailuresTo recipient */
    struct buf history;      /* history record; empty: none */
    const char *summary;     /* short reason for the log line */
};

/* eval_out_init - empty buffers with their maxima. */
void eval_out_init(struct eval_out *o);

/* eval_out_reset - empty everything for the next message. */
void eval_out_reset(struct eval_out *o);

/* eval_out_free - release the buffers. */
void eval_out_free(struct eval_out *o);

/* eval_message - judge the message of c into out (reset first).  Returns
 * 0, or -1 on an internal failure (logged); callbacks.c then applies the
 * configured failure action. */
int eval_message(const struct mf_conn *c, struct eval_out *out) WARN_UNUSED;

#endif
