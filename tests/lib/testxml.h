/*
 * testxml - test helpers: validate a report against the RFC 7489
 * Appendix C schema or the RFC 9990 schema, check the order of strings
 * in a document, and gunzip a buffer.
 *
 * The RFC 9990 schema is tests/data/xsd/rfc9990-aggregate.xsd (a copy of
 * the draft -32 schema, origin in its header), loaded as it is: it
 * compiles and validates only documents in its namespace.
 *
 * The schema is tests/data/xsd/rfc7489-appendix-c.xsd (the reference copy,
 * origin in its header), loaded with its targetNamespace attribute removed
 * in memory, as standards.md section 9.1 explains: real reports carry no
 * namespace and libxml2 cannot compile the verbatim file.
 *
 * Thread safety: none (tests are single-threaded).
 */
#ifndef DMARC_TESTS_LIB_TESTXML_H
#define DMARC_TESTS_LIB_TESTXML_H

#include <stddef.h>

/* testxml_validate - 0 when the len bytes of XML at doc are valid against
 * the schema; -1 otherwise, with the first error message in err. */
int testxml_validate(const char *doc, size_t len, char *err, size_t err_size);

/* testxml_validate9990 - as testxml_validate against the RFC 9990
 * schema. */
int testxml_validate9990(const char *doc, size_t len, char *err,
                         size_t err_size);

/* testxml_gunzip - decompress a gzip buffer; the result (NUL-terminated,
 * caller frees with free()) or NULL when the data is not valid gzip. */
char *testxml_gunzip(const char *gz, size_t gz_len, size_t *out_len);

/* testxml_order - NULL when the strings of list (NULL-terminated) occur
 * in doc in this order; else the first one missing or out of order. */
const char *testxml_order(const char *doc, const char *const *list);

/* testxml_path - TOP/rel, TOP from the environment (tests/run.sh) or ".";
 * a static buffer. */
const char *testxml_path(const char *rel);

#endif
