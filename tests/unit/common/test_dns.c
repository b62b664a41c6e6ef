/*
 * test_dns - common/dns without a network: the name server list parser,
 * the timing rule, name validation, status strings, the cache (expiry
 * driven by explicit times, LRU eviction) and the response reader fed
 * hand-built DNS messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "common/dns.h"
#include "common/dns_cache.h"
#include "common/dns_msg.h"
#include "common/dns_ns.h"

/* one good name server list */
struct ns_good {
    const char *in;      /* the list */
    size_t count;        /* servers expected */
    int family[3];       /* AF_INET or AF_INET6 of each */
    unsigned port[3];    /* port of each */
    const char *addr[3]; /* address text of each */
};

static const struct ns_good ns_good_cases[] = {
    { "127.0.0.1:5353, [::1]:53, 192.0.2.1",
      3,
      { AF_INET, AF_INET6, AF_INET },
      { 5353, 53, 53 },
      { "127.0.0.1", "::1", "192.0.2.1" } },
    { "::1", 1, { AF_INET6 }, { 53 }, { "::1" } },
    { "[::1]", 1, { AF_INET6 }, { 53 }, { "::1" } },
    { "[2001:db8::2]:8053", 1, { AF_INET6 }, { 8053 }, { "2001:db8::2" } },
    { " 127.0.0.1  127.0.0.2:1,",
      2,
      { AF_INET, AF_INET },
      { 53, 1 },
      { "127.0.0.1", "127.0.0.2" } },
    { "1.2.3.4:65535", 1, { AF_INET }, { 65535 }, { "1.2.3.4" } },
};

/* one malformed name server list */
struct ns_bad {
    const char *in;  /* the list */
    const char *why; /* reason expected */
    const char *bad; /* offending item expected ("" for the whole list) */
};

static const struct ns_bad ns_bad_cases[] = {
    { "1.2.3.4:99999", "bad port (1-65535)", "1.2.3.4:99999" },
    { "1.2.3.4:0", "bad port (1-65535)", "1.2.3.4:0" },
    { "1.2.3.4:", "bad port (1-65535)", "1.2.3.4:" },
    { "1.2.3.4:53x", "bad port (1-65535)", "1.2.3.4:53x" },
    { "[::1", "missing ']'", "[::1" },
    { "[::1]x", "expected ':port' after ']'", "[::1]x" },
    { "[::1]:", "bad port (1-65535)", "[::1]:" },
    { "[1.2.3.4]:53", "not an IPv6 address", "[1.2.3.4]:53" },
    { "[]", "not an IPv6 address", "[]" },
    { "abc", "not an IP address", "abc" },
    { "127.0.0.1, localhost", "not an IP address", "localhost" },
    { "1.2.3", "not an IP address", "1.2.3" },
    { "1::2::3", "not an IPv6 address", "1::2::3" },
    { "fe80::1%eth0", "not an IPv6 address", "fe80::1%eth0" },
    { "1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4", "too many name servers (at most 3)",
      "" },
    { "", "empty name server list", "" },
    { " , ,", "empty name server list", "" },
};

/* port_of - the port of a parsed address, host order */
static unsigned
port_of(const union dns_ns_addr *a)
{
    return a->sa.sa_family == AF_INET ? ntohs(a->in.sin_port)
                                      : ntohs(a->in6.sin6_port);
}

/* test_ns_good - lists that parse, with families, ports, addresses */
static void
test_ns_good(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(ns_good_cases) / sizeof(ns_good_cases[0]);
         i++) {
        const struct ns_good *c = &ns_good_cases[i];
        struct dns_ns_list l;
        const char *why = NULL;
        struct str bad;
        char txt[64];

        assert_int_equal(dns_ns_parse(c->in, &l, &why, &bad), 0);
        assert_int_equal(l.count, c->count);
        for (size_t k = 0; k < c->count; k++) {
            const void *ap = c->family[k] == AF_INET
                                 ? (const void *)&l.addr[k].in.sin_addr
                                 : (const void *)&l.addr[k].in6.sin6_addr;

            assert_int_equal(l.addr[k].sa.sa_family, c->family[k]);
            assert_int_equal(port_of(&l.addr[k]), c->port[k]);
            assert_non_null(inet_ntop(c->family[k], ap, txt, sizeof(txt)));
            assert_string_equal(txt, c->addr[k]);
        }
        assert_int_equal(dns_nameservers_check(c->in, &why, &bad), 0);
    }
}

