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

#define IPV4_HEADER_LEN  20
#define IPPROTO_ICMP_NUM 1
#define IPPROTO_TCP_NUM  6
#define IPPROTO_UDP_NUM  17

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

/* The protocol's name ("ICMP", "TCP", "UDP") or NULL. */
const char *ipv4_protocol_name(uint8_t protocol);

#endif
