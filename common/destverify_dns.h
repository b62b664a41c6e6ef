/*
 * destverify_dns - destverify's callbacks over the real resolver and the
 * public suffix list.
 *
 * Kept apart from destverify.c so that programs and tests which do not
 * link the resolver can use destverify with injected answers.
 *
 * Thread safety: one struct destverify_dns per thread (it holds the last
 * answer); the resolver and the list are shared as dns.h and orgdomain.h
 * allow.
 */
#ifndef DMARC_COMMON_DESTVERIFY_DNS_H
#define DMARC_COMMON_DESTVERIFY_DNS_H

#include <stddef.h>

#include "common/destverify.h"
#include "common/dns.h"
#include "common/domain.h"
#include "common/orgdomain.h"

/* the adapter's state */
struct destverify_dns {
    struct dns_resolver *r;     /* resolver (reference kept) */
    const struct orgdomain *od; /* public suffix list (reference) */
    struct dns_answer *last;    /* the last TXT answer, owned */
    struct str *txt;            /* its records as slices, owned */
    size_t txt_cap;             /* slices allocated */
    char norm[DOMAIN_BUF_SIZE]; /* the last normalised name */
};

/* destverify_dns_init - an adapter over r and od, which must outlive it.
 * Release with destverify_dns_release. */
void destverify_dns_init(struct destverify_dns *d, struct dns_resolver *r,
                         const struct orgdomain *od);

/* destverify_dns_ops - the callbacks for destverify_check(), bound to d. */
struct destverify_ops destverify_dns_ops(struct destverify_dns *d);

/* destverify_dns_release - free the last answer (d may be used again). */
void destverify_dns_release(struct destverify_dns *d);

#endif
