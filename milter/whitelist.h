/*
 * whitelist - the set of trusted ARC sealing domains (DomainWhitelist,
 * DomainWhitelistFile, DomainWhitelistSize of opendmarc.conf(5)).
 *
 * A hash set of normalised domain names (lower-case A-labels, no
 * trailing dot), so matching is case-insensitive and exact: a listed
 * parent does not cover its subdomains, as in OpenDMARC.  Built once at
 * startup or reload from the comma list and the file, merged; read-only
 * afterwards.
 *
 * Capacity: DomainWhitelistSize is the most entries the set takes
 * (OpenDMARC: "the maximum number of entries including domains listed in
 * DomainWhitelist and DomainWhitelistFile").  More distinct entries are a
 * configuration error, reported with file and line: a trusted forwarder
 * silently left out would turn into rejected mail.  0 means no limit
 * other than WHITELIST_MAX_ENTRIES.
 *
 * Thread safety: whitelist_load() and whitelist_add() build a set owned
 * by one thread; whitelist_contains() on a finished set is thread-safe.
 */
#ifndef DMARC_MILTER_WHITELIST_H
#define DMARC_MILTER_WHITELIST_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "common/str.h"

/* WHITELIST_MAX_ENTRIES - hard cap on entries, the largest value of
 * DomainWhitelistSize (dmarcsuite.conf(5)) */
#define WHITELIST_MAX_ENTRIES 10000000
/* WHITELIST_MAX_LINE - longest line of DomainWhitelistFile: a 253-byte
 * name plus a comment; longer lines are an error */
#define WHITELIST_MAX_LINE 1024

/* outcome of whitelist_add() */
enum whitelist_status {
    WHITELIST_OK = 0,  /* added, or already present */
    WHITELIST_INVALID, /* not a domain name */
    WHITELIST_FULL     /* the capacity is reached */
};

struct whitelist;

/* whitelist_new - an empty set that takes at most max entries (0: up to
 * WHITELIST_MAX_ENTRIES).  Caller frees with whitelist_free. */
struct whitelist *whitelist_new(size_t max);

/* whitelist_free - release (NULL is a no-op). */
void whitelist_free(struct whitelist *wl);

/* whitelist_add - add the domain name (borrowed; a trailing dot and any
 * case are accepted; surrounding white space is trimmed).  Returns
 * WHITELIST_OK, or another status with *why (static text).  why may be
 * NULL.  Not thread-safe. */
enum whitelist_status whitelist_add(struct whitelist *wl, struct str name,
                                    const char **why) WARN_UNUSED;

/* whitelist_contains - true when name (any case, trailing dot allowed)
 * is in wl.  False for NULL wl, an empty set or an invalid name.
 * Thread-safe on a set no longer being built. */
bool whitelist_contains(const struct whitelist *wl, struct str name);

/* whitelist_count - distinct entries held (0 for NULL). */
size_t whitelist_count(const struct whitelist *wl);

/* whitelist_load - build a set from list[0..n) (the DomainWhitelist
 * items; borrowed) and, when path is not NULL, the file at path (one
 * domain per line, '#' starts a comment, blank lines ignored), merged,
 * with at most max entries (0: WHITELIST_MAX_ENTRIES).  Every problem is
 * logged once ("DomainWhitelist: ..." or "path:line: ..."); the first
 * problem ends the load.  Returns a new set (caller frees with
 * whitelist_free), or NULL on any error (an unreadable file, an invalid
 * name, an over-long line, more entries than max).  Not thread-safe. */
struct whitelist *whitelist_load(const char *const *list, size_t n,
                                 const char *path, size_t max);

#endif
