/*
 * dns - DNS lookups through the system resolver, with configurable name
 * servers, a bounded wait and a shared cache.
 *
 * Each thread gets its own glibc resolver state (res_ninit), kept under a
 * pthread key of the resolver and closed by the key's destructor when the
 * thread ends.  A query is built with res_nmkquery and sent with
 * res_nsend, which retries, moves on to the next server and falls back to
 * TCP on a truncated UDP answer; the response is read by dns_msg.c, so
 * the RCODE is seen (res_nquery would hide NXDOMAIN vs NODATA in h_errno).
 * When a response ends in a CNAME chain without the records (an
 * authoritative server adds them only for names it serves), the end of
 * the chain is asked in turn, DNS_MAX_CNAME_HOPS CNAMEs in all.
 *
 * Results: NOERROR with records -> DNS_OK; NOERROR without -> DNS_NODATA;
 * NXDOMAIN -> DNS_NXDOMAIN (RFC 6604: the RCODE is that of the chain's
 * end); SERVFAIL, REFUSED, any other RCODE, no answer in time, a
 * malformed response, a too long CNAME chain or more than DNS_MAX_RR
 * records -> DNS_TEMPFAIL (never cached).  glibc's res_nsend reports
 * SERVFAIL and REFUSED as a failure after trying every server.
 *
 * What it does not do: DNSSEC validation, EDNS0 (large answers come over
 * TCP), search lists (RES_DNSRCH is cleared: names are absolute).
 *
 * Limits: a server that accepts the TCP connection after a truncated UDP
 * answer but never replies is waited for as long as glibc's send_vc does
 * (it applies no timeout of its own to TCP reads).
 *
 * STANDARDS: RFC 1035; RFC 2308 (negative caching); RFC 2181 section 8
 * (TTLs); RFC 6604 (RCODE after CNAMEs); RFC 8552 (underscore labels).
 * Thread safety: dns_query() and dns_queries_sent() are thread-safe;
 * dns_new(), dns_set_clock() and dns_free() run while no other thread
 * uses the resolver.
 */
#include "common/dns.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <resolv.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ascii.h"
#include "common/dns_cache.h"
#include "common/dns_msg.h"
#include "common/dns_ns.h"
#include "common/xalloc.h"

struct dns_resolver {
    struct dns_ns_list ns;   /* the Nameservers option, when has_ns */
    bool has_ns;             /* false: servers of /etc/resolv.conf */
    unsigned timeout;        /* seconds per lookup in all (0: default) */
    struct dns_cache *cache; /* NULL when cache_max is 0 */
    dns_clock_fn *clock;     /* NULL: CLOCK_MONOTONIC */
    pthread_key_t key;       /* each thread's struct dns_thread */
    _Atomic uint64_t sent;   /* queries handed to res_nsend */
};

/* one thread's resolver state and buffers (64 KiB: kept off the stack) */
struct dns_thread {
    struct __res_state res;           /* from res_ninit, our settings */
    unsigned char query[NS_PACKETSZ]; /* the query being sent */
    unsigned char resp[DNS_MAX_MSG];  /* the response */
};

/* thread_free - pthread key destructor: close and free a thread state */
static void
thread_free(void *p)
{
    struct dns_thread *t = p;

    res_nclose(&t->res);
    free(t);
}

