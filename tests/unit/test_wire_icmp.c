/*
 * Unit tests of wire/icmp: RFC 792 messages against captured bytes (an echo
 * request and reply, a time exceeded quoting the probe; tshark verified all
 * checksums), checksum errors, odd lengths and the type/code names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/icmp.h"
#include "wire/wire.h"

/* Echo request id 0x1c2b seq 1 with 8 data bytes "netsim\0\1"; checksum 8f8c. */
static const uint8_t ECHO_REQUEST_BYTES[16] = {
    0x08, 0x00, 0x8f, 0x8c, 0x1c, 0x2b, 0x00, 0x01, 0x6e, 0x65, 0x74, 0x73, 0x69, 0x6d, 0x00, 0x01,
};

/* The matching echo reply; checksum 978c. */
static const uint8_t ECHO_REPLY_BYTES[16] = {
    0x00, 0x00, 0x97, 0x8c, 0x1c, 0x2b, 0x00, 0x01, 0x6e, 0x65, 0x74, 0x73, 0x69, 0x6d, 0x00, 0x01,
};

/* Time exceeded (TTL), checksum 4147, quoting the IPv4 header of an echo
 * request 10.0.0.1 > 10.0.1.3 with TTL 1 and its first 8 payload bytes. */
static const uint8_t TIME_EXCEEDED_BYTES[36] = {
    0x0b, 0x00, 0x41, 0x47, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24,
    0x00, 0x03, 0x40, 0x00, 0x01, 0x01, 0x64, 0xd3, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x01, 0x03, 0x08, 0x00, 0x8f, 0x8a, 0x1c, 0x2b, 0x00, 0x03,
};

/* Echo request id 0x1c2b seq 2 with the odd-length data "abcde"; checksum b20b. */
static const uint8_t ODD_ECHO_BYTES[13] = {
    0x08, 0x00, 0xb2, 0x0b, 0x1c, 0x2b, 0x00, 0x02, 0x61, 0x62, 0x63, 0x64, 0x65,
};

static const icmp_header ECHO_REQUEST_REPR = {
    .type = ICMP_ECHO_REQUEST, .code = 0, .checksum = 0x8f8c, .id = 0x1c2b, .seq = 1};

static void assert_icmp_equal(const icmp_header *a, const icmp_header *b) {
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->code, b->code);
    assert_int_equal(a->checksum, b->checksum);
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->seq, b->seq);
}

static void test_deconstruct_echo_request(void **state) {
    (void)state;
    icmp_header h;
    memset(&h, 0xaa, sizeof h);
    assert_int_equal(icmp_parse(ECHO_REQUEST_BYTES, sizeof ECHO_REQUEST_BYTES, &h), WIRE_OK);
    assert_icmp_equal(&h, &ECHO_REQUEST_REPR);
}

static void test_deconstruct_echo_reply(void **state) {
    (void)state;
    icmp_header h;
    assert_int_equal(icmp_parse(ECHO_REPLY_BYTES, sizeof ECHO_REPLY_BYTES, &h), WIRE_OK);
    icmp_header expect = {.type = ICMP_ECHO_REPLY, .checksum = 0x978c, .id = 0x1c2b, .seq = 1};
    assert_icmp_equal(&h, &expect);
}

static void test_deconstruct_time_exceeded(void **state) {
    (void)state;
    icmp_header h;
    assert_int_equal(icmp_parse(TIME_EXCEEDED_BYTES, sizeof TIME_EXCEEDED_BYTES, &h), WIRE_OK);
    icmp_header expect = {.type = ICMP_TIME_EXCEEDED,
                          .code = ICMP_TIME_EXCEEDED_TTL,
                          .checksum = 0x4147,
                          .id = 0,
                          .seq = 0};
    assert_icmp_equal(&h, &expect);
}

static void test_construct_echo_request(void **state) {
    (void)state;
    uint8_t buf[sizeof ECHO_REQUEST_BYTES + 1];
    memset(buf, 0xa5, sizeof buf);
    memcpy(buf + ICMP_HEADER_LEN, ECHO_REQUEST_BYTES + ICMP_HEADER_LEN, 8);
    icmp_header h = ECHO_REQUEST_REPR;
    h.checksum = 0xdead; /* ignored: emit computes it */
    icmp_emit(&h, buf, sizeof ECHO_REQUEST_BYTES);
    assert_memory_equal(buf, ECHO_REQUEST_BYTES, sizeof ECHO_REQUEST_BYTES);
    assert_int_equal(buf[sizeof ECHO_REQUEST_BYTES], 0xa5);
}

static void test_construct_echo_reply(void **state) {
    (void)state;
    uint8_t buf[sizeof ECHO_REPLY_BYTES];
    memcpy(buf, ECHO_REQUEST_BYTES, sizeof buf); /* a reply echoes the data */
    icmp_header h = {.type = ICMP_ECHO_REPLY, .id = 0x1c2b, .seq = 1};
    icmp_emit(&h, buf, sizeof buf);
    assert_memory_equal(buf, ECHO_REPLY_BYTES, sizeof buf);
}

static void test_construct_time_exceeded(void **state) {
    (void)state;
    uint8_t buf[sizeof TIME_EXCEEDED_BYTES];
    memset(buf, 0xa5, ICMP_HEADER_LEN);
    memcpy(buf + ICMP_HEADER_LEN, TIME_EXCEEDED_BYTES + ICMP_HEADER_LEN,
           sizeof buf - ICMP_HEADER_LEN);
    icmp_header h = {.type = ICMP_TIME_EXCEEDED, .code = ICMP_TIME_EXCEEDED_TTL};
    icmp_emit(&h, buf, sizeof buf);
    assert_memory_equal(buf, TIME_EXCEEDED_BYTES, sizeof buf);
}

