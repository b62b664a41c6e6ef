/*
 * afrf_spool - the failure report spool directory: tmp/, new/, bad/,
 * the count, the worker's pass.  The file format is afrf_spoolfile.c's.
 *
 * A file the codec refuses (or one over AFRF_SPOOLFILE_MAX) is moved to
 * bad/ and logged.
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
#include "reporter/afrf_spoolfile.h"

/* AFRF_SPOOL_MAX_NAME - a file name: 20 + 1 + 10 + 1 + 20 + 1 + 10 */
#define AFRF_SPOOL_MAX_NAME 80

struct afrf_spool {
    char *dir;         /* FailureReportsSpool */
    size_t max;        /* files allowed in new/ */
    atomic_size_t n;   /* files in new/ (this instance's count) */
    atomic_size_t seq; /* for unique names */
    int lock_fd;       /* <dir>/lock, flocked by a pass */
};

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
    buf_init(&b, AFRF_SPOOLFILE_MAX);
    *why = "spool write failed";
    if (afrf_spoolfile_encode(j, &b) == 0 && store(s, name, &b) == 0)
        rc = 0;
    buf_free(&b);
    if (rc < 0)
        atomic_fetch_sub(&s->n, 1);
    return rc;
}

/* read_file - the whole of path into a new buffer (*len bytes, NUL
 * after them); NULL (logged) on a system error or a file over
 * AFRF_SPOOLFILE_MAX (*is_big set) */
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
    if (st.st_size < 0 || (uint64_t)st.st_size > AFRF_SPOOLFILE_MAX) {
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
    if (afrf_spoolfile_decode(p, len, &j, &why) != AFRF_SPOOLFILE_OK) {
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
