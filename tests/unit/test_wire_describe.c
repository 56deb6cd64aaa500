/*
 * Unit tests of wire/describe: frame_decode and frame_describe over captured
 * frames (each decoded by tshark first, all checksums verified there), every
 * kind of damaged frame, and output truncation. The summaries are compared
 * as exact strings: they are what the human trace shows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/checksum.h"
#include "wire/describe.h"
#include "wire/icmp.h"

/* ARP request from 02:00:00:00:01:01 (10.0.0.1) for 10.0.0.2, padded to 60. */
static const uint8_t FRAME_ARP_REQUEST[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x06, 0x00,
    0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x0a, 0x00,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* ARP reply: 10.0.0.2 is at 02:00:00:00:02:01. */
static const uint8_t FRAME_ARP_REPLY[60] = {
    0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x08, 0x06, 0x00,
    0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x0a, 0x00,
    0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* Echo request 10.0.0.1 > 10.0.0.2, id 0x1c2b seq 1, TTL 64, padded to 60. */
static const uint8_t FRAME_ICMP_ECHO_REQUEST[60] = {
    0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x24, 0x00, 0x01, 0x40, 0x00, 0x40, 0x01, 0x26, 0xd6, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02, 0x08, 0x00, 0x8f, 0x8c, 0x1c, 0x2b, 0x00, 0x01, 0x6e, 0x65, 0x74,
    0x73, 0x69, 0x6d, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* The echo reply, IP id 0x1234. */
static const uint8_t FRAME_ICMP_ECHO_REPLY[60] = {
    0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x24, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0x14, 0xa3, 0x0a, 0x00, 0x00, 0x02,
    0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x97, 0x8c, 0x1c, 0x2b, 0x00, 0x01, 0x6e, 0x65, 0x74,
    0x73, 0x69, 0x6d, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* Time exceeded from router 10.0.0.254, quoting a probe 10.0.0.1 > 10.0.1.3 (TTL 1, echo seq 3). */
static const uint8_t FRAME_ICMP_TIME_EXCEEDED[70] = {
    0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0xfe, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x38, 0x01, 0x00, 0x00, 0x00, 0x40, 0x01, 0x64, 0xc7, 0x0a, 0x00,
    0x00, 0xfe, 0x0a, 0x00, 0x00, 0x01, 0x0b, 0x00, 0x41, 0x47, 0x00, 0x00, 0x00, 0x00,
    0x45, 0x00, 0x00, 0x24, 0x00, 0x03, 0x40, 0x00, 0x01, 0x01, 0x64, 0xd3, 0x0a, 0x00,
    0x00, 0x01, 0x0a, 0x00, 0x01, 0x03, 0x08, 0x00, 0x8f, 0x8a, 0x1c, 0x2b, 0x00, 0x03,
};
/* Port unreachable from 10.0.0.2, quoting UDP 10.0.0.1:40000 > 10.0.0.2:9. */
static const uint8_t FRAME_ICMP_PORT_UNREACHABLE[70] = {
    0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x38, 0x02, 0x00, 0x00, 0x00, 0x40, 0x01, 0x64, 0xc3, 0x0a, 0x00,
    0x00, 0x02, 0x0a, 0x00, 0x00, 0x01, 0x03, 0x03, 0x54, 0xf0, 0x00, 0x00, 0x00, 0x00,
    0x45, 0x00, 0x00, 0x21, 0x00, 0x04, 0x40, 0x00, 0x40, 0x11, 0x26, 0xc6, 0x0a, 0x00,
    0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x9c, 0x40, 0x00, 0x09, 0x00, 0x0d, 0x0b, 0xb6,
};
/* UDP 10.0.0.1:5000 > 10.0.0.2:53, a DNS query for example.com (29 bytes). */
static const uint8_t FRAME_UDP_DNS[71] = {
    0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x39, 0x00, 0x05, 0x40, 0x00, 0x40, 0x11, 0x26, 0xad, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02, 0x13, 0x88, 0x00, 0x35, 0x00, 0x25, 0xf6, 0x42, 0x12, 0x34, 0x01,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70,
    0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
};
/* TCP SYN 10.0.0.1:49152 > 10.0.0.2:80, seq 1000, MSS option. */
static const uint8_t FRAME_TCP_SYN[60] = {
    0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x2c, 0x00, 0x06, 0x40, 0x00, 0x40, 0x06, 0x26, 0xc4, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02, 0xc0, 0x00, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00,
    0x00, 0x60, 0x02, 0xff, 0xff, 0xbf, 0xeb, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x00, 0x00,
};
/* TCP SYN+ACK 10.0.0.2:80 > 10.0.0.1:49152, seq 5000 ack 1001. */
static const uint8_t FRAME_TCP_SYNACK[60] = {
    0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x2c, 0x00, 0x07, 0x40, 0x00, 0x40, 0x06, 0x26, 0xc3, 0x0a, 0x00, 0x00, 0x02,
    0x0a, 0x00, 0x00, 0x01, 0x00, 0x50, 0xc0, 0x00, 0x00, 0x00, 0x13, 0x88, 0x00, 0x00, 0x03,
    0xe9, 0x60, 0x12, 0xff, 0xff, 0xac, 0x52, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x00, 0x00,
};

/* Every frame is described from an exact-size heap copy, so the sanitizer
 * catches a read even one byte past the end. */
static char *describe_len(const uint8_t *frame, size_t len) {
    static char text[256];
    uint8_t *copy = len ? malloc(len) : NULL;
    if (len)
        memcpy(copy, frame, len);
    memset(text, 0x7f, sizeof text);
    char *r = frame_describe(copy, len, text, sizeof text);
    assert_ptr_equal(r, text);
    assert_true(strlen(text) < sizeof text);
    free(copy);
    return text;
}
#define DESCRIBE(frame) describe_len((frame), sizeof(frame))

static void decode_len(const uint8_t *frame, size_t len, frame_info *info) {
    uint8_t *copy = len ? malloc(len) : NULL;
    if (len)
        memcpy(copy, frame, len);
    memset(info, 0xaa, sizeof *info);
    frame_decode(copy, len, info);
    free(copy);
}

/* Recomputes the IPv4 header checksum (ihl 5) of a frame in place. */
static void fix_ip_checksum(uint8_t *frame) {
    uint8_t *ip = frame + 14;
    ip[10] = ip[11] = 0;
    uint16_t c = checksum_compute(ip, 20);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
}

/* Rewrites the ICMP header of a frame (IPv4 ihl 5) and its checksum. */
static void set_icmp(uint8_t *frame, size_t icmp_len, uint8_t type, uint8_t code, uint16_t id,
                     uint16_t seq) {
    icmp_header h = {.type = type, .code = code, .id = id, .seq = seq};
    icmp_emit(&h, frame + 34, icmp_len);
}

static void test_describe_arp(void **state) {
    (void)state;
    assert_string_equal(DESCRIBE(FRAME_ARP_REQUEST), "ARP who-has 10.0.0.2 tell 10.0.0.1");
    assert_string_equal(DESCRIBE(FRAME_ARP_REPLY), "ARP reply 10.0.0.2 is-at 02:00:00:00:02:01");
    /* Without the Ethernet padding. */
    assert_string_equal(describe_len(FRAME_ARP_REQUEST, 42), "ARP who-has 10.0.0.2 tell 10.0.0.1");
}

static void test_describe_echo(void **state) {
    (void)state;
    assert_string_equal(DESCRIBE(FRAME_ICMP_ECHO_REQUEST),
                        "ICMP echo request 10.0.0.1 > 10.0.0.2 id=0x1c2b seq=1 ttl=64");
    assert_string_equal(DESCRIBE(FRAME_ICMP_ECHO_REPLY),
                        "ICMP echo reply 10.0.0.2 > 10.0.0.1 id=0x1c2b seq=1 ttl=64");
    /* Without padding, the datagram ends exactly at the frame's end. */
    assert_string_equal(describe_len(FRAME_ICMP_ECHO_REQUEST, 50),
                        "ICMP echo request 10.0.0.1 > 10.0.0.2 id=0x1c2b seq=1 ttl=64");
    /* ids are four hex digits, sequence numbers decimal. */
    uint8_t f[60];
    memcpy(f, FRAME_ICMP_ECHO_REQUEST, sizeof f);
    set_icmp(f, 16, 8, 0, 0x0007, 65535);
    assert_string_equal(DESCRIBE(f),
                        "ICMP echo request 10.0.0.1 > 10.0.0.2 id=0x0007 seq=65535 ttl=64");
}

static void test_describe_icmp_errors(void **state) {
    (void)state;
    assert_string_equal(DESCRIBE(FRAME_ICMP_TIME_EXCEEDED),
                        "ICMP time exceeded (TTL) 10.0.0.254 > 10.0.0.1 ttl=64");
    assert_string_equal(DESCRIBE(FRAME_ICMP_PORT_UNREACHABLE),
                        "ICMP destination unreachable (port) 10.0.0.2 > 10.0.0.1 ttl=64"
                        " for UDP 10.0.0.1:40000 > 10.0.0.2:9");

    uint8_t f[70];
    memcpy(f, FRAME_ICMP_PORT_UNREACHABLE, sizeof f);
    set_icmp(f, 36, 3, 4, 0, 1400);
    assert_string_equal(DESCRIBE(f), "ICMP destination unreachable (fragmentation needed) "
                                     "10.0.0.2 > 10.0.0.1 ttl=64 mtu=1400"
                                     " for UDP 10.0.0.1:40000 > 10.0.0.2:9");
    /* A firewall's reply to a blocked ping quotes the echo request. */
    memcpy(f, FRAME_ICMP_TIME_EXCEEDED, sizeof f);
    set_icmp(f, 36, 3, 13, 0, 0);
    assert_string_equal(DESCRIBE(f), "ICMP destination unreachable (administratively prohibited) "
                                     "10.0.0.254 > 10.0.0.1 ttl=64"
                                     " for ICMP echo request 10.0.0.1 > 10.0.1.3 id=0x1c2b seq=3");
    /* A quote of something else names its protocol number. */
    f[34 + 8 + 9] = 47;
    set_icmp(f, 36, 3, 2, 0, 0);
    assert_string_equal(DESCRIBE(f), "ICMP destination unreachable (protocol) "
                                     "10.0.0.254 > 10.0.0.1 ttl=64"
                                     " for proto 47 10.0.0.1 > 10.0.1.3");
    /* A quote whose header runs past the message adds nothing. */
    f[34 + 8] = 0x4f;
    set_icmp(f, 36, 3, 1, 0, 0);
    assert_string_equal(DESCRIBE(f),
                        "ICMP destination unreachable (host) 10.0.0.254 > 10.0.0.1 ttl=64");
    /* Nor does one that is not an IPv4 header. */
    f[34 + 8] = 0x65;
    set_icmp(f, 36, 3, 1, 0, 0);
    assert_string_equal(DESCRIBE(f),
                        "ICMP destination unreachable (host) 10.0.0.254 > 10.0.0.1 ttl=64");
    /* Unknown types are shown by number. */
    set_icmp(f, 36, 42, 7, 0, 0);
    assert_string_equal(DESCRIBE(f), "ICMP type 42 code 7 10.0.0.254 > 10.0.0.1 ttl=64");
    /* A quote of only the IP header cannot name the ports. */
    memcpy(f, FRAME_ICMP_PORT_UNREACHABLE, sizeof f);
    f[14 + 3] = 20 + 8 + 20;
    fix_ip_checksum(f);
    set_icmp(f, 28, 3, 3, 0, 0);
    assert_string_equal(describe_len(f, 62), "ICMP destination unreachable (port) "
                                             "10.0.0.2 > 10.0.0.1 ttl=64"
                                             " for proto 17 10.0.0.1 > 10.0.0.2");
}

/* Rewrites the UDP destination port of a frame (IPv4 ihl 5) and its checksum. */
static void set_udp_dst_port(uint8_t *frame, uint16_t port) {
    uint8_t *udp = frame + 34;
    size_t len = (size_t)(udp[4] << 8 | udp[5]);
    udp[2] = (uint8_t)(port >> 8);
    udp[3] = (uint8_t)port;
    udp[6] = udp[7] = 0;
    uint8_t pseudo[12] = {0};
    memcpy(pseudo, frame + 14 + 12, 8);
    pseudo[9] = 17;
    pseudo[10] = udp[4];
    pseudo[11] = udp[5];
    uint8_t both[12 + 64];
    assert_true(len <= 64);
    memcpy(both, pseudo, 12);
    memcpy(both + 12, udp, len);
    uint16_t c = checksum_compute(both, 12 + len);
    if (c == 0)
        c = 0xffff;
    udp[6] = (uint8_t)(c >> 8);
    udp[7] = (uint8_t)c;
}

static void test_describe_udp_tcp(void **state) {
    (void)state;
    /* Port 53 is summarised as DNS (test_wire_dns.c has the details); the
     * same datagram to another port is plain UDP. */
    assert_string_equal(DESCRIBE(FRAME_UDP_DNS), "DNS query A example.com id=0x1234");
    uint8_t f[71];
    memcpy(f, FRAME_UDP_DNS, sizeof f);
    set_udp_dst_port(f, 9);
    assert_string_equal(DESCRIBE(f), "UDP 10.0.0.1:5000 > 10.0.0.2:9 len=29 ttl=64");
    assert_string_equal(DESCRIBE(FRAME_TCP_SYN),
                        "TCP 10.0.0.1:49152 > 10.0.0.2:80 [S] seq=1000 win=65535 len=0 ttl=64 "
                        "options [mss 1460]");
    assert_string_equal(
        DESCRIBE(FRAME_TCP_SYNACK),
        "TCP 10.0.0.2:80 > 10.0.0.1:49152 [S.] seq=5000 ack=1001 win=65535 len=0 ttl=64 "
        "options [mss 1460]");
}

static void test_describe_tcp_flags(void **state) {
    (void)state;
    static const struct {
        uint8_t flags;
        const char *text;
    } cases[] = {
        {0x19, "[FP.]"}, {0x04, "[R]"}, {0x14, "[R.]"}, {0x00, "[none]"}, {0xff, "[FSRP.UEW]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t f[60];
        memcpy(f, FRAME_TCP_SYN, sizeof f);
        f[34 + 13] = cases[i].flags;
        const char *text = DESCRIBE(f);
        if (!strstr(text, cases[i].text))
            fail_msg("flags 0x%02x: \"%s\" lacks %s", cases[i].flags, text, cases[i].text);
    }
    uint8_t f[60];
    memcpy(f, FRAME_TCP_SYN, sizeof f);
    f[34 + 13] = 0x18;
    assert_string_equal(DESCRIBE(f), "TCP 10.0.0.1:49152 > 10.0.0.2:80 [P.] seq=1000 ack=0 "
                                     "win=65535 len=0 ttl=64 options [mss 1460]");
}

static void test_describe_other_ip(void **state) {
    (void)state;
    uint8_t f[60];
    memcpy(f, FRAME_ICMP_ECHO_REQUEST, sizeof f);
    f[14 + 9] = 47; /* GRE */
    fix_ip_checksum(f);
    assert_string_equal(DESCRIBE(f), "IPv4 proto 47 10.0.0.1 > 10.0.0.2 ttl=64");

    memcpy(f, FRAME_ICMP_ECHO_REQUEST, sizeof f);
    f[14 + 6] = 0x60; /* DF and MF: a first fragment */
    fix_ip_checksum(f);
    assert_string_equal(DESCRIBE(f),
                        "IPv4 fragment proto 1 10.0.0.1 > 10.0.0.2 id=0x0001 off=0 mf ttl=64");
    f[14 + 6] = 0x00;
    f[14 + 7] = 185;
    fix_ip_checksum(f);
    assert_string_equal(DESCRIBE(f),
                        "IPv4 fragment proto 1 10.0.0.1 > 10.0.0.2 id=0x0001 off=1480 ttl=64");
}

static void test_describe_damaged_ip(void **state) {
    (void)state;
    uint8_t f[60];
    memcpy(f, FRAME_ICMP_ECHO_REQUEST, sizeof f);
    f[14 + 11] ^= 0x01;
    assert_string_equal(DESCRIBE(f), "IPv4 (bad checksum)");

    memcpy(f, FRAME_ICMP_ECHO_REQUEST, sizeof f);
    f[14] = 0x65; /* version 6 */
    fix_ip_checksum(f);
    assert_string_equal(DESCRIBE(f), "IPv4 (malformed)");

    memcpy(f, FRAME_ICMP_ECHO_REQUEST, sizeof f);
    f[14 + 3] = 47; /* total_len 47 > the 46 bytes after the Ethernet header */
    fix_ip_checksum(f);
    assert_string_equal(DESCRIBE(f), "IPv4 (truncated)");
}

static void test_describe_damaged_transport(void **state) {
    (void)state;
    uint8_t f[71];
    memcpy(f, FRAME_ICMP_ECHO_REQUEST, 60);
    f[34 + 15] ^= 0x01; /* ICMP data */
    assert_string_equal(describe_len(f, 60), "ICMP (bad checksum) 10.0.0.1 > 10.0.0.2 ttl=64");

    memcpy(f, FRAME_ICMP_ECHO_REQUEST, 60);
    f[14 + 3] = 24; /* 4 bytes of ICMP */
    fix_ip_checksum(f);
    assert_string_equal(describe_len(f, 60), "ICMP (truncated) 10.0.0.1 > 10.0.0.2 ttl=64");

    memcpy(f, FRAME_UDP_DNS, 71);
    f[34 + 5] = 0xff; /* UDP length 255 */
    assert_string_equal(describe_len(f, 71), "UDP (truncated) 10.0.0.1 > 10.0.0.2 ttl=64");
    f[34 + 5] = 4; /* shorter than its own header */
    assert_string_equal(describe_len(f, 71), "UDP (malformed) 10.0.0.1 > 10.0.0.2 ttl=64");

    memcpy(f, FRAME_TCP_SYN, 60);
    f[34 + 12] = 0x40; /* data offset 4 words */
    assert_string_equal(describe_len(f, 60), "TCP (malformed) 10.0.0.1 > 10.0.0.2 ttl=64");
    f[34 + 12] = 0xf0; /* 60 bytes of header, 24 present */
    assert_string_equal(describe_len(f, 60), "TCP (truncated) 10.0.0.1 > 10.0.0.2 ttl=64");
    memcpy(f, FRAME_TCP_SYN, 60);
    f[14 + 3] = 36; /* 16 bytes of TCP */
    fix_ip_checksum(f);
    assert_string_equal(describe_len(f, 60), "TCP (truncated) 10.0.0.1 > 10.0.0.2 ttl=64");
}

static void test_describe_damaged_link(void **state) {
    (void)state;
    assert_string_equal(describe_len(NULL, 0), "Ethernet (truncated)");
    assert_string_equal(describe_len(FRAME_ARP_REQUEST, 13), "Ethernet (truncated)");
    assert_string_equal(describe_len(FRAME_ARP_REQUEST, 14), "ARP (truncated)");
    assert_string_equal(describe_len(FRAME_ARP_REQUEST, 41), "ARP (truncated)");

    uint8_t f[60];
    memcpy(f, FRAME_ARP_REQUEST, sizeof f);
    f[15] = 6; /* htype IEEE 802 */
    assert_string_equal(DESCRIBE(f), "ARP (unsupported)");
    memcpy(f, FRAME_ARP_REQUEST, sizeof f);
    f[21] = 9; /* op 9 */
    assert_string_equal(DESCRIBE(f), "ARP (malformed)");

    memcpy(f, FRAME_ARP_REQUEST, sizeof f);
    f[12] = 0x86;
    f[13] = 0xdd;
    assert_string_equal(DESCRIBE(f), "Ethernet type 0x86dd");
    f[12] = 0x00;
    f[13] = 0x2e;
    assert_string_equal(DESCRIBE(f), "Ethernet 802.3 length 46");
}

/* Every prefix of an echo request frame: which layer runs out first. */
static void test_describe_every_length(void **state) {
    (void)state;
    for (size_t len = 0; len <= sizeof FRAME_ICMP_ECHO_REQUEST; len++) {
        const char *expect = len < 14   ? "Ethernet (truncated)"
                             : len < 50 ? "IPv4 (truncated)"
                                        : "ICMP echo request 10.0.0.1 > 10.0.0.2 id=0x1c2b "
                                          "seq=1 ttl=64";
        const char *text = describe_len(FRAME_ICMP_ECHO_REQUEST, len);
        if (strcmp(text, expect) != 0)
            fail_msg("len %zu: \"%s\", expected \"%s\"", len, text, expect);
    }
}

static void test_describe_small_buffer(void **state) {
    (void)state;
    char out[16];
    memset(out, 'x', sizeof out);
    assert_ptr_equal(frame_describe(FRAME_ICMP_ECHO_REQUEST, 60, out, 10), out);
    assert_string_equal(out, "ICMP echo");
    assert_int_equal(out[10], 'x');
    memset(out, 'x', sizeof out);
    frame_describe(FRAME_ICMP_PORT_UNREACHABLE, 70, out, 16);
    assert_string_equal(out, "ICMP destinatio");
    memset(out, 'x', sizeof out);
    frame_describe(FRAME_ARP_REQUEST, 60, out, 1);
    assert_string_equal(out, "");
    assert_int_equal(out[1], 'x');
    memset(out, 'x', sizeof out);
    frame_describe(FRAME_ARP_REQUEST, 60, out, 0);
    assert_int_equal(out[0], 'x');
}

static void test_decode_echo(void **state) {
    (void)state;
    frame_info fi;
    decode_len(FRAME_ICMP_ECHO_REQUEST, 60, &fi);
    const uint8_t a[6] = {0x02, 0, 0, 0, 0x01, 0x01}, b[6] = {0x02, 0, 0, 0, 0x02, 0x01};
    assert_memory_equal(fi.eth_src.b, a, 6);
    assert_memory_equal(fi.eth_dst.b, b, 6);
    assert_int_equal(fi.ethertype, 0x0800);
    assert_string_equal(fi.proto, "icmp");
    assert_int_equal(fi.has_ip, 1);
    assert_int_equal(fi.ip_src, 0x0a000001u);
    assert_int_equal(fi.ip_dst, 0x0a000002u);
    assert_int_equal(fi.ttl, 64);
    assert_int_equal(fi.ip_id, 1);
    assert_int_equal(fi.ip_protocol, 1);
    assert_int_equal(fi.has_icmp, 1);
    assert_int_equal(fi.icmp_type, 8);
    assert_int_equal(fi.icmp_code, 0);
    assert_int_equal(fi.icmp_id, 0x1c2b);
    assert_int_equal(fi.icmp_seq, 1);
    assert_int_equal(fi.has_arp, 0);
    assert_int_equal(fi.arp_op, 0);
    assert_int_equal(fi.arp_sender_ip, 0);
    assert_memory_equal(fi.arp_sender_mac.b, MAC_ZERO.b, 6);

    decode_len(FRAME_ICMP_ECHO_REPLY, 60, &fi);
    assert_int_equal(fi.icmp_type, 0);
    assert_int_equal(fi.ip_id, 0x1234);
    assert_int_equal(fi.icmp_seq, 1);
}

static void test_decode_icmp_error(void **state) {
    (void)state;
    frame_info fi;
    decode_len(FRAME_ICMP_TIME_EXCEEDED, 70, &fi);
    assert_string_equal(fi.proto, "icmp");
    assert_int_equal(fi.ip_src, 0x0a0000feu);
    assert_int_equal(fi.ip_dst, 0x0a000001u);
    assert_int_equal(fi.ip_id, 0x0100);
    assert_int_equal(fi.has_icmp, 1);
    assert_int_equal(fi.icmp_type, 11);
    assert_int_equal(fi.icmp_code, 0);
    /* The quoted probe's id and seq are not the message's own. */
    assert_int_equal(fi.icmp_id, 0);
    assert_int_equal(fi.icmp_seq, 0);
}

static void test_decode_arp(void **state) {
    (void)state;
    frame_info fi;
    decode_len(FRAME_ARP_REPLY, 60, &fi);
    assert_string_equal(fi.proto, "arp");
    assert_int_equal(fi.ethertype, 0x0806);
    assert_int_equal(fi.has_arp, 1);
    assert_int_equal(fi.arp_op, 2);
    assert_int_equal(fi.arp_sender_ip, 0x0a000002u);
    assert_int_equal(fi.arp_target_ip, 0x0a000001u);
    const uint8_t a[6] = {0x02, 0, 0, 0, 0x01, 0x01}, b[6] = {0x02, 0, 0, 0, 0x02, 0x01};
    assert_memory_equal(fi.arp_sender_mac.b, b, 6);
    assert_memory_equal(fi.arp_target_mac.b, a, 6);
    assert_int_equal(fi.has_ip, 0);
    assert_int_equal(fi.has_icmp, 0);
    assert_int_equal(fi.ip_src, 0);
}

static void test_decode_transport_and_damage(void **state) {
    (void)state;
    frame_info fi;
    decode_len(FRAME_UDP_DNS, 71, &fi);
    assert_string_equal(fi.proto, "udp");
    assert_int_equal(fi.has_ip, 1);
    assert_int_equal(fi.ip_protocol, 17);
    assert_int_equal(fi.ip_id, 5);
    assert_int_equal(fi.has_icmp, 0);
    decode_len(FRAME_TCP_SYNACK, 60, &fi);
    assert_string_equal(fi.proto, "tcp");
    assert_int_equal(fi.ip_src, 0x0a000002u);

    /* A bad IP checksum: the EtherType is known, nothing above it. */
    uint8_t f[60];
    memcpy(f, FRAME_ICMP_ECHO_REQUEST, sizeof f);
    f[14 + 11] ^= 0x01;
    decode_len(f, sizeof f, &fi);
    assert_string_equal(fi.proto, "ipv4");
    assert_int_equal(fi.ethertype, 0x0800);
    assert_int_equal(fi.has_ip, 0);
    assert_int_equal(fi.ip_src, 0);
    assert_int_equal(fi.ttl, 0);

    /* A bad ICMP checksum: IP is known, ICMP is not. */
    memcpy(f, FRAME_ICMP_ECHO_REQUEST, sizeof f);
    f[34 + 9] ^= 0x01;
    decode_len(f, sizeof f, &fi);
    assert_string_equal(fi.proto, "icmp");
    assert_int_equal(fi.has_ip, 1);
    assert_int_equal(fi.has_icmp, 0);
    assert_int_equal(fi.icmp_type, 0);
    assert_int_equal(fi.icmp_id, 0);

    /* An ARP with a bad op. */
    memcpy(f, FRAME_ARP_REQUEST, sizeof f);
    f[21] = 7;
    decode_len(f, sizeof f, &fi);
    assert_string_equal(fi.proto, "arp");
    assert_int_equal(fi.has_arp, 0);
    assert_int_equal(fi.arp_op, 0);

    /* Too short for Ethernet: everything zero. */
    decode_len(FRAME_ARP_REQUEST, 10, &fi);
    assert_string_equal(fi.proto, "ethernet");
    assert_int_equal(fi.ethertype, 0);
    assert_memory_equal(fi.eth_src.b, MAC_ZERO.b, 6);
    decode_len(NULL, 0, &fi);
    assert_string_equal(fi.proto, "ethernet");

    /* Unknown EtherType: addresses and type only. */
    memcpy(f, FRAME_ARP_REQUEST, sizeof f);
    f[12] = 0x86;
    f[13] = 0xdd;
    decode_len(f, sizeof f, &fi);
    assert_string_equal(fi.proto, "ethernet");
    assert_int_equal(fi.ethertype, 0x86dd);
    assert_memory_equal(fi.eth_dst.b, MAC_BROADCAST.b, 6);
    assert_int_equal(fi.has_arp, 0);
}

/* Ports for UDP and TCP, and the TCP header fields, only when the header is
 * whole and not a fragment. */
static void test_decode_ports_and_tcp(void **state) {
    (void)state;
    frame_info fi;
    decode_len(FRAME_UDP_DNS, sizeof FRAME_UDP_DNS, &fi);
    assert_int_equal(fi.has_ports, 1);
    assert_int_equal(fi.src_port, 5000);
    assert_int_equal(fi.dst_port, 53);
    assert_int_equal(fi.has_tcp, 0);
    assert_int_equal(fi.tcp_seq, 0);

    decode_len(FRAME_TCP_SYNACK, sizeof FRAME_TCP_SYNACK, &fi);
    assert_int_equal(fi.has_ports, 1);
    assert_int_equal(fi.src_port, 80);
    assert_int_equal(fi.dst_port, 49152);
    assert_int_equal(fi.has_tcp, 1);
    assert_int_equal(fi.tcp_flags, 0x12);
    assert_int_equal(fi.tcp_seq, 5000);
    assert_int_equal(fi.tcp_ack, 1001);
    assert_int_equal(fi.tcp_window, 65535);
    assert_int_equal(fi.tcp_payload_len, 0);

    /* Three data bytes after a 24-byte header. */
    uint8_t f[63];
    memcpy(f, FRAME_TCP_SYN, 60);
    memcpy(f + 60, "abc", 3);
    f[14 + 3] = 20 + 24 + 3;
    fix_ip_checksum(f);
    f[34 + 13] = 0x18;
    decode_len(f, sizeof f, &fi);
    assert_int_equal(fi.has_tcp, 1);
    assert_int_equal(fi.tcp_flags, 0x18);
    assert_int_equal(fi.tcp_seq, 1000);
    assert_int_equal(fi.tcp_payload_len, 3);
    assert_string_equal(DESCRIBE(f), "TCP 10.0.0.1:49152 > 10.0.0.2:80 [P.] seq=1000 ack=0 "
                                     "win=65535 len=3 ttl=64 options [mss 1460]");

    /* A TCP header cut short, a bad data offset, a bad UDP length, and a
     * fragment: the IP layer is known, the ports are not. */
    static const struct {
        const uint8_t *frame;
        size_t off, len;
        uint8_t value;
    } damage[] = {
        {FRAME_TCP_SYN, 14 + 3, 60, 36},    /* 16 bytes of TCP */
        {FRAME_TCP_SYN, 34 + 12, 60, 0x40}, /* data offset 16 */
        {FRAME_TCP_SYN, 34 + 12, 60, 0xf0}, /* data offset 60 */
        {FRAME_UDP_DNS, 34 + 5, 71, 0xff},  /* UDP length 255 */
        {FRAME_UDP_DNS, 34 + 5, 71, 4},     /* UDP length 4 */
        {FRAME_UDP_DNS, 14 + 6, 71, 0x20},  /* more fragments */
    };
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        uint8_t g[71];
        memcpy(g, damage[i].frame, damage[i].len);
        g[damage[i].off] = damage[i].value;
        fix_ip_checksum(g);
        decode_len(g, damage[i].len, &fi);
        assert_int_equal(fi.has_ip, 1);
        if (fi.has_ports || fi.has_tcp || fi.src_port || fi.dst_port || fi.tcp_seq)
            fail_msg("damage %zu: ports decoded", i);
    }
}

/* A fixed linear congruential generator, so the damage is the same every run. */
static uint32_t lcg_next(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static int has_known_prefix(const char *text) {
    static const char *const prefixes[] = {"ARP ", "IPv4 ", "ICMP ",  "UDP ",     "TCP ",
                                           "DNS ", "DHCP ", "BOOTP ", "Ethernet "};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(text, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

/* Random damage to every sample frame (bytes changed, then cut short): each
 * result must be a summary of a known shape, never a crash or an overread
 * (the copies are exact-size heap blocks under the sanitizers). */
static void test_random_damage(void **state) {
    (void)state;
    static const struct {
        const uint8_t *bytes;
        size_t len;
    } samples[] = {
        {FRAME_ARP_REQUEST, sizeof FRAME_ARP_REQUEST},
        {FRAME_ARP_REPLY, sizeof FRAME_ARP_REPLY},
        {FRAME_ICMP_ECHO_REQUEST, sizeof FRAME_ICMP_ECHO_REQUEST},
        {FRAME_ICMP_ECHO_REPLY, sizeof FRAME_ICMP_ECHO_REPLY},
        {FRAME_ICMP_TIME_EXCEEDED, sizeof FRAME_ICMP_TIME_EXCEEDED},
        {FRAME_ICMP_PORT_UNREACHABLE, sizeof FRAME_ICMP_PORT_UNREACHABLE},
        {FRAME_UDP_DNS, sizeof FRAME_UDP_DNS},
        {FRAME_TCP_SYN, sizeof FRAME_TCP_SYN},
        {FRAME_TCP_SYNACK, sizeof FRAME_TCP_SYNACK},
    };
    uint32_t seed = 2024;
    for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++) {
        for (int n = 0; n < 3000; n++) {
            uint8_t f[80];
            size_t len = samples[s].len;
            memcpy(f, samples[s].bytes, len);
            int changes = 1 + (int)(lcg_next(&seed) % 4);
            for (int c = 0; c < changes; c++)
                f[lcg_next(&seed) % len] = (uint8_t)lcg_next(&seed);
            if (lcg_next(&seed) % 2)
                fix_ip_checksum(f); /* get past the IP header more often */
            if (lcg_next(&seed) % 3 == 0)
                len = lcg_next(&seed) % (len + 1);
            const char *text = describe_len(f, len);
            if (!has_known_prefix(text))
                fail_msg("sample %zu case %d: \"%s\"", s, n, text);
            frame_info fi;
            decode_len(f, len, &fi);
            assert_non_null(fi.proto);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe_arp),
        cmocka_unit_test(test_describe_echo),
        cmocka_unit_test(test_describe_icmp_errors),
        cmocka_unit_test(test_describe_udp_tcp),
        cmocka_unit_test(test_describe_tcp_flags),
        cmocka_unit_test(test_describe_other_ip),
        cmocka_unit_test(test_describe_damaged_ip),
        cmocka_unit_test(test_describe_damaged_transport),
        cmocka_unit_test(test_describe_damaged_link),
        cmocka_unit_test(test_describe_every_length),
        cmocka_unit_test(test_describe_small_buffer),
        cmocka_unit_test(test_decode_echo),
        cmocka_unit_test(test_decode_icmp_error),
        cmocka_unit_test(test_decode_arp),
        cmocka_unit_test(test_decode_transport_and_damage),
        cmocka_unit_test(test_decode_ports_and_tcp),
        cmocka_unit_test(test_random_damage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
