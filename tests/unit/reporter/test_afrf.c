/*
 * test_afrf - the failure report hook end to end with a capturing
 * ReportCommand: rate limits under 10 000 failing messages (also from
 * several threads), the queue with a command that hangs (submission in
 * milliseconds, the command killed at its deadline), unverified external
 * ruf, FailureReportsBcc, no reports about reports, redaction digests.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/ascii.h"
#include "common/cfg.h"
#include "reporter/afrf.h"
#include "reporter/afrf_rate.h"
#include "reporter/redact.h"
#include "tests/unit/reporter/afrf_fixture.h"

/* the test's folder and capture script; a command that hangs */
static struct afrf_fixture fx;
static char sleep_cmd[128];

/* now_ms - monotonic milliseconds */
static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
setup(void **state)
{
    (void)state;
    afrf_fixture_setup(&fx, "test_afrf");
    afrf_fixture_path(&fx, "sleep.sh", sleep_cmd, sizeof(sleep_cmd));
    afrf_fixture_script(sleep_cmd, "cat >/dev/null; exec sleep 10");
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    afrf_fixture_teardown(&fx);
    return 0;
}

/* new_afrf - a reporter with the settings given as "Key value" pairs */
static struct afrf *
new_afrf(struct cfg **cfg, const char *const *kv)
{
    *cfg = afrf_fixture_cfg(fx.cap_cmd, kv);
    return afrf_fixture_afrf(*cfg);
}

/* msg_init - a failing message under record */
static void
msg_init(struct afrf_fixture_msg *m, const char *record)
{
    afrf_fixture_msg_init(m, record, "QID1", "secret stuff");
}

static void
test_rate_10000(void **state)
{
    struct afrf_rate_spec dom;
    struct afrf_rate_spec tot;
    struct afrf_rate *r;
    const char *why;
    size_t ok = 0;
    char name[64];

    (void)state;
    assert_int_equal(afrf_rate_parse("10/1h", &dom), 0);
    assert_int_equal(afrf_rate_parse("100/1h", &tot), 0);
    assert_int_equal(dom.period_s, 3600);
    assert_int_equal(afrf_rate_parse("10/", &dom), -1);
    assert_int_equal(afrf_rate_parse("x/1h", &dom), -1);
    assert_int_equal(afrf_rate_parse("1/0", &dom), -1);
    assert_int_equal(afrf_rate_parse("10/1w", &dom), -1);
    assert_int_equal(afrf_rate_parse("10/1h", &dom), 0);
    r = afrf_rate_new(dom, tot);
    for (size_t i = 0; i < 10000; i++)
        ok += afrf_rate_take(r, "Example.COM", 1000 + i, &why);
    assert_int_equal(ok, 10);
    ok = 0;
    for (size_t i = 0; i < 10000; i++) {
        snprintf(name, sizeof(name), "d%zu.test", i);
        ok += afrf_rate_take(r, name, 2000 + i, &why);
    }
    assert_int_equal(ok, 90); /* the total bucket had 90 left */
    /* one emission interval later, exactly one more report each */
    assert_true(afrf_rate_take(r, "new.test", 36000000u + 5000, &why));
    assert_false(afrf_rate_take(r, "new2.test", 36000000u + 5001, &why));
    /* an hour later both buckets are full again */
    ok = 0;
    for (size_t i = 0; i < 10000; i++)
        ok += afrf_rate_take(r, "example.com", 7300000000u + i, &why);
    assert_int_equal(ok, 10);
    afrf_rate_free(r);
}

/* shared by the threads of test_rate_threads */
static struct afrf_rate *shared_rate;

/* taker - 2 500 takes from one thread; returns the count allowed */
static void *
taker(void *arg)
{
    size_t ok = 0;
    const char *why;
    char name[32];

    for (size_t i = 0; i < 2500; i++) {
        snprintf(name, sizeof(name), "t%zu-%zu.test", (size_t)arg, i % 50);
        ok += afrf_rate_take(shared_rate, name, 1000, &why);
    }
    return (void *)ok;
}

