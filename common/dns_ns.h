/*
 * dns_ns - the Nameservers list of common/dns: parsing, and putting the
 * servers and the timing into a glibc resolver state.
 *
 * Internal to the dns module (dns.c and the unit tests include it).
 *
 * Thread safety: dns_ns_parse() and dns_ns_timing() are pure; dns_ns_apply()
 * changes only the state it is given, which belongs to one thread.
 */
#ifndef DMARC_COMMON_DNS_NS_H
#define DMARC_COMMON_DNS_NS_H

#include <netinet/in.h>
#include <resolv.h>
#include <stddef.h>

#include "common/dns.h"
#include "common/log.h"
#include "common/str.h"

/* one name server address */
union dns_ns_addr {
    struct sockaddr sa;      /* sa_family tells which member is set */
    struct sockaddr_in in;   /* AF_INET, port in network order */
    struct sockaddr_in6 in6; /* AF_INET6, port in network order */
};

/* a parsed Nameservers list */
struct dns_ns_list {
    size_t count;                                /* servers in addr */
    union dns_ns_addr addr[DNS_MAX_NAMESERVERS]; /* in the given order */
};

/* dns_ns_parse - parse list (see dns_nameservers_check() in dns.h) into
 * *out.  Returns 0, or -1 with *why a static reason and *bad the item
 * that failed (empty when the list as a whole is wrong). */
int dns_ns_parse(const char *list, struct dns_ns_list *out, const char **why,
                 struct str *bad) WARN_UNUSED;

/* dns_ns_timing - glibc's retrans (seconds per try of the first server)
 * and retry (rounds over all servers) so that one lookup over nscount
 * servers waits about timeout seconds in all.  glibc waits retrans for
 * the first server and (retrans << i) / nscount for server i, so a round
 * lasts about nscount * retrans; two rounds when timeout allows, to
 * survive one lost UDP datagram. */
void dns_ns_timing(unsigned timeout, size_t nscount, int *retrans, int *retry);

/* dns_ns_apply - make st (initialised by res_ninit) use the servers of l.
 * IPv4 servers go into nsaddr_list; IPv6 ones into the extension glibc
 * keeps for them (_u._ext.nsaddrs, which glibc frees in res_nclose).
 * Call only on a state whose sockets are closed (fresh from res_ninit). */
void dns_ns_apply(const struct dns_ns_list *l, struct __res_state *st);

#endif
