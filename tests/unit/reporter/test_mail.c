/*
 * test_mail - report mail and error report: sizes, dates, Message-IDs,
 * structure, CRLF, folding and refusal of header injection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reporter/mail.h"

/* one attachment size */
struct size_case {
    size_t gz_len;    /* bytes of gzip */
    uint64_t encoded; /* base64 bytes with CRLF */
};

static const struct size_case size_cases[] = {
    { 0, 0 },   { 1, 6 },   { 3, 6 },     { 4, 10 },
    { 57, 78 }, { 58, 84 }, { 114, 156 }, { 1000000, 1333336 + 2 * 17544 },
};

/* test_encoded_size - every row of size_cases */
static void
test_encoded_size(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++)
        assert_true(mail_encoded_size(size_cases[i].gz_len) ==
                    size_cases[i].encoded);
}

/* one date */
struct date_case {
    int64_t t;        /* epoch seconds */
    const char *text; /* expected */
};

static const struct date_case date_cases[] = {
    { 0, "Thu, 01 Jan 1970 00:00:00 +0000" },
    { 1764633600, "Tue, 02 Dec 2025 00:00:00 +0000" },
    { 951782400, "Tue, 29 Feb 2000 00:00:00 +0000" },
    { 2147483647, "Tue, 19 Jan 2038 03:14:07 +0000" },
    { 4102444800, "Fri, 01 Jan 2100 00:00:00 +0000" },
};

/* test_date - every row of date_cases; too small a buffer fails */
static void
test_date(void **state)
{
    char out[MAIL_DATE_SIZE];

    (void)state;
    for (size_t i = 0; i < sizeof(date_cases) / sizeof(date_cases[0]); i++) {
        assert_int_equal(mail_date(date_cases[i].t, out, sizeof(out)), 0);
        assert_string_equal(out, date_cases[i].text);
    }
    assert_int_equal(mail_date(0, out, 10), -1);
}

/* test_message_id - fresh every time, well-formed, domain checked */
static void
test_message_id(void **state)
{
    char a[MAIL_MSGID_SIZE];
    char b[MAIL_MSGID_SIZE];

    (void)state;
    assert_int_equal(mail_message_id("receiver.example", 5, a, sizeof(a)), 0);
    assert_int_equal(mail_message_id("receiver.example", 5, b, sizeof(b)), 0);
    assert_string_not_equal(a, b);
    assert_int_equal(a[0], '<');
    assert_int_equal(strlen(a), 1 + 32 + 2 + 1 + 16 + 1);
    assert_string_equal(a + 33, ".5@receiver.example>");
    assert_int_equal(mail_message_id("x\r\ny", 5, a, sizeof(a)), -1);
}

static const char gz[] = "\x1f\x8b\x08\x00 any bytes \xff\x00\x01 will do";

/* report - a complete report mail description */
static struct mail_report
report(void)
{
    struct mail_report m = {
        "dmarc-noreply@receiver.example",
        "rua@example.org",
        1764720300,
        "receiver.example",
        "Report Domain: example.org Submitter: receiver.example Report-ID: "
        "<1764633600abcdefghijklm>",
        "example.org",
        "Receiver \xc3\xa9 Inc.\r\nBcc: evil@example.com",
        1764633600,
        1764720000,
        "receiver.example!example.org!1764633600!1764720000!"
        "1764633600abcdefghijklm.xml.gz",
        gz,
        sizeof(gz) - 1,
    };
    return m;
}

/* assert_crlf - every LF is preceded by CR, and no CR stands alone */
static void
assert_crlf(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            assert_true(i > 0 && s[i - 1] == '\r');
        if (s[i] == '\r')
            assert_true(i + 1 < len && s[i + 1] == '\n');
    }
}

/* assert_lines_max - no line longer than max characters */
static void
assert_lines_max(const char *s, size_t max)
{
    while (*s != '\0') {
        size_t n = strcspn(s, "\r");

        assert_true(n <= max);
        s += n;
        s += *s != '\0' ? 2 : 0;
    }
}

