/*
 * arp: the 28-byte ARP packet for IPv4 over Ethernet (RFC 826, "Packet
 * format"). Invariants: only htype 1 / ptype 0x0800 / hlen 6 / plen 4 is
 * accepted or emitted; bytes after the 28 (Ethernet padding) are ignored.
 */
#include "wire/arp.h"

#include <string.h>

#include "wire/ethernet.h"
#include "wire/wire.h"

enum {
    ARP_OFF_HTYPE = 0,
    ARP_OFF_PTYPE = 2,
    ARP_OFF_HLEN = 4,
    ARP_OFF_PLEN = 5,
    ARP_OFF_OP = 6,
    ARP_OFF_SHA = 8,
    ARP_OFF_SPA = 14,
    ARP_OFF_THA = 18,
    ARP_OFF_TPA = 24,
};

#define ARP_HTYPE_ETHERNET 1 /* RFC 826 ar$hrd; IANA "Ethernet (10Mb)" */
#define ARP_HLEN_ETHERNET  6
#define ARP_PLEN_IPV4      4

int arp_parse(const uint8_t *buf, size_t len, arp_packet *out) {
    if (len < ARP_PACKET_LEN)
        return WIRE_ERR_TRUNCATED;
    if (wire_get16(buf + ARP_OFF_HTYPE) != ARP_HTYPE_ETHERNET ||
        wire_get16(buf + ARP_OFF_PTYPE) != ETHERTYPE_IPV4 ||
        buf[ARP_OFF_HLEN] != ARP_HLEN_ETHERNET || buf[ARP_OFF_PLEN] != ARP_PLEN_IPV4)
        return WIRE_ERR_UNSUPPORTED;
    uint16_t op = wire_get16(buf + ARP_OFF_OP);
    if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
        return WIRE_ERR_MALFORMED;
    out->op = op;
    memcpy(out->sender_mac.b, buf + ARP_OFF_SHA, 6);
    out->sender_ip = wire_get32(buf + ARP_OFF_SPA);
    memcpy(out->target_mac.b, buf + ARP_OFF_THA, 6);
    out->target_ip = wire_get32(buf + ARP_OFF_TPA);
    return WIRE_OK;
}

void arp_emit(const arp_packet *p, uint8_t *buf) {
    wire_put16(buf + ARP_OFF_HTYPE, ARP_HTYPE_ETHERNET);
    wire_put16(buf + ARP_OFF_PTYPE, ETHERTYPE_IPV4);
    buf[ARP_OFF_HLEN] = ARP_HLEN_ETHERNET;
    buf[ARP_OFF_PLEN] = ARP_PLEN_IPV4;
    wire_put16(buf + ARP_OFF_OP, p->op);
    memcpy(buf + ARP_OFF_SHA, p->sender_mac.b, 6);
    wire_put32(buf + ARP_OFF_SPA, p->sender_ip);
    memcpy(buf + ARP_OFF_THA, p->target_mac.b, 6);
    wire_put32(buf + ARP_OFF_TPA, p->target_ip);
}
