/*
 * dns - DNS lookups (TXT, A, AAAA, MX, PTR) through the system resolver,
 * with a per-query timeout, configurable name servers and a shared cache.
 *
 * Every DNS query of the suite goes through this module: DMARC records,
 * report-address checks and SPF (libspf2 gets a DNS layer built on it), so
 * the Nameservers and DNSTimeout settings and the cache apply to all.
 *
 * A temporary failure (SERVFAIL, timeout, no server reachable) is always
 * kept apart from "no such name" and "no such record": callers turn the
 * first into temperror, never into "no policy".
 *
 * Thread safety: a resolver is created once, before threads start, and is
 * then shared: dns_query() is thread-safe (one resolver state per thread,
 * the cache behind a mutex).
 */
#ifndef DMARC_COMMON_DNS_H
#define DMARC_COMMON_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "common/log.h"

/* DNS_MAX_NAME - a presentation-format name, RFC 1035 section 2.3.4 */
#define DNS_MAX_NAME 253
/* DNS_MAX_NAMESERVERS - glibc's MAXNS */
#define DNS_MAX_NAMESERVERS 3

/* outcome of a lookup */
enum dns_status {
    DNS_OK = 0,       /* at least one record of the type */
    DNS_NXDOMAIN = 1, /* the name does not exist (authoritative) */
    DNS_NODATA = 2,   /* the name exists, no record of this type */
    DNS_TEMPFAIL = 3, /* SERVFAIL, timeout, refused, unreachable server */
    DNS_BADNAME = 4   /* the query name is not a valid domain name */
};

/* record types, with their RFC 1035 / RFC 3596 codes */
enum dns_type {
    DNS_T_A = 1,
    DNS_T_PTR = 12,
    DNS_T_MX = 15,
    DNS_T_TXT = 16,
    DNS_T_AAAA = 28
};

/* one resource record of an answer */
struct dns_rr {
    char *text;             /* TXT: the character-strings concatenated;
                               A/AAAA: the address in text form;
                               MX: the exchange host; PTR: the target */
    size_t text_len;        /* length of text (TXT may hold NUL bytes) */
    uint16_t pref;          /* MX preference; 0 otherwise */
    unsigned char addr[16]; /* A: 4 bytes, AAAA: 16 bytes, network order */
};

/* the records of one name and type, after CNAMEs were followed */
struct dns_answer {
    struct dns_rr *rr; /* count records, in the order received */
    size_t count;      /* number of records (0 unless DNS_OK) */
    uint32_t ttl;      /* smallest TTL of the set (or negative TTL) */
};

/* resolver settings */
struct dns_options {
    const char *nameservers; /* NULL: /etc/resolv.conf; else a list such as
                                "127.0.0.1:5353, [::1]:53" */
    unsigned timeout;        /* seconds per query in all (0: 5) */
    size_t cache_max;        /* cached entries (0: no cache) */
};

struct dns_resolver;

/* dns_new - a resolver with the given options.  Returns NULL with *why set
 * when the name server list does not parse.  Caller frees with dns_free. */
struct dns_resolver *dns_new(const struct dns_options *opt, const char **why);

/* dns_free - release a resolver (NULL is a no-op).  No thread may still be
 * using it. */
void dns_free(struct dns_resolver *r);

/* dns_query - look up type records of name (case-insensitive, trailing dot
 * optional).  On DNS_OK, *out is an answer the caller frees with
 * dns_answer_free(); otherwise *out is NULL.  Answers come from the cache
 * while their TTL lasts, negative answers too.  Thread-safe. */
enum dns_status dns_query(struct dns_resolver *r, const char *name,
                          enum dns_type type,
                          struct dns_answer **out) WARN_UNUSED;

/* dns_answer_free - release an answer (NULL is a no-op). */
void dns_answer_free(struct dns_answer *a);

/* dns_status_str - "ok", "nxdomain", "nodata", "tempfail", "badname". */
const char *dns_status_str(enum dns_status st);

/* dns_queries_sent - number of queries sent to servers so far (cache hits
 * excluded); for tests and statistics.  Thread-safe. */
uint64_t dns_queries_sent(struct dns_resolver *r);

#endif
