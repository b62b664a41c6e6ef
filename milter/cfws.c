/*
 * cfws - folding white space, comments and quoted strings (RFC 5322).
 *
 * Skips CFWS and delimits quoted strings for the header parsers of the
 * milter.  It does not interpret what it skips: comment text is never an
 * address or a result (the From parser relies on that to ignore
 * "(on behalf of bob@example.net)").
 *
 * STANDARDS: RFC 5322 §3.2.1 (quoted-pair), §3.2.2 (FWS, comments),
 * §3.2.4 (quoted strings).
 * Thread safety: pure functions.
 */
#include "milter/cfws.h"

#include <string.h>

bool
cfws_is_fws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* skip_comment - consume one comment, '(' next; nesting by counter */
static int
skip_comment(struct scan *sc, const char **why)
{
    const char *p = sc->p;
    size_t depth = 0;

    do {
        if (p >= sc->end) {
            *why = "unterminated comment";
            return -1;
        }
        if (*p == '\0') {
            *why = "NUL byte in comment";
            return -1;
        }
        if (*p == '\\') {
            p++;
            if (p >= sc->end)
                continue;
            if (*p == '\0') {
                *why = "NUL byte in comment";
                return -1;
            }
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            depth--;
        }
        p++;
    } while (depth > 0);
    sc->p = p;
    return 0;
}

int
cfws_skip(struct scan *sc, const char **why)
{
    const char *start = sc->p;
    const char *dummy;

    if (why == NULL)
        why = &dummy;
    for (;;) {
        while (!scan_eof(sc) && cfws_is_fws(*sc->p))
            sc->p++;
        if (scan_peek(sc) != '(')
            return 0;
        if (skip_comment(sc, why) != 0) {
            sc->p = start;
            return -1;
        }
    }
}

int
cfws_quoted(struct scan *sc, struct str *raw, const char **why)
{
    const char *p = sc->p;
    const char *dummy;

    if (why == NULL)
        why = &dummy;
    if (scan_peek(sc) != '"') {
        *why = "quoted string expected";
        return -1;
    }
    for (p++; p < sc->end && *p != '"'; p++) {
        if (*p == '\\' && p + 1 < sc->end)
            p++;
        if (*p == '\0') {
            *why = "NUL byte in quoted string";
            return -1;
        }
    }
    if (p >= sc->end) {
        *why = "unterminated quoted string";
        return -1;
    }
    *raw = str_make(sc->p + 1, (size_t)(p - sc->p - 1));
    sc->p = p + 1;
    return 0;
}

size_t
cfws_unquote(struct str raw, char *dst)
{
    size_t n = 0;

    for (size_t i = 0; i < raw.len; i++) {
        if (raw.p[i] == '\\' && i + 1 < raw.len)
            i++;
        dst[n++] = raw.p[i];
    }
    return n;
}