static void
test_rate_threads(void **state)
{
    struct afrf_rate_spec dom = { 10, 3600 };
    struct afrf_rate_spec tot = { 100, 3600 };
    pthread_t t[4];
    size_t total = 0;

    (void)state;
    shared_rate = afrf_rate_new(dom, tot);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, taker, (void *)i), 0);
    for (size_t i = 0; i < 4; i++) {
        void *ok;

        assert_int_equal(pthread_join(t[i], &ok), 0);
        total += (size_t)ok;
    }
    assert_int_equal(total, 100);
    afrf_rate_free(shared_rate);
}

static void
test_flood_rate_limited(void **state)
{
    static const char *const kv[] = { NULL };
    struct cfg *cfg;
    struct afrf *a = new_afrf(&cfg, kv);
    struct afrf_stats st;
    struct afrf_fixture_msg m;
    char *cap;
    size_t n = 0;

    (void)state;
    unlink(fx.capture);
    msg_init(&m, "v=DMARC1; p=reject; ruf=mailto:ruf@example.com; fo=1");
    for (size_t i = 0; i < 10000; i++)
        (void)afrf_submit(a, &m.ev);
    assert_int_equal(afrf_flush(a, 20000), 0);
    afrf_stats(a, &st);
    assert_int_equal(st.queued, 10); /* FailureReportsRateDomain 10/1h */
    assert_int_equal(st.limited, 9990);
    assert_int_equal(st.sent, 10);
    cap = afrf_fixture_slurp(&fx);
    for (const char *p = cap; (p = strstr(p, "ARGS ")) != NULL; p++)
        n++;
    assert_int_equal(n, 10);
    assert_non_null(strstr(cap, "ARGS -i -f dmarc@receiver.test "
                                "ruf@example.com\n"));
    assert_non_null(strstr(cap, "\r\nAuto-Submitted: auto-generated\r\n"));
    assert_non_null(strstr(cap, "\r\nSubject: DMARC failure report for "
                                "example.com from 192.0.2.10\r\n"));
    free(cap);
    afrf_free(a);
    cfg_free(cfg);
    dmarc_rec_free(&m.rec);
}

static void
test_hanging_command(void **state)
{
    const char *kv[] = { "ReportCommand",
                         sleep_cmd,
                         "FailureReportsTimeout",
                         "1",
                         "FailureReportsRateDomain",
                         "1000/1h",
                         "FailureReportsRateTotal",
                         "1000/1h",
                         NULL };
    struct cfg *cfg;
    struct afrf *a = new_afrf(&cfg, kv);
    struct afrf_stats st;
    struct afrf_fixture_msg m;
    double t0;
    double spent;

    (void)state;
    msg_init(&m, "v=DMARC1; p=reject; ruf=mailto:ruf@example.com");
    t0 = now_ms();
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(afrf_submit(a, &m.ev), AFRF_QUEUED);
    spent = now_ms() - t0;
    print_message("100 submissions with a hanging command: %.2f ms\n", spent);
    assert_true(spent < 500.0); /* milliseconds, not 100 x 10 s */
    /* the first command is killed at its one-second deadline */
    for (int i = 0; i < 40; i++) {
        afrf_stats(a, &st);
        if (st.timeouts >= 1)
            break;
        usleep(100000);
    }
    spent = now_ms() - t0;
    afrf_stats(a, &st);
    assert_true(st.timeouts >= 1);
    assert_true(spent >= 900.0 && spent < 3500.0);
    t0 = now_ms();
    afrf_free(a); /* drains for AFRF_DRAIN_MS, then drops the rest */
    spent = now_ms() - t0;
    assert_true(spent < AFRF_DRAIN_MS + 2500.0);
    cfg_free(cfg);
    dmarc_rec_free(&m.rec);
}

static void
test_unverified_external(void **state)
{
    static const char *const kv[] = { NULL };
    struct cfg *cfg;
    struct afrf *a = new_afrf(&cfg, kv);
    struct afrf_stats st;
    struct afrf_fixture_msg m;
    char *cap;

    (void)state;
    unlink(fx.capture);
    msg_init(&m, "v=DMARC1; p=reject; ruf=mailto:ruf@reports.example.org");
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_QUEUED);
    assert_int_equal(afrf_flush(a, 5000), 0);
    afrf_stats(a, &st);
    assert_int_equal(st.sent, 0);
    assert_int_equal(st.no_dest, 1);
    cap = afrf_fixture_slurp(&fx);
    assert_string_equal(cap, "");
    free(cap);
    afrf_free(a);
    cfg_free(cfg);
    dmarc_rec_free(&m.rec);
}

