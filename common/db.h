/*
 * db - open the suite's SQLite database and bring its schema up to date.
 *
 * Every tool opens the database through db_open(): WAL journal, foreign
 * keys on, a busy timeout, and the schema compiled into the program
 * (common/db_sql.h).  A new database gets sql/schema.sql; an older one is
 * migrated with the numbered migrations in one transaction; a newer one
 * (written by a later release) is refused.  The version lives in PRAGMA
 * user_version.
 *
 * Ownership: the caller closes the handle with db_close().  Thread
 * safety: one handle per thread.
 */
#ifndef DMARC_COMMON_DB_H
#define DMARC_COMMON_DB_H

#include <sqlite3.h>

#include "common/log.h"

/* DB_BUSY_TIMEOUT_MS - how long a tool waits for another one's write
 * transaction (an import and an expiry run may overlap under cron) */
#define DB_BUSY_TIMEOUT_MS 60000

/* db_schema_version - the schema version this program writes (the
 * highest migration number, at least 1). */
int db_schema_version(void);

/* db_open - open (creating it when absent) the database at path and
 * migrate it.  Returns the handle, or NULL when it cannot be opened, is
 * newer than this program, is not a dmarcsuite database, or a migration
 * fails (each logged once, naming path). */
sqlite3 *db_open(const char *path);

/* db_close - close (NULL is a no-op); a failure is logged. */
void db_close(sqlite3 *db);

/* db_exec - run SQL text without parameters (BEGIN, COMMIT, schema
 * files): 0, or -1 logged with SQLite's message. */
int db_exec(sqlite3 *db, const char *sql) WARN_UNUSED;

/* db_rollback - roll back the open transaction, if any (errors are
 * ignored: the caller is already handling a failure). */
void db_rollback(sqlite3 *db);

/* db_prepare - a prepared statement for sql: the statement, or NULL
 * (logged).  Caller finalizes it. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

#endif
