/*
 * fuzz_arc_hdr - libFuzzer target for the ARC-Seal and
 * ARC-Authentication-Results parsers and the ARC evaluation on top: any
 * bytes must parse or be refused without a crash, parsed strings stay
 * within their bounds, and the evaluation of whatever was kept (with the
 * input also taken as a trusted Authentication-Results) never overflows
 * the comment.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "milter/arc_hdr.h"
#include "milter/arc_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_seal - a parsed seal is within its bounds */
static void
check_seal(const struct arc_hdr_seal *s)
{
    if (s->instance < 1 || s->instance > ARC_HDR_MAX_INSTANCE ||
        strlen(s->domain) > DOMAIN_MAX_LEN ||
        strlen(s->selector) > DOMAIN_MAX_LEN)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct arc_policy_state st;
    struct arc_policy_out out;
    struct str in = str_make((const char *)data, size);
    struct whitelist *wl = whitelist_new(0);
    struct authres *ar = NULL;
    struct arc_hdr_seal s;
    struct arc_hdr_aar a;
    const char *why = NULL;

    if (arc_hdr_seal(in, &s, &why) == ARC_HDR_OK)
        check_seal(&s);
    else if (why == NULL || s.instance != 0)
        abort();
    why = NULL;
    if (arc_hdr_aar(in, &a, &why) == ARC_HDR_OK) {
        if (a.instance < 1 || a.instance > ARC_HDR_MAX_INSTANCE ||
            strlen(a.ip) >= ARC_HDR_IP_SIZE)
            abort();
    } else if (why == NULL) {
        abort();
    }
    arc_policy_init(&st);
    if (whitelist_add(wl, STR_LIT("list.example.org"), &why) != WHITELIST_OK)
        abort();
    if (authres_parse(in, &ar, &why) == AUTHRES_OK) {
        arc_policy_authres(&st, ar);
        authres_free(ar);
    }
    /* each line stands for one field: seals and AARs alike */
    for (size_t off = 0; off < size;) {
        size_t n = str_chr(str_make(in.p + off, size - off), '\n');
        struct str f = str_make(in.p + off, n);

        if (arc_policy_seal(&st, f, &why) != ARC_HDR_OK)
            why = NULL;
        if (arc_policy_aar(&st, f, &why) != ARC_HDR_OK)
            why = NULL;
        off += n + 1;
    }
    arc_policy_eval(&st, wl, &out);
    if (strlen(out.comment) > HIST_MAX_COMMENT ||
        out.n_seals > ARC_POLICY_MAX_SETS)
        abort();
    for (size_t i = 0; i < st.n_seals; i++)
        check_seal(&st.seals[i]);
    whitelist_free(wl);
    return 0;
}
