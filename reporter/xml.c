/*
 * xml - write one RFC 7489 Appendix C or RFC 9990 aggregate report, row by
 * row.
 *
 * The document is produced by libxml2's xmlTextWriter only (it escapes all
 * text), in schema order: version, report_metadata (org_name, email,
 * extra_contact_info, report_id, date_range, error), policy_published
 * (domain adkim aspf p sp pct fo, all always written), then one record per
 * row: row (source_ip, count, policy_evaluated: disposition dkim spf
 * reason*), identifiers (envelope_to, envelope_from, header_from),
 * auth_results (every dkim, then every spf with its scope).  The writer's
 * output goes through reporter/xml_sink.c (gzip or plain, bounded).  No
 * indentation: measured with tests/tools/bench-xml, it costs a fifth of
 * the writer's time.
 *
 * An RFC 9990 report (agg_head.format) has its own functions below the
 * RFC 7489 ones, sharing only the element helpers, so the two formats
 * never mix (standards.md 7.4): every element in the namespace
 * urn:ietf:params:xml:ns:dmarc-2.0 (a default namespace declared on
 * <feedback>); report_metadata with at most one error (several are
 * joined with "; ") and generator; policy_published with np,
 * discovery_method and testing and without pct; identifiers with
 * envelope_from as it is (empty for the null sender, section 3.1.1.10);
 * every DKIM result with its selector (required: empty when unknown);
 * at most one SPF result (the mfrom one, else the first, then without
 * scope: RFC 9990 knows only mfrom); override types RFC 9990 dropped
 * (forwarded, sampled_out) written as "other" with the word as comment.
 *
 * It does not decide what goes into the rows or validate them against
 * the schema (the tests do, with the Appendix C and RFC 9990 schemas).
 *
 * STANDARDS: RFC 7489 section 7.2 and Appendix C; errata 5221 and 7865
 * (IPv6 pattern: addresses are written fully expanded, see agg.h); RFC
 * 9990 section 3.1.1, 3.1.6 and Appendix A; XML 1.0 section 2.2
 * (allowed characters).
 *
 * Ownership: the report owns the writer and the sink (which holds the
 * output until xml_end hands the bytes over).  Thread safety: one report per
 * thread.
 */
#include "reporter/xml.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "reporter/xml_sink.h"
#include "reporter/xml_text.h"

/* XC - a C string as libxml2 text (BAD_CAST would drop const) */
#define XC(s) ((const xmlChar *)(s))

/* XML_NS_9990 - the RFC 9990 namespace (section 6) */
#define XML_NS_9990 "urn:ietf:params:xml:ns:dmarc-2.0"

/* one report being written */
struct xml_report {
    xmlTextWriterPtr w;    /* the libxml2 writer; NULL once closed */
    bool is_failed;        /* output failed: the report is unusable */
    bool is_9990;          /* RFC 9990 format, else RFC 7489 */
    struct xml_sink *sink; /* where the bytes go (gzip or plain) */
    struct buf text;       /* scratch: a string after UTF-8 repair */
    size_t rows;           /* records written */
};

/* libxml_error - libxml2's generic error handler: its messages (such as
 * "I/O error" when the output limit is reached) go to the debug log; the
 * failure itself reaches the caller through the return values */
static void LOG_FMT(2, 3) libxml_error(void *ctx, const char *fmt, ...)
{
    char line[256];
    va_list ap;

    (void)ctx;
    va_start(ap, fmt);
    (void)vsnprintf(line, sizeof(line), fmt, ap); /* cut: a debug line */
    va_end(ap);
    line[strcspn(line, "\n")] = '\0';
    log_debug("xml: libxml2: %s", line);
}

/* is_plain - s is printable ASCII only (the usual case: domain names,
 * addresses, numbers), valid XML character data as it is */
static bool
is_plain(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p >= 0x7f)
            return false;
    }
    return true;
}

/* clean_text - s as XML 1.0 character data: s itself when it is plain
 * (the usual case, checked here without a call), else a repaired copy in
 * x->text (xml_text_repair) */
static const char *
clean_text(struct xml_report *x, const char *s)
{
    if (is_plain(s))
        return s;
    if (xml_text_repair(s, &x->text) < 0)
        log_panic("xml: text longer than XML_MAX_TEXT passed the check");
    return buf_cstr(&x->text);
}

