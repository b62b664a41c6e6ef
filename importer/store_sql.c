/*
 * store_sql - the statement steps store and store_req share.
 *
 * Thin wrappers around sqlite3_bind_text() and sqlite3_step(): each step
 * resets its statement whatever the outcome, and turns SQLite's result
 * codes into the project's return shapes.  It prepares and finalizes
 * nothing, and does not manage transactions.
 *
 * STANDARDS: none (SQLite C interface).
 *
 * Thread safety: as the statement (one per thread).
 */
#include "importer/store_sql.h"

int
store_sql_fail(sqlite3 *db, const char *what)
{
    log_err("database %s: %s: %s", sqlite3_db_filename(db, "main"), what,
            sqlite3_errmsg(db));
    return -1;
}

void
store_sql_bind_text(sqlite3_stmt *st, int i, struct str v)
{
    (void)sqlite3_bind_text(st, i, v.p ? v.p : "", (int)v.len,
                            SQLITE_STATIC); /* index and size are ours */
}

int
store_sql_done(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_sql_fail(db, what);
    return 0;
}

int
store_sql_insert(sqlite3 *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc == SQLITE_CONSTRAINT)
        return 0;
    return store_sql_fail(db, "insert");
}

int
store_sql_id(sqlite3 *db, sqlite3_stmt *st, int64_t *id)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sql_fail(db, "lookup");
    return rc == SQLITE_ROW;
}
