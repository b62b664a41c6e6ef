/*
 * str - borrowed string slices (pointer and length).
 *
 * The parsing core of the suite works on slices of untrusted input, never
 * on NUL-terminated copies.  A slice borrows its bytes: it is valid as long
 * as the buffer it points into.
 *
 * Thread safety: pure functions.
 */
#ifndef DMARC_COMMON_STR_H
#define DMARC_COMMON_STR_H

#include <stdbool.h>
#include <stddef.h>

/* a borrowed run of bytes; not NUL-terminated */
struct str {
    const char *p; /* first byte (may be NULL when len is 0) */
    size_t len;    /* number of bytes */
};

/* STR_LIT - a slice of a string literal */
#define STR_LIT(s) ((struct str){ (s), sizeof(s) - 1 })

/* str_make - the slice p[0..len). */
struct str str_make(const char *p, size_t len);

/* str_cstr - the slice of a NUL-terminated string (NULL gives empty). */
struct str str_cstr(const char *s);

/* str_eq - byte-wise equality. */
bool str_eq(struct str a, struct str b);

/* str_caseeq - equality ignoring ASCII case. */
bool str_caseeq(struct str a, struct str b);

/* str_caseeq_cstr - equality with a C string, ignoring ASCII case. */
bool str_caseeq_cstr(struct str a, const char *b);

/* str_trim - a without leading and trailing SP, HTAB, CR and LF. */
struct str str_trim(struct str a);

/* str_chr - index of the first c in a, or a.len when there is none. */
size_t str_chr(struct str a, char c);

/* str_dup - NUL-terminated heap copy; caller frees with free(). */
char *str_dup(struct str a);

#endif
