/*
 * dhcp: DHCP messages over Ethernet (RFC 2131 section 2, the BOOTP format of
 * RFC 951; options RFC 2132). A message is the 236-byte fixed BOOTP part,
 * the magic cookie 99.130.83.99 (RFC 2131 section 3) and an option list
 * ending with option 255. netsim speaks htype 1 / hlen 6 only and leaves
 * sname and file empty (zero).
 *
 * Addresses are host-order ipv4_addr values. In the options, 0 means "absent":
 * 0.0.0.0 is never a valid subnet mask, router, requested address or server
 * identifier, and a lease of 0 seconds would be no lease at all.
 */
#ifndef NETSIM_WIRE_DHCP_H
#define NETSIM_WIRE_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

#define DHCP_SERVER_PORT 67 /* BOOTP server, RFC 951 section 3 */
#define DHCP_CLIENT_PORT 68

#define DHCP_FIXED_LEN  236 /* op .. file, RFC 2131 figure 1 */
#define DHCP_COOKIE_LEN 4
#define DHCP_MIN_LEN    (DHCP_FIXED_LEN + DHCP_COOKIE_LEN + 1) /* cookie and End */
/* dhcp_emit pads every message to the 300 bytes of the original BOOTP format
 * (RFC 951 section 3; RFC 1542 section 2.1), as real clients do. */
#define DHCP_BOOTP_LEN 300

#define BOOTP_OP_REQUEST 1
#define BOOTP_OP_REPLY   2

#define DHCP_FLAG_BROADCAST 0x8000 /* RFC 2131 section 2, figure 2 */

/* Option 53 values (RFC 2132 section 9.6). */
#define DHCP_DISCOVER 1
#define DHCP_OFFER    2
#define DHCP_REQUEST  3
#define DHCP_DECLINE  4
#define DHCP_ACK      5
#define DHCP_NAK      6
#define DHCP_RELEASE  7
#define DHCP_INFORM   8

/* Option codes (RFC 2132). */
#define DHCP_OPT_PAD          0
#define DHCP_OPT_SUBNET_MASK  1  /* section 3.3 */
#define DHCP_OPT_ROUTER       3  /* section 3.5, a list */
#define DHCP_OPT_DNS          6  /* section 3.8, a list */
#define DHCP_OPT_REQUESTED_IP 50 /* section 9.1 */
#define DHCP_OPT_LEASE_TIME   51 /* section 9.2 */
#define DHCP_OPT_OVERLOAD     52 /* section 9.3 */
#define DHCP_OPT_MESSAGE_TYPE 53 /* section 9.6 */
#define DHCP_OPT_SERVER_ID    54 /* section 9.7 */
#define DHCP_OPT_END          255

#define DHCP_MAX_DNS_SERVERS 4 /* servers kept from option 6; more are ignored */

typedef struct dhcp_message {
    uint8_t op;   /* BOOTP_OP_REQUEST or BOOTP_OP_REPLY */
    uint8_t hops; /* relay agents passed */
    uint32_t xid;
    uint16_t secs;
    bool broadcast; /* the flags' broadcast bit; the other 15 bits are zero on emit */
    ipv4_addr ciaddr, yiaddr, siaddr, giaddr;
    mac_addr chaddr;

    uint8_t message_type;  /* option 53: DHCP_DISCOVER..; 0 if absent (plain BOOTP) */
    ipv4_addr subnet_mask; /* option 1 */
    ipv4_addr router;      /* option 3: the first router listed */
    uint8_t dns_count;     /* option 6: dns_servers[0 .. dns_count) */
    ipv4_addr dns_servers[DHCP_MAX_DNS_SERVERS];
    ipv4_addr requested_ip; /* option 50 */
    uint32_t lease_time;    /* option 51, seconds; 0xffffffff is infinite */
    ipv4_addr server_id;    /* option 54 */
} dhcp_message;

/* Parses a DHCP message of `len` bytes (the UDP data) into *out, which is
 * written only on success. Errors:
 *   WIRE_ERR_TRUNCATED   fewer than 240 bytes, an option running past len, or
 *                        no End option before len;
 *   WIRE_ERR_UNSUPPORTED htype/hlen other than Ethernet's 1/6, no magic
 *                        cookie (plain BOOTP vendor data), or option 52
 *                        (options overloaded into sname/file);
 *   WIRE_ERR_MALFORMED   op other than 1 or 2, or a known option whose length
 *                        is wrong for it (53 not 1 byte; 1, 50, 51, 54 not 4;
 *                        3, 6 not a non-empty multiple of 4).
 * Pad options are skipped, unknown options skipped by their length, and
 * everything after End (padding) is ignored. A repeated option overrides. */
int dhcp_parse(const uint8_t *buf, size_t len, dhcp_message *out);

/* The bytes dhcp_emit writes for `msg`: the options, End, padded to 300. */
size_t dhcp_buffer_len(const dhcp_message *msg);

/* Writes `msg` at buf[0 .. cap): the fixed part with sname and file zeroed,
 * the cookie, then the options that are present in the order 53, 54, 50,
 * 51, 1, 3, 6, then End, then zeros up to 300 bytes. Returns the bytes
 * written (dhcp_buffer_len), or WIRE_ERR_TRUNCATED, writing nothing, if cap
 * is smaller than that, or WIRE_ERR_MALFORMED if dns_count exceeds
 * DHCP_MAX_DNS_SERVERS. */
int dhcp_emit(const dhcp_message *msg, uint8_t *buf, size_t cap);

/* The name of an option 53 value as tshark shows it ("Discover", "Offer",
 * "Request", "Decline", "ACK", "NAK", "Release", "Inform"), or "unknown".
 * Never NULL. */
const char *dhcp_message_type_name(uint8_t type);

#endif
