/*
 * msg - per-message state: envelope, macros and the header fields.
 *
 * Stores copies of what the MTA sent; parses nothing beyond stripping the
 * angle brackets of MAIL FROM.  The parsers (from_hdr, authres,
 * received_spf) read the fields kept here.
 *
 * STANDARDS: RFC 5321 section 4.1.1.2 (MAIL FROM, the null reverse-path);
 * RFC 5322 section 2.2 (header fields).
 *
 * Ownership and threads: everything is owned by the struct mf_msg; one
 * thread at a time (the connection's).
 */
#include "milter/msg.h"

#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/xalloc.h"

void
msg_init(struct mf_msg *m)
{
    memset(m, 0, sizeof(*m));
}

void
msg_reset(struct mf_msg *m)
{
    for (size_t i = 0; i < m->n_hdrs; i++) {
        free(m->hdrs[i].name);
        free(m->hdrs[i].value);
    }
    free(m->jobid);
    free(m->sender);
    free(m->auth_authen);
    free(m->rcpt);
    m->rcpt = NULL;
    m->jobid = NULL;
    m->sender = NULL;
    m->auth_authen = NULL;
    m->n_hdrs = 0;
    m->hdr_bytes = 0;
    m->n_rcpts = 0;
    m->is_over_limit = false;
    m->has_sender = false;
    free(m->body);
    m->body = NULL;
    m->body_len = 0;
    m->body_cap = 0;
    m->is_body_over = false;
}

void
msg_free(struct mf_msg *m)
{
    msg_reset(m);
    free(m->hdrs);
    m->hdrs = NULL;
    m->cap_hdrs = 0;
}

void
msg_set_sender(struct mf_msg *m, const char *arg)
{
    size_t len = strlen(arg);

    if (len >= 2 && arg[0] == '<' && arg[len - 1] == '>') {
        arg++;
        len -= 2;
    }
    free(m->sender);
    m->sender = xstrndup(arg, len);
    m->has_sender = true;
}

void
msg_add_rcpt(struct mf_msg *m, const char *arg)
{
    size_t len;

    m->n_rcpts++;
    if (m->rcpt != NULL || arg == NULL)
        return;
    len = strlen(arg);
    if (len >= 2 && arg[0] == '<' && arg[len - 1] == '>') {
        arg++;
        len -= 2;
    }
    m->rcpt = xstrndup(arg, len);
}

void
msg_set_jobid(struct mf_msg *m, const char *jobid)
{
    if (jobid == NULL)
        return;
    free(m->jobid);
    m->jobid = xstrdup(jobid);
}

void
msg_set_auth(struct mf_msg *m, const char *authen)
{
    if (authen == NULL || authen[0] == '\0')
        return;
    free(m->auth_authen);
    m->auth_authen = xstrdup(authen);
}

int
msg_add_header(struct mf_msg *m, const char *name, const char *value)
{
    size_t bytes = strlen(name) + strlen(value);

    if (m->is_over_limit || m->n_hdrs >= MSG_MAX_HEADERS ||
        bytes > MSG_MAX_HEADER_BYTES - m->hdr_bytes) {
        m->is_over_limit = true;
        return -1;
    }
    if (m->n_hdrs == m->cap_hdrs) {
        m->cap_hdrs = m->cap_hdrs == 0 ? 32 : m->cap_hdrs * 2;
        m->hdrs = xreallocarray(m->hdrs, m->cap_hdrs, sizeof(*m->hdrs));
    }
    m->hdrs[m->n_hdrs].name = xstrdup(name);
    m->hdrs[m->n_hdrs].value = xstrdup(value);
    m->n_hdrs++;
    m->hdr_bytes += bytes;
    return 0;
}

int
msg_add_body(struct mf_msg *m, const void *p, size_t len, size_t max)
{
    if (m->is_body_over || len > max - m->body_len) {
        free(m->body);
        m->body = NULL;
        m->body_len = 0;
        m->body_cap = 0;
        m->is_body_over = true;
        return -1;
    }
    if (len == 0)
        return 0;
    if (m->body_len + len > m->body_cap) {
        /* double, within max: a 64 KiB chunk at a time from Postfix */
        size_t cap = m->body_cap == 0 ? len : m->body_cap;

        while (cap < m->body_len + len)
            cap = cap > max / 2 ? max : cap * 2;
        m->body = xreallocarray(m->body, cap, 1);
        m->body_cap = cap;
    }
    memcpy(m->body + m->body_len, p, len);
    m->body_len += len;
    return 0;
}

size_t
msg_count(const struct mf_msg *m, const char *name)
{
    size_t n = 0;

    for (size_t i = 0; i < m->n_hdrs; i++)
        if (ascii_casecmp(m->hdrs[i].name, name) == 0)
            n++;
    return n;
}

struct str
msg_sender_domain(const struct mf_msg *m)
{
    const char *at;

    if (m->sender == NULL)
        return str_make(NULL, 0);
    at = strrchr(m->sender, '@');
    if (at == NULL)
        return str_make(NULL, 0);
    return str_cstr(at + 1);
}