/* elem - write <name>text</name>; failures are collected in is_failed */
static void
elem(struct xml_report *x, const char *name, const char *text)
{
    if (xmlTextWriterWriteElement(x->w, XC(name), XC(clean_text(x, text))) < 0)
        x->is_failed = true;
}

/* elem_opt - elem() when text is neither NULL nor empty */
static void
elem_opt(struct xml_report *x, const char *name, const char *text)
{
    if (text != NULL && *text != '\0')
        elem(x, name, text);
}

/* elem_token - write <name>token</name> where token is one of our own
 * names (agg_*_str), digits or an address agg_row_check wrote: never
 * data from the database, so there is nothing to escape and the writer
 * takes it as it is (its escaping copy costs a tenth of the writer's
 * time in BENCH=reports) */
static void
elem_token(struct xml_report *x, const char *name, const char *token)
{
    if (xmlTextWriterStartElement(x->w, XC(name)) < 0 ||
        xmlTextWriterWriteRaw(x->w, XC(token)) < 0 ||
        xmlTextWriterEndElement(x->w) < 0)
        x->is_failed = true;
}

/* elem_num - write <name>v</name> for a signed integer */
static void
elem_num(struct xml_report *x, const char *name, int64_t v)
{
    char num[24];
    char *p = num + sizeof(num) - 1;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    *p = '\0';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (v < 0)
        *--p = '-';
    elem_token(x, name, p);
}

/* start - open element name */
static void
start(struct xml_report *x, const char *name)
{
    if (xmlTextWriterStartElement(x->w, XC(name)) < 0)
        x->is_failed = true;
}

/* end - close the innermost element */
static void
end(struct xml_report *x)
{
    if (xmlTextWriterEndElement(x->w) < 0)
        x->is_failed = true;
}

/* write_meta - <report_metadata>, children in schema (sequence) order */
static void
write_meta(struct xml_report *x, const struct agg_meta *m)
{
    start(x, "report_metadata");
    elem(x, "org_name", m->org_name);
    elem(x, "email", m->email);
    elem_opt(x, "extra_contact_info", m->extra_contact_info);
    elem(x, "report_id", m->report_id);
    start(x, "date_range");
    elem_num(x, "begin", m->begin);
    elem_num(x, "end", m->end);
    end(x);
    for (size_t i = 0; i < m->error_count; i++)
        elem(x, "error", m->errors[i]);
    end(x);
}

/* write_policy - <policy_published>, every element always written */
static void
write_policy(struct xml_report *x, const struct agg_policy *p)
{
    start(x, "policy_published");
    elem(x, "domain", p->domain);
    elem_token(x, "adkim", agg_alignment_str(p->adkim));
    elem_token(x, "aspf", agg_alignment_str(p->aspf));
    elem_token(x, "p", agg_disposition_str(p->p));
    elem_token(x, "sp", agg_disposition_str(p->sp));
    elem_num(x, "pct", (int64_t)p->pct);
    elem(x, "fo", p->fo != NULL && *p->fo != '\0' ? p->fo : "0");
    end(x);
}

/* write_errors_9990 - RFC 9990's single <error>: the errors of m joined
 * with "; " (x->text bounds them: the result must fit XML_MAX_TEXT) */
static void
write_errors_9990(struct xml_report *x, const struct agg_meta *m)
{
    struct buf joined;

    if (m->error_count == 0)
        return;
    if (m->error_count == 1) {
        elem(x, "error", m->errors[0]);
        return;
    }
    buf_init(&joined, XML_MAX_TEXT);
    for (size_t i = 0; i < m->error_count; i++) {
        if ((i > 0 && buf_append(&joined, "; ", 2) < 0) ||
            buf_append(&joined, m->errors[i], strlen(m->errors[i])) < 0) {
            x->is_failed = true; /* refused, never cut (STYLE) */
            break;
        }
    }
    if (!x->is_failed)
        elem(x, "error", buf_cstr(&joined));
    buf_free(&joined);
}

/* write_meta_9990 - RFC 9990 <report_metadata> (xs:all; written in the
 * order of Appendix A) with the generator of h */
