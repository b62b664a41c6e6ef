/*
 * testdb - test helper: an in-memory database made from the project's
 * schema (sql/schema.sql, or the file $QUERY_SCHEMA names) holding a
 * fixture of known content.
 *
 * The fixture: policy domains example.org (id 1; rua
 * "mailto:rua@example.org,mailto:x@red.test!10k", p=quarantine, aspf=s,
 * fo=0:d) and other.test (id 4; no rua); on the day TESTDB_DAY0 seven
 * messages of example.org in four groups (3, 2, 1, 1) and one of
 * other.test; one message of example.org on the next day.
 *
 * Thread safety: none (tests are single-threaded).
 */
#ifndef DMARC_TESTS_LIB_TESTDB_H
#define DMARC_TESTS_LIB_TESTDB_H

#include <stdbool.h>

/* TESTDB_DAY0 - 2025-12-02 00:00 UTC, the fixture's first day */
#define TESTDB_DAY0 1764633600

/* testdb_has_schema - true when the schema file can be read. */
bool testdb_has_schema(void);

/* testdb_setup - a cmocka setup: *state gets the sqlite3 handle of a new
 * in-memory database with the schema and the fixture; -1 on failure. */
int testdb_setup(void **state);

/* testdb_teardown - a cmocka teardown: close *state. */
int testdb_teardown(void **state);

#endif
