/*
 * fuzz_afrf_spoolfile - libFuzzer target for the failure report spool
 * file decoder.
 *
 * A spool file can be cut short or corrupted on disk, so any bytes given
 * to afrf_spoolfile_decode() must give a job or AFRF_SPOOLFILE_BAD with a
 * reason, never a crash.  A decoded job is encoded, decoded and encoded
 * again: the two encodings must be the same bytes (the first may differ
 * from the input, which an older version may have written).
 *
 * STANDARDS: none.
 * Thread safety: libFuzzer calls the target from one thread.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "reporter/afrf_job.h"
#include "reporter/afrf_spoolfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_roundtrip - encode j twice through a decode: the same bytes */
static void
fuzz_roundtrip(const struct afrf_job *j)
{
    struct afrf_job *k = NULL;
    const char *why = NULL;
    struct buf a;
    struct buf b;

    buf_init(&a, AFRF_SPOOLFILE_MAX);
    buf_init(&b, AFRF_SPOOLFILE_MAX);
    if (afrf_spoolfile_encode(j, &a) < 0)
        goto out; /* over the maximum: the spool refuses it too */
    if (afrf_spoolfile_decode(buf_cstr(&a), a.len, &k, &why) !=
        AFRF_SPOOLFILE_OK)
        abort(); /* what we write, we must read */
    if (afrf_spoolfile_encode(k, &b) < 0 || a.len != b.len ||
        memcmp(a.data, b.data, a.len) != 0)
        abort();
out:
    afrf_job_free(k);
    buf_free(&a);
    buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct afrf_job *j = NULL;
    const char *why = NULL;

    if (afrf_spoolfile_decode((const char *)data, size, &j, &why) ==
        AFRF_SPOOLFILE_OK) {
        if (j == NULL)
            abort();
        fuzz_roundtrip(j);
        afrf_job_free(j);
    } else if (why == NULL || j != NULL) {
        abort(); /* a refusal always says why and gives no job */
    }
    return 0;
}
