/*
 * test_arhdr - the header fields dmarc-milter adds: OpenDMARC's
 * Authentication-Results shape, the job id form, quoting of values that
 * are not RFC 2045 tokens, control bytes dropped, the size limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "milter/arhdr.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* one DMARC row */
struct dmarc_case {
    struct arhdr_dmarc in; /* input */
    const char *want;      /* expected value */
};

static const struct dmarc_case dmarc_cases[] = {
    { { "mx.example.org", NULL, "pass", "reject", "none", "example.com", NULL },
      "mx.example.org; dmarc=pass (p=reject dis=none) "
      "header.from=example.com" },
    { { "mx.example.org", NULL, "fail", "quarantine", "quarantine",
        "sub.example.com", NULL },
      "mx.example.org; dmarc=fail (p=quarantine dis=quarantine) "
      "header.from=sub.example.com" },
    { { "mx.example.org", NULL, "temperror", NULL, NULL, "example.com", NULL },
      "mx.example.org; dmarc=temperror header.from=example.com" },
    { { "mx.example.org", NULL, "none", "none", "none", NULL, NULL },
      "mx.example.org; dmarc=none (p=none dis=none)" },
    { { "mx.example.org", "4XQ1", "fail", "reject", "reject", "example.com",
        NULL },
      "\"mx.example.org/4XQ1\"; dmarc=fail (p=reject dis=reject) "
      "header.from=example.com" },
    { { "mx.example.org", NULL, "fail", "none", "none", "a\"b\\c.example",
        NULL },
      "mx.example.org; dmarc=fail (p=none dis=none) "
      "header.from=\"a\\\"b\\\\c.example\"" },
    { { "mx.example.org", NULL, "fail", "reject", "none", "example.com",
        "trusted_forwarder" },
      "mx.example.org; dmarc=fail (p=reject dis=none "
      "override=trusted_forwarder) header.from=example.com" },
    { { "mx.example.org", NULL, "fail", "none", "none", "ev\r\nil.example",
        NULL },
      "mx.example.org; dmarc=fail (p=none dis=none) "
      "header.from=\"evil.example\"" },
};

/* test_dmarc - every row of dmarc_cases */
static void
test_dmarc(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, ARHDR_MAX);
    for (size_t i = 0; i < N_OF(dmarc_cases); i++) {
        assert_int_equal(arhdr_dmarc(&b, &dmarc_cases[i].in), 0);
        assert_string_equal(buf_cstr(&b), dmarc_cases[i].want);
    }
    buf_free(&b);
}

/* test_spf - smtp.mailfrom, or smtp.helo for the null sender */
static void
test_spf(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, ARHDR_MAX);
    assert_int_equal(
        arhdr_spf(&b, "mx.example.org", NULL, "softfail", false, "ex.com"), 0);
    assert_string_equal(buf_cstr(&b),
                        "mx.example.org; spf=softfail smtp.mailfrom=ex.com");
    assert_int_equal(
        arhdr_spf(&b, "mx.example.org", "J1", "pass", true, "mail.ex.com"), 0);
    assert_string_equal(
        buf_cstr(&b), "\"mx.example.org/J1\"; spf=pass smtp.helo=mail.ex.com");
    buf_free(&b);
}

/* test_software - DMARC-Filter */
static void
test_software(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, ARHDR_MAX);
    assert_int_equal(arhdr_software(&b, "mx.example.org", "4XQ1"), 0);
    assert_string_equal(buf_cstr(&b),
                        "dmarcsuite v" DMARC_VERSION " mx.example.org 4XQ1");
    buf_free(&b);
}

/* test_limit - a value past the buffer's maximum fails, never truncates */
static void
test_limit(void **state)
{
    char big[ARHDR_MAX + 16];
    struct arhdr_dmarc in = { "mx.example.org", NULL, "fail", "none",
                              "none",           big,  NULL };
    struct buf b;

    (void)state;
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    buf_init(&b, ARHDR_MAX);
    assert_int_equal(arhdr_dmarc(&b, &in), -1);
    buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dmarc),
        cmocka_unit_test(test_spf),
        cmocka_unit_test(test_software),
        cmocka_unit_test(test_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
