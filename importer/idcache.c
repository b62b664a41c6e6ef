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

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "importer/rechash.h"

/* SLOTS - table size: twice IDCACHE_MAX, a power of two */
#define SLOTS (2 * IDCACHE_MAX)
/* ARENA_MAX - key bytes kept before starting over */
#define ARENA_MAX (IDCACHE_MAX * 64)

/* one slot */
struct slot {
    uint64_t hash; /* key hash; 0 = empty */
    size_t off;    /* key bytes in the arena */
    size_t len;    /* key length */
    int64_t id;    /* the row id */
};

struct idcache {
    struct slot *slots; /* SLOTS entries */
    size_t count;       /* used slots */
    char *arena;        /* key bytes */
    size_t arena_len;   /* arena bytes used */
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
idcache_new(void)
{
    struct idcache *c = xcalloc(1, sizeof(*c));

    c->slots = xcalloc(SLOTS, sizeof(*c->slots));
    c->arena = xmalloc(ARENA_MAX);
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
    memset(c->slots, 0, SLOTS * sizeof(*c->slots));
    c->count = 0;
    c->arena_len = 0;
}

/* find - the slot of key, or the empty slot where it would go */
static struct slot *
find(const struct idcache *c, struct str key, uint64_t h)
{
    size_t i = (size_t)h & (SLOTS - 1);

    for (;;) {
        struct slot *s = &c->slots[i];

        if (s->hash == 0)
            return s;
        if (s->hash == h && s->len == key.len &&
            memcmp(c->arena + s->off, key.p, key.len) == 0)
            return s;
        i = (i + 1) & (SLOTS - 1);
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
    if (key.len > ARENA_MAX / 4)
        return; /* too long to be worth caching */
    if (c->count >= IDCACHE_MAX || c->arena_len + key.len > ARENA_MAX)
        idcache_clear(c);
    s = find(c, key, h);
    if (s->hash == 0) {
        memcpy(c->arena + c->arena_len, key.p, key.len);
        s->hash = h;
        s->off = c->arena_len;
        s->len = key.len;
        c->arena_len += key.len;
        c->count++;
    }
    s->id = id;
}
