/*
 * store - history records into the normalized tables of sql/schema.sql.
 *
 * Names (reporters, domains, addresses) become row ids through a bounded
 * cache in front of SELECT-then-INSERT statements, policy requests
 * through store_req; a
 * message is inserted with ON CONFLICT (received, rec_hash) DO NOTHING, so the
 * same record is never stored twice; its signatures, seals and override reasons
 * follow only when the message row is new.  Domain names are lower-cased here
 * (the history keeps them as received).  It does not manage transactions.
 *
 * STANDARDS: the history format (dmarc-history(5)); sql/README.
 *
 * Thread safety: one store per thread.
 */
#include "importer/store.h"

#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/buf.h"
#include "common/db.h"
#include "common/xalloc.h"
#include "importer/idcache.h"
#include "importer/store_req.h"
#include "importer/store_sql.h"

/* kinds of named rows */
enum store_kind {
    K_REPORTER,
    K_DOMAIN,
    K_IPADDR,
    K_COUNT /* not a kind */
};

/* the statements, in this order */
enum store_stmt {
    S_SEL_REPORTER,
    S_SEL_DOMAIN,
    S_SEL_IPADDR,
    S_INS_REPORTER,
    S_INS_DOMAIN,
    S_INS_IPADDR,
    S_INS_MESSAGE,
    S_INS_SEAL,
    S_INS_OVERRIDE,
    S_ALL_REPORTER,
    S_ALL_DOMAIN,
    S_ALL_IPADDR,
    S_COUNT /* not a statement */
};

