/*
 * idcache - bounded open-addressing hash map from byte strings to ids.
 *
 * Linear probing in a power-of-two table kept at most half full; the keys
 * live in one arena.  When IDCACHE_MAX entries are stored, the next put
 * empties the table first (a simple bound; the hot names come back at
 * once).  No deletion.
 *
 * STANDARDS: none.
 *
 * Thread safety: one cache per thread.
 */
#include "importer/idcache.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "importer/rechash.h"

/* ARENA_PER_ENTRY - key bytes budgeted per entry (names average less) */
#define ARENA_PER_ENTRY 48

/* one slot */
struct slot {
    uint64_t hash; /* key hash; 0 = empty */
    uint32_t off;  /* key bytes in the arena */
    uint32_t len;  /* key length */
    int64_t id;    /* the row id */
};

struct idcache {
    struct slot *slots; /* nslots entries */
    size_t nslots;      /* a power of two, at least twice max */
    size_t max;         /* entries kept before starting over */
    size_t count;       /* used slots */
    char *arena;        /* key bytes */
    size_t arena_max;   /* arena size */
    size_t arena_len;   /* arena bytes used */
    bool is_complete;   /* holds every row of its table */
};

/* key_hash - 64 bits of the record hash (8 bytes per step), never 0 */
static uint64_t
key_hash(struct str k)
{
    unsigned char out[RECHASH_LEN];
    uint64_t h;

    rechash(k.p, k.len, out);
    memcpy(&h, out, sizeof(h));
    return h ? h : 1;
}

struct idcache *
idcache_new(size_t max)
{
    struct idcache *c = xcalloc(1, sizeof(*c));

    assert(max > 0 && max <= IDCACHE_MAX);
    c->max = max;
    c->nslots = 16;
    while (c->nslots < 2 * max)
        c->nslots *= 2;
    c->slots = xcalloc(c->nslots, sizeof(*c->slots));
    c->arena_max = max * ARENA_PER_ENTRY;
    c->arena = xmalloc(c->arena_max);
    return c;
}

void
idcache_free(struct idcache *c)
{
    if (c == NULL)
        return;
    free(c->slots);
    free(c->arena);
    free(c);
}

void
idcache_clear(struct idcache *c)
{
    memset(c->slots, 0, c->nslots * sizeof(*c->slots));
    c->count = 0;
    c->arena_len = 0;
    c->is_complete = false;
}

void
idcache_set_complete(struct idcache *c)
{
    c->is_complete = true;
}

bool
idcache_is_complete(const struct idcache *c)
{
    return c->is_complete;
}

bool
idcache_is_full(const struct idcache *c)
{
    return c->count >= c->max;
}

/* find - the slot of key, or the empty slot where it would go */
static struct slot *
find(const struct idcache *c, struct str key, uint64_t h)
{
    size_t i = (size_t)h & (c->nslots - 1);

    for (;;) {
        struct slot *s = &c->slots[i];

        if (s->hash == 0)
            return s;
        if (s->hash == h && s->len == key.len &&
            memcmp(c->arena + s->off, key.p, key.len) == 0)
            return s;
        i = (i + 1) & (c->nslots - 1);
    }
}

bool
idcache_get(const struct idcache *c, struct str key, int64_t *id)
{
    const struct slot *s;

    if (key.p == NULL)
        key = STR_LIT(""); /* memcmp() wants a pointer even for 0 bytes */
    s = find(c, key, key_hash(key));

    if (s->hash == 0)
        return false;
    *id = s->id;
    return true;
}

void
idcache_put(struct idcache *c, struct str key, int64_t id)
{
    uint64_t h;
    struct slot *s;

    if (key.p == NULL)
        key = STR_LIT(""); /* memcpy() wants a pointer even for 0 bytes */
    h = key_hash(key);
    if (key.len > c->arena_max / 4)
        return; /* too long to be worth caching */
    if (c->count >= c->max || c->arena_len + key.len > c->arena_max)
        idcache_clear(c);
    s = find(c, key, h);
    if (s->hash == 0) {
        memcpy(c->arena + c->arena_len, key.p, key.len);
        s->hash = h;
        s->off = (uint32_t)c->arena_len;
        s->len = (uint32_t)key.len;
        c->arena_len += key.len;
        c->count++;
    }
    s->id = id;
}
