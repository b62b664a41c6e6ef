/*
 * test_buf - bounded buffers: growth, the hard maximum, printf, steal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"

/* test_append_within_max - appends up to the maximum succeed */
static void
test_append_within_max(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 10);
    assert_string_equal(buf_cstr(&b), "");
    assert_int_equal(buf_append_str(&b, "hello"), 0);
    assert_int_equal(buf_append(&b, "world", 5), 0);
    assert_int_equal(b.len, 10);
    assert_string_equal(buf_cstr(&b), "helloworld");
    buf_free(&b);
}

/* test_append_over_max - an append past the maximum fails as a whole */
static void
test_append_over_max(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 8);
    assert_int_equal(buf_append_str(&b, "12345"), 0);
    assert_int_equal(buf_append_str(&b, "6789"), -1);
    assert_string_equal(buf_cstr(&b), "12345");
    assert_int_equal(buf_putc(&b, 'x'), 0);
    assert_int_equal(buf_printf(&b, "%d", 123), -1);
    assert_int_equal(buf_printf(&b, "%d", 12), 0);
    assert_string_equal(buf_cstr(&b), "12345x12");
    assert_int_equal(buf_putc(&b, 'y'), -1);
    buf_free(&b);
}

/* test_large_growth - many small appends grow the buffer correctly */
static void
test_large_growth(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 100000);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(buf_append(&b, "0123456789", 10), 0);
    assert_int_equal(b.len, 100000);
    assert_int_equal(buf_putc(&b, 'x'), -1);
    assert_memory_equal(b.data + 99990, "0123456789", 10);
    assert_int_equal(b.data[b.len], '\0');
    buf_free(&b);
}

/* test_reset_steal - reset keeps memory, steal hands it over */
static void
test_reset_steal(void **state)
{
    struct buf b;
    char *s;

    (void)state;
    buf_init(&b, 64);
    assert_int_equal(buf_append_str(&b, "abc"), 0);
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_cstr(&b), "");
    assert_int_equal(buf_append_slice(&b, STR_LIT("xyz")), 0);
    s = buf_steal(&b);
    assert_string_equal(s, "xyz");
    assert_null(b.data);
    free(s);
    s = buf_steal(&b);
    assert_string_equal(s, "");
    free(s);
    buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_within_max),
        cmocka_unit_test(test_append_over_max),
        cmocka_unit_test(test_large_growth),
        cmocka_unit_test(test_reset_steal),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
