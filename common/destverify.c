/*
 * destverify - RFC 7489 section 7.1 external destination verification.
 *
 * Compares organizational domains, builds the query name, asks the TXT
 * callback and keeps the first record that begins with v=DMARC1, as the
 * one DMARC record parser's version test (dmarc_rec_is_dmarc) says.  It
 * does not parse the rest of the record (the caller hands it to
 * dmarc_rec_parse for the rua/ruf replacement), cache answers (the DNS
 * layer does) or look at URIs.
 *
 * STANDARDS: RFC 7489 section 7.1 (with errata 5440 and 6439: compare
 * organizational domains; v=DMARC1 with or without ";"), section 6.4
 * (version tag grammar); RFC 9990 section 4 (name length, optional ";");
 * RFC 1035 section 2.3.4 (name length).
 *
 * Ownership: the record copy goes to the caller.  Thread safety:
 * reentrant.
 */
#include "common/destverify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/dmarc_rec.h"
#include "common/xalloc.h"

/* trim_dot - len of name without one trailing dot */
static size_t
trim_dot(const char *name)
{
    size_t len = strlen(name);

    return len > 0 && name[len - 1] == '.' ? len - 1 : len;
}

/* same_org - true when both names have the same organizational domain */
static bool
same_org(const struct destverify_ops *ops, const char *a, const char *b)
{
    char *org_a;
    const char *org_b;
    bool is_same;

    org_b = ops->org(ops->ctx, a);
    if (org_b == NULL)
        return false;
    org_a = xstrdup(org_b); /* borrowed only until the next call */
    org_b = ops->org(ops->ctx, b);
    is_same = org_b != NULL && ascii_casecmp(org_a, org_b) == 0;
    free(org_a);
    return is_same;
}

/* make_name - policy._report._dmarc.host into out; -1 when too long or a
 * part is empty */
static int
make_name(const char *policy, const char *host, char *out, size_t out_size)
{
    size_t plen = strlen(policy);
    size_t hlen = strlen(host);
    int n;

    if (plen == 0 || hlen == 0 || plen > DESTVERIFY_MAX_NAME ||
        hlen > DESTVERIFY_MAX_NAME)
        return -1;
    n = snprintf(out, out_size, "%.*s._report._dmarc.%.*s", (int)plen, policy,
                 (int)hlen, host);
    if (n < 0 || (size_t)n >= out_size || (size_t)n > DESTVERIFY_MAX_NAME)
        return -1;
    return 0;
}

/* first_dmarc1 - a copy of the first record of txt that starts with
 * v=DMARC1, or NULL */
static char *
first_dmarc1(const struct str *txt, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (dmarc_rec_is_dmarc(txt[i]))
            return xmemdup0(txt[i].p, txt[i].len);
    }
    return NULL;
}

/* lookup - the DNS part of destverify_check for names without dots */
static enum destverify_status
lookup(const struct destverify_ops *ops, const char *policy, const char *host,
       char **record, const char **why)
{
    char qname[2 * DESTVERIFY_MAX_NAME + 32]; /* checked against the limit */
    const struct str *txt = NULL;
    size_t count = 0;

    if (make_name(policy, host, qname, sizeof(qname)) < 0) {
        *why = "verification name empty or longer than 253";
        return DESTVERIFY_UNVERIFIED;
    }
    switch (ops->txt(ops->ctx, qname, &txt, &count)) {
    case DESTVERIFY_LOOKUP_OK:
        break;
    case DESTVERIFY_LOOKUP_TEMPFAIL:
        *why = "temporary DNS failure on the _report._dmarc record";
        return DESTVERIFY_DEFERRED;
    case DESTVERIFY_LOOKUP_NONE:
    default:
        *why = "no _report._dmarc record";
        return DESTVERIFY_UNVERIFIED;
    }
    *record = first_dmarc1(txt, count);
    if (*record == NULL) {
        *why = "no _report._dmarc record starts with v=DMARC1";
        return DESTVERIFY_UNVERIFIED;
    }
    return DESTVERIFY_OK;
}

enum destverify_status
destverify_check(const struct destverify_ops *ops, const char *policy_domain,
                 const char *dest_host, bool *is_external, char **record,
                 const char **why)
{
    char *policy = xstrndup(policy_domain, trim_dot(policy_domain));
    char *host = xstrndup(dest_host, trim_dot(dest_host));
    enum destverify_status st = DESTVERIFY_OK;

    *record = NULL;
    *is_external = !same_org(ops, policy, host);
    if (*is_external)
        st = lookup(ops, policy, host, record, why);
    free(policy);
    free(host);
    return st;
}

const char *
destverify_status_str(enum destverify_status st)
{
    switch (st) {
    case DESTVERIFY_OK:
        return "ok";
    case DESTVERIFY_UNVERIFIED:
        return "unverified";
    case DESTVERIFY_DEFERRED:
        return "deferred";
    }
    log_panic("destverify: status %d", (int)st);
}
