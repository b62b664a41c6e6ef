/*
 * records - the grouped rows of one report.
 *
 * Three statements walk the period's messages of one policy domain in
 * the same (received, id) order over the index messages_by_pdomain: the
 * messages themselves (their rows), their DKIM signatures and their
 * override reasons (the last two from the index and their own tables).
 * They are merged here, one message at a time, into a key holding every
 * value of its <record> by id (names are looked up once per group,
 * through reporter/names.c), and counted in reporter/groups.c.  A
 * signature or reason row whose message the message walk has passed (a
 * message without a record, or data added in between) is skipped.
 *
 * Key layout, native 64-bit integers: ip_id, action, align_dkim,
 * align_spf, policy, from_id, env_id, spf, spf_scope, spf_domain_id (0
 * for no envelope or SPF domain); then per signature the tag K_SIG,
 * domain_id, result, selector; per reason K_OVR, type, comment; texts as
 * length then bytes.  K_REFUSED alone after the fixed part marks a
 * message whose lists do not fit.
 *
 * Messages without a usable DMARC record (policy code 14) are not
 * reported: there is no policy domain owner who asked for reports.
 *
 * STANDARDS: RFC 7489 section 7.2 (grouping, content), Appendix C; RFC
 * 9990 section 3.1.6 (override types); history-format.md 4.1-4.7 (codes).
 *
 * Ownership: the records own their statements, caches and groups; row
 * strings point into their scratch text.  Thread safety: one per thread
 * and connection.
 */
#include "reporter/records.h"

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "reporter/groups.h"
#include "reporter/names.h"

/* RECORDS_MAX_KEY - one message's key: the fixed part and both lists */
#define RECORDS_MAX_KEY (2 * RECORDS_MAX_AUTH + 1024)
/* RECORDS_MAX_TEXT - the names and texts of one row */
#define RECORDS_MAX_TEXT (4 * RECORDS_MAX_AUTH)
/* RECORDS_FIXED - integers in the fixed part of a key */
#define RECORDS_FIXED 10

/* the statements */
enum records_stmt {
    R_MSGS,
    R_SIGS,
    R_OVRS,
    R_COUNT
};

/* tags in a key */
enum records_tag {
    K_SIG = 1,
    K_OVR = 2,
    K_REFUSED = 3
};

/* the fixed part of a key (columns 2.. of R_MSGS, in this order) */
enum records_field {
    F_IP,
    F_ACTION,
    F_ALIGN_DKIM,
    F_ALIGN_SPF,
    F_POLICY,
    F_FROM,
    F_ENV,
    F_SPF,
    F_SPF_SCOPE,
    F_SPF_DOMAIN
};

/* the period of one policy domain: the signature and reason walks are
 * answered by the index messages_by_pdomain alone (sql/004) */
#define RECORDS_WHERE                                                   \
    " WHERE m.pdomain_id = ?1 AND m.received >= ?2 AND m.received < ?3" \
    " AND m.policy <> 14"

static const char *const records_sql[R_COUNT] = {
    [R_MSGS] = "SELECT m.received, m.id, m.ip_id, m.action, m.align_dkim,"
               " m.align_spf, m.policy, m.from_id, coalesce(m.env_id, 0),"
               " m.spf, m.spf_scope, coalesce(m.spf_domain_id, 0)"
               " FROM messages m" RECORDS_WHERE " ORDER BY m.received, m.id",
    [R_SIGS] = "SELECT m.received, m.id, s.domain_id,"
               " coalesce(s.selector, ''), s.result"
               " FROM messages m JOIN signatures s ON s.message_id = "
               "m.id" RECORDS_WHERE " ORDER BY m.received, m.id, s.seq",
    [R_OVRS] =
        "SELECT m.received, m.id, o.type, o.comment"
        " FROM messages m JOIN overrides o ON o.message_id = m.id" RECORDS_WHERE
        " ORDER BY m.received, m.id, o.seq",
};

/* the grouped rows of one report */
struct records {
    sqlite3 *db;                        /* the connection (borrowed) */
    sqlite3_stmt *st[R_COUNT];          /* the statements */
    bool has_row[R_COUNT];              /* the statement holds an unread row */
    struct names *domains;              /* domains.name by id */
    struct names *ips;                  /* ipaddrs.addr by id */
    struct groups *g;                   /* the groups of this report */
    enum agg_format format;             /* which override types exist */
    bool is_testing;                    /* RFC 9990: the policy has t=y */
    size_t key_len;                     /* bytes of key used */
    unsigned char key[RECORDS_MAX_KEY]; /* the key being built */
    size_t next;                        /* next group to hand out */
    size_t text_len;                    /* bytes of text used */
    char text[RECORDS_MAX_TEXT];        /* this row's strings */
};

