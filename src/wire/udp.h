/*
 * udp: the UDP header (RFC 768). The checksum covers a pseudo-header of the
 * IPv4 addresses, protocol and length, then the header and data; a computed
 * 0 is sent as 0xffff, and a received 0 means "no checksum".
 */
#ifndef NETSIM_WIRE_UDP_H
#define NETSIM_WIRE_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

#define UDP_HEADER_LEN 8

/* Field offsets (RFC 768 "Format"). */
enum { UDP_OFF_SRC_PORT = 0, UDP_OFF_DST_PORT = 2, UDP_OFF_LEN = 4, UDP_OFF_CHECKSUM = 6 };

typedef struct udp_header {
    uint16_t src_port;
    uint16_t dst_port;
    uint16_t length;   /* header plus data */
    uint16_t checksum; /* as read by parse; emit computes it */
} udp_header;

/* Parses the datagram of `len` bytes (the IP payload) sent from `src` to `dst`.
 * Checks that the length field fits within len and is at least 8, and the
 * checksum unless it is 0. The data is buf[8 .. length). */
int udp_parse(const uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst, udp_header *out);

/* Writes the header at buf for a datagram of `len` bytes whose data is already
 * at buf + 8, with its checksum (the length field is set to len). */
void udp_emit(const udp_header *h, uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst);

/* The checksum over the pseudo-header and buf[0 .. len) (the field itself
 * included as it is in buf). */
uint16_t udp_checksum(const uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst);

#endif
