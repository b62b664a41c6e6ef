/*
 * discovery_fixture - shared inputs of the policy discovery unit tests: a
 * fake DNS answering TXT queries from a table, and the organizational
 * domain context (libpsl's built-in list, so no file is needed).
 *
 * Thread safety: single-threaded tests only.
 */
#ifndef DMARC_TESTS_UNIT_COMMON_DISCOVERY_FIXTURE_H
#define DMARC_TESTS_UNIT_COMMON_DISCOVERY_FIXTURE_H

#include <stddef.h>

#include "common/discovery.h"
#include "common/dns.h"
#include "common/orgdomain.h"

/* DISCOVERY_FIXTURE_MAX_QUERIES - queries remembered per discovery (the
 * algorithm makes two at most; room for a bug to show) */
#define DISCOVERY_FIXTURE_MAX_QUERIES 8
/* DISCOVERY_FIXTURE_MAX_NAME - bytes of one remembered query name */
#define DISCOVERY_FIXTURE_MAX_NAME 300

/* one TXT record of the fake DNS */
struct discovery_fixture_rr {
    const char *name; /* owner name */
    const char *text; /* TXT value, or "SERVFAIL" */
};

/* the fake resolver's state */
struct discovery_fixture_dns {
    const struct discovery_fixture_rr *rrs; /* table, ends at name NULL */
    char queries[DISCOVERY_FIXTURE_MAX_QUERIES]
                [DISCOVERY_FIXTURE_MAX_NAME]; /* names asked for, in order */
    size_t n_queries;                         /* entries of queries */
    size_t n_live;                            /* answers not yet freed */
};

/* discovery_fixture_txt - discovery_txt_fn over the table of arg (a
 * struct discovery_fixture_dns): the TXT records named name, NXDOMAIN or
 * a temporary failure.  *out is freed with discovery_fixture_free. */
enum dns_status discovery_fixture_txt(void *arg, const char *name,
                                      struct dns_answer **out);

/* discovery_fixture_free - discovery_free_fn for discovery_fixture_txt
 * answers. */
void discovery_fixture_free(void *arg, struct dns_answer *a);

/* discovery_fixture_setup - cmocka group setup: *state is an org domain
 * context from libpsl's built-in list.  0, or -1. */
int discovery_fixture_setup(void **state);

/* discovery_fixture_teardown - cmocka group teardown: frees *state. */
int discovery_fixture_teardown(void **state);

#endif