static void test_odd_length(void **state) {
    (void)state;
    icmp_header h;
    assert_int_equal(icmp_parse(ODD_ECHO_BYTES, sizeof ODD_ECHO_BYTES, &h), WIRE_OK);
    assert_int_equal(h.checksum, 0xb20b);
    assert_int_equal(h.seq, 2);
    uint8_t buf[sizeof ODD_ECHO_BYTES];
    memcpy(buf, ODD_ECHO_BYTES, sizeof buf);
    buf[2] = buf[3] = 0;
    icmp_emit(&h, buf, sizeof buf);
    assert_memory_equal(buf, ODD_ECHO_BYTES, sizeof buf);
    /* The last odd byte counts as the high half of a word. */
    buf[12] = 0x66;
    assert_int_equal(icmp_parse(buf, sizeof buf, &h), WIRE_ERR_CHECKSUM);
}

static void test_header_only(void **state) {
    (void)state;
    /* An echo with no data: 0800 + 0001 + 0002 = 0803, so the checksum is f7fc. */
    icmp_header h = {.type = ICMP_ECHO_REQUEST, .id = 1, .seq = 2};
    uint8_t buf[ICMP_HEADER_LEN];
    icmp_emit(&h, buf, sizeof buf);
    static const uint8_t expect[ICMP_HEADER_LEN] = {0x08, 0x00, 0xf7, 0xfc, 0x00, 0x01, 0x00, 0x02};
    assert_memory_equal(buf, expect, sizeof expect);
    icmp_header back;
    assert_int_equal(icmp_parse(buf, sizeof buf, &back), WIRE_OK);
    assert_int_equal(back.checksum, 0xf7fc);
}

static void test_truncated(void **state) {
    (void)state;
    icmp_header h;
    for (size_t len = 0; len < ICMP_HEADER_LEN; len++)
        assert_int_equal(icmp_parse(ECHO_REQUEST_BYTES, len, &h), WIRE_ERR_TRUNCATED);
}

static void test_bad_checksum(void **state) {
    (void)state;
    icmp_header h;
    uint8_t buf[sizeof ECHO_REQUEST_BYTES];
    memcpy(buf, ECHO_REQUEST_BYTES, sizeof buf);
    buf[3] ^= 0x01;
    assert_int_equal(icmp_parse(buf, sizeof buf, &h), WIRE_ERR_CHECKSUM);
    /* The checksum covers the data, not just the header. */
    memcpy(buf, ECHO_REQUEST_BYTES, sizeof buf);
    buf[15] ^= 0x80;
    assert_int_equal(icmp_parse(buf, sizeof buf, &h), WIRE_ERR_CHECKSUM);
    /* A message cut short no longer sums to zero. */
    assert_int_equal(icmp_parse(ECHO_REQUEST_BYTES, 12, &h), WIRE_ERR_CHECKSUM);
    assert_int_equal(icmp_parse(TIME_EXCEEDED_BYTES, 35, &h), WIRE_ERR_CHECKSUM);
}

static void test_describe_type(void **state) {
    (void)state;
    assert_string_equal(icmp_describe_type(0, 0), "echo reply");
    assert_string_equal(icmp_describe_type(8, 0), "echo request");
    assert_string_equal(icmp_describe_type(3, 0), "destination unreachable (net)");
    assert_string_equal(icmp_describe_type(3, 1), "destination unreachable (host)");
    assert_string_equal(icmp_describe_type(3, 2), "destination unreachable (protocol)");
    assert_string_equal(icmp_describe_type(3, 3), "destination unreachable (port)");
    assert_string_equal(icmp_describe_type(3, 4), "destination unreachable (fragmentation needed)");
    assert_string_equal(icmp_describe_type(3, 13),
                        "destination unreachable (administratively prohibited)");
    assert_string_equal(icmp_describe_type(3, 99), "destination unreachable");
    assert_string_equal(icmp_describe_type(11, 0), "time exceeded (TTL)");
    assert_string_equal(icmp_describe_type(11, 1), "time exceeded (reassembly)");
    assert_string_equal(icmp_describe_type(11, 7), "time exceeded");
    assert_string_equal(icmp_describe_type(5, 1), "redirect");
    assert_string_equal(icmp_describe_type(12, 0), "parameter problem");
    assert_string_equal(icmp_describe_type(42, 0), "unknown type");
    assert_string_equal(icmp_describe_type(255, 255), "unknown type");
    for (int t = 0; t < 256; t++)
        for (int c = 0; c < 256; c += 17)
            assert_non_null(icmp_describe_type((uint8_t)t, (uint8_t)c));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deconstruct_echo_request),
        cmocka_unit_test(test_deconstruct_echo_reply),
        cmocka_unit_test(test_deconstruct_time_exceeded),
        cmocka_unit_test(test_construct_echo_request),
        cmocka_unit_test(test_construct_echo_reply),
        cmocka_unit_test(test_construct_time_exceeded),
        cmocka_unit_test(test_odd_length),
        cmocka_unit_test(test_header_only),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_bad_checksum),
        cmocka_unit_test(test_describe_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
