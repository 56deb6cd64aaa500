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
    /* UDP or TCP (not a fragment) whose header fits and whose length fields
     * agree; checksums are not verified. */
    int has_ports;
    uint16_t src_port, dst_port;
    int has_tcp;               /* then also: */
    uint8_t tcp_flags;         /* TCP_FIN | TCP_SYN | ... (wire/tcp.h) */
    uint32_t tcp_seq, tcp_ack; /* tcp_ack as on the wire, meaningful with TCP_ACK */
    uint16_t tcp_window;
    uint16_t tcp_payload_len; /* data bytes after the header and its options */
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
 *   "UDP 10.0.0.1:5000 > 10.0.0.2:9 len=5 ttl=64"
 *   "TCP 10.0.0.2:80 > 10.0.0.1:49152 [S.] seq=5000 ack=1001 win=65535 len=0 ttl=64"
 * and, for UDP to or from port 67 or 68 (DHCP, RFC 2131):
 *   "DHCP Discover xid=0x3903f326 from 02:00:00:00:01:01"
 *   "DHCP Offer 10.0.0.10 to 02:00:00:00:01:01 xid=0x3903f326"
 *   "DHCP Request 10.0.0.10 xid=0x3903f326"  (requested address, else ciaddr)
 *   "DHCP ACK 10.0.0.10 lease 3600s xid=0x3903f326"
 *   "DHCP NAK xid=0x3903f326"
 *   "DHCP Decline 10.0.0.10 xid=..", "DHCP Release 10.0.0.10 xid=..",
 *   "DHCP Inform 10.0.0.10 xid=..", "DHCP type 13 xid=..",
 *   "BOOTP request xid=.. from 02:..", "BOOTP reply 10.0.0.10 to 02:.. xid=.."
 * or to or from port 53 (DNS, RFC 1035):
 *   "DNS query A www.example.com id=0x1234"
 *   "DNS response A www.example.com = 93.184.216.34 id=0x1234"
 *   "DNS response A www.example.com = CNAME example.com, 93.184.216.34 id=0xbeef"
 *   "DNS response A www.example.com (no answer) id=0x1234"
 *   "DNS response www.example.com NXDOMAIN id=0x1234"
 * (a DHCP or DNS message that does not parse: "DNS (truncated) 10.0.0.1:5000 >
 * 10.0.0.2:53 ttl=64") into out[cap] (always NUL-terminated, truncated if
 * needed); returns out. */
char *frame_describe(const uint8_t *frame, size_t len, char *out, size_t cap);

#endif
