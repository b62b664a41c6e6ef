/*
 * store_req - policy requests into the requests table, each once.
 *
 * A request row is keyed by its policy domain, its rua URIs joined with
 * ',' and nine numbers (sql/schema.sql).  The cache key is the numbers in
 * binary followed by the rua text; a hit needs no SQL at all.  When the
 * cache holds the whole table (store_req_preload()), a miss is a new
 * request and is inserted straight away; otherwise it is looked up first.
 * It does not lower-case or check values: the parser and store did.
 *
 * STANDARDS: RFC 7489 section 6.3 (the tags of a request); the history
 * format (dmarc-history(5)); sql/README.
 *
 * Thread safety: one per thread.
 */
#include "importer/store_req.h"

#include <stdlib.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/xalloc.h"
#include "importer/idcache.h"
#include "importer/store_sql.h"

/* STORE_REQ_MAX_KEY - bytes of a request's cache key: the numbers and the
 * rua list, which is at most a record */
#define STORE_REQ_MAX_KEY (HIST_MAX_RECORD + 256)

/* STORE_REQ_CACHE - requests cached: about one per policy domain and
 * policy change */
#define STORE_REQ_CACHE ((size_t)65536)

/* STORE_REQ_NVALS - the numeric columns of a request */
#define STORE_REQ_NVALS 9

/* the statements, in this order */
enum store_req_stmt {
    STORE_REQ_SEL,
    STORE_REQ_INS,
    STORE_REQ_ALL,
    STORE_REQ_COUNT /* not a statement */
};

/* the SQL of each statement */
static const char *const stmt_sql[STORE_REQ_COUNT] = {
    [STORE_REQ_SEL] =
        "SELECT id FROM requests WHERE domain_id = ?1 AND rua = ?2 AND "
        "pct = ?3 AND adkim = ?4 AND aspf = ?5 AND p = ?6 AND sp = ?7 AND "
        "fo = ?8 AND np = ?9 AND psd = ?10 AND t = ?11",
    [STORE_REQ_INS] =
        "INSERT INTO requests (domain_id, rua, pct, adkim, aspf, p, sp, fo, "
        "np, psd, t) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [STORE_REQ_ALL] = "SELECT id, domain_id, rua, pct, adkim, aspf, p, sp, "
                      "fo, np, psd, t FROM requests",
};

struct store_req {
    sqlite3 *db;                       /* borrowed handle */
    sqlite3_stmt *st[STORE_REQ_COUNT]; /* prepared statements */
    struct idcache *cache;             /* request key -> id */
    struct buf key;                    /* a request's cache key */
    struct buf rua;                    /* rua URIs joined with ',' */
};

struct store_req *
store_req_new(sqlite3 *db)
{
    struct store_req *q = xcalloc(1, sizeof(*q));

    q->db = db;
    for (size_t i = 0; i < STORE_REQ_COUNT; i++) {
        q->st[i] = db_prepare(db, stmt_sql[i]);
        if (q->st[i] == NULL) {
            store_req_free(q);
            return NULL;
        }
    }
    q->cache = idcache_new(STORE_REQ_CACHE);
    buf_init(&q->key, STORE_REQ_MAX_KEY);
    buf_init(&q->rua, HIST_MAX_RECORD);
    return q;
}

void
store_req_free(struct store_req *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < STORE_REQ_COUNT; i++)
        sqlite3_finalize(q->st[i]);
    idcache_free(q->cache);
    buf_free(&q->key);
    buf_free(&q->rua);
    free(q);
}

void
store_req_forget(struct store_req *q)
{
    idcache_clear(q->cache);
}

/* build_key - the cache key of a request: the numbers in binary, then
 * the rua text */
static int
build_key(struct store_req *q, int64_t pdomain, const int *vals, struct str rua)
{
    buf_reset(&q->key);
    if (buf_append(&q->key, &pdomain, sizeof(pdomain)) < 0 ||
        buf_append(&q->key, vals, STORE_REQ_NVALS * sizeof(*vals)) < 0)
        return -1;
    return buf_append_slice(&q->key, rua);
}

/* request_key - the rua list (joined with ',') and the cache key of r's
 * policy request */
static int
request_key(struct store_req *q, const struct hist_rec *r, int64_t pdomain,
            const int *vals)
{
    buf_reset(&q->rua);
    for (size_t i = 0; i < r->rua_count; i++) {
        if ((i && buf_putc(&q->rua, ',') < 0) ||
            buf_append_slice(&q->rua, r->rua[i]) < 0)
            return -1;
    }
    return build_key(q, pdomain, vals, buf_slice(&q->rua));
}

/* bind_request - the columns of a request into a SELECT or INSERT */
static void
bind_request(struct store_req *q, sqlite3_stmt *st, int64_t pdomain,
             const int *vals)
{
    sqlite3_bind_int64(st, 1, pdomain);
    store_sql_bind_text(st, 2, buf_slice(&q->rua));
    for (int i = 0; i < STORE_REQ_NVALS; i++)
        sqlite3_bind_int(st, i + 3, vals[i]);
}

int
store_req_id(struct store_req *q, const struct hist_rec *r, int64_t pdomain,
             int64_t *id)
{
    const int vals[STORE_REQ_NVALS] = { r->pct,     r->adkim,    r->aspf,
                                        r->p,       r->sp,       r->fo,
                                        (int)r->np, (int)r->psd, (int)r->t };
    sqlite3_stmt *sel = q->st[STORE_REQ_SEL];
    sqlite3_stmt *ins = q->st[STORE_REQ_INS];
    int rc = 0;

    if (request_key(q, r, pdomain, vals) < 0)
        return -1;
    if (idcache_get(q->cache, buf_slice(&q->key), id))
        return 0;
    if (idcache_is_complete(q->cache)) {
        bind_request(q, ins, pdomain, vals);
        rc = store_sql_insert(q->db, ins);
        if (rc < 0)
            return -1;
    }
    if (rc == 0) {
        bind_request(q, sel, pdomain, vals);
        rc = store_sql_id(q->db, sel, id);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            bind_request(q, ins, pdomain, vals);
            if (store_sql_done(q->db, ins, "insert request") < 0)
                return -1;
        }
        rc = !rc;
    }
    if (rc == 1)
        *id = sqlite3_last_insert_rowid(q->db);
    idcache_put(q->cache, buf_slice(&q->key), *id);
    return 0;
}

int
store_req_preload(struct store_req *q)
{
    sqlite3_stmt *st = q->st[STORE_REQ_ALL];
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int vals[STORE_REQ_NVALS];

        for (int i = 0; i < STORE_REQ_NVALS; i++)
            vals[i] = sqlite3_column_int(st, i + 3);
        if (idcache_is_full(q->cache) ||
            build_key(q, sqlite3_column_int64(st, 1), vals,
                      str_make((const char *)sqlite3_column_text(st, 2),
                               (size_t)sqlite3_column_bytes(st, 2))) < 0)
            break;
        idcache_put(q->cache, buf_slice(&q->key), sqlite3_column_int64(st, 0));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sql_fail(q->db, "preload");
    if (rc == SQLITE_DONE)
        idcache_set_complete(q->cache);
    return 0;
}
