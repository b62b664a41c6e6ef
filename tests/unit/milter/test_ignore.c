/*
 * test_ignore - the IgnoreHosts list: addresses, CIDR blocks (IPv4, IPv6,
 * IPv4-mapped clients), host names and suffixes, the default list, the
 * file reader, malformed entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "milter/ignore.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* one match row */
struct match_case {
    const char *ip;   /* client address, or NULL */
    const char *host; /* client host name, or NULL */
    bool is_match;    /* expected */
};

/* entries of the list the match table runs against */
static const char *const entries[] = {
    "192.0.2.7", "198.51.100.0/24", "10.0.0.0/8",  "2001:db8::/32",
    "::1",       "mx.example.com",  ".relay.test", "203.0.113.128/25",
};

static const struct match_case matches[] = {
    { "192.0.2.7", NULL, true },
    { "192.0.2.8", NULL, false },
    { "198.51.100.255", NULL, true },
    { "198.51.101.0", NULL, false },
    { "10.255.1.2", NULL, true },
    { "11.0.0.1", NULL, false },
    { "203.0.113.128", NULL, true },
    { "203.0.113.127", NULL, false },
    { "2001:db8:ffff::1", NULL, true },
    { "2001:db9::1", NULL, false },
    { "::1", NULL, true },
    { "::ffff:192.0.2.7", NULL, true },
    { "::ffff:192.0.2.9", NULL, false },
    { "203.0.113.1", "MX.Example.COM", true },
    { "203.0.113.1", "mx.example.com.evil", false },
    { "203.0.113.1", "a.b.relay.test", true },
    { "203.0.113.1", "relay.test.evil", false },
    { NULL, "mx.example.com", true },
    { NULL, NULL, false },
};

/* sockaddr_of - ip as a socket address in ss; NULL for NULL */
static const struct sockaddr *
sockaddr_of(const char *ip, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (ip == NULL)
        return NULL;
    if (strchr(ip, ':') != NULL) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        assert_int_equal(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
        s4->sin_family = AF_INET;
        assert_int_equal(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
    }
    return (const struct sockaddr *)ss;
}

/* test_match - every row of matches */
static void
test_match(void **state)
{
    struct ignore *ig = ignore_new();
    struct sockaddr_storage ss;
    const char *why = NULL;

    (void)state;
    for (size_t i = 0; i < N_OF(entries); i++)
        assert_int_equal(ignore_add(ig, entries[i], &why), 0);
    assert_int_equal(ignore_count(ig), N_OF(entries));
    for (size_t i = 0; i < N_OF(matches); i++) {
        const struct match_case *m = &matches[i];
        bool got = ignore_match(ig, sockaddr_of(m->ip, &ss), m->host);
        if (got != m->is_match)
            fail_msg("%s %s: got %d", m->ip ? m->ip : "-",
                     m->host ? m->host : "-", got);
    }
    ignore_free(ig);
}

/* test_default - 127.0.0.1 and ::1, nothing else */
static void
test_default(void **state)
{
    struct ignore *ig = ignore_new_default();
    struct sockaddr_storage ss;

    (void)state;
    assert_true(ignore_match(ig, sockaddr_of("127.0.0.1", &ss), NULL));
    assert_true(ignore_match(ig, sockaddr_of("::1", &ss), NULL));
    assert_false(ignore_match(ig, sockaddr_of("127.0.0.2", &ss), NULL));
    assert_false(ignore_match(ig, sockaddr_of("192.0.2.1", &ss), NULL));
    ignore_free(ig);
    ignore_free(NULL);
}

/* malformed entries */
static const char *const bad[] = {
    "192.0.2.0/33", "2001:db8::/129", "192.0.2.0/", "/24",
    "192.0.2.0/x",  "300.1.2.3/8",    "a b",        "",
};

/* test_malformed - every bad entry is refused with a reason */
static void
test_malformed(void **state)
{
    struct ignore *ig = ignore_new();

    (void)state;
    for (size_t i = 0; i < N_OF(bad); i++) {
        const char *why = NULL;
        if (ignore_add(ig, bad[i], &why) != -1)
            fail_msg("accepted: '%s'", bad[i]);
        assert_non_null(why);
    }
    assert_int_equal(ignore_count(ig), 0);
    ignore_free(ig);
}

/* test_file - comments, blank lines; a bad line fails the file */
static void
test_file(void **state)
{
    char path[] = "/tmp/test_ignore.XXXXXX";
    int fd = mkstemp(path);
    struct sockaddr_storage ss;
    struct ignore *ig;
    FILE *f;

    (void)state;
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("# trusted relays\n\n192.0.2.0/24\n  mx.example.com  \n", f);
    assert_int_equal(fclose(f), 0);
    ig = ignore_load(path);
    assert_non_null(ig);
    assert_int_equal(ignore_count(ig), 2);
    assert_true(ignore_match(ig, sockaddr_of("192.0.2.200", &ss), NULL));
    assert_false(ignore_match(ig, sockaddr_of("127.0.0.1", &ss), NULL));
    ignore_free(ig);
    f = fopen(path, "a");
    assert_non_null(f);
    fputs("192.0.2.0/99\n", f);
    assert_int_equal(fclose(f), 0);
    assert_null(ignore_load(path));
    assert_int_equal(unlink(path), 0);
    assert_null(ignore_load(path));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