struct records *
records_new(sqlite3 *db)
{
    struct records *r = xcalloc(1, sizeof(*r));

    r->db = db;
    r->g = groups_new();
    r->domains = names_new(db, "SELECT name FROM domains WHERE id = ?1");
    r->ips = names_new(db, "SELECT addr FROM ipaddrs WHERE id = ?1");
    if (r->domains == NULL || r->ips == NULL) {
        records_free(r);
        return NULL;
    }
    for (size_t i = 0; i < R_COUNT; i++) {
        if (sqlite3_prepare_v3(db, records_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &r->st[i],
                               NULL) != SQLITE_OK) {
            log_err("records: prepare: %s", sqlite3_errmsg(db));
            records_free(r);
            return NULL;
        }
    }
    return r;
}

void
records_free(struct records *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < R_COUNT; i++)
        (void)sqlite3_finalize(r->st[i]); /* reports the last step's error */
    names_free(r->domains);
    names_free(r->ips);
    groups_free(r->g);
    free(r);
}

/* step - advance statement k; -1 on error (logged) */
static int
step(struct records *r, enum records_stmt k)
{
    int rc = sqlite3_step(r->st[k]);

    r->has_row[k] = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return 0;
    log_err("records: %s", sqlite3_errmsg(r->db));
    return -1;
}

/* put - n bytes into the key; -1 when it is full */
static int
put(struct records *r, const void *p, size_t n)
{
    if (n > sizeof(r->key) - r->key_len)
        return -1;
    memcpy(r->key + r->key_len, p, n);
    r->key_len += n;
    return 0;
}

/* put_int - an integer into the key */
static int
put_int(struct records *r, int64_t v)
{
    return put(r, &v, sizeof(v));
}

/* put_text - column i of statement k, length first, into the key */
static int
put_text(struct records *r, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    int64_t len = sqlite3_column_bytes(st, i);

    if (put_int(r, len) < 0)
        return -1;
    return t != NULL ? put(r, t, (size_t)len) : 0;
}

/* is_behind - the child row of k belongs to a message before (received,
 * id) */
static bool
is_behind(const struct records *r, enum records_stmt k, int64_t received,
          int64_t id)
{
    int64_t t = sqlite3_column_int64(r->st[k], 0);

    return t < received ||
           (t == received && sqlite3_column_int64(r->st[k], 1) < id);
}

/* is_of - the child row of k belongs to message id */
static bool
is_of(const struct records *r, enum records_stmt k, int64_t id)
{
    return r->has_row[k] && sqlite3_column_int64(r->st[k], 1) == id;
}

/* put_child - one signature or reason row of k into the key */
static int
put_child(struct records *r, enum records_stmt k)
{
    sqlite3_stmt *st = r->st[k];

    if (k == R_SIGS) {
        if (put_int(r, K_SIG) < 0 ||
            put_int(r, sqlite3_column_int64(st, 2)) < 0 ||
            put_int(r, sqlite3_column_int64(st, 4)) < 0)
            return -1;
        return put_text(r, st, 3);
    }
    if (put_int(r, K_OVR) < 0 || put_text(r, st, 2) < 0)
        return -1;
    return put_text(r, st, 3);
}

/* put_children - the rows of k that belong to message (received, id);
 * *is_full when they do not fit (the rest are still consumed) */
static int
put_children(struct records *r, enum records_stmt k, int64_t received,
             int64_t id, bool *is_full)
{
    while (r->has_row[k] && is_behind(r, k, received, id)) {
        if (step(r, k) < 0)
            return -1;
    }
    while (is_of(r, k, id)) {
        if (!*is_full && put_child(r, k) < 0)
            *is_full = true;
        if (step(r, k) < 0)
            return -1;
    }
    return 0;
}