static void
write_meta_9990(struct xml_report *x, const struct agg_head *h)
{
    const struct agg_meta *m = h->meta;

    start(x, "report_metadata");
    elem(x, "org_name", m->org_name);
    elem(x, "email", m->email);
    elem_opt(x, "extra_contact_info", m->extra_contact_info);
    elem(x, "report_id", m->report_id);
    start(x, "date_range");
    elem_num(x, "begin", m->begin);
    elem_num(x, "end", m->end);
    end(x);
    write_errors_9990(x, m);
    elem_opt(x, "generator", h->generator);
    end(x);
}

/* write_policy_9990 - RFC 9990 <policy_published>: no pct; tags not
 * published carry their defaults (section 3.1.1.5); discovery_method only
 * when the history recorded it */
static void
write_policy_9990(struct xml_report *x, const struct agg_policy *p)
{
    const char *disc = agg_discovery_str(p->discovery);

    start(x, "policy_published");
    elem(x, "domain", p->domain);
    elem_token(x, "p", agg_disposition_str(p->p));
    elem_token(x, "sp", agg_disposition_str(p->sp));
    elem_token(x, "np", agg_disposition_str(p->np));
    elem_token(x, "adkim", agg_alignment_str(p->adkim));
    elem_token(x, "aspf", agg_alignment_str(p->aspf));
    if (disc != NULL)
        elem_token(x, "discovery_method", disc);
    elem(x, "fo", p->fo != NULL && *p->fo != '\0' ? p->fo : "0");
    elem_token(x, "testing", p->is_testing ? "y" : "n");
    end(x);
}

/* write_head - <feedback>, <version>, metadata and policy in h's format */
static void
write_head(struct xml_report *x, const struct agg_head *h)
{
    if (!x->is_9990) {
        start(x, "feedback");
        elem(x, "version", XML_VERSION);
        write_meta(x, h->meta);
        write_policy(x, h->policy);
        return;
    }
    /* a default namespace: every element below is in it (Appendix A,
     * elementFormDefault qualified) */
    if (xmlTextWriterStartElementNS(x->w, NULL, XC("feedback"),
                                    XC(XML_NS_9990)) < 0)
        x->is_failed = true;
    elem(x, "version", XML_VERSION);
    write_meta_9990(x, h);
    write_policy_9990(x, h->policy);
}

/* text_fits - strings of the metadata and policy fit XML_MAX_TEXT */
static bool
text_fits(const char *s)
{
    return s == NULL || strlen(s) <= XML_MAX_TEXT;
}

/* head_fits - every string of h fits XML_MAX_TEXT */
static bool
head_fits(const struct agg_head *h)
{
    const struct agg_meta *m = h->meta;
    const struct agg_policy *p = h->policy;

    if (!text_fits(m->org_name) || !text_fits(m->email) ||
        !text_fits(m->extra_contact_info) || !text_fits(m->report_id) ||
        !text_fits(p->domain) || !text_fits(p->fo) || !text_fits(h->generator))
        return false;
    for (size_t i = 0; i < m->error_count; i++) {
        if (!text_fits(m->errors[i]))
            return false;
    }
    return true;
}

/* report_open - allocate x and connect the writer to the sink */
static struct xml_report *
report_open(bool is_gzip, size_t max_out)
{
    struct xml_report *x = xcalloc(1, sizeof(*x));
    xmlOutputBufferPtr ob;

    buf_init(&x->text, XML_MAX_TEXT);
    x->sink = xml_sink_new(is_gzip, max_out);
    if (x->sink == NULL)
        goto fail;
    ob = xml_sink_output(x->sink);
    if (ob == NULL)
        goto fail;
    x->w = xmlNewTextWriter(ob); /* takes ownership of ob */
    if (x->w == NULL) {
        (void)xmlOutputBufferClose(ob); /* nothing written yet */
        goto fail;
    }
    return x;
fail:
    xml_free(x);
    return NULL;
}

struct xml_report *
xml_begin(const struct agg_meta *m, const struct agg_policy *p, bool is_gzip,
          size_t max_out, const char **why)
{
    struct agg_head h = { m, p, AGG_FORMAT_RFC7489, NULL };

    return xml_begin_head(&h, is_gzip, max_out, why);
}

