/*
 * describe: frame_decode fills a frame_info for the trace sinks; frame_describe
 * writes the one-line summary the human trace shows. Both are total functions
 * over arbitrary bytes: every length is checked before a read, a part that
 * does not parse is named as such, and nothing is allocated.
 *
 * Invariants of frame_info: has_ip / has_arp / has_icmp are set only when that
 * layer parsed and verified; `proto` names what the frame claims to carry
 * (the EtherType, then the IP protocol of a valid header) even when the layer
 * itself is broken. icmp_id and icmp_seq are filled only for echo request and
 * reply, where they mean identifier and sequence number (RFC 792).
 *
 * UDP and TCP are summarised from their fixed header fields only (no checksum
 * verification yet); a UDP or TCP wire module can take that over later.
 */
#include "wire/describe.h"

#include <stdio.h>
#include <string.h>

#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

/* UDP header (RFC 768) and TCP header (RFC 9293 section 3.1) fields used here. */
enum {
    DESC_UDP_HEADER_LEN = 8,
    DESC_UDP_OFF_LEN = 4,
    DESC_TCP_MIN_HEADER_LEN = 20,
    DESC_TCP_OFF_SEQ = 4,
    DESC_TCP_OFF_ACK = 8,
    DESC_TCP_OFF_DATA_OFF = 12,
    DESC_TCP_OFF_FLAGS = 13,
    DESC_TCP_OFF_WINDOW = 14,
};

/* Both UDP and TCP start with source port, then destination port. */
enum {
    DESC_OFF_SRC_PORT = 0,
    DESC_OFF_DST_PORT = 2,
    DESC_PORTS_LEN = 4,
};

/* Offsets within an ICMP message (RFC 792). */
enum {
    DESC_ICMP_OFF_TYPE = 0,
    DESC_ICMP_OFF_ID = 4,
    DESC_ICMP_OFF_SEQ = 6,
};

/* IPv4 header fields read from a quoted header, which ipv4_header_parse
 * rejects because it is cut short (RFC 791 section 3.1). */
enum {
    DESC_IPV4_OFF_VER_IHL = 0,
    DESC_IPV4_OFF_PROTOCOL = 9,
    DESC_IPV4_OFF_SRC = 12,
    DESC_IPV4_OFF_DST = 16,
    DESC_IPV4_VERSION = 4,
    DESC_IPV4_MIN_IHL = 5,
};

#define DESC_ICMP_UNREACH_FRAG_NEEDED 4 /* RFC 1191: the next-hop MTU is in seq */

/* The TCP flag bits (RFC 9293 section 3.1, RFC 3168 for ECE and CWR). */
enum {
    DESC_TCP_FIN = 0x01,
    DESC_TCP_SYN = 0x02,
    DESC_TCP_RST = 0x04,
    DESC_TCP_PSH = 0x08,
    DESC_TCP_ACK = 0x10,
    DESC_TCP_URG = 0x20,
    DESC_TCP_ECE = 0x40,
    DESC_TCP_CWR = 0x80,
};

/* One parsed IPv4 datagram: its header, dotted-quad texts and the payload
 * buf[header_len .. total_len) (link padding after total_len excluded). */
typedef struct ip_view {
    ipv4_header h;
    char src[IPV4_TEXT_LEN];
    char dst[IPV4_TEXT_LEN];
    const uint8_t *payload;
    size_t payload_len;
} ip_view;

static int ip_view_parse(const uint8_t *buf, size_t len, ip_view *v) {
    int err = ipv4_header_parse(buf, len, &v->h);
    if (err != WIRE_OK)
        return err;
    ipv4_format(v->h.src, v->src);
    ipv4_format(v->h.dst, v->dst);
    v->payload = buf + v->h.header_len;
    v->payload_len = (size_t)v->h.total_len - v->h.header_len;
    return WIRE_OK;
}

/* A fragment's payload is not a whole transport message: only an unfragmented
 * datagram is decoded past the IP header. */
static int ip_view_is_fragment(const ip_view *v) {
    return v->h.frag_offset != 0 || v->h.more_fragments;
}

static int icmp_type_is_echo(uint8_t type) {
    return type == ICMP_ECHO_REQUEST || type == ICMP_ECHO_REPLY;
}

static const char *proto_of_ip_protocol(uint8_t protocol) {
    switch (protocol) {
    case IPPROTO_ICMP_NUM:
        return "icmp";
    case IPPROTO_UDP_NUM:
        return "udp";
    case IPPROTO_TCP_NUM:
        return "tcp";
    default:
        return "ipv4";
    }
}

