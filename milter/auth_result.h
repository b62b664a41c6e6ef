/*
 * auth_result - the vocabulary of authentication result words.
 *
 * One enum for the result words of Authentication-Results (RFC 8601),
 * Received-SPF (RFC 7208 §9.1) and libspf2, with the ARES codes the
 * OpenDMARC history format uses (history-format.md §4.1).
 *
 * Thread safety: pure functions.
 */
#ifndef DMARC_MILTER_AUTH_RESULT_H
#define DMARC_MILTER_AUTH_RESULT_H

#include "common/str.h"

/* a result word; the order is not the ARES code (see auth_result_ares) */
enum auth_result {
    AUTH_RESULT_OTHER = 0, /* a word not in the table (ARES -1) */
    AUTH_RESULT_PASS,      /* pass */
    AUTH_RESULT_FAIL,      /* fail */
    AUTH_RESULT_SOFTFAIL,  /* softfail (SPF) */
    AUTH_RESULT_NEUTRAL,   /* neutral */
    AUTH_RESULT_NONE,      /* none */
    AUTH_RESULT_TEMPERROR, /* temperror */
    AUTH_RESULT_PERMERROR, /* permerror */
    AUTH_RESULT_POLICY,    /* policy */
    AUTH_RESULT_NXDOMAIN,  /* legacy A-R word */
    AUTH_RESULT_SIGNED,    /* legacy A-R word */
    AUTH_RESULT_UNKNOWN,   /* legacy A-R word */
    AUTH_RESULT_DISCARD,   /* legacy A-R word */
    AUTH_RESULT_HARDFAIL   /* pre-RFC 7208 SPF word; ARES -1 */
};

/* auth_result_from_word - the enum for a result word, compared without
 * regard to ASCII case; AUTH_RESULT_OTHER when the word is unknown. */
enum auth_result auth_result_from_word(struct str word);

/* auth_result_name - the lower-case word ("pass", ...; "other" for
 * AUTH_RESULT_OTHER).  Static storage. */
const char *auth_result_name(enum auth_result r);

/* auth_result_ares - the ARES code written to the history file: pass 0,
 * softfail 2, neutral 3, temperror 4, permerror 5, none 6, fail 7,
 * policy 8, nxdomain 9, signed 10, unknown 11, discard 12, anything else
 * (including hardfail) -1, exactly as OpenDMARC 1.4.2 writes it. */
int auth_result_ares(enum auth_result r);

#endif
