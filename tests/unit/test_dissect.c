/*
 * Unit tests of wire/dissect: fixed frames taken apart, checking layer and
 * field names, offsets, lengths, values and meanings (checksums verified).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wire/dissect.h"

/* What the visitor saw, flattened: one row per layer or field. */
typedef struct seen_row {
    char layer[64];
    char name[64];
    size_t off, len;
    char value[128];
    char meaning[96];
    char bits[32];
} seen_row;

typedef struct seen {
    seen_row rows[128];
    size_t n_rows, n_layers;
    char layer[64];
} seen;

static void on_layer(void *ctx, const char *name, size_t off, size_t len) {
    seen *s = ctx;
    snprintf(s->layer, sizeof s->layer, "%s", name);
    seen_row *r = &s->rows[s->n_rows++];
    memset(r, 0, sizeof *r);
    snprintf(r->layer, sizeof r->layer, "%s", name);
    r->off = off, r->len = len;
    s->n_layers++;
}

static void on_field(void *ctx, const dissect_field *f) {
    seen *s = ctx;
    assert_true(s->n_rows < 128);
    seen_row *r = &s->rows[s->n_rows++];
    snprintf(r->layer, sizeof r->layer, "%s", s->layer);
    snprintf(r->name, sizeof r->name, "%s", f->name);
    r->off = f->off, r->len = f->len;
    snprintf(r->value, sizeof r->value, "%s", f->value);
    snprintf(r->meaning, sizeof r->meaning, "%s", f->meaning ? f->meaning : "");
    snprintf(r->bits, sizeof r->bits, "%s", f->bits ? f->bits : "");
}

static void dissect(seen *s, const uint8_t *frame, size_t len) {
    memset(s, 0, sizeof *s);
    dissect_frame(frame, len, &(dissect_visitor){.layer = on_layer, .field = on_field, .ctx = s});
}

/* The field `name` of layer `layer` (the first if several); fails if absent. */
static const seen_row *find(const seen *s, const char *layer, const char *name) {
    for (size_t i = 0; i < s->n_rows; i++)
        if (strcmp(s->rows[i].layer, layer) == 0 && strcmp(s->rows[i].name, name) == 0)
            return &s->rows[i];
    fail_msg("no field \"%s\" in layer \"%s\"", name, layer);
    return NULL;
}

/* The layer row `layer`; fails if absent. */
static const seen_row *find_layer(const seen *s, const char *layer) {
    for (size_t i = 0; i < s->n_rows; i++)
        if (s->rows[i].name[0] == '\0' && strcmp(s->rows[i].layer, layer) == 0)
            return &s->rows[i];
    fail_msg("no layer \"%s\"", layer);
    return NULL;
}

static void check(const seen *s, const char *layer, const char *name, size_t off, size_t len,
                  const char *value, const char *meaning) {
    const seen_row *r = find(s, layer, name);
    assert_int_equal(r->off, off);
    assert_int_equal(r->len, len);
    assert_string_equal(r->value, value);
    if (meaning)
        assert_string_equal(r->meaning, meaning);
}

#define ETH  "Ethernet II"
#define IP   "Internet Protocol Version 4"
#define ICMP "Internet Control Message Protocol"
#define TCP  "Transmission Control Protocol"
#define UDP  "User Datagram Protocol"
#define DNS  "Domain Name System"

/* netsim's own ARP request (the switch topology): who has 192.168.1.20? */
static const uint8_t ARP_REQUEST[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x01, 0x00, 0x01, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x01, 0x00, 0x01,
    0xc0, 0xa8, 0x01, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x14,
};

/* Echo Request 192.168.1.10 -> 192.168.1.20, id 0x1234 seq 1, 56 data bytes;
 * IP checksum 0x9af4, ICMP checksum 0x2cf6 (computed independently, in Python). */
static const uint8_t ICMP_ECHO[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x54, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x01, 0x9a, 0xf4, 0xc0, 0xa8,
    0x01, 0x0a, 0xc0, 0xa8, 0x01, 0x14, 0x08, 0x00, 0x2c, 0xf6, 0x12, 0x34, 0x00, 0x01,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
    0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,
    0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
    0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
};
/* A Linux-style SYN 192.168.1.10:43210 -> 192.168.1.20:80 with the options
 * MSS 1460, SACK permitted, timestamps (TSval 123456), NOP, window scale 7;
 * checksum 0xf9dd. */