/* count_message - the key of the current message, counted */
static int
count_message(struct records *r)
{
    sqlite3_stmt *st = r->st[R_MSGS];
    int64_t received = sqlite3_column_int64(st, 0);
    int64_t id = sqlite3_column_int64(st, 1);
    bool is_full = false;
    bool is_new = false;
    const char *ip = "";
    size_t idx;

    r->key_len = 0;
    for (int i = 0; i < RECORDS_FIXED; i++) {
        if (put_int(r, sqlite3_column_int64(st, 2 + i)) < 0)
            return -1; /* the fixed part always fits */
    }
    if (put_children(r, R_SIGS, received, id, &is_full) < 0 ||
        put_children(r, R_OVRS, received, id, &is_full) < 0)
        return -1;
    if (is_full) {
        r->key_len = RECORDS_FIXED * sizeof(int64_t);
        if (put_int(r, K_REFUSED) < 0)
            return -1;
    }
    if (groups_add(r->g, r->key, r->key_len, &idx, &is_new) < 0) {
        log_err("records: too many groups in one report");
        return -1;
    }
    if (is_new && names_get(r->ips, sqlite3_column_int64(st, 2), &ip) < 0)
        return -1;
    return is_new ? groups_label(r->g, idx, ip) : 0;
}

void
records_set_format(struct records *r, enum agg_format f, bool is_testing)
{
    r->format = f;
    r->is_testing = is_testing;
}

int
records_start(struct records *r, int64_t pdomain_id, const struct period *p)
{
    const int64_t v[] = { pdomain_id, p->begin, p->end };

    groups_reset(r->g);
    r->next = 0;
    for (size_t k = 0; k < R_COUNT; k++) {
        (void)sqlite3_reset(r->st[k]); /* the previous error was reported */
        for (int i = 0; i < 3; i++) {
            if (sqlite3_bind_int64(r->st[k], i + 1, v[i]) != SQLITE_OK) {
                log_err("records: bind: %s", sqlite3_errmsg(r->db));
                return -1;
            }
        }
        /* all three begin while the first is active: one snapshot */
        if (step(r, (enum records_stmt)k) < 0)
            return -1;
    }
    while (r->has_row[R_MSGS]) {
        if (count_message(r) < 0 || step(r, R_MSGS) < 0)
            return -1;
    }
    for (size_t k = 0; k < R_COUNT; k++)
        (void)sqlite3_reset(r->st[k]); /* end the read: all went well */
    groups_sort(r->g);
    return 0;
}

/* a reader over a key */
struct cursor {
    const unsigned char *p;   /* next byte */
    const unsigned char *end; /* end of the key */
};

/* get_int - the next integer of the key */
static int64_t
get_int(struct cursor *c)
{
    int64_t v;

    assert(c->end - c->p >= (ptrdiff_t)sizeof(v));
    memcpy(&v, c->p, sizeof(v));
    c->p += sizeof(v);
    return v;
}

/* save - n bytes as a NUL-terminated string in the row's text; NULL
 * when the text is full */
static const char *
save(struct records *r, const void *p, size_t n)
{
    char *out = r->text + r->text_len;

    if (n >= sizeof(r->text) - r->text_len)
        return NULL;
    memcpy(out, p, n);
    out[n] = '\0';
    r->text_len += n + 1;
    return out;
}

/* get_text - the next text of the key, saved; NULL when full */
static const char *
get_text(struct records *r, struct cursor *c)
{
    size_t n = (size_t)get_int(c);
    const char *s;

    assert((size_t)(c->end - c->p) >= n);
    s = save(r, c->p, n);
    c->p += n;
    return s;
}

/* name - the name of id in cache n, saved ("" for id 0); NULL when it is
 * unknown or does not fit */
static const char *
name(struct records *r, struct names *n, int64_t id)
{
    const char *s = "";

    if (id != 0 && names_get(n, id, &s) != 0)
        return NULL;
    return save(r, s, strlen(s));
}

/* add_sig - a K_SIG entry into the row's DKIM results */
static int
add_sig(struct records *r, struct cursor *c, struct agg_row *row)
{
    const char *domain = name(r, r->domains, get_int(c));
    int64_t code = get_int(c);
    const char *sel = get_text(r, c);
    struct agg_dkim d = { domain, sel, agg_dkim_from_code((int)code), NULL };

    if (domain == NULL || sel == NULL || code < -1 || code > 99)
        return -1;
    return agg_row_add_dkim(row, &d);
}

/* add_ovr - a K_OVR entry into the row's reasons; a type the report's
 * format does not know (RFC 9990's policy_test_mode in RFC 7489, RFC
 * 7489's forwarded and sampled_out in RFC 9990) becomes "other" with
 * "type comment" as comment */
static int
add_ovr(struct records *r, struct cursor *c, struct agg_row *row)
{
    const char *type = get_text(r, c);
    const char *comment = get_text(r, c);
    enum agg_reason_type t;
    const char *whole;

    if (type == NULL || comment == NULL)
        return -1;
    if ((r->format == AGG_FORMAT_RFC9990 ? agg_reason9990_from_name(type, &t)
                                         : agg_reason_from_name(type, &t)) == 0)
        return agg_row_add_reason(row, t, comment);
    /* type and comment were saved one after the other: join them */
    whole = type;
    r->text[comment - r->text - 1] = ' ';
    return agg_row_add_reason(row, AGG_REASON_OTHER, whole);
}

