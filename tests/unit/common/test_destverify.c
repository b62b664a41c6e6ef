/*
 * test_destverify - RFC 7489 section 7.1 with injected DNS answers:
 * same organization, pass, fail, wildcard, several records, temporary
 * failure, over-long names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/ascii.h"
#include "common/destverify.h"
#include "common/dmarc_rec.h"

/* one name in the fake DNS */
struct zone_entry {
    const char *name;          /* owner name ("*." for a wildcard) */
    enum destverify_lookup st; /* answer status */
    const char *txt[3];        /* TXT records, NULL-terminated */
};

static const struct zone_entry zone[] = {
    { "blue.example.com._report._dmarc.red.example.net",
      DESTVERIFY_LOOKUP_OK,
      { "v=DMARC1", NULL } },
    { "semi.example.com._report._dmarc.red.example.net",
      DESTVERIFY_LOOKUP_OK,
      { "v=DMARC1;", NULL } },
    { "rua.example.com._report._dmarc.red.example.net",
      DESTVERIFY_LOOKUP_OK,
      { "v = DMARC1 ; rua=mailto:other@red.example.net", NULL } },
    { "two.example.com._report._dmarc.red.example.net",
      DESTVERIFY_LOOKUP_OK,
      { "v=spf1 -all", "v=DMARC1; ", NULL } },
    { "bad.example.com._report._dmarc.red.example.net",
      DESTVERIFY_LOOKUP_OK,
      { "v=DMARC2", "v=dmarc1", "p=none; v=DMARC1" } },
    { "temp.example.com._report._dmarc.red.example.net",
      DESTVERIFY_LOOKUP_TEMPFAIL,
      { NULL } },
    { "*._report._dmarc.wild.example.org",
      DESTVERIFY_LOOKUP_OK,
      { "v=DMARC1", NULL } },
};

/* the fake resolver's state */
struct fake {
    struct str rr[3];   /* the records of the last answer */
    size_t queries;     /* lookups made */
    char last[600];     /* the last query name */
    bool is_org_broken; /* org() returns NULL */
};

/* find - the zone entry named name, or NULL */
static const struct zone_entry *
find(const char *name)
{
    for (size_t i = 0; i < sizeof(zone) / sizeof(zone[0]); i++) {
        if (ascii_casecmp(zone[i].name, name) == 0)
            return &zone[i];
    }
    return NULL;
}

/* fake_txt - answer from zone: the exact name, else the closest
 * wildcard "*.<suffix>" (RFC 4592, simplified: no empty non-terminals) */
static enum destverify_lookup
fake_txt(void *ctx, const char *qname, const struct str **txt, size_t *count)
{
    struct fake *f = ctx;
    const struct zone_entry *z = find(qname);
    char wild[600];
    size_t n = 0;

    f->queries++;
    memcpy(f->last, qname, strlen(qname) + 1);
    for (const char *dot = strchr(qname, '.'); z == NULL && dot != NULL;
         dot = strchr(dot + 1, '.')) {
        wild[0] = '*';
        memcpy(wild + 1, dot, strlen(dot) + 1);
        z = find(wild);
    }
    if (z == NULL)
        return DESTVERIFY_LOOKUP_NONE;
    while (n < 3 && z->txt[n] != NULL) {
        f->rr[n] = str_cstr(z->txt[n]);
        n++;
    }
    *txt = f->rr;
    *count = n;
    return z->st;
}

/* fake_org - the last two labels (a stand-in for the PSL) */
static const char *
fake_org(void *ctx, const char *domain)
{
    struct fake *f = ctx;
    const char *last = NULL;
    const char *prev = NULL;

    if (f->is_org_broken)
        return NULL;
    for (const char *p = domain; *p != '\0'; p++) {
        if (*p == '.' && p[1] != '\0') {
            prev = last;
            last = p;
        }
    }
    return prev != NULL ? prev + 1 : domain;
}

/* one check */
struct check_case {
    const char *policy;            /* policy domain */
    const char *host;              /* destination host */
    enum destverify_status status; /* expected */
    bool is_external;              /* expected */
    const char *record;            /* expected record copy, or NULL */
};

static const struct check_case check_cases[] = {
    { "example.com", "mail.example.com", DESTVERIFY_OK, false, NULL },
    { "blue.example.com", "example.com", DESTVERIFY_OK, false, NULL },
    { "EXAMPLE.com", "mx.example.COM.", DESTVERIFY_OK, false, NULL },
    { "blue.example.com", "red.example.net", DESTVERIFY_OK, true, "v=DMARC1" },
    { "blue.example.com.", "red.example.net.", DESTVERIFY_OK, true,
      "v=DMARC1" },
    { "semi.example.com", "red.example.net", DESTVERIFY_OK, true, "v=DMARC1;" },
    { "rua.example.com", "red.example.net", DESTVERIFY_OK, true,
      "v = DMARC1 ; rua=mailto:other@red.example.net" },
    { "two.example.com", "red.example.net", DESTVERIFY_OK, true, "v=DMARC1; " },
    { "bad.example.com", "red.example.net", DESTVERIFY_UNVERIFIED, true, NULL },
    { "none.example.com", "red.example.net", DESTVERIFY_UNVERIFIED, true,
      NULL },
    { "temp.example.com", "red.example.net", DESTVERIFY_DEFERRED, true, NULL },
    { "anything.example.com", "wild.example.org", DESTVERIFY_OK, true,
      "v=DMARC1" },
};

