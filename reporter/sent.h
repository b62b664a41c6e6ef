/*
 * sent - the delivery bookkeeping of aggregate reports (reports_sent):
 * one row per report and destination, with its status, attempts, last
 * error and next try.  A period counts as reported once it has a row, so
 * periods stay contiguous and nothing is reported twice; a temporary
 * failure is retried on later runs with the same report id.
 *
 * Thread safety: one connection per thread.
 */
#ifndef DMARC_REPORTER_SENT_H
#define DMARC_REPORTER_SENT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "common/log.h"
#include "reporter/period.h"

/* SENT_NO_RUA - the destination recorded for a period whose domain
 * publishes no usable rua: the period is done, nothing was sent */
#define SENT_NO_RUA ""
/* SENT_ERROR_PREFIX - the destination of a section 7.2.2 error report is
 * this prefix and the URI it went to */
#define SENT_ERROR_PREFIX "error-report:"

/* the stored states (sql/README, reports_sent.status) */
enum sent_status {
    SENT_PENDING = 0,   /* not tried yet */
    SENT_SENT = 1,      /* delivered */
    SENT_TEMPFAIL = 2,  /* retry later (also: verification deferred) */
    SENT_PERMFAIL = 3,  /* failed for good */
    SENT_TOOBIG = 4,    /* the URI's !size is too small */
    SENT_UNVERIFIED = 5 /* not authorized, unsupported or no rua */
};

/* one attempt to record; strings borrowed */
struct sent_entry {
    const char *report_id;   /* naming_report_id() */
    int64_t pdomain_id;      /* domains.id */
    struct period period;    /* [begin, end) */
    const char *destination; /* the URI as published, or SENT_* */
    enum sent_status status; /* outcome */
    const char *error;       /* why, or NULL */
    int64_t now;             /* time of the attempt */
    int64_t next_try;        /* for SENT_TEMPFAIL; 0 otherwise */
};

/* a destination to try again */
struct sent_retry {
    char *report_id;      /* owned */
    int64_t pdomain_id;   /* domains.id */
    char *domain;         /* its name, owned */
    struct period period; /* the report's period */
    char *destination;    /* the URI, owned */
    int64_t attempts;     /* made so far */
};

/* sent_record - insert the entry, or update the row of the same report
 * and destination (attempts + 1).  0, or -1 (logged). */
int sent_record(sqlite3 *db, const struct sent_entry *e) WARN_UNUSED;

/* sent_retries - the SENT_TEMPFAIL rows due at now (next_try passed),
 * oldest period first.  0 with *out (free with sent_retries_free) and *n,
 * or -1 (logged). */
int sent_retries(sqlite3 *db, int64_t now, struct sent_retry **out,
                 size_t *n) WARN_UNUSED;

/* sent_retries_free - release a sent_retries() list. */
void sent_retries_free(struct sent_retry *r, size_t n);

/* sent_status_str - the stored word ("pending", "sent", "tempfail",
 * "permfail", "toobig", "unverified"). */
const char *sent_status_str(enum sent_status st);

#endif
