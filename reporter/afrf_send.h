/*
 * afrf_send - the worker's half of a failure report: destinations,
 * SPF-DNS, the message, the ReportCommand.
 *
 * Destinations are the record's ruf URIs planned by reporter/dest.c
 * exactly as the aggregate reports plan rua (RFC 7489 section 7.1
 * verification with the step 7 replacement; mailto: only; "!size"),
 * plus FailureReportsBcc as opendmarc.conf(5) says: in a Bcc: field
 * (envelope only, no header) when the domain asked for reports, in the
 * To: field when it did not (no usable ruf).  Recipients are separate
 * arguments after "-i -f From"; the command runs with execve, never a
 * shell, under the deadline.  A ruf destination whose "!size" the whole
 * message (message/rfc822) passes gets the headers-only form in a
 * second run of the command when that fits.
 *
 * Thread safety: one caller at a time per struct afrf_send_cfg (the
 * destverify callbacks keep per-thread state).
 */
#ifndef DMARC_REPORTER_AFRF_SEND_H
#define DMARC_REPORTER_AFRF_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/destverify.h"
#include "reporter/afrf_job.h"

/* AFRF_SEND_MAX_CMD - arguments of ReportCommand itself: the rest of
 * EXEC_MAX_ARGS is "-i -f From" and the recipients */
#define AFRF_SEND_MAX_CMD 16

/* the settings; borrowed */
struct afrf_send_cfg {
    const char *const *argv;             /* ReportCommand split, "-t" removed */
    size_t argc;                         /* entries of argv */
    const char *const *bcc;              /* FailureReportsBcc addresses */
    size_t n_bcc;                        /* entries of bcc */
    unsigned timeout_ms;                 /* FailureReportsTimeout */
    const struct destverify_ops *verify; /* section 7.1 lookups */
    int64_t (*now)(void);                /* wall clock, epoch seconds */
};

/* how it went */
enum afrf_send_status {
    AFRF_SEND_SENT = 0, /* the command exited 0 */
    AFRF_SEND_NO_DEST,  /* no destination left: nothing run */
    AFRF_SEND_FAILED,   /* the command failed or could not start */
    AFRF_SEND_TIMEOUT   /* the command was killed at the deadline */
};

/* afrf_send_job - deliver the report of j (borrowed; j->r.spf_dns and
 * j->r.body are changed and restored here).  Logs one line per command
 * run.  The outcome is that of the first run; a failed headers-only
 * run after a successful one is logged only (a retry would repeat the
 * first). */
enum afrf_send_status afrf_send_job(const struct afrf_send_cfg *c,
                                    struct afrf_job *j);

/* afrf_send_split - split cmd at white space into argv (at most
 * AFRF_SEND_MAX_CMD entries, each a new string), dropping "-t" (our
 * recipients are arguments: with -t, sendmail would ignore or delete
 * them).  *argc gets the count.  0, or -1 when cmd is empty, not an
 * absolute path or has too many words. */
int afrf_send_split(const char *cmd, char **argv, size_t *argc) WARN_UNUSED;

#endif
