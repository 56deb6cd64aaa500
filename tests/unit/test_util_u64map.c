/*
 * test_util_u64map: the map against plain reference arrays, through growth to
 * 100,000 keys, random removals (which exercise backward-shift deletion across
 * the end of the table), the special key 0, iteration and clear.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/rng.h"
#include "util/u64map.h"

/* A 12-byte value: not a multiple of 8, so the entry stride is rounded up. */
typedef struct value {
    uint64_t v;
    uint32_t check;
} value;

static void test_empty(void **state) {
    (void)state;
    u64map *m = u64map_new(sizeof(value));
    assert_non_null(m);
    assert_int_equal(u64map_size(m), 0);
    assert_null(u64map_get(m, 1));
    assert_null(u64map_get(m, 0));
    assert_false(u64map_remove(m, 1));
    assert_false(u64map_remove(m, 0));
    size_t cursor = 0;
    uint64_t key;
    assert_null(u64map_next(m, &cursor, &key));
    u64map_free(m);
    u64map_free(NULL);
}

static void test_put_get_remove(void **state) {
    (void)state;
    u64map *m = u64map_new(sizeof(value));
    bool created = false;
    value *v = u64map_put(m, 0x0200000000AAULL, &created);
    assert_true(created);
    assert_int_equal(v->v, 0); /* zero-filled */
    assert_int_equal(v->check, 0);
    v->v = 77;
    v->check = 5;
    value *again = u64map_put(m, 0x0200000000AAULL, &created);
    assert_false(created);
    assert_int_equal(again->v, 77);
    assert_int_equal(again->check, 5);
    assert_int_equal(u64map_size(m), 1);
    value *got = u64map_get(m, 0x0200000000AAULL);
    assert_non_null(got);
    assert_int_equal(got->v, 77);
    assert_null(u64map_get(m, 0x0200000000ABULL));
    assert_true(u64map_remove(m, 0x0200000000AAULL));
    assert_false(u64map_remove(m, 0x0200000000AAULL));
    assert_null(u64map_get(m, 0x0200000000AAULL));
    assert_int_equal(u64map_size(m), 0);
    /* Re-created after removal: zero-filled again. */
    v = u64map_put(m, 0x0200000000AAULL, NULL);
    assert_int_equal(v->v, 0);
    u64map_free(m);
}

static void test_key_zero_and_max(void **state) {
    (void)state;
    u64map *m = u64map_new(sizeof(uint64_t));
    bool created = false;
    uint64_t *z = u64map_put(m, 0, &created);
    assert_true(created);
    assert_int_equal(*z, 0);
    *z = 11;
    *(uint64_t *)u64map_put(m, UINT64_MAX, NULL) = 22;
    *(uint64_t *)u64map_put(m, 1, NULL) = 33;
    assert_int_equal(u64map_size(m), 3);
    assert_int_equal(*(uint64_t *)u64map_get(m, 0), 11);
    assert_int_equal(*(uint64_t *)u64map_get(m, UINT64_MAX), 22);
    assert_int_equal(*(uint64_t *)u64map_get(m, 1), 33);
    u64map_put(m, 0, &created);
    assert_false(created);

    int seen = 0;
    uint64_t sum = 0, key;
    size_t cursor = 0;
    for (uint64_t *v; (v = u64map_next(m, &cursor, &key)) != NULL; seen++)
        sum += *v + (key == 0 ? 1000 : 0);
    assert_int_equal(seen, 3);
    assert_int_equal(sum, 11 + 22 + 33 + 1000);

    assert_true(u64map_remove(m, 0));
    assert_false(u64map_remove(m, 0));
    assert_null(u64map_get(m, 0));
    assert_int_equal(u64map_size(m), 2);
    z = u64map_put(m, 0, &created);
    assert_true(created);
    assert_int_equal(*z, 0); /* zero-filled on re-creation */
    u64map_free(m);
}

/* Reference model: keys[i] is present iff present[i], with value vals[i]. */
enum { NKEYS = 100000 };

static uint64_t test_key(rng *r, int i) {
    switch (i % 5) {
    case 0:
        return (uint64_t)i; /* small, sequential (includes 0) */
    case 1:
        return (uint64_t)i << 32; /* only high bits differ */
    case 2:
        return 0x0A000000u + (uint64_t)i; /* IPv4 addresses in 10/8 */
    case 3:
        return 0x02AB00000000ULL | (uint64_t)i << 8; /* MAC-like, stride 256 */
    default:
        return rng_next(r) | 1; /* random (odd, so never 0) */
    }
}

static void check_against_reference(const u64map *m, const uint64_t *keys, const bool *present,
                                    const uint64_t *vals, int n) {
    size_t expected = 0;
    for (int i = 0; i < n; i++) {
        value *v = u64map_get(m, keys[i]);
        if (present[i]) {
            expected++;
            assert_non_null(v);
            assert_int_equal(v->v, vals[i]);
            assert_int_equal(v->check, (uint32_t)keys[i] ^ 0x5A5A5A5Au);
        } else {
            assert_null(v);
        }
    }
    assert_int_equal(u64map_size(m), expected);
}

