/*
 * authres - Authentication-Results parser (RFC 8601) and its helpers.
 *
 * A single pass over the field with a scan cursor: authserv-id and
 * version, then ';'-separated results, each with its method, version,
 * result, reason and properties.  CFWS is skipped between every two
 * elements (milter/cfws.c), quoted strings are unquoted, keywords are
 * lower-cased.  Strings go to one arena sized from the field length up
 * front, so it never moves and never overflows.
 *
 * What it does not do: decide trust (the caller lists the trusted
 * authserv-ids), verify anything, or keep comments (they are not data).
 * Any syntax error or exceeded limit discards the whole field.
 *
 * Leniencies, each labelled where it is applied: a missing authserv-id,
 * empty results between semicolons, a bare key=value property (Office
 * 365's "action=none"), '_' in keywords, unquoted values holding '/', '='
 * or '@' (base64 header.b, local-part@domain).
 *
 * STANDARDS: RFC 8601 §2.2 (grammar), §2.3 (authserv-id), §2.7 (methods
 * and results), §5 (trust); RFC 5322 §3.2 (CFWS, quoted strings);
 * RFC 2045 §5.1 (value = token / quoted-string).
 * Thread safety: pure; state on the caller's stack and in the result.
 */
#include "milter/authres.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/scan.h"
#include "common/xalloc.h"
#include "milter/cfws.h"

/* parser state */
struct ap {
    struct scan sc;     /* the cursor */
    struct authres *ar; /* the result being built */
    const char *why;    /* reason for a failure */
    bool is_limit;      /* the failure is a limit, not syntax */
};

/* is_keyword - RFC 5321 Ldh-str characters; leniency: '_' too */
static bool
is_keyword(char c)
{
    return ascii_is_alnum(c) || c == '-' || c == '_';
}

/* is_value - an unquoted value byte.  Leniency: RFC 2045 token minus
 * tspecials, but '/', '=', '@', ':', ',', '<', '>', '[', ']', '?' and
 * 8-bit bytes are kept, since producers leave base64 header.b and
 * local-part@domain values unquoted. */
static bool
is_value(char c)
{
    if ((unsigned char)c >= 0x80)
        return true;
    return ascii_is_print(c) && c != ' ' && strchr(";()\"\\", c) == NULL;
}

/* is_id - an unquoted authserv-id byte: a value byte other than '=' (so
 * that "spf=pass" is seen as a field without an authserv-id) */
static bool
is_id(char c)
{
    return is_value(c) && c != '=';
}

/* put - copy len bytes to the arena, NUL-terminated; lower-cased when
 * is_lower.  The arena was sized so that this cannot overflow. */
static const char *
put(struct authres *ar, const char *p, size_t len, bool is_lower)
{
    char *dst = ar->arena + ar->arena_len;

    assert(ar->arena_len + len + 1 <= ar->arena_cap);
    memcpy(dst, p, len);
    dst[len] = '\0';
    if (is_lower)
        ascii_lower_mem(dst, len);
    ar->arena_len += len + 1;
    return dst;
}

/* skip - CFWS between elements */
static int
skip(struct ap *st)
{
    return cfws_skip(&st->sc, &st->why);
}

/* keyword - a keyword, lower-cased into the arena */
static int
keyword(struct ap *st, const char **out, const char *what)
{
    struct str s;

    if (scan_span1(&st->sc, is_keyword, &s) != 0) {
        st->why = what;
        return -1;
    }
    *out = put(st->ar, s.p, s.len, true);
    return 0;
}

/* quoted - a quoted string, unquoted into the arena; with is_addr, a
 * following "@domain" is kept with it (RFC 8601 pvalue: a quoted
 * local-part) */
static int
quoted(struct ap *st, const char **out, bool is_addr)
{
    struct authres *ar = st->ar;
    struct str raw;
    struct str dom = { NULL, 0 };
    char *dst = ar->arena + ar->arena_len;
    size_t n;

    if (cfws_quoted(&st->sc, &raw, &st->why) != 0)
        return -1;
    if (is_addr && scan_peek(&st->sc) == '@')
        (void)scan_span(&st->sc, is_value, &dom);
    /* unquoting shrinks: quotes (2 bytes) pay for the NUL */
    assert(ar->arena_len + raw.len + dom.len + 1 <= ar->arena_cap);
    n = cfws_unquote(raw, dst);
    if (dom.len > 0)
        memcpy(dst + n, dom.p, dom.len);
    dst[n + dom.len] = '\0';
    ar->arena_len += n + dom.len + 1;
    *out = dst;
    return 0;
}

/* value - a value (token or quoted string) into the arena */
static int
value(struct ap *st, const char **out, bool is_addr)
{
    struct str s;

    if (scan_peek(&st->sc) == '"')
        return quoted(st, out, is_addr);
    if (scan_span1(&st->sc, is_value, &s) != 0) {
        st->why = "value expected";
        return -1;
    }
    *out = put(st->ar, s.p, s.len, false);
    return 0;
}

