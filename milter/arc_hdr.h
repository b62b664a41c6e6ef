/*
 * arc_hdr - the one parser of the ARC-Seal and ARC-Authentication-Results
 * header fields (RFC 8617), as far as DMARC reporting needs them.
 *
 * arc_hdr_seal() reads an ARC-Seal, a DKIM-style tag-list (RFC 6376
 * section 3.2), and keeps its instance (i=), sealing domain (d=),
 * selector (s=) and chain validation status (cv=); a=, b= and t= (and any
 * unknown tag, as RFC 6376 requires) are checked for syntax and skipped.
 * arc_hdr_aar() reads an ARC-Authentication-Results field: the i= tag,
 * then an Authentication-Results payload handed to authres_parse(), from
 * which it takes the client IP address the sealer saw.
 *
 * What it does not do: verify a signature, judge a chain (the trusted
 * upstream verifier did that and said so in its Authentication-Results,
 * see arc_policy), or log: a malformed or oversized field is reported
 * through the status and *why, and the caller logs it once and ignores
 * the field.
 *
 * Thread safety: pure; every result lives in the caller's struct.
 */
#ifndef DMARC_MILTER_ARC_HDR_H
#define DMARC_MILTER_ARC_HDR_H

#include <stdbool.h>
#include <stddef.h>

#include "common/domain.h"
#include "common/log.h"
#include "common/str.h"

/* ARC_HDR_MAX_INSTANCE - highest instance number: RFC 8617 section 4.2.1
 * limits a chain to 50 ARC sets */
#define ARC_HDR_MAX_INSTANCE 50
/* ARC_HDR_MAX_SEAL_LEN - bytes of one ARC-Seal analysed: the b= of an
 * 8192-bit RSA signature is 1 366 base64 bytes, the other tags fit in a
 * few hundred; a longer field is ignored (ARC_HDR_LIMIT), OpenDMARC's
 * 1.4.2 crashed on 3072-bit ones (its issue #183) */
#define ARC_HDR_MAX_SEAL_LEN 8192
/* ARC_HDR_MAX_TAGS - tags in one ARC-Seal: RFC 8617 section 4.1.3 defines
 * seven (a, b, cv, d, i, s, t); twice that leaves room for extensions */
#define ARC_HDR_MAX_TAGS 16
/* ARC_HDR_IP_SIZE - a textual IPv6 address and its NUL (INET6_ADDRSTRLEN) */
#define ARC_HDR_IP_SIZE 46

/* outcome of a parse */
enum arc_hdr_status {
    ARC_HDR_OK = 0, /* parsed */
    ARC_HDR_SYNTAX, /* malformed: ignore the field */
    ARC_HDR_LIMIT   /* too long or too many tags: ignore the field */
};

/* cv=, the chain validation status the sealer saw (RFC 8617 4.1.3) */
enum arc_hdr_cv {
    ARC_HDR_CV_UNKNOWN = 0, /* absent or not one of the words below */
    ARC_HDR_CV_NONE,        /* none */
    ARC_HDR_CV_PASS,        /* pass */
    ARC_HDR_CV_FAIL         /* fail */
};

/* one parsed ARC-Seal */
struct arc_hdr_seal {
    unsigned instance;              /* i=, 1..ARC_HDR_MAX_INSTANCE */
    char domain[DOMAIN_BUF_SIZE];   /* d= as written, "" when absent */
    char selector[DOMAIN_BUF_SIZE]; /* s= as written, "" when absent */
    enum arc_hdr_cv cv;             /* cv= */
};

/* one parsed ARC-Authentication-Results */
struct arc_hdr_aar {
    unsigned instance;        /* i=, 1..ARC_HDR_MAX_INSTANCE */
    char ip[ARC_HDR_IP_SIZE]; /* client IP the sealer recorded, or "" */
};

/* arc_hdr_seal - parse the value of one ARC-Seal field (the text after
 * the colon, folding included; borrowed).  i= is required (1..50); d=
 * and s=, when present, must be domain-like tokens (letters, digits,
 * '-', '.', '_'; at most 253 bytes) and are kept as written (case kept,
 * as OpenDMARC records them).  Leniency: d= and s= may be absent (the
 * seal is then recorded with empty strings; Debian's OpenDMARC does the
 * same).  A repeated tag makes the list invalid (RFC 6376 section 3.2).
 * Returns ARC_HDR_OK with *out filled, or another status with *why
 * (static text) and *out zeroed.  why may be NULL.  Thread-safe. */
enum arc_hdr_status arc_hdr_seal(struct str value, struct arc_hdr_seal *out,
                                 const char **why) WARN_UNUSED;

/* arc_hdr_aar - parse the value of one ARC-Authentication-Results field:
 * "i=N;" then an RFC 8601 payload (authserv-id and results), parsed by
 * authres_parse() under its limits.  The client IP is, as OpenDMARC
 * takes it, the smtp.remote-ip (or the older smtp.client-ip) property of
 * the payload's "arc" result; failing that, the same property of any
 * other result, then the policy.iprev property of an "iprev" result.  A
 * value that is not an IPv4 or IPv6 address is not taken.  Returns as
 * arc_hdr_seal.  why may be NULL.  Thread-safe. */
enum arc_hdr_status arc_hdr_aar(struct str value, struct arc_hdr_aar *out,
                                const char **why) WARN_UNUSED;

/* arc_hdr_status_name - "ok", "syntax" or "limit".  Static. */
const char *arc_hdr_status_name(enum arc_hdr_status st);

#endif