/* test_ns_bad - malformed lists: reason and offending item */
static void
test_ns_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(ns_bad_cases) / sizeof(ns_bad_cases[0]);
         i++) {
        const struct ns_bad *c = &ns_bad_cases[i];
        struct dns_options o = { c->in, 2, 10 };
        const char *why = NULL;
        struct str bad;

        assert_int_equal(dns_nameservers_check(c->in, &why, &bad), -1);
        assert_string_equal(why, c->why);
        assert_true(str_eq(bad, str_cstr(c->bad)));
        why = NULL;
        assert_null(dns_new(&o, &why));
        assert_string_equal(why, c->why);
    }
}

/* one timing case */
struct timing_case {
    unsigned timeout; /* DNSTimeout */
    size_t nscount;   /* servers */
    int retrans;      /* expected retrans */
    int retry;        /* expected retry */
};

static const struct timing_case timing_cases[] = {
    { 2, 1, 1, 2 }, { 5, 1, 2, 2 },  { 1, 1, 1, 1 }, { 0, 1, 2, 2 },
    { 6, 3, 1, 2 }, { 12, 3, 2, 2 }, { 4, 2, 1, 2 }, { 3, 2, 1, 1 },
    { 2, 3, 1, 1 }, /* floor: one second per server and round */
};

/* test_timing - retrans and retry bound the whole wait by the timeout */
static void
test_timing(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(timing_cases) / sizeof(timing_cases[0]);
         i++) {
        const struct timing_case *c = &timing_cases[i];
        int retrans = -1;
        int retry = -1;
        unsigned t = c->timeout ? c->timeout : DNS_DEFAULT_TIMEOUT;

        dns_ns_timing(c->timeout, c->nscount, &retrans, &retry);
        assert_int_equal(retrans, c->retrans);
        assert_int_equal(retry, c->retry);
        /* glibc waits about nscount * retrans per round */
        if (t >= c->nscount)
            assert_true((size_t)retry * c->nscount * (size_t)retrans <= t);
    }
}

/* test_ns_apply - servers land where glibc's res_send reads them */
static void
test_ns_apply(void **state)
{
    struct __res_state st;
    struct dns_ns_list l;
    const char *why;
    struct str bad;

    (void)state;
    memset(&st, 0, sizeof(st));
    assert_int_equal(res_ninit(&st), 0);
    assert_int_equal(dns_ns_parse("127.0.0.1:5353 [::1]:5354", &l, &why, &bad),
                     0);
    dns_ns_apply(&l, &st);
    assert_int_equal(st.nscount, 2);
    assert_int_equal(st.nsaddr_list[0].sin_family, AF_INET);
    assert_int_equal(ntohs(st.nsaddr_list[0].sin_port), 5353);
    assert_int_equal(st.nsaddr_list[1].sin_family, 0);
    assert_non_null(st._u._ext.nsaddrs[1]);
    assert_int_equal(st._u._ext.nsaddrs[1]->sin6_family, AF_INET6);
    assert_int_equal(ntohs(st._u._ext.nsaddrs[1]->sin6_port), 5354);
    res_nclose(&st);
}

/* one name validity case */
struct name_case {
    const char *name; /* query name */
    bool is_valid;    /* expected */
};

static char long_label[70];
static char long_name[300];
static char max_name[300];

static const struct name_case name_cases[] = {
    { "example.com", true },
    { "_dmarc.example.com.", true },
    { "EXAMPLE.COM", true },
    { "a-b.c_d.e", true },
    { "0/25.2.0.192.in-addr.arpa", true },
    { "com", true },
    { "", false },
    { ".", false },
    { "a..b", false },
    { ".a", false },
    { "a.b..", false },
    { "a b.com", false },
    { "a\\.b.com", false },
    { "a\"b.com", false },
    { "ex\xc3\xa4mple.com", false },
    { "a\tb", false },
    { "*.example.com", false },
};

/* test_names - dns_name_valid over the table and the length limits */
static void
test_names(void **state)
{
    const char *why = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++)
        assert_int_equal(dns_name_valid(name_cases[i].name, &why),
                         name_cases[i].is_valid);
    memset(long_label, 'a', 64);
    long_label[64] = '\0';
    assert_false(dns_name_valid(long_label, &why));
    assert_string_equal(why, "label longer than 63 bytes");
    long_label[63] = '\0';
    assert_true(dns_name_valid(long_label, &why));
    /* 4 labels of 63 plus 3 dots = 255 > 253; 253 exactly is fine */
    for (size_t i = 0; i < 4; i++) {
        memset(long_name + i * 64, 'b', 63);
        long_name[i * 64 + 63] = '.';
    }
    long_name[255] = '\0';
    assert_false(dns_name_valid(long_name, &why));
    assert_string_equal(why, "name longer than 253 bytes");
    memcpy(max_name, long_name, 253);
    max_name[253] = '\0';
    max_name[252] = 'c'; /* ends in a label, not a dot */
    assert_true(dns_name_valid(max_name, &why));
    max_name[253] = '.';
    max_name[254] = '\0';
    assert_true(dns_name_valid(max_name, &why)); /* trailing dot */
}