/* test_report_mail - headers, parts, attachment size, CRLF */
static void
test_report_mail(void **state)
{
    /* long expected strings are split over lines on purpose */
    /* NOLINTBEGIN(bugprone-suspicious-missing-comma) */
    static const char *const must[] = {
        "From: dmarc-noreply@receiver.example\r\n",
        "To: rua@example.org\r\n",
        "Date: Wed, 03 Dec 2025 00:05:00 +0000\r\n",
        "Message-ID: <",
        "Subject: Report Domain: example.org Submitter: receiver.example "
        "Report-ID:\r\n <1764633600abcdefghijklm>\r\n",
        "MIME-Version: 1.0\r\n",
        "Auto-Submitted: auto-generated\r\n",
        "Content-Type: multipart/mixed;\r\n boundary=\"=_dmarcsuite_",
        "Content-Type: text/plain; charset=us-ascii\r\n",
        "from Receiver ?? Inc.??Bcc: evil@example.com\r\n",
        "covering Tue, 02 Dec 2025 00:00:00 +0000 to "
        "Wed, 03 Dec 2025 00:00:00 +0000.",
        "Content-Type: application/gzip;\r\n",
        "Content-Transfer-Encoding: base64\r\n",
        "Content-Disposition: attachment;\r\n filename=\"receiver.example!"
        "example.org!1764633600!1764720000!1764633600abcdefghijklm.xml.gz\""
        "\r\n\r\nH4sIACBhbnkgYnl0ZXMg/wABIHdpbGwgZG8=\r\n\r\n--=_dmarcsuite_",
        NULL
    };
    /* NOLINTEND(bugprone-suspicious-missing-comma) */
    struct mail_report m = report();
    struct buf out;
    const char *why = NULL;
    const char *at;

    (void)state;
    buf_init(&out, 1u << 20);
    assert_int_equal(mail_build_report(&m, &out, &why), 0);
    at = out.data;
    for (size_t i = 0; must[i] != NULL; i++) {
        const char *p = strstr(at, must[i]);

        if (p == NULL)
            fail_msg("missing or out of order: %s", must[i]);
        else
            at = p;
    }
    assert_null(strstr(out.data, "\nBcc:"));
    assert_crlf(out.data, out.len);
    assert_lines_max(out.data, 998);
    assert_int_equal(strlen("H4sIACBhbnkgYnl0ZXMg/wABIHdpbGwgZG8=\r\n"),
                     mail_encoded_size(m.gz_len));
    assert_true(out.len > 2 && strcmp(out.data + out.len - 2, "\r\n") == 0);
    buf_free(&out);
}

/* test_report_mail_9990 - an RFC 9990 report's mail names RFC 9990 in
 * its text part and is otherwise the RFC 7489 mail: same Subject, same
 * attachment name */
static void
test_report_mail_9990(void **state)
{
    struct mail_report m = report();
    struct buf a;
    struct buf b;
    const char *why = NULL;

    (void)state;
    buf_init(&a, 1u << 20);
    buf_init(&b, 1u << 20);
    assert_int_equal(mail_build_report(&m, &a, &why), 0);
    assert_int_equal(mail_build_report_as(&m, AGG_FORMAT_RFC9990, &b, &why), 0);
    assert_non_null(strstr(a.data, "aggregate report (RFC 7489) from"));
    assert_null(strstr(a.data, "RFC 9990"));
    assert_non_null(strstr(b.data, "aggregate report (RFC 9990) from"));
    assert_non_null(strstr(b.data, "<1764633600abcdefghijklm>"));
    assert_non_null(strstr(b.data, "1764633600abcdefghijklm.xml.gz\""));
    assert_crlf(b.data, b.len);
    buf_free(&a);
    buf_free(&b);
}

/* test_long_attachment - 76-character base64 lines */
static void
test_long_attachment(void **state)
{
    struct mail_report m = report();
    char *big = malloc(10000);
    struct buf out;
    const char *why = NULL;
    const char *b64;

    (void)state;
    assert_non_null(big);
    for (size_t i = 0; i < 10000; i++)
        big[i] = (char)(i * 7);
    m.gz = big;
    m.gz_len = 10000;
    buf_init(&out, 1u << 20);
    assert_int_equal(mail_build_report(&m, &out, &why), 0);
    b64 = strstr(out.data, ".xml.gz\"\r\n\r\n");
    assert_non_null(b64);
    b64 += 12;
    for (size_t i = 0; i < 10000 / 57; i++) {
        /* full lines of exactly MAIL_B64_LINE characters */
        assert_int_equal(strcspn(b64, "\r"), MAIL_B64_LINE);
        b64 += MAIL_B64_LINE + 2;
    }
    assert_int_equal(strcspn(b64, "\r"), (10000 % 57 + 2) / 3 * 4);
    assert_crlf(out.data, out.len);
    buf_free(&out);
    buf_init(&out, 5000);
    assert_int_equal(mail_build_report(&m, &out, &why), -1);
    assert_string_equal(why, "message too large");
    buf_free(&out);
    free(big);
}

