/*
 * testxml - test helpers: schema validation and gunzip.
 *
 * STANDARDS: RFC 7489 Appendix C; RFC 9990 Appendix A; RFC 1952.
 * Thread safety: none; the compiled schemas are cached for the process.
 */
#include "tests/lib/testxml.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "common/buf.h"
#include "common/xalloc.h"

/* TESTXML_MAX - largest schema or decompressed report read by the tests */
#define TESTXML_MAX ((size_t)64 * 1024 * 1024)

/* the compiled schemas, loaded on first use */
static xmlSchemaPtr schema;
static xmlSchemaPtr schema9990;
/* the first error message of the current validation */
static char first_error[512];

const char *
testxml_path(const char *rel)
{
    static char path[4096];
    const char *top = getenv("TOP"); /* NOLINT(concurrency-mt-unsafe):
                                        tests are single-threaded */

    (void)snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
    return path;
}

/* read_file - the whole file at path into b */
static int
read_file(const char *path, struct buf *b)
{
    FILE *f = fopen(path, "rb");
    char chunk[4096];
    size_t n;
    int rc = 0;

    if (f == NULL)
        return -1;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf_append(b, chunk, n) < 0) {
            rc = -1;
            break;
        }
    }
    if (ferror(f))
        rc = -1;
    (void)fclose(f); /* read-only */
    return rc;
}

/* strip_target_ns - remove ' targetNamespace="..."' from the schema text */
static void
strip_target_ns(struct buf *b)
{
    char *p = strstr(b->data, " targetNamespace=\"");
    char *q;

    if (p == NULL)
        return;
    q = strchr(p + 18, '"');
    if (q == NULL)
        return;
    memmove(p, q + 1, strlen(q + 1) + 1);
    b->len = strlen(b->data);
}

/* compile - the schema in file rel, its targetNamespace removed when
 * is_strip; NULL when it does not load */
static xmlSchemaPtr
compile(const char *rel, bool is_strip)
{
    struct buf b;
    xmlSchemaParserCtxtPtr pc;
    xmlSchemaPtr s = NULL;

    buf_init(&b, TESTXML_MAX);
    if (read_file(testxml_path(rel), &b) < 0) {
        buf_free(&b);
        return NULL;
    }
    if (is_strip)
        strip_target_ns(&b);
    pc = xmlSchemaNewMemParserCtxt(b.data, (int)b.len);
    if (pc != NULL) {
        s = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    buf_free(&b);
    return s;
}

/* load_schema - compile the test copy of the RFC 7489 schema once */
static xmlSchemaPtr
load_schema(void)
{
    if (schema == NULL)
        schema = compile("tests/data/xsd/rfc7489-appendix-c.xsd", true);
    return schema;
}

/* load_schema9990 - compile the RFC 9990 schema once, as it is */
static xmlSchemaPtr
load_schema9990(void)
{
    if (schema9990 == NULL)
        schema9990 = compile("tests/data/xsd/rfc9990-aggregate.xsd", false);
    return schema9990;
}

/* on_error - keep the first structured error message */
static void
on_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    if (first_error[0] == '\0' && e != NULL && e->message != NULL)
        (void)snprintf(first_error, sizeof(first_error), "line %d: %s", e->line,
                       e->message);
}

/* validate - doc against s (NULL: the schema did not load) */
static int
validate(xmlSchemaPtr s, const char *doc, size_t len, char *err,
         size_t err_size)
{
    xmlSchemaValidCtxtPtr vc;
    xmlDocPtr d;
    int rc = -1;

    first_error[0] = '\0';
    if (s == NULL) {
        (void)snprintf(err, err_size, "schema does not load");
        return -1;
    }
    d = xmlReadMemory(doc, (int)len, "report.xml", NULL, XML_PARSE_NONET);
    if (d == NULL) {
        (void)snprintf(err, err_size, "not well-formed XML");
        return -1;
    }
    vc = xmlSchemaNewValidCtxt(s);
    if (vc != NULL) {
        xmlSchemaSetValidStructuredErrors(vc, on_error, NULL);
        rc = xmlSchemaValidateDoc(vc, d) == 0 ? 0 : -1;
        xmlSchemaFreeValidCtxt(vc);
    }
    xmlFreeDoc(d);
    (void)snprintf(err, err_size, "%s", first_error);
    return rc;
}

int
testxml_validate(const char *doc, size_t len, char *err, size_t err_size)
{
    return validate(load_schema(), doc, len, err, err_size);
}

int
testxml_validate9990(const char *doc, size_t len, char *err, size_t err_size)
{
    return validate(load_schema9990(), doc, len, err, err_size);
}

const char *
testxml_order(const char *doc, const char *const *list)
{
    const char *at = doc;

    for (size_t i = 0; list[i] != NULL; i++) {
        const char *p = strstr(at, list[i]);

        if (p == NULL)
            return list[i];
        at = p + strlen(list[i]);
    }
    return NULL;
}

char *
testxml_gunzip(const char *gz, size_t gz_len, size_t *out_len)
{
    z_stream zs;
    struct buf b;
    unsigned char chunk[16384];
    int zrc;

    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 31) != Z_OK)
        return NULL;
    buf_init(&b, TESTXML_MAX);
    zs.next_in = (unsigned char *)(uintptr_t)gz;
    zs.avail_in = (uInt)gz_len;
    do {
        zs.next_out = chunk;
        zs.avail_out = sizeof(chunk);
        zrc = inflate(&zs, Z_NO_FLUSH);
        if ((zrc != Z_OK && zrc != Z_STREAM_END) ||
            buf_append(&b, chunk, sizeof(chunk) - zs.avail_out) < 0) {
            zrc = Z_DATA_ERROR;
            break;
        }
    } while (zrc != Z_STREAM_END);
    (void)inflateEnd(&zs);
    if (zrc != Z_STREAM_END || zs.avail_in != 0) {
        buf_free(&b);
        return NULL;
    }
    *out_len = b.len;
    return buf_steal(&b);
}
