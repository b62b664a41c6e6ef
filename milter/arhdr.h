/*
 * arhdr - the header fields the milter adds: Authentication-Results
 * (RFC 8601) in OpenDMARC's shape, and DMARC-Filter (SoftwareHeader).
 *
 * DMARC:  "<authserv-id>; dmarc=<result> (p=<policy> dis=<disposition>)
 *          header.from=<domain>"
 * SPF:    "<authserv-id>; spf=<result> smtp.mailfrom=<domain>" (or
 *          smtp.helo=<name> when MAIL FROM was null)
 * The shape is OpenDMARC's, so Sieve rules written for it keep working.
 * Values that are not RFC 2045 tokens are written as quoted strings
 * (OpenDMARC writes "<id>/<jobid>" bare, its issue #17); control bytes
 * are dropped, so untrusted text can never break the field.
 *
 * Thread safety: pure functions; the caller owns every buffer.
 */
#ifndef DMARC_MILTER_ARHDR_H
#define DMARC_MILTER_ARHDR_H

#include <stdbool.h>

#include "common/buf.h"
#include "common/log.h"

/* ARHDR_MAX - longest field value we build: a domain is at most 253 bytes
 * (RFC 1035), an authserv-id is an MTA host name; 2 KiB leaves room */
#define ARHDR_MAX 2048

/* what the DMARC result field says */
struct arhdr_dmarc {
    const char *authserv_id; /* AuthservID (or the MTA's {j}) */
    const char *jobid;       /* appended as "/jobid" when not NULL */
    const char *result;      /* none, pass, fail, temperror, permerror */
    const char *policy;      /* p= of the comment; NULL: no comment */
    const char *disposition; /* dis= of the comment */
    const char *from_domain; /* header.from; NULL: property left out */
    const char *override;    /* a local override the comment names
                                ("trusted_forwarder"), or NULL */
};

/* arhdr_dmarc - write the DMARC Authentication-Results value into out
 * (reset first).  Returns 0, or -1 when it would exceed out's maximum. */
int arhdr_dmarc(struct buf *out, const struct arhdr_dmarc *in) WARN_UNUSED;

/* arhdr_spf - write "<id>; spf=<result> smtp.mailfrom=<domain>" (or
 * smtp.helo when is_helo) into out (reset first).  jobid as above.
 * Returns 0 or -1 as arhdr_dmarc. */
int arhdr_spf(struct buf *out, const char *authserv_id, const char *jobid,
              const char *result, bool is_helo, const char *domain) WARN_UNUSED;

/* arhdr_software - the DMARC-Filter value: "dmarcsuite v<version>
 * <host> <jobid>" into out (reset first).  0 or -1 as above. */
int arhdr_software(struct buf *out, const char *host,
                   const char *jobid) WARN_UNUSED;

/* arhdr_put_value - append s as an RFC 2045 token, or as a quoted string
 * when it is not one (control bytes dropped).  0 or -1 as above. */
int arhdr_put_value(struct buf *out, const char *s) WARN_UNUSED;

#endif
