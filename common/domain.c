/*
 * domain - domain names: normalisation, comparison, subdomain tests.
 *
 * domain_normalize() turns untrusted text (a From domain, a DKIM d=, an
 * SPF domain) into the one form the suite compares and stores: lower-case
 * A-labels, no trailing dot, every label checked.  It does not look
 * anything up in DNS and does not know about public suffixes (orgdomain
 * does that).
 *
 * Decisions:
 *   - Labels are LDH host-name labels (RFC 1123 §2.1; RFC 5890 §2.3.1),
 *     '_' only with DOMAIN_F_UNDERSCORE (RFC 8552 underscored names).
 *   - An all-numeric last label is refused (RFC 3696 §2: a TLD is never
 *     all-numeric), so a dotted IPv4 address is never taken for a domain.
 *   - U-labels: libidn2, UTS #46 non-transitional processing with NFC
 *     (RFC 5891 §5 lookup; the mapping browsers and libpsl use).
 *   - A-labels: each "xn--" label must decode and re-encode to itself
 *     (RFC 5891 §5.4), so a bogus Punycode label is not stored.
 *
 * STANDARDS: RFC 1035 §2.3.4, RFC 1123 §2.1, RFC 4343, RFC 5890, RFC 5891,
 *            RFC 7489 §6.6.1, UTS #46.
 * Thread safety: pure functions; libidn2 keeps no global state.
 */
#include "common/domain.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/xalloc.h"

/* ALABEL_PREFIX - the ACE prefix of an A-label (RFC 5890 §2.3.2.1) */
#define ALABEL_PREFIX "xn--"

/* copy_ascii - copy the ASCII name in into out (lower case) */
static enum domain_status
copy_ascii(struct str in, char *out, const char **why)
{
    if (in.len > DOMAIN_MAX_LEN) {
        *why = "name longer than 253 bytes";
        return DOMAIN_TOO_LONG;
    }
    memcpy(out, in.p, in.len);
    out[in.len] = '\0';
    ascii_lower_mem(out, in.len);
    return DOMAIN_OK;
}

/* to_alabels - convert a name holding U-labels to A-labels into out */
static enum domain_status
to_alabels(struct str in, char *out, const char **why)
{
    char *src;
    char *ascii = NULL;
    enum domain_status st;
    int rc;

    src = xmemdup0(in.p, in.len);
    rc = idn2_to_ascii_8z(src, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    free(src);
    if (rc != IDN2_OK) {
        *why = idn2_strerror(rc);
        return DOMAIN_BAD_IDN;
    }
    /* UTS #46 maps "。" and other full stops to '.', so a dot may appear
     * at the end only now */
    in = str_cstr(ascii);
    if (in.len > 0 && in.p[in.len - 1] == '.')
        in.len--;
    st = copy_ascii(in, out, why);
    idn2_free(ascii);
    return st;
}

/* check_alabel - true when the "xn--" label p[0..len) is a valid A-label */
static bool
check_alabel(const char *p, size_t len)
{
    char label[DOMAIN_MAX_LABEL + 1];
    char *u = NULL;
    char *back = NULL;
    bool ok;

    memcpy(label, p, len);
    label[len] = '\0';
    if (idn2_to_unicode_8z8z(label, &u, 0) != IDN2_OK)
        return false;
    ok = idn2_to_ascii_8z(u, &back, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) ==
             IDN2_OK &&
         strcmp(back, label) == 0;
    idn2_free(u);
    idn2_free(back);
    return ok;
}

/* label_char_ok - true when c may appear in a label */
static bool
label_char_ok(char c, unsigned flags)
{
    return ascii_is_alnum(c) || c == '-' ||
           (c == '_' && (flags & DOMAIN_F_UNDERSCORE) != 0);
}

/* check_label - the rules for one label p[0..len) */
static enum domain_status
check_label(const char *p, size_t len, unsigned flags, const char **why)
{
    if (len == 0) {
        *why = "empty label";
        return DOMAIN_BAD_LABEL;
    }
    if (len > DOMAIN_MAX_LABEL) {
        *why = "label longer than 63 bytes";
        return DOMAIN_TOO_LONG;
    }
    for (size_t i = 0; i < len; i++) {
        if (!label_char_ok(p[i], flags)) {
            *why = "character not allowed in a host name";
            return DOMAIN_BAD_LABEL;
        }
    }
    if (p[0] == '-' || p[len - 1] == '-') {
        *why = "label starts or ends with '-'";
        return DOMAIN_BAD_LABEL;
    }
    if (len > 4 && memcmp(p, ALABEL_PREFIX, 4) == 0 && !check_alabel(p, len)) {
        *why = "invalid A-label";
        return DOMAIN_BAD_IDN;
    }
    return DOMAIN_OK;
}

/* all_digits - true when p[0..len) is only digits */
static bool
all_digits(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!ascii_is_digit(p[i]))
            return false;
    }
    return true;
}

