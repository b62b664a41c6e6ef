/*
 * domain - domain names: normalisation, comparison, subdomain tests.
 *
 * Every domain name the suite compares, stores or looks up first goes
 * through domain_normalize(): the result is the lower-case A-label form
 * without a trailing dot, so that equal names are equal byte strings
 * (RFC 4343 case-insensitivity; RFC 7489 §6.6.1 U-label to A-label).
 *
 * Host names only: labels are letters, digits and '-' (RFC 1123 §2.1),
 * not starting or ending with '-'.  '_' is allowed only when the caller
 * says so (DOMAIN_F_UNDERSCORE), for owner names such as "_dmarc.x" or
 * "_report._dmarc.x" (RFC 8552); a From domain never needs it.
 *
 * Thread safety: all functions are thread-safe (libidn2 is re-entrant).
 */
#ifndef DMARC_COMMON_DOMAIN_H
#define DMARC_COMMON_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "common/str.h"

/* DOMAIN_MAX_LEN - a name in text form without the trailing dot: 255
 * octets on the wire (RFC 1035 §2.3.4) less the length bytes */
#define DOMAIN_MAX_LEN 253
/* DOMAIN_MAX_LABEL - one label (RFC 1035 §2.3.4) */
#define DOMAIN_MAX_LABEL 63
/* DOMAIN_BUF_SIZE - room for a normalised name and its NUL */
#define DOMAIN_BUF_SIZE (DOMAIN_MAX_LEN + 1)
/* DOMAIN_MAX_INPUT - longest input accepted before IDNA conversion: a
 * U-label name needs at most 4 UTF-8 bytes per character of a 253-byte
 * A-label name; anything longer cannot convert to a valid name */
#define DOMAIN_MAX_INPUT 1024

/* flags for domain_normalize() */
#define DOMAIN_F_UNDERSCORE 0x1u /* allow '_' in labels (RFC 8552 names) */

/* outcome of domain_normalize() */
enum domain_status {
    DOMAIN_OK = 0,        /* out holds the normalised name */
    DOMAIN_EMPTY = 1,     /* empty, or only the root "." */
    DOMAIN_TOO_LONG = 2,  /* over DOMAIN_MAX_LEN, or a label over 63 */
    DOMAIN_BAD_LABEL = 3, /* empty label, bad character, '-' at an end,
                             all-numeric top-level label */
    DOMAIN_BAD_IDN = 4    /* U-label that does not convert, or an "xn--"
                             label that is not a valid A-label */
};

/* domain_normalize - check the name in and write its normal form (lower
 * case, A-labels, no trailing dot) to out, which has at least
 * DOMAIN_BUF_SIZE bytes.  U-labels are converted with libidn2 using UTS
 * #46 non-transitional processing on NFC input (IDNA2008 as browsers
 * apply it: "ß" stays "ß", it is not mapped to "ss"); every "xn--" label
 * must decode and encode back to itself.  flags: DOMAIN_F_*.  Returns
 * DOMAIN_OK, or another status with *why (static text) saying what is
 * wrong and out set to "".  Thread-safe. */
enum domain_status domain_normalize(struct str in, unsigned flags, char *out,
                                    const char **why) WARN_UNUSED;

/* domain_eq - true when a and b name the same domain: ASCII case is
 * ignored, as is one trailing dot on either.  Thread-safe. */
bool domain_eq(const char *a, const char *b);

/* domain_is_subdomain - true when child lies strictly below parent
 * ("a.example.com" below "example.com"; not "example.com" itself, not
 * "badexample.com").  Case and a trailing dot are ignored.  Thread-safe. */
bool domain_is_subdomain(const char *child, const char *parent);

/* domain_label_count - the number of labels of a normalised name (0 for
 * ""). */
size_t domain_label_count(const char *name);

/* domain_status_str - a short name for st ("ok", "empty", ...). */
const char *domain_status_str(enum domain_status st);

#endif