static void decode_arp(const uint8_t *buf, size_t len, frame_info *out) {
    arp_packet p;
    out->proto = "arp";
    if (arp_parse(buf, len, &p) != WIRE_OK)
        return;
    out->has_arp = 1;
    out->arp_op = p.op;
    out->arp_sender_ip = p.sender_ip;
    out->arp_target_ip = p.target_ip;
    out->arp_sender_mac = p.sender_mac;
    out->arp_target_mac = p.target_mac;
}

static void decode_ipv4(const uint8_t *buf, size_t len, frame_info *out) {
    ip_view v;
    out->proto = "ipv4";
    if (ip_view_parse(buf, len, &v) != WIRE_OK)
        return;
    out->has_ip = 1;
    out->ip_src = v.h.src;
    out->ip_dst = v.h.dst;
    out->ttl = v.h.ttl;
    out->ip_id = v.h.id;
    out->ip_protocol = v.h.protocol;
    out->proto = proto_of_ip_protocol(v.h.protocol);
    if (v.h.protocol != IPPROTO_ICMP_NUM || ip_view_is_fragment(&v))
        return;
    icmp_header icmp;
    if (icmp_parse(v.payload, v.payload_len, &icmp) != WIRE_OK)
        return;
    out->has_icmp = 1;
    out->icmp_type = icmp.type;
    out->icmp_code = icmp.code;
    if (icmp_type_is_echo(icmp.type)) {
        out->icmp_id = icmp.id;
        out->icmp_seq = icmp.seq;
    }
}

void frame_decode(const uint8_t *frame, size_t len, frame_info *out) {
    memset(out, 0, sizeof *out);
    out->proto = "ethernet";
    eth_header eth;
    int err = eth_parse(frame, len, &eth);
    if (err == WIRE_ERR_TRUNCATED)
        return;
    out->eth_src = eth.src;
    out->eth_dst = eth.dst;
    out->ethertype = eth.ethertype;
    if (err != WIRE_OK)
        return;
    const uint8_t *payload = frame + ETH_HEADER_LEN;
    size_t payload_len = len - ETH_HEADER_LEN;
    if (eth.ethertype == ETHERTYPE_ARP)
        decode_arp(payload, payload_len, out);
    else if (eth.ethertype == ETHERTYPE_IPV4)
        decode_ipv4(payload, payload_len, out);
}

/* Appends to a summary already in out[cap] (so strlen(out) < cap), keeping
 * it NUL-terminated and truncating as snprintf does. */
static void append_text(char *out, size_t cap, const char *text) {
    size_t n = strlen(out);
    snprintf(out + n, cap - n, "%s", text);
}

static void describe_arp(const uint8_t *buf, size_t len, char *out, size_t cap) {
    arp_packet p;
    int err = arp_parse(buf, len, &p);
    if (err != WIRE_OK) {
        snprintf(out, cap, "ARP (%s)", wire_strerror(err));
        return;
    }
    char sender[IPV4_TEXT_LEN], target[IPV4_TEXT_LEN], mac[MAC_TEXT_LEN];
    ipv4_format(p.sender_ip, sender);
    ipv4_format(p.target_ip, target);
    if (p.op == ARP_OP_REQUEST)
        snprintf(out, cap, "ARP who-has %s tell %s", target, sender);
    else
        snprintf(out, cap, "ARP reply %s is-at %s", sender, mac_format(p.sender_mac, mac));
}

/* Summarises the datagram an ICMP error quotes (its IP header plus at least
 * the first 8 payload bytes, RFC 792) as " for UDP 10.0.0.1:40000 >
 * 10.0.0.2:9". The quoted header is usually cut short of its total_len, and
 * its checksum may predate a router's TTL change, so neither is checked;
 * returns an empty string if the quote is not an IPv4 header. */
