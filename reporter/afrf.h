/*
 * afrf - failure reports (RFC 6591, RFC 7489 section 7.3) from the
 * milter: the one call it makes at end of message, and everything after.
 *
 * afrf_submit() decides at once, on the milter's thread, whether a
 * report is due (FailureReports, FailureReportsOnNone, fo, no reports
 * about reports, the rate limits), copies what the report needs and
 * queues it (with FailureReportsSpool, writes it to a spool file and
 * queues a pass over the spool: see afrf_spool.h); it never waits on
 * DNS or the ReportCommand.  The worker
 * thread verifies the ruf destinations (RFC 7489 section 7.1, the same
 * code as the aggregate reports: reporter/dest.c), applies their "!size"
 * limits, builds the message (afrf_msg.c) and runs ReportCommand with an
 * argument vector, never a shell, under FailureReportsTimeout.
 *
 * Thread safety: afrf_submit, afrf_wants_body, afrf_stats and afrf_flush
 * are thread-safe; afrf_new and afrf_free are not (start-up and
 * shutdown).  Mutexes: the rate limiter's and the queue's (see
 * afrf_rate.h, afrf_queue.h); the counters are atomics.
 */
#ifndef DMARC_REPORTER_AFRF_H
#define DMARC_REPORTER_AFRF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cfg.h"
#include "common/destverify.h"
#include "common/dmarc_rec.h"
#include "common/log.h"
#include "reporter/afrf_fo.h"

/* AFRF_MAX_DKIM - DKIM results described in one report */
#define AFRF_MAX_DKIM 16
/* AFRF_MAX_BODY - bytes of body attached with FailureReportsBody, line
 * ends made CRLF: the upper bound of FailureReportsBodyMaxSize (keep the
 * two equal); a longer body is left out (headers only) */
#define AFRF_MAX_BODY ((size_t)2 * 1024 * 1024)
/* AFRF_DRAIN_MS - how long afrf_free lets queued reports go out */
#define AFRF_DRAIN_MS 5000

/* what happened to the message: the Delivery-Result (RFC 6591 3.1) */
enum afrf_delivery {
    AFRF_DELIVERY_DELIVERED = 0, /* accepted */
    AFRF_DELIVERY_SPAM,          /* quarantined */
    AFRF_DELIVERY_POLICY,        /* discarded by local policy */
    AFRF_DELIVERY_REJECT,        /* rejected */
    AFRF_DELIVERY_OTHER          /* temporary failure, anything else */
};

/* one DKIM result; borrowed */
struct afrf_dkim {
    const char *domain;    /* d= (header.d) */
    const char *selector;  /* s= (header.s), or NULL */
    const char *identity;  /* i= (header.i), or NULL: "@" d */
    enum afrf_auth result; /* verification result */
    bool is_aligned;       /* d= aligns with the From domain */
};

/* one header field of the message, as the MTA passed it; borrowed */
struct afrf_hdr {
    const char *name;  /* field name */
    const char *value; /* field body (folding kept, LF or CRLF) */
};

/* the message and its verdict, at end of message; all borrowed for the
 * duration of the call */
struct afrf_event {
    const char *jobid;            /* MTA queue id, or NULL */
    int64_t arrival;              /* epoch seconds the message arrived */
    const char *client_ip;        /* SMTP client address (text) */
    unsigned client_port;         /* its port; 0: unknown */
    const char *mail_from;        /* envelope sender, no <>; "" null */
    const char *rcpt_to;          /* first envelope recipient, or NULL */
    const char *from_domain;      /* the RFC5322.From domain */
    const char *policy_domain;    /* the domain whose record applied */
    const struct dmarc_rec *rec;  /* that record (fo, ruf); NULL: none */
    bool is_policy_none;          /* the policy applied (p or sp) is none */
    enum afrf_dmarc dmarc;        /* the DMARC result */
    enum afrf_auth spf;           /* SPF result */
    const char *spf_domain;       /* the domain SPF checked, or NULL */
    bool is_spf_aligned;          /* spf_domain aligns with from_domain */
    const struct afrf_dkim *dkim; /* DKIM results */
    size_t n_dkim;                /* entries of dkim */
    enum afrf_delivery delivery;  /* what the milter did */
    const char *authserv_id;      /* for the Authentication-Results field */
    const struct afrf_hdr *hdrs;  /* the header, in order */
    size_t n_hdrs;                /* entries of hdrs */
    const char *body;             /* the body as the MTA sent it (CRLF
                                     line ends; a bare LF or CR is made
                                     CRLF), or NULL: not kept */
    size_t body_len;              /* its length */
    bool is_body_over;            /* the body was over the milter's limit
                                     (FailureReportsBodyMaxSize) and not
                                     kept: the report says so in the log */
};

