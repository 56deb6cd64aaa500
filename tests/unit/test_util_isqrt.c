/*
 * Unit tests of util/isqrt: floor square roots at and around perfect squares,
 * the largest 64-bit values (whose root is 2^32 - 1), and against the
 * definition r * r <= n < (r + 1) * (r + 1) over a range of small numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/isqrt.h"

static void test_known_values(void **state) {
    (void)state;
    assert_int_equal(isqrt_floor(0), 0);
    assert_int_equal(isqrt_floor(1), 1);
    assert_int_equal(isqrt_floor(2), 1);
    assert_int_equal(isqrt_floor(3), 1);
    assert_int_equal(isqrt_floor(4), 2);
    assert_int_equal(isqrt_floor(15), 3);
    assert_int_equal(isqrt_floor(16), 4);
    assert_int_equal(isqrt_floor(17), 4);
    assert_int_equal(isqrt_floor(999999), 999);
    assert_int_equal(isqrt_floor(1000000), 1000);
    assert_int_equal(isqrt_floor(4294967295ull), 65535);
    assert_int_equal(isqrt_floor(4294967296ull), 65536);
    assert_int_equal(isqrt_floor(18446744065119617025ull), 4294967295ull); /* (2^32-1)^2 */
    assert_int_equal(isqrt_floor(18446744065119617024ull), 4294967294ull);
    assert_int_equal(isqrt_floor(UINT64_MAX), 4294967295ull);
}

static void test_definition(void **state) {
    (void)state;
    for (uint64_t n = 0; n < 200000; n++) {
        uint64_t r = isqrt_floor(n);
        assert_true(r * r <= n);
        assert_true((r + 1) * (r + 1) > n);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_definition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