/* the SQL of each statement */
static const char *const stmt_sql[S_COUNT] = {
    [S_SEL_REPORTER] = "SELECT id FROM reporters WHERE name = ?1",
    [S_SEL_DOMAIN] = "SELECT id FROM domains WHERE name = ?1",
    [S_SEL_IPADDR] = "SELECT id FROM ipaddrs WHERE addr = ?1",
    [S_INS_REPORTER] = "INSERT INTO reporters (name) VALUES (?1)",
    [S_INS_DOMAIN] = "INSERT INTO domains (name) VALUES (?1)",
    [S_INS_IPADDR] = "INSERT INTO ipaddrs (addr) VALUES (?1)",
    [S_INS_MESSAGE] =
        "INSERT INTO messages (rec_hash, received, jobid, reporter_id, "
        "ip_id, from_id, env_id, pdomain_id, request_id, spf, spf_scope, "
        "spf_domain_id, policy, action, align_dkim, align_spf, arc, "
        "arc_policy, sigcount, discovery, hist_version) VALUES (?1, ?2, ?3, "
        "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
        "?18, ?19, ?20, ?21) ON CONFLICT (received, rec_hash) DO NOTHING",
    [S_INS_SEAL] = "INSERT INTO arcseals (message_id, seq, instance, domain, "
                   "selector, ip) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_INS_OVERRIDE] = "INSERT INTO overrides (message_id, seq, type, "
                       "comment) VALUES (?1, ?2, ?3, ?4)",
    [S_ALL_REPORTER] = "SELECT id, name FROM reporters",
    [S_ALL_DOMAIN] = "SELECT id, name FROM domains",
    [S_ALL_IPADDR] = "SELECT id, addr FROM ipaddrs",
};

/* SIG_ROWS - signatures inserted by one statement: one multi-row INSERT
 * per message costs much less than one statement per row */
#define SIG_ROWS 4

/* MEMO_SLOTS - recent domains remembered: a record names the same domain
 * several times (From, MAIL FROM, policy, SPF, DKIM d=) */
#define MEMO_SLOTS 8
/* MEMO_MAX_NAME - longest name remembered (RFC 1035 section 2.3.4) */
#define MEMO_MAX_NAME 253

/* one recently used domain */
struct memo {
    char name[MEMO_MAX_NAME]; /* lower-cased, not NUL-terminated */
    size_t len;               /* bytes in name; 0 = empty slot */
    int64_t id;               /* domains.id */
};

struct store {
    sqlite3 *db;                    /* borrowed handle */
    sqlite3_stmt *st[S_COUNT];      /* prepared statements */
    struct idcache *cache[K_COUNT]; /* name -> id per kind */
    struct store_req *requests;     /* policy requests */
    struct buf lower;               /* a lower-cased domain */
    bool is_preloaded;              /* store_preload() ran */
    sqlite3_stmt *sig[SIG_ROWS];    /* sig[k]: INSERT of k + 1 rows */
    struct memo memo[MEMO_SLOTS];   /* recent domains */
    size_t memo_next;               /* slot to overwrite next */
};

/* ids cached per kind: a busy site sees a few hundred thousand From and
 * envelope domains and client addresses a day; few reporters */
static const size_t cache_size[K_COUNT] = {
    [K_REPORTER] = 1024,
    [K_DOMAIN] = (size_t)1 << 18,
    [K_IPADDR] = (size_t)1 << 18,
};

/* prepare_sig - the multi-row signature INSERTs (the SQL text is built
 * from constants only; values are bound) */
static int
prepare_sig(struct store *s)
{
    struct buf sql;
    int rc = 0;

    buf_init(&sql, 1024);
    for (int k = 0; k < SIG_ROWS && rc == 0; k++) {
        buf_reset(&sql);
        if (buf_append_str(&sql, "INSERT INTO signatures (message_id, seq, "
                                 "domain_id, selector, result) VALUES ") < 0)
            rc = -1;
        for (int i = 0; i <= k && rc == 0; i++) {
            if (buf_printf(&sql, "%s(?%d, ?%d, ?%d, ?%d, ?%d)", i ? ", " : "",
                           5 * i + 1, 5 * i + 2, 5 * i + 3, 5 * i + 4,
                           5 * i + 5) < 0)
                rc = -1;
        }
        if (rc == 0) {
            s->sig[k] = db_prepare(s->db, buf_cstr(&sql));
            rc = s->sig[k] ? 0 : -1;
        }
    }
    buf_free(&sql);
    return rc;
}

struct store *
store_new(sqlite3 *db)
{
    struct store *s = xcalloc(1, sizeof(*s));

    s->db = db;
    for (size_t i = 0; i < S_COUNT; i++) {
        s->st[i] = db_prepare(db, stmt_sql[i]);
        if (s->st[i] == NULL) {
            store_free(s);
            return NULL;
        }
    }
    s->requests = store_req_new(db);
    if (s->requests == NULL || prepare_sig(s) < 0) {
        store_free(s);
        return NULL;
    }
    for (size_t i = 0; i < K_COUNT; i++)
        s->cache[i] = idcache_new(cache_size[i]);
    buf_init(&s->lower, HIST_MAX_LINE);
    return s;
}

void
store_free(struct store *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < S_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    for (size_t i = 0; i < SIG_ROWS; i++)
        sqlite3_finalize(s->sig[i]);
    for (size_t i = 0; i < K_COUNT; i++)
        idcache_free(s->cache[i]);
    store_req_free(s->requests);
    buf_free(&s->lower);
    free(s);
}

void
store_forget(struct store *s)
{
    for (size_t i = 0; i < K_COUNT; i++)
        idcache_clear(s->cache[i]);
    store_req_forget(s->requests);
    memset(s->memo, 0, sizeof(s->memo));
}

/* name_id - the row id of a reporter, domain or address, created when
 * new.  When the cache holds the whole table, a miss is a new name and
 * the SELECT is skipped. */
static int
name_id(struct store *s, enum store_kind k, struct str name, int64_t *id)
{
    sqlite3_stmt *sel = s->st[S_SEL_REPORTER + k];
    sqlite3_stmt *ins = s->st[S_INS_REPORTER + k];
    int rc = 0;

    if (idcache_get(s->cache[k], name, id))
        return 0;
    if (idcache_is_complete(s->cache[k])) {
        store_sql_bind_text(ins, 1, name);
        rc = store_sql_insert(s->db, ins);
        if (rc < 0)
            return -1;
    }
    if (rc == 0) {
        store_sql_bind_text(sel, 1, name);
        rc = store_sql_id(s->db, sel, id);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            store_sql_bind_text(ins, 1, name);
            if (store_sql_done(s->db, ins, "insert name") < 0)
                return -1;
        }
        rc = !rc;
    }
    if (rc == 1)
        *id = sqlite3_last_insert_rowid(s->db);
    idcache_put(s->cache[k], name, *id);
    return 0;
}

