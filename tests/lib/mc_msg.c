/*
 * mc_msg - the stages, and the content of a message as an MTA passes it
 * to a filter.
 *
 * Headers keep their raw value: the filter sees the text after the colon
 * with folds as LF plus white space, as Postfix sends it (Postfix stores
 * lines without CR).  Whether the leading space goes out depends on
 * SMFIP_HDR_LEADSPC and is decided in mc_session.c.  The body is stored
 * with CRLF line ends, as it is sent.  No MIME handling, no 8-bit checks.
 *
 * STANDARDS: RFC 5322 2.2 (header fields, folding), RFC 5321 2.3.8
 * (CRLF).
 * Ownership: struct mc_content owns every string in it.
 * Thread safety: no shared state.
 */
#include "tests/lib/mc_msg.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/buf.h"
#include "common/xalloc.h"

/* stage names, indexed by enum mc_stage */
static const char *const stage_names[] = {
    "none", "optneg", "connect", "helo", "mail", "rcpt",
    "data", "header", "eoh",     "body", "eom",  "quit",
};

const char *
mc_stage_name(enum mc_stage stage)
{
    if ((size_t)stage < sizeof(stage_names) / sizeof(stage_names[0]))
        return stage_names[stage];
    return "?";
}

int
mc_stage_parse(const char *name, enum mc_stage *out)
{
    for (size_t i = 1; i < sizeof(stage_names) / sizeof(stage_names[0]); i++) {
        if (ascii_casecmp(name, stage_names[i]) == 0) {
            *out = (enum mc_stage)i;
            return 0;
        }
    }
    return -1;
}

void
mc_content_free(struct mc_content *c)
{
    for (size_t i = 0; i < c->n_hdrs; i++) {
        free(c->hdrs[i].name);
        free(c->hdrs[i].value);
    }
    free(c->hdrs);
    free(c->body);
    memset(c, 0, sizeof(*c));
}

void
mc_content_add(struct mc_content *c, const char *name, size_t name_len,
               const char *value, size_t value_len)
{
    if (c->n_hdrs == c->cap_hdrs) {
        c->cap_hdrs = c->cap_hdrs ? 2 * c->cap_hdrs : 16;
        c->hdrs = xreallocarray(c->hdrs, c->cap_hdrs, sizeof(*c->hdrs));
    }
    c->hdrs[c->n_hdrs].name = xmemdup0(name, name_len);
    c->hdrs[c->n_hdrs].value = xmemdup0(value, value_len);
    c->n_hdrs++;
}

/* is_ftext - a field-name character: printable ASCII but ':' (RFC 5322
 * 2.2) */
static bool
is_ftext(char c)
{
    return c > ' ' && c < 0x7f && c != ':';
}

/* field_name - length of the name at p and the offset just after the
 * colon (white space before the colon allowed, as Postfix does); 0 when
 * the line is not a header field */
static size_t
field_name(const char *p, size_t len, size_t *after_colon)
{
    size_t n = 0;
    size_t i;

    while (n < len && is_ftext(p[n]))
        n++;
    i = n;
    while (i < len && ascii_is_wsp(p[i]))
        i++;
    if (n == 0 || i >= len || p[i] != ':')
        return 0;
    *after_colon = i + 1;
    return n;
}

int
mc_content_add_line(struct mc_content *c, const char *line, const char **why)
{
    size_t len = strlen(line);
    size_t off = 0;
    size_t n = field_name(line, len, &off);

    if (n == 0) {
        *why = "not a header field (want Name: value)";
        return -1;
    }
    if (len - off > MC_MSG_MAX_HEADER) {
        *why = "header too long";
        return -1;
    }
    mc_content_add(c, line, n, line + off, len - off);
    return 0;
}

void
mc_content_set_body(struct mc_content *c, const char *text, size_t len)
{
    size_t lf = 0;
    size_t o = 0;

    for (size_t i = 0; i < len; i++)
        lf += text[i] == '\n';
    free(c->body);
    c->body = xmalloc(len + lf + 3);
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
            c->body[o++] = '\r';
        c->body[o++] = text[i];
    }
    if (o > 0 && c->body[o - 1] != '\n') {
        c->body[o++] = '\r';
        c->body[o++] = '\n';
    }
    c->body_len = o;
}

/* line_at - the line at p[off..len): its length without the line end, and
 * the offset of the next line */
static size_t
line_at(const char *p, size_t len, size_t off, size_t *next)
{
    const char *nl = memchr(p + off, '\n', len - off);
    size_t end = nl ? (size_t)(nl - p) : len;

    *next = nl ? end + 1 : len;
    if (end > off && p[end - 1] == '\r')
        end--;
    return end - off;
}

/* flush_header - add the header held in name/value, if any; 0 or -1 */
static int
flush_header(struct mc_content *c, struct str *name, struct buf *value,
             const char **why)
{
    if (name->len == 0)
        return 0;
    if (c->n_hdrs >= MC_MSG_MAX_HEADERS) {
        *why = "too many headers";
        return -1;
    }
    mc_content_add(c, name->p, name->len, value->data ? value->data : "",
                   value->len);
    name->len = 0;
    buf_reset(value);
    return 0;
}

/* parse_headers - the header section; *body_off set to where the body
 * starts; 0 or -1 */
static int
parse_headers(struct mc_content *c, const char *p, size_t len, size_t *body_off,
              const char **why)
{
    struct buf value;
    struct str name = { p, 0 };
    size_t off = 0;
    size_t next;
    int rc = -1;

    buf_init(&value, MC_MSG_MAX_HEADER);
    if (len >= 5 && memcmp(p, "From ", 5) == 0)
        (void)line_at(p, len, 0, &off); /* mbox separator: skipped */
    while (off < len) {
        size_t n = line_at(p, len, off, &next);
        size_t colon = 0;
        size_t nlen;
        int err = 0;

        if (n > 0 && ascii_is_wsp(p[off]) && name.len > 0) {
            err = buf_putc(&value, '\n') || buf_append(&value, p + off, n);
        } else if ((nlen = field_name(p + off, n, &colon)) > 0) {
            err = flush_header(c, &name, &value, why) ||
                  buf_append(&value, p + off + colon, n - colon);
            name = str_make(p + off, nlen);
        } else {
            if (n == 0)
                off = next; /* the empty separator line */
            break;
        }
        if (err != 0) {
            *why = *why ? *why : "header too long";
            goto out;
        }
        off = next;
    }
    if (flush_header(c, &name, &value, why) != 0)
        goto out;
    *body_off = off;
    rc = 0;
out:
    buf_free(&value);
    return rc;
}

int
mc_content_parse(struct mc_content *c, const char *p, size_t len,
                 const char **why)
{
    size_t body_off = 0;

    *why = NULL;
    if (parse_headers(c, p, len, &body_off, why) != 0)
        return -1;
    mc_content_set_body(c, p + body_off, len - body_off);
    return 0;
}

void
mc_content_gen_headers(struct mc_content *c, size_t n)
{
    char name[32];
    char value[48];

    for (size_t i = 1; i <= n; i++) {
        int nl = snprintf(name, sizeof(name), "X-Gen-%zu", i);
        int vl = snprintf(value, sizeof(value), " value %zu", i);

        mc_content_add(c, name, (size_t)nl, value, (size_t)vl);
    }
}

void
mc_content_gen_big(struct mc_content *c, size_t value_len)
{
    char *v = xmalloc(value_len + 1);

    memset(v, 'x', value_len);
    if (value_len > 0)
        v[0] = ' ';
    mc_content_add(c, "X-Big", 5, v, value_len);
    free(v);
}