/* expect - consume c after CFWS, or fail with why */
static int
expect(struct ap *st, char c, const char *why)
{
    if (skip(st) != 0)
        return -1;
    if (scan_char(&st->sc, c) != 0) {
        st->why = why;
        return -1;
    }
    return skip(st);
}

/* add_prop - append ptype.property=value to r; duplicates are refused
 * (two header.d in one result would be ambiguous) */
static int
add_prop(struct ap *st, struct authres_result *r, const char *ptype,
         const char *property, const char *val)
{
    if (authres_prop_get(r, ptype, property) != NULL) {
        st->why = "duplicate property";
        return -1;
    }
    if (r->n_props >= AUTHRES_MAX_PROPS) {
        st->why = "too many properties";
        st->is_limit = true;
        return -1;
    }
    r->props[r->n_props].ptype = ptype;
    r->props[r->n_props].property = property;
    r->props[r->n_props].value = val;
    r->n_props++;
    return 0;
}

/* propspec - one "ptype.property=value", "reason=value" or (leniency)
 * bare "key=value", the cursor on its first keyword */
static int
propspec(struct ap *st, struct authres_result *r)
{
    const char *ptype;
    const char *property;
    const char *val;

    if (keyword(st, &ptype, "property expected") != 0 || skip(st) != 0)
        return -1;
    if (scan_char(&st->sc, '.') == 0) {
        if (skip(st) != 0 ||
            keyword(st, &property, "property name expected") != 0 ||
            expect(st, '=', "'=' expected after property") != 0 ||
            value(st, &val, true) != 0)
            return -1;
        return add_prop(st, r, ptype, property, val);
    }
    if (expect(st, '=', "'.' expected after property type") != 0 ||
        value(st, &val, false) != 0)
        return -1;
    if (strcmp(ptype, "reason") == 0 && r->reason == NULL && r->n_props == 0) {
        r->reason = val;
        return 0;
    }
    /* leniency: Office 365 writes "action=none" with no ptype */
    return add_prop(st, r, "", ptype, val);
}

/* methodspec - method[/version]=result; "none" alone sets *is_none */
static int
methodspec(struct ap *st, struct authres_result *r, bool *is_none)
{
    struct str word;

    *is_none = false;
    if (keyword(st, &r->method, "method expected") != 0 || skip(st) != 0)
        return -1;
    if (scan_char(&st->sc, '/') == 0) {
        if (skip(st) != 0)
            return -1;
        if (scan_span1(&st->sc, ascii_is_digit, &word) != 0) {
            st->why = "method version expected";
            return -1;
        }
        r->version = put(st->ar, word.p, word.len, false);
    }
    if (skip(st) != 0)
        return -1;
    if (strcmp(r->method, "none") == 0 && r->version == NULL &&
        scan_peek(&st->sc) != '=') {
        *is_none = true; /* RFC 8601 §2.2 no-result */
        return 0;
    }
    if (expect(st, '=', "'=' expected after method") != 0 ||
        keyword(st, &r->result_word, "result expected") != 0)
        return -1;
    r->result = auth_result_from_word(str_cstr(r->result_word));
    return 0;
}

/* new_result - the next free slot of ar->results (capacity 4, then
 * doubled whenever the count reaches a power of two) */
static struct authres_result *
new_result(struct ap *st)
{
    struct authres *ar = st->ar;
    size_t n = ar->n_results;

    if (n >= AUTHRES_MAX_RESULTS) {
        st->why = "too many results";
        st->is_limit = true;
        return NULL;
    }
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0))
        ar->results = xreallocarray(ar->results, n == 0 ? 4 : n * 2,
                                    sizeof(*ar->results));
    memset(&ar->results[n], 0, sizeof(*ar->results));
    return &ar->results[n];
}

/* resinfo - one result with its reason and properties */
static int
resinfo(struct ap *st)
{
    struct authres_result *r = new_result(st);
    bool is_none;

    if (r == NULL || methodspec(st, r, &is_none) != 0)
        return -1;
    if (is_none) {
        st->ar->is_none = true;
        return 0;
    }
    for (;;) {
        if (skip(st) != 0)
            return -1;
        if (scan_eof(&st->sc) || scan_peek(&st->sc) == ';')
            break;
        if (propspec(st, r) != 0)
            return -1;
    }
    st->ar->n_results++;
    return 0;
}

/* authserv_id - the authserv-id and optional version; a field that starts
 * with "method=" has none (leniency) and the cursor is left on it */
static int
authserv_id(struct ap *st, bool *has_id)
{
    struct scan start = st->sc;
    struct str s;

    *has_id = false;
    if (scan_peek(&st->sc) == '"') {
        if (value(st, &st->ar->authserv_id, false) != 0)
            return -1;
    } else if (scan_span1(&st->sc, is_id, &s) == 0) {
        st->ar->authserv_id = put(st->ar, s.p, s.len, false);
    } else if (scan_peek(&st->sc) == ';') {
        return 0; /* leniency: "; dkim=pass" with an empty authserv-id */
    } else {
        st->why = "authserv-id expected";
        return -1;
    }
    if (skip(st) != 0)
        return -1;
    if (scan_peek(&st->sc) == '=' || scan_peek(&st->sc) == '/') {
        st->sc = start; /* leniency: no authserv-id, "spf=pass ..." */
        st->ar->authserv_id = NULL;
        return 0;
    }
    *has_id = true;
    if (scan_span1(&st->sc, ascii_is_digit, &s) == 0)
        st->ar->version = put(st->ar, s.p, s.len, false);
    return 0;
}

