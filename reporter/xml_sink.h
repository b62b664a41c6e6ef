/*
 * xml_sink - where the bytes of a report's XML go: libxml2's writer
 * writes into an output buffer whose callbacks feed zlib (the RFC 1952
 * gzip wrapper) or a plain buffer, bounded by a maximum size, so only the
 * finished (compressed) report is held in memory.
 *
 * Thread safety: one sink per thread.
 */
#ifndef DMARC_REPORTER_XML_SINK_H
#define DMARC_REPORTER_XML_SINK_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/xmlIO.h>

#include "common/log.h"

struct xml_sink;

/* xml_sink_new - a sink of at most max_out bytes, gzip-compressed when
 * is_gzip (level 1, mtime 0: the same XML gives the same bytes).  The
 * sink (caller frees with xml_sink_free), or NULL when zlib fails. */
struct xml_sink *xml_sink_new(bool is_gzip, size_t max_out);

/* xml_sink_output - a libxml2 output buffer writing into s, for
 * xmlNewTextWriter (which takes ownership of it and closes it when
 * freed); s must outlive it.  NULL when libxml2 fails. */
xmlOutputBufferPtr xml_sink_output(struct xml_sink *s);

/* xml_sink_finish - after the writer was freed: end the gzip stream and
 * hand over the bytes.  0 with *out (caller frees with free();
 * NUL-terminated for plain XML) and *out_len, or -1 when a write failed
 * (past max_out, or zlib). */
int xml_sink_finish(struct xml_sink *s, char **out,
                    size_t *out_len) WARN_UNUSED;

/* xml_sink_free - release the sink (NULL is a no-op). */
void xml_sink_free(struct xml_sink *s);

#endif
