/*
 * afrf_spool - failure report files: the codec (one table of fields,
 * shared by the writer and the reader) and the directory (tmp/, new/,
 * bad/, the count, the worker's pass).
 *
 * The reader takes nothing on trust: every field must come in the
 * table's order with a decimal length within the file, text fields may
 * not hold NUL, numbers must be in range, and the file must end right
 * after the last field.  A file that fails is moved to bad/ and logged.
 *
 * STANDARDS: none (a private format, read only by this module).
 *
 * Thread safety: see the header; the count is a C11 atomic.
 */
#include "reporter/afrf_spool.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/num.h"
#include "common/str.h"
#include "common/xalloc.h"

/* AFRF_SPOOL_MAGIC - the first line of a spool file (format version 1) */
#define AFRF_SPOOL_MAGIC "dmarcsuite-afrf-spool 1\n"
/* AFRF_SPOOL_MAX_NAME - a file name: 20 + 1 + 10 + 1 + 20 + 1 + 10 */
#define AFRF_SPOOL_MAX_NAME 80

/* the fields, in file order */
enum spool_field {
    F_KIND,
    F_FROM,
    F_HOST,
    F_JOBID,
    F_ARRIVAL,
    F_SOURCE_IP,
    F_SOURCE_PORT,
    F_MAIL_FROM,
    F_RCPT_TO,
    F_DOMAIN,
    F_AUTH_RESULTS,
    F_ALIGNMENT,
    F_DELIVERY,
    F_DMARC,
    F_DKIM_DOMAIN,
    F_DKIM_SELECTOR,
    F_DKIM_IDENTITY,
    F_POLICY_DOMAIN,
    F_REC_TEXT,
    F_SPF_DOMAIN,
    F_HEADERS,
    F_BODY,
    F_COUNT /* not a field */
};

/* field names; a leading '!' marks a field that must be present */
static const char *const field_names[F_COUNT] = {
    "!kind",         "!from",          "!host",         "jobid",
    "!arrival",      "!source-ip",     "!source-port",  "!mail-from",
    "rcpt-to",       "!domain",        "!auth-results", "alignment",
    "delivery",      "dmarc",          "dkim-domain",   "dkim-selector",
    "dkim-identity", "!policy-domain", "rec-text",      "spf-domain",
    "!headers",      "body",
};

struct afrf_spool {
    char *dir;         /* FailureReportsSpool */
    size_t max;        /* files allowed in new/ */
    atomic_size_t n;   /* files in new/ (this instance's count) */
    atomic_size_t seq; /* for unique names */
    int lock_fd;       /* <dir>/lock, flocked by a pass */
};

/* opt - the slice of s, p NULL when s is */
static struct str
opt(const char *s)
{
    return s == NULL ? str_make(NULL, 0) : str_make(s, strlen(s));
}

/* job_fields - j's fields as slices; nums holds the numbers' text */
static void
job_fields(const struct afrf_job *j, struct str *v, char nums[3][24])
{
    const struct afrf_report *r = &j->r;

    (void)snprintf(nums[0], 24, "%d", (int)r->kind);
    (void)snprintf(nums[1], 24, "%lld", (long long)r->arrival);
    (void)snprintf(nums[2], 24, "%u", r->source_port);
    v[F_KIND] = opt(nums[0]);
    v[F_FROM] = opt(r->from);
    v[F_HOST] = opt(r->host);
    v[F_JOBID] = opt(r->jobid);
    v[F_ARRIVAL] = opt(nums[1]);
    v[F_SOURCE_IP] = opt(r->source_ip);
    v[F_SOURCE_PORT] = opt(nums[2]);
    v[F_MAIL_FROM] = opt(r->mail_from);
    v[F_RCPT_TO] = opt(r->rcpt_to);
    v[F_DOMAIN] = opt(r->domain);
    v[F_AUTH_RESULTS] = opt(r->auth_results);
    v[F_ALIGNMENT] = opt(r->alignment);
    v[F_DELIVERY] = opt(r->delivery);
    v[F_DMARC] = opt(r->dmarc);
    v[F_DKIM_DOMAIN] = opt(r->dkim_domain);
    v[F_DKIM_SELECTOR] = opt(r->dkim_selector);
    v[F_DKIM_IDENTITY] = opt(r->dkim_identity);
    v[F_POLICY_DOMAIN] = opt(j->policy_domain);
    v[F_REC_TEXT] = opt(j->rec_text);
    v[F_SPF_DOMAIN] = opt(j->spf_domain);
    v[F_HEADERS] =
        str_make(r->headers != NULL ? r->headers : "", r->headers_len);
    v[F_BODY] =
        r->body == NULL ? str_make(NULL, 0) : str_make(r->body, r->body_len);
}

