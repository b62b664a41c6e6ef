/*
 * snap - the configuration snapshot and its registry.
 *
 * snap_build() turns a configuration file into an immutable snapshot;
 * snap_publish() swaps it in under snap_lock, the one mutex of this
 * module, which guards snap_current and every snapshot's refs.  Readers
 * take a reference per connection, so a reload never pulls state from
 * under a message in flight, and no lock is taken per message.
 *
 * STANDARDS: opendmarc.conf(5) for the meaning of the keys read here.
 *
 * Ownership and threads: a snapshot owns everything it points to.
 */
#include "milter/snap.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ascii.h"
#include "common/destverify_dns.h"
#include "common/orgdomain.h"
#include "common/xalloc.h"
#include "history/hist_write.h"
#include "milter/ignore.h"
#include "milter/spf.h"
#include "milter/whitelist.h"
#include "reporter/afrf.h"

/* guards snap_current and the refs of every snapshot */
static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
/* the published snapshot (holds one reference); under snap_lock */
static struct snap *snap_current;

/* snap_free - release a snapshot and everything it owns */
static void
snap_free(struct snap *s)
{
    for (size_t i = 0; i < s->n_trusted; i++)
        free(s->trusted[i]);
    for (size_t i = 0; i < s->n_ignore_from; i++)
        free(s->ignore_from[i]);
    free(s->trusted);
    free(s->ignore_from);
    afrf_free(s->afrf); /* lets queued reports go out first */
    if (s->afrf_dns != NULL)
        destverify_dns_release(s->afrf_dns);
    free(s->afrf_dns);
    hist_writer_free(s->hist);
    (void)pthread_mutex_destroy(&s->hist_lock); /* unused by now */
    orgdomain_free(s->psl);
    whitelist_free(s->arc_wl);
    spf_free(s->spf);
    dns_free(s->dns);
    ignore_free(s->ignore);
    cfg_free(s->cfg);
    free(s->authserv_id);
    free(s->hostname);
    free(s);
}

/* expand - a copy of v with "HOSTNAME" replaced by the host name */
static char *
expand(const struct snap *s, const char *v)
{
    return xstrdup(strcmp(v, "HOSTNAME") == 0 ? s->hostname : v);
}

/* copy_list - an owned, HOSTNAME-expanded copy of list key k */
static char **
copy_list(const struct snap *s, enum cfg_key k, size_t *n)
{
    const char *const *items = cfg_list(s->cfg, k, n);
    char **out = xcalloc(*n + 1, sizeof(char *));

    for (size_t i = 0; i < *n; i++)
        out[i] = expand(s, items[i]);
    return out;
}

/* load_cfg - the file plus the command-line overrides; 0 or -1 */
static int
load_cfg(struct snap *s, const char *path, const struct snap_overrides *ov)
{
    const char *why = NULL;

    if (path != NULL && cfg_load(s->cfg, path) != 0)
        return -1;
    for (size_t i = 0; ov != NULL && i < ov->n; i++) {
        if (cfg_set(s->cfg, ov->key[i], ov->value[i], &why) != 0) {
            log_err("%s: %s", cfg_name(ov->key[i]), why);
            return -1;
        }
    }
    return 0;
}

/* build_afrf - the failure reporter, when FailureReports is on; 0 or -1 */
static int
build_afrf(struct snap *s)
{
    struct afrf_env env;

    if (!cfg_bool(s->cfg, CFG_FAILUREREPORTS))
        return 0;
    s->afrf_dns = xcalloc(1, sizeof(*s->afrf_dns));
    destverify_dns_init(s->afrf_dns, s->dns, s->psl);
    memset(&env, 0, sizeof(env));
    env.cfg = s->cfg;
    env.hostname = s->hostname;
    env.verify = destverify_dns_ops(s->afrf_dns);
    s->afrf = afrf_new(&env);
    s->body_max = afrf_body_max(s->afrf);
    return s->afrf != NULL ? 0 : -1;
}

/* build_whitelist - DomainWhitelist and DomainWhitelistFile merged, at
 * most DomainWhitelistSize entries (whitelist.h); 0, or -1 (logged) */
static int
build_whitelist(struct snap *s)
{
    size_t n = 0;
    const char *const *list = cfg_list(s->cfg, CFG_DOMAINWHITELIST, &n);

    s->arc_wl =
        whitelist_load(list, n, cfg_str(s->cfg, CFG_DOMAINWHITELISTFILE),
                       (size_t)cfg_uint(s->cfg, CFG_DOMAINWHITELISTSIZE));
    if (s->arc_wl == NULL)
        return -1;
    if (whitelist_count(s->arc_wl) > 0)
        log_info("ARC: %zu trusted sealing domains",
                 whitelist_count(s->arc_wl));
    return 0;
}

