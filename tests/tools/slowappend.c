/*
 * slowappend - copy a file onto the end of another in small random pieces.
 *
 * A stand-in for a live history writer at its worst: pieces of 1 to
 * MAXCHUNK bytes, cut anywhere (inside lines and records), appended with
 * O_APPEND and a pause of up to PAUSE microseconds between them, so a
 * concurrent importer sees every kind of partial record at the end of
 * the file.
 *
 *   slowappend SRC DST [MAXCHUNK [PAUSE [SEED]]]
 *
 * STANDARDS: none.
 *
 * Thread safety: single-threaded program.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/num.h"

/* rng - xorshift64 */
static uint64_t
rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* arg - numeric argument i or its default */
static uint64_t
arg(int argc, char **argv, int i, uint64_t dflt)
{
    uint64_t v;

    if (argc <= i ||
        num_parse_u64(str_cstr(argv[i]), 1, UINT32_MAX, &v, NULL) < 0)
        return dflt;
    return v;
}

/* put - write all of p */
static int
put(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    uint64_t maxchunk = arg(argc, argv, 3, 300);
    uint64_t pause = arg(argc, argv, 4, 200);
    uint64_t seed = arg(argc, argv, 5, 1);
    char buf[65536];
    int in;
    int out;

    if (log_open("slowappend", NULL, true) < 0 || argc < 3)
        return EX_USAGE;
    in = open(argv[1], O_RDONLY);
    out = open(argv[2], O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (in < 0 || out < 0) {
        log_err_errno("open");
        return EX_NOINPUT;
    }
    for (;;) {
        size_t want = 1 + (size_t)(rng(&seed) % maxchunk);
        ssize_t n = read(in, buf, want < sizeof(buf) ? want : sizeof(buf));
        struct timespec ts = { 0, (long)(rng(&seed) % pause) * 1000 };

        if (n <= 0)
            break;
        if (put(out, buf, (size_t)n) < 0) {
            log_err_errno("write");
            return EX_IOERR;
        }
        (void)nanosleep(&ts, NULL); /* an interrupted pause is fine */
    }
    (void)close(in); /* read-only */
    return close(out) == 0 ? EX_OK : EX_IOERR;
}
