/*
 * fuzz_frame: libFuzzer harness for the wire formats. The input is one raw
 * Ethernet frame as captured (no preamble, no FCS). It goes through
 * frame_decode and frame_describe, then layer by layer through the parsers:
 * eth_parse; by EtherType arp_parse or ipv4_header_parse; by IP protocol
 * icmp_parse, udp_parse or tcp_parse (and the IPv4 header an ICMP error
 * quotes); and the data of every UDP datagram through dhcp_parse and
 * dns_parse.
 *
 * Every parse that succeeds is followed by a round trip: emit the struct,
 * parse the bytes again, and check the struct is the same (abort otherwise,
 * so libFuzzer saves the input). What "the same" means follows each emit's
 * contract: Ethernet and ARP give back the very bytes parsed; IPv4 emits no
 * options (header_len becomes 20) and clears the reserved flag bit; TCP
 * rewrites its options in Linux's layout (header_len follows
 * tcp_header_len_for); ICMP changes nothing but the checksum. A checksum
 * must come back equal wherever emit wrote the same header, except that
 * 0x0000 and 0xffff are the same ones'-complement value (RFC 1624 section 3),
 * and a UDP checksum of 0 means "none". DNS emits no authority or additional
 * records and refuses answers other than A and CNAME. Emit with one byte
 * too little room must fail cleanly (DHCP, DNS), and frame_describe must stay
 * NUL-terminated and cut its text as a prefix of the full summary for any
 * capacity.
 *
 * Each input runs twice: as given, and with the IPv4, ICMP, UDP and TCP
 * checksums recomputed, so mutations deep inside a datagram reach the inner
 * parsers instead of stopping at a checksum mismatch.
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */

#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "wire/addr.h"
#include "wire/arp.h"
#include "wire/checksum.h"
#include "wire/describe.h"
#include "wire/dhcp.h"
#include "wire/dns.h"
#include "wire/ethernet.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/udp.h"
#include "wire/wire.h"

#define FUZZ_MAX_FRAME  (ETH_HEADER_LEN + 65535) /* an IPv4 datagram's largest size */
#define FUZZ_DESC_LEN   512
#define FUZZ_DNS_BUF    8192 /* more than 4 questions and 8 answers can take */
#define FUZZ_IPV4_DEPTH 2    /* a datagram and the header an ICMP error quotes */
#define FUZZ_DNS_A_LEN  4    /* RDLENGTH of an A record */

/* Field offsets used to recompute checksums (RFC 791, 792, 768, 9293). */
enum {
    OFF_ETHERTYPE = 12,
    OFF_IP_TOTAL_LEN = 2,
    OFF_IP_PROTOCOL = 9,
    OFF_IP_CHECKSUM = 10,
    OFF_IP_SRC = 12,
    OFF_IP_DST = 16,
    OFF_ICMP_CHECKSUM = 2,
    OFF_UDP_LEN = 4,
    OFF_UDP_CHECKSUM = 6,
    OFF_TCP_CHECKSUM = 16,
};

/* Two checksum fields that both verify: equal, or the two zeros. */
static bool same_checksum(uint16_t a, uint16_t b) {
    return a == b || ((a == 0 || a == 0xffff) && (b == 0 || b == 0xffff));
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    FUZZ_CHECK(p != NULL, "harness allocation");
    return p;
}

/* ---- Ethernet, ARP ------------------------------------------------------- */

static bool eth_same(const eth_header *a, const eth_header *b) {
    return mac_equal(a->dst, b->dst) && mac_equal(a->src, b->src) && a->ethertype == b->ethertype;
}

static void check_arp(const uint8_t *p, size_t len) {
    arp_packet a;
    if (arp_parse(p, len, &a) != WIRE_OK)
        return;
    uint8_t b[ARP_PACKET_LEN];
    arp_emit(&a, b);
    FUZZ_CHECK(memcmp(b, p, ARP_PACKET_LEN) == 0, "ARP emit gives back the parsed bytes");
    arp_packet again;
    FUZZ_CHECK(arp_parse(b, sizeof b, &again) == WIRE_OK, "emitted ARP parses");
    FUZZ_CHECK(again.op == a.op && mac_equal(again.sender_mac, a.sender_mac) &&
                   again.sender_ip == a.sender_ip && mac_equal(again.target_mac, a.target_mac) &&
                   again.target_ip == a.target_ip,
               "ARP round trip");
}

