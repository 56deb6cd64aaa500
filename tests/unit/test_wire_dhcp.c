/*
 * Unit tests of wire/dhcp (RFC 2131 section 2, RFC 2132) against four fixed
 * messages of one lease: Discover, Offer, Request, ACK between client
 * 02:00:00:00:01:01 and server 10.0.0.1 (offered 10.0.0.10/24, router
 * 10.0.0.1, DNS 10.0.0.2 and 10.0.0.3, lease 3600 s, xid 0x3903f326,
 * broadcast flag set). Each is 300 bytes: the fixed part (options start at
 * offset 240, the start of the 17th row below), the cookie 63 82 53 63, the
 * options, End, and zero padding. They were written from the RFC layout with
 * Python, wrapped in UDP/IPv4/Ethernet with correct checksums and decoded by
 * `tshark -V` (IP and UDP checksum validation on) as DHCP Discover, Offer,
 * Request and ACK, with no malformed or expert warnings; the UDP checksums
 * tshark verified are checked below against the frames built here.
 *
 * Both directions are tested (emit == bytes, parse == struct), then every
 * truncation, every malformed option list the parser names, and the
 * one-line summaries of frame_describe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/describe.h"
#include "wire/dhcp.h"
#include "wire/ethernet.h"
#include "wire/ipv4.h"
#include "wire/udp.h"
#include "wire/wire.h"

static const uint8_t DISCOVER[DHCP_BOOTP_LEN] = {
    0x01, 0x01, 0x06, 0x00, 0x39, 0x03, 0xf3, 0x26, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
    0x35, 0x01, 0x01, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t OFFER[DHCP_BOOTP_LEN] = {
    0x02, 0x01, 0x06, 0x00, 0x39, 0x03, 0xf3, 0x26, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0a, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
    0x35, 0x01, 0x02, 0x36, 0x04, 0x0a, 0x00, 0x00, 0x01, 0x33, 0x04, 0x00, 0x00, 0x0e, 0x10, 0x01,
    0x04, 0xff, 0xff, 0xff, 0x00, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x01, 0x06, 0x08, 0x0a, 0x00, 0x00,
    0x02, 0x0a, 0x00, 0x00, 0x03, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t REQUEST[DHCP_BOOTP_LEN] = {
    0x01, 0x01, 0x06, 0x00, 0x39, 0x03, 0xf3, 0x26, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
    0x35, 0x01, 0x03, 0x36, 0x04, 0x0a, 0x00, 0x00, 0x01, 0x32, 0x04, 0x0a, 0x00, 0x00, 0x0a, 0xff,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t ACK[DHCP_BOOTP_LEN] = {
    0x02, 0x01, 0x06, 0x00, 0x39, 0x03, 0xf3, 0x26, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0a, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
    0x35, 0x01, 0x05, 0x36, 0x04, 0x0a, 0x00, 0x00, 0x01, 0x33, 0x04, 0x00, 0x00, 0x0e, 0x10, 0x01,
    0x04, 0xff, 0xff, 0xff, 0x00, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x01, 0x06, 0x08, 0x0a, 0x00, 0x00,
    0x02, 0x0a, 0x00, 0x00, 0x03, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const mac_addr CLIENT_MAC = {{0x02, 0x00, 0x00, 0x00, 0x01, 0x01}};
static const mac_addr SERVER_MAC = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
#define XID        0x3903f326u
#define SERVER_IP  0x0a000001u /* 10.0.0.1 */
#define OFFERED_IP 0x0a00000au /* 10.0.0.10 */
#define BROADCAST  0xffffffffu

static dhcp_message base(uint8_t op, uint8_t type) {
    dhcp_message m;
    memset(&m, 0, sizeof m);
    m.op = op;
    m.xid = XID;
    m.broadcast = true;
    m.chaddr = CLIENT_MAC;
    m.message_type = type;
    return m;
}

static dhcp_message msg_discover(void) {
    return base(BOOTP_OP_REQUEST, DHCP_DISCOVER);
}

