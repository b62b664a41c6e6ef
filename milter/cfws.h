/*
 * cfws - the RFC 5322 lexical pieces shared by the header parsers:
 * folding white space, comments and quoted strings.
 *
 * from_hdr, authres and received_spf all sit on RFC 5322 CFWS; this is the
 * one place that skips it, so a comment is a comment in every header.
 * Comments nest (RFC 5322 §3.2.2); nesting is tracked with a counter, never
 * by recursion, so depth costs no stack.
 *
 * Thread safety: pure functions over the caller's cursor.
 */
#ifndef DMARC_MILTER_CFWS_H
#define DMARC_MILTER_CFWS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "common/scan.h"
#include "common/str.h"

/* cfws_is_fws - SP, HTAB, CR or LF.  Leniency: a CR or LF anywhere counts
 * as folding, whether or not white space follows (milters see folded
 * values with either line ending). */
bool cfws_is_fws(char c);

/* cfws_skip - skip any run of folding white space and comments.  Returns
 * 0 (possibly having consumed nothing), or -1 with the cursor unchanged
 * and *why set ("unterminated comment", "NUL byte in comment") when a
 * comment does not close.  why may be NULL. */
int cfws_skip(struct scan *sc, const char **why) WARN_UNUSED;

/* cfws_quoted - consume a quoted-string starting at the cursor ('"' next).
 * *raw gets the bytes between the quotes, quoted-pairs still escaped.
 * Returns 0, or -1 with the cursor unchanged and *why set when no quote is
 * next, the string does not close, or it holds a NUL byte. */
int cfws_quoted(struct scan *sc, struct str *raw, const char **why) WARN_UNUSED;

/* cfws_unquote - copy raw (as given by cfws_quoted) to dst with every
 * quoted-pair replaced by the byte it quotes; dst must have room for
 * raw.len bytes (no NUL is added).  Returns the bytes written. */
size_t cfws_unquote(struct str raw, char *dst);

#endif
