/*
 * arc_hdr - ARC-Seal and ARC-Authentication-Results parsers (RFC 8617).
 *
 * The ARC-Seal is a tag-list: tag-spec *(";" tag-spec) [";"], tag-spec =
 * [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS] (RFC 6376 section 3.2).
 * One scan cursor walks it; each tag is consumed whole or not at all.
 * Tag names are case-sensitive (RFC 6376 section 3.2), so "I=1" is an
 * unknown tag and ignored.  Values may hold folding white space between
 * runs of VALCHAR (b=); i=, d=, s= and cv= are single tokens.
 *
 * The ARC-Authentication-Results is "i=" instance CFWS ";" payload (RFC
 * 8617 section 4.1.1); the payload goes to authres_parse(), the one
 * Authentication-Results parser, with its limits.
 *
 * What it does not do: verify signatures, judge chains, allocate (except
 * inside authres_parse), log.  OpenDMARC 1.4.2 crashed on long b= values
 * and on tags without '=' (its issues #183, #186, #222); here every
 * length is checked before a byte is copied.
 *
 * STANDARDS: RFC 8617 sections 4.1.1, 4.1.3, 4.2.1; RFC 6376 section 3.2
 * (tag-lists); RFC 8601 section 2.7.3 (iprev, policy.iprev).
 * Thread safety: pure; state on the caller's stack.
 */
#include "milter/arc_hdr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "common/ascii.h"
#include "common/num.h"
#include "common/scan.h"
#include "milter/authres.h"
#include "milter/cfws.h"

/* one tag-spec */
struct tag {
    struct str name;  /* tag-name */
    struct str value; /* tag-value without surrounding FWS */
};

/* is_tag_first - ALPHA, the first byte of a tag-name */
static bool
is_tag_first(char c)
{
    return ascii_is_alpha(c);
}

/* is_tag_rest - ALNUMPUNC: ALPHA / DIGIT / "_" */
static bool
is_tag_rest(char c)
{
    return ascii_is_alnum(c) || c == '_';
}

/* is_valchar - VALCHAR: %x21-3A / %x3C-7E (printable but ';') */
static bool
is_valchar(char c)
{
    return c >= 0x21 && c <= 0x7e && c != ';';
}

/* is_token - a byte of d= or s=: letters, digits, '-', '.', '_' */
static bool
is_token(char c)
{
    return ascii_is_alnum(c) || c == '-' || c == '.' || c == '_';
}

/* skip_fws - skip SP, HTAB, CR, LF */
static void
skip_fws(struct scan *sc)
{
    while (!scan_eof(sc) && cfws_is_fws(scan_peek(sc)))
        sc->p++;
}

/* tag_value - the tag-value at the cursor: runs of VALCHAR separated by
 * FWS, up to ';' or the end; trailing FWS is not part of it.  0, or -1
 * (cursor unchanged) on a byte that is neither */
static int
tag_value(struct scan *sc, struct str *out)
{
    struct scan t = *sc;
    const char *start = t.p;
    const char *last = t.p;

    while (!scan_eof(&t) && scan_peek(&t) != ';') {
        char c = scan_peek(&t);

        if (is_valchar(c))
            last = t.p + 1;
        else if (!cfws_is_fws(c))
            return -1;
        t.p++;
    }
    *out = str_make(start, (size_t)(last - start));
    *sc = t;
    return 0;
}

/* tag_next - one tag-spec and its ';' (or the end).  0 with *out, or -1
 * (cursor unchanged) with *why */
static int
tag_next(struct scan *sc, struct tag *out, const char **why)
{
    struct scan t = *sc;

    skip_fws(&t);
    if (scan_eof(&t) || !is_tag_first(scan_peek(&t))) {
        *why = "tag name expected";
        return -1;
    }
    (void)scan_span(&t, is_tag_rest, &out->name);
    skip_fws(&t);
    if (scan_char(&t, '=') < 0) {
        *why = "'=' expected after a tag name";
        return -1;
    }
    skip_fws(&t);
    if (tag_value(&t, &out->value) < 0) {
        *why = "invalid byte in a tag value";
        return -1;
    }
    skip_fws(&t);
    if (!scan_eof(&t) && scan_char(&t, ';') < 0) {
        *why = "';' expected after a tag value";
        return -1;
    }
    *sc = t;
    return 0;
}

