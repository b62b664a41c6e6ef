/*
 * ignore - the IgnoreHosts list: client hosts whose mail is not evaluated.
 *
 * Entries are host names, IPv4 or IPv6 addresses and CIDR blocks
 * ("192.0.2.0/24", "2001:db8::/32"), one per line in the IgnoreHosts file,
 * with '#' comments.  A host name matches the connection's host name
 * (case-insensitive); a name written with a leading dot (".example.com")
 * matches every name below it.  Without IgnoreHosts the list holds
 * 127.0.0.1 and ::1 (OpenDMARC 1.4.2 forgets ::1, its issue #286).
 *
 * Thread safety: a list is built before it is published in a snapshot and
 * is read-only afterwards; ignore_match() is then thread-safe.
 */
#ifndef DMARC_MILTER_IGNORE_H
#define DMARC_MILTER_IGNORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "common/log.h"

/* IGNORE_MAX_ENTRIES - a bound on the file, so a wrong path (a mailbox,
 * a log) fails loudly instead of eating memory */
#define IGNORE_MAX_ENTRIES 100000
/* IGNORE_MAX_LINE - longest line of the file: a host name is at most 253
 * bytes (RFC 1035 section 2.3.4), so longer lines are malformed */
#define IGNORE_MAX_LINE 1024

struct ignore;

/* ignore_new - an empty list.  Caller frees with ignore_free. */
struct ignore *ignore_new(void);

/* ignore_new_default - the list used when IgnoreHosts is not set:
 * 127.0.0.1 and ::1.  Caller frees with ignore_free. */
struct ignore *ignore_new_default(void);

/* ignore_load - read the file at path.  Each bad line is logged as
 * "path:line: reason".  Returns a list the caller frees with ignore_free,
 * or NULL when the file cannot be read or has a bad line (logged). */
struct ignore *ignore_load(const char *path);

/* ignore_free - release a list (NULL is a no-op). */
void ignore_free(struct ignore *ig);

/* ignore_add - add one entry (address, CIDR block or host name).
 * Returns 0, or -1 with *why set when the entry is malformed. */
int ignore_add(struct ignore *ig, const char *entry,
               const char **why) WARN_UNUSED;

/* ignore_count - number of entries. */
size_t ignore_count(const struct ignore *ig);

/* ignore_match - true when the client at sa (may be NULL: no address) or
 * named host (may be NULL) is on the list.  An IPv4-mapped IPv6 address
 * is matched as IPv4.  Thread-safe. */
bool ignore_match(const struct ignore *ig, const struct sockaddr *sa,
                  const char *host);

#endif
