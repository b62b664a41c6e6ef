/*
 * expire - retention: old, reported messages and what only they used.
 *
 * The rule (dmarc-expire(8)) is written once, in the DELETE below.  Child
 * rows go by ON DELETE CASCADE (foreign keys are on for this handle);
 * shared rows (domains, addresses, reporters, requests) are removed when
 * nothing refers to them any more.  It never touches import_files (losing
 * a file's progress would import its expired records again) nor
 * reports_sent (the reporter's own bookkeeping).
 *
 * STANDARDS: none; sql/README describes the tables.
 *
 * Thread safety: one run per handle.
 */
#include "importer/expire.h"

#include <stdbool.h>
#include <stddef.h>

#include "common/db.h"

/* the message rule: old, and nothing left to report for it */
static const char del_messages[] =
    "DELETE FROM messages WHERE received < ?1 AND ("
    " (SELECT rua FROM requests q WHERE q.id = messages.request_id) = ''"
    " OR (EXISTS (SELECT 1 FROM reports_sent r"
    "   WHERE r.pdomain_id = messages.pdomain_id"
    "   AND r.period_begin <= messages.received"
    "   AND messages.received < r.period_end"
    "   AND r.status IN ('sent', 'permfail', 'toobig', 'unverified'))"
    "  AND NOT EXISTS (SELECT 1 FROM reports_sent r"
    "   WHERE r.pdomain_id = messages.pdomain_id"
    "   AND r.period_begin <= messages.received"
    "   AND messages.received < r.period_end"
    "   AND r.status IN ('pending', 'tempfail'))))";

/* old messages the rule keeps */
static const char count_kept[] =
    "SELECT count(*) FROM messages WHERE received < ?1";

/* rows nobody refers to any more, parents after children */
static const char *const del_orphans[] = {
    "DELETE FROM requests WHERE id NOT IN"
    " (SELECT request_id FROM messages)",
    "DELETE FROM ipaddrs WHERE id NOT IN (SELECT ip_id FROM messages)",
    "DELETE FROM reporters WHERE id NOT IN"
    " (SELECT reporter_id FROM messages)",
    "DELETE FROM domains WHERE id NOT IN (SELECT from_id FROM messages)"
    " AND id NOT IN (SELECT env_id FROM messages WHERE env_id IS NOT NULL)"
    " AND id NOT IN (SELECT pdomain_id FROM messages)"
    " AND id NOT IN (SELECT spf_domain_id FROM messages"
    "  WHERE spf_domain_id IS NOT NULL)"
    " AND id NOT IN (SELECT domain_id FROM signatures)"
    " AND id NOT IN (SELECT domain_id FROM requests)"
    " AND id NOT IN (SELECT pdomain_id FROM reports_sent)",
};

/* run_stmt - one statement with the cutoff bound if it takes one; the
 * number of rows changed, or -1 */
static int64_t
run_stmt(sqlite3 *db, const char *sql, int64_t cutoff, bool is_count)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    int64_t n = -1;
    int rc;

    if (st == NULL)
        return -1;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, cutoff);
    rc = sqlite3_step(st);
    if (is_count && rc == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else if (!is_count && rc == SQLITE_DONE)
        n = sqlite3_changes64(db);
    else
        log_err("database: expire: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return n;
}

int
expire_run(sqlite3 *db, int64_t cutoff, struct expire_counts *out)
{
    int64_t n;

    out->messages = out->others = out->kept = 0;
    if (db_exec(db, "PRAGMA foreign_keys = ON") < 0 ||
        db_exec(db, "BEGIN IMMEDIATE") < 0)
        return -1;
    n = run_stmt(db, del_messages, cutoff, false);
    if (n < 0)
        goto fail;
    out->messages = (uint64_t)n;
    for (size_t i = 0; i < sizeof(del_orphans) / sizeof(del_orphans[0]); i++) {
        n = run_stmt(db, del_orphans[i], cutoff, false);
        if (n < 0)
            goto fail;
        out->others += (uint64_t)n;
    }
    n = run_stmt(db, count_kept, cutoff, true);
    if (n < 0)
        goto fail;
    out->kept = (uint64_t)n;
    if (db_exec(db, "COMMIT") == 0)
        return 0;
fail:
    db_rollback(db);
    return -1;
}
