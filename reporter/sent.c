/*
 * sent - the delivery bookkeeping of aggregate reports (reports_sent).
 *
 * Prepared statements with bound parameters; one statement per call (the
 * reporter records a handful of rows per report, so preparing each time
 * costs nothing measurable).  Transactions are the caller's.
 *
 * STANDARDS: RFC 9990 section 3.5.2 (a resent report keeps its
 * identifiers); RFC 7489 section 7.2.1 (delivery, retry is the
 * receiver's choice).
 *
 * Ownership: retry lists own their strings.  Thread safety: one
 * connection per thread.
 */
#include "reporter/sent.h"

#include <stdlib.h>

#include "common/xalloc.h"

static const char sent_insert_sql[] =
    "INSERT INTO reports_sent (report_id, pdomain_id, period_begin,"
    " period_end, destination, status, attempts, last_error, next_try,"
    " created, sent_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7,"
    " nullif(?8, 0), ?9, CASE ?6 WHEN 'sent' THEN ?9 END)"
    " ON CONFLICT (report_id, destination) DO UPDATE SET"
    " status = excluded.status, attempts = attempts + 1,"
    " last_error = excluded.last_error, next_try = excluded.next_try,"
    " sent_at = excluded.sent_at";

static const char sent_retries_sql[] =
    "SELECT s.report_id, s.pdomain_id, d.name, s.period_begin,"
    " s.period_end, s.destination, s.attempts FROM reports_sent s"
    " JOIN domains d ON d.id = s.pdomain_id"
    " WHERE s.status = 'tempfail' AND coalesce(s.next_try, 0) <= ?1"
    " ORDER BY s.period_begin, s.pdomain_id, s.report_id, s.id";

const char *
sent_status_str(enum sent_status st)
{
    static const char *const names[] = { "pending",  "sent",   "tempfail",
                                         "permfail", "toobig", "unverified" };

    if ((size_t)st >= sizeof(names) / sizeof(names[0]))
        log_panic("sent: status %d", (int)st);
    return names[st];
}

/* bind_text - bind s (NULL binds NULL) */
static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return s == NULL ? sqlite3_bind_null(st, i)
                     : sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int
sent_record(sqlite3 *db, const struct sent_entry *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(db, sent_insert_sql, -1, &st, NULL) != SQLITE_OK)
        goto out;
    if (bind_text(st, 1, e->report_id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, e->pdomain_id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, e->period.begin) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, e->period.end) != SQLITE_OK ||
        bind_text(st, 5, e->destination) != SQLITE_OK ||
        bind_text(st, 6, sent_status_str(e->status)) != SQLITE_OK ||
        bind_text(st, 7, e->error) != SQLITE_OK ||
        sqlite3_bind_int64(st, 8, e->next_try) != SQLITE_OK ||
        sqlite3_bind_int64(st, 9, e->now) != SQLITE_OK)
        goto out;
    if (sqlite3_step(st) == SQLITE_DONE)
        rc = 0;
out:
    if (rc < 0)
        log_err("sent: record report=%s: %s", e->report_id, sqlite3_errmsg(db));
    (void)sqlite3_finalize(st); /* its error was logged above */
    return rc;
}

/* text_dup - column i as a new string ("" for NULL) */
static char *
text_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return xstrdup(t != NULL ? (const char *)t : "");
}

int
sent_retries(sqlite3 *db, int64_t now, struct sent_retry **out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    struct sent_retry *r = NULL;
    int rc = SQLITE_ERROR;

    *n = 0;
    if (sqlite3_prepare_v2(db, sent_retries_sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_int64(st, 1, now) == SQLITE_OK) {
        size_t cap = 0;

        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (*n == cap) {
                cap = cap ? 2 * cap : 8;
                r = xreallocarray(r, cap, sizeof(*r));
            }
            r[*n].report_id = text_dup(st, 0);
            r[*n].pdomain_id = sqlite3_column_int64(st, 1);
            r[*n].domain = text_dup(st, 2);
            r[*n].period.begin = sqlite3_column_int64(st, 3);
            r[*n].period.end = sqlite3_column_int64(st, 4);
            r[*n].destination = text_dup(st, 5);
            r[*n].attempts = sqlite3_column_int64(st, 6);
            (*n)++;
        }
    }
    if (rc != SQLITE_DONE) {
        log_err("sent: retries: %s", sqlite3_errmsg(db));
        sent_retries_free(r, *n);
        *n = 0;
        (void)sqlite3_finalize(st); /* logged above */
        return -1;
    }
    (void)sqlite3_finalize(st); /* the step succeeded */
    *out = r;
    return 0;
}

void
sent_retries_free(struct sent_retry *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].report_id);
        free(r[i].domain);
        free(r[i].destination);
    }
    free(r);
}
