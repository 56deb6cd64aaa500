/* udp: RFC 768 header and checksum (pseudo-header per RFC 768 "Fields"). */
#include "wire/udp.h"

#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

uint16_t udp_checksum(const uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst) {
    uint32_t sum = ipv4_pseudo_header_sum(src, dst, IPPROTO_UDP_NUM, (uint16_t)len);
    return checksum_finish(checksum_add(sum, buf, len));
}

int udp_parse(const uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst, udp_header *out) {
    if (len < UDP_HEADER_LEN)
        return WIRE_ERR_TRUNCATED;
    udp_header h = {
        .src_port = wire_get16(buf + UDP_OFF_SRC_PORT),
        .dst_port = wire_get16(buf + UDP_OFF_DST_PORT),
        .length = wire_get16(buf + UDP_OFF_LEN),
        .checksum = wire_get16(buf + UDP_OFF_CHECKSUM),
    };
    if (h.length < UDP_HEADER_LEN)
        return WIRE_ERR_MALFORMED;
    if (h.length > len)
        return WIRE_ERR_TRUNCATED;
    if (h.checksum != 0 && udp_checksum(buf, h.length, src, dst) != 0)
        return WIRE_ERR_CHECKSUM;
    *out = h;
    return WIRE_OK;
}

void udp_emit(const udp_header *h, uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst) {
    wire_put16(buf + UDP_OFF_SRC_PORT, h->src_port);
    wire_put16(buf + UDP_OFF_DST_PORT, h->dst_port);
    wire_put16(buf + UDP_OFF_LEN, (uint16_t)len);
    wire_put16(buf + UDP_OFF_CHECKSUM, 0);
    uint16_t sum = udp_checksum(buf, len, src, dst);
    wire_put16(buf + UDP_OFF_CHECKSUM, sum == 0 ? 0xffff : sum);
}
