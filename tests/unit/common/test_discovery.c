/*
 * test_discovery - RFC 7489 §6.6.3 policy discovery over injected DNS
 * answers, the cases outside the conformance table (that is
 * test_discovery_cases): bad From domains, names too long to prefix, and
 * the status names.  The fake DNS is discovery_fixture's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/discovery.h"
#include "tests/unit/common/discovery_fixture.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))

/* test_bad_domain - the malformed-input table: From domains that are not
 * host names are refused before any query */
static void
test_bad_domain(void **state)
{
    const struct orgdomain *od = *state;
    static const char *const bad[] = {
        "",
        ".",
        "example..com",
        "-x.example.com",
        "_dmarc.example.com",
        "a b.example.com",
        "example.com(.evil",
        "192.0.2.1",
        "xn--zz.example",
    };

    for (size_t i = 0; i < N(bad); i++) {
        struct discovery_fixture_dns f = { NULL, { { 0 } }, 0, 0 };
        struct discovery_dns dns = { discovery_fixture_txt,
                                     discovery_fixture_free, &f };
        struct discovery_result res;

        if (discovery_run(&dns, od, str_cstr(bad[i]), &res) !=
            DISCOVERY_BAD_DOMAIN)
            fail_msg("accepted: %s", bad[i]);
        assert_non_null(res.why);
        assert_int_equal(f.n_queries, 0);
        discovery_result_free(&res);
    }
}

/* test_long_name - "_dmarc." plus a 250-byte From domain is too long to
 * query: it counts as empty and the org domain is tried */
static void
test_long_name(void **state)
{
    const struct orgdomain *od = *state;
    struct discovery_fixture_rr dns[] = {
        { "_dmarc.example.com", "v=DMARC1; p=reject" }, { NULL, NULL }
    };
    struct discovery_fixture_dns f = { dns, { { 0 } }, 0, 0 };
    struct discovery_dns d = { discovery_fixture_txt, discovery_fixture_free,
                               &f };
    struct discovery_result res;
    char from[DOMAIN_BUF_SIZE];
    size_t len = 0;

    while (len < 240) {
        for (size_t i = 0; i < 10; i++)
            from[len + i] = "abcdefghi."[i];
        len += 10;
    }
    memcpy(from + len, "example.com", sizeof("example.com"));
    assert_int_equal(discovery_run(&d, od, str_cstr(from), &res),
                     DISCOVERY_FOUND);
    assert_int_equal(res.from_dns, DNS_BADNAME);
    assert_int_equal(res.org_dns, DNS_OK);
    assert_int_equal(f.n_queries, 1);
    assert_int_equal(res.where, DISCOVERY_AT_ORG);
    discovery_result_free(&res);
    discovery_result_free(NULL);
}

/* test_names - discovery_status_str */
static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(discovery_status_str(DISCOVERY_FOUND), "found");
    assert_string_equal(discovery_status_str(DISCOVERY_MULTIPLE), "multiple");
    assert_string_equal(discovery_status_str(DISCOVERY_TEMPERROR), "temperror");
    assert_string_equal(discovery_status_str(DISCOVERY_BAD_DOMAIN),
                        "bad-domain");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_domain),
        cmocka_unit_test(test_long_name),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, discovery_fixture_setup,
                                  discovery_fixture_teardown);
}
