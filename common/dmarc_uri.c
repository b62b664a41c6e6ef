/*
 * dmarc_uri - one DMARC URI of a rua or ruf tag, with its "!size" limit.
 *
 * Syntax only: it does not split mailto: addresses, decode %-escapes or
 * decide whether a scheme is supported (the reporter does: RFC 7489 §6.2
 * says URIs of unsupported schemes are ignored, which is a delivery
 * matter, not a syntax error).
 *
 * STANDARDS: RFC 7489 §6.2, §6.4; RFC 3986 §2, §3.1.
 * Thread safety: pure functions.
 */
#include "common/dmarc_uri.h"

#include <stddef.h>
#include <string.h>

#include "common/ascii.h"
#include "common/num.h"

/* is_scheme_char - RFC 3986 §3.1: ALPHA / DIGIT / "+" / "-" / "." */
static bool
is_scheme_char(char c)
{
    return ascii_is_alnum(c) || c == '+' || c == '-' || c == '.';
}

/* is_hex - a hexadecimal digit */
static bool
is_hex(char c)
{
    return ascii_is_digit(c) || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

/* is_uri_char - RFC 3986 §2.2, §2.3 unreserved or reserved, less the ','
 * and '!' that a DMARC URI must escape (RFC 7489 §6.2); '%' is checked
 * separately */
static bool
is_uri_char(char c)
{
    if (ascii_is_alnum(c))
        return true;
    return c != '\0' && strchr("-._~:/?#[]@$&'()*+;=", c) != NULL;
}

/* check_target - the part after "scheme:" is non-empty URI text */
static int
check_target(struct str t, const char **why)
{
    if (t.len == 0) {
        *why = "nothing after the scheme";
        return -1;
    }
    for (size_t i = 0; i < t.len; i++) {
        if (t.p[i] == '%') {
            if (t.len - i < 3) {
                *why = "truncated %-escape";
                return -1;
            }
            if (!is_hex(t.p[i + 1]) || !is_hex(t.p[i + 2])) {
                *why = "bad %-escape";
                return -1;
            }
            i += 2;
        } else if (!is_uri_char(t.p[i])) {
            *why = "character not allowed in a URI";
            return -1;
        }
    }
    return 0;
}

/* parse_size - "1*DIGIT [k/m/g/t]" into bytes, overflow-checked */
static int
parse_size(struct str s, uint64_t *out, const char **why)
{
    unsigned shift = 0;
    uint64_t n;

    if (s.len > 0 && !ascii_is_digit(s.p[s.len - 1])) {
        switch (ascii_lower(s.p[s.len - 1])) {
        case 'k':
            shift = 10;
            break;
        case 'm':
            shift = 20;
            break;
        case 'g':
            shift = 30;
            break;
        case 't':
            shift = 40;
            break;
        default:
            *why = "unknown size unit";
            return -1;
        }
        s.len--;
    }
    if (num_parse_u64(s, 0, UINT64_MAX, &n, why) != 0) {
        *why = "bad size after '!'";
        return -1;
    }
    if (n > (UINT64_MAX >> shift)) {
        *why = "size does not fit 64 bits";
        return -1;
    }
    *out = n << shift;
    return 0;
}

int
dmarc_uri_parse(struct str s, struct dmarc_uri *u, const char **why)
{
    const char *dummy;
    size_t bang = str_chr(s, '!');
    struct str body = str_make(s.p, bang);
    size_t colon = str_chr(body, ':');
    uint64_t size = 0;

    if (why == NULL)
        why = &dummy;
    if (colon == 0 || colon == body.len || !ascii_is_alpha(body.p[0])) {
        *why = "no URI scheme";
        return -1;
    }
    for (size_t i = 1; i < colon; i++) {
        if (!is_scheme_char(body.p[i])) {
            *why = "bad URI scheme";
            return -1;
        }
    }
    if (check_target(str_make(body.p + colon + 1, body.len - colon - 1), why) !=
        0)
        return -1;
    if (bang < s.len &&
        parse_size(str_make(s.p + bang + 1, s.len - bang - 1), &size, why) != 0)
        return -1;
    u->raw = s;
    u->scheme = str_make(body.p, colon);
    u->target = str_make(body.p + colon + 1, body.len - colon - 1);
    u->max_size = size;
    return 0;
}

bool
dmarc_uri_is_mailto(const struct dmarc_uri *u)
{
    return str_caseeq_cstr(u->scheme, "mailto");
}
