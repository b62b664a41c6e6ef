/*
 * test_dns_msg - the DNS response reader of common/dns fed hand-built
 * wire-format messages: record data of each type, TXT concatenation,
 * CNAME chains in and out of the answer, negative TTLs (RFC 2308), and a
 * malformed-input table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "common/dns.h"
#include "common/dns_msg.h"

/* a message being built */
struct msg {
    unsigned char b[DNS_MAX_MSG]; /* wire bytes */
    size_t len;                   /* bytes used */
    size_t an;                    /* answer records added */
    size_t ns;                    /* authority records added */
};

static struct msg m; /* large: kept off the stack */

/* put8 - one byte */
static void
put8(unsigned v)
{
    assert_true(m.len < sizeof(m.b));
    m.b[m.len++] = (unsigned char)v;
}

/* put16 - 16 bits, network order */
static void
put16(unsigned v)
{
    put8((v >> 8) & 0xff);
    put8(v & 0xff);
}

/* put32 - 32 bits, network order */
static void
put32(uint32_t v)
{
    put16((v >> 16) & 0xffff);
    put16(v & 0xffff);
}

/* put_name - an uncompressed name from dotted text */
static void
put_name(const char *name)
{
    const char *p = name;

    while (*p != '\0') {
        size_t l = strcspn(p, ".");

        put8((unsigned)l);
        for (size_t i = 0; i < l; i++)
            put8((unsigned char)p[i]);
        p += l;
        if (*p == '.')
            p++;
    }
    put8(0);
}

/* begin - header with rcode and the question (name, type) */
static void
begin(int rcode, const char *qname, unsigned type)
{
    memset(&m, 0, sizeof(m));
    put16(0x1234);
    put16(0x8400 | (unsigned)rcode); /* QR, AA */
    put16(1);
    put16(0); /* counts patched by finish() */
    put16(0);
    put16(0);
    put_name(qname);
    put16(type);
    put16(1);
}

/* rr - a record in the answer (is_auth false) or authority section */
static size_t
rr(bool is_auth, const char *owner, unsigned type, uint32_t ttl)
{
    if (is_auth)
        m.ns++;
    else
        m.an++;
    put_name(owner);
    put16(type);
    put16(1);
    put32(ttl);
    put16(0); /* rdlength, patched by rr_end */
    return m.len;
}

/* rr_end - patch the rdlength of the record whose data began at start */
static void
rr_end(size_t start)
{
    size_t n = m.len - start;

    m.b[start - 2] = (unsigned char)(n >> 8);
    m.b[start - 1] = (unsigned char)(n & 0xff);
}

/* finish - patch the section counts */
static void
finish(void)
{
    m.b[6] = (unsigned char)(m.an >> 8);
    m.b[7] = (unsigned char)(m.an & 0xff);
    m.b[8] = (unsigned char)(m.ns >> 8);
    m.b[9] = (unsigned char)(m.ns & 0xff);
}

/* soa - an SOA in the authority section with the given TTL and MINIMUM */
static void
soa(uint32_t ttl, uint32_t minimum)
{
    size_t s = rr(true, "example.test", 6, ttl);

    put_name("ns.example.test");
    put_name("hostmaster.example.test");
    put32(1);
    put32(3600);
    put32(600);
    put32(86400);
    put32(minimum);
    rr_end(s);
}

/* parse - run dns_msg_parse on m */
static int
parse(const char *qname, enum dns_type type, struct dns_msg_result *out,
      const char **why)
{
    finish();
    return dns_msg_parse(m.b, m.len, qname, type, out, why);
}

/* test_txt - character-strings concatenated, NUL bytes kept, min TTL */
static void
test_txt(void **state)
{
    struct dns_msg_result r;
    const char *why = NULL;
    size_t s;

    (void)state;
    begin(0, "example.test", 16);
    s = rr(false, "example.test", 16, 300);
    put8(3);
    put8('a');
    put8(0);
    put8('b');
    put8(0); /* an empty character-string */
    put8(2);
    put8('c');
    put8('d');
    rr_end(s);
    s = rr(false, "Example.TEST", 16, 100);
    put8(1);
    put8('x');
    rr_end(s);
    s = rr(false, "other.test", 16, 5); /* another owner: ignored */
    put8(1);
    put8('y');
    rr_end(s);
    assert_int_equal(parse("example.test", DNS_T_TXT, &r, &why), 0);
    assert_int_equal(r.rcode, 0);
    assert_non_null(r.answer);
    assert_int_equal(r.answer->count, 2);
    assert_int_equal(r.answer->rr[0].text_len, 5);
    assert_memory_equal(r.answer->rr[0].text, "a\0bcd", 6);
    assert_string_equal(r.answer->rr[1].text, "x");
    assert_int_equal(r.answer->ttl, 100);
    assert_int_equal(r.hops, 0);
    dns_answer_free(r.answer);
}

