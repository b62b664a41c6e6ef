/*
 * destverify - RFC 7489 section 7.1: may reports for a policy domain go to
 * a destination in another organizational domain?
 *
 * When the organizational domain of the destination host (the host part
 * of a rua or ruf mailto: URI) differs from that of the policy domain,
 * the destination must publish a TXT record at
 * <policy-domain>._report._dmarc.<destination-host> beginning with
 * v=DMARC1; a wildcard *._report._dmarc.<host> serves any domain.  The
 * aggregate reporter and the milter (ruf) both ask here.
 *
 * DNS and the organizational domain come in through callbacks, so the
 * check is tested with injected answers and wired to common/dns and the
 * domain module by the programs.
 *
 * Thread safety: reentrant; the callbacks decide about their context.
 */
#ifndef DMARC_COMMON_DESTVERIFY_H
#define DMARC_COMMON_DESTVERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "common/str.h"

/* DESTVERIFY_MAX_NAME - the query name, RFC 1035 section 2.3.4 (RFC 9990
 * section 4: a name over the limit fails verification) */
#define DESTVERIFY_MAX_NAME 253

/* outcome of a TXT lookup made by the callback */
enum destverify_lookup {
    DESTVERIFY_LOOKUP_OK = 0,      /* records in *txt */
    DESTVERIFY_LOOKUP_NONE = 1,    /* no such name, or no TXT record */
    DESTVERIFY_LOOKUP_TEMPFAIL = 2 /* SERVFAIL, timeout: ask again later */
};

/* outcome of a check */
enum destverify_status {
    DESTVERIFY_OK = 0,         /* the destination may receive reports */
    DESTVERIFY_UNVERIFIED = 1, /* no authorization: the URI MUST be
                                  ignored (section 7.1 step 5) */
    DESTVERIFY_DEFERRED = 2    /* temporary DNS failure: keep the report
                                  for that destination, check again on a
                                  later run (section 7.1 "MAY defer") */
};

/* destverify_txt_fn - look up the TXT records of qname.  On OK, *txt and
 * *count get the records, each the concatenation of its character-strings
 * (RFC 7208 section 3.3 style), borrowed from ctx until its next call. */
typedef enum destverify_lookup destverify_txt_fn(void *ctx, const char *qname,
                                                 const struct str **txt,
                                                 size_t *count);

/* destverify_org_fn - the organizational domain of domain (no trailing
 * dot), borrowed from domain or ctx until the next call, or NULL when it
 * cannot be determined (the check then treats the domains as different,
 * the safe side). */
typedef const char *destverify_org_fn(void *ctx, const char *domain);

/* the callbacks */
struct destverify_ops {
    destverify_txt_fn *txt; /* TXT lookups */
    destverify_org_fn *org; /* organizational domains */
    void *ctx;              /* passed to both */
};

/* destverify_check - may reports about policy_domain (an A-label, as the
 * record was found) go to dest_host?  *is_external is set when the
 * organizational domains differ (so DNS was asked).  On DESTVERIFY_OK
 * after a DNS check, *record gets a copy of the first record that starts
 * with v=DMARC1 (dmarc_rec_is_dmarc: with or without ";", erratum 5440
 * and RFC 9990 section 4) (the caller frees it with free(), and parses it with
 * the DMARC record parser for the rua/ruf replacement of section 7.1 step 7;
 * the same-host rule applies there); otherwise *record is NULL.  *why
 * gets a static reason for UNVERIFIED and DEFERRED. */
enum destverify_status destverify_check(const struct destverify_ops *ops,
                                        const char *policy_domain,
                                        const char *dest_host,
                                        bool *is_external, char **record,
                                        const char **why) WARN_UNUSED;

/* destverify_status_str - "ok", "unverified", "deferred". */
const char *destverify_status_str(enum destverify_status st);

#endif
