/*
 * units: the text forms of durations and bit rates used by topologies and the
 * command line ("1.5ms", "300s", "100Mbps", "2GiB").
 */
#ifndef NETSIM_UTIL_UNITS_H
#define NETSIM_UTIL_UNITS_H

#include <stdint.h>

/* Parses a non-negative decimal number followed by a unit: ns, us, ms, s
 * ("250us", "1.5s", "0ms"). At most nanosecond precision; a result that does not
 * fit 64 bits is an error. Returns 0, or -1 if malformed. */
int units_parse_duration(const char *text, uint64_t *ns);

/* Parses a positive decimal number followed by bps, kbps, Mbps or Gbps
 * ("100Mbps", "1.5Gbps"; decimal multiples of 1000). Returns 0, or -1 if malformed
 * or zero. */
int units_parse_bitrate(const char *text, uint64_t *bits_per_second);

/* Parses a whole number of bytes with an optional binary unit: B, K or KiB,
 * M or MiB, G or GiB, T or TiB ("512M", "2GiB", "4096"). Returns 0, or -1 if
 * malformed or too large for 64 bits. */
int units_parse_size(const char *text, uint64_t *bytes);

/* Writes a duration in the shortest exact unit ("300s", "1500us", "0s") into
 * buf[cap]; returns buf. */
char *units_format_duration(uint64_t ns, char *buf, unsigned cap);

#endif