/* only_fws - true when s holds nothing but FWS */
static bool
only_fws(struct str s)
{
    for (size_t i = 0; i < s.len; i++) {
        if (!cfws_is_fws(s.p[i]))
            return false;
    }
    return true;
}

/* parse_instance - i=: 1..ARC_HDR_MAX_INSTANCE, digits only */
static int
parse_instance(struct str v, unsigned *out, const char **why)
{
    uint64_t n;

    if (num_parse_u64(v, 1, ARC_HDR_MAX_INSTANCE, &n, why) < 0)
        return -1;
    *out = (unsigned)n;
    return 0;
}

/* copy_token - d= or s= into dst (DOMAIN_BUF_SIZE bytes): 0, or -1 */
static int
copy_token(struct str v, char *dst, const char **why)
{
    if (v.len == 0 || v.len > DOMAIN_MAX_LEN) {
        *why = v.len == 0 ? "empty d= or s=" : "d= or s= too long";
        return -1;
    }
    for (size_t i = 0; i < v.len; i++) {
        if (!is_token(v.p[i])) {
            *why = "invalid character in d= or s=";
            return -1;
        }
    }
    memcpy(dst, v.p, v.len);
    dst[v.len] = '\0';
    return 0;
}

/* cv_word - the cv= value */
static enum arc_hdr_cv
cv_word(struct str v)
{
    if (str_caseeq_cstr(v, "none"))
        return ARC_HDR_CV_NONE;
    if (str_caseeq_cstr(v, "pass"))
        return ARC_HDR_CV_PASS;
    if (str_caseeq_cstr(v, "fail"))
        return ARC_HDR_CV_FAIL;
    return ARC_HDR_CV_UNKNOWN;
}

/* seal_tag - store one tag of a seal; 0, or -1 with *why */
static int
seal_tag(const struct tag *t, struct arc_hdr_seal *out, const char **why)
{
    if (str_eq(t->name, STR_LIT("i")))
        return parse_instance(t->value, &out->instance, why);
    if (str_eq(t->name, STR_LIT("d")))
        return copy_token(t->value, out->domain, why);
    if (str_eq(t->name, STR_LIT("s")))
        return copy_token(t->value, out->selector, why);
    if (str_eq(t->name, STR_LIT("cv")))
        out->cv = cv_word(t->value);
    /* a=, b=, t= and unknown tags: syntax checked, value not needed
     * (RFC 6376 section 3.2: unknown tags MUST be ignored) */
    return 0;
}

/* is_repeated - true when name is among seen[0..n) */
static bool
is_repeated(const struct str *seen, size_t n, struct str name)
{
    for (size_t i = 0; i < n; i++) {
        if (str_eq(seen[i], name))
            return true;
    }
    return false;
}

/* seal_parse - the tag-list loop; ARC_HDR_OK or a failure with *why */
static enum arc_hdr_status
seal_parse(struct scan *sc, struct arc_hdr_seal *out, const char **why)
{
    struct str seen[ARC_HDR_MAX_TAGS];
    size_t n = 0;

    while (!only_fws(scan_rest(sc))) {
        struct tag t;

        if (tag_next(sc, &t, why) < 0)
            return ARC_HDR_SYNTAX;
        if (is_repeated(seen, n, t.name)) {
            *why = "repeated tag";
            return ARC_HDR_SYNTAX;
        }
        if (n == ARC_HDR_MAX_TAGS) {
            *why = "too many tags";
            return ARC_HDR_LIMIT;
        }
        seen[n++] = t.name;
        if (seal_tag(&t, out, why) < 0)
            return ARC_HDR_SYNTAX;
    }
    if (out->instance == 0) {
        *why = "no i= tag";
        return ARC_HDR_SYNTAX;
    }
    return ARC_HDR_OK;
}

enum arc_hdr_status
arc_hdr_seal(struct str value, struct arc_hdr_seal *out, const char **why)
{
    const char *dummy = NULL;
    struct scan sc = scan_init(value);
    enum arc_hdr_status st;

    if (why == NULL)
        why = &dummy;
    memset(out, 0, sizeof(*out));
    if (value.len > ARC_HDR_MAX_SEAL_LEN) {
        *why = "ARC-Seal too long";
        return ARC_HDR_LIMIT;
    }
    st = seal_parse(&sc, out, why);
    if (st != ARC_HDR_OK)
        memset(out, 0, sizeof(*out));
    return st;
}

