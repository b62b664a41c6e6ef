/*
 * test_received_spf - Received-SPF parsing (RFC 7208 §9.1): real writers,
 * VERP and SRS addresses, malformed input, the CVE-2019-20790 rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "milter/received_spf.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* one table row */
struct rs_case {
    const char *in;              /* the field value */
    enum received_spf_status st; /* expected status */
    const char *dump;            /* expected dump, or the reason */
};

static const struct rs_case cases[] = {
    { "pass (mybox.example.org: domain of myname@example.com designates "
      "192.0.2.1 as permitted sender) receiver=mybox.example.org; "
      "client-ip=192.0.2.1; envelope-from=\"myname@example.com\"; "
      "helo=foo.example.com;",
      RECEIVED_SPF_OK,
      "pass ip=192.0.2.1 from=myname@example.com helo=foo.example.com id=- "
      "rcv=mybox.example.org mech=- prob=-" },
    { "Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.1; "
      "helo=mail.example.com; envelope-from=bounce+user=x.example@example.com; "
      "receiver=<UNKNOWN>",
      RECEIVED_SPF_OK,
      "pass ip=192.0.2.1 from=bounce+user=x.example@example.com "
      "helo=mail.example.com id=mailfrom rcv=<UNKNOWN> mech=- prob=-" },
    { "fail (example.org: domain of x@example.com does not designate "
      "192.0.2.1 as permitted sender) identity=mailfrom "
      "envelope-from=SRS0=HHH=TT=example.com=x@forwarder.example "
      "mechanism=-all",
      RECEIVED_SPF_OK,
      "fail ip=- from=SRS0=HHH=TT=example.com=x@forwarder.example helo=- "
      "id=mailfrom rcv=- mech=-all prob=-" },
    { "permerror (x) problem=\"too many (10) lookups\"; identity=helo; "
      "helo=h.example",
      RECEIVED_SPF_OK,
      "permerror ip=- from=- helo=h.example id=helo rcv=- mech=- "
      "prob=too many (10) lookups" },
    { "none", RECEIVED_SPF_OK,
      "none ip=- from=- helo=- id=- rcv=- mech=- prob=-" },
    { "  SoftFail  (c (nested)) x-extension=1; IDENTITY = mailfrom ;",
      RECEIVED_SPF_OK,
      "softfail ip=- from=- helo=- id=mailfrom rcv=- mech=- prob=-" },
    { "neutral\r\n\t(folded)\r\n\tclient-ip=2001:db8::1", RECEIVED_SPF_OK,
      "neutral ip=2001:db8::1 from=- helo=- id=- rcv=- mech=- prob=-" },
    { "temperror;;", RECEIVED_SPF_OK,
      "temperror ip=- from=- helo=- id=- rcv=- mech=- prob=-" },
    { "", RECEIVED_SPF_SYNTAX, "result expected" },
    { "   ", RECEIVED_SPF_SYNTAX, "result expected" },
    { "(comment) pass", RECEIVED_SPF_OK,
      "pass ip=- from=- helo=- id=- rcv=- mech=- prob=-" },
    { "passed", RECEIVED_SPF_SYNTAX, "unknown result" },
    { "pass1", RECEIVED_SPF_SYNTAX, "unknown result" },
    { "pass;", RECEIVED_SPF_OK,
      "pass ip=- from=- helo=- id=- rcv=- mech=- prob=-" },
    { "pass envelope-from=\"a b\"@example.com", RECEIVED_SPF_OK,
      "pass ip=- from=a b@example.com helo=- id=- rcv=- mech=- prob=-" },
    { "bogus client-ip=1", RECEIVED_SPF_SYNTAX, "unknown result" },
    { "pass (unterminated", RECEIVED_SPF_SYNTAX, "unterminated comment" },
    { "pass envelope-from=\"unterminated", RECEIVED_SPF_SYNTAX,
      "unterminated quoted string" },
    { "pass client-ip", RECEIVED_SPF_SYNTAX, "'=' expected after key" },
    { "pass client-ip=", RECEIVED_SPF_SYNTAX, "value expected" },
    { "pass client-ip=;", RECEIVED_SPF_SYNTAX, "value expected" },
    { "pass =x", RECEIVED_SPF_SYNTAX, "key expected" },
    { "pass identity=helo; identity=mailfrom", RECEIVED_SPF_SYNTAX,
      "duplicate key" },
    { "pass envelope-from=a@x.example envelope-from=b@y.example",
      RECEIVED_SPF_SYNTAX, "duplicate key" },
    { "pass helo=a\x01", RECEIVED_SPF_SYNTAX, "key expected" },
    { "pass )", RECEIVED_SPF_SYNTAX, "key expected" },
};

