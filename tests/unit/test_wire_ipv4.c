/*
 * Unit tests of wire/ipv4: the RFC 791 header against captured datagrams
 * (checksums verified by tshark), every parse error, options, fragment
 * fields, and the RFC 1624 incremental checksum update of a TTL decrement.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

/* IPv4 + ICMP echo request 10.0.0.1 > 10.0.0.2 (id 0x0001, DF, TTL 64,
 * header checksum 26d6), as in a 60-byte Ethernet frame after its 14-byte
 * header: 36 bytes of datagram, then 10 bytes of Ethernet padding. */
static const uint8_t PACKET_BYTES[46] = {
    0x45, 0x00, 0x00, 0x24, 0x00, 0x01, 0x40, 0x00, 0x40, 0x01, 0x26, 0xd6, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02, 0x08, 0x00, 0x8f, 0x8c, 0x1c, 0x2b, 0x00, 0x01, 0x6e, 0x65, 0x74, 0x73,
    0x69, 0x6d, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
#define PACKET_TOTAL_LEN 36

static const ipv4_header PACKET_REPR = {
    .header_len = 20,
    .tos = 0,
    .total_len = 36,
    .id = 0x0001,
    .dont_fragment = true,
    .more_fragments = false,
    .frag_offset = 0,
    .ttl = 64,
    .protocol = IPPROTO_ICMP_NUM,
    .checksum = 0x26d6,
    .src = 0x0a000001u,
    .dst = 0x0a000002u,
};

/* IGMPv2 report for 239.1.2.3 from 10.0.0.10 with the Router Alert option
 * (RFC 2113): ihl 6, TOS 0xc0, TTL 1, header checksum e909 (tshark: correct). */
static const uint8_t OPTIONS_BYTES[32] = {
    0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0xe9, 0x09, 0x0a, 0x00, 0x00, 0x0a,
    0xef, 0x01, 0x02, 0x03, 0x94, 0x04, 0x00, 0x00, 0x16, 0x00, 0xf8, 0xfa, 0xef, 0x01, 0x02, 0x03,
};

static void assert_header_equal(const ipv4_header *a, const ipv4_header *b) {
    assert_int_equal(a->header_len, b->header_len);
    assert_int_equal(a->tos, b->tos);
    assert_int_equal(a->total_len, b->total_len);
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->dont_fragment, b->dont_fragment);
    assert_int_equal(a->more_fragments, b->more_fragments);
    assert_int_equal(a->frag_offset, b->frag_offset);
    assert_int_equal(a->ttl, b->ttl);
    assert_int_equal(a->protocol, b->protocol);
    assert_int_equal(a->checksum, b->checksum);
    assert_int_equal(a->src, b->src);
    assert_int_equal(a->dst, b->dst);
}

/* Recomputes the header checksum of buf in place (for building bad inputs
 * that are wrong in exactly one way). */
static void fix_checksum(uint8_t *buf, size_t header_len) {
    buf[10] = buf[11] = 0;
    uint16_t c = checksum_compute(buf, header_len);
    buf[10] = (uint8_t)(c >> 8);
    buf[11] = (uint8_t)c;
}

static void test_deconstruct(void **state) {
    (void)state;
    ipv4_header h;
    memset(&h, 0xaa, sizeof h);
    assert_int_equal(ipv4_header_parse(PACKET_BYTES, sizeof PACKET_BYTES, &h), WIRE_OK);
    assert_header_equal(&h, &PACKET_REPR);
}

static void test_construct(void **state) {
    (void)state;
    uint8_t buf[IPV4_HEADER_LEN + 1];
    memset(buf, 0xa5, sizeof buf);
    ipv4_header h = PACKET_REPR;
    h.checksum = 0x1234; /* ignored: emit computes it */
    h.header_len = 60;   /* ignored: emit writes 20 bytes */
    ipv4_emit(&h, buf);
    assert_memory_equal(buf, PACKET_BYTES, IPV4_HEADER_LEN);
    assert_int_equal(buf[IPV4_HEADER_LEN], 0xa5);
}

