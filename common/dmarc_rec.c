/*
 * dmarc_rec - the DMARC policy record parser (one TXT record).
 *
 * Parses "v=DMARC1" followed by ';'-separated tag=value pairs.  Tags are
 * dispatched through one table; each handler parses its value or returns
 * -1 so that the value is discarded in favour of the default (RFC 7489
 * §6.3: "Syntax errors in the remainder of the record SHOULD be discarded
 * in favor of default values").  It does not look anything up, does not
 * verify report destinations (§7.1) and does not decide which policy
 * applies to a message (discovery and the milter do).
 *
 * Decisions (each labelled where a leniency):
 *   - v=DMARC1 must be the first tag; "v" is case-insensitive, "DMARC1"
 *     is not.  Leniency: white space before "v" is skipped.
 *   - p may appear anywhere (leniency, as RFC 9989 §4.8 allows; RFC 7489
 *     §6.3 wants it second).
 *   - Leniency: empty parts (";;", a trailing ';') are skipped.
 *   - A tag given twice: the first value is used and the repeat is a
 *     syntax error (the RFCs are silent).
 *   - Unknown tags are ignored (§6.3 MUST) without a warning; a part with
 *     no '=' is a syntax error.
 *   - pct out of 0-100 or not 1-3 digits: 100 (the default, §6.3).
 *   - fo, rf: invalid items are dropped; none left gives the default.
 *   - rua/ruf: malformed URIs are dropped; the raw value is kept whole
 *     for the history file, which writes rua as published.
 *   - np, psd, t (RFC 9989 §4.7): a bad value is discarded like any
 *     other; a bad np never makes the record unusable, because RFC 7489
 *     treats np as an unknown tag.
 *   - §6.6.3 step 6: no valid p, or an invalid sp, with at least one
 *     valid rua URI: the record acts as "v=DMARC1; p=none" (rua and the
 *     other tags kept), is_p_by_rua set.  Without a valid rua: INVALID.
 *
 * STANDARDS: RFC 7489 §6.1, §6.3, §6.4, §6.6.3; RFC 9989 §4.7, §4.8;
 *            RFC 5234 §2.3.
 * Thread safety: pure; allocates only the copy of the text.
 */
#include "common/dmarc_rec.h"

#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/num.h"
#include "common/scan.h"
#include "common/xalloc.h"

/* DEFAULT_RI - aggregate report interval default, RFC 7489 §6.3 */
#define DEFAULT_RI 86400
/* MAX_PCT_DIGITS - pct is 1*3DIGIT (RFC 7489 §6.4) */
#define MAX_PCT_DIGITS 3

/* a tag handler: 0, or -1 with *why when the value is a syntax error */
typedef int tag_fn(struct dmarc_rec *r, struct str v, const char **why);

/* one row of the tag table */
struct tag_def {
    const char *name; /* tag name (matched ignoring case) */
    unsigned bit;     /* DMARC_REC_T_* */
    tag_fn *parse;    /* value parser */
};

/* a keyword and the value it stands for */
struct keyword {
    const char *word; /* whole keyword (matched ignoring case) */
    int value;        /* what it means */
};

static const struct keyword policy_words[] = {
    { "none", DMARC_REC_POLICY_NONE },
    { "quarantine", DMARC_REC_POLICY_QUARANTINE },
    { "reject", DMARC_REC_POLICY_REJECT },
};

static const struct keyword align_words[] = {
    { "r", DMARC_REC_ALIGN_RELAXED },
    { "s", DMARC_REC_ALIGN_STRICT },
};

static const struct keyword fo_words[] = {
    { "0", DMARC_REC_FO_0 },
    { "1", DMARC_REC_FO_1 },
    { "d", DMARC_REC_FO_D },
    { "s", DMARC_REC_FO_S },
};

static const struct keyword rf_words[] = {
    { "afrf", DMARC_REC_RF_AFRF },
};

static const struct keyword psd_words[] = {
    { "y", DMARC_REC_PSD_YES },
    { "n", DMARC_REC_PSD_NO },
    { "u", DMARC_REC_PSD_UNKNOWN },
};

static const struct keyword yn_words[] = {
    { "y", 1 },
    { "n", 0 },
};

#define NWORDS(t) (sizeof(t) / sizeof((t)[0]))