/* test_check - every row of check_cases */
static void
test_check(void **state)
{
    struct fake f;
    struct destverify_ops ops = { fake_txt, fake_org, &f };

    (void)state;
    for (size_t i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
        const struct check_case *c = &check_cases[i];
        bool is_external = !c->is_external;
        char *rec = (char *)1;
        const char *why = NULL;

        memset(&f, 0, sizeof(f));
        assert_int_equal(destverify_check(&ops, c->policy, c->host,
                                          &is_external, &rec, &why),
                         c->status);
        assert_int_equal(is_external, c->is_external);
        assert_int_equal(f.queries, c->is_external ? 1 : 0);
        if (c->record == NULL)
            assert_null(rec);
        else
            assert_string_equal(rec, c->record);
        free(rec);
    }
}

/* test_query_name - the name asked for, trailing dots removed */
static void
test_query_name(void **state)
{
    struct fake f;
    struct destverify_ops ops = { fake_txt, fake_org, &f };
    bool is_external;
    char *rec;
    const char *why = NULL;

    (void)state;
    memset(&f, 0, sizeof(f));
    assert_int_equal(destverify_check(&ops, "blue.example.com.",
                                      "red.example.net.", &is_external, &rec,
                                      &why),
                     DESTVERIFY_OK);
    assert_string_equal(f.last, "blue.example.com._report._dmarc.red."
                                "example.net");
    free(rec);
}

/* test_long_name - over 253 bytes fails without a query */
static void
test_long_name(void **state)
{
    struct fake f;
    struct destverify_ops ops = { fake_txt, fake_org, &f };
    char policy[240];
    bool is_external;
    char *rec;
    const char *why = NULL;

    (void)state;
    memset(&f, 0, sizeof(f));
    memset(policy, 'a', sizeof(policy));
    for (size_t i = 50; i < sizeof(policy); i += 51)
        policy[i] = '.';
    memcpy(policy + sizeof(policy) - 13, ".example.com", 13);
    assert_int_equal(destverify_check(&ops, policy, "red.example.net",
                                      &is_external, &rec, &why),
                     DESTVERIFY_UNVERIFIED);
    assert_string_equal(why, "verification name empty or longer than 253");
    assert_int_equal(f.queries, 0);
    assert_null(rec);
}

/* test_org_unknown - no organizational domain: verify anyway */
static void
test_org_unknown(void **state)
{
    struct fake f;
    struct destverify_ops ops = { fake_txt, fake_org, &f };
    bool is_external;
    char *rec;
    const char *why = NULL;

    (void)state;
    memset(&f, 0, sizeof(f));
    f.is_org_broken = true;
    assert_int_equal(destverify_check(&ops, "example.com", "example.com",
                                      &is_external, &rec, &why),
                     DESTVERIFY_UNVERIFIED);
    assert_true(is_external);
    assert_int_equal(f.queries, 1);
}

/* one version-tag check */
struct v_case {
    const char *rec; /* record text */
    bool is_ok;      /* expected */
};

static const struct v_case v_cases[] = {
    { "v=DMARC1", true },
    { "v=DMARC1;", true },
    { "v=DMARC1; rua=x", true },
    { "v = DMARC1 ;", true },
    { " v=DMARC1", true },
    { "v=DMARC1\t", true },
    { "v=DMARC1 rua", false },
    { "v=DMARC1x", false },
    { "v=DMARC10", false },
    { "v=dmarc1", false },
    { "V=DMARC1", true } /* tag names ignore case */,
    { "v=DMARC", false },
    { "v:DMARC1", false },
    { "p=none; v=DMARC1", false },
    { "", false },
    { "v=", false },
    { "DMARC1", false },
    { "v=spf1 -all", false },
};

/* test_is_dmarc1 - every row of v_cases through the record parser's
 * version test, which section 7.1 relies on */
static void
test_is_dmarc1(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(v_cases) / sizeof(v_cases[0]); i++)
        assert_int_equal(dmarc_rec_is_dmarc(str_cstr(v_cases[i].rec)),
                         v_cases[i].is_ok);
    assert_false(dmarc_rec_is_dmarc(str_make("v=DMARC1\0;", 10)));
    assert_string_equal(destverify_status_str(DESTVERIFY_DEFERRED), "deferred");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),     cmocka_unit_test(test_query_name),
        cmocka_unit_test(test_long_name), cmocka_unit_test(test_org_unknown),
        cmocka_unit_test(test_is_dmarc1),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
