/*
 * mail - the report mail and the short error report.
 *
 * Builds whole messages in a bounded buffer: header fields (folded at
 * spaces to stay near 78 characters, RFC 5322 section 2.2.3), a
 * multipart/mixed body (RFC 2046 section 5.1.3) with a text part and the
 * base64 attachment (RFC 2045 section 6.8, 76-character lines), CRLF
 * everywhere.  It neither sends (deliver.c) nor picks destinations.
 *
 * STANDARDS: RFC 7489 sections 7.2.1.1 (report mail), 7.2.2 (error
 * report) and 6.2 (size after transport encoding); RFC 9990 section
 * 3.5.2 (the same mail for its reports); RFC 5322 sections
 * 3.3 (date), 3.6 (fields); RFC 2045, 2046, 2183 (Content-Disposition);
 * RFC 3834 (Auto-Submitted); RFC 6713 (application/gzip).
 *
 * Ownership: the caller owns the output buffer.  Thread safety:
 * thread-safe (gmtime_r, getrandom).
 */
#include "reporter/mail.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common/ascii.h"
#include "reporter/deliver.h"
#include "reporter/naming.h"

/* MAIL_FOLD - fold header lines longer than this (RFC 5322 2.1.1) */
#define MAIL_FOLD 78
/* MAIL_MAX_TEXT - free text (organization name) in the text part */
#define MAIL_MAX_TEXT 256

int
mail_random_hex(char *out)
{
    unsigned char r[16];
    ssize_t n = getrandom(r, sizeof(r), 0);

    if (n != (ssize_t)sizeof(r)) {
        log_err_errno("mail: getrandom");
        return -1;
    }
    for (size_t i = 0; i < sizeof(r); i++) {
        out[2 * i] = "0123456789abcdef"[r[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[r[i] & 15];
    }
    out[32] = '\0';
    return 0;
}

uint64_t
mail_encoded_size(size_t gz_len)
{
    uint64_t chars = ((uint64_t)gz_len + 2) / 3 * 4;
    uint64_t lines = (chars + MAIL_B64_LINE - 1) / MAIL_B64_LINE;

    return chars + 2 * lines;
}

int
mail_date(int64_t t, char *out, size_t out_size)
{
    static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed",
                                     "Thu", "Fri", "Sat" };
    static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr",
                                        "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec" };
    time_t tt = (time_t)t;
    struct tm tm;
    int n;

    if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL || tm.tm_wday < 0 ||
        tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11)
        return -1;
    n = snprintf(out, out_size, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return n < 0 || (size_t)n >= out_size ? -1 : 0;
}

int
mail_message_id(const char *domain, int64_t now, char *out, size_t out_size)
{
    char hex[33];
    int n;

    if (!naming_domain_ok(domain) || mail_random_hex(hex) < 0)
        return -1;
    n = snprintf(out, out_size, "<%s.%" PRId64 "@%s>", hex, now, domain);
    return n < 0 || (size_t)n >= out_size ? -1 : 0;
}

int
mail_header(struct buf *out, const char *name, const char *value)
{
    size_t col = strlen(name) + 2;
    const char *p = value;

    if (buf_printf(out, "%s: ", name) < 0)
        return -1;
    for (;;) {
        size_t word = strcspn(p, " ");
        size_t next;

        if (buf_append(out, p, word) < 0)
            return -1;
        col += word;
        p += word;
        if (*p == '\0')
            break;
        next = strcspn(p + 1, " ");
        if (col + 1 + next > MAIL_FOLD && col > 1) {
            if (buf_append(out, "\r\n", 2) < 0)
                return -1;
            col = 0;
        }
        if (buf_putc(out, ' ') < 0)
            return -1;
        col++;
        p++;
    }
    return buf_append(out, "\r\n", 2);
}

/* is_printable - every byte is printable ASCII (0x20-0x7e) */
static bool
is_printable(const char *s)
{
    for (; *s != '\0'; s++) {
        if (!ascii_is_print(*s))
            return false;
    }
    return true;
}

