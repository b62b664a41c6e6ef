/*
 * dns_msg - read one DNS response for common/dns.
 *
 * Works on the wire format through libresolv's ns_initparse/ns_parserr
 * (which bound every read by the message end) and dn_expand for names in
 * record data.  The CNAME chain is followed from the query name through
 * the answer section whatever the order of the records; only records of
 * the asked type owned by the end of the chain are kept.  An
 * authoritative server includes the target's records only when it serves
 * them too; re-querying the target is the caller's business (dns.c).
 *
 * What it does not do: DNSSEC, or any trust decision: the records are
 * those of the server dns.c asked.
 *
 * STANDARDS: RFC 1035 sections 3.3 (MX, PTR, TXT, CNAME, SOA) and 4.1;
 * RFC 3596 (AAAA); RFC 2181 section 8 (a TTL with the top bit set is 0);
 * RFC 2308 section 5 (negative TTL is min of the SOA TTL and MINIMUM).
 * Thread safety: pure.
 */
#include "common/dns_msg.h"

#include <arpa/inet.h>
#include <resolv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/xalloc.h"

/* DNS_MSG_MAX_TTL - RFC 2181 section 8: TTLs above 2^31 - 1 mean 0 */
#define DNS_MSG_MAX_TTL 0x7fffffffUL

/* rr_ttl - the TTL of rr by RFC 2181 section 8 */
static uint32_t
rr_ttl(const ns_rr *rr)
{
    unsigned long t = ns_rr_ttl(*rr);

    return t > DNS_MSG_MAX_TTL ? 0 : (uint32_t)t;
}

/* name_eq - case-insensitive equality of two uncompressed names, a
 * trailing dot ignored */
static bool
name_eq(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);

    if (la > 0 && a[la - 1] == '.')
        la--;
    if (lb > 0 && b[lb - 1] == '.')
        lb--;
    return la == lb && ascii_ncaseeq(a, b, la);
}

/* expand_name - the domain name at rdata into dst (NS_MAXDNAME bytes);
 * it must end at or before end */
static int
expand_name(ns_msg *h, const unsigned char *rdata, const unsigned char *end,
            char *dst)
{
    int n = dn_expand(ns_msg_base(*h), ns_msg_end(*h), rdata, dst, NS_MAXDNAME);

    if (n < 0 || rdata + n > end)
        return -1;
    return 0;
}

/* follow_chain - move out->target along the CNAMEs of the answer section */
static int
follow_chain(ns_msg *h, struct dns_msg_result *out, const char **why)
{
    int an = ns_msg_count(*h, ns_s_an);
    bool is_moved = true;
    ns_rr rr;

    while (is_moved) {
        is_moved = false;
        for (int i = 0; i < an; i++) {
            if (ns_parserr(h, ns_s_an, i, &rr) != 0) {
                *why = "malformed answer record";
                return -1;
            }
            if (ns_rr_type(rr) != ns_t_cname ||
                !name_eq(ns_rr_name(rr), out->target))
                continue;
            if (out->hops == DNS_MAX_CNAME_HOPS) {
                *why = "CNAME chain too long or a loop";
                return -1;
            }
            if (expand_name(h, ns_rr_rdata(rr),
                            ns_rr_rdata(rr) + ns_rr_rdlen(rr),
                            out->target) != 0) {
                *why = "malformed CNAME target";
                return -1;
            }
            out->hops++;
            if (rr_ttl(&rr) < out->chain_ttl)
                out->chain_ttl = rr_ttl(&rr);
            is_moved = true;
            break;
        }
    }
    return 0;
}

/* txt_concat - the character-strings of a TXT rdata, concatenated */
static int
txt_concat(const ns_rr *rr, struct dns_rr *out)
{
    const unsigned char *p = ns_rr_rdata(*rr);
    const unsigned char *end = p + ns_rr_rdlen(*rr);
    size_t n = 0;

    /* the total is at most rdlen, so one allocation is enough */
    out->text = xmalloc((size_t)ns_rr_rdlen(*rr) + 1);
    while (p < end) {
        size_t l = *p++;

        if (l > (size_t)(end - p))
            return -1;
        memcpy(out->text + n, p, l);
        n += l;
        p += l;
    }
    out->text[n] = '\0';
    out->text_len = n;
    return 0;
}

/* addr_text - A or AAAA rdata of alen bytes into out */
static int
addr_text(const ns_rr *rr, int af, size_t alen, struct dns_rr *out)
{
    char tmp[INET6_ADDRSTRLEN];

    if (ns_rr_rdlen(*rr) != alen)
        return -1;
    memcpy(out->addr, ns_rr_rdata(*rr), alen);
    if (inet_ntop(af, out->addr, tmp, sizeof(tmp)) == NULL)
        return -1;
    out->text = xstrdup(tmp);
    out->text_len = strlen(tmp);
    return 0;
}

