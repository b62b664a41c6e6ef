/*
 * hist_write - format history records and append them to the file.
 *
 * hist_format() renders a struct hist_rec in the canonical key order of
 * dmarc-history(5); the writer appends whole records with one write(2)
 * under flock(LOCK_EX) on an O_APPEND descriptor and reopens the path
 * after a rename.  It does not decide whether a message is recorded, nor
 * what a failure means for the mail (the milter's configuration does).
 *
 * STANDARDS: the OpenDMARC 1.4.2 history format; RFC 8259 (JSON string
 * escaping in arc_policy).
 *
 * Thread safety: hist_format() is pure; a writer belongs to one thread at
 * a time (the milter holds a mutex around hist_writer_append()).
 */
#include "history/hist_write.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ascii.h"
#include "common/xalloc.h"

/* the state of one history file */
struct hist_writer {
    char *path; /* file name (owned) */
    int fd;     /* open descriptor, or -1 */
    dev_t dev;  /* device of fd */
    ino_t ino;  /* inode of fd, to notice a rename */
};

/* put_word - append s with SP and control bytes replaced by '?' (they
 * would split the line or the value) */
static int
put_word(struct buf *out, struct str s)
{
    size_t i = 0;

    while (i < s.len) {
        size_t j = i;

        while (j < s.len && s.p[j] != ' ' && !ascii_is_ctl(s.p[j]))
            j++;
        if (j > i && buf_append(out, s.p + i, j - i) < 0)
            return -1;
        if (j < s.len && buf_putc(out, '?') < 0)
            return -1;
        i = j + 1;
    }
    return 0;
}

/* put_text - append s with control bytes as '?', keeping spaces (free
 * text that runs to the end of the line) */
static int
put_text(struct buf *out, struct str s)
{
    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];

        if (ascii_is_ctl(c))
            c = '?';
        if (buf_putc(out, c) < 0)
            return -1;
    }
    return 0;
}

/* put_line - "key value\n"; an empty dash_value writes "-" */
static int
put_line(struct buf *out, enum hist_field f, struct str v, bool dash_empty)
{
    if (buf_append_str(out, hist_field_name(f)) < 0 || buf_putc(out, ' ') < 0)
        return -1;
    if (v.len == 0 && dash_empty)
        v = STR_LIT("-");
    if (put_word(out, v) < 0)
        return -1;
    return buf_putc(out, '\n');
}

/* put_int - "key n\n" */
static int
put_int(struct buf *out, enum hist_field f, int64_t n)
{
    return buf_printf(out, "%s %" PRId64 "\n", hist_field_name(f), n);
}

/* put_json_str - a JSON string literal, RFC 8259 section 7 escaping */
static int
put_json_str(struct buf *out, struct str s)
{
    if (buf_putc(out, '"') < 0)
        return -1;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        int rc;

        if (c == '"' || c == '\\')
            rc = buf_putc(out, '\\') < 0 ? -1 : buf_putc(out, (char)c);
        else if (c < 0x20 || c == 0x7f)
            rc = buf_printf(out, "\\u%04x", c);
        else
            rc = buf_putc(out, (char)c);
        if (rc < 0)
            return -1;
    }
    return buf_putc(out, '"');
}

/* put_arc_policy - "arc_policy n json:[{ ... }, ...]" in OpenDMARC's
 * exact spacing */
static int
put_arc_policy(struct buf *out, const struct hist_rec *r)
{
    if (buf_printf(out, "arc_policy %d json:[", r->arc_policy) < 0)
        return -1;
    for (size_t i = 0; i < r->seal_count; i++) {
        const struct hist_arc_seal *s = &r->seals[i];

        if (buf_printf(out, "%s{ \"i\": %" PRId64 ", \"d\":", i ? ", " : "",
                       s->instance) < 0 ||
            put_json_str(out, s->domain) < 0 ||
            buf_append_str(out, ", \"s\":") < 0 ||
            put_json_str(out, s->selector) < 0 ||
            buf_append_str(out, ", \"ip\":") < 0 ||
            put_json_str(out, s->ip) < 0 || buf_append_str(out, " }") < 0)
            return -1;
    }
    return buf_append_str(out, "]\n");
}

/* put_head - job through mfrom, the dkim lines and spf */
static int
put_head(struct buf *out, const struct hist_rec *r)
{
    struct str job = r->job.len ? r->job : STR_LIT("(unknown-jobid)");

    if (put_line(out, HIST_F_JOB, job, false) < 0 ||
        put_line(out, HIST_F_REPORTER, r->reporter, false) < 0 ||
        put_int(out, HIST_F_RECEIVED, r->received) < 0 ||
        put_line(out, HIST_F_IPADDR, r->ipaddr, false) < 0 ||
        put_line(out, HIST_F_FROM, r->from, false) < 0 ||
        put_line(out, HIST_F_MFROM, r->mfrom, false) < 0)
        return -1;
    for (size_t i = 0; i < r->dkim_count; i++) {
        const struct hist_dkim *d = &r->dkim[i];

        if (buf_append_str(out, "dkim ") < 0 || put_word(out, d->domain) < 0 ||
            buf_putc(out, ' ') < 0 ||
            put_word(out, d->selector.len ? d->selector : STR_LIT("-")) < 0 ||
            buf_printf(out, " %d\n", d->result) < 0)
            return -1;
    }
    return put_int(out, HIST_F_SPF, r->spf);
}

