/*
 * afrf_msg - builds the RFC 6591 failure report message.
 *
 * The fields of the message/feedback-report part are written in the
 * order of RFC 9991 Appendix A's example: the required ARF fields
 * (Feedback-Type, User-Agent, Version), then Auth-Failure,
 * Authentication-Results and Identity-Alignment, then the optional ones.
 * DKIM-Domain, DKIM-Identity and DKIM-Selector are written whenever the
 * message was signed (RFC 7489 section 7.3.1; RFC 9991 section 4 asks
 * for them only for an aligned DKIM failure, a subset), SPF-DNS whenever
 * the SPF record is known.  It neither decides nor sends (afrf.c).
 *
 * STANDARDS: RFC 5965 sections 2, 3 (ARF); RFC 6591 section 3 (auth
 * failure fields); RFC 6692 (Source-Port); RFC 7489 section 7.3.1;
 * RFC 9991 section 4, Appendix A; RFC 6522 (multipart/report);
 * RFC 5322 section 3.6; RFC 3834 (Auto-Submitted); RFC 2046 (MIME).
 *
 * Thread safety: thread-safe.
 */
#include "reporter/afrf_msg.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/ascii.h"
#include "reporter/deliver.h"
#include "reporter/mail.h"

/* AFRF_MSG_MAX_FIELD - one feedback field value after cleaning: a long
 * Authentication-Results or SPF record; longer values are an error */
#define AFRF_MSG_MAX_FIELD 8192
/* AFRF_MSG_BOUNDARY - "=_dmarcsuite_" 32 hex "_afrf" NUL */
#define AFRF_MSG_BOUNDARY 64

/* clean - s with every byte outside printable ASCII as '?' into out;
 * false when it does not fit */
static bool
clean(const char *s, char *out, size_t size)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        if (n + 1 >= size)
            return false;
        out[n] = '?';
        if (ascii_is_print(*s))
            out[n] = *s;
        n++;
    }
    out[n] = '\0';
    return true;
}

/* field - one cleaned, folded "name: value" line; NULL value: nothing */
static int
field(struct buf *out, const char *name, const char *value)
{
    char v[AFRF_MSG_MAX_FIELD];

    if (value == NULL)
        return 0;
    if (!clean(value, v, sizeof(v)))
        return -1;
    return mail_header(out, name, v);
}

int
afrf_msg_spf_dns(const char *domain, const char *rec, size_t rec_len, char *out,
                 size_t size)
{
    int k = snprintf(out, size, "txt : %s : \"", domain);
    size_t n;

    /* the prefix, the closing quote and the NUL */
    if (k < 0 || (size_t)k + 2 > size)
        return -1;
    n = (size_t)k;
    for (size_t i = 0; i < rec_len; i++) {
        bool is_special = rec[i] == '"' || rec[i] == '\\';

        /* room for a quoted-pair, the closing quote and the NUL */
        if (n + (is_special ? 2 : 1) + 2 > size)
            return -1;
        if (is_special)
            out[n++] = '\\';
        out[n++] = rec[i];
    }
    out[n++] = '"';
    out[n] = '\0';
    return 0;
}

void
afrf_msg_subject(const struct afrf_report *r, char *out, size_t size)
{
    char d[256];
    char ip[64];

    if (!clean(r->domain, d, sizeof(d)))
        memcpy(d, "(long domain)", sizeof("(long domain)"));
    if (r->source_ip == NULL || !clean(r->source_ip, ip, sizeof(ip)))
        memcpy(ip, "(unknown)", sizeof("(unknown)"));
    (void)snprintf(out, size, "DMARC failure report for %s from %s", d, ip);
}

/* head - the message's own header fields */
static int
head(struct buf *out, const struct afrf_report *r, const char *to, int64_t now,
     const char *boundary)
{
    char date[MAIL_DATE_SIZE];
    char msgid[MAIL_MSGID_SIZE];
    char subject[600];

    if (mail_date(now, date, sizeof(date)) < 0 ||
        mail_message_id(r->host, now, msgid, sizeof(msgid)) < 0)
        return -1;
    afrf_msg_subject(r, subject, sizeof(subject));
    if (mail_header(out, "From", r->from) < 0 ||
        mail_header(out, "To", to) < 0 || mail_header(out, "Date", date) < 0 ||
        mail_header(out, "Message-ID", msgid) < 0 ||
        mail_header(out, "Subject", subject) < 0 ||
        mail_header(out, "MIME-Version", "1.0") < 0 ||
        mail_header(out, "Auto-Submitted", "auto-generated") < 0)
        return -1;
    return buf_printf(out,
                      "Content-Type: multipart/report;\r\n"
                      " report-type=feedback-report;\r\n"
                      " boundary=\"%s\"\r\n"
                      "\r\nThis is a MIME-formatted message.\r\n",
                      boundary);
}