/* outcome of afrf_submit */
enum afrf_status {
    AFRF_QUEUED = 0, /* a report is on its way */
    AFRF_SILENT,     /* nothing to report (disabled, fo, a report) */
    AFRF_LIMITED,    /* a rate limit refused it */
    AFRF_FULL,       /* the queue was full */
    AFRF_ERROR       /* the report could not be built (logged) */
};

/* afrf_clock_fn - microseconds of a monotonic clock (tests inject one) */
typedef uint64_t afrf_clock_fn(void);

/* what afrf_new needs; borrowed for the call, except verify */
struct afrf_env {
    const struct cfg *cfg;        /* the configuration */
    const char *hostname;         /* our host name */
    struct destverify_ops verify; /* section 7.1 lookups, called on the
                                     worker thread only; must outlive the
                                     struct afrf */
    afrf_clock_fn *clock;         /* NULL: CLOCK_MONOTONIC */
};

/* counters, for tests and the log */
struct afrf_stats {
    size_t queued;   /* reports accepted by afrf_submit */
    size_t limited;  /* refused by a rate limit */
    size_t full;     /* refused by a full queue */
    size_t sent;     /* ReportCommand exited 0 */
    size_t failed;   /* it did not (status, signal, timeout) */
    size_t timeouts; /* of those, killed at the deadline */
    size_t no_dest;  /* no destination left after verification */
};

struct afrf;

/* afrf_new - the failure reporter for env->cfg: settings read, limits
 * parsed, redaction key loaded (the worker thread starts with the first
 * report, so the milter may fork after this).  Returns NULL when a
 * setting is unusable (logged).  Caller frees with afrf_free. */
struct afrf *afrf_new(const struct afrf_env *env);

/* afrf_free - let queued reports go out for up to AFRF_DRAIN_MS, stop
 * the worker, release.  NULL is a no-op. */
void afrf_free(struct afrf *a);

/* afrf_submit - the milter's end-of-message hook, called once the
 * disposition is known.  Decides and queues; returns without waiting for
 * DNS or the ReportCommand.  Thread-safe. */
enum afrf_status afrf_submit(struct afrf *a, const struct afrf_event *ev);

/* afrf_resume - when FailureReportsSpool holds files a previous run
 * left, start the worker on them (call once the process will not fork
 * again: the milter does when it publishes its configuration).  NULL or
 * no spool: a no-op.  Thread-safe. */
void afrf_resume(struct afrf *a);

/* afrf_wants_body - true when reports attach the whole message
 * (FailureReports and FailureReportsBody set, FailureReportsRedact not),
 * so the milter keeps the body for afrf_event.  Thread-safe. */
bool afrf_wants_body(const struct afrf *a);

/* afrf_body_max - the bytes of body the milter keeps per message
 * (FailureReportsBodyMaxSize) when afrf_wants_body, else 0; 0 for NULL.
 * A longer body is not kept: the report then carries the header only.
 * Thread-safe. */
size_t afrf_body_max(const struct afrf *a);

/* afrf_flush - wait until every queued report is done, at most
 * timeout_ms.  0, or -1 on timeout.  Thread-safe. */
int afrf_flush(struct afrf *a, unsigned timeout_ms) WARN_UNUSED;

/* afrf_stats - a snapshot of the counters.  Thread-safe. */
void afrf_stats(const struct afrf *a, struct afrf_stats *out);

/* afrf_status_str - "queued", "silent", "limited", "full", "error". */
const char *afrf_status_str(enum afrf_status st);

#endif
