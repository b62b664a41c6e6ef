/*
 * fuzz_authres - libFuzzer target for the Authentication-Results parser
 * and its helpers: any bytes must parse or be refused without a crash,
 * and every string in a parsed field must be readable.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "milter/authres.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* touch - read a string to the end (ASan checks the bounds) */
static size_t
touch(const char *s)
{
    return s != NULL ? strlen(s) : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ids[] = { "receiver.test", "mx.example.org" };
    struct authres_dkim dkim[8];
    struct authres_spf spf;
    struct authres_arc arc;
    struct authres *ar = NULL;
    const char *why = NULL;
    size_t sum = 0;

    if (authres_parse(str_make((const char *)data, size), &ar, &why) !=
        AUTHRES_OK) {
        if (ar != NULL || why == NULL)
            abort();
        return 0;
    }
    if (ar->n_results > AUTHRES_MAX_RESULTS)
        abort();
    sum += touch(ar->authserv_id) + touch(ar->version);
    for (size_t i = 0; i < ar->n_results; i++) {
        const struct authres_result *r = &ar->results[i];

        sum += touch(r->method) + touch(r->result_word) + touch(r->reason);
        for (size_t j = 0; j < r->n_props; j++)
            sum += touch(r->props[j].ptype) + touch(r->props[j].property) +
                   touch(r->props[j].value);
    }
    (void)authres_is_trusted(ar, ids, 2);
    (void)authres_dkim(ar, dkim, 8);
    if (authres_spf(ar, &spf))
        sum += touch(spf.mailfrom_domain) + touch(spf.helo);
    if (authres_arc(ar, &arc))
        sum += touch(arc.chain);
    if (sum > 2 * size + 2)
        abort();
    authres_free(ar);
    return 0;
}
