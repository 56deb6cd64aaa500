/*
 * Unit tests of util/crc32 against values computed independently with
 * Python's zlib.crc32: the empty string, one byte, the CRC catalogue's check
 * value for "123456789" (0xCBF43926), a sentence, all 256 byte values and a
 * run of zeros; feeding chunks one by one gives the CRC of the whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/crc32.h"

static uint32_t crc_of(const char *s) {
    return crc32_update(0, (const uint8_t *)s, strlen(s));
}

static void test_known_values(void **state) {
    (void)state;
    assert_int_equal(crc32_update(0, NULL, 0), 0x00000000u);
    assert_int_equal(crc_of("a"), 0xe8b7be43u);
    assert_int_equal(crc_of("123456789"), 0xcbf43926u);
    assert_int_equal(crc_of("The quick brown fox jumps over the lazy dog"), 0x414fa339u);
    uint8_t all[256], zeros[1000];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    memset(zeros, 0, sizeof zeros);
    assert_int_equal(crc32_update(0, all, sizeof all), 0x29058c73u);
    assert_int_equal(crc32_update(0, zeros, sizeof zeros), 0x060b1780u);
}

static void test_chunks(void **state) {
    (void)state;
    /* zlib.crc32(b"456789", zlib.crc32(b"123")) == zlib.crc32(b"123456789") */
    uint32_t crc = crc32_update(0, (const uint8_t *)"123", 3);
    crc = crc32_update(crc, (const uint8_t *)"456789", 6);
    assert_int_equal(crc, 0xcbf43926u);
    /* Byte by byte, and an empty chunk changes nothing. */
    const char *s = "The quick brown fox jumps over the lazy dog";
    crc = 0;
    for (size_t i = 0; s[i]; i++) {
        crc = crc32_update(crc, (const uint8_t *)s + i, 1);
        crc = crc32_update(crc, NULL, 0);
    }
    assert_int_equal(crc, 0x414fa339u);
}

static void test_detects_changes(void **state) {
    (void)state;
    /* A CRC must change with any single-bit error (it is what it is for). */
    uint8_t buf[64];
    for (int i = 0; i < 64; i++)
        buf[i] = (uint8_t)(i * 7);
    uint32_t good = crc32_update(0, buf, sizeof buf);
    for (int bit = 0; bit < 64 * 8; bit++) {
        buf[bit / 8] ^= (uint8_t)(1 << (bit % 8));
        assert_int_not_equal(crc32_update(0, buf, sizeof buf), good);
        buf[bit / 8] ^= (uint8_t)(1 << (bit % 8));
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_detects_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
