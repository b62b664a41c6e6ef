/*
 * fuzz_dmarc_rec - libFuzzer target: the DMARC record parser.
 *
 * Parses the input as one TXT record, checks the invariants a caller
 * relies on (every kept slice lies inside the record's own copy, counts
 * within bounds, a status with a reason), and frees.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/dmarc_rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* inside - true when s lies within rec's copy of the text */
static int
inside(const struct dmarc_rec *rec, struct str s)
{
    return s.len == 0 ||
           (s.p >= rec->text && s.p + s.len <= rec->text + rec->text_len);
}

/* check_uris - the invariants of one URI list */
static void
check_uris(const struct dmarc_rec *rec, const struct dmarc_uri *u, size_t n)
{
    if (n > DMARC_REC_MAX_URIS)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (!inside(rec, u[i].raw) || !inside(rec, u[i].scheme) ||
            !inside(rec, u[i].target) || u[i].scheme.len == 0 ||
            u[i].target.len == 0)
            abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dmarc_rec rec;
    const char *why = NULL;
    enum dmarc_rec_status st =
        dmarc_rec_parse(str_make((const char *)data, size), &rec, &why);

    if (st != DMARC_REC_OK && why == NULL)
        abort();
    if (st == DMARC_REC_OK) {
        if (rec.p == DMARC_REC_POLICY_UNSET ||
            rec.sp == DMARC_REC_POLICY_UNSET || rec.pct > 100 ||
            !inside(&rec, rec.rua_raw) || !inside(&rec, rec.ruf_raw))
            abort();
        check_uris(&rec, rec.rua, rec.rua_count);
        check_uris(&rec, rec.ruf, rec.ruf_count);
    }
    if (dmarc_rec_is_dmarc(str_make((const char *)data, size)) !=
        (st != DMARC_REC_NOT_DMARC))
        abort();
    dmarc_rec_free(&rec);
    return 0;
}
