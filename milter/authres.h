/*
 * authres - the one parser of Authentication-Results (RFC 8601).
 *
 * authres_parse() turns the value of one Authentication-Results field into
 * its authserv-id and a list of results (method, version, result word,
 * reason, properties), with every comment, quoted string and bit of
 * folding white space handled wherever the grammar allows it.  Helpers on
 * top pick out what the milter needs: whether the header is trusted, every
 * DKIM result, the SPF result, the ARC result.  The caller decides which
 * headers to trust and what to do with the results.
 *
 * Ownership: authres_parse() returns a struct the caller frees with
 * authres_free(); every string in it is NUL-terminated, owned by the
 * struct and valid until authres_free().
 * Thread safety: all functions are thread-safe (no shared state).
 */
#ifndef DMARC_MILTER_AUTHRES_H
#define DMARC_MILTER_AUTHRES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "common/str.h"
#include "milter/auth_result.h"

/* AUTHRES_MAX_LEN - bytes of one field analysed: AUTHRES_MAX_RESULTS
 * results of 512 bytes each (method, result, a comment, header.d/i/s/b).
 * RFC 5322 §2.1.1 suggests 998-byte lines; real fields are below 2 KiB.
 * A longer field is ignored (AUTHRES_LIMIT), never truncated. */
#define AUTHRES_MAX_LEN 32768

/* AUTHRES_MAX_RESULTS - results (resinfo) in one field: one per DKIM
 * signature plus SPF, DMARC, ARC, iprev...; OpenDMARC allows 16; 64 leaves
 * room for heavily signed mail while bounding the work per header. */
#define AUTHRES_MAX_RESULTS 64

/* AUTHRES_MAX_PROPS - properties in one result (RFC 8601 defines at most
 * five per method; OpenDMARC allows 16). */
#define AUTHRES_MAX_PROPS 16

/* outcome of authres_parse() */
enum authres_status {
    AUTHRES_OK = 0, /* parsed */
    AUTHRES_SYNTAX, /* malformed: ignore the whole field */
    AUTHRES_LIMIT   /* a limit above was exceeded: ignore the field */
};

/* one property: ptype.property=value */
struct authres_prop {
    const char *ptype;    /* lower-case: "smtp", "header", "policy", ...;
                             "" for a bare key=value (leniency) */
    const char *property; /* lower-case: "mailfrom", "d", ... */
    const char *value;    /* unquoted, case kept */
};

/* one result: method[/version]=result [reason=...] props... */
struct authres_result {
    const char *method;      /* lower-case: "dkim", "spf", "arc", ... */
    const char *version;     /* method version digits, or NULL */
    const char *result_word; /* lower-case result word as written */
    enum auth_result result; /* the word as an enum */
    const char *reason;      /* reason value (unquoted), or NULL */
    size_t n_props;          /* properties used in props[] */
    struct authres_prop props[AUTHRES_MAX_PROPS]; /* in field order */
};

/* one parsed Authentication-Results field */
struct authres {
    const char *authserv_id;        /* unquoted, case kept; NULL when the field
                                       has none (it is then never trusted) */
    const char *version;            /* authres-version digits, or NULL */
    bool is_none;                   /* the field said "; none" */
    size_t n_results;               /* results in results[] */
    struct authres_result *results; /* in field order */
    char *arena;                    /* private: storage of every string */
    size_t arena_len;               /* private: bytes used */
    size_t arena_cap;               /* private: bytes allocated (never grows) */
};

/* every DKIM result (method "dkim") of a field */
struct authres_dkim {
    const char *d;           /* header.d, or NULL */
    const char *i;           /* header.i, or NULL */
    const char *s;           /* header.s, or NULL */
    const char *b;           /* header.b (signature prefix), or NULL */
    enum auth_result result; /* the result */
};

/* the SPF result of a field */
struct authres_spf {
    enum auth_result result;     /* the result */
    const char *mailfrom;        /* smtp.mailfrom as written, or NULL */
    const char *mailfrom_domain; /* its domain part (after the last '@';
                                    the whole value when there is none),
                                    or NULL */
    const char *helo;            /* smtp.helo, or NULL */
};

/* the ARC result of a field */
struct authres_arc {
    enum auth_result result; /* the result */
    const char *chain;       /* arc.chain (OpenDMARC's list of sealers), or
                                NULL */
};

/* authres_parse - parse the value of one Authentication-Results field
 * (the text after the colon; folding included).  value is borrowed.  On
 * AUTHRES_OK *out is a new struct the caller frees with authres_free();
 * otherwise *out is NULL and *why names the problem (static text).  A
 * field without an authserv-id ("spf=pass ...", as some Office 365 hops
 * write) parses with authserv_id NULL.  why may be NULL.  Thread-safe. */
enum authres_status authres_parse(struct str value, struct authres **out,
                                  const char **why) WARN_UNUSED;

/* authres_free - release ar; NULL is a no-op. */
void authres_free(struct authres *ar);

/* authres_is_trusted - true when ar has an authserv-id equal, ignoring
 * ASCII case, to one of ids[0..n_ids) (NULL entries are skipped).  Exact
 * match only: "receiver.test" does not trust "receiver.test.evil". */
bool authres_is_trusted(const struct authres *ar, const char *const *ids,
                        size_t n_ids);

/* authres_prop_get - the value of ptype.property (both lower-case) in r,
 * or NULL.  Borrowed from the struct. */
const char *authres_prop_get(const struct authres_result *r, const char *ptype,
                             const char *property);

/* authres_dkim - every "dkim" result of ar, in order, into out[0..max);
 * returns how many there are (may exceed max: only max are written). */
size_t authres_dkim(const struct authres *ar, struct authres_dkim *out,
                    size_t max);

/* authres_spf - the first "spf" result of ar into *out: true, or false
 * (*out zeroed) when there is none. */
bool authres_spf(const struct authres *ar, struct authres_spf *out);

/* authres_arc - the first "arc" result of ar into *out: true, or false
 * (*out zeroed) when there is none. */
bool authres_arc(const struct authres *ar, struct authres_arc *out);

/* authres_domain_part - the domain part of an RFC 8601 pvalue
 * ([[local-part] "@"] domain): the text after the last '@', or all of it.
 * Returns a pointer into value (NULL for NULL). */
const char *authres_domain_part(const char *value);

/* authres_status_name - "ok", "syntax" or "limit".  Static. */
const char *authres_status_name(enum authres_status st);

#endif
