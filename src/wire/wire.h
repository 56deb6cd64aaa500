/*
 * wire: packet formats only, no state. Each protocol has a host-order struct,
 * a parse function (bytes -> struct, validating) and an emit function
 * (struct -> bytes). Multi-byte fields are read and written with explicit
 * big-endian helpers; no packed struct is ever cast over a buffer.
 */
#ifndef NETSIM_WIRE_WIRE_H
#define NETSIM_WIRE_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Results of every parse function. */
enum {
    WIRE_OK = 0,
    WIRE_ERR_TRUNCATED = -1,   /* fewer bytes than the header or its length field says */
    WIRE_ERR_MALFORMED = -2,   /* a field has a value the format forbids */
    WIRE_ERR_CHECKSUM = -3,    /* the checksum does not verify */
    WIRE_ERR_UNSUPPORTED = -4, /* valid, but not something netsim speaks (IP options...) */
};

/* A short English name of a WIRE_ERR_* value ("truncated", ...). */
const char *wire_strerror(int err);

static inline uint16_t wire_get16(const uint8_t *p) {
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}
static inline uint32_t wire_get32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void wire_put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void wire_put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
