/*
 * discovery_dns - the discovery lookup callback over the real resolver.
 *
 * Two adapters from the discovery_txt_fn / discovery_free_fn shapes to
 * dns_query() and dns_answer_free(); nothing else.
 *
 * STANDARDS: RFC 7489 §6.1 (TXT records).
 * Thread safety: as dns_query().
 */
#include "common/discovery_dns.h"

#include <stddef.h>

/* resolver_txt - discovery_txt_fn over dns_query() */
static enum dns_status
resolver_txt(void *arg, const char *name, struct dns_answer **out)
{
    return dns_query(arg, name, DNS_T_TXT, out);
}

/* resolver_free - discovery_free_fn over dns_answer_free() */
static void
resolver_free(void *arg, struct dns_answer *a)
{
    (void)arg;
    dns_answer_free(a);
}

struct discovery_dns
discovery_dns_resolver(struct dns_resolver *r)
{
    struct discovery_dns d = { resolver_txt, resolver_free, r };

    return d;
}