int
afrf_spool_encode(const struct afrf_job *j, struct buf *out)
{
    struct str v[F_COUNT];
    char nums[3][24];

    job_fields(j, v, nums);
    if (buf_append_str(out, AFRF_SPOOL_MAGIC) < 0)
        return -1;
    for (size_t i = 0; i < F_COUNT; i++) {
        const char *name = field_names[i] + (field_names[i][0] == '!');

        if (v[i].p == NULL) {
            if (buf_printf(out, "%s -\n", name) < 0)
                return -1;
            continue;
        }
        if (buf_printf(out, "%s %zu\n", name, v[i].len) < 0 ||
            buf_append(out, v[i].p, v[i].len) < 0 || buf_putc(out, '\n') < 0)
            return -1;
    }
    return 0;
}

/* read_field - "<name> <len>\n<bytes>\n" or "<name> -\n" at *in into
 * *val (p NULL: absent); advances *in only on success; 0 or -1 */
static int
read_field(struct str *in, const char *name, struct str *val)
{
    size_t nl = str_chr(*in, '\n');
    size_t name_len = strlen(name);
    struct str num;
    uint64_t len;
    const char *why;

    if (nl == in->len || nl <= name_len + 1 ||
        memcmp(in->p, name, name_len) != 0 || in->p[name_len] != ' ')
        return -1;
    num = str_make(in->p + name_len + 1, nl - name_len - 1);
    if (num.len == 1 && num.p[0] == '-') {
        *val = str_make(NULL, 0);
        *in = str_make(in->p + nl + 1, in->len - nl - 1);
        return 0;
    }
    if (num_parse_u64(num, 0, AFRF_SPOOL_MAX_FILE, &len, &why) < 0 ||
        len + 1 > in->len - nl - 1 || in->p[nl + 1 + len] != '\n')
        return -1;
    *val = str_make(in->p + nl + 1, (size_t)len);
    *in = str_make(in->p + nl + 2 + len, in->len - nl - 2 - len);
    return 0;
}

/* own_text - a new string of v kept by j, or NULL when v is absent */
static const char *
own_text(struct afrf_job *j, struct str v)
{
    char *s;

    if (v.p == NULL)
        return NULL;
    s = xmemdup0(v.p, v.len);
    j->own[j->n_own++] = s;
    return s;
}

/* set_text - the report's text fields from v */
static void
set_text(struct afrf_job *j, const struct str *v)
{
    struct afrf_report *r = &j->r;

    r->user_agent = "dmarcsuite/" DMARC_VERSION;
    r->from = own_text(j, v[F_FROM]);
    r->host = own_text(j, v[F_HOST]);
    r->jobid = own_text(j, v[F_JOBID]);
    r->source_ip = own_text(j, v[F_SOURCE_IP]);
    r->mail_from = own_text(j, v[F_MAIL_FROM]);
    r->rcpt_to = own_text(j, v[F_RCPT_TO]);
    r->domain = own_text(j, v[F_DOMAIN]);
    r->auth_results = own_text(j, v[F_AUTH_RESULTS]);
    r->alignment = own_text(j, v[F_ALIGNMENT]);
    r->delivery = own_text(j, v[F_DELIVERY]);
    r->dmarc = own_text(j, v[F_DMARC]);
    r->dkim_domain = own_text(j, v[F_DKIM_DOMAIN]);
    r->dkim_selector = own_text(j, v[F_DKIM_SELECTOR]);
    r->dkim_identity = own_text(j, v[F_DKIM_IDENTITY]);
    if (v[F_BODY].p != NULL) {
        r->body = own_text(j, v[F_BODY]);
        r->body_len = v[F_BODY].len;
    }
    j->policy_domain = xmemdup0(v[F_POLICY_DOMAIN].p, v[F_POLICY_DOMAIN].len);
    j->rec_text = v[F_REC_TEXT].p == NULL
                      ? NULL
                      : xmemdup0(v[F_REC_TEXT].p, v[F_REC_TEXT].len);
    j->spf_domain = v[F_SPF_DOMAIN].p == NULL
                        ? NULL
                        : xmemdup0(v[F_SPF_DOMAIN].p, v[F_SPF_DOMAIN].len);
}

