/*
 * test_engine_rng: the generator against values computed independently (a
 * Python transcription of splitmix64 and xoshiro256**, plus the published
 * xoshiro256** outputs for the state {1, 2, 3, 4}), bounds of rng_below and
 * rng_unit, and determinism.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/rng.h"

static void test_splitmix64_known_outputs(void **state) {
    (void)state;
    uint64_t st = 0;
    assert_int_equal(rng_splitmix64(&st), 0xE220A8397B1DCDAFULL);
    assert_int_equal(rng_splitmix64(&st), 0x6E789E6AA1B965F4ULL);
    assert_int_equal(rng_splitmix64(&st), 0x06C45D188009454FULL);
    assert_int_equal(st, 3 * 0x9E3779B97F4A7C15ULL);

    st = 1234567;
    assert_int_equal(rng_splitmix64(&st), 0x599ED017FB08FC85ULL);
    assert_int_equal(rng_splitmix64(&st), 0x2C73F08458540FA5ULL);
    assert_int_equal(rng_splitmix64(&st), 0x883EBCE5A3F27C77ULL);
}

/* The reference implementation's first outputs from the state {1, 2, 3, 4}. */
static void test_xoshiro_known_state(void **state) {
    (void)state;
    rng r = {{1, 2, 3, 4}};
    assert_int_equal(rng_next(&r), 11520);
    assert_int_equal(rng_next(&r), 0);
    assert_int_equal(rng_next(&r), 1509978240);
    assert_int_equal(rng_next(&r), 1215971899390074240ULL);
}

static void test_seed_fills_state_with_splitmix(void **state) {
    (void)state;
    rng r;
    rng_seed(&r, 42);
    assert_int_equal(r.s[0], 0xBDD732262FEB6E95ULL);
    assert_int_equal(r.s[1], 0x28EFE333B266F103ULL);
    assert_int_equal(r.s[2], 0x47526757130F9F52ULL);
    assert_int_equal(r.s[3], 0x581CE1FF0E4AE394ULL);
}

static void test_seed_42_first_outputs(void **state) {
    (void)state;
    static const uint64_t expected[] = {0x15780B2E0C2EC716ULL, 0x6104D9866D113A7EULL,
                                        0xAE17533239E499A1ULL, 0xECB8AD4703B360A1ULL,
                                        0xFDE6DC7FE2EC5E64ULL};
    rng r;
    rng_seed(&r, 42);
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        assert_int_equal(rng_next(&r), expected[i]);
}

/* Seed 0 must still give a working (non-zero) state. */
static void test_seed_0_first_outputs(void **state) {
    (void)state;
    static const uint64_t expected[] = {0x99EC5F36CB75F2B4ULL, 0xBF6E1F784956452AULL,
                                        0x1A5F849D4933E6E0ULL, 0x6AA594F1262D2D2CULL,
                                        0xBBA5AD4A1F842E59ULL};
    rng r;
    rng_seed(&r, 0);
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        assert_int_equal(rng_next(&r), expected[i]);
}

static void test_below_known_values(void **state) {
    (void)state;
    static const uint64_t dice[] = {0, 2, 4, 5, 5, 4, 4, 5, 4, 3};
    rng r;
    rng_seed(&r, 42);
    for (size_t i = 0; i < sizeof dice / sizeof dice[0]; i++)
        assert_int_equal(rng_below(&r, 6), dice[i]);

    static const uint64_t prime[] = {83862971, 378980253, 680043415, 924692951};
    rng_seed(&r, 42);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(rng_below(&r, 1000000007), prime[i]);

    /* 2^63 + 1 rejects almost half of all draws, exercising the retry loop. */
    static const uint64_t huge[] = {0x7EF36E3FF1762F32ULL, 0x6286D29880BCA91CULL,
                                    0x5C10AA42AD32EED9ULL, 0x6174B739374BB23FULL};
    rng_seed(&r, 42);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(rng_below(&r, (1ULL << 63) + 1), huge[i]);
}

static void test_below_bounds(void **state) {
    (void)state;
    rng r;
    rng_seed(&r, 7);
    assert_int_equal(rng_below(&r, 0), 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(rng_below(&r, 1), 0);

    /* Every value of a small range appears, none outside it, roughly evenly. */
    unsigned counts[10] = {0};
    for (int i = 0; i < 100000; i++) {
        uint64_t v = rng_below(&r, 10);
        assert_true(v < 10);
        counts[v]++;
    }
    for (int i = 0; i < 10; i++) {
        assert_true(counts[i] > 9000);
        assert_true(counts[i] < 11000);
    }
    for (int i = 0; i < 10000; i++)
        assert_true(rng_below(&r, UINT64_MAX) < UINT64_MAX);
    for (int i = 0; i < 10000; i++)
        assert_true(rng_below(&r, 3) < 3);
}

static void test_bound_zero_draws_nothing(void **state) {
    (void)state;
    rng a, b;
    rng_seed(&a, 5);
    rng_seed(&b, 5);
    assert_int_equal(rng_below(&a, 0), 0);
    assert_int_equal(rng_next(&a), rng_next(&b));
}

static void test_unit_known_values_and_range(void **state) {
    (void)state;
    rng r;
    rng_seed(&r, 42);
    /* (output >> 11) * 2^-53, computed exactly. */
    assert_true(rng_unit(&r) == (double)(0x15780B2E0C2EC716ULL >> 11) / 9007199254740992.0);
    assert_true(rng_unit(&r) == (double)(0x6104D9866D113A7EULL >> 11) / 9007199254740992.0);

    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double u = rng_unit(&r);
        assert_true(u >= 0.0 && u < 1.0);
        sum += u;
    }
    assert_true(sum / 100000 > 0.49 && sum / 100000 < 0.51);

    /* The largest possible output still maps below 1. */
    assert_true((double)(UINT64_MAX >> 11) / 9007199254740992.0 < 1.0);
}

static void test_same_seed_same_sequence(void **state) {
    (void)state;
    rng a, b, c;
    rng_seed(&a, 123456789);
    rng_seed(&b, 123456789);
    rng_seed(&c, 123456790);
    int differ = 0;
    for (int i = 0; i < 10000; i++) {
        uint64_t x = rng_next(&a);
        assert_int_equal(x, rng_next(&b));
        differ += x != rng_next(&c);
    }
    assert_true(differ > 9990);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_splitmix64_known_outputs),
        cmocka_unit_test(test_xoshiro_known_state),
        cmocka_unit_test(test_seed_fills_state_with_splitmix),
        cmocka_unit_test(test_seed_42_first_outputs),
        cmocka_unit_test(test_seed_0_first_outputs),
        cmocka_unit_test(test_below_known_values),
        cmocka_unit_test(test_below_bounds),
        cmocka_unit_test(test_bound_zero_draws_nothing),
        cmocka_unit_test(test_unit_known_values_and_range),
        cmocka_unit_test(test_same_seed_same_sequence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