static void
test_bcc_and_size(void **state)
{
    static const char *const kv[] = { "FailureReportsBcc", "copy@receiver.test",
                                      NULL };
    struct cfg *cfg;
    struct afrf *a = new_afrf(&cfg, kv);
    struct afrf_fixture_msg m;
    char *cap;

    (void)state;
    unlink(fx.capture);
    /* a !size too small for any report drops that destination only */
    msg_init(&m, "v=DMARC1; p=reject; "
                 "ruf=mailto:ruf@example.com,mailto:tiny@example.com!1k");
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_QUEUED);
    assert_int_equal(afrf_flush(a, 5000), 0);
    cap = afrf_fixture_slurp(&fx);
    assert_non_null(strstr(cap, "ARGS -i -f dmarc@receiver.test "
                                "ruf@example.com copy@receiver.test\n"));
    assert_non_null(strstr(cap, "\r\nTo: ruf@example.com\r\n"));
    assert_null(strstr(cap, "Bcc:"));
    free(cap);
    dmarc_rec_free(&m.rec);
    /* no ruf: the Bcc address is the To: */
    unlink(fx.capture);
    msg_init(&m, "v=DMARC1; p=reject");
    m.ev.jobid = "QID2";
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_QUEUED);
    assert_int_equal(afrf_flush(a, 5000), 0);
    cap = afrf_fixture_slurp(&fx);
    assert_non_null(strstr(cap, "\r\nTo: copy@receiver.test\r\n"));
    free(cap);
    dmarc_rec_free(&m.rec);
    /* psd=y: its ruf is not used (RFC 9991 section 2), the Bcc still is */
    unlink(fx.capture);
    msg_init(&m, "v=DMARC1; p=reject; psd=y; ruf=mailto:ruf@example.com");
    m.ev.jobid = "QID3";
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_QUEUED);
    assert_int_equal(afrf_flush(a, 5000), 0);
    cap = afrf_fixture_slurp(&fx);
    assert_non_null(strstr(cap, "ARGS -i -f dmarc@receiver.test "
                                "copy@receiver.test\n"));
    assert_null(strstr(cap, "ruf@example.com"));
    free(cap);
    afrf_free(a);
    cfg_free(cfg);
    dmarc_rec_free(&m.rec);
}

/* count - occurrences of needle in hay */
static size_t
count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* test_size_fallback - a ruf "!size" the whole message (message/rfc822)
 * passes gets the headers-only form (text/rfc822-headers) when that
 * fits, in a run of its own; one too small for either gets nothing */
static void
test_size_fallback(void **state)
{
    static const char *const kv[] = { "FailureReportsBody", "true", NULL };
    struct cfg *cfg;
    struct afrf *a = new_afrf(&cfg, kv);
    struct afrf_fixture_msg m;
    char *body = malloc(20000);
    const char *second;
    char *cap;

    (void)state;
    assert_non_null(body);
    memset(body, 'x', 19998);
    body[19998] = '\r';
    body[19999] = '\n';
    unlink(fx.capture);
    msg_init(&m, "v=DMARC1; p=reject; ruf=mailto:ruf@example.com,"
                 "mailto:small@example.com!10k,mailto:tiny@example.com!100");
    m.ev.body = body;
    m.ev.body_len = 20000;
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_QUEUED);
    assert_int_equal(afrf_flush(a, 5000), 0);
    cap = afrf_fixture_slurp(&fx);
    assert_int_equal(count(cap, "ARGS "), 2);
    assert_non_null(strstr(cap, "ARGS -i -f dmarc@receiver.test "
                                "ruf@example.com\n"));
    second = strstr(cap, "ARGS -i -f dmarc@receiver.test "
                         "small@example.com\n");
    assert_non_null(second);
    /* the whole message to ruf@, the header alone to small@ */
    assert_int_equal(count(cap, "Content-Type: message/rfc822\r\n"), 1);
    assert_null(strstr(second, "Content-Type: message/rfc822\r\n"));
    assert_non_null(strstr(second, "Content-Type: text/rfc822-headers\r\n"));
    assert_non_null(strstr(second, "\r\nTo: small@example.com\r\n"));
    assert_null(strstr(second, "xxxxxxxx"));
    assert_null(strstr(cap, "tiny@example.com"));
    free(cap);
    afrf_free(a);
    cfg_free(cfg);
    afrf_fixture_msg_free(&m);
    free(body);
}

