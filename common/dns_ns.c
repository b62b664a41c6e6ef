/*
 * dns_ns - the Nameservers list of common/dns: parsing, and putting the
 * servers and the timing into a glibc resolver state.
 *
 * The list reads "127.0.0.1:5353, [::1]:53, 192.0.2.1, ::1": items
 * separated by commas and/or white space; IPv4 with an optional ":port";
 * IPv6 in brackets with an optional ":port", or bare without a port.
 * Host names and IPv6 zone ids are not accepted: the resolver cannot
 * resolve its own servers.
 *
 * What it does not do: send anything.  It only fills a res_state.
 *
 * STANDARDS: RFC 3986 section 3.2.2 (brackets around an IPv6 literal
 * before a port).
 * Thread safety: pure functions, except dns_ns_apply() which writes the
 * one state it is given.
 */
#include "common/dns_ns.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/ascii.h"
#include "common/num.h"
#include "common/scan.h"
#include "common/xalloc.h"

/* DNS_NS_MAX_ADDR - longest address text handed to inet_pton; an IPv6
 * address is at most 45 characters (INET6_ADDRSTRLEN - 1) */
#define DNS_NS_MAX_ADDR 63

/* is_sep - list separator: comma or white space */
static bool
is_sep(char c)
{
    return c == ',' || ascii_is_space(c);
}

/* is_item - any byte of an item */
static bool
is_item(char c)
{
    return !is_sep(c);
}

/* parse_port - a port 1-65535 into *port (host order) */
static int
parse_port(struct str s, uint16_t *port, const char **why)
{
    uint64_t v;
    const char *nwhy;

    if (num_parse_u64(s, 1, 65535, &v, &nwhy) != 0) {
        *why = "bad port (1-65535)";
        return -1;
    }
    *port = (uint16_t)v;
    return 0;
}

/* parse_addr - address text s of family af into *a, port in host order */
static int
parse_addr(struct str s, int af, uint16_t port, union dns_ns_addr *a,
           const char **why)
{
    char tmp[DNS_NS_MAX_ADDR + 1];
    int rc;

    memset(a, 0, sizeof(*a));
    if (s.len == 0 || s.len > DNS_NS_MAX_ADDR) {
        *why = af == AF_INET6 ? "not an IPv6 address" : "not an IP address";
        return -1;
    }
    memcpy(tmp, s.p, s.len);
    tmp[s.len] = '\0';
    if (af == AF_INET6) {
        a->in6.sin6_family = AF_INET6;
        a->in6.sin6_port = htons(port);
        rc = inet_pton(AF_INET6, tmp, &a->in6.sin6_addr);
    } else {
        a->in.sin_family = AF_INET;
        a->in.sin_port = htons(port);
        rc = inet_pton(AF_INET, tmp, &a->in.sin_addr);
    }
    if (rc != 1) {
        *why = af == AF_INET6 ? "not an IPv6 address" : "not an IP address";
        return -1;
    }
    return 0;
}

/* parse_bracketed - "[v6]" or "[v6]:port" */
static int
parse_bracketed(struct str item, union dns_ns_addr *a, const char **why)
{
    struct scan sc = scan_init(str_make(item.p + 1, item.len - 1));
    struct str host;
    uint16_t port = 53;

    (void)scan_until(&sc, ']', &host);
    if (scan_char(&sc, ']') != 0) {
        *why = "missing ']'";
        return -1;
    }
    if (!scan_eof(&sc)) {
        if (scan_char(&sc, ':') != 0) {
            *why = "expected ':port' after ']'";
            return -1;
        }
        if (parse_port(scan_rest(&sc), &port, why) != 0)
            return -1;
    }
    return parse_addr(host, AF_INET6, port, a, why);
}

/* parse_item - one list item into *a */
static int
parse_item(struct str item, union dns_ns_addr *a, const char **why)
{
    size_t colon = str_chr(item, ':');
    uint16_t port = 53;

    if (item.p[0] == '[')
        return parse_bracketed(item, a, why);
    if (colon == item.len)
        return parse_addr(item, AF_INET, port, a, why);
    if (str_chr(str_make(item.p + colon + 1, item.len - colon - 1), ':') !=
        item.len - colon - 1)
        return parse_addr(item, AF_INET6, port, a, why); /* bare IPv6 */
    if (parse_port(str_make(item.p + colon + 1, item.len - colon - 1), &port,
                   why) != 0)
        return -1;
    return parse_addr(str_make(item.p, colon), AF_INET, port, a, why);
}

int
dns_ns_parse(const char *list, struct dns_ns_list *out, const char **why,
             struct str *bad)
{
    struct scan sc = scan_init(str_cstr(list));
    struct str item;

    memset(out, 0, sizeof(*out));
    *bad = str_make(list, 0);
    for (;;) {
        (void)scan_span(&sc, is_sep, NULL);
        if (scan_eof(&sc))
            break;
        (void)scan_span(&sc, is_item, &item);
        if (out->count == DNS_MAX_NAMESERVERS) {
            *why = "too many name servers (at most 3)";
            return -1;
        }
        if (parse_item(item, &out->addr[out->count], why) != 0) {
            *bad = item;
            return -1;
        }
        out->count++;
    }
    if (out->count == 0) {
        *why = "empty name server list";
        return -1;
    }
    return 0;
}

void
dns_ns_timing(unsigned timeout, size_t nscount, int *retrans, int *retry)
{
    size_t n = nscount ? nscount : 1;
    size_t t = timeout ? timeout : DNS_DEFAULT_TIMEOUT;
    size_t rounds = t >= 2 * n ? 2 : 1;
    size_t per = t / (rounds * n);

    *retry = (int)rounds;
    *retrans = (int)(per ? per : 1);
}

void
dns_ns_apply(const struct dns_ns_list *l, struct __res_state *st)
{
    for (size_t i = 0; i < l->count; i++) {
        const union dns_ns_addr *a = &l->addr[i];

        if (a->sa.sa_family == AF_INET) {
            st->nsaddr_list[i] = a->in;
            continue;
        }
        /* glibc (2.26 and later) reads IPv6 servers from _ext.nsaddrs
         * when the nsaddr_list entry has family 0; the pointer is
         * allocation-only and res_nclose() frees it. */
        memset(&st->nsaddr_list[i], 0, sizeof(st->nsaddr_list[i]));
        if (st->_u._ext.nsaddrs[i] == NULL)
            st->_u._ext.nsaddrs[i] = xmalloc(sizeof(struct sockaddr_in6));
        *st->_u._ext.nsaddrs[i] = a->in6;
    }
    st->nscount = (int)l->count;
    /* make res_send rebuild its private copy of the list */
    st->_u._ext.nscount = 0;
}