/* domain_id - the id of a domain, lower-cased first; the last few are
 * remembered, since one record names the same domain several times */
static int
domain_id(struct store *s, struct str name, int64_t *id)
{
    struct str low;
    struct memo *m;

    buf_reset(&s->lower);
    if (buf_append_slice(&s->lower, name) < 0)
        return -1; /* the reader bounds lines, so this cannot happen */
    ascii_lower_mem(s->lower.data, s->lower.len);
    low = buf_slice(&s->lower);
    for (size_t i = 0; i < MEMO_SLOTS; i++) {
        m = &s->memo[i];
        if (m->len == low.len && m->len > 0 &&
            memcmp(m->name, low.p, low.len) == 0) {
            *id = m->id;
            return 0;
        }
    }
    if (name_id(s, K_DOMAIN, low, id) < 0)
        return -1;
    if (low.len > 0 && low.len <= MEMO_MAX_NAME) {
        m = &s->memo[s->memo_next];
        s->memo_next = (s->memo_next + 1) % MEMO_SLOTS;
        memcpy(m->name, low.p, low.len);
        m->len = low.len;
        m->id = *id;
    }
    return 0;
}

/* preload_names - fill the cache of kind k with its whole table when it
 * fits, so that misses need no SELECT; 0 or -1 */
static int
preload_names(struct store *s, enum store_kind k)
{
    sqlite3_stmt *st = s->st[S_ALL_REPORTER + k];
    struct idcache *c = s->cache[k];
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct str name = str_make((const char *)sqlite3_column_text(st, 1),
                                   (size_t)sqlite3_column_bytes(st, 1));

        if (idcache_is_full(c))
            break; /* too many: look names up one by one */
        idcache_put(c, name, sqlite3_column_int64(st, 0));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sql_fail(s->db, "preload");
    if (rc == SQLITE_DONE)
        idcache_set_complete(c);
    return 0;
}

int
store_preload(struct store *s)
{
    if (s->is_preloaded)
        return 0;
    s->is_preloaded = true;
    for (size_t i = 0; i < K_COUNT; i++) {
        if (preload_names(s, (enum store_kind)i) < 0)
            return -1;
    }
    return store_req_preload(s->requests);
}

/* the ids a message row refers to */
struct msg_ids {
    int64_t reporter; /* reporters.id */
    int64_t ip;       /* ipaddrs.id */
    int64_t from;     /* domains.id of From */
    int64_t env;      /* domains.id of MAIL FROM, 0 for the null sender */
    int64_t pdomain;  /* domains.id of the policy domain */
    int64_t request;  /* requests.id */
    int64_t spf_dom;  /* domains.id of the SPF domain, 0 when unknown */
};

/* resolve - every id of r */
static int
resolve(struct store *s, const struct hist_rec *r, struct msg_ids *ids)
{
    memset(ids, 0, sizeof(*ids));
    if (name_id(s, K_REPORTER, r->reporter, &ids->reporter) < 0 ||
        name_id(s, K_IPADDR, r->ipaddr, &ids->ip) < 0 ||
        domain_id(s, r->pdomain, &ids->pdomain) < 0 ||
        domain_id(s, r->from, &ids->from) < 0 ||
        (r->mfrom.len && domain_id(s, r->mfrom, &ids->env) < 0) ||
        (r->spf_domain.len && domain_id(s, r->spf_domain, &ids->spf_dom) < 0))
        return -1;
    return store_req_id(s->requests, r, ids->pdomain, &ids->request);
}

/* bind_id - an id, or NULL for 0 */
static void
bind_id(sqlite3_stmt *st, int i, int64_t id)
{
    if (id)
        sqlite3_bind_int64(st, i, id);
    else
        sqlite3_bind_null(st, i);
}

