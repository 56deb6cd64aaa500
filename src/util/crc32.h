/*
 * crc32: the CRC-32 of zlib, gzip, PNG and Ethernet's FCS (ISO-HDLC: the
 * reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF),
 * so a checksum printed here can be checked with Python's zlib.crc32 or
 * `crc32 FILE` on any machine.
 */
#ifndef NETSIM_UTIL_CRC32_H
#define NETSIM_UTIL_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* zlib's crc32(crc, buf, len): starts from `crc` (0 for a new checksum) and
 * returns the CRC of everything so far, so chunks can be fed one by one:
 * crc32_update(crc32_update(0, a, n), b, m) is the CRC of a followed by b.
 * `buf` may be NULL when len is 0. */
uint32_t crc32_update(uint32_t crc, const uint8_t *buf, size_t len);

#endif
