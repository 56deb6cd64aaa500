/*
 * test_wire_udp: the UDP header and its pseudo-header checksum (RFC 768)
 * against a fixed datagram: 10.0.0.1:5000 -> 10.0.0.2:53, data "hello",
 * checksum 0x9442 (computed independently with Python).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/udp.h"
#include "wire/wire.h"

static const ipv4_addr SRC = 0x0A000001, DST = 0x0A000002;

static const uint8_t DATAGRAM[] = {0x13, 0x88, 0x00, 0x35, 0x00, 0x0d, 0x94,
                                   0x42, 0x68, 0x65, 0x6c, 0x6c, 0x6f};

static void test_emit(void **state) {
    (void)state;
    uint8_t buf[sizeof DATAGRAM];
    memset(buf, 0xaa, sizeof buf);
    memcpy(buf + UDP_HEADER_LEN, "hello", 5);
    udp_header h = {.src_port = 5000, .dst_port = 53};
    udp_emit(&h, buf, sizeof buf, SRC, DST);
    assert_memory_equal(buf, DATAGRAM, sizeof DATAGRAM);
}

static void test_parse(void **state) {
    (void)state;
    udp_header h;
    assert_int_equal(udp_parse(DATAGRAM, sizeof DATAGRAM, SRC, DST, &h), WIRE_OK);
    assert_int_equal(h.src_port, 5000);
    assert_int_equal(h.dst_port, 53);
    assert_int_equal(h.length, 13);
    assert_int_equal(h.checksum, 0x9442);
}

static void test_bad_checksum_and_wrong_addresses(void **state) {
    (void)state;
    uint8_t buf[sizeof DATAGRAM];
    memcpy(buf, DATAGRAM, sizeof buf);
    buf[9] ^= 1; /* one bit of data */
    udp_header h;
    assert_int_equal(udp_parse(buf, sizeof buf, SRC, DST, &h), WIRE_ERR_CHECKSUM);
    /* The pseudo-header counts: the same bytes from another source fail. */
    assert_int_equal(udp_parse(DATAGRAM, sizeof DATAGRAM, SRC + 1, DST, &h), WIRE_ERR_CHECKSUM);
}

static void test_zero_checksum_means_none(void **state) {
    (void)state;
    uint8_t buf[sizeof DATAGRAM];
    memcpy(buf, DATAGRAM, sizeof buf);
    buf[6] = buf[7] = 0;
    buf[9] ^= 1;
    udp_header h;
    assert_int_equal(udp_parse(buf, sizeof buf, SRC, DST, &h), WIRE_OK);
    assert_int_equal(h.checksum, 0);
}

static void test_lengths(void **state) {
    (void)state;
    udp_header h;
    assert_int_equal(udp_parse(DATAGRAM, 7, SRC, DST, &h), WIRE_ERR_TRUNCATED);
    /* The length field says 13 but only 12 bytes arrived. */
    assert_int_equal(udp_parse(DATAGRAM, 12, SRC, DST, &h), WIRE_ERR_TRUNCATED);
    uint8_t buf[sizeof DATAGRAM];
    memcpy(buf, DATAGRAM, sizeof buf);
    buf[4] = 0;
    buf[5] = 7; /* shorter than the header itself */
    assert_int_equal(udp_parse(buf, sizeof buf, SRC, DST, &h), WIRE_ERR_MALFORMED);
    /* Trailing bytes beyond the length field (Ethernet padding) are ignored. */
    uint8_t padded[sizeof DATAGRAM + 5] = {0};
    memcpy(padded, DATAGRAM, sizeof DATAGRAM);
    assert_int_equal(udp_parse(padded, sizeof padded, SRC, DST, &h), WIRE_OK);
}

static void test_computed_zero_is_sent_as_ffff(void **state) {
    (void)state;
    /* Find data whose checksum computes to 0: then 0xffff goes on the wire. */
    uint8_t buf[UDP_HEADER_LEN + 2];
    udp_header h = {.src_port = 1, .dst_port = 2};
    for (unsigned v = 0; v <= 0xffff; v++) {
        wire_put16(buf + UDP_HEADER_LEN, (uint16_t)v);
        udp_emit(&h, buf, sizeof buf, SRC, DST);
        if (wire_get16(buf + 6) == 0xffff) {
            udp_header out;
            assert_int_equal(udp_parse(buf, sizeof buf, SRC, DST, &out), WIRE_OK);
            return;
        }
        assert_int_not_equal(wire_get16(buf + 6), 0);
    }
    fail_msg("no data word made the checksum 0");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_bad_checksum_and_wrong_addresses),
        cmocka_unit_test(test_zero_checksum_means_none),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_computed_zero_is_sent_as_ffff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
