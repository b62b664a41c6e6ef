/*
 * import - read one history input and store its records.
 *
 * For a named file: identify it by device and inode, check the
 * fingerprint of its first bytes against the stored one (a mismatch, or a
 * file shorter than the stored offset, means it was replaced or
 * truncated: read it from the start; the record fingerprints keep that
 * from storing anything twice), seek to the stored offset, and read.
 * Every IMPORT_BATCH records the progress row is written and the
 * transaction committed.  Standard input has no identity: it is read to
 * its end, as final, and only the record fingerprints prevent duplicates.
 *
 * It takes no lock on the file: the milter appends whole records with one
 * write(2), and the reader never consumes a record that is not complete.
 *
 * STANDARDS: none (see dmarc-import(8)).
 *
 * Thread safety: one import per database handle at a time.
 */
#include "importer/import.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/db.h"
#include "history/hist_read.h"
#include "importer/progbar.h"
#include "importer/progress.h"
#include "importer/rechash.h"

/* one input being imported */
struct input {
    const char *path;       /* name for messages and the progress row */
    int fd;                 /* open descriptor */
    bool has_identity;      /* a regular file with a progress row */
    uint64_t size;          /* size at open (for the bar) */
    struct progress prog;   /* its progress */
    struct hist_reader *rd; /* the reader */
    struct progbar *bar;    /* progress bar, or NULL */
};

/* fingerprint - hash the first n bytes of fd into out; 0 or -1 */
static int
fingerprint(int fd, size_t n, unsigned char out[RECHASH_LEN])
{
    char buf[PROGRESS_FP_MAX];
    size_t got = 0;

    while (got < n) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    rechash(buf, n, out);
    return 0;
}

/* resume_point - where to start reading a named file; sets in->prog */
static int
resume_point(sqlite3 *db, struct input *in)
{
    struct progress *p = &in->prog;
    unsigned char fp[RECHASH_LEN];
    int found = progress_load(db, p);

    if (found < 0)
        return -1;
    if (found && p->fp_len <= in->size && p->offset <= in->size &&
        fingerprint(in->fd, p->fp_len, fp) == 0 &&
        memcmp(fp, p->fp, RECHASH_LEN) == 0)
        return 0; /* the same file, grown or unchanged */
    if (found)
        log_notice("%s: truncated or replaced since the last import, read "
                   "again from the start",
                   in->path);
    p->fp_len = 0; /* set at the first checkpoint, see grow_fingerprint */
    rechash("", 0, p->fp);
    p->offset = p->records = p->skipped = 0;
    p->line = 1;
    return 0;
}

/* open_input - open and position the input; IMPORT_OK or a failure */
static enum import_status
open_input(sqlite3 *db, struct input *in, const struct import_opts *o)
{
    struct hist_read_opts ro = { 0, 1, o->is_final };
    struct stat st;

    if (strcmp(in->path, "-") == 0) {
        in->fd = STDIN_FILENO;
        ro.is_final = true;
    } else {
        in->fd = open(in->path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) {
            log_err_errno("%s: open", in->path);
            return IMPORT_NOINPUT;
        }
        if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode)) {
            in->has_identity = true;
            in->size = (uint64_t)st.st_size;
            in->prog.dev = (uint64_t)st.st_dev;
            in->prog.ino = (uint64_t)st.st_ino;
            if (resume_point(db, in) < 0)
                return IMPORT_DBERR;
            if (lseek(in->fd, (off_t)in->prog.offset, SEEK_SET) < 0) {
                log_err_errno("%s: seek", in->path);
                return IMPORT_IOERR;
            }
            ro.offset = in->prog.offset;
            ro.line = in->prog.line;
        }
    }
    in->rd = hist_reader_new(in->fd, in->path, &ro);
    if (o->show_bar)
        in->bar = progbar_new(in->path, ro.offset, in->size);
    return IMPORT_OK;
}

