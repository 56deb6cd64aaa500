/*
 * Unit tests of wire/ethernet: the 14-byte Ethernet II header, against a
 * captured ARP request frame (60 bytes, padded by the NIC, no FCS).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/ethernet.h"
#include "wire/wire.h"

/* ARP who-has 10.0.0.2 tell 10.0.0.1, from 02:00:00:00:01:01 to broadcast
 * (decoded by tshark as "Who has 10.0.0.2? Tell 10.0.0.1"). */
static const uint8_t FRAME_BYTES[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x06, 0x00,
    0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x0a, 0x00,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const eth_header FRAME_REPR = {
    .dst = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
    .src = {{0x02, 0x00, 0x00, 0x00, 0x01, 0x01}},
    .ethertype = ETHERTYPE_ARP,
};

static void test_deconstruct(void **state) {
    (void)state;
    eth_header h;
    memset(&h, 0xaa, sizeof h);
    assert_int_equal(eth_parse(FRAME_BYTES, sizeof FRAME_BYTES, &h), WIRE_OK);
    assert_memory_equal(h.dst.b, MAC_BROADCAST.b, 6);
    assert_memory_equal(h.src.b, FRAME_REPR.src.b, 6);
    assert_int_equal(h.ethertype, 0x0806);
}

static void test_construct(void **state) {
    (void)state;
    uint8_t buf[ETH_HEADER_LEN + 2];
    memset(buf, 0xa5, sizeof buf);
    eth_emit(&FRAME_REPR, buf);
    assert_memory_equal(buf, FRAME_BYTES, ETH_HEADER_LEN);
    /* The payload is not touched. */
    assert_int_equal(buf[ETH_HEADER_LEN], 0xa5);
    assert_int_equal(buf[ETH_HEADER_LEN + 1], 0xa5);
}

static void test_ipv4_ethertype(void **state) {
    (void)state;
    eth_header h = {.dst = {{0x02, 0, 0, 0, 0x02, 0x01}},
                    .src = {{0x02, 0, 0, 0, 0x01, 0x01}},
                    .ethertype = ETHERTYPE_IPV4};
    uint8_t buf[ETH_HEADER_LEN];
    eth_emit(&h, buf);
    static const uint8_t expect[ETH_HEADER_LEN] = {0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02,
                                                   0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x00};
    assert_memory_equal(buf, expect, sizeof expect);
    eth_header back;
    assert_int_equal(eth_parse(buf, sizeof buf, &back), WIRE_OK);
    assert_memory_equal(back.dst.b, h.dst.b, 6);
    assert_memory_equal(back.src.b, h.src.b, 6);
    assert_int_equal(back.ethertype, 0x0800);
}

static void test_header_only_is_enough(void **state) {
    (void)state;
    eth_header h;
    assert_int_equal(eth_parse(FRAME_BYTES, ETH_HEADER_LEN, &h), WIRE_OK);
    assert_int_equal(h.ethertype, ETHERTYPE_ARP);
}

static void test_truncated(void **state) {
    (void)state;
    eth_header h;
    for (size_t len = 0; len < ETH_HEADER_LEN; len++)
        assert_int_equal(eth_parse(FRAME_BYTES, len, &h), WIRE_ERR_TRUNCATED);
    assert_int_equal(eth_parse(NULL, 0, &h), WIRE_ERR_TRUNCATED);
}

static void test_8023_length_is_unsupported(void **state) {
    (void)state;
    uint8_t buf[60];
    memcpy(buf, FRAME_BYTES, sizeof buf);
    eth_header h;
    /* 0x002e = 46: an IEEE 802.3 length field, not an EtherType. */
    buf[12] = 0x00;
    buf[13] = 0x2e;
    assert_int_equal(eth_parse(buf, sizeof buf, &h), WIRE_ERR_UNSUPPORTED);
    /* The addresses are still reported. */
    assert_memory_equal(h.src.b, FRAME_REPR.src.b, 6);
    assert_int_equal(h.ethertype, 46);
    buf[12] = 0x05;
    buf[13] = 0xff; /* 1535: still below the first EtherType */
    assert_int_equal(eth_parse(buf, sizeof buf, &h), WIRE_ERR_UNSUPPORTED);
    buf[12] = 0x06;
    buf[13] = 0x00; /* 1536 = 0x0600: the first EtherType value */
    assert_int_equal(eth_parse(buf, sizeof buf, &h), WIRE_OK);
    assert_int_equal(h.ethertype, 0x0600);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deconstruct),    cmocka_unit_test(test_construct),
        cmocka_unit_test(test_ipv4_ethertype), cmocka_unit_test(test_header_only_is_enough),
        cmocka_unit_test(test_truncated),      cmocka_unit_test(test_8023_length_is_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