/* ---- DHCP, DNS (UDP data) ------------------------------------------------ */

static bool dhcp_same(const dhcp_message *a, const dhcp_message *b) {
    if (a->op != b->op || a->hops != b->hops || a->xid != b->xid || a->secs != b->secs ||
        a->broadcast != b->broadcast || a->ciaddr != b->ciaddr || a->yiaddr != b->yiaddr ||
        a->siaddr != b->siaddr || a->giaddr != b->giaddr || !mac_equal(a->chaddr, b->chaddr) ||
        a->message_type != b->message_type || a->subnet_mask != b->subnet_mask ||
        a->router != b->router || a->dns_count != b->dns_count ||
        a->requested_ip != b->requested_ip || a->lease_time != b->lease_time ||
        a->server_id != b->server_id)
        return false;
    for (size_t i = 0; i < a->dns_count && i < DHCP_MAX_DNS_SERVERS; i++)
        if (a->dns_servers[i] != b->dns_servers[i])
            return false;
    return true;
}

static void check_dhcp(const uint8_t *p, size_t len) {
    dhcp_message m;
    if (dhcp_parse(p, len, &m) != WIRE_OK)
        return;
    FUZZ_CHECK(m.dns_count <= DHCP_MAX_DNS_SERVERS, "DHCP keeps at most 4 DNS servers");
    size_t need = dhcp_buffer_len(&m);
    FUZZ_CHECK(need >= DHCP_BOOTP_LEN, "DHCP emit pads to 300 bytes");
    uint8_t *b = xmalloc(need);

    /* One byte short: refused, nothing written. */
    memset(b, 0xa5, need);
    FUZZ_CHECK(dhcp_emit(&m, b, need - 1) == WIRE_ERR_TRUNCATED, "DHCP emit checks its room");
    for (size_t i = 0; i < need; i++)
        FUZZ_CHECK(b[i] == 0xa5, "a refused DHCP emit writes nothing");

    FUZZ_CHECK(dhcp_emit(&m, b, need) == (int)need, "DHCP emit writes dhcp_buffer_len bytes");
    dhcp_message again;
    FUZZ_CHECK(dhcp_parse(b, need, &again) == WIRE_OK, "emitted DHCP parses");
    FUZZ_CHECK(dhcp_same(&m, &again), "DHCP round trip");
    free(b);
}

static void check_dns_name(const char *name) {
    FUZZ_CHECK(memchr(name, '\0', DNS_NAME_TEXT_LEN) != NULL, "DNS name terminated");
    FUZZ_CHECK(dns_name_is_valid(name), "a parsed DNS name is valid for emit");
}

static bool dns_rr_same(const dns_rr *a, const dns_rr *b) {
    if (strcmp(a->name, b->name) != 0 || a->type != b->type || a->rclass != b->rclass ||
        a->ttl != b->ttl)
        return false;
    if (a->type == DNS_TYPE_A)
        return a->a == b->a && a->rdlength == FUZZ_DNS_A_LEN && b->rdlength == a->rdlength;
    if (a->type == DNS_TYPE_CNAME)
        return strcmp(a->cname, b->cname) == 0; /* rdlength changes with compression */
    return true;
}

