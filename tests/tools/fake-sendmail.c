/*
 * fake-sendmail - a sendmail stand-in for tests: records each call.
 *
 * Each run writes its arguments (one per line, argv[0] excluded) to
 * $FAKE_SENDMAIL_DIR/N.args and its standard input to N.eml, N = 1, 2, ...
 * (the first free number).  What it then does is read from the file
 * $FAKE_SENDMAIL_DIR/mode (first word), else $FAKE_SENDMAIL_MODE:
 *   ok (default)  exit 0
 *   tempfail      exit 75 (EX_TEMPFAIL)
 *   fail          exit 1
 *   hang          sleep until killed, without reading its input
 *   noread        exit 0 without reading its input
 * It also writes N.env with its environment.
 *
 * STANDARDS: sendmail(8) exit statuses (sysexits.h).
 * Thread safety: a single-threaded program.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

extern char **environ;

/* write_all - all of len bytes at p to fd */
static int
write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* open_next - create dir/N.args with the first free N */
static int
open_next(const char *dir, char *base, size_t base_size)
{
    char path[4096];

    for (int n = 1; n < 100000; n++) {
        int fd;

        (void)snprintf(base, base_size, "%s/%d", dir, n);
        (void)snprintf(path, sizeof(path), "%s.args", base);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* write_lines - each string of v on its own line into base.ext */
static int
write_lines(const char *base, const char *ext, char *const *v, int fd)
{
    int rc = 0;

    if (fd < 0) {
        char path[4096];

        (void)snprintf(path, sizeof(path), "%s.%s", base, ext);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            return -1;
    }
    for (size_t i = 0; v[i] != NULL && rc == 0; i++) {
        if (write_all(fd, v[i], strlen(v[i])) < 0 || write_all(fd, "\n", 1) < 0)
            rc = -1;
    }
    return close(fd) < 0 ? -1 : rc;
}

/* copy_stdin - standard input into base.eml */
static int
copy_stdin(const char *base)
{
    char path[4096];
    char chunk[65536];
    ssize_t n;
    int fd;

    (void)snprintf(path, sizeof(path), "%s.eml", base);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) > 0) {
        if (write_all(fd, chunk, (size_t)n) < 0) {
            (void)close(fd);
            return -1;
        }
    }
    return close(fd) < 0 || n < 0 ? -1 : 0;
}

/* read_mode - the first word of dir/mode, else the env var, else "ok" */
static void
read_mode(const char *dir, char *mode, size_t mode_size)
{
    char path[4096];
    const char *env = getenv("FAKE_SENDMAIL_MODE");
    FILE *f;

    (void)snprintf(mode, mode_size, "%s", env ? env : "ok");
    (void)snprintf(path, sizeof(path), "%s/mode", dir);
    f = fopen(path, "r");
    if (f == NULL)
        return;
    if (fgets(mode, (int)mode_size, f) == NULL)
        (void)snprintf(mode, mode_size, "ok");
    mode[strcspn(mode, " \t\r\n")] = '\0';
    (void)fclose(f); /* read-only */
}

int
main(int argc, char **argv)
{
    const char *dir = getenv("FAKE_SENDMAIL_DIR");
    char base[4000];
    char mode[32];
    int fd;

    (void)argc;
    if (dir == NULL) {
        (void)write_all(2, "fake-sendmail: FAKE_SENDMAIL_DIR unset\n", 39);
        return EX_SOFTWARE;
    }
    read_mode(dir, mode, sizeof(mode));
    fd = open_next(dir, base, sizeof(base));
    if (fd < 0 || write_lines(base, "args", argv + 1, fd) < 0 ||
        write_lines(base, "env", environ, -1) < 0)
        return EX_CANTCREAT;
    if (strcmp(mode, "hang") == 0) {
        for (;;)
            (void)pause();
    }
    if (strcmp(mode, "noread") == 0)
        return 0;
    if (copy_stdin(base) < 0)
        return EX_IOERR;
    if (strcmp(mode, "tempfail") == 0)
        return EX_TEMPFAIL;
    if (strcmp(mode, "fail") == 0)
        return 1;
    return 0;
}
