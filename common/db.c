/*
 * db - open the SQLite database and migrate its schema.
 *
 * Creates a new database from the compiled-in sql/schema.sql and brings
 * an older one up to date with the numbered migrations, inside one
 * BEGIN IMMEDIATE transaction, so two tools starting at once cannot both
 * migrate.  It does not know what the tables mean.
 *
 * STANDARDS: none (SQLite 3 file format, PRAGMA user_version).
 *
 * Thread safety: one handle per thread; no shared state.
 */
#include "common/db.h"

#include <stdbool.h>
#include <stdio.h>

#include "common/db_sql.h"

/* DB_CACHE_KIB - page cache per connection (a fixed bound: imports of any
 * size keep their indexes' hot pages in memory) */
#define DB_CACHE_KIB "32768"
/* DB_MMAP_BYTES - how much of the file SQLite reads through a memory map
 * instead of read() calls: the reporter walks one domain at a time
 * through pages all over the table, and copying each page out of the
 * kernel cost it a fifth of its time (BENCH=reports); the mapped pages
 * are the kernel's file cache, not the process's own memory */
#define DB_MMAP_BYTES "1073741824"

int
db_schema_version(void)
{
    int v = 1;

    for (const struct db_sql_migration *m = db_sql_migrations; m->name; m++) {
        if (m->version > v)
            v = m->version;
    }
    return v;
}

int
db_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        log_err("database %s: %s", sqlite3_db_filename(db, "main"),
                msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

void
db_rollback(sqlite3 *db)
{
    /* the caller is already failing; an error here (no transaction open)
     * changes nothing */
    (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *
db_prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
        SQLITE_OK) {
        log_err("database %s: %s", sqlite3_db_filename(db, "main"),
                sqlite3_errmsg(db));
        return NULL;
    }
    return st;
}

/* query_int - the integer of a one-row, one-column query; -1 on error */
static int
query_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    int rc;

    if (st == NULL)
        return -1;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    else
        log_err("database %s: %s", sqlite3_db_filename(db, "main"),
                sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* set_version - PRAGMA user_version takes no bound parameter, so the
 * (trusted, integer) value is formatted into the statement */
static int
set_version(sqlite3 *db, int v)
{
    char sql[64];

    (void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
    return db_exec(db, sql);
}

/* upgrade - inside the transaction: create or migrate; 0 or -1 */
static int
upgrade(sqlite3 *db, const char *path, int have, int want)
{
    int tables = 0;

    if (have > want) {
        log_err("database %s has schema version %d, newer than the %d this "
                "program knows: use the dmarcsuite release that wrote it",
                path, have, want);
        return -1;
    }
    if (have == want)
        return 0;
    if (have == 0) {
        if (query_int(db, "SELECT count(*) FROM sqlite_master", &tables) < 0)
            return -1;
        if (tables > 0) {
            log_err("database %s: not a dmarcsuite database (it has tables "
                    "but no schema version)",
                    path);
            return -1;
        }
        if (db_exec(db, db_sql_schema) < 0)
            return -1;
        return set_version(db, want);
    }
    for (const struct db_sql_migration *m = db_sql_migrations; m->name; m++) {
        if (m->version <= have)
            continue;
        log_info("database %s: migrating to version %d (%s)", path, m->version,
                 m->name);
        if (db_exec(db, m->sql) < 0 || set_version(db, m->version) < 0)
            return -1;
    }
    return 0;
}

/* migrate - bring the schema to this program's version, atomically */
static int
migrate(sqlite3 *db, const char *path)
{
    int have = 0;

    if (db_exec(db, "BEGIN IMMEDIATE") < 0)
        return -1;
    if (query_int(db, "PRAGMA user_version", &have) < 0 ||
        upgrade(db, path, have, db_schema_version()) < 0) {
        db_rollback(db);
        return -1;
    }
    return db_exec(db, "COMMIT");
}

sqlite3 *
db_open(const char *path)
{
    sqlite3 *db = NULL;

    /* NOMUTEX: a handle is used by one thread (see db.h), so SQLite's
     * per-call locking would only cost time */
    if (sqlite3_open_v2(path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                            SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        log_err("database %s: %s", path,
                db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    /* a larger lookaside than the default: statements run millions of
     * times allocate their cursors from it instead of malloc() */
    (void)sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 1024, 512);
    sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
    if (db_exec(db, "PRAGMA journal_mode = WAL") < 0 ||
        db_exec(db, "PRAGMA synchronous = NORMAL") < 0 ||
        db_exec(db, "PRAGMA cache_size = -" DB_CACHE_KIB) < 0 ||
        db_exec(db, "PRAGMA mmap_size = " DB_MMAP_BYTES) < 0 ||
        db_exec(db, "PRAGMA foreign_keys = ON") < 0 || migrate(db, path) < 0) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

void
db_close(sqlite3 *db)
{
    if (db != NULL && sqlite3_close(db) != SQLITE_OK)
        log_err("database close: %s", sqlite3_errmsg(db));
}
