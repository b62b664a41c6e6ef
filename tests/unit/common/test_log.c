/*
 * test_log - escaping of untrusted text, one line per event, errno kept.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"

/* test_esc - control characters, quotes and 8-bit bytes are escaped */
static void
test_esc(void **state)
{
    char out[64];

    (void)state;
    assert_string_equal(log_esc(out, sizeof(out), "a\r\nb", 4), "a\\x0d\\x0ab");
    assert_string_equal(log_esc(out, sizeof(out), "q\"\\", 3), "q\\x22\\x5c");
    assert_string_equal(log_esc(out, sizeof(out), "\xff\0", 2), "\\xff\\x00");
    assert_string_equal(log_esc(out, sizeof(out), "", 0), "");
}

/* test_esc_bounded - long input is cut with "..." inside the buffer */
static void
test_esc_bounded(void **state)
{
    char out[16];
    char big[100];

    (void)state;
    memset(big, 'x', sizeof(big));
    log_esc(out, sizeof(out), big, sizeof(big));
    assert_true(strlen(out) < sizeof(out));
    assert_non_null(strstr(out, "..."));
    memset(big, '\n', sizeof(big));
    log_esc(out, sizeof(out), big, sizeof(big));
    assert_true(strlen(out) < sizeof(out));
}

/* capture_stderr - run the logger with stderr redirected to a file */
static char *
capture_stderr(void (*fn)(void))
{
    char path[] = "/tmp/test_log.XXXXXX";
    int fd = mkstemp(path);
    int saved = dup(STDERR_FILENO);
    char *text = calloc(1, 8192);
    ssize_t n;

    assert_true(fd >= 0 && saved >= 0);
    assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
    fn();
    assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
    close(saved);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    n = read(fd, text, 8191);
    assert_true(n >= 0);
    close(fd);
    unlink(path);
    return text;
}

/* emit_events - the events test_one_line_per_event expects */
static void
emit_events(void)
{
    log_set_level(LOG_LEVEL_INFO);
    log_notice("first event with\nnewline");
    log_debug("dropped by level");
    errno = ENOENT;
    log_err_errno("open %s", "/nonexistent");
    if (errno != ENOENT)
        abort();
}

/* test_one_line_per_event - a newline never splits an event */
static void
test_one_line_per_event(void **state)
{
    char *text;
    size_t lines = 0;

    (void)state;
    assert_int_equal(log_open("test_log", NULL, true), 0);
    text = capture_stderr(emit_events);
    for (char *p = text; *p != '\0'; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 2);
    assert_non_null(strstr(text, "notice: first event with?newline"));
    assert_null(strstr(text, "dropped"));
    assert_non_null(strstr(text, "error: open /nonexistent: No such file"));
    free(text);
}

/* test_facility - known and unknown syslog facility names */
static void
test_facility(void **state)
{
    (void)state;
    assert_true(log_facility_valid("mail"));
    assert_true(log_facility_valid("local7"));
    assert_false(log_facility_valid("Mail"));
    assert_false(log_facility_valid("local8"));
    assert_int_equal(log_open("test_log", "nosuch", true), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_esc),
        cmocka_unit_test(test_esc_bounded),
        cmocka_unit_test(test_one_line_per_event),
        cmocka_unit_test(test_facility),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
