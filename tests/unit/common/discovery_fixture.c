/*
 * discovery_fixture - the fake DNS of the policy discovery unit tests.
 *
 * TXT queries are answered from a table; "SERVFAIL" as a value makes the
 * name fail temporarily; names not listed are NXDOMAIN.  CNAMEs and
 * multi-string TXT records are the resolver's business (it follows the
 * first and concatenates the second), so the table holds what the
 * resolver would hand back.  Every query is remembered, and answers not
 * yet freed are counted, so a test can check both.
 *
 * Thread safety: single-threaded tests only.
 */
#include "tests/unit/common/discovery_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/xalloc.h"

enum dns_status
discovery_fixture_txt(void *arg, const char *name, struct dns_answer **out)
{
    struct discovery_fixture_dns *f = arg;
    struct dns_answer *a;
    size_t n = 0;

    *out = NULL;
    assert_true(f->n_queries < DISCOVERY_FIXTURE_MAX_QUERIES);
    (void)snprintf(f->queries[f->n_queries++], sizeof(f->queries[0]), "%s",
                   name);
    for (const struct discovery_fixture_rr *r = f->rrs; r && r->name; r++) {
        if (strcmp(r->name, name) != 0)
            continue;
        if (strcmp(r->text, "SERVFAIL") == 0)
            return DNS_TEMPFAIL;
        n++;
    }
    if (n == 0)
        return DNS_NXDOMAIN;
    a = xcalloc(1, sizeof(*a));
    a->rr = xcalloc(n, sizeof(*a->rr));
    for (const struct discovery_fixture_rr *r = f->rrs; r->name; r++) {
        if (strcmp(r->name, name) != 0)
            continue;
        a->rr[a->count].text = xstrdup(r->text);
        a->rr[a->count].text_len = strlen(r->text);
        a->count++;
    }
    a->ttl = 300;
    f->n_live++;
    *out = a;
    return DNS_OK;
}

void
discovery_fixture_free(void *arg, struct dns_answer *a)
{
    struct discovery_fixture_dns *f = arg;

    for (size_t i = 0; i < a->count; i++)
        free(a->rr[i].text);
    free(a->rr);
    free(a);
    f->n_live--;
}

int
discovery_fixture_setup(void **state)
{
    struct orgdomain *od = orgdomain_new(NULL);

    *state = od;
    return od == NULL ? -1 : 0;
}

int
discovery_fixture_teardown(void **state)
{
    orgdomain_free(*state);
    return 0;
}
