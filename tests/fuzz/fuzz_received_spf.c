/*
 * fuzz_received_spf - libFuzzer target for the Received-SPF parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "milter/received_spf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct received_spf *r = NULL;
    const char *why = NULL;
    const char *const *fields;
    size_t sum = 0;

    if (received_spf_parse(str_make((const char *)data, size), &r, &why) !=
        RECEIVED_SPF_OK) {
        if (r != NULL || why == NULL)
            abort();
        return 0;
    }
    fields =
        (const char *const[]){ r->client_ip, r->envelope_from, r->helo,
                               r->identity,  r->receiver,      r->mechanism,
                               r->problem };
    for (size_t i = 0; i < 7; i++)
        sum += fields[i] != NULL ? strlen(fields[i]) + 1 : 0;
    if (sum > size + 1)
        abort();
    (void)received_spf_is_usable(r, "example.com");
    (void)received_spf_envelope_domain(r);
    received_spf_free(r);
    return 0;
}
