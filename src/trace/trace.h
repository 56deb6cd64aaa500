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

#include "wire/describe.h"

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
    TRACE_SHOW,      /* a script's "show": one device table at that instant (`show`) */
} trace_kind;

/* "send", "receive", ... as shown in traces. */
const char *trace_kind_name(trace_kind k);

/*
 * Why a frame or packet was dropped: one code per rule that can discard one.
 * Every TRACE_DROP event carries a code other than TRACE_REASON_NONE; the
 * prose `why` beside it says the same for a reader (and may add numbers).
 * The names (trace_reason_name) are stable: trace.jsonl writes them, and
 * docs/trace-format.md lists them all. New codes are only ever appended.
 */
typedef enum {
    TRACE_REASON_NONE = 0, /* not a drop */
    /* links and media */
    TRACE_REASON_LINK_DOWN,        /* the link is (or went) down */
    TRACE_REASON_LINK_LOSS,        /* the link's loss probability drew it */
    TRACE_REASON_PORT_UNCONNECTED, /* sent out of a port with no link */
    TRACE_REASON_DEVICE_OFF,       /* the sending, receiving or repeating device is off */
    TRACE_REASON_QUEUE_FULL,       /* the port's transmit queue is full */
    TRACE_REASON_COLLISION_LIMIT,  /* 16 collisions in a row (CSMA/CD gives up) */
    TRACE_REASON_LATE_COLLISION,   /* collided after its sender had finished */
    TRACE_REASON_NOT_IN_SEGMENT,   /* a hub port outside any segment (never happens) */
    /* Ethernet and malformed input */
    TRACE_REASON_MAC_NOT_OURS,         /* unicast to another NIC's MAC */
    TRACE_REASON_MULTICAST_NOT_JOINED, /* multicast to a group the NIC has not joined */
    TRACE_REASON_UNKNOWN_ETHERTYPE,    /* neither IPv4 nor ARP */
    TRACE_REASON_TRUNCATED,            /* shorter than a header or its length field says */
    TRACE_REASON_MALFORMED,            /* a header field has a forbidden value */
    TRACE_REASON_BAD_CHECKSUM,         /* a checksum does not verify */
    TRACE_REASON_UNSUPPORTED,          /* valid, but not spoken here (IP options...) */
    /* ARP */
    TRACE_REASON_ARP_NOT_OURS,    /* ARP packet for another host's address */
    TRACE_REASON_UNSOLICITED_ARP, /* ARP reply nobody asked for */
    TRACE_REASON_ARP_TIMEOUT,     /* waited for a MAC that never answered */
    TRACE_REASON_ARP_QUEUE_FULL,  /* too many packets waiting for one MAC */
    /* IPv4 */
    TRACE_REASON_IP_NOT_OURS,          /* for another host, and this one does not forward */
    TRACE_REASON_NO_ROUTE,             /* no route matches the destination */
    TRACE_REASON_TTL_EXPIRED,          /* a router got it with TTL 1 or 0 */
    TRACE_REASON_PROTOCOL_UNREACHABLE, /* no handler for its IP protocol */
    TRACE_REASON_FIREWALL_RULE,        /* a firewall rule dropped or rejected it */
    TRACE_REASON_FIREWALL_POLICY,      /* no rule matched and the default policy refuses */
    TRACE_REASON_NAT_NO_MAPPING,       /* inbound to the NAT box, no mapping or forward */
    TRACE_REASON_NAT_NO_PORT,          /* no free outside port for a new mapping */
    /* ICMP, UDP and sockets */
    TRACE_REASON_ICMP_UNHANDLED,    /* an ICMP type this stack does not handle */
    TRACE_REASON_NO_SOCKET,         /* no socket, listener or program waits for it */
    TRACE_REASON_PORT_IN_USE,       /* bind: the local port is taken (EADDRINUSE) */
    TRACE_REASON_NO_EPHEMERAL_PORT, /* no free ephemeral port (EAGAIN, EADDRNOTAVAIL) */
    TRACE_REASON_MESSAGE_TOO_LONG,  /* does not fit one datagram (EMSGSIZE) */
    /* TCP (RFC 9293 section 3.10.7; RFC 5961) */
    TRACE_REASON_TCP_NOT_UNICAST,      /* TCP to a broadcast address */
    TRACE_REASON_TCP_NO_SYN,           /* neither SYN nor RST where only a SYN opens */
    TRACE_REASON_TCP_NO_ACK,           /* no ACK bit on a synchronized connection */
    TRACE_REASON_TCP_UNACCEPTABLE_ACK, /* the ACK does not acknowledge our SYN */
    TRACE_REASON_TCP_ACK_UNSENT,       /* acknowledges data not yet sent */
    TRACE_REASON_TCP_RST_IGNORED,      /* an RST the state machine ignores */
    TRACE_REASON_TCP_RST_CHALLENGE,    /* RST in the window but not at RCV.NXT */
    TRACE_REASON_TCP_SYN_CHALLENGE,    /* SYN on a synchronized connection */
    TRACE_REASON_TCP_OLD_SEQUENCE,     /* everything in it was received already */
    TRACE_REASON_TCP_OUT_OF_WINDOW,    /* beyond the receive window */
    TRACE_REASON_TCP_NO_DATA_STATE,    /* data in a state that takes none */
    TRACE_REASON_STORM_STOPPED,        /* a switching loop stopped the run while it was in flight */
    TRACE_REASON_LINK_BROADCAST_NOT_FORWARDED, /* a router got a unicast IP packet in a
                                                  link-layer broadcast (RFC 1812 5.3.4) */
    TRACE_REASON_COUNT_
} trace_reason;

