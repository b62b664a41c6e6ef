/*
 * afrf_job - one queued failure report: an owned copy of everything the
 * worker needs, taken from the milter's end-of-message event so that the
 * milter can release its message at once.
 *
 * The copy is already in report form: the original header as one CRLF
 * block, the Authentication-Results and Identity-Alignment values, the
 * DKIM fields of the signature reported, local parts redacted (RFC 6590)
 * when asked.  DNS-dependent parts (destinations, SPF-DNS) are left to
 * the worker (afrf_send.c).
 *
 * Thread safety: a job belongs to one thread at a time.
 */
#ifndef DMARC_REPORTER_AFRF_JOB_H
#define DMARC_REPORTER_AFRF_JOB_H

#include <stdbool.h>

#include "common/buf.h"
#include "reporter/afrf.h"
#include "reporter/afrf_msg.h"
#include "reporter/redact.h"

/* how to copy */
struct afrf_job_opts {
    enum afrf_kind kind;          /* the report due */
    const char *from;             /* From address (borrowed) */
    const char *host;             /* our host name (borrowed) */
    const struct redact_key *key; /* redaction key, or NULL: none */
    bool is_body;                 /* attach the body when present */
};

/* a queued report */
struct afrf_job {
    struct afrf_report r; /* the report; pointers into this job */
    char *policy_domain;  /* whose ruf URIs */
    char *rec_text;       /* the record, parsed again by the worker */
    char *spf_domain;     /* for SPF-DNS, or NULL */
    char *own[16];        /* every allocation the report points to */
    size_t n_own;         /* entries of own */
    struct buf hdrs;      /* the header block */
};

/* afrf_job_new - copy ev into a new job as o says.  Returns the job
 * (free with afrf_job_free), or NULL with *why when a limit is exceeded
 * (the header block is over AFRF_MSG_MAX). */
struct afrf_job *afrf_job_new(const struct afrf_event *ev,
                              const struct afrf_job_opts *o, const char **why);

/* afrf_job_free - release (NULL is a no-op). */
void afrf_job_free(struct afrf_job *j);

/* afrf_job_is_report - true when the message is itself a report or an
 * automatic message that must not be reported on (RFC 5965 section 4,
 * RFC 3834 section 2: Auto-Submitted other than "no"; a multipart/report
 * Content-Type; a null envelope sender, which bounces and reports use).
 * *why gets a static reason. */
bool afrf_job_is_report(const struct afrf_event *ev, const char **why);

#endif
