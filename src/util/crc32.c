/*
 * crc32: table-driven, one byte per step (Sarwate's method) over the
 * reflected polynomial 0xEDB88320. The table is built once, on first use,
 * from the polynomial; it is the same table zlib ships.
 */
#include "util/crc32.h"

#include <stdbool.h>

static uint32_t crc32_table[256];
static bool crc32_ready;

static void crc32_build_table(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc32_table[n] = c;
    }
    crc32_ready = true;
}

uint32_t crc32_update(uint32_t crc, const uint8_t *buf, size_t len) {
    if (!crc32_ready)
        crc32_build_table();
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = crc32_table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}
