/*
 * store_req - the policy requests of history records as rows of the
 * requests table, each stored once.
 *
 * A request is what a record's policy domain published when the message
 * was evaluated (rua, pct, adkim, aspf, p, sp, fo, np, psd, t); most
 * records repeat one already stored, so its id comes from a bounded cache
 * in front of SELECT-then-INSERT statements.  Part of store (store.c owns
 * one); it does not manage transactions.
 *
 * Ownership: borrows the database handle; free before closing it.
 * Thread safety: one per thread.
 */
#ifndef DMARC_IMPORTER_STORE_REQ_H
#define DMARC_IMPORTER_STORE_REQ_H

#include <stdint.h>

#include <sqlite3.h>

#include "common/log.h"
#include "history/hist_fmt.h"

struct store_req;

/* store_req_new - prepare the statements on db: the object, or NULL
 * (logged).  Caller frees with store_req_free. */
struct store_req *store_req_new(sqlite3 *db);

/* store_req_free - finalize and release (NULL is a no-op). */
void store_req_free(struct store_req *q);

/* store_req_id - the requests.id of r's policy request for the policy
 * domain with id pdomain, inserted when new.  0 and *id, or -1 on a
 * database error (logged). */
int store_req_id(struct store_req *q, const struct hist_rec *r, int64_t pdomain,
                 int64_t *id) WARN_UNUSED;

/* store_req_preload - read every stored request into the cache when they
 * fit, so that a miss means a new request.  0 or -1 (logged). */
int store_req_preload(struct store_req *q) WARN_UNUSED;

/* store_req_forget - drop the cached ids (after a rollback). */
void store_req_forget(struct store_req *q);

#endif
