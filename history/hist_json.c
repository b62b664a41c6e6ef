/*
 * hist_json - decode the ARC seal array of an arc_policy line.
 *
 * OpenDMARC 1.4.2 writes the array without escaping its strings, so
 * invalid JSON occurs in real files; its importer then aborts the whole
 * run.  This parser is bounded (no recursion, flat objects only, at most
 * out->max seals) and fails cleanly instead.  It does not check what the
 * values mean.
 *
 * STANDARDS: RFC 8259 (JSON); RFC 8617 (ARC: i, d, s).
 *
 * Thread safety: pure functions; the output is the caller's.
 */
#include "history/hist_json.h"

#include <string.h>

#include "common/ascii.h"
#include "common/num.h"
#include "common/scan.h"

/* a decoding position and where strings are unescaped to */
struct jctx {
    struct scan sc; /* input cursor */
    char *dst;      /* next free scratch byte */
};

/* is_ws - JSON white space */
static bool
is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* skip_ws - skip JSON white space */
static void
skip_ws(struct jctx *j)
{
    struct str ws;

    (void)scan_span(&j->sc, is_ws, &ws); /* empty run is fine */
}

/* hexval - value of a hex digit, or -1 */
static int
hexval(char c)
{
    if (ascii_is_digit(c))
        return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* put_utf8 - write code point cp (< 0x10000) as UTF-8 */
static void
put_utf8(struct jctx *j, unsigned cp)
{
    if (cp < 0x80) {
        *j->dst++ = (char)cp;
    } else if (cp < 0x800) {
        *j->dst++ = (char)(0xc0 | (cp >> 6));
        *j->dst++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *j->dst++ = (char)(0xe0 | (cp >> 12));
        *j->dst++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *j->dst++ = (char)(0x80 | (cp & 0x3f));
    }
}

/* unescape - one escape sequence after the backslash; 0 or -1.  A \uXXXX
 * takes 6 input bytes and writes at most 3, so output never outgrows the
 * input. */
static int
unescape(struct jctx *j)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    char c = scan_peek(&j->sc);
    const char *hit = c ? strchr(from, c) : NULL;
    unsigned cp = 0;

    if (scan_eof(&j->sc))
        return -1;
    j->sc.p++;
    if (hit != NULL) {
        *j->dst++ = to[hit - from];
        return 0;
    }
    if (c != 'u' || scan_left(&j->sc) < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        int v = hexval(j->sc.p[i]);

        if (v < 0)
            return -1;
        cp = cp * 16 + (unsigned)v;
    }
    j->sc.p += 4;
    put_utf8(j, cp);
    return 0;
}

/* jstring - a string literal into scratch: 0 and *out, or -1 */
static int
jstring(struct jctx *j, struct str *out)
{
    char *start = j->dst;

    if (scan_char(&j->sc, '"') < 0)
        return -1;
    for (;;) {
        char c;

        if (scan_eof(&j->sc))
            return -1;
        c = *j->sc.p++;
        if (c == '"')
            break;
        if ((unsigned char)c < 0x20)
            return -1; /* RFC 8259 section 7: must be escaped */
        if (c != '\\')
            *j->dst++ = c;
        else if (unescape(j) < 0)
            return -1;
    }
    *out = str_make(start, (size_t)(j->dst - start));
    return 0;
}

/* is_numch - a byte of an integer */
static bool
is_numch(char c)
{
    return ascii_is_digit(c) || c == '-';
}

/* jint - an integer: 0 and *out, or -1 */
static int
jint(struct jctx *j, int64_t *out)
{
    struct str digits;

    if (scan_span1(&j->sc, is_numch, &digits) < 0)
        return -1;
    return num_parse_i64(digits, -1000000, 1000000, out, NULL);
}

/* member - one "name": value pair of a seal object; 0 or -1 */
static int
member(struct jctx *j, struct hist_arc_seal *s, unsigned *have)
{
    struct str name;
    struct str sval;
    int64_t ival;

    if (jstring(j, &name) < 0)
        return -1;
    skip_ws(j);
    if (scan_char(&j->sc, ':') < 0)
        return -1;
    skip_ws(j);
    if (scan_peek(&j->sc) != '"') {
        if (jint(j, &ival) < 0)
            return -1;
        if (str_eq(name, STR_LIT("i"))) {
            s->instance = ival;
            *have |= 1;
        }
        return 0;
    }
    if (jstring(j, &sval) < 0)
        return -1;
    if (str_eq(name, STR_LIT("d")))
        s->domain = sval;
    else if (str_eq(name, STR_LIT("s")))
        s->selector = sval;
    else if (str_eq(name, STR_LIT("ip")))
        s->ip = sval;
    return 0;
}

/* object - one { ... } seal; 0 or -1 */
static int
object(struct jctx *j, struct hist_arc_seal *s)
{
    unsigned have = 0;

    memset(s, 0, sizeof(*s));
    if (scan_char(&j->sc, '{') < 0)
        return -1;
    skip_ws(j);
    if (scan_char(&j->sc, '}') == 0)
        return -1; /* a seal without i= is of no use */
    for (;;) {
        if (member(j, s, &have) < 0)
            return -1;
        skip_ws(j);
        if (scan_char(&j->sc, '}') == 0)
            break;
        if (scan_char(&j->sc, ',') < 0)
            return -1;
        skip_ws(j);
    }
    return have ? 0 : -1;
}

/* array - the whole [ ... ]; 0 or -1 with *why */
static int
array(struct jctx *j, struct hist_json_out *out, const char **why)
{
    *why = "invalid JSON";
    skip_ws(j);
    if (scan_char(&j->sc, '[') < 0)
        return -1;
    skip_ws(j);
    if (scan_char(&j->sc, ']') == 0)
        goto end;
    for (;;) {
        if (out->count == out->max) {
            *why = "too many ARC seals";
            return -1;
        }
        if (object(j, &out->seals[out->count]) < 0)
            return -1;
        out->count++;
        skip_ws(j);
        if (scan_char(&j->sc, ']') == 0)
            break;
        if (scan_char(&j->sc, ',') < 0)
            return -1;
        skip_ws(j);
    }
end:
    skip_ws(j);
    return scan_eof(&j->sc) ? 0 : -1;
}

int
hist_json_seals(struct str json, struct hist_json_out *out, const char **why)
{
    struct jctx j = { scan_init(json), out->scratch };

    out->count = 0;
    if (array(&j, out, why) < 0) {
        out->count = 0;
        return -1;
    }
    return 0;
}
