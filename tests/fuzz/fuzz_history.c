/*
 * fuzz_history - libFuzzer target for the history reader: any bytes, read
 * as a history file (record boundaries, the record parser, the ARC JSON),
 * must give records or skips without a crash; every record must be
 * written back by hist_format() and read again to the same fields.
 */
#define _GNU_SOURCE /* memfd_create() */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "history/hist_read.h"
#include "history/hist_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* same - the fields hist_format() writes unchanged */
static bool
same(const struct hist_rec *a, const struct hist_rec *b)
{
    return a->received == b->received && a->dkim_count == b->dkim_count &&
           a->rua_count == b->rua_count && a->policy == b->policy &&
           a->action == b->action && str_eq(a->from, b->from) &&
           str_eq(a->pdomain, b->pdomain) && a->seal_count == b->seal_count;
}

/* reread - format r and read it back: the same record */
static void
reread(const struct hist_rec *r)
{
    struct hist_read_opts o = { 0, 1, true };
    struct buf b;
    struct hist_reader *rd;
    struct hist_rec again;
    int fd;

    buf_init(&b, HIST_MAX_RECORD);
    if (hist_format(r, &b) < 0) {
        buf_free(&b);
        return;
    }
    fd = memfd_create("fuzz", 0);
    if (fd < 0 || write(fd, b.data, b.len) != (ssize_t)b.len ||
        lseek(fd, 0, SEEK_SET) != 0)
        abort();
    rd = hist_reader_new(fd, "again", &o);
    if (hist_reader_next(rd, &again) != HIST_READ_OK || !same(r, &again))
        abort();
    hist_reader_free(rd);
    close(fd);
    buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    struct hist_read_opts o = { 0, 1, size % 2 == 0 };
    struct hist_reader *rd;
    struct hist_rec r;
    enum hist_read_status st;
    int fd = memfd_create("fuzz", 0);

    if (!quiet) {
        if (log_open("fuzz", NULL, true) < 0)
            abort();
        log_set_level(LOG_LEVEL_ERR);
        quiet = 1;
    }
    if (fd < 0 || write(fd, data, size) != (ssize_t)size ||
        lseek(fd, 0, SEEK_SET) != 0)
        abort();
    rd = hist_reader_new(fd, "fuzz", &o);
    while ((st = hist_reader_next(rd, &r)) == HIST_READ_OK ||
           st == HIST_READ_SKIP) {
        if (st == HIST_READ_OK && r.action >= 0)
            reread(&r);
    }
    if (hist_reader_offset(rd) > size)
        abort();
    hist_reader_free(rd);
    close(fd);
    return 0;
}
