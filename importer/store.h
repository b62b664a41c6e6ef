/*
 * store - write history records into the database.
 *
 * One struct store holds the prepared statements and the id caches of an
 * import.  store_record() stores a record with its signatures, ARC seals
 * and override reasons, unless a record with the same fingerprint is
 * already there.  Transactions are the caller's (import.c): store never
 * begins or commits.
 *
 * Ownership: the store borrows the database handle; it must be freed
 * before the handle is closed.  Thread safety: one store per thread.
 */
#ifndef DMARC_IMPORTER_STORE_H
#define DMARC_IMPORTER_STORE_H

#include <stdbool.h>

#include <sqlite3.h>

#include "common/log.h"
#include "history/hist_fmt.h"
#include "importer/rechash.h"

struct store;

/* store_new - prepare the statements on db: the store, or NULL (logged).
 * Caller frees with store_free. */
struct store *store_new(sqlite3 *db);

/* store_free - finalize and release (NULL is a no-op). */
void store_free(struct store *s);

/* store_record - store r under the fingerprint hash.  *is_new is false
 * when a record with that fingerprint was already stored (nothing is
 * written).  Returns 0, or -1 on a database error (logged; the caller
 * rolls back and calls store_forget()). */
int store_record(struct store *s, const struct hist_rec *r,
                 const unsigned char hash[RECHASH_LEN],
                 bool *is_new) WARN_UNUSED;

/* store_preload - read the names and policy requests already in the
 * database into the caches (each table that fits), so that new ones are
 * inserted without a lookup first.  Call inside the transaction that
 * imports; only the first call does anything.  0 or -1 (logged). */
int store_preload(struct store *s) WARN_UNUSED;

/* store_forget - drop the cached ids (after a rollback they may name rows
 * that no longer exist). */
void store_forget(struct store *s);

#endif
