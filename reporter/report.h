/*
 * report - one aggregate report from rows to mailbox: build (XML, gzip,
 * names), then hand it to each destination by the configured transport
 * (the sendmail command, SMTP, or a folder), or send the section 7.2.2
 * error report.
 *
 * The rows come from a callback (the database query), so a report is
 * streamed row by row.  Which destinations to use (dest.c) and what to
 * record about each attempt are the caller's.
 *
 * Thread safety: one report per thread.
 */
#ifndef DMARC_REPORTER_REPORT_H
#define DMARC_REPORTER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"
#include "reporter/agg.h"
#include "reporter/deliver.h"
#include "reporter/deliver_smtp.h"
#include "reporter/naming.h"

/* REPORT_MAX_GZ - largest compressed report built: far above any !size a
 * domain publishes, and bounded so a runaway query cannot fill memory */
#define REPORT_MAX_GZ ((size_t)64 << 20)
/* REPORT_MAX_MAIL - largest message built around it: base64 adds a third,
 * plus headers and the text part */
#define REPORT_MAX_MAIL (REPORT_MAX_GZ / 3 * 4 + REPORT_MAX_GZ / 16 + 65536)

/* report_row_fn - fill *row with the next row (reset by the caller) and
 * return 1, return 0 at the end, or -1 on failure (logged by it). */
typedef int report_row_fn(void *ctx, struct agg_row *row);

/* where the rows come from */
struct report_rows {
    report_row_fn *next; /* the row callback */
    void *ctx;           /* its context */
};

/* the URIs named in an error report; borrowed */
struct report_uris {
    const char *const *uri; /* as published */
    size_t count;           /* 1..MAIL_MAX_URIS */
};

/* a built report */
struct report {
    char *gz;                          /* gzip of the XML, owned */
    size_t gz_len;                     /* its length */
    uint64_t encoded_size;             /* mail_encoded_size(gz_len) */
    size_t rows;                       /* records written */
    uint64_t messages;                 /* sum of their counts */
    size_t rows_bad;                   /* rows refused (logged) */
    char filename[NAMING_FILE_SIZE];   /* receiver!domain!b!e!id.xml.gz */
    char subject[NAMING_SUBJECT_SIZE]; /* the Subject */
    char policy_domain[NAMING_MAX_DOMAIN + 1]; /* the report's domain */
    char receiver[NAMING_MAX_DOMAIN + 1];      /* the reporting domain */
    char id[NAMING_ID_SIZE];                   /* the report id */
    int64_t begin;                             /* period start */
    int64_t end;                               /* period end */
    enum agg_format format;                    /* the XML's schema */
};

/* how reports leave */
enum report_method {
    REPORT_SENDMAIL = 0, /* the sendmail command */
    REPORT_SMTP = 1,     /* SMTP with libcurl */
    REPORT_OUTDIR = 2    /* files in a folder, nothing sent */
};

/* the transport and the mail identity; all borrowed */
struct report_transport {
    enum report_method method;  /* which of the three */
    struct deliver_sendmail sm; /* REPORT_SENDMAIL */
    struct deliver_smtp smtp;   /* REPORT_SMTP */
    const char *outdir;         /* REPORT_OUTDIR: existing folder */
    const char *from;           /* From: address */
    const char *envelope_from;  /* envelope sender */
    const char *msgid_domain;   /* Message-ID right-hand side */
    const char *org_name;       /* for the text part */
};

/* report_build - write the report of m and p (borrowed; m->report_id is
 * the id to use, stored by the caller for retries) from the rows src
 * gives, named for receiver.  A row that fails its checks is logged and
 * skipped.  0 with *r filled (release with report_free), or -1 with *why
 * (no rows, output too large, bad names, or next() failed). */
int report_build(const struct agg_meta *m, const struct agg_policy *p,
                 const char *receiver, const struct report_rows *src,
                 struct report *r, const char **why) WARN_UNUSED;

/* report_build_head - as report_build for the metadata and policy of h
 * (borrowed), in h->format (xml_begin_head).  The names (file name,
 * Subject, id) are the same in both formats: the id is letters and
 * digits, a valid RFC 7489 unique-id and RFC 9990 ridfmt alike, so RFC
 * 9990 section 3.1.4's "identical where used" holds. */
int report_build_head(const struct agg_head *h, const char *receiver,
                      const struct report_rows *src, struct report *r,
                      const char **why) WARN_UNUSED;

/* report_free - release the report's memory. */
void report_free(struct report *r);

/* report_save - write r's .xml.gz into t->outdir (REPORT_OUTDIR keeps
 * every report built, with or without destinations).  0, or -1
 * (logged). */
int report_save(const struct report_transport *t,
                const struct report *r) WARN_UNUSED;

/* report_send - the report mail for r to addr (a checked mailto:
 * address), dated now, through t (with REPORT_OUTDIR the caller writes
 * the .xml.gz once, with report_save).  seq numbers the destinations of
 * one report (names the .eml file in REPORT_OUTDIR).  Returns the
 * delivery status with *why. */
enum deliver_status report_send(const struct report_transport *t,
                                const struct report *r, const char *addr,
                                unsigned seq, int64_t now,
                                const char **why) WARN_UNUSED;

/* report_send_error - the section 7.2.2 error report about r to addr,
 * naming the URIs that could not take it (t->envelope_from and
 * t->from as for reports).  Returns the delivery status with *why. */
enum deliver_status report_send_error(const struct report_transport *t,
                                      const struct report *r, const char *addr,
                                      const struct report_uris *uris,
                                      int64_t now,
                                      const char **why) WARN_UNUSED;

#endif
