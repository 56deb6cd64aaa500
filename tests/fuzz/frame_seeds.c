/*
 * frame_seeds: writes seed frames for fuzz_frame that the lecture topologies
 * do not produce (they send ARP, ICMP and traceroute's UDP only): TCP with
 * every option netsim knows, DHCP's four messages, DNS queries and answers
 * with compression, an IPv4 header with options, a fragment, ICMP errors
 * quoting a datagram, and an IEEE 802.3 length frame. Frames are built with
 * the wire emitters, so every checksum is right and the fuzzer starts from
 * inputs that reach the innermost parsers. Generated at run time (no binary
 * files in the repository).
 *
 * It also splits captures into one file per frame, for the frames the
 * simulator itself sends (pcap_to_corpus.sh runs every lecture topology and
 * passes the captures here). A frame is named by a hash of its bytes, so the
 * same frame seen on several links is written once.
 *
 * Usage: frame_seeds DIR [PCAP...]   writes DIR/seed-<name> and
 * DIR/pcap-<hash>; exit status 0, or 1 if a file cannot be read or written,
 * a capture is malformed, or an emitter refuses a seed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "wire/addr.h"
#include "wire/arp.h"
#include "wire/checksum.h"
#include "wire/dhcp.h"
#include "wire/dns.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/udp.h"
#include "wire/wire.h"

#define SEED_MAX        1600
#define PCAP_MAX_RECORD 262144 /* the usual snap length */

static const char *out_dir;
static int failures;

static const mac_addr MAC_A = {{0x02, 0x00, 0x00, 0x01, 0x00, 0x01}};
static const mac_addr MAC_B = {{0x02, 0x00, 0x00, 0x02, 0x00, 0x01}};
#define IP_A      0x0a000001u /* 10.0.0.1 */
#define IP_B      0x0a000002u /* 10.0.0.2 */
#define IP_SERVER 0x0a0000feu /* 10.0.0.254 */

/* Writes DIR/name. */
static void save_named(const char *name, const uint8_t *frame, size_t len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(frame, 1, len, f) != len) {
        fprintf(stderr, "frame_seeds: cannot write %s\n", path);
        failures++;
    }
    if (f && fclose(f) != 0)
        failures++;
}

/* Writes DIR/seed-name. */
static void save(const char *name, const uint8_t *frame, size_t len) {
    char full[256];
    snprintf(full, sizeof full, "seed-%s", name);
    save_named(full, frame, len);
}

/* Ethernet and IPv4 headers around a payload already at frame + 34; returns
 * the frame length (padded to 60 bytes as a NIC would). */
static size_t wrap_ipv4(uint8_t *frame, mac_addr src, mac_addr dst, ipv4_addr ip_src,
                        ipv4_addr ip_dst, uint8_t protocol, size_t payload_len) {
    eth_header e = {.dst = dst, .src = src, .ethertype = ETHERTYPE_IPV4};
    eth_emit(&e, frame);
    ipv4_header h = {.header_len = IPV4_HEADER_LEN,
                     .total_len = (uint16_t)(IPV4_HEADER_LEN + payload_len),
                     .id = 0x1c46,
                     .dont_fragment = true,
                     .ttl = 64,
                     .protocol = protocol,
                     .src = ip_src,
                     .dst = ip_dst};
    ipv4_emit(&h, frame + ETH_HEADER_LEN);
    size_t len = ETH_HEADER_LEN + IPV4_HEADER_LEN + payload_len;
    while (len < ETH_MIN_FRAME_LEN)
        frame[len++] = 0;
    return len;
}

#define L4 (ETH_HEADER_LEN + IPV4_HEADER_LEN)

static void seed_udp(const char *name, uint16_t sport, uint16_t dport, ipv4_addr src, ipv4_addr dst,
                     const uint8_t *data, size_t n) {
    uint8_t f[SEED_MAX] = {0};
    memcpy(f + L4 + UDP_HEADER_LEN, data, n);
    udp_header u = {.src_port = sport, .dst_port = dport};
    udp_emit(&u, f + L4, UDP_HEADER_LEN + n, src, dst);
    save(name, f, wrap_ipv4(f, MAC_A, MAC_B, src, dst, IPPROTO_UDP_NUM, UDP_HEADER_LEN + n));
}

