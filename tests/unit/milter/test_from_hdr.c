/*
 * test_from_hdr - the From parser: valid forms, the conformance corpus
 * (c-from-*), hostile and malformed input, limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "milter/from_hdr.h"

/* one table row */
struct from_case {
    const char *in;      /* the From value */
    enum from_status st; /* expected status */
    const char *domains; /* expected distinct domains, comma-joined */
    size_t n_mailboxes;  /* expected mailbox count */
    const char *why;     /* expected reason (NULL: not checked) */
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct from_case good[] = {
    /* conformance corpus */
    { "<alice@example.com>", FROM_OK, "example.com", 1, NULL },
    { "alice@example.com (on behalf of bob@example.net)", FROM_OK,
      "example.com", 1, NULL },
    { "\"Bob <bob@example.net>\" <alice@example.com>", FROM_OK, "example.com",
      1, NULL },
    { "Team: alice@example.com;", FROM_OK, "example.com", 1, NULL },
    { "Bob <bob@example.net>, Alice <alice@example.com>", FROM_OK,
      "example.net,example.com", 2, NULL },
    { "<\"bob@example.net\"@example.com>", FROM_OK, "example.com", 1, NULL },
    { "B\xc3\xbc"
      "cher <info@b\xc3\xbc"
      "cher.example>",
      FROM_OK, "xn--bcher-kva.example", 1, NULL },
    { "Alice <alice@MAIL.EXAMPLE.COM>", FROM_OK, "mail.example.com", 1, NULL },
    { "Alice <alice@Example.Com>", FROM_OK, "example.com", 1, NULL },
    { "Alice <alice@example.com>, Carol <carol@example.com>", FROM_OK,
      "example.com", 2, NULL },
    { "Mail Delivery System <MAILER-DAEMON@notify.test>", FROM_OK,
      "notify.test", 1, NULL },
    /* ordinary and RFC 5322 forms */
    { "alice@example.com", FROM_OK, "example.com", 1, NULL },
    { "  alice@example.com  ", FROM_OK, "example.com", 1, NULL },
    { "alice@example.com.", FROM_OK, "example.com", 1, NULL },
    { "<alice@EXAMPLE.com.>", FROM_OK, "example.com", 1, NULL },
    { "Alice Q. Public <alice@example.com>", FROM_OK, "example.com", 1, NULL },
    { "\"Acme, Inc.\" <x@acme.example>", FROM_OK, "acme.example", 1, NULL },
    { "\"\\\"Acme, Inc.\\\"\" <x@acme.example>", FROM_OK, "acme.example", 1,
      NULL },
    { "\"Someone <someone@junk.com>\"@mydomain.com", FROM_OK, "mydomain.com", 1,
      NULL },
    { "(comment (nested (deep) @evil.example) <a@evil.example>) "
      "a@good.example",
      FROM_OK, "good.example", 1, NULL },
    { "a@good.example (x\\) y@evil.example)", FROM_OK, "good.example", 1,
      NULL },
    { "Alice\r\n <alice@example.com>", FROM_OK, "example.com", 1, NULL },
    { "Alice\n\t<alice@example.com>", FROM_OK, "example.com", 1, NULL },
    { "alice @ example . com", FROM_OK, "example.com", 1, NULL },
    { "alice(c)@(c)example.com(c)", FROM_OK, "example.com", 1, NULL },
    { "john.q.public@example.com", FROM_OK, "example.com", 1, NULL },
    { "a..b@docomo.example", FROM_OK, "docomo.example", 1, NULL },
    { "=?utf-8?q?J=C3=B6rg?= <jorg@example.com>", FROM_OK, "example.com", 1,
      NULL },
    { "=?UTF-8?B?SsO2cmc=?= <jorg@example.com>", FROM_OK, "example.com", 1,
      NULL },
    { "=?utf-8?q?x@evil.example?= <a@good.example>", FROM_OK, "good.example", 1,
      NULL },
    { "=?utf-8?q?Doe,_John?= <jd@example.com>", FROM_OK, "example.com", 1,
      NULL },
    { "<@route1.example,@route2.example:user@example.com>", FROM_OK,
      "example.com", 1, NULL },
    { "Team: a@b.example, c@d.example;", FROM_OK, "b.example,d.example", 2,
      NULL },
    { "Team: a@b.example, c@d.example; , e@f.example", FROM_OK,
      "b.example,d.example,f.example", 3, NULL },
    { "undisclosed-recipients:;, a@b.example", FROM_OK, "b.example", 1, NULL },
    { "Team:;", FROM_NONE, "", 0, "empty group" },
    { "a@b.example,, ,c@b.example", FROM_OK, "b.example", 2, NULL },
    { "a@xn--bcher-kva.example", FROM_OK, "xn--bcher-kva.example", 1, NULL },
    { "a@B\xc3\x9c"
      "CHER.example",
      FROM_OK, "xn--bcher-kva.example", 1, NULL },
    { "\"\xc3\xa9t\xc3\xa9\"@example.com", FROM_OK, "example.com", 1, NULL },
    { "\xc3\xa9t\xc3\xa9@example.com", FROM_OK, "example.com", 1, NULL },
    { "a@123.example", FROM_OK, "123.example", 1, NULL },
};

static const struct from_case bad[] = {
    { "", FROM_NONE, "", 0, "no address" },
    { "   ", FROM_NONE, "", 0, "no address" },
    { "\r\n\t", FROM_NONE, "", 0, "no address" },
    { "(only a comment)", FROM_NONE, "", 0, "no address" },
    { "undisclosed-recipients:;", FROM_NONE, "", 0, "empty group" },
    { "alice", FROM_SYNTAX, "", 0, "address without a domain" },
    { "Alice <alice>", FROM_SYNTAX, "", 0, "address without a domain" },
    { "a@b.example, alice", FROM_SYNTAX, "", 0, "address without a domain" },
    { "alice@", FROM_SYNTAX, "", 0, "missing domain" },
    { "@example.com", FROM_SYNTAX, "", 0, "invalid local part" },
    { "Alice alice@example.com", FROM_SYNTAX, "", 0, "invalid local part" },
    { "<>", FROM_SYNTAX, "", 0, "empty address" },
    { "<alice@example.com", FROM_SYNTAX, "", 0, "unterminated angle address" },
    { "alice@example.com>", FROM_SYNTAX, "", 0,
      "unexpected text after an address" },
    { "Alice <<alice@example.com>>", FROM_SYNTAX, "", 0, NULL },
    { "\"Alice <alice@example.com>", FROM_SYNTAX, "", 0,
      "unterminated quoted string" },
    { "Alice (comment <alice@example.com>", FROM_SYNTAX, "", 0,
      "unterminated comment" },
    { "a@b.example (((((", FROM_SYNTAX, "", 0, "unterminated comment" },
    { "a@b.example )", FROM_SYNTAX, "", 0, "invalid character" },
    { "a@[192.0.2.1]", FROM_SYNTAX, "", 0,
      "domain literal has no domain name" },
    { "a@[192.0.2.1", FROM_SYNTAX, "", 0, "unterminated domain literal" },
    { "a@exa_mple.com", FROM_SYNTAX, "", 0,
      "character not allowed in a host name" },
    { "a@a-.example", FROM_SYNTAX, "", 0, "label starts or ends with '-'" },
    { "a@exa!mple.com", FROM_SYNTAX, "", 0,
      "character not allowed in a host name" },
    { "a@example..com", FROM_SYNTAX, "", 0, NULL },
    { "a@.example.com", FROM_SYNTAX, "", 0, "missing domain" },
    { "a@\"example.com\"", FROM_SYNTAX, "", 0, "missing domain" },
    { "Team: a@b.example", FROM_SYNTAX, "", 0, "unterminated group" },
    { "Team: Inner: a@b.example;;", FROM_SYNTAX, "", 0,
      "group inside a group" },
    { ": a@b.example;", FROM_SYNTAX, "", 0, "group without a name" },
    { "a@b.example;", FROM_SYNTAX, "", 0, "unexpected text after an address" },
    { "a@b.example c@d.example", FROM_SYNTAX, "", 0,
      "unexpected text after an address" },
    { "a\\b@example.com", FROM_SYNTAX, "", 0, "invalid character" },
    { "a@b.example\x01", FROM_SYNTAX, "", 0, "invalid character" },
    { "a@\xff\xfe.example", FROM_SYNTAX, "", 0, "string encoding error" },
    { "<@route.example user@example.com>", FROM_SYNTAX, "", 0,
      "invalid route" },
    { "a@-", FROM_SYNTAX, "", 0, "label starts or ends with '-'" },
};

/* join - the domains of r, comma-joined, into dst */
static void
join(const struct from_result *r, char *dst, size_t dst_size)
{
    size_t n = 0;

    dst[0] = '\0';
    for (size_t i = 0; i < r->n_domains; i++) {
        int w = snprintf(dst + n, dst_size - n, "%s%s", i ? "," : "",
                         r->domains[i]);

        assert_true(w >= 0 && (size_t)w < dst_size - n);
        n += (size_t)w;
    }
}

/* run - check every row of a table */
static void
run(const struct from_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct from_case *c = &cases[i];
        struct from_result r;
        const char *why = "unset";
        char got[4096];
        enum from_status st = from_parse(str_cstr(c->in), &r, &why);

        join(&r, got, sizeof(got));
        if (st != c->st || strcmp(got, c->domains) != 0 ||
            r.n_mailboxes != c->n_mailboxes ||
            (c->why != NULL && (why == NULL || strcmp(why, c->why) != 0)))
            fail_msg("row %zu [%s]: got %s [%s] n=%zu why=%s", i, c->in,
                     from_status_name(st), got, r.n_mailboxes,
                     why ? why : "(null)");
        if (st == FROM_OK)
            assert_null(why);
        assert_true(r.is_same_domain == (st == FROM_OK && r.n_domains == 1));
    }
}

