/*
 * test_mc - the milter client's own parts: socket specs, message files,
 * macro packets, the result line and the read timeout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"

#include "tests/lib/mc_macro.h"
#include "tests/lib/mc_msg.h"
#include "tests/lib/mc_result.h"
#include "tests/lib/mc_session.h"
#include "tests/lib/mc_wire.h"

/* one socket spec case */
struct spec_case {
    const char *spec; /* input */
    int rc;           /* expected return */
    int family;       /* expected family when rc == 0 */
};

static const struct spec_case spec_cases[] = {
    { "inet:8891@127.0.0.1", 0, AF_INET },
    { "inet:8891", 0, AF_INET },
    { "inet6:8891@::1", 0, AF_INET6 },
    { "inet6:8891@[::1]", 0, AF_INET6 },
    { "unix:/run/x.sock", 0, AF_UNIX },
    { "local:/run/x.sock", 0, AF_UNIX },
    { "inet:0@127.0.0.1", -1, 0 },
    { "inet:65536@127.0.0.1", -1, 0 },
    { "inet:x@127.0.0.1", -1, 0 },
    { "inet:8891@localhost", -1, 0 },
    { "inet:8891@", -1, 0 },
    { "inet6:8891@127.0.0.1", -1, 0 },
    { "unix:", -1, 0 },
    { "tcp:8891", -1, 0 },
    { "", -1, 0 },
};

/* test_spec - every row of spec_cases */
static void
test_spec(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(spec_cases) / sizeof(spec_cases[0]); i++) {
        struct sockaddr_storage ss;
        socklen_t len;
        const char *why = NULL;
        int rc = mc_wire_parse_spec(spec_cases[i].spec, &ss, &len, &why);

        assert_int_equal(rc, spec_cases[i].rc);
        if (rc == 0)
            assert_int_equal(ss.ss_family, spec_cases[i].family);
        else
            assert_non_null(why);
    }
}

/* test_parse_message - folding, CRLF, the body, an mbox line */
static void
test_parse_message(void **state)
{
    static const char msg[] = "From sender Mon Jan  1 00:00:00 2024\n"
                              "From: \"A\"\r\n <a@x.test>\r\n"
                              "Subject :hi\n"
                              "X-Empty:\n"
                              "\n"
                              "line1\nline2\r\n";
    struct mc_content c = { 0 };
    const char *why;

    (void)state;
    assert_int_equal(mc_content_parse(&c, msg, sizeof(msg) - 1, &why), 0);
    assert_int_equal(c.n_hdrs, 3);
    assert_string_equal(c.hdrs[0].name, "From");
    assert_string_equal(c.hdrs[0].value, " \"A\"\n <a@x.test>");
    assert_string_equal(c.hdrs[1].name, "Subject");
    assert_string_equal(c.hdrs[1].value, "hi");
    assert_string_equal(c.hdrs[2].value, "");
    assert_int_equal(c.body_len, 14);
    assert_memory_equal(c.body, "line1\r\nline2\r\n", 14);
    mc_content_free(&c);
}

/* test_parse_no_separator - a non-header line starts the body */
static void
test_parse_no_separator(void **state)
{
    static const char msg[] = "A: 1\nnot a header\nB: 2";
    struct mc_content c = { 0 };
    const char *why;

    (void)state;
    assert_int_equal(mc_content_parse(&c, msg, sizeof(msg) - 1, &why), 0);
    assert_int_equal(c.n_hdrs, 1);
    assert_memory_equal(c.body, "not a header\r\nB: 2\r\n", c.body_len);
    mc_content_free(&c);
    assert_int_equal(mc_content_parse(&c, "", 0, &why), 0);
    assert_int_equal(c.n_hdrs, 0);
    assert_int_equal(c.body_len, 0);
    mc_content_free(&c);
}

/* test_header_line - --header values, valid and malformed */
static void
test_header_line(void **state)
{
    static const char *const bad[] = { "", "NoColon", ": value", " A: b",
                                       "A B: c" };
    struct mc_content c = { 0 };
    const char *why;

    (void)state;
    assert_int_equal(mc_content_add_line(&c, "From:  x@y.test", &why), 0);
    assert_string_equal(c.hdrs[0].value, "  x@y.test");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(mc_content_add_line(&c, bad[i], &why), -1);
    assert_int_equal(c.n_hdrs, 1);
    mc_content_free(&c);
}

/* packet_is - the macro packet equals the bytes want[0..len) */
static void
packet_is(const struct mc_env *e, enum mc_stage stage, const char *rcpt,
          const char *symlist, const char *want, size_t len)
{
    struct buf b;
    int n;

    buf_init(&b, 4096);
    n = mc_macro_packet(e, stage, rcpt, symlist, &b);
    assert_true(n >= 0);
    if (n == 0) {
        assert_int_equal(len, 0); /* nothing to send */
    } else {
        assert_int_equal(b.len, len);
        assert_memory_equal(b.data, want, len);
    }
    buf_free(&b);
}

#define PACKET_IS(e, st, rcpt, sym, lit) \
    packet_is((e), (st), (rcpt), (sym), (lit), sizeof(lit) - 1)

