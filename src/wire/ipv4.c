/*
 * ipv4: the IPv4 header, RFC 791 section 3.1. Invariants: parse validates the
 * header only (version, ihl, total length, header checksum) and never reads
 * past len; emit always writes a 20-byte header without options and a correct
 * checksum. Fragmentation fields are carried, not acted on.
 */
#include "wire/ipv4.h"

#include <assert.h>

#include "wire/checksum.h"
#include "wire/wire.h"

#define IPV4_VERSION          4
#define IPV4_MIN_IHL          5      /* 32-bit words: the fixed 20-byte header */
#define IPV4_FLAG_DF          0x4000 /* RFC 791 3.1 "Flags", bit 1 */
#define IPV4_FLAG_MF          0x2000 /* bit 2; bit 0 is reserved and ignored */
#define IPV4_FRAG_OFFSET_MASK 0x1fff

/* Checks, in this order, so the first problem a reader would meet is the one
 * reported: the fixed header fits (truncated), version and ihl (malformed),
 * the options fit (truncated), total_len covers the header (malformed) and
 * fits in len (truncated; bytes past total_len are link padding), then the
 * checksum over the whole header including options (RFC 791 3.1 "Header
 * Checksum"). *out is written only on WIRE_OK. */
int ipv4_header_parse(const uint8_t *buf, size_t len, ipv4_header *out) {
    if (len < IPV4_HEADER_LEN)
        return WIRE_ERR_TRUNCATED;
    uint8_t version = buf[IPV4_OFF_VER_IHL] >> 4;
    uint8_t ihl = buf[IPV4_OFF_VER_IHL] & 0x0f;
    if (version != IPV4_VERSION || ihl < IPV4_MIN_IHL)
        return WIRE_ERR_MALFORMED;
    size_t header_len = (size_t)ihl * 4;
    if (header_len > len)
        return WIRE_ERR_TRUNCATED;
    uint16_t total_len = wire_get16(buf + IPV4_OFF_TOTAL_LEN);
    if (total_len < header_len)
        return WIRE_ERR_MALFORMED;
    if (total_len > len)
        return WIRE_ERR_TRUNCATED;
    if (checksum_compute(buf, header_len) != 0)
        return WIRE_ERR_CHECKSUM;

    uint16_t flags_frag = wire_get16(buf + IPV4_OFF_FLAGS_FRAG);
    out->header_len = (uint8_t)header_len;
    out->tos = buf[IPV4_OFF_TOS];
    out->total_len = total_len;
    out->id = wire_get16(buf + IPV4_OFF_ID);
    out->dont_fragment = (flags_frag & IPV4_FLAG_DF) != 0;
    out->more_fragments = (flags_frag & IPV4_FLAG_MF) != 0;
    out->frag_offset = flags_frag & IPV4_FRAG_OFFSET_MASK;
    out->ttl = buf[IPV4_OFF_TTL];
    out->protocol = buf[IPV4_OFF_PROTOCOL];
    out->checksum = wire_get16(buf + IPV4_OFF_CHECKSUM);
    out->src = wire_get32(buf + IPV4_OFF_SRC);
    out->dst = wire_get32(buf + IPV4_OFF_DST);
    return WIRE_OK;
}

void ipv4_emit(const ipv4_header *h, uint8_t *buf) {
    assert(h->frag_offset <= IPV4_FRAG_OFFSET_MASK);
    assert(h->total_len >= IPV4_HEADER_LEN);
    uint16_t flags_frag = h->frag_offset;
    if (h->dont_fragment)
        flags_frag |= IPV4_FLAG_DF;
    if (h->more_fragments)
        flags_frag |= IPV4_FLAG_MF;

    buf[IPV4_OFF_VER_IHL] = IPV4_VERSION << 4 | IPV4_MIN_IHL;
    buf[IPV4_OFF_TOS] = h->tos;
    wire_put16(buf + IPV4_OFF_TOTAL_LEN, h->total_len);
    wire_put16(buf + IPV4_OFF_ID, h->id);
    wire_put16(buf + IPV4_OFF_FLAGS_FRAG, flags_frag);
    buf[IPV4_OFF_TTL] = h->ttl;
    buf[IPV4_OFF_PROTOCOL] = h->protocol;
    wire_put16(buf + IPV4_OFF_CHECKSUM, 0);
    wire_put32(buf + IPV4_OFF_SRC, h->src);
    wire_put32(buf + IPV4_OFF_DST, h->dst);
    wire_put16(buf + IPV4_OFF_CHECKSUM, checksum_compute(buf, IPV4_HEADER_LEN));
}

/* RFC 1624 section 3, eqn. 3: HC' = ~(~HC + ~m + m'), where m is the 16-bit
 * word holding TTL and protocol before the change and m' after it. Unlike
 * eqn. 2 it cannot turn a correct checksum into 0xffff, and unlike a full
 * recomputation it costs the same for a header with options (RFC 1812
 * section 5.3.1 lets routers update the checksum this way). */
void ipv4_decrement_ttl(uint8_t *buf) {
    assert(buf[IPV4_OFF_TTL] >= 1);
    uint16_t old_word = wire_get16(buf + IPV4_OFF_TTL);
    buf[IPV4_OFF_TTL]--;
    uint16_t new_word = wire_get16(buf + IPV4_OFF_TTL);
    uint32_t sum =
        (uint32_t)(uint16_t)~wire_get16(buf + IPV4_OFF_CHECKSUM) + (uint16_t)~old_word + new_word;
    wire_put16(buf + IPV4_OFF_CHECKSUM, checksum_finish(sum));
}

void ipv4_update_checksum(uint8_t *buf) {
    size_t header_len = ipv4_get_header_len(buf);
    wire_put16(buf + IPV4_OFF_CHECKSUM, 0);
    wire_put16(buf + IPV4_OFF_CHECKSUM, checksum_compute(buf, header_len));
}

uint32_t ipv4_pseudo_header_sum(ipv4_addr src, ipv4_addr dst, uint8_t protocol, uint16_t len) {
    uint8_t pseudo[12];
    wire_put32(pseudo, src);
    wire_put32(pseudo + 4, dst);
    pseudo[8] = 0;
    pseudo[9] = protocol;
    wire_put16(pseudo + 10, len);
    return checksum_add(0, pseudo, sizeof pseudo);
}

const char *ipv4_protocol_name(uint8_t protocol) {
    switch (protocol) {
    case IPPROTO_ICMP_NUM:
        return "ICMP";
    case IPPROTO_TCP_NUM:
        return "TCP";
    case IPPROTO_UDP_NUM:
        return "UDP";
    default:
        return NULL;
    }
}