/* test_good - valid forms */
static void
test_good(void **state)
{
    (void)state;
    run(good, N_OF(good));
}

/* test_bad - malformed and empty forms */
static void
test_bad(void **state)
{
    (void)state;
    run(bad, N_OF(bad));
}

/* test_nul - a NUL byte anywhere is an error, never a terminator */
static void
test_nul(void **state)
{
    static const char *const ins[] = { "a@b.example\0c", "a\0@b.example",
                                       "\"a\0\"@b.example",
                                       "a@b.example (\0)" };
    static const size_t lens[] = { 13, 12, 14, 16 };
    struct from_result r;
    const char *why;

    (void)state;
    for (size_t i = 0; i < N_OF(ins); i++) {
        assert_int_equal(from_parse(str_make(ins[i], lens[i]), &r, &why),
                         FROM_SYNTAX);
        assert_int_equal(r.n_domains, 0);
    }
}

/* test_limits - too many addresses, too long, deep comments */
static void
test_limits(void **state)
{
    struct from_result r;
    struct buf b;
    const char *why;

    (void)state;
    buf_init(&b, 1 << 20);
    for (size_t i = 0; i < FROM_MAX_ADDRS; i++)
        assert_int_equal(
            buf_printf(&b, "%sa%zu@d%zu.example", i ? "," : "", i, i % 3), 0);
    assert_int_equal(from_parse(buf_slice(&b), &r, &why), FROM_OK);
    assert_int_equal(r.n_mailboxes, FROM_MAX_ADDRS);
    assert_int_equal(r.n_domains, 3);
    assert_false(r.is_same_domain);
    assert_int_equal(buf_append_str(&b, ",x@y.example"), 0);
    assert_int_equal(from_parse(buf_slice(&b), &r, &why), FROM_LIMIT);
    assert_string_equal(why, "too many addresses");
    assert_int_equal(r.n_domains, 0);

    buf_reset(&b);
    for (size_t i = 0; i < 5000; i++)
        assert_int_equal(buf_putc(&b, '('), 0);
    assert_int_equal(buf_append_str(&b, "x"), 0);
    for (size_t i = 0; i < 5000; i++)
        assert_int_equal(buf_putc(&b, ')'), 0);
    assert_int_equal(buf_append_str(&b, " a@b.example"), 0);
    assert_int_equal(from_parse(buf_slice(&b), &r, &why), FROM_OK);
    assert_string_equal(r.domains[0], "b.example");

    buf_reset(&b);
    for (size_t i = 0; i < 65536; i++)
        assert_int_equal(buf_putc(&b, (char)('a' + i % 26)), 0);
    assert_int_equal(from_parse(buf_slice(&b), &r, &why), FROM_LIMIT);
    assert_string_equal(why, "header too long");
    buf_free(&b);
}

