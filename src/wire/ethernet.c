/*
 * ethernet: the 14-byte Ethernet II header (destination, source, EtherType).
 * Invariants: reads and writes exactly ETH_HEADER_LEN bytes; never pads or
 * touches the payload (padding to ETH_MIN_FRAME_LEN is the frame builder's job).
 */
#include "wire/ethernet.h"

#include <string.h>

#include "wire/wire.h"

/* Values below this are an IEEE 802.3 length field, not an EtherType
 * (IEEE 802.3 clause 3.2.6: 0x0600 = 1536 is the first type value). */
#define ETH_MIN_ETHERTYPE 0x0600

/* On WIRE_ERR_UNSUPPORTED *out is still filled in, so a trace can name the
 * addresses of an 802.3 frame it does not decode further. */
int eth_parse(const uint8_t *buf, size_t len, eth_header *out) {
    if (len < ETH_HEADER_LEN)
        return WIRE_ERR_TRUNCATED;
    memcpy(out->dst.b, buf + ETH_OFF_DST, 6);
    memcpy(out->src.b, buf + ETH_OFF_SRC, 6);
    out->ethertype = wire_get16(buf + ETH_OFF_TYPE);
    if (out->ethertype < ETH_MIN_ETHERTYPE)
        return WIRE_ERR_UNSUPPORTED;
    return WIRE_OK;
}

void eth_emit(const eth_header *h, uint8_t *buf) {
    memcpy(buf + ETH_OFF_DST, h->dst.b, 6);
    memcpy(buf + ETH_OFF_SRC, h->src.b, 6);
    wire_put16(buf + ETH_OFF_TYPE, h->ethertype);
}