static void seed_tcp(const char *name, uint8_t flags, const tcp_options *opt, const char *data) {
    uint8_t f[SEED_MAX] = {0};
    tcp_header t = {.src_port = 49152,
                    .dst_port = 80,
                    .seq = 1000,
                    .ack = (flags & TCP_ACK) ? 5001 : 0,
                    .flags = flags,
                    .window = 65535,
                    .opt = *opt};
    size_t hl = tcp_header_len_for(opt), n = strlen(data);
    memcpy(f + L4 + hl, data, n);
    tcp_emit(&t, f + L4, hl + n, IP_A, IP_B);
    save(name, f, wrap_ipv4(f, MAC_A, MAC_B, IP_A, IP_B, IPPROTO_TCP_NUM, hl + n));
}

static void seed_dhcp(const char *name, const dhcp_message *m) {
    uint8_t data[SEED_MAX];
    int n = dhcp_emit(m, data, sizeof data);
    if (n < 0) {
        fprintf(stderr, "frame_seeds: dhcp_emit refused %s\n", name);
        failures++;
        return;
    }
    bool request = m->op == BOOTP_OP_REQUEST;
    seed_udp(name, request ? DHCP_CLIENT_PORT : DHCP_SERVER_PORT,
             request ? DHCP_SERVER_PORT : DHCP_CLIENT_PORT, request ? 0 : IP_SERVER,
             request ? 0xffffffffu : IP_A, data, (size_t)n);
}

static void seed_dns(const char *name, const dns_message *m) {
    uint8_t data[SEED_MAX];
    int n = dns_emit(m, data, sizeof data);
    if (n < 0) {
        fprintf(stderr, "frame_seeds: dns_emit refused %s\n", name);
        failures++;
        return;
    }
    seed_udp(name, m->qr ? DNS_PORT : 53000, m->qr ? 53000 : DNS_PORT, m->qr ? IP_SERVER : IP_A,
             m->qr ? IP_A : IP_SERVER, data, (size_t)n);
}

static void seeds_tcp(void) {
    tcp_options none = tcp_options_none();
    tcp_options syn = {
        .mss = 1460, .window_scale = 7, .sack_permitted = true, .has_timestamps = true};
    syn.ts_val = 12345;
    tcp_options sack_only = tcp_options_none();
    sack_only.sack_permitted = true;
    seed_tcp("tcp-syn-options", TCP_SYN, &syn, "");
    seed_tcp("tcp-syn-sack", TCP_SYN, &sack_only, "");
    seed_tcp("tcp-data", TCP_PSH | TCP_ACK, &none, "GET / HTTP/1.0\r\n\r\n");
    seed_tcp("tcp-fin", TCP_FIN | TCP_ACK, &none, "");
    seed_tcp("tcp-rst", TCP_RST, &none, "");
}

static void seeds_dhcp(void) {
    dhcp_message d = {.op = BOOTP_OP_REQUEST, .xid = 0x3903f326, .broadcast = true};
    d.chaddr = MAC_A;
    d.message_type = DHCP_DISCOVER;
    seed_dhcp("dhcp-discover", &d);
    d.message_type = DHCP_REQUEST;
    d.requested_ip = 0x0a00000a;
    d.server_id = IP_SERVER;
    seed_dhcp("dhcp-request", &d);

    dhcp_message o = {.op = BOOTP_OP_REPLY, .xid = 0x3903f326, .yiaddr = 0x0a00000a};
    o.chaddr = MAC_A;
    o.message_type = DHCP_OFFER;
    o.server_id = IP_SERVER;
    o.lease_time = 3600;
    o.subnet_mask = 0xffffff00;
    o.router = IP_SERVER;
    o.dns_count = 2;
    o.dns_servers[0] = IP_SERVER;
    o.dns_servers[1] = 0x08080808;
    seed_dhcp("dhcp-offer", &o);
    o.message_type = DHCP_ACK;
    seed_dhcp("dhcp-ack", &o);
    o.message_type = DHCP_NAK;
    seed_dhcp("dhcp-nak", &o);
}