static dhcp_message msg_request(void) {
    dhcp_message m = base(BOOTP_OP_REQUEST, DHCP_REQUEST);
    m.server_id = SERVER_IP;
    m.requested_ip = OFFERED_IP;
    return m;
}

static dhcp_message lease_reply(uint8_t type) {
    dhcp_message m = base(BOOTP_OP_REPLY, type);
    m.yiaddr = OFFERED_IP;
    m.server_id = SERVER_IP;
    m.lease_time = 3600;
    m.subnet_mask = 0xffffff00u;
    m.router = SERVER_IP;
    m.dns_count = 2;
    m.dns_servers[0] = 0x0a000002u;
    m.dns_servers[1] = 0x0a000003u;
    return m;
}

static dhcp_message msg_offer(void) {
    return lease_reply(DHCP_OFFER);
}

static dhcp_message msg_ack(void) {
    return lease_reply(DHCP_ACK);
}

static const struct {
    const char *name;
    const uint8_t *bytes;
    size_t end; /* offset of the End option */
    dhcp_message (*make)(void);
} CASES[] = {
    {"Discover", DISCOVER, 243, msg_discover},
    {"Offer", OFFER, 277, msg_offer},
    {"Request", REQUEST, 255, msg_request},
    {"ACK", ACK, 277, msg_ack},
};
#define NCASES (sizeof CASES / sizeof CASES[0])

static void assert_dhcp_equal(const dhcp_message *a, const dhcp_message *b) {
    assert_int_equal(a->op, b->op);
    assert_int_equal(a->hops, b->hops);
    assert_int_equal(a->xid, b->xid);
    assert_int_equal(a->secs, b->secs);
    assert_int_equal(a->broadcast, b->broadcast);
    assert_int_equal(a->ciaddr, b->ciaddr);
    assert_int_equal(a->yiaddr, b->yiaddr);
    assert_int_equal(a->siaddr, b->siaddr);
    assert_int_equal(a->giaddr, b->giaddr);
    assert_memory_equal(a->chaddr.b, b->chaddr.b, 6);
    assert_int_equal(a->message_type, b->message_type);
    assert_int_equal(a->subnet_mask, b->subnet_mask);
    assert_int_equal(a->router, b->router);
    assert_int_equal(a->dns_count, b->dns_count);
    for (size_t i = 0; i < a->dns_count && i < DHCP_MAX_DNS_SERVERS; i++)
        assert_int_equal(a->dns_servers[i], b->dns_servers[i]);
    assert_int_equal(a->requested_ip, b->requested_ip);
    assert_int_equal(a->lease_time, b->lease_time);
    assert_int_equal(a->server_id, b->server_id);
}

/* Parses an exact-size heap copy, so the sanitizer catches a read even one
 * byte past the end. */
static int parse_copy(const uint8_t *bytes, size_t len, dhcp_message *out) {
    uint8_t *copy = malloc(len ? len : 1);
    if (len)
        memcpy(copy, bytes, len);
    int r = dhcp_parse(copy, len, out);
    free(copy);
    return r;
}

static void test_emit(void **state) {
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        dhcp_message m = CASES[i].make();
        uint8_t buf[DHCP_BOOTP_LEN + 20];
        memset(buf, 0xaa, sizeof buf);
        assert_int_equal(dhcp_buffer_len(&m), DHCP_BOOTP_LEN);
        int n = dhcp_emit(&m, buf, sizeof buf);
        if (n != DHCP_BOOTP_LEN || memcmp(buf, CASES[i].bytes, DHCP_BOOTP_LEN) != 0)
            fail_msg("%s: emit wrote %d bytes that differ from the fixture", CASES[i].name, n);
        assert_int_equal(buf[DHCP_BOOTP_LEN], 0xaa);
        /* Exactly enough room is enough. */
        assert_int_equal(dhcp_emit(&m, buf, DHCP_BOOTP_LEN), DHCP_BOOTP_LEN);
    }
}

