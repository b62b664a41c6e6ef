/*
 * orgdomain - the Organizational Domain of a name, through libpsl.
 *
 * RFC 7489 §3.2: the Organizational Domain is the public suffix of a name
 * plus one label.  The public suffix list is libpsl's built-in list, or a
 * list file (the PublicSuffixList key), loaded once at start-up.  Both
 * sections of the list (ICANN and PRIVATE) are used, as OpenDMARC and
 * Mail::DMARC do, so "alice.blogspot.com" is its own Organizational
 * Domain.  A name that is itself a public suffix has none.
 *
 * Thread safety: orgdomain_new() and orgdomain_free() run before threads
 * start and after they end; orgdomain_lookup() is then thread-safe (libpsl
 * lookups only read the loaded list).
 */
#ifndef DMARC_COMMON_ORGDOMAIN_H
#define DMARC_COMMON_ORGDOMAIN_H

#include <stddef.h>

#include "common/log.h"

/* a loaded public suffix list (opaque) */
struct orgdomain;

/* outcome of orgdomain_lookup() */
enum orgdomain_status {
    ORGDOMAIN_OK = 0,            /* *org is the Organizational Domain */
    ORGDOMAIN_PUBLIC_SUFFIX = 1, /* the name is a public suffix: none */
    ORGDOMAIN_INVALID = 2        /* empty name */
};

/* orgdomain_new - load the list file at path, or use libpsl's built-in
 * list when path is NULL or "".  Logs the source and its rule count at
 * info level.  Returns the context (caller frees with orgdomain_free), or
 * NULL when the file cannot be read (logged with its errno text) or holds
 * no rules (logged). */
struct orgdomain *orgdomain_new(const char *path);

/* orgdomain_free - release a context (NULL is a no-op). */
void orgdomain_free(struct orgdomain *od);

/* orgdomain_lookup - the Organizational Domain of domain, which must be a
 * normalised name (domain_normalize(): lower case, A-labels, no trailing
 * dot).  On ORGDOMAIN_OK *org points into domain (borrowed: valid as long
 * as domain); otherwise *org is NULL.  Thread-safe. */
enum orgdomain_status orgdomain_lookup(const struct orgdomain *od,
                                       const char *domain,
                                       const char **org) WARN_UNUSED;

/* orgdomain_source - "built-in" or the file name; borrowed, valid until
 * orgdomain_free. */
const char *orgdomain_source(const struct orgdomain *od);

/* orgdomain_rule_count - number of rules in the loaded list. */
size_t orgdomain_rule_count(const struct orgdomain *od);

#endif