static void
test_silence(void **state)
{
    static const char *const kv[] = { NULL };
    struct cfg *cfg;
    struct afrf *a = new_afrf(&cfg, kv);
    struct afrf_fixture_msg m;

    (void)state;
    msg_init(&m, "v=DMARC1; p=reject; psd=y; ruf=mailto:ruf@example.com");
    /* psd=y without a Bcc: nothing (RFC 9991 section 2) */
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_SILENT);
    dmarc_rec_free(&m.rec);
    msg_init(&m, "v=DMARC1; p=reject; ruf=mailto:ruf@example.com");
    m.hdrs[3] = (struct afrf_hdr){ "Auto-Submitted", " auto-replied" };
    m.ev.n_hdrs = 4;
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_SILENT);
    m.hdrs[3] = (struct afrf_hdr){ "Auto-Submitted", "no" };
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_QUEUED);
    m.hdrs[3] =
        (struct afrf_hdr){ "Content-Type", "multipart/report; report-type=x" };
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_SILENT);
    m.ev.n_hdrs = 3;
    m.ev.mail_from = "";
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_SILENT);
    m.ev.mail_from = "alice@example.com";
    m.ev.is_policy_none = true;
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_SILENT);
    m.ev.is_policy_none = false;
    m.ev.dmarc = AFRF_DMARC_TEMPERROR;
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_SILENT);
    m.ev.rec = NULL;
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_SILENT);
    assert_int_equal(afrf_flush(a, 5000), 0);
    afrf_free(a);
    cfg_free(cfg);
    /* FailureReports off */
    cfg = cfg_new();
    a = afrf_fixture_afrf(cfg);
    assert_non_null(a);
    m.ev.rec = &m.rec;
    m.ev.dmarc = AFRF_DMARC_FAIL;
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_SILENT);
    afrf_free(a);
    cfg_free(cfg);
    dmarc_rec_free(&m.rec);
}

static void
test_redact(void **state)
{
    static const unsigned char abc[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
        0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
        0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
    };
    static const unsigned char jefe[4] = { 0x5b, 0xdc, 0xc1, 0x46 };
    struct redact_key k = { .len = 4 };
    unsigned char out[32];
    struct buf b;
    char tok[REDACT_TOKEN + 1];

    (void)state;
    redact_sha256("abc", 3, out);
    assert_memory_equal(out, abc, 32);
    memcpy(k.secret, "Jefe", 4); /* RFC 4231 test case 2 */
    redact_hmac(&k, "what do ya want for nothing?", 28, out);
    assert_memory_equal(out, jefe, 4);
    buf_init(&b, 4096);
    assert_int_equal(
        redact_text(&k, "Alice <alice@example.com>, \"a b\"@x.test", &b), 0);
    redact_token(&k, "alice", 5, tok);
    assert_non_null(strstr(buf_cstr(&b), tok));
    assert_null(strstr(buf_cstr(&b), "alice@"));
    assert_null(strstr(buf_cstr(&b), "a b"));
    assert_non_null(strstr(buf_cstr(&b), "@example.com>"));
    buf_free(&b);
    assert_true(redact_is_address_field("Resent-From"));
    assert_true(redact_is_address_field("received"));
    assert_false(redact_is_address_field("Subject"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_10000),
        cmocka_unit_test(test_rate_threads),
        cmocka_unit_test(test_flood_rate_limited),
        cmocka_unit_test(test_hanging_command),
        cmocka_unit_test(test_unverified_external),
        cmocka_unit_test(test_bcc_and_size),
        cmocka_unit_test(test_size_fallback),
        cmocka_unit_test(test_silence),
        cmocka_unit_test(test_redact),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
