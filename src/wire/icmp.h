/*
 * icmp: ICMP messages (RFC 792): an 8-byte header, then data. For echo
 * request/reply the last four header bytes are identifier and sequence number;
 * for errors they are unused (or the next-hop MTU) and the data quotes the
 * offending IP header plus its first 8 payload bytes.
 */
#ifndef NETSIM_WIRE_ICMP_H
#define NETSIM_WIRE_ICMP_H

#include <stddef.h>
#include <stdint.h>

#define ICMP_HEADER_LEN 8

/* Field offsets (RFC 792). */
enum {
    ICMP_OFF_TYPE = 0,
    ICMP_OFF_CODE = 1,
    ICMP_OFF_CHECKSUM = 2,
    ICMP_OFF_ID = 4,  /* echo "Identifier"; errors: "unused" */
    ICMP_OFF_SEQ = 6, /* echo "Sequence Number"; frag needed: next-hop MTU */
};

/* An error quotes the offending IP header and this many bytes of its
 * payload (RFC 792): the ports, or an echo's identifier and sequence. */
#define ICMP_QUOTED_PAYLOAD 8

#define ICMP_ECHO_REPLY        0
#define ICMP_DEST_UNREACHABLE  3
#define ICMP_SOURCE_QUENCH     4
#define ICMP_REDIRECT          5
#define ICMP_ECHO_REQUEST      8
#define ICMP_TIME_EXCEEDED     11
#define ICMP_PARAMETER_PROBLEM 12

/* Codes of destination unreachable (RFC 792, RFC 1812 section 5.2.7.1). */
#define ICMP_UNREACH_NET      0
#define ICMP_UNREACH_HOST     1
#define ICMP_UNREACH_PROTOCOL 2
#define ICMP_UNREACH_PORT     3
#define ICMP_UNREACH_FILTERED 13 /* communication administratively prohibited */

/* Codes of time exceeded. */
#define ICMP_TIME_EXCEEDED_TTL        0
#define ICMP_TIME_EXCEEDED_REASSEMBLY 1

typedef struct icmp_header {
    uint8_t type;
    uint8_t code;
    uint16_t checksum; /* as read by parse; emit computes it */
    uint16_t id;       /* echo: identifier; other types: first half of the rest */
    uint16_t seq;      /* echo: sequence number; other types: second half */
} icmp_header;

/* Parses an ICMP message of `len` bytes (the whole IP payload) and verifies
 * its checksum over all `len` bytes. */
int icmp_parse(const uint8_t *buf, size_t len, icmp_header *out);

/* Writes the 8-byte header at buf and computes the checksum over the whole
 * message buf[0 .. len), whose data must already be in place at buf + 8. */
void icmp_emit(const icmp_header *h, uint8_t *buf, size_t len);

/* A short name for a type/code: "echo request", "echo reply",
 * "destination unreachable (host)", "time exceeded (TTL)", ... Never NULL. */
const char *icmp_describe_type(uint8_t type, uint8_t code);

#endif
