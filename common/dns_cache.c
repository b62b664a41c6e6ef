/*
 * dns_cache - the answer cache of common/dns.
 *
 * A chained hash table over (name, type) plus a doubly linked list in
 * order of use: a hit moves the entry to the front, a full cache drops
 * the entry at the back.  Entries carry an absolute expiry time in
 * milliseconds; expired ones are dropped when met by a lookup (or evicted
 * as the least recently used).  Each entry owns a deep copy of its
 * answer, and every lookup hands out another copy, so no caller ever
 * holds a pointer into the cache.
 *
 * What it does not do: decide TTLs (dns.c caps them) or read the clock.
 *
 * STANDARDS: RFC 2308 (negative answers are cached like positive ones).
 * Thread safety: one mutex per cache around every operation; copies are
 * made under it, frees of dropped entries too (they are small).
 */
#include "common/dns_cache.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xalloc.h"

/* DNS_CACHE_MAX_BUCKETS - hash buckets at most (8 MiB of pointers) */
#define DNS_CACHE_MAX_BUCKETS ((size_t)1 << 20)

/* one cached answer */
struct dns_cache_entry {
    char *name;                    /* normalised query name (owned) */
    enum dns_type type;            /* query type */
    enum dns_status status;        /* DNS_OK, DNS_NXDOMAIN or DNS_NODATA */
    struct dns_answer *answer;     /* DNS_OK: the records (owned); or NULL */
    uint64_t expires_ms;           /* dead from this time on */
    size_t bucket;                 /* index of its hash chain */
    struct dns_cache_entry *hnext; /* next in the hash chain */
    struct dns_cache_entry *prev;  /* more recently used, or NULL */
    struct dns_cache_entry *next;  /* less recently used, or NULL */
};

struct dns_cache {
    pthread_mutex_t mu;               /* guards everything below */
    size_t max;                       /* entries at most */
    size_t count;                     /* entries held */
    size_t nbuckets;                  /* a power of two */
    struct dns_cache_entry **buckets; /* hash chains */
    struct dns_cache_entry *head;     /* most recently used */
    struct dns_cache_entry *tail;     /* least recently used */
};

/* hash - FNV-1a over the name, then the type */
static size_t
hash(const char *name, enum dns_type type)
{
    uint64_t h = 14695981039346656037ULL;

    for (const char *p = name; *p != '\0'; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ULL;
    }
    h ^= (uint64_t)type;
    h *= 1099511628211ULL;
    return (size_t)h;
}

struct dns_cache *
dns_cache_new(size_t max)
{
    struct dns_cache *c = xcalloc(1, sizeof(*c));
    size_t n = 16;

    assert(max > 0);
    while (n < max && n < DNS_CACHE_MAX_BUCKETS)
        n <<= 1;
    c->max = max;
    c->nbuckets = n;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
    c->buckets = xcalloc(n, sizeof(c->buckets[0]));
    if (pthread_mutex_init(&c->mu, NULL) != 0)
        log_panic("dns: pthread_mutex_init failed");
    return c;
}

/* entry_free - release one entry */
static void
entry_free(struct dns_cache_entry *e)
{
    free(e->name);
    dns_answer_free(e->answer);
    free(e);
}

void
dns_cache_free(struct dns_cache *c)
{
    struct dns_cache_entry *e;
    struct dns_cache_entry *next;

    if (c == NULL)
        return;
    for (e = c->head; e != NULL; e = next) {
        next = e->next;
        entry_free(e);
    }
    free(c->buckets);
    (void)pthread_mutex_destroy(&c->mu); /* unlocked: cannot fail */
    free(c);
}

/* lru_unlink - take e out of the use-order list */
static void
lru_unlink(struct dns_cache *c, struct dns_cache_entry *e)
{
    if (e->prev != NULL)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next != NULL)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

/* lru_push - put e at the front of the use-order list */
static void
lru_push(struct dns_cache *c, struct dns_cache_entry *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head != NULL)
        c->head->prev = e;
    c->head = e;
    if (c->tail == NULL)
        c->tail = e;
}

/* remove_entry - unlink e from its chain and the list, and free it */
static void
remove_entry(struct dns_cache *c, struct dns_cache_entry *e)
{
    struct dns_cache_entry **pp = &c->buckets[e->bucket];

    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    lru_unlink(c, e);
    c->count--;
    entry_free(e);
}

/* find - the entry of (name, type), or NULL */
static struct dns_cache_entry *
find(const struct dns_cache *c, const char *name, enum dns_type type)
{
    size_t b = hash(name, type) & (c->nbuckets - 1);

    for (struct dns_cache_entry *e = c->buckets[b]; e != NULL; e = e->hnext)
        if (e->type == type && strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

bool
dns_cache_get(struct dns_cache *c, const char *name, enum dns_type type,
              uint64_t now_ms, enum dns_status *st, struct dns_answer **out)
{
    struct dns_cache_entry *e;
    bool is_hit = false;

    *out = NULL;
    if (pthread_mutex_lock(&c->mu) != 0)
        log_panic("dns: cache mutex lock failed");
    e = find(c, name, type);
    if (e != NULL && now_ms >= e->expires_ms) {
        remove_entry(c, e);
        e = NULL;
    }
    if (e != NULL) {
        is_hit = true;
        *st = e->status;
        if (e->answer != NULL) {
            *out = dns_answer_dup(e->answer);
            /* the time left, rounded up so it is 0 only when expired */
            (*out)->ttl = (uint32_t)((e->expires_ms - now_ms + 999) / 1000);
        }
        lru_unlink(c, e);
        lru_push(c, e);
    }
    (void)pthread_mutex_unlock(&c->mu); /* held by this thread */
    return is_hit;
}

void
dns_cache_put(struct dns_cache *c, const char *name, enum dns_type type,
              const struct dns_cache_val *v, uint64_t now_ms)
{
    enum dns_status st = v->status;
    const struct dns_answer *a = v->answer;
    uint32_t ttl = v->ttl;
    struct dns_cache_entry *e;

    if (ttl == 0 || (st != DNS_OK && st != DNS_NXDOMAIN && st != DNS_NODATA))
        return;
    assert(st != DNS_OK || a != NULL);
    e = xcalloc(1, sizeof(*e));
    e->name = xstrdup(name);
    e->type = type;
    e->status = st;
    e->answer = st == DNS_OK ? dns_answer_dup(a) : NULL;
    e->expires_ms = now_ms + (uint64_t)ttl * 1000;
    e->bucket = hash(name, type) & (c->nbuckets - 1);
    if (pthread_mutex_lock(&c->mu) != 0)
        log_panic("dns: cache mutex lock failed");
    {
        struct dns_cache_entry *old = find(c, name, type);

        if (old != NULL)
            remove_entry(c, old);
    }
    if (c->count >= c->max)
        remove_entry(c, c->tail);
    e->hnext = c->buckets[e->bucket];
    c->buckets[e->bucket] = e;
    lru_push(c, e);
    c->count++;
    (void)pthread_mutex_unlock(&c->mu); /* held by this thread */
}

size_t
dns_cache_count(struct dns_cache *c)
{
    size_t n;

    if (pthread_mutex_lock(&c->mu) != 0)
        log_panic("dns: cache mutex lock failed");
    n = c->count;
    (void)pthread_mutex_unlock(&c->mu); /* held by this thread */
    return n;
}
