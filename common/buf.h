/*
 * buf - growable byte buffers with a hard maximum.
 *
 * Every growable buffer in the suite has a limit; going past it is an
 * error the caller reports, never a silent truncation.  The contents are
 * always NUL-terminated (the NUL is not counted in len), so a buffer can
 * be handed to functions that want a C string.
 *
 * Ownership: the struct is the caller's (usually embedded); buf_free()
 * releases the bytes.  Thread safety: one buffer per thread.
 */
#ifndef DMARC_COMMON_BUF_H
#define DMARC_COMMON_BUF_H

#include <stddef.h>

#include "common/log.h"
#include "common/str.h"

/* a growable NUL-terminated byte string with a ceiling */
struct buf {
    char *data; /* bytes, NUL-terminated; NULL until the first append */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* largest len allowed */
};

/* buf_init - an empty buffer that may hold at most max bytes. */
void buf_init(struct buf *b, size_t max);

/* buf_reset - empty the buffer, keeping its memory for reuse. */
void buf_reset(struct buf *b);

/* buf_free - release the memory; the buffer may be reused after
 * buf_init(). */
void buf_free(struct buf *b);

/* buf_append - add len bytes: 0, or -1 (nothing added) when the result
 * would exceed the maximum. */
int buf_append(struct buf *b, const void *p, size_t len) WARN_UNUSED;

/* buf_append_str - add a C string: 0 or -1 as buf_append. */
int buf_append_str(struct buf *b, const char *s) WARN_UNUSED;

/* buf_append_slice - add a slice: 0 or -1 as buf_append. */
int buf_append_slice(struct buf *b, struct str s) WARN_UNUSED;

/* buf_putc - add one byte: 0 or -1 as buf_append. */
int buf_putc(struct buf *b, char c) WARN_UNUSED;

/* buf_printf - add formatted text: 0, or -1 (nothing added) when it would
 * exceed the maximum. */
int buf_printf(struct buf *b, const char *fmt, ...) LOG_FMT(2, 3) WARN_UNUSED;

/* buf_cstr - the contents as a C string ("" when empty); borrowed, valid
 * until the next change. */
const char *buf_cstr(const struct buf *b);

/* buf_slice - the contents as a slice; borrowed like buf_cstr(). */
struct str buf_slice(const struct buf *b);

/* buf_steal - hand the contents to the caller (who frees them with free())
 * and leave the buffer empty.  Never NULL. */
char *buf_steal(struct buf *b);

#endif
