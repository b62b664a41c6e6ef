/*
 * fuzz_domain - libFuzzer target: domain normalisation.
 *
 * Normalises the input with and without DOMAIN_F_UNDERSCORE and checks
 * that a normalised name is within the limits, lower case, and a fixed
 * point (normalising it again gives the same name).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/domain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check - one normalisation and its invariants */
static void
check(struct str in, unsigned flags)
{
    char out[DOMAIN_BUF_SIZE];
    char again[DOMAIN_BUF_SIZE];
    const char *why = NULL;
    size_t len;

    if (domain_normalize(in, flags, out, &why) != DOMAIN_OK) {
        if (why == NULL || out[0] != '\0')
            abort();
        return;
    }
    len = strlen(out);
    if (len == 0 || len > DOMAIN_MAX_LEN || out[len - 1] == '.')
        abort();
    for (size_t i = 0; i < len; i++) {
        if (out[i] >= 'A' && out[i] <= 'Z')
            abort();
    }
    if (domain_normalize(str_cstr(out), flags, again, &why) != DOMAIN_OK ||
        strcmp(out, again) != 0 || !domain_eq(out, again))
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct str in = str_make((const char *)data, size);

    check(in, 0);
    check(in, DOMAIN_F_UNDERSCORE);
    return 0;
}
