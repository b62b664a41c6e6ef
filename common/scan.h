/*
 * scan - a cursor over untrusted bytes that never reads past the end.
 *
 * Every function either consumes what it was asked for and returns 0, or
 * leaves the cursor where it was and returns -1 (the curl strparse
 * pattern), so a parser can try an alternative without backing up by hand.
 *
 * Thread safety: a cursor belongs to one thread; functions are pure.
 */
#ifndef DMARC_COMMON_SCAN_H
#define DMARC_COMMON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "common/str.h"

/* a read position in [p, end) */
struct scan {
    const char *p;   /* next byte to read */
    const char *end; /* one past the last byte */
};

/* scan_char_fn - a character class predicate */
typedef bool scan_class_fn(char c);

/* scan_init - a cursor over s. */
struct scan scan_init(struct str s);

/* scan_eof - true when nothing is left. */
bool scan_eof(const struct scan *sc);

/* scan_left - bytes left. */
size_t scan_left(const struct scan *sc);

/* scan_rest - the unread bytes as a slice (cursor unchanged). */
struct str scan_rest(const struct scan *sc);

/* scan_peek - the next byte, or '\0' at the end. */
char scan_peek(const struct scan *sc);

/* scan_char - consume c if it is next: 0, else -1. */
int scan_char(struct scan *sc, char c) WARN_UNUSED;

/* scan_opt_char - consume c if it is next; true when it was (for an
 * optional separator, where its absence is no error). */
bool scan_opt_char(struct scan *sc, char c);

/* scan_char_case - consume c ignoring ASCII case: 0, else -1. */
int scan_char_case(struct scan *sc, char c) WARN_UNUSED;

/* scan_lit_case - consume the literal lit ignoring ASCII case: 0, else -1. */
int scan_lit_case(struct scan *sc, const char *lit) WARN_UNUSED;

/* scan_span - consume the longest run (maybe empty) of bytes in class into
 * out; returns the number of bytes consumed. */
size_t scan_span(struct scan *sc, scan_class_fn *cls, struct str *out);

/* scan_span1 - like scan_span, but at least one byte: 0, else -1. */
int scan_span1(struct scan *sc, scan_class_fn *cls,
               struct str *out) WARN_UNUSED;

/* scan_until - consume bytes up to (not including) c into out; the cursor
 * stops on c, or at the end when c is absent.  Returns the count. */
size_t scan_until(struct scan *sc, char c, struct str *out);

/* scan_skip_wsp - skip SP and HTAB; returns the count. */
size_t scan_skip_wsp(struct scan *sc);

#endif