/* text_part - the human-readable part (RFC 5965 section 2 item b) */
static int
text_part(struct buf *out, const struct afrf_report *r, const char *boundary)
{
    char subject[600];
    char date[MAIL_DATE_SIZE];

    afrf_msg_subject(r, subject, sizeof(subject));
    if (mail_date(r->arrival, date, sizeof(date)) < 0)
        memcpy(date, "(unknown)", sizeof("(unknown)"));
    return buf_printf(
        out,
        "\r\n--%s\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "Content-Transfer-Encoding: 7bit\r\n\r\n"
        "This is an authentication failure report (RFC 6591) about a\r\n"
        "message received on %s.\r\n\r\n"
        "%s.\r\nDMARC result: %s; failure reported: %s.\r\n"
        "What happened to the message: %s.\r\n"
        "The machine-readable report and %s follow.\r\n",
        boundary, date, subject, r->dmarc, afrf_kind_name(r->kind),
        r->delivery != NULL ? r->delivery : "unknown",
        r->body != NULL ? "the whole message" : "the header of the message");
}

/* feedback_fields - the ARF fields (RFC 5965 section 3, RFC 6591
 * section 3, RFC 7489 section 7.3.1) */
static int
feedback_fields(struct buf *out, const struct afrf_report *r)
{
    char date[MAIL_DATE_SIZE];
    char mf[DELIVER_MAX_ADDR + 8];
    char rt[DELIVER_MAX_ADDR + 8];
    char port[16];
    char mta[300];

    (void)snprintf(mf, sizeof(mf), "<%s>", r->mail_from);
    (void)snprintf(rt, sizeof(rt), "<%s>",
                   r->rcpt_to != NULL ? r->rcpt_to : "");
    (void)snprintf(port, sizeof(port), "%u", r->source_port);
    (void)snprintf(mta, sizeof(mta), "dns; %s", r->host);
    if (mail_date(r->arrival, date, sizeof(date)) < 0)
        return -1;
    if (field(out, "Feedback-Type", "auth-failure") < 0 ||
        field(out, "User-Agent", r->user_agent) < 0 ||
        field(out, "Version", "1") < 0 ||
        field(out, "Auth-Failure", afrf_kind_name(r->kind)) < 0 ||
        field(out, "Authentication-Results", r->auth_results) < 0 ||
        field(out, "Identity-Alignment", r->alignment) < 0 ||
        field(out, "Original-Envelope-Id", r->jobid) < 0 ||
        field(out, "Original-Mail-From", mf) < 0 ||
        field(out, "Original-Rcpt-To", r->rcpt_to != NULL ? rt : NULL) < 0 ||
        field(out, "Arrival-Date", date) < 0 ||
        field(out, "Reporting-MTA", mta) < 0 ||
        field(out, "Source-IP", r->source_ip) < 0 ||
        field(out, "Source-Port", r->source_port ? port : NULL) < 0 ||
        field(out, "Reported-Domain", r->domain) < 0 ||
        field(out, "Delivery-Result", r->delivery) < 0 ||
        field(out, "DKIM-Domain", r->dkim_domain) < 0 ||
        field(out, "DKIM-Identity", r->dkim_identity) < 0 ||
        field(out, "DKIM-Selector", r->dkim_selector) < 0 ||
        field(out, "SPF-DNS", r->spf_dns) < 0)
        return -1;
    return 0;
}

/* has_8bit - a byte above 0x7f (RFC 6532 header fields, 8-bit bodies) */
static bool
has_8bit(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)p[i] > 0x7f)
            return true;
    }
    return false;
}

/* original_part - the header, or the whole message (RFC 5965 section 2
 * item d) */
static int
original_part(struct buf *out, const struct afrf_report *r,
              const char *boundary)
{
    bool is_whole = r->body != NULL;
    bool is_8bit = has_8bit(r->headers, r->headers_len) ||
                   (is_whole && has_8bit(r->body, r->body_len));

    if (buf_printf(out,
                   "\r\n--%s\r\nContent-Type: %s\r\n"
                   "Content-Transfer-Encoding: %s\r\n\r\n",
                   boundary,
                   is_whole ? "message/rfc822" : "text/rfc822-headers",
                   is_8bit ? "8bit" : "7bit") < 0 ||
        buf_append(out, r->headers, r->headers_len) < 0)
        return -1;
    if (is_whole && (buf_append(out, "\r\n", 2) < 0 ||
                     buf_append(out, r->body, r->body_len) < 0))
        return -1;
    if (r->headers_len == 0 && buf_append(out, "\r\n", 2) < 0)
        return -1;
    return buf_printf(out, "\r\n--%s--\r\n", boundary);
}

int
afrf_msg_build(const struct afrf_report *r, const char *to, int64_t now,
               struct buf *out, const char **why)
{
    char boundary[AFRF_MSG_BOUNDARY];
    char hex[33];

    if (!deliver_addr_ok(r->from)) {
        *why = "From address refused";
        return -1;
    }
    if (mail_random_hex(hex) < 0) {
        *why = "no random bytes for the boundary";
        return -1;
    }
    (void)snprintf(boundary, sizeof(boundary), "=_dmarcsuite_%s_afrf", hex);
    if (head(out, r, to, now, boundary) < 0) {
        *why = "bad date, Message-ID domain or message too large";
        return -1;
    }
    if (text_part(out, r, boundary) < 0 ||
        buf_printf(out,
                   "\r\n--%s\r\nContent-Type: message/feedback-report\r\n\r\n",
                   boundary) < 0 ||
        feedback_fields(out, r) < 0 || original_part(out, r, boundary) < 0) {
        *why = "report too large";
        return -1;
    }
    return 0;
}