/* build_derived - resolver, SPF checker, IgnoreHosts; 0 or -1 */
static int
build_derived(struct snap *s)
{
    struct dns_options opt;
    const char *why = NULL;
    const char *ih = cfg_str(s->cfg, CFG_IGNOREHOSTS);

    memset(&opt, 0, sizeof(opt));
    opt.nameservers = cfg_str(s->cfg, CFG_NAMESERVERS);
    opt.timeout = (unsigned)cfg_uint(s->cfg, CFG_DNSTIMEOUT);
    opt.cache_max = (size_t)cfg_uint(s->cfg, CFG_DNSCACHESIZE);
    s->dns = dns_new(&opt, &why);
    if (s->dns == NULL) {
        log_err("Nameservers: %s", why);
        return -1;
    }
    if (cfg_bool(s->cfg, CFG_SPFSELFVALIDATE)) {
        s->spf = spf_new(s->dns, 4 * opt.timeout);
        if (s->spf == NULL)
            return -1;
    }
    s->ignore = ih != NULL ? ignore_load(ih) : ignore_new_default();
    if (s->ignore == NULL)
        return -1;
    s->psl = orgdomain_new(cfg_str(s->cfg, CFG_PUBLICSUFFIXLIST));
    if (s->psl == NULL)
        return -1;
    if (cfg_str(s->cfg, CFG_HISTORYFILE) != NULL)
        s->hist = hist_writer_new(cfg_str(s->cfg, CFG_HISTORYFILE));
    if (build_whitelist(s) != 0)
        return -1;
    return build_afrf(s);
}

struct snap *
snap_build(const char *path, const struct snap_overrides *ov)
{
    struct snap *s = xcalloc(1, sizeof(*s));
    char host[HOST_NAME_MAX + 1];
    const char *id;

    s->refs = 1;
    s->cfg = cfg_new();
    (void)pthread_mutex_init(&s->hist_lock, NULL); /* default: no fail */
    if (gethostname(host, sizeof(host)) != 0)
        host[0] = '\0';
    host[sizeof(host) - 1] = '\0';
    s->hostname = xstrdup(host[0] != '\0' ? host : "localhost");
    if (load_cfg(s, path, ov) != 0 || build_derived(s) != 0) {
        snap_free(s);
        return NULL;
    }
    id = cfg_str(s->cfg, CFG_AUTHSERVID);
    s->authserv_id = id != NULL ? expand(s, id) : NULL;
    s->trusted = copy_list(s, CFG_TRUSTEDAUTHSERVIDS, &s->n_trusted);
    s->ignore_from = copy_list(s, CFG_IGNOREMAILFROM, &s->n_ignore_from);
    return s;
}

void
snap_publish(struct snap *s)
{
    struct snap *old;

    (void)pthread_mutex_lock(&snap_lock); /* cannot fail: default mutex */
    old = snap_current;
    snap_current = s;
    (void)pthread_mutex_unlock(&snap_lock);
    snap_put(old);
    if (s != NULL)
        afrf_resume(s->afrf); /* reports a previous run left spooled */
}

struct snap *
snap_get(void)
{
    struct snap *s;

    (void)pthread_mutex_lock(&snap_lock); /* cannot fail: default mutex */
    s = snap_current;
    if (s != NULL)
        s->refs++;
    (void)pthread_mutex_unlock(&snap_lock);
    return s;
}

void
snap_put(struct snap *s)
{
    bool is_last;

    if (s == NULL)
        return;
    (void)pthread_mutex_lock(&snap_lock); /* cannot fail: default mutex */
    if (s->refs == 0)
        log_panic("snap: reference count underflow");
    is_last = --s->refs == 0;
    (void)pthread_mutex_unlock(&snap_lock);
    if (is_last)
        snap_free(s);
}

int
snap_history_append(struct snap *s, const struct buf *rec)
{
    int rc;

    if (s->hist == NULL)
        return 0;
    (void)pthread_mutex_lock(&s->hist_lock); /* cannot fail: default */
    rc = hist_writer_append(s->hist, rec->data, rec->len);
    (void)pthread_mutex_unlock(&s->hist_lock);
    return rc;
}

void
snap_shutdown(void)
{
    snap_publish(NULL);
}

/* list_has - is (p, len) in list (case-insensitive) */
static bool
list_has(char *const *list, size_t n, const char *p, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && ascii_ncaseeq(list[i], p, len))
            return true;
    return false;
}

bool
snap_is_trusted(const struct snap *s, const char *mta_id, const char *id,
                size_t len)
{
    const char *own = s->authserv_id != NULL ? s->authserv_id : mta_id;

    if (cfg_is_set(s->cfg, CFG_TRUSTEDAUTHSERVIDS))
        return list_has(s->trusted, s->n_trusted, id, len);
    return own != NULL && strlen(own) == len && ascii_ncaseeq(own, id, len);
}

bool
snap_ignores_from(const struct snap *s, const char *domain, size_t len)
{
    if (len > 0 && domain[len - 1] == '.')
        len--;
    return list_has(s->ignore_from, s->n_ignore_from, domain, len);
}
