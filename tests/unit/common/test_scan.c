/*
 * test_scan - the cursor scanner and string slices: every call either
 * consumes what it was asked for or leaves the cursor unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/ascii.h"
#include "common/scan.h"
#include "common/str.h"

/* test_char_and_lit - single characters and literals */
static void
test_char_and_lit(void **state)
{
    struct scan sc = scan_init(STR_LIT("v=DMARC1;"));

    (void)state;
    assert_int_equal(scan_char(&sc, 'x'), -1);
    assert_int_equal(scan_char_case(&sc, 'V'), 0);
    assert_int_equal(scan_char(&sc, '='), 0);
    assert_int_equal(scan_lit_case(&sc, "dmarc2"), -1);
    assert_int_equal(scan_peek(&sc), 'D');
    assert_int_equal(scan_lit_case(&sc, "dmarc1"), 0);
    assert_int_equal(scan_left(&sc), 1);
    assert_int_equal(scan_lit_case(&sc, ";;"), -1);
    assert_int_equal(scan_char(&sc, ';'), 0);
    assert_true(scan_eof(&sc));
    assert_int_equal(scan_peek(&sc), '\0');
    assert_int_equal(scan_char(&sc, ';'), -1);
    assert_false(scan_opt_char(&sc, '\0')); /* the end is no '\0' byte */
    sc = scan_init(STR_LIT("a:b"));
    assert_false(scan_opt_char(&sc, ':'));
    assert_int_equal(scan_left(&sc), 3);
    assert_int_equal(scan_char(&sc, 'a'), 0);
    assert_true(scan_opt_char(&sc, ':'));
    assert_int_equal(scan_peek(&sc), 'b');
}

/* test_span - spans of a class, empty and non-empty */
static void
test_span(void **state)
{
    struct scan sc = scan_init(STR_LIT("  abc123 def"));
    struct str s;

    (void)state;
    assert_int_equal(scan_span1(&sc, ascii_is_alpha, &s), -1);
    assert_int_equal(scan_skip_wsp(&sc), 2);
    assert_int_equal(scan_span(&sc, ascii_is_alpha, &s), 3);
    assert_true(str_eq(s, STR_LIT("abc")));
    assert_int_equal(scan_span1(&sc, ascii_is_digit, &s), 0);
    assert_true(str_eq(s, STR_LIT("123")));
    assert_int_equal(scan_until(&sc, 'z', &s), 4);
    assert_true(str_eq(s, STR_LIT(" def")));
    assert_true(scan_eof(&sc));
}

/* test_until - stops on the delimiter, which stays unread */
static void
test_until(void **state)
{
    struct scan sc = scan_init(STR_LIT("key=value"));
    struct str s;

    (void)state;
    assert_int_equal(scan_until(&sc, '=', &s), 3);
    assert_true(str_eq(s, STR_LIT("key")));
    assert_int_equal(scan_peek(&sc), '=');
    assert_true(str_eq(scan_rest(&sc), STR_LIT("=value")));
}

/* test_empty_and_null - a NULL slice is an empty input */
static void
test_empty_and_null(void **state)
{
    struct scan sc = scan_init(str_make(NULL, 0));

    (void)state;
    assert_true(scan_eof(&sc));
    assert_int_equal(scan_char(&sc, 'a'), -1);
    assert_int_equal(scan_skip_wsp(&sc), 0);
}

/* test_str_helpers - trim, case equality, chr, dup */
static void
test_str_helpers(void **state)
{
    char *d;

    (void)state;
    assert_true(str_eq(str_trim(STR_LIT(" \t a b \r\n")), STR_LIT("a b")));
    assert_true(str_eq(str_trim(STR_LIT("   ")), STR_LIT("")));
    assert_true(str_caseeq_cstr(STR_LIT("Example.COM"), "example.com"));
    assert_false(str_caseeq_cstr(STR_LIT("example.co"), "example.com"));
    assert_int_equal(str_chr(STR_LIT("a@b"), '@'), 1);
    assert_int_equal(str_chr(STR_LIT("ab"), '@'), 2);
    d = str_dup(str_make("abc\0def", 7));
    assert_memory_equal(d, "abc\0def", 8);
    free(d);
}

/* test_ascii - classes reject 8-bit bytes; folding is ASCII only */
static void
test_ascii(void **state)
{
    char s[] = "AbC\xc3\x84";

    (void)state;
    assert_false(ascii_is_alpha('\xc3'));
    assert_false(ascii_is_digit('\xb9'));
    assert_true(ascii_is_ctl('\x7f'));
    assert_true(ascii_is_ctl('\n'));
    assert_false(ascii_is_print('\x80'));
    ascii_lower_mem(s, strlen(s));
    assert_string_equal(s, "abc\xc3\x84");
    assert_int_equal(ascii_casecmp("ABC", "abc"), 0);
    assert_true(ascii_casecmp("abc", "abd") < 0);
    assert_true(ascii_caseeq_n("RejECT", 6, "reject"));
    assert_false(ascii_caseeq_n("rej", 3, "reject"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_char_and_lit),
        cmocka_unit_test(test_span),
        cmocka_unit_test(test_until),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_str_helpers),
        cmocka_unit_test(test_ascii),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