/* base64 - len bytes at p as base64 lines of MAIL_B64_LINE, CRLF ends */
static int
base64(struct buf *out, const unsigned char *p, size_t len)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              "abcdefghijklmnopqrstuvwxyz0123456789+/";
    char line[MAIL_B64_LINE + 2];
    size_t n = 0;

    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;

        if (i + 1 < len)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        line[n++] = tab[(v >> 18) & 63];
        line[n++] = tab[(v >> 12) & 63];
        line[n++] = '=';
        line[n++] = '=';
        if (i + 1 < len)
            line[n - 2] = tab[(v >> 6) & 63];
        if (i + 2 < len)
            line[n - 1] = tab[v & 63];
        if (n == MAIL_B64_LINE || i + 3 >= len) {
            line[n++] = '\r';
            line[n++] = '\n';
            if (buf_append(out, line, n) < 0)
                return -1;
            n = 0;
        }
    }
    return 0;
}

/* common_head - From To Date Message-ID Subject MIME-Version
 * Auto-Submitted and the multipart Content-Type; boundary gets the
 * boundary string (MAIL_MSGID_SIZE bytes) */
static int
common_head(struct buf *out, const char *const *f, int64_t date, char *boundary,
            const char **why)
{
    char datestr[MAIL_DATE_SIZE];
    char msgid[MAIL_MSGID_SIZE];
    char hex[33];

    if (!deliver_addr_ok(f[0]) || !deliver_addr_ok(f[1])) {
        *why = "From or To address refused";
        return -1;
    }
    if (mail_date(date, datestr, sizeof(datestr)) < 0 ||
        mail_message_id(f[2], date, msgid, sizeof(msgid)) < 0 ||
        mail_random_hex(hex) < 0 || !is_printable(f[3])) {
        *why = "bad date, Message-ID domain or Subject";
        return -1;
    }
    (void)snprintf(boundary, MAIL_MSGID_SIZE, "=_dmarcsuite_%s", hex);
    if (mail_header(out, "From", f[0]) < 0 ||
        mail_header(out, "To", f[1]) < 0 ||
        mail_header(out, "Date", datestr) < 0 ||
        mail_header(out, "Message-ID", msgid) < 0 ||
        mail_header(out, "Subject", f[3]) < 0 ||
        mail_header(out, "MIME-Version", "1.0") < 0 ||
        mail_header(out, "Auto-Submitted", "auto-generated") < 0 ||
        buf_printf(out,
                   "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n"
                   "\r\nThis is a message in MIME format.\r\n",
                   boundary) < 0) {
        *why = "message too large";
        return -1;
    }
    return 0;
}

/* clean_text - s with every byte outside printable ASCII as '?', cut to
 * MAIL_MAX_TEXT bytes with "..." (free text for the human-readable part
 * only; never a header) */
static void
clean_text(const char *s, char *out, size_t out_size)
{
    size_t n = 0;

    for (; *s != '\0' && n + 4 < out_size; s++) {
        out[n++] = *s;
        if (!ascii_is_print(*s))
            out[n - 1] = '?';
    }
    if (*s != '\0')
        memcpy(out + n - 3, "...", 3);
    out[n] = '\0';
}

/* report_text - the text/plain part of the report mail for a report
 * following standard ("RFC 7489", "RFC 9990") */
static int
report_text(struct buf *out, const struct mail_report *m, const char *boundary,
            const char *standard)
{
    char org[MAIL_MAX_TEXT];
    char b[MAIL_DATE_SIZE];
    char e[MAIL_DATE_SIZE];

    clean_text(m->org_name, org, sizeof(org));
    if (mail_date(m->begin, b, sizeof(b)) < 0 ||
        mail_date(m->end, e, sizeof(e)) < 0)
        return -1;
    return buf_printf(
        out,
        "\r\n--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n"
        "Content-Transfer-Encoding: 7bit\r\n\r\n"
        "This is a DMARC aggregate report (%s) from %s\r\n"
        "for the domain %s,\r\n"
        "covering %s to %s.\r\n"
        "The report is the attached gzip-compressed XML file.\r\n",
        boundary, standard, org, m->policy_domain, b, e);
}

int
mail_build_report(const struct mail_report *m, struct buf *out,
                  const char **why)
{
    return mail_build_report_as(m, AGG_FORMAT_RFC7489, out, why);
}

