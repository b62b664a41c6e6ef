/*
 * query - what dmarc-reports reads from the database.
 *
 * Prepared statements with bound parameters only.  The rows of a report
 * are read and grouped by reporter/records.c; this file holds the
 * domain, period and policy lookups.  History codes are mapped by agg.c.
 * It writes nothing (sent.c records deliveries).
 *
 * Messages without a usable DMARC record (policy code 14) are not
 * reported: there is no policy domain owner who asked for reports.
 *
 * STANDARDS: RFC 7489 section 7.2 (grouping, content), Appendix C;
 * history-format.md 4.1-4.7 (codes).
 *
 * Ownership: the query owns its statements and the records; row
 * strings are borrowed until the next row.
 * Thread safety: one query per thread and connection.
 */
#include "reporter/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "reporter/records.h"

/* the statements */
enum query_stmt {
    Q_DOMAINS,
    Q_LAST,
    Q_NEXT,
    Q_POLICY,
    Q_COUNT
};

static const char *const query_sql[Q_COUNT] = {
    /* the policy domains, one index seek each (a skip scan over
     * messages_by_pdomain), not a scan of every stored message */
    [Q_DOMAINS] = "WITH RECURSIVE p(id) AS ("
                  " SELECT (SELECT min(pdomain_id) FROM messages"
                  "  WHERE policy <> 14)"
                  " UNION ALL SELECT (SELECT min(pdomain_id) FROM messages"
                  "  WHERE pdomain_id > p.id AND policy <> 14)"
                  " FROM p WHERE p.id IS NOT NULL)"
                  " SELECT p.id, d.name, (SELECT min(received) FROM messages"
                  "  WHERE pdomain_id = p.id AND policy <> 14) AS first"
                  " FROM p JOIN domains d ON d.id = p.id"
                  " WHERE first < ?1 ORDER BY d.name",
    [Q_LAST] = "SELECT max(period_end) FROM reports_sent"
               " WHERE pdomain_id = ?1",
    [Q_NEXT] = "SELECT min(received) FROM messages"
               " WHERE pdomain_id = ?1 AND received >= ?2 AND policy <> 14",
    [Q_POLICY] = "SELECT d.name, r.rua, r.pct, r.adkim, r.aspf, r.p, r.sp,"
                 " r.fo, r.np, r.t, m.discovery FROM messages m"
                 " JOIN requests r ON r.id = m.request_id"
                 " JOIN domains d ON d.id = m.pdomain_id"
                 " WHERE m.pdomain_id = ?1 AND m.received >= ?2"
                 " AND m.received < ?3 AND m.policy <> 14"
                 " ORDER BY m.received DESC LIMIT 1",
};

/* a prepared query */
struct query {
    sqlite3 *db;               /* the connection (borrowed) */
    sqlite3_stmt *st[Q_COUNT]; /* the statements */
    struct records *rec;       /* the grouped rows of a report */
};

struct query *
query_new(sqlite3 *db, const char **why)
{
    struct query *q = xcalloc(1, sizeof(*q));

    q->db = db;
    q->rec = records_new(db);
    if (q->rec == NULL) {
        *why = "the database does not have the expected schema";
        query_free(q);
        return NULL;
    }
    for (size_t i = 0; i < Q_COUNT; i++) {
        if (sqlite3_prepare_v3(db, query_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &q->st[i], NULL) != SQLITE_OK) {
            log_err("query: prepare: %s", sqlite3_errmsg(db));
            *why = "the database does not have the expected schema";
            query_free(q);
            return NULL;
        }
    }
    return q;
}

void
query_free(struct query *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < Q_COUNT; i++)
        (void)sqlite3_finalize(q->st[i]); /* reports the last step's error */
    records_free(q->rec);
    free(q);
}

/* start - reset statement k and bind up to three integers */
static sqlite3_stmt *
start(struct query *q, enum query_stmt k, int n, const int64_t *v)
{
    sqlite3_stmt *st = q->st[k];

    (void)sqlite3_reset(st); /* the previous run's error was reported */
    for (int i = 0; i < n; i++) {
        if (sqlite3_bind_int64(st, i + 1, v[i]) != SQLITE_OK)
            return NULL;
    }
    return st;
}

/* step_error - log a failed step */
static int
step_error(struct query *q, const char *what)
{
    log_err("query: %s: %s", what, sqlite3_errmsg(q->db));
    return -1;
}

/* text - column i as a C string ("" for NULL) */
static const char *
text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t != NULL ? (const char *)t : "";
}

int
query_domains(struct query *q, int64_t until, struct query_domain **out,
              size_t *n)
{
    sqlite3_stmt *st = start(q, Q_DOMAINS, 1, &until);
    struct query_domain *d = NULL;
    size_t cap = 0;
    int rc;

    *n = 0;
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            d = xreallocarray(d, cap, sizeof(*d));
        }
        d[*n].id = sqlite3_column_int64(st, 0);
        d[*n].name = xstrdup(text(st, 1));
        d[*n].first = sqlite3_column_int64(st, 2);
        (*n)++;
    }
    if (st == NULL || rc != SQLITE_DONE) {
        query_domains_free(d, *n);
        *n = 0;
        return step_error(q, "policy domains");
    }
    *out = d;
    return 0;
}