/* now_ms - the resolver's clock */
static uint64_t
now_ms(const struct dns_resolver *r)
{
    struct timespec ts;

    if (r->clock != NULL)
        return r->clock();
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        log_panic("dns: clock_gettime(CLOCK_MONOTONIC) failed");
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct dns_resolver *
dns_new(const struct dns_options *opt, const char **why)
{
    struct dns_resolver *r = xcalloc(1, sizeof(*r));
    struct str bad;

    if (opt->nameservers != NULL) {
        if (dns_ns_parse(opt->nameservers, &r->ns, why, &bad) != 0) {
            free(r);
            return NULL;
        }
        r->has_ns = true;
    }
    r->timeout = opt->timeout;
    if (opt->cache_max > 0)
        r->cache = dns_cache_new(opt->cache_max);
    atomic_init(&r->sent, 0);
    if (pthread_key_create(&r->key, thread_free) != 0)
        log_panic("dns: pthread_key_create failed");
    return r;
}

void
dns_free(struct dns_resolver *r)
{
    struct dns_thread *t;

    if (r == NULL)
        return;
    /* the calling thread's state; other threads' went when they ended */
    t = pthread_getspecific(r->key);
    if (t != NULL)
        thread_free(t);
    (void)pthread_key_delete(r->key); /* a key of ours: cannot fail */
    dns_cache_free(r->cache);
    free(r);
}

void
dns_set_clock(struct dns_resolver *r, dns_clock_fn *fn)
{
    r->clock = fn;
}

/* thread_state - this thread's resolver state for r, made on first use */
static struct dns_thread *
thread_state(const struct dns_resolver *r)
{
    struct dns_thread *t = pthread_getspecific(r->key);

    if (t != NULL)
        return t;
    t = xcalloc(1, sizeof(*t));
    if (res_ninit(&t->res) != 0) {
        log_err("dns: res_ninit failed");
        res_nclose(&t->res);
        free(t);
        return NULL;
    }
    t->res.options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
    t->res.options |= RES_RECURSE;
    if (r->has_ns)
        dns_ns_apply(&r->ns, &t->res);
    /* after the servers are known: /etc/resolv.conf may list several */
    dns_ns_timing(r->timeout, (size_t)t->res.nscount, &t->res.retrans,
                  &t->res.retry);
    if (pthread_setspecific(r->key, t) != 0)
        log_panic("dns: pthread_setspecific failed");
    return t;
}

/* send_query - ask name/type; the response length, or -1 */
static int
send_query(struct dns_resolver *r, struct dns_thread *t, const char *name,
           enum dns_type type)
{
    int qlen;
    int n;

    qlen = res_nmkquery(&t->res, ns_o_query, name, ns_c_in, (int)type, NULL, 0,
                        NULL, t->query, (int)sizeof(t->query));
    if (qlen < 0) {
        log_warn("dns: cannot build a query for %s", name);
        return -1;
    }
    atomic_fetch_add(&r->sent, 1);
    n = res_nsend(&t->res, t->query, qlen, t->resp, (int)sizeof(t->resp));
    if (n < 0) {
        char ebuf[128];

        log_info("dns: no usable answer for %s type %d: %s", name, (int)type,
                 log_errstr(errno, ebuf, sizeof(ebuf)));
        return -1;
    }
    if ((size_t)n > sizeof(t->resp)) {
        log_warn("dns: response for %s larger than %d bytes", name,
                 DNS_MAX_MSG);
        return -1;
    }
    return n;
}

/* resolve_state - the outcome of one lookup, carried along a CNAME chain */
struct resolve_state {
    char name[NS_MAXDNAME];    /* the name asked next */
    size_t hops;               /* CNAMEs followed so far */
    uint32_t ttl;              /* smallest TTL met so far */
    struct dns_answer *answer; /* DNS_OK: the records */
};

/* min_u32 - the smaller of a and b */
static uint32_t
min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* step - read one response into s: DNS_OK with s->answer, another
 * status, or *is_again set when s->name (the end of a CNAME chain without
 * the records) must be asked next */
static enum dns_status
step(const unsigned char *resp, size_t len, enum dns_type type,
     struct resolve_state *s, bool *is_again)
{
    struct dns_msg_result m;
    const char *why;

    *is_again = false;
    if (dns_msg_parse(resp, len, s->name, type, &m, &why) != 0) {
        log_warn("dns: %s type %d: %s", s->name, (int)type, why);
        return DNS_TEMPFAIL;
    }
    s->hops += m.hops;
    s->ttl = min_u32(s->ttl, m.chain_ttl);
    if (s->hops > DNS_MAX_CNAME_HOPS) {
        dns_answer_free(m.answer);
        log_warn("dns: %s type %d: CNAME chain too long or a loop", s->name,
                 (int)type);
        return DNS_TEMPFAIL;
    }
    if (m.rcode == ns_r_nxdomain) {
        dns_answer_free(m.answer);
        s->ttl = min_u32(min_u32(s->ttl, m.neg_ttl), DNS_MAX_NEG_TTL);
        return DNS_NXDOMAIN;
    }
    if (m.rcode != ns_r_noerror) {
        dns_answer_free(m.answer);
        return DNS_TEMPFAIL;
    }
    if (m.answer != NULL) {
        s->answer = m.answer;
        s->ttl = min_u32(min_u32(s->ttl, m.answer->ttl), DNS_MAX_TTL);
        s->answer->ttl = s->ttl;
        return DNS_OK;
    }
    if (m.hops == 0) {
        s->ttl = min_u32(min_u32(s->ttl, m.neg_ttl), DNS_MAX_NEG_TTL);
        return DNS_NODATA;
    }
    memcpy(s->name, m.target, sizeof(s->name));
    *is_again = true;
    return DNS_NODATA;
}

/* resolve - ask the servers about name (normalised), following CNAMEs */
static enum dns_status
resolve(struct dns_resolver *r, struct resolve_state *s, enum dns_type type)
{
    struct dns_thread *t = thread_state(r);
    enum dns_status st = DNS_TEMPFAIL;
    bool is_again = true;
    const char *why;

    if (t == NULL)
        return DNS_TEMPFAIL;
    while (is_again) {
        int n;

        if (!dns_name_valid(s->name, &why)) {
            log_warn("dns: cannot follow a CNAME to a bad name: %s", why);
            return DNS_TEMPFAIL;
        }
        n = send_query(r, t, s->name, type);
        if (n < 0)
            return DNS_TEMPFAIL;
        st = step(t->resp, (size_t)n, type, s, &is_again);
    }
    return st;
}

enum dns_status
dns_query(struct dns_resolver *r, const char *name, enum dns_type type,
          struct dns_answer **out)
{
    char key[DNS_MAX_NAME + 1]; /* the cache key: s.name moves on CNAMEs */
    struct resolve_state s;
    enum dns_status st;
    const char *why;
    size_t len;

    assert(r != NULL && name != NULL && out != NULL);
    *out = NULL;
    if (!dns_name_valid(name, &why))
        return DNS_BADNAME;
    memset(&s, 0, sizeof(s));
    len = strlen(name);
    if (name[len - 1] == '.')
        len--;
    memcpy(key, name, len);
    key[len] = '\0';
    ascii_lower_mem(key, len);
    if (r->cache != NULL &&
        dns_cache_get(r->cache, key, type, now_ms(r), &st, out))
        return st;
    memcpy(s.name, key, len + 1);
    s.ttl = UINT32_MAX;
    st = resolve(r, &s, type);
    if (r->cache != NULL)
        dns_cache_put(r->cache, key, type,
                      &(struct dns_cache_val){ st, s.answer, s.ttl },
                      now_ms(r));
    *out = s.answer;
    return st;
}

void
dns_answer_free(struct dns_answer *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->count; i++)
        free(a->rr[i].text);
    free(a->rr);
    free(a);
}