static void test_parse(void **state) {
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        dhcp_message got, want = CASES[i].make();
        assert_int_equal(parse_copy(CASES[i].bytes, DHCP_BOOTP_LEN, &got), WIRE_OK);
        assert_dhcp_equal(&got, &want);
    }
    dhcp_message ack;
    assert_int_equal(dhcp_parse(ACK, sizeof ACK, &ack), WIRE_OK);
    assert_int_equal(ack.message_type, DHCP_ACK);
    assert_int_equal(ack.yiaddr, OFFERED_IP);
    assert_int_equal(ack.lease_time, 3600);
    assert_int_equal(ack.dns_count, 2);
    assert_int_equal(ack.dns_servers[1], 0x0a000003u);
}

/* Every prefix that stops before the End option fails as truncated and
 * leaves *out alone; once End is in, the rest is padding. */
static void test_every_prefix(void **state) {
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        assert_int_equal(CASES[i].bytes[CASES[i].end], DHCP_OPT_END);
        for (size_t len = 0; len <= DHCP_BOOTP_LEN; len++) {
            dhcp_message m;
            memset(&m, 0x5a, sizeof m);
            int r = parse_copy(CASES[i].bytes, len, &m);
            int want = len <= CASES[i].end ? WIRE_ERR_TRUNCATED : WIRE_OK;
            if (r != want)
                fail_msg("%s cut to %zu bytes: %d, expected %d", CASES[i].name, len, r, want);
            if (r != WIRE_OK)
                assert_int_equal(m.xid, 0x5a5a5a5au);
        }
    }
}

/* A message made of the Discover's fixed part and cookie, then `opts`. */
static int parse_with_options(const uint8_t *opts, size_t n, dhcp_message *out) {
    uint8_t buf[DHCP_FIXED_LEN + DHCP_COOKIE_LEN + 64];
    assert_true(n <= 64);
    memcpy(buf, DISCOVER, DHCP_FIXED_LEN + DHCP_COOKIE_LEN);
    memcpy(buf + DHCP_FIXED_LEN + DHCP_COOKIE_LEN, opts, n);
    return parse_copy(buf, DHCP_FIXED_LEN + DHCP_COOKIE_LEN + n, out);
}

static void test_options_skipped(void **state) {
    (void)state;
    /* Pads, a host name (12), a parameter request list (55) and a client
     * identifier (61) around the type; after End, bytes that would be a
     * broken option if they were read. */
    static const uint8_t opts[] = {
        0x00, 0x00, 0x0c, 0x04, 'h',  'o',  's',  't',  0x35, 0x01, 0x03,
        0x00, 0x37, 0x03, 0x01, 0x03, 0x06, 0x3d, 0x07, 0x01, 0x02, 0x00,
        0x00, 0x00, 0x01, 0x01, 0x00, 0xff, 0x35, 0x09, 0x01,
    };
    dhcp_message m;
    assert_int_equal(parse_with_options(opts, sizeof opts, &m), WIRE_OK);
    assert_int_equal(m.message_type, DHCP_REQUEST);
    assert_int_equal(m.subnet_mask, 0);
    assert_int_equal(m.dns_count, 0);

    /* A repeated option overrides; lists keep what fits. */
    static const uint8_t lists[] = {
        0x35, 0x01, 0x01, 0x35, 0x01, 0x05, 0x03, 0x08, 10, 0,  0, 1,  10,
        0,    0,    2,    0x06, 0x14, 10,   0,    0,    11, 10, 0, 0,  12,
        10,   0,    0,    13,   10,   0,    0,    14,   10, 0,  0, 15, 0xff,
    };
    assert_int_equal(parse_with_options(lists, sizeof lists, &m), WIRE_OK);
    assert_int_equal(m.message_type, DHCP_ACK);
    assert_int_equal(m.router, 0x0a000001u);
    assert_int_equal(m.dns_count, DHCP_MAX_DNS_SERVERS);
    assert_int_equal(m.dns_servers[0], 0x0a00000bu);
    assert_int_equal(m.dns_servers[3], 0x0a00000eu);

    /* No option 53: a plain BOOTP message with the DHCP cookie. */
    static const uint8_t bare[] = {0xff};
    assert_int_equal(parse_with_options(bare, sizeof bare, &m), WIRE_OK);
    assert_int_equal(m.message_type, 0);
}