/* check_labels - the rules for every label of the lower-case name */
static enum domain_status
check_labels(const char *name, unsigned flags, const char **why)
{
    const char *p = name;

    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        enum domain_status st = check_label(p, len, flags, why);

        if (st != DOMAIN_OK)
            return st;
        if (dot == NULL) {
            if (all_digits(p, len)) {
                *why = "all-numeric top-level label";
                return DOMAIN_BAD_LABEL;
            }
            return DOMAIN_OK;
        }
        p = dot + 1;
    }
}

/* has_8bit - true when s holds a byte >= 0x80 */
static bool
has_8bit(struct str s)
{
    for (size_t i = 0; i < s.len; i++) {
        if ((unsigned char)s.p[i] >= 0x80)
            return true;
    }
    return false;
}

enum domain_status
domain_normalize(struct str in, unsigned flags, char *out, const char **why)
{
    const char *dummy;
    enum domain_status st;

    if (why == NULL)
        why = &dummy;
    out[0] = '\0';
    if (in.len > DOMAIN_MAX_INPUT) {
        *why = "name too long";
        return DOMAIN_TOO_LONG;
    }
    if (in.len > 0 && in.p[in.len - 1] == '.')
        in.len--;
    if (in.len == 0) {
        *why = "empty name";
        return DOMAIN_EMPTY;
    }
    if (memchr(in.p, '\0', in.len) != NULL) {
        *why = "NUL byte in name";
        return DOMAIN_BAD_LABEL;
    }
    st = has_8bit(in) ? to_alabels(in, out, why) : copy_ascii(in, out, why);
    if (st == DOMAIN_OK && out[0] == '\0') {
        *why = "empty name";
        st = DOMAIN_EMPTY;
    }
    if (st == DOMAIN_OK)
        st = check_labels(out, flags, why);
    if (st != DOMAIN_OK)
        out[0] = '\0';
    return st;
}

/* name_len - length of name without one trailing dot */
static size_t
name_len(const char *name)
{
    size_t len = strlen(name);

    if (len > 0 && name[len - 1] == '.')
        len--;
    return len;
}

bool
domain_eq(const char *a, const char *b)
{
    size_t a_len = name_len(a);

    return a_len == name_len(b) && ascii_ncaseeq(a, b, a_len);
}

bool
domain_is_subdomain(const char *child, const char *parent)
{
    size_t c_len = name_len(child);
    size_t p_len = name_len(parent);

    if (p_len == 0 || c_len <= p_len + 1)
        return false;
    return child[c_len - p_len - 1] == '.' &&
           ascii_ncaseeq(child + c_len - p_len, parent, p_len);
}

size_t
domain_label_count(const char *name)
{
    size_t n;

    if (name[0] == '\0')
        return 0;
    n = 1;
    for (const char *p = name; *p != '\0'; p++) {
        if (*p == '.' && p[1] != '\0')
            n++;
    }
    return n;
}

const char *
domain_status_str(enum domain_status st)
{
    switch (st) {
    case DOMAIN_OK:
        return "ok";
    case DOMAIN_EMPTY:
        return "empty";
    case DOMAIN_TOO_LONG:
        return "too-long";
    case DOMAIN_BAD_LABEL:
        return "bad-label";
    case DOMAIN_BAD_IDN:
        return "bad-idn";
    }
    return "unknown";
}
