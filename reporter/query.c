/*
 * query - what dmarc-reports reads from the database.
 *
 * Prepared statements with bound parameters only.  The rows of a report
 * are grouped by SQL; each group's DKIM signatures and override reasons
 * come back as one text each (group_concat over the rows in record
 * order), which is split here into the row's lists: domain names,
 * selectors and override types hold no spaces or newlines (the history
 * format is space-separated), so the split is exact.  History codes are
 * mapped by agg.c.  It writes nothing (sent.c records deliveries).
 *
 * Messages without a usable DMARC record (policy code 14) are not
 * reported: there is no policy domain owner who asked for reports.
 *
 * STANDARDS: RFC 7489 section 7.2 (grouping, content), Appendix C;
 * history-format.md 4.1-4.7 (codes).
 *
 * Ownership: the query owns its statements and scratch buffers; row
 * strings are borrowed from SQLite until the next step.
 * Thread safety: one query per thread and connection.
 */
#include "reporter/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/num.h"
#include "common/xalloc.h"

/* the statements */
enum query_stmt {
    Q_DOMAINS,
    Q_LAST,
    Q_NEXT,
    Q_POLICY,
    Q_ROWS,
    Q_COUNT
};

static const char *const query_sql[Q_COUNT] = {
    [Q_DOMAINS] = "SELECT m.pdomain_id, d.name, min(m.received)"
                  " FROM messages m JOIN domains d ON d.id = m.pdomain_id"
                  " WHERE m.received < ?1 AND m.policy <> 14"
                  " GROUP BY m.pdomain_id ORDER BY d.name",
    [Q_LAST] = "SELECT max(period_end) FROM reports_sent"
               " WHERE pdomain_id = ?1",
    [Q_NEXT] = "SELECT min(received) FROM messages"
               " WHERE pdomain_id = ?1 AND received >= ?2 AND policy <> 14",
    [Q_POLICY] = "SELECT d.name, r.rua, r.pct, r.adkim, r.aspf, r.p, r.sp,"
                 " r.fo FROM messages m"
                 " JOIN requests r ON r.id = m.request_id"
                 " JOIN domains d ON d.id = m.pdomain_id"
                 " WHERE m.pdomain_id = ?1 AND m.received >= ?2"
                 " AND m.received < ?3 AND m.policy <> 14"
                 " ORDER BY m.received DESC LIMIT 1",
    /* one group per distinct <record>; the signature and override lists
     * are part of the key.  Grouped on ids, names joined per group (not
     * per message); the signature list is only built for messages that
     * have signatures (sigcount) */
    [Q_ROWS] =
        "SELECT i.addr, g.action, g.align_dkim, g.align_spf, g.policy,"
        " f.name, e.name, g.spf, g.spf_scope, sd.name, g.sigs, g.ovr, g.n"
        " FROM (SELECT m.ip_id, m.action, m.align_dkim, m.align_spf,"
        "  m.policy, m.from_id, m.env_id, m.spf, m.spf_scope,"
        "  m.spf_domain_id,"
        "  CASE WHEN m.sigcount > 0 THEN"
        "   (SELECT group_concat(x, char(10)) FROM"
        "    (SELECT d.name || ' ' || coalesce(s.selector, '') || ' ' ||"
        "     s.result AS x FROM signatures s"
        "     JOIN domains d ON d.id = s.domain_id"
        "     WHERE s.message_id = m.id ORDER BY s.seq)) END AS sigs,"
        "  (SELECT group_concat(x, char(10)) FROM"
        "   (SELECT o.type || ' ' || o.comment AS x FROM overrides o"
        "    WHERE o.message_id = m.id ORDER BY o.seq)) AS ovr,"
        "  count(*) AS n"
        "  FROM messages m"
        "  WHERE m.pdomain_id = ?1 AND m.received >= ?2"
        "  AND m.received < ?3 AND m.policy <> 14"
        "  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12) g"
        " JOIN ipaddrs i ON i.id = g.ip_id"
        " JOIN domains f ON f.id = g.from_id"
        " LEFT JOIN domains e ON e.id = g.env_id"
        " LEFT JOIN domains sd ON sd.id = g.spf_domain_id"
        " ORDER BY g.n DESC, i.addr",
};

/* columns of Q_ROWS */
enum query_col {
    C_IP,
    C_ACTION,
    C_ALIGN_DKIM,
    C_ALIGN_SPF,
    C_POLICY,
    C_FROM,
    C_ENV,
    C_SPF,
    C_SPF_SCOPE,
    C_SPF_DOMAIN,
    C_SIGS,
    C_OVERRIDES,
    C_COUNT
};

/* a prepared query */
struct query {
    sqlite3 *db;               /* the connection (borrowed) */
    sqlite3_stmt *st[Q_COUNT]; /* the statements */
    struct buf sigs;           /* this row's signature list */
    struct buf ovr;            /* this row's override list */
};

struct query *
query_new(sqlite3 *db, const char **why)
{
    struct query *q = xcalloc(1, sizeof(*q));

    q->db = db;
    buf_init(&q->sigs, QUERY_MAX_AUTH);
    buf_init(&q->ovr, QUERY_MAX_AUTH);
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
    buf_free(&q->sigs);
    buf_free(&q->ovr);
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
    (void)sqlite3_reset(st); /* end the read: the step succeeded */
    return 0;
}

void
query_policy_free(struct query_policy *out)
{
    free(out->rua);
    out->rua = NULL;
}

