/*
 * upstream - the authentication results a trusted upstream verifier left
 * in the message: every DKIM result and the SPF result of the
 * Authentication-Results fields whose authserv-id is trusted (RFC 8601
 * section 5), and the SPF result of the first Received-SPF field (RFC
 * 7208 section 9.1) when it may stand for the MAIL FROM check
 * (CVE-2019-20790).
 *
 * It never looks at an Authentication-Results field from an untrusted
 * authserv-id, never runs SPF itself (spf.c) and never decides alignment
 * (policy.c).  Domains are kept normalised (lower-case A-labels), as
 * policy_evaluate() wants them.
 *
 * Thread safety: pure; the caller owns every argument.
 */
#ifndef DMARC_MILTER_UPSTREAM_H
#define DMARC_MILTER_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "common/domain.h"
#include "history/hist_fmt.h"
#include "milter/auth_result.h"
#include "milter/msg.h"

/* UPSTREAM_MAX_DKIM - DKIM results kept per message: as many as a
 * history record holds (HIST_MAX_DKIM); further ones are dropped */
#define UPSTREAM_MAX_DKIM HIST_MAX_DKIM

/* one DKIM result (RFC 8601 section 2.7.1) */
struct upstream_dkim {
    char domain[DOMAIN_BUF_SIZE];   /* header.d (else the domain of
                                       header.i), normalised */
    char selector[DOMAIN_BUF_SIZE]; /* header.s as written, or "" */
    enum auth_result result;        /* the result word */
};

/* where the SPF result came from */
enum upstream_spf_source {
    UPSTREAM_SPF_NONE = 0,     /* no usable upstream SPF result */
    UPSTREAM_SPF_AUTHRES,      /* a trusted Authentication-Results */
    UPSTREAM_SPF_RECEIVED_SPF, /* the first Received-SPF field */
};

/* what upstream said about one message */
struct upstream {
    struct upstream_dkim dkim[UPSTREAM_MAX_DKIM]; /* in header order */
    size_t n_dkim;                                /* entries of dkim */
    enum upstream_spf_source spf_source;          /* NONE: no SPF below */
    enum auth_result spf;                         /* the SPF result */
    bool is_spf_helo;                 /* the HELO identity was checked */
    char spf_domain[DOMAIN_BUF_SIZE]; /* the domain checked, or "" */
    size_t n_ignored;                 /* A-R fields ignored: untrusted,
                                         malformed or over limits */
    size_t n_arc_fields;              /* trusted A-R fields with an "arc"
                                         result (RFC 8617 section 7.2) */
};

/* what upstream_collect() reads; all borrowed */
struct upstream_input {
    const struct msg_hdr *hdrs; /* the message's header fields */
    size_t n_hdrs;              /* entries of hdrs */
    const char *const *trusted; /* trusted authserv-ids */
    size_t n_trusted;           /* entries of trusted */
    const char *mfrom_domain;   /* MAIL FROM domain, or NULL / "" */
    bool is_spf_wanted;         /* false: SPFIgnoreResults, no SPF */
};

/* upstream_collect - fill *out from in.  The SPF result is the first
 * one of a trusted Authentication-Results field; failing that, the first
 * Received-SPF field when received_spf_is_usable() says it checked MAIL
 * FROM for mfrom_domain.  Never fails: malformed fields are skipped and
 * counted.  Thread-safe. */
void upstream_collect(const struct upstream_input *in, struct upstream *out);

#endif