static void check_dns(const uint8_t *p, size_t len) {
    static dns_message m, again; /* about 6 KB each: off the stack */
    if (dns_parse(p, len, &m) != WIRE_OK)
        return;
    FUZZ_CHECK(m.qdcount <= DNS_MAX_QUESTIONS && m.ancount <= DNS_MAX_ANSWERS,
               "DNS counts within the arrays");
    FUZZ_CHECK(m.opcode <= 15 && m.z <= 7 && m.rcode <= 15, "DNS header fields fit their bits");
    bool emittable = true;
    for (size_t i = 0; i < m.qdcount; i++)
        check_dns_name(m.questions[i].name);
    for (size_t i = 0; i < m.ancount; i++) {
        const dns_rr *rr = &m.answers[i];
        check_dns_name(rr->name);
        if (rr->type == DNS_TYPE_CNAME)
            check_dns_name(rr->cname);
        else if (rr->type != DNS_TYPE_A)
            emittable = false;
    }

    uint8_t *b = xmalloc(FUZZ_DNS_BUF);
    int n = dns_emit(&m, b, FUZZ_DNS_BUF);
    if (!emittable) {
        FUZZ_CHECK(n == WIRE_ERR_UNSUPPORTED, "DNS emit refuses answers other than A and CNAME");
        free(b);
        return;
    }
    FUZZ_CHECK(n >= DNS_HEADER_LEN, "DNS emit writes a message parse accepted");
    FUZZ_CHECK(dns_parse(b, (size_t)n, &again) == WIRE_OK, "emitted DNS parses");
    bool same = m.id == again.id && m.qr == again.qr && m.opcode == again.opcode &&
                m.aa == again.aa && m.tc == again.tc && m.rd == again.rd && m.ra == again.ra &&
                m.z == again.z && m.rcode == again.rcode && m.qdcount == again.qdcount &&
                m.ancount == again.ancount && again.nscount == 0 && again.arcount == 0;
    for (size_t i = 0; same && i < m.qdcount; i++)
        same = strcmp(m.questions[i].name, again.questions[i].name) == 0 &&
               m.questions[i].type == again.questions[i].type &&
               m.questions[i].qclass == again.questions[i].qclass;
    for (size_t i = 0; same && i < m.ancount; i++)
        same = dns_rr_same(&m.answers[i], &again.answers[i]);
    FUZZ_CHECK(same, "DNS round trip");

    /* With one byte too little room, emit fails and stays inside the buffer. */
    uint8_t *tight = xmalloc((size_t)n - 1);
    FUZZ_CHECK(dns_emit(&m, tight, (size_t)n - 1) == WIRE_ERR_TRUNCATED,
               "DNS emit checks its room");
    free(tight);
    free(b);
}

/* ---- ICMP, UDP, TCP ------------------------------------------------------ */

static void check_ipv4(const uint8_t *p, size_t len, int depth);

static void check_icmp(const uint8_t *p, size_t len, int depth) {
    icmp_header h;
    if (icmp_parse(p, len, &h) != WIRE_OK)
        return;
    uint8_t *b = xmalloc(len);
    memcpy(b, p, len);
    icmp_emit(&h, b, len);
    size_t after = OFF_ICMP_CHECKSUM + 2;
    FUZZ_CHECK(memcmp(b, p, OFF_ICMP_CHECKSUM) == 0 &&
                   memcmp(b + after, p + after, len - after) == 0,
               "ICMP emit changes only the checksum");
    icmp_header again;
    FUZZ_CHECK(icmp_parse(b, len, &again) == WIRE_OK, "emitted ICMP parses");
    FUZZ_CHECK(again.type == h.type && again.code == h.code && again.id == h.id &&
                   again.seq == h.seq && same_checksum(again.checksum, h.checksum),
               "ICMP round trip");
    free(b);
    /* Errors quote the offending datagram's header after the 8 bytes. */
    if ((h.type == ICMP_DEST_UNREACHABLE || h.type == ICMP_TIME_EXCEEDED) && len > ICMP_HEADER_LEN)
        check_ipv4(p + ICMP_HEADER_LEN, len - ICMP_HEADER_LEN, depth + 1);
}

