/*
 * dmarc_rec - the DMARC policy record parser (one TXT record).
 *
 * The one parser of "v=DMARC1; p=...; ..." records, used by policy
 * discovery and by report destination checks.  Input is the TXT record's
 * character-strings already concatenated (RFC 7489 §6.1).  Three outcomes:
 *   - DMARC_REC_NOT_DMARC: the text does not start with the v=DMARC1 tag;
 *     it is not a DMARC record and discovery discards it (§6.6.3 step 2);
 *   - DMARC_REC_INVALID: a DMARC record that cannot be used (no valid p or
 *     an invalid sp and no valid rua URI: §6.6.3 step 6; or too long):
 *     the caller reports permerror with *why;
 *   - DMARC_REC_OK: usable.  Syntax errors in other tags are discarded in
 *     favour of the defaults (§6.3) and noted in tags_bad / warning.
 *
 * Case: tag names and keyword values are case-insensitive (RFC 5234 §2.3:
 * ABNF quoted strings), the version value "DMARC1" is case-sensitive (%x
 * in RFC 7489 §6.4, %s in RFC 9989).  Keywords must be whole: "p=rej" is
 * invalid.  RFC 9989 tags np, psd and t are parsed and kept; applying np
 * is the caller's business (RFC 7489 ignores it).
 *
 * Thread safety: pure; a struct dmarc_rec belongs to one thread.
 */
#ifndef DMARC_COMMON_DMARC_REC_H
#define DMARC_COMMON_DMARC_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dmarc_uri.h"
#include "common/log.h"
#include "common/str.h"

/* DMARC_REC_MAX_LEN - longest record parsed.  The RFCs set no limit; 4096
 * bytes is many times any record seen in practice and bounds the work an
 * attacker's TXT record can cause.  Longer DMARC records are INVALID. */
#define DMARC_REC_MAX_LEN 4096
/* DMARC_REC_MAX_URIS - URIs kept per rua/ruf tag; RFC 7489 §6.2 lets a
 * receiver limit them as long as it supports at least two.  Further URIs
 * are ignored with a warning. */
#define DMARC_REC_MAX_URIS 32

/* a policy value; the enum values are the tag letters, which the history
 * file writes as ASCII codes */
enum dmarc_rec_policy {
    DMARC_REC_POLICY_UNSET = 0,        /* tag absent (or no record) */
    DMARC_REC_POLICY_NONE = 'n',       /* "none" */
    DMARC_REC_POLICY_QUARANTINE = 'q', /* "quarantine" */
    DMARC_REC_POLICY_REJECT = 'r'      /* "reject" */
};

/* an alignment mode (adkim, aspf); values are the tag letters */
enum dmarc_rec_align {
    DMARC_REC_ALIGN_RELAXED = 'r', /* organizational domains equal */
    DMARC_REC_ALIGN_STRICT = 's'   /* names identical */
};

/* psd (RFC 9989 §4.7); values are the tag letters */
enum dmarc_rec_psd {
    DMARC_REC_PSD_UNKNOWN = 'u', /* default */
    DMARC_REC_PSD_YES = 'y',     /* a public suffix domain */
    DMARC_REC_PSD_NO = 'n'       /* an organizational domain */
};

/* fo bits (RFC 7489 §6.3) */
#define DMARC_REC_FO_0 0x1u /* report when all mechanisms fail */
#define DMARC_REC_FO_1 0x2u /* report when any mechanism fails */
#define DMARC_REC_FO_D 0x4u /* report DKIM failures */
#define DMARC_REC_FO_S 0x8u /* report SPF failures */

/* rf bits (RFC 7489 §6.3, §11: afrf is the only registered format) */
#define DMARC_REC_RF_AFRF 0x1u /* RFC 6591 auth-failure reports */

