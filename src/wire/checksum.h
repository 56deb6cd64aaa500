/*
 * checksum: the Internet checksum (RFC 1071), with partial sums so a
 * pseudo-header and a payload can be summed separately (UDP, TCP).
 */
#ifndef NETSIM_WIRE_CHECKSUM_H
#define NETSIM_WIRE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Adds `len` bytes to a running 32-bit sum (odd lengths padded with a zero byte). */
uint32_t checksum_add(uint32_t sum, const uint8_t *data, size_t len);

/* Folds the carries and returns the ones' complement: the value to put on the wire. */
uint16_t checksum_finish(uint32_t sum);

/* checksum_finish(checksum_add(0, data, len)). A buffer whose checksum field is
 * correct sums to 0. */
uint16_t checksum_compute(const uint8_t *data, size_t len);

#endif
