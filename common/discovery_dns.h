/*
 * discovery_dns - the discovery lookup callback over the real resolver.
 *
 * Kept apart from discovery.c so that programs and tests which do not
 * link the resolver (unit tests, fuzz targets) can use discovery with
 * injected answers.
 *
 * Thread safety: as dns_query(): thread-safe.
 */
#ifndef DMARC_COMMON_DISCOVERY_DNS_H
#define DMARC_COMMON_DISCOVERY_DNS_H

#include "common/discovery.h"
#include "common/dns.h"

/* discovery_dns_resolver - a struct discovery_dns whose lookups go to
 * dns_query(r, name, DNS_T_TXT) and whose answers are released with
 * dns_answer_free().  Keeps a reference to r, which must outlive every
 * discovery_run() that uses the result. */
struct discovery_dns discovery_dns_resolver(struct dns_resolver *r);

#endif