static void check_udp(const uint8_t *p, size_t len, ipv4_addr src, ipv4_addr dst) {
    udp_header h;
    if (udp_parse(p, len, src, dst, &h) != WIRE_OK)
        return;
    FUZZ_CHECK(h.length >= UDP_HEADER_LEN && h.length <= len, "UDP length within the datagram");
    uint8_t *b = xmalloc(h.length);
    memcpy(b, p, h.length);
    udp_emit(&h, b, h.length, src, dst);
    udp_header again;
    FUZZ_CHECK(udp_parse(b, h.length, src, dst, &again) == WIRE_OK, "emitted UDP parses");
    FUZZ_CHECK(again.src_port == h.src_port && again.dst_port == h.dst_port &&
                   again.length == h.length && again.checksum != 0 &&
                   (h.checksum == 0 || again.checksum == h.checksum),
               "UDP round trip");
    free(b);
    check_dhcp(p + UDP_HEADER_LEN, h.length - UDP_HEADER_LEN);
    check_dns(p + UDP_HEADER_LEN, h.length - UDP_HEADER_LEN);
}

static bool tcp_options_same(const tcp_options *a, const tcp_options *b) {
    return a->mss == b->mss && a->window_scale == b->window_scale &&
           a->sack_permitted == b->sack_permitted && a->has_timestamps == b->has_timestamps &&
           (!a->has_timestamps || (a->ts_val == b->ts_val && a->ts_ecr == b->ts_ecr));
}

static void check_tcp(const uint8_t *p, size_t len, ipv4_addr src, ipv4_addr dst) {
    tcp_header h;
    if (tcp_parse(p, len, src, dst, &h) != WIRE_OK)
        return;
    FUZZ_CHECK(h.header_len >= TCP_HEADER_LEN && h.header_len <= len &&
                   h.header_len <= TCP_MAX_HEADER_LEN,
               "TCP header within the segment");
    FUZZ_CHECK(h.opt.window_scale >= -1 && h.opt.window_scale <= 14, "window scale -1 or 0-14");
    size_t hl = tcp_header_len_for(&h.opt);
    FUZZ_CHECK(hl >= TCP_HEADER_LEN && hl <= TCP_MAX_HEADER_LEN && hl % 4 == 0,
               "tcp_header_len_for is a valid data offset");
    size_t data = len - h.header_len, n = hl + data;
    uint8_t *b = xmalloc(n);
    memcpy(b + hl, p + h.header_len, data);
    tcp_emit(&h, b, n, src, dst);
    tcp_header again;
    FUZZ_CHECK(tcp_parse(b, n, src, dst, &again) == WIRE_OK, "emitted TCP parses");
    bool same_bytes =
        hl == h.header_len && memcmp(b, p, OFF_TCP_CHECKSUM) == 0 &&
        memcmp(b + OFF_TCP_CHECKSUM + 2, p + OFF_TCP_CHECKSUM + 2, hl - OFF_TCP_CHECKSUM - 2) == 0;
    FUZZ_CHECK(again.src_port == h.src_port && again.dst_port == h.dst_port && again.seq == h.seq &&
                   again.ack == h.ack && again.flags == h.flags && again.window == h.window &&
                   again.urgent == h.urgent && again.header_len == hl &&
                   tcp_options_same(&again.opt, &h.opt) &&
                   (!same_bytes || same_checksum(again.checksum, h.checksum)),
               "TCP round trip");
    free(b);
}

/* ---- IPv4 ---------------------------------------------------------------- */

static bool ipv4_same(const ipv4_header *a, const ipv4_header *b) {
    return a->tos == b->tos && a->id == b->id && a->dont_fragment == b->dont_fragment &&
           a->more_fragments == b->more_fragments && a->frag_offset == b->frag_offset &&
           a->ttl == b->ttl && a->protocol == b->protocol && a->src == b->src && a->dst == b->dst;
}

