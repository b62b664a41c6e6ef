/*
 * auth_result - result words, their enum and their ARES codes.
 *
 * A table maps each word to the enum and to the history code, so the
 * parsers and the history writer agree.  It does not decide what a word
 * means for DMARC (policy.c does: only pass and temperror matter there).
 *
 * STANDARDS: RFC 8601 §2.7 (result words), RFC 7208 §8 and §9.1 (SPF
 * results), history-format.md §4.1 (ARES codes).
 * Thread safety: pure functions over a constant table.
 */
#include "milter/auth_result.h"

#include <stddef.h>

/* one row of the word table */
struct word_row {
    const char *word;   /* lower-case result word */
    enum auth_result r; /* its enum */
    int ares;           /* its ARES code */
};

static const struct word_row words[] = {
    { "other", AUTH_RESULT_OTHER, -1 },
    { "pass", AUTH_RESULT_PASS, 0 },
    { "fail", AUTH_RESULT_FAIL, 7 },
    { "softfail", AUTH_RESULT_SOFTFAIL, 2 },
    { "neutral", AUTH_RESULT_NEUTRAL, 3 },
    { "none", AUTH_RESULT_NONE, 6 },
    { "temperror", AUTH_RESULT_TEMPERROR, 4 },
    { "permerror", AUTH_RESULT_PERMERROR, 5 },
    { "policy", AUTH_RESULT_POLICY, 8 },
    { "nxdomain", AUTH_RESULT_NXDOMAIN, 9 },
    { "signed", AUTH_RESULT_SIGNED, 10 },
    { "unknown", AUTH_RESULT_UNKNOWN, 11 },
    { "discard", AUTH_RESULT_DISCARD, 12 },
    { "hardfail", AUTH_RESULT_HARDFAIL, -1 },
};

#define N_WORDS (sizeof(words) / sizeof(words[0]))

enum auth_result
auth_result_from_word(struct str word)
{
    /* row 0 ("other") is not a word anyone may write */
    for (size_t i = 1; i < N_WORDS; i++) {
        if (str_caseeq_cstr(word, words[i].word))
            return words[i].r;
    }
    return AUTH_RESULT_OTHER;
}

/* row_of - the table row for r (the table is in enum order) */
static const struct word_row *
row_of(enum auth_result r)
{
    size_t i = (size_t)r;

    return i < N_WORDS ? &words[i] : &words[0];
}

const char *
auth_result_name(enum auth_result r)
{
    return row_of(r)->word;
}

int
auth_result_ares(enum auth_result r)
{
    return row_of(r)->ares;
}
