/*
 * snap - the configuration snapshot: the parsed configuration plus what
 * is derived from it (IgnoreHosts list, resolver, SPF checker, trusted
 * authserv-ids), immutable once published.
 *
 * A reload (SIGHUP) builds a new snapshot and publishes it; connections
 * hold a reference from xxfi_connect to xxfi_close, so messages in flight
 * keep the snapshot they started with, and the old one is freed when its
 * last connection closes.  One mutex (snap_lock in snap.c) guards the
 * current pointer and the reference counts; it is taken twice per
 * connection, never per message.
 *
 * Thread safety: snap_build() may run on any thread; snap_publish(),
 * snap_get() and snap_put() are thread-safe; a snapshot's fields are
 * read-only after snap_build() returns.
 */
#ifndef DMARC_MILTER_SNAP_H
#define DMARC_MILTER_SNAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/cfg.h"
#include "common/dns.h"
#include "common/log.h"

struct afrf;
struct destverify_dns;
struct hist_writer;
struct ignore;
struct orgdomain;
struct spf;
struct whitelist;

/* SNAP_MAX_OVERRIDES - command-line options that override the file */
#define SNAP_MAX_OVERRIDES 8

/* command-line settings applied over the file at every (re)load */
struct snap_overrides {
    enum cfg_key key[SNAP_MAX_OVERRIDES];  /* keys set on the command line */
    const char *value[SNAP_MAX_OVERRIDES]; /* their values (borrowed) */
    size_t n;                              /* entries used */
};

/* a published configuration */
struct snap {
    struct cfg *cfg;           /* the parsed file (owned) */
    struct ignore *ignore;     /* IgnoreHosts (owned) */
    struct dns_resolver *dns;  /* resolver and cache (owned) */
    struct spf *spf;           /* SPF checker; NULL unless SPFSelfValidate */
    char **trusted;            /* TrustedAuthservIDs, HOSTNAME expanded */
    size_t n_trusted;          /* entries of trusted */
    char **ignore_from;        /* IgnoreMailFrom domains */
    size_t n_ignore_from;      /* entries of ignore_from */
    char *authserv_id;         /* AuthservID expanded; NULL: MTA's {j} */
    char *hostname;            /* gethostname() */
    struct orgdomain *psl;     /* public suffix list (owned) */
    struct whitelist *arc_wl;  /* DomainWhitelist(File): trusted ARC
                                  sealers (owned) */
    struct hist_writer *hist;  /* HistoryFile writer; NULL when unset */
    pthread_mutex_t hist_lock; /* serialises appends through hist */
    struct destverify_dns *afrf_dns; /* ruf checks, used by the failure
                                        report worker only (owned) */
    struct afrf *afrf; /* failure reports; NULL when FailureReports
                          is off (owned) */
    size_t body_max;   /* bytes of body kept per message for failure
                          reports (afrf_body_max); 0: the milter asks
                          the MTA for no body (SMFIP_NOBODY) */
    unsigned refs;     /* references (under snap_lock) */
};

/* snap_build - load path (NULL: defaults only), apply ov, and build the
 * derived objects.  Problems are logged.  Returns a snapshot with one
 * reference (the caller's), or NULL when the configuration is bad. */
struct snap *snap_build(const char *path, const struct snap_overrides *ov);

/* snap_publish - make s (whose reference passes to the registry) the
 * current snapshot; the previous one is released.  Thread-safe. */
void snap_publish(struct snap *s);

/* snap_get - a new reference to the current snapshot (NULL before the
 * first publish).  Release with snap_put.  Thread-safe. */
struct snap *snap_get(void);

/* snap_put - drop a reference; the last one frees (NULL is a no-op).
 * Thread-safe. */
void snap_put(struct snap *s);

/* snap_history_append - append a formatted record through the snapshot's
 * history writer, under its mutex.  Returns 0 (also when HistoryFile is
 * not set), or -1 when the write failed (logged).  Thread-safe. */
int snap_history_append(struct snap *s, const struct buf *rec) WARN_UNUSED;

/* snap_shutdown - drop the registry's reference to the current one. */
void snap_shutdown(void);

/* snap_is_trusted - true when authserv-id id (len bytes) is in
 * TrustedAuthservIDs, or, when that key is not set, equal to our own
 * authserv-id (AuthservID, or mta_id, the MTA's {j}, when AuthservID is not
 * set; mta_id may be NULL).  ASCII case-insensitive.  Thread-safe. */
bool snap_is_trusted(const struct snap *s, const char *mta_id, const char *id,
                     size_t len);

/* snap_ignores_from - true when domain (len bytes) is in IgnoreMailFrom
 * (case-insensitive, exact).  Thread-safe. */
bool snap_ignores_from(const struct snap *s, const char *domain, size_t len);

#endif
