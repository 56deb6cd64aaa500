/*
 * hop_table: a packet's journey, hop by hop. A trace sink that collects every
 * TRACE_WIRE event (a frame crossing a link) by packet id and, after the run,
 * prints per packet one table row per hop: time, link, transmitting port,
 * Ethernet src > dst, IP src > dst, TTL and what changed at that hop ("MAC
 * rewritten by r1, IP unchanged, TTL 64 -> 63"), as text (a slide) or as
 * DIR/paths.json. Layout, columns and rules: docs/hop-table.md.
 * hop_table_visit hands the same rows and fates, decoded, to other writers
 * (the path diagrams in src/diagrams), so every output agrees on hop numbers,
 * changes and the end of each journey.
 *
 * Invariants: only decoded header fields are kept per hop (never frame bytes
 * and never a pointer into an event); link and device names are borrowed from
 * the constructor's arrays; loading is linear in the number of events; output
 * order is by packet id, then (time, hop number, arrival), never hash order.
 */
#ifndef NETSIM_SINKS_HOP_TABLE_H
#define NETSIM_SINKS_HOP_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/trace.h"
#include "wire/addr.h"

/* Link i of the network (the `link` index of TRACE_WIRE events): its name as
 * in the captures ("A.eth0--sw1.p1") and its two ends. All strings borrowed. */
typedef struct hop_link {
    const char *name; /* as in the capture file names (paths.json's "link") */
    const char *device[2];
    const char *port[2];
    const char *label; /* as the topology names it (the text table); NULL: name */
} hop_link;

/* A device and its kind (name borrowed). is_hub picks "repeated by" over
 * "forwarded by" in the change column; is_switch is recorded for rules to
 * come and changes nothing yet (any device that passes a frame on unchanged
 * "forwards" it). */
typedef struct hop_device {
    const char *name;
    int is_hub;
    int is_switch;
} hop_device;

typedef struct hop_table hop_table;

/* A table for the network described by `links[n_links]` and
 * `devices[n_devices]`. The arrays themselves are copied; the strings they
 * point to are borrowed and must outlive the table. A device named by a link
 * but missing from `devices` counts as neither hub nor switch. Returns NULL on
 * allocation failure; caller frees with hop_table_free. */
hop_table *hop_table_new(const hop_link *links, size_t n_links, const hop_device *devices,
                         size_t n_devices);

/* The sink to subscribe to the trace bus. It keeps TRACE_WIRE events with a
 * packet id (other kinds, id 0, an unknown link index, or a transmitter that is
 * not an end of the link are ignored). Exits via ns_out_of_memory on allocation failure. */
trace_sink hop_table_as_sink(hop_table *t);

/* Writes the text tables to `out` (borrowed): every packet in id order when
 * `only_packet` is 0, else that packet's table only (or one line saying it
 * never crossed a link). Tables are separated by a blank line; nothing is
 * written when no packet was seen and `only_packet` is 0. Aborts on allocation
 * failure (as do the other writers below). */
void hop_table_write_text(const hop_table *t, FILE *out, uint32_t only_packet);

/* Writes every packet's hops as one JSON document (DIR/paths.json) to `out`. */
void hop_table_write_json(const hop_table *t, FILE *out);

/* How many packets crossed at least one link. */
size_t hop_table_packet_count(const hop_table *t);

/* How many hops packet `packet_id` made; 0 if it never crossed a link (so a
 * caller can reject an unknown --packet before writing). */
size_t hop_table_hop_count(const hop_table *t, uint32_t packet_id);

/* Which rule of the change column applied to a hop (docs/hop-table.md), for
 * writers that mark hops (the path diagrams colour rewrites). */
typedef enum {
    HOP_CHANGE_SENT,      /* no predecessor: "sent by D" */
    HOP_CHANGE_FORWARDED, /* "forwarded by D, ..." (the TTL may differ) */
    HOP_CHANGE_REPEATED,  /* "repeated by D" (a hub) */
    HOP_CHANGE_MAC,       /* "MAC rewritten by D" (a router) */
    HOP_CHANGE_ADDRESSES, /* "addresses rewritten by D" (ARP or non-IPv4 addresses) */
    HOP_CHANGE_IP,        /* "IP rewritten by D" (the NAT box) */
} hop_change;

