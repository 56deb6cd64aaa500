/*
 * Unit tests of wire/arp: RFC 826 packets for IPv4 over Ethernet, against a
 * captured request and reply (each a 60-byte frame; the ARP packet starts at
 * byte 14 and is followed by 18 bytes of Ethernet padding).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/wire.h"

/* tshark: "Who has 10.0.0.2? Tell 10.0.0.1" */
static const uint8_t REQUEST_FRAME[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x06, 0x00,
    0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x0a, 0x00,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* tshark: "10.0.0.2 is at 02:00:00:00:02:01" */
static const uint8_t REPLY_FRAME[60] = {
    0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x08, 0x06, 0x00,
    0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x0a, 0x00,
    0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

#define REQUEST_BYTES (REQUEST_FRAME + ETH_HEADER_LEN)
#define REPLY_BYTES   (REPLY_FRAME + ETH_HEADER_LEN)
#define PAYLOAD_LEN   (sizeof REQUEST_FRAME - ETH_HEADER_LEN) /* 46, with padding */

static const arp_packet REQUEST_REPR = {
    .op = ARP_OP_REQUEST,
    .sender_mac = {{0x02, 0x00, 0x00, 0x00, 0x01, 0x01}},
    .sender_ip = 0x0a000001u,
    .target_mac = {{0, 0, 0, 0, 0, 0}},
    .target_ip = 0x0a000002u,
};

static const arp_packet REPLY_REPR = {
    .op = ARP_OP_REPLY,
    .sender_mac = {{0x02, 0x00, 0x00, 0x00, 0x02, 0x01}},
    .sender_ip = 0x0a000002u,
    .target_mac = {{0x02, 0x00, 0x00, 0x00, 0x01, 0x01}},
    .target_ip = 0x0a000001u,
};

static void assert_arp_equal(const arp_packet *a, const arp_packet *b) {
    assert_int_equal(a->op, b->op);
    assert_memory_equal(a->sender_mac.b, b->sender_mac.b, 6);
    assert_int_equal(a->sender_ip, b->sender_ip);
    assert_memory_equal(a->target_mac.b, b->target_mac.b, 6);
    assert_int_equal(a->target_ip, b->target_ip);
}

static void test_deconstruct_request(void **state) {
    (void)state;
    arp_packet p;
    memset(&p, 0xaa, sizeof p);
    assert_int_equal(arp_parse(REQUEST_BYTES, PAYLOAD_LEN, &p), WIRE_OK);
    assert_arp_equal(&p, &REQUEST_REPR);
}

static void test_deconstruct_reply(void **state) {
    (void)state;
    arp_packet p;
    assert_int_equal(arp_parse(REPLY_BYTES, PAYLOAD_LEN, &p), WIRE_OK);
    assert_arp_equal(&p, &REPLY_REPR);
}

static void test_construct_request(void **state) {
    (void)state;
    uint8_t buf[ARP_PACKET_LEN + 1];
    memset(buf, 0xa5, sizeof buf);
    arp_emit(&REQUEST_REPR, buf);
    assert_memory_equal(buf, REQUEST_BYTES, ARP_PACKET_LEN);
    assert_int_equal(buf[ARP_PACKET_LEN], 0xa5); /* nothing written past 28 bytes */
}

static void test_construct_reply(void **state) {
    (void)state;
    uint8_t buf[ARP_PACKET_LEN];
    arp_emit(&REPLY_REPR, buf);
    assert_memory_equal(buf, REPLY_BYTES, ARP_PACKET_LEN);
}

static void test_exact_length(void **state) {
    (void)state;
    arp_packet p;
    assert_int_equal(arp_parse(REQUEST_BYTES, ARP_PACKET_LEN, &p), WIRE_OK);
    assert_int_equal(p.target_ip, 0x0a000002u);
}

static void test_truncated(void **state) {
    (void)state;
    arp_packet p;
    for (size_t len = 0; len < ARP_PACKET_LEN; len++)
        assert_int_equal(arp_parse(REQUEST_BYTES, len, &p), WIRE_ERR_TRUNCATED);
}

/* Parses the request with byte `offset` replaced by `value`. */
static int parse_with_byte(size_t offset, uint8_t value) {
    uint8_t buf[ARP_PACKET_LEN];
    memcpy(buf, REQUEST_BYTES, sizeof buf);
    buf[offset] = value;
    arp_packet p;
    return arp_parse(buf, sizeof buf, &p);
}

static void test_unsupported(void **state) {
    (void)state;
    assert_int_equal(parse_with_byte(1, 6), WIRE_ERR_UNSUPPORTED);    /* htype 6: IEEE 802 */
    assert_int_equal(parse_with_byte(0, 1), WIRE_ERR_UNSUPPORTED);    /* htype 0x0101 */
    assert_int_equal(parse_with_byte(2, 0x86), WIRE_ERR_UNSUPPORTED); /* ptype 0x8600 */
    assert_int_equal(parse_with_byte(3, 0x06), WIRE_ERR_UNSUPPORTED); /* ptype 0x0806 */
    assert_int_equal(parse_with_byte(4, 8), WIRE_ERR_UNSUPPORTED);    /* hlen 8 */
    assert_int_equal(parse_with_byte(5, 16), WIRE_ERR_UNSUPPORTED);   /* plen 16: IPv6 */
}

static void test_bad_op(void **state) {
    (void)state;
    assert_int_equal(parse_with_byte(7, 0), WIRE_ERR_MALFORMED);
    assert_int_equal(parse_with_byte(7, 3), WIRE_ERR_MALFORMED); /* RARP request */
    assert_int_equal(parse_with_byte(6, 1), WIRE_ERR_MALFORMED); /* op 0x0101 */
    assert_int_equal(parse_with_byte(7, 2), WIRE_OK);
}

static void test_round_trip(void **state) {
    (void)state;
    arp_packet p;
    assert_int_equal(arp_parse(REPLY_BYTES, PAYLOAD_LEN, &p), WIRE_OK);
    uint8_t buf[ARP_PACKET_LEN];
    arp_emit(&p, buf);
    assert_memory_equal(buf, REPLY_BYTES, ARP_PACKET_LEN);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deconstruct_request), cmocka_unit_test(test_deconstruct_reply),
        cmocka_unit_test(test_construct_request),   cmocka_unit_test(test_construct_reply),
        cmocka_unit_test(test_exact_length),        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_unsupported),         cmocka_unit_test(test_bad_op),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
