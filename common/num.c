/*
 * num - whole-string number parsing with range checks.
 *
 * Decimal only; overflow is detected before it happens.  Deliberately
 * does not accept '+', white space, hex or octal: every number the suite
 * reads (configuration, DNS records, history lines) is plain decimal.
 *
 * STANDARDS: RFC 5234 DIGIT.
 * Thread safety: pure functions.
 */
#include "common/num.h"

#include <stddef.h>

#include "common/ascii.h"

int
num_parse_u64(struct str s, uint64_t min, uint64_t max, uint64_t *out,
              const char **why)
{
    uint64_t v = 0;
    const char *dummy;

    if (why == NULL)
        why = &dummy;
    if (s.len == 0) {
        *why = "empty";
        return -1;
    }
    for (size_t i = 0; i < s.len; i++) {
        unsigned d;

        if (!ascii_is_digit(s.p[i])) {
            *why = "not a number";
            return -1;
        }
        d = (unsigned)(s.p[i] - '0');
        if (v > (UINT64_MAX - d) / 10) {
            *why = "out of range";
            return -1;
        }
        v = v * 10 + d;
    }
    if (v < min || v > max) {
        *why = "out of range";
        return -1;
    }
    *out = v;
    return 0;
}

int
num_parse_i64(struct str s, int64_t min, int64_t max, int64_t *out,
              const char **why)
{
    uint64_t mag;
    bool neg = s.len > 0 && s.p[0] == '-';
    struct str digits = neg ? str_make(s.p + 1, s.len - 1) : s;
    const char *dummy;
    int64_t v;

    if (why == NULL)
        why = &dummy;
    if (num_parse_u64(digits, 0, neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX,
                      &mag, why) < 0)
        return -1;
    if (neg)
        v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
    else
        v = (int64_t)mag;
    if (v < min || v > max) {
        *why = "out of range";
        return -1;
    }
    *out = v;
    return 0;
}
