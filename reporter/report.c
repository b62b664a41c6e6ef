/*
 * report - one aggregate report from rows to mailbox.
 *
 * report_build streams the rows through xml.c into gzip and names the
 * result (naming.c); report_send wraps it in the report mail (mail.c) and
 * hands it to the configured transport (deliver.c, deliver_smtp.c) or
 * writes it into a folder.  Decisions about destinations, retries and
 * bookkeeping are the caller's.
 *
 * STANDARDS: RFC 7489 sections 7.2 (report), 7.2.1.1 (mail), 7.2.2
 * (error report); RFC 9990 sections 3.1 and 3.5.2 (the same mail and
 * names carry an RFC 9990 report).
 *
 * Ownership: struct report owns its gzip bytes.  Thread safety: one
 * report per thread.
 */
#include "reporter/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "reporter/mail.h"
#include "reporter/xml.h"

/* fill_rows - every row of src into x; -1 with *why on failure */
static int
fill_rows(struct xml_report *x, const struct report_rows *src, struct report *r,
          const char **why)
{
    struct agg_row row;
    int rc;

    agg_row_init(&row);
    while ((rc = src->next(src->ctx, &row)) > 0) {
        const char *bad = NULL;

        switch (xml_row(x, &row, &bad)) {
        case XML_OK:
            r->messages += row.count;
            break;
        case XML_BADINPUT:
            r->rows_bad++;
            log_warn("report: row skipped: %s", bad);
            break;
        case XML_ERR:
            *why = bad;
            rc = -1;
            break;
        }
        agg_row_reset(&row);
        if (rc < 0)
            break;
    }
    agg_row_free(&row);
    if (rc < 0 && *why == NULL)
        *why = "reading the rows failed";
    return rc < 0 ? -1 : 0;
}

/* copy_names - the names of the report into r */
static int
copy_names(const struct agg_meta *m, const struct agg_policy *p,
           const char *receiver, struct report *r, const char **why)
{
    struct naming_report n = { receiver, p->domain, m->begin, m->end,
                               m->report_id };

    if (naming_filename(&n, r->filename, sizeof(r->filename), why) < 0 ||
        naming_subject(&n, r->subject, sizeof(r->subject), why) < 0)
        return -1;
    /* all three passed naming's checks, so they fit */
    (void)snprintf(r->policy_domain, sizeof(r->policy_domain), "%s", p->domain);
    (void)snprintf(r->receiver, sizeof(r->receiver), "%s", receiver);
    (void)snprintf(r->id, sizeof(r->id), "%s", m->report_id);
    r->begin = m->begin;
    r->end = m->end;
    return 0;
}

int
report_build(const struct agg_meta *m, const struct agg_policy *p,
             const char *receiver, const struct report_rows *src,
             struct report *r, const char **why)
{
    struct agg_head h = { m, p, AGG_FORMAT_RFC7489, NULL };

    return report_build_head(&h, receiver, src, r, why);
}

int
report_build_head(const struct agg_head *h, const char *receiver,
                  const struct report_rows *src, struct report *r,
                  const char **why)
{
    struct xml_report *x;
    int rc = -1;

    memset(r, 0, sizeof(*r));
    *why = NULL;
    if (copy_names(h->meta, h->policy, receiver, r, why) < 0)
        return -1;
    r->format = h->format;
    x = xml_begin_head(h, true, REPORT_MAX_GZ, why);
    if (x == NULL)
        return -1;
    if (fill_rows(x, src, r, why) == 0) {
        r->rows = xml_rows(x);
        rc = xml_end(x, &r->gz, &r->gz_len, why);
    }
    xml_free(x);
    if (rc == 0)
        r->encoded_size = mail_encoded_size(r->gz_len);
    return rc;
}

void
report_free(struct report *r)
{
    free(r->gz);
    r->gz = NULL;
    r->gz_len = 0;
}

/* write_file - len bytes to dir/name, created anew (0600) */
static int
write_file(const char *dir, const char *name, const char *p, size_t len)
{
    char path[4096];
    int fd;
    int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

    if (n < 0 || (size_t)n >= sizeof(path))
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_err_errno("report: open %s", path);
        return -1;
    }
    while (len > 0) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            log_err_errno("report: write %s", path);
            (void)close(fd); /* already failing */
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    if (close(fd) < 0) {
        log_err_errno("report: close %s", path);
        return -1;
    }
    return 0;
}

int
report_save(const struct report_transport *t, const struct report *r)
{
    return write_file(t->outdir, r->filename, r->gz, r->gz_len);
}

/* transmit - hand one message to the transport (name: the .eml file) */
static enum deliver_status
transmit(const struct report_transport *t, const char *addr,
         const struct buf *msg, const char *name, const char **why)
{
    const char *rcpt[] = { addr };
    struct deliver_envelope env = { t->envelope_from, rcpt, 1 };

    switch (t->method) {
    case REPORT_SENDMAIL:
        return deliver_sendmail(&t->sm, &env, msg->data, msg->len, why);
    case REPORT_SMTP:
        return deliver_smtp_send(&t->smtp, &env, msg->data, msg->len, why);
    case REPORT_OUTDIR:
        break;
    }
    if (write_file(t->outdir, name, msg->data, msg->len) < 0) {
        *why = "cannot write into the output folder";
        return DELIVER_PERMFAIL;
    }
    *why = "written";
    return DELIVER_SENT;
}

enum deliver_status
report_send(const struct report_transport *t, const struct report *r,
            const char *addr, unsigned seq, int64_t now, const char **why)
{
    struct mail_report mr = { t->from,         addr,       now,
                              t->msgid_domain, r->subject, r->policy_domain,
                              t->org_name,     r->begin,   r->end,
                              r->filename,     r->gz,      r->gz_len };
    char name[NAMING_FILE_SIZE + 16];
    struct buf msg;
    enum deliver_status st;

    buf_init(&msg, REPORT_MAX_MAIL);
    if (mail_build_report_as(&mr, r->format, &msg, why) < 0) {
        buf_free(&msg);
        return DELIVER_BADADDR;
    }
    (void)snprintf(name, sizeof(name), "%.*s.%u.eml",
                   (int)(strlen(r->filename) - 7), r->filename, seq);
    st = transmit(t, addr, &msg, name, why);
    buf_free(&msg);
    return st;
}

enum deliver_status
report_send_error(const struct report_transport *t, const struct report *r,
                  const char *addr, const struct report_uris *uris, int64_t now,
                  const char **why)
{
    struct mail_error e = { t->from,
                            addr,
                            now,
                            t->msgid_domain,
                            r->policy_domain,
                            r->id,
                            r->encoded_size,
                            r->receiver,
                            uris->uri,
                            uris->count };
    char name[NAMING_FILE_SIZE + 16];
    struct buf msg;
    enum deliver_status st;

    buf_init(&msg, (size_t)1 << 20);
    if (mail_build_error(&e, &msg, why) < 0) {
        buf_free(&msg);
        return DELIVER_BADADDR;
    }
    (void)snprintf(name, sizeof(name), "%.*s.error.eml",
                   (int)(strlen(r->filename) - 7), r->filename);
    st = transmit(t, addr, &msg, name, why);
    buf_free(&msg);
    return st;
}