static void test_construct_known_checksum(void **state) {
    (void)state;
    /* The widely quoted example header 192.168.0.1 > 192.168.0.199: b861. */
    static const uint8_t expect[IPV4_HEADER_LEN] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                                                    0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
                                                    0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    ipv4_header h = {.total_len = 0x73,
                     .dont_fragment = true,
                     .ttl = 64,
                     .protocol = IPPROTO_UDP_NUM,
                     .src = 0xc0a80001u,
                     .dst = 0xc0a800c7u};
    uint8_t buf[IPV4_HEADER_LEN];
    ipv4_emit(&h, buf);
    assert_memory_equal(buf, expect, sizeof expect);
}

static void test_parse_ignores_padding(void **state) {
    (void)state;
    ipv4_header h;
    /* Exactly total_len bytes is enough; the padding after it is not read. */
    assert_int_equal(ipv4_header_parse(PACKET_BYTES, PACKET_TOTAL_LEN, &h), WIRE_OK);
    assert_int_equal(h.total_len, PACKET_TOTAL_LEN);
}

static void test_truncated(void **state) {
    (void)state;
    ipv4_header h;
    for (size_t len = 0; len < IPV4_HEADER_LEN; len++)
        assert_int_equal(ipv4_header_parse(PACKET_BYTES, len, &h), WIRE_ERR_TRUNCATED);
    /* A whole header, but total_len (36) says more bytes follow than we have. */
    for (size_t len = IPV4_HEADER_LEN; len < PACKET_TOTAL_LEN; len++)
        assert_int_equal(ipv4_header_parse(PACKET_BYTES, len, &h), WIRE_ERR_TRUNCATED);
}

static void test_total_len_beyond_buffer(void **state) {
    (void)state;
    uint8_t buf[46];
    memcpy(buf, PACKET_BYTES, sizeof buf);
    buf[2] = 0x00;
    buf[3] = 47; /* one byte more than the buffer holds */
    fix_checksum(buf, IPV4_HEADER_LEN);
    ipv4_header h;
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_ERR_TRUNCATED);
    buf[3] = 46; /* exactly the buffer */
    fix_checksum(buf, IPV4_HEADER_LEN);
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_OK);
    assert_int_equal(h.total_len, 46);
}

static void test_total_len_below_header(void **state) {
    (void)state;
    uint8_t buf[46];
    memcpy(buf, PACKET_BYTES, sizeof buf);
    buf[3] = 19;
    fix_checksum(buf, IPV4_HEADER_LEN);
    ipv4_header h;
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_ERR_MALFORMED);
    buf[3] = 20; /* a header with no payload is valid */
    fix_checksum(buf, IPV4_HEADER_LEN);
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_OK);
}

static void test_bad_version(void **state) {
    (void)state;
    static const uint8_t versions[] = {0x0, 0x5, 0x6, 0xf};
    for (size_t i = 0; i < sizeof versions; i++) {
        uint8_t buf[46];
        memcpy(buf, PACKET_BYTES, sizeof buf);
        buf[0] = (uint8_t)(versions[i] << 4 | 5);
        fix_checksum(buf, IPV4_HEADER_LEN);
        ipv4_header h;
        assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_ERR_MALFORMED);
    }
}

static void test_bad_ihl(void **state) {
    (void)state;
    uint8_t buf[46];
    ipv4_header h;
    for (uint8_t ihl = 0; ihl < 5; ihl++) {
        memcpy(buf, PACKET_BYTES, sizeof buf);
        buf[0] = (uint8_t)(0x40 | ihl);
        assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_ERR_MALFORMED);
    }
    /* ihl 15 = 60 bytes of header, but the buffer ends at 46. */
    memcpy(buf, PACKET_BYTES, sizeof buf);
    buf[0] = 0x4f;
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_ERR_TRUNCATED);
    /* ihl 7 = 28 bytes fits in the buffer, but total_len 24 does not cover it. */
    memcpy(buf, PACKET_BYTES, sizeof buf);
    buf[0] = 0x47;
    buf[3] = 24;
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_ERR_MALFORMED);
}