/* put_policy - pdomain through arc_policy */
static int
put_policy(struct buf *out, const struct hist_rec *r)
{
    if (put_line(out, HIST_F_PDOMAIN, r->pdomain, false) < 0 ||
        put_int(out, HIST_F_POLICY, r->policy) < 0)
        return -1;
    if (r->rua_count == 0 && put_line(out, HIST_F_RUA, STR_LIT("-"), 0) < 0)
        return -1;
    for (size_t i = 0; i < r->rua_count; i++) {
        if (put_line(out, HIST_F_RUA, r->rua[i], true) < 0)
            return -1;
    }
    if (put_int(out, HIST_F_PCT, r->pct) < 0 ||
        put_int(out, HIST_F_ADKIM, r->adkim) < 0 ||
        put_int(out, HIST_F_ASPF, r->aspf) < 0 ||
        put_int(out, HIST_F_P, r->p) < 0 ||
        put_int(out, HIST_F_SP, r->sp) < 0 ||
        put_int(out, HIST_F_ALIGN_DKIM, r->align_dkim) < 0 ||
        put_int(out, HIST_F_ALIGN_SPF, r->align_spf) < 0 ||
        put_int(out, HIST_F_ARC, r->arc) < 0)
        return -1;
    return put_arc_policy(out, r);
}

/* put_ext - the extension block (hist_version .. override) */
static int
put_ext(struct buf *out, const struct hist_rec *r)
{
    if (put_int(out, HIST_F_HIST_VERSION, r->ext_version) < 0 ||
        put_int(out, HIST_F_SPF_SCOPE, r->spf_scope) < 0 ||
        put_line(out, HIST_F_SPF_DOMAIN, r->spf_domain, true) < 0 ||
        put_int(out, HIST_F_FO, r->fo) < 0 ||
        buf_printf(out, "np %s\npsd %s\nt %s\ndiscovery %s\n",
                   hist_np_name(r->np), hist_psd_name(r->psd),
                   hist_t_name(r->t), hist_discovery_name(r->discovery)) < 0)
        return -1;
    for (size_t i = 0; i < r->override_count; i++) {
        const struct hist_override *o = &r->overrides[i];
        const char *name = hist_override_name(o->type);
        struct str c = o->comment;

        if (c.len > HIST_MAX_COMMENT)
            c.len = HIST_MAX_COMMENT; /* documented: comments are cut */
        if (buf_printf(out, "override %s", name ? name : "other") < 0 ||
            (c.len && (buf_putc(out, ' ') < 0 || put_text(out, c) < 0)) ||
            buf_putc(out, '\n') < 0)
            return -1;
    }
    return 0;
}

int
hist_format(const struct hist_rec *r, struct buf *out)
{
    size_t mark = out->len;

    if (put_head(out, r) < 0 || put_policy(out, r) < 0 ||
        (r->ext_version > 0 && put_ext(out, r) < 0) ||
        put_int(out, HIST_F_ACTION, r->action) < 0) {
        out->len = mark;
        if (out->data != NULL)
            out->data[mark] = '\0';
        return -1;
    }
    return 0;
}

struct hist_writer *
hist_writer_new(const char *path)
{
    struct hist_writer *w = xcalloc(1, sizeof(*w));

    w->path = xstrdup(path);
    w->fd = -1;
    return w;
}

/* writer_close - drop the descriptor */
static void
writer_close(struct hist_writer *w)
{
    if (w->fd >= 0)
        (void)close(w->fd); /* nothing was buffered: write(2) only */
    w->fd = -1;
}

/* writer_open - (re)open the path unless the open descriptor still is it */
static int
writer_open(struct hist_writer *w)
{
    struct stat st;

    if (w->fd >= 0 &&
        (stat(w->path, &st) < 0 || st.st_dev != w->dev || st.st_ino != w->ino))
        writer_close(w); /* renamed or removed: start a new file */
    if (w->fd >= 0)
        return 0;
    w->fd = open(w->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        log_err_errno("history: open %s", w->path);
        return -1;
    }
    if (fstat(w->fd, &st) < 0) {
        log_err_errno("history: fstat %s", w->path);
        writer_close(w);
        return -1;
    }
    w->dev = st.st_dev;
    w->ino = st.st_ino;
    return 0;
}

int
hist_writer_append(struct hist_writer *w, const char *p, size_t len)
{
    ssize_t n;
    int rc;

    if (writer_open(w) < 0)
        return -1;
    do {
        rc = flock(w->fd, LOCK_EX);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0)
        log_warn_errno("history: flock %s (writing anyway)", w->path);
    do {
        n = write(w->fd, p, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0 || (size_t)n != len) {
        if (n < 0)
            log_err_errno("history: write %s", w->path);
        else
            log_err("history: write %s: short write (%zd of %zu bytes)",
                    w->path, n, len);
        writer_close(w);
        return -1;
    }
    if (rc == 0)
        (void)flock(w->fd, LOCK_UN); /* close() would release it too */
    return 0;
}

void
hist_writer_free(struct hist_writer *w)
{
    if (w == NULL)
        return;
    writer_close(w);
    free(w->path);
    free(w);
}
