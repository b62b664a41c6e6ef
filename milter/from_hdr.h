/*
 * from_hdr - the RFC 5322 From header: which domains are the authors'.
 *
 * Parses the value of one From field (address-list, including groups and
 * the obsolete forms) and returns the domain of every mailbox, normalised
 * for DMARC (lower case, no trailing dot, IDN U-labels as A-labels).  The
 * caller applies RFC 7489 §6.6.1 and RejectMultiValueFrom: it gets every
 * domain, the number of mailboxes and whether they all share one domain.
 * Several From fields are the caller's business (one call per field).
 *
 * Thread safety: from_parse() is pure and thread-safe (libidn2 is).
 */
#ifndef DMARC_MILTER_FROM_HDR_H
#define DMARC_MILTER_FROM_HDR_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "common/str.h"

/* FROM_MAX_ADDRS - mailboxes per From field.  RFC 5322 sets no limit; real
 * author lists have a handful, and each distinct domain costs the caller a
 * DMARC evaluation (DNS), so more is treated as abuse (CVE-2019-16378). */
#define FROM_MAX_ADDRS 32

/* FROM_MAX_LEN - bytes of a From value analysed.  RFC 5322 §2.1.1 limits a
 * line to 998 bytes; 32 mailboxes with display names and comments fit in a
 * few KiB even when folded, so a longer value is hostile. */
#define FROM_MAX_LEN 16384

/* FROM_MAX_DOMAIN - longest domain name (RFC 1035 §2.3.4, as text). */
#define FROM_MAX_DOMAIN 253

/* FROM_MAX_EWORD - longest RFC 2047 encoded word recognised in a display
 * name.  RFC 2047 §2 says 75; leniency for long encoders, bounded so that
 * failed matches stay linear. */
#define FROM_MAX_EWORD 256

/* outcome of from_parse() */
enum from_status {
    FROM_OK = 0, /* at least one mailbox, every one with a domain */
    FROM_NONE,   /* no mailbox: empty, white space, empty groups only */
    FROM_SYNTAX, /* malformed, or a mailbox without a usable domain */
    FROM_LIMIT   /* FROM_MAX_LEN or FROM_MAX_ADDRS exceeded */
};

/* the author domains of one From field */
struct from_result {
    size_t n_mailboxes;  /* mailboxes seen (duplicates counted) */
    size_t n_domains;    /* distinct domains in domains[] */
    size_t n_groups;     /* groups seen, empty ones included */
    bool is_same_domain; /* n_mailboxes > 0 and every one in one domain */
    char domains[FROM_MAX_ADDRS][FROM_MAX_DOMAIN + 1]; /* distinct domains,
                                 in order of appearance; lower-case
                                 A-labels without a trailing dot */
};

/* from_parse - parse the value of a From field (the text after "From:",
 * folding CRLF or LF included).  value is borrowed; *out is filled (it is
 * zeroed first, so on failure it holds no domain).  Returns FROM_OK, or
 * another status with *why set to a static reason ("no address",
 * "address without a domain", "unterminated comment", ...).  why may be
 * NULL.  Thread-safe. */
enum from_status from_parse(struct str value, struct from_result *out,
                            const char **why) WARN_UNUSED;

/* from_status_name - "ok", "none", "syntax" or "limit".  Static. */
const char *from_status_name(enum from_status st);

#endif
