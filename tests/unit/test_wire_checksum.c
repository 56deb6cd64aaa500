/*
 * Unit tests of wire/checksum, the RFC 1071 Internet checksum: the worked
 * example of RFC 1071 section 3, a real IPv4 header, a real UDP datagram
 * with its pseudo-header, odd lengths and carry folding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/checksum.h"

/* RFC 1071 section 3, "Numerical Examples": these bytes sum to ddf2 (one's
 * complement), so the checksum is ~ddf2 = 220d. */
static const uint8_t RFC1071_BYTES[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

/* A well-known captured IPv4 header (192.168.0.1 > 192.168.0.199, UDP,
 * total length 115, DF) whose checksum is b861. */
static const uint8_t IPV4_HEADER[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                        0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};

/* UDP 10.0.0.1:5000 > 10.0.0.2:53 carrying a DNS query for example.com
 * (checksum f642, verified by tshark), and its RFC 768 pseudo-header. */
static const uint8_t UDP_DATAGRAM[37] = {
    0x13, 0x88, 0x00, 0x35, 0x00, 0x25, 0xf6, 0x42, 0x12, 0x34, 0x01, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70,
    0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
};
static const uint8_t UDP_PSEUDO_HEADER[12] = {0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00,
                                              0x00, 0x02, 0x00, 0x11, 0x00, 0x25};

static void test_rfc1071_example(void **state) {
    (void)state;
    uint32_t sum = checksum_add(0, RFC1071_BYTES, sizeof RFC1071_BYTES);
    /* 0001 + f203 + f4f5 + f6f7 = 2ddf0, which folds to ddf2. */
    assert_int_equal(sum, 0x2ddf0);
    assert_int_equal(checksum_finish(sum), 0x220d);
    assert_int_equal(checksum_compute(RFC1071_BYTES, sizeof RFC1071_BYTES), 0x220d);
}

static void test_ipv4_header(void **state) {
    (void)state;
    /* A correct header sums to zero. */
    assert_int_equal(checksum_compute(IPV4_HEADER, sizeof IPV4_HEADER), 0);
    /* With the field zeroed, the computation gives the value on the wire. */
    uint8_t h[20];
    memcpy(h, IPV4_HEADER, sizeof h);
    h[10] = h[11] = 0;
    assert_int_equal(checksum_compute(h, sizeof h), 0xb861);
    /* Any single changed bit is caught. */
    h[10] = 0xb8;
    h[11] = 0x61;
    h[8] = 0x3f;
    assert_int_not_equal(checksum_compute(h, sizeof h), 0);
}

static void test_pseudo_header_plus_data(void **state) {
    (void)state;
    uint32_t sum = checksum_add(0, UDP_PSEUDO_HEADER, sizeof UDP_PSEUDO_HEADER);
    sum = checksum_add(sum, UDP_DATAGRAM, sizeof UDP_DATAGRAM);
    assert_int_equal(checksum_finish(sum), 0);

    uint8_t d[37];
    memcpy(d, UDP_DATAGRAM, sizeof d);
    d[6] = d[7] = 0;
    sum = checksum_add(0, UDP_PSEUDO_HEADER, sizeof UDP_PSEUDO_HEADER);
    sum = checksum_add(sum, d, sizeof d);
    assert_int_equal(checksum_finish(sum), 0xf642);
}

static void test_odd_length(void **state) {
    (void)state;
    /* 0102 + 0300 (the odd byte is the high half of a word padded with 0). */
    static const uint8_t three[3] = {0x01, 0x02, 0x03};
    assert_int_equal(checksum_add(0, three, 3), 0x0402);
    assert_int_equal(checksum_compute(three, 3), 0xfbfd);
    static const uint8_t padded[4] = {0x01, 0x02, 0x03, 0x00};
    assert_int_equal(checksum_compute(padded, 4), 0xfbfd);
    static const uint8_t one[1] = {0xab};
    assert_int_equal(checksum_add(0, one, 1), 0xab00);
    assert_int_equal(checksum_compute(one, 1), 0x54ff);
    /* The odd-length UDP datagram above, summed from an even split point. */
    uint32_t sum = checksum_add(0, UDP_PSEUDO_HEADER, sizeof UDP_PSEUDO_HEADER);
    sum = checksum_add(sum, UDP_DATAGRAM, 20);
    sum = checksum_add(sum, UDP_DATAGRAM + 20, sizeof UDP_DATAGRAM - 20);
    assert_int_equal(checksum_finish(sum), 0);
}

static void test_empty_and_zero(void **state) {
    (void)state;
    assert_int_equal(checksum_add(0x1234, NULL, 0), 0x1234);
    assert_int_equal(checksum_compute(NULL, 0), 0xffff);
    static const uint8_t zeros[6] = {0};
    assert_int_equal(checksum_compute(zeros, sizeof zeros), 0xffff);
}

static void test_finish_folds_carries(void **state) {
    (void)state;
    assert_int_equal(checksum_finish(0), 0xffff);
    assert_int_equal(checksum_finish(0xffff), 0);
    assert_int_equal(checksum_finish(0x12345), 0xdcb9); /* 2345 + 1 = 2346 */
    assert_int_equal(checksum_finish(0x1fffe), 0);      /* fffe + 1 = ffff */
    assert_int_equal(checksum_finish(0xffffffffu), 0);  /* ffff + ffff, folded twice */
}

static void test_long_buffer_does_not_overflow(void **state) {
    (void)state;
    /* 100,000 words of ffff sum to more than 2^32, so checksum_add must fold
     * before its 32-bit sum overflows; their one's complement sum is ffff. */
    size_t len = 200000;
    uint8_t *ones = malloc(len);
    assert_non_null(ones);
    memset(ones, 0xff, len);
    assert_int_equal(checksum_compute(ones, len), 0);
    /* 0x0100 * 100,000 = 0x186a000, folded: 0xa000 + 0x186 = 0xa186. */
    for (size_t i = 0; i < len; i += 2) {
        ones[i] = 0x01;
        ones[i + 1] = 0x00;
    }
    assert_int_equal(checksum_compute(ones, len), (uint16_t)~0xa186);
    free(ones);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc1071_example),
        cmocka_unit_test(test_ipv4_header),
        cmocka_unit_test(test_pseudo_header_plus_data),
        cmocka_unit_test(test_odd_length),
        cmocka_unit_test(test_empty_and_zero),
        cmocka_unit_test(test_finish_folds_carries),
        cmocka_unit_test(test_long_buffer_does_not_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
