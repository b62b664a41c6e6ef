/*
 * spf - SPF checks (RFC 7208) through libspf2, resolving through
 * common/dns so Nameservers, DNSTimeout and the cache apply to SPF too.
 *
 * The identity is MAIL FROM; when MAIL FROM is null, the HELO identity
 * ("postmaster@<helo>", RFC 7208 section 2.4), which RFC 7489 section
 * 3.1.2 accepts in its place.  Every result is kept distinct (OpenDMARC
 * 1.4.2 folds softfail, neutral and permerror into fail).
 *
 * Known libspf2 behaviour: clients in 127.0.0.0/8 and ::1 always pass
 * (localhost exemption); tests use other addresses.
 *
 * Thread safety: a struct spf is built before threads use it and is then
 * shared; spf_check() is thread-safe (a libspf2 request and response per
 * call; the DNS layer keeps its deadline in thread-local storage).
 */
#ifndef DMARC_MILTER_SPF_H
#define DMARC_MILTER_SPF_H

#include <sys/socket.h>

#include "common/dns.h"
#include "common/log.h"

/* SPF results, RFC 7208 section 2.6 */
enum spf_res {
    SPF_RES_NONE,      /* no record, or no identity to check */
    SPF_RES_NEUTRAL,   /* ?all */
    SPF_RES_PASS,      /* authorized */
    SPF_RES_FAIL,      /* -all */
    SPF_RES_SOFTFAIL,  /* ~all */
    SPF_RES_TEMPERROR, /* DNS failed temporarily */
    SPF_RES_PERMERROR  /* the record could not be interpreted */
};

struct spf;

/* spf_new - an SPF checker resolving through dns (borrowed: must outlive
 * the checker).  timeout bounds one whole check in seconds (0: 20 s):
 * once it has passed, further lookups of that check fail at once as
 * temporary errors.  Returns NULL when libspf2 fails (logged).  Caller
 * frees with spf_free. */
struct spf *spf_new(struct dns_resolver *dns, unsigned timeout);

/* spf_free - release (NULL is a no-op). */
void spf_free(struct spf *s);

/* spf_check - check client (AF_INET or AF_INET6) for sender (the MAIL
 * FROM address without angle brackets; "" for the null sender, which
 * checks the HELO identity helo instead).  Thread-safe. */
enum spf_res spf_check(struct spf *s, const struct sockaddr *client,
                       const char *helo, const char *sender);

/* spf_res_str - the RFC 8601 result word ("pass", "softfail", ...). */
const char *spf_res_str(enum spf_res r);

#endif
