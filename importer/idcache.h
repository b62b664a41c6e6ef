/*
 * idcache - a bounded map from names to database row ids.
 *
 * The importer looks up the id of a domain, address, reporter or policy
 * row for every record; this cache answers most of them without SQLite.
 * It holds at most IDCACHE_MAX entries and empties itself when full, so
 * its memory does not grow with the input.  Only ids of rows committed or
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

/* IDCACHE_MAX - entries kept before the cache starts over: small enough
 * that the table stays in the CPU cache (about 1 MB), large enough for
 * the names of a busy day */
#define IDCACHE_MAX ((size_t)16384)

struct idcache;

/* idcache_new - an empty cache.  Caller frees with idcache_free. */
struct idcache *idcache_new(void);

/* idcache_free - release (NULL is a no-op). */
void idcache_free(struct idcache *c);

/* idcache_get - the id stored for key: true and *id, or false. */
bool idcache_get(const struct idcache *c, struct str key, int64_t *id);

/* idcache_put - remember key (copied) -> id. */
void idcache_put(struct idcache *c, struct str key, int64_t id);

/* idcache_clear - forget everything. */
void idcache_clear(struct idcache *c);

#endif