static void test_malformed_options(void **state) {
    (void)state;
    static const struct {
        uint8_t opts[12];
        size_t n;
        int err;
        const char *what;
    } cases[] = {
        {{0x35, 0x02, 0x01, 0x01, 0xff}, 5, WIRE_ERR_MALFORMED, "type of 2 bytes"},
        {{0x35, 0x00, 0xff}, 3, WIRE_ERR_MALFORMED, "type of 0 bytes"},
        {{0x36, 0x03, 10, 0, 0, 0xff}, 6, WIRE_ERR_MALFORMED, "server id of 3 bytes"},
        {{0x33, 0x05, 0, 0, 0x0e, 0x10, 0, 0xff}, 8, WIRE_ERR_MALFORMED, "lease of 5 bytes"},
        {{0x01, 0x02, 255, 255, 0xff}, 5, WIRE_ERR_MALFORMED, "mask of 2 bytes"},
        {{0x32, 0x08, 10, 0, 0, 10, 10, 0, 0, 11, 0xff}, 11, WIRE_ERR_MALFORMED, "two requested"},
        {{0x03, 0x05, 10, 0, 0, 1, 0, 0xff}, 8, WIRE_ERR_MALFORMED, "router of 5 bytes"},
        {{0x06, 0x00, 0xff}, 3, WIRE_ERR_MALFORMED, "empty DNS list"},
        {{0x06, 0x06, 10, 0, 0, 2, 10, 0, 0xff}, 9, WIRE_ERR_MALFORMED, "DNS of 6 bytes"},
        {{0x34, 0x01, 0x03, 0xff}, 4, WIRE_ERR_UNSUPPORTED, "option overload"},
        {{0x0c, 0x10, 'a', 'b', 0xff}, 5, WIRE_ERR_TRUNCATED, "option past the end"},
        {{0x35}, 1, WIRE_ERR_TRUNCATED, "code without length"},
        {{0x35, 0x01, 0x01}, 3, WIRE_ERR_TRUNCATED, "no End"},
        {{0x00, 0x00, 0x00}, 3, WIRE_ERR_TRUNCATED, "only pads"},
        {{0}, 0, WIRE_ERR_TRUNCATED, "no options at all"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dhcp_message m;
        int r = parse_with_options(cases[i].opts, cases[i].n, &m);
        if (r != cases[i].err)
            fail_msg("%s: %d, expected %d", cases[i].what, r, cases[i].err);
    }
}

static void test_fixed_part(void **state) {
    (void)state;
    uint8_t buf[DHCP_BOOTP_LEN];
    dhcp_message m;
    static const struct {
        size_t off;
        uint8_t value;
        int err;
    } damage[] = {
        {0, 0, WIRE_ERR_MALFORMED},     {0, 3, WIRE_ERR_MALFORMED},        /* op */
        {1, 6, WIRE_ERR_UNSUPPORTED},   {2, 16, WIRE_ERR_UNSUPPORTED},     /* htype, hlen */
        {236, 0, WIRE_ERR_UNSUPPORTED}, {239, 0x64, WIRE_ERR_UNSUPPORTED}, /* cookie */
    };
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        memcpy(buf, DISCOVER, sizeof buf);
        buf[damage[i].off] = damage[i].value;
        assert_int_equal(dhcp_parse(buf, sizeof buf, &m), damage[i].err);
    }

    /* Every fixed field, and flags with only reserved bits set. */
    memcpy(buf, DISCOVER, sizeof buf);
    buf[3] = 2;                   /* hops */
    wire_put16(buf + 8, 7);       /* secs */
    wire_put16(buf + 10, 0x7fff); /* flags without broadcast */
    wire_put32(buf + 12, 0x0a000063u);
    wire_put32(buf + 20, 0x0a000001u);
    wire_put32(buf + 24, 0x0a000101u);
    buf[44] = 's'; /* sname and file are ignored */
    buf[108] = 'f';
    assert_int_equal(dhcp_parse(buf, sizeof buf, &m), WIRE_OK);
    assert_int_equal(m.hops, 2);
    assert_int_equal(m.secs, 7);
    assert_false(m.broadcast);
    assert_int_equal(m.ciaddr, 0x0a000063u);
    assert_int_equal(m.siaddr, 0x0a000001u);
    assert_int_equal(m.giaddr, 0x0a000101u);

    /* Emit then parse returns the same message, reserved flags cleared. */
    uint8_t out[DHCP_BOOTP_LEN];
    assert_int_equal(dhcp_emit(&m, out, sizeof out), DHCP_BOOTP_LEN);
    assert_int_equal(wire_get16(out + 10), 0);
    assert_int_equal(out[44], 0);
    assert_int_equal(out[108], 0);
    dhcp_message again;
    assert_int_equal(dhcp_parse(out, sizeof out, &again), WIRE_OK);
    assert_dhcp_equal(&again, &m);
}