/* "ttl_expired", "no_route", ...; NULL for TRACE_REASON_NONE or an unknown value. */
const char *trace_reason_name(trace_reason r);

/* The tables a table-change event can be about. */
typedef enum {
    TRACE_TABLE_NONE = 0, /* the event changes no table */
    TRACE_TABLE_ARP,      /* key: IPv4 address; value: "MAC STATE", or "incomplete" */
    TRACE_TABLE_MAC,      /* a switch's table; key: MAC; value: port name */
    TRACE_TABLE_ADDRESS,  /* key: interface; value: "ip/prefix" */
    TRACE_TABLE_NAT,      /* key: "proto inside-endpoint"; value: outside endpoint */
    TRACE_TABLE_TCP,      /* key: connection ("a:p > b:q"); value: its state */
    TRACE_TABLE_DHCP,     /* key: client MAC (server) or interface (client); value: lease */
    TRACE_TABLE_COUNT_
} trace_table_id;

/* "arp", "mac", "address", "nat", "tcp", "dhcp"; NULL for TRACE_TABLE_NONE. */
const char *trace_table_name(trace_table_id t);

/* Which rule a NAT box applied in a TRACE_TRANSLATE event (as Linux's
 * conntrack tells the directions apart: a packet in a connection's original
 * direction gets the rule's translation, one in the reply direction has it
 * undone). The names (trace_translation_name) are stable: trace.jsonl writes
 * them. New values are only ever appended. */
typedef enum {
    TRACE_TRANSLATION_NONE = 0,     /* not a translation */
    TRACE_TRANSLATION_SNAT,         /* an inside source leaves as the outside address (and a
                                       mapped port or identifier): source NAT */
    TRACE_TRANSLATION_REPLY,        /* a reply through a mapping, dynamic or pinned, or from a
                                       port-forwarded server: the translation undone */
    TRACE_TRANSLATION_PORT_FORWARD, /* inbound to a port forward: the destination becomes the
                                       inside server (destination NAT) */
    TRACE_TRANSLATION_ICMP_ERROR,   /* an ICMP error about a translated packet, translated back
                                       with its quote (RFC 5508) */
    TRACE_TRANSLATION_COUNT_
} trace_translation;

/* "snat", "reply", "port_forward", "icmp_error"; NULL for TRACE_TRANSLATION_NONE. */
const char *trace_translation_name(trace_translation t);
/* The tables a "show" action can print, each in the layout of the tool a
 * reader knows (docs/apps.md): `ifconfig`, `ip route`, `arp -a`, a switch's
 * MAC address table, `conntrack -L`, `netstat -an`. */
typedef enum {
    TRACE_SHOW_INTERFACES, /* every device: name, MAC, counters; IP devices: address */
    TRACE_SHOW_ROUTE,      /* hosts and routers: the routing table */
    TRACE_SHOW_ARP,        /* hosts and routers: the ARP cache */
    TRACE_SHOW_MAC,        /* switches: the MAC address table */
    TRACE_SHOW_NAT,        /* NAT boxes: the mappings (connection tracking) */
    TRACE_SHOW_SOCKETS,    /* hosts and routers: UDP sockets, TCP listeners and connections */
    TRACE_SHOW_NEIGH,      /* hosts and routers: the ARP cache with its states (`ip neigh`) */
    TRACE_SHOW_COUNT_
} trace_show_table;