/* show - s, or "-" for NULL */
static const char *
show(const char *s)
{
    return s ? s : "-";
}

/* dump - one line for r */
static void
dump(const struct received_spf *r, struct buf *b)
{
    buf_reset(b);
    assert_int_equal(buf_printf(b,
                                "%s ip=%s from=%s helo=%s id=%s rcv=%s "
                                "mech=%s prob=%s",
                                auth_result_name(r->result), show(r->client_ip),
                                show(r->envelope_from), show(r->helo),
                                show(r->identity), show(r->receiver),
                                show(r->mechanism), show(r->problem)),
                     0);
}

/* test_table - every row of cases */
static void
test_table(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 4096);
    for (size_t i = 0; i < N_OF(cases); i++) {
        const struct rs_case *c = &cases[i];
        struct received_spf *r = NULL;
        const char *why = "unset";
        enum received_spf_status st =
            received_spf_parse(str_cstr(c->in), &r, &why);

        if (st == RECEIVED_SPF_OK) {
            assert_null(why);
            dump(r, &b);
        } else {
            assert_null(r);
            buf_reset(&b);
            assert_int_equal(buf_append_str(&b, why), 0);
        }
        if (st != c->st || strcmp(buf_cstr(&b), c->dump) != 0)
            fail_msg("row %zu [%s]: got %s [%s]", i, c->in,
                     received_spf_status_name(st), buf_cstr(&b));
        received_spf_free(r);
    }
    buf_free(&b);
}

/* test_usable - CVE-2019-20790: identity=mailfrom and matching domain */
static void
test_usable(void **state)
{
    static const struct {
        const char *in;     /* field */
        const char *domain; /* MAIL FROM domain */
        bool is_usable;     /* expected */
    } rows[] = {
        { "pass identity=mailfrom envelope-from=a@Example.com", "example.com",
          true },
        { "pass identity=MailFrom envelope-from=example.com", "example.com",
          true },
        { "pass identity=mailfrom envelope-from=\"a@b\"@example.com",
          "example.com", true },
        { "pass identity=helo envelope-from=a@example.com helo=example.com",
          "example.com", false },
        { "pass envelope-from=a@example.com", "example.com", false },
        { "pass identity=mailfrom", "example.com", false },
        { "pass identity=mailfrom envelope-from=a@example.com", "other.example",
          false },
        { "pass identity=mailfrom envelope-from=a@sub.example.com",
          "example.com", false },
        { "pass identity=mailfrom envelope-from=a@example.com", "", false },
        { "pass identity=mailfrom envelope-from=a@example.com", NULL, false },
    };

    (void)state;
    for (size_t i = 0; i < N_OF(rows); i++) {
        struct received_spf *r = NULL;
        const char *why;

        assert_int_equal(received_spf_parse(str_cstr(rows[i].in), &r, &why),
                         RECEIVED_SPF_OK);
        if (received_spf_is_usable(r, rows[i].domain) != rows[i].is_usable)
            fail_msg("row %zu [%s]", i, rows[i].in);
        received_spf_free(r);
    }
}

/* test_limits - length, NUL bytes, every byte, deep comments */
static void
test_limits(void **state)
{
    static const char nul[] = "pass helo=a\0b";
    struct received_spf *r;
    struct buf b;
    const char *why;
    char s[64];

    (void)state;
    assert_int_equal(
        received_spf_parse(str_make(nul, sizeof(nul) - 1), &r, &why),
        RECEIVED_SPF_SYNTAX);
    buf_init(&b, 1 << 20);
    assert_int_equal(buf_append_str(&b, "pass "), 0);
    for (size_t i = 0; i < 3000; i++)
        assert_int_equal(buf_putc(&b, '('), 0);
    for (size_t i = 0; i < 3000; i++)
        assert_int_equal(buf_putc(&b, ')'), 0);
    assert_int_equal(received_spf_parse(buf_slice(&b), &r, &why),
                     RECEIVED_SPF_OK);
    received_spf_free(r);
    while (b.len < 65536)
        assert_int_equal(buf_append_str(&b, " x=y"), 0);
    assert_int_equal(received_spf_parse(buf_slice(&b), &r, &why),
                     RECEIVED_SPF_LIMIT);
    assert_null(r);
    buf_free(&b);
    for (int c = 1; c < 256; c++) {
        enum received_spf_status st;

        snprintf(s, sizeof(s), "pass%c helo=%c envelope-from=\"%c\"", c, c, c);
        st = received_spf_parse(str_cstr(s), &r, &why);
        assert_true(st == RECEIVED_SPF_OK || st == RECEIVED_SPF_SYNTAX);
        received_spf_free(r);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_usable),
        cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
