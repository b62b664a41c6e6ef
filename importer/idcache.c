/*
 * idcache - bounded open-addressing hash map from byte strings to ids.
 *
 * A key is represented by its 128-bit rechash fingerprint, not by its
 * bytes: one slot holds the fingerprint and the id, so a lookup touches
 * one cache line and no key storage.  Two different names share a
 * fingerprint with a probability of about 2^-128 per pair, far below any
 * hardware error rate (a deliberate choice for speed; the names are our
 * own history data).  Linear probing in a power-of-two table kept at most
 * half full.  When the cache holds its maximum, the next put empties it
 * first (a simple bound; the hot names come back at once).  No deletion.
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

/* one slot */
struct slot {
    uint64_t h1; /* first half of the fingerprint; 0 = empty */
    uint64_t h2; /* second half */
    int64_t id;  /* the row id */
};

/* IDCACHE_MIN_SLOTS - the table's first size; it doubles as it fills,
 * so a small working set stays in the CPU cache */
#define IDCACHE_MIN_SLOTS 1024

struct idcache {
    struct slot *slots; /* nslots entries */
    size_t nslots;      /* a power of two; more than twice count */
    size_t max;         /* entries kept before starting over */
    size_t count;       /* used slots */
    bool is_complete;   /* holds every row of its table */
};

/* fingerprint - the two halves of the key's rechash; h1 never 0 */
static void
fingerprint(struct str k, uint64_t *h1, uint64_t *h2)
{
    unsigned char out[RECHASH_LEN];

    rechash(k.p != NULL ? k.p : "", k.len, out);
    memcpy(h1, out, sizeof(*h1));
    memcpy(h2, out + sizeof(*h1), sizeof(*h2));
    if (*h1 == 0)
        *h1 = 1;
}

struct idcache *
idcache_new(size_t max)
{
    struct idcache *c = xcalloc(1, sizeof(*c));

    assert(max > 0 && max <= IDCACHE_MAX);
    c->max = max;
    c->nslots = IDCACHE_MIN_SLOTS;
    c->slots = xcalloc(c->nslots, sizeof(*c->slots));
    return c;
}

void
idcache_free(struct idcache *c)
{
    if (c == NULL)
        return;
    free(c->slots);
    free(c);
}

void
idcache_clear(struct idcache *c)
{
    memset(c->slots, 0, c->nslots * sizeof(*c->slots));
    c->count = 0;
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

/* find - the slot of the fingerprint, or the empty slot where it would
 * go */
static struct slot *
find(const struct idcache *c, uint64_t h1, uint64_t h2)
{
    size_t i = (size_t)h1 & (c->nslots - 1);

    for (;;) {
        struct slot *s = &c->slots[i];

        if (s->h1 == 0 || (s->h1 == h1 && s->h2 == h2))
            return s;
        i = (i + 1) & (c->nslots - 1);
    }
}

bool
idcache_get(const struct idcache *c, struct str key, int64_t *id)
{
    const struct slot *s;
    uint64_t h1;
    uint64_t h2;

    fingerprint(key, &h1, &h2);
    s = find(c, h1, h2);
    if (s->h1 == 0)
        return false;
    *id = s->id;
    return true;
}

/* grow - double the table and place every entry again */
static void
grow(struct idcache *c)
{
    struct idcache old = *c;

    c->nslots *= 2;
    c->slots = xcalloc(c->nslots, sizeof(*c->slots));
    for (size_t i = 0; i < old.nslots; i++) {
        if (old.slots[i].h1 != 0)
            *find(c, old.slots[i].h1, old.slots[i].h2) = old.slots[i];
    }
    free(old.slots);
}

void
idcache_put(struct idcache *c, struct str key, int64_t id)
{
    struct slot *s;
    uint64_t h1;
    uint64_t h2;

    fingerprint(key, &h1, &h2);
    if (c->count >= c->max)
        idcache_clear(c);
    else if (2 * (c->count + 1) > c->nslots)
        grow(c); /* at most half full, so probes stay short */
    s = find(c, h1, h2);
    if (s->h1 == 0) {
        s->h1 = h1;
        s->h2 = h2;
        c->count++;
    }
    s->id = id;
}
