/*
 * test_idcache - the bounded name -> id cache: hits, misses, overwrite,
 * starting over when full, completeness; and rechash's basic properties.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "importer/idcache.h"
#include "importer/rechash.h"

/* test_get_put - table of puts, then gets */
static void
test_get_put(void **state)
{
    static const struct {
        const char *key; /* name */
        int64_t id;      /* its id */
    } rows[] = {
        { "example.com", 1 }, { "Example.com", 2 }, { "", 3 },
        { "a", 4 },           { "example.co", 5 },  { "example.com.", 6 },
    };
    struct idcache *c = idcache_new(16);
    int64_t id = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        idcache_put(c, str_cstr(rows[i].key), rows[i].id);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        assert_true(idcache_get(c, str_cstr(rows[i].key), &id));
        assert_int_equal(id, rows[i].id);
    }
    assert_false(idcache_get(c, str_cstr("missing"), &id));
    idcache_put(c, str_cstr("a"), 40);
    assert_true(idcache_get(c, str_cstr("a"), &id));
    assert_int_equal(id, 40);
    idcache_free(c);
}

/* test_bound - a full cache starts over and stays usable */
static void
test_bound(void **state)
{
    struct idcache *c = idcache_new(100);
    char name[32];
    int64_t id;

    (void)state;
    idcache_set_complete(c);
    for (int i = 0; i < 1000; i++) {
        (void)snprintf(name, sizeof(name), "d%d.example", i);
        idcache_put(c, str_cstr(name), i);
        assert_true(idcache_get(c, str_cstr(name), &id));
        assert_int_equal(id, i);
    }
    assert_false(idcache_is_complete(c)); /* it was cleared on the way */
    assert_false(idcache_get(c, str_cstr("d0.example"), &id));
    idcache_free(c);
}

/* test_rechash - deterministic, sensitive to every byte and the length */
static void
test_rechash(void **state)
{
    unsigned char a[RECHASH_LEN];
    unsigned char b[RECHASH_LEN];
    char text[64] = "job Q1\nreporter mx\nreceived 1\n";

    (void)state;
    rechash(text, strlen(text), a);
    rechash(text, strlen(text), b);
    assert_memory_equal(a, b, RECHASH_LEN);
    for (size_t i = 0; i < strlen(text); i++) {
        text[i] ^= 1;
        rechash(text, strlen(text), b);
        assert_memory_not_equal(a, b, RECHASH_LEN);
        text[i] ^= 1;
    }
    rechash(text, strlen(text) - 1, b);
    assert_memory_not_equal(a, b, RECHASH_LEN);
    rechash("", 0, a);
    rechash("\0", 1, b);
    assert_memory_not_equal(a, b, RECHASH_LEN);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_put),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_rechash),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
