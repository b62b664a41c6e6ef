/*
 * mail - the report mail and the short error report, as RFC 5322 / MIME
 * text with CRLF line ends, ready for deliver_sendmail().
 *
 * The aggregate report mail (RFC 7489 section 7.2.1.1): From, To, Date
 * (UTC), Message-ID (fresh for every message), Subject, MIME-Version,
 * Auto-Submitted: auto-generated (RFC 3834), a multipart/mixed body with
 * a short text/plain part and the application/gzip attachment in base64.
 * The error report (section 7.2.2) when no destination can take a report.
 *
 * Every header value is checked or made safe before it is written: an
 * address or a domain that does not pass the checks is refused, free text
 * has CR, LF and other controls replaced, so a value from DNS or the
 * database cannot add header fields.
 *
 * Thread safety: thread-safe (the caller owns the output buffer).
 */
#ifndef DMARC_REPORTER_MAIL_H
#define DMARC_REPORTER_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/log.h"
#include "reporter/agg.h"

/* MAIL_B64_LINE - base64 characters a line (RFC 2045 section 6.8) */
#define MAIL_B64_LINE 76
/* MAIL_MSGID_SIZE - "<" 32 hex "." 20 digits "@" domain ">" NUL */
#define MAIL_MSGID_SIZE (32 + 20 + 253 + 8)
/* MAIL_DATE_SIZE - "Tue, 02 Dec 2026 04:59:40 +0000" and NUL */
#define MAIL_DATE_SIZE 40
/* MAIL_MAX_URIS - Submitting-URI values in one error report; RFC 7489
 * section 6.2 asks receivers to support at least two destinations */
#define MAIL_MAX_URIS 16

/* the aggregate report mail; all borrowed */
struct mail_report {
    const char *from;          /* From address, addr-spec */
    const char *to;            /* one destination address */
    int64_t date;              /* Date, epoch seconds */
    const char *msgid_domain;  /* right-hand side of the Message-ID */
    const char *subject;       /* naming_subject() */
    const char *policy_domain; /* for the text part */
    const char *org_name;      /* for the text part (free text) */
    int64_t begin;             /* the period, for the text part */
    int64_t end;               /* its end */
    const char *filename;      /* naming_filename() */
    const char *gz;            /* the compressed report */
    size_t gz_len;             /* its length */
};

/* the section 7.2.2 error report; all borrowed */
struct mail_error {
    const char *from;          /* From address */
    const char *to;            /* one mailto: destination address */
    int64_t date;              /* Date and Report-Date, epoch seconds */
    const char *msgid_domain;  /* right-hand side of the Message-ID */
    const char *report_domain; /* the policy domain of the report */
    const char *report_id;     /* the report's id */
    uint64_t report_size;      /* the size that was attempted */
    const char *submitter;     /* the reporting domain */
    const char *const *uris;   /* the URIs that could not take it */
    size_t uri_count;          /* 1..MAIL_MAX_URIS */
};

/* mail_encoded_size - bytes of the base64 attachment body (with its CRLF
 * line ends) for gz_len bytes of gzip: the size compared with a URI's
 * "!size" (RFC 7489 section 6.2: after compression and transport
 * encoding). */
uint64_t mail_encoded_size(size_t gz_len);

/* mail_date - t as an RFC 5322 section 3.3 date-time in UTC ("+0000"),
 * English day and month names whatever the locale.  out gets
 * MAIL_DATE_SIZE bytes.  0, or -1 when t cannot be represented. */
int mail_date(int64_t t, char *out, size_t out_size) WARN_UNUSED;

/* mail_message_id - a new "<random.time@domain>" (128 random bits from
 * getrandom), different for every message sent.  0, or -1 when the domain
 * fails naming_domain_ok or no random bytes are available (logged). */
int mail_message_id(const char *domain, int64_t now, char *out,
                    size_t out_size) WARN_UNUSED;

/* mail_header - "name: value" CRLF appended to out, folded before a
 * space when a line would pass 78 characters (RFC 5322 section 2.2.3);
 * value must be printable ASCII (the caller checks).  0, or -1 when
 * out's maximum is exceeded. */
int mail_header(struct buf *out, const char *name,
                const char *value) WARN_UNUSED;

/* mail_random_hex - 32 hex digits of fresh random bits (getrandom) and
 * a NUL into out[33].  0, or -1 (logged). */
int mail_random_hex(char *out) WARN_UNUSED;

/* mail_build_report - append the whole report message to out (its
 * maximum bounds the message).  0, or -1 with *why: an address, domain or
 * file name that fails its check, or out's maximum exceeded. */
int mail_build_report(const struct mail_report *m, struct buf *out,
                      const char **why) WARN_UNUSED;

/* mail_build_report_as - mail_build_report for a report in format: the
 * text part names the RFC the attached XML follows (RFC 7489 or RFC
 * 9990); everything else is the same (RFC 9990 section 3.5.2 keeps RFC
 * 7489's file name and Subject). */
int mail_build_report_as(const struct mail_report *m, enum agg_format format,
                         struct buf *out, const char **why) WARN_UNUSED;

/* mail_build_error - append the section 7.2.2 error report to out.  URIs
 * are written with every byte outside 0x21-0x7e percent-encoded.  0, or
 * -1 with *why. */
int mail_build_error(const struct mail_error *e, struct buf *out,
                     const char **why) WARN_UNUSED;

#endif
