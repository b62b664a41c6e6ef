/*
 * test_hist_write - hist_format: OpenDMARC's exact layout, the extension
 * block, escaping, limits; hist_writer: append, reopen after rename.
 */
#include <fcntl.h>
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
#include "history/hist_fmt.h"
#include "history/hist_write.h"

/* the record of history-format.md section 7, as OpenDMARC wrote it */
static const char s7_text[] =
    "job DEBUG-i\nreporter DEBUG-j\nreceived 1795638462\nipaddr 192.0.2.1\n"
    "from sub.example.com\nmfrom mail.example.com\n"
    "dkim mail.example.com sel1 0\ndkim other.net s2 7\nspf 0\n"
    "pdomain example.com\npolicy 15\nrua mailto:agg@example.com\n"
    "rua mailto:dmarc@rep.example.net!10m\npct 50\nadkim 115\naspf 114\n"
    "p 114\nsp 113\nalign_dkim 5\nalign_spf 4\narc 7\n"
    "arc_policy 2 json:[{ \"i\": 1, \"d\":\"forwarder.net\", "
    "\"s\":\"arc1\", \"ip\":\"\" }]\naction 2\n";

/* s7 - the section 7 record as a struct (arrays in static storage) */
static void
s7(struct hist_rec *r)
{
    static const struct hist_dkim dk[] = {
        { { "mail.example.com", 16 }, { "sel1", 4 }, 0 },
        { { "other.net", 9 }, { "s2", 2 }, 7 },
    };
    static const struct str rua[] = {
        { "mailto:agg@example.com", 22 },
        { "mailto:dmarc@rep.example.net!10m", 32 },
    };
    static const struct hist_arc_seal seal[] = {
        { 1, { "forwarder.net", 13 }, { "arc1", 4 }, { "", 0 } },
    };

    hist_rec_init(r);
    r->job = str_cstr("DEBUG-i");
    r->reporter = str_cstr("DEBUG-j");
    r->received = 1795638462;
    r->ipaddr = str_cstr("192.0.2.1");
    r->from = str_cstr("sub.example.com");
    r->mfrom = str_cstr("mail.example.com");
    r->dkim = dk;
    r->dkim_count = 2;
    r->spf = 0;
    r->pdomain = str_cstr("example.com");
    r->policy = 15;
    r->rua = rua;
    r->rua_count = 2;
    r->pct = 50;
    r->adkim = 115;
    r->aspf = 114;
    r->p = 114;
    r->sp = 113;
    r->align_dkim = 5;
    r->align_spf = 4;
    r->arc = 7;
    r->arc_policy = 2;
    r->seals = seal;
    r->seal_count = 1;
    r->action = 2;
}

/* test_opendmarc_layout - byte for byte what OpenDMARC 1.4.2 writes */
static void
test_opendmarc_layout(void **state)
{
    struct hist_rec r;
    struct buf b;

    (void)state;
    s7(&r);
    buf_init(&b, 65536);
    assert_int_equal(hist_format(&r, &b), 0);
    assert_string_equal(buf_cstr(&b), s7_text);
    buf_free(&b);
}

/* test_extension_block - our keys sit before action, in order */
static void
test_extension_block(void **state)
{
    static const struct hist_override ovr[] = {
        { HIST_OVR_LOCAL_POLICY, { "arc=pass as[1].d=fwd", 20 } },
        { HIST_OVR_SAMPLED_OUT, { NULL, 0 } },
    };
    struct hist_rec r;
    struct buf b;
    const char *tail;

    (void)state;
    s7(&r);
    r.ext_version = HIST_EXT_VERSION;
    r.spf_scope = HIST_SPF_SCOPE_HELO;
    r.spf_domain = str_cstr("mx.example.net");
    r.fo = HIST_FO_1 | HIST_FO_D;
    r.np = HIST_WREQ_REJECT;
    r.psd = HIST_PSD_N;
    r.discovery = HIST_DISC_TREEWALK;
    r.overrides = ovr;
    r.override_count = 2;
    buf_init(&b, 65536);
    assert_int_equal(hist_format(&r, &b), 0);
    tail = strstr(buf_cstr(&b), "hist_version");
    assert_non_null(tail);
    assert_string_equal(tail, "hist_version 1\nspf_scope 2\n"
                              "spf_domain mx.example.net\nfo 6\nnp reject\n"
                              "psd n\nt -\ndiscovery treewalk\n"
                              "override local_policy arc=pass as[1].d=fwd\n"
                              "override sampled_out\naction 2\n");
    buf_free(&b);
}

/* test_escaping - JSON escaping; spaces and control bytes in values */
static void
test_escaping(void **state)
{
    static const struct hist_arc_seal seal[] = {
        { 3, { "a\"b\\c", 5 }, { "s\001", 2 }, { "::1", 3 } },
    };
    struct hist_rec r;
    struct buf b;

    (void)state;
    s7(&r);
    r.job = str_cstr("A B\nC");
    r.mfrom = str_cstr("");
    r.seals = seal;
    r.rua_count = 0;
    buf_init(&b, 65536);
    assert_int_equal(hist_format(&r, &b), 0);
    assert_non_null(strstr(buf_cstr(&b), "job A?B?C\n"));
    assert_non_null(strstr(buf_cstr(&b), "\nmfrom \n"));
    assert_non_null(strstr(buf_cstr(&b), "\nrua -\n"));
    assert_non_null(strstr(buf_cstr(&b), "json:[{ \"i\": 3, "
                                         "\"d\":\"a\\\"b\\\\c\", "
                                         "\"s\":\"s\\u0001\", "
                                         "\"ip\":\"::1\" }]\n"));
    buf_free(&b);
}

/* test_limit - a buffer too small is left as it was */
static void
test_limit(void **state)
{
    struct hist_rec r;
    struct buf b;

    (void)state;
    s7(&r);
    buf_init(&b, 100);
    assert_int_equal(buf_append_str(&b, "keep"), 0);
    assert_int_equal(hist_format(&r, &b), -1);
    assert_string_equal(buf_cstr(&b), "keep");
    buf_free(&b);
}

/* test_writer_rename - appends, and a renamed file is left behind */
static void
test_writer_rename(void **state)
{
    char dir[] = "/tmp/test_hist_writeXXXXXX";
    char path[64];
    char old[80];
    char got[64];
    struct hist_writer *w;
    int fd;
    ssize_t n;

    (void)state;
    assert_non_null(mkdtemp(dir));
    (void)snprintf(path, sizeof(path), "%s/h", dir);
    (void)snprintf(old, sizeof(old), "%s/h.1", dir);
    w = hist_writer_new(path);
    assert_int_equal(hist_writer_append(w, "one\n", 4), 0);
    assert_int_equal(rename(path, old), 0);
    assert_int_equal(hist_writer_append(w, "two\n", 4), 0);
    assert_int_equal(hist_writer_append(w, "three\n", 6), 0);
    hist_writer_free(w);
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    n = read(fd, got, sizeof(got));
    assert_int_equal(n, 10);
    assert_memory_equal(got, "two\nthree\n", 10);
    (void)close(fd);
    fd = open(old, O_RDONLY);
    n = read(fd, got, sizeof(got));
    assert_int_equal(n, 4);
    (void)close(fd);
    (void)unlink(path);
    (void)unlink(old);
    (void)rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opendmarc_layout),
        cmocka_unit_test(test_extension_block),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_writer_rename),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