/* rr_data - the data of one record of the asked type into out */
static int
rr_data(ns_msg *h, const ns_rr *rr, enum dns_type type, struct dns_rr *out)
{
    const unsigned char *rd = ns_rr_rdata(*rr);
    const unsigned char *end = rd + ns_rr_rdlen(*rr);
    char name[NS_MAXDNAME];

    switch (type) {
    case DNS_T_TXT:
        return txt_concat(rr, out);
    case DNS_T_A:
        return addr_text(rr, AF_INET, 4, out);
    case DNS_T_AAAA:
        return addr_text(rr, AF_INET6, 16, out);
    case DNS_T_MX:
        if (ns_rr_rdlen(*rr) < 3)
            return -1;
        out->pref = (uint16_t)ns_get16(rd);
        rd += 2;
        break;
    case DNS_T_PTR:
        break;
    }
    if (expand_name(h, rd, end, name) != 0)
        return -1;
    out->text_len = strlen(name);
    out->text = xmemdup0(name, out->text_len);
    return 0;
}

/* is_wanted - rr is of the asked type and class, owned by target */
static bool
is_wanted(const ns_rr *rr, enum dns_type type, const char *target)
{
    return ns_rr_type(*rr) == (ns_type)type && ns_rr_class(*rr) == ns_c_in &&
           name_eq(ns_rr_name(*rr), target);
}

/* count_wanted - how many records collect() will keep */
static int
count_wanted(ns_msg *h, enum dns_type type, const char *target, size_t *n,
             const char **why)
{
    int an = ns_msg_count(*h, ns_s_an);
    ns_rr rr;

    *n = 0;
    for (int i = 0; i < an; i++) {
        if (ns_parserr(h, ns_s_an, i, &rr) != 0) {
            *why = "malformed answer record";
            return -1;
        }
        if (is_wanted(&rr, type, target))
            (*n)++;
    }
    if (*n > DNS_MAX_RR) {
        *why = "more records than DNS_MAX_RR";
        return -1;
    }
    return 0;
}

/* collect - the records of type owned by out->target, if any */
static int
collect(ns_msg *h, enum dns_type type, struct dns_msg_result *out,
        const char **why)
{
    int an = ns_msg_count(*h, ns_s_an);
    struct dns_answer *a;
    size_t n;
    ns_rr rr;

    if (count_wanted(h, type, out->target, &n, why) != 0)
        return -1;
    if (n == 0)
        return 0;
    a = xcalloc(1, sizeof(*a));
    a->rr = xcalloc(n, sizeof(a->rr[0]));
    a->ttl = UINT32_MAX;
    out->answer = a;
    for (int i = 0; i < an && a->count < n; i++) {
        if (ns_parserr(h, ns_s_an, i, &rr) != 0) {
            *why = "malformed answer record";
            return -1;
        }
        if (!is_wanted(&rr, type, out->target))
            continue;
        if (rr_data(h, &rr, type, &a->rr[a->count]) != 0) {
            free(a->rr[a->count].text);
            a->rr[a->count].text = NULL;
            *why = "malformed record data";
            return -1;
        }
        a->count++;
        if (rr_ttl(&rr) < a->ttl)
            a->ttl = rr_ttl(&rr);
    }
    return 0;
}

/* negative_ttl - RFC 2308 section 5 from the SOA of the authority section */
static uint32_t
negative_ttl(ns_msg *h)
{
    int ns = ns_msg_count(*h, ns_s_ns);
    ns_rr rr;

    for (int i = 0; i < ns; i++) {
        if (ns_parserr(h, ns_s_ns, i, &rr) != 0)
            break;
        if (ns_rr_type(rr) == ns_t_soa && ns_rr_rdlen(rr) >= 22) {
            /* MINIMUM is the last of the five 32-bit fields */
            uint32_t min =
                (uint32_t)ns_get32(ns_rr_rdata(rr) + ns_rr_rdlen(rr) - 4);
            uint32_t ttl = rr_ttl(&rr);

            if (min > DNS_MSG_MAX_TTL)
                min = 0;
            return ttl < min ? ttl : min;
        }
    }
    return DNS_DEFAULT_NEG_TTL;
}

int
dns_msg_parse(const unsigned char *msg, size_t len, const char *qname,
              enum dns_type type, struct dns_msg_result *out, const char **why)
{
    ns_msg h;

    memset(out, 0, sizeof(*out));
    out->chain_ttl = UINT32_MAX;
    if (strlen(qname) >= sizeof(out->target) || len > DNS_MAX_MSG ||
        ns_initparse(msg, (int)len, &h) != 0) {
        *why = "malformed response";
        return -1;
    }
    memcpy(out->target, qname, strlen(qname) + 1);
    out->rcode = ns_msg_getflag(h, ns_f_rcode);
    out->neg_ttl = negative_ttl(&h);
    if (follow_chain(&h, out, why) != 0 || collect(&h, type, out, why) != 0) {
        dns_answer_free(out->answer);
        out->answer = NULL;
        return -1;
    }
    return 0;
}