/* insert_message - the messages row: 1 new, 0 already there, -1 error */
static int
insert_message(struct store *s, const struct hist_rec *r,
               const unsigned char *hash, const struct msg_ids *ids)
{
    sqlite3_stmt *st = s->st[S_INS_MESSAGE];
    const int codes[] = { r->spf,
                          r->spf_scope,
                          0,
                          r->policy,
                          r->action,
                          r->align_dkim,
                          r->align_spf,
                          r->arc,
                          r->arc_policy,
                          (int)r->dkim_count,
                          (int)r->discovery,
                          r->ext_version };
    int64_t h64;

    /* 64 bits of the fingerprint: unique together with received (a
     * collision needs the same second and the same 64-bit hash), and a
     * small integer keeps the unique index compact */
    memcpy(&h64, hash, sizeof(h64));
    sqlite3_bind_int64(st, 1, h64);
    sqlite3_bind_int64(st, 2, r->received);
    store_sql_bind_text(st, 3, r->job);
    sqlite3_bind_int64(st, 4, ids->reporter);
    sqlite3_bind_int64(st, 5, ids->ip);
    sqlite3_bind_int64(st, 6, ids->from);
    bind_id(st, 7, ids->env);
    sqlite3_bind_int64(st, 8, ids->pdomain);
    sqlite3_bind_int64(st, 9, ids->request);
    for (int i = 0; i < 12; i++)
        sqlite3_bind_int(st, 10 + i, codes[i]);
    bind_id(st, 12, ids->spf_dom);
    if (store_sql_done(s->db, st, "insert message") < 0)
        return -1;
    return sqlite3_changes(s->db) > 0;
}

/* insert_sigs - signatures first .. first + n - 1 of message id, with
 * one statement */
static int
insert_sigs(struct store *s, const struct hist_rec *r, int64_t id, size_t first,
            size_t n)
{
    sqlite3_stmt *st = s->sig[n - 1];

    for (size_t k = 0; k < n; k++) {
        const struct hist_dkim *d = &r->dkim[first + k];
        int p = 5 * (int)k;
        int64_t dom;

        if (domain_id(s, d->domain, &dom) < 0)
            return -1;
        sqlite3_bind_int64(st, p + 1, id);
        sqlite3_bind_int64(st, p + 2, (int64_t)(first + k));
        sqlite3_bind_int64(st, p + 3, dom);
        if (d->selector.len)
            store_sql_bind_text(st, p + 4, d->selector);
        else
            sqlite3_bind_null(st, p + 4);
        sqlite3_bind_int(st, p + 5, d->result);
    }
    return store_sql_done(s->db, st, "insert signatures");
}

/* insert_children - signatures, seals and overrides of message id */
static int
insert_children(struct store *s, const struct hist_rec *r, int64_t id)
{
    for (size_t i = 0; i < r->dkim_count; i += SIG_ROWS) {
        size_t n = r->dkim_count - i < SIG_ROWS ? r->dkim_count - i : SIG_ROWS;

        if (insert_sigs(s, r, id, i, n) < 0)
            return -1;
    }
    for (size_t i = 0; i < r->seal_count; i++) {
        sqlite3_stmt *st = s->st[S_INS_SEAL];

        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        sqlite3_bind_int64(st, 3, r->seals[i].instance);
        store_sql_bind_text(st, 4, r->seals[i].domain);
        store_sql_bind_text(st, 5, r->seals[i].selector);
        store_sql_bind_text(st, 6, r->seals[i].ip);
        if (store_sql_done(s->db, st, "insert seal") < 0)
            return -1;
    }
    for (size_t i = 0; i < r->override_count; i++) {
        sqlite3_stmt *st = s->st[S_INS_OVERRIDE];

        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        store_sql_bind_text(st, 3,
                            str_cstr(hist_override_name(r->overrides[i].type)));
        store_sql_bind_text(st, 4, r->overrides[i].comment);
        if (store_sql_done(s->db, st, "insert override") < 0)
            return -1;
    }
    return 0;
}

int
store_record(struct store *s, const struct hist_rec *r,
             const unsigned char hash[RECHASH_LEN], bool *is_new)
{
    struct msg_ids ids;
    int rc;

    *is_new = false;
    if (resolve(s, r, &ids) < 0)
        return -1;
    rc = insert_message(s, r, hash, &ids);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return 0;
    *is_new = true;
    return insert_children(s, r, sqlite3_last_insert_rowid(s->db));
}