/* check_fields - presence and no NUL in text (the body may hold any
 * byte); 0 or -1 with *why */
static int
check_fields(const struct str *v, const char **why)
{
    for (size_t i = 0; i < F_COUNT; i++) {
        if (v[i].p == NULL && field_names[i][0] == '!') {
            *why = "a required field is absent";
            return -1;
        }
        if (i != F_BODY && v[i].p != NULL &&
            memchr(v[i].p, '\0', v[i].len) != NULL) {
            *why = "NUL in a text field";
            return -1;
        }
    }
    if (v[F_HEADERS].len > AFRF_MSG_MAX || v[F_BODY].len > AFRF_MAX_BODY) {
        *why = "header or body over its limit";
        return -1;
    }
    return 0;
}

/* build - the job of the fields v; NULL with *why */
static struct afrf_job *
build(const struct str *v, const char **why)
{
    struct afrf_job *j;
    uint64_t kind;
    uint64_t port;
    int64_t arrival;

    if (check_fields(v, why) < 0)
        return NULL;
    if (num_parse_u64(v[F_KIND], AFRF_KIND_DMARC, AFRF_KIND_SPF, &kind, why) <
            0 ||
        num_parse_i64(v[F_ARRIVAL], 0, INT64_MAX, &arrival, why) < 0 ||
        num_parse_u64(v[F_SOURCE_PORT], 0, 65535, &port, why) < 0)
        return NULL;
    j = xcalloc(1, sizeof(*j));
    buf_init(&j->hdrs, AFRF_MSG_MAX);
    if (buf_append(&j->hdrs, v[F_HEADERS].p, v[F_HEADERS].len) < 0) {
        afrf_job_free(j); /* cannot happen: the length was checked */
        *why = "header over its limit";
        return NULL;
    }
    j->r.kind = (enum afrf_kind)kind;
    j->r.arrival = arrival;
    j->r.source_port = (unsigned)port;
    j->r.headers = buf_cstr(&j->hdrs);
    j->r.headers_len = j->hdrs.len;
    set_text(j, v);
    return j;
}

enum afrf_spool_status
afrf_spool_decode(const char *p, size_t len, struct afrf_job **out,
                  const char **why)
{
    struct str in;
    struct str v[F_COUNT];
    size_t magic_len = strlen(AFRF_SPOOL_MAGIC);

    if (len < magic_len || memcmp(p, AFRF_SPOOL_MAGIC, magic_len) != 0) {
        *why = "not a spool file (version line)";
        return AFRF_SPOOL_BAD;
    }
    in = str_make(p + magic_len, len - magic_len);
    for (size_t i = 0; i < F_COUNT; i++) {
        if (read_field(&in, field_names[i] + (field_names[i][0] == '!'),
                       &v[i]) < 0) {
            *why = "malformed or missing field";
            return AFRF_SPOOL_BAD;
        }
    }
    if (in.len != 0) {
        *why = "trailing bytes";
        return AFRF_SPOOL_BAD;
    }
    *out = build(v, why);
    return *out != NULL ? AFRF_SPOOL_OK : AFRF_SPOOL_BAD;
}

/* spool_path - "<dir>/<sub>/<name>" (or "<dir>/<sub>") into out; 0 or -1
 * when it does not fit */
static int
spool_path(char *out, const struct afrf_spool *s, const char *sub,
           const char *name)
{
    int n = name != NULL
                ? snprintf(out, PATH_MAX, "%s/%s/%s", s->dir, sub, name)
                : snprintf(out, PATH_MAX, "%s/%s", s->dir, sub);

    return n < 0 || n >= PATH_MAX ? -1 : 0;
}

/* is_spool_name - a name of ours: not hidden, digits and dots */
static bool
is_spool_name(const char *name)
{
    size_t len = strlen(name);

    if (len == 0 || len >= AFRF_SPOOL_MAX_NAME || name[0] == '.')
        return false;
    return strspn(name, "0123456789.") == len;
}

/* cmp_names - qsort order of two names: the time comes first, padded */
static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_new - the names in new/, sorted (oldest first); *n gets the
 * count; NULL (logged) when new/ cannot be read.  Caller frees each. */
