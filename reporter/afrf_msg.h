/*
 * afrf_msg - the failure report message (RFC 6591 / RFC 5965 ARF
 * auth-failure report with the RFC 7489 section 7.3.1 fields), as
 * RFC 5322 text with CRLF line ends, ready for the ReportCommand.
 *
 * multipart/report; report-type=feedback-report (RFC 6522) with three
 * parts: a human-readable text/plain part, the message/feedback-report
 * part, and the original header as text/rfc822-headers, or the whole
 * message as message/rfc822 when a body is given.  The message carries
 * Date, Message-ID, Auto-Submitted: auto-generated (RFC 3834) and a
 * neutral Subject naming the domain and the source address: never the
 * original subject (opendmarc-lessons.md section 5).
 *
 * Values that come from the message or DNS are made safe before they
 * reach a header field: control characters become '?', so nothing can
 * add a field or a MIME part.
 *
 * Thread safety: thread-safe (the caller owns the output buffer).
 */
#ifndef DMARC_REPORTER_AFRF_MSG_H
#define DMARC_REPORTER_AFRF_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/log.h"
#include "reporter/afrf_fo.h"

/* AFRF_MSG_MAX - one report message: the original header is at most
 * 4 MiB in the milter (MSG_MAX_HEADER_BYTES); a body is cut off by the
 * caller before it would pass this */
#define AFRF_MSG_MAX ((size_t)8 * 1024 * 1024)

/* one report; all borrowed */
struct afrf_report {
    enum afrf_kind kind;       /* the Auth-Failure value */
    const char *from;          /* From: address (addr-spec) */
    const char *host;          /* our host name: Message-ID, Reporting-MTA */
    const char *user_agent;    /* User-Agent value */
    const char *jobid;         /* Original-Envelope-Id, or NULL */
    int64_t arrival;           /* Arrival-Date, epoch seconds */
    const char *source_ip;     /* Source-IP, or NULL: unknown (left out) */
    unsigned source_port;      /* Source-Port (RFC 6692); 0: unknown */
    const char *mail_from;     /* Original-Mail-From; "" null sender */
    const char *rcpt_to;       /* Original-Rcpt-To, or NULL */
    const char *domain;        /* Reported-Domain (the From domain) */
    const char *auth_results;  /* Authentication-Results value */
    const char *alignment;     /* Identity-Alignment value */
    const char *delivery;      /* Delivery-Result value, or NULL */
    const char *dmarc;         /* the DMARC result word (text part) */
    const char *dkim_domain;   /* DKIM-Domain, or NULL: not signed */
    const char *dkim_selector; /* DKIM-Selector, or NULL */
    const char *dkim_identity; /* DKIM-Identity, or NULL */
    const char *spf_dns;       /* SPF-DNS value, or NULL */
    const char *headers;       /* the original header block, CRLF ends */
    size_t headers_len;        /* its length */
    const char *body;          /* the original body (CRLF), or NULL */
    size_t body_len;           /* its length */
};

/* afrf_msg_build - append the report addressed to "to" (one or more
 * addresses separated by ", "; each must pass deliver_addr_ok) to out,
 * dated now.  0, or -1 with *why: an address or the Message-ID domain
 * refused, or out's maximum exceeded. */
int afrf_msg_build(const struct afrf_report *r, const char *to, int64_t now,
                   struct buf *out, const char **why) WARN_UNUSED;

/* AFRF_MSG_MAX_SPF_DNS - an SPF-DNS value: "txt : " domain " : " and the
 * record as a quoted-string; a record of up to ~3800 bytes (an SPF record
 * is meant to fit one 512-byte UDP answer, RFC 7208 section 3.4) */
#define AFRF_MSG_MAX_SPF_DNS 4096

/* afrf_msg_spf_dns - the SPF-DNS value (RFC 6591 section 3.2:
 * "txt" ":" domain ":" the record as an RFC 5322 quoted-string, '"' and
 * '\' escaped as quoted-pairs) of the TXT record (rec_len bytes) found
 * at domain, into out (size bytes).  0, or -1 when it does not fit (the
 * field is then left out: a record is never cut). */
int afrf_msg_spf_dns(const char *domain, const char *rec, size_t rec_len,
                     char *out, size_t size) WARN_UNUSED;

/* afrf_msg_subject - the Subject: "DMARC failure report for <domain>
 * from <source-ip>" into out (size bytes), unsafe bytes as '?'. */
void afrf_msg_subject(const struct afrf_report *r, char *out, size_t size);

#endif
