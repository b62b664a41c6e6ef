/*
 * test_msg - the body a message keeps for failure reports: chunks
 * appended in order up to the limit (exactly the limit fits), one byte
 * more drops the whole body and marks the message, later chunks are
 * refused, and msg_reset frees it all for the next message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "milter/msg.h"

static void
test_body_chunks(void **state)
{
    struct mf_msg m;

    (void)state;
    msg_init(&m);
    assert_int_equal(msg_add_body(&m, "abc\r\n", 5, 10), 0);
    assert_int_equal(msg_add_body(&m, "", 0, 10), 0);
    assert_int_equal(msg_add_body(&m, "de\r\n", 4, 10), 0);
    assert_int_equal(m.body_len, 9);
    assert_memory_equal(m.body, "abc\r\nde\r\n", 9);
    /* exactly the limit fits */
    assert_int_equal(msg_add_body(&m, "f", 1, 10), 0);
    assert_int_equal(m.body_len, 10);
    assert_false(m.is_body_over);
    /* one more byte: nothing is kept, and nothing after */
    assert_int_equal(msg_add_body(&m, "g", 1, 10), -1);
    assert_true(m.is_body_over);
    assert_null(m.body);
    assert_int_equal(m.body_len, 0);
    assert_int_equal(msg_add_body(&m, "", 0, 10), -1);
    /* the next message starts empty */
    msg_reset(&m);
    assert_false(m.is_body_over);
    assert_null(m.body);
    assert_int_equal(msg_add_body(&m, "x", 1, 10), 0);
    msg_free(&m);
    assert_null(m.body);
}

static void
test_body_big_chunks(void **state)
{
    static char chunk[65535];
    struct mf_msg m;

    (void)state;
    memset(chunk, 'b', sizeof(chunk));
    msg_init(&m);
    /* a single chunk over the limit */
    assert_int_equal(msg_add_body(&m, chunk, sizeof(chunk), 65534), -1);
    assert_true(m.is_body_over);
    msg_reset(&m);
    /* chunks that reach the limit exactly, in 64 KiB steps */
    for (int i = 0; i < 4; i++)
        assert_int_equal(
            msg_add_body(&m, chunk, sizeof(chunk), 4 * sizeof(chunk)), 0);
    assert_int_equal(m.body_len, 4 * sizeof(chunk));
    assert_true(m.body_cap <= 4 * sizeof(chunk));
    assert_int_equal(msg_add_body(&m, chunk, 1, 4 * sizeof(chunk)), -1);
    msg_free(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_chunks),
        cmocka_unit_test(test_body_big_chunks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