static void describe_quote(const uint8_t *buf, size_t len, char *out, size_t cap) {
    out[0] = '\0';
    if (len < IPV4_HEADER_LEN)
        return;
    uint8_t version = buf[DESC_IPV4_OFF_VER_IHL] >> 4;
    uint8_t ihl = buf[DESC_IPV4_OFF_VER_IHL] & 0x0f;
    size_t header_len = (size_t)ihl * 4;
    if (version != DESC_IPV4_VERSION || ihl < DESC_IPV4_MIN_IHL || header_len > len)
        return;
    uint8_t protocol = buf[DESC_IPV4_OFF_PROTOCOL];
    char src[IPV4_TEXT_LEN], dst[IPV4_TEXT_LEN];
    ipv4_format(wire_get32(buf + DESC_IPV4_OFF_SRC), src);
    ipv4_format(wire_get32(buf + DESC_IPV4_OFF_DST), dst);
    const uint8_t *l4 = buf + header_len;
    size_t l4_len = len - header_len;
    if ((protocol == IPPROTO_UDP_NUM || protocol == IPPROTO_TCP_NUM) && l4_len >= DESC_PORTS_LEN) {
        snprintf(out, cap, " for %s %s:%u > %s:%u", ipv4_protocol_name(protocol), src,
                 wire_get16(l4 + DESC_OFF_SRC_PORT), dst, wire_get16(l4 + DESC_OFF_DST_PORT));
    } else if (protocol == IPPROTO_ICMP_NUM && l4_len >= ICMP_HEADER_LEN &&
               icmp_type_is_echo(l4[DESC_ICMP_OFF_TYPE])) {
        snprintf(out, cap, " for ICMP %s %s > %s id=0x%04x seq=%u",
                 icmp_describe_type(l4[DESC_ICMP_OFF_TYPE], 0), src, dst,
                 wire_get16(l4 + DESC_ICMP_OFF_ID), wire_get16(l4 + DESC_ICMP_OFF_SEQ));
    } else {
        snprintf(out, cap, " for proto %u %s > %s", protocol, src, dst);
    }
}

static void describe_icmp(const ip_view *v, char *out, size_t cap) {
    icmp_header icmp;
    int err = icmp_parse(v->payload, v->payload_len, &icmp);
    if (err != WIRE_OK) {
        snprintf(out, cap, "ICMP (%s) %s > %s ttl=%u", wire_strerror(err), v->src, v->dst,
                 v->h.ttl);
        return;
    }
    const char *name = icmp_describe_type(icmp.type, icmp.code);
    if (icmp_type_is_echo(icmp.type)) {
        snprintf(out, cap, "ICMP %s %s > %s id=0x%04x seq=%u ttl=%u", name, v->src, v->dst, icmp.id,
                 icmp.seq, v->h.ttl);
    } else if (strcmp(name, "unknown type") == 0) {
        snprintf(out, cap, "ICMP type %u code %u %s > %s ttl=%u", icmp.type, icmp.code, v->src,
                 v->dst, v->h.ttl);
    } else {
        snprintf(out, cap, "ICMP %s %s > %s ttl=%u", name, v->src, v->dst, v->h.ttl);
    }
    /* For "destination unreachable" the quote says what could not be
     * delivered (which port, which protocol), as tcpdump shows it. Time
     * exceeded stays as short as describe.h's example. */
    if (icmp.type == ICMP_DEST_UNREACHABLE) {
        char text[96];
        if (icmp.code == DESC_ICMP_UNREACH_FRAG_NEEDED) {
            snprintf(text, sizeof text, " mtu=%u", icmp.seq);
            append_text(out, cap, text);
        }
        describe_quote(v->payload + ICMP_HEADER_LEN, v->payload_len - ICMP_HEADER_LEN, text,
                       sizeof text);
        append_text(out, cap, text);
    }
}

static void describe_udp(const ip_view *v, char *out, size_t cap) {
    const uint8_t *u = v->payload;
    int err = WIRE_OK;
    uint16_t udp_len = 0;
    if (v->payload_len < DESC_UDP_HEADER_LEN) {
        err = WIRE_ERR_TRUNCATED;
    } else {
        udp_len = wire_get16(u + DESC_UDP_OFF_LEN);
        if (udp_len < DESC_UDP_HEADER_LEN)
            err = WIRE_ERR_MALFORMED;
        else if (udp_len > v->payload_len)
            err = WIRE_ERR_TRUNCATED;
    }
    if (err != WIRE_OK) {
        snprintf(out, cap, "UDP (%s) %s > %s ttl=%u", wire_strerror(err), v->src, v->dst, v->h.ttl);
        return;
    }
    snprintf(out, cap, "UDP %s:%u > %s:%u len=%u ttl=%u", v->src, wire_get16(u + DESC_OFF_SRC_PORT),
             v->dst, wire_get16(u + DESC_OFF_DST_PORT), (unsigned)(udp_len - DESC_UDP_HEADER_LEN),
             v->h.ttl);
}