struct xml_report *
xml_begin_head(const struct agg_head *h, bool is_gzip, size_t max_out,
               const char **why)
{
    struct xml_report *x;

    if (agg_meta_check(h->meta, why) < 0 ||
        agg_policy_check(h->policy, why) < 0)
        return NULL;
    if (!head_fits(h)) {
        *why = "metadata string too long";
        return NULL;
    }
    xmlSetGenericErrorFunc(NULL, libxml_error); /* this thread only */
    x = report_open(is_gzip, max_out);
    if (x == NULL) {
        *why = "cannot set up the XML writer";
        return NULL;
    }
    x->is_9990 = h->format == AGG_FORMAT_RFC9990;
    if (xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0)
        x->is_failed = true;
    write_head(x, h);
    if (x->is_failed) {
        *why = "XML output failed";
        xml_free(x);
        return NULL;
    }
    return x;
}

/* row_fits - every string of r fits XML_MAX_TEXT */
static bool
row_fits(const struct agg_row *r)
{
    if (!text_fits(r->header_from) || !text_fits(r->envelope_from) ||
        !text_fits(r->envelope_to))
        return false;
    for (size_t i = 0; i < r->reason_count; i++) {
        if (!text_fits(r->reasons[i].comment))
            return false;
    }
    for (size_t i = 0; i < r->dkim_count; i++) {
        const struct agg_dkim *d = &r->dkim_results[i];

        if (!text_fits(d->domain) || !text_fits(d->selector) ||
            !text_fits(d->human_result))
            return false;
    }
    for (size_t i = 0; i < r->spf_count; i++) {
        if (!text_fits(r->spf_results[i].domain))
            return false;
    }
    return true;
}

/* envelope_from - the value written for r's envelope_from (see xml.h) */
static const char *
envelope_from(const struct agg_row *r)
{
    if (r->envelope_from != NULL && *r->envelope_from != '\0')
        return r->envelope_from;
    for (size_t i = 0; i < r->spf_count; i++) {
        if (r->spf_results[i].scope == AGG_SCOPE_HELO)
            return r->spf_results[i].domain;
    }
    return "";
}

/* write_reason - one <reason>; a type the format does not have is
 * written as "other" with the type's word as comment when there is none
 * (policy_test_mode in RFC 7489; forwarded, sampled_out in RFC 9990) */
static void
write_reason(struct xml_report *x, const struct agg_reason *rs)
{
    enum agg_reason_type t = rs->type;
    const char *comment = rs->comment;
    bool is_known =
        x->is_9990 ? t != AGG_REASON_FORWARDED && t != AGG_REASON_SAMPLED_OUT
                   : t != AGG_REASON_POLICY_TEST_MODE;

    if (!is_known) {
        if (comment == NULL || *comment == '\0')
            comment = agg_reason_str(t);
        t = AGG_REASON_OTHER;
    }
    start(x, "reason");
    elem_token(x, "type", agg_reason_str(t));
    elem_opt(x, "comment", comment);
    end(x);
}

/* write_row - <row> with <policy_evaluated> in sequence order */
static void
write_row(struct xml_report *x, const struct agg_row *r, const char *ip)
{
    start(x, "row");
    elem_token(x, "source_ip", ip);
    elem_num(x, "count", (int64_t)r->count);
    start(x, "policy_evaluated");
    elem_token(x, "disposition", agg_disposition_str(r->disposition));
    elem_token(x, "dkim", agg_dmarc_result_str(r->dkim));
    elem_token(x, "spf", agg_dmarc_result_str(r->spf));
    for (size_t i = 0; i < r->reason_count; i++)
        write_reason(x, &r->reasons[i]);
    end(x);
    end(x);
}

/* write_auth - <auth_results>: every DKIM result, then every SPF result */
static void
write_auth(struct xml_report *x, const struct agg_row *r)
{
    start(x, "auth_results");
    for (size_t i = 0; i < r->dkim_count; i++) {
        const struct agg_dkim *d = &r->dkim_results[i];

        start(x, "dkim");
        elem(x, "domain", d->domain);
        elem_opt(x, "selector", d->selector);
        elem_token(x, "result", agg_dkim_result_str(d->result));
        elem_opt(x, "human_result", d->human_result);
        end(x);
    }
    for (size_t i = 0; i < r->spf_count; i++) {
        const struct agg_spf *s = &r->spf_results[i];

        start(x, "spf");
        elem(x, "domain", s->domain);
        elem_token(x, "scope", agg_spf_scope_str(s->scope));
        /* Appendix C has no SPF "policy" (agg_spf_from_code: none) */
        elem_token(x, "result",
                   agg_spf_result_str(s->result == AGG_SPF_POLICY ? AGG_SPF_NONE
                                                                  : s->result));
        end(x);
    }
    end(x);
}

