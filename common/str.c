/*
 * str - borrowed string slices (pointer and length).
 *
 * Small helpers over struct str; nothing here allocates except str_dup().
 *
 * STANDARDS: none.
 * Thread safety: pure functions.
 */
#include "common/str.h"

#include <string.h>

#include "common/ascii.h"
#include "common/xalloc.h"

struct str
str_make(const char *p, size_t len)
{
    struct str s = { p, len };

    return s;
}

struct str
str_cstr(const char *s)
{
    return str_make(s, s ? strlen(s) : 0);
}

bool
str_eq(struct str a, struct str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool
str_caseeq(struct str a, struct str b)
{
    return a.len == b.len && ascii_ncaseeq(a.p, b.p, a.len);
}

bool
str_caseeq_cstr(struct str a, const char *b)
{
    return str_caseeq(a, str_cstr(b));
}

struct str
str_trim(struct str a)
{
    while (a.len > 0 && ascii_is_space(a.p[0])) {
        a.p++;
        a.len--;
    }
    while (a.len > 0 && ascii_is_space(a.p[a.len - 1]))
        a.len--;
    return a;
}

size_t
str_chr(struct str a, char c)
{
    const char *q = a.len ? memchr(a.p, c, a.len) : NULL;

    return q ? (size_t)(q - a.p) : a.len;
}

char *
str_dup(struct str a)
{
    return xmemdup0(a.p, a.len);
}
