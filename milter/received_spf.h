/*
 * received_spf - the Received-SPF header field (RFC 7208 §9.1).
 *
 * Parses the result word, skips the comment and collects the key=value
 * pairs.  Whether the field may be believed is the caller's decision;
 * received_spf_is_usable() encodes the CVE-2019-20790 rule (a HELO result
 * never stands for MAIL FROM, and the envelope-from must be the message's
 * own).
 *
 * Ownership: received_spf_parse() returns a struct the caller frees with
 * received_spf_free(); its strings are NUL-terminated and owned by it.
 * Thread safety: all functions are thread-safe.
 */
#ifndef DMARC_MILTER_RECEIVED_SPF_H
#define DMARC_MILTER_RECEIVED_SPF_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "common/str.h"
#include "milter/auth_result.h"

/* RECEIVED_SPF_MAX_LEN - bytes of one field analysed: a result, a comment
 * of a few hundred bytes and seven key=value pairs fit in 2 KiB; 8 KiB
 * leaves room for long VERP/SRS addresses.  A longer field is ignored. */
#define RECEIVED_SPF_MAX_LEN 8192

/* outcome of received_spf_parse() */
enum received_spf_status {
    RECEIVED_SPF_OK = 0, /* parsed */
    RECEIVED_SPF_SYNTAX, /* malformed: ignore the field */
    RECEIVED_SPF_LIMIT   /* longer than RECEIVED_SPF_MAX_LEN */
};

/* one parsed Received-SPF field; absent keys are NULL */
struct received_spf {
    enum auth_result result;   /* the result word */
    const char *client_ip;     /* client-ip */
    const char *envelope_from; /* envelope-from, unquoted */
    const char *helo;          /* helo */
    const char *identity;      /* identity: "mailfrom", "helo", ... */
    const char *receiver;      /* receiver */
    const char *mechanism;     /* mechanism */
    const char *problem;       /* problem */
    char *arena;               /* private: storage of the strings */
    size_t arena_len;          /* private: bytes used */
    size_t arena_cap;          /* private: bytes allocated */
};

/* received_spf_parse - parse the value of one Received-SPF field (after
 * the colon).  value is borrowed.  On RECEIVED_SPF_OK *out is a new struct
 * the caller frees with received_spf_free(); otherwise *out is NULL and
 * *why is a static reason.  The result must be an SPF word (RFC 7208 §8;
 * the legacy words of auth_result are accepted); unknown keys are ignored;
 * a key given twice is a syntax error (which value counts would be
 * ambiguous).  why may be NULL. */
enum received_spf_status received_spf_parse(struct str value,
                                            struct received_spf **out,
                                            const char **why) WARN_UNUSED;

/* received_spf_free - release r; NULL is a no-op. */
void received_spf_free(struct received_spf *r);

/* received_spf_envelope_domain - the domain of envelope-from (after the
 * last '@', or all of it), or NULL.  Borrowed from r. */
const char *received_spf_envelope_domain(const struct received_spf *r);

/* received_spf_is_usable - true when r may stand for the SPF check of
 * MAIL FROM (CVE-2019-20790): identity is "mailfrom" and the envelope-from
 * domain equals mail_from_domain, both ignoring ASCII case.  False for a
 * NULL or empty mail_from_domain. */
bool received_spf_is_usable(const struct received_spf *r,
                            const char *mail_from_domain);

/* received_spf_status_name - "ok", "syntax" or "limit".  Static. */
const char *received_spf_status_name(enum received_spf_status st);

#endif
