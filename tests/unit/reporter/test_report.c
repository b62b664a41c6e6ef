/*
 * test_report - build a report from a row callback and hand it to each
 * transport: the output folder and the fake sendmail; a retry after a
 * temporary failure carries the same id, file name and bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/exec.h"
#include "reporter/report.h"
#include "tests/lib/testxml.h"

/* the row source's state */
struct rows {
    size_t next;     /* index of the next row */
    size_t count;    /* rows to give */
    size_t bad_at;   /* index of a broken row (count: none) */
    bool is_failing; /* return -1 at the end instead of 0 */
};

/* give_row - report_row_fn over struct rows */
static int
give_row(void *ctx, struct agg_row *row)
{
    static const char *const ips[] = { "192.0.2.1", "192.0.2.2", "2001:db8::7",
                                       "198.51.100.1" };
    struct rows *s = ctx;
    struct agg_spf spf = { "example.org", AGG_SCOPE_MFROM, AGG_SPF_PASS };

    if (s->next >= s->count)
        return s->is_failing ? -1 : 0;
    row->source_ip = s->next == s->bad_at ? "bogus" : ips[s->next % 4];
    row->count = s->next + 1;
    row->header_from = "example.org";
    row->envelope_from = "example.org";
    s->next++;
    return agg_row_add_spf(row, &spf) < 0 ? -1 : 1;
}

static const struct agg_meta meta = { "Receiver Inc.",
                                      "dmarc@receiver.example",
                                      NULL,
                                      "1764633600abcdefghijklm",
                                      1764633600,
                                      1764720000,
                                      NULL,
                                      0 };

/* build - a report of count rows, one bad at bad_at */
static int
build(struct report *r, size_t count, size_t bad_at, const char **why)
{
    struct rows s = { 0, count, bad_at, false };
    struct report_rows src = { give_row, &s };
    struct agg_policy p;

    agg_policy_init(&p, "example.org");
    return report_build(&meta, &p, "receiver.example", &src, r, why);
}

/* test_build - valid gzip XML, names, sizes, the bad row skipped */
static void
test_build(void **state)
{
    struct report r;
    const char *why = NULL;
    char err[256];
    char *xml;
    size_t len;

    (void)state;
    assert_int_equal(build(&r, 10, 3, &why), 0);
    assert_int_equal(r.rows, 9);
    assert_int_equal(r.rows_bad, 1);
    assert_string_equal(r.filename, "receiver.example!example.org!1764633600"
                                    "!1764720000!1764633600abcdefghijklm"
                                    ".xml.gz");
    assert_string_equal(r.subject, "Report Domain: example.org Submitter: "
                                   "receiver.example Report-ID: "
                                   "<1764633600abcdefghijklm>");
    assert_true(r.encoded_size > r.gz_len);
    xml = testxml_gunzip(r.gz, r.gz_len, &len);
    assert_non_null(xml);
    assert_int_equal(testxml_validate(xml, len, err, sizeof(err)), 0);
    assert_non_null(strstr(xml, "<count>10</count>"));
    assert_null(strstr(xml, "<count>4</count>"));
    free(xml);
    report_free(&r);
}

/* test_build_fails - no rows, a failing source, a bad receiver */
static void
test_build_fails(void **state)
{
    struct report r;
    struct rows s = { 0, 2, 9, true };
    struct report_rows src = { give_row, &s };
    struct agg_policy p;
    const char *why = NULL;

    (void)state;
    assert_int_equal(build(&r, 0, 9, &why), -1);
    assert_string_equal(why, "no record written");
    report_free(&r);
    assert_int_equal(build(&r, 1, 0, &why), -1); /* its only row is bad */
    report_free(&r);
    agg_policy_init(&p, "example.org");
    assert_int_equal(
        report_build(&meta, &p, "receiver.example", &src, &r, &why), -1);
    assert_string_equal(why, "reading the rows failed");
    report_free(&r);
    assert_int_equal(report_build(&meta, &p, "bad receiver", &src, &r, &why),
                     -1);
    report_free(&r);
}

/* the test's folder */
static char dir[64];