/* grow_fingerprint - the fingerprint covers the first imported bytes,
 * up to PROGRESS_FP_MAX: widen it as the import passes them */
static void
grow_fingerprint(struct input *in)
{
    struct progress *p = &in->prog;
    size_t want =
        p->offset < PROGRESS_FP_MAX ? (size_t)p->offset : PROGRESS_FP_MAX;
    unsigned char fp[RECHASH_LEN];

    if (want <= p->fp_len)
        return;
    if (fingerprint(in->fd, want, fp) < 0) {
        /* truncated under us: keep the old fingerprint; the next run
         * sees the truncation */
        log_warn_errno("%s: read", in->path);
        return;
    }
    memcpy(p->fp, fp, RECHASH_LEN);
    p->fp_len = want;
}

/* checkpoint - write progress and commit; begin the next transaction
 * unless last */
static int
checkpoint(sqlite3 *db, struct input *in, bool last)
{
    if (in->has_identity) {
        in->prog.offset = hist_reader_offset(in->rd);
        in->prog.line = hist_reader_line(in->rd);
        grow_fingerprint(in);
        if (progress_save(db, in->path, &in->prog) < 0)
            return -1;
    }
    if (db_exec(db, "COMMIT") < 0)
        return -1;
    return last ? 0 : db_exec(db, "BEGIN IMMEDIATE");
}

/* one_record - store the record just read; 0 or -1 */
static int
one_record(struct store *st, struct input *in, const struct hist_rec *r,
           struct import_counts *c)
{
    unsigned char hash[RECHASH_LEN];
    struct str raw = hist_reader_raw(in->rd);
    bool is_new;

    rechash(raw.p, raw.len, hash);
    if (store_record(st, r, hash, &is_new) < 0)
        return -1;
    if (is_new) {
        c->records++;
        in->prog.records++;
    } else {
        c->duplicates++;
    }
    return 0;
}

/* run - the read loop inside transactions */
static enum import_status
run(sqlite3 *db, struct store *st, struct input *in, size_t batch,
    struct import_counts *c)
{
    size_t n = 0;
    struct hist_rec r;

    if (db_exec(db, "BEGIN IMMEDIATE") < 0 || store_preload(st) < 0)
        return IMPORT_DBERR;
    for (;;) {
        enum hist_read_status rs = hist_reader_next(in->rd, &r);

        if (rs == HIST_READ_END || rs == HIST_READ_ERROR) {
            if (checkpoint(db, in, true) < 0)
                return IMPORT_DBERR;
            return rs == HIST_READ_END ? IMPORT_OK : IMPORT_IOERR;
        }
        if (rs == HIST_READ_SKIP) {
            c->skipped++;
            in->prog.skipped++;
        } else if (one_record(st, in, &r, c) < 0) {
            return IMPORT_DBERR;
        }
        progbar_update(in->bar, hist_reader_offset(in->rd),
                       c->records + c->duplicates);
        if (++n % batch == 0 && checkpoint(db, in, false) < 0)
            return IMPORT_DBERR;
    }
}

enum import_status
import_file(sqlite3 *db, struct store *st, const char *path,
            const struct import_opts *opts, struct import_counts *counts)
{
    struct input in;
    enum import_status rc;

    memset(&in, 0, sizeof(in));
    in.path = path;
    in.fd = -1;
    rc = open_input(db, &in, opts);
    if (rc == IMPORT_OK)
        rc = run(db, st, &in, opts->batch ? opts->batch : IMPORT_BATCH, counts);
    if (rc == IMPORT_DBERR) {
        db_rollback(db);
        store_forget(st);
    }
    if (in.rd != NULL)
        counts->warnings += hist_reader_stats(in.rd)->warnings +
                            hist_reader_stats(in.rd)->unknown_keys;
    progbar_free(in.bar);
    hist_reader_free(in.rd);
    if (in.fd > STDIN_FILENO)
        (void)close(in.fd); /* read-only: nothing to flush */
    return rc;
}