static void seeds_dns(void) {
    dns_message q;
    if (dns_query_init(&q, 0x1234, "www.example.com", DNS_TYPE_A) != WIRE_OK) {
        failures++;
        return;
    }
    seed_dns("dns-query", &q);
    dns_message r;
    dns_response_init(&r, &q, DNS_RCODE_NOERROR);
    dns_add_cname(&r, "www.example.com", "example.com", 300);
    dns_add_a(&r, "example.com", 0x5db8d822, 300);
    seed_dns("dns-cname-a", &r);
    dns_response_init(&r, &q, DNS_RCODE_NXDOMAIN);
    seed_dns("dns-nxdomain", &r);

    /* A response with an AAAA answer and an EDNS OPT record, which dns_emit
     * does not write: bytes as a real resolver sends them. */
    static const uint8_t aaaa[] = {
        0xbe, 0xef, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, /* header */
        0x03, 'w',  'w',  'w',  0x07, 'e',  'x',  'a',  'm',  'p',  'l',  'e',
        0x03, 'c',  'o',  'm',  0x00, 0x00, 0x1c, 0x00, 0x01,                   /* question AAAA */
        0xc0, 0x0c, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x10, /* answer */
        0x26, 0x06, 0x28, 0x00, 0x02, 0x20, 0x00, 0x01, 0x02, 0x48, 0x18, 0x93,
        0x25, 0xc8, 0x19, 0x46,                                            /* 2606:2800:220:1:... */
        0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}; /* OPT */
    seed_udp("dns-aaaa-opt", DNS_PORT, 53000, IP_SERVER, IP_A, aaaa, sizeof aaaa);
}

static void seeds_ip(void) {
    uint8_t f[SEED_MAX] = {0};
    /* ICMP echo request with 8 data bytes inside a header with options (ihl 6:
     * four NOPs), which netsim parses but never emits. */
    eth_header e = {.dst = MAC_B, .src = MAC_A, .ethertype = ETHERTYPE_IPV4};
    eth_emit(&e, f);
    uint8_t *ip = f + ETH_HEADER_LEN;
    size_t icmp_len = ICMP_HEADER_LEN + 8;
    ip[0] = 0x46;
    wire_put16(ip + 2, (uint16_t)(24 + icmp_len));
    ip[8] = 64;
    ip[9] = IPPROTO_ICMP_NUM;
    wire_put32(ip + 12, IP_A);
    wire_put32(ip + 16, IP_B);
    memset(ip + 20, 1, 4);
    wire_put16(ip + 10, checksum_compute(ip, 24));
    icmp_header echo = {.type = ICMP_ECHO_REQUEST, .id = 0xb3f2, .seq = 1};
    memcpy(ip + 24 + ICMP_HEADER_LEN, "netsim!!", 8);
    icmp_emit(&echo, ip + 24, icmp_len);
    save("ipv4-options-echo", f, ETH_HEADER_LEN + 24 + icmp_len);

    /* A first fragment (MF set) of a UDP datagram. */
    memset(f, 0, sizeof f);
    udp_header u = {.src_port = 5000, .dst_port = 9};
    memset(f + L4 + UDP_HEADER_LEN, 'x', 32);
    udp_emit(&u, f + L4, UDP_HEADER_LEN + 32, IP_A, IP_B);
    size_t len = wrap_ipv4(f, MAC_A, MAC_B, IP_A, IP_B, IPPROTO_UDP_NUM, UDP_HEADER_LEN + 32);
    ip = f + ETH_HEADER_LEN;
    wire_put16(ip + 6, 0x2000); /* MF, offset 0 */
    wire_put16(ip + 10, 0);
    wire_put16(ip + 10, checksum_compute(ip, IPV4_HEADER_LEN));
    save("ipv4-fragment", f, len);

    /* ICMP errors quoting a UDP probe's header and first 8 bytes (RFC 792). */
    static const struct {
        const char *name;
        uint8_t type, code;
    } errors[] = {{"icmp-port-unreachable", ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT},
                  {"icmp-time-exceeded", ICMP_TIME_EXCEEDED, ICMP_TIME_EXCEEDED_TTL},
                  {"icmp-frag-needed", ICMP_DEST_UNREACHABLE, 4}};
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        memset(f, 0, sizeof f);
        uint8_t *q = f + L4 + ICMP_HEADER_LEN; /* the quoted datagram */
        ipv4_header quoted = {.header_len = IPV4_HEADER_LEN,
                              .total_len = 60,
                              .ttl = 1,
                              .protocol = IPPROTO_UDP_NUM,
                              .src = IP_A,
                              .dst = 0x0a000303};
        ipv4_emit(&quoted, q);
        udp_header probe = {.src_port = 49152, .dst_port = 33434};
        udp_emit(&probe, q + IPV4_HEADER_LEN, 40, IP_A, 0x0a000303);
        size_t n = ICMP_HEADER_LEN + IPV4_HEADER_LEN + 8;
        icmp_header h = {.type = errors[i].type, .code = errors[i].code, .seq = 1400};
        icmp_emit(&h, f + L4, n);
        save(errors[i].name, f, wrap_ipv4(f, MAC_B, MAC_A, IP_SERVER, IP_A, IPPROTO_ICMP_NUM, n));
    }

    /* An ARP reply and an IEEE 802.3 frame (length 38, LLC/STP-like). */
    memset(f, 0, sizeof f);
    eth_header ae = {.dst = MAC_A, .src = MAC_B, .ethertype = ETHERTYPE_ARP};
    eth_emit(&ae, f);
    arp_packet reply = {.op = ARP_OP_REPLY,
                        .sender_mac = MAC_B,
                        .sender_ip = IP_B,
                        .target_mac = MAC_A,
                        .target_ip = IP_A};
    arp_emit(&reply, f + ETH_HEADER_LEN);
    save("arp-reply", f, ETH_MIN_FRAME_LEN);
    memset(f, 0, sizeof f);
    eth_header llc = {.dst = {{0x01, 0x80, 0xc2, 0, 0, 0}}, .src = MAC_A, .ethertype = 38};
    eth_emit(&llc, f);
    f[14] = 0x42;
    f[15] = 0x42;
    f[16] = 0x03;
    save("ieee8023-llc", f, ETH_MIN_FRAME_LEN);
}

