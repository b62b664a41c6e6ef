/*
 * testdb - test helper: an in-memory database with the schema and a
 * fixture of known content (see testdb.h).
 *
 * STANDARDS: none.  Thread safety: none.
 */
#include "tests/lib/testdb.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "common/buf.h"
#include "tests/lib/testxml.h"

/* DAY0 - the fixture's first day */
#define DAY0 TESTDB_DAY0

/* the fixture: names, addresses, the policy, then the messages */
static const char fixture_sql[] =
    "INSERT INTO reporters VALUES (1, 'mta.receiver.example');"
    "INSERT INTO domains VALUES (1, 'example.org'), (2, 'bounce.example.org'),"
    " (3, 'sub.example.org'), (4, 'other.test'), (5, 'mx.example.org'),"
    " (6, 'sig.example');"
    "INSERT INTO ipaddrs VALUES (1, '192.0.2.1'), (2, '2001:db8::1');"
    "INSERT INTO requests VALUES (1, 1, "
    " 'mailto:rua@example.org,mailto:x@red.test!10k', 100, 114, 115, 113,"
    " 0, 5, 0, 0, 0),"
    " (2, 4, '', 50, 114, 114, 114, 110, 0, 0, 0, 0);";

/* one message: id, received, ip, action, align dkim/spf, policy, from,
 * env (0: NULL), spf, scope, spf domain (0: NULL), pdomain, request */
struct msg {
    int id;           /* messages.id */
    int64_t received; /* time */
    int ip;           /* ipaddrs.id */
    int action;       /* action code */
    int align_dkim;   /* alignment code */
    int align_spf;    /* alignment code */
    int policy;       /* policy code */
    int from;         /* domains.id */
    int env;          /* domains.id, 0 for NULL */
    int spf;          /* ARES code */
    int scope;        /* 1 mfrom, 2 helo */
    int spf_domain;   /* domains.id, 0 for NULL */
    int pdomain;      /* domains.id */
    int request;      /* requests.id */
};

static const struct msg msgs[] = {
    { 1, DAY0 + 10, 1, 2, 4, 5, 15, 1, 2, 2, 1, 2, 1, 1 },
    { 2, DAY0 + 20, 1, 2, 4, 5, 15, 1, 2, 2, 1, 2, 1, 1 },
    { 3, DAY0 + 30, 1, 2, 4, 5, 15, 1, 2, 2, 1, 2, 1, 1 },
    { 4, DAY0 + 40, 1, 2, 4, 5, 15, 1, 2, 2, 1, 2, 1, 1 },
    { 5, DAY0 + 50, 2, 2, 5, 5, 17, 3, 0, 0, 2, 5, 1, 1 },
    { 6, DAY0 + 60, 2, 2, 5, 5, 17, 3, 0, 0, 2, 5, 1, 1 },
    { 7, DAY0 + 70, 2, 2, 5, 5, 17, 1, 2, 7, 1, 2, 1, 1 },
    { 8, DAY0 + 86400 + 5, 1, 2, 4, 5, 15, 1, 2, 2, 1, 2, 1, 1 },
    { 9, DAY0 + 100, 1, 2, 4, 4, 15, 4, 4, 0, 1, 4, 4, 2 },
};

/* the child rows: signatures of messages 1-4 (4 has two), overrides of 7 */
static const char children_sql[] =
    "INSERT INTO signatures VALUES (1, 0, 6, 'sel1', 0), (2, 0, 6, 'sel1', 0),"
    " (3, 0, 6, 'sel1', 0), (4, 0, 6, 'sel1', 0), (4, 1, 1, NULL, 7);"
    "INSERT INTO overrides VALUES (7, 0, 'forwarded', ''),"
    " (7, 1, 'policy_test_mode', 'x');"
    "UPDATE messages SET sigcount = (SELECT count(*) FROM signatures s"
    " WHERE s.message_id = messages.id);";

/* read_schema - the schema text into b; false when there is none */
static bool
read_schema(struct buf *b)
{
    const char *alt = getenv("QUERY_SCHEMA"); /* NOLINT(concurrency-mt-unsafe):
                                                 single-threaded test */
    FILE *f = fopen(alt != NULL ? alt : testxml_path("sql/schema.sql"), "r");
    char chunk[4096];
    size_t n;

    if (f == NULL)
        return false;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(buf_append(b, chunk, n), 0);
    (void)fclose(f);
    return true;
}

/* insert_msgs - every row of msgs */
static void
insert_msgs(sqlite3 *db)
{
    sqlite3_stmt *st;

    assert_int_equal(
        sqlite3_prepare_v2(
            db,
            "INSERT INTO messages (id, received, rec_hash, jobid, "
            "reporter_id, ip_id, from_id, env_id, pdomain_id, request_id, "
            "spf, spf_scope, spf_domain_id, policy, action, align_dkim, "
            "align_spf, arc, arc_policy, sigcount, discovery, hist_version) "
            "VALUES (?1, ?2, ?1, 'Q', 1, ?3, ?4, nullif(?5, 0), ?6, ?7, ?8, "
            "?9, nullif(?10, 0), ?11, ?12, ?13, ?14, -1, 0, 0, 1, 1)",
            -1, &st, NULL),
        SQLITE_OK);
    for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        const struct msg *m = &msgs[i];
        const int64_t v[] = { m->id,         m->received, m->ip,
                              m->from,       m->env,      m->pdomain,
                              m->request,    m->spf,      m->scope,
                              m->spf_domain, m->policy,   m->action,
                              m->align_dkim, m->align_spf };

        for (int k = 0; k < 14; k++)
            assert_int_equal(sqlite3_bind_int64(st, k + 1, v[k]), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        assert_int_equal(sqlite3_reset(st), SQLITE_OK);
    }
    assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
}

bool
testdb_has_schema(void)
{
    struct buf schema;
    bool has;

    buf_init(&schema, (size_t)1 << 20);
    has = read_schema(&schema);
    buf_free(&schema);
    return has;
}

int
testdb_setup(void **state)
{
    struct buf schema;
    sqlite3 *db = NULL;

    buf_init(&schema, (size_t)1 << 20);
    if (!read_schema(&schema)) {
        buf_free(&schema);
        *state = NULL;
        return -1;
    }
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db, schema.data, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, fixture_sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "setup: %s\n", sqlite3_errmsg(db));
        buf_free(&schema);
        return -1;
    }
    buf_free(&schema);
    insert_msgs(db);
    if (sqlite3_exec(db, children_sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "setup: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    *state = db;
    return 0;
}

int
testdb_teardown(void **state)
{
    (void)sqlite3_close(*state);
    return 0;
}
