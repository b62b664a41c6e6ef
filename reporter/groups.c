/*
 * groups - distinct keys of one report, counted, then sorted.
 *
 * Keys and labels are copied into one bounded byte arena; the groups are
 * an array, found again through an open-addressing hash table (linear
 * probing, FNV-1a, grown at half load).  Sorting happens once, after the
 * last message, when the arena no longer moves.
 *
 * STANDARDS: none (RFC 7489 section 7.2 says what a key holds; query.c
 * decides).
 *
 * Ownership: the set owns its arena, groups and table.  Thread safety:
 * one set per thread.
 */
#include "reporter/groups.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xalloc.h"

/* one group */
struct group {
    size_t off;          /* key in the arena */
    size_t len;          /* key bytes */
    size_t label;        /* label (NUL-terminated) in the arena */
    uint64_t hash;       /* hash of the key */
    size_t slot;         /* its slot in the table */
    uint64_t count;      /* messages */
    const char *key_p;   /* key, set by groups_sort */
    const char *label_p; /* label, set by groups_sort */
};

/* the set */
struct groups {
    struct buf arena; /* keys and labels */
    struct group *g;  /* the groups */
    size_t n;         /* groups used */
    size_t cap;       /* groups allocated */
    size_t *table;    /* group index + 1 per slot, 0 for empty */
    size_t slots;     /* table size, a power of two */
};

/* hash - FNV-1a style over len bytes, eight at a time (keys are mostly
 * 64-bit integers), with a final mix so the low bits index the table */
static uint64_t
hash(const unsigned char *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i = 0;

    for (; i + 8 <= len; i += 8) {
        uint64_t w;

        memcpy(&w, p + i, sizeof(w));
        h = (h ^ w) * 0x100000001b3ULL;
    }
    for (; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 32);
}

struct groups *
groups_new(void)
{
    struct groups *g = xcalloc(1, sizeof(*g));

    buf_init(&g->arena, GROUPS_MAX_BYTES);
    g->slots = 1024;
    g->table = xcalloc(g->slots, sizeof(*g->table));
    return g;
}

void
groups_free(struct groups *g)
{
    if (g == NULL)
        return;
    buf_free(&g->arena);
    free(g->g);
    free(g->table);
    free(g);
}

void
groups_reset(struct groups *g)
{
    /* clear the slots in use, not the whole table: it keeps the size the
     * largest report needed, and most reports are small */
    for (size_t i = 0; i < g->n; i++)
        g->table[g->g[i].slot] = 0;
    buf_reset(&g->arena);
    g->n = 0;
}

/* grow - double the table and place every group again */
static void
grow(struct groups *g)
{
    size_t slots = g->slots * 2;

    free(g->table);
    g->table = xcalloc(slots, sizeof(*g->table));
    g->slots = slots;
    for (size_t i = 0; i < g->n; i++) {
        size_t s = g->g[i].hash & (slots - 1);

        while (g->table[s] != 0)
            s = (s + 1) & (slots - 1);
        g->table[s] = i + 1;
        g->g[i].slot = s;
    }
}

/* insert - a new group for key at table slot s; -1 at a limit */
static int
insert(struct groups *g, const void *key, size_t len, uint64_t h, size_t s)
{
    struct group *e;

    if (g->n == GROUPS_MAX_GROUPS)
        return -1;
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 1024;
        g->g = xreallocarray(g->g, g->cap, sizeof(*g->g));
    }
    e = &g->g[g->n];
    *e = (struct group){ g->arena.len, len, 0, h, s, 0, NULL, NULL };
    if (buf_append(&g->arena, key, len) < 0)
        return -1;
    g->table[s] = ++g->n;
    if (2 * g->n > g->slots)
        grow(g);
    return 0;
}

int
groups_add(struct groups *g, const void *key, size_t len, size_t *idx,
           bool *is_new)
{
    uint64_t h = hash(key, len);
    size_t s = h & (g->slots - 1);

    *is_new = false;
    while (g->table[s] != 0) {
        struct group *e = &g->g[g->table[s] - 1];

        if (e->hash == h && e->len == len &&
            memcmp(g->arena.data + e->off, key, len) == 0) {
            e->count++;
            *idx = g->table[s] - 1;
            return 0;
        }
        s = (s + 1) & (g->slots - 1);
    }
    *idx = g->n;
    if (insert(g, key, len, h, s) < 0)
        return -1;
    g->g[*idx].count = 1;
    *is_new = true;
    return 0;
}

int
groups_label(struct groups *g, size_t idx, const char *label)
{
    size_t off = g->arena.len;

    assert(idx < g->n);
    if (buf_append(&g->arena, label, strlen(label) + 1) < 0)
        return -1;
    g->g[idx].label = off;
    return 0;
}

/* cmp - count descending, then label, then key (a total order, so the
 * same data gives the same report) */
static int
cmp(const void *a, const void *b)
{
    const struct group *x = a;
    const struct group *y = b;
    int c;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    c = strcmp(x->label_p, y->label_p);
    if (c != 0)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->key_p, y->key_p, x->len);
}

void
groups_sort(struct groups *g)
{
    for (size_t i = 0; i < g->n; i++) {
        g->g[i].key_p = g->arena.data + g->g[i].off;
        g->g[i].label_p = g->arena.data + g->g[i].label;
    }
    if (g->n > 1)
        qsort(g->g, g->n, sizeof(*g->g), cmp);
}

size_t
groups_count(const struct groups *g)
{
    return g->n;
}

void
groups_get(const struct groups *g, size_t i, const unsigned char **key,
           size_t *len, uint64_t *count)
{
    assert(i < g->n);
    *key = (const unsigned char *)g->g[i].key_p;
    *len = g->g[i].len;
    *count = g->g[i].count;
}
