/*
 * trace: the one trace bus. Devices never print: every step they take (send,
 * receive, repeat, learn, flood, drop, ...) is emitted here as a structured
 * event with a short why, and sinks (text, JSON Lines, pcap, state) subscribe.
 * A new output format never touches a device.
 *
 * Invariant: an event and everything it points to is borrowed for the duration
 * of the emit call only; a sink that keeps anything copies it.
 */
#ifndef NETSIM_TRACE_TRACE_H
#define NETSIM_TRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    TRACE_SEND,      /* a device put a frame on one of its ports */
    TRACE_RECEIVE,   /* a frame arrived at a port and was accepted */
    TRACE_REPEAT,    /* a hub repeated a frame out of its other ports */
    TRACE_COLLIDE,   /* a transmission collided on a shared medium */
    TRACE_BACKOFF,   /* a station backs off before retrying (CSMA/CD) */
    TRACE_LEARN,     /* a switch learned (or moved) a MAC address */
    TRACE_FLOOD,     /* a switch sent a frame out of every port but the ingress */
    TRACE_FILTER,    /* a switch discarded a frame whose destination is on the ingress port */
    TRACE_FORWARD,   /* a switch (or router) forwarded a frame out of one port */
    TRACE_DELIVER,   /* a packet reached its destination's stack or application */
    TRACE_DROP,      /* a frame or packet was discarded; why says which rule */
    TRACE_ARP,       /* an ARP cache entry was created, changed or removed */
    TRACE_TABLE,     /* another table changed (a MAC table entry aged out...) */
    TRACE_STATE,     /* a connection changed state (TCP: "SYN-SENT -> ESTABLISHED") */
    TRACE_TRANSLATE, /* a NAT box rewrote addresses and ports ("a:p -> b:q") */
    TRACE_APP,       /* an application printed a line (ping's output) */
    TRACE_WIRE,      /* a frame crossed a link (for captures; not shown in text) */
    TRACE_RUN,       /* the run itself: start, limits, storm suspected, end */
} trace_kind;

/* "send", "receive", ... as shown in traces. */
const char *trace_kind_name(trace_kind k);

typedef struct trace_event {
    uint64_t time; /* simulated nanoseconds */
    trace_kind kind;
    const char *device;   /* device name, or NULL for run events */
    const char *port;     /* port name, or NULL */
    int link;             /* link index for TRACE_WIRE, else -1 */
    const uint8_t *frame; /* the frame's bytes (Ethernet II, no FCS), or NULL */
    size_t frame_len;
    uint32_t packet_id; /* the journey the frame belongs to; 0 if none */
    const char *why;    /* short reason ("destination MAC unknown"), or NULL */
    const char *detail; /* extra text (entry learned, app output), or NULL */
} trace_event;

typedef struct trace_sink {
    void (*emit)(void *self, const trace_event *ev);
    void *self;
} trace_sink;

typedef struct trace_bus trace_bus;

/* Caller frees with trace_bus_free. Returns NULL on allocation failure. */
trace_bus *trace_bus_new(void);

/* Frees the bus (not the sinks). NULL is a no-op. */
void trace_bus_free(trace_bus *bus);

/* Subscribes a sink; events reach sinks in subscription order. Aborts on
 * allocation failure. */
void trace_bus_subscribe(trace_bus *bus, trace_sink sink);

/* Whether any sink listens: devices may skip building details when not. */
bool trace_bus_active(const trace_bus *bus);

/* Hands the event to every sink. `bus` may be NULL (then nothing happens). */
void trace_emit(trace_bus *bus, const trace_event *ev);

#endif
