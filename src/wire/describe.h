/*
 * describe: one-line, tcpdump-like summaries of whole Ethernet frames, for the
 * human trace. Pure functions over bytes; a frame that does not parse is
 * described as such ("IPv4 (bad checksum)") instead of failing.
 */
#ifndef NETSIM_WIRE_DESCRIBE_H
#define NETSIM_WIRE_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

/* What a frame carries, decoded once for trace sinks. Fields not present in the
 * frame are zero; `proto` is always set. */
typedef struct frame_info {
    mac_addr eth_src, eth_dst;
    uint16_t ethertype;
    const char *proto; /* "arp", "icmp", "udp", "tcp", "ipv4", "ethernet" */
    int has_ip;
    ipv4_addr ip_src, ip_dst;
    uint8_t ttl;
    uint16_t ip_id;
    uint8_t ip_protocol;
    int has_icmp;
    uint8_t icmp_type, icmp_code;
    uint16_t icmp_id, icmp_seq;
    int has_arp;
    uint16_t arp_op;
    ipv4_addr arp_sender_ip, arp_target_ip;
    mac_addr arp_sender_mac, arp_target_mac;
} frame_info;

/* Decodes what it can of the frame. Never fails; unknown parts stay zero. */
void frame_decode(const uint8_t *frame, size_t len, frame_info *out);

/* Writes a summary such as
 *   "ARP who-has 10.0.0.2 tell 10.0.0.1"
 *   "ARP reply 10.0.0.2 is-at 02:00:00:00:02:01"
 *   "ICMP echo request 10.0.0.1 > 10.0.0.2 id=0x1c2b seq=1 ttl=64"
 *   "ICMP echo reply 10.0.0.2 > 10.0.0.1 id=0x1c2b seq=1 ttl=64"
 *   "ICMP time exceeded (TTL) 10.0.0.254 > 10.0.0.1 ttl=64"
 *   "IPv4 proto 17 10.0.0.1 > 10.0.0.2 ttl=64"
 * into out[cap] (always NUL-terminated, truncated if needed); returns out. */
char *frame_describe(const uint8_t *frame, size_t len, char *out, size_t cap);

#endif
