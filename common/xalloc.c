/*
 * xalloc - allocation wrappers that never return NULL.
 *
 * Wraps malloc/calloc/realloc with overflow checks; on failure logs
 * through log_panic(), which aborts.  Does not track allocations.
 *
 * STANDARDS: none.
 * Thread safety: as thread-safe as the C library allocator.
 */
#include "common/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

void *
xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (p == NULL)
        log_panic("out of memory allocating %zu bytes", size);
    return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
    void *p;

    if (nmemb == 0 || size == 0)
        nmemb = size = 1;
    p = calloc(nmemb, size);
    if (p == NULL)
        log_panic("out of memory allocating %zu x %zu bytes", nmemb, size);
    return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
    void *p;

    if (size != 0 && nmemb > SIZE_MAX / size)
        log_panic("allocation overflow: %zu x %zu bytes", nmemb, size);
    p = realloc(ptr, nmemb != 0 && size != 0 ? nmemb * size : 1);
    if (p == NULL)
        log_panic("out of memory allocating %zu x %zu bytes", nmemb, size);
    return p;
}

char *
xstrdup(const char *s)
{
    return xmemdup0(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    const char *nul = memchr(s, '\0', n);

    return xmemdup0(s, nul ? (size_t)(nul - s) : n);
}

char *
xmemdup0(const void *p, size_t len)
{
    char *d;

    if (len == SIZE_MAX)
        log_panic("allocation overflow: %zu bytes", len);
    d = xmalloc(len + 1);
    if (len > 0)
        memcpy(d, p, len);
    d[len] = '\0';
    return d;
}
