/*
 * fuzz_dns_msg - libFuzzer target for the DNS response reader: the bytes
 * a name server (or anyone who can send a UDP datagram to the resolver's
 * port) puts on the wire.  The first byte picks the type asked, the rest
 * is the response; the query name is fixed.  Checks: a failure gives a
 * reason and no answer; every record of an answer has its text, ending
 * at its stated length; the CNAME target is a C string.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/dns_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum dns_type types[] = { DNS_T_A, DNS_T_PTR, DNS_T_MX,
                                           DNS_T_TXT, DNS_T_AAAA };
    struct dns_msg_result res;
    const char *why = NULL;

    if (size < 1)
        return 0;
    memset(&res, 0, sizeof(res));
    if (dns_msg_parse(data + 1, size - 1, "_dmarc.example.com",
                      types[data[0] % 5], &res, &why) < 0) {
        if (why == NULL || res.answer != NULL)
            abort();
        return 0;
    }
    if (memchr(res.target, '\0', sizeof(res.target)) == NULL)
        abort();
    if (res.answer != NULL) {
        for (size_t i = 0; i < res.answer->count; i++) {
            const struct dns_rr *rr = &res.answer->rr[i];

            if (rr->text == NULL || rr->text[rr->text_len] != '\0')
                abort();
        }
    }
    dns_answer_free(res.answer);
    return 0;
}
