/*
 * icmp: the ICMP header and message checksum, RFC 792. Invariants: parse
 * checks length and the checksum over the whole message, nothing else (any
 * type and code is accepted, so a trace can still name it); emit writes the
 * 8-byte header and checksums the whole message, whose data the caller has
 * already placed after it.
 */
#include "wire/icmp.h"

#include <assert.h>

#include "wire/checksum.h"
#include "wire/wire.h"

/* Types and codes icmp.h does not name, for icmp_describe_type only. */
#define ICMP_UNREACH_FRAG_NEEDED 4 /* RFC 792; RFC 1191 puts the MTU in seq */
#define ICMP_TIMESTAMP           13
#define ICMP_TIMESTAMP_REPLY     14

/* RFC 792: "The checksum is the 16-bit ones's complement of the one's
 * complement sum of the ICMP message starting with the ICMP Type." An odd
 * length is padded with a zero byte for the sum (checksum_add does that). */
int icmp_parse(const uint8_t *buf, size_t len, icmp_header *out) {
    if (len < ICMP_HEADER_LEN)
        return WIRE_ERR_TRUNCATED;
    if (checksum_compute(buf, len) != 0)
        return WIRE_ERR_CHECKSUM;
    out->type = buf[ICMP_OFF_TYPE];
    out->code = buf[ICMP_OFF_CODE];
    out->checksum = wire_get16(buf + ICMP_OFF_CHECKSUM);
    out->id = wire_get16(buf + ICMP_OFF_ID);
    out->seq = wire_get16(buf + ICMP_OFF_SEQ);
    return WIRE_OK;
}

void icmp_emit(const icmp_header *h, uint8_t *buf, size_t len) {
    assert(len >= ICMP_HEADER_LEN);
    buf[ICMP_OFF_TYPE] = h->type;
    buf[ICMP_OFF_CODE] = h->code;
    wire_put16(buf + ICMP_OFF_CHECKSUM, 0);
    wire_put16(buf + ICMP_OFF_ID, h->id);
    wire_put16(buf + ICMP_OFF_SEQ, h->seq);
    wire_put16(buf + ICMP_OFF_CHECKSUM, checksum_compute(buf, len));
}

/* Names follow RFC 792's wording, shortened; unreachable codes 4 and 13 are
 * from RFC 792 and RFC 1812 section 5.2.7.1. */
static const char *unreachable_name(uint8_t code) {
    switch (code) {
    case ICMP_UNREACH_NET:
        return "destination unreachable (net)";
    case ICMP_UNREACH_HOST:
        return "destination unreachable (host)";
    case ICMP_UNREACH_PROTOCOL:
        return "destination unreachable (protocol)";
    case ICMP_UNREACH_PORT:
        return "destination unreachable (port)";
    case ICMP_UNREACH_FRAG_NEEDED:
        return "destination unreachable (fragmentation needed)";
    case ICMP_UNREACH_FILTERED:
        return "destination unreachable (administratively prohibited)";
    default:
        return "destination unreachable";
    }
}

const char *icmp_describe_type(uint8_t type, uint8_t code) {
    switch (type) {
    case ICMP_ECHO_REPLY:
        return "echo reply";
    case ICMP_DEST_UNREACHABLE:
        return unreachable_name(code);
    case ICMP_SOURCE_QUENCH:
        return "source quench";
    case ICMP_REDIRECT:
        return "redirect";
    case ICMP_ECHO_REQUEST:
        return "echo request";
    case ICMP_TIME_EXCEEDED:
        if (code == ICMP_TIME_EXCEEDED_TTL)
            return "time exceeded (TTL)";
        if (code == ICMP_TIME_EXCEEDED_REASSEMBLY)
            return "time exceeded (reassembly)";
        return "time exceeded";
    case ICMP_PARAMETER_PROBLEM:
        return "parameter problem";
    case ICMP_TIMESTAMP:
        return "timestamp request";
    case ICMP_TIMESTAMP_REPLY:
        return "timestamp reply";
    default:
        return "unknown type";
    }
}
