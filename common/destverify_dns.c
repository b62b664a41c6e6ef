/*
 * destverify_dns - destverify's callbacks over the real resolver and the
 * public suffix list.
 *
 * The TXT callback keeps the dns_answer until the next call (destverify
 * borrows the records that long) and maps NXDOMAIN and NODATA to "none",
 * a bad name to "none" (verification fails), a temporary failure to
 * "tempfail".  The resolver joins a record's character-strings, so a
 * record split over several strings is seen whole.  The org callback
 * normalises the name and asks the public suffix list.
 *
 * STANDARDS: RFC 7489 sections 7.1 and 3.2; RFC 7208 section 3.3
 * (joining TXT strings).
 * Thread safety: one adapter per thread.
 */
#include "common/destverify_dns.h"

#include <stdlib.h>

#include "common/xalloc.h"

void
destverify_dns_init(struct destverify_dns *d, struct dns_resolver *r,
                    const struct orgdomain *od)
{
    d->r = r;
    d->od = od;
    d->last = NULL;
    d->txt = NULL;
    d->txt_cap = 0;
    d->norm[0] = '\0';
}

void
destverify_dns_release(struct destverify_dns *d)
{
    dns_answer_free(d->last);
    d->last = NULL;
    free(d->txt);
    d->txt = NULL;
    d->txt_cap = 0;
}

/* adapter_txt - destverify_txt_fn over dns_query() */
static enum destverify_lookup
adapter_txt(void *ctx, const char *qname, const struct str **txt, size_t *count)
{
    struct destverify_dns *d = ctx;
    enum dns_status st;

    dns_answer_free(d->last);
    d->last = NULL;
    st = dns_query(d->r, qname, DNS_T_TXT, &d->last);
    if (st == DNS_TEMPFAIL)
        return DESTVERIFY_LOOKUP_TEMPFAIL;
    if (st != DNS_OK || d->last == NULL)
        return DESTVERIFY_LOOKUP_NONE;
    if (d->last->count > d->txt_cap) {
        d->txt = xreallocarray(d->txt, d->last->count, sizeof(*d->txt));
        d->txt_cap = d->last->count;
    }
    for (size_t i = 0; i < d->last->count; i++)
        d->txt[i] = str_make(d->last->rr[i].text, d->last->rr[i].text_len);
    *txt = d->txt;
    *count = d->last->count;
    return DESTVERIFY_LOOKUP_OK;
}

/* adapter_org - destverify_org_fn over orgdomain_lookup() */
static const char *
adapter_org(void *ctx, const char *domain)
{
    struct destverify_dns *d = ctx;
    const char *why = NULL;
    const char *org = NULL;

    if (domain_normalize(str_cstr(domain), DOMAIN_F_UNDERSCORE, d->norm,
                         &why) != DOMAIN_OK)
        return NULL;
    if (orgdomain_lookup(d->od, d->norm, &org) != ORGDOMAIN_OK)
        return NULL;
    return org;
}

struct destverify_ops
destverify_dns_ops(struct destverify_dns *d)
{
    struct destverify_ops ops = { adapter_txt, adapter_org, d };

    return ops;
}
