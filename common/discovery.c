/*
 * discovery - DMARC policy discovery (RFC 7489 §6.6.3).
 *
 * Steps 1-6 of §6.6.3 over an injected TXT lookup: the From domain, then
 * its Organizational Domain (libpsl, orgdomain.c), discarding non-DMARC
 * records, refusing zero or several records, and applying step 6 through
 * dmarc_rec_parse().  It does not evaluate alignment or decide what to do
 * with the message, and does not implement the RFC 9989 tree walk (a
 * later, separate method).
 *
 * Decisions:
 *   - A DNS temporary failure at either query is TEMPERROR (§6.6.3 "DNS
 *     errors"; RFC 9989 §5.3.6), never NONE.  NXDOMAIN, NODATA and an
 *     unqueryable name all mean "no records here".
 *   - "_dmarc." plus a From domain longer than 246 bytes exceeds 253
 *     bytes: that name cannot hold a record, so it counts as empty and the
 *     search goes on at the Organizational Domain.
 *   - Several DMARC records at the From domain end the search (step 3
 *     falls back only when the set is empty; step 5).
 *   - A From domain that is a public suffix has no Organizational Domain
 *     (§3.2): only its own name is queried (§6.6.1: public suffixes are
 *     not exempt).
 *
 * STANDARDS: RFC 7489 §3.2, §6.1, §6.6.1, §6.6.3; RFC 9989 §5.3.6.
 * Thread safety: no shared state; see discovery.h.
 */
#include "common/discovery.h"

#include <string.h>

/* QNAME_SIZE - room for "_dmarc." plus the longest name, and the NUL */
#define QNAME_SIZE (sizeof(DISCOVERY_PREFIX) + DOMAIN_MAX_LEN)

/* what one query produced after discarding non-DMARC records */
enum step {
    STEP_EMPTY,   /* no DMARC record */
    STEP_ONE,     /* exactly one, parsed into res->rec */
    STEP_MANY,    /* more than one */
    STEP_TEMPFAIL /* the query failed temporarily */
};

/* keep_records - steps 2 and 4: parse each TXT record of a, keep the
 * first DMARC one in res->rec; returns how many DMARC records there were
 * (stops counting at 2) */
static size_t
keep_records(const struct dns_answer *a, struct discovery_result *res,
             enum dmarc_rec_status *st)
{
    size_t n = 0;

    for (size_t i = 0; i < a->count && n < 2; i++) {
        struct str text = str_make(a->rr[i].text, a->rr[i].text_len);
        struct dmarc_rec rec;
        const char *why = NULL;
        enum dmarc_rec_status s = dmarc_rec_parse(text, &rec, &why);

        if (s == DMARC_REC_NOT_DMARC) {
            dmarc_rec_free(&rec);
            continue;
        }
        if (++n == 1) {
            res->rec = rec;
            res->has_rec = true;
            res->why = why;
            *st = s;
        } else {
            dmarc_rec_free(&rec);
        }
    }
    return n;
}

/* try_name - query _dmarc.<domain> and sort the answer */
static enum step
try_name(const struct discovery_dns *dns, const char *domain,
         struct discovery_result *res, enum dns_status *dns_st,
         enum dmarc_rec_status *rec_st)
{
    char qname[QNAME_SIZE];
    struct dns_answer *a = NULL;
    size_t n;

    if (strlen(domain) + sizeof(DISCOVERY_PREFIX) - 1 > DNS_MAX_NAME) {
        *dns_st = DNS_BADNAME;
        return STEP_EMPTY;
    }
    memcpy(qname, DISCOVERY_PREFIX, sizeof(DISCOVERY_PREFIX) - 1);
    memcpy(qname + sizeof(DISCOVERY_PREFIX) - 1, domain, strlen(domain) + 1);
    *dns_st = dns->txt(dns->arg, qname, &a);
    if (*dns_st == DNS_TEMPFAIL)
        return STEP_TEMPFAIL;
    if (*dns_st != DNS_OK || a == NULL)
        return STEP_EMPTY;
    n = keep_records(a, res, rec_st);
    dns->free_answer(dns->arg, a);
    if (n == 0)
        return STEP_EMPTY;
    if (n == 1)
        return STEP_ONE;
    dmarc_rec_free(&res->rec);
    res->has_rec = false;
    res->why = "several DMARC records";
    return STEP_MANY;
}

/* conclude - turn the last step into the result */
static enum discovery_status
conclude(struct discovery_result *res, enum step step,
         enum dmarc_rec_status rec_st, const char *name)
{
    switch (step) {
    case STEP_TEMPFAIL:
        res->why = "DNS temporary failure";
        return DISCOVERY_TEMPERROR;
    case STEP_EMPTY:
        res->where = DISCOVERY_AT_NOWHERE;
        return DISCOVERY_NONE;
    case STEP_MANY:
        memcpy(res->policy_domain, name, strlen(name) + 1);
        return DISCOVERY_MULTIPLE;
    case STEP_ONE:
        break;
    }
    memcpy(res->policy_domain, name, strlen(name) + 1);
    if (rec_st != DMARC_REC_OK)
        return DISCOVERY_PERMERROR;
    res->why = NULL;
    res->policy = res->where == DISCOVERY_AT_ORG ? res->rec.sp : res->rec.p;
    return DISCOVERY_FOUND;
}

/* set_org - the Organizational Domain of res->from_domain, "" if none */
static void
set_org(const struct orgdomain *od, struct discovery_result *res)
{
    const char *org = NULL;

    if (orgdomain_lookup(od, res->from_domain, &org) == ORGDOMAIN_OK)
        memcpy(res->org_domain, org, strlen(org) + 1);
}

enum discovery_status
discovery_run(const struct discovery_dns *dns, const struct orgdomain *od,
              struct str from_domain, struct discovery_result *res)
{
    enum dmarc_rec_status rec_st = DMARC_REC_OK;
    enum step step;
    const char *name;

    memset(res, 0, sizeof(*res));
    if (domain_normalize(from_domain, 0, res->from_domain, &res->why) !=
        DOMAIN_OK) {
        res->status = DISCOVERY_BAD_DOMAIN;
        return res->status;
    }
    set_org(od, res);
    name = res->from_domain;
    res->where = DISCOVERY_AT_FROM;
    step = try_name(dns, name, res, &res->from_dns, &rec_st);
    if (step == STEP_EMPTY && res->org_domain[0] != '\0' &&
        !domain_eq(res->org_domain, res->from_domain)) {
        name = res->org_domain;
        res->where = DISCOVERY_AT_ORG;
        res->is_org_tried = true;
        step = try_name(dns, name, res, &res->org_dns, &rec_st);
    }
    res->status = conclude(res, step, rec_st, name);
    return res->status;
}

void
discovery_result_free(struct discovery_result *res)
{
    if (res == NULL)
        return;
    dmarc_rec_free(&res->rec);
    res->has_rec = false;
}

const char *
discovery_status_str(enum discovery_status st)
{
    switch (st) {
    case DISCOVERY_FOUND:
        return "found";
    case DISCOVERY_NONE:
        return "none";
    case DISCOVERY_MULTIPLE:
        return "multiple";
    case DISCOVERY_TEMPERROR:
        return "temperror";
    case DISCOVERY_PERMERROR:
        return "permerror";
    case DISCOVERY_BAD_DOMAIN:
        return "bad-domain";
    }
    return "unknown";
}
