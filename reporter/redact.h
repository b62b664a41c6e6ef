/*
 * redact - RFC 6590 redaction of the local parts of addresses in a
 * failure report.
 *
 * A local part is replaced by a token: the first AFRF_REDACT_TOKEN hex
 * digits of HMAC-SHA-256(secret, local part).  The same mailbox always
 * gives the same token under one secret, so a report's recipient can
 * tell reports about one mailbox apart from another without learning
 * it; the domain is kept.  The secret is the caller's (a file, or random
 * bytes drawn at start-up: tokens then change on restart).
 *
 * Thread safety: pure functions (the secret is borrowed, read-only).
 */
#ifndef DMARC_REPORTER_REDACT_H
#define DMARC_REPORTER_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/log.h"

/* REDACT_TOKEN - hex digits of a token: 32 bits tell mailboxes apart in
 * a report stream, and the length matches RFC 9991 Appendix A's example */
#define REDACT_TOKEN 8
/* REDACT_MAX_SECRET - bytes of secret used (longer files are refused) */
#define REDACT_MAX_SECRET 256

/* the key */
struct redact_key {
    unsigned char secret[REDACT_MAX_SECRET]; /* HMAC key */
    size_t len;                              /* bytes used, >= 16 */
};

/* redact_sha256 - SHA-256 (FIPS 180-4) of p[0..len) into out. */
void redact_sha256(const void *p, size_t len, unsigned char out[32]);

/* redact_hmac - HMAC-SHA-256 (RFC 2104) of msg under k into out. */
void redact_hmac(const struct redact_key *k, const void *msg, size_t len,
                 unsigned char out[32]);

/* redact_token - the token of local part p[0..len) into out
 * (REDACT_TOKEN hex digits and NUL). */
void redact_token(const struct redact_key *k, const char *p, size_t len,
                  char out[REDACT_TOKEN + 1]);

/* redact_text - append s to out with the local part of every
 * "local@domain" in it replaced by its token.  A local part is the run
 * of atext and '.' characters (RFC 5322 section 3.2.3) before an '@'
 * that has a domain character after it; a quoted local part is replaced
 * whole, quotes included.  0, or -1 when out's maximum is exceeded. */
int redact_text(const struct redact_key *k, const char *s,
                struct buf *out) WARN_UNUSED;

/* redact_is_address_field - true for header fields whose addresses are
 * redacted in the embedded header (From, To, Cc, Bcc, Reply-To, Sender,
 * Return-Path, Delivered-To, X-Original-To, Received,
 * Disposition-Notification-To, Resent-*), ASCII case-insensitive. */
bool redact_is_address_field(const char *name);

#endif
