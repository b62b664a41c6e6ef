/*
 * xml_sink - the output side of the report writer: libxml2 output
 * callbacks into zlib or a bounded buffer.
 *
 * The writer's output buffer feeds zlib directly (deflateInit2 with
 * windowBits 31: the RFC 1952 gzip wrapper, mtime 0, so the same rows
 * give the same bytes).  Compression level 1: measured with
 * tests/tools/bench-xml, it is a fifth faster than the default for 3%
 * more bytes.  It knows nothing of the XML itself (xml.c).
 *
 * STANDARDS: RFC 1952 (gzip, erratum 5371).
 *
 * Ownership: the sink owns the zlib stream and the output until
 * xml_sink_finish hands the bytes over.  Thread safety: one sink per
 * thread.
 */
#include "reporter/xml_sink.h"

#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "common/buf.h"
#include "common/xalloc.h"

/* XML_SINK_CHUNK - zlib output produced per deflate() call */
#define XML_SINK_CHUNK 16384

/* one report's output */
struct xml_sink {
    bool is_gzip;   /* output compressed */
    bool has_zs;    /* zs was initialised */
    bool is_failed; /* a write failed: the output is unusable */
    z_stream zs;    /* the gzip stream */
    struct buf out; /* bytes produced, bounded by max_out */
};

/* sink_deflate - push len bytes (flush mode) through zlib into s->out */
static int
sink_deflate(struct xml_sink *s, const char *p, size_t len, int flush)
{
    unsigned char chunk[XML_SINK_CHUNK];
    int zrc;

    s->zs.next_in = (unsigned char *)(uintptr_t)p; /* zlib: not written */
    s->zs.avail_in = (uInt)len;
    do {
        s->zs.next_out = chunk;
        s->zs.avail_out = sizeof(chunk);
        zrc = deflate(&s->zs, flush);
        if (zrc == Z_STREAM_ERROR)
            return -1;
        if (buf_append(&s->out, chunk, sizeof(chunk) - s->zs.avail_out) < 0)
            return -1;
    } while (s->zs.avail_out == 0 ||
             (flush == Z_FINISH && zrc != Z_STREAM_END));
    return 0;
}

/* sink_write - libxml2 output callback: bytes of the document */
static int
sink_write(void *ctx, const char *p, int len)
{
    struct xml_sink *s = ctx;

    if (len < 0 || s->is_failed)
        return -1;
    if (s->is_gzip ? sink_deflate(s, p, (size_t)len, Z_NO_FLUSH) < 0
                   : buf_append(&s->out, p, (size_t)len) < 0) {
        s->is_failed = true;
        return -1;
    }
    return len;
}

/* sink_close - libxml2 close callback: the stream is finished in
 * xml_sink_finish */
static int
sink_close(void *ctx)
{
    (void)ctx;
    return 0;
}

struct xml_sink *
xml_sink_new(bool is_gzip, size_t max_out)
{
    struct xml_sink *s = xcalloc(1, sizeof(*s));

    s->is_gzip = is_gzip;
    buf_init(&s->out, max_out);
    if (is_gzip) {
        if (deflateInit2(&s->zs, Z_BEST_SPEED, Z_DEFLATED, 31, 8,
                         Z_DEFAULT_STRATEGY) != Z_OK) {
            xml_sink_free(s);
            return NULL;
        }
        s->has_zs = true;
    }
    return s;
}

xmlOutputBufferPtr
xml_sink_output(struct xml_sink *s)
{
    return xmlOutputBufferCreateIO(sink_write, sink_close, s, NULL);
}

int
xml_sink_finish(struct xml_sink *s, char **out, size_t *out_len)
{
    if (!s->is_failed && s->is_gzip && sink_deflate(s, NULL, 0, Z_FINISH) < 0)
        s->is_failed = true;
    if (s->is_failed)
        return -1;
    *out_len = s->out.len;
    *out = buf_steal(&s->out);
    return 0;
}

void
xml_sink_free(struct xml_sink *s)
{
    if (s == NULL)
        return;
    if (s->has_zs)
        (void)deflateEnd(&s->zs); /* Z_DATA_ERROR when unfinished: fine */
    buf_free(&s->out);
    free(s);
}
