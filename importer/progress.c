/*
 * progress - the import_files bookkeeping table.
 *
 * Reads and upserts one row per (device, inode).  It does not decide
 * whether a file was rotated or truncated (import.c compares the
 * fingerprint) and never begins or commits a transaction.
 *
 * STANDARDS: none; the table is described in sql/README.
 *
 * Thread safety: one handle per thread.
 */
#include "importer/progress.h"

#include <string.h>
#include <time.h>

#include "common/db.h"

int
progress_load(sqlite3 *db, struct progress *p)
{
    sqlite3_stmt *st = db_prepare(
        db, "SELECT fingerprint, fp_len, offset, line, records, skipped "
            "FROM import_files WHERE dev = ?1 AND inode = ?2");
    int rc;
    int found = 0;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)p->dev);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)p->ino);
    memset(p->fp, 0, sizeof(p->fp));
    p->fp_len = 0;
    p->offset = p->line = p->records = p->skipped = 0;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == (int)sizeof(p->fp)) {
        memcpy(p->fp, sqlite3_column_blob(st, 0), sizeof(p->fp));
        p->fp_len = (size_t)sqlite3_column_int64(st, 1);
        p->offset = (uint64_t)sqlite3_column_int64(st, 2);
        p->line = (uint64_t)sqlite3_column_int64(st, 3);
        p->records = (uint64_t)sqlite3_column_int64(st, 4);
        p->skipped = (uint64_t)sqlite3_column_int64(st, 5);
        found = 1;
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        log_err("database: import_files: %s", sqlite3_errmsg(db));
        found = -1;
    }
    sqlite3_finalize(st);
    return found;
}

int
progress_save(sqlite3 *db, const char *path, const struct progress *p)
{
    sqlite3_stmt *st = db_prepare(
        db, "INSERT INTO import_files (path, dev, inode, fingerprint, "
            "fp_len, offset, line, records, skipped, updated) VALUES (?1, "
            "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (dev, inode) "
            "DO UPDATE SET path = excluded.path, fingerprint = "
            "excluded.fingerprint, fp_len = excluded.fp_len, offset = "
            "excluded.offset, line = excluded.line, records = "
            "excluded.records, skipped = excluded.skipped, updated = "
            "excluded.updated");
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)p->dev);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)p->ino);
    sqlite3_bind_blob(st, 4, p->fp, sizeof(p->fp), SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)p->fp_len);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)p->offset);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)p->line);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)p->records);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)p->skipped);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)time(NULL));
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        log_err("database: import_files: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