/* test_types - A, AAAA, MX (with a compressed exchange), PTR */
static void
test_types(void **state)
{
    struct dns_msg_result r;
    const char *why = NULL;
    size_t s;

    (void)state;
    begin(0, "h.test", 1);
    s = rr(false, "h.test", 1, 60);
    put32(0xc0000201);
    rr_end(s);
    assert_int_equal(parse("h.test", DNS_T_A, &r, &why), 0);
    assert_string_equal(r.answer->rr[0].text, "192.0.2.1");
    assert_int_equal(r.answer->rr[0].addr[3], 1);
    dns_answer_free(r.answer);

    begin(0, "h.test", 28);
    s = rr(false, "h.test", 28, 60);
    put32(0x20010db8);
    put32(0);
    put32(0);
    put32(1);
    rr_end(s);
    assert_int_equal(parse("h.test", DNS_T_AAAA, &r, &why), 0);
    assert_string_equal(r.answer->rr[0].text, "2001:db8::1");
    dns_answer_free(r.answer);

    begin(0, "h.test", 15);
    s = rr(false, "h.test", 15, 60);
    put16(10);
    put8(2);
    put8('m');
    put8('x');
    put16(0xc00c); /* pointer to the question name */
    rr_end(s);
    assert_int_equal(parse("h.test", DNS_T_MX, &r, &why), 0);
    assert_int_equal(r.answer->rr[0].pref, 10);
    assert_string_equal(r.answer->rr[0].text, "mx.h.test");
    dns_answer_free(r.answer);

    begin(0, "1.2.0.192.in-addr.arpa", 12);
    s = rr(false, "1.2.0.192.in-addr.arpa", 12, 60);
    put_name("www.example.test");
    rr_end(s);
    assert_int_equal(parse("1.2.0.192.in-addr.arpa", DNS_T_PTR, &r, &why), 0);
    assert_string_equal(r.answer->rr[0].text, "www.example.test");
    dns_answer_free(r.answer);
}

/* test_cname - chains inside the answer, and one that leaves it */
static void
test_cname(void **state)
{
    struct dns_msg_result r;
    const char *why = NULL;
    size_t s;

    (void)state;
    begin(0, "a.test", 1);
    s = rr(false, "c.test", 1, 300); /* out of order on purpose */
    put32(0xc0000202);
    rr_end(s);
    s = rr(false, "b.test", 5, 50);
    put_name("c.test");
    rr_end(s);
    s = rr(false, "a.test", 5, 70);
    put_name("b.test");
    rr_end(s);
    assert_int_equal(parse("a.test", DNS_T_A, &r, &why), 0);
    assert_string_equal(r.target, "c.test");
    assert_int_equal(r.hops, 2);
    assert_int_equal(r.chain_ttl, 50);
    assert_string_equal(r.answer->rr[0].text, "192.0.2.2");
    dns_answer_free(r.answer);

    begin(0, "alias.test", 16);
    s = rr(false, "alias.test", 5, 70);
    put_name("target.other");
    rr_end(s);
    assert_int_equal(parse("alias.test", DNS_T_TXT, &r, &why), 0);
    assert_null(r.answer);
    assert_int_equal(r.hops, 1);
    assert_string_equal(r.target, "target.other");

    begin(0, "l1.test", 16);
    s = rr(false, "l1.test", 5, 70);
    put_name("l2.test");
    rr_end(s);
    s = rr(false, "l2.test", 5, 70);
    put_name("l1.test");
    rr_end(s);
    assert_int_equal(parse("l1.test", DNS_T_TXT, &r, &why), -1);
    assert_string_equal(why, "CNAME chain too long or a loop");
}

