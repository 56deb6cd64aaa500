/*
 * arp: ARP for IPv4 over Ethernet (RFC 826): hardware type 1, protocol type
 * 0x0800, lengths 6 and 4, operation request (1) or reply (2).
 */
#ifndef NETSIM_WIRE_ARP_H
#define NETSIM_WIRE_ARP_H

#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

#define ARP_PACKET_LEN 28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2

typedef struct arp_packet {
    uint16_t op;
    mac_addr sender_mac;
    ipv4_addr sender_ip;
    mac_addr target_mac;
    ipv4_addr target_ip;
} arp_packet;

/* Parses 28 bytes at buf. WIRE_ERR_TRUNCATED if len < 28; WIRE_ERR_UNSUPPORTED
 * for other hardware/protocol types or lengths; WIRE_ERR_MALFORMED for an op
 * other than 1 or 2. */
int arp_parse(const uint8_t *buf, size_t len, arp_packet *out);

/* Writes the 28-byte packet at buf. */
void arp_emit(const arp_packet *p, uint8_t *buf);

#endif