/* "interfaces", "route", "arp", "mac", "nat", "sockets", "neigh"; NULL beyond them. */
const char *trace_show_table_name(trace_show_table t);

/* One named value of a row ("ip" = "10.0.0.1"); both borrowed. */
typedef struct trace_field {
    const char *name;
    const char *value;
} trace_field;

/* One row of a shown table: its fields in a fixed order per table (the names
 * are listed in docs/trace-format.md). A field that does not apply is left
 * out, so a formatter asks for fields by name (trace_row_get). */
typedef struct trace_row {
    const trace_field *fields;
    size_t n_fields;
} trace_row;

/* The value of field `name` in `r`, or NULL when the row has none. */
const char *trace_row_get(const trace_row *r, const char *name);

/* A table at one instant, rows in the order the tool would print them. */
typedef struct trace_show {
    trace_show_table table;
    const trace_row *rows;
    size_t n_rows;
} trace_show;

/* One entry of one table before and after the step. `key` NULL: the whole
 * table (cleared). `old_value` NULL: the entry did not exist; `new_value`
 * NULL: it was removed; both equal: looked at, left as it was. */
typedef struct trace_change {
    trace_table_id table;
    const char *key;
    const char *old_value;
    const char *new_value;
} trace_change;

/* For TRACE_WIRE: which end of the link transmitted and which received. */
typedef struct trace_wire_ends {
    const char *tx_device, *tx_port; /* NULL when not a wire event */
    const char *rx_device, *rx_port;
    int tx_side; /* which end of the link (0 or 1) transmitted, when tx_device is set */
} trace_wire_ends;

/* frame_describe truncates longer summaries. */
#define TRACE_SUMMARY_CAP 512

/* The event's frame decoded at most once, by whichever sink asks first
 * (trace_event_frame, trace_event_summary), so a step shown by the text
 * trace, trace.jsonl, the hop table and the diagrams costs one decode; the
 * bus keeps it while the following events carry the same bytes (a flood's
 * copies, a frame's wire, receive and drop steps). */
typedef struct trace_frame_memo {
    bool have_info, have_summary;
    frame_info info;
    char summary[TRACE_SUMMARY_CAP];
} trace_frame_memo;

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
    /* Typed facts beside the prose (zero when not set): */
    trace_reason reason;  /* TRACE_DROP: the rule that dropped it (never NONE) */
    trace_wire_ends wire; /* TRACE_WIRE: transmitter and receiver */
    trace_change change;  /* ARP, TABLE, LEARN, STATE, TRANSLATE: what changed */
    bool has_ttl;         /* TRACE_FORWARD by a router: the TTL it decremented */
    uint8_t ttl_old, ttl_new;
    const char *route;             /* TRACE_FORWARD by a router: the route used
                                      ("10.0.2.0/24 via 10.0.1.2 dev eth1"); TRACE_TABLE of
                                      an address: the default route installed, if any */
    trace_translation translation; /* TRACE_TRANSLATE: the rule applied (never NONE) */
    const trace_show *show;        /* TRACE_SHOW: the table and its rows */
    /* TRACE_APP: the line's outcome as typed fields, NULL when the line is
     * prose only. Fields "program" ("ping", "dns", ...) and "event"
     * ("reply", "statistics", ...) come first, then that event's fields,
     * every value a string (numbers in decimal, addresses dotted); the
     * programs' events and fields are listed in docs/trace-format.md. The
     * prose line (`detail`) says the same for a reader; an event with a
     * result and no line (detail NULL) is a fact the text trace omits (a
     * resolver's answer, traceroute's end). */
    const trace_row *result;
    /* A TCP segment sent again (timeout, fast retransmit, SACK recovery):
     * set on the stack's "retransmission" send event and on every event of
     * the retransmitted packet's journey (the frame carries the mark). */
    bool retransmission;
    trace_frame_memo *memo; /* set by trace_emit for the sinks; callers leave it NULL */
} trace_event;

/* The event's frame decoded (frame_decode); `ev->frame` must be set. The
 * result is borrowed for the duration of the emit call. */
const frame_info *trace_event_frame(const trace_event *ev);

/* The event's frame as one line (frame_describe); `ev->frame` must be set.
 * Borrowed for the duration of the emit call. */
const char *trace_event_summary(const trace_event *ev);

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

/* Hands the event to every sink, with a memo so its frame is decoded at
 * most once (shared with the previous events that carried the same bytes).
 * `bus` may be NULL (then nothing happens). */
void trace_emit(trace_bus *bus, const trace_event *ev);

#endif