static void test_emit_errors(void **state) {
    (void)state;
    dhcp_message m = msg_ack();
    uint8_t buf[DHCP_BOOTP_LEN];
    memset(buf, 0xaa, sizeof buf);
    assert_int_equal(dhcp_emit(&m, buf, DHCP_BOOTP_LEN - 1), WIRE_ERR_TRUNCATED);
    assert_int_equal(dhcp_emit(&m, buf, 0), WIRE_ERR_TRUNCATED);
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xaa);
    m.dns_count = DHCP_MAX_DNS_SERVERS + 1;
    assert_int_equal(dhcp_emit(&m, buf, sizeof buf), WIRE_ERR_MALFORMED);

    /* Every option at once still fits the 300 bytes, and reads back. */
    m = msg_ack();
    m.requested_ip = OFFERED_IP;
    m.dns_count = DHCP_MAX_DNS_SERVERS;
    m.dns_servers[2] = 0x0a000004u;
    m.dns_servers[3] = 0x0a000005u;
    m.lease_time = UINT32_MAX;
    assert_int_equal(dhcp_buffer_len(&m), DHCP_BOOTP_LEN);
    assert_int_equal(dhcp_emit(&m, buf, sizeof buf), DHCP_BOOTP_LEN);
    dhcp_message back;
    assert_int_equal(dhcp_parse(buf, sizeof buf, &back), WIRE_OK);
    assert_dhcp_equal(&back, &m);
}

static void test_type_names(void **state) {
    (void)state;
    static const char *const names[] = {"unknown", "Discover", "Offer",   "Request", "Decline",
                                        "ACK",     "NAK",      "Release", "Inform",  "unknown"};
    for (uint8_t t = 0; t < sizeof names / sizeof names[0]; t++)
        assert_string_equal(dhcp_message_type_name(t), names[t]);
    assert_string_equal(dhcp_message_type_name(255), "unknown");
}

/* Wraps a DHCP message in UDP/IPv4/Ethernet as the pcap fixtures were (IP id
 * 1, TTL 64, no DF; Ethernet to broadcast); returns the frame length. */
