/*
 * xml_text - repair a string into XML 1.0 character data: what the report
 * writer does with text that is not plain printable ASCII (a database
 * string from a header or a DNS answer may hold anything).
 *
 * Thread safety: reentrant.
 */
#ifndef DMARC_REPORTER_XML_TEXT_H
#define DMARC_REPORTER_XML_TEXT_H

#include "common/buf.h"
#include "common/log.h"

/* xml_text_repair - s (NUL-terminated, borrowed) as UTF-8 into out, which
 * is reset first: an invalid UTF-8 sequence (RFC 3629 section 4: overlong,
 * surrogate, above U+10FFFF, cut) and a control character other than TAB,
 * LF and CR (XML 1.0 section 2.2 cannot carry them) become '?'.  0, or -1
 * when the result does not fit out's limit (out then holds a prefix). */
int xml_text_repair(const char *s, struct buf *out) WARN_UNUSED;

#endif