static void check_ipv4(const uint8_t *p, size_t len, int depth) {
    ipv4_header h;
    if (depth >= FUZZ_IPV4_DEPTH || ipv4_header_parse(p, len, &h) != WIRE_OK)
        return;
    FUZZ_CHECK(h.header_len >= IPV4_HEADER_LEN && h.header_len <= h.total_len && h.total_len <= len,
               "IPv4 lengths within the buffer");
    const uint8_t *payload = p + h.header_len;
    size_t plen = (size_t)h.total_len - h.header_len;

    /* Round trip: emit writes 20 bytes without options, then the payload. */
    size_t n = IPV4_HEADER_LEN + plen;
    uint8_t *b = xmalloc(n);
    ipv4_header out = h;
    out.total_len = (uint16_t)n;
    ipv4_emit(&out, b);
    memcpy(b + IPV4_HEADER_LEN, payload, plen);
    ipv4_header again;
    FUZZ_CHECK(ipv4_header_parse(b, n, &again) == WIRE_OK, "emitted IPv4 parses");
    /* The checksum must agree when emit wrote the same header (not when the
     * input had options, or the reserved flag bit that emit clears). */
    bool same_bytes = h.header_len == IPV4_HEADER_LEN && memcmp(b, p, OFF_IP_CHECKSUM) == 0 &&
                      memcmp(b + OFF_IP_SRC, p + OFF_IP_SRC, IPV4_HEADER_LEN - OFF_IP_SRC) == 0;
    FUZZ_CHECK(ipv4_same(&again, &h) && again.header_len == IPV4_HEADER_LEN &&
                   again.total_len == n &&
                   (!same_bytes || same_checksum(again.checksum, h.checksum)),
               "IPv4 round trip");
    free(b);

    switch (h.protocol) {
    case IPPROTO_ICMP_NUM:
        check_icmp(payload, plen, depth);
        break;
    case IPPROTO_UDP_NUM:
        check_udp(payload, plen, h.src, h.dst);
        break;
    case IPPROTO_TCP_NUM:
        check_tcp(payload, plen, h.src, h.dst);
        break;
    default:
        break;
    }
}

/* ---- whole frames -------------------------------------------------------- */

static void check_describe(const uint8_t *f, size_t n) {
    frame_info fi;
    frame_decode(f, n, &fi);
    FUZZ_CHECK(fi.proto != NULL, "frame_decode always sets proto");
    if (fi.has_arp || fi.has_ip) {
        FUZZ_CHECK(n >= ETH_HEADER_LEN, "a decoded layer lies inside the frame");
        FUZZ_CHECK(fi.ethertype == (fi.has_arp ? ETHERTYPE_ARP : ETHERTYPE_IPV4),
                   "decoded layer matches the EtherType");
    }
    if (fi.has_ip) {
        ipv4_header h;
        FUZZ_CHECK(ipv4_header_parse(f + ETH_HEADER_LEN, n - ETH_HEADER_LEN, &h) == WIRE_OK &&
                       h.src == fi.ip_src && h.dst == fi.ip_dst && h.ttl == fi.ttl,
                   "has_ip only for a header that parses, with its fields");
    }
    if (fi.has_tcp)
        FUZZ_CHECK(fi.has_ports, "has_tcp implies has_ports");

    char full[FUZZ_DESC_LEN];
    frame_describe(f, n, full, sizeof full);
    size_t full_len = strnlen(full, sizeof full);
    FUZZ_CHECK(full_len < sizeof full, "frame_describe NUL-terminates");
    if (full_len + 1 >= sizeof full)
        return; /* the summary was itself cut: nothing to compare the short ones with */

    /* Every smaller room gives a NUL-terminated prefix of the full text. Try
     * a few sizes, including cutting just before the end. */
    size_t caps[] = {1, 2, 7, full_len / 2 + 1, full_len, full_len + 1};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        size_t cap = caps[i];
        if (cap == 0)
            continue;
        char *small = xmalloc(cap);
        frame_describe(f, n, small, cap);
        size_t got = strnlen(small, cap);
        FUZZ_CHECK(got < cap, "a short frame_describe NUL-terminates");
        FUZZ_CHECK(got == (cap - 1 < full_len ? cap - 1 : full_len) &&
                       memcmp(small, full, got) == 0,
                   "a short frame_describe is a prefix of the full summary");
        free(small);
    }
}