/* A pcap field: 32 bits in the file's byte order. */
static uint32_t pcap_u32(const uint8_t *p, bool swapped) {
    return swapped ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                   : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* 64-bit FNV-1a, to name a frame by its content. */
static uint64_t fnv1a(const uint8_t *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* Writes every record of a classic pcap file (either timestamp precision,
 * either byte order; 24-byte file header, 16-byte record headers). */
static void split_pcap(const char *path) {
    static uint8_t frame[PCAP_MAX_RECORD];
    uint8_t hdr[24];
    FILE *f = fopen(path, "rb");
    if (!f || fread(hdr, 1, sizeof hdr, f) != sizeof hdr) {
        fprintf(stderr, "frame_seeds: %s: cannot read a pcap header\n", path);
        failures++;
        if (f)
            fclose(f);
        return;
    }
    uint32_t magic = pcap_u32(hdr, false);
    bool swapped = magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u;
    if (!swapped && magic != 0xa1b2c3d4u && magic != 0xa1b23c4du) {
        fprintf(stderr, "frame_seeds: %s: not a pcap file\n", path);
        failures++;
        fclose(f);
        return;
    }
    uint8_t rec[16];
    size_t got;
    while ((got = fread(rec, 1, sizeof rec, f)) == sizeof rec) {
        uint32_t len = pcap_u32(rec + 8, swapped);
        if (len > sizeof frame || fread(frame, 1, len, f) != len) {
            fprintf(stderr, "frame_seeds: %s: truncated or oversized record\n", path);
            failures++;
            break;
        }
        char name[32];
        snprintf(name, sizeof name, "%016llx", (unsigned long long)fnv1a(frame, len));
        char full[64];
        snprintf(full, sizeof full, "pcap-%s", name);
        save_named(full, frame, len);
    }
    if (got != 0 && got != sizeof rec) {
        fprintf(stderr, "frame_seeds: %s: truncated record header\n", path);
        failures++;
    }
    fclose(f);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: frame_seeds DIR [PCAP...]\n");
        return 1;
    }
    out_dir = argv[1];
    seeds_tcp();
    seeds_dhcp();
    seeds_dns();
    seeds_ip();
    for (int i = 2; i < argc; i++)
        split_pcap(argv[i]);
    return failures ? 1 : 0;
}