/* tag bits for tags_seen and tags_bad */
#define DMARC_REC_T_P     0x0001u /* p */
#define DMARC_REC_T_SP    0x0002u /* sp */
#define DMARC_REC_T_NP    0x0004u /* np (RFC 9989) */
#define DMARC_REC_T_ADKIM 0x0008u /* adkim */
#define DMARC_REC_T_ASPF  0x0010u /* aspf */
#define DMARC_REC_T_PCT   0x0020u /* pct */
#define DMARC_REC_T_FO    0x0040u /* fo */
#define DMARC_REC_T_RF    0x0080u /* rf */
#define DMARC_REC_T_RI    0x0100u /* ri */
#define DMARC_REC_T_RUA   0x0200u /* rua */
#define DMARC_REC_T_RUF   0x0400u /* ruf */
#define DMARC_REC_T_PSD   0x0800u /* psd (RFC 9989) */
#define DMARC_REC_T_T     0x1000u /* t (RFC 9989) */
#define DMARC_REC_T_OTHER 0x8000u /* a part with no '=' or a bad tag name */

/* a parsed record; every struct str points into text */
struct dmarc_rec {
    char *text;                 /* owned copy of the record */
    size_t text_len;            /* its length */
    enum dmarc_rec_policy p;    /* p to apply (NONE under step 6) */
    enum dmarc_rec_policy sp;   /* sp to apply: the tag, else p */
    enum dmarc_rec_policy np;   /* np tag, UNSET when absent/invalid */
    bool is_p_by_rua;           /* §6.6.3 step 6: p/sp bad, rua valid,
                                   acting as "v=DMARC1; p=none" */
    bool has_sp;                /* a valid sp tag was published (the
                                   history writes sp 0 otherwise) */
    enum dmarc_rec_align adkim; /* default r */
    enum dmarc_rec_align aspf;  /* default r */
    unsigned pct;               /* 0-100, default 100 */
    unsigned fo;                /* DMARC_REC_FO_*, default FO_0 */
    unsigned rf;                /* DMARC_REC_RF_*, default RF_AFRF */
    uint32_t ri;                /* seconds, default 86400 */
    enum dmarc_rec_psd psd;     /* default u */
    bool is_testing;            /* t=y (RFC 9989); default n */
    struct str rua_raw;         /* rua value as published (trimmed) */
    struct dmarc_uri rua[DMARC_REC_MAX_URIS]; /* valid rua URIs */
    size_t rua_count;                         /* entries of rua */
    struct str ruf_raw; /* ruf value as published (trimmed) */
    struct dmarc_uri ruf[DMARC_REC_MAX_URIS]; /* valid ruf URIs */
    size_t ruf_count;                         /* entries of ruf */
    unsigned tags_seen;                       /* DMARC_REC_T_* present */
    unsigned tags_bad;   /* DMARC_REC_T_* with a syntax error,
                            discarded in favour of the default */
    const char *warning; /* first syntax error (static), or NULL */
};

/* outcome of dmarc_rec_parse() */
enum dmarc_rec_status {
    DMARC_REC_OK = 0,        /* a usable record */
    DMARC_REC_NOT_DMARC = 1, /* does not start with v=DMARC1 */
    DMARC_REC_INVALID = 2    /* a DMARC record that cannot be used */
};

/* dmarc_rec_parse - parse the record text into rec (whose previous
 * contents are not freed: pass a fresh or freed struct).  rec owns a copy
 * of text and must be released with dmarc_rec_free() whatever the result.
 * On DMARC_REC_INVALID rec holds what was parsed (for logging and
 * reports) and *why says what made it unusable; on DMARC_REC_NOT_DMARC
 * *why says why it is not a DMARC record and rec is empty.  Thread-safe. */
enum dmarc_rec_status dmarc_rec_parse(struct str text, struct dmarc_rec *rec,
                                      const char **why) WARN_UNUSED;

/* dmarc_rec_free - release what rec owns and zero it (NULL is a no-op). */
void dmarc_rec_free(struct dmarc_rec *rec);

/* dmarc_rec_is_dmarc - true when text starts with the v=DMARC1 tag (the
 * §6.6.3 step 2 test), without parsing the rest. */
bool dmarc_rec_is_dmarc(struct str text);

/* dmarc_rec_policy_str - "none", "quarantine", "reject" or "unset". */
const char *dmarc_rec_policy_str(enum dmarc_rec_policy p);

/* dmarc_rec_status_str - "ok", "not-dmarc" or "invalid". */
const char *dmarc_rec_status_str(enum dmarc_rec_status st);

#endif