static size_t build_frame(const uint8_t *payload, size_t len, mac_addr src_mac, ipv4_addr src,
                          ipv4_addr dst, uint16_t sport, uint16_t dport, uint8_t *frame) {
    eth_header eth = {.dst = MAC_BROADCAST, .src = src_mac, .ethertype = ETHERTYPE_IPV4};
    eth_emit(&eth, frame);
    ipv4_header ip = {
        .total_len = (uint16_t)(IPV4_HEADER_LEN + UDP_HEADER_LEN + len),
        .id = 1,
        .ttl = 64,
        .protocol = IPPROTO_UDP_NUM,
        .src = src,
        .dst = dst,
    };
    ipv4_emit(&ip, frame + ETH_HEADER_LEN);
    uint8_t *udp = frame + ETH_HEADER_LEN + IPV4_HEADER_LEN;
    memcpy(udp + UDP_HEADER_LEN, payload, len);
    udp_header u = {.src_port = sport, .dst_port = dport};
    udp_emit(&u, udp, UDP_HEADER_LEN + len, src, dst);
    return ETH_HEADER_LEN + IPV4_HEADER_LEN + UDP_HEADER_LEN + len;
}

enum { FRAME_CAP = 400, OFF_UDP_SUM = 40 };

static size_t client_frame(const uint8_t *payload, size_t len, uint8_t *frame) {
    return build_frame(payload, len, CLIENT_MAC, 0, BROADCAST, DHCP_CLIENT_PORT, DHCP_SERVER_PORT,
                       frame);
}

static size_t server_frame(const uint8_t *payload, size_t len, uint8_t *frame) {
    return build_frame(payload, len, SERVER_MAC, SERVER_IP, BROADCAST, DHCP_SERVER_PORT,
                       DHCP_CLIENT_PORT, frame);
}

static char *describe_copy(const uint8_t *frame, size_t len) {
    static char text[256];
    uint8_t *copy = malloc(len ? len : 1);
    if (len)
        memcpy(copy, frame, len);
    frame_describe(copy, len, text, sizeof text);
    free(copy);
    return text;
}

/* A message emitted and wrapped as the client (op 1) or server sends it. */
static char *describe_message(const dhcp_message *m) {
    uint8_t payload[DHCP_BOOTP_LEN], frame[FRAME_CAP];
    assert_int_equal(dhcp_emit(m, payload, sizeof payload), DHCP_BOOTP_LEN);
    size_t n = m->op == BOOTP_OP_REQUEST ? client_frame(payload, sizeof payload, frame)
                                         : server_frame(payload, sizeof payload, frame);
    return describe_copy(frame, n);
}

static void test_describe_lease(void **state) {
    (void)state;
    /* The UDP checksums tshark verified in the pcap of the four fixtures. */
    static const uint16_t sums[NCASES] = {0x58ed, 0x123a, 0x4371, 0x0f3a};
    static const char *const texts[NCASES] = {
        "DHCP Discover xid=0x3903f326 from 02:00:00:00:01:01",
        "DHCP Offer 10.0.0.10 to 02:00:00:00:01:01 xid=0x3903f326",
        "DHCP Request 10.0.0.10 xid=0x3903f326",
        "DHCP ACK 10.0.0.10 lease 3600s xid=0x3903f326",
    };
    for (size_t i = 0; i < NCASES; i++) {
        uint8_t frame[FRAME_CAP];
        size_t n = CASES[i].bytes[0] == BOOTP_OP_REQUEST
                       ? client_frame(CASES[i].bytes, DHCP_BOOTP_LEN, frame)
                       : server_frame(CASES[i].bytes, DHCP_BOOTP_LEN, frame);
        assert_int_equal(n, 342);
        assert_int_equal(wire_get16(frame + OFF_UDP_SUM), sums[i]);
        assert_string_equal(describe_copy(frame, n), texts[i]);
        frame_info fi;
        frame_decode(frame, n, &fi);
        assert_string_equal(fi.proto, "udp");
        assert_int_equal(fi.has_ports, 1);
        assert_int_equal(fi.src_port, i % 2 ? 67 : 68);
        assert_int_equal(fi.dst_port, i % 2 ? 68 : 67);
        assert_int_equal(fi.has_tcp, 0);
    }
}

