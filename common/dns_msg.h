/*
 * dns_msg - read one DNS response for common/dns: the rcode, the CNAME
 * chain from the query name, the records of the asked type at its end,
 * and the negative-caching TTL.
 *
 * Internal to the dns module (dns.c and the unit tests include it).
 *
 * Thread safety: pure; the result belongs to the caller.
 */
#ifndef DMARC_COMMON_DNS_MSG_H
#define DMARC_COMMON_DNS_MSG_H

#include <arpa/nameser.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dns.h"
#include "common/log.h"

/* what one response says about the name asked */
struct dns_msg_result {
    int rcode;                 /* header RCODE (ns_r_noerror, ...) */
    char target[NS_MAXDNAME];  /* end of the CNAME chain (the query name
                                  when there is none); no trailing dot */
    size_t hops;               /* CNAMEs followed in this response */
    uint32_t chain_ttl;        /* smallest TTL of those CNAMEs, or
                                  UINT32_MAX when there are none */
    uint32_t neg_ttl;          /* RFC 2308 negative TTL: min(SOA TTL, SOA
                                  MINIMUM) from the authority section, or
                                  DNS_DEFAULT_NEG_TTL without an SOA */
    struct dns_answer *answer; /* records of the type owned by target
                                  (ttl: their smallest), or NULL; owned,
                                  free with dns_answer_free */
};

/* dns_msg_parse - read the response msg[0..len) to a query for qname
 * (normalised: lower case, no trailing dot) and type, following at most
 * DNS_MAX_CNAME_HOPS CNAMEs (the caller bounds the total over
 * re-queries).  Returns 0 with *out filled, or -1 with *why a static
 * reason: a malformed message, a record of the type whose data does not
 * parse, more than DNS_MAX_RR records, or a longer CNAME chain. */
int dns_msg_parse(const unsigned char *msg, size_t len, const char *qname,
                  enum dns_type type, struct dns_msg_result *out,
                  const char **why) WARN_UNUSED;

#endif
