/*
 * afrf_rate - token buckets (GCRA) per reported domain and in total.
 *
 * Each bucket is one theoretical arrival time (tat): a report at now is
 * allowed when max(tat, now) + T - now <= period, T = period / n, and
 * then tat becomes max(tat, now) + T.  This admits a burst of n and then
 * one report every T, in integer microseconds, with no timer.  A domain
 * slot whose tat lies in the past is as good as new and is reused.
 *
 * STANDARDS: RFC 9991 section 2 and 8.1 (rate limits), RFC 7489
 * section 7.3.
 *
 * Thread safety: the table and the total bucket live under rate->lock,
 * the only mutex here; nothing else is shared.
 */
#include "reporter/afrf_rate.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/domain.h"
#include "common/num.h"
#include "common/str.h"
#include "common/xalloc.h"

/* AFRF_RATE_USEC - microseconds a second */
#define AFRF_RATE_USEC 1000000u

/* one bucket of the table */
struct slot {
    char domain[DOMAIN_BUF_SIZE]; /* lower case; "" when never used */
    uint64_t tat;                 /* theoretical arrival time, us */
};

struct afrf_rate {
    pthread_mutex_t lock; /* guards total_tat and slots */
    uint64_t dom_t;       /* per-domain emission interval, us */
    uint64_t dom_period;  /* per-domain period, us */
    bool is_dom_closed;   /* per-domain n is 0 */
    uint64_t tot_t;       /* total emission interval, us */
    uint64_t tot_period;  /* total period, us */
    bool is_tot_closed;   /* total n is 0 */
    uint64_t total_tat;   /* the total bucket */
    struct slot *slots;   /* AFRF_RATE_SLOTS buckets */
};

int
afrf_rate_parse(const char *s, struct afrf_rate_spec *out)
{
    const char *slash = strchr(s, '/');
    size_t len;
    uint64_t n;
    uint64_t t;
    uint64_t mult = 1;
    const char *why;

    if (slash == NULL || num_parse_u64(str_make(s, (size_t)(slash - s)), 0,
                                       UINT32_MAX, &n, &why) < 0)
        return -1;
    s = slash + 1;
    len = strlen(s);
    if (len > 0 && !ascii_is_digit(s[len - 1])) {
        switch (ascii_lower(s[len - 1])) {
        case 's':
            break;
        case 'm':
            mult = 60;
            break;
        case 'h':
            mult = 3600;
            break;
        case 'd':
            mult = 86400;
            break;
        default:
            return -1;
        }
        len--;
    }
    if (num_parse_u64(str_make(s, len), 1, UINT32_MAX, &t, &why) < 0)
        return -1;
    out->n = n;
    out->period_s = t * mult;
    return 0;
}

/* set_spec - emission interval and period in microseconds */
static void
set_spec(struct afrf_rate_spec s, uint64_t *t, uint64_t *period, bool *closed)
{
    *period = s.period_s * AFRF_RATE_USEC;
    *closed = s.n == 0;
    *t = s.n == 0 ? *period : *period / s.n;
    if (*t == 0)
        *t = 1;
}

struct afrf_rate *
afrf_rate_new(struct afrf_rate_spec per_domain, struct afrf_rate_spec total)
{
    struct afrf_rate *r = xcalloc(1, sizeof(*r));

    if (pthread_mutex_init(&r->lock, NULL) != 0)
        log_panic("afrf_rate: pthread_mutex_init");
    set_spec(per_domain, &r->dom_t, &r->dom_period, &r->is_dom_closed);
    set_spec(total, &r->tot_t, &r->tot_period, &r->is_tot_closed);
    r->slots = xcalloc(AFRF_RATE_SLOTS, sizeof(*r->slots));
    return r;
}

void
afrf_rate_free(struct afrf_rate *r)
{
    if (r == NULL)
        return;
    (void)pthread_mutex_destroy(&r->lock); /* never locked here */
    free(r->slots);
    free(r);
}

/* gcra_ok - would a bucket at tat admit one more at now? *next gets its
 * new tat */
static bool
gcra_ok(uint64_t tat, uint64_t t, uint64_t period, uint64_t now, uint64_t *next)
{
    uint64_t start = tat > now ? tat : now;

    if (start + t - now > period)
        return false;
    *next = start + t;
    return true;
}

/* hash - FNV-1a of the lower-case key */
static size_t
hash(const char *key)
{
    uint64_t h = 14695981039346656037u;

    for (; *key != '\0'; key++) {
        h ^= (unsigned char)*key;
        h *= 1099511628211u;
    }
    return (size_t)(h % AFRF_RATE_SLOTS);
}

/* find_slot - the domain's slot, else the first reusable one near its
 * hash, else NULL; called under r->lock */
static struct slot *
find_slot(struct afrf_rate *r, const char *key, uint64_t now)
{
    size_t h = hash(key);
    struct slot *free_slot = NULL;

    for (size_t i = 0; i < AFRF_RATE_PROBE; i++) {
        struct slot *s = &r->slots[(h + i) % AFRF_RATE_SLOTS];

        if (s->domain[0] != '\0' && strcmp(s->domain, key) == 0)
            return s;
        if (free_slot == NULL && (s->domain[0] == '\0' || s->tat <= now))
            free_slot = s;
    }
    return free_slot;
}

bool
afrf_rate_take(struct afrf_rate *r, const char *domain, uint64_t now_us,
               const char **why)
{
    char key[DOMAIN_BUF_SIZE];
    struct slot *s;
    uint64_t dom_next = 0;
    uint64_t tot_next = 0;
    bool ok = false;
    size_t i;

    for (i = 0; domain[i] != '\0' && i + 1 < sizeof(key); i++)
        key[i] = ascii_lower(domain[i]);
    key[i] = '\0';
    if (pthread_mutex_lock(&r->lock) != 0)
        log_panic("afrf_rate: pthread_mutex_lock");
    s = find_slot(r, key, now_us);
    if (r->is_tot_closed ||
        !gcra_ok(r->total_tat, r->tot_t, r->tot_period, now_us, &tot_next))
        *why = "total rate limit";
    else if (s == NULL)
        *why = "too many domains being reported";
    else if (r->is_dom_closed ||
             !gcra_ok(strcmp(s->domain, key) == 0 ? s->tat : 0, r->dom_t,
                      r->dom_period, now_us, &dom_next))
        *why = "rate limit of the domain";
    else
        ok = true;
    if (ok) {
        r->total_tat = tot_next;
        memcpy(s->domain, key, i + 1);
        s->tat = dom_next;
    }
    if (pthread_mutex_unlock(&r->lock) != 0)
        log_panic("afrf_rate: pthread_mutex_unlock");
    return ok;
}