/* one way to break a report mail */
struct inject_case {
    int field;       /* 0 from, 1 to, 2 msgid domain, 3 subject, 4 file,
                        5 policy domain */
    const char *bad; /* the value */
};

static const struct inject_case inject_cases[] = {
    { 0, "a@b.example\r\nBcc: x@y.example" },
    { 1, "rua@example.org\nBcc: x@y.example" },
    { 1, "rua@example.org, x@y.example" },
    { 1, "-oQ@example.org" },
    { 2, "receiver.example>\r\nX: y" },
    { 3, "Report Domain: x\r\nBcc: x@y.example" },
    { 3, "Report \x01" },
    { 4, "a\"b.xml.gz" },
    { 4, "../../etc/passwd" },
    { 4, "a\r\nb.xml.gz" },
    { 5, "example.org\r\nX: y" },
};

/* test_injection - every row of inject_cases is refused */
static void
test_injection(void **state)
{
    struct buf out;
    const char *why = NULL;

    (void)state;
    buf_init(&out, 1u << 20);
    for (size_t i = 0; i < sizeof(inject_cases) / sizeof(inject_cases[0]);
         i++) {
        struct mail_report m = report();
        const char *bad = inject_cases[i].bad;

        switch (inject_cases[i].field) {
        case 0:
            m.from = bad;
            break;
        case 1:
            m.to = bad;
            break;
        case 2:
            m.msgid_domain = bad;
            break;
        case 3:
            m.subject = bad;
            break;
        case 4:
            m.filename = bad;
            break;
        default:
            m.policy_domain = bad;
            break;
        }
        buf_reset(&out);
        assert_int_equal(mail_build_report(&m, &out, &why), -1);
    }
    buf_free(&out);
}

/* test_error_report - the section 7.2.2 fields, URIs made safe */
static void
test_error_report(void **state)
{
    static const char *const uris[] = { "mailto:rua@example.org!10k",
                                        "mailto:x@y.example\r\nBcc: z" };
    struct mail_error e = { "dmarc-noreply@receiver.example",
                            "rua@example.org",
                            1764720300,
                            "receiver.example",
                            "example.org",
                            "1764633600abcdefghijklm",
                            123456,
                            "receiver.example",
                            uris,
                            2 };
    struct buf out;
    const char *why = NULL;

    (void)state;
    buf_init(&out, 1u << 20);
    assert_int_equal(mail_build_error(&e, &out, &why), 0);
    assert_non_null(strstr(out.data, "\r\nSubject: DMARC aggregate report "
                                     "error: Report Domain: example.org "
                                     "Submitter:\r\n receiver.example"));
    assert_non_null(strstr(
        out.data, "\r\n\r\nReport-Date: Wed, 03 Dec 2025 00:05:00 +0000\r\n"
                  "Report-Domain: example.org\r\n"
                  "Report-ID: 1764633600abcdefghijklm\r\n"
                  "Report-Size: 123456\r\n"
                  "Submitter: receiver.example\r\n"
                  "Submitting-URI: mailto:rua@example.org!10k, "
                  "mailto:x@y.example%0D%0ABcc:%20z\r\n"));
    assert_non_null(strstr(out.data, "Auto-Submitted: auto-generated\r\n"));
    assert_crlf(out.data, out.len);
    e.uri_count = 0;
    buf_reset(&out);
    assert_int_equal(mail_build_error(&e, &out, &why), -1);
    e.uri_count = 1;
    e.report_domain = "example.org\r\nX: y";
    assert_int_equal(mail_build_error(&e, &out, &why), -1);
    buf_free(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoded_size),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_message_id),
        cmocka_unit_test(test_report_mail),
        cmocka_unit_test(test_report_mail_9990),
        cmocka_unit_test(test_long_attachment),
        cmocka_unit_test(test_injection),
        cmocka_unit_test(test_error_report),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
