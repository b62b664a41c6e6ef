/*
 * arhdr - the header fields the milter adds (Authentication-Results,
 * DMARC-Filter).
 *
 * Builds field values only; the callbacks insert them at the top of the
 * header (RFC 8601 section 4.1 wants the field above the trace fields it
 * describes; OpenDMARC 1.4.2 inserts below the first Received, issue #23).
 * It does not decide anything: results and domains come from the caller.
 *
 * STANDARDS: RFC 8601 sections 2.2 (authserv-id, value), 2.7.1-2.7.2;
 * RFC 7489 section 11.2 (method dmarc, property header.from); RFC 2045
 * section 5.1 (token, tspecials); RFC 5322 section 3.2.4 (quoted-string).
 *
 * Ownership and threads: pure; writes only into the caller's buffer.
 */
#include "milter/arhdr.h"

#include <string.h>

#include "common/ascii.h"

/* is_token_char - RFC 2045 token: a printable CHAR other than tspecials */
static bool
is_token_char(char c)
{
    return ascii_is_print(c) && c != ' ' &&
           strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

int
arhdr_put_value(struct buf *out, const char *s)
{
    bool is_token = s[0] != '\0';
    size_t before = out->len;

    for (const char *p = s; *p != '\0'; p++)
        if (!is_token_char(*p))
            is_token = false;
    if (is_token)
        return buf_append_str(out, s);
    if (buf_putc(out, '"') != 0)
        return -1;
    for (const char *p = s; *p != '\0'; p++) {
        int rc = 0;
        if (*p == '"' || *p == '\\')
            rc = buf_putc(out, '\\');
        if (rc == 0 && (ascii_is_print(*p) || (unsigned char)*p >= 0x80))
            rc = buf_putc(out, *p);
        if (rc != 0) {
            out->len = before;
            return -1;
        }
    }
    return buf_putc(out, '"');
}

/* put_id - the authserv-id, with "/jobid" when asked, as one value */
static int
put_id(struct buf *out, const char *authserv_id, const char *jobid)
{
    struct buf tmp;
    int rc;

    if (jobid == NULL)
        return arhdr_put_value(out, authserv_id);
    buf_init(&tmp, ARHDR_MAX);
    rc = buf_printf(&tmp, "%s/%s", authserv_id, jobid);
    if (rc == 0)
        rc = arhdr_put_value(out, buf_cstr(&tmp));
    buf_free(&tmp);
    return rc;
}

int
arhdr_dmarc(struct buf *out, const struct arhdr_dmarc *in)
{
    buf_reset(out);
    if (put_id(out, in->authserv_id, in->jobid) != 0 ||
        buf_printf(out, "; dmarc=%s", in->result) != 0)
        return -1;
    if (in->policy != NULL &&
        buf_printf(out, " (p=%s dis=%s%s%s)", in->policy, in->disposition,
                   in->override != NULL ? " override=" : "",
                   in->override != NULL ? in->override : "") != 0)
        return -1;
    if (in->from_domain != NULL && (buf_append_str(out, " header.from=") != 0 ||
                                    arhdr_put_value(out, in->from_domain) != 0))
        return -1;
    return 0;
}

int
arhdr_spf(struct buf *out, const char *authserv_id, const char *jobid,
          const char *result, bool is_helo, const char *domain)
{
    buf_reset(out);
    if (put_id(out, authserv_id, jobid) != 0 ||
        buf_printf(out, "; spf=%s %s=", result,
                   is_helo ? "smtp.helo" : "smtp.mailfrom") != 0)
        return -1;
    return arhdr_put_value(out, domain);
}

int
arhdr_software(struct buf *out, const char *host, const char *jobid)
{
    buf_reset(out);
    if (buf_append_str(out, "dmarcsuite v" DMARC_VERSION " ") != 0 ||
        arhdr_put_value(out, host) != 0 || buf_putc(out, ' ') != 0)
        return -1;
    return arhdr_put_value(out, jobid);
}
