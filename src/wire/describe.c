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
 * verification: a summary should show what was sent, damaged or not);
 * has_ports / has_tcp mean those fields were in bounds and the length fields
 * agreed. UDP data to or from the DHCP ports (67, 68) or the DNS port (53) is
 * summarised through wire/dhcp and wire/dns, whose parsers check every read.
 */
#include "wire/describe.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "wire/arp.h"
#include "wire/dhcp.h"
#include "wire/dns.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
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

/* The fixed fields of a UDP or TCP header whose length fields agree with
 * the IP payload, and the data after it. The TCP fields are zero for UDP. */
typedef struct l4_view {
    uint16_t src_port, dst_port;
    const uint8_t *data;
    size_t data_len;
    uint8_t tcp_flags;
    uint32_t tcp_seq, tcp_ack;
    uint16_t tcp_window;
} l4_view;

/* The UDP header (RFC 768): length within [8, payload_len]. Its data is
 * buf[8 .. length), without link padding. */
static int udp_view_parse(const ip_view *v, l4_view *out) {
    const uint8_t *u = v->payload;
    if (v->payload_len < DESC_UDP_HEADER_LEN)
        return WIRE_ERR_TRUNCATED;
    uint16_t udp_len = wire_get16(u + DESC_UDP_OFF_LEN);
    if (udp_len < DESC_UDP_HEADER_LEN)
        return WIRE_ERR_MALFORMED;
    if (udp_len > v->payload_len)
        return WIRE_ERR_TRUNCATED;
    memset(out, 0, sizeof *out);
    out->src_port = wire_get16(u + DESC_OFF_SRC_PORT);
    out->dst_port = wire_get16(u + DESC_OFF_DST_PORT);
    out->data = u + DESC_UDP_HEADER_LEN;
    out->data_len = (size_t)udp_len - DESC_UDP_HEADER_LEN;
    return WIRE_OK;
}