/* payload - the whole field */
static int
payload(struct ap *st)
{
    bool has_id;

    if (skip(st) != 0 || authserv_id(st, &has_id) != 0)
        return -1;
    if (!has_id && st->ar->authserv_id == NULL && scan_peek(&st->sc) != ';' &&
        resinfo(st) != 0)
        return -1;
    for (;;) {
        if (skip(st) != 0)
            return -1;
        if (scan_eof(&st->sc))
            return 0;
        if (scan_char(&st->sc, ';') != 0) {
            st->why = "';' expected";
            return -1;
        }
        if (skip(st) != 0)
            return -1;
        /* leniency: empty results ("a;;b", a trailing ';') are skipped */
        if (scan_eof(&st->sc) || scan_peek(&st->sc) == ';')
            continue;
        if (resinfo(st) != 0)
            return -1;
    }
}

enum authres_status
authres_parse(struct str value, struct authres **out, const char **why)
{
    struct ap st;
    const char *dummy;

    if (why == NULL)
        why = &dummy;
    *out = NULL;
    if (value.len > AUTHRES_MAX_LEN) {
        *why = "header too long";
        return AUTHRES_LIMIT;
    }
    memset(&st, 0, sizeof(st));
    st.sc = scan_init(value);
    st.ar = xcalloc(1, sizeof(*st.ar));
    /* every stored string is at most its raw bytes plus a NUL */
    st.ar->arena_cap = 2 * value.len + 2;
    st.ar->arena = xmalloc(st.ar->arena_cap);
    if (payload(&st) != 0) {
        authres_free(st.ar);
        *why = st.why;
        return st.is_limit ? AUTHRES_LIMIT : AUTHRES_SYNTAX;
    }
    *out = st.ar;
    *why = NULL;
    return AUTHRES_OK;
}

void
authres_free(struct authres *ar)
{
    if (ar == NULL)
        return;
    free(ar->results);
    free(ar->arena);
    free(ar);
}

bool
authres_is_trusted(const struct authres *ar, const char *const *ids,
                   size_t n_ids)
{
    if (ar == NULL || ar->authserv_id == NULL)
        return false;
    for (size_t i = 0; i < n_ids; i++) {
        if (ids[i] != NULL && ascii_casecmp(ar->authserv_id, ids[i]) == 0)
            return true;
    }
    return false;
}

const char *
authres_prop_get(const struct authres_result *r, const char *ptype,
                 const char *property)
{
    for (size_t i = 0; i < r->n_props; i++) {
        if (strcmp(r->props[i].ptype, ptype) == 0 &&
            strcmp(r->props[i].property, property) == 0)
            return r->props[i].value;
    }
    return NULL;
}

size_t
authres_dkim(const struct authres *ar, struct authres_dkim *out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < ar->n_results; i++) {
        const struct authres_result *r = &ar->results[i];

        if (strcmp(r->method, "dkim") != 0)
            continue;
        if (n < max) {
            out[n].d = authres_prop_get(r, "header", "d");
            out[n].i = authres_prop_get(r, "header", "i");
            out[n].s = authres_prop_get(r, "header", "s");
            out[n].b = authres_prop_get(r, "header", "b");
            out[n].result = r->result;
        }
        n++;
    }
    return n;
}

/* first - the first result of ar with the given method, or NULL */
static const struct authres_result *
first(const struct authres *ar, const char *method)
{
    for (size_t i = 0; i < ar->n_results; i++) {
        if (strcmp(ar->results[i].method, method) == 0)
            return &ar->results[i];
    }
    return NULL;
}

bool
authres_spf(const struct authres *ar, struct authres_spf *out)
{
    const struct authres_result *r = first(ar, "spf");

    memset(out, 0, sizeof(*out));
    if (r == NULL)
        return false;
    out->result = r->result;
    out->mailfrom = authres_prop_get(r, "smtp", "mailfrom");
    out->mailfrom_domain = authres_domain_part(out->mailfrom);
    out->helo = authres_prop_get(r, "smtp", "helo");
    return true;
}

bool
authres_arc(const struct authres *ar, struct authres_arc *out)
{
    const struct authres_result *r = first(ar, "arc");

    memset(out, 0, sizeof(*out));
    if (r == NULL)
        return false;
    out->result = r->result;
    out->chain = authres_prop_get(r, "arc", "chain");
    return true;
}

const char *
authres_domain_part(const char *value)
{
    const char *at;

    if (value == NULL)
        return NULL;
    at = strrchr(value, '@');
    return at != NULL ? at + 1 : value;
}

const char *
authres_status_name(enum authres_status st)
{
    switch (st) {
    case AUTHRES_OK:
        return "ok";
    case AUTHRES_SYNTAX:
        return "syntax";
    case AUTHRES_LIMIT:
        return "limit";
    }
    return "?";
}
