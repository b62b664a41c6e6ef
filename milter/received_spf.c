/*
 * received_spf - Received-SPF parser (RFC 7208 §9.1).
 *
 * result [comment] key=value *(";" key=value) [";"], with CFWS skipped
 * between elements and quoted values unquoted.  Values are not checked
 * against their ABNF (client-ip is not parsed as an address): the caller
 * compares what it needs.  Leniencies: ';' between pairs may be missing
 * (some writers separate with spaces only), unquoted values may hold '=',
 * '@', '<', '>' (VERP and SRS addresses, "receiver=<UNKNOWN>"), which
 * OpenDMARC 1.4.2 broke on (#206, #221).
 *
 * STANDARDS: RFC 7208 §9.1 (the field), §8 (results), §2.4 (identities);
 * RFC 5322 §3.2 (CFWS, quoted strings).  CVE-2019-20790.
 * Thread safety: pure; state on the caller's stack and in the result.
 */
#include "milter/received_spf.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/scan.h"
#include "common/xalloc.h"
#include "milter/cfws.h"

/* parser state */
struct rp {
    struct scan sc;         /* the cursor */
    struct received_spf *r; /* the result being built */
    const char *why;        /* reason for a failure */
};

/* one known key and where its value goes */
struct key_row {
    const char *key; /* lower-case key */
    size_t offset;   /* offsetof the const char * member */
};

static const struct key_row keys[] = {
    { "client-ip", offsetof(struct received_spf, client_ip) },
    { "envelope-from", offsetof(struct received_spf, envelope_from) },
    { "helo", offsetof(struct received_spf, helo) },
    { "identity", offsetof(struct received_spf, identity) },
    { "receiver", offsetof(struct received_spf, receiver) },
    { "mechanism", offsetof(struct received_spf, mechanism) },
    { "problem", offsetof(struct received_spf, problem) },
};

/* is_key - key characters (RFC 7208 name: ALPHA *(ALPHA / DIGIT / "-" /
 * "_" / ".")) */
static bool
is_key(char c)
{
    return ascii_is_alnum(c) || c == '-' || c == '_' || c == '.';
}

/* is_value - an unquoted value byte (leniency: any printable but the
 * delimiters ; ( ) " \ and space) */
static bool
is_value(char c)
{
    if ((unsigned char)c >= 0x80)
        return true;
    return ascii_is_print(c) && c != ' ' && strchr(";()\"\\", c) == NULL;
}

/* value - a token or quoted string into the arena; a quoted local part
 * keeps the "@domain" that follows it (RFC 7208 §9.1 envelope-from) */
static int
value(struct rp *st, const char **out)
{
    struct received_spf *r = st->r;
    char *dst = r->arena + r->arena_len;
    struct str s;
    struct str dom = { NULL, 0 };
    size_t n;

    if (scan_peek(&st->sc) == '"') {
        if (cfws_quoted(&st->sc, &s, &st->why) != 0)
            return -1;
        if (scan_peek(&st->sc) == '@')
            (void)scan_span(&st->sc, is_value, &dom);
        n = cfws_unquote(s, dst);
    } else if (scan_span1(&st->sc, is_value, &s) == 0) {
        memcpy(dst, s.p, s.len);
        n = s.len;
    } else {
        st->why = "value expected";
        return -1;
    }
    /* the two quotes pay for the NUL and the '@' is copied from dom */
    assert(r->arena_len + n + dom.len + 1 <= r->arena_cap);
    if (dom.len > 0)
        memcpy(dst + n, dom.p, dom.len);
    n += dom.len;
    dst[n] = '\0';
    r->arena_len += n + 1;
    *out = dst;
    return 0;
}

/* slot - the member for a known key, or NULL */
static const char **
slot(struct received_spf *r, struct str key)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (str_caseeq_cstr(key, keys[i].key))
            return (const char **)(void *)((char *)r + keys[i].offset);
    }
    return NULL;
}