static void check_frame(const uint8_t *f, size_t n) {
    check_describe(f, n);
    eth_header e;
    int rc = eth_parse(f, n, &e);
    if (rc == WIRE_ERR_TRUNCATED)
        return;
    /* eth_parse fills *out for 802.3 length frames too (WIRE_ERR_UNSUPPORTED). */
    uint8_t b[ETH_HEADER_LEN];
    eth_emit(&e, b);
    FUZZ_CHECK(memcmp(b, f, ETH_HEADER_LEN) == 0, "Ethernet emit gives back the parsed bytes");
    eth_header again;
    FUZZ_CHECK(eth_parse(b, sizeof b, &again) == rc && eth_same(&again, &e), "Ethernet round trip");
    if (rc != WIRE_OK)
        return;
    if (e.ethertype == ETHERTYPE_ARP)
        check_arp(f + ETH_HEADER_LEN, n - ETH_HEADER_LEN);
    else if (e.ethertype == ETHERTYPE_IPV4)
        check_ipv4(f + ETH_HEADER_LEN, n - ETH_HEADER_LEN, 0);
}

/* The TCP/UDP pseudo-header sum (RFC 768, RFC 9293 section 3.1). */
static uint32_t pseudo_sum(ipv4_addr src, ipv4_addr dst, uint8_t protocol, size_t len) {
    uint8_t ph[12];
    wire_put32(ph, src);
    wire_put32(ph + 4, dst);
    ph[8] = 0;
    ph[9] = protocol;
    wire_put16(ph + 10, (uint16_t)len);
    return checksum_add(0, ph, sizeof ph);
}

/* Rewrites every checksum of an IPv4 frame that can be located, innermost first. */
static void repair_checksums(uint8_t *f, size_t n) {
    if (n < ETH_HEADER_LEN + IPV4_HEADER_LEN || wire_get16(f + OFF_ETHERTYPE) != ETHERTYPE_IPV4)
        return;
    uint8_t *ip = f + ETH_HEADER_LEN;
    size_t len = n - ETH_HEADER_LEN, hl = (size_t)(ip[0] & 0x0f) * 4;
    if (ip[0] >> 4 != 4 || hl < IPV4_HEADER_LEN || hl > len)
        return;
    size_t total = wire_get16(ip + OFF_IP_TOTAL_LEN);
    if (total >= hl && total <= len) {
        uint8_t *l4 = ip + hl;
        size_t l4len = total - hl;
        ipv4_addr src = wire_get32(ip + OFF_IP_SRC), dst = wire_get32(ip + OFF_IP_DST);
        uint8_t proto = ip[OFF_IP_PROTOCOL];
        if (proto == IPPROTO_ICMP_NUM && l4len >= ICMP_HEADER_LEN) {
            wire_put16(l4 + OFF_ICMP_CHECKSUM, 0);
            wire_put16(l4 + OFF_ICMP_CHECKSUM, checksum_compute(l4, l4len));
        } else if (proto == IPPROTO_UDP_NUM && l4len >= UDP_HEADER_LEN) {
            size_t ulen = wire_get16(l4 + OFF_UDP_LEN);
            if (ulen >= UDP_HEADER_LEN && ulen <= l4len) {
                wire_put16(l4 + OFF_UDP_CHECKSUM, 0);
                uint16_t sum = udp_checksum(l4, ulen, src, dst);
                wire_put16(l4 + OFF_UDP_CHECKSUM, sum == 0 ? 0xffff : sum);
            }
        } else if (proto == IPPROTO_TCP_NUM && l4len >= TCP_HEADER_LEN) {
            wire_put16(l4 + OFF_TCP_CHECKSUM, 0);
            uint32_t sum = pseudo_sum(src, dst, IPPROTO_TCP_NUM, l4len);
            wire_put16(l4 + OFF_TCP_CHECKSUM, checksum_finish(checksum_add(sum, l4, l4len)));
        }
    }
    wire_put16(ip + OFF_IP_CHECKSUM, 0);
    wire_put16(ip + OFF_IP_CHECKSUM, checksum_compute(ip, hl));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > FUZZ_MAX_FRAME)
        return 0;
    check_frame(data, size);
    uint8_t *fixed = xmalloc(size);
    memcpy(fixed, data, size);
    repair_checksums(fixed, size);
    if (memcmp(fixed, data, size) != 0)
        check_frame(fixed, size);
    free(fixed);
    return 0;
}