static void test_bad_checksum(void **state) {
    (void)state;
    ipv4_header h;
    uint8_t buf[46];
    /* A changed checksum, and a changed field under a correct-looking one. */
    memcpy(buf, PACKET_BYTES, sizeof buf);
    buf[11] ^= 0x01;
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_ERR_CHECKSUM);
    memcpy(buf, PACKET_BYTES, sizeof buf);
    buf[8] = 63; /* TTL */
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_ERR_CHECKSUM);
    memcpy(buf, PACKET_BYTES, sizeof buf);
    buf[19] = 3; /* destination */
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_ERR_CHECKSUM);
    /* The payload is not covered by the header checksum. */
    memcpy(buf, PACKET_BYTES, sizeof buf);
    buf[30] ^= 0xff;
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_OK);
}

static void test_options(void **state) {
    (void)state;
    ipv4_header h;
    assert_int_equal(ipv4_header_parse(OPTIONS_BYTES, sizeof OPTIONS_BYTES, &h), WIRE_OK);
    assert_int_equal(h.header_len, 24);
    assert_int_equal(h.tos, 0xc0);
    assert_int_equal(h.total_len, 32);
    assert_int_equal(h.ttl, 1);
    assert_int_equal(h.protocol, 2);
    assert_int_equal(h.checksum, 0xe909);
    assert_int_equal(h.src, 0x0a00000au);
    assert_int_equal(h.dst, 0xef010203u);
    /* The checksum covers the options too. */
    uint8_t buf[32];
    memcpy(buf, OPTIONS_BYTES, sizeof buf);
    buf[21] = 0x05;
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_ERR_CHECKSUM);
    /* Options cut off by the end of the buffer. */
    assert_int_equal(ipv4_header_parse(OPTIONS_BYTES, 22, &h), WIRE_ERR_TRUNCATED);
}

static void test_fragment_fields(void **state) {
    (void)state;
    ipv4_header h = PACKET_REPR;
    h.dont_fragment = false;
    h.more_fragments = true;
    h.frag_offset = 185; /* 1480 bytes */
    uint8_t buf[PACKET_TOTAL_LEN] = {0};
    ipv4_emit(&h, buf);
    assert_int_equal(buf[6], 0x20);
    assert_int_equal(buf[7], 0xb9);
    ipv4_header back;
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &back), WIRE_OK);
    assert_false(back.dont_fragment);
    assert_true(back.more_fragments);
    assert_int_equal(back.frag_offset, 185);

    h.dont_fragment = true;
    h.more_fragments = false;
    h.frag_offset = 0x1fff;
    ipv4_emit(&h, buf);
    assert_int_equal(buf[6], 0x5f);
    assert_int_equal(buf[7], 0xff);
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &back), WIRE_OK);
    assert_true(back.dont_fragment);
    assert_false(back.more_fragments);
    assert_int_equal(back.frag_offset, 0x1fff);
}

static void test_reserved_flag_ignored(void **state) {
    (void)state;
    uint8_t buf[46];
    memcpy(buf, PACKET_BYTES, sizeof buf);
    buf[6] |= 0x80; /* RFC 791's reserved bit: not ours to police */
    fix_checksum(buf, IPV4_HEADER_LEN);
    ipv4_header h;
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_OK);
    assert_true(h.dont_fragment);
    assert_false(h.more_fragments);
    assert_int_equal(h.frag_offset, 0);
}