/* aar_instance - "i" [FWS] "=" [FWS] 1*DIGIT [CFWS] ";" at the start of
 * an ARC-Authentication-Results: 0 and the cursor after ';', or -1 */
static int
aar_instance(struct scan *sc, unsigned *out, const char **why)
{
    struct scan t = *sc;
    struct str digits;

    if (cfws_skip(&t, why) < 0)
        return -1;
    if (scan_char(&t, 'i') < 0) {
        *why = "i= expected first";
        return -1;
    }
    skip_fws(&t);
    if (scan_char(&t, '=') < 0) {
        *why = "'=' expected after i";
        return -1;
    }
    skip_fws(&t);
    if (scan_span1(&t, ascii_is_digit, &digits) < 0 ||
        parse_instance(digits, out, why) < 0) {
        *why = "i= is not an instance 1..50";
        return -1;
    }
    if (cfws_skip(&t, why) < 0)
        return -1;
    if (scan_char(&t, ';') < 0) {
        *why = "';' expected after i=";
        return -1;
    }
    *sc = t;
    return 0;
}

/* take_ip - copy value into out when it is an IPv4 or IPv6 address */
static bool
take_ip(const char *value, char *out)
{
    unsigned char addr[sizeof(struct in6_addr)];
    size_t len = value != NULL ? strlen(value) : 0;

    if (len == 0 || len >= ARC_HDR_IP_SIZE)
        return false;
    if (inet_pton(AF_INET, value, addr) != 1 &&
        inet_pton(AF_INET6, value, addr) != 1)
        return false;
    memcpy(out, value, len + 1);
    return true;
}

/* smtp_ip - smtp.remote-ip, else smtp.client-ip, of r into out */
static bool
smtp_ip(const struct authres_result *r, char *out)
{
    return take_ip(authres_prop_get(r, "smtp", "remote-ip"), out) ||
           take_ip(authres_prop_get(r, "smtp", "client-ip"), out);
}

/* aar_ip - the client IP of a parsed payload (see arc_hdr_aar) */
static void
aar_ip(const struct authres *ar, char *out)
{
    for (size_t i = 0; i < ar->n_results; i++) {
        if (strcmp(ar->results[i].method, "arc") == 0 &&
            smtp_ip(&ar->results[i], out))
            return;
    }
    for (size_t i = 0; i < ar->n_results; i++) {
        if (smtp_ip(&ar->results[i], out))
            return;
    }
    for (size_t i = 0; i < ar->n_results; i++) {
        if (strcmp(ar->results[i].method, "iprev") == 0 &&
            take_ip(authres_prop_get(&ar->results[i], "policy", "iprev"), out))
            return;
    }
}

enum arc_hdr_status
arc_hdr_aar(struct str value, struct arc_hdr_aar *out, const char **why)
{
    const char *dummy = NULL;
    struct scan sc = scan_init(value);
    struct authres *ar = NULL;
    enum authres_status st;

    if (why == NULL)
        why = &dummy;
    memset(out, 0, sizeof(*out));
    if (value.len > AUTHRES_MAX_LEN) {
        *why = "ARC-Authentication-Results too long";
        return ARC_HDR_LIMIT;
    }
    if (aar_instance(&sc, &out->instance, why) < 0) {
        out->instance = 0;
        return ARC_HDR_SYNTAX;
    }
    st = authres_parse(scan_rest(&sc), &ar, why);
    if (st != AUTHRES_OK) {
        out->instance = 0;
        return st == AUTHRES_LIMIT ? ARC_HDR_LIMIT : ARC_HDR_SYNTAX;
    }
    aar_ip(ar, out->ip);
    authres_free(ar);
    return ARC_HDR_OK;
}

const char *
arc_hdr_status_name(enum arc_hdr_status st)
{
    switch (st) {
    case ARC_HDR_OK:
        return "ok";
    case ARC_HDR_SYNTAX:
        return "syntax";
    case ARC_HDR_LIMIT:
        return "limit";
    }
    return "?";
}