/* test_badname_no_query - dns_query refuses a bad name without sending */
static void
test_badname_no_query(void **state)
{
    struct dns_options o = { "127.0.0.1:9", 1, 10 };
    struct dns_answer *a = (struct dns_answer *)&o; /* must become NULL */
    const char *why = NULL;
    struct dns_resolver *r = dns_new(&o, &why);

    (void)state;
    assert_non_null(r);
    assert_int_equal(dns_query(r, "a..b", DNS_T_TXT, &a), DNS_BADNAME);
    assert_null(a);
    assert_int_equal(dns_query(r, "", DNS_T_A, &a), DNS_BADNAME);
    assert_int_equal(dns_query(r, "x y", DNS_T_MX, &a), DNS_BADNAME);
    assert_true(dns_queries_sent(r) == 0);
    dns_free(r);
    dns_free(NULL);
}

/* test_status_str - every status has its word */
static void
test_status_str(void **state)
{
    (void)state;
    assert_string_equal(dns_status_str(DNS_OK), "ok");
    assert_string_equal(dns_status_str(DNS_NXDOMAIN), "nxdomain");
    assert_string_equal(dns_status_str(DNS_NODATA), "nodata");
    assert_string_equal(dns_status_str(DNS_TEMPFAIL), "tempfail");
    assert_string_equal(dns_status_str(DNS_BADNAME), "badname");
    assert_string_equal(dns_status_str((enum dns_status)99), "unknown");
}

/* answer1 - a one-record TXT answer */
static struct dns_answer *
answer1(const char *text, uint32_t ttl)
{
    struct dns_rr rr = { (char *)(uintptr_t)text, strlen(text), 0, { 0 } };
    struct dns_answer a = { &rr, 1, ttl };

    return dns_answer_dup(&a);
}

/* test_answer_dup - a deep copy, NUL bytes kept */
static void
test_answer_dup(void **state)
{
    struct dns_rr rr[2] = {
        { (char *)(uintptr_t) "a\0b", 3, 0, { 0 } },
        { (char *)(uintptr_t) "mx.example", 10, 7, { 1, 2 } }
    };
    struct dns_answer a = { rr, 2, 42 };
    struct dns_answer *c = dns_answer_dup(&a);

    (void)state;
    assert_int_equal(c->count, 2);
    assert_int_equal(c->ttl, 42);
    assert_ptr_not_equal(c->rr[0].text, rr[0].text);
    assert_int_equal(c->rr[0].text_len, 3);
    assert_memory_equal(c->rr[0].text, "a\0b", 4);
    assert_int_equal(c->rr[1].pref, 7);
    assert_int_equal(c->rr[1].addr[1], 2);
    dns_answer_free(c);
    assert_null(dns_answer_dup(NULL));
    dns_answer_free(NULL);
}

/* test_cache_expiry - hits until the TTL runs out; ttl counts down */
static void
test_cache_expiry(void **state)
{
    struct dns_cache *c = dns_cache_new(10);
    struct dns_answer *a = answer1("v=DMARC1", 300);
    struct dns_answer *got;
    enum dns_status st;

    (void)state;
    assert_false(dns_cache_get(c, "x.test", DNS_T_TXT, 1000, &st, &got));
    dns_cache_put(c, "x.test", DNS_T_TXT,
                  &(struct dns_cache_val){ DNS_OK, a, 2 }, 1000);
    dns_answer_free(a);
    assert_true(dns_cache_get(c, "x.test", DNS_T_TXT, 1500, &st, &got));
    assert_int_equal(st, DNS_OK);
    assert_string_equal(got->rr[0].text, "v=DMARC1");
    assert_int_equal(got->ttl, 2); /* 1.5 s left, rounded up */
    dns_answer_free(got);
    assert_false(dns_cache_get(c, "x.test", DNS_T_A, 1500, &st, &got));
    assert_true(dns_cache_get(c, "x.test", DNS_T_TXT, 2999, &st, &got));
    assert_int_equal(got->ttl, 1);
    dns_answer_free(got);
    assert_false(dns_cache_get(c, "x.test", DNS_T_TXT, 3000, &st, &got));
    assert_null(got);
    assert_int_equal(dns_cache_count(c), 0); /* the expired entry went */
    dns_cache_free(c);
}