static void test_decrement_ttl(void **state) {
    (void)state;
    uint8_t buf[46];
    memcpy(buf, PACKET_BYTES, sizeof buf);
    ipv4_decrement_ttl(buf);
    /* TTL/protocol word 4001 -> 3f01, so the checksum rises by 0100. */
    assert_int_equal(buf[8], 63);
    assert_int_equal(buf[10], 0x27);
    assert_int_equal(buf[11], 0xd6);
    assert_memory_equal(buf + 12, PACKET_BYTES + 12, sizeof buf - 12);
    ipv4_header h;
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_OK);
    assert_int_equal(h.ttl, 63);

    /* Down to zero, valid at every step; the header with options too. */
    while (buf[8] > 0) {
        ipv4_decrement_ttl(buf);
        assert_int_equal(ipv4_header_parse(buf, sizeof buf, &h), WIRE_OK);
    }
    assert_int_equal(h.ttl, 0);
    uint8_t opt[32];
    memcpy(opt, OPTIONS_BYTES, sizeof opt);
    ipv4_decrement_ttl(opt);
    assert_int_equal(opt[8], 0);
    assert_int_equal(opt[10], 0xea); /* e909 + 0100 */
    assert_int_equal(opt[11], 0x09);
    assert_int_equal(ipv4_header_parse(opt, sizeof opt, &h), WIRE_OK);
}

/* Makes the header checksum come out as 0000 after a decrement: the case
 * where RFC 1624 eqn. 3 and a full recomputation must agree on +0. */
static void test_decrement_ttl_to_zero_checksum(void **state) {
    (void)state;
    uint8_t buf[IPV4_HEADER_LEN];
    ipv4_header h = PACKET_REPR;
    h.total_len = IPV4_HEADER_LEN;
    h.id = 0;
    ipv4_emit(&h, buf);
    /* Choose the id so the header after the decrement sums to ffff. */
    buf[8]--;
    buf[10] = buf[11] = 0;
    uint16_t rest = (uint16_t)~checksum_compute(buf, sizeof buf); /* folded sum */
    uint16_t id = (uint16_t)(0xffff - rest);
    buf[8]++;
    h.id = id;
    ipv4_emit(&h, buf);
    ipv4_decrement_ttl(buf);
    assert_int_equal(buf[10], 0x00);
    assert_int_equal(buf[11], 0x00);
    ipv4_header back;
    assert_int_equal(ipv4_header_parse(buf, sizeof buf, &back), WIRE_OK);
}

