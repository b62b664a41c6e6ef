/*
 * discovery - DMARC policy discovery (RFC 7489 §6.6.3).
 *
 * Finds the policy record for a From domain: TXT at _dmarc.<From domain>,
 * then, when that holds no DMARC record, at _dmarc.<Organizational
 * Domain> if it differs.  Non-DMARC TXT records are discarded at both
 * steps; zero or several DMARC records at the name where the search
 * stopped mean no policy (kept apart: NONE, MULTIPLE).  A temporary DNS
 * failure at either step is TEMPERROR, never "no policy".  A From domain
 * that is itself a public suffix has no Organizational Domain, so only its
 * own name is queried: _dmarc.<public suffix> is never used as a fallback.
 *
 * DNS goes through struct discovery_dns, so unit tests inject answers and
 * real programs use discovery_dns_resolver() (discovery_dns.h).
 *
 * Thread safety: discovery_run() is thread-safe when the lookup callback
 * and the orgdomain context are (dns_query() and orgdomain_lookup() are).
 */
#ifndef DMARC_COMMON_DISCOVERY_H
#define DMARC_COMMON_DISCOVERY_H

#include <stdbool.h>

#include "common/dmarc_rec.h"
#include "common/dns.h"
#include "common/domain.h"
#include "common/log.h"
#include "common/orgdomain.h"
#include "common/str.h"

/* DISCOVERY_PREFIX - the owner name prefix of policy records (§6.1) */
#define DISCOVERY_PREFIX "_dmarc."

/* discovery_txt_fn - look up the TXT records of name (like dns_query());
 * on DNS_OK *out is an answer released with the matching free function */
typedef enum dns_status discovery_txt_fn(void *arg, const char *name,
                                         struct dns_answer **out);

/* discovery_free_fn - release an answer of discovery_txt_fn */
typedef void discovery_free_fn(void *arg, struct dns_answer *a);

/* how discovery reaches DNS */
struct discovery_dns {
    discovery_txt_fn *txt;          /* TXT lookup */
    discovery_free_fn *free_answer; /* releases what txt returned */
    void *arg;                      /* passed to both */
};

/* outcome of discovery_run() */
enum discovery_status {
    DISCOVERY_FOUND = 0,     /* one usable record; policy set */
    DISCOVERY_NONE = 1,      /* no DMARC record at either name */
    DISCOVERY_MULTIPLE = 2,  /* several DMARC records at one name */
    DISCOVERY_TEMPERROR = 3, /* a DNS query failed temporarily */
    DISCOVERY_PERMERROR = 4, /* one DMARC record, unusable (why) */
    DISCOVERY_BAD_DOMAIN = 5 /* the From domain is not a valid name */
};

/* where the search stopped */
enum discovery_where {
    DISCOVERY_AT_NOWHERE = 0, /* no name held a DMARC record */
    DISCOVERY_AT_FROM = 1,    /* _dmarc.<From domain> */
    DISCOVERY_AT_ORG = 2      /* _dmarc.<Organizational Domain> */
};

/* the result of one discovery */
struct discovery_result {
    enum discovery_status status;        /* as returned */
    const char *why;                     /* static reason for PERMERROR,
                                            BAD_DOMAIN, TEMPERROR; or NULL */
    char from_domain[DOMAIN_BUF_SIZE];   /* normalised From domain */
    char org_domain[DOMAIN_BUF_SIZE];    /* its Organizational Domain; ""
                                            when it is a public suffix */
    char policy_domain[DOMAIN_BUF_SIZE]; /* the name whose record(s) ended
                                            the search ("" if none) */
    enum discovery_where where;          /* which name that was */
    bool is_org_tried;                   /* the fallback query was sent
                                            (OpenDMARC's history pdomain is
                                            then org_domain) */
    enum dns_status from_dns;            /* outcome of the first query */
    enum dns_status org_dns;             /* of the fallback (if tried) */
    bool has_rec;                        /* rec holds a record (FOUND, or
                                            PERMERROR: the partial parse) */
    struct dmarc_rec rec;                /* the record; owned */
    enum dmarc_rec_policy policy;        /* applicable policy when FOUND:
                                            p at the From domain; sp (which
                                            defaults to p) for a subdomain
                                            found at the org domain */
};

/* discovery_run - discover the policy for from_domain (untrusted text,
 * normalised here with domain_normalize()), using dns for lookups and od
 * for the Organizational Domain.  Fills *res (previous contents are not
 * freed), which the caller releases with discovery_result_free() whatever
 * the status.  Returns res->status.  Thread-safe as described above. */
enum discovery_status discovery_run(const struct discovery_dns *dns,
                                    const struct orgdomain *od,
                                    struct str from_domain,
                                    struct discovery_result *res) WARN_UNUSED;

/* discovery_result_free - release what res owns (NULL is a no-op). */
void discovery_result_free(struct discovery_result *res);

/* discovery_status_str - "found", "none", "multiple", "temperror",
 * "permerror", "bad-domain". */
const char *discovery_status_str(enum discovery_status st);

#endif