/* The TCP header (RFC 9293 section 3.1): data offset within [20, payload_len]. */
static int tcp_view_parse(const ip_view *v, l4_view *out) {
    const uint8_t *t = v->payload;
    if (v->payload_len < DESC_TCP_MIN_HEADER_LEN)
        return WIRE_ERR_TRUNCATED;
    size_t header_len = (size_t)(t[DESC_TCP_OFF_DATA_OFF] >> 4) * 4;
    if (header_len < DESC_TCP_MIN_HEADER_LEN)
        return WIRE_ERR_MALFORMED;
    if (header_len > v->payload_len)
        return WIRE_ERR_TRUNCATED;
    memset(out, 0, sizeof *out);
    out->src_port = wire_get16(t + DESC_OFF_SRC_PORT);
    out->dst_port = wire_get16(t + DESC_OFF_DST_PORT);
    out->data = t + header_len;
    out->data_len = v->payload_len - header_len;
    out->tcp_flags = t[DESC_TCP_OFF_FLAGS];
    out->tcp_seq = wire_get32(t + DESC_TCP_OFF_SEQ);
    out->tcp_ack = wire_get32(t + DESC_TCP_OFF_ACK);
    out->tcp_window = wire_get16(t + DESC_TCP_OFF_WINDOW);
    return WIRE_OK;
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
    if (ip_view_is_fragment(&v))
        return;
    l4_view l4;
    if (v.h.protocol == IPPROTO_UDP_NUM && udp_view_parse(&v, &l4) == WIRE_OK) {
        out->has_ports = 1;
        out->src_port = l4.src_port;
        out->dst_port = l4.dst_port;
    } else if (v.h.protocol == IPPROTO_TCP_NUM && tcp_view_parse(&v, &l4) == WIRE_OK) {
        out->has_ports = 1;
        out->src_port = l4.src_port;
        out->dst_port = l4.dst_port;
        out->has_tcp = 1;
        out->tcp_flags = l4.tcp_flags;
        out->tcp_seq = l4.tcp_seq;
        out->tcp_ack = l4.tcp_ack;
        out->tcp_window = l4.tcp_window;
        out->tcp_payload_len = (uint16_t)l4.data_len; /* within an IP total_len */
    }
    if (v.h.protocol != IPPROTO_ICMP_NUM)
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

static bool port_is_dhcp(uint16_t port) {
    return port == DHCP_SERVER_PORT || port == DHCP_CLIENT_PORT;
}

/* " 10.0.0.10", or "" for 0.0.0.0 (an address the message does not give). */
static void addr_text(ipv4_addr a, char buf[IPV4_TEXT_LEN + 1]) {
    buf[0] = '\0';
    if (a != 0) {
        buf[0] = ' ';
        ipv4_format(a, buf + 1);
    }
}

/* The summary of a parsed DHCP message: its type, the address it is about
 * (offered, requested, assigned or released) and the transaction id. */
static void describe_dhcp_message(const dhcp_message *m, char *out, size_t cap) {
    char mac[MAC_TEXT_LEN], addr[IPV4_TEXT_LEN + 1], lease[32] = "";
    mac_format(m->chaddr, mac);
    const char *name = dhcp_message_type_name(m->message_type);
    switch (m->message_type) {
    case 0: /* no option 53: plain BOOTP (RFC 951) */
        addr_text(m->yiaddr, addr);
        if (m->op == BOOTP_OP_REQUEST)
            snprintf(out, cap, "BOOTP request xid=0x%08lx from %s", (unsigned long)m->xid, mac);
        else
            snprintf(out, cap, "BOOTP reply%s to %s xid=0x%08lx", addr, mac, (unsigned long)m->xid);
        return;
    case DHCP_DISCOVER:
        snprintf(out, cap, "DHCP %s xid=0x%08lx from %s", name, (unsigned long)m->xid, mac);
        return;
    case DHCP_OFFER:
        addr_text(m->yiaddr, addr);
        snprintf(out, cap, "DHCP %s%s to %s xid=0x%08lx", name, addr, mac, (unsigned long)m->xid);
        return;
    case DHCP_REQUEST:
        /* SELECTING and INIT-REBOOT name the address in option 50;
         * RENEWING and REBINDING in ciaddr (RFC 2131 section 4.3.2). */
        addr_text(m->requested_ip != 0 ? m->requested_ip : m->ciaddr, addr);
        break;
    case DHCP_DECLINE:
        addr_text(m->requested_ip, addr);
        break;
    case DHCP_ACK:
        addr_text(m->yiaddr, addr);
        if (m->lease_time == UINT32_MAX)
            snprintf(lease, sizeof lease, " lease infinite");
        else if (m->lease_time != 0)
            snprintf(lease, sizeof lease, " lease %lus", (unsigned long)m->lease_time);
        break;
    case DHCP_RELEASE:
    case DHCP_INFORM:
        addr_text(m->ciaddr, addr);
        break;
    case DHCP_NAK:
        addr[0] = '\0';
        break;
    default:
        snprintf(out, cap, "DHCP type %u xid=0x%08lx", m->message_type, (unsigned long)m->xid);
        return;
    }
    snprintf(out, cap, "DHCP %s%s%s xid=0x%08lx", name, addr, lease, (unsigned long)m->xid);
}

/* A record type's mnemonic, or "TYPE<n>" (RFC 3597 section 5). */
static const char *dns_type_text(uint16_t type, char buf[12]) {
    const char *name = dns_type_name(type);
    if (name != NULL)
        return name;
    snprintf(buf, 12, "TYPE%u", type);
    return buf;
}

/* The root name prints as ".", every other name as it is. */
static const char *dns_name_text(const char *name) {
    return name[0] == '\0' ? "." : name;
}

/* The summary of a parsed DNS message: the first question, then for a
 * response its answers (A as the address, CNAME as "CNAME target", other
 * types by mnemonic) or its error rcode. */
static void describe_dns_message(const dns_message *m, char *out, size_t cap) {
    char type_buf[12], text[DNS_NAME_TEXT_LEN + 32];
    const dns_question *q = m->qdcount > 0 ? &m->questions[0] : NULL;
    snprintf(out, cap, "DNS %s", m->qr ? "response" : "query");
    if (m->qr && m->rcode != DNS_RCODE_NOERROR) {
        const char *rcode = dns_rcode_name(m->rcode);
        if (q != NULL) {
            append_text(out, cap, " ");
            append_text(out, cap, dns_name_text(q->name));
        }
        if (rcode != NULL)
            snprintf(text, sizeof text, " %s", rcode);
        else
            snprintf(text, sizeof text, " rcode %u", m->rcode);
        append_text(out, cap, text);
    } else {
        if (q != NULL) {
            snprintf(text, sizeof text, " %s %s", dns_type_text(q->type, type_buf),
                     dns_name_text(q->name));
            append_text(out, cap, text);
        }
        if (m->qr && m->ancount == 0)
            append_text(out, cap, " (no answer)");
        for (size_t i = 0; m->qr && i < m->ancount; i++) {
            const dns_rr *rr = &m->answers[i];
            append_text(out, cap, i == 0 ? " = " : ", ");
            if (rr->type == DNS_TYPE_A)
                ipv4_format(rr->a, text);
            else if (rr->type == DNS_TYPE_CNAME)
                snprintf(text, sizeof text, "CNAME %s", dns_name_text(rr->cname));
            else
                snprintf(text, sizeof text, "%s", dns_type_text(rr->type, type_buf));
            append_text(out, cap, text);
        }
    }
    snprintf(text, sizeof text, " id=0x%04x", m->id);
    append_text(out, cap, text);
}

/* A DHCP or DNS message that does not parse: named with the reason and the
 * addresses, as a damaged UDP header is. */
static void describe_app_error(const char *app, int err, const ip_view *v, const l4_view *u,
                               char *out, size_t cap) {
    snprintf(out, cap, "%s (%s) %s:%u > %s:%u ttl=%u", app, wire_strerror(err), v->src, u->src_port,
             v->dst, u->dst_port, v->h.ttl);
}

static void describe_udp(const ip_view *v, char *out, size_t cap) {
    l4_view u;
    int err = udp_view_parse(v, &u);
    if (err != WIRE_OK) {
        snprintf(out, cap, "UDP (%s) %s > %s ttl=%u", wire_strerror(err), v->src, v->dst, v->h.ttl);
        return;
    }
    if (port_is_dhcp(u.src_port) || port_is_dhcp(u.dst_port)) {
        dhcp_message m;
        err = dhcp_parse(u.data, u.data_len, &m);
        if (err == WIRE_OK)
            describe_dhcp_message(&m, out, cap);
        else
            describe_app_error("DHCP", err, v, &u, out, cap);
        return;
    }
    if (u.src_port == DNS_PORT || u.dst_port == DNS_PORT) {
        dns_message m;
        err = dns_parse(u.data, u.data_len, &m);
        if (err == WIRE_OK)
            describe_dns_message(&m, out, cap);
        else
            describe_app_error("DNS", err, v, &u, out, cap);
        return;
    }
    snprintf(out, cap, "UDP %s:%u > %s:%u len=%zu ttl=%u", v->src, u.src_port, v->dst, u.dst_port,
             u.data_len, v->h.ttl);
}

static void describe_tcp(const ip_view *v, char *out, size_t cap) {
    l4_view t;
    int err = tcp_view_parse(v, &t);
    if (err != WIRE_OK) {
        snprintf(out, cap, "TCP (%s) %s > %s ttl=%u", wire_strerror(err), v->src, v->dst, v->h.ttl);
        return;
    }
    char flag_text[TCP_FLAGS_TEXT_LEN];
    tcp_flags_text(t.tcp_flags, flag_text);
    char ack_text[24] = "";
    if (t.tcp_flags & TCP_ACK)
        snprintf(ack_text, sizeof ack_text, " ack=%lu", (unsigned long)t.tcp_ack);
    /* The options as tcpdump words them (NOPs left out), when they parse. */
    char opt_text[TCP_OPTIONS_TEXT_LEN + 16] = "";
    size_t header_len = (size_t)(t.data - v->payload);
    tcp_options opt = tcp_options_none();
    if (header_len > DESC_TCP_MIN_HEADER_LEN &&
        tcp_options_parse(v->payload + DESC_TCP_MIN_HEADER_LEN,
                          header_len - DESC_TCP_MIN_HEADER_LEN, &opt) == WIRE_OK) {
        char words[TCP_OPTIONS_TEXT_LEN];
        if (tcp_options_text(&opt, words, sizeof words)[0])
            snprintf(opt_text, sizeof opt_text, " options [%s]", words);
    }
    snprintf(out, cap, "TCP %s:%u > %s:%u [%s] seq=%lu%s win=%u len=%zu ttl=%u%s", v->src,
             t.src_port, v->dst, t.dst_port, flag_text, (unsigned long)t.tcp_seq, ack_text,
             t.tcp_window, t.data_len, v->h.ttl, opt_text);
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
