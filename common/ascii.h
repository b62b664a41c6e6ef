/*
 * ascii - locale-independent ASCII character classes and case folding.
 *
 * The suite never passes a plain char to <ctype.h>: these take any char
 * value, treat bytes >= 0x80 as "not in the class", and ignore the locale.
 *
 * Thread safety: all functions are pure and thread-safe.
 */
#ifndef DMARC_COMMON_ASCII_H
#define DMARC_COMMON_ASCII_H

#include <stdbool.h>
#include <stddef.h>

/* ascii_is_digit - '0'..'9'. */
bool ascii_is_digit(char c);

/* ascii_is_alpha - 'A'..'Z' or 'a'..'z'. */
bool ascii_is_alpha(char c);

/* ascii_is_alnum - letter or digit. */
bool ascii_is_alnum(char c);

/* ascii_is_space - SP, HTAB, CR, LF, VT or FF. */
bool ascii_is_space(char c);

/* ascii_is_wsp - SP or HTAB (RFC 5234 WSP). */
bool ascii_is_wsp(char c);

/* ascii_is_ctl - control character (0x00-0x1f, 0x7f). */
bool ascii_is_ctl(char c);

/* ascii_is_print - visible character or space (0x20-0x7e). */
bool ascii_is_print(char c);

/* ascii_lower - c folded to lower case when it is 'A'..'Z'. */
char ascii_lower(char c);

/* ascii_upper - c folded to upper case when it is 'a'..'z'. */
char ascii_upper(char c);

/* ascii_lower_mem - fold len bytes at p to lower case in place. */
void ascii_lower_mem(char *p, size_t len);

/* ascii_casecmp - strcasecmp over ASCII only: <0, 0, >0. */
int ascii_casecmp(const char *a, const char *b);

/* ascii_ncaseeq - true when a[0..len) and b[0..len) are equal ignoring
 * ASCII case. */
bool ascii_ncaseeq(const char *a, const char *b, size_t len);

/* ascii_caseeq_n - true when a[0..a_len) equals the NUL-terminated string
 * b, ignoring ASCII case. */
bool ascii_caseeq_n(const char *a, size_t a_len, const char *b);

#endif