struct dns_answer *
dns_answer_dup(const struct dns_answer *a)
{
    struct dns_answer *c;

    if (a == NULL)
        return NULL;
    c = xcalloc(1, sizeof(*c));
    c->ttl = a->ttl;
    c->count = a->count;
    c->rr = xcalloc(a->count, sizeof(c->rr[0]));
    for (size_t i = 0; i < a->count; i++) {
        c->rr[i] = a->rr[i];
        c->rr[i].text = xmemdup0(a->rr[i].text, a->rr[i].text_len);
    }
    return c;
}

const char *
dns_status_str(enum dns_status st)
{
    switch (st) {
    case DNS_OK:
        return "ok";
    case DNS_NXDOMAIN:
        return "nxdomain";
    case DNS_NODATA:
        return "nodata";
    case DNS_TEMPFAIL:
        return "tempfail";
    case DNS_BADNAME:
        return "badname";
    }
    return "unknown";
}

/* is_name_char - a byte allowed in a query name label (see dns.h) */
static bool
is_name_char(char c)
{
    return ascii_is_alnum(c) || c == '-' || c == '_' || c == '/';
}

bool
dns_name_valid(const char *name, const char **why)
{
    size_t len = strlen(name);
    size_t label = 0;

    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len == 0) {
        *why = "empty name";
        return false;
    }
    if (len > DNS_MAX_NAME) {
        *why = "name longer than 253 bytes";
        return false;
    }
    for (size_t i = 0; i <= len; i++) {
        if (i == len || name[i] == '.') {
            if (label == 0) {
                *why = "empty label";
                return false;
            }
            label = 0;
            continue;
        }
        if (!is_name_char(name[i])) {
            *why = "character not allowed in a name";
            return false;
        }
        if (++label > DNS_MAX_LABEL) {
            *why = "label longer than 63 bytes";
            return false;
        }
    }
    return true;
}

int
dns_nameservers_check(const char *list, const char **why, struct str *bad)
{
    struct dns_ns_list l;

    return dns_ns_parse(list, &l, why, bad);
}

uint64_t
dns_queries_sent(struct dns_resolver *r)
{
    return atomic_load(&r->sent);
}
