/*
 * test_util_strmap: insertion, duplicates, look-up by content (not pointer),
 * absent keys, growth to many keys with similar names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/strmap.h"

static void test_empty(void **state) {
    (void)state;
    strmap *m = strmap_new();
    assert_non_null(m);
    assert_int_equal(strmap_size(m), 0);
    assert_int_equal(strmap_get(m, "h1"), -1);
    assert_int_equal(strmap_get(m, ""), -1);
    strmap_free(m);
    strmap_free(NULL);
}

static void test_put_get_duplicate(void **state) {
    (void)state;
    strmap *m = strmap_new();
    assert_true(strmap_put(m, "r1", 0));
    assert_true(strmap_put(m, "sw1", 1));
    assert_true(strmap_put(m, "", 2));    /* the empty string is a key like any other */
    assert_false(strmap_put(m, "r1", 9)); /* present: nothing changes */
    assert_int_equal(strmap_size(m), 3);
    assert_int_equal(strmap_get(m, "r1"), 0);
    assert_int_equal(strmap_get(m, "sw1"), 1);
    assert_int_equal(strmap_get(m, ""), 2);
    assert_int_equal(strmap_get(m, "r2"), -1);
    assert_int_equal(strmap_get(m, "r"), -1);
    assert_int_equal(strmap_get(m, "r1 "), -1);
    assert_int_equal(strmap_get(m, "R1"), -1);

    /* Look-up compares contents, not pointers. */
    char copy[8];
    strcpy(copy, "sw1");
    assert_int_equal(strmap_get(m, copy), 1);
    assert_false(strmap_put(m, copy, 5));
    assert_int_equal(strmap_get(m, "sw1"), 1);
    strmap_free(m);
}

static void test_growth_many_similar_names(void **state) {
    (void)state;
    enum { N = 100000 };
    char(*names)[16] = malloc(N * sizeof *names);
    assert_non_null(names);
    strmap *m = strmap_new();
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "h%d", i);
        assert_true(strmap_put(m, names[i], i));
        assert_int_equal(strmap_size(m), (size_t)i + 1);
    }
    for (int i = 0; i < N; i++) {
        char probe[16];
        snprintf(probe, sizeof probe, "h%d", i);
        assert_int_equal(strmap_get(m, probe), i);
        assert_false(strmap_put(m, probe, 0));
    }
    assert_int_equal(strmap_get(m, "h100000"), -1);
    assert_int_equal(strmap_get(m, "h-1"), -1);
    assert_int_equal(strmap_get(m, "h01"), -1);
    assert_int_equal(strmap_size(m), N);
    strmap_free(m);
    free(names);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_put_get_duplicate),
        cmocka_unit_test(test_growth_many_similar_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