/* pair - one key=value */
static int
pair(struct rp *st)
{
    const char **dst;
    const char *val;
    struct str key;

    if (scan_span1(&st->sc, is_key, &key) != 0) {
        st->why = "key expected";
        return -1;
    }
    if (cfws_skip(&st->sc, &st->why) != 0)
        return -1;
    if (scan_char(&st->sc, '=') != 0) {
        st->why = "'=' expected after key";
        return -1;
    }
    if (cfws_skip(&st->sc, &st->why) != 0 || value(st, &val) != 0)
        return -1;
    dst = slot(st->r, key);
    if (dst == NULL)
        return 0; /* RFC 7208 §9.1: unknown keys are extensions */
    if (*dst != NULL) {
        st->why = "duplicate key";
        return -1;
    }
    *dst = val;
    return 0;
}

/* field - result, comment, pairs */
static int
field(struct rp *st)
{
    struct str word;

    if (cfws_skip(&st->sc, &st->why) != 0)
        return -1;
    if (scan_span1(&st->sc, ascii_is_alpha, &word) != 0) {
        st->why = "result expected";
        return -1;
    }
    st->r->result = auth_result_from_word(word);
    if (st->r->result == AUTH_RESULT_OTHER) {
        st->why = "unknown result";
        return -1;
    }
    /* leniency: a ';' may follow the result directly */
    if (!scan_eof(&st->sc) && !cfws_is_fws(scan_peek(&st->sc)) &&
        scan_peek(&st->sc) != '(' && scan_peek(&st->sc) != ';') {
        st->why = "unknown result";
        return -1;
    }
    for (;;) {
        if (cfws_skip(&st->sc, &st->why) != 0)
            return -1;
        if (scan_eof(&st->sc))
            return 0;
        if (scan_char(&st->sc, ';') == 0)
            continue;
        if (pair(st) != 0)
            return -1;
    }
}

enum received_spf_status
received_spf_parse(struct str value, struct received_spf **out,
                   const char **why)
{
    struct rp st;
    const char *dummy;

    if (why == NULL)
        why = &dummy;
    *out = NULL;
    if (value.len > RECEIVED_SPF_MAX_LEN) {
        *why = "header too long";
        return RECEIVED_SPF_LIMIT;
    }
    memset(&st, 0, sizeof(st));
    st.sc = scan_init(value);
    st.r = xcalloc(1, sizeof(*st.r));
    st.r->arena_cap = value.len + 1; /* values never outgrow their text */
    st.r->arena = xmalloc(st.r->arena_cap);
    if (field(&st) != 0) {
        received_spf_free(st.r);
        *why = st.why;
        return RECEIVED_SPF_SYNTAX;
    }
    *out = st.r;
    *why = NULL;
    return RECEIVED_SPF_OK;
}

void
received_spf_free(struct received_spf *r)
{
    if (r == NULL)
        return;
    free(r->arena);
    free(r);
}

const char *
received_spf_envelope_domain(const struct received_spf *r)
{
    const char *at;

    if (r->envelope_from == NULL)
        return NULL;
    at = strrchr(r->envelope_from, '@');
    return at != NULL ? at + 1 : r->envelope_from;
}

bool
received_spf_is_usable(const struct received_spf *r,
                       const char *mail_from_domain)
{
    const char *dom = received_spf_envelope_domain(r);

    if (mail_from_domain == NULL || *mail_from_domain == '\0' || dom == NULL ||
        r->identity == NULL)
        return false;
    return ascii_casecmp(r->identity, "mailfrom") == 0 &&
           ascii_casecmp(dom, mail_from_domain) == 0;
}

const char *
received_spf_status_name(enum received_spf_status st)
{
    switch (st) {
    case RECEIVED_SPF_OK:
        return "ok";
    case RECEIVED_SPF_SYNTAX:
        return "syntax";
    case RECEIVED_SPF_LIMIT:
        return "limit";
    }
    return "?";
}
