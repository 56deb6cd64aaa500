/*
 * ethernet: Ethernet II frames (IEEE 802.3 with an EtherType), as captured:
 * no preamble and no FCS. A frame shorter than 60 bytes is padded with zeros,
 * as a NIC pads it before the FCS (IEEE 802.3 clause 3.2.8).
 */
#ifndef NETSIM_WIRE_ETHERNET_H
#define NETSIM_WIRE_ETHERNET_H

#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

#define ETH_HEADER_LEN    14
#define ETH_MIN_FRAME_LEN 60   /* without the 4-byte FCS */
#define ETH_MAX_FRAME_LEN 1514 /* without the FCS; MTU 1500 */
#define ETH_MTU           1500

/* Field offsets in an Ethernet II header (IEEE 802.3 clause 3.2). */
enum { ETH_OFF_DST = 0, ETH_OFF_SRC = 6, ETH_OFF_TYPE = 12 };

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP  0x0806

typedef struct eth_header {
    mac_addr dst;
    mac_addr src;
    uint16_t ethertype;
} eth_header;

/* Parses the 14-byte header at buf. Returns WIRE_OK or WIRE_ERR_TRUNCATED
 * (len < 14); an EtherType below 0x0600 (an 802.3 length) is WIRE_ERR_UNSUPPORTED. */
int eth_parse(const uint8_t *buf, size_t len, eth_header *out);

/* Writes the 14-byte header at buf. */
void eth_emit(const eth_header *h, uint8_t *buf);

#endif