/* What the network-address cells of a hop hold. */
typedef enum {
    HOP_ADDR_NONE, /* neither IPv4 nor ARP */
    HOP_ADDR_IPV4, /* src, dst: the IPv4 addresses; ttl valid */
    HOP_ADDR_ARP,  /* src, dst: the ARP sender and target protocol addresses */
} hop_addr_kind;

/* One row of a packet's table, as the text and paths.json show it. The
 * strings are borrowed for the duration of the visitor call only. */
typedef struct hop_view {
    uint32_t number; /* the hop number (1: sent by the originating device) */
    uint32_t prev;   /* index in this packet's rows of the predecessor, or UINT32_MAX */
    uint64_t time;   /* nanoseconds */
    uint32_t link;   /* link index (as in TRACE_WIRE events) */
    int from_side;   /* the end of the link that transmitted: 0 or 1 */
    mac_addr eth_src, eth_dst;
    hop_addr_kind addr;
    ipv4_addr src, dst;
    int has_ports;
    uint16_t sport, dport;
    uint8_t ttl;             /* with HOP_ADDR_IPV4 */
    hop_change change;       /* the rule behind change_text */
    const char *net_text;    /* the "ip src > dst" cell ("-" when none) */
    const char *change_text; /* the change cell */
    /* How many rows after this one repeat it on other links (a flood's
     * copies), when the text tables fold them (TRACE_TEXT_FOLD_MIN or
     * more); else 0. */
    uint32_t folds;
} hop_view;

/* How a packet's journey ended at one place (docs/hop-table.md, "fate"). */
typedef enum {
    HOP_FATE_DELIVERED, /* a TRACE_DELIVER event */
    HOP_FATE_DROPPED,   /* a TRACE_DROP event */
    HOP_FATE_FILTERED,  /* a TRACE_FILTER event: a switch kept it (on its ingress port) */
    HOP_FATE_RECEIVED,  /* neither, but received after its last hop started */
    HOP_FATE_IN_FLIGHT, /* neither, and still on a link at the end of the run */
} hop_fate_kind;

/* One "end" row of a packet's table: a packet has one or more (a flooded
 * broadcast may be delivered and dropped in several places). Strings are
 * borrowed for the duration of the visitor call only. */
typedef struct hop_fate_view {
    hop_fate_kind kind;
    uint64_t time;               /* nanoseconds; 0 with HOP_FATE_IN_FLIGHT */
    const char *device;          /* where: NULL with HOP_FATE_IN_FLIGHT */
    const char *port;            /* or NULL when the event named no port */
    const char *where;           /* "device.port" or "device", as the text shows; NULL in flight */
    const char *why;             /* the event's prose, or NULL */
    trace_reason reason;         /* drops: the rule's code */
    uint32_t trigger;            /* drops: the packet the dropping device sent next, or 0 */
    const char *trigger_summary; /* frame_describe of that packet, or NULL */
    /* How many fates after this one repeat it at other places, when the
     * text tables fold them (TRACE_TEXT_FOLD_MIN or more); else 0. */
    uint32_t folds;
} hop_fate_view;

/* Called once per packet with its rows in the text table's order and its
 * fates in arrival order (at least one); every pointer is borrowed for the
 * duration of the call. */
typedef void (*hop_table_visitor)(void *ctx, uint32_t packet_id, const char *summary,
                                  const hop_view *rows, size_t n_rows, const hop_fate_view *fates,
                                  size_t n_fates);

/* Calls `visit` for the packets in id order, the first `max_packets` of them
 * (0: all). Read-only: the table is unchanged. Exits via ns_out_of_memory on allocation failure. */
void hop_table_visit(const hop_table *t, size_t max_packets, hop_table_visitor visit, void *ctx);

/* NULL is a no-op. */
void hop_table_free(hop_table *t);

/* A hop's address cell: "a.b.c.d", with ":port" when the hop carries ports
 * (text tables, paths.json and the path diagrams show the same text). */
void hop_format_endpoint(ipv4_addr a, bool has_port, uint16_t port, char *buf, size_t cap);

#endif