/* test_domain_bounds - 63-byte labels and 253-byte names */
static void
test_domain_bounds(void **state)
{
    char in[600];
    char label[64];
    struct from_result r;
    const char *why;

    (void)state;
    memset(label, 'a', 63);
    label[63] = '\0';
    snprintf(in, sizeof(in), "x@%s.example", label);
    assert_int_equal(from_parse(str_cstr(in), &r, &why), FROM_OK);
    snprintf(in, sizeof(in), "x@%sa.example", label);
    assert_int_equal(from_parse(str_cstr(in), &r, &why), FROM_SYNTAX);
    assert_string_equal(why, "label longer than 63 bytes");
    /* 4 * 63 + 1 = 253 bytes: the longest name */
    snprintf(in, sizeof(in), "x@%.61s.%s.%s.%s", label, label, label, label);
    assert_int_equal(from_parse(str_cstr(in), &r, &why), FROM_OK);
    assert_int_equal(strlen(r.domains[0]), 253);
    snprintf(in, sizeof(in), "x@%s.%s.%s.%s.ab", label, label, label, label);
    assert_int_equal(from_parse(str_cstr(in), &r, &why), FROM_SYNTAX);
    assert_string_equal(why, "name longer than 253 bytes");
}

/* test_eight_bit_everywhere - every byte value in a display name */
static void
test_eight_bit_everywhere(void **state)
{
    char in[64];
    struct from_result r;
    const char *why;

    (void)state;
    for (int c = 1; c < 256; c++) {
        enum from_status st;

        snprintf(in, sizeof(in), "\"x%cy\" <a@b.example>", c);
        st = from_parse(str_cstr(in), &r, &why);
        if (c == '"')
            assert_int_equal(st, FROM_SYNTAX);
        else
            assert_int_equal(st, FROM_OK);
        snprintf(in, sizeof(in), "x%cy <a@b.example>", c);
        st = from_parse(str_cstr(in), &r, &why);
        assert_true(st == FROM_OK || st == FROM_SYNTAX);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_domain_bounds),
        cmocka_unit_test(test_eight_bit_everywhere),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
