/*
 * frame: one Ethernet frame's bytes plus the bookkeeping that follows it
 * through the simulation. A frame has exactly one owner at a time: whoever
 * receives a frame* (a receive function, port_send) consumes it and must
 * forward or free it on every path; fan-out (hub, flood) clones.
 */
#ifndef NETSIM_NET_FRAME_H
#define NETSIM_NET_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX_VISITED 8

typedef struct frame {
    uint32_t packet_id;  /* the journey this frame belongs to; survives forwarding */
    uint16_t len;        /* bytes in data: Ethernet header and payload, no FCS */
    uint32_t l2_hops;    /* switches crossed since a host or router emitted it */
    uint32_t link_epoch; /* the link's epoch when the frame went on it (see link.epoch) */
    uint32_t visited[FRAME_MAX_VISITED]; /* ids of the last switches crossed, for loop detection */
    bool retransmission; /* a TCP segment sent again (trace_event.retransmission); survives
                            forwarding */
    uint8_t data[];
} frame;

/* A zero-filled frame of `len` bytes. Exits via ns_out_of_memory on allocation failure. */
frame *frame_new(size_t len);

/* An exact copy, bookkeeping included. Exits via ns_out_of_memory on allocation failure. */
frame *frame_clone(const frame *f);

/* NULL is a no-op. */
void frame_free(frame *f);

/* frame_free with the engine's dropper signature, for frames carried by events. */
void frame_drop(void *f);

#endif
