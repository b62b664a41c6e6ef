/*
 * idcache - a bounded map from names to database row ids.
 *
 * The importer looks up the id of a domain, address, reporter or policy
 * row for every record; this cache answers most of them without SQLite.
 * It holds at most the number of entries it was created for (up to
 * IDCACHE_MAX) and empties itself when full, so its memory does not grow
 * with the input.  Only ids of rows committed or
 * inside the current transaction are stored; the importer clears the
 * cache when a transaction is rolled back.
 *
 * Thread safety: one cache per thread.
 */
#ifndef DMARC_IMPORTER_IDCACHE_H
#define DMARC_IMPORTER_IDCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/log.h"
#include "common/str.h"

/* IDCACHE_MAX - the largest capacity: 48 bytes per entry (two slots of
 * 24), so at most 24 MB, bounded whatever the input */
#define IDCACHE_MAX ((size_t)1 << 19)

struct idcache;

/* idcache_new - an empty cache for at most max entries (1..IDCACHE_MAX).
 * Caller frees with idcache_free. */
struct idcache *idcache_new(size_t max);

/* idcache_free - release (NULL is a no-op). */
void idcache_free(struct idcache *c);

/* idcache_get - the id stored for key: true and *id, or false. */
bool idcache_get(const struct idcache *c, struct str key, int64_t *id);

/* idcache_put - remember key (copied) -> id. */
void idcache_put(struct idcache *c, struct str key, int64_t id);

/* idcache_clear - forget everything (the cache is then not complete). */
void idcache_clear(struct idcache *c);

/* idcache_set_complete - declare that the cache holds every row of its
 * table, so a miss means a new name (until the next clear). */
void idcache_set_complete(struct idcache *c);

/* idcache_is_complete - see idcache_set_complete(). */
bool idcache_is_complete(const struct idcache *c);

/* idcache_is_full - true when the next put would start over. */
bool idcache_is_full(const struct idcache *c);

#endif