/* A fixed linear congruential generator, so the sweep is the same every run. */
static uint32_t lcg_next(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static void test_decrement_ttl_matches_recompute(void **state) {
    (void)state;
    uint32_t seed = 12345;
    for (int n = 0; n < 2000; n++) {
        ipv4_header h = {
            .tos = (uint8_t)lcg_next(&seed),
            .total_len = (uint16_t)(20 + lcg_next(&seed) % 1480),
            .id = (uint16_t)lcg_next(&seed),
            .dont_fragment = lcg_next(&seed) & 1,
            .ttl = (uint8_t)(1 + lcg_next(&seed) % 255),
            .protocol = (uint8_t)lcg_next(&seed),
            .src = lcg_next(&seed) << 8 ^ lcg_next(&seed),
            .dst = lcg_next(&seed) << 8 ^ lcg_next(&seed),
        };
        uint8_t buf[IPV4_HEADER_LEN], full[IPV4_HEADER_LEN];
        ipv4_emit(&h, buf);
        while (buf[8] > 0) {
            ipv4_decrement_ttl(buf);
            h.ttl--;
            ipv4_emit(&h, full);
            if (memcmp(buf, full, sizeof buf) != 0)
                fail_msg("header %d ttl %u: incremental %02x%02x, full %02x%02x", n, h.ttl, buf[10],
                         buf[11], full[10], full[11]);
        }
    }
}

static void test_protocol_name(void **state) {
    (void)state;
    assert_string_equal(ipv4_protocol_name(1), "ICMP");
    assert_string_equal(ipv4_protocol_name(6), "TCP");
    assert_string_equal(ipv4_protocol_name(17), "UDP");
    assert_null(ipv4_protocol_name(0));
    assert_null(ipv4_protocol_name(2));
    assert_null(ipv4_protocol_name(255));
}

static void test_strerror(void **state) {
    (void)state;
    assert_string_equal(wire_strerror(WIRE_OK), "ok");
    assert_string_equal(wire_strerror(WIRE_ERR_TRUNCATED), "truncated");
    assert_string_equal(wire_strerror(WIRE_ERR_MALFORMED), "malformed");
    assert_string_equal(wire_strerror(WIRE_ERR_CHECKSUM), "bad checksum");
    assert_string_equal(wire_strerror(WIRE_ERR_UNSUPPORTED), "unsupported");
    assert_string_equal(wire_strerror(-99), "unknown error");
    assert_string_equal(wire_strerror(1), "unknown error");
}

/* The accessors read the same fields parse does, from the same bytes; the
 * header with options shows the length comes from ihl, not a constant. */
static void test_accessors(void **state) {
    (void)state;
    assert_int_equal(ipv4_get_header_len(PACKET_BYTES), 20);
    assert_int_equal(ipv4_get_total_len(PACKET_BYTES), PACKET_TOTAL_LEN);
    assert_int_equal(ipv4_get_id(PACKET_BYTES), 0x0001);
    assert_int_equal(ipv4_get_ttl(PACKET_BYTES), 64);
    assert_int_equal(ipv4_get_protocol(PACKET_BYTES), IPPROTO_ICMP_NUM);
    assert_int_equal(ipv4_get_src(PACKET_BYTES), 0x0a000001u);
    assert_int_equal(ipv4_get_dst(PACKET_BYTES), 0x0a000002u);
    assert_int_equal(ipv4_get_header_len(OPTIONS_BYTES), 24);
    assert_int_equal(ipv4_get_protocol(OPTIONS_BYTES), 2); /* IGMP */
}

/* Rewriting both addresses and updating the checksum gives what emit gives
 * for a header with those addresses. */
static void test_set_addresses_and_update_checksum(void **state) {
    (void)state;
    uint8_t buf[IPV4_HEADER_LEN];
    memcpy(buf, PACKET_BYTES, sizeof buf);
    ipv4_set_src(buf, 0xc0a80102u);
    ipv4_set_dst(buf, 0x08080808u);
    assert_int_not_equal(checksum_compute(buf, sizeof buf), 0); /* stale */
    ipv4_update_checksum(buf);
    assert_int_equal(checksum_compute(buf, sizeof buf), 0);
    ipv4_header h = PACKET_REPR;
    h.src = 0xc0a80102u;
    h.dst = 0x08080808u;
    uint8_t emitted[IPV4_HEADER_LEN];
    ipv4_emit(&h, emitted);
    assert_memory_equal(buf, emitted, sizeof buf);
}

/* The pseudo-header of the UDP datagram 10.0.0.1:1024 > 10.0.0.2:9 with data
 * "hi" (checksum 0x7f65 by hand: 0a00+0001+0a00+0002+0011+000a, then the
 * header 0400+0009+000a, then 6869, folded and complemented). */
static void test_pseudo_header_sum(void **state) {
    (void)state;
    const uint8_t udp[10] = {0x04, 0x00, 0x00, 0x09, 0x00, 0x0a, 0x00, 0x00, 0x68, 0x69};
    uint32_t sum = ipv4_pseudo_header_sum(0x0a000001u, 0x0a000002u, IPPROTO_UDP_NUM, 10);
    assert_int_equal(checksum_finish(sum),
                     (uint16_t) ~(0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 0x0011 + 0x000a));
    assert_int_equal(checksum_finish(checksum_add(sum, udp, sizeof udp)), 0x7f65);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deconstruct),
        cmocka_unit_test(test_construct),
        cmocka_unit_test(test_construct_known_checksum),
        cmocka_unit_test(test_parse_ignores_padding),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_total_len_beyond_buffer),
        cmocka_unit_test(test_total_len_below_header),
        cmocka_unit_test(test_bad_version),
        cmocka_unit_test(test_bad_ihl),
        cmocka_unit_test(test_bad_checksum),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_fragment_fields),
        cmocka_unit_test(test_reserved_flag_ignored),
        cmocka_unit_test(test_decrement_ttl),
        cmocka_unit_test(test_decrement_ttl_to_zero_checksum),
        cmocka_unit_test(test_decrement_ttl_matches_recompute),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_set_addresses_and_update_checksum),
        cmocka_unit_test(test_pseudo_header_sum),
        cmocka_unit_test(test_protocol_name),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