void
query_domains_free(struct query_domain *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(d[i].name);
    free(d);
}

/* one_int - run statement k (bound to v) for one nullable integer */
static int
one_int(struct query *q, enum query_stmt k, int n, const int64_t *v, bool *has,
        int64_t *out)
{
    sqlite3_stmt *st = start(q, k, n, v);

    if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
        return step_error(q, "lookup");
    *has = sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (*has)
        *out = sqlite3_column_int64(st, 0);
    (void)sqlite3_reset(st); /* end the read: the step succeeded */
    return 0;
}

int
query_last_end(struct query *q, int64_t pdomain_id, bool *has_last,
               int64_t *end)
{
    return one_int(q, Q_LAST, 1, &pdomain_id, has_last, end);
}

int
query_next_data(struct query *q, int64_t pdomain_id, int64_t since, bool *has,
                int64_t *t)
{
    const int64_t v[] = { pdomain_id, since };

    return one_int(q, Q_NEXT, 2, v, has, t);
}

/* fo_text - the fo bitmap (sql/README: 1 "0", 2 "1", 4 "d", 8 "s"; 0
 * absent, the default "0") as published, options joined with ':' */
static void
fo_text(int64_t bits, char *out, size_t out_size)
{
    static const char letters[] = "01ds";
    size_t n = 0;

    for (size_t i = 0; i < 4 && n + 2 < out_size; i++) {
        if ((bits & (1 << i)) == 0)
            continue;
        if (n > 0)
            out[n++] = ':';
        out[n++] = letters[i];
    }
    if (n == 0)
        out[n++] = '0';
    out[n] = '\0';
}

/* policy_9990 - the RFC 9990 parts of the policy from columns 8-10 of
 * Q_POLICY (sql/README codes): np (absent: sp's value, RFC 9989 section
 * 4.7), t (1 y; absent or 2 n) and the discovery of the same message
 * (1 psl, 2 treewalk; 0 none: not written) */
static void
policy_9990(sqlite3_stmt *st, struct agg_policy *pol)
{
    int64_t disc = sqlite3_column_int64(st, 10);

    if (agg_np_from_code(sqlite3_column_int(st, 8), &pol->np) < 0)
        pol->np = pol->sp;
    pol->is_testing = sqlite3_column_int(st, 9) == 1;
    pol->discovery = disc == 1   ? AGG_DISCOVERY_PSL
                     : disc == 2 ? AGG_DISCOVERY_TREEWALK
                                 : AGG_DISCOVERY_UNKNOWN;
}

int
query_policy(struct query *q, int64_t pdomain_id, const struct period *p,
             struct query_policy *out)
{
    const int64_t v[] = { pdomain_id, p->begin, p->end };
    sqlite3_stmt *st = start(q, Q_POLICY, 3, v);
    int rc = st != NULL ? sqlite3_step(st) : SQLITE_ERROR;
    int64_t pct;

    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return step_error(q, "policy");
    (void)snprintf(out->domain, sizeof(out->domain), "%s", text(st, 0));
    out->rua = xstrdup(text(st, 1));
    agg_policy_init(&out->pol, out->domain);
    pct = sqlite3_column_int64(st, 2);
    out->pol.pct = pct >= 0 && pct <= 100 ? (unsigned)pct : 100;
    out->pol.adkim = agg_alignment_from_code(sqlite3_column_int(st, 3));
    out->pol.aspf = agg_alignment_from_code(sqlite3_column_int(st, 4));
    if (agg_policy_from_code(sqlite3_column_int(st, 5), &out->pol.p) < 0)
        out->pol.p = AGG_DISP_NONE; /* no usable p: "none" (section 6.6.3) */
    if (agg_policy_from_code(sqlite3_column_int(st, 6), &out->pol.sp) < 0)
        out->pol.sp = out->pol.p; /* sp absent: p applies (section 6.3) */
    fo_text(sqlite3_column_int64(st, 7), out->fo, sizeof(out->fo));
    out->pol.fo = out->fo;
    policy_9990(st, &out->pol);
    (void)sqlite3_reset(st); /* end the read: the step succeeded */
    return 0;
}

void
query_policy_free(struct query_policy *out)
{
    free(out->rua);
    out->rua = NULL;
}

void
query_set_format(struct query *q, enum agg_format f, bool is_testing)
{
    records_set_format(q->rec, f, is_testing);
}

int
query_rows_start(struct query *q, int64_t pdomain_id, const struct period *p)
{
    return records_start(q->rec, pdomain_id, p);
}

int
query_row_next(void *ctx, struct agg_row *row)
{
    struct query *q = ctx;

    return records_next(q->rec, row);
}