static const uint8_t TCP_SYN[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x3c, 0x00, 0x02, 0x40, 0x00, 0x40, 0x06, 0xb7, 0x4b, 0xc0, 0xa8, 0x01, 0x0a,
    0xc0, 0xa8, 0x01, 0x14, 0xa8, 0xca, 0x00, 0x50, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00,
    0x00, 0xa0, 0x02, 0xfa, 0xf0, 0xf9, 0xdd, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
    0x08, 0x0a, 0x00, 0x01, 0xe2, 0x40, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};
/* A DNS query for www.example.com (type A) from port 40000, id 0xabcd;
 * UDP checksum 0xe98d. */
static const uint8_t DNS_QUERY[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x3d, 0x00, 0x03, 0x40, 0x00, 0x40, 0x11, 0xb7, 0x3e, 0xc0, 0xa8, 0x01, 0x0a,
    0xc0, 0xa8, 0x01, 0x14, 0x9c, 0x40, 0x00, 0x35, 0x00, 0x29, 0xe9, 0x8d, 0xab, 0xcd, 0x01,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x77, 0x77, 0x77, 0x07, 0x65,
    0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
};

static void test_arp_request(void **state) {
    (void)state;
    seen s;
    dissect(&s, ARP_REQUEST, sizeof ARP_REQUEST);
    assert_int_equal(s.n_layers, 2);
    check(&s, ETH, "Destination", 0, 6, "ff:ff:ff:ff:ff:ff", "broadcast");
    check(&s, ETH, "Source", 6, 6, "02:00:00:01:00:01", NULL);
    check(&s, ETH, "Type", 12, 2, "0x0806", "ARP");
    check(&s, ETH, "Padding", 42, 18, "18 bytes", NULL);
    const seen_row *arp = find_layer(&s, "Address Resolution Protocol");
    assert_int_equal(arp->off, 14);
    assert_int_equal(arp->len, 28);
    check(&s, "Address Resolution Protocol", "Opcode", 20, 2, "1", "request");
    check(&s, "Address Resolution Protocol", "Sender MAC address", 22, 6, "02:00:00:01:00:01",
          NULL);
    check(&s, "Address Resolution Protocol", "Sender IP address", 28, 4, "192.168.1.10", NULL);
    check(&s, "Address Resolution Protocol", "Target MAC address", 32, 6, "00:00:00:00:00:00",
          NULL);
    check(&s, "Address Resolution Protocol", "Target IP address", 38, 4, "192.168.1.20", NULL);
}

static void test_icmp_echo(void **state) {
    (void)state;
    seen s;
    dissect(&s, ICMP_ECHO, sizeof ICMP_ECHO);
    assert_int_equal(s.n_layers, 3);
    check(&s, IP, "Version", 14, 1, "4", NULL);
    assert_string_equal(find(&s, IP, "Version")->bits, "0100 ....");
    check(&s, IP, "Header Length", 14, 1, "20 bytes (5)", NULL);
    assert_string_equal(find(&s, IP, "Header Length")->bits, ".... 0101");
    check(&s, IP, "Total Length", 16, 2, "84", NULL);
    check(&s, IP, "Identification", 18, 2, "0x1c46 (7238)", NULL);
    check(&s, IP, "Flags", 20, 1, "0x2", "Don't fragment");
    assert_string_equal(find(&s, IP, "Flags")->bits, "010. ....");
    check(&s, IP, "Fragment Offset", 20, 2, "0", NULL);
    check(&s, IP, "Time to Live", 22, 1, "64", NULL);
    check(&s, IP, "Protocol", 23, 1, "1", "ICMP");
    check(&s, IP, "Header Checksum", 24, 2, "0x9af4", "correct");
    check(&s, IP, "Source Address", 26, 4, "192.168.1.10", NULL);
    check(&s, IP, "Destination Address", 30, 4, "192.168.1.20", NULL);
    check(&s, ICMP, "Type", 34, 1, "8", "Echo Request");
    check(&s, ICMP, "Code", 35, 1, "0", NULL);
    check(&s, ICMP, "Checksum", 36, 2, "0x2cf6", "correct");
    check(&s, ICMP, "Identifier", 38, 2, "0x1234 (4660)", NULL);
    check(&s, ICMP, "Sequence Number", 40, 2, "1", NULL);
    check(&s, ICMP, "Data", 42, 56, "56 bytes", NULL);
}