/* setup - a fresh folder */
static int
setup(void **state)
{
    (void)state;
    (void)snprintf(dir, sizeof(dir), "/tmp/test_report.XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

/* teardown - remove it */
static int
teardown(void **state)
{
    const char *argv[] = { "rm", "-rf", dir, NULL };
    const char *envp[] = { NULL };
    struct exec_cmd cmd = { "/bin/rm", argv, envp, NULL, 0, 10000 };
    struct exec_result res;

    (void)state;
    return exec_run(&cmd, &res) < 0 || res.status != 0 ? -1 : 0;
}

/* slurp - dir/name into a new string ("" when missing) */
static char *
slurp(const char *name)
{
    char path[512];
    struct buf b;
    FILE *f;

    (void)snprintf(path, sizeof(path), "%s/%s", dir, name);
    buf_init(&b, (size_t)16 << 20);
    f = fopen(path, "rb");
    if (f != NULL) {
        char chunk[4096];
        size_t n;

        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            assert_int_equal(buf_append(&b, chunk, n), 0);
        (void)fclose(f);
    }
    assert_int_equal(buf_append_str(&b, ""), 0);
    return buf_steal(&b);
}

/* transport - a transport of the given method into dir */
static struct report_transport
transport(enum report_method method, const char *const *envp,
          const char *sendmail)
{
    struct report_transport t;

    memset(&t, 0, sizeof(t));
    t.method = method;
    t.sm.path = sendmail;
    t.sm.envp = envp;
    t.sm.timeout_s = 10;
    t.outdir = dir;
    t.from = "dmarc@receiver.example";
    t.envelope_from = "bounce@receiver.example";
    t.msgid_domain = "receiver.example";
    t.org_name = "Receiver Inc.";
    return t;
}

/* test_outdir - the .xml.gz and one .eml per destination, error report */
static void
test_outdir(void **state)
{
    struct report_transport t = transport(REPORT_OUTDIR, NULL, NULL);
    const char *uris[] = { "mailto:rua@example.org!1k" };
    struct report_uris u = { uris, 1 };
    struct report r;
    const char *why = NULL;
    char *s;

    (void)state;
    assert_int_equal(build(&r, 3, 9, &why), 0);
    /* the caller writes the .xml.gz once; sending writes the .eml only */
    assert_int_equal(report_save(&t, &r), 0);
    assert_int_equal(
        report_send(&t, &r, "rua@example.org", 0, 1764720300, &why),
        DELIVER_SENT);
    assert_int_equal(report_send(&t, &r, "x@red.example", 1, 1764720300, &why),
                     DELIVER_SENT);
    s = slurp(r.filename);
    assert_int_equal(memcmp(s, r.gz, r.gz_len), 0);
    free(s);
    s = slurp("receiver.example!example.org!1764633600!1764720000!"
              "1764633600abcdefghijklm.0.eml");
    assert_non_null(strstr(s, "\r\nTo: rua@example.org\r\n"));
    free(s);
    s = slurp("receiver.example!example.org!1764633600!1764720000!"
              "1764633600abcdefghijklm.1.eml");
    assert_non_null(strstr(s, "\r\nTo: x@red.example\r\n"));
    free(s);
    assert_int_equal(
        report_send_error(&t, &r, "rua@example.org", &u, 1764720300, &why),
        DELIVER_SENT);
    s = slurp("receiver.example!example.org!1764633600!1764720000!"
              "1764633600abcdefghijklm.error.eml");
    assert_non_null(strstr(s, "Report-ID: 1764633600abcdefghijklm\r\n"));
    free(s);
    assert_int_equal(report_send(&t, &r, "bad address", 0, 1764720300, &why),
                     DELIVER_BADADDR);
    t.outdir = "/nonexistent/folder";
    assert_int_equal(
        report_send(&t, &r, "rua@example.org", 0, 1764720300, &why),
        DELIVER_PERMFAIL);
    report_free(&r);
}

/* set_mode - what the fake sendmail does next */
static void
set_mode(const char *mode)
{
    char path[512];
    FILE *f;

    (void)snprintf(path, sizeof(path), "%s/mode", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    (void)fputs(mode, f);
    assert_int_equal(fclose(f), 0);
}

/* test_retry - tempfail, then the next run rebuilds with the stored id:
 * same file name, same Subject, same attachment */
static void
test_retry(void **state)
{
    char env_dir[128];
    char sendmail[4096];
    const char *build_dir = getenv("BUILD"); /* NOLINT(concurrency-mt-unsafe):
                                                single-threaded test */
    char rel[256];
    struct report r1;
    struct report r2;
    const char *why = NULL;
    char *eml;

    (void)state;
    (void)snprintf(env_dir, sizeof(env_dir), "FAKE_SENDMAIL_DIR=%s", dir);
    (void)snprintf(rel, sizeof(rel), "%s/tests/tools/fake-sendmail",
                   build_dir ? build_dir : "build");
    (void)snprintf(sendmail, sizeof(sendmail), "%s", testxml_path(rel));
    {
        const char *envp[] = { env_dir, NULL };
        struct report_transport t = transport(REPORT_SENDMAIL, envp, sendmail);

        set_mode("tempfail");
        assert_int_equal(build(&r1, 5, 9, &why), 0);
        assert_int_equal(
            report_send(&t, &r1, "rua@example.org", 0, 1764720300, &why),
            DELIVER_TEMPFAIL);
        set_mode("ok");
        assert_int_equal(build(&r2, 5, 9, &why), 0);
        assert_int_equal(
            report_send(&t, &r2, "rua@example.org", 0, 1764806700, &why),
            DELIVER_SENT);
    }
    assert_string_equal(r1.filename, r2.filename);
    assert_string_equal(r1.subject, r2.subject);
    assert_int_equal(r1.gz_len, r2.gz_len);
    assert_memory_equal(r1.gz, r2.gz, r1.gz_len);
    eml = slurp("2.eml");
    assert_non_null(strstr(eml, "Subject: Report Domain: example.org "));
    assert_non_null(strstr(eml, " <1764633600abcdefghijklm>\r\n")); /* id */
    assert_non_null(strstr(eml, r1.filename));
    free(eml);
    report_free(&r1);
    report_free(&r2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_build_fails),
        cmocka_unit_test_setup_teardown(test_outdir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
