/*
 * names - the text behind an id, cached.
 *
 * Each slot holds one id and a copy of its name; an id always goes to the
 * same slot (id modulo NAMES_SLOTS), replacing what was there.  It does
 * not know which table it reads: the caller's statement says.
 *
 * STANDARDS: none.
 *
 * Ownership: the cache owns its statement and the copies; a name handed
 * out is borrowed until the next lookup.  Thread safety: one cache per
 * thread and connection.
 */
#include "reporter/names.h"

#include <inttypes.h>
#include <stdlib.h>

#include "common/xalloc.h"

/* one cached name */
struct names_slot {
    int64_t id; /* the id; meaningful when text is set */
    char *text; /* its name, owned; NULL for an empty slot */
};

/* the cache */
struct names {
    sqlite3 *db;                         /* the connection (borrowed) */
    sqlite3_stmt *st;                    /* the lookup */
    struct names_slot slot[NAMES_SLOTS]; /* the names */
};

struct names *
names_new(sqlite3 *db, const char *sql)
{
    struct names *n = xcalloc(1, sizeof(*n));

    n->db = db;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &n->st,
                           NULL) != SQLITE_OK) {
        log_err("names: prepare: %s", sqlite3_errmsg(db));
        names_free(n);
        return NULL;
    }
    return n;
}

void
names_free(struct names *n)
{
    if (n == NULL)
        return;
    (void)sqlite3_finalize(n->st); /* reports the last step's error */
    for (size_t i = 0; i < NAMES_SLOTS; i++)
        free(n->slot[i].text);
    free(n);
}

int
names_get(struct names *n, int64_t id, const char **out)
{
    struct names_slot *s = &n->slot[(uint64_t)id % NAMES_SLOTS];
    const unsigned char *t;
    int rc;

    if (s->text != NULL && s->id == id) {
        *out = s->text;
        return 0;
    }
    (void)sqlite3_reset(n->st); /* the previous lookup ended cleanly */
    if (sqlite3_bind_int64(n->st, 1, id) != SQLITE_OK)
        rc = SQLITE_ERROR;
    else
        rc = sqlite3_step(n->st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW) {
        log_err("names: lookup %" PRId64 ": %s", id, sqlite3_errmsg(n->db));
        return -1;
    }
    t = sqlite3_column_text(n->st, 0);
    free(s->text);
    s->text = xstrdup(t != NULL ? (const char *)t : "");
    s->id = id;
    (void)sqlite3_reset(n->st); /* end the read: the step succeeded */
    *out = s->text;
    return 0;
}
