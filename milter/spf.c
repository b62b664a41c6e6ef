/*
 * spf - SPF checks through libspf2 with a DNS layer over common/dns.
 *
 * libspf2 resolves through an SPF_dns_server_t; this module supplies one
 * whose lookup calls dns_query() and translates the answer into libspf2's
 * SPF_dns_rr_t (herrno codes from <netdb.h>: success, HOST_NOT_FOUND,
 * NO_DATA, TRY_AGAIN).  It does not cache: common/dns does.  It does not
 * decide alignment: policy.c does.
 *
 * STANDARDS: RFC 7208 sections 2.3, 2.4 (identities), 2.6 (results), 4.6.4
 * (lookup limits, enforced by libspf2); RFC 7489 section 3.1.2.
 *
 * Ownership and threads: struct spf owns the libspf2 server and the DNS
 * layer; the resolver is borrowed.  Per-check state is on the stack, the
 * deadline in thread-local storage; nothing mutable is shared.
 */
#include "milter/spf.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <spf2/spf.h>
#include <spf2/spf_dns.h>

#include "common/xalloc.h"

/* SPF_DEFAULT_TIMEOUT - seconds for one check when none is given: four
 * resolver timeouts, enough for a record with a few includes */
#define SPF_CHECK_DEFAULT_TIMEOUT 20

struct spf {
    SPF_server_t *server;     /* libspf2 server (owns nothing of ours) */
    SPF_dns_server_t *layer;  /* our DNS layer, freed by us */
    struct dns_resolver *dns; /* borrowed */
    unsigned timeout;         /* seconds per check */
};

/* the deadline of the check running on this thread (0: none) */
static _Thread_local time_t spf_deadline;
/* a lookup of the check running on this thread failed temporarily */
static _Thread_local bool spf_saw_tempfail;

/* map_type - libspf2's query type to ours; -1 for types we never serve
 * (the obsolete SPF RR type 99: answered as "no data") */
static int
map_type(ns_type t)
{
    switch ((int)t) {
    case ns_t_a:
        return DNS_T_A;
    case ns_t_aaaa:
        return DNS_T_AAAA;
    case ns_t_mx:
        return DNS_T_MX;
    case ns_t_txt:
        return DNS_T_TXT;
    case ns_t_ptr:
        return DNS_T_PTR;
    default:
        return -1;
    }
}

/* map_status - our status to libspf2's herrno */
static SPF_dns_stat_t
map_status(enum dns_status st)
{
    switch (st) {
    case DNS_OK:
        return NETDB_SUCCESS;
    case DNS_NXDOMAIN:
    case DNS_BADNAME:
        return HOST_NOT_FOUND;
    case DNS_NODATA:
        return NO_DATA;
    case DNS_TEMPFAIL:
        return TRY_AGAIN;
    }
    return TRY_AGAIN;
}

/* rr_copy - store record i of answer a into libspf2's rr */
static void
rr_copy(SPF_dns_rr_t *rr, int i, const struct dns_rr *src, ns_type t)
{
    size_t len;

    if (t == ns_t_a)
        len = sizeof(struct in_addr);
    else if (t == ns_t_aaaa)
        len = sizeof(struct in6_addr);
    else
        len = src->text_len + 1;
    if (SPF_dns_rr_buf_realloc(rr, i, len) != SPF_E_SUCCESS)
        log_panic("spf: out of memory");
    if (t == ns_t_a || t == ns_t_aaaa) {
        memcpy(rr->rr[i], src->addr, len);
    } else {
        memcpy(rr->rr[i]->txt, src->text, src->text_len);
        rr->rr[i]->txt[src->text_len] = '\0';
    }
}

/* layer_lookup - SPF_dns_lookup_t over dns_query() */
static SPF_dns_rr_t *
layer_lookup(SPF_dns_server_t *layer, const char *domain, ns_type t,
             int should_cache)
{
    struct spf *s = layer->hook;
    struct dns_answer *ans = NULL;
    enum dns_status st = DNS_NODATA;
    int type = map_type(t);
    SPF_dns_rr_t *rr;

    (void)should_cache; /* common/dns caches every answer within its TTL */
    if (spf_deadline != 0 && time(NULL) > spf_deadline)
        st = DNS_TEMPFAIL;
    else if (type >= 0)
        st = dns_query(s->dns, domain, (enum dns_type)type, &ans);
    if (st == DNS_TEMPFAIL)
        spf_saw_tempfail = true;
    rr = SPF_dns_rr_new_init(layer, domain, t, ans != NULL ? (int)ans->ttl : 0,
                             map_status(st));
    if (rr == NULL)
        log_panic("spf: out of memory");
    for (size_t i = 0; ans != NULL && i < ans->count && i < INT32_MAX; i++) {
        rr_copy(rr, (int)i, &ans->rr[i], t);
        rr->num_rr = (int)i + 1;
    }
    dns_answer_free(ans);
    return rr;
}

