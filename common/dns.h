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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"
#include "common/str.h"

/* DNS_MAX_NAME - a presentation-format name, RFC 1035 section 2.3.4 */
#define DNS_MAX_NAME 253
/* DNS_MAX_NAMESERVERS - glibc's MAXNS */
#define DNS_MAX_NAMESERVERS 3
/* DNS_MAX_LABEL - RFC 1035 section 2.3.4 */
#define DNS_MAX_LABEL 63
/* DNS_MAX_MSG - largest response read: the TCP length field's limit
 * (RFC 1035 section 4.2.2); a record set that large ends up here via the
 * TCP fallback after a truncated UDP answer */
#define DNS_MAX_MSG 65535
/* DNS_MAX_RR - records kept per answer; a larger set is no legitimate
 * DMARC, SPF, MX or PTR data and is reported as DNS_TEMPFAIL (logged),
 * never silently cut short */
#define DNS_MAX_RR 256
/* DNS_MAX_CNAME_HOPS - CNAMEs followed per lookup (within one response
 * and across re-queries together); a longer chain or a loop gives
 * DNS_TEMPFAIL, as a recursive resolver reports SERVFAIL for it */
#define DNS_MAX_CNAME_HOPS 8
/* DNS_MAX_TTL - positive answers are cached at most a day (as unbound's
 * cache-max-ttl), so a mistaken huge TTL cannot pin a record */
#define DNS_MAX_TTL 86400
/* DNS_MAX_NEG_TTL - negative answers: at most an hour (RFC 2308 section
 * 5 suggests 1-3 hours as the maximum) */
#define DNS_MAX_NEG_TTL 3600
/* DNS_DEFAULT_NEG_TTL - negative answers without an SOA record */
#define DNS_DEFAULT_NEG_TTL 60
/* DNS_DEFAULT_TIMEOUT - seconds per lookup when options say 0 */
#define DNS_DEFAULT_TIMEOUT 5

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
 * (a static reason; dns_nameservers_check() names the bad item) when the
 * name server list does not parse.  The whole wait of one lookup is
 * bounded by timeout: glibc's retrans and retry are set from it and the
 * number of servers (those of the list, or of /etc/resolv.conf), with a
 * floor of one second per server and round, so a timeout smaller than
 * the number of servers waits up to one second per server.  Following
 * a CNAME out of the answer costs one more lookup, with its own bound.
 * Caller frees with dns_free. */
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

/* dns_answer_dup - a deep copy of a (NULL gives NULL).  Caller frees with
 * dns_answer_free().  Thread-safe. */
struct dns_answer *dns_answer_dup(const struct dns_answer *a);

/* dns_name_valid - true when name is acceptable as a query name: labels
 * of 1-63 bytes of letters, digits, '-', '_' (RFC 8552 attribute leaves)
 * and '/' (RFC 2317 classless delegation), 253 bytes at most, one
 * optional trailing dot.  Otherwise false with *why a static reason.
 * dns_query() answers DNS_BADNAME without a query for such a name.
 * Pure and thread-safe. */
bool dns_name_valid(const char *name, const char **why);

/* dns_nameservers_check - parse a Nameservers list ("127.0.0.1:5353,
 * [::1]:53, 192.0.2.1, ::1"; separated by commas and/or white space; IPv6
 * with a port goes in brackets; the port defaults to 53) without creating
 * a resolver.  Returns 0, or -1 with *why a static reason and *bad the
 * offending item (a slice of list; empty for "empty list" and "too many
 * name servers").  For configuration checks that name the bad item.
 * Pure and thread-safe. */
int dns_nameservers_check(const char *list, const char **why,
                          struct str *bad) WARN_UNUSED;

/* dns_clock_fn - milliseconds on a monotonic clock */
typedef uint64_t dns_clock_fn(void);

/* dns_set_clock - FOR TESTS ONLY: replace the cache's clock (default:
 * CLOCK_MONOTONIC) with fn, or restore it with NULL.  Call before any
 * thread uses r. */
void dns_set_clock(struct dns_resolver *r, dns_clock_fn *fn);

/* dns_queries_sent - number of queries sent to servers so far (cache hits
 * excluded); for tests and statistics.  Thread-safe. */
uint64_t dns_queries_sent(struct dns_resolver *r);

#endif
