/*
 * ascii - locale-independent ASCII character classes and case folding.
 *
 * Exists so that no code calls <ctype.h>, whose behaviour depends on the
 * locale and is undefined for negative char values.
 *
 * STANDARDS: RFC 5234 (WSP, CTL).
 * Thread safety: pure functions.
 */
#include "common/ascii.h"

#include <string.h>

bool
ascii_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool
ascii_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool
ascii_is_alnum(char c)
{
    return ascii_is_alpha(c) || ascii_is_digit(c);
}

bool
ascii_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
}

bool
ascii_is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

bool
ascii_is_ctl(char c)
{
    unsigned char u = (unsigned char)c;

    return u < 0x20 || u == 0x7f;
}

bool
ascii_is_print(char c)
{
    unsigned char u = (unsigned char)c;

    return u >= 0x20 && u < 0x7f;
}

/* the letters, indexed from 'a' or 'A': folding by table needs no
 * int-to-char conversion */
static const char ascii_lowers[] = "abcdefghijklmnopqrstuvwxyz";
static const char ascii_uppers[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

char
ascii_lower(char c)
{
    if (c >= 'A' && c <= 'Z')
        return ascii_lowers[c - 'A'];
    return c;
}

char
ascii_upper(char c)
{
    if (c >= 'a' && c <= 'z')
        return ascii_uppers[c - 'a'];
    return c;
}

void
ascii_lower_mem(char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p[i] = ascii_lower(p[i]);
}

int
ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char)ascii_lower(*a);
        unsigned char cb = (unsigned char)ascii_lower(*b);

        if (ca != cb || ca == '\0')
            return (int)ca - (int)cb;
    }
}

bool
ascii_ncaseeq(const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    }
    return true;
}

bool
ascii_caseeq_n(const char *a, size_t a_len, const char *b)
{
    return strlen(b) == a_len && ascii_ncaseeq(a, b, a_len);
}