/* add_not_enforced - a failing message whose policy asked for more than
 * was applied, with no recorded reason: the filter's configuration
 * (OpenDMARC's RejectFailures off, for example) is a local policy
 * (Appendix C PolicyOverrideType; history-format.md 4.4, 4.5); in an RFC
 * 9990 report of a policy with t=y it is the test mode (section 3.1.6
 * policy_test_mode: RFC 9989's t=y asks for one step less) */
static int
add_not_enforced(const struct records *r, int64_t policy, struct agg_row *row)
{
    bool is_weaker = (policy == 16 && row->disposition != AGG_DISP_REJECT) ||
                     (policy == 17 && row->disposition == AGG_DISP_NONE);

    if (!is_weaker || row->reason_count > 0)
        return 0;
    if (r->format == AGG_FORMAT_RFC9990 && r->is_testing)
        return agg_row_add_reason(row, AGG_REASON_POLICY_TEST_MODE,
                                  "policy published with t=y");
    return agg_row_add_reason(row, AGG_REASON_LOCAL_POLICY,
                              "policy not enforced by the receiver");
}

/* add_spf - the row's SPF result: the domain SPF checked, else the
 * envelope domain, else header_from (history-format.md 4.7: not
 * evaluated is "none" with the domain the reporter knows); code 8 is
 * "policy" in RFC 9990, "none" in RFC 7489 */
static int
add_spf(struct records *r, const int64_t *f, struct agg_row *row)
{
    struct agg_spf s;

    s.domain = name(r, r->domains, f[F_SPF_DOMAIN]);
    if (s.domain == NULL)
        return -1;
    if (*s.domain == '\0')
        s.domain = row->envelope_from;
    if (*s.domain == '\0')
        s.domain = row->header_from;
    s.scope = f[F_SPF_SCOPE] == 2 ? AGG_SCOPE_HELO : AGG_SCOPE_MFROM;
    s.result = r->format == AGG_FORMAT_RFC9990
                   ? agg_spf9990_from_code((int)f[F_SPF])
                   : agg_spf_from_code((int)f[F_SPF]);
    return agg_row_add_spf(row, &s);
}

/* fill - the row of the group's key; -1 when it does not fit */
static int
fill(struct records *r, struct cursor *c, struct agg_row *row)
{
    int64_t f[RECORDS_FIXED];
    int rc = 0;

    for (size_t i = 0; i < RECORDS_FIXED; i++)
        f[i] = get_int(c);
    row->disposition = agg_disposition_from_action((int)f[F_ACTION]);
    row->dkim = agg_dmarc_from_align((int)f[F_ALIGN_DKIM]);
    row->spf = agg_dmarc_from_align((int)f[F_ALIGN_SPF]);
    row->header_from = name(r, r->domains, f[F_FROM]);
    row->envelope_from = name(r, r->domains, f[F_ENV]); /* "" for <> */
    if (row->header_from == NULL || row->envelope_from == NULL)
        return -1;
    while (rc == 0 && c->p < c->end) {
        int64_t tag = get_int(c);

        if (tag == K_SIG)
            rc = add_sig(r, c, row);
        else if (tag == K_OVR)
            rc = add_ovr(r, c, row);
        else
            rc = -1; /* K_REFUSED */
    }
    if (rc < 0 || add_not_enforced(r, f[F_POLICY], row) < 0)
        return -1;
    return add_spf(r, f, row);
}

int
records_next(void *ctx, struct agg_row *row)
{
    struct records *r = ctx;
    struct cursor c;
    const unsigned char *key;
    size_t len;
    uint64_t count;
    int64_t ip_id;

    if (r->next == groups_count(r->g))
        return 0;
    groups_get(r->g, r->next++, &key, &len, &count);
    c = (struct cursor){ key, key + len };
    r->text_len = 0;
    ip_id = get_int(&c);
    c.p = key; /* fill reads the fixed part from the start */
    row->source_ip = name(r, r->ips, ip_id);
    row->count = count;
    if (row->source_ip == NULL || fill(r, &c, row) < 0) {
        if (row->source_ip == NULL)
            row->source_ip = "";
        log_warn("records: ip=%s a group's results do not fit or parse: "
                 "group refused",
                 row->source_ip);
        row->count = 0; /* refused by the writer, counted as bad */
    }
    return 1;
}