/* Flags in tcpdump's order and letters, '.' for ACK; "none" if no bit is set. */
static void tcp_flags_text(uint8_t flags, char *buf) {
    static const struct {
        uint8_t bit;
        char letter;
    } order[] = {
        {DESC_TCP_SYN, 'S'}, {DESC_TCP_FIN, 'F'}, {DESC_TCP_RST, 'R'}, {DESC_TCP_PSH, 'P'},
        {DESC_TCP_URG, 'U'}, {DESC_TCP_ECE, 'E'}, {DESC_TCP_CWR, 'W'}, {DESC_TCP_ACK, '.'},
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (flags & order[i].bit)
            buf[n++] = order[i].letter;
    if (n == 0)
        strcpy(buf, "none");
    else
        buf[n] = '\0';
}

static void describe_tcp(const ip_view *v, char *out, size_t cap) {
    const uint8_t *t = v->payload;
    int err = WIRE_OK;
    size_t header_len = 0;
    if (v->payload_len < DESC_TCP_MIN_HEADER_LEN) {
        err = WIRE_ERR_TRUNCATED;
    } else {
        header_len = (size_t)(t[DESC_TCP_OFF_DATA_OFF] >> 4) * 4;
        if (header_len < DESC_TCP_MIN_HEADER_LEN)
            err = WIRE_ERR_MALFORMED;
        else if (header_len > v->payload_len)
            err = WIRE_ERR_TRUNCATED;
    }
    if (err != WIRE_OK) {
        snprintf(out, cap, "TCP (%s) %s > %s ttl=%u", wire_strerror(err), v->src, v->dst, v->h.ttl);
        return;
    }
    uint8_t flags = t[DESC_TCP_OFF_FLAGS];
    char flag_text[9];
    tcp_flags_text(flags, flag_text);
    char ack_text[24] = "";
    if (flags & DESC_TCP_ACK)
        snprintf(ack_text, sizeof ack_text, " ack=%lu",
                 (unsigned long)wire_get32(t + DESC_TCP_OFF_ACK));
    snprintf(out, cap, "TCP %s:%u > %s:%u [%s] seq=%lu%s win=%u len=%zu ttl=%u", v->src,
             wire_get16(t + DESC_OFF_SRC_PORT), v->dst, wire_get16(t + DESC_OFF_DST_PORT),
             flag_text, (unsigned long)wire_get32(t + DESC_TCP_OFF_SEQ), ack_text,
             wire_get16(t + DESC_TCP_OFF_WINDOW), v->payload_len - header_len, v->h.ttl);
}

static void describe_ipv4(const uint8_t *buf, size_t len, char *out, size_t cap) {
    ip_view v;
    int err = ip_view_parse(buf, len, &v);
    if (err != WIRE_OK) {
        snprintf(out, cap, "IPv4 (%s)", wire_strerror(err));
        return;
    }
    if (ip_view_is_fragment(&v)) {
        snprintf(out, cap, "IPv4 fragment proto %u %s > %s id=0x%04x off=%u%s ttl=%u", v.h.protocol,
                 v.src, v.dst, v.h.id, (unsigned)v.h.frag_offset * 8,
                 v.h.more_fragments ? " mf" : "", v.h.ttl);
        return;
    }
    switch (v.h.protocol) {
    case IPPROTO_ICMP_NUM:
        describe_icmp(&v, out, cap);
        break;
    case IPPROTO_UDP_NUM:
        describe_udp(&v, out, cap);
        break;
    case IPPROTO_TCP_NUM:
        describe_tcp(&v, out, cap);
        break;
    default:
        snprintf(out, cap, "IPv4 proto %u %s > %s ttl=%u", v.h.protocol, v.src, v.dst, v.h.ttl);
        break;
    }
}

char *frame_describe(const uint8_t *frame, size_t len, char *out, size_t cap) {
    if (cap == 0)
        return out;
    out[0] = '\0';
    eth_header eth;
    int err = eth_parse(frame, len, &eth);
    if (err == WIRE_ERR_TRUNCATED) {
        snprintf(out, cap, "Ethernet (truncated)");
    } else if (err != WIRE_OK) {
        snprintf(out, cap, "Ethernet 802.3 length %u", eth.ethertype);
    } else if (eth.ethertype == ETHERTYPE_ARP) {
        describe_arp(frame + ETH_HEADER_LEN, len - ETH_HEADER_LEN, out, cap);
    } else if (eth.ethertype == ETHERTYPE_IPV4) {
        describe_ipv4(frame + ETH_HEADER_LEN, len - ETH_HEADER_LEN, out, cap);
    } else {
        snprintf(out, cap, "Ethernet type 0x%04x", eth.ethertype);
    }
    return out;
}