static void test_describe_other_types(void **state) {
    (void)state;
    dhcp_message m = base(BOOTP_OP_REPLY, DHCP_NAK);
    m.server_id = SERVER_IP;
    assert_string_equal(describe_message(&m), "DHCP NAK xid=0x3903f326");

    m = base(BOOTP_OP_REQUEST, DHCP_RELEASE);
    m.ciaddr = OFFERED_IP;
    assert_string_equal(describe_message(&m), "DHCP Release 10.0.0.10 xid=0x3903f326");
    m.message_type = DHCP_INFORM;
    assert_string_equal(describe_message(&m), "DHCP Inform 10.0.0.10 xid=0x3903f326");
    /* Renewing: the address is in ciaddr, not in option 50. */
    m.message_type = DHCP_REQUEST;
    assert_string_equal(describe_message(&m), "DHCP Request 10.0.0.10 xid=0x3903f326");
    m.ciaddr = 0;
    assert_string_equal(describe_message(&m), "DHCP Request xid=0x3903f326");

    m = base(BOOTP_OP_REQUEST, DHCP_DECLINE);
    m.requested_ip = OFFERED_IP;
    assert_string_equal(describe_message(&m), "DHCP Decline 10.0.0.10 xid=0x3903f326");

    m = msg_ack();
    m.lease_time = UINT32_MAX;
    assert_string_equal(describe_message(&m), "DHCP ACK 10.0.0.10 lease infinite xid=0x3903f326");
    m.lease_time = 0;
    m.xid = 0x1;
    assert_string_equal(describe_message(&m), "DHCP ACK 10.0.0.10 xid=0x00000001");

    m.message_type = 13;
    assert_string_equal(describe_message(&m), "DHCP type 13 xid=0x00000001");
    m.message_type = 0;
    assert_string_equal(describe_message(&m),
                        "BOOTP reply 10.0.0.10 to 02:00:00:00:01:01 xid=0x00000001");
    m.op = BOOTP_OP_REQUEST;
    assert_string_equal(describe_message(&m),
                        "BOOTP request xid=0x00000001 from 02:00:00:00:01:01");
}

static void test_describe_damaged(void **state) {
    (void)state;
    uint8_t frame[FRAME_CAP], payload[DHCP_BOOTP_LEN];
    /* The UDP datagram is whole, the DHCP message in it is not. */
    size_t n = client_frame(DISCOVER, 200, frame);
    assert_string_equal(describe_copy(frame, n),
                        "DHCP (truncated) 0.0.0.0:68 > 255.255.255.255:67 ttl=64");
    memcpy(payload, DISCOVER, sizeof payload);
    payload[236] = 0; /* no cookie */
    n = client_frame(payload, sizeof payload, frame);
    assert_string_equal(describe_copy(frame, n),
                        "DHCP (unsupported) 0.0.0.0:68 > 255.255.255.255:67 ttl=64");
    memcpy(payload, OFFER, sizeof payload);
    payload[241] = 2; /* message type of 2 bytes */
    n = server_frame(payload, sizeof payload, frame);
    assert_string_equal(describe_copy(frame, n),
                        "DHCP (malformed) 10.0.0.1:67 > 255.255.255.255:68 ttl=64");

    /* Every prefix of a whole frame: a summary of a known kind, read within
     * bounds (exact-size copies under the sanitizers). */
    n = server_frame(ACK, sizeof ACK, frame);
    for (size_t len = 0; len <= n; len++) {
        const char *text = describe_copy(frame, len);
        const char *want = len < 14    ? "Ethernet (truncated)"
                           : len < 342 ? "IPv4 (truncated)"
                                       : "DHCP ACK 10.0.0.10 lease 3600s xid=0x3903f326";
        if (strcmp(text, want) != 0)
            fail_msg("len %zu: \"%s\"", len, text);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_options_skipped),
        cmocka_unit_test(test_malformed_options),
        cmocka_unit_test(test_fixed_part),
        cmocka_unit_test(test_emit_errors),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_describe_lease),
        cmocka_unit_test(test_describe_other_types),
        cmocka_unit_test(test_describe_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
