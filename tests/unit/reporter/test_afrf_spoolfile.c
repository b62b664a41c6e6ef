/*
 * test_afrf_spoolfile - the failure report spool file codec: it reads
 * back what it writes (and that encodes to the same bytes), and refuses
 * every truncation, trailing bytes and a set of malformed files; the
 * client address may be absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "reporter/afrf_job.h"
#include "reporter/afrf_spoolfile.h"
#include "tests/unit/reporter/afrf_fixture.h"

/* decode_bad - p (len bytes) is refused */
static void
decode_bad(const char *p, size_t len)
{
    struct afrf_job *j = NULL;
    const char *why = NULL;

    assert_int_equal(afrf_spoolfile_decode(p, len, &j, &why),
                     AFRF_SPOOLFILE_BAD);
    assert_non_null(why);
    assert_null(j);
}

/* splice - into t (initialised here; caller frees), b's text with the
 * first from replaced by to */
static void
splice(const struct buf *b, const char *from, const char *to, struct buf *t)
{
    const char *s = buf_cstr(b);
    const char *at = strstr(s, from);
    size_t off;

    assert_non_null(at);
    off = (size_t)(at - s);
    buf_init(t, AFRF_SPOOLFILE_MAX);
    assert_int_equal(buf_append(t, s, off), 0);
    assert_int_equal(buf_append_str(t, to), 0);
    assert_int_equal(
        buf_append(t, at + strlen(from), b->len - off - strlen(from)), 0);
}

/* mutate - b's text with the first from replaced by to, refused */
static void
mutate(const struct buf *b, const char *from, const char *to)
{
    struct buf t;

    splice(b, from, to, &t);
    decode_bad(buf_cstr(&t), t.len);
    buf_free(&t);
}

/* make_job - the job of a failing message, from client_ip (may be NULL)
 * port 2525, with a body; m is its message */
static struct afrf_job *
make_job(struct afrf_fixture_msg *m, const char *client_ip)
{
    afrf_fixture_msg_init(m, "v=DMARC1; p=reject; ruf=mailto:ruf@example.com",
                          "QIDSPOOL", "spooled stuff");
    m->ev.client_ip = client_ip;
    m->ev.client_port = 2525;
    m->ev.body = "body line\r\n";
    m->ev.body_len = strlen(m->ev.body);
    return afrf_fixture_job(&m->ev, true);
}

static void
test_codec(void **state)
{
    struct afrf_fixture_msg m;
    struct afrf_job *j;
    struct afrf_job *k = NULL;
    const char *why = NULL;
    struct buf b;
    struct buf c;

    (void)state;
    j = make_job(&m, "192.0.2.10");
    buf_init(&b, AFRF_SPOOLFILE_MAX);
    buf_init(&c, AFRF_SPOOLFILE_MAX);
    assert_int_equal(afrf_spoolfile_encode(j, &b), 0);
    assert_int_equal(afrf_spoolfile_decode(buf_cstr(&b), b.len, &k, &why),
                     AFRF_SPOOLFILE_OK);
    /* what is read back encodes to the same bytes */
    assert_int_equal(afrf_spoolfile_encode(k, &c), 0);
    assert_int_equal(b.len, c.len);
    assert_memory_equal(buf_cstr(&b), buf_cstr(&c), b.len);
    assert_string_equal(k->r.jobid, "QIDSPOOL");
    assert_int_equal(k->r.source_port, 2525);
    assert_int_equal(k->r.body_len, strlen("body line\r\n"));
    assert_null(k->r.dkim_domain);
    /* every truncation is refused */
    for (size_t n = 0; n < b.len; n++)
        decode_bad(buf_cstr(&b), n);
    /* malformed files */
    mutate(&b, "dmarcsuite-afrf-spool 1", "dmarcsuite-afrf-spool 2");
    mutate(&b, "kind 1\n1", "kind 1\n9");
    mutate(&b, "kind 1\n1", "kind 1\nx");
    mutate(&b, "jobid 8\n", "jobid 9\n");
    mutate(&b, "jobid 8\n", "jobid 99999999999999999999\n");
    mutate(&b, "jobid 8\n", "jobid -1\n");
    mutate(&b, "jobid 8\n", "jobid  8\n");
    mutate(&b, "from 19\n", "from -\n");
    mutate(&b, "host ", "hots ");
    mutate(&b, "QIDSPOOL", "QID\0POOL");
    mutate(&b, "source-port 4\n2525", "source-port 4\n25 5");
    mutate(&b, "source-port 4\n2525", "source-port 5\n65536");
    assert_int_equal(buf_putc(&c, 'x'), 0);
    decode_bad(buf_cstr(&c), c.len); /* trailing bytes */
    decode_bad("", 0);
    afrf_job_free(k);
    afrf_job_free(j);
    buf_free(&b);
    buf_free(&c);
    afrf_fixture_msg_free(&m);
}

/* test_no_source_ip - a job without a client address round-trips with
 * "source-ip -"; a file of an older version with "unknown" there reads
 * as no address */
static void
test_no_source_ip(void **state)
{
    struct afrf_fixture_msg m;
    struct afrf_job *j;
    struct afrf_job *k = NULL;
    const char *why = NULL;
    struct buf b;
    struct buf t;

    (void)state;
    j = make_job(&m, NULL);
    assert_null(j->r.source_ip);
    buf_init(&b, AFRF_SPOOLFILE_MAX);
    assert_int_equal(afrf_spoolfile_encode(j, &b), 0);
    assert_non_null(strstr(buf_cstr(&b), "\nsource-ip -\n"));
    assert_int_equal(afrf_spoolfile_decode(buf_cstr(&b), b.len, &k, &why),
                     AFRF_SPOOLFILE_OK);
    assert_null(k->r.source_ip);
    afrf_job_free(k);
    k = NULL;
    /* the same file as an older version wrote it */
    splice(&b, "\nsource-ip -\n", "\nsource-ip 7\nunknown\n", &t);
    assert_int_equal(afrf_spoolfile_decode(buf_cstr(&t), t.len, &k, &why),
                     AFRF_SPOOLFILE_OK);
    assert_null(k->r.source_ip);
    afrf_job_free(k);
    buf_free(&t);
    buf_free(&b);
    afrf_job_free(j);
    afrf_fixture_msg_free(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec),
        cmocka_unit_test(test_no_source_ip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