/* test_negative - RFC 2308 negative TTL: min(SOA TTL, MINIMUM) */
static void
test_negative(void **state)
{
    struct dns_msg_result r;
    const char *why = NULL;

    (void)state;
    begin(3, "x.example.test", 16);
    soa(300, 30);
    assert_int_equal(parse("x.example.test", DNS_T_TXT, &r, &why), 0);
    assert_int_equal(r.rcode, 3);
    assert_null(r.answer);
    assert_int_equal(r.neg_ttl, 30);

    begin(0, "x.example.test", 16);
    soa(10, 3600);
    assert_int_equal(parse("x.example.test", DNS_T_TXT, &r, &why), 0);
    assert_int_equal(r.rcode, 0);
    assert_int_equal(r.neg_ttl, 10);

    begin(3, "x.example.test", 16);
    assert_int_equal(parse("x.example.test", DNS_T_TXT, &r, &why), 0);
    assert_int_equal(r.neg_ttl, DNS_DEFAULT_NEG_TTL);

    begin(2, "x.example.test", 16);
    assert_int_equal(parse("x.example.test", DNS_T_TXT, &r, &why), 0);
    assert_int_equal(r.rcode, 2);
}

/* test_ttl_top_bit - RFC 2181 section 8: a TTL >= 2^31 counts as 0 */
static void
test_ttl_top_bit(void **state)
{
    struct dns_msg_result r;
    const char *why = NULL;
    size_t s;

    (void)state;
    begin(0, "h.test", 1);
    s = rr(false, "h.test", 1, 0x80000000u);
    put32(0x7f000001);
    rr_end(s);
    assert_int_equal(parse("h.test", DNS_T_A, &r, &why), 0);
    assert_int_equal(r.answer->ttl, 0);
    dns_answer_free(r.answer);
}

/* test_too_many - more than DNS_MAX_RR records: refused, not cut */
static void
test_too_many(void **state)
{
    struct dns_msg_result r;
    const char *why = NULL;
    size_t last = 0;

    (void)state;
    begin(0, "h.test", 1);
    for (unsigned i = 0; i <= DNS_MAX_RR; i++) {
        size_t s;

        last = m.len;
        s = rr(false, "h.test", 1, 60);

        put32(0x0a000000u + i);
        rr_end(s);
    }
    assert_int_equal(parse("h.test", DNS_T_A, &r, &why), -1);
    assert_string_equal(why, "more records than DNS_MAX_RR");
    assert_null(r.answer);
    m.an--; /* exactly DNS_MAX_RR: accepted */
    m.len = last;
    assert_int_equal(parse("h.test", DNS_T_A, &r, &why), 0);
    assert_int_equal(r.answer->count, DNS_MAX_RR);
    dns_answer_free(r.answer);
}

/* one malformed record: type, rdata bytes */
struct bad_rr {
    unsigned type;     /* record type */
    const char *rdata; /* its data */
    size_t rdlen;      /* data length */
    const char *why;   /* reason expected */
};

static const struct bad_rr bad_rrs[] = {
    { 1, "\x01\x02\x03", 3, "malformed record data" },
    { 1, "\x01\x02\x03\x04\x05", 5, "malformed record data" },
    { 28, "\x01\x02\x03\x04", 4, "malformed record data" },
    { 16,
      "\x05"
      "abc",
      4, "malformed record data" },
    { 15, "\x00\x0a", 2, "malformed record data" },
    { 15,
      "\x00\x0a\x03"
      "ab",
      5, "malformed record data" },
    { 12,
      "\x03"
      "abc",
      4, "malformed record data" },
    { 12, "\xc0\xff", 2, "malformed record data" },
    { 5,
      "\x03"
      "ab",
      3, "malformed CNAME target" },
};

/* test_malformed - bad record data and broken messages */
static void
test_malformed(void **state)
{
    struct dns_msg_result r;
    const char *why = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(bad_rrs) / sizeof(bad_rrs[0]); i++) {
        const struct bad_rr *c = &bad_rrs[i];
        enum dns_type t = c->type == 5 ? DNS_T_A : (enum dns_type)c->type;
        size_t s;

        begin(0, "h.test", (unsigned)t);
        s = rr(false, "h.test", c->type, 60);
        for (size_t k = 0; k < c->rdlen; k++)
            put8((unsigned char)c->rdata[k]);
        rr_end(s);
        why = NULL;
        assert_int_equal(parse("h.test", t, &r, &why), -1);
        assert_string_equal(why, c->why);
        assert_null(r.answer);
    }
    begin(0, "h.test", 1);
    finish();
    assert_int_equal(dns_msg_parse(m.b, 11, "h.test", DNS_T_A, &r, &why), -1);
    assert_string_equal(why, "malformed response");
    m.an = 3; /* records announced, none there */
    assert_int_equal(parse("h.test", DNS_T_A, &r, &why), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_txt),         cmocka_unit_test(test_types),
        cmocka_unit_test(test_cname),       cmocka_unit_test(test_negative),
        cmocka_unit_test(test_ttl_top_bit), cmocka_unit_test(test_too_many),
        cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