/* test_macros - Postfix's defaults, auth, {i}, overrides, symlists */
static void
test_macros(void **state)
{
    struct mc_macro user[3];
    const char *why;
    struct mc_env e = { .client_ip = "192.0.2.1",
                        .from = "<a@x.test>",
                        .queue_id = "QID",
                        .myhostname = "mx.test" };

    (void)state;
    PACKET_IS(&e, MC_STAGE_CONNECT, NULL, NULL,
              "Cj\0mx.test\0{daemon_name}\0mx.test\0{daemon_addr}\0"
              "127.0.0.1\0v\0dmarcsuite milterclient\0_\0unknown "
              "[192.0.2.1]\0{client_addr}\0"
              "192.0.2.1\0");
    PACKET_IS(&e, MC_STAGE_HELO, NULL, NULL, "");
    PACKET_IS(&e, MC_STAGE_MAIL, NULL, NULL,
              "M{mail_addr}\0a@x.test\0{mail_host}\0x.test\0"
              "{mail_mailer}\0smtp\0");
    PACKET_IS(&e, MC_STAGE_RCPT, "<b@y.test>", NULL,
              "R{rcpt_addr}\0b@y.test\0{rcpt_host}\0y.test\0"
              "{rcpt_mailer}\0smtp\0");
    PACKET_IS(&e, MC_STAGE_EOM, NULL, NULL, "Ei\0QID\0");
    PACKET_IS(&e, MC_STAGE_HEADER, NULL, NULL, "");
    e.auth = "alice";
    PACKET_IS(&e, MC_STAGE_MAIL, NULL, "{auth_authen} {auth_type}",
              "M{auth_authen}\0alice\0{auth_type}\0PLAIN\0");
    assert_int_equal(mc_macro_parse("i=OTHER", &user[0], &why), 0);
    assert_int_equal(mc_macro_parse("mail:xy=1", &user[1], &why), 0);
    assert_int_equal(mc_macro_parse("{daemon_addr}=", &user[2], &why), 0);
    assert_string_equal(user[1].name, "{xy}");
    e.user = user;
    e.n_user = 3;
    PACKET_IS(&e, MC_STAGE_DATA, NULL, NULL, "Ti\0OTHER\0");
    PACKET_IS(&e, MC_STAGE_MAIL, NULL, "{xy}",
              "M{xy}\0"
              "1\0");
    PACKET_IS(&e, MC_STAGE_MAIL, NULL, "{mail_host}",
              "M{mail_host}\0x.test\0{xy}\0"
              "1\0");
    PACKET_IS(&e, MC_STAGE_CONNECT, NULL, "{daemon_addr} j", "Cj\0mx.test\0");
    for (size_t i = 0; i < 3; i++) {
        free(user[i].name);
        free(user[i].value);
    }
}

/* test_macro_parse_bad - malformed --macro values */
static void
test_macro_parse_bad(void **state)
{
    static const char *const bad[] = { "noequals", "=v", "body:x=1",
                                       "nostage:x=1",
                                       "averyveryverylongstage:x=1" };
    struct mc_macro m;
    const char *why;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(mc_macro_parse(bad[i], &m, &why), -1);
}

/* test_result_line - escaping and token order */
static void
test_result_line(void **state)
{
    struct mc_result r = { .action = MC_ACT_REJECT, .stage = MC_STAGE_EOM };
    struct mc_packet p = { 'h', "X-A\0v\"1\n\t\\2\0", 12 };
    struct buf b;
    const char *why;

    (void)state;
    r.reply = strdup("550 5.7.1 no");
    assert_int_equal(mc_result_add_mod(&r, &p, &why), 0);
    p = (struct mc_packet){ 'q', "held\0", 5 };
    assert_int_equal(mc_result_add_mod(&r, &p, &why), 0);
    p = (struct mc_packet){ 'q', "unterminated", 12 };
    assert_int_equal(mc_result_add_mod(&r, &p, &why), -1);
    p = (struct mc_packet){ 'i', "\0\0", 2 };
    assert_int_equal(mc_result_add_mod(&r, &p, &why), -1);
    buf_init(&b, 4096);
    assert_int_equal(mc_result_format(&r, &b), 0);
    assert_string_equal(buf_cstr(&b),
                        "action=reject stage=eom reply=\"550 5.7.1 no\" "
                        "add_header=\"X-A: v\\x221\\x0A\\x09\\x5C2\" "
                        "quarantine=\"held\" elapsed_ms=0.000");
    buf_free(&b);
    mc_result_reset(&r);
}

/* test_timeout - a filter that never answers: a timeout error */
static void
test_timeout(void **state)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    char spec[sizeof(sun.sun_path) + 8];
    struct mc_session_opts o = { .spec = spec, .timeout_ms = 200 };
    struct mc_env e = { .client_ip = "192.0.2.1", .helo = "h" };
    struct mc_session s;
    struct mc_result r = { 0 };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    (void)state;
    assert_true(fd >= 0);
    (void)snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/test_mc.%ld",
                   (long)getpid());
    (void)unlink(sun.sun_path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    assert_int_equal(listen(fd, 1), 0);
    (void)snprintf(spec, sizeof(spec), "unix:%s", sun.sun_path);
    assert_int_equal(mc_session_open(&s, &o, &e, &r), -1);
    mc_session_close(&s, false);
    assert_int_equal(r.action, MC_ACT_ERROR);
    assert_int_equal(r.err, MC_WIRE_ETIMEOUT);
    assert_string_equal(r.error, "optneg: read: timeout after 200 ms");
    mc_result_reset(&r);
    (void)unlink(sun.sun_path);
    (void)close(fd);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec),
        cmocka_unit_test(test_parse_message),
        cmocka_unit_test(test_parse_no_separator),
        cmocka_unit_test(test_header_line),
        cmocka_unit_test(test_macros),
        cmocka_unit_test(test_macro_parse_bad),
        cmocka_unit_test(test_result_line),
        cmocka_unit_test(test_timeout),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
