/*
 * store_sql - the statement steps store and store_req share.
 *
 * Binding a slice, running a statement that returns no row, an INSERT
 * that may meet an existing row, and a SELECT of one id, each followed by
 * sqlite3_reset() so the statement can be bound again.  A database error
 * is logged once, here, with the database's file name.
 *
 * Ownership: nothing is kept; statements and handles are the caller's.
 * Thread safety: as the statement (one per thread).
 */
#ifndef DMARC_IMPORTER_STORE_SQL_H
#define DMARC_IMPORTER_STORE_SQL_H

#include <stdint.h>

#include <sqlite3.h>

#include "common/log.h"
#include "common/str.h"

/* store_sql_fail - log the error of db's last call, saying what was being
 * done (a static string).  Returns -1. */
int store_sql_fail(sqlite3 *db, const char *what) WARN_UNUSED;

/* store_sql_bind_text - bind v to parameter i of st without a copy
 * (SQLITE_STATIC: v must outlive the step); a NULL slice binds "". */
void store_sql_bind_text(sqlite3_stmt *st, int i, struct str v);

/* store_sql_done - step st, which returns no row, and reset it.  0, or -1
 * (logged, naming what). */
int store_sql_done(sqlite3 *db, sqlite3_stmt *st, const char *what) WARN_UNUSED;

/* store_sql_insert - step the INSERT st and reset it: 1 when the row was
 * inserted, 0 when a row with the same key exists (another importer added
 * it since the cache was filled), -1 on another error (logged). */
int store_sql_insert(sqlite3 *db, sqlite3_stmt *st) WARN_UNUSED;

/* store_sql_id - step the SELECT st, whose first column is an id, and
 * reset it: 1 and *id, 0 when there is no row, -1 on error (logged). */
int store_sql_id(sqlite3 *db, sqlite3_stmt *st, int64_t *id) WARN_UNUSED;

#endif