struct spf *
spf_new(struct dns_resolver *dns, unsigned timeout)
{
    struct spf *s = xcalloc(1, sizeof(*s));

    s->dns = dns;
    s->timeout = timeout != 0 ? timeout : SPF_CHECK_DEFAULT_TIMEOUT;
    s->layer = xcalloc(1, sizeof(*s->layer));
    s->layer->destroy = NULL; /* owned and freed here, not by libspf2 */
    s->layer->lookup = layer_lookup;
    s->layer->name = "dmarcsuite";
    s->layer->hook = s;
    s->server = SPF_server_new_dns(s->layer, 0);
    if (s->server == NULL) {
        log_err("spf: libspf2 server creation failed");
        spf_free(s);
        return NULL;
    }
    return s;
}

void
spf_free(struct spf *s)
{
    if (s == NULL)
        return;
    if (s->server != NULL)
        SPF_server_free(s->server);
    free(s->layer);
    free(s);
}

/* map_result - libspf2's result to ours */
static enum spf_res
map_result(SPF_result_t r)
{
    switch (r) {
    case SPF_RESULT_PASS:
        return SPF_RES_PASS;
    case SPF_RESULT_FAIL:
        return SPF_RES_FAIL;
    case SPF_RESULT_SOFTFAIL:
        return SPF_RES_SOFTFAIL;
    case SPF_RESULT_NEUTRAL:
        return SPF_RES_NEUTRAL;
    case SPF_RESULT_NONE:
        return SPF_RES_NONE;
    case SPF_RESULT_TEMPERROR:
        return SPF_RES_TEMPERROR;
    case SPF_RESULT_PERMERROR:
    case SPF_RESULT_INVALID:
        return SPF_RES_PERMERROR;
    }
    return SPF_RES_PERMERROR;
}

/* set_client - the client address of the request; 0 or -1 */
static int
set_client(SPF_request_t *req, const struct sockaddr *client)
{
    if (client == NULL)
        return -1;
    if (client->sa_family == AF_INET)
        return SPF_request_set_ipv4(
                   req, ((const struct sockaddr_in *)client)->sin_addr) ==
                       SPF_E_SUCCESS
                   ? 0
                   : -1;
    if (client->sa_family == AF_INET6)
        return SPF_request_set_ipv6(
                   req, ((const struct sockaddr_in6 *)client)->sin6_addr) ==
                       SPF_E_SUCCESS
                   ? 0
                   : -1;
    return -1;
}

enum spf_res
spf_check(struct spf *s, const struct sockaddr *client, const char *helo,
          const char *sender)
{
    SPF_request_t *req = SPF_request_new(s->server);
    SPF_response_t *resp = NULL;
    enum spf_res res = SPF_RES_NONE;

    if (req == NULL)
        log_panic("spf: out of memory");
    if (set_client(req, client) != 0)
        goto out;
    if (helo != NULL && helo[0] != '\0' &&
        SPF_request_set_helo_dom(req, helo) != SPF_E_SUCCESS)
        goto out;
    if (sender[0] != '\0' && SPF_request_set_env_from(req, sender) != 0)
        goto out;
    if (sender[0] == '\0' && (helo == NULL || helo[0] == '\0'))
        goto out;
    spf_deadline = time(NULL) + (time_t)s->timeout;
    spf_saw_tempfail = false;
    (void)SPF_request_query_mailfrom(req, &resp); /* result is in resp */
    spf_deadline = 0;
    if (resp != NULL)
        res = map_result(SPF_response_result(resp));
    /* RFC 7208 sections 4.4, 5: a DNS error or timeout ends the check
     * with temperror; libspf2 1.2.10 reports permerror for a failed
     * record lookup and ignores failed mechanism lookups */
    if (spf_saw_tempfail)
        res = SPF_RES_TEMPERROR;
out:
    if (resp != NULL)
        SPF_response_free(resp);
    SPF_request_free(req);
    return res;
}

const char *
spf_res_str(enum spf_res r)
{
    static const char *const names[] = {
        [SPF_RES_NONE] = "none",           [SPF_RES_NEUTRAL] = "neutral",
        [SPF_RES_PASS] = "pass",           [SPF_RES_FAIL] = "fail",
        [SPF_RES_SOFTFAIL] = "softfail",   [SPF_RES_TEMPERROR] = "temperror",
        [SPF_RES_PERMERROR] = "permerror",
    };
    return names[r];
}