static char **
list_new(const struct afrf_spool *s, size_t *n)
{
    char path[PATH_MAX];
    struct dirent *de;
    size_t cap = 16;
    char **names = xcalloc(cap, sizeof(*names));
    DIR *d;

    *n = 0;
    d = spool_path(path, s, "new", NULL) == 0 ? opendir(path) : NULL;
    if (d == NULL) {
        log_err_errno("FailureReportsSpool: %s/new", s->dir);
        free(names);
        return NULL;
    }
    /* NOLINTNEXTLINE(concurrency-mt-unsafe): this DIR stream is ours */
    while ((de = readdir(d)) != NULL) {
        if (!is_spool_name(de->d_name))
            continue;
        if (*n == cap) {
            cap *= 2;
            names = xreallocarray(names, cap, sizeof(*names));
        }
        names[(*n)++] = xstrdup(de->d_name);
    }
    (void)closedir(d); /* read-only stream */
    qsort(names, *n, sizeof(*names), cmp_names);
    return names;
}

/* free_names - release list_new's result */
static void
free_names(char **names, size_t n)
{
    for (size_t i = 0; names != NULL && i < n; i++)
        free(names[i]);
    free(names);
}

/* make_dir - mkdir path unless it exists; 0 or -1 (logged) */
static int
make_dir(const char *path)
{
    if (mkdir(path, 0700) < 0 && errno != EEXIST) {
        log_err_errno("FailureReportsSpool: mkdir %s", path);
        return -1;
    }
    return 0;
}

/* make_dirs - the spool and its tmp/, new/, bad/; 0 or -1 (logged) */
static int
make_dirs(const struct afrf_spool *s)
{
    static const char *const subs[] = { "tmp", "new", "bad" };
    char path[PATH_MAX];

    if (make_dir(s->dir) < 0)
        return -1;
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (spool_path(path, s, subs[i], NULL) < 0) {
            log_err("FailureReportsSpool: path too long: %s", s->dir);
            return -1;
        }
        if (make_dir(path) < 0)
            return -1;
    }
    return 0;
}

struct afrf_spool *
afrf_spool_new(const char *dir, size_t max)
{
    struct afrf_spool *s = xcalloc(1, sizeof(*s));
    char path[PATH_MAX];
    char **names;
    size_t n;

    s->dir = xstrdup(dir);
    s->max = max;
    s->lock_fd = -1;
    if (make_dirs(s) < 0 || spool_path(path, s, "lock", NULL) < 0)
        goto bad;
    s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (s->lock_fd < 0) {
        log_err_errno("FailureReportsSpool: %s", path);
        goto bad;
    }
    names = list_new(s, &n);
    if (names == NULL)
        goto bad;
    free_names(names, n);
    atomic_store(&s->n, n);
    if (n > 0)
        log_info("failure reports: %zu left in %s/new", n, dir);
    return s;
bad:
    afrf_spool_free(s);
    return NULL;
}

void
afrf_spool_free(struct afrf_spool *s)
{
    if (s == NULL)
        return;
    if (s->lock_fd >= 0)
        (void)close(s->lock_fd); /* nothing written through it */
    free(s->dir);
    free(s);
}

size_t
afrf_spool_count(const struct afrf_spool *s)
{
    return atomic_load(&s->n);
}

/* write_file - the len bytes of p as a new file path; 0 or -1 (logged) */
static int
write_file(const char *path, const char *p, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd < 0) {
        log_err_errno("FailureReportsSpool: %s", path);
        return -1;
    }
    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            log_err_errno("FailureReportsSpool: write %s", path);
            (void)close(fd); /* the file is removed by the caller */
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    /* the bytes reach the disk before the name does (rename in store) */
    if (fsync(fd) < 0) {
        log_err_errno("FailureReportsSpool: fsync %s", path);
        (void)close(fd); /* the file is removed by the caller */
        return -1;
    }
    if (close(fd) < 0) {
        log_err_errno("FailureReportsSpool: close %s", path);
        return -1;
    }
    return 0;
}

/* sync_dir - fsync <spool>/<sub>, so that the names created, renamed or
 * removed in it survive a crash; 0 or -1 (logged with the path) */
