/*
 * dissect: a frame taken apart layer by layer and field by field, as a
 * packet inspector shows it (Wireshark's names for the fields, textbook
 * meanings beside the values): Ethernet II, ARP, IPv4, ICMP (with the quoted
 * header of an error), UDP, TCP (options included), DHCP, DNS and HTTP.
 *
 * Every field names its bytes (offset and length from the frame's start),
 * so a hex dump can light them up; checksums are verified ("correct", or
 * "incorrect, should be 0x1234"). Nothing is allocated and nothing is kept:
 * the caller's visitor receives each layer and each field as it is read, all
 * strings borrowed for the call. Malformed or truncated input stops the
 * dissection at the first layer that does not fit, after a field saying so.
 */
#ifndef NETSIM_WIRE_DISSECT_H
#define NETSIM_WIRE_DISSECT_H

#include <stddef.h>
#include <stdint.h>

typedef struct dissect_field {
    const char *name;    /* "Time to Live", "Flags", "Option: (53) DHCP Message Type" */
    size_t off, len;     /* bytes from the frame's start */
    const char *value;   /* "63", "0x0012", "ff:ff:ff:ff:ff:ff" */
    const char *meaning; /* NULL, or what the value says: "SYN, ACK", "correct" */
    const char *bits;    /* NULL, or for a field of a few bits within its bytes the
                            mask as Wireshark draws it: "0100 ....", "010. .... .... ...." */
} dissect_field;

typedef struct dissect_visitor {
    /* A new layer: "Ethernet II", "Internet Protocol Version 4", ... whose
     * header (and, for application data, payload) is frame[off .. off+len). */
    void (*layer)(void *ctx, const char *name, size_t off, size_t len);
    /* A field of the last layer reported. */
    void (*field)(void *ctx, const dissect_field *f);
    void *ctx;
} dissect_visitor;

/* Dissects the Ethernet II frame frame[0 .. len) (no FCS), reporting to `v`
 * (borrowed) its layers in order, each followed by its fields. */
void dissect_frame(const uint8_t *frame, size_t len, const dissect_visitor *v);

#endif
