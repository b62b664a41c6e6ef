/*
 * run - one run of dmarc-reports: retry what failed temporarily, then
 * report every due period of every policy domain, and count what
 * happened.
 *
 * Thread safety: single-threaded (one database connection).
 */
#ifndef DMARC_REPORTER_RUN_H
#define DMARC_REPORTER_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "common/destverify.h"
#include "common/log.h"
#include "reporter/report.h"

/* what a run does; all borrowed */
struct run_opts {
    int64_t now;                         /* the clock, for tests */
    uint64_t interval;                   /* period length (period.h) */
    const char *receiver;                /* reporting domain */
    const char *org_name;                /* <org_name> */
    const char *email;                   /* <email> */
    const char *extra_contact;           /* <extra_contact_info> or NULL */
    enum agg_format format;              /* ReportFormat (0: RFC 7489) */
    const char *generator;               /* RFC 9990 <generator> or NULL */
    unsigned max_attempts;               /* give up after this many */
    uint64_t retry_delay;                /* seconds between attempts */
    bool is_dry_run;                     /* record nothing */
    const char *const *only;             /* --domain: only these, or NULL */
    size_t only_count;                   /* entries of only */
    const char *const *skip;             /* --nodomain: never these */
    size_t skip_count;                   /* entries of skip */
    const struct report_transport *t;    /* how reports leave */
    const struct destverify_ops *verify; /* section 7.1 lookups */
};

/* what a run did */
struct run_stats {
    size_t domains;       /* policy domains reported on */
    size_t reports;       /* reports built */
    uint64_t messages;    /* messages in them */
    size_t sent;          /* destinations delivered */
    size_t deferred;      /* verification deferred (DNS) */
    size_t tempfailed;    /* delivery to retry */
    size_t failed;        /* delivery failed for good, or given up */
    size_t too_big;       /* skipped: !size */
    size_t unverified;    /* skipped: not authorized / not mailto */
    size_t error_reports; /* section 7.2.2 error reports sent */
    size_t errors;        /* reports that could not be built */
};

/* run_reports - do one run on db.  0 when the run went through (the
 * stats say what failed), -1 on a database error (logged). */
int run_reports(sqlite3 *db, const struct run_opts *o,
                struct run_stats *s) WARN_UNUSED;

/* run_summary - log the stats as one line at notice level. */
void run_summary(const struct run_stats *s);

#endif
