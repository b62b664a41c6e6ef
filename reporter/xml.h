/*
 * xml - write one RFC 7489 Appendix C or RFC 9990 aggregate report, row by
 * row.
 *
 * xml_begin() writes the XML declaration (UTF-8), <feedback>, <version>,
 * <report_metadata> and <policy_published>; xml_row() writes one <record>;
 * xml_end() closes the document and hands over the bytes.  Output goes
 * through libxml2's xmlTextWriter (which escapes every string) straight
 * into a gzip stream (RFC 1952) or a plain buffer, so only the compressed
 * report is held in memory, never the rows.
 *
 * Thread safety: one report per thread; libxml2 must have been initialised
 * (xmlInitParser) before threads start.
 */
#ifndef DMARC_REPORTER_XML_H
#define DMARC_REPORTER_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "reporter/agg.h"

/* XML_MAX_TEXT - longest string written into one element (bytes, after
 * UTF-8 repair).  Domain names are at most 253; comments and
 * human_result are ours or an Authentication-Results excerpt. */
#define XML_MAX_TEXT 2048

/* XML_VERSION - the <version> of RFC 7489 reports (Appendix C requires the
 * element; "1.0" is what RFC 9990 fixes and what receivers expect) */
#define XML_VERSION "1.0"

/* outcome of xml_row */
enum xml_status {
    XML_OK = 0,       /* the record was written */
    XML_BADINPUT = 1, /* the row is incomplete: nothing was written */
    XML_ERR = 2       /* the output failed (too large, or libxml2): the
                         report is unusable */
};

struct xml_report;

/* xml_begin - start a report with metadata m and policy p (both borrowed
 * for the call only).  The output is gzip-compressed when is_gzip, else
 * plain XML, and may grow to at most max_out bytes.  Returns the report,
 * which the caller frees with xml_free, or NULL with *why set when m or p
 * is incomplete or libxml2 fails.  Sets libxml2's generic error handler
 * of the calling thread to one that logs at debug level. */
struct xml_report *xml_begin(const struct agg_meta *m,
                             const struct agg_policy *p, bool is_gzip,
                             size_t max_out, const char **why);

/* xml_begin_head - as xml_begin for the metadata and policy of h (all
 * borrowed for the call only), in h->format: AGG_FORMAT_RFC7489 writes
 * exactly what xml_begin writes; AGG_FORMAT_RFC9990 writes RFC 9990
 * Appendix A (namespace urn:ietf:params:xml:ns:dmarc-2.0, np, testing,
 * discovery_method when known, h->generator when set, no pct, one
 * <error> joining several with "; ").  The rows that follow are written
 * in the same format (see xml_row). */
struct xml_report *xml_begin_head(const struct agg_head *h, bool is_gzip,
                                  size_t max_out, const char **why);

/* xml_row - write r (borrowed for the call) as one <record>.  Strings are
 * written as UTF-8: an invalid byte or a control character other than
 * TAB, LF and CR becomes '?' (XML 1.0 cannot carry them).  A null sender
 * (envelope_from NULL or "") is written as the domain of the first SPF
 * result with scope helo, else as an empty element: Appendix C requires
 * <envelope_from> (minOccurs 1) and xs:string allows it empty (RFC 9990
 * section 3.1.1.8 writes the null sender that way too).  In an RFC 9990
 * report the null sender is always an empty <envelope_from>, every DKIM
 * result has a <selector> (empty when unknown), only one SPF result is
 * written (the mfrom one, else the first, without scope), and reasons
 * RFC 9990 dropped (forwarded, sampled_out) become "other"; in an RFC
 * 7489 report policy_test_mode becomes "other".  Returns XML_OK,
 * XML_BADINPUT with *why (nothing written; the report stays usable) or
 * XML_ERR with *why. */
enum xml_status xml_row(struct xml_report *x, const struct agg_row *r,
                        const char **why) WARN_UNUSED;

/* xml_rows - the number of records written so far. */
size_t xml_rows(const struct xml_report *x);

/* xml_end - close the document.  On success *out (caller frees with
 * free(); NUL-terminated for plain XML) and *out_len get the bytes and 0
 * is returned; -1 with *why when no record was written (Appendix C needs
 * at least one), the output exceeded max_out, or libxml2 or zlib failed.
 * Call xml_free afterwards in both cases. */
int xml_end(struct xml_report *x, char **out, size_t *out_len,
            const char **why) WARN_UNUSED;

/* xml_free - release the report (NULL is a no-op). */
void xml_free(struct xml_report *x);

#endif