/* trim_wsp - s without leading and trailing SP and HTAB (RFC 5234 WSP) */
static struct str
trim_wsp(struct str s)
{
    while (s.len > 0 && ascii_is_wsp(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len > 0 && ascii_is_wsp(s.p[s.len - 1]))
        s.len--;
    return s;
}

/* match_word - the value of the keyword v equals (whole, any case) */
static int
match_word(struct str v, const struct keyword *words, size_t n, int *out)
{
    for (size_t i = 0; i < n; i++) {
        if (str_caseeq_cstr(v, words[i].word)) {
            *out = words[i].value;
            return 0;
        }
    }
    return -1;
}

/* parse_policy - a p/sp/np value into *out */
static int
parse_policy(struct str v, enum dmarc_rec_policy *out, const char **why,
             const char *msg)
{
    int value;

    if (match_word(v, policy_words, NWORDS(policy_words), &value) != 0) {
        *why = msg;
        return -1;
    }
    *out = (enum dmarc_rec_policy)value;
    return 0;
}

/* tag_p - p=none|quarantine|reject */
static int
tag_p(struct dmarc_rec *r, struct str v, const char **why)
{
    return parse_policy(v, &r->p, why, "p: not none, quarantine or reject");
}

/* tag_sp - sp, like p */
static int
tag_sp(struct dmarc_rec *r, struct str v, const char **why)
{
    if (parse_policy(v, &r->sp, why, "sp: not none, quarantine or reject") != 0)
        return -1;
    r->has_sp = true;
    return 0;
}

/* tag_np - np (RFC 9989), like p */
static int
tag_np(struct dmarc_rec *r, struct str v, const char **why)
{
    return parse_policy(v, &r->np, why, "np: not none, quarantine or reject");
}

/* parse_align - r|s into *out */
static int
parse_align(struct str v, enum dmarc_rec_align *out, const char **why,
            const char *msg)
{
    int value;

    if (match_word(v, align_words, NWORDS(align_words), &value) != 0) {
        *why = msg;
        return -1;
    }
    *out = (enum dmarc_rec_align)value;
    return 0;
}

/* tag_adkim - adkim=r|s */
static int
tag_adkim(struct dmarc_rec *r, struct str v, const char **why)
{
    return parse_align(v, &r->adkim, why, "adkim: not r or s");
}

/* tag_aspf - aspf=r|s */
static int
tag_aspf(struct dmarc_rec *r, struct str v, const char **why)
{
    return parse_align(v, &r->aspf, why, "aspf: not r or s");
}

/* tag_pct - pct=0..100, 1*3DIGIT */
static int
tag_pct(struct dmarc_rec *r, struct str v, const char **why)
{
    uint64_t n;

    if (v.len > MAX_PCT_DIGITS || num_parse_u64(v, 0, 100, &n, NULL) != 0) {
        *why = "pct: not a number from 0 to 100";
        return -1;
    }
    r->pct = (unsigned)n;
    return 0;
}

/* tag_ri - ri=32-bit unsigned seconds */
static int
tag_ri(struct dmarc_rec *r, struct str v, const char **why)
{
    uint64_t n;

    if (num_parse_u64(v, 0, UINT32_MAX, &n, NULL) != 0) {
        *why = "ri: not a 32-bit number";
        return -1;
    }
    r->ri = (uint32_t)n;
    return 0;
}

/* parse_bits - a ':'-separated keyword list into OR-ed bits; invalid
 * items are dropped (-1 with *why); no valid item leaves *out alone */
static int
parse_bits(struct str v, const struct keyword *words, size_t n, unsigned *out,
           const char *msg, const char **why)
{
    struct scan sc = scan_init(v);
    unsigned bits = 0;
    int rc = 0;

    for (;;) {
        struct str item;
        int value;

        (void)scan_until(&sc, ':', &item);
        if (match_word(trim_wsp(item), words, n, &value) == 0) {
            bits |= (unsigned)value;
        } else {
            *why = msg;
            rc = -1;
        }
        if (scan_char(&sc, ':') != 0)
            break;
    }
    if (bits != 0)
        *out = bits;
    return rc;
}

/* tag_fo - fo=0|1|d|s, colon-separated */
static int
tag_fo(struct dmarc_rec *r, struct str v, const char **why)
{
    return parse_bits(v, fo_words, NWORDS(fo_words), &r->fo,
                      "fo: item not 0, 1, d or s", why);
}

/* tag_rf - rf=afrf, colon-separated */
static int
tag_rf(struct dmarc_rec *r, struct str v, const char **why)
{
    return parse_bits(v, rf_words, NWORDS(rf_words), &r->rf,
                      "rf: unknown report format", why);
}

/* parse_uris - a ','-separated DMARC URI list into uris; malformed URIs
 * and those past DMARC_REC_MAX_URIS are dropped (-1 with *why) */
static int
parse_uris(struct str v, struct dmarc_uri *uris, size_t *count,
           const char **why)
{
    struct scan sc = scan_init(v);
    int rc = 0;

    for (;;) {
        struct str item;
        const char *uri_why;

        (void)scan_until(&sc, ',', &item);
        if (*count == DMARC_REC_MAX_URIS) {
            *why = "more URIs than kept (DMARC_REC_MAX_URIS)";
            rc = -1;
        } else if (dmarc_uri_parse(trim_wsp(item), &uris[*count], &uri_why) !=
                   0) {
            *why = "malformed URI dropped";
            rc = -1;
        } else {
            (*count)++;
        }
        if (scan_char(&sc, ',') != 0)
            break;
    }
    return rc;
}

/* tag_rua - rua=URI list */
static int
tag_rua(struct dmarc_rec *r, struct str v, const char **why)
{
    r->rua_raw = v;
    return parse_uris(v, r->rua, &r->rua_count, why);
}

/* tag_ruf - ruf=URI list */
static int
tag_ruf(struct dmarc_rec *r, struct str v, const char **why)
{
    r->ruf_raw = v;
    return parse_uris(v, r->ruf, &r->ruf_count, why);
}

/* tag_psd - psd=y|n|u (RFC 9989) */
static int
tag_psd(struct dmarc_rec *r, struct str v, const char **why)
{
    int value;

    if (match_word(v, psd_words, NWORDS(psd_words), &value) != 0) {
        *why = "psd: not y, n or u";
        return -1;
    }
    r->psd = (enum dmarc_rec_psd)value;
    return 0;
}

/* tag_t - t=y|n (RFC 9989) */
static int
tag_t(struct dmarc_rec *r, struct str v, const char **why)
{
    int value;

    if (match_word(v, yn_words, NWORDS(yn_words), &value) != 0) {
        *why = "t: not y or n";
        return -1;
    }
    r->is_testing = value != 0;
    return 0;
}

/* every tag this parser knows; others are ignored (RFC 7489 §6.3) */
static const struct tag_def tags[] = {
    { "p", DMARC_REC_T_P, tag_p },
    { "sp", DMARC_REC_T_SP, tag_sp },
    { "np", DMARC_REC_T_NP, tag_np },
    { "adkim", DMARC_REC_T_ADKIM, tag_adkim },
    { "aspf", DMARC_REC_T_ASPF, tag_aspf },
    { "pct", DMARC_REC_T_PCT, tag_pct },
    { "fo", DMARC_REC_T_FO, tag_fo },
    { "rf", DMARC_REC_T_RF, tag_rf },
    { "ri", DMARC_REC_T_RI, tag_ri },
    { "rua", DMARC_REC_T_RUA, tag_rua },
    { "ruf", DMARC_REC_T_RUF, tag_ruf },
    { "psd", DMARC_REC_T_PSD, tag_psd },
    { "t", DMARC_REC_T_T, tag_t },
};

/* find_tag - the table row for name, or NULL */
static const struct tag_def *
find_tag(struct str name)
{
    for (size_t i = 0; i < NWORDS(tags); i++) {
        if (str_caseeq_cstr(name, tags[i].name))
            return &tags[i];
    }
    return NULL;
}

/* set_defaults - the RFC 7489 §6.3 defaults */
static void
set_defaults(struct dmarc_rec *r)
{
    memset(r, 0, sizeof(*r));
    r->adkim = DMARC_REC_ALIGN_RELAXED;
    r->aspf = DMARC_REC_ALIGN_RELAXED;
    r->pct = 100;
    r->fo = DMARC_REC_FO_0;
    r->rf = DMARC_REC_RF_AFRF;
    r->ri = DEFAULT_RI;
    r->psd = DMARC_REC_PSD_UNKNOWN;
}

/* note_bad - record a syntax error of the tags in bit */
static void
note_bad(struct dmarc_rec *r, unsigned bit, const char *why)
{
    r->tags_bad |= bit;
    if (r->warning == NULL)
        r->warning = why;
}

/* parse_part - one "tag=value" part (already trimmed, not empty) */
static void
parse_part(struct dmarc_rec *r, struct str part)
{
    size_t eq = str_chr(part, '=');
    const struct tag_def *t;
    const char *why = NULL;

    if (eq == part.len) {
        note_bad(r, DMARC_REC_T_OTHER, "part without '='");
        return;
    }
    t = find_tag(trim_wsp(str_make(part.p, eq)));
    if (t == NULL)
        return;
    if ((r->tags_seen & t->bit) != 0) {
        note_bad(r, t->bit, "tag repeated: first value used");
        return;
    }
    r->tags_seen |= t->bit;
    if (t->parse(r, trim_wsp(str_make(part.p + eq + 1, part.len - eq - 1)),
                 &why) != 0)
        note_bad(r, t->bit, why);
}

/* skip_version - consume "v" *WSP "=" *WSP "DMARC1" *WSP and the ';' or
 * the end after it: 0, or -1 when sc does not start with it */
static int
skip_version(struct scan *sc)
{
    struct scan s = *sc;

    (void)scan_skip_wsp(&s); /* leniency: leading white space */
    if (scan_char_case(&s, 'v') != 0)
        return -1;
    (void)scan_skip_wsp(&s);
    if (scan_char(&s, '=') != 0)
        return -1;
    (void)scan_skip_wsp(&s);
    if (scan_left(&s) < 6 || memcmp(s.p, "DMARC1", 6) != 0)
        return -1;
    s.p += 6;
    (void)scan_skip_wsp(&s);
    if (!scan_eof(&s) && scan_char(&s, ';') != 0)
        return -1;
    *sc = s;
    return 0;
}

bool
dmarc_rec_is_dmarc(struct str text)
{
    struct scan sc = scan_init(text);

    return skip_version(&sc) == 0;
}

/* finish - §6.6.3 step 6 and the sp default: OK or INVALID */
static enum dmarc_rec_status
finish(struct dmarc_rec *r, const char **why)
{
    /* judged by the values, not tags_bad: a valid first p followed by a
     * repeated one is still a valid p */
    bool is_p_bad = r->p == DMARC_REC_POLICY_UNSET;
    bool is_sp_bad = (r->tags_bad & DMARC_REC_T_SP) != 0 && !r->has_sp;

    if (!is_p_bad && !is_sp_bad) {
        if (!r->has_sp)
            r->sp = r->p;
        return DMARC_REC_OK;
    }
    if (r->rua_count > 0) {
        r->p = DMARC_REC_POLICY_NONE;
        r->sp = DMARC_REC_POLICY_NONE;
        r->has_sp = false;
        r->is_p_by_rua = true;
        return DMARC_REC_OK;
    }
    if ((r->tags_seen & DMARC_REC_T_P) == 0)
        *why = "no p tag and no valid rua URI";
    else if (is_p_bad)
        *why = "invalid p and no valid rua URI";
    else
        *why = "invalid sp and no valid rua URI";
    return DMARC_REC_INVALID;
}

enum dmarc_rec_status
dmarc_rec_parse(struct str text, struct dmarc_rec *rec, const char **why)
{
    const char *dummy;
    struct scan sc;

    if (why == NULL)
        why = &dummy;
    set_defaults(rec);
    sc = scan_init(text);
    if (skip_version(&sc) != 0) {
        *why = "does not start with v=DMARC1";
        return DMARC_REC_NOT_DMARC;
    }
    if (text.len > DMARC_REC_MAX_LEN) {
        *why = "record longer than DMARC_REC_MAX_LEN";
        return DMARC_REC_INVALID;
    }
    rec->text = xmemdup0(text.p, text.len);
    rec->text_len = text.len;
    sc = scan_init(str_make(rec->text, rec->text_len));
    if (skip_version(&sc) != 0)
        log_panic("dmarc_rec: copy of the record changed");
    for (;;) {
        struct str part;

        (void)scan_until(&sc, ';', &part);
        part = trim_wsp(part);
        if (part.len > 0)
            parse_part(rec, part);
        if (scan_char(&sc, ';') != 0)
            break;
    }
    return finish(rec, why);
}

void
dmarc_rec_free(struct dmarc_rec *rec)
{
    if (rec == NULL)
        return;
    free(rec->text);
    memset(rec, 0, sizeof(*rec));
}

const char *
dmarc_rec_policy_str(enum dmarc_rec_policy p)
{
    switch (p) {
    case DMARC_REC_POLICY_NONE:
        return "none";
    case DMARC_REC_POLICY_QUARANTINE:
        return "quarantine";
    case DMARC_REC_POLICY_REJECT:
        return "reject";
    case DMARC_REC_POLICY_UNSET:
        break;
    }
    return "unset";
}

const char *
dmarc_rec_status_str(enum dmarc_rec_status st)
{
    switch (st) {
    case DMARC_REC_OK:
        return "ok";
    case DMARC_REC_NOT_DMARC:
        return "not-dmarc";
    case DMARC_REC_INVALID:
        return "invalid";
    }
    return "unknown";
}