/* test_cache_negative - NXDOMAIN and NODATA kept, TEMPFAIL and TTL 0 not */
static void
test_cache_negative(void **state)
{
    struct dns_cache *c = dns_cache_new(10);
    struct dns_answer *got;
    enum dns_status st;

    (void)state;
    dns_cache_put(c, "nx.test", DNS_T_TXT,
                  &(struct dns_cache_val){ DNS_NXDOMAIN, NULL, 60 }, 0);
    dns_cache_put(c, "nd.test", DNS_T_TXT,
                  &(struct dns_cache_val){ DNS_NODATA, NULL, 60 }, 0);
    dns_cache_put(c, "tf.test", DNS_T_TXT,
                  &(struct dns_cache_val){ DNS_TEMPFAIL, NULL, 60 }, 0);
    dns_cache_put(c, "z.test", DNS_T_TXT,
                  &(struct dns_cache_val){ DNS_NODATA, NULL, 0 }, 0);
    assert_int_equal(dns_cache_count(c), 2);
    assert_true(dns_cache_get(c, "nx.test", DNS_T_TXT, 59999, &st, &got));
    assert_int_equal(st, DNS_NXDOMAIN);
    assert_null(got);
    assert_true(dns_cache_get(c, "nd.test", DNS_T_TXT, 1, &st, &got));
    assert_int_equal(st, DNS_NODATA);
    assert_false(dns_cache_get(c, "tf.test", DNS_T_TXT, 1, &st, &got));
    assert_false(dns_cache_get(c, "z.test", DNS_T_TXT, 0, &st, &got));
    /* a later answer replaces the entry */
    dns_cache_put(c, "nx.test", DNS_T_TXT,
                  &(struct dns_cache_val){ DNS_NODATA, NULL, 60 }, 0);
    assert_int_equal(dns_cache_count(c), 2);
    assert_true(dns_cache_get(c, "nx.test", DNS_T_TXT, 1, &st, &got));
    assert_int_equal(st, DNS_NODATA);
    dns_cache_free(c);
    dns_cache_free(NULL);
}

/* test_cache_lru - a full cache drops the least recently used entry */
static void
test_cache_lru(void **state)
{
    struct dns_cache *c = dns_cache_new(2);
    struct dns_answer *got;
    enum dns_status st;
    char name[32];

    (void)state;
    dns_cache_put(c, "a.test", DNS_T_TXT,
                  &(struct dns_cache_val){ DNS_NODATA, NULL, 60 }, 0);
    dns_cache_put(c, "b.test", DNS_T_TXT,
                  &(struct dns_cache_val){ DNS_NODATA, NULL, 60 }, 0);
    assert_true(dns_cache_get(c, "a.test", DNS_T_TXT, 1, &st, &got));
    dns_cache_put(c, "c.test", DNS_T_TXT,
                  &(struct dns_cache_val){ DNS_NODATA, NULL, 60 }, 0);
    assert_int_equal(dns_cache_count(c), 2);
    assert_false(dns_cache_get(c, "b.test", DNS_T_TXT, 1, &st, &got));
    assert_true(dns_cache_get(c, "a.test", DNS_T_TXT, 1, &st, &got));
    assert_true(dns_cache_get(c, "c.test", DNS_T_TXT, 1, &st, &got));
    dns_cache_free(c);
    /* many entries through a small table: count stays bounded */
    c = dns_cache_new(100);
    for (unsigned i = 0; i < 1000; i++) {
        struct dns_answer *a = answer1("x", 60);

        (void)snprintf(name, sizeof(name), "n%u.test", i); /* fits */
        dns_cache_put(c, name, DNS_T_A,
                      &(struct dns_cache_val){ DNS_OK, a, 60 }, 0);
        dns_answer_free(a);
    }
    assert_int_equal(dns_cache_count(c), 100);
    assert_true(dns_cache_get(c, "n999.test", DNS_T_A, 1, &st, &got));
    dns_answer_free(got);
    assert_false(dns_cache_get(c, "n899.test", DNS_T_A, 1, &st, &got));
    dns_cache_free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ns_good),
        cmocka_unit_test(test_ns_bad),
        cmocka_unit_test(test_timing),
        cmocka_unit_test(test_ns_apply),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_badname_no_query),
        cmocka_unit_test(test_status_str),
        cmocka_unit_test(test_answer_dup),
        cmocka_unit_test(test_cache_expiry),
        cmocka_unit_test(test_cache_negative),
        cmocka_unit_test(test_cache_lru),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
