/*
 * xml_text - repair a string into XML 1.0 character data.
 *
 * Valid UTF-8 sequences are copied, everything else (and C0 controls
 * other than TAB, LF and CR, and DEL) becomes '?', one per byte.  It does
 * not escape markup: libxml2's writer does that.
 *
 * STANDARDS: RFC 3629 section 4 (UTF-8); XML 1.0 section 2.2 (Char).
 *
 * Ownership: out is the caller's.  Thread safety: reentrant.
 */
#include "reporter/xml_text.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* utf8_len - length of the valid UTF-8 sequence at p (RFC 3629 section 4),
 * or 0 when it is invalid (overlong, surrogate, above U+10FFFF, cut) */
static size_t
utf8_len(const unsigned char *p, size_t left)
{
    size_t n;
    unsigned lo = 0x80;
    unsigned hi = 0xbf;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        n = 2;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        n = 3;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        n = 4;
    else
        return 0;
    if (n > left)
        return 0;
    if (p[0] == 0xe0)
        lo = 0xa0;
    else if (p[0] == 0xed)
        hi = 0x9f;
    else if (p[0] == 0xf0)
        lo = 0x90;
    else if (p[0] == 0xf4)
        hi = 0x8f;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    }
    return n;
}

int
xml_text_repair(const char *s, struct buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);

    buf_reset(out);
    while (left > 0) {
        size_t n = utf8_len(p, left);
        int rc;

        if (n == 1 && (p[0] < 0x20 || p[0] == 0x7f) && p[0] != '\t' &&
            p[0] != '\n' && p[0] != '\r')
            n = 0;
        if (n == 0) {
            rc = buf_putc(out, '?');
            n = 1;
        } else {
            rc = buf_append(out, p, n);
        }
        if (rc < 0)
            return -1;
        p += n;
        left -= n;
    }
    return 0;
}