static int
sync_dir(const struct afrf_spool *s, const char *sub)
{
    char path[PATH_MAX];
    int fd;
    int rc = 0;

    if (spool_path(path, s, sub, NULL) < 0)
        return -1; /* cannot happen: make_dirs built the same path */
    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        log_err_errno("FailureReportsSpool: open %s", path);
        return -1;
    }
    if (fsync(fd) < 0) {
        log_err_errno("FailureReportsSpool: fsync %s", path);
        rc = -1;
    }
    (void)close(fd); /* read-only descriptor */
    return rc;
}

/* store - b as new/<name> through tmp/<name>; 0 or -1 (logged) */
static int
store(const struct afrf_spool *s, const char *name, const struct buf *b)
{
    char tmp[PATH_MAX];
    char dst[PATH_MAX];

    if (spool_path(tmp, s, "tmp", name) < 0 ||
        spool_path(dst, s, "new", name) < 0) {
        log_err("FailureReportsSpool: path too long: %s", s->dir);
        return -1;
    }
    if (write_file(tmp, b->len > 0 ? buf_cstr(b) : "", b->len) < 0) {
        (void)unlink(tmp); /* may not exist */
        return -1;
    }
    if (rename(tmp, dst) < 0) {
        log_err_errno("FailureReportsSpool: rename %s", tmp);
        (void)unlink(tmp); /* best effort */
        return -1;
    }
    /* the report is in new/ and will be sent either way: a failure here
     * only means it may not survive a crash (logged with the path) */
    (void)sync_dir(s, "new");
    return 0;
}

int
afrf_spool_put(struct afrf_spool *s, const struct afrf_job *j, const char **why)
{
    char name[AFRF_SPOOL_MAX_NAME];
    struct timespec ts;
    struct buf b;
    int rc = -1;

    if (atomic_fetch_add(&s->n, 1) >= s->max) {
        atomic_fetch_sub(&s->n, 1);
        *why = "spool full";
        return -1;
    }
    (void)clock_gettime(CLOCK_REALTIME, &ts); /* cannot fail */
    (void)snprintf(name, sizeof(name), "%020llu.%ld.%zu.0",
                   (unsigned long long)ts.tv_sec * 1000000000ull +
                       (unsigned long long)ts.tv_nsec,
                   (long)getpid(), atomic_fetch_add(&s->seq, 1));
    buf_init(&b, AFRF_SPOOL_MAX_FILE);
    *why = "spool write failed";
    if (afrf_spool_encode(j, &b) == 0 && store(s, name, &b) == 0)
        rc = 0;
    buf_free(&b);
    if (rc < 0)
        atomic_fetch_sub(&s->n, 1);
    return rc;
}

/* read_file - the whole of path into a new buffer (*len bytes, NUL
 * after them); NULL (logged) on a system error or a file over
 * AFRF_SPOOL_MAX_FILE (*is_big set) */
static char *
read_file(const char *path, size_t *len, bool *is_big)
{
    struct stat st;
    char *p = NULL;
    ssize_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *is_big = false;
    if (fd < 0 || fstat(fd, &st) < 0) {
        log_err_errno("FailureReportsSpool: %s", path);
        goto out;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > AFRF_SPOOL_MAX_FILE) {
        *is_big = true;
        goto out;
    }
    p = xmalloc((size_t)st.st_size + 1);
    *len = 0;
    while (*len < (size_t)st.st_size &&
           ((n = read(fd, p + *len, (size_t)st.st_size - *len)) > 0 ||
            (n < 0 && errno == EINTR)))
        *len += n > 0 ? (size_t)n : 0;
    if (n < 0) {
        log_err_errno("FailureReportsSpool: read %s", path);
        free(p);
        p = NULL;
        goto out;
    }
    p[*len] = '\0';
out:
    if (fd >= 0)
        (void)close(fd); /* read-only descriptor */
    return p;
}

/* move_bad - new/<name> to bad/<name>, logged with why */
static void
move_bad(const struct afrf_spool *s, const char *name, const char *why)
{
    char src[PATH_MAX];
    char dst[PATH_MAX];

    log_warn("failure reports: spool file %s moved to bad/: %s", name, why);
    if (spool_path(src, s, "new", name) < 0 ||
        spool_path(dst, s, "bad", name) < 0 || rename(src, dst) < 0) {
        log_err_errno("FailureReportsSpool: cannot move %s to bad/", src);
        (void)unlink(src); /* never read it again and again */
        return;
    }
    /* keep the evidence: the name in bad/ is durable (new/ is synced at
     * the end of the pass) */
    (void)sync_dir(s, "bad"); /* logged there */
}

