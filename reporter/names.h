/*
 * names - the text behind an id (domains.name, ipaddrs.addr), looked up
 * through one prepared statement and kept in a small fixed cache.
 *
 * A report names the same few domains and addresses in row after row;
 * the cache answers those without a query.  It is direct-mapped with a
 * fixed number of slots, so its memory is bounded whatever the database
 * holds.
 *
 * Thread safety: one struct names per thread and database connection.
 */
#ifndef DMARC_REPORTER_NAMES_H
#define DMARC_REPORTER_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "common/log.h"

/* NAMES_SLOTS - cached names per table (a power of two): a report's
 * domains and the busiest sources fit; more only costs queries */
#define NAMES_SLOTS 4096

struct names;

/* names_new - prepare sql (one integer parameter, one text column: the
 * name of that id) on db (borrowed; it must outlive the cache).  The
 * cache, or NULL (prepare error, logged).  Caller frees with names_free. */
struct names *names_new(sqlite3 *db, const char *sql);

/* names_free - finalize the statement and release the names (NULL is a
 * no-op). */
void names_free(struct names *n);

/* names_get - the name of id.  0 with *out (borrowed, valid until the
 * next names_get on n), 1 when no row has that id, -1 on a database error
 * (logged). */
int names_get(struct names *n, int64_t id, const char **out) WARN_UNUSED;

#endif
