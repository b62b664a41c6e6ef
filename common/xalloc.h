/*
 * xalloc - allocation wrappers that never return NULL.
 *
 * Every allocation in the suite goes through these functions.  Sizes are
 * checked for overflow; running out of memory is logged and aborts the
 * process (as Postfix and OpenSMTPD do): for small daemons a fatal OOM is
 * the cheaper thing to get right.  Callers never test the result for NULL.
 *
 * Thread safety: all functions are thread-safe.
 */
#ifndef DMARC_COMMON_XALLOC_H
#define DMARC_COMMON_XALLOC_H

#include <stddef.h>

/* xmalloc - malloc(size); size 0 allocates one byte.  Caller frees. */
void *xmalloc(size_t size);

/* xcalloc - zeroed array of nmemb * size bytes, overflow-checked. */
void *xcalloc(size_t nmemb, size_t size);

/* xreallocarray - resize ptr to nmemb * size bytes, overflow-checked. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);

/* xstrdup - copy of a NUL-terminated string.  Caller frees. */
char *xstrdup(const char *s);

/* xstrndup - copy of the first n bytes of s (or up to its NUL), always
 * NUL-terminated.  Caller frees. */
char *xstrndup(const char *s, size_t n);

/* xmemdup0 - copy of len bytes at p plus a terminating NUL.  Caller frees. */
char *xmemdup0(const void *p, size_t len);

#endif