int
query_rows_start(struct query *q, int64_t pdomain_id, const struct period *p)
{
    const int64_t v[] = { pdomain_id, p->begin, p->end };

    return start(q, Q_ROWS, 3, v) != NULL ? 0 : step_error(q, "rows");
}

/* next_line - cut the next '\n'-terminated line off *p (NUL-terminating
 * it in place); NULL at the end */
static char *
next_line(char **p)
{
    char *line = *p;
    char *nl;

    if (line == NULL || *line == '\0')
        return NULL;
    nl = strchr(line, '\n');
    *p = nl != NULL ? nl + 1 : NULL;
    if (nl != NULL)
        *nl = '\0';
    return line;
}

/* add_sigs - the "domain selector result" lines into the row's DKIM
 * results; -1 when one does not parse or the row is full */
static int
add_sigs(struct query *q, sqlite3_stmt *st, struct agg_row *row)
{
    char *p;
    char *line;

    buf_reset(&q->sigs);
    if (*text(st, C_SIGS) == '\0')
        return 0;
    if (buf_append_str(&q->sigs, text(st, C_SIGS)) < 0)
        return -1;
    p = q->sigs.data;
    while ((line = next_line(&p)) != NULL) {
        char *sel = strchr(line, ' ');
        char *res = sel != NULL ? strchr(sel + 1, ' ') : NULL;
        struct agg_dkim d;
        int64_t code;

        if (res == NULL)
            return -1;
        *sel++ = '\0';
        *res++ = '\0';
        if (num_parse_i64(str_cstr(res), -1, 99, &code, NULL) < 0)
            return -1;
        d = (struct agg_dkim){ line, sel, agg_dkim_from_code((int)code), NULL };
        if (agg_row_add_dkim(row, &d) < 0)
            return -1;
    }
    return 0;
}

/* add_overrides - the "type comment" lines into the row's reasons; a type
 * RFC 7489 does not know (RFC 9990's policy_test_mode) becomes "other"
 * with the whole line as comment; -1 when the row is full */
static int
add_overrides(struct query *q, sqlite3_stmt *st, struct agg_row *row)
{
    char *p;
    char *line;

    buf_reset(&q->ovr);
    if (*text(st, C_OVERRIDES) == '\0')
        return 0;
    if (buf_append_str(&q->ovr, text(st, C_OVERRIDES)) < 0)
        return -1;
    p = q->ovr.data;
    while ((line = next_line(&p)) != NULL) {
        char *comment = strchr(line, ' ');
        enum agg_reason_type t;
        int rc;

        if (comment != NULL)
            *comment++ = '\0';
        if (agg_reason_from_name(line, &t) == 0) {
            rc = agg_row_add_reason(row, t, comment);
        } else {
            if (comment != NULL)
                comment[-1] = ' '; /* keep "type comment" whole */
            rc = agg_row_add_reason(row, AGG_REASON_OTHER, line);
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* add_not_enforced - a failing message whose policy asked for more than
 * was applied, with no recorded reason: the filter's configuration
 * (OpenDMARC's RejectFailures off, for example) is a local policy
 * (Appendix C PolicyOverrideType; history-format.md 4.4, 4.5) */
static int
add_not_enforced(int policy, struct agg_row *row)
{
    bool is_weaker = (policy == 16 && row->disposition != AGG_DISP_REJECT) ||
                     (policy == 17 && row->disposition == AGG_DISP_NONE);

    if (!is_weaker || row->reason_count > 0)
        return 0;
    return agg_row_add_reason(row, AGG_REASON_LOCAL_POLICY,
                              "policy not enforced by the receiver");
}

/* add_spf - the row's SPF result: the domain SPF checked, else the
 * envelope domain, else header_from (history-format.md 4.7: not
 * evaluated is "none" with the domain the reporter knows) */
static int
add_spf(sqlite3_stmt *st, struct agg_row *row)
{
    struct agg_spf s;

    s.domain = text(st, C_SPF_DOMAIN);
    if (*s.domain == '\0')
        s.domain = text(st, C_ENV);
    if (*s.domain == '\0')
        s.domain = row->header_from;
    s.scope = sqlite3_column_int(st, C_SPF_SCOPE) == 2 ? AGG_SCOPE_HELO
                                                       : AGG_SCOPE_MFROM;
    s.result = agg_spf_from_code(sqlite3_column_int(st, C_SPF));
    return agg_row_add_spf(row, &s);
}

int
query_row_next(void *ctx, struct agg_row *row)
{
    struct query *q = ctx;
    sqlite3_stmt *st = q->st[Q_ROWS];
    int rc = sqlite3_step(st);
    int64_t count;

    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return step_error(q, "rows");
    count = sqlite3_column_int64(st, C_COUNT);
    row->source_ip = text(st, C_IP);
    row->count = count > 0 ? (uint64_t)count : 0;
    row->disposition =
        agg_disposition_from_action(sqlite3_column_int(st, C_ACTION));
    row->dkim = agg_dmarc_from_align(sqlite3_column_int(st, C_ALIGN_DKIM));
    row->spf = agg_dmarc_from_align(sqlite3_column_int(st, C_ALIGN_SPF));
    row->header_from = text(st, C_FROM);
    row->envelope_from = text(st, C_ENV); /* "" for the null sender */
    if (add_sigs(q, st, row) < 0 || add_overrides(q, st, row) < 0 ||
        add_not_enforced(sqlite3_column_int(st, C_POLICY), row) < 0 ||
        add_spf(st, row) < 0) {
        log_warn("query: ip=%s a group's results do not fit or parse: "
                 "group refused",
                 row->source_ip);
        row->count = 0; /* refused by the writer, counted as bad */
    }
    return 1;
}
