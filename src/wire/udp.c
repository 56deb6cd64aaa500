/* udp: RFC 768 header and checksum (pseudo-header per RFC 768 "Fields"). */
#include "wire/udp.h"

#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

enum { OFF_SRC = 0, OFF_DST = 2, OFF_LEN = 4, OFF_SUM = 6 };

uint16_t udp_checksum(const uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst) {
    uint8_t pseudo[12];
    wire_put32(pseudo, src);
    wire_put32(pseudo + 4, dst);
    pseudo[8] = 0;
    pseudo[9] = IPPROTO_UDP_NUM;
    wire_put16(pseudo + 10, (uint16_t)len);
    uint32_t sum = checksum_add(0, pseudo, sizeof pseudo);
    return checksum_finish(checksum_add(sum, buf, len));
}

int udp_parse(const uint8_t *buf, size_t len, ipv4_addr src, ipv4_addr dst, udp_header *out) {
    if (len < UDP_HEADER_LEN)
        return WIRE_ERR_TRUNCATED;
    udp_header h = {
        .src_port = wire_get16(buf + OFF_SRC),
        .dst_port = wire_get16(buf + OFF_DST),
        .length = wire_get16(buf + OFF_LEN),
        .checksum = wire_get16(buf + OFF_SUM),
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
    wire_put16(buf + OFF_SRC, h->src_port);
    wire_put16(buf + OFF_DST, h->dst_port);
    wire_put16(buf + OFF_LEN, (uint16_t)len);
    wire_put16(buf + OFF_SUM, 0);
    uint16_t sum = udp_checksum(buf, len, src, dst);
    wire_put16(buf + OFF_SUM, sum == 0 ? 0xffff : sum);
}
