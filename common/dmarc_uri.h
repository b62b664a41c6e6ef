/*
 * dmarc_uri - one DMARC URI of a rua or ruf tag, with its "!size" limit.
 *
 * RFC 7489 §6.2 and §6.4: a URI (RFC 3986) in which ',' and '!' are
 * percent-encoded, optionally followed by "!" 1*DIGIT [k|m|g|t]; the units
 * are powers of two (k = 2^10 ... t = 2^40) and the size must fit 64 bits.
 * A malformed size makes the whole URI malformed (never "no limit").
 *
 * Thread safety: pure functions.
 */
#ifndef DMARC_COMMON_DMARC_URI_H
#define DMARC_COMMON_DMARC_URI_H

#include <stdbool.h>
#include <stdint.h>

#include "common/log.h"
#include "common/str.h"

/* one DMARC URI; the slices point into the parsed text */
struct dmarc_uri {
    struct str raw;    /* as published, "!size" included */
    struct str scheme; /* "mailto", as published (compare ignoring case) */
    struct str target; /* after "scheme:", before "!": not %-decoded */
    uint64_t max_size; /* "!size" in bytes; 0 when absent or "!0" (no
                          limit: a zero-byte report cannot exist) */
};

/* dmarc_uri_parse - parse s (no surrounding white space) into *u.  Checks
 * the RFC 3986 scheme, that the rest is made of URI characters with valid
 * %-escapes, and the size suffix.  Returns 0, or -1 with *why (static
 * text) and *u unchanged.  Thread-safe. */
int dmarc_uri_parse(struct str s, struct dmarc_uri *u,
                    const char **why) WARN_UNUSED;

/* dmarc_uri_is_mailto - true when the scheme is "mailto" (any case). */
bool dmarc_uri_is_mailto(const struct dmarc_uri *u);

#endif