/* name_tries - the failed sends a name counts (its last part); 0 or -1
 * when the count is not there or out of range */
static int
name_tries(const char *name, uint64_t *tries)
{
    const char *dot = strrchr(name, '.');
    const char *why;

    if (dot == NULL || (size_t)(dot - name) >= AFRF_SPOOL_MAX_NAME)
        return -1;
    return num_parse_u64(str_cstr(dot + 1), 0, AFRF_SPOOL_MAX_TRIES, tries,
                         &why);
}

/* retry - after a temporary failure: new/<name> renamed with one more
 * try, or removed at AFRF_SPOOL_MAX_TRIES; true when the file is gone */
static bool
retry(const struct afrf_spool *s, const char *name, const char *path)
{
    char next[AFRF_SPOOL_MAX_NAME + 24];
    char dst[PATH_MAX];
    size_t pre;
    const char *dot = strrchr(name, '.');
    uint64_t tries = 0;
    int n;

    if (name_tries(name, &tries) < 0 || tries + 1 >= AFRF_SPOOL_MAX_TRIES) {
        log_warn("failure reports: %s given up after %d tries", name,
                 AFRF_SPOOL_MAX_TRIES);
        (void)unlink(path); /* gone either way: counted as removed */
        return true;
    }
    assert(dot != NULL);        /* name_tries found the count after it */
    pre = (size_t)(dot - name); /* < AFRF_SPOOL_MAX_NAME: tries was read */
    memcpy(next, name, pre);
    n = snprintf(next + pre, sizeof(next) - pre, ".%llu",
                 (unsigned long long)tries + 1);
    if (n < 0 || spool_path(dst, s, "new", next) < 0 || rename(path, dst) < 0)
        log_err_errno("FailureReportsSpool: rename %s", name);
    return false;
}

/* one - send the file new/<name>: true when it left new/ */
static bool
one(const struct afrf_spool *s, const char *name, afrf_spool_send_fn *send,
    void *arg)
{
    char path[PATH_MAX];
    struct afrf_job *j = NULL;
    const char *why = "file too large";
    size_t len = 0;
    bool is_big;
    bool is_done;
    char *p;

    if (spool_path(path, s, "new", name) < 0)
        return false;
    p = read_file(path, &len, &is_big);
    if (p == NULL) {
        if (!is_big)
            return errno == ENOENT; /* taken by another instance */
        move_bad(s, name, why);
        return true;
    }
    if (afrf_spool_decode(p, len, &j, &why) != AFRF_SPOOL_OK) {
        free(p);
        move_bad(s, name, why);
        return true;
    }
    free(p);
    is_done = send(arg, j);
    afrf_job_free(j);
    if (is_done) {
        if (unlink(path) < 0)
            log_err_errno("FailureReportsSpool: unlink %s", path);
        return true;
    }
    return retry(s, name, path);
}

/* is_selected - new/<name> is sent by a pass of that kind */
static bool
is_selected(const char *name, enum afrf_spool_pass pass)
{
    uint64_t tries = 0;

    /* a name without a count is read (and moved to bad/) by any pass */
    return pass == AFRF_SPOOL_PASS_ALL || name_tries(name, &tries) < 0 ||
           tries == 0;
}

void
afrf_spool_run(struct afrf_spool *s, enum afrf_spool_pass pass,
               afrf_spool_send_fn *send, void *arg)
{
    size_t n = 0;
    size_t n_sent = 0;
    char **names;

    while (flock(s->lock_fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            log_err_errno("FailureReportsSpool: flock");
            return;
        }
    }
    names = list_new(s, &n);
    for (size_t i = 0; names != NULL && i < n; i++) {
        if (!is_selected(names[i], pass))
            continue;
        n_sent++;
        if (one(s, names[i], send, arg) && atomic_load(&s->n) > 0)
            atomic_fetch_sub(&s->n, 1);
    }
    free_names(names, n);
    /* the pass removed or renamed files in new/: once per pass, so that
     * a report sent is not sent again after a crash */
    if (n_sent > 0)
        (void)sync_dir(s, "new");     /* logged there */
    (void)flock(s->lock_fd, LOCK_UN); /* closing would release it too */
}
