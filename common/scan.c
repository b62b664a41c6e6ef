/*
 * scan - a cursor over untrusted bytes that never reads past the end.
 *
 * The building block for every parser of untrusted text: it only moves
 * forward on success and never dereferences end.
 *
 * STANDARDS: RFC 5234 (WSP).
 * Thread safety: operates only on the caller's cursor.
 */
#include "common/scan.h"

#include <string.h>

#include "common/ascii.h"

struct scan
scan_init(struct str s)
{
    struct scan sc = { s.p, s.p + s.len };

    if (s.p == NULL)
        sc.p = sc.end = "";
    return sc;
}

bool
scan_eof(const struct scan *sc)
{
    return sc->p >= sc->end;
}

size_t
scan_left(const struct scan *sc)
{
    return (size_t)(sc->end - sc->p);
}

struct str
scan_rest(const struct scan *sc)
{
    return str_make(sc->p, scan_left(sc));
}

char
scan_peek(const struct scan *sc)
{
    if (scan_eof(sc))
        return '\0';
    return *sc->p;
}

int
scan_char(struct scan *sc, char c)
{
    if (scan_eof(sc) || *sc->p != c)
        return -1;
    sc->p++;
    return 0;
}

bool
scan_opt_char(struct scan *sc, char c)
{
    return scan_char(sc, c) == 0;
}

int
scan_char_case(struct scan *sc, char c)
{
    if (scan_eof(sc) || ascii_lower(*sc->p) != ascii_lower(c))
        return -1;
    sc->p++;
    return 0;
}

int
scan_lit_case(struct scan *sc, const char *lit)
{
    size_t n = strlen(lit);

    if (scan_left(sc) < n || !ascii_ncaseeq(sc->p, lit, n))
        return -1;
    sc->p += n;
    return 0;
}

size_t
scan_span(struct scan *sc, scan_class_fn *cls, struct str *out)
{
    const char *start = sc->p;

    while (sc->p < sc->end && cls(*sc->p))
        sc->p++;
    if (out != NULL)
        *out = str_make(start, (size_t)(sc->p - start));
    return (size_t)(sc->p - start);
}

int
scan_span1(struct scan *sc, scan_class_fn *cls, struct str *out)
{
    const char *start = sc->p;

    if (scan_span(sc, cls, out) == 0) {
        sc->p = start;
        return -1;
    }
    return 0;
}

size_t
scan_until(struct scan *sc, char c, struct str *out)
{
    const char *start = sc->p;
    const char *q = memchr(sc->p, c, scan_left(sc));

    sc->p = q ? q : sc->end;
    if (out != NULL)
        *out = str_make(start, (size_t)(sc->p - start));
    return (size_t)(sc->p - start);
}

size_t
scan_skip_wsp(struct scan *sc)
{
    return scan_span(sc, ascii_is_wsp, NULL);
}