/* A router's TTL decrement without the checksum update: both are reported wrong. */
static void test_bad_checksums(void **state) {
    (void)state;
    uint8_t frame[sizeof ICMP_ECHO];
    memcpy(frame, ICMP_ECHO, sizeof frame);
    frame[22] = 63;    /* TTL, checksum left as it was */
    frame[36] ^= 0xff; /* ICMP checksum broken */
    seen s;
    dissect(&s, frame, sizeof frame);
    check(&s, IP, "Header Checksum", 24, 2, "0x9af4", "incorrect, should be 0x9bf4");
    check(&s, ICMP, "Checksum", 36, 2, "0xd3f6", "incorrect, should be 0x2cf6");
}

static void test_tcp_syn_options(void **state) {
    (void)state;
    seen s;
    dissect(&s, TCP_SYN, sizeof TCP_SYN);
    assert_int_equal(s.n_layers, 3);
    const seen_row *tcp = find_layer(&s, TCP);
    assert_int_equal(tcp->off, 34);
    assert_int_equal(tcp->len, 40);
    check(&s, TCP, "Source Port", 34, 2, "43210", NULL);
    check(&s, TCP, "Destination Port", 36, 2, "80", "HTTP");
    check(&s, TCP, "Sequence Number", 38, 4, "287454020", NULL);
    check(&s, TCP, "Acknowledgment Number", 42, 4, "0", "not used (no ACK)");
    check(&s, TCP, "Header Length", 46, 1, "40 bytes (10)", NULL);
    check(&s, TCP, "Flags", 46, 2, "0x002", "SYN");
    check(&s, TCP, "Window", 48, 2, "64240", NULL);
    check(&s, TCP, "Checksum", 50, 2, "0xf9dd", "correct");
    check(&s, TCP, "Urgent Pointer", 52, 2, "0", NULL);
    check(&s, TCP, "Option: Maximum segment size", 54, 4, "1460 bytes", NULL);
    check(&s, TCP, "Option: SACK permitted", 58, 2, "yes", NULL);
    check(&s, TCP, "Option: Timestamps", 60, 10, "TSval 123456, TSecr 0", NULL);
    check(&s, TCP, "Option: No-Operation (NOP)", 70, 1, "1", NULL);
    check(&s, TCP, "Option: Window scale", 71, 3, "7", "multiply by 128");
}

static void test_tcp_flags_spelled_out(void **state) {
    (void)state;
    uint8_t frame[sizeof TCP_SYN];
    memcpy(frame, TCP_SYN, sizeof frame);
    frame[47] = 0x12; /* SYN, ACK (the checksum no longer matches) */
    seen s;
    dissect(&s, frame, sizeof frame);
    check(&s, TCP, "Flags", 46, 2, "0x012", "SYN, ACK");
    assert_non_null(strstr(find(&s, TCP, "Checksum")->meaning, "incorrect, should be 0x"));
}

static void test_udp_dns_query(void **state) {
    (void)state;
    seen s;
    dissect(&s, DNS_QUERY, sizeof DNS_QUERY);
    assert_int_equal(s.n_layers, 4);
    check(&s, UDP, "Source Port", 34, 2, "40000", NULL);
    check(&s, UDP, "Destination Port", 36, 2, "53", "DNS");
    check(&s, UDP, "Length", 38, 2, "41", NULL);
    check(&s, UDP, "Checksum", 40, 2, "0xe98d", "correct");
    const seen_row *dns = find_layer(&s, DNS);
    assert_int_equal(dns->off, 42);
    assert_int_equal(dns->len, 33);
    check(&s, DNS, "Transaction ID", 42, 2, "0xabcd", NULL);
    check(&s, DNS, "Flags", 44, 2, "0x0100", "Standard query, recursion desired");
    check(&s, DNS, "Questions", 46, 2, "1", NULL);
    check(&s, DNS, "Answer RRs", 48, 2, "0", NULL);
    check(&s, DNS, "Query", 54, 21, "www.example.com: type A, class IN", NULL);
}

/* Short input never reads past the end: every layer says where it stops. */
static void test_truncated(void **state) {
    (void)state;
    seen s;
    for (size_t len = 0; len < sizeof TCP_SYN; len++) {
        dissect(&s, TCP_SYN, len);
        for (size_t i = 0; i < s.n_rows; i++)
            assert_true(s.rows[i].off + s.rows[i].len <= len || s.rows[i].name[0] == '\0');
    }
    dissect(&s, TCP_SYN, 40);
    check(&s, TCP, "Truncated", 34, 6, "6 bytes", NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arp_request),
        cmocka_unit_test(test_icmp_echo),
        cmocka_unit_test(test_bad_checksums),
        cmocka_unit_test(test_tcp_syn_options),
        cmocka_unit_test(test_tcp_flags_spelled_out),
        cmocka_unit_test(test_udp_dns_query),
        cmocka_unit_test(test_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
