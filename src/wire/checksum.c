/* checksum: the Internet checksum, RFC 1071 section 4.1. */
#include "wire/checksum.h"

uint32_t checksum_add(uint32_t sum, const uint8_t *data, size_t len) {
    size_t i = 0;
    for (; i + 1 < len; i += 2) {
        sum += (uint32_t)data[i] << 8 | data[i + 1];
        if (sum & 0x80000000u) /* fold early so the sum never overflows */
            sum = (sum & 0xffff) + (sum >> 16);
    }
    if (i < len)
        sum += (uint32_t)data[i] << 8;
    return sum;
}

uint16_t checksum_finish(uint32_t sum) {
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t checksum_compute(const uint8_t *data, size_t len) {
    return checksum_finish(checksum_add(0, data, len));
}