static int compare_u64(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* Iteration yields every present key exactly once: sort what it yields and
 * compare with the sorted reference set. */
static void check_iteration(const u64map *m, const uint64_t *keys, const bool *present, int n) {
    uint64_t *want = malloc((size_t)n * sizeof *want);
    uint64_t *got = malloc(((size_t)n + 1) * sizeof *got);
    assert_non_null(want);
    assert_non_null(got);
    size_t nwant = 0, ngot = 0;
    for (int i = 0; i < n; i++)
        if (present[i])
            want[nwant++] = keys[i];
    size_t cursor = 0;
    uint64_t key;
    value *v;
    while ((v = u64map_next(m, &cursor, &key)) != NULL) {
        assert_true(ngot < nwant);
        assert_int_equal(v->check, (uint32_t)key ^ 0x5A5A5A5Au);
        got[ngot++] = key;
    }
    assert_int_equal(ngot, nwant);
    qsort(want, nwant, sizeof *want, compare_u64);
    qsort(got, ngot, sizeof *got, compare_u64);
    for (size_t i = 0; i < nwant; i++)
        assert_int_equal(got[i], want[i]);
    free(want);
    free(got);
}

static void test_growth_and_removal_against_reference(void **state) {
    (void)state;
    uint64_t *keys = malloc(NKEYS * sizeof *keys);
    uint64_t *vals = malloc(NKEYS * sizeof *vals);
    bool *present = calloc(NKEYS, sizeof *present);
    assert_non_null(keys);
    assert_non_null(vals);
    assert_non_null(present);
    rng r;
    rng_seed(&r, 2024);
    for (int i = 0; i < NKEYS; i++)
        keys[i] = test_key(&r, i);

    u64map *m = u64map_new(sizeof(value));
    for (int i = 0; i < NKEYS; i++) {
        bool created = false;
        value *v = u64map_put(m, keys[i], &created);
        assert_true(created);
        v->v = vals[i] = rng_next(&r);
        v->check = (uint32_t)keys[i] ^ 0x5A5A5A5Au;
        present[i] = true;
        assert_int_equal(u64map_size(m), (size_t)i + 1);
    }
    check_against_reference(m, keys, present, vals, NKEYS);
    check_iteration(m, keys, present, NKEYS);

    /* Remove a random ~60%, then re-insert some with new values. */
    for (int i = 0; i < NKEYS; i++) {
        if (rng_below(&r, 10) < 6) {
            assert_true(u64map_remove(m, keys[i]));
            assert_false(u64map_remove(m, keys[i]));
            present[i] = false;
        }
    }
    check_against_reference(m, keys, present, vals, NKEYS);
    for (int i = 0; i < NKEYS; i += 7) {
        bool created = false;
        value *v = u64map_put(m, keys[i], &created);
        assert_int_equal(created, !present[i]);
        v->v = vals[i] = rng_next(&r);
        v->check = (uint32_t)keys[i] ^ 0x5A5A5A5Au;
        present[i] = true;
    }
    check_against_reference(m, keys, present, vals, NKEYS);
    check_iteration(m, keys, present, NKEYS);

    u64map_clear(m);
    assert_int_equal(u64map_size(m), 0);
    memset(present, 0, NKEYS * sizeof *present);
    check_against_reference(m, keys, present, vals, NKEYS);
    size_t cursor = 0;
    assert_null(u64map_next(m, &cursor, NULL));
    /* Usable after clear. */
    *(value *)u64map_put(m, 5, NULL) = (value){9, 5u ^ 0x5A5A5A5Au};
    assert_int_equal(((value *)u64map_get(m, 5))->v, 9);
    assert_int_equal(u64map_size(m), 1);

    u64map_free(m);
    free(present);
    free(vals);
    free(keys);
}

/* A million random operations over a small key space, so the table stays small
 * and runs often wrap around its end, against a direct-indexed reference. */
static void test_random_operations_small_space(void **state) {
    (void)state;
    enum { SPACE = 300 };
    uint64_t ref[SPACE];
    bool in[SPACE] = {false};
    rng r;
    rng_seed(&r, 7);
    u64map *m = u64map_new(sizeof(uint64_t));
    size_t size = 0;
    for (int op = 0; op < 1000000; op++) {
        uint64_t k = rng_below(&r, SPACE);
        uint64_t key = k * 0x100000001ULL; /* also exercises the high half; 0 included */
        switch (rng_below(&r, 3)) {
        case 0: {
            bool created;
            uint64_t *v = u64map_put(m, key, &created);
            assert_int_equal(created, !in[k]);
            if (created) {
                assert_int_equal(*v, 0);
                size++;
            }
            *v = ref[k] = rng_next(&r);
            in[k] = true;
            break;
        }
        case 1:
            assert_int_equal(u64map_remove(m, key), in[k]);
            if (in[k])
                size--;
            in[k] = false;
            break;
        default: {
            uint64_t *v = u64map_get(m, key);
            if (in[k]) {
                assert_non_null(v);
                assert_int_equal(*v, ref[k]);
            } else {
                assert_null(v);
            }
        }
        }
        assert_int_equal(u64map_size(m), size);
    }
    for (uint64_t k = 0; k < SPACE; k++) {
        uint64_t *v = u64map_get(m, k * 0x100000001ULL);
        if (in[k])
            assert_int_equal(*v, ref[k]);
        else
            assert_null(v);
    }
    u64map_free(m);
}

/* A zero-size value turns the map into a set. */
static void test_set_of_keys(void **state) {
    (void)state;
    u64map *m = u64map_new(0);
    for (uint64_t k = 1; k <= 1000; k++)
        assert_non_null(u64map_put(m, k * 3, NULL));
    assert_int_equal(u64map_size(m), 1000);
    assert_non_null(u64map_get(m, 3000));
    assert_null(u64map_get(m, 3001));
    u64map_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_put_get_remove),
        cmocka_unit_test(test_key_zero_and_max),
        cmocka_unit_test(test_growth_and_removal_against_reference),
        cmocka_unit_test(test_random_operations_small_space),
        cmocka_unit_test(test_set_of_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
