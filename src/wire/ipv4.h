/*
 * ipv4: the IPv4 header (RFC 791 section 3.1). netsim emits 20-byte headers
 * without options; parsing accepts options (ihl > 5) and skips them.
 */
#ifndef NETSIM_WIRE_IPV4_H
#define NETSIM_WIRE_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"
#include "wire/wire.h"

#define IPV4_HEADER_LEN     20
#define IPV4_MAX_HEADER_LEN 60 /* ihl 15: 40 bytes of options */
#define IPPROTO_ICMP_NUM    1
#define IPPROTO_TCP_NUM     6
#define IPPROTO_UDP_NUM     17

/* Field offsets (RFC 791 section 3.1, figure 4). */
enum {
    IPV4_OFF_VER_IHL = 0, /* version in the high nibble, ihl (32-bit words) in the low */
    IPV4_OFF_TOS = 1,
    IPV4_OFF_TOTAL_LEN = 2,
    IPV4_OFF_ID = 4,
    IPV4_OFF_FLAGS_FRAG = 6,
    IPV4_OFF_TTL = 8,
    IPV4_OFF_PROTOCOL = 9,
    IPV4_OFF_CHECKSUM = 10,
    IPV4_OFF_SRC = 12,
    IPV4_OFF_DST = 16,
};

/* Accessors for code that reads or rewrites a header already validated by
 * ipv4_header_parse (NAT, the firewall, quoted headers in ICMP errors). They
 * check nothing: the caller knows the bytes are there. */
static inline size_t ipv4_get_header_len(const uint8_t *ip) {
    return (size_t)(ip[IPV4_OFF_VER_IHL] & 0x0f) * 4;
}
static inline uint16_t ipv4_get_total_len(const uint8_t *ip) {
    return wire_get16(ip + IPV4_OFF_TOTAL_LEN);
}
static inline uint16_t ipv4_get_id(const uint8_t *ip) {
    return wire_get16(ip + IPV4_OFF_ID);
}
static inline uint8_t ipv4_get_ttl(const uint8_t *ip) {
    return ip[IPV4_OFF_TTL];
}
static inline uint8_t ipv4_get_protocol(const uint8_t *ip) {
    return ip[IPV4_OFF_PROTOCOL];
}
static inline ipv4_addr ipv4_get_src(const uint8_t *ip) {
    return wire_get32(ip + IPV4_OFF_SRC);
}
static inline ipv4_addr ipv4_get_dst(const uint8_t *ip) {
    return wire_get32(ip + IPV4_OFF_DST);
}
/* The address setters leave the checksum stale: see ipv4_update_checksum. */
static inline void ipv4_set_src(uint8_t *ip, ipv4_addr a) {
    wire_put32(ip + IPV4_OFF_SRC, a);
}
static inline void ipv4_set_dst(uint8_t *ip, ipv4_addr a) {
    wire_put32(ip + IPV4_OFF_DST, a);
}

typedef struct ipv4_header {
    uint8_t header_len; /* bytes: ihl * 4 */
    uint8_t tos;        /* DSCP and ECN */
    uint16_t total_len; /* header plus payload */
    uint16_t id;
    bool dont_fragment;
    bool more_fragments;
    uint16_t frag_offset; /* in 8-byte units */
    uint8_t ttl;
    uint8_t protocol;
    uint16_t checksum; /* as read by parse; emit computes it */
    ipv4_addr src;
    ipv4_addr dst;
} ipv4_header;

/* Parses the header at buf. Checks version 4, ihl >= 5, total_len within
 * [header_len, len] and the header checksum. The payload is
 * buf[header_len .. total_len). (Not named ipv4_parse: addr.h already uses
 * that name for the text form of an address.) */
int ipv4_header_parse(const uint8_t *buf, size_t len, ipv4_header *out);

/* Writes a 20-byte header (header_len is taken as 20) and its checksum at buf. */
void ipv4_emit(const ipv4_header *h, uint8_t *buf);

/* Decrements the TTL of the valid header at buf and updates its checksum
 * incrementally (RFC 1624 eqn. 3). The TTL must be at least 1. */
void ipv4_decrement_ttl(uint8_t *buf);

/* Recomputes the header checksum of the header at buf (options included)
 * after a field was rewritten. */
void ipv4_update_checksum(uint8_t *buf);

/* The partial sum of the TCP/UDP pseudo-header (RFC 768 "Fields", RFC 9293
 * section 3.1 "Checksum"): source, destination, zero, protocol and the
 * transport length. Add the segment with checksum_add, then checksum_finish. */
uint32_t ipv4_pseudo_header_sum(ipv4_addr src, ipv4_addr dst, uint8_t protocol, uint16_t len);

/* The protocol's name ("ICMP", "TCP", "UDP") or NULL. */
const char *ipv4_protocol_name(uint8_t protocol);

#endif