/* write_ids_9990 - RFC 9990 <identifiers>: envelope_from as it is, empty
 * for the null sender (section 3.1.1.10) */
static void
write_ids_9990(struct xml_report *x, const struct agg_row *r)
{
    start(x, "identifiers");
    elem(x, "header_from", r->header_from);
    elem(x, "envelope_from", r->envelope_from != NULL ? r->envelope_from : "");
    elem_opt(x, "envelope_to", r->envelope_to);
    end(x);
}

/* spf_9990 - the one SPF result RFC 9990 reports: the mfrom one, else the
 * first (the HELO check of a null sender) */
static const struct agg_spf *
spf_9990(const struct agg_row *r)
{
    for (size_t i = 0; i < r->spf_count; i++) {
        if (r->spf_results[i].scope == AGG_SCOPE_MFROM)
            return &r->spf_results[i];
    }
    return r->spf_count > 0 ? &r->spf_results[0] : NULL;
}

/* write_auth_9990 - RFC 9990 <auth_results>: every DKIM result with its
 * selector (required, empty when unknown), then at most one SPF result,
 * its scope only when mfrom (the one scope RFC 9990 has) */
static void
write_auth_9990(struct xml_report *x, const struct agg_row *r)
{
    const struct agg_spf *s = spf_9990(r);

    start(x, "auth_results");
    for (size_t i = 0; i < r->dkim_count; i++) {
        const struct agg_dkim *d = &r->dkim_results[i];

        start(x, "dkim");
        elem(x, "domain", d->domain);
        elem(x, "selector", d->selector != NULL ? d->selector : "");
        elem_token(x, "result", agg_dkim_result_str(d->result));
        elem_opt(x, "human_result", d->human_result);
        end(x);
    }
    if (s != NULL) {
        start(x, "spf");
        elem(x, "domain", s->domain);
        if (s->scope == AGG_SCOPE_MFROM)
            elem_token(x, "scope", agg_spf_scope_str(s->scope));
        elem_token(x, "result", agg_spf_result_str(s->result));
        end(x);
    }
    end(x);
}

/* write_record - one <record> in the report's format */
static void
write_record(struct xml_report *x, const struct agg_row *r, const char *ip)
{
    start(x, "record");
    write_row(x, r, ip);
    if (x->is_9990) {
        write_ids_9990(x, r);
        write_auth_9990(x, r);
    } else {
        start(x, "identifiers");
        elem_opt(x, "envelope_to", r->envelope_to);
        elem(x, "envelope_from", envelope_from(r));
        elem(x, "header_from", r->header_from);
        end(x);
        write_auth(x, r);
    }
    end(x);
}

enum xml_status
xml_row(struct xml_report *x, const struct agg_row *r, const char **why)
{
    char ip[AGG_IP_SIZE];

    if (x->is_failed || x->w == NULL) {
        *why = "XML output failed earlier";
        return XML_ERR;
    }
    if (agg_row_check(r, ip, why) < 0)
        return XML_BADINPUT;
    if (!row_fits(r)) {
        *why = "row string too long";
        return XML_BADINPUT;
    }
    write_record(x, r, ip);
    if (x->is_failed) {
        *why = "XML output failed (report too large?)";
        return XML_ERR;
    }
    x->rows++;
    return XML_OK;
}

size_t
xml_rows(const struct xml_report *x)
{
    return x->rows;
}

int
xml_end(struct xml_report *x, char **out, size_t *out_len, const char **why)
{
    if (x->rows == 0) {
        *why = "no record written";
        return -1;
    }
    if (xmlTextWriterEndDocument(x->w) < 0 || xmlTextWriterFlush(x->w) < 0)
        x->is_failed = true;
    xmlFreeTextWriter(x->w); /* closes the output buffer */
    x->w = NULL;
    if (x->is_failed || xml_sink_finish(x->sink, out, out_len) < 0) {
        *why = "XML output failed (report too large?)";
        return -1;
    }
    return 0;
}

void
xml_free(struct xml_report *x)
{
    if (x == NULL)
        return;
    if (x->w != NULL)
        xmlFreeTextWriter(x->w);
    xml_sink_free(x->sink);
    buf_free(&x->text);
    free(x);
}
