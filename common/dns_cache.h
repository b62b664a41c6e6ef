/*
 * dns_cache - the answer cache of common/dns: positive and negative
 * answers keyed on (name, type), expiring by TTL, bounded in entries with
 * least-recently-used eviction.
 *
 * Internal to the dns module (dns.c and the unit tests include it).  Time
 * is passed in by the caller (milliseconds on a monotonic clock), so tests
 * drive expiry without sleeping.
 *
 * Thread safety: every function but dns_cache_new/dns_cache_free takes the
 * cache's mutex; a cache is shared by all threads of a resolver.
 */
#ifndef DMARC_COMMON_DNS_CACHE_H
#define DMARC_COMMON_DNS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dns.h"

struct dns_cache;

/* dns_cache_new - an empty cache of at most max (> 0) entries.  Caller
 * frees with dns_cache_free. */
struct dns_cache *dns_cache_new(size_t max);

/* dns_cache_free - release c and every entry (NULL is a no-op). */
void dns_cache_free(struct dns_cache *c);

/* dns_cache_get - look up (name, type); name is the normalised query
 * name (lower case, no trailing dot; borrowed).  On a live entry returns
 * true with *st its status and, for DNS_OK, *out a deep copy whose ttl is
 * the time left (caller frees with dns_answer_free; NULL otherwise).  An
 * expired entry is dropped and false returned, as for a miss. */
bool dns_cache_get(struct dns_cache *c, const char *name, enum dns_type type,
                   uint64_t now_ms, enum dns_status *st,
                   struct dns_answer **out);

/* what dns_cache_put stores */
struct dns_cache_val {
    enum dns_status status;          /* outcome of the lookup */
    const struct dns_answer *answer; /* DNS_OK only; borrowed, copied */
    uint32_t ttl;                    /* seconds to keep it; 0: not stored */
};

/* dns_cache_put - store a copy of v->status and v->answer for v->ttl
 * seconds from now_ms, replacing an entry of the same key; when the cache
 * is full the least recently used entry goes.  ttl 0 stores nothing.
 * DNS_TEMPFAIL and DNS_BADNAME are never stored. */
void dns_cache_put(struct dns_cache *c, const char *name, enum dns_type type,
                   const struct dns_cache_val *v, uint64_t now_ms);

/* dns_cache_count - number of entries held (expired ones included until
 * they are looked up or evicted). */
size_t dns_cache_count(struct dns_cache *c);

#endif