int
mail_build_report_as(const struct mail_report *m, enum agg_format format,
                     struct buf *out, const char **why)
{
    const char *f[] = { m->from, m->to, m->msgid_domain, m->subject };
    char boundary[MAIL_MSGID_SIZE];

    if (!naming_domain_ok(m->policy_domain) || !is_printable(m->filename) ||
        strpbrk(m->filename, "\"\\/") != NULL) {
        *why = "bad policy domain or file name";
        return -1;
    }
    if (common_head(out, f, m->date, boundary, why) < 0)
        return -1;
    if (report_text(out, m, boundary,
                    format == AGG_FORMAT_RFC9990 ? "RFC 9990" : "RFC 7489") <
            0 ||
        buf_printf(out,
                   "\r\n--%s\r\nContent-Type: application/gzip;\r\n"
                   " name=\"%s\"\r\n"
                   "Content-Transfer-Encoding: base64\r\n"
                   "Content-Disposition: attachment;\r\n"
                   " filename=\"%s\"\r\n\r\n",
                   boundary, m->filename, m->filename) < 0 ||
        base64(out, (const unsigned char *)m->gz, m->gz_len) < 0 ||
        buf_printf(out, "\r\n--%s--\r\n", boundary) < 0) {
        *why = "message too large";
        return -1;
    }
    return 0;
}

/* uri_list - the URIs, ", "-separated, bytes outside 0x21-0x7e as %XX */
static int
uri_list(struct buf *out, const struct mail_error *e)
{
    for (size_t i = 0; i < e->uri_count; i++) {
        if (i > 0 && buf_append(out, ", ", 2) < 0)
            return -1;
        for (const char *p = e->uris[i]; *p != '\0'; p++) {
            unsigned char c = (unsigned char)*p;
            int rc = c > 0x20 && c < 0x7f ? buf_putc(out, *p)
                                          : buf_printf(out, "%%%02X", c);

            if (rc < 0)
                return -1;
        }
    }
    return buf_append(out, "\r\n", 2);
}

/* error_fields - the DSN-style fields of section 7.2.2 */
static int
error_fields(struct buf *out, const struct mail_error *e, const char *date)
{
    if (buf_printf(out,
                   "Report-Date: %s\r\nReport-Domain: %s\r\n"
                   "Report-ID: %s\r\nReport-Size: %" PRIu64 "\r\n"
                   "Submitter: %s\r\nSubmitting-URI: ",
                   date, e->report_domain, e->report_id, e->report_size,
                   e->submitter) < 0)
        return -1;
    return uri_list(out, e);
}

int
mail_build_error(const struct mail_error *e, struct buf *out, const char **why)
{
    char subject[NAMING_SUBJECT_SIZE];
    char boundary[MAIL_MSGID_SIZE];
    char date[MAIL_DATE_SIZE];
    const char *f[] = { e->from, e->to, e->msgid_domain, subject };

    if (!naming_domain_ok(e->report_domain) ||
        !naming_domain_ok(e->submitter) || !is_printable(e->report_id) ||
        strchr(e->report_id, ' ') != NULL || e->uri_count == 0 ||
        e->uri_count > MAIL_MAX_URIS ||
        mail_date(e->date, date, sizeof(date)) < 0) {
        *why = "bad report domain, submitter, id, URIs or date";
        return -1;
    }
    (void)snprintf(subject, sizeof(subject),
                   "DMARC aggregate report error: Report Domain: %s "
                   "Submitter: %s Report-ID: <%s>",
                   e->report_domain, e->submitter, e->report_id);
    if (common_head(out, f, e->date, boundary, why) < 0)
        return -1;
    if (buf_printf(out,
                   "\r\n--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n"
                   "Content-Transfer-Encoding: 7bit\r\n\r\n",
                   boundary) < 0 ||
        error_fields(out, e, date) < 0 ||
        buf_printf(out,
                   "\r\n--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n"
                   "Content-Transfer-Encoding: 7bit\r\n\r\n"
                   "The DMARC aggregate report above could not be sent:\r\n"
                   "it is larger than the size limit of every report\r\n"
                   "address (rua) published for the domain.\r\n"
                   "\r\n--%s--\r\n",
                   boundary, boundary) < 0) {
        *why = "message too large";
        return -1;
    }
    return 0;
}
