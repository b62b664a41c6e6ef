/*
 * fuzz_from_hdr - libFuzzer target for the From parser: any bytes must
 * give a status without a crash, and every domain returned must be a
 * lower-case LDH name of at most FROM_MAX_DOMAIN bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "milter/from_hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct from_result r;
    const char *why = NULL;
    enum from_status st =
        from_parse(str_make((const char *)data, size), &r, &why);

    if (st != FROM_OK && (why == NULL || r.n_domains != 0))
        abort();
    if (st == FROM_OK && (r.n_domains == 0 || r.n_domains > r.n_mailboxes ||
                          r.n_mailboxes > FROM_MAX_ADDRS))
        abort();
    for (size_t i = 0; i < r.n_domains; i++) {
        size_t len = strlen(r.domains[i]);

        if (len == 0 || len > FROM_MAX_DOMAIN)
            abort();
        for (size_t j = 0; j < len; j++) {
            char c = r.domains[i][j];

            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.'))
                abort();
        }
    }
    return 0;
}
